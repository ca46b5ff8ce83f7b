/*
 * test_manualsteps.c - the SMIG3xxx manual steps and finish.ps1 of a hand-built plan over the
 * example hosts (lab-2008r2 -> lab-2012): ids in order, exact commands, the script's header,
 * BOM and CRLF, quoting of hostile names and paths (quotes, typographic quotes, newlines) and
 * the plan with nothing to do; rejecting twins: a plan VM without a GUID, invalid UTF-8, a
 * plan without its archive, a malformed drive slot.
 */
#include "testutil.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostfs.h"
#include "importplan.h"
#include "inventory.h"
#include "manualsteps.h"

#define ARCHIVE_ID "d804e301-f7a8-4206-b1ac-197a836253e3"
#define SQL01 "8A3C5E7F-0A1B-4C2D-8E3F-4A5B6C7D8E02"
#define WEB01 "6F0B2E9A-41C3-4B8E-9E5B-1D2C3A4B5C01"
#define DC01 "2C4D6E8F-1A2B-4C3D-9E4F-5A6B7C8D9E03"
#define EXTLAN "A1E0F6C2-3B4D-4E5F-8A9B-0C1D2E3F4A01"
#define RSQ "\xE2\x80\x99" /* U+2019 RIGHT SINGLE QUOTATION MARK */

struct fx {
	char *dir, *srcdir, *dstdir;
	struct smig_inventory *src, *dst;
};

/* A plan over the example hosts, built by hand (importplan.c computes the real one). */
struct tplan {
	struct smig_plan p;
	struct smig_descriptor desc;
	struct smig_import_opts opts;
};

/* The example hosts are built once; each test reads them afresh, so it may change its
 * models (strings it replaces are malloc'd and freed with the inventory). */
static int group_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->dir = tu_mkdtemp();
	f->srcdir = tu_fmt("%s/src", f->dir);
	f->dstdir = tu_fmt("%s/dst", f->dir);
	tu_build_example("lab-2008r2", f->srcdir);
	tu_build_example("lab-2012", f->dstdir);
	*state = f;
	return 0;
}

static int group_teardown(void **state)
{
	struct fx *f = *state;

	tu_rmtree(f->dir);
	free(f->dir);
	free(f->srcdir);
	free(f->dstdir);
	free(f);
	return 0;
}

static int setup(void **state)
{
	struct fx *f = *state;

	f->src = tu_read_host(f->srcdir);
	f->dst = tu_read_host(f->dstdir);
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	smig_inventory_free(f->src);
	smig_inventory_free(f->dst);
	f->src = f->dst = NULL;
	return 0;
}

/* Replace a model string by a malloc'd copy of `s`. */
static void set_str(char **slot, const char *s)
{
	free(*slot);
	*slot = strdup(s);
}

static const char *basename_win(const char *w)
{
	const char *b = strrchr(w, '\\');

	return b ? b + 1 : w;
}

static size_t vm_index(const struct smig_inventory *inv, const char *name)
{
	size_t i;

	for (i = 0; i < inv->nvms; i++)
		if (strcmp(inv->vms[i].name, name) == 0 || strcmp(inv->vms[i].id, name) == 0)
			return i;
	fail_msg("no VM %s", name);
	return 0;
}

static size_t drive_index(const struct smig_inv_vm *v, enum smig_drive_kind_inv kind)
{
	size_t j;

	for (j = 0; j < v->ndrives; j++)
		if (v->drives[j].kind == kind && v->drives[j].pathname[0])
			return j;
	fail_msg("VM %s has no drive of kind %d", v->name, (int)kind);
	return 0;
}

/* Every source VM selected and placed under D:\Hyper-V and D:\VHD; nothing emptied. */
static void plan_init(struct tplan *t, const struct fx *f, const struct smig_inventory *src)
{
	size_t i, k;

	memset(t, 0, sizeof(*t));
	t->desc.archive_id = (char *)ARCHIVE_ID;
	t->p.desc = &t->desc;
	t->p.src = src;
	t->p.dst = f->dst;
	t->p.opts = &t->opts;
	t->p.hyperv = true;
	t->p.nswitches = src->nswitches;
	t->p.switches = calloc(src->nswitches + 1, sizeof(*t->p.switches));
	for (i = 0; i < src->nswitches; i++) {
		t->p.switches[i].src = &src->switches[i];
		t->p.switches[i].guid = strdup(src->switches[i].guid);
		t->p.switches[i].type = src->switches[i].type;
	}
	t->p.nvms = src->nvms;
	t->p.vms = calloc(src->nvms + 1, sizeof(*t->p.vms));
	for (i = 0; i < src->nvms; i++) {
		struct smig_plan_vm *v = &t->p.vms[i];
		const struct smig_inv_vm *s = &src->vms[i];

		v->src = s;
		v->selected = true;
		v->id = strdup(s->id);
		v->data_root = strdup("D:\\Hyper-V");
		v->config_winpath = tu_fmt("D:\\Hyper-V\\Virtual Machines\\%s.xml", s->id);
		v->registration_link = true;
		v->drive_emptied = calloc(s->ndrives + 1, sizeof(bool));
		v->ndisks = s->ndisks;
		v->disks = calloc(s->ndisks + 1, sizeof(*v->disks));
		for (k = 0; k < s->ndisks; k++) {
			v->disks[k].src = &s->disks[k];
			v->disks[k].winpath =
			    tu_fmt("D:\\VHD\\%s", basename_win(s->disks[k].winpath));
		}
		v->nfiles = 1 + s->nsnapshots;
		v->files = calloc(v->nfiles, sizeof(*v->files));
		v->files[0].role = "config";
		v->files[0].winpath = strdup(v->config_winpath);
		for (k = 0; k < s->nsnapshots; k++) {
			v->files[1 + k].role = "snapshot-config";
			v->files[1 + k].winpath =
			    tu_fmt("D:\\Hyper-V\\Snapshots\\%s.xml", s->snapshots[k].id);
		}
	}
}

static void plan_free(struct tplan *t)
{
	size_t i, k;

	for (i = 0; i < t->p.nswitches; i++)
		free(t->p.switches[i].guid);
	free(t->p.switches);
	for (i = 0; i < t->p.nvms; i++) {
		struct smig_plan_vm *v = &t->p.vms[i];

		free(v->id);
		free(v->data_root);
		free(v->config_winpath);
		free(v->drive_emptied);
		for (k = 0; k < v->ndisks; k++)
			free(v->disks[k].winpath);
		free(v->disks);
		for (k = 0; k < v->nfiles; k++)
			free(v->files[k].winpath);
		free(v->files);
	}
	free(t->p.vms);
}

/* The brief's plan: External LAN downgraded, sql01's pass-through disk, web01's ISO and
 * dc01's floppy emptied, sql01's saved state dropped. */
static void plan_lab(struct tplan *t, const struct fx *f)
{
	size_t i, sql, web, dc;

	plan_init(t, f, f->src);
	for (i = 0; i < t->p.nswitches; i++) {
		struct smig_plan_switch *s = &t->p.switches[i];

		if (strcmp(s->src->name, "External LAN") != 0)
			continue;
		s->downgraded = true;
		s->type = SMIG_SWITCH_INTERNAL;
		s->src_host_vnic = smig_inventory_find_nic(f->src, s->src->host_vnic);
		assert_non_null(s->src_host_vnic);
	}
	sql = vm_index(f->src, SQL01);
	web = vm_index(f->src, WEB01);
	dc = vm_index(f->src, DC01);
	t->p.vms[sql].drive_emptied[drive_index(&f->src->vms[sql], SMIG_INV_DRIVE_PASSTHROUGH)] =
	    true;
	t->p.vms[web].drive_emptied[drive_index(&f->src->vms[web], SMIG_INV_DRIVE_ISO)] = true;
	t->p.vms[dc].drive_emptied[drive_index(&f->src->vms[dc], SMIG_INV_DRIVE_VFD)] = true;
	t->p.vms[sql].saved_state_dropped = true;
}

static const struct smig_problem *find(const struct smig_problems *l, const char *id,
                                       const char *subject)
{
	size_t i;

	for (i = 0; i < l->count; i++)
		if (strcmp(l->items[i].id, id) == 0 && strcmp(l->items[i].subject, subject) == 0)
			return &l->items[i];
	fail_msg("no %s %s", id, subject);
	return NULL;
}

/* Every line ends in CRLF; no lone CR or LF. */
static void assert_crlf(const char *s, size_t len)
{
	size_t i;

	assert_true(len >= 2 && s[len - 2] == '\r' && s[len - 1] == '\n');
	for (i = 0; i < len; i++) {
		if (s[i] == '\n')
			assert_true(i > 0 && s[i - 1] == '\r');
		if (s[i] == '\r')
			assert_true(i + 1 < len && s[i + 1] == '\n');
	}
}

/*
 * Every line that PowerShell would run (not blank, not a comment) starts like one of the
 * commands smig writes: a hostile value cannot have made a line of its own.
 */
static void assert_only_known_code(const char *ps1, size_t len)
{
	static const char *const known[] = {
	    "$ErrorActionPreference = ",
	    "$principal = ",
	    "if (-not $principal",
	    "\tthrow '",
	    "}",
	    "Get-VMSwitch -Id '",
	    "Add-VMHardDiskDrive -VM (Get-VM -Id '",
	    "Get-VMDvdDrive -VM (Get-VM -Id '",
	    "Get-VMFloppyDiskDrive -VM (Get-VM -Id '",
	    "icacls '",
	    "[void][IO.Directory]::CreateDirectory('",
	    "reg export HKLM\\",
	    "if ($LASTEXITCODE -ne 0) { throw '",
	    "$sd = ([wmiclass]",
	    "Set-ItemProperty -Path 'HKLM:\\",
	    "Restart-Service -Name vmms",
	    "Write-Output 'finish.ps1: every scripted step ran'",
	};
	const char *s = ps1 + 3, *end = ps1 + len, *nl;
	size_t k;

	while (s < end) {
		nl = memchr(s, '\n', (size_t)(end - s));
		assert_non_null(nl);
		if (s[0] != '#' && s[0] != '\r') {
			for (k = 0; k < sizeof(known) / sizeof(known[0]); k++)
				if (strncmp(s, known[k], strlen(known[k])) == 0)
					break;
			if (k == sizeof(known) / sizeof(known[0]))
				fail_msg("unexpected code line: %.*s", (int)(nl - s), s);
		}
		s = nl + 1;
	}
}

static char *ps1_of(struct tplan *t, struct smig_problems *l, size_t *len)
{
	struct smig_err e = SMIG_ERR_INIT;
	char *ps1 = smig_finish_ps1(&t->p, l, len, &e);

	if (ps1 == NULL)
		fail_msg("%s", e.msg);
	assert_int_equal(strlen(ps1), *len);
	assert_crlf(ps1, *len);
	assert_only_known_code(ps1, *len);
	return ps1;
}

static void test_ids_in_order(void **state)
{
	static const char *const want[] = {
	    "SMIG3001", "SMIG3002", "SMIG3003", "SMIG3004", "SMIG3009", "SMIG3009", "SMIG3009",
	    "SMIG3009", "SMIG3005", "SMIG3006", "SMIG3007", "SMIG3010", "SMIG3011", "SMIG3012",
	};
	struct fx *f = *state;
	struct tplan t;
	struct smig_problems l = {0};
	struct smig_err e = SMIG_ERR_INIT;
	size_t i;

	plan_lab(&t, f);
	assert_int_equal(smig_manual_steps(&t.p, &l, &e), 0);
	for (i = 0; i < l.count && i < sizeof(want) / sizeof(want[0]); i++)
		if (strcmp(l.items[i].id, want[i]) != 0)
			fail_msg("item %zu is %s %s, want %s", i, l.items[i].id, l.items[i].subject,
			         want[i]);
	assert_int_equal(l.count, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < l.count; i++) {
		assert_int_equal(l.items[i].severity, SMIG_SEV_MANUAL);
		assert_non_null(l.items[i].message);
		assert_non_null(l.items[i].action);
	}
	/* 3009 follows the source's VM order */
	for (i = 0; i < f->src->nvms; i++)
		assert_true(strcmp(l.items[4 + i].subject + 3, f->src->vms[i].name) == 0);
	assert_string_equal(l.items[8].subject, "firewall:{7A2E0C44-19B3-4F1D-A6C5-2B9E8D7F6A55}");
	assert_string_equal(l.items[11].subject, "vm:sql01");
	assert_string_equal(l.items[12].subject, "source:HV-SRC01");
	smig_problems_release(&l);
	plan_free(&t);
}

static void test_commands_exact(void **state)
{
	struct fx *f = *state;
	struct tplan t;
	struct smig_problems l = {0};
	struct smig_err e = SMIG_ERR_INIT;
	const struct smig_problem *it;

	plan_lab(&t, f);
	assert_int_equal(smig_manual_steps(&t.p, &l, &e), 0);

	it = find(&l, "SMIG3001", "switch:External LAN");
	assert_string_equal(
	    it->powershell,
	    "Get-VMSwitch -Id '" EXTLAN "' | Set-VMSwitch "
	    "-NetAdapterName '<EDIT: destination adapter>' -AllowManagementOS $true");
	assert_non_null(strstr(it->message,
	                       "'Local Area Connection' (Broadcom BCM5709C "
	                       "NetXtreme II GigE (NDIS VBD Client), MAC 00-1E-C9-3A-5B-01)"));
	assert_non_null(strstr(it->action, "candidates: 'Ethernet' ("));
	assert_non_null(strstr(it->action, "MAC A0-36-9F-12-34-56), 'Ethernet 2' ("));
	assert_non_null(strstr(it->action, "MAC A0-36-9F-12-34-57)"));

	it = find(&l, "SMIG3002", "vm:sql01/drive:SCSI 0:0");
	assert_string_equal(it->powershell,
	                    "Add-VMHardDiskDrive -VM (Get-VM -Id '" SQL01 "') "
	                    "-ControllerType SCSI -ControllerNumber 0 -ControllerLocation 0 "
	                    "-DiskNumber <EDIT: disk number>");
	assert_non_null(strstr(it->message, "'\\\\.\\PHYSICALDRIVE2'"));
	assert_non_null(strstr(it->action, "Set-Disk -Number N -IsOffline $true"));

	it = find(&l, "SMIG3003", "vm:web01/drive:IDE 1:0");
	assert_string_equal(it->powershell,
	                    "Get-VMDvdDrive -VM (Get-VM -Id '" WEB01 "') "
	                    "-ControllerNumber 1 -ControllerLocation 0 | Set-VMDvdDrive -Path "
	                    "'D:\\ISO\\en_windows_server_2008_r2_with_sp1_x64.iso'");
	assert_non_null(strstr(it->action, "same path"));

	it = find(&l, "SMIG3004", "vm:dc01/drive:Floppy 0:0");
	assert_string_equal(it->powershell,
	                    "Get-VMFloppyDiskDrive -VM (Get-VM -Id '" DC01 "') | "
	                    "Set-VMFloppyDiskDrive -Path 'C:\\Users\\Public\\Documents\\Hyper-V\\"
	                    "Virtual Floppy Disks\\drivers.vfd'");

	it = find(&l, "SMIG3009", "vm:sql01");
	assert_string_equal(
	    it->powershell,
	    "icacls 'D:\\Hyper-V\\Virtual Machines\\" SQL01 ".xml' /grant "
	    "'NT VIRTUAL MACHINE\\" SQL01 ":(F)'\n"
	    "[void][IO.Directory]::CreateDirectory('D:\\Hyper-V\\Virtual Machines\\" SQL01 "')\n"
	    "icacls 'D:\\Hyper-V\\Virtual Machines\\" SQL01 "' /grant "
	    "'NT VIRTUAL MACHINE\\" SQL01 ":(OI)(CI)F'\n"
	    "icacls 'D:\\VHD\\sql01-system.vhd' /grant 'NT VIRTUAL MACHINE\\" SQL01 ":(F)'\n"
	    "icacls 'C:\\ProgramData\\Microsoft\\Windows\\Hyper-V\\Virtual Machines\\" SQL01
	    ".xml' /grant 'NT VIRTUAL MACHINE\\" SQL01 ":(F)' /L");
	assert_non_null(strstr(it->action, "symbolic link"));
	/* web01's snapshot configurations and its whole disk chain are granted too */
	it = find(&l, "SMIG3009", "vm:web01");
	assert_non_null(strstr(it->powershell, "icacls 'D:\\Hyper-V\\Snapshots\\"));
	assert_non_null(strstr(it->powershell, ".avhd' /grant"));

	it = find(&l, "SMIG3006", "dcom");
	assert_string_equal(
	    it->powershell,
	    "reg export HKLM\\SOFTWARE\\Microsoft\\Ole ole-before.reg /y\n"
	    "if ($LASTEXITCODE -ne 0) { throw 'cannot save HKLM\\SOFTWARE\\Microsoft\\"
	    "Ole to ole-before.reg' }\n"
	    "$sd = ([wmiclass]'Win32_SecurityDescriptorHelper').SDDLToBinarySD("
	    "'O:BAG:BAD:(A;;CCDCLCSWRP;;;BA)(A;;CCDCSW;;;WD)(A;;CCDCLCSWRP;;;"
	    "S-1-5-21-3623811015-3361044348-30300820-1105)').BinarySD\n"
	    "Set-ItemProperty -Path 'HKLM:\\SOFTWARE\\Microsoft\\Ole' "
	    "-Name MachineLaunchRestriction -Value $sd");

	it = find(&l, "SMIG3005", "firewall:{7A2E0C44-19B3-4F1D-A6C5-2B9E8D7F6A55}");
	assert_null(it->powershell);
	assert_non_null(strstr(it->message, "VMConnect from the admin subnet"));
	assert_null(find(&l, "SMIG3007", "wmi:root\\virtualization")->powershell);
	assert_null(find(&l, "SMIG3010", "vm:sql01")->powershell);
	assert_null(find(&l, "SMIG3011", "source:HV-SRC01")->powershell);
	it = find(&l, "SMIG3012", "source:HV-SRC01");
	assert_string_equal(it->powershell, "Import-Module ServerManager\n"
	                                    "Remove-WindowsFeature -Name Hyper-V");
	assert_non_null(strstr(it->action, "SOURCE"));
	smig_problems_release(&l);
	plan_free(&t);
}

static void test_ps1(void **state)
{
	struct fx *f = *state;
	struct tplan t;
	struct smig_problems l = {0};
	struct smig_err e = SMIG_ERR_INIT;
	char *ps1;
	const char *p3001, *p3002, *p3003, *p3012, *tail;
	size_t len;

	plan_lab(&t, f);
	assert_int_equal(smig_manual_steps(&t.p, &l, &e), 0);
	ps1 = ps1_of(&t, &l, &len);
	if (getenv("SMIG_TEST_DUMP"))
		fputs(ps1, stderr);
	assert_memory_equal(ps1, "\xEF\xBB\xBF# finish.ps1 - ", 17);
	assert_non_null(strstr(ps1, "# Archive id: " ARCHIVE_ID " (source HV-SRC01, destination "
	                            "HV-DST01)\r\n"));
	assert_non_null(strstr(ps1, "safe to read"));
	assert_non_null(strstr(ps1, "Run it elevated (Run as administrator) on the DESTINATION"));
	assert_non_null(strstr(ps1, "\r\n$ErrorActionPreference = 'Stop'\r\n"));

	/* steps in order; those needing a choice commented out under an EDIT line */
	p3001 = strstr(ps1, "# ---- SMIG3001 switch:External LAN ----\r\n");
	p3002 = strstr(ps1, "# ---- SMIG3002 vm:sql01/drive:SCSI 0:0 ----\r\n");
	p3003 = strstr(ps1, "# ---- SMIG3003 vm:web01/drive:IDE 1:0 ----\r\n");
	p3012 = strstr(ps1, "# ---- SMIG3012 source:HV-SRC01 ----\r\n");
	assert_true(p3001 && p3002 && p3003 && p3012);
	assert_true(p3001 < p3002 && p3002 < p3003 && p3003 < p3012);
	assert_non_null(strstr(p3001, "\r\n# EDIT: replace '<EDIT: destination adapter>'"));
	assert_non_null(strstr(p3001, "\r\n# Get-VMSwitch -Id '" EXTLAN "' | Set-VMSwitch"));
	assert_null(strstr(ps1, "\r\nGet-VMSwitch"));
	assert_non_null(strstr(p3002, "\r\n# EDIT: present the disk"));
	assert_non_null(strstr(p3002, "\r\n# Add-VMHardDiskDrive -VM (Get-VM -Id '" SQL01));
	assert_non_null(strstr(p3003,
	                       "\r\nGet-VMDvdDrive -VM (Get-VM -Id '" WEB01 "') "
	                       "-ControllerNumber 1 -ControllerLocation 0 | Set-VMDvdDrive -Path "
	                       "'D:\\ISO\\en_windows_server_2008_r2_with_sp1_x64.iso'\r\n"));
	assert_non_null(strstr(ps1, "\r\nicacls 'D:\\VHD\\sql01-system.vhd' /grant "
	                            "'NT VIRTUAL MACHINE\\" SQL01 ":(F)'\r\n"));
	assert_non_null(strstr(ps1, "\r\nreg export HKLM\\SOFTWARE\\Microsoft\\Ole "
	                            "ole-before.reg /y\r\n"));
	assert_non_null(strstr(p3012, "\r\n# NOT HERE: this command is for the SOURCE host"));
	assert_non_null(strstr(p3012, "\r\n# Import-Module ServerManager\r\n"
	                              "# Remove-WindowsFeature -Name Hyper-V\r\n"));
	assert_null(strstr(ps1, "\r\nRemove-WindowsFeature"));
	/* steps without a command: only in the closing list */
	assert_null(strstr(ps1, "---- SMIG3007"));
	tail = strstr(ps1, "\r\n# Not scripted (the manual-step report describes them):\r\n");
	assert_non_null(tail);
	assert_true(tail > p3012);
	assert_non_null(strstr(tail,
	                       "\r\n#   SMIG3005 firewall:{7A2E0C44-19B3-4F1D-A6C5-2B9E8D7F6A55}"
	                       "\r\n#   SMIG3007 wmi:root\\virtualization\r\n#   SMIG3010 vm:sql01"
	                       "\r\n#   SMIG3011 source:HV-SRC01\r\n"));
	/* comment text is wrapped without trailing blanks */
	assert_null(strstr(ps1, " \r\n"));

	free(ps1);
	smig_problems_release(&l);
	plan_free(&t);
}

/* With PowerShell here, its own parser reads the script of the lab plan without errors. */
static void test_pwsh_parses(void **state)
{
	struct fx *f = *state;
	struct tplan t;
	struct smig_problems l = {0};
	struct smig_err e = SMIG_ERR_INIT;
	char *ps1, *path;
	size_t len;

	if (!tu_have("pwsh"))
		skip();
	plan_lab(&t, f);
	assert_int_equal(smig_manual_steps(&t.p, &l, &e), 0);
	ps1 = ps1_of(&t, &l, &len);
	path = tu_fmt("%s/finish.ps1", f->dir);
	tu_write(path, ps1, len);
	assert_int_equal(tu_sh("pwsh -NoProfile -NonInteractive -Command '$e = $null; "
	                       "[void][System.Management.Automation.Language.Parser]::"
	                       "ParseFile(\"%s\", [ref]$null, [ref]$e); "
	                       "if ($e.Count) { $e; exit 1 }'",
	                       path),
	                 0);
	free(path);
	free(ps1);
	smig_problems_release(&l);
	plan_free(&t);
}

static void test_quote(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	char *q;

	(void)state;
	q = smig_ps_quote("O'Brien", &e);
	assert_string_equal(q, "'O''Brien'");
	free(q);
	q = smig_ps_quote("", &e);
	assert_string_equal(q, "''");
	free(q);
	q = smig_ps_quote("a\xE2\x80\x98"
	                  "b\xE2\x80\x99"
	                  "c\xE2\x80\x9A"
	                  "d\xE2\x80\x9B"
	                  "e",
	                  &e);
	assert_string_equal(q, "'a\xE2\x80\x98\xE2\x80\x98"
	                       "b\xE2\x80\x99\xE2\x80\x99"
	                       "c\xE2\x80\x9A\xE2\x80\x9A"
	                       "d\xE2\x80\x9B\xE2\x80\x9B"
	                       "e'");
	free(q);
	/* double quotes (U+201C) and a dollar are not special in a single-quoted literal */
	q = smig_ps_quote("\xE2\x80\x9Cx\" $env:y", &e);
	assert_string_equal(q, "'\xE2\x80\x9Cx\" $env:y'");
	free(q);
	/* a newline stays inside the literal (finish.ps1 comments such commands out) */
	q = smig_ps_quote("a\nb", &e);
	assert_string_equal(q, "'a\nb'");
	free(q);
	assert_int_equal(e.kind, SMIG_ERR_NONE);

	/* rejecting twins: invalid UTF-8, a lone surrogate */
	assert_null(smig_ps_quote("bad\xFF", &e));
	assert_int_equal(e.kind, SMIG_ERR_FORMAT);
	smig_err_clear(&e);
	assert_null(smig_ps_quote("\xED\xA0\x80", &e));
	assert_int_equal(e.kind, SMIG_ERR_FORMAT);
}

/* Hostile names and paths: quotes are doubled and the command still runs; a newline makes
 * the command a comment and cannot end a comment line. */
static void test_hostile_script(void **state)
{
	struct fx *f = *state;
	struct tplan t;
	struct smig_problems l = {0};
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_inv_vm *web, *dc;
	struct smig_inv_drive *iso, *vfd;
	char *ps1;
	const struct smig_problem *it;
	size_t len;

	web = &f->src->vms[vm_index(f->src, "web01")];
	dc = &f->src->vms[vm_index(f->src, "dc01")];
	iso = &web->drives[drive_index(web, SMIG_INV_DRIVE_ISO)];
	vfd = &dc->drives[drive_index(dc, SMIG_INV_DRIVE_VFD)];
	set_str(&web->name, "O'Brien" RSQ "s web\nRemove-Item -Recurse C:\\ #");
	set_str(&dc->name, "dc\r\n\xE2\x80\xA8Stop-Computer");
	set_str(&iso->pathname, "D:\\ISO\\O'Brien" RSQ "s.iso");
	set_str(&vfd->pathname, "C:\\f.vfd'\nRemove-Item -Recurse C:\\\n'");

	plan_lab(&t, f);
	assert_int_equal(smig_manual_steps(&t.p, &l, &e), 0);
	it = find(&l, "SMIG3003",
	          "vm:O'Brien" RSQ "s web\nRemove-Item -Recurse C:\\ #/drive:IDE 1:0");
	assert_string_equal(it->powershell,
	                    "Get-VMDvdDrive -VM (Get-VM -Id '" WEB01 "') "
	                    "-ControllerNumber 1 -ControllerLocation 0 | Set-VMDvdDrive -Path "
	                    "'D:\\ISO\\O''Brien" RSQ RSQ "s.iso'");
	ps1 = ps1_of(&t, &l, &len);
	if (getenv("SMIG_TEST_DUMP"))
		fputs(ps1, stderr);
	/* the ISO command runs: its quotes are doubled */
	assert_non_null(strstr(ps1,
	                       "\r\nGet-VMDvdDrive -VM (Get-VM -Id '" WEB01 "') "
	                       "-ControllerNumber 1 -ControllerLocation 0 | Set-VMDvdDrive -Path "
	                       "'D:\\ISO\\O''Brien" RSQ RSQ "s.iso'\r\n"));
	/* the names are in comments, with the control characters shown as '?' */
	assert_non_null(strstr(ps1, "# ---- SMIG3003 vm:O'Brien" RSQ "s web?Remove-Item -Recurse "
	                            "C:\\ #/drive:IDE 1:0 ----\r\n"));
	assert_non_null(strstr(ps1, "vm:dc???Stop-Computer/drive:Floppy 0:0"));
	/* the floppy command has a newline in a literal: commented out, flagged */
	assert_non_null(strstr(ps1, "\r\n# EDIT: a name or path in this command holds control "
	                            "characters"));
	assert_non_null(
	    strstr(ps1, "\r\n# Get-VMFloppyDiskDrive -VM (Get-VM -Id '" DC01 "') | "
	                "Set-VMFloppyDiskDrive -Path 'C:\\f.vfd''?Remove-Item -Recurse C:\\?''"
	                "'\r\n"));
	assert_null(strstr(ps1, "\nRemove-Item"));
	assert_null(strstr(ps1, "\nStop-Computer"));
	free(ps1);
	smig_problems_release(&l);
	plan_free(&t);
}

/* Nothing to do: no VMs, no switches, a default host -> only the three unconditional steps;
 * twin: the same with a customised DCOM restriction adds 3006. */
static void test_nothing_to_do(void **state)
{
	struct fx *f = *state;
	struct smig_inventory empty;
	struct tplan t;
	struct smig_problems l = {0};
	struct smig_err e = SMIG_ERR_INIT;
	char *ps1;
	size_t len;

	memset(&empty, 0, sizeof(empty));
	empty.os.computer_name = (char *)"HV-OLD";
	plan_init(&t, f, &empty);
	assert_int_equal(smig_manual_steps(&t.p, &l, &e), 0);
	assert_int_equal(l.count, 3);
	assert_string_equal(l.items[0].id, "SMIG3007");
	assert_string_equal(l.items[1].id, "SMIG3011");
	assert_string_equal(l.items[2].id, "SMIG3012");
	ps1 = ps1_of(&t, &l, &len);
	assert_non_null(strstr(ps1, "# ---- SMIG3012 source:HV-OLD ----"));
	assert_null(strstr(ps1, "---- SMIG3007"));
	free(ps1);
	smig_problems_release(&l);

	empty.dcom.customised = true;
	empty.dcom.sddl = (char *)"O:BAG:BAD:(A;;CCDC;;;WD)";
	assert_int_equal(smig_manual_steps(&t.p, &l, &e), 0);
	assert_int_equal(l.count, 4);
	assert_string_equal(l.items[0].id, "SMIG3006");
	smig_problems_release(&l);

	/* a Windows Server 2008 source removes the role with ServerManagerCmd */
	empty.dcom.customised = false;
	empty.os.current_version = (char *)"6.0";
	assert_int_equal(smig_manual_steps(&t.p, &l, &e), 0);
	assert_string_equal(l.items[2].powershell, "ServerManagerCmd.exe -remove Hyper-V");
	smig_problems_release(&l);
	plan_free(&t);
}

/* An AD store gets 3008 with the store's URL, quoted. */
static void test_ad_store(void **state)
{
	struct fx *f = *state;
	struct smig_inventory src;
	struct tplan t;
	struct smig_problems l = {0};
	struct smig_err e = SMIG_ERR_INIT;

	memset(&src, 0, sizeof(src));
	src.azman.ad_store = true;
	src.host.store_location = (char *)"msldap://CN=Hyper-V,CN=Program Data,DC=lab,DC=o'neil";
	plan_init(&t, f, &src);
	assert_int_equal(smig_manual_steps(&t.p, &l, &e), 0);
	assert_int_equal(l.count, 4);
	assert_string_equal(l.items[1].id, "SMIG3008");
	assert_string_equal(l.items[1].powershell,
	                    "Set-ItemProperty -Path 'HKLM:\\SOFTWARE\\Microsoft\\Windows NT\\"
	                    "CurrentVersion\\Virtualization' -Name StoreLocation -Value "
	                    "'msldap://CN=Hyper-V,CN=Program Data,DC=lab,DC=o''neil'\n"
	                    "Restart-Service -Name vmms");
	smig_problems_release(&l);
	/* twin: a file store gives no 3008 */
	src.azman.ad_store = false;
	assert_int_equal(smig_manual_steps(&t.p, &l, &e), 0);
	assert_int_equal(l.count, 3);
	smig_problems_release(&l);
	plan_free(&t);
}

/* Rejecting twins: a plan VM whose id is not a GUID; a name that is not UTF-8; a plan without
 * its archive; a malformed slot gives no command rather than a wrong one. */
static void test_rejects(void **state)
{
	struct fx *f = *state;
	struct tplan t;
	struct smig_problems l = {0};
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_inv_vm *web;
	struct smig_inv_drive *iso;
	size_t len = 0, w;

	plan_lab(&t, f);
	w = vm_index(f->src, "web01");
	free(t.p.vms[w].id);
	t.p.vms[w].id = strdup("web01");
	assert_int_equal(smig_manual_steps(&t.p, &l, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_USAGE);
	assert_non_null(strstr(e.msg, "'web01'"));
	smig_problems_release(&l);
	plan_free(&t);

	web = &f->src->vms[w];
	iso = &web->drives[drive_index(web, SMIG_INV_DRIVE_ISO)];
	set_str(&iso->pathname, "D:\\ISO\\\xC3(.iso");
	plan_lab(&t, f);
	smig_err_clear(&e);
	assert_int_equal(smig_manual_steps(&t.p, &l, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_FORMAT);
	smig_problems_release(&l);
	set_str(&iso->pathname, "D:\\ISO\\x.iso");
	set_str(&iso->slot, "IDE 7:0");
	smig_err_clear(&e);
	assert_int_equal(smig_manual_steps(&t.p, &l, &e), 0);
	assert_null(find(&l, "SMIG3003", "vm:web01/drive:IDE 7:0")->powershell);

	t.p.desc = NULL;
	assert_null(smig_finish_ps1(&t.p, &l, &len, &e));
	assert_int_equal(e.kind, SMIG_ERR_USAGE);
	smig_problems_release(&l);
	plan_free(&t);
}

/* A path icacls cannot take safely (wildcard, relative, trailing '\') is not granted; the
 * action says so. */
static void test_icacls_paths(void **state)
{
	struct fx *f = *state;
	struct tplan t;
	struct smig_problems l = {0};
	struct smig_err e = SMIG_ERR_INIT;
	const struct smig_problem *it;
	size_t s = vm_index(f->src, "sql01");

	plan_lab(&t, f);
	free(t.p.vms[s].disks[0].winpath);
	t.p.vms[s].disks[0].winpath = strdup("D:\\VHD\\*");
	assert_int_equal(smig_manual_steps(&t.p, &l, &e), 0);
	it = find(&l, "SMIG3009", "vm:sql01");
	assert_null(strstr(it->powershell, "D:\\VHD\\*"));
	assert_non_null(strstr(it->action, "'D:\\VHD\\*' is not a drive-absolute path icacls can "
	                                   "take safely"));
	smig_problems_release(&l);
	free(t.p.vms[s].disks[0].winpath);
	t.p.vms[s].disks[0].winpath = strdup("-reset");
	assert_int_equal(smig_manual_steps(&t.p, &l, &e), 0);
	assert_null(strstr(find(&l, "SMIG3009", "vm:sql01")->powershell, "reset"));
	smig_problems_release(&l);
	free(t.p.vms[s].disks[0].winpath);
	t.p.vms[s].disks[0].winpath = strdup("D:\\VHD\\");
	assert_int_equal(smig_manual_steps(&t.p, &l, &e), 0);
	assert_null(strstr(find(&l, "SMIG3009", "vm:sql01")->powershell, "D:\\VHD\\'"));
	smig_problems_release(&l);
	plan_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_ids_in_order, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_commands_exact, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ps1, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_pwsh_parses, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_quote, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hostile_script, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_nothing_to_do, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ad_store, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rejects, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_icacls_paths, setup, teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
