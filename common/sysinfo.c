/* sysinfo.c - `systeminfo` text (see sysinfo.h, formats.md §9.2). */
#include "sysinfo.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fileio.h"
#include "winval.h"

#define SI_MAX_BYTES (4u << 20)
#define SI_VALUE_COL 27 /* values and list items ("[01]: ...") */
#define SI_NIC_COL 33   /* NIC details and NIC IP items */
#define SI_MAX_ITEMS 1024
#define SI_MAX_REQ_LEN 4096
#define SI_MAX_MB_DIGITS 12 /* 10^12 MiB is far beyond any host */

/* The plain text fields smig keeps, by label (without the final colon). */
static const struct {
	const char *label;
	size_t off;
} text_fields[] = {
    {"Host Name", offsetof(struct smig_sysinfo, host_name)},
    {"OS Name", offsetof(struct smig_sysinfo, os_name)},
    {"OS Version", offsetof(struct smig_sysinfo, os_version)},
    {"OS Configuration", offsetof(struct smig_sysinfo, os_configuration)},
    {"System Type", offsetof(struct smig_sysinfo, system_type)},
    {"System Locale", offsetof(struct smig_sysinfo, system_locale)},
    {"Input Locale", offsetof(struct smig_sysinfo, input_locale)},
    {"Time Zone", offsetof(struct smig_sysinfo, time_zone)},
    {"Domain", offsetof(struct smig_sysinfo, domain)},
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
		return smig_err_set(e, SMIG_ERR_FORMAT, "'%s' line %zu: more than %d list items",
		                    p->what, p->lineno, SI_MAX_ITEMS);
	na = realloc(*arr, (*n + 1) * sizeof(*na));
	if (na == NULL)
		return smig_err_nomem(e, "parsing systeminfo output");
	*arr = na;
	na[*n] = smig_strndup(v, len, e);
	if (na[*n] == NULL)
		return -1;
	(*n)++;
	return 0;
}

/* "[01]: item" -> "item". False when the line is no list item; an item without a value
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
	if (i < len && s[i] == ':')
		i++;
	while (i < len && s[i] == ' ')
		i++;
	*v = s + i;
	*vlen = len - i;
	return true;
}

/* "8,075 MB": every non-digit before "MB" is a locale thousands separator. */
static int parse_memory(const struct parser *p, const char *v, size_t len, struct smig_err *e)
{
	uint64_t mb = 0;
	size_t i, digits = 0;

	if (len < 3 || memcmp(v + len - 3, " MB", 3) != 0)
		goto bad;
	for (i = 0; i + 3 < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			continue;
		if (++digits > SI_MAX_MB_DIGITS)
			goto bad;
		mb = mb * 10 + (uint64_t)(v[i] - '0');
	}
	if (digits == 0)
		goto bad;
	p->s->total_memory_mb = mb;
	p->s->has_memory = true;
	return 0;
bad:
	return smig_err_set(e, SMIG_ERR_FORMAT,
	                    "'%s' line %zu: Total Physical Memory '%.*s' is not a size in MB",
	                    p->what, p->lineno, (int)len, v);
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
		                    "'%s' line %zu: Hyper-V Requirements is "
		                    "too long",
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
		return smig_err_set(e, SMIG_ERR_FORMAT, "'%s' line %zu: more than %d NICs", p->what,
		                    p->lineno, SI_MAX_ITEMS);
	nn = realloc(s->nics, (s->nnics + 1) * sizeof(*nn));
	if (nn == NULL)
		return smig_err_nomem(e, "parsing systeminfo output");
	s->nics = nn;
	p->nic = &nn[s->nnics];
	memset(p->nic, 0, sizeof(*p->nic));
	s->nnics++;
	return set_str(&p->nic->description, v, len, e);
}

static int field(struct parser *p, const char *label, const char *v, size_t len, struct smig_err *e)
{
	const char *item;
	size_t i, ilen;

	p->sec = SEC_OTHER;
	for (i = 0; i < sizeof(text_fields) / sizeof(text_fields[0]); i++)
		if (strcmp(label, text_fields[i].label) == 0)
			return set_str((char **)((char *)p->s + text_fields[i].off), v, len, e);
	if (strcmp(label, "Total Physical Memory") == 0)
		return parse_memory(p, v, len, e);
	if (strcmp(label, "Processor(s)") == 0) {
		p->sec = SEC_PROCESSORS;
	} else if (strcmp(label, "Network Card(s)") == 0) {
		p->sec = SEC_NICS;
	} else if (strcmp(label, "Hyper-V Requirements") == 0) {
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

/* Value of "Label:   value" (NIC detail lines), or NULL when the label differs. */
static const char *detail(const char *s, size_t len, const char *label, size_t *vlen)
{
	size_t n = strlen(label), i;

	if (len <= n || strncasecmp(s, label, n) != 0 || s[n] != ':')
		return NULL;
	i = n + 1;
	while (i < len && s[i] == ' ')
		i++;
	*vlen = len - i;
	return s + i;
}

static int nic_line(struct parser *p, const char *s, size_t len, struct smig_err *e)
{
	struct smig_sysinfo_nic *nic = p->nic;
	const char *v;
	size_t vlen;

	if (nic == NULL)
		return 0;
	if ((v = detail(s, len, "Connection Name", &vlen)) != NULL)
		return set_str(&nic->connection_name, v, vlen, e);
	if ((v = detail(s, len, "Status", &vlen)) != NULL)
		return set_str(&nic->status, v, vlen, e);
	if ((v = detail(s, len, "DHCP Enabled", &vlen)) != NULL) {
		nic->dhcp = vlen == 3 && strncasecmp(v, "Yes", 3) == 0;
		return 0;
	}
	if (list_item(s, len, &v, &vlen) && vlen > 0) {
		if (nic->nips >= SI_MAX_ITEMS)
			return 0;
		return push_str(p, &nic->ips, &nic->nips, v, vlen, e);
	}
	return 0; /* DHCP Server, "IP address(es)" */
}

static int parse_line(struct parser *p, const char *line, size_t len, struct smig_err *e)
{
	char label[SI_VALUE_COL + 1];
	const char *v;
	size_t indent = 0, n, vlen;

	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\r' || line[len - 1] == '\t'))
		len--;
	if (len == 0)
		return 0;
	while (indent < len && line[indent] == ' ')
		indent++;
	if (indent == 0) {
		/* the label fills the first 27 columns; it may hold colons of its own */
		n = len < SI_VALUE_COL ? len : SI_VALUE_COL;
		while (n > 0 && line[n - 1] == ' ')
			n--;
		if (n < 2 || line[n - 1] != ':' ||
		    (len > SI_VALUE_COL && line[SI_VALUE_COL - 1] != ' ')) {
			p->sec = SEC_OTHER;
			p->nic = NULL;
			return 0; /* not a field of the known layout: ignored */
		}
		memcpy(label, line, n - 1);
		label[n - 1] = '\0';
		p->nic = NULL;
		v = line + (len > SI_VALUE_COL ? SI_VALUE_COL : len);
		vlen = (size_t)(line + len - v);
		return field(p, label, v, vlen, e);
	}
	if (indent == SI_VALUE_COL) {
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
	if (indent == SI_NIC_COL && p->sec == SEC_NICS)
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
static void drop_ghosts(struct smig_sysinfo *s)
{
	size_t i, o = 0;

	for (i = 0; i < s->nnics; i++) {
		if (s->nics[i].status != NULL &&
		    strcasecmp(s->nics[i].status, "Hardware not present") == 0)
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
		return smig_err_nomem(e, "parsing systeminfo output");
	p.what = what;
	if (smig_text_lines(text, len, SI_MAX_BYTES, what, parse_numbered, &p, e) < 0)
		goto fail;
	if (p.s->host_name == NULL || p.s->os_name == NULL) {
		smig_err_set(e, SMIG_ERR_FORMAT,
		             "'%s' is not systeminfo output (no 'Host Name:' and 'OS Name:' "
		             "fields; only English output is supported)",
		             what);
		goto fail;
	}
	drop_ghosts(p.s);
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

int smig_sysinfo_load(const char *path, struct smig_sysinfo **out, struct smig_err *e)
{
	char *text = NULL;
	int rc;

	*out = NULL;
	if (smig_text_load(path, SI_MAX_BYTES, &text, e) < 0)
		return -1;
	rc = parse_named(text, strlen(text), path, out, e);
	free(text);
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
