/* report.c - text, HTML and JSON renderings of reports (see report.h). */
#include "report.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "regmap.h"
#include "strbuf.h"
#include "width.h"
#include "winval.h"

/* Text: columns before a value on "key  value" lines (French words are longer: key_width()),
 * and the width messages wrap at. */
#define KEY_WIDTH 28
#define KEY_WIDTH_FR 36
#define TEXT_COLUMNS 100
/* Snapshot trees deeper than this are cut (Hyper-V allows 50 snapshots per VM). */
#define TREE_MAX_DEPTH 64
/* Text table columns wider than this are not padded further (a long name overflows). */
#define COLUMN_MAX 40

/* The order items are grouped in, most urgent first (report.h). */
static const enum smig_severity sev_order[] = {
    SMIG_SEV_BLOCKER, SMIG_SEV_FAIL, SMIG_SEV_ERROR, SMIG_SEV_WARNING,
    SMIG_SEV_MANUAL,  SMIG_SEV_PASS, SMIG_SEV_INFO,
};
#define NSEV (sizeof(sev_order) / sizeof(sev_order[0]))

/* "1 blocker", "2 blockers": how a count of items of one severity reads (n = 1: the badge of
 * one item). */
static const char *sev_noun(enum smig_severity s, size_t n)
{
	unsigned long k = (unsigned long)n;

	switch (s) {
	case SMIG_SEV_BLOCKER:
		return P_("blocker", "blockers", k);
	case SMIG_SEV_FAIL:
		return P_("failed check", "failed checks", k);
	case SMIG_SEV_ERROR:
		return P_("error", "errors", k);
	case SMIG_SEV_WARNING:
		return P_("warning", "warnings", k);
	case SMIG_SEV_MANUAL:
		return P_("manual step", "manual steps", k);
	case SMIG_SEV_PASS:
		return P_("passed check", "passed checks", k);
	case SMIG_SEV_INFO:
		return P_("note", "notes", k);
	}
	return "?";
}

static const char *sev_heading(enum smig_severity s)
{
	switch (s) {
	case SMIG_SEV_BLOCKER:
		return _("Blockers");
	case SMIG_SEV_FAIL:
		return _("Failed checks");
	case SMIG_SEV_ERROR:
		return _("Errors");
	case SMIG_SEV_WARNING:
		return _("Warnings");
	case SMIG_SEV_MANUAL:
		return _("Manual steps");
	case SMIG_SEV_PASS:
		return _("Passed checks");
	case SMIG_SEV_INFO:
		return _("Notes");
	}
	return "?";
}

int smig_format_parse(const char *s, enum smig_format *f)
{
	if (s == NULL)
		return -1;
	if (strcmp(s, "text") == 0)
		*f = SMIG_FORMAT_TEXT;
	else if (strcmp(s, "json") == 0)
		*f = SMIG_FORMAT_JSON;
	else if (strcmp(s, "html") == 0)
		*f = SMIG_FORMAT_HTML;
	else
		return -1;
	return 0;
}

const char *smig_format_name(enum smig_format f)
{
	switch (f) {
	case SMIG_FORMAT_TEXT:
		return "text";
	case SMIG_FORMAT_JSON:
		return "json";
	case SMIG_FORMAT_HTML:
		return "html";
	}
	return "?";
}

/* The badges show the severity's keyword in English: "fail", "pass"... (blocker, error and
 * warning are their nouns' singular). */
const char *smig_severity_label(enum smig_severity s)
{
	switch (s) {
	case SMIG_SEV_FAIL:
		/* TRANSLATORS: a report item's severity badge: a check that failed */
		return _("fail");
	case SMIG_SEV_PASS:
		/* TRANSLATORS: a report item's severity badge: a check that passed */
		return _("pass");
	case SMIG_SEV_INFO:
		/* TRANSLATORS: a report item's severity badge: a note */
		return _("info");
	case SMIG_SEV_MANUAL:
		/* TRANSLATORS: a report item's severity badge: a step to do by hand */
		return _("manual");
	default:
		return sev_noun(s, 1);
	}
}

const char *smig_switch_type_label(enum smig_switch_type t)
{
	switch (t) {
	case SMIG_SWITCH_PRIVATE:
		/* TRANSLATORS: a virtual network's type */
		return _("private");
	case SMIG_SWITCH_INTERNAL:
		return _("internal");
	case SMIG_SWITCH_EXTERNAL:
		return _("external");
	}
	return "?";
}

const char *smig_disk_type_label(enum smig_disk_type t)
{
	switch (t) {
	case SMIG_DISK_FIXED:
		/* TRANSLATORS: a virtual hard disk's type */
		return _("fixed");
	case SMIG_DISK_DYNAMIC:
		return _("dynamic");
	case SMIG_DISK_DIFFERENCING:
		return _("differencing");
	}
	return "?";
}

const char *smig_drive_kind_label(enum smig_drive_kind_inv k)
{
	switch (k) {
	case SMIG_INV_DRIVE_VHD:
		/* TRANSLATORS: what a VM's drive holds: a virtual hard disk, an ISO image, a
		 * virtual floppy, a pass-through disk, nothing */
		return _("vhd");
	case SMIG_INV_DRIVE_ISO:
		return _("iso");
	case SMIG_INV_DRIVE_VFD:
		return _("vfd");
	case SMIG_INV_DRIVE_PASSTHROUGH:
		return _("passthrough");
	case SMIG_INV_DRIVE_EMPTY:
		return _("empty");
	}
	return "?";
}

/* A caller's msgid translated (see below). */
static const char *tr(const char *s);

/* ---- the writer: one set of calls renders both text and HTML ---- */

struct w {
	struct smig_strbuf *sb;
	const struct smig_inventory *inv; /* for lookups; NULL in item reports */
	bool html;
	bool kv_open; /* HTML: a <table class="kv"> is open */
	int indent;   /* text: columns before a key */
	size_t line;  /* text: where the value of the current key (or list line) starts */
	size_t col;   /* text: the column it starts at */
};

/*
 * The one place model strings enter the output. C0 controls and DEL become \xNN (they would
 * move a terminal's cursor or break lines, and XML forbids most of them); in a string that is
 * not valid UTF-8 every byte >= 0x80 becomes '?'; in HTML & < > " ' become references.
 */
static void put_esc(struct smig_strbuf *sb, const char *s, size_t n, bool html, bool valid)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			smig_strbuf_printf(sb, "\\x%02X", c);
		else if (c >= 0x80 && !valid)
			smig_strbuf_putc(sb, '?');
		else if (html && c == '&')
			smig_strbuf_puts(sb, "&amp;");
		else if (html && c == '<')
			smig_strbuf_puts(sb, "&lt;");
		else if (html && c == '>')
			smig_strbuf_puts(sb, "&gt;");
		else if (html && c == '"')
			smig_strbuf_puts(sb, "&quot;");
		else if (html && c == '\'')
			smig_strbuf_puts(sb, "&#39;");
		else
			smig_strbuf_putc(sb, (char)c);
	}
}

/* Columns of n bytes of valid UTF-8 as put_esc() writes them in text (width.h: wcwidth;
 * C0 controls and DEL are \xNN, 4 columns). */
static size_t utf8_cols(const char *s, size_t n)
{
	return smig_width_cols(s, n);
}

/* Terminal columns put_esc() uses in text mode for `n` bytes of `s`. */
static size_t esc_width(const char *s, size_t n, bool valid)
{
	size_t i, w = 0;

	if (valid)
		return utf8_cols(s, n);
	for (i = 0; i < n; i++) /* every byte >= 0x80 is a '?' */
		w += (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? 4 : 1;
	return w;
}

static size_t str_width(const char *s)
{
	s = s ? s : "-";
	return esc_width(s, strlen(s), smig_utf8_valid(s, strlen(s)));
}

/* Our own markup or words: never model strings. */
static void raw(struct w *w, const char *s)
{
	smig_strbuf_puts(w->sb, s);
}

static void lit(struct w *w, const char *fmt, ...) SMIG_PRINTF(2, 3);
static void lit(struct w *w, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		w->sb->failed = true;
		return;
	}
	smig_strbuf_append(w->sb, s, (size_t)n);
	free(s);
}

/* A model string, escaped for the output; NULL shows as "-". */
static void str(struct w *w, const char *s)
{
	size_t n;

	s = s ? s : "-";
	n = strlen(s);
	put_esc(w->sb, s, n, w->html, smig_utf8_valid(s, n));
}

/* A model string padded to `width` columns (text tables). */
static void str_pad(struct w *w, const char *s, size_t width)
{
	size_t used = str_width(s);

	str(w, s);
	while (used++ < width)
		smig_strbuf_putc(w->sb, ' ');
}

static void spaces(struct w *w, size_t n)
{
	while (n-- > 0)
		smig_strbuf_putc(w->sb, ' ');
}

/*
 * Text: reflow what was written since `start` (at column `col`, no line breaks in it) into
 * lines of at most TEXT_COLUMNS, breaking at spaces; continuation lines start at `indent`.
 * The region is already escaped (valid UTF-8, no controls).
 */
static void wrap_from(struct w *w, size_t start, size_t col, size_t indent)
{
	struct smig_strbuf *sb = w->sb;
	size_t i, n, width = 0;
	bool first = true;
	char *tail;

	if (w->html || sb->failed || sb->len <= start)
		return;
	n = sb->len - start;
	width = utf8_cols(sb->buf + start, n);
	if (col + width <= TEXT_COLUMNS || memchr(sb->buf + start, '\n', n))
		return;
	tail = malloc(n);
	if (tail == NULL) {
		sb->failed = true;
		return;
	}
	memcpy(tail, sb->buf + start, n);
	sb->len = start;
	sb->buf[start] = '\0';
	for (i = 0; i <= n; i++) {
		size_t k = i, ww = 0;

		while (k < n && tail[k] != ' ')
			k++;
		ww = utf8_cols(tail + i, k - i);
		if (!first && col + 1 + ww > TEXT_COLUMNS) {
			smig_strbuf_putc(sb, '\n');
			spaces(w, indent);
			col = indent;
		} else if (!first) {
			smig_strbuf_putc(sb, ' ');
			col++;
		}
		smig_strbuf_append(sb, tail + i, k - i);
		col += ww;
		first = false;
		i = k;
	}
	free(tail);
}

/* Text: start a list line at `indent`; line_end() wraps it, continuing at `cont`. */
static void line_begin(struct w *w, size_t indent)
{
	spaces(w, indent);
	w->line = w->sb->len;
	w->col = indent;
}

static void line_end(struct w *w, size_t cont)
{
	wrap_from(w, w->line, w->col, cont);
	smig_strbuf_putc(w->sb, '\n');
}

/*
 * Text: a model string put from column `col`, wrapped at spaces before TEXT_COLUMNS, its line
 * breaks kept; continuation lines start at column `indent`. HTML: escaped as is.
 */
static void str_wrap(struct w *w, const char *s, size_t col, size_t indent)
{
	bool valid, first = true;
	const char *p;

	if (w->html || s == NULL) {
		str(w, s);
		return;
	}
	valid = smig_utf8_valid(s, strlen(s));
	for (p = s; *p != '\0';) {
		size_t n, width;

		if (*p == '\n' || (*p == '\r' && p[1] == '\n')) {
			p += *p == '\r' ? 2 : 1;
			raw(w, "\n");
			spaces(w, indent);
			col = indent;
			first = true;
			continue;
		}
		if (*p == ' ') {
			p++;
			continue;
		}
		n = strcspn(p, " \r\n");
		if (n == 0)
			n = 1; /* a lone CR */
		width = esc_width(p, n, valid);
		if (!first && col + 1 + width > TEXT_COLUMNS) {
			raw(w, "\n");
			spaces(w, indent);
			col = indent;
			first = true;
		}
		if (!first) {
			raw(w, " ");
			col++;
		}
		put_esc(w->sb, p, n, false, valid);
		col += width;
		first = false;
		p += n;
	}
}

/*
 * A multi-line model string (PowerShell) with its lines kept and never wrapped: text indents
 * continuation lines by `indent`; HTML puts real newlines (for <pre>).
 */
static void str_lines(struct w *w, const char *s, size_t indent)
{
	bool valid = smig_utf8_valid(s, strlen(s));

	for (;;) {
		size_t n = strcspn(s, "\n");
		size_t m = n > 0 && s[n - 1] == '\r' ? n - 1 : n;

		put_esc(w->sb, s, m, w->html, valid);
		if (s[n] == '\0')
			break;
		s += n + 1;
		raw(w, "\n");
		if (!w->html)
			spaces(w, indent);
	}
}

static size_t key_width(void)
{
	return smig_i18n_lang() == SMIG_LANG_FR ? KEY_WIDTH_FR : KEY_WIDTH;
}

/* Our own words (a translation) padded to `width` display columns: accented letters are two
 * bytes and one column. Returns the columns used. */
static size_t pad(struct w *w, const char *s, size_t width)
{
	size_t used = utf8_cols(s, strlen(s));

	raw(w, s);
	if (used < width)
		spaces(w, width - used);
	return used > width ? used : width;
}

/* Our own words right-aligned in `width` columns (text table headings over numbers). */
static void pad_left(struct w *w, const char *s, size_t width)
{
	size_t used = utf8_cols(s, strlen(s));

	if (used < width)
		spaces(w, width - used);
	raw(w, s);
}

/* HTML: "<table>" and a heading row of the msgids given (NULL-terminated), translated. */
static void thead(struct w *w, ...)
{
	va_list ap;
	const char *c;

	raw(w, "<table>\n<tr>");
	va_start(ap, w);
	while ((c = va_arg(ap, const char *)) != NULL)
		lit(w, "<th>%s</th>", _(c));
	va_end(ap);
	raw(w, "</tr>\n");
}

/* Start a "key  value" row (text) or a key-value table row (HTML). Keys are ours (translated
 * by the caller). */
static void key(struct w *w, const char *k)
{
	if (w->html) {
		if (!w->kv_open)
			raw(w, "<table class=\"kv\">\n");
		w->kv_open = true;
		lit(w, "<tr><th>%s</th><td>", k);
	} else {
		size_t used;

		spaces(w, (size_t)w->indent);
		used = pad(w, k, key_width() - (size_t)w->indent - 1);
		raw(w, " ");
		w->line = w->sb->len;
		w->col = (size_t)w->indent + used + 1;
	}
}

static void end(struct w *w)
{
	if (w->html) {
		raw(w, "</td></tr>\n");
		return;
	}
	line_end(w, key_width());
}

static void kv_close(struct w *w)
{
	if (w->html && w->kv_open)
		raw(w, "</table>\n");
	w->kv_open = false;
}

static void kv(struct w *w, const char *k, const char *v)
{
	key(w, k);
	str(w, v);
	end(w);
}

static void section(struct w *w, const char *id, const char *title)
{
	size_t i;

	kv_close(w);
	if (w->html) {
		lit(w, "<h2 id=\"%s\">%s</h2>\n", id, title);
		return;
	}
	lit(w, "\n%s\n", title);
	for (i = utf8_cols(title, strlen(title)); i > 0; i--)
		raw(w, "-");
	raw(w, "\n");
}

/* A sub-heading inside a section or card (text: a label line at the current indent). */
static void subhead(struct w *w, const char *title)
{
	kv_close(w);
	if (w->html)
		lit(w, "<h4>%s</h4>\n", title);
	else
		lit(w, "%*s%s\n", w->indent, "", title);
}

/* A line of our own words at the current indent (text) or a paragraph (HTML). */
static void note_begin(struct w *w)
{
	kv_close(w);
	if (w->html)
		raw(w, "<p class=\"muted\">");
	else
		spaces(w, (size_t)w->indent);
}

static void note_end(struct w *w)
{
	raw(w, w->html ? "</p>\n" : "\n");
}

/* ---- values ---- */

/* A no-break space (U+00A0): French typography, before units and between groups of digits. */
#define NBSP "\xc2\xa0"

void smig_human_size_lang(uint64_t bytes, bool french, char *buf, size_t len)
{
	static const char *const units[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
	/* the French IEC prefixes: octet, kibioctet (Kio), ... */
	static const char *const units_fr[] = {"octets", "Kio", "Mio", "Gio", "Tio", "Pio", "Eio"};
	const char *sp = french ? NBSP : " ", *name;
	uint64_t unit = 1;
	size_t u = 0;

	while (u + 1 < sizeof(units) / sizeof(units[0]) && bytes / unit >= 1024) {
		unit *= 1024;
		u++;
	}
	name = french ? (u == 0 && bytes < 2 ? "octet" : units_fr[u]) : units[u];
	if (bytes % unit == 0) {
		snprintf(buf, len, "%" PRIu64 "%s%s", bytes / unit, sp, name);
	} else {
		double v = (double)bytes / (double)unit;
		/* one decimal, but "2 GiB" rather than "2.0 GiB" when it rounds to a whole */
		uint64_t tenths = (uint64_t)(v * 10.0 + 0.5);

		if (tenths % 10 == 0)
			snprintf(buf, len, "%" PRIu64 "%s%s", tenths / 10, sp, name);
		else
			snprintf(buf, len, "%.1f%s%s", v, sp, name);
		/* LC_NUMERIC stays "C" (i18n.h): the French decimal comma is put here */
		if (french && (name = strchr(buf, '.')) != NULL)
			buf[name - buf] = ',';
	}
}

void smig_human_size(uint64_t bytes, char *buf, size_t len)
{
	smig_human_size_lang(bytes, smig_i18n_lang() == SMIG_LANG_FR, buf, len);
}

char *smig_human_count(uint64_t n, char *buf, size_t len)
{
	char digits[24];
	size_t nd, i, o = 0;

	snprintf(digits, sizeof(digits), "%" PRIu64, n);
	if (smig_i18n_lang() != SMIG_LANG_FR || len < SMIG_COUNT_BUFSZ) {
		snprintf(buf, len, "%s", digits);
		return buf;
	}
	nd = strlen(digits);
	for (i = 0; i < nd; i++) {
		if (i > 0 && (nd - i) % 3 == 0) {
			memcpy(buf + o, NBSP, sizeof(NBSP) - 1);
			o += sizeof(NBSP) - 1;
		}
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return buf;
}

static void size_val(struct w *w, uint64_t bytes)
{
	char buf[32];

	smig_human_size(bytes, buf, sizeof(buf));
	raw(w, buf);
}

/* Memory in MB (as the VM configuration and systeminfo give it). */
static void mb_val(struct w *w, int64_t mb)
{
	/* 0 is "not read"; beyond 2^43 MB the byte count would overflow */
	if (mb == 0)
		raw(w, _("unknown"));
	else if (mb < 0 || mb > ((int64_t)1 << 43))
		lit(w, _("%" PRId64 " MB"), mb);
	else
		size_val(w, (uint64_t)mb * 1024 * 1024);
}

static void mac_val(struct w *w, const struct smig_mac *m)
{
	char buf[18];

	smig_mac_format(m, buf);
	raw(w, buf);
}

static void strv_val(struct w *w, char *const *v, const char *sep, const char *none)
{
	size_t i;

	if (v == NULL || v[0] == NULL) {
		raw(w, none);
		return;
	}
	for (i = 0; v[i]; i++) {
		if (i)
			raw(w, sep);
		str(w, v[i]);
	}
}

static size_t strv_count(char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

/* Global VMQ switches (formats.md §3.6): -1 absent, 0 system default, 1 on, 2 off. */
static void vmq_global_val(struct w *w, int v)
{
	switch (v) {
	case -1:
		raw(w, _("not set (system default: disabled on 2008 R2)"));
		break;
	case 0:
		raw(w, _("0, system default (disabled on 2008 R2)"));
		break;
	case 1:
		raw(w, _("1, enabled"));
		break;
	case 2:
		raw(w, _("2, disabled"));
		break;
	default:
		lit(w, _("%d (not a known value)"), v);
	}
}

/* The per-adapter *VMQ keyword (formats.md §3.5): -1 absent, 0 disabled, 1 enabled. */
static void vmq_nic_val(struct w *w, int v)
{
	raw(w, v < 0 ? _("not set") : v == 0 ? _("disabled") : _("enabled"));
}

static const struct smig_inv_vm *find_vm(const struct smig_inventory *inv, const char *id)
{
	size_t i;

	for (i = 0; id && i < inv->nvms; i++)
		if (inv->vms[i].id && smig_guid_str_equal(inv->vms[i].id, id))
			return &inv->vms[i];
	return NULL;
}

/* A host adapter named by its NetCfgInstanceId: description ("connection", MAC). */
static void nic_label(struct w *w, const char *guid)
{
	const struct smig_inv_nic *n = smig_inventory_find_nic(w->inv, guid);

	if (n == NULL) {
		raw(w, _("adapter "));
		str(w, guid);
		raw(w, _(" (not among the host's adapters)"));
		return;
	}
	str(w, n->description);
	if (n->connection_name || n->has_mac) {
		raw(w, " (");
		if (n->connection_name) {
			raw(w, w->html ? "&quot;" : "\"");
			str(w, n->connection_name);
			raw(w, w->html ? "&quot;" : "\"");
		}
		if (n->connection_name && n->has_mac)
			raw(w, ", ");
		if (n->has_mac)
			mac_val(w, &n->mac);
		raw(w, ")");
	}
}

/* IPv4 settings of a host adapter. */
static void ip_val(struct w *w, const struct smig_inv_nic *n)
{
	size_t i;

	if (!n->has_tcpip) {
		raw(w, _("no TCP/IP settings"));
		return;
	}
	if (n->dhcp) {
		raw(w, "DHCP");
	} else {
		raw(w, _("static "));
		if (n->ip == NULL || n->ip[0] == NULL)
			raw(w, _("(no address)"));
		for (i = 0; n->ip && n->ip[i]; i++) {
			if (i)
				raw(w, ", ");
			str(w, n->ip[i]);
			if (i < strv_count(n->mask)) {
				raw(w, "/");
				str(w, n->mask[i]);
			}
		}
	}
	if (n->gateway && n->gateway[0]) {
		raw(w, _("; gateway "));
		strv_val(w, n->gateway, ", ", "");
	}
	if (n->dns && n->dns[0]) {
		raw(w, _("; DNS "));
		strv_val(w, n->dns, ", ", "");
	}
}

static void vm_ref(struct w *w, const char *vm_id)
{
	const struct smig_inv_vm *vm = find_vm(w->inv, vm_id);

	if (vm) {
		/* TRANSLATORS: before a virtual machine's name */
		raw(w, _("VM "));
		str(w, vm->name ? vm->name : vm->id);
	} else {
		raw(w, _("VM "));
		str(w, vm_id);
		raw(w, _(" (not among the host's VMs)"));
	}
}

static void port_val(struct w *w, const struct smig_inv_port *p)
{
	str(w, p->name ? p->name : p->guid);
	if (p->vlan)
		lit(w, _(", VLAN %" PRIu32), p->vlan);
	else
		raw(w, _(", untagged"));
	raw(w, ", ");
	if (p->vm_id)
		vm_ref(w, p->vm_id);
	else if (p->host)
		raw(w, _("the management OS"));
	else
		raw(w, _("no VM (orphaned port, not migrated)"));
}

static const char *nic_kind(const struct smig_inv_nic *n)
{
	return n->physical ? _("physical") : n->host_vnic ? _("host virtual adapter") : _("virtual");
}

static void memory_val(struct w *w, const struct smig_inv_vm *vm)
{
	raw(w, _("startup "));
	mb_val(w, vm->memory_mb);
	if (vm->dynamic_memory) {
		raw(w, _(", dynamic (minimum "));
		mb_val(w, vm->memory_min_mb);
		raw(w, _(", maximum "));
		mb_val(w, vm->memory_max_mb);
		raw(w, ")");
	} else {
		raw(w, _(", static"));
	}
}

static size_t total_snapshots(const struct smig_inventory *inv)
{
	size_t i, n = 0;

	for (i = 0; i < inv->nvms; i++)
		n += inv->vms[i].nsnapshots;
	return n;
}

/* ---- report items (shared by the inventory and the item reports) ---- */

static void summary_val(struct w *w, const struct smig_problems *l)
{
	size_t i, shown = 0;

	for (i = 0; i < NSEV; i++) {
		size_t n = l ? smig_problems_count(l, sev_order[i]) : 0;

		if (n == 0)
			continue;
		if (w->html)
			lit(w, "<span class=\"badge sev-%s\">%zu %s</span> ",
			    smig_severity_name(sev_order[i]), n, sev_noun(sev_order[i], n));
		else
			lit(w, "%s%zu %s", shown ? ", " : "", n, sev_noun(sev_order[i], n));
		shown++;
	}
	if (shown == 0)
		lit(w, w->html ? "<span class=\"badge sev-pass\">%s</span>" : "%s", _("no items"));
}

static void item_text(struct w *w, const struct smig_problem *p)
{
	const size_t in = 6, lab = 18; /* message indent; column after "Action:" labels */

	raw(w, "    ");
	str_pad(w, p->id && p->id[0] ? p->id : "-", 10);
	raw(w, " ");
	str(w, p->subject);
	raw(w, "\n");
	spaces(w, in);
	str_wrap(w, tr(p->message), in, in);
	raw(w, "\n");
	if (p->action) {
		raw(w, "      ");
		/* TRANSLATORS: a label before a manual step's action; the text pads it to 11
		 * columns */
		pad(w, _("Action:"), 11);
		raw(w, " ");
		str_wrap(w, tr(p->action), lab, lab);
		raw(w, "\n");
	}
	if (p->powershell) {
		raw(w, "      ");
		pad(w, _("PowerShell:"), 11);
		raw(w, " ");
		str_lines(w, p->powershell, lab);
		raw(w, "\n");
	}
}

static void item_html(struct w *w, const struct smig_problem *p)
{
	const char *sev = smig_severity_name(p->severity);

	lit(w,
	    "<div class=\"item b-%s\"><div class=\"ihead\"><span class=\"badge sev-%s\">%s</span> ",
	    sev, sev, smig_severity_label(p->severity));
	if (p->id && p->id[0]) {
		raw(w, "<code>");
		str(w, p->id);
		raw(w, "</code> ");
	}
	raw(w, "<span class=\"subj\">");
	str(w, p->subject);
	raw(w, "</span></div>\n<p>");
	str(w, tr(p->message));
	raw(w, "</p>\n");
	if (p->action) {
		lit(w, "<p><b>%s</b> ", _("Action:"));
		str(w, tr(p->action));
		raw(w, "</p>\n");
	}
	if (p->powershell) {
		raw(w, "<pre>");
		str_lines(w, p->powershell, 0);
		raw(w, "</pre>\n");
	}
	raw(w, "</div>\n");
}

/* The items grouped by severity; `top`: groups are sections (item reports), else sub-groups. */
static void items_body(struct w *w, const struct smig_problems *l, bool top)
{
	size_t i, k, total = 0;

	kv_close(w);
	for (i = 0; i < NSEV; i++) {
		enum smig_severity s = sev_order[i];
		size_t n = l ? smig_problems_count(l, s) : 0;
		char title[128];

		if (n == 0)
			continue;
		total += n;
		snprintf(title, sizeof(title), _("%s (%zu)"), sev_heading(s), n);
		if (top) {
			char id[32];
			snprintf(id, sizeof(id), "sev-%s", smig_severity_name(s));
			section(w, id, title);
		} else if (w->html) {
			lit(w, "<h3>%s</h3>\n", title);
		} else {
			lit(w, "\n  %s\n", title);
		}
		for (k = 0; k < l->count; k++) {
			if (l->items[k].severity != s)
				continue;
			if (w->html)
				item_html(w, &l->items[k]);
			else
				item_text(w, &l->items[k]);
		}
	}
	if (total == 0) {
		note_begin(w);
		raw(w, _("none"));
		note_end(w);
	}
}

/* ---- HTML page ---- */

static const char CSS[] =
    "body{font:14px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;"
    "color:#1d2330;background:#f4f6f9;margin:0}\n"
    ".top{background:#1f3a5f;color:#fff;padding:1.2em 2em}\n"
    ".top h1{margin:0;font-size:1.8em}\n"
    ".top .sub{margin:.2em 0 .9em;opacity:.85}\n"
    ".strip{display:flex;flex-wrap:wrap;gap:.5em;align-items:center}\n"
    ".stat{background:rgba(255,255,255,.14);border-radius:6px;padding:.3em .8em}\n"
    ".stat b{font-size:1.25em;margin-right:.25em}\n"
    ".nav{margin:.9em 0 0;font-size:.9em}.nav a{color:#cfe0f5;margin-right:1em}\n"
    ".content{max-width:1200px;margin:0 auto;padding:0 2em 2em}\n"
    "h2{margin:1.6em 0 .6em;font-size:1.3em;border-bottom:2px solid #1f3a5f;"
    "padding-bottom:.2em}\n"
    "h3{margin:.2em 0 .5em;font-size:1.15em}h4{margin:1em 0 .3em;font-size:1em;"
    "color:#3b4a60}\n"
    "table{border-collapse:collapse;width:100%;background:#fff;margin:.3em 0 1em}\n"
    "th,td{text-align:left;vertical-align:top;padding:.3em .6em;"
    "border-bottom:1px solid #e1e5eb}\n"
    "th{background:#e9edf3;font-weight:600}\n"
    "table.kv th{width:15em;background:#f7f8fa;font-weight:500;color:#3b4a60}\n"
    "code,pre,.mono{font-family:ui-monospace,Consolas,\"Liberation Mono\",monospace;"
    "font-size:.92em}\n"
    "pre{background:#1e2430;color:#e8ecf2;padding:.6em .8em;border-radius:6px;"
    "white-space:pre-wrap;margin:.4em 0}\n"
    ".card{background:#fff;border:1px solid #d8dde5;border-radius:8px;padding:1em 1.2em;"
    "margin:0 0 1.2em}\n"
    ".card.bad{border:2px solid #b00020}\n"
    ".errbox{background:#fdecee;border-left:4px solid #b00020;padding:.5em .8em;"
    "margin:.4em 0 .8em;font-weight:600}\n"
    ".badge{display:inline-block;border-radius:999px;padding:.1em .7em;font-size:.85em;"
    "font-weight:600;color:#fff;white-space:nowrap}\n"
    ".sev-blocker{background:#b00020}.sev-fail{background:#d32f2f}"
    ".sev-error{background:#6a1b9a}.sev-warning{background:#c77700}"
    ".sev-manual{background:#1565c0}.sev-pass{background:#2e7d32}"
    ".sev-info{background:#607d8b}\n"
    ".item{background:#fff;border:1px solid #d8dde5;border-left:5px solid #607d8b;"
    "border-radius:6px;padding:.5em .9em;margin:0 0 .7em}\n"
    ".item p{margin:.35em 0}.ihead .subj{font-weight:600;margin-left:.3em}\n"
    ".b-blocker{border-left-color:#b00020}.b-fail{border-left-color:#d32f2f}"
    ".b-error{border-left-color:#6a1b9a}.b-warning{border-left-color:#c77700}"
    ".b-manual{border-left-color:#1565c0}.b-pass{border-left-color:#2e7d32}\n"
    "ul.tree,ul.tree ul{list-style:none;margin:0;padding-left:1.4em}\n"
    "ul.tree{padding-left:.4em}\n"
    "ul.tree li{position:relative;padding-left:1em;border-left:1px solid #9aa5b5}\n"
    "ul.tree li:last-child{border-left-color:transparent}\n"
    "ul.tree li::before{content:\"\";position:absolute;left:-1px;top:0;width:.8em;"
    "height:.75em;border-left:1px solid #9aa5b5;border-bottom:1px solid #9aa5b5}\n"
    "ul.tree li.now{font-weight:700;color:#1565c0}\n"
    ".muted{color:#6b7482}.foot{color:#6b7482;font-size:.85em;margin-top:2em}\n"
    "@media print{body{background:#fff;font-size:10pt}"
    ".top{background:#fff;color:#000;border-bottom:2px solid #000;padding:0 0 .6em}"
    ".stat{border:1px solid #999}.nav{display:none}.content{max-width:none;padding:0}"
    ".card,.item,tr{break-inside:avoid}"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}\n";

/* The page up to the header's summary strip; `title` is ours, `name` from the model. */
static void html_begin(struct w *w, const char *title, const char *name)
{
	lit(w, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\"/>\n"
	       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
	       "<title>", smig_i18n_code());
	/* TRANSLATORS: the page title: "smig inventory: HV01" */
	lit(w, _("%s: "), title);
	str(w, name);
	raw(w, "</title>\n<style>\n");
	raw(w, CSS);
	raw(w, "</style>\n</head>\n<body>\n<div class=\"top\">\n<h1>");
	str(w, name);
	raw(w, "</h1>\n");
}

static void html_end(struct w *w)
{
	char when[48];

	kv_close(w);
	smig_i18n_time(when, sizeof(when), time(NULL));
	raw(w, "<p class=\"foot\">");
	/* TRANSLATORS: the HTML footer: smig's version, then the generation time */
	lit(w, _("Generated by smig %s on %s."), SMIG_VERSION, when);
	raw(w, "</p>\n</div>\n</body>\n</html>\n");
}

/* ---- inventory sections ---- */

static void host_section(struct w *w)
{
	const struct smig_inventory *inv = w->inv;
	const struct smig_inv_os *os = &inv->os;

	section(w, "host", _("Host"));
	kv(w, _("Computer name"), os->computer_name);
	if (os->dns_hostname || os->domain) {
		key(w, _("DNS name"));
		str(w, os->dns_hostname);
		if (os->domain) {
			raw(w, _(", domain "));
			str(w, os->domain);
		}
		end(w);
	}
	kv(w, _("Operating system"), os->product_name);
	key(w, _("Version"));
	str(w, os->current_version);
	raw(w, _(", build "));
	str(w, os->build);
	raw(w, ", ");
	if (os->csd_version)
		str(w, os->csd_version);
	else
		raw(w, _("no service pack"));
	end(w);
	key(w, _("Edition"));
	str(w, os->edition_id);
	if (os->installation_type) {
		raw(w, _(", installation type "));
		str(w, os->installation_type);
	}
	if (os->product_type) {
		raw(w, _(", product type "));
		str(w, os->product_type);
	}
	end(w);
	kv(w, _("Architecture"), os->architecture);
	key(w, _("Processors"));
	if (os->logical_processors)
		lit(w, P_("%u logical", "%u logical", os->logical_processors), os->logical_processors);
	else
		raw(w, _("unknown"));
	if (os->processor_identifier) {
		/* TRANSLATORS: between two facts of one line (French: a no-break space first) */
		raw(w, _("; "));
		str(w, os->processor_identifier);
	}
	end(w);
	key(w, _("Memory"));
	if (os->memory_mb) {
		mb_val(w, os->memory_mb > INT64_MAX ? INT64_MAX : (int64_t)os->memory_mb);
		if (os->memory_source) {
			raw(w, _(" (from "));
			str(w, os->memory_source);
			raw(w, ")");
		}
	} else {
		raw(w, _("unknown: no systeminfo output (give --systeminfo or --memory-mb)"));
	}
	end(w);
	key(w, _("Language"));
	raw(w, _("installed "));
	str(w, os->install_language);
	raw(w, _(", default UI "));
	str(w, os->default_language);
	if (os->system_locale) {
		raw(w, _(", system locale "));
		str(w, os->system_locale);
	}
	end(w);
	key(w, _("Supported source"));
	raw(w, os->supported_source ? _("yes") : _("NO"));
	if (os->support_reason) {
		/* TRANSLATORS: between a verdict and its reason (French: a no-break space first) */
		raw(w, _(": "));
		str(w, tr(os->support_reason));
	}
	end(w);
	key(w, _("Hyper-V role"));
	raw(w, inv->hyperv ? _("found") : _("NOT FOUND"));
	if (inv->hyperv_reason) {
		raw(w, _(": "));
		str(w, tr(inv->hyperv_reason));
	}
	end(w);
	if (inv->drive_letters) {
		key(w, _("Drive letters"));
		strv_val(w, inv->drive_letters, " ", _("none"));
		end(w);
	}
	kv(w, _("Host root"), inv->root);
}

static void hyperv_section(struct w *w)
{
	const struct smig_inv_hostsettings *h = &w->inv->host;

	section(w, "hyperv", _("Hyper-V host settings"));
	kv(w, _("Virtual machine path"), h->data_root);
	kv(w, _("Virtual hard disk path"), h->vhd_path);
	key(w, _("MAC address range"));
	if (h->has_mac_range) {
		mac_val(w, &h->mac_min);
		raw(w, _(" to "));
		mac_val(w, &h->mac_max);
		raw(w, h->mac_range_default ? _(" (the default range)") : _(" (customised)"));
	} else {
		raw(w, _("not recorded"));
	}
	end(w);
	key(w, _("VMQ, 10 Gb/s adapters"));
	vmq_global_val(w, h->vmq_tengig);
	end(w);
	key(w, _("VMQ, slower adapters"));
	vmq_global_val(w, h->vmq_below_tengig);
	end(w);
	kv(w, _("Authorization store"), h->store_location);
	kv(w, _("Service application"), h->service_application);
}

static void networks_text(struct w *w)
{
	const struct smig_inventory *inv = w->inv;
	size_t i, k;

	for (i = 0; i < inv->nswitches; i++) {
		const struct smig_inv_switch *sw = &inv->switches[i];
		const struct smig_inv_nic *hv = smig_inventory_find_nic(inv, sw->host_vnic);

		raw(w, "\n  ");
		str(w, sw->name);
		lit(w, " (%s)\n", smig_switch_type_label(sw->type));
		w->indent = 4;
		kv(w, "ID", sw->guid);
		if (sw->type == SMIG_SWITCH_EXTERNAL) {
			key(w, _("Physical adapter"));
			if (sw->external_nic)
				nic_label(w, sw->external_nic);
			else
				raw(w, _("not found"));
			end(w);
		}
		key(w, _("Host adapter"));
		if (sw->host_vnic) {
			nic_label(w, sw->host_vnic);
			if (hv) {
				raw(w, _("; "));
				ip_val(w, hv);
			}
		} else {
			raw(w, _("none (not shared with the management OS)"));
		}
		end(w);
		key(w, _("Ports"));
		lit(w, "%zu", sw->nports);
		end(w);
		for (k = 0; k < sw->nports; k++) {
			line_begin(w, 6);
			port_val(w, &sw->ports[k]);
			line_end(w, 8);
		}
		w->indent = 2;
	}
}

static void networks_html(struct w *w)
{
	const struct smig_inventory *inv = w->inv;
	size_t i, k;

	thead(w, N_("Name"), N_("Type"), N_("Physical adapter"), N_("Host adapter"), N_("Ports"),
	      NULL);
	for (i = 0; i < inv->nswitches; i++) {
		const struct smig_inv_switch *sw = &inv->switches[i];
		const struct smig_inv_nic *hv = smig_inventory_find_nic(inv, sw->host_vnic);

		raw(w, "<tr><td><b>");
		str(w, sw->name);
		raw(w, "</b><br/><span class=\"mono muted\">");
		str(w, sw->guid);
		lit(w, "</span></td><td>%s</td><td>", smig_switch_type_label(sw->type));
		if (sw->type == SMIG_SWITCH_EXTERNAL && sw->external_nic)
			nic_label(w, sw->external_nic);
		else
			raw(w, sw->type == SMIG_SWITCH_EXTERNAL ? _("not found") : "-");
		raw(w, "</td><td>");
		if (sw->host_vnic) {
			nic_label(w, sw->host_vnic);
			if (hv) {
				raw(w, "<br/>");
				ip_val(w, hv);
			}
		} else {
			raw(w, _("none"));
		}
		raw(w, "</td><td>");
		if (sw->nports == 0)
			raw(w, _("none"));
		else
			raw(w, "<ul>");
		for (k = 0; k < sw->nports; k++) {
			raw(w, "<li>");
			port_val(w, &sw->ports[k]);
			raw(w, "</li>");
		}
		if (sw->nports)
			raw(w, "</ul>");
		raw(w, "</td></tr>\n");
	}
	raw(w, "</table>\n");
}

static void adapter_mac(struct w *w, const struct smig_inv_nic *n)
{
	if (n->has_mac)
		mac_val(w, &n->mac);
	else
		raw(w, _("unknown"));
	if (n->mac_source) {
		raw(w, _(" (from "));
		str(w, n->mac_source);
		raw(w, ")");
	}
	if (n->network_address) {
		raw(w, _(", overridden by NetworkAddress "));
		str(w, n->network_address);
	}
}

static void adapter_network(struct w *w, const struct smig_inv_nic *n)
{
	const struct smig_inv_switch *sw = smig_inventory_find_switch(w->inv, n->switch_guid);

	if (n->switch_guid == NULL)
		raw(w, "-");
	else if (sw)
		str(w, sw->name);
	else
		str(w, n->switch_guid);
}

static void adapters_text(struct w *w)
{
	const struct smig_inventory *inv = w->inv;
	size_t i;

	for (i = 0; i < inv->nnics; i++) {
		const struct smig_inv_nic *n = &inv->nics[i];

		raw(w, "\n  ");
		str(w, n->connection_name ? n->connection_name
		       : n->description   ? n->description
		                          : n->guid);
		lit(w, " (%s)\n", nic_kind(n));
		w->indent = 4;
		kv(w, _("Description"), n->description);
		kv(w, _("Adapter ID"), n->guid);
		key(w, _("MAC address"));
		adapter_mac(w, n);
		end(w);
		key(w, "IPv4");
		ip_val(w, n);
		end(w);
		key(w, "VMQ (*VMQ)");
		vmq_nic_val(w, n->vmq);
		end(w);
		if (n->switch_guid) {
			key(w, _("Virtual network"));
			adapter_network(w, n);
			end(w);
		}
		w->indent = 2;
	}
}

static void adapters_html(struct w *w)
{
	const struct smig_inventory *inv = w->inv;
	size_t i;

	thead(w, N_("Connection"), N_("Kind"), N_("Description"), N_("MAC"), N_("IPv4"), N_("VMQ"),
	      N_("Virtual network"), NULL);
	for (i = 0; i < inv->nnics; i++) {
		const struct smig_inv_nic *n = &inv->nics[i];

		raw(w, "<tr><td><b>");
		str(w, n->connection_name);
		lit(w, "</b></td><td>%s</td><td>", nic_kind(n));
		str(w, n->description);
		raw(w, "</td><td class=\"mono\">");
		adapter_mac(w, n);
		raw(w, "</td><td>");
		ip_val(w, n);
		raw(w, "</td><td>");
		vmq_nic_val(w, n->vmq);
		raw(w, "</td><td>");
		adapter_network(w, n);
		raw(w, "</td></tr>\n");
	}
	raw(w, "</table>\n");
}

/* ---- VMs ---- */

static int snap_parent(const struct smig_inv_vm *vm, size_t i)
{
	int p = vm->snapshots[i].parent;

	return p >= 0 && (size_t)p < vm->nsnapshots ? p : -1;
}

static int vm_current(const struct smig_inv_vm *vm)
{
	int p = vm->current_parent;

	return p >= 0 && (size_t)p < vm->nsnapshots ? p : -1;
}

struct tree {
	struct w *w;
	const struct smig_inv_vm *vm;
	bool *seen; /* each snapshot is drawn once, whatever the parent links say */
	char prefix[TREE_MAX_DEPTH * 5 + 8]; /* text: "│  " is 5 bytes a level */
};

static void snap_label(struct w *w, const struct smig_inv_snapshot *sn)
{
	char when[48];

	str(w, sn->name ? sn->name : sn->id);
	if (sn->created) {
		/* English keeps ISO 8601 (what Hyper-V Manager's tools show); French its date */
		if (smig_i18n_lang() == SMIG_LANG_FR)
			smig_i18n_time(when, sizeof(when), (time_t)sn->created);
		else
			smig_unix_to_iso8601(sn->created, when, sizeof(when));
		lit(w, w->html ? " <span class=\"muted\">%s</span>" : " (%s)", when);
	}
	if (sn->saved_state)
		lit(w, w->html ? " <span class=\"badge sev-info\">%s</span>" : " [%s]",
		    _("saved state"));
}

/*
 * The children of `parent` (-1: the roots), then "Now" where the running state hangs.
 * Parent links come from the model and may form cycles: `seen` stops those, and the depth is
 * bounded; snapshots not reached are listed after the tree.
 */
static void tree_level(struct tree *t, int parent, size_t depth)
{
	const struct smig_inv_vm *vm = t->vm;
	struct w *w = t->w;
	bool now = vm_current(vm) == parent;
	size_t j, n = now, k = 0, plen = strlen(t->prefix);

	for (j = 0; j < vm->nsnapshots; j++)
		n += !t->seen[j] && snap_parent(vm, j) == parent;
	if (n == 0)
		return;
	if (w->html)
		raw(w, depth == 0 ? "<ul class=\"tree\">\n" : "<ul>\n");
	for (j = 0; j < vm->nsnapshots; j++) {
		bool last;

		if (t->seen[j] || snap_parent(vm, j) != parent)
			continue;
		t->seen[j] = true;
		last = ++k == n;
		if (w->html) {
			raw(w, "<li>");
			snap_label(w, &vm->snapshots[j]);
			raw(w, "\n");
		} else {
			lit(w, "      %s%s", t->prefix, last ? "└─ " : "├─ ");
			snap_label(w, &vm->snapshots[j]);
			raw(w, "\n");
		}
		if (depth + 1 < TREE_MAX_DEPTH) {
			snprintf(t->prefix + plen, sizeof(t->prefix) - plen, "%s",
			         last ? "   " : "│  ");
			tree_level(t, (int)j, depth + 1);
			t->prefix[plen] = '\0';
		}
		if (w->html)
			raw(w, "</li>\n");
	}
	if (now) {
		if (w->html)
			lit(w, "<li class=\"now\">%s</li>\n", _("Now (the running state)"));
		else
			lit(w, "      %s└─ %s\n", t->prefix, _("Now (the running state)"));
	}
	if (w->html)
		raw(w, "</ul>\n");
}

static int snapshot_tree(struct w *w, const struct smig_inv_vm *vm, struct smig_err *e)
{
	struct tree t = {.w = w, .vm = vm};
	size_t j, unplaced = 0;

	if (vm->nsnapshots == 0)
		return 0;
	t.seen = calloc(vm->nsnapshots, sizeof(*t.seen));
	if (t.seen == NULL)
		return smig_err_nomem(e, _("drawing a snapshot tree"));
	tree_level(&t, -1, 0);
	for (j = 0; j < vm->nsnapshots; j++)
		unplaced += !t.seen[j];
	if (unplaced) {
		note_begin(w);
		lit(w,
		    P_("%zu snapshot not placed in the tree (its parent links form a loop or "
		       "nest too deep):",
		       "%zu snapshots not placed in the tree (their parent links form a loop or "
		       "nest too deep):",
		       unplaced),
		    unplaced);
		for (j = 0; j < vm->nsnapshots; j++) {
			if (t.seen[j])
				continue;
			raw(w, w->html ? "<br/>" : "\n        ");
			snap_label(w, &vm->snapshots[j]);
		}
		note_end(w);
	}
	free(t.seen);
	return 0;
}

static void vm_facts(struct w *w, const struct smig_inv_vm *vm)
{
	kv(w, "ID", vm->id);
	key(w, _("Configuration"));
	str(w, vm->config_winpath);
	if (vm->registration) {
		raw(w, _(" (registered by "));
		str(w, vm->registration);
		raw(w, ")");
	}
	end(w);
	if (vm->data_root)
		kv(w, _("Data root"), vm->data_root);
	if (vm->power_state) { /* a running source's facts folder */
		key(w, _("Power state"));
		str(w, vm->power_state);
		if (vm->must_shut_down)
			raw(w, _(" (shut it down first)"));
		end(w);
	}
	key(w, _("Memory"));
	memory_val(w, vm);
	end(w);
	key(w, _("Virtual processors"));
	lit(w, vm->cpu_compat ? _("%" PRId64 ", processor compatibility on")
	                      : _("%" PRId64 ", processor compatibility off"),
	    vm->cpu_count);
	end(w);
	key(w, _("Configuration version"));
	lit(w, "%" PRId64, vm->version);
	end(w);
	key(w, _("Highly available"));
	raw(w, vm->highly_available ? _("yes (clustered)") : _("no"));
	end(w);
	key(w, _("Saved state"));
	if (vm->saved_state)
		lit(w, P_("yes (%zu file)", "yes (%zu files)", strv_count(vm->state_files)),
		    strv_count(vm->state_files));
	else
		raw(w, _("no"));
	end(w);
	key(w, _("Snapshots"));
	lit(w, "%zu", vm->nsnapshots);
	if (vm->nsnapshots)
		raw(w, vm->tree_verified ? _(" (tree from the disk chains)")
		                         : _(" (flat list by creation time: the disks gave no tree)"));
	end(w);
}

static void drive_path(struct w *w, const struct smig_inv_drive *d)
{
	if (d->pathname && d->pathname[0])
		str(w, d->pathname);
	else
		raw(w, _("(empty)"));
}

static void nic_vm_val(struct w *w, const struct smig_inv_nicvm *n)
{
	str(w, n->mac);
	raw(w, n->mac_static ? _(" (static)") : _(" (dynamic)"));
	if (n->switch_name || n->switch_guid) {
		raw(w, _(", network "));
		if (n->switch_name) {
			str(w, n->switch_name);
		} else if (n->switch_alt_name) {
			/* a switch the host does not have: its recorded name, then its GUID */
			str(w, n->switch_alt_name);
			raw(w, " (");
			str(w, n->switch_guid);
			raw(w, _(", not on this host)"));
		} else {
			str(w, n->switch_guid);
			raw(w, _(" (not on this host)"));
		}
		if (!n->connected)
			raw(w, _(" (not connected)"));
	} else {
		raw(w, _(", not connected to a network"));
	}
	if (n->vlan)
		lit(w, _(", VLAN %" PRIu32), n->vlan);
	if (n->legacy)
		raw(w, _(", legacy adapter"));
}

static void disk_val(struct w *w, const struct smig_inv_vm *vm, const struct smig_inv_disk *d)
{
	lit(w, "%s, ", smig_disk_type_label(d->type));
	size_val(w, d->virtual_size);
	raw(w, _(" virtual, "));
	size_val(w, d->file_size);
	raw(w, _(" file"));
	if (d->parent_winpath || (d->parent >= 0 && (size_t)d->parent < vm->ndisks)) {
		raw(w, _(", parent "));
		str(w, d->parent_winpath ? d->parent_winpath : vm->disks[d->parent].winpath);
	}
	if (d->time_mismatch)
		raw(w, _(" (the parent's time stamp differs)"));
	if (d->sparse)
		raw(w, _(", sparse file"));
}

static int vm_text(struct w *w, const struct smig_inv_vm *vm, struct smig_err *e)
{
	size_t i, slotw = 4;

	raw(w, "\n  ");
	str(w, vm->name ? vm->name : vm->id);
	raw(w, "\n");
	if (vm->error) {
		raw(w, _("    *** ERROR: this VM could not be read completely: "));
		str_wrap(w, vm->error, 55, 8);
		raw(w, "\n");
	}
	w->indent = 4;
	vm_facts(w, vm);
	if (vm->ndrives) {
		subhead(w, _("Drives"));
		for (i = 0; i < vm->ndrives; i++)
			if (str_width(vm->drives[i].slot) > slotw)
				slotw = str_width(vm->drives[i].slot);
		for (i = 0; i < vm->ndrives; i++) {
			raw(w, "      ");
			str_pad(w, vm->drives[i].slot, slotw);
			raw(w, "  ");
			pad(w, smig_drive_kind_label(vm->drives[i].kind), 11);
			raw(w, "  ");
			drive_path(w, &vm->drives[i]);
			raw(w, "\n");
		}
	}
	if (vm->nnics) {
		subhead(w, _("Network adapters"));
		for (i = 0; i < vm->nnics; i++) {
			line_begin(w, 6);
			str(w, vm->nics[i].name);
			raw(w, _(": "));
			nic_vm_val(w, &vm->nics[i]);
			line_end(w, 8);
		}
	}
	if (vm->ndisks) {
		subhead(w, _("Virtual hard disks"));
		for (i = 0; i < vm->ndisks; i++) {
			raw(w, "      ");
			str(w, vm->disks[i].winpath);
			raw(w, "\n");
			line_begin(w, 8);
			disk_val(w, vm, &vm->disks[i]);
			line_end(w, 10);
		}
	}
	if (vm->nsnapshots) {
		subhead(w, _("Snapshot tree"));
		if (snapshot_tree(w, vm, e) < 0)
			return -1;
	}
	if (vm->stale_avhds) {
		subhead(w, _("Stale .avhd files (no configuration names them)"));
		for (i = 0; vm->stale_avhds[i]; i++) {
			raw(w, "      ");
			str(w, vm->stale_avhds[i]);
			raw(w, "\n");
		}
	}
	w->indent = 2;
	return 0;
}

static int vm_html(struct w *w, const struct smig_inv_vm *vm, size_t idx, struct smig_err *e)
{
	size_t i;

	lit(w, "<div class=\"card%s\" id=\"vm-%zu\">\n<h3>", vm->error ? " bad" : "", idx);
	str(w, vm->name ? vm->name : vm->id);
	raw(w, "</h3>\n");
	if (vm->error) {
		lit(w, "<div class=\"errbox\">%s", _("This VM could not be read completely: "));
		str(w, vm->error);
		raw(w, "</div>\n");
	}
	vm_facts(w, vm);
	kv_close(w);
	if (vm->ndrives) {
		lit(w, "<h4>%s</h4>\n", _("Drives"));
		thead(w, N_("Slot"), N_("Kind"), N_("Path"), NULL);
		for (i = 0; i < vm->ndrives; i++) {
			raw(w, "<tr><td>");
			str(w, vm->drives[i].slot);
			lit(w, "</td><td>%s</td><td class=\"mono\">",
			    smig_drive_kind_label(vm->drives[i].kind));
			drive_path(w, &vm->drives[i]);
			raw(w, "</td></tr>\n");
		}
		raw(w, "</table>\n");
	}
	if (vm->nnics) {
		lit(w, "<h4>%s</h4>\n", _("Network adapters"));
		thead(w, N_("Name"), N_("Settings"), NULL);
		for (i = 0; i < vm->nnics; i++) {
			raw(w, "<tr><td>");
			str(w, vm->nics[i].name);
			raw(w, "</td><td>");
			nic_vm_val(w, &vm->nics[i]);
			raw(w, "</td></tr>\n");
		}
		raw(w, "</table>\n");
	}
	if (vm->ndisks) {
		lit(w, "<h4>%s</h4>\n", _("Virtual hard disks"));
		thead(w, N_("Path"), N_("Details"), NULL);
		for (i = 0; i < vm->ndisks; i++) {
			raw(w, "<tr><td class=\"mono\">");
			str(w, vm->disks[i].winpath);
			raw(w, "</td><td>");
			disk_val(w, vm, &vm->disks[i]);
			raw(w, "</td></tr>\n");
		}
		raw(w, "</table>\n");
	}
	if (vm->nsnapshots) {
		lit(w, "<h4>%s</h4>\n", _("Snapshot tree"));
		if (snapshot_tree(w, vm, e) < 0)
			return -1;
	}
	if (vm->stale_avhds) {
		lit(w, "<h4>%s</h4>\n<ul>\n", _("Stale .avhd files (no configuration names them)"));
		for (i = 0; vm->stale_avhds[i]; i++) {
			raw(w, "<li class=\"mono\">");
			str(w, vm->stale_avhds[i]);
			raw(w, "</li>\n");
		}
		raw(w, "</ul>\n");
	}
	raw(w, "</div>\n");
	return 0;
}

/* The summary table of VMs (text: aligned columns; HTML: a table linking to the cards). */
static void vm_table(struct w *w)
{
	const struct smig_inventory *inv = w->inv;
	size_t i, namew = 4, memw = 10, numw[4] = {5, 5, 9, 4};

	if (w->html)
		thead(w, N_("Name"), N_("Memory"), N_("vCPUs"), N_("Disks"), N_("Snapshots"),
		      N_("NICs"), N_("State"), NULL);
	for (i = 0; !w->html && i < inv->nvms; i++) {
		size_t nw = str_width(inv->vms[i].name ? inv->vms[i].name : inv->vms[i].id);
		if (nw > namew)
			namew = nw > COLUMN_MAX ? COLUMN_MAX : nw;
	}
	if (!w->html) {
		/* the English widths; a longer translation widens its column */
		const char *h[] = {_("Name"),      _("Memory"), _("vCPUs"), _("Disks"),
		                   _("Snapshots"), _("NICs"),   _("State")};

		raw(w, "  ");
		if (utf8_cols(h[0], strlen(h[0])) > namew)
			namew = utf8_cols(h[0], strlen(h[0]));
		pad(w, h[0], namew);
		raw(w, "  ");
		memw = pad(w, h[1], 10);
		raw(w, " ");
		pad_left(w, h[2], 5);
		raw(w, " ");
		pad_left(w, h[3], 5);
		raw(w, " ");
		pad_left(w, h[4], 9);
		raw(w, " ");
		pad_left(w, h[5], 4);
		lit(w, "  %s\n", h[6]);
		for (i = 2; i <= 5; i++)
			numw[i - 2] = utf8_cols(h[i], strlen(h[i]));
	}
	for (i = 0; i < inv->nvms; i++) {
		const struct smig_inv_vm *vm = &inv->vms[i];
		const char *state = vm->error ? _("ERROR")
				    : vm->must_shut_down ? _("shut down first")
				    : vm->saved_state ? _("saved state") : _("ok");

		if (w->html) {
			lit(w, "<tr><td><a href=\"#vm-%zu\">", i);
			str(w, vm->name ? vm->name : vm->id);
			raw(w, "</a></td><td>");
			mb_val(w, vm->memory_mb);
			lit(w, "</td><td>%" PRId64 "</td><td>%zu</td><td>%zu</td><td>%zu</td><td>",
			    vm->cpu_count, vm->ndisks, vm->nsnapshots, vm->nnics);
			if (vm->error)
				lit(w, "<span class=\"badge sev-error\">%s</span>",
				    smig_severity_label(SMIG_SEV_ERROR));
			else
				raw(w, state);
			raw(w, "</td></tr>\n");
			continue;
		}
		{
			struct smig_strbuf mem = SMIG_STRBUF_INIT;
			struct w mw = {.sb = &mem};

			mb_val(&mw, vm->memory_mb);
			raw(w, "  ");
			str_pad(w, vm->name ? vm->name : vm->id, namew);
			raw(w, "  ");
			pad(w, smig_strbuf_cstr(&mem), memw);
			lit(w, " %*" PRId64 " %*zu %*zu %*zu  %s\n", (int)(numw[0] < 5 ? 5 : numw[0]),
			    vm->cpu_count, (int)(numw[1] < 5 ? 5 : numw[1]), vm->ndisks,
			    (int)(numw[2] < 9 ? 9 : numw[2]), vm->nsnapshots,
			    (int)(numw[3] < 4 ? 4 : numw[3]), vm->nnics, state);
			if (smig_strbuf_failed(&mem))
				w->sb->failed = true;
			smig_strbuf_release(&mem);
		}
	}
	if (w->html)
		raw(w, "</table>\n");
}

static int vms_section(struct w *w, struct smig_err *e)
{
	const struct smig_inventory *inv = w->inv;
	size_t i;

	section(w, "vms", _("Virtual machines"));
	if (inv->nvms == 0) {
		note_begin(w);
		raw(w, _("none"));
		note_end(w);
		return 0;
	}
	vm_table(w);
	for (i = 0; i < inv->nvms; i++) {
		if (w->html ? vm_html(w, &inv->vms[i], i, e) < 0 : vm_text(w, &inv->vms[i], e) < 0)
			return -1;
	}
	return 0;
}

/* ---- authorization store, firewall, DCOM, facts ---- */

static void azman_section(struct w *w)
{
	const struct smig_inv_azman *az = &w->inv->azman;
	size_t i, k;

	section(w, "azman", _("Authorization store"));
	if (az->ad_store) {
		key(w, _("Store"));
		raw(w, _("in Active Directory: "));
		str(w, w->inv->host.store_location);
		end(w);
	}
	if (!az->present) {
		if (!az->ad_store) {
			key(w, _("Store"));
			raw(w, _("no file store found"));
			end(w);
		}
		return;
	}
	kv(w, _("File"), az->path);
	key(w, _("Location"));
	raw(w, az->path && smig_streq_ci(az->path, SMIG_HYPERV_STORE_WIN)
		   ? _("the default file")
		   : _("not the default file (another tool may manage it)"));
	end(w);
	key(w, _("Size"));
	size_val(w, az->size);
	end(w);
	kv(w, _("Application"), az->app_name);
	key(w, _("Contents"));
	lit(w, _("%zu operations, %zu tasks, %zu role definitions, %zu role assignments"),
	    az->noperations, az->ntasks, az->nrole_definitions, az->nroles);
	end(w);
	key(w, _("Scopes"));
	strv_val(w, az->scopes, ", ", _("none"));
	end(w);
	key(w, _("Customised"));
	if (az->customised)
		lit(w,
		    P_("yes: %zu difference from a default store (below)",
		       "yes: %zu differences from a default store (below)",
		       strv_count(az->differences)),
		    strv_count(az->differences));
	else
		raw(w, _("no: the contents of a default store"));
	end(w);
	kv_close(w);
	if (az->nroles) {
		subhead(w, _("Role assignments"));
		if (w->html)
			thead(w, N_("Role"), N_("Scope"), N_("Members"), NULL);
	}
	for (i = 0; i < az->nroles; i++) {
		const struct smig_inv_azrole *r = &az->roles[i];
		size_t nnames = strv_count(r->member_names);

		if (w->html) {
			raw(w, "<tr><td>");
			str(w, r->name);
			raw(w, "</td><td>");
			if (r->scope)
				str(w, r->scope);
			else
				raw(w, _("application"));
			raw(w, "</td><td>");
		} else {
			raw(w, "    ");
			str(w, r->name);
			raw(w, " (");
			if (r->scope) {
				raw(w, _("scope "));
				str(w, r->scope);
			} else {
				raw(w, _("application"));
			}
			raw(w, r->members && r->members[0] ? ")\n" : _("): no members\n"));
		}
		if (w->html && !(r->members && r->members[0]))
			raw(w, _("none"));
		for (k = 0; r->members && r->members[k]; k++) {
			raw(w, w->html ? (k ? "<br/>" : "") : "      ");
			str(w, r->members[k]);
			/* member_names is parallel to members but may end early */
			if (k < nnames && r->member_names[k][0]) {
				raw(w, " (");
				str(w, r->member_names[k]);
				raw(w, ")");
			}
			if (!w->html)
				raw(w, "\n");
		}
		if (w->html)
			raw(w, "</td></tr>\n");
	}
	if (az->nroles && w->html)
		raw(w, "</table>\n");
	if (az->differences) {
		subhead(w, _("Differences from a default store"));
		if (w->html)
			raw(w, "<ul>\n");
		for (i = 0; az->differences[i]; i++) {
			raw(w, w->html ? "<li>" : "    - ");
			str_wrap(w, az->differences[i], 6, 6);
			raw(w, w->html ? "</li>\n" : "\n");
		}
		if (w->html)
			raw(w, "</ul>\n");
	}
}

static void firewall_list(struct w *w, bool hyperv)
{
	const struct smig_inventory *inv = w->inv;
	size_t i;

	for (i = 0; i < inv->nfwrules; i++) {
		const struct smig_inv_fwrule *r = &inv->fwrules[i];

		if (r->hyperv != hyperv || (!hyperv && !r->user_defined))
			continue;
		if (w->html) {
			lit(w, "<tr><td>%s</td><td class=\"mono\">",
			    hyperv ? (r->user_defined ? _("Hyper-V, user-defined") : "Hyper-V")
			           : _("user-defined"));
			str(w, r->id);
			raw(w, "</td><td>");
			str(w, r->description);
			raw(w, "</td></tr>\n");
		} else {
			raw(w, "    ");
			str(w, r->id);
			raw(w, hyperv && r->user_defined ? _(" (user-defined)\n      ") : "\n      ");
			str_wrap(w, r->description, 6, 8);
			raw(w, "\n");
		}
	}
}

static void firewall_section(struct w *w)
{
	const struct smig_inventory *inv = w->inv;
	size_t i, nhv = 0, nuser = 0;

	section(w, "firewall", _("Firewall"));
	for (i = 0; i < inv->nfwrules; i++) {
		nhv += inv->fwrules[i].hyperv;
		nuser += !inv->fwrules[i].hyperv && inv->fwrules[i].user_defined;
	}
	note_begin(w);
	lit(w,
	    P_("%zu rule on the host: %zu for Hyper-V, %zu other user-defined.",
	       "%zu rules on the host: %zu for Hyper-V, %zu other user-defined.",
	       inv->nfwrules_total),
	    inv->nfwrules_total, nhv, nuser);
	note_end(w);
	if (nhv + nuser == 0)
		return;
	if (w->html) {
		thead(w, N_("Kind"), N_("Rule ID"), N_("Rule"), NULL);
		firewall_list(w, true);
		firewall_list(w, false);
		raw(w, "</table>\n");
		return;
	}
	if (nhv) {
		subhead(w, _("Hyper-V rules"));
		firewall_list(w, true);
	}
	if (nuser) {
		subhead(w, _("User-defined rules"));
		firewall_list(w, false);
	}
}

static void dcom_section(struct w *w)
{
	const struct smig_inv_dcom *d = &w->inv->dcom;
	size_t i;

	section(w, "dcom", _("Remote administration (DCOM)"));
	key(w, "MachineLaunchRestriction");
	if (!d->present)
		raw(w, _("not set (the Windows default)"));
	else if (d->customised)
		raw(w, _("present and CUSTOMISED: reapply it on the destination"));
	else
		raw(w, _("present, the default"));
	end(w);
	if (d->sddl)
		kv(w, "SDDL", d->sddl);
	if (d->aces) {
		subhead(w, _("Access control entries"));
		if (w->html)
			raw(w, "<ul>\n");
		for (i = 0; d->aces[i]; i++) {
			if (w->html) {
				raw(w, "<li>");
				str(w, d->aces[i]);
				raw(w, "</li>\n");
			} else {
				line_begin(w, 4);
				str(w, d->aces[i]);
				line_end(w, 6);
			}
		}
		if (w->html)
			raw(w, "</ul>\n");
	}
}

static void facts_section(struct w *w)
{
	section(w, "facts", _("IP configuration files"));
	key(w, _("ipconfig /all output"));
	if (w->inv->ipconfig) {
		raw(w, _("read"));
		if (w->inv->ipconfig_as) {
			raw(w, " (");
			str(w, w->inv->ipconfig_as);
			raw(w, ")");
		}
	} else {
		raw(w, _("not read: run 'ipconfig /all > IPSettings.txt' on the source to migrate "
		         "static IP settings (a file that is there but was not understood is a "
		         "warning below)"));
	}
	end(w);
	key(w, _("systeminfo output"));
	if (w->inv->systeminfo) {
		raw(w, _("read"));
		if (w->inv->systeminfo_as) {
			raw(w, " (");
			str(w, w->inv->systeminfo_as);
			raw(w, ")");
		}
	} else {
		raw(w, _("not read: memory and locale come from other sources or are unknown (a "
		         "file that is there but was not understood is a warning below)"));
	}
	end(w);
}

/* ---- the two reports ---- */

static int inventory_body(struct w *w, struct smig_err *e)
{
	const struct smig_inventory *inv = w->inv;

	host_section(w);
	hyperv_section(w);
	section(w, "networks", _("Virtual networks"));
	if (inv->nswitches == 0) {
		note_begin(w);
		raw(w, _("none"));
		note_end(w);
	} else if (w->html) {
		networks_html(w);
	} else {
		networks_text(w);
	}
	section(w, "adapters", _("Network adapters"));
	if (inv->nnics == 0) {
		note_begin(w);
		raw(w, _("none"));
		note_end(w);
	} else if (w->html) {
		adapters_html(w);
	} else {
		adapters_text(w);
	}
	if (vms_section(w, e) < 0)
		return -1;
	azman_section(w);
	firewall_section(w);
	dcom_section(w);
	facts_section(w);
	section(w, "problems", _("Notes and problems"));
	items_body(w, &inv->problems, false);
	return 0;
}

static int inventory_html(struct w *w, struct smig_err *e)
{
	const struct smig_inventory *inv = w->inv;
	const struct smig_inv_os *os = &inv->os;
	/* the page's links to its sections (the section ids of inventory_body) */
	static const struct {
		const char *id, *label;
	} nav[] = {
	    {"host", N_("Host")},          {"hyperv", "Hyper-V"},
	    {"vms", N_("VMs")},            {"networks", N_("Networks")},
	    {"adapters", N_("Adapters")},  {"azman", N_("Authorization")},
	    {"firewall", N_("Firewall")},  {"dcom", "DCOM"},
	    {"problems", N_("Problems")},
	};
	size_t i;

	html_begin(w, _("smig inventory"),
	           os->computer_name ? os->computer_name : _("unknown host"));
	lit(w, "<p class=\"sub\">%s", _("Pre-migration inventory"));
	if (os->product_name) {
		raw(w, " · ");
		str(w, os->product_name);
	}
	if (os->csd_version) {
		raw(w, " ");
		str(w, os->csd_version);
	}
	if (os->build) {
		raw(w, _(", build "));
		str(w, os->build);
	}
	raw(w, "</p>\n<div class=\"strip\">\n");
	lit(w, "<span class=\"stat\"><b>%zu</b> %s</span>\n", inv->nvms,
	    P_("virtual machine", "virtual machines", inv->nvms));
	lit(w, "<span class=\"stat\"><b>%zu</b> %s</span>\n", total_snapshots(inv),
	    P_("snapshot", "snapshots", total_snapshots(inv)));
	lit(w, "<span class=\"stat\"><b>%zu</b> %s</span>\n", inv->nswitches,
	    P_("virtual network", "virtual networks", inv->nswitches));
	lit(w, "<span class=\"stat\"><b>%zu</b> %s</span>\n", inv->nnics,
	    P_("adapter", "adapters", inv->nnics));
	summary_val(w, &inv->problems);
	raw(w, "\n</div>\n<p class=\"nav\">");
	for (i = 0; i < sizeof(nav) / sizeof(nav[0]); i++)
		lit(w, "<a href=\"#%s\">%s</a>", nav[i].id, _(nav[i].label));
	raw(w, "</p>\n</div>\n<div class=\"content\">\n");
	if (!inv->hyperv) {
		lit(w, "<div class=\"errbox\">%s", _("The Hyper-V role was not found on this host"));
		if (inv->hyperv_reason) {
			raw(w, _(": "));
			str(w, tr(inv->hyperv_reason));
		}
		raw(w, "</div>\n");
	}
	if (!os->supported_source) {
		lit(w, "<div class=\"errbox\">%s", _("Not a supported source"));
		if (os->support_reason) {
			raw(w, _(": "));
			str(w, tr(os->support_reason));
		}
		raw(w, "</div>\n");
	}
	if (inventory_body(w, e) < 0)
		return -1;
	html_end(w);
	return 0;
}

static int inventory_text(struct w *w, struct smig_err *e)
{
	const struct smig_inventory *inv = w->inv;

	raw(w, _("smig pre-migration inventory of "));
	str(w, inv->os.computer_name ? inv->os.computer_name : _("an unknown host"));
	raw(w, "\n");
	line_begin(w, 0);
	/* TRANSLATORS: the counts of VMs, snapshots and virtual networks; the severities'
	 * counts follow */
	lit(w, _("%zu virtual machines, %zu snapshots, %zu virtual networks; "), inv->nvms,
	    total_snapshots(inv), inv->nswitches);
	summary_val(w, &inv->problems);
	line_end(w, 2);
	return inventory_body(w, e);
}

/* Hand over the buffer, or report why it could not be built. */
static char *finish(struct smig_strbuf *sb, int rc, struct smig_err *e)
{
	char *out = NULL;

	if (rc == 0 && smig_strbuf_check(sb, e) == 0)
		out = smig_strbuf_take(sb, NULL);
	smig_strbuf_release(sb);
	return out;
}

char *smig_report_inventory(const struct smig_inventory *inv, enum smig_format f,
                            struct smig_err *e)
{
	struct smig_strbuf sb = SMIG_STRBUF_INIT;
	struct w w = {.sb = &sb, .inv = inv, .html = f == SMIG_FORMAT_HTML, .indent = 2};
	int rc;

	if (inv == NULL) {
		smig_err_set(e, SMIG_ERR_USAGE, _("cannot render an inventory: none was given"));
		return NULL;
	}
	switch (f) {
	case SMIG_FORMAT_JSON:
		return smig_inventory_to_json(inv, e);
	case SMIG_FORMAT_HTML:
		rc = inventory_html(&w, e);
		break;
	case SMIG_FORMAT_TEXT:
		rc = inventory_text(&w, e);
		break;
	default:
		smig_err_set(e, SMIG_ERR_USAGE, _("cannot render the inventory: format %d is unknown"),
		             (int)f);
		rc = -1;
	}
	return finish(&sb, rc, e);
}

/* A JSON string for a model string: NULL is null; invalid UTF-8 shows its bytes as '?'. */
static json_t *jstr(const char *s)
{
	json_t *j;
	char *c;
	size_t i;

	if (s == NULL)
		return json_null();
	if (smig_utf8_valid(s, strlen(s)))
		return json_string(s);
	c = strdup(s);
	if (c == NULL)
		return NULL;
	for (i = 0; c[i]; i++)
		if ((unsigned char)c[i] >= 0x80)
			c[i] = '?';
	j = json_string(c);
	free(c);
	return j;
}

/* A fact's key as a JSON key: the caller's words in snake_case ("archive id" -> archive_id,
 * "source OS" -> source_os): ASCII letters lowercased, digits kept, every run of anything else
 * one '_', none at either end; "fact" when nothing is left. malloc'd. */
static char *snake_key(const char *key)
{
	size_t n = key ? strlen(key) : 0, o = 0;
	char *s = malloc(n + sizeof("fact"));
	bool gap = false;

	if (s == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)key[i];

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')) {
			if (gap && o > 0)
				s[o++] = '_';
			s[o++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
			gap = false;
		} else {
			gap = true;
		}
	}
	if (o == 0)
		memcpy(s, "fact", sizeof("fact"));
	else
		s[o] = '\0';
	return s;
}

static char *items_json(const char *kind, const char *title, const struct smig_report_fact *facts,
                        size_t nfacts, const struct smig_problems *l, struct smig_err *e)
{
	json_t *root = NULL, *jfacts = json_object(), *items = json_array(),
	       *summary = json_object();
	char *out = NULL, *schema = NULL, now[32];
	size_t i, k;

	if (jfacts == NULL || items == NULL || summary == NULL)
		goto nomem;
	for (i = 0; i < nfacts; i++) {
		json_t *v = jstr(facts[i].value);
		char *name = snake_key(facts[i].key);

		if (v == NULL || name == NULL || json_object_set_new(jfacts, name, v) < 0) {
			free(name);
			goto nomem;
		}
		free(name);
	}
	for (i = 0; i < NSEV; i++) {
		enum smig_severity s = sev_order[i];

		if (json_object_set_new(
		        summary, smig_severity_name(s),
		        json_integer((json_int_t)(l ? smig_problems_count(l, s) : 0))) < 0)
			goto nomem;
		for (k = 0; l && k < l->count; k++) {
			const struct smig_problem *p = &l->items[k];
			json_t *item;

			if (p->severity != s)
				continue;
			item = json_pack("{s:o,s:s,s:o,s:o,s:o,s:o}", "id", jstr(p->id), "severity",
			                 smig_severity_name(s), "subject", jstr(p->subject),
			                 "message", jstr(p->message), "action", jstr(p->action),
			                 "powershell", jstr(p->powershell));
			if (item == NULL || json_array_append_new(items, item) < 0)
				goto nomem;
		}
	}
	/* schemas/smig-report.schema.json describes this object: a change of its keys is a new
	 * schema version there and here */
	schema = smig_asprintf(e, "smig-%s/%d", kind, SMIG_REPORT_SCHEMA_VERSION);
	if (schema == NULL)
		goto done;
	smig_unix_to_iso8601((int64_t)time(NULL), now, sizeof(now));
	root = json_pack("{s:o,s:s,s:o,s:o,s:O,s:O,s:O}", "schema", jstr(schema), "generated_utc",
	                 now, "report", jstr(kind), "title", jstr(tr(title)), "facts", jfacts, "items",
	                 items, "summary", summary);
	if (root == NULL)
		goto nomem;
	out = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (out == NULL)
		goto nomem;
	goto done;
nomem:
	smig_err_nomem(e, _("building the JSON report"));
done:
	json_decref(root);
	json_decref(jfacts);
	json_decref(items);
	json_decref(summary);
	free(schema);
	return out;
}

/* A caller's msgid (title, fact key) translated; "" stays "" (gettext("") is the catalogue's
 * header). Model texts go through it too: the inventory keeps English (it is the descriptor's,
 * read back by import), and its fixed texts are msgids (N_ in hostinfo.c) shown translated. */
static const char *tr(const char *s)
{
	return s != NULL && s[0] != '\0' ? _(s) : s;
}

/* The HTML subtitle: which report this is ("preflight report"). */
static void report_kind(struct w *w, const char *kind)
{
	if (strcmp(kind, "preflight") == 0)
		raw(w, _("preflight report"));
	else if (strcmp(kind, "manual-steps") == 0)
		raw(w, _("manual-steps report"));
	else if (strcmp(kind, "verification") == 0)
		raw(w, _("verification report"));
	else {
		str(w, kind);
		raw(w, _(" report"));
	}
}

char *smig_report_items(const char *kind, const char *title, const struct smig_report_fact *facts,
                        size_t nfacts, const struct smig_problems *items, enum smig_format f,
                        struct smig_err *e)
{
	struct smig_strbuf sb = SMIG_STRBUF_INIT;
	struct w w = {.sb = &sb, .html = f == SMIG_FORMAT_HTML, .indent = 2};
	size_t i, n;

	if (kind == NULL || title == NULL || (nfacts && facts == NULL)) {
		smig_err_set(e, SMIG_ERR_USAGE, _("cannot render a report: no kind or title given"));
		return NULL;
	}
	if (f == SMIG_FORMAT_JSON)
		return items_json(kind, title, facts, nfacts, items, e);
	if (f != SMIG_FORMAT_TEXT && f != SMIG_FORMAT_HTML) {
		smig_err_set(e, SMIG_ERR_USAGE, _("cannot render the %s report: format %d is unknown"),
		             kind, (int)f);
		return NULL;
	}
	if (w.html) {
		html_begin(&w, "smig", tr(title));
		raw(&w, "<p class=\"sub\">");
		report_kind(&w, kind);
		raw(&w, "</p>\n<div class=\"strip\">\n");
		summary_val(&w, items);
		raw(&w, "\n</div>\n</div>\n<div class=\"content\">\n");
	} else {
		str(&w, tr(title));
		raw(&w, "\n");
		for (i = 0, n = str_width(tr(title)); i < n; i++)
			raw(&w, "=");
		raw(&w, "\n");
	}
	for (i = 0; i < nfacts; i++) {
		/* fact keys are the caller's, not ours: escape them like model strings */
		if (w.html) {
			raw(&w, w.kv_open ? "" : "<table class=\"kv\">\n");
			w.kv_open = true;
			raw(&w, "<tr><th>");
			str(&w, tr(facts[i].key));
			raw(&w, "</th><td>");
		} else {
			raw(&w, "  ");
			str_pad(&w, tr(facts[i].key), key_width() - 3);
			raw(&w, " ");
		}
		str(&w, facts[i].value);
		end(&w);
	}
	/* HTML has the summary in the header strip */
	if (!w.html) {
		key(&w, _("Summary"));
		summary_val(&w, items);
		end(&w);
	}
	items_body(&w, items, true);
	if (w.html)
		html_end(&w);
	return finish(&sb, 0, e);
}
