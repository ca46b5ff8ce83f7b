/* test_report.c - text, HTML and JSON reports (report.h, docs/reference.md "Reports and their
 * items"). */
#include "testutil.h"

#include <jansson.h>
#include <locale.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "hostfs.h"
#include "report.h"
#include "strbuf.h"

/* ends the argument list of SV() */
#define END ((const char *)NULL)
#define NOW_LINE "Now (the running state)"

static char *S(const char *s)
{
	char *r = strdup(s);

	assert_non_null(r);
	return r;
}

/* A NULL-terminated array of copies of the NULL-terminated arguments. */
static char **SV(const char *first, ...)
{
	va_list ap;
	const char *s;
	char **v = calloc(16, sizeof(*v));
	size_t n = 0;

	assert_non_null(v);
	va_start(ap, first);
	for (s = first; s != NULL && n < 15; s = va_arg(ap, const char *))
		v[n++] = S(s);
	va_end(ap);
	return v;
}

static void *zalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	assert_non_null(p);
	return p;
}

static void mac(const char *s, struct smig_mac *m)
{
	assert_true(smig_mac_parse(s, m));
}

#define NIC0 "{11111111-1111-1111-1111-111111111111}"
#define NIC1 "{22222222-2222-2222-2222-222222222222}"
#define NIC2 "{33333333-3333-3333-3333-333333333333}"
#define SW0 "AAAAAAAA-0000-0000-0000-000000000001"
#define SW1 "AAAAAAAA-0000-0000-0000-000000000002"
#define SW2 "AAAAAAAA-0000-0000-0000-000000000003"
#define VM0 "0AA394FA-7C4A-4070-BA32-773D43B28A68"
#define VM1 "1BB394FA-7C4A-4070-BA32-773D43B28A68"
#define VM2 "2CC394FA-7C4A-4070-BA32-773D43B28A68"
#define HOSTILE "<script>alert(1)</script>"

static void add_problems(struct smig_problems *l)
{
	struct smig_err e = SMIG_ERR_INIT;

	/* deliberately not in group order: the renderers sort by severity */
	assert_int_equal(smig_problems_add(l, "", SMIG_SEV_INFO, "ipconfig", NULL, NULL, &e,
	                                   "line not understood and ignored: 'x'"),
	                 0);
	assert_int_equal(smig_problems_add(l, "SMIG2009", SMIG_SEV_WARNING, "azman", NULL, NULL, &e,
	                                   "the authorization store is not the default file"),
	                 0);
	assert_int_equal(smig_problems_add(l, "SMIG3001", SMIG_SEV_MANUAL, "switch:External LAN",
	                                   "bind the network to a physical adapter",
	                                   "Set-VMSwitch -Name 'External LAN' `\n"
	                                   "  -NetAdapterName 'Ethernet 2'",
	                                   &e, "external network recreated as internal"),
	                 0);
	assert_int_equal(smig_problems_add(l, "SMIG1003", SMIG_SEV_BLOCKER, "vm:web01", NULL, NULL,
	                                   &e, "the VM has saved state"),
	                 0);
	assert_int_equal(smig_problems_add(l, "SMIG4002", SMIG_SEV_PASS, "vm:web01", NULL, NULL, &e,
	                                   "memory settings equal"),
	                 0);
	assert_int_equal(smig_problems_add(l, "SMIG4005", SMIG_SEV_FAIL, "vm:web01/disk:web01.vhd",
	                                   NULL, NULL, &e, "SHA-256 differs"),
	                 0);
	assert_int_equal(
	    smig_problems_add(l, "", SMIG_SEV_ERROR, "vm:" VM1, NULL, NULL, &e,
	                      "cannot parse the configuration: a very long reason that "
	                      "goes on and on so that the text renderer has to wrap it "
	                      "at one hundred columns rather than letting it run off"),
	    0);
}

static void fill_web01(struct smig_inv_vm *vm)
{
	vm->id = S(VM0);
	vm->name = S("web01");
	vm->config_winpath = S("D:\\VMs\\Virtual Machines\\" VM0 ".xml");
	vm->registration = S("link");
	vm->version = 0x1d0;
	vm->memory_mb = 512;
	vm->memory_min_mb = 512;
	vm->memory_max_mb = 1536;
	vm->dynamic_memory = true;
	vm->cpu_count = 2;
	vm->cpu_compat = true;
	vm->saved_state = true;
	vm->state_files = SV("D:\\VMs\\x.vsv", "D:\\VMs\\x.bin", END);

	vm->ndrives = 4;
	vm->drives = zalloc(vm->ndrives, sizeof(*vm->drives));
	vm->drives[0] = (struct smig_inv_drive){S("IDE 0:0"), SMIG_INV_DRIVE_VHD,
	                                        S("D:\\VMs\\web01_ABC.avhd"), NULL, 2};
	vm->drives[1] = (struct smig_inv_drive){S("IDE 1:0"), SMIG_INV_DRIVE_ISO,
	                                        S("D:\\ISO\\setup.iso"), NULL, -1};
	vm->drives[2] = (struct smig_inv_drive){S("SCSI 0:1"), SMIG_INV_DRIVE_PASSTHROUGH,
	                                        S("Disk 2"), NULL, -1};
	vm->drives[3] =
	    (struct smig_inv_drive){S("Floppy 0:0"), SMIG_INV_DRIVE_EMPTY, S(""), NULL, -1};

	vm->nnics = 2;
	vm->nics = zalloc(vm->nnics, sizeof(*vm->nics));
	vm->nics[0] = (struct smig_inv_nicvm){
	    S("Network Adapter"), false,     true, true, S("00-15-5D-01-07-10"), S(SW0),
	    S("External LAN"),    S("{P0}"), 10, NULL};
	vm->nics[1] = (struct smig_inv_nicvm){S("Legacy Network Adapter"),
	                                      true,
	                                      false,
	                                      false,
	                                      S("00-00-00-00-00-00"),
	                                      NULL,
	                                      NULL,
	                                      NULL,
	                                      0,
	                                      NULL};

	vm->ndisks = 3;
	vm->disks = zalloc(vm->ndisks, sizeof(*vm->disks));
	vm->disks[0].winpath = S("D:\\VMs\\web01.vhd");
	vm->disks[0].type = SMIG_DISK_DYNAMIC;
	vm->disks[0].virtual_size = 127ULL << 30;
	vm->disks[0].file_size = 3ULL << 29; /* 1.5 GiB */
	vm->disks[0].parent = -1;
	vm->disks[1].winpath = S("D:\\VMs\\web01_X.avhd");
	vm->disks[1].type = SMIG_DISK_DIFFERENCING;
	vm->disks[1].virtual_size = 127ULL << 30;
	vm->disks[1].file_size = 64ULL << 20;
	vm->disks[1].parent = 0;
	vm->disks[1].parent_winpath = S("D:\\VMs\\web01.vhd");
	vm->disks[2].winpath = S("D:\\VMs\\web01_ABC.avhd");
	vm->disks[2].type = SMIG_DISK_DIFFERENCING;
	vm->disks[2].virtual_size = 127ULL << 30;
	vm->disks[2].file_size = 1000;
	vm->disks[2].parent = 1;
	vm->disks[2].time_mismatch = true;

	/* Base -> Patched -> Tested; the running state hangs under Base */
	vm->nsnapshots = 3;
	vm->snapshots = zalloc(vm->nsnapshots, sizeof(*vm->snapshots));
	vm->snapshots[0] = (struct smig_inv_snapshot){S("S0"), S("Base"), NULL, NULL, 1415511280,
	                                              -1,      false,     NULL, 0};
	vm->snapshots[1] = (struct smig_inv_snapshot){S("S1"), S("Patched"), NULL, NULL, 1415600000,
	                                              0,       false,        NULL, 1};
	vm->snapshots[2] = (struct smig_inv_snapshot){
	    S("S2"), S("Tested"), NULL, NULL, 1415700000, 1, true, SV("a.vsv", END), -1};
	vm->current_parent = 0;
	vm->tree_verified = true;
	vm->stale_avhds = SV("/host/D/VMs/old_1234.avhd", END);
}

static struct smig_inventory *make_inventory(void)
{
	struct smig_inventory *inv = zalloc(1, sizeof(*inv));
	struct smig_inv_os *os = &inv->os;
	struct smig_inv_vm *vm;
	struct smig_inv_switch *sw;

	inv->root = S("/srv/hosts/hv01");
	os->computer_name = S("HV01");
	os->dns_hostname = S("hv01");
	os->domain = S("contoso.local");
	os->product_name = S("Windows Server 2008 R2 Enterprise");
	os->current_version = S("6.1");
	os->build = S("7601");
	os->csd_version = S("Service Pack 1");
	os->edition_id = S("ServerEnterprise");
	os->installation_type = S("Server");
	os->product_type = S("ServerNT");
	os->architecture = S("AMD64");
	os->processor_identifier = S("Intel64 Family 6 Model 44 Stepping 2, GenuineIntel");
	os->install_language = S("0409");
	os->default_language = S("0409");
	os->system_locale = S("en-us;English (United States)");
	os->logical_processors = 8;
	os->memory_mb = 16384;
	os->memory_source = S("systeminfo");
	os->supported_source = true;
	os->support_reason = S("Windows Server 2008 R2 x64, full installation");
	inv->hyperv = true;
	inv->hyperv_reason = S("vmms service and VMSMP found");
	inv->ipconfig = true;

	inv->host.data_root = S("C:\\ProgramData\\Microsoft\\Windows\\Hyper-V");
	inv->host.vhd_path = S("C:\\Users\\Public\\Documents\\Hyper-V\\Virtual Hard Disks");
	mac("00-15-5D-01-07-00", &inv->host.mac_min);
	mac("00-15-5D-01-07-FF", &inv->host.mac_max);
	inv->host.has_mac_range = true;
	inv->host.mac_range_default = true;
	inv->host.store_location = S("msxml://C:\\ProgramData\\Microsoft\\Windows\\Hyper-V\\"
	                             "InitialStore.xml");
	inv->host.service_application = S("Hyper-V services");
	inv->host.vmq_tengig = -1;
	inv->host.vmq_below_tengig = 1;

	inv->nnics = 3;
	inv->nics = zalloc(inv->nnics, sizeof(*inv->nics));
	inv->nics[0].guid = S(NIC0);
	inv->nics[0].description = S("Broadcom BCM5709C NetXtreme II GigE");
	inv->nics[0].connection_name = S("Local Area Connection");
	inv->nics[0].physical = true;
	mac("00-1A-64-00-00-01", &inv->nics[0].mac);
	inv->nics[0].has_mac = true;
	inv->nics[0].mac_source = S("ipconfig");
	inv->nics[0].vmq = 1;
	inv->nics[0].switch_guid = S(SW0);
	inv->nics[1].guid = S(NIC1);
	inv->nics[1].description = S("Microsoft Virtual Network Switch Adapter");
	inv->nics[1].connection_name = S("Local Area Connection 3");
	inv->nics[1].host_vnic = true;
	inv->nics[1].vmq = -1;
	inv->nics[1].has_tcpip = true;
	inv->nics[1].ip = SV("10.0.0.5", "10.0.0.6", END);
	inv->nics[1].mask = SV("255.255.255.0", "255.255.255.0", END);
	inv->nics[1].gateway = SV("10.0.0.1", END);
	inv->nics[1].dns = SV("10.0.0.2", END);
	inv->nics[2].guid = S(NIC2);
	inv->nics[2].description = S("Intel(R) PRO/1000");
	inv->nics[2].connection_name = S("Local Area Connection 2");
	inv->nics[2].physical = true;
	inv->nics[2].vmq = 0;
	inv->nics[2].has_tcpip = true;
	inv->nics[2].dhcp = true;

	inv->nswitches = 3;
	inv->switches = zalloc(inv->nswitches, sizeof(*inv->switches));
	sw = &inv->switches[0];
	sw->guid = S(SW0);
	sw->name = S("External LAN");
	sw->type = SMIG_SWITCH_EXTERNAL;
	sw->external_nic = S(NIC0);
	sw->host_vnic = S(NIC1);
	sw->nports = 2;
	sw->ports = zalloc(2, sizeof(*sw->ports));
	sw->ports[0] =
	    (struct smig_inv_port){S("P0"), S("Dynamic Ethernet Switch Port"), 10, S(VM0), false};
	sw->ports[1] = (struct smig_inv_port){S("P1"), S("Old port"), 0, NULL, false};
	sw = &inv->switches[1];
	sw->guid = S(SW1);
	sw->name = S("Internal \x1b[31mred");
	sw->type = SMIG_SWITCH_INTERNAL;
	sw = &inv->switches[2];
	sw->guid = S(SW2);
	sw->name = S("Lab & Test");
	sw->type = SMIG_SWITCH_PRIVATE;

	inv->nvms = 3;
	inv->vms = zalloc(inv->nvms, sizeof(*inv->vms));
	fill_web01(&inv->vms[0]);
	vm = &inv->vms[1];
	vm->id = S(VM1);
	vm->name = S(HOSTILE);
	vm->error = S("cannot parse '" VM1 ".xml': <properties> is missing");
	vm->current_parent = -1;
	/* a loop in the parent links: neither snapshot is a root */
	vm = &inv->vms[2];
	vm->id = S(VM2);
	vm->name = S("loop");
	vm->nsnapshots = 2;
	vm->snapshots = zalloc(2, sizeof(*vm->snapshots));
	vm->snapshots[0] =
	    (struct smig_inv_snapshot){S("L0"), S("first"), NULL, NULL, 0, 1, false, NULL, -1};
	vm->snapshots[1] =
	    (struct smig_inv_snapshot){S("L1"), S("second"), NULL, NULL, 0, 0, false, NULL, -1};
	vm->current_parent = 7; /* out of range: treated as "no snapshot applied" */

	inv->azman.present = true;
	inv->azman.path = S("C:\\ProgramData\\Microsoft\\Windows\\Hyper-V\\InitialStore.xml");
	inv->azman.size = 12288;
	inv->azman.app_name = S("Hyper-V services");
	inv->azman.noperations = 33;
	inv->azman.nrole_definitions = 1;
	inv->azman.nroles = 2;
	inv->azman.roles = zalloc(2, sizeof(*inv->azman.roles));
	inv->azman.roles[0].name = S("Administrator");
	inv->azman.roles[0].members = SV("S-1-5-32-544", END);
	inv->azman.roles[0].member_names = SV("BUILTIN\\Administrators", END);
	inv->azman.roles[1].name = S("Lab operators");
	inv->azman.roles[1].scope = S("Lab");
	inv->azman.roles[1].members = SV("S-1-5-21-1-2-3-1105", END);
	inv->azman.scopes = SV("Lab", END);
	inv->azman.customised = true;
	inv->azman.differences = SV("role assignment 'Lab operators' in scope 'Lab'", END);

	inv->nfwrules_total = 250;
	inv->nfwrules = 2;
	inv->fwrules = zalloc(2, sizeof(*inv->fwrules));
	inv->fwrules[0] = (struct smig_inv_fwrule){S("VIRT-VMMS-RPC-In-TCP"),
	                                           S("Allow In TCP RPC vmms.exe 'Hyper-V (RPC)' "
	                                             "inactive"),
	                                           true, false};
	inv->fwrules[1] =
	    (struct smig_inv_fwrule){S("{BD4356B5-EB1D-45FD-A911-21D55D0D095F}"),
	                             S("Allow In TCP 8080 'Backup agent' active"), false, true};
	inv->dcom.present = true;
	inv->dcom.customised = true;
	inv->dcom.sddl = S("O:BAG:BAD:(A;;CCDCLCSWRP;;;SY)(A;;CCDCLCSWRP;;;BA)");
	inv->dcom.aces = SV("Allow NT AUTHORITY\\SYSTEM: local launch, remote launch",
	                    "Allow BUILTIN\\Administrators: local launch, remote launch", END);
	inv->drive_letters = SV("C:", "D:", END);
	add_problems(&inv->problems);
	return inv;
}

/* Position of `needle` in `hay` after `from`; fails the test when absent. */
static size_t find_after(const char *hay, const char *needle, size_t from)
{
	const char *p = strstr(hay + from, needle);

	if (p == NULL)
		fail_msg("'%s' not found in the report (after offset %zu)", needle, from);
	return (size_t)(p - hay);
}

/* Width of the longest line, in code points. */
static size_t widest_line(const char *s)
{
	size_t w = 0, max = 0;

	for (; *s; s++) {
		if (*s == '\n') {
			w = 0;
			continue;
		}
		w += ((unsigned char)*s & 0xC0) != 0x80;
		if (w > max)
			max = w;
	}
	return max;
}

static void inventory_text(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_inventory *inv = make_inventory();
	static const char *const order[] = {
	    "\nHost\n----\n",
	    "\nHyper-V host settings\n",
	    "\nVirtual networks\n",
	    "\nNetwork adapters\n",
	    "\nVirtual machines\n",
	    "\nAuthorization store\n",
	    "\nFirewall\n",
	    "\nRemote administration (DCOM)\n",
	    "\nIP configuration files\n",
	    "\nNotes and problems\n",
	    "Blockers (1)",
	    "Failed checks (1)",
	    "Errors (1)",
	    "Warnings (1)",
	    "Manual steps (1)",
	    "Passed checks (1)",
	    "Notes (1)",
	};
	char *t;
	size_t i, pos = 0;

	(void)state;
	t = smig_report_inventory(inv, SMIG_FORMAT_TEXT, &e);
	assert_non_null(t);
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		pos = find_after(t, order[i], pos);

	/* the snapshot tree, exactly, with "Now" under Base after its child */
	find_after(t,
	           "    Snapshot tree\n"
	           "      └─ Base (2014-11-09T05:34:40Z)\n"
	           "         ├─ Patched (2014-11-10T06:13:20Z)\n"
	           "         │  └─ Tested (2014-11-11T10:00:00Z) [saved state]\n"
	           "         └─ " NOW_LINE "\n",
	           0);
	/* the looping VM: nothing placed, both listed, "Now" at the root */
	pos = find_after(t, "\n  loop\n", 0);
	pos = find_after(t, "      └─ " NOW_LINE "\n", pos);
	pos = find_after(t, "2 snapshots not placed in the tree", pos);
	find_after(t, "        second", find_after(t, "        first", pos));

	find_after(t, "  Computer name             HV01\n", 0);
	find_after(t, "  Version                   6.1, build 7601, Service Pack 1\n", 0);
	find_after(t, "  Supported source          yes: Windows Server 2008 R2 x64", 0);
	find_after(t, "  Memory                    16 GiB (from systeminfo)\n", 0);
	find_after(t, "00-15-5D-01-07-00 to 00-15-5D-01-07-FF (the default range)\n", 0);
	find_after(t, "  VMQ, slower adapters      1, enabled\n", 0);
	find_after(t,
	           "    Memory                  startup 512 MiB, dynamic (minimum 512 MiB, "
	           "maximum 1.5 GiB)\n",
	           0);
	find_after(t, "        dynamic, 127 GiB virtual, 1.5 GiB file\n", 0);
	find_after(t,
	           "        differencing, 127 GiB virtual, 64 MiB file, parent "
	           "D:\\VMs\\web01.vhd\n",
	           0);
	/* long lines wrap under their indent */
	find_after(t,
	           "1000 bytes file, parent D:\\VMs\\web01_X.avhd (the parent's\n"
	           "          time stamp differs)\n",
	           0);
	find_after(t,
	           "    Configuration           D:\\VMs\\Virtual Machines\\" VM0 ".xml\n"
	           "                            (registered by link)\n",
	           0);
	find_after(t, "      IDE 0:0     vhd          D:\\VMs\\web01_ABC.avhd\n", 0);
	find_after(t, "      Floppy 0:0  empty        (empty)\n", 0);
	find_after(t,
	           "      Network Adapter: 00-15-5D-01-07-10 (static), network External LAN, "
	           "VLAN 10\n",
	           0);
	find_after(t,
	           "      Legacy Network Adapter: 00-00-00-00-00-00 (dynamic), not connected to a "
	           "network, legacy\n        adapter\n",
	           0);
	find_after(t, "    Saved state             yes (2 files)\n", 0);
	/* networks: bound NIC, host vNIC with its addresses, ports and their VMs */
	find_after(t,
	           "    Physical adapter        Broadcom BCM5709C NetXtreme II GigE "
	           "(\"Local Area Connection\",\n"
	           "                            00-1A-64-00-00-01)\n",
	           0);
	find_after(t,
	           "    Host adapter            Microsoft Virtual Network Switch Adapter "
	           "(\"Local Area Connection 3\");\n"
	           "                            static 10.0.0.5/255.255.255.0, "
	           "10.0.0.6/255.255.255.0; gateway 10.0.0.1;\n"
	           "                            DNS 10.0.0.2\n",
	           0);
	find_after(t, "      Dynamic Ethernet Switch Port, VLAN 10, VM web01\n", 0);
	find_after(t, "      Old port, untagged, no VM (orphaned port, not migrated)\n", 0);
	find_after(t, "\n  Lab & Test (private)\n", 0);
	/* a control character in a name is shown, not sent to the terminal */
	find_after(t, "\n  Internal \\x1B[31mred (internal)\n", 0);
	assert_null(strchr(t, '\x1b'));
	/* the broken VM is flagged; the summary table says so */
	find_after(t, "    *** ERROR: this VM could not be read completely: cannot parse", 0);
	pos = find_after(
	    t, "  Name                       Memory     vCPUs Disks Snapshots NICs  State", 0);
	find_after(t, "  " HOSTILE "  unknown", pos);
	find_after(t, "ERROR\n", pos);
	/* authorization store, firewall, DCOM */
	find_after(t, "    Lab operators (scope Lab)\n      S-1-5-21-1-2-3-1105\n", 0);
	find_after(
	    t, "    Administrator (application)\n      S-1-5-32-544 (BUILTIN\\Administrators)\n",
	    0);
	find_after(t, "  Location                  the default file\n", 0);
	find_after(t, "  Customised                yes: 1 difference from a default store (below)\n", 0);
	find_after(t, "250 rules on the host: 1 for Hyper-V, 1 other user-defined.", 0);
	find_after(t, "present and CUSTOMISED", 0);
	/* manual steps: the action and the PowerShell, its second line indented */
	find_after(t,
	           "      Action:     bind the network to a physical adapter\n"
	           "      PowerShell: Set-VMSwitch -Name 'External LAN' `\n"
	           "                    -NetAdapterName 'Ethernet 2'\n",
	           0);
	assert_true(widest_line(t) <= 100);
	free(t);
	smig_inventory_free(inv);
}

/* Check `html` with xmllint in HTML mode (no diagnostics at all) and as XML. */
static void check_html(const char *html, bool expect_ok)
{
	char *dir = tu_mkdtemp(), *f = tu_fmt("%s/r.html", dir), *errf = tu_fmt("%s/err", dir);
	char *err;
	size_t len;
	int rc;

	tu_write(f, html, strlen(html));
	rc = tu_sh("xmllint --html --noout '%s' 2>'%s'", f, errf);
	err = tu_read(errf, &len);
	if (expect_ok) {
		assert_int_equal(rc, 0);
		if (len)
			fail_msg("xmllint --html: %s", err);
		/* stricter: every element closed, every entity known */
		assert_int_equal(tu_sh("xmllint --noout '%s'", f), 0);
	} else {
		assert_true(len > 0 || tu_sh("xmllint --noout '%s' 2>/dev/null", f) != 0);
	}
	free(err);
	tu_rmtree(dir);
	free(dir);
	free(f);
	free(errf);
}

static void inventory_html(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_inventory *inv = make_inventory();
	char *h, *cut;
	size_t pos;

	(void)state;
	h = smig_report_inventory(inv, SMIG_FORMAT_HTML, &e);
	assert_non_null(h);
	assert_non_null(strstr(h, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_null(strstr(h, "<script"));
	assert_non_null(strstr(h, "Lab &amp; Test"));
	assert_non_null(strstr(h, "<title>smig inventory: HV01</title>"));
	/* summary strip */
	assert_non_null(strstr(h, "<b>3</b> virtual machines"));
	assert_non_null(strstr(h, "<b>5</b> snapshots"));
	assert_non_null(strstr(h, "<span class=\"badge sev-blocker\">1 blocker</span>"));
	assert_non_null(strstr(h, "<span class=\"badge sev-manual\">1 manual step</span>"));
	/* the tree as nested lists, "Now" after Base's child list */
	pos = find_after(h, "<ul class=\"tree\">\n<li>Base", 0);
	pos = find_after(h, "<ul>\n<li>Patched", pos);
	pos = find_after(h, "<ul>\n<li>Tested", pos);
	pos = find_after(h, "</li>\n</ul>\n</li>\n<li class=\"now\">Now", pos);
	/* the broken VM's card stands out */
	find_after(h, "<div class=\"card bad\" id=\"vm-1\">", 0);
	find_after(
	    h,
	    "<div class=\"errbox\">This VM could not be read completely: cannot parse &#39;" VM1
	    ".xml&#39;: &lt;properties&gt; is missing</div>",
	    0);
	assert_non_null(strstr(h, "<pre>Set-VMSwitch -Name &#39;External LAN&#39; `\n"
	                          "  -NetAdapterName &#39;Ethernet 2&#39;</pre>"));
	assert_null(strstr(h, "http://"));
	assert_null(strstr(h, "https://"));
	if (tu_have("xmllint")) {
		check_html(h, true);
		/* the checker catches a page that is cut short */
		cut = strdup(h);
		assert_non_null(cut);
		cut[strlen(cut) / 2] = '\0';
		check_html(cut, false);
		free(cut);
	}
	free(h);
	smig_inventory_free(inv);
	if (!tu_have("xmllint"))
		skip();
}

static void inventory_json(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_inventory *inv = make_inventory();
	json_error_t je;
	json_t *j;
	char *s;

	(void)state;
	s = smig_report_inventory(inv, SMIG_FORMAT_JSON, &e);
	assert_non_null(s);
	j = json_loads(s, 0, &je);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(json_object_get(j, "virtual_machines"), 1), "name")),
	                    HOSTILE);
	json_decref(j);
	free(s);
	smig_inventory_free(inv);
}

static void empty_inventory(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_inventory *inv = zalloc(1, sizeof(*inv));
	char *t, *h, *j;

	(void)state;
	inv->host.vmq_tengig = inv->host.vmq_below_tengig = -1;
	t = smig_report_inventory(inv, SMIG_FORMAT_TEXT, &e);
	h = smig_report_inventory(inv, SMIG_FORMAT_HTML, &e);
	j = smig_report_inventory(inv, SMIG_FORMAT_JSON, &e);
	assert_non_null(t);
	assert_non_null(h);
	assert_non_null(j);
	assert_non_null(strstr(t, "  Hyper-V role              NOT FOUND\n"));
	assert_non_null(strstr(t, "  Supported source          NO\n"));
	assert_non_null(strstr(t, "\nVirtual machines\n----------------\n  none\n"));
	assert_non_null(strstr(t, "\nNotes and problems\n------------------\n  none\n"));
	assert_non_null(strstr(h, "<h1>unknown host</h1>"));
	assert_non_null(strstr(h, "The Hyper-V role was not found on this host"));
	if (tu_have("xmllint"))
		check_html(h, true);
	free(t);
	free(h);
	free(j);
	smig_inventory_free(inv);

	assert_null(smig_report_inventory(NULL, SMIG_FORMAT_TEXT, &e));
	assert_int_equal(e.kind, SMIG_ERR_USAGE);
}

static const struct smig_report_fact FACTS[] = {
    {"Archive", "hv01-20141109.smig"},
    {"Destination", "/srv/hosts/hv02"},
    {"Checked by", NULL},
    {" Source OS (2008 R2)\xff-", "Windows Server 2008 R2"},
};

static void items_json(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_problems l = {0};
	json_error_t je;
	json_t *j, *items, *sum;
	char *s;
	size_t i;

	(void)state;
	add_problems(&l);
	/* invalid UTF-8 from a host still gives a valid document */
	assert_int_equal(smig_problems_add(&l, "SMIG2008", SMIG_SEV_WARNING, "vm:bad\xff", NULL,
	                                   NULL, &e, "version \xc3 unknown"),
	                 0);
	s = smig_report_items("preflight", "Compatibility of hv01 with hv02", FACTS, 4, &l,
	                      SMIG_FORMAT_JSON, &e);
	assert_non_null(s);
	assert_non_null(strstr(s, "\n  \"report\": \"preflight\"")); /* indented */
	/* the schema version and the time come first */
	assert_memory_equal(s, "{\n  \"schema\": \"smig-preflight/2\",\n  \"generated_utc\": \"",
	                    strlen("{\n  \"schema\": \"smig-preflight/2\",\n  \"generated_utc\": \""));
	j = json_loads(s, 0, &je);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "report")), "preflight");
	assert_string_equal(json_string_value(json_object_get(j, "title")),
	                    "Compatibility of hv01 with hv02");
	assert_int_equal(strlen(json_string_value(json_object_get(j, "generated_utc"))), 20);
	/* fact keys in snake_case */
	assert_int_equal(json_object_size(json_object_get(j, "facts")), 4);
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(j, "facts"), "destination")),
	    "/srv/hosts/hv02");
	assert_true(json_is_null(json_object_get(json_object_get(j, "facts"), "checked_by")));
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(j, "facts"), "source_os_2008_r2")),
	    "Windows Server 2008 R2");
	assert_null(json_object_get(json_object_get(j, "facts"), "Checked by"));
	sum = json_object_get(j, "summary");
	assert_int_equal(json_object_size(sum), 7);
	assert_int_equal(json_integer_value(json_object_get(sum, "blocker")), 1);
	assert_int_equal(json_integer_value(json_object_get(sum, "warning")), 2);
	assert_int_equal(json_integer_value(json_object_get(sum, "manual")), 1);
	assert_int_equal(json_integer_value(json_object_get(sum, "info")), 1);
	items = json_object_get(j, "items");
	assert_int_equal(json_array_size(items), 8);
	/* grouped: blocker, fail, error, warning, warning, manual, pass, info */
	{
		static const char *const sev[] = {"blocker", "fail",   "error", "warning",
		                                  "warning", "manual", "pass",  "info"};
		for (i = 0; i < 8; i++)
			assert_string_equal(json_string_value(json_object_get(
			                        json_array_get(items, i), "severity")),
			                    sev[i]);
	}
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 4), "subject")),
	                    "vm:bad?");
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(items, 5), "powershell")),
	    "Set-VMSwitch -Name 'External LAN' `\n  -NetAdapterName 'Ethernet 2'");
	assert_true(json_is_null(json_object_get(json_array_get(items, 0), "action")));
	json_decref(j);
	free(s);

	/* an empty list: all counts zero, no items */
	smig_problems_release(&l);
	s = smig_report_items("verification", "Verification", NULL, 0, &l, SMIG_FORMAT_JSON, &e);
	assert_non_null(s);
	j = json_loads(s, 0, &je);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "schema")), "smig-verification/2");
	assert_int_equal(json_object_size(json_object_get(j, "facts")), 0);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 0);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "summary"), "fail")),
	                 0);
	json_decref(j);
	free(s);
	assert_int_equal(e.kind, SMIG_ERR_NONE);
	assert_null(smig_report_items(NULL, "x", NULL, 0, &l, SMIG_FORMAT_JSON, &e));
	assert_int_equal(e.kind, SMIG_ERR_USAGE);
}

/* Display columns of UTF-8 text, the test's own count: CJK ideographs 2, combining acute 0. */
static size_t test_cols(const char *s, size_t n)
{
	size_t i = 0, w = 0;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x80) {
			w++;
			i++;
		} else if (c >= 0xE4 && c <= 0xE9) { /* U+4000..U+9FFF: ideographs here */
			w += 2;
			i += 3;
		} else if (c == 0xCC && (unsigned char)s[i + 1] == 0x81) { /* U+0301 */
			i += 2;
		} else {
			fail_msg("unexpected byte 0x%02X in the test text", c);
		}
	}
	return w;
}

/*
 * A message of `count` words `word` wraps at 100 display columns: no line is wider, and no
 * line could have taken the next word. The message lines are those made only of the word.
 */
static void check_wrap(const char *word, size_t count)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_problems l = {0};
	struct smig_strbuf msg = SMIG_STRBUF_INIT;
	size_t i, ww = test_cols(word, strlen(word)), words = 0, lines = 0, prev = 0;
	char *t, *line, *save = NULL;

	for (i = 0; i < count; i++) {
		if (i)
			smig_strbuf_putc(&msg, ' ');
		smig_strbuf_puts(&msg, word);
	}
	assert_int_equal(smig_problems_add(&l, "SMIG2008", SMIG_SEV_WARNING, "vm:wide", NULL,
	                                   NULL, &e, "%s", smig_strbuf_cstr(&msg)),
	                 0);
	t = smig_report_items("preflight", "Wide text", NULL, 0, &l, SMIG_FORMAT_TEXT, &e);
	assert_non_null(t);
	for (line = strtok_r(t, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *p = line + strspn(line, " ");
		size_t n = 0, w;

		while (strncmp(p, word, strlen(word)) == 0) {
			n++;
			p += strlen(word);
			if (*p != ' ')
				break;
			p++;
		}
		if (n == 0 || *p != '\0')
			continue;
		w = test_cols(line, strlen(line));
		assert_true(w <= 100);
		if (lines)
			assert_true(prev + 1 + ww > 100); /* the previous line was full */
		prev = w;
		words += n;
		lines++;
	}
	assert_int_equal(words, count);
	assert_true(lines > 1);
	free(t);
	smig_strbuf_release(&msg);
	smig_problems_release(&l);
}

/* Text wraps at display columns (wcwidth), not code points: wide CJK and combining marks. */
static void items_text_wide(void **state)
{
	locale_t loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);

	(void)state;
	if (loc == (locale_t)0)
		skip(); /* the report counts code points then (report.c) */
	freelocale(loc);
	check_wrap("\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97", 40); /* 漢字漢字: 8 columns */
	check_wrap("e\xcc\x81" "e\xcc\x81" "e\xcc\x81" "e\xcc\x81", 60); /* e + U+0301, 4 times: 4 */
	check_wrap("plain", 60);
}

static void items_text_html(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_problems l = {0};
	char *t, *h;
	size_t pos = 0;

	(void)state;
	add_problems(&l);
	assert_int_equal(smig_problems_add(&l, "SMIG3011", SMIG_SEV_MANUAL, HOSTILE, "turn it off",
	                                   NULL, &e, "turn the source off"),
	                 0);
	t = smig_report_items("manual-steps", "Manual steps for hv02", FACTS, 3, &l,
	                      SMIG_FORMAT_TEXT, &e);
	assert_non_null(t);
	pos = find_after(t, "Manual steps for hv02\n=====================\n", 0);
	pos = find_after(t, "  Destination               /srv/hosts/hv02\n", pos);
	pos = find_after(t, "  Checked by                -\n", pos);
	pos = find_after(t,
	                 "  Summary                   1 blocker, 1 failed check, 1 error, "
	                 "1 warning, 2 manual steps, 1 passed\n"
	                 "                            check, 1 note\n",
	                 pos);
	pos = find_after(t,
	                 "\nBlockers (1)\n------------\n    SMIG1003   vm:web01\n"
	                 "      the VM has saved state\n",
	                 pos);
	pos = find_after(t, "\nManual steps (2)\n", pos);
	pos = find_after(t,
	                 "    SMIG3001   switch:External LAN\n"
	                 "      external network recreated as internal\n"
	                 "      Action:     bind the network to a physical adapter\n"
	                 "      PowerShell: Set-VMSwitch -Name 'External LAN' `\n"
	                 "                    -NetAdapterName 'Ethernet 2'\n",
	                 pos);
	pos = find_after(t, "    SMIG3011   " HOSTILE "\n", pos);
	pos = find_after(t, "\nNotes (1)\n", pos);
	find_after(t, "    -          ipconfig\n", pos);
	/* the long error message is wrapped under its indent */
	find_after(t, "      cannot parse the configuration: a very long reason", 0);
	assert_true(widest_line(t) <= 100);
	free(t);

	h = smig_report_items("manual-steps", "Manual steps for <hv02>", FACTS, 3, &l,
	                      SMIG_FORMAT_HTML, &e);
	assert_non_null(h);
	assert_non_null(strstr(h, "<h1>Manual steps for &lt;hv02&gt;</h1>"));
	assert_non_null(strstr(h, "<span class=\"subj\">&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_null(strstr(h, "<script"));
	assert_non_null(strstr(h, "<p><b>Action:</b> bind the network to a physical adapter</p>"));
	assert_non_null(strstr(h, "<pre>Set-VMSwitch"));
	assert_non_null(strstr(h, "<tr><th>Checked by</th><td>-</td></tr>"));
	pos = find_after(h, "<h2 id=\"sev-blocker\">Blockers (1)</h2>", 0);
	find_after(h, "<h2 id=\"sev-info\">Notes (1)</h2>", pos);
	if (tu_have("xmllint"))
		check_html(h, true);
	free(h);
	smig_problems_release(&l);

	assert_null(smig_report_items("preflight", "x", NULL, 0, &l, (enum smig_format)9, &e));
	assert_int_equal(e.kind, SMIG_ERR_USAGE);
}

/* The example source host, read by the inventory reader, through both renderers. */
static void example_host(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_hostfs *fs = NULL;
	struct smig_inventory *inv = NULL;
	char *dir = tu_mkdtemp(), *host = tu_fmt("%s/lab", dir), *t, *h;
	size_t pos;

	(void)state;
	tu_build_example("lab-2008r2", host);
	assert_int_equal(smig_hostfs_open(host, &fs, &e), 0);
	assert_int_equal(smig_inventory_read(fs, host, NULL, &inv, &e), 0);
	t = smig_report_inventory(inv, SMIG_FORMAT_TEXT, &e);
	h = smig_report_inventory(inv, SMIG_FORMAT_HTML, &e);
	assert_non_null(t);
	assert_non_null(h);
	pos = find_after(t, "\n  web01\n", 0);
	pos = find_after(t, "    Snapshot tree\n      └─ web01 - Before SP1", pos);
	pos = find_after(t, "\n         └─ web01 - After SP1", pos);
	find_after(t, "\n            └─ " NOW_LINE "\n", pos);
	find_after(t, "  Supported source          yes", 0);
	if (tu_have("xmllint"))
		check_html(h, true);
	free(t);
	free(h);
	smig_inventory_free(inv);
	smig_hostfs_free(fs);
	tu_rmtree(dir);
	free(dir);
	free(host);
}

static void formats(void **state)
{
	enum smig_format f = SMIG_FORMAT_HTML;

	(void)state;
	assert_int_equal(smig_format_parse("text", &f), 0);
	assert_int_equal(f, SMIG_FORMAT_TEXT);
	assert_int_equal(smig_format_parse("json", &f), 0);
	assert_int_equal(f, SMIG_FORMAT_JSON);
	assert_int_equal(smig_format_parse("html", &f), 0);
	assert_int_equal(f, SMIG_FORMAT_HTML);
	assert_string_equal(smig_format_name(f), "html");
	assert_int_equal(smig_format_parse("xml", &f), -1);
	assert_int_equal(smig_format_parse("TEXT", &f), -1);
	assert_int_equal(smig_format_parse("", &f), -1);
	assert_int_equal(smig_format_parse("html ", &f), -1);
	assert_int_equal(smig_format_parse(NULL, &f), -1);
	assert_int_equal(f, SMIG_FORMAT_HTML); /* untouched on failure */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(inventory_text), cmocka_unit_test(inventory_html),
	    cmocka_unit_test(inventory_json), cmocka_unit_test(empty_inventory),
	    cmocka_unit_test(items_json),     cmocka_unit_test(items_text_html),
	    cmocka_unit_test(items_text_wide),
	    cmocka_unit_test(example_host),   cmocka_unit_test(formats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
