/*
 * test_descriptor.c - smig/descriptor.xml: the example source host's whole inventory written,
 * accepted by xmllint against manifests/schema/descriptor.xsd, read back equal field by field
 * and rewritten byte for byte; the lab-2012 destination likewise; awkward strings survive.
 * Rejecting twins: schema violations (missing archive-id, bad switch type, negative size,
 * bad member name), truncated XML, DOCTYPE/entities, format="2", an unknown element, non-UTF-8,
 * oversize, broken index links, and values the writer cannot carry.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "descriptor.h"
#include "hostfs.h"
#include "inventory.h"

struct fx {
	char *dir, *src, *dst;
	char *xsd;
};

static int group_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->dir = tu_mkdtemp();
	f->src = tu_fmt("%s/lab", f->dir);
	f->dst = tu_fmt("%s/lab12", f->dir);
	f->xsd = tu_src("manifests/schema/descriptor.xsd");
	tu_build_example("lab-2008r2", f->src);
	tu_build_example("lab-2012", f->dst);
	*state = f;
	return 0;
}

static int group_teardown(void **state)
{
	struct fx *f = *state;

	tu_rmtree(f->dir);
	free(f->dir);
	free(f->src);
	free(f->dst);
	free(f->xsd);
	free(f);
	return 0;
}

static char **strv(const char *a, const char *b)
{
	char **v = calloc(3, sizeof(*v));

	v[0] = a ? strdup(a) : NULL;
	v[1] = a && b ? strdup(b) : NULL;
	return v;
}

static void add_member(struct smig_descriptor *d, const char *name, const char *winpath,
		       const char *comp, const char *vm_id, const char *role, uint64_t size)
{
	struct smig_desc_member *m;

	d->members = realloc(d->members, (d->nmembers + 1) * sizeof(*d->members));
	m = &d->members[d->nmembers++];
	m->name = strdup(name);
	m->winpath = winpath ? strdup(winpath) : NULL;
	m->feature = strdup("hyperv");
	m->component = strdup(comp);
	m->vm_id = vm_id ? strdup(vm_id) : NULL;
	m->role = strdup(role);
	m->size = size;
}

/* A descriptor around `inv` (taken) with a few members of every role. */
static struct smig_descriptor *make_desc(struct smig_inventory *inv)
{
	struct smig_descriptor *d = calloc(1, sizeof(*d));
	struct smig_err e = SMIG_ERR_INIT;
	char id[37];

	assert_int_equal(smig_uuid4(id, &e), 0);
	d->format = 1;
	d->archive_id = strdup(id);
	d->created = strdup("2024-05-01T10:00:00Z");
	d->smig_version = strdup(SMIG_VERSION);
	d->features = strv("hyperv", "ipconfig");
	d->vms = NULL;
	d->type = strdup("all");
	d->include_saved_state = true;
	d->inv = inv;
	add_member(d, "hyperv/vms/6F0B2E9A-41C3-4B8E-9E5B-1D2C3A4B5C01/config.xml",
		   "D:\\Hyper-V\\web01\\Virtual Machines\\6F0B2E9A-41C3-4B8E-9E5B-1D2C3A4B5C01.xml",
		   "vms", "6F0B2E9A-41C3-4B8E-9E5B-1D2C3A4B5C01", "config", 9001);
	add_member(d, "hyperv/vms/6F0B2E9A-41C3-4B8E-9E5B-1D2C3A4B5C01/disks/web01.vhd",
		   "D:\\VHD\\web01.vhd", "vms", "6F0B2E9A-41C3-4B8E-9E5B-1D2C3A4B5C01", "disk",
		   UINT64_C(12884901888) /* over 8 GiB */);
	add_member(d, "hyperv/vms/6F0B2E9A-41C3-4B8E-9E5B-1D2C3A4B5C01/disks/web01-1.vhd",
		   "E:\\Other\\web01.vhd", "vms", "6F0B2E9A-41C3-4B8E-9E5B-1D2C3A4B5C01", "disk",
		   0);
	add_member(d, "hyperv/host-settings.reg", NULL, "host-settings", NULL, "registry", 2048);
	add_member(d, "hyperv/azman/InitialStore.xml",
		   "C:\\ProgramData\\Microsoft\\Windows\\Hyper-V\\InitialStore.xml", "azman", NULL,
		   "file", 4511);
	return d;
}

/* ---- field-by-field comparison (the test's own, independent of descriptor.c's tables) ---- */

static void s_eq(const char *what, const char *a, const char *b)
{
	if ((a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0))
		fail_msg("%s: '%s' != '%s'", what, a ? a : "(null)", b ? b : "(null)");
}

static void v_eq(const char *what, char *const *a, char *const *b)
{
	size_t i;

	if ((a == NULL) != (b == NULL))
		fail_msg("%s: one list is NULL", what);
	for (i = 0; a && (a[i] || b[i]); i++)
		s_eq(what, a[i], b[i]);
}

#define I_EQ(a, b) assert_int_equal((a), (b))

static void os_eq(const struct smig_inv_os *a, const struct smig_inv_os *b)
{
	s_eq("computer_name", a->computer_name, b->computer_name);
	s_eq("dns_hostname", a->dns_hostname, b->dns_hostname);
	s_eq("domain", a->domain, b->domain);
	s_eq("product_name", a->product_name, b->product_name);
	s_eq("current_version", a->current_version, b->current_version);
	s_eq("build", a->build, b->build);
	s_eq("csd_version", a->csd_version, b->csd_version);
	s_eq("edition_id", a->edition_id, b->edition_id);
	s_eq("installation_type", a->installation_type, b->installation_type);
	s_eq("product_type", a->product_type, b->product_type);
	s_eq("architecture", a->architecture, b->architecture);
	s_eq("processor_identifier", a->processor_identifier, b->processor_identifier);
	s_eq("install_language", a->install_language, b->install_language);
	s_eq("default_language", a->default_language, b->default_language);
	s_eq("system_locale", a->system_locale, b->system_locale);
	s_eq("memory_source", a->memory_source, b->memory_source);
	s_eq("support_reason", a->support_reason, b->support_reason);
	I_EQ(a->logical_processors, b->logical_processors);
	I_EQ(a->memory_mb, b->memory_mb);
	I_EQ(a->supported_source, b->supported_source);
	I_EQ(a->is_2012, b->is_2012);
	I_EQ(a->software_hive, b->software_hive);
}

static void host_eq(const struct smig_inv_hostsettings *a, const struct smig_inv_hostsettings *b)
{
	s_eq("data_root", a->data_root, b->data_root);
	s_eq("vhd_path", a->vhd_path, b->vhd_path);
	s_eq("store_location", a->store_location, b->store_location);
	s_eq("service_application", a->service_application, b->service_application);
	I_EQ(a->has_mac_range, b->has_mac_range);
	if (a->has_mac_range) {
		assert_memory_equal(a->mac_min.b, b->mac_min.b, 6);
		assert_memory_equal(a->mac_max.b, b->mac_max.b, 6);
	}
	I_EQ(a->mac_range_default, b->mac_range_default);
	I_EQ(a->vmq_tengig, b->vmq_tengig);
	I_EQ(a->vmq_below_tengig, b->vmq_below_tengig);
}

static void nic_eq(const struct smig_inv_nic *a, const struct smig_inv_nic *b)
{
	s_eq("nic guid", a->guid, b->guid);
	s_eq("class_key", a->class_key, b->class_key);
	s_eq("description", a->description, b->description);
	s_eq("connection_name", a->connection_name, b->connection_name);
	s_eq("network_address", a->network_address, b->network_address);
	s_eq("mac_source", a->mac_source, b->mac_source);
	s_eq("nic switch", a->switch_guid, b->switch_guid);
	I_EQ(a->characteristics, b->characteristics);
	I_EQ(a->physical, b->physical);
	I_EQ(a->host_vnic, b->host_vnic);
	I_EQ(a->has_mac, b->has_mac);
	if (a->has_mac)
		assert_memory_equal(a->mac.b, b->mac.b, 6);
	I_EQ(a->vmq, b->vmq);
	I_EQ(a->has_tcpip, b->has_tcpip);
	I_EQ(a->dhcp, b->dhcp);
	v_eq("ip", a->ip, b->ip);
	v_eq("mask", a->mask, b->mask);
	v_eq("gateway", a->gateway, b->gateway);
	v_eq("dns", a->dns, b->dns);
}

static void switch_eq(const struct smig_inv_switch *a, const struct smig_inv_switch *b)
{
	size_t i;

	s_eq("switch guid", a->guid, b->guid);
	s_eq("switch name", a->name, b->name);
	I_EQ(a->type, b->type);
	s_eq("external_nic", a->external_nic, b->external_nic);
	s_eq("switch host_vnic", a->host_vnic, b->host_vnic);
	I_EQ(a->nports, b->nports);
	for (i = 0; i < a->nports; i++) {
		s_eq("port guid", a->ports[i].guid, b->ports[i].guid);
		s_eq("port name", a->ports[i].name, b->ports[i].name);
		s_eq("port vm", a->ports[i].vm_id, b->ports[i].vm_id);
		I_EQ(a->ports[i].vlan, b->ports[i].vlan);
	}
}

static void azman_eq(const struct smig_inv_azman *a, const struct smig_inv_azman *b)
{
	size_t i;

	I_EQ(a->present, b->present);
	I_EQ(a->ad_store, b->ad_store);
	s_eq("azman path", a->path, b->path);
	assert_null(b->local);
	I_EQ(a->size, b->size);
	s_eq("app_name", a->app_name, b->app_name);
	I_EQ(a->noperations, b->noperations);
	I_EQ(a->ntasks, b->ntasks);
	I_EQ(a->nrole_definitions, b->nrole_definitions);
	I_EQ(a->customised, b->customised);
	v_eq("scopes", a->scopes, b->scopes);
	v_eq("differences", a->differences, b->differences);
	I_EQ(a->nroles, b->nroles);
	for (i = 0; i < a->nroles; i++) {
		s_eq("role app", a->roles[i].app, b->roles[i].app);
		s_eq("role scope", a->roles[i].scope, b->roles[i].scope);
		s_eq("role name", a->roles[i].name, b->roles[i].name);
		v_eq("role members", a->roles[i].members, b->roles[i].members);
		v_eq("role member names", a->roles[i].member_names, b->roles[i].member_names);
	}
}

static void vm_eq(const struct smig_inv_vm *a, const struct smig_inv_vm *b)
{
	size_t i;

	s_eq("vm id", a->id, b->id);
	s_eq("vm name", a->name, b->name);
	s_eq("config_winpath", a->config_winpath, b->config_winpath);
	s_eq("registration", a->registration, b->registration);
	s_eq("vm data_root", a->data_root, b->data_root);
	s_eq("vm error", a->error, b->error);
	assert_null(b->config_local);
	assert_null(b->state_files);
	I_EQ(a->version, b->version);
	I_EQ(a->memory_mb, b->memory_mb);
	I_EQ(a->memory_min_mb, b->memory_min_mb);
	I_EQ(a->memory_max_mb, b->memory_max_mb);
	I_EQ(a->dynamic_memory, b->dynamic_memory);
	I_EQ(a->highly_available, b->highly_available);
	I_EQ(a->cpu_count, b->cpu_count);
	I_EQ(a->cpu_compat, b->cpu_compat);
	I_EQ(a->current_parent, b->current_parent);
	I_EQ(a->tree_verified, b->tree_verified);
	I_EQ(a->saved_state, b->saved_state);
	v_eq("stale_avhds", a->stale_avhds, b->stale_avhds);
	I_EQ(a->ndrives, b->ndrives);
	for (i = 0; i < a->ndrives; i++) {
		s_eq("slot", a->drives[i].slot, b->drives[i].slot);
		s_eq("pathname", a->drives[i].pathname, b->drives[i].pathname);
		I_EQ(a->drives[i].kind, b->drives[i].kind);
		I_EQ(a->drives[i].disk, b->drives[i].disk);
		assert_null(b->drives[i].local);
	}
	I_EQ(a->nnics, b->nnics);
	for (i = 0; i < a->nnics; i++) {
		s_eq("vm nic name", a->nics[i].name, b->nics[i].name);
		s_eq("vm nic mac", a->nics[i].mac, b->nics[i].mac);
		s_eq("vm nic switch", a->nics[i].switch_guid, b->nics[i].switch_guid);
		s_eq("vm nic switch name", a->nics[i].switch_name, b->nics[i].switch_name);
		s_eq("vm nic port", a->nics[i].port_guid, b->nics[i].port_guid);
		I_EQ(a->nics[i].legacy, b->nics[i].legacy);
		I_EQ(a->nics[i].mac_static, b->nics[i].mac_static);
		I_EQ(a->nics[i].connected, b->nics[i].connected);
		I_EQ(a->nics[i].vlan, b->nics[i].vlan);
	}
	I_EQ(a->ndisks, b->ndisks);
	for (i = 0; i < a->ndisks; i++) {
		const struct smig_inv_disk *x = &a->disks[i], *y = &b->disks[i];

		s_eq("disk winpath", x->winpath, y->winpath);
		s_eq("parent_winpath", x->parent_winpath, y->parent_winpath);
		assert_null(y->local);
		I_EQ(x->type, y->type);
		I_EQ(x->virtual_size, y->virtual_size);
		I_EQ(x->file_size, y->file_size);
		I_EQ(x->data_bytes, y->data_bytes);
		assert_true(smig_guid_equal(&x->unique_id, &y->unique_id));
		assert_true(smig_guid_equal(&x->parent_id, &y->parent_id));
		I_EQ(x->parent, y->parent);
		I_EQ(x->time_mismatch, y->time_mismatch);
		I_EQ(x->sparse, y->sparse);
	}
	I_EQ(a->nsnapshots, b->nsnapshots);
	for (i = 0; i < a->nsnapshots; i++) {
		const struct smig_inv_snapshot *x = &a->snapshots[i], *y = &b->snapshots[i];

		s_eq("snapshot id", x->id, y->id);
		s_eq("snapshot name", x->name, y->name);
		s_eq("snapshot config", x->config_winpath, y->config_winpath);
		assert_null(y->config_local);
		assert_null(y->state_files);
		I_EQ(x->created, y->created);
		I_EQ(x->parent, y->parent);
		I_EQ(x->saved_state, y->saved_state);
		I_EQ(x->disk, y->disk);
	}
}

static void inv_eq(const struct smig_inventory *a, const struct smig_inventory *b)
{
	size_t i;

	assert_null(b->root);
	os_eq(&a->os, &b->os);
	I_EQ(a->hyperv, b->hyperv);
	s_eq("hyperv_reason", a->hyperv_reason, b->hyperv_reason);
	I_EQ(a->ipconfig, b->ipconfig);
	I_EQ(a->systeminfo, b->systeminfo);
	host_eq(&a->host, &b->host);
	I_EQ(a->nnics, b->nnics);
	for (i = 0; i < a->nnics; i++)
		nic_eq(&a->nics[i], &b->nics[i]);
	I_EQ(a->nswitches, b->nswitches);
	for (i = 0; i < a->nswitches; i++)
		switch_eq(&a->switches[i], &b->switches[i]);
	azman_eq(&a->azman, &b->azman);
	I_EQ(a->nfwrules, b->nfwrules);
	I_EQ(a->nfwrules_total, b->nfwrules_total);
	for (i = 0; i < a->nfwrules; i++) {
		s_eq("fw id", a->fwrules[i].id, b->fwrules[i].id);
		s_eq("fw description", a->fwrules[i].description, b->fwrules[i].description);
		I_EQ(a->fwrules[i].hyperv, b->fwrules[i].hyperv);
		I_EQ(a->fwrules[i].user_defined, b->fwrules[i].user_defined);
	}
	I_EQ(a->dcom.present, b->dcom.present);
	I_EQ(a->dcom.customised, b->dcom.customised);
	s_eq("sddl", a->dcom.sddl, b->dcom.sddl);
	v_eq("aces", a->dcom.aces, b->dcom.aces);
	I_EQ(a->dcom.raw == NULL, b->dcom.raw == NULL);
	I_EQ(a->dcom.raw_len, b->dcom.raw_len);
	if (a->dcom.raw_len)
		assert_memory_equal(a->dcom.raw, b->dcom.raw, a->dcom.raw_len);
	I_EQ(a->nvms, b->nvms);
	for (i = 0; i < a->nvms; i++)
		vm_eq(&a->vms[i], &b->vms[i]);
	v_eq("drive_letters", a->drive_letters, b->drive_letters);
	I_EQ(a->problems.count, b->problems.count);
	for (i = 0; i < a->problems.count; i++) {
		const struct smig_problem *x = &a->problems.items[i], *y = &b->problems.items[i];

		s_eq("problem id", x->id, y->id);
		I_EQ(x->severity, y->severity);
		s_eq("problem subject", x->subject, y->subject);
		s_eq("problem message", x->message, y->message);
		s_eq("problem action", x->action, y->action);
		s_eq("problem powershell", x->powershell, y->powershell);
	}
}

static void desc_eq(const struct smig_descriptor *a, const struct smig_descriptor *b)
{
	size_t i;

	I_EQ(a->format, b->format);
	s_eq("archive_id", a->archive_id, b->archive_id);
	s_eq("created", a->created, b->created);
	s_eq("smig_version", a->smig_version, b->smig_version);
	v_eq("features", a->features, b->features);
	v_eq("vms", a->vms, b->vms);
	s_eq("type", a->type, b->type);
	I_EQ(a->include_saved_state, b->include_saved_state);
	inv_eq(a->inv, b->inv);
	I_EQ(a->nmembers, b->nmembers);
	for (i = 0; i < a->nmembers; i++) {
		s_eq("member name", a->members[i].name, b->members[i].name);
		s_eq("member winpath", a->members[i].winpath, b->members[i].winpath);
		s_eq("member feature", a->members[i].feature, b->members[i].feature);
		s_eq("member component", a->members[i].component, b->members[i].component);
		s_eq("member vm", a->members[i].vm_id, b->members[i].vm_id);
		s_eq("member role", a->members[i].role, b->members[i].role);
		I_EQ(a->members[i].size, b->members[i].size);
	}
}

/* ---- helpers ---- */

static char *write_ok(const struct smig_descriptor *d, size_t *len)
{
	struct smig_err e = SMIG_ERR_INIT;
	char *out = NULL;

	if (smig_descriptor_write(d, &out, len, &e) < 0)
		fail_msg("write: %s", e.msg);
	assert_int_equal(strlen(out), *len);
	return out;
}

static struct smig_descriptor *read_ok(const struct fx *f, const char *buf, size_t len)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_descriptor *d = NULL;

	if (smig_descriptor_read(buf, len, f->xsd, &d, &e) < 0)
		fail_msg("read: %s", e.msg);
	return d;
}

/* xmllint as an independent validator; -1 when it is not installed */
static int xmllint(const struct fx *f, const char *text, size_t len)
{
	char *path;
	int rc;

	if (!tu_have("xmllint"))
		return -1;
	path = tu_fmt("%s/descriptor.xml", f->dir);
	tu_write(path, text, len);
	rc = tu_sh("xmllint --noout --nonet --schema '%s' '%s' 2>/dev/null", f->xsd, path);
	free(path);
	return rc;
}

/* The first occurrence of `old` in `s` replaced by `new` (the test fails if absent). */
static char *replace(const char *s, const char *old, const char *new)
{
	const char *p = strstr(s, old);
	char *r;

	if (p == NULL)
		fail_msg("'%s' is not in the descriptor", old);
	r = tu_fmt("%.*s%s%s", (int)(p - s), s, new, p + strlen(old));
	return r;
}

static void expect_fail(const struct fx *f, const char *text, size_t len,
			enum smig_err_kind kind, const char *needle)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_descriptor *d = NULL;

	assert_int_equal(smig_descriptor_read(text, len, f->xsd, &d, &e), -1);
	assert_null(d);
	assert_int_equal(e.kind, kind);
	if (strstr(e.msg, needle) == NULL)
		fail_msg("error '%s' lacks '%s'", e.msg, needle);
}

/* ---- tests ---- */

static void roundtrip(const struct fx *f, const char *host, bool source)
{
	struct smig_descriptor *d = make_desc(tu_read_host(host)), *back;
	char *text, *text2;
	size_t len, len2;
	int lint;

	if (source) {
		/* the parts of the example the comparison must cover really are there */
		assert_int_equal(d->inv->nvms, 4);
		assert_int_equal(d->inv->nswitches, 3);
		assert_true(d->inv->azman.nroles >= 3);
		assert_true(d->inv->problems.count > 0);
	} else {
		assert_int_equal(d->inv->nvms, 0);
		assert_int_equal(d->inv->nswitches, 0);
	}
	text = write_ok(d, &len);
	assert_true(strncmp(text, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 39) == 0);
	assert_non_null(
		strstr(text, "<smig-descriptor xmlns=\"urn:smig:descriptor:1\" format=\"1\">"));
	/* local paths of the exporting machine stay behind */
	assert_null(strstr(text, host));
	lint = xmllint(f, text, len);
	if (lint >= 0)
		assert_int_equal(lint, 0);
	back = read_ok(f, text, len);
	desc_eq(d, back);
	text2 = write_ok(back, &len2);
	assert_int_equal(len, len2);
	assert_memory_equal(text, text2, len);
	free(text);
	free(text2);
	smig_descriptor_free(back);
	smig_descriptor_free(d);
}

static void roundtrip_source(void **state)
{
	struct fx *f = *state;

	roundtrip(f, f->src, true);
}

static void roundtrip_destination(void **state)
{
	struct fx *f = *state;

	roundtrip(f, f->dst, false);
}

/* The example's details survive: snapshot tree, disk chain, VLAN, azman scope, DCOM bytes. */
static void source_details(void **state)
{
	struct fx *f = *state;
	struct smig_descriptor *d = make_desc(tu_read_host(f->src)), *b;
	const struct smig_inv_vm *web = NULL;
	char *text;
	size_t len, i;

	assert_non_null(d->inv->dcom.raw);
	text = write_ok(d, &len);
	b = read_ok(f, text, len);
	for (i = 0; i < b->inv->nvms; i++)
		if (strcmp(b->inv->vms[i].name, "web01") == 0)
			web = &b->inv->vms[i];
	assert_non_null(web);
	assert_int_equal(web->nsnapshots, 2);
	assert_int_equal(web->snapshots[1].parent, 0);
	assert_int_equal(web->current_parent, 1);
	assert_int_equal(web->disks[0].parent, 1);
	assert_int_equal(web->disks[0].type, SMIG_DISK_DIFFERENCING);
	assert_non_null(web->stale_avhds);
	assert_int_equal(b->inv->switches[0].ports[0].vlan, 20);
	assert_true(b->inv->host.has_mac_range);
	assert_int_equal(b->members[1].size, UINT64_C(12884901888));
	assert_null(b->members[3].winpath);
	assert_null(b->vms);
	assert_string_equal(b->features[1], "ipconfig");
	assert_int_equal(b->inv->dcom.raw_len, d->inv->dcom.raw_len);
	assert_memory_equal(b->inv->dcom.raw, d->inv->dcom.raw, d->inv->dcom.raw_len);
	free(text);
	smig_descriptor_free(b);
	smig_descriptor_free(d);
}

/* Markup characters, whitespace, non-ASCII; NULL vs "" and NULL vs empty list all survive. */
static void awkward_strings(void **state)
{
	struct fx *f = *state;
	struct smig_inventory *inv = calloc(1, sizeof(*inv));
	struct smig_descriptor *d, *b;
	struct smig_err e = SMIG_ERR_INIT;
	char *text, *text2;
	size_t len, len2;

	inv->os.computer_name = strdup("<&>\"' ]]> \t tab\nnew line\r\ncrlf  ");
	inv->os.domain = strdup("");
	inv->os.product_name = strdup("Windows Server 2008 R2 \xC3\x9Cnic\xC3\xB8"
				      "de \xF0\x9F\x98\x80");
	inv->hyperv_reason = strdup(" leading and trailing ");
	inv->drive_letters = calloc(1, sizeof(char *)); /* empty, not NULL */
	inv->host.vmq_tengig = inv->host.vmq_below_tengig = -1;
	smig_problems_add(&inv->problems, "SMIG3003", SMIG_SEV_MANUAL, "host", "do\tthis",
			  "Set-VMHost -MacAddressMinimum \"00155D0A0000\"", &e, "a %s", "message");
	inv->dcom.raw = malloc(1); /* present, zero bytes */
	d = make_desc(inv);
	free(d->members[3].winpath);
	d->members[3].winpath = strdup("C:\\a\tb\r\nc");
	text = write_ok(d, &len);
	b = read_ok(f, text, len);
	desc_eq(d, b);
	assert_string_equal(b->inv->os.domain, "");
	assert_null(b->inv->os.dns_hostname);
	assert_non_null(b->inv->drive_letters);
	assert_null(b->inv->drive_letters[0]);
	assert_null(b->inv->nics);
	text2 = write_ok(b, &len2);
	assert_int_equal(len, len2);
	assert_memory_equal(text, text2, len);
	free(text);
	free(text2);
	smig_descriptor_free(b);
	smig_descriptor_free(d);
}

/* Each twin is valid but for one change; both smig and xmllint refuse it. */
static void schema_violations(void **state)
{
	struct fx *f = *state;
	struct smig_descriptor *d = make_desc(tu_read_host(f->src));
	const char *cases[][2] = {
		{"type=\"external\"", "type=\"bridged\""},
		{"size=\"2048\"", "size=\"-5\""},
		{"name=\"hyperv/host-settings.reg\"", "name=\"hyperv/../host-settings.reg\""},
		{"role=\"config\"", "role=\"binary\""},
		{"vm id=\"", "vm id=\"not-a-guid-"},
		{"mac-min=\"00-15-5D-0A-00-00\"", "mac-min=\"00-15-5D-0A-00\""},
		{"severity=\"info\"", "severity=\"fatal\""},
		{"<created>2024-05-01T10:00:00Z</created>", "<created>2024-05-01 10:00</created>"},
		{"virtual-size=\"", "virtual-size=\"-"},
		{"vmq=\"1\"", "vmq=\"7\""},
	};
	char *text, *bad, *id;
	size_t len, i;

	text = write_ok(d, &len);
	/* missing archive-id */
	id = tu_fmt("<archive-id>%s</archive-id>", d->archive_id);
	bad = replace(text, id, "");
	expect_fail(f, bad, strlen(bad), SMIG_ERR_FORMAT, "does not match its schema: line 4: "
		    "Element '{urn:smig:descriptor:1}created': This element is not expected. "
		    "Expected is ( {urn:smig:descriptor:1}archive-id )");
	if (xmllint(f, bad, strlen(bad)) >= 0)
		assert_int_not_equal(xmllint(f, bad, strlen(bad)), 0);
	free(bad);
	free(id);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bad = replace(text, cases[i][0], cases[i][1]);
		expect_fail(f, bad, strlen(bad), SMIG_ERR_FORMAT,
			    "does not match its schema: line");
		if (xmllint(f, bad, strlen(bad)) >= 0 && xmllint(f, bad, strlen(bad)) == 0)
			fail_msg("xmllint accepts the twin '%s'", cases[i][1]);
		free(bad);
	}
	free(text);
	smig_descriptor_free(d);
}

static void malformed(void **state)
{
	struct fx *f = *state;
	struct smig_descriptor *d = make_desc(tu_read_host(f->src));
	char *text, *bad, *big;
	size_t len;

	text = write_ok(d, &len);
	/* a '.' or '..' component in a signed Windows path (issue 10 item 6), as an attribute
	 * and as an element: the file would be placed elsewhere than the configuration says */
	bad = replace(text, "winpath=\"D:\\VHD\\", "winpath=\"D:\\Hyper-V\\..\\..\\tmp\\");
	assert_true(strcmp(bad, text) != 0);
	expect_fail(f, bad, strlen(bad), SMIG_ERR_FORMAT, "'.' or '..' component in winpath");
	free(bad);
	bad = replace(text, "<data-root>D:\\Hyper-V", "<data-root>D:\\.\\Hyper-V");
	assert_true(strcmp(bad, text) != 0);
	expect_fail(f, bad, strlen(bad), SMIG_ERR_FORMAT, "'.' or '..' component in data-root");
	free(bad);
	/* truncated */
	expect_fail(f, text, len / 2, SMIG_ERR_FORMAT, "not well-formed XML (line");
	expect_fail(f, text, len - 3, SMIG_ERR_FORMAT, "not well-formed XML");
	/* a DTD with an entity */
	bad = replace(text, "<smig-descriptor",
		      "<!DOCTYPE smig-descriptor [<!ENTITY x \"boom\">]>\n<smig-descriptor");
	expect_fail(f, bad, strlen(bad), SMIG_ERR_FORMAT, "DOCTYPE");
	free(bad);
	/* an external entity by another spelling still needs a DOCTYPE */
	bad = replace(text, "<smig-descriptor",
		      "<!DOCTYPE r SYSTEM \"http://example.invalid/x.dtd\">\n<smig-descriptor");
	expect_fail(f, bad, strlen(bad), SMIG_ERR_FORMAT, "DOCTYPE");
	free(bad);
	/* a newer format */
	bad = replace(text, "format=\"1\"", "format=\"2\"");
	expect_fail(f, bad, strlen(bad), SMIG_ERR_UNSUPPORTED, "format 2 is not supported");
	free(bad);
	bad = replace(text, "format=\"1\"", "format=\"one\"");
	expect_fail(f, bad, strlen(bad), SMIG_ERR_FORMAT, "format");
	free(bad);
	/* an unknown element */
	bad = replace(text, "<problems>", "<bogus/>\n    <problems>");
	expect_fail(f, bad, strlen(bad), SMIG_ERR_FORMAT, "does not match its schema");
	free(bad);
	/* another namespace */
	bad = replace(text, "urn:smig:descriptor:1", "urn:smig:descriptor:9");
	expect_fail(f, bad, strlen(bad), SMIG_ERR_FORMAT, "root element");
	free(bad);
	/* not UTF-8 */
	bad = replace(text, "HV-SRC01", "HV-\xE9SRC01");
	expect_fail(f, bad, strlen(bad), SMIG_ERR_FORMAT, "not UTF-8");
	free(bad);
	/* too big */
	big = calloc(1, SMIG_DESCRIPTOR_MAX + 1);
	memcpy(big, text, len);
	memset(big + len, ' ', SMIG_DESCRIPTOR_MAX + 1 - len);
	expect_fail(f, big, SMIG_DESCRIPTOR_MAX + 1, SMIG_ERR_FORMAT, "limit");
	/* ...while trailing spaces under the limit are fine */
	{
		struct smig_descriptor *ok = read_ok(f, big, len + 100);
		smig_descriptor_free(ok);
	}
	free(big);
	free(text);
	smig_descriptor_free(d);
}

/* Schema-valid descriptors whose index links are broken: the reader's own checks refuse them. */
static void broken_links(void **state)
{
	struct fx *f = *state;
	struct smig_inventory *inv = calloc(1, sizeof(*inv));
	struct smig_descriptor *d;
	struct smig_inv_vm *vm;
	char *text;
	size_t len;

	inv->host.vmq_tengig = inv->host.vmq_below_tengig = -1;
	inv->vms = calloc(1, sizeof(*vm));
	inv->nvms = 1;
	vm = &inv->vms[0];
	vm->id = strdup("6F0B2E9A-41C3-4B8E-9E5B-1D2C3A4B5C01");
	vm->current_parent = -1;
	vm->disks = calloc(2, sizeof(*vm->disks));
	vm->ndisks = 2;
	vm->disks[0].type = vm->disks[1].type = SMIG_DISK_DIFFERENCING;
	vm->disks[0].parent = 1;
	vm->disks[1].parent = 0; /* a cycle */
	d = make_desc(inv);
	text = write_ok(d, &len);
	assert_int_equal(xmllint(f, text, len) > 0, 0); /* valid as far as the schema goes */
	expect_fail(f, text, len, SMIG_ERR_FORMAT, "circular");
	free(text);
	vm->disks[1].parent = -1;
	vm->drives = calloc(1, sizeof(*vm->drives));
	vm->ndrives = 1;
	vm->drives[0].disk = 2; /* out of range */
	text = write_ok(d, &len);
	expect_fail(f, text, len, SMIG_ERR_FORMAT, "disk the VM does not have");
	free(text);
	vm->drives[0].disk = 1;
	vm->current_parent = 0; /* no snapshots */
	text = write_ok(d, &len);
	expect_fail(f, text, len, SMIG_ERR_FORMAT, "current snapshot");
	free(text);
	vm->current_parent = -1;
	text = write_ok(d, &len);
	smig_descriptor_free(read_ok(f, text, len));
	free(text);
	smig_descriptor_free(d);
}

/* Values the schema would refuse or XML cannot carry are refused when writing. */
static void writer_refuses(void **state)
{
	struct smig_inventory *inv = calloc(1, sizeof(*inv));
	struct smig_descriptor *d;
	struct smig_err e = SMIG_ERR_INIT;
	char *out = NULL;
	size_t len = 0;

	(void)state;
	inv->host.vmq_tengig = inv->host.vmq_below_tengig = -1;
	inv->os.computer_name = strdup("bad\x01name");
	d = make_desc(inv);
	assert_int_equal(smig_descriptor_write(d, &out, &len, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_FORMAT);
	assert_non_null(strstr(e.msg, "computer-name"));
	assert_null(out);
	inv->os.computer_name[3] = '-';
	smig_err_clear(&e);
	free(d->members[0].role);
	d->members[0].role = strdup("binary");
	assert_int_equal(smig_descriptor_write(d, &out, &len, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_USAGE);
	assert_non_null(strstr(e.msg, "binary"));
	free(d->members[0].role);
	d->members[0].role = strdup("config");
	smig_err_clear(&e);
	inv->host.vmq_tengig = 5;
	assert_int_equal(smig_descriptor_write(d, &out, &len, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_USAGE);
	inv->host.vmq_tengig = -1;
	smig_err_clear(&e);
	assert_int_equal(smig_descriptor_write(d, &out, &len, &e), 0);
	free(out);
	smig_descriptor_free(d);
}

static void schema_location(void **state)
{
	struct fx *f = *state;
	struct smig_inventory *inv = calloc(1, sizeof(*inv));
	struct smig_descriptor *d, *b = NULL;
	struct smig_err e = SMIG_ERR_INIT;
	char *text, *missing, *dir;
	size_t len;

	inv->host.vmq_tengig = inv->host.vmq_below_tengig = -1;
	d = make_desc(inv);
	text = write_ok(d, &len);
	/* default: the source tree's manifests/schema */
	unsetenv("SMIG_SCHEMAS");
	assert_int_equal(smig_descriptor_read(text, len, NULL, &b, &e), 0);
	smig_descriptor_free(b);
	/* $SMIG_SCHEMAS names the directory */
	dir = tu_fmt("%s/schemas", f->dir);
	assert_int_equal(tu_sh("mkdir -p '%s' && cp '%s' '%s/'", dir, f->xsd, dir), 0);
	setenv("SMIG_SCHEMAS", dir, 1);
	assert_int_equal(smig_descriptor_read(text, len, NULL, &b, &e), 0);
	smig_descriptor_free(b);
	/* a missing schema is an I/O error, never "valid" */
	missing = tu_fmt("%s/none", f->dir);
	setenv("SMIG_SCHEMAS", missing, 1);
	b = NULL;
	assert_int_equal(smig_descriptor_read(text, len, NULL, &b, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_IO);
	assert_null(b);
	unsetenv("SMIG_SCHEMAS");
	free(missing);
	free(dir);
	free(text);
	smig_descriptor_free(d);
}

static void uuid4(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	char a[37], b[37];
	size_t i;

	(void)state;
	assert_int_equal(smig_uuid4(a, &e), 0);
	assert_int_equal(smig_uuid4(b, &e), 0);
	assert_int_equal(strlen(a), 36);
	assert_string_not_equal(a, b);
	assert_int_equal(a[14], '4');
	assert_non_null(strchr("89ab", a[19]));
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23)
			assert_int_equal(a[i], '-');
		else
			assert_non_null(strchr("0123456789abcdef", a[i]));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(roundtrip_source),
		cmocka_unit_test(roundtrip_destination),
		cmocka_unit_test(source_details),
		cmocka_unit_test(awkward_strings),
		cmocka_unit_test(schema_violations),
		cmocka_unit_test(malformed),
		cmocka_unit_test(broken_links),
		cmocka_unit_test(writer_refuses),
		cmocka_unit_test(schema_location),
		cmocka_unit_test(uuid4),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
