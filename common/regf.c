/* regf.c - regf base block, checksum and smig's empty base hive (see regf.h, formats.md §2). */
#include "regf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"
#include "secdesc.h"
#include "winval.h"

/* Base block fields (§2.2), file offsets. */
#define BB_SEQ1 0x004
#define BB_SEQ2 0x008
#define BB_TIME 0x00C
#define BB_MAJOR 0x014
#define BB_MINOR 0x018
#define BB_TYPE 0x01C
#define BB_FORMAT 0x020
#define BB_ROOT 0x024
#define BB_DATA_SIZE 0x028
#define BB_CLUSTER 0x02C
#define BB_NAME 0x030
#define BB_NAME_LEN 64
#define BB_CHECKSUM 0x1FC

/* The empty hive: one 4 KiB hbin right after the base block; cells in hive offsets. */
#define HBIN_SIZE 0x1000
#define HBIN_HEADER 32
#define ROOT_OFF 0x20
#define ROOT_NAME "ROOT"
#define NK_FIXED 76     /* nk fields before the name */
#define NK_FLAGS 0x002C /* HIVE_ENTRY | NO_DELETE | COMP_NAME */
#define SK_FIXED 20     /* sk fields before the descriptor */
#define NONE 0xFFFFFFFFu

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static size_t align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

uint32_t smig_regf_checksum(const unsigned char base_block[512])
{
	uint32_t x = 0;

	for (size_t off = 0; off < BB_CHECKSUM; off += 4)
		x ^= get32(base_block + off);
	return x;
}

int smig_regf_empty(const char *name, uint64_t filetime, unsigned char **out, size_t *len,
                    struct smig_err *e)
{
	unsigned char *f = NULL, *u16 = NULL, *sd = NULL, *hbin, *cell;
	size_t u16len = 0, sdlen = 0, nk_size, sk_off, sk_size, free_off;
	uint32_t sum;
	int rc = -1;

	*out = NULL;
	*len = 0;
	if (smig_utf8_to_utf16le(name, strlen(name), false, &u16, &u16len, e) < 0)
		goto done;
	if (u16len >= BB_NAME_LEN) { /* keep one NUL unit */
		smig_err_set(e, SMIG_ERR_USAGE, _("hive name '%s' is longer than 31 characters"),
		             name);
		goto done;
	}
	if (smig_secdesc_from_sddl(SMIG_REGF_ROOT_SDDL, &sd, &sdlen, e) < 0)
		goto done;
	nk_size = align8(4 + NK_FIXED + strlen(ROOT_NAME));
	sk_off = ROOT_OFF + nk_size;
	sk_size = align8(4 + SK_FIXED + sdlen);
	free_off = sk_off + sk_size;
	if (free_off + 8 > HBIN_SIZE) { /* cannot happen with the fixed SD; keeps the bin sane */
		smig_err_set(e, SMIG_ERR_USAGE, _("the root security descriptor is too large"));
		goto done;
	}
	f = calloc(1, SMIG_REGF_MIN_SIZE);
	if (f == NULL) {
		smig_err_nomem(e, _("building an empty hive"));
		goto done;
	}

	memcpy(f, "regf", 4);
	put32(f + BB_SEQ1, 1);
	put32(f + BB_SEQ2, 1);
	put32(f + BB_MAJOR, 1);
	put32(f + BB_MINOR, 5);
	put32(f + BB_TYPE, 0);
	put32(f + BB_FORMAT, 1);
	put32(f + BB_ROOT, ROOT_OFF);
	put32(f + BB_DATA_SIZE, HBIN_SIZE);
	put32(f + BB_CLUSTER, 1);
	memcpy(f + BB_NAME, u16, u16len);
	/* Windows stores 1 or 0xFFFFFFFE for a plain XOR of 0 or 0xFFFFFFFF, hivex the plain
	 * XOR: move the timestamp one tick until both agree (§2.3). Two tries at most. */
	for (;;) {
		put64(f + BB_TIME, filetime);
		sum = smig_regf_checksum(f);
		if (sum != 0 && sum != NONE)
			break;
		filetime++;
	}
	put32(f + BB_CHECKSUM, sum);

	hbin = f + SMIG_REGF_BASE_BLOCK;
	memcpy(hbin, "hbin", 4);
	put32(hbin + 4, 0);
	put32(hbin + 8, HBIN_SIZE);
	put64(hbin + 20, filetime);

	cell = hbin + ROOT_OFF; /* root nk; offsets below are from the cell start */
	put32(cell, (uint32_t) - (int32_t)nk_size);
	memcpy(cell + 4, "nk", 2);
	put16(cell + 6, NK_FLAGS);
	put64(cell + 8, filetime);
	put32(cell + 0x14, NONE); /* parent: meaningless for a root */
	put32(cell + 0x20, NONE); /* subkey list */
	put32(cell + 0x24, NONE); /* volatile subkey list */
	put32(cell + 0x2C, NONE); /* value list */
	put32(cell + 0x30, (uint32_t)sk_off);
	put32(cell + 0x34, NONE); /* class */
	put16(cell + 0x4C, (uint16_t)strlen(ROOT_NAME));
	memcpy(cell + 0x50, ROOT_NAME, strlen(ROOT_NAME));

	cell = hbin + sk_off; /* the only sk: Flink = Blink = itself */
	put32(cell, (uint32_t) - (int32_t)sk_size);
	memcpy(cell + 4, "sk", 2);
	put32(cell + 0x08, (uint32_t)sk_off);
	put32(cell + 0x0C, (uint32_t)sk_off);
	put32(cell + 0x10, 1); /* reference count: the root */
	put32(cell + 0x14, (uint32_t)sdlen);
	memcpy(cell + 0x18, sd, sdlen);

	put32(hbin + free_off, (uint32_t)(HBIN_SIZE - free_off)); /* positive: free */

	*out = f;
	*len = SMIG_REGF_MIN_SIZE;
	f = NULL;
	rc = 0;
done:
	free(f);
	free(u16);
	free(sd);
	return rc;
}

int smig_regf_read_info(const char *path, const char *what, struct smig_regf_info *info,
                        struct smig_err *e)
{
	unsigned char bb[SMIG_REGF_BASE_BLOCK];
	struct stat st;
	size_t got = 0;
	int fd = -1, rc = -1;

	memset(info, 0, sizeof(*info));
	if (what == NULL)
		what = path;
	/* O_NONBLOCK: a FIFO put where a file belongs is refused below, not waited on */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		smig_err_sys(e, errno, _("cannot open '%s'"), what);
		goto done;
	}
	if (fstat(fd, &st) < 0) {
		smig_err_sys(e, errno, _("cannot stat '%s'"), what);
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		smig_err_set(e, SMIG_ERR_FORMAT, _("'%s' is not a regular file"), what);
		goto done;
	}
	if (st.st_size < SMIG_REGF_MIN_SIZE) {
		smig_err_set(e, SMIG_ERR_FORMAT,
		             _("'%s' is not a registry hive: %lld bytes is shorter than the %d a "
		             "hive needs"),
		             what, (long long)st.st_size, SMIG_REGF_MIN_SIZE);
		goto done;
	}
	while (got < sizeof(bb)) {
		ssize_t n = read(fd, bb + got, sizeof(bb) - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			smig_err_sys(e, errno, _("cannot read '%s'"), what);
			goto done;
		}
		if (n == 0) {
			smig_err_set(e, SMIG_ERR_FORMAT, _("'%s' ends inside its base block"), what);
			goto done;
		}
		got += (size_t)n;
	}
	if (memcmp(bb, "regf", 4) != 0) {
		smig_err_set(e, SMIG_ERR_FORMAT,
		             _("'%s' is not a registry hive: the signature is not 'regf'"), what);
		goto done;
	}
	info->seq_primary = get32(bb + BB_SEQ1);
	info->seq_secondary = get32(bb + BB_SEQ2);
	info->last_written = (uint64_t)get32(bb + BB_TIME) | (uint64_t)get32(bb + BB_TIME + 4)
	                                                         << 32;
	info->major = get32(bb + BB_MAJOR);
	info->minor = get32(bb + BB_MINOR);
	info->checksum_stored = get32(bb + BB_CHECKSUM);
	info->checksum_computed = smig_regf_checksum(bb);
	info->dirty = info->seq_primary != info->seq_secondary;
	if (info->major != 1) {
		smig_err_set(e, SMIG_ERR_UNSUPPORTED,
		             _("'%s': registry hive format version %u.%u is not supported (major "
		             "version 1 expected)"),
		             what, info->major, info->minor);
		goto done;
	}
	if (info->checksum_stored != info->checksum_computed) {
		smig_err_set(e, SMIG_ERR_FORMAT,
		             _("'%s': hive base block checksum is 0x%08X but the block sums to "
		             "0x%08X"),
		             what, info->checksum_stored, info->checksum_computed);
		goto done;
	}
	rc = 0;
done:
	if (fd >= 0)
		close(fd);
	return rc;
}
