/*
 * hostopts.h - the options every command that reads a host accepts (docs/reference.md "Host
 * roots and host options"): --source/--dest, --drive X=DIR (repeatable), --ipconfig, --systeminfo,
 * --memory-mb, --dest-facts. Commands collect them with smig_hostopts_add() from their getopt
 * loop and open the host with smig_hostopts_read().
 *
 * A running destination has no readable hives: its facts come from dest-facts.json
 * (destfacts.h), named by --dest-facts or found at ROOT/dest-facts.json when ROOT has no SYSTEM
 * hive. The drive map still comes from ROOT (the mounted admin shares), so files are placed
 * and free space measured there (docs/dest-facts.md).
 *
 * A running source is read the same way round: --facts DIR names the folder collect.cmd wrote
 * (facts.h); its hives, text outputs and authorization store replace the host's files, and
 * ROOT holds the volumes mounted read-only over SMB (docs/user-guide.md).
 */
#ifndef SMIG_HOSTOPTS_H
#define SMIG_HOSTOPTS_H

#include <stdint.h>

#include "err.h"
#include "hostfs.h"
#include "inventory.h"

#define SMIG_HOSTOPTS_MAX_DRIVES 26

struct smig_hostopts {
	const char *root;
	const char *drives[SMIG_HOSTOPTS_MAX_DRIVES];
	int ndrives;
	const char *ipconfig, *systeminfo;
	uint64_t memory_mb;
	const char *dest_facts; /* --dest-facts FILE, or NULL */
	const char *facts;      /* --facts DIR (a running source's facts folder), or NULL */
};

/* Option ids for getopt_long tables (values above any short option). */
enum {
	SMIG_OPT_DRIVE = 1000,
	SMIG_OPT_IPCONFIG,
	SMIG_OPT_SYSTEMINFO,
	SMIG_OPT_MEMORY_MB,
	SMIG_OPT_DEST_FACTS,
	SMIG_OPT_FACTS,
};

/* Take one option (id from the enum above). Usage errors are SMIG_ERR_USAGE. */
int smig_hostopts_add(struct smig_hostopts *o, int id, const char *arg, struct smig_err *e);
/* Open the host (root + drive maps) and read its inventory, from its hives, from a facts
 * folder or from its dest-facts.json (see above). */
int smig_hostopts_read(const struct smig_hostopts *o, struct smig_hostfs **fs,
		       struct smig_inventory **inv, struct smig_err *e);

#endif
