/* test_hostopts.c - the shared host options: --drive, --memory-mb, and opening a host. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "hostopts.h"

static void options(void **state)
{
	struct smig_hostopts o = {0};
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_hostfs *fs = NULL;
	struct smig_inventory *inv = NULL;
	char *dir = tu_mkdtemp(), *host = tu_fmt("%s/h", dir), *ddir = tu_fmt("%s/elsewhere", dir);
	int i;

	(void)state;
	assert_int_equal(smig_hostopts_add(&o, SMIG_OPT_MEMORY_MB, "4096", &e), 0);
	assert_int_equal(o.memory_mb, 4096);
	assert_int_equal(smig_hostopts_add(&o, SMIG_OPT_MEMORY_MB, "4k", &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_USAGE);
	smig_err_clear(&e);
	assert_int_equal(smig_hostopts_add(&o, SMIG_OPT_MEMORY_MB, "0", &e), -1);
	smig_err_clear(&e);
	for (i = 0; i < SMIG_HOSTOPTS_MAX_DRIVES; i++)
		assert_int_equal(smig_hostopts_add(&o, SMIG_OPT_DRIVE, "D=/tmp", &e), 0);
	assert_int_equal(smig_hostopts_add(&o, SMIG_OPT_DRIVE, "E=/tmp", &e), -1);
	smig_err_clear(&e);
	/* no root */
	memset(&o, 0, sizeof(o));
	assert_int_equal(smig_hostopts_read(&o, &fs, &inv, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_USAGE);
	smig_err_clear(&e);
	/* --drive overrides the host folder's own D/: move D away and map it back */
	tu_build_example("lab-2008r2", host);
	assert_int_equal(tu_sh("mv '%s/D' '%s'", host, ddir), 0);
	o.root = host;
	assert_int_equal(smig_hostopts_read(&o, &fs, &inv, &e), 0);
	{
		/* only dc01 lives on C:; the three VMs on D: are flagged, not guessed */
		size_t k, bad = 0;
		for (k = 0; k < inv->nvms; k++)
			bad += inv->vms[k].error != NULL;
		assert_int_equal(inv->nvms, 4);
		assert_int_equal(bad, 3);
	}
	smig_inventory_free(inv);
	smig_hostfs_free(fs);
	{
		char *arg = tu_fmt("D=%s", ddir);
		o.drives[0] = arg;
		o.ndrives = 1;
		assert_int_equal(smig_hostopts_read(&o, &fs, &inv, &e), 0);
		assert_int_equal(inv->nvms, 4);
		smig_inventory_free(inv);
		smig_hostfs_free(fs);
		free(arg);
	}
	tu_rmtree(dir);
	free(host);
	free(ddir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(options)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
