/* fuzzutil.c - see fuzzutil.h. */
#include "fuzzutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "winval.h"

static char *scratch;

static void fz_cleanup(void)
{
	if (scratch)
		smig_rm_rf(scratch, NULL);
	free(scratch);
	scratch = NULL;
}

const char *fz_dir(void)
{
	const char *t;
	size_t n;

	if (scratch)
		return scratch;
	t = getenv("TMPDIR");
	if (t == NULL || *t == '\0')
		t = "/tmp";
	n = strlen(t) + sizeof("/smig-fuzz-XXXXXX");
	scratch = malloc(n);
	if (scratch == NULL || snprintf(scratch, n, "%s/smig-fuzz-XXXXXX", t) >= (int)n ||
	    mkdtemp(scratch) == NULL)
		abort();
	atexit(fz_cleanup);
	return scratch;
}

void fz_reset(void)
{
	const char *d = fz_dir();

	if (smig_rm_rf(d, NULL) < 0 || mkdir(d, 0700) < 0)
		abort();
}

char *fz_path(const char *rel)
{
	char *p = smig_path_join(fz_dir(), rel, NULL);

	if (p == NULL)
		abort();
	return p;
}

int fz_write(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	int rc = 0;

	if (f == NULL)
		return -1;
	if (len > 0 && fwrite(data, 1, len, f) != len)
		rc = -1;
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

char *fz_strndup(const uint8_t *data, size_t len)
{
	char *s = malloc(len + 1);

	if (s == NULL)
		abort();
	if (len > 0)
		memcpy(s, data, len);
	s[len] = '\0';
	return s;
}

void fz_split(const uint8_t *data, size_t len, const uint8_t **a, size_t *alen,
	      const uint8_t **b, size_t *blen)
{
	const uint8_t *hit = memmem(data, len, FZ_SPLIT, strlen(FZ_SPLIT));

	*a = data;
	if (hit == NULL) {
		*alen = len;
		*b = data + len;
		*blen = 0;
		return;
	}
	*alen = (size_t)(hit - data);
	*b = hit + strlen(FZ_SPLIT);
	*blen = len - *alen - strlen(FZ_SPLIT);
}

void fz_members_decode(const uint8_t *data, size_t len, struct fz_members *out)
{
	size_t i = 0;

	memset(out, 0, sizeof(*out));
	if (len == 0)
		return;
	out->flags = data[i++];
	while (out->n < FZ_MEMBERS_MAX && len - i >= 2) {
		struct fz_member *m = &out->m[out->n];
		size_t nlen = data[i + 1];
		uint32_t dlen;

		m->type = (char)data[i];
		i += 2;
		if (len - i < nlen)
			break;
		m->name = fz_strndup(data + i, nlen);
		i += nlen;
		if (len - i >= 4) {
			dlen = (uint32_t)data[i] | (uint32_t)data[i + 1] << 8 |
			       (uint32_t)data[i + 2] << 16 | (uint32_t)data[i + 3] << 24;
			i += 4;
		} else {
			dlen = 0;
			i = len;
		}
		m->data = data + i;
		m->len = dlen < len - i ? dlen : len - i;
		i += m->len;
		out->n++;
	}
}

void fz_members_release(struct fz_members *ms)
{
	size_t i;

	for (i = 0; i < ms->n; i++)
		free(ms->m[i].name);
	ms->n = 0;
}

size_t fz_member_encode(char type, const char *name, const void *data, size_t len,
			uint8_t *out)
{
	size_t nlen = strlen(name);

	if (nlen > 255 || (uint64_t)len > UINT32_MAX)
		return 0;
	out[0] = (uint8_t)type;
	out[1] = (uint8_t)nlen;
	memcpy(out + 2, name, nlen);
	out[2 + nlen] = (uint8_t)len;
	out[3 + nlen] = (uint8_t)(len >> 8);
	out[4 + nlen] = (uint8_t)(len >> 16);
	out[5 + nlen] = (uint8_t)(len >> 24);
	if (len > 0)
		memcpy(out + 6 + nlen, data, len);
	return 6 + nlen + len;
}

void fz_text_passes(const uint8_t *data, size_t size, void (*parse)(const char *text, size_t len))
{
	struct smig_err e = SMIG_ERR_INIT;
	char *raw = malloc(size ? size : 1), *text = NULL;

	if (raw == NULL)
		return;
	memcpy(raw, data, size);
	parse(raw, size);
	free(raw);
	if (smig_text_decode(data, size, &text, &e) == 0) {
		parse(text, strlen(text));
		free(text);
	}
}
