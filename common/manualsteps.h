/*
 * manualsteps.h - what an import leaves to the administrator (cli.md SMIG3001-3012), as report
 * items, and finish.ps1, the PowerShell script that runs the steps that can be scripted.
 *
 * Everything here is derived from a plan (importplan.h) and writes nothing. Names and paths
 * come from the source host and are hostile: in commands they only ever appear as PowerShell
 * single-quoted literals (smig_ps_quote), VMs and switches are addressed by their GUID (names
 * may repeat on the destination and Hyper-V's -VMName/-Name match wildcards), and comment text
 * has its control characters replaced, so no value can end a comment line or a literal.
 *
 * The items are appended to a caller's list (smig_problems_release frees them); the strings
 * returned by smig_finish_ps1() and smig_ps_quote() are malloc'd and the caller frees them.
 */
#ifndef SMIG_MANUALSTEPS_H
#define SMIG_MANUALSTEPS_H

#include <stddef.h>

#include "err.h"
#include "importplan.h"
#include "problem.h"

/* The manual steps (cli.md SMIG3001-3012) a plan leaves, in the order finish.ps1 runs them:
 * binding external networks (3001), pass-through disks (3002), ISO (3003), VFD (3004),
 * VM file access with icacls (3009), firewall (3005), DCOM (3006), WMI namespace (3007),
 * AD authorization store (3008), discarded saved state (3010), then the reminders: turn
 * the source off (3011) and remove its Hyper-V role after verification (3012).
 * Each item: severity SMIG_SEV_MANUAL, subject, message, action (words), powershell (the
 * exact command, or NULL when the step cannot be scripted). */
int smig_manual_steps(const struct smig_plan *p, struct smig_problems *out, struct smig_err *e);
/* finish.ps1: every step of `steps` with a command, in order, each preceded by a comment
 * block (id, subject, message, action) and the commands of steps that need a value the admin
 * must choose (NIC name, disk number) commented out with a clear "# EDIT:" line; a header
 * saying what the script is, the archive id, that it is safe to read and must be run
 * elevated on the destination; CRLF line ends and a UTF-8 BOM (Windows PowerShell 5 reads
 * BOM-less files as ANSI). malloc'd, *len set. */
char *smig_finish_ps1(const struct smig_plan *p, const struct smig_problems *steps, size_t *len,
                      struct smig_err *e);
/* A PowerShell single-quoted string literal for `s` ('' doubles embedded quotes; the
 * typographic quotes U+2018-U+201B are doubled too, since PowerShell treats them as quotes).
 * Invalid UTF-8 is refused (SMIG_ERR_FORMAT). */
char *smig_ps_quote(const char *s, struct smig_err *e);

#endif
