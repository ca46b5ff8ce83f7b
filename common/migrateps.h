/*
 * migrateps.h - migrate.ps1, the script an administrator runs, elevated, on the running Windows
 * Server 2012 destination after `smig-import apply` has placed the files: Hyper-V itself then
 * creates the switches, registers the VMs (Compare-VM -Register / Import-VM, in place, same
 * ids) and applies what the plan says; the script ends by writing smig-state.json
 * (docs/live-state.md). docs/migrate.md describes the script for administrators.
 *
 * Also the PowerShell text rules every script smig writes follows (docs/formats.md A51):
 * values from the source host are hostile, so they only ever appear as single-quoted literals
 * (a value with control characters as a parenthesised concatenation of literals and [char]
 * codes, so no line can end inside it), comment text has its control characters replaced, and
 * the file is UTF-8 with a BOM and CRLF line ends.
 *
 * Everything here is derived from a plan (importplan.h) and writes nothing. Returned strings
 * are malloc'd; the caller frees them.
 */
#ifndef SMIG_MIGRATEPS_H
#define SMIG_MIGRATEPS_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "importplan.h"
#include "strbuf.h"

/* migrate.ps1 for plan p: UTF-8 with BOM, CRLF, malloc'd, *len set. A name or path that is
 * not valid UTF-8 is SMIG_ERR_FORMAT; a plan without its archive or with a selected VM whose
 * id is not a GUID is SMIG_ERR_USAGE. */
char *smig_migrate_ps1(const struct smig_plan *p, size_t *len, struct smig_err *e);

/*
 * The full text of the source's firewall rules. The inventory keeps a summary of each rule; the
 * archive carries the registry key itself (FirewallPolicy\FirewallRules of the source's SYSTEM
 * hive, the member SMIG_MIGRATE_FW_MEMBER, a .reg file). With a rule's text migrate.ps1
 * recreates a user-defined Hyper-V rule with New-NetFirewallRule when every field of it maps
 * to a 2012 parameter; without it (or with a field that does not map) the rule stays a manual
 * item.
 */
#define SMIG_MIGRATE_FW_MEMBER "hyperv/firewall.reg"

struct smig_fwtext {
	char *id;   /* the registry value name: "{GUID}" or "VIRT-..." */
	char *text; /* the rule string, "v2.10|Action=Allow|..." */
};

struct smig_fwtexts {
	struct smig_fwtext *items;
	size_t n;
};

/* The REG_SZ values of every key ending in "\FirewallRules" of the .reg file `buf` (what the
 * archive's SMIG_MIGRATE_FW_MEMBER holds). A malformed file is SMIG_ERR_FORMAT (regfile.h);
 * values of other types are left out. */
int smig_fwtexts_from_reg(const void *buf, size_t len, struct smig_fwtexts *out,
                          struct smig_err *e);
void smig_fwtexts_release(struct smig_fwtexts *t);
/* Whether migrate.ps1 recreates the user-defined Hyper-V rule `r` (New-NetFirewallRule) from
 * its text in `fw` (NULL: none). When it does not, `why` gets the reason (the archive carries
 * no text, the text does not read, or the field that has no 2012 parameter), cut to `whylen`. */
bool smig_migrate_fw_recreated(const struct smig_fwtexts *fw, const struct smig_inv_fwrule *r,
                               char *why, size_t whylen);
/* smig_migrate_ps1() with the rules' text (NULL: none, as smig_migrate_ps1()). */
char *smig_migrate_ps1_fw(const struct smig_plan *p, const struct smig_fwtexts *fw, size_t *len,
                          struct smig_err *e);

/*
 * The parameters migrate.ps1 takes for values only the administrator knows: one
 * "Adapter_<name>" per external network of the source (the destination adapter to bind) and
 * one "Disk_<vm>_<slot>" per pass-through disk of a selected VM (the destination disk number).
 * Names are ASCII identifiers made from the hostile names (other characters become '_'),
 * unique without regard to case. NULL where the plan item has no parameter.
 */
struct smig_migrate_params {
	char **adapter;  /* parallel to plan->switches */
	char ***disk;    /* parallel to plan->vms, each parallel to the VM's src->drives */
	size_t *ndrives; /* parallel to plan->vms: the length of disk[i] (0: no array) */
	size_t nswitches, nvms;
};

int smig_migrate_params_build(const struct smig_plan *p, struct smig_migrate_params *out,
                              struct smig_err *e);
void smig_migrate_params_release(struct smig_migrate_params *m);

/* ---- PowerShell text (shared with manualsteps.c) ---- */

/* A PowerShell single-quoted string literal for `s` ('' doubles embedded quotes; the
 * typographic quotes U+2018-U+201B are doubled too, since PowerShell treats them as quotes).
 * Invalid UTF-8 is refused (SMIG_ERR_FORMAT). */
char *smig_ps_quote(const char *s, struct smig_err *e);
/* Append `s` as smig_ps_quote() does; -1 (nothing appended) when it is not valid UTF-8. */
int smig_ps_put_quoted(struct smig_strbuf *sb, const char *s);
/* Append `s` as a PowerShell expression with no line break in it: a literal, or when `s` holds
 * control characters (C0, DEL, C1, U+2028/2029) a parenthesised concatenation of literals
 * and [char]0xNN. -1 when `s` is not valid UTF-8. */
int smig_ps_put_value(struct smig_strbuf *sb, const char *s);

/* A VM drive slot as vmconfig writes it ("IDE 0:1", "SCSI 0:12", "Floppy 0:0"). */
enum smig_slot_type { SMIG_SLOT_NONE, SMIG_SLOT_IDE, SMIG_SLOT_SCSI, SMIG_SLOT_FLOPPY };
/* SMIG_SLOT_NONE when malformed or outside Hyper-V's ranges (IDE 0-1:0-1, SCSI 0-3:0-63,
 * Floppy 0:0-1). */
enum smig_slot_type smig_slot_parse(const char *slot, unsigned *ctl, unsigned *loc);

#endif
