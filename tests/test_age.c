/*
 * test_age.c - the age v1 format (common/age.c, export.md §8) against the `age` binary
 * (Debian package age): files smig encrypts decrypt with `age -d`, files `age -r` encrypts
 * decrypt here, for payload sizes around the 64 KiB chunk; bech32 keys against age-keygen;
 * and hostile input: wrong keys, a modified MAC, a wrong version line, non-canonical base64,
 * an oversized header, truncation at every boundary, data after the final chunk, an empty
 * final chunk, stanzas smig does not know, scrypt beside another stanza or above the work
 * bound, and key files others can read. Where a crafted file needs a valid MAC, this test
 * recomputes it with its own OpenSSL calls, and `age -d` is asked whether it agrees.
 */
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include "age.h"

#define KIB64 ((size_t)65536)

#define NEED_AGE()                                                                       \
	do {                                                                             \
		if (!tu_have("age") || !tu_have("age-keygen")) {                         \
			print_message("age is not installed; skipping\n");               \
			skip();                                                          \
		}                                                                        \
	} while (0)

struct fx {
	char *dir;
	char *id;   /* identity file (age-keygen) */
	char pub[SMIG_AGE_RECIPIENT_LEN + 1];
	struct smig_age_keys rk, ik; /* its recipient, its identity */
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct smig_err e = SMIG_ERR_INIT;
	char *pubfile, *text;
	size_t len;

	if (!tu_have("age") || !tu_have("age-keygen")) {
		*state = NULL;
		free(f);
		return 0;
	}
	f->dir = tu_mkdtemp();
	f->id = tu_fmt("%s/id.txt", f->dir);
	pubfile = tu_fmt("%s/pub.txt", f->dir);
	assert_int_equal(tu_sh("age-keygen -o '%s' 2>/dev/null && age-keygen -y '%s' >'%s'",
			       f->id, f->id, pubfile), 0);
	text = tu_read(pubfile, &len);
	assert_int_equal(len, SMIG_AGE_RECIPIENT_LEN + 1);
	memcpy(f->pub, text, SMIG_AGE_RECIPIENT_LEN);
	free(text);
	free(pubfile);
	smig_age_keys_init(&f->rk);
	smig_age_keys_init(&f->ik);
	assert_int_equal(smig_age_add_recipients(&f->rk, f->pub, &e), 0);
	assert_int_equal(smig_age_add_identity_file(&f->ik, f->id, &e), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	if (f == NULL)
		return 0;
	smig_age_keys_wipe(&f->rk);
	smig_age_keys_wipe(&f->ik);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f->id);
	free(f);
	return 0;
}

/* ---- helpers ---- */

static int fd_sink(void *ctx, const void *buf, size_t len)
{
	int fd = *(int *)ctx;
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0)
			return errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static uint8_t *random_bytes(size_t n)
{
	uint8_t *p = malloc(n ? n : 1);

	assert_non_null(p);
	if (n)
		assert_int_equal(RAND_bytes(p, (int)n), 1);
	return p;
}

/* Encrypt with smig, fed in uneven pieces (some larger than a chunk). */
static void smig_encrypt(const struct smig_age_keys *k, const uint8_t *d, size_t n,
			 const char *path)
{
	static const size_t pieces[] = {1, 7777, KIB64 - 1, 3 * KIB64 + 5, 100};
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_age_writer *w = NULL;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	size_t off = 0, i = 0;

	assert_true(fd >= 0);
	assert_int_equal(smig_age_writer_new(k, fd_sink, &fd, &w, &e), 0);
	while (off < n) {
		size_t m = pieces[i++ % 5];

		if (m > n - off)
			m = n - off;
		assert_int_equal(smig_age_writer_write(w, d + off, m), 0);
		off += m;
	}
	assert_int_equal(smig_age_writer_finish(w), 0);
	smig_age_writer_free(w);
	close(fd);
}

/* Decrypt with smig; returns 0 (*out malloc'd) or -1 with `e` set. */
static int smig_decrypt(const struct smig_age_keys *k, const char *path, uint8_t **out,
			size_t *outlen, struct smig_err *e)
{
	struct smig_age_reader *r = NULL;
	size_t cap = (size_t)1 << 20, len = 0;
	uint8_t *buf = malloc(cap);
	int fd = open(path, O_RDONLY), rc = -1;

	assert_true(fd >= 0);
	assert_non_null(buf);
	if (smig_age_reader_open(fd, path, k, &r, e) < 0)
		goto out;
	for (;;) {
		ssize_t n;

		if (cap - len < ((size_t)1 << 20)) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		n = smig_age_reader_read(r, buf + len, (size_t)1 << 20, e);
		if (n < 0)
			goto out;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	*out = buf;
	*outlen = len;
	buf = NULL;
	rc = 0;
out:
	smig_age_reader_free(r);
	free(buf);
	close(fd);
	return rc;
}

static void expect_plain(const struct smig_age_keys *k, const char *path, const uint8_t *d,
			 size_t n)
{
	struct smig_err e = SMIG_ERR_INIT;
	uint8_t *out = NULL;
	size_t len = 0;

	if (smig_decrypt(k, path, &out, &len, &e) < 0)
		fail_msg("%s: %s", path, e.msg);
	assert_int_equal(len, n);
	assert_memory_equal(out, d, n ? n : 0);
	free(out);
}

/* The decryption must fail with `kind` and a message holding `needle`. */
static void expect_refused(const struct smig_age_keys *k, const char *path,
			   enum smig_err_kind kind, const char *needle)
{
	struct smig_err e = SMIG_ERR_INIT;
	uint8_t *out = NULL;
	size_t len = 0;

	if (smig_decrypt(k, path, &out, &len, &e) == 0)
		fail_msg("%s was accepted (%zu bytes); expected '%s'", path, len, needle);
	if (e.kind != kind || strstr(e.msg, needle) == NULL)
		fail_msg("%s: kind %d '%s'; expected kind %d with '%s'", path, e.kind, e.msg,
			 kind, needle);
}

static void write_file(const char *path, const void *d, size_t n)
{
	tu_write(path, d, n);
}

/* ---- an independent key schedule, to craft files with a valid MAC ---- */

static size_t unb64(const char *s, size_t n, uint8_t *out)
{
	char tmp[256];
	size_t pad = (4 - n % 4) % 4;
	int got;

	assert_true(n + pad < sizeof(tmp));
	memcpy(tmp, s, n);
	memset(tmp + n, '=', pad);
	got = EVP_DecodeBlock(out, (const unsigned char *)tmp, (int)(n + pad));
	assert_true(got >= 0);
	return (size_t)got - pad;
}

static void b64(const uint8_t *d, size_t n, char *out)
{
	int len = EVP_EncodeBlock((unsigned char *)out, d, (int)n);

	while (len > 0 && out[len - 1] == '=')
		out[--len] = '\0';
}

static void hkdf(const uint8_t *ikm, size_t ikmlen, const uint8_t *salt, size_t saltlen,
		 const char *info, uint8_t *out, size_t outlen)
{
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	EVP_KDF_CTX *c = EVP_KDF_CTX_new(kdf);
	OSSL_PARAM p[5], *q = p;

	*q++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0);
	*q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)ikm, ikmlen);
	if (saltlen)
		*q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt,
							 saltlen);
	*q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)info,
						 strlen(info));
	*q = OSSL_PARAM_construct_end();
	assert_int_equal(EVP_KDF_derive(c, out, outlen, p), 1);
	EVP_KDF_CTX_free(c);
	EVP_KDF_free(kdf);
}

static int chacha(bool seal, const uint8_t key[32], const uint8_t nonce[12], const uint8_t *in,
		  size_t len, uint8_t *out)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n = 0, m = 0, ok;
	size_t body = seal ? len : len - 16;

	ok = EVP_CipherInit_ex(c, EVP_chacha20_poly1305(), NULL, key, nonce, seal) == 1;
	if (ok && !seal)
		ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, 16, (void *)(in + body)) == 1;
	if (ok && body)
		ok = EVP_CipherUpdate(c, out, &n, in, (int)body) == 1;
	if (ok)
		ok = EVP_CipherFinal_ex(c, out + n, &m) == 1;
	if (ok && seal)
		ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, 16, out + body) == 1;
	EVP_CIPHER_CTX_free(c);
	return ok ? 0 : -1;
}

/* The file key of an X25519 file (the first stanza) for secret key sk. */
static void file_key(const char *file, const uint8_t sk[32], uint8_t fk[16])
{
	const char *s = strstr(file, "\n-> X25519 ") + 11, *nl = strchr(s, '\n');
	uint8_t share[40], body[40], shared[32], pk[32], salt[64], key[32];
	static const uint8_t zero[12];
	EVP_PKEY *a = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, sk, 32);
	EVP_PKEY *b;
	EVP_PKEY_CTX *c;
	size_t n = 32;

	assert_int_equal(unb64(s, (size_t)(nl - s), share), 32);
	s = nl + 1;
	nl = strchr(s, '\n');
	assert_int_equal(unb64(s, (size_t)(nl - s), body), 32);
	b = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, share, 32);
	c = EVP_PKEY_CTX_new(a, NULL);
	assert_int_equal(EVP_PKEY_derive_init(c), 1);
	assert_int_equal(EVP_PKEY_derive_set_peer(c, b), 1);
	assert_int_equal(EVP_PKEY_derive(c, shared, &n), 1);
	assert_int_equal(EVP_PKEY_get_raw_public_key(a, pk, &n), 1);
	memcpy(salt, share, 32);
	memcpy(salt + 32, pk, 32);
	hkdf(shared, 32, salt, 64, "age-encryption.org/v1/X25519", key, 32);
	assert_int_equal(chacha(false, key, zero, body, 32, fk), 0);
	EVP_PKEY_CTX_free(c);
	EVP_PKEY_free(a);
	EVP_PKEY_free(b);
}

/* Write `hdr` (through "---") with its MAC under fk, then `rest` (nonce and payload). */
static void write_with_mac(const char *path, const char *hdr, const uint8_t fk[16],
			   const uint8_t *rest, size_t restlen)
{
	uint8_t key[32], mac[32];
	unsigned mlen = 0;
	char m64[64];
	FILE *fp = fopen(path, "wb");

	hkdf(fk, 16, NULL, 0, "header", key, 32);
	HMAC(EVP_sha256(), key, 32, (const uint8_t *)hdr, strlen(hdr), mac, &mlen);
	b64(mac, 32, m64);
	assert_non_null(fp);
	fprintf(fp, "%s %s\n", hdr, m64);
	fwrite(rest, 1, restlen, fp);
	fclose(fp);
}

static void identity_secret(struct fx *f, uint8_t sk[32])
{
	memcpy(sk, f->ik.x25519[0], 32);
}

/* Split an age file into its header through "---" (NUL-terminated, malloc'd) and what
 * follows the MAC line. */
static char *split(const char *file, size_t len, const uint8_t **rest, size_t *restlen)
{
	const char *m = strstr(file, "\n---") + 4;
	const char *nl = memchr(m, '\n', len - (size_t)(m - file));
	char *hdr = strndup(file, (size_t)(m - file));

	*rest = (const uint8_t *)nl + 1;
	*restlen = len - (size_t)(nl + 1 - file);
	return hdr;
}

/* ---- tests ---- */

static void keys_match_age_keygen(void **state)
{
	struct fx *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	char rec[SMIG_AGE_RECIPIENT_LEN + 1], bad[SMIG_AGE_RECIPIENT_LEN + 1];
	uint8_t pk[32], sk[32];

	NEED_AGE();
	/* the identity's recipient, computed here, is the one age-keygen -y printed */
	assert_int_equal(smig_age_identity_recipient(f->ik.x25519[0], rec, &e), 0);
	assert_string_equal(rec, f->pub);
	assert_int_equal(smig_age_parse_recipient(f->pub, pk, &e), 0);
	assert_memory_equal(pk, f->rk.x25519[0], 32);
	/* one character changed: the checksum catches it */
	memcpy(bad, f->pub, sizeof(bad));
	bad[10] = bad[10] == 'q' ? 'p' : 'q';
	assert_int_equal(smig_age_parse_recipient(bad, pk, &e), -1);
	assert_non_null(strstr(e.msg, "checksum"));
	smig_err_clear(&e);
	/* mixed case, upper case recipient, a lower case identity, the wrong prefix */
	memcpy(bad, f->pub, sizeof(bad));
	bad[5] = (char)(bad[5] >= 'a' && bad[5] <= 'z' ? bad[5] - 32 : bad[5]);
	if (bad[5] != f->pub[5]) {
		assert_int_equal(smig_age_parse_recipient(bad, pk, &e), -1);
		smig_err_clear(&e);
	}
	for (size_t i = 0; i < SMIG_AGE_RECIPIENT_LEN; i++)
		bad[i] = (char)(f->pub[i] >= 'a' && f->pub[i] <= 'z' ? f->pub[i] - 32 : f->pub[i]);
	assert_int_equal(smig_age_parse_recipient(bad, pk, &e), -1);
	smig_err_clear(&e);
	assert_int_equal(smig_age_parse_identity(f->pub, sk, &e), -1);
	assert_non_null(strstr(e.msg, "prefix"));
	smig_err_clear(&e);
	assert_int_equal(smig_age_parse_identity("age-secret-key-1qqqq", sk, &e), -1);
	smig_err_clear(&e);
	/* a recipient that is too short: valid checksum, wrong length is still caught */
	assert_int_equal(smig_age_parse_recipient("age1qqqqqqqqqqqqqqqqqq", pk, &e), -1);
}

static const size_t sizes[] = {0, 1, 65535, 65536, 65537, 131072, 200000, (1 << 20) + 3};

static void smig_encrypts_age_decrypts(void **state)
{
	struct fx *f = *state;
	char *enc, *dec, *plain;

	NEED_AGE();
	enc = tu_fmt("%s/e.age", f->dir);
	dec = tu_fmt("%s/e.out", f->dir);
	plain = tu_fmt("%s/e.in", f->dir);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint8_t *d = random_bytes(sizes[i]);

		write_file(plain, d, sizes[i]);
		smig_encrypt(&f->rk, d, sizes[i], enc);
		/* a redirection, not -o: age creates its -o file only at its first byte */
		if (tu_sh("age -d -i '%s' '%s' >'%s'", f->id, enc, dec) != 0)
			fail_msg("age -d refused smig's file of %zu bytes", sizes[i]);
		assert_int_equal(tu_sh("cmp -s '%s' '%s'", plain, dec), 0);
		expect_plain(&f->ik, enc, d, sizes[i]);
		free(d);
	}
	free(enc);
	free(dec);
	free(plain);
}

static void age_encrypts_smig_decrypts(void **state)
{
	struct fx *f = *state;
	char *enc, *plain;

	NEED_AGE();
	enc = tu_fmt("%s/a.age", f->dir);
	plain = tu_fmt("%s/a.in", f->dir);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint8_t *d = random_bytes(sizes[i]);

		write_file(plain, d, sizes[i]);
		assert_int_equal(tu_sh("age -r %s -o '%s' '%s'", f->pub, enc, plain), 0);
		expect_plain(&f->ik, enc, d, sizes[i]);
		free(d);
	}
	free(enc);
	free(plain);
}

/* Several recipients: each identity alone opens the file, in smig and in age; an identity
 * that is none of them does not. */
static void several_recipients(void **state)
{
	struct fx *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_age_keys two, other;
	char *id2 = NULL, *enc, *out, *id3;
	uint8_t *d = random_bytes(70000);

	NEED_AGE();
	id2 = tu_fmt("%s/id2.txt", f->dir);
	id3 = tu_fmt("%s/id3.txt", f->dir);
	enc = tu_fmt("%s/two.age", f->dir);
	out = tu_fmt("%s/two.out", f->dir);
	assert_int_equal(tu_sh("age-keygen -o '%s' 2>/dev/null && age-keygen -y '%s' >'%s.pub' &&"
			       " age-keygen -o '%s' 2>/dev/null", id2, id2, id2, id3), 0);
	smig_age_keys_init(&two);
	smig_age_keys_init(&other);
	/* a recipients file: comments, blank lines, two keys */
	assert_int_equal(tu_sh("{ echo '# the team'; echo; echo %s; cat '%s.pub'; } >'%s/rcpt'",
			       f->pub, id2, f->dir), 0);
	{
		char *rcpt = tu_fmt("%s/rcpt", f->dir);

		assert_int_equal(smig_age_add_recipients(&two, rcpt, &e), 0);
		free(rcpt);
	}
	assert_int_equal(two.nx25519, 2);
	smig_encrypt(&two, d, 70000, enc);
	assert_int_equal(tu_sh("age -d -i '%s' -o '%s' '%s'", f->id, out, enc), 0);
	assert_int_equal(tu_sh("age -d -i '%s' -o '%s' '%s'", id2, out, enc), 0);
	expect_plain(&f->ik, enc, d, 70000);
	assert_int_equal(smig_age_add_identity_file(&other, id2, &e), 0);
	expect_plain(&other, enc, d, 70000);
	smig_age_keys_wipe(&other);
	assert_int_equal(smig_age_add_identity_file(&other, id3, &e), 0);
	expect_refused(&other, enc, SMIG_ERR_INTEGRITY, "no identity given matches");
	smig_age_keys_wipe(&other);
	smig_age_keys_wipe(&two);
	free(d);
	free(id2);
	free(id3);
	free(enc);
	free(out);
}

static void passphrase_roundtrip(void **state)
{
	struct fx *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_age_keys p, wrong, low;
	char *enc, *txt;
	uint8_t *d = random_bytes(100000);
	size_t len;

	NEED_AGE();
	enc = tu_fmt("%s/p.age", f->dir);
	smig_age_keys_init(&p);
	smig_age_keys_init(&wrong);
	smig_age_keys_init(&low);
	assert_int_equal(smig_age_set_passphrase(&p, "correct horse", 13, &e), 0);
	assert_int_equal(smig_age_set_passphrase(&wrong, "correct horsf", 13, &e), 0);
	assert_int_equal(smig_age_set_passphrase(&low, "correct horse", 13, &e), 0);
	low.max_log2n = 17;
	smig_encrypt(&p, d, 100000, enc);
	txt = tu_read(enc, &len);
	/* the stanza age -p writes: 16-byte salt, work factor 18 */
	assert_non_null(strstr(txt, "\n-> scrypt "));
	assert_non_null(strstr(txt, " 18\n"));
	free(txt);
	expect_plain(&p, enc, d, 100000);
	expect_refused(&wrong, enc, SMIG_ERR_INTEGRITY, "wrong passphrase");
	expect_refused(&low, enc, SMIG_ERR_INTEGRITY, "2^18 is above the limit 2^17");
	expect_refused(&f->ik, enc, SMIG_ERR_INTEGRITY, "encrypted with a passphrase");
	/* and an X25519 file read with a passphrase says so */
	smig_encrypt(&f->rk, d, 10, enc);
	expect_refused(&p, enc, SMIG_ERR_INTEGRITY, "not with a passphrase");
	smig_age_keys_wipe(&p);
	smig_age_keys_wipe(&wrong);
	smig_age_keys_wipe(&low);
	free(d);
	free(enc);
}

/* Headers: version, MAC, base64, size, end. */
static void hostile_headers(void **state)
{
	struct fx *f = *state;
	char *good, *bad, *file, *p;
	uint8_t *d = random_bytes(100000);
	size_t len;

	NEED_AGE();
	good = tu_fmt("%s/h.age", f->dir);
	bad = tu_fmt("%s/h.bad", f->dir);
	smig_encrypt(&f->rk, d, 100000, good);
	file = tu_read(good, &len);

	/* a wrong version line */
	p = strstr(file, "/v1\n");
	p[2] = '2';
	write_file(bad, file, len);
	expect_refused(&f->ik, bad, SMIG_ERR_INTEGRITY, "unsupported age version line");
	assert_true(tu_sh("age -d -i '%s' -o /dev/null '%s' 2>/dev/null", f->id, bad) != 0);
	p[2] = '1';

	/* the MAC changed (its first character) */
	p = strstr(file, "\n--- ") + 5;
	{
		char keep = *p;

		*p = keep == 'A' ? 'B' : 'A';
		write_file(bad, file, len);
		expect_refused(&f->ik, bad, SMIG_ERR_INTEGRITY, "MAC does not match");
		assert_true(tu_sh("age -d -i '%s' -o /dev/null '%s' 2>/dev/null", f->id, bad) !=
			    0);
		*p = keep;
	}

	/* the ephemeral share's last character with an unused bit set: the same bytes to a
	 * lenient decoder, refused as non-canonical */
	{
		static const char al[] =
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
		char *s = strstr(file, "-> X25519 ") + 10 + 42;
		size_t v = (size_t)(strchr(al, *s) - al);
		char keep = *s;

		assert_int_equal(v & 3, 0);
		*s = al[v | 1];
		write_file(bad, file, len);
		expect_refused(&f->ik, bad, SMIG_ERR_INTEGRITY, "canonical");
		assert_true(tu_sh("age -d -i '%s' -o /dev/null '%s' 2>/dev/null", f->id, bad) != 0);
		*s = keep;
	}

	/* padding in a body */
	{
		char *s = strstr(file, "-> X25519 ");
		char *body = strchr(s, '\n') + 1, *nl = strchr(body, '\n');

		assert_int_equal(nl - body, 43);
		{
			FILE *fp = fopen(bad, "wb");

			fwrite(file, 1, (size_t)(nl - file), fp);
			fputc('=', fp);
			fwrite(nl, 1, len - (size_t)(nl - file), fp);
			fclose(fp);
		}
		expect_refused(&f->ik, bad, SMIG_ERR_INTEGRITY, "base64");
	}

	/* an oversized header: a stanza body that never ends */
	{
		FILE *fp = fopen(bad, "wb");

		fputs("age-encryption.org/v1\n-> X25519 AAAA\n", fp);
		for (int i = 0; i < 1100; i++)
			fputs("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n", fp);
		fclose(fp);
		expect_refused(&f->ik, bad, SMIG_ERR_INTEGRITY, "larger than 65536 bytes");
	}

	/* the header ends before its MAC line */
	write_file(bad, file, (size_t)(strstr(file, "\n---") - file) + 1);
	expect_refused(&f->ik, bad, SMIG_ERR_INTEGRITY, "truncated age header");
	/* the file ends after the header: no nonce */
	write_file(bad, file, (size_t)(strchr(strstr(file, "\n---") + 1, '\n') - file) + 1 + 8);
	expect_refused(&f->ik, bad, SMIG_ERR_INTEGRITY, "payload is missing");
	/* a line that is neither a stanza nor the MAC */
	{
		FILE *fp = fopen(bad, "wb");

		fputs("age-encryption.org/v1\nhello\n--- AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n",
		      fp);
		fclose(fp);
		expect_refused(&f->ik, bad, SMIG_ERR_INTEGRITY, "neither a stanza");
	}
	/* ASCII armor is refused with a hint */
	assert_int_equal(tu_sh("age -a -r %s -o '%s' '%s'", f->pub, bad, good), 0);
	expect_refused(&f->ik, bad, SMIG_ERR_INTEGRITY, "ASCII-armored");
	free(file);
	free(d);
	free(good);
	free(bad);
}

/* The payload: truncation at every kind of place, data after the end, the empty edge. */
static void hostile_payloads(void **state)
{
	struct fx *f = *state;
	char *good, *bad, *file;
	uint8_t *d = random_bytes(2 * KIB64);
	size_t len, hdrlen, cut;

	NEED_AGE();
	good = tu_fmt("%s/p.age", f->dir);
	bad = tu_fmt("%s/p.bad", f->dir);

	/* 100000 bytes: a whole chunk and a short final one */
	smig_encrypt(&f->rk, d, 100000, good);
	file = tu_read(good, &len);
	hdrlen = (size_t)(strchr(strstr(file, "\n---") + 1, '\n') - file) + 1 + 16;
	assert_int_equal(len, hdrlen + 100000 + 2 * 16);
	/* the final chunk loses a byte, or all of it (the rest then ends with a whole
	 * non-final chunk), or is cut below a tag */
	write_file(bad, file, len - 1);
	expect_refused(&f->ik, bad, SMIG_ERR_INTEGRITY, "damaged or truncated");
	write_file(bad, file, hdrlen + KIB64 + 16);
	expect_refused(&f->ik, bad, SMIG_ERR_INTEGRITY, "ends without its final chunk");
	assert_true(tu_sh("age -d -i '%s' -o /dev/null '%s' 2>/dev/null", f->id, bad) != 0);
	write_file(bad, file, hdrlen + KIB64 + 16 + 5);
	expect_refused(&f->ik, bad, SMIG_ERR_INTEGRITY, "truncated");
	write_file(bad, file, hdrlen);
	expect_refused(&f->ik, bad, SMIG_ERR_INTEGRITY, "shorter than its tag");
	/* one payload byte flipped */
	file[hdrlen + 70000] ^= 1;
	write_file(bad, file, len);
	expect_refused(&f->ik, bad, SMIG_ERR_INTEGRITY, "chunk 1 does not authenticate");
	file[hdrlen + 70000] ^= 1;
	/* data after a short final chunk */
	file = realloc(file, len + 100);
	memset(file + len, 0x55, 100);
	write_file(bad, file, len + 7);
	expect_refused(&f->ik, bad, SMIG_ERR_INTEGRITY, "damaged or truncated");
	assert_true(tu_sh("age -d -i '%s' -o /dev/null '%s' 2>/dev/null", f->id, bad) != 0);
	free(file);

	/* exactly one whole chunk: the final chunk is whole; data after it is named */
	smig_encrypt(&f->rk, d, KIB64, good);
	file = tu_read(good, &len);
	file = realloc(file, len + KIB64 + 100);
	memset(file + len, 0x55, KIB64 + 100);
	for (cut = 1; cut <= KIB64 + 100; cut += KIB64 + 99) {
		write_file(bad, file, len + cut);
		expect_refused(&f->ik, bad, SMIG_ERR_INTEGRITY, "data after the final age chunk");
		assert_true(tu_sh("age -d -i '%s' -o /dev/null '%s' 2>/dev/null", f->id, bad) != 0);
	}
	free(file);

	/* the empty payload: one empty final chunk, accepted by both; with its tag cut, not */
	smig_encrypt(&f->rk, d, 0, good);
	expect_plain(&f->ik, good, d, 0);
	assert_int_equal(tu_sh("age -d -i '%s' -o /dev/null '%s'", f->id, good), 0);
	file = tu_read(good, &len);
	write_file(bad, file, len - 16);
	expect_refused(&f->ik, bad, SMIG_ERR_INTEGRITY, "shorter than its tag");
	free(file);
	free(d);
	free(good);
	free(bad);
}

/* Crafted with a valid MAC: an empty final chunk after a whole one; stanzas of a kind smig
 * does not know, beside a matching one (accepted) or alone (refused); scrypt beside X25519;
 * a work factor above the bound. age -d judges the first three too. */
static void crafted_headers(void **state)
{
	struct fx *f = *state;
	uint8_t sk[32], fk[16], pkey[32], nonce12[12] = {0}, *d = random_bytes(KIB64);
	uint8_t *payload = malloc(16 + KIB64 + 16 + 16);
	char *good, *bad, *file, *hdr, *hdr2;
	const uint8_t *rest;
	size_t len, restlen;

	NEED_AGE();
	good = tu_fmt("%s/c.age", f->dir);
	bad = tu_fmt("%s/c.bad", f->dir);
	identity_secret(f, sk);
	assert_int_equal(tu_sh("head -c 1000 /dev/urandom >'%s/c.in' && age -r %s -o '%s' "
			       "'%s/c.in'", f->dir, f->pub, good, f->dir), 0);
	file = tu_read(good, &len);
	file_key(file, sk, fk);
	hdr = split(file, len, &rest, &restlen);

	/* the MAC recomputed over the unchanged header: the file still opens (the crafting
	 * itself is right) */
	write_with_mac(bad, hdr, fk, rest, restlen);
	assert_int_equal(tu_sh("age -d -i '%s' -o /dev/null '%s'", f->id, bad), 0);
	expect_refused(NULL, bad, SMIG_ERR_USAGE, "archive is encrypted (age)");

	/* an unknown stanza before the X25519 one: ignored, as age does */
	hdr2 = tu_fmt("age-encryption.org/v1\n-> future-kind 0xCAFE x\nAAAA\n%s",
		      hdr + strlen("age-encryption.org/v1\n"));
	write_with_mac(bad, hdr2, fk, rest, restlen);
	assert_int_equal(tu_sh("age -d -i '%s' -o /dev/null '%s'", f->id, bad), 0);
	{
		struct smig_err e = SMIG_ERR_INIT;
		uint8_t *out = NULL;
		size_t n = 0;

		if (smig_decrypt(&f->ik, bad, &out, &n, &e) < 0)
			fail_msg("an unknown stanza beside a matching one: %s", e.msg);
		assert_int_equal(n, 1000);
		free(out);
	}
	free(hdr2);
	/* an unknown stanza alone */
	hdr2 = tu_fmt("age-encryption.org/v1\n-> future-kind 0xCAFE\nAAAA\n---");
	write_with_mac(bad, hdr2, fk, rest, restlen);
	assert_true(tu_sh("age -d -i '%s' -o /dev/null '%s' 2>/dev/null", f->id, bad) != 0);
	expect_refused(&f->ik, bad, SMIG_ERR_INTEGRITY, "no identity given matches");
	free(hdr2);
	/* scrypt beside X25519 */
	hdr2 = tu_fmt("age-encryption.org/v1\n-> scrypt AAAAAAAAAAAAAAAAAAAAAA 10\n"
		      "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n%s",
		      hdr + strlen("age-encryption.org/v1\n"));
	write_with_mac(bad, hdr2, fk, rest, restlen);
	/* age 1.1.1 enforces this only when it tries a passphrase; the spec says an scrypt
	 * stanza MUST be alone, and smig refuses it whatever the keys */
	expect_refused(&f->ik, bad, SMIG_ERR_INTEGRITY, "must be the only one");
	free(hdr2);
	/* a work factor above the bound is refused before any scrypt work */
	{
		struct smig_age_keys p;
		struct smig_err e = SMIG_ERR_INIT;

		smig_age_keys_init(&p);
		assert_int_equal(smig_age_set_passphrase(&p, "x", 1, &e), 0);
		hdr2 = tu_fmt("age-encryption.org/v1\n-> scrypt AAAAAAAAAAAAAAAAAAAAAA 23\n"
			      "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n---");
		write_with_mac(bad, hdr2, fk, rest, restlen);
		expect_refused(&p, bad, SMIG_ERR_INTEGRITY, "2^23 is above the limit 2^22");
		free(hdr2);
		/* a leading zero is not canonical decimal */
		hdr2 = tu_fmt("age-encryption.org/v1\n-> scrypt AAAAAAAAAAAAAAAAAAAAAA 018\n"
			      "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n---");
		write_with_mac(bad, hdr2, fk, rest, restlen);
		expect_refused(&p, bad, SMIG_ERR_INTEGRITY, "malformed age scrypt stanza");
		free(hdr2);
		smig_age_keys_wipe(&p);
	}

	/* an empty final chunk after a whole chunk: the payload re-made under this key */
	memset(payload, 7, 16); /* the nonce */
	hkdf(fk, 16, payload, 16, "payload", pkey, 32);
	assert_int_equal(chacha(true, pkey, nonce12, d, KIB64, payload + 16), 0);
	nonce12[10] = 1;
	nonce12[11] = 1;
	assert_int_equal(chacha(true, pkey, nonce12, d, 0, payload + 16 + KIB64 + 16), 0);
	write_with_mac(bad, hdr, fk, payload, 16 + KIB64 + 16 + 16);
	assert_true(tu_sh("age -d -i '%s' -o /dev/null '%s' 2>/dev/null", f->id, bad) != 0);
	expect_refused(&f->ik, bad, SMIG_ERR_INTEGRITY, "final age chunk is empty");
	/* the same whole chunk marked final instead: valid for both */
	nonce12[10] = 0;
	assert_int_equal(chacha(true, pkey, nonce12, d, KIB64, payload + 16), 0);
	write_with_mac(bad, hdr, fk, payload, 16 + KIB64 + 16);
	assert_int_equal(tu_sh("age -d -i '%s' -o /dev/null '%s'", f->id, bad), 0);
	expect_plain(&f->ik, bad, d, KIB64);

	free(hdr);
	free(file);
	free(payload);
	free(d);
	free(good);
	free(bad);
}

/* Non-age input passes through unchanged, whatever its length. */
static void plain_passthrough(void **state)
{
	struct fx *f = *state;
	static const size_t lens[] = {0, 5, 33, 34, 200000};
	char *path;

	NEED_AGE();
	path = tu_fmt("%s/plain", f->dir);
	for (size_t i = 0; i < 5; i++) {
		uint8_t *d = random_bytes(lens[i]);

		write_file(path, d, lens[i]);
		expect_plain(NULL, path, d, lens[i]);
		expect_plain(&f->ik, path, d, lens[i]);
		free(d);
	}
	free(path);
}

/* Secrets: group/other bits refused naming the file and mode; passphrase rules; no mixing. */
static void secret_files(void **state)
{
	struct fx *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_age_keys k;
	char *pw, *id;

	NEED_AGE();
	pw = tu_fmt("%s/pw", f->dir);
	id = tu_fmt("%s/id-open.txt", f->dir);
	smig_age_keys_init(&k);
	assert_int_equal(tu_sh("cp '%s' '%s' && chmod 644 '%s'", f->id, id, id), 0);
	assert_int_equal(smig_age_add_identity_file(&k, id, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_USAGE);
	assert_non_null(strstr(e.msg, id));
	assert_non_null(strstr(e.msg, "mode 0644"));
	smig_err_clear(&e);
	chmod(id, 0400);
	assert_int_equal(smig_age_add_identity_file(&k, id, &e), 0);
	smig_age_keys_wipe(&k);

	write_file(pw, "hunter2\n", 8);
	chmod(pw, 0640);
	assert_int_equal(smig_age_set_passphrase_file(&k, pw, &e), -1);
	assert_non_null(strstr(e.msg, "mode 0640"));
	smig_err_clear(&e);
	chmod(pw, 0600);
	assert_int_equal(smig_age_set_passphrase_file(&k, pw, &e), 0);
	assert_int_equal(k.passlen, 7);
	assert_memory_equal(k.passphrase, "hunter2", 7);
	/* no mixing: a passphrase and a recipient */
	assert_int_equal(smig_age_add_recipients(&k, f->pub, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_USAGE);
	smig_err_clear(&e);
	smig_age_keys_wipe(&k);
	assert_int_equal(smig_age_add_recipients(&k, f->pub, &e), 0);
	assert_int_equal(smig_age_set_passphrase_file(&k, pw, &e), -1);
	assert_non_null(strstr(e.msg, "cannot mix"));
	smig_err_clear(&e);
	smig_age_keys_wipe(&k);
	/* CRLF is one line end; two lines and an empty file are refused */
	write_file(pw, "hunter2\r\n", 9);
	assert_int_equal(smig_age_set_passphrase_file(&k, pw, &e), 0);
	assert_int_equal(k.passlen, 7);
	smig_age_keys_wipe(&k);
	write_file(pw, "a\nb\n", 4);
	assert_int_equal(smig_age_set_passphrase_file(&k, pw, &e), -1);
	assert_non_null(strstr(e.msg, "more than one line"));
	smig_err_clear(&e);
	write_file(pw, "", 0);
	assert_int_equal(smig_age_set_passphrase_file(&k, pw, &e), -1);
	assert_non_null(strstr(e.msg, "empty"));
	smig_err_clear(&e);
	/* an identity file with something else in it: the line is named, not quoted */
	write_file(id, "# c\nAGE-SECRET-KEY-1NOTAKEY\n", 27);
	chmod(id, 0600);
	assert_int_equal(smig_age_add_identity_file(&k, id, &e), -1);
	assert_non_null(strstr(e.msg, "line 2"));
	assert_null(strstr(e.msg, "NOTAKEY"));
	smig_age_keys_wipe(&k);
	free(pw);
	free(id);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keys_match_age_keygen),
		cmocka_unit_test(smig_encrypts_age_decrypts),
		cmocka_unit_test(age_encrypts_smig_decrypts),
		cmocka_unit_test(several_recipients),
		cmocka_unit_test(passphrase_roundtrip),
		cmocka_unit_test(hostile_headers),
		cmocka_unit_test(hostile_payloads),
		cmocka_unit_test(crafted_headers),
		cmocka_unit_test(plain_passthrough),
		cmocka_unit_test(secret_files),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
