/*
 * fuzz_ipconfig.c - the reader of ipconfig /all output (ipconfig.h), over the raw and the
 * decoded bytes (fz_text_passes), and as a file's bytes: language recognition and OEM code
 * pages (smig_ipconfig_parse_raw; the French seeds come from smig-mkhost --language fr).
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
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_ipconfig *c = NULL;

	fz_text_passes(data, size, parse);
	if (smig_ipconfig_parse_raw(data, size, "fuzz", &c, &e) == 0) {
		smig_ipconfig_find(c, "Local Area Connection");
		smig_ipconfig_free(c);
	}
	return 0;
}
