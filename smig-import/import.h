/*
 * import.h - what the smig-import command files share: the command table entries, the
 * message helpers (only the programs print; common/ fills error objects) and the verified
 * opening of an archive every command starts with (docs/archive.md §6).
 */
#ifndef SMIG_IMPORT_H
#define SMIG_IMPORT_H

#include <stdbool.h>

#include "archive.h"
#include "descriptor.h"
#include "err.h"
#include "progress.h"

#define PROG "smig-import"

/* Print "smig-import: <msg>" for an error and return its exit code (docs/reference.md). */
int fail(const struct smig_err *e);
/* Print a usage error for `cmd` and return 2. */
int usage_error(const char *cmd, const char *fmt, ...) SMIG_PRINTF(2, 3);

/*
 * How to decrypt an age-encrypted archive (docs/export.md §8): the options every command that
 * opens an archive takes. Only file names here: the keys are read, used and wiped inside
 * import_archive_open().
 */
#define IMPORT_IDENTITIES_MAX 16
struct import_decrypt {
	const char *identities[IMPORT_IDENTITIES_MAX]; /* --identity FILE */
	size_t nidentities;
	const char *passphrase_file; /* --passphrase-file FILE */
	int max_log2n;               /* --max-scrypt-work N; 0 = the default (22) */
};
enum {
	IMPORT_OPT_IDENTITY = 2900,
	IMPORT_OPT_PASSPHRASE_FILE,
	IMPORT_OPT_MAX_SCRYPT_WORK,
};
/* The getopt_long entries of those options. */
#define IMPORT_DECRYPT_LONGOPTS                                                                 \
	{"identity", required_argument, NULL, IMPORT_OPT_IDENTITY},                             \
	{"passphrase-file", required_argument, NULL, IMPORT_OPT_PASSPHRASE_FILE},               \
	{"max-scrypt-work", required_argument, NULL, IMPORT_OPT_MAX_SCRYPT_WORK}
/* Print the --help lines of those options on standard output. */
void import_decrypt_help(void);
/* Take option `c` if it is one of those: 1 taken, 0 not ours, -1 usage error (e set). */
int import_decrypt_option(struct import_decrypt *d, int c, const char *arg, struct smig_err *e);

/*
 * An archive that passed docs/archive.md §6 steps 1-3: staged in a private directory, the signed
 * list checked against every member, the descriptor parsed and validated and consistent with
 * the staged members. Owned by the caller; release with import_archive_close(), which
 * removes the staging directory.
 */
struct import_archive {
	char *tmpdir;                 /* private 0700 directory holding the staging area */
	struct smig_staged *staged;   /* tmpdir/staging */
	struct smig_descriptor *desc;
};

/* What import_archive_open() keeps of the members. */
enum import_stage {
	IMPORT_HASH_ONLY, /* hashed as they stream by (verify, features, preflight) */
	IMPORT_STAGE,     /* staged as files, read and removed again (report --against) */
	IMPORT_PLACE,     /* staged as files that apply places: written back as they are staged */
};

/*
 * Stage `path` ("-" = standard input) under a new private directory in `tmp_parent` (NULL =
 * $TMPDIR, else /tmp), verify it with the public key file `pubpath` and read its descriptor.
 * With IMPORT_HASH_ONLY nothing is staged but what the pre-signature bounds require (members
 * are hashed as they stream by, the descriptor kept in memory): the members' `local` are NULL,
 * for the commands that need only the descriptor.
 * An age-encrypted archive is decrypted while it is staged with the keys `dec` names (NULL:
 * none; it is then refused, exit 2). Trust and structure failures, decryption failures among
 * them, are SMIG_ERR_INTEGRITY; nothing is left behind on failure.
 */
int import_archive_open(const char *path, const char *pubpath, const char *tmp_parent,
			enum import_stage how, const struct import_decrypt *dec,
			struct import_archive *a, struct smig_err *e);
/* The progress display import_archive_open() draws while it reads (--progress; AUTO is
 * NEVER with -q). */
void import_set_progress(enum progress_mode m);
/* Remove the staging area and free everything `a` holds; `a` may be all zero. */
void import_archive_close(struct import_archive *a);
/* "standard input" for "-", else `path`: how messages and results name an archive. */
const char *import_archive_label(const char *path);

int cmd_verify(int argc, char **argv);
int cmd_features(int argc, char **argv);

#endif
