/*
 * prepare.c - turning the plan into apply's operation list (session.h prepare_ops).
 *
 * apply places inert files only (issue 8, docs/import.md "What apply writes"): each VM's
 * disks (differencing disks re-parented in the staging area first), its snapshot
 * configurations and saved state, then its configuration, all at the plan's paths. Nothing is
 * registered and no registry hive of the destination is opened for writing: switches, host
 * vNICs, IP settings, VMQ, host settings, the authorization store and the VMs' registration
 * are Hyper-V's, and migrate.ps1 has Hyper-V do them on the running host.
 *
 * Configurations keep their source version (512 or 768: vmms up-converts them when
 * Compare-VM/Import-VM registers them, docs/formats.md A19) and their network references; the
 * only edits are the paths of the disks smig placed, the drives that cannot travel (ISO, VFD,
 * pass-through: emptied, reattached by migrate.ps1) and the id with --new-id.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "i18n.h"
#include "postcheck.h"
#include "scan.h"
#include "session.h"
#include "strbuf.h"
#include "vhd.h"
#include "vmconfig.h"
#include "winval.h"

/* An operation's description: the journal keeps it and the --log names the change by it, so
 * it stays English (language-neutral) there; only --what-if, which writes no journal, shows it
 * in the user's language. */
#define OP_TEXT(x, s) ((x)->dry ? _(s) : (s))

struct prep {
	struct import_session *s;
	struct smig_plan *p;
	struct smig_journal *j;
	const char *jdir;
	bool dry;
	char **dirs;             /* folders already planned */
	struct smig_err *e;
};

static const char *staged_path(struct prep *x, const char *member)
{
	const struct smig_staged_member *m = smig_staged_find(x->s->a.staged, member);

	return m ? m->local : NULL;
}

static bool dir_planned(struct prep *x, const char *dir)
{
	for (size_t i = 0; x->dirs && x->dirs[i]; i++)
		if (!strcmp(x->dirs[i], dir))
			return true;
	return false;
}

/* mkdir operations for the missing folders above `target`, outermost first. */
static int need_dirs(struct prep *x, const char *target)
{
	char *dir = smig_strdup(target, x->e), *slash;
	struct stat st;
	int rc = -1;

	if (!dir)
		return -1;
	slash = strrchr(dir, '/');
	if (!slash || slash == dir) {
		rc = 0;
		goto out;
	}
	*slash = '\0';
	if (dir_planned(x, dir) || (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))) {
		rc = 0;
		goto out;
	}
	if (need_dirs(x, dir) < 0)
		goto out;
	{
		char *what = smig_asprintf(x->e, OP_TEXT(x, N_("create folder %s")), dir);

		rc = what ? smig_journal_add(x->j, SMIG_OP_MKDIR, dir, NULL, what, x->e) : -1;
		free(what);
	}
	if (rc == 0)
		rc = smig_strv_push(&x->dirs, dir, x->e);
out:
	free(dir);
	return rc;
}

static int add_file(struct prep *x, const char *source, const char *target, const char *what)
{
	if (need_dirs(x, target) < 0)
		return -1;
	return smig_journal_add(x->j, SMIG_OP_FILE, target, source, what, x->e);
}

static char *prepared(struct prep *x, const char *name)
{
	return smig_asprintf(x->e, "%s/prepared/%s", x->jdir, name);
}

/* ---- VM configurations ---- */

static bool same_winpath(const char *a, const char *b)
{
	struct smig_winpath wa = {0}, wb = {0};
	char *fa = NULL, *fb = NULL;
	bool eq = false;

	if (!a || !b)
		return false;
	if (smig_winpath_parse(a, &wa, NULL) == 0 && smig_winpath_parse(b, &wb, NULL) == 0) {
		fa = smig_winpath_format(&wa, NULL);
		fb = smig_winpath_format(&wb, NULL);
		eq = fa && fb && smig_streq_ci(fa, fb);
	}
	smig_winpath_release(&wa);
	smig_winpath_release(&wb);
	free(fa);
	free(fb);
	return eq;
}

static int rewrite_config(struct prep *x, const struct smig_plan_vm *pv, const char *staged,
			  bool snapshot, const char *out)
{
	struct smig_vmconfig *cfg = NULL;
	unsigned char *buf = NULL;
	size_t len = 0;
	int rc = -1;

	if (smig_vmconfig_load(staged, NULL, &cfg, x->e) < 0)
		return -1;
	for (size_t i = 0; i < cfg->ndrives; i++) {
		const struct smig_vm_drive *d = &cfg->drives[i];

		if (d->kind == SMIG_DRIVE_ISO || d->kind == SMIG_DRIVE_VFD ||
		    d->kind == SMIG_DRIVE_PASSTHROUGH) {
			if (smig_vmconfig_empty_drive(cfg, i, x->e) < 0)
				goto out;
			continue;
		}
		if (d->kind != SMIG_DRIVE_VHD || !d->pathname || !*d->pathname)
			continue;
		for (size_t k = 0; k < pv->ndisks; k++)
			if (pv->disks[k].winpath && same_winpath(pv->disks[k].src->winpath,
								 d->pathname)) {
				if (smig_vmconfig_set_drive_path(cfg, i, pv->disks[k].winpath,
								 x->e) < 0)
					goto out;
				break;
			}
	}
	if (!snapshot && x->p->opts->new_id && smig_vmconfig_set_id(cfg, pv->id, x->e) < 0)
		goto out;
	if (smig_vmconfig_serialize(cfg, &buf, &len, x->e) < 0 ||
	    smig_file_write_atomic(out, buf, len, 0644, x->e) < 0)
		goto out;
	rc = 0;
out:
	smig_vmconfig_free(cfg);
	free(buf);
	return rc;
}

static const char *vm_label(const struct smig_plan_vm *pv)
{
	return pv->src->name ? pv->src->name : pv->id;
}

/* The staged disk `path` without holes (docs/formats.md A69), its times kept. */
static int fill_disk(const char *path, const char *winpath, struct smig_err *e)
{
	int fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY), rc;

	if (fd < 0)
		return smig_err_sys(e, errno, _("cannot open '%s'"), path);
	rc = smig_file_fill_holes(fd, winpath, e);
	if (close(fd) < 0 && rc == 0)
		rc = smig_err_sys(e, errno, _("cannot write '%s'"), winpath);
	return rc;
}

static int vm_ops(struct prep *x, struct smig_plan_vm *pv)
{
	const char *name = vm_label(pv);
	char *what = NULL, *out = NULL;
	int rc = -1;

	/* what the source chains of the disks to re-parent present, read before any of their
	 * files is rewritten: the verification compares the placed chains with it */
	for (size_t k = 0; !x->dry && k < pv->ndisks; k++)
		if (pv->disks[k].reparent && pv->disks[k].member && pv->disks[k].local &&
		    smig_postcheck_source_content(x->p, x->s->a.staged, &pv->disks[k], x->e) < 0)
			return -1;
	/* disks: base disks before their children, re-parented in staging first */
	for (size_t k = 0; k < pv->ndisks; k++) {
		const struct smig_plan_disk *pd = &pv->disks[k];
		const char *src = pd->member ? staged_path(x, pd->member) : NULL;

		if (!pd->member || !pd->local)
			continue;
		if (!src)
			return smig_err_set(x->e, SMIG_ERR_INTEGRITY, _("'%s': listed in the "
					      "descriptor but not staged"), pd->member);
		if (pd->reparent && !x->dry) {
			const struct smig_plan_disk *par = &pv->disks[pd->src->parent];
			const char *psrc = par->member ? staged_path(x, par->member) : NULL;

			if (!psrc)
				return smig_err_set(x->e, SMIG_ERR_FORMAT, _("'%s': its parent is not "
						      "in the archive, it cannot be re-parented"),
						    pd->winpath);
			if (smig_vhd_reparent(src, psrc, pd->parent_winpath, pd->parent_relative,
					      pd->parent_winpath, x->e) < 0)
				return -1;
		}
		/* placed dense, as a Windows copy is: Hyper-V does not open a sparse disk file */
		if (!x->dry && fill_disk(src, pd->winpath, x->e) < 0)
			return -1;
		what = smig_asprintf(x->e, OP_TEXT(x, N_("VM %s: disk %s%s%s")), name, pd->winpath,
				     pd->reparent ? OP_TEXT(x, N_(", parent now ")) : "",
				     pd->reparent ? pd->parent_winpath : "");
		if (!what || add_file(x, src, pd->local, what) < 0)
			goto out;
		free(what);
		what = NULL;
	}
	/* snapshot configurations and saved state, then the configuration */
	for (size_t k = 0; k < pv->nfiles; k++) {
		const struct smig_plan_file *f = &pv->files[k];
		const char *src = staged_path(x, f->member);
		bool config = !strcmp(f->role, "config"), snap = !strcmp(f->role, "snapshot-config");

		if (config || !f->local || f->present)
			continue;
		if (!src)
			return smig_err_set(x->e, SMIG_ERR_INTEGRITY, _("'%s': listed in the "
					      "descriptor but not staged"), f->member);
		if (snap) {
			char *name2 = smig_asprintf(x->e, "snapshot-%s-%zu.xml", pv->id, k);

			out = name2 ? prepared(x, name2) : NULL;
			free(name2);
			if (!out || (!x->dry && rewrite_config(x, pv, src, true, out) < 0))
				goto out;
			src = out;
		}
		/* TRANSLATORS: the VM, the file's role (snapshot-config, saved-state...), its path */
		what = smig_asprintf(x->e, OP_TEXT(x, N_("VM %s: %s %s")), name, f->role, f->winpath);
		if (!what || add_file(x, src, f->local, what) < 0)
			goto out;
		free(what);
		free(out);
		what = out = NULL;
	}
	for (size_t k = 0; k < pv->nfiles; k++) {
		const struct smig_plan_file *f = &pv->files[k];
		const char *src = staged_path(x, f->member);
		char *name2;

		if (strcmp(f->role, "config") || !f->local)
			continue;
		if (!src)
			return smig_err_set(x->e, SMIG_ERR_INTEGRITY, _("'%s': listed in the "
					      "descriptor but not staged"), f->member);
		name2 = smig_asprintf(x->e, "vm-%s.xml", pv->id);
		out = name2 ? prepared(x, name2) : NULL;
		free(name2);
		if (!out || (!x->dry && rewrite_config(x, pv, src, false, out) < 0))
			goto out;
		what = smig_asprintf(x->e, OP_TEXT(x, N_("VM %s: configuration %s (version %lld as on "
							 "the source%s)")),
				     name, pv->config_winpath, (long long)pv->src->version,
				     x->p->opts->new_id ? OP_TEXT(x, N_(", new id")) : "");
		if (!what || add_file(x, out, f->local, what) < 0)
			goto out;
		free(what);
		free(out);
		what = out = NULL;
	}
	rc = 0;
out:
	free(what);
	free(out);
	return rc;
}

int prepare_ops(struct import_session *s, const char *jdir, bool dry, struct smig_journal *j,
		struct smig_err *e)
{
	struct prep x = {s, s->plan, j, jdir, dry, NULL, e};
	struct smig_plan *p = s->plan;
	char *pdir = NULL;
	int rc = -1;

	if (!dry) {
		pdir = smig_path_join(jdir, "prepared", e);
		if (!pdir || smig_mkdir_p(pdir, 0700, e) < 0)
			goto out;
	}
	for (size_t i = 0; p->hyperv && i < p->nvms; i++)
		if (p->vms[i].selected && vm_ops(&x, &p->vms[i]) < 0)
			goto out;
	rc = 0;
out:
	smig_strv_free(x.dirs);
	free(pdir);
	return rc;
}
