/*
 * archive.h - the container layer of the signed migration archive (docs/archive.md §2, §5, §6):
 * a streaming pax writer and a reader that stages and verifies before anything is used.
 *
 * Contract, writing: members are added in the caller's order (descriptor first, the checksum
 * list and its signature last; the caller decides what goes in). Files are streamed in 1 MiB
 * chunks and hashed while they are fed to libarchive, so memory stays bounded whatever the
 * size. A file output is written to "<path>.partial-XXXXXX" next to `path` and renamed only
 * by smig_archive_writer_finish(): an interrupted export never leaves a file named like the
 * archive. Both finish and abort free the writer. Besides zstd's workers, the writer runs one
 * hashing thread and one output thread, each fed through a few reused 1 MiB buffers, so
 * hashing overlaps compression and memory stays bounded.
 *
 * Contract, reading: input that starts like age (docs/export.md §8) is decrypted as it is read,
 * with the keys in the limits, before libarchive sees a byte: every chunk authenticates
 * before it is used, and the signature and hashes are then checked as for a plain archive.
 * smig_archive_extract_verified() enables only the tar format and the
 * zstd, gzip and none filters, refuses anything that is not a regular file or directory or
 * whose name breaks §2, stages every file in a new 0700 directory, and returns only once the
 * signature over smig/SHA256 verified with the caller's key and every staged file matches the
 * signed list. On any failure the staging directory is removed. The returned struct
 * smig_staged is freed with smig_staged_free(), which can also remove the directory.
 */
#ifndef SMIG_ARCHIVE_H
#define SMIG_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "sign.h"

struct smig_age_keys; /* age.h */

/* The last two members of every archive (docs/archive.md §3). */
#define SMIG_ARCHIVE_SUMS "smig/SHA256"
#define SMIG_ARCHIVE_SIG "smig/SHA256.sig"
/* Longest member name in bytes (docs/archive.md §2). */
#define SMIG_ARCHIVE_NAME_MAX 240

enum smig_compress {
	SMIG_COMPRESS_ZSTD,
	SMIG_COMPRESS_GZIP,
	SMIG_COMPRESS_NONE,
};

/* "zstd", "gzip" or "none"; returns -1 for anything else (nothing is set then). */
int smig_compress_parse(const char *name, enum smig_compress *c);

/* Whether `name` is a valid member name: relative, '/'-separated, each component made of
 * [A-Za-z0-9._ {}()+,-] and not "." or "..", at most SMIG_ARCHIVE_NAME_MAX bytes. */
bool smig_archive_name_ok(const char *name);

/* ---- writing ---- */

struct smig_archive_writer;

/* bytes_done counts logical member bytes added so far over the whole archive; `member` is
 * the member being written. Called after every chunk. */
struct smig_archive_progress {
	uint64_t bytes_done;
	const char *member;
};
typedef void (*smig_progress_fn)(void *ctx, const struct smig_archive_progress *p);

/*
 * Start an archive at `path` ("-" = standard output). An existing `path` is refused unless
 * `force` (then it is replaced at finish). zstd runs at level 3 with `threads` worker threads
 * (0 = single-threaded). The temporary file has mode 0600: the archive holds host data.
 */
int smig_archive_writer_open(const char *path, enum smig_compress c, int threads, bool force,
			     struct smig_archive_writer **out, struct smig_err *e);
/* The same, the whole archive stream encrypted with age to `enc` (docs/export.md §8; NULL: not
 * encrypted). The output thread encrypts each buffer before it writes it; the final chunk is
 * written by finish. A passphrase costs scrypt's work here, before any file is created. */
int smig_archive_writer_open_enc(const char *path, enum smig_compress c, int threads, bool force,
				 const struct smig_age_keys *enc, struct smig_archive_writer **out,
				 struct smig_err *e);
void smig_archive_writer_set_progress(struct smig_archive_writer *w, smig_progress_fn fn,
				      void *ctx);

/*
 * Add the regular file `local` as `member`. Holes found with SEEK_DATA/SEEK_HOLE make a
 * sparse member; holes are never read from disk. The SHA-256 (of the full logical content,
 * holes as zeros) and size are returned. A file that changes size while it is read is an
 * error. `what` names the source in messages (e.g. its Windows path); NULL means `local`.
 * Member metadata: mode 0644, uid/gid 0, no owner names, the file's mtime in seconds.
 * After a failure the writer is unusable: abort it.
 */
int smig_archive_add_file(struct smig_archive_writer *w, const char *member, const char *local,
			  const char *what, uint8_t sha256[32], uint64_t *size, struct smig_err *e);

/* Add `len` bytes from memory as `member` with modification time `mtime` (Unix seconds).
 * `sha256` may be NULL. */
int smig_archive_add_buffer(struct smig_archive_writer *w, const char *member, const void *data,
			    size_t len, int64_t mtime, uint8_t sha256[32], struct smig_err *e);

/* Write the trailer, fsync, rename into place. Frees `w` whether or not it succeeds; on
 * failure the temporary file is removed. */
int smig_archive_writer_finish(struct smig_archive_writer *w, struct smig_err *e);
/* Give up: remove the temporary file and free `w`. NULL is accepted. */
void smig_archive_writer_abort(struct smig_archive_writer *w);
/* Async-signal-safe: remove the temporary file of the writer in progress, if any. For the
 * programs' SIGINT/SIGTERM handlers, so an interrupted export leaves nothing behind. */
void smig_archive_signal_cleanup(void);

/*
 * The BSD checksum list of docs/archive.md §5: entries sorted bytewise by name (the array is
 * sorted in place), one "SHA256 (<name>) = <64 lowercase hex>\n" line each. Returns malloc'd
 * text (NUL-terminated, not counted in *len), or NULL. Duplicate names are refused.
 */
struct smig_sumentry {
	const char *name;
	uint8_t sha256[32];
};
char *smig_sumlist_build(struct smig_sumentry *entries, size_t count, size_t *len,
			 struct smig_err *e);

/* ---- reading ---- */

/*
 * The zstd decoder's window limit, log2 bytes (docs/archive.md §2): a frame that asks for a
 * larger window is refused before its buffer is allocated, so reading costs at most this
 * much memory besides the reader's buffers. The writer's window must not be larger; raising
 * this raises import's memory by the same amount.
 */
#define SMIG_ZSTD_WINDOW_LOG_MAX 25

struct smig_archive_limits {
	uint64_t max_member_size; /* bytes, logical size of one member */
	uint64_t max_total_size;  /* bytes, sum of logical sizes */
	size_t max_members;       /* entries of any type */
	/* bytes of sparse holes hashed before the signature is verified; past them a member is
	 * hashed from its staged file after the signature (bounded pre-signature work) */
	uint64_t presig_hole_budget;
	/* identities or passphrase for an age-encrypted archive (docs/export.md §8), and its scrypt
	 * bound; NULL: an encrypted archive is refused (SMIG_ERR_USAGE). Borrowed. */
	const struct smig_age_keys *age;
	/* smig_archive_extract_verified(): start writing each staged file back to disk as soon as
	 * it is staged (apply: its files are placed, and fsync'd before the journal says
	 * complete); false for a staging area that is only read and removed */
	bool writeback;
};
/* 4 TiB per member, 64 TiB in total, 100000 members, 1 GiB of holes before the signature;
 * no age keys. */
void smig_archive_limits_default(struct smig_archive_limits *l);

struct smig_staged_member {
	char *name;  /* member name as in the archive */
	char *local; /* its staged file: <dir>/<name>; NULL when it was only hashed */
	char *data;  /* smig_archive_check_verified(): a kept member's bytes (NUL-terminated,
		      * not counted in datalen), else NULL */
	size_t datalen;
	uint64_t size;
	uint8_t sha256[32];
	bool hash_deferred; /* its holes were past the pre-signature budget: hashed from the
			     * staged file once the signature is verified */
	/* the staged file as it was hashed (local set): device, inode, modification time. A
	 * file with the same three and size is the staged file, moved (renamed) untouched */
	uint64_t dev, ino;
	int64_t mtime;
};

struct smig_staged {
	char *dir;
	struct smig_staged_member *members; /* regular files in archive order, incl. the list
					     * and signature (the last two) */
	size_t count;
};

/*
 * docs/archive.md §6 steps 1-2. `path` "-" reads standard input. `staging` must not exist; it is
 * created with mode 0700 (put it on the filesystem where the files will end up, so they can
 * be renamed into place). `lim` NULL means the defaults. On success *out is the verified
 * staging area. Failures: SMIG_ERR_INTEGRITY for anything about the archive's content or
 * trust, SMIG_ERR_IO for the OS (including ENOSPC); the staging directory is gone either way.
 */
int smig_archive_extract_verified(const char *path, const char *staging,
				  const struct smig_pubkey *pub,
				  const struct smig_archive_limits *lim, struct smig_staged **out,
				  struct smig_err *e);
/*
 * The same checks without staging: every member is hashed as it streams by and dropped, except
 * those `keep` names (NULL-terminated list, may be NULL), which are kept in memory
 * (smig_staged_member.data; one larger than `keep_max` bytes is refused as implausible, so
 * memory stays bounded before the signature is checked). Only a member whose declared holes
 * pass the pre-signature budget is written: staged sparse under `staging` (which must not
 * exist; it is made then) and hashed once the signature has verified. `staging` is removed
 * before this returns, and every member's `local` is NULL. For the commands that need only
 * the descriptor (verify, features, preflight).
 */
int smig_archive_check_verified(const char *path, const char *staging,
				const struct smig_pubkey *pub,
				const struct smig_archive_limits *lim, const char *const *keep,
				size_t keep_max, struct smig_staged **out, struct smig_err *e);
/* The member called `name` (exact bytes), or NULL. */
const struct smig_staged_member *smig_staged_find(const struct smig_staged *s, const char *name);
/* Free `s` (NULL is accepted), removing the staging directory first when `remove_dir`. */
void smig_staged_free(struct smig_staged *s, bool remove_dir);

/* Progress of the readers above: called after every block read from the archive with the
 * bytes read so far, the archive file's size (0 for a pipe) and the member being read (NULL
 * between members). Process-wide; NULL turns it off. */
typedef void (*smig_read_progress_fn)(void *ctx, uint64_t done, uint64_t total,
				      const char *member);
void smig_archive_set_read_progress(smig_read_progress_fn fn, void *ctx);

/* smig_archive_check_verified() with nothing kept, staging (when a member needs it) under a
 * temporary directory in `tmp_parent`. *members (may be NULL) gets the number of regular
 * files in the archive. */
int smig_archive_verify(const char *path, const char *tmp_parent, const struct smig_pubkey *pub,
			const struct smig_archive_limits *lim, size_t *members,
			struct smig_err *e);

#endif
