/*
 * test_manualsteps.c - the SMIG3xxx manual steps of a hand-built plan over the example hosts
 * (lab-2008r2 -> lab-2012): ids in order, exact commands (migrate.ps1 with the parameter a step
 * needs, or none when migrate.ps1 does the step), hostile names kept out of commands, the plan
 * with nothing to do; rejecting twins: a plan VM without a GUID, a malformed drive slot, a
 * plan without its source.
 */
#include "testutil.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostfs.h"
#include "importplan.h"
#include "inventory.h"
#include "manualsteps.h"

#define ARCHIVE_ID "d804e301-f7a8-4206-b1ac-197a836253e3"
#define SQL01 "8A3C5E7F-0A1B-4C2D-8E3F-4A5B6C7D8E02"
#define WEB01 "6F0B2E9A-41C3-4B8E-9E5B-1D2C3A4B5C01"
#define DC01 "2C4D6E8F-1A2B-4C3D-9E4F-5A6B7C8D9E03"
#define EXTLAN "A1E0F6C2-3B4D-4E5F-8A9B-0C1D2E3F4A01"
#define RSQ "\xE2\x80\x99" /* U+2019 RIGHT SINGLE QUOTATION MARK */

struct fx {
	char *dir, *srcdir, *dstdir;
	struct smig_inventory *src, *dst;
};

/* A plan over the example hosts, built by hand (importplan.c computes the real one). */
struct tplan {
	struct smig_plan p;
	struct smig_descriptor desc;
	struct smig_import_opts opts;
};

/* The example hosts are built once; each test reads them afresh, so it may change its
 * models (strings it replaces are malloc'd and freed with the inventory). */
static int group_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->dir = tu_mkdtemp();
	f->srcdir = tu_fmt("%s/src", f->dir);
	f->dstdir = tu_fmt("%s/dst", f->dir);
	tu_build_example("lab-2008r2", f->srcdir);
	tu_build_example("lab-2012", f->dstdir);
	*state = f;
	return 0;
}

static int group_teardown(void **state)
{
	struct fx *f = *state;

	tu_rmtree(f->dir);
	free(f->dir);
	free(f->srcdir);
	free(f->dstdir);
	free(f);
	return 0;
}

static int setup(void **state)
{
	struct fx *f = *state;

	f->src = tu_read_host(f->srcdir);
	f->dst = tu_read_host(f->dstdir);
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	smig_inventory_free(f->src);
	smig_inventory_free(f->dst);
	f->src = f->dst = NULL;
	return 0;
}

/* Replace a model string by a malloc'd copy of `s`. */
static void set_str(char **slot, const char *s)
{
	free(*slot);
	*slot = strdup(s);
}

static const char *basename_win(const char *w)
{
	const char *b = strrchr(w, '\\');

	return b ? b + 1 : w;
}

static size_t vm_index(const struct smig_inventory *inv, const char *name)
{
	size_t i;

	for (i = 0; i < inv->nvms; i++)
		if (strcmp(inv->vms[i].name, name) == 0 || strcmp(inv->vms[i].id, name) == 0)
			return i;
	fail_msg("no VM %s", name);
	return 0;
}

static size_t drive_index(const struct smig_inv_vm *v, enum smig_drive_kind_inv kind)
{
	size_t j;

	for (j = 0; j < v->ndrives; j++)
		if (v->drives[j].kind == kind && v->drives[j].pathname[0])
			return j;
	fail_msg("VM %s has no drive of kind %d", v->name, (int)kind);
	return 0;
}

/* Every source VM selected and placed under D:\Hyper-V and D:\VHD; nothing emptied. */
static void plan_init(struct tplan *t, const struct fx *f, const struct smig_inventory *src)
{
	size_t i, k;

	memset(t, 0, sizeof(*t));
	t->desc.archive_id = (char *)ARCHIVE_ID;
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
		v->registration_link = true;
		v->drive_emptied = calloc(s->ndrives + 1, sizeof(bool));
		v->ndisks = s->ndisks;
		v->disks = calloc(s->ndisks + 1, sizeof(*v->disks));
		for (k = 0; k < s->ndisks; k++) {
			v->disks[k].src = &s->disks[k];
			v->disks[k].winpath =
			    tu_fmt("D:\\VHD\\%s", basename_win(s->disks[k].winpath));
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

static void plan_free(struct tplan *t)
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

/* The brief's plan: External LAN downgraded, sql01's pass-through disk, web01's ISO and
 * dc01's floppy emptied, sql01's saved state dropped. */
static void plan_lab(struct tplan *t, const struct fx *f)
{
	size_t i, sql, web, dc;

	plan_init(t, f, f->src);
	for (i = 0; i < t->p.nswitches; i++) {
		struct smig_plan_switch *s = &t->p.switches[i];

		if (strcmp(s->src->name, "External LAN") != 0)
			continue;
		s->downgraded = true;
		s->type = SMIG_SWITCH_INTERNAL;
		s->src_host_vnic = smig_inventory_find_nic(f->src, s->src->host_vnic);
		assert_non_null(s->src_host_vnic);
	}
	sql = vm_index(f->src, SQL01);
	web = vm_index(f->src, WEB01);
	dc = vm_index(f->src, DC01);
	t->p.vms[sql].drive_emptied[drive_index(&f->src->vms[sql], SMIG_INV_DRIVE_PASSTHROUGH)] =
	    true;
	t->p.vms[web].drive_emptied[drive_index(&f->src->vms[web], SMIG_INV_DRIVE_ISO)] = true;
	t->p.vms[dc].drive_emptied[drive_index(&f->src->vms[dc], SMIG_INV_DRIVE_VFD)] = true;
	t->p.vms[sql].saved_state_dropped = true;
}

static const struct smig_problem *find(const struct smig_problems *l, const char *id,
                                       const char *subject)
{
	size_t i;

	for (i = 0; i < l->count; i++)
		if (strcmp(l->items[i].id, id) == 0 && strcmp(l->items[i].subject, subject) == 0)
			return &l->items[i];
	fail_msg("no %s %s", id, subject);
	return NULL;
}

static void test_ids_in_order(void **state)
{
	static const char *const want[] = {
	    "SMIG3001", "SMIG3002", "SMIG3003", "SMIG3004", "SMIG3009", "SMIG3009", "SMIG3009",
	    "SMIG3009", "SMIG3005", "SMIG3006", "SMIG3007", "SMIG3010", "SMIG3011", "SMIG3012",
	};
	struct fx *f = *state;
	struct tplan t;
	struct smig_problems l = {0};
	struct smig_err e = SMIG_ERR_INIT;
	size_t i;

	plan_lab(&t, f);
	assert_int_equal(smig_manual_steps(&t.p, &l, &e), 0);
	for (i = 0; i < l.count && i < sizeof(want) / sizeof(want[0]); i++)
		if (strcmp(l.items[i].id, want[i]) != 0)
			fail_msg("item %zu is %s %s, want %s", i, l.items[i].id, l.items[i].subject,
			         want[i]);
	assert_int_equal(l.count, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < l.count; i++) {
		assert_int_equal(l.items[i].severity, SMIG_SEV_MANUAL);
		assert_non_null(l.items[i].message);
		assert_non_null(l.items[i].action);
	}
	/* 3009 follows the source's VM order */
	for (i = 0; i < f->src->nvms; i++)
		assert_true(strcmp(l.items[4 + i].subject + 3, f->src->vms[i].name) == 0);
	assert_string_equal(l.items[8].subject, "firewall:{7A2E0C44-19B3-4F1D-A6C5-2B9E8D7F6A55}");
	assert_string_equal(l.items[11].subject, "vm:sql01");
	assert_string_equal(l.items[12].subject, "source:HV-SRC01");
	smig_problems_release(&l);
	plan_free(&t);
}

static void test_commands_exact(void **state)
{
	struct fx *f = *state;
	struct tplan t;
	struct smig_problems l = {0};
	struct smig_err e = SMIG_ERR_INIT;
	const struct smig_problem *it;

	plan_lab(&t, f);
	assert_int_equal(smig_manual_steps(&t.p, &l, &e), 0);

	/* the steps migrate.ps1 needs a value for: the command runs it with its parameter */
	it = find(&l, "SMIG3001", "switch:External LAN");
	assert_string_equal(it->powershell,
	                    ".\\migrate.ps1 -Adapter_External_LAN '<destination adapter>'");
	assert_non_null(strstr(it->message,
	                       "'Local Area Connection' (Broadcom BCM5709C "
	                       "NetXtreme II GigE (NDIS VBD Client), MAC 00-1E-C9-3A-5B-01)"));
	assert_non_null(strstr(it->action, "candidates: 'Ethernet' ("));
	assert_non_null(strstr(it->action, "MAC A0-36-9F-12-34-56), 'Ethernet 2' ("));
	assert_non_null(strstr(it->action, "migrate.ps1 does this"));

	it = find(&l, "SMIG3002", "vm:sql01/drive:SCSI 0:0");
	assert_string_equal(it->powershell, ".\\migrate.ps1 -Disk_sql01_SCSI_0_0 <disk number>");
	assert_non_null(strstr(it->message, "'\\\\.\\PHYSICALDRIVE2'"));
	assert_non_null(strstr(it->action, "Set-Disk -Number N -IsOffline $true"));

	/* the steps migrate.ps1 does by itself have no command */
	it = find(&l, "SMIG3003", "vm:web01/drive:IDE 1:0");
	assert_null(it->powershell);
	assert_non_null(strstr(it->message, "'D:\\ISO\\en_windows_server_2008_r2_with_sp1_x64.iso'"));
	assert_non_null(strstr(it->action, "migrate.ps1 does the rest"));
	it = find(&l, "SMIG3004", "vm:dc01/drive:Floppy 0:0");
	assert_null(it->powershell);
	assert_non_null(strstr(it->action, "same path"));
	it = find(&l, "SMIG3009", "vm:sql01");
	assert_null(it->powershell);
	assert_non_null(strstr(it->message, "'NT VIRTUAL MACHINE\\" SQL01 "'"));
	assert_non_null(strstr(it->action, "migrate.ps1 does this"));
	it = find(&l, "SMIG3006", "dcom");
	assert_null(it->powershell);
	assert_non_null(strstr(it->message, "O:BAG:BAD:(A;;CCDCLCSWRP;;;BA)"));
	assert_non_null(strstr(it->action, "ole-before-<time>.reg"));

	it = find(&l, "SMIG3005", "firewall:{7A2E0C44-19B3-4F1D-A6C5-2B9E8D7F6A55}");
	assert_null(it->powershell);
	assert_non_null(strstr(it->message, "VMConnect from the admin subnet"));
	assert_null(find(&l, "SMIG3007", "wmi:root\\virtualization")->powershell);
	assert_null(find(&l, "SMIG3010", "vm:sql01")->powershell);
	it = find(&l, "SMIG3011", "source:HV-SRC01");
	assert_null(it->powershell);
	assert_non_null(strstr(it->action, "-SourceIsOff"));
	it = find(&l, "SMIG3012", "source:HV-SRC01");
	assert_string_equal(it->powershell, "Import-Module ServerManager\n"
	                                    "Remove-WindowsFeature -Name Hyper-V");
	assert_non_null(strstr(it->action, "SOURCE"));
	smig_problems_release(&l);
	plan_free(&t);
}

/* Hostile names never reach a command: the parameter names in them are made of ASCII letters,
 * digits and '_'; the report text keeps the names as they are. */
static void test_hostile_names(void **state)
{
	struct fx *f = *state;
	struct tplan t;
	struct smig_problems l = {0};
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_inv_vm *sql;
	struct smig_inv_switch *ext;
	const struct smig_problem *it;
	size_t i;

	sql = &f->src->vms[vm_index(f->src, "sql01")];
	set_str(&sql->name, "O'Brien" RSQ "s web\nRemove-Item -Recurse C:\\ #");
	for (i = 0; i < f->src->nswitches; i++)
		if (strcmp(f->src->switches[i].name, "External LAN") == 0)
			break;
	ext = &f->src->switches[i];
	plan_lab(&t, f); /* it finds External LAN by name */
	set_str(&ext->name, "$(Stop-Computer);`'x'#");
	assert_int_equal(smig_manual_steps(&t.p, &l, &e), 0);
	it = find(&l, "SMIG3002",
	          "vm:O'Brien" RSQ "s web\nRemove-Item -Recurse C:\\ #/drive:SCSI 0:0");
	assert_string_equal(it->powershell,
	                    ".\\migrate.ps1 -Disk_O_Brien_s_web_Remove_Item_R_SCSI_0_0 "
	                    "<disk number>");
	it = find(&l, "SMIG3001", "switch:$(Stop-Computer);`'x'#");
	assert_string_equal(it->powershell,
	                    ".\\migrate.ps1 -Adapter_Stop_Computer_x '<destination adapter>'");
	assert_non_null(strstr(it->message, "'$(Stop-Computer);`'x'#'"));
	smig_problems_release(&l);
	plan_free(&t);
}

/* Nothing to do: no VMs, no switches, a default host -> only the three unconditional steps;
 * twin: the same with a customised DCOM restriction adds 3006. */
static void test_nothing_to_do(void **state)
{
	struct fx *f = *state;
	struct smig_inventory empty;
	struct tplan t;
	struct smig_problems l = {0};
	struct smig_err e = SMIG_ERR_INIT;

	memset(&empty, 0, sizeof(empty));
	empty.os.computer_name = (char *)"HV-OLD";
	plan_init(&t, f, &empty);
	assert_int_equal(smig_manual_steps(&t.p, &l, &e), 0);
	assert_int_equal(l.count, 3);
	assert_string_equal(l.items[0].id, "SMIG3007");
	assert_string_equal(l.items[1].id, "SMIG3011");
	assert_string_equal(l.items[2].id, "SMIG3012");
	assert_string_equal(l.items[2].subject, "source:HV-OLD");
	smig_problems_release(&l);

	empty.dcom.customised = true;
	empty.dcom.sddl = (char *)"O:BAG:BAD:(A;;CCDC;;;WD)";
	assert_int_equal(smig_manual_steps(&t.p, &l, &e), 0);
	assert_int_equal(l.count, 4);
	assert_string_equal(l.items[0].id, "SMIG3006");
	smig_problems_release(&l);

	/* a Windows Server 2008 source removes the role with ServerManagerCmd */
	empty.dcom.customised = false;
	empty.os.current_version = (char *)"6.0";
	assert_int_equal(smig_manual_steps(&t.p, &l, &e), 0);
	assert_string_equal(l.items[2].powershell, "ServerManagerCmd.exe -remove Hyper-V");
	smig_problems_release(&l);
	plan_free(&t);
}

/* An AD store gets 3008: migrate.ps1 points the destination at it. */
static void test_ad_store(void **state)
{
	struct fx *f = *state;
	struct smig_inventory src;
	struct tplan t;
	struct smig_problems l = {0};
	struct smig_err e = SMIG_ERR_INIT;

	memset(&src, 0, sizeof(src));
	src.azman.ad_store = true;
	src.host.store_location = (char *)"msldap://CN=Hyper-V,CN=Program Data,DC=lab,DC=o'neil";
	plan_init(&t, f, &src);
	assert_int_equal(smig_manual_steps(&t.p, &l, &e), 0);
	assert_int_equal(l.count, 4);
	assert_string_equal(l.items[1].id, "SMIG3008");
	assert_null(l.items[1].powershell);
	assert_non_null(strstr(l.items[1].message, "DC=o'neil"));
	assert_non_null(strstr(l.items[1].action, "migrate.ps1 does the rest"));
	smig_problems_release(&l);
	/* twin: a file store gives no 3008 */
	src.azman.ad_store = false;
	assert_int_equal(smig_manual_steps(&t.p, &l, &e), 0);
	assert_int_equal(l.count, 3);
	smig_problems_release(&l);
	plan_free(&t);
}

/* Rejecting twins: a plan VM whose id is not a GUID; a pass-through disk in a slot Hyper-V
 * does not have gets no command rather than a wrong one; a plan without its source. */
static void test_rejects(void **state)
{
	struct fx *f = *state;
	struct tplan t;
	struct smig_problems l = {0};
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_inv_vm *sql;
	struct smig_inv_drive *pt;
	const struct smig_problem *it;
	size_t w;

	plan_lab(&t, f);
	w = vm_index(f->src, "web01");
	free(t.p.vms[w].id);
	t.p.vms[w].id = strdup("web01");
	assert_int_equal(smig_manual_steps(&t.p, &l, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_USAGE);
	assert_non_null(strstr(e.msg, "'web01'"));
	smig_problems_release(&l);
	plan_free(&t);

	sql = &f->src->vms[vm_index(f->src, "sql01")];
	pt = &sql->drives[drive_index(sql, SMIG_INV_DRIVE_PASSTHROUGH)];
	set_str(&pt->slot, "SCSI 9:0");
	plan_lab(&t, f);
	smig_err_clear(&e);
	assert_int_equal(smig_manual_steps(&t.p, &l, &e), 0);
	it = find(&l, "SMIG3002", "vm:sql01/drive:SCSI 9:0");
	assert_null(it->powershell);
	assert_non_null(strstr(it->action, "attach it by hand"));
	smig_problems_release(&l);

	t.p.src = NULL;
	assert_int_equal(smig_manual_steps(&t.p, &l, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_USAGE);
	t.p.src = f->src;
	plan_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_ids_in_order, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_commands_exact, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hostile_names, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_nothing_to_do, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ad_store, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rejects, setup, teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
