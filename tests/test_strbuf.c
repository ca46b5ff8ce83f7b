/* test_strbuf.c - the growable text buffer: appends, printf growth, take/release. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

static void grows_and_takes(void **state)
{
	struct smig_strbuf sb = SMIG_STRBUF_INIT;
	struct smig_err e = SMIG_ERR_INIT;
	size_t len = 0, i;
	char *s;

	(void)state;
	assert_string_equal(smig_strbuf_cstr(&sb), "");
	for (i = 0; i < 1000; i++)
		smig_strbuf_printf(&sb, "%04zu,", i);
	smig_strbuf_putc(&sb, '!');
	smig_strbuf_append(&sb, "ab\0c", 4); /* embedded NUL kept */
	assert_int_equal(smig_strbuf_check(&sb, &e), 0);
	assert_int_equal(sb.len, 5000 + 1 + 4);
	assert_memory_equal(sb.buf, "0000,0001,", 10);
	s = smig_strbuf_take(&sb, &len);
	assert_int_equal(len, 5005);
	assert_int_equal(s[5001], 'a');
	assert_int_equal(s[5005], '\0');
	assert_null(sb.buf);
	free(s);
	s = smig_strbuf_take(&sb, &len); /* empty buffer gives "" */
	assert_string_equal(s, "");
	free(s);
	smig_strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(grows_and_takes)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
