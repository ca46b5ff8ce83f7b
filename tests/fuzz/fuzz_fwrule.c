/*
 * fuzz_fwrule.c - Windows Firewall rule strings (fwrule.h): the first line of the input is the
 * rule's registry value name, the rest the rule text; then what the reports ask of a rule.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzzutil.h"
#include "fwrule.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_fwrule r;
	const uint8_t *nl = memchr(data, '\n', size);
	size_t idlen = nl ? (size_t)(nl - data) : 0;
	char *id = fz_strndup(data, idlen);
	char *text = nl ? fz_strndup(nl + 1, size - idlen - 1) : fz_strndup(data, size);
	char *line;

	memset(&r, 0, sizeof(r));
	if (smig_fwrule_parse(id, text, &r, &e) == 0) {
		smig_fwrule_get(&r, "Action");
		smig_fwrule_is_hyperv(&r);
		smig_fwrule_is_user_defined(&r);
		line = smig_fwrule_describe(&r, &e);
		free(line);
	}
	smig_fwrule_release(&r);
	free(id);
	free(text);
	return 0;
}
