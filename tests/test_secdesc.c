/* test_secdesc.c - security descriptors, SIDs and SDDL (formats.md §2.6, §4.3). */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "secdesc.h"

/* The recommended root SD of §2.5, byte for byte. */
static const unsigned char root_sd[144] = {
    0x01, 0x00, 0x04, 0x94, 0x74, 0x00, 0x00, 0x00, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x14, 0x00, 0x00, 0x00, 0x02, 0x00, 0x60, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x02, 0x18, 0x00,
    0x19, 0x00, 0x02, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x20, 0x00, 0x00, 0x00,
    0x21, 0x02, 0x00, 0x00, 0x00, 0x02, 0x18, 0x00, 0x3f, 0x00, 0x0f, 0x00, 0x01, 0x02, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x05, 0x20, 0x00, 0x00, 0x00, 0x20, 0x02, 0x00, 0x00, 0x00, 0x02, 0x14, 0x00,
    0x3f, 0x00, 0x0f, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x12, 0x00, 0x00, 0x00,
    0x00, 0x02, 0x14, 0x00, 0x3f, 0x00, 0x0f, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03,
    0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x20, 0x00, 0x00, 0x00,
    0x20, 0x02, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x12, 0x00, 0x00, 0x00,
};

/* 0x9404 has DACL_AUTO_INHERITED, so the faithful SDDL is "D:PAI" (§2.5 writes "D:P"). */
#define ROOT_SDDL "O:BAG:SYD:PAI(A;CI;KR;;;BU)(A;CI;KA;;;BA)(A;CI;KA;;;SY)(A;CI;KA;;;CO)"

static void root_sd_roundtrip(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_secdesc sd, back;
	unsigned char *bin = NULL;
	size_t len = 0;
	char *sddl = NULL;

	(void)state;
	assert_int_equal(smig_secdesc_parse(root_sd, sizeof(root_sd), &sd, &e), 0);
	assert_int_equal(sd.control, 0x9404);
	assert_true(sd.has_owner && sd.has_group && sd.has_dacl);
	assert_int_equal(sd.dacl_count, 4);
	assert_int_equal(sd.dacl[0].mask, 0x20019);
	assert_int_equal(sd.dacl[0].flags, SMIG_ACE_CONTAINER_INHERIT);
	assert_int_equal(smig_secdesc_to_sddl(&sd, &sddl, &e), 0);
	assert_string_equal(sddl, ROOT_SDDL);
	assert_int_equal(smig_secdesc_from_sddl(sddl, &bin, &len, &e), 0);
	assert_int_equal(len, sizeof(root_sd));
	assert_memory_equal(bin, root_sd, sizeof(root_sd));
	assert_int_equal(smig_secdesc_parse(bin, len, &back, &e), 0);
	assert_true(smig_secdesc_equal(&sd, &back));
	/* rejecting twin: one mask bit apart is not equal */
	back.dacl[3].mask ^= 1;
	assert_false(smig_secdesc_equal(&sd, &back));
	smig_secdesc_release(&back);
	smig_secdesc_release(&sd);
	free(bin);
	free(sddl);
}

static void minimal_hive_sd(void **state)
{
	static const struct {
		const char *sid;
		uint32_t mask;
		uint8_t flags;
	} want[10] = {
	    {"S-1-5-32-545", 0x20019, 0}, {"S-1-5-32-545", 0x80000000, 0x0A},
	    {"S-1-5-32-547", 0x20019, 0}, {"S-1-5-32-547", 0x80000000, 0x0A},
	    {"S-1-5-32-544", 0xF003F, 0}, {"S-1-5-32-544", 0x10000000, 0x0A},
	    {"S-1-5-18", 0xF003F, 0},     {"S-1-5-18", 0x10000000, 0x0A},
	    {"S-1-5-32-544", 0xF003F, 0}, {"S-1-3-0", 0x10000000, 0x0A},
	};
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_secdesc sd;
	char *p = tu_shared("hivex-minimal.hive"), *file, *sddl = NULL, buf[SMIG_SID_BUFSZ];
	const unsigned char *d;
	unsigned char *bin = NULL;
	size_t n = 0, len = 0;

	(void)state;
	if (p == NULL)
		skip();
	file = tu_read(p, &n);
	assert_true(n >= 0x1080 + 0x18 + 284);
	d = (const unsigned char *)file + 0x1080 + 0x18;
	assert_int_equal(smig_secdesc_parse(d, 284, &sd, &e), 0);
	assert_int_equal(sd.control, 0x9404);
	smig_sid_format(&sd.owner, buf, sizeof(buf));
	assert_string_equal(buf, "S-1-5-32-544");
	smig_sid_format(&sd.group, buf, sizeof(buf));
	assert_string_equal(buf, "S-1-5-18");
	assert_int_equal(sd.dacl_count, 10);
	for (int i = 0; i < 10; i++) {
		assert_int_equal(sd.dacl[i].type, SMIG_ACE_ALLOWED);
		smig_sid_format(&sd.dacl[i].sid, buf, sizeof(buf));
		assert_string_equal(buf, want[i].sid);
		assert_int_equal(sd.dacl[i].mask, want[i].mask);
		assert_int_equal(sd.dacl[i].flags, want[i].flags);
	}
	assert_string_equal(smig_sid_wellknown_name(&sd.dacl[2].sid), "BUILTIN\\Power Users");
	/* SDDL and back gives the same 284 bytes: the layout is Windows' (DACL, owner, group) */
	assert_int_equal(smig_secdesc_to_sddl(&sd, &sddl, &e), 0);
	assert_string_equal(sddl, "O:BAG:SYD:PAI(A;;KR;;;BU)(A;CIIO;GR;;;BU)(A;;KR;;;PU)"
	                          "(A;CIIO;GR;;;PU)(A;;KA;;;BA)(A;CIIO;GA;;;BA)(A;;KA;;;SY)"
	                          "(A;CIIO;GA;;;SY)(A;;KA;;;BA)(A;CIIO;GA;;;CO)");
	assert_int_equal(smig_secdesc_from_sddl(sddl, &bin, &len, &e), 0);
	assert_int_equal(len, 284);
	assert_memory_equal(bin, d, 284);
	smig_secdesc_release(&sd);
	free(bin);
	free(sddl);
	free(file);
	free(p);
}

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* Parse a corrupted copy of root_sd; expect a FORMAT error mentioning `word`. */
static void expect_reject(const unsigned char *d, size_t len, const char *word)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_secdesc sd;

	assert_int_equal(smig_secdesc_parse(d, len, &sd, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_FORMAT);
	if (strstr(e.msg, word) == NULL)
		fail_msg("'%s' does not mention '%s'", e.msg, word);
	assert_null(sd.dacl);
	assert_int_equal(sd.dacl_count, 0);
}

static void malformed_rejected(void **state)
{
	unsigned char b[sizeof(root_sd)];

	(void)state;
	/* owner offset past the end, and a group SID cut by the length */
	memcpy(b, root_sd, sizeof(b));
	put32(b + 4, 0x1000);
	expect_reject(b, sizeof(b), "owner SID");
	expect_reject(root_sd, sizeof(root_sd) - 1, "group SID");
	/* ACE count lying: 11 cannot fit in 0x60 bytes; 5 fits the bound but the 5th runs out */
	memcpy(b, root_sd, sizeof(b));
	b[20 + 4] = 11;
	expect_reject(b, sizeof(b), "claims 11 ACEs");
	b[20 + 4] = 5;
	expect_reject(b, sizeof(b), "ACE 5");
	/* SID sub-authority count 16 */
	memcpy(b, root_sd, sizeof(b));
	b[0x74 + 1] = 16;
	expect_reject(b, sizeof(b), "16 sub-authorities");
	/* an ACE whose SID claims more sub-authorities than the ACE holds */
	memcpy(b, root_sd, sizeof(b));
	b[28 + 8 + 1] = 4;
	expect_reject(b, sizeof(b), "ACE SID");
	/* ACL size larger than the descriptor; ACE size past the ACL */
	memcpy(b, root_sd, sizeof(b));
	b[22] = 0xF0;
	expect_reject(b, sizeof(b), "DACL size");
	memcpy(b, root_sd, sizeof(b));
	b[28 + 2] = 0x70;
	expect_reject(b, sizeof(b), "outside the ACL");
	/* header problems */
	expect_reject(root_sd, 19, "shorter than its header");
	memcpy(b, root_sd, sizeof(b));
	b[0] = 2;
	expect_reject(b, sizeof(b), "revision");
	b[0] = 1;
	b[3] = 0x14; /* control without SELF_RELATIVE */
	expect_reject(b, sizeof(b), "SELF_RELATIVE");
	/* the untouched vector still parses: the twins above fail for their own reason */
	{
		struct smig_err e = SMIG_ERR_INIT;
		struct smig_secdesc sd;

		assert_int_equal(smig_secdesc_parse(root_sd, sizeof(root_sd), &sd, &e), 0);
		smig_secdesc_release(&sd);
	}
}

static void unsupported_ace_type(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_secdesc sd;
	unsigned char b[sizeof(root_sd)];

	(void)state;
	memcpy(b, root_sd, sizeof(b));
	b[28] = 5; /* ACCESS_ALLOWED_OBJECT */
	assert_int_equal(smig_secdesc_parse(b, sizeof(b), &sd, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_UNSUPPORTED);
	b[28] = SMIG_ACE_DENIED;
	smig_err_clear(&e);
	assert_int_equal(smig_secdesc_parse(b, sizeof(b), &sd, &e), 0);
	assert_int_equal(sd.dacl[0].type, SMIG_ACE_DENIED);
	smig_secdesc_release(&sd);
}

static void sids(void **state)
{
	struct smig_sid s;
	char buf[SMIG_SID_BUFSZ], small[8];

	(void)state;
	assert_true(smig_sid_parse("S-1-5-32-544", &s));
	assert_int_equal(s.count, 2);
	assert_int_equal(s.authority, 5);
	assert_int_equal(s.sub[1], 544);
	smig_sid_format(&s, buf, sizeof(buf));
	assert_string_equal(buf, "S-1-5-32-544");
	assert_string_equal(smig_sid_wellknown_name(&s), "BUILTIN\\Administrators");
	assert_string_equal(smig_sid_alias(&s), "BA");
	smig_sid_format(&s, small, sizeof(small));
	assert_string_equal(small, "S-1-5-3"); /* truncated, still terminated */

	assert_true(smig_sid_parse("S-1-5-21-1004336348-1177238915-682003330-512", &s));
	assert_null(smig_sid_wellknown_name(&s));
	smig_sid_format(&s, buf, sizeof(buf));
	assert_string_equal(buf, "S-1-5-21-1004336348-1177238915-682003330-512");
	assert_true(smig_sid_parse("S-1-1-0", &s));
	assert_string_equal(smig_sid_wellknown_name(&s), "Everyone");
	assert_true(smig_sid_parse("S-1-15-2-1", &s));
	assert_string_equal(smig_sid_alias(&s), "AC");
	assert_true(smig_sid_parse("S-1-5-32-578", &s));
	assert_string_equal(smig_sid_wellknown_name(&s), "BUILTIN\\Hyper-V Administrators");
	assert_true(smig_sid_parse("S-1-0x123456789ABC-1", &s));
	smig_sid_format(&s, buf, sizeof(buf));
	assert_string_equal(buf, "S-1-0x123456789ABC-1");

	assert_false(smig_sid_parse("S-1-5-", &s));
	assert_false(smig_sid_parse("S-2-5-18", &s));
	assert_false(smig_sid_parse("S-1-5-4294967296", &s));
	assert_false(smig_sid_parse("S-1-5-18x", &s));
	assert_false(smig_sid_parse("S-1-5--18", &s));
	assert_false(smig_sid_parse("S-1-281474976710656", &s)); /* authority > 48 bits */
	assert_false(smig_sid_parse("S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15-16", &s));
	assert_true(smig_sid_parse("S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15", &s));
}

static void com_launch_restriction(void **state)
{
	/* the documented default (§4.3): BA local+remote launch/activation, Everyone local */
	const char *text = "O:BAG:BAD:(A;;CCDCLCSWRP;;;BA)(A;;CCDCSW;;;WD)";
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_secdesc sd;
	unsigned char *bin = NULL;
	size_t len = 0;
	char *back = NULL, words[128], tiny[10];

	(void)state;
	assert_int_equal(smig_secdesc_from_sddl(text, &bin, &len, &e), 0);
	assert_int_equal(smig_secdesc_parse(bin, len, &sd, &e), 0);
	assert_int_equal(sd.control, 0x8004);
	assert_int_equal(sd.dacl_count, 2);
	assert_int_equal(sd.dacl[0].mask, 0x1F);
	assert_int_equal(sd.dacl[1].mask, 0x0B);
	assert_int_equal(smig_secdesc_to_sddl(&sd, &back, &e), 0);
	assert_string_equal(back, text);
	assert_int_equal(smig_com_rights_describe(sd.dacl[0].mask, words, sizeof(words)), 0);
	assert_string_equal(words, "execute, local launch, remote launch, local activation, "
	                           "remote activation");
	assert_int_equal(smig_com_rights_describe(sd.dacl[1].mask, words, sizeof(words)), 0);
	assert_string_equal(words, "execute, local launch, local activation");
	assert_int_equal(smig_com_rights_describe(0x20 | 0x8, words, sizeof(words)), 0);
	assert_string_equal(words, "local activation, other 0x20");
	assert_int_equal(smig_com_rights_describe(0, words, sizeof(words)), 0);
	assert_string_equal(words, "none");
	assert_int_equal(smig_com_rights_describe(0x1F, tiny, sizeof(tiny)), -1);
	smig_secdesc_release(&sd);
	free(back);
	free(bin);
}

static void sddl_forms(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_secdesc sd;
	unsigned char *bin = NULL;
	size_t len = 0;
	char *back = NULL;

	(void)state;
	/* hex masks without an alias, a plain SID, deny ACE, all flags, NULL DACL */
	assert_int_equal(smig_secdesc_from_sddl("O:S-1-5-21-1-2-3-500D:AR(D;OICINPIOID;0x100200;;;"
	                                        "S-1-5-21-1-2-3-1001)(A;;0x0;;;AU)",
	                                        &bin, &len, &e),
	                 0);
	assert_int_equal(smig_secdesc_parse(bin, len, &sd, &e), 0);
	assert_false(sd.has_group);
	assert_int_equal(sd.dacl[0].flags, 0x1F);
	assert_int_equal(smig_secdesc_to_sddl(&sd, &back, &e), 0);
	assert_string_equal(back, "O:S-1-5-21-1-2-3-500D:AR(D;OICINPIOID;0x100200;;;"
	                          "S-1-5-21-1-2-3-1001)(A;;0x0;;;AU)");
	smig_secdesc_release(&sd);
	free(back);
	free(bin);

	/* DACL_PRESENT with no DACL offset: a NULL DACL */
	{
		unsigned char nul[20] = {1, 0, 0x04, 0x80};

		assert_int_equal(smig_secdesc_parse(nul, sizeof(nul), &sd, &e), 0);
		assert_false(sd.has_dacl);
		assert_int_equal(smig_secdesc_to_sddl(&sd, &back, &e), 0);
		assert_string_equal(back, "D:NO_ACCESS_CONTROL");
		free(back);
	}

	/* rejecting twins */
	static const char *const bad[] = {
	    "O:XX",               /* unknown alias */
	    "D:(Z;;KA;;;BA)",     /* unknown ACE type */
	    "D:(A;;KA;;;BA",      /* unclosed */
	    "D:(A;XX;KA;;;BA)",   /* unknown flag */
	    "D:(A;;QQ;;;BA)",     /* unknown right */
	    "D:(A;;0xZZ;;;BA)",   /* bad hex */
	    "D:(A;;KA;guid;;BA)", /* object ACE */
	    "D:(A;;KA;;;S-1-5-)", /* bad SID */
	    "S:(AU;SA;KA;;;WD)",  /* SACL not supported */
	    "O:BA junk",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		smig_err_clear(&e);
		if (smig_secdesc_from_sddl(bad[i], &bin, &len, &e) != -1)
			fail_msg("accepted '%s'", bad[i]);
		assert_null(bin);
		assert_int_equal(e.kind, SMIG_ERR_USAGE);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(root_sd_roundtrip),
	    cmocka_unit_test(minimal_hive_sd),
	    cmocka_unit_test(malformed_rejected),
	    cmocka_unit_test(unsupported_ace_type),
	    cmocka_unit_test(sids),
	    cmocka_unit_test(com_launch_restriction),
	    cmocka_unit_test(sddl_forms),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
