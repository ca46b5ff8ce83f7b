/* test_regf.c - the empty base hive, the checksum and the base-block check (formats.md §2). */
#include "testutil.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "regf.h"

#define GOLDEN_FILETIME 130645440000000000ull
#define GOLDEN_CHECKSUM 0x854ED046u
#define GOLDEN_SHA256 "46203c385e034e03e86789834f2e429cbc2d8c76eb386d6310a2c5f533e1f156"

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const unsigned char *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void sha256_hex(const void *d, size_t n, char out[65])
{
	unsigned char md[32];
	unsigned int mdlen = 0;

	assert_int_equal(EVP_Digest(d, n, md, &mdlen, EVP_sha256(), NULL), 1);
	assert_int_equal(mdlen, 32);
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static void golden_empty_hive(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	unsigned char *h = NULL;
	size_t n = 0;
	char hex[65];

	(void)state;
	assert_int_equal(smig_regf_empty("SYSTEM", GOLDEN_FILETIME, &h, &n, &e), 0);
	assert_int_equal(n, 8192);
	assert_memory_equal(h, "regf", 4);
	assert_int_equal(le32(h + 0x1FC), GOLDEN_CHECKSUM);
	assert_int_equal(smig_regf_checksum(h), GOLDEN_CHECKSUM);
	/* layout of §2.5: root nk -88 at hive 0x20, sk at 0x78 (168), free cell 3808 at 0x120 */
	assert_int_equal(le32(h + 0x1020), (uint32_t)-88);
	assert_memory_equal(h + 0x1024, "nk", 2);
	assert_int_equal(le32(h + 0x1020 + 0x30), 0x78);
	assert_int_equal(le32(h + 0x1078), (uint32_t)-168);
	assert_memory_equal(h + 0x107C, "sk", 2);
	assert_int_equal(le32(h + 0x1120), 3808);
	sha256_hex(h, n, hex);
	assert_string_equal(hex, GOLDEN_SHA256);
	free(h);

	/* a different name changes the bytes: the name is really written */
	assert_int_equal(smig_regf_empty("SOFTWARE", GOLDEN_FILETIME, &h, &n, &e), 0);
	sha256_hex(h, n, hex);
	assert_string_not_equal(hex, GOLDEN_SHA256);
	assert_memory_equal(h + 0x30, "S\0O\0F\0T\0W\0A\0R\0E\0\0\0", 18);
	free(h);

	assert_int_equal(smig_regf_empty("A_NAME_LONGER_THAN_THIRTYONE_CHARS", 1, &h, &n, &e), -1);
	assert_null(h);
	assert_int_equal(e.kind, SMIG_ERR_USAGE);
}

/*
 * The checksum is linear in the timestamp dwords: with time 0 the block sums to c0, so
 * time = c0 makes the plain XOR 0 and time = c0 ^ 0xFFFFFFFF makes it 0xFFFFFFFF. Both
 * must be nudged by one tick (§2.3).
 */
static void checksum_nudge(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	unsigned char *h = NULL;
	size_t n = 0;
	uint32_t c0;
	uint64_t bad[2];

	(void)state;
	assert_int_equal(smig_regf_empty("SYSTEM", 0, &h, &n, &e), 0);
	c0 = le32(h + 0x1FC);
	free(h);
	bad[0] = c0;
	bad[1] = c0 ^ 0xFFFFFFFFu;
	for (int i = 0; i < 2; i++) {
		assert_int_equal(smig_regf_empty("SYSTEM", bad[i], &h, &n, &e), 0);
		assert_int_equal(le64(h + 0x0C), bad[i] + 1);
		assert_int_equal(le64(h + 0x1014), bad[i] + 1); /* hbin copy of the time */
		assert_int_not_equal(le32(h + 0x1FC), 0);
		assert_int_not_equal(le32(h + 0x1FC), 0xFFFFFFFFu);
		assert_int_equal(le32(h + 0x1FC), smig_regf_checksum(h));
		free(h);
	}
}

static void minimal_hive_info(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_regf_info info;
	char *p = tu_shared("hivex-minimal.hive");
	unsigned char *d;
	size_t n = 0;

	(void)state;
	if (p == NULL)
		skip();
	d = (unsigned char *)tu_read(p, &n);
	assert_int_equal(smig_regf_checksum(d), 0xFA3859BFu);
	assert_int_equal(smig_regf_read_info(p, "minimal", &info, &e), 0);
	assert_int_equal(info.seq_primary, 256);
	assert_int_equal(info.seq_secondary, 256);
	assert_false(info.dirty);
	assert_int_equal(info.major, 1);
	assert_int_equal(info.minor, 5);
	assert_int_equal(info.last_written, 0x01CAA40D9DD088E0ull);
	assert_int_equal(info.checksum_stored, 0xFA3859BFu);
	assert_int_equal(info.checksum_computed, 0xFA3859BFu);
	free(d);
	free(p);
}

static void dirty_sample(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_regf_info info;
	char *p = tu_shared("system-win8-hyperv.hive");

	(void)state;
	if (p == NULL)
		skip();
	assert_int_equal(smig_regf_read_info(p, NULL, &info, &e), 0);
	assert_int_equal(info.seq_primary, 205);
	assert_int_equal(info.seq_secondary, 204);
	assert_true(info.dirty);
	free(p);
}

/* Write `h` (n bytes) into dir/name and return the path. */
static char *put_file(const char *dir, const char *name, const unsigned char *h, size_t n)
{
	char *p = tu_fmt("%s/%s", dir, name);

	tu_write(p, h, n);
	return p;
}

static void read_info_rejects(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_regf_info info;
	unsigned char *h = NULL;
	size_t n = 0;
	char *dir = tu_mkdtemp(), *p;

	(void)state;
	assert_int_equal(smig_regf_empty("SYSTEM", GOLDEN_FILETIME, &h, &n, &e), 0);

	p = put_file(dir, "good", h, n);
	assert_int_equal(smig_regf_read_info(p, "C:\\good", &info, &e), 0);
	assert_false(info.dirty);
	assert_int_equal(info.seq_primary, 1);
	assert_int_equal(info.last_written, GOLDEN_FILETIME);
	free(p);

	/* truncated: a base block alone, and one byte short of the minimum */
	p = put_file(dir, "short", h, 4096);
	assert_int_equal(smig_regf_read_info(p, "C:\\short", &info, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_FORMAT);
	assert_non_null(strstr(e.msg, "'C:\\short'"));
	assert_non_null(strstr(e.msg, "shorter"));
	free(p);
	smig_err_clear(&e);
	p = put_file(dir, "short2", h, 8191);
	assert_int_equal(smig_regf_read_info(p, NULL, &info, &e), -1);
	free(p);
	smig_err_clear(&e);

	/* a flipped byte inside the checksummed area */
	h[0x40] ^= 0x01;
	p = put_file(dir, "flipped", h, n);
	assert_int_equal(smig_regf_read_info(p, "C:\\flipped", &info, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_FORMAT);
	assert_non_null(strstr(e.msg, "checksum is 0x854ED046"));
	h[0x40] ^= 0x01;
	free(p);
	smig_err_clear(&e);

	/* bad magic */
	h[0] = 'R';
	p = put_file(dir, "magic", h, n);
	assert_int_equal(smig_regf_read_info(p, "C:\\magic", &info, &e), -1);
	assert_non_null(strstr(e.msg, "not a registry hive"));
	h[0] = 'r';
	free(p);
	smig_err_clear(&e);

	/* major version 2, checksum fixed up: unsupported, not a checksum error */
	put32(h + 0x14, 2);
	put32(h + 0x1FC, smig_regf_checksum(h));
	p = put_file(dir, "major", h, n);
	assert_int_equal(smig_regf_read_info(p, NULL, &info, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_UNSUPPORTED);
	put32(h + 0x14, 1);
	free(p);
	smig_err_clear(&e);

	/* dirty: the sequence numbers differ but the checksum is right - not an error */
	put32(h + 0x04, 2);
	put32(h + 0x1FC, smig_regf_checksum(h));
	p = put_file(dir, "dirty", h, n);
	assert_int_equal(smig_regf_read_info(p, NULL, &info, &e), 0);
	assert_true(info.dirty);
	free(p);

	/* missing file: an OS error */
	p = tu_fmt("%s/missing", dir);
	assert_int_equal(smig_regf_read_info(p, "C:\\missing", &info, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_IO);
	assert_non_null(strstr(e.msg, "'C:\\missing'"));
	free(p);

	free(h);
	tu_rmtree(dir);
	free(dir);
}

/*
 * The generated hive through the peer tools: hivexsh -w adds keys and commits, then
 * hivexget and hivexml read the result (hivexregedit is not installed here; hivexget prints
 * the same .reg form).
 */
static void peer_tools_accept_empty_hive(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	const char *cmds = "add Select\ncd Select\nsetval 1\nCurrent\ndword:1\n"
	                   "cd ..\nadd ControlSet001\ncommit\n";
	unsigned char *h = NULL;
	size_t n = 0;
	char *dir, *p, *script, *reg, *out;

	(void)state;
	if (!tu_have("hivexsh") || !tu_have("hivexget") || !tu_have("hivexml"))
		skip();
	dir = tu_mkdtemp();
	assert_int_equal(smig_regf_empty("SYSTEM", GOLDEN_FILETIME, &h, &n, &e), 0);
	p = put_file(dir, "SYSTEM", h, n);
	script = tu_fmt("%s/script", dir);
	tu_write(script, cmds, strlen(cmds));
	assert_int_equal(tu_sh("hivexsh -w '%s' < '%s'", p, script), 0);
	reg = tu_fmt("%s/out.reg", dir);
	assert_int_equal(tu_sh("hivexget '%s' 'Select' > '%s'", p, reg), 0);
	out = tu_read(reg, NULL);
	assert_non_null(strstr(out, "\"Current\"=dword:00000001"));
	free(out);
	assert_int_equal(tu_sh("hivexml '%s' > '%s'", p, reg), 0);
	out = tu_read(reg, NULL);
	assert_non_null(strstr(out, "<node name=\"ControlSet001\""));
	free(out);

	/* rejecting twin: a flipped checksum byte and hivexsh refuses the file */
	h[0x1FC] ^= 0xFF;
	tu_write(p, h, n);
	assert_int_not_equal(tu_sh("echo ls | hivexsh '%s' >/dev/null 2>&1", p), 0);

	free(h);
	free(script);
	free(reg);
	free(p);
	tu_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(golden_empty_hive), cmocka_unit_test(checksum_nudge),
	    cmocka_unit_test(minimal_hive_info), cmocka_unit_test(dirty_sample),
	    cmocka_unit_test(read_info_rejects), cmocka_unit_test(peer_tools_accept_empty_hive),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
