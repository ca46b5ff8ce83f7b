/*
 * cmd_collect.c - `smig-export collect-script`: writes collect.cmd, the batch file that
 * gathers a running Windows Server 2008 R2 source's facts folder (facts.h, user-guide.md).
 */
#include <stdio.h>

#include "cli.h"
#include "export.h"
#include "facts.h"
#include "i18n.h"

static void help(void)
{
	printf(
	    _("usage: %s collect-script [-o FILE]\n\n"
	      "Writes collect.cmd (to standard output, or FILE; '-' is standard output): a batch\n"
	      "file for a running Windows Server 2008 R2 Hyper-V host. Run elevated there as\n"
	      "'collect.cmd FOLDER', it writes FOLDER\\smig-facts: the SYSTEM and SOFTWARE hives\n"
	      "(reg save), ipconfig /all, systeminfo, the firewall rules, the authorization "
	      "store,\n"
	      "the volumes and the VMs' states. It changes nothing on the host. Give the folder\n"
	      "to features, inventory and export with --facts DIR, and the host's volumes mounted\n"
	      "read-only over SMB with --source ROOT (docs/user-guide.md).\n\n"
	      "  -o, --output FILE   write collect.cmd to FILE\n"
	      "  -h, --help          show this help\n\n"
	      "Exit codes: 0 success, 1 FILE cannot be written, 2 usage error.\n"),
	    PROG);
	smig_cli_common_help(false);
}

int cmd_collect(int argc, char **argv)
{
	return smig_cli_write_script(argc, argv, help, smig_facts_script);
}
