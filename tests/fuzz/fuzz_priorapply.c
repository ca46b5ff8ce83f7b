/*
 * fuzz_priorapply.c - the record an earlier apply left on the destination (priorapply.h),
 * read into an empty destination model, then the file lookup the plan makes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "fuzzutil.h"
#include "inventory.h"
#include "priorapply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_inventory *inv = calloc(1, sizeof(*inv));
	char *text = fz_strndup(data, size);

	if (inv && text) {
		/* twice: a second record sees what the first added */
		if (smig_prior_parse(text, size, "placed", "j1", inv, &e) == 0)
			smig_prior_parse(text, size, "placed", "j2", inv, &e);
		smig_prior_find_file(inv, "D:\\VHD\\web01.vhd");
	}
	smig_inventory_free(inv);
	free(text);
	return 0;
}
