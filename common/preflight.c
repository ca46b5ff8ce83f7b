/* preflight.c - the SMIG1xxx/2xxx compatibility checks of an import plan (see preflight.h). */
#include "preflight.h"
#include "report.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "regmap.h"
#include "winval.h"

/* Everything one evaluation needs; `start` is where this call's items begin in `out`. */
struct pf {
	const struct smig_plan *p;
	const struct smig_inventory *src, *dst;
	const struct smig_import_opts *o;
	struct smig_problems *out;
	size_t start;
	struct smig_err *e;
};

static const struct smig_import_opts no_opts;

#define SEV_B SMIG_SEV_BLOCKER
#define SEV_W SMIG_SEV_WARNING

/* ---- items ---- */

static int item_v(struct pf *c, const char *id, enum smig_severity sev, const char *subject,
		  const char *action, const char *fmt, va_list ap) SMIG_PRINTF(6, 0);
static int item_v(struct pf *c, const char *id, enum smig_severity sev, const char *subject,
		  const char *action, const char *fmt, va_list ap)
{
	return smig_problems_vadd(c->out, id, sev, subject, action, NULL, c->e, fmt, ap);
}

static int item(struct pf *c, const char *id, enum smig_severity sev, const char *subject,
		const char *action, const char *fmt, ...) SMIG_PRINTF(6, 7);
static int item(struct pf *c, const char *id, enum smig_severity sev, const char *subject,
		const char *action, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = item_v(c, id, sev, subject, action, fmt, ap);
	va_end(ap);
	return rc;
}

static const char *vm_name(const struct smig_inv_vm *vm)
{
	return vm->name ? vm->name : vm->id ? vm->id : "?";
}

/* An item about VM `vm` (subject "vm:<name>", or "vm:<name>/<sub>" when `sub` is set). */
static int vm_item(struct pf *c, const char *id, enum smig_severity sev,
		   const struct smig_inv_vm *vm, const char *sub, const char *action,
		   const char *fmt, ...) SMIG_PRINTF(7, 8);
static int vm_item(struct pf *c, const char *id, enum smig_severity sev,
		   const struct smig_inv_vm *vm, const char *sub, const char *action,
		   const char *fmt, ...)
{
	char *subject = sub ? smig_asprintf(c->e, "vm:%s/%s", vm_name(vm), sub)
			    : smig_asprintf(c->e, "vm:%s", vm_name(vm));
	va_list ap;
	int rc;

	if (subject == NULL)
		return -1;
	va_start(ap, fmt);
	rc = item_v(c, id, sev, subject, action, fmt, ap);
	va_end(ap);
	free(subject);
	return rc;
}

/* Whether this call already added an item `id` (about `subject`, when not NULL). */
static bool has_item(const struct pf *c, const char *id, const char *subject)
{
	size_t i;

	for (i = c->start; i < c->out->count; i++) {
		const struct smig_problem *it = &c->out->items[i];
		if (strcmp(it->id, id) == 0 &&
		    (subject == NULL || strcmp(it->subject, subject) == 0))
			return true;
	}
	return false;
}

/* ---- values ---- */

/* The source VM `i` when the plan carries it (its files, disks only for a storage archive),
 * or NULL. */
static const struct smig_inv_vm *carried(const struct pf *c, size_t i)
{
	const struct smig_plan_vm *pv = &c->p->vms[i];

	if (!pv->selected)
		return NULL;
	if (pv->src)
		return pv->src;
	return i < c->src->nvms ? &c->src->vms[i] : NULL;
}

/* The selected source VM `i`, which migrate.ps1 registers, or NULL (a storage archive
 * registers none: what a VM needs to run is not checked). */
static const struct smig_inv_vm *selected(const struct pf *c, size_t i)
{
	return c->p->storage_only ? NULL : carried(c, i);
}

static uint64_t mb_of(int64_t v)
{
	return v > 0 ? (uint64_t)v : 0;
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static bool vm_has_state(const struct smig_inv_vm *vm)
{
	size_t k;

	if (vm->saved_state)
		return true;
	for (k = 0; k < vm->nsnapshots; k++)
		if (vm->snapshots[k].saved_state)
			return true;
	return false;
}

/* Whether destination VM `dvm` is the one a selected plan VM replaces (same ID). */
static bool dst_vm_replaced(const struct pf *c, const struct smig_inv_vm *dvm)
{
	size_t i;

	for (i = 0; dvm->id && i < c->p->nvms; i++) {
		const char *id = c->p->vms[i].id;
		if (selected(c, i) && id && smig_guid_str_equal(id, dvm->id))
			return true;
	}
	return false;
}

/* ---- blockers ---- */

static int check_cpu(struct pf *c)
{
	unsigned lp = c->dst->os.logical_processors;
	size_t i, n = 0;

	if (lp == 0)
		return item(c, "SMIG1001", SEV_W, "host",
			    _("check that no VM has more virtual processors than the destination has logical processors"),
			    _("could not check virtual processors: the destination's logical processor count is unknown"));
	for (i = 0; i < c->p->nvms; i++) {
		const struct smig_inv_vm *vm = selected(c, i);
		if (vm == NULL || vm->cpu_count <= (int64_t)lp)
			continue;
		n++;
		if (vm_item(c, "SMIG1001", SEV_B, vm, NULL,
			    _("reduce its virtual processors on the source and export again, or leave it out (--vm)"),
			    _("%s has %lld virtual processors but the destination has %u logical processors"),
			    vm_name(vm), (long long)vm->cpu_count, lp) < 0)
			return -1;
	}
	if (n)
		return 0;
	return item(c, "SMIG1001", SMIG_SEV_PASS, "host", NULL,
		    _("every selected VM's virtual processors fit the destination's %u logical processors"),
		    lp);
}

static int check_memory(struct pf *c)
{
	uint64_t mem = c->dst->os.memory_mb;
	size_t i, n = 0;

	if (mem == 0)
		return item(c, "SMIG1002", SEV_W, "host",
			    _("give the destination's memory with --memory-mb or its systeminfo.txt"),
			    _("could not check startup memory: the destination's physical memory is unknown"));
	for (i = 0; i < c->p->nvms; i++) {
		const struct smig_inv_vm *vm = selected(c, i);
		if (vm == NULL || mb_of(vm->memory_mb) <= mem)
			continue;
		n++;
		if (vm_item(c, "SMIG1002", SEV_B, vm, NULL,
			    _("reduce its startup memory on the source and export again, or leave it out (--vm)"),
			    vm->dynamic_memory
				    ? _("%s starts with %lld MB (dynamic memory, startup value) but the destination has %" PRIu64 " MB of physical memory")
				    : _("%s starts with %lld MB but the destination has %" PRIu64 " MB of physical memory"),
			    vm_name(vm), (long long)vm->memory_mb, mem) < 0)
			return -1;
	}
	if (n)
		return 0;
	return item(c, "SMIG1002", SMIG_SEV_PASS, "host", NULL,
		    _("every selected VM's startup memory fits the destination's %" PRIu64 " MB"), mem);
}

static int check_saved_state(struct pf *c)
{
	bool discard = c->o->discard_saved_state;
	size_t i, k, n = 0;

	for (i = 0; i < c->p->nvms; i++) {
		const struct smig_inv_vm *vm = selected(c, i);
		const char *first = NULL;
		size_t nsnap = 0;
		char *what = NULL;
		int rc;

		if (vm == NULL || !vm_has_state(vm))
			continue;
		n++;
		for (k = 0; k < vm->nsnapshots; k++)
			if (vm->snapshots[k].saved_state && nsnap++ == 0)
				first = vm->snapshots[k].name ? vm->snapshots[k].name : "?";
		if (nsnap == 0)
			what = smig_asprintf(c->e, _("%s is saved"), vm_name(vm));
		else
			what = smig_asprintf(
			    c->e,
			    vm->saved_state
				    ? P_("%s is saved and has saved state in %zu snapshot (first '%s')",
					 "%s is saved and has saved state in %zu snapshots (first '%s')",
					 nsnap)
				    : P_("%s has saved state in %zu snapshot (first '%s')",
					 "%s has saved state in %zu snapshots (first '%s')", nsnap),
			    vm_name(vm), nsnap, first);
		if (what == NULL)
			return -1;
		if (discard && vm->saved_state)
			rc = vm_item(c, "SMIG1003", SMIG_SEV_INFO, vm, NULL, NULL,
				     nsnap ? _("%s: the saved state is discarded (--discard-saved-state) and the VM will cold boot, as will those snapshots when applied (manual step SMIG3010)")
					   : _("%s: the saved state is discarded (--discard-saved-state) and the VM will cold boot (manual step SMIG3010)"),
				     what);
		else if (discard)
			rc = vm_item(c, "SMIG1003", SMIG_SEV_INFO, vm, NULL, NULL,
				     _("%s: the snapshots' saved state is discarded (--discard-saved-state); the VM itself was not saved and starts as before, and applying such a snapshot leaves the VM off, to cold boot from it (manual step SMIG3010)"),
				     what);
		else
			rc = vm_item(c, "SMIG1003", SEV_B, vm, NULL,
				     nsnap ? _("delete the saved state of those snapshots (and shut the VM down) on the source and export again, or import with --discard-saved-state")
					   : _("shut the VM down on the source and export again, or import with --discard-saved-state"),
				     _("%s: saved state cannot be restored on the destination"), what);
		free(what);
		if (rc < 0)
			return -1;
	}
	if (n)
		return 0;
	return item(c, "SMIG1003", SMIG_SEV_PASS, "host", NULL, _("no selected VM has saved state"));
}

static int check_volumes(struct pf *c)
{
	size_t i;

	for (i = 0; i < c->p->nvolumes; i++) {
		const struct smig_plan_volume *v = &c->p->volumes[i];
		char subject[16], need[32], avail[32];

		if (v->need <= v->avail)
			continue;
		snprintf(subject, sizeof(subject), "volume:%c:", v->letter);
		if (has_item(c, "SMIG1004", subject))
			continue;
		smig_human_size(v->need, need, sizeof(need));
		smig_human_size(v->avail, avail, sizeof(avail));
		if (item(c, "SMIG1004", SEV_B, subject,
			 _("free space on the volume, or place the disks on another drive with --map-path"),
			 _("%c: needs %s for what the plan places on it but has %s free"), v->letter,
			 need, avail) < 0)
			return -1;
	}
	if (has_item(c, "SMIG1004", NULL))
		return 0;
	if (c->p->nvolumes == 0)
		return item(c, "SMIG1004", SMIG_SEV_PASS, "host", NULL,
			    _("the plan places nothing on the destination's volumes"));
	return item(c, "SMIG1004", SMIG_SEV_PASS, "host", NULL,
		    P_("every destination volume has room for what the plan places on it (%zu checked)",
		       "every destination volume has room for what the plan places on it (%zu checked)",
		       c->p->nvolumes),
		    c->p->nvolumes);
}

/* The destination's VM with ID `id`, or NULL. */
static const struct smig_inv_vm *dst_vm(const struct pf *c, const char *id)
{
	for (size_t i = 0; i < c->dst->nvms; i++)
		if (c->dst->vms[i].id && smig_guid_str_equal(c->dst->vms[i].id, id))
			return &c->dst->vms[i];
	return NULL;
}

static int check_exists(struct pf *c)
{
	const struct smig_inv_vm *dvm;
	size_t i, n = 0;

	for (i = 0; i < c->p->nvms; i++) {
		const struct smig_inv_vm *vm = selected(c, i);
		const char *id = c->p->vms[i].id;
		if (vm == NULL || !c->p->vms[i].exists)
			continue;
		n++;
		if (!id || !(dvm = dst_vm(c, id)) || !dvm->placed_by) {
			if (vm_item(c, "SMIG1005", SEV_B, vm, NULL,
				    _("import with --new-id to give the VM a new ID, or remove the "
				    "destination's VM"),
				    _("a VM with ID %s already exists on the destination"),
				    id ? id : vm->id ? vm->id : "?") < 0)
				return -1;
		} else if (vm_item(c, "SMIG1005", SEV_B, vm, NULL,
				   _("import with --new-id to give the VM a new ID, or leave it out "
				   "with --vm"),
				   _("a VM with ID %s ('%s') is already placed on the destination "
				   "by the apply of archive %s from %s"), id,
				   dvm->name ? dvm->name : "?", dvm->placed_by->archive_id,
				   dvm->placed_by->source) < 0) {
			return -1;
		}
	}
	if (n)
		return 0;
	return item(c, "SMIG1005", SMIG_SEV_PASS, "host", NULL,
		    _("no selected VM's ID is registered on the destination"));
}

static int check_source_os(struct pf *c)
{
	const struct smig_inv_os *os = &c->src->os;
	/* the model keeps English (the descriptor's): its fixed reasons are msgids */
	const char *why = os->support_reason && *os->support_reason ? _(os->support_reason) : _("no reason recorded");

	if (os->supported_source)
		return item(c, "SMIG1006", SMIG_SEV_PASS, "host", NULL,
			    _("the source is a supported source: %s"), why);
	return item(c, "SMIG1006", SEV_B, "host",
		    _("migrate from Windows Server 2008 R2 x64 (full installation or Server Core)"),
		    _("the source is not a supported source: %s"), why);
}

static int check_dest_os(struct pf *c)
{
	const struct smig_inv_os *os = &c->dst->os;
	const char *action = _("import onto Windows Server 2012 with the Hyper-V role installed");
	const char *product = os->product_name ? os->product_name : _("an unknown Windows");

	if (!os->is_2012 &&
	    item(c, "SMIG1007", SEV_B, "host", action,
		 _("the destination runs %s (version %s), not Windows Server 2012 (6.2)"), product,
		 os->current_version ? os->current_version : _("unknown")) < 0)
		return -1;
	if (!c->dst->hyperv &&
	    item(c, "SMIG1007", SEV_B, "host", action, _("the destination has no Hyper-V role: %s"),
		 c->dst->hyperv_reason && *c->dst->hyperv_reason ? _(c->dst->hyperv_reason) : _("its settings were not found")) < 0)
		return -1;
	if (!os->is_2012 || !c->dst->hyperv)
		return 0;
	return item(c, "SMIG1007", SMIG_SEV_PASS, "host", NULL,
		    _("the destination is %s with the Hyper-V role"), product);
}

static bool known(const char *s)
{
	return s && s[0];
}

static int check_language(struct pf *c)
{
	const char *action =
		_("install the destination in the source's system UI language (Windows Server Migration Tools do not migrate across languages)");
	const struct smig_inv_os *s = &c->src->os, *d = &c->dst->os;
	bool inst = known(s->install_language) && known(d->install_language);
	bool def = known(s->default_language) && known(d->default_language);
	bool bad = false;

	if (inst && !smig_streq_ci(s->install_language, d->install_language)) {
		bad = true;
		if (item(c, "SMIG1008", SEV_B, "host", action,
			 _("the source's install language is %s but the destination's is %s (LANGIDs)"),
			 s->install_language, d->install_language) < 0)
			return -1;
	}
	if (def && !smig_streq_ci(s->default_language, d->default_language)) {
		bad = true;
		if (item(c, "SMIG1008", SEV_B, "host", action,
			 _("the source's system default language is %s but the destination's is %s (LANGIDs)"),
			 s->default_language, d->default_language) < 0)
			return -1;
	}
	if (bad)
		return 0;
	if (inst && def)
		return item(c, "SMIG1008", SMIG_SEV_PASS, "host", NULL,
			    _("the system UI languages match (install language %s, default %s)"),
			    s->install_language, s->default_language);
	if (inst || def)
		return item(c, "SMIG1008", SMIG_SEV_PASS, "host", NULL,
			    inst ? _("the install languages match (%s); the system default language is not known on both hosts")
				 : _("the system default languages match (%s); the install language is not known on both hosts"),
			    inst ? s->install_language : s->default_language);
	return item(c, "SMIG1008", SMIG_SEV_PASS, "host", NULL,
		    _("the system UI languages were not compared: their LANGIDs are not known on both hosts"));
}

static int check_clustered(struct pf *c)
{
	size_t i, n = 0;

	for (i = 0; i < c->p->nvms; i++) {
		const struct smig_inv_vm *vm = selected(c, i);
		if (vm == NULL || !vm->highly_available)
			continue;
		n++;
		if (vm_item(c, "SMIG1009", SEV_B, vm, NULL,
			    _("remove the VM from the cluster on the source and export again, or leave it out (--vm)"),
			    _("%s is highly available (clustered); clustered VMs are not migrated"),
			    vm_name(vm)) < 0)
			return -1;
	}
	if (n)
		return 0;
	return item(c, "SMIG1009", SMIG_SEV_PASS, "host", NULL, _("no selected VM is clustered"));
}

/* Whether inventory problem subject `subj` is about VM `name` ("vm:NAME" or "vm:NAME/..."). */
static bool about_vm(const char *subj, const char *name)
{
	size_t n = strlen(name);

	return strncmp(subj, "vm:", 3) == 0 && strncmp(subj + 3, name, n) == 0 &&
	       (subj[3 + n] == '\0' || subj[3 + n] == '/');
}

static int check_chains(struct pf *c)
{
	const char *action =
		_("repair the chain on the source (Hyper-V Manager: Inspect Disk, Reconnect) and export again, or leave the VM out (--vm)");
	size_t i, k, n = 0;

	for (i = 0; i < c->p->nvms; i++) {
		const struct smig_inv_vm *vm = carried(c, i);

		if (vm == NULL)
			continue;
		for (k = 0; k < vm->ndisks; k++) {
			const struct smig_inv_disk *d = &vm->disks[k];
			const char *path = d->winpath ? d->winpath : "?";
			char want[SMIG_GUID_BUFSZ], have[SMIG_GUID_BUFSZ];
			const struct smig_inv_disk *par;

			if (d->type != SMIG_DISK_DIFFERENCING)
				continue;
			if (d->parent < 0 || (size_t)d->parent >= vm->ndisks) {
				n++;
				if (vm_item(c, "SMIG1010", SEV_B, vm, NULL, action,
					    _("the parent of differencing disk '%s' is missing%s%s%s"), path,
					    d->parent_winpath ? " ('" : "",
					    d->parent_winpath ? d->parent_winpath : "",
					    d->parent_winpath ? "')" : "") < 0)
					return -1;
				continue;
			}
			par = &vm->disks[d->parent];
			if (smig_guid_equal(&par->unique_id, &d->parent_id))
				continue;
			n++;
			smig_guid_format(&d->parent_id, SMIG_GUID_UPPER, want);
			smig_guid_format(&par->unique_id, SMIG_GUID_UPPER, have);
			if (vm_item(c, "SMIG1010", SEV_B, vm, NULL, action,
				    _("differencing disk '%s' expects parent unique id %s but its parent '%s' has %s"),
				    path, want, par->winpath ? par->winpath : "?", have) < 0)
				return -1;
		}
		/* chains vmscan could not open at all: their disks are not in the model */
		for (k = 0; vm->name && k < c->src->problems.count; k++) {
			const struct smig_problem *pr = &c->src->problems.items[k];
			if (pr->id == NULL || pr->subject == NULL || strcmp(pr->id, "SMIG1010") != 0 ||
			    !about_vm(pr->subject, vm->name))
				continue;
			n++;
			if (vm_item(c, "SMIG1010", SEV_B, vm, NULL, action,
				    _("a differencing chain of %s cannot be read: %s"), vm_name(vm),
				    pr->message ? pr->message : _("no reason recorded")) < 0)
				return -1;
		}
	}
	if (n)
		return 0;
	return item(c, "SMIG1010", SMIG_SEV_PASS, "host", NULL,
		    _("every selected VM's differencing chains are whole"));
}

static int check_unplaced(struct pf *c)
{
	if (has_item(c, "SMIG1011", NULL))
		return 0;
	return item(c, "SMIG1011", SMIG_SEV_PASS, "host", NULL,
		    _("every source path has a destination"));
}

/* SMIG1013 (the plan's): a disk a configuration-only archive expects is not there. */
static int check_expected_disks(struct pf *c)
{
	if (!c->p->config_only || has_item(c, "SMIG1013", NULL))
		return 0;
	return item(c, "SMIG1013", SMIG_SEV_PASS, "host", NULL,
		    _("every disk the configurations use is on the destination already "
		    "(configuration-only archive)"));
}

/* SMIG1012 (the plan's): a destination network of a source network's name but another type. */
static int check_network_names(struct pf *c)
{
	if (has_item(c, "SMIG1012", NULL))
		return 0;
	return item(c, "SMIG1012", SMIG_SEV_PASS, "host", NULL,
		    _("no destination network has a source network's name with another type"));
}

/* ---- warnings ---- */

/* PROCESSOR_IDENTIFIER, registry ("Intel64 Family 6 Model 44 Stepping 2, GenuineIntel") or
 * systeminfo form ("... Stepping 2 GenuineIntel ~2400 Mhz"), formats.md §3.4. */
struct cpuid {
	char vendor[32];
	long family, model, stepping;
};

static bool parse_cpuid(const char *s, struct cpuid *out)
{
	const char *p = s;
	long *want = NULL;
	bool after_stepping = false;
	int got = 0;

	memset(out, 0, sizeof(*out));
	out->family = out->model = out->stepping = -1;
	while (p && *p) {
		size_t n;
		char word[32];

		p += strspn(p, " ,\t");
		n = strcspn(p, " ,\t");
		if (n == 0)
			break;
		if (n >= sizeof(word)) {
			p += n;
			want = NULL;
			continue;
		}
		memcpy(word, p, n);
		word[n] = '\0';
		p += n;
		if (want) {
			char *end;
			long v = strtol(word, &end, 10);
			if (*end != '\0' || v < 0)
				return false;
			*want = v;
			got++;
			after_stepping = want == &out->stepping;
			want = NULL;
			continue;
		}
		if (strcmp(word, "Family") == 0) {
			want = &out->family;
		} else if (strcmp(word, "Model") == 0) {
			want = &out->model;
		} else if (strcmp(word, "Stepping") == 0) {
			want = &out->stepping;
		} else if (after_stepping) {
			memcpy(out->vendor, word, n + 1);
			after_stepping = false;
		}
	}
	return got == 3 && out->family >= 0 && out->model >= 0 && out->stepping >= 0 &&
	       out->vendor[0];
}

static bool vm_at_cpu_risk(const struct pf *c, const struct smig_inv_vm *vm)
{
	/* the state was saved with the source's setting: the planned one (--set-processor-
	 * compatibility) changes the configuration, not a state already saved */
	return !c->o->discard_saved_state && vm_has_state(vm) && !vm->cpu_compat;
}

static int check_processors(struct pf *c)
{
	const char *si = c->src->os.processor_identifier, *di = c->dst->os.processor_identifier;
	struct cpuid s, d;
	bool parsed = si && di && parse_cpuid(si, &s) && parse_cpuid(di, &d);
	bool differ = parsed && (strcmp(s.vendor, d.vendor) != 0 || s.family != d.family ||
				 s.model != d.model || s.stepping != d.stepping);
	size_t i, n = 0;

	for (i = 0; (differ || !parsed) && i < c->p->nvms; i++) {
		const struct smig_inv_vm *vm = selected(c, i);
		int rc;

		if (vm == NULL || !vm_at_cpu_risk(c, vm))
			continue;
		n++;
		if (parsed)
			rc = vm_item(c, "SMIG2001", SEV_W, vm, NULL,
				     _("drop the saved state with --discard-saved-state, or shut the VM down (and delete its snapshots' saved state) on the source and export again; --set-processor-compatibility does not help a state already saved"),
				     _("the destination's processor (%s) differs from the source's (%s): the saved state of %s was saved with processor compatibility off and may not restore"),
				     di, si, vm_name(vm));
		else
			rc = vm_item(c, "SMIG2001", SEV_W, vm, NULL,
				     _("compare the processors yourself, or drop the saved state with --discard-saved-state"),
				     _("could not compare the processors ('%s' and '%s'): %s keeps a state saved with processor compatibility off"),
				     si ? si : _("unknown"), di ? di : _("unknown"), vm_name(vm));
		if (rc < 0)
			return -1;
	}
	if (n)
		return 0;
	if (differ)
		return item(c, "SMIG2001", SMIG_SEV_PASS, "host", NULL,
			    _("the processors differ, but no selected VM keeps saved state with processor compatibility off"));
	if (parsed)
		return item(c, "SMIG2001", SMIG_SEV_PASS, "host", NULL,
			    _("the processors match in vendor, family, model and stepping (%s)"), di);
	return item(c, "SMIG2001", SMIG_SEV_PASS, "host", NULL,
		    _("no selected VM keeps saved state with processor compatibility off"));
}

static int check_total_memory(struct pf *c)
{
	uint64_t mem = c->dst->os.memory_mb, sum = 0;
	size_t i;

	if (mem == 0)
		return item(c, "SMIG2002", SEV_W, "host",
			    _("give the destination's memory with --memory-mb or its systeminfo.txt"),
			    _("could not check the memory of automatically started VMs: the destination's physical memory is unknown"));
	for (i = 0; i < c->p->nvms; i++) {
		const struct smig_inv_vm *vm = selected(c, i);
		if (vm)
			sum = add_sat(sum, mb_of(vm->memory_mb));
	}
	for (i = 0; i < c->dst->nvms; i++)
		if (!dst_vm_replaced(c, &c->dst->vms[i]))
			sum = add_sat(sum, mb_of(c->dst->vms[i].memory_mb));
	/* the model carries no automatic start action: every VM is counted (preflight.h) */
	if (sum > mem)
		return item(c, "SMIG2002", SEV_W, "host",
			    _("set the automatic start action of some VMs to Nothing, or add memory"),
			    _("the VMs' startup memory adds up to %" PRIu64 " MB, more than the destination's %" PRIu64 " MB (every VM is taken as automatically started: the automatic start action is not read)"),
			    sum, mem);
	return item(c, "SMIG2002", SMIG_SEV_PASS, "host", NULL,
		    _("the VMs' startup memory adds up to %" PRIu64 " MB, within the destination's %" PRIu64 " MB (every VM taken as automatically started)"),
		    sum, mem);
}

static int check_nic_count(struct pf *c)
{
	size_t i, nic = 0, ext = 0;
	char nics[128], exts[128];

	for (i = 0; i < c->dst->nnics; i++)
		nic += c->dst->nics[i].physical && !c->dst->nics[i].host_vnic;
	for (i = 0; i < c->src->nswitches; i++)
		ext += c->src->switches[i].type == SMIG_SWITCH_EXTERNAL;
	/* two counts in one sentence: each takes its plural, the sentence orders them */
	snprintf(nics, sizeof(nics),
		 P_("%zu physical network adapter", "%zu physical network adapters", nic), nic);
	snprintf(exts, sizeof(exts),
		 P_("%zu external virtual network", "%zu external virtual networks", ext), ext);
	if (nic < ext)
		return item(c, "SMIG2003", SEV_W, "host",
			    _("add network adapters to the destination, or bind the networks with --bind-switch; unbound ones become internal (SMIG3001)"),
			    _("the destination has %s but the source has %s"), nics, exts);
	return item(c, "SMIG2003", SMIG_SEV_PASS, "host", NULL,
		    _("the destination's %s can take the source's %s"), nics, exts);
}

/* One VM network adapter's MAC, for 2004/2005. */
struct macent {
	const struct smig_inv_vm *vm;
	const struct smig_inv_nicvm *nic;
	struct smig_mac mac;
	bool is_static, on_dst;
};

/* Adapters with a usable MAC of the selected VMs (on_dst false) and of the destination's VMs
 * that stay (on_dst true). *out malloc'd. */
static int collect_macs(const struct pf *c, struct macent **out, size_t *n)
{
	size_t i, k, cap = 0;
	struct macent *v;

	*out = NULL;
	*n = 0;
	for (i = 0; i < c->p->nvms; i++)
		if (selected(c, i))
			cap += selected(c, i)->nnics;
	for (i = 0; i < c->dst->nvms; i++)
		cap += c->dst->vms[i].nnics;
	if (cap == 0)
		return 0;
	v = calloc(cap, sizeof(*v));
	if (v == NULL)
		return smig_err_nomem(c->e, _("comparing MAC addresses"));
	for (i = 0; i < c->p->nvms + c->dst->nvms; i++) {
		bool dst = i >= c->p->nvms;
		const struct smig_inv_vm *vm = dst ? &c->dst->vms[i - c->p->nvms] : selected(c, i);

		if (vm == NULL || (dst && dst_vm_replaced(c, vm)))
			continue;
		for (k = 0; k < vm->nnics; k++) {
			struct macent *m = &v[*n];
			/* a dynamic MAC not yet assigned reads as 000000000000 */
			if (!vm->nics[k].mac || !smig_mac_parse(vm->nics[k].mac, &m->mac) ||
			    smig_mac_is_zero(&m->mac))
				continue;
			m->vm = vm;
			m->nic = &vm->nics[k];
			m->is_static = vm->nics[k].mac_static;
			m->on_dst = dst;
			(*n)++;
		}
	}
	*out = v;
	return 0;
}

static bool mac_in(const struct smig_mac *m, const struct smig_mac *lo, const struct smig_mac *hi)
{
	return smig_mac_cmp(m, lo) >= 0 && smig_mac_cmp(m, hi) <= 0;
}

static const char *nic_name(const struct smig_inv_nicvm *n)
{
	return n->name ? n->name : "Network Adapter";
}

/* The destination's MAC range once the earlier applies' migrate.ps1 have run. */
static struct smig_inv_hostsettings dst_range(const struct pf *c)
{
	struct smig_inv_hostsettings h = c->dst->host;

	if (c->dst->pending_mac_range) {
		h.mac_min = c->dst->pending_mac_min;
		h.mac_max = c->dst->pending_mac_max;
		h.has_mac_range = true;
		h.mac_range_default = false;
	}
	return h;
}

static int check_static_macs(struct pf *c)
{
	const struct smig_inv_hostsettings range = dst_range(c), *h = &range;
	struct macent *v = NULL;
	size_t n = 0, i, j, nstatic = 0, bad = 0;
	char mac[18], lo[18], hi[18], *sub = NULL;
	int rc = -1;

	if (collect_macs(c, &v, &n) < 0)
		return -1;
	smig_mac_format(&h->mac_min, lo);
	smig_mac_format(&h->mac_max, hi);
	for (i = 0; i < n; i++) {
		const struct macent *a = &v[i];
		if (a->on_dst || !a->is_static)
			continue;
		nstatic++;
		smig_mac_format(&a->mac, mac);
		free(sub);
		sub = smig_asprintf(c->e, "nic:%s", nic_name(a->nic));
		if (sub == NULL)
			goto out;
		if (h->has_mac_range && mac_in(&a->mac, &h->mac_min, &h->mac_max)) {
			bad++;
			if (vm_item(c, "SMIG2004", SEV_W, a->vm, sub,
				    _("give the adapter another static MAC address, or change the destination's MAC address range"),
				    _("static MAC %s lies in the destination's dynamic range %s to %s: the destination may hand it out to another VM"),
				    mac, lo, hi) < 0)
				goto out;
		}
	}
	/* each equal pair once, reported on its source static side */
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++) {
			const struct macent *a = &v[i], *b = &v[j], *s, *o;
			if (smig_mac_cmp(&a->mac, &b->mac) != 0)
				continue;
			s = !a->on_dst && a->is_static ? a : !b->on_dst && b->is_static ? b : NULL;
			/* a dynamic address the source handed out is kept in the configuration
			 * too: equal to one on the destination (another source's VM placed there,
			 * say) it is the same clash */
			if (s == NULL && a->on_dst != b->on_dst)
				s = a->on_dst ? b : a;
			if (s == NULL)
				continue;
			o = s == a ? b : a;
			bad++;
			smig_mac_format(&s->mac, mac);
			free(sub);
			sub = smig_asprintf(c->e, "nic:%s", nic_name(s->nic));
			if (sub == NULL)
				goto out;
			if (vm_item(c, "SMIG2004", SEV_W, s->vm, sub,
				    _("give one of the adapters another MAC address"),
				    s->is_static ? _("static MAC %s is also used by %s/%s%s")
						 : _("dynamic MAC %s is also used by %s/%s%s"),
				    mac, vm_name(o->vm),
				    nic_name(o->nic), !o->on_dst ? "" : o->vm->placed_by ?
				    _(" placed on the destination by an earlier apply") :
				    _(" on the destination")) < 0)
				goto out;
		}
	if (bad == 0 && nstatic == 0 &&
	    item(c, "SMIG2004", SMIG_SEV_PASS, "host", NULL,
		 _("no selected VM has a static MAC address")) < 0)
		goto out;
	if (bad == 0 && nstatic > 0 &&
	    item(c, "SMIG2004", SMIG_SEV_PASS, "host", NULL,
		 h->has_mac_range
			 ? P_("%zu static MAC address is unique and outside the destination's dynamic range",
			      "%zu static MAC addresses are unique and outside the destination's dynamic range",
			      nstatic)
			 : P_("%zu static MAC address is unique; the destination's dynamic range is unknown and was not compared",
			      "%zu static MAC addresses are unique; the destination's dynamic range is unknown and was not compared",
			      nstatic),
		 nstatic) < 0)
		goto out;
	rc = 0;
out:
	free(sub);
	free(v);
	return rc;
}

static int check_mac_range(struct pf *c)
{
	const struct smig_inv_hostsettings range = dst_range(c), *s = &c->src->host, *d = &range;
	struct macent *v = NULL;
	size_t n = 0, i, bad = 0;
	char slo[18], shi[18], dlo[18], dhi[18], mac[18];
	int rc = -1;

	if (!s->has_mac_range)
		return item(c, "SMIG2005", SMIG_SEV_PASS, "host", NULL,
			    _("the source has no MAC address range in its registry"));
	smig_mac_format(&s->mac_min, slo);
	smig_mac_format(&s->mac_max, shi);
	smig_mac_format(&d->mac_min, dlo);
	smig_mac_format(&d->mac_max, dhi);
	if (d->has_mac_range && smig_mac_cmp(&s->mac_min, &d->mac_max) <= 0 &&
	    smig_mac_cmp(&d->mac_min, &s->mac_max) <= 0) {
		bad++;
		if (item(c, "SMIG2005", SEV_W, "host",
			 _("change the source's or the destination's MAC address range so they do not overlap"),
			 _("the source MAC address range %s to %s overlaps the destination's %s to %s"),
			 slo, shi, dlo, dhi) < 0)
			return -1;
	}
	if (collect_macs(c, &v, &n) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (!v[i].on_dst || !mac_in(&v[i].mac, &s->mac_min, &s->mac_max))
			continue;
		bad++;
		smig_mac_format(&v[i].mac, mac);
		if (item(c, "SMIG2005", SEV_W, "host",
			 _("give the destination VM another MAC address, or change the source's range"),
			 _("destination VM %s/%s uses MAC %s, inside the source range %s to %s"),
			 vm_name(v[i].vm), nic_name(v[i].nic), mac, slo, shi) < 0)
			goto out;
	}
	if (bad == 0 &&
	    item(c, "SMIG2005", SMIG_SEV_PASS, "host", NULL,
		 _("the source MAC address range %s to %s overlaps neither the destination's range%s nor its VMs' addresses"),
		 slo, shi, d->has_mac_range ? "" : _(" (none in its registry)")) < 0)
		goto out;
	rc = 0;
out:
	free(v);
	return rc;
}

/* The index of an adapter's first IPv4 address with a mask (values in network byte order),
 * or -1. */
static long first_ipv4(const struct smig_inv_nic *nic, uint32_t *ip, uint32_t *mask)
{
	size_t i;

	for (i = 0; nic->ip && nic->mask && nic->ip[i] && nic->mask[i]; i++) {
		struct in_addr a, m;
		if (inet_pton(AF_INET, nic->ip[i], &a) != 1 ||
		    inet_pton(AF_INET, nic->mask[i], &m) != 1 || a.s_addr == 0)
			continue;
		*ip = a.s_addr;
		*mask = m.s_addr;
		return (long)i;
	}
	return -1;
}

static const char *host_nic_name(const struct smig_inv_nic *n)
{
	return n->connection_name ? n->connection_name : n->guid ? n->guid : "?";
}

static int check_subnets(struct pf *c)
{
	size_t i, checked = 0, skipped = 0, bad = 0;

	for (i = 0; i < c->p->nnicmap; i++) {
		const struct smig_inv_nic *s = c->p->nicmap[i].src, *d = c->p->nicmap[i].dst;
		uint32_t sip, smask, dip, dmask;
		long si = -1, di = -1;
		char *sub;
		int rc;

		if (s && d) {
			si = first_ipv4(s, &sip, &smask);
			di = first_ipv4(d, &dip, &dmask);
		}
		if (si < 0 || di < 0) {
			skipped++;
			continue;
		}
		checked++;
		if (smask == dmask && (sip & smask) == (dip & dmask))
			continue;
		bad++;
		sub = smig_asprintf(c->e, "nic:%s", host_nic_name(s));
		if (sub == NULL)
			return -1;
		rc = item(c, "SMIG2006", SEV_W, sub,
			  _("check the addresses and gateways of the VMs on that network after import"),
			  _("mapped adapter '%s' (%s/%s) lands on '%s' (%s/%s), a different IPv4 subnet: VMs on it may need new addresses"),
			  host_nic_name(s), s->ip[si], s->mask[si], host_nic_name(d), d->ip[di],
			  d->mask[di]);
		free(sub);
		if (rc < 0)
			return -1;
	}
	if (bad)
		return 0;
	if (c->p->nnicmap == 0)
		return item(c, "SMIG2006", SMIG_SEV_PASS, "host", NULL,
			    _("no host adapters are mapped (--map-mac)"));
	return item(c, "SMIG2006", SMIG_SEV_PASS, "host", NULL,
		    P_("%zu mapped adapter pair stays in the same IPv4 subnet (%zu without a static IPv4 address on both sides not compared)",
		       "%zu mapped adapter pairs stay in the same IPv4 subnet (%zu without a static IPv4 address on both sides not compared)",
		       checked),
		    checked, skipped);
}

static int check_roles(struct pf *c)
{
	const char *pt = c->src->os.product_type;

	/* ProductType LanmanNT = domain controller (formats.md §3.3); the model knows no other
	 * role (services and installed features are not read), so that is all we can see */
	if (pt && smig_streq_ci(pt, "LanmanNT"))
		return item(c, "SMIG2007", SEV_W, "host",
			    _("migrate the domain controller role separately (or demote it) before or after Hyper-V"),
			    _("the source is a domain controller (ProductType LanmanNT): migrate one role at a time"));
	return item(c, "SMIG2007", SMIG_SEV_PASS, "host", NULL,
		    _("the source is not a domain controller (other server roles cannot be detected offline)"));
}

/* vmconfig.c: 256-1280 in steps of 256 (formats.md §5.4); 0 = absent. */
static bool version_known(int64_t v)
{
	return v >= 256 && v <= 1280 && v % 256 == 0;
}

static int check_versions(struct pf *c)
{
	size_t i, n = 0;

	for (i = 0; i < c->p->nvms; i++) {
		const struct smig_inv_vm *vm = selected(c, i);
		if (vm == NULL || version_known(vm->version))
			continue;
		n++;
		if (vm->version == 0 &&
		    vm_item(c, "SMIG2008", SEV_W, vm, NULL,
			    _("check the VM on the destination after import"),
			    _("the configuration of %s has no version"), vm_name(vm)) < 0)
			return -1;
		if (vm->version != 0 &&
		    vm_item(c, "SMIG2008", SEV_W, vm, NULL,
			    _("check the VM on the destination after import"),
			    _("configuration version %lld of %s is not one smig knows (256, 512, 768, 1024, 1280)"),
			    (long long)vm->version, vm_name(vm)) < 0)
			return -1;
	}
	if (n)
		return 0;
	return item(c, "SMIG2008", SMIG_SEV_PASS, "host", NULL,
		    _("every selected VM's configuration version is one smig knows"));
}

static int check_store(struct pf *c)
{
	const struct smig_inv_azman *az = &c->src->azman;
	size_t ndiff = 0;

	while (az->differences && az->differences[ndiff])
		ndiff++;

	if (az->ad_store)
		return item(c, "SMIG2009", SEV_W, "host",
			    _("point the destination at the same store (manual step SMIG3008)"),
			    _("the authorization store is in Active Directory (%s)"),
			    az->path ? az->path : "msldap://");
	if (az->path && !smig_streq_ci(az->path, SMIG_HYPERV_STORE_WIN))
		return item(c, "SMIG2009", SEV_W, "host",
			    _("find out which tool manages the store (e.g. System Center VMM) before importing it"),
			    _("the authorization store is '%s', not the default file '%s'"), az->path,
			    SMIG_HYPERV_STORE_WIN);
	if (!az->present)
		return item(c, "SMIG2009", SMIG_SEV_PASS, "host", NULL,
			    _("the authorization store is at the default location '%s' but the source has no readable file there: the destination keeps its own"),
			    SMIG_HYPERV_STORE_WIN);
	/* the location is the default; the contents may not be (the inventory says which) */
	if (az->customised)
		return item(c, "SMIG2009", SMIG_SEV_PASS, "host", NULL,
			    P_("the authorization store is the default file '%s'; its contents are customised (%zu difference from a default store), and they move with it",
			       "the authorization store is the default file '%s'; its contents are customised (%zu differences from a default store), and they move with it",
			       ndiff),
			    SMIG_HYPERV_STORE_WIN, ndiff);
	return item(c, "SMIG2009", SMIG_SEV_PASS, "host", NULL,
		    _("the authorization store is the default file '%s', with a default store's contents"),
		    SMIG_HYPERV_STORE_WIN);
}

/*
 * SMIG2010: several sources onto one destination. What earlier applies placed is part of the
 * destination (priorapply.h); say which migrations are there and what this one shares with
 * them, and warn of a VM name the destination already uses (Hyper-V allows it, migrate.ps1
 * addresses VMs by ID, but two VMs of one name in Hyper-V Manager are easily confused).
 */
static int check_consolidation(struct pf *c)
{
	size_t i, k, n = 0;

	for (i = 0; i < c->dst->npriors; i++) {
		const struct smig_inv_prior *pr = &c->dst->priors[i];

		if (!pr->archive_id)
			continue;
		if (item(c, "SMIG2010", SMIG_SEV_INFO, "host", NULL,
			 _("the destination already holds the migration of %s (archive %s, applied "
			 "%s): this archive's VMs join it, a virtual network of the same name and "
			 "type is shared, and the host settings and authorization store it set "
			 "are kept unless --force"), pr->source, pr->archive_id,
			 pr->applied && *pr->applied ? pr->applied : _("at an unknown time")) < 0)
			return -1;
	}
	for (i = 0; i < c->p->nvms; i++) {
		const struct smig_inv_vm *vm = selected(c, i);
		const char *id = c->p->vms[i].id;

		if (!vm || !vm->name)
			continue;
		for (k = 0; k < c->dst->nvms; k++) {
			const struct smig_inv_vm *d = &c->dst->vms[k];
			char where[256];

			if (!d->name || !smig_streq_ci(d->name, vm->name) ||
			    (id && d->id && smig_guid_str_equal(d->id, id)))
				continue;
			if (d->placed_by)
				snprintf(where, sizeof(where), _("placed by the apply of archive %s "
					 "from %s"), d->placed_by->archive_id, d->placed_by->source);
			else
				snprintf(where, sizeof(where), _("registered"));
			n++;
			if (vm_item(c, "SMIG2010", SEV_W, vm, NULL,
				    _("rename one of them after migrate.ps1 has run (Rename-VM)"),
				    _("the destination already has a VM named '%s' (ID %s, %s)"),
				    d->name, d->id ? d->id : "?", where) < 0)
				return -1;
		}
	}
	if (n)
		return 0;
	return item(c, "SMIG2010", SMIG_SEV_PASS, "host", NULL,
		    c->dst->npriors
			    ? _("no selected VM has the name of a VM on the destination or placed by an earlier apply")
			    : _("no selected VM has the name of a VM on the destination"));
}

/* ---- entry points ---- */

/* Blockers from the most fundamental to the admin's call; from FORCEABLE_RANK on, --force (or
 * the option the action names) may lift them. */
static const char *const blocker_order[] = {
	"SMIG1007", "SMIG1006", "SMIG1009", "SMIG1010", "SMIG1011", "SMIG1013", "SMIG1012",
	"SMIG1004", "SMIG1005", "SMIG1003", "SMIG1001", "SMIG1002", "SMIG1008",
};
#define FORCEABLE_RANK 8

static size_t blocker_rank(const char *id)
{
	size_t n = sizeof(blocker_order) / sizeof(blocker_order[0]);

	for (size_t i = 0; id && i < n; i++)
		if (!strcmp(blocker_order[i], id))
			return i;
	return 0; /* an unknown blocker is never forceable */
}

/* Blockers first, by rank, the rest after them in the order they were found (stable). */
static void order_blockers(struct smig_problems *out, size_t first)
{
	for (size_t i = first + 1; i < out->count; i++) {
		struct smig_problem it = out->items[i];
		size_t k = i;

		if (it.severity != SMIG_SEV_BLOCKER)
			continue;
		while (k > first && (out->items[k - 1].severity != SMIG_SEV_BLOCKER ||
				     blocker_rank(out->items[k - 1].id) > blocker_rank(it.id))) {
			out->items[k] = out->items[k - 1];
			k--;
		}
		out->items[k] = it;
	}
}

int smig_preflight(const struct smig_plan *p, struct smig_problems *out, struct smig_err *e)
{
	/* in report order: blockers, then warnings, by id */
	static int (*const checks[])(struct pf *) = {
		check_cpu,          /* SMIG1001 */
		check_memory,       /* SMIG1002 */
		check_saved_state,  /* SMIG1003 */
		check_volumes,      /* SMIG1004 */
		check_exists,       /* SMIG1005 */
		check_source_os,    /* SMIG1006 */
		check_dest_os,      /* SMIG1007 */
		check_language,     /* SMIG1008 */
		check_clustered,    /* SMIG1009 */
		check_chains,       /* SMIG1010 */
		check_unplaced,     /* SMIG1011 */
		check_network_names, /* SMIG1012 */
		check_expected_disks, /* SMIG1013 */
		check_processors,   /* SMIG2001 */
		check_total_memory, /* SMIG2002 */
		check_nic_count,    /* SMIG2003 */
		check_static_macs,  /* SMIG2004 */
		check_mac_range,    /* SMIG2005 */
		check_subnets,      /* SMIG2006 */
		check_roles,        /* SMIG2007 */
		check_versions,     /* SMIG2008 */
		check_store,        /* SMIG2009 */
		check_consolidation, /* SMIG2010 */
	};
	struct pf c = {p, NULL, NULL, NULL, out, out->count, e};
	size_t i;

	if (p->src == NULL || p->dst == NULL)
		return smig_err_set(e, SMIG_ERR_USAGE,
				    p->src == NULL ? _("cannot run preflight: the plan has no source model")
						   : _("cannot run preflight: the plan has no destination model"));
	if (p->nvms > 0 && p->vms == NULL)
		return smig_err_set(e, SMIG_ERR_USAGE,
				    _("cannot run preflight: the plan lists %zu VMs but holds none"),
				    p->nvms);
	c.src = p->src;
	c.dst = p->dst;
	c.o = p->opts ? p->opts : &no_opts;
	for (i = 0; i < p->items.count; i++) {
		const struct smig_problem *it = &p->items.items[i];
		if (smig_problems_add(out, it->id, it->severity, it->subject, it->action,
				      it->powershell, e, "%s", it->message ? it->message : "") < 0)
			return -1;
	}
	for (i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
		if (checks[i](&c) < 0)
			return -1;
	order_blockers(out, c.start);
	return 0;
}

size_t smig_preflight_blockers(const struct smig_problems *items)
{
	return smig_problems_count(items, SMIG_SEV_BLOCKER);
}

bool smig_preflight_forceable(const char *id)
{
	return blocker_rank(id) >= FORCEABLE_RANK;
}

size_t smig_preflight_hard_blockers(const struct smig_problems *items)
{
	size_t n = 0;

	for (size_t i = 0; i < items->count; i++)
		n += items->items[i].severity == SMIG_SEV_BLOCKER &&
		     !smig_preflight_forceable(items->items[i].id);
	return n;
}
