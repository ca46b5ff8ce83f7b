/*
 * fuzz_archive_signed.c - the code behind the signature. The input is a payload list
 * (fuzzutil.h, "signed-archive target"); the harness writes it as a pax archive with
 * libarchive, lists the 'f' members in smig/SHA256, signs that with the fixed test key, and
 * stages it with smig_archive_extract_verified() as `smig-import verify` does. What passes is
 * then read the way import reads it: smig/descriptor.xml with the descriptor reader, other
 * .xml members as VM configurations and as authorization stores, .vhd/.avhd members as
 * disks with their chains (inside the staging directory), .reg members as .reg files.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "archive.h"
#include "azman.h"
#include "descriptor.h"
#include "fileio.h"
#include "fuzzkey.h"
#include "fuzzutil.h"
#include "regfile.h"
#include "vhd.h"
#include "vmconfig.h"
#include "winval.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DESCRIPTOR_NAME "smig/descriptor.xml"
#define XSD SMIG_SOURCE_DIR "/manifests/schema/descriptor.xsd"

static struct smig_pubkey pub;
static struct smig_seckey sec;

static int put(struct archive *a, const char *name, char type, const void *body, size_t len)
{
	struct archive_entry *ent = archive_entry_new();
	char *target = NULL;
	int rc = -1;

	if (ent == NULL)
		return -1;
	archive_entry_set_pathname(ent, name);
	archive_entry_set_perm(ent, type == 'd' ? 0755 : 0644);
	archive_entry_set_mtime(ent, 1400000000, 0);
	if (type == 'l' || type == 'h')
		target = fz_strndup(body, len);
	switch (type) {
	case 'd':
		archive_entry_set_filetype(ent, AE_IFDIR);
		break;
	case 'l':
		archive_entry_set_filetype(ent, AE_IFLNK);
		archive_entry_set_symlink(ent, target);
		break;
	case 'h':
		archive_entry_set_filetype(ent, AE_IFREG);
		archive_entry_set_hardlink(ent, target);
		break;
	default:
		archive_entry_set_filetype(ent, AE_IFREG);
		archive_entry_set_size(ent, (la_int64_t)len);
	}
	if (archive_write_header(a, ent) != ARCHIVE_OK)
		goto out;
	if ((type == 'f' || type == 'u') && len > 0 &&
	    archive_write_data(a, body, len) != (la_ssize_t)len)
		goto out;
	rc = 0;
out:
	free(target);
	archive_entry_free(ent);
	return rc;
}

/* The archive of `ms` at `path`; -1 when libarchive refuses to write it (nothing to test). */
static int build(const struct fz_members *ms, const char *path)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_sumentry ent[FZ_MEMBERS_MAX];
	struct archive *a = archive_write_new();
	char *sums = NULL, *sig = NULL;
	size_t i, k = 0, sumslen = 0, siglen = 0;
	int rc = -1;

	if (a == NULL || archive_write_set_format_pax_restricted(a) != ARCHIVE_OK)
		goto out;
	switch (ms->flags & 3) {
	case 1:
		rc = archive_write_add_filter_gzip(a);
		break;
	case 2:
		rc = archive_write_add_filter_zstd(a);
		break;
	default:
		rc = archive_write_add_filter_none(a);
	}
	if (rc != ARCHIVE_OK || archive_write_open_filename(a, path) != ARCHIVE_OK) {
		rc = -1;
		goto out;
	}
	rc = -1;
	for (i = 0; i < ms->n; i++) {
		const struct fz_member *m = &ms->m[i];
		struct smig_sha256 h;

		if (put(a, m->name, m->type, m->data, m->len) < 0)
			goto out;
		if (m->type != 'f')
			continue;
		if (smig_sha256_init(&h, &e) < 0)
			goto out;
		smig_sha256_update(&h, m->data, m->len);
		smig_sha256_final(&h, ent[k].sha256);
		ent[k++].name = m->name;
	}
	/* a list the writer refuses (a name twice) leaves the archive unsigned */
	if (!(ms->flags & 4) && (sums = smig_sumlist_build(ent, k, &sumslen, &e)) != NULL) {
		if (smig_sign_embedded(&sec, "fuzz", sums, sumslen, &sig, &siglen, &e) < 0 ||
		    put(a, SMIG_ARCHIVE_SUMS, 'f', sums, sumslen) < 0 ||
		    put(a, SMIG_ARCHIVE_SIG, 'f', sig, siglen) < 0)
			goto out;
	}
	if (archive_write_close(a) != ARCHIVE_OK)
		goto out;
	rc = 0;
out:
	free(sums);
	free(sig);
	if (a)
		archive_write_free(a);
	return rc;
}

static void read_member(const struct smig_staged_member *m)
{
	struct smig_err e = SMIG_ERR_INIT;
	char *buf = NULL;
	size_t len = 0;

	if (strcmp(m->name, DESCRIPTOR_NAME) == 0) {
		struct smig_descriptor *d = NULL;

		if (smig_file_read(m->local, SMIG_DESCRIPTOR_MAX, m->name, &buf, &len, &e) == 0 &&
		    smig_descriptor_read(buf, len, XSD, &d, &e) == 0)
			smig_descriptor_free(d);
	} else if (smig_endswith_ci(m->name, ".xml")) {
		struct smig_vmconfig *cfg = NULL;
		struct smig_azman_store *s = NULL;

		if (smig_vmconfig_load(m->local, m->name, &cfg, &e) == 0)
			smig_vmconfig_free(cfg);
		smig_err_clear(&e);
		if (smig_azman_load(m->local, m->name, &s, &e) == 0)
			smig_azman_free(s);
	} else if (smig_endswith_ci(m->name, ".vhd") || smig_endswith_ci(m->name, ".avhd")) {
		struct smig_vhd_chain chain = {0};

		if (smig_vhd_chain_open(m->local, m->name, NULL, NULL, &chain, &e) == 0)
			smig_vhd_chain_release(&chain);
	} else if (smig_endswith_ci(m->name, ".reg")) {
		struct smig_regfile_key *keys = NULL;
		size_t nkeys = 0;

		if (smig_file_read(m->local, SMIG_REGFILE_MAX_FILE, m->name, &buf, &len, &e) == 0 &&
		    smig_regfile_parse(buf, len, m->name, &keys, &nkeys, &e) == 0)
			smig_regfile_keys_free(keys, nkeys);
	}
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct smig_err e = SMIG_ERR_INIT;
	static int have_key;
	struct fz_members ms;
	struct smig_staged *st = NULL;
	char *path = fz_path("a.smig"), *staging = fz_path("staging");
	size_t i;

	if (!have_key) {
		fz_test_key(&pub, &sec);
		have_key = 1;
	}
	fz_members_decode(data, size, &ms);
	if (build(&ms, path) == 0 &&
	    smig_archive_extract_verified(path, staging, &pub, NULL, &st, &e) == 0) {
		for (i = 0; i + 2 < st->count; i++)
			read_member(&st->members[i]);
		smig_staged_free(st, true);
	}
	fz_members_release(&ms);
	free(path);
	free(staging);
	fz_reset();
	return 0;
}
