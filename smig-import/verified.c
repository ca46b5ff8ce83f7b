/*
 * verified.c - the one way smig-import commands open an archive (docs/archive.md §6): stage it
 * in a private directory while checking structure and hashes, verify the signed list with the
 * user's key, then parse the descriptor and check that it describes exactly the staged
 * members. Nothing of the archive is looked at before all of that has passed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "age.h"
#include "fileio.h"
#include "i18n.h"
#include "import.h"
#include "sign.h"
#include "winval.h"

#define DESCRIPTOR_NAME "smig/descriptor.xml"

const char *import_archive_label(const char *path)
{
	return strcmp(path, "-") == 0 ? _("standard input") : path;
}

static int cmp_member_name(const void *a, const void *b)
{
	const struct smig_staged_member *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

static bool reserved_name(const char *name)
{
	return strcmp(name, DESCRIPTOR_NAME) == 0 || strcmp(name, SMIG_ARCHIVE_SUMS) == 0 ||
	       strcmp(name, SMIG_ARCHIVE_SIG) == 0;
}

/*
 * The signed descriptor must list every payload member exactly once with its staged size, and
 * nothing else: the payload is then exactly what import will act on. Staged names are unique
 * (the reader refuses duplicates), so sorting them allows a binary search per record.
 */
static int check_members(const char *label, const struct smig_staged *st,
			 const struct smig_descriptor *d, struct smig_err *e)
{
	const struct smig_staged_member **byname = NULL;
	bool *seen = NULL;
	size_t i, n = 0;
	int rc = -1;

	byname = calloc(st->count ? st->count : 1, sizeof(*byname));
	seen = calloc(st->count ? st->count : 1, sizeof(*seen));
	if (byname == NULL || seen == NULL) {
		smig_err_nomem(e, _("checking the archive's members"));
		goto out;
	}
	for (i = 0; i < st->count; i++)
		if (!reserved_name(st->members[i].name))
			byname[n++] = &st->members[i];
	qsort(byname, n, sizeof(*byname), cmp_member_name);
	for (i = 0; i < d->nmembers; i++) {
		const struct smig_desc_member *dm = &d->members[i];
		struct smig_staged_member key = {.name = dm->name};
		const struct smig_staged_member *kp = &key, **hit = NULL;

		if (!reserved_name(dm->name))
			hit = bsearch(&kp, byname, n, sizeof(*byname), cmp_member_name);
		if (hit == NULL) {
			smig_err_set(e, SMIG_ERR_INTEGRITY, _("'%s': the descriptor lists '%s', "
				       "which is not a payload member of the archive"), label,
				     dm->name);
			goto out;
		}
		if (seen[hit - byname]) {
			smig_err_set(e, SMIG_ERR_INTEGRITY, _("'%s': the descriptor lists '%s' twice"),
				     label, dm->name);
			goto out;
		}
		seen[hit - byname] = true;
		if ((*hit)->size != dm->size) {
			smig_err_set(e, SMIG_ERR_INTEGRITY, _("'%s': '%s' holds %llu bytes but "
				       "the descriptor says %llu"), label, dm->name,
				     (unsigned long long)(*hit)->size,
				     (unsigned long long)dm->size);
			goto out;
		}
	}
	for (i = 0; i < n; i++) {
		if (!seen[i]) {
			smig_err_set(e, SMIG_ERR_INTEGRITY, _("'%s': member '%s' is not in the "
				       "descriptor"), label, byname[i]->name);
			goto out;
		}
	}
	rc = 0;
out:
	free(seen);
	free(byname);
	return rc;
}

static int read_descriptor(const char *label, struct smig_staged *st,
			   struct smig_descriptor **out, struct smig_err *e)
{
	char *buf = NULL;
	size_t len;
	int rc = -1;

	/* The reader already guarantees the list and its signature are the last two members. */
	if (st->count < 3 || strcmp(st->members[0].name, DESCRIPTOR_NAME) != 0) {
		smig_err_set(e, SMIG_ERR_INTEGRITY, _("'%s': the first member is '%s', not '%s'"),
			     label, st->count ? st->members[0].name : _("(none)"), DESCRIPTOR_NAME);
		goto out;
	}
	if (st->members[0].local == NULL) {
		/* read into memory as it was checked (import_archive_open with IMPORT_HASH_ONLY) */
		if (st->members[0].data == NULL)
			return smig_err_set(e, SMIG_ERR_INTEGRITY, _("'%s': '%s' was not kept"), label,
					    DESCRIPTOR_NAME);
		buf = st->members[0].data;
		st->members[0].data = NULL;
		len = st->members[0].datalen;
	} else if (smig_file_read(st->members[0].local, SMIG_DESCRIPTOR_MAX, DESCRIPTOR_NAME,
				  &buf, &len, e) < 0) {
		goto out;
	}
	if (smig_descriptor_read(buf, len, NULL, out, e) < 0) {
		/* Signed but invalid: docs/archive.md §6 treats every failure up to here as the
		 * archive's; a descriptor from a newer format stays "unsupported" (exit 1). */
		if (e->kind == SMIG_ERR_FORMAT)
			e->kind = SMIG_ERR_INTEGRITY;
		goto out;
	}
	if (check_members(label, st, *out, e) < 0) {
		smig_descriptor_free(*out);
		*out = NULL;
		goto out;
	}
	rc = 0;
out:
	free(buf);
	return rc;
}

/* --progress of the command that reads the archive (import_set_progress). */
static enum progress_mode progress_mode = PROGRESS_AUTO;

void import_set_progress(enum progress_mode m)
{
	progress_mode = m == PROGRESS_AUTO && smig_cli_quiet() ? PROGRESS_NEVER : m;
}

/* The reader's progress hook: the archive bytes read, and the member. */
static void read_progress(void *ctx, uint64_t done, uint64_t total, const char *member)
{
	progress_update(ctx, done, total, member);
}

void import_decrypt_help(void)
{
	fputs(_("  --identity FILE       decrypt an age-encrypted archive with the identities in\n"
		"                        FILE (age-keygen's format; mode 0600 or stricter);\n"
		"                        repeatable\n"
		"  --passphrase-file FILE  decrypt it with the passphrase in FILE (one line;\n"
		"                        mode 0600 or stricter)\n"
		"  --max-scrypt-work N   accept a passphrase's scrypt work factor up to 2^N\n"
		"                        (default 22, at most 30)\n"),
	      stdout);
}

int import_decrypt_option(struct import_decrypt *d, int c, const char *arg, struct smig_err *e)
{
	char *end;
	long v;

	switch (c) {
	case IMPORT_OPT_IDENTITY:
		if (d->nidentities == IMPORT_IDENTITIES_MAX)
			return smig_err_set(e, SMIG_ERR_USAGE, _("more than %d --identity options"),
					    IMPORT_IDENTITIES_MAX);
		d->identities[d->nidentities++] = arg;
		return 1;
	case IMPORT_OPT_PASSPHRASE_FILE:
		if (d->passphrase_file)
			return smig_err_set(e, SMIG_ERR_USAGE, _("--passphrase-file is given twice"));
		d->passphrase_file = arg;
		return 1;
	case IMPORT_OPT_MAX_SCRYPT_WORK:
		errno = 0;
		v = strtol(arg, &end, 10);
		if (errno || end == arg || *end || v < 1 || v > SMIG_AGE_SCRYPT_LOG2N_LIMIT)
			return smig_err_set(e, SMIG_ERR_USAGE, _("invalid --max-scrypt-work '%s' "
					      "(1 to %d: log2 of scrypt's N)"), arg,
					    SMIG_AGE_SCRYPT_LOG2N_LIMIT);
		d->max_log2n = (int)v;
		return 1;
	default:
		return 0;
	}
}

/* Read the keys `dec` names into `k` (which the caller wipes). */
static int load_keys(const struct import_decrypt *dec, struct smig_age_keys *k,
		     struct smig_err *e)
{
	size_t i;

	if (dec == NULL)
		return 0;
	if (dec->max_log2n > 0)
		k->max_log2n = dec->max_log2n;
	if (dec->passphrase_file && dec->nidentities > 0)
		return smig_err_set(e, SMIG_ERR_USAGE, _("give --identity or --passphrase-file, not "
				      "both (age does not mix them)"));
	for (i = 0; i < dec->nidentities; i++)
		if (smig_age_add_identity_file(k, dec->identities[i], e) < 0)
			return -1;
	if (dec->passphrase_file && smig_age_set_passphrase_file(k, dec->passphrase_file, e) < 0)
		return -1;
	return 0;
}

int import_archive_open(const char *path, const char *pubpath, const char *tmp_parent,
			enum import_stage how, const struct import_decrypt *dec,
			struct import_archive *a, struct smig_err *e)
{
	static const char *const keep[] = {DESCRIPTOR_NAME, NULL};
	struct smig_archive_limits lim;
	struct smig_age_keys keys;
	struct progress pr;
	struct smig_pubkey pub;
	char *staging = NULL;
	int rc = -1;

	memset(a, 0, sizeof(*a));
	smig_age_keys_init(&keys);
	smig_archive_limits_default(&lim);
	lim.age = &keys;
	lim.writeback = how == IMPORT_PLACE;
	if (smig_sign_read_pubkey(pubpath, &pub, e) < 0 || load_keys(dec, &keys, e) < 0)
		goto out;
	if (tmp_parent == NULL) {
		tmp_parent = getenv("TMPDIR");
		if (tmp_parent == NULL || *tmp_parent == '\0')
			tmp_parent = "/tmp";
	}
	/* mkdtemp gives a fresh 0700 directory nobody else can have prepared; the reader wants
	 * a staging path that does not exist yet, so it goes one level down. */
	a->tmpdir = smig_asprintf(e, "%s/.smig-import-XXXXXX", tmp_parent);
	if (a->tmpdir == NULL)
		goto out;
	if (mkdtemp(a->tmpdir) == NULL) {
		smig_err_sys(e, errno, _("cannot create a staging directory in '%s'"), tmp_parent);
		free(a->tmpdir);
		a->tmpdir = NULL;
		goto out;
	}
	staging = smig_path_join(a->tmpdir, "staging", e);
	if (staging == NULL)
		goto out;
	/* staging and checking the archive is the long part of every import command */
	progress_init(&pr, progress_mode);
	progress_start(&pr);
	smig_archive_set_read_progress(read_progress, &pr);
	if (how != IMPORT_HASH_ONLY)
		rc = smig_archive_extract_verified(path, staging, &pub, &lim, &a->staged, e);
	else
		rc = smig_archive_check_verified(path, staging, &pub, &lim, keep,
						 SMIG_DESCRIPTOR_MAX, &a->staged, e);
	smig_archive_set_read_progress(NULL, NULL);
	if (rc == 0)
		progress_end(&pr);
	else if (pr.drawn)
		fputc('\n', stderr);  /* the error goes on a line of its own */
	rc = -1;
	if (!a->staged || read_descriptor(import_archive_label(path), a->staged, &a->desc, e) < 0)
		goto out;
	rc = 0;
out:
	/* the log is language-neutral: standard input is named in English there */
	if (rc == 0)
		smig_cli_log("verified", strcmp(path, "-") ? path : "standard input", NULL, NULL, 1,
			     a->desc->archive_id);
	else
		smig_cli_log("verified", strcmp(path, "-") ? path : "standard input", NULL, NULL, 0,
			     e->msg);
	smig_age_keys_wipe(&keys);
	if (rc < 0)
		import_archive_close(a);
	free(staging);
	return rc;
}

void import_archive_close(struct import_archive *a)
{
	smig_descriptor_free(a->desc);
	smig_staged_free(a->staged, true);
	if (a->tmpdir)
		smig_rm_rf(a->tmpdir, NULL);
	free(a->tmpdir);
	memset(a, 0, sizeof(*a));
}
