/*
 * test_azman.c - AzMan policy store reader (formats.md §6).
 *
 * No real Hyper-V InitialStore.xml is known, so every store here is SYNTHETIC: small inline
 * documents in the [MS-AZMP] example's shape (elements interleaved, repeated children),
 * with made-up GUIDs and Hyper-V-like names.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "azman.h"
#include "strbuf.h"
#include "winval.h"

#define APP_GUID "11111111-0000-4000-8000-000000000001"
#define RDEF_GUID "22222222-0000-4000-8000-000000000002"
#define OP1_GUID "33333333-0000-4000-8000-000000000003"
#define OP2_GUID "33333333-0000-4000-8000-000000000004"
#define GRP_GUID "44444444-0000-4000-8000-000000000005"

/* SYNTHETIC store; %s slots: MajorVersion, MinorVersion, first OperationID. */
static char *store(const char *major, const char *minor, const char *opid)
{
	return tu_fmt(
		"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
		"<!-- SYNTHETIC AzMan store for smig tests, [MS-AZMP] example shape -->\n"
		"<AzAdminManager MajorVersion=\"%s\" MinorVersion=\"%s\" "
		"Guid=\"99999999-0000-4000-8000-000000000000\" Description=\"\">\n"
		"  <AzApplicationGroup Guid=\"55555555-0000-4000-8000-000000000001\" "
		"Name=\"Global admins\" GroupType=\"Basic\">\n"
		"    <Member>S-1-5-32-544</Member>\n"
		"  </AzApplicationGroup>\n"
		"  <AzApplication Guid=\"" APP_GUID "\" Name=\"Hyper-V services\" "
		"Description=\"\" ApplicationVersion=\"\">\n"
		"    <AzTask Guid=\"" RDEF_GUID "\" Name=\"Administrator\" "
		"RoleDefinition=\"True\">\n"
		"      <OperationLink>" OP1_GUID "</OperationLink>\n"
		"      <TaskLink>66666666-0000-4000-8000-000000000006</TaskLink>\n"
		"      <OperationLink> " OP2_GUID " </OperationLink>\n"
		"    </AzTask>\n"
		"    <AzOperation Guid=\"" OP1_GUID "\" Name=\"Start Virtual Machine\">\n"
		"      <OperationID>%s</OperationID>\n"
		"    </AzOperation>\n"
		"    <AzTask Guid=\"66666666-0000-4000-8000-000000000006\" Name=\"Read only\">\n"
		"      <OperationLink>" OP2_GUID "</OperationLink>\n"
		"    </AzTask>\n"
		"    <AzRole Guid=\"77777777-0000-4000-8000-000000000007\" "
		"Name=\"Administrator\">\n"
		"      <TaskLink>" RDEF_GUID "</TaskLink>\n"
		"      <Member>S-1-5-32-544</Member>\n"
		"      <AppMemberLink>" GRP_GUID "</AppMemberLink>\n"
		"      <Member>S-1-5-21-1004336348-1177238915-682003330-1001</Member>\n"
		"    </AzRole>\n"
		"    <AzApplicationGroup Guid=\"" GRP_GUID "\" Name=\"Operators\" "
		"GroupType=\"Basic\">\n"
		"      <Member>S-1-5-21-1004336348-1177238915-682003330-1002</Member>\n"
		"      <NonMember>S-1-5-21-1004336348-1177238915-682003330-1003</NonMember>\n"
		"    </AzApplicationGroup>\n"
		"    <AzOperation Guid=\"" OP2_GUID "\" Name=\"View Virtual Machine "
		"Configuration\"><OperationID>2</OperationID></AzOperation>\n"
		"    <AzScope Guid=\"88888888-0000-4000-8000-000000000008\" Name=\"web01\">\n"
		"      <AzRole Guid=\"88888888-0000-4000-8000-000000000009\" Name=\"VM owners\">\n"
		"        <Member>S-1-5-21-1004336348-1177238915-682003330-1004</Member>\n"
		"        <TaskLink>" RDEF_GUID "</TaskLink>\n"
		"      </AzRole>\n"
		"      <AzTask Guid=\"88888888-0000-4000-8000-00000000000a\" Name=\"Scope def\" "
		"RoleDefinition=\"true\"/>\n"
		"      <AzApplicationGroup Guid=\"88888888-0000-4000-8000-00000000000b\" "
		"Name=\"Query\" GroupType=\"LdapQuery\"><LdapQuery>(cn=x)</LdapQuery>"
		"</AzApplicationGroup>\n"
		"    </AzScope>\n"
		"    <Unknown>ignored</Unknown>\n"
		"  </AzApplication>\n"
		"</AzAdminManager>\n",
		major, minor, opid);
}

static void check_store(const struct smig_azman_store *s)
{
	const struct smig_azman_app *a;
	const struct smig_azman_scope *sc;

	assert_int_equal(s->major, 2);
	assert_int_equal(s->minor, 0);
	assert_int_equal(s->ngroups, 1);
	assert_string_equal(s->groups[0].name, "Global admins");
	assert_string_equal(s->groups[0].members[0], "S-1-5-32-544");
	assert_int_equal(s->napps, 1);

	a = smig_azman_find_app(s, "HYPER-V SERVICES");
	assert_ptr_equal(a, &s->apps[0]);
	assert_null(smig_azman_find_app(s, "Hyper-V"));
	assert_string_equal(a->guid, APP_GUID);

	assert_int_equal(a->nops, 2);
	assert_string_equal(a->ops[0].name, "Start Virtual Machine");
	assert_int_equal(a->ops[0].id, 1);
	assert_string_equal(a->ops[1].guid, OP2_GUID);
	assert_int_equal(a->ops[1].id, 2);

	assert_int_equal(a->ntasks, 2);
	assert_true(a->tasks[0].role_definition);
	assert_false(a->tasks[1].role_definition);
	assert_int_equal(a->tasks[0].nop_links, 2);
	assert_string_equal(a->tasks[0].op_links[1], OP2_GUID); /* whitespace trimmed */
	assert_int_equal(a->tasks[0].ntask_links, 1);

	assert_int_equal(a->nroles, 1);
	assert_string_equal(a->roles[0].name, "Administrator");
	assert_int_equal(a->roles[0].nmembers, 2);
	assert_string_equal(a->roles[0].members[0], "S-1-5-32-544");
	assert_string_equal(a->roles[0].members[1],
			    "S-1-5-21-1004336348-1177238915-682003330-1001");
	assert_int_equal(a->roles[0].ntask_links, 1);
	assert_string_equal(a->roles[0].task_links[0], RDEF_GUID);
	assert_int_equal(a->roles[0].napp_member_links, 1);
	assert_string_equal(a->roles[0].app_member_links[0], GRP_GUID);

	assert_int_equal(a->ngroups, 1);
	assert_string_equal(a->groups[0].type, "Basic");
	assert_int_equal(a->groups[0].nmembers, 1);
	assert_int_equal(a->groups[0].nnon_members, 1);

	assert_int_equal(a->nscopes, 1);
	sc = &a->scopes[0];
	assert_string_equal(sc->name, "web01");
	assert_int_equal(sc->nroles, 1);
	assert_string_equal(sc->roles[0].members[0],
			    "S-1-5-21-1004336348-1177238915-682003330-1004");
	assert_int_equal(sc->ntasks, 1);
	assert_true(sc->tasks[0].role_definition);
	assert_int_equal(sc->ngroups, 1);
	assert_string_equal(sc->groups[0].type, "LdapQuery");
	assert_string_equal(sc->groups[0].guid, "88888888-0000-4000-8000-00000000000b");
}

static void parses_interleaved_store(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_azman_store *s = NULL;
	char *x = store("2", "0", "1");

	(void)state;
	if (smig_azman_parse(x, strlen(x), "InitialStore.xml", &s, &e) < 0)
		fail_msg("%s", e.msg);
	check_store(s);
	smig_azman_free(s);
	free(x);
}

static void accepts_any_bom(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_azman_store *s = NULL;
	char *x = store("2", "0", "1"), *dir, *path;
	unsigned char *u16 = NULL, *buf;
	size_t n16 = 0, n = strlen(x);

	(void)state;
	/* UTF-8 with BOM */
	buf = malloc(n + 3);
	assert_non_null(buf);
	memcpy(buf, "\xEF\xBB\xBF", 3);
	memcpy(buf + 3, x, n);
	if (smig_azman_parse(buf, n + 3, "bom8.xml", &s, &e) < 0)
		fail_msg("%s", e.msg);
	check_store(s);
	smig_azman_free(s);
	free(buf);

	/* UTF-16LE with BOM, through a file, and without BOM */
	if (smig_utf8_to_utf16le(x, n, false, &u16, &n16, &e) < 0)
		fail_msg("%s", e.msg);
	buf = malloc(n16 + 2);
	assert_non_null(buf);
	buf[0] = 0xFF;
	buf[1] = 0xFE;
	memcpy(buf + 2, u16, n16);
	dir = tu_mkdtemp();
	path = tu_fmt("%s/InitialStore.xml", dir);
	tu_write(path, buf, n16 + 2);
	if (smig_azman_load(path, NULL, &s, &e) < 0)
		fail_msg("%s", e.msg);
	check_store(s);
	smig_azman_free(s);
	if (smig_azman_parse(u16, n16, "nobom.xml", &s, &e) < 0)
		fail_msg("%s", e.msg);
	check_store(s);
	smig_azman_free(s);
	/* rejecting twin: a missing file */
	free(path);
	path = tu_fmt("%s/missing.xml", dir);
	assert_int_equal(smig_azman_load(path, "C:\\ProgramData\\missing.xml", &s, &e), -1);
	assert_null(s);
	assert_int_equal(e.kind, SMIG_ERR_IO);
	tu_rmtree(dir);
	free(dir);
	free(path);
	free(buf);
	free(u16);
	free(x);
}

static void expect_reject(const char *doc, size_t len, const char *needle)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_azman_store *s = NULL;

	assert_int_equal(smig_azman_parse(doc, len, "InitialStore.xml", &s, &e), -1);
	assert_null(s);
	assert_non_null(strstr(e.msg, "'InitialStore.xml'"));
	if (strstr(e.msg, needle) == NULL)
		fail_msg("message '%s' lacks '%s'", e.msg, needle);
}

static void rejects_bad_stores(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_azman_store *s = NULL;
	char *x;

	(void)state;
	x = store("3", "0", "1");
	expect_reject(x, strlen(x), "'3.0'");
	free(x);
	x = store("1", "1", "1");
	expect_reject(x, strlen(x), "'1.1'");
	free(x);
	x = store("", "0", "1"); /* MajorVersion present but empty */
	expect_reject(x, strlen(x), "is not 1.0 or 2.0");
	free(x);
	/* MajorVersion 1 is the accepting twin of 3 */
	x = store("1", "0", "1");
	if (smig_azman_parse(x, strlen(x), "v1.xml", &s, &e) < 0)
		fail_msg("%s", e.msg);
	assert_int_equal(s->major, 1);
	smig_azman_free(s);
	s = NULL;
	/* truncated */
	expect_reject(x, strlen(x) / 2, "not well-formed");
	free(x);
	/* OperationID must be an integer */
	x = store("2", "0", "12x");
	expect_reject(x, strlen(x), "OperationID '12x'");
	free(x);
	/* DOCTYPE with an entity */
	x = tu_fmt("<?xml version=\"1.0\"?><!DOCTYPE AzAdminManager [<!ENTITY a \"b\">]>"
		   "<AzAdminManager MajorVersion=\"1\" MinorVersion=\"0\">&a;</AzAdminManager>");
	expect_reject(x, strlen(x), "DOCTYPE");
	free(x);
	/* wrong root */
	x = tu_fmt("<configuration MajorVersion=\"1\" MinorVersion=\"0\"/>");
	expect_reject(x, strlen(x), "<configuration>");
	free(x);
	/* over the cap */
	x = calloc(1, SMIG_AZMAN_MAX_BYTES + 1);
	assert_non_null(x);
	memset(x, ' ', SMIG_AZMAN_MAX_BYTES);
	expect_reject(x, SMIG_AZMAN_MAX_BYTES + 1, "limit");
	free(x);
}

/* ---- the structural comparison ---- */

static struct smig_azman_store *parsed(const char *doc)
{
	struct smig_azman_store *st = NULL;
	struct smig_err e = SMIG_ERR_INIT;

	assert_int_equal(smig_azman_parse(doc, strlen(doc), "test store", &st, &e), 0);
	return st;
}

/* The differences of the base store with `from` replaced by `to` (one edit), joined by "|". */
static char *diff_after(const char *from, const char *to, size_t *total)
{
	char *base = store("2", "0", "1"), *at = strstr(base, from), *edited;
	struct smig_strbuf joined = SMIG_STRBUF_INIT;
	struct smig_azman_store *a, *b;
	struct smig_err e = SMIG_ERR_INIT;
	char **diffs = NULL;

	assert_non_null(at);
	edited = tu_fmt("%.*s%s%s", (int)(at - base), base, to, at + strlen(from));
	a = parsed(base);
	b = parsed(edited);
	assert_int_equal(smig_azman_diff(a, b, "the copy", &diffs, total, &e), 0);
	smig_strbuf_puts(&joined, "");
	for (size_t i = 0; diffs && diffs[i]; i++) {
		smig_strbuf_puts(&joined, diffs[i]);
		smig_strbuf_puts(&joined, "|");
		free(diffs[i]);
	}
	free(diffs);
	smig_azman_free(a);
	smig_azman_free(b);
	free(base);
	free(edited);
	return smig_strbuf_take(&joined, NULL);
}

static void diff_finds_each_kind_of_edit(void **state)
{
	size_t total = 9;
	char *d = NULL;

	(void)state;
	d = diff_after("<?xml", "<?xml", &total); /* the same store */
	assert_string_equal(d, "");
	assert_int_equal(total, 0);
	/* a role member's SID changed */
	free(d);
	d = diff_after("682003330-1001<", "682003330-1999<", &total);
	assert_int_equal(total, 2);
	assert_non_null(strstr(d, "role assignment 'Administrator': member "
				  "S-1-5-21-1004336348-1177238915-682003330-1001 is missing in the copy"));
	assert_non_null(strstr(d, "682003330-1999 is only in the copy"));
	/* a scope renamed */
	free(d);
	d = diff_after("Name=\"web01\"", "Name=\"web02\"", &total);
	assert_int_equal(total, 2);
	assert_non_null(strstr(d, "scope 'web01' is missing in the copy|"));
	assert_non_null(strstr(d, "scope 'web02' is only in the copy|"));
	/* a role assignment in a scope renamed */
	free(d);
	d = diff_after("Name=\"VM owners\"", "Name=\"VM admins\"", &total);
	assert_non_null(strstr(d, "role assignment 'VM owners' in scope 'web01' is missing"));
	assert_non_null(strstr(d, "role assignment 'VM admins' in scope 'web01' is only in"));
	/* an application-group member dropped: named by the group's name */
	free(d);
	d = diff_after("      <AppMemberLink>" GRP_GUID "</AppMemberLink>\n", "", &total);
	assert_int_equal(total, 1);
	assert_non_null(strstr(d, "application group 'Operators' is missing in the copy"));
	/* the role definition a role links to: named by the task's name */
	free(d);
	d = diff_after("<TaskLink>" RDEF_GUID "</TaskLink>\n      <Member>S-1-5-32-544",
		       "<Member>S-1-5-32-544", &total);
	assert_int_equal(total, 1);
	assert_non_null(strstr(d, "role definition 'Administrator' is missing in the copy"));
	/* the application renamed: everything under it is one difference each way */
	free(d);
	d = diff_after("Name=\"Hyper-V services\"", "Name=\"Other\"", &total);
	assert_int_equal(total, 2);
	assert_non_null(strstr(d, "application 'Hyper-V services' is missing in the copy"));
	free(d);
}

static void diff_is_bounded(void **state)
{
	struct smig_strbuf sb = SMIG_STRBUF_INIT;
	struct smig_azman_store *a, *b;
	struct smig_err e = SMIG_ERR_INIT;
	char **diffs = NULL;
	size_t total = 0, n = 0;
	char *base, *many;

	(void)state;
	/* 100 extra members on one role: all counted, SMIG_AZMAN_DIFF_MAX listed */
	for (int i = 0; i < 100; i++) {
		char m[64];

		snprintf(m, sizeof(m), "<Member>S-1-5-21-1-2-3-%d</Member>", 5000 + i);
		smig_strbuf_puts(&sb, m);
	}
	base = store("2", "0", "1");
	many = strstr(base, "<Member>S-1-5-32-544</Member>\n      <AppMemberLink>");
	assert_non_null(many);
	many = tu_fmt("%.*s%s%s", (int)(many - base), base, smig_strbuf_cstr(&sb), many);
	a = parsed(base);
	b = parsed(many);
	free(base);
	free(many);
	assert_int_equal(smig_azman_diff(a, b, "x", &diffs, &total, &e), 0);
	while (diffs[n])
		n++;
	assert_int_equal(n, SMIG_AZMAN_DIFF_MAX);
	assert_int_equal(total, 100);
	for (size_t i = 0; i < n; i++)
		free(diffs[i]);
	free(diffs);
	smig_azman_free(a);
	smig_azman_free(b);
	smig_strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_interleaved_store),
		cmocka_unit_test(accepts_any_bom),
		cmocka_unit_test(rejects_bad_stores),
		cmocka_unit_test(diff_finds_each_kind_of_edit),
		cmocka_unit_test(diff_is_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
