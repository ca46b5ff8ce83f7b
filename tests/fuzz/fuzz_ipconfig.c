/*
 * fuzz_ipconfig.c - the reader of ipconfig /all output (ipconfig.h), over the raw and the
 * decoded bytes (fz_text_passes).
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzzutil.h"
#include "ipconfig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void parse(const char *text, size_t len)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_ipconfig *c = NULL;

	if (smig_ipconfig_parse(text, len, &c, &e) == 0) {
		smig_ipconfig_find(c, "Local Area Connection");
		smig_ipconfig_free(c);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_text_passes(data, size, parse);
	return 0;
}
