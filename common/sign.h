/*
 * sign.h - Ed25519 keys and signatures in OpenBSD signify's file formats (formats.md §14.3,
 * §14.4; docs/archive.md §5), SHA-256 hashing and the BSD checksum list they sign.
 *
 * Contract: keys and signatures written here verify with stock `signify -V -e` / `signify -C`,
 * and keys made by `signify -G -n` work here. Secret keys are kept unencrypted (kdfrounds 0);
 * a passphrase-protected key is refused (it would need bcrypt_pbkdf). Everything read from a
 * file is checked strictly: comment line, base64 length, algorithm, sizes, checksum.
 *
 * Ownership: key structs are caller-allocated; a struct smig_seckey holds the secret seed and
 * must be wiped with smig_seckey_wipe() once done. smig_sign_embedded() returns a malloc'd
 * buffer the caller frees. smig_sign_verify_embedded() returns a pointer into the caller's
 * buffer. smig_sumlist_parse() returns an array freed with smig_sumlist_free().
 */
#ifndef SMIG_SIGN_H
#define SMIG_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* signify's limit for the comment, NUL included: the text holds at most 1023 bytes. */
#define SMIG_SIGN_COMMENT_MAX 1024
/* signify's limit for a signed message (maxmsgsize, 1 GiB). */
#define SMIG_SIGN_MSG_MAX ((size_t)1 << 30)

/*
 * `comment` is the text after "untrusted comment: " when read from a file (e.g.
 * "signify public key"); after smig_sign_keygen() it is the bare comment the caller gave,
 * to which smig_sign_write_keys() appends " public key" / " secret key".
 */
struct smig_pubkey {
	uint8_t keynum[8];
	uint8_t pk[32];
	char comment[SMIG_SIGN_COMMENT_MAX];
};

struct smig_seckey {
	uint8_t keynum[8];
	uint8_t seed[32];
	uint8_t pk[32];
	char comment[SMIG_SIGN_COMMENT_MAX];
}; /* wipe with smig_seckey_wipe */

/* Generate a key pair (random keynum, OpenSSL Ed25519 keygen). `comment` must be one line
 * short enough for "<comment> secret key" to fit signify's limit. */
int smig_sign_keygen(struct smig_pubkey *pub, struct smig_seckey *sec, const char *comment,
		     struct smig_err *e);

/*
 * Write the two key files like `signify -G -n`: the secret key (mode 0600) first, then the
 * public key (0644, less the umask). Existing files are never overwritten (O_EXCL). If the
 * second file cannot be written, the first is removed again: either both exist or neither.
 */
int smig_sign_write_keys(const char *pub_path, const char *sec_path,
			 const struct smig_pubkey *pub, const struct smig_seckey *sec,
			 struct smig_err *e);

/*
 * Read key files. A passphrase-protected secret key is SMIG_ERR_USAGE; a key of the wrong
 * kind (public for secret, a signature for either) or a malformed one is SMIG_ERR_FORMAT;
 * a secret key whose checksum or public half does not match its seed is SMIG_ERR_INTEGRITY.
 */
int smig_sign_read_pubkey(const char *path, struct smig_pubkey *pub, struct smig_err *e);
int smig_sign_read_seckey(const char *path, struct smig_seckey *sec, struct smig_err *e);
void smig_seckey_wipe(struct smig_seckey *sec);

/*
 * Embedded signature file contents (`signify -S -e` form):
 * "untrusted comment: verify with <keyname>.pub\n" base64("Ed" keynum sig[64]) "\n" msg.
 * `keyname` is the secret key file's base name without ".sec" (the caller's choice).
 * *out is malloc'd (caller frees), *outlen its length; it is also NUL-terminated.
 */
int smig_sign_embedded(const struct smig_seckey *sec, const char *keyname, const void *msg,
		       size_t msglen, char **out, size_t *outlen, struct smig_err *e);

/*
 * Verify an embedded signature file against a trusted public key. A different keynum or a
 * bad signature is SMIG_ERR_INTEGRITY; a malformed file SMIG_ERR_FORMAT. On success *msg
 * points INTO `sigfile` (the signed message, not NUL-terminated) and *msglen is its length.
 */
int smig_sign_verify_embedded(const struct smig_pubkey *pub, const char *sigfile, size_t siglen,
			      const char **msg, size_t *msglen, struct smig_err *e);

/* Raw Ed25519 (RFC 8032, pure). smig_ed25519_verify returns 0 when valid, -1 otherwise. */
int smig_ed25519_sign(const uint8_t seed[32], const void *msg, size_t len, uint8_t sig[64],
		      struct smig_err *e);
int smig_ed25519_verify(const uint8_t pk[32], const void *msg, size_t len, const uint8_t sig[64]);

/*
 * SHA-256, streaming. init allocates the context; final (which writes the 32-byte digest)
 * or abort frees it. Both are safe to call on a context that init failed to set up.
 */
struct smig_sha256 {
	void *ctx;
};
int smig_sha256_init(struct smig_sha256 *h, struct smig_err *e);
void smig_sha256_update(struct smig_sha256 *h, const void *data, size_t len);
void smig_sha256_final(struct smig_sha256 *h, uint8_t out[32]);
void smig_sha256_abort(struct smig_sha256 *h);
/* Feed `n` zero bytes (a hole) without a caller buffer. */
void smig_sha256_zeros(struct smig_sha256 *h, uint64_t n);
/* The same for a hole of a sparse file, which can be gigabytes: a slice at a time, with a stop
 * request (interrupt.h) checked between, so Ctrl-C does not wait for it. 0, or -1 with the
 * interruption in e. */
int smig_sha256_hole(struct smig_sha256 *h, uint64_t n, struct smig_err *e);
/* SHA-256 of a whole file; holes (SEEK_DATA/SEEK_HOLE) are hashed as zeros without being
 * read. `what` names the file in messages. */
int smig_sha256_file(const char *path, const char *what, uint8_t out[32], struct smig_err *e);
/* Lowercase hex; `out` holds 2 * len + 1 bytes. */
void smig_hex(const uint8_t *bin, size_t len, char *out);

/*
 * Parse a BSD checksum list as docs/archive.md §5 defines it: lines "SHA256 (<path>) = <hex>\n",
 * LF only, 64 lowercase hex digits, paths non-empty, without control characters, strictly
 * sorted bytewise (so no duplicates). An empty text is an empty list. *lines is malloc'd,
 * each path too; free with smig_sumlist_free().
 */
struct smig_sumline {
	char *path;
	uint8_t digest[32];
};
int smig_sumlist_parse(const char *text, size_t len, struct smig_sumline **lines, size_t *count,
		       struct smig_err *e);
void smig_sumlist_free(struct smig_sumline *lines, size_t count);

#endif
