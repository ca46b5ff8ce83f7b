/*
 * translate.c - smig-mkhost's translation of a tool's English output (`ipconfig /all`,
 * `systeminfo`) into another display language, label by label through the tables of
 * common/winlang.c, laid out at that language's columns as its real outputs are
 * (formats.md A3). Host data (names, addresses, locale, time zone) is kept; Windows' own value
 * words, sizes and dates are translated. The parsers' tests check French text written by
 * hand from real samples, so these tables are not the only judge of themselves.
 */
#include "translate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "winval.h"

struct tr {
	const struct smig_lang *en, *to;
	struct smig_strbuf sb;
	size_t value_col; /* of the last ipconfig field written */
	bool in_adapter;
	int si_field;     /* the systeminfo field whose items follow */
};

static void spaces(struct smig_strbuf *sb, size_t n)
{
	while (n-- > 0)
		smig_strbuf_putc(sb, ' ');
}

/* Value words of `field` (an enum of the tool) in the target language. */
static void put_word_value(struct tr *t, const char *v, size_t n,
			   const enum smig_lang_word *words, size_t nwords)
{
	size_t i;

	for (i = 0; i < nwords; i++)
		if (smig_lang_is(t->en, words[i], v, n)) {
			smig_strbuf_puts(&t->sb, t->to->words[words[i]]);
			return;
		}
	smig_strbuf_append(&t->sb, v, n);
}

/* "10.0.0.1(Preferred)" -> "10.0.0.1(préféré)". */
static void put_address(struct tr *t, const char *v, size_t n)
{
	const char *paren = memchr(v, '(', n);

	if (paren && v[n - 1] == ')' &&
	    smig_lang_is(t->en, W_PREFERRED, paren + 1, (size_t)(v + n - paren - 2))) {
		smig_strbuf_append(&t->sb, v, (size_t)(paren - v));
		smig_strbuf_printf(&t->sb, "(%s)", t->to->words[W_PREFERRED]);
		return;
	}
	smig_strbuf_append(&t->sb, v, n);
}

static void ipc_value(struct tr *t, int field, const char *v, size_t n)
{
	static const enum smig_lang_word yesno[] = {W_YES, W_NO};
	static const enum smig_lang_word media[] = {W_MEDIA_DISCONNECTED};
	static const enum smig_lang_word netbios[] = {W_ENABLED, W_DISABLED};
	static const enum smig_lang_word node[] = {W_HYBRID};

	switch (field) {
	case IPC_DHCP_ENABLED:
	case IPC_AUTOCONF_ENABLED:
	case IPC_IP_ROUTING:
	case IPC_WINS_PROXY:
		put_word_value(t, v, n, yesno, 2);
		break;
	case IPC_MEDIA_STATE:
		put_word_value(t, v, n, media, 1);
		break;
	case IPC_NETBIOS:
		put_word_value(t, v, n, netbios, 2);
		break;
	case IPC_NODE_TYPE:
		put_word_value(t, v, n, node, 1);
		break;
	default:
		put_address(t, v, n);
	}
}

/* A section header: "Ethernet adapter NAME:" -> "Carte Ethernet NAME :". */
static bool ipc_header(struct tr *t, const char *line, size_t len)
{
	const char *sep = memmem(line, len, t->en->ipc_header_infix, strlen(t->en->ipc_header_infix));
	const char *kind = line, *name;
	size_t klen, nlen, i;

	if (sep == NULL || line[len - 1] != ':')
		return false;
	klen = (size_t)(sep - line);
	name = sep + strlen(t->en->ipc_header_infix);
	nlen = (size_t)(line + len - 1 - name);
	for (i = 0; t->to->ipc_kinds && t->to->ipc_kinds[i].local; i++)
		if (strlen(t->to->ipc_kinds[i].name) == klen &&
		    memcmp(t->to->ipc_kinds[i].name, kind, klen) == 0) {
			kind = t->to->ipc_kinds[i].local;
			klen = strlen(kind);
			break;
		}
	smig_strbuf_puts(&t->sb, t->to->ipc_header_prefix);
	smig_strbuf_append(&t->sb, kind, klen);
	smig_strbuf_puts(&t->sb, *t->to->ipc_header_infix ? t->to->ipc_header_infix : " ");
	smig_strbuf_append(&t->sb, name, nlen);
	smig_strbuf_puts(&t->sb, t->to->ipc_header_colon);
	return true;
}

static void ipc_line(struct tr *t, const char *line, size_t len)
{
	size_t indent = 0, i, lend, vs, col, colon;
	const char *label;
	int field;

	if (len == 0)
		return;
	if (len == strlen(t->en->ipc_marker) && memcmp(line, t->en->ipc_marker, len) == 0) {
		smig_strbuf_puts(&t->sb, t->to->ipc_marker);
		return;
	}
	while (indent < len && line[indent] == ' ')
		indent++;
	if (indent == 0) {
		if (ipc_header(t, line, len))
			t->in_adapter = true;
		else
			smig_strbuf_append(&t->sb, line, len);
		return;
	}
	for (i = indent; i + 1 < len; i++)
		if (line[i] == ' ' && line[i + 1] == ':' && (i + 2 == len || line[i + 2] == ' '))
			break;
	if (i + 1 >= len) {
		/* a continuation: at the target's column (real French ones start before it) */
		spaces(&t->sb, t->value_col - (t->to->ipc_cont_slack ? 2 : 0));
		put_address(t, line + indent, len - indent);
		return;
	}
	lend = i;
	while (lend > indent && (line[lend - 1] == ' ' || line[lend - 1] == '.'))
		lend--;
	field = smig_lang_field(t->en->ipc, line + indent, lend - indent);
	label = field ? smig_lang_label_of(t->to->ipc, field) : NULL;
	if (label == NULL) {
		smig_strbuf_append(&t->sb, line, len); /* a label the tables lack: kept */
		return;
	}
	vs = i + 2 < len ? i + 3 : len;
	colon = t->in_adapter ? t->to->ipc_adapter_colon : t->to->ipc_global_colon;
	spaces(&t->sb, indent);
	smig_strbuf_puts(&t->sb, label);
	/* the leader: dots on alternate columns, a space before the colon */
	col = indent + smig_lang_columns(label, strlen(label));
	for (; col + 1 < colon; col++)
		smig_strbuf_putc(&t->sb, (colon - col) % 2 == 0 ? '.' : ' ');
	smig_strbuf_puts(&t->sb, " :");
	t->value_col = col + 3;
	if (vs < len) {
		smig_strbuf_putc(&t->sb, ' ');
		ipc_value(t, field, line + vs, len - vs);
	} else {
		smig_strbuf_putc(&t->sb, ' ');
	}
}

/* "32,757 MB" -> "32 757 Mo" with a no-break space (U+00A0) between groups, as French
 * Windows groups digits; a value that is not a size is kept. */
static void si_size(struct tr *t, const char *v, size_t n)
{
	char digits[32];
	size_t nd = 0, i, ul = strlen(t->en->words[W_MB]);

	if (n < ul + 2 || memcmp(v + n - ul, t->en->words[W_MB], ul) != 0) {
		smig_strbuf_append(&t->sb, v, n);
		return;
	}
	for (i = 0; i + ul + 1 < n && nd < sizeof(digits); i++)
		if (v[i] >= '0' && v[i] <= '9')
			digits[nd++] = v[i];
	for (i = 0; i < nd; i++) {
		if (i > 0 && (nd - i) % 3 == 0)
			smig_strbuf_puts(&t->sb, strcmp(t->to->code, "en") ? "\xc2\xa0" : ",");
		smig_strbuf_putc(&t->sb, digits[i]);
	}
	smig_strbuf_printf(&t->sb, " %s", t->to->words[W_MB]);
}

/* "11/15/2010, 9:12:44 AM" -> "15/11/2010, 09:12:44" (day first, 24 hours). */
static void si_date(struct tr *t, const char *v, size_t n)
{
	char buf[64], ampm[3] = "";
	int mo, d, y, h, mi, s;

	if (n >= sizeof(buf) || strcmp(t->to->code, "en") == 0) {
		smig_strbuf_append(&t->sb, v, n);
		return;
	}
	memcpy(buf, v, n);
	buf[n] = '\0';
	if (sscanf(buf, "%d/%d/%d, %d:%d:%d %2s", &mo, &d, &y, &h, &mi, &s, ampm) != 7) {
		smig_strbuf_append(&t->sb, v, n);
		return;
	}
	if (strcmp(ampm, "PM") == 0 && h < 12)
		h += 12;
	else if (strcmp(ampm, "AM") == 0 && h == 12)
		h = 0;
	smig_strbuf_printf(&t->sb, "%02d/%02d/%04d, %02d:%02d:%02d", d, mo, y, h, mi, s);
}

/* `pat` with its "%d" replaced by `count` (the tables' patterns are data, not formats). */
static void fill_count(const char *pat, int count, char *buf, size_t cap)
{
	const char *d = strstr(pat, "%d");

	if (d == NULL)
		snprintf(buf, cap, "%s", pat);
	else
		snprintf(buf, cap, "%.*s%d%s", (int)(d - pat), pat, count, d + 2);
}

/* "2 Processor(s) Installed." and its kin, in the target language. */
static void si_count(struct tr *t, enum smig_lang_word w, const char *v, size_t n)
{
	int count = atoi(v);
	char probe[96];

	fill_count(t->en->words[w], count, probe, sizeof(probe));
	if (strlen(probe) == n && memcmp(probe, v, n) == 0) {
		fill_count(t->to->words[w], count, probe, sizeof(probe));
		smig_strbuf_puts(&t->sb, probe);
	} else {
		smig_strbuf_append(&t->sb, v, n);
	}
}

static void si_value(struct tr *t, int field, const char *v, size_t n)
{
	switch (field) {
	case SI_TOTAL_MEMORY:
	case SI_AVAILABLE_MEMORY:
	case SI_VIRTUAL_MAX:
	case SI_VIRTUAL_AVAILABLE:
	case SI_VIRTUAL_IN_USE:
		si_size(t, v, n);
		break;
	case SI_INSTALL_DATE:
	case SI_BOOT_TIME:
		si_date(t, v, n);
		break;
	case SI_PROCESSORS:
		si_count(t, W_PROCESSORS_INSTALLED, v, n);
		break;
	case SI_HOTFIXES:
		si_count(t, W_HOTFIXES_INSTALLED, v, n);
		break;
	case SI_NICS:
		si_count(t, W_NICS_INSTALLED, v, n);
		break;
	default:
		smig_strbuf_append(&t->sb, v, n);
	}
}

/* "[01]: item" at the target's column; processors get the target's colon form. */
static void si_item(struct tr *t, size_t col, const char *v, size_t n)
{
	const char *close = memchr(v, ']', n);

	spaces(&t->sb, col);
	if (close != NULL && t->si_field == SI_PROCESSORS && col == t->to->si_value_col &&
	    (size_t)(close - v) + 1 < n && close[1] == ':') {
		smig_strbuf_append(&t->sb, v, (size_t)(close - v) + 1);
		smig_strbuf_puts(&t->sb, t->to->si_detail_colon);
		smig_strbuf_append(&t->sb, close + 2, n - (size_t)(close - v) - 2);
		return;
	}
	smig_strbuf_append(&t->sb, v, n);
}

static void si_detail(struct tr *t, const char *s, size_t n)
{
	static const enum smig_lang_word yesno[] = {W_YES, W_NO};
	static const enum smig_lang_word status[] = {W_NIC_DISCONNECTED, W_HARDWARE_NOT_PRESENT};
	const char *colon = memchr(s, ':', n), *label, *v;
	size_t vn, w;
	int field;

	spaces(&t->sb, t->to->si_nic_col);
	if (smig_lang_is(t->en, W_IP_ADDRESSES_HEADER, s, n)) {
		smig_strbuf_puts(&t->sb, t->to->words[W_IP_ADDRESSES_HEADER]);
		return;
	}
	field = colon ? smig_lang_field(t->en->si, s, (size_t)(colon - s)) : 0;
	label = field ? smig_lang_label_of(t->to->si, field) : NULL;
	if (label == NULL) {
		smig_strbuf_append(&t->sb, s, n);
		return;
	}
	v = colon + 1;
	while (v < s + n && *v == ' ')
		v++;
	vn = (size_t)(s + n - v);
	smig_strbuf_puts(&t->sb, label);
	smig_strbuf_puts(&t->sb, t->to->si_detail_colon);
	w = smig_lang_columns(label, strlen(label)) + strlen(t->to->si_detail_colon);
	spaces(&t->sb, w < t->to->si_detail_width ? t->to->si_detail_width - w : 1);
	if (field == SI_NIC_DHCP_ENABLED)
		put_word_value(t, v, vn, yesno, 2);
	else if (field == SI_NIC_STATUS)
		put_word_value(t, v, vn, status, 2);
	else
		smig_strbuf_append(&t->sb, v, vn);
}

static void si_line(struct tr *t, const char *line, size_t len)
{
	size_t indent = 0, n, vo;
	const char *label;
	int field;

	while (indent < len && line[indent] == ' ')
		indent++;
	if (len == 0)
		return;
	if (indent == t->en->si_nic_col) {
		if (line[indent] == '[')
			si_item(t, t->to->si_nic_col, line + indent, len - indent);
		else
			si_detail(t, line + indent, len - indent);
		return;
	}
	if (indent == t->en->si_value_col) {
		si_item(t, t->to->si_value_col, line + indent, len - indent);
		return;
	}
	vo = len < t->en->si_value_col ? len : t->en->si_value_col;
	n = vo;
	while (n > 0 && line[n - 1] == ' ')
		n--;
	field = n > 1 && line[n - 1] == ':' ? smig_lang_field(t->en->si, line, n - 1) : 0;
	label = field ? smig_lang_label_of(t->to->si, field) : NULL;
	if (indent != 0 || label == NULL) {
		smig_strbuf_append(&t->sb, line, len);
		return;
	}
	t->si_field = field;
	smig_strbuf_printf(&t->sb, "%s:", label);
	n = smig_lang_columns(label, strlen(label)) + 1;
	spaces(&t->sb, n < t->to->si_value_col ? t->to->si_value_col - n : 1);
	si_value(t, field, line + vo, len - vo);
}

char *mk_translate(const char *text, const char *tool, const struct smig_lang *to,
		   struct smig_err *e)
{
	struct tr t = {smig_langs[0], to, SMIG_STRBUF_INIT, 39, false, 0};
	bool ipc = strcmp(tool, "ipconfig") == 0;
	const char *s = text;

	if (!ipc && strcmp(tool, "systeminfo") != 0) {
		smig_err_set(e, SMIG_ERR_USAGE,
			     "a file's \"tool\" is '%s': it must be \"ipconfig\" or \"systeminfo\"",
			     tool);
		return NULL;
	}
	while (*s != '\0') {
		size_t n = strcspn(s, "\n"), len = n;

		while (len > 0 && (s[len - 1] == '\r' || s[len - 1] == ' '))
			len--;
		if (!ipc || len > 0)
			(ipc ? ipc_line : si_line)(&t, s, len);
		if (s[n] == '\n')
			smig_strbuf_putc(&t.sb, '\n');
		s += n + (s[n] == '\n');
	}
	if (smig_strbuf_check(&t.sb, e) < 0)
		return NULL;
	if (t.sb.buf == NULL)
		return smig_strdup("", e);
	return t.sb.buf;
}
