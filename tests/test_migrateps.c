/*
 * test_migrateps.c - migrate.ps1 for hand-built plans over the example hosts (lab-2008r2 ->
 * lab-2012): the phases in order, every switch, VM (by id), VM network adapter, VLAN and
 * firewall rule of the source, the parameters, BOM and CRLF; the script for hostile names
 * (quotes, U+2018/U+2019, newlines, $(...), backticks, ';', '#') never lets a name out of a
 * literal; every option that changes the script (--bind-switch, --ipconfig-mode with
 * --map-mac, --set-processor-compatibility, --new-id, --discard-saved-state, --force with the
 * host settings); each script is checked by ../shared/tools/ps2012-check when node is here.
 * The review items: IP settings of an external network created internal, -WhatIf, firewall
 * rules recreated from their text, MAC lookups, paths, the vmms wait, phases in try blocks,
 * switch names by case, the log without a BOM.
 * Rejecting twins: invalid UTF-8, a VM id that is not a GUID, a plan without its archive.
 */
#include "testutil.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostfs.h"
#include "importplan.h"
#include "inventory.h"
#include "migrateps.h"
#include "planfix.h"

#define NEWID "0D5E2F6A-7B8C-4D9E-8F0A-1B2C3D4E5F60"
#define LSQ "\xE2\x80\x98" /* U+2018 LEFT SINGLE QUOTATION MARK */
#define RSQ "\xE2\x80\x99" /* U+2019 RIGHT SINGLE QUOTATION MARK */

static struct smig_inv_switch *switch_named(const struct smig_inventory *inv, const char *name)
{
	size_t i;

	for (i = 0; i < inv->nswitches; i++)
		if (strcmp(inv->switches[i].name, name) == 0)
			return &inv->switches[i];
	fail_msg("no switch %s", name);
	return NULL;
}

static const struct smig_inv_nic *nic_named(const struct smig_inventory *inv, const char *name)
{
	size_t i;

	for (i = 0; i < inv->nnics; i++)
		if (inv->nics[i].connection_name && strcmp(inv->nics[i].connection_name, name) == 0)
			return &inv->nics[i];
	fail_msg("no adapter %s", name);
	return NULL;
}

/* Every line ends in CRLF; no lone CR or LF. */
static void assert_crlf(const char *s, size_t len)
{
	size_t i;

	assert_true(len >= 2 && s[len - 2] == '\r' && s[len - 1] == '\n');
	for (i = 0; i < len; i++) {
		if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r'))
			fail_msg("bare LF at byte %zu", i);
		if (s[i] == '\r' && (i + 1 >= len || s[i + 1] != '\n'))
			fail_msg("bare CR at byte %zu", i);
	}
}

static size_t count(const char *s, const char *needle)
{
	size_t n = 0;

	for (; (s = strstr(s, needle)) != NULL; s++)
		n++;
	return n;
}

/* Run ps2012-check over the script; skip() when ../shared or node is not here. */
static void ps2012_check(const struct tu_lab *f, const char *ps1, size_t len, const char *name)
{
	char *tool = tu_shared("../tools/ps2012-check");
	char *path;

	if (tool == NULL || !tu_have("node") || !tu_have("npm")) {
		free(tool);
		print_message("ps2012-check skipped: ../shared/tools or node is not here\n");
		skip();
	}
	path = tu_fmt("%s/%s", f->dir, name);
	tu_write(path, ps1, len);
	if (tu_sh("'%s' '%s'", tool, path) != 0)
		fail_msg("ps2012-check found problems in %s (kept at %s)", name, path);
	free(path);
	free(tool);
}

/* The script of `t`, with the checks every script must pass. */
static char *ps1_of(struct tu_plan *t, size_t *len)
{
	struct smig_err e = SMIG_ERR_INIT;
	char *ps1 = smig_migrate_ps1(&t->p, len, &e);

	if (ps1 == NULL)
		fail_msg("%s", e.msg);
	if (getenv("SMIG_TEST_DUMP"))
		fputs(ps1, stderr);
	assert_int_equal(strlen(ps1), *len);
	assert_memory_equal(ps1, "\xEF\xBB\xBF# migrate.ps1 - ", 18);
	assert_crlf(ps1, *len);
	return ps1;
}

/* Where PowerShell would see each byte: code, a '...' literal (any of the five quote
 * characters), a "..." string or a # comment. */
enum where { IN_CODE, IN_SQ, IN_DQ, IN_COMMENT };

static size_t quote_len(const char *s)
{
	if (*s == '\'')
		return 1;
	if ((unsigned char)s[0] == 0xE2 && (unsigned char)s[1] == 0x80 &&
	    (unsigned char)s[2] >= 0x98 && (unsigned char)s[2] <= 0x9B)
		return 3;
	return 0;
}

static enum where *classify(const char *s, size_t len)
{
	enum where *w = calloc(len + 1, sizeof(*w));
	enum where st = IN_CODE;
	size_t i = 0, q, q2, k;

	while (i < len) {
		switch (st) {
		case IN_CODE:
			if ((q = quote_len(s + i)) != 0) {
				for (k = 0; k < q; k++)
					w[i + k] = IN_SQ;
				i += q;
				st = IN_SQ;
				continue;
			}
			if (s[i] == '"')
				st = IN_DQ;
			else if (s[i] == '#')
				st = IN_COMMENT;
			w[i++] = st;
			break;
		case IN_SQ:
			if ((q = quote_len(s + i)) != 0) {
				q2 = quote_len(s + i + q);
				for (k = 0; k < q + q2; k++)
					w[i + k] = IN_SQ;
				i += q + q2;
				if (q2 == 0)
					st = IN_CODE;
				continue;
			}
			w[i++] = IN_SQ;
			break;
		case IN_DQ:
			w[i] = IN_DQ;
			if (s[i] == '`' && i + 1 < len)
				w[++i] = IN_DQ;
			else if (s[i] == '"')
				st = IN_CODE;
			i++;
			break;
		case IN_COMMENT:
			if (s[i] == '\r' || s[i] == '\n')
				st = IN_CODE;
			w[i++] = st;
			break;
		}
	}
	assert_true(st == IN_CODE || st == IN_COMMENT);
	return w;
}

/* Every occurrence of `needle` lies inside a '...' literal or a comment. */
static void assert_only_quoted(const char *ps1, size_t len, const char *needle)
{
	enum where *w = classify(ps1, len);
	const char *s = ps1;
	size_t k, n = strlen(needle), seen = 0;

	while ((s = strstr(s, needle)) != NULL) {
		size_t at = (size_t)(s - ps1);

		for (k = 0; k < n; k++)
			if (w[at + k] != IN_SQ && w[at + k] != IN_COMMENT)
				fail_msg("'%s' is code at byte %zu: %.60s", needle, at + k, s);
		seen++;
		s++;
	}
	if (seen == 0)
		fail_msg("'%s' is not in the script at all", needle);
	free(w);
}

/* The lab plan with a staged store and the processor compatibility of the source. */
static void plan_full(struct tu_plan *t, const struct tu_lab *f)
{
	size_t i;

	tu_plan_lab(t, f);
	for (i = 0; i < t->p.nvms; i++)
		t->p.vms[i].cpu_compat = t->p.vms[i].src->cpu_compat;
	t->p.store_copy = true;
	t->p.store_winpath =
	    (char *)"C:\\ProgramData\\Microsoft\\Windows\\Hyper-V\\InitialStore.xml";
}

static const char *const phases[] = {
    "\r\n# ==== 1. prerequisites ====\r\n",
    "\r\n# ==== 2. host settings ====\r\n",
    "\r\n# ==== 3. authorization store ====\r\n",
    "\r\n# ==== 4. virtual networks ====\r\n",
    "\r\n# ==== 5. management-OS IP settings ====\r\n",
    "\r\n# ==== 6. VMQ ====\r\n",
    "\r\n# ==== 7. virtual machines ====\r\n",
    "\r\n# ==== 8. firewall ====\r\n",
    "\r\n# ==== 9. remote administration ====\r\n",
    "\r\n# ==== 10. live state ====\r\n",
};

/* The example host: the phases in order, and every item of the source in them. */
static void test_lab(void **state)
{
	struct tu_lab *f = *state;
	struct tu_plan t;
	char *ps1, *want;
	const char *at, *prev, *vms, *fw;
	size_t len, i, j;

	plan_full(&t, f);
	ps1 = ps1_of(&t, &len);

	/* the header, then the parameters, then the phases in order, then the summary */
	at = strstr(ps1, "\r\n[CmdletBinding(SupportsShouldProcess=$true)]\r\nparam(\r\n");
	assert_non_null(at);
	assert_non_null(strstr(at, "\t[switch]$SourceIsOff,\r\n"));
	assert_non_null(strstr(at, "\t[switch]$StateOnly,\r\n"));
	/* the physical adapter and External LAN's management-OS adapter; not Internal Lab's
	 * 10.10.0.1, which only answers on the source's side */
	assert_non_null(strstr(at, "\t[string[]]$SourceAddress = @('192.168.1.10', "
	                           "'192.168.10.20'),\r\n"));
	assert_null(strstr(ps1, "'10.10.0.1'"));
	assert_non_null(strstr(at, "\t[string]$Adapter_External_LAN = '',\r\n"));
	assert_non_null(strstr(at, "\t[int]$Disk_sql01_SCSI_0_0 = -1\r\n)\r\n"));
	/* only the external network has an adapter parameter */
	assert_int_equal(count(ps1, "[string]$Adapter_"), 1);
	prev = at;
	for (i = 0; i < sizeof(phases) / sizeof(phases[0]); i++) {
		at = strstr(ps1, phases[i]);
		if (at == NULL || at < prev)
			fail_msg("phase %zu is missing or out of order", i + 1);
		assert_int_equal(count(ps1, phases[i]), 1);
		prev = at;
	}
	assert_true(len > 17 && strcmp(ps1 + len - 17, "\r\nComplete-Smig\r\n") == 0);
	assert_non_null(strstr(ps1, "$smigArchive = '" LAB_ARCHIVE_ID "'\r\n"));
	at = strstr(ps1, "\r\nif ($StateOnly) {\r\n");
	assert_true(at != NULL && at < strstr(ps1, phases[0]));

	/* every switch, by name, with its type; the external one waits for its adapter */
	for (i = 0; i < f->src->nswitches; i++) {
		want = tu_fmt("\r\n\t$smigName = '%s'\r\n\t$smigSwitchId = '%s'\r\n",
		              f->src->switches[i].name, f->src->switches[i].guid);
		assert_non_null(strstr(ps1, want));
		free(want);
	}
	assert_non_null(strstr(ps1, "\t$smigType = 'Private'\r\n"));
	assert_non_null(
	    strstr(ps1, "\t\t$smigAdapter = Find-SmigAdapter $Adapter_External_LAN\r\n"));
	assert_non_null(strstr(ps1, "New-VMSwitch -Name 'External LAN' -NetAdapterName "
	                            "$smigAdapter.Name -AllowManagementOS $true\r\n"));
	assert_non_null(strstr(ps1, "New-VMSwitch -Name 'Private Cluster' -SwitchType "
	                            "$smigType\r\n"));

	/* every VM by id, registered in place; every network adapter, its VLAN and MAC */
	vms = strstr(ps1, phases[6]);
	fw = strstr(ps1, phases[7]);
	for (i = 0; i < f->src->nvms; i++) {
		const struct smig_inv_vm *v = &f->src->vms[i];

		want = tu_fmt("\r\n\t$smigVmId = '%s'\r\n\t$smigVmName = '%s'\r\n", v->id, v->name);
		at = strstr(vms, want);
		assert_non_null(at);
		assert_true(at < fw);
		free(want);
		for (j = 0; j < v->nnics; j++) {
			want = tu_fmt("$smigLabel = $smigVmName + ' / network adapter %zu'", j + 1);
			assert_non_null(strstr(at, want));
			free(want);
		}
	}
	for (i = 0; i < f->src->nvms; i++) {
		want = tu_fmt("\t\t$smigReport = Compare-VM -Path 'D:\\Hyper-V\\Virtual Machines\\"
		              "%s.xml' -Register -WhatIf:$false\r\n",
		              f->src->vms[i].id);
		assert_int_equal(count(ps1, want), 1);
		free(want);
	}
	assert_int_equal(count(ps1, "\t\t\tImport-VM -CompatibilityReport $smigReport\r\n"),
	                 f->src->nvms);
	assert_non_null(
	    strstr(ps1, "$smigConfig = 'D:\\Hyper-V\\Virtual Machines\\" LAB_WEB01 ".xml'\r\n"));
	/* web01: static MAC, on External LAN, VLAN 20 */
	assert_non_null(strstr(ps1, "-Mac '00155D0A0010' -Legacy $false -ByOrder $false\r\n"));
	assert_non_null(strstr(ps1, "-Switch 'External LAN' -Vlan 20\r\n"));
	/* sql01: dynamic MAC (matched by MAC, else by order), Internal Lab, no VLAN */
	assert_non_null(strstr(ps1, "-Mac '00155D0A002A' -Legacy $false -ByOrder $true\r\n"));
	assert_non_null(strstr(ps1, "-Switch 'Internal Lab' -Vlan 0\r\n"));
	assert_non_null(strstr(ps1, "-Switch 'Private Cluster' -Vlan 0\r\n"));
	/* test01: a legacy adapter on no network */
	assert_non_null(strstr(ps1, "-Legacy $true -ByOrder $true\r\n"));
	assert_non_null(strstr(ps1, "-Switch '' -Vlan 0\r\n"));
	/* media, pass-through disk, processor compatibility as planned */
	assert_non_null(strstr(ps1, "$smigMedia = 'D:\\ISO\\en_windows_server_2008_r2_with_sp1_x64"
	                            ".iso'\r\n"));
	assert_non_null(strstr(ps1, "Get-VMDvdDrive -VM $smigVm -ControllerNumber 1 "
	                            "-ControllerLocation 0\r\n"));
	assert_non_null(strstr(ps1, "$smigMedia = 'C:\\Users\\Public\\Documents\\Hyper-V\\Virtual "
	                            "Floppy Disks\\drivers.vfd'\r\n"));
	assert_non_null(strstr(ps1, "Add-VMHardDiskDrive -VM $smigVm -ControllerType SCSI "
	                            "-ControllerNumber 0 -ControllerLocation 0 -DiskNumber "
	                            "$Disk_sql01_SCSI_0_0\r\n"));
	assert_int_equal(count(ps1, "Set-VMProcessor -VM $smigVm -CompatibilityForMigrationEnabled "
	                            "$true\r\n"),
	                 1); /* dc01 only */
	assert_non_null(strstr(ps1, "Grant-SmigAccess -Path 'D:\\VHD\\sql01-system.vhd' -Perm "
	                            "'(F)' -Label $smigVmName -VMId $smigVmId\r\n"));
	/* a sparse disk stops its VM before Compare-VM opens it (A69), checked once per disk */
	assert_int_equal(count(ps1, "function Assert-SmigDense {\r\n"), 1);
	at = strstr(ps1, "\t\tAssert-SmigDense -Path 'D:\\VHD\\sql01-system.vhd'\r\n");
	assert_non_null(at);
	assert_non_null(strstr(at, "$smigReport = Compare-VM"));
	assert_true(strstr(at, "$smigVmId = '") == NULL ||
	            strstr(at, "$smigReport = Compare-VM") < strstr(at, "$smigVmId = '"));
	assert_int_equal(count(ps1, "\t\tAssert-SmigDense -Path 'D:\\VHD\\sql01-system.vhd'"), 1);
	assert_true(count(vms, "\t\tAssert-SmigDense -Path ") >= f->src->nvms);

	/* firewall: the user's rule is a manual item, the built-in rule disabled on the source is
	 * disabled again, the active built-in rule is not touched */
	assert_non_null(strstr(fw, "Write-SmigItem 'firewall' "
	                           "'{7A2E0C44-19B3-4F1D-A6C5-2B9E8D7F6A55}' '' 'manual' "));
	assert_non_null(strstr(fw, "VMConnect from the admin subnet"));
	assert_non_null(strstr(fw, "$smigRuleName = 'VIRT-VMMS-RPC-IN-TCP'\r\n"));
	assert_null(strstr(fw, "'VIRT-WMI-IN-TCP'"));
	/* authorization store, DCOM with its backup, WMI as a manual item */
	assert_non_null(strstr(ps1, "$smigStore = 'C:\\ProgramData\\Microsoft\\Windows\\Hyper-V\\"
	                            "InitialStore.xml'\r\n"));
	assert_non_null(strstr(ps1, "Restart-Service -Name vmms\r\n"));
	assert_non_null(strstr(ps1, "reg export 'HKLM\\SOFTWARE\\Microsoft\\Ole' $smigBackup /y"));
	assert_non_null(strstr(ps1, "$smigSddl = 'O:BAG:BAD:(A;;CCDCLCSWRP;;;BA)"));
	assert_non_null(strstr(ps1, "'remote-admin' 'WMI root\\virtualization' '' 'manual'"));
	/* without --ipconfig-mode, no IP settings; without --force, no host settings */
	assert_null(strstr(ps1, "Set-SmigIPv4 -Adapter $smigNa"));
	assert_null(strstr(ps1, "Set-VMHost -Virtual"));
	assert_null(strstr(ps1, "New-ItemProperty"));
	/* the live state as docs/live-state.md says */
	assert_non_null(strstr(ps1, "\t$json = ConvertTo-Json -InputObject $state -Depth 8\r\n"));
	assert_non_null(strstr(ps1, "(New-Object Text.UTF8Encoding($false))"));
	/* comment lines are wrapped without trailing blanks */
	assert_null(strstr(ps1, " \r\n"));

	ps2012_check(f, ps1, len, "lab.ps1");
	free(ps1);
	tu_plan_free(&t);
}

/* Hostile VM, switch, path and rule names: every one only inside a literal or a comment. */
static void test_hostile(void **state)
{
	struct tu_lab *f = *state;
	struct tu_plan t;
	struct smig_inv_vm *web, *dc, *sql;
	struct smig_inv_drive *iso, *vfd;
	struct smig_inv_switch *lab, *priv;
	char *ps1;
	size_t len, i;

	web = &f->src->vms[tu_vm_index(f->src, "web01")];
	dc = &f->src->vms[tu_vm_index(f->src, "dc01")];
	sql = &f->src->vms[tu_vm_index(f->src, "sql01")];
	iso = &web->drives[tu_drive_index(web, SMIG_INV_DRIVE_ISO)];
	vfd = &dc->drives[tu_drive_index(dc, SMIG_INV_DRIVE_VFD)];
	lab = switch_named(f->src, "Internal Lab");
	priv = switch_named(f->src, "Private Cluster");
	plan_full(&t, f);
	tu_set_str(&web->name, "O'Brien" RSQ "s web\nRemove-Item -Recurse C:\\ #");
	tu_set_str(&dc->name, "dc\r\n\xE2\x80\xA8Stop-Computer");
	tu_set_str(&sql->name, "x" LSQ "; Invoke-Expression calc; #");
	tu_set_str(&lab->name, "$(Stop-Computer) `Format-Volume`; \"Clear-Disk\" #" LSQ);
	tu_set_str(&priv->name, "Lab'); Remove-Item X:\\ -Recurse #");
	tu_set_str(&iso->pathname, "D:\\ISO\\O'Brien" RSQ "s $(Stop-Computer).iso");
	tu_set_str(&vfd->pathname, "C:\\f.vfd'\nRemove-Item -Recurse C:\\\n'");
	for (i = 0; i < f->src->nfwrules; i++)
		if (f->src->fwrules[i].user_defined)
			tu_set_str(&f->src->fwrules[i].description,
			           "x'); Stop-Computer; #\nStop-Computer");
	ps1 = ps1_of(&t, &len);
	assert_only_quoted(ps1, len, "Remove-Item");
	assert_only_quoted(ps1, len, "Stop-Computer");
	assert_only_quoted(ps1, len, "Invoke-Expression");
	assert_only_quoted(ps1, len, "Format-Volume");
	assert_only_quoted(ps1, len, "Clear-Disk");
	/* quotes doubled, control characters as [char] codes */
	assert_non_null(strstr(ps1, "$smigVmName = ('O''Brien" RSQ RSQ "s web' + [char]0x000A + "
	                            "'Remove-Item -Recurse C:\\ #' + '')\r\n"));
	assert_non_null(strstr(ps1, "$smigVmName = ('dc' + [char]0x000D + [char]0x000A + "
	                            "[char]0x2028 + 'Stop-Computer' + '')\r\n"));
	assert_non_null(strstr(ps1, "$smigVmName = 'x" LSQ LSQ "; Invoke-Expression calc; #'\r\n"));
	assert_non_null(
	    strstr(ps1, "$smigMedia = 'D:\\ISO\\O''Brien" RSQ RSQ "s $(Stop-Computer).iso'\r\n"));
	assert_non_null(strstr(ps1, "$smigName = 'Lab''); Remove-Item X:\\ -Recurse #'\r\n"));
	/* parameter names are ASCII identifiers made from the names */
	assert_non_null(strstr(ps1, "\t[int]$Disk_x_Invoke_Expression_calc_SCSI_0_0 = -1\r\n"));
	/* comments show the names with control characters as '?' */
	assert_non_null(strstr(ps1, "# -- VM 'dc???Stop-Computer' (" LAB_DC01 ") --\r\n"));
	ps2012_check(f, ps1, len, "hostile.ps1");
	free(ps1);
	tu_plan_free(&t);
}

/* Each option that changes the script. */
static void test_options(void **state)
{
	struct tu_lab *f = *state;
	struct tu_plan t;
	struct smig_plan_nicmap map[1];
	struct smig_plan_switch *ext = NULL, *lab = NULL;
	char *ps1;
	size_t len, i;

	plan_full(&t, f);
	for (i = 0; i < t.p.nswitches; i++) {
		if (strcmp(t.p.switches[i].src->name, "External LAN") == 0)
			ext = &t.p.switches[i];
		if (strcmp(t.p.switches[i].src->name, "Internal Lab") == 0)
			lab = &t.p.switches[i];
	}
	assert_true(ext && lab);
	/* --bind-switch 'External LAN=Ethernet 2' */
	ext->bind_nic = nic_named(f->dst, "Ethernet 2");
	ext->type = SMIG_SWITCH_EXTERNAL;
	ext->downgraded = false;
	/* --ipconfig-mode nic --map-mac <Management>=<Ethernet> */
	t.opts.ipmode = SMIG_IPMODE_NIC;
	lab->src_host_vnic = smig_inventory_find_nic(f->src, lab->src->host_vnic);
	assert_non_null(lab->src_host_vnic);
	map[0].src = nic_named(f->src, "Management");
	map[0].dst = nic_named(f->dst, "Ethernet");
	t.p.nicmap = map;
	t.p.nnicmap = 1;
	/* --set-processor-compatibility */
	for (i = 0; i < t.p.nvms; i++)
		t.p.vms[i].cpu_compat = true;
	/* --new-id for web01 */
	i = tu_vm_index(f->src, LAB_WEB01);
	free(t.p.vms[i].id);
	t.p.vms[i].id = strdup(NEWID);
	free(t.p.vms[i].config_winpath);
	t.p.vms[i].config_winpath = strdup("D:\\Hyper-V\\Virtual Machines\\" NEWID ".xml");
	/* --discard-saved-state: sql01's was dropped (plan_lab), and web01's snapshot's */
	t.p.vms[tu_vm_index(f->src, "web01")].saved_state_dropped = true;
	/* --force: the host settings, the MAC range, VMQ, the store location */
	t.p.data_root = (char *)"D:\\Hyper-V";
	t.p.vhd_path = (char *)"D:\\VHD";
	t.p.set_data_root = t.p.set_vhd_path = t.p.set_mac_range = t.p.set_vmq = true;
	t.p.set_store_location = true;

	ps1 = ps1_of(&t, &len);
	assert_non_null(strstr(ps1, "\t[string]$Adapter_External_LAN = 'Ethernet 2',\r\n"));
	assert_non_null(strstr(ps1, "$smigIf = 'vEthernet (' + 'External LAN' + ')'\r\n"));
	assert_non_null(strstr(ps1, "$smigIf = 'vEthernet (' + 'Internal Lab' + ')'\r\n"));
	assert_non_null(strstr(ps1, "-Dhcp $false -Address @('192.168.10.20/24') "
	                            "-Gateway @('192.168.10.1') -Dns @('192.168.10.5')\r\n"));
	assert_non_null(strstr(ps1, "-Dhcp $false -Address @('10.10.0.1/24') -Gateway @() "
	                            "-Dns @()\r\n"));
	/* the mapped adapter found by its MAC, with the source's settings and VMQ */
	assert_non_null(strstr(ps1, "$smigIf = 'A0369F123456'\r\n"));
	assert_non_null(strstr(ps1, "-Dhcp $false -Address @('192.168.1.10/24') "
	                            "-Gateway @('192.168.1.1') -Dns @('192.168.1.5', "
	                            "'192.168.1.6')\r\n"));
	assert_non_null(strstr(ps1, "\t\t\tDisable-NetAdapterVmq -InputObject $smigQ\r\n"));
	assert_int_equal(count(ps1, "Set-VMProcessor -VM $smigVm -CompatibilityForMigrationEnabled "
	                            "$true\r\n"),
	                 f->src->nvms);
	assert_non_null(strstr(ps1, "$smigVmId = '" NEWID "'\r\n"));
	assert_null(strstr(ps1, LAB_WEB01));
	assert_int_equal(count(ps1, "'its saved state was discarded (--discard-saved-state): it "
	                            "cold boots"),
	                 1); /* sql01 only: web01 itself was not saved */
	assert_int_equal(count(ps1, "'the saved state of its snapshots was discarded "
	                            "(--discard-saved-state): applying such a snapshot leaves the "
	                            "VM off"),
	                 1);
	assert_non_null(strstr(ps1, "\t$smigWant = 'D:\\Hyper-V'\r\n"));
	assert_non_null(strstr(ps1, "\t\t\tSet-VMHost -VirtualMachinePath $smigWant\r\n"));
	assert_non_null(strstr(ps1, "\t\t\tSet-VMHost -VirtualHardDiskPath $smigWant\r\n"));
	assert_non_null(strstr(ps1, "Set-VMHost -MacAddressMinimum '00155D0A0000' "
	                            "-MacAddressMaximum '00155D0A0FFF'\r\n"));
	assert_non_null(strstr(ps1, "New-ItemProperty -Path $smigKey -Name TenGigVmqEnabled "
	                            "-PropertyType DWord -Value 1 -Force\r\n"));
	assert_non_null(strstr(ps1, "New-ItemProperty -Path $smigKey -Name BelowTenGigVmqEnabled "
	                            "-PropertyType DWord -Value 1 -Force\r\n"));
	assert_non_null(strstr(ps1, "$smigWant = 'msxml://C:\\ProgramData\\Microsoft\\Windows\\"
	                            "Hyper-V\\InitialStore.xml'\r\n"));
	ps2012_check(f, ps1, len, "options.ps1");
	free(ps1);

	/* twins: --ipconfig-mode all does the same; none leaves IP settings alone */
	t.opts.ipmode = SMIG_IPMODE_ALL;
	ps1 = ps1_of(&t, &len);
	/* External LAN's adapter twice: as External, and the address only if it is not */
	assert_int_equal(count(ps1, "\tSet-SmigIPv4 -Adapter $smigNa"), 4);
	free(ps1);
	t.opts.ipmode = SMIG_IPMODE_NONE;
	ps1 = ps1_of(&t, &len);
	assert_int_equal(count(ps1, "\tSet-SmigIPv4 -Adapter $smigNa"), 0);
	assert_non_null(strstr(ps1, "IP settings are left as they are"));
	free(ps1);
	t.p.nicmap = NULL;
	t.p.nnicmap = 0;
	tu_plan_free(&t);
}

/* Nothing to do: an empty source still gives a whole script that checks and reports. */
static void test_nothing(void **state)
{
	struct tu_lab *f = *state;
	struct smig_inventory empty;
	struct tu_plan t;
	char *ps1;
	size_t len;

	memset(&empty, 0, sizeof(empty));
	empty.os.computer_name = (char *)"HV-OLD";
	tu_plan_init(&t, f, &empty);
	ps1 = ps1_of(&t, &len);
	assert_non_null(strstr(ps1, "\t[string[]]$SourceAddress = @()\r\n)\r\n"));
	assert_non_null(strstr(ps1, "'the plan imports no VM'"));
	assert_non_null(strstr(ps1, "'the source has no virtual network'"));
	assert_null(strstr(ps1, "Compare-VM -Path"));
	assert_null(strstr(ps1, "$Adapter_"));
	ps2012_check(f, ps1, len, "nothing.ps1");
	free(ps1);
	tu_plan_free(&t);
}

/* Parameter names: unique without regard to case, ASCII, never empty. */
static void test_params(void **state)
{
	struct tu_lab *f = *state;
	struct tu_plan t;
	struct smig_migrate_params m;
	struct smig_err e = SMIG_ERR_INIT;
	size_t i, s = tu_vm_index(f->src, LAB_SQL01), pt;

	tu_plan_lab(&t, f);
	for (i = 0; i < f->src->nswitches; i++)
		f->src->switches[i].type = SMIG_SWITCH_EXTERNAL;
	tu_set_str(&f->src->switches[0].name, "Lab");
	tu_set_str(&f->src->switches[1].name, "lab");
	tu_set_str(&f->src->switches[2].name, LSQ RSQ);
	assert_int_equal(smig_migrate_params_build(&t.p, &m, &e), 0);
	assert_string_equal(m.adapter[0], "Adapter_Lab");
	assert_string_equal(m.adapter[1], "Adapter_lab_2");
	assert_string_equal(m.adapter[2], "Adapter_x");
	pt = tu_drive_index(&f->src->vms[s], SMIG_INV_DRIVE_PASSTHROUGH);
	assert_string_equal(m.disk[s][pt], "Disk_sql01_SCSI_0_0");
	for (i = 0; i < m.ndrives[s]; i++)
		if (i != pt)
			assert_null(m.disk[s][i]);
	smig_migrate_params_release(&m);
	tu_plan_free(&t);
}

static void test_quote(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_strbuf sb = SMIG_STRBUF_INIT;
	char *q;

	(void)state;
	q = smig_ps_quote("O'Brien", &e);
	assert_string_equal(q, "'O''Brien'");
	free(q);
	q = smig_ps_quote("", &e);
	assert_string_equal(q, "''");
	free(q);
	q = smig_ps_quote("a" LSQ "b" RSQ "c\xE2\x80\x9A"
	                  "d\xE2\x80\x9B"
	                  "e",
	                  &e);
	assert_string_equal(q, "'a" LSQ LSQ "b" RSQ RSQ "c\xE2\x80\x9A\xE2\x80\x9A"
	                       "d\xE2\x80\x9B\xE2\x80\x9B"
	                       "e'");
	free(q);
	/* double quotes (U+201C) and a dollar are not special in a single-quoted literal */
	q = smig_ps_quote("\xE2\x80\x9Cx\" $env:y", &e);
	assert_string_equal(q, "'\xE2\x80\x9Cx\" $env:y'");
	free(q);
	assert_int_equal(e.kind, SMIG_ERR_NONE);
	/* a value with control characters: no line break, the characters as codes */
	assert_int_equal(smig_ps_put_value(&sb, "a\nb'\x7F"), 0);
	assert_string_equal(smig_strbuf_cstr(&sb),
	                    "('a' + [char]0x000A + 'b''' + [char]0x007F + '')");
	smig_strbuf_release(&sb);
	assert_int_equal(smig_ps_put_value(&sb, "\x01"), 0);
	assert_string_equal(smig_strbuf_cstr(&sb), "([char]0x0001 + '')");
	smig_strbuf_release(&sb);
	assert_int_equal(smig_ps_put_value(&sb, "plain"), 0);
	assert_string_equal(smig_strbuf_cstr(&sb), "'plain'");
	smig_strbuf_release(&sb);

	/* rejecting twins: invalid UTF-8, a lone surrogate */
	assert_null(smig_ps_quote("bad\xFF", &e));
	assert_int_equal(e.kind, SMIG_ERR_FORMAT);
	smig_err_clear(&e);
	assert_null(smig_ps_quote("\xED\xA0\x80", &e));
	assert_int_equal(e.kind, SMIG_ERR_FORMAT);
	assert_int_equal(smig_ps_put_value(&sb, "\xC3("), -1);
	smig_strbuf_release(&sb);
}

static void test_slot(void **state)
{
	unsigned c = 9, l = 9;

	(void)state;
	assert_int_equal(smig_slot_parse("IDE 1:0", &c, &l), SMIG_SLOT_IDE);
	assert_true(c == 1 && l == 0);
	assert_int_equal(smig_slot_parse("SCSI 3:63", &c, &l), SMIG_SLOT_SCSI);
	assert_int_equal(smig_slot_parse("Floppy 0:0", &c, &l), SMIG_SLOT_FLOPPY);
	assert_int_equal(smig_slot_parse("IDE 2:0", &c, &l), SMIG_SLOT_NONE);
	assert_int_equal(smig_slot_parse("SCSI 0:64", &c, &l), SMIG_SLOT_NONE);
	assert_int_equal(smig_slot_parse("SCSI 0:1x", &c, &l), SMIG_SLOT_NONE);
	assert_int_equal(smig_slot_parse(NULL, &c, &l), SMIG_SLOT_NONE);
}

/* Rejecting twins: a name that is not UTF-8, a VM id that is not a GUID, no archive; a path
 * icacls cannot take becomes a manual item instead of a command. */
static void test_rejects(void **state)
{
	struct tu_lab *f = *state;
	struct tu_plan t;
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_inv_vm *web;
	char *ps1;
	size_t len = 0, w = tu_vm_index(f->src, "web01"), s = tu_vm_index(f->src, "sql01");

	plan_full(&t, f);
	tu_set_str(&f->src->vms[w].name, "web\xC3(");
	assert_null(smig_migrate_ps1(&t.p, &len, &e));
	assert_int_equal(e.kind, SMIG_ERR_FORMAT);
	tu_set_str(&f->src->vms[w].name, "web01");
	smig_err_clear(&e);

	free(t.p.vms[w].id);
	t.p.vms[w].id = strdup("web01");
	assert_null(smig_migrate_ps1(&t.p, &len, &e));
	assert_int_equal(e.kind, SMIG_ERR_USAGE);
	assert_non_null(strstr(e.msg, "'web01'"));
	free(t.p.vms[w].id);
	t.p.vms[w].id = strdup(LAB_WEB01);
	smig_err_clear(&e);

	t.p.desc = NULL;
	assert_null(smig_migrate_ps1(&t.p, &len, &e));
	assert_int_equal(e.kind, SMIG_ERR_USAGE);
	t.p.desc = &t.desc;
	smig_err_clear(&e);

	free(t.p.vms[s].disks[0].winpath);
	t.p.vms[s].disks[0].winpath = strdup("D:\\VHD\\*");
	ps1 = ps1_of(&t, &len);
	assert_null(strstr(ps1, "Grant-SmigAccess -Path 'D:\\VHD\\*'"));
	assert_non_null(strstr(ps1, "'manual' ('grant the VM''s account access to {0} by hand: "
	                            "icacls cannot be given this path safely' -f 'D:\\VHD\\*')"));
	free(ps1);

	/* an ISO in a slot Hyper-V does not have: a manual item, no command */
	web = &f->src->vms[w];
	tu_set_str(&web->drives[tu_drive_index(web, SMIG_INV_DRIVE_ISO)].slot, "IDE 7:0");
	ps1 = ps1_of(&t, &len);
	assert_non_null(strstr(ps1, "'manual' ('reattach {0} by hand: its slot is not one "
	                            "migrate.ps1 knows: {1}' -f 'D:\\ISO\\en_windows_server_2008_"
	                            "r2_with_sp1_x64.iso', 'IDE 7:0')"));
	assert_null(strstr(ps1, "' / IDE 7:0'"));
	free(ps1);
	tu_plan_free(&t);
}

static struct smig_plan_switch *plan_switch(struct tu_plan *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->p.nswitches; i++)
		if (strcmp(t->p.switches[i].src->name, name) == 0)
			return &t->p.switches[i];
	fail_msg("no plan switch %s", name);
	return NULL;
}

/* The lab plan with --ipconfig-mode nic: External LAN created internal (no adapter given),
 * Internal Lab's management-OS adapter with its address. */
static void plan_ip(struct tu_plan *t, const struct tu_lab *f)
{
	struct smig_plan_switch *lab;

	plan_full(t, f);
	t->opts.ipmode = SMIG_IPMODE_NIC;
	lab = plan_switch(t, "Internal Lab");
	lab->src_host_vnic = smig_inventory_find_nic(f->src, lab->src->host_vnic);
	assert_non_null(lab->src_host_vnic);
	assert_non_null(plan_switch(t, "External LAN")->src_host_vnic);
}

/* An external network created internal gets no default gateway and no DNS servers on its
 * management-OS adapter: the switch is looked up at run time. */
static void test_ip_internal(void **state)
{
	struct tu_lab *f = *state;
	struct tu_plan t;
	char *ps1;
	const char *at, *end;
	size_t len;

	plan_ip(&t, f);
	ps1 = ps1_of(&t, &len);
	at = strstr(ps1, "\t\t$smigSw = Find-SmigSwitch 'External LAN'\r\n");
	assert_non_null(at);
	at = strstr(at, "} elseif ($smigSw -and [string]$smigSw.SwitchType -ne 'External') {\r\n");
	assert_non_null(at);
	end = strstr(at, "} else {\r\n");
	assert_non_null(end);
	at = strstr(at, "'warning' ('its virtual network is {0} here, not External: only the "
	                "address is set");
	assert_true(at != NULL && at < end);
	at = strstr(at, "Set-SmigIPv4 -Adapter $smigNa -Label $smigIf -Dhcp $false -Address "
	                "@('192.168.10.20/24') -Gateway @() -Dns @()\r\n");
	assert_true(at != NULL && at < end);
	/* External: the source's gateway and DNS servers */
	assert_non_null(strstr(end, "-Address @('192.168.10.20/24') -Gateway @('192.168.10.1') "
	                            "-Dns @('192.168.10.5')\r\n"));
	/* an internal network of the source keeps its settings as they were: no guard */
	assert_int_equal(count(ps1, "SwitchType -ne 'External'"), 1);
	ps2012_check(f, ps1, len, "ip-internal.ps1");
	free(ps1);
	tu_plan_free(&t);
}

/* -WhatIf: what an earlier step would have created is a whatif item, every change goes through
 * ShouldProcess, whatif items are counted apart from those that succeeded. */
static void test_whatif(void **state)
{
	struct tu_lab *f = *state;
	struct tu_plan t;
	char *ps1;
	size_t len;

	plan_ip(&t, f);
	ps1 = ps1_of(&t, &len);
	assert_non_null(strstr(ps1, "\t} elseif ($Result -eq 'whatif') {\r\n"
	                            "\t\t$script:smigWhatIf += 1\r\n"
	                            "\t} else {\r\n"
	                            "\t\t$script:smigPassed += 1\r\n"));
	assert_non_null(strstr(ps1,
	                       "{1} failed, {2} what-if ({3} warnings, {4} left to you)' -f "
	                       "$script:smigPassed, $script:smigFailed, $script:smigWhatIf, "));
	assert_non_null(strstr(ps1, "$script:smigWhatIf = 0\r\n"));
	/* phase 5: a vEthernet adapter phase 4 did not create */
	assert_int_equal(count(ps1,
	                       "\t\tif (-not $smigNa -and $WhatIfPreference) {\r\n"
	                       "\t\t\t# -WhatIf: phase 4 did not create its virtual network\r\n"
	                       "\t\t\tWrite-SmigItem 'ip' $smigIf '' 'whatif' "),
	                 2);
	/* Resolve-SmigReport: no 'done' for a disconnect that did not happen */
	assert_null(strstr(ps1, "'done' ('network adapter disconnected"));
	assert_non_null(strstr(ps1, "\t\t\tInvoke-SmigChange 'vms' $Label $VMId ('disconnect a "
	                            "network adapter for the import ({0})' -f $inc.Message) {\r\n"
	                            "\t\t\t\tDisconnect-VMNetworkAdapter -VMNetworkAdapter "
	                            "$inc.Source\r\n"));
	assert_non_null(strstr(ps1, "\t\t\tif ($smigCmdlet.ShouldProcess($Label, 'empty a DVD "
	                            "drive')) {\r\n\t\t\t\tSet-VMDvdDrive"));
	assert_non_null(strstr(ps1, "\t\t\tif ($smigCmdlet.ShouldProcess($Label, 'empty the "
	                            "floppy drive')) {\r\n\t\t\t\tSet-VMFloppyDiskDrive"));
	/* a VM already there, its switch not created */
	assert_non_null(strstr(ps1, "\t\t\tif (-not $sw -and $WhatIfPreference) {\r\n"));
	/* exit 1 only when something failed */
	assert_non_null(strstr(ps1, "\tif ($script:smigFailed -gt 0) {\r\n\t\texit 1\r\n\t}\r\n"
	                            "\texit 0\r\n"));
	ps2012_check(f, ps1, len, "whatif.ps1");
	free(ps1);
	tu_plan_free(&t);
}

#define FW_ID "{7A2E0C44-19B3-4F1D-A6C5-2B9E8D7F6A55}"
#define FW_KEY                                                                                     \
	"[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\SharedAccess\\Parameters\\"     \
	"FirewallPolicy\\FirewallRules]\r\n"

/* A user-defined rule is recreated from its text in the archive; what does not map stays a
 * manual item with the text. */
static void test_firewall(void **state)
{
	struct tu_lab *f = *state;
	struct tu_plan t;
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_fwtexts fw = {NULL, 0};
	struct smig_fwtext one;
	struct smig_fwtexts fw1 = {&one, 1};
	const char reg[] =
	    "Windows Registry Editor Version 5.00\r\n\r\n" FW_KEY "\"" FW_ID
	    "\"=\"v2.10|Action=Allow|Active=TRUE|Dir=In|Protocol=6|Profile=Domain|"
	    "LPort=2179|RA4=192.168.1.0/255.255.255.0|App=%SystemRoot%\\\\system32\\\\vmms.exe|"
	    "Name=VMConnect from the admin subnet|\"\r\n"
	    "\"VIRT-VMMS-RPC-IN-TCP\"=\"v2.10|Action=Allow|Active=FALSE|Dir=In|Protocol=6|"
	    "LPort=RPC|App=%SystemRoot%\\\\system32\\\\vmms.exe|Name=Hyper-V (RPC)|\"\r\n"
	    "\"NotARule\"=dword:00000001\r\n\r\n";
	const char *fwp;
	char *ps1;
	size_t len;

	assert_int_equal(smig_fwtexts_from_reg(reg, sizeof(reg) - 1, &fw, &e), 0);
	assert_int_equal(fw.n, 2);
	assert_string_equal(fw.items[0].id, FW_ID);
	assert_string_equal(fw.items[0].text,
	                    "v2.10|Action=Allow|Active=TRUE|Dir=In|Protocol=6|Profile=Domain|"
	                    "LPort=2179|RA4=192.168.1.0/255.255.255.0|App=%SystemRoot%\\system32\\"
	                    "vmms.exe|Name=VMConnect from the admin subnet|");
	plan_full(&t, f);
	ps1 = smig_migrate_ps1_fw(&t.p, &fw, &len, &e);
	assert_non_null(ps1);
	assert_crlf(ps1, len);
	fwp = strstr(ps1, phases[7]);
	assert_non_null(fwp);
	assert_null(strstr(fwp, "'" FW_ID "' '' 'manual'"));
	assert_non_null(strstr(fwp, "\t$smigRuleName = '" FW_ID "'\r\n"));
	assert_non_null(strstr(fwp, "\t\t\tWrite-SmigItem 'firewall' $smigRuleName '' 'skipped' "
	                            "'a rule with this name exists'\r\n"));
	assert_non_null(strstr(
	    fwp, "\t\t\t\tNew-NetFirewallRule -Name $smigRuleName -DisplayName 'VMConnect from the "
	         "admin subnet' -Direction Inbound -Action Allow -Protocol 6 -LocalPort @('2179') "
	         "-RemoteAddress @('192.168.1.0/255.255.255.0') -Program "
	         "'%SystemRoot%\\system32\\vmms.exe' -Profile 'Domain' -Enabled True\r\n"));
	/* the built-in rule is still only disabled again */
	assert_int_equal(count(fwp, "New-NetFirewallRule -Name"), 1);
	assert_non_null(strstr(fwp, "Disable-NetFirewallRule -InputObject $smigRule\r\n"));
	ps2012_check(f, ps1, len, "firewall.ps1");
	free(ps1);

	/* twin: a keyword address (2012's LocalSubnet also covers IPv6): manual, with the text */
	one.id = (char *)FW_ID;
	one.text = (char *)"v2.10|Action=Allow|Dir=In|Protocol=6|LPort=2179|RA4=LocalSubnet|"
	                   "Name=x|";
	ps1 = smig_migrate_ps1_fw(&t.p, &fw1, &len, &e);
	assert_non_null(ps1);
	assert_null(strstr(ps1, "New-NetFirewallRule -Name"));
	assert_non_null(strstr(ps1,
	                       "Write-SmigItem 'firewall' '" FW_ID "' '' 'manual' ('recreate "
	                       "this rule of the source by hand: its field {0} has no faithful "
	                       "New-NetFirewallRule parameter: {1}' -f 'RA4', 'v2.10|"
	                       "Action=Allow|Dir=In|Protocol=6|LPort=2179|RA4=LocalSubnet|"
	                       "Name=x|')\r\n"));
	free(ps1);

	/* hostile text: a name and a field name that try to leave their literal */
	one.text = (char *)"v2.10|Action=Block|Dir=Out|Protocol=17|RPort=53|Profile=Private|"
	                   "Profile=Public|Name=x'); Stop-Computer; #" RSQ "|Active=FALSE|";
	ps1 = smig_migrate_ps1_fw(&t.p, &fw1, &len, &e);
	assert_non_null(ps1);
	assert_non_null(strstr(ps1, "-DisplayName 'x''); Stop-Computer; #" RSQ RSQ "' -Direction "
	                            "Outbound -Action Block -Protocol 17 -RemotePort @('53') "
	                            "-Profile 'Private, Public' -Enabled False\r\n"));
	assert_only_quoted(ps1, len, "Stop-Computer");
	ps2012_check(f, ps1, len, "firewall-hostile.ps1");
	free(ps1);
	one.text = (char *)"v2.10|Action=Allow|Dir=In|Remove-Item $(Stop-Computer)'=1|";
	ps1 = smig_migrate_ps1_fw(&t.p, &fw1, &len, &e);
	assert_non_null(ps1);
	assert_non_null(strstr(ps1, "by hand: its text cannot be read: {0}' -f 'v2.10|Action=Allow|"
	                            "Dir=In|Remove-Item $(Stop-Computer)''=1|')\r\n"));
	assert_only_quoted(ps1, len, "Stop-Computer");
	ps2012_check(f, ps1, len, "firewall-hostile2.ps1");
	free(ps1);
	/* a field smig does not map (an interface type): manual */
	one.text = (char *)"v2.10|Action=Allow|Dir=In|IFType=Wireless|Name=x|";
	ps1 = smig_migrate_ps1_fw(&t.p, &fw1, &len, &e);
	assert_non_null(ps1);
	assert_non_null(strstr(ps1, "faithful New-NetFirewallRule parameter: {1}' -f 'IFType', "));
	free(ps1);
	tu_plan_free(&t);
	smig_fwtexts_release(&fw);

	/* rejecting twin: not a .reg file */
	assert_int_equal(smig_fwtexts_from_reg("not a reg file\r\n", 16, &fw, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_FORMAT);
	assert_null(fw.items);
}

/* A MAC is looked up among physical adapters first for physical targets, among virtual ones
 * for vEthernet adapters; the state's switch adapter among physical ones. */
static void test_adapter_mac(void **state)
{
	struct tu_lab *f = *state;
	struct tu_plan t;
	struct smig_plan_nicmap map[1];
	char *ps1;
	size_t len;

	plan_ip(&t, f);
	map[0].src = nic_named(f->src, "Management");
	map[0].dst = nic_named(f->dst, "Ethernet");
	t.p.nicmap = map;
	t.p.nnicmap = 1;
	ps1 = ps1_of(&t, &len);
	assert_non_null(strstr(ps1, "\tparam([string]$Spec, [switch]$Virtual)\r\n"));
	assert_non_null(strstr(ps1, "\t\t$physical = @(Get-NetAdapter -Physical)\r\n"));
	assert_non_null(strstr(ps1, "\t\t\tif ($isPhysical -ne [bool]$Virtual) {\r\n"));
	assert_int_equal(count(ps1, "\t$smigNa = Find-SmigAdapter $smigIf -Virtual\r\n"), 2);
	/* the mapped physical adapter (IP and VMQ) */
	assert_int_equal(count(ps1, "\t$smigNa = Find-SmigAdapter $smigIf\r\n"), 2);
	assert_non_null(strstr(ps1, "\t$physicalAdapters = @(Get-NetAdapter -Physical)\r\n"));
	assert_non_null(strstr(ps1, "\t\tforeach ($na in $physicalAdapters) {\r\n"));
	ps2012_check(f, ps1, len, "adapter-mac.ps1");
	free(ps1);
	t.p.nicmap = NULL;
	t.p.nnicmap = 0;
	tu_plan_free(&t);
}

/* -StatePath and -LogPath resolved against the PowerShell location; vmms answers before phase
 * 4; a phase that throws, a log that cannot be written or a missing module do not end the
 * script before its summary; switches by exact name; the log without a BOM. */
static void test_robust(void **state)
{
	struct tu_lab *f = *state;
	struct tu_plan t;
	char *ps1, *want;
	const char *a, *b, *c;
	size_t len, i;
	static const char *const steps[] = {
	    "prerequisites", "host", "authorization", "network",      "ip",
	    "vmq",           "vms",  "firewall",      "remote-admin", "state"};

	plan_full(&t, f);
	ps1 = ps1_of(&t, &len);
	/* paths */
	a = strstr(ps1, "\t$StatePath = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($StatePath)"
	                "\r\n\t$LogPath = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($LogPath)"
	                "\r\n");
	assert_true(a != NULL && a < strstr(ps1, "\r\nif ($StateOnly) {\r\n"));
	/* vmms */
	a = strstr(ps1, "\t\t\t\tRestart-Service -Name vmms\r\n");
	b = strstr(ps1, "Get-VMHost -ErrorAction Stop | Out-Null\r\n");
	c = strstr(ps1, phases[3]);
	assert_true(a && b && c && a < b && b < c);
	assert_non_null(strstr(a, "$smigDeadline = (Get-Date).AddSeconds(120)\r\n"));
	assert_non_null(strstr(a, "Start-Sleep -Seconds 2\r\n"));
	assert_non_null(strstr(a, "throw ('vmms was restarted but does not answer Get-VMHost "
	                          "after 120 seconds: {0}' -f $_.Exception.Message)"));
	/* every phase in a try block whose catch fails the phase */
	for (i = 0; i < sizeof(phases) / sizeof(phases[0]); i++) {
		want = tu_fmt("%stry {\r\n", phases[i]);
		assert_non_null(strstr(ps1, want));
		free(want);
		want =
		    tu_fmt("} catch {\r\n\tWrite-SmigItem '%s' 'phase %zu' '' 'failed' ('the phase "
		           "stopped: {0}' -f $_.Exception.Message)\r\n}\r\n",
		           steps[i], i + 1);
		assert_int_equal(count(ps1, want), 1);
		free(want);
	}
	assert_true(strcmp(ps1 + len - 20, "}\r\n\r\nComplete-Smig\r\n") == 0);
	assert_non_null(strstr(ps1, "\ttry {\r\n\t\tif (Get-Module -ListAvailable -Name Hyper-V) "
	                            "{\r\n\t\t\tImport-Module Hyper-V\r\n"));
	/* logging never throws, and writes no BOM */
	assert_null(strstr(ps1, "Add-Content"));
	assert_non_null(strstr(ps1, "\ttry {\r\n\t\t$line = ConvertTo-Json -InputObject $entry "
	                            "-Compress\r\n\t\t[IO.File]::AppendAllText($LogPath, $line + "
	                            "\"`r`n\", (New-Object Text.UTF8Encoding($false)))\r\n"
	                            "\t} catch {\r\n\t\tWrite-Warning ('migrate.ps1: cannot write "
	                            "to {0}: {1}' -f $LogPath, $_.Exception.Message)\r\n"));
	/* switch names compared with their case */
	assert_non_null(strstr(ps1, "\t\tif ($s.Name -ceq $Name) {\r\n"));
	assert_non_null(strstr(ps1, "\t\tif ($Adapter.SwitchName -ceq $Switch) {\r\n"));
	assert_null(strstr(ps1, "$s.Name -eq $Name"));
	ps2012_check(f, ps1, len, "robust.ps1");
	free(ps1);
	tu_plan_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_lab, tu_lab_setup, tu_lab_teardown),
	    cmocka_unit_test_setup_teardown(test_hostile, tu_lab_setup, tu_lab_teardown),
	    cmocka_unit_test_setup_teardown(test_options, tu_lab_setup, tu_lab_teardown),
	    cmocka_unit_test_setup_teardown(test_nothing, tu_lab_setup, tu_lab_teardown),
	    cmocka_unit_test_setup_teardown(test_params, tu_lab_setup, tu_lab_teardown),
	    cmocka_unit_test(test_quote),
	    cmocka_unit_test(test_slot),
	    cmocka_unit_test_setup_teardown(test_rejects, tu_lab_setup, tu_lab_teardown),
	    cmocka_unit_test_setup_teardown(test_ip_internal, tu_lab_setup, tu_lab_teardown),
	    cmocka_unit_test_setup_teardown(test_whatif, tu_lab_setup, tu_lab_teardown),
	    cmocka_unit_test_setup_teardown(test_firewall, tu_lab_setup, tu_lab_teardown),
	    cmocka_unit_test_setup_teardown(test_adapter_mac, tu_lab_setup, tu_lab_teardown),
	    cmocka_unit_test_setup_teardown(test_robust, tu_lab_setup, tu_lab_teardown),
	};

	return cmocka_run_group_tests(tests, tu_lab_group_setup, tu_lab_group_teardown);
}
