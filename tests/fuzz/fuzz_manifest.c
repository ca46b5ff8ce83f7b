/* fuzz_manifest.c - the feature manifest loader (manifest.h): the input is one manifest
 * file, validated against manifests/schema/manifest.xsd and bound to the handler table. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzzutil.h"
#include "manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_feature f;
	char *path = fz_path("feature.xml");

	memset(&f, 0, sizeof(f));
	if (fz_write(path, data, size) == 0 && smig_manifest_load_file(path, &f, &e) == 0)
		smig_manifest_feature_release(&f);
	free(path);
	fz_reset();
	return 0;
}
