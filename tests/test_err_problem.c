/* test_err_problem.c - report item lists (problem.h), the error object and exit codes (err.h). */
#include "testutil.h"

#include <string.h>

#include "err.h"
#include "problem.h"
#include "winval.h"

static void items(void **state)
{
	struct smig_problems l = {0};
	struct smig_err e = SMIG_ERR_INIT;
	int i;

	(void)state;
	for (i = 0; i < 40; i++)
		assert_int_equal(smig_problems_add(&l, "SMIG3003", i % 2 ? SMIG_SEV_MANUAL : SMIG_SEV_INFO,
						   "vm:web01", i % 2 ? "copy it" : NULL,
						   i % 2 ? "Set-VMDvdDrive -VMName web01 -Path X" : NULL,
						   &e, "item %d", i),
				 0);
	assert_int_equal(l.count, 40);
	assert_int_equal(smig_problems_count(&l, SMIG_SEV_MANUAL), 20);
	assert_string_equal(l.items[39].message, "item 39");
	assert_string_equal(l.items[1].powershell, "Set-VMDvdDrive -VMName web01 -Path X");
	assert_null(l.items[0].action);
	assert_string_equal(smig_severity_name(SMIG_SEV_BLOCKER), "blocker");
	smig_problems_release(&l);
	assert_int_equal(l.count, 0);
}

static void error_object(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;

	(void)state;
	assert_int_equal(smig_err_sys(&e, 2, "cannot open '%s'", "D:\\x.vhd"), -1);
	assert_string_equal(e.msg, "cannot open 'D:\\x.vhd': No such file or directory");
	/* the first error wins */
	smig_err_set(&e, SMIG_ERR_INTEGRITY, "later");
	assert_int_equal(e.kind, SMIG_ERR_IO);
	assert_int_equal(smig_err_exit_code(&e), 1);
	smig_err_clear(&e);
	smig_err_set(&e, SMIG_ERR_INTEGRITY, "x");
	assert_int_equal(smig_err_exit_code(&e), 3);
	smig_err_clear(&e);
	smig_err_set(&e, SMIG_ERR_USAGE, "x");
	assert_int_equal(smig_err_exit_code(&e), 2);
	smig_err_clear(&e);
	smig_err_set(&e, SMIG_ERR_BLOCKED, "x");
	assert_int_equal(smig_err_exit_code(&e), 4);
	assert_int_equal(smig_err_set(NULL, SMIG_ERR_IO, "ignored"), -1);
}

/* A message longer than the buffer is cut between characters: a VM named in CJK (3 bytes a
 * character) after one ASCII byte cannot end on a whole character at 1023 bytes. */
static void long_message_whole_characters(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	char name[3 * 400 + 1];
	size_t i, n;

	(void)state;
	for (i = 0; i < 400; i++)
		memcpy(name + 3 * i, "\xe5\x90\x8d", 3);
	name[3 * 400] = '\0';
	smig_err_set(&e, SMIG_ERR_FORMAT, "'%s': bad", name);
	n = strlen(e.msg);
	assert_true(n >= sizeof(e.msg) - 3 && n < sizeof(e.msg));
	assert_true(smig_utf8_valid(e.msg, n));
	smig_err_clear(&e);
	smig_err_sys(&e, 2, "cannot open '%s'", name);
	n = strlen(e.msg);
	assert_true(n >= sizeof(e.msg) - 5 && n < sizeof(e.msg));
	assert_true(smig_utf8_valid(e.msg, n));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(items),
		cmocka_unit_test(error_object),
		cmocka_unit_test(long_message_whole_characters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
