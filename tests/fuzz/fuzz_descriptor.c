/* fuzz_descriptor.c - the archive descriptor reader (descriptor.h), validated against the
 * source tree's manifests/schema/descriptor.xsd as the tests do. */
#include <stddef.h>
#include <stdint.h>

#include "descriptor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_descriptor *d = NULL;

	if (smig_descriptor_read(data, size, SMIG_SOURCE_DIR "/manifests/schema/descriptor.xsd",
				 &d, &e) == 0)
		smig_descriptor_free(d);
	return 0;
}
