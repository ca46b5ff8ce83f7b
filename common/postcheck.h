/*
 * postcheck.h - the post-migration verification (cli.md "Verification", SMIG4001-4011): the
 * source model carried in the archive compared with the destination read back after apply
 * with the same readers, following the plan that placed everything.
 *
 * Contract: one report item per check and subject ("vm:web01", "vm:web01/disk:web01.vhd",
 * "switch:External LAN", "host", "azman", "nic:Ethernet"), severity SMIG_SEV_PASS or
 * SMIG_SEV_FAIL; an external network recreated as internal by the plan is SMIG_SEV_WARNING
 * (flagged, not failed); a check the plan did not ask for is SMIG_SEV_INFO; a destination file
 * that cannot be read is SMIG_SEV_ERROR and the rest of the report still stands. The messages
 * say what was compared, so a passing report is evidence, not just a tick.
 *
 * The plan is used only for placement and mapping (ids, destination paths, re-parenting,
 * emptied drives, processor compatibility, switch types and downgrades, host vNICs, adapter
 * map, host settings and what apply wrote). Disk contents are hashed from the destination
 * (SHA-256 in 1 MiB reads) and compared with the archive's signed hash of the member.
 *
 * Items are appended to `out` (the caller owns and releases it). The function fails only on
 * allocation failure; nothing is printed and the destination is only read.
 */
#ifndef SMIG_POSTCHECK_H
#define SMIG_POSTCHECK_H

#include <stddef.h>

#include "err.h"
#include "importplan.h"
#include "inventory.h"
#include "problem.h"

struct smig_staged; /* archive.h */

/*
 * Compare p->src with `after` following `p`. `staged` (may be NULL) gives the signed SHA-256
 * of each archive member for SMIG4005; without it the hash part is skipped with one info
 * item. Returns 0, or -1 with `e` set (out of memory); items added before a failure stay.
 */
int smig_postcheck(const struct smig_plan *p, const struct smig_inventory *after,
                   const struct smig_staged *staged, struct smig_problems *out, struct smig_err *e);
/* Items with severity SMIG_SEV_FAIL or SMIG_SEV_ERROR (exit 5 when non-zero). */
size_t smig_postcheck_failures(const struct smig_problems *items);

#endif
