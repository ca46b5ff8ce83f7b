/*
 * seeds.c - smig-fuzz-seeds: the seed inputs scripts/fuzz.sh cannot take from the programs'
 * output as they are, made with smig's own writers.
 *
 *   smig-fuzz-seeds vhd VHD_DIR CHAIN_DIR
 *       small fixed, dynamic and differencing disks (4 KiB blocks, a few KiB each) into
 *       VHD_DIR, and child + FZ_SPLIT + base inputs for fuzz_vhd_chain into CHAIN_DIR
 *   smig-fuzz-seeds signed OUT [FLAGS] NAME=FILE...
 *       a fuzz_archive_signed input: FLAGS (a number, default 0) then each FILE as an 'f'
 *       member NAME
 *
 * Exit 0, or 1 with one line on stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "fuzzutil.h"
#include "vhd.h"

#define BLOCK 4096u

static int fail(const struct smig_err *e)
{
	fprintf(stderr, "smig-fuzz-seeds: %s\n", e->msg);
	return 1;
}

static struct smig_guid guid(uint8_t n)
{
	struct smig_guid g;

	for (size_t i = 0; i < 16; i++)
		g.b[i] = (uint8_t)(0x10 * n + i);
	return g;
}

/* Concatenate two files with FZ_SPLIT between them into `out`. */
static int join(const char *a, const char *b, const char *out, struct smig_err *e)
{
	char *x = NULL, *y = NULL, *buf = NULL;
	size_t xl = 0, yl = 0, sl = strlen(FZ_SPLIT);
	int rc = -1;

	if (smig_file_read(a, (size_t)1 << 24, NULL, &x, &xl, e) < 0 ||
	    smig_file_read(b, (size_t)1 << 24, NULL, &y, &yl, e) < 0)
		goto out;
	buf = malloc(xl + sl + yl);
	if (buf == NULL) {
		smig_err_nomem(e, "a chain seed");
		goto out;
	}
	memcpy(buf, x, xl);
	memcpy(buf + xl, FZ_SPLIT, sl);
	memcpy(buf + xl + sl, y, yl);
	if (fz_write(out, buf, xl + sl + yl) < 0) {
		smig_err_set(e, SMIG_ERR_IO, "cannot write '%s'", out);
		goto out;
	}
	rc = 0;
out:
	free(x);
	free(y);
	free(buf);
	return rc;
}

static int vhd_seeds(const char *vdir, const char *cdir)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_vhd_spec s;
	static unsigned char data[2 * BLOCK];
	char *fixed = NULL, *base = NULL, *child = NULL, *out = NULL;
	int rc = 1;

	memset(data, 0x5A, sizeof(data));
	if (!(fixed = smig_path_join(vdir, "fixed.vhd", &e)) ||
	    !(base = smig_path_join(vdir, "base.vhd", &e)) ||
	    !(child = smig_path_join(vdir, "child.avhd", &e)))
		goto out;
	memset(&s, 0, sizeof(s));
	s.type = SMIG_VHD_FIXED;
	s.size = 8 * 512;
	s.unique_id = guid(1);
	s.timestamp = 0x1A2B3C4D;
	if (smig_vhd_create(fixed, &s, &e) < 0 || smig_vhd_write(fixed, 512, data, 1024, &e) < 0)
		goto out;
	s.type = SMIG_VHD_DYNAMIC;
	s.size = 4 * BLOCK;
	s.block_size = BLOCK;
	s.unique_id = guid(2);
	if (smig_vhd_create(base, &s, &e) < 0 || smig_vhd_write(base, 0, data, BLOCK + 512, &e) < 0)
		goto out;
	memset(&s, 0, sizeof(s));
	s.type = SMIG_VHD_DIFFERENCING;
	s.block_size = BLOCK;
	s.unique_id = guid(3);
	s.timestamp = 0x1A2B3C4E;
	s.parent_path = base;
	s.parent_w2ku = "D:\\VHD\\base.vhd";
	s.parent_w2ru = ".\\base.vhd";
	s.parent_timestamp = 0x1A2B3C4D;
	if (smig_vhd_create(child, &s, &e) < 0 ||
	    smig_vhd_write(child, BLOCK - 512, data, 1024, &e) < 0)
		goto out;
	if (!(out = smig_path_join(cdir, "child-base", &e)) || join(child, base, out, &e) < 0)
		goto out;
	free(out);
	/* a child whose parent is missing: the resolver's "not found" path */
	if (!(out = smig_path_join(cdir, "child-only", &e)) || join(child, fixed, out, &e) < 0)
		goto out;
	rc = 0;
out:
	free(fixed);
	free(base);
	free(child);
	free(out);
	return rc ? fail(&e) : 0;
}

static int signed_seed(const char *out, int argc, char **argv)
{
	struct smig_err e = SMIG_ERR_INIT;
	uint8_t *buf = NULL;
	size_t used = 1, cap = 1;
	unsigned flags = 0;
	int i = 0, rc = 1;

	if (argc > 0 && strchr(argv[0], '=') == NULL)
		flags = (unsigned)strtoul(argv[i++], NULL, 0);
	if (!(buf = malloc(cap)))
		goto nomem;
	buf[0] = (uint8_t)flags;
	for (; i < argc; i++) {
		char *eq = strchr(argv[i], '='), *body = NULL;
		size_t len = 0, n;
		uint8_t *grown;

		if (eq == NULL) {
			smig_err_set(&e, SMIG_ERR_USAGE, "'%s' is not NAME=FILE", argv[i]);
			goto out;
		}
		*eq = '\0';
		if (smig_file_read(eq + 1, (size_t)1 << 24, NULL, &body, &len, &e) < 0)
			goto out;
		grown = realloc(buf, used + 6 + strlen(argv[i]) + len);
		if (grown == NULL) {
			free(body);
			goto nomem;
		}
		buf = grown;
		n = fz_member_encode('f', argv[i], body, len, buf + used);
		free(body);
		if (n == 0) {
			smig_err_set(&e, SMIG_ERR_USAGE, "'%s': name too long", argv[i]);
			goto out;
		}
		used += n;
	}
	if (fz_write(out, buf, used) < 0) {
		smig_err_set(&e, SMIG_ERR_IO, "cannot write '%s'", out);
		goto out;
	}
	rc = 0;
	goto out;
nomem:
	smig_err_nomem(&e, "a signed-archive seed");
out:
	free(buf);
	return rc ? fail(&e) : 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "vhd") == 0)
		return vhd_seeds(argv[2], argv[3]);
	if (argc >= 3 && strcmp(argv[1], "signed") == 0)
		return signed_seed(argv[2], argc - 3, argv + 3);
	fprintf(stderr, "usage: smig-fuzz-seeds vhd VHD_DIR CHAIN_DIR\n"
			"       smig-fuzz-seeds signed OUT [FLAGS] NAME=FILE...\n");
	return 2;
}
