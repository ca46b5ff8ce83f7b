/* manualsteps.c - the SMIG3xxx manual steps of a plan (see manualsteps.h). */
#include "manualsteps.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "migrateps.h"
#include "strbuf.h"
#include "winval.h"

/* ---- building one step ---- */

struct step {
	struct smig_strbuf subject, msg, action, ps;
	struct smig_err *e;
};

static void step_init(struct step *st, struct smig_err *e)
{
	memset(st, 0, sizeof(*st));
	st->e = e;
}

static void step_release(struct step *st)
{
	smig_strbuf_release(&st->subject);
	smig_strbuf_release(&st->msg);
	smig_strbuf_release(&st->action);
	smig_strbuf_release(&st->ps);
}

/* Add the step to `out` and release it. */
static int step_add(struct smig_problems *out, const char *id, struct step *st)
{
	int rc = 0;

	if ((smig_strbuf_check(&st->subject, st->e) < 0 || smig_strbuf_check(&st->msg, st->e) < 0 ||
	     smig_strbuf_check(&st->action, st->e) < 0 || smig_strbuf_check(&st->ps, st->e) < 0))
		rc = -1;
	if (rc == 0)
		rc = smig_problems_add(out, id, SMIG_SEV_MANUAL, smig_strbuf_cstr(&st->subject),
		                       st->action.len ? smig_strbuf_cstr(&st->action) : NULL,
		                       st->ps.len ? smig_strbuf_cstr(&st->ps) : NULL, st->e, "%s",
		                       smig_strbuf_cstr(&st->msg));
	step_release(st);
	return rc;
}

/* A GUID string in its canonical upper-case form (the VM account name); false when `s` is not
 * a GUID. */
static bool guid_upper(const char *s, char buf[SMIG_GUID_BUFSZ])
{
	struct smig_guid g;

	if (s == NULL || !smig_guid_parse(s, &g))
		return false;
	smig_guid_format(&g, SMIG_GUID_UPPER, buf);
	return true;
}

static const char *vm_name(const struct smig_plan_vm *v)
{
	return v->src->name ? v->src->name : v->src->id ? v->src->id : "?";
}

/* The destination id of a selected VM, canonical; a plan without one is a caller error. */
static int vm_guid(const struct smig_plan_vm *v, char buf[SMIG_GUID_BUFSZ], struct smig_err *e)
{
	if (!guid_upper(v->id, buf))
		return smig_err_set(e, SMIG_ERR_USAGE,
		                    _("VM '%s': the plan's destination id '%s' is not a GUID"),
		                    vm_name(v), v->id ? v->id : "");
	return 0;
}

/* ---- the steps ---- */

static bool nic_bound_by_plan(const struct smig_plan *p, const struct smig_inv_nic *n)
{
	size_t i;

	for (i = 0; i < p->nswitches; i++)
		if (p->switches[i].bind_nic == n)
			return true;
	return false;
}

static void put_nic(struct smig_strbuf *sb, const struct smig_inv_nic *n)
{
	char mac[18];
	const char *name = n->connection_name ? n->connection_name : n->guid;

	/* TRANSLATORS: a network adapter's name */
	smig_strbuf_printf(sb, _("'%s'"), name ? name : "?");
	if (n->description == NULL && !n->has_mac)
		return;
	smig_strbuf_puts(sb, " (");
	if (n->description)
		smig_strbuf_printf(sb, "%s%s", n->description, n->has_mac ? ", " : "");
	if (n->has_mac) {
		smig_mac_format(&n->mac, mac);
		smig_strbuf_printf(sb, "MAC %s", mac);
	}
	smig_strbuf_putc(sb, ')');
}

/* SMIG3001: external networks recreated as internal (no --bind-switch). */
static int steps_switches(const struct smig_plan *p, const struct smig_migrate_params *prm,
                          struct smig_problems *out, struct smig_err *e)
{
	size_t i, j, ncand;
	struct step st;

	for (i = 0; i < p->nswitches; i++) {
		const struct smig_plan_switch *ps = &p->switches[i];
		const struct smig_inv_nic *src_nic;
		const char *name = ps->src->name ? ps->src->name : ps->src->guid;

		if (!ps->downgraded)
			continue;
		step_init(&st, e);
		smig_strbuf_printf(&st.subject, "switch:%s", name);
		smig_strbuf_printf(
		    &st.msg,
		    _("the external network '%s' has no destination adapter "
		      "(--bind-switch): migrate.ps1 creates it as an internal network "
		      "unless it is given one; on the source it was bound to "),
		    name);
		src_nic = smig_inventory_find_nic(p->src, ps->src->external_nic);
		if (src_nic != NULL)
			put_nic(&st.msg, src_nic);
		else
			smig_strbuf_printf(&st.msg,
			                   _("adapter %s, which the source's adapter list "
			                     "does not have"),
			                   ps->src->external_nic ? ps->src->external_nic
			                                         : _("(none recorded)"));
		smig_strbuf_puts(&st.action, _("bind it to a physical adapter of the destination"));
		for (j = 0, ncand = 0; p->dst && j < p->dst->nnics; j++) {
			const struct smig_inv_nic *n = &p->dst->nics[j];

			if (!n->physical || n->host_vnic || nic_bound_by_plan(p, n))
				continue;
			smig_strbuf_puts(&st.action, ncand++ ? ", " : _("; candidates: "));
			put_nic(&st.action, n);
		}
		if (ncand == 0)
			smig_strbuf_puts(&st.action, _("; the destination has no free physical "
			                               "adapter: add one first"));
		/* TRANSLATORS: the separator of two sentences of an action */
		smig_strbuf_printf(
		    &st.action, _("; %s"),
		    ps->src_host_vnic
		        ? _("the management OS keeps its adapter on the network, as on the "
		            "source")
		        : _("the management OS gets no adapter on it, as on the source"));
		smig_strbuf_printf(&st.action,
		                   _("; migrate.ps1 does this when you give it the adapter "
		                     "(-%s; run it again to bind a network it made internal)"),
		                   prm->adapter[i] ? prm->adapter[i] : "?");
		if (prm->adapter[i])
			smig_strbuf_printf(&st.ps, ".\\migrate.ps1 -%s '%s'", prm->adapter[i],
			                   /* TRANSLATORS: a placeholder in a command line */
			                   _("<destination adapter>"));
		if (step_add(out, "SMIG3001", &st) < 0)
			return -1;
	}
	return 0;
}

/* SMIG3002: a pass-through disk (its disk number on the destination is the admin's choice). */
static void drive_passthrough(struct step *st, const struct smig_plan_vm *v,
                              const struct smig_inv_drive *d, const char *prm)
{
	const char *slot = d->slot ? d->slot : "?";

	smig_strbuf_printf(&st->msg,
	                   _("the pass-through disk at %s of VM '%s' (source disk '%s') was not "
	                     "migrated: a physical disk does not travel in an archive"),
	                   slot, vm_name(v), d->pathname ? d->pathname : "");
	smig_strbuf_puts(
	    &st->action,
	    _("present the disk (the LUN) to the destination and keep it Offline on the "
	      "host (Set-Disk -Number N -IsOffline $true)"));
	if (prm == NULL) {
		smig_strbuf_puts(&st->action,
		                 _("; its slot is not one Hyper-V has: attach it by hand"));
		return;
	}
	smig_strbuf_printf(&st->action,
	                   _("; migrate.ps1 does this when you give it the number Get-Disk shows: "
	                     "-%s N"),
	                   prm);
	smig_strbuf_printf(&st->ps, ".\\migrate.ps1 -%s %s", prm,
	                   /* TRANSLATORS: a placeholder in a command line */
	                   _("<disk number>"));
}

/* SMIG3003/3004: an ISO or VFD file, reattached by migrate.ps1 from the same path. */
static void drive_media(struct step *st, const struct smig_plan_vm *v,
                        const struct smig_inv_drive *d)
{
	bool iso = d->kind == SMIG_INV_DRIVE_ISO;

	smig_strbuf_printf(&st->msg,
	                   iso ? _("the ISO image '%s' in %s of VM '%s' was not migrated: the "
	                           "drive was left empty")
	                       : _("the virtual floppy disk '%s' in %s of VM '%s' was not "
	                           "migrated: the drive was left empty"),
	                   d->pathname ? d->pathname : "", d->slot ? d->slot : "?", vm_name(v));
	smig_strbuf_puts(
	    &st->action,
	    _("copy the file to the destination at the same path; migrate.ps1 does the "
	      "rest: it reattaches the file when it is there (run it again after "
	      "copying)"));
}

/* SMIG3002-3004: drives the import emptied, of one kind, by VM then slot. */
static int steps_drives(const struct smig_plan *p, const struct smig_migrate_params *prm,
                        enum smig_drive_kind_inv kind, struct smig_problems *out,
                        struct smig_err *e)
{
	const char *id = kind == SMIG_INV_DRIVE_PASSTHROUGH ? "SMIG3002"
	                 : kind == SMIG_INV_DRIVE_ISO       ? "SMIG3003"
	                                                    : "SMIG3004";
	size_t i, j;
	char guid[SMIG_GUID_BUFSZ];
	struct step st;

	for (i = 0; i < p->nvms; i++) {
		const struct smig_plan_vm *v = &p->vms[i];

		if (!v->selected || v->drive_emptied == NULL)
			continue;
		for (j = 0; j < v->src->ndrives; j++) {
			const struct smig_inv_drive *d = &v->src->drives[j];

			if (!v->drive_emptied[j] || d->kind != kind)
				continue;
			/* placed by apply --copy-media: migrate.ps1 attaches it, nothing left */
			if (kind != SMIG_INV_DRIVE_PASSTHROUGH && smig_plan_media(v, d->pathname))
				continue;
			if (vm_guid(v, guid, e) < 0)
				return -1;
			step_init(&st, e);
			smig_strbuf_printf(&st.subject, "vm:%s/drive:%s", vm_name(v),
			                   d->slot ? d->slot : "?");
			if (kind == SMIG_INV_DRIVE_PASSTHROUGH)
				drive_passthrough(&st, v, d,
				                  prm->disk[i] && j < prm->ndrives[i] ? prm->disk[i][j]
				                                                      : NULL);
			else
				drive_media(&st, v, d);
			if (step_add(out, id, &st) < 0)
				return -1;
		}
	}
	return 0;
}

/* SMIG3009: the VM account's access to its files (copied files carry no entry for it). */
static int steps_access(const struct smig_plan *p, struct smig_problems *out, struct smig_err *e)
{
	size_t i;
	char guid[SMIG_GUID_BUFSZ];
	struct step st;

	for (i = 0; i < p->nvms; i++) {
		const struct smig_plan_vm *v = &p->vms[i];

		if (!v->selected)
			continue;
		if (vm_guid(v, guid, e) < 0)
			return -1;
		step_init(&st, e);
		smig_strbuf_printf(&st.subject, "vm:%s", vm_name(v));
		smig_strbuf_printf(
		    &st.msg,
		    _("the files of VM '%s' were copied without their permissions: its "
		      "account 'NT VIRTUAL MACHINE\\%s' must have access to its "
		      "configuration, its folder and its disks"),
		    vm_name(v), guid);
		smig_strbuf_puts(
		    &st.action,
		    _("migrate.ps1 does this: after Import-VM it grants the account full "
		      "control (icacls) where it has no entry yet, and logs a manual item "
		      "for a path icacls cannot take safely"));
		if (step_add(out, "SMIG3009", &st) < 0)
			return -1;
	}
	return 0;
}

/* SMIG3005: user-defined Hyper-V firewall rules. Built-in rules are not compared with their
 * defaults (the model keeps no default text), so only rules a user made are listed. migrate.ps1
 * recreates a rule whose text the archive carries and whose every field has a 2012 parameter;
 * the step says so, and only a rule it cannot recreate is left for the administrator. */
static int steps_firewall(const struct smig_plan *p, const struct smig_fwtexts *fw,
                          struct smig_problems *out, struct smig_err *e)
{
	size_t i;
	struct step st;
	char why[256];

	for (i = 0; i < p->src->nfwrules; i++) {
		const struct smig_inv_fwrule *r = &p->src->fwrules[i];
		const char *what = r->description ? r->description : r->id ? r->id : "?";

		if (!r->hyperv || !r->user_defined)
			continue;
		step_init(&st, e);
		smig_strbuf_printf(&st.subject, "firewall:%s", r->id ? r->id : "?");
		if (smig_migrate_fw_recreated(fw, r, why, sizeof(why))) {
			smig_strbuf_printf(&st.msg,
			                   _("the source has a firewall rule made for Hyper-V by a "
			                     "user or a policy: %s"),
			                   what);
			smig_strbuf_puts(
			    &st.action,
			    _("migrate.ps1 does this: it recreates the rule with "
			      "New-NetFirewallRule from its text in the archive (left as "
			      "it is when this host has a rule of that name); if a policy "
			      "made it on the source, make it in the destination's policy "
			      "too"));
		} else {
			smig_strbuf_printf(
			    &st.msg,
			    _("the source has a firewall rule made for Hyper-V by a "
			      "user or a policy, which migrate.ps1 cannot recreate (%s): "
			      "%s"),
			    why, what);
			smig_strbuf_puts(
			    &st.action,
			    _("recreate it on the destination with New-NetFirewallRule (or in a "
			      "policy); read the full rule (remote addresses, program path) on the "
			      "source with 'netsh advfirewall firewall show rule name=all "
			      "verbose'; "
			      "migrate.ps1 logs it as a manual item"));
		}
		if (step_add(out, "SMIG3005", &st) < 0)
			return -1;
	}
	return 0;
}

/* SMIG3006: the DCOM machine launch restriction. */
static int steps_dcom(const struct smig_plan *p, struct smig_problems *out, struct smig_err *e)
{
	const struct smig_inv_dcom *d = &p->src->dcom;
	struct step st;
	size_t i;

	if (!d->customised)
		return 0;
	step_init(&st, e);
	smig_strbuf_puts(&st.subject, "dcom");
	smig_strbuf_printf(&st.msg,
	                   _("the DCOM machine launch restriction was customised on the "
	                     "source: %s"),
	                   d->sddl ? d->sddl : _("(its SDDL could not be formed)"));
	smig_strbuf_puts(&st.action, _("reapply it on the destination"));
	for (i = 0; d->aces && d->aces[i]; i++)
		smig_strbuf_printf(&st.action, "%s%s", i ? "; " : " (", d->aces[i]);
	if (i)
		smig_strbuf_putc(&st.action, ')');
	smig_strbuf_puts(&st.action,
	                 _("; a local account's SID of the source means nothing on the "
	                   "destination: check each entry; migrate.ps1 does this: it saves "
	                   "HKLM\\SOFTWARE\\Microsoft\\Ole to ole-before-<time>.reg in the report "
	                   "folder (reg import restores it), then sets MachineLaunchRestriction"));
	return step_add(out, "SMIG3006", &st);
}

/* SMIG3007: WMI namespace security lives in the WMI repository, not in a hive. */
static int steps_wmi(struct smig_problems *out, struct smig_err *e)
{
	struct step st;

	step_init(&st, e);
	smig_strbuf_puts(&st.subject, "wmi:root\\virtualization");
	smig_strbuf_puts(&st.msg, _("the security of the WMI namespace root\\virtualization is "
	                            "kept in the WMI repository, which smig cannot read offline"));
	smig_strbuf_puts(
	    &st.action,
	    _("if it was changed on the source (wmimgmt.msc, WMI Control, "
	      "Properties, Security, Root\\virtualization), make the same change on the "
	      "destination to root\\virtualization and root\\virtualization\\v2"));
	return step_add(out, "SMIG3007", &st);
}

/* SMIG3008: an authorization store in Active Directory. */
static int steps_azman(const struct smig_plan *p, struct smig_problems *out, struct smig_err *e)
{
	const char *url = p->src->host.store_location;
	struct step st;

	if (!p->src->azman.ad_store)
		return 0;
	step_init(&st, e);
	smig_strbuf_puts(&st.subject, "azman");
	smig_strbuf_printf(&st.msg,
	                   _("the Hyper-V authorization store lives in Active Directory "
	                     "(%s): it is not copied"),
	                   url ? url : _("location not recorded"));
	smig_strbuf_puts(
	    &st.action,
	    _("make sure the destination's computer account may read the store; "
	      "migrate.ps1 does the rest: it points StoreLocation at the same store and "
	      "restarts the Hyper-V Virtual Machine Management service, which reads the "
	      "location when it starts"));
	return step_add(out, "SMIG3008", &st);
}

static bool snapshots_saved(const struct smig_inv_vm *vm)
{
	for (size_t k = 0; k < vm->nsnapshots; k++)
		if (vm->snapshots[k].saved_state)
			return true;
	return false;
}

/* SMIG3010: saved state dropped by --discard-saved-state: the VM's own (it cold boots) or
 * only its snapshots' (the VM starts as before; those snapshots, applied, cold boot). */
static int steps_saved_state(const struct smig_plan *p, struct smig_problems *out,
                             struct smig_err *e)
{
	size_t i;
	struct step st;

	for (i = 0; i < p->nvms; i++) {
		const struct smig_plan_vm *v = &p->vms[i];

		if (!v->selected || !v->saved_state_dropped)
			continue;
		step_init(&st, e);
		smig_strbuf_printf(&st.subject, "vm:%s", vm_name(v));
		if (v->src->saved_state)
			smig_strbuf_printf(&st.msg,
			                   snapshots_saved(v->src)
			                       ? _("saved state of VM '%s' was discarded "
			                           "(--discard-saved-state): it will cold boot, as "
			                           "after a power loss, and so will its snapshots "
			                           "that had saved state when applied")
			                       : _("saved state of VM '%s' was discarded "
			                           "(--discard-saved-state): it will cold boot, as "
			                           "after a power loss"),
			                   vm_name(v));
		else
			smig_strbuf_printf(
			    &st.msg,
			    _("saved state of VM '%s''s snapshots was discarded "
			      "(--discard-saved-state): the VM itself was not saved and "
			      "starts as before; applying such a snapshot leaves the VM "
			      "off, to cold boot from it as after a power loss"),
			    vm_name(v));
		smig_strbuf_puts(&st.action,
		                 v->src->saved_state
		                     ? _("start it when you are ready for the guest to check "
		                         "its disks; work it had not written to disk is lost")
		                     : _("nothing to do unless you apply one of those snapshots: "
		                         "the work it had not written to disk is lost"));
		if (step_add(out, "SMIG3010", &st) < 0)
			return -1;
	}
	return 0;
}

/* SMIG3013: a storage archive's disks, placed for no VM. */
static int steps_storage(const struct smig_plan *p, struct smig_problems *out,
                         struct smig_err *e)
{
	size_t i, j, n;
	struct step st;

	for (i = 0; p->storage_only && i < p->nvms; i++) {
		const struct smig_plan_vm *v = &p->vms[i];

		if (!v->selected)
			continue;
		step_init(&st, e);
		smig_strbuf_printf(&st.subject, "vm:%s", vm_name(v));
		smig_strbuf_printf(&st.msg,
		                   _("the archive carries only the disks of VM '%s' (--type "
		                     "storage): apply placed them at "),
		                   vm_name(v));
		for (j = 0, n = 0; j < v->ndisks; j++)
			if (v->disks[j].winpath)
				smig_strbuf_printf(&st.msg, "%s'%s'", n++ ? ", " : "",
				                   v->disks[j].winpath);
		if (n == 0)
			smig_strbuf_puts(&st.msg, _("(no path)"));
		smig_strbuf_puts(&st.msg, _("; no VM is registered"));
		smig_strbuf_puts(&st.action,
		                 _("import the VM's configuration from an archive exported with "
		                   "--type config, with --map-path pointing its disks here (its "
		                   "preflight checks they are), or attach the disks to a VM "
		                   "(Add-VMHardDiskDrive)"));
		if (step_add(out, "SMIG3013", &st) < 0)
			return -1;
	}
	return 0;
}

/* SMIG3011 and SMIG3012: the source; 3012 (remove Hyper-V from it) only when the whole host
 * moves: an archive of some VMs leaves the others running there. */
static int steps_source(const struct smig_plan *p, struct smig_problems *out, struct smig_err *e)
{
	const char *host = p->src->os.computer_name ? p->src->os.computer_name : "the source";
	const char *ver = p->src->os.current_version;
	struct step st;

	step_init(&st, e);
	smig_strbuf_printf(&st.subject, "source:%s", host);
	smig_strbuf_printf(&st.msg,
	                   _("the source host '%s' still has the VMs, with the same IDs "
	                     "and MAC addresses"),
	                   host);
	smig_strbuf_puts(&st.action, _("turn the source off or take it off the network before you "
	                               "run migrate.ps1 and start the migrated VMs; migrate.ps1 "
	                               "checks that its addresses do not answer (-SourceIsOff "
	                               "skips the check)"));
	if (step_add(out, "SMIG3011", &st) < 0)
		return -1;
	if (p->vms_only)
		return 0;

	step_init(&st, e);
	smig_strbuf_printf(&st.subject, "source:%s", host);
	smig_strbuf_printf(&st.msg,
	                   _("the Hyper-V role is still installed on the source host "
	                     "'%s'"),
	                   host);
	smig_strbuf_puts(&st.action, _("after you have verified the migration, run the command on "
	                               "the SOURCE host (not on the destination) and restart it"));
	/* Windows Server 2008 (6.0) has no ServerManager module; 2008 R2 has no
	 * Uninstall-WindowsFeature (2012 and later) but Remove-WindowsFeature. */
	if (ver && strcmp(ver, "6.0") == 0)
		smig_strbuf_puts(&st.ps, "ServerManagerCmd.exe -remove Hyper-V");
	else
		smig_strbuf_puts(&st.ps, "Import-Module ServerManager\n"
		                         "Remove-WindowsFeature -Name Hyper-V");
	return step_add(out, "SMIG3012", &st);
}

int smig_manual_steps(const struct smig_plan *p, struct smig_problems *out, struct smig_err *e)
{
	return smig_manual_steps_fw(p, NULL, out, e);
}

int smig_manual_steps_fw(const struct smig_plan *p, const struct smig_fwtexts *fw,
                         struct smig_problems *out, struct smig_err *e)
{
	/* host-wide steps belong to a whole-host import; the VM steps to VMs it registers */
	bool host = !p->vms_only, vms = !p->storage_only;
	struct smig_migrate_params prm = {0};
	int rc = -1;

	if (p == NULL || p->src == NULL)
		return smig_err_set(e, SMIG_ERR_USAGE,
		                    _("manual steps need a plan with its source"));
	if (smig_migrate_params_build(p, &prm, e) < 0)
		return -1;
	if (steps_switches(p, &prm, out, e) < 0 ||
	    (vms && steps_drives(p, &prm, SMIG_INV_DRIVE_PASSTHROUGH, out, e) < 0) ||
	    (vms && steps_drives(p, &prm, SMIG_INV_DRIVE_ISO, out, e) < 0) ||
	    (vms && steps_drives(p, &prm, SMIG_INV_DRIVE_VFD, out, e) < 0) ||
	    (vms && steps_access(p, out, e) < 0) || steps_storage(p, out, e) < 0 ||
	    (host && steps_firewall(p, fw, out, e) < 0) || (host && steps_dcom(p, out, e) < 0) ||
	    (host && steps_wmi(out, e) < 0) || (host && steps_azman(p, out, e) < 0) ||
	    (vms && steps_saved_state(p, out, e) < 0) || steps_source(p, out, e) < 0)
		goto done;
	rc = 0;
done:
	smig_migrate_params_release(&prm);
	return rc;
}

int smig_manual_step_kept_store(const struct smig_plan *p, char *const *diffs, size_t total,
				const char *why, const char *source_copy, struct smig_problems *out,
				struct smig_err *e)
{
	const char *dpath = p->dst->azman.path ? p->dst->azman.path : "?";
	struct step st;
	size_t i;

	if (!p->kept_store_member || (diffs == NULL && total == 0 && why == NULL))
		return 0;  /* kept, and the same as the source's: nothing to do */
	step_init(&st, e);
	smig_strbuf_puts(&st.subject, "azman");
	if (why)
		smig_strbuf_printf(&st.msg,
		                   _("the destination's authorization store '%s' is "
		                     "customised and was kept; it could not be compared with the "
		                     "source's here: %s"),
		                   dpath, why);
	else
		smig_strbuf_printf(
		    &st.msg,
		    P_("the destination's authorization store '%s' is customised and "
		       "was kept; the source's differs from it in %zu way:",
		       "the destination's authorization store '%s' is customised and "
		       "was kept; the source's differs from it in %zu ways:",
		       total),
		    dpath, total);
	for (i = 0; diffs && diffs[i]; i++)
		smig_strbuf_printf(&st.msg, " (%zu) %s;", i + 1, diffs[i]);
	if (diffs && i < total)
		smig_strbuf_printf(&st.msg, _(" and %zu more"), total - i);
	if (source_copy)
		smig_strbuf_printf(
		    &st.action,
		    _("make the role assignments the source's VMs need in the "
		      "destination's store (Authorization Manager, azman.msc), comparing "
		      "with the source's store (copied to '%s'); or use the source's "
		      "store instead: roll this apply back and apply again with --force "
		      "(migrate.ps1 then backs up the destination's store before "
		      "replacing it)"),
		    source_copy);
	else
		smig_strbuf_puts(
		    &st.action,
		    _("make the role assignments the source's VMs need in the "
		      "destination's store (Authorization Manager, azman.msc), comparing "
		      "with the source's store; or use the source's store instead: roll "
		      "this apply back and apply again with --force (migrate.ps1 then backs "
		      "up the destination's store before replacing it)"));
	return step_add(out, "SMIG3014", &st);
}
