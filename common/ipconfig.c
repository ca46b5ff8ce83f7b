/* ipconfig.c - `ipconfig /all` text (see ipconfig.h, formats.md §9.1). */
#include "ipconfig.h"
#include "i18n.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fileio.h"
#include "winlang.h"

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
	const struct smig_lang *lang; /* set by the marker line */
	char first[80];               /* the first non-empty line, for the error */
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
		return smig_err_set(e, SMIG_ERR_FORMAT, _("'%s' line %zu: more than %d %s"), p->what,
		                    p->lineno, IPC_MAX_LIST, what_list);
	na = realloc(*arr, (*n + 1) * sizeof(*na));
	if (na == NULL)
		return smig_err_nomem(e, _("parsing ipconfig output"));
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
		return smig_err_nomem(e, _("parsing ipconfig output"));
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
	while (paren != NULL && n > 0 && v[n - 1] == ' ')
		n--; /* "172.31.19.119 (préféré)" */
	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, v, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, &a) != 1)
		return false;
	*addr_len = n;
	return true;
}

/* "Ethernet adapter NAME:" (English), "Carte KIND NAME :" (French): kind and name. */
static bool split_header(const struct smig_lang *l, const char *line, size_t len,
			 const char **kind, size_t *klen, const char **name, size_t *nlen)
{
	size_t pl = strlen(l->ipc_header_prefix), il = strlen(l->ipc_header_infix), i;
	const char *rest, *sep;

	if (line[len - 1] != ':')
		return false;
	len--;
	while (len > 0 && line[len - 1] == ' ')
		len--; /* French typography puts a space before the colon */
	if (len <= pl || strncasecmp(line, l->ipc_header_prefix, pl) != 0)
		return false;
	rest = line + pl;
	len -= pl;
	if (il > 0) {
		sep = memmem(rest, len, l->ipc_header_infix, il);
		if (sep == NULL || sep == rest)
			return false;
		*kind = rest;
		*klen = (size_t)(sep - rest);
		*name = sep + il;
		*nlen = len - *klen - il;
		return *nlen > 0;
	}
	/* no infix: a known kind, else the first word, then the name */
	for (i = 0; l->ipc_kinds && l->ipc_kinds[i].local; i++) {
		size_t kl = strlen(l->ipc_kinds[i].local);

		if (len > kl + 1 && strncasecmp(rest, l->ipc_kinds[i].local, kl) == 0 &&
		    rest[kl] == ' ') {
			*kind = l->ipc_kinds[i].name;
			*klen = strlen(*kind);
			*name = rest + kl + 1;
			*nlen = len - kl - 1;
			return true;
		}
	}
	sep = memchr(rest, ' ', len);
	if (sep == NULL || sep == rest || (size_t)(sep - rest) + 1 >= len)
		return false;
	*kind = rest;
	*klen = (size_t)(sep - rest);
	*name = sep + 1;
	*nlen = len - *klen - 1;
	return true;
}

static int new_adapter(struct parser *p, const char *line, size_t len, struct smig_err *e)
{
	struct smig_ipconfig *c = p->c;
	struct smig_ipc_adapter *na, *a;
	const char *kind, *name;
	size_t klen, nlen;

	if (!split_header(p->lang, line, len, &kind, &klen, &name, &nlen))
		return report(p, line, len, e);
	if (c->nadapters >= IPC_MAX_ADAPTERS)
		return smig_err_set(e, SMIG_ERR_FORMAT, _("'%s' has more than %d adapters"), p->what,
		                    IPC_MAX_ADAPTERS);
	na = realloc(c->adapters, (c->nadapters + 1) * sizeof(*na));
	if (na == NULL)
		return smig_err_nomem(e, _("parsing ipconfig output"));
	c->adapters = na;
	a = &na[c->nadapters];
	memset(a, 0, sizeof(*a));
	c->nadapters++;
	p->cur = a;
	p->cont = CONT_NONE;
	if (set_str(&a->kind, kind, klen, e) < 0 || set_str(&a->name, name, nlen, e) < 0)
		return -1;
	return 0;
}

static int global_field(struct parser *p, int field, const char *v, size_t vlen,
                        struct smig_err *e)
{
	struct smig_ipconfig *c = p->c;

	p->cont = CONT_IGNORE;
	if (field == IPC_HOST_NAME) {
		p->cont = CONT_NONE;
		return set_str(&c->host_name, v, vlen, e);
	}
	if (field == IPC_PRIMARY_DNS_SUFFIX) {
		p->cont = CONT_NONE;
		return set_str(&c->primary_dns_suffix, v, vlen, e);
	}
	return 0;
}

static int adapter_field(struct parser *p, int field, const char *line, size_t len,
                         const char *v, size_t vlen, struct smig_err *e)
{
	struct smig_ipc_adapter *a = p->cur;
	size_t n;

	p->cont = CONT_NONE;
	if (field == IPC_DNS_SUFFIX)
		return set_str(&a->dns_suffix, v, vlen, e);
	if (field == IPC_DESCRIPTION)
		return set_str(&a->description, v, vlen, e);
	if (field == IPC_PHYSICAL_ADDRESS) {
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
	if (field == IPC_MEDIA_STATE) {
		a->media_disconnected = smig_lang_is(p->lang, W_MEDIA_DISCONNECTED, v, vlen);
		return 0;
	}
	if (field == IPC_DHCP_ENABLED) {
		if (smig_lang_is(p->lang, W_YES, v, vlen))
			a->dhcp = true;
		else if (smig_lang_is(p->lang, W_NO, v, vlen))
			a->dhcp = false;
		else
			return report(p, line, len, e);
		a->has_dhcp = true;
		return 0;
	}
	if (field == IPC_IPV4_ADDRESS || field == IPC_AUTOCONF_IPV4) {
		struct smig_ipc_addr *na;

		if (!ipv4_value(v, vlen, &n))
			return report(p, line, len, e);
		if (a->nipv4 >= IPC_MAX_LIST)
			return smig_err_set(e, SMIG_ERR_FORMAT,
			                    _("'%s' line %zu: more than %d IPv4 addresses"), p->what,
			                    p->lineno, IPC_MAX_LIST);
		na = realloc(a->ipv4, (a->nipv4 + 1) * sizeof(*na));
		if (na == NULL)
			return smig_err_nomem(e, _("parsing ipconfig output"));
		a->ipv4 = na;
		na[a->nipv4].mask = NULL;
		na[a->nipv4].addr = smig_strndup(v, n, e);
		if (na[a->nipv4].addr == NULL)
			return -1;
		a->nipv4++;
		return 0;
	}
	if (field == IPC_SUBNET_MASK) {
		struct smig_ipc_addr *last = a->nipv4 ? &a->ipv4[a->nipv4 - 1] : NULL;

		if (last == NULL || last->mask != NULL || !ipv4_value(v, vlen, &n) || n != vlen)
			return report(p, line, len, e);
		return set_str(&last->mask, v, vlen, e);
	}
	if (field == IPC_DEFAULT_GATEWAY) {
		p->cont = CONT_APPEND;
		p->list = &a->gateways;
		p->nlist = &a->ngateways;
	} else if (field == IPC_DNS_SERVERS) {
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

/* The language whose marker line `line` is, or NULL. */
static const struct smig_lang *marker_lang(const char *line, size_t len)
{
	size_t i;

	for (i = 0; smig_langs[i] != NULL; i++)
		if (len == strlen(smig_langs[i]->ipc_marker) &&
		    memcmp(line, smig_langs[i]->ipc_marker, len) == 0)
			return smig_langs[i];
	return NULL;
}

static int parse_line(struct parser *p, const char *line, size_t len, struct smig_err *e)
{
	char label[128];
	size_t indent = 0, i, lend, vstart, cols;

	len = trim_right(line, len);
	if (len == 0) {
		p->cont = CONT_NONE;
		return 0;
	}
	if (!p->seen_marker && (p->lang = marker_lang(line, len)) != NULL) {
		p->seen_marker = true;
		return 0;
	}
	if (!p->seen_marker) {
		if (p->first[0] == '\0') {
			size_t n = len < sizeof(p->first) - 1 ? len : sizeof(p->first) - 1;

			while (n < len && n > 0 && ((unsigned char)line[n] & 0xC0) == 0x80)
				n--; /* not in the middle of a character */
			memcpy(p->first, line, n);
			p->first[n] = '\0';
		}
		return report(p, line, len, e);
	}
	while (indent < len && line[indent] == ' ')
		indent++;
	if (indent == 0)
		return new_adapter(p, line, len, e);

	/* The label ends at the first colon after a space or a leader dot ("Adresse IPv4. .
	 * .: ", French) that ends the line or is followed by a space; values (IPv6, times)
	 * have colons of their own, never after a space or a dot. */
	for (i = indent + 1; i < len; i++)
		if (line[i] == ':' && (line[i - 1] == ' ' || line[i - 1] == '.') &&
		    (i + 1 == len || line[i + 1] == ' '))
			break;
	if (i >= len) {
		/* columns, not bytes: a French label's accents take two bytes each */
		if (p->cont != CONT_NONE && indent <= p->value_col &&
		    indent + p->lang->ipc_cont_slack >= p->value_col) {
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
	vstart = i + 1 < len ? i + 2 : len;
	cols = smig_lang_columns(line, i);
	p->value_col = cols + 2;
	while (vstart < len && line[vstart] == ' ')
		vstart++;
	if (p->cur == NULL)
		return global_field(p, smig_lang_field(p->lang->ipc, label, lend - indent),
		                    line + vstart, len - vstart, e);
	return adapter_field(p, smig_lang_field(p->lang->ipc, label, lend - indent), line, len,
	                     line + vstart, len - vstart, e);
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
		return smig_err_nomem(e, _("parsing ipconfig output"));
	p.what = what;
	if (smig_text_lines(text, len, IPC_MAX_BYTES, what, parse_numbered, &p, e) < 0)
		goto fail;
	if (!p.seen_marker) {
		if (p.first[0] != '\0')
			smig_err_set(e, SMIG_ERR_FORMAT,
			             _("'%s' is not ipconfig /all output in a language smig reads (%s): "
			             "the first line, '%s', is not 'Windows IP Configuration' or its "
			             "translation"),
			             what, smig_lang_names(), p.first);
		else
			smig_err_set(e, SMIG_ERR_FORMAT,
			             _("'%s' is not ipconfig /all output (no 'Windows IP Configuration' "
			             "line)"),
			             what);
		goto fail;
	}
	p.c->lang = p.lang;
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

/* Whether `text` has `lang`'s marker as a line of its own. */
static bool has_marker(const char *text, const struct smig_lang *lang)
{
	size_t n = strlen(lang->ipc_marker);
	const char *s = text;

	while ((s = strstr(s, lang->ipc_marker)) != NULL) {
		if ((s == text || s[-1] == '\n') &&
		    (s[n] == '\r' || s[n] == '\n' || s[n] == '\0'))
			return true;
		s += n;
	}
	return false;
}

int smig_ipconfig_parse_raw(const void *raw, size_t len, const char *what,
			 struct smig_ipconfig **out, struct smig_err *e)
{
	struct smig_lang_text t = {0};
	int rc;

	*out = NULL;
	if (smig_lang_read(raw, len, IPC_MAX_BYTES, what, has_marker, &t, e) < 0)
		return -1;
	rc = parse_named(t.text, strlen(t.text), what, out, e);
	if (rc == 0)
		(*out)->encoding = t.encoding;
	free(t.text);
	return rc;
}

int smig_ipconfig_load(const char *path, struct smig_ipconfig **out, struct smig_err *e)
{
	char *raw = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	if (smig_file_read(path, IPC_MAX_BYTES, NULL, &raw, &len, e) < 0)
		return -1;
	rc = smig_ipconfig_parse_raw(raw, len, path, out, e);
	free(raw);
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
