/* fwrule.c - firewall rule strings (see fwrule.h, formats.md §3.7). */
#include "fwrule.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "strbuf.h"
#include "winval.h"

/* Real rules are a few hundred bytes with about 15 fields; these bounds only stop abuse. */
#define FWRULE_MAX_LEN 65536
#define FWRULE_MAX_FIELDS 1024

static bool is_key_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

/* "2.10": digits, a dot, digits. */
static bool version_valid(const char *s, size_t len)
{
	size_t i = 0, digits = 0;

	while (i < len && s[i] >= '0' && s[i] <= '9') {
		i++;
		digits++;
	}
	if (digits == 0 || i >= len || s[i] != '.')
		return false;
	i++;
	digits = 0;
	while (i < len && s[i] >= '0' && s[i] <= '9') {
		i++;
		digits++;
	}
	return digits > 0 && i == len;
}

int smig_fwrule_parse(const char *id, const char *text, struct smig_fwrule *r, struct smig_err *e)
{
	struct smig_fwrule rule = {0};
	const char *p, *bar;
	size_t len, cap = 0;

	memset(r, 0, sizeof(*r));
	len = strlen(text);
	if (len > FWRULE_MAX_LEN) {
		smig_err_set(e, SMIG_ERR_FORMAT, _("firewall rule '%s' is too long (%zu bytes)"),
		             id, len);
		goto fail;
	}
	rule.id = smig_strdup(id, e);
	if (rule.id == NULL)
		goto fail;
	bar = strchr(text, '|');
	if (text[0] != 'v' || bar == NULL || !version_valid(text + 1, (size_t)(bar - text - 1))) {
		smig_err_set(
		    e, SMIG_ERR_FORMAT,
		    _("firewall rule '%s': does not start with a version such as 'v2.10|'"), id);
		goto fail;
	}
	rule.version = smig_strndup(text + 1, (size_t)(bar - text - 1), e);
	if (rule.version == NULL)
		goto fail;
	p = bar + 1;
	while (*p != '\0') {
		const char *eq = p;
		struct smig_fwfield *f;

		while (is_key_char(*eq))
			eq++;
		bar = strchr(p, '|');
		if (bar == NULL) {
			smig_err_set(e, SMIG_ERR_FORMAT,
			             _("firewall rule '%s': field '%s' does not end with '|'"), id,
			             p);
			goto fail;
		}
		if (eq == p || *eq != '=' || eq > bar) {
			smig_err_set(e, SMIG_ERR_FORMAT,
			             _("firewall rule '%s': field '%.*s' is not NAME=VALUE"), id,
			             (int)(bar - p), p);
			goto fail;
		}
		if (rule.nfields == FWRULE_MAX_FIELDS) {
			smig_err_set(e, SMIG_ERR_FORMAT,
			             _("firewall rule '%s' has more than %d fields"), id,
			             FWRULE_MAX_FIELDS);
			goto fail;
		}
		if (rule.nfields == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			f = realloc(rule.fields, ncap * sizeof(*f));
			if (f == NULL) {
				smig_err_nomem(e, _("parsing a firewall rule"));
				goto fail;
			}
			rule.fields = f;
			cap = ncap;
		}
		f = &rule.fields[rule.nfields];
		f->key = smig_strndup(p, (size_t)(eq - p), e);
		f->value = f->key ? smig_strndup(eq + 1, (size_t)(bar - eq - 1), e) : NULL;
		if (f->value == NULL) {
			free(f->key);
			goto fail;
		}
		rule.nfields++;
		p = bar + 1;
	}
	if (rule.nfields == 0) {
		smig_err_set(e, SMIG_ERR_FORMAT, _("firewall rule '%s' has no fields"), id);
		goto fail;
	}
	*r = rule;
	return 0;
fail:
	smig_fwrule_release(&rule);
	return -1;
}

void smig_fwrule_release(struct smig_fwrule *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nfields; i++) {
		free(r->fields[i].key);
		free(r->fields[i].value);
	}
	free(r->fields);
	free(r->id);
	free(r->version);
	memset(r, 0, sizeof(*r));
}

const char *smig_fwrule_get(const struct smig_fwrule *r, const char *key)
{
	size_t i;

	for (i = 0; i < r->nfields; i++)
		if (strcmp(r->fields[i].key, key) == 0)
			return r->fields[i].value;
	return NULL;
}

/* The file name of a Windows path ("%SystemRoot%\system32\svchost.exe" -> "svchost.exe"). */
static const char *win_basename(const char *path)
{
	const char *b = strrchr(path, '\\');

	return b ? b + 1 : path;
}

static bool contains_ci(const char *s, const char *needle)
{
	return s != NULL && strcasestr(s, needle) != NULL;
}

bool smig_fwrule_is_hyperv(const struct smig_fwrule *r)
{
	size_t i;

	for (i = 0; i < r->nfields; i++) {
		const char *k = r->fields[i].key, *v = r->fields[i].value;

		if (strcmp(k, "App") == 0 && (smig_streq_ci(win_basename(v), "vmms.exe") ||
		                              smig_streq_ci(win_basename(v), "vmms")))
			return true;
		if (strcmp(k, "Svc") == 0 && smig_streq_ci(v, "vmms"))
			return true;
		if ((strcmp(k, "Name") == 0 || strcmp(k, "EmbedCtxt") == 0) &&
		    contains_ci(v, "Hyper-V"))
			return true;
	}
	return false;
}

bool smig_fwrule_is_user_defined(const struct smig_fwrule *r)
{
	struct smig_guid g;

	return r->id != NULL && r->id[0] == '{' && smig_guid_parse(r->id, &g);
}

static const char *protocol_name(const char *num)
{
	static const struct {
		const char *num, *name;
	} names[] = {{"6", "TCP"}, {"17", "UDP"}, {"1", "ICMPv4"}, {"58", "ICMPv6"}};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(num, names[i].num) == 0)
			return names[i].name;
	return num;
}

/* Append every value of `key`, joined by commas; returns how many there were. */
static size_t put_all(struct smig_strbuf *sb, const struct smig_fwrule *r, const char *key)
{
	size_t i, n = 0;

	for (i = 0; i < r->nfields; i++) {
		if (strcmp(r->fields[i].key, key) != 0)
			continue;
		if (n++ > 0)
			smig_strbuf_putc(sb, ',');
		smig_strbuf_puts(sb, r->fields[i].value);
	}
	return n;
}

/*
 * Not translated: the description is stored in the inventory (the archive) and read back
 * by migrate.ps1's generator (fw_inactive() in migrateps.c looks for "' inactive, "), and the
 * words it is made of are the rule's own (Allow, In, TCP, the profiles).
 */
char *smig_fwrule_describe(const struct smig_fwrule *r, struct smig_err *e)
{
	struct smig_strbuf sb = SMIG_STRBUF_INIT;
	const char *action = smig_fwrule_get(r, "Action");
	const char *dir = smig_fwrule_get(r, "Dir");
	const char *proto = smig_fwrule_get(r, "Protocol");
	const char *app = smig_fwrule_get(r, "App");
	const char *svc = smig_fwrule_get(r, "Svc");
	const char *name = smig_fwrule_get(r, "Name");
	const char *active = smig_fwrule_get(r, "Active");
	char *out;

	smig_strbuf_printf(&sb, "%s %s %s", action ? action : "?", dir ? dir : "?",
	                   proto ? protocol_name(proto) : "any");
	if (smig_fwrule_get(r, "LPort") != NULL) {
		smig_strbuf_putc(&sb, ' ');
		put_all(&sb, r, "LPort");
	}
	if (app != NULL)
		smig_strbuf_printf(&sb, " %s", win_basename(app));
	if (svc != NULL)
		smig_strbuf_printf(&sb, " service %s", svc);
	smig_strbuf_printf(&sb, " '%s' %s", name ? name : r->id,
	                   active && smig_streq_ci(active, "TRUE") ? "active" : "inactive");
	if (smig_fwrule_get(r, "Profile") != NULL) {
		smig_strbuf_puts(&sb, ", profiles ");
		put_all(&sb, r, "Profile");
	} else {
		smig_strbuf_puts(&sb, ", all profiles");
	}
	if (smig_strbuf_check(&sb, e) < 0) {
		smig_strbuf_release(&sb);
		return NULL;
	}
	out = smig_strbuf_take(&sb, NULL);
	if (out == NULL)
		smig_err_nomem(e, _("describing a firewall rule"));
	return out;
}
