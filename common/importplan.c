/*
 * importplan.c - the import options and the plan: where every archived item goes on the
 * destination and what apply will change (importplan.h). Nothing here writes.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "importplan.h"
#include "priorapply.h"
#include "fileio.h"
#include "regmap.h"
#include "scan.h"
#include "i18n.h"
#include "report.h"
#include "sign.h"

/* Hyper-V's own defaults on Windows Server 2012 (docs/formats.md A41): a destination that still
 * holds them has not been configured, so the source's settings replace them. */
#define DEFAULT_DATA_ROOT SMIG_HYPERV_DATA_ROOT_WIN
#define DEFAULT_VHD_PATH "C:\\Users\\Public\\Documents\\Hyper-V\\Virtual Hard Disks"

/* ---- options ---- */

const char *smig_ipconfig_mode_name(enum smig_ipconfig_mode m)
{
	switch (m) {
	case SMIG_IPMODE_NIC: return "nic";
	case SMIG_IPMODE_GLOBAL: return "global";
	case SMIG_IPMODE_ALL: return "all";
	default: return "none";
	}
}

/* Canonical drive-absolute form of a --map-path side, without a trailing separator. */
static char *canon_drive_path(const char *opt, const char *s, struct smig_err *e)
{
	struct smig_winpath wp = {0};
	struct smig_err e2 = {0};
	char *out = NULL;

	if (smig_winpath_parse(s, &wp, &e2) < 0 || wp.kind != SMIG_WINPATH_DRIVE) {
		smig_err_set(e, SMIG_ERR_USAGE, _("%s '%s': not a drive-absolute Windows path "
			     "(like D:\\VMs)"), opt, s);
		goto out;
	}
	out = smig_winpath_format(&wp, e);
	if (out) {
		size_t n = strlen(out);

		if (n > 3 && out[n - 1] == '\\')
			out[n - 1] = '\0';
	}
out:
	smig_winpath_release(&wp);
	return out;
}

static int split_pair(const char *opt, const char *arg, char **a, char **b, struct smig_err *e)
{
	const char *eq = strchr(arg, '=');

	if (!eq || eq == arg || !eq[1])
		return smig_err_set(e, SMIG_ERR_USAGE, _("%s '%s': expected FROM=TO"), opt, arg);
	*a = smig_strndup(arg, (size_t)(eq - arg), e);
	*b = *a ? smig_strdup(eq + 1, e) : NULL;
	if (!*b) {
		free(*a);
		*a = NULL;
		return -1;
	}
	return 0;
}

static int add_map_path(struct smig_import_opts *o, const char *arg, struct smig_err *e)
{
	char *a = NULL, *b = NULL, *ca = NULL, *cb = NULL;
	struct smig_pathmap *m;
	int rc = -1;

	if (split_pair("--map-path", arg, &a, &b, e) < 0)
		return -1;
	ca = canon_drive_path("--map-path", a, e);
	cb = ca ? canon_drive_path("--map-path", b, e) : NULL;
	if (!cb)
		goto out;
	for (size_t i = 0; i < o->npaths; i++)
		if (smig_streq_ci(o->paths[i].from, ca)) {
			smig_err_set(e, SMIG_ERR_USAGE, _("--map-path '%s' is given twice"), ca);
			goto out;
		}
	m = smig_vec_add(&o->paths, &o->npaths, sizeof(*m), e);
	if (!m)
		goto out;
	m->from = ca;
	m->to = cb;
	ca = cb = NULL;
	rc = 0;
out:
	free(a);
	free(b);
	free(ca);
	free(cb);
	return rc;
}

static int add_bind(struct smig_import_opts *o, const char *arg, struct smig_err *e)
{
	struct smig_switchbind *b;
	char *name = NULL, *nic = NULL;

	if (split_pair("--bind-switch", arg, &name, &nic, e) < 0)
		return -1;
	for (size_t i = 0; i < o->nbinds; i++)
		if (smig_streq_ci(o->binds[i].name, name)) {
			smig_err_set(e, SMIG_ERR_USAGE, _("--bind-switch: network '%s' is given twice"),
				     name);
			goto fail;
		}
	b = smig_vec_add(&o->binds, &o->nbinds, sizeof(*b), e);
	if (!b)
		goto fail;
	b->name = name;
	b->nic = nic;
	return 0;
fail:
	free(name);
	free(nic);
	return -1;
}

static int add_map_mac(struct smig_import_opts *o, const char *arg, struct smig_err *e)
{
	char *a = NULL, *b = NULL;
	struct smig_macmap m, *slot;
	int rc = -1;

	if (split_pair("--map-mac", arg, &a, &b, e) < 0)
		return -1;
	if (!smig_mac_parse(a, &m.src) || !smig_mac_parse(b, &m.dst)) {
		smig_err_set(e, SMIG_ERR_USAGE, _("--map-mac '%s': expected two MAC addresses like "
			     "00-15-5D-0A-00-10=A0-36-9F-12-34-56"), arg);
		goto out;
	}
	for (size_t i = 0; i < o->nmacs; i++)
		if (!smig_mac_cmp(&o->macs[i].src, &m.src) ||
		    !smig_mac_cmp(&o->macs[i].dst, &m.dst)) {
			smig_err_set(e, SMIG_ERR_USAGE, _("--map-mac '%s': an address is already "
				     "mapped"), arg);
			goto out;
		}
	slot = smig_vec_add(&o->macs, &o->nmacs, sizeof(*slot), e);
	if (!slot)
		goto out;
	*slot = m;
	rc = 0;
out:
	free(a);
	free(b);
	return rc;
}

int smig_import_opts_add(struct smig_import_opts *o, int id, const char *arg, struct smig_err *e)
{
	switch (id) {
	case SMIG_OPT_MAP_PATH:
		return add_map_path(o, arg, e);
	case SMIG_OPT_BIND_SWITCH:
		return add_bind(o, arg, e);
	case SMIG_OPT_MAP_MAC:
		return add_map_mac(o, arg, e);
	case SMIG_OPT_IPCONFIG_MODE:
		if (!strcmp(arg, "nic"))
			o->ipmode = SMIG_IPMODE_NIC;
		else if (!strcmp(arg, "global"))
			/* WSMT's global settings (the DNS suffix search list) are not in the
			 * archive's model: refused rather than accepted and silently skipped */
			return smig_err_set(e, SMIG_ERR_USAGE, _("--ipconfig-mode global: the host-wide "
					    "TCP/IP settings (DNS suffix search list) are not carried "
					    "in the archive; use nic (per-adapter settings)"));
		else if (!strcmp(arg, "all"))
			o->ipmode = SMIG_IPMODE_ALL;
		else
			return smig_err_set(e, SMIG_ERR_USAGE, _("--ipconfig-mode '%s': expected nic "
					    "or all"), arg);
		return 0;
	case SMIG_OPT_FEATURE:
		return smig_strv_push(&o->features, arg, e);
	case SMIG_OPT_VM:
		return smig_strv_push(&o->vms, arg, e);
	case SMIG_OPT_NEW_ID:
		o->new_id = true;
		return 0;
	case SMIG_OPT_DISCARD_SAVED_STATE:
		o->discard_saved_state = true;
		return 0;
	case SMIG_OPT_SET_CPU_COMPAT:
		o->set_cpu_compat = true;
		return 0;
	case SMIG_OPT_FORCE:
		o->force = true;
		return 0;
	case SMIG_OPT_WHAT_IF:
		o->what_if = true;
		return 0;
	case SMIG_OPT_COPY_MEDIA:
		o->copy_media = true;
		return 0;
	default:
		return smig_err_set(e, SMIG_ERR_USAGE, _("unknown import option %d"), id);
	}
}

int smig_import_opts_check(const struct smig_import_opts *o, struct smig_err *e)
{
	if (o->nmacs && o->ipmode != SMIG_IPMODE_NIC && o->ipmode != SMIG_IPMODE_ALL)
		return smig_err_set(e, SMIG_ERR_USAGE, _("--map-mac needs --ipconfig-mode nic or all"));
	return 0;
}

void smig_import_opts_release(struct smig_import_opts *o)
{
	size_t i;

	for (i = 0; i < o->npaths; i++) {
		free(o->paths[i].from);
		free(o->paths[i].to);
	}
	for (i = 0; i < o->nbinds; i++) {
		free(o->binds[i].name);
		free(o->binds[i].nic);
	}
	free(o->paths);
	free(o->binds);
	free(o->macs);
	smig_strv_free(o->features);
	smig_strv_free(o->vms);
	memset(o, 0, sizeof(*o));
}

static int push_opt(char ***v, const char *name, const char *value, struct smig_err *e)
{
	char *s = value ? smig_asprintf(e, "%s=%s", name, value) : smig_strdup(name, e);
	int rc;

	if (!s)
		return -1;
	rc = smig_strv_push(v, s, e);
	free(s);
	return rc;
}

char **smig_import_opts_argv(const struct smig_import_opts *o, struct smig_err *e)
{
	char **v = NULL, *pair = NULL;
	char a[18], b[18];
	size_t i;

	/* an empty vector is still a vector */
	if (smig_strv_push(&v, "", e) < 0)
		return NULL;
	free(v[0]);
	v[0] = NULL;
	for (i = 0; i < o->npaths; i++) {
		pair = smig_asprintf(e, "%s=%s", o->paths[i].from, o->paths[i].to);
		if (!pair || push_opt(&v, "--map-path", pair, e) < 0)
			goto fail;
		free(pair);
	}
	for (i = 0; i < o->nbinds; i++) {
		pair = smig_asprintf(e, "%s=%s", o->binds[i].name, o->binds[i].nic);
		if (!pair || push_opt(&v, "--bind-switch", pair, e) < 0)
			goto fail;
		free(pair);
	}
	for (i = 0; i < o->nmacs; i++) {
		smig_mac_format(&o->macs[i].src, a);
		smig_mac_format(&o->macs[i].dst, b);
		pair = smig_asprintf(e, "%s=%s", a, b);
		if (!pair || push_opt(&v, "--map-mac", pair, e) < 0)
			goto fail;
		free(pair);
	}
	pair = NULL;
	if (o->ipmode != SMIG_IPMODE_NONE &&
	    push_opt(&v, "--ipconfig-mode", smig_ipconfig_mode_name(o->ipmode), e) < 0)
		goto fail;
	for (i = 0; o->features && o->features[i]; i++)
		if (push_opt(&v, "--feature", o->features[i], e) < 0)
			goto fail;
	for (i = 0; o->vms && o->vms[i]; i++)
		if (push_opt(&v, "--vm", o->vms[i], e) < 0)
			goto fail;
	if ((o->new_id && push_opt(&v, "--new-id", NULL, e) < 0) ||
	    (o->discard_saved_state && push_opt(&v, "--discard-saved-state", NULL, e) < 0) ||
	    (o->set_cpu_compat && push_opt(&v, "--set-processor-compatibility", NULL, e) < 0) ||
	    (o->force && push_opt(&v, "--force", NULL, e) < 0) ||
	    (o->copy_media && push_opt(&v, "--copy-media", NULL, e) < 0))
		goto fail;
	return v;
fail:
	free(pair);
	smig_strv_free(v);
	return NULL;
}

int smig_import_opts_from_argv(struct smig_import_opts *o, char *const *argv,
			       struct smig_err *e)
{
	static const struct {
		const char *name;
		int id;
	} names[] = {
		{"--map-path", SMIG_OPT_MAP_PATH},
		{"--bind-switch", SMIG_OPT_BIND_SWITCH},
		{"--ipconfig-mode", SMIG_OPT_IPCONFIG_MODE},
		{"--map-mac", SMIG_OPT_MAP_MAC},
		{"--feature", SMIG_OPT_FEATURE},
		{"--vm", SMIG_OPT_VM},
		{"--new-id", SMIG_OPT_NEW_ID},
		{"--discard-saved-state", SMIG_OPT_DISCARD_SAVED_STATE},
		{"--set-processor-compatibility", SMIG_OPT_SET_CPU_COMPAT},
		{"--force", SMIG_OPT_FORCE},
		{"--copy-media", SMIG_OPT_COPY_MEDIA},
	};

	for (size_t i = 0; argv && argv[i]; i++) {
		const char *eq = strchr(argv[i], '=');
		size_t nl = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]), k;

		for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
			if (strlen(names[k].name) == nl && !strncmp(names[k].name, argv[i], nl))
				break;
		if (k == sizeof(names) / sizeof(names[0]))
			return smig_err_set(e, SMIG_ERR_FORMAT, _("unknown import option '%s'"),
					    argv[i]);
		if (smig_import_opts_add(o, names[k].id, eq ? eq + 1 : NULL, e) < 0)
			return -1;
	}
	return 0;
}

int smig_map_winpath(const struct smig_import_opts *o, const char *winpath, char **out,
		     struct smig_err *e)
{
	const struct smig_pathmap *best = NULL;
	size_t bestlen = 0, i;

	*out = NULL;
	for (i = 0; o && i < o->npaths; i++) {
		size_t n = strlen(o->paths[i].from);

		if (n <= bestlen || !smig_startswith_ci(winpath, o->paths[i].from))
			continue;
		/* at a component boundary; "D:\" (n == 3) already ends with one */
		if (winpath[n] != '\0' && winpath[n] != '\\' && o->paths[i].from[n - 1] != '\\')
			continue;
		best = &o->paths[i];
		bestlen = n;
	}
	if (!best)
		return 0;
	{
		const char *rest = winpath + bestlen;
		size_t tl = strlen(best->to);
		const char *sep = "";

		if (*rest == '\\')
			rest++;
		if (*rest && best->to[tl - 1] != '\\')
			sep = "\\";
		*out = smig_asprintf(e, "%s%s%s", best->to, sep, rest);
	}
	return *out ? 1 : -1;
}

/* ---- path helpers ---- */

/* The last component of a Windows path. */
static const char *win_base(const char *p)
{
	const char *s = strrchr(p, '\\');

	return s ? s + 1 : p;
}

/* "<dir>\<name>" */
static char *win_join(const char *dir, const char *name, struct smig_err *e)
{
	size_t n = strlen(dir);

	return smig_asprintf(e, "%s%s%s", dir, n && dir[n - 1] == '\\' ? "" : "\\", name);
}

/* The folder of a Windows path (malloc'd), "D:\" for a file at a drive root. */
static char *win_dir(const char *p, struct smig_err *e)
{
	const char *s = strrchr(p, '\\');

	if (!s)
		return smig_strdup("", e);
	if (s - p == 2 && p[1] == ':')
		return smig_strndup(p, 3, e);
	return smig_strndup(p, (size_t)(s - p), e);
}

static bool drive_exists(const struct smig_hostfs *fs, const char *winpath)
{
	return winpath && winpath[0] && winpath[1] == ':' &&
	       smig_hostfs_drive_dir(fs, winpath[0]) != NULL;
}

/*
 * The local path a destination Windows path will have: existing components are matched
 * case-insensitively (reusing their spelling), missing ones are taken as written. 1 = the
 * drive is not mapped (*local NULL).
 */
static int dest_local(const struct smig_hostfs *fs, const char *winpath, char **local,
		      struct smig_err *e)
{
	struct smig_winpath wp = {0};
	const char *root;
	char *cur = NULL;
	bool exists = true;
	int rc = -1;

	*local = NULL;
	if (smig_winpath_parse(winpath, &wp, e) < 0)
		return -1;
	if (wp.kind != SMIG_WINPATH_DRIVE) {
		smig_err_set(e, SMIG_ERR_FORMAT, _("'%s': not a drive-absolute path"), winpath);
		goto out;
	}
	root = smig_hostfs_drive_dir(fs, wp.drive);
	if (!root) {
		rc = 1;
		goto out;
	}
	cur = smig_strdup(root, e);
	for (size_t i = 0; cur && i < wp.nparts; i++) {
		char *next = NULL;

		if (exists) {
			int r = smig_ci_lookup(cur, wp.parts[i], &next, e);

			if (r < 0)
				goto out;
			if (r == 1)
				exists = false;
		}
		if (!next)
			next = smig_path_join(cur, wp.parts[i], e);
		free(cur);
		cur = next;
	}
	if (!cur)
		goto out;
	*local = cur;
	cur = NULL;
	rc = 0;
out:
	free(cur);
	smig_winpath_release(&wp);
	return rc;
}

/* ---- plan building ---- */

struct build {
	struct smig_plan *p;
	struct smig_err *e;
	char **targets; /* destination Windows paths claimed so far (collision check) */
};

static int item(struct build *b, const char *id, enum smig_severity sev, const char *subject,
		const char *action, const char *fmt, ...) SMIG_PRINTF(6, 7);
static int item(struct build *b, const char *id, enum smig_severity sev, const char *subject,
		const char *action, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = smig_problems_vadd(&b->p->items, id, sev, subject, action, NULL, b->e, fmt, ap);
	va_end(ap);
	return rc;
}

static const struct smig_desc_member *find_member(const struct smig_descriptor *d,
						  const char *role, const char *vm_id,
						  const char *winpath)
{
	for (size_t i = 0; i < d->nmembers; i++) {
		const struct smig_desc_member *m = &d->members[i];

		if (strcmp(m->role, role) || !m->winpath)
			continue;
		if (vm_id && (!m->vm_id || !smig_guid_str_equal(m->vm_id, vm_id)))
			continue;
		if (!winpath || smig_streq_ci(m->winpath, winpath))
			return m;
	}
	return NULL;
}

static bool feature_selected(const struct smig_plan *p, const char *feature)
{
	const struct smig_descriptor *d = p->desc;
	bool in_archive = false;

	for (size_t i = 0; i < d->nmembers && !in_archive; i++)
		in_archive = !strcmp(d->members[i].feature, feature);
	if (!in_archive)
		return false;
	if (!p->opts->features)
		return true;
	for (size_t i = 0; p->opts->features[i]; i++)
		if (smig_streq_ci(p->opts->features[i], feature))
			return true;
	return false;
}

/*
 * Where a host-setting path goes: --map-path; the same path when its drive exists on the
 * destination; otherwise NULL (the destination's own value is kept). Returns -1 on error.
 */
static int map_setting(struct build *b, const char *src, char **out)
{
	int r;

	*out = NULL;
	if (!src)
		return 0;
	r = smig_map_winpath(b->p->opts, src, out, b->e);
	if (r != 0 || !drive_exists(b->p->dfs, src))
		return r < 0 ? -1 : 0;
	*out = smig_strdup(src, b->e);
	return *out ? 0 : -1;
}

static int plan_host_settings(struct build *b)
{
	struct smig_plan *p = b->p;
	struct smig_inv_hostsettings pending = p->dst->host;
	const struct smig_inv_hostsettings *s = &p->src->host, *d = &pending;
	char *root = NULL, *vhd = NULL;
	bool force = p->opts->force;
	int rc = -1;

	/* what an earlier apply's migrate.ps1 sets is the destination's value from then on, a
	 * value someone chose (several sources onto one destination, priorapply.h) */
	if (p->dst->pending_data_root)
		pending.data_root = p->dst->pending_data_root;
	if (p->dst->pending_vhd_path)
		pending.vhd_path = p->dst->pending_vhd_path;
	if (p->dst->pending_mac_range) {
		pending.mac_min = p->dst->pending_mac_min;
		pending.mac_max = p->dst->pending_mac_max;
		pending.has_mac_range = true;
		pending.mac_range_default = false;
	}
	if (map_setting(b, s->data_root, &root) < 0 || map_setting(b, s->vhd_path, &vhd) < 0)
		goto out;
	/* a destination value that is absent or still Hyper-V's default has not been chosen
	 * by anyone: the source's replaces it; a chosen one is kept unless --force */
	p->set_data_root = !p->vms_only && root &&
			   (!d->data_root || force || smig_streq_ci(d->data_root, root) ||
			    smig_streq_ci(d->data_root, DEFAULT_DATA_ROOT));
	p->set_vhd_path = !p->vms_only && vhd &&
			  (!d->vhd_path || force || smig_streq_ci(d->vhd_path, vhd) ||
			   smig_streq_ci(d->vhd_path, DEFAULT_VHD_PATH));
	p->data_root = smig_strdup(p->set_data_root ? root : d->data_root ? d->data_root :
				   DEFAULT_DATA_ROOT, b->e);
	p->vhd_path = smig_strdup(p->set_vhd_path ? vhd : d->vhd_path ? d->vhd_path :
				  DEFAULT_VHD_PATH, b->e);
	if (!p->data_root || !p->vhd_path)
		goto out;
	if (!p->vms_only && s->data_root && !root && item(b, "", SMIG_SEV_INFO, "host", _("use --map-path to choose"),
		_("the source's default VM folder '%s' is on a drive the destination does not have; "
		"the destination's '%s' is used"), s->data_root, p->data_root) < 0)
		goto out;
	if (!p->vms_only && s->vhd_path && !vhd && item(b, "", SMIG_SEV_INFO, "host", _("use --map-path to choose"),
		_("the source's default VHD folder '%s' is on a drive the destination does not have; "
		"the destination's '%s' is used"), s->vhd_path, p->vhd_path) < 0)
		goto out;
	if (!p->vms_only &&
	    ((root && !p->set_data_root && d->data_root && !smig_streq_ci(d->data_root, root)) ||
	     (vhd && !p->set_vhd_path && d->vhd_path && !smig_streq_ci(d->vhd_path, vhd))) &&
	    item(b, "", SMIG_SEV_INFO, "host", _("use --force to replace them"),
		 _("the destination's default folders were chosen by its administrator and are kept "
		 "('%s', '%s')"), p->data_root, p->vhd_path) < 0)
		goto out;

	/* a MAC range of the 00-15-5D-xx-yy-00..FF form is derived from the host's address:
	 * moving it would collide with the source; only a chosen range moves */
	p->set_mac_range = !p->vms_only && s->has_mac_range && !s->mac_range_default &&
			   (!d->has_mac_range || d->mac_range_default || force ||
			    (!smig_mac_cmp(&d->mac_min, &s->mac_min) &&
			     !smig_mac_cmp(&d->mac_max, &s->mac_max)));
	p->set_vmq = !p->vms_only && (s->vmq_tengig >= 0 || s->vmq_below_tengig >= 0) &&
		     ((d->vmq_tengig < 0 && d->vmq_below_tengig < 0) || force ||
		      (d->vmq_tengig == s->vmq_tengig && d->vmq_below_tengig == s->vmq_below_tengig));
	rc = 0;
out:
	free(root);
	free(vhd);
	return rc;
}

static int plan_store(struct build *b)
{
	struct smig_plan *p = b->p;
	const struct smig_inv_azman *az = &p->src->azman;
	const struct smig_desc_member *m;
	char *win = NULL;
	int r;

	if (p->vms_only || !az->present || az->ad_store || !az->path)
		return 0;
	m = find_member(p->desc, "file", NULL, az->path);
	if (!m)
		return 0;
	r = smig_map_winpath(p->opts, az->path, &win, b->e);
	if (r < 0)
		return -1;
	if (r == 0) {
		if (!drive_exists(p->dfs, az->path))
			return item(b, "SMIG1011", SMIG_SEV_BLOCKER, "azman",
				    _("map it with --map-path"), _("the authorization store '%s' is on a "
				    "drive the destination does not have"), az->path);
		win = smig_strdup(az->path, b->e);
		if (!win)
			return -1;
	}
	/* a customised destination store is someone's work: kept unless --force */
	if (p->dst->azman.present && p->dst->azman.customised && !p->opts->force) {
		free(win);
		p->kept_store_member = m->name;
		return item(b, "", SMIG_SEV_INFO, "azman", _("use --force to replace it"),
			    _("the destination's authorization store is customised and is kept"));
	}
	p->store_copy = true;
	p->store_member = m->name;
	p->store_winpath = win;
	if (dest_local(p->dfs, win, &p->store_local, b->e) != 0)
		return -1;
	{
		char *want = smig_asprintf(b->e, "%s%s", SMIG_STORE_FILE_PREFIX, win);

		if (!want)
			return -1;
		p->set_store_location = !p->dst->host.store_location ||
					!smig_streq_ci(p->dst->host.store_location, want);
		free(want);
	}
	return 0;
}

static const struct smig_inv_nic *find_dst_adapter(const struct smig_inventory *dst,
						   const char *what)
{
	struct smig_mac mac;
	bool is_mac = smig_mac_parse(what, &mac);

	for (size_t i = 0; i < dst->nnics; i++) {
		const struct smig_inv_nic *n = &dst->nics[i];

		if (!n->physical || n->host_vnic)
			continue;
		if ((n->connection_name && smig_streq_ci(n->connection_name, what)) ||
		    (n->description && smig_streq_ci(n->description, what)) ||
		    (n->guid && smig_guid_str_equal(n->guid, what)) ||
		    (is_mac && n->has_mac && !smig_mac_cmp(&n->mac, &mac)))
			return n;
	}
	return NULL;
}

static int adapters_list(const struct smig_inventory *inv, char **out, struct smig_err *e)
{
	char *s = smig_strdup("", e), *t;

	for (size_t i = 0; s && i < inv->nnics; i++) {
		const struct smig_inv_nic *n = &inv->nics[i];
		char mac[18] = "";

		if (!n->physical || n->host_vnic)
			continue;
		if (n->has_mac)
			smig_mac_format(&n->mac, mac);
		t = smig_asprintf(e, "%s%s'%s' %s", s, *s ? ", " : "",
				  n->connection_name ? n->connection_name : n->guid, mac);
		free(s);
		s = t;
	}
	*out = s;
	return s ? 0 : -1;
}

/* A port GUID for a new management-OS adapter that has none: derived, so plans repeat. */
static int derived_guid(const char *seed1, const char *seed2, char *out, struct smig_err *e)
{
	struct smig_sha256 h = {NULL};
	uint8_t md[32];
	struct smig_guid g;

	if (smig_sha256_init(&h, e) < 0)
		return -1;
	smig_sha256_update(&h, seed1, strlen(seed1));
	smig_sha256_update(&h, ":", 1);
	smig_sha256_update(&h, seed2, strlen(seed2));
	smig_sha256_final(&h, md);
	memcpy(g.b, md, 16);
	g.b[6] = (uint8_t)((g.b[6] & 0x0f) | 0x40); /* version 4 layout, variant 1 */
	g.b[8] = (uint8_t)((g.b[8] & 0x3f) | 0x80);
	smig_guid_format(&g, SMIG_GUID_UPPER, out);
	return 0;
}

/* --vm VALUE names this VM: its GUID, or its name ignoring case (as export compares). */
static bool vm_named(const struct smig_inv_vm *vm, const char *value)
{
	return (vm->id && smig_guid_str_equal(vm->id, value)) ||
	       (vm->name && smig_streq_ci(vm->name, value));
}

static bool vm_chosen(const struct smig_plan *p, const struct smig_inv_vm *vm)
{
	if (!p->opts->vms)
		return true;
	for (size_t i = 0; p->opts->vms[i]; i++)
		if (vm_named(vm, p->opts->vms[i]))
			return true;
	return false;
}

/* The archive carries this VM: its configuration (type all|config) or a disk (storage). */
static bool vm_carried(const struct smig_plan *p, const struct smig_inv_vm *vm)
{
	return vm->id && find_member(p->desc, !p->storage_only ? "config" : "disk", vm->id, NULL);
}

/* A network the import recreates: every one for a host-wide import; else those a VM the
 * import registers is connected to (by GUID, or by name as migrate.ps1 connects them). */
static bool switch_wanted(const struct smig_plan *p, const struct smig_inv_switch *s)
{
	if (!p->vms_only)
		return true;
	if (p->storage_only || !p->hyperv)
		return false;
	for (size_t i = 0; i < p->src->nvms; i++) {
		const struct smig_inv_vm *vm = &p->src->vms[i];

		if (!vm_chosen(p, vm) || !vm_carried(p, vm))
			continue;
		for (size_t k = 0; k < vm->nnics; k++) {
			const struct smig_inv_nicvm *n = &vm->nics[k];

			if ((n->switch_guid && s->guid && smig_guid_str_equal(n->switch_guid, s->guid)) ||
			    (n->switch_name && s->name && smig_streq_ci(n->switch_name, s->name)))
				return true;
		}
	}
	return false;
}

static int plan_switches(struct build *b)
{
	struct smig_plan *p = b->p;
	size_t i, j;

	for (i = 0; i < p->opts->nbinds; i++) {
		const struct smig_switchbind *bind = &p->opts->binds[i];
		bool found = false;

		for (j = 0; j < p->src->nswitches && !found; j++)
			found = p->src->switches[j].name &&
				smig_streq_ci(p->src->switches[j].name, bind->name);
		if (!found)
			return smig_err_set(b->e, SMIG_ERR_USAGE, _("--bind-switch '%s=%s': the "
					    "archive has no virtual network '%s'"), bind->name,
					    bind->nic, bind->name);
	}
	p->switches = calloc(p->src->nswitches ? p->src->nswitches : 1, sizeof(*p->switches));
	if (!p->switches)
		return smig_err_set(b->e, SMIG_ERR_NOMEM, _("out of memory"));
	for (i = 0; i < p->src->nswitches; i++) {
		const struct smig_inv_switch *s = &p->src->switches[i];
		struct smig_plan_switch *ps;
		const struct smig_switchbind *bind = NULL;

		if (!switch_wanted(p, s))
			continue;
		ps = &p->switches[p->nswitches++];
		ps->src = s;
		ps->type = s->type;
		for (j = 0; j < p->dst->nswitches; j++)
			if (p->dst->switches[j].name && s->name &&
			    smig_streq_ci(p->dst->switches[j].name, s->name)) {
				const struct smig_inv_switch *ds = &p->dst->switches[j];
				bool compatible = ds->type == s->type ||
						  (s->type == SMIG_SWITCH_EXTERNAL &&
						   ds->type == SMIG_SWITCH_INTERNAL);

				/* a private network must not become one the host can reach, nor an
				 * internal one a private one: the VMs would be on another network
				 * than on the source (issue 8 review) */
				if (!compatible) {
					char *sub = smig_asprintf(b->e, "switch:%s", s->name);
					int r = !sub ? -1 : ds->placed_by ?
						item(b, "SMIG1012", SMIG_SEV_BLOCKER, sub,
						     _("rename the network on one of the sources and "
						     "export it again"),
						     _("the apply of archive %s from %s already "
						     "recreates a virtual network named '%s' as %s, "
						     "where this source's is %s"),
						     ds->placed_by->archive_id,
						     ds->placed_by->source, s->name,
						     smig_switch_type_label(ds->type),
						     smig_switch_type_label(s->type)) :
						item(b, "SMIG1012", SMIG_SEV_BLOCKER, sub,
						      _("rename or remove the destination's network, "
						      "or rename the source's before exporting"),
						      _("the destination already has a virtual network "
						      "named '%s', but %s, where the source's is %s"),
						      s->name, smig_switch_type_label(ds->type),
						      smig_switch_type_label(s->type));

					free(sub);
					if (r < 0)
						return -1;
				}
				ps->exists = true;
				ps->guid = smig_strdup(ds->guid, b->e);
				ps->type = ds->type;
				/* already there as internal where the source was external: the
				 * binding is still the admin's to do (SMIG3001) */
				ps->downgraded = s->type == SMIG_SWITCH_EXTERNAL &&
						 ds->type != SMIG_SWITCH_EXTERNAL;
				if (ds->host_vnic && !(ps->host_vnic = smig_strdup(ds->host_vnic, b->e)))
					return -1;
				break;
			}
		if (!ps->guid)
			ps->guid = smig_strdup(s->guid, b->e);
		if (!ps->guid)
			return -1;
		for (j = 0; j < p->opts->nbinds; j++)
			if (s->name && smig_streq_ci(p->opts->binds[j].name, s->name))
				bind = &p->opts->binds[j];
		if (bind && s->type != SMIG_SWITCH_EXTERNAL)
			return smig_err_set(b->e, SMIG_ERR_USAGE,
					    s->type == SMIG_SWITCH_INTERNAL
						    ? _("--bind-switch '%s=%s': '%s' is an internal network, "
							"only external ones are bound")
						    : _("--bind-switch '%s=%s': '%s' is a private network, "
							"only external ones are bound"),
					    bind->name, bind->nic, s->name);
		if (s->host_vnic)
			ps->src_host_vnic = smig_inventory_find_nic(p->src, s->host_vnic);
		if (ps->exists)
			continue;
		if (s->type == SMIG_SWITCH_EXTERNAL) {
			if (bind) {
				ps->bind_nic = find_dst_adapter(p->dst, bind->nic);
				if (!ps->bind_nic) {
					char *list = NULL;

					adapters_list(p->dst, &list, b->e);
					smig_err_set(b->e, SMIG_ERR_USAGE, _("--bind-switch '%s=%s': the "
						     "destination has no physical adapter '%s' "
						     "(it has: %s)"), bind->name, bind->nic,
						     bind->nic, list ? list : "?");
					free(list);
					return -1;
				}
			} else {
				ps->type = SMIG_SWITCH_INTERNAL;
				ps->downgraded = true;
			}
		}
		/* a management-OS adapter: internal networks always have one (that is what
		 * makes them internal); external ones when the source shared its adapter */
		if (ps->type == SMIG_SWITCH_INTERNAL ||
		    (ps->type == SMIG_SWITCH_EXTERNAL && ps->src_host_vnic)) {
			char g[SMIG_GUID_BUFSZ];
			const char *port = NULL;

			if (ps->src_host_vnic) {
				ps->host_vnic = smig_strdup(ps->src_host_vnic->guid, b->e);
			} else {
				if (derived_guid(s->guid, "host-vnic", g, b->e) < 0)
					return -1;
				ps->host_vnic = smig_asprintf(b->e, "{%s}", g);
			}
			for (j = 0; j < s->nports; j++)
				if (s->ports[j].host)
					port = s->ports[j].guid;
			if (!port) {
				if (derived_guid(s->guid, "host-port", g, b->e) < 0)
					return -1;
				port = g;
			}
			ps->host_vnic_port = smig_strdup(port, b->e);
			if (!ps->host_vnic || !ps->host_vnic_port)
				return -1;
		}
	}
	return 0;
}

static int plan_nicmap(struct build *b)
{
	struct smig_plan *p = b->p;

	if (!p->opts->nmacs)
		return 0;
	p->nicmap = calloc(p->opts->nmacs, sizeof(*p->nicmap));
	if (!p->nicmap)
		return smig_err_set(b->e, SMIG_ERR_NOMEM, _("out of memory"));
	for (size_t i = 0; i < p->opts->nmacs; i++) {
		const struct smig_macmap *m = &p->opts->macs[i];
		struct smig_plan_nicmap *nm = &p->nicmap[p->nnicmap];
		char a[18], c[18];
		char *list = NULL;

		smig_mac_format(&m->src, a);
		smig_mac_format(&m->dst, c);
		for (size_t j = 0; j < p->src->nnics && !nm->src; j++)
			if (p->src->nics[j].has_mac && !smig_mac_cmp(&p->src->nics[j].mac, &m->src))
				nm->src = &p->src->nics[j];
		for (size_t j = 0; j < p->dst->nnics && !nm->dst; j++)
			if (p->dst->nics[j].has_mac && !smig_mac_cmp(&p->dst->nics[j].mac, &m->dst))
				nm->dst = &p->dst->nics[j];
		if (!nm->src) {
			adapters_list(p->src, &list, b->e);
			smig_err_set(b->e, SMIG_ERR_USAGE, _("--map-mac %s=%s: the source has no "
				     "adapter with MAC %s (it has: %s)"), a, c, a, list ? list : "?");
			free(list);
			return -1;
		}
		if (!nm->dst) {
			adapters_list(p->dst, &list, b->e);
			smig_err_set(b->e, SMIG_ERR_USAGE, _("--map-mac %s=%s: the destination has no "
				     "adapter with MAC %s (it has: %s)"), a, c, c, list ? list : "?");
			free(list);
			return -1;
		}
		p->nnicmap++;
	}
	return 0;
}

/* Claim a destination path; two planned files on one path is a blocker. */
static int claim(struct build *b, const char *subject, const char *winpath, const char *local)
{
	size_t i;
	struct stat st;

	/* compared as NTFS does: trailing dots and spaces, Unicode case (issue 10 item 5) */
	for (i = 0; b->targets && b->targets[i]; i++)
		if (smig_winpath_ntfs_eq(b->targets[i], winpath))
			return item(b, "SMIG1011", SMIG_SEV_BLOCKER, subject,
				    _("give one of them another folder with --map-path"),
				    _("two files would be placed at '%s'"), winpath);
	if (smig_strv_push(&b->targets, winpath, b->e) < 0)
		return -1;
	/* never replaced, not even with --force: it is someone's data (issue 9 item 3) */
	if (local && lstat(local, &st) == 0) {
		const struct smig_inv_prior *by = smig_prior_find_file(b->p->dst, winpath);

		if (by)
			return item(b, "SMIG1011", SMIG_SEV_BLOCKER, subject,
				    _("choose another folder with --map-path, or leave the VM out "
				    "with --vm"),
				    _("'%s' already exists on the destination: the apply of archive "
				    "%s from %s placed it"), winpath, by->archive_id, by->source);
		return item(b, "SMIG1011", SMIG_SEV_BLOCKER, subject,
			    _("move it away or choose another folder with --map-path"),
			    _("'%s' already exists on the destination"), winpath);
	}
	return 0;
}

/* Account `bytes` placed at `winpath` on its drive (SMIG1004). */
static int account(struct build *b, const char *winpath, uint64_t bytes)
{
	struct smig_plan *p = b->p;
	struct smig_plan_volume *v = NULL;
	char letter = winpath[0];
	struct statvfs vfs;

	for (size_t i = 0; i < p->nvolumes; i++)
		if (p->volumes[i].letter == letter)
			v = &p->volumes[i];
	if (!v) {
		const char *dir = smig_hostfs_drive_dir(p->dfs, letter);

		if (!dir)
			return 0;
		v = smig_vec_add(&p->volumes, &p->nvolumes, sizeof(*v), b->e);
		if (!v)
			return -1;
		v->letter = letter;
		v->local = smig_strdup(dir, b->e);
		if (!v->local)
			return -1;
		if (statvfs(dir, &vfs) == 0)
			v->avail = (uint64_t)vfs.f_bavail * vfs.f_frsize;
		else
			v->avail = UINT64_MAX;
	}
	v->need += bytes;
	return 0;
}

/* The destination of a VM file: local path or a SMIG1011 item when the drive is missing. */
static int place(struct build *b, const char *subject, const char *winpath, uint64_t size,
		 char **local)
{
	int r = dest_local(b->p->dfs, winpath, local, b->e);

	if (r < 0)
		return -1;
	if (r == 1)
		return item(b, "SMIG1011", SMIG_SEV_BLOCKER, subject,
			    _("map the path with --map-path or give the drive with --drive"),
			    _("'%s' would be on drive %c:, which the destination does not have"),
			    winpath, winpath[0]);
	if (claim(b, subject, winpath, *local) < 0)
		return -1;
	return account(b, winpath, size);
}

/* ".\\name.vhd" when both are in one folder, else "..\\dir\\name.vhd" (same drive), or NULL. */
static char *relative_to(const char *child, const char *parent, struct smig_err *e)
{
	struct smig_winpath c = {0}, q = {0};
	struct smig_err e2 = {0};
	char *out = NULL;
	size_t common = 0, i;

	if (smig_winpath_parse(child, &c, &e2) < 0 || smig_winpath_parse(parent, &q, &e2) < 0 ||
	    c.kind != SMIG_WINPATH_DRIVE || q.kind != SMIG_WINPATH_DRIVE || c.drive != q.drive ||
	    !c.nparts || !q.nparts)
		goto out;
	/* folders are parts[0 .. n-2] */
	while (common < c.nparts - 1 && common < q.nparts - 1 &&
	       smig_streq_ci(c.parts[common], q.parts[common]))
		common++;
	out = smig_strdup(common == c.nparts - 1 ? ".\\" : "", e);
	for (i = common; out && i < c.nparts - 1; i++) {
		char *t = smig_asprintf(e, "%s..\\", out);

		free(out);
		out = t;
	}
	for (i = common; out && i < q.nparts; i++) {
		char *t = smig_asprintf(e, "%s%s%s", out, q.parts[i], i + 1 < q.nparts ? "\\" : "");

		free(out);
		out = t;
	}
out:
	smig_winpath_release(&c);
	smig_winpath_release(&q);
	return out;
}

/* SMIG1013: a disk a configuration-only archive expects on the destination is not there. */
static int expect_disk(struct build *b, struct smig_plan_disk *pd, const char *subject)
{
	struct stat st;
	char *sub = smig_asprintf(b->e, "%s/disk:%s", subject, win_base(pd->winpath));
	int r = sub ? dest_local(b->p->dfs, pd->winpath, &pd->local, b->e) : -1;

	pd->expected = true;
	if (r == 0 && stat(pd->local, &st) == 0 && S_ISREG(st.st_mode))
		r = 0;
	else if (r >= 0)
		r = item(b, "SMIG1013", SMIG_SEV_BLOCKER, sub,
			 _("copy the disk there, map its folder with --map-path to where it is, or "
			 "export with --type all"),
			 _("the archive carries configurations only (--type config): the disk '%s' "
			 "must already be on the destination, and it is not"), pd->winpath);
	free(sub);
	return r < 0 ? -1 : 0;
}

static int plan_disks(struct build *b, struct smig_plan_vm *pv, const char *subject)
{
	const struct smig_inv_vm *vm = pv->src;
	size_t j;

	pv->disks = calloc(vm->ndisks ? vm->ndisks : 1, sizeof(*pv->disks));
	if (!pv->disks)
		return smig_err_set(b->e, SMIG_ERR_NOMEM, _("out of memory"));
	pv->ndisks = vm->ndisks;
	for (j = 0; j < vm->ndisks; j++) {
		const struct smig_inv_disk *d = &vm->disks[j];
		struct smig_plan_disk *pd = &pv->disks[j];
		const struct smig_desc_member *m = find_member(b->p->desc, "disk", vm->id,
								 d->winpath);
		char *sub;
		int r;

		pd->src = d;
		pd->member = m ? m->name : NULL;
		if (!d->winpath)
			continue;
		r = smig_map_winpath(b->p->opts, d->winpath, &pd->winpath, b->e);
		if (r < 0)
			return -1;
		if (r == 0)
			pd->winpath = !b->p->config_only ?
				win_join(b->p->vhd_path, win_base(d->winpath), b->e) :
				smig_strdup(d->winpath, b->e);
		if (!pd->winpath)
			return -1;
		if (b->p->config_only) {
			/* a configuration-only archive: the disk is used where it already is */
			if (expect_disk(b, pd, subject) < 0)
				return -1;
			continue;
		}
		if (!m)
			continue;
		sub = smig_asprintf(b->e, "%s/disk:%s", subject, win_base(d->winpath));
		if (!sub)
			return -1;
		r = place(b, sub, pd->winpath, m->size, &pd->local);
		free(sub);
		if (r < 0)
			return -1;
	}
	/* differencing disks: new parent paths, re-parent when the absolute one changes */
	for (j = 0; j < vm->ndisks; j++) {
		struct smig_plan_disk *pd = &pv->disks[j];
		const struct smig_inv_disk *d = pd->src;

		if (d->type != SMIG_DISK_DIFFERENCING || d->parent < 0 || !pd->winpath ||
		    b->p->config_only)
			continue;
		pd->parent_winpath = smig_strdup(pv->disks[d->parent].winpath, b->e);
		if (!pd->parent_winpath)
			return -1;
		pd->parent_relative = relative_to(pd->winpath, pd->parent_winpath, b->e);
		pd->reparent = !d->parent_winpath ||
			       !smig_streq_ci(d->parent_winpath, pd->parent_winpath);
	}
	return 0;
}

/* Snapshot id of a snapshot member: the stem of its file name, or the folder it is in. */
static char *snapshot_of(const char *winpath, bool state, struct smig_err *e)
{
	char *dir = win_dir(winpath, e), *out;
	const char *base;

	if (!dir)
		return NULL;
	base = state ? win_base(dir) : win_base(winpath);
	out = smig_strndup(base, strcspn(base, "."), e);
	free(dir);
	return out;
}

const struct smig_plan_file *smig_plan_media(const struct smig_plan_vm *pv,
					     const char *source_winpath)
{
	for (size_t k = 0; pv && source_winpath && k < pv->nfiles; k++) {
		const struct smig_plan_file *f = &pv->files[k];

		if (f->role && !strcmp(f->role, "media") && f->source && f->winpath &&
		    smig_streq_ci(f->source, source_winpath))
			return f;
	}
	return NULL;
}

/* The destination of a medium already planned for another VM (or this one), or NULL. */
static const char *media_planned(const struct build *b, const char *winpath)
{
	for (size_t i = 0; i < b->p->nvms; i++)
		for (size_t k = 0; k < b->p->vms[i].nfiles; k++) {
			const struct smig_plan_file *f = &b->p->vms[i].files[k];

			if (f->role && !strcmp(f->role, "media") && f->winpath &&
			    smig_streq_ci(f->winpath, winpath))
				return f->winpath;
		}
	return NULL;
}

/*
 * --copy-media: an ISO or VFD file the archive carries goes to its --map-path destination,
 * else to the same path when the drive exists. One file used by several VMs is placed once; a
 * file already at that path on the destination is left as it is (and used).
 */
static int plan_media(struct build *b, struct smig_plan_vm *pv, const struct smig_desc_member *m,
		      const char *subject)
{
	struct smig_plan_file *f;
	struct stat st;
	char *win = NULL, *sub = NULL;
	int r = smig_map_winpath(b->p->opts, m->winpath, &win, b->e), rc = -1;

	if (r < 0)
		return -1;
	sub = smig_asprintf(b->e, "%s/media:%s", subject, win_base(m->winpath));
	if (!sub)
		goto out;
	if (r == 0) {
		if (!drive_exists(b->p->dfs, m->winpath)) {
			rc = item(b, "SMIG1011", SMIG_SEV_BLOCKER, sub, _("map it with --map-path"),
				  _("the medium '%s' is on a drive the destination does not have"),
				  m->winpath);
			goto out;
		}
		win = smig_strdup(m->winpath, b->e);
		if (!win)
			goto out;
	}
	f = smig_vec_add(&pv->files, &pv->nfiles, sizeof(*f), b->e);
	if (!f)
		goto out;
	f->member = m->name;
	f->source = m->winpath;
	f->role = m->role;
	if (media_planned(b, win)) {
		f->winpath = win; /* placed once, for the VM that came first */
		win = NULL;
		rc = 0;
		goto out;
	}
	f->winpath = win;
	win = NULL;
	r = dest_local(b->p->dfs, f->winpath, &f->local, b->e);
	if (r < 0)
		goto out;
	if (r == 0 && lstat(f->local, &st) == 0) {
		/* the admin copied it already: used as it is, never replaced (the verification
		 * still compares it with the archive's copy) */
		f->present = true;
		rc = item(b, "", SMIG_SEV_INFO, sub, NULL, _("'%s' is already on the destination: "
			  "it is used as it is"), f->winpath) < 0 ? -1 : 0;
		goto out;
	}
	free(f->local);
	f->local = NULL;
	rc = place(b, sub, f->winpath, m->size, &f->local);
out:
	free(win);
	free(sub);
	return rc;
}

static int plan_files(struct build *b, struct smig_plan_vm *pv, const char *subject)
{
	const struct smig_descriptor *d = b->p->desc;
	const struct smig_inv_vm *vm = pv->src;
	bool had_state = vm->saved_state, carried = false;
	size_t i;

	for (i = 0; i < vm->nsnapshots; i++)
		had_state |= vm->snapshots[i].saved_state;
	for (i = 0; i < d->nmembers; i++) {
		const struct smig_desc_member *m = &d->members[i];
		struct smig_plan_file *f;
		char *snap = NULL, *dir = NULL;
		bool state = !strcmp(m->role, "saved-state");

		if (!m->vm_id || !smig_guid_str_equal(m->vm_id, vm->id) || !m->winpath)
			continue;
		if (!strcmp(m->role, "media")) {
			if (b->p->opts->copy_media && plan_media(b, pv, m, subject) < 0)
				return -1;
			continue;
		}
		if (strcmp(m->role, "config") && strcmp(m->role, "snapshot-config") && !state)
			continue;
		if (state && b->p->opts->discard_saved_state)
			continue;
		f = smig_vec_add(&pv->files, &pv->nfiles, sizeof(*f), b->e);
		if (!f)
			return -1;
		f->member = m->name;
		f->role = m->role;
		if (!strcmp(m->role, "config")) {
			f->winpath = smig_strdup(pv->config_winpath, b->e);
		} else {
			snap = snapshot_of(m->winpath, state, b->e);
			if (!snap)
				return -1;
			if (state && smig_guid_str_equal(snap, vm->id)) {
				/* the VM's own state: <root>\Virtual Machines\<id>\<id>.vsv */
				const char *base = win_base(m->winpath);

				dir = smig_asprintf(b->e, "%s\\Virtual Machines\\%s", pv->data_root,
						    pv->id);
				f->winpath = dir ? smig_asprintf(b->e, "%s\\%s%s", dir, pv->id,
								 base + strcspn(base, ".")) : NULL;
			} else {
				for (size_t k = 0; k < vm->nsnapshots; k++)
					if (smig_guid_str_equal(vm->snapshots[k].id, snap))
						f->snapshot = vm->snapshots[k].id;
				dir = smig_asprintf(b->e, "%s\\Snapshots", pv->data_root);
				if (dir && state) {
					char *t = smig_asprintf(b->e, "%s\\%s", dir, snap);

					free(dir);
					dir = t;
				}
				f->winpath = dir ? win_join(dir, win_base(m->winpath), b->e) : NULL;
			}
			carried |= state;
		}
		free(snap);
		free(dir);
		if (!f->winpath)
			return -1;
		{
			char *sub = smig_asprintf(b->e, "%s/%s:%s", subject, m->role,
						  win_base(f->winpath));
			int r = sub ? place(b, sub, f->winpath, m->size, &f->local) : -1;

			free(sub);
			if (r < 0)
				return -1;
		}
	}
	pv->saved_state = carried;
	pv->saved_state_dropped = had_state && !carried;
	return 0;
}

static int plan_vm(struct build *b, size_t idx)
{
	struct smig_plan *p = b->p;
	const struct smig_inv_vm *vm = &p->src->vms[idx];
	struct smig_plan_vm *pv = &p->vms[idx];
	char *subject = NULL;
	char g[SMIG_GUID_BUFSZ];
	int rc = -1, r;

	pv->src = vm;
	if (!vm->id || !vm_chosen(p, vm) || !vm_carried(p, vm))
		return 0;
	pv->selected = true;
	subject = smig_asprintf(b->e, "vm:%s", vm->name ? vm->name : vm->id);
	if (!subject)
		goto out;
	if (p->opts->new_id) {
		if (derived_guid(p->desc->archive_id, vm->id, g, b->e) < 0)
			goto out;
		pv->id = smig_strdup(g, b->e);
	} else {
		struct smig_guid id;

		if (!smig_guid_parse(vm->id, &id)) {
			smig_err_set(b->e, SMIG_ERR_FORMAT, _("VM '%s': malformed id '%s'"),
				     vm->name ? vm->name : "?", vm->id);
			goto out;
		}
		smig_guid_format(&id, SMIG_GUID_UPPER, g);
		pv->id = smig_strdup(g, b->e);
	}
	if (!pv->id)
		goto out;
	for (size_t k = 0; k < p->dst->nvms; k++)
		if (p->dst->vms[k].id && smig_guid_str_equal(p->dst->vms[k].id, pv->id))
			pv->exists = true;
	/* data root */
	r = vm->data_root ? smig_map_winpath(p->opts, vm->data_root, &pv->data_root, b->e) : 0;
	if (r < 0)
		goto out;
	if (!pv->data_root)
		pv->data_root = smig_strdup(p->data_root, b->e);
	pv->config_winpath = pv->data_root ?
		smig_asprintf(b->e, "%s\\Virtual Machines\\%s.xml", pv->data_root, pv->id) : NULL;
	if (!pv->config_winpath)
		goto out;
	/* registration is Hyper-V's: migrate.ps1 runs Compare-VM -Register on this file */
	r = dest_local(p->dfs, pv->config_winpath, &pv->config_local, b->e);
	if (r < 0)
		goto out;
	pv->cpu_compat = p->opts->set_cpu_compat ? true : vm->cpu_compat;
	pv->drive_emptied = calloc(vm->ndrives ? vm->ndrives : 1, sizeof(bool));
	if (!pv->drive_emptied) {
		smig_err_set(b->e, SMIG_ERR_NOMEM, _("out of memory"));
		goto out;
	}
	for (size_t k = 0; k < vm->ndrives; k++) {
		const struct smig_inv_drive *dr = &vm->drives[k];
		bool media = dr->pathname && *dr->pathname; /* an empty DVD or floppy drive stays */

		pv->drive_emptied[k] = dr->kind == SMIG_INV_DRIVE_PASSTHROUGH ||
				       ((dr->kind == SMIG_INV_DRIVE_ISO ||
					 dr->kind == SMIG_INV_DRIVE_VFD) && media);
	}
	if (plan_files(b, pv, subject) < 0 || plan_disks(b, pv, subject) < 0)
		goto out;
	rc = 0;
out:
	free(subject);
	return rc;
}

/* The feature ids the archive carries: its recorded selection, else its members'. */
static int archive_features(const struct smig_descriptor *d, char ***out, struct smig_err *e)
{
	*out = NULL;
	for (size_t i = 0; d->features && d->features[i]; i++)
		if (smig_strv_push(out, d->features[i], e) < 0)
			return -1;
	for (size_t i = 0; !d->features && i < d->nmembers; i++) {
		bool seen = false;

		for (size_t k = 0; *out && (*out)[k] && !seen; k++)
			seen = !strcmp((*out)[k], d->members[i].feature);
		if (!seen && smig_strv_push(out, d->members[i].feature, e) < 0)
			return -1;
	}
	return 0;
}

/* A malloc'd "'a', 'b'" of `v` ("none" when empty), or NULL on ENOMEM. */
static char *quoted_list(char *const *v, struct smig_err *e)
{
	char *s = smig_strdup(v && v[0] ? "" : "none", e), *t;

	for (size_t i = 0; s && v && v[i]; i++) {
		t = smig_asprintf(e, "%s%s'%s'", s, i ? ", " : "", v[i]);
		free(s);
		s = t;
	}
	return s;
}

/* Every --feature names a feature of the archive: a typo must not import nothing quietly. */
static int check_features(const struct smig_plan *p, struct smig_err *e)
{
	char **have = NULL, *list = NULL;
	int rc = -1;

	if (!p->opts->features)
		return 0;
	if (archive_features(p->desc, &have, e) < 0)
		goto out;
	for (size_t i = 0; p->opts->features[i]; i++) {
		bool found = false;

		for (size_t k = 0; have && have[k] && !found; k++)
			found = smig_streq_ci(have[k], p->opts->features[i]);
		if (!found) {
			list = quoted_list(have, e);
			if (list)
				smig_err_set(e, SMIG_ERR_USAGE, _("--feature '%s': the archive has no "
					     "such feature (it has: %s)"), p->opts->features[i], list);
			goto out;
		}
	}
	rc = 0;
out:
	free(list);
	smig_strv_free(have);
	return rc;
}

/* Every --vm names exactly one VM the archive carries (by GUID, or by name ignoring case). */
static int check_vms(const struct smig_plan *p, struct smig_err *e)
{
	char **have = NULL, *list = NULL;
	int rc = -1;

	if (!p->opts->vms)
		return 0;
	for (size_t k = 0; k < p->src->nvms; k++) {
		const struct smig_inv_vm *vm = &p->src->vms[k];

		if (vm_carried(p, vm) &&
		    smig_strv_push(&have, vm->name ? vm->name : vm->id, e) < 0)
			goto out;
	}
	for (size_t i = 0; p->opts->vms[i]; i++) {
		size_t hits = 0;

		for (size_t k = 0; k < p->src->nvms; k++)
			hits += vm_carried(p, &p->src->vms[k]) && vm_named(&p->src->vms[k],
									   p->opts->vms[i]);
		if (hits == 1)
			continue;
		if (hits > 1) {
			smig_err_set(e, SMIG_ERR_USAGE, _("--vm '%s': %zu VMs of the archive have that "
				     "name: select them by GUID"), p->opts->vms[i], hits);
			goto out;
		}
		list = quoted_list(have, e);
		if (list)
			smig_err_set(e, SMIG_ERR_USAGE, _("--vm '%s': the archive has no VM of that "
				     "name or ID (it has: %s)"), p->opts->vms[i], list);
		goto out;
	}
	rc = 0;
out:
	free(list);
	smig_strv_free(have);
	return rc;
}

int smig_plan_build(const struct smig_descriptor *desc, struct smig_hostfs *dfs,
		    const struct smig_inventory *dst, const struct smig_import_opts *o,
		    struct smig_plan **out, struct smig_err *e)
{
	static const struct smig_import_opts none;
	struct smig_plan *p = calloc(1, sizeof(*p));
	struct build b = {p, e, NULL};

	*out = NULL;
	if (!p)
		return smig_err_set(e, SMIG_ERR_NOMEM, _("out of memory"));
	p->desc = desc;
	p->src = desc->inv;
	p->dst = dst;
	p->opts = o ? o : &none;
	p->dfs = dfs;
	/* the migration type: "all", "config" or "storage" (a missing one reads as "all") */
	p->storage_only = desc->type && !strcmp(desc->type, "storage");
	p->config_only = desc->type && !strcmp(desc->type, "config");
	if (check_features(p, e) < 0 || check_vms(p, e) < 0)
		goto fail;
	p->hyperv = feature_selected(p, "hyperv");
	/* host-wide only when the archive stands for the host and the import is not of some
	 * VMs only (--vm without --feature); a storage archive carries disks, nothing else */
	p->vms_only = p->storage_only || (desc->scope && !strcmp(desc->scope, "vms")) ||
		      (p->opts->vms && !p->opts->features);
	if (plan_host_settings(&b) < 0 || plan_nicmap(&b) < 0)
		goto fail;
	if (p->hyperv) {
		if (plan_store(&b) < 0 || plan_switches(&b) < 0)
			goto fail;
		p->vms = calloc(p->src->nvms ? p->src->nvms : 1, sizeof(*p->vms));
		if (!p->vms) {
			smig_err_set(e, SMIG_ERR_NOMEM, _("out of memory"));
			goto fail;
		}
		p->nvms = p->src->nvms;
		for (size_t i = 0; i < p->src->nvms; i++)
			if (plan_vm(&b, i) < 0)
				goto fail;
	} else {
		p->set_data_root = p->set_vhd_path = p->set_mac_range = p->set_vmq = false;
	}
	smig_strv_free(b.targets);
	*out = p;
	return 0;
fail:
	smig_strv_free(b.targets);
	smig_plan_free(p);
	return -1;
}

void smig_plan_free(struct smig_plan *p)
{
	size_t i, j;

	if (!p)
		return;
	free(p->data_root);
	free(p->vhd_path);
	free(p->store_winpath);
	free(p->store_local);
	for (i = 0; i < p->nswitches; i++) {
		free(p->switches[i].guid);
		free(p->switches[i].host_vnic);
		free(p->switches[i].host_vnic_port);
	}
	free(p->switches);
	free(p->nicmap);
	for (i = 0; i < p->nvms; i++) {
		struct smig_plan_vm *v = &p->vms[i];

		free(v->id);
		free(v->data_root);
		free(v->config_winpath);
		free(v->config_local);
		for (j = 0; j < v->ndisks; j++) {
			free(v->disks[j].winpath);
			free(v->disks[j].local);
			free(v->disks[j].parent_winpath);
			free(v->disks[j].parent_relative);
		}
		free(v->disks);
		for (j = 0; j < v->nfiles; j++) {
			free(v->files[j].winpath);
			free(v->files[j].local);
		}
		free(v->files);
		free(v->drive_emptied);
	}
	free(p->vms);
	for (i = 0; i < p->nvolumes; i++)
		free(p->volumes[i].local);
	free(p->volumes);
	smig_problems_release(&p->items);
	free(p);
}

const struct smig_inv_vm *smig_plan_src_vm(const struct smig_plan *p, size_t i)
{
	if (i < p->nvms && p->vms[i].src != NULL)
		return p->vms[i].src;
	return p->src != NULL && i < p->src->nvms ? &p->src->vms[i] : NULL;
}

const struct smig_plan_vm *smig_plan_find_vm(const struct smig_plan *p, const char *id_or_name)
{
	for (size_t i = 0; i < p->nvms; i++) {
		const struct smig_inv_vm *vm = p->vms[i].src;

		if (vm_named(vm, id_or_name))
			return &p->vms[i];
	}
	return NULL;
}

const struct smig_plan_switch *smig_plan_find_switch(const struct smig_plan *p, const char *guid)
{
	for (size_t i = 0; i < p->nswitches; i++)
		if (p->switches[i].src->guid && smig_guid_str_equal(p->switches[i].src->guid, guid))
			return &p->switches[i];
	return NULL;
}
