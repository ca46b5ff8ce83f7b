/*
 * preflight.h - the compatibility report of smig-import (docs/reference.md "Blockers" and
 * "Warnings"): every SMIG1001-1013 and SMIG2001-2010 check evaluated for a plan against the source
 * model (plan->src, from the archive) and the destination as read (plan->dst). Pure computation:
 * nothing is read from disk and nothing is written.
 *
 * Output: items appended to a caller-owned list (problem.h; the caller releases it). The
 * plan's own placement items (plan->items: SMIG1004, SMIG1011, path collisions) come first,
 * then the checks in id order. A check that finds nothing adds one `pass` item saying what it
 * checked; a check that cannot run for lack of a fact adds a `warning` with its id saying so
 * ("could not check"). Blockers keep SMIG_SEV_BLOCKER even with --force: apply proceeds past
 * those --force can lift, never past the others (smig_preflight_hard_blockers); blockers are
 * listed first, the most fundamental first (the operating systems, then clustering, chains,
 * placement and space, then the per-VM ones). Only VMs with plan->vms[i].selected take part.
 *
 * Rules and their assumptions:
 *   1001  virtual processors > destination logical processors (NUMBER_OF_PROCESSORS).
 *   1002  startup memory (memory_mb; for dynamic memory the startup value) > destination
 *         physical memory (systeminfo or --memory-mb).
 *   1003  saved state of the VM or of any of its snapshots. With --discard-saved-state an
 *         `info` item says it is dropped (the SMIG3010 manual step is the report's, not ours).
 *   1004  plan->volumes with need > avail, subject "volume:X:" (unless the plan already
 *         reported that volume).
 *   1005  plan->vms[i].exists (cleared by --new-id, which gives the VM an ID that is free).
 *   1006  source os.supported_source false (formats.md A39).
 *   1007  destination not 6.2 (is_2012) or without the Hyper-V role (inventory `hyperv`).
 *   1008  InstallLanguage or Default LANGID differ, compared only where both hosts know the
 *         value (formats.md §3.3); when neither pair is known the pass item says so.
 *   1009  properties/highly_available.
 *   1010  a differencing disk with no parent (parent -1), a parent index out of range, a
 *         parent whose unique id is not the child's parent id, or an inventory problem with id
 *         SMIG1010 recorded against the VM or one of its snapshots (vmscan: a chain that could
 *         not be opened; the disks of such a chain are absent from the model).
 *   1011  produced by the plan only (copied from plan->items).
 *   2001  source and destination PROCESSOR_IDENTIFIER differ in vendor, family, model or
 *         stepping, and the VM keeps saved state (its own or a snapshot's; so not with
 *         --discard-saved-state) saved with processor compatibility off in the source's
 *         configuration (--set-processor-compatibility changes the configuration, not a state
 *         already saved, so it does not lift this; only dropping the state does, which also
 *         lifts SMIG1003). Unparseable identifiers: could not check.
 *   2002  ASSUMPTION: the model has no automatic start action, so every VM counts as
 *         automatically started: the selected VMs plus the destination's own VMs (except
 *         those a selected VM replaces, same ID), against destination memory.
 *   2003  destination adapters that are physical and not host vNICs < source external
 *         virtual networks.
 *   2004  a static MAC of a selected VM equal to another MAC of a selected VM or of a VM on
 *         the destination, or inside the destination's dynamic range as read (not compared
 *         when the destination has no range in its registry).
 *   2005  the source range overlaps the destination's, or contains a MAC of a destination VM.
 *   2006  a --map-mac pair whose first IPv4 address/mask give different networks (pairs
 *         without a static IPv4 address on both sides are not compared).
 *   2007  the model knows one other role only: a domain controller (ProductType LanmanNT).
 *         Roles found from services or features are not in the inventory; the pass says so.
 *   2008  configuration version not one smig knows: as vmconfig.c, 256-1280 in steps of 256.
 *   2009  the authorization store is in Active Directory, or its file is not
 *         SMIG_HYPERV_STORE_WIN (compared case-insensitively).
 *   2010  several sources onto one destination (priorapply.h): an `info` item per earlier
 *         apply the destination holds, and a warning per selected VM whose name a
 *         destination VM (registered, or placed by an earlier apply) already has.
 * Destination VMs and networks placed by an earlier apply (placed_by set) take part in 1005,
 * 1012, 2002, 2004 and 2005 like registered ones; 2004 also compares dynamic MACs with the
 * destination's VMs' (a dynamic address is kept in the configuration).
 */
#ifndef SMIG_PREFLIGHT_H
#define SMIG_PREFLIGHT_H

#include <stddef.h>

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "importplan.h"
#include "problem.h"

/* Evaluate every blocker (SMIG1001-1013) and warning (SMIG2001-2010) of docs/reference.md for the
 * plan `p` against p->src (the archive's source model) and p->dst (the destination as read).
 * Appends items to `out`: each names its subject ("vm:web01", "switch:External LAN", "host",
 * "volume:D:") and says what to do (action text; for blockers the option or change that clears it).
 * Copies p->items (placement problems found while planning) first. Adds one `pass` item per check
 * that found nothing, so the report shows what was checked. Unselected VMs (p->vms[i].selected
 * false) are ignored. Writes nothing anywhere. Returns 0, or -1 on ENOMEM or a plan without src/dst
 * (items added so far stay in `out`). */
int smig_preflight(const struct smig_plan *p, struct smig_problems *out, struct smig_err *e);
/* Blockers in `items` that --force/options did not clear (severity SMIG_SEV_BLOCKER). */
size_t smig_preflight_blockers(const struct smig_problems *items);
/*
 * Blockers that --force cannot lift, because proceeding would give a wrong or broken result:
 * the destination is not 2012 with Hyper-V (1007), the source is not a supported one (1006),
 * a clustered VM (1009), a broken differencing chain (1010), a file with no place or two files
 * on one place (1011), not enough free space (1004). The others are the admin's call (1001,
 * 1002, 1008 with --force; 1003 with --discard-saved-state; 1005 with --new-id).
 */
size_t smig_preflight_hard_blockers(const struct smig_problems *items);
/* Whether a blocker id is one --force can lift. */
bool smig_preflight_forceable(const char *id);

#endif
