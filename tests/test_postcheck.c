/*
 * test_postcheck.c - the file-level post-migration verification (SMIG4001-4011) on the
 * example source host. Each test places the source's files in a fresh destination folder as
 * apply does (disks and saved state copied, configurations loaded, ISO/VFD/pass-through
 * drives emptied, VHD paths set to the planned ones and written back in Hyper-V's form at the
 * source's version), follows a plan pointing there, and checks the files. A faithful placement
 * passes every check; then one file at a time is changed and exactly that check fails.
 * Configurations are edited with iconv and sed and disk hashes taken with sha256sum,
 * independently of the code under test.
 */
#include "testutil.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "archive.h"
#include "fileio.h"
#include "importplan.h"
#include "inventory.h"
#include "planfix.h"
#include "postcheck.h"
#include "strbuf.h"
#include "vhd.h"
#include "vmconfig.h"

struct fx {
	struct smig_inventory *src, *after;
	struct smig_import_opts opts;
	struct smig_plan plan;
	struct smig_staged *staged;
	struct smig_problems items;
	char *dst; /* the destination folder (the plan's locals are under it) */
};

static char *g_dir, *g_host, *g_dhost;
static unsigned g_ndst;
/* SHA-256 of the example's files, taken once per path with sha256sum (see sha256_of) */
#define MAX_SUMS 32
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
	g_dhost = tu_fmt("%s/lab-2012", g_dir);
	tu_build_example("lab-2008r2", g_host);
	tu_build_example("lab-2012", g_dhost);
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
	free(g_dhost);
	return 0;
}

static char *xstrdup(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

/* SHA-256 of a source file with sha256sum (not the code under test), cached per path. */
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

/* The destination local path of a source local path: same layout under f->dst. */
static char *dest_of(const struct fx *f, const char *src_local)
{
	size_t n = strlen(g_host);

	assert_non_null(src_local);
	assert_true(strncmp(src_local, g_host, n) == 0);
	return tu_fmt("%s%s", f->dst, src_local + n);
}

/* An archive member for a placed file: its name, staged copy (the source), size and hash. */
static const char *add_member(struct fx *f, char *name, const char *src_local, bool hash)
{
	struct smig_staged_member *m = &f->staged->members[f->staged->count++];
	struct stat st;

	assert_int_equal(stat(src_local, &st), 0);
	m->name = name;
	m->local = xstrdup(src_local);
	m->size = (uint64_t)st.st_size;
	if (hash)
		sha256_of(src_local, m->sha256);
	return m->name;
}

static void add_file(struct fx *f, struct smig_plan_vm *pv, const char *role, const char *snapshot,
                     const char *winpath, const char *src_local)
{
	struct smig_plan_file *pf = &pv->files[pv->nfiles++];

	pf->role = role;
	pf->snapshot = snapshot;
	pf->member =
	    add_member(f, tu_fmt("vms/%s/%s-%zu", pv->id, role, pv->nfiles), src_local, false);
	pf->winpath = xstrdup(winpath);
	pf->local = dest_of(f, src_local);
}

/*
 * The plan apply follows for a destination laid out like the source: same ids, same disk
 * paths, every ISO/VFD/pass-through drive emptied, everything under f->dst.
 */
static void build_plan(struct fx *f)
{
	struct smig_plan *p = &f->plan;
	size_t i, j, k, nmembers = 0;

	p->src = f->src;
	p->dst = f->after;
	p->opts = &f->opts;
	p->hyperv = true;
	p->data_root = xstrdup(f->src->host.data_root);
	p->vhd_path = xstrdup(f->src->host.vhd_path);
	p->set_mac_range = p->set_vmq = true;
	p->store_copy = true;

	for (i = 0; i < f->src->nvms; i++) {
		const struct smig_inv_vm *s = &f->src->vms[i];

		nmembers += s->ndisks + 1 + s->nsnapshots;
		for (k = 0; s->state_files != NULL && s->state_files[k] != NULL; k++)
			nmembers++;
		for (j = 0; j < s->nsnapshots; j++)
			for (k = 0; s->snapshots[j].state_files && s->snapshots[j].state_files[k];
			     k++)
				nmembers++;
	}
	f->staged = calloc(1, sizeof(*f->staged));
	f->staged->members = calloc(nmembers, sizeof(*f->staged->members));

	p->nvms = f->src->nvms;
	p->vms = calloc(p->nvms, sizeof(*p->vms));
	for (i = 0; i < p->nvms; i++) {
		const struct smig_inv_vm *s = &f->src->vms[i];
		struct smig_plan_vm *pv = &p->vms[i];

		pv->src = s;
		pv->selected = true;
		pv->id = xstrdup(s->id);
		pv->cpu_compat = s->cpu_compat;
		pv->config_winpath = xstrdup(s->config_winpath);
		pv->config_local = dest_of(f, s->config_local);
		pv->drive_emptied = calloc(s->ndrives + 1, sizeof(bool));
		for (j = 0; j < s->ndrives; j++)
			pv->drive_emptied[j] = s->drives[j].kind == SMIG_INV_DRIVE_ISO ||
			                       s->drives[j].kind == SMIG_INV_DRIVE_VFD ||
			                       s->drives[j].kind == SMIG_INV_DRIVE_PASSTHROUGH;
		pv->ndisks = s->ndisks;
		pv->disks = calloc(s->ndisks + 1, sizeof(*pv->disks));
		for (j = 0; j < s->ndisks; j++) {
			pv->disks[j].src = &s->disks[j];
			pv->disks[j].member = add_member(
			    f, tu_fmt("disks/%s/%s", s->id, tu_winbase(s->disks[j].winpath)),
			    s->disks[j].local, true);
			pv->disks[j].winpath = xstrdup(s->disks[j].winpath);
			pv->disks[j].local = dest_of(f, s->disks[j].local);
		}
		pv->files = calloc(nmembers, sizeof(*pv->files));
		add_file(f, pv, "config", NULL, s->config_winpath, s->config_local);
		for (j = 0; j < s->nsnapshots; j++)
			add_file(f, pv, "snapshot-config", s->snapshots[j].id,
			         s->snapshots[j].config_winpath, s->snapshots[j].config_local);
		for (k = 0; s->state_files != NULL && s->state_files[k] != NULL; k++)
			add_file(f, pv, "saved-state", NULL, NULL, s->state_files[k]);
		for (j = 0; j < s->nsnapshots; j++)
			for (k = 0; s->snapshots[j].state_files && s->snapshots[j].state_files[k];
			     k++)
				add_file(f, pv, "saved-state", s->snapshots[j].id, NULL,
				         s->snapshots[j].state_files[k]);
	}
}

static void free_plan(struct smig_plan *p)
{
	size_t i, j;

	for (i = 0; i < p->nvms; i++) {
		struct smig_plan_vm *pv = &p->vms[i];

		for (j = 0; j < pv->ndisks; j++) {
			free(pv->disks[j].winpath);
			free(pv->disks[j].local);
		}
		for (j = 0; j < pv->nfiles; j++) {
			free(pv->files[j].winpath);
			free(pv->files[j].local);
		}
		free(pv->files);
		free(pv->disks);
		free(pv->drive_emptied);
		free(pv->id);
		free(pv->config_winpath);
		free(pv->config_local);
	}
	free(p->vms);
	free(p->data_root);
	free(p->vhd_path);
}

/* mkdir -p of the folder of `path`. */
static void make_parent(const char *path)
{
	struct smig_err e = SMIG_ERR_INIT;
	char *dir = strdup(path);

	*strrchr(dir, '/') = '\0';
	if (smig_mkdir_p(dir, 0755, &e) < 0)
		fail_msg("%s", e.msg);
	free(dir);
}

static void copy_file(const char *from, const char *to)
{
	make_parent(to);
	assert_int_equal(tu_sh("cp '%s' '%s'", from, to), 0);
}

/* A configuration as apply writes it: drives emptied and re-pointed, the planned id. */
static void place_config(const struct smig_plan_vm *pv, const char *from, bool snapshot,
                         bool empty_media, const char *to)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_vmconfig *cfg = NULL;
	unsigned char *buf = NULL;
	size_t len = 0, i, k;

	if (smig_vmconfig_load(from, NULL, &cfg, &e) < 0)
		fail_msg("%s", e.msg);
	for (i = 0; i < cfg->ndrives; i++) {
		const struct smig_vm_drive *d = &cfg->drives[i];

		if (d->kind == SMIG_DRIVE_ISO || d->kind == SMIG_DRIVE_VFD ||
		    d->kind == SMIG_DRIVE_PASSTHROUGH) {
			if (empty_media)
				assert_int_equal(smig_vmconfig_empty_drive(cfg, i, &e), 0);
			continue;
		}
		for (k = 0; d->kind == SMIG_DRIVE_VHD && k < pv->ndisks; k++)
			if (strcasecmp(pv->disks[k].src->winpath, d->pathname) == 0) {
				assert_int_equal(
				    smig_vmconfig_set_drive_path(cfg, i, pv->disks[k].winpath, &e),
				    0);
				break;
			}
	}
	if (!snapshot && strcasecmp(cfg->global_id, pv->id) != 0)
		assert_int_equal(smig_vmconfig_set_id(cfg, pv->id, &e), 0);
	assert_int_equal(smig_vmconfig_serialize(cfg, &buf, &len, &e), 0);
	make_parent(to);
	tu_write(to, buf, len);
	free(buf);
	smig_vmconfig_free(cfg);
}

/* One more "cp 'from' 'to'" for place() (one shell for all copies keeps the tests fast). */
static void queue_copy(struct smig_strbuf *cmd, const char *from, const char *to)
{
	make_parent(to);
	smig_strbuf_puts(cmd, cmd->len > 0 ? " && cp '" : "cp '");
	smig_strbuf_puts(cmd, from);
	smig_strbuf_puts(cmd, "' '");
	smig_strbuf_puts(cmd, to);
	smig_strbuf_puts(cmd, "'");
}

/* Place every planned file of every VM. */
static void place(struct fx *f)
{
	struct smig_strbuf cmd = SMIG_STRBUF_INIT;
	size_t i, j;

	for (i = 0; i < f->plan.nvms; i++) {
		const struct smig_plan_vm *pv = &f->plan.vms[i];

		for (j = 0; j < pv->ndisks; j++)
			queue_copy(&cmd, pv->disks[j].src->local, pv->disks[j].local);
		for (j = 0; j < pv->nfiles; j++) {
			const struct smig_plan_file *pf = &pv->files[j];
			const char *from = smig_staged_find(f->staged, pf->member)->local;

			if (strcmp(pf->role, "saved-state") == 0)
				queue_copy(&cmd, from, pf->local);
			else
				place_config(pv, from, strcmp(pf->role, "config") != 0, true,
				             pf->local);
		}
	}
	assert_false(smig_strbuf_failed(&cmd));
	assert_int_equal(tu_sh("%s", smig_strbuf_cstr(&cmd)), 0);
	smig_strbuf_release(&cmd);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->src = tu_read_host(g_host);
	f->after = tu_read_host(g_dhost);
	f->dst = tu_fmt("%s/dst%u", g_dir, ++g_ndst);
	f->opts.ipmode = SMIG_IPMODE_NIC;
	build_plan(f);
	place(f);
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
	tu_rmtree(f->dst);
	free(f->dst);
	free(f);
	return 0;
}

/*
 * Run the verification (fresh item list each time). Hashing the disks takes most of the time
 * (the fixed 128 MiB disk hashes its zeros too), so only the tests about contents ask for it.
 */
static void run(struct fx *f, bool with_hashes)
{
	struct smig_err e = SMIG_ERR_INIT;

	smig_problems_release(&f->items);
	memset(&f->items, 0, sizeof(f->items));
	if (smig_postcheck(&f->plan, f->after, with_hashes ? f->staged : NULL, &f->items, &e) < 0)
		fail_msg("smig_postcheck: %s", e.msg);
}

static size_t vm_index(const struct smig_inventory *inv, const char *name)
{
	size_t i;

	for (i = 0; i < inv->nvms; i++)
		if (strcmp(inv->vms[i].name, name) == 0)
			return i;
	fail_msg("no VM %s", name);
	return 0;
}

static struct smig_plan_vm *pvm(struct fx *f, const char *name)
{
	return &f->plan.vms[vm_index(f->src, name)];
}

/* Edit a placed (UTF-16LE) configuration with sed, outside the code under test. */
static void sed_config(const char *local, const char *script)
{
	assert_int_equal(tu_sh("iconv -f UTF-16LE -t UTF-8 '%s' | sed '%s' | iconv -f UTF-8 "
	                       "-t UTF-16LE > '%s.new' && mv '%s.new' '%s'",
	                       local, script, local, local, local),
	                 0);
}

static void replace(char **field, const char *value)
{
	free(*field);
	*field = xstrdup(value);
}

/* ---- a faithful placement ---- */

static void faithful_placement_passes(void **state)
{
	struct fx *f = *state;
	static const char *const checked[] = {"SMIG4001", "SMIG4002", "SMIG4003",
	                                      "SMIG4004", "SMIG4005", "SMIG4006"};
	static const char *const live[] = {"SMIG4007", "SMIG4008", "SMIG4010", "SMIG4011"};
	const struct smig_plan_vm *web = pvm(f, "web01");
	uint8_t sum[32];
	char hex[65], *needle;
	size_t i, j;

	run(f, true);
	tu_no_failure(&f->items);
	assert_int_equal(smig_problems_count(&f->items, SMIG_SEV_WARNING), 0);
	for (i = 0; i < sizeof(checked) / sizeof(checked[0]); i++) {
		bool seen = false;

		for (j = 0; j < f->items.count; j++)
			seen |= strcmp(f->items.items[j].id, checked[i]) == 0 &&
			        f->items.items[j].severity == SMIG_SEV_PASS;
		if (!seen)
			fail_msg("no passing %s item", checked[i]);
	}
	/* what Hyper-V owns is migrate.ps1's: information, never a pass */
	for (i = 0; i < sizeof(live) / sizeof(live[0]); i++)
		tu_expect(&f->items, live[i], "host", SMIG_SEV_INFO, "report --state");
	tu_expect(&f->items, "SMIG4007", "host", SMIG_SEV_INFO, "'External LAN'");
	tu_expect(&f->items, "SMIG4009", "azman", SMIG_SEV_INFO, "InitialStore.xml");
	for (j = 0; j < f->items.count; j++) {
		const char *id = f->items.items[j].id;

		if (strcmp(id, "SMIG4007") >= 0 && strcmp(id, "SMIG4011") <= 0)
			assert_int_equal(f->items.items[j].severity, SMIG_SEV_INFO);
	}

	needle = tu_fmt("version %lld, as on the source", (long long)web->src->version);
	tu_expect(&f->items, "SMIG4001", "vm:web01", SMIG_SEV_PASS, needle);
	free(needle);
	tu_expect(&f->items, "SMIG4001", "vm:web01", SMIG_SEV_PASS,
	          "id 6F0B2E9A-41C3-4B8E-9E5B-1D2C3A4B5C01");
	tu_expect(&f->items, "SMIG4001", "vm:web01", SMIG_SEV_PASS, "ends at </configuration>");
	needle =
	    tu_fmt("version %lld, as on the source", (long long)pvm(f, "test01")->src->version);
	tu_expect(&f->items, "SMIG4001", "vm:test01", SMIG_SEV_PASS, needle);
	free(needle);
	tu_expect(&f->items, "SMIG4001", "vm:sql01", SMIG_SEV_PASS, "saved-state file");
	tu_expect(&f->items, "SMIG4001", "vm:web01/registration", SMIG_SEV_INFO,
	          "Compare-VM -Register");
	tu_expect(&f->items, "SMIG4002", "vm:sql01", SMIG_SEV_PASS, "dynamic, range 512-4096 MB");
	tu_expect(&f->items, "SMIG4003", "vm:sql01", SMIG_SEV_PASS, "4 virtual processors");
	tu_expect(&f->items, "SMIG4003", "vm:dc01/processor-compatibility", SMIG_SEV_INFO,
	          "migrate.ps1 sets it on");
	tu_expect(&f->items, "SMIG4004", "vm:web01", SMIG_SEV_PASS,
	          "2 snapshot configurations present");
	tu_expect(&f->items, "SMIG4004", "vm:web01", SMIG_SEV_PASS, "2 snapshot saved-state files");
	tu_expect(&f->items, "SMIG4004", "vm:dc01", SMIG_SEV_PASS, "no snapshots");
	sha256_of(web->disks[2].src->local, sum);
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", sum[i]);
	needle = tu_fmt("SHA-256 %s as signed", hex);
	tu_expect(&f->items, "SMIG4005", "vm:web01/disk:web01.vhd", SMIG_SEV_PASS, needle);
	free(needle);
	tu_expect(&f->items, "SMIG4005",
	          "vm:web01/disk:web01_4E6C8B21-0003-4D3F-8A21-6B7C8D9E0F03.avhd", SMIG_SEV_PASS,
	          "its chain resolves: parent 'D:\\VHD\\web01_4E6C8B21-0002");
	tu_expect(&f->items, "SMIG4005", "vm:sql01/disk:sql01-system.vhd", SMIG_SEV_PASS, "fixed");
	tu_expect(&f->items, "SMIG4005", "vm:web01/drive:IDE 0:0", SMIG_SEV_PASS,
	          "points to 'D:\\VHD\\web01_4E6C8B21-0003-4D3F-8A21-6B7C8D9E0F03.avhd'");
	tu_expect(&f->items, "SMIG4005", "vm:web01/drive:IDE 1:0", SMIG_SEV_PASS,
	          "manual step SMIG3003");
	tu_expect(&f->items, "SMIG4005", "vm:sql01/drive:SCSI 0:0", SMIG_SEV_PASS, "SMIG3002");
	tu_expect(&f->items, "SMIG4005", "vm:dc01/drive:Floppy 0:0", SMIG_SEV_PASS, "SMIG3004");
	tu_expect(&f->items, "SMIG4006", "vm:web01", SMIG_SEV_PASS, "1 network adapter");
	tu_expect(&f->items, "SMIG4006", "vm:web01/nic:Network Adapter", SMIG_SEV_PASS,
	          "MAC address 00-15-5D-0A-00-10");
	tu_expect(&f->items, "SMIG4006", "vm:dc01/nic:Network Adapter", SMIG_SEV_PASS, "dynamic");
	tu_expect(&f->items, "SMIG4006", "vm:test01/nic:Legacy Network Adapter", SMIG_SEV_PASS,
	          "legacy");
	tu_expect(&f->items, "SMIG4006", "vm:web01/connections", SMIG_SEV_INFO,
	          "'Network Adapter' to 'External LAN' (VLAN 20)");
	tu_expect(&f->items, "SMIG4006", "vm:test01/connections", SMIG_SEV_INFO,
	          "no network adapter");

	/* without the archive's hashes: one info item, and the disks still pass on the rest */
	run(f, false);
	tu_no_failure(&f->items);
	tu_expect(&f->items, "SMIG4005", "archive", SMIG_SEV_INFO, "not compared");
	tu_expect(&f->items, "SMIG4005", "vm:web01/disk:web01.vhd", SMIG_SEV_PASS, "not compared");
}

/* ---- SMIG4001 ---- */

static void config_stamped_or_ended(void **state)
{
	struct fx *f = *state;
	struct smig_plan_vm *pv = pvm(f, "web01");
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_vmconfig *cfg = NULL;
	unsigned char *buf = NULL;
	size_t len = 0;

	/* version 1024 on the 768 body, otherwise unchanged */
	assert_int_equal(smig_vmconfig_load(pv->config_local, NULL, &cfg, &e), 0);
	assert_int_equal(smig_vmconfig_set_version(cfg, 1024, &e), 0);
	assert_int_equal(smig_vmconfig_serialize(cfg, &buf, &len, &e), 0);
	tu_write(pv->config_local, buf, len);
	free(buf);
	smig_vmconfig_free(cfg);
	run(f, false);
	tu_only_failure(&f->items, "SMIG4001", "vm:web01", "version 1024 was stamped on it");
	tu_expect(&f->items, "SMIG4001", "vm:web01", SMIG_SEV_FAIL, "version 768 and must stay so");

	/* the faithful configuration with a CRLF after </configuration> */
	place_config(pv, smig_staged_find(f->staged, pv->files[0].member)->local, false, true,
	             pv->config_local);
	run(f, false);
	tu_no_failure(&f->items);
	assert_int_equal(tu_sh("printf '\\r\\000\\n\\000' >> '%s'", pv->config_local), 0);
	run(f, false);
	tu_only_failure(&f->items, "SMIG4001", "vm:web01", "a line end follows </configuration>");
}

static void config_missing_or_other_id(void **state)
{
	struct fx *f = *state;
	struct smig_plan_vm *pv = pvm(f, "dc01");

	assert_int_equal(tu_sh("rm '%s'", pv->config_local), 0);
	run(f, false);
	tu_only_failure(&f->items, "SMIG4001", "vm:dc01", "the configuration is missing at 'C:\\");
	tu_expect(&f->items, "SMIG4002", "vm:dc01", SMIG_SEV_INFO, "could not be read");
	tu_expect(&f->items, "SMIG4006", "vm:dc01", SMIG_SEV_INFO, "could not be read");

	/* a file that is not a configuration */
	tu_write(pv->config_local, "<configuration>", 15);
	run(f, false);
	tu_only_failure(&f->items, "SMIG4001", "vm:dc01", "does not load");

	/* --new-id: the placed configuration must carry the new id */
	replace(&pv->id, "11111111-2222-4333-8444-555555555555");
	place_config(pv, smig_staged_find(f->staged, pv->files[0].member)->local, false, true,
	             pv->config_local);
	run(f, false);
	tu_no_failure(&f->items);
	tu_expect(&f->items, "SMIG4001", "vm:dc01", SMIG_SEV_PASS,
	          "new id 11111111-2222-4333-8444-555555555555 as planned");
	replace(&pv->id, "11111111-2222-4333-8444-555555555556");
	run(f, false);
	tu_only_failure(&f->items, "SMIG4001", "vm:dc01",
	                "not 11111111-2222-4333-8444-555555555556 as planned");
}

/* ---- SMIG4002, SMIG4003 ---- */

static void memory_or_processors_changed(void **state)
{
	struct fx *f = *state;
	const char *web = pvm(f, "web01")->config_local, *sql = pvm(f, "sql01")->config_local;

	sed_config(web, "s|<size type=\"integer\">2048</size>|<size type=\"integer\">1024</size>|");
	run(f, false);
	tu_only_failure(&f->items, "SMIG4002", "vm:web01",
	                "startup memory is 1024 MB in the placed configuration but 2048");
	sed_config(web, "s|<size type=\"integer\">1024</size>|<size type=\"integer\">2048</size>|");
	run(f, false);
	tu_no_failure(&f->items);

	sed_config(sql, "s|<count type=\"integer\">4</count>|<count type=\"integer\">2</count>|");
	run(f, false);
	tu_only_failure(&f->items, "SMIG4003", "vm:sql01",
	                "2 virtual processors in the placed configuration");
}

/* ---- SMIG4004 ---- */

static void snapshot_config_missing(void **state)
{
	struct fx *f = *state;
	struct smig_plan_vm *pv = pvm(f, "web01");

	assert_string_equal(pv->files[2].role, "snapshot-config");
	assert_int_equal(tu_sh("rm '%s'", pv->files[2].local), 0);
	run(f, false);
	tu_only_failure(&f->items, "SMIG4004", "vm:web01",
	                "1 snapshot configuration on the destination but 2 snapshots");
	tu_expect(&f->items, "SMIG4004", "vm:web01", SMIG_SEV_FAIL,
	          "snapshot configuration is missing");

	/* and one placed, but stamped */
	place_config(pv, smig_staged_find(f->staged, pv->files[2].member)->local, true, true,
	             pv->files[2].local);
	run(f, false);
	tu_no_failure(&f->items);
	sed_config(pv->files[2].local, "s|<version type=\"integer\">768</version>|"
	                               "<version type=\"integer\">1024</version>|");
	run(f, false);
	tu_only_failure(&f->items, "SMIG4004", "vm:web01",
	                "version 1024, newer than the source's 768");
}

/* ---- SMIG4005 ---- */

/* A re-parented disk: its file differs from the archive's by design, so what it presents
 * (its virtual content through its chain) is compared with the source chain's. */
static void reparented_disk_content(void **state)
{
	struct fx *f = *state;
	struct smig_plan_vm *pv = pvm(f, "web01");
	const char *subject = "vm:web01/disk:web01_4E6C8B21-0003-4D3F-8A21-6B7C8D9E0F03.avhd";
	struct smig_plan_disk *pd = NULL;
	struct smig_err e = SMIG_ERR_INIT;

	for (size_t k = 0; k < pv->ndisks; k++)
		if (strstr(pv->disks[k].winpath, "0F03.avhd"))
			pd = &pv->disks[k];
	assert_non_null(pd);
	pd->reparent = true;
	run(f, true);
	tu_no_failure(&f->items);
	tu_expect(&f->items, "SMIG4005", subject, SMIG_SEV_PASS,
	          "re-parented: its virtual content read through its chain has the SHA-256");
	/* computed before re-parenting (as apply does) or from the archive: the same verdict */
	assert_int_equal(smig_postcheck_source_content(&f->plan, f->staged, pd, &e), 0);
	run(f, true);
	tu_no_failure(&f->items);
	/* one sector of what it presents rewritten (in the child: the parents are untouched and
	 * keep their signed hashes) */
	{
		unsigned char sec[512];

		memset(sec, 0xa5, sizeof(sec));
		if (smig_vhd_write(pd->local, 0, sec, sizeof(sec), &e) < 0)
			fail_msg("%s", e.msg);
	}
	run(f, true);
	tu_only_failure(&f->items, "SMIG4005", subject,
	                "its virtual content differs from the source's");
	pd->reparent = false;
	pd->has_content = false;
}

static void disk_missing_or_changed(void **state)
{
	struct fx *f = *state;
	struct smig_plan_vm *pv = pvm(f, "web01");
	const char *base = pv->disks[2].local, *subject = "vm:web01/disk:web01.vhd";

	assert_string_equal(tu_winbase(pv->disks[2].winpath), "web01.vhd");
	/* one byte written into the data of the placed base disk */
	assert_int_equal(
	    tu_sh("printf 'X' | dd of='%s' bs=1 seek=8192 conv=notrunc status=none", base), 0);
	run(f, true);
	tu_only_failure(&f->items, "SMIG4005", subject,
	                "on the destination but the archive signed");
	/* without the archive's hashes the change goes unseen: only the info item says so */
	run(f, false);
	tu_no_failure(&f->items);
	/* a re-parent mark on a disk that has no parent does not lift its hash check */
	pv->disks[2].reparent = true;
	run(f, true);
	tu_only_failure(&f->items, "SMIG4005", subject, "on the destination but the archive signed");
	pv->disks[2].reparent = false;

	/* the base disk gone: it is missing, and the chains above it no longer resolve */
	assert_int_equal(tu_sh("rm '%s'", base), 0);
	run(f, true);
	assert_int_equal(smig_postcheck_failures(&f->items), 3);
	tu_expect(&f->items, "SMIG4005", subject, SMIG_SEV_FAIL,
	          "the disk is missing at 'D:\\VHD\\web01.vhd'");
	tu_expect(&f->items, "SMIG4005",
	          "vm:web01/disk:web01_4E6C8B21-0002-4D3F-8A21-6B7C8D9E0F02.avhd", SMIG_SEV_FAIL,
	          "its chain does not resolve");
	tu_expect(&f->items, "SMIG4005",
	          "vm:web01/disk:web01_4E6C8B21-0003-4D3F-8A21-6B7C8D9E0F03.avhd", SMIG_SEV_FAIL,
	          "its chain does not resolve");

	/* another disk in its place: same name, other unique id and size */
	copy_file(pvm(f, "test01")->disks[0].local, base);
	run(f, true);
	tu_expect(&f->items, "SMIG4005", subject, SMIG_SEV_FAIL, "unique id differs");
	tu_expect(&f->items, "SMIG4005", subject, SMIG_SEV_FAIL, "virtual size is 16777216 bytes");
	tu_expect(&f->items, "SMIG4005",
	          "vm:web01/disk:web01_4E6C8B21-0002-4D3F-8A21-6B7C8D9E0F02.avhd", SMIG_SEV_FAIL,
	          "its chain does not resolve");
}

static void disk_truncated(void **state)
{
	struct fx *f = *state;
	const char *sys = pvm(f, "sql01")->disks[0].local;

	assert_int_equal(tu_sh("truncate -s -512 '%s'", sys), 0);
	run(f, false);
	tu_only_failure(&f->items, "SMIG4005", "vm:sql01/disk:sql01-system.vhd",
	                "does not open as a VHD");
}

static void drive_not_rewritten(void **state)
{
	struct fx *f = *state;
	struct smig_plan_vm *pv = pvm(f, "web01");

	/* the ISO left attached */
	place_config(pv, smig_staged_find(f->staged, pv->files[0].member)->local, false, false,
	             pv->config_local);
	run(f, false);
	tu_only_failure(&f->items, "SMIG4005", "vm:web01/drive:IDE 1:0", "should be empty");

	/* a disk planned elsewhere than the configuration points to */
	place_config(pv, smig_staged_find(f->staged, pv->files[0].member)->local, false, true,
	             pv->config_local);
	replace(&pv->disks[0].winpath, "E:\\VHD\\web01_4E6C8B21-0003-4D3F-8A21-6B7C8D9E0F03.avhd");
	run(f, false);
	tu_only_failure(
	    &f->items, "SMIG4005", "vm:web01/drive:IDE 0:0",
	    "not to 'E:\\VHD\\web01_4E6C8B21-0003-4D3F-8A21-6B7C8D9E0F03.avhd' as planned");
	/* placed as planned: Windows paths compare in any case */
	place_config(pv, smig_staged_find(f->staged, pv->files[0].member)->local, false, true,
	             pv->config_local);
	replace(&pv->disks[0].winpath, "e:\\vhd\\WEB01_4E6C8B21-0003-4D3F-8A21-6B7C8D9E0F03.AVHD");
	run(f, false);
	tu_no_failure(&f->items);
}

/* ---- SMIG4006 ---- */

static void nic_changed(void **state)
{
	struct fx *f = *state;
	const char *web = pvm(f, "web01")->config_local;

	sed_config(web, "s|00-15-5D-0A-00-10|00-15-5D-0A-00-11|");
	run(f, false);
	tu_only_failure(&f->items, "SMIG4006", "vm:web01/nic:Network Adapter",
	                "MAC address 00-15-5D-0A-00-11 in the placed configuration but "
	                "00-15-5D-0A-00-10");
	sed_config(web, "s|00-15-5D-0A-00-11|00155D0A0010|"); /* same MAC, other form */
	run(f, false);
	tu_no_failure(&f->items);

	/* the switch reference is the source's, as it was */
	sed_config(web,
	           "s|A1E0F6C2-3B4D-4E5F-8A9B-0C1D2E3F4A01|A1E0F6C2-3B4D-4E5F-8A9B-0C1D2E3F4A09|");
	run(f, false);
	tu_only_failure(&f->items, "SMIG4006", "vm:web01/nic:Network Adapter",
	                "its switch reference");
}

/* ---- SMIG4007-4011: never checked from files ---- */

static void live_objects_not_migrated(void **state)
{
	struct fx *f = *state;

	f->plan.store_copy = false;
	f->plan.set_vmq = false;
	f->opts.ipmode = SMIG_IPMODE_NONE;
	run(f, false);
	tu_no_failure(&f->items);
	tu_expect(&f->items, "SMIG4009", "azman", SMIG_SEV_INFO, "the destination keeps its own");
	tu_expect(&f->items, "SMIG4010", "host", SMIG_SEV_INFO, "no VMQ setting is migrated");
	tu_expect(&f->items, "SMIG4011", "host", SMIG_SEV_INFO, "--ipconfig-mode none");
	f->src->azman.ad_store = true;
	run(f, false);
	tu_expect(&f->items, "SMIG4009", "azman", SMIG_SEV_INFO, "Active Directory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(faithful_placement_passes, setup, teardown),
	    cmocka_unit_test_setup_teardown(config_stamped_or_ended, setup, teardown),
	    cmocka_unit_test_setup_teardown(config_missing_or_other_id, setup, teardown),
	    cmocka_unit_test_setup_teardown(memory_or_processors_changed, setup, teardown),
	    cmocka_unit_test_setup_teardown(snapshot_config_missing, setup, teardown),
	    cmocka_unit_test_setup_teardown(reparented_disk_content, setup, teardown),
	    cmocka_unit_test_setup_teardown(disk_missing_or_changed, setup, teardown),
	    cmocka_unit_test_setup_teardown(disk_truncated, setup, teardown),
	    cmocka_unit_test_setup_teardown(drive_not_rewritten, setup, teardown),
	    cmocka_unit_test_setup_teardown(nic_changed, setup, teardown),
	    cmocka_unit_test_setup_teardown(live_objects_not_migrated, setup, teardown),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
