/*
 * test_manifest.c - feature manifests: the shipped ones load and validate; a schema
 * violation, an unknown kind, a DOCTYPE and a duplicate feature are load errors; every
 * registry name a manifest declares is the one common/regmap.h uses.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "manifest.h"
#include "regmap.h"

static void shipped_manifests_load(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_features *f = NULL;
	const struct smig_feature *hv;
	size_t i;

	(void)state;
	assert_int_equal(smig_manifest_load(NULL, &f, &e), 0);
	assert_int_equal(f->count, 2);
	hv = smig_manifest_find(f, "hyperv");
	assert_non_null(hv);
	assert_non_null(smig_manifest_find(f, "ipconfig"));
	assert_int_equal(hv->ncomps, 8);
	for (i = 0; i < hv->ncomps; i++)
		assert_non_null(hv->comps[i].handler);
	assert_true(strcmp(hv->comps[5].id, "firewall") == 0 && hv->comps[5].report_only);
	smig_manifest_free(f);
}

/* Registry keys in manifests must be those regmap.h spells (one source of truth). */
static void manifest_names_match_regmap(void **state)
{
	static const char *const known[] = {
		SMIG_RK_VIRTUALIZATION, SMIG_RK_VMSMP_PARAMS, SMIG_RK_FIREWALLRULES, SMIG_RK_OLE,
		SMIG_RK_TCPIP_INTERFACES,
		SMIG_RK_VMSMP_PARAMS "\\" SMIG_RK_SWITCHLIST, SMIG_RK_VMSMP_PARAMS "\\" SMIG_RK_NICLIST,
	};
	static const char *const values[] = {
		SMIG_RV_STORELOCATION, SMIG_RV_VMQ_TENGIG, SMIG_RV_VMQ_BELOWTENGIG,
		SMIG_RV_MACHINELAUNCHRESTRICTION,
	};
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_features *f = NULL;
	size_t i, k, r, j;

	(void)state;
	assert_int_equal(smig_manifest_load(NULL, &f, &e), 0);
	for (i = 0; i < f->count; i++)
		for (k = 0; k < f->items[i].ncomps; k++)
			for (r = 0; r < f->items[i].comps[k].nregs; r++) {
				const struct smig_regcap *rc = &f->items[i].comps[k].regs[r];
				bool ok = false;
				for (j = 0; j < sizeof(known) / sizeof(known[0]); j++)
					ok |= strcmp(rc->key, known[j]) == 0;
				if (!ok)
					fail_msg("manifest key '%s' is not in regmap.h", rc->key);
				if (rc->value) {
					ok = false;
					for (j = 0; j < sizeof(values) / sizeof(values[0]); j++)
						ok |= strcmp(rc->value, values[j]) == 0;
					if (!ok)
						fail_msg("manifest value '%s' is not in regmap.h", rc->value);
				}
			}
	smig_manifest_free(f);
}

static char *write_manifest(const char *dir, const char *name, const char *body)
{
	char *p = tu_fmt("%s/%s", dir, name);

	tu_write(p, body, strlen(body));
	return p;
}

static void rejects_bad_manifests(void **state)
{
	static const char head[] = "<?xml version=\"1.0\"?>\n";
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_feature ft;
	char *dir = tu_mkdtemp(), *p, *doc;

	(void)state;
	/* the accepting twin */
	doc = tu_fmt("%s<feature xmlns=\"urn:smig:manifest:1\" id=\"x\" name=\"X\" version=\"1\">"
		     "<description>d</description><component id=\"c\" name=\"C\" kind=\"vmq\"/>"
		     "</feature>", head);
	p = write_manifest(dir, "ok.xml", doc);
	assert_int_equal(smig_manifest_load_file(p, &ft, &e), 0);
	assert_string_equal(ft.comps[0].kind, "vmq");
	smig_manifest_feature_release(&ft);
	free(p);
	free(doc);
	/* unknown kind: valid by the schema, refused by the handler table */
	doc = tu_fmt("%s<feature xmlns=\"urn:smig:manifest:1\" id=\"x\" name=\"X\" version=\"1\">"
		     "<description>d</description><component id=\"c\" name=\"C\" kind=\"teleport\"/>"
		     "</feature>", head);
	p = write_manifest(dir, "kind.xml", doc);
	assert_int_equal(smig_manifest_load_file(p, &ft, &e), -1);
	assert_non_null(strstr(e.msg, "unknown kind 'teleport'"));
	free(p);
	free(doc);
	/* schema violation: a registry element without its hive */
	smig_err_clear(&e);
	doc = tu_fmt("%s<feature xmlns=\"urn:smig:manifest:1\" id=\"x\" name=\"X\" version=\"1\">"
		     "<description>d</description><component id=\"c\" name=\"C\" kind=\"vmq\">"
		     "<registry key=\"A\"/></component></feature>", head);
	p = write_manifest(dir, "schema.xml", doc);
	assert_int_equal(smig_manifest_load_file(p, &ft, &e), -1);
	assert_non_null(strstr(e.msg, "does not match its schema"));
	free(p);
	free(doc);
	/* bad id pattern, and a DOCTYPE */
	smig_err_clear(&e);
	doc = tu_fmt("%s<feature xmlns=\"urn:smig:manifest:1\" id=\"Bad Id\" name=\"X\" version=\"1\">"
		     "<description>d</description><component id=\"c\" name=\"C\" kind=\"vmq\"/>"
		     "</feature>", head);
	p = write_manifest(dir, "id.xml", doc);
	assert_int_equal(smig_manifest_load_file(p, &ft, &e), -1);
	free(p);
	free(doc);
	smig_err_clear(&e);
	doc = tu_fmt("%s<!DOCTYPE feature [<!ENTITY x \"y\">]><feature/>", head);
	p = write_manifest(dir, "dtd.xml", doc);
	assert_int_equal(smig_manifest_load_file(p, &ft, &e), -1);
	free(p);
	free(doc);
	tu_rmtree(dir);
	free(dir);
}

static void duplicate_feature_is_an_error(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_features *f = NULL;
	char *dir = tu_mkdtemp();

	(void)state;
	assert_int_equal(tu_sh("cp '%s/manifests/hyperv.xml' '%s/a.xml' && cp '%s/manifests/hyperv.xml' '%s/b.xml'",
			       SMIG_SOURCE_DIR, dir, SMIG_SOURCE_DIR, dir), 0);
	assert_int_equal(smig_manifest_load(dir, &f, &e), -1);
	assert_non_null(strstr(e.msg, "two manifests declare feature 'hyperv'"));
	smig_err_clear(&e);
	assert_int_equal(smig_manifest_load("/nonexistent-smig", &f, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_IO);
	tu_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shipped_manifests_load),
		cmocka_unit_test(manifest_names_match_regmap),
		cmocka_unit_test(rejects_bad_manifests),
		cmocka_unit_test(duplicate_feature_is_an_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
