/* test_hive.c - hives through hivex: real samples, ControlSet, typed values, writing. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "hive.h"

#define FT_2015 130645440000000000ull
#define WIN7_WHAT "C:\\Windows\\System32\\config\\SYSTEM"

static struct smig_hive *open_shared(const char *name, bool *dirty)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_hive *h = NULL;
	char *p = tu_shared(name);

	if (p == NULL)
		return NULL;
	if (smig_hive_open(p, WIN7_WHAT, false, dirty, &h, &e) < 0)
		fail_msg("%s", e.msg);
	free(p);
	return h;
}

static void win7_reads(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_hive *h;
	smig_hive_node n = 0, n2 = 0;
	const char *cs = NULL;
	char *s = NULL, **v = NULL;
	uint32_t dw = 0;
	size_t count = 0;
	struct smig_regval *vals = NULL;
	bool dirty = true;

	(void)state;
	h = open_shared("system-win7-x86.hive", &dirty);
	if (h == NULL)
		skip();
	assert_false(dirty);
	assert_int_equal(smig_hive_control_set(h, &cs, &e), 0);
	assert_string_equal(cs, "ControlSet001");

	/* CurrentControlSet resolves; names match in any case */
	assert_int_equal(smig_hive_find(h, 0,
	                                "CurrentControlSet\\Control\\ComputerName\\"
	                                "ComputerName",
	                                &n, &e),
	                 0);
	assert_int_equal(smig_hive_find(h, smig_hive_root(h),
	                                "\\controlset001\\CONTROL\\"
	                                "computername\\computername\\",
	                                &n2, &e),
	                 0);
	assert_int_equal(n, n2);
	assert_int_equal(smig_hive_get_sz(h, n, "computername", &s, &e), 0);
	assert_string_equal(s, "WKS-WIN732BITA");
	free(s);
	s = smig_hive_node_name(h, n, &e);
	assert_string_equal(s, "ComputerName");
	free(s);

	/* NUMBER_OF_PROCESSORS is a REG_SZ holding a decimal */
	assert_int_equal(smig_hive_find(h, 0,
	                                "CurrentControlSet\\Control\\Session Manager\\"
	                                "Environment",
	                                &n, &e),
	                 0);
	assert_int_equal(smig_hive_get_dword(h, n, "NUMBER_OF_PROCESSORS", &dw, &e), 0);
	assert_int_equal(dw, 1);
	/* rejecting twins: a non-numeric string, a missing value */
	assert_int_equal(smig_hive_get_dword(h, n, "PROCESSOR_ARCHITECTURE", &dw, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_FORMAT);
	assert_non_null(strstr(e.msg, "'PROCESSOR_ARCHITECTURE'"));
	assert_non_null(strstr(e.msg, "ControlSet001\\Control\\Session Manager\\Environment"));
	assert_non_null(strstr(e.msg, "'x86' is not a decimal"));
	smig_err_clear(&e);
	assert_int_equal(smig_hive_get_dword(h, n, "NO_SUCH_VALUE", &dw, &e), 1);
	assert_int_equal(smig_hive_get_sz(h, n, "Path", &s, &e), 0); /* REG_EXPAND_SZ */
	assert_true(strncmp(s, "%SystemRoot%\\system32;", 22) == 0);
	free(s);

	/* IPAddress REG_MULTI_SZ */
	assert_int_equal(smig_hive_find(h, 0,
	                                "CurrentControlSet\\Services\\Tcpip\\Parameters\\"
	                                "Interfaces\\{698E50A9-4F58-4D86-B61D-F42E58DCACF6}",
	                                &n, &e),
	                 0);
	assert_int_equal(smig_hive_get_multi_sz(h, n, "IPAddress", &v, &count, &e), 0);
	assert_int_equal(count, 1);
	assert_string_equal(v[0], "10.3.58.5");
	assert_null(v[1]);
	smig_strv_free(v);
	/* rejecting twin: a DWORD is not a string list nor a string */
	assert_int_equal(smig_hive_get_multi_sz(h, n, "EnableDHCP", &v, &count, &e), -1);
	assert_null(v);
	assert_non_null(strstr(e.msg, "REG_DWORD"));
	smig_err_clear(&e);
	assert_int_equal(smig_hive_get_sz(h, n, "EnableDHCP", &s, &e), -1);
	assert_null(s);
	smig_err_clear(&e);
	assert_int_equal(smig_hive_get_dword(h, n, "EnableDHCP", &dw, &e), 0);
	assert_int_equal(dw, 0);

	/* 323 firewall rules */
	assert_int_equal(smig_hive_find(h, 0,
	                                "CurrentControlSet\\Services\\SharedAccess\\"
	                                "Parameters\\FirewallPolicy\\FirewallRules",
	                                &n, &e),
	                 0);
	assert_int_equal(smig_hive_values(h, n, &vals, &count, &e), 0);
	assert_int_equal(count, 323);
	for (size_t i = 0; i < count; i++)
		assert_int_equal(vals[i].type, SMIG_REG_SZ);
	smig_regvals_free(vals, count);

	/* absent keys */
	assert_int_equal(smig_hive_find(h, 0, "CurrentControlSet\\Services\\VMSMP", &n, &e), 1);
	assert_int_equal(n, 0);
	assert_int_equal(smig_hive_find(h, 0, "NoSuchKey\\Deeper", &n, &e), 1);
	/* CurrentControlSet is only special at the root */
	assert_int_equal(smig_hive_find(h, 0, "ControlSet001\\CurrentControlSet", &n, &e), 1);

	/* top-level children */
	{
		smig_hive_node *kids = NULL;

		assert_int_equal(smig_hive_children(h, smig_hive_root(h), &kids, &count, &e), 0);
		assert_true(count >= 6);
		free(kids);
	}
	smig_hive_close(h);
}

static void win8_dirty(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_hive *h;
	const char *cs = NULL;
	bool dirty = false;

	(void)state;
	h = open_shared("system-win8-hyperv.hive", &dirty);
	if (h == NULL)
		skip();
	assert_true(dirty);
	assert_int_equal(smig_hive_control_set(h, &cs, &e), 0);
	assert_string_equal(cs, "ControlSet001");
	smig_hive_close(h);
}

static void corrupted_clean_error(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_hive *h = NULL;
	char *p = tu_shared("system-corrupted.hive");

	(void)state;
	if (p == NULL)
		skip();
	assert_int_equal(smig_hive_open(p, "D:\\copies\\SYSTEM", false, NULL, &h, &e), -1);
	assert_null(h);
	assert_int_equal(e.kind, SMIG_ERR_FORMAT);
	assert_non_null(strstr(e.msg, "'D:\\copies\\SYSTEM'"));
	assert_non_null(strstr(e.msg, "damaged"));
	assert_null(strchr(e.msg, '\n'));
	free(p);
}

static void minimal_opens(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_hive *h;
	const char *cs = NULL;
	char *name;

	(void)state;
	h = open_shared("hivex-minimal.hive", NULL);
	if (h == NULL)
		skip();
	name = smig_hive_node_name(h, smig_hive_root(h), &e);
	assert_string_equal(name, "$$$PROTO.HIV");
	free(name);
	/* rejecting twin: no Select key, so no control set */
	assert_int_equal(smig_hive_control_set(h, &cs, &e), -1);
	assert_null(cs);
	assert_non_null(strstr(e.msg, "no Select key"));
	smig_hive_close(h);
}

/* A fresh empty hive under a new temporary directory; returns its path. */
static char *new_hive(char **dir)
{
	struct smig_err e = SMIG_ERR_INIT;
	char *p;

	*dir = tu_mkdtemp();
	p = tu_fmt("%s/SYSTEM", *dir);
	if (smig_hive_create(p, "SYSTEM", FT_2015, &e) < 0)
		fail_msg("%s", e.msg);
	return p;
}

static void roundtrip_every_type(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_hive *h = NULL;
	smig_hive_node n = 0, sel = 0, sub = 0;
	const char *const list[] = {"10.0.0.5", "192.168.1.7", "fe80::1%12"};
	const unsigned char bin[] = {0x00, 0x15, 0x5D, 0x01, 0x07, 0xDC};
	const unsigned char be[] = {0x12, 0x34, 0x56, 0x78};
	char *dir = NULL, *p = new_hive(&dir), *out, **v = NULL, *s = NULL;
	unsigned char *d = NULL;
	size_t len = 0, count = 0;
	uint32_t t = 0, dw = 0;
	uint64_t qw = 0;
	bool dirty = true;
	struct smig_regval *vals = NULL;

	(void)state;
	/* create refuses to overwrite */
	assert_int_equal(smig_hive_create(p, "SYSTEM", FT_2015, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_IO);
	smig_err_clear(&e);

	assert_int_equal(smig_hive_open(p, "target SYSTEM", true, &dirty, &h, &e), 0);
	assert_false(dirty);
	assert_int_equal(smig_hive_mkpath(h, "Select", &sel, &e), 0);
	assert_int_equal(smig_hive_set_dword(h, sel, "Current", 1, &e), 0);
	assert_int_equal(smig_hive_mkpath(h, "ControlSet001\\Services", &n, &e), 0);
	/* CurrentControlSet now resolves for writing too */
	assert_int_equal(smig_hive_mkpath(h, "CurrentControlSet\\Services\\Test\\Sub", &sub, &e),
	                 0);
	assert_int_equal(smig_hive_find(h, 0, "ControlSet001\\Services\\Test", &n, &e), 0);
	assert_int_equal(smig_hive_set_sz(h, n, "Name", "web01 caf\xc3\xa9", &e), 0);
	assert_int_equal(smig_hive_set_sz(h, n, "", "default value", &e), 0);
	assert_int_equal(smig_hive_set_expand_sz(h, n, "Path", "%SystemRoot%\\x", &e), 0);
	assert_int_equal(smig_hive_set_dword(h, n, "Count", 0xDEADBEEF, &e), 0);
	assert_int_equal(smig_hive_set_qword(h, n, "Big", 0x0123456789ABCDEFull, &e), 0);
	assert_int_equal(smig_hive_set_multi_sz(h, n, "IPAddress", list, 3, &e), 0);
	assert_int_equal(smig_hive_set_multi_sz(h, n, "Empty", list, 0, &e), 0);
	assert_int_equal(smig_hive_set_raw(h, n, "Mac", SMIG_REG_BINARY, bin, sizeof(bin), &e), 0);
	assert_int_equal(smig_hive_set_raw(h, n, "BE", SMIG_REG_DWORD_BIG_ENDIAN, be, 4, &e), 0);
	assert_int_equal(smig_hive_set_raw(h, n, "Nothing", SMIG_REG_NONE, "", 0, &e), 0);
	assert_int_equal(smig_hive_set_sz(h, n, "Gone", "deleted below", &e), 0);
	/* replaces Count; hivex keeps the new spelling "count" */
	assert_int_equal(smig_hive_set_dword(h, n, "count", 7, &e), 0);
	assert_int_equal(smig_hive_delete_value(h, n, "GONE", &e), 0);
	assert_int_equal(smig_hive_delete_value(h, n, "Gone", &e), 1);
	assert_int_equal(smig_hive_set_dword(h, sub, "Doomed", 1, &e), 0);
	assert_int_equal(smig_hive_delete_key(h, sub, &e), 0);
	assert_int_equal(smig_hive_commit(h, NULL, &e), 0);
	smig_hive_close(h);
	h = NULL;

	/* read it back */
	assert_int_equal(smig_hive_open(p, "target SYSTEM", false, &dirty, &h, &e), 0);
	assert_false(dirty);
	assert_int_equal(smig_hive_find(h, 0, "CurrentControlSet\\Services\\Test", &n, &e), 0);
	assert_int_equal(smig_hive_find(h, n, "Sub", &sub, &e), 1);
	assert_int_equal(smig_hive_get_sz(h, n, "Name", &s, &e), 0);
	assert_string_equal(s, "web01 caf\xc3\xa9");
	free(s);
	assert_int_equal(smig_hive_get_sz(h, n, "", &s, &e), 0);
	assert_string_equal(s, "default value");
	free(s);
	assert_int_equal(smig_hive_get_sz(h, n, "Path", &s, &e), 0);
	assert_string_equal(s, "%SystemRoot%\\x");
	free(s);
	assert_int_equal(smig_hive_get_raw(h, n, "Path", &t, &d, &len, &e), 0);
	assert_int_equal(t, SMIG_REG_EXPAND_SZ);
	assert_int_equal(len, 2 * 15); /* 14 characters + NUL, UTF-16 */
	free(d);
	assert_int_equal(smig_hive_get_dword(h, n, "Count", &dw, &e), 0);
	assert_int_equal(dw, 7);
	assert_int_equal(smig_hive_get_qword(h, n, "Big", &qw, &e), 0);
	assert_int_equal(qw, 0x0123456789ABCDEFull);
	assert_int_equal(smig_hive_get_qword(h, n, "Count", &qw, &e), 0); /* widened */
	assert_int_equal(qw, 7);
	assert_int_equal(smig_hive_get_dword(h, n, "Big", &dw, &e), -1); /* QWORD is no DWORD */
	smig_err_clear(&e);
	assert_int_equal(smig_hive_get_dword(h, n, "BE", &dw, &e), 0);
	assert_int_equal(dw, 0x12345678);
	assert_int_equal(smig_hive_get_multi_sz(h, n, "IPAddress", &v, &count, &e), 0);
	assert_int_equal(count, 3);
	assert_string_equal(v[2], "fe80::1%12");
	smig_strv_free(v);
	assert_int_equal(smig_hive_get_multi_sz(h, n, "Empty", &v, &count, &e), 0);
	assert_int_equal(count, 0);
	assert_null(v[0]);
	smig_strv_free(v);
	assert_int_equal(smig_hive_get_raw(h, n, "Mac", &t, &d, &len, &e), 0);
	assert_int_equal(t, SMIG_REG_BINARY);
	assert_int_equal(len, sizeof(bin));
	assert_memory_equal(d, bin, sizeof(bin));
	free(d);
	assert_int_equal(smig_hive_get_raw(h, n, "Nothing", &t, &d, &len, &e), 0);
	assert_int_equal(t, SMIG_REG_NONE);
	assert_int_equal(len, 0);
	free(d);
	assert_int_equal(smig_hive_get_raw(h, n, "Gone", &t, &d, &len, &e), 1);
	assert_int_equal(smig_hive_values(h, n, &vals, &count, &e), 0);
	assert_int_equal(count, 10);
	smig_regvals_free(vals, count);
	/* a read-only hive refuses writes */
	assert_int_equal(smig_hive_set_dword(h, n, "X", 1, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_USAGE);
	smig_hive_close(h);

	/* the peer reads the same values */
	if (tu_have("hivexget")) {
		char *reg = tu_fmt("%s/out.reg", dir);

		assert_int_equal(
		    tu_sh("hivexget '%s' 'ControlSet001\\Services\\Test' > '%s'", p, reg), 0);
		out = tu_read(reg, NULL);
		assert_non_null(strstr(out, "\"count\"=dword:00000007"));
		assert_non_null(strstr(out, "\"Mac\"=hex(3):00,15,5d,01,07,dc"));
		assert_non_null(strstr(out, "\"Big\"=hex(11):ef,cd,ab,89,67,45,23,01"));
		assert_non_null(strstr(out, "\"IPAddress\"=hex(7):31,00,30,00,2e,00"));
		assert_null(strstr(out, "Gone"));
		free(out);
		assert_int_equal(tu_sh("test \"$(hivexget '%s' 'ControlSet001\\Services\\Test' "
		                       "Name)\" = 'web01 caf\xc3\xa9'",
		                       p),
		                 0);
		free(reg);
	}
	tu_rmtree(dir);
	free(dir);
	free(p);
}

static void write_limits(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_hive *h = NULL;
	smig_hive_node n = 0;
	char *dir = NULL, *p = new_hive(&dir), *big;
	const char *const with_empty[] = {"a", ""};

	(void)state;
	assert_int_equal(smig_hive_open(p, NULL, true, NULL, &h, &e), 0);
	assert_int_equal(smig_hive_mkpath(h, "K", &n, &e), 0);
	big = calloc(1, SMIG_HIVE_MAX_VALUE + 1);
	assert_int_equal(
	    smig_hive_set_raw(h, n, "ok", SMIG_REG_BINARY, big, SMIG_HIVE_MAX_VALUE, &e), 0);
	assert_int_equal(
	    smig_hive_set_raw(h, n, "big", SMIG_REG_BINARY, big, SMIG_HIVE_MAX_VALUE + 1, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_USAGE);
	assert_non_null(strstr(e.msg, "'big'"));
	smig_err_clear(&e);
	assert_int_equal(smig_hive_set_multi_sz(h, n, "m", with_empty, 2, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_USAGE);
	smig_err_clear(&e);
	assert_int_equal(smig_hive_delete_key(h, smig_hive_root(h), &e), -1);
	smig_err_clear(&e);
	/* CurrentControlSet cannot be made without Select */
	assert_int_equal(smig_hive_mkpath(h, "CurrentControlSet\\X", &n, &e), -1);
	assert_non_null(strstr(e.msg, "no Select key"));
	/* commit to a new file leaves the original untouched */
	smig_err_clear(&e);
	{
		char *copy = tu_fmt("%s/copy", dir);

		assert_int_equal(smig_hive_commit(h, copy, &e), 0);
		smig_hive_close(h);
		h = NULL;
		assert_int_equal(smig_hive_open(p, NULL, false, NULL, &h, &e), 0);
		assert_int_equal(smig_hive_find(h, 0, "K", &n, &e), 1);
		smig_hive_close(h);
		assert_int_equal(smig_hive_open(copy, NULL, false, NULL, &h, &e), 0);
		assert_int_equal(smig_hive_find(h, 0, "K", &n, &e), 0);
		smig_hive_close(h);
		free(copy);
	}
	free(big);
	tu_rmtree(dir);
	free(dir);
	free(p);
}

/* Select\Current names a missing set, or is 0: errors, no fallback. */
static void control_set_rejects(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_hive *h = NULL;
	smig_hive_node sel = 0, n = 0;
	const char *cs = NULL;
	char *dir = NULL, *p = new_hive(&dir);

	(void)state;
	assert_int_equal(smig_hive_open(p, "T", true, NULL, &h, &e), 0);
	assert_int_equal(smig_hive_mkpath(h, "Select", &sel, &e), 0);
	assert_int_equal(smig_hive_mkpath(h, "ControlSet001", &n, &e), 0);
	assert_int_equal(smig_hive_set_dword(h, sel, "Current", 2, &e), 0);
	assert_int_equal(smig_hive_set_dword(h, sel, "Default", 1, &e), 0);
	assert_int_equal(smig_hive_commit(h, NULL, &e), 0);
	smig_hive_close(h);

	assert_int_equal(smig_hive_open(p, "T", true, NULL, &h, &e), 0);
	assert_int_equal(smig_hive_control_set(h, &cs, &e), -1);
	assert_non_null(strstr(e.msg, "ControlSet002, which does not exist"));
	smig_err_clear(&e);
	assert_int_equal(smig_hive_find(h, 0, "CurrentControlSet\\Control", &n, &e), -1);
	smig_err_clear(&e);
	assert_int_equal(smig_hive_find(h, 0, "Select", &sel, &e), 0);
	assert_int_equal(smig_hive_set_dword(h, sel, "Current", 0, &e), 0);
	assert_int_equal(smig_hive_control_set(h, &cs, &e), -1);
	assert_non_null(strstr(e.msg, "Select\\Current is 0"));
	smig_err_clear(&e);
	assert_int_equal(smig_hive_set_sz(h, sel, "Current", "1", &e), 0); /* decimal string */
	assert_int_equal(smig_hive_control_set(h, &cs, &e), 0);
	assert_string_equal(cs, "ControlSet001");
	smig_hive_close(h);
	tu_rmtree(dir);
	free(dir);
	free(p);
}

static void damaged_files_rejected(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_hive *h = NULL;
	char *dir = NULL, *p = new_hive(&dir), *q;
	char *data;
	size_t n = 0;

	(void)state;
	data = tu_read(p, &n);
	q = tu_fmt("%s/bad", dir);

	/* truncated inside the hbin */
	tu_write(q, data, 6000);
	assert_int_equal(smig_hive_open(q, "C:\\bad", false, NULL, &h, &e), -1);
	assert_null(h);
	assert_non_null(strstr(e.msg, "'C:\\bad'"));
	smig_err_clear(&e);

	/* a flipped checksum byte */
	data[0x1FC] ^= 0x10;
	tu_write(q, data, n);
	assert_int_equal(smig_hive_open(q, "C:\\bad", false, NULL, &h, &e), -1);
	assert_non_null(strstr(e.msg, "checksum"));
	data[0x1FC] ^= 0x10;
	smig_err_clear(&e);

	/* a damaged hbin signature: the base block is fine, hivex refuses the bins */
	data[0x1000] = 'X';
	tu_write(q, data, n);
	assert_int_equal(smig_hive_open(q, "C:\\bad", true, NULL, &h, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_FORMAT);
	assert_non_null(strstr(e.msg, "damaged"));
	data[0x1000] = 'h';
	smig_err_clear(&e);

	/* the root offset pointing at the sk cell, checksum fixed: not an nk */
	{
		unsigned char *u = (unsigned char *)data;
		uint32_t x = 0;

		u[0x24] = 0x78;
		for (int off = 0; off < 0x1FC; off += 4)
			x ^= (uint32_t)u[off] | (uint32_t)u[off + 1] << 8 |
			     (uint32_t)u[off + 2] << 16 | (uint32_t)u[off + 3] << 24;
		for (int i = 0; i < 4; i++)
			u[0x1FC + i] = (unsigned char)(x >> (8 * i));
		tu_write(q, data, n);
		assert_int_equal(smig_hive_open(q, "C:\\bad", false, NULL, &h, &e), -1);
		assert_int_equal(e.kind, SMIG_ERR_FORMAT);
		smig_err_clear(&e);
	}

	/* missing file */
	assert_int_equal(smig_hive_open("/nonexistent/SYSTEM", "C:\\none", false, NULL, &h, &e),
	                 -1);
	assert_int_equal(e.kind, SMIG_ERR_IO);
	free(data);
	free(q);
	tu_rmtree(dir);
	free(dir);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(win7_reads),
	    cmocka_unit_test(win8_dirty),
	    cmocka_unit_test(corrupted_clean_error),
	    cmocka_unit_test(minimal_opens),
	    cmocka_unit_test(roundtrip_every_type),
	    cmocka_unit_test(write_limits),
	    cmocka_unit_test(control_set_rejects),
	    cmocka_unit_test(damaged_files_rejected),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
