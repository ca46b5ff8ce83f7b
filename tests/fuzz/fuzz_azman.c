/* fuzz_azman.c - the Authorization Manager store reader (azman.h) over arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>

#include "azman.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_azman_store *s = NULL;

	if (smig_azman_parse(data, size, "InitialStore.xml", &s, &e) == 0) {
		smig_azman_find_app(s, "Hyper-V services");
		smig_azman_free(s);
	}
	return 0;
}
