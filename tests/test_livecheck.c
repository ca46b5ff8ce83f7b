/*
 * test_livecheck.c - the verification from the live host (smig-state.json, SMIG4001-4011).
 * The example source host is read as the archive's model and a plan is built for a
 * destination that took everything as it was (same ids, paths, both physical adapters mapped);
 * the state a host following that plan would report is generated from the plan by a small
 * JSON writer below (never a hand-written file that could drift). That state passes; then one
 * fact at a time is changed in it and exactly that check fails. Malformed and hostile files
 * are refused with one line naming the member.
 */
#include "testutil.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "descriptor.h"
#include "importplan.h"
#include "inventory.h"
#include "livecheck.h"
#include "postcheck.h"
#include "winval.h"

struct fx {
	struct smig_inventory *src;
	struct smig_import_opts opts;
	struct smig_plan plan;
	json_t *state;
	struct smig_problems items;
};

static char *g_dir, *g_host;

static int group_setup(void **state)
{
	(void)state;
	g_dir = tu_mkdtemp();
	g_host = tu_fmt("%s/lab", g_dir);
	tu_build_example("lab-2008r2", g_host);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	tu_rmtree(g_dir);
	free(g_dir);
	free(g_host);
	return 0;
}

static char *xstrdup(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

static const struct smig_inv_nic *nic_named(const struct smig_inventory *inv, const char *name)
{
	for (size_t i = 0; i < inv->nnics; i++)
		if (strcmp(inv->nics[i].connection_name, name) == 0)
			return &inv->nics[i];
	fail_msg("no adapter %s", name);
	return NULL;
}

/* The plan for a destination that took everything as it was (cf. test_postcheck.c). */
static void build_plan(struct fx *f)
{
	struct smig_plan *p = &f->plan;
	size_t i, j;

	f->opts.ipmode = SMIG_IPMODE_NIC;
	p->src = f->src;
	p->dst = f->src;
	p->opts = &f->opts;
	p->hyperv = true;
	p->data_root = xstrdup(f->src->host.data_root);
	p->vhd_path = xstrdup(f->src->host.vhd_path);
	p->set_data_root = p->set_vhd_path = p->set_mac_range = p->set_vmq = true;
	p->store_copy = true;
	p->nswitches = f->src->nswitches;
	p->switches = calloc(p->nswitches, sizeof(*p->switches));
	for (i = 0; i < p->nswitches; i++) {
		const struct smig_inv_switch *ss = &f->src->switches[i];

		p->switches[i].src = ss;
		p->switches[i].guid = xstrdup(ss->guid);
		p->switches[i].type = ss->type;
		p->switches[i].src_host_vnic = smig_inventory_find_nic(f->src, ss->host_vnic);
		if (ss->type == SMIG_SWITCH_EXTERNAL)
			p->switches[i].bind_nic = smig_inventory_find_nic(f->src, ss->external_nic);
	}
	p->nnicmap = 2;
	p->nicmap = calloc(2, sizeof(*p->nicmap));
	p->nicmap[0].src = p->nicmap[0].dst = nic_named(f->src, "Local Area Connection");
	p->nicmap[1].src = p->nicmap[1].dst = nic_named(f->src, "Management");
	p->nvms = f->src->nvms;
	p->vms = calloc(p->nvms, sizeof(*p->vms));
	for (i = 0; i < p->nvms; i++) {
		const struct smig_inv_vm *s = &f->src->vms[i];
		struct smig_plan_vm *pv = &p->vms[i];

		pv->src = s;
		pv->selected = true;
		pv->id = xstrdup(s->id);
		pv->cpu_compat = s->cpu_compat;
		pv->ndisks = s->ndisks;
		pv->disks = calloc(s->ndisks + 1, sizeof(*pv->disks));
		for (j = 0; j < s->ndisks; j++) {
			pv->disks[j].src = &s->disks[j];
			/* planned elsewhere than the source, so the path check means something */
			pv->disks[j].winpath = tu_fmt("E:\\Moved\\%s\\%s", s->name,
			                              strrchr(s->disks[j].winpath, '\\') + 1);
		}
	}
}

static void free_plan(struct smig_plan *p)
{
	size_t i, j;

	for (i = 0; i < p->nswitches; i++)
		free(p->switches[i].guid);
	free(p->switches);
	free(p->nicmap);
	for (i = 0; i < p->nvms; i++) {
		for (j = 0; j < p->vms[i].nfiles; j++)
			free(p->vms[i].files[j].winpath);
		free(p->vms[i].files);
		for (j = 0; j < p->vms[i].ndisks; j++)
			free(p->vms[i].disks[j].winpath);
		free(p->vms[i].disks);
		free(p->vms[i].id);
	}
	free(p->vms);
	free(p->data_root);
	free(p->vhd_path);
}

/* ---- the state a host following the plan reports ---- */

static json_t *jstr_or_null(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

static json_t *jmac(const struct smig_mac *m)
{
	char buf[13];

	smig_mac_format_plain(m, buf); /* Hyper-V's own form: 00155D0A0010 */
	return json_string(buf);
}

static json_t *jtri(int v)
{
	return v < 0 ? json_null() : json_boolean(v);
}

static const char *type_text(enum smig_switch_type t)
{
	return t == SMIG_SWITCH_EXTERNAL   ? "External"
	       : t == SMIG_SWITCH_INTERNAL ? "Internal"
	                                   : "Private";
}

/* "a.b.c.d/n" from an address and a dotted mask, counted here independently. */
static json_t *jcidr(const char *ip, const char *mask)
{
	unsigned o[4], n = 0;
	char *s;
	json_t *j;

	assert_int_equal(sscanf(mask, "%u.%u.%u.%u", &o[0], &o[1], &o[2], &o[3]), 4);
	for (int i = 0; i < 4; i++)
		for (int b = 7; b >= 0; b--)
			n += (o[i] >> b) & 1;
	s = tu_fmt("%s/%u", ip, n);
	j = json_string(s);
	free(s);
	return j;
}

static json_t *jstrv(char *const *v)
{
	json_t *a = json_array();

	for (size_t i = 0; v != NULL && v[i] != NULL; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *ip_entry(const char *ifname, const struct smig_inv_nic *n, bool with_mac)
{
	json_t *addrs = json_array();

	for (size_t i = 0; !n->dhcp && n->ip != NULL && n->ip[i] != NULL; i++)
		json_array_append_new(addrs, jcidr(n->ip[i], n->mask[i]));
	return json_pack("{s:s, s:o, s:b, s:o, s:o, s:o}", "interface", ifname, "mac",
	                 with_mac && n->has_mac ? jmac(&n->mac) : json_null(), "dhcp", n->dhcp,
	                 "addresses", addrs, "gateways", jstrv(n->dhcp ? NULL : n->gateway), "dns",
	                 jstrv(n->dns));
}

static uint32_t port_vlan(const struct smig_inventory *src, const struct smig_inv_nicvm *n)
{
	const struct smig_inv_switch *ss = smig_inventory_find_switch(src, n->switch_guid);

	for (size_t i = 0; ss != NULL && i < ss->nports; i++)
		if (n->port_guid != NULL && ss->ports[i].guid != NULL &&
		    smig_guid_str_equal(ss->ports[i].guid, n->port_guid))
			return ss->ports[i].vlan;
	return n->vlan;
}

static json_t *vm_entry(const struct smig_plan *p, const struct smig_plan_vm *pv)
{
	const struct smig_inv_vm *s = pv->src;
	json_t *hd = json_array(), *dvd = json_array(), *fd = json_array(), *snaps = json_array();
	json_t *nics = json_array();
	size_t j;

	for (j = 0; j < s->ndrives; j++) {
		const struct smig_inv_drive *d = &s->drives[j];
		char type[16];
		int num, loc;

		assert_int_equal(sscanf(d->slot, "%15s %d:%d", type, &num, &loc), 3);
		if (d->kind == SMIG_INV_DRIVE_VHD && d->disk >= 0)
			json_array_append_new(
			    hd, json_pack("{s:s, s:i, s:i, s:s, s:n}", "controller_type", type,
			                  "controller_number", num, "controller_location", loc,
			                  "path", pv->disks[d->disk].winpath, "disk_number"));
		else if (d->kind == SMIG_INV_DRIVE_PASSTHROUGH)
			json_array_append_new(
			    hd, json_pack("{s:s, s:i, s:i, s:n, s:i}", "controller_type", type,
			                  "controller_number", num, "controller_location", loc,
			                  "path", "disk_number", 3));
		else if (d->kind == SMIG_INV_DRIVE_ISO)
			json_array_append_new(dvd,
			                      json_pack("{s:i, s:i, s:n}", "controller_number", num,
			                                "controller_location", loc, "path"));
		else if (d->kind == SMIG_INV_DRIVE_VFD)
			json_array_append_new(fd, json_pack("{s:n}", "path"));
	}
	for (j = 0; j < s->nsnapshots; j++) {
		const struct smig_inv_snapshot *sn = &s->snapshots[j];

		json_array_append_new(
		    snaps, json_pack("{s:s, s:s, s:o}", "id", sn->id, "name", sn->name, "parent_id",
		                     sn->parent >= 0 ? json_string(s->snapshots[sn->parent].id)
		                                     : json_null()));
	}
	for (j = 0; j < s->nnics; j++) {
		const struct smig_inv_nicvm *n = &s->nics[j];
		const struct smig_inv_switch *ss =
		    smig_inventory_find_switch(p->src, n->switch_guid);
		uint32_t vlan = port_vlan(p->src, n);
		struct smig_mac m;
		json_t *mac = json_null();

		if (n->mac != NULL && smig_mac_parse(n->mac, &m))
			mac = jmac(&m);
		json_array_append_new(
		    nics,
		    json_pack("{s:s, s:o, s:b, s:b, s:o, s:s, s:i}", "name", n->name, "mac", mac,
		              "mac_static", n->mac_static, "legacy", n->legacy, "switch_name",
		              jstr_or_null(ss != NULL ? ss->name : NULL), "vlan_mode",
		              vlan != 0 ? "Access" : "Untagged", "vlan_id", (int)vlan));
	}
	return json_pack(
	    "{s:s, s:s, s:s, s:s, s:n, s:I, s:I, s:I, s:b, s:I, s:b, s:o, s:o, s:o, "
	    "s:o, s:o}",
	    "id", pv->id, "name", s->name, "state", "Off", "path", "E:\\Moved", "version",
	    "memory_startup_bytes", (json_int_t)s->memory_mb * 1048576, "memory_minimum_bytes",
	    /* a static VM reports Hyper-V's default range, which is not compared */
	    (json_int_t)(s->dynamic_memory ? s->memory_min_mb : 512) * 1048576,
	    "memory_maximum_bytes",
	    (json_int_t)(s->dynamic_memory ? s->memory_max_mb : 1048576) * 1048576,
	    "dynamic_memory", s->dynamic_memory, "processor_count", (json_int_t)s->cpu_count,
	    "processor_compatibility", pv->cpu_compat, "hard_drives", hd, "dvd_drives", dvd,
	    "floppy_drives", fd, "snapshots", snaps, "network_adapters", nics);
}

static json_t *state_from_plan(const struct smig_plan *p)
{
	const struct smig_inventory *src = p->src;
	json_t *switches = json_array(), *adapters = json_array(), *ips = json_array();
	json_t *vms = json_array(), *vmq, *host, *authz = json_null();
	size_t i, len;
	char *xml, *b64;

	for (i = 0; i < p->nswitches; i++) {
		const struct smig_plan_switch *ps = &p->switches[i];
		const struct smig_inv_nic *bound =
		    ps->type == SMIG_SWITCH_EXTERNAL ? ps->bind_nic : NULL;

		json_array_append_new(
		    switches,
		    json_pack("{s:s, s:s, s:s, s:b, s:o, s:o}", "id", ps->src->guid, "name",
		              ps->src->name, "type", type_text(ps->type), "allow_management_os",
		              ps->type == SMIG_SWITCH_INTERNAL ||
		                  (bound != NULL && ps->src->host_vnic != NULL),
		              "adapter_description",
		              jstr_or_null(bound != NULL ? bound->description : NULL),
		              "adapter_mac", bound != NULL ? jmac(&bound->mac) : json_null()));
		if (ps->src_host_vnic != NULL) {
			char *ifname = tu_fmt("vEthernet (%s)", ps->src->name);

			json_array_append_new(ips, ip_entry(ifname, ps->src_host_vnic, false));
			free(ifname);
		}
	}
	for (i = 0; i < p->nnicmap; i++) {
		const struct smig_inv_nic *d = p->nicmap[i].dst;

		json_array_append_new(
		    adapters, json_pack("{s:s, s:s, s:o, s:b, s:s, s:s, s:o}", "name",
		                        d->connection_name, "description", d->description, "mac",
		                        jmac(&d->mac), "virtual", 0, "status", "Up", "link_speed",
		                        "1 Gbps", "vmq_enabled", jtri(p->nicmap[i].src->vmq)));
		json_array_append_new(ips, ip_entry(d->connection_name, p->nicmap[i].src, true));
	}
	for (i = 0; i < p->nvms; i++)
		if (p->vms[i].selected)
			json_array_append_new(vms, vm_entry(p, &p->vms[i]));
	vmq = json_pack("{s:o, s:o}", "TenGigVmqEnabled",
	                src->host.vmq_tengig < 0 ? json_null() : json_integer(src->host.vmq_tengig),
	                "BelowTenGigVmqEnabled",
	                src->host.vmq_below_tengig < 0 ? json_null()
	                                               : json_integer(src->host.vmq_below_tengig));
	host = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:i, s:I, s:s}", "computer_name",
	                 "HV-DST01", "os_version", "6.2.9200", "virtual_machine_path", p->data_root,
	                 "virtual_hard_disk_path", p->vhd_path, "mac_address_minimum",
	                 jmac(&src->host.mac_min), "mac_address_maximum", jmac(&src->host.mac_max),
	                 "logical_processors", 16, "memory_bytes", (json_int_t)68719476736,
	                 "store_location",
	                 "msxml://C:\\ProgramData\\Microsoft\\Windows\\Hyper-V\\InitialStore.xml");
	if (src->azman.local != NULL) {
		xml = tu_read(src->azman.local, &len);
		b64 = smig_base64_encode(xml, len);
		authz = json_pack("{s:s, s:s}", "path", src->azman.path, "xml_base64", b64);
		free(b64);
		free(xml);
	}
	return json_pack(
	    "{s:s, s:i, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:[]}", "format", "smig-state",
	    "version", 1, "archive_id", "d804e301-f7a8-4206-b1ac-197a836253e3", "written_utc",
	    "2026-12-02T18:00:00Z", "host", host, "vmq", vmq, "switches", switches, "adapters",
	    adapters, "ip", ips, "vms", vms, "authorization", authz, "firewall");
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->src = tu_read_host(g_host);
	build_plan(f);
	f->state = state_from_plan(&f->plan);
	assert_non_null(f->state);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	json_decref(f->state);
	free_plan(&f->plan);
	smig_problems_release(&f->items);
	smig_inventory_free(f->src);
	free(f);
	return 0;
}

/* Serialise the state, load it back and check it (fresh items each time). */
static void run(struct fx *f)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_live *l = NULL;
	char *text = json_dumps(f->state, JSON_INDENT(2));

	smig_problems_release(&f->items);
	memset(&f->items, 0, sizeof(f->items));
	if (smig_livecheck_parse(text, strlen(text), "smig-state.json", &l, &e) < 0)
		fail_msg("smig_livecheck_parse: %s", e.msg);
	if (smig_livecheck(&f->plan, l, &f->items, &e) < 0)
		fail_msg("smig_livecheck: %s", e.msg);
	smig_live_free(l);
	free(text);
}

/* The index of the first object of `list` whose string member `key` contains `needle`. */
static size_t find(json_t *list, const char *key, const char *needle)
{
	for (size_t i = 0; i < json_array_size(list); i++) {
		const char *v = json_string_value(json_object_get(json_array_get(list, i), key));

		if (v != NULL && strstr(v, needle) != NULL)
			return i;
	}
	fail_msg("no element with %s '%s'", key, needle);
	return 0;
}

static json_t *named(json_t *list, const char *name)
{
	size_t i;
	json_t *o;

	i = find(list, "name", name);
	o = json_array_get(list, i);
	return o;
}

static json_t *state_vm(struct fx *f, const char *name)
{
	return named(json_object_get(f->state, "vms"), name);
}

static json_t *state_switch(struct fx *f, const char *name)
{
	return named(json_object_get(f->state, "switches"), name);
}

/* ---- the state of a host that followed the plan ---- */

static void matching_state_passes(void **state)
{
	struct fx *f = *state;
	static const char *ids[] = {"SMIG4001", "SMIG4002", "SMIG4003", "SMIG4004",
	                            "SMIG4005", "SMIG4006", "SMIG4007", "SMIG4008",
	                            "SMIG4009", "SMIG4010", "SMIG4011"};
	size_t i, j;

	run(f);
	tu_no_failure(&f->items);
	assert_int_equal(smig_problems_count(&f->items, SMIG_SEV_WARNING), 0);
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		bool seen = false;

		for (j = 0; j < f->items.count; j++)
			seen |= strcmp(f->items.items[j].id, ids[i]) == 0 &&
			        f->items.items[j].severity == SMIG_SEV_PASS;
		if (!seen)
			fail_msg("no passing %s item", ids[i]);
	}
	tu_expect(&f->items, "SMIG4001", "host", SMIG_SEV_INFO, "HV-DST01");
	tu_expect(&f->items, "SMIG4001", "vm:web01", SMIG_SEV_PASS, "as on the source");
	tu_expect(&f->items, "SMIG4002", "vm:sql01", SMIG_SEV_PASS, "dynamic, range 512-4096 MB");
	tu_expect(&f->items, "SMIG4002", "vm:web01", SMIG_SEV_PASS, "2147483648 bytes");
	tu_expect(&f->items, "SMIG4004", "vm:web01", SMIG_SEV_PASS, "2 snapshots");
	tu_expect(&f->items, "SMIG4005", "vm:sql01/disk:sql01-system.vhd", SMIG_SEV_PASS,
	          "E:\\Moved\\sql01\\sql01-system.vhd");
	tu_expect(&f->items, "SMIG4006", "vm:web01/nic:Network Adapter", SMIG_SEV_PASS,
	          "static MAC address 00-15-5D-0A-00-10");
	tu_expect(&f->items, "SMIG4006", "vm:web01/nic:Network Adapter", SMIG_SEV_PASS,
	          "access VLAN 20");
	tu_expect(&f->items, "SMIG4006", "vm:test01/nic:Legacy Network Adapter", SMIG_SEV_PASS,
	          "not connected");
	tu_expect(&f->items, "SMIG4007", "switch:External LAN", SMIG_SEV_PASS, "bound to adapter");
	tu_expect(&f->items, "SMIG4007", "switch:Private Cluster", SMIG_SEV_PASS, "private");
	tu_expect(&f->items, "SMIG4008", "host", SMIG_SEV_PASS,
	          "00-15-5D-0A-00-00..00-15-5D-0A-0F-FF");
	tu_expect(&f->items, "SMIG4009", "azman", SMIG_SEV_PASS, "3 role assignments");
	tu_expect(&f->items, "SMIG4010", "nic:Local Area Connection", SMIG_SEV_PASS, "enabled");
	tu_expect(&f->items, "SMIG4011", "nic:Management", SMIG_SEV_PASS, "192.168.1.10/24");
}

/* What PowerShell 3.0 does to the same facts: unrolled one-element lists, null lists,
 * other MAC and GUID spellings, a BOM. Still the same state. */
static void powershell_shapes_pass(void **state)
{
	struct fx *f = *state;
	json_t *web = state_vm(f, "web01"), *nics = json_object_get(web, "network_adapters");
	json_t *nic = json_array_get(nics, 0), *id = json_object_get(web, "id");
	char *lower, *braced, *text, *bommed;
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_live *l = NULL;
	size_t len;

	assert_int_equal(json_array_size(nics), 1);
	json_object_set(web, "network_adapters", nic); /* unrolled */
	json_object_set_new(json_object_get(f->state, "host"), "mac_address_minimum",
	                    json_string("00:15:5d:0a:00:00"));
	lower = strdup(json_string_value(id));
	for (char *s = lower; *s; s++)
		*s = (char)(*s >= 'A' && *s <= 'Z' ? *s - 'A' + 'a' : *s);
	braced = tu_fmt("{%s}", lower);
	json_object_set_new(web, "id", json_string(braced));
	json_object_set_new(f->state, "firewall", json_null());
	json_object_set_new(state_vm(f, "test01"), "floppy_drives", json_null());
	run(f);
	tu_no_failure(&f->items);

	/* with a UTF-8 BOM, from a file */
	text = json_dumps(f->state, 0);
	len = strlen(text);
	bommed = malloc(len + 3);
	memcpy(bommed, "\xEF\xBB\xBF", 3);
	memcpy(bommed + 3, text, len);
	{
		char *path = tu_fmt("%s/state-bom.json", g_dir);

		tu_write(path, bommed, len + 3);
		if (smig_livecheck_load(path, &l, &e) < 0)
			fail_msg("load: %s", e.msg);
		assert_string_equal(l->file, path);
		assert_int_equal(l->nvms, f->plan.nvms);
		free(path);
	}
	smig_live_free(l);
	free(bommed);
	free(text);
	free(braced);
	free(lower);
}

/* ---- one difference at a time ---- */

static void missing_vm_fails(void **state)
{
	struct fx *f = *state;
	json_t *vms = json_object_get(f->state, "vms");
	size_t i;

	json_array_remove(vms, find(vms, "name", "dc01"));
	run(f);
	tu_only_failure(&f->items, "SMIG4001", "vm:dc01", "no virtual machine with id");

	/* a VM not selected is not looked for */
	for (i = 0; i < f->plan.nvms; i++)
		if (strcmp(f->plan.vms[i].src->name, "dc01") == 0)
			f->plan.vms[i].selected = false;
	run(f);
	assert_int_equal(smig_postcheck_failures(&f->items), 0);
}

static void renamed_vm_fails(void **state)
{
	struct fx *f = *state;

	json_object_set_new(state_vm(f, "test01"), "name", json_string("test02"));
	run(f);
	tu_only_failure(&f->items, "SMIG4001", "vm:test01", "named 'test02'");
}

static void memory_changed_fails(void **state)
{
	struct fx *f = *state;
	json_t *sql = state_vm(f, "sql01");

	json_object_set_new(sql, "memory_startup_bytes", json_integer(2048LL * 1048576));
	run(f);
	tu_only_failure(&f->items, "SMIG4002", "vm:sql01",
	                "2147483648 bytes on the host but 1024 MB");
	json_object_set_new(sql, "memory_startup_bytes", json_integer(1024LL * 1048576));
	json_object_set_new(sql, "memory_maximum_bytes", json_integer(2048LL * 1048576));
	run(f);
	tu_only_failure(&f->items, "SMIG4002", "vm:sql01", "maximum memory");
	json_object_set_new(sql, "memory_maximum_bytes", json_integer(4096LL * 1048576));
	json_object_set_new(sql, "dynamic_memory", json_false());
	run(f);
	tu_only_failure(&f->items, "SMIG4002", "vm:sql01", "dynamic memory is off on the host");
}

static const struct smig_plan_vm *vm_plan(struct fx *f, const char *name)
{
	for (size_t i = 0; i < f->plan.nvms; i++)
		if (strcmp(f->plan.vms[i].src->name, name) == 0)
			return &f->plan.vms[i];
	fail_msg("no VM %s", name);
	return NULL;
}

static void processors_and_snapshots_fail(void **state)
{
	struct fx *f = *state;
	json_t *web = state_vm(f, "web01"), *snaps = json_object_get(web, "snapshots");
	json_t *cpus = json_incref(json_object_get(web, "processor_count"));
	json_t *s1 = json_array_get(snaps, 1), *parent;

	json_object_set_new(web, "processor_count", json_integer(8));
	run(f);
	tu_only_failure(&f->items, "SMIG4003", "vm:web01", "8 virtual processors on the host");
	json_object_set_new(web, "processor_count", cpus);
	json_object_set_new(web, "processor_compatibility",
	                    json_boolean(!vm_plan(f, "web01")->cpu_compat));
	run(f);
	tu_only_failure(&f->items, "SMIG4003", "vm:web01", "processor compatibility");
	json_object_set_new(web, "processor_compatibility",
	                    json_boolean(vm_plan(f, "web01")->cpu_compat));

	/* the second snapshot re-rooted */
	parent = json_incref(json_object_get(s1, "parent_id"));
	assert_true(json_is_string(parent));
	json_object_set_new(s1, "parent_id", json_null());
	run(f);
	tu_only_failure(&f->items, "SMIG4004", "vm:web01", "does not descend from");
	json_object_set_new(s1, "parent_id", parent);
	json_array_remove(snaps, 1);
	run(f);
	tu_only_failure(&f->items, "SMIG4004", "vm:web01", "1 snapshot on the host but 2");
}

static void disk_elsewhere_fails(void **state)
{
	struct fx *f = *state;
	json_t *hd = json_object_get(state_vm(f, "sql01"), "hard_drives"), *d;

	d = json_array_get(hd, find(hd, "path", "sql01-system.vhd"));
	json_object_set_new(d, "path", json_string("D:\\VHD\\sql01-system.vhd"));
	run(f);
	tu_only_failure(&f->items, "SMIG4005", "vm:sql01/disk:sql01-system.vhd",
	                "not attached at 'E:\\Moved\\sql01\\sql01-system.vhd' as planned");
	/* the same path in another case is the same file */
	json_object_set_new(d, "path", json_string("e:\\MOVED\\SQL01\\sql01-system.vhd"));
	run(f);
	assert_int_equal(smig_postcheck_failures(&f->items), 0);
}

static void wrong_vlan_fails(void **state)
{
	struct fx *f = *state;
	json_t *nic = json_array_get(json_object_get(state_vm(f, "web01"), "network_adapters"), 0);

	json_object_set_new(nic, "vlan_id", json_integer(21));
	run(f);
	tu_only_failure(&f->items, "SMIG4006", "vm:web01/nic:Network Adapter",
	                "access VLAN 21 on the host but 20 on the source");
	json_object_set_new(nic, "vlan_id", json_integer(20));
	json_object_set_new(nic, "vlan_mode", json_string("Untagged"));
	run(f);
	tu_only_failure(&f->items, "SMIG4006", "vm:web01/nic:Network Adapter",
	                "not Access with VLAN 20");
	json_object_set_new(nic, "vlan_mode", json_string("Access"));
	json_object_set_new(nic, "switch_name", json_string("Internal Mgmt"));
	run(f);
	tu_only_failure(&f->items, "SMIG4006", "vm:web01/nic:Network Adapter",
	                "connected to 'Internal Mgmt'");
	json_object_set_new(nic, "switch_name", json_string("External LAN"));
	json_object_set_new(nic, "mac", json_string("00-15-5D-0A-00-11"));
	run(f);
	tu_only_failure(&f->items, "SMIG4006", "vm:web01/nic:Network Adapter",
	                "static MAC address differs");
}

static void switch_of_another_type_fails(void **state)
{
	struct fx *f = *state;

	json_object_set_new(state_switch(f, "Private Cluster"), "type", json_string("Internal"));
	run(f);
	tu_only_failure(&f->items, "SMIG4007", "switch:Private Cluster",
	                "internal on the host but private");
	json_object_set_new(state_switch(f, "Private Cluster"), "name", json_string("Other"));
	run(f);
	tu_only_failure(&f->items, "SMIG4007", "switch:Private Cluster", "no virtual switch named");
}

static struct smig_plan_switch *plan_switch(struct fx *f, const char *name)
{
	for (size_t i = 0; i < f->plan.nswitches; i++)
		if (strcmp(f->plan.switches[i].src->name, name) == 0)
			return &f->plan.switches[i];
	fail_msg("no switch %s", name);
	return NULL;
}

static void unbound_external_fails(void **state)
{
	struct fx *f = *state;
	json_t *ext = state_switch(f, "External LAN");
	struct smig_plan_switch *ps = plan_switch(f, "External LAN");

	/* the plan bound it (--bind-switch); the script created it internal */
	assert_non_null(ps->bind_nic);
	json_object_set_new(ext, "type", json_string("Internal"));
	json_object_set_new(ext, "adapter_mac", json_null());
	json_object_set_new(ext, "adapter_description", json_null());
	run(f);
	tu_only_failure(&f->items, "SMIG4007", "switch:External LAN",
	                "binds it as an external network");

	/* bound, but to another adapter */
	json_object_set_new(ext, "type", json_string("External"));
	json_object_set_new(ext, "adapter_mac", json_string("A0-36-9F-12-34-57"));
	run(f);
	tu_only_failure(&f->items, "SMIG4007", "switch:External LAN", "not to ");

	/* the plan recreated it internal: flagged, not failed */
	ps->bind_nic = NULL;
	ps->type = SMIG_SWITCH_INTERNAL;
	ps->downgraded = true;
	json_object_set_new(ext, "type", json_string("Internal"));
	run(f);
	assert_int_equal(smig_postcheck_failures(&f->items), 0);
	tu_expect(&f->items, "SMIG4007", "switch:External LAN", SMIG_SEV_WARNING,
	          "flagged, not failed");
}

static void host_settings_fail(void **state)
{
	struct fx *f = *state;
	json_t *host = json_object_get(f->state, "host");

	json_object_set_new(host, "virtual_machine_path", json_string("C:\\Elsewhere"));
	run(f);
	tu_only_failure(&f->items, "SMIG4008", "host", "VirtualMachinePath is 'C:\\Elsewhere'");
	f->plan.set_data_root = f->plan.set_vhd_path = f->plan.set_mac_range = false;
	run(f);
	assert_int_equal(smig_postcheck_failures(&f->items), 0);
	tu_expect(&f->items, "SMIG4008", "host", SMIG_SEV_INFO, "not compared");
}

static void store_differences_fail(void **state)
{
	struct fx *f = *state;
	json_t *az = json_object_get(f->state, "authorization");
	const char *b64 = json_string_value(json_object_get(az, "xml_base64"));
	unsigned char *xml = NULL;
	size_t len = 0;
	struct smig_err e = SMIG_ERR_INIT;
	char *cut, *enc;

	/* drop the first role assignment's first member */
	assert_int_equal(smig_base64_decode(b64, strlen(b64), &xml, &len, &e), 0);
	xml = realloc(xml, len + 1);
	xml[len] = '\0';
	cut = strstr((char *)xml, "<Member>");
	assert_non_null(cut);
	memmove(cut, strstr(cut, "</Member>") + 9, strlen(strstr(cut, "</Member>") + 9) + 1);
	enc = smig_base64_encode(xml, strlen((char *)xml));
	json_object_set_new(az, "xml_base64", json_string(enc));
	run(f);
	tu_only_failure(&f->items, "SMIG4009", "azman", "has other members on the host");
	free(enc);

	/* a store that does not parse is an error item; the rest of the report stands */
	enc = smig_base64_encode("<nope", 5);
	json_object_set_new(az, "xml_base64", json_string(enc));
	run(f);
	assert_int_equal(smig_postcheck_failures(&f->items), 1);
	tu_expect(&f->items, "SMIG4009", "azman", SMIG_SEV_ERROR, NULL);
	free(enc);
	free(xml);

	f->plan.store_copy = false;
	run(f);
	tu_expect(&f->items, "SMIG4009", "azman", SMIG_SEV_INFO, "did not copy");
}

static void vmq_and_ip_fail(void **state)
{
	struct fx *f = *state;
	json_t *vmq = json_object_get(f->state, "vmq"), *ips = json_object_get(f->state, "ip");
	json_t *old = json_incref(json_object_get(vmq, "BelowTenGigVmqEnabled")), *ip = NULL, *a;
	size_t i;

	json_object_set_new(vmq, "BelowTenGigVmqEnabled", json_integer(7));
	run(f);
	tu_only_failure(&f->items, "SMIG4010", "host", "BelowTenGigVmqEnabled");
	json_object_set_new(vmq, "BelowTenGigVmqEnabled", old);
	i = find(ips, "interface", "Management");
	ip = json_array_get(ips, i);
	a = json_object_get(ip, "addresses");
	json_array_set_new(a, 0, json_string("192.168.1.11/24"));
	run(f);
	tu_only_failure(&f->items, "SMIG4011", "nic:Management", "addresses differ");
	json_array_remove(ips, i);
	run(f);
	tu_only_failure(&f->items, "SMIG4011", "nic:Management", "no IPv4 settings");
	f->opts.ipmode = SMIG_IPMODE_NONE;
	run(f);
	assert_int_equal(smig_postcheck_failures(&f->items), 0);
	tu_expect(&f->items, "SMIG4011", "host", SMIG_SEV_INFO, "not requested");
}

/* ---- malformed and hostile files ---- */

/* Refused with SMIG_ERR_FORMAT, one line naming `needle`. */
static void refused(const void *buf, size_t len, const char *needle)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_live *l = NULL;

	if (smig_livecheck_parse(buf, len, "smig-state.json", &l, &e) == 0)
		fail_msg("accepted a file that should name '%s'", needle);
	assert_null(l);
	assert_int_equal(e.kind, SMIG_ERR_FORMAT);
	assert_null(strchr(e.msg, '\n'));
	if (strstr(e.msg, "'smig-state.json'") == NULL || strstr(e.msg, needle) == NULL)
		fail_msg("'%s' not in '%s'", needle, e.msg);
}

static void refused_s(const char *text, const char *needle)
{
	refused(text, strlen(text), needle);
}

#define HEAD "{\"format\":\"smig-state\",\"version\":1,"

static void malformed_files_refused(void **state)
{
	(void)state;
	refused_s("", "not JSON");
	refused_s("{\"format\":\"smig-state\",\"version\":1", "not JSON");
	refused_s("[]", "not a JSON object");
	refused_s("{\"version\":1}", "member 'format' is missing");
	refused_s("{\"format\":\"smig-inventory\",\"version\":1}", "member 'format' is not");
	refused_s("{\"format\":\"smig-state\"}", "member 'version' is missing");
	refused_s("{\"format\":\"smig-state\",\"version\":2}", "only version 1");
	refused_s("{\"format\":\"smig-state\",\"version\":\"1\"}",
	          "member 'version' is not an integer");
	refused_s("{\"format\":\"smig-state\",\"format\":\"smig-state\",\"version\":1}",
	          "duplicate");
	refused_s(HEAD "\"host\":[]}", "member 'host' is not an object");
	refused_s(HEAD "\"vms\":[{\"name\":\"x\"}]}", "member 'vms[0].id' is missing");
	refused_s(HEAD "\"vms\":[{\"id\":\"not-a-guid\"}]}", "member 'vms[0].id' is not a GUID");
	refused_s(HEAD "\"vms\":{\"id\":\"0AA394FA-7C4A-4070-BA32-773D43B28A68\","
	               "\"processor_count\":\"two\"}}",
	          "member 'vms[0].processor_count' is not an integer");
	refused_s(HEAD "\"vms\":[{\"id\":\"0AA394FA-7C4A-4070-BA32-773D43B28A68\","
	               "\"network_adapters\":[{},{\"vlan_id\":5000}]}]}",
	          "member 'vms[0].network_adapters[1].vlan_id' is out of range");
	refused_s(HEAD "\"vms\":[{\"id\":\"0AA394FA-7C4A-4070-BA32-773D43B28A68\","
	               "\"dynamic_memory\":\"True\"}]}",
	          "member 'vms[0].dynamic_memory' is not true or false");
	refused_s(HEAD "\"switches\":[{\"name\":\"x\",\"type\":\"Bridge\"}]}",
	          "member 'switches[0].type' is not Private");
	refused_s(HEAD "\"switches\":[{\"type\":\"Private\"}]}",
	          "member 'switches[0].name' is missing");
	refused_s(HEAD "\"switches\":[1]}", "member 'switches[0]' is not an object");
	refused_s(HEAD "\"switches\":\"Lab\"}", "member 'switches' is not a list");
	refused_s(HEAD "\"adapters\":[{\"mac\":\"zz\"}]}", "member 'adapters[0].mac' is not a MAC");
	refused_s(HEAD "\"ip\":[{\"dns\":[\"1.1.1.1\",2]}]}", "member 'ip[0].dns[1]'");
	refused_s(HEAD "\"authorization\":{\"xml_base64\":\"***\"}}",
	          "member 'authorization.xml_base64' is not base64");
	refused_s(HEAD "\"vmq\":{\"TenGigVmqEnabled\":-1}}",
	          "member 'vmq.TenGigVmqEnabled' is out of range");
	refused("\xFF\xFE{\0}\0", 6, "UTF-16");
}

static void hostile_files_refused(void **state)
{
	size_t n, i;
	char *buf;

	(void)state;
	/* huge numbers */
	refused_s(HEAD "\"host\":{\"memory_bytes\":123456789012345678901234567890}}", "not JSON");
	refused_s(HEAD "\"host\":{\"memory_bytes\":1e999}}", "not JSON");
	refused_s(HEAD "\"vms\":[{\"id\":\"0AA394FA-7C4A-4070-BA32-773D43B28A68\","
	               "\"memory_startup_bytes\":9223372036854775807}]}",
	          "memory_startup_bytes' is out of range");
	refused_s(HEAD "\"host\":{\"memory_bytes\":1.5}}",
	          "member 'host.memory_bytes' is not an integer");
	/* invalid UTF-8 and NUL */
	refused_s(HEAD "\"archive_id\":\"\xC3\x28\"}", "not JSON");
	refused_s(HEAD "\"archive_id\":\"a\\u0000b\"}", "not JSON");
	/* deep nesting */
	n = 100000;
	buf = malloc(n * 2);
	memset(buf, '[', n);
	memset(buf + n, ']', n);
	refused(buf, n * 2, "nests deeper than");
	free(buf);
	/* 10^6 elements: refused by count, quickly */
	n = 1000000;
	buf = malloc(n * 2 + 64);
	i = (size_t)sprintf(buf, HEAD "\"firewall\":[");
	for (size_t k = 0; k < n; k++) {
		memcpy(buf + i, "0,", 2);
		i += 2;
	}
	buf[i - 1] = ']';
	buf[i++] = '}';
	{
		clock_t t0 = clock();

		refused(buf, i, "member 'firewall' has more than");
		assert_true((clock() - t0) / CLOCKS_PER_SEC < 10);
	}
	free(buf);
	/* millions of values */
	n = 3000000;
	buf = malloc(n * 2 + 64);
	i = (size_t)sprintf(buf, HEAD "\"firewall\":[");
	for (size_t k = 0; k < n; k++) {
		memcpy(buf + i, "0,", 2);
		i += 2;
	}
	buf[i - 1] = ']';
	buf[i++] = '}';
	refused(buf, i, "holds more than");
	free(buf);
	/* a long string where a name is expected */
	n = 100000;
	buf = malloc(n + 64);
	i = (size_t)sprintf(buf, HEAD "\"archive_id\":\"");
	memset(buf + i, 'a', n);
	i += n;
	i += (size_t)sprintf(buf + i, "\"}");
	refused(buf, i, "member 'archive_id' is longer than");
	free(buf);
}

/* ---- ISO and VFD files placed with --copy-media ---- */

/* The plan of apply --copy-media: every ISO/VFD file of the source placed under E:\Media
 * (or found there, `present`). Returns how many. */
static size_t plan_media(struct fx *f, bool present)
{
	size_t i, j, n = 0;

	f->opts.copy_media = true;
	for (i = 0; i < f->plan.nvms; i++) {
		struct smig_plan_vm *pv = &f->plan.vms[i];
		const struct smig_inv_vm *s = pv->src;

		for (j = 0; j < s->ndrives; j++) {
			const struct smig_inv_drive *d = &s->drives[j];
			struct smig_plan_file *mf;

			if ((d->kind != SMIG_INV_DRIVE_ISO && d->kind != SMIG_INV_DRIVE_VFD) ||
			    d->pathname == NULL || d->pathname[0] == '\0')
				continue;
			pv->files = realloc(pv->files, (pv->nfiles + 1) * sizeof(*pv->files));
			mf = &pv->files[pv->nfiles++];
			memset(mf, 0, sizeof(*mf));
			mf->role = "media";
			mf->source = d->pathname;
			mf->winpath = tu_fmt("E:\\Media\\%s", strrchr(d->pathname, '\\') + 1);
			mf->present = present;
			n++;
		}
	}
	return n;
}

/* The state's DVD or floppy drive list of VM `name` with one drive holding `path`. */
static void state_media(struct fx *f, const char *vm, const char *list, const char *path)
{
	json_t *v = state_vm(f, vm), *l = json_object_get(v, list), *d;

	if (!json_is_array(l)) {
		json_object_set_new(v, list, json_array());
		l = json_object_get(v, list);
	}
	if (json_array_size(l) == 0)
		json_array_append_new(l, json_object());
	d = json_array_get(l, 0);
	json_object_set_new(d, "path", path != NULL ? json_string(path) : json_null());
}

/* The VM and slot of the first source drive of `kind`. */
static const struct smig_inv_drive *media_drive(struct fx *f, enum smig_drive_kind_inv kind,
                                                const char **vm)
{
	for (size_t i = 0; i < f->src->nvms; i++)
		for (size_t j = 0; j < f->src->vms[i].ndrives; j++)
			if (f->src->vms[i].drives[j].kind == kind) {
				*vm = f->src->vms[i].name;
				return &f->src->vms[i].drives[j];
			}
	fail_msg("the example host has no drive of kind %d", (int)kind);
	return NULL;
}

static void placed_media_checked(void **state)
{
	struct fx *f = *state;
	const char *iso_vm = NULL, *vfd_vm = NULL;
	const struct smig_inv_drive *iso = media_drive(f, SMIG_INV_DRIVE_ISO, &iso_vm);
	const struct smig_inv_drive *vfd = media_drive(f, SMIG_INV_DRIVE_VFD, &vfd_vm);
	char *iso_subject = tu_fmt("vm:%s/drive:%s", iso_vm, iso->slot);
	char *vfd_subject = tu_fmt("vm:%s/drive:%s", vfd_vm, vfd->slot);
	char *iso_dst = tu_fmt("E:\\Media\\%s", strrchr(iso->pathname, '\\') + 1);
	char *vfd_dst = tu_fmt("E:\\Media\\%s", strrchr(vfd->pathname, '\\') + 1);
	char *upper = strdup(iso_dst);

	/* without --copy-media the media are not compared (information only) */
	run(f);
	tu_no_failure(&f->items);
	tu_expect(&f->items, "SMIG4005", iso_subject, SMIG_SEV_INFO, "is not compared");

	/* apply placed them: the host's empty drives are failures */
	assert_int_equal(plan_media(f, false), 2);
	state_media(f, vfd_vm, "floppy_drives", vfd_dst);
	run(f);
	tu_only_failure(&f->items, "SMIG4005", iso_subject, "no DVD drive on the host holds");
	tu_expect(&f->items, "SMIG4005", vfd_subject, SMIG_SEV_PASS,
	          "where the plan put it (--copy-media)");

	/* the drive holds the source's path, not the placed one */
	state_media(f, iso_vm, "dvd_drives", iso->pathname);
	run(f);
	tu_only_failure(&f->items, "SMIG4005", iso_subject, iso->pathname);

	/* the placed path, in another case: the same Windows file */
	for (char *c = upper; *c; c++)
		*c = (char)(*c >= 'a' && *c <= 'z' ? *c - 'a' + 'A' : *c);
	state_media(f, iso_vm, "dvd_drives", upper);
	run(f);
	tu_no_failure(&f->items);
	tu_expect(&f->items, "SMIG4005", iso_subject, SMIG_SEV_PASS, iso_dst);

	/* a file apply found already there counts the same; the floppy drive emptied fails */
	for (size_t i = 0; i < f->plan.nvms; i++)
		for (size_t j = 0; j < f->plan.vms[i].nfiles; j++)
			f->plan.vms[i].files[j].present = true;
	state_media(f, vfd_vm, "floppy_drives", NULL);
	run(f);
	tu_only_failure(&f->items, "SMIG4005", vfd_subject, "no floppy drive on the host holds");

	free(upper);
	free(iso_dst);
	free(vfd_dst);
	free(iso_subject);
	free(vfd_subject);
}

/* ---- the state of another archive ---- */

static void other_archive_fails(void **state)
{
	struct fx *f = *state;
	struct smig_descriptor desc;
	const char *theirs = json_string_value(json_object_get(f->state, "archive_id"));
	size_t i;

	memset(&desc, 0, sizeof(desc));
	desc.archive_id = (char *)"0b7c52e1-0d1a-4f43-9d65-3a1f0e5b7c11";
	f->plan.desc = &desc;
	run(f);
	tu_only_failure(&f->items, "SMIG4001", "host",
	                "the state was written by the migrate.ps1 of archive "
	                "d804e301-f7a8-4206-b1ac-197a836253e3, not of this archive "
	                "0b7c52e1-0d1a-4f43-9d65-3a1f0e5b7c11");
	/* nothing is compared against the wrong plan */
	for (i = 0; i < f->items.count; i++)
		assert_string_equal(f->items.items[i].subject, "host");
	assert_int_equal(f->items.count, 1);

	/* the same archive (ids in another case) is compared as usual */
	desc.archive_id = (char *)"D804E301-F7A8-4206-B1AC-197A836253E3";
	assert_non_null(theirs);
	run(f);
	tu_no_failure(&f->items);
	tu_expect(&f->items, "SMIG4001", "host", SMIG_SEV_INFO, "HV-DST01");
	f->plan.desc = NULL;
}

/* ---- one host cannot report two VMs with one id ---- */

static void duplicates_refused(void **state)
{
	struct fx *f = *state;
	json_t *vms = json_object_get(f->state, "vms"),
	       *sws = json_object_get(f->state, "switches");
	json_t *copy;
	char *text;
	size_t n = json_array_size(vms);

	/* a second VM with the first one's id (braced, lower case) */
	copy = json_deep_copy(json_array_get(vms, 0));
	{
		char *id = tu_fmt("{%s}", json_string_value(json_object_get(copy, "id")));

		for (char *c = id; *c; c++)
			*c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
		json_object_set_new(copy, "id", json_string(id));
		json_object_set_new(copy, "name", json_string("copy"));
		free(id);
	}
	json_array_append_new(vms, copy);
	text = json_dumps(f->state, 0);
	{
		char *needle = tu_fmt("member 'vms[%zu].id' repeats the id", n);

		refused_s(text, needle);
		refused_s(text, "of vms[0]");
		free(needle);
	}
	free(text);
	json_array_remove(vms, n);

	/* two switches with one name (any case) and one type */
	copy = json_deep_copy(json_array_get(sws, find(sws, "name", "Private Cluster")));
	json_object_set_new(copy, "name", json_string("PRIVATE cluster"));
	json_object_set_new(copy, "id", json_null());
	json_array_append_new(sws, copy);
	text = json_dumps(f->state, 0);
	refused_s(text, "repeats the name 'PRIVATE cluster' of switches[");
	free(text);
	/* of another type it is another switch: read, and the check goes on */
	json_object_set_new(copy, "type", json_string("Internal"));
	run(f);
	tu_no_failure(&f->items);

	refused_s(HEAD "\"vms\":[{\"id\":\"0AA394FA-7C4A-4070-BA32-773D43B28A68\"},"
	               "{\"id\":\"0aa394fa-7c4a-4070-ba32-773d43b28a68\"}]}",
	          "member 'vms[1].id' repeats the id 0AA394FA-7C4A-4070-BA32-773D43B28A68 of "
	          "vms[0]");
}

/* ---- PowerShell 3.0's {"value": [...], "Count": n} ---- */

static json_t *wrapped(json_t *list)
{
	return json_pack("{s:o, s:I}", "value", list, "Count", (json_int_t)json_array_size(list));
}

static void wrapped_lists_pass(void **state)
{
	struct fx *f = *state;
	json_t *ips = json_object_get(f->state, "ip");
	json_t *ip = json_array_get(ips, find(ips, "interface", "Management"));
	json_t *web = state_vm(f, "web01");

	json_object_set_new(ip, "addresses",
	                    wrapped(json_incref(json_object_get(ip, "addresses"))));
	json_object_set_new(web, "snapshots",
	                    wrapped(json_incref(json_object_get(web, "snapshots"))));
	json_object_set_new(f->state, "switches",
	                    wrapped(json_incref(json_object_get(f->state, "switches"))));
	json_object_set_new(f->state, "vms",
	                    wrapped(json_incref(json_object_get(f->state, "vms"))));
	json_object_set_new(f->state, "firewall", json_pack("{s:n, s:i}", "value", "Count", 0));
	run(f);
	tu_no_failure(&f->items);
	tu_expect(&f->items, "SMIG4004", "vm:web01", SMIG_SEV_PASS, "2 snapshots");
	tu_expect(&f->items, "SMIG4011", "nic:Management", SMIG_SEV_PASS, "192.168.1.10/24");
}

static void wrong_wrappers_refused(void **state)
{
	(void)state;
	/* a wrapper is not read as a lone VM ("vms[0].id is missing" misled) */
	refused_s(HEAD "\"vms\":{\"value\":[{\"id\":\"0AA394FA-7C4A-4070-BA32-773D43B28A68\"}],"
	               "\"Count\":2}}",
	          "member 'vms' is PowerShell's array wrapper but its 'Count' is not the 1 "
	          "elements");
	refused_s(HEAD "\"vms\":{\"value\":{\"id\":\"0AA394FA-7C4A-4070-BA32-773D43B28A68\"},"
	               "\"Count\":1}}",
	          "member 'vms' is PowerShell's array wrapper but its 'value' is not a list");
	refused_s(HEAD "\"vms\":{\"value\":[]}}", "member 'vms' looks like PowerShell's array "
	                                          "wrapper but is not");
	refused_s(HEAD "\"ip\":[{\"dns\":{\"Count\":1,\"value\":[\"1.1.1.1\"],\"x\":1}}]}",
	          "member 'ip[0].dns' looks like PowerShell's array wrapper");
	refused_s(HEAD "\"vms\":{\"value\":[{\"name\":\"x\"}],\"Count\":1}}",
	          "member 'vms[0].id' is missing");
}

static void oversized_file_refused(void **state)
{
	char *path = tu_fmt("%s/big.json", g_dir);
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_live *l = NULL;
	FILE *fp = fopen(path, "w");

	(void)state;
	assert_non_null(fp);
	assert_int_equal(ftruncate(fileno(fp), (off_t)SMIG_LIVE_MAX_BYTES + 1), 0);
	fclose(fp);
	assert_int_equal(smig_livecheck_load(path, &l, &e), -1);
	assert_null(l);
	assert_int_equal(e.kind, SMIG_ERR_FORMAT);
	assert_null(strchr(e.msg, '\n'));
	assert_non_null(strstr(e.msg, "big.json"));
	unlink(path);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(matching_state_passes, setup, teardown),
	    cmocka_unit_test_setup_teardown(powershell_shapes_pass, setup, teardown),
	    cmocka_unit_test_setup_teardown(missing_vm_fails, setup, teardown),
	    cmocka_unit_test_setup_teardown(renamed_vm_fails, setup, teardown),
	    cmocka_unit_test_setup_teardown(memory_changed_fails, setup, teardown),
	    cmocka_unit_test_setup_teardown(processors_and_snapshots_fail, setup, teardown),
	    cmocka_unit_test_setup_teardown(disk_elsewhere_fails, setup, teardown),
	    cmocka_unit_test_setup_teardown(wrong_vlan_fails, setup, teardown),
	    cmocka_unit_test_setup_teardown(switch_of_another_type_fails, setup, teardown),
	    cmocka_unit_test_setup_teardown(unbound_external_fails, setup, teardown),
	    cmocka_unit_test_setup_teardown(host_settings_fail, setup, teardown),
	    cmocka_unit_test_setup_teardown(store_differences_fail, setup, teardown),
	    cmocka_unit_test_setup_teardown(vmq_and_ip_fail, setup, teardown),
	    cmocka_unit_test_setup_teardown(placed_media_checked, setup, teardown),
	    cmocka_unit_test_setup_teardown(other_archive_fails, setup, teardown),
	    cmocka_unit_test_setup_teardown(duplicates_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(wrapped_lists_pass, setup, teardown),
	    cmocka_unit_test(wrong_wrappers_refused),
	    cmocka_unit_test(malformed_files_refused),
	    cmocka_unit_test(hostile_files_refused),
	    cmocka_unit_test(oversized_file_refused),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
