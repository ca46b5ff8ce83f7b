/*
 * fuzz_ipconfig.c - the reader of ipconfig /all output (ipconfig.h): the bytes decoded as the file loader
 * does (smig_text_decode: BOMs, UTF-16), then parsed; and the raw bytes parsed as they are,
 * from an exact-length copy so a read past the end is caught.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipconfig.h"
#include "winval.h"

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
	char *raw = malloc(size ? size : 1), *text = NULL;

	if (raw == NULL)
		return 0;
	memcpy(raw, data, size);
	parse(raw, size);
	free(raw);
	if (smig_text_decode(data, size, &text, &e) == 0) {
		parse(text, strlen(text));
		free(text);
	}
	return 0;
}
