/* test_datadir.c - where the programs find the manifests and schemas (datadir.h): next to an
 * installed program, the source tree for a program in the build tree, $SMIG_MANIFESTS first. */
#include "testutil.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "datadir.h"

static void installed_tree_first(void **state)
{
	char *dir = tu_mkdtemp();
	char *exe = tu_fmt("%s/prefix/bin/smig-export", dir);
	char *want = tu_fmt("%s/prefix/bin/%s/manifests", dir, SMIG_BIN_TO_DATA);
	char buf[PATH_MAX];

	(void)state;
	/* not installed there (yet): outside the build tree, the installed path all the same */
	assert_int_equal(tu_sh("mkdir -p '%s/prefix/bin'", dir), 0);
	assert_string_equal(smig_datadir_for(exe, buf, sizeof(buf)), want);
	/* installed: that directory */
	assert_int_equal(tu_sh("mkdir -p '%s'", want), 0);
	assert_string_equal(smig_datadir_for(exe, buf, sizeof(buf)), want);
	/* too long for the buffer */
	assert_null(smig_datadir_for(exe, buf, 8));
	tu_rmtree(dir);
	free(dir);
	free(exe);
	free(want);
}

static void build_tree_falls_back_to_source(void **state)
{
	char buf[PATH_MAX];
	char *exe = tu_fmt("%s/smig-export", SMIG_BUILD_TREE);
	char *other = tu_fmt("%s-elsewhere/smig-export", SMIG_BUILD_TREE);

	(void)state;
	assert_string_equal(smig_datadir_for(exe, buf, sizeof(buf)), SMIG_SOURCE_DIR "/manifests");
	/* a sibling directory whose name starts like the build tree's is not inside it */
	assert_string_not_equal(smig_datadir_for(other, buf, sizeof(buf)),
				SMIG_SOURCE_DIR "/manifests");
	free(exe);
	free(other);
}

static void environment_overrides(void **state)
{
	(void)state;
	setenv("SMIG_MANIFESTS", "/nowhere/manifests", 1);
	assert_string_equal(smig_datadir_manifests(), "/nowhere/manifests");
	setenv("SMIG_MANIFESTS", "", 1); /* empty = not set */
	assert_string_equal(smig_datadir_manifests(), SMIG_SOURCE_DIR "/manifests");
	unsetenv("SMIG_MANIFESTS");
	/* this test program runs from the build tree */
	assert_string_equal(smig_datadir_manifests(), SMIG_SOURCE_DIR "/manifests");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(installed_tree_first),
		cmocka_unit_test(build_tree_falls_back_to_source),
		cmocka_unit_test(environment_overrides),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
