/*
 * test_inventory.c - the inventory model read from the example source host (every item of
 * the foundation issue's list), its JSON form, and the "one broken VM does not hide the
 * others" rule; rejecting twins: corrupt configuration, corrupt disk, missing/corrupt hive.
 */
#include "testutil.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hostfs.h"
#include "inventory.h"

struct fx {
	char *dir, *host;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->dir = tu_mkdtemp();
	f->host = tu_fmt("%s/lab", f->dir);
	tu_build_example("lab-2008r2", f->host);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	tu_rmtree(f->dir);
	free(f->dir);
	free(f->host);
	free(f);
	return 0;
}

static struct smig_inventory *read_host(const char *root, struct smig_err *e)
{
	struct smig_hostfs *fs = NULL;
	struct smig_inventory *inv = NULL;

	if (smig_hostfs_open(root, &fs, e) < 0)
		return NULL;
	smig_inventory_read(fs, root, NULL, &inv, e);
	smig_hostfs_free(fs);
	return inv;
}

static const struct smig_inv_vm *vm(const struct smig_inventory *inv, const char *name)
{
	size_t i;

	for (i = 0; i < inv->nvms; i++)
		if (strcmp(inv->vms[i].name, name) == 0)
			return &inv->vms[i];
	fail_msg("no VM %s", name);
	return NULL;
}

static const struct smig_inv_switch *sw(const struct smig_inventory *inv, const char *name)
{
	size_t i;

	for (i = 0; i < inv->nswitches; i++)
		if (strcmp(inv->switches[i].name, name) == 0)
			return &inv->switches[i];
	fail_msg("no switch %s", name);
	return NULL;
}

static bool has_problem(const struct smig_inventory *inv, enum smig_severity sev, const char *needle)
{
	size_t i;

	for (i = 0; i < inv->problems.count; i++)
		if (inv->problems.items[i].severity == sev &&
		    strstr(inv->problems.items[i].message, needle))
			return true;
	return false;
}

static void source_host_identity(void **state)
{
	struct fx *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_inventory *inv = read_host(f->host, &e);
	char lo[18], hi[18];

	assert_non_null(inv);
	assert_string_equal(inv->os.computer_name, "HV-SRC01");
	assert_string_equal(inv->os.current_version, "6.1");
	assert_string_equal(inv->os.csd_version, "Service Pack 1");
	assert_true(inv->os.supported_source);
	assert_int_equal(inv->os.logical_processors, 8);
	assert_int_equal(inv->os.memory_mb, 32757); /* from systeminfo.txt */
	assert_true(inv->hyperv && inv->ipconfig && inv->systeminfo);
	/* host settings: customised MAC range of 4096 addresses */
	assert_string_equal(inv->host.data_root, "D:\\Hyper-V");
	assert_true(inv->host.has_mac_range);
	assert_false(inv->host.mac_range_default);
	smig_mac_format(&inv->host.mac_min, lo);
	smig_mac_format(&inv->host.mac_max, hi);
	assert_string_equal(lo, "00-15-5D-0A-00-00");
	assert_string_equal(hi, "00-15-5D-0A-0F-FF");
	/* VMQ globally and per NIC */
	assert_int_equal(inv->host.vmq_tengig, 1);
	assert_int_equal(inv->host.vmq_below_tengig, 1);
	smig_inventory_free(inv);
}

static void networks(void **state)
{
	struct fx *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_inventory *inv = read_host(f->host, &e);
	const struct smig_inv_switch *ext, *in, *priv;
	const struct smig_inv_nic *nic, *vnic;
	char mac[18];

	assert_non_null(inv);
	assert_int_equal(inv->nswitches, 3);
	ext = sw(inv, "External LAN");
	in = sw(inv, "Internal Lab");
	priv = sw(inv, "Private Cluster");
	assert_int_equal(ext->type, SMIG_SWITCH_EXTERNAL);
	assert_int_equal(in->type, SMIG_SWITCH_INTERNAL);
	assert_int_equal(priv->type, SMIG_SWITCH_PRIVATE);
	/* the external network is shared with the management OS: its host vNIC has a static IP */
	assert_non_null(ext->host_vnic);
	nic = smig_inventory_find_nic(inv, ext->external_nic);
	assert_non_null(nic);
	assert_true(nic->physical);
	assert_int_equal(nic->vmq, 1);
	smig_mac_format(&nic->mac, mac);
	assert_string_equal(mac, "00-1E-C9-3A-5B-01");
	vnic = smig_inventory_find_nic(inv, ext->host_vnic);
	assert_non_null(vnic);
	assert_true(vnic->host_vnic);
	assert_false(vnic->dhcp);
	assert_string_equal(vnic->ip[0], "192.168.10.20");
	assert_string_equal(vnic->gateway[0], "192.168.10.1");
	assert_string_equal(smig_inventory_find_nic(inv, in->host_vnic)->ip[0], "10.10.0.1");
	/* a VLAN on one port, owned by web01 */
	assert_int_equal(ext->ports[0].vlan, 20);
	assert_string_equal(ext->ports[0].vm_id, "6F0B2E9A-41C3-4B8E-9E5B-1D2C3A4B5C01");
	/* an orphaned port is reported */
	assert_true(has_problem(inv, SMIG_SEV_INFO, "old-test - Network Adapter"));
	smig_inventory_free(inv);
}

static void virtual_machines(void **state)
{
	struct fx *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_inventory *inv = read_host(f->host, &e);
	const struct smig_inv_vm *web, *sql, *dc, *test;

	assert_non_null(inv);
	assert_int_equal(inv->nvms, 4);
	web = vm(inv, "web01");
	sql = vm(inv, "sql01");
	dc = vm(inv, "dc01");
	test = vm(inv, "test01");
	/* across C: and D:, registered by link, file and a 0-byte file found by search */
	assert_string_equal(web->registration, "link");
	assert_string_equal(dc->registration, "file");
	assert_string_equal(test->registration, "search");
	assert_true(strncmp(dc->config_winpath, "C:\\", 3) == 0);
	assert_true(strncmp(web->config_winpath, "D:\\", 3) == 0);
	/* memory: static and dynamic */
	assert_int_equal(web->memory_mb, 2048);
	assert_false(web->dynamic_memory);
	assert_true(sql->dynamic_memory);
	assert_int_equal(sql->memory_min_mb, 512);
	assert_int_equal(sql->memory_max_mb, 4096);
	assert_int_equal(sql->cpu_count, 4);
	/* processor compatibility off with snapshots; on for dc01 */
	assert_false(web->cpu_compat);
	assert_true(dc->cpu_compat);
	/* a 2-level snapshot chain: Before SP1 -> After SP1 -> Now */
	assert_int_equal(web->nsnapshots, 2);
	assert_true(web->tree_verified);
	assert_int_equal(web->snapshots[0].parent, -1);
	assert_int_equal(web->snapshots[1].parent, 0);
	assert_int_equal(web->current_parent, 1);
	assert_non_null(strstr(web->snapshots[0].name, "Before SP1"));
	assert_true(web->snapshots[1].saved_state);
	assert_int_equal(web->ndisks, 3);
	assert_int_equal(web->disks[0].type, SMIG_DISK_DIFFERENCING);
	assert_int_equal(web->disks[2].type, SMIG_DISK_DYNAMIC);
	assert_int_equal(web->disks[0].parent, 1);
	assert_int_equal(web->disks[1].parent, 2);
	assert_false(web->disks[0].time_mismatch);
	/* a stale AVHD is reported against web01, not migrated */
	assert_non_null(web->stale_avhds);
	assert_non_null(strstr(web->stale_avhds[0], "00FF"));
	/* ISO, VFD and pass-through attachments */
	assert_int_equal(web->drives[2].kind, SMIG_INV_DRIVE_ISO);
	assert_non_null(strstr(web->drives[2].pathname, ".iso"));
	assert_int_equal(dc->drives[4].kind, SMIG_INV_DRIVE_VFD);
	assert_non_null(dc->drives[4].local);
	assert_int_equal(sql->drives[5].kind, SMIG_INV_DRIVE_PASSTHROUGH);
	/* saved state, a fixed VHD that is mostly holes */
	assert_true(sql->saved_state);
	assert_false(web->saved_state);
	assert_int_equal(sql->disks[0].type, SMIG_DISK_FIXED);
	assert_true(sql->disks[0].sparse);
	/* static and dynamic MACs; a MAC written without dashes is normalised */
	assert_true(web->nics[0].mac_static);
	assert_false(sql->nics[0].mac_static);
	assert_string_equal(dc->nics[0].mac, "00-15-5D-0A-00-31");
	assert_string_equal(web->nics[0].switch_name, "External LAN");
	assert_int_equal(web->nics[0].vlan, 20);
	assert_true(test->nics[0].legacy);
	assert_false(test->nics[0].connected);
	assert_null(web->error);
	smig_inventory_free(inv);
}

static void security_items(void **state)
{
	struct fx *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_inventory *inv = read_host(f->host, &e);
	size_t i, user = 0, inactive_hv = 0;

	assert_non_null(inv);
	assert_true(inv->azman.present);
	assert_true(inv->azman.customised);
	assert_int_equal(inv->azman.nroles, 3);
	assert_string_equal(inv->azman.scopes[0], "Lab VMs");
	assert_true(inv->dcom.present);
	assert_true(inv->dcom.customised);
	assert_non_null(strstr(inv->dcom.sddl, "S-1-5-21-3623811015-3361044348-30300820-1105"));
	assert_int_equal(inv->nfwrules_total, 4);
	for (i = 0; i < inv->nfwrules; i++) {
		user += inv->fwrules[i].user_defined;
		inactive_hv += inv->fwrules[i].hyperv &&
			       strstr(inv->fwrules[i].description, "inactive") != NULL;
	}
	assert_int_equal(user, 1);
	assert_int_equal(inactive_hv, 1);
	smig_inventory_free(inv);
}

static void json_form(void **state)
{
	struct fx *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_inventory *inv = read_host(f->host, &e);
	json_error_t je;
	json_t *j, *vms;
	const char *gen;
	char *s;

	assert_non_null(inv);
	s = smig_inventory_to_json(inv, &e);
	assert_non_null(s);
	j = json_loads(s, 0, &je);
	assert_non_null(j);
	vms = json_object_get(j, "virtual_machines");
	assert_int_equal(json_array_size(vms), 4);
	assert_string_equal(json_string_value(json_object_get(j, "schema")), "smig-inventory/2");
	gen = json_string_value(json_object_get(j, "generated_utc"));
	assert_non_null(gen);
	assert_int_equal(strlen(gen), 20); /* 2026-01-02T03:04:05Z */
	assert_true(gen[4] == '-' && gen[10] == 'T' && gen[19] == 'Z');
	json_decref(j);
	free(s);
	smig_inventory_free(inv);
}

/* One broken VM is flagged; the report still covers the others. */
static void broken_vm_is_flagged(void **state)
{
	struct fx *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	char *cfg = tu_fmt("%s/D/Hyper-V/sql01/Virtual Machines/8A3C5E7F-0A1B-4C2D-8E3F-4A5B6C7D8E02.xml",
			   f->host);
	char *vhd = tu_fmt("%s/C/Users/Public/Documents/Hyper-V/Virtual Hard Disks/dc01.vhd", f->host);
	struct smig_inventory *inv;
	size_t len;
	char *buf = tu_read(cfg, &len);

	assert_int_equal(truncate(cfg, (off_t)(len / 2)), 0);
	/* flip one byte of dc01's trailing footer (inside the checksummed area) */
	assert_int_equal(tu_sh("printf 'X' | dd of='%s' bs=1 seek=$(( $(stat -c %%s '%s') - 500 )) conv=notrunc status=none",
			       vhd, vhd), 0);
	inv = read_host(f->host, &e);
	assert_non_null(inv);
	assert_int_equal(inv->nvms, 4);
	assert_non_null(vm(inv, "8A3C5E7F-0A1B-4C2D-8E3F-4A5B6C7D8E02")->error);
	assert_non_null(vm(inv, "dc01")->error);
	assert_null(vm(inv, "web01")->error);
	assert_true(has_problem(inv, SMIG_SEV_ERROR, "checksum"));
	smig_inventory_free(inv);
	/* restore for the other tests */
	tu_build_example("lab-2008r2", f->host);
	free(buf);
	free(cfg);
	free(vhd);
}

static void missing_and_corrupt_hive(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	char *dir = tu_mkdtemp(), *cfg, *corrupt = tu_shared("system-corrupted.hive");
	struct smig_inventory *inv;

	(void)state;
	cfg = tu_fmt("%s/C/Windows/System32/config", dir);
	assert_int_equal(tu_sh("mkdir -p '%s'", cfg), 0);
	inv = read_host(dir, &e);
	assert_null(inv);
	assert_non_null(strstr(e.msg, "no SYSTEM hive"));
	if (corrupt) {
		smig_err_clear(&e);
		assert_int_equal(tu_sh("cp '%s' '%s/SYSTEM'", corrupt, cfg), 0);
		inv = read_host(dir, &e);
		assert_null(inv);
		assert_int_equal(e.kind, SMIG_ERR_FORMAT);
		assert_non_null(strstr(e.msg, "SYSTEM"));
	}
	free(corrupt);
	free(cfg);
	tu_rmtree(dir);
	free(dir);
}

/* The real Windows 7 SYSTEM hive as a host without Hyper-V: read, nothing invented. */
static void real_hive_without_hyperv(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	char *hive = tu_shared("system-win7-x86.hive"), *dir, *cfg;
	struct smig_inventory *inv;

	(void)state;
	if (hive == NULL)
		skip();
	dir = tu_mkdtemp();
	cfg = tu_fmt("%s/C/Windows/System32/config", dir);
	assert_int_equal(tu_sh("mkdir -p '%s' && cp '%s' '%s/SYSTEM'", cfg, hive, cfg), 0);
	inv = read_host(dir, &e);
	assert_non_null(inv);
	assert_string_equal(inv->os.computer_name, "WKS-WIN732BITA");
	assert_false(inv->hyperv);
	assert_false(inv->os.supported_source); /* a workstation, x86 */
	assert_int_equal(inv->nvms, 0);
	assert_int_equal(inv->nswitches, 0);
	assert_int_equal(inv->nfwrules_total, 323);
	smig_inventory_free(inv);
	free(cfg);
	free(hive);
	tu_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(source_host_identity),
		cmocka_unit_test(networks),
		cmocka_unit_test(virtual_machines),
		cmocka_unit_test(security_items),
		cmocka_unit_test(json_form),
		cmocka_unit_test(broken_vm_is_flagged),
		cmocka_unit_test(missing_and_corrupt_hive),
		cmocka_unit_test(real_hive_without_hyperv),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
