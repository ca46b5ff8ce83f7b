/*
 * cmd_probe.c - `smig-import probe-script`: writes probe.ps1, the read-only script an admin
 * runs on a running destination so that it describes itself in dest-facts.json (the script
 * and the format are destfacts.c's; docs/dest-facts.md walks the flow).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "destfacts.h"
#include "fileio.h"
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
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		SMIG_CLI_OPTIONS,
		{0, 0, 0, 0},
	};
	struct smig_err e = SMIG_ERR_INIT;
	const char *out = NULL;
	char *text = NULL;
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
			if ((rc = smig_cli_option(c, opts, argc, argv)) != SMIG_CLI_NEXT)
				return rc;
			rc = 0; /* -q, -v, --lang: go on (SMIG_CLI_NEXT is not an exit code) */
			break;
		}
	}
	if (optind < argc)
		return usage_error("probe-script", _("unexpected argument '%s'"), argv[optind]);
	text = smig_destfacts_probe_script(&len, &e);
	if (text == NULL)
		return fail(&e);
	if (out) {
		if (smig_output_write(out, text, len, 0644, &e) < 0)
			rc = fail(&e);
	} else if (fwrite(text, 1, len, stdout) != len || fflush(stdout) == EOF) {
		smig_err_sys(&e, EIO, _("cannot write to standard output"));
		rc = fail(&e);
	}
	free(text);
	return rc;
}
