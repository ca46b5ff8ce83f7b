/* ipconfig.c - `ipconfig /all` text (see ipconfig.h, formats.md §9.1). */
#include "ipconfig.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fileio.h"

/* A host has a handful of adapters and addresses; these bounds only stop abuse. */
#define IPC_MAX_BYTES (4u << 20)
#define IPC_MAX_ADAPTERS 1024
#define IPC_MAX_LIST 256
#define IPC_MAX_UNPARSED 1000
#define IPC_UNPARSED_SHOWN 200 /* bytes of a junk line kept for the report */

enum cont_mode {
	CONT_NONE,   /* a continuation here is junk */
	CONT_IGNORE, /* a list smig does not keep (DNS Suffix Search List, IPv6 addresses...) */
	CONT_APPEND, /* append to `list` */
};

struct parser {
	struct smig_ipconfig *c;
	const char *what;
	struct smig_ipc_adapter *cur; /* NULL in the global block */
	enum cont_mode cont;
	char ***list;
	size_t *nlist;
	size_t value_col; /* column of the last field's value: continuations align with it */
	size_t lineno;
	bool seen_marker;
};

static char *dup_or_null(const char *s, size_t n, struct smig_err *e, bool *failed)
{
	char *r;

	if (n == 0)
		return NULL;
	r = smig_strndup(s, n, e);
	if (r == NULL)
		*failed = true;
	return r;
}

static int set_str(char **dst, const char *s, size_t n, struct smig_err *e)
{
	bool failed = false;

	free(*dst);
	*dst = dup_or_null(s, n, e, &failed);
	return failed ? -1 : 0;
}

static int push_str(struct parser *p, char ***arr, size_t *n, const char *s, size_t len,
                    const char *what_list, struct smig_err *e)
{
	char **na;

	if (*n >= IPC_MAX_LIST)
		return smig_err_set(e, SMIG_ERR_FORMAT, "'%s' line %zu: more than %d %s", p->what,
		                    p->lineno, IPC_MAX_LIST, what_list);
	na = realloc(*arr, (*n + 1) * sizeof(*na));
	if (na == NULL)
		return smig_err_nomem(e, "parsing ipconfig output");
	*arr = na;
	na[*n] = smig_strndup(s, len, e);
	if (na[*n] == NULL)
		return -1;
	(*n)++;
	return 0;
}

static int report(struct parser *p, const char *line, size_t len, struct smig_err *e)
{
	struct smig_ipconfig *c = p->c;
	char **nu;

	if (c->nunparsed >= IPC_MAX_UNPARSED)
		return 0; /* enough to show that the file is not what it should be */
	nu = realloc(c->unparsed, (c->nunparsed + 1) * sizeof(*nu));
	if (nu == NULL)
		return smig_err_nomem(e, "parsing ipconfig output");
	c->unparsed = nu;
	if (len > IPC_UNPARSED_SHOWN)
		len = IPC_UNPARSED_SHOWN;
	nu[c->nunparsed] = smig_asprintf(e, "line %zu: %.*s", p->lineno, (int)len, line);
	if (nu[c->nunparsed] == NULL)
		return -1;
	c->nunparsed++;
	return 0;
}

/* "XX-XX-...": how many hex byte groups, or -1 for anything else. */
static int mac_groups(const char *v, size_t len)
{
	size_t i;

	if (len < 2 || (len + 1) % 3 != 0)
		return -1;
	for (i = 0; i < len; i++) {
		bool hex = (v[i] >= '0' && v[i] <= '9') || (v[i] >= 'a' && v[i] <= 'f') ||
		           (v[i] >= 'A' && v[i] <= 'F');
		if (i % 3 == 2 ? v[i] != '-' : !hex)
			return -1;
	}
	return (int)((len + 1) / 3);
}

/* An IPv4 address with an optional "(Preferred)"-style suffix: the length of the address. */
static bool ipv4_value(const char *v, size_t len, size_t *addr_len)
{
	struct in_addr a;
	char buf[INET_ADDRSTRLEN];
	const char *paren = memchr(v, '(', len);
	size_t n = paren ? (size_t)(paren - v) : len;

	if (paren != NULL && v[len - 1] != ')')
		return false;
	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, v, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, &a) != 1)
		return false;
	*addr_len = n;
	return true;
}

static int new_adapter(struct parser *p, const char *line, size_t len, struct smig_err *e)
{
	struct smig_ipconfig *c = p->c;
	struct smig_ipc_adapter *na, *a;
	const char *sep = memmem(line, len, " adapter ", 9);
	const char *name;
	size_t nlen;

	if (sep == NULL || sep == line || line[len - 1] != ':')
		return report(p, line, len, e);
	name = sep + 9;
	nlen = (size_t)(line + len - 1 - name);
	if (nlen == 0)
		return report(p, line, len, e);
	if (c->nadapters >= IPC_MAX_ADAPTERS)
		return smig_err_set(e, SMIG_ERR_FORMAT, "'%s' has more than %d adapters", p->what,
		                    IPC_MAX_ADAPTERS);
	na = realloc(c->adapters, (c->nadapters + 1) * sizeof(*na));
	if (na == NULL)
		return smig_err_nomem(e, "parsing ipconfig output");
	c->adapters = na;
	a = &na[c->nadapters];
	memset(a, 0, sizeof(*a));
	c->nadapters++;
	p->cur = a;
	p->cont = CONT_NONE;
	if (set_str(&a->kind, line, (size_t)(sep - line), e) < 0 ||
	    set_str(&a->name, name, nlen, e) < 0)
		return -1;
	return 0;
}

static int global_field(struct parser *p, const char *label, const char *v, size_t vlen,
                        struct smig_err *e)
{
	struct smig_ipconfig *c = p->c;

	p->cont = CONT_IGNORE;
	if (strcasecmp(label, "Host Name") == 0) {
		p->cont = CONT_NONE;
		return set_str(&c->host_name, v, vlen, e);
	}
	if (strcasecmp(label, "Primary Dns Suffix") == 0) {
		p->cont = CONT_NONE;
		return set_str(&c->primary_dns_suffix, v, vlen, e);
	}
	return 0;
}

static int adapter_field(struct parser *p, const char *label, const char *line, size_t len,
                         const char *v, size_t vlen, struct smig_err *e)
{
	struct smig_ipc_adapter *a = p->cur;
	size_t n;

	p->cont = CONT_NONE;
	if (strcasecmp(label, "Connection-specific DNS Suffix") == 0)
		return set_str(&a->dns_suffix, v, vlen, e);
	if (strcasecmp(label, "Description") == 0)
		return set_str(&a->description, v, vlen, e);
	if (strcasecmp(label, "Physical Address") == 0) {
		int groups = vlen ? mac_groups(v, vlen) : 0;

		a->has_mac = false;
		if (groups == 6) {
			char buf[18];

			memcpy(buf, v, 17);
			buf[17] = '\0';
			a->has_mac = smig_mac_parse(buf, &a->mac);
		} else if (groups < 0) {
			return report(p, line, len, e);
		}
		return 0; /* empty, or 8 bytes of a tunnel pseudo-interface: no MAC */
	}
	if (strcasecmp(label, "Media State") == 0) {
		a->media_disconnected = vlen == 18 && strncasecmp(v, "Media disconnected", 18) == 0;
		return 0;
	}
	if (strcasecmp(label, "DHCP Enabled") == 0) {
		if (vlen == 3 && strncasecmp(v, "Yes", 3) == 0)
			a->dhcp = true;
		else if (vlen == 2 && strncasecmp(v, "No", 2) == 0)
			a->dhcp = false;
		else
			return report(p, line, len, e);
		a->has_dhcp = true;
		return 0;
	}
	if (strcasecmp(label, "IPv4 Address") == 0 || strcasecmp(label, "IP Address") == 0 ||
	    strcasecmp(label, "Autoconfiguration IPv4 Address") == 0 ||
	    strcasecmp(label, "Autoconfiguration IP Address") == 0) {
		struct smig_ipc_addr *na;

		if (!ipv4_value(v, vlen, &n))
			return report(p, line, len, e);
		if (a->nipv4 >= IPC_MAX_LIST)
			return smig_err_set(e, SMIG_ERR_FORMAT,
			                    "'%s' line %zu: more than %d IPv4 addresses", p->what,
			                    p->lineno, IPC_MAX_LIST);
		na = realloc(a->ipv4, (a->nipv4 + 1) * sizeof(*na));
		if (na == NULL)
			return smig_err_nomem(e, "parsing ipconfig output");
		a->ipv4 = na;
		na[a->nipv4].mask = NULL;
		na[a->nipv4].addr = smig_strndup(v, n, e);
		if (na[a->nipv4].addr == NULL)
			return -1;
		a->nipv4++;
		return 0;
	}
	if (strcasecmp(label, "Subnet Mask") == 0) {
		struct smig_ipc_addr *last = a->nipv4 ? &a->ipv4[a->nipv4 - 1] : NULL;

		if (last == NULL || last->mask != NULL || !ipv4_value(v, vlen, &n) || n != vlen)
			return report(p, line, len, e);
		return set_str(&last->mask, v, vlen, e);
	}
	if (strcasecmp(label, "Default Gateway") == 0) {
		p->cont = CONT_APPEND;
		p->list = &a->gateways;
		p->nlist = &a->ngateways;
	} else if (strcasecmp(label, "DNS Servers") == 0) {
		p->cont = CONT_APPEND;
		p->list = &a->dns;
		p->nlist = &a->ndns;
	} else {
		p->cont = CONT_IGNORE; /* informational fields, some of them lists */
		return 0;
	}
	if (vlen == 0)
		return 0;
	return push_str(p, p->list, p->nlist, v, vlen, "list entries", e);
}

static size_t trim_right(const char *s, size_t len)
{
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
		len--;
	return len;
}

static int parse_line(struct parser *p, const char *line, size_t len, struct smig_err *e)
{
	char label[128];
	size_t indent = 0, i, lend, vstart;

	len = trim_right(line, len);
	if (len == 0) {
		p->cont = CONT_NONE;
		return 0;
	}
	if (len == 24 && memcmp(line, "Windows IP Configuration", 24) == 0 && !p->seen_marker) {
		p->seen_marker = true;
		return 0;
	}
	if (!p->seen_marker)
		return report(p, line, len, e);
	while (indent < len && line[indent] == ' ')
		indent++;
	if (indent == 0)
		return new_adapter(p, line, len, e);

	/* the first " :" that ends the line or is followed by a space ends the label */
	for (i = indent; i + 1 < len; i++)
		if (line[i] == ' ' && line[i + 1] == ':' && (i + 2 == len || line[i + 2] == ' '))
			break;
	if (i + 1 >= len) {
		if (indent == p->value_col && p->cont != CONT_NONE) {
			if (p->cont == CONT_IGNORE)
				return 0;
			return push_str(p, p->list, p->nlist, line + indent, len - indent,
			                "list entries", e);
		}
		return report(p, line, len, e);
	}
	lend = i;
	while (lend > indent && (line[lend - 1] == ' ' || line[lend - 1] == '.'))
		lend--;
	if (lend == indent || lend - indent >= sizeof(label))
		return report(p, line, len, e);
	memcpy(label, line + indent, lend - indent);
	label[lend - indent] = '\0';
	vstart = i + 2 < len ? i + 3 : len;
	p->value_col = i + 3;
	while (vstart < len && line[vstart] == ' ')
		vstart++;
	if (p->cur == NULL)
		return global_field(p, label, line + vstart, len - vstart, e);
	return adapter_field(p, label, line, len, line + vstart, len - vstart, e);
}

static int parse_numbered(void *ctx, size_t lineno, const char *line, size_t len,
			  struct smig_err *e)
{
	struct parser *p = ctx;

	p->lineno = lineno;
	return parse_line(p, line, len, e);
}

static int parse_named(const char *text, size_t len, const char *what, struct smig_ipconfig **out,
                       struct smig_err *e)
{
	struct parser p = {0};

	*out = NULL;
	p.c = calloc(1, sizeof(*p.c));
	if (p.c == NULL)
		return smig_err_nomem(e, "parsing ipconfig output");
	p.what = what;
	if (smig_text_lines(text, len, IPC_MAX_BYTES, what, parse_numbered, &p, e) < 0)
		goto fail;
	if (!p.seen_marker) {
		smig_err_set(e, SMIG_ERR_FORMAT,
		             "'%s' is not ipconfig /all output (no 'Windows IP Configuration' "
		             "line; only English output is supported)",
		             what);
		goto fail;
	}
	*out = p.c;
	return 0;
fail:
	smig_ipconfig_free(p.c);
	return -1;
}

int smig_ipconfig_parse(const char *text, size_t len, struct smig_ipconfig **out,
                        struct smig_err *e)
{
	return parse_named(text, len, "ipconfig /all output", out, e);
}

int smig_ipconfig_load(const char *path, struct smig_ipconfig **out, struct smig_err *e)
{
	char *text = NULL;
	int rc;

	*out = NULL;
	if (smig_text_load(path, IPC_MAX_BYTES, &text, e) < 0)
		return -1;
	rc = parse_named(text, strlen(text), path, out, e);
	free(text);
	return rc;
}

static void free_list(char **l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

void smig_ipconfig_free(struct smig_ipconfig *c)
{
	size_t i, j;

	if (c == NULL)
		return;
	for (i = 0; i < c->nadapters; i++) {
		struct smig_ipc_adapter *a = &c->adapters[i];

		free(a->kind);
		free(a->name);
		free(a->description);
		for (j = 0; j < a->nipv4; j++) {
			free(a->ipv4[j].addr);
			free(a->ipv4[j].mask);
		}
		free(a->ipv4);
		free_list(a->gateways, a->ngateways);
		free_list(a->dns, a->ndns);
		free(a->dns_suffix);
	}
	free(c->adapters);
	free_list(c->unparsed, c->nunparsed);
	free(c->host_name);
	free(c->primary_dns_suffix);
	free(c);
}

const struct smig_ipc_adapter *smig_ipconfig_find(const struct smig_ipconfig *c,
                                                  const char *connection_name)
{
	size_t i;

	for (i = 0; i < c->nadapters; i++)
		if (strcasecmp(c->adapters[i].name, connection_name) == 0)
			return &c->adapters[i];
	return NULL;
}
