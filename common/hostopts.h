/*
 * hostopts.h - the options every command that reads a host accepts (cli.md "Host roots and
 * maps"): --source/--dest, --drive X=DIR (repeatable), --ipconfig, --systeminfo,
 * --memory-mb. Commands collect them with smig_hostopts_add() from their getopt loop and
 * open the host with smig_hostopts_open().
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
};

/* Option ids for getopt_long tables (values above any short option). */
enum {
	SMIG_OPT_DRIVE = 1000,
	SMIG_OPT_IPCONFIG,
	SMIG_OPT_SYSTEMINFO,
	SMIG_OPT_MEMORY_MB,
};

/* Take one option (id from the enum above). Usage errors are SMIG_ERR_USAGE. */
int smig_hostopts_add(struct smig_hostopts *o, int id, const char *arg, struct smig_err *e);
/* Open the host (root + drive maps) and read its inventory. */
int smig_hostopts_read(const struct smig_hostopts *o, struct smig_hostfs **fs,
		       struct smig_inventory **inv, struct smig_err *e);

#endif
