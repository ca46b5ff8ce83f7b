/*
 * age.h - the age v1 encryption format (https://age-encryption.org/v1) around a signed
 * archive: X25519 recipients (`age1…`, identities `AGE-SECRET-KEY-1…`) and the scrypt
 * passphrase recipient, the header MAC, and the STREAM payload (ChaCha20-Poly1305, 64 KiB
 * chunks, last-chunk flag). Files written here decrypt with `age -d`; files written by
 * `age -r`/`age -p` are read here (docs/export.md §8).
 *
 * Contract:
 * - Keys: struct smig_age_keys holds either recipients (public keys, or one passphrase) for
 *   writing, or identities (secret keys, or one passphrase) for reading. age forbids mixing
 *   a passphrase with other recipients: adding both is SMIG_ERR_USAGE. Identity and
 *   passphrase files must be regular files without group or other permission bits
 *   (SMIG_ERR_USAGE naming the file and its mode otherwise). Every secret (keys, passphrase,
 *   file buffers, derived keys) is wiped with OPENSSL_cleanse once unused;
 *   smig_age_keys_wipe() wipes and frees what the struct holds.
 * - Writing: smig_age_writer_new() makes the header (the scrypt work is done there); the
 *   writer then streams: whole 64 KiB chunks go to the sink as soon as more data follows
 *   them, the last one at finish. Memory is bounded (about 1 MiB of output batching).
 * - Reading: smig_age_reader_open() reads the start of `fd`. Input that does not start with
 *   the age version line is passed through unchanged; age input is refused unless keys are
 *   given (SMIG_ERR_USAGE), its header is bounded (SMIG_AGE_HEADER_MAX bytes, 256 stanzas),
 *   parsed strictly (canonical unpadded base64, 64-column bodies), the file key is unwrapped
 *   and the header MAC checked before a byte of payload is returned. Every chunk is
 *   authenticated before it is returned; a truncated stream, a missing or empty final chunk
 *   and data after the final chunk are errors. Wrong keys, damage and hostile headers are
 *   SMIG_ERR_INTEGRITY; read errors SMIG_ERR_IO. Nothing here prints.
 */
#ifndef SMIG_AGE_H
#define SMIG_AGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

/* The first line of every age file, without its line feed. */
#define SMIG_AGE_VERSION_LINE "age-encryption.org/v1"
/* The largest header read (bytes), and the most stanzas in it. */
#define SMIG_AGE_HEADER_MAX ((size_t)64 << 10)
#define SMIG_AGE_STANZAS_MAX 256
/* Recipients one export may name (their stanzas stay well inside the header bound). */
#define SMIG_AGE_RECIPIENTS_MAX 256
/* scrypt work factor (log2 N) written, as age does, and the default bound when reading. */
#define SMIG_AGE_SCRYPT_LOG2N 18
#define SMIG_AGE_SCRYPT_LOG2N_MAX 22
/* Highest bound a caller may set (N = 2^30 needs 1 TiB): beyond it nothing is computable. */
#define SMIG_AGE_SCRYPT_LOG2N_LIMIT 30
/* Longest passphrase accepted (bytes). */
#define SMIG_AGE_PASSPHRASE_MAX 1024
/* "age1" + 52 data characters + 6 checksum characters. */
#define SMIG_AGE_RECIPIENT_LEN 62

struct smig_age_keys {
	uint8_t (*x25519)[32]; /* public keys (writing) or secret keys (reading) */
	size_t nx25519;
	char *passphrase; /* NUL-terminated; NULL when none */
	size_t passlen;
	int max_log2n; /* reading: the highest scrypt work factor accepted */
};

/* An empty set (no keys, max_log2n = SMIG_AGE_SCRYPT_LOG2N_MAX). */
void smig_age_keys_init(struct smig_age_keys *k);
/* Wipe and free every key and the passphrase; `k` is empty again. */
void smig_age_keys_wipe(struct smig_age_keys *k);
bool smig_age_keys_empty(const struct smig_age_keys *k);

/* Writing: `arg` is one `age1…` recipient, or else the name of a recipients file (one
 * recipient a line, blank lines and lines starting with '#' ignored). */
int smig_age_add_recipients(struct smig_age_keys *k, const char *arg, struct smig_err *e);
/* Reading: an identity file as `age-keygen` writes it (AGE-SECRET-KEY-1… lines, '#' comments). */
int smig_age_add_identity_file(struct smig_age_keys *k, const char *path, struct smig_err *e);
/* The passphrase: the file's content without one final line feed (CRLF too); one line, not
 * empty. */
int smig_age_set_passphrase_file(struct smig_age_keys *k, const char *path, struct smig_err *e);
/* The passphrase from memory (the programs' terminal prompt); copied. */
int smig_age_set_passphrase(struct smig_age_keys *k, const char *pass, size_t len,
			    struct smig_err *e);

/* One `age1…` recipient string (lower case bech32, 32-byte key) to its key. */
int smig_age_parse_recipient(const char *s, uint8_t pk[32], struct smig_err *e);
/* One `AGE-SECRET-KEY-1…` string (upper case bech32) to its key. */
int smig_age_parse_identity(const char *s, uint8_t sk[32], struct smig_err *e);
/* The `age1…` recipient of a secret key (as `age-keygen -y` prints it). `out` holds
 * SMIG_AGE_RECIPIENT_LEN + 1 bytes. */
int smig_age_identity_recipient(const uint8_t sk[32], char *out, struct smig_err *e);

/* ---- writing ---- */

/* Where the writer sends its bytes: returns 0, or an errno value. */
typedef int (*smig_age_sink_fn)(void *ctx, const void *buf, size_t len);
struct smig_age_writer;

/* Make the header for `k` (recipients or a passphrase, not both); nothing is sent yet. */
int smig_age_writer_new(const struct smig_age_keys *k, smig_age_sink_fn sink, void *ctx,
			struct smig_age_writer **out, struct smig_err *e);
/* Encrypt `len` bytes. Returns 0, or an errno value (the sink's, or EIO for a cipher
 * failure). */
int smig_age_writer_write(struct smig_age_writer *w, const void *buf, size_t len);
/* The final chunk (also the header, for an empty payload). Returns 0 or an errno value. */
int smig_age_writer_finish(struct smig_age_writer *w);
/* Wipe and free; NULL is accepted. */
void smig_age_writer_free(struct smig_age_writer *w);

/* ---- reading ---- */

struct smig_age_reader;

/* Read the start of `fd` (`name` for messages). `k` NULL or empty: age input is refused. */
int smig_age_reader_open(int fd, const char *name, const struct smig_age_keys *k,
			 struct smig_age_reader **out, struct smig_err *e);
/* Up to `cap` bytes of plaintext (at least 64 KiB of room lets whole chunks through); 0 at
 * the end, -1 on error. */
ssize_t smig_age_reader_read(struct smig_age_reader *r, void *buf, size_t cap,
			     struct smig_err *e);
/* Whether the input is age (not passed through). */
bool smig_age_reader_encrypted(const struct smig_age_reader *r);
void smig_age_reader_free(struct smig_age_reader *r);

#endif
