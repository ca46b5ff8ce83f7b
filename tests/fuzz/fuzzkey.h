/*
 * fuzzkey.h - the fixed Ed25519 test key of the archive targets (not a secret: it signs only
 * fuzz inputs). Built from a constant seed with OpenSSL, so a reproducer signs the same way
 * on every run.
 */
#ifndef SMIG_FUZZKEY_H
#define SMIG_FUZZKEY_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "sign.h"

static inline void fz_test_key(struct smig_pubkey *pub, struct smig_seckey *sec)
{
	static const uint8_t keynum[8] = {'s', 'm', 'i', 'g', 'f', 'u', 'z', 'z'};
	EVP_PKEY *k;
	size_t n = 32;

	memset(pub, 0, sizeof(*pub));
	memset(sec, 0, sizeof(*sec));
	for (size_t i = 0; i < 32; i++)
		sec->seed[i] = (uint8_t)(0xA5 ^ (i * 7));
	k = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, sec->seed, 32);
	if (k == NULL || EVP_PKEY_get_raw_public_key(k, sec->pk, &n) != 1 || n != 32)
		abort();
	EVP_PKEY_free(k);
	memcpy(sec->keynum, keynum, 8);
	memcpy(pub->keynum, keynum, 8);
	memcpy(pub->pk, sec->pk, 32);
	snprintf(pub->comment, sizeof(pub->comment), "smig fuzz public key");
	snprintf(sec->comment, sizeof(sec->comment), "smig fuzz secret key");
}

#endif
