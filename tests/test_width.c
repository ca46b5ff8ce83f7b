/* test_width.c - display columns and cuts between characters (width.h): accented Latin,
 * CJK double-width, combining marks, controls, broken UTF-8. */
#include "testutil.h"

#include <string.h>

#include "width.h"
#include "winval.h"

/* "é" 2 bytes 1 column, "名" 3 bytes 2 columns, U+0301 (combining acute) 2 bytes 0 columns */
#define E_ACUTE "\xc3\xa9"
#define NA "\xe5\x90\x8d"
#define MAE "\xe5\x89\x8d"
#define ACUTE "\xcc\x81"

static size_t cols(const char *s)
{
	return smig_width_cols(s, strlen(s));
}

static void columns(void **state)
{
	(void)state;
	assert_int_equal(cols(""), 0);
	assert_int_equal(cols("web01"), 5);
	assert_int_equal(cols("Caf" E_ACUTE), 4);
	assert_int_equal(cols(NA MAE), 4);
	assert_int_equal(cols("e" ACUTE), 1);
	assert_int_equal(cols("a\x1b"), 5);    /* a control is shown as \xNN */
	assert_int_equal(cols("a\xff"), 2);    /* a byte that is no sequence: one '?' */
	assert_int_equal(cols("\xf0\x9f\x98\x80"), 2); /* U+1F600, an emoji: wide */
}

static void head(void **state)
{
	const char *s = NA MAE "vm";

	(void)state;
	assert_int_equal(smig_width_head(s, strlen(s), 0), 0);
	assert_int_equal(smig_width_head(s, strlen(s), 1), 0); /* half of "名" is no character */
	assert_int_equal(smig_width_head(s, strlen(s), 3), 3);
	assert_int_equal(smig_width_head(s, strlen(s), 4), 6);
	assert_int_equal(smig_width_head(s, strlen(s), 100), strlen(s));
	/* a combining mark stays with its letter */
	assert_int_equal(smig_width_head("e" ACUTE "x", 4, 1), 3);
	assert_int_equal(smig_width_head(E_ACUTE "e", 3, 1), 2);
}

static void tail(void **state)
{
	const char *s = "ab" NA MAE;

	(void)state;
	assert_int_equal(smig_width_tail(s, strlen(s), 100), 0);
	assert_int_equal(smig_width_tail(s, strlen(s), 4), 2);
	assert_int_equal(smig_width_tail(s, strlen(s), 3), 5); /* not half of "名" */
	assert_int_equal(smig_width_tail(s, strlen(s), 2), 5);
	assert_int_equal(smig_width_tail(s, strlen(s), 1), strlen(s));
	assert_int_equal(smig_width_tail(s, strlen(s), 0), strlen(s));
	/* the mark of a dropped letter goes with it */
	assert_int_equal(smig_width_tail("xe" ACUTE "y", 5, 1), 4);
}

/* Every cut of a mixed name, at every width: valid UTF-8, within the width, the longest. */
static void every_cut(void **state)
{
	const char *s = "VM Caf" E_ACUTE " " NA MAE "-e" ACUTE "\xf0\x9f\x98\x80" "sql01";
	size_t n = strlen(s), w = cols(s), c, k;

	(void)state;
	for (c = 0; c <= w + 1; c++) {
		k = smig_width_head(s, n, c);
		assert_true(smig_utf8_valid(s, k));
		assert_true(smig_width_cols(s, k) <= c);
		assert_true(k == n || smig_width_cols(s, k) + 2 >= c); /* at most a wide char short */
		k = smig_width_tail(s, n, c);
		assert_true(smig_utf8_valid(s + k, n - k));
		assert_true(smig_width_cols(s + k, n - k) <= c);
		assert_true(k == 0 || smig_width_cols(s + k, n - k) + 2 >= c);
	}
}

static void boundary(void **state)
{
	const char *s = "ab" NA "\xf0\x9f\x98\x80";

	(void)state;
	assert_int_equal(smig_width_boundary("abc", 3), 3);
	assert_int_equal(smig_width_boundary(s, 2), 2);
	assert_int_equal(smig_width_boundary(s, 3), 2); /* one byte of "名" */
	assert_int_equal(smig_width_boundary(s, 4), 2);
	assert_int_equal(smig_width_boundary(s, 5), 5);
	assert_int_equal(smig_width_boundary(s, 8), 5); /* three bytes of the emoji */
	assert_int_equal(smig_width_boundary(s, 9), 9);
	assert_int_equal(smig_width_boundary(E_ACUTE, 1), 0);
	assert_int_equal(smig_width_boundary("", 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(columns),
		cmocka_unit_test(head),
		cmocka_unit_test(tail),
		cmocka_unit_test(every_cut),
		cmocka_unit_test(boundary),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
