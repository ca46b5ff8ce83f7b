/*
 * test_archive.c - the .smig container (docs/archive.md §2, §5, §6): archives written here are
 * read by bsdtar, GNU tar, sha256sum and signify; hostile archives made with libarchive directly
 * are each refused with SMIG_ERR_INTEGRITY and leave no staging directory behind.
 */
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "archive.h"

#include <archive.h>
#include <archive_entry.h>

#include "fileio.h"
#include "sign.h"

#define MIB ((size_t)1 << 20)
#define VHD_NAME "hyperv/vms/6F0B2D3A-1C4E-4A5B-9D8E-7F6A5B4C3D2E/disks/web01.vhd"
#define CFG_NAME "hyperv/vms/6F0B2D3A-1C4E-4A5B-9D8E-7F6A5B4C3D2E/config.xml"
#define BIG_NAME "files/{big} file+1,2.bin"
#define REG_NAME "hyperv/host.reg"
#define DESC_NAME "smig/descriptor.xml"
#define SPARSE_SIZE ((off_t)64 << 20)

struct fix {
	char *dir;
	struct smig_pubkey pub;
	struct smig_seckey sec;
	char *pubfile;
	char *sparse, *cfg, *big; /* source files */
};

static void fill(unsigned char *p, size_t n, uint32_t seed)
{
	uint32_t x = seed | 1;
	size_t i;

	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (unsigned char)x;
	}
}

static void write_at(const char *path, off_t off, size_t n, uint32_t seed)
{
	unsigned char *buf = malloc(n);
	int fd = open(path, O_WRONLY);

	assert_non_null(buf);
	assert_true(fd >= 0);
	fill(buf, n, seed);
	assert_int_equal(pwrite(fd, buf, n, off), (ssize_t)n);
	assert_int_equal(close(fd), 0);
	free(buf);
}

static off_t blocks_bytes(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return (off_t)st.st_blocks * 512;
}

static int setup(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct fix *f = calloc(1, sizeof(*f));
	char *sec;
	int fd;

	assert_non_null(f);
	f->dir = tu_mkdtemp();
	if (smig_sign_keygen(&f->pub, &f->sec, "smig test", &e) < 0)
		fail_msg("%s", e.msg);
	f->pubfile = tu_fmt("%s/test.pub", f->dir);
	sec = tu_fmt("%s/test.sec", f->dir);
	if (smig_sign_write_keys(f->pubfile, sec, &f->pub, &f->sec, &e) < 0)
		fail_msg("%s", e.msg);
	free(sec);

	/* a fixed VHD as it usually is: 64 MiB, two data regions, the rest holes */
	f->sparse = tu_fmt("%s/src-web01.vhd", f->dir);
	fd = open(f->sparse, O_WRONLY | O_CREAT | O_EXCL, 0644);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, SPARSE_SIZE), 0);
	assert_int_equal(close(fd), 0);
	write_at(f->sparse, 1 << 20, MIB, 1);
	write_at(f->sparse, SPARSE_SIZE - 512, 512, 2); /* the footer */
	f->cfg = tu_fmt("%s/src-config.xml", f->dir);
	tu_write(f->cfg, "<?xml version=\"1.0\"?>\n<configuration/>\n", 39);
	f->big = tu_fmt("%s/src-big.bin", f->dir);
	fd = open(f->big, O_WRONLY | O_CREAT | O_EXCL, 0644);
	assert_true(fd >= 0);
	assert_int_equal(close(fd), 0);
	write_at(f->big, 0, 3 * MIB + 17, 3);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	tu_rmtree(f->dir);
	smig_seckey_wipe(&f->sec);
	free(f->dir);
	free(f->pubfile);
	free(f->sparse);
	free(f->cfg);
	free(f->big);
	free(f);
	return 0;
}

/* ---- names, compression names, checksum list ---- */

static void names(void **state)
{
	static const char *good[] = {
		"smig/descriptor.xml", "a", "hyperv/vms/{X}/disks/web 01 (2).vhd", "a+b,c-d_e.f",
		"...", ".hidden/x",
	};
	static const char *bad[] = {
		"", "/abs", "../x", "a/../b", "a/./b", ".", "a//b", "a/", "a\\b", "a:b", "a*",
		"caf\xc3\xa9", "a\nb", "a\x1b[31m",
	};
	enum smig_compress c;
	char longname[SMIG_ARCHIVE_NAME_MAX + 2];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(smig_archive_name_ok(good[i]));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (smig_archive_name_ok(bad[i]))
			fail_msg("name '%s' accepted", bad[i]);
	memset(longname, 'a', sizeof(longname));
	longname[SMIG_ARCHIVE_NAME_MAX] = '\0';
	assert_true(smig_archive_name_ok(longname));
	longname[SMIG_ARCHIVE_NAME_MAX] = 'a';
	longname[SMIG_ARCHIVE_NAME_MAX + 1] = '\0';
	assert_false(smig_archive_name_ok(longname));

	assert_int_equal(smig_compress_parse("zstd", &c), 0);
	assert_int_equal(c, SMIG_COMPRESS_ZSTD);
	assert_int_equal(smig_compress_parse("gzip", &c), 0);
	assert_int_equal(c, SMIG_COMPRESS_GZIP);
	assert_int_equal(smig_compress_parse("none", &c), 0);
	assert_int_equal(c, SMIG_COMPRESS_NONE);
	assert_int_equal(smig_compress_parse("xz", &c), -1);
	assert_int_equal(smig_compress_parse("ZSTD", &c), -1);
}

static void sumlist(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_sumentry ent[3] = {{"b", {0}}, {"B", {0}}, {"a/c", {0}}};
	struct smig_sumline *lines = NULL;
	size_t len = 0, n = 0;
	char *text;

	(void)state;
	ent[0].sha256[0] = 0xab;
	ent[2].sha256[31] = 0x01;
	text = smig_sumlist_build(ent, 3, &len, &e);
	assert_non_null(text);
	assert_string_equal(text,
		"SHA256 (B) = 0000000000000000000000000000000000000000000000000000000000000000\n"
		"SHA256 (a/c) = 0000000000000000000000000000000000000000000000000000000000000001\n"
		"SHA256 (b) = ab00000000000000000000000000000000000000000000000000000000000000\n");
	assert_int_equal(len, strlen(text));
	/* what the writer builds, the parser of sign.c takes */
	if (smig_sumlist_parse(text, len, &lines, &n, &e) < 0)
		fail_msg("%s", e.msg);
	assert_int_equal(n, 3);
	assert_string_equal(lines[2].path, "b");
	assert_int_equal(lines[2].digest[0], 0xab);
	smig_sumlist_free(lines, n);
	free(text);

	ent[1].name = "b";
	assert_null(smig_sumlist_build(ent, 3, &len, &e));
	assert_int_equal(e.kind, SMIG_ERR_USAGE);
	smig_err_clear(&e);
	text = smig_sumlist_build(NULL, 0, &len, &e);
	assert_non_null(text);
	assert_int_equal(len, 0);
	free(text);
}

/* ---- writing a real archive ---- */

struct sample {
	uint8_t vhd[32], cfg[32], big[32], reg[32], desc[32];
	uint64_t vhd_size, big_size;
	uint64_t progress_calls, progress_last;
};

static void on_progress(void *ctx, const struct smig_archive_progress *p)
{
	struct sample *s = ctx;

	assert_true(p->bytes_done >= s->progress_last);
	assert_true(smig_archive_name_ok(p->member));
	s->progress_last = p->bytes_done;
	s->progress_calls++;
}

static void add_signed_trailer(struct smig_archive_writer *w, const struct smig_seckey *sec,
			       struct smig_sumentry *ent, size_t n)
{
	struct smig_err e = SMIG_ERR_INIT;
	char *sums, *sig = NULL;
	size_t sumslen = 0, siglen = 0;

	sums = smig_sumlist_build(ent, n, &sumslen, &e);
	assert_non_null(sums);
	if (smig_archive_add_buffer(w, SMIG_ARCHIVE_SUMS, sums, sumslen, 1400000000, NULL,
				    &e) < 0 ||
	    smig_sign_embedded(sec, "test", sums, sumslen, &sig, &siglen, &e) < 0 ||
	    smig_archive_add_buffer(w, SMIG_ARCHIVE_SIG, sig, siglen, 1400000000, NULL, &e) < 0)
		fail_msg("%s", e.msg);
	free(sums);
	free(sig);
}

/* The archive export would write: descriptor, payload, list, signature. */
static void write_sample(struct fix *f, const char *out, enum smig_compress c, struct sample *s)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_archive_writer *w = NULL;
	static const char desc[] = "<?xml version=\"1.0\"?>\n<smig format=\"1\"/>\n";
	static const char reg[] = "\xff\xfeW\0i\0n\0\r\0\n\0";
	struct smig_sumentry ent[5];
	uint64_t sz = 0;

	memset(s, 0, sizeof(*s));
	if (smig_archive_writer_open(out, c, 2, false, &w, &e) < 0)
		fail_msg("%s", e.msg);
	smig_archive_writer_set_progress(w, on_progress, s);
	if (smig_archive_add_buffer(w, DESC_NAME, desc, sizeof(desc) - 1, 1400000000, s->desc,
				    &e) < 0 ||
	    smig_archive_add_file(w, CFG_NAME, f->cfg, "D:\\VMs\\config.xml", s->cfg, &sz,
				  &e) < 0 ||
	    smig_archive_add_file(w, VHD_NAME, f->sparse, "D:\\VMs\\web01.vhd", s->vhd,
				  &s->vhd_size, &e) < 0 ||
	    smig_archive_add_file(w, BIG_NAME, f->big, NULL, s->big, &s->big_size, &e) < 0 ||
	    smig_archive_add_buffer(w, REG_NAME, reg, sizeof(reg) - 1, 1400000000, s->reg,
				    &e) < 0)
		fail_msg("%s", e.msg);
	assert_int_equal(sz, 39);
	assert_int_equal(s->vhd_size, (uint64_t)SPARSE_SIZE);
	assert_int_equal(s->big_size, 3 * MIB + 17);
	ent[0].name = DESC_NAME;
	memcpy(ent[0].sha256, s->desc, 32);
	ent[1].name = CFG_NAME;
	memcpy(ent[1].sha256, s->cfg, 32);
	ent[2].name = VHD_NAME;
	memcpy(ent[2].sha256, s->vhd, 32);
	ent[3].name = BIG_NAME;
	memcpy(ent[3].sha256, s->big, 32);
	ent[4].name = REG_NAME;
	memcpy(ent[4].sha256, s->reg, 32);
	add_signed_trailer(w, &f->sec, ent, 5);
	if (smig_archive_writer_finish(w, &e) < 0)
		fail_msg("%s", e.msg);
	/* progress saw every logical byte, holes included */
	assert_true(s->progress_calls >= 7);
	assert_true(s->progress_last >= (uint64_t)SPARSE_SIZE + 3 * MIB);
}

/* `sha256sum` of `path` equals `digest`. */
static void assert_sha256sum(const char *path, const uint8_t digest[32])
{
	char hex[65];

	smig_hex(digest, 32, hex);
	if (tu_sh("test \"$(sha256sum < '%s' | cut -d' ' -f1)\" = %s", path, hex) != 0)
		fail_msg("sha256sum of '%s' is not %s", path, hex);
}

static void check_tree(struct fix *f, const char *root, const struct sample *s)
{
	char *p;

	p = tu_fmt("%s/%s", root, VHD_NAME);
	assert_int_equal(tu_sh("cmp -s '%s' '%s'", p, f->sparse), 0);
	assert_sha256sum(p, s->vhd);
	/* extracted with its holes: 1 MiB + 512 bytes of data in a 64 MiB file */
	if (blocks_bytes(p) > (off_t)(8 * MIB))
		fail_msg("'%s' uses %lld bytes: holes were not kept", p,
			 (long long)blocks_bytes(p));
	free(p);
	p = tu_fmt("%s/%s", root, CFG_NAME);
	assert_int_equal(tu_sh("cmp -s '%s' '%s'", p, f->cfg), 0);
	assert_sha256sum(p, s->cfg);
	free(p);
	p = tu_fmt("%s/%s", root, BIG_NAME);
	assert_int_equal(tu_sh("cmp -s '%s' '%s'", p, f->big), 0);
	assert_sha256sum(p, s->big);
	free(p);
	p = tu_fmt("%s/%s", root, DESC_NAME);
	assert_sha256sum(p, s->desc);
	free(p);
	p = tu_fmt("%s/%s", root, REG_NAME);
	assert_sha256sum(p, s->reg);
	free(p);
}

/* The container is what --compress asked for (formats.md §14.2 magic numbers). */
static void assert_magic(const char *path, enum smig_compress c)
{
	size_t len = 0;
	unsigned char *p = (unsigned char *)tu_read(path, &len);

	assert_true(len > 262);
	switch (c) {
	case SMIG_COMPRESS_ZSTD:
		assert_memory_equal(p, "\x28\xb5\x2f\xfd", 4);
		break;
	case SMIG_COMPRESS_GZIP:
		assert_memory_equal(p, "\x1f\x8b", 2);
		break;
	case SMIG_COMPRESS_NONE:
		assert_memory_equal(p + 257, "ustar", 5);
		break;
	}
	free(p);
}

static void roundtrip(struct fix *f, enum smig_compress c)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_staged *st = NULL;
	const struct smig_staged_member *m;
	struct sample s;
	char *arc = tu_fmt("%s/out.smig", f->dir);
	char *x1 = tu_fmt("%s/bsdtar-x", f->dir), *x2 = tu_fmt("%s/gnutar-x", f->dir);
	char *stg = tu_fmt("%s/staging", f->dir);
	size_t n = 0;
	char *p;

	write_sample(f, arc, c, &s);
	assert_magic(arc, c);
	/* the holes of the 64 MiB disk are not in the archive */
	if (c == SMIG_COMPRESS_NONE) {
		struct stat ast;

		assert_int_equal(stat(arc, &ast), 0);
		assert_true(ast.st_size < (off_t)(5 * MIB));
	}

	/* listed by bsdtar in the documented order, with the fixed metadata */
	assert_int_equal(tu_sh("bsdtar -tvf '%s' > '%s/list' 2>&1", arc, f->dir), 0);
	assert_int_equal(tu_sh("awk '{print $NF}' '%s/list' | head -1 | grep -qx '%s'", f->dir,
			       DESC_NAME), 0);
	assert_int_equal(tu_sh("tail -2 '%s/list' | head -1 | grep -q ' smig/SHA256$'", f->dir), 0);
	assert_int_equal(tu_sh("tail -1 '%s/list' | grep -q ' smig/SHA256.sig$'", f->dir), 0);
	assert_int_equal(tu_sh("grep -c '^-rw-r--r-- *0 root *root\\|^-rw-r--r-- *0 0 *0 '"
			       " '%s/list' | grep -qx 7", f->dir), 0);

	assert_int_equal(tu_sh("mkdir '%s' && bsdtar -xf '%s' -C '%s'", x1, arc, x1), 0);
	check_tree(f, x1, &s);
	assert_int_equal(tu_sh("mkdir '%s' && tar -xf '%s' -C '%s'", x2, arc, x2), 0);
	check_tree(f, x2, &s);
	/* stock signify checks the extracted tree */
	assert_int_equal(tu_sh("cd '%s' && signify-openbsd -C -q -p '%s' -x smig/SHA256.sig",
			       x1, f->pubfile), 0);

	if (smig_archive_extract_verified(arc, stg, &f->pub, NULL, &st, &e) < 0)
		fail_msg("%s", e.msg);
	assert_int_equal(st->count, 7);
	assert_string_equal(st->members[0].name, DESC_NAME);
	assert_string_equal(st->members[6].name, SMIG_ARCHIVE_SIG);
	check_tree(f, stg, &s);
	m = smig_staged_find(st, VHD_NAME);
	assert_non_null(m);
	assert_int_equal(m->size, (uint64_t)SPARSE_SIZE);
	assert_memory_equal(m->sha256, s.vhd, 32);
	p = tu_fmt("%s/%s", stg, VHD_NAME);
	assert_string_equal(m->local, p);
	free(p);
	assert_null(smig_staged_find(st, "hyperv/VMS/x"));
	/* the staging area is private */
	assert_int_equal(tu_sh("test \"$(stat -c %%a '%s')\" = 700", stg), 0);
	/* the staged files keep the member's time */
	p = tu_fmt("%s/%s", stg, DESC_NAME);
	assert_int_equal(tu_sh("test \"$(stat -c %%Y '%s')\" = 1400000000", p), 0);
	free(p);
	smig_staged_free(st, true);
	assert_int_equal(access(stg, F_OK), -1);

	/* checked without staging: the hashes as above, only the descriptor kept, nothing
	 * written */
	{
		static const char *const keep[] = {DESC_NAME, NULL};
		const struct smig_staged_member *d;

		st = NULL;
		if (smig_archive_check_verified(arc, stg, &f->pub, NULL, keep, MIB, &st, &e) < 0)
			fail_msg("%s", e.msg);
		assert_int_equal(st->count, 7);
		assert_null(st->dir);
		for (size_t i = 0; i < st->count; i++)
			assert_null(st->members[i].local);
		m = smig_staged_find(st, VHD_NAME);
		assert_non_null(m);
		assert_null(m->data);
		assert_memory_equal(m->sha256, s.vhd, 32);
		d = smig_staged_find(st, DESC_NAME);
		assert_non_null(d->data);
		p = tu_fmt("%s/%s", x1, DESC_NAME);
		{
			size_t dl = 0;
			char *want = tu_read(p, &dl);

			assert_int_equal(d->datalen, dl);
			assert_memory_equal(d->data, want, dl);
			free(want);
		}
		free(p);
		smig_staged_free(st, false);
		assert_int_equal(access(stg, F_OK), -1);
		/* a kept member larger than the bound is refused, as implausible */
		st = NULL;
		assert_int_equal(smig_archive_check_verified(arc, stg, &f->pub, NULL, keep, 16, &st,
							     &e), -1);
		assert_null(st);
		assert_int_equal(e.kind, SMIG_ERR_INTEGRITY);
		assert_non_null(strstr(e.msg, "implausibly large"));
		assert_int_equal(access(stg, F_OK), -1);
	}

	/* the same from standard input */
	{
		int saved = dup(0), fd = open(arc, O_RDONLY);

		assert_true(saved >= 0 && fd >= 0);
		assert_int_equal(dup2(fd, 0), 0);
		close(fd);
		if (smig_archive_verify("-", f->dir, &f->pub, NULL, &n, &e) < 0)
			fail_msg("%s", e.msg);
		assert_int_equal(dup2(saved, 0), 0);
		close(saved);
	}
	assert_int_equal(n, 7);
	/* verify leaves nothing behind */
	assert_int_equal(tu_sh("test -z \"$(ls -A '%s' | grep verify)\"", f->dir), 0);

	assert_int_equal(tu_sh("rm -rf '%s' '%s' '%s' '%s/list'", arc, x1, x2, f->dir), 0);
	free(arc);
	free(x1);
	free(x2);
	free(stg);
}

static void roundtrip_zstd(void **state)
{
	roundtrip(*state, SMIG_COMPRESS_ZSTD);
}

static void roundtrip_gzip(void **state)
{
	roundtrip(*state, SMIG_COMPRESS_GZIP);
}

static void roundtrip_none(void **state)
{
	roundtrip(*state, SMIG_COMPRESS_NONE);
}

/* ---- hostile archives ---- */

struct hm {
	const char *name;
	char type; /* 'f' file, 'd' directory, 'l' symlink, 'h' hard link, 'p' fifo */
	const void *data;
	size_t len;
};

#define HM_MAX 16

struct hset {
	struct hm m[HM_MAX];
	size_t n;
	char *sums, *sig;
	size_t sumslen, siglen;
};

/* Any archive, written with libarchive directly (pax, no filter unless zstd). */
static void build(const char *path, bool zstd, const struct hm *m, size_t n)
{
	struct archive *a = archive_write_new();
	size_t i;

	assert_non_null(a);
	assert_int_equal(archive_write_set_format_pax_restricted(a), ARCHIVE_OK);
	assert_int_equal(zstd ? archive_write_add_filter_zstd(a) : archive_write_add_filter_none(a),
			 ARCHIVE_OK);
	assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
	for (i = 0; i < n; i++) {
		struct archive_entry *ent = archive_entry_new();

		archive_entry_set_pathname(ent, m[i].name);
		archive_entry_set_perm(ent, 0644);
		archive_entry_set_mtime(ent, 1400000000, 0);
		switch (m[i].type) {
		case 'd':
			archive_entry_set_filetype(ent, AE_IFDIR);
			break;
		case 'l':
			archive_entry_set_filetype(ent, AE_IFLNK);
			archive_entry_set_symlink(ent, "/etc/passwd");
			break;
		case 'h':
			archive_entry_set_filetype(ent, AE_IFREG);
			archive_entry_set_hardlink(ent, m[0].name);
			break;
		case 'p':
			archive_entry_set_filetype(ent, AE_IFIFO);
			break;
		default:
			archive_entry_set_filetype(ent, AE_IFREG);
			archive_entry_set_size(ent, (la_int64_t)m[i].len);
		}
		assert_int_equal(archive_write_header(a, ent), ARCHIVE_OK);
		if (m[i].type == 'f' && m[i].len > 0)
			assert_int_equal(archive_write_data(a, m[i].data, m[i].len),
					 (la_ssize_t)m[i].len);
		archive_entry_free(ent);
	}
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
}

static void digest(const void *data, size_t len, uint8_t out[32])
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_sha256 h;

	assert_int_equal(smig_sha256_init(&h, &e), 0);
	smig_sha256_update(&h, data, len);
	smig_sha256_final(&h, out);
}

/* A correctly signed set: `payload`, then the list of its files and the signature. */
static void make_signed(struct hset *s, const struct smig_seckey *sec, const struct hm *payload,
			size_t n)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_sumentry ent[HM_MAX];
	size_t i, k = 0;

	assert_true(n + 2 <= HM_MAX);
	memset(s, 0, sizeof(*s));
	for (i = 0; i < n; i++) {
		s->m[i] = payload[i];
		/* a name given twice is listed once (the list itself cannot hold it twice) */
		if (payload[i].type != 'f' ||
		    (i > 0 && strcmp(payload[i].name, payload[0].name) == 0))
			continue;
		ent[k].name = payload[i].name;
		digest(payload[i].data, payload[i].len, ent[k].sha256);
		k++;
	}
	s->sums = smig_sumlist_build(ent, k, &s->sumslen, &e);
	assert_non_null(s->sums);
	if (smig_sign_embedded(sec, "test", s->sums, s->sumslen, &s->sig, &s->siglen, &e) < 0)
		fail_msg("%s", e.msg);
	s->m[n] = (struct hm){SMIG_ARCHIVE_SUMS, 'f', s->sums, s->sumslen};
	s->m[n + 1] = (struct hm){SMIG_ARCHIVE_SIG, 'f', s->sig, s->siglen};
	s->n = n + 2;
}

static void hset_free(struct hset *s)
{
	free(s->sums);
	free(s->sig);
}

static const char body_a[] = "<smig format=\"1\"/>\n";
static const char body_b[] = "payload bytes\n";

static const struct hm good_payload[] = {
	{DESC_NAME, 'f', body_a, sizeof(body_a) - 1},
	{"hyperv/x.reg", 'f', body_b, sizeof(body_b) - 1},
};

static off_t tu_size(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_size;
}

/* Both readers: the extracting one (mode 0) and the one that only hashes (mode 1, keeping
 * the descriptor in memory as smig-import verify, features and preflight do). */
static int read_mode(int mode, const char *arc, const char *stg, const struct smig_pubkey *pub,
		     const struct smig_archive_limits *lim, struct smig_staged **st,
		     struct smig_err *e)
{
	static const char *const keep[] = {DESC_NAME, NULL};

	if (mode == 0)
		return smig_archive_extract_verified(arc, stg, pub, lim, st, e);
	return smig_archive_check_verified(arc, stg, pub, lim, keep, MIB, st, e);
}

static void expect_accepted(struct fix *f, const char *arc, const struct smig_pubkey *pub)
{
	char *stg = tu_fmt("%s/stage", f->dir);

	for (int mode = 0; mode < 2; mode++) {
		struct smig_err e = SMIG_ERR_INIT;
		struct smig_staged *st = NULL;

		if (read_mode(mode, arc, stg, pub, NULL, &st, &e) < 0)
			fail_msg("refused (reader %d): %s", mode, e.msg);
		smig_staged_free(st, true);
		assert_int_equal(access(stg, F_OK), -1);
	}
	free(stg);
}

static void expect_refused_lim(struct fix *f, const char *arc, const struct smig_pubkey *pub,
			       const struct smig_archive_limits *lim, const char *needle)
{
	char *stg = tu_fmt("%s/stage", f->dir);
	size_t i;

	for (int mode = 0; mode < 2; mode++) {
		struct smig_err e = SMIG_ERR_INIT;
		struct smig_staged *st = NULL;

		if (read_mode(mode, arc, stg, pub, lim, &st, &e) == 0)
			fail_msg("'%s' (%lld bytes) was accepted by reader %d (expected: %s)", arc,
				 (long long)tu_size(arc), mode, needle);
		assert_null(st);
		if (e.kind != SMIG_ERR_INTEGRITY || strstr(e.msg, needle) == NULL)
			fail_msg("reader %d: kind %d, message \"%s\", expected \"%s\"", mode,
				 e.kind, e.msg, needle);
		if (getenv("SMIG_TEST_VERBOSE"))
			print_message("refused: %s\n", e.msg);
		for (i = 0; e.msg[i] != '\0'; i++)
			assert_true(e.msg[i] >= 0x20 && e.msg[i] < 0x7f); /* names are escaped */
		assert_int_equal(access(stg, F_OK), -1);
		assert_int_equal(errno, ENOENT);
	}
	free(stg);
}

static void expect_refused(struct fix *f, const char *arc, const char *needle)
{
	expect_refused_lim(f, arc, &f->pub, NULL, needle);
}

static void hostile_content(void **state)
{
	struct fix *f = *state;
	struct hset s;
	struct hm m[HM_MAX];
	char *arc = tu_fmt("%s/h.smig", f->dir);
	char tampered[sizeof(body_b)], *sums2, *sig2;
	struct smig_pubkey other;
	struct smig_seckey othersec;
	struct smig_err e = SMIG_ERR_INIT;

	make_signed(&s, &f->sec, good_payload, 2);
	build(arc, false, s.m, s.n);
	expect_accepted(f, arc, &f->pub);
	build(arc, true, s.m, s.n);
	expect_accepted(f, arc, &f->pub);

	/* one byte changed in a member */
	memcpy(m, s.m, sizeof(m));
	memcpy(tampered, body_b, sizeof(body_b));
	tampered[3] ^= 1;
	m[1].data = tampered;
	build(arc, false, m, s.n);
	expect_refused(f, arc, "'hyperv/x.reg': SHA-256 does not match the signed list");

	/* one byte changed in smig/SHA256 (the signed copy inside the .sig is intact) */
	memcpy(m, s.m, sizeof(m));
	sums2 = malloc(s.sumslen);
	memcpy(sums2, s.sums, s.sumslen);
	sums2[s.sumslen - 2] ^= 1;
	m[2].data = sums2;
	build(arc, false, m, s.n);
	expect_refused(f, arc, "differs from smig/SHA256");
	free(sums2);

	/* one byte changed in the signature, in its base64 line and in its message part */
	memcpy(m, s.m, sizeof(m));
	sig2 = malloc(s.siglen);
	memcpy(sig2, s.sig, s.siglen);
	sig2[strchr(s.sig, '\n') - s.sig + 20] ^= 1;
	m[3].data = sig2;
	build(arc, false, m, s.n);
	expect_refused(f, arc, "smig/SHA256.sig");
	memcpy(sig2, s.sig, s.siglen);
	sig2[s.siglen - 3] ^= 1;
	build(arc, false, m, s.n);
	expect_refused(f, arc, "signature verification failed");
	free(sig2);

	/* wrong key */
	assert_int_equal(smig_sign_keygen(&other, &othersec, "other", &e), 0);
	smig_seckey_wipe(&othersec);
	build(arc, false, s.m, s.n);
	expect_refused_lim(f, arc, &other, NULL, "different key");

	/* a listed member removed */
	m[0] = s.m[0];
	m[1] = s.m[2];
	m[2] = s.m[3];
	build(arc, false, m, 3);
	expect_refused(f, arc, "'hyperv/x.reg' is in the signed list but not in the archive");

	/* an unlisted member added */
	memcpy(m, s.m, sizeof(m));
	memmove(m + 2, m + 1, 3 * sizeof(m[0]));
	m[1] = (struct hm){"hyperv/extra.reg", 'f', body_b, sizeof(body_b) - 1};
	build(arc, false, m, s.n + 1);
	expect_refused(f, arc, "'hyperv/extra.reg' is not in the signed list");

	/* unsigned: no .sig at all */
	build(arc, false, s.m, s.n - 1);
	expect_refused(f, arc, "not signed");
	/* nothing at all */
	build(arc, false, s.m, 0);
	expect_refused(f, arc, "not signed");

	/* .sig not last: a listed member after it */
	m[0] = s.m[0];
	m[1] = s.m[2];
	m[2] = s.m[3];
	m[3] = s.m[1];
	build(arc, false, m, 4);
	expect_refused(f, arc, "must be the last two members");
	/* .sig before the list */
	m[0] = s.m[0];
	m[1] = s.m[1];
	m[2] = s.m[3];
	m[3] = s.m[2];
	build(arc, false, m, 4);
	expect_refused(f, arc, "must be the last two members");

	hset_free(&s);
	free(arc);
}

static void hostile_structure(void **state)
{
	struct fix *f = *state;
	struct hset s;
	char *arc = tu_fmt("%s/h.smig", f->dir);
	static const struct {
		struct hm extra;
		const char *needle;
	} cases[] = {
		{{DESC_NAME, 'f', body_a, sizeof(body_a) - 1}, "duplicate member"},
		{{"SMIG/Descriptor.XML", 'f', body_a, sizeof(body_a) - 1}, "duplicate member"},
		{{"../x", 'f', body_a, 3}, "'../x': member name not allowed"},
		{{"/abs", 'f', body_a, 3}, "'/abs': member name not allowed"},
		{{"a/b/../../x", 'f', body_a, 3}, "member name not allowed"},
		{{"evil\x1b[2J", 'f', body_a, 3}, "'evil?[2J': member name not allowed"},
		{{"link", 'l', NULL, 0}, "'link': symbolic link members are not allowed"},
		{{"hard", 'h', NULL, 0}, "'hard': hard link members are not allowed"},
		{{"fifo", 'p', NULL, 0}, "'fifo': only regular files and directories"},
		{{"smig/descriptor.xml/x", 'f', body_a, 3}, "parent directory has the name of a"},
		{{"SMIG", 'f', body_a, 3}, "both a file and a directory"},
		{{"emptydir", 'd', NULL, 0}, "directory member with no signed file in it"},
	};
	struct hm payload[HM_MAX];
	size_t i;

	/* each hostile entry signed into an otherwise good archive: the signature does not
	 * make a forbidden structure acceptable */
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		payload[0] = good_payload[0];
		payload[1] = cases[i].extra;
		payload[2] = good_payload[1];
		make_signed(&s, &f->sec, payload, 3);
		build(arc, false, s.m, s.n);
		expect_refused(f, arc, cases[i].needle);
		hset_free(&s);
	}
	/* the accepting twin: a directory member that holds signed files */
	payload[0] = (struct hm){"smig", 'd', NULL, 0};
	payload[1] = good_payload[0];
	payload[2] = good_payload[1];
	make_signed(&s, &f->sec, payload, 3);
	build(arc, false, s.m, s.n);
	expect_accepted(f, arc, &f->pub);
	hset_free(&s);
	free(arc);
}

static void hostile_truncated(void **state)
{
	struct fix *f = *state;
	char *arc = tu_fmt("%s/t.smig", f->dir), *cut = tu_fmt("%s/cut.smig", f->dir);
	struct sample s;
	struct stat st;
	int comp;

	for (comp = 0; comp < 3; comp++) {
		off_t offs[6];
		size_t i;

		write_sample(f, arc, (enum smig_compress)comp, &s);
		assert_int_equal(stat(arc, &st), 0);
		offs[0] = 0;
		offs[1] = 100;
		offs[2] = 1536;
		offs[3] = st.st_size / 2;
		offs[4] = st.st_size * 9 / 10;
		offs[5] = st.st_size - 20;
		for (i = 0; i < 6; i++) {
			assert_int_equal(tu_sh("head -c %lld '%s' > '%s'", (long long)offs[i], arc,
					       cut), 0);
			/* the end of an uncompressed tar is zero padding, not content */
			if (i == 5 && comp == SMIG_COMPRESS_NONE)
				expect_accepted(f, cut, &f->pub);
			else
				expect_refused(f, cut, "");
		}
		if (comp == SMIG_COMPRESS_NONE) {
			/* inside the signature's data, and cleanly before its header: a tar that
			 * simply ends one member early */
			size_t len = 0;
			char *data = tu_read(arc, &len);
			char *sig = memmem(data, len, "untrusted comment: ", 19);

			assert_non_null(sig);
			assert_int_equal(tu_sh("head -c %lld '%s' > '%s'",
					       (long long)(sig - data + 40), arc, cut), 0);
			expect_refused(f, cut, "Truncated tar archive");
			assert_int_equal(tu_sh("head -c %lld '%s' > '%s'",
					       (long long)(sig - data - 512), arc, cut), 0);
			expect_refused(f, cut, "is not signed");
			free(data);
		}
		expect_accepted(f, arc, &f->pub);
		unlink(arc);
	}
	unlink(cut);
	free(arc);
	free(cut);
}

/*
 * Holes past the pre-signature budget (issue 10 item 2): the member is hashed from its staged
 * file only once the signature is verified. The result is the same (the signed hash matches,
 * with a budget of 1 MiB and of 0 bytes), and a changed data byte of that member is still
 * caught by the deferred hash.
 */
static void deferred_hole_hashing(void **state)
{
	struct fix *f = *state;
	struct smig_archive_limits lim;
	struct sample s;
	char *arc = tu_fmt("%s/holes.smig", f->dir), *stg = tu_fmt("%s/stage", f->dir);
	unsigned char *pat = malloc(4096), *data;
	size_t len = 0;
	const uint64_t budgets[] = {MIB, 0};

	assert_non_null(pat);
	write_sample(f, arc, SMIG_COMPRESS_NONE, &s);
	for (size_t b = 0; b < 2; b++) {
		struct smig_err e = SMIG_ERR_INIT;
		struct smig_staged *st = NULL;
		const struct smig_staged_member *m;

		smig_archive_limits_default(&lim);
		assert_true(lim.presig_hole_budget >= MIB);
		lim.presig_hole_budget = budgets[b];
		if (smig_archive_extract_verified(arc, stg, &f->pub, &lim, &st, &e) < 0)
			fail_msg("budget %llu: %s", (unsigned long long)budgets[b], e.msg);
		m = smig_staged_find(st, VHD_NAME);
		assert_non_null(m);
		assert_false(m->hash_deferred); /* done by the time the archive is verified */
		assert_memory_equal(m->sha256, s.vhd, 32);
		assert_sha256sum(m->local, s.vhd);
		smig_staged_free(st, true);
		/* hashing only: the deferred member alone is staged, then removed */
		st = NULL;
		if (read_mode(1, arc, stg, &f->pub, &lim, &st, &e) < 0)
			fail_msg("budget %llu, hashing only: %s", (unsigned long long)budgets[b],
				 e.msg);
		m = smig_staged_find(st, VHD_NAME);
		assert_false(m->hash_deferred);
		assert_null(m->local);
		assert_memory_equal(m->sha256, s.vhd, 32);
		smig_staged_free(st, false);
		assert_int_equal(access(stg, F_OK), -1);
	}
	/* the twin: one byte of the VHD's data region changed, its hash deferred */
	fill(pat, 4096, 1); /* the first bytes write_at() put at 1 MiB of the source disk */
	data = (unsigned char *)tu_read(arc, &len);
	{
		unsigned char *hit = memmem(data, len, pat, 4096);

		assert_non_null(hit);
		hit[100] ^= 0x5a;
		tu_write(arc, data, len);
	}
	smig_archive_limits_default(&lim);
	lim.presig_hole_budget = MIB;
	expect_refused_lim(f, arc, &f->pub, &lim, "SHA-256 does not match the signed list");
	free(data);
	free(pat);
	free(stg);
	unlink(arc);
	free(arc);
}

/*
 * Members the reader hands to its second hasher (import's two-core hashing): many of them,
 * whole and sparse, small and too large for its buffers, in every order, through both readers
 * and both containers. Each digest must be its own member's (sha256sum of the source), and one
 * changed byte in a member hashed there is refused like anywhere else.
 */
#define MANY 26

static void second_hasher(void **state)
{
	struct fix *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_sumentry ent[MANY];
	char *src[MANY], *name[MANY];
	uint64_t size[MANY];
	unsigned char *pat = malloc(4096), *data;
	size_t len = 0;

	assert_non_null(pat);
	for (int i = 0; i < MANY; i++) {
		int fd;

		src[i] = tu_fmt("%s/m%02d.bin", f->dir, i);
		name[i] = tu_fmt("hyperv/vms/m%02d/disks/d.vhd", i);
		fd = open(src[i], O_WRONLY | O_CREAT | O_EXCL, 0644);
		assert_true(fd >= 0);
		assert_int_equal(close(fd), 0);
		switch (i % 5) {
		case 0: /* a few KiB: hashed where it is read */
			write_at(src[i], 0, 5000 + (size_t)i, 100 + (uint32_t)i);
			break;
		case 1: /* 300 KiB .. 3 MiB whole */
			write_at(src[i], 0, 300 * 1024 + (size_t)i * 100 * 1024, 100 + (uint32_t)i);
			break;
		case 2: /* sparse: islands of data between holes, the footer last */
			assert_int_equal(truncate(src[i], (off_t)(24 + i) << 20), 0);
			for (off_t at = 0; at < (off_t)(24 + i) << 20; at += (off_t)5 << 20)
				write_at(src[i], at + 4096, 70000, 100 + (uint32_t)(i + at));
			write_at(src[i], ((off_t)(24 + i) << 20) - 512, 512, 7);
			break;
		case 3: /* 20 MiB whole: more than the second hasher's buffers */
			write_at(src[i], 0, 20 * MIB + 3, 100 + (uint32_t)i);
			break;
		default: /* all holes */
			assert_int_equal(truncate(src[i], (off_t)8 << 20), 0);
		}
	}
	fill(pat, 4096, 100 + 11); /* the first bytes of member 11 (300 KiB + 1.1 MiB, whole) */
	for (int c = 0; c < 2; c++) {
		enum smig_compress comp = c ? SMIG_COMPRESS_ZSTD : SMIG_COMPRESS_NONE;
		char *arc = tu_fmt("%s/many%d.smig", f->dir, c), *stg = tu_fmt("%s/stage", f->dir);
		struct smig_archive_writer *w = NULL;

		if (smig_archive_writer_open(arc, comp, 2, false, &w, &e) < 0)
			fail_msg("%s", e.msg);
		for (int i = 0; i < MANY; i++) {
			ent[i].name = name[i];
			if (smig_archive_add_file(w, name[i], src[i], NULL, ent[i].sha256, &size[i],
						  &e) < 0)
				fail_msg("%s", e.msg);
			assert_sha256sum(src[i], ent[i].sha256);
		}
		add_signed_trailer(w, &f->sec, ent, MANY);
		if (smig_archive_writer_finish(w, &e) < 0)
			fail_msg("%s", e.msg);
		for (int mode = 0; mode < 2; mode++) {
			struct smig_staged *st = NULL;

			if (read_mode(mode, arc, stg, &f->pub, NULL, &st, &e) < 0)
				fail_msg("reader %d, %s: %s", mode, c ? "zstd" : "tar", e.msg);
			for (int i = 0; i < MANY; i++) {
				const struct smig_staged_member *m = smig_staged_find(st, name[i]);

				assert_non_null(m);
				assert_int_equal(m->size, size[i]);
				if (memcmp(m->sha256, ent[i].sha256, 32) != 0)
					fail_msg("reader %d, %s: member %d has another digest", mode,
						 c ? "zstd" : "tar", i);
				if (mode == 0)
					assert_int_equal(tu_sh("cmp -s '%s' '%s'", m->local, src[i]),
							 0);
			}
			smig_staged_free(st, true);
			assert_int_equal(access(stg, F_OK), -1);
		}
		if (c == 0) {
			/* one byte of member 11 changed: refused, by both readers */
			data = (unsigned char *)tu_read(arc, &len);
			unsigned char *hit = memmem(data, len, pat, 4096);

			assert_non_null(hit);
			hit[1000] ^= 0x01;
			tu_write(arc, data, len);
			free(data);
			expect_refused(f, arc, "d.vhd': SHA-256 does not match the signed list");
		}
		unlink(arc);
		free(arc);
		free(stg);
	}
	for (int i = 0; i < MANY; i++) {
		unlink(src[i]);
		free(src[i]);
		free(name[i]);
	}
	free(pat);
}

static void hostile_limits(void **state)
{
	struct fix *f = *state;
	struct smig_archive_limits lim;
	struct hset s;
	char *arc = tu_fmt("%s/l.smig", f->dir);
	struct archive *a;
	struct archive_entry *ent;
	unsigned char *zero = calloc(1, MIB);
	struct stat st;
	time_t t0;
	size_t i;

	make_signed(&s, &f->sec, good_payload, 2);
	build(arc, false, s.m, s.n);
	smig_archive_limits_default(&lim);
	assert_int_equal(lim.max_members, 100000);
	lim.max_member_size = sizeof(body_b) - 1;
	expect_refused_lim(f, arc, &f->pub, &lim, "exceeds the limit");
	lim.max_member_size = s.siglen; /* the largest member: accepted */
	{
		struct smig_err e = SMIG_ERR_INIT;
		struct smig_staged *stg = NULL;
		char *d = tu_fmt("%s/stage", f->dir);

		if (smig_archive_extract_verified(arc, d, &f->pub, &lim, &stg, &e) < 0)
			fail_msg("%s", e.msg);
		smig_staged_free(stg, true);
		free(d);
	}
	smig_archive_limits_default(&lim);
	lim.max_total_size = s.siglen;
	expect_refused_lim(f, arc, &f->pub, &lim, "in total");
	smig_archive_limits_default(&lim);
	lim.max_members = 3;
	expect_refused_lim(f, arc, &f->pub, &lim, "more than 3 members");
	hset_free(&s);

	/* a zstd bomb: 2 GiB of zeros in a few KiB. Refused at its header, nothing written. */
	assert_non_null(zero);
	a = archive_write_new();
	archive_write_set_format_pax_restricted(a);
	archive_write_add_filter_zstd(a);
	assert_int_equal(archive_write_open_filename(a, arc), ARCHIVE_OK);
	ent = archive_entry_new();
	archive_entry_set_pathname(ent, "hyperv/bomb.vhd");
	archive_entry_set_filetype(ent, AE_IFREG);
	archive_entry_set_perm(ent, 0644);
	archive_entry_set_size(ent, (la_int64_t)2048 * (la_int64_t)MIB);
	assert_int_equal(archive_write_header(a, ent), ARCHIVE_OK);
	for (i = 0; i < 2048; i++)
		assert_int_equal(archive_write_data(a, zero, MIB), (la_ssize_t)MIB);
	archive_entry_free(ent);
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	assert_int_equal(stat(arc, &st), 0);
	assert_true(st.st_size < (off_t)MIB);
	smig_archive_limits_default(&lim);
	lim.max_member_size = MIB;
	t0 = time(NULL);
	expect_refused_lim(f, arc, &f->pub, &lim, "'hyperv/bomb.vhd': member of 2147483648 bytes");
	assert_true(time(NULL) - t0 < 5);
	free(zero);
	unlink(arc);
	free(arc);
}

/* A member declared larger than the free space is refused before a byte is written. */
static void refuses_without_space(void **state)
{
	struct fix *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_archive_limits lim;
	struct smig_staged *st = NULL;
	struct statvfs vfs;
	static const struct hm huge = {"hyperv/huge.vhd", 'f', "x", 1};
	char *arc = tu_fmt("%s/nospace.smig", f->dir), *stg = tu_fmt("%s/stage", f->dir);
	unsigned char *hdr;
	uint64_t avail, big;
	unsigned sum = 0;
	size_t len = 0, i;

	assert_int_equal(statvfs(f->dir, &vfs), 0);
	avail = (uint64_t)vfs.f_bavail * vfs.f_frsize;
	big = avail + ((uint64_t)1 << 30);
	/* a one-byte member whose ustar size field is then raised (base-256 form, as GNU tar
	 * writes sizes of 8 GiB and more), the header checksum recomputed */
	build(arc, false, &huge, 1);
	hdr = (unsigned char *)tu_read(arc, &len);
	assert_memory_equal(hdr, huge.name, strlen(huge.name));
	memset(hdr + 124, 0, 12);
	hdr[124] = 0x80;
	for (i = 0; i < 8; i++)
		hdr[135 - i] = (unsigned char)(big >> (8 * i));
	memset(hdr + 148, ' ', 8);
	for (i = 0; i < 512; i++)
		sum += hdr[i];
	snprintf((char *)hdr + 148, 8, "%06o", sum);
	tu_write(arc, hdr, len);
	free(hdr);

	smig_archive_limits_default(&lim);
	lim.max_member_size = lim.max_total_size = UINT64_MAX;
	assert_int_equal(smig_archive_extract_verified(arc, stg, &f->pub, &lim, &st, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_IO);
	assert_int_equal(e.sys_errno, ENOSPC);
	if (strstr(e.msg, "cannot stage 'hyperv/huge.vhd'") == NULL)
		fail_msg("%s", e.msg);
	assert_int_equal(access(stg, F_OK), -1);
	/* an existing staging directory is refused, and left alone */
	assert_int_equal(mkdir(stg, 0700), 0);
	smig_err_clear(&e);
	assert_int_equal(smig_archive_extract_verified(arc, stg, &f->pub, &lim, &st, &e), -1);
	assert_int_equal(e.sys_errno, EEXIST);
	assert_int_equal(access(stg, F_OK), 0);
	rmdir(stg);
	unlink(arc);
	free(arc);
	free(stg);
}

/* ---- the writer's own contract ---- */

static void writer_refuses_existing(void **state)
{
	struct fix *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_archive_writer *w = NULL;
	char *arc = tu_fmt("%s/exists.smig", f->dir);
	char *buf;
	size_t len;

	tu_write(arc, "keep", 4);
	assert_int_equal(smig_archive_writer_open(arc, SMIG_COMPRESS_NONE, 0, false, &w, &e), -1);
	assert_null(w);
	/* as export says it before any work: exit 1, "ARCHIVE exists" */
	assert_int_equal(e.kind, SMIG_ERR_IO);
	assert_int_equal(e.sys_errno, EEXIST);
	assert_non_null(strstr(e.msg, "already exists"));
	buf = tu_read(arc, &len);
	assert_int_equal(len, 4);
	free(buf);
	smig_err_clear(&e);
	/* with force it is replaced, at finish only */
	assert_int_equal(smig_archive_writer_open(arc, SMIG_COMPRESS_GZIP, 0, true, &w, &e), 0);
	assert_int_equal(smig_archive_add_buffer(w, "a", "x", 1, 0, NULL, &e), 0);
	buf = tu_read(arc, &len);
	assert_int_equal(len, 4);
	free(buf);
	assert_int_equal(smig_archive_writer_finish(w, &e), 0);
	assert_int_equal(tu_sh("bsdtar -tf '%s' | grep -qx a", arc), 0);
	assert_int_equal(tu_sh("test -z \"$(ls '%s' | grep partial)\"", f->dir), 0);
	unlink(arc);
	free(arc);
}

static void writer_abort_leaves_nothing(void **state)
{
	struct fix *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_archive_writer *w = NULL;
	char *d = tu_fmt("%s/abort", f->dir), *arc = tu_fmt("%s/abort/a.smig", f->dir);
	uint8_t h[32];

	assert_int_equal(mkdir(d, 0700), 0);
	assert_int_equal(smig_archive_writer_open(arc, SMIG_COMPRESS_ZSTD, 2, false, &w, &e), 0);
	assert_int_equal(tu_sh("ls '%s' | grep -q '^a.smig.partial-'", d), 0);
	assert_int_equal(smig_archive_add_file(w, "x/big", f->big, NULL, h, NULL, &e), 0);
	/* refused members do not break the archive... */
	assert_int_equal(smig_archive_add_buffer(w, "../x", "x", 1, 0, NULL, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_USAGE);
	smig_err_clear(&e);
	assert_int_equal(smig_archive_add_buffer(w, "X/BIG", "x", 1, 0, NULL, &e), -1);
	assert_non_null(strstr(e.msg, "duplicate"));
	smig_err_clear(&e);
	assert_int_equal(smig_archive_add_file(w, "x/dir", d, NULL, h, NULL, &e), -1);
	assert_non_null(strstr(e.msg, "not a regular file"));
	smig_err_clear(&e);
	assert_int_equal(smig_archive_add_file(w, "x/none", "/nonexistent/file", "C:\\none", h,
					       NULL, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_IO);
	assert_string_equal(e.msg, "cannot open 'C:\\none': No such file or directory");
	smig_err_clear(&e);
	smig_archive_writer_abort(w);
	assert_int_equal(tu_sh("test -z \"$(ls -A '%s')\"", d), 0);
	free(arc);
	free(d);
}

struct grow_ctx {
	const char *path;
	bool shrink;
	bool done;
};

static void change_size(void *ctx, const struct smig_archive_progress *p)
{
	struct grow_ctx *g = ctx;

	(void)p;
	if (g->done)
		return;
	g->done = true;
	assert_int_equal(truncate(g->path, g->shrink ? (off_t)MIB : (off_t)(5 * MIB)), 0);
}

static void writer_file_changes_size(void **state)
{
	struct fix *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_archive_writer *w = NULL;
	char *arc = tu_fmt("%s/c.smig", f->dir), *src = tu_fmt("%s/changing", f->dir);
	struct grow_ctx g = {src, false, false};
	int pass;

	for (pass = 0; pass < 2; pass++) {
		g.shrink = pass == 1;
		g.done = false;
		tu_write(src, "", 0);
		write_at(src, 0, 3 * MIB, 9);
		assert_int_equal(smig_archive_writer_open(arc, SMIG_COMPRESS_NONE, 0, false, &w,
							  &e), 0);
		smig_archive_writer_set_progress(w, change_size, &g);
		assert_int_equal(smig_archive_add_file(w, "m", src, "D:\\changing", NULL, NULL, &e),
				 -1);
		assert_string_equal(e.msg, g.shrink
					   ? "'D:\\changing' shrank while it was being read"
					   : "'D:\\changing' grew while it was being read");
		smig_err_clear(&e);
		/* and the archive can no longer be finished */
		assert_int_equal(smig_archive_writer_finish(w, &e), -1);
		smig_err_clear(&e);
		assert_int_equal(access(arc, F_OK), -1);
	}
	unlink(src);
	free(arc);
	free(src);
}

static void writer_to_stdout(void **state)
{
	struct fix *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_archive_writer *w = NULL;
	char *out = tu_fmt("%s/stdout.tar.zst", f->dir);
	int saved = dup(1), fd = open(out, O_WRONLY | O_CREAT | O_EXCL, 0600);
	uint8_t h[32];

	assert_true(saved >= 0 && fd >= 0);
	fflush(stdout);
	assert_int_equal(dup2(fd, 1), 1);
	close(fd);
	assert_int_equal(smig_archive_writer_open("-", SMIG_COMPRESS_ZSTD, 0, false, &w, &e), 0);
	assert_int_equal(smig_archive_add_file(w, "data/cfg.xml", f->cfg, NULL, h, NULL, &e), 0);
	assert_int_equal(smig_archive_writer_finish(w, &e), 0);
	assert_int_equal(dup2(saved, 1), 1);
	close(saved);
	assert_int_equal(tu_sh("bsdtar -xOf '%s' data/cfg.xml | cmp -s - '%s'", out, f->cfg), 0);
	assert_sha256sum(f->cfg, h);
	unlink(out);
	free(out);
}

/* ---- the zstd stream and the writing pipeline ---- */

#define STREAM_BIG ((size_t)20 * MIB + 5)

/* Sources larger than the writer's buffers: 20 MiB half random, half text (several zstd jobs,
 * every hash and output buffer reused); a 48 MiB sparse file with two data regions; a 16 MiB
 * one that starts and ends with a hole. */
struct stream_src {
	char *big, *sparse, *holey;
};

static void stream_sources(struct fix *f, struct stream_src *src)
{
	static const char text[] = "<Setting Name=\"Memory\" Value=\"1024\"/>\r\n";
	unsigned char *buf = malloc(STREAM_BIG);
	size_t i;
	int fd;

	assert_non_null(buf);
	fill(buf, STREAM_BIG / 2, 11);
	for (i = STREAM_BIG / 2; i < STREAM_BIG; i++)
		buf[i] = (unsigned char)text[i % (sizeof(text) - 1)];
	src->big = tu_fmt("%s/stream-big.bin", f->dir);
	tu_write(src->big, buf, STREAM_BIG);
	free(buf);
	src->sparse = tu_fmt("%s/stream-sparse.vhd", f->dir);
	src->holey = tu_fmt("%s/stream-holey.vhd", f->dir);
	fd = open(src->sparse, O_WRONLY | O_CREAT | O_EXCL, 0644);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)(48 * MIB)), 0);
	assert_int_equal(close(fd), 0);
	write_at(src->sparse, 0, MIB + 100, 12);
	write_at(src->sparse, (off_t)(20 * MIB), 3 * MIB, 13);
	fd = open(src->holey, O_WRONLY | O_CREAT | O_EXCL, 0644);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)(16 * MIB)), 0);
	assert_int_equal(close(fd), 0);
	write_at(src->holey, (off_t)(8 * MIB), 4096, 14);
}

static void stream_sources_free(struct stream_src *src)
{
	unlink(src->big);
	unlink(src->sparse);
	unlink(src->holey);
	free(src->big);
	free(src->sparse);
	free(src->holey);
}

/* A multi-member zstd archive from the writer's own stream, with and without zstd worker
 * threads: one valid frame (zstd -t) with a 2 MiB window, the members in order (bsdtar -t), the
 * content and the returned digests right (zstd -d | GNU tar -x, sha256sum); cut or extended by
 * one byte, the frame is refused. */
static void zstd_stream(void **state)
{
	struct fix *f = *state;
	struct stream_src src;
	static const char *names[] = {"smig/descriptor.xml", "disks/big.bin", "disks/sparse.vhd",
				      "disks/holey.vhd", "smig/SHA256"};
	const char *locals[5];
	uint8_t h[5][32];
	int threads;
	size_t i;

	if (!tu_have("zstd"))
		skip();
	stream_sources(f, &src);
	locals[1] = src.big;
	locals[2] = src.sparse;
	locals[3] = src.holey;
	for (threads = 0; threads <= 2; threads += 2) {
		struct smig_err e = SMIG_ERR_INIT;
		struct smig_archive_writer *w = NULL;
		char *arc = tu_fmt("%s/stream.smig", f->dir), *x = tu_fmt("%s/stream-x", f->dir);
		uint64_t size = 0;

		if (smig_archive_writer_open(arc, SMIG_COMPRESS_ZSTD, threads, false, &w, &e) < 0)
			fail_msg("%s", e.msg);
		if (smig_archive_add_buffer(w, names[0], "<smig/>\n", 8, 1400000000, h[0], &e) <
		    0)
			fail_msg("%s", e.msg);
		for (i = 1; i <= 3; i++)
			if (smig_archive_add_file(w, names[i], locals[i], NULL, h[i], &size,
						  &e) < 0)
				fail_msg("%s", e.msg);
		assert_int_equal(size, 16 * MIB);
		if (smig_archive_add_buffer(w, names[4], "x\n", 2, 1400000000, h[4], &e) < 0 ||
		    smig_archive_writer_finish(w, &e) < 0)
			fail_msg("%s", e.msg);

		assert_int_equal(tu_sh("zstd -q -t '%s'", arc), 0);
		/* the window the decoder must hold (docs/archive.md §2): level 3's 2 MiB */
		assert_int_equal(tu_sh("zstd -lv '%s' 2>/dev/null | grep -q"
				       " '^Window Size: .*(2097152 B)$'", arc), 0);
		assert_int_equal(tu_sh("bsdtar -tf '%s' > '%s/list'", arc, f->dir), 0);
		assert_int_equal(tu_sh("printf '%%s\\n' '%s' '%s' '%s' '%s' '%s' |"
				       " cmp -s - '%s/list'", names[0], names[1], names[2],
				       names[3], names[4], f->dir), 0);
		assert_int_equal(tu_sh("mkdir '%s' && zstd -q -dc '%s' | tar -xf - -C '%s'", x, arc,
				       x), 0);
		for (i = 1; i <= 3; i++) {
			char *p = tu_fmt("%s/%s", x, names[i]);

			assert_int_equal(tu_sh("cmp -s '%s' '%s'", p, locals[i]), 0);
			assert_sha256sum(p, h[i]);
			free(p);
		}
		/* the returned digests are those of the full logical content */
		assert_sha256sum(src.sparse, h[2]);
		assert_sha256sum(src.holey, h[3]);

		/* rejecting twins: one byte short, one byte of garbage after the frame */
		assert_int_equal(tu_sh("head -c -1 '%s' > '%s/cut' &&"
				       " ! zstd -q -t '%s/cut' 2>/dev/null &&"
				       " ! bsdtar -tf '%s/cut' >/dev/null 2>&1",
				       arc, f->dir, f->dir, f->dir), 0);
		assert_int_equal(tu_sh("cat '%s' > '%s/long' && printf x >> '%s/long' && "
				       "! zstd -q -t '%s/long' 2>/dev/null", arc, f->dir, f->dir,
				       f->dir), 0);
		assert_int_equal(tu_sh("rm -rf '%s' '%s' '%s/list' '%s/cut' '%s/long'", arc, x,
				       f->dir, f->dir, f->dir), 0);
		free(arc);
		free(x);
	}
	stream_sources_free(&src);
}

/* Standard output (a descriptor of the caller's) is `fd` while `fn` runs. */
static void with_stdout(int fd, void (*fn)(void *), void *ctx)
{
	int saved = dup(1);

	assert_true(saved >= 0);
	fflush(stdout);
	assert_int_equal(dup2(fd, 1), 1);
	fn(ctx);
	assert_int_equal(dup2(saved, 1), 1);
	close(saved);
}

struct full_ctx {
	const char *big;
	enum smig_compress c;
};

static void write_to_full(void *ctx)
{
	struct full_ctx *fc = ctx;
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_archive_writer *w = NULL;
	uint8_t h[32];

	assert_int_equal(smig_archive_writer_open("-", fc->c, 2, false, &w, &e), 0);
	/* the output thread fails at its first write; the caller hears of it at the next hand
	 * over (within the member) or at the latest when finishing */
	if (smig_archive_add_file(w, "big.bin", fc->big, NULL, h, NULL, &e) == 0) {
		assert_int_equal(smig_archive_writer_finish(w, &e), -1);
	} else {
		smig_archive_writer_abort(w);
		assert_non_null(strstr(e.msg, "cannot write 'big.bin' to 'standard output'"));
	}
	assert_int_equal(e.kind, SMIG_ERR_IO);
	assert_int_equal(e.sys_errno, ENOSPC);
	if (strstr(e.msg, "No space left on device") == NULL)
		fail_msg("%s", e.msg);
}

/* A write error of the output thread reaches the caller, whatever the compression. */
static void writer_write_error(void **state)
{
	struct fix *f = *state;
	struct stream_src src;
	struct full_ctx fc;
	int fd = open("/dev/full", O_WRONLY);

	if (fd < 0)
		skip();
	stream_sources(f, &src);
	fc.big = src.big;
	fc.c = SMIG_COMPRESS_ZSTD;
	with_stdout(fd, write_to_full, &fc);
	fc.c = SMIG_COMPRESS_NONE;
	with_stdout(fd, write_to_full, &fc);
	close(fd);
	stream_sources_free(&src);
}

struct abort_ctx {
	const char *big;
};

static void write_then_abort(void *ctx)
{
	struct abort_ctx *ac = ctx;
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_archive_writer *w = NULL;
	uint8_t h[32];

	assert_int_equal(smig_archive_writer_open("-", SMIG_COMPRESS_ZSTD, 2, false, &w, &e), 0);
	assert_int_equal(smig_archive_add_file(w, "big.bin", ac->big, NULL, h, NULL, &e), 0);
	smig_archive_writer_abort(w);
}

/* An export interrupted half-way: to a file, nothing is left; on standard output the zstd
 * frame never ends, so no tool takes it for a complete archive. */
static void writer_abort_mid_stream(void **state)
{
	struct fix *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_archive_writer *w = NULL;
	struct stream_src src;
	struct abort_ctx ac;
	char *d = tu_fmt("%s/mid", f->dir), *arc = tu_fmt("%s/mid/a.smig", f->dir);
	char *out = tu_fmt("%s/aborted.zst", f->dir);
	uint8_t h[32];
	int fd;

	if (!tu_have("zstd"))
		skip();
	stream_sources(f, &src);
	assert_int_equal(mkdir(d, 0700), 0);
	assert_int_equal(smig_archive_writer_open(arc, SMIG_COMPRESS_ZSTD, 2, false, &w, &e), 0);
	assert_int_equal(smig_archive_add_file(w, "big.bin", src.big, NULL, h, NULL, &e), 0);
	assert_int_equal(smig_archive_add_file(w, "sparse.vhd", src.sparse, NULL, h, NULL, &e), 0);
	smig_archive_writer_abort(w);
	assert_int_equal(tu_sh("test -z \"$(ls -A '%s')\"", d), 0);

	fd = open(out, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	ac.big = src.big;
	with_stdout(fd, write_then_abort, &ac);
	close(fd);
	/* something was written (the stream is not held back until the end), but not a frame */
	assert_int_equal(tu_sh("test \"$(stat -c %%s '%s')\" -gt 1048576", out), 0);
	assert_int_equal(tu_sh("! zstd -q -t '%s' 2>/dev/null", out), 0);
	unlink(out);
	rmdir(d);
	free(out);
	free(arc);
	free(d);
	stream_sources_free(&src);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names),
		cmocka_unit_test(sumlist),
		cmocka_unit_test_setup_teardown(roundtrip_zstd, setup, teardown),
		cmocka_unit_test_setup_teardown(roundtrip_gzip, setup, teardown),
		cmocka_unit_test_setup_teardown(roundtrip_none, setup, teardown),
		cmocka_unit_test_setup_teardown(hostile_content, setup, teardown),
		cmocka_unit_test_setup_teardown(hostile_structure, setup, teardown),
		cmocka_unit_test_setup_teardown(hostile_truncated, setup, teardown),
		cmocka_unit_test_setup_teardown(hostile_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(deferred_hole_hashing, setup, teardown),
		cmocka_unit_test_setup_teardown(second_hasher, setup, teardown),
		cmocka_unit_test_setup_teardown(refuses_without_space, setup, teardown),
		cmocka_unit_test_setup_teardown(writer_refuses_existing, setup, teardown),
		cmocka_unit_test_setup_teardown(writer_abort_leaves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(writer_file_changes_size, setup, teardown),
		cmocka_unit_test_setup_teardown(writer_to_stdout, setup, teardown),
		cmocka_unit_test_setup_teardown(zstd_stream, setup, teardown),
		cmocka_unit_test_setup_teardown(writer_write_error, setup, teardown),
		cmocka_unit_test_setup_teardown(writer_abort_mid_stream, setup, teardown),
	};

	if (!tu_have("bsdtar") || !tu_have("tar") || !tu_have("signify-openbsd") ||
	    !tu_have("sha256sum")) {
		fprintf(stderr, "test_archive: needs bsdtar, GNU tar, signify-openbsd and "
				"sha256sum\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
