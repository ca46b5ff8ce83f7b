/* test_regfile.c - .reg files: exact reg.exe layout, lossless round trip, strict parsing. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "hive.h"
#include "regfile.h"
#include "winval.h"

#define FT_2015 130645440000000000ull
#define ROOT "HKEY_LOCAL_MACHINE\\TEST"
#define SYSROOT "HKEY_LOCAL_MACHINE\\SYSTEM"
#define HDR "Windows Registry Editor Version 5.00\r\n\r\n"

/* ---- helpers ---- */

static struct smig_hive *open_new(const char *dir, const char *name)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_hive *h = NULL;
	char *p = tu_fmt("%s/%s", dir, name);

	if (smig_hive_create(p, "TEST", FT_2015, &e) < 0 ||
	    smig_hive_open(p, name, true, NULL, &h, &e) < 0)
		fail_msg("%s", e.msg);
	free(p);
	return h;
}

static smig_hive_node mk(struct smig_hive *h, const char *path)
{
	struct smig_err e = SMIG_ERR_INIT;
	smig_hive_node n = 0;

	if (smig_hive_mkpath(h, path, &n, &e) < 0)
		fail_msg("%s", e.msg);
	return n;
}

static void raw(struct smig_hive *h, smig_hive_node n, const char *name, uint32_t type,
                const void *data, size_t len)
{
	struct smig_err e = SMIG_ERR_INIT;

	if (smig_hive_set_raw(h, n, name, type, data, len, &e) < 0)
		fail_msg("%s", e.msg);
}

/* The small key whose export is checked byte for byte. */
static void fill_small(struct smig_hive *h)
{
	struct smig_err e = SMIG_ERR_INIT;
	const char *const x[] = {"x"};
	unsigned char bin[30];
	smig_hive_node n = mk(h, "Small"), sub = mk(h, "Small\\Sub");

	for (size_t i = 0; i < sizeof(bin); i++)
		bin[i] = (unsigned char)i;
	assert_int_equal(smig_hive_set_sz(h, n, "", "d", &e), 0);
	assert_int_equal(smig_hive_set_dword(h, n, "a\\\"b", 42, &e), 0);
	raw(h, n, "bin", SMIG_REG_BINARY, bin, sizeof(bin));
	assert_int_equal(smig_hive_set_multi_sz(h, n, "m", x, 1, &e), 0);
	assert_int_equal(smig_hive_set_qword(h, sub, "q", 42, &e), 0);
}

/* Every value type and every reason to fall back to hex, in nested keys. */
static void fill_all(struct smig_hive *h)
{
	struct smig_err e = SMIG_ERR_INIT;
	const char *const list[] = {"10.0.0.5", "fe80::1%12"};
	const unsigned char embedded_nul[] = {'a', 0, 0, 0, 'b', 0, 0, 0};
	const unsigned char no_term[] = {'a', 0};
	const unsigned char odd[] = {'a', 0, 0};
	const unsigned char lone_surrogate[] = {0x00, 0xD8, 0, 0};
	const unsigned char two_terms[] = {'a', 0, 0, 0, 0, 0};
	const unsigned char be[] = {0x12, 0x34, 0x56, 0x78};
	unsigned char big[1000];
	smig_hive_node top = mk(h, "Top");

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (unsigned char)(i * 7);
	assert_int_equal(smig_hive_set_sz(h, top, "", "default", &e), 0);
	assert_int_equal(smig_hive_set_sz(h, top, "sz", "hello \"quoted\" C:\\path\\", &e), 0);
	assert_int_equal(smig_hive_set_sz(h, top, "sz_empty", "", &e), 0);
	assert_int_equal(smig_hive_set_sz(h, top,
	                                  "gr\xc3\xbc\xc3\x9f"
	                                  "e \xe2\x82\xac",
	                                  "\xf0\x9f\x98\x80 caf\xc3\xa9\ttab", &e),
	                 0);
	assert_int_equal(smig_hive_set_sz(h, top, "sz_newline", "a\r\nb", &e), 0);
	raw(h, top, "sz_embedded_nul", SMIG_REG_SZ, embedded_nul, sizeof(embedded_nul));
	raw(h, top, "sz_no_term", SMIG_REG_SZ, no_term, sizeof(no_term));
	raw(h, top, "sz_odd", SMIG_REG_SZ, odd, sizeof(odd));
	raw(h, top, "sz_surrogate", SMIG_REG_SZ, lone_surrogate, sizeof(lone_surrogate));
	raw(h, top, "sz_two_terms", SMIG_REG_SZ, two_terms, sizeof(two_terms));
	raw(h, top, "sz_zero_len", SMIG_REG_SZ, "", 0);
	assert_int_equal(smig_hive_set_expand_sz(h, top, "expand", "%SystemRoot%\\x", &e), 0);
	assert_int_equal(smig_hive_set_dword(h, top, "dword", 0xDEADBEEF, &e), 0);
	raw(h, top, "dword_short", SMIG_REG_DWORD, "\x01\x02", 2);
	raw(h, top, "big_endian", SMIG_REG_DWORD_BIG_ENDIAN, be, sizeof(be));
	assert_int_equal(smig_hive_set_qword(h, top, "qword", 0x0102030405060708ull, &e), 0);
	assert_int_equal(smig_hive_set_multi_sz(h, top, "multi", list, 2, &e), 0);
	assert_int_equal(smig_hive_set_multi_sz(h, top, "multi_empty", list, 0, &e), 0);
	raw(h, top, "none", SMIG_REG_NONE, "", 0);
	raw(h, top, "link", SMIG_REG_LINK, "\\\0?\0", 4);
	raw(h, top, "odd_type", 0x20000, "\xff", 1);
	raw(h, top, "long binary value name that pushes the first hex line", SMIG_REG_BINARY, big,
	    sizeof(big));
	/* subkeys whose case-insensitive order differs from a bytewise one */
	raw(h, mk(h, "Top\\beta"), "v", SMIG_REG_BINARY, "\x01", 1);
	mk(h, "Top\\Alpha\\Deep\\Deeper");
	raw(h, mk(h, "Top\\Zed"), "", SMIG_REG_BINARY, "", 0);
	mk(h, "Top\\_under");
	fill_small(h);
}

/* The UTF-16LE file as UTF-8, after checking the BOM and that every LF follows a CR. */
static char *file_text(const unsigned char *buf, size_t len)
{
	struct smig_err e = SMIG_ERR_INIT;
	char *s = NULL;

	assert_true(len >= 2 && buf[0] == 0xFF && buf[1] == 0xFE);
	assert_int_equal(len % 2, 0);
	if (smig_utf16le_to_utf8(buf + 2, len - 2, &s, &e) < 0)
		fail_msg("%s", e.msg);
	for (const char *p = s; (p = strchr(p, '\n')) != NULL; p++)
		assert_true(p > s && p[-1] == '\r');
	return s;
}

/* Export `path` of h recursively under `root`. */
static unsigned char *export(struct smig_hive *h, const char *root, const char *path, size_t *len)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_regfile *rf = NULL;
	unsigned char *out = NULL;

	assert_int_equal(smig_regfile_new(&rf, &e), 0);
	if (smig_regfile_add(rf, h, root, path, NULL, true, &e) != 0 ||
	    smig_regfile_finish(rf, &out, len, &e) < 0)
		fail_msg("%s", e.msg);
	smig_regfile_free(rf);
	return out;
}

/*
 * Every parsed key exists in h (path below `root` mapped to `hive_prefix`) with exactly the
 * parsed values, in order, same types and bytes. Returns the number of values compared.
 */
static size_t compare_with_hive(const struct smig_regfile_key *keys, size_t nkeys, const char *root,
                                const char *hive_prefix, struct smig_hive *h)
{
	struct smig_err e = SMIG_ERR_INIT;
	size_t total = 0;

	for (size_t i = 0; i < nkeys; i++) {
		struct smig_regval *vals = NULL;
		size_t nvals = 0, rlen = strlen(root);
		smig_hive_node n = 0;
		char *rel;

		assert_false(keys[i].deleted);
		assert_true(strncmp(keys[i].path, root, rlen) == 0);
		rel = tu_fmt("%s%s", hive_prefix, keys[i].path + rlen);
		if (smig_hive_find(h, 0, rel, &n, &e) != 0)
			fail_msg("key '%s' (%s) not in the hive: %s", keys[i].path, rel, e.msg);
		assert_int_equal(smig_hive_values(h, n, &vals, &nvals, &e), 0);
		assert_int_equal(keys[i].nvalues, nvals);
		for (size_t j = 0; j < nvals; j++) {
			const struct smig_regfile_value *v = &keys[i].values[j];

			assert_string_equal(v->name, vals[j].name);
			if (v->type != vals[j].type || v->len != vals[j].len ||
			    (v->len && memcmp(v->data, vals[j].data, v->len) != 0))
				fail_msg("value '%s' of '%s' differs (type %u/%u, %zu/%zu bytes)",
				         v->name, keys[i].path, v->type, vals[j].type, v->len,
				         vals[j].len);
		}
		total += nvals;
		smig_regvals_free(vals, nvals);
		free(rel);
	}
	return total;
}

static void parse_ok(const void *buf, size_t len, struct smig_regfile_key **keys, size_t *n)
{
	struct smig_err e = SMIG_ERR_INIT;

	if (smig_regfile_parse(buf, len, "t.reg", keys, n, &e) < 0)
		fail_msg("%s", e.msg);
}

/* ---- tests ---- */

static void exact_small_key(void **state)
{
	static const char expected[] =
	    HDR "[" ROOT "\\Small]\r\n"
	        "@=\"d\"\r\n"
	        "\"a\\\\\\\"b\"=dword:0000002a\r\n"
	        "\"bin\"=hex:00,01,02,03,04,05,06,07,08,09,0a,0b,0c,0d,0e,0f,10,11,12,13,14,15,"
	        "16,\\\r\n"
	        "  17,18,19,1a,1b,1c,1d\r\n"
	        "\"m\"=hex(7):78,00,00,00,00,00\r\n"
	        "\r\n"
	        "[" ROOT "\\Small\\Sub]\r\n"
	        "\"q\"=hex(b):2a,00,00,00,00,00,00,00\r\n"
	        "\r\n"
	        /* the single-value form; the path is shown as the caller spelled it */
	        "[" ROOT "\\small]\r\n"
	        "\"bin\"=hex:00,01,02,03,04,05,06,07,08,09,0a,0b,0c,0d,0e,0f,10,11,12,13,14,15,"
	        "16,\\\r\n"
	        "  17,18,19,1a,1b,1c,1d\r\n"
	        "\r\n"
	        /* the default value alone, key given with stray backslashes */
	        "[" ROOT "\\Small]\r\n"
	        "@=\"d\"\r\n"
	        "\r\n";
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_regfile *rf = NULL;
	struct smig_hive *h;
	unsigned char *out = NULL;
	size_t len = 0;
	char *dir = tu_mkdtemp(), *text;

	(void)state;
	h = open_new(dir, "a");
	fill_small(h);
	assert_int_equal(smig_regfile_new(&rf, &e), 0);
	assert_int_equal(smig_regfile_add(rf, h, ROOT, "Small", NULL, true, &e), 0);
	assert_int_equal(smig_regfile_count(rf), 7);
	assert_int_equal(smig_regfile_add(rf, h, ROOT, "small", "BIN", false, &e), 0);
	assert_int_equal(smig_regfile_add(rf, h, ROOT, "\\Small\\", "", true, &e), 0);
	assert_int_equal(smig_regfile_count(rf), 11);
	assert_int_equal(smig_regfile_finish(rf, &out, &len, &e), 0);
	text = file_text(out, len);
	assert_string_equal(text, expected);
	/* the UTF-16 is exactly two bytes per character here (all ASCII) plus the BOM */
	assert_int_equal(len, 2 + 2 * strlen(expected));
	free(text);
	free(out);

	/* rejecting twins: absent key, absent value, bad root; nothing is appended */
	assert_int_equal(smig_regfile_add(rf, h, ROOT, "Small\\Nope", NULL, true, &e), 1);
	assert_int_equal(smig_regfile_add(rf, h, ROOT, "Small", "nope", false, &e), 1);
	assert_int_equal(smig_regfile_add(rf, h, "", "Small", NULL, true, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_USAGE);
	assert_int_equal(smig_regfile_count(rf), 11);
	assert_int_equal(smig_regfile_finish(rf, &out, &len, &e), 0);
	text = file_text(out, len);
	assert_string_equal(text, expected);
	free(text);
	free(out);

	smig_regfile_free(rf);
	smig_hive_close(h);
	tu_rmtree(dir);
	free(dir);
}

static void every_type_round_trip(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_regfile_key *keys = NULL;
	struct smig_hive *h, *h2;
	unsigned char *out = NULL, *out2 = NULL;
	size_t len = 0, len2 = 0, nkeys = 0;
	char *dir = tu_mkdtemp(), *text, *line, *a, *b, *z, *u;

	(void)state;
	h = open_new(dir, "a");
	fill_all(h);
	out = export(h, ROOT, "", &len);
	text = file_text(out, len);

	/* each value in the form reg.exe uses, hex whenever text would lose bytes */
	assert_non_null(strstr(text, "\r\n[" ROOT "]\r\n\r\n[" ROOT "\\Small]\r\n"));
	assert_non_null(strstr(text, "\r\n@=\"default\"\r\n"));
	assert_non_null(strstr(text, "\r\n\"sz\"=\"hello \\\"quoted\\\" C:\\\\path\\\\\"\r\n"));
	assert_non_null(strstr(text, "\r\n\"sz_empty\"=\"\"\r\n"));
	assert_non_null(strstr(text, "\"=\"\xf0\x9f\x98\x80 caf\xc3\xa9\ttab\"\r\n"));
	assert_non_null(
	    strstr(text, "\r\n\"sz_newline\"=hex(1):61,00,0d,00,0a,00,62,00,00,00\r\n"));
	assert_non_null(strstr(text, "\r\n\"sz_embedded_nul\"=hex(1):61,00,00,00,62,00,00,00\r\n"));
	assert_non_null(strstr(text, "\r\n\"sz_no_term\"=hex(1):61,00\r\n"));
	assert_non_null(strstr(text, "\r\n\"sz_odd\"=hex(1):61,00,00\r\n"));
	assert_non_null(strstr(text, "\r\n\"sz_surrogate\"=hex(1):00,d8,00,00\r\n"));
	assert_non_null(strstr(text, "\r\n\"sz_two_terms\"=hex(1):61,00,00,00,00,00\r\n"));
	assert_non_null(strstr(text, "\r\n\"sz_zero_len\"=hex(1):\r\n"));
	assert_non_null(strstr(text, "\r\n\"expand\"=hex(2):25,00,53,00,"));
	assert_non_null(strstr(text, "\r\n\"dword\"=dword:deadbeef\r\n"));
	assert_non_null(strstr(text, "\r\n\"dword_short\"=hex(4):01,02\r\n"));
	assert_non_null(strstr(text, "\r\n\"big_endian\"=hex(5):12,34,56,78\r\n"));
	assert_non_null(strstr(text, "\r\n\"qword\"=hex(b):08,07,06,05,04,03,02,01\r\n"));
	assert_non_null(strstr(text, "\r\n\"multi_empty\"=hex(7):00,00\r\n"));
	assert_non_null(strstr(text, "\r\n\"none\"=hex(0):\r\n"));
	assert_non_null(strstr(text, "\r\n\"link\"=hex(6):5c,00,3f,00\r\n"));
	assert_non_null(strstr(text, "\r\n\"odd_type\"=hex(20000):ff\r\n"));
	assert_non_null(strstr(text, "\r\n[" ROOT "\\Top\\Zed]\r\n@=hex:\r\n\r\n"));

	/* subkeys sorted case-insensitively, depth first */
	a = strstr(text, "[" ROOT "\\Top\\Alpha]");
	b = strstr(text, "[" ROOT "\\Top\\beta]");
	z = strstr(text, "[" ROOT "\\Top\\Zed]");
	u = strstr(text, "[" ROOT "\\Top\\_under]");
	assert_true(a && b && z && u);
	assert_true(a < strstr(text, "[" ROOT "\\Top\\Alpha\\Deep\\Deeper]"));
	assert_true(strstr(text, "[" ROOT "\\Top\\Alpha\\Deep\\Deeper]") < b);
	assert_true(b < z && z < u);

	/* no line over 80 columns (all names here are ASCII but the one checked below) */
	for (line = text; *line != '\0';) {
		size_t n = strcspn(line, "\r");

		if (strncmp(line, "\"gr", 3) != 0 && n > 80)
			fail_msg("line of %zu columns: %.*s", n, (int)n, line);
		line += n + 2;
	}
	/* the 1000-byte value wraps like reg.exe: 25 bytes on each full continuation line */
	line = strstr(text, "\"long binary value name that pushes the first hex line\"=hex:");
	assert_non_null(line);
	{
		size_t n = strcspn(line, "\r"), full = 0;
		bool more = true;

		assert_true(n <= 80 && line[n - 1] == '\\');
		while (more) {
			line += n + 2;
			n = strcspn(line, "\r");
			assert_memory_equal(line, "  ", 2);
			more = line[n - 1] == '\\';
			if (more) {
				assert_int_equal(n, 2 + 25 * 3 + 1);
				full++;
			}
		}
		assert_true(full >= 35);
	}

	/* parse back: every key and value is in the hive with the same type and bytes */
	parse_ok(out, len, &keys, &nkeys);
	assert_int_equal(nkeys, 10);
	assert_int_equal(compare_with_hive(keys, nkeys, ROOT, "", h), 22 + 1 + 1 + 4 + 1);

	/* apply to a fresh hive, commit, reopen, export: the same bytes */
	h2 = open_new(dir, "b");
	assert_int_equal(smig_regfile_apply(keys, nkeys, ROOT, h2, &e), 0);
	assert_int_equal(smig_hive_commit(h2, NULL, &e), 0);
	smig_hive_close(h2);
	{
		char *p = tu_fmt("%s/b", dir);

		assert_int_equal(smig_hive_open(p, "b", false, NULL, &h2, &e), 0);
		free(p);
	}
	out2 = export(h2, ROOT, "", &len2);
	assert_int_equal(len2, len);
	assert_memory_equal(out2, out, len);

	smig_hive_close(h2);
	smig_regfile_keys_free(keys, nkeys);
	free(out2);
	free(text);
	free(out);
	smig_hive_close(h);
	tu_rmtree(dir);
	free(dir);
}

static void parse_accepts(void **state)
{
	static const char utf8[] = "\xef\xbb\xbfWindows Registry Editor Version 5.00\n"
	                           "\n"
	                           "; a comment, then a deletion\n"
	                           "[-HKEY_LOCAL_MACHINE\\TEST\\Old]\n"
	                           "[HKEY_LOCAL_MACHINE\\TEST\\K]\n"
	                           "\"gone\"=-\n"
	                           "\"d\"=dword:2A\n"
	                           "\"h\"=hex:01,02,\\\n"
	                           "\t  03,\\\n"
	                           "  04\n"
	                           "@=\"x \\\"y\\\" \xc3\xa9\"\n"
	                           "\"e\"=hex:\n"
	                           "\"t\"=hex(FFFFFFFE):00";
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_regfile_key *keys = NULL;
	unsigned char *u16 = NULL, *file = NULL;
	size_t nkeys = 0, n = 0;
	const struct smig_regfile_value *v;
	char *crlf;

	(void)state;
	parse_ok(utf8, strlen(utf8), &keys, &nkeys);
	assert_int_equal(nkeys, 2);
	assert_string_equal(keys[0].path, "HKEY_LOCAL_MACHINE\\TEST\\Old");
	assert_true(keys[0].deleted);
	assert_int_equal(keys[0].nvalues, 0);
	assert_string_equal(keys[1].path, "HKEY_LOCAL_MACHINE\\TEST\\K");
	assert_false(keys[1].deleted);
	assert_int_equal(keys[1].nvalues, 6);
	v = keys[1].values;
	assert_string_equal(v[0].name, "gone");
	assert_int_equal(v[0].type, SMIG_REGFILE_DELETE);
	assert_int_equal(v[1].type, SMIG_REG_DWORD);
	assert_int_equal(v[1].len, 4);
	assert_memory_equal(v[1].data, "\x2a\0\0\0", 4);
	assert_int_equal(v[2].type, SMIG_REG_BINARY);
	assert_int_equal(v[2].len, 4);
	assert_memory_equal(v[2].data, "\x01\x02\x03\x04", 4);
	assert_string_equal(v[3].name, "");
	assert_int_equal(v[3].type, SMIG_REG_SZ);
	assert_int_equal(v[3].len, 16);
	assert_memory_equal(v[3].data, "x\0 \0\"\0y\0\"\0 \0\xe9\0\0\0", 16);
	assert_int_equal(v[4].len, 0);
	assert_null(v[4].data);
	assert_int_equal(v[5].type, 0xFFFFFFFEu);
	assert_int_equal(v[5].len, 1);
	smig_regfile_keys_free(keys, nkeys);

	/* the same text as UTF-16LE with CRLF (what reg.exe writes) */
	crlf = tu_fmt("%s", utf8 + 3);
	{
		char *t = NULL;
		size_t k = 0;

		t = calloc(2 * strlen(crlf) + 1, 1);
		for (size_t i = 0; crlf[i] != '\0'; i++) {
			if (crlf[i] == '\n')
				t[k++] = '\r';
			t[k++] = crlf[i];
		}
		assert_int_equal(smig_utf8_to_utf16le(t, k, false, &u16, &n, &e), 0);
		free(t);
	}
	file = malloc(n + 2);
	file[0] = 0xFF;
	file[1] = 0xFE;
	memcpy(file + 2, u16, n);
	parse_ok(file, n + 2, &keys, &nkeys);
	assert_int_equal(nkeys, 2);
	assert_int_equal(keys[1].nvalues, 6);
	assert_memory_equal(keys[1].values[3].data, "x\0 \0\"\0y\0\"\0 \0\xe9\0\0\0", 16);
	smig_regfile_keys_free(keys, nkeys);

	/* a header alone is an empty file, not an error */
	parse_ok(HDR, strlen(HDR), &keys, &nkeys);
	assert_int_equal(nkeys, 0);
	assert_null(keys);

	/* rejecting twin of the UTF-16 form: a NUL character on line 5 */
	file[2 + 2 * (strstr(crlf, "[HKEY_LOCAL_MACHINE\\TEST\\K]") - crlf + 4)] = 0;
	assert_int_equal(smig_regfile_parse(file, n + 2, "t.reg", &keys, &nkeys, &e), -1);
	assert_string_equal(e.msg, "'t.reg' line 5: a NUL character");
	/* and an odd length */
	smig_err_clear(&e);
	assert_int_equal(smig_regfile_parse(file, n + 1, "t.reg", &keys, &nkeys, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_FORMAT);
	free(crlf);
	free(file);
	free(u16);
}

static void parse_rejects(void **state)
{
	static const struct {
		const char *text;
		const char *msg; /* expected message after "'t.reg' " */
	} cases[] = {
	    {"REGEDIT4\r\n\r\n[HKEY_LOCAL_MACHINE\\TEST]\r\n",
	     "line 1: the first line is not 'Windows Registry Editor Version 5.00'"},
	    {"[HKEY_LOCAL_MACHINE\\TEST]\r\n\"a\"=dword:1\r\n",
	     "line 1: the first line is not 'Windows Registry Editor Version 5.00'"},
	    {HDR "[K]\r\n\"a\"=hex:01,0g\r\n", "line 4: bad hex byte '0g'"},
	    {HDR "[K]\r\n\"a\"=hex:01,2\r\n", "line 4: bad hex byte '2'"},
	    {HDR "[K]\r\n\"a\"=hex:01,\r\n", "line 4: a ',' ends the hex bytes"},
	    {HDR "[K]\r\n\"a\"=hex:01 02\r\n",
	     "line 4: expected ',' between hex bytes, found ' 02'"},
	    {HDR "[K]\r\n\"a\"=\"abc\r\n", "line 4: unterminated string"},
	    {HDR "[K]\r\n\"a=\"abc\"\r\n", "line 4: expected '=' after the value name"},
	    {HDR "[K]\r\n\"a\"=\"a\\tb\"\r\n",
	     "line 4: unknown escape '\\t' in a string (only \\\\ and \\\" are allowed)"},
	    {HDR "[K]\r\n\"a\"=\"ab\" \r\n", "line 4: unexpected ' ' after a string"},
	    {HDR "\"a\"=dword:00000001\r\n", "line 3: a value before any [key] line"},
	    {HDR "[K]\r\n\"a\"=hex:01,\\\r\n", "line 4: the file ends inside a continued line"},
	    {HDR "[K]\r\n\"a\"=dword:123456789\r\n",
	     "line 4: dword: wants 1 to 8 hex digits, not '123456789'"},
	    {HDR "[K]\r\n\"a\"=dword:\r\n", "line 4: dword: without digits"},
	    {HDR "[K]\r\n\"a\"=hex(4:00\r\n",
	     "line 4: hex( wants 1 to 8 hex digits then '):', not '4:00'"},
	    {HDR "[K]\r\n\"a\"=hex(ffffffff):00\r\n",
	     "line 4: value type hex(ffffffff) is not supported"},
	    {HDR "[K]\r\n\"a\"=str:x\r\n",
	     "line 4: expected \"string\", dword:, hex:, hex(N): or -, found 'str:x'"},
	    {HDR "[K]\r\n a=1\r\n",
	     "line 4: expected [key], \"name\"=, @= or a ';' comment, found ' a=1'"},
	    {HDR "[K\r\n", "line 3: a key line must end with ']'"},
	    {HDR "[K\\\\L]\r\n", "line 3: empty key name in '[K\\\\L]'"},
	    {HDR "[-]\r\n", "line 3: empty key name in '[]'"},
	    {HDR "[-K]\r\n\"a\"=-\r\n", "line 4: a value under a deleted key [-K]"},
	    {HDR "[K]\r\n\"a\"=dword:1\r0\r\n", "line 4: a carriage return inside the line"},
	    {HDR "[K]\r\n\"a\"=hex:01,\\\r\n  0\r2\r\n",
	     "line 5: a carriage return inside the line"},
	    {"\xfe\xff\0W", "the text is neither UTF-16LE with a byte order mark nor UTF-8"},
	    {HDR "[K]\r\n\"a\"=\"\xc3\x28\"\r\n",
	     "the text is neither UTF-16LE with a byte order mark nor UTF-8"},
	};
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_regfile_key *keys = NULL;
	size_t nkeys = 0, i, n;
	char *big, *want;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *t = cases[i].text;

		smig_err_clear(&e);
		n = t[0] == '\xfe' ? 4 : strlen(t);
		if (smig_regfile_parse(t, n, "t.reg", &keys, &nkeys, &e) != -1)
			fail_msg("case %zu accepted", i);
		assert_null(keys);
		assert_int_equal(nkeys, 0);
		assert_int_equal(e.kind, SMIG_ERR_FORMAT);
		want = tu_fmt("'t.reg'%s%s", cases[i].msg[0] == 'l' ? " " : ": ", cases[i].msg);
		assert_string_equal(e.msg, want);
		free(want);
	}

	/* oversize: a file over 64 MiB, a value over 1 MiB (and its accepted twin at 1 MiB) */
	n = SMIG_REGFILE_MAX_FILE + 1;
	big = malloc(n);
	memset(big, ' ', n);
	memcpy(big, HDR, strlen(HDR));
	smig_err_clear(&e);
	assert_int_equal(smig_regfile_parse(big, n, "t.reg", &keys, &nkeys, &e), -1);
	assert_non_null(strstr(e.msg, "is more than the 67108864 a .reg file may have"));
	free(big);

	for (size_t bytes = SMIG_REGFILE_MAX_VALUE; bytes <= SMIG_REGFILE_MAX_VALUE + 1; bytes++) {
		const char *head = HDR "[K]\r\n\"a\"=hex:";
		size_t k = strlen(head);

		big = malloc(k + 3 * bytes + 1);
		memcpy(big, head, k);
		for (i = 0; i < bytes; i++) {
			memcpy(big + k, "ab,", 3);
			k += 3;
		}
		big[k - 1] = '\0';
		smig_err_clear(&e);
		if (bytes == SMIG_REGFILE_MAX_VALUE) {
			parse_ok(big, k - 1, &keys, &nkeys);
			assert_int_equal(keys[0].values[0].len, SMIG_REGFILE_MAX_VALUE);
			smig_regfile_keys_free(keys, nkeys);
		} else {
			assert_int_equal(smig_regfile_parse(big, k - 1, "t.reg", &keys, &nkeys, &e),
			                 -1);
			assert_string_equal(
			    e.msg, "'t.reg' line 4: value data is larger than 1048576 bytes");
		}
		free(big);
	}
}

static void apply_checks_and_deletes(void **state)
{
	static const char first[] = HDR "[" ROOT "\\K\\Sub]\r\n\"a\"=dword:00000001\r\n"
	                                "\"b\"=\"x\"\r\n\r\n";
	static const char second[] = HDR "[" ROOT "\\k]\r\n\"c\"=dword:00000002\r\n\r\n"
	                                 "[" ROOT "\\K\\Sub]\r\n\"A\"=-\r\n\"nope\"=-\r\n\r\n"
	                                 "[-" ROOT "\\K\\Sub]\r\n[-" ROOT "\\Absent]\r\n";
	static const char outside[] = HDR "[" ROOT "\\K\\New]\r\n\"a\"=dword:1\r\n"
	                                  "[HKEY_LOCAL_MACHINE\\TESTX\\K]\r\n";
	static const char root_del[] = HDR "[-hkey_local_machine\\test]\r\n";
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_regfile_key *keys = NULL;
	struct smig_hive *h;
	smig_hive_node n = 0;
	size_t nkeys = 0;
	uint32_t dw = 0;
	char *dir = tu_mkdtemp(), *s = NULL;

	(void)state;
	h = open_new(dir, "a");
	parse_ok(first, strlen(first), &keys, &nkeys);
	assert_int_equal(smig_regfile_apply(keys, nkeys, ROOT, h, &e), 0);
	smig_regfile_keys_free(keys, nkeys);
	assert_int_equal(smig_hive_find(h, 0, "K\\Sub", &n, &e), 0);
	assert_int_equal(smig_hive_get_dword(h, n, "a", &dw, &e), 0);
	assert_int_equal(dw, 1);
	assert_int_equal(smig_hive_get_sz(h, n, "b", &s, &e), 0);
	assert_string_equal(s, "x");
	free(s);

	/* value and key deletions; absent ones are fine */
	parse_ok(second, strlen(second), &keys, &nkeys);
	assert_int_equal(smig_regfile_apply(keys, nkeys, ROOT, h, &e), 0);
	smig_regfile_keys_free(keys, nkeys);
	assert_int_equal(smig_hive_find(h, 0, "K\\Sub", &n, &e), 1);
	assert_int_equal(smig_hive_find(h, 0, "K", &n, &e), 0);
	assert_int_equal(smig_hive_get_dword(h, n, "c", &dw, &e), 0);
	assert_int_equal(dw, 2);

	/* rejecting twins: a key outside the root changes nothing, not even earlier keys */
	parse_ok(outside, strlen(outside), &keys, &nkeys);
	assert_int_equal(smig_regfile_apply(keys, nkeys, ROOT, h, &e), -1);
	assert_string_equal(e.msg, "key 'HKEY_LOCAL_MACHINE\\TESTX\\K' is outside '" ROOT "'");
	assert_int_equal(smig_hive_find(h, 0, "K\\New", &n, &e), 1);
	smig_regfile_keys_free(keys, nkeys);
	smig_err_clear(&e);
	parse_ok(root_del, strlen(root_del), &keys, &nkeys);
	assert_int_equal(smig_regfile_apply(keys, nkeys, ROOT, h, &e), -1);
	assert_non_null(strstr(e.msg, "it is the hive's root"));
	smig_regfile_keys_free(keys, nkeys);

	smig_hive_close(h);
	tu_rmtree(dir);
	free(dir);
}

/* Real Windows 7 keys: export, parse back, compare with the hive and with hivexregedit. */
static void win7_keys(void **state)
{
	static const char *const paths[] = {
	    "CurrentControlSet\\Services\\Tcpip\\Parameters",
	    "CurrentControlSet\\Services\\SharedAccess\\Parameters\\FirewallPolicy\\"
	    "FirewallRules",
	};
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_regfile_key *keys = NULL, *hx = NULL;
	struct smig_hive *h = NULL;
	char *p = tu_shared("system-win7-x86.hive"), *dir = NULL;

	(void)state;
	if (p == NULL)
		skip();
	assert_int_equal(smig_hive_open(p, "SYSTEM", false, NULL, &h, &e), 0);
	dir = tu_mkdtemp();
	for (size_t i = 0; i < 2; i++) {
		unsigned char *out = NULL;
		size_t len = 0, nkeys = 0, nhx = 0, nvals, k;
		char *text, *root, *file, *hxtext;

		out = export(h, SYSROOT, paths[i], &len);
		text = file_text(out, len);
		/* continuation lines are reg.exe's: two spaces, at most 80 columns */
		for (char *l = strstr(text, "\\\r\n"); l != NULL; l = strstr(l + 1, "\\\r\n")) {
			assert_memory_equal(l + 3, "  ", 2);
			assert_true(strcspn(l + 3, "\r") <= 80);
		}
		parse_ok(out, len, &keys, &nkeys);
		nvals = compare_with_hive(keys, nkeys, SYSROOT, "", h);
		root = tu_fmt(SYSROOT "\\%s", paths[i]);
		assert_string_equal(keys[0].path, root);
		if (i == 0) {
			assert_true(nkeys > 5);
			assert_true(nvals > 30);
			assert_non_null(strstr(text, "\r\n\"Hostname\"=\"WKS-WIN732BITA\"\r\n"));
		} else {
			assert_int_equal(nkeys, 1);
			assert_int_equal(nvals, 323);
		}

		/* hivexregedit's own export of the same key parses to the same keys and bytes */
		if (tu_have("hivexregedit")) {
			size_t hlen = 0;
			const char *rel = paths[i] + strlen("CurrentControlSet");

			file = tu_fmt("%s/hx%zu.reg", dir, i);
			assert_int_equal(tu_sh("hivexregedit --export --prefix '%s' '%s' "
			                       "'\\ControlSet001%s' > '%s'",
			                       SYSROOT, p, rel, file),
			                 0);
			hxtext = tu_read(file, &hlen);
			parse_ok(hxtext, hlen, &hx, &nhx);
			assert_int_equal(nhx, nkeys);
			for (k = 0; k < nkeys; k++) {
				/* the same key below the exported one (case as stored) */
				const char *mine = keys[k].path + strlen(root);
				const char *theirs = hx[k].path + strlen(hx[0].path);

				assert_string_equal(mine, theirs);
				assert_int_equal(hx[k].nvalues, keys[k].nvalues);
				for (size_t j = 0; j < hx[k].nvalues; j++) {
					const struct smig_regfile_value *a = &hx[k].values[j],
					                                *b = NULL;

					for (size_t m = 0; m < keys[k].nvalues; m++)
						if (strcmp(keys[k].values[m].name, a->name) == 0)
							b = &keys[k].values[m];
					assert_non_null(b);
					assert_int_equal(a->type, b->type);
					assert_int_equal(a->len, b->len);
					if (a->len)
						assert_memory_equal(a->data, b->data, a->len);
				}
			}
			smig_regfile_keys_free(hx, nhx);
			free(hxtext);
			free(file);
		}
		free(root);
		smig_regfile_keys_free(keys, nkeys);
		free(text);
		free(out);
	}
	tu_rmtree(dir);
	free(dir);
	smig_hive_close(h);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(exact_small_key),
	    cmocka_unit_test(every_type_round_trip),
	    cmocka_unit_test(parse_accepts),
	    cmocka_unit_test(parse_rejects),
	    cmocka_unit_test(apply_checks_and_deletes),
	    cmocka_unit_test(win7_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
