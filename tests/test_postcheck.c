/*
 * test_postcheck.c - the post-migration verification (SMIG4001-4011) on the example source
 * host read twice: once as the archive's model, once as the destination "after apply". A
 * destination equal to the source passes every check; then one fact at a time is changed in
 * the destination model (or a disk copy gets a byte written into it) and exactly that check
 * fails. Disk hashes are taken with sha256sum, independently of the code under test.
 */
#include "testutil.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive.h"
#include "hostfs.h"
#include "importplan.h"
#include "inventory.h"
#include "postcheck.h"

struct fx {
	struct smig_inventory *src, *after;
	struct smig_import_opts opts;
	struct smig_plan plan;
	struct smig_staged *staged;
	struct smig_problems items;
};

static char *g_dir, *g_host;
/* SHA-256 of the example's disks, taken once with sha256sum (see sha256_of) */
#define MAX_SUMS 16
static struct {
	char *path;
	uint8_t sum[32];
} g_sums[MAX_SUMS];
static size_t g_nsums;

static int group_setup(void **state)
{
	(void)state;
	g_dir = tu_mkdtemp();
	g_host = tu_fmt("%s/lab", g_dir);
	tu_build_example("lab-2008r2", g_host);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	while (g_nsums > 0)
		free(g_sums[--g_nsums].path);
	tu_rmtree(g_dir);
	free(g_dir);
	free(g_host);
	return 0;
}

static char *xstrdup(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

/* SHA-256 of a file with sha256sum (not the code under test), cached per path. */
static void sha256_of(const char *path, uint8_t out[32])
{
	char *txt, *sum;
	size_t len, i;
	unsigned v;

	for (i = 0; i < g_nsums; i++) {
		if (strcmp(g_sums[i].path, path) == 0) {
			memcpy(out, g_sums[i].sum, 32);
			return;
		}
	}
	assert_true(g_nsums < MAX_SUMS);
	txt = tu_fmt("%s/sum.txt", g_dir);
	assert_int_equal(tu_sh("sha256sum '%s' > '%s'", path, txt), 0);
	sum = tu_read(txt, &len);
	assert_true(len >= 64);
	for (i = 0; i < 32; i++) {
		assert_int_equal(sscanf(sum + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
	g_sums[g_nsums].path = strdup(path);
	memcpy(g_sums[g_nsums++].sum, out, 32);
	free(sum);
	free(txt);
}

static const char *basename_win(const char *w)
{
	const char *s = strrchr(w, '\\');

	return s ? s + 1 : w;
}

static const struct smig_inv_nic *nic_named(const struct smig_inventory *inv, const char *name)
{
	size_t i;

	for (i = 0; i < inv->nnics; i++)
		if (strcmp(inv->nics[i].connection_name, name) == 0)
			return &inv->nics[i];
	fail_msg("no adapter %s", name);
	return NULL;
}

/*
 * The plan apply would have followed for a destination equal to the source: same ids, same
 * disk paths, same host paths, no downgrades, both physical adapters mapped onto themselves,
 * host vNICs recreated with their source GUIDs, everything written.
 */
static void build_plan(struct fx *f)
{
	struct smig_plan *p = &f->plan;
	const struct smig_inv_nic *sn;
	size_t i, j, n = 0, ndisks = 0;

	f->opts.ipmode = SMIG_IPMODE_NIC;
	p->src = f->src;
	p->dst = f->after;
	p->opts = &f->opts;
	p->hyperv = true;
	p->data_root = xstrdup(f->src->host.data_root);
	p->vhd_path = xstrdup(f->src->host.vhd_path);
	p->set_data_root = p->set_vhd_path = p->set_mac_range = p->set_vmq = true;
	p->store_copy = true;

	p->nswitches = f->src->nswitches;
	p->switches = calloc(p->nswitches, sizeof(*p->switches));
	for (i = 0; i < p->nswitches; i++) {
		const struct smig_inv_switch *ss = &f->src->switches[i];

		p->switches[i].src = ss;
		p->switches[i].guid = xstrdup(ss->guid);
		p->switches[i].type = ss->type;
		p->switches[i].src_host_vnic = smig_inventory_find_nic(f->src, ss->host_vnic);
		p->switches[i].host_vnic = xstrdup(ss->host_vnic);
	}

	p->nnicmap = 2;
	p->nicmap = calloc(2, sizeof(*p->nicmap));
	sn = nic_named(f->src, "Local Area Connection");
	p->nicmap[0].src = sn;
	p->nicmap[0].dst = smig_inventory_find_nic(f->after, sn->guid);
	sn = nic_named(f->src, "Management");
	p->nicmap[1].src = sn;
	p->nicmap[1].dst = smig_inventory_find_nic(f->after, sn->guid);

	for (i = 0; i < f->src->nvms; i++)
		ndisks += f->src->vms[i].ndisks;
	f->staged = calloc(1, sizeof(*f->staged));
	f->staged->members = calloc(ndisks, sizeof(*f->staged->members));

	p->nvms = f->src->nvms;
	p->vms = calloc(p->nvms, sizeof(*p->vms));
	for (i = 0; i < p->nvms; i++) {
		const struct smig_inv_vm *s = &f->src->vms[i];
		struct smig_plan_vm *pv = &p->vms[i];

		pv->src = s;
		pv->selected = true;
		pv->id = xstrdup(s->id);
		pv->cpu_compat = s->cpu_compat;
		pv->drive_emptied = calloc(s->ndrives + 1, sizeof(bool));
		pv->ndisks = s->ndisks;
		pv->disks = calloc(s->ndisks + 1, sizeof(*pv->disks));
		for (j = 0; j < s->ndisks; j++) {
			struct smig_staged_member *m = &f->staged->members[n++];

			m->name = tu_fmt("disks/%s/%s", s->id, basename_win(s->disks[j].winpath));
			m->local = xstrdup(s->disks[j].local);
			sha256_of(m->local, m->sha256);
			pv->disks[j].src = &s->disks[j];
			pv->disks[j].member = m->name;
			pv->disks[j].winpath = xstrdup(s->disks[j].winpath);
			pv->disks[j].local = xstrdup(s->disks[j].local);
		}
	}
	f->staged->count = n;
}

static void free_plan(struct smig_plan *p)
{
	size_t i, j;

	for (i = 0; i < p->nswitches; i++) {
		free(p->switches[i].guid);
		free(p->switches[i].host_vnic);
	}
	free(p->switches);
	free(p->nicmap);
	for (i = 0; i < p->nvms; i++) {
		for (j = 0; j < p->vms[i].ndisks; j++) {
			free(p->vms[i].disks[j].winpath);
			free(p->vms[i].disks[j].local);
		}
		free(p->vms[i].disks);
		free(p->vms[i].drive_emptied);
		free(p->vms[i].id);
	}
	free(p->vms);
	free(p->data_root);
	free(p->vhd_path);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->src = tu_read_host(g_host);
	f->after = tu_read_host(g_host);
	build_plan(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	free_plan(&f->plan);
	smig_staged_free(f->staged, false);
	smig_problems_release(&f->items);
	smig_inventory_free(f->src);
	smig_inventory_free(f->after);
	free(f);
	return 0;
}

/* Run the verification (fresh item list each time). */
static void run(struct fx *f, bool with_hashes)
{
	struct smig_err e = SMIG_ERR_INIT;

	smig_problems_release(&f->items);
	memset(&f->items, 0, sizeof(f->items));
	if (smig_postcheck(&f->plan, f->after, with_hashes ? f->staged : NULL, &f->items, &e) < 0)
		fail_msg("smig_postcheck: %s", e.msg);
}

static const struct smig_problem *item(const struct fx *f, const char *id, const char *subject)
{
	size_t i;

	for (i = 0; i < f->items.count; i++)
		if (strcmp(f->items.items[i].id, id) == 0 &&
		    strcmp(f->items.items[i].subject, subject) == 0)
			return &f->items.items[i];
	fail_msg("no %s item for '%s'", id, subject);
	return NULL;
}

static void dump(const struct fx *f)
{
	size_t i;

	for (i = 0; i < f->items.count; i++)
		if (f->items.items[i].severity == SMIG_SEV_FAIL ||
		    f->items.items[i].severity == SMIG_SEV_ERROR)
			print_message("  %s %s %s: %s\n", f->items.items[i].id,
			              smig_severity_name(f->items.items[i].severity),
			              f->items.items[i].subject, f->items.items[i].message);
}

/* Exactly one failure, the (id, subject) item, with `needle` in its message. */
static void only_failure(struct fx *f, const char *id, const char *subject, const char *needle)
{
	const struct smig_problem *it;

	if (smig_postcheck_failures(&f->items) != 1)
		dump(f);
	assert_int_equal(smig_postcheck_failures(&f->items), 1);
	it = item(f, id, subject);
	assert_int_equal(it->severity, SMIG_SEV_FAIL);
	if (strstr(it->message, needle) == NULL)
		fail_msg("'%s' not in '%s'", needle, it->message);
}

static void expect(const struct fx *f, const char *id, const char *subject, enum smig_severity sev,
                   const char *needle)
{
	const struct smig_problem *it = item(f, id, subject);

	if (it->severity != sev)
		fail_msg("%s %s is %s: %s", id, subject, smig_severity_name(it->severity),
		         it->message);
	if (needle != NULL && strstr(it->message, needle) == NULL)
		fail_msg("'%s' not in '%s'", needle, it->message);
}

static struct smig_inv_vm *vm_named(struct smig_inventory *inv, const char *name)
{
	size_t i;

	for (i = 0; i < inv->nvms; i++)
		if (strcmp(inv->vms[i].name, name) == 0)
			return &inv->vms[i];
	fail_msg("no VM %s", name);
	return NULL;
}

static size_t vm_index(struct smig_inventory *inv, const char *name)
{
	return (size_t)(vm_named(inv, name) - inv->vms);
}

static struct smig_inv_switch *sw_named(struct smig_inventory *inv, const char *name)
{
	size_t i;

	for (i = 0; i < inv->nswitches; i++)
		if (strcmp(inv->switches[i].name, name) == 0)
			return &inv->switches[i];
	fail_msg("no switch %s", name);
	return NULL;
}

static void replace(char **field, const char *value)
{
	free(*field);
	*field = xstrdup(value);
}

/* ---- the destination equals the source ---- */

static void equal_destination_passes(void **state)
{
	struct fx *f = *state;
	static const char *ids[] = {"SMIG4001", "SMIG4002", "SMIG4003", "SMIG4004",
	                            "SMIG4005", "SMIG4006", "SMIG4007", "SMIG4008",
	                            "SMIG4009", "SMIG4010", "SMIG4011"};
	uint8_t sum[32];
	char hex[65], *needle;
	size_t i, j;

	run(f, true);
	dump(f);
	assert_int_equal(smig_postcheck_failures(&f->items), 0);
	assert_int_equal(smig_problems_count(&f->items, SMIG_SEV_WARNING), 0);
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		bool seen = false;

		for (j = 0; j < f->items.count; j++)
			seen |= strcmp(f->items.items[j].id, ids[i]) == 0 &&
			        f->items.items[j].severity == SMIG_SEV_PASS;
		if (!seen)
			fail_msg("no passing %s item", ids[i]);
	}
	/* every VM, every disk of web01 with its hash, the chain, each network */
	expect(f, "SMIG4001", "vm:web01", SMIG_SEV_PASS, "as on the source");
	expect(f, "SMIG4001", "vm:test01", SMIG_SEV_PASS, NULL);
	expect(f, "SMIG4002", "vm:sql01", SMIG_SEV_PASS, "dynamic, range 512-4096 MB");
	expect(f, "SMIG4004", "vm:web01", SMIG_SEV_PASS, "2 snapshots");
	sha256_of(vm_named(f->src, "web01")->disks[2].local, sum);
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", sum[i]);
	needle = tu_fmt("SHA-256 %s as signed", hex);
	expect(f, "SMIG4005", "vm:web01/disk:web01.vhd", SMIG_SEV_PASS, needle);
	free(needle);
	expect(f, "SMIG4005", "vm:web01/disk:web01_4E6C8B21-0003-4D3F-8A21-6B7C8D9E0F03.avhd",
	       SMIG_SEV_PASS, "resolves");
	expect(f, "SMIG4005", "vm:sql01/disk:sql01-system.vhd", SMIG_SEV_PASS, "fixed");
	expect(f, "SMIG4006", "vm:web01/nic:Network Adapter", SMIG_SEV_PASS,
	       "static MAC address 00-15-5D-0A-00-10");
	expect(f, "SMIG4006", "vm:sql01/nic:Network Adapter", SMIG_SEV_PASS, "not compared");
	expect(f, "SMIG4006", "vm:test01/nic:Legacy Network Adapter", SMIG_SEV_PASS,
	       "not connected");
	expect(f, "SMIG4007", "switch:External LAN", SMIG_SEV_PASS, "external");
	expect(f, "SMIG4007", "switch:External LAN/port:web01 - Network Adapter", SMIG_SEV_PASS,
	       "VLAN 20");
	expect(f, "SMIG4007", "switch:Private Cluster", SMIG_SEV_PASS, "private");
	expect(f, "SMIG4008", "host", SMIG_SEV_PASS, "00-15-5D-0A-00-00..00-15-5D-0A-0F-FF");
	expect(f, "SMIG4009", "azman", SMIG_SEV_PASS, "3 role assignments");
	expect(f, "SMIG4010", "host", SMIG_SEV_PASS, NULL);
	expect(f, "SMIG4010", "nic:Local Area Connection", SMIG_SEV_PASS, "enabled");
	expect(f, "SMIG4011", "nic:Management", SMIG_SEV_PASS, "192.168.1.10");
	expect(f, "SMIG4011", "nic:Local Area Connection 3", SMIG_SEV_PASS, "192.168.10.20");
	expect(f, "SMIG4011", "nic:Local Area Connection 4", SMIG_SEV_PASS, "10.10.0.1");

	/* without the archive's hashes: one info item, and the disks still pass on the rest */
	run(f, false);
	assert_int_equal(smig_postcheck_failures(&f->items), 0);
	expect(f, "SMIG4005", "archive", SMIG_SEV_INFO, "not compared");
	expect(f, "SMIG4005", "vm:web01/disk:web01.vhd", SMIG_SEV_PASS, "not compared");
}

/* ---- SMIG4001 ---- */

static void vm_missing_or_renamed(void **state)
{
	struct fx *f = *state;
	struct smig_plan_vm *pv = &f->plan.vms[vm_index(f->src, "dc01")];

	/* --new-id: the destination has the VM under the new id */
	replace(&pv->id, "11111111-2222-4333-8444-555555555555");
	run(f, true);
	only_failure(f, "SMIG4001", "vm:dc01", "no virtual machine with id 11111111");
	replace(&vm_named(f->after, "dc01")->id, "11111111-2222-4333-8444-555555555555");
	run(f, true);
	assert_int_equal(smig_postcheck_failures(&f->items), 0);
	expect(f, "SMIG4001", "vm:dc01", SMIG_SEV_PASS, "new id");

	replace(&vm_named(f->after, "test01")->name, "test02");
	run(f, true);
	only_failure(f, "SMIG4001", "vm:test01", "named 'test02'");
}

/* ---- SMIG4002, SMIG4003 ---- */

static void memory_differs(void **state)
{
	struct fx *f = *state;

	vm_named(f->after, "sql01")->memory_max_mb = 2048;
	run(f, true);
	only_failure(f, "SMIG4002", "vm:sql01", "512-2048 MB on the destination");
	vm_named(f->after, "sql01")->memory_max_mb = 4096;
	vm_named(f->after, "web01")->memory_mb = 1024;
	run(f, true);
	only_failure(f, "SMIG4002", "vm:web01", "1024 MB on the destination but 2048");
}

static void processors_differ(void **state)
{
	struct fx *f = *state;
	struct smig_inv_vm *a = vm_named(f->after, "web01");

	a->cpu_count = 1;
	run(f, true);
	only_failure(f, "SMIG4003", "vm:web01", "1 virtual processor on the destination");
	a->cpu_count = 2;
	/* --set-processor-compatibility: the plan turns it on, the destination has it on */
	f->plan.vms[vm_index(f->src, "web01")].cpu_compat = true;
	run(f, true);
	only_failure(f, "SMIG4003", "vm:web01", "the plan set it on");
	a->cpu_compat = true;
	run(f, true);
	assert_int_equal(smig_postcheck_failures(&f->items), 0);
	expect(f, "SMIG4003", "vm:web01", SMIG_SEV_PASS, "--set-processor-compatibility");
}

/* ---- SMIG4004 ---- */

static void snapshot_removed_or_moved(void **state)
{
	struct fx *f = *state;
	struct smig_inv_vm *a = vm_named(f->after, "web01");

	/* hide the second snapshot (restored before the model is freed) */
	a->nsnapshots = 1;
	run(f, true);
	a->nsnapshots = 2;
	only_failure(f, "SMIG4004", "vm:web01", "1 snapshot on the destination but 2");
	expect(f, "SMIG4004", "vm:web01", SMIG_SEV_FAIL, "'web01 - After SP1");

	a->snapshots[1].parent = -1;
	run(f, true);
	only_failure(f, "SMIG4004", "vm:web01", "descends from '(none)' on the destination");
	a->snapshots[1].parent = 0;
	a->current_parent = 0;
	run(f, true);
	only_failure(f, "SMIG4004", "vm:web01", "the current state descends from 'web01 - Before");
}

/* ---- SMIG4005 ---- */

static void disk_content_changed(void **state)
{
	struct fx *f = *state;
	struct smig_inv_vm *a = vm_named(f->after, "web01");
	struct smig_plan_vm *pv = &f->plan.vms[vm_index(f->src, "web01")];
	char *copy = tu_fmt("%s/web01-copy.vhd", g_dir);
	const char *subject = "vm:web01/disk:web01.vhd";

	/* one byte written into a copy of the base disk, the destination model pointing at it */
	assert_int_equal(tu_sh("cp '%s' '%s' && printf 'X' | dd of='%s' bs=1 seek=8192 "
	                       "conv=notrunc status=none",
	                       a->disks[2].local, copy, copy),
	                 0);
	replace(&a->disks[2].local, copy);
	run(f, true);
	only_failure(f, "SMIG4005", subject, "on the destination but the archive signed");
	/* without the archive's hashes the change goes unseen: only the info item says so */
	run(f, false);
	assert_int_equal(smig_postcheck_failures(&f->items), 0);

	/* re-parenting rewrote the header: the hash is not compared, the rest still is */
	pv->disks[2].reparent = true;
	run(f, true);
	assert_int_equal(smig_postcheck_failures(&f->items), 0);
	expect(f, "SMIG4005", subject, SMIG_SEV_PASS, "re-parenting rewrote the header");
	pv->disks[2].reparent = false;

	/* an unreadable destination file is an error item, counted as a failure */
	assert_int_equal(tu_sh("rm '%s'", copy), 0);
	run(f, true);
	assert_int_equal(smig_postcheck_failures(&f->items), 1);
	expect(f, "SMIG4005", subject, SMIG_SEV_ERROR, "cannot open 'D:\\VHD\\web01.vhd'");
	free(copy);
}

static void disk_facts_differ(void **state)
{
	struct fx *f = *state;
	struct smig_inv_vm *a = vm_named(f->after, "web01");
	struct smig_plan_vm *pv = &f->plan.vms[vm_index(f->src, "web01")];
	const char *subject = "vm:web01/disk:web01.vhd";
	struct smig_guid saved;

	a->disks[2].file_size += 512;
	run(f, true);
	only_failure(f, "SMIG4005", subject, "file size is 4198400 bytes on the destination");
	a->disks[2].file_size -= 512;

	a->disks[2].virtual_size *= 2;
	run(f, true);
	only_failure(f, "SMIG4005", subject, "virtual size is 134217728 bytes");
	a->disks[2].virtual_size /= 2;

	a->disks[2].type = SMIG_DISK_FIXED;
	run(f, true);
	only_failure(f, "SMIG4005", subject, "fixed on the destination but dynamic");
	a->disks[2].type = SMIG_DISK_DYNAMIC;

	replace(&pv->disks[2].winpath, "E:\\VHD\\web01.vhd");
	run(f, true);
	only_failure(f, "SMIG4005", subject, "not at 'E:\\VHD\\web01.vhd'");
	replace(&pv->disks[2].winpath, "d:\\vhd\\WEB01.VHD"); /* Windows paths: any case */
	run(f, true);
	assert_int_equal(smig_postcheck_failures(&f->items), 0);

	saved = a->disks[2].unique_id;
	a->disks[2].unique_id.b[15] ^= 1;
	run(f, true);
	/* the base is gone: it is missing, and its child's chain no longer resolves */
	assert_int_equal(smig_postcheck_failures(&f->items), 2);
	expect(f, "SMIG4005", subject, SMIG_SEV_FAIL, "no disk with unique id");
	expect(f, "SMIG4005", "vm:web01/disk:web01_4E6C8B21-0002-4D3F-8A21-6B7C8D9E0F02.avhd",
	       SMIG_SEV_FAIL, "has not the unique id the chain names");
	a->disks[2].unique_id = saved;

	a->disks[0].parent = -1;
	run(f, true);
	only_failure(f, "SMIG4005", "vm:web01/disk:web01_4E6C8B21-0003-4D3F-8A21-6B7C8D9E0F03.avhd",
	             "does not resolve");
}

/* An ISO drive the plan emptied is expected empty on the destination. */
static void emptied_drive(void **state)
{
	struct fx *f = *state;
	struct smig_inv_vm *a = vm_named(f->after, "web01");
	struct smig_plan_vm *pv = &f->plan.vms[vm_index(f->src, "web01")];

	assert_int_equal(a->drives[2].kind, SMIG_INV_DRIVE_ISO);
	pv->drive_emptied[2] = true;
	run(f, true);
	only_failure(f, "SMIG4005", "vm:web01/drive:IDE 1:0", "should be empty");
	a->drives[2].kind = SMIG_INV_DRIVE_EMPTY;
	replace(&a->drives[2].pathname, "");
	run(f, true);
	assert_int_equal(smig_postcheck_failures(&f->items), 0);
	expect(f, "SMIG4005", "vm:web01/drive:IDE 1:0", SMIG_SEV_PASS, "manual step SMIG3003");
}

/* ---- SMIG4006 ---- */

static void nic_differs(void **state)
{
	struct fx *f = *state;
	struct smig_inv_vm *web = vm_named(f->after, "web01"), *sql = vm_named(f->after, "sql01");

	replace(&web->nics[0].mac, "00-15-5D-0A-00-11");
	run(f, true);
	only_failure(f, "SMIG4006", "vm:web01/nic:Network Adapter",
	             "static MAC address 00-15-5D-0A-00-11 on the destination");
	replace(&web->nics[0].mac, "00155D0A0010"); /* same MAC, other form */
	/* a dynamic MAC is not compared */
	replace(&sql->nics[0].mac, "00-15-5D-0A-00-99");
	run(f, true);
	assert_int_equal(smig_postcheck_failures(&f->items), 0);

	replace(&sql->nics[0].switch_name, "Private Cluster");
	run(f, true);
	only_failure(f, "SMIG4006", "vm:sql01/nic:Network Adapter",
	             "connected to 'Private Cluster' on the destination but to 'Internal Lab'");
	replace(&sql->nics[0].switch_name, "Internal Lab");

	vm_named(f->after, "test01")->nics[0].legacy = false;
	run(f, true);
	only_failure(f, "SMIG4006", "vm:test01/nic:Legacy Network Adapter",
	             "synthetic on the destination but legacy");
}

/* ---- SMIG4007 ---- */

static void switch_renamed(void **state)
{
	struct fx *f = *state;

	replace(&sw_named(f->after, "Private Cluster")->name, "Private Cluster 2");
	run(f, true);
	only_failure(f, "SMIG4007", "switch:Private Cluster", "no virtual network named");
}

static void switch_downgraded(void **state)
{
	struct fx *f = *state;
	struct smig_inv_switch *as = sw_named(f->after, "External LAN");
	size_t k = (size_t)(sw_named(f->src, "External LAN") - f->src->switches);

	as->type = SMIG_SWITCH_INTERNAL;
	/* recreated as internal on purpose: flagged, not failed */
	f->plan.switches[k].type = SMIG_SWITCH_INTERNAL;
	f->plan.switches[k].downgraded = true;
	run(f, true);
	assert_int_equal(smig_postcheck_failures(&f->items), 0);
	expect(f, "SMIG4007", "switch:External LAN", SMIG_SEV_WARNING, "SMIG3001");
	expect(f, "SMIG4006", "vm:web01/nic:Network Adapter", SMIG_SEV_PASS,
	       "recreated as internal");
	/* the same destination without a planned downgrade fails */
	f->plan.switches[k].type = SMIG_SWITCH_EXTERNAL;
	f->plan.switches[k].downgraded = false;
	run(f, true);
	only_failure(f, "SMIG4007", "switch:External LAN",
	             "internal network on the destination but external");
}

static void vlan_lost(void **state)
{
	struct fx *f = *state;

	struct smig_inv_port *port = &sw_named(f->after, "External LAN")->ports[0];
	const char *subject = "switch:External LAN/port:web01 - Network Adapter";

	port->vlan = 0;
	run(f, true);
	only_failure(f, "SMIG4007", subject, "VLAN 0 on the destination but 20");
	port->vlan = 20;
	/* a port recreated under a new GUID is found by its VM */
	replace(&port->guid, "B2F1A7D3-4C5E-4F60-9BAC-000000000001");
	run(f, true);
	assert_int_equal(smig_postcheck_failures(&f->items), 0);
	expect(f, "SMIG4007", subject, SMIG_SEV_PASS, "VLAN 20");
	/* ... and when no port belongs to the VM, the VLAN is lost */
	replace(&port->vm_id, NULL);
	run(f, true);
	only_failure(f, "SMIG4007", subject, "no port for virtual machine");
}

/* ---- SMIG4008 ---- */

static void host_settings_differ(void **state)
{
	struct fx *f = *state;
	struct smig_inv_hostsettings *h = &f->after->host;

	h->mac_max.b[4] = 0x0E;
	run(f, true);
	only_failure(f, "SMIG4008", "host",
	             "00-15-5D-0A-00-00..00-15-5D-0A-0E-FF on the destination");
	/* not written by the plan: the destination's own range stands */
	f->plan.set_mac_range = false;
	run(f, true);
	assert_int_equal(smig_postcheck_failures(&f->items), 0);
	expect(f, "SMIG4008", "host", SMIG_SEV_PASS, "not migrated");

	replace(&h->data_root, "d:\\hyper-v\\"); /* same path */
	run(f, true);
	assert_int_equal(smig_postcheck_failures(&f->items), 0);
	replace(&h->vhd_path, "E:\\VHD");
	run(f, true);
	only_failure(f, "SMIG4008", "host", "DefaultVirtualHardDiskPath is 'E:\\VHD'");
}

/* ---- SMIG4009 ---- */

static void azman_differs(void **state)
{
	struct fx *f = *state;
	struct smig_inv_azman *z = &f->after->azman;

	/* the last role assignment (Lab Operators) hidden, restored before freeing */
	z->nroles--;
	run(f, true);
	z->nroles++;
	only_failure(f, "SMIG4009", "azman", "'Lab Operators' in scope 'Lab VMs' is missing");

	replace(&z->roles[1].members[0], "S-1-5-21-3623811015-3361044348-30300820-9999");
	run(f, true);
	only_failure(f, "SMIG4009", "azman", "other members");

	f->plan.store_copy = false;
	run(f, true);
	assert_int_equal(smig_postcheck_failures(&f->items), 0);
	expect(f, "SMIG4009", "azman", SMIG_SEV_INFO, "not compared");
	f->plan.store_copy = true;
	f->src->azman.ad_store = true;
	run(f, true);
	expect(f, "SMIG4009", "azman", SMIG_SEV_INFO, "Active Directory");
}

/* ---- SMIG4010 ---- */

static void vmq_differs(void **state)
{
	struct fx *f = *state;

	f->after->host.vmq_tengig = 0;
	run(f, true);
	only_failure(f, "SMIG4010", "host", "VMQ is 0 (10 Gb)");
	f->after->host.vmq_tengig = 1;

	((struct smig_inv_nic *)nic_named(f->after, "Local Area Connection"))->vmq = 0;
	run(f, true);
	only_failure(f, "SMIG4010", "nic:Local Area Connection",
	             "VMQ disabled on the destination but enabled");

	f->plan.set_vmq = false;
	f->plan.nnicmap = 0;
	f->opts.ipmode = SMIG_IPMODE_NONE;
	run(f, true);
	assert_int_equal(smig_postcheck_failures(&f->items), 0);
	expect(f, "SMIG4010", "host", SMIG_SEV_INFO, "no VMQ settings");
}

/* ---- SMIG4011 ---- */

static void ip_settings_differ(void **state)
{
	struct fx *f = *state;
	struct smig_inv_nic *mgmt = (struct smig_inv_nic *)nic_named(f->after, "Management");
	size_t k = (size_t)(sw_named(f->src, "Internal Lab") - f->src->switches);

	replace(&mgmt->dns[1], "192.168.1.7");
	run(f, true);
	only_failure(f, "SMIG4011", "nic:Management", "DNS servers differ");
	replace(&mgmt->dns[1], "192.168.1.6");

	mgmt->dhcp = true;
	run(f, true);
	only_failure(f, "SMIG4011", "nic:Management", "uses DHCP on the destination");
	mgmt->dhcp = false;

	/* the host vNIC the plan recreated is not there */
	replace(&f->plan.switches[k].host_vnic, "{00000000-0000-4000-8000-000000000001}");
	run(f, true);
	only_failure(f, "SMIG4011", "nic:{00000000-0000-4000-8000-000000000001}", "missing");

	/* not requested */
	f->opts.ipmode = SMIG_IPMODE_NONE;
	run(f, true);
	assert_int_equal(smig_postcheck_failures(&f->items), 0);
	expect(f, "SMIG4011", "host", SMIG_SEV_INFO, "not requested");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(equal_destination_passes, setup, teardown),
	    cmocka_unit_test_setup_teardown(vm_missing_or_renamed, setup, teardown),
	    cmocka_unit_test_setup_teardown(memory_differs, setup, teardown),
	    cmocka_unit_test_setup_teardown(processors_differ, setup, teardown),
	    cmocka_unit_test_setup_teardown(snapshot_removed_or_moved, setup, teardown),
	    cmocka_unit_test_setup_teardown(disk_content_changed, setup, teardown),
	    cmocka_unit_test_setup_teardown(disk_facts_differ, setup, teardown),
	    cmocka_unit_test_setup_teardown(emptied_drive, setup, teardown),
	    cmocka_unit_test_setup_teardown(nic_differs, setup, teardown),
	    cmocka_unit_test_setup_teardown(switch_renamed, setup, teardown),
	    cmocka_unit_test_setup_teardown(switch_downgraded, setup, teardown),
	    cmocka_unit_test_setup_teardown(vlan_lost, setup, teardown),
	    cmocka_unit_test_setup_teardown(host_settings_differ, setup, teardown),
	    cmocka_unit_test_setup_teardown(azman_differs, setup, teardown),
	    cmocka_unit_test_setup_teardown(vmq_differs, setup, teardown),
	    cmocka_unit_test_setup_teardown(ip_settings_differ, setup, teardown),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
