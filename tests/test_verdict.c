/*
 * test_verdict.c - the pass/fail bookkeeping both verifications share: a verdict with any bad
 * fact is a failure (an error when something could not be read) and says only the bad facts;
 * one without is a pass (a warning when flagged) and says the facts that held.
 */
#include "testutil.h"

#include <string.h>

#include "verdict.h"

static const struct smig_problem *last(const struct smig_problems *p)
{
	assert_true(p->count > 0);
	return &p->items[p->count - 1];
}

static void emit_severities(void **state)
{
	struct smig_problems out = {0};
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_verdict v = SMIG_VERDICT_INIT;

	(void)state;
	smig_verdict_ok(&v, "memory %d MB", 2048);
	smig_verdict_ok(&v, "dynamic memory off");
	assert_int_equal(smig_verdict_emit(&v, &out, "SMIG4002", "vm:web01", &e), 0);
	assert_int_equal(last(&out)->severity, SMIG_SEV_PASS);
	assert_non_null(strstr(last(&out)->message, "memory 2048 MB"));
	assert_non_null(strstr(last(&out)->message, "dynamic memory off"));

	/* the twin: one bad fact makes it a failure that names only what was wrong */
	smig_verdict_ok(&v, "memory %d MB", 2048);
	smig_verdict_bad(&v, "dynamic memory on, the source's was off");
	assert_int_equal(smig_verdict_emit(&v, &out, "SMIG4002", "vm:web01", &e), 0);
	assert_int_equal(last(&out)->severity, SMIG_SEV_FAIL);
	assert_null(strstr(last(&out)->message, "2048"));
	assert_non_null(strstr(last(&out)->message, "dynamic memory on"));

	v.error = true;
	smig_verdict_bad(&v, "cannot read it");
	assert_int_equal(smig_verdict_emit(&v, &out, "SMIG4005", "vm:web01/disk:x.vhd", &e), 0);
	assert_int_equal(last(&out)->severity, SMIG_SEV_ERROR);

	v.warning = true;
	smig_verdict_ok(&v, "recreated internal");
	assert_int_equal(smig_verdict_emit(&v, &out, "SMIG4007", "switch:LAN", &e), 0);
	assert_int_equal(last(&out)->severity, SMIG_SEV_WARNING);
	/* emit starts the next verdict clean */
	assert_false(v.warning || v.error);
	assert_int_equal(v.ok.len + v.bad.len, 0);

	assert_int_equal(smig_verdict_info(&out, "SMIG4010", "host", &e, "%s", "not planned"), 0);
	assert_int_equal(last(&out)->severity, SMIG_SEV_INFO);
	assert_int_equal(out.count, 5);
	assert_string_equal(smig_verdict_plural(1), "");
	assert_string_equal(smig_verdict_plural(2), "s");
	smig_problems_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(emit_severities),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
