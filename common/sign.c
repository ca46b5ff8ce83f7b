/* sign.c - signify-compatible Ed25519 keys and signatures, SHA-256, checksum lists. */
#include "sign.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "fileio.h"
#include "i18n.h"
#include "interrupt.h"
#include "winval.h"

#define COMMENT_HDR "untrusted comment: "
#define COMMENT_HDR_LEN (sizeof(COMMENT_HDR) - 1)
#define VERIFY_WITH "verify with "
/* A key file is two short lines; signify itself reads at most 2047 bytes of one. */
#define KEYFILE_MAX 4096

/* Binary structs of formats.md §14.4, big-endian numbers, no padding. */
#define PUB_LEN 42    /* "Ed" keynum[8] pk[32] */
#define SIG_LEN 74    /* "Ed" keynum[8] sig[64] */
#define SEC_LEN 104   /* "Ed" "BK" rounds[4] salt[16] checksum[8] keynum[8] seed[32] pk[32] */
#define SEC_ROUNDS 4
#define SEC_SALT 8
#define SEC_CHECKSUM 24
#define SEC_KEYNUM 32
#define SEC_SEED 40
#define SEC_PK 72

enum sfile_kind { SF_PUBKEY, SF_SIG, SF_SECKEY };

static const struct {
	size_t binlen;
	size_t b64len; /* 4 * ceil(binlen / 3): the exact length of the second line */
	const char *name;
} sfile[] = {
	[SF_PUBKEY] = {PUB_LEN, 56, N_("public key")},
	[SF_SIG] = {SIG_LEN, 100, N_("signature")},
	[SF_SECKEY] = {SEC_LEN, 140, N_("secret key")},
};

/* Fill `e` with an OpenSSL failure: `what` is "cannot <do something>". */
static int ossl_err(struct smig_err *e, const char *what)
{
	unsigned long code = ERR_get_error();
	char reason[256];

	if (code != 0)
		ERR_error_string_n(code, reason, sizeof(reason));
	else
		snprintf(reason, sizeof(reason), "%s", _("unknown OpenSSL error"));
	ERR_clear_error();
	return smig_err_set(e, SMIG_ERR_IO, "%s: %s", what, reason);
}

static bool is_b64char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '/' || c == '=';
}

/*
 * Parse the two lines every signify file starts with. `subject` names the file in messages
 * (already quoted). The decoded struct goes to `bin` (sfile[want].binlen bytes), the comment
 * text to `comment` (when not NULL), and *rest / *restlen get what follows the second line.
 * A file of another signify kind is named as such rather than called malformed.
 */
static int parse_sfile(const char *subject, const char *buf, size_t len, enum sfile_kind want,
		       uint8_t *bin, char *comment, const char **rest, size_t *restlen,
		       struct smig_err *e)
{
	const char *cend, *b64, *bend;
	unsigned char *dec = NULL;
	size_t clen, blen, declen = 0, i;
	int rc = -1;

	if (len < COMMENT_HDR_LEN || memcmp(buf, COMMENT_HDR, COMMENT_HDR_LEN) != 0) {
		smig_err_set(e, SMIG_ERR_FORMAT,
			     _("%s: not a signify file (the first line must start with '%s')"),
			     subject, COMMENT_HDR);
		goto out;
	}
	cend = memchr(buf, '\n', len);
	if (cend == NULL) {
		smig_err_set(e, SMIG_ERR_FORMAT, _("%s: the comment line does not end"), subject);
		goto out;
	}
	clen = (size_t)(cend - buf) - COMMENT_HDR_LEN;
	if (clen == 0 || clen >= SMIG_SIGN_COMMENT_MAX ||
	    memchr(buf + COMMENT_HDR_LEN, '\0', clen) != NULL) {
		smig_err_set(e, SMIG_ERR_FORMAT,
			     _("%s: the comment is empty, longer than %d bytes or holds a NUL"),
			     subject, SMIG_SIGN_COMMENT_MAX - 1);
		goto out;
	}
	b64 = cend + 1;
	bend = memchr(b64, '\n', len - (size_t)(b64 - buf));
	if (bend == NULL) {
		smig_err_set(e, SMIG_ERR_FORMAT, _("%s: missing newline after the base64 line"),
			     subject);
		goto out;
	}
	blen = (size_t)(bend - b64);
	if (blen != sfile[want].b64len) {
		for (i = 0; i < sizeof(sfile) / sizeof(sfile[0]); i++) {
			if (blen == sfile[i].b64len) {
				smig_err_set(e, SMIG_ERR_FORMAT,
					     _("%s is a signify %s, not a %s"), subject,
					     _(sfile[i].name), _(sfile[want].name));
				goto out;
			}
		}
		smig_err_set(e, SMIG_ERR_FORMAT,
			     _("%s: the base64 line has %zu characters, a signify %s has %zu"),
			     subject, blen, _(sfile[want].name), sfile[want].b64len);
		goto out;
	}
	/* smig_base64_decode skips whitespace: refuse it here so the length check holds. */
	for (i = 0; i < blen; i++) {
		if (!is_b64char(b64[i])) {
			smig_err_set(e, SMIG_ERR_FORMAT, _("%s: invalid character in the base64 line"),
				     subject);
			goto out;
		}
	}
	if (smig_base64_decode(b64, blen, &dec, &declen, e) < 0)
		goto out;
	if (declen != sfile[want].binlen) {
		smig_err_set(e, SMIG_ERR_FORMAT,
			     _("%s: the base64 line decodes to %zu bytes, not %zu"), subject, declen,
			     sfile[want].binlen);
		goto out;
	}
	if (memcmp(dec, "Ed", 2) != 0) {
		smig_err_set(e, SMIG_ERR_FORMAT,
			     _("%s: unsupported algorithm (only Ed25519 is known)"), subject);
		goto out;
	}
	memcpy(bin, dec, declen);
	if (comment != NULL) {
		memcpy(comment, buf + COMMENT_HDR_LEN, clen);
		comment[clen] = '\0';
	}
	*rest = bend + 1;
	*restlen = len - (size_t)(*rest - buf);
	rc = 0;
out:
	if (dec != NULL) {
		OPENSSL_cleanse(dec, declen);
		free(dec);
	}
	return rc;
}

/* Read a whole key file and parse it; nothing may follow the base64 line. */
static int read_keyfile(const char *path, enum sfile_kind want, uint8_t *bin, char *comment,
			struct smig_err *e)
{
	char *buf = NULL;
	char *subject = NULL;
	const char *rest;
	size_t len = 0, restlen;
	int rc = -1;

	if (smig_file_read(path, KEYFILE_MAX, NULL, &buf, &len, e) < 0)
		goto out;
	subject = smig_asprintf(e, "'%s'", path);
	if (subject == NULL)
		goto out;
	if (parse_sfile(subject, buf, len, want, bin, comment, &rest, &restlen, e) < 0)
		goto out;
	if (restlen != 0) {
		smig_err_set(e, SMIG_ERR_FORMAT, _("%s: unexpected data after the %s"), subject,
			     _(sfile[want].name));
		goto out;
	}
	rc = 0;
out:
	if (buf != NULL) {
		OPENSSL_cleanse(buf, len);
		free(buf);
	}
	free(subject);
	return rc;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* First 8 bytes of SHA-512 over seed || pk: signify's secret key checksum. */
static int seckey_checksum(const uint8_t seed[32], const uint8_t pk[32], uint8_t sum[8],
			   struct smig_err *e)
{
	uint8_t sk[64], md[64];
	unsigned int mdlen = 0;
	int rc = 0;

	memcpy(sk, seed, 32);
	memcpy(sk + 32, pk, 32);
	if (EVP_Digest(sk, sizeof(sk), md, &mdlen, EVP_sha512(), NULL) != 1 || mdlen != 64)
		rc = ossl_err(e, _("cannot compute the secret key checksum"));
	else
		memcpy(sum, md, 8);
	OPENSSL_cleanse(sk, sizeof(sk));
	OPENSSL_cleanse(md, sizeof(md));
	return rc;
}

/* The Ed25519 public key of `seed`. */
static int derive_pk(const uint8_t seed[32], uint8_t pk[32], struct smig_err *e)
{
	EVP_PKEY *pkey = NULL;
	size_t pklen = 32;
	int rc = -1;

	pkey = EVP_PKEY_new_raw_private_key_ex(NULL, "ED25519", NULL, seed, 32);
	if (pkey == NULL) {
		ossl_err(e, _("cannot load the Ed25519 secret key"));
		goto out;
	}
	if (EVP_PKEY_get_raw_public_key(pkey, pk, &pklen) != 1 || pklen != 32) {
		ossl_err(e, _("cannot derive the Ed25519 public key"));
		goto out;
	}
	rc = 0;
out:
	EVP_PKEY_free(pkey);
	return rc;
}

/* A comment must fit "<comment> secret key" in one line of signify's limit. */
static int check_comment(const char *comment, struct smig_err *e)
{
	const size_t max = SMIG_SIGN_COMMENT_MAX - sizeof(" secret key");

	/* strnlen: a struct's comment may lack its NUL; never read past the array. */
	if (strnlen(comment, max + 1) > max)
		return smig_err_set(e, SMIG_ERR_USAGE, _("key comment is longer than %zu bytes"),
				    max);
	if (strpbrk(comment, "\r\n") != NULL)
		return smig_err_set(e, SMIG_ERR_USAGE, _("key comment '%s' spans several lines"),
				    comment);
	return 0;
}

int smig_sign_keygen(struct smig_pubkey *pub, struct smig_seckey *sec, const char *comment,
		     struct smig_err *e)
{
	EVP_PKEY *pkey = NULL;
	size_t seedlen = 32, pklen = 32;
	int rc = -1;

	memset(pub, 0, sizeof(*pub));
	memset(sec, 0, sizeof(*sec));
	if (check_comment(comment, e) < 0)
		goto out;
	if (RAND_bytes(sec->keynum, sizeof(sec->keynum)) != 1) {
		ossl_err(e, _("cannot draw a random key number"));
		goto out;
	}
	pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	if (pkey == NULL) {
		ossl_err(e, _("cannot generate an Ed25519 key"));
		goto out;
	}
	if (EVP_PKEY_get_raw_private_key(pkey, sec->seed, &seedlen) != 1 || seedlen != 32 ||
	    EVP_PKEY_get_raw_public_key(pkey, sec->pk, &pklen) != 1 || pklen != 32) {
		ossl_err(e, _("cannot extract the generated Ed25519 key"));
		goto out;
	}
	/* check_comment() bounded the length below the buffer size. */
	memcpy(sec->comment, comment, strlen(comment) + 1);
	memcpy(pub->comment, comment, strlen(comment) + 1);
	memcpy(pub->keynum, sec->keynum, sizeof(pub->keynum));
	memcpy(pub->pk, sec->pk, sizeof(pub->pk));
	rc = 0;
out:
	EVP_PKEY_free(pkey);
	if (rc < 0)
		smig_seckey_wipe(sec);
	return rc;
}

/* Create `path` (never replacing a file) and write `data`; on failure it is removed. */
static int write_new_file(const char *path, const void *data, size_t len, mode_t mode,
			  struct smig_err *e)
{
	const char *p = data;
	int fd = -1, rc = -1;
	bool created = false;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0) {
		smig_err_sys(e, errno, _("cannot create '%s'"), path);
		goto out;
	}
	created = true;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			smig_err_sys(e, errno, _("cannot write '%s'"), path);
			goto out;
		}
		p += n;
		len -= (size_t)n;
	}
	if (fsync(fd) < 0) {
		smig_err_sys(e, errno, _("cannot write '%s'"), path);
		goto out;
	}
	rc = close(fd);
	fd = -1;
	if (rc < 0)
		smig_err_sys(e, errno, _("cannot write '%s'"), path);
out:
	if (fd >= 0)
		close(fd);
	if (rc < 0 && created)
		unlink(path);
	return rc;
}

/*
 * "untrusted comment: <comment><suffix>\n<base64(bin)>\n", malloc'd, NUL-terminated; *len is
 * its length. Built by hand rather than with asprintf so that no stray copy of a secret key
 * is left in freed memory: the caller cleanses the one buffer.
 */
static char *sfile_text(const char *comment, const char *suffix, const uint8_t *bin,
			size_t binlen, size_t *len, struct smig_err *e)
{
	char *b64 = NULL, *text = NULL, *p;
	size_t clen = strlen(comment), slen = strlen(suffix), blen;

	b64 = smig_base64_encode(bin, binlen);
	if (b64 == NULL) {
		smig_err_nomem(e, _("encoding a signify file"));
		goto out;
	}
	blen = strlen(b64);
	*len = COMMENT_HDR_LEN + clen + slen + 1 + blen + 1;
	text = malloc(*len + 1);
	if (text == NULL) {
		smig_err_nomem(e, _("encoding a signify file"));
		goto out;
	}
	p = text;
	memcpy(p, COMMENT_HDR, COMMENT_HDR_LEN);
	p += COMMENT_HDR_LEN;
	memcpy(p, comment, clen);
	p += clen;
	memcpy(p, suffix, slen);
	p += slen;
	*p++ = '\n';
	memcpy(p, b64, blen);
	p += blen;
	*p++ = '\n';
	*p = '\0';
out:
	if (b64 != NULL) {
		OPENSSL_cleanse(b64, strlen(b64));
		free(b64);
	}
	return text;
}

int smig_sign_write_keys(const char *pub_path, const char *sec_path,
			 const struct smig_pubkey *pub, const struct smig_seckey *sec,
			 struct smig_err *e)
{
	uint8_t pbin[PUB_LEN], sbin[SEC_LEN];
	char *ptext = NULL, *stext = NULL;
	size_t plen = 0, slen = 0;
	int rc = -1;

	if (check_comment(pub->comment, e) < 0 || check_comment(sec->comment, e) < 0)
		goto out;
	if (CRYPTO_memcmp(pub->keynum, sec->keynum, 8) != 0 ||
	    CRYPTO_memcmp(pub->pk, sec->pk, 32) != 0) {
		smig_err_set(e, SMIG_ERR_USAGE,
			     _("cannot write '%s' and '%s': the keys are not one pair"), pub_path,
			     sec_path);
		goto out;
	}

	memcpy(pbin, "Ed", 2);
	memcpy(pbin + 2, pub->keynum, 8);
	memcpy(pbin + 10, pub->pk, 32);

	/* rounds 0: no passphrase, so the secret is stored as is (signify -n). The salt is
	 * unused then, but signify fills it anyway; so do we. */
	memcpy(sbin, "EdBK", 4);
	put_be32(sbin + SEC_ROUNDS, 0);
	if (RAND_bytes(sbin + SEC_SALT, 16) != 1) {
		ossl_err(e, _("cannot draw a random salt"));
		goto out;
	}
	if (seckey_checksum(sec->seed, sec->pk, sbin + SEC_CHECKSUM, e) < 0)
		goto out;
	memcpy(sbin + SEC_KEYNUM, sec->keynum, 8);
	memcpy(sbin + SEC_SEED, sec->seed, 32);
	memcpy(sbin + SEC_PK, sec->pk, 32);

	ptext = sfile_text(pub->comment, " public key", pbin, sizeof(pbin), &plen, e);
	stext = sfile_text(sec->comment, " secret key", sbin, sizeof(sbin), &slen, e);
	if (ptext == NULL || stext == NULL)
		goto out;
	if (write_new_file(sec_path, stext, slen, 0600, e) < 0)
		goto out;
	if (write_new_file(pub_path, ptext, plen, 0644, e) < 0) {
		unlink(sec_path);
		goto out;
	}
	rc = 0;
out:
	OPENSSL_cleanse(sbin, sizeof(sbin));
	if (stext != NULL) {
		OPENSSL_cleanse(stext, slen);
		free(stext);
	}
	free(ptext);
	return rc;
}

int smig_sign_read_pubkey(const char *path, struct smig_pubkey *pub, struct smig_err *e)
{
	uint8_t bin[PUB_LEN];

	memset(pub, 0, sizeof(*pub));
	if (read_keyfile(path, SF_PUBKEY, bin, pub->comment, e) < 0) {
		memset(pub, 0, sizeof(*pub));
		return -1;
	}
	memcpy(pub->keynum, bin + 2, 8);
	memcpy(pub->pk, bin + 10, 32);
	return 0;
}

int smig_sign_read_seckey(const char *path, struct smig_seckey *sec, struct smig_err *e)
{
	uint8_t bin[SEC_LEN], sum[8], pk[32];
	uint32_t rounds;
	int rc = -1;

	memset(sec, 0, sizeof(*sec));
	if (read_keyfile(path, SF_SECKEY, bin, sec->comment, e) < 0)
		goto out;
	if (memcmp(bin + 2, "BK", 2) != 0) {
		smig_err_set(e, SMIG_ERR_FORMAT,
			     _("'%s': unsupported key derivation in the secret key "
			       "(only BK is known)"), path);
		goto out;
	}
	rounds = get_be32(bin + SEC_ROUNDS);
	if (rounds != 0) {
		smig_err_set(e, SMIG_ERR_USAGE,
			     _("'%s': the secret key is protected by a passphrase; smig needs a key "
			       "made with 'smig-export keygen' or 'signify -G -n'"), path);
		goto out;
	}
	memcpy(sec->keynum, bin + SEC_KEYNUM, 8);
	memcpy(sec->seed, bin + SEC_SEED, 32);
	memcpy(sec->pk, bin + SEC_PK, 32);
	if (seckey_checksum(sec->seed, sec->pk, sum, e) < 0)
		goto out;
	if (CRYPTO_memcmp(sum, bin + SEC_CHECKSUM, 8) != 0) {
		smig_err_set(e, SMIG_ERR_INTEGRITY,
			     _("'%s': the secret key does not match its checksum (damaged file)"),
			     path);
		goto out;
	}
	/* The checksum covers pk too, but a key made by hand could still pair a seed with a
	 * foreign public half; signatures would then not verify. Catch that here. */
	if (derive_pk(sec->seed, pk, e) < 0)
		goto out;
	if (CRYPTO_memcmp(pk, sec->pk, 32) != 0) {
		smig_err_set(e, SMIG_ERR_INTEGRITY,
			     _("'%s': the public half of the secret key does not match its seed"),
			     path);
		goto out;
	}
	rc = 0;
out:
	OPENSSL_cleanse(bin, sizeof(bin));
	if (rc < 0)
		smig_seckey_wipe(sec);
	return rc;
}

void smig_seckey_wipe(struct smig_seckey *sec)
{
	if (sec != NULL)
		OPENSSL_cleanse(sec, sizeof(*sec));
}

int smig_ed25519_sign(const uint8_t seed[32], const void *msg, size_t len, uint8_t sig[64],
		      struct smig_err *e)
{
	EVP_PKEY *pkey = NULL;
	EVP_MD_CTX *ctx = NULL;
	size_t siglen = 64;
	int rc = -1;

	pkey = EVP_PKEY_new_raw_private_key_ex(NULL, "ED25519", NULL, seed, 32);
	if (pkey == NULL) {
		ossl_err(e, _("cannot load the Ed25519 secret key"));
		goto out;
	}
	ctx = EVP_MD_CTX_new();
	if (ctx == NULL) {
		smig_err_nomem(e, _("signing"));
		goto out;
	}
	/* Pure Ed25519 is one-shot: NULL digest, one EVP_DigestSign over the whole message. */
	if (EVP_DigestSignInit_ex(ctx, NULL, NULL, NULL, NULL, pkey, NULL) != 1 ||
	    EVP_DigestSign(ctx, sig, &siglen, len > 0 ? msg : (const void *)"", len) != 1 ||
	    siglen != 64) {
		ossl_err(e, _("cannot make an Ed25519 signature"));
		goto out;
	}
	rc = 0;
out:
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	return rc;
}

int smig_ed25519_verify(const uint8_t pk[32], const void *msg, size_t len, const uint8_t sig[64])
{
	EVP_PKEY *pkey = NULL;
	EVP_MD_CTX *ctx = NULL;
	int rc = -1;

	pkey = EVP_PKEY_new_raw_public_key_ex(NULL, "ED25519", NULL, pk, 32);
	ctx = EVP_MD_CTX_new();
	if (pkey == NULL || ctx == NULL)
		goto out;
	if (EVP_DigestVerifyInit_ex(ctx, NULL, NULL, NULL, NULL, pkey, NULL) != 1)
		goto out;
	if (EVP_DigestVerify(ctx, sig, 64, len > 0 ? msg : (const void *)"", len) == 1)
		rc = 0;
out:
	/* A bad signature leaves an entry on OpenSSL's error queue; it is not an error here. */
	ERR_clear_error();
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	return rc;
}

int smig_sign_embedded(const struct smig_seckey *sec, const char *keyname, const void *msg,
		       size_t msglen, char **out, size_t *outlen, struct smig_err *e)
{
	uint8_t bin[SIG_LEN];
	char *comment = NULL, *head = NULL, *buf = NULL;
	size_t hlen = 0;
	int rc = -1;

	*out = NULL;
	*outlen = 0;
	if (msglen > SMIG_SIGN_MSG_MAX) {
		smig_err_set(e, SMIG_ERR_USAGE,
			     _("cannot sign %zu bytes: signify verifies at most %zu"), msglen,
			     SMIG_SIGN_MSG_MAX);
		goto out;
	}
	if (keyname[0] == '\0' || strpbrk(keyname, "\r\n") != NULL ||
	    strlen(keyname) + sizeof(VERIFY_WITH ".pub") > SMIG_SIGN_COMMENT_MAX) {
		smig_err_set(e, SMIG_ERR_USAGE,
			     _("key name '%s' cannot be used in a signature comment"), keyname);
		goto out;
	}
	memcpy(bin, "Ed", 2);
	memcpy(bin + 2, sec->keynum, 8);
	if (smig_ed25519_sign(sec->seed, msg, msglen, bin + 10, e) < 0)
		goto out;
	comment = smig_asprintf(e, VERIFY_WITH "%s.pub", keyname);
	if (comment == NULL)
		goto out;
	head = sfile_text(comment, "", bin, sizeof(bin), &hlen, e);
	if (head == NULL)
		goto out;
	buf = malloc(hlen + msglen + 1);
	if (buf == NULL) {
		smig_err_nomem(e, _("building a signature file"));
		goto out;
	}
	memcpy(buf, head, hlen);
	if (msglen > 0)
		memcpy(buf + hlen, msg, msglen);
	buf[hlen + msglen] = '\0';
	*out = buf;
	*outlen = hlen + msglen;
	rc = 0;
out:
	free(comment);
	free(head);
	return rc;
}

int smig_sign_verify_embedded(const struct smig_pubkey *pub, const char *sigfile, size_t siglen,
			      const char **msg, size_t *msglen, struct smig_err *e)
{
	uint8_t bin[SIG_LEN];
	const char *rest = NULL;
	size_t restlen = 0;

	*msg = NULL;
	*msglen = 0;
	if (parse_sfile(_("embedded signature"), sigfile, siglen, SF_SIG, bin, NULL, &rest,
			&restlen, e) < 0)
		return -1;
	if (restlen > SMIG_SIGN_MSG_MAX)
		return smig_err_set(e, SMIG_ERR_INTEGRITY,
				    _("the signed message is %zu bytes, more than signify's limit "
				      "of %zu"), restlen, SMIG_SIGN_MSG_MAX);
	if (CRYPTO_memcmp(bin + 2, pub->keynum, 8) != 0) {
		char theirs[17], ours[17];

		smig_hex(bin + 2, 8, theirs);
		smig_hex(pub->keynum, 8, ours);
		return smig_err_set(e, SMIG_ERR_INTEGRITY,
				    _("signature was made with a different key (key number %s, the "
				      "public key has %s)"), theirs, ours);
	}
	if (smig_ed25519_verify(pub->pk, rest, restlen, bin + 10) < 0)
		return smig_err_set(e, SMIG_ERR_INTEGRITY, _("signature verification failed"));
	*msg = rest;
	*msglen = restlen;
	return 0;
}

/* ---- SHA-256 ---- */

int smig_sha256_init(struct smig_sha256 *h, struct smig_err *e)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	h->ctx = NULL;
	if (ctx == NULL)
		return smig_err_nomem(e, _("hashing"));
	if (EVP_DigestInit_ex2(ctx, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(ctx);
		return ossl_err(e, _("cannot start a SHA-256 hash"));
	}
	h->ctx = ctx;
	return 0;
}

void smig_sha256_update(struct smig_sha256 *h, const void *data, size_t len)
{
	/* The default provider's SHA-256 update cannot fail on a started context. */
	if (h->ctx != NULL && len > 0)
		EVP_DigestUpdate(h->ctx, data, len);
}

void smig_sha256_final(struct smig_sha256 *h, uint8_t out[32])
{
	unsigned int n = 0;

	/* Without a context (init failed) there is no digest: zeros, which the caller must
	 * not reach since init reported the failure. */
	if (h->ctx == NULL || EVP_DigestFinal_ex(h->ctx, out, &n) != 1 || n != 32)
		memset(out, 0, 32);
	smig_sha256_abort(h);
}

void smig_sha256_abort(struct smig_sha256 *h)
{
	EVP_MD_CTX_free(h->ctx);
	h->ctx = NULL;
}

static const uint8_t zero_block[64 << 10];

void smig_sha256_zeros(struct smig_sha256 *h, uint64_t n)
{
	while (n > 0) {
		size_t k = n < sizeof(zero_block) ? (size_t)n : sizeof(zero_block);

		smig_sha256_update(h, zero_block, k);
		n -= k;
	}
}

int smig_sha256_hole(struct smig_sha256 *h, uint64_t n, struct smig_err *e)
{
	const uint64_t slice = (uint64_t)256 << 20;

	while (n > 0) {
		uint64_t k = n < slice ? n : slice;

		if (smig_interrupt_check(e) < 0)
			return -1;
		smig_sha256_zeros(h, k);
		n -= k;
	}
	return 0;
}

/* Hash [off, end) of `fd` by reading it. */
static int hash_range(struct smig_sha256 *h, int fd, off_t off, off_t end, unsigned char *buf,
		      size_t bufsz, const char *what, struct smig_err *e)
{
	while (off < end) {
		size_t want = (uint64_t)(end - off) < bufsz ? (size_t)(end - off) : bufsz;
		ssize_t n = pread(fd, buf, want, off);

		if (smig_interrupt_check(e) < 0)
			return -1;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return smig_err_sys(e, errno, _("cannot read '%s'"), what);
		if (n == 0)
			return smig_err_set(e, SMIG_ERR_IO, _("'%s' became shorter while being hashed"),
					    what);
		smig_sha256_update(h, buf, (size_t)n);
		off += n;
	}
	return 0;
}

int smig_sha256_file(const char *path, const char *what, uint8_t out[32], struct smig_err *e)
{
	enum { BUFSZ = 1 << 20 };
	struct smig_sha256 h = {NULL};
	unsigned char *buf = NULL;
	struct stat st;
	off_t off = 0;
	int fd, rc = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return smig_err_sys(e, errno, _("cannot open '%s'"), what);
	if (fstat(fd, &st) < 0) {
		smig_err_sys(e, errno, _("cannot read '%s'"), what);
		goto out;
	}
	buf = malloc(BUFSZ);
	if (!buf) {
		smig_err_nomem(e, _("hashing a file"));
		goto out;
	}
	if (smig_sha256_init(&h, e) < 0)
		goto out;
	while (off < st.st_size) {
		off_t data, hole;

		smig_file_next_data(fd, off, st.st_size, &data, &hole);
		if (smig_sha256_hole(&h, (uint64_t)(data - off), e) < 0)
			goto out;
		if (hash_range(&h, fd, data, hole, buf, BUFSZ, what, e) < 0)
			goto out;
		off = hole;
	}
	smig_sha256_final(&h, out);
	rc = 0;
out:
	smig_sha256_abort(&h);
	free(buf);
	close(fd);
	return rc;
}

/* Not OPENSSL_buf2hexstr_ex: it writes upper case, and sha256sum, signify and the checksum
 * list (whose reader below accepts lower case only, as signify -C writes it) want lower. */
void smig_hex(const uint8_t *bin, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[bin[i] >> 4];
		out[2 * i + 1] = digits[bin[i] & 15];
	}
	out[2 * len] = '\0';
}

/* ---- checksum lists ---- */

#define SUM_PREFIX "SHA256 ("
#define SUM_PREFIX_LEN (sizeof(SUM_PREFIX) - 1)
#define SUM_MID ") = "
#define SUM_MID_LEN (sizeof(SUM_MID) - 1)
#define SUM_PATH_MAX 4096

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Parse one line (without its LF) into `out`; line numbers count from 1. */
static int parse_sumline(const char *line, size_t len, size_t lineno, struct smig_sumline *out,
			 struct smig_err *e)
{
	const char *path = line + SUM_PREFIX_LEN, *hex;
	size_t plen, i;

	if (len < SUM_PREFIX_LEN + 1 + SUM_MID_LEN + 64 ||
	    memcmp(line, SUM_PREFIX, SUM_PREFIX_LEN) != 0 ||
	    memcmp(line + len - 64 - SUM_MID_LEN, SUM_MID, SUM_MID_LEN) != 0)
		return smig_err_set(e, SMIG_ERR_FORMAT,
				    _("checksum list line %zu: expected 'SHA256 (<path>) = <64 hex "
				      "digits>'"), lineno);
	plen = len - SUM_PREFIX_LEN - SUM_MID_LEN - 64;
	if (plen > SUM_PATH_MAX)
		return smig_err_set(e, SMIG_ERR_FORMAT,
				    _("checksum list line %zu: the path is longer than %d bytes"),
				    lineno, SUM_PATH_MAX);
	for (i = 0; i < plen; i++) {
		unsigned char c = (unsigned char)path[i];
		if (c < 0x20 || c == 0x7f)
			return smig_err_set(e, SMIG_ERR_FORMAT,
					    _("checksum list line %zu: control character in the path"),
					    lineno);
	}
	hex = line + len - 64;
	for (i = 0; i < 32; i++) {
		int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return smig_err_set(e, SMIG_ERR_FORMAT,
					    _("checksum list line %zu: the digest is not 64 "
					      "lowercase hex digits"), lineno);
		out->digest[i] = (uint8_t)(hi << 4 | lo);
	}
	out->path = smig_strndup(path, plen, e);
	return out->path == NULL ? -1 : 0;
}

int smig_sumlist_parse(const char *text, size_t len, struct smig_sumline **lines, size_t *count,
		       struct smig_err *e)
{
	struct smig_sumline *v = NULL;
	size_t n = 0, max = 0, off, i;
	int rc = -1;

	*lines = NULL;
	*count = 0;
	if (len == 0)
		return 0;
	if (text[len - 1] != '\n') {
		smig_err_set(e, SMIG_ERR_FORMAT, _("checksum list: the last line has no newline"));
		goto out;
	}
	/* One entry per LF; the last byte is one. */
	max = 1;
	for (i = 0; i + 1 < len; i++)
		max += text[i] == '\n';
	v = calloc(max, sizeof(*v));
	if (v == NULL) {
		smig_err_nomem(e, _("parsing a checksum list"));
		goto out;
	}
	for (off = 0; off < len; n++) {
		const char *line = text + off;
		const char *nl = memchr(line, '\n', len - off);
		size_t llen = (size_t)(nl - line);

		if (parse_sumline(line, llen, n + 1, &v[n], e) < 0)
			goto out;
		/* Strictly increasing bytewise order: sorted, and no name twice. */
		if (n > 0 && strcmp(v[n - 1].path, v[n].path) >= 0) {
			smig_err_set(e, SMIG_ERR_FORMAT,
				     _("checksum list line %zu: '%s' %s"), n + 1, v[n].path,
				     strcmp(v[n - 1].path, v[n].path) == 0
					     ? _("is listed twice")
					     : _("is out of order (the list must be sorted)"));
			n++;
			goto out;
		}
		off += llen + 1;
	}
	*lines = v;
	*count = n;
	v = NULL;
	rc = 0;
out:
	smig_sumlist_free(v, n);
	return rc;
}

void smig_sumlist_free(struct smig_sumline *lines, size_t count)
{
	size_t i;

	if (lines == NULL)
		return;
	for (i = 0; i < count; i++)
		free(lines[i].path);
	free(lines);
}
