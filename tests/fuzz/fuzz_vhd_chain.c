/*
 * fuzz_vhd_chain.c - the chain resolver and the reads through a chain (vhd.h). The input is
 * two files split at FZ_SPLIT: a child disk "child.avhd" and "base.vhd" beside it, which the
 * child's relative locator (".\base.vhd") or header parent name finds. A few windows of the
 * virtual disk are read through the chain: the start, the end and a block boundary.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "fuzzutil.h"
#include "vhd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_vhd_chain chain = {0};
	const uint8_t *child, *base;
	size_t clen, blen;
	char *cpath = fz_path("child.avhd"), *bpath = fz_path("base.vhd");
	static uint8_t buf[8192];

	fz_split(data, size, &child, &clen, &base, &blen);
	if (fz_write(cpath, child, clen) == 0 && fz_write(bpath, base, blen) == 0 &&
	    smig_vhd_chain_open(cpath, "D:\\VHD\\child.avhd", NULL, NULL, &chain, &e) == 0) {
		uint64_t vsize = chain.info[0].current_size;
		uint64_t bs = chain.info[0].block_size ? chain.info[0].block_size : 4096;

		smig_vhd_chain_read(&chain, 0, buf, sizeof(buf), &e);
		if (vsize > sizeof(buf))
			smig_vhd_chain_read(&chain, vsize - sizeof(buf), buf, sizeof(buf), &e);
		if (bs > 512 && vsize > bs + 512)
			smig_vhd_chain_read(&chain, bs - 512, buf, 1024, &e);
		smig_vhd_chain_release(&chain);
	}
	free(cpath);
	free(bpath);
	fz_reset();
	return 0;
}
