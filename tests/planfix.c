/* planfix.c - see planfix.h. */
#include "planfix.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

int tu_lab_group_setup(void **state)
{
	struct tu_lab *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->dir = tu_mkdtemp();
	f->srcdir = tu_fmt("%s/src", f->dir);
	f->dstdir = tu_fmt("%s/dst", f->dir);
	tu_build_example("lab-2008r2", f->srcdir);
	tu_build_example("lab-2012", f->dstdir);
	*state = f;
	return 0;
}

int tu_lab_group_teardown(void **state)
{
	struct tu_lab *f = *state;

	tu_rmtree(f->dir);
	free(f->dir);
	free(f->srcdir);
	free(f->dstdir);
	free(f);
	return 0;
}

int tu_lab_setup(void **state)
{
	struct tu_lab *f = *state;

	f->src = tu_read_host(f->srcdir);
	f->dst = tu_read_host(f->dstdir);
	return 0;
}

int tu_lab_teardown(void **state)
{
	struct tu_lab *f = *state;

	smig_inventory_free(f->src);
	smig_inventory_free(f->dst);
	f->src = f->dst = NULL;
	return 0;
}

void tu_set_str(char **slot, const char *s)
{
	free(*slot);
	*slot = strdup(s);
}

const char *tu_winbase(const char *winpath)
{
	const char *b = strrchr(winpath, '\\');

	return b ? b + 1 : winpath;
}

size_t tu_vm_index(const struct smig_inventory *inv, const char *name_or_id)
{
	size_t i;

	for (i = 0; i < inv->nvms; i++)
		if (strcmp(inv->vms[i].name, name_or_id) == 0 ||
		    strcmp(inv->vms[i].id, name_or_id) == 0)
			return i;
	fail_msg("no VM %s", name_or_id);
	return 0;
}

size_t tu_drive_index(const struct smig_inv_vm *v, enum smig_drive_kind_inv kind)
{
	size_t j;

	for (j = 0; j < v->ndrives; j++)
		if (v->drives[j].kind == kind && v->drives[j].pathname[0])
			return j;
	fail_msg("VM %s has no drive of kind %d", v->name, (int)kind);
	return 0;
}

void tu_plan_init(struct tu_plan *t, const struct tu_lab *f, const struct smig_inventory *src)
{
	size_t i, k;

	memset(t, 0, sizeof(*t));
	t->desc.archive_id = (char *)LAB_ARCHIVE_ID;
	t->p.desc = &t->desc;
	t->p.src = src;
	t->p.dst = f->dst;
	t->p.opts = &t->opts;
	t->p.hyperv = true;
	t->p.nswitches = src->nswitches;
	t->p.switches = calloc(src->nswitches + 1, sizeof(*t->p.switches));
	for (i = 0; i < src->nswitches; i++) {
		t->p.switches[i].src = &src->switches[i];
		t->p.switches[i].guid = strdup(src->switches[i].guid);
		t->p.switches[i].type = src->switches[i].type;
	}
	t->p.nvms = src->nvms;
	t->p.vms = calloc(src->nvms + 1, sizeof(*t->p.vms));
	for (i = 0; i < src->nvms; i++) {
		struct smig_plan_vm *v = &t->p.vms[i];
		const struct smig_inv_vm *s = &src->vms[i];

		v->src = s;
		v->selected = true;
		v->id = strdup(s->id);
		v->data_root = strdup("D:\\Hyper-V");
		v->config_winpath = tu_fmt("D:\\Hyper-V\\Virtual Machines\\%s.xml", s->id);
		v->drive_emptied = calloc(s->ndrives + 1, sizeof(bool));
		v->ndisks = s->ndisks;
		v->disks = calloc(s->ndisks + 1, sizeof(*v->disks));
		for (k = 0; k < s->ndisks; k++) {
			v->disks[k].src = &s->disks[k];
			v->disks[k].winpath =
			    tu_fmt("D:\\VHD\\%s", tu_winbase(s->disks[k].winpath));
		}
		v->nfiles = 1 + s->nsnapshots;
		v->files = calloc(v->nfiles, sizeof(*v->files));
		v->files[0].role = "config";
		v->files[0].winpath = strdup(v->config_winpath);
		for (k = 0; k < s->nsnapshots; k++) {
			v->files[1 + k].role = "snapshot-config";
			v->files[1 + k].winpath =
			    tu_fmt("D:\\Hyper-V\\Snapshots\\%s.xml", s->snapshots[k].id);
		}
	}
}

void tu_plan_free(struct tu_plan *t)
{
	size_t i, k;

	for (i = 0; i < t->p.nswitches; i++)
		free(t->p.switches[i].guid);
	free(t->p.switches);
	for (i = 0; i < t->p.nvms; i++) {
		struct smig_plan_vm *v = &t->p.vms[i];

		free(v->id);
		free(v->data_root);
		free(v->config_winpath);
		free(v->drive_emptied);
		for (k = 0; k < v->ndisks; k++)
			free(v->disks[k].winpath);
		free(v->disks);
		for (k = 0; k < v->nfiles; k++)
			free(v->files[k].winpath);
		free(v->files);
	}
	free(t->p.vms);
}

void tu_plan_lab(struct tu_plan *t, const struct tu_lab *f)
{
	size_t i, sql, web, dc;

	tu_plan_init(t, f, f->src);
	for (i = 0; i < t->p.nswitches; i++) {
		struct smig_plan_switch *s = &t->p.switches[i];

		if (strcmp(s->src->name, "External LAN") != 0)
			continue;
		s->downgraded = true;
		s->type = SMIG_SWITCH_INTERNAL;
		s->src_host_vnic = smig_inventory_find_nic(f->src, s->src->host_vnic);
		assert_non_null(s->src_host_vnic);
	}
	sql = tu_vm_index(f->src, LAB_SQL01);
	web = tu_vm_index(f->src, LAB_WEB01);
	dc = tu_vm_index(f->src, LAB_DC01);
	t->p.vms[sql].drive_emptied[tu_drive_index(&f->src->vms[sql], SMIG_INV_DRIVE_PASSTHROUGH)] =
	    true;
	t->p.vms[web].drive_emptied[tu_drive_index(&f->src->vms[web], SMIG_INV_DRIVE_ISO)] = true;
	t->p.vms[dc].drive_emptied[tu_drive_index(&f->src->vms[dc], SMIG_INV_DRIVE_VFD)] = true;
	t->p.vms[sql].saved_state_dropped = true;
}
