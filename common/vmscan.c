/*
 * vmscan.c - the VM half of the inventory: registered VMs (formats.md §1.4–1.5), their
 * configurations (vmconfig), disks and differencing chains (vhd), snapshots and the snapshot
 * tree derived from the chains (§5.12), saved state, and the ISO/VFD/pass-through
 * attachments that will become manual steps.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "facts.h"
#include "fileio.h"
#include "i18n.h"
#include "regmap.h"
#include "strbuf.h"
#include "scan.h"
#include "strbuf.h"
#include "vhd.h"
#include "vmconfig.h"

/* ---- drives used but not mapped ---- */

/* `winpath`, used by the host setting (vm NULL) or by `vm`, is on a drive the map does not
 * have: remember it under that drive, once. Returns the letter, or 0 when the path's drive is
 * mapped (or it is no drive path). */
static char note_unmapped(struct smig_scan *s, const char *winpath, struct smig_inv_vm *vm)
{
	struct smig_inventory *inv = s->inv;
	struct smig_inv_unmapped *u = NULL;
	char letter = smig_hostfs_unmapped_drive(s->fs, winpath);
	char ***list;
	size_t i;

	if (letter == 0)
		return 0;
	for (i = 0; i < inv->nunmapped && u == NULL; i++)
		if (inv->unmapped[i].letter == letter)
			u = &inv->unmapped[i];
	if (u == NULL) {
		u = smig_vec_add(&inv->unmapped, &inv->nunmapped, sizeof(*u), s->e);
		if (u == NULL)
			return 0;
		u->letter = letter;
	}
	if (vm && vm->unmapped_drive == 0)
		vm->unmapped_drive = letter;
	list = vm ? &u->vm_paths : &u->paths;
	for (i = 0; *list && (*list)[i]; i++)
		if (smig_streq_ci((*list)[i], winpath))
			return letter;
	smig_strv_push(list, winpath, s->e);
	return letter;
}

/* The one sentence per unmapped drive, recorded once: an error when VMs are on it (they would
 * be missing), a warning when only the host's settings name it. */
static int say_unmapped(struct smig_scan *s)
{
	size_t i, k;

	for (i = 0; i < s->inv->nunmapped; i++) {
		struct smig_inv_unmapped *u = &s->inv->unmapped[i];
		struct smig_strbuf what = SMIG_STRBUF_INIT;
		size_t nvm = smig_strv_len(u->vm_paths);

		for (k = 0; u->paths && u->paths[k]; k++)
			smig_strbuf_printf(&what, "%s%s", k ? ", " : "", u->paths[k]);
		if (k == 0 && nvm)
			smig_strbuf_printf(&what, "%s%s", u->vm_paths[0],
					   nvm > 1 ? _(" and other VM files") : "");
		if (smig_strbuf_check(&what, s->e) < 0) {
			smig_strbuf_release(&what);
			return -1;
		}
		u->message = smig_asprintf(s->e,
					   _("drive %c: is used by the host (%s) but not mapped: pass "
					   "--drive %c=DIR"),
					   u->letter, what.buf ? what.buf : "", u->letter);
		smig_strbuf_release(&what);
		if (u->message == NULL ||
		    smig_scan_note(s, "", nvm ? SMIG_SEV_ERROR : SMIG_SEV_WARNING, "host", "%s",
				   u->message) < 0)
			return -1;
	}
	return 0;
}

/* ---- disk chains ---- */

static int resolve_parent(void *ctx, const char *child_path, enum smig_vhd_ref kind,
			  const char *ref, char **local, struct smig_err *e)
{
	struct smig_scan *s = ctx;
	struct smig_err e2 = SMIG_ERR_INIT;
	char *dir = NULL, *tmp = NULL;
	int rc = 1;

	(void)e;
	*local = NULL;
	tmp = strdup(child_path);
	if (tmp == NULL)
		return smig_err_nomem(e, _("resolving a parent disk"));
	dir = dirname(tmp);
	switch (kind) {
	case SMIG_VHD_REF_ABSOLUTE:
		rc = smig_hostfs_resolve(s->fs, ref, local, &e2) == 0 ? 0 : 1;
		break;
	case SMIG_VHD_REF_RELATIVE:
		rc = smig_hostfs_resolve_relative(s->fs, dir, ref, local, &e2) == 0 ? 0 : 1;
		break;
	case SMIG_VHD_REF_NAME: {
		const char *base = strrchr(ref, '\\');
		if (strchr(ref, ':') && smig_hostfs_resolve(s->fs, ref, local, &e2) == 0) {
			rc = 0;
			break;
		}
		smig_err_clear(&e2);
		rc = smig_ci_lookup(dir, base ? base + 1 : ref, local, &e2) == 0 ? 0 : 1;
		break;
	}
	}
	if (rc != 0) {
		free(*local);
		*local = NULL;
	}
	free(tmp);
	return rc;
}

static bool file_has_holes(const char *path, uint64_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	off_t h;

	if (fd < 0)
		return false;
	h = lseek(fd, 0, SEEK_HOLE);
	close(fd);
	return h >= 0 && (uint64_t)h < size;
}

static int find_disk(const struct smig_inv_vm *vm, const char *local)
{
	size_t i;

	for (i = 0; i < vm->ndisks; i++)
		if (strcmp(vm->disks[i].local, local) == 0)
			return (int)i;
	return -1;
}

/*
 * Open the chain of `local` and add every disk of it to vm->disks (once). Returns the index
 * of the leaf, or -1 with `why` set when the chain cannot be read.
 */
static int add_chain(struct smig_scan *s, struct smig_inv_vm *vm, const char *local,
		     const char *winpath, char **why)
{
	struct smig_vhd_chain ch = {0};
	struct smig_err e2 = SMIG_ERR_INIT;
	int child = -1, leaf = -1;
	size_t i;

	*why = NULL;
	if (find_disk(vm, local) >= 0)
		return find_disk(vm, local);
	if (smig_vhd_chain_open(local, winpath, resolve_parent, s, &ch, &e2) < 0) {
		*why = strdup(e2.msg);
		return -1;
	}
	for (i = 0; i < ch.n; i++) {
		const struct smig_vhd_info *in = &ch.info[i];
		struct smig_inv_disk *d;
		struct stat st;
		int idx = find_disk(vm, ch.paths[i]);

		if (idx < 0) {
			d = smig_vec_add(&vm->disks, &vm->ndisks, sizeof(*d), s->e);
			if (d == NULL)
				break;
			idx = (int)vm->ndisks - 1;
			d->local = smig_strdup(ch.paths[i], s->e);
			d->winpath = i == 0 && winpath ? smig_strdup(winpath, s->e)
						       : smig_hostfs_to_winpath(s->fs, ch.paths[i], s->e);
			d->type = (enum smig_disk_type)in->type;
			d->virtual_size = in->current_size;
			d->file_size = in->file_size;
			d->data_bytes = in->type == SMIG_VHD_FIXED ? in->current_size : in->data_bytes;
			d->unique_id = in->unique_id;
			d->parent_id = in->parent_id;
			d->parent = -1;
			d->sparse = file_has_holes(ch.paths[i], in->file_size);
			if (in->type == SMIG_VHD_DIFFERENCING && i + 1 < ch.n &&
			    stat(ch.paths[i + 1], &st) == 0 &&
			    smig_unix_to_vhdtime(st.st_mtime) != in->parent_timestamp)
				d->time_mismatch = true;
		}
		if (i == 0)
			leaf = idx;
		if (child >= 0 && vm->disks[child].parent < 0) {
			vm->disks[child].parent = idx;
			vm->disks[child].parent_winpath =
				vm->disks[idx].winpath ? smig_strdup(vm->disks[idx].winpath, s->e) : NULL;
		}
		child = idx;
	}
	smig_vhd_chain_release(&ch);
	return leaf;
}

/* ---- drives and NICs of one configuration ---- */

/*
 * Resolve the drives of `cfg` into `vm` (when `store` is true, the drives are recorded on
 * the VM; snapshots only contribute disks). Returns the index of the first VHD's leaf disk
 * or -1; sets *fatal when a VHD cannot be resolved (A40: the VM is not exportable).
 */
static int scan_drives(struct smig_scan *s, struct smig_inv_vm *vm, const struct smig_vmconfig *cfg,
		       bool store, const char *subject, bool *fatal)
{
	int first = -1;
	size_t i;

	for (i = 0; i < cfg->ndrives; i++) {
		const struct smig_vm_drive *dr = &cfg->drives[i];
		struct smig_inv_drive *d = NULL;
		struct smig_err e2 = SMIG_ERR_INIT;
		char *local = NULL, *why = NULL;
		int leaf = -1;

		if (store) {
			d = smig_vec_add(&vm->drives, &vm->ndrives, sizeof(*d), s->e);
			if (d == NULL)
				return -1;
			d->slot = smig_asprintf(s->e, "%s %d:%d", smig_vmconfig_ctrl_name(dr->ctrl_kind),
						dr->controller, dr->slot);
			d->pathname = smig_strdup(dr->pathname ? dr->pathname : "", s->e);
			d->disk = -1;
			switch (dr->kind) {
			case SMIG_DRIVE_VHD:
				d->kind = SMIG_INV_DRIVE_VHD;
				break;
			case SMIG_DRIVE_ISO:
				d->kind = SMIG_INV_DRIVE_ISO;
				break;
			case SMIG_DRIVE_VFD:
				d->kind = SMIG_INV_DRIVE_VFD;
				break;
			case SMIG_DRIVE_PASSTHROUGH:
				d->kind = SMIG_INV_DRIVE_PASSTHROUGH;
				break;
			default:
				d->kind = SMIG_INV_DRIVE_EMPTY;
			}
		}
		if ((dr->kind == SMIG_DRIVE_ISO || dr->kind == SMIG_DRIVE_VFD ||
		     dr->kind == SMIG_DRIVE_VHD) &&
		    (smig_winpath_dotted(dr->pathname) || smig_winpath_reserved(dr->pathname))) {
			/* Hyper-V writes no '.' or '..' (the file would be placed elsewhere than
			 * named) and NTFS holds no file named as a device */
			smig_scan_note(s, "", SMIG_SEV_ERROR, subject,
				       _("drive %s %d:%d names '%s', a path with a '.' or '..' "
				       "component or a reserved device name: refused"),
				       smig_vmconfig_ctrl_name(dr->ctrl_kind), dr->controller, dr->slot,
				       dr->pathname);
			*fatal = true;
			continue;
		}
		if (dr->kind == SMIG_DRIVE_ISO || dr->kind == SMIG_DRIVE_VFD) {
			if (dr->pathname && dr->pathname[0] &&
			    smig_hostfs_resolve(s->fs, dr->pathname, &local, &e2) == 0 && d)
				d->local = local;
			else
				free(local);
			continue;
		}
		if (dr->kind != SMIG_DRIVE_VHD)
			continue;
		if (dr->pathname == NULL || dr->pathname[0] == '\0') {
			smig_scan_note(s, "", SMIG_SEV_WARNING, subject,
				       _("hard disk drive %s %d:%d has no path"), smig_vmconfig_ctrl_name(dr->ctrl_kind),
				       dr->controller, dr->slot);
			continue;
		}
		if (smig_hostfs_resolve(s->fs, dr->pathname, &local, &e2) < 0) {
			char letter = store ? note_unmapped(s, dr->pathname, vm) : 0;

			/* an unmapped drive is said once for the host (say_unmapped) */
			if (letter)
				smig_scan_note(s, "", SMIG_SEV_ERROR, subject,
					       _("virtual hard disk '%s' is on drive %c:, which is not "
					       "mapped"),
					       dr->pathname, letter);
			else
				smig_scan_note(s, "", SMIG_SEV_ERROR, subject,
					       _("virtual hard disk: %s"), e2.msg);
			*fatal = true;
			continue;
		}
		leaf = add_chain(s, vm, local, dr->pathname, &why);
		if (leaf < 0) {
			smig_scan_note(s, "SMIG1010", SMIG_SEV_ERROR, subject, "%s",
				       why ? why : _("the differencing chain cannot be read"));
			*fatal = true;
		}
		free(why);
		if (d) {
			d->local = local;
			d->disk = leaf;
		} else {
			free(local);
		}
		if (first < 0)
			first = leaf;
	}
	return first;
}

static void scan_nics(struct smig_scan *s, struct smig_inv_vm *vm, const struct smig_vmconfig *cfg)
{
	size_t i, k, p;

	for (i = 0; i < cfg->nnics; i++) {
		const struct smig_vm_nic *c = &cfg->nics[i];
		struct smig_inv_nicvm *n = smig_vec_add(&vm->nics, &vm->nnics, sizeof(*n), s->e);
		char subject[512];

		if (n == NULL)
			return;
		n->name = smig_strdup(c->friendly_name ? c->friendly_name : "Network Adapter", s->e);
		n->legacy = c->legacy;
		n->mac_static = c->mac_static;
		n->connected = c->connected;
		n->mac = smig_strdup(c->mac ? c->mac : "", s->e);
		snprintf(subject, sizeof(subject), "vm:%s/nic:%s", vm->name, n->name);
		if (!c->mac_valid)
			smig_scan_note(s, "", SMIG_SEV_WARNING, subject,
				       _("MAC address '%s' is not 12 hexadecimal digits"),
				       c->mac ? c->mac : "");
		if (c->switch_id && c->switch_id[0]) {
			n->switch_guid = smig_strdup(c->switch_id, s->e);
			for (k = 0; k < s->inv->nswitches; k++) {
				struct smig_inv_switch *sw = &s->inv->switches[k];
				if (!smig_guid_str_equal(sw->guid, c->switch_id))
					continue;
				n->switch_name = smig_strdup(sw->name, s->e);
				for (p = 0; c->port_id && p < sw->nports; p++) {
					if (!smig_guid_str_equal(sw->ports[p].guid, c->port_id))
						continue;
					n->vlan = sw->ports[p].vlan;
					free(sw->ports[p].vm_id);
					sw->ports[p].vm_id = smig_strdup(vm->id, s->e);
				}
			}
			if (c->switch_alt_name && c->switch_alt_name[0])
				n->switch_alt_name = smig_strdup(c->switch_alt_name, s->e);
			/* the name the configuration kept says which network it was */
			if (n->switch_name == NULL && n->switch_alt_name)
				smig_scan_note(s, "", SMIG_SEV_WARNING, subject,
					       _("connected to virtual network '%s' (%s), which does not exist on the host"),
					       n->switch_alt_name, c->switch_id);
			else if (n->switch_name == NULL)
				smig_scan_note(s, "", SMIG_SEV_WARNING, subject,
					       _("connected to virtual network %s, which does not exist on the host"),
					       c->switch_id);
		}
		if (c->port_id && c->port_id[0])
			n->port_guid = smig_strdup(c->port_id, s->e);
	}
}

/* ---- saved state ---- */

/* <dir>/<ID>/<ID>.vsv and .bin (§1.4). */
static bool find_state(struct smig_scan *s, const char *dir, const char *id, char ***files)
{
	struct smig_err e2 = SMIG_ERR_INIT;
	char *sub = NULL, *f = NULL, *name;
	static const char *const ext[] = {".vsv", ".bin"};
	bool any = false;
	size_t i;

	if (smig_ci_lookup(dir, id, &sub, &e2) != 0)
		return false;
	for (i = 0; i < 2; i++) {
		name = smig_asprintf(s->e, "%s%s", id, ext[i]);
		if (name && smig_ci_lookup(sub, name, &f, &e2) == 0) {
			smig_strv_push(files, f, s->e);
			any = true;
		}
		free(name);
		free(f);
		f = NULL;
	}
	free(sub);
	return any;
}

/* ---- snapshots (§5.12) ---- */

static void scan_snapshot(struct smig_scan *s, struct smig_inv_vm *vm, const char *snapdir,
			  const char *id, bool *fatal)
{
	struct smig_err e2 = SMIG_ERR_INIT;
	struct smig_vmconfig *cfg = NULL;
	struct smig_inv_snapshot *sn;
	char *name = smig_asprintf(s->e, "%s.xml", id), *local = NULL;
	char subject[512];

	snprintf(subject, sizeof(subject), "vm:%s/snapshot:%s", vm->name, id);
	if (name == NULL || smig_ci_lookup(snapdir, name, &local, &e2) != 0) {
		smig_scan_note(s, "", SMIG_SEV_WARNING, subject,
			       _("the configuration lists snapshot %s but its file is missing"), id);
		free(name);
		return;
	}
	free(name);
	sn = smig_vec_add(&vm->snapshots, &vm->nsnapshots, sizeof(*sn), s->e);
	if (sn == NULL) {
		free(local);
		return;
	}
	sn->id = smig_strdup(id, s->e);
	sn->config_local = local;
	sn->config_winpath = smig_hostfs_to_winpath(s->fs, local, s->e);
	sn->parent = -1;
	sn->disk = -1;
	if (smig_vmconfig_load(local, sn->config_winpath ? sn->config_winpath : local, &cfg, &e2) < 0) {
		smig_scan_note(s, "", SMIG_SEV_ERROR, subject, "%s", e2.msg);
		sn->name = smig_strdup(id, s->e);
		*fatal = true;
		return;
	}
	sn->name = smig_strdup(cfg->name ? cfg->name : id, s->e);
	sn->created = cfg->creation_time;
	snprintf(subject, sizeof(subject), "vm:%s/snapshot:%s", vm->name, sn->name);
	sn->disk = scan_drives(s, vm, cfg, false, subject, fatal);
	sn->saved_state = find_state(s, snapdir, id, &sn->state_files);
	smig_vmconfig_free(cfg);
}

/* The snapshot owning disk `d` (its configuration names it), or -1. */
static int owner_of(const struct smig_inv_vm *vm, int d)
{
	size_t i;

	for (i = 0; i < vm->nsnapshots; i++)
		if (vm->snapshots[i].disk == d)
			return (int)i;
	return -1;
}

/* Nearest ancestor of disk `d` owned by a snapshot. */
static int owner_above(const struct smig_inv_vm *vm, int d)
{
	int guard = 0;

	for (d = d >= 0 ? vm->disks[d].parent : -1; d >= 0 && guard < 128;
	     d = vm->disks[d].parent, guard++) {
		int o = owner_of(vm, d);
		if (o >= 0)
			return o;
	}
	return -1;
}

static int cmp_created(const void *a, const void *b)
{
	const struct smig_inv_snapshot *x = a, *y = b;

	return (x->created > y->created) - (x->created < y->created);
}

static void derive_tree(struct smig_inv_vm *vm, int running)
{
	size_t i;
	bool have_disks = running >= 0;

	for (i = 0; i < vm->nsnapshots; i++)
		have_disks &= vm->snapshots[i].disk >= 0;
	if (!have_disks) {
		/* no resolvable disks: a flat list ordered by creation time (A27) */
		if (vm->nsnapshots > 1)
			qsort(vm->snapshots, vm->nsnapshots, sizeof(*vm->snapshots), cmp_created);
		vm->tree_verified = false;
		vm->current_parent = vm->nsnapshots ? (int)vm->nsnapshots - 1 : -1;
		return;
	}
	for (i = 0; i < vm->nsnapshots; i++)
		vm->snapshots[i].parent = owner_above(vm, vm->snapshots[i].disk);
	vm->current_parent = owner_above(vm, running);
	vm->tree_verified = true;
}

static char *parent_dir(const char *path, struct smig_err *e)
{
	char *t = smig_strdup(path, e), *d;

	if (t == NULL)
		return NULL;
	d = smig_strdup(dirname(t), e);
	free(t);
	return d;
}

/* ---- stale AVHDs ---- */

static bool disk_known(const struct smig_inventory *inv, const char *local)
{
	size_t i;

	for (i = 0; i < inv->nvms; i++)
		if (find_disk(&inv->vms[i], local) >= 0)
			return true;
	return false;
}

/* The VM owning a disk whose unique id is `id`, or NULL. */
static struct smig_inv_vm *vm_of_disk(struct smig_inventory *inv, const struct smig_guid *id)
{
	size_t i, k;

	for (i = 0; i < inv->nvms; i++)
		for (k = 0; k < inv->vms[i].ndisks; k++)
			if (smig_guid_equal(&inv->vms[i].disks[k].unique_id, id))
				return &inv->vms[i];
	return NULL;
}

/*
 * .avhd files next to the VMs' disks that no configuration uses: on 2008 R2 a deleted
 * snapshot's disk waits there for a merge that only happens while the VM is off (§5.12.7).
 * They are reported against the VM whose disk is their parent, and never migrated.
 */
static void find_stale_avhds(struct smig_scan *s)
{
	struct smig_inventory *inv = s->inv;
	char **dirs = NULL, **stale = NULL;
	size_t i, k;

	for (i = 0; i < inv->nvms; i++)
		for (k = 0; k < inv->vms[i].ndisks; k++) {
			char *d = parent_dir(inv->vms[i].disks[k].local, s->e);
			size_t j;
			bool seen = false;
			for (j = 0; d && dirs && dirs[j]; j++)
				seen |= strcmp(dirs[j], d) == 0;
			if (d && !seen)
				smig_strv_push(&dirs, d, s->e);
			free(d);
		}
	for (i = 0; dirs && dirs[i]; i++) {
		DIR *d = opendir(dirs[i]);
		struct dirent *de;
		while (d && (de = readdir(d)) != NULL) {
			char *p;
			if (!smig_endswith_ci(de->d_name, ".avhd"))
				continue;
			p = smig_path_join(dirs[i], de->d_name, s->e);
			if (p && !disk_known(inv, p))
				smig_strv_push(&stale, p, s->e);
			free(p);
		}
		if (d)
			closedir(d);
	}
	for (i = 0; stale && stale[i]; i++) {
		struct smig_vhd_info info = {0};
		struct smig_err e2 = SMIG_ERR_INIT;
		struct smig_inv_vm *vm = NULL;
		char *win = smig_hostfs_to_winpath(s->fs, stale[i], s->e), subject[512];

		if (smig_vhd_open(stale[i], win ? win : stale[i], &info, &e2) == 0) {
			vm = vm_of_disk(inv, &info.parent_id);
			smig_vhd_info_release(&info);
		}
		if (vm) {
			smig_strv_push(&vm->stale_avhds, win ? win : stale[i], s->e);
			snprintf(subject, sizeof(subject), "vm:%s", vm->name);
		} else {
			snprintf(subject, sizeof(subject), "host");
		}
		smig_scan_note(s, "", SMIG_SEV_INFO, subject,
			       _("'%s' is a differencing disk no configuration uses (a deleted "
			         "snapshot waiting for its merge?); it is not migrated"),
			       win ? win : stale[i]);
		free(win);
	}
	smig_strv_free(dirs);
	smig_strv_free(stale);
}

/* ---- one VM ---- */


static void scan_vm(struct smig_scan *s, const char *reg_local, const char *stem,
		    const char *const *roots, size_t nroots)
{
	struct smig_inventory *inv = s->inv;
	struct smig_err e2 = SMIG_ERR_INIT;
	struct smig_vmconfig *cfg = NULL;
	struct smig_inv_vm *vm;
	const char *how = NULL;
	char *target = NULL, *vmdir = NULL, *snapdir = NULL, *rootdir = NULL;
	char subject[512];
	bool fatal = false;
	int running;
	size_t i;

	vm = smig_vec_add(&inv->vms, &inv->nvms, sizeof(*vm), s->e);
	if (vm == NULL)
		return;
	vm->id = smig_strdup(stem, s->e);
	vm->current_parent = -1;
	snprintf(subject, sizeof(subject), "vm:%s", stem);
	if (smig_hostfs_registration_target(s->fs, reg_local, roots, nroots, &target, &how, &e2) < 0) {
		char *link = NULL;

		if (smig_hostfs_registration_unmapped(s->fs, reg_local, &link, s->e))
			note_unmapped(s, link, vm);
		free(link);
		vm->name = smig_strdup(stem, s->e);
		vm->error = smig_strdup(e2.msg, s->e);
		smig_scan_note(s, "", SMIG_SEV_ERROR, subject, "%s", e2.msg);
		return;
	}
	vm->config_local = target;
	vm->registration = smig_strdup(how, s->e);
	vm->config_winpath = smig_hostfs_to_winpath(s->fs, target, s->e);
	if (smig_vmconfig_load(target, vm->config_winpath ? vm->config_winpath : target, &cfg, &e2) < 0) {
		vm->name = smig_strdup(stem, s->e);
		vm->error = smig_strdup(e2.msg, s->e);
		smig_scan_note(s, "", SMIG_SEV_ERROR, subject, "%s", e2.msg);
		return;
	}
	vm->name = smig_strdup(cfg->name && cfg->name[0] ? cfg->name : stem, s->e);
	snprintf(subject, sizeof(subject), "vm:%s", vm->name);
	if (cfg->global_id && !smig_guid_str_equal(cfg->global_id, stem))
		smig_scan_note(s, "", SMIG_SEV_WARNING, subject,
			       _("the configuration's global_id %s differs from its file name %s"),
			       cfg->global_id, stem);
	for (i = 0; i < cfg->nwarnings; i++)
		smig_scan_note(s, "", SMIG_SEV_WARNING, subject, "%s", cfg->warnings[i]);
	vm->version = cfg->version;
	if (cfg->version && (cfg->version < 256 || cfg->version > 1280))
		smig_scan_note(s, "SMIG2008", SMIG_SEV_WARNING, subject,
			       _("configuration version %lld is not one smig knows (256-1280)"),
			       (long long)cfg->version);
	vm->memory_mb = cfg->memory_mb;
	vm->memory_min_mb = cfg->memory_min_mb;
	vm->memory_max_mb = cfg->memory_max_mb;
	vm->dynamic_memory = cfg->dynamic_memory;
	vm->highly_available = cfg->highly_available;
	vm->cpu_count = cfg->cpu_count;
	vm->cpu_compat = cfg->cpu_compat;

	/* data root: global_settings/data_root, else the folder holding "Virtual Machines" */
	vmdir = parent_dir(target, s->e);
	rootdir = vmdir ? parent_dir(vmdir, s->e) : NULL;
	if (cfg->data_root)
		vm->data_root = smig_strdup(cfg->data_root, s->e);
	else if (rootdir)
		vm->data_root = smig_hostfs_to_winpath(s->fs, rootdir, s->e);

	running = scan_drives(s, vm, cfg, true, subject, &fatal);
	scan_nics(s, vm, cfg);
	vm->saved_state = vmdir && find_state(s, vmdir, stem, &vm->state_files);

	/* snapshots: the list in the configuration; files under <snapshot root>\Snapshots */
	if (cfg->snapshot_data_root) {
		char *l = NULL;
		if (smig_hostfs_resolve(s->fs, cfg->snapshot_data_root, &l, &e2) == 0)
			smig_ci_lookup(l, "Snapshots", &snapdir, &e2);
		free(l);
	} else if (rootdir) {
		smig_ci_lookup(rootdir, "Snapshots", &snapdir, &e2);
	}
	for (i = 0; i < cfg->nsnapshots; i++) {
		if (snapdir == NULL) {
			smig_scan_note(s, "", SMIG_SEV_WARNING, subject,
				       _("the configuration lists %zu snapshots but there is no Snapshots folder"),
				       cfg->nsnapshots);
			break;
		}
		scan_snapshot(s, vm, snapdir, cfg->snapshot_ids[i], &fatal);
	}
	derive_tree(vm, running);
	if (fatal)
		vm->error = smig_strdup(_("one or more virtual hard disks cannot be read"), s->e);
	free(vmdir);
	free(rootdir);
	free(snapdir);
	smig_vmconfig_free(cfg);
}

/* ---- a running source's VM states (facts folder) ---- */

static bool have_vm(const struct smig_inventory *inv, const char *id)
{
	size_t i;

	for (i = 0; i < inv->nvms; i++)
		if (smig_guid_str_equal(inv->vms[i].id, id))
			return true;
	return false;
}

/*
 * VMs the collector lists whose registration entry the share does not show (a reparse point
 * it hides): searched for as a 0-byte entry is, and reported once for all of them.
 */
static void scan_unlisted(struct smig_scan *s, const char *regdir, const char *const *roots,
			  size_t nroots)
{
	struct smig_strbuf names = SMIG_STRBUF_INIT;
	size_t i, n = 0;

	for (i = 0; i < s->facts->nvms && s->e->kind == SMIG_ERR_NONE; i++) {
		const struct smig_facts_vm *fv = &s->facts->vms[i];
		char *entry;

		if (have_vm(s->inv, fv->id))
			continue;
		entry = smig_asprintf(s->e, "%s/%s.xml", regdir, fv->id);
		if (entry)
			scan_vm(s, entry, fv->id, roots, nroots);
		free(entry);
		smig_strbuf_printf(&names, "%s'%s' (%s)", n++ ? ", " : "", fv->name, fv->id);
	}
	if (n && smig_strbuf_check(&names, s->e) == 0)
		smig_scan_note(s, "", SMIG_SEV_INFO, "host",
			       P_("the share shows no registration entry for %zu VM the collector "
			          "lists (%s): its configuration was searched for in the data roots",
			          "the share shows no registration entry for %zu VMs the collector "
			          "lists (%s): their configurations were searched for in the data roots",
			          n),
			       n, names.buf);
	smig_strbuf_release(&names);
}

/* Each VM's state from the collector: only a VM that is off or saved may be read. */
static void apply_states(struct smig_scan *s)
{
	size_t i;

	for (i = 0; i < s->inv->nvms; i++) {
		struct smig_inv_vm *vm = &s->inv->vms[i];
		const struct smig_facts_vm *fv = smig_facts_find_vm(s->facts, vm->id);
		char buf[32], subject[512];
		const char *st = fv ? smig_facts_state_name(fv->state, buf, sizeof(buf))
				    : "not listed";

		vm->power_state = smig_strdup(st, s->e);
		vm->must_shut_down = fv == NULL || !smig_facts_state_at_rest(fv->state);
		if (!vm->must_shut_down)
			continue;
		snprintf(subject, sizeof(subject), "vm:%s", vm->name ? vm->name : vm->id);
		if (fv)
			smig_problems_add(&s->inv->problems, "", SMIG_SEV_BLOCKER, subject,
					  _("Shut the VM down (or save it) in Hyper-V Manager, run "
					    "collect.cmd again and copy the new facts folder"),
					  NULL, s->e,
					  _("the VM is %s on the source (EnabledState %u in %s): its disks "
					    "change while they are read; it must be shut down first"),
					  st, (unsigned)fv->state, SMIG_FACTS_VMS);
		else
			smig_problems_add(&s->inv->problems, "", SMIG_SEV_BLOCKER, subject,
					  _("Check that the VM is registered and off, run collect.cmd "
					    "again and copy the new facts folder"),
					  NULL, s->e,
					  _("the VM is not in the collector's list of VMs (%s): its state "
					    "is unknown, so its disks may be changing"),
					  SMIG_FACTS_VMS);
	}
}

static int cmp_vm(const void *a, const void *b)
{
	const struct smig_inv_vm *x = a, *y = b;

	return strcasecmp(x->name ? x->name : "", y->name ? y->name : "");
}

int smig_vmscan_read(struct smig_scan *s)
{
	struct smig_err e2 = SMIG_ERR_INIT;
	char *regdir = NULL, *dataroot = NULL;
	size_t nfacts = s->facts ? s->facts->nvms : 0;
	const char **roots = NULL;
	char **vmroots = NULL; /* the facts' per-VM data roots, resolved (owned) */
	size_t nroots = 0, nvmroots = 0, i;
	struct dirent **ents = NULL;
	int n, k;

	k = smig_hostfs_lookup(s->fs, SMIG_HYPERV_VMS_REL, &regdir, &e2);
	if (k < 0 || (k == 1 && nfacts == 0)) {
		if (e2.kind != SMIG_ERR_NONE)
			smig_scan_note(s, "", SMIG_SEV_ERROR, "host", "%s", e2.msg);
		return 0;
	}
	/* a share hiding the whole registration folder: the collector's VMs are still searched */
	if (k == 1 && (regdir = smig_path_join(smig_hostfs_root(s->fs), SMIG_HYPERV_VMS_REL,
					       s->e)) == NULL)
		return -1;
	s->inv->hyperv = true;
	note_unmapped(s, s->inv->host.data_root, NULL);
	note_unmapped(s, s->inv->host.vhd_path, NULL);
	roots = calloc(28 + nfacts, sizeof(*roots));
	vmroots = calloc(nfacts + 1, sizeof(*vmroots));
	if (roots == NULL || vmroots == NULL) {
		free(roots);
		free(vmroots);
		free(regdir);
		return smig_err_nomem(s->e, _("reading the VMs"));
	}
	if (s->inv->host.data_root &&
	    smig_hostfs_resolve(s->fs, s->inv->host.data_root, &dataroot, &e2) == 0)
		roots[nroots++] = dataroot;
	/* a running source: each VM's own data root, from the collector (facts.h) */
	for (i = 0; i < nfacts; i++) {
		const char *dr = s->facts->vms[i].data_root;
		smig_err_clear(&e2);
		if (dr && smig_hostfs_resolve(s->fs, dr, &vmroots[nvmroots], &e2) == 0)
			roots[nroots++] = vmroots[nvmroots++];
	}
	for (k = 'A'; k <= 'Z'; k++) {
		const char *d = smig_hostfs_drive_dir(s->fs, (char)k);
		if (d)
			roots[nroots++] = d;
	}
	n = scandir(regdir, &ents, NULL, alphasort);
	if (n < 0 && errno == ENOENT && nfacts) {
		n = 0;
	} else if (n < 0) {
		smig_scan_note(s, "", SMIG_SEV_ERROR, "host", _("cannot list '%s': %s"),
			       SMIG_HYPERV_VMS_REL, strerror(errno));
		n = 0;
	}
	for (k = 0; k < n; k++) {
		const char *nm = ents[k]->d_name;
		size_t len = strlen(nm);
		struct smig_guid g;
		char stem[SMIG_GUID_BUFSZ], *local;

		if (!smig_endswith_ci(nm, ".xml") || !smig_guid_parse_n(nm, len - 4, &g))
			continue;
		smig_guid_format(&g, SMIG_GUID_UPPER, stem);
		local = smig_path_join(regdir, nm, s->e);
		if (local)
			scan_vm(s, local, stem, roots, nroots);
		free(local);
		if (s->e->kind != SMIG_ERR_NONE)
			break;
	}
	for (k = 0; k < n; k++)
		free(ents[k]);
	free(ents);
	if (s->facts && s->e->kind == SMIG_ERR_NONE) {
		scan_unlisted(s, regdir, roots, nroots);
		apply_states(s);
	}
	if (s->inv->nvms > 1)
		qsort(s->inv->vms, s->inv->nvms, sizeof(*s->inv->vms), cmp_vm);
	find_stale_avhds(s);
	(void)say_unmapped(s); /* fails only as s->e says */
	/* ports no VM uses (A37) */
	for (i = 0; i < s->inv->nswitches; i++) {
		const struct smig_inv_switch *sw = &s->inv->switches[i];
		size_t p;
		for (p = 0; p < sw->nports; p++)
			if (sw->ports[p].vm_id == NULL && !sw->ports[p].host)
				smig_scan_note(s, "", SMIG_SEV_INFO, sw->name,
					       _("port '%s' is used by no virtual machine; it is not migrated"),
					       sw->ports[p].name ? sw->ports[p].name : sw->ports[p].guid);
	}
	free(regdir);
	free(dataroot);
	for (i = 0; i < nvmroots; i++)
		free(vmroots[i]);
	free(vmroots);
	free(roots);
	return s->e->kind == SMIG_ERR_NONE ? 0 : -1;
}
