/*
 * exporter.c - the export engine (see exporter.h): selection, the member plan, the .reg
 * members, and the streaming write of the signed archive.
 */
#include "exporter.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "descriptor.h"
#include "hive.h"
#include "i18n.h"
#include "regfile.h"
#include "strbuf.h"
#include "winval.h"

#define DESCRIPTOR_NAME "smig/descriptor.xml"
#define VM_KIND "virtual-machines"
/* Components of a member name a VM directory adds: "hyperv/vms/<GUID>/disks/". */
#define VMS_DIR "hyperv/vms"

/* One planned payload member: a local file streamed, or a buffer built while planning. */
struct member {
	char *name;
	char *local;        /* file to stream, or NULL */
	unsigned char *buf; /* in-memory content when local is NULL */
	size_t len;
	int64_t mtime; /* of buf (Unix seconds) */
	uint64_t size; /* bytes, from stat or len */
	char *winpath; /* where it came from (Windows path or registry keys) */
	const char *feature, *component, *vm_id; /* borrowed from the manifest/inventory */
	const char *role;                        /* descriptor role */
	const char *what;                        /* log kind */
};

/* One log line (WSMT's MigrationResult). */
struct item {
	char *what, *source, *member, *details;
	bool success;
};

struct smig_export {
	struct smig_hostfs *fs;
	const struct smig_inventory *inv;
	enum smig_export_type type;
	bool include_saved_state, include_media;
	bool planned;
	bool vms_only; /* scope "vms": --vm without --feature (descriptor.h) */
	char **features; /* selected feature ids, NULL-terminated */
	char **vms;      /* selected VM ids, NULL-terminated; NULL = all */
	struct member *m;
	size_t n, cap;
	struct item *log;
	size_t nlog, caplog;
	smig_export_log_fn logfn; /* each item as it is logged (smig_export_set_log) */
	void *logctx;
	uint64_t total; /* bytes of the payload members */
	/* hives, opened on first use */
	struct smig_hive *hive[2];
	int64_t hive_mtime[2];
	bool hive_tried[2];
	/* progress while writing */
	smig_export_progress_fn fn;
	void *ctx;
	uint64_t write_total;
	const struct smig_age_keys *enc; /* age recipients, or NULL (borrowed) */
};

static const char *const hive_names[2] = {"SYSTEM", "SOFTWARE"};

int smig_export_type_parse(const char *s, enum smig_export_type *t)
{
	if (strcmp(s, "all") == 0)
		*t = SMIG_EXPORT_ALL;
	else if (strcmp(s, "config") == 0)
		*t = SMIG_EXPORT_CONFIG;
	else if (strcmp(s, "storage") == 0)
		*t = SMIG_EXPORT_STORAGE;
	else
		return -1;
	return 0;
}

const char *smig_export_type_name(enum smig_export_type t)
{
	switch (t) {
	case SMIG_EXPORT_CONFIG:
		return "config";
	case SMIG_EXPORT_STORAGE:
		return "storage";
	case SMIG_EXPORT_ALL:
		break;
	}
	return "all";
}

int smig_export_new(struct smig_export **out, struct smig_err *e)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : smig_err_nomem(e, _("starting an export"));
}

static void strv_free(char **v)
{
	size_t i;

	for (i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

void smig_export_free(struct smig_export *x)
{
	size_t i;

	if (x == NULL)
		return;
	for (i = 0; i < x->n; i++) {
		free(x->m[i].name);
		free(x->m[i].local);
		free(x->m[i].buf);
		free(x->m[i].winpath);
	}
	free(x->m);
	for (i = 0; i < x->nlog; i++) {
		free(x->log[i].what);
		free(x->log[i].source);
		free(x->log[i].member);
		free(x->log[i].details);
	}
	free(x->log);
	strv_free(x->features);
	strv_free(x->vms);
	for (i = 0; i < 2; i++)
		smig_hive_close(x->hive[i]);
	free(x);
}

size_t smig_export_member_count(const struct smig_export *x)
{
	return x->n;
}

const char *smig_export_member_name(const struct smig_export *x, size_t i)
{
	return i < x->n ? x->m[i].name : NULL;
}

uint64_t smig_export_total(const struct smig_export *x)
{
	return x->total;
}

/* ---- the log ---- */

static int log_item(struct smig_export *x, const char *what, const char *source, const char *member,
                    bool success, struct smig_err *e, const char *fmt, ...) SMIG_PRINTF(7, 8);

static int log_item(struct smig_export *x, const char *what, const char *source, const char *member,
                    bool success, struct smig_err *e, const char *fmt, ...)
{
	struct item *it;
	va_list ap;
	int r;

	if (x->nlog == x->caplog) {
		size_t cap = x->caplog ? 2 * x->caplog : 32;
		struct item *p = realloc(x->log, cap * sizeof(*p));
		if (p == NULL)
			return smig_err_nomem(e, _("recording the export log"));
		x->log = p;
		x->caplog = cap;
	}
	it = &x->log[x->nlog];
	memset(it, 0, sizeof(*it));
	it->success = success;
	it->what = smig_strdup(what, e);
	it->source = source ? smig_strdup(source, e) : NULL;
	it->member = member ? smig_strdup(member, e) : NULL;
	va_start(ap, fmt);
	r = vasprintf(&it->details, fmt, ap);
	va_end(ap);
	if (r < 0)
		it->details = NULL;
	x->nlog++;
	if (it->what == NULL || (source && it->source == NULL) || (member && it->member == NULL) ||
	    it->details == NULL)
		return smig_err_nomem(e, _("recording the export log"));
	if (x->logfn)
		x->logfn(x->logctx, it->what, it->source, it->member, it->success, it->details);
	return 0;
}

void smig_export_set_log(struct smig_export *x, smig_export_log_fn fn, void *ctx)
{
	x->logfn = fn;
	x->logctx = ctx;
}

char *smig_export_log_json(const struct smig_export *x, size_t *len, struct smig_err *e)
{
	struct smig_strbuf sb = SMIG_STRBUF_INIT;
	size_t i;

	for (i = 0; i < x->nlog; i++) {
		const struct item *it = &x->log[i];
		json_t *o =
		    json_pack("{s:s, s:s?, s:s?, s:b, s:s}", "what", it->what, "source", it->source,
		              "member", it->member, "success", it->success, "details", it->details);
		char *s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

		json_decref(o);
		if (s == NULL) {
			smig_strbuf_release(&sb);
			smig_err_nomem(e, _("writing the export log"));
			return NULL;
		}
		smig_strbuf_puts(&sb, s);
		smig_strbuf_putc(&sb, '\n');
		free(s);
	}
	if (smig_strbuf_check(&sb, e) < 0) {
		smig_strbuf_release(&sb);
		return NULL;
	}
	smig_strbuf_cstr(&sb);
	return smig_strbuf_take(&sb, len);
}

/* ---- member names ---- */

static bool name_char_ok(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       strchr("._ {}+,-", c) != NULL;
}

char *smig_export_member_component(const char *winname, struct smig_err *e)
{
	size_t i, k = 0, len = strlen(winname);
	char *out = malloc(len + 2);

	if (out == NULL) {
		smig_err_nomem(e, _("naming an archive member"));
		return NULL;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)winname[i];

		if (c == 0)
			break;
		if (name_char_ok(c) && c != 0) {
			out[k++] = (char)c;
			continue;
		}
		out[k++] = '_';
		/* a UTF-8 sequence becomes one '_': skip its continuation bytes */
		if (c >= 0xC0)
			while (i + 1 < len && ((unsigned char)winname[i + 1] & 0xC0) == 0x80)
				i++;
	}
	out[k] = '\0';
	/* "." and ".." are not valid components; an empty name neither */
	if (k == 0 || strcmp(out, ".") == 0 || strcmp(out, "..") == 0) {
		out[0] = '_';
		out[1] = '\0';
	}
	return out;
}

static bool name_taken(const struct smig_export *x, const char *name)
{
	size_t i;

	if (strcasecmp(name, DESCRIPTOR_NAME) == 0 || strcasecmp(name, SMIG_ARCHIVE_SUMS) == 0 ||
	    strcasecmp(name, SMIG_ARCHIVE_SIG) == 0)
		return true;
	for (i = 0; i < x->n; i++)
		if (strcasecmp(x->m[i].name, name) == 0)
			return true;
	return false;
}

/*
 * "<dir>/<component of base>", unique in the archive case-insensitively (the destination is
 * NTFS): a clash gets "-<n>" before the extension. The stem is shortened when the name would
 * exceed SMIG_ARCHIVE_NAME_MAX bytes.
 */
static char *unique_name(const struct smig_export *x, const char *dir, const char *base,
                         struct smig_err *e)
{
	char *comp = smig_export_member_component(base, e), *name = NULL;
	const char *dot;
	size_t stem, ext, room, dlen = strlen(dir);
	unsigned n;

	if (comp == NULL)
		return NULL;
	dot = strrchr(comp, '.');
	if (dot == comp)
		dot = NULL;
	stem = dot ? (size_t)(dot - comp) : strlen(comp);
	ext = strlen(comp) - stem;
	for (n = 0; n < 100000; n++) {
		char suffix[16] = "";
		size_t s = stem;

		if (n > 0)
			snprintf(suffix, sizeof(suffix), "-%u", n);
		/* dir + '/' + stem + suffix + ext must fit */
		room = SMIG_ARCHIVE_NAME_MAX - dlen - 1 - strlen(suffix) - ext;
		if (dlen + 1 + strlen(suffix) + ext >= SMIG_ARCHIVE_NAME_MAX) {
			smig_err_set(e, SMIG_ERR_UNSUPPORTED,
			             _("'%s': the file name is too long for an archive member"), base);
			break;
		}
		if (s > room)
			s = room;
		name = smig_asprintf(e, "%s/%.*s%s%s", dir, (int)s, comp, suffix, comp + stem);
		if (name == NULL || !name_taken(x, name))
			break;
		free(name);
		name = NULL;
	}
	free(comp);
	if (name && !smig_archive_name_ok(name)) {
		smig_err_set(e, SMIG_ERR_UNSUPPORTED, _("'%s' cannot be named in the archive"), base);
		free(name);
		name = NULL;
	}
	return name;
}

/* The last component of a Windows (or local) path. */
static const char *path_base(const char *p)
{
	const char *s = strrchr(p, '\\'), *t = strrchr(p, '/');

	if (t > s)
		s = t;
	return s ? s + 1 : p;
}

static struct member *add_member(struct smig_export *x, struct smig_err *e)
{
	struct member *m;

	if (x->n == x->cap) {
		size_t cap = x->cap ? 2 * x->cap : 32;
		struct member *p = realloc(x->m, cap * sizeof(*p));
		if (p == NULL) {
			smig_err_nomem(e, _("planning the archive"));
			return NULL;
		}
		x->m = p;
		x->cap = cap;
	}
	m = &x->m[x->n++];
	memset(m, 0, sizeof(*m));
	return m;
}

/*
 * Plan the local file `local` (from `winpath`) as "<dir>/<its name>". The size comes from
 * stat: the descriptor is written first and records it.
 */
static int plan_file(struct smig_export *x, const char *dir, const char *local, const char *winpath,
                     const char *feature, const char *component, const char *vm_id,
                     const char *role, const char *what, struct smig_err *e)
{
	struct member *m;
	struct stat st;
	char *name = NULL;

	if (stat(local, &st) < 0) {
		smig_err_sys(e, errno, _("cannot read '%s'"), winpath);
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		smig_err_set(e, SMIG_ERR_FORMAT, _("'%s' is not a regular file"), winpath);
		goto fail;
	}
	name = unique_name(x, dir, path_base(winpath), e);
	if (name == NULL)
		goto fail;
	m = add_member(x, e);
	if (m == NULL)
		goto fail;
	m->name = name;
	m->local = smig_strdup(local, e);
	m->winpath = smig_strdup(winpath, e);
	m->size = (uint64_t)st.st_size;
	m->feature = feature;
	m->component = component;
	m->vm_id = vm_id;
	m->role = role;
	m->what = what;
	x->total += m->size;
	if (m->local == NULL || m->winpath == NULL)
		return -1;
	return 0;
fail:
	free(name);
	log_item(x, what, winpath, NULL, false, e, "%s", e->msg);
	return -1;
}

/* ---- selection ---- */

static int strv_add(char ***v, size_t *n, const char *s, struct smig_err *e)
{
	char **p = realloc(*v, (*n + 2) * sizeof(*p));

	if (p == NULL)
		return smig_err_nomem(e, _("planning the archive"));
	*v = p;
	p[*n] = smig_strdup(s, e);
	p[*n + 1] = NULL;
	if (p[*n] == NULL)
		return -1;
	(*n)++;
	return 0;
}

static bool strv_has(char **v, const char *s)
{
	size_t i;

	for (i = 0; v && v[i]; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

static int select_features(struct smig_export *x, const struct smig_features *ft,
                           const struct smig_export_opts *o, struct smig_err *e)
{
	size_t i, k, n = 0;

	if (o->nfeatures == 0) {
		for (i = 0; i < ft->count; i++)
			if (smig_manifest_feature_present(&ft->items[i], x->inv) &&
			    strv_add(&x->features, &n, ft->items[i].id, e) < 0)
				return -1;
		return 0;
	}
	for (k = 0; k < o->nfeatures; k++) {
		const struct smig_feature *f = NULL;

		for (i = 0; i < ft->count; i++)
			if (smig_streq_ci(ft->items[i].id, o->features[k]))
				f = &ft->items[i];
		if (f == NULL)
			return smig_err_set(e, SMIG_ERR_USAGE, _("unknown feature '%s' (see '%s')"),
			                    o->features[k], "smig-export features");
		if (!smig_manifest_feature_present(f, x->inv))
			return smig_err_set(e, SMIG_ERR_UNSUPPORTED,
			                    _("feature '%s' is not present on the host"), f->id);
	}
	/* manifest order, whatever the order of the options */
	for (i = 0; i < ft->count; i++)
		for (k = 0; k < o->nfeatures; k++)
			if (smig_streq_ci(ft->items[i].id, o->features[k]) &&
			    !strv_has(x->features, ft->items[i].id) &&
			    strv_add(&x->features, &n, ft->items[i].id, e) < 0)
				return -1;
	return 0;
}

/* The cause of a VM's error: the first error-severity problem about it. */
static const char *vm_cause(const struct smig_inventory *inv, const struct smig_inv_vm *vm)
{
	size_t i, len;
	char subject[512];

	len = (size_t)snprintf(subject, sizeof(subject), "vm:%s", vm->name ? vm->name : vm->id);
	if (len < sizeof(subject))
		for (i = 0; i < inv->problems.count; i++) {
			const struct smig_problem *p = &inv->problems.items[i];
			if (p->severity == SMIG_SEV_ERROR &&
			    strncmp(p->subject, subject, len) == 0 &&
			    (p->subject[len] == '\0' || p->subject[len] == '/'))
				return p->message;
		}
	return vm->error;
}

/* "no VM named 'X' on the host (it has: 'a', 'b')": the user sees what to type instead. */
static int no_such_vm(const struct smig_inventory *inv, const char *name, struct smig_err *e)
{
	struct smig_strbuf sb = SMIG_STRBUF_INIT;
	size_t i;

	for (i = 0; i < inv->nvms; i++)
		/* TRANSLATORS: one VM name of a list, quoted: "%s" is ", " or nothing */
		smig_strbuf_printf(&sb, _("%s'%s'"), i ? ", " : "",
		                   inv->vms[i].name ? inv->vms[i].name : inv->vms[i].id);
	smig_err_set(e, SMIG_ERR_USAGE, _("no VM named '%s' on the host (it has: %s)"), name,
	             inv->nvms ? (smig_strbuf_failed(&sb) ? "?" : smig_strbuf_cstr(&sb)) : _("none"));
	smig_strbuf_release(&sb);
	return -1;
}

/* Which VMs: *sel[i] for inv->vms[i]. */
static int select_vms(struct smig_export *x, const struct smig_export_opts *o, bool *sel,
                      struct smig_err *e)
{
	const struct smig_inventory *inv = x->inv;
	size_t i, k, n = 0;

	if (o->nvms == 0) {
		for (i = 0; i < inv->nvms; i++)
			sel[i] = true;
		return 0;
	}
	for (k = 0; k < o->nvms; k++) {
		size_t hits = 0, hit = 0;

		for (i = 0; i < inv->nvms; i++)
			if (smig_guid_str_equal(inv->vms[i].id, o->vms[k])) {
				hits = 1;
				hit = i;
				break;
			}
		if (hits == 0)
			for (i = 0; i < inv->nvms; i++)
				if (inv->vms[i].name &&
				    smig_streq_ci(inv->vms[i].name, o->vms[k])) {
					hits++;
					hit = i;
				}
		if (hits == 0)
			return no_such_vm(inv, o->vms[k], e);
		if (hits > 1)
			return smig_err_set(e, SMIG_ERR_USAGE,
			                    _("%zu VMs are named '%s': select them by GUID"), hits,
			                    o->vms[k]);
		sel[hit] = true;
	}
	for (i = 0; i < inv->nvms; i++)
		if (sel[i] && strv_add(&x->vms, &n, inv->vms[i].id, e) < 0)
			return -1;
	return 0;
}

/* ---- registry and files of the feature components ---- */

static int hive_index(const char *name)
{
	return smig_streq_ci(name, "SYSTEM") ? 0 : smig_streq_ci(name, "SOFTWARE") ? 1 : -1;
}

/* The hive `idx`, opened on first use; NULL (no error) when the host has none. */
static int get_hive(struct smig_export *x, int idx, struct smig_hive **out, struct smig_err *e)
{
	char rel[64], win[64], *local = NULL;
	struct stat st;
	int r;

	*out = x->hive[idx];
	if (x->hive_tried[idx])
		return 0;
	x->hive_tried[idx] = true;
	snprintf(rel, sizeof(rel), "Windows/System32/config/%s", hive_names[idx]);
	snprintf(win, sizeof(win), "C:\\Windows\\System32\\config\\%s", hive_names[idx]);
	r = smig_hostfs_lookup(x->fs, rel, &local, e);
	if (r != 0)
		return r < 0 ? -1 : 0;
	r = smig_hive_open(local, win, false, NULL, &x->hive[idx], e);
	if (r == 0 && stat(local, &st) == 0)
		x->hive_mtime[idx] = st.st_mtime;
	free(local);
	*out = x->hive[idx];
	return r;
}

static int plan_registry(struct smig_export *x, const struct smig_feature *f,
                         const struct smig_component *c, struct smig_err *e)
{
	struct smig_regfile *rf = NULL;
	struct smig_strbuf src = SMIG_STRBUF_INIT;
	struct member *m;
	unsigned char *buf = NULL;
	char *name = NULL, *disp = NULL;
	int64_t mtime = 0;
	size_t i, len = 0;
	int rc = -1;

	if (smig_regfile_new(&rf, e) < 0)
		return -1;
	name = smig_asprintf(e, "%s/%s.reg", f->id, c->id);
	if (name == NULL)
		goto out;
	for (i = 0; i < c->nregs; i++) {
		const struct smig_regcap *r = &c->regs[i];
		struct smig_hive *h = NULL;
		int idx = hive_index(r->hive), got;

		free(disp);
		disp = smig_asprintf(e, "HKEY_LOCAL_MACHINE\\%s\\%s%s%s", r->hive, r->key,
		                     r->value ? "\\" : "", r->value ? r->value : "");
		if (disp == NULL)
			goto out;
		if (idx < 0) {
			smig_err_set(e, SMIG_ERR_FORMAT, _("%s/%s: unknown hive '%s'"), f->id, c->id,
			             r->hive);
			log_item(x, "registry", disp, NULL, false, e, "%s", e->msg);
			goto out;
		}
		if (get_hive(x, idx, &h, e) < 0) {
			log_item(x, "registry", disp, NULL, false, e, "%s", e->msg);
			goto out;
		}
		got = h ? smig_regfile_add(rf, h,
		                           idx ? "HKEY_LOCAL_MACHINE\\SOFTWARE"
		                               : "HKEY_LOCAL_MACHINE\\SYSTEM",
		                           r->key, r->value, r->recursive, e)
		        : 1;
		if (got < 0) {
			log_item(x, "registry", disp, NULL, false, e, "%s", e->msg);
			goto out;
		}
		if (got == 1) {
			if (log_item(x, "registry", disp, NULL, true, e,
			             "absent on the host: nothing to export") < 0)
				goto out;
			continue;
		}
		if (x->hive_mtime[idx] > mtime)
			mtime = x->hive_mtime[idx];
		if (src.len)
			smig_strbuf_puts(&src, "; ");
		smig_strbuf_puts(&src, disp);
	}
	if (smig_regfile_count(rf) == 0) {
		rc = 0;
		goto out;
	}
	if (smig_regfile_finish(rf, &buf, &len, e) < 0 || smig_strbuf_check(&src, e) < 0)
		goto out;
	m = add_member(x, e);
	if (m == NULL)
		goto out;
	m->name = name;
	name = NULL;
	m->buf = buf;
	buf = NULL;
	m->len = len;
	m->size = len;
	m->mtime = mtime;
	m->winpath = smig_strbuf_take(&src, NULL);
	m->feature = f->id;
	m->component = c->id;
	m->role = "registry";
	m->what = "registry";
	x->total += len;
	rc = m->winpath ? 0 : smig_err_nomem(e, _("planning the archive"));
out:
	free(disp);
	free(name);
	free(buf);
	smig_strbuf_release(&src);
	smig_regfile_free(rf);
	return rc;
}

/* The Windows path a path-from capture names: the registry value among the component's
 * regs, "msxml://" stripped. *path NULL = the value is absent. *ad = an AD store URL. */
static int path_from_value(struct smig_export *x, const struct smig_component *c, const char *value,
                           char **path, bool *ad, struct smig_err *e)
{
	size_t i;

	*path = NULL;
	*ad = false;
	for (i = 0; i < c->nregs; i++) {
		const struct smig_regcap *r = &c->regs[i];
		struct smig_hive *h = NULL;
		smig_hive_node n = 0;
		char *v = NULL;
		int idx = hive_index(r->hive), got;

		if (r->value == NULL || !smig_streq_ci(r->value, value) || idx < 0)
			continue;
		if (get_hive(x, idx, &h, e) < 0)
			return -1;
		if (h == NULL)
			return 0;
		got = smig_hive_find(h, 0, r->key, &n, e);
		if (got == 0)
			got = smig_hive_get_sz(h, n, value, &v, e);
		if (got < 0)
			return -1;
		if (got == 1 || v == NULL || v[0] == '\0') {
			free(v);
			return 0;
		}
		if (smig_startswith_ci(v, "msldap://")) {
			*ad = true;
			*path = v;
			return 0;
		}
		if (smig_startswith_ci(v, "msxml://")) {
			*path = smig_strdup(v + strlen("msxml://"), e);
			free(v);
			return *path ? 0 : -1;
		}
		*path = v;
		return 0;
	}
	return 0;
}

static int plan_files(struct smig_export *x, const struct smig_feature *f,
                      const struct smig_component *c, struct smig_err *e)
{
	struct smig_err e2 = SMIG_ERR_INIT;
	char *dir = NULL, *from = NULL, *local = NULL;
	size_t i;
	int rc = -1;

	dir = smig_asprintf(e, "%s/%s", f->id, c->id);
	if (dir == NULL)
		return -1;
	for (i = 0; i < c->nfiles; i++) {
		const struct smig_filecap *fc = &c->files[i];
		const char *win = fc->path;
		bool ad = false;

		free(from);
		free(local);
		from = local = NULL;
		if (fc->path_from) {
			if (path_from_value(x, c, fc->path_from, &from, &ad, e) < 0)
				goto out;
			if (ad) {
				if (log_item(x, "file", from, NULL, true, e,
				             "the store lives in Active Directory: recorded, not "
				             "copied") < 0)
					goto out;
				continue;
			}
			win = from ? from : fc->dflt;
		}
		if (win == NULL)
			continue;
		smig_err_clear(&e2);
		if (smig_hostfs_resolve(x->fs, win, &local, &e2) < 0) {
			if (e2.kind == SMIG_ERR_IO && e2.sys_errno == ENOENT) {
				if (log_item(x, "file", win, NULL, true, e,
				             "absent on the host: nothing to export") < 0)
					goto out;
				continue;
			}
			*e = e2;
			log_item(x, "file", win, NULL, false, e, "%s", e->msg);
			goto out;
		}
		if (plan_file(x, dir, local, win, f->id, c->id, NULL, "file", "file", e) < 0)
			goto out;
	}
	rc = 0;
out:
	free(from);
	free(local);
	free(dir);
	return rc;
}

/* ---- VMs ---- */

static int plan_state(struct smig_export *x, const char *dir, char **files, const char *feature,
                      const char *component, const struct smig_inv_vm *vm, const char *whose,
                      struct smig_err *e)
{
	size_t i;
	int rc = 0;

	for (i = 0; files && files[i] && rc == 0; i++) {
		char *win = smig_hostfs_to_winpath(x->fs, files[i], e);

		if (win == NULL && e->kind != SMIG_ERR_NONE)
			return -1;
		if (!x->include_saved_state || x->type == SMIG_EXPORT_STORAGE)
			rc = log_item(x, "saved-state", win ? win : files[i], NULL, true, e,
			              "saved state of %s: recorded, not exported%s", whose,
			              x->include_saved_state ? " (--type storage)"
			                                     : " (--include-saved-state)");
		else
			rc = plan_file(x, dir, files[i], win ? win : files[i], feature, component,
			               vm->id, "saved-state", "saved-state", e);
		free(win);
	}
	return rc;
}

static int plan_vm(struct smig_export *x, const struct smig_feature *f,
                   const struct smig_component *c, const struct smig_inv_vm *vm, struct smig_err *e)
{
	char *dir = NULL, *sub = NULL, *name = NULL;
	size_t i;
	int rc = -1;

	dir = smig_asprintf(e, "%s/%s", VMS_DIR, vm->id);
	if (dir == NULL)
		return -1;
	if (x->type != SMIG_EXPORT_STORAGE) {
		struct member *m;

		/* config.xml: a fixed name, not the file's own */
		if (plan_file(x, dir, vm->config_local,
		              vm->config_winpath ? vm->config_winpath : vm->config_local, f->id,
		              c->id, vm->id, "config", "config", e) < 0)
			goto out;
		m = &x->m[x->n - 1];
		name = smig_asprintf(e, "%s/config.xml", dir);
		if (name == NULL)
			goto out;
		free(m->name);
		m->name = name;
		name = NULL;
		sub = smig_asprintf(e, "%s/snapshots", dir);
		if (sub == NULL)
			goto out;
		for (i = 0; i < vm->nsnapshots; i++) {
			const struct smig_inv_snapshot *sn = &vm->snapshots[i];
			if (sn->config_local == NULL)
				continue;
			if (plan_file(x, sub, sn->config_local,
			              sn->config_winpath ? sn->config_winpath : sn->config_local,
			              f->id, c->id, vm->id, "snapshot-config", "snapshot", e) < 0)
				goto out;
			m = &x->m[x->n - 1];
			free(m->name);
			m->name = smig_asprintf(e, "%s/%s.xml", sub, sn->id);
			if (m->name == NULL)
				goto out;
		}
		free(sub);
		sub = NULL;
	}
	if (x->type != SMIG_EXPORT_CONFIG) {
		sub = smig_asprintf(e, "%s/disks", dir);
		if (sub == NULL)
			goto out;
		for (i = 0; i < vm->ndisks; i++) {
			const struct smig_inv_disk *d = &vm->disks[i];
			if (plan_file(x, sub, d->local, d->winpath ? d->winpath : d->local, f->id,
			              c->id, vm->id, "disk", "disk", e) < 0)
				goto out;
		}
		free(sub);
		sub = NULL;
	}
	sub = smig_asprintf(e, "%s/state", dir);
	if (sub == NULL || plan_state(x, sub, vm->state_files, f->id, c->id, vm, "the VM", e) < 0)
		goto out;
	for (i = 0; i < vm->nsnapshots; i++) {
		char *whose = smig_asprintf(e, "snapshot '%s'",
		                            vm->snapshots[i].name ? vm->snapshots[i].name
		                                                  : vm->snapshots[i].id);
		int r = whose ? plan_state(x, sub, vm->snapshots[i].state_files, f->id, c->id, vm,
		                           whose, e)
		              : -1;
		free(whose);
		if (r < 0)
			goto out;
	}
	/* attachments that do not travel: the report makes them manual steps; ISO and VFD files
	 * travel with --include-media (role "media", placed by apply --copy-media) */
	free(sub);
	sub = NULL;
	for (i = 0; i < vm->ndrives; i++) {
		const struct smig_inv_drive *dr = &vm->drives[i];
		const char *kind = dr->kind == SMIG_INV_DRIVE_ISO           ? "iso"
		                   : dr->kind == SMIG_INV_DRIVE_VFD         ? "vfd"
		                   : dr->kind == SMIG_INV_DRIVE_PASSTHROUGH ? "pass-through"
		                                                            : NULL;
		bool media = dr->kind == SMIG_INV_DRIVE_ISO || dr->kind == SMIG_INV_DRIVE_VFD;

		if (media && x->include_media && x->type != SMIG_EXPORT_CONFIG && dr->local &&
		    dr->pathname && dr->pathname[0]) {
			if (!sub && !(sub = smig_asprintf(e, "%s/media", dir)))
				goto out;
			if (plan_file(x, sub, dr->local, dr->pathname, f->id, c->id, vm->id, "media",
			              kind, e) < 0)
				goto out;
			continue;
		}
		if (kind && dr->pathname && dr->pathname[0] &&
		    log_item(x, kind, dr->pathname, NULL, true, e,
		             "VM '%s', %s: recorded, not copied (a manual step on the destination)",
		             vm->name, dr->slot ? dr->slot : "?") < 0)
			goto out;
	}
	for (i = 0; vm->stale_avhds && vm->stale_avhds[i]; i++)
		if (log_item(x, "disk", vm->stale_avhds[i], NULL, true, e,
		             "VM '%s': differencing disk no configuration uses; not migrated",
		             vm->name) < 0)
			goto out;
	rc = log_item(x, "vm", vm->config_winpath, NULL, true, e,
	              "VM '%s' (%s): planned with %zu snapshot%s and %zu disk%s", vm->name, vm->id,
	              vm->nsnapshots, vm->nsnapshots == 1 ? "" : "s", vm->ndisks,
	              vm->ndisks == 1 ? "" : "s");
out:
	free(name);
	free(sub);
	free(dir);
	return rc;
}

int smig_export_plan(struct smig_export *x, struct smig_hostfs *fs,
                     const struct smig_inventory *inv, const struct smig_features *ft,
                     const struct smig_export_opts *o, struct smig_err *e)
{
	const struct smig_feature *vmf = NULL;
	const struct smig_component *vmc = NULL;
	bool *sel = NULL;
	size_t i, k;
	int rc = -1;

	if (x->planned)
		return smig_err_set(e, SMIG_ERR_USAGE, _("an export is planned only once"));
	x->planned = true;
	x->fs = fs;
	x->inv = inv;
	x->type = o->type;
	x->include_saved_state = o->include_saved_state;
	x->include_media = o->include_media;
	if (select_features(x, ft, o, e) < 0)
		goto out;
	for (i = 0; i < ft->count; i++) {
		if (!strv_has(x->features, ft->items[i].id))
			continue;
		for (k = 0; k < ft->items[i].ncomps && vmc == NULL; k++)
			if (strcmp(ft->items[i].comps[k].kind, VM_KIND) == 0) {
				vmf = &ft->items[i];
				vmc = &ft->items[i].comps[k];
			}
	}
	if (o->nvms && vmc == NULL) {
		smig_err_set(e, SMIG_ERR_USAGE,
		             _("--vm selects virtual machines, but no selected feature holds them"));
		goto out;
	}
	sel = calloc(inv->nvms + 1, sizeof(*sel));
	if (sel == NULL) {
		smig_err_nomem(e, _("planning the archive"));
		goto out;
	}
	if (vmc && select_vms(x, o, sel, e) < 0)
		goto out;
	/* --vm alone exports those VMs, not the host: no host-wide component travels and the
	 * selection records only the feature holding the VMs */
	x->vms_only = o->nvms > 0 && o->nfeatures == 0;
	if (x->vms_only) {
		size_t n = 0;

		strv_free(x->features);
		x->features = NULL;
		if (strv_add(&x->features, &n, vmf->id, e) < 0)
			goto out;
	}
	/* an archive never silently misses a VM: a broken one fails unless deselected; one on a
	 * drive the map lacks fails with the drive named, as the inventory says it */
	for (i = 0; vmc && i < inv->nvms; i++) {
		const struct smig_inv_vm *vm = &inv->vms[i];
		if (!sel[i] || vm->error == NULL)
			continue;
		for (k = 0; vm->unmapped_drive && k < inv->nunmapped; k++)
			if (inv->unmapped[k].letter == vm->unmapped_drive) {
				smig_err_set(e, SMIG_ERR_USAGE, "%s", inv->unmapped[k].message);
				goto out;
			}
		smig_err_set(e, SMIG_ERR_FORMAT,
		             _("VM '%s' (%s) cannot be exported: %s (select the other VMs with --vm "
		             "to leave it out)"),
		             vm->name ? vm->name : vm->id, vm->id, vm_cause(inv, vm));
		log_item(x, "vm", vm->config_winpath, NULL, false, e, "%s", e->msg);
		goto out;
	}
	/* a running source (--facts): disks of a VM that is not off or saved are changing */
	for (i = 0; vmc && x->type != SMIG_EXPORT_CONFIG && i < inv->nvms; i++) {
		const struct smig_inv_vm *vm = &inv->vms[i];
		if (!sel[i] || !vm->must_shut_down)
			continue;
		smig_err_set(e, SMIG_ERR_FORMAT,
		             _("VM '%s' (%s) cannot be exported: it is %s on the source, so its disks "
		             "are changing; shut it down (or save it), run collect.cmd again and "
		             "use the new facts folder (select the other VMs with --vm to leave it "
		             "out)"),
		             vm->name ? vm->name : vm->id, vm->id,
		             vm->power_state && strcmp(vm->power_state, "not listed") != 0
		                 ? vm->power_state
		                 : _("not in the collector's list"));
		log_item(x, "vm", vm->config_winpath, NULL, false, e, "%s", e->msg);
		goto out;
	}
	for (i = 0; i < ft->count; i++) {
		const struct smig_feature *f = &ft->items[i];
		if (!strv_has(x->features, f->id) || x->type == SMIG_EXPORT_STORAGE)
			continue;
		for (k = 0; k < f->ncomps; k++) {
			const struct smig_component *c = &f->comps[k];
			if (x->vms_only && c != vmc)
				continue;
			if (c->nregs && plan_registry(x, f, c, e) < 0)
				goto out;
			if (c->nfiles && plan_files(x, f, c, e) < 0)
				goto out;
		}
	}
	for (i = 0; vmc && i < inv->nvms; i++)
		if (sel[i] && plan_vm(x, vmf, vmc, &inv->vms[i], e) < 0)
			goto out;
	rc = 0;
out:
	free(sel);
	return rc;
}

/* ---- writing ---- */

static void on_progress(void *ctx, const struct smig_archive_progress *p)
{
	struct smig_export *x = ctx;

	if (x->fn)
		x->fn(x->ctx, p->bytes_done, x->write_total, p->member);
}

static int build_descriptor(const struct smig_export *x, const char *id, const char *created,
                            char **out, size_t *len, struct smig_err *e)
{
	struct smig_descriptor d = {0};
	struct smig_desc_member *dm = NULL;
	size_t i;
	int rc;

	dm = calloc(x->n + 1, sizeof(*dm));
	if (dm == NULL)
		return smig_err_nomem(e, _("writing the descriptor"));
	for (i = 0; i < x->n; i++) {
		const struct member *m = &x->m[i];
		/* the descriptor only reads these strings; its writer takes const */
		dm[i].name = m->name;
		dm[i].winpath = m->winpath;
		dm[i].feature = (char *)m->feature;
		dm[i].component = (char *)m->component;
		dm[i].vm_id = (char *)m->vm_id;
		dm[i].role = (char *)m->role;
		dm[i].size = m->size;
	}
	d.format = SMIG_DESCRIPTOR_FORMAT;
	d.archive_id = (char *)id;
	d.created = (char *)created;
	d.smig_version = (char *)SMIG_VERSION;
	d.features = x->features;
	d.vms = x->vms;
	d.type = (char *)smig_export_type_name(x->type);
	d.scope = (char *)(x->vms_only ? "vms" : "host");
	d.include_saved_state = x->include_saved_state;
	d.inv = (struct smig_inventory *)x->inv;
	d.members = dm;
	d.nmembers = x->n;
	rc = smig_descriptor_write(&d, out, len, e);
	free(dm);
	return rc;
}

void smig_export_set_encryption(struct smig_export *x, const struct smig_age_keys *enc)
{
	x->enc = enc;
}

static const char *keyname_or_default(const char *k)
{
	return k && *k ? k : "smig";
}

/* The bytes of the checksum list and its signature, before any digest is known: their lengths
 * do not depend on the digests, so a list of the same names with zero digests, signed, has
 * them. */
static int signed_tail(const struct smig_export *x, const struct smig_seckey *sec,
                       const char *keyname, size_t *tail, struct smig_err *e)
{
	struct smig_sumentry *sums = calloc(x->n + 1, sizeof(*sums));
	char *list = NULL, *sig = NULL;
	size_t listlen = 0, siglen = 0, i;
	int rc = -1;

	if (sums == NULL)
		return smig_err_nomem(e, _("writing the archive"));
	sums[0].name = DESCRIPTOR_NAME;
	for (i = 0; i < x->n; i++)
		sums[i + 1].name = x->m[i].name;
	list = smig_sumlist_build(sums, x->n + 1, &listlen, e);
	if (list == NULL ||
	    smig_sign_embedded(sec, keyname_or_default(keyname), list, listlen, &sig, &siglen, e) <
	        0)
		goto out;
	*tail = listlen + siglen;
	rc = 0;
out:
	free(sums);
	free(list);
	free(sig);
	return rc;
}

int smig_export_write(struct smig_export *x, const char *path, enum smig_compress c, int threads,
                      bool force, const struct smig_seckey *sec, const char *keyname,
                      smig_export_progress_fn fn, void *ctx, size_t *members, struct smig_err *e)
{
	struct smig_archive_writer *w = NULL;
	struct smig_sumentry *sums = NULL;
	char id[37], created[32], *desc = NULL, *list = NULL, *sig = NULL;
	size_t desclen = 0, listlen = 0, siglen = 0, tail = 0, i, ns = 0;
	int64_t now = (int64_t)time(NULL);
	int rc = -1;

	if (!x->planned)
		return smig_err_set(e, SMIG_ERR_USAGE, _("the export was not planned"));
	if (smig_uuid4(id, e) < 0)
		return -1;
	smig_unix_to_iso8601(now, created, sizeof(created));
	if (build_descriptor(x, id, created, &desc, &desclen, e) < 0) {
		log_item(x, "descriptor", NULL, DESCRIPTOR_NAME, false, e, "%s", e->msg);
		goto out;
	}
	sums = calloc(x->n + 1, sizeof(*sums));
	if (sums == NULL) {
		smig_err_nomem(e, _("writing the archive"));
		goto out;
	}
	x->fn = fn;
	x->ctx = ctx;
	/* everything the writer counts: descriptor, payload, checksum list and signature */
	if (signed_tail(x, sec, keyname, &tail, e) < 0) {
		log_item(x, "signature", NULL, SMIG_ARCHIVE_SIG, false, e, "%s", e->msg);
		goto out;
	}
	x->write_total = x->total + desclen + tail;
	if (smig_archive_writer_open_enc(path, c, threads, force, x->enc, &w, e) < 0) {
		log_item(x, "archive", NULL, path, false, e, "%s", e->msg);
		goto out;
	}
	smig_archive_writer_set_progress(w, on_progress, x);
	sums[ns].name = DESCRIPTOR_NAME;
	if (smig_archive_add_buffer(w, DESCRIPTOR_NAME, desc, desclen, now, sums[ns].sha256, e) <
	    0) {
		log_item(x, "descriptor", NULL, DESCRIPTOR_NAME, false, e, "%s", e->msg);
		goto out;
	}
	ns++;
	if (log_item(x, "descriptor", NULL, DESCRIPTOR_NAME, true, e, "archive %s, %zu bytes", id,
	             desclen) < 0)
		goto out;
	for (i = 0; i < x->n; i++) {
		const struct member *m = &x->m[i];
		uint64_t size = m->len;
		int r;

		sums[ns].name = m->name;
		if (m->local)
			r = smig_archive_add_file(w, m->name, m->local, m->winpath, sums[ns].sha256,
			                          &size, e);
		else
			r = smig_archive_add_buffer(w, m->name, m->buf, m->len, m->mtime,
			                            sums[ns].sha256, e);
		if (r == 0 && size != m->size)
			r = smig_err_set(
			    e, SMIG_ERR_IO,
			    _("'%s' changed size while exporting (%llu bytes planned, %llu read)"),
			    m->winpath, (unsigned long long)m->size, (unsigned long long)size);
		if (r < 0) {
			log_item(x, m->what, m->winpath, m->name, false, e, "%s", e->msg);
			goto out;
		}
		ns++;
		if (log_item(x, m->what, m->winpath, m->name, true, e, "%llu bytes",
		             (unsigned long long)size) < 0)
			goto out;
	}
	list = smig_sumlist_build(sums, ns, &listlen, e);
	if (list == NULL ||
	    smig_sign_embedded(sec, keyname_or_default(keyname), list, listlen, &sig, &siglen, e) <
	        0) {
		log_item(x, "signature", NULL, SMIG_ARCHIVE_SIG, false, e, "%s", e->msg);
		goto out;
	}
	/* planned from the same names, so the same lengths; should they differ, the total
	 * follows, so that done never passes it */
	x->write_total = x->total + desclen + listlen + siglen;
	if (smig_archive_add_buffer(w, SMIG_ARCHIVE_SUMS, list, listlen, now, NULL, e) < 0 ||
	    smig_archive_add_buffer(w, SMIG_ARCHIVE_SIG, sig, siglen, now, NULL, e) < 0) {
		log_item(x, "signature", NULL, SMIG_ARCHIVE_SIG, false, e, "%s", e->msg);
		goto out;
	}
	rc = smig_archive_writer_finish(w, e);
	w = NULL;
	log_item(x, "signature", NULL, SMIG_ARCHIVE_SIG, rc == 0, e, "%s",
	         rc == 0 ? "checksum list of every member signed" : e->msg);
	if (rc == 0 && members)
		*members = ns + 2;
out:
	smig_archive_writer_abort(w);
	free(sums);
	free(desc);
	free(list);
	free(sig);
	return rc;
}
