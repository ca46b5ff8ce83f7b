/*
 * cmd_probe.c - `smig-import probe-script`: writes probe.ps1, the read-only script an admin
 * runs on a running destination so that it describes itself in dest-facts.json (the script
 * and the format are destfacts.c's; docs/dest-facts.md walks the flow).
 */
#include <stdio.h>

#include "cli.h"
#include "destfacts.h"
#include "i18n.h"
#include "import.h"
#include "session.h"

static void help(void)
{
	printf(_("usage: %s probe-script [-o FILE]\n\n"
	         "Writes probe.ps1 (UTF-8 with BOM, CRLF), the PowerShell 3.0 script that\n"
	         "describes a running Windows Server 2012 destination whose registry hives are\n"
	         "locked. Run it elevated on the destination; it only reads (Get-VMHost,\n"
	         "Get-VMSwitch, Get-VM, Get-NetAdapter, WMI, registry values) and writes\n"
	         "dest-facts.json. Copy that file to DEST/dest-facts.json, DEST being the host\n"
	         "folder of the destination's mounted admin shares (C/, D/, ...), or name it with\n"
	         "--dest-facts FILE; then run preflight and apply with --dest DEST.\n\n"
	         "  -o, --output FILE   write the script to FILE (default standard output)\n"
	         "  -h, --help          show this help\n\n"
	         "Exit codes: 0 written, 1 the file cannot be written, 2 usage error.\n"),
	       PROG);
	smig_cli_common_help(false);
}

int cmd_probe_script(int argc, char **argv)
{
	return smig_cli_write_script(argc, argv, help, smig_destfacts_probe_script);
}
