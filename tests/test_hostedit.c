/*
 * test_hostedit.c - writing the Hyper-V host state into the example destination's hives
 * (lab-2012) and reading it back with the inventory readers: three kinds of switch, ports
 * and VLANs, a host vNIC with static TCP/IP, VMQ, MAC range, paths and the store location;
 * hivexget as a peer reader; idempotence and in-place updates; rejecting twins for each
 * check (bad GUIDs, missing adapter/switch/port, bad addresses, conflicts, read-only hive).
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "hive.h"
#include "hostedit.h"
#include "hostfs.h"
#include "inventory.h"
#include "regmap.h"

/* lab-2012's adapters (examples/lab-2012/host.json) */
#define PHYS1 "{C0FFEE01-2012-4A5B-8C6D-7E8F9A0B1C01}"
#define PHYS2 "{C0FFEE01-2012-4A5B-8C6D-7E8F9A0B1C02}"
/* what the tests write: the source example's networks */
#define SW_EXT "A1E0F6C2-3B4D-4E5F-8A9B-0C1D2E3F4A01"
#define SW_INT "A1E0F6C2-3B4D-4E5F-8A9B-0C1D2E3F4A02"
#define SW_PRIV "A1E0F6C2-3B4D-4E5F-8A9B-0C1D2E3F4A03"
#define PORT_WEB "B2F1A7D3-4C5E-4F60-9BAC-1D2E3F4A5B11"
#define PORT_HOST "B2F1A7D3-4C5E-4F60-9BAC-1D2E3F4A5B22"
#define PORT_DC "B2F1A7D3-4C5E-4F60-9BAC-1D2E3F4A5B31"
#define VNIC "{5D0C3E21-8A4B-4F6C-B1D2-3E4F5A6B7C04}"
#define MISSING_NIC "{DEADBEEF-0000-4000-8000-000000000001}"

struct fx {
	char *dir, *host, *sys, *sw;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->dir = tu_mkdtemp();
	f->host = tu_fmt("%s/host", f->dir);
	tu_build_example("lab-2012", f->host);
	f->sys = tu_fmt("%s/C/%s", f->host, SMIG_HIVE_SYSTEM_PATH);
	f->sw = tu_fmt("%s/C/%s", f->host, SMIG_HIVE_SOFTWARE_PATH);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	tu_rmtree(f->dir);
	free(f->dir);
	free(f->host);
	free(f->sys);
	free(f->sw);
	free(f);
	return 0;
}

static struct smig_hive *open_hive(const char *path, bool write)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_hive *h = NULL;

	if (smig_hive_open(path, NULL, write, NULL, &h, &e) < 0)
		fail_msg("%s", e.msg);
	return h;
}

#define OK(call)                                                                                   \
	do {                                                                                       \
		struct smig_err e_ = SMIG_ERR_INIT;                                                \
		struct smig_err *e = &e_;                                                          \
		if ((call) != 0)                                                                   \
			fail_msg("%s: %s", #call, e_.msg);                                         \
	} while (0)

/* The call fails with `kind` and a message containing `needle`. */
#define REFUSED(want, needle, call)                                                                \
	do {                                                                                       \
		struct smig_err e_ = SMIG_ERR_INIT;                                                \
		struct smig_err *e = &e_;                                                          \
		assert_int_equal((call), -1);                                                      \
		assert_int_equal(e_.kind, (want));                                                 \
		if (strstr(e_.msg, (needle)) == NULL)                                              \
			fail_msg("'%s' does not contain '%s'", e_.msg, (needle));                  \
	} while (0)

static char *vnic_ip[] = {"10.10.0.1", NULL};
static char *vnic_mask[] = {"255.255.255.0", NULL};
static char *vnic_dns[] = {"10.10.0.5", NULL};
static const struct smig_tcpip vnic_tcpip = {false, vnic_ip, vnic_mask, NULL, vnic_dns};

static void apply_system(struct smig_hive *h)
{
	static const struct smig_hostedit_vnic v = {
	    .guid = VNIC,
	    .switch_guid = SW_INT,
	    .port_guid = PORT_HOST,
	    .connection = "vEthernet (Internal Lab)",
	    .friendly = "Internal Lab",
	    .tcpip = &vnic_tcpip,
	};
	static char *search[] = {"lab.contoso.com", "contoso.com", NULL};

	/* any GUID form in, the reader's form out */
	OK(smig_hostedit_switch(h, "{a1e0f6c2-3b4d-4e5f-8a9b-0c1d2e3f4a02}", "Internal Lab", e));
	OK(smig_hostedit_host_vnic(h, &v, e));
	OK(smig_hostedit_switch(h, SW_EXT, "External LAN", e));
	OK(smig_hostedit_port(h, SW_EXT, PORT_WEB, "web01 - Network Adapter", 20, e));
	OK(smig_hostedit_bind(h, PHYS1, SW_EXT, NULL, e));
	OK(smig_hostedit_switch(h, SW_PRIV, "Private Cluster", e));
	OK(smig_hostedit_port(h, SW_PRIV, PORT_DC, "dc01 - Network Adapter", 0, e));
	OK(smig_hostedit_vmq(h, 1, 1, e));
	OK(smig_hostedit_nic_vmq(h, PHYS1, false, e));
	OK(smig_hostedit_nic_vmq(h, VNIC, true, e));
	OK(smig_hostedit_searchlist(h, search, e));
}

static void apply_software(struct smig_hive *h)
{
	struct smig_hostedit_virt v = {
	    .data_root = "D:\\Hyper-V",
	    .vhd_path = "D:\\VHD",
	    .store_location = "msxml://D:\\Hyper-V\\InitialStore.xml",
	    .has_mac = true,
	};

	assert_true(smig_mac_parse("00-15-5D-0A-00-00", &v.mac_min));
	assert_true(smig_mac_parse("00-15-5D-0A-0F-FF", &v.mac_max));
	OK(smig_hostedit_virtualization(h, &v, e));
}

/* Apply everything to both hives and commit them. */
static void apply_all(struct fx *f)
{
	struct smig_hive *sys = open_hive(f->sys, true), *sw = open_hive(f->sw, true);

	apply_system(sys);
	apply_software(sw);
	OK(smig_hive_commit(sys, NULL, e));
	OK(smig_hive_commit(sw, NULL, e));
	smig_hive_close(sys);
	smig_hive_close(sw);
}

static struct smig_inventory *read_host(struct fx *f)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_hostfs *fs = NULL;
	struct smig_inventory *inv = NULL;

	if (smig_hostfs_open(f->host, &fs, &e) < 0)
		fail_msg("%s", e.msg);
	if (smig_inventory_read(fs, f->host, NULL, &inv, &e) < 0)
		fail_msg("%s", e.msg);
	smig_hostfs_free(fs);
	return inv;
}

static const struct smig_inv_switch *sw_named(const struct smig_inventory *inv, const char *name)
{
	for (size_t i = 0; i < inv->nswitches; i++)
		if (strcmp(inv->switches[i].name, name) == 0)
			return &inv->switches[i];
	fail_msg("no switch '%s'", name);
	return NULL;
}

static const struct smig_inv_nic *nic(const struct smig_inventory *inv, const char *guid)
{
	const struct smig_inv_nic *n = smig_inventory_find_nic(inv, guid);

	if (n == NULL)
		fail_msg("no adapter %s", guid);
	return n;
}

static void assert_strv(char *const *v, const char *one)
{
	if (one == NULL) {
		assert_true(v == NULL || v[0] == NULL);
		return;
	}
	assert_non_null(v);
	assert_string_equal(v[0], one);
	assert_null(v[1]);
}

/* Number of subkeys of `path` in the hive file. */
static size_t count_children(const char *hive, const char *path)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_hive *h = open_hive(hive, false);
	smig_hive_node n, *kids = NULL;
	size_t count = 0;

	if (smig_hive_find(h, 0, path, &n, &e) == 0) {
		if (smig_hive_children(h, n, &kids, &count, &e) < 0)
			fail_msg("%s", e.msg);
	}
	free(kids);
	smig_hive_close(h);
	return count;
}

static void check_model(const struct smig_inventory *inv)
{
	const struct smig_inv_switch *s;
	const struct smig_inv_nic *n;
	char a[18], b[18];

	assert_int_equal(inv->nswitches, 3);

	s = sw_named(inv, "Internal Lab");
	assert_int_equal(s->type, SMIG_SWITCH_INTERNAL);
	assert_string_equal(s->guid, SW_INT);
	assert_string_equal(s->host_vnic, VNIC);
	assert_null(s->external_nic);
	assert_int_equal(s->nports, 1);
	assert_string_equal(s->ports[0].guid, PORT_HOST);
	assert_string_equal(s->ports[0].name, "Host Vnic " SW_INT);
	assert_true(s->ports[0].host);
	assert_int_equal(s->ports[0].vlan, 0);

	s = sw_named(inv, "External LAN");
	assert_int_equal(s->type, SMIG_SWITCH_EXTERNAL);
	assert_string_equal(s->external_nic, PHYS1);
	assert_null(s->host_vnic);
	assert_int_equal(s->nports, 1);
	assert_string_equal(s->ports[0].guid, PORT_WEB);
	assert_string_equal(s->ports[0].name, "web01 - Network Adapter");
	assert_int_equal(s->ports[0].vlan, 20);
	assert_false(s->ports[0].host);

	s = sw_named(inv, "Private Cluster");
	assert_int_equal(s->type, SMIG_SWITCH_PRIVATE);
	assert_null(s->external_nic);
	assert_null(s->host_vnic);
	assert_int_equal(s->nports, 1);
	assert_string_equal(s->ports[0].name, "dc01 - Network Adapter");
	assert_int_equal(s->ports[0].vlan, 0);

	assert_int_equal(inv->nnics, 3);
	n = nic(inv, VNIC);
	assert_true(n->host_vnic);
	assert_false(n->physical);
	assert_string_equal(n->class_key, "0000"); /* lab-2012 uses 0001 and 0002 */
	assert_string_equal(n->description, "Internal Lab");
	assert_string_equal(n->connection_name, "vEthernet (Internal Lab)");
	assert_true(n->has_tcpip);
	assert_false(n->dhcp);
	assert_strv(n->ip, "10.10.0.1");
	assert_strv(n->mask, "255.255.255.0");
	assert_strv(n->gateway, NULL);
	assert_strv(n->dns, "10.10.0.5");
	assert_int_equal(n->vmq, 1);
	assert_string_equal(n->switch_guid, SW_INT);

	n = nic(inv, PHYS1);
	assert_true(n->physical);
	assert_int_equal(n->vmq, 0);
	assert_string_equal(n->switch_guid, SW_EXT);
	assert_strv(n->ip, "192.168.1.20"); /* untouched */
	n = nic(inv, PHYS2);
	assert_int_equal(n->vmq, 1);
	assert_null(n->switch_guid);

	assert_int_equal(inv->host.vmq_tengig, 1);
	assert_int_equal(inv->host.vmq_below_tengig, 1);
	assert_true(inv->host.has_mac_range);
	assert_false(inv->host.mac_range_default);
	smig_mac_format(&inv->host.mac_min, a);
	smig_mac_format(&inv->host.mac_max, b);
	assert_string_equal(a, "00-15-5D-0A-00-00");
	assert_string_equal(b, "00-15-5D-0A-0F-FF");
	assert_string_equal(inv->host.data_root, "D:\\Hyper-V");
	assert_string_equal(inv->host.vhd_path, "D:\\VHD");
	assert_string_equal(inv->host.store_location, "msxml://D:\\Hyper-V\\InitialStore.xml");
	assert_true(inv->azman.present);
	assert_string_equal(inv->azman.path, "D:\\Hyper-V\\InitialStore.xml");
	/* nothing the readers found odd: no dangling binding, no nameless switch */
	assert_int_equal(smig_problems_count(&inv->problems, SMIG_SEV_WARNING), 0);
	assert_int_equal(smig_problems_count(&inv->problems, SMIG_SEV_ERROR), 0);
}

/* The store the new StoreLocation names, so the readers can load it. */
static void place_store(struct fx *f)
{
	char *from = tu_fmt("%s/C/ProgramData/Microsoft/Windows/Hyper-V/InitialStore.xml", f->host);
	char *dir = tu_fmt("%s/D/Hyper-V", f->host);

	assert_int_equal(tu_sh("mkdir -p '%s' && cp '%s' '%s/'", dir, from, dir), 0);
	free(from);
	free(dir);
}

static void test_apply_reads_back(void **state)
{
	struct fx *f = *state;
	struct smig_inventory *before = read_host(f), *inv;

	/* the destination as built: no networks, default settings */
	assert_int_equal(before->nswitches, 0);
	assert_true(before->host.mac_range_default);
	smig_inventory_free(before);

	place_store(f);
	apply_all(f);
	inv = read_host(f);
	check_model(inv);
	smig_inventory_free(inv);

	/* SearchList is not in the model: read the value itself */
	{
		struct smig_err e = SMIG_ERR_INIT;
		struct smig_hive *h = open_hive(f->sys, false);
		smig_hive_node n;
		char *v = NULL;

		assert_int_equal(smig_hive_find(h, 0, SMIG_RK_TCPIP_PARAMS, &n, &e), 0);
		assert_int_equal(smig_hive_get_sz(h, n, "SearchList", &v, &e), 0);
		assert_string_equal(v, "lab.contoso.com,contoso.com");
		free(v);
		smig_hive_close(h);
	}
}

/* hivexget, an independent reader, sees the same values in the committed files. */
static void test_peer_hivexget(void **state)
{
	struct fx *f = *state;
	const char *virt = "Microsoft\\Windows NT\\CurrentVersion\\Virtualization";
	const char *sl = "ControlSet001\\Services\\VMSMP\\Parameters\\SwitchList\\";
	const char *nl = "ControlSet001\\Services\\VMSMP\\Parameters\\NicList\\/Device/";

	if (!tu_have("hivexget"))
		skip();
	place_store(f);
	apply_all(f);
	assert_int_equal(tu_sh("test \"$(hivexget '%s' '%s' MinimumMacAddress | od -An -tx1 | "
	                       "tr -d ' \\n')\" = 00155d0a0000",
	                       f->sw, virt),
	                 0);
	assert_int_equal(tu_sh("test \"$(hivexget '%s' '%s' MaximumMacAddress | od -An -tx1 | "
	                       "tr -d ' \\n')\" = 00155d0a0fff",
	                       f->sw, virt),
	                 0);
	assert_int_equal(tu_sh("test \"$(hivexget '%s' '%s%s' FriendlyName)\" = 'External LAN'",
	                       f->sys, sl, SW_EXT),
	                 0);
	assert_int_equal(tu_sh("test \"$(hivexget '%s' '%s%s\\%s' AccessVLAN)\" = 20 -o "
	                       "\"$(hivexget '%s' '%s%s\\%s' AccessVLAN)\" = 0x00000014",
	                       f->sys, sl, SW_EXT, PORT_WEB, f->sys, sl, SW_EXT, PORT_WEB),
	                 0);
	assert_int_equal(
	    tu_sh("test \"$(hivexget '%s' '%s%s' SwitchName)\" = '%s'", f->sys, nl, PHYS1, SW_EXT),
	    0);
	/* the rejecting twin: a value we did not write is not there */
	assert_int_not_equal(tu_sh("test \"$(hivexget '%s' '%s%s' FriendlyName 2>/dev/null)\" = "
	                           "'Internal Lab'",
	                           f->sys, sl, SW_EXT),
	                     0);
}

static char *model_json(struct fx *f)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_inventory *inv = read_host(f);
	char *json = smig_inventory_to_json(inv, &e);

	if (json == NULL)
		fail_msg("%s", e.msg);
	smig_inventory_free(inv);
	return json;
}

static void test_idempotent(void **state)
{
	struct fx *f = *state;
	char *once, *twice;

	place_store(f);
	apply_all(f);
	once = model_json(f);
	apply_all(f);
	twice = model_json(f);
	assert_string_equal(once, twice);
	/* no second adapter, device, switch or binding */
	assert_int_equal(count_children(f->sys, SMIG_RK_NET_CLASS), 3);
	assert_int_equal(count_children(f->sys, SMIG_RK_ENUM "\\ROOT\\VMS_MP"), 1);
	assert_int_equal(count_children(f->sys, SMIG_RK_VMSMP_PARAMS "\\SwitchList"), 3);
	assert_int_equal(count_children(f->sys, SMIG_RK_VMSMP_PARAMS "\\NicList"), 2);
	free(once);
	free(twice);
	{
		struct smig_inventory *inv = read_host(f);
		check_model(inv);
		smig_inventory_free(inv);
	}
}

/* Writing different values over existing ones updates them in place. */
static void test_update_in_place(void **state)
{
	struct fx *f = *state;
	static const struct smig_tcpip dhcp = {.dhcp = true};
	const struct smig_hostedit_vnic v = {
	    .guid = "5d0c3e21-8a4b-4f6c-b1d2-3e4f5a6b7c04", /* same adapter, other spelling */
	    .switch_guid = SW_INT,
	    .port_guid = NULL,
	    .connection = "Lab (host)",
	    .friendly = NULL,
	    .tcpip = &dhcp,
	};
	struct smig_inventory *inv;
	struct smig_hive *h;
	const struct smig_inv_nic *n;
	const struct smig_inv_switch *s;

	place_store(f);
	apply_all(f);
	h = open_hive(f->sys, true);
	OK(smig_hostedit_host_vnic(h, &v, e));
	OK(smig_hostedit_port(h, SW_EXT, PORT_WEB, "web01 - NIC", 0, e));
	OK(smig_hostedit_switch(h, SW_PRIV, "Cluster", e));
	OK(smig_hostedit_vmq(h, 2, -1, e));
	OK(smig_hostedit_searchlist(h, NULL, e));
	OK(smig_hive_commit(h, NULL, e));
	smig_hive_close(h);

	inv = read_host(f);
	n = nic(inv, VNIC);
	assert_string_equal(n->class_key, "0000");
	assert_string_equal(n->connection_name, "Lab (host)");
	assert_string_equal(n->description, SMIG_HOST_VNIC_DESC); /* DeviceDesc text */
	assert_true(n->dhcp);
	assert_strv(n->ip, NULL);
	s = sw_named(inv, "Internal Lab");
	assert_int_equal(s->type, SMIG_SWITCH_INTERNAL);
	assert_false(s->ports[0].host); /* PortName removed */
	s = sw_named(inv, "External LAN");
	assert_string_equal(s->ports[0].name, "web01 - NIC");
	assert_int_equal(s->ports[0].vlan, 0);
	assert_non_null(sw_named(inv, "Cluster"));
	assert_int_equal(inv->host.vmq_tengig, 2);
	assert_int_equal(inv->host.vmq_below_tengig, 1); /* -1 left it */
	assert_int_equal(count_children(f->sys, SMIG_RK_NET_CLASS), 3);
	assert_int_equal(count_children(f->sys, SMIG_RK_ENUM "\\ROOT\\VMS_MP"), 1);
	smig_inventory_free(inv);
}

/* Each refused call names the problem and leaves the hive as it was. */
static void test_rejects(void **state)
{
	struct fx *f = *state;
	struct smig_hive *h = open_hive(f->sys, true), *ro;
	struct smig_hostedit_vnic v = {
	    .guid = VNIC,
	    .switch_guid = SW_INT,
	    .connection = "vEthernet (Internal Lab)",
	};
	char *bad_ip[] = {"10.10.0.300", NULL}, *two_ip[] = {"10.0.0.1", "10.0.0.2", NULL};
	char *bad_suffix[] = {"a.com,b.com", NULL};
	struct smig_tcpip t = {false, bad_ip, vnic_mask, NULL, NULL};
	struct smig_hostedit_virt virt = {.has_mac = true};
	smig_hive_node n;

	/* missing adapter */
	REFUSED(SMIG_ERR_FORMAT, MISSING_NIC, smig_hostedit_nic_vmq(h, MISSING_NIC, true, e));
	REFUSED(SMIG_ERR_FORMAT, "is not in the destination's adapter list",
	        smig_hostedit_nic_vmq(h, MISSING_NIC, true, e));
	REFUSED(SMIG_ERR_FORMAT, MISSING_NIC, smig_hostedit_tcpip(h, MISSING_NIC, &vnic_tcpip, e));
	/* bad GUID strings, each argument */
	REFUSED(SMIG_ERR_FORMAT, "is not a GUID",
	        smig_hostedit_switch(h, "A1E0F6C2-3B4D-4E5F-8A9B-0C1D2E3F4A0", "x", e));
	REFUSED(SMIG_ERR_FORMAT, "'{A1E0F6C2-3B4D-4E5F-8A9B-0C1D2E3F4A01' is not a GUID",
	        smig_hostedit_switch(h, "{A1E0F6C2-3B4D-4E5F-8A9B-0C1D2E3F4A01", "x", e));
	REFUSED(SMIG_ERR_FORMAT, "switch port 'B2F1A7D3+4C5E-4F60-9BAC-1D2E3F4A5B11'",
	        smig_hostedit_port(h, SW_EXT, "B2F1A7D3+4C5E-4F60-9BAC-1D2E3F4A5B11", "x", 0, e));
	REFUSED(SMIG_ERR_FORMAT, "is not a GUID",
	        smig_hostedit_bind(h, "{C0FFEE01-2012-4A5B-8C6D-7E8F9A0B1C0G}", SW_EXT, NULL, e));
	REFUSED(SMIG_ERR_FORMAT, "is not a GUID", smig_hostedit_nic_vmq(h, "", true, e));
	v.guid = "not-a-guid";
	REFUSED(SMIG_ERR_FORMAT, "host virtual adapter 'not-a-guid'",
	        smig_hostedit_host_vnic(h, &v, e));
	v.guid = VNIC;
	REFUSED(SMIG_ERR_USAGE, "no virtual network GUID", smig_hostedit_switch(h, NULL, "x", e));
	REFUSED(SMIG_ERR_USAGE, "no virtual network name", smig_hostedit_switch(h, SW_EXT, "", e));
	/* what they name must exist */
	REFUSED(SMIG_ERR_FORMAT, "virtual network " SW_EXT " does not exist",
	        smig_hostedit_port(h, SW_EXT, PORT_WEB, "web01", 0, e));
	REFUSED(SMIG_ERR_FORMAT, "does not exist", smig_hostedit_bind(h, PHYS1, SW_EXT, NULL, e));
	REFUSED(SMIG_ERR_FORMAT, "does not exist", smig_hostedit_host_vnic(h, &v, e));
	/* bad values */
	REFUSED(SMIG_ERR_FORMAT, "'10.10.0.300'", smig_hostedit_tcpip(h, PHYS2, &t, e));
	t.ip = two_ip;
	REFUSED(SMIG_ERR_FORMAT, "2 IP addresses but 1 subnet mask",
	        smig_hostedit_tcpip(h, PHYS2, &t, e));
	t.ip = NULL;
	REFUSED(SMIG_ERR_FORMAT, "no IP address", smig_hostedit_tcpip(h, PHYS2, &t, e));
	REFUSED(SMIG_ERR_FORMAT, "VMQ", smig_hostedit_vmq(h, 3, 1, e));
	REFUSED(SMIG_ERR_FORMAT, "'a.com,b.com'", smig_hostedit_searchlist(h, bad_suffix, e));
	assert_true(smig_mac_parse("00-15-5D-0A-0F-FF", &virt.mac_min));
	assert_true(smig_mac_parse("00-15-5D-0A-00-00", &virt.mac_max));
	REFUSED(SMIG_ERR_FORMAT, "inverted", smig_hostedit_virtualization(h, &virt, e));
	virt.has_mac = false;
	virt.store_location = "file://C:\\store.xml";
	REFUSED(SMIG_ERR_FORMAT, "'file://C:\\store.xml'",
	        smig_hostedit_virtualization(h, &virt, e));
	virt.store_location = NULL;
	virt.data_root = "";
	REFUSED(SMIG_ERR_FORMAT, "empty", smig_hostedit_virtualization(h, &virt, e));

	/* with the switches in place: VLAN range, missing port, conflicts */
	OK(smig_hostedit_switch(h, SW_EXT, "External LAN", e));
	OK(smig_hostedit_switch(h, SW_INT, "Internal Lab", e));
	REFUSED(SMIG_ERR_FORMAT, "VLAN 4095",
	        smig_hostedit_port(h, SW_EXT, PORT_WEB, "web01", 4095, e));
	OK(smig_hostedit_port(h, SW_EXT, PORT_WEB, "web01", 4094, e));
	REFUSED(SMIG_ERR_FORMAT, "port " PORT_HOST " of virtual network " SW_EXT,
	        smig_hostedit_bind(h, PHYS1, SW_EXT, PORT_HOST, e));
	v.connection = "ethernet"; /* lab-2012's first adapter, in another case */
	REFUSED(SMIG_ERR_FORMAT, "connection name 'ethernet' is already used by adapter " PHYS1,
	        smig_hostedit_host_vnic(h, &v, e));
	v.connection = "vEthernet (Internal Lab)";
	v.guid = PHYS2;
	REFUSED(SMIG_ERR_FORMAT, "is not a host virtual adapter",
	        smig_hostedit_host_vnic(h, &v, e));
	v.guid = VNIC;
	v.tcpip = &t;
	t.ip = bad_ip;
	REFUSED(SMIG_ERR_FORMAT, "'10.10.0.300'", smig_hostedit_host_vnic(h, &v, e));
	/* none of the refused host vNIC calls left an adapter, device or connection behind */
	{
		struct smig_err e = SMIG_ERR_INIT;
		char *path = tu_fmt("%s\\%s", SMIG_RK_NET_NETWORK, VNIC);

		assert_int_equal(smig_hive_find(h, 0, SMIG_RK_NET_CLASS "\\0000", &n, &e), 1);
		assert_int_equal(smig_hive_find(h, 0, SMIG_RK_ENUM "\\ROOT\\VMS_MP", &n, &e), 1);
		assert_int_equal(smig_hive_find(h, 0, path, &n, &e), 1);
		assert_int_equal(
		    smig_hive_find(h, 0, SMIG_RK_VMSMP_PARAMS "\\NicList\\/Device/" PHYS1, &n, &e),
		    1);
		free(path);
	}
	smig_hive_close(h);

	/* a read-only hive is refused by the hive layer */
	ro = open_hive(f->sys, false);
	REFUSED(SMIG_ERR_USAGE, "read-only", smig_hostedit_switch(ro, SW_EXT, "External LAN", e));
	smig_hive_close(ro);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_apply_reads_back, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_peer_hivexget, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_idempotent, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_update_in_place, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rejects, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
