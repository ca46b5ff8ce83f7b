/* hostopts.c - shared host options (see hostopts.h). */
#include "hostopts.h"

#include <errno.h>
#include <stdlib.h>

int smig_hostopts_add(struct smig_hostopts *o, int id, const char *arg, struct smig_err *e)
{
	char *end;
	unsigned long long v;

	switch (id) {
	case SMIG_OPT_DRIVE:
		if (o->ndrives >= SMIG_HOSTOPTS_MAX_DRIVES)
			return smig_err_set(e, SMIG_ERR_USAGE, "too many --drive options");
		o->drives[o->ndrives++] = arg;
		return 0;
	case SMIG_OPT_IPCONFIG:
		o->ipconfig = arg;
		return 0;
	case SMIG_OPT_SYSTEMINFO:
		o->systeminfo = arg;
		return 0;
	case SMIG_OPT_MEMORY_MB:
		errno = 0;
		v = strtoull(arg, &end, 10);
		if (errno || *end || end == arg || v == 0 || v > (1ULL << 32))
			return smig_err_set(e, SMIG_ERR_USAGE,
					    "invalid --memory-mb '%s': expected a number of MiB", arg);
		o->memory_mb = v;
		return 0;
	}
	return smig_err_set(e, SMIG_ERR_USAGE, "unknown host option");
}

int smig_hostopts_read(const struct smig_hostopts *o, struct smig_hostfs **fs,
		       struct smig_inventory **inv, struct smig_err *e)
{
	struct smig_inventory_opts io = {o->ipconfig, o->systeminfo, o->memory_mb};
	int i;

	*fs = NULL;
	*inv = NULL;
	if (o->root == NULL)
		return smig_err_set(e, SMIG_ERR_USAGE, "no host given (--source ROOT)");
	if (smig_hostfs_open(o->root, fs, e) < 0)
		return -1;
	for (i = 0; i < o->ndrives; i++)
		if (smig_hostfs_map_drive_arg(*fs, o->drives[i], e) < 0)
			goto fail;
	if (smig_inventory_read(*fs, o->root, &io, inv, e) < 0)
		goto fail;
	return 0;
fail:
	smig_hostfs_free(*fs);
	*fs = NULL;
	return -1;
}
