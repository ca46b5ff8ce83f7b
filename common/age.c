/*
 * age.c - the age v1 format (age.h, docs/export.md §8), with OpenSSL 3's primitives: X25519,
 * HKDF-SHA-256, HMAC-SHA-256, ChaCha20-Poly1305 and scrypt. Bech32 and age's unpadded
 * base64 are done here.
 */
#include "age.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include "fileio.h"
#include "i18n.h"
#include "interrupt.h"

#define PT_CHUNK ((size_t)64 << 10)  /* plaintext bytes of a whole payload chunk */
#define TAG 16                       /* Poly1305 tag */
#define CT_CHUNK (PT_CHUNK + TAG)    /* ciphertext bytes of a whole chunk */
#define FILE_KEY 16
#define NONCE 16                     /* payload nonce (HKDF salt) */
#define BATCH 16                     /* ciphertext chunks per sink call (about 1 MiB) */
#define IN_CAP (17 * CT_CHUNK)       /* reader's input buffer: holds a whole header too */
#define LINE_COLS 64                 /* base64 columns of a stanza body line */
#define RECIPIENTS_FILE_MAX ((size_t)1 << 20)
#define IDENTITY_FILE_MAX ((size_t)64 << 10)
#define PASSFILE_MAX (SMIG_AGE_PASSPHRASE_MAX + 2) /* and a CR LF */

_Static_assert(IN_CAP > SMIG_AGE_HEADER_MAX + NONCE, "the reader's buffer holds a header");

static const char x25519_info[] = "age-encryption.org/v1/X25519";
static const char scrypt_label[] = "age-encryption.org/v1/scrypt";

/* ---- base64, standard alphabet, no padding, canonical (age's encoding) ---- */

static const char b64_chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64_val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Encoded length of `n` bytes without padding. */
static size_t b64_len(size_t n)
{
	return n / 3 * 4 + (n % 3 ? n % 3 + 1 : 0);
}

/* Encode into `out` (b64_len(n) bytes, no NUL). */
static void b64_encode(const uint8_t *in, size_t n, char *out)
{
	size_t i, o = 0;

	for (i = 0; i + 3 <= n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];

		out[o++] = b64_chars[v >> 18 & 63];
		out[o++] = b64_chars[v >> 12 & 63];
		out[o++] = b64_chars[v >> 6 & 63];
		out[o++] = b64_chars[v & 63];
	}
	if (n - i == 1) {
		out[o++] = b64_chars[in[i] >> 2];
		out[o++] = b64_chars[(in[i] & 3) << 4];
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)in[i] << 8 | in[i + 1];

		out[o++] = b64_chars[v >> 10 & 63];
		out[o++] = b64_chars[v >> 4 & 63];
		out[o++] = b64_chars[(v & 15) << 2];
	}
}

/* Decode `n` characters; -1 for a character outside the alphabet (padding included), a
 * length no encoding has, or unused bits that are not zero (non-canonical). */
static int b64_decode(const char *s, size_t n, uint8_t *out, size_t *outlen)
{
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t i, o = 0;

	if (n % 4 == 1)
		return -1;
	for (i = 0; i < n; i++) {
		int v = b64_val((unsigned char)s[i]);

		if (v < 0)
			return -1;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	if (acc != 0)
		return -1;
	*outlen = o;
	return 0;
}

/* ---- bech32 (BIP 173; age uses it without the 90-character limit) ---- */

static const char bech32_chars[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

static uint32_t bech32_polymod(uint32_t chk, unsigned v)
{
	static const uint32_t gen[5] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd,
					0x2a1462b3};
	uint32_t top = chk >> 25;
	int i;

	chk = (chk & 0x1ffffff) << 5 ^ v;
	for (i = 0; i < 5; i++)
		if (top >> i & 1)
			chk ^= gen[i];
	return chk;
}

static uint32_t bech32_hrp(const char *hrp, size_t n)
{
	uint32_t chk = 1;
	size_t i;

	for (i = 0; i < n; i++)
		chk = bech32_polymod(chk, (unsigned char)hrp[i] >> 5);
	chk = bech32_polymod(chk, 0);
	for (i = 0; i < n; i++)
		chk = bech32_polymod(chk, (unsigned char)hrp[i] & 31);
	return chk;
}

static char ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/*
 * Decode `s` (one case throughout) whose human-readable part must be `hrp` (lower case) into
 * exactly 32 bytes. Returns 0, or -1 with a short reason in *why.
 */
static int bech32_decode32(const char *s, const char *hrp, uint8_t out[32], const char **why)
{
	size_t len = strlen(s), hlen = strlen(hrp), i, o = 0, ndata;
	bool upper = false, lower = false;
	uint32_t chk, acc = 0;
	unsigned bits = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 33 || c > 126) {
			*why = _("a character outside printable ASCII");
			return -1;
		}
		upper |= c >= 'A' && c <= 'Z';
		lower |= c >= 'a' && c <= 'z';
	}
	if (upper && lower) {
		*why = _("mixed case");
		return -1;
	}
	if (len < hlen + 1 + 6 || s[hlen] != '1') {
		*why = _("not the expected prefix");
		return -1;
	}
	for (i = 0; i < hlen; i++)
		if (ascii_lower(s[i]) != hrp[i]) {
			*why = _("not the expected prefix");
			return -1;
		}
	chk = bech32_hrp(hrp, hlen);
	ndata = len - hlen - 1;
	for (i = 0; i < ndata; i++) {
		const char *p = strchr(bech32_chars, ascii_lower(s[hlen + 1 + i]));

		if (p == NULL || *p == '\0') {
			*why = _("a character outside the bech32 alphabet");
			return -1;
		}
		chk = bech32_polymod(chk, (unsigned)(p - bech32_chars));
		if (i + 6 >= ndata)
			continue; /* the checksum */
		acc = acc << 5 | (uint32_t)(p - bech32_chars);
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			if (o == 32) {
				*why = _("the wrong length");
				return -1;
			}
			out[o++] = (uint8_t)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	if (chk != 1) {
		*why = _("a bad checksum");
		return -1;
	}
	if (o != 32 || bits >= 5 || acc != 0) {
		*why = _("the wrong length");
		return -1;
	}
	return 0;
}

/* Encode 32 bytes with `hrp` (lower case); `out` holds strlen(hrp) + 1 + 52 + 6 + 1. */
static void bech32_encode32(const char *hrp, const uint8_t in[32], char *out)
{
	size_t hlen = strlen(hrp), i, o;
	unsigned data[52];
	uint32_t chk, acc = 0;
	unsigned bits = 0, n = 0;

	for (i = 0; i < 32; i++) {
		acc = acc << 8 | in[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			data[n++] = acc >> bits & 31;
		}
		acc &= (1u << bits) - 1;
	}
	if (bits > 0)
		data[n++] = acc << (5 - bits) & 31;
	memcpy(out, hrp, hlen);
	out[hlen] = '1';
	o = hlen + 1;
	chk = bech32_hrp(hrp, hlen);
	for (i = 0; i < n; i++) {
		chk = bech32_polymod(chk, data[i]);
		out[o++] = bech32_chars[data[i]];
	}
	for (i = 0; i < 6; i++)
		chk = bech32_polymod(chk, 0);
	chk ^= 1;
	for (i = 0; i < 6; i++)
		out[o++] = bech32_chars[chk >> (5 * (5 - i)) & 31];
	out[o] = '\0';
}

/* ---- primitives ---- */

static int hkdf(const uint8_t *ikm, size_t ikmlen, const uint8_t *salt, size_t saltlen,
		const char *info, uint8_t *out, size_t outlen)
{
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	EVP_KDF_CTX *kc = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
	OSSL_PARAM p[5], *q = p;
	int rc = -1;

	if (kc == NULL)
		goto out;
	*q++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0);
	*q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)ikm, ikmlen);
	/* no salt is HashLen zero bytes (RFC 5869), the same HMAC key as an empty one */
	if (saltlen > 0)
		*q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt,
							 saltlen);
	*q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)info,
						 strlen(info));
	*q = OSSL_PARAM_construct_end();
	if (EVP_KDF_derive(kc, out, outlen, p) == 1)
		rc = 0;
out:
	EVP_KDF_CTX_free(kc);
	EVP_KDF_free(kdf);
	return rc;
}

/* HMAC-SHA-256 of the header with the key HKDF(file key, "header") derives. */
static int header_mac(const uint8_t fk[FILE_KEY], const void *hdr, size_t len, uint8_t mac[32])
{
	uint8_t key[32];
	unsigned mlen = 0;
	int rc = -1;

	if (hkdf(fk, FILE_KEY, NULL, 0, "header", key, sizeof(key)) == 0 &&
	    HMAC(EVP_sha256(), key, sizeof(key), hdr, len, mac, &mlen) != NULL && mlen == 32)
		rc = 0;
	OPENSSL_cleanse(key, sizeof(key));
	return rc;
}

/* ChaCha20-Poly1305 with `c` keyed already: one message under `nonce`. Sealing writes
 * len + TAG bytes; opening reads `len` bytes of ciphertext plus tag and writes len - TAG. */
static int aead_run(EVP_CIPHER_CTX *c, bool seal, const uint8_t nonce[12], const uint8_t *in,
		    size_t len, uint8_t *out)
{
	int n = 0, m = 0;
	size_t body;

	if (!seal && len < TAG)
		return -1;
	body = seal ? len : len - TAG;
	if (body > INT_MAX || EVP_CipherInit_ex(c, NULL, NULL, NULL, nonce, seal) != 1)
		return -1;
	if (!seal && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, TAG,
					 (void *)(in + body)) != 1)
		return -1;
	if (body > 0 && EVP_CipherUpdate(c, out, &n, in, (int)body) != 1)
		return -1;
	if (EVP_CipherFinal_ex(c, out + n, &m) != 1)
		return -1;
	if (seal && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, TAG, out + body) != 1)
		return -1;
	return 0;
}

static EVP_CIPHER_CTX *aead_new(const uint8_t key[32], bool seal)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();

	if (c && EVP_CipherInit_ex(c, EVP_chacha20_poly1305(), NULL, key, NULL, seal) != 1) {
		EVP_CIPHER_CTX_free(c);
		c = NULL;
	}
	return c;
}

/* Wrap (seal) or unwrap (open) a file key with `key` and the all-zero nonce. */
static int wrap_key(const uint8_t key[32], bool seal, const uint8_t *in, size_t len,
		    uint8_t *out)
{
	static const uint8_t zero[12];
	EVP_CIPHER_CTX *c = aead_new(key, seal);
	int rc = c ? aead_run(c, seal, zero, in, len, out) : -1;

	EVP_CIPHER_CTX_free(c);
	return rc;
}

static int x25519_public(const uint8_t sk[32], uint8_t pk[32])
{
	EVP_PKEY *k = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, sk, 32);
	size_t n = 32;
	int rc = -1;

	if (k && EVP_PKEY_get_raw_public_key(k, pk, &n) == 1 && n == 32)
		rc = 0;
	EVP_PKEY_free(k);
	return rc;
}

/* The shared secret; -1 also for a share that gives the all-zero secret (OpenSSL refuses
 * it, as age does). */
static int x25519_shared(const uint8_t sk[32], const uint8_t peer[32], uint8_t out[32])
{
	EVP_PKEY *a = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, sk, 32);
	EVP_PKEY *b = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, peer, 32);
	EVP_PKEY_CTX *c = a ? EVP_PKEY_CTX_new(a, NULL) : NULL;
	size_t n = 32;
	int rc = -1;

	if (c && b && EVP_PKEY_derive_init(c) == 1 && EVP_PKEY_derive_set_peer(c, b) == 1 &&
	    EVP_PKEY_derive(c, out, &n) == 1 && n == 32)
		rc = 0;
	EVP_PKEY_CTX_free(c);
	EVP_PKEY_free(a);
	EVP_PKEY_free(b);
	return rc;
}

/* The X25519 stanza's wrapping key: HKDF(shared, share || recipient, X25519 label). */
static int x25519_wrap_key(const uint8_t shared[32], const uint8_t share[32],
			   const uint8_t recipient[32], uint8_t key[32])
{
	uint8_t salt[64];

	memcpy(salt, share, 32);
	memcpy(salt + 32, recipient, 32);
	return hkdf(shared, 32, salt, sizeof(salt), x25519_info, key, 32);
}

/* scrypt(passphrase, label || salt, N = 2^log2n, r = 8, p = 1). */
static int scrypt_key(const struct smig_age_keys *k, const uint8_t salt[16], int log2n,
		      uint8_t key[32])
{
	uint8_t s[sizeof(scrypt_label) - 1 + 16];

	memcpy(s, scrypt_label, sizeof(scrypt_label) - 1);
	memcpy(s + sizeof(scrypt_label) - 1, salt, 16);
	/* the memory limit: 128 r N bytes and OpenSSL's bookkeeping, with room */
	return EVP_PBE_scrypt(k->passphrase, k->passlen, s, sizeof(s), (uint64_t)1 << log2n, 8, 1,
			      (uint64_t)1 << (log2n + 11), key, 32) == 1
		   ? 0
		   : -1;
}

/* ---- keys ---- */

void smig_age_keys_init(struct smig_age_keys *k)
{
	memset(k, 0, sizeof(*k));
	k->max_log2n = SMIG_AGE_SCRYPT_LOG2N_MAX;
}

void smig_age_keys_wipe(struct smig_age_keys *k)
{
	int max = k->max_log2n;

	if (k->x25519) {
		OPENSSL_cleanse(k->x25519, SMIG_AGE_RECIPIENTS_MAX * sizeof(*k->x25519));
		free(k->x25519);
	}
	if (k->passphrase) {
		OPENSSL_cleanse(k->passphrase, k->passlen);
		free(k->passphrase);
	}
	smig_age_keys_init(k);
	k->max_log2n = max;
}

bool smig_age_keys_empty(const struct smig_age_keys *k)
{
	return k == NULL || (k->nx25519 == 0 && k->passphrase == NULL);
}

/* Room for one more key; the array is allocated whole once, never moved (no stray copies
 * of secret keys in freed memory). */
static uint8_t *key_slot(struct smig_age_keys *k, const char *what, struct smig_err *e)
{
	if (k->passphrase != NULL) {
		smig_err_set(e, SMIG_ERR_USAGE, _("%s: age cannot mix a passphrase with other "
			       "recipients or identities"), what);
		return NULL;
	}
	if (k->x25519 == NULL) {
		k->x25519 = calloc(SMIG_AGE_RECIPIENTS_MAX, sizeof(*k->x25519));
		if (k->x25519 == NULL) {
			smig_err_nomem(e, _("reading age keys"));
			return NULL;
		}
	}
	if (k->nx25519 == SMIG_AGE_RECIPIENTS_MAX) {
		smig_err_set(e, SMIG_ERR_USAGE, _("%s: more than %d age keys"), what,
			     SMIG_AGE_RECIPIENTS_MAX);
		return NULL;
	}
	return k->x25519[k->nx25519];
}

int smig_age_parse_recipient(const char *s, uint8_t pk[32], struct smig_err *e)
{
	const char *why = NULL;

	if (bech32_decode32(s, "age", pk, &why) < 0)
		return smig_err_set(e, SMIG_ERR_FORMAT,
				    _("'%.80s' is not an age recipient (age1...): %s"), s, why);
	for (const char *p = s; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			return smig_err_set(e, SMIG_ERR_FORMAT, _("'%.80s' is not an age recipient "
					      "(age1...): upper case"), s);
	return 0;
}

int smig_age_parse_identity(const char *s, uint8_t sk[32], struct smig_err *e)
{
	const char *why = NULL;

	if (bech32_decode32(s, "age-secret-key-", sk, &why) < 0) {
		OPENSSL_cleanse(sk, 32);
		/* never quote the line: it may be most of a secret key */
		return smig_err_set(e, SMIG_ERR_FORMAT,
				    _("not an age identity (AGE-SECRET-KEY-1...): %s"), why);
	}
	for (const char *p = s; *p; p++)
		if (*p >= 'a' && *p <= 'z') {
			OPENSSL_cleanse(sk, 32);
			return smig_err_set(e, SMIG_ERR_FORMAT, _("not an age identity "
					      "(AGE-SECRET-KEY-1...): lower case"));
		}
	return 0;
}

int smig_age_identity_recipient(const uint8_t sk[32], char *out, struct smig_err *e)
{
	uint8_t pk[32];

	if (x25519_public(sk, pk) < 0)
		return smig_err_set(e, SMIG_ERR_IO, _("cannot compute an X25519 public key"));
	bech32_encode32("age", pk, out);
	return 0;
}

/* Split `buf` (NUL-terminated) into lines; call `fn` on each one that is not blank and not a
 * '#' comment, with its 1-based number. Lines end with LF, optionally CR LF. */
static int each_line(char *buf, size_t len, const char *path,
		     int (*fn)(struct smig_age_keys *, const char *, const char *, size_t,
			       struct smig_err *),
		     struct smig_age_keys *k, struct smig_err *e)
{
	size_t lineno = 0;
	char *p = buf, *end = buf + len;

	if (memchr(buf, '\0', len) != NULL)
		return smig_err_set(e, SMIG_ERR_FORMAT, _("'%s' holds a NUL byte"), path);
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *stop = nl ? nl : end;

		lineno++;
		if (stop > p && stop[-1] == '\r')
			stop[-1] = '\0';
		*stop = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '\0' && *p != '#' && fn(k, p, path, lineno, e) < 0)
			return -1;
		p = stop + 1;
	}
	return 0;
}

static int add_recipient_line(struct smig_age_keys *k, const char *line, const char *path,
			      size_t lineno, struct smig_err *e)
{
	struct smig_err tmp = SMIG_ERR_INIT;
	uint8_t *slot = key_slot(k, path, e);

	if (slot == NULL)
		return -1;
	if (smig_age_parse_recipient(line, slot, &tmp) < 0)
		return smig_err_set(e, SMIG_ERR_USAGE, _("'%s' line %zu: %s"), path, lineno, tmp.msg);
	k->nx25519++;
	return 0;
}

int smig_age_add_recipients(struct smig_age_keys *k, const char *arg, struct smig_err *e)
{
	char *buf = NULL;
	size_t len = 0;
	int rc;

	if (strncmp(arg, "age1", 4) == 0) {
		struct smig_err tmp = SMIG_ERR_INIT;
		uint8_t *slot = key_slot(k, arg, e);

		if (slot == NULL)
			return -1;
		if (smig_age_parse_recipient(arg, slot, &tmp) < 0)
			return smig_err_set(e, SMIG_ERR_USAGE, "%s", tmp.msg);
		k->nx25519++;
		return 0;
	}
	if (smig_file_read(arg, RECIPIENTS_FILE_MAX, NULL, &buf, &len, e) < 0)
		return -1;
	rc = each_line(buf, len, arg, add_recipient_line, k, e);
	free(buf);
	return rc;
}

/*
 * Read a file holding secrets: a regular file, no group or other permission bits, at most
 * `max` bytes. *buf (max + 1 bytes) is NUL-terminated; the caller wipes all of it and frees
 * it.
 */
static int read_secret_file(const char *path, const char *what, size_t max, char **buf,
			    size_t *len, struct smig_err *e)
{
	struct stat st;
	size_t got = 0;
	char *p = NULL;
	int fd, rc = -1;

	*buf = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return smig_err_sys(e, errno, _("cannot open the %s '%s'"), what, path);
	if (fstat(fd, &st) < 0) {
		smig_err_sys(e, errno, _("cannot stat the %s '%s'"), what, path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		smig_err_set(e, SMIG_ERR_USAGE, _("the %s '%s' is not a regular file"), what, path);
		goto out;
	}
	if (st.st_mode & 077) {
		smig_err_set(e, SMIG_ERR_USAGE, _("the %s '%s' has mode %04o: it must not be "
			       "accessible to group or others (chmod 600 '%s')"), what, path,
			     (unsigned)(st.st_mode & 07777), path);
		goto out;
	}
	if ((unsigned long long)st.st_size > max) {
		smig_err_set(e, SMIG_ERR_USAGE, _("the %s '%s' is too large (%lld bytes, limit %zu)"),
			     what, path, (long long)st.st_size, max);
		goto out;
	}
	p = malloc(max + 1);
	if (p == NULL) {
		smig_err_nomem(e, _("reading a secret"));
		goto out;
	}
	for (;;) {
		ssize_t n = read(fd, p + got, max + 1 - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			smig_err_sys(e, errno, _("cannot read the %s '%s'"), what, path);
			goto out;
		}
		if (n == 0)
			break;
		got += (size_t)n;
		if (got > max) {
			smig_err_set(e, SMIG_ERR_USAGE, _("the %s '%s' is too large (limit %zu bytes)"),
				     what, path, max);
			goto out;
		}
	}
	p[got] = '\0';
	*buf = p;
	*len = got;
	p = NULL;
	rc = 0;
out:
	if (p) {
		OPENSSL_cleanse(p, max + 1);
		free(p);
	}
	close(fd);
	return rc;
}

static int add_identity_line(struct smig_age_keys *k, const char *line, const char *path,
			     size_t lineno, struct smig_err *e)
{
	struct smig_err tmp = SMIG_ERR_INIT;
	uint8_t *slot = key_slot(k, path, e);

	if (slot == NULL)
		return -1;
	if (smig_age_parse_identity(line, slot, &tmp) < 0)
		return smig_err_set(e, SMIG_ERR_USAGE, _("the identity file '%s' line %zu: %s"), path,
				    lineno, tmp.msg);
	k->nx25519++;
	return 0;
}

int smig_age_add_identity_file(struct smig_age_keys *k, const char *path, struct smig_err *e)
{
	char *buf = NULL;
	size_t len = 0, before = k->nx25519;
	int rc;

	if (read_secret_file(path, _("identity file"), IDENTITY_FILE_MAX, &buf, &len, e) < 0)
		return -1;
	rc = each_line(buf, len, path, add_identity_line, k, e);
	if (rc == 0 && k->nx25519 == before)
		rc = smig_err_set(e, SMIG_ERR_USAGE, _("the identity file '%s' holds no identity "
				    "(AGE-SECRET-KEY-1...)"), path);
	OPENSSL_cleanse(buf, IDENTITY_FILE_MAX + 1);
	free(buf);
	return rc;
}

int smig_age_set_passphrase(struct smig_age_keys *k, const char *pass, size_t len,
			    struct smig_err *e)
{
	if (k->nx25519 > 0 || k->passphrase != NULL)
		return smig_err_set(e, SMIG_ERR_USAGE, _("age cannot mix a passphrase with other "
				      "recipients or identities"));
	if (len == 0)
		return smig_err_set(e, SMIG_ERR_USAGE, _("the passphrase is empty"));
	if (len > SMIG_AGE_PASSPHRASE_MAX)
		return smig_err_set(e, SMIG_ERR_USAGE, _("the passphrase is longer than %d bytes"),
				    SMIG_AGE_PASSPHRASE_MAX);
	k->passphrase = malloc(len + 1);
	if (k->passphrase == NULL)
		return smig_err_nomem(e, _("keeping the passphrase"));
	memcpy(k->passphrase, pass, len);
	k->passphrase[len] = '\0';
	k->passlen = len;
	return 0;
}

int smig_age_set_passphrase_file(struct smig_age_keys *k, const char *path, struct smig_err *e)
{
	char *buf = NULL;
	size_t len = 0;
	int rc = -1;

	if (read_secret_file(path, _("passphrase file"), PASSFILE_MAX, &buf, &len, e) < 0)
		return -1;
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	if (memchr(buf, '\n', len) != NULL || memchr(buf, '\0', len) != NULL) {
		smig_err_set(e, SMIG_ERR_USAGE, _("the passphrase file '%s' holds more than one "
			       "line"), path);
		goto out;
	}
	if (len == 0) {
		smig_err_set(e, SMIG_ERR_USAGE, _("the passphrase file '%s' is empty"), path);
		goto out;
	}
	rc = smig_age_set_passphrase(k, buf, len, e);
out:
	OPENSSL_cleanse(buf, PASSFILE_MAX + 1);
	free(buf);
	return rc;
}

/* ---- writing ---- */

struct smig_age_writer {
	smig_age_sink_fn sink;
	void *ctx;
	EVP_CIPHER_CTX *c;
	char *hdr;       /* header and payload nonce, sent before the first chunk */
	size_t hdrlen;
	bool hdr_sent;
	uint64_t counter;
	uint8_t *pt;     /* PT_CHUNK bytes being collected */
	size_t ptlen;
	uint8_t *out;    /* BATCH sealed chunks */
	size_t outlen;
};

/* Append one stanza's body: base64 lines of 64 columns, the last one shorter (maybe
 * empty). */
static void put_body(char *h, size_t *o, const uint8_t *body, size_t n)
{
	size_t enc = b64_len(n), i;
	char tmp[128];

	b64_encode(body, n, tmp);
	for (i = 0; i + LINE_COLS <= enc; i += LINE_COLS) {
		memcpy(h + *o, tmp + i, LINE_COLS);
		*o += LINE_COLS;
		h[(*o)++] = '\n';
	}
	memcpy(h + *o, tmp + i, enc - i);
	*o += enc - i;
	h[(*o)++] = '\n';
}

static void put_str(char *h, size_t *o, const char *s)
{
	size_t n = strlen(s);

	memcpy(h + *o, s, n);
	*o += n;
}

static void put_b64(char *h, size_t *o, const uint8_t *p, size_t n)
{
	b64_encode(p, n, h + *o);
	*o += b64_len(n);
}

/* The X25519 stanza for recipient `pk`. */
static int x25519_stanza(const uint8_t fk[FILE_KEY], const uint8_t pk[32], char *h, size_t *o)
{
	uint8_t esk[32], share[32], shared[32], key[32], body[FILE_KEY + TAG];
	int rc = -1;

	if (RAND_bytes(esk, sizeof(esk)) != 1 || x25519_public(esk, share) < 0 ||
	    x25519_shared(esk, pk, shared) < 0 || x25519_wrap_key(shared, share, pk, key) < 0 ||
	    wrap_key(key, true, fk, FILE_KEY, body) < 0)
		goto out;
	put_str(h, o, "-> X25519 ");
	put_b64(h, o, share, sizeof(share));
	h[(*o)++] = '\n';
	put_body(h, o, body, sizeof(body));
	rc = 0;
out:
	OPENSSL_cleanse(esk, sizeof(esk));
	OPENSSL_cleanse(shared, sizeof(shared));
	OPENSSL_cleanse(key, sizeof(key));
	return rc;
}

static int scrypt_stanza(const uint8_t fk[FILE_KEY], const struct smig_age_keys *k, char *h,
			 size_t *o)
{
	uint8_t salt[16], key[32], body[FILE_KEY + TAG];
	char num[16];
	int rc = -1;

	if (RAND_bytes(salt, sizeof(salt)) != 1 ||
	    scrypt_key(k, salt, SMIG_AGE_SCRYPT_LOG2N, key) < 0 ||
	    wrap_key(key, true, fk, FILE_KEY, body) < 0)
		goto out;
	put_str(h, o, "-> scrypt ");
	put_b64(h, o, salt, sizeof(salt));
	snprintf(num, sizeof(num), " %d\n", SMIG_AGE_SCRYPT_LOG2N);
	put_str(h, o, num);
	put_body(h, o, body, sizeof(body));
	rc = 0;
out:
	OPENSSL_cleanse(key, sizeof(key));
	return rc;
}

int smig_age_writer_new(const struct smig_age_keys *k, smig_age_sink_fn sink, void *ctx,
			struct smig_age_writer **out, struct smig_err *e)
{
	struct smig_age_writer *w = NULL;
	uint8_t fk[FILE_KEY], nonce[NONCE], pkey[32], mac[32];
	size_t o = 0, cap, i;
	int rc = -1;

	*out = NULL;
	if (smig_age_keys_empty(k))
		return smig_err_set(e, SMIG_ERR_USAGE, _("age encryption needs a recipient or a "
				      "passphrase"));
	if (k->nx25519 > 0 && k->passphrase != NULL)
		return smig_err_set(e, SMIG_ERR_USAGE, _("age cannot mix a passphrase with other "
				      "recipients"));
	/* version line, ~100 bytes per stanza, the MAC line, the nonce */
	cap = 32 + (k->nx25519 + 1) * 128 + 64 + NONCE;
	w = calloc(1, sizeof(*w));
	if (w == NULL || (w->hdr = malloc(cap)) == NULL || (w->pt = malloc(PT_CHUNK)) == NULL ||
	    (w->out = malloc(BATCH * CT_CHUNK)) == NULL) {
		smig_err_nomem(e, _("starting age encryption"));
		goto out;
	}
	w->sink = sink;
	w->ctx = ctx;
	if (RAND_bytes(fk, sizeof(fk)) != 1 || RAND_bytes(nonce, sizeof(nonce)) != 1) {
		smig_err_set(e, SMIG_ERR_IO, _("cannot get random bytes for age encryption"));
		goto out;
	}
	put_str(w->hdr, &o, SMIG_AGE_VERSION_LINE "\n");
	for (i = 0; i < k->nx25519; i++)
		if (x25519_stanza(fk, k->x25519[i], w->hdr, &o) < 0) {
			smig_err_set(e, SMIG_ERR_IO, _("cannot wrap the age file key for a "
				       "recipient (OpenSSL)"));
			goto out;
		}
	if (k->passphrase && scrypt_stanza(fk, k, w->hdr, &o) < 0) {
		smig_err_set(e, SMIG_ERR_NOMEM, _("cannot derive the age key from the passphrase "
			       "(scrypt, 2^%d, 256 MiB)"), SMIG_AGE_SCRYPT_LOG2N);
		goto out;
	}
	put_str(w->hdr, &o, "---");
	if (header_mac(fk, w->hdr, o, mac) < 0 ||
	    hkdf(fk, FILE_KEY, nonce, NONCE, "payload", pkey, sizeof(pkey)) < 0 ||
	    (w->c = aead_new(pkey, true)) == NULL) {
		smig_err_set(e, SMIG_ERR_IO, _("cannot key the age payload (OpenSSL)"));
		goto out;
	}
	w->hdr[o++] = ' ';
	put_b64(w->hdr, &o, mac, sizeof(mac));
	w->hdr[o++] = '\n';
	memcpy(w->hdr + o, nonce, NONCE);
	w->hdrlen = o + NONCE;
	*out = w;
	w = NULL;
	rc = 0;
out:
	OPENSSL_cleanse(fk, sizeof(fk));
	OPENSSL_cleanse(pkey, sizeof(pkey));
	smig_age_writer_free(w);
	return rc;
}

static int writer_flush(struct smig_age_writer *w)
{
	int err;

	if (!w->hdr_sent) {
		err = w->sink(w->ctx, w->hdr, w->hdrlen);
		if (err != 0)
			return err;
		w->hdr_sent = true;
	}
	if (w->outlen == 0)
		return 0;
	err = w->sink(w->ctx, w->out, w->outlen);
	w->outlen = 0;
	return err;
}

static void chunk_nonce(uint64_t counter, bool last, uint8_t nonce[12])
{
	int i;

	memset(nonce, 0, 12);
	for (i = 0; i < 8; i++)
		nonce[10 - i] = (uint8_t)(counter >> (8 * i));
	nonce[11] = last ? 1 : 0;
}

static int seal_chunk(struct smig_age_writer *w, const uint8_t *p, size_t n, bool last)
{
	uint8_t nonce[12];
	int err;

	if (w->outlen + CT_CHUNK > BATCH * CT_CHUNK && (err = writer_flush(w)) != 0)
		return err;
	chunk_nonce(w->counter, last, nonce);
	if (aead_run(w->c, true, nonce, p, n, w->out + w->outlen) < 0)
		return EIO;
	w->outlen += n + TAG;
	w->counter++;
	return 0;
}

int smig_age_writer_write(struct smig_age_writer *w, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	int err;

	while (len > 0) {
		size_t n;

		/* a whole chunk with more data behind it is not the last one */
		if (w->ptlen == PT_CHUNK) {
			if ((err = seal_chunk(w, w->pt, PT_CHUNK, false)) != 0)
				return err;
			w->ptlen = 0;
		}
		if (w->ptlen == 0 && len > PT_CHUNK) {
			if ((err = seal_chunk(w, p, PT_CHUNK, false)) != 0)
				return err;
			p += PT_CHUNK;
			len -= PT_CHUNK;
			continue;
		}
		n = PT_CHUNK - w->ptlen < len ? PT_CHUNK - w->ptlen : len;
		memcpy(w->pt + w->ptlen, p, n);
		w->ptlen += n;
		p += n;
		len -= n;
	}
	return 0;
}

int smig_age_writer_finish(struct smig_age_writer *w)
{
	int err = seal_chunk(w, w->pt, w->ptlen, true);

	w->ptlen = 0;
	return err != 0 ? err : writer_flush(w);
}

void smig_age_writer_free(struct smig_age_writer *w)
{
	if (w == NULL)
		return;
	EVP_CIPHER_CTX_free(w->c);
	if (w->pt) {
		OPENSSL_cleanse(w->pt, PT_CHUNK);
		free(w->pt);
	}
	free(w->out);
	free(w->hdr);
	free(w);
}

/* ---- reading ---- */

struct smig_age_reader {
	int fd;
	char *name;
	bool age;
	bool eof;      /* the input ended */
	bool done;     /* the final chunk was returned */
	unsigned char *in;
	size_t inpos, inlen;
	EVP_CIPHER_CTX *c;
	uint64_t counter;
};

/* Read into the input buffer until it is full or the input ends. */
static int fill(struct smig_age_reader *r, struct smig_err *e)
{
	if (r->inpos > 0) {
		memmove(r->in, r->in + r->inpos, r->inlen - r->inpos);
		r->inlen -= r->inpos;
		r->inpos = 0;
	}
	while (!r->eof && r->inlen < IN_CAP) {
		ssize_t n = read(r->fd, r->in + r->inlen, IN_CAP - r->inlen);

		if (n < 0 && errno == EINTR && !smig_interrupt_signal())
			continue;
		if (n < 0)
			return smig_err_sys(e, errno, _("cannot read '%s'"), r->name);
		if (n == 0)
			r->eof = true;
		r->inlen += (size_t)n;
	}
	return 0;
}

struct stanza {
	const char *arg[3]; /* type and the first two arguments */
	size_t arglen[3];
	size_t nargs;       /* all of them, the type included */
	const uint8_t *body;
	size_t bodylen;
};

struct header {
	struct stanza st[SMIG_AGE_STANZAS_MAX];
	size_t n;
	size_t mac_end; /* bytes the MAC covers (through "---") */
	uint8_t mac[32];
	uint8_t *bodies; /* decoded bodies, one buffer */
};

static int hdr_err(const char *name, struct smig_err *e, const char *why, size_t line)
{
	if (line)
		return smig_err_set(e, SMIG_ERR_INTEGRITY, _("'%s': malformed age header (line %zu): %s"),
				    name, line, why);
	return smig_err_set(e, SMIG_ERR_INTEGRITY, _("'%s': malformed age header: %s"), name, why);
}

static bool is_arg_char(unsigned char c)
{
	return c >= 33 && c <= 126;
}

/* Parse the header `h` (`len` bytes ending with the MAC line's LF) into `hd`. */
static int parse_header(const char *name, const char *h, size_t len, struct header *hd,
			struct smig_err *e)
{
	const char *p = h, *end = h + len;
	size_t line = 1, used = 0;
	const char *nl = memchr(p, '\n', len);

	if (nl == NULL || (size_t)(nl - p) != strlen(SMIG_AGE_VERSION_LINE) ||
	    memcmp(p, SMIG_AGE_VERSION_LINE, (size_t)(nl - p)) != 0)
		return smig_err_set(e, SMIG_ERR_INTEGRITY, _("'%s': unsupported age version line "
				      "(expected '%s')"), name, SMIG_AGE_VERSION_LINE);
	hd->bodies = malloc(len);
	if (hd->bodies == NULL)
		return smig_err_nomem(e, _("reading an age header"));
	p = nl + 1;
	for (;;) {
		struct stanza *s;
		const char *q;

		line++;
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			return hdr_err(name, e, _("it ends inside a line"), line);
		if (memchr(p, '\r', (size_t)(nl - p)) != NULL)
			return hdr_err(name, e, _("a carriage return"), line);
		if (nl - p >= 3 && memcmp(p, "---", 3) == 0) {
			size_t mlen = 0;

			if (nl - p != 4 + 43 || p[3] != ' ' ||
			    b64_decode(p + 4, 43, hd->mac, &mlen) < 0 || mlen != 32)
				return hdr_err(name, e, _("the MAC line is not '--- ' and 43 base64 "
					         "characters"), line);
			if (nl + 1 != end)
				return hdr_err(name, e, _("data after the MAC line"), line);
			hd->mac_end = (size_t)(p - h) + 3;
			break;
		}
		if (nl - p < 3 || memcmp(p, "-> ", 3) != 0)
			return hdr_err(name, e, _("neither a stanza ('-> ') nor the MAC line ('---')"),
				       line);
		if (hd->n == SMIG_AGE_STANZAS_MAX)
			return hdr_err(name, e, _("more than 256 stanzas"), line);
		s = &hd->st[hd->n++];
		for (q = p + 3; q <= nl;) {
			const char *a = q;

			while (q < nl && *q != ' ')
				q++;
			if (q == a)
				return hdr_err(name, e, _("an empty stanza argument"), line);
			for (const char *c = a; c < q; c++)
				if (!is_arg_char((unsigned char)*c))
					return hdr_err(name, e, _("a stanza argument with a character "
						         "outside printable ASCII"), line);
			if (s->nargs < 3) {
				s->arg[s->nargs] = a;
				s->arglen[s->nargs] = (size_t)(q - a);
			}
			s->nargs++;
			q++; /* past the space, or past the line end */
		}
		s->body = hd->bodies + used;
		/* the body: full 64-column lines, then one shorter line (maybe empty) */
		for (;;) {
			size_t n = 0, cols;

			p = nl + 1;
			line++;
			nl = memchr(p, '\n', (size_t)(end - p));
			if (nl == NULL)
				return hdr_err(name, e, _("it ends inside a stanza body"), line);
			cols = (size_t)(nl - p);
			if (cols > LINE_COLS)
				return hdr_err(name, e, _("a stanza body line longer than 64 columns"),
					       line);
			if (b64_decode(p, cols, hd->bodies + used, &n) < 0)
				return hdr_err(name, e, _("a stanza body line that is not canonical "
					         "unpadded base64"), line);
			used += n;
			s->bodylen += n;
			if (cols < LINE_COLS)
				break;
		}
		p = nl + 1;
	}
	if (hd->n == 0)
		return hdr_err(name, e, _("no recipient stanza"), 0);
	return 0;
}

static bool arg_is(const struct stanza *s, size_t i, const char *v)
{
	return s->nargs > i && s->arglen[i] == strlen(v) && memcmp(s->arg[i], v, s->arglen[i]) == 0;
}

static int x25519_unwrap(const char *name, const struct stanza *s, const struct smig_age_keys *k,
			 uint8_t fk[FILE_KEY], bool *found, struct smig_err *e)
{
	uint8_t share[33], shared[32], pk[32], key[32];
	size_t n = 0, i;
	int rc = -1;

	if (s->nargs != 2 || s->bodylen != FILE_KEY + TAG)
		return smig_err_set(e, SMIG_ERR_INTEGRITY, _("'%s': malformed age X25519 stanza "
				      "(one argument and a 32-byte body expected)"), name);
	if (s->arglen[1] != 43 || b64_decode(s->arg[1], 43, share, &n) < 0 || n != 32)
		return smig_err_set(e, SMIG_ERR_INTEGRITY, _("'%s': malformed age X25519 stanza "
				      "(the share is not 32 bytes of canonical unpadded base64)"),
				    name);
	for (i = 0; i < k->nx25519 && !*found; i++) {
		if (x25519_public(k->x25519[i], pk) < 0 || x25519_shared(k->x25519[i], share,
									 shared) < 0) {
			smig_err_set(e, SMIG_ERR_INTEGRITY, _("'%s': invalid X25519 share in the "
				       "age header"), name);
			goto out;
		}
		if (x25519_wrap_key(shared, share, pk, key) < 0)
			goto out;
		if (wrap_key(key, false, s->body, s->bodylen, fk) == 0)
			*found = true;
	}
	rc = 0;
out:
	OPENSSL_cleanse(shared, sizeof(shared));
	OPENSSL_cleanse(key, sizeof(key));
	return rc;
}

static int scrypt_unwrap(const char *name, const struct stanza *s, const struct smig_age_keys *k,
			 uint8_t fk[FILE_KEY], bool *found, struct smig_err *e)
{
	uint8_t salt[17], key[32];
	size_t n = 0, i;
	int log2n = 0;

	if (s->nargs != 3 || s->arglen[1] != 22 || b64_decode(s->arg[1], 22, salt, &n) < 0 ||
	    n != 16 || s->bodylen != FILE_KEY + TAG || s->arglen[2] == 0 || s->arglen[2] > 2 ||
	    s->arg[2][0] == '0')
		return smig_err_set(e, SMIG_ERR_INTEGRITY, _("'%s': malformed age scrypt stanza "
				      "(a 16-byte salt, a decimal work factor without leading zeros "
				      "and a 32-byte body expected)"), name);
	for (i = 0; i < s->arglen[2]; i++) {
		if (s->arg[2][i] < '0' || s->arg[2][i] > '9')
			return smig_err_set(e, SMIG_ERR_INTEGRITY,
					    _("'%s': malformed age scrypt stanza"), name);
		log2n = log2n * 10 + (s->arg[2][i] - '0');
	}
	if (k->passphrase == NULL)
		return 0;
	if (log2n > k->max_log2n)
		return smig_err_set(e, SMIG_ERR_INTEGRITY,
				    _("'%s': the age scrypt work factor 2^%d is above the limit 2^%d "
				      "(raise it with --max-scrypt-work if you trust the file)"),
				    name, log2n, k->max_log2n);
	if (scrypt_key(k, salt, log2n, key) < 0)
		return smig_err_set(e, SMIG_ERR_NOMEM, _("'%s': cannot run scrypt with work factor "
				      "2^%d (out of memory?)"), name, log2n);
	if (wrap_key(key, false, s->body, s->bodylen, fk) == 0)
		*found = true;
	OPENSSL_cleanse(key, sizeof(key));
	if (!*found)
		return smig_err_set(e, SMIG_ERR_INTEGRITY, _("'%s': wrong passphrase (the age scrypt "
				      "stanza does not open with it)"), name);
	return 0;
}

/* Find the file key in the header and check the MAC. */
static int unwrap(const char *name, const char *h, const struct header *hd,
		  const struct smig_age_keys *k, uint8_t fk[FILE_KEY], struct smig_err *e)
{
	bool found = false, has_scrypt = false, has_x25519 = false;
	uint8_t mac[32];
	size_t i;

	for (i = 0; i < hd->n; i++) {
		has_scrypt |= arg_is(&hd->st[i], 0, "scrypt");
		has_x25519 |= arg_is(&hd->st[i], 0, "X25519");
	}
	if (has_scrypt && hd->n > 1)
		return smig_err_set(e, SMIG_ERR_INTEGRITY, _("'%s': an age scrypt stanza must be the "
				      "only one in the header"), name);
	for (i = 0; i < hd->n && !found; i++) {
		const struct stanza *s = &hd->st[i];
		int r = 0;

		if (arg_is(s, 0, "X25519"))
			r = x25519_unwrap(name, s, k, fk, &found, e);
		else if (arg_is(s, 0, "scrypt"))
			r = scrypt_unwrap(name, s, k, fk, &found, e);
		/* any other stanza is for identities smig does not have: skipped */
		if (r < 0)
			return -1;
	}
	if (!found) {
		if (has_scrypt)
			return smig_err_set(e, SMIG_ERR_INTEGRITY, _("'%s' is encrypted with a "
					      "passphrase (age scrypt): give --passphrase-file"), name);
		if (k->passphrase != NULL && has_x25519)
			return smig_err_set(e, SMIG_ERR_INTEGRITY, _("'%s' is encrypted to age "
					      "recipients, not with a passphrase: give --identity"),
					    name);
		return smig_err_set(e, SMIG_ERR_INTEGRITY, _("'%s': no identity given matches any "
				      "of the age recipients"), name);
	}
	if (header_mac(fk, h, hd->mac_end, mac) < 0 || CRYPTO_memcmp(mac, hd->mac, 32) != 0)
		return smig_err_set(e, SMIG_ERR_INTEGRITY, _("'%s': the age header MAC does not "
				      "match (the header was modified)"), name);
	return 0;
}

/* Read and check the header, leave the reader at the first payload byte, keyed. */
static int open_age(struct smig_age_reader *r, const struct smig_age_keys *k,
		    struct smig_err *e)
{
	struct header *hd = NULL;
	uint8_t fk[FILE_KEY], pkey[32];
	size_t hlen = 0;
	int rc = -1;

	/* the header ends with the line starting "---"; fill() read all it can already */
	for (;;) {
		const unsigned char *d = memmem(r->in, r->inlen, "\n---", 4);
		const unsigned char *m =
		    d ? memchr(d + 1, '\n', r->inlen - (size_t)(d + 1 - r->in)) : NULL;

		if (m != NULL) {
			hlen = (size_t)(m + 1 - r->in);
			break;
		}
		if (r->inlen >= SMIG_AGE_HEADER_MAX || r->eof) {
			if (r->inlen >= SMIG_AGE_HEADER_MAX)
				smig_err_set(e, SMIG_ERR_INTEGRITY, _("'%s': the age header is larger "
					       "than %zu bytes"), r->name, SMIG_AGE_HEADER_MAX);
			else
				smig_err_set(e, SMIG_ERR_INTEGRITY, _("'%s': truncated age header "
					       "(no MAC line)"), r->name);
			goto out;
		}
		if (fill(r, e) < 0)
			goto out;
	}
	if (hlen > SMIG_AGE_HEADER_MAX) {
		smig_err_set(e, SMIG_ERR_INTEGRITY, _("'%s': the age header is larger than %zu bytes"),
			     r->name, SMIG_AGE_HEADER_MAX);
		goto out;
	}
	if (smig_age_keys_empty(k)) {
		smig_err_set(e, SMIG_ERR_USAGE, _("'%s': archive is encrypted (age): give --identity "
			       "or --passphrase-file"), r->name);
		goto out;
	}
	hd = calloc(1, sizeof(*hd));
	if (hd == NULL) {
		smig_err_nomem(e, _("reading an age header"));
		goto out;
	}
	if (parse_header(r->name, (const char *)r->in, hlen, hd, e) < 0 ||
	    unwrap(r->name, (const char *)r->in, hd, k, fk, e) < 0)
		goto out;
	r->inpos = hlen;
	if (r->inlen - r->inpos < NONCE && fill(r, e) < 0)
		goto out;
	if (r->inlen - r->inpos < NONCE) {
		smig_err_set(e, SMIG_ERR_INTEGRITY, _("'%s': the age payload is missing (the file "
			       "ends after the header)"), r->name);
		goto out;
	}
	if (hkdf(fk, FILE_KEY, r->in + r->inpos, NONCE, "payload", pkey, sizeof(pkey)) < 0 ||
	    (r->c = aead_new(pkey, false)) == NULL) {
		smig_err_set(e, SMIG_ERR_IO, _("cannot key the age payload (OpenSSL)"));
		goto out;
	}
	r->inpos += NONCE;
	rc = 0;
out:
	OPENSSL_cleanse(fk, sizeof(fk));
	OPENSSL_cleanse(pkey, sizeof(pkey));
	if (hd) {
		free(hd->bodies);
		free(hd);
	}
	return rc;
}

int smig_age_reader_open(int fd, const char *name, const struct smig_age_keys *k,
			 struct smig_age_reader **out, struct smig_err *e)
{
	static const char prefix[] = "age-encryption.org/";
	static const char armor[] = "-----BEGIN AGE ENCRYPTED FILE-----";
	struct smig_age_reader *r;
	size_t want = sizeof(armor) - 1;

	*out = NULL;
	r = calloc(1, sizeof(*r));
	if (r == NULL || (r->in = malloc(IN_CAP)) == NULL || (r->name = strdup(name)) == NULL) {
		smig_err_nomem(e, _("opening an archive"));
		goto fail;
	}
	r->fd = fd;
	/* just enough to tell: a read of a pipe returns what is there */
	while (!r->eof && r->inlen < want) {
		ssize_t n = read(fd, r->in + r->inlen, IN_CAP - r->inlen);

		if (n < 0 && errno == EINTR && !smig_interrupt_signal())
			continue;
		if (n < 0) {
			smig_err_sys(e, errno, _("cannot read '%s'"), name);
			goto fail;
		}
		if (n == 0)
			r->eof = true;
		r->inlen += (size_t)n;
	}
	if (r->inlen >= want && memcmp(r->in, armor, want) == 0) {
		smig_err_set(e, SMIG_ERR_INTEGRITY, _("'%s' is ASCII-armored age: decrypt it with "
			       "'age -d', or encrypt without --armor"), name);
		goto fail;
	}
	if (r->inlen >= sizeof(prefix) - 1 && memcmp(r->in, prefix, sizeof(prefix) - 1) == 0) {
		r->age = true;
		if (open_age(r, k, e) < 0)
			goto fail;
	}
	*out = r;
	return 0;
fail:
	smig_age_reader_free(r);
	return -1;
}

bool smig_age_reader_encrypted(const struct smig_age_reader *r)
{
	return r->age;
}

/* Open the chunk of `n` bytes at the input position, into `out`. */
static int open_chunk(struct smig_age_reader *r, size_t n, bool last, uint8_t *out)
{
	uint8_t nonce[12];

	chunk_nonce(r->counter, last, nonce);
	return aead_run(r->c, false, nonce, r->in + r->inpos, n, out);
}

static int chunk_err(struct smig_age_reader *r, size_t n, bool last, uint8_t *out,
		     struct smig_err *e)
{
	/* tell the common damage apart by trying the other flag */
	if (!last && open_chunk(r, CT_CHUNK, true, out) == 0)
		return smig_err_set(e, SMIG_ERR_INTEGRITY, _("'%s': data after the final age chunk"),
				    r->name);
	if (last && n == CT_CHUNK && open_chunk(r, CT_CHUNK, false, out) == 0)
		return smig_err_set(e, SMIG_ERR_INTEGRITY, _("'%s': the age payload is truncated "
				      "(it ends without its final chunk)"), r->name);
	return smig_err_set(e, SMIG_ERR_INTEGRITY, _("'%s': the age payload is damaged or truncated "
			      "(chunk %llu does not authenticate)"), r->name,
			    (unsigned long long)r->counter);
}

ssize_t smig_age_reader_read(struct smig_age_reader *r, void *buf, size_t cap,
			     struct smig_err *e)
{
	uint8_t *out = buf;
	size_t got = 0;

	if (!r->age) {
		ssize_t n;

		if (r->inpos < r->inlen) {
			size_t k = r->inlen - r->inpos < cap ? r->inlen - r->inpos : cap;

			memcpy(buf, r->in + r->inpos, k);
			r->inpos += k;
			return (ssize_t)k;
		}
		if (r->eof)
			return 0;
		do
			n = read(r->fd, buf, cap);
		while (n < 0 && errno == EINTR && !smig_interrupt_signal());
		if (n < 0)
			return smig_err_sys(e, errno, _("cannot read '%s'"), r->name);
		return n;
	}
	if (cap < PT_CHUNK)
		return smig_err_set(e, SMIG_ERR_USAGE, _("age: a read of less than 64 KiB"));
	while (!r->done && cap - got >= PT_CHUNK) {
		size_t avail = r->inlen - r->inpos;

		if (avail <= CT_CHUNK && !r->eof) {
			if (fill(r, e) < 0)
				return -1;
			continue;
		}
		if (avail > CT_CHUNK) {
			if (open_chunk(r, CT_CHUNK, false, out + got) < 0)
				return chunk_err(r, CT_CHUNK, false, out + got, e);
			r->inpos += CT_CHUNK;
			got += PT_CHUNK;
			r->counter++;
			continue;
		}
		/* the input ended: what is left is the final chunk */
		if (avail < TAG)
			return smig_err_set(e, SMIG_ERR_INTEGRITY, _("'%s': the age payload is "
					      "truncated (a chunk shorter than its tag)"), r->name);
		if (avail == TAG && r->counter > 0)
			return smig_err_set(e, SMIG_ERR_INTEGRITY, _("'%s': the final age chunk is "
					      "empty (only an empty payload may have one)"), r->name);
		if (open_chunk(r, avail, true, out + got) < 0)
			return chunk_err(r, avail, true, out + got, e);
		r->inpos += avail;
		got += avail - TAG;
		r->counter++;
		r->done = true;
	}
	return (ssize_t)got;
}

void smig_age_reader_free(struct smig_age_reader *r)
{
	if (r == NULL)
		return;
	EVP_CIPHER_CTX_free(r->c);
	free(r->in);
	free(r->name);
	free(r);
}
