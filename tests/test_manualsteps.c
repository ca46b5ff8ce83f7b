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
#include "planfix.h"

#define EXTLAN "A1E0F6C2-3B4D-4E5F-8A9B-0C1D2E3F4A01"
#define RSQ "\xE2\x80\x99" /* U+2019 RIGHT SINGLE QUOTATION MARK */

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
	struct tu_lab *f = *state;
	struct tu_plan t;
	struct smig_problems l = {0};
	struct smig_err e = SMIG_ERR_INIT;
	size_t i;

	tu_plan_lab(&t, f);
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
	tu_plan_free(&t);
}

static void test_commands_exact(void **state)
{
	struct tu_lab *f = *state;
	struct tu_plan t;
	struct smig_problems l = {0};
	struct smig_err e = SMIG_ERR_INIT;
	const struct smig_problem *it;

	tu_plan_lab(&t, f);
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
	assert_non_null(strstr(it->message, "'NT VIRTUAL MACHINE\\" LAB_SQL01 "'"));
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
	tu_plan_free(&t);
}

/* Hostile names never reach a command: the parameter names in them are made of ASCII letters,
 * digits and '_'; the report text keeps the names as they are. */
static void test_hostile_names(void **state)
{
	struct tu_lab *f = *state;
	struct tu_plan t;
	struct smig_problems l = {0};
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_inv_vm *sql;
	struct smig_inv_switch *ext;
	const struct smig_problem *it;
	size_t i;

	sql = &f->src->vms[tu_vm_index(f->src, "sql01")];
	tu_set_str(&sql->name, "O'Brien" RSQ "s web\nRemove-Item -Recurse C:\\ #");
	for (i = 0; i < f->src->nswitches; i++)
		if (strcmp(f->src->switches[i].name, "External LAN") == 0)
			break;
	ext = &f->src->switches[i];
	tu_plan_lab(&t, f); /* it finds External LAN by name */
	tu_set_str(&ext->name, "$(Stop-Computer);`'x'#");
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
	tu_plan_free(&t);
}

/* SMIG3010 says who cold boots: sql01 was saved, so it does; web01 only had a snapshot with
 * saved state, so it starts as before and only that snapshot, applied, cold boots. */
static void test_saved_state_who(void **state)
{
	struct tu_lab *f = *state;
	struct tu_plan t;
	struct smig_problems l = {0};
	struct smig_err e = SMIG_ERR_INIT;
	const struct smig_problem *it;
	size_t w;

	tu_plan_lab(&t, f);
	w = tu_vm_index(f->src, "web01");
	assert_false(f->src->vms[w].saved_state);
	t.p.vms[w].saved_state_dropped = true; /* its snapshot's state, --discard-saved-state */
	assert_int_equal(smig_manual_steps(&t.p, &l, &e), 0);
	it = find(&l, "SMIG3010", "vm:web01");
	assert_null(strstr(it->message, "it will cold boot"));
	assert_non_null(strstr(it->message, "the VM itself was not saved and starts as before"));
	assert_non_null(strstr(it->action, "unless you apply one of those snapshots"));
	it = find(&l, "SMIG3010", "vm:sql01");
	assert_non_null(strstr(it->message, "it will cold boot, as after a power loss"));
	assert_non_null(strstr(it->action, "start it when you are ready"));
	smig_problems_release(&l);
	tu_plan_free(&t);
}

/* Nothing to do: no VMs, no switches, a default host -> only the three unconditional steps;
 * twin: the same with a customised DCOM restriction adds 3006. */
static void test_nothing_to_do(void **state)
{
	struct tu_lab *f = *state;
	struct smig_inventory empty;
	struct tu_plan t;
	struct smig_problems l = {0};
	struct smig_err e = SMIG_ERR_INIT;

	memset(&empty, 0, sizeof(empty));
	empty.os.computer_name = (char *)"HV-OLD";
	tu_plan_init(&t, f, &empty);
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
	tu_plan_free(&t);
}

/* An AD store gets 3008: migrate.ps1 points the destination at it. */
static void test_ad_store(void **state)
{
	struct tu_lab *f = *state;
	struct smig_inventory src;
	struct tu_plan t;
	struct smig_problems l = {0};
	struct smig_err e = SMIG_ERR_INIT;

	memset(&src, 0, sizeof(src));
	src.azman.ad_store = true;
	src.host.store_location = (char *)"msldap://CN=Hyper-V,CN=Program Data,DC=lab,DC=o'neil";
	tu_plan_init(&t, f, &src);
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
	tu_plan_free(&t);
}

/* Rejecting twins: a plan VM whose id is not a GUID; a pass-through disk in a slot Hyper-V
 * does not have gets no command rather than a wrong one; a plan without its source. */
static void test_rejects(void **state)
{
	struct tu_lab *f = *state;
	struct tu_plan t;
	struct smig_problems l = {0};
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_inv_vm *sql;
	struct smig_inv_drive *pt;
	const struct smig_problem *it;
	size_t w;

	tu_plan_lab(&t, f);
	w = tu_vm_index(f->src, "web01");
	free(t.p.vms[w].id);
	t.p.vms[w].id = strdup("web01");
	assert_int_equal(smig_manual_steps(&t.p, &l, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_USAGE);
	assert_non_null(strstr(e.msg, "'web01'"));
	smig_problems_release(&l);
	tu_plan_free(&t);

	sql = &f->src->vms[tu_vm_index(f->src, "sql01")];
	pt = &sql->drives[tu_drive_index(sql, SMIG_INV_DRIVE_PASSTHROUGH)];
	tu_set_str(&pt->slot, "SCSI 9:0");
	tu_plan_lab(&t, f);
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
	tu_plan_free(&t);
}

static bool has_id(const struct smig_problems *l, const char *id)
{
	for (size_t i = 0; i < l->count; i++)
		if (strcmp(l->items[i].id, id) == 0)
			return true;
	return false;
}

/* SMIG3005 says what migrate.ps1 does with a rule whose text the archive carries, and leaves
 * only what it cannot recreate to the administrator (issue 9, small fix). */
static void test_firewall_recreated(void **state)
{
	static const char rule[] = "{7A2E0C44-19B3-4F1D-A6C5-2B9E8D7F6A55}";
	struct tu_lab *f = *state;
	struct tu_plan t;
	struct smig_problems l = {0};
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_fwtext one = {(char *)rule,
	                          "v2.10|Action=Allow|Active=TRUE|Dir=In|Protocol=6|Profile=Domain|"
	                          "LPort=2179|RA4=192.168.1.0/255.255.255.0|"
	                          "App=%SystemRoot%\\system32\\vmms.exe|"
	                          "Name=VMConnect from the admin subnet|"};
	struct smig_fwtexts fw = {&one, 1};
	const struct smig_problem *it;

	tu_plan_lab(&t, f);
	assert_int_equal(smig_manual_steps_fw(&t.p, &fw, &l, &e), 0);
	it = find(&l, "SMIG3005", "firewall:{7A2E0C44-19B3-4F1D-A6C5-2B9E8D7F6A55}");
	assert_non_null(strstr(it->action, "migrate.ps1 does this: it recreates the rule with "
	                                   "New-NetFirewallRule"));
	assert_null(strstr(it->message, "cannot"));
	assert_null(strstr(it->action, "netsh"));
	smig_problems_release(&l);

	/* a field with no 2012 parameter: the administrator's, saying which */
	one.text = "v2.10|Action=Allow|Dir=In|Protocol=6|LPort=RPC|Name=x|";
	assert_int_equal(smig_manual_steps_fw(&t.p, &fw, &l, &e), 0);
	it = find(&l, "SMIG3005", "firewall:{7A2E0C44-19B3-4F1D-A6C5-2B9E8D7F6A55}");
	assert_non_null(strstr(it->message, "migrate.ps1 cannot recreate (its field 'LPort' has no "
	                                    "faithful New-NetFirewallRule parameter)"));
	assert_non_null(strstr(it->action, "recreate it on the destination"));
	smig_problems_release(&l);

	/* no text in the archive */
	assert_int_equal(smig_manual_steps(&t.p, &l, &e), 0);
	it = find(&l, "SMIG3005", "firewall:{7A2E0C44-19B3-4F1D-A6C5-2B9E8D7F6A55}");
	assert_non_null(strstr(it->message, "the archive carries only its summary"));
	smig_problems_release(&l);
	tu_plan_free(&t);
}

/* An import of some VMs has no host-wide step and does not tell the admin to remove Hyper-V
 * from a source that keeps other VMs; a storage archive's disks are a step of their own
 * (issue 9 items 5 and 6). */
static void test_scope_and_type(void **state)
{
	struct tu_lab *f = *state;
	struct tu_plan t;
	struct smig_problems l = {0};
	struct smig_err e = SMIG_ERR_INIT;
	const struct smig_problem *it;

	tu_plan_lab(&t, f);
	t.p.vms_only = true;
	assert_int_equal(smig_manual_steps(&t.p, &l, &e), 0);
	assert_false(has_id(&l, "SMIG3005"));
	assert_false(has_id(&l, "SMIG3006"));
	assert_false(has_id(&l, "SMIG3007"));
	assert_false(has_id(&l, "SMIG3012"));
	assert_true(has_id(&l, "SMIG3011"));
	assert_true(has_id(&l, "SMIG3009"));
	assert_false(has_id(&l, "SMIG3013"));
	smig_problems_release(&l);

	t.p.storage_only = true;
	assert_int_equal(smig_manual_steps(&t.p, &l, &e), 0);
	assert_false(has_id(&l, "SMIG3009"));
	assert_false(has_id(&l, "SMIG3002"));
	it = find(&l, "SMIG3013", "vm:web01");
	assert_non_null(strstr(it->message, "(--type storage): apply placed them at 'D:\\VHD\\"));
	assert_non_null(strstr(it->action, "--type config"));
	smig_problems_release(&l);
	tu_plan_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_ids_in_order, tu_lab_setup, tu_lab_teardown),
	    cmocka_unit_test_setup_teardown(test_commands_exact, tu_lab_setup, tu_lab_teardown),
	    cmocka_unit_test_setup_teardown(test_hostile_names, tu_lab_setup, tu_lab_teardown),
	    cmocka_unit_test_setup_teardown(test_saved_state_who, tu_lab_setup, tu_lab_teardown),
	    cmocka_unit_test_setup_teardown(test_nothing_to_do, tu_lab_setup, tu_lab_teardown),
	    cmocka_unit_test_setup_teardown(test_ad_store, tu_lab_setup, tu_lab_teardown),
	    cmocka_unit_test_setup_teardown(test_rejects, tu_lab_setup, tu_lab_teardown),
	    cmocka_unit_test_setup_teardown(test_firewall_recreated, tu_lab_setup, tu_lab_teardown),
	    cmocka_unit_test_setup_teardown(test_scope_and_type, tu_lab_setup, tu_lab_teardown),
	};

	return cmocka_run_group_tests(tests, tu_lab_group_setup, tu_lab_group_teardown);
}
