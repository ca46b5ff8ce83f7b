/*
 * test_hostinfo.c - the host half of the inventory on the destination example (Windows
 * Server 2012, default Hyper-V settings) and on the real dirty Windows 8 hive: defaults are
 * recognised as defaults, a 2012 host is not a supported source, dirty hives are warned.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "hostfs.h"
#include "inventory.h"

static struct smig_inventory *read_host(const char *root, const struct smig_inventory_opts *o)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_hostfs *fs = NULL;
	struct smig_inventory *inv = NULL;

	if (smig_hostfs_open(root, &fs, &e) < 0 || smig_inventory_read(fs, root, o, &inv, &e) < 0)
		fail_msg("%s", e.msg);
	smig_hostfs_free(fs);
	return inv;
}

static void destination_defaults(void **state)
{
	char *dir = tu_mkdtemp(), *host = tu_fmt("%s/dst", dir);
	struct smig_inventory *inv;
	size_t i, phys = 0;
	char mac[18];

	(void)state;
	tu_build_example("lab-2012", host);
	inv = read_host(host, NULL);
	assert_true(inv->os.is_2012);
	assert_false(inv->os.supported_source);
	assert_non_null(strstr(inv->os.support_reason, "2008 R2"));
	assert_int_equal(inv->os.logical_processors, 16);
	assert_int_equal(inv->os.memory_mb, 65482);
	assert_true(inv->hyperv);
	assert_true(inv->host.mac_range_default);
	assert_false(inv->dcom.customised);
	assert_true(inv->dcom.present);
	assert_true(inv->azman.present);
	assert_false(inv->azman.customised);
	assert_null(inv->azman.differences);
	assert_int_equal(inv->nswitches, 0);
	assert_int_equal(inv->nvms, 0);
	for (i = 0; i < inv->nnics; i++) {
		phys += inv->nics[i].physical;
		assert_true(inv->nics[i].has_mac);
	}
	assert_int_equal(phys, 2);
	smig_mac_format(&inv->nics[0].mac, mac);
	assert_string_equal(mac, "A0-36-9F-12-34-56");
	assert_string_equal(inv->nics[1].connection_name, "Ethernet 2");
	assert_true(inv->nics[1].dhcp);
	smig_inventory_free(inv);
	tu_rmtree(dir);
	free(host);
	free(dir);
}

/* --memory-mb overrides systeminfo; a named --ipconfig that is not ipconfig output fails */
static void facts_options(void **state)
{
	char *dir = tu_mkdtemp(), *host = tu_fmt("%s/dst", dir), *junk = tu_fmt("%s/junk.txt", dir);
	struct smig_inventory_opts o = {NULL, NULL, 8192, NULL};
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_hostfs *fs = NULL;
	struct smig_inventory *inv = NULL;

	(void)state;
	tu_build_example("lab-2012", host);
	inv = read_host(host, &o);
	assert_int_equal(inv->os.memory_mb, 8192);
	assert_string_equal(inv->os.memory_source, "--memory-mb");
	smig_inventory_free(inv);
	tu_write(junk, "not ipconfig\n", 13);
	o.ipconfig = junk;
	assert_int_equal(smig_hostfs_open(host, &fs, &e), 0);
	assert_int_equal(smig_inventory_read(fs, host, &o, &inv, &e), -1);
	assert_null(inv);
	assert_int_equal(e.kind, SMIG_ERR_FORMAT);
	smig_hostfs_free(fs);
	tu_rmtree(dir);
	free(host);
	free(junk);
	free(dir);
}

static void dirty_real_hive_is_warned(void **state)
{
	char *hive = tu_shared("system-win8-hyperv.hive"), *dir, *cfg;
	struct smig_inventory *inv;
	size_t i;
	bool warned = false;

	(void)state;
	if (hive == NULL)
		skip();
	dir = tu_mkdtemp();
	cfg = tu_fmt("%s/C/Windows/System32/config", dir);
	assert_int_equal(tu_sh("mkdir -p '%s' && cp '%s' '%s/SYSTEM'", cfg, hive, cfg), 0);
	inv = read_host(dir, NULL);
	for (i = 0; i < inv->problems.count; i++)
		warned |= strstr(inv->problems.items[i].message, "is dirty") != NULL;
	assert_true(warned);
	assert_string_equal(inv->os.computer_name, "SENSEI");
	assert_false(inv->hyperv); /* guest services only, no VMSMP switch key */
	smig_inventory_free(inv);
	tu_rmtree(dir);
	free(dir);
	free(cfg);
	free(hive);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(destination_defaults),
		cmocka_unit_test(facts_options),
		cmocka_unit_test(dirty_real_hive_is_warned),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
