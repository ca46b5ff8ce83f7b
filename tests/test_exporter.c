/*
 * test_exporter.c - the export engine (common/exporter.c) on the lab-2008r2 example host:
 * member list and order, .reg members, byte-identical configurations and disks, selection,
 * the saved-state rule, the broken-VM rule, determinism, and that a failed export leaves
 * nothing behind. Archives are read back with libarchive directly and verified with the
 * project's own reader (smig_archive_verify).
 */
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "exporter.h"
#include "fileio.h"
#include "hostopts.h"
#include "sign.h"

#define WEB01 "6F0B2E9A-41C3-4B8E-9E5B-1D2C3A4B5C01"
#define SQL01 "8A3C5E7F-0A1B-4C2D-8E3F-4A5B6C7D8E02"
#define DC01 "2C4D6E8F-1A2B-4C3D-9E4F-5A6B7C8D9E03"
#define TEST01 "9E8F7A6B-5C4D-4E3F-8A2B-1C0D9E8F7A04"
#define VMDIR(id) "hyperv/vms/" id
/* Members below this size are kept in memory when an archive is read back. */
#define KEEP_MAX ((int64_t)1 << 20)

struct fix {
	char *dir, *host;
	struct smig_pubkey pub;
	struct smig_seckey sec;
};

struct amember {
	char *name;
	int64_t size, mtime;
	uint8_t sha[32];
	char *data; /* NULL when larger than KEEP_MAX */
};

struct alist {
	struct amember *m;
	size_t n;
};

static int setup(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct fix *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->dir = tu_mkdtemp();
	f->host = tu_fmt("%s/host", f->dir);
	tu_build_example("lab-2008r2", f->host);
	if (smig_sign_keygen(&f->pub, &f->sec, "test", &e) < 0)
		fail_msg("%s", e.msg);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	smig_seckey_wipe(&f->sec);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f->host);
	free(f);
	return 0;
}

static void alist_free(struct alist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->m[i].name);
		free(l->m[i].data);
	}
	free(l->m);
	l->m = NULL;
	l->n = 0;
}

/* Read every member of an archive with libarchive (any filter). */
static void alist_read(const char *path, struct alist *l)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ent;
	static char buf[1 << 16];

	memset(l, 0, sizeof(*l));
	archive_read_support_format_tar(a);
	archive_read_support_filter_all(a);
	assert_int_equal(archive_read_open_filename(a, path, 1 << 16), ARCHIVE_OK);
	while (archive_read_next_header(a, &ent) == ARCHIVE_OK) {
		struct amember *m;
		struct smig_sha256 h;
		struct smig_err e = SMIG_ERR_INIT;
		la_ssize_t r;
		size_t got = 0;

		l->m = realloc(l->m, (l->n + 1) * sizeof(*l->m));
		assert_non_null(l->m);
		m = &l->m[l->n++];
		memset(m, 0, sizeof(*m));
		m->name = strdup(archive_entry_pathname(ent));
		m->size = archive_entry_size(ent);
		m->mtime = archive_entry_mtime(ent);
		if (m->size <= KEEP_MAX) {
			m->data = malloc((size_t)m->size + 1);
			assert_non_null(m->data);
		}
		assert_int_equal(smig_sha256_init(&h, &e), 0);
		/* archive_read_data fills holes of sparse members with zeros */
		while ((r = archive_read_data(a, buf, sizeof(buf))) > 0) {
			smig_sha256_update(&h, buf, (size_t)r);
			if (m->data)
				memcpy(m->data + got, buf, (size_t)r);
			got += (size_t)r;
		}
		assert_true(r == 0);
		assert_int_equal(got, (size_t)m->size);
		if (m->data)
			m->data[got] = '\0';
		smig_sha256_final(&h, m->sha);
	}
	archive_read_free(a);
}

static const struct amember *alist_find(const struct alist *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->m[i].name, name) == 0)
			return &l->m[i];
	return NULL;
}

static size_t alist_count_prefix(const struct alist *l, const char *prefix)
{
	size_t i, n = 0;

	for (i = 0; i < l->n; i++)
		n += strncmp(l->m[i].name, prefix, strlen(prefix)) == 0;
	return n;
}

static void file_sha(const char *path, uint8_t out[32])
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_sha256 h;
	static char buf[1 << 16];
	ssize_t r;
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(smig_sha256_init(&h, &e), 0);
	while ((r = read(fd, buf, sizeof(buf))) > 0)
		smig_sha256_update(&h, buf, (size_t)r);
	assert_int_equal(r, 0);
	close(fd);
	smig_sha256_final(&h, out);
}

/*
 * Read the host at `host`, plan with `o`, write `out`. Returns the engine's status with `e`
 * filled; *x (may be NULL) gets the export object for inspection (caller frees).
 */
static int run_export(struct fix *f, const char *host, const struct smig_export_opts *o,
                      const char *out, bool force, struct smig_export **xp, struct smig_err *e)
{
	struct smig_hostopts ho = {0};
	struct smig_hostfs *fs = NULL;
	struct smig_inventory *inv = NULL;
	struct smig_features *ft = NULL;
	struct smig_export *x = NULL;
	int rc = -1;

	ho.root = host;
	if (smig_manifest_load(NULL, &ft, e) < 0 || smig_hostopts_read(&ho, &fs, &inv, e) < 0 ||
	    smig_export_new(&x, e) < 0)
		goto out;
	rc = smig_export_plan(x, fs, inv, ft, o, e);
	if (rc == 0)
		rc = smig_export_write(x, out, SMIG_COMPRESS_ZSTD, 2, force, &f->sec, "test", NULL,
		                       NULL, NULL, e);
out:
	if (xp)
		*xp = x;
	else
		smig_export_free(x);
	smig_manifest_free(ft);
	smig_inventory_free(inv);
	smig_hostfs_free(fs);
	return rc;
}

static void export_ok(struct fix *f, const struct smig_export_opts *o, const char *out,
                      struct alist *l)
{
	struct smig_err e = SMIG_ERR_INIT;
	size_t members = 0;

	if (run_export(f, f->host, o, out, true, NULL, &e) < 0)
		fail_msg("export failed: %s", e.msg);
	if (smig_archive_verify(out, f->dir, &f->pub, NULL, &members, &e) < 0)
		fail_msg("the archive does not verify: %s", e.msg);
	alist_read(out, l);
	assert_int_equal(members, l->n);
}

static void members_and_order(void **state)
{
	struct fix *f = *state;
	struct smig_export_opts o = {0};
	struct alist l;
	char *out = tu_fmt("%s/all.smig", f->dir);
	static const char *const expect[] = {
	    "hyperv/host-settings.reg",
	    "hyperv/authorization-store.reg",
	    "hyperv/authorization-store/InitialStore.xml",
	    "hyperv/virtual-networks.reg",
	    "hyperv/vmq.reg",
	    "ipconfig/tcpip-settings.reg",
	    "ipconfig/ipconfig-output/IPSettings.txt",
	    VMDIR(DC01) "/config.xml",
	    VMDIR(DC01) "/disks/dc01.vhd",
	    VMDIR(SQL01) "/config.xml",
	    VMDIR(SQL01) "/disks/sql01-system.vhd",
	    VMDIR(TEST01) "/config.xml",
	    VMDIR(WEB01) "/config.xml",
	    VMDIR(WEB01) "/snapshots/4E6C8B21-0002-4D3F-8A21-6B7C8D9E0F02.xml",
	    VMDIR(WEB01) "/snapshots/4E6C8B21-0003-4D3F-8A21-6B7C8D9E0F03.xml",
	    VMDIR(WEB01) "/disks/web01.vhd",
	    VMDIR(WEB01) "/disks/web01_4E6C8B21-0002-4D3F-8A21-6B7C8D9E0F02.avhd",
	    VMDIR(WEB01) "/disks/web01_4E6C8B21-0003-4D3F-8A21-6B7C8D9E0F03.avhd",
	};
	size_t i, prev = 0;

	export_ok(f, &o, out, &l);
	assert_string_equal(l.m[0].name, "smig/descriptor.xml");
	assert_string_equal(l.m[l.n - 2].name, "smig/SHA256");
	assert_string_equal(l.m[l.n - 1].name, "smig/SHA256.sig");
	for (i = 0; i < sizeof(expect) / sizeof(expect[0]); i++)
		if (alist_find(&l, expect[i]) == NULL)
			fail_msg("member '%s' is missing", expect[i]);
	/* feature data before the VMs, a VM's configuration before its disks */
	for (i = 0; i < l.n; i++)
		if (strcmp(l.m[i].name, VMDIR(WEB01) "/config.xml") == 0)
			prev = i;
	assert_true(prev > 0);
	for (i = 0; i < l.n; i++) {
		if (strncmp(l.m[i].name, VMDIR(WEB01) "/disks/", strlen(VMDIR(WEB01)) + 7) == 0)
			assert_true(i > prev);
		if (strncmp(l.m[i].name, "ipconfig/", 9) == 0)
			assert_true(i < prev);
	}
	/* never copied: the stale AVHD, ISO, floppy, saved state (without the option) */
	assert_int_equal(alist_count_prefix(&l, VMDIR(WEB01) "/disks/"), 3);
	assert_int_equal(alist_count_prefix(&l, VMDIR(SQL01) "/state/"), 0);
	for (i = 0; i < l.n; i++) {
		assert_null(strstr(l.m[i].name, ".iso"));
		assert_null(strstr(l.m[i].name, ".vfd"));
		assert_null(strstr(l.m[i].name, "00FF"));
	}
	/* every payload member is listed in the signed checksum list */
	for (i = 0; i + 2 < l.n; i++) {
		char *line = tu_fmt("SHA256 (%s) = ", l.m[i].name);
		assert_non_null(strstr(alist_find(&l, "smig/SHA256")->data, line));
		free(line);
	}
	/* the signature names the key */
	assert_true(strncmp(alist_find(&l, "smig/SHA256.sig")->data,
	                    "untrusted comment: verify with test.pub\n", 40) == 0);
	alist_free(&l);
	free(out);
}

static void reg_members_decode(void **state)
{
	struct fix *f = *state;
	struct smig_export_opts o = {0};
	struct smig_err e = SMIG_ERR_INIT;
	struct alist l;
	char *out = tu_fmt("%s/reg.smig", f->dir), *text = NULL;
	const struct amember *m;

	export_ok(f, &o, out, &l);
	m = alist_find(&l, "hyperv/virtual-networks.reg");
	assert_non_null(m);
	assert_true(m->size > 4);
	assert_int_equal((unsigned char)m->data[0], 0xFF);
	assert_int_equal((unsigned char)m->data[1], 0xFE);
	assert_int_equal(smig_utf16le_to_utf8(m->data + 2, (size_t)m->size - 2, &text, &e), 0);
	assert_true(strncmp(text, "Windows Registry Editor Version 5.00\r\n", 38) == 0);
	assert_non_null(strstr(text, "[HKEY_LOCAL_MACHINE\\SYSTEM\\"));
	assert_non_null(strstr(text, "External LAN"));
	free(text);
	text = NULL;
	m = alist_find(&l, "hyperv/host-settings.reg");
	assert_non_null(m);
	assert_int_equal(smig_utf16le_to_utf8(m->data + 2, (size_t)m->size - 2, &text, &e), 0);
	assert_non_null(strstr(text, "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\"
	                             "CurrentVersion\\Virtualization]\r\n"));
	assert_non_null(strstr(text, "\"DefaultVirtualHardDiskPath\"=\"D:\\\\VHD\""));
	free(text);
	/* a component without registry captures has no .reg (the twin, a component whose
	 * keys are absent, is in duplicate_and_mapped_names) */
	assert_null(alist_find(&l, "hyperv/host-vnics.reg"));
	assert_non_null(alist_find(&l, "hyperv/remote-administration.reg"));
	alist_free(&l);
	free(out);
}

static void files_byte_identical(void **state)
{
	struct fix *f = *state;
	struct smig_export_opts o = {0};
	struct alist l;
	char *out = tu_fmt("%s/ident.smig", f->dir);
	static const char *const pairs[][2] = {
	    {VMDIR(WEB01) "/config.xml", "D/Hyper-V/web01/Virtual Machines/" WEB01 ".xml"},
	    {VMDIR(WEB01) "/snapshots/4E6C8B21-0002-4D3F-8A21-6B7C8D9E0F02.xml",
	     "D/Hyper-V/web01/Snapshots/4E6C8B21-0002-4D3F-8A21-6B7C8D9E0F02.xml"},
	    {VMDIR(WEB01) "/disks/web01.vhd", "D/VHD/web01.vhd"},
	    {VMDIR(WEB01) "/disks/web01_4E6C8B21-0003-4D3F-8A21-6B7C8D9E0F03.avhd",
	     "D/VHD/web01_4E6C8B21-0003-4D3F-8A21-6B7C8D9E0F03.avhd"},
	    {VMDIR(SQL01) "/disks/sql01-system.vhd", "D/VHD/sql01-system.vhd"},
	    {VMDIR(DC01) "/disks/dc01.vhd",
	     "C/Users/Public/Documents/Hyper-V/Virtual Hard Disks/dc01.vhd"},
	    {"hyperv/authorization-store/InitialStore.xml",
	     "C/ProgramData/Microsoft/Windows/Hyper-V/InitialStore.xml"},
	};
	size_t i;

	export_ok(f, &o, out, &l);
	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		const struct amember *m = alist_find(&l, pairs[i][0]);
		char *src = tu_fmt("%s/%s", f->host, pairs[i][1]);
		uint8_t sha[32];
		struct stat st;

		assert_non_null(m);
		assert_int_equal(stat(src, &st), 0);
		assert_int_equal(m->size, st.st_size);
		assert_int_equal(m->mtime, st.st_mtime);
		file_sha(src, sha);
		if (memcmp(sha, m->sha, 32) != 0)
			fail_msg("'%s' differs from '%s'", pairs[i][0], src);
		free(src);
	}
	/* the twin: a member that differs is caught by the same comparison */
	{
		char *src = tu_fmt("%s/D/VHD/web01.vhd", f->host);
		uint8_t sha[32];
		file_sha(src, sha);
		assert_memory_not_equal(sha, alist_find(&l, VMDIR(WEB01) "/config.xml")->sha, 32);
		free(src);
	}
	alist_free(&l);
	free(out);
}

static void selection(void **state)
{
	struct fix *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	struct alist l;
	char *out = tu_fmt("%s/sel.smig", f->dir);
	const char *vm_name[] = {"WEB01"}, *vm_guid[] = {"{8a3c5e7f-0a1b-4c2d-8e3f-4a5b6c7d8e02}"};
	const char *bad_vm[] = {"nosuch"}, *ipc[] = {"ipconfig"}, *bad_ft[] = {"dhcp"};
	struct smig_export_opts o = {0};

	/* by name, case-insensitively */
	o.vms = vm_name;
	o.nvms = 1;
	export_ok(f, &o, out, &l);
	assert_true(alist_count_prefix(&l, VMDIR(WEB01) "/") >= 6);
	assert_int_equal(alist_count_prefix(&l, "hyperv/vms/"),
	                 alist_count_prefix(&l, VMDIR(WEB01) "/"));
	alist_free(&l);
	/* by GUID in another form */
	o.vms = vm_guid;
	export_ok(f, &o, out, &l);
	assert_int_equal(alist_count_prefix(&l, "hyperv/vms/"), 2);
	assert_non_null(alist_find(&l, VMDIR(SQL01) "/disks/sql01-system.vhd"));
	alist_free(&l);
	/* unknown VM: usage error, nothing written */
	unlink(out);
	o.vms = bad_vm;
	assert_int_equal(run_export(f, f->host, &o, out, false, NULL, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_USAGE);
	assert_non_null(strstr(e.msg, "'nosuch'"));
	assert_int_equal(access(out, F_OK), -1);
	/* one feature */
	memset(&o, 0, sizeof(o));
	o.features = ipc;
	o.nfeatures = 1;
	export_ok(f, &o, out, &l);
	assert_int_equal(alist_count_prefix(&l, "hyperv/"), 0);
	assert_non_null(alist_find(&l, "ipconfig/tcpip-settings.reg"));
	alist_free(&l);
	/* --vm without a feature holding VMs; an unknown feature */
	o.vms = vm_name;
	o.nvms = 1;
	smig_err_clear(&e);
	assert_int_equal(run_export(f, f->host, &o, out, true, NULL, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_USAGE);
	memset(&o, 0, sizeof(o));
	o.features = bad_ft;
	o.nfeatures = 1;
	smig_err_clear(&e);
	assert_int_equal(run_export(f, f->host, &o, out, true, NULL, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_USAGE);
	assert_non_null(strstr(e.msg, "'dhcp'"));
	/* --type config: no disks; --type storage: disks only */
	memset(&o, 0, sizeof(o));
	o.type = SMIG_EXPORT_CONFIG;
	export_ok(f, &o, out, &l);
	assert_non_null(alist_find(&l, VMDIR(WEB01) "/config.xml"));
	assert_null(alist_find(&l, VMDIR(WEB01) "/disks/web01.vhd"));
	assert_non_null(alist_find(&l, "hyperv/host-settings.reg"));
	alist_free(&l);
	o.type = SMIG_EXPORT_STORAGE;
	export_ok(f, &o, out, &l);
	assert_null(alist_find(&l, VMDIR(WEB01) "/config.xml"));
	assert_null(alist_find(&l, "hyperv/host-settings.reg"));
	assert_non_null(alist_find(&l, VMDIR(WEB01) "/disks/web01.vhd"));
	assert_int_equal(alist_count_prefix(&l, "hyperv/vms/"), 6);
	alist_free(&l);
	free(out);
}

static void saved_state_rule(void **state)
{
	struct fix *f = *state;
	struct smig_export_opts o = {0};
	struct alist l;
	char *out = tu_fmt("%s/state.smig", f->dir);

	export_ok(f, &o, out, &l);
	assert_int_equal(alist_count_prefix(&l, VMDIR(SQL01) "/state/"), 0);
	assert_int_equal(alist_count_prefix(&l, VMDIR(WEB01) "/state/"), 0);
	/* recorded anyway: the descriptor says the VM has saved state */
	assert_non_null(strstr(l.m[0].data, "<vm id=\"" SQL01 "\""));
	assert_non_null(
	    strstr(strstr(l.m[0].data, "<vm id=\"" SQL01 "\""), "saved-state=\"true\""));
	assert_non_null(strstr(l.m[0].data, "include-saved-state=\"false\""));
	alist_free(&l);
	o.include_saved_state = true;
	export_ok(f, &o, out, &l);
	assert_non_null(alist_find(&l, VMDIR(SQL01) "/state/" SQL01 ".vsv"));
	assert_non_null(alist_find(&l, VMDIR(SQL01) "/state/" SQL01 ".bin"));
	assert_non_null(
	    alist_find(&l, VMDIR(WEB01) "/state/4E6C8B21-0003-4D3F-8A21-6B7C8D9E0F03.vsv"));
	assert_int_equal(alist_count_prefix(&l, VMDIR(DC01) "/state/"), 0);
	alist_free(&l);
	free(out);
}

static void flip_byte(const char *path, off_t off)
{
	unsigned char c;
	int fd = open(path, O_RDWR);

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &c, 1, off), 1);
	c ^= 0x5A;
	assert_int_equal(pwrite(fd, &c, 1, off), 1);
	close(fd);
}

static void broken_vm_rule(void **state)
{
	struct fix *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_export *x = NULL;
	char *host = tu_fmt("%s/broken", f->dir), *out = tu_fmt("%s/broken.smig", f->dir);
	char *vhd = tu_fmt("%s/C/Users/Public/Documents/Hyper-V/Virtual Hard Disks/dc01.vhd", host);
	char *log = NULL;
	const char *others[] = {"web01", "sql01", "test01"};
	struct smig_export_opts o = {0};
	struct alist l;
	struct stat st;

	tu_build_example("lab-2008r2", host);
	assert_int_equal(stat(vhd, &st), 0);
	/* the footer's checksum field (footer offset 64) */
	flip_byte(vhd, st.st_size - 512 + 64);
	assert_int_equal(run_export(f, host, &o, out, false, &x, &e), -1);
	assert_int_equal(smig_err_exit_code(&e), 1);
	assert_non_null(strstr(e.msg, "'dc01'"));
	assert_non_null(strstr(e.msg, "checksum"));
	assert_int_equal(access(out, F_OK), -1);
	/* the log names the failing VM */
	log = smig_export_log_json(x, NULL, &e);
	assert_non_null(log);
	assert_non_null(strstr(log, "\"success\":false"));
	assert_non_null(strstr(log, "dc01"));
	free(log);
	smig_export_free(x);
	/* leaving it out with --vm: the others export */
	o.vms = others;
	o.nvms = 3;
	smig_err_clear(&e);
	if (run_export(f, host, &o, out, false, NULL, &e) < 0)
		fail_msg("%s", e.msg);
	alist_read(out, &l);
	assert_int_equal(alist_count_prefix(&l, VMDIR(DC01) "/"), 0);
	assert_true(alist_count_prefix(&l, VMDIR(WEB01) "/") > 0);
	alist_free(&l);
	/* a missing VHD named in a configuration fails the same way, naming the VM */
	unlink(out);
	free(vhd);
	vhd = tu_fmt("%s/D/Hyper-V/test01/test01.vhd", host);
	assert_int_equal(unlink(vhd), 0);
	smig_err_clear(&e);
	assert_int_equal(run_export(f, host, &o, out, false, NULL, &e), -1);
	assert_non_null(strstr(e.msg, "'test01'"));
	assert_non_null(strstr(e.msg, "test01.vhd"));
	assert_int_equal(access(out, F_OK), -1);
	free(vhd);
	free(out);
	free(host);
}

/* The descriptor with its archive id and creation time blanked. */
static char *desc_blanked(const char *d)
{
	char *s = strdup(d), *p;
	static const char *const tags[] = {"<archive-id>", "<created>"};
	size_t i;

	assert_non_null(s);
	for (i = 0; i < 2; i++) {
		p = strstr(s, tags[i]);
		assert_non_null(p);
		p += strlen(tags[i]);
		while (*p && *p != '<')
			*p++ = 'x';
	}
	return s;
}

static void deterministic(void **state)
{
	struct fix *f = *state;
	struct smig_export_opts o = {0};
	struct alist a, b;
	char *o1 = tu_fmt("%s/d1.smig", f->dir), *o2 = tu_fmt("%s/d2.smig", f->dir);
	char *da, *db;
	size_t i;

	export_ok(f, &o, o1, &a);
	sleep(1); /* a different creation time */
	export_ok(f, &o, o2, &b);
	assert_int_equal(a.n, b.n);
	for (i = 0; i < a.n; i++) {
		assert_string_equal(a.m[i].name, b.m[i].name);
		if (strncmp(a.m[i].name, "smig/", 5) == 0)
			continue;
		assert_int_equal(a.m[i].size, b.m[i].size);
		assert_int_equal(a.m[i].mtime, b.m[i].mtime);
		assert_memory_equal(a.m[i].sha, b.m[i].sha, 32);
	}
	/* the descriptors differ, only in archive id and creation time */
	assert_string_not_equal(a.m[0].data, b.m[0].data);
	da = desc_blanked(a.m[0].data);
	db = desc_blanked(b.m[0].data);
	assert_string_equal(da, db);
	free(da);
	free(db);
	alist_free(&a);
	alist_free(&b);
	free(o1);
	free(o2);
}

static void refuse_existing_and_leave_nothing(void **state)
{
	struct fix *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_export_opts o = {0};
	struct smig_hostopts ho = {0};
	struct smig_hostfs *fs = NULL;
	struct smig_inventory *inv = NULL;
	struct smig_features *ft = NULL;
	struct smig_export *x = NULL;
	char *dir = tu_fmt("%s/outdir", f->dir), *out = tu_fmt("%s/a.smig", dir);
	char *host = tu_fmt("%s/h2", f->dir), *victim;
	char *listing;
	size_t len;

	assert_int_equal(mkdir(dir, 0755), 0);
	tu_write(out, "old", 3);
	assert_int_equal(run_export(f, f->host, &o, out, false, NULL, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_IO);
	assert_int_equal(e.sys_errno, EEXIST);
	listing = tu_read(out, &len);
	assert_int_equal(len, 3); /* untouched */
	free(listing);
	smig_err_clear(&e);
	assert_int_equal(run_export(f, f->host, &o, out, true, NULL, &e), 0);
	assert_int_equal(unlink(out), 0);

	/* a source file vanishing between plan and write: the write fails, nothing stays */
	tu_build_example("lab-2008r2", host);
	ho.root = host;
	assert_int_equal(smig_manifest_load(NULL, &ft, &e), 0);
	assert_int_equal(smig_hostopts_read(&ho, &fs, &inv, &e), 0);
	assert_int_equal(smig_export_new(&x, &e), 0);
	assert_int_equal(smig_export_plan(x, fs, inv, ft, &o, &e), 0);
	victim = tu_fmt("%s/D/VHD/web01.vhd", host);
	assert_int_equal(unlink(victim), 0);
	assert_int_equal(smig_export_write(x, out, SMIG_COMPRESS_GZIP, 0, false, &f->sec, "test",
	                                   NULL, NULL, NULL, &e),
	                 -1);
	assert_non_null(strstr(e.msg, "web01.vhd"));
	assert_int_equal(tu_sh("test -z \"$(ls -A '%s')\"", dir), 0);
	listing = smig_export_log_json(x, &len, &e);
	assert_non_null(strstr(listing, "\"success\":false"));
	assert_non_null(strstr(listing, "\"what\":\"descriptor\""));
	free(listing);
	smig_export_free(x);
	smig_manifest_free(ft);
	smig_inventory_free(inv);
	smig_hostfs_free(fs);
	free(victim);
	free(host);
	free(out);
	free(dir);
}

static void member_names(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	static const char *const cases[][2] = {
	    {"web01.vhd", "web01.vhd"},
	    {"web (1).vhd", "web _1_.vhd"},
	    {"caf\xc3\xa9 {x}+a,b.vhd", "caf_ {x}+a,b.vhd"},
	    {"a*b?c.avhd", "a_b_c.avhd"},
	    {"..", "_"},
	    {"", "_"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *s = smig_export_member_component(cases[i][0], &e);
		assert_non_null(s);
		assert_string_equal(s, cases[i][1]);
		free(s);
	}
}

/* Two disks of one VM with the same file name, and a name signify cannot take. */
static void duplicate_and_mapped_names(void **state)
{
	struct fix *f = *state;
	struct smig_export_opts o = {0};
	struct alist l;
	char *host = tu_fmt("%s/dup", f->dir), *json = tu_fmt("%s/dup.json", f->dir);
	char *out = tu_fmt("%s/dup.smig", f->dir);
	const struct amember *d;
	int rc;

	rc = tu_sh(
	    "cd '%s/examples/lab-2008r2' && cp IPSettings.txt systeminfo.txt InitialStore.xml "
	    "'%s/' && python3 -c 'import sys; s = open(\"host.json\").read(); "
	    "s = "
	    "s.replace(\"D:\\\\\\\\VHD\\\\\\\\web01_4E6C8B21-0002-4D3F-8A21-6B7C8D9E0F02.avhd\", "
	    "\"D:\\\\\\\\Snap\\\\\\\\WEB01.vhd\"); "
	    "s = s.replace(\"dc01.vhd\", \"dc01 (old).vhd\"); "
	    "s = s.replace(\"Ole\\\":\", \"OleX\\\":\"); open(sys.argv[1], \"w\").write(s)' '%s'",
	    SMIG_SOURCE_DIR, f->dir, json);
	if (rc != 0)
		skip();
	{
		char *mk = tu_bin("smig-mkhost");
		assert_int_equal(tu_sh("'%s' --force '%s' '%s' >/dev/null", mk, json, host), 0);
		free(mk);
	}
	{
		struct smig_err e = SMIG_ERR_INIT;
		if (run_export(f, host, &o, out, true, NULL, &e) < 0)
			fail_msg("%s", e.msg);
	}
	alist_read(out, &l);
	/* the chain is listed leaf first: Snap\WEB01.vhd keeps its name, the base is later */
	assert_non_null(alist_find(&l, VMDIR(WEB01) "/disks/WEB01.vhd"));
	assert_non_null(alist_find(&l, VMDIR(WEB01) "/disks/web01-1.vhd"));
	assert_null(alist_find(&l, VMDIR(WEB01) "/disks/web01.vhd"));
	assert_non_null(alist_find(&l, VMDIR(DC01) "/disks/dc01 _old_.vhd"));
	/* no MachineLaunchRestriction key on this host: no .reg for the component */
	assert_null(alist_find(&l, "hyperv/remote-administration.reg"));
	assert_non_null(alist_find(&l, "hyperv/firewall.reg"));
	/* the descriptor keeps the original Windows paths */
	d = &l.m[0];
	assert_non_null(strstr(d->data, "D:\\Snap\\WEB01.vhd"));
	assert_non_null(strstr(d->data, "dc01 (old).vhd"));
	alist_free(&l);
	free(out);
	free(json);
	free(host);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(member_names),
	    cmocka_unit_test_setup_teardown(members_and_order, setup, teardown),
	    cmocka_unit_test_setup_teardown(reg_members_decode, setup, teardown),
	    cmocka_unit_test_setup_teardown(files_byte_identical, setup, teardown),
	    cmocka_unit_test_setup_teardown(selection, setup, teardown),
	    cmocka_unit_test_setup_teardown(saved_state_rule, setup, teardown),
	    cmocka_unit_test_setup_teardown(broken_vm_rule, setup, teardown),
	    cmocka_unit_test_setup_teardown(deterministic, setup, teardown),
	    cmocka_unit_test_setup_teardown(refuse_existing_and_leave_nothing, setup, teardown),
	    cmocka_unit_test_setup_teardown(duplicate_and_mapped_names, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
