/*
 * test_vmscan.c - the VM half of the inventory: registration links that cannot be
 * followed, missing snapshot files, a missing base disk (broken chain) and a VHD path on an
 * unmapped drive; each flags only the VM concerned. A drive used but not mapped is said once.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hostfs.h"
#include "inventory.h"
#include "report.h"

#define WEB01 "6F0B2E9A-41C3-4B8E-9E5B-1D2C3A4B5C01"
#define SQL01 "8A3C5E7F-0A1B-4C2D-8E3F-4A5B6C7D8E02"

static const struct smig_inv_vm *by_id(const struct smig_inventory *inv, const char *id)
{
	size_t i;

	for (i = 0; i < inv->nvms; i++)
		if (strcmp(inv->vms[i].id, id) == 0)
			return &inv->vms[i];
	fail_msg("no VM %s", id);
	return NULL;
}

static bool noted(const struct smig_inventory *inv, const char *needle)
{
	size_t i;

	for (i = 0; i < inv->problems.count; i++)
		if (strstr(inv->problems.items[i].message, needle))
			return true;
	return false;
}

static void broken_chain_flags_only_that_vm(void **state)
{
	char *dir = tu_mkdtemp(), *host = tu_fmt("%s/h", dir), *base;
	struct smig_inventory *inv;

	(void)state;
	tu_build_example("lab-2008r2", host);
	base = tu_fmt("%s/D/VHD/web01.vhd", host);
	assert_int_equal(unlink(base), 0);
	inv = tu_read_host(host);
	assert_int_equal(inv->nvms, 4);
	assert_non_null(by_id(inv, WEB01)->error);
	assert_null(by_id(inv, SQL01)->error);
	assert_true(noted(inv, "web01.vhd"));
	smig_inventory_free(inv);
	tu_rmtree(dir);
	free(base);
	free(host);
	free(dir);
}

static void unmapped_drive_and_missing_snapshot(void **state)
{
	char *dir = tu_mkdtemp(), *host = tu_fmt("%s/h", dir), *snap, *reg;
	struct smig_inventory *inv;

	(void)state;
	tu_build_example("lab-2008r2", host);
	/* a snapshot the configuration lists has lost its file */
	snap = tu_fmt("%s/D/Hyper-V/web01/Snapshots/4E6C8B21-0002-4D3F-8A21-6B7C8D9E0F02.xml", host);
	assert_int_equal(unlink(snap), 0);
	/* sql01's registration link now names a drive the host folder does not have */
	reg = tu_fmt("%s/C/ProgramData/Microsoft/Windows/Hyper-V/Virtual Machines/" SQL01 ".xml", host);
	assert_int_equal(unlink(reg), 0);
	assert_int_equal(symlink("E:\\VMs\\Virtual Machines\\" SQL01 ".xml", reg), 0);
	inv = tu_read_host(host);
	assert_true(noted(inv, "its file is missing"));
	assert_int_equal(by_id(inv, WEB01)->nsnapshots, 1);
	/* the fallback search finds sql01's configuration under D:\Hyper-V? no: it lives in
	 * D:\Hyper-V\sql01, which is not a search root, so the VM is flagged, not guessed */
	assert_non_null(by_id(inv, SQL01)->error);
	/* E: is said once, with the path that needs it; the VM's own error names no link as
	 * merely "unresolvable" */
	assert_int_equal(inv->nunmapped, 1);
	assert_int_equal(inv->unmapped[0].letter, 'E');
	assert_string_equal(inv->unmapped[0].message,
			    "drive E: is used by the host (E:\\VMs\\Virtual Machines\\" SQL01
			    ".xml) but not mapped: pass --drive E=DIR");
	assert_int_equal(by_id(inv, SQL01)->unmapped_drive, 'E');
	assert_int_equal(by_id(inv, WEB01)->unmapped_drive, 0);
	assert_non_null(strstr(by_id(inv, SQL01)->error, "on unmapped drive E:"));
	smig_inventory_free(inv);
	tu_rmtree(dir);
	free(snap);
	free(reg);
	free(host);
	free(dir);
}

static size_t count_noted(const struct smig_inventory *inv, const char *needle)
{
	size_t i, n = 0;

	for (i = 0; i < inv->problems.count; i++)
		if (strstr(inv->problems.items[i].message, needle))
			n++;
	return n;
}

/* A C: root given without its D: drive: the drive is named once, with the host's paths on it;
 * twin: the same C: root with --drive D=DIR has nothing unmapped. */
static void c_root_without_d(void **state)
{
	char *dir = tu_mkdtemp(), *host = tu_fmt("%s/h", dir), *croot = tu_fmt("%s/C", host);
	char *droot = tu_fmt("%s/D", host);
	const char *want = "drive D: is used by the host (D:\\Hyper-V, D:\\VHD) but not mapped: "
			   "pass --drive D=DIR";
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_hostfs *fs = NULL;
	struct smig_inventory *inv;
	size_t i;

	(void)state;
	tu_build_example("lab-2008r2", host);
	inv = tu_read_host(croot);
	assert_int_equal(inv->nunmapped, 1);
	assert_int_equal(inv->unmapped[0].letter, 'D');
	assert_string_equal(inv->unmapped[0].message, want);
	assert_int_equal(count_noted(inv, want), 1);
	assert_int_equal(count_noted(inv, "unresolvable"), 0);
	for (i = 0; i < inv->problems.count; i++)
		if (strcmp(inv->problems.items[i].message, want) == 0)
			assert_int_equal(inv->problems.items[i].severity, SMIG_SEV_ERROR);
	assert_int_equal(by_id(inv, WEB01)->unmapped_drive, 'D');
	assert_int_equal(by_id(inv, SQL01)->unmapped_drive, 'D');
	assert_non_null(by_id(inv, WEB01)->error);
	smig_inventory_free(inv);

	assert_int_equal(smig_hostfs_open(croot, &fs, &e), 0);
	assert_int_equal(smig_hostfs_map_drive(fs, 'D', droot, &e), 0);
	assert_int_equal(smig_inventory_read(fs, croot, NULL, &inv, &e), 0);
	assert_int_equal(inv->nunmapped, 0);
	assert_null(by_id(inv, WEB01)->error);
	assert_int_equal(by_id(inv, WEB01)->unmapped_drive, 0);
	assert_int_equal(count_noted(inv, "not mapped"), 0);
	smig_inventory_free(inv);
	smig_hostfs_free(fs);
	tu_rmtree(dir);
	free(droot);
	free(croot);
	free(host);
	free(dir);
}

/* Runs of white space (line breaks and indents) to one space, in place. */
static void squash(char *t)
{
	char *o = t, *start = t;

	for (; *t; t++) {
		bool sp = *t == ' ' || *t == '\n';

		if (sp && o > start && o[-1] == ' ')
			continue;
		*o++ = sp ? ' ' : *t;
	}
	*o = '\0';
}

static const struct smig_inv_nicvm *nic_of(const struct smig_inv_vm *vm, size_t i)
{
	assert_true(i < vm->nnics);
	return &vm->nics[i];
}

/* A network adapter on a switch the host does not have is shown with the switch's name the
 * configuration kept (AltSwitchName), not by GUID only: a fixture whose web01 adapter names a
 * gone switch, and a real 2012 R2 configuration registered on the lab host (skipped without
 * ../shared). Twin: without AltSwitchName, the GUID alone, as before. */
static void gone_switch_named(void **state)
{
	char *dir = tu_mkdtemp(), *host = tu_fmt("%s/h", dir), *cfg, *real, *reg, *text;
	const char *gone = "0BADF00D-1111-4222-8333-444455556666";
	const struct smig_inv_nicvm *n;
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_inventory *inv;
	size_t len;

	(void)state;
	tu_build_example("lab-2008r2", host);
	cfg = tu_fmt("%s/D/Hyper-V/web01/Virtual Machines/" WEB01 ".xml", host);
	assert_int_equal(
	    tu_sh("iconv -f UTF-16 -t UTF-8 '%s' | sed -e 's|<SwitchName type=\"string\">[^<]*<|"
		  "<Connection><AltSwitchName type=\"string\">Old Lab Net</AltSwitchName>"
		  "</Connection><SwitchName type=\"string\">%s<|' | iconv -f UTF-8 -t UTF-16 "
		  ">'%s.new' && mv '%s.new' '%s'",
		  cfg, gone, cfg, cfg, cfg),
	    0);
	inv = tu_read_host(host);
	n = nic_of(by_id(inv, WEB01), 0);
	assert_string_equal(n->switch_guid, gone);
	assert_null(n->switch_name);
	assert_string_equal(n->switch_alt_name, "Old Lab Net");
	assert_true(noted(inv, "connected to virtual network 'Old Lab Net' (0BADF00D-1111-4222-8333-"
			       "444455556666), which does not exist on the host"));
	text = smig_report_inventory(inv, SMIG_FORMAT_TEXT, &e);
	assert_non_null(text);
	squash(text); /* the report wraps long values */
	assert_non_null(strstr(text, "network Old Lab Net (0BADF00D-1111-4222-8333-444455556666, "
				     "not on this host)"));
	free(text);
	/* the other adapters keep their host's switch names and record no alternative */
	assert_null(nic_of(by_id(inv, SQL01), 0)->switch_alt_name);
	assert_non_null(nic_of(by_id(inv, SQL01), 0)->switch_name);
	smig_inventory_free(inv);

	/* a real 2012 R2 configuration, registered as a plain file on the lab host */
	real = tu_shared("vm2012r2.xml");
	if (real != NULL) {
		char *bytes = tu_read(real, &len);

		reg = tu_fmt("%s/C/ProgramData/Microsoft/Windows/Hyper-V/Virtual Machines/"
			     "0AA394FA-7C4A-4070-BA32-773D43B28A68.xml",
			     host);
		tu_write(reg, bytes, len);
		inv = tu_read_host(host);
		n = nic_of(by_id(inv, "0AA394FA-7C4A-4070-BA32-773D43B28A68"), 0);
		assert_string_equal(n->switch_guid, "438B7B13-6180-4155-B7BF-08709CCF234D");
		assert_string_equal(n->switch_alt_name, "Virtual External Switch");
		assert_true(noted(inv, "connected to virtual network 'Virtual External Switch' "
				       "(438B7B13-6180-4155-B7BF-08709CCF234D), which does not "
				       "exist on the host"));
		smig_inventory_free(inv);
		free(reg);
		free(bytes);
		free(real);
	}

	/* twin: the same gone switch without AltSwitchName is reported by GUID */
	assert_int_equal(tu_sh("iconv -f UTF-16 -t UTF-8 '%s' | sed -e 's|<Connection>.*</Connection>||' "
			       "| iconv -f UTF-8 -t UTF-16 >'%s.new' && mv '%s.new' '%s'",
			       cfg, cfg, cfg, cfg),
			 0);
	inv = tu_read_host(host);
	n = nic_of(by_id(inv, WEB01), 0);
	assert_null(n->switch_alt_name);
	assert_true(noted(inv, "connected to virtual network 0BADF00D-1111-4222-8333-444455556666, "
			       "which does not exist"));
	smig_inventory_free(inv);
	tu_rmtree(dir);
	free(cfg);
	free(host);
	free(dir);
	if (real == NULL)
		skip();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(broken_chain_flags_only_that_vm),
		cmocka_unit_test(unmapped_drive_and_missing_snapshot),
		cmocka_unit_test(c_root_without_d),
		cmocka_unit_test(gone_switch_named),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
