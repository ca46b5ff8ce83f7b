/*
 * fuzz_archive.c - the archive reader (archive.h) on unsigned bytes: the input is the whole
 * archive file, staged and verified with the fixed test key and the default limits, as
 * `smig-import verify` does. Only a forged signature could get past it; the code behind the
 * signature is fuzz_archive_signed's.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "archive.h"
#include "fuzzkey.h"
#include "fuzzutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct smig_err e = SMIG_ERR_INIT;
	static struct smig_pubkey pub;
	static struct smig_seckey sec;
	static int have_key;
	struct smig_staged *st = NULL;
	char *path = fz_path("a.smig"), *staging = fz_path("staging");

	if (!have_key) {
		fz_test_key(&pub, &sec);
		have_key = 1;
	}
	if (fz_write(path, data, size) == 0 &&
	    smig_archive_extract_verified(path, staging, &pub, NULL, &st, &e) == 0)
		smig_staged_free(st, true);
	free(path);
	free(staging);
	fz_reset();
	return 0;
}
