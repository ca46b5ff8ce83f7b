/*
 * fuzz_secdesc.c - self-relative security descriptors (secdesc.h): the bytes parsed and shown
 * as SDDL; and the bytes taken as SDDL text, built into a descriptor and parsed back.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "fuzzutil.h"
#include "secdesc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void parse(const void *bytes, size_t len)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_secdesc sd = {0};
	char *sddl = NULL, name[SMIG_SID_BUFSZ];

	if (smig_secdesc_parse(bytes, len, &sd, &e) == 0) {
		if (smig_secdesc_to_sddl(&sd, &sddl, &e) == 0)
			free(sddl);
		if (sd.has_owner) {
			smig_sid_format(&sd.owner, name, sizeof(name));
			smig_sid_wellknown_name(&sd.owner);
		}
		if (sd.dacl_count > 0)
			smig_com_rights_describe(sd.dacl[0].mask, name, sizeof(name));
		smig_secdesc_equal(&sd, &sd);
	}
	smig_secdesc_release(&sd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct smig_err e = SMIG_ERR_INIT;
	char *text = fz_strndup(data, size);
	unsigned char *built = NULL;
	size_t len = 0;
	struct smig_sid sid;

	parse(data, size);
	if (smig_secdesc_from_sddl(text, &built, &len, &e) == 0) {
		parse(built, len);
		free(built);
	}
	smig_sid_parse(text, &sid);
	free(text);
	return 0;
}
