/* fuzz_vhd.c - the VHD reader (vhd.h): the input is the whole file. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "fuzzutil.h"
#include "vhd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_vhd_info info = {0};
	char *path = fz_path("disk.vhd");

	if (fz_write(path, data, size) == 0 && smig_vhd_open(path, "D:\\VHD\\disk.vhd", &info,
							     &e) == 0)
		smig_vhd_info_release(&info);
	free(path);
	fz_reset();
	return 0;
}
