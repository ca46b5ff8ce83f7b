/* hostopts.c - shared host options (see hostopts.h). */
#include "hostopts.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "destfacts.h"
#include "facts.h"
#include "fileio.h"
#include "i18n.h"
#include "regmap.h"

int smig_hostopts_add(struct smig_hostopts *o, int id, const char *arg, struct smig_err *e)
{
	char *end;
	unsigned long long v;

	switch (id) {
	case SMIG_OPT_DRIVE:
		if (o->ndrives >= SMIG_HOSTOPTS_MAX_DRIVES)
			return smig_err_set(e, SMIG_ERR_USAGE, _("too many --drive options"));
		o->drives[o->ndrives++] = arg;
		return 0;
	case SMIG_OPT_IPCONFIG:
		o->ipconfig = arg;
		return 0;
	case SMIG_OPT_SYSTEMINFO:
		o->systeminfo = arg;
		return 0;
	case SMIG_OPT_DEST_FACTS:
		o->dest_facts = arg;
		return 0;
	case SMIG_OPT_FACTS:
		o->facts = arg;
		return 0;
	case SMIG_OPT_MEMORY_MB:
		errno = 0;
		v = strtoull(arg, &end, 10);
		if (errno || *end || end == arg || v == 0 || v > (1ULL << 32))
			return smig_err_set(e, SMIG_ERR_USAGE,
					    _("invalid --memory-mb '%s': expected a number of MiB"), arg);
		o->memory_mb = v;
		return 0;
	}
	return smig_err_set(e, SMIG_ERR_USAGE, _("unknown host option"));
}

/*
 * The facts file to read instead of hives: --dest-facts, else ROOT/dest-facts.json when the
 * host has no SYSTEM hive (a running destination's locked hives are not on its shares).
 * *path NULL = read the hives.
 */
static int facts_path(const struct smig_hostopts *o, struct smig_hostfs *fs, char **path,
		      struct smig_err *e)
{
	struct smig_err e2 = SMIG_ERR_INIT;
	char *sys = NULL, *p;
	struct stat st;
	int r;

	*path = NULL;
	if (o->dest_facts) {
		*path = smig_strdup(o->dest_facts, e);
		return *path ? 0 : -1;
	}
	r = smig_hostfs_lookup(fs, SMIG_HIVE_SYSTEM_PATH, &sys, &e2);
	free(sys);
	if (r != 1)
		return 0; /* a hive, or an error the hive reader reports in its own words */
	p = smig_path_join(o->root, SMIG_DESTFACTS_FILE, e);
	if (p == NULL)
		return -1;
	if (stat(p, &st) == 0)
		*path = p;
	else
		free(p);
	return 0;
}

int smig_hostopts_read(const struct smig_hostopts *o, struct smig_hostfs **fs,
		       struct smig_inventory **inv, struct smig_err *e)
{
	struct smig_inventory_opts io = {o->ipconfig, o->systeminfo, o->memory_mb, NULL};
	struct smig_facts *sf = NULL;
	char *facts = NULL;
	int i;

	*fs = NULL;
	*inv = NULL;
	if (o->root == NULL)
		return smig_err_set(e, SMIG_ERR_USAGE, _("no host given (--source ROOT)"));
	if (smig_hostfs_open(o->root, fs, e) < 0)
		return -1;
	for (i = 0; i < o->ndrives; i++)
		if (smig_hostfs_map_drive_arg(*fs, o->drives[i], e) < 0)
			goto fail;
	if (o->facts) { /* a running source: its facts folder stands in for its locked files */
		if (o->ipconfig || o->systeminfo || o->dest_facts) {
			smig_err_set(e, SMIG_ERR_USAGE,
				     _("--facts '%s' already holds the host's ipconfig and systeminfo "
				     "output; drop --ipconfig, --systeminfo and --dest-facts"),
				     o->facts);
			goto fail;
		}
		if (smig_facts_open(o->facts, *fs, &sf, e) < 0)
			goto fail;
		io.facts = sf;
		if (smig_inventory_read(*fs, o->root, &io, inv, e) < 0)
			goto fail;
		smig_facts_free(sf);
		return 0;
	}
	if (facts_path(o, *fs, &facts, e) < 0)
		goto fail;
	if (facts == NULL) {
		if (smig_inventory_read(*fs, o->root, &io, inv, e) < 0)
			goto fail;
		return 0;
	}
	if (o->ipconfig || o->systeminfo) {
		smig_err_set(e, SMIG_ERR_USAGE,
			     _("--ipconfig and --systeminfo describe a host read from its hives; "
			     "the destination is described by '%s'"), facts);
		goto fail;
	}
	/* free space is not taken from the facts: the plan measures the mounted shares */
	if (smig_destfacts_read(facts, o->root, inv, NULL, NULL, e) < 0)
		goto fail;
	if (o->memory_mb) { /* the user's --memory-mb wins, as over systeminfo.txt */
		(*inv)->os.memory_mb = o->memory_mb;
		free((*inv)->os.memory_source);
		if (!((*inv)->os.memory_source = smig_strdup("--memory-mb", e)))
			goto fail;
	}
	free(facts);
	return 0;
fail:
	smig_facts_free(sf);
	free(facts);
	smig_inventory_free(*inv);
	*inv = NULL;
	smig_hostfs_free(*fs);
	*fs = NULL;
	return -1;
}
