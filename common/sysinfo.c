/* sysinfo.c - `systeminfo` text (see sysinfo.h, formats.md §9.2). */
#include "sysinfo.h"
#include "i18n.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fileio.h"
#include "winlang.h"
#include "winval.h"

/* The value and NIC detail columns are the language's (winlang.c): 27 and 33 in English. */
#define SI_MAX_BYTES (4u << 20)
#define SI_MAX_LABEL 256
#define SI_MAX_ITEMS 1024
#define SI_MAX_REQ_LEN 4096
#define SI_MAX_MB_DIGITS 12 /* 10^12 MiB is far beyond any host */

/* The plain text fields smig keeps, by field (the labels are winlang.c's). */
static const struct {
	enum smig_si_field field;
	size_t off;
} text_fields[] = {
    {SI_HOST_NAME, offsetof(struct smig_sysinfo, host_name)},
    {SI_OS_NAME, offsetof(struct smig_sysinfo, os_name)},
    {SI_OS_VERSION, offsetof(struct smig_sysinfo, os_version)},
    {SI_OS_CONFIGURATION, offsetof(struct smig_sysinfo, os_configuration)},
    {SI_SYSTEM_TYPE, offsetof(struct smig_sysinfo, system_type)},
    {SI_SYSTEM_LOCALE, offsetof(struct smig_sysinfo, system_locale)},
    {SI_INPUT_LOCALE, offsetof(struct smig_sysinfo, input_locale)},
    {SI_TIME_ZONE, offsetof(struct smig_sysinfo, time_zone)},
    {SI_DOMAIN, offsetof(struct smig_sysinfo, domain)},
};

enum section {
	SEC_OTHER,
	SEC_PROCESSORS,
	SEC_NICS,
	SEC_HYPERV,
};

struct parser {
	struct smig_sysinfo *s;
	const char *what;
	enum section sec;
	struct smig_sysinfo_nic *nic; /* the NIC being described, NULL before the first */
	size_t lineno;
	const struct smig_lang *lang; /* from the first line's label */
	char first[80];               /* that label when no language has it */
};

static int set_str(char **dst, const char *v, size_t n, struct smig_err *e)
{
	free(*dst);
	*dst = NULL;
	if (n == 0)
		return 0;
	*dst = smig_strndup(v, n, e);
	return *dst ? 0 : -1;
}

static int push_str(const struct parser *p, char ***arr, size_t *n, const char *v, size_t len,
                    struct smig_err *e)
{
	char **na;

	if (*n >= SI_MAX_ITEMS)
		return smig_err_set(e, SMIG_ERR_FORMAT, _("'%s' line %zu: more than %d list items"),
		                    p->what, p->lineno, SI_MAX_ITEMS);
	na = realloc(*arr, (*n + 1) * sizeof(*na));
	if (na == NULL)
		return smig_err_nomem(e, _("parsing systeminfo output"));
	*arr = na;
	na[*n] = smig_strndup(v, len, e);
	if (na[*n] == NULL)
		return -1;
	(*n)++;
	return 0;
}

/* "[01]: item" or "[01] : item" -> "item". False when the line is no list item; an item without a value
 * ("[246]", where Windows truncates the hotfix list) gives length 0. */
static bool list_item(const char *s, size_t len, const char **v, size_t *vlen)
{
	size_t i = 1;

	if (len < 3 || s[0] != '[')
		return false;
	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++;
	if (i == 1 || i >= len || s[i] != ']')
		return false;
	i++;
	while (i < len && s[i] == ' ')
		i++; /* French: "[01] : Intel64 ..." */
	if (i < len && s[i] == ':')
		i++;
	while (i < len && s[i] == ' ')
		i++;
	*v = s + i;
	*vlen = len - i;
	return true;
}

/*
 * "8,075 MB", "4 095 Mo" (a no-break space U+00A0 or U+202F, or a plain space), "8.075 MB":
 * the grouping follows the host's regional format, not its display language, so any run of
 * non-digits between digits separates groups. systeminfo writes whole MB; a last group that
 * is not three digits long is a decimal fraction ("4,5") and is dropped.
 */
static int parse_memory(const struct parser *p, const char *v, size_t len, struct smig_err *e)
{
	const char *unit = p->lang->words[W_MB];
	size_t ul = strlen(unit), n = len, i, digits = 0, group = 0;
	uint64_t mb = 0, at_sep = 0;
	bool sep = false;

	if (len < ul + 2 || v[len - ul - 1] != ' ' || memcmp(v + len - ul, unit, ul) != 0)
		goto bad;
	n = len - ul - 1;
	for (i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9') {
			if (group > 0) {
				sep = true;
				at_sep = mb;
			}
			group = 0;
			continue;
		}
		if (++digits > SI_MAX_MB_DIGITS)
			goto bad;
		group++;
		mb = mb * 10 + (uint64_t)(v[i] - '0');
	}
	if (digits == 0)
		goto bad;
	if (sep && group > 0 && group != 3)
		mb = at_sep; /* a decimal fraction */
	p->s->total_memory_mb = mb;
	p->s->has_memory = true;
	return 0;
bad:
	return smig_err_set(e, SMIG_ERR_FORMAT,
	                    _("'%s' line %zu: Total Physical Memory '%.*s' is not a size in %s"),
	                    p->what, p->lineno, (int)len, v, unit);
}

static int append_requirement(struct parser *p, const char *v, size_t len, struct smig_err *e)
{
	struct smig_sysinfo *s = p->s;
	char *joined;

	s->hyperv_requirements_present = true;
	if (len == 0)
		return 0;
	if (s->hyperv_requirements == NULL)
		return set_str(&s->hyperv_requirements, v, len, e);
	if (strlen(s->hyperv_requirements) + len > SI_MAX_REQ_LEN)
		return smig_err_set(e, SMIG_ERR_FORMAT,
		                    _("'%s' line %zu: Hyper-V Requirements is "
		                    "too long"),
		                    p->what, p->lineno);
	joined = smig_asprintf(e, "%s; %.*s", s->hyperv_requirements, (int)len, v);
	if (joined == NULL)
		return -1;
	free(s->hyperv_requirements);
	s->hyperv_requirements = joined;
	return 0;
}

static int new_nic(struct parser *p, const char *v, size_t len, struct smig_err *e)
{
	struct smig_sysinfo *s = p->s;
	struct smig_sysinfo_nic *nn;

	if (s->nnics >= SI_MAX_ITEMS)
		return smig_err_set(e, SMIG_ERR_FORMAT, _("'%s' line %zu: more than %d NICs"), p->what,
		                    p->lineno, SI_MAX_ITEMS);
	nn = realloc(s->nics, (s->nnics + 1) * sizeof(*nn));
	if (nn == NULL)
		return smig_err_nomem(e, _("parsing systeminfo output"));
	s->nics = nn;
	p->nic = &nn[s->nnics];
	memset(p->nic, 0, sizeof(*p->nic));
	s->nnics++;
	return set_str(&p->nic->description, v, len, e);
}

static int field(struct parser *p, int f, const char *v, size_t len, struct smig_err *e)
{
	const char *item;
	size_t i, ilen;

	p->sec = SEC_OTHER;
	for (i = 0; i < sizeof(text_fields) / sizeof(text_fields[0]); i++)
		if (f == (int)text_fields[i].field)
			return set_str((char **)((char *)p->s + text_fields[i].off), v, len, e);
	if (f == SI_TOTAL_MEMORY)
		return parse_memory(p, v, len, e);
	if (f == SI_PROCESSORS) {
		p->sec = SEC_PROCESSORS;
	} else if (f == SI_NICS) {
		p->sec = SEC_NICS;
	} else if (f == SI_HYPERV_REQUIREMENTS) {
		p->sec = SEC_HYPERV;
		return append_requirement(p, v, len, e);
	}
	/* some hosts put the first item on the label's line */
	if (p->sec != SEC_OTHER && list_item(v, len, &item, &ilen) && ilen > 0)
		return p->sec == SEC_NICS
		           ? new_nic(p, item, ilen, e)
		           : push_str(p, &p->s->processors, &p->s->nprocessors, item, ilen, e);
	return 0;
}

/* "Label:   value" (English) or "Label :  value" (French) NIC detail lines: the field, and
 * the value in *v; 0 when the line is no detail the language knows. */
static int detail(const struct parser *p, const char *s, size_t len, const char **v,
                  size_t *vlen)
{
	const char *colon = memchr(s, ':', len);
	size_t n, i;

	if (colon == NULL)
		return 0;
	n = (size_t)(colon - s);
	while (n > 0 && s[n - 1] == ' ')
		n--;
	i = (size_t)(colon - s) + 1;
	while (i < len && s[i] == ' ')
		i++;
	*v = s + i;
	*vlen = len - i;
	return smig_lang_field(p->lang->si, s, n);
}

static int nic_line(struct parser *p, const char *s, size_t len, struct smig_err *e)
{
	struct smig_sysinfo_nic *nic = p->nic;
	const char *v;
	size_t vlen;

	if (nic == NULL)
		return 0;
	if (list_item(s, len, &v, &vlen)) {
		if (vlen == 0 || nic->nips >= SI_MAX_ITEMS)
			return 0;
		return push_str(p, &nic->ips, &nic->nips, v, vlen, e);
	}
	switch (detail(p, s, len, &v, &vlen)) {
	case SI_NIC_CONNECTION_NAME:
		return set_str(&nic->connection_name, v, vlen, e);
	case SI_NIC_STATUS:
		return set_str(&nic->status, v, vlen, e);
	case SI_NIC_DHCP_ENABLED:
		nic->dhcp = smig_lang_is(p->lang, W_YES, v, vlen);
		return 0;
	default:
		return 0; /* DHCP Server, "IP address(es)" */
	}
}

/* The label of a first-column line: the text before the last colon in the value column's
 * width (labels may hold colons of their own). */
static bool first_col_label(const struct smig_lang *l, const char *line, size_t len,
                            size_t *label_len, size_t *value_off)
{
	size_t col = l->si_value_col, vo = smig_lang_column_offset(line, len, col), n = vo;

	while (n > 0 && line[n - 1] == ' ')
		n--;
	if (n < 2 || line[n - 1] != ':' || (len > vo && line[vo - 1] != ' '))
		return false;
	*label_len = n - 1;
	*value_off = vo;
	return true;
}

/* The language whose Host Name label opens `line`, or NULL. */
static const struct smig_lang *first_line_lang(const char *line, size_t len)
{
	size_t i, n, vo;

	for (i = 0; smig_langs[i] != NULL; i++)
		if (first_col_label(smig_langs[i], line, len, &n, &vo) &&
		    smig_lang_field(smig_langs[i]->si, line, n) == SI_HOST_NAME)
			return smig_langs[i];
	return NULL;
}

static int parse_line(struct parser *p, const char *line, size_t len, struct smig_err *e)
{
	const char *v;
	size_t indent = 0, n, vo, vlen, col;

	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\r' || line[len - 1] == '\t'))
		len--;
	if (len == 0)
		return 0;
	if (p->lang == NULL && (p->lang = first_line_lang(line, len)) == NULL &&
	    p->first[0] == '\0') {
		/* name the first label for the error: the text before its colon */
		const char *colon = memchr(line, ':', len);

		n = colon ? (size_t)(colon - line) : len;
		while (n > 0 && line[n - 1] == ' ')
			n--;
		if (n > sizeof(p->first) - 1)
			n = sizeof(p->first) - 1;
		while (n > 0 && n < len && ((unsigned char)line[n] & 0xC0) == 0x80)
			n--;
		memcpy(p->first, line, n);
		p->first[n] = '\0';
		if (n == 0)
			p->first[0] = ' ';
	}
	if (p->lang == NULL)
		return 0;
	while (indent < len && line[indent] == ' ')
		indent++;
	if (indent == 0) {
		if (!first_col_label(p->lang, line, len, &n, &vo)) {
			p->sec = SEC_OTHER;
			p->nic = NULL;
			return 0; /* not a field of the known layout: ignored */
		}
		p->nic = NULL;
		v = line + (len > vo ? vo : len);
		vlen = (size_t)(line + len - v);
		return field(p, smig_lang_field(p->lang->si, line, n), v, vlen, e);
	}
	col = indent; /* leading spaces: bytes are columns */
	if (col == p->lang->si_value_col) {
		v = line + indent;
		vlen = len - indent;
		switch (p->sec) {
		case SEC_PROCESSORS:
			if (list_item(v, vlen, &v, &vlen) && vlen > 0)
				return push_str(p, &p->s->processors, &p->s->nprocessors, v, vlen,
				                e);
			return 0;
		case SEC_NICS:
			if (list_item(v, vlen, &v, &vlen) && vlen > 0)
				return new_nic(p, v, vlen, e);
			return 0;
		case SEC_HYPERV:
			return append_requirement(p, v, vlen, e);
		case SEC_OTHER:
		default:
			return 0; /* hotfixes (possibly truncated), page files... */
		}
	}
	if (col == p->lang->si_nic_col && p->sec == SEC_NICS)
		return nic_line(p, line + indent, len - indent, e);
	return 0;
}

static void free_nic(struct smig_sysinfo_nic *nic)
{
	size_t i;

	free(nic->description);
	free(nic->connection_name);
	free(nic->status);
	for (i = 0; i < nic->nips; i++)
		free(nic->ips[i]);
	free(nic->ips);
}

/* "Hardware not present" NICs are ghosts of removed hardware: drop them. */
static void drop_ghosts(struct smig_sysinfo *s, const struct smig_lang *l)
{
	size_t i, o = 0;

	for (i = 0; i < s->nnics; i++) {
		if (s->nics[i].status != NULL &&
		    smig_lang_is(l, W_HARDWARE_NOT_PRESENT, s->nics[i].status,
				 strlen(s->nics[i].status)))
			free_nic(&s->nics[i]);
		else
			s->nics[o++] = s->nics[i];
	}
	s->nnics = o;
}

static int parse_numbered(void *ctx, size_t lineno, const char *line, size_t len,
			  struct smig_err *e)
{
	struct parser *p = ctx;

	p->lineno = lineno;
	return parse_line(p, line, len, e);
}

static int parse_named(const char *text, size_t len, const char *what, struct smig_sysinfo **out,
                       struct smig_err *e)
{
	struct parser p = {0};

	*out = NULL;
	p.s = calloc(1, sizeof(*p.s));
	if (p.s == NULL)
		return smig_err_nomem(e, _("parsing systeminfo output"));
	p.what = what;
	if (smig_text_lines(text, len, SI_MAX_BYTES, what, parse_numbered, &p, e) < 0)
		goto fail;
	if (p.lang == NULL && p.first[0] != '\0' && p.first[0] != ' ') {
		smig_err_set(e, SMIG_ERR_FORMAT,
		             _("'%s' is not systeminfo output in a language smig reads (%s): the first "
		             "label, '%s', is not 'Host Name' or its translation at its column"),
		             what, smig_lang_names(), p.first);
		goto fail;
	}
	if (p.s->host_name == NULL || p.s->os_name == NULL) {
		smig_err_set(e, SMIG_ERR_FORMAT,
		             _("'%s' is not systeminfo output (no 'Host Name:' and 'OS Name:' "
		             "fields, or their translation, at the layout's columns)"),
		             what);
		goto fail;
	}
	p.s->lang = p.lang;
	drop_ghosts(p.s, p.lang);
	*out = p.s;
	return 0;
fail:
	smig_sysinfo_free(p.s);
	return -1;
}

int smig_sysinfo_parse(const char *text, size_t len, struct smig_sysinfo **out, struct smig_err *e)
{
	return parse_named(text, len, "systeminfo output", out, e);
}

/* Whether a line of `text` opens with `lang`'s Host Name label. */
static bool opens_in(const char *text, const struct smig_lang *lang)
{
	size_t n, vo, len;

	for (; *text != '\0'; text += len + (text[len] != '\0')) {
		len = strcspn(text, "\r\n");
		if (first_col_label(lang, text, len, &n, &vo) &&
		    smig_lang_field(lang->si, text, n) == SI_HOST_NAME)
			return true;
	}
	return false;
}

int smig_sysinfo_parse_raw(const void *raw, size_t len, const char *what,
			 struct smig_sysinfo **out, struct smig_err *e)
{
	struct smig_lang_text t = {0};
	int rc;

	*out = NULL;
	if (smig_lang_read(raw, len, SI_MAX_BYTES, what, opens_in, &t, e) < 0)
		return -1;
	rc = parse_named(t.text, strlen(t.text), what, out, e);
	if (rc == 0)
		(*out)->encoding = t.encoding;
	free(t.text);
	return rc;
}

int smig_sysinfo_load(const char *path, struct smig_sysinfo **out, struct smig_err *e)
{
	char *raw = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	if (smig_file_read(path, SI_MAX_BYTES, NULL, &raw, &len, e) < 0)
		return -1;
	rc = smig_sysinfo_parse_raw(raw, len, path, out, e);
	free(raw);
	return rc;
}

void smig_sysinfo_free(struct smig_sysinfo *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < sizeof(text_fields) / sizeof(text_fields[0]); i++)
		free(*(char **)((char *)s + text_fields[i].off));
	for (i = 0; i < s->nprocessors; i++)
		free(s->processors[i]);
	free(s->processors);
	for (i = 0; i < s->nnics; i++)
		free_nic(&s->nics[i]);
	free(s->nics);
	free(s->hyperv_requirements);
	free(s);
}
