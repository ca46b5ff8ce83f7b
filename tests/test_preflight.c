/*
 * test_preflight.c - the SMIG1xxx/2xxx checks on the example hosts (source lab-2008r2,
 * destination lab-2012) under hand-built plans: the exact report of the default case, then
 * every check made to fire by changing one fact, and cleared by its option where it has one.
 */
#include "testutil.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostfs.h"
#include "importplan.h"
#include "inventory.h"
#include "preflight.h"

#define GIB (1024ull * 1024 * 1024)
#define MIB (1024ull * 1024)

/* Built once per run: the two example host folders. */
static char *g_dir, *g_src, *g_dst;

struct fx {
	struct smig_inventory *src, *dst;
	struct smig_import_opts opts;
	struct smig_plan p;
	struct smig_plan_volume vol;
	struct smig_problems out;
};

static int group_setup(void **state)
{
	(void)state;
	g_dir = tu_mkdtemp();
	g_src = tu_fmt("%s/src", g_dir);
	g_dst = tu_fmt("%s/dst", g_dir);
	tu_build_example("lab-2008r2", g_src);
	tu_build_example("lab-2012", g_dst);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	tu_rmtree(g_dir);
	free(g_dir);
	free(g_src);
	free(g_dst);
	return 0;
}

/* A plan that selects every source VM, with one volume D: of 10 GiB free needing 1 GiB. */
static void plan_init(struct fx *f)
{
	size_t i;

	memset(&f->p, 0, sizeof(f->p));
	f->p.src = f->src;
	f->p.dst = f->dst;
	f->p.opts = &f->opts;
	f->p.hyperv = true;
	f->p.nvms = f->src->nvms;
	f->p.vms = calloc(f->p.nvms, sizeof(*f->p.vms));
	assert_non_null(f->p.vms);
	for (i = 0; i < f->p.nvms; i++) {
		f->p.vms[i].src = &f->src->vms[i];
		f->p.vms[i].selected = true;
		f->p.vms[i].cpu_compat = f->src->vms[i].cpu_compat;
	}
	f->vol.letter = 'D';
	f->vol.need = 1 * GIB;
	f->vol.avail = 10 * GIB;
	f->p.volumes = &f->vol;
	f->p.nvolumes = 1;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->src = tu_read_host(g_src);
	f->dst = tu_read_host(g_dst);
	plan_init(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	size_t i;

	for (i = 0; i < f->p.nvms; i++)
		free(f->p.vms[i].id);
	free(f->p.vms);
	smig_problems_release(&f->p.items);
	smig_problems_release(&f->out);
	smig_inventory_free(f->src);
	smig_inventory_free(f->dst);
	free(f);
	return 0;
}

static void run(struct fx *f)
{
	struct smig_err e = SMIG_ERR_INIT;

	smig_problems_release(&f->out);
	if (smig_preflight(&f->p, &f->out, &e) < 0)
		fail_msg("preflight failed: %s", e.msg);
}

/* Items with this id, severity and subject (NULL = any subject). */
static size_t count(const struct fx *f, const char *id, enum smig_severity sev, const char *subject)
{
	size_t i, n = 0;

	for (i = 0; i < f->out.count; i++) {
		const struct smig_problem *it = &f->out.items[i];
		n += strcmp(it->id, id) == 0 && it->severity == sev &&
		     (subject == NULL || strcmp(it->subject, subject) == 0);
	}
	return n;
}

/* The one item with this id and severity (about `subject` when set). */
static const struct smig_problem *the(const struct fx *f, const char *id, enum smig_severity sev,
				      const char *subject)
{
	size_t i;

	assert_int_equal(count(f, id, sev, subject), 1);
	for (i = 0; i < f->out.count; i++) {
		const struct smig_problem *it = &f->out.items[i];
		if (strcmp(it->id, id) == 0 && it->severity == sev &&
		    (subject == NULL || strcmp(it->subject, subject) == 0))
			return it;
	}
	return NULL;
}

/* Items with this id of any severity but pass. */
static size_t findings(const struct fx *f, const char *id)
{
	size_t i, n = 0;

	for (i = 0; i < f->out.count; i++)
		n += strcmp(f->out.items[i].id, id) == 0 &&
		     f->out.items[i].severity != SMIG_SEV_PASS;
	return n;
}

static size_t vm_index(const struct fx *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->src->nvms; i++)
		if (strcmp(f->src->vms[i].name, name) == 0)
			return i;
	fail_msg("no VM %s", name);
	return 0;
}

static struct smig_inv_vm *srcvm(struct fx *f, const char *name)
{
	return &f->src->vms[vm_index(f, name)];
}

static void set_str(char **field, const char *v)
{
	free(*field);
	*field = v ? strdup(v) : NULL;
	assert_true(v == NULL || *field != NULL);
}

static const struct smig_inv_nic *nic_named(const struct smig_inventory *inv, const char *name)
{
	size_t i;

	for (i = 0; i < inv->nnics; i++)
		if (inv->nics[i].connection_name && strcmp(inv->nics[i].connection_name, name) == 0)
			return &inv->nics[i];
	fail_msg("no adapter %s", name);
	return NULL;
}

/* ---- the default case ---- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void default_report(void **state)
{
	struct fx *f = *state;
	/* every finding that is not a pass, as "id severity subject", sorted */
	static const char *const want[] = {
	    "SMIG1003 blocker vm:sql01",
	    "SMIG1003 blocker vm:web01",
	    "SMIG2001 warning vm:sql01",
	    "SMIG2001 warning vm:web01",
	};
	static const char *const passes[] = {
	    "SMIG1001", "SMIG1002", "SMIG1004", "SMIG1005", "SMIG1006", "SMIG1007",
	    "SMIG1008", "SMIG1009", "SMIG1010", "SMIG1011", "SMIG1012", "SMIG2002", "SMIG2003",
	    "SMIG2004", "SMIG2005", "SMIG2006", "SMIG2007", "SMIG2008", "SMIG2009", "SMIG2010",
	};
	char *got[64] = {NULL};
	size_t i, n = 0;

	/* the facts the expectations rest on */
	assert_string_equal(f->src->os.processor_identifier,
			    "Intel64 Family 6 Model 44 Stepping 2, GenuineIntel");
	assert_string_equal(f->dst->os.processor_identifier,
			    "Intel64 Family 6 Model 62 Stepping 4, GenuineIntel");
	assert_int_equal(f->dst->os.logical_processors, 16);
	assert_true(f->dst->os.is_2012 && f->dst->hyperv);

	run(f);
	for (i = 0; i < f->out.count; i++) {
		const struct smig_problem *it = &f->out.items[i];
		assert_non_null(it->message);
		if (it->severity == SMIG_SEV_PASS)
			continue;
		assert_true(n < 64);
		got[n++] =
		    tu_fmt("%s %s %s", it->id, smig_severity_name(it->severity), it->subject);
		assert_non_null(it->action); /* every finding says what to do */
	}
	qsort(got, n, sizeof(*got), cmp_str);
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < n; i++) {
		assert_string_equal(got[i], want[i]);
		free(got[i]);
	}
	for (i = 0; i < sizeof(passes) / sizeof(passes[0]); i++)
		assert_int_equal(count(f, passes[i], SMIG_SEV_PASS, "host"), 1);
	assert_int_equal(smig_problems_count(&f->out, SMIG_SEV_PASS),
			 sizeof(passes) / sizeof(passes[0]));
	assert_int_equal(smig_preflight_blockers(&f->out), 2);
	assert_non_null(strstr(the(f, "SMIG1003", SMIG_SEV_BLOCKER, "vm:web01")->message,
			       "1 snapshot (first 'web01 - After SP1"));
	assert_non_null(strstr(the(f, "SMIG1003", SMIG_SEV_BLOCKER, "vm:sql01")->action,
			       "--discard-saved-state"));
	assert_non_null(strstr(the(f, "SMIG2001", SMIG_SEV_WARNING, "vm:web01")->message,
			       "Model 62 Stepping 4"));
	assert_non_null(strstr(the(f, "SMIG2002", SMIG_SEV_PASS, NULL)->message, "4608 MB"));
}

/* --force does not turn blockers into something else: the caller decides. */
static void force_keeps_blockers(void **state)
{
	struct fx *f = *state;

	f->opts.force = true;
	run(f);
	assert_int_equal(smig_preflight_blockers(&f->out), 2);
}

/* Unselected VMs take no part. */
static void unselected_ignored(void **state)
{
	struct fx *f = *state;

	f->dst->os.logical_processors = 1;
	f->p.vms[vm_index(f, "web01")].selected = false;
	f->p.vms[vm_index(f, "sql01")].selected = false;
	run(f);
	assert_int_equal(findings(f, "SMIG1001"), 0);
	assert_int_equal(findings(f, "SMIG1003"), 0);
	assert_int_equal(findings(f, "SMIG2001"), 0);
	assert_int_equal(smig_preflight_blockers(&f->out), 0);
	assert_int_equal(count(f, "SMIG1001", SMIG_SEV_PASS, "host"), 1);
}

static void plan_without_destination(void **state)
{
	struct fx *f = *state;
	struct smig_err e = SMIG_ERR_INIT;

	f->p.dst = NULL;
	assert_int_equal(smig_preflight(&f->p, &f->out, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_USAGE);
	assert_non_null(strstr(e.msg, "destination"));
	assert_int_equal(f->out.count, 0);
}

/* ---- blockers ---- */

static void b1001_processors(void **state)
{
	struct fx *f = *state;

	f->dst->os.logical_processors = 1;
	run(f);
	assert_int_equal(findings(f, "SMIG1001"), 2);
	assert_non_null(strstr(the(f, "SMIG1001", SMIG_SEV_BLOCKER, "vm:sql01")->message,
			       "4 virtual processors but the destination has 1"));
	the(f, "SMIG1001", SMIG_SEV_BLOCKER, "vm:web01");
	assert_int_equal(count(f, "SMIG1001", SMIG_SEV_PASS, NULL), 0);

	f->dst->os.logical_processors = 2; /* web01 has exactly 2: fits */
	run(f);
	assert_int_equal(findings(f, "SMIG1001"), 1);
	the(f, "SMIG1001", SMIG_SEV_BLOCKER, "vm:sql01");

	f->dst->os.logical_processors = 0; /* unknown */
	run(f);
	assert_non_null(
	    strstr(the(f, "SMIG1001", SMIG_SEV_WARNING, "host")->message, "could not check"));
	assert_int_equal(count(f, "SMIG1001", SMIG_SEV_BLOCKER, NULL), 0);
}

static void b1002_memory(void **state)
{
	struct fx *f = *state;

	/* sql01 is dynamic 1024/512/4096: its startup value counts, not its maximum */
	f->dst->os.memory_mb = 1500;
	run(f);
	assert_int_equal(findings(f, "SMIG1002"), 1);
	assert_non_null(
	    strstr(the(f, "SMIG1002", SMIG_SEV_BLOCKER, "vm:web01")->message, "2048 MB"));

	f->dst->os.memory_mb = 1000;
	run(f);
	assert_int_equal(count(f, "SMIG1002", SMIG_SEV_BLOCKER, NULL), 3); /* not test01 */
	assert_non_null(strstr(the(f, "SMIG1002", SMIG_SEV_BLOCKER, "vm:sql01")->message,
			       "dynamic memory, startup value"));
	assert_int_equal(count(f, "SMIG1002", SMIG_SEV_BLOCKER, "vm:test01"), 0);

	f->dst->os.memory_mb = 0;
	run(f);
	assert_non_null(
	    strstr(the(f, "SMIG1002", SMIG_SEV_WARNING, "host")->message, "could not check"));
	assert_non_null(
	    strstr(the(f, "SMIG2002", SMIG_SEV_WARNING, "host")->message, "could not check"));
}

static void b1003_cleared_by_discard(void **state)
{
	struct fx *f = *state;
	const struct smig_problem *it;

	f->opts.discard_saved_state = true;
	run(f);
	assert_int_equal(count(f, "SMIG1003", SMIG_SEV_BLOCKER, NULL), 0);
	it = the(f, "SMIG1003", SMIG_SEV_INFO, "vm:web01");
	assert_non_null(strstr(it->message, "SMIG3010"));
	/* only web01's snapshot was saved: the VM itself does not cold boot */
	assert_null(strstr(it->message, "the VM will cold boot"));
	assert_non_null(strstr(it->message, "the VM itself was not saved and starts as before"));
	it = the(f, "SMIG1003", SMIG_SEV_INFO, "vm:sql01");
	assert_non_null(strstr(it->message, "sql01 is saved: the saved state is discarded "
					    "(--discard-saved-state) and the VM will cold boot ("));
	/* the state is gone, so the processor difference no longer matters */
	assert_int_equal(findings(f, "SMIG2001"), 0);
	assert_int_equal(smig_preflight_blockers(&f->out), 0);
	/* the manual step itself is the report's, not preflight's */
	assert_int_equal(findings(f, "SMIG3010"), 0);
}

static void b1003_no_state(void **state)
{
	struct fx *f = *state;
	struct smig_inv_vm *web = srcvm(f, "web01");
	size_t k;

	srcvm(f, "sql01")->saved_state = false;
	for (k = 0; k < web->nsnapshots; k++)
		web->snapshots[k].saved_state = false;
	run(f);
	assert_int_equal(findings(f, "SMIG1003"), 0);
	the(f, "SMIG1003", SMIG_SEV_PASS, "host");
}

static void b1004_volume(void **state)
{
	struct fx *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	const struct smig_problem *it;

	f->vol.need = 3 * GIB + 512 * MIB;
	f->vol.avail = 1 * GIB;
	run(f);
	it = the(f, "SMIG1004", SMIG_SEV_BLOCKER, "volume:D:");
	assert_non_null(strstr(it->message, "3.5 GiB"));
	assert_non_null(strstr(it->message, "1 GiB free"));
	assert_non_null(strstr(it->action, "--map-path"));
	assert_int_equal(count(f, "SMIG1004", SMIG_SEV_PASS, NULL), 0);

	/* the plan reported it already: kept once, first */
	assert_int_equal(smig_problems_add(&f->p.items, "SMIG1004", SMIG_SEV_BLOCKER, "volume:D:",
					   "free space", NULL, &e, "D: is short of space"),
			 0);
	run(f);
	assert_int_equal(count(f, "SMIG1004", SMIG_SEV_BLOCKER, NULL), 1);
	assert_string_equal(f->out.items[0].message, "D: is short of space");

	f->vol.need = f->vol.avail; /* exactly enough */
	smig_problems_release(&f->p.items);
	run(f);
	assert_int_equal(findings(f, "SMIG1004"), 0);
}

static void b1005_exists(void **state)
{
	struct fx *f = *state;
	size_t w = vm_index(f, "web01");
	const struct smig_problem *it;

	f->p.vms[w].exists = true;
	f->p.vms[w].id = strdup(f->src->vms[w].id);
	run(f);
	it = the(f, "SMIG1005", SMIG_SEV_BLOCKER, "vm:web01");
	assert_non_null(strstr(it->message, "6F0B2E9A-41C3-4B8E-9E5B-1D2C3A4B5C01"));
	assert_non_null(strstr(it->action, "--new-id"));
	assert_int_equal(findings(f, "SMIG1005"), 1);

	f->p.vms[w].exists = false; /* what --new-id gives */
	run(f);
	assert_int_equal(findings(f, "SMIG1005"), 0);
}

static void b1006_source_os(void **state)
{
	struct fx *f = *state;

	run(f);
	assert_non_null(strstr(the(f, "SMIG1006", SMIG_SEV_PASS, "host")->message,
			       "Windows Server 2008 R2 x64"));
	/* the 2012 destination as a source is refused with its own reason */
	f->p.src = f->dst;
	f->p.nvms = 0;
	run(f);
	assert_non_null(strstr(the(f, "SMIG1006", SMIG_SEV_BLOCKER, "host")->message,
			       "smig migrates from Windows Server 2008 R2"));
	f->p.nvms = f->src->nvms;
}

static void b1007_destination(void **state)
{
	struct fx *f = *state;
	struct smig_inventory *other = tu_read_host(g_src);

	/* the 2008 R2 host as destination: not 2012 */
	f->p.dst = other;
	run(f);
	assert_non_null(strstr(the(f, "SMIG1007", SMIG_SEV_BLOCKER, "host")->message,
			       "Windows Server 2008 R2 Enterprise (version 6.1)"));
	f->p.dst = f->dst;
	smig_inventory_free(other);

	f->dst->hyperv = false;
	run(f);
	assert_non_null(
	    strstr(the(f, "SMIG1007", SMIG_SEV_BLOCKER, "host")->message, "no Hyper-V role"));
	f->dst->hyperv = true;
	run(f);
	assert_int_equal(findings(f, "SMIG1007"), 0);
}

/* Blockers come first, the most fundamental first; --force lifts only the admin's calls. */
static void blockers_ordered_and_hard(void **state)
{
	struct fx *f = *state;
	struct smig_inventory *other = tu_read_host(g_src);
	size_t i, last_rank = 0, nb;
	static const char *const order[] = {"SMIG1007", "SMIG1006", "SMIG1009", "SMIG1010",
					    "SMIG1011", "SMIG1004", "SMIG1005", "SMIG1003",
					    "SMIG1001", "SMIG1002", "SMIG1008"};

	/* the 2008 R2 host as destination: 1007 (hard) beside the saved-state blockers */
	f->p.dst = other;
	run(f);
	nb = smig_preflight_blockers(&f->out);
	assert_true(nb >= 2);
	assert_string_equal(f->out.items[0].id, "SMIG1007");
	for (i = 0; i < f->out.count; i++) {
		const struct smig_problem *it = &f->out.items[i];
		size_t r = 0;

		if (it->severity != SMIG_SEV_BLOCKER) {
			assert_true(i >= nb); /* every blocker before every other item */
			continue;
		}
		while (r < sizeof(order) / sizeof(order[0]) && strcmp(order[r], it->id))
			r++;
		assert_true(r < sizeof(order) / sizeof(order[0]));
		assert_true(r >= last_rank);
		last_rank = r;
	}
	assert_int_equal(smig_preflight_hard_blockers(&f->out), 1);
	assert_false(smig_preflight_forceable("SMIG1007"));
	assert_false(smig_preflight_forceable("SMIG1011"));
	assert_false(smig_preflight_forceable("SMIG1004"));
	assert_false(smig_preflight_forceable("SMIG9999"));
	assert_true(smig_preflight_forceable("SMIG1001"));
	assert_true(smig_preflight_forceable("SMIG1003"));
	f->p.dst = f->dst;
	smig_inventory_free(other);
	/* the twin: the real 2012 destination has only blockers an option lifts */
	run(f);
	assert_true(smig_preflight_blockers(&f->out) > 0);
	assert_int_equal(smig_preflight_hard_blockers(&f->out), 0);
}

static void b1008_language(void **state)
{
	struct fx *f = *state;

	set_str(&f->dst->os.install_language, "0407");
	run(f);
	assert_non_null(strstr(the(f, "SMIG1008", SMIG_SEV_BLOCKER, "host")->message,
			       "install language is 0409 but the destination's is 0407"));
	set_str(&f->dst->os.install_language, "0409");
	set_str(&f->src->os.default_language, "040C");
	run(f);
	assert_non_null(strstr(the(f, "SMIG1008", SMIG_SEV_BLOCKER, "host")->message,
			       "default language is 040C"));
	/* LANGIDs compare case-insensitively */
	set_str(&f->src->os.default_language, "0409");
	set_str(&f->dst->os.default_language, "0409");
	run(f);
	assert_int_equal(findings(f, "SMIG1008"), 0);
	/* unknown on one side: not compared, and the pass says so */
	set_str(&f->dst->os.install_language, NULL);
	set_str(&f->dst->os.default_language, NULL);
	run(f);
	assert_int_equal(findings(f, "SMIG1008"), 0);
	assert_non_null(strstr(the(f, "SMIG1008", SMIG_SEV_PASS, "host")->message, "not compared"));
}

static void b1009_clustered(void **state)
{
	struct fx *f = *state;

	srcvm(f, "dc01")->highly_available = true;
	run(f);
	assert_int_equal(findings(f, "SMIG1009"), 1);
	the(f, "SMIG1009", SMIG_SEV_BLOCKER, "vm:dc01");
	srcvm(f, "dc01")->highly_available = false;
	run(f);
	the(f, "SMIG1009", SMIG_SEV_PASS, "host");
}

static void b1010_chain_in_model(void **state)
{
	struct fx *f = *state;
	struct smig_inv_vm *web = srcvm(f, "web01");
	int mid;

	/* web01: avhd 0003 -> avhd 0002 -> web01.vhd */
	assert_int_equal(web->disks[0].type, SMIG_DISK_DIFFERENCING);
	mid = web->disks[0].parent;
	assert_true(mid >= 0);
	web->disks[mid].parent_id.b[15] ^= 0x01;
	run(f);
	assert_non_null(strstr(the(f, "SMIG1010", SMIG_SEV_BLOCKER, "vm:web01")->message,
			       "expects parent unique id 3D5B7A10-0001-4C2E-9F10-5A6B7C8D9E00"));
	web->disks[mid].parent_id.b[15] ^= 0x01;
	run(f);
	assert_int_equal(findings(f, "SMIG1010"), 0);

	web->disks[mid].parent = -1;
	run(f);
	assert_non_null(strstr(the(f, "SMIG1010", SMIG_SEV_BLOCKER, "vm:web01")->message,
			       "is missing ('D:\\VHD\\web01.vhd')"));
	web->disks[mid].parent = (int)web->ndisks; /* out of range */
	run(f);
	the(f, "SMIG1010", SMIG_SEV_BLOCKER, "vm:web01");
}

static void b1010_problem_subjects(void **state)
{
	struct fx *f = *state;
	struct smig_err e = SMIG_ERR_INIT;

	/* a VM whose name only starts with test01 is someone else */
	assert_int_equal(smig_problems_add(&f->src->problems, "SMIG1010", SMIG_SEV_ERROR,
					   "vm:test01x", NULL, NULL, &e, "broken"),
			 0);
	run(f);
	assert_int_equal(findings(f, "SMIG1010"), 0);
	assert_int_equal(smig_problems_add(&f->src->problems, "SMIG1010", SMIG_SEV_ERROR,
					   "vm:test01/snapshot:s1", NULL, NULL, &e,
					   "'x.avhd': parent not found"),
			 0);
	run(f);
	assert_non_null(
	    strstr(the(f, "SMIG1010", SMIG_SEV_BLOCKER, "vm:test01")->message, "parent not found"));
	f->p.vms[vm_index(f, "test01")].selected = false;
	run(f);
	assert_int_equal(findings(f, "SMIG1010"), 0);
}

/* A real broken chain: the middle of web01's chain is gone from the source host. */
static void b1010_chain_from_host(void **state)
{
	struct fx *f = *state;
	char *dir = tu_mkdtemp(), *host = tu_fmt("%s/src", dir);
	struct smig_inventory *broken;

	tu_build_example("lab-2008r2", host);
	assert_int_equal(
	    tu_sh("rm '%s/D/VHD/web01_4E6C8B21-0002-4D3F-8A21-6B7C8D9E0F02.avhd'", host), 0);
	broken = tu_read_host(host);
	f->p.src = broken;
	assert_int_equal(broken->nvms, f->p.nvms);
	for (size_t i = 0; i < f->p.nvms; i++)
		f->p.vms[i].src = &broken->vms[i];
	run(f);
	assert_true(count(f, "SMIG1010", SMIG_SEV_BLOCKER, "vm:web01") >= 1);
	assert_int_equal(count(f, "SMIG1010", SMIG_SEV_BLOCKER, NULL),
			 count(f, "SMIG1010", SMIG_SEV_BLOCKER, "vm:web01"));
	smig_inventory_free(broken);
	tu_rmtree(dir);
	free(dir);
	free(host);
}

static void b1011_copied(void **state)
{
	struct fx *f = *state;
	struct smig_err e = SMIG_ERR_INIT;

	assert_int_equal(smig_problems_add(&f->p.items, "SMIG1011", SMIG_SEV_BLOCKER,
					   "vm:dc01/drive:IDE 0:0", "add --map-path", NULL, &e,
					   "'Q:\\dc01.vhd' has no destination"),
			 0);
	run(f);
	assert_string_equal(f->out.items[0].id, "SMIG1011");
	assert_string_equal(f->out.items[0].subject, "vm:dc01/drive:IDE 0:0");
	assert_string_equal(f->out.items[0].action, "add --map-path");
	assert_int_equal(count(f, "SMIG1011", SMIG_SEV_PASS, NULL), 0);
	assert_int_equal(smig_preflight_blockers(&f->out), 3);
}

/* ---- warnings ---- */

static void w2001_processors(void **state)
{
	struct fx *f = *state;

	/* not cleared by --set-processor-compatibility: the state was saved with it off, and
	 * the advice is what lifts it and the SMIG1003 blocker beside it */
	f->opts.set_cpu_compat = true;
	for (size_t i = 0; i < f->p.nvms; i++)
		f->p.vms[i].cpu_compat = true;
	run(f);
	assert_int_equal(findings(f, "SMIG2001"), 2);
	assert_non_null(strstr(the(f, "SMIG2001", SMIG_SEV_WARNING, "vm:sql01")->action,
			       "drop the saved state with --discard-saved-state"));
	assert_null(strstr(the(f, "SMIG2001", SMIG_SEV_WARNING, "vm:sql01")->action,
			   "import with --set-processor-compatibility"));
	f->opts.discard_saved_state = true;
	run(f);
	assert_int_equal(findings(f, "SMIG2001"), 0);
	assert_int_equal(smig_preflight_blockers(&f->out), 0);
	assert_non_null(
	    strstr(the(f, "SMIG2001", SMIG_SEV_PASS, "host")->message, "processors differ"));
	f->opts.discard_saved_state = false;
	f->opts.set_cpu_compat = false;
	for (size_t i = 0; i < f->p.nvms; i++)
		f->p.vms[i].cpu_compat = f->src->vms[i].cpu_compat;

	/* compatibility on in the source: only sql01 remains */
	srcvm(f, "web01")->cpu_compat = true;
	run(f);
	assert_int_equal(findings(f, "SMIG2001"), 1);
	the(f, "SMIG2001", SMIG_SEV_WARNING, "vm:sql01");
	srcvm(f, "web01")->cpu_compat = false;

	/* the same processor in systeminfo's form: no difference */
	set_str(&f->dst->os.processor_identifier,
		"Intel64 Family 6 Model 44 Stepping 2 GenuineIntel ~2400 Mhz");
	run(f);
	assert_int_equal(findings(f, "SMIG2001"), 0);
	assert_non_null(strstr(the(f, "SMIG2001", SMIG_SEV_PASS, "host")->message, "match"));

	/* a stepping or a vendor is enough to differ */
	set_str(&f->dst->os.processor_identifier,
		"Intel64 Family 6 Model 44 Stepping 3, GenuineIntel");
	run(f);
	assert_int_equal(findings(f, "SMIG2001"), 2);
	set_str(&f->dst->os.processor_identifier,
		"AMD64 Family 6 Model 44 Stepping 2, AuthenticAMD");
	run(f);
	assert_int_equal(findings(f, "SMIG2001"), 2);

	/* unparseable: could not compare, per VM at risk */
	set_str(&f->dst->os.processor_identifier, "Intel64 Family six");
	run(f);
	assert_non_null(
	    strstr(the(f, "SMIG2001", SMIG_SEV_WARNING, "vm:web01")->message, "could not compare"));
	set_str(&f->dst->os.processor_identifier, NULL);
	run(f);
	assert_int_equal(count(f, "SMIG2001", SMIG_SEV_WARNING, NULL), 2);
}

static void w2002_total_memory(void **state)
{
	struct fx *f = *state;
	struct smig_inventory *other = tu_read_host(g_src);
	size_t i;

	/* 2048 + 1024 + 1024 + 512 = 4608 MB: each VM fits alone, not all together */
	f->dst->os.memory_mb = 4000;
	run(f);
	assert_int_equal(findings(f, "SMIG1002"), 0);
	assert_non_null(strstr(the(f, "SMIG2002", SMIG_SEV_WARNING, "host")->message,
			       "4608 MB, more than the destination's 4000 MB"));

	/* the destination's own VMs count too, unless a selected VM replaces them (same ID) */
	other->os.memory_mb = 8000;
	f->p.dst = other;
	run(f);
	assert_non_null(strstr(the(f, "SMIG2002", SMIG_SEV_WARNING, "host")->message, "9216 MB"));
	for (i = 0; i < f->p.nvms; i++)
		f->p.vms[i].id = strdup(f->src->vms[i].id);
	run(f);
	assert_non_null(strstr(the(f, "SMIG2002", SMIG_SEV_PASS, "host")->message, "4608 MB"));
	f->p.dst = f->dst;
	smig_inventory_free(other);
}

static void w2003_nics(void **state)
{
	struct fx *f = *state;
	size_t i;

	f->dst->nics[1].physical = false;
	run(f);
	assert_int_equal(findings(f, "SMIG2003"), 0); /* 1 adapter, 1 external network */
	for (i = 0; i < f->src->nswitches; i++)
		f->src->switches[i].type = SMIG_SWITCH_EXTERNAL;
	run(f);
	assert_non_null(strstr(the(f, "SMIG2003", SMIG_SEV_WARNING, "host")->message,
			       "1 physical network adapter but the source has 3 external"));
	/* a host vNIC is not a physical adapter */
	f->dst->nics[1].physical = true;
	f->dst->nics[0].host_vnic = true;
	run(f);
	the(f, "SMIG2003", SMIG_SEV_WARNING, "host");
}

static void w2004_static_mac(void **state)
{
	struct fx *f = *state;
	struct smig_inv_vm *sql = srcvm(f, "sql01");

	/* web01's static 00-15-5D-0A-00-10 inside the destination's range */
	assert_true(smig_mac_parse("00-15-5D-0A-00-00", &f->dst->host.mac_min));
	assert_true(smig_mac_parse("00-15-5D-0A-00-FF", &f->dst->host.mac_max));
	run(f);
	assert_non_null(
	    strstr(the(f, "SMIG2004", SMIG_SEV_WARNING, "vm:web01/nic:Network Adapter")->message,
		   "lies in the destination's dynamic range"));
	/* range unknown: not compared */
	f->dst->host.has_mac_range = false;
	run(f);
	assert_int_equal(findings(f, "SMIG2004"), 0);
	assert_non_null(strstr(the(f, "SMIG2004", SMIG_SEV_PASS, "host")->message, "not compared"));
	/* the same MAC on sql01 (dynamic there): duplicated */
	set_str(&sql->nics[0].mac, "00155D0A0010");
	run(f);
	assert_non_null(
	    strstr(the(f, "SMIG2004", SMIG_SEV_WARNING, "vm:web01/nic:Network Adapter")->message,
		   "also used by sql01/Network Adapter"));
	/* no static MAC anywhere */
	srcvm(f, "web01")->nics[0].mac_static = false;
	run(f);
	assert_non_null(strstr(the(f, "SMIG2004", SMIG_SEV_PASS, "host")->message,
			       "no selected VM has a static MAC"));
}

static void w2005_mac_range(void **state)
{
	struct fx *f = *state;
	struct smig_inventory *other = tu_read_host(g_src);

	assert_true(smig_mac_parse("00-15-5D-0A-0F-00", &f->dst->host.mac_min));
	assert_true(smig_mac_parse("00-15-5D-0A-10-FF", &f->dst->host.mac_max));
	run(f);
	assert_non_null(
	    strstr(the(f, "SMIG2005", SMIG_SEV_WARNING, "host")->message,
		   "00-15-5D-0A-00-00 to 00-15-5D-0A-0F-FF overlaps the destination's"));
	assert_true(smig_mac_parse("00-15-5D-0A-10-00", &f->dst->host.mac_min));
	run(f);
	assert_int_equal(findings(f, "SMIG2005"), 0);

	/* VMs already on the destination with MACs inside the source range */
	f->p.dst = other;
	other->host.has_mac_range = false;
	run(f);
	assert_int_equal(count(f, "SMIG2005", SMIG_SEV_WARNING, "host"), 4);
	/* ... unless they are the VMs being replaced */
	for (size_t i = 0; i < f->p.nvms; i++)
		f->p.vms[i].id = strdup(f->src->vms[i].id);
	run(f);
	assert_int_equal(findings(f, "SMIG2005"), 0);
	f->p.dst = f->dst;
	smig_inventory_free(other);

	f->src->host.has_mac_range = false;
	run(f);
	assert_non_null(
	    strstr(the(f, "SMIG2005", SMIG_SEV_PASS, "host")->message, "no MAC address range"));
}

static void w2006_subnets(void **state)
{
	struct fx *f = *state;
	struct smig_plan_nicmap map[3];

	map[0].src = nic_named(f->src, "Management");            /* 192.168.1.10/24 */
	map[0].dst = nic_named(f->dst, "Ethernet");              /* 192.168.1.20/24 */
	map[1].src = nic_named(f->src, "Local Area Connection"); /* no address */
	map[1].dst = nic_named(f->dst, "Ethernet 2");
	map[2].src = nic_named(f->src, "Local Area Connection 3"); /* 192.168.10.20/24 */
	map[2].dst = nic_named(f->dst, "Ethernet");
	f->p.nicmap = map;
	f->p.nnicmap = 2;
	run(f);
	assert_int_equal(findings(f, "SMIG2006"), 0);
	assert_non_null(strstr(the(f, "SMIG2006", SMIG_SEV_PASS, "host")->message,
			       "1 mapped adapter pair stays in the same IPv4 subnet (1 without"));
	f->p.nnicmap = 3;
	run(f);
	assert_non_null(strstr(
	    the(f, "SMIG2006", SMIG_SEV_WARNING, "nic:Local Area Connection 3")->message,
	    "(192.168.10.20/255.255.255.0) lands on 'Ethernet' (192.168.1.20/255.255.255.0)"));
	f->p.nicmap = NULL;
	f->p.nnicmap = 0;
}

static void w2007_roles(void **state)
{
	struct fx *f = *state;

	set_str(&f->src->os.product_type, "LanmanNT");
	run(f);
	the(f, "SMIG2007", SMIG_SEV_WARNING, "host");
	set_str(&f->src->os.product_type, "ServerNT");
	run(f);
	assert_int_equal(findings(f, "SMIG2007"), 0);
}

static void w2008_versions(void **state)
{
	struct fx *f = *state;

	srcvm(f, "test01")->version = 1000;
	srcvm(f, "dc01")->version = 0;
	run(f);
	assert_int_equal(findings(f, "SMIG2008"), 2);
	assert_non_null(
	    strstr(the(f, "SMIG2008", SMIG_SEV_WARNING, "vm:test01")->message, "version 1000"));
	assert_non_null(
	    strstr(the(f, "SMIG2008", SMIG_SEV_WARNING, "vm:dc01")->message, "no version"));
	srcvm(f, "test01")->version = 512; /* 2008 SP1/SP2: known */
	srcvm(f, "dc01")->version = 1024;
	run(f);
	assert_int_equal(findings(f, "SMIG2008"), 0);
}

static void w2009_store(void **state)
{
	struct fx *f = *state;

	set_str(&f->src->azman.path,
		"C:\\ProgramData\\Microsoft\\Virtual Machine Manager\\HyperVAuthStore.xml");
	run(f);
	assert_non_null(strstr(the(f, "SMIG2009", SMIG_SEV_WARNING, "host")->message,
			       "HyperVAuthStore.xml', not the default file"));
	set_str(&f->src->azman.path,
		"c:\\programdata\\microsoft\\windows\\hyper-v\\initialstore.xml");
	run(f);
	assert_int_equal(findings(f, "SMIG2009"), 0);
	/* the location is the default, the lab's contents are not: the pass says both, as the
	 * inventory does */
	assert_true(f->src->azman.customised);
	assert_non_null(strstr(the(f, "SMIG2009", SMIG_SEV_PASS, "host")->message,
			       "is the default file 'C:\\ProgramData\\Microsoft\\Windows\\Hyper-V\\InitialStore.xml'; its contents are customised (3 differences from a default store)"));
	f->src->azman.customised = false;
	run(f);
	assert_non_null(strstr(the(f, "SMIG2009", SMIG_SEV_PASS, "host")->message,
			       "with a default store's contents"));
	f->src->azman.present = false;
	run(f);
	assert_non_null(strstr(the(f, "SMIG2009", SMIG_SEV_PASS, "host")->message,
			       "no readable file there"));
	f->src->azman.present = true;
	f->src->azman.ad_store = true;
	set_str(&f->src->azman.path, "msldap://CN=Hyper-V,DC=lab,DC=contoso,DC=com");
	run(f);
	assert_non_null(strstr(the(f, "SMIG2009", SMIG_SEV_WARNING, "host")->action, "SMIG3008"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	    T(default_report),
	    T(force_keeps_blockers),
	    T(unselected_ignored),
	    T(plan_without_destination),
	    T(b1001_processors),
	    T(b1002_memory),
	    T(b1003_cleared_by_discard),
	    T(b1003_no_state),
	    T(b1004_volume),
	    T(b1005_exists),
	    T(b1006_source_os),
	    T(b1007_destination),
	    T(b1008_language),
	    T(blockers_ordered_and_hard),
	    T(b1009_clustered),
	    T(b1010_chain_in_model),
	    T(b1010_problem_subjects),
	    T(b1010_chain_from_host),
	    T(b1011_copied),
	    T(w2001_processors),
	    T(w2002_total_memory),
	    T(w2003_nics),
	    T(w2004_static_mac),
	    T(w2005_mac_range),
	    T(w2006_subnets),
	    T(w2007_roles),
	    T(w2008_versions),
	    T(w2009_store),
#undef T
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
