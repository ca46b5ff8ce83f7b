/*
 * scan.h - internal to the inventory readers (inventory.c, hostinfo.c, vmscan.c): the state
 * one inventory read carries, and "soft" registry getters that turn a malformed value into a
 * report item instead of failing the whole read.
 */
#ifndef SMIG_SCAN_H
#define SMIG_SCAN_H

#include <stdbool.h>
#include <stdint.h>

#include "hive.h"
#include "hostfs.h"
#include "inventory.h"
#include "ipconfig.h"
#include "sysinfo.h"

struct smig_scan {
	struct smig_inventory *inv;
	struct smig_hostfs *fs;
	struct smig_hive *sys;   /* SYSTEM, never NULL */
	struct smig_hive *sw;    /* SOFTWARE, NULL when absent */
	struct smig_ipconfig *ipc; /* NULL when absent */
	struct smig_sysinfo *si;   /* NULL when absent */
	const struct smig_facts *facts; /* NULL without --facts */
	struct smig_err *e;      /* fatal errors only (ENOMEM) */
};

/* Record a problem; returns -1 only when recording itself failed (ENOMEM). */
int smig_scan_note(struct smig_scan *s, const char *id, enum smig_severity sev,
		   const char *subject, const char *fmt, ...) SMIG_PRINTF(5, 6);

/* Find a key; absent -> 1; malformed -> problem recorded, 1. */
int smig_scan_key(struct smig_scan *s, struct smig_hive *h, smig_hive_node from, const char *path,
		  smig_hive_node *out);
/* Values: NULL / false when absent or malformed (malformed is recorded as a warning). */
char *smig_scan_sz(struct smig_scan *s, struct smig_hive *h, smig_hive_node n, const char *keyname,
		   const char *name);
bool smig_scan_dword(struct smig_scan *s, struct smig_hive *h, smig_hive_node n,
		     const char *keyname, const char *name, uint32_t *out);
char **smig_scan_multi(struct smig_scan *s, struct smig_hive *h, smig_hive_node n,
		       const char *keyname, const char *name);

/* Append one zeroed element of `elsz` bytes to the array *pptr of *count elements (small
 * arrays: grows by one). Returns the new element, or NULL on ENOMEM (error set). */
void *smig_vec_add(void *pptr, size_t *count, size_t elsz, struct smig_err *e);
/* Append a malloc'd copy of `s` to a NULL-terminated string vector. */
int smig_strv_push(char ***v, const char *s, struct smig_err *e);
size_t smig_strv_len(char *const *v);

/* Readers. Both return -1 only on fatal errors (ENOMEM). */
int smig_hostinfo_read(struct smig_scan *s);
int smig_vmscan_read(struct smig_scan *s);

#endif
