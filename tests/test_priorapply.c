/*
 * test_priorapply.c - the record an apply leaves (priorapply.h) and the earlier applies read
 * back into a destination model: the lab plan's record added to the lab destination gives
 * its VMs (IDs, names, memory, MAC addresses, networks), the networks as recreated, the MAC
 * range and the placed files, each marked as placed by the record; names with TAB, '%' and
 * newlines survive; a VM or network the destination already has is not added twice. The
 * journal folder: journals read in name order, the archive's own skipped, the lock file
 * ignored, a journal without a record noted, an interrupted one refused.
 * Rejecting twins: every malformed line is an error naming the record and the line.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fileio.h"
#include "importplan.h"
#include "inventory.h"
#include "planfix.h"
#include "priorapply.h"

#define WHEN "2026-12-03T08:00:00Z"

static char *lab_record(struct tu_lab *f, size_t *len)
{
	struct tu_plan t;
	struct smig_err e = SMIG_ERR_INIT;
	char *text;

	tu_plan_lab(&t, f);
	t.p.set_mac_range = true;
	text = smig_prior_record(&t.p, WHEN, len, &e);
	tu_plan_free(&t);
	assert_non_null(text);
	return text;
}

static const struct smig_inv_vm *vm_id(const struct smig_inventory *inv, const char *id)
{
	for (size_t i = 0; i < inv->nvms; i++)
		if (inv->vms[i].id && !strcmp(inv->vms[i].id, id))
			return &inv->vms[i];
	return NULL;
}

static void test_round_trip(void **state)
{
	struct tu_lab *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	size_t len, nvms = f->dst->nvms, nsw = f->dst->nswitches;
	char *text = lab_record(f, &len);
	const struct smig_inv_vm *web;
	const struct smig_inv_prior *pr;
	bool internal_lab = false;

	assert_non_null(strstr(text, "smig-placed 1\narchive\t" LAB_ARCHIVE_ID "\nsource\tHV-SRC01\n"
				     "applied\t" WHEN "\n"));
	assert_non_null(strstr(text, "\nvm\t" LAB_WEB01 "\tweb01\t2048\t2\tD:\\Hyper-V\\Virtual "
				     "Machines\\" LAB_WEB01 ".xml\n"));
	assert_non_null(strstr(text, "\nnic\t" LAB_WEB01 "\t00-15-5D-0A-00-10\tstatic\tExternal LAN\n"));
	assert_non_null(strstr(text, "\nmac-range\t00-15-5D-0A-00-00\t00-15-5D-0A-0F-FF\n"));
	assert_int_equal(smig_prior_parse(text, len, "placed", "j1", f->dst, &e), 0);
	assert_int_equal(f->dst->npriors, 1);
	pr = &f->dst->priors[0];
	assert_string_equal(pr->archive_id, LAB_ARCHIVE_ID);
	assert_string_equal(pr->source, "HV-SRC01");
	assert_string_equal(pr->applied, WHEN);
	assert_string_equal(pr->journal, "j1");
	/* the lab destination has none of the source's VMs: all four are added */
	assert_int_equal(f->dst->nvms, nvms + 4);
	web = vm_id(f->dst, LAB_WEB01);
	assert_non_null(web);
	assert_ptr_equal(web->placed_by, pr);
	assert_string_equal(web->name, "web01");
	assert_string_equal(web->registration, "pending");
	assert_int_equal(web->memory_mb, 2048);
	assert_int_equal(web->nnics, 1);
	assert_string_equal(web->nics[0].mac, "00-15-5D-0A-00-10");
	assert_true(web->nics[0].mac_static);
	assert_string_equal(web->nics[0].switch_name, "External LAN");
	/* networks the destination lacks are added as recreated */
	assert_true(f->dst->nswitches > nsw);
	for (size_t i = 0; i < f->dst->nswitches; i++)
		if (!strcmp(f->dst->switches[i].name, "Internal Lab")) {
			internal_lab = true;
			assert_ptr_equal(f->dst->switches[i].placed_by, pr);
			assert_int_equal(f->dst->switches[i].type, SMIG_SWITCH_INTERNAL);
		}
	assert_true(internal_lab);
	/* the host settings it sets are the destination's from now on */
	assert_true(f->dst->pending_mac_range);
	assert_int_equal(f->dst->pending_mac_min.b[4], 0x00);
	assert_int_equal(f->dst->pending_mac_max.b[4], 0x0f);
	assert_ptr_equal(f->dst->host_placed_by, pr);
	/* its files, compared as NTFS does */
	assert_ptr_equal(smig_prior_find_file(f->dst, "d:\\vhd\\WEB01.VHD."), pr);
	assert_null(smig_prior_find_file(f->dst, "D:\\VHD\\web02.vhd"));
	/* the same record again (a second journal of it) adds no VM or network twice */
	nvms = f->dst->nvms;
	nsw = f->dst->nswitches;
	assert_int_equal(smig_prior_parse(text, len, "placed", "j2", f->dst, &e), 0);
	assert_int_equal(f->dst->nvms, nvms);
	assert_int_equal(f->dst->nswitches, nsw);
	free(text);
}

static void test_escaped_names(void **state)
{
	struct tu_lab *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	struct tu_plan t;
	size_t len, i = tu_vm_index(f->src, "web01");
	char *text;
	const struct smig_inv_vm *web;

	tu_set_str(&f->src->vms[i].name, "we\tb 100%\n01\r");
	tu_plan_lab(&t, f);
	text = smig_prior_record(&t.p, WHEN, &len, &e);
	tu_plan_free(&t);
	assert_non_null(text);
	assert_non_null(strstr(text, "\twe%09b 100%25%0A01%0D\t"));
	assert_int_equal(smig_prior_parse(text, len, "placed", "j1", f->dst, &e), 0);
	web = vm_id(f->dst, LAB_WEB01);
	assert_non_null(web);
	assert_string_equal(web->name, "we\tb 100%\n01\r");
	free(text);
}

static void test_rejects(void **state)
{
	struct tu_lab *f = *state;
	static const char head[] = "smig-placed 1\narchive\tA\nsource\tS\n";
	static const struct {
		const char *body, *why;
		size_t line;
	} bad[] = {
	    {"vm\tnot-a-guid\tx\t1\t1\tD:\\x.xml\n", "a VM ID that is not a GUID", 4},
	    {"vm\t" LAB_WEB01 "\tx\t-1\t1\tD:\\x.xml\n", "a memory size", 4},
	    {"vm\t" LAB_WEB01 "\tx\t1\t1\n", "a 'vm' line needs 5 fields", 4},
	    {"vm\t" LAB_WEB01 "\tx\t1\t1\tD:\\x.xml\nnic\t" LAB_WEB01 "\tzz\tstatic\t\n",
	     "a MAC address that is not one", 5},
	    {"nic\t" LAB_WEB01 "\t00155D000001\tsometimes\t\n", "neither 'static'", 4},
	    {"switch\tbridged\tLAN\t" LAB_WEB01 "\n", "private, internal or external", 4},
	    {"switch\tinternal\t\t" LAB_WEB01 "\n", "a network without a name", 4},
	    {"switch\tinternal\tLAN\tx\n", "a network ID that is not a GUID", 4},
	    {"switch\tinternal\tLAN\n", "a 'switch' line needs 3 fields", 4},
	    {"mac-range\t00155D0000FF\t00155D000000\n", "two MAC addresses in order", 4},
	    {"file\tD:\\a%2\n", "two hex digits", 4},
	    {"file\tD:\\a%00b\n", "not UTF-8 text", 4},
	    {"file\ta\tb\n", "1 field", 4},
	    {"archive\tB\n", "repeated", 4},
	    {"store\n", "needs 1 field", 4},
	    {"file\tD:\\x\r\n", "a CR", 4},
	};
	char msg[64];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct smig_err e = SMIG_ERR_INIT;
		char *text = tu_fmt("%s%s", head, bad[i].body);

		assert_int_equal(smig_prior_parse(text, strlen(text), "DEST/placed", "j", f->dst, &e),
				 -1);
		assert_int_equal(e.kind, SMIG_ERR_FORMAT);
		snprintf(msg, sizeof(msg), ": line %zu: ", bad[i].line);
		if (!strstr(e.msg, "'DEST/placed' is not a valid record") || !strstr(e.msg, msg) ||
		    !strstr(e.msg, bad[i].why))
			fail_msg("case %zu: %s", i, e.msg);
		free(text);
	}
	{
		struct smig_err e = SMIG_ERR_INIT;
		const char *t = "smig-placed 2\n";

		assert_int_equal(smig_prior_parse(t, strlen(t), "p", "j", f->dst, &e), -1);
		assert_non_null(strstr(e.msg, "line 1: the first line is not 'smig-placed 1'"));
		smig_err_clear(&e);
		t = "smig-placed 1\nvm\tx\n";
		assert_int_equal(smig_prior_parse(t, strlen(t), "p", "j", f->dst, &e), -1);
		assert_non_null(strstr(e.msg, "'archive' and 'source' must come first"));
		smig_err_clear(&e);
		t = "smig-placed 1\narchive\tA\n";
		assert_int_equal(smig_prior_parse(t, strlen(t), "p", "j", f->dst, &e), -1);
		assert_non_null(strstr(e.msg, "the record is incomplete"));
	}
}

static void put(const char *dir, const char *name, const char *text)
{
	char *p = tu_fmt("%s/%s", dir, name);
	struct smig_err e = SMIG_ERR_INIT;

	assert_int_equal(smig_file_write_atomic(p, text, strlen(text), 0600, &e), 0);
	free(p);
}

static char *journal(const char *jroot, const char *id, bool complete, const char *record)
{
	char *d = tu_fmt("%s/%s", jroot, id);

	assert_int_equal(mkdir(d, 0700), 0);
	put(d, "ops", "smig-journal 2\n");
	put(d, "state", complete ? "complete\n" : "");
	if (record)
		put(d, SMIG_PRIOR_FILE, record);
	return d;
}

static void test_journal_folder(void **state)
{
	struct tu_lab *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	char *jroot = tu_fmt("%s/overlay-journals", f->dir), *d1, *d2, *d3;
	char *r1 = tu_fmt("smig-placed 1\narchive\tA1\nsource\tHV-A\nvm\t%s\tone\t512\t1\tD:\\1.xml\n"
			  "file\tD:\\VHD\\one.vhd\nlater-fact\tignored\n", LAB_SQL01);
	char *r2 = tu_fmt("smig-placed 1\narchive\tA2\nsource\tHV-B\nvm\t%s\ttwo\t512\t1\tD:\\2.xml\n",
			  "0D5E2F6A-7B8C-4D9E-8F0A-1B2C3D4E5F60");

	smig_rm_rf(jroot, NULL);
	/* no journal folder: nothing was ever applied */
	assert_int_equal(smig_prior_overlay(jroot, "self", NULL, f->dst, &e), 0);
	assert_int_equal(f->dst->npriors, 0);
	assert_int_equal(mkdir(jroot, 0700), 0);
	put(jroot, "lock", "");
	d2 = journal(jroot, "b-second", true, r2);
	d1 = journal(jroot, "a-first", true, r1);
	d3 = journal(jroot, "self", false, "garbage");  /* the archive's own: skipped */
	free(journal(jroot, "c-older", true, NULL));
	{
		/* stopped while preparing, before its operation list: nothing changed, skipped */
		char *d = tu_fmt("%s/d-preparing", jroot);

		assert_int_equal(mkdir(d, 0700), 0);
		free(d);
	}
	assert_int_equal(smig_prior_overlay(jroot, "self", NULL, f->dst, &e), 0);
	assert_int_equal(f->dst->npriors, 2);
	assert_string_equal(f->dst->priors[0].archive_id, "A1");  /* name order */
	assert_string_equal(f->dst->priors[1].archive_id, "A2");
	assert_non_null(smig_prior_find_file(f->dst, "D:\\VHD\\ONE.vhd"));
	assert_ptr_equal(vm_id(f->dst, LAB_SQL01)->placed_by, &f->dst->priors[0]);
	{
		bool noted = false;

		for (size_t i = 0; i < f->dst->problems.count; i++)
			noted |= strstr(f->dst->problems.items[i].message,
					"archive c-older on this destination left no record") != NULL;
		assert_true(noted);
	}
	/* an interrupted apply of another archive: refused, naming it */
	smig_inventory_free(f->dst);
	f->dst = NULL;
	{
		struct smig_inventory *inv = calloc(1, sizeof(*inv));

		assert_non_null(inv);
		f->dst = inv;
	}
	put(d2, "state", "");
	assert_int_equal(smig_prior_overlay(jroot, "self", NULL, f->dst, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_BLOCKED);
	assert_non_null(strstr(e.msg, "an interrupted apply of archive b-second"));
	assert_non_null(strstr(e.msg, "rollback --journal b-second"));
	smig_rm_rf(jroot, NULL);
	free(d1);
	free(d2);
	free(d3);
	free(r1);
	free(r2);
	free(jroot);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_round_trip, tu_lab_setup, tu_lab_teardown),
	    cmocka_unit_test_setup_teardown(test_escaped_names, tu_lab_setup, tu_lab_teardown),
	    cmocka_unit_test_setup_teardown(test_rejects, tu_lab_setup, tu_lab_teardown),
	    cmocka_unit_test_setup_teardown(test_journal_folder, tu_lab_setup, tu_lab_teardown),
	};

	return cmocka_run_group_tests(tests, tu_lab_group_setup, tu_lab_group_teardown);
}
