/*
 * priorapply.h - the migrations a destination already holds: several sources onto one
 * destination (consolidation, docs/import.md "Several sources onto one destination").
 *
 * apply places inert files and leaves registration, networks and host settings to
 * migrate.ps1, so a destination that received an archive does not show that archive's VMs,
 * networks or host settings in its hives or in dest-facts.json until the script has run.
 * Each apply therefore leaves a record next to its journal, DEST/smig-journal/<id>/placed:
 * what the destination will hold once the script has run (VM IDs, names, MAC addresses and
 * networks, the networks as recreated, the host settings it sets, every file it placed). A
 * later preflight or apply of another archive reads every such record and adds it to the
 * destination as read (smig_prior_overlay), so the usual checks see it: SMIG1005 (the VM ID),
 * SMIG1011 (the files), SMIG1012 (a network of the same name and another type; one of the
 * same name and type is reused), SMIG2002 (memory), SMIG2004/2005 (MAC addresses and ranges),
 * the host settings and authorization store (kept, as a value someone chose), and SMIG2010
 * (a VM name already used).
 *
 * With --type storage the record lists the disks only (migrate.ps1 registers no VM); with
 * --type config it lists the VMs and their configurations, not the disks they expect (those
 * were on the destination before).
 *
 * The record is a text file written by smig, but it lies on the destination: it is read as
 * hostile input (bounded size, line length and counts; every GUID and MAC parsed), and a bad
 * record is an error naming the file and the line.
 *
 * Format (UTF-8, LF; fields separated by TAB; '%', TAB, CR and LF inside a field written as
 * %25, %09, %0D, %0A):
 *   smig-placed 1
 *   archive   <archive id>
 *   source    <source computer name>
 *   applied   <UTC time, ISO 8601>
 *   prior     <journal of an earlier apply this one was planned with>
 *   vm        <ID> <name> <startup memory MiB> <virtual processors> <configuration path>
 *   nic       <VM ID> <MAC> static|dynamic <network name or empty>
 *   switch    private|internal|external <name> <ID the VMs' adapters refer to>
 *   mac-range <first MAC> <last MAC>
 *   data-root <Windows path>
 *   vhd-path  <Windows path>
 *   store     <Windows path>
 *   file      <Windows path>
 */
#ifndef SMIG_PRIORAPPLY_H
#define SMIG_PRIORAPPLY_H

#include <stddef.h>

#include "err.h"
#include "importplan.h"
#include "inventory.h"

#define SMIG_PRIOR_FILE "placed"
#define SMIG_PRIOR_MAX (16u << 20)  /* bytes of one record */
#define SMIG_PRIOR_MAX_JOURNALS 256 /* records read from one destination */

/* The record of the apply of plan `p` at `applied_utc` (malloc'd text; *len its length). */
char *smig_prior_record(const struct smig_plan *p, const char *applied_utc, size_t *len,
			struct smig_err *e);

/*
 * Add the records of the earlier applies under `jroot` (DEST/smig-journal) to `dst`, except
 * the journal of archive `self_id` (the archive being applied: its own files are not another
 * migration's) and, when `only` is not NULL, every journal it does not list. VMs, networks and files already in `dst` are not added twice. Records are
 * kept in dst->priors; a VM or network they add has placed_by set. A journal that is not
 * complete (an apply interrupted) is an error: the destination is half-changed and must be
 * rolled back first. A complete journal without a record (an older smig) adds its files
 * only. Returns 0 or -1.
 */
int smig_prior_overlay(const char *jroot, const char *self_id, char *const *only,
		       struct smig_inventory *dst, struct smig_err *e);

/* The earlier applies the record in journal folder `jdir` lists ("prior" lines): 1 with *out
 * a NULL-terminated list (possibly empty), 0 when there is no record (*out NULL), -1. */
int smig_prior_listed(const char *jdir, char ***out, struct smig_err *e);

/* One record (`len` bytes of `text`; `label` names it in messages, `journal` is its journal
 * folder's name) added to dst as smig_prior_overlay() does. */
int smig_prior_parse(const char *text, size_t len, const char *label, const char *journal,
		     struct smig_inventory *dst, struct smig_err *e);

/* The earlier apply that placed the file at Windows path `winpath` (compared as NTFS
 * does), or NULL. */
const struct smig_inv_prior *smig_prior_find_file(const struct smig_inventory *dst,
						  const char *winpath);

#endif
