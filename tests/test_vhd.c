/* test_vhd.c - VHD verify, chains, writer and re-parenting (formats.md §7), checked against
 * qemu-img and vhdiinfo where they are installed. */
#include "testutil.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sign.h"
#include "vhd.h"

#define MiB (1024u * 1024)

/* Independent of vhd.c: ones' complement of the byte sum, field counted as zero. */
static uint32_t sum_bytes(const uint8_t *b, size_t n, size_t field)
{
	uint32_t s = 0;

	for (size_t i = 0; i < n; i++)
		if (i < field || i >= field + 4)
			s += b[i];
	return ~s;
}

static struct smig_guid guid_n(uint8_t n)
{
	struct smig_guid g;

	for (int i = 0; i < 16; i++)
		g.b[i] = (uint8_t)(n * 16 + i);
	if (n >= 16) { /* keep ids distinct past the readable 0x10..0xff range */
		g.b[0] = n;
		g.b[1] = 0xEE;
	}
	return g;
}

static off_t fsize(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_size;
}

static void patch(const char *path, off_t off, const void *data, size_t n)
{
	int fd = open(path, O_RDWR);

	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, data, n, off), (ssize_t)n);
	close(fd);
}

static void patch_be32(const char *path, off_t off, uint32_t v)
{
	uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};

	patch(path, off, b, 4);
}

static void patch_be64(const char *path, off_t off, uint64_t v)
{
	patch_be32(path, off, (uint32_t)(v >> 32));
	patch_be32(path, off + 4, (uint32_t)v);
}

/* Recompute the dynamic header checksum at 512 after a deliberate edit. */
static void fix_header(const char *path)
{
	uint8_t h[1024];
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, h, sizeof(h), 512), (ssize_t)sizeof(h));
	close(fd);
	patch_be32(path, 512 + 36, sum_bytes(h, sizeof(h), 36));
}

static void copy(const char *from, const char *to)
{
	size_t n = 0;
	char *d = tu_read(from, &n);

	tu_write(to, d, n);
	free(d);
}

static void fill(uint8_t *buf, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (uint8_t)(seed + i * 7 + i / 512);
}

static void make(const char *path, enum smig_vhd_type type, uint64_t size, uint8_t id)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_vhd_spec s = {0};

	s.type = type;
	s.size = size;
	s.unique_id = guid_n(id);
	s.timestamp = 500000000;
	if (smig_vhd_create(path, &s, &e) < 0)
		fail_msg("%s", e.msg);
}

static void make_child(const char *path, const char *parent, uint8_t id, const char *w2ku,
		       const char *w2ru)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_vhd_spec s = {0};

	s.type = SMIG_VHD_DIFFERENCING;
	s.unique_id = guid_n(id);
	s.timestamp = 500000100;
	s.parent_path = parent;
	s.parent_w2ku = w2ku;
	s.parent_w2ru = w2ru;
	if (smig_vhd_create(path, &s, &e) < 0)
		fail_msg("%s", e.msg);
}

static void put(const char *path, uint64_t off, const void *buf, size_t n)
{
	struct smig_err e = SMIG_ERR_INIT;

	if (smig_vhd_write(path, off, buf, n, &e) < 0)
		fail_msg("%s", e.msg);
}

static void open_ok(const char *path, struct smig_vhd_info *in)
{
	struct smig_err e = SMIG_ERR_INIT;

	if (smig_vhd_open(path, NULL, in, &e) < 0)
		fail_msg("%s", e.msg);
}

static void open_fails(const char *path, const char *what, const char *msg)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_vhd_info in;

	assert_int_equal(smig_vhd_open(path, what, &in, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_FORMAT);
	if (strstr(e.msg, msg) == NULL)
		fail_msg("expected '%s' in: %s", msg, e.msg);
}

/* qemu-img's idea of the virtual size, or -1 without the tool. */
static long long qemu_size(const char *path)
{
	char *out = tu_fmt("%s.json", path);
	char *txt, *p;
	long long v = -1;

	if (tu_sh("qemu-img info -f vpc --output=json '%s' > '%s' 2>/dev/null", path, out) != 0)
		fail_msg("qemu-img info failed on %s", path);
	txt = tu_read(out, NULL);
	p = strstr(txt, "\"virtual-size\":");
	assert_non_null(p);
	v = strtoll(p + strlen("\"virtual-size\":"), NULL, 10);
	free(txt);
	unlink(out);
	free(out);
	return v;
}

/* vhdiinfo output of a file (caller frees). */
static char *vhdiinfo(const char *path)
{
	char *out = tu_fmt("%s.txt", path);
	char *txt;

	assert_int_equal(tu_sh("vhdiinfo '%s' > '%s' 2>&1", path, out), 0);
	txt = tu_read(out, NULL);
	unlink(out);
	free(out);
	return txt;
}

static void geometry(void **state)
{
	uint16_t c;
	uint8_t h, s;

	(void)state;
	smig_vhd_geometry(64ull * MiB, &c, &h, &s);
	assert_int_equal(c, 963);
	assert_int_equal(h, 8);
	assert_int_equal(s, 17);
	/* qemu's rounded 64 MiB request (formats.md §7.6): CHS 964/8/17 */
	smig_vhd_geometry(67125248, &c, &h, &s);
	assert_int_equal(c, 964);
	assert_int_equal(h, 8);
	assert_int_equal(s, 17);
	smig_vhd_geometry(200ull * 1024 * MiB, &c, &h, &s);
	assert_int_equal(c, 65535);
	assert_int_equal(h, 16);
	assert_int_equal(s, 255);
}

static void fixed_disk(void **state)
{
	char *dir = tu_mkdtemp();
	char *p = tu_fmt("%s/fixed.vhd", dir), *bad = tu_fmt("%s/bad.vhd", dir);
	struct smig_vhd_info in;
	struct stat st;
	uint8_t data[1536];

	(void)state;
	make(p, SMIG_VHD_FIXED, 8 * MiB, 1);
	fill(data, sizeof(data), 3);
	put(p, 4096, data, sizeof(data));
	open_ok(p, &in);
	assert_int_equal(in.type, SMIG_VHD_FIXED);
	assert_int_equal(in.current_size, 8 * MiB);
	assert_int_equal(in.original_size, 8 * MiB);
	assert_int_equal(in.file_size, 8 * MiB + 512);
	assert_string_equal(in.creator_app, "win ");
	assert_int_equal(in.creator_version, 0x00060001);
	assert_int_equal(in.timestamp, 500000000);
	assert_memory_equal(in.unique_id.b, guid_n(1).b, 16);
	assert_int_equal(in.cylinders, 240); /* 16384 sectors / 17 / 4 heads */
	assert_int_equal(in.heads, 4);
	assert_int_equal(in.sectors, 17);
	smig_vhd_info_release(&in);
	/* the data region is a hole: far less than 8 MiB on disk */
	assert_int_equal(stat(p, &st), 0);
	assert_true((uint64_t)st.st_blocks * 512 < 1 * MiB);

	/* twins: wrong cookie, flipped footer checksum, truncated, too small */
	copy(p, bad);
	patch(bad, fsize(bad) - 512, "konectix", 8);
	open_fails(bad, "D:\\VMs\\fixed.vhd",
		   "'D:\\VMs\\fixed.vhd': not a VHD: no 'conectix' footer at the end");
	copy(p, bad);
	patch(bad, fsize(bad) - 512 + 67, "\x55", 1);
	open_fails(bad, "fixed.vhd", "'fixed.vhd': footer checksum is 0x");
	open_fails(bad, "fixed.vhd", "but the footer sums to 0x");
	copy(p, bad);
	assert_int_equal(truncate(bad, fsize(bad) - 4096), 0);
	open_fails(bad, NULL, "not a VHD");
	assert_int_equal(truncate(bad, 100), 0);
	open_fails(bad, "x.vhd", "'x.vhd': file is too small for a VHD (100 bytes)");
	/* a footer claiming more data than precedes it */
	copy(p, bad);
	patch_be64(bad, fsize(bad) - 512 + 48, 16 * MiB);
	{
		uint8_t f[512];
		int fd = open(bad, O_RDONLY);

		assert_int_equal(pread(fd, f, 512, fsize(bad) - 512), 512);
		close(fd);
		patch_be32(bad, fsize(bad) - 512 + 64, sum_bytes(f, 512, 64));
	}
	open_fails(bad, NULL, "the footer says 16777216 bytes but only 8388608 bytes precede it");

	free(p);
	free(bad);
	tu_rmtree(dir);
	free(dir);
}

static void legacy_short_footer(void **state)
{
	char *dir = tu_mkdtemp();
	char *p = tu_fmt("%s/f.vhd", dir);
	struct smig_vhd_info in;

	(void)state;
	make(p, SMIG_VHD_FIXED, 1 * MiB, 2);
	/* a fixed disk whose last reserved byte was never written (old Virtual PC) */
	assert_int_equal(truncate(p, fsize(p) - 1), 0);
	open_ok(p, &in);
	assert_int_equal(in.footer_offset, 1 * MiB);
	assert_int_equal(in.current_size, 1 * MiB);
	smig_vhd_info_release(&in);
	free(p);
	tu_rmtree(dir);
	free(dir);
}

static void dynamic_disk(void **state)
{
	char *dir = tu_mkdtemp();
	char *dyn = tu_fmt("%s/dyn.vhd", dir);
	char *bad = tu_fmt("%s/bad.vhd", dir);
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_vhd_chain ch;
	struct smig_vhd_info in;
	uint8_t *data = malloc(5 * MiB), *back = malloc(5 * MiB);
	uint64_t fsz;

	(void)state;
	assert_non_null(data);
	assert_non_null(back);
	fill(data, 5 * MiB, 9);
	make(dyn, SMIG_VHD_DYNAMIC, 8 * MiB, 3);
	/* 5 MiB from 1 MiB - 100: blocks 0, 1 and 2, unaligned ends */
	put(dyn, 1 * MiB - 100, data, 5 * MiB);
	open_ok(dyn, &in);
	assert_int_equal(in.type, SMIG_VHD_DYNAMIC);
	assert_int_equal(in.header_offset, 512);
	assert_int_equal(in.bat_offset, 1536);
	assert_int_equal(in.block_size, 2 * MiB);
	assert_int_equal(in.max_table_entries, 4);
	assert_int_equal(in.allocated_blocks, 3);
	assert_int_equal(in.data_bytes, 6 * MiB);
	assert_int_equal(in.bitmap_size, 512);
	assert_int_equal(in.nlocators, 0);
	assert_false(in.footer_copy_differs);
	/* footer, header, one BAT sector, 3 x (bitmap + block), footer */
	assert_int_equal(in.file_size, 512 + 1024 + 512 + 3 * (512 + 2 * MiB) + 512);
	smig_vhd_info_release(&in);

	if (smig_vhd_chain_open(dyn, NULL, NULL, NULL, &ch, &e) < 0)
		fail_msg("%s", e.msg);
	assert_int_equal(ch.n, 1);
	assert_int_equal(smig_vhd_chain_read(&ch, 1 * MiB - 100, back, 5 * MiB, &e), 0);
	assert_memory_equal(back, data, 5 * MiB);
	assert_int_equal(smig_vhd_chain_read(&ch, 7 * MiB, back, 1 * MiB, &e), 0);
	for (size_t i = 0; i < 1 * MiB; i++)
		assert_int_equal(back[i], 0);
	assert_int_equal(smig_vhd_chain_read(&ch, 7 * MiB, back, 1 * MiB + 1, &e), -1);
	smig_vhd_chain_release(&ch);

	fsz = (uint64_t)fsize(dyn);
	/* flipped header checksum */
	copy(dyn, bad);
	patch(bad, 512 + 36, "\xAA", 1);
	open_fails(bad, "dyn.vhd", "'dyn.vhd': dynamic header checksum is 0x");
	/* wrong header cookie */
	copy(dyn, bad);
	patch(bad, 512, "cxsparsE", 8);
	open_fails(bad, "dyn.vhd", "'dyn.vhd': no 'cxsparse' cookie in the dynamic header");
	/* footer copy differs: a warning, not an error */
	copy(dyn, bad);
	patch(bad, 100, "\x01", 1);
	open_ok(bad, &in);
	assert_true(in.footer_copy_differs);
	smig_vhd_info_release(&in);
	/* BAT entry 3 past EOF */
	copy(dyn, bad);
	patch_be32(bad, 1536 + 12, (uint32_t)(fsz / 512 + 8));
	open_fails(bad, "dyn.vhd", "'dyn.vhd': block 3 at offset");
	open_fails(bad, "dyn.vhd", "past the end of the data");
	/* BAT entry pointing into the header, and two entries sharing a block */
	copy(dyn, bad);
	patch_be32(bad, 1536 + 12, 1);
	open_fails(bad, NULL, "block 3 at offset 512 overlaps the dynamic header");
	copy(dyn, bad);
	patch_be32(bad, 1536 + 12, (uint32_t)(2048 / 512 + 100));
	open_fails(bad, NULL, "blocks 0 and 3 overlap");
	/* truncated: the end cut off (footer gone, the copy at 0 remains) */
	copy(dyn, bad);
	assert_int_equal(truncate(bad, (off_t)fsz - 512), 0);
	open_fails(bad, "dyn.vhd", "'dyn.vhd': no footer at the end of the file, only the copy "
		   "at offset 0 (truncated file?)");
	/* truncated inside the last block, footer rewritten at the new end */
	copy(dyn, bad);
	{
		uint8_t f[512];
		int fd = open(bad, O_RDWR);

		assert_int_equal(pread(fd, f, 512, 0), 512);
		assert_int_equal(ftruncate(fd, (off_t)(fsz - 512 - MiB)), 0);
		assert_int_equal(pwrite(fd, f, 512, (off_t)(fsz - 512 - MiB)), 512);
		close(fd);
	}
	open_fails(bad, "dyn.vhd", "(truncated file?)");
	open_fails(bad, "dyn.vhd", "'dyn.vhd': block 2 at offset");
	/* block size not a power of two; table too small for the size */
	copy(dyn, bad);
	patch_be32(bad, 512 + 32, 3 * MiB);
	fix_header(bad);
	open_fails(bad, NULL, "block size 3145728 is not a power of two");
	copy(dyn, bad);
	patch_be32(bad, 512 + 28, 3);
	fix_header(bad);
	open_fails(bad, NULL, "3 BAT entries of 2097152 bytes cannot hold the current size");
	copy(dyn, bad);
	patch_be32(bad, 512 + 28, 0x7fffffff);
	fix_header(bad);
	open_fails(bad, NULL, "BAT entries is absurd");
	copy(dyn, bad);
	patch_be64(bad, 512 + 16, fsz);
	fix_header(bad);
	open_fails(bad, NULL, "BAT at offset");

	free(data);
	free(back);
	free(dyn);
	free(bad);
	tu_rmtree(dir);
	free(dir);
}

struct fam {
	char *dir, *base, *c1, *c2;
	uint8_t base_data[2 * MiB], c1_data[4096], c2_data[1024];
};

/* base.vhd (dynamic 8 MiB) <- c1.vhd <- c2.avhd, each with data (§7.7). */
static void family(struct fam *f)
{
	f->dir = tu_mkdtemp();
	f->base = tu_fmt("%s/base.vhd", f->dir);
	f->c1 = tu_fmt("%s/c1.vhd", f->dir);
	f->c2 = tu_fmt("%s/c2.avhd", f->dir);
	make(f->base, SMIG_VHD_DYNAMIC, 8 * MiB, 5);
	fill(f->base_data, sizeof(f->base_data), 1);
	put(f->base, 1 * MiB, f->base_data, sizeof(f->base_data));
	make_child(f->c1, f->base, 6, "D:\\VMs\\base.vhd", ".\\base.vhd");
	fill(f->c1_data, sizeof(f->c1_data), 2);
	put(f->c1, 2 * MiB, f->c1_data, sizeof(f->c1_data));
	make_child(f->c2, f->c1, 7, "D:\\VMs\\c1.vhd", ".\\c1.vhd");
	fill(f->c2_data, sizeof(f->c2_data), 3);
	put(f->c2, 2 * MiB + 1024, f->c2_data, sizeof(f->c2_data));
}

static void family_free(struct fam *f)
{
	tu_rmtree(f->dir);
	free(f->dir);
	free(f->base);
	free(f->c1);
	free(f->c2);
	free(f);
}

static struct fam *fam_new(void)
{
	struct fam *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	family(f);
	return f;
}

static void differencing_chain(void **state)
{
	struct fam *f = fam_new();
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_vhd_chain ch;
	struct smig_vhd_info in;
	uint8_t *buf = malloc(4 * MiB), *want = calloc(1, 4 * MiB);

	(void)state;
	assert_non_null(buf);
	assert_non_null(want);
	open_ok(f->c1, &in);
	assert_int_equal(in.type, SMIG_VHD_DIFFERENCING);
	assert_int_equal(in.current_size, 8 * MiB);
	assert_memory_equal(in.parent_id.b, guid_n(5).b, 16);
	assert_string_equal(in.parent_name, "D:\\VMs\\base.vhd");
	assert_int_equal(in.nlocators, 2);
	assert_int_equal(in.locators[0].code, SMIG_VHD_LOC_W2KU);
	assert_string_equal(in.locators[0].path, "D:\\VMs\\base.vhd");
	assert_int_equal(in.locators[0].space, 512);
	assert_int_equal(in.locators[0].length, 30);
	assert_int_equal(in.locators[0].offset, 2048);
	assert_int_equal(in.locators[1].code, SMIG_VHD_LOC_W2RU);
	assert_string_equal(in.locators[1].path, ".\\base.vhd");
	assert_int_equal(in.locators[1].offset, 2560);
	assert_int_equal(in.allocated_blocks, 1);
	smig_vhd_info_release(&in);

	if (smig_vhd_chain_open(f->c2, "D:\\VMs\\c2.avhd", NULL, NULL, &ch, &e) < 0)
		fail_msg("%s", e.msg);
	assert_int_equal(ch.n, 3);
	assert_string_equal(ch.paths[1], f->c1);
	assert_string_equal(ch.paths[2], f->base);
	assert_int_equal(ch.info[2].type, SMIG_VHD_DYNAMIC);
	assert_false(ch.parent_time_mismatch);
	/* virtual [0, 4 MiB): base data at 1 MiB, c1 at 2 MiB (4 KiB), c2 over c1 at +1 KiB */
	memcpy(want + 1 * MiB, f->base_data, sizeof(f->base_data));
	memcpy(want + 2 * MiB, f->c1_data, sizeof(f->c1_data));
	memcpy(want + 2 * MiB + 1024, f->c2_data, sizeof(f->c2_data));
	assert_int_equal(smig_vhd_chain_read(&ch, 0, buf, 4 * MiB, &e), 0);
	assert_memory_equal(buf + 1 * MiB, want + 1 * MiB, 1 * MiB); /* base only */
	assert_memory_equal(buf + 2 * MiB, f->c1_data, 1024);        /* c1 */
	assert_memory_equal(buf + 2 * MiB + 1024, f->c2_data, 1024); /* c2 over c1 */
	assert_memory_equal(buf, want, 4 * MiB);
	/* unaligned read across the sector where child and parent meet */
	assert_int_equal(smig_vhd_chain_read(&ch, 2 * MiB + 1000, buf, 100, &e), 0);
	assert_memory_equal(buf, want + 2 * MiB + 1000, 100);
	smig_vhd_chain_release(&ch);

	/* the parent's mtime changed since the child was linked: a warning */
	{
		struct timespec ts[2] = {{1000000000, 0}, {1000000000, 0}};

		assert_int_equal(utimensat(AT_FDCWD, f->base, ts, 0), 0);
		if (smig_vhd_chain_open(f->c2, NULL, NULL, NULL, &ch, &e) < 0)
			fail_msg("%s", e.msg);
		assert_true(ch.parent_time_mismatch);
		smig_vhd_chain_release(&ch);
	}

	free(buf);
	free(want);
	family_free(f);
}

static void differencing_rejects(void **state)
{
	struct fam *f = fam_new();
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_vhd_chain ch;
	char *bad = tu_fmt("%s/bad.vhd", f->dir), *other = tu_fmt("%s/other.vhd", f->dir);
	char *hidden = tu_fmt("%s/hidden.vhd", f->dir);
	uint64_t fsz = (uint64_t)fsize(f->c1);

	(void)state;
	/* locator offset past EOF */
	copy(f->c1, bad);
	patch_be64(bad, 512 + 576 + 16, fsz + 4096);
	fix_header(bad);
	open_fails(bad, "D:\\VMs\\c1.vhd",
		   "'D:\\VMs\\c1.vhd': parent locator 0 (W2ku) data at offset");
	open_fails(bad, NULL, "runs past the end of the data");
	/* locator space neither sectors nor bytes; unknown platform code; overlap with BAT */
	copy(f->c1, bad);
	patch_be32(bad, 512 + 576 + 4, 700);
	fix_header(bad);
	open_fails(bad, NULL, "data space 700 is neither sectors nor a multiple of 512");
	copy(f->c1, bad);
	patch(bad, 512 + 576 + 24, "W3ru", 4);
	fix_header(bad);
	open_fails(bad, NULL, "parent locator 1 has unknown platform code 0x57337275");
	copy(f->c1, bad);
	patch_be64(bad, 512 + 576 + 16, 1536);
	fix_header(bad);
	open_fails(bad, NULL, "parent locator 0 (W2ku) data at offset 1536 overlaps the BAT");
	/* a length larger than its space; a space in sectors is accepted (spec reading) */
	copy(f->c1, bad);
	patch_be32(bad, 512 + 576 + 8, 1000);
	fix_header(bad);
	open_fails(bad, NULL, "uses 1000 bytes of a 512-byte space");
	copy(f->c1, bad);
	patch_be32(bad, 512 + 576 + 4, 1);
	fix_header(bad);
	{
		struct smig_vhd_info in;

		open_ok(bad, &in);
		assert_int_equal(in.locators[0].space, 512);
		smig_vhd_info_release(&in);
	}

	/* differencing parent missing: the message lists every reference tried */
	assert_int_equal(rename(f->base, hidden), 0);
	assert_int_equal(smig_vhd_chain_open(f->c2, "c2.avhd", NULL, NULL, &ch, &e), -1);
	assert_int_equal(ch.n, 0);
	assert_int_equal(e.kind, SMIG_ERR_IO);
	{
		/* the link that broke, named by c2's reference to it, not by its local path */
		const char *start = "'c1.vhd': parent 5051";

		assert_int_equal(strncmp(e.msg, start, strlen(start)), 0);
	}
	if (strstr(e.msg, "parent 50515253-5455-5657-5859-5a5b5c5d5e5f not found: tried "
			  "'.\\base.vhd' (relative): not found; 'D:\\VMs\\base.vhd' (absolute): "
			  "not found; 'D:\\VMs\\base.vhd' (parent name): not found") == NULL)
		fail_msg("%s", e.msg);
	/* parent unique-id mismatch: another disk under the parent's name */
	make(f->base, SMIG_VHD_DYNAMIC, 8 * MiB, 9);
	smig_err_clear(&e);
	assert_int_equal(smig_vhd_chain_open(f->c1, "c1.vhd", NULL, NULL, &ch, &e), -1);
	if (strstr(e.msg, "'c1.vhd': parent unique id mismatch: tried '.\\base.vhd' (relative) "
			  "as '") == NULL ||
	    strstr(e.msg, "unique id 90919293-9495-9697-9899-9a9b9c9d9e9f is not the parent id "
			  "50515253-5455-5657-5859-5a5b5c5d5e5f") == NULL)
		fail_msg("%s", e.msg);
	assert_int_equal(rename(hidden, f->base), 0);

	/* a corrupt parent is reported as such among the candidates */
	copy(f->base, other);
	patch(f->base, fsize(f->base) - 512 + 70, "\x77", 1);
	smig_err_clear(&e);
	assert_int_equal(smig_vhd_chain_open(f->c1, NULL, NULL, NULL, &ch, &e), -1);
	if (strstr(e.msg, "footer checksum is 0x") == NULL)
		fail_msg("%s", e.msg);
	assert_int_equal(rename(other, f->base), 0);

	free(bad);
	free(other);
	free(hidden);
	family_free(f);
}

/* Resolves c1's parent to c2 and c2's to c1, whatever the reference: closes a loop. */
static int swap_resolver(void *ctx, const char *child, enum smig_vhd_ref kind, const char *ref,
			 char **local, struct smig_err *e)
{
	const struct fam *f = ctx;

	(void)ref;
	if (kind != SMIG_VHD_REF_RELATIVE)
		return 1;
	*local = smig_strdup(strcmp(child, f->c1) == 0 ? f->c2 : f->c1, e);
	return *local ? 0 : -1;
}

static void chain_loop_and_depth(void **state)
{
	struct fam *f = fam_new();
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_vhd_chain ch;
	char *paths[65] = {NULL};

	(void)state;
	/* c1 claims c2 as its parent: c2 -> c1 -> c2 */
	patch(f->c1, 512 + 40, guid_n(7).b, 16);
	fix_header(f->c1);
	assert_int_equal(smig_vhd_chain_open(f->c2, "c2.avhd", swap_resolver, f, &ch, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_FORMAT);
	if (strstr(e.msg, "differencing chain loops: parent '") == NULL ||
	    strstr(e.msg, "has the unique id of 'c2.avhd'") == NULL)
		fail_msg("%s", e.msg);
	/* named as Windows names them, like every other chain message: the leaf by the name the
	 * caller gave, each parent by its reference against its child's folder; no local path */
	smig_err_clear(&e);
	assert_int_equal(
	    smig_vhd_chain_open(f->c2, "D:\\VMs\\c2.avhd", swap_resolver, f, &ch, &e), -1);
	assert_string_equal(e.msg, "'D:\\VMs\\c1.vhd': differencing chain loops: parent "
				   "'D:\\VMs\\base.vhd' has the unique id of 'D:\\VMs\\c2.avhd'");
	assert_null(strstr(e.msg, f->dir));
	/* twin: with the real paths the parent of c1 is base.vhd, whose id does not match */
	smig_err_clear(&e);
	assert_int_equal(smig_vhd_chain_open(f->c2, "c2.avhd", NULL, NULL, &ch, &e), -1);
	assert_non_null(strstr(e.msg, "parent unique id mismatch"));

	/* 64 disks deep is accepted, 65 is refused */
	paths[0] = tu_fmt("%s/d0.vhd", f->dir);
	make(paths[0], SMIG_VHD_DYNAMIC, 1 * MiB, 100);
	for (int i = 1; i < 65; i++) {
		char *rel = tu_fmt(".\\d%d.vhd", i - 1);

		paths[i] = tu_fmt("%s/d%d.vhd", f->dir, i);
		make_child(paths[i], paths[i - 1], (uint8_t)(100 + i), NULL, rel);
		free(rel);
	}
	smig_err_clear(&e);
	if (smig_vhd_chain_open(paths[63], NULL, NULL, NULL, &ch, &e) < 0)
		fail_msg("%s", e.msg);
	assert_int_equal(ch.n, 64);
	smig_vhd_chain_release(&ch);
	assert_int_equal(smig_vhd_chain_open(paths[64], "d64.vhd", NULL, NULL, &ch, &e), -1);
	assert_string_equal(e.msg, "'d64.vhd': differencing chain is deeper than 64 disks");
	for (int i = 0; i < 65; i++)
		free(paths[i]);
	family_free(f);
}

static void default_resolver(void **state)
{
	char *dir = tu_mkdtemp();
	char *child = tu_fmt("%s/vms/child.avhd", dir);
	struct smig_err e = SMIG_ERR_INIT;
	char *local = NULL;
	const char *files[] = {"Store/Base.VHD", "vms/x.vhd", "vms/X.VHD"};

	(void)state;
	for (int i = 0; i < 2; i++) {
		char *d = tu_fmt("%s/%s", dir, i ? "Store" : "vms");

		assert_int_equal(mkdir(d, 0755), 0);
		free(d);
	}
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *fp = tu_fmt("%s/%s", dir, files[i]);

		tu_write(fp, "", 0);
		free(fp);
	}
	assert_int_equal(smig_vhd_resolve_default(NULL, child, SMIG_VHD_REF_RELATIVE,
						  "..\\store\\base.vhd", &local, &e), 0);
	assert_non_null(strstr(local, "/vms/../Store/Base.VHD"));
	free(local);
	assert_int_equal(smig_vhd_resolve_default(NULL, child, SMIG_VHD_REF_NAME,
						  "E:\\Hyper-V\\x.vhd", &local, &e), 0);
	free(local);
	assert_int_equal(smig_vhd_resolve_default(NULL, child, SMIG_VHD_REF_NAME,
						  "E:\\Hyper-V\\X.vHd", &local, &e), -1);
	assert_non_null(strstr(e.msg, "differ only in case"));
	smig_err_clear(&e);
	assert_int_equal(smig_vhd_resolve_default(NULL, child, SMIG_VHD_REF_RELATIVE,
						  ".\\nothere.vhd", &local, &e), 1);
	assert_int_equal(smig_vhd_resolve_default(NULL, child, SMIG_VHD_REF_ABSOLUTE,
						  "D:\\VMs\\x.vhd", &local, &e), 1);
	assert_null(local);
	free(child);
	tu_rmtree(dir);
	free(dir);
}

static void reparent(void **state)
{
	struct fam *f = fam_new();
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_vhd_chain ch;
	struct smig_vhd_info in;
	char *store = tu_fmt("%s/store", f->dir), *moved = tu_fmt("%s/store/base.vhd", f->dir);
	char *before, *after, *longp;
	size_t nb = 0, na = 0;
	uint8_t buf[4096];

	(void)state;
	assert_int_equal(mkdir(store, 0755), 0);
	assert_int_equal(rename(f->base, moved), 0);
	assert_int_equal(smig_vhd_chain_open(f->c1, NULL, NULL, NULL, &ch, &e), -1);

	/* a new parent with the wrong id fails and leaves the file alone */
	before = tu_read(f->c1, &nb);
	smig_err_clear(&e);
	assert_int_equal(smig_vhd_reparent(f->c1, f->c2, "E:\\Store\\base.vhd", NULL, NULL, &e),
			 -1);
	if (strstr(e.msg, "has unique id 70717273-7475-7677-7879-7a7b7c7d7e7f, not the parent "
			  "id 50515253-5455-5657-5859-5a5b5c5d5e5f") == NULL)
		fail_msg("%s", e.msg);
	after = tu_read(f->c1, &na);
	assert_int_equal(na, nb);
	assert_memory_equal(after, before, nb);
	free(after);
	/* a path too long for the 512-byte locator fails and leaves the file alone */
	longp = calloc(1, 300);
	assert_non_null(longp);
	memcpy(longp, "E:\\", 3);
	memset(longp + 3, 'a', 290);
	smig_err_clear(&e);
	assert_int_equal(smig_vhd_reparent(f->c1, moved, longp, ".\\..\\store\\base.vhd", NULL,
					   &e), -1);
	if (strstr(e.msg, "new W2ku path 'E:\\aaa") == NULL ||
	    strstr(e.msg, "needs 586 bytes but the locator holds 512") == NULL)
		fail_msg("%s", e.msg);
	after = tu_read(f->c1, &na);
	assert_int_equal(na, nb);
	assert_memory_equal(after, before, nb);
	free(after);
	free(longp);
	free(before);

	smig_err_clear(&e);
	if (smig_vhd_reparent(f->c1, moved, "E:\\Store\\base.vhd", ".\\Store\\BASE.VHD",
			      "E:\\Store\\base.vhd", &e) < 0)
		fail_msg("%s", e.msg);
	open_ok(f->c1, &in); /* both checksums verify */
	assert_string_equal(in.locators[0].path, "E:\\Store\\base.vhd");
	assert_string_equal(in.locators[1].path, ".\\Store\\BASE.VHD");
	assert_int_equal(in.locators[1].length, 32);
	assert_string_equal(in.parent_name, "E:\\Store\\base.vhd");
	assert_memory_equal(in.parent_id.b, guid_n(5).b, 16);
	smig_vhd_info_release(&in);
	if (smig_vhd_chain_open(f->c1, NULL, NULL, NULL, &ch, &e) < 0)
		fail_msg("%s", e.msg);
	assert_int_equal(ch.n, 2);
	assert_false(ch.parent_time_mismatch); /* rename kept base's mtime */
	smig_vhd_chain_release(&ch);
	if (smig_vhd_chain_open(f->c2, NULL, NULL, NULL, &ch, &e) < 0)
		fail_msg("%s", e.msg);
	assert_int_equal(ch.n, 3);
	assert_non_null(strstr(ch.paths[2], "/store/base.vhd"));
	assert_int_equal(smig_vhd_chain_read(&ch, 1 * MiB, buf, sizeof(buf), &e), 0);
	assert_memory_equal(buf, f->base_data, sizeof(buf));
	smig_vhd_chain_release(&ch);
	/* not a differencing disk; no such locator */
	smig_err_clear(&e);
	assert_int_equal(smig_vhd_reparent(moved, NULL, NULL, NULL, "x", &e), -1);
	assert_non_null(strstr(e.msg, "not a differencing disk"));
	free(store);
	free(moved);
	family_free(f);
}

static void reparent_missing_locator(void **state)
{
	char *dir = tu_mkdtemp();
	char *base = tu_fmt("%s/b.vhd", dir), *child = tu_fmt("%s/c.avhd", dir);
	struct smig_err e = SMIG_ERR_INIT;
	char *before, *after;
	size_t nb = 0, na = 0;

	(void)state;
	make(base, SMIG_VHD_DYNAMIC, 1 * MiB, 20);
	make_child(child, base, 21, NULL, ".\\b.vhd");
	before = tu_read(child, &nb);
	assert_int_equal(smig_vhd_reparent(child, base, "E:\\b.vhd", NULL, NULL, &e), -1);
	after = tu_fmt("'%s': the disk has no absolute parent locator to hold 'E:\\b.vhd'", child);
	assert_string_equal(e.msg, after);
	free(after);
	after = tu_read(child, &na);
	assert_int_equal(na, nb);
	assert_memory_equal(after, before, nb);
	free(before);
	free(after);
	free(base);
	free(child);
	tu_rmtree(dir);
	free(dir);
}

/* Peer tools (formats.md §7.9): qemu-img sees the sizes and the data smig writes. */
static void peer_qemu_img(void **state)
{
	char *dir, *dyn, *fix;
	uint8_t *data;
	struct fam *f;

	(void)state;
	if (!tu_have("qemu-img"))
		skip();
	dir = tu_mkdtemp();
	dyn = tu_fmt("%s/dyn.vhd", dir);
	fix = tu_fmt("%s/fix.vhd", dir);
	data = malloc(5 * MiB);
	assert_non_null(data);
	fill(data, 5 * MiB, 11);
	make(dyn, SMIG_VHD_DYNAMIC, 8 * MiB, 30);
	make(fix, SMIG_VHD_FIXED, 8 * MiB, 31);
	put(dyn, 1 * MiB - 100, data, 5 * MiB);
	put(fix, 1 * MiB - 100, data, 5 * MiB);
	assert_int_equal(qemu_size(dyn), 8 * MiB);
	assert_int_equal(qemu_size(fix), 8 * MiB);
	assert_int_equal(tu_sh("qemu-img compare -q -f vpc -F vpc '%s' '%s'", dyn, fix), 0);
	/* twin: one byte different in the fixed disk */
	put(fix, 2 * MiB + 5, "\x01", 1);
	assert_int_equal(tu_sh("qemu-img compare -q -f vpc -F vpc '%s' '%s'", dyn, fix), 1);
	f = fam_new();
	assert_int_equal(qemu_size(f->c2), 8 * MiB);
	family_free(f);
	free(data);
	free(dyn);
	free(fix);
	tu_rmtree(dir);
	free(dir);
}

/* SHA-256 of a file, as sha256sum prints it. */
static void sha256sum_of(const char *path, char hex[65])
{
	char *out = tu_fmt("%s.sum", path);
	char *txt;
	size_t len = 0;

	assert_int_equal(tu_sh("sha256sum '%s' > '%s'", path, out), 0);
	txt = tu_read(out, &len);
	assert_true(len >= 64);
	memcpy(hex, txt, 64);
	hex[64] = '\0';
	free(txt);
	free(out);
}

static void chain_digest_hex(const char *path, char hex[65])
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_vhd_chain ch;
	uint8_t d[32];

	if (smig_vhd_chain_open(path, NULL, NULL, NULL, &ch, &e) < 0 ||
	    smig_vhd_chain_sha256(&ch, d, &e) < 0)
		fail_msg("%s", e.msg);
	smig_vhd_chain_release(&ch);
	smig_hex(d, 32, hex);
}

/*
 * The virtual-content digest (what the verification of a re-parented disk compares) is the
 * SHA-256 of the raw image: qemu-img convert -O raw of a dynamic disk is the oracle; for a
 * chain (qemu-img reads a differencing VHD without its parent), the base's raw image with the
 * children's writes laid over it at their offsets.
 */
static void chain_digest_is_raw_sha256(void **state)
{
	char hq[65], hs[65];
	char *raw;
	struct fam *f;
	FILE *fp;

	(void)state;
	if (!tu_have("qemu-img") || !tu_have("sha256sum"))
		skip();
	f = fam_new();
	raw = tu_fmt("%s/base.raw", f->dir);
	assert_int_equal(tu_sh("qemu-img convert -f vpc -O raw '%s' '%s'", f->base, raw), 0);
	sha256sum_of(raw, hq);
	chain_digest_hex(f->base, hs);
	assert_string_equal(hs, hq);
	/* the chain c2 -> c1 -> base presents base's bytes with c1's and c2's writes on top */
	fp = fopen(raw, "r+b");
	assert_non_null(fp);
	assert_int_equal(fseek(fp, 2 * MiB, SEEK_SET), 0);
	assert_int_equal(fwrite(f->c1_data, 1, sizeof(f->c1_data), fp), sizeof(f->c1_data));
	assert_int_equal(fseek(fp, 2 * MiB + 1024, SEEK_SET), 0);
	assert_int_equal(fwrite(f->c2_data, 1, sizeof(f->c2_data), fp), sizeof(f->c2_data));
	assert_int_equal(fclose(fp), 0);
	sha256sum_of(raw, hq);
	chain_digest_hex(f->c2, hs);
	assert_string_equal(hs, hq);
	/* twin: one byte of c2's data changed changes the digest */
	f->c2_data[476] ^= 0xff; /* at 2 MiB + 1500, in c2's first sector */
	put(f->c2, 2 * MiB + 1024, f->c2_data, 512);
	chain_digest_hex(f->c2, hs);
	assert_string_not_equal(hs, hq);
	free(raw);
	family_free(f);
}

/* vhdiinfo reads the type, the ids and the parent name smig writes and re-parents. */
static void peer_vhdiinfo(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	char *dir, *fix, *dyn, *txt, *moved;
	struct fam *f;

	(void)state;
	if (!tu_have("vhdiinfo"))
		skip();
	dir = tu_mkdtemp();
	fix = tu_fmt("%s/fix.vhd", dir);
	dyn = tu_fmt("%s/dyn.vhd", dir);
	make(fix, SMIG_VHD_FIXED, 8 * MiB, 1);
	make(dyn, SMIG_VHD_DYNAMIC, 8 * MiB, 2);
	txt = vhdiinfo(fix);
	assert_non_null(strstr(txt, "Disk type\t\t: Fixed"));
	assert_non_null(strstr(txt, "Identifier\t\t: 10111213-1415-1617-1819-1a1b1c1d1e1f"));
	free(txt);
	txt = vhdiinfo(dyn);
	assert_non_null(strstr(txt, "Disk type\t\t: Dynamic"));
	free(txt);

	f = fam_new();
	txt = vhdiinfo(f->c2);
	assert_non_null(strstr(txt, "Disk type\t\t: Differential"));
	assert_non_null(strstr(txt, "Parent identifier\t: 60616263-6465-6667-6869-6a6b6c6d6e6f"));
	assert_non_null(strstr(txt, "Parent filename\t\t: D:\\VMs\\c1.vhd\n"));
	free(txt);
	moved = tu_fmt("%s/moved.vhd", f->dir);
	assert_int_equal(rename(f->base, moved), 0);
	if (smig_vhd_reparent(f->c1, moved, "E:\\Store\\moved.vhd", ".\\moved.vhd",
			      "E:\\Store\\moved.vhd", &e) < 0)
		fail_msg("%s", e.msg);
	txt = vhdiinfo(f->c1);
	assert_non_null(strstr(txt, "Parent filename\t\t: E:\\Store\\moved.vhd\n"));
	free(txt);
	free(moved);
	family_free(f);
	free(fix);
	free(dyn);
	tu_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(geometry),
		cmocka_unit_test(fixed_disk),
		cmocka_unit_test(legacy_short_footer),
		cmocka_unit_test(dynamic_disk),
		cmocka_unit_test(differencing_chain),
		cmocka_unit_test(differencing_rejects),
		cmocka_unit_test(chain_loop_and_depth),
		cmocka_unit_test(default_resolver),
		cmocka_unit_test(reparent),
		cmocka_unit_test(reparent_missing_locator),
		cmocka_unit_test(peer_qemu_img),
		cmocka_unit_test(chain_digest_is_raw_sha256),
		cmocka_unit_test(peer_vhdiinfo),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
