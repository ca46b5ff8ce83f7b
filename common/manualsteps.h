/*
 * manualsteps.h - what an import leaves to the administrator (SMIG3001-3012 of docs/reference.md),
 * as report items. migrate.ps1 (migrateps.h) runs what can be scripted on the destination; an
 * item's action says when migrate.ps1 does the step, and its powershell is the command the
 * administrator runs (migrate.ps1 with the parameter the step needs, or the command for the source
 * host), or NULL.
 *
 * Everything here is derived from a plan (importplan.h) and writes nothing. Names and paths
 * come from the source host and are hostile: in commands they only ever appear as PowerShell
 * single-quoted literals (smig_ps_quote). The items are appended to a caller's list
 * (smig_problems_release frees them).
 */
#ifndef SMIG_MANUALSTEPS_H
#define SMIG_MANUALSTEPS_H

#include <stddef.h>

#include "err.h"
#include "importplan.h"
#include "migrateps.h"
#include "problem.h"

/* The manual steps (SMIG3001-3012, docs/reference.md) a plan leaves, in the order migrate.ps1
 * meets them: binding external networks (3001), pass-through disks (3002), ISO (3003), VFD (3004),
 * VM file access with icacls (3009), firewall (3005), DCOM (3006), WMI namespace (3007),
 * AD authorization store (3008), discarded saved state (3010), then the reminders: turn
 * the source off (3011) and remove its Hyper-V role after verification (3012).
 * A storage archive's disks, placed for no VM, are 3013; a customised destination store
 * kept where the source's differs, 3014 (smig_manual_step_kept_store). An import of some VMs (plan
 * vms_only) has no host-wide step (3005-3008, 3012); a storage archive has no VM step.
 * Each item: severity SMIG_SEV_MANUAL, subject, message, action (words), powershell (the
 * exact command, or NULL when the step cannot be scripted). */
int smig_manual_steps(const struct smig_plan *p, struct smig_problems *out, struct smig_err *e);
/* The same, knowing the firewall rules' text the archive carries (migrateps.h): a rule
 * migrate.ps1 recreates is a step that says so; one it cannot is the administrator's. */
int smig_manual_steps_fw(const struct smig_plan *p, const struct smig_fwtexts *fw,
                         struct smig_problems *out, struct smig_err *e);
/* SMIG3014: the destination's customised authorization store was kept (plan
 * kept_store_member) and differs from the source's as `diffs` says (smig_azman_diff()
 * sentences, `total` in all; NULL with total 0 when they could not be compared, `why` then
 * says why). `source_copy` names where apply put the source's store for the administrator. */
int smig_manual_step_kept_store(const struct smig_plan *p, char *const *diffs, size_t total,
				const char *why, const char *source_copy, struct smig_problems *out,
				struct smig_err *e);

#endif
