/*
 * test_sign.c - Ed25519 (RFC 8032 known answers), signify key and signature files in both
 * directions with signify-openbsd, SHA-256 and checksum lists (formats.md §14.3-14.4,
 * docs/archive.md §5).
 */
#include "testutil.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "sign.h"
#include "winval.h"

#define SIGNIFY "signify-openbsd"

static void unhex(const char *hex, uint8_t *out, size_t len)
{
	size_t i;

	assert_int_equal(strlen(hex), 2 * len);
	for (i = 0; i < len; i++) {
		unsigned int v;
		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

/* Skip the calling test when signify-openbsd is not installed. */
#define NEED_SIGNIFY()                                                                  \
	do {                                                                             \
		if (!tu_have(SIGNIFY)) {                                                 \
			print_message("signify-openbsd not installed; skipping\n");      \
			skip();                                                          \
		}                                                                        \
	} while (0)

/* ---- raw Ed25519 ---- */

static const struct {
	const char *seed, *pk, *msg, *sig;
} rfc8032[] = {
	/* RFC 8032 §7.1, TEST 1 (empty message) and TEST 2 (one byte). */
	{"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
	 "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
	 "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39"
	 "701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
	{"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
	 "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
	 "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f36"
	 "13d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
};

static void ed25519_rfc8032(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rfc8032) / sizeof(rfc8032[0]); i++) {
		uint8_t seed[32], pk[32], want[64], sig[64], msg[1], bad[64];
		size_t mlen = strlen(rfc8032[i].msg) / 2;

		unhex(rfc8032[i].seed, seed, 32);
		unhex(rfc8032[i].pk, pk, 32);
		unhex(rfc8032[i].sig, want, 64);
		unhex(rfc8032[i].msg, msg, mlen);
		assert_int_equal(smig_ed25519_sign(seed, msg, mlen, sig, &e), 0);
		assert_memory_equal(sig, want, 64);
		assert_int_equal(smig_ed25519_verify(pk, msg, mlen, sig), 0);

		/* Rejecting twins: a flipped signature bit, another message, another key. */
		memcpy(bad, sig, 64);
		bad[17] ^= 0x01;
		assert_int_equal(smig_ed25519_verify(pk, msg, mlen, bad), -1);
		assert_int_equal(smig_ed25519_verify(pk, "x", 1, sig), -1);
		pk[0] ^= 0x80;
		assert_int_equal(smig_ed25519_verify(pk, msg, mlen, sig), -1);
	}
}

/* ---- key files ---- */

/* Write a secret key file by hand, like signify would; `rounds` > 0 marks a passphrase. */
static void write_seckey_file(const char *path, uint32_t rounds, const uint8_t keynum[8],
			      const uint8_t seed[32], const uint8_t pk[32], bool bad_checksum)
{
	uint8_t bin[104], sk[64], md[64];
	char *b64, *text;

	memcpy(bin, "EdBK", 4);
	bin[4] = (uint8_t)(rounds >> 24);
	bin[5] = (uint8_t)(rounds >> 16);
	bin[6] = (uint8_t)(rounds >> 8);
	bin[7] = (uint8_t)rounds;
	memset(bin + 8, 0x5a, 16);
	memcpy(sk, seed, 32);
	memcpy(sk + 32, pk, 32);
	assert_int_equal(EVP_Digest(sk, 64, md, NULL, EVP_sha512(), NULL), 1);
	memcpy(bin + 24, md, 8);
	if (bad_checksum)
		bin[24] ^= 0xff;
	memcpy(bin + 32, keynum, 8);
	memcpy(bin + 40, sk, 64);
	b64 = smig_base64_encode(bin, sizeof(bin));
	assert_non_null(b64);
	text = tu_fmt("untrusted comment: hand-made secret key\n%s\n", b64);
	tu_write(path, text, strlen(text));
	free(text);
	free(b64);
}

static void keys_roundtrip(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_pubkey pub, pub2;
	struct smig_seckey sec, sec2;
	char *dir = tu_mkdtemp();
	char *pp = tu_fmt("%s/k.pub", dir), *sp = tu_fmt("%s/k.sec", dir);
	char *text;
	struct stat st;
	uint8_t sig[64];
	mode_t old = umask(022);

	(void)state;
	assert_int_equal(smig_sign_keygen(&pub, &sec, "smig test", &e), 0);
	assert_memory_equal(pub.keynum, sec.keynum, 8);
	assert_memory_equal(pub.pk, sec.pk, 32);
	assert_int_equal(smig_sign_write_keys(pp, sp, &pub, &sec, &e), 0);

	assert_int_equal(stat(sp, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(stat(pp, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	text = tu_read(pp, NULL);
	assert_int_equal(strncmp(text, "untrusted comment: smig test public key\nRW", 42), 0);
	assert_int_equal(strlen(text), strlen("untrusted comment: smig test public key\n") + 57);
	free(text);
	text = tu_read(sp, NULL);
	/* "Ed" "BK" rounds 0: the first 10 base64 characters are fixed (the salt follows). */
	assert_int_equal(strncmp(text, "untrusted comment: smig test secret key\nRWRCSwAAAA", 50),
			 0);
	free(text);

	assert_int_equal(smig_sign_read_pubkey(pp, &pub2, &e), 0);
	assert_int_equal(smig_sign_read_seckey(sp, &sec2, &e), 0);
	assert_memory_equal(pub2.keynum, pub.keynum, 8);
	assert_memory_equal(pub2.pk, pub.pk, 32);
	assert_string_equal(pub2.comment, "smig test public key");
	assert_memory_equal(sec2.keynum, sec.keynum, 8);
	assert_memory_equal(sec2.seed, sec.seed, 32);
	assert_memory_equal(sec2.pk, sec.pk, 32);
	assert_string_equal(sec2.comment, "smig test secret key");

	/* The key read back signs; the other key pair's public key does not verify it. */
	assert_int_equal(smig_ed25519_sign(sec2.seed, "m", 1, sig, &e), 0);
	assert_int_equal(smig_ed25519_verify(pub2.pk, "m", 1, sig), 0);
	assert_int_equal(smig_sign_keygen(&pub2, &sec2, "other", &e), 0);
	assert_int_equal(smig_ed25519_verify(pub2.pk, "m", 1, sig), -1);

	smig_seckey_wipe(&sec);
	smig_seckey_wipe(&sec2);
	for (size_t i = 0; i < sizeof(sec.seed); i++)
		assert_int_equal(sec.seed[i], 0);
	umask(old);
	free(pp);
	free(sp);
	tu_rmtree(dir);
	free(dir);
}

static void keygen_rejects_bad_comment(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_pubkey pub;
	struct smig_seckey sec;
	char longc[1100];

	(void)state;
	assert_int_equal(smig_sign_keygen(&pub, &sec, "two\nlines", &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_USAGE);
	smig_err_clear(&e);
	memset(longc, 'c', sizeof(longc) - 1);
	longc[sizeof(longc) - 1] = '\0';
	assert_int_equal(smig_sign_keygen(&pub, &sec, longc, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_USAGE);
	/* The longest comment that still fits "<comment> secret key" in 1023 bytes. */
	longc[1023 - 11] = '\0';
	smig_err_clear(&e);
	assert_int_equal(smig_sign_keygen(&pub, &sec, longc, &e), 0);
	smig_seckey_wipe(&sec);
}

static void write_refuses_overwrite(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_pubkey pub, other;
	struct smig_seckey sec, osec;
	char *dir = tu_mkdtemp();
	char *pp = tu_fmt("%s/k.pub", dir), *sp = tu_fmt("%s/k.sec", dir);
	char *text;

	(void)state;
	assert_int_equal(smig_sign_keygen(&pub, &sec, "k", &e), 0);

	/* An existing secret key: nothing written, the old file kept. */
	tu_write(sp, "old", 3);
	assert_int_equal(smig_sign_write_keys(pp, sp, &pub, &sec, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_IO);
	assert_non_null(strstr(e.msg, "File exists"));
	assert_int_equal(access(pp, F_OK), -1);
	text = tu_read(sp, NULL);
	assert_string_equal(text, "old");
	free(text);
	unlink(sp);

	/* An existing public key: the secret key just written is removed again. */
	tu_write(pp, "old", 3);
	smig_err_clear(&e);
	assert_int_equal(smig_sign_write_keys(pp, sp, &pub, &sec, &e), -1);
	assert_non_null(strstr(e.msg, "k.pub"));
	assert_int_equal(access(sp, F_OK), -1);
	text = tu_read(pp, NULL);
	assert_string_equal(text, "old");
	free(text);

	/* Halves of two different pairs are refused before any file is created. */
	unlink(pp);
	assert_int_equal(smig_sign_keygen(&other, &osec, "o", &e), 0);
	smig_err_clear(&e);
	assert_int_equal(smig_sign_write_keys(pp, sp, &other, &sec, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_USAGE);
	assert_int_equal(access(pp, F_OK), -1);
	assert_int_equal(access(sp, F_OK), -1);
	smig_err_clear(&e);
	assert_int_equal(smig_sign_write_keys(pp, sp, &other, &osec, &e), 0);

	smig_seckey_wipe(&sec);
	smig_seckey_wipe(&osec);
	free(pp);
	free(sp);
	tu_rmtree(dir);
	free(dir);
}

/* Expect reading `text` as a key (secret when `secret`) to fail with `kind` and `needle`. */
static void expect_key_error(const char *dir, const char *text, size_t len, bool secret,
			     enum smig_err_kind kind, const char *needle)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_pubkey pub;
	struct smig_seckey sec;
	char *p = tu_fmt("%s/bad.key", dir);
	int rc;

	tu_write(p, text, len);
	rc = secret ? smig_sign_read_seckey(p, &sec, &e) : smig_sign_read_pubkey(p, &pub, &e);
	if (rc == 0 || e.kind != kind || strstr(e.msg, needle) == NULL)
		fail_msg("reading %.60s...: rc %d kind %d '%s', expected '%s'", text, rc, e.kind,
			 e.msg, needle);
	free(p);
}

static void bad_key_files(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_pubkey pub;
	struct smig_seckey sec;
	char *dir = tu_mkdtemp();
	char *pp = tu_fmt("%s/k.pub", dir), *sp = tu_fmt("%s/k.sec", dir);
	char *ptext, *stext, *t;
	size_t plen, slen;
	uint8_t bin[42];
	char *b64;

	(void)state;
	assert_int_equal(smig_sign_keygen(&pub, &sec, "k", &e), 0);
	assert_int_equal(smig_sign_write_keys(pp, sp, &pub, &sec, &e), 0);
	ptext = tu_read(pp, &plen);
	stext = tu_read(sp, &slen);

	/* Accepting twins: the unmodified texts through the same helper path. */
	assert_int_equal(smig_sign_read_pubkey(pp, &pub, &e), 0);
	assert_int_equal(smig_sign_read_seckey(sp, &sec, &e), 0);

	/* Wrong kind, both ways, named as such. */
	expect_key_error(dir, stext, slen, false, SMIG_ERR_FORMAT,
			 "is a signify secret key, not a public key");
	expect_key_error(dir, ptext, plen, true, SMIG_ERR_FORMAT,
			 "is a signify public key, not a secret key");
	/* Truncated: inside the base64 line, before its newline, empty file. */
	expect_key_error(dir, ptext, plen - 10, false, SMIG_ERR_FORMAT, "missing newline");
	expect_key_error(dir, ptext, plen - 1, false, SMIG_ERR_FORMAT, "missing newline");
	expect_key_error(dir, stext, slen - 1, true, SMIG_ERR_FORMAT, "missing newline");
	expect_key_error(dir, "", 0, false, SMIG_ERR_FORMAT, "untrusted comment");
	/* Comment line garbled or empty. */
	t = tu_fmt("untrusted_comment: x\n%s", strchr(ptext, '\n') + 1);
	expect_key_error(dir, t, strlen(t), false, SMIG_ERR_FORMAT, "untrusted comment");
	free(t);
	t = tu_fmt("untrusted comment: \n%s", strchr(ptext, '\n') + 1);
	expect_key_error(dir, t, strlen(t), false, SMIG_ERR_FORMAT, "comment is empty");
	free(t);
	/* Trailing data, CRLF, a non-base64 character. */
	t = tu_fmt("%sextra\n", ptext);
	expect_key_error(dir, t, strlen(t), false, SMIG_ERR_FORMAT, "unexpected data");
	free(t);
	t = tu_fmt("%.*s\r\n", (int)(plen - 1), ptext);
	expect_key_error(dir, t, plen + 1, false, SMIG_ERR_FORMAT, "57 characters");
	free(t);
	t = tu_fmt("%s", ptext);
	t[plen - 5] = '*';
	expect_key_error(dir, t, plen, false, SMIG_ERR_FORMAT, "invalid character");
	free(t);
	/* Another algorithm: a well-formed struct that does not start with "Ed". */
	memcpy(bin, "Xd", 2);
	memcpy(bin + 2, pub.keynum, 8);
	memcpy(bin + 10, pub.pk, 32);
	b64 = smig_base64_encode(bin, sizeof(bin));
	t = tu_fmt("untrusted comment: x\n%s\n", b64);
	expect_key_error(dir, t, strlen(t), false, SMIG_ERR_FORMAT, "unsupported algorithm");
	free(t);
	free(b64);
	/* A signature file is neither key. */
	t = tu_fmt("untrusted comment: verify with k.pub\n%0100d\n", 0);
	expect_key_error(dir, t, strlen(t), false, SMIG_ERR_FORMAT, "is a signify signature");
	free(t);
	/* Missing file. */
	smig_err_clear(&e);
	t = tu_fmt("%s/none.pub", dir);
	assert_int_equal(smig_sign_read_pubkey(t, &pub, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_IO);
	free(t);

	smig_seckey_wipe(&sec);
	free(ptext);
	free(stext);
	free(pp);
	free(sp);
	tu_rmtree(dir);
	free(dir);
}

static void seckey_checks(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_seckey sec;
	char *dir = tu_mkdtemp();
	char *sp = tu_fmt("%s/h.sec", dir);
	uint8_t seed[32], pk[32], keynum[8] = {1, 2, 3, 4, 5, 6, 7, 8};

	(void)state;
	unhex(rfc8032[0].seed, seed, 32);
	unhex(rfc8032[0].pk, pk, 32);

	/* A hand-made key in signify's layout reads back (and its pk matches the seed). */
	write_seckey_file(sp, 0, keynum, seed, pk, false);
	assert_int_equal(smig_sign_read_seckey(sp, &sec, &e), 0);
	assert_memory_equal(sec.seed, seed, 32);
	assert_memory_equal(sec.keynum, keynum, 8);
	assert_string_equal(sec.comment, "hand-made secret key");

	/* Passphrase (rounds 42): refused with the message that says what to do. */
	write_seckey_file(sp, 42, keynum, seed, pk, false);
	assert_int_equal(smig_sign_read_seckey(sp, &sec, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_USAGE);
	assert_non_null(strstr(e.msg, "protected by a passphrase"));
	assert_non_null(strstr(e.msg, "signify -G -n"));
	assert_non_null(strstr(e.msg, "h.sec"));

	/* Checksum mismatch. */
	smig_err_clear(&e);
	write_seckey_file(sp, 0, keynum, seed, pk, true);
	assert_int_equal(smig_sign_read_seckey(sp, &sec, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_INTEGRITY);
	assert_non_null(strstr(e.msg, "checksum"));

	/* A consistent checksum over a seed and a public half that do not belong together. */
	smig_err_clear(&e);
	pk[31] ^= 1;
	write_seckey_file(sp, 0, keynum, seed, pk, false);
	assert_int_equal(smig_sign_read_seckey(sp, &sec, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_INTEGRITY);
	assert_non_null(strstr(e.msg, "does not match its seed"));
	for (size_t i = 0; i < sizeof(sec.seed); i++)
		assert_int_equal(sec.seed[i], 0); /* wiped on failure */

	free(sp);
	tu_rmtree(dir);
	free(dir);
}

static void signify_passphrase_key_refused(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_seckey sec;
	char *dir;

	(void)state;
	NEED_SIGNIFY();
	dir = tu_mkdtemp();
	/* signify -G reads the passphrase from stdin when it is not a terminal. */
	assert_int_equal(tu_sh("cd '%s' && printf 'pw\\npw\\n' | " SIGNIFY
			       " -G -p y.pub -s y.sec >/dev/null 2>&1", dir), 0);
	char *sp = tu_fmt("%s/y.sec", dir);
	assert_int_equal(smig_sign_read_seckey(sp, &sec, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_USAGE);
	assert_non_null(strstr(e.msg, "protected by a passphrase"));
	free(sp);
	tu_rmtree(dir);
	free(dir);
}

/* ---- embedded signatures ---- */

static void embedded_sign_verify(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_pubkey pub, other;
	struct smig_seckey sec, osec;
	const char *m = "SHA256 (a) = 00\n";
	const char *msg = NULL;
	char *sig = NULL, *bad, *nl;
	size_t siglen = 0, msglen = 0;

	(void)state;
	assert_int_equal(smig_sign_keygen(&pub, &sec, "k", &e), 0);
	assert_int_equal(smig_sign_keygen(&other, &osec, "o", &e), 0);
	assert_int_equal(smig_sign_embedded(&sec, "export", m, strlen(m), &sig, &siglen, &e), 0);
	assert_int_equal(strncmp(sig, "untrusted comment: verify with export.pub\nRW", 44), 0);
	nl = strchr(sig + 42, '\n');
	assert_non_null(nl);
	assert_int_equal(nl - (sig + 42), 100);
	assert_string_equal(nl + 1, m);
	assert_int_equal(siglen, 42 + 101 + strlen(m));

	assert_int_equal(smig_sign_verify_embedded(&pub, sig, siglen, &msg, &msglen, &e), 0);
	assert_ptr_equal(msg, nl + 1);
	assert_int_equal(msglen, strlen(m));

	/* A different key: the key number tells. */
	assert_int_equal(smig_sign_verify_embedded(&other, sig, siglen, &msg, &msglen, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_INTEGRITY);
	assert_non_null(strstr(e.msg, "signature was made with a different key (key number"));
	assert_null(msg);

	/* Same keynum, other public key (a forged key file): the signature does not verify. */
	smig_err_clear(&e);
	memcpy(other.keynum, pub.keynum, 8);
	assert_int_equal(smig_sign_verify_embedded(&other, sig, siglen, &msg, &msglen, &e), -1);
	assert_string_equal(e.msg, "signature verification failed");

	/* One byte of the message changed; one character of the signature changed. */
	bad = malloc(siglen);
	memcpy(bad, sig, siglen);
	bad[siglen - 3] ^= 0x01;
	smig_err_clear(&e);
	assert_int_equal(smig_sign_verify_embedded(&pub, bad, siglen, &msg, &msglen, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_INTEGRITY);
	assert_string_equal(e.msg, "signature verification failed");
	memcpy(bad, sig, siglen);
	bad[42 + 60] = bad[42 + 60] == 'A' ? 'B' : 'A';
	smig_err_clear(&e);
	assert_int_equal(smig_sign_verify_embedded(&pub, bad, siglen, &msg, &msglen, &e), -1);
	assert_string_equal(e.msg, "signature verification failed");
	/* Appended or removed message bytes. */
	smig_err_clear(&e);
	assert_int_equal(smig_sign_verify_embedded(&pub, sig, siglen - 1, &msg, &msglen, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_INTEGRITY);
	/* Truncated inside the base64 line: malformed, not a verification failure. */
	smig_err_clear(&e);
	assert_int_equal(smig_sign_verify_embedded(&pub, sig, 42 + 50, &msg, &msglen, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_FORMAT);
	/* A public key file is not a signature. */
	smig_err_clear(&e);
	memcpy(bad, sig, siglen);
	memcpy(bad + 42 + 56, "\n", 1);
	assert_int_equal(smig_sign_verify_embedded(&pub, bad, siglen, &msg, &msglen, &e), -1);
	assert_non_null(strstr(e.msg, "is a signify public key, not a signature"));
	free(bad);
	free(sig);

	/* An empty message signs and verifies too. */
	assert_int_equal(smig_sign_embedded(&sec, "k", "", 0, &sig, &siglen, &e), 0);
	assert_int_equal(smig_sign_verify_embedded(&pub, sig, siglen, &msg, &msglen, &e), 0);
	assert_int_equal(msglen, 0);
	free(sig);
	/* Key names that cannot go into the comment line. */
	assert_int_equal(smig_sign_embedded(&sec, "a\nb", "", 0, &sig, &siglen, &e), -1);
	assert_null(sig);

	smig_seckey_wipe(&sec);
	smig_seckey_wipe(&osec);
}

/* signify's key signs with smig; signify verifies. */
static void interop_signify_key(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_pubkey pub;
	struct smig_seckey sec;
	char *dir, *pp, *sp, *mp, *out;
	const char *m = "message from smig\n", *msg;
	char *sig = NULL;
	size_t siglen = 0, msglen;

	(void)state;
	NEED_SIGNIFY();
	dir = tu_mkdtemp();
	pp = tu_fmt("%s/x.pub", dir);
	sp = tu_fmt("%s/x.sec", dir);
	mp = tu_fmt("%s/m.sig", dir);
	assert_int_equal(tu_sh("cd '%s' && " SIGNIFY " -G -n -p x.pub -s x.sec", dir), 0);
	assert_int_equal(smig_sign_read_pubkey(pp, &pub, &e), 0);
	assert_int_equal(smig_sign_read_seckey(sp, &sec, &e), 0);
	assert_string_equal(pub.comment, "signify public key");
	assert_memory_equal(pub.keynum, sec.keynum, 8);
	assert_memory_equal(pub.pk, sec.pk, 32);

	assert_int_equal(smig_sign_embedded(&sec, "x", m, strlen(m), &sig, &siglen, &e), 0);
	tu_write(mp, sig, siglen);
	assert_int_equal(tu_sh("cd '%s' && " SIGNIFY " -V -q -e -p x.pub -x m.sig -m out", dir),
			 0);
	out = tu_fmt("%s/out", dir);
	free(tu_read(out, &msglen));
	assert_int_equal(msglen, strlen(m));
	/* Rejecting twin: one flipped message byte, and signify refuses. */
	sig[siglen - 2] ^= 0x20;
	tu_write(mp, sig, siglen);
	assert_int_not_equal(tu_sh("cd '%s' && " SIGNIFY " -V -q -e -p x.pub -x m.sig -m out2 "
				   "2>/dev/null", dir), 0);
	free(sig);

	/* The other direction: signify signs with its key, smig verifies. */
	tu_write(out, m, strlen(m));
	assert_int_equal(tu_sh("cd '%s' && " SIGNIFY " -S -e -s x.sec -m out -x s.sig", dir), 0);
	free(mp);
	mp = tu_fmt("%s/s.sig", dir);
	sig = tu_read(mp, &siglen);
	assert_int_equal(strncmp(sig, "untrusted comment: verify with x.pub\n", 37), 0);
	assert_int_equal(smig_sign_verify_embedded(&pub, sig, siglen, &msg, &msglen, &e), 0);
	assert_int_equal(msglen, strlen(m));
	assert_memory_equal(msg, m, msglen);
	/* ...and the same signature against a fresh smig key is refused. */
	assert_int_equal(smig_sign_keygen(&pub, &sec, "k", &e), 0);
	assert_int_equal(smig_sign_verify_embedded(&pub, sig, siglen, &msg, &msglen, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_INTEGRITY);
	free(sig);

	smig_seckey_wipe(&sec);
	free(out);
	free(mp);
	free(pp);
	free(sp);
	tu_rmtree(dir);
	free(dir);
}

/* smig's key and signature; signify verifies and signs with the smig secret key. */
static void interop_smig_key(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_pubkey pub;
	struct smig_seckey sec;
	char *dir, *pp, *sp, *mp, *sig = NULL, *text;
	const char *m = "signed by smig\n", *msg;
	size_t siglen = 0, msglen;

	(void)state;
	NEED_SIGNIFY();
	dir = tu_mkdtemp();
	pp = tu_fmt("%s/s.pub", dir);
	sp = tu_fmt("%s/s.sec", dir);
	mp = tu_fmt("%s/m.sig", dir);
	assert_int_equal(smig_sign_keygen(&pub, &sec, "smig", &e), 0);
	assert_int_equal(smig_sign_write_keys(pp, sp, &pub, &sec, &e), 0);
	assert_int_equal(smig_sign_embedded(&sec, "s", m, strlen(m), &sig, &siglen, &e), 0);
	tu_write(mp, sig, siglen);
	free(sig);
	assert_int_equal(tu_sh("cd '%s' && " SIGNIFY " -V -q -e -p s.pub -x m.sig -m out", dir),
			 0);
	/* Rejecting twin: the wrong public key. */
	assert_int_equal(tu_sh("cd '%s' && " SIGNIFY " -G -n -p o.pub -s o.sec", dir), 0);
	assert_int_not_equal(tu_sh("cd '%s' && " SIGNIFY " -V -q -e -p o.pub -x m.sig -m out2 "
				   "2>/dev/null", dir), 0);

	/* signify signs with smig's secret key file (so the checksum and layout are right). */
	assert_int_equal(tu_sh("cd '%s' && " SIGNIFY " -S -e -s s.sec -m out -x t.sig", dir), 0);
	free(mp);
	mp = tu_fmt("%s/t.sig", dir);
	text = tu_read(mp, &siglen);
	assert_int_equal(smig_sign_verify_embedded(&pub, text, siglen, &msg, &msglen, &e), 0);
	assert_memory_equal(msg, m, strlen(m));
	free(text);

	smig_seckey_wipe(&sec);
	free(mp);
	free(pp);
	free(sp);
	tu_rmtree(dir);
	free(dir);
}

/* ---- SHA-256 and checksum lists ---- */

static void sha256_known_answers(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_sha256 h;
	uint8_t d[32];
	char hex[65];

	(void)state;
	assert_int_equal(smig_sha256_init(&h, &e), 0);
	smig_sha256_update(&h, "a", 1);
	smig_sha256_update(&h, "", 0);
	smig_sha256_update(&h, "bc", 2);
	smig_sha256_final(&h, d);
	assert_null(h.ctx);
	smig_hex(d, 32, hex);
	assert_string_equal(hex,
			    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

	assert_int_equal(smig_sha256_init(&h, &e), 0);
	smig_sha256_final(&h, d);
	smig_hex(d, 32, hex);
	assert_string_equal(hex,
			    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

	assert_int_equal(smig_sha256_init(&h, &e), 0);
	smig_sha256_update(&h, "abd", 3);
	smig_sha256_final(&h, d);
	smig_hex(d, 32, hex);
	assert_string_not_equal(hex,
				"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

	assert_int_equal(smig_sha256_init(&h, &e), 0);
	smig_sha256_update(&h, "abc", 3);
	smig_sha256_abort(&h);
	assert_null(h.ctx);
}

static void expect_sumlist_error(const char *text, const char *needle)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_sumline *l = NULL;
	size_t n = 99;

	if (smig_sumlist_parse(text, strlen(text), &l, &n, &e) == 0 || e.kind != SMIG_ERR_FORMAT ||
	    strstr(e.msg, needle) == NULL)
		fail_msg("checksum list %s: kind %d '%s', expected '%s'", text, e.kind, e.msg,
			 needle);
	assert_null(l);
	assert_int_equal(n, 0);
}

#define H1 "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define H2 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

static void sumlist_parse_rules(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_sumline *l = NULL;
	size_t n = 0;
	const char *ok = "SHA256 (a b/x.vhd) = " H1 "\n"
			 "SHA256 (hyperv/vms/(1).xml) = " H2 "\n"
			 "SHA256 (smig/descriptor.xml) = " H1 "\n";
	char hex[65];

	(void)state;
	assert_int_equal(smig_sumlist_parse(ok, strlen(ok), &l, &n, &e), 0);
	assert_int_equal(n, 3);
	assert_string_equal(l[0].path, "a b/x.vhd");
	assert_string_equal(l[1].path, "hyperv/vms/(1).xml");
	assert_string_equal(l[2].path, "smig/descriptor.xml");
	smig_hex(l[1].digest, 32, hex);
	assert_string_equal(hex, H2);
	smig_sumlist_free(l, n);
	assert_int_equal(smig_sumlist_parse("", 0, &l, &n, &e), 0);
	assert_int_equal(n, 0);
	smig_sumlist_free(l, n);

	expect_sumlist_error("SHA256 (b) = " H1 "\nSHA256 (a) = " H1 "\n", "out of order");
	expect_sumlist_error("SHA256 (a) = " H1 "\nSHA256 (a) = " H2 "\n", "listed twice");
	/* "B" (0x42) sorts before "a" (0x61): bytewise, not case-insensitive. */
	expect_sumlist_error("SHA256 (a) = " H1 "\nSHA256 (B) = " H1 "\n", "out of order");
	expect_sumlist_error("SHA256 (a) = " H1, "no newline");
	expect_sumlist_error("SHA256 (a) = " H1 "\r\n", "expected 'SHA256");
	expect_sumlist_error("SHA256 (a) = BA7816BF8F01CFEA414140DE5DAE2223"
			     "B00361A396177A9CB410FF61F20015AD\n", "lowercase hex");
	expect_sumlist_error("SHA256 (a) = " H1 "0\n", "expected 'SHA256");
	expect_sumlist_error("SHA512 (a) = " H1 "\n", "expected 'SHA256");
	expect_sumlist_error("SHA256 () = " H1 "\n", "expected 'SHA256");
	expect_sumlist_error("SHA256 (a\tb) = " H1 "\n", "control character");
	expect_sumlist_error("SHA256 (a) = " H1 "\n\n", "line 2");
}

/* A list made with smig's hashing, signed by smig, checked by `signify -C`. */
static void sumlist_signify_check(void **state)
{
	static const char *const files[] = {"disk 1.vhd", "smig/descriptor.xml", "z.reg"};
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_pubkey pub;
	struct smig_seckey sec;
	struct smig_sumline *l = NULL;
	char *dir, *list = NULL, *sig = NULL, *p, *tag;
	size_t listlen = 0, siglen = 0, n = 0, i, taglen;

	(void)state;
	NEED_SIGNIFY();
	dir = tu_mkdtemp();
	assert_int_equal(tu_sh("mkdir '%s/smig'", dir), 0);
	list = calloc(1, 1);
	for (i = 0; i < 3; i++) {
		struct smig_sha256 h;
		uint8_t d[32];
		char hex[65], *content = tu_fmt("content of %s\n", files[i]), *line;

		p = tu_fmt("%s/%s", dir, files[i]);
		tu_write(p, content, strlen(content));
		assert_int_equal(smig_sha256_init(&h, &e), 0);
		smig_sha256_update(&h, content, strlen(content));
		smig_sha256_final(&h, d);
		smig_hex(d, 32, hex);
		line = tu_fmt("%sSHA256 (%s) = %s\n", list, files[i], hex);
		free(list);
		list = line;
		free(content);
		free(p);
	}
	listlen = strlen(list);
	/* The same bytes `sha256sum --tag` prints (formats.md §14.4). */
	if (tu_have("sha256sum")) {
		p = tu_fmt("%s/tag", dir);
		assert_int_equal(tu_sh("cd '%s' && sha256sum --tag 'disk 1.vhd' smig/descriptor.xml"
				       " z.reg > tag", dir), 0);
		tag = tu_read(p, &taglen);
		assert_int_equal(taglen, listlen);
		assert_memory_equal(tag, list, listlen);
		free(tag);
		free(p);
	}
	assert_int_equal(smig_sumlist_parse(list, listlen, &l, &n, &e), 0);
	assert_int_equal(n, 3);
	smig_sumlist_free(l, n);

	assert_int_equal(smig_sign_keygen(&pub, &sec, "smig", &e), 0);
	p = tu_fmt("%s/k.pub", dir);
	tag = tu_fmt("%s/k.sec", dir);
	assert_int_equal(smig_sign_write_keys(p, tag, &pub, &sec, &e), 0);
	free(p);
	free(tag);
	assert_int_equal(smig_sign_embedded(&sec, "k", list, listlen, &sig, &siglen, &e), 0);
	p = tu_fmt("%s/smig/SHA256.sig", dir);
	tu_write(p, sig, siglen);
	free(p);
	assert_int_equal(tu_sh("cd '%s' && " SIGNIFY " -C -p k.pub -x smig/SHA256.sig >/dev/null",
			       dir), 0);

	/* One byte of one file changed: signify reports FAIL. */
	p = tu_fmt("%s/z.reg", dir);
	tu_write(p, "content of z.reG\n", 17);
	free(p);
	assert_int_equal(tu_sh("cd '%s' && " SIGNIFY " -C -p k.pub -x smig/SHA256.sig "
			       "2>&1 | grep -qx 'z.reg: FAIL'", dir), 0);
	assert_int_not_equal(tu_sh("cd '%s' && " SIGNIFY " -C -p k.pub -x smig/SHA256.sig "
				   ">/dev/null 2>&1", dir), 0);

	smig_seckey_wipe(&sec);
	free(sig);
	free(list);
	tu_rmtree(dir);
	free(dir);
}

/* A sparse file hashes as its full content, holes as zeros: compared with sha256sum; a
 * missing file is a clear error. */
static void sha256_file_sparse(void **state)
{
	char *dir = tu_mkdtemp(), *path = tu_fmt("%s/sparse.bin", dir), *cmd;
	char hex[65], want[65] = "";
	uint8_t got[32];
	struct smig_err e = SMIG_ERR_INIT;
	FILE *f;

	(void)state;
	if (tu_sh("truncate -s 5M '%s' && printf 'data in the middle' | dd of='%s' bs=1 "
		  "seek=2097152 conv=notrunc status=none && printf 'tail' >>'%s'", path, path,
		  path) != 0)
		fail_msg("cannot make the sparse file");
	assert_int_equal(smig_sha256_file(path, "sparse.bin", got, &e), 0);
	smig_hex(got, 32, hex);
	cmd = tu_fmt("sha256sum '%s'", path);
	f = popen(cmd, "r");
	assert_non_null(f);
	assert_int_equal(fscanf(f, "%64s", want), 1);
	pclose(f);
	assert_string_equal(hex, want);
	/* one changed byte changes it */
	assert_int_equal(tu_sh("printf 'X' | dd of='%s' bs=1 seek=4000000 conv=notrunc status=none",
			       path), 0);
	assert_int_equal(smig_sha256_file(path, "sparse.bin", got, &e), 0);
	smig_hex(got, 32, hex);
	assert_string_not_equal(hex, want);
	unlink(path);
	assert_int_equal(smig_sha256_file(path, "sparse.bin", got, &e), -1);
	assert_non_null(strstr(e.msg, "cannot open 'sparse.bin'"));
	free(cmd);
	free(path);
	tu_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ed25519_rfc8032),
		cmocka_unit_test(keys_roundtrip),
		cmocka_unit_test(keygen_rejects_bad_comment),
		cmocka_unit_test(write_refuses_overwrite),
		cmocka_unit_test(bad_key_files),
		cmocka_unit_test(seckey_checks),
		cmocka_unit_test(signify_passphrase_key_refused),
		cmocka_unit_test(embedded_sign_verify),
		cmocka_unit_test(interop_signify_key),
		cmocka_unit_test(interop_smig_key),
		cmocka_unit_test(sha256_known_answers),
		cmocka_unit_test(sha256_file_sparse),
		cmocka_unit_test(sumlist_parse_rules),
		cmocka_unit_test(sumlist_signify_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
