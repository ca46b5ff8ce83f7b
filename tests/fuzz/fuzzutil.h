/*
 * fuzzutil.h - what the libFuzzer targets of tests/fuzz share: a private scratch directory,
 * whole-file writes into it, the split of one input into two files, and the framing of the
 * signed-archive target's payload list (which smig-fuzz-seeds also writes).
 *
 * Contract: fz_dir() makes "$TMPDIR/smig-fuzz-XXXXXX" (mode 0700) on first use and removes it
 * at exit; fz_reset() empties it between inputs. Nothing here prints; a setup failure (the
 * scratch directory cannot be made) aborts, since no input could be tested. Every returned
 * string is malloc'd and the caller frees it.
 */
#ifndef SMIG_FUZZUTIL_H
#define SMIG_FUZZUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The scratch directory (created on first use, removed at exit). */
const char *fz_dir(void);
/* Remove everything in the scratch directory. */
void fz_reset(void);
/* fz_dir() + "/" + rel. */
char *fz_path(const char *rel);
/* Write `len` bytes to `path` (created or truncated); -1 on failure. */
int fz_write(const char *path, const void *data, size_t len);
/* A NUL-terminated copy of `len` bytes. */
char *fz_strndup(const uint8_t *data, size_t len);

/*
 * A text reader's two passes over one input (ipconfig /all, systeminfo): `parse` sees the raw
 * bytes as they are, from an exact-length copy so that a read past the end is caught, then
 * the bytes decoded as the file loaders do (smig_text_decode: BOMs, UTF-16) when they decode.
 */
void fz_text_passes(const uint8_t *data, size_t size, void (*parse)(const char *text, size_t len));

/*
 * Two files in one input: the bytes before the first FZ_SPLIT and the bytes after it (all of
 * the input and nothing when there is none).
 */
#define FZ_SPLIT "\n--smig-fuzz-split--\n"
void fz_split(const uint8_t *data, size_t len, const uint8_t **a, size_t *alen,
	      const uint8_t **b, size_t *blen);

/*
 * The signed-archive target's input: one flags byte (bits 0-1: 0 none, 1 gzip, 2 zstd, 3
 * none; bit 2: leave the checksum list and signature out), then members, each
 *   type (1 byte) | name length (1 byte) | name | data length (u32 LE) | data
 * cut short where the input ends. Types: 'f' a file the signed list names, 'u' a file it
 * does not, 'd' a directory, 'l' a symbolic link and 'h' a hard link (the data is the link
 * target).
 */
#define FZ_MEMBERS_MAX 64
struct fz_member {
	char type;
	char *name;          /* NUL-terminated */
	const uint8_t *data; /* into the input */
	size_t len;
};
struct fz_members {
	unsigned flags;
	struct fz_member m[FZ_MEMBERS_MAX];
	size_t n;
};
/* Decode an input (never fails: what does not decode is left out). Free with
 * fz_members_release(). */
void fz_members_decode(const uint8_t *data, size_t len, struct fz_members *out);
void fz_members_release(struct fz_members *ms);
/* Encode one member into `out` (at least 6 + 255 + len bytes); returns the bytes used, 0
 * when the name is longer than 255 bytes or the data longer than UINT32_MAX. */
size_t fz_member_encode(char type, const char *name, const void *data, size_t len,
			uint8_t *out);

#endif
