/*
 * fuzz_vmconfig.c - the VM configuration reader (vmconfig.h) over arbitrary bytes, then what
 * apply does to a configuration it accepted: the 2012 rewrites and serialisation.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "vmconfig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_vmconfig *cfg = NULL;
	unsigned char *out = NULL;
	size_t i, len = 0;

	if (smig_vmconfig_parse(data, size, "fuzz.xml", &cfg, &e) < 0)
		return 0;
	for (i = 0; i < cfg->ndrives; i++) {
		if (cfg->drives[i].kind == SMIG_DRIVE_VHD)
			smig_vmconfig_set_drive_path(cfg, i, "E:\\VHD\\moved.vhd", &e);
		else
			smig_vmconfig_empty_drive(cfg, i, &e);
	}
	for (i = 0; i < cfg->nnics; i++)
		smig_vmconfig_set_nic_switch(cfg, i, i % 2 ? NULL : "6F0B2E9A-41C3-4B8E-9E5B-"
					     "1D2C3A4B5C01", NULL, &e);
	smig_vmconfig_set_version(cfg, 1280, &e);
	smig_vmconfig_set_cpu_compat(cfg, true, &e);
	smig_vmconfig_set_id(cfg, "{8A3C5E7F-0A1B-4C2D-8E3F-4A5B6C7D8E02}", &e);
	if (smig_vmconfig_serialize(cfg, &out, &len, &e) == 0) {
		struct smig_vmconfig *again = NULL;

		if (smig_vmconfig_parse(out, len, "serialised", &again, &e) == 0)
			smig_vmconfig_free(again);
		free(out);
	}
	smig_vmconfig_free(cfg);
	return 0;
}
