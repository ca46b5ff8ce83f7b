/* test_fwrule.c - firewall rule grammar (formats.md §3.7). */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "fwrule.h"

/* The two real rules of data/system-win7-x86.hive quoted in formats.md §3.7. */
static const char SMB_RULE[] =
    "v2.10|Action=Allow|Active=TRUE|Dir=In|Protocol=6|Profile=Domain|LPort=445|App=System|"
    "Name=@FirewallAPI.dll,-28511|Desc=@FirewallAPI.dll,-28514|"
    "EmbedCtxt=@FirewallAPI.dll,-28502|";
static const char WMI_RULE[] =
    "v2.10|Action=Allow|Active=FALSE|Dir=In|Protocol=6|Profile=Private|Profile=Public|"
    "LPort=135|RA4=LocalSubnet|RA6=LocalSubnet|App=%SystemRoot%\\system32\\svchost.exe|"
    "Svc=rpcss|Name=@FirewallAPI.dll,-34252|Desc=@FirewallAPI.dll,-34253|"
    "EmbedCtxt=@FirewallAPI.dll,-34251|";
static const char USER_RULE[] =
    "v2.10|Action=Allow|Active=TRUE|Dir=In|Protocol=6|Profile=Domain|"
    "App=C:\\Program Files\\Microsoft Office\\Office14\\ONENOTE.EXE|Name=Microsoft OneNote|";

static void parses_real_rules(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_fwrule r;
	char *d;

	(void)state;
	assert_int_equal(smig_fwrule_parse("FPS-SMB-In-TCP-NoScope", SMB_RULE, &r, &e), 0);
	assert_string_equal(r.version, "2.10");
	assert_int_equal(r.nfields, 10);
	assert_string_equal(r.fields[0].key, "Action");
	assert_string_equal(r.fields[9].key, "EmbedCtxt");
	assert_string_equal(smig_fwrule_get(&r, "LPort"), "445");
	assert_string_equal(smig_fwrule_get(&r, "Name"), "@FirewallAPI.dll,-28511");
	assert_null(smig_fwrule_get(&r, "Svc"));
	assert_null(smig_fwrule_get(&r, "lport")); /* names are case-sensitive */
	assert_false(smig_fwrule_is_hyperv(&r));
	assert_false(smig_fwrule_is_user_defined(&r));
	d = smig_fwrule_describe(&r, &e);
	assert_string_equal(d, "Allow In TCP 445 System '@FirewallAPI.dll,-28511' active, "
	                       "profiles Domain");
	free(d);
	smig_fwrule_release(&r);

	assert_int_equal(smig_fwrule_parse("WMI-RPCSS-In-TCP", WMI_RULE, &r, &e), 0);
	assert_int_equal(r.nfields, 14);
	/* repeats are kept in order; get() gives the first */
	assert_string_equal(r.fields[4].key, "Profile");
	assert_string_equal(r.fields[4].value, "Private");
	assert_string_equal(r.fields[5].value, "Public");
	assert_string_equal(smig_fwrule_get(&r, "Profile"), "Private");
	assert_string_equal(smig_fwrule_get(&r, "App"), "%SystemRoot%\\system32\\svchost.exe");
	d = smig_fwrule_describe(&r, &e);
	assert_string_equal(d, "Allow In TCP 135 svchost.exe service rpcss "
	                       "'@FirewallAPI.dll,-34252' inactive, profiles Private,Public");
	free(d);
	smig_fwrule_release(&r);
	assert_int_equal(e.kind, SMIG_ERR_NONE);
}

static void user_and_hyperv_rules(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_fwrule r;
	char *d;

	(void)state;
	assert_int_equal(
	    smig_fwrule_parse("{BD4356B5-EB1D-45FD-A911-21D55D0D095F}", USER_RULE, &r, &e), 0);
	assert_true(smig_fwrule_is_user_defined(&r));
	assert_false(smig_fwrule_is_hyperv(&r));
	assert_string_equal(smig_fwrule_get(&r, "Name"), "Microsoft OneNote");
	smig_fwrule_release(&r);

	/* a GUID without braces, or a near-GUID, is not a user rule id */
	assert_int_equal(
	    smig_fwrule_parse("BD4356B5-EB1D-45FD-A911-21D55D0D095F", USER_RULE, &r, &e), 0);
	assert_false(smig_fwrule_is_user_defined(&r));
	smig_fwrule_release(&r);
	assert_int_equal(
	    smig_fwrule_parse("{BD4356B5-EB1D-45FD-A911-21D55D0D095}", USER_RULE, &r, &e), 0);
	assert_false(smig_fwrule_is_user_defined(&r));
	smig_fwrule_release(&r);

	assert_int_equal(smig_fwrule_parse("VIRT-MIG-TCP-In",
	                                   "v2.10|Action=Allow|Active=TRUE|Dir=In|Protocol=6|"
	                                   "Profile=Domain|Profile=Private|LPort=2179|"
	                                   "App=%systemroot%\\system32\\VMMS.EXE|"
	                                   "Name=Hyper-V (MIG-TCP-In)|Future=kept verbatim=1|",
	                                   &r, &e),
	                 0);
	assert_true(smig_fwrule_is_hyperv(&r));
	assert_string_equal(smig_fwrule_get(&r, "Future"), "kept verbatim=1");
	d = smig_fwrule_describe(&r, &e);
	assert_string_equal(d, "Allow In TCP 2179 VMMS.EXE 'Hyper-V (MIG-TCP-In)' active, "
	                       "profiles Domain,Private");
	free(d);
	smig_fwrule_release(&r);

	assert_int_equal(smig_fwrule_parse("x", "v2.10|Action=Block|Dir=Out|Svc=VMMS|", &r, &e), 0);
	assert_true(smig_fwrule_is_hyperv(&r));
	d = smig_fwrule_describe(&r, &e);
	assert_string_equal(d, "Block Out any service VMMS 'x' inactive, all profiles");
	free(d);
	smig_fwrule_release(&r);

	assert_int_equal(smig_fwrule_parse("y", "v2.10|Action=Allow|EmbedCtxt=hyper-v|", &r, &e),
	                 0);
	assert_true(smig_fwrule_is_hyperv(&r));
	smig_fwrule_release(&r);
	/* "vmms" inside another program name is not vmms */
	assert_int_equal(smig_fwrule_parse("z", "v2.10|App=C:\\x\\notvmms.exe|Svc=vmmsx|", &r, &e),
	                 0);
	assert_false(smig_fwrule_is_hyperv(&r));
	smig_fwrule_release(&r);
	assert_int_equal(e.kind, SMIG_ERR_NONE);
}

static void expect_reject(const char *text, const char *needle)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_fwrule r;

	assert_int_equal(smig_fwrule_parse("R1", text, &r, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_FORMAT);
	assert_non_null(strstr(e.msg, "'R1'"));
	if (strstr(e.msg, needle) == NULL)
		fail_msg("message '%s' lacks '%s'", e.msg, needle);
	assert_null(r.fields);
	assert_null(r.id);
}

static void rejects_malformed(void **state)
{
	(void)state;
	expect_reject("2.10|Action=Allow|", "version"); /* missing "v" */
	expect_reject("v|Action=Allow|", "version");    /* empty version */
	expect_reject("vX.Y|Action=Allow|", "version"); /* not a number */
	expect_reject("v2.10", "version");              /* nothing after */
	expect_reject("v2.10|", "no fields");
	expect_reject("v2.10|Action=Allow|Active|", "'Active'");     /* field without "=" */
	expect_reject("v2.10|=Allow|", "NAME=VALUE");                /* empty name */
	expect_reject("v2.10|Action=Allow|Dir=In", "'Dir=In'");      /* missing trailing "|" */
	expect_reject("v2.10|Action=Allow|Dir In=x|", "NAME=VALUE"); /* space in the name */
}

static void rejects_too_many_fields(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_fwrule r;
	size_t n = 6 + 2000 * 4 + 1, i;
	char *big = malloc(n);

	(void)state;
	assert_non_null(big);
	memcpy(big, "v2.10|", 6);
	for (i = 0; i < 2000; i++)
		memcpy(big + 6 + i * 4, "A=1|", 4);
	big[n - 1] = '\0';
	assert_int_equal(smig_fwrule_parse("big", big, &r, &e), -1);
	assert_non_null(strstr(e.msg, "more than"));
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(parses_real_rules),
	    cmocka_unit_test(user_and_hyperv_rules),
	    cmocka_unit_test(rejects_malformed),
	    cmocka_unit_test(rejects_too_many_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
