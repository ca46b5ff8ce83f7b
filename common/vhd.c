/* vhd.c - VHD reader, verifier, chain resolver and fixture writer (see vhd.h, formats.md §7). */
#include "vhd.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hostfs.h"
#include "fileio.h"
#include "i18n.h"
#include "sign.h"
#include "strbuf.h"

#define SECTOR 512u
#define FOOTER_SIZE 512u
#define HEADER_SIZE 1024u
#define LOCATOR_TABLE 576u  /* header offset of locator entry 0 */
#define PARENT_NAME_OFF 64u /* header offset of the UTF-16BE parent name */
#define PARENT_NAME_SIZE 512u
#define NO_BLOCK 0xFFFFFFFFu
#define DEFAULT_BLOCK (2u * 1024 * 1024)
/* Block sizes above this are refused: the bitmap read per block must stay small. */
#define MAX_BLOCK (256u * 1024 * 1024)
/* A BAT larger than this (16 Mi entries) is refused: bounded memory on hostile input. */
#define MAX_BAT_ENTRIES (16u * 1024 * 1024)
/* A table may cover up to 2 TiB of virtual space even if the disk is smaller (blktap -S). */
#define MAX_TABLE_SPAN ((uint64_t)2 << 40)
/* Locator paths: a Windows path is at most 32767 UTF-16 units. */
#define MAX_LOCATOR_PATH 65536u

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t get_be64(const uint8_t *p)
{
	return (uint64_t)get_be32(p) << 32 | get_be32(p + 4);
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void put_be64(uint8_t *p, uint64_t v)
{
	put_be32(p, (uint32_t)(v >> 32));
	put_be32(p + 4, (uint32_t)v);
}

/* Ones' complement of the byte sum, the 4-byte field at `field` counted as zero (§7.6). */
static uint32_t vhd_checksum(const uint8_t *buf, size_t len, size_t field)
{
	uint32_t sum = 0;

	for (size_t i = 0; i < len; i++)
		if (i < field || i >= field + 4)
			sum += buf[i];
	return ~sum;
}

static const char *code_name(uint32_t code)
{
	switch (code) {
	case SMIG_VHD_LOC_W2KU: return "W2ku";
	case SMIG_VHD_LOC_W2RU: return "W2ru";
	case SMIG_VHD_LOC_WI2K: return "Wi2k";
	case SMIG_VHD_LOC_WI2R: return "Wi2r";
	case SMIG_VHD_LOC_MAC: return "Mac ";
	case SMIG_VHD_LOC_MACX: return "MacX";
	default: return NULL;
	}
}

static int read_at(int fd, void *buf, size_t len, uint64_t off, const char *what,
		   struct smig_err *e)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return smig_err_sys(e, errno, _("cannot read '%s'"), what);
		if (n == 0)
			return smig_err_set(e, SMIG_ERR_FORMAT,
					    _("'%s': unexpected end of file at offset %llu"), what,
					    (unsigned long long)(off + done));
		done += (size_t)n;
	}
	return 0;
}

static int write_at(int fd, const void *buf, size_t len, uint64_t off, const char *what,
		    struct smig_err *e)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pwrite(fd, (const char *)buf + done, len - done, (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return smig_err_sys(e, errno, _("cannot write '%s'"), what);
		done += (size_t)n;
	}
	return 0;
}

void smig_vhd_info_release(struct smig_vhd_info *info)
{
	if (info == NULL)
		return;
	free(info->bat);
	free(info->parent_name);
	for (size_t i = 0; i < info->nlocators; i++)
		free(info->locators[i].path);
	memset(info, 0, sizeof(*info));
}

/* ---- reading ---- */

/* A byte range [start, end) of metadata that blocks and locators must not overlap. */
struct region {
	uint64_t start, end;
	const char *name;
};

static bool overlaps(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1)
{
	return a0 < b1 && b0 < a1;
}

/* Fill the footer fields of `info` from the verified 512-byte footer `f`. */
static int parse_footer(const uint8_t *f, const char *what, struct smig_vhd_info *info,
			struct smig_err *e)
{
	uint32_t stored = get_be32(f + 64);
	uint32_t sum = vhd_checksum(f, FOOTER_SIZE, 64);
	uint32_t version = get_be32(f + 12);
	uint32_t type = get_be32(f + 60);

	if (stored != sum)
		return smig_err_set(e, SMIG_ERR_FORMAT,
				    _("'%s': footer checksum is 0x%08x but the footer sums to 0x%08x"),
				    what, stored, sum);
	if (version >> 16 != 1)
		return smig_err_set(e, SMIG_ERR_FORMAT, _("'%s': unsupported footer version 0x%08x"),
				    what, version);
	if (type != SMIG_VHD_FIXED && type != SMIG_VHD_DYNAMIC && type != SMIG_VHD_DIFFERENCING)
		return smig_err_set(e, SMIG_ERR_FORMAT,
				    _("'%s': disk type %u is not fixed (2), dynamic (3) or "
				    "differencing (4)"), what, type);
	info->type = (enum smig_vhd_type)type;
	info->timestamp = get_be32(f + 24);
	for (int i = 0; i < 4; i++)
		info->creator_app[i] = f[28 + i] >= 0x20 && f[28 + i] < 0x7f ? (char)f[28 + i]
			: f[28 + i] == 0 ? ' ' : '?';
	info->creator_app[4] = '\0';
	info->creator_version = get_be32(f + 32);
	info->original_size = get_be64(f + 40);
	info->current_size = get_be64(f + 48);
	info->cylinders = (uint16_t)(f[56] << 8 | f[57]);
	info->heads = f[58];
	info->sectors = f[59];
	memcpy(info->unique_id.b, f + 68, 16);
	info->saved_state = f[84];
	info->header_offset = get_be64(f + 16);
	if (info->current_size % SECTOR != 0)
		return smig_err_set(e, SMIG_ERR_FORMAT,
				    _("'%s': current size %llu is not a multiple of 512 bytes"), what,
				    (unsigned long long)info->current_size);
	return 0;
}

/* Find, check and parse the trailing footer (or the 511-byte legacy form); `f` gets it. */
static int load_footer(int fd, const char *what, uint64_t size, uint8_t f[FOOTER_SIZE],
		       struct smig_vhd_info *info, struct smig_err *e)
{
	uint8_t head[8];

	if (size < FOOTER_SIZE - 1)
		return smig_err_set(e, SMIG_ERR_FORMAT,
				    _("'%s': file is too small for a VHD (%llu bytes)"), what,
				    (unsigned long long)size);
	memset(f, 0, FOOTER_SIZE);
	if (size >= FOOTER_SIZE) {
		if (read_at(fd, f, FOOTER_SIZE, size - FOOTER_SIZE, what, e) < 0)
			return -1;
		info->footer_offset = size - FOOTER_SIZE;
	}
	if (size < FOOTER_SIZE || memcmp(f, "conectix", 8) != 0) {
		/* old Virtual PC wrote a 511-byte footer (blktap vhd_read_short_footer) */
		memset(f, 0, FOOTER_SIZE);
		if (read_at(fd, f, FOOTER_SIZE - 1, size - (FOOTER_SIZE - 1), what, e) < 0)
			return -1;
		info->footer_offset = size - (FOOTER_SIZE - 1);
	}
	if (memcmp(f, "conectix", 8) == 0)
		return parse_footer(f, what, info, e);
	if (size >= FOOTER_SIZE && read_at(fd, head, sizeof(head), 0, what, e) == 0 &&
	    memcmp(head, "conectix", 8) == 0)
		return smig_err_set(e, SMIG_ERR_FORMAT,
				    _("'%s': no footer at the end of the file, only the copy at "
				    "offset 0 (truncated file?)"), what);
	return smig_err_set(e, SMIG_ERR_FORMAT,
			    _("'%s': not a VHD: no 'conectix' footer at the end of the file"), what);
}

/* Decode the data of one path locator (length already bounded by its space). */
static int load_locator_path(int fd, const char *what, int idx, struct smig_vhd_locator *l,
			     struct smig_err *e)
{
	struct smig_err sub = SMIG_ERR_INIT;
	uint8_t *data = NULL;
	const char *name = code_name(l->code);
	int rc = -1;

	if (l->code == SMIG_VHD_LOC_MAC || l->code == SMIG_VHD_LOC_MACX)
		return 0;
	if (l->length > MAX_LOCATOR_PATH) {
		smig_err_set(e, SMIG_ERR_FORMAT,
			     _("'%s': parent locator %d (%s) holds %u bytes, too long for a path"),
			     what, idx, name, l->length);
		goto out;
	}
	data = malloc(l->length);
	if (data == NULL) {
		smig_err_nomem(e, _("reading a parent locator"));
		goto out;
	}
	if (read_at(fd, data, l->length, l->offset, what, e) < 0)
		goto out;
	if (l->code == SMIG_VHD_LOC_W2KU || l->code == SMIG_VHD_LOC_W2RU) {
		if (smig_utf16le_to_utf8(data, l->length, &l->path, &sub) < 0) {
			smig_err_set(e, SMIG_ERR_FORMAT, _("'%s': parent locator %d (%s): %s"),
				     what, idx, name, sub.msg);
			goto out;
		}
	} else {
		size_t n = 0;

		while (n < l->length && data[n] != 0) {
			if (data[n] >= 0x80) {
				smig_err_set(e, SMIG_ERR_FORMAT,
					     _("'%s': parent locator %d (%s) is not ASCII"), what,
					     idx, name);
				goto out;
			}
			n++;
		}
		l->path = smig_strndup((const char *)data, n, e);
		if (l->path == NULL)
			goto out;
	}
	if (l->path[0] == '\0') {
		smig_err_set(e, SMIG_ERR_FORMAT, _("'%s': parent locator %d (%s) holds an empty path"),
			     what, idx, name);
		goto out;
	}
	rc = 0;
out:
	free(data);
	return rc;
}

/* Validate the 8 locator entries of header `h` (vhd-util check rules, §7.4). */
static int load_locators(int fd, const char *what, const uint8_t *h, struct region *meta,
			 size_t nmeta, struct smig_vhd_info *info, struct smig_err *e)
{
	for (int i = 0; i < 8; i++) {
		const uint8_t *p = h + LOCATOR_TABLE + 24 * i;
		struct smig_vhd_locator *l = &info->locators[info->nlocators];
		uint32_t code = get_be32(p), space = get_be32(p + 4);
		const char *name = code_name(code);

		if (code == 0)
			continue;
		if (name == NULL)
			return smig_err_set(e, SMIG_ERR_FORMAT,
					    _("'%s': parent locator %d has unknown platform code "
					    "0x%08x"), what, i, code);
		l->code = code;
		l->length = get_be32(p + 8);
		l->offset = get_be64(p + 16);
		/* the spec says sectors, Microsoft writes bytes: blktap's heuristic */
		if (space != 0 && space < SECTOR)
			space *= SECTOR;
		else if (space % SECTOR != 0)
			return smig_err_set(e, SMIG_ERR_FORMAT,
					    _("'%s': parent locator %d (%s) data space %u is neither "
					    "sectors nor a multiple of 512 bytes"), what, i, name,
					    space);
		l->space = space;
		info->nlocators++;
		if (l->offset == 0 || l->space == 0 || l->length == 0)
			return smig_err_set(e, SMIG_ERR_FORMAT,
					    _("'%s': parent locator %d (%s) has a zero offset, space "
					    "or length"), what, i, name);
		if (get_be32(p + 12) != 0)
			return smig_err_set(e, SMIG_ERR_FORMAT,
					    _("'%s': parent locator %d (%s) reserved field is not "
					    "zero"), what, i, name);
		if (l->length > l->space)
			return smig_err_set(e, SMIG_ERR_FORMAT,
					    _("'%s': parent locator %d (%s) uses %u bytes of a "
					    "%u-byte space"), what, i, name, l->length, l->space);
		if (l->offset > info->footer_offset ||
		    l->space > info->footer_offset - l->offset)
			return smig_err_set(e, SMIG_ERR_FORMAT,
					    _("'%s': parent locator %d (%s) data at offset %llu "
					    "(+%u) runs past the end of the data at %llu"), what, i,
					    name, (unsigned long long)l->offset, l->space,
					    (unsigned long long)info->footer_offset);
		for (size_t m = 0; m < nmeta; m++)
			if (overlaps(l->offset, l->offset + l->space, meta[m].start, meta[m].end))
				return smig_err_set(e, SMIG_ERR_FORMAT,
						    _("'%s': parent locator %d (%s) data at offset "
						    "%llu overlaps the %s"), what, i, name,
						    (unsigned long long)l->offset, meta[m].name);
		for (size_t k = 0; k + 1 < info->nlocators; k++) {
			const struct smig_vhd_locator *o = &info->locators[k];

			if (overlaps(l->offset, l->offset + l->space, o->offset,
				     o->offset + o->space))
				return smig_err_set(e, SMIG_ERR_FORMAT,
						    _("'%s': parent locators %s and %s overlap"), what,
						    code_name(o->code), name);
		}
		if (load_locator_path(fd, what, i, l, e) < 0)
			return -1;
	}
	return 0;
}

struct alloc {
	uint32_t sector;
	uint32_t index;
};

static int alloc_cmp(const void *a, const void *b)
{
	const struct alloc *x = a, *y = b;

	return x->sector < y->sector ? -1 : x->sector > y->sector;
}

/* Check every allocated BAT entry: inside the data, clear of metadata and of each other. */
static int check_blocks(const char *what, const struct region *meta, size_t nmeta,
			struct smig_vhd_info *info, struct smig_err *e)
{
	uint64_t span = (uint64_t)info->bitmap_size + info->block_size;
	struct alloc *a = NULL;
	size_t n = 0;
	int rc = -1;

	for (uint32_t i = 0; i < info->max_table_entries; i++)
		if (info->bat[i] != NO_BLOCK)
			n++;
	a = malloc((n ? n : 1) * sizeof(*a));
	if (a == NULL)
		return smig_err_nomem(e, _("checking the BAT"));
	n = 0;
	for (uint32_t i = 0; i < info->max_table_entries; i++) {
		uint64_t start = (uint64_t)info->bat[i] * SECTOR;

		if (info->bat[i] == NO_BLOCK)
			continue;
		if (start + span > info->footer_offset) {
			smig_err_set(e, SMIG_ERR_FORMAT,
				     _("'%s': block %u at offset %llu ends at %llu, past the end of "
				     "the data at %llu (truncated file?)"), what, i,
				     (unsigned long long)start, (unsigned long long)(start + span),
				     (unsigned long long)info->footer_offset);
			goto out;
		}
		for (size_t m = 0; m < nmeta; m++)
			if (overlaps(start, start + span, meta[m].start, meta[m].end)) {
				smig_err_set(e, SMIG_ERR_FORMAT,
					     _("'%s': block %u at offset %llu overlaps the %s"), what,
					     i, (unsigned long long)start, meta[m].name);
				goto out;
			}
		for (size_t k = 0; k < info->nlocators; k++) {
			const struct smig_vhd_locator *l = &info->locators[k];

			if (overlaps(start, start + span, l->offset, l->offset + l->space)) {
				smig_err_set(e, SMIG_ERR_FORMAT,
					     _("'%s': block %u at offset %llu overlaps the %s "
					     "locator data"), what, i, (unsigned long long)start,
					     code_name(l->code));
				goto out;
			}
		}
		a[n].sector = info->bat[i];
		a[n].index = i;
		n++;
	}
	qsort(a, n, sizeof(*a), alloc_cmp);
	for (size_t k = 1; k < n; k++)
		if ((uint64_t)a[k - 1].sector * SECTOR + span > (uint64_t)a[k].sector * SECTOR) {
			smig_err_set(e, SMIG_ERR_FORMAT, _("'%s': blocks %u and %u overlap"), what,
				     a[k - 1].index, a[k].index);
			goto out;
		}
	info->allocated_blocks = n;
	info->data_bytes = (uint64_t)n * info->block_size;
	rc = 0;
out:
	free(a);
	return rc;
}

/* Dynamic header, BAT, locators and blocks of a dynamic or differencing disk. */
static int load_dynamic(int fd, const char *what, const uint8_t *footer,
			struct smig_vhd_info *info, struct smig_err *e)
{
	uint8_t copy[FOOTER_SIZE], h[HEADER_SIZE];
	struct region meta[3];
	uint8_t *raw = NULL;
	uint64_t hoff = info->header_offset, need, limit, bat_bytes;
	uint32_t stored, sum, bs;
	int rc = -1;

	if (read_at(fd, copy, sizeof(copy), 0, what, e) < 0)
		goto out;
	info->footer_copy_differs = memcmp(copy, footer, FOOTER_SIZE) != 0;
	if (hoff < FOOTER_SIZE || hoff > info->footer_offset ||
	    info->footer_offset - hoff < HEADER_SIZE) {
		smig_err_set(e, SMIG_ERR_FORMAT,
			     _("'%s': dynamic header offset %llu is outside the file"), what,
			     (unsigned long long)hoff);
		goto out;
	}
	if (read_at(fd, h, sizeof(h), hoff, what, e) < 0)
		goto out;
	if (memcmp(h, "cxsparse", 8) != 0) {
		smig_err_set(e, SMIG_ERR_FORMAT,
			     _("'%s': no 'cxsparse' cookie in the dynamic header at offset %llu"),
			     what, (unsigned long long)hoff);
		goto out;
	}
	stored = get_be32(h + 36);
	sum = vhd_checksum(h, HEADER_SIZE, 36);
	if (stored != sum) {
		smig_err_set(e, SMIG_ERR_FORMAT,
			     _("'%s': dynamic header checksum is 0x%08x but the header sums to "
			     "0x%08x"), what, stored, sum);
		goto out;
	}
	if (get_be32(h + 24) >> 16 != 1) {
		smig_err_set(e, SMIG_ERR_FORMAT, _("'%s': unsupported dynamic header version 0x%08x"),
			     what, get_be32(h + 24));
		goto out;
	}
	info->bat_offset = get_be64(h + 16);
	info->max_table_entries = get_be32(h + 28);
	bs = info->block_size = get_be32(h + 32);
	if (bs < SECTOR || (bs & (bs - 1)) != 0 || bs > MAX_BLOCK) {
		smig_err_set(e, SMIG_ERR_FORMAT,
			     _("'%s': block size %u is not a power of two between 512 bytes and "
			     "256 MiB"), what, bs);
		goto out;
	}
	/* bitmap: one bit per sector, rounded up to whole sectors */
	info->bitmap_size = ((bs / SECTOR / 8) + SECTOR - 1) / SECTOR * SECTOR;
	need = (info->current_size + bs - 1) / bs;
	if ((uint64_t)info->max_table_entries < need) {
		smig_err_set(e, SMIG_ERR_FORMAT,
			     _("'%s': %u BAT entries of %u bytes cannot hold the current size %llu"),
			     what, info->max_table_entries, bs,
			     (unsigned long long)info->current_size);
		goto out;
	}
	limit = MAX_TABLE_SPAN / bs > need ? MAX_TABLE_SPAN / bs : need;
	if (info->max_table_entries > limit || info->max_table_entries > MAX_BAT_ENTRIES) {
		smig_err_set(e, SMIG_ERR_FORMAT,
			     _("'%s': %u BAT entries is absurd for a disk of %llu bytes in %u-byte "
			     "blocks"), what, info->max_table_entries,
			     (unsigned long long)info->current_size, bs);
		goto out;
	}
	bat_bytes = (uint64_t)info->max_table_entries * 4;
	if (info->bat_offset < FOOTER_SIZE || info->bat_offset > info->footer_offset ||
	    info->footer_offset - info->bat_offset < bat_bytes) {
		smig_err_set(e, SMIG_ERR_FORMAT,
			     _("'%s': BAT at offset %llu (%llu bytes) is outside the data before the "
			     "footer at %llu"), what, (unsigned long long)info->bat_offset,
			     (unsigned long long)bat_bytes,
			     (unsigned long long)info->footer_offset);
		goto out;
	}
	meta[0] = (struct region){0, FOOTER_SIZE, _("footer copy")};
	meta[1] = (struct region){hoff, hoff + HEADER_SIZE, _("dynamic header")};
	meta[2] = (struct region){info->bat_offset,
				  info->bat_offset + (bat_bytes + SECTOR - 1) / SECTOR * SECTOR,
				  "BAT"};
	if (overlaps(meta[1].start, meta[1].end, meta[2].start, meta[2].end)) {
		smig_err_set(e, SMIG_ERR_FORMAT, _("'%s': the BAT overlaps the dynamic header"), what);
		goto out;
	}
	raw = malloc(bat_bytes ? bat_bytes : 1);
	info->bat = malloc(bat_bytes ? bat_bytes : 1);
	if (raw == NULL || info->bat == NULL) {
		smig_err_nomem(e, _("reading the BAT"));
		goto out;
	}
	if (read_at(fd, raw, bat_bytes, info->bat_offset, what, e) < 0)
		goto out;
	for (uint32_t i = 0; i < info->max_table_entries; i++)
		info->bat[i] = get_be32(raw + 4 * (size_t)i);

	if (info->type == SMIG_VHD_DIFFERENCING) {
		struct smig_err sub = SMIG_ERR_INIT;

		memcpy(info->parent_id.b, h + 40, 16);
		if (smig_guid_is_zero(&info->parent_id)) {
			smig_err_set(e, SMIG_ERR_FORMAT,
				     _("'%s': differencing disk has no parent unique id"), what);
			goto out;
		}
		info->parent_timestamp = get_be32(h + 56);
		if (smig_utf16be_to_utf8(h + PARENT_NAME_OFF, PARENT_NAME_SIZE, &info->parent_name,
					 &sub) < 0) {
			smig_err_set(e, SMIG_ERR_FORMAT, _("'%s': header parent name: %s"), what,
				     sub.msg);
			goto out;
		}
		if (load_locators(fd, what, h, meta, 3, info, e) < 0)
			goto out;
	}
	if (check_blocks(what, meta, 3, info, e) < 0)
		goto out;
	rc = 0;
out:
	free(raw);
	return rc;
}

/* Verify the open file `fd` of `size` bytes and fill `info` (released by the caller). */
static int vhd_load(int fd, const char *what, uint64_t size, struct smig_vhd_info *info,
		    struct smig_err *e)
{
	uint8_t footer[FOOTER_SIZE];

	memset(info, 0, sizeof(*info));
	info->file_size = size;
	if (load_footer(fd, what, size, footer, info, e) < 0)
		return -1;
	if (info->type == SMIG_VHD_FIXED) {
		if (info->current_size > info->footer_offset)
			return smig_err_set(e, SMIG_ERR_FORMAT,
					    _("'%s': the footer says %llu bytes but only %llu bytes "
					    "precede it (truncated file?)"), what,
					    (unsigned long long)info->current_size,
					    (unsigned long long)info->footer_offset);
		info->header_offset = 0;
		return 0;
	}
	return load_dynamic(fd, what, footer, info, e);
}

static int open_fd(const char *path, const char *what, int flags, struct smig_vhd_info *info,
		   struct smig_err *e)
{
	struct stat st;
	int fd;

	memset(info, 0, sizeof(*info));
	/* O_NONBLOCK: a FIFO put where a file belongs is refused below, not waited on */
	fd = open(path, flags | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return smig_err_sys(e, errno, _("cannot open '%s'"), what);
	if (fstat(fd, &st) < 0) {
		smig_err_sys(e, errno, _("cannot stat '%s'"), what);
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		smig_err_set(e, SMIG_ERR_FORMAT, _("'%s': not a regular file"), what);
		close(fd);
		return -1;
	}
	if (vhd_load(fd, what, (uint64_t)st.st_size, info, e) < 0) {
		smig_vhd_info_release(info);
		close(fd);
		return -1;
	}
	return fd;
}

int smig_vhd_open(const char *path, const char *what, struct smig_vhd_info *info,
		  struct smig_err *e)
{
	int fd = open_fd(path, what ? what : path, O_RDONLY, info, e);

	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

/* ---- chains ---- */

static char *dir_of(const char *path, struct smig_err *e)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return smig_strdup(".", e);
	if (slash == path)
		return smig_strdup("/", e);
	return smig_strndup(path, (size_t)(slash - path), e);
}

int smig_vhd_resolve_default(void *ctx, const char *child_path, enum smig_vhd_ref kind,
			     const char *ref, char **local, struct smig_err *e)
{
	char *cur = NULL, *next = NULL, *comp = NULL;
	const char *p = ref, *last;
	int rc = -1;

	(void)ctx;
	*local = NULL;
	if (kind == SMIG_VHD_REF_ABSOLUTE)
		return 1;
	cur = dir_of(child_path, e);
	if (cur == NULL)
		goto out;
	if (kind == SMIG_VHD_REF_NAME) {
		last = ref;
		for (p = ref; *p; p++)
			if (*p == '\\' || *p == '/' || (*p == ':' && p == ref + 1))
				last = p + 1;
		if (*last == '\0' || strcmp(last, ".") == 0 || strcmp(last, "..") == 0) {
			rc = 1;
			goto out;
		}
		rc = smig_ci_lookup(cur, last, local, e);
		goto out;
	}
	/* relative: walk components; ".." may climb above the child's directory (§1.2 allows
	 * "..\dir\x.vhd"); the drive-root check belongs to the drive map, not here */
	if (ref[0] == '\\' || ref[0] == '/' || (ref[0] != '\0' && ref[1] == ':')) {
		rc = 1;
		goto out;
	}
	while (*p) {
		size_t n = strcspn(p, "\\/");

		if (n == 0 || (n == 1 && p[0] == '.')) {
			p += n + (p[n] != '\0');
			continue;
		}
		free(comp);
		comp = smig_strndup(p, n, e);
		if (comp == NULL)
			goto out;
		p += n + (p[n] != '\0');
		if (strcmp(comp, "..") == 0) {
			next = smig_path_join(cur, "..", e);
			if (next == NULL)
				goto out;
		} else {
			rc = smig_ci_lookup(cur, comp, &next, e);
			if (rc != 0)
				goto out;
			rc = -1;
		}
		free(cur);
		cur = next;
		next = NULL;
	}
	if (comp == NULL) {
		rc = 1;
		goto out;
	}
	*local = cur;
	cur = NULL;
	rc = 0;
out:
	free(cur);
	free(comp);
	return rc;
}

void smig_vhd_chain_release(struct smig_vhd_chain *chain)
{
	if (chain == NULL)
		return;
	for (size_t i = 0; chain->paths && chain->info && i < chain->n; i++) {
		free(chain->paths[i]);
		smig_vhd_info_release(&chain->info[i]);
	}
	for (size_t i = 0; chain->names && i < SMIG_VHD_MAX_DEPTH + 1; i++)
		free(chain->names[i]); /* allocated with that many, NULL past the chain */
	free(chain->names);
	free(chain->paths);
	free(chain->info);
	memset(chain, 0, sizeof(*chain));
}

static const char *kind_name(enum smig_vhd_ref kind)
{
	return kind == SMIG_VHD_REF_RELATIVE ? _("relative") : kind == SMIG_VHD_REF_ABSOLUTE ?
		_("absolute") : _("parent name");
}

static bool looks_absolute(const char *s)
{
	return (s[0] != '\0' && s[1] == ':') || (s[0] == '\\' && s[1] == '\\');
}

struct candidate {
	enum smig_vhd_ref kind;
	const char *ref;
};

/* The name messages give a parent found by `c` from a child named `child` (a Windows path,
 * as the caller named the leaf): an absolute reference as it is; a relative one, or a bare
 * header name, against the child's folder ('.' dropped, '..' climbing), so that no message
 * names a local path where the others name Windows ones. */
static char *parent_name_of(const char *child, const struct candidate *c, struct smig_err *e)
{
	struct smig_strbuf sb = SMIG_STRBUF_INIT;
	const char *ref = c->ref, *sep;
	size_t dirlen;

	if (c->kind == SMIG_VHD_REF_ABSOLUTE || looks_absolute(ref))
		return smig_strdup(ref, e);
	if (c->kind == SMIG_VHD_REF_NAME && (sep = strrchr(ref, '\\')) != NULL)
		ref = sep + 1;
	sep = strrchr(child, '\\');
	dirlen = sep ? (size_t)(sep - child) : 0;
	for (;;) {
		if (strncmp(ref, ".\\", 2) == 0) {
			ref += 2;
		} else if (strncmp(ref, "..\\", 3) == 0 && dirlen > 0) {
			const char *up = child + dirlen;

			while (up > child && *--up != '\\')
				;
			if (up == child)
				break; /* would climb above the root: keep the reference as it is */
			dirlen = (size_t)(up - child);
			ref += 3;
		} else {
			break;
		}
	}
	if (dirlen)
		smig_strbuf_printf(&sb, "%.*s\\", (int)dirlen, child);
	smig_strbuf_puts(&sb, ref);
	if (smig_strbuf_check(&sb, e) < 0) {
		smig_strbuf_release(&sb);
		return NULL;
	}
	return smig_strbuf_take(&sb, NULL);
}

/*
 * Try one reference for the parent of `child`. Returns 1 when accepted (*parent_path and
 * *pinfo filled), 0 when not (the reason appended to `tried`), -1 on a hard error.
 */
static int try_candidate(smig_vhd_resolver resolve, void *ctx, const char *child_path,
			 const struct smig_vhd_info *child, const struct candidate *c,
			 struct smig_strbuf *tried, bool *mismatch, char **parent_path,
			 struct smig_vhd_info *pinfo, struct smig_err *e)
{
	struct smig_err sub = SMIG_ERR_INIT;
	char *local = NULL;
	char want[SMIG_GUID_BUFSZ], got[SMIG_GUID_BUFSZ];
	int r;

	/* TRANSLATORS: between two parents tried */
	if (tried->len > 0)
		smig_strbuf_puts(tried, _("; "));
	/* TRANSLATORS: a parent path tried, then its kind (relative, absolute, parent name) */
	smig_strbuf_printf(tried, _("'%s' (%s)"), c->ref, kind_name(c->kind));
	r = resolve(ctx, child_path, c->kind, c->ref, &local, e);
	if (r < 0)
		return -1;
	if (r > 0 || local == NULL) {
		free(local);
		smig_strbuf_puts(tried, _(": not found"));
		return 0;
	}
	smig_strbuf_printf(tried, _(" as '%s'"), local);
	if (smig_vhd_open(local, local, pinfo, &sub) < 0) {
		smig_strbuf_printf(tried, _(": %s"), sub.msg);
		free(local);
		return 0;
	}
	if (!smig_guid_equal(&pinfo->unique_id, &child->parent_id)) {
		smig_guid_format(&child->parent_id, SMIG_GUID_LOWER, want);
		smig_guid_format(&pinfo->unique_id, SMIG_GUID_LOWER, got);
		smig_strbuf_printf(tried, _(": unique id %s is not the parent id %s"), got, want);
		*mismatch = true;
		smig_vhd_info_release(pinfo);
		free(local);
		return 0;
	}
	*parent_path = local;
	return 1;
}

/* Find and open the parent of chain member `i`, append it to the chain. */
static int chain_add_parent(struct smig_vhd_chain *chain, const char *what,
			    smig_vhd_resolver resolve, void *ctx, struct smig_err *e)
{
	const struct smig_vhd_info *child = &chain->info[chain->n - 1];
	const char *child_path = chain->paths[chain->n - 1];
	const char *cname = chain->names[chain->n - 1];
	const struct candidate *hit = NULL;
	char *pname = NULL;
	struct candidate cand[8 + 2];
	struct smig_strbuf tried = SMIG_STRBUF_INIT;
	struct smig_vhd_info pinfo;
	char *ppath = NULL;
	char want[SMIG_GUID_BUFSZ];
	bool mismatch = false;
	size_t nc = 0;
	struct stat st;
	int rc = -1, r = 0;

	memset(&pinfo, 0, sizeof(pinfo));
	for (size_t k = 0; k < child->nlocators; k++) {
		uint32_t code = child->locators[k].code;

		if (code == SMIG_VHD_LOC_W2RU || code == SMIG_VHD_LOC_WI2R)
			cand[nc++] = (struct candidate){SMIG_VHD_REF_RELATIVE,
							child->locators[k].path};
	}
	for (size_t k = 0; k < child->nlocators; k++) {
		uint32_t code = child->locators[k].code;

		if (code == SMIG_VHD_LOC_W2KU || code == SMIG_VHD_LOC_WI2K)
			cand[nc++] = (struct candidate){SMIG_VHD_REF_ABSOLUTE,
							child->locators[k].path};
	}
	if (child->parent_name && child->parent_name[0]) {
		if (looks_absolute(child->parent_name))
			cand[nc++] = (struct candidate){SMIG_VHD_REF_ABSOLUTE, child->parent_name};
		cand[nc++] = (struct candidate){SMIG_VHD_REF_NAME, child->parent_name};
	}
	for (size_t k = 0; k < nc && r == 0; k++) {
		bool seen = false;

		/* Windows often stores the same absolute path as W2ku and as parent name */
		for (size_t j = 0; j < k; j++)
			seen |= cand[j].kind == cand[k].kind &&
				smig_streq_ci(cand[j].ref, cand[k].ref);
		if (seen)
			continue;
		r = try_candidate(resolve, ctx, child_path, child, &cand[k], &tried, &mismatch,
				  &ppath, &pinfo, e);
		if (r < 0)
			goto out;
		if (r > 0)
			hit = &cand[k];
	}
	smig_guid_format(&child->parent_id, SMIG_GUID_LOWER, want);
	if (smig_strbuf_check(&tried, e) < 0)
		goto out;
	if (r == 0) {
		if (nc == 0)
			smig_err_set(e, SMIG_ERR_FORMAT,
				     _("'%s': parent %s not found: the disk names no parent path"),
				     cname, want);
		else if (mismatch)
			smig_err_set(e, SMIG_ERR_FORMAT,
				     _("'%s': parent unique id mismatch: tried %s"), cname,
				     smig_strbuf_cstr(&tried));
		else
			smig_err_set(e, SMIG_ERR_IO, _("'%s': parent %s not found: tried %s"), cname,
				     want, smig_strbuf_cstr(&tried));
		goto out;
	}
	pname = parent_name_of(cname, hit, e);
	if (pname == NULL)
		goto out;
	for (size_t k = 0; k < chain->n; k++)
		if (smig_guid_equal(&chain->info[k].unique_id, &pinfo.unique_id)) {
			smig_err_set(e, SMIG_ERR_FORMAT,
				     _("'%s': differencing chain loops: parent '%s' has the "
				     "unique id of '%s'"), cname, pname, chain->names[k]);
			goto out;
		}
	if (chain->n >= SMIG_VHD_MAX_DEPTH) {
		smig_err_set(e, SMIG_ERR_FORMAT, _("'%s': differencing chain is deeper than %d disks"),
			     what, SMIG_VHD_MAX_DEPTH);
		goto out;
	}
	/* blktap records the parent file's mtime; a copy that lost mtimes mismatches (§7.7) */
	if (stat(ppath, &st) == 0 &&
	    smig_unix_to_vhdtime((int64_t)st.st_mtime) != child->parent_timestamp)
		chain->parent_time_mismatch = true;
	chain->paths[chain->n] = ppath;
	chain->names[chain->n] = pname;
	chain->info[chain->n] = pinfo;
	chain->n++;
	ppath = pname = NULL;
	memset(&pinfo, 0, sizeof(pinfo));
	rc = 0;
out:
	smig_vhd_info_release(&pinfo);
	free(ppath);
	free(pname);
	smig_strbuf_release(&tried);
	return rc;
}

int smig_vhd_chain_open(const char *path, const char *what, smig_vhd_resolver resolve, void *ctx,
			struct smig_vhd_chain *chain, struct smig_err *e)
{
	const char *name = what ? what : path;

	memset(chain, 0, sizeof(*chain));
	if (resolve == NULL)
		resolve = smig_vhd_resolve_default;
	/* room for the deepest chain plus the one that proves it too deep */
	chain->paths = calloc(SMIG_VHD_MAX_DEPTH + 1, sizeof(*chain->paths));
	chain->names = calloc(SMIG_VHD_MAX_DEPTH + 1, sizeof(*chain->names));
	chain->info = calloc(SMIG_VHD_MAX_DEPTH + 1, sizeof(*chain->info));
	if (chain->paths == NULL || chain->names == NULL || chain->info == NULL) {
		smig_err_nomem(e, _("opening a VHD chain"));
		goto fail;
	}
	chain->paths[0] = smig_strdup(path, e);
	chain->names[0] = smig_strdup(name, e);
	if (chain->paths[0] == NULL || chain->names[0] == NULL)
		goto fail;
	chain->n = 1;
	if (smig_vhd_open(path, name, &chain->info[0], e) < 0)
		goto fail;
	while (chain->info[chain->n - 1].type == SMIG_VHD_DIFFERENCING)
		if (chain_add_parent(chain, name, resolve, ctx, e) < 0)
			goto fail;
	return 0;
fail:
	smig_vhd_chain_release(chain);
	return -1;
}

/* Read [off, off+len) of layer `i` of the chain; fds[] are open on every member. */
static int layer_read(const struct smig_vhd_chain *chain, const int *fds, size_t i, uint64_t off,
		      uint8_t *buf, size_t len, struct smig_err *e)
{
	const struct smig_vhd_info *in = &chain->info[i];
	const char *what = chain->paths[i];
	uint8_t *bitmap = NULL;
	int rc = -1;

	while (len > 0) {
		uint64_t bs = in->block_size, blk, in_blk, chunk;
		uint32_t sec, entry;
		bool here;

		if (off >= in->current_size) {
			/* a parent smaller than its child: the rest reads as zeros */
			memset(buf, 0, len);
			break;
		}
		if (in->type == SMIG_VHD_FIXED) {
			chunk = in->current_size - off < len ? in->current_size - off : len;
			if (read_at(fds[i], buf, chunk, off, what, e) < 0)
				goto out;
			off += chunk;
			buf += chunk;
			len -= chunk;
			continue;
		}
		blk = off / bs;
		in_blk = off % bs;
		chunk = bs - in_blk < len ? bs - in_blk : len;
		entry = in->bat[blk];
		if (entry == NO_BLOCK) {
			if (in->type == SMIG_VHD_DIFFERENCING) {
				if (layer_read(chain, fds, i + 1, off, buf, chunk, e) < 0)
					goto out;
			} else {
				memset(buf, 0, chunk);
			}
			off += chunk;
			buf += chunk;
			len -= chunk;
			continue;
		}
		if (bitmap == NULL) {
			bitmap = malloc(in->bitmap_size);
			if (bitmap == NULL) {
				smig_err_nomem(e, _("reading a sector bitmap"));
				goto out;
			}
		}
		if (read_at(fds[i], bitmap, in->bitmap_size, (uint64_t)entry * SECTOR, what, e) < 0)
			goto out;
		/* run of sectors with the same bitmap bit (MSB first, §7.5) */
		sec = (uint32_t)(in_blk / SECTOR);
		here = bitmap[sec / 8] & (0x80 >> (sec % 8));
		{
			uint64_t end = (uint64_t)(sec + 1) * SECTOR;

			while (end < in_blk + chunk) {
				uint32_t s = (uint32_t)(end / SECTOR);

				if (!(bitmap[s / 8] & (0x80 >> (s % 8))) != !here)
					break;
				end += SECTOR;
			}
			if (end - in_blk < chunk)
				chunk = end - in_blk;
		}
		if (here) {
			if (read_at(fds[i], buf, chunk, (uint64_t)entry * SECTOR + in->bitmap_size +
				    in_blk, what, e) < 0)
				goto out;
		} else if (in->type == SMIG_VHD_DIFFERENCING) {
			if (layer_read(chain, fds, i + 1, off, buf, chunk, e) < 0)
				goto out;
		} else {
			memset(buf, 0, chunk);
		}
		off += chunk;
		buf += chunk;
		len -= chunk;
	}
	rc = 0;
out:
	free(bitmap);
	return rc;
}

int smig_vhd_chain_read(const struct smig_vhd_chain *chain, uint64_t offset, void *buf, size_t len,
			struct smig_err *e)
{
	int fds[SMIG_VHD_MAX_DEPTH + 1] = {0};
	size_t nopen = 0;
	int rc = -1;

	if (chain->n == 0 || offset > chain->info[0].current_size ||
	    len > chain->info[0].current_size - offset)
		return smig_err_set(e, SMIG_ERR_USAGE,
				    _("'%s': read of %zu bytes at %llu is outside the virtual disk"),
				    chain->n ? chain->paths[0] : "", len,
				    (unsigned long long)offset);
	for (; nopen < chain->n; nopen++) {
		fds[nopen] = open(chain->paths[nopen], O_RDONLY | O_CLOEXEC);
		if (fds[nopen] < 0) {
			smig_err_sys(e, errno, _("cannot open '%s'"), chain->paths[nopen]);
			goto out;
		}
	}
	rc = layer_read(chain, fds, 0, offset, buf, len, e);
out:
	while (nopen > 0)
		close(fds[--nopen]);
	return rc;
}

int smig_vhd_chain_sha256(const struct smig_vhd_chain *chain, uint8_t out[32],
			  struct smig_err *e)
{
	const size_t step = (size_t)1 << 20;
	struct smig_sha256 h;
	uint64_t size, off;
	unsigned char *buf;

	if (chain->n == 0)
		return smig_err_set(e, SMIG_ERR_USAGE, _("no disk to digest"));
	size = chain->info[0].current_size;
	buf = malloc(step);
	if (!buf)
		return smig_err_nomem(e, _("digesting a virtual disk"));
	if (smig_sha256_init(&h, e) < 0) {
		free(buf);
		return -1;
	}
	for (off = 0; off < size; off += step) {
		size_t n = size - off < step ? (size_t)(size - off) : step;

		if (smig_vhd_chain_read(chain, off, buf, n, e) < 0) {
			smig_sha256_abort(&h);
			free(buf);
			return -1;
		}
		smig_sha256_update(&h, buf, n);
	}
	smig_sha256_final(&h, out);
	free(buf);
	return 0;
}

/* ---- writing ---- */

void smig_vhd_geometry(uint64_t size, uint16_t *cyl, uint8_t *heads, uint8_t *spt)
{
	uint64_t t = size / SECTOR, cth, h, s;

	if (t > 65535ull * 16 * 255)
		t = 65535ull * 16 * 255;
	if (t >= 65535ull * 16 * 63) {
		s = 255;
		h = 16;
		cth = t / s;
	} else {
		s = 17;
		cth = t / s;
		h = (cth + 1023) / 1024;
		if (h < 4)
			h = 4;
		if (cth >= h * 1024 || h > 16) {
			s = 31;
			h = 16;
			cth = t / s;
		}
		if (cth >= h * 1024) {
			s = 63;
			h = 16;
			cth = t / s;
		}
	}
	*cyl = (uint16_t)(cth / h);
	*heads = (uint8_t)h;
	*spt = (uint8_t)s;
}

static void build_footer(uint8_t f[FOOTER_SIZE], enum smig_vhd_type type, uint64_t size,
			 uint64_t data_offset, const struct smig_guid *id, uint32_t timestamp)
{
	uint16_t c;
	uint8_t h, s;

	memset(f, 0, FOOTER_SIZE);
	memcpy(f, "conectix", 8);
	put_be32(f + 8, 2);           /* reserved bit must be set */
	put_be32(f + 12, 0x00010000);
	put_be64(f + 16, data_offset);
	put_be32(f + 24, timestamp);
	memcpy(f + 28, "win ", 4);    /* as Windows Server 2008 R2 Hyper-V writes */
	put_be32(f + 32, 0x00060001);
	memcpy(f + 36, "Wi2k", 4);
	put_be64(f + 40, size);
	put_be64(f + 48, size);
	smig_vhd_geometry(size, &c, &h, &s);
	f[56] = (uint8_t)(c >> 8);
	f[57] = (uint8_t)c;
	f[58] = h;
	f[59] = s;
	put_be32(f + 60, (uint32_t)type);
	memcpy(f + 68, id->b, 16);
	put_be32(f + 64, vhd_checksum(f, FOOTER_SIZE, 64));
}

/* Encode a locator path: UTF-16LE for W2ku/W2ru, ASCII for Wi2k/Wi2r. No terminator. */
static int encode_locator(uint32_t code, const char *s, unsigned char **out, size_t *n,
			  const char *what, struct smig_err *e)
{
	if (code == SMIG_VHD_LOC_W2KU || code == SMIG_VHD_LOC_W2RU)
		return smig_utf8_to_utf16le(s, strlen(s), false, out, n, e);
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p >= 0x80)
			return smig_err_set(e, SMIG_ERR_FORMAT,
					    _("'%s': path '%s' is not ASCII, which a %s locator "
					    "needs"), what, s, code_name(code));
	*n = strlen(s);
	*out = malloc(*n ? *n : 1);
	if (*out == NULL)
		return smig_err_nomem(e, _("encoding a parent locator"));
	memcpy(*out, s, *n);
	return 0;
}

/* The 512-byte UTF-16BE header parent name field. */
static int encode_parent_name(const char *name, uint8_t field[PARENT_NAME_SIZE], const char *what,
			      struct smig_err *e)
{
	unsigned char *u = NULL;
	size_t n = 0;

	if (smig_utf8_to_utf16be(name, strlen(name), false, &u, &n, e) < 0)
		return -1;
	if (n > PARENT_NAME_SIZE) {
		free(u);
		return smig_err_set(e, SMIG_ERR_FORMAT,
				    _("'%s': parent name '%s' is longer than 256 UTF-16 code units"),
				    what, name);
	}
	memset(field, 0, PARENT_NAME_SIZE);
	memcpy(field, u, n);
	free(u);
	return 0;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static int create_fixed(int fd, const char *path, const struct smig_vhd_spec *spec,
			struct smig_err *e)
{
	uint8_t f[FOOTER_SIZE];

	build_footer(f, SMIG_VHD_FIXED, spec->size, UINT64_MAX, &spec->unique_id,
		     spec->timestamp);
	/* the data region stays a hole: a mostly-empty fixture costs no disk space */
	if (ftruncate(fd, (off_t)spec->size) < 0)
		return smig_err_sys(e, errno, _("cannot extend '%s'"), path);
	return write_at(fd, f, FOOTER_SIZE, spec->size, path, e);
}

/* The whole initial image of a dynamic/differencing disk in memory (*out malloc'd): built
 * before the output is opened, so a parent is read before anything is truncated. */
static int build_sparse(const char *path, const struct smig_vhd_spec *spec, uint8_t **out,
			uint64_t *outlen, struct smig_err *e)
{
	struct smig_vhd_info parent;
	const char *refs[2];
	uint32_t codes[2] = {SMIG_VHD_LOC_W2KU, SMIG_VHD_LOC_W2RU};
	uint32_t bs = spec->block_size ? spec->block_size : DEFAULT_BLOCK;
	uint32_t space = spec->locator_space ? spec->locator_space : SECTOR;
	uint64_t size = spec->size, entries, bat_bytes, loc_off, total;
	struct smig_guid parent_id = {{0}};
	uint32_t parent_time = spec->parent_timestamp;
	uint8_t *img = NULL, *h;
	unsigned char *enc = NULL;
	size_t nenc = 0, nloc = 0;
	int rc = -1;

	memset(&parent, 0, sizeof(parent));
	refs[0] = spec->parent_w2ku;
	refs[1] = spec->parent_w2ru;
	if (bs < SECTOR || (bs & (bs - 1)) != 0 || bs > MAX_BLOCK) {
		smig_err_set(e, SMIG_ERR_USAGE, _("'%s': block size %u is not a power of two "
			     "between 512 bytes and 256 MiB"), path, bs);
		goto out;
	}
	if (space % SECTOR != 0) {
		smig_err_set(e, SMIG_ERR_USAGE, _("'%s': locator space %u is not a multiple of 512"),
			     path, space);
		goto out;
	}
	if (spec->type == SMIG_VHD_DIFFERENCING) {
		struct stat st;

		if (spec->parent_path == NULL) {
			smig_err_set(e, SMIG_ERR_USAGE, _("'%s': a differencing disk needs a parent"),
				     path);
			goto out;
		}
		if (smig_vhd_open(spec->parent_path, NULL, &parent, e) < 0)
			goto out;
		if (stat(spec->parent_path, &st) < 0) {
			smig_err_sys(e, errno, _("cannot stat '%s'"), spec->parent_path);
			goto out;
		}
		if (parent_time == 0)
			parent_time = smig_unix_to_vhdtime((int64_t)st.st_mtime);
		size = parent.current_size;
		parent_id = parent.unique_id;
		nloc = (refs[0] != NULL) + (refs[1] != NULL);
	}
	entries = (size + bs - 1) / bs;
	if (entries > MAX_BAT_ENTRIES) {
		smig_err_set(e, SMIG_ERR_USAGE, _("'%s': %llu bytes need too many %u-byte blocks"),
			     path, (unsigned long long)size, bs);
		goto out;
	}
	bat_bytes = (entries * 4 + SECTOR - 1) / SECTOR * SECTOR;
	loc_off = FOOTER_SIZE + HEADER_SIZE + bat_bytes;
	total = loc_off + nloc * space + FOOTER_SIZE;
	img = calloc(1, total);
	if (img == NULL) {
		smig_err_nomem(e, _("building a VHD"));
		goto out;
	}
	build_footer(img, spec->type, size, FOOTER_SIZE, &spec->unique_id, spec->timestamp);
	memcpy(img + total - FOOTER_SIZE, img, FOOTER_SIZE);
	h = img + FOOTER_SIZE;
	memcpy(h, "cxsparse", 8);
	put_be64(h + 8, UINT64_MAX); /* "MS tools expect all 64 bits set" (qemu) */
	put_be64(h + 16, FOOTER_SIZE + HEADER_SIZE);
	put_be32(h + 24, 0x00010000);
	put_be32(h + 28, (uint32_t)entries);
	put_be32(h + 32, bs);
	memset(h + HEADER_SIZE, 0xFF, bat_bytes);
	if (spec->type == SMIG_VHD_DIFFERENCING) {
		const char *pname = spec->parent_name ? spec->parent_name :
			spec->parent_w2ku ? spec->parent_w2ku : base_name(spec->parent_path);
		size_t slot = 0;

		memcpy(h + 40, parent_id.b, 16);
		put_be32(h + 56, parent_time);
		if (encode_parent_name(pname, h + PARENT_NAME_OFF, path, e) < 0)
			goto out;
		for (int k = 0; k < 2; k++) {
			uint8_t *le = h + LOCATOR_TABLE + 24 * slot;
			uint64_t doff = loc_off + slot * space;

			if (refs[k] == NULL)
				continue;
			if (encode_locator(codes[k], refs[k], &enc, &nenc, path, e) < 0)
				goto out;
			if (nenc == 0 || nenc > space) {
				smig_err_set(e, SMIG_ERR_USAGE,
					     _("'%s': %s path '%s' needs %zu bytes but the locator "
					     "space is %u"), path, code_name(codes[k]), refs[k],
					     nenc, space);
				goto out;
			}
			put_be32(le, codes[k]);
			put_be32(le + 4, space); /* bytes, as Microsoft writes it */
			put_be32(le + 8, (uint32_t)nenc);
			put_be64(le + 16, doff);
			memcpy(img + doff, enc, nenc);
			free(enc);
			enc = NULL;
			slot++;
		}
	}
	put_be32(h + 36, vhd_checksum(h, HEADER_SIZE, 36));
	*out = img;
	*outlen = total;
	img = NULL;
	rc = 0;
out:
	free(enc);
	free(img);
	smig_vhd_info_release(&parent);
	return rc;
}

int smig_vhd_create(const char *path, const struct smig_vhd_spec *spec, struct smig_err *e)
{
	uint8_t *img = NULL;
	uint64_t len = 0;
	int fd = -1, rc = -1;

	if (spec->type != SMIG_VHD_FIXED && spec->type != SMIG_VHD_DYNAMIC &&
	    spec->type != SMIG_VHD_DIFFERENCING)
		return smig_err_set(e, SMIG_ERR_USAGE, _("'%s': unknown VHD type %d"), path,
				    (int)spec->type);
	if (spec->type != SMIG_VHD_DIFFERENCING && spec->size % SECTOR != 0)
		return smig_err_set(e, SMIG_ERR_USAGE,
				    _("'%s': size %llu is not a multiple of 512 bytes"), path,
				    (unsigned long long)spec->size);
	if (spec->type != SMIG_VHD_FIXED && build_sparse(path, spec, &img, &len, e) < 0)
		return -1;
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		smig_err_sys(e, errno, _("cannot create '%s'"), path);
		goto out;
	}
	if (spec->type == SMIG_VHD_FIXED)
		rc = create_fixed(fd, path, spec, e);
	else
		rc = write_at(fd, img, len, 0, path, e);
	if (rc == 0 && fsync(fd) < 0)
		rc = smig_err_sys(e, errno, _("cannot sync '%s'"), path);
	if (close(fd) < 0 && rc == 0)
		rc = smig_err_sys(e, errno, _("cannot close '%s'"), path);
out:
	free(img);
	return rc;
}

/*
 * Write one piece that stays inside block `blk` of a dynamic/differencing disk, allocating
 * the block at the footer position first. info->bat and footer_offset are kept current.
 */
static int write_block_piece(int fd, const char *path, struct smig_vhd_info *info, uint64_t off,
			     const uint8_t *buf, size_t len, struct smig_err *e)
{
	uint64_t blk = off / info->block_size, in_blk = off % info->block_size, start;
	uint8_t footer[FOOTER_SIZE], be[4];
	uint8_t *bitmap = NULL;
	bool diff = info->type == SMIG_VHD_DIFFERENCING;
	int rc = -1;

	bitmap = calloc(1, info->bitmap_size);
	if (bitmap == NULL)
		return smig_err_nomem(e, _("writing a VHD block"));
	if (info->bat[blk] == NO_BLOCK) {
		uint64_t fo = info->footer_offset, end;

		if (fo / SECTOR >= NO_BLOCK || fo % SECTOR != 0) {
			smig_err_set(e, SMIG_ERR_FORMAT, _("'%s': no room for a new block at %llu"),
				     path, (unsigned long long)fo);
			goto out;
		}
		end = fo + info->bitmap_size + info->block_size;
		if (read_at(fd, footer, FOOTER_SIZE, fo, path, e) < 0)
			goto out;
		/* new block: zero data (a hole), the bitmap full for dynamic disks (as qemu),
		 * empty for differencing disks so the parent shows through */
		if (!diff)
			memset(bitmap, 0xFF, info->bitmap_size);
		if (ftruncate(fd, (off_t)fo) < 0 || ftruncate(fd, (off_t)(end + FOOTER_SIZE)) < 0) {
			smig_err_sys(e, errno, _("cannot extend '%s'"), path);
			goto out;
		}
		if (write_at(fd, bitmap, info->bitmap_size, fo, path, e) < 0 ||
		    write_at(fd, footer, FOOTER_SIZE, end, path, e) < 0)
			goto out;
		put_be32(be, (uint32_t)(fo / SECTOR));
		if (write_at(fd, be, 4, info->bat_offset + 4 * blk, path, e) < 0)
			goto out;
		info->bat[blk] = (uint32_t)(fo / SECTOR);
		info->footer_offset = end;
	}
	start = (uint64_t)info->bat[blk] * SECTOR;
	if (write_at(fd, buf, len, start + info->bitmap_size + in_blk, path, e) < 0)
		goto out;
	if (diff) {
		/* len and in_blk are sector multiples here */
		if (read_at(fd, bitmap, info->bitmap_size, start, path, e) < 0)
			goto out;
		for (uint64_t s = in_blk / SECTOR; s < (in_blk + len) / SECTOR; s++)
			bitmap[s / 8] |= (uint8_t)(0x80 >> (s % 8));
		if (write_at(fd, bitmap, info->bitmap_size, start, path, e) < 0)
			goto out;
	}
	rc = 0;
out:
	free(bitmap);
	return rc;
}

int smig_vhd_write(const char *path, uint64_t offset, const void *buf, size_t len,
		   struct smig_err *e)
{
	struct smig_vhd_info info;
	const uint8_t *p = buf;
	int fd = -1, rc = -1;

	fd = open_fd(path, path, O_RDWR, &info, e);
	if (fd < 0)
		return -1;
	if (offset > info.current_size || len > info.current_size - offset) {
		smig_err_set(e, SMIG_ERR_USAGE,
			     _("'%s': write of %zu bytes at %llu is outside the virtual disk"), path,
			     len, (unsigned long long)offset);
		goto out;
	}
	if (info.type == SMIG_VHD_FIXED) {
		if (write_at(fd, buf, len, offset, path, e) < 0)
			goto out;
	} else {
		if (info.type == SMIG_VHD_DIFFERENCING && (offset % SECTOR || len % SECTOR)) {
			smig_err_set(e, SMIG_ERR_USAGE,
				     _("'%s': writes to a differencing disk must be whole sectors"),
				     path);
			goto out;
		}
		while (len > 0) {
			uint64_t room = info.block_size - offset % info.block_size;
			size_t n = room < len ? (size_t)room : len;

			if (write_block_piece(fd, path, &info, offset, p, n, e) < 0)
				goto out;
			offset += n;
			p += n;
			len -= n;
		}
	}
	if (fsync(fd) < 0) {
		smig_err_sys(e, errno, _("cannot sync '%s'"), path);
		goto out;
	}
	rc = 0;
out:
	smig_vhd_info_release(&info);
	close(fd);
	return rc;
}

/* ---- re-parenting ---- */

int smig_vhd_reparent(const char *path, const char *new_parent_local, const char *w2ku,
		      const char *w2ru, const char *parent_name, struct smig_err *e)
{
	struct smig_vhd_info info, parent;
	uint8_t h[HEADER_SIZE];
	uint8_t *data[8] = {NULL};
	unsigned char *enc = NULL;
	size_t nenc = 0;
	bool absolute_done = false, relative_done = false;
	int fd = -1, rc = -1;

	memset(&parent, 0, sizeof(parent));
	fd = open_fd(path, path, O_RDWR, &info, e);
	if (fd < 0)
		return -1;
	if (info.type != SMIG_VHD_DIFFERENCING) {
		smig_err_set(e, SMIG_ERR_USAGE, _("'%s': not a differencing disk"), path);
		goto out;
	}
	if (info.footer_copy_differs) {
		smig_err_set(e, SMIG_ERR_FORMAT,
			     _("'%s': the footer copy at offset 0 differs from the trailing footer"),
			     path);
		goto out;
	}
	if (new_parent_local) {
		if (smig_vhd_open(new_parent_local, NULL, &parent, e) < 0)
			goto out;
		if (!smig_guid_equal(&parent.unique_id, &info.parent_id)) {
			char want[SMIG_GUID_BUFSZ], got[SMIG_GUID_BUFSZ];

			smig_guid_format(&info.parent_id, SMIG_GUID_LOWER, want);
			smig_guid_format(&parent.unique_id, SMIG_GUID_LOWER, got);
			smig_err_set(e, SMIG_ERR_FORMAT,
				     _("'%s': new parent '%s' has unique id %s, not the parent id %s"),
				     path, new_parent_local, got, want);
			goto out;
		}
	}
	if (read_at(fd, h, HEADER_SIZE, info.header_offset, path, e) < 0)
		goto out;
	if (parent_name && encode_parent_name(parent_name, h + PARENT_NAME_OFF, path, e) < 0)
		goto out;
	/* build every new locator in memory first: nothing is written unless all fit */
	for (size_t k = 0; k < info.nlocators; k++) {
		struct smig_vhd_locator *l = &info.locators[k];
		bool abs = l->code == SMIG_VHD_LOC_W2KU || l->code == SMIG_VHD_LOC_WI2K;
		bool rel = l->code == SMIG_VHD_LOC_W2RU || l->code == SMIG_VHD_LOC_WI2R;
		const char *s = abs ? w2ku : rel ? w2ru : NULL;
		uint8_t *le = NULL;

		if (s == NULL)
			continue;
		if (encode_locator(l->code, s, &enc, &nenc, path, e) < 0)
			goto out;
		if (nenc == 0 || nenc > l->space) {
			smig_err_set(e, SMIG_ERR_FORMAT,
				     _("'%s': new %s path '%s' needs %zu bytes but the locator holds "
				     "%u"), path, code_name(l->code), s, nenc, l->space);
			goto out;
		}
		data[k] = calloc(1, l->space);
		if (data[k] == NULL) {
			smig_err_nomem(e, _("re-parenting a VHD"));
			goto out;
		}
		memcpy(data[k], enc, nenc);
		free(enc);
		enc = NULL;
		/* find the header entry of this locator: same code and data offset */
		for (int i = 0; i < 8; i++) {
			uint8_t *c = h + LOCATOR_TABLE + 24 * i;

			if (get_be32(c) == l->code && get_be64(c + 16) == l->offset)
				le = c;
		}
		if (le == NULL) {
			smig_err_set(e, SMIG_ERR_FORMAT, _("'%s': locator table changed while "
				     "re-parenting"), path);
			goto out;
		}
		put_be32(le + 8, (uint32_t)nenc);
		absolute_done |= abs;
		relative_done |= rel;
	}
	if ((w2ku && !absolute_done) || (w2ru && !relative_done)) {
		smig_err_set(e, SMIG_ERR_FORMAT,
			     w2ku && !absolute_done
				 ? _("'%s': the disk has no absolute parent locator to hold '%s'")
				 : _("'%s': the disk has no relative parent locator to hold '%s'"),
			     path, w2ku && !absolute_done ? w2ku : w2ru);
		goto out;
	}
	put_be32(h + 36, vhd_checksum(h, HEADER_SIZE, 36));
	for (size_t k = 0; k < info.nlocators; k++)
		if (data[k] && write_at(fd, data[k], info.locators[k].space,
					info.locators[k].offset, path, e) < 0)
			goto out;
	if (fsync(fd) < 0) {
		smig_err_sys(e, errno, _("cannot sync '%s'"), path);
		goto out;
	}
	/* the header last, in one write: its checksum covers the new lengths */
	if (write_at(fd, h, HEADER_SIZE, info.header_offset, path, e) < 0)
		goto out;
	if (fsync(fd) < 0) {
		smig_err_sys(e, errno, _("cannot sync '%s'"), path);
		goto out;
	}
	rc = 0;
out:
	for (size_t k = 0; k < 8; k++)
		free(data[k]);
	free(enc);
	smig_vhd_info_release(&parent);
	smig_vhd_info_release(&info);
	close(fd);
	return rc;
}
