/* fuzz_livecheck.c - smig-state.json, the live host's state migrate.ps1 records
 * (livecheck.h). */
#include <stddef.h>
#include <stdint.h>

#include "livecheck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_live *l = NULL;

	if (smig_livecheck_parse(data, size, "smig-state.json", &l, &e) == 0)
		smig_live_free(l);
	return 0;
}
