/*
 * fuzz_facts.c - the reader of a facts folder's wmic tables (facts.h: vms.csv, vmroots.csv),
 * which come from a running source. The first byte picks the table; the rest is the file, read
 * from an exact-length copy so a read past the end is caught.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_facts_vm *vms = NULL;
	enum smig_facts_table t;
	size_t n = 0;
	char *raw;

	if (size == 0)
		return 0;
	t = data[0] & 1 ? SMIG_FACTS_TABLE_ROOTS : SMIG_FACTS_TABLE_VMS;
	raw = malloc(size - 1 ? size - 1 : 1);
	if (raw == NULL)
		return 0;
	memcpy(raw, data + 1, size - 1);
	if (smig_facts_parse_csv(t, raw, size - 1, "vms.csv", &vms, &n, &e) == 0)
		smig_facts_vms_free(vms, n);
	free(raw);
	return 0;
}
