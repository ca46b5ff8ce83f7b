/*
 * prepare.c - turning the plan into apply's operation list (session.h prepare_ops). Every new
 * file is built before the first change: the changed hives and rewritten VM configurations
 * under <journal>/prepared/, re-parented differencing disks in the staging area (both ours).
 * The operations then only create folders, rename finished files into place and make links,
 * in the order of issue 4: host settings, authorization store, virtual networks with VMQ and
 * IP settings, then the VMs (disks, snapshots, state, configuration, registration last, so a
 * VM is registered only once everything it names is there).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fileio.h"
#include "hive.h"
#include "hostedit.h"
#include "regmap.h"
#include "scan.h"
#include "session.h"
#include "strbuf.h"
#include "vhd.h"
#include "vmconfig.h"
#include "winval.h"

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
		char *what = smig_asprintf(x->e, "create folder %s", dir);

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

/* ---- hives ---- */

static int open_hive(struct prep *x, const char *rel, const char *what, struct smig_hive **h,
		     char **local)
{
	bool dirty = false;
	int r = smig_hostfs_lookup(x->s->fs, rel, local, x->e);

	if (r < 0)
		return -1;
	if (r == 1)
		return smig_err_set(x->e, SMIG_ERR_FORMAT, "the destination has no %s hive (%s)",
				    what, rel);
	if (x->dry)
		return 0;
	return smig_hive_open(*local, what, true, &dirty, h, x->e);
}

static int finish_hive(struct prep *x, struct smig_hive *h, const char *local, const char *name,
		       const char *what)
{
	char *out = prepared(x, name);
	int rc = -1;

	if (!out)
		return -1;
	if (!x->dry && smig_hive_commit(h, out, x->e) < 0)
		goto out;
	rc = add_file(x, out, local, what);
out:
	free(out);
	return rc;
}

static int software_hive(struct prep *x)
{
	struct smig_plan *p = x->p;
	const struct smig_inventory *src = p->src;
	struct smig_hostedit_virt v = {0};
	struct smig_hive *h = NULL;
	char *local = NULL, *store = NULL, *what = NULL;
	char a[18], b[18];
	int rc = -1;

	if (!p->set_data_root && !p->set_vhd_path && !p->set_mac_range && !p->set_store_location)
		return 0;
	if (p->set_data_root)
		v.data_root = p->data_root;
	if (p->set_vhd_path)
		v.vhd_path = p->vhd_path;
	if (p->set_mac_range) {
		v.has_mac = true;
		v.mac_min = src->host.mac_min;
		v.mac_max = src->host.mac_max;
	}
	if (p->set_store_location) {
		store = smig_asprintf(x->e, "%s%s", SMIG_STORE_FILE_PREFIX, p->store_winpath);
		if (!store)
			goto out;
		v.store_location = store;
	}
	smig_mac_format(&v.mac_min, a);
	smig_mac_format(&v.mac_max, b);
	what = smig_asprintf(x->e, "host settings (SOFTWARE hive):%s%s%s%s%s%s%s%s%s%s",
			     v.data_root ? " DefaultExternalDataRoot=" : "",
			     v.data_root ? v.data_root : "",
			     v.vhd_path ? " DefaultVirtualHardDiskPath=" : "",
			     v.vhd_path ? v.vhd_path : "",
			     v.has_mac ? " MAC range " : "", v.has_mac ? a : "",
			     v.has_mac ? ".." : "", v.has_mac ? b : "",
			     store ? " StoreLocation=" : "", store ? store : "");
	if (!what || open_hive(x, SMIG_HIVE_SOFTWARE_PATH, "SOFTWARE", &h, &local) < 0)
		goto out;
	if (!x->dry && smig_hostedit_virtualization(h, &v, x->e) < 0)
		goto out;
	rc = finish_hive(x, h, local, "SOFTWARE", what);
out:
	smig_hive_close(h);
	free(local);
	free(store);
	free(what);
	return rc;
}

static void tcpip_of(const struct smig_inv_nic *n, struct smig_tcpip *t)
{
	t->dhcp = n->dhcp;
	t->ip = n->ip;
	t->mask = n->mask;
	t->gateway = n->gateway;
	t->dns = n->dns;
}

static bool vm_selected(const struct smig_plan *p, const char *vm_id)
{
	for (size_t i = 0; vm_id && i < p->nvms; i++)
		if (p->vms[i].selected && smig_guid_str_equal(p->vms[i].src->id, vm_id))
			return true;
	return false;
}

/* Write the networks into the open SYSTEM hive; *n counts the changes described. */
static int networks(struct prep *x, struct smig_hive *h, struct smig_strbuf *what)
{
	struct smig_plan *p = x->p;
	bool ip = p->opts->ipmode == SMIG_IPMODE_NIC || p->opts->ipmode == SMIG_IPMODE_ALL;

	for (size_t i = 0; i < p->nswitches; i++) {
		const struct smig_plan_switch *ps = &p->switches[i];
		const struct smig_inv_switch *s = ps->src;

		if (ps->exists)
			continue;
		smig_strbuf_printf(what, "; network '%s' (%s%s)", s->name ? s->name : s->guid,
				   smig_switch_type_name(ps->type),
				   ps->downgraded ? ", was external" : "");
		if (x->dry)
			continue;
		if (smig_hostedit_switch(h, ps->guid, s->name ? s->name : ps->guid, x->e) < 0)
			return -1;
		for (size_t k = 0; k < s->nports; k++) {
			const struct smig_inv_port *port = &s->ports[k];

			if (port->host || !vm_selected(p, port->vm_id))
				continue;
			if (smig_hostedit_port(h, ps->guid, port->guid,
					       port->name ? port->name : port->guid, port->vlan,
					       x->e) < 0)
				return -1;
		}
		if (ps->bind_nic &&
		    smig_hostedit_bind(h, ps->bind_nic->guid, ps->guid, NULL, x->e) < 0)
			return -1;
		if (ps->host_vnic) {
			struct smig_tcpip t = {.dhcp = true};
			char *conn = smig_asprintf(x->e, "vEthernet (%s)", s->name ? s->name : ps->guid);
			char *pname = smig_asprintf(x->e, "Host Vnic %s", ps->guid);
			struct smig_hostedit_vnic v = {ps->host_vnic, ps->guid, ps->host_vnic_port,
						       conn, conn, NULL};
			int rc;

			if (ip && ps->src_host_vnic && ps->src_host_vnic->has_tcpip) {
				tcpip_of(ps->src_host_vnic, &t);
				v.tcpip = &t;
			}
			rc = conn && pname ? 0 : -1;
			if (rc == 0)
				rc = smig_hostedit_port(h, ps->guid, ps->host_vnic_port, pname, 0, x->e);
			if (rc == 0)
				rc = smig_hostedit_host_vnic(h, &v, x->e);
			free(conn);
			free(pname);
			if (rc < 0)
				return -1;
		}
	}
	return 0;
}

static int system_hive(struct prep *x)
{
	struct smig_plan *p = x->p;
	const struct smig_inventory *src = p->src;
	bool ip = p->opts->ipmode == SMIG_IPMODE_NIC || p->opts->ipmode == SMIG_IPMODE_ALL;
	struct smig_strbuf what = SMIG_STRBUF_INIT;
	struct smig_hive *h = NULL;
	char *local = NULL, *text = NULL;
	bool any = p->set_vmq || (ip && p->nnicmap);
	int rc = -1;

	for (size_t i = 0; i < p->nswitches && p->hyperv; i++)
		any |= !p->switches[i].exists;
	if (!any)
		return 0;
	smig_strbuf_puts(&what, "virtual networks, VMQ and IP settings (SYSTEM hive)");
	if (open_hive(x, SMIG_HIVE_SYSTEM_PATH, "SYSTEM", &h, &local) < 0)
		goto out;
	if (p->hyperv && networks(x, h, &what) < 0)
		goto out;
	if (p->set_vmq) {
		smig_strbuf_printf(&what, "; VMQ TenGig=%d BelowTenGig=%d", src->host.vmq_tengig,
				   src->host.vmq_below_tengig);
		if (!x->dry && smig_hostedit_vmq(h, src->host.vmq_tengig, src->host.vmq_below_tengig,
						 x->e) < 0)
			goto out;
	}
	for (size_t i = 0; ip && i < p->nnicmap; i++) {
		const struct smig_inv_nic *sn = p->nicmap[i].src, *dn = p->nicmap[i].dst;
		struct smig_tcpip t;

		smig_strbuf_printf(&what, "; IP settings of '%s' on '%s'",
				   sn->connection_name ? sn->connection_name : sn->guid,
				   dn->connection_name ? dn->connection_name : dn->guid);
		if (x->dry)
			continue;
		tcpip_of(sn, &t);
		if (sn->has_tcpip && smig_hostedit_tcpip(h, dn->guid, &t, x->e) < 0)
			goto out;
		if (sn->vmq >= 0 && smig_hostedit_nic_vmq(h, dn->guid, sn->vmq == 1, x->e) < 0)
			goto out;
	}
	text = smig_strbuf_take(&what, NULL);
	if (!text) {
		smig_err_nomem(x->e, "describing the SYSTEM hive changes");
		goto out;
	}
	rc = finish_hive(x, h, local, "SYSTEM", text);
out:
	smig_strbuf_release(&what);
	smig_hive_close(h);
	free(local);
	free(text);
	return rc;
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
	for (size_t i = 0; i < cfg->nnics; i++) {
		const struct smig_vm_nic *n = &cfg->nics[i];
		const struct smig_plan_switch *ps;

		if (!n->switch_id || !*n->switch_id)
			continue;
		ps = smig_plan_find_switch(x->p, n->switch_id);
		if (smig_vmconfig_set_nic_switch(cfg, i, ps ? ps->guid : NULL,
						 ps ? n->port_id : NULL, x->e) < 0)
			goto out;
	}
	if (smig_vmconfig_set_version(cfg, 1024, x->e) < 0)
		goto out;
	if (!snapshot) {
		if (x->p->opts->new_id && smig_vmconfig_set_id(cfg, pv->id, x->e) < 0)
			goto out;
		if (smig_vmconfig_set_cpu_compat(cfg, pv->cpu_compat, x->e) < 0)
			goto out;
	}
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

static int vm_ops(struct prep *x, const struct smig_plan_vm *pv)
{
	const char *name = vm_label(pv);
	char *what = NULL, *out = NULL;
	int rc = -1;

	/* disks: base disks before their children, re-parented in staging first */
	for (size_t k = 0; k < pv->ndisks; k++) {
		const struct smig_plan_disk *pd = &pv->disks[k];
		const char *src = pd->member ? staged_path(x, pd->member) : NULL;

		if (!pd->member || !pd->local)
			continue;
		if (!src)
			return smig_err_set(x->e, SMIG_ERR_INTEGRITY, "'%s': listed in the "
					    "descriptor but not staged", pd->member);
		if (pd->reparent && !x->dry) {
			const struct smig_plan_disk *par = &pv->disks[pd->src->parent];
			const char *psrc = par->member ? staged_path(x, par->member) : NULL;

			if (!psrc)
				return smig_err_set(x->e, SMIG_ERR_FORMAT, "'%s': its parent is not "
						    "in the archive, it cannot be re-parented",
						    pd->winpath);
			if (smig_vhd_reparent(src, psrc, pd->parent_winpath, pd->parent_relative,
					      pd->parent_winpath, x->e) < 0)
				return -1;
		}
		what = smig_asprintf(x->e, "VM %s: disk %s%s%s", name, pd->winpath,
				     pd->reparent ? ", parent now " : "",
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

		if (config || !f->local)
			continue;
		if (!src)
			return smig_err_set(x->e, SMIG_ERR_INTEGRITY, "'%s': listed in the "
					    "descriptor but not staged", f->member);
		if (snap) {
			char *name2 = smig_asprintf(x->e, "snapshot-%s-%zu.xml", pv->id, k);

			out = name2 ? prepared(x, name2) : NULL;
			free(name2);
			if (!out || (!x->dry && rewrite_config(x, pv, src, true, out) < 0))
				goto out;
			src = out;
		}
		what = smig_asprintf(x->e, "VM %s: %s %s", name, f->role, f->winpath);
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
			return smig_err_set(x->e, SMIG_ERR_INTEGRITY, "'%s': listed in the "
					    "descriptor but not staged", f->member);
		name2 = smig_asprintf(x->e, "vm-%s.xml", pv->id);
		out = name2 ? prepared(x, name2) : NULL;
		free(name2);
		if (!out || (!x->dry && rewrite_config(x, pv, src, false, out) < 0))
			goto out;
		what = smig_asprintf(x->e, "VM %s: configuration %s (version 1024%s)", name,
				     pv->config_winpath, x->p->opts->new_id ? ", new id" : "");
		if (!what || add_file(x, out, f->local, what) < 0)
			goto out;
		free(what);
		free(out);
		what = out = NULL;
	}
	if (pv->registration_link && pv->registration_local) {
		what = smig_asprintf(x->e, "VM %s: registration link -> %s", name,
				     pv->config_winpath);
		if (!what || need_dirs(x, pv->registration_local) < 0 ||
		    smig_journal_add(x->j, SMIG_OP_SYMLINK, pv->registration_local,
				     pv->config_winpath, what, x->e) < 0)
			goto out;
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
	if (p->hyperv && software_hive(&x) < 0)
		goto out;
	if (p->hyperv && p->store_copy) {
		const char *src = staged_path(&x, p->store_member);
		char *what = smig_asprintf(e, "authorization store %s", p->store_winpath);

		rc = what && src ? add_file(&x, src, p->store_local, what) : -1;
		free(what);
		if (rc < 0)
			goto out;
		rc = -1;
	}
	if (system_hive(&x) < 0)
		goto out;
	for (size_t i = 0; p->hyperv && i < p->nvms; i++)
		if (p->vms[i].selected && vm_ops(&x, &p->vms[i]) < 0)
			goto out;
	rc = 0;
out:
	smig_strv_free(x.dirs);
	free(pdir);
	return rc;
}
