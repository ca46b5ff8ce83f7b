/*
 * cmd_inventory.c - `smig-export inventory`: the pre-migration report, every item
 * Microsoft's "Prepare to Migrate" asks the admin to record, in text, JSON or HTML.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "export.h"
#include "fileio.h"
#include "hostopts.h"
#include "i18n.h"
#include "report.h"

static void help(void)
{
	printf(_("usage: %s inventory --source ROOT [--format text|json|html] [-o FILE]\n"
	       "                 [--drive X=DIR]... [--ipconfig FILE] [--systeminfo FILE]\n"
	       "                 [--facts DIR]\n\n"
	       "Writes the pre-migration report of a Windows Server 2008 R2 Hyper-V host: VMs with\n"
	       "memory, processors, disks, snapshot trees and saved state; virtual networks and\n"
	       "their adapters; IP configuration; Hyper-V host settings and MAC range; VMQ; the\n"
	       "authorization store; firewall and DCOM customisations; ISO, floppy and pass-through\n"
	       "attachments; and every problem found.\n\n"
	       "  --source ROOT       the host: a C: root or a host folder with C/, D/, ...\n"
	       "  --drive X=DIR       where drive X: of the host lives (repeatable)\n"
	       "  --ipconfig FILE     'ipconfig /all' output (default ROOT/IPSettings.txt)\n"
	       "  --systeminfo FILE   'systeminfo' output (default ROOT/systeminfo.txt)\n"
	       "  --facts DIR         a running source: the folder collect.cmd wrote (hives,\n"
	       "                      outputs, store, VM states); ROOT is then the volumes\n"
	       "                      mounted read-only over SMB; VMs not off or saved are\n"
	       "                      listed as to be shut down first\n"
	       "  --format FORMAT     text (default), json or html\n"
	       "  -o, --output FILE   write the report to FILE instead of standard output\n"
	       "  -h, --help          show this help\n\n"
	       "Exit codes: 0 success (problems are in the report), 1 the host cannot be read,\n"
	       "2 usage error.\n"), PROG);
	smig_cli_common_help(false);
}

int cmd_inventory(int argc, char **argv)
{
	static const struct option opts[] = {
		{"source", required_argument, NULL, 's'},
		{"format", required_argument, NULL, 'f'},
		{"output", required_argument, NULL, 'o'},
		{"drive", required_argument, NULL, SMIG_OPT_DRIVE},
		{"ipconfig", required_argument, NULL, SMIG_OPT_IPCONFIG},
		{"systeminfo", required_argument, NULL, SMIG_OPT_SYSTEMINFO},
		{"facts", required_argument, NULL, SMIG_OPT_FACTS},
		{"help", no_argument, NULL, 'h'},
		SMIG_CLI_OPTIONS,
		{0, 0, 0, 0},
	};
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_hostopts ho = {0};
	struct smig_hostfs *fs = NULL;
	struct smig_inventory *inv = NULL;
	enum smig_format fmt = SMIG_FORMAT_TEXT;
	const char *out = NULL;
	char *text = NULL;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, SMIG_CLI_SHORT("s:f:o:h"), opts, NULL)) != -1) {
		switch (c) {
		case 's':
			ho.root = optarg;
			break;
		case 'f':
			if (smig_format_parse(optarg, &fmt) < 0)
				return usage_error("inventory", _("unknown format '%s' (text, json or html)"),
						   optarg);
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			help();
			return 0;
		case SMIG_OPT_DRIVE:
		case SMIG_OPT_IPCONFIG:
		case SMIG_OPT_SYSTEMINFO:
		case SMIG_OPT_FACTS:
			if (smig_hostopts_add(&ho, c, optarg, &e) < 0)
				return usage_error("inventory", "%s", e.msg);
			break;
		default:
			if ((rc = smig_cli_option(c, opts, argc, argv)) != SMIG_CLI_NEXT)
				return rc;
			break;
		}
	}
	if (optind < argc)
		return usage_error("inventory", _("unexpected argument '%s'"), argv[optind]);
	if (ho.root == NULL)
		return usage_error("inventory", _("--source ROOT is required"));
	if (smig_hostopts_read(&ho, &fs, &inv, &e) < 0)
		return fail(&e);
	if (inv->ipconfig_as)
		smig_cli_verbose(_("ipconfig /all output read as %s"), inv->ipconfig_as);
	if (inv->systeminfo_as)
		smig_cli_verbose(_("systeminfo output read as %s"), inv->systeminfo_as);
	/* the report lists what could not be read; the cause, once, where the admin looks */
	for (size_t i = 0; i < inv->nunmapped; i++)
		fprintf(stderr, _("%s: warning: %s\n"), PROG, inv->unmapped[i].message);
	text = smig_report_inventory(inv, fmt, &e);
	if (text == NULL)
		goto fail;
	if (out) {
		if (smig_output_write(out, text, strlen(text), 0644, &e) < 0)
			goto fail;
	} else if (fputs(text, stdout) == EOF || fflush(stdout) == EOF) {
		smig_err_sys(&e, 5 /* EIO */, _("cannot write the report to standard output"));
		goto fail;
	}
	rc = 0;
	goto out;
fail:
	rc = fail(&e);
out:
	free(text);
	smig_inventory_free(inv);
	smig_hostfs_free(fs);
	return rc;
}
