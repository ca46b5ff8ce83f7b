/*
 * fuzz_age.c - the age reader (age.h) on hostile bytes: the input is a whole file, read to
 * its end as the archive reader does, once with a fixed X25519 identity and once with a fixed
 * passphrase (scrypt bounded to 2^10 so that a stanza the fuzzer keeps valid stays cheap).
 * The identity is a test key, not a secret: scripts/fuzz.sh encrypts its seeds to its
 * recipient, age1284q57cy2ecqn3erxt97ytf6dw0wv5naz0rrg53syadwqjjxlvfqa8hn9d.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "age.h"
#include "fuzzutil.h"

#define FZ_IDENTITY "AGE-SECRET-KEY-1PE9VJQNPM65RM37VFGW5G60388HYXQN2U3FTXY69JZ9CAF6DGXXQZ0T0NC"
#define FZ_PASSPHRASE "smig fuzz passphrase"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void read_all(const char *path, const struct smig_age_keys *k, uint8_t *buf)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_age_reader *r = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	if (smig_age_reader_open(fd, path, k, &r, &e) == 0)
		while (smig_age_reader_read(r, buf, (size_t)1 << 20, &e) > 0)
			;
	smig_age_reader_free(r);
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct smig_age_keys ids, pass;
	static uint8_t *buf;
	static int ready;
	char *path = fz_path("in.age");

	if (!ready) {
		struct smig_err e = SMIG_ERR_INIT;

		smig_age_keys_init(&ids);
		smig_age_keys_init(&pass);
		ids.x25519 = calloc(SMIG_AGE_RECIPIENTS_MAX, 32);
		buf = malloc((size_t)1 << 20);
		if (ids.x25519 == NULL || buf == NULL ||
		    smig_age_parse_identity(FZ_IDENTITY, ids.x25519[0], &e) < 0 ||
		    smig_age_set_passphrase(&pass, FZ_PASSPHRASE, strlen(FZ_PASSPHRASE), &e) < 0)
			abort();
		ids.nx25519 = 1;
		pass.max_log2n = 10;
		ready = 1;
	}
	if (fz_write(path, data, size) == 0) {
		read_all(path, &ids, buf);
		read_all(path, &pass, buf);
	}
	free(path);
	fz_reset();
	return 0;
}
