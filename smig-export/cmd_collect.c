/*
 * cmd_collect.c - `smig-export collect-script`: writes collect.cmd, the batch file that
 * gathers a running Windows Server 2008 R2 source's facts folder (facts.h, user-guide.md).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "export.h"
#include "facts.h"
#include "fileio.h"
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
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		SMIG_CLI_OPTIONS,
		{0, 0, 0, 0},
	};
	struct smig_err e = SMIG_ERR_INIT;
	const char *out = "-";
	char *text;
	size_t len = 0;
	int c, rc = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, SMIG_CLI_SHORT("o:h"), opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'h':
			help();
			return 0;
		default:
			/* -q, -v, --log, --lang and the usage errors */
			if ((rc = smig_cli_option(c, opts, argc, argv)) != SMIG_CLI_NEXT)
				return rc;
			rc = 0;
			break;
		}
	}
	if (optind < argc)
		return usage_error("collect-script", _("unexpected argument '%s'"), argv[optind]);
	text = smig_facts_script(&len, &e);
	if (text == NULL || smig_output_write(out, text, len, 0644, &e) < 0)
		rc = fail(&e);
	free(text);
	return rc;
}
