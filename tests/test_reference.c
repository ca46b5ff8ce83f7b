/*
 * test_reference.c - docs/reference.md against the code: every report code (SMIGnnnn) the
 * programs use has a row there and every row is a code in use; every error kind of err.h has
 * one row in the exit code table, with the code smig_err_exit_code() gives it; and the exit
 * codes both programs' --help lists are the table's.
 */
#include "testutil.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

static char *reference(void)
{
	char *path = tu_src("docs/reference.md");
	char *text = tu_read(path, NULL);

	free(path);
	return text;
}

/* The line of `text` that holds `needle`, as a new string; NULL when none. Fails the test when
 * more than one does. */
static char *only_line(const char *text, const char *needle)
{
	const char *hit = strstr(text, needle), *b, *end;

	if (hit == NULL)
		return NULL;
	if (strstr(hit + 1, needle) != NULL)
		fail_msg("docs/reference.md names %s on more than one line", needle);
	for (b = hit; b > text && b[-1] != '\n'; b--)
		;
	end = strchr(hit, '\n');
	return strndup(b, end ? (size_t)(end - b) : strlen(b));
}

static void every_code_used_is_documented(void **state)
{
	char *doc = reference(), *dir = tu_mkdtemp(), *list = tu_fmt("%s/codes", dir);
	char *codes, *line, *save = NULL;
	const char *p;
	size_t n = 0;

	(void)state;
	assert_int_equal(tu_sh("cd '%s' && grep -rhoE 'SMIG[0-9]{4}' common smig-export smig-import "
			       "cli | sort -u >'%s'", SMIG_SOURCE_DIR, list), 0);
	codes = tu_read(list, NULL);
	for (line = strtok_r(codes, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *row = tu_fmt("\n| %s |", line);
		if (strstr(doc, row) == NULL)
			fail_msg("%s is used in the code but has no row in docs/reference.md", line);
		free(row);
		n++;
	}
	assert_true(n >= 40); /* the grep found the codes */
	/* every documented code is one the code uses */
	free(codes);
	codes = tu_read(list, NULL);
	for (p = strstr(doc, "\n| SMIG"); p; p = strstr(p + 1, "\n| SMIG")) {
		char code[9];
		memcpy(code, p + 3, 8);
		code[8] = '\0';
		if (strstr(codes, code) == NULL)
			fail_msg("docs/reference.md documents %s, which no code uses", code);
	}
	tu_rmtree(dir);
	free(codes);
	free(list);
	free(dir);
	free(doc);
}

static void exit_codes_match_the_mapping(void **state)
{
	char *doc = reference(), *errh_path = tu_src("common/err.h");
	char *errh = tu_read(errh_path, NULL);
	const char *p = strstr(errh, "enum smig_err_kind {"), *end;
	int kind = 0;

	(void)state;
	assert_non_null(p);
	end = strstr(p, "};");
	assert_non_null(end);
	/* the kinds in declaration order: NONE = 0, then one more each (no other initialiser) */
	for (p = strstr(p, "SMIG_ERR_"); p && p < end; p = strstr(p, "SMIG_ERR_"), kind++) {
		char name[40], *tick, *row;
		size_t len = 0;
		struct smig_err e = SMIG_ERR_INIT;
		int code;

		while (isupper((unsigned char)p[len]) || p[len] == '_')
			len++;
		assert_true(len < sizeof(name));
		memcpy(name, p, len);
		name[len] = '\0';
		p += len;
		if (kind > 0 && strncmp(p, " =", 2) == 0)
			fail_msg("%s has an initialiser: the test assumes consecutive kinds", name);
		tick = tu_fmt("`%s`", name);
		row = only_line(doc, tick);
		if (row == NULL)
			fail_msg("error kind %s is not in docs/reference.md's exit code table", name);
		if (sscanf(row, "| %d |", &code) != 1)
			fail_msg("the row of %s is not an exit code row: %s", name, row);
		e.kind = (enum smig_err_kind)kind;
		if (smig_err_exit_code(&e) != code)
			fail_msg("docs/reference.md gives %s exit %d, smig_err_exit_code() %d", name,
				 code, smig_err_exit_code(&e));
		free(tick);
		free(row);
	}
	assert_true(kind >= 8);
	free(errh);
	free(errh_path);
	free(doc);
}

static void help_lists_the_same_exit_codes(void **state)
{
	static const char *const progs[] = {"smig-export", "smig-import"};
	char *doc = reference();

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		char *dir = tu_mkdtemp(), *bin = tu_bin(progs[i]), *out = tu_fmt("%s/help", dir);
		char *help, *line;
		int listed = 0;

		assert_int_equal(tu_sh("'%s' --help >'%s'", bin, out), 0);
		help = tu_read(out, NULL);
		line = strstr(help, "Exit codes:");
		assert_non_null(line);
		/* "Exit codes: 0 success, 1 operational error, ..." over two lines */
		for (const char *q = line; *q && !(q[0] == '\n' && (q[1] == '\n' || !q[1])); q++) {
			if (isdigit((unsigned char)*q) && (q[-1] == ' ' || q[-1] == '\n') &&
			    q[1] == ' ') {
				char *row = tu_fmt("\n| %c | ", *q);
				if (strstr(doc, row) == NULL)
					fail_msg("%s --help lists exit %c, docs/reference.md has no row",
						 progs[i], *q);
				free(row);
				listed++;
			}
		}
		assert_int_equal(listed, 6);
		tu_rmtree(dir);
		free(help);
		free(out);
		free(bin);
		free(dir);
	}
	free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_code_used_is_documented),
		cmocka_unit_test(exit_codes_match_the_mapping),
		cmocka_unit_test(help_lists_the_same_exit_codes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
