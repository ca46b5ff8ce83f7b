/*
 * cmd_manifest.c - `smig-export features`: the features and components found on a source
 * host and why an absent one is absent (WSMT's Get-SmigServerFeature).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "export.h"
#include "i18n.h"
#include "manifest.h"
#include "hostopts.h"

static void help(void)
{
	printf(_("usage: %s features --source ROOT [--format text|json] [--drive X=DIR]...\n"
	       "                [--ipconfig FILE] [--systeminfo FILE] [--facts DIR]\n\n"
	       "Lists the migratable features found on the host (Hyper-V, IP configuration), each\n"
	       "with its components, and says why an absent one is absent. The features and\n"
	       "components are declared in manifests/*.xml. With --facts DIR (the folder\n"
	       "collect.cmd wrote on a running source) the hives and command outputs come from\n"
	       "DIR and ROOT holds the volumes mounted read-only over SMB.\n\n"
	       "Exit codes: 0 success, 1 the host or a manifest cannot be read, 2 usage error.\n"),
	       PROG);
	smig_cli_common_help(false);
}

int cmd_features(int argc, char **argv)
{
	static const struct option opts[] = {
		{"source", required_argument, NULL, 's'},
		{"format", required_argument, NULL, 'f'},
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
	struct smig_features *ft = NULL;
	bool json = false;
	char *text = NULL;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, SMIG_CLI_SHORT("s:f:h"), opts, NULL)) != -1) {
		switch (c) {
		case 's':
			ho.root = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "json") == 0)
				json = true;
			else if (strcmp(optarg, "text") != 0)
				return usage_error("features", _("unknown format '%s' (text or json)"),
						   optarg);
			break;
		case 'h':
			help();
			return 0;
		case SMIG_OPT_DRIVE:
		case SMIG_OPT_IPCONFIG:
		case SMIG_OPT_SYSTEMINFO:
		case SMIG_OPT_FACTS:
			if (smig_hostopts_add(&ho, c, optarg, &e) < 0)
				return usage_error("features", "%s", e.msg);
			break;
		default:
			if ((rc = smig_cli_option(c, opts, argc, argv)) != SMIG_CLI_NEXT)
				return rc;
			break;
		}
	}
	if (optind < argc)
		return usage_error("features", _("unexpected argument '%s'"), argv[optind]);
	if (ho.root == NULL)
		return usage_error("features", _("--source ROOT is required"));
	if (smig_manifest_load(NULL, &ft, &e) < 0 || smig_hostopts_read(&ho, &fs, &inv, &e) < 0)
		goto fail;
	if (inv->ipconfig_as)
		smig_cli_verbose(_("ipconfig /all output read as %s"), inv->ipconfig_as);
	if (inv->systeminfo_as)
		smig_cli_verbose(_("systeminfo output read as %s"), inv->systeminfo_as);
	text = json ? smig_manifest_json(ft, inv, &e) : smig_manifest_text(ft, inv, &e);
	if (text == NULL)
		goto fail;
	fputs(text, stdout);
	rc = 0;
	goto out;
fail:
	rc = fail(&e);
out:
	free(text);
	smig_manifest_free(ft);
	smig_inventory_free(inv);
	smig_hostfs_free(fs);
	return rc;
}
