/* azman.c - AzMan policy store reader (see azman.h, formats.md §6). */
#include "azman.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "fileio.h"
#include "i18n.h"
#include "vmconfig.h"
#include "winval.h"

struct actx {
	const char *what;
	struct smig_err *e;
};

static bool is_elem(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns == NULL &&
	       strcmp((const char *)n->name, name) == 0;
}

/* An attribute's value, "" when absent; NULL only on ENOMEM. */
static char *attr(struct actx *c, xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
	char *s = smig_strdup(v ? (const char *)v : "", c->e);

	xmlFree(v);
	return s;
}

/* An element's text without surrounding whitespace (link GUIDs and SIDs are one token). */
static char *text(struct actx *c, xmlNodePtr n)
{
	xmlChar *v = xmlNodeGetContent(n);
	const char *s = v ? (const char *)v : "";
	size_t l;
	char *r;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	l = strlen(s);
	while (l > 0 && (s[l - 1] == ' ' || s[l - 1] == '\t' || s[l - 1] == '\n' ||
			 s[l - 1] == '\r'))
		l--;
	r = smig_strndup(s, l, c->e);
	xmlFree(v);
	return r;
}

/*
 * Make room for element n of `arr` (n + 1 elements, the last zeroed) and return the
 * possibly moved array, or NULL on ENOMEM (arr stays valid). Capacity doubles at every
 * power of two, so a hostile store with many children costs linear time.
 */
static void *grow(struct actx *c, void *arr, size_t n, size_t size)
{
	char *na = arr;

	if ((n & (n - 1)) == 0) {
		size_t cap = n ? 2 * n : 1;

		if (cap > SIZE_MAX / size || (na = realloc(arr, cap * size)) == NULL) {
			smig_err_nomem(c->e, _("reading an authorization store"));
			return NULL;
		}
	}
	memset(na + n * size, 0, size);
	return na;
}

/* Append the text of `node`. The count grows at once so the free functions see it. */
static int push_text(struct actx *c, char ***arr, size_t *n, xmlNodePtr node)
{
	char **na = grow(c, *arr, *n, sizeof(**arr));

	if (na == NULL)
		return -1;
	*arr = na;
	na[*n] = text(c, node);
	return na[(*n)++] ? 0 : -1;
}

static int guid_name(struct actx *c, xmlNodePtr n, char **guid, char **name)
{
	*guid = attr(c, n, "Guid");
	*name = attr(c, n, "Name");
	return *guid && *name ? 0 : -1;
}

static int parse_group(struct actx *c, xmlNodePtr n, struct smig_azman_group *g)
{
	xmlNodePtr ch;

	if (guid_name(c, n, &g->guid, &g->name) < 0)
		return -1;
	g->type = attr(c, n, "GroupType");
	if (g->type == NULL)
		return -1;
	for (ch = n->children; ch; ch = ch->next) {
		if (is_elem(ch, "Member") && push_text(c, &g->members, &g->nmembers, ch) < 0)
			return -1;
		if (is_elem(ch, "NonMember") &&
		    push_text(c, &g->non_members, &g->nnon_members, ch) < 0)
			return -1;
	}
	return 0;
}

static int parse_task(struct actx *c, xmlNodePtr n, struct smig_azman_task *t)
{
	char *rd = NULL;
	xmlNodePtr ch;

	if (guid_name(c, n, &t->guid, &t->name) < 0)
		return -1;
	rd = attr(c, n, "RoleDefinition");
	if (rd == NULL)
		return -1;
	/* the spec text says "true", its example "True" */
	t->role_definition = smig_streq_ci(rd, "true");
	free(rd);
	for (ch = n->children; ch; ch = ch->next) {
		if (is_elem(ch, "TaskLink") &&
		    push_text(c, &t->task_links, &t->ntask_links, ch) < 0)
			return -1;
		if (is_elem(ch, "OperationLink") &&
		    push_text(c, &t->op_links, &t->nop_links, ch) < 0)
			return -1;
	}
	return 0;
}

/* OperationID is "an integer value represented as a string" ([MS-AZMP]). */
static int parse_op(struct actx *c, xmlNodePtr n, struct smig_azman_op *op)
{
	xmlNodePtr ch;

	op->id = -1;
	if (guid_name(c, n, &op->guid, &op->name) < 0)
		return -1;
	for (ch = n->children; ch; ch = ch->next) {
		char *t, *end = NULL;
		long long v;

		if (!is_elem(ch, "OperationID"))
			continue;
		t = text(c, ch);
		if (t == NULL)
			return -1;
		errno = 0;
		v = strtoll(t, &end, 10);
		if (!((*t >= '0' && *t <= '9') || *t == '-') || *end != '\0' || errno != 0) {
			smig_err_set(c->e, SMIG_ERR_FORMAT,
				     _("'%s': operation '%s' has OperationID '%.40s', which is "
				       "not an integer"), c->what, op->name, t);
			free(t);
			return -1;
		}
		free(t);
		op->id = v;
	}
	return 0;
}

static int parse_role(struct actx *c, xmlNodePtr n, struct smig_azman_role *r)
{
	xmlNodePtr ch;

	if (guid_name(c, n, &r->guid, &r->name) < 0)
		return -1;
	for (ch = n->children; ch; ch = ch->next) {
		if (is_elem(ch, "TaskLink") &&
		    push_text(c, &r->task_links, &r->ntask_links, ch) < 0)
			return -1;
		if (is_elem(ch, "Member") && push_text(c, &r->members, &r->nmembers, ch) < 0)
			return -1;
		if (is_elem(ch, "AppMemberLink") &&
		    push_text(c, &r->app_member_links, &r->napp_member_links, ch) < 0)
			return -1;
	}
	return 0;
}

/* Parse child `ch` named `name` into a new element of `arr` (counted before it is filled,
 * so that smig_azman_free() releases a partial element). Applications and scopes share it. */
#define PARSE_INTO(c, ch, name, arr, n, fn)                                     \
	do {                                                                    \
		if (is_elem(ch, name)) {                                        \
			void *na_ = grow(c, arr, n, sizeof(*(arr)));            \
			if (na_ == NULL)                                        \
				return -1;                                      \
			(arr) = na_;                                            \
			if (fn(c, ch, &(arr)[(n)++]) < 0)                       \
				return -1;                                      \
		}                                                               \
	} while (0)

static int parse_scope(struct actx *c, xmlNodePtr n, struct smig_azman_scope *s)
{
	xmlNodePtr ch;

	if (guid_name(c, n, &s->guid, &s->name) < 0)
		return -1;
	for (ch = n->children; ch; ch = ch->next) {
		PARSE_INTO(c, ch, "AzApplicationGroup", s->groups, s->ngroups, parse_group);
		PARSE_INTO(c, ch, "AzTask", s->tasks, s->ntasks, parse_task);
		PARSE_INTO(c, ch, "AzRole", s->roles, s->nroles, parse_role);
	}
	return 0;
}

static int parse_app(struct actx *c, xmlNodePtr n, struct smig_azman_app *a)
{
	xmlNodePtr ch;

	if (guid_name(c, n, &a->guid, &a->name) < 0)
		return -1;
	for (ch = n->children; ch; ch = ch->next) {
		PARSE_INTO(c, ch, "AzApplicationGroup", a->groups, a->ngroups, parse_group);
		PARSE_INTO(c, ch, "AzTask", a->tasks, a->ntasks, parse_task);
		PARSE_INTO(c, ch, "AzOperation", a->ops, a->nops, parse_op);
		PARSE_INTO(c, ch, "AzRole", a->roles, a->nroles, parse_role);
		PARSE_INTO(c, ch, "AzScope", a->scopes, a->nscopes, parse_scope);
	}
	return 0;
}

static int parse_top(struct actx *c, xmlNodePtr root, struct smig_azman_store *s)
{
	xmlNodePtr ch;

	for (ch = root->children; ch; ch = ch->next) {
		PARSE_INTO(c, ch, "AzApplicationGroup", s->groups, s->ngroups, parse_group);
		PARSE_INTO(c, ch, "AzApplication", s->apps, s->napps, parse_app);
	}
	return 0;
}

static int parse_store(struct actx *c, xmlNodePtr root, struct smig_azman_store *s)
{
	char *major = NULL, *minor = NULL;
	int rc = -1;

	if (!is_elem(root, "AzAdminManager")) {
		smig_err_set(c->e, SMIG_ERR_FORMAT,
			     _("'%s': root element is <%s>, not <AzAdminManager>"), c->what,
			     (const char *)root->name);
		goto out;
	}
	major = attr(c, root, "MajorVersion");
	minor = attr(c, root, "MinorVersion");
	if (major == NULL || minor == NULL)
		goto out;
	/* [MS-AZMP]: MajorVersion MUST be 1 or 2, MinorVersion MUST be 0 */
	if ((strcmp(major, "1") != 0 && strcmp(major, "2") != 0) || strcmp(minor, "0") != 0) {
		smig_err_set(c->e, SMIG_ERR_UNSUPPORTED,
			     _("'%s': store version '%.10s.%.10s' is not 1.0 or 2.0"), c->what, major,
			     minor);
		goto out;
	}
	s->major = major[0] - '0';
	s->minor = 0;
	rc = parse_top(c, root, s);
out:
	free(major);
	free(minor);
	return rc;
}

int smig_azman_parse(const void *buf, size_t len, const char *what,
		     struct smig_azman_store **out, struct smig_err *e)
{
	struct actx c = {what ? what : _("authorization store"), e};
	struct smig_azman_store *s = NULL;
	xmlDocPtr doc = NULL;
	int rc = -1;

	*out = NULL;
	doc = smig_vmconfig_xml_read(buf, len, SMIG_AZMAN_MAX_BYTES, c.what, e);
	if (doc == NULL)
		goto out;
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		smig_err_nomem(e, _("reading an authorization store"));
		goto out;
	}
	if (parse_store(&c, xmlDocGetRootElement(doc), s) < 0)
		goto out;
	*out = s;
	s = NULL;
	rc = 0;
out:
	smig_azman_free(s);
	if (doc)
		xmlFreeDoc(doc);
	return rc;
}

int smig_azman_load(const char *path, const char *what, struct smig_azman_store **out,
		    struct smig_err *e)
{
	char *buf = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	if (what == NULL)
		what = path;
	if (smig_file_read(path, SMIG_AZMAN_MAX_BYTES, what, &buf, &len, e) < 0)
		return -1;
	rc = smig_azman_parse(buf, len, what, out, e);
	free(buf);
	return rc;
}

static void free_strs(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void free_groups(struct smig_azman_group *g, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(g[i].guid);
		free(g[i].name);
		free(g[i].type);
		free_strs(g[i].members, g[i].nmembers);
		free_strs(g[i].non_members, g[i].nnon_members);
	}
	free(g);
}

static void free_tasks(struct smig_azman_task *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(t[i].guid);
		free(t[i].name);
		free_strs(t[i].task_links, t[i].ntask_links);
		free_strs(t[i].op_links, t[i].nop_links);
	}
	free(t);
}

static void free_roles(struct smig_azman_role *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(r[i].guid);
		free(r[i].name);
		free_strs(r[i].task_links, r[i].ntask_links);
		free_strs(r[i].members, r[i].nmembers);
		free_strs(r[i].app_member_links, r[i].napp_member_links);
	}
	free(r);
}

void smig_azman_free(struct smig_azman_store *s)
{
	size_t i, k;

	if (s == NULL)
		return;
	for (i = 0; i < s->napps; i++) {
		struct smig_azman_app *a = &s->apps[i];

		free(a->guid);
		free(a->name);
		for (k = 0; k < a->nops; k++) {
			free(a->ops[k].guid);
			free(a->ops[k].name);
		}
		free(a->ops);
		free_tasks(a->tasks, a->ntasks);
		free_roles(a->roles, a->nroles);
		free_groups(a->groups, a->ngroups);
		for (k = 0; k < a->nscopes; k++) {
			free(a->scopes[k].guid);
			free(a->scopes[k].name);
			free_roles(a->scopes[k].roles, a->scopes[k].nroles);
			free_tasks(a->scopes[k].tasks, a->scopes[k].ntasks);
			free_groups(a->scopes[k].groups, a->scopes[k].ngroups);
		}
		free(a->scopes);
	}
	free(s->apps);
	free_groups(s->groups, s->ngroups);
	free(s);
}

const struct smig_azman_app *smig_azman_find_app(const struct smig_azman_store *s,
						 const char *name)
{
	size_t i;

	for (i = 0; s && i < s->napps; i++)
		if (smig_streq_ci(s->apps[i].name, name))
			return &s->apps[i];
	return NULL;
}

/* ---- structural comparison ---- */

struct dctx {
	struct actx a;
	const char *got_label, *want_label;
	char **out;
	size_t n, total;
};

/* Note one difference (the first SMIG_AZMAN_DIFF_MAX are kept, the rest counted). */
static int diff_note(struct dctx *d, const char *fmt, ...) SMIG_PRINTF(2, 3);
static int diff_note(struct dctx *d, const char *fmt, ...)
{
	char buf[1024];
	char **na;
	va_list ap;

	d->total++;
	if (d->n >= SMIG_AZMAN_DIFF_MAX)
		return 0;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	/* room for the element and the terminating NULL */
	na = grow(&d->a, d->out, d->n + 1, sizeof(*na));
	if (na == NULL)
		return -1;
	d->out = na;
	na[d->n] = smig_strdup(buf, d->a.e);
	if (na[d->n] == NULL)
		return -1;
	d->n++;
	na[d->n] = NULL;
	return 0;
}

/* A role's or group's link GUID as a name: the task or group of that GUID in the
 * application (and scope), else the GUID text. */
static const char *link_name(const struct smig_azman_store *st, const struct smig_azman_app *app,
			     const struct smig_azman_scope *sc, const char *guid)
{
	size_t i;

#define FIND(arr, cnt)                                                                     \
	for (i = 0; (arr) != NULL && i < (cnt); i++)                                       \
		if ((arr)[i].guid != NULL && smig_guid_str_equal((arr)[i].guid, guid))     \
			return (arr)[i].name;
	if (sc != NULL) {
		FIND(sc->tasks, sc->ntasks)
		FIND(sc->groups, sc->ngroups)
	}
	FIND(app->tasks, app->ntasks)
	FIND(app->groups, app->ngroups)
	FIND(st->groups, st->ngroups)
#undef FIND
	return guid;
}

static bool has_str(char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (smig_streq_ci(v[i], s))
			return true;
	return false;
}

static bool has_link(const struct smig_azman_store *st, const struct smig_azman_app *app,
		     const struct smig_azman_scope *sc, char *const *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (smig_streq_ci(link_name(st, app, sc, v[i]), name))
			return true;
	return false;
}

/* "role assignment 'Administrator'" or "... in scope 'Lab'" */
static void role_label(char *buf, size_t sz, const char *role, const struct smig_azman_scope *sc)
{
	if (sc)
		snprintf(buf, sz, _("role assignment '%s' in scope '%s'"), role, sc->name);
	else
		snprintf(buf, sz, _("role assignment '%s'"), role);
}

/* Members (SIDs), application-group members and role definitions of one role. */
static int diff_role(struct dctx *d, const struct smig_azman_store *ws,
		     const struct smig_azman_app *wa, const struct smig_azman_scope *wsc,
		     const struct smig_azman_role *w, const struct smig_azman_store *gs,
		     const struct smig_azman_app *ga, const struct smig_azman_scope *gsc,
		     const struct smig_azman_role *g)
{
	char lab[600];
	size_t i;

	role_label(lab, sizeof(lab), w->name, wsc);
	for (i = 0; i < w->nmembers; i++)
		if (!has_str(g->members, g->nmembers, w->members[i]) &&
		    diff_note(d, _("%s: member %s is missing in %s"), lab, w->members[i],
			      d->got_label) < 0)
			return -1;
	for (i = 0; i < g->nmembers; i++)
		if (!has_str(w->members, w->nmembers, g->members[i]) &&
		    diff_note(d, _("%s: member %s is only in %s"), lab, g->members[i],
			      d->got_label) < 0)
			return -1;
	for (i = 0; i < w->napp_member_links; i++) {
		const char *nm = link_name(ws, wa, wsc, w->app_member_links[i]);

		if (!has_link(gs, ga, gsc, g->app_member_links, g->napp_member_links, nm) &&
		    diff_note(d, _("%s: application group '%s' is missing in %s"), lab, nm,
			      d->got_label) < 0)
			return -1;
	}
	for (i = 0; i < g->napp_member_links; i++) {
		const char *nm = link_name(gs, ga, gsc, g->app_member_links[i]);

		if (!has_link(ws, wa, wsc, w->app_member_links, w->napp_member_links, nm) &&
		    diff_note(d, _("%s: application group '%s' is only in %s"), lab, nm,
			      d->got_label) < 0)
			return -1;
	}
	for (i = 0; i < w->ntask_links; i++) {
		const char *nm = link_name(ws, wa, wsc, w->task_links[i]);

		if (!has_link(gs, ga, gsc, g->task_links, g->ntask_links, nm) &&
		    diff_note(d, _("%s: role definition '%s' is missing in %s"), lab, nm,
			      d->got_label) < 0)
			return -1;
	}
	for (i = 0; i < g->ntask_links; i++) {
		const char *nm = link_name(gs, ga, gsc, g->task_links[i]);

		if (!has_link(ws, wa, wsc, w->task_links, w->ntask_links, nm) &&
		    diff_note(d, _("%s: role definition '%s' is only in %s"), lab, nm,
			      d->got_label) < 0)
			return -1;
	}
	return 0;
}

static const struct smig_azman_role *find_role(const struct smig_azman_role *r, size_t n,
					       const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (smig_streq_ci(r[i].name, name))
			return &r[i];
	return NULL;
}

/* The role assignments of one level (application or scope) of both stores. */
static int diff_roles(struct dctx *d, const struct smig_azman_store *ws,
		      const struct smig_azman_app *wa, const struct smig_azman_scope *wsc,
		      const struct smig_azman_store *gs, const struct smig_azman_app *ga,
		      const struct smig_azman_scope *gsc)
{
	const struct smig_azman_role *wr = wsc ? wsc->roles : wa->roles;
	const struct smig_azman_role *gr = gsc ? gsc->roles : ga->roles;
	size_t wn = wsc ? wsc->nroles : wa->nroles, gn = gsc ? gsc->nroles : ga->nroles, i;
	char lab[600];

	for (i = 0; i < wn; i++) {
		const struct smig_azman_role *g = find_role(gr, gn, wr[i].name);

		role_label(lab, sizeof(lab), wr[i].name, wsc);
		if (g == NULL) {
			if (diff_note(d, _("%s is missing in %s"), lab, d->got_label) < 0)
				return -1;
		} else if (diff_role(d, ws, wa, wsc, &wr[i], gs, ga, gsc, g) < 0) {
			return -1;
		}
	}
	for (i = 0; i < gn; i++) {
		role_label(lab, sizeof(lab), gr[i].name, gsc);
		if (find_role(wr, wn, gr[i].name) == NULL &&
		    diff_note(d, _("%s is only in %s"), lab, d->got_label) < 0)
			return -1;
	}
	return 0;
}

static const struct smig_azman_scope *find_scope(const struct smig_azman_app *a, const char *name)
{
	for (size_t i = 0; i < a->nscopes; i++)
		if (smig_streq_ci(a->scopes[i].name, name))
			return &a->scopes[i];
	return NULL;
}

static int diff_app(struct dctx *d, const struct smig_azman_store *ws,
		    const struct smig_azman_app *wa, const struct smig_azman_store *gs,
		    const struct smig_azman_app *ga)
{
	size_t i;

	if (diff_roles(d, ws, wa, NULL, gs, ga, NULL) < 0)
		return -1;
	for (i = 0; i < wa->nscopes; i++) {
		const struct smig_azman_scope *g = find_scope(ga, wa->scopes[i].name);

		if (g == NULL) {
			if (diff_note(d, _("scope '%s' is missing in %s"), wa->scopes[i].name,
				      d->got_label) < 0)
				return -1;
		} else if (diff_roles(d, ws, wa, &wa->scopes[i], gs, ga, g) < 0) {
			return -1;
		}
	}
	for (i = 0; i < ga->nscopes; i++)
		if (find_scope(wa, ga->scopes[i].name) == NULL &&
		    diff_note(d, _("scope '%s' is only in %s"), ga->scopes[i].name, d->got_label) < 0)
			return -1;
	return 0;
}

int smig_azman_diff(const struct smig_azman_store *want, const struct smig_azman_store *got,
		    const char *got_label, char ***out, size_t *total, struct smig_err *e)
{
	struct dctx d = {{_("authorization store comparison"), e}, got_label, NULL, NULL, 0, 0};
	size_t i;

	*out = NULL;
	*total = 0;
	for (i = 0; i < want->napps; i++) {
		const struct smig_azman_app *g = smig_azman_find_app(got, want->apps[i].name);

		if (g == NULL) {
			if (diff_note(&d, _("application '%s' is missing in %s"), want->apps[i].name,
				      got_label) < 0)
				goto fail;
		} else if (diff_app(&d, want, &want->apps[i], got, g) < 0) {
			goto fail;
		}
	}
	for (i = 0; i < got->napps; i++)
		if (smig_azman_find_app(want, got->apps[i].name) == NULL &&
		    diff_note(&d, _("application '%s' is only in %s"), got->apps[i].name,
			      got_label) < 0)
			goto fail;
	*out = d.out;
	*total = d.total;
	return 0;
fail:
	for (i = 0; i < d.n; i++)
		free(d.out[i]);
	free(d.out);
	return -1;
}
