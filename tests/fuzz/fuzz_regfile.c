/* fuzz_regfile.c - the .reg parser (regfile.h) over arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>

#include "regfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_regfile_key *keys = NULL;
	size_t nkeys = 0;

	if (smig_regfile_parse(data, size, "fuzz.reg", &keys, &nkeys, &e) == 0)
		smig_regfile_keys_free(keys, nkeys);
	return 0;
}
