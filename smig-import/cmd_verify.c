/*
 * cmd_verify.c - `smig-import verify`: docs/archive.md §6 steps 1-3 without keeping anything. The
 * members are hashed as they stream by and dropped (hashes can only be trusted once the signed
 * list at the end has been read); only the descriptor is kept, in memory.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "i18n.h"
#include "import.h"

static void help(void)
{
	printf(_("usage: %s verify -p PUB [--tmp DIR] [--identity ID|--passphrase-file F]\n"
	         "       ARCHIVE|-\n\n"
	         "Checks a migration archive without keeping anything: its structure (member\n"
	         "types, names, order, no duplicates), the signature of smig/SHA256 with the\n"
	         "public key PUB, the SHA-256 of every member, and that the signed descriptor\n"
	         "lists exactly the archive's members. Members are hashed as they are read and\n"
	         "nothing is written, but a member with more than 1 GiB of holes: it is staged\n"
	         "sparse in a private temporary directory, hashed once the signature has\n"
	         "verified, and removed. '-' reads standard input. An archive\n"
	         "encrypted with age (by smig-export or by the age tool) is decrypted as it is\n"
	         "read; every chunk authenticates before it is used.\n\n"
	         "  -p, --public PUB   the exporter's public key ('smig-export keygen' or signify)\n"
	         "  --tmp DIR          stage such a member under DIR (default $TMPDIR, else /tmp)\n"), PROG);
	import_decrypt_help();
	fputs(_("  -h, --help         show this help\n\n"
	        "On success prints 'ARCHIVE: OK (N members, archive id ID)'; N counts every\n"
	        "file in the archive, the checksum list and its signature included.\n\n"
	        "Exit codes: 0 the archive is intact and signed by PUB, 1 a file cannot be read\n"
	        "or staged, 2 usage error (also: an encrypted archive without --identity or\n"
	        "--passphrase-file, a key file readable by others), 3 integrity failure\n"
	        "(structure, signature, key or hash; decryption: wrong identity or passphrase,\n"
	        "damaged or truncated ciphertext, a scrypt work factor above the limit).\n"),
	      stdout);
	smig_cli_common_help(true);
}

enum { OPT_TMP = 2000 };

int cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{"public", required_argument, NULL, 'p'},
		{"tmp", required_argument, NULL, OPT_TMP},
		IMPORT_DECRYPT_LONGOPTS,
		{"help", no_argument, NULL, 'h'},
		SMIG_CLI_OPTIONS,
		SMIG_CLI_PROGRESS_OPTION,
		{0, 0, 0, 0},
	};
	struct smig_err e = SMIG_ERR_INIT;
	struct import_archive a = {0};
	struct import_decrypt dec = {0};
	const char *pubpath = NULL, *tmp = NULL, *path;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, SMIG_CLI_SHORT("p:h"), opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			pubpath = optarg;
			break;
		case OPT_TMP:
			tmp = optarg;
			break;
		case SMIG_CLI_OPT_PROGRESS: {
			enum progress_mode m;

			if (progress_mode_parse(optarg, &m) < 0)
				return usage_error("verify", _("unknown progress mode '%s' (auto, "
						     "always, never or json)"), optarg);
			import_set_progress(m);
			break;
		}
		case 'h':
			help();
			return 0;
		default:
			switch (import_decrypt_option(&dec, c, optarg, &e)) {
			case 1:
				break;
			case 0:
				if ((rc = smig_cli_option(c, opts, argc, argv)) != SMIG_CLI_NEXT)
					return rc;
				break;
			default:
				return usage_error("verify", "%s", e.msg);
			}
			break;
		}
	}
	if (pubpath == NULL)
		return usage_error("verify", _("-p PUB is required"));
	if (optind == argc)
		return usage_error("verify", _("the ARCHIVE to verify is required"));
	if (argc - optind > 1)
		return usage_error("verify", _("unexpected argument '%s'"), argv[optind + 1]);
	path = argv[optind];
	if (import_archive_open(path, pubpath, tmp, IMPORT_HASH_ONLY, &dec, &a, &e) < 0)
		return fail(&e);
	printf(_("%s: OK (%zu members, archive id %s)\n"), import_archive_label(path),
	       a.staged->count, a.desc->archive_id);
	import_archive_close(&a);
	if (fflush(stdout) == EOF) {
		smig_err_sys(&e, EIO, _("cannot write to standard output"));
		return fail(&e);
	}
	return 0;
}
