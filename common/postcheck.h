/*
 * postcheck.h - the file-level post-migration verification (docs/reference.md "Verification",
 * SMIG4001-4011): what the files apply placed on the destination can show, read back at the
 * plan's paths with smig's readers and compared with the source model carried in the archive.
 * apply places only inert files and registers nothing, so the destination's registered VMs
 * are not consulted; everything Hyper-V owns is made by migrate.ps1 on the running host and
 * checked from its live state by `report --state` (livecheck.h).
 *
 * Items, per selected VM ("vm:web01"):
 *   SMIG4001  the configuration at config_local loads, has the planned id, keeps the source's
 *             version (a 1024 on a 512/768 source is "stamped": a failure), the source's name,
 *             no line end after </configuration>; the VM's saved-state files are present;
 *             plus an info item "vm:web01/registration" (migrate.ps1 registers it).
 *   SMIG4002  memory in the placed configuration equals the source's.
 *   SMIG4003  processor count equals the source's; info "vm:web01/processor-compatibility".
 *   SMIG4004  the snapshot configurations are at their planned paths, load, are not newer
 *             than the source's version, and there are as many as the source's snapshots;
 *             snapshot saved-state files are present.
 *   SMIG4005  each disk ("vm:web01/disk:web01.vhd") is at its planned path, opens as a VHD
 *             with the source's type, unique id, virtual and file size, its chain resolves
 *             (differencing) and its SHA-256 equals the archive's signed hash (a
 *             re-parented disk: the SHA-256 of its virtual content read through its chain
 *             equals that of the source's chain in the archive); each hard disk drive of the configuration
 *             ("vm:web01/drive:IDE 0:0") points to its disk's planned path and each drive the
 *             plan emptied is empty.
 *   SMIG4006  the configuration's network adapters: count, then per adapter
 *             ("vm:web01/nic:Network Adapter") MAC, static/dynamic, legacy/synthetic and the
 *             switch reference kept as on the source; info "vm:web01/connections".
 * Once: SMIG4007 (virtual networks), SMIG4008 (host settings), SMIG4009 (authorization store,
 * subject "azman"), SMIG4010 (VMQ), SMIG4011 (IP settings): one info item each saying
 * migrate.ps1 does it and `report --state` checks it. SMIG4008 is a failure instead when
 * `after` shows a host folder or MAC range that is neither p->dst's (the destination the plan
 * was made for) nor the planned one: a change made since apply, named as such. SMIG4009 is a
 * PASS or FAIL when the plan copies the store and `staged` has it: the destination's store
 * at p->store_local once migrate.ps1 put it in place (it is the source's, or `after` says it
 * is no longer the default store), else the copy at p->staged_store, compared with the
 * archive's with smig_azman_diff(); the message names the file compared.
 *
 * Contract: one report item per check and subject, severity SMIG_SEV_PASS or SMIG_SEV_FAIL;
 * what this level cannot check is SMIG_SEV_INFO; a destination file that exists but cannot be
 * read is SMIG_SEV_ERROR and the rest of the report still stands. The messages say what was
 * compared, so a passing report is evidence, not just a tick.
 *
 * The plan is used for placement and mapping only (ids, destination paths, re-parenting,
 * emptied drives, processor compatibility to be set). Disk contents are hashed from the
 * destination (SHA-256) and compared with the archive's signed hash of the member.
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
 * Compare the files placed following `p` with p->src. `after` (may be NULL) is the
 * destination's inventory, read from its hives or facts: only used to say whether it already
 * lists a VM id. `staged` (may be NULL) gives the signed SHA-256 and size of each archive
 * member for SMIG4005 (and saved state sizes); without it the hash part is skipped with one
 * info item. Returns 0, or -1 with `e` set (out of memory); items added before a failure stay.
 */
int smig_postcheck(const struct smig_plan *p, const struct smig_inventory *after,
                   const struct smig_staged *staged, struct smig_problems *out, struct smig_err *e);
/*
 * The SHA-256 of the virtual content of disk `pd`'s source chain (vhd.h
 * smig_vhd_chain_sha256), read from the archive's staged members (a parent reference maps to
 * the member of the source disk at that path, else of that file name), into
 * pd->content_sha256 (has_content set). apply calls it for each re-parented disk before it
 * rewrites the staged file; SMIG4005 then compares the placed chain with it (report, which
 * stages the archive afresh, computes it the same way). -1 with `e` set when the chain cannot
 * be read.
 */
int smig_postcheck_source_content(const struct smig_plan *p, const struct smig_staged *staged,
                                  struct smig_plan_disk *pd, struct smig_err *e);
/* Items with severity SMIG_SEV_FAIL or SMIG_SEV_ERROR (exit 5 when non-zero). */
size_t smig_postcheck_failures(const struct smig_problems *items);

#endif
