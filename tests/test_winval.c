/* test_winval.c - text encodings, GUIDs, MACs, times and base64 (formats.md §10). */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "winval.h"

static void utf16_roundtrip(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	const char *s = "D:\\Hyper-V\\w\xc3\xa9" "b01 \xf0\x9f\x98\x80.vhd";
	unsigned char *u = NULL;
	size_t n = 0;
	char *back = NULL;

	(void)state;
	assert_int_equal(smig_utf8_to_utf16le(s, strlen(s), true, &u, &n, &e), 0);
	/* 'D' ':' ... the emoji is a surrogate pair: 4 bytes; + 2-byte terminator */
	assert_int_equal(n % 2, 0);
	assert_int_equal(u[0], 'D');
	assert_int_equal(u[1], 0);
	assert_int_equal(u[n - 1], 0);
	assert_int_equal(u[n - 2], 0);
	assert_int_equal(smig_utf16le_to_utf8(u, n, &back, &e), 0);
	assert_string_equal(back, s);
	free(back);
	free(u);

	assert_int_equal(smig_utf8_to_utf16be("AB", 2, false, &u, &n, &e), 0);
	assert_int_equal(n, 4);
	assert_memory_equal(u, "\0A\0B", 4);
	assert_int_equal(smig_utf16be_to_utf8(u, n, &back, &e), 0);
	assert_string_equal(back, "AB");
	free(back);
	free(u);
}

static void utf16_rejects_unpaired_surrogate(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	const unsigned char lone[] = {'a', 0, 0x00, 0xD8, 'b', 0};
	char *out = NULL;

	(void)state;
	assert_int_equal(smig_utf16le_to_utf8(lone, sizeof(lone), &out, &e), -1);
	assert_null(out);
	assert_int_equal(e.kind, SMIG_ERR_FORMAT);
	assert_non_null(strstr(e.msg, "surrogate"));
	/* a lone low surrogate, and a high one at the end */
	{
		const unsigned char low[] = {'a', 0, 0x00, 0xDC};
		const unsigned char end[] = {'a', 0, 0x3D, 0xD8};

		assert_int_equal(smig_utf16le_to_utf8(low, sizeof(low), &out, &e), -1);
		assert_int_equal(smig_utf16le_to_utf8(end, sizeof(end), &out, &e), -1);
		assert_null(out);
	}
	assert_false(smig_utf8_valid("\xc0\xaf", 2)); /* overlong '/' */
	assert_false(smig_utf8_valid("\xed\xa0\x80", 3)); /* encoded surrogate */
	assert_true(smig_utf8_valid("plain", 5));
}

/* The rules around the conversion (winval.h): the first NUL unit ends the text, an odd last
 * byte is ignored, a BOM is U+FEFF; and UTF-8 that is not valid is refused. */
static void utf16_rules(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	const unsigned char multi[] = {'a', 0, 'b', 0, 0, 0, 'c', 0, 0, 0, 0, 0};
	const unsigned char odd[] = {'a', 0, 'b', 0, 'c'};
	const unsigned char bom[] = {0xFF, 0xFE, 'a', 0};
	const unsigned char after[] = {0, 0, 0x00, 0xDC}; /* the surrogate is after the NUL */
	static const char *const bad8[] = {"\xed\xa0\x80", "\xc0\x80", "\xf4\x90\x80\x80",
	                                   "\xe6\xbc", "\xff"};
	unsigned char *u = NULL;
	char *out = NULL;
	size_t n = 0, i;

	(void)state;
	assert_int_equal(smig_utf16le_to_utf8(multi, sizeof(multi), &out, &e), 0);
	assert_string_equal(out, "ab");
	free(out);
	assert_int_equal(smig_utf16le_to_utf8(odd, sizeof(odd), &out, &e), 0);
	assert_string_equal(out, "ab");
	free(out);
	assert_int_equal(smig_utf16le_to_utf8(bom, sizeof(bom), &out, &e), 0);
	assert_string_equal(out, "\xef\xbb\xbf" "a");
	free(out);
	assert_int_equal(smig_utf16le_to_utf8(after, sizeof(after), &out, &e), 0);
	assert_string_equal(out, "");
	free(out);
	/* a NUL inside UTF-8 is a code unit like any other */
	assert_int_equal(smig_utf8_to_utf16le("a\0b", 3, false, &u, &n, &e), 0);
	assert_int_equal(n, 6);
	assert_memory_equal(u, "a\0\0\0b\0", 6);
	free(u);
	assert_int_equal(smig_utf8_to_utf16le("", 0, true, &u, &n, &e), 0);
	assert_int_equal(n, 2);
	free(u);
	for (i = 0; i < sizeof(bad8) / sizeof(bad8[0]); i++) {
		struct smig_err e2 = SMIG_ERR_INIT;

		assert_int_equal(smig_utf8_to_utf16be(bad8[i], strlen(bad8[i]), true, &u, &n, &e2),
		                 -1);
		assert_null(u);
		assert_int_equal(e2.kind, SMIG_ERR_FORMAT);
		assert_false(smig_utf8_valid(bad8[i], strlen(bad8[i])));
	}
}

static void text_decode_boms(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	const unsigned char le[] = {0xFF, 0xFE, 'h', 0, 'i', 0, '\r', 0, '\n', 0};
	const unsigned char be[] = {0xFE, 0xFF, 0, 'h', 0, 'i'};
	const unsigned char u8[] = {0xEF, 0xBB, 0xBF, 'h', 'i'};
	const unsigned char nul[] = {'h', 0, 'i', 0};
	char *out = NULL;

	(void)state;
	assert_int_equal(smig_text_decode(le, sizeof(le), &out, &e), 0);
	assert_string_equal(out, "hi\r\n");
	free(out);
	assert_int_equal(smig_text_decode(be, sizeof(be), &out, &e), 0);
	assert_string_equal(out, "hi");
	free(out);
	assert_int_equal(smig_text_decode(u8, sizeof(u8), &out, &e), 0);
	assert_string_equal(out, "hi");
	free(out);
	assert_int_equal(smig_text_decode(nul, sizeof(nul), &out, &e), -1);
}

static void guid_forms(void **state)
{
	struct smig_guid g, h;
	char buf[SMIG_GUID_BUFSZ];
	uint8_t ms[16];

	(void)state;
	assert_true(smig_guid_parse("{0aa394fa-7c4a-4070-ba32-773d43b28a68}", &g));
	assert_true(smig_guid_parse("0AA394FA-7C4A-4070-BA32-773D43B28A68", &h));
	assert_true(smig_guid_equal(&g, &h));
	assert_int_equal(g.b[0], 0x0A);
	assert_int_equal(g.b[15], 0x68);
	smig_guid_format(&g, SMIG_GUID_LOWER, buf);
	assert_string_equal(buf, "0aa394fa-7c4a-4070-ba32-773d43b28a68");
	smig_guid_format(&g, SMIG_GUID_UPPER_BRACES, buf);
	assert_string_equal(buf, "{0AA394FA-7C4A-4070-BA32-773D43B28A68}");
	assert_false(smig_guid_parse("0AA394FA-7C4A-4070-BA32-773D43B28A6", &g));
	assert_false(smig_guid_parse("0AA394FA-7C4A-4070-BA32-773D43B28A6G", &g));
	assert_false(smig_guid_parse("{0AA394FA-7C4A-4070-BA32-773D43B28A68", &g));
	/* VHDX BAT region GUID 2DC27766-... is stored starting 66 77 C2 2D (§8) */
	assert_true(smig_guid_parse("2DC27766-F623-4200-9D64-115E9BFD4A08", &g));
	smig_guid_to_ms(&g, ms);
	assert_int_equal(ms[0], 0x66);
	assert_int_equal(ms[3], 0x2D);
	assert_int_equal(ms[4], 0x23);
	assert_int_equal(ms[6], 0x00);
	smig_guid_from_ms(ms, &h);
	assert_true(smig_guid_equal(&g, &h));
	assert_true(smig_guid_str_equal("{abcdef01-2345-6789-abcd-ef0123456789}",
					"ABCDEF01-2345-6789-ABCD-EF0123456789"));
}

static void mac_forms(void **state)
{
	struct smig_mac m, n;
	char buf[18], plain[13];

	(void)state;
	assert_true(smig_mac_parse("00-15-5D-01-07-DC", &m));
	assert_true(smig_mac_parse("00155d0107dc", &n));
	assert_int_equal(smig_mac_cmp(&m, &n), 0);
	smig_mac_format(&m, buf);
	assert_string_equal(buf, "00-15-5D-01-07-DC");
	smig_mac_format_plain(&m, plain);
	assert_string_equal(plain, "00155D0107DC");
	assert_int_equal(smig_mac_to_u64(&m), 0x00155D0107DCULL);
	smig_mac_from_u64(0x00155D0107DDULL, &n);
	assert_true(smig_mac_cmp(&m, &n) < 0);
	assert_false(smig_mac_parse("00-15-5D-01-07", &m));
	assert_false(smig_mac_parse("00-15-5D-01-07-DC-00", &m));
	assert_false(smig_mac_parse("00-15-5D-01-07-DX", &m));
	assert_false(smig_mac_parse("0015-5D0107D", &m));
}

static void times(void **state)
{
	char buf[32];

	(void)state;
	/* formats.md §5.2: 130599848804317327 -> 2014-11-09 05:34:40 UTC */
	smig_unix_to_iso8601(smig_filetime_to_unix(130599848804317327ULL), buf, sizeof(buf));
	assert_string_equal(buf, "2014-11-09T05:34:40Z");
	/* §2.5 golden FILETIME = 2015-01-01T00:00:00Z */
	assert_int_equal(smig_unix_to_filetime(1420070400), 130645440000000000ULL);
	assert_int_equal(smig_vhdtime_to_unix(0), 946684800);
	assert_int_equal(smig_unix_to_vhdtime(946684800 + 42), 42);
}

static void base64(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	const unsigned char ft[] = {0x8f, 0x78, 0xb3, 0xdb, 0xde, 0xfb, 0xcf, 0x01};
	unsigned char *out = NULL;
	size_t n = 0;
	char *enc;

	(void)state;
	/* the creation_time of the real 2012 R2 sample, with its CRLF-turned-LF */
	assert_int_equal(smig_base64_decode("j3iz2977zwE=\n", 13, &out, &n, &e), 0);
	assert_int_equal(n, 8);
	assert_memory_equal(out, ft, 8);
	free(out);
	enc = smig_base64_encode(ft, 8);
	assert_string_equal(enc, "j3iz2977zwE=");
	free(enc);
	enc = smig_base64_encode("ab", 2);
	assert_string_equal(enc, "YWI=");
	free(enc);
	assert_int_equal(smig_base64_decode("j3i*", 4, &out, &n, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_FORMAT);
	/* the rules OpenSSL's decoder does not have: whitespace anywhere, padding optional */
	assert_int_equal(smig_base64_decode(" j3iz\r\n29 77\tzwE", 16, &out, &n, &e), 0);
	assert_int_equal(n, 8);
	assert_memory_equal(out, ft, 8);
	free(out);
	assert_int_equal(smig_base64_decode("YWI", 3, &out, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_memory_equal(out, "ab", 2);
	free(out);
	assert_int_equal(smig_base64_decode("YQ==", 4, &out, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_memory_equal(out, "a", 1);
	free(out);
	assert_int_equal(smig_base64_decode(" \n", 2, &out, &n, &e), 0);
	assert_int_equal(n, 0);
	free(out);
	/* and its rejecting twins: data after padding, three pads, a lone last character */
	assert_int_equal(smig_base64_decode("YQ=A", 4, &out, &n, &e), -1);
	assert_int_equal(smig_base64_decode("YQ===", 5, &out, &n, &e), -1);
	assert_int_equal(smig_base64_decode("YWJjZ", 5, &out, &n, &e), -1);
	assert_int_equal(smig_base64_decode("YW-j", 4, &out, &n, &e), -1);
	assert_null(out);
	assert_int_equal(n, 0);
}

/* NTFS's view of names (issue 10 item 5): trailing dots and spaces, Unicode case, devices. */
static void winpath_ntfs(void **state)
{
	(void)state;
	assert_true(smig_winpath_ntfs_eq("D:\\VHD\\web01.vhd.", "d:\\vhd\\WEB01.VHD"));
	assert_true(smig_winpath_ntfs_eq("D:\\VHD \\web01.vhd  ", "D:\\VHD\\web01.vhd"));
	assert_true(smig_winpath_ntfs_eq("D:\\\xc3\x84rger.vhd", "D:\\\xc3\xa4rger.vhd"));     /* Ä ä */
	assert_true(smig_winpath_ntfs_eq("D:\\\xce\xa3.vhd", "D:\\\xcf\x83.vhd"));             /* Σ σ */
	assert_true(smig_winpath_ntfs_eq("D:/VHD/x.vhd", "D:\\VHD\\x.vhd"));
	/* the twins: different names stay different */
	assert_false(smig_winpath_ntfs_eq("D:\\VHD\\web01.vhd", "D:\\VHD\\web02.vhd"));
	assert_false(smig_winpath_ntfs_eq("D:\\VHD\\web01.vhd", "D:\\VHD\\web01.vhdx"));
	assert_false(smig_winpath_ntfs_eq("D:\\VHD\\web01.vhd", "D:\\VHD\\sub\\web01.vhd"));
	assert_false(smig_winpath_ntfs_eq("D:\\\xc3\x84.vhd", "D:\\A.vhd"));
	assert_false(smig_winpath_ntfs_eq("D:\\\xff.vhd", "D:\\\xfe.vhd"));
	assert_true(smig_winpath_ntfs_eq(NULL, NULL));
	assert_false(smig_winpath_ntfs_eq("D:\\x", NULL));

	assert_true(smig_winpath_reserved("D:\\VHD\\CON"));
	assert_true(smig_winpath_reserved("D:\\VHD\\nul.vhd"));
	assert_true(smig_winpath_reserved("D:\\com1\\x.vhd"));
	assert_true(smig_winpath_reserved("D:\\VHD\\LPT9 .iso"));
	assert_true(smig_winpath_reserved("D:\\VHD\\aux."));
	assert_false(smig_winpath_reserved("D:\\VHD\\console.vhd"));
	assert_false(smig_winpath_reserved("D:\\VHD\\com10.vhd"));
	assert_false(smig_winpath_reserved("D:\\VHD\\COM0.vhd"));
	assert_false(smig_winpath_reserved("D:\\VHD\\x.con"));
	assert_false(smig_winpath_reserved(NULL));
}

static void winpath_dots(void **state)
{
	(void)state;
	assert_true(smig_winpath_dotted("D:\\Hyper-V\\..\\..\\tmp\\x.vhd"));
	assert_true(smig_winpath_dotted("D:\\.\\x.vhd"));
	assert_true(smig_winpath_dotted("D:/VHD/../x.vhd"));
	assert_true(smig_winpath_dotted(".."));
	assert_true(smig_winpath_dotted("\\\\.\\C:\\..\\x"));
	/* the device and long-path prefixes are not components; dots inside names are fine */
	assert_false(smig_winpath_dotted("\\\\.\\PHYSICALDRIVE2"));
	assert_false(smig_winpath_dotted("\\\\?\\D:\\VHD\\x.vhd"));
	assert_false(smig_winpath_dotted("D:\\VHD\\web01...vhd"));
	assert_false(smig_winpath_dotted("D:\\VHD\\.hidden\\x.vhd"));
	assert_false(smig_winpath_dotted(""));
	assert_false(smig_winpath_dotted(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(winpath_dots),
		cmocka_unit_test(winpath_ntfs),
		cmocka_unit_test(utf16_roundtrip),
		cmocka_unit_test(utf16_rejects_unpaired_surrogate),
		cmocka_unit_test(utf16_rules),
		cmocka_unit_test(text_decode_boms),
		cmocka_unit_test(guid_forms),
		cmocka_unit_test(mac_forms),
		cmocka_unit_test(times),
		cmocka_unit_test(base64),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
