/*
 * inventory.c - the inventory model: reading a host (orchestration; the readers are
 * hostinfo.c and vmscan.c), freeing, lookups, and the JSON form of the model.
 */
#include "inventory.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "facts.h"
#include "i18n.h"
#include "regmap.h"
#include "scan.h"

/* ---- small shared helpers (scan.h) ---- */

void *smig_vec_add(void *pptr, size_t *count, size_t elsz, struct smig_err *e)
{
	char **arr = pptr;
	char *n = realloc(*arr, (*count + 1) * elsz);

	if (n == NULL) {
		smig_err_nomem(e, _("growing a list"));
		return NULL;
	}
	*arr = n;
	memset(n + *count * elsz, 0, elsz);
	return n + (*count)++ * elsz;
}

size_t smig_strv_len(char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

int smig_strv_push(char ***v, const char *s, struct smig_err *e)
{
	size_t n = smig_strv_len(*v);
	char **nv = realloc(*v, (n + 2) * sizeof(char *));

	if (nv == NULL)
		return smig_err_nomem(e, _("growing a list"));
	*v = nv;
	nv[n] = strdup(s);
	nv[n + 1] = NULL;
	if (nv[n] == NULL)
		return smig_err_nomem(e, _("growing a list"));
	return 0;
}

static void strv_free(char **v)
{
	size_t i;

	for (i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

int smig_scan_note(struct smig_scan *s, const char *id, enum smig_severity sev,
		   const char *subject, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = smig_problems_vadd(&s->inv->problems, id, sev, subject, NULL, NULL, s->e, fmt, ap);
	va_end(ap);
	return rc;
}

int smig_scan_key(struct smig_scan *s, struct smig_hive *h, smig_hive_node from, const char *path,
		  smig_hive_node *out)
{
	struct smig_err e2 = SMIG_ERR_INIT;
	int rc = smig_hive_find(h, from, path, out, &e2);

	if (rc < 0) {
		smig_scan_note(s, "", SMIG_SEV_WARNING, "host", "%s", e2.msg);
		return 1;
	}
	return rc;
}

char *smig_scan_sz(struct smig_scan *s, struct smig_hive *h, smig_hive_node n, const char *keyname,
		   const char *name)
{
	struct smig_err e2 = SMIG_ERR_INIT;
	char *v = NULL;
	int rc = smig_hive_get_sz(h, n, name, &v, &e2);

	if (rc < 0)
		smig_scan_note(s, "", SMIG_SEV_WARNING, "host", "%s\\%s: %s", keyname, name, e2.msg);
	return rc == 0 ? v : NULL;
}

bool smig_scan_dword(struct smig_scan *s, struct smig_hive *h, smig_hive_node n,
		     const char *keyname, const char *name, uint32_t *out)
{
	struct smig_err e2 = SMIG_ERR_INIT;
	int rc = smig_hive_get_dword(h, n, name, out, &e2);

	if (rc < 0)
		smig_scan_note(s, "", SMIG_SEV_WARNING, "host", "%s\\%s: %s", keyname, name, e2.msg);
	return rc == 0;
}

char **smig_scan_multi(struct smig_scan *s, struct smig_hive *h, smig_hive_node n,
		       const char *keyname, const char *name)
{
	struct smig_err e2 = SMIG_ERR_INIT;
	char **v = NULL;
	size_t count = 0;
	int rc = smig_hive_get_multi_sz(h, n, name, &v, &count, &e2);

	if (rc < 0)
		smig_scan_note(s, "", SMIG_SEV_WARNING, "host", "%s\\%s: %s", keyname, name, e2.msg);
	if (rc == 0 && count == 0) {
		smig_strv_free(v);
		return NULL;
	}
	return rc == 0 ? v : NULL;
}

/* ---- reading ---- */

/* "French, OEM code page 850": how a facts file was read, for the report and one note. */
static char *read_as(struct smig_scan *s, const char *subject, const char *file,
		     const struct smig_lang *lang, const char *encoding)
{
	/* shown to people (the report, features, -v), in the language of the messages, as the
	 * inventory's notes are (docs/reference.md: an archive carries them in the language it
	 * was exported in) */
	char *as = smig_asprintf(s->e, _("%s, %s"), lang ? _(lang->name) : _("unknown language"),
				 encoding ? _(encoding) : _("text"));

	if (as != NULL)
		smig_scan_note(s, "", SMIG_SEV_INFO, subject, _("%s read as %s output in %s"), file,
			       lang ? _(lang->name) : _("unknown language"), encoding ? _(encoding) : _("text"));
	return as;
}

static int open_facts(struct smig_scan *s, const char *root, const struct smig_inventory_opts *o)
{
	struct smig_err e2 = SMIG_ERR_INIT;
	char *p = NULL, *ipcfile = NULL, *sifile = NULL;
	int rc = -1;

	if (o && o->ipconfig) {
		if (smig_ipconfig_load(o->ipconfig, &s->ipc, s->e) < 0)
			return -1; /* the user named the file: it must be readable */
		ipcfile = smig_asprintf(s->e, "'%s'", o->ipconfig);
	} else if (smig_hostfs_lookup(s->fs, SMIG_IPSETTINGS_REL, &p, &e2) == 0) {
		if (smig_ipconfig_load(p, &s->ipc, &e2) < 0)
			smig_scan_note(s, "", SMIG_SEV_WARNING, "ipconfig",
				       _("C:\\%s is ignored: %s"), SMIG_IPSETTINGS_REL, e2.msg);
		ipcfile = smig_asprintf(s->e, "C:\\%s", SMIG_IPSETTINGS_REL);
		free(p);
		p = NULL;
	}
	smig_err_clear(&e2);
	if (o && o->systeminfo) {
		if (smig_sysinfo_load(o->systeminfo, &s->si, s->e) < 0)
			goto out;
		sifile = smig_asprintf(s->e, "'%s'", o->systeminfo);
	} else if (smig_hostfs_lookup(s->fs, SMIG_SYSTEMINFO_REL, &p, &e2) == 0) {
		if (smig_sysinfo_load(p, &s->si, &e2) < 0)
			smig_scan_note(s, "", SMIG_SEV_WARNING, "systeminfo",
				       _("C:\\%s is ignored: %s"), SMIG_SYSTEMINFO_REL, e2.msg);
		sifile = smig_asprintf(s->e, "C:\\%s", SMIG_SYSTEMINFO_REL);
		free(p);
	}
	s->inv->ipconfig = s->ipc != NULL;
	s->inv->systeminfo = s->si != NULL;
	/* one line each: which language and code page the text was recognised in */
	if (s->ipc && ipcfile &&
	    (s->inv->ipconfig_as = read_as(s, "ipconfig", ipcfile, s->ipc->lang,
					   s->ipc->encoding)) == NULL)
		goto out;
	if (s->si && sifile &&
	    (s->inv->systeminfo_as = read_as(s, "systeminfo", sifile, s->si->lang,
					     s->si->encoding)) == NULL)
		goto out;
	if (s->ipc)
		for (size_t i = 0; i < s->ipc->nunparsed; i++)
			smig_scan_note(s, "", SMIG_SEV_INFO, "ipconfig",
				       _("line not understood and ignored: '%s'"), s->ipc->unparsed[i]);
	(void)root;
	rc = 0;
out:
	free(ipcfile);
	free(sifile);
	return rc;
}

int smig_inventory_read(struct smig_hostfs *fs, const char *root,
			const struct smig_inventory_opts *opts, struct smig_inventory **out,
			struct smig_err *e)
{
	struct smig_scan s = {0};
	struct smig_err e2 = SMIG_ERR_INIT;
	char *sys = NULL, *sw = NULL;
	bool dirty = false;
	int rc = -1;

	*out = NULL;
	s.e = e;
	s.fs = fs;
	s.inv = calloc(1, sizeof(*s.inv));
	if (s.inv == NULL)
		return smig_err_nomem(e, _("reading the host"));
	s.inv->root = smig_strdup(root, e);
	s.facts = opts ? opts->facts : NULL;
	if (s.facts && (s.inv->facts = smig_strdup(s.facts->dir, e)) == NULL)
		goto out;
	if (smig_hostfs_lookup(fs, SMIG_HIVE_SYSTEM_PATH, &sys, &e2) != 0) {
		if (e2.kind != SMIG_ERR_NONE)
			smig_err_set(e, e2.kind, "%s", e2.msg);
		else
			smig_err_set(e, SMIG_ERR_FORMAT,
				     _("'%s' has no SYSTEM hive (%s): is it the C: volume of a Windows host?"),
				     root, SMIG_HIVE_SYSTEM_WIN);
		goto out;
	}
	if (smig_hive_open(sys, SMIG_HIVE_SYSTEM_WIN, false, &dirty, &s.sys, e) < 0)
		goto out;
	if (dirty)
		smig_scan_note(&s, "", SMIG_SEV_WARNING, "host",
			       _("%s is dirty (its sequence numbers differ): it may miss recent changes; prefer a copy made with 'reg save HKLM\\SYSTEM'"),
			       SMIG_HIVE_SYSTEM_WIN);
	{
		const char *cs = NULL;
		if (smig_hive_control_set(s.sys, &cs, e) < 0)
			goto out;
	}
	if (smig_hostfs_lookup(fs, SMIG_HIVE_SOFTWARE_PATH, &sw, &e2) == 0) {
		dirty = false;
		if (smig_hive_open(sw, SMIG_HIVE_SOFTWARE_WIN, false, &dirty, &s.sw, e) < 0)
			goto out;
		s.inv->os.software_hive = true;
		if (dirty)
			smig_scan_note(&s, "", SMIG_SEV_WARNING, "host",
				       _("%s is dirty (its sequence numbers differ): it may miss recent changes"),
				       SMIG_HIVE_SOFTWARE_WIN);
	} else {
		smig_scan_note(&s, "", SMIG_SEV_WARNING, "host",
			       _("there is no SOFTWARE hive (%s): OS identity, Hyper-V host settings, the authorization store location and DCOM settings are unknown"),
			       SMIG_HIVE_SOFTWARE_WIN);
	}
	if (open_facts(&s, root, opts) < 0)
		goto out;
	if (smig_hostinfo_read(&s) < 0 || smig_vmscan_read(&s) < 0)
		goto out;
	/* the user's --memory-mb wins over systeminfo.txt */
	if (opts && opts->memory_mb) {
		s.inv->os.memory_mb = opts->memory_mb;
		free(s.inv->os.memory_source);
		s.inv->os.memory_source = smig_strdup("--memory-mb", e);
	}
	*out = s.inv;
	s.inv = NULL;
	rc = 0;
out:
	if (s.sys)
		smig_hive_close(s.sys);
	if (s.sw)
		smig_hive_close(s.sw);
	if (s.ipc)
		smig_ipconfig_free(s.ipc);
	if (s.si)
		smig_sysinfo_free(s.si);
	smig_inventory_free(s.inv);
	free(sys);
	free(sw);
	return rc;
}

/* ---- freeing ---- */

static void free_vm(struct smig_inv_vm *vm)
{
	size_t i;

	free(vm->id);
	free(vm->name);
	free(vm->config_local);
	free(vm->config_winpath);
	free(vm->registration);
	free(vm->data_root);
	free(vm->error);
	free(vm->power_state);
	for (i = 0; i < vm->ndrives; i++) {
		free(vm->drives[i].slot);
		free(vm->drives[i].pathname);
		free(vm->drives[i].local);
	}
	free(vm->drives);
	for (i = 0; i < vm->nnics; i++) {
		free(vm->nics[i].name);
		free(vm->nics[i].mac);
		free(vm->nics[i].switch_guid);
		free(vm->nics[i].switch_name);
		free(vm->nics[i].switch_alt_name);
		free(vm->nics[i].port_guid);
	}
	free(vm->nics);
	for (i = 0; i < vm->ndisks; i++) {
		free(vm->disks[i].winpath);
		free(vm->disks[i].local);
		free(vm->disks[i].parent_winpath);
	}
	free(vm->disks);
	for (i = 0; i < vm->nsnapshots; i++) {
		free(vm->snapshots[i].id);
		free(vm->snapshots[i].name);
		free(vm->snapshots[i].config_local);
		free(vm->snapshots[i].config_winpath);
		strv_free(vm->snapshots[i].state_files);
	}
	free(vm->snapshots);
	strv_free(vm->state_files);
	strv_free(vm->stale_avhds);
}

void smig_inventory_free(struct smig_inventory *inv)
{
	struct smig_inv_os *os;
	size_t i, k;

	if (inv == NULL)
		return;
	os = &inv->os;
	free(os->computer_name);
	free(os->dns_hostname);
	free(os->domain);
	free(os->product_name);
	free(os->current_version);
	free(os->build);
	free(os->csd_version);
	free(os->edition_id);
	free(os->installation_type);
	free(os->product_type);
	free(os->architecture);
	free(os->processor_identifier);
	free(os->install_language);
	free(os->default_language);
	free(os->system_locale);
	free(os->memory_source);
	free(os->support_reason);
	free(inv->root);
	free(inv->facts);
	free(inv->hyperv_reason);
	free(inv->ipconfig_as);
	free(inv->systeminfo_as);
	free(inv->host.data_root);
	free(inv->host.vhd_path);
	free(inv->host.store_location);
	free(inv->host.service_application);
	for (i = 0; i < inv->nnics; i++) {
		struct smig_inv_nic *n = &inv->nics[i];
		free(n->guid);
		free(n->class_key);
		free(n->description);
		free(n->connection_name);
		free(n->network_address);
		free(n->mac_source);
		strv_free(n->ip);
		strv_free(n->mask);
		strv_free(n->gateway);
		strv_free(n->dns);
		free(n->switch_guid);
	}
	free(inv->nics);
	for (i = 0; i < inv->nswitches; i++) {
		struct smig_inv_switch *sw = &inv->switches[i];
		free(sw->guid);
		free(sw->name);
		free(sw->external_nic);
		free(sw->host_vnic);
		for (k = 0; k < sw->nports; k++) {
			free(sw->ports[k].guid);
			free(sw->ports[k].name);
			free(sw->ports[k].vm_id);
		}
		free(sw->ports);
	}
	free(inv->switches);
	free(inv->azman.path);
	free(inv->azman.local);
	free(inv->azman.app_name);
	for (i = 0; i < inv->azman.nroles; i++) {
		free(inv->azman.roles[i].app);
		free(inv->azman.roles[i].scope);
		free(inv->azman.roles[i].name);
		strv_free(inv->azman.roles[i].members);
		strv_free(inv->azman.roles[i].member_names);
	}
	free(inv->azman.roles);
	strv_free(inv->azman.scopes);
	strv_free(inv->azman.differences);
	for (i = 0; i < inv->nfwrules; i++) {
		free(inv->fwrules[i].id);
		free(inv->fwrules[i].description);
	}
	free(inv->fwrules);
	free(inv->dcom.sddl);
	strv_free(inv->dcom.aces);
	free(inv->dcom.raw);
	for (i = 0; i < inv->nvms; i++)
		free_vm(&inv->vms[i]);
	free(inv->vms);
	strv_free(inv->drive_letters);
	for (i = 0; i < inv->npriors; i++) {
		free(inv->priors[i].archive_id);
		free(inv->priors[i].source);
		free(inv->priors[i].applied);
		free(inv->priors[i].journal);
		strv_free(inv->priors[i].files);
	}
	free(inv->priors);
	free(inv->pending_data_root);
	free(inv->pending_vhd_path);
	for (i = 0; i < inv->nunmapped; i++) {
		strv_free(inv->unmapped[i].paths);
		strv_free(inv->unmapped[i].vm_paths);
		free(inv->unmapped[i].message);
	}
	free(inv->unmapped);
	smig_problems_release(&inv->problems);
	free(inv);
}

/* ---- lookups and names ---- */

const char *smig_switch_type_name(enum smig_switch_type t)
{
	switch (t) {
	case SMIG_SWITCH_PRIVATE:
		return "private";
	case SMIG_SWITCH_INTERNAL:
		return "internal";
	case SMIG_SWITCH_EXTERNAL:
		return "external";
	}
	return "?";
}

const char *smig_disk_type_name(enum smig_disk_type t)
{
	switch (t) {
	case SMIG_DISK_FIXED:
		return "fixed";
	case SMIG_DISK_DYNAMIC:
		return "dynamic";
	case SMIG_DISK_DIFFERENCING:
		return "differencing";
	}
	return "?";
}

const char *smig_drive_kind_name(enum smig_drive_kind_inv k)
{
	switch (k) {
	case SMIG_INV_DRIVE_VHD:
		return "vhd";
	case SMIG_INV_DRIVE_ISO:
		return "iso";
	case SMIG_INV_DRIVE_VFD:
		return "vfd";
	case SMIG_INV_DRIVE_PASSTHROUGH:
		return "passthrough";
	case SMIG_INV_DRIVE_EMPTY:
		return "empty";
	}
	return "?";
}

const struct smig_inv_switch *smig_inventory_find_switch(const struct smig_inventory *inv,
							  const char *guid)
{
	size_t i;

	for (i = 0; guid && i < inv->nswitches; i++)
		if (smig_guid_str_equal(inv->switches[i].guid, guid))
			return &inv->switches[i];
	return NULL;
}

const struct smig_inv_nic *smig_inventory_find_nic(const struct smig_inventory *inv,
						    const char *guid)
{
	size_t i;

	for (i = 0; guid && i < inv->nnics; i++)
		if (smig_guid_str_equal(inv->nics[i].guid, guid))
			return &inv->nics[i];
	return NULL;
}

/* ---- JSON ---- */

static json_t *jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *jstrv(char *const *v)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; v && v[i]; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *jmac(const struct smig_mac *m, bool has)
{
	char buf[18];

	if (!has)
		return json_null();
	smig_mac_format(m, buf);
	return json_string(buf);
}

static json_t *jguid(const struct smig_guid *g)
{
	char buf[SMIG_GUID_BUFSZ];

	smig_guid_format(g, SMIG_GUID_UPPER, buf);
	return json_string(buf);
}

static json_t *jtri(int v)
{
	return v < 0 ? json_null() : json_integer(v);
}

static json_t *os_json(const struct smig_inv_os *os)
{
	return json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:I,s:I,s:o,s:b,s:o}",
			 "computer_name", jstr(os->computer_name), "dns_hostname",
			 jstr(os->dns_hostname), "domain", jstr(os->domain), "product_name",
			 jstr(os->product_name), "version", jstr(os->current_version), "build",
			 jstr(os->build), "service_pack", jstr(os->csd_version), "edition",
			 jstr(os->edition_id), "installation_type", jstr(os->installation_type),
			 "product_type", jstr(os->product_type), "architecture",
			 jstr(os->architecture), "processor", jstr(os->processor_identifier),
			 "install_language", jstr(os->install_language), "default_language",
			 jstr(os->default_language), "system_locale", jstr(os->system_locale),
			 "logical_processors", (json_int_t)os->logical_processors, "memory_mb",
			 (json_int_t)os->memory_mb, "memory_source", jstr(os->memory_source),
			 "supported_source", os->supported_source, "support_reason",
			 jstr(os->support_reason));
}

static json_t *nic_json(const struct smig_inv_nic *n)
{
	return json_pack("{s:o,s:o,s:o,s:b,s:b,s:o,s:o,s:o,s:o,s:b,s:o,s:o,s:o,s:o,s:o}", "guid",
			 jstr(n->guid), "description", jstr(n->description), "connection_name",
			 jstr(n->connection_name), "physical", n->physical, "host_vnic",
			 n->host_vnic, "mac", jmac(&n->mac, n->has_mac), "mac_source",
			 jstr(n->mac_source), "network_address", jstr(n->network_address), "vmq",
			 jtri(n->vmq), "dhcp", n->dhcp, "ip", jstrv(n->ip), "mask", jstrv(n->mask),
			 "gateway", jstrv(n->gateway), "dns", jstrv(n->dns), "switch",
			 jstr(n->switch_guid));
}

static json_t *switch_json(const struct smig_inv_switch *sw)
{
	json_t *ports = json_array();
	size_t i;

	for (i = 0; i < sw->nports; i++)
		json_array_append_new(ports, json_pack("{s:o,s:o,s:I,s:o,s:b}", "guid",
						       jstr(sw->ports[i].guid), "name",
						       jstr(sw->ports[i].name), "vlan",
						       (json_int_t)sw->ports[i].vlan, "vm",
						       jstr(sw->ports[i].vm_id), "host",
						       sw->ports[i].host));
	return json_pack("{s:o,s:o,s:s,s:o,s:o,s:o}", "guid", jstr(sw->guid), "name",
			 jstr(sw->name), "type", smig_switch_type_name(sw->type), "external_nic",
			 jstr(sw->external_nic), "host_vnic", jstr(sw->host_vnic), "ports", ports);
}

static json_t *vm_json(const struct smig_inv_vm *vm)
{
	json_t *drives = json_array(), *nics = json_array(), *disks = json_array(),
	       *snaps = json_array();
	size_t i;

	for (i = 0; i < vm->ndrives; i++) {
		const struct smig_inv_drive *d = &vm->drives[i];
		json_array_append_new(drives, json_pack("{s:o,s:s,s:o,s:o}", "slot", jstr(d->slot),
							"kind", smig_drive_kind_name(d->kind),
							"path", jstr(d->pathname), "disk",
							d->disk >= 0 ? json_integer(d->disk)
								     : json_null()));
	}
	for (i = 0; i < vm->nnics; i++) {
		const struct smig_inv_nicvm *n = &vm->nics[i];
		json_array_append_new(nics, json_pack("{s:o,s:b,s:o,s:b,s:b,s:o,s:o,s:o,s:o,s:I}",
						      "name", jstr(n->name), "legacy", n->legacy,
						      "mac", jstr(n->mac), "static", n->mac_static,
						      "connected", n->connected, "switch",
						      jstr(n->switch_guid), "switch_name",
						      jstr(n->switch_name), "switch_alt_name",
						      jstr(n->switch_alt_name), "port",
						      jstr(n->port_guid), "vlan",
						      (json_int_t)n->vlan));
	}
	for (i = 0; i < vm->ndisks; i++) {
		const struct smig_inv_disk *d = &vm->disks[i];
		json_array_append_new(
			disks, json_pack("{s:o,s:s,s:I,s:I,s:I,s:o,s:o,s:o,s:b,s:b}", "path",
					 jstr(d->winpath), "type", smig_disk_type_name(d->type),
					 "virtual_size", (json_int_t)d->virtual_size, "file_size",
					 (json_int_t)d->file_size, "data_bytes",
					 (json_int_t)d->data_bytes, "unique_id", jguid(&d->unique_id),
					 "parent", d->parent >= 0 ? json_integer(d->parent) : json_null(),
					 "parent_path", jstr(d->parent_winpath), "parent_time_mismatch",
					 d->time_mismatch, "sparse", d->sparse));
	}
	for (i = 0; i < vm->nsnapshots; i++) {
		const struct smig_inv_snapshot *sn = &vm->snapshots[i];
		char when[32];
		smig_unix_to_iso8601(sn->created, when, sizeof(when));
		json_array_append_new(snaps, json_pack("{s:o,s:o,s:s,s:o,s:b,s:o}", "id",
						       jstr(sn->id), "name", jstr(sn->name),
						       "created", sn->created ? when : "",
						       "parent", sn->parent >= 0 ? json_integer(sn->parent) : json_null(),
						       "saved_state", sn->saved_state, "config",
						       jstr(sn->config_winpath)));
	}
	return json_pack("{s:o,s:o,s:o,s:o,s:o,s:I,s:{s:I,s:I,s:I,s:b},s:{s:I,s:b},s:b,s:b,s:o,s:o,s:o,s:o,s:o,s:b,s:o,s:o,s:o,s:b}",
			 "id", jstr(vm->id), "name", jstr(vm->name), "config",
			 jstr(vm->config_winpath), "registration", jstr(vm->registration),
			 "error", jstr(vm->error), "version", (json_int_t)vm->version, "memory",
			 "startup_mb", (json_int_t)vm->memory_mb, "minimum_mb",
			 (json_int_t)vm->memory_min_mb, "maximum_mb", (json_int_t)vm->memory_max_mb,
			 "dynamic", vm->dynamic_memory, "processors", "count",
			 (json_int_t)vm->cpu_count, "compatibility", vm->cpu_compat,
			 "highly_available", vm->highly_available, "saved_state", vm->saved_state,
			 "drives", drives, "nics", nics, "disks", disks, "snapshots", snaps,
			 "current_snapshot",
			 vm->current_parent >= 0 ? json_integer(vm->current_parent) : json_null(),
			 "tree_verified", vm->tree_verified, "stale_avhds", jstrv(vm->stale_avhds),
			 "data_root", jstr(vm->data_root), "power_state", jstr(vm->power_state),
			 "must_shut_down", vm->must_shut_down);
}

static json_t *azman_json(const struct smig_inv_azman *az)
{
	json_t *roles = json_array();
	size_t i;

	for (i = 0; i < az->nroles; i++)
		json_array_append_new(roles, json_pack("{s:o,s:o,s:o}", "name",
						       jstr(az->roles[i].name), "scope",
						       jstr(az->roles[i].scope), "members",
						       jstrv(az->roles[i].members)));
	return json_pack("{s:b,s:b,s:o,s:I,s:o,s:I,s:I,s:I,s:o,s:o,s:b,s:o}", "present", az->present,
			 "active_directory", az->ad_store, "path", jstr(az->path), "size",
			 (json_int_t)az->size, "application", jstr(az->app_name), "operations",
			 (json_int_t)az->noperations, "tasks", (json_int_t)az->ntasks,
			 "role_definitions", (json_int_t)az->nrole_definitions, "role_assignments",
			 roles, "scopes", jstrv(az->scopes), "customised", az->customised,
			 "differences", jstrv(az->differences));
}

json_t *smig_inventory_to_jansson(const struct smig_inventory *inv)
{
	json_t *nics = json_array(), *sws = json_array(), *vms = json_array(),
	       *fw = json_array(), *problems = json_array(), *host;
	const struct smig_inv_hostsettings *h = &inv->host;
	char now[32];
	size_t i;

	for (i = 0; i < inv->nnics; i++)
		json_array_append_new(nics, nic_json(&inv->nics[i]));
	for (i = 0; i < inv->nswitches; i++)
		json_array_append_new(sws, switch_json(&inv->switches[i]));
	for (i = 0; i < inv->nvms; i++)
		json_array_append_new(vms, vm_json(&inv->vms[i]));
	for (i = 0; i < inv->nfwrules; i++)
		json_array_append_new(fw, json_pack("{s:o,s:o,s:b,s:b}", "id",
						    jstr(inv->fwrules[i].id), "rule",
						    jstr(inv->fwrules[i].description), "hyperv",
						    inv->fwrules[i].hyperv, "user_defined",
						    inv->fwrules[i].user_defined));
	for (i = 0; i < inv->problems.count; i++) {
		const struct smig_problem *p = &inv->problems.items[i];
		json_array_append_new(problems, json_pack("{s:s,s:s,s:s,s:s,s:o,s:o}", "id", p->id,
							  "severity", smig_severity_name(p->severity),
							  "subject", p->subject, "message", p->message,
							  "action", jstr(p->action), "powershell",
							  jstr(p->powershell)));
	}
	host = json_pack("{s:o,s:o,s:o,s:o,s:b,s:o,s:o,s:{s:o,s:o}}", "data_root",
			 jstr(h->data_root), "vhd_path", jstr(h->vhd_path), "mac_minimum",
			 jmac(&h->mac_min, h->has_mac_range), "mac_maximum",
			 jmac(&h->mac_max, h->has_mac_range), "mac_range_default",
			 h->mac_range_default, "store_location", jstr(h->store_location),
			 "service_application", jstr(h->service_application), "vmq", "tengig",
			 jtri(h->vmq_tengig), "below_tengig", jtri(h->vmq_below_tengig));
	smig_unix_to_iso8601((int64_t)time(NULL), now, sizeof(now));
	/* schemas/smig-inventory.schema.json describes this object: a change of its keys is a
	 * new schema version there and here */
	return json_pack("{s:s,s:s,s:o,s:o,s:o,s:b,s:o,s:b,s:b,s:o,s:o,s:o,s:o,s:o,s:{s:I,s:o},s:{s:b,s:b,s:o,s:o},s:o,s:o}",
			 "schema", SMIG_INVENTORY_SCHEMA, "generated_utc", now,
			 "root", jstr(inv->root), "facts", jstr(inv->facts), "os", os_json(&inv->os), "hyperv", inv->hyperv,
			 "hyperv_reason", jstr(inv->hyperv_reason), "ipconfig", inv->ipconfig,
			 "systeminfo", inv->systeminfo, "host_settings", host, "adapters", nics,
			 "virtual_networks", sws, "authorization_store", azman_json(&inv->azman),
			 "virtual_machines", vms, "firewall", "rules_total",
			 (json_int_t)inv->nfwrules_total, "rules", fw, "dcom", "present",
			 inv->dcom.present, "customised", inv->dcom.customised, "sddl",
			 jstr(inv->dcom.sddl), "aces", jstrv(inv->dcom.aces), "drive_letters",
			 jstrv(inv->drive_letters), "problems", problems);
}

char *smig_inventory_to_json(const struct smig_inventory *inv, struct smig_err *e)
{
	json_t *j = smig_inventory_to_jansson(inv);
	char *s;

	if (j == NULL) {
		smig_err_nomem(e, _("building JSON"));
		return NULL;
	}
	s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(j);
	if (s == NULL)
		smig_err_nomem(e, _("building JSON"));
	return s;
}
