/* fuzz_destfacts.c - dest-facts.json, the facts of a running destination (destfacts.h). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "destfacts.h"
#include "fuzzutil.h"
#include "inventory.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_inventory *inv = NULL;
	struct smig_destfacts_volume *vols = NULL;
	size_t nvols = 0;

	if (smig_destfacts_parse((const char *)data, size, "dest-facts.json", fz_dir(), &inv,
				 &vols, &nvols, &e) == 0) {
		char *again = smig_destfacts_from_inventory(inv, vols, nvols, &e);

		free(again);
		smig_inventory_free(inv);
		free(vols);
	}
	return 0;
}
