/*
 * cmd_keygen.c - `smig-export keygen`: an Ed25519 key pair in OpenBSD signify's format
 * (docs/archive.md §5), like `signify -G -n`: the secret key unencrypted with mode 0600.
 */
#include <getopt.h>
#include <stdio.h>
#include <sys/stat.h>

#include "cli.h"
#include "export.h"
#include "i18n.h"
#include "sign.h"

static void help(void)
{
	printf(
	    _("usage: %s keygen -p PUB -s SEC [-c COMMENT]\n\n"
	    "Makes the Ed25519 key pair that signs migration archives, in OpenBSD signify's\n"
	    "format: keys made here work with 'signify -V/-C', and keys made by\n"
	    "'signify -G -n' work with '%s export'. The secret key is written unencrypted\n"
	    "with mode 0600: keep it on the source side. Existing files are never overwritten.\n\n"
	    "  -p, --public PUB     the public key file to create (give it to the importer)\n"
	    "  -s, --secret SEC     the secret key file to create\n"
	    "  -c, --comment TEXT   the keys' comment (default \"smig\")\n"
	    "  -h, --help           show this help\n\n"
	    "Exit codes: 0 success, 1 a key file exists or cannot be written, 2 usage error.\n"),
	    PROG, PROG);
	smig_cli_common_help(false);
}

/* A clearer message than O_EXCL's "File exists", before anything is generated. */
static int refuse_existing(const char *path, struct smig_err *e)
{
	struct stat st;

	if (lstat(path, &st) == 0)
		return smig_err_set(e, SMIG_ERR_IO,
		                    _("'%s' already exists; refusing to overwrite a key file"), path);
	return 0;
}

int cmd_keygen(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"public", required_argument, NULL, 'p'},
	    {"secret", required_argument, NULL, 's'},
	    {"comment", required_argument, NULL, 'c'},
	    {"help", no_argument, NULL, 'h'},
	    SMIG_CLI_OPTIONS,
	    {0, 0, 0, 0},
	};
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_pubkey pub;
	struct smig_seckey sec;
	const char *pubpath = NULL, *secpath = NULL, *comment = "smig";
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, SMIG_CLI_SHORT("p:s:c:h"), opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			pubpath = optarg;
			break;
		case 's':
			secpath = optarg;
			break;
		case 'c':
			comment = optarg;
			break;
		case 'h':
			help();
			return 0;
		default:
			if ((rc = smig_cli_option(c, opts, argc, argv)) != SMIG_CLI_NEXT)
				return rc;
			break;
		}
	}
	if (optind < argc)
		return usage_error("keygen", _("unexpected argument '%s'"), argv[optind]);
	if (pubpath == NULL || secpath == NULL)
		return usage_error("keygen", _("both -p PUB and -s SEC are required"));
	if (refuse_existing(secpath, &e) < 0 || refuse_existing(pubpath, &e) < 0)
		return fail(&e);
	rc = smig_sign_keygen(&pub, &sec, comment, &e);
	if (rc == 0)
		rc = smig_sign_write_keys(pubpath, secpath, &pub, &sec, &e);
	smig_seckey_wipe(&sec);
	if (rc < 0)
		return e.kind == SMIG_ERR_USAGE ? usage_error("keygen", "%s", e.msg) : fail(&e);
	return 0;
}
