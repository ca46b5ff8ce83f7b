/* testutil.c - see testutil.h. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fileio.h"
#include "hostfs.h"
#include "inventory.h"
#include "postcheck.h"

char *tu_mkdtemp(void)
{
	const char *t = getenv("TMPDIR");
	char *p = tu_fmt("%s/smig-test-XXXXXX", t && *t ? t : "/tmp");

	assert_non_null(mkdtemp(p));
	return p;
}

void tu_rmtree(const char *dir)
{
	struct smig_err e = SMIG_ERR_INIT;

	if (dir)
		smig_rm_rf(dir, &e);
}

char *tu_shared(const char *name)
{
	const char *d = getenv("SMIG_SHARED_DATA");
	char *p;

	if (d == NULL)
		d = SMIG_SOURCE_DIR "/../shared/data";
	p = tu_fmt("%s/%s", d, name);
	if (access(p, R_OK) != 0) {
		free(p);
		return NULL;
	}
	return p;
}

char *tu_src(const char *rel)
{
	return tu_fmt("%s/%s", SMIG_SOURCE_DIR, rel);
}

void tu_write(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

char *tu_read(const char *path, size_t *len)
{
	struct smig_err e = SMIG_ERR_INIT;
	char *buf = NULL;
	size_t n = 0;

	if (smig_file_read(path, (size_t)1 << 31, NULL, &buf, &n, &e) < 0)
		fail_msg("%s", e.msg);
	if (len)
		*len = n;
	return buf;
}

char *tu_fmt(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	assert_true(vasprintf(&s, fmt, ap) >= 0);
	va_end(ap);
	return s;
}

int tu_sh(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int rc;

	va_start(ap, fmt);
	assert_true(vasprintf(&s, fmt, ap) >= 0);
	va_end(ap);
	rc = system(s);
	free(s);
	if (rc == -1 || !WIFEXITED(rc))
		return -1;
	return WEXITSTATUS(rc);
}

int tu_have(const char *prog)
{
	return tu_sh("command -v %s >/dev/null 2>&1", prog) == 0;
}

char *tu_bin(const char *prog)
{
	const char *b = getenv("SMIG_BUILD_DIR");

	return tu_fmt("%s/%s", b && *b ? b : ".", prog);
}

void tu_build_example(const char *name, const char *outdir)
{
	char *mk = tu_bin("smig-mkhost");
	int rc = tu_sh("'%s' --force '%s/examples/%s/host.json' '%s'", mk, SMIG_SOURCE_DIR, name,
		       outdir);

	free(mk);
	if (rc != 0)
		fail_msg("smig-mkhost failed for example '%s' (exit %d)", name, rc);
}

struct smig_inventory *tu_read_host(const char *root)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_hostfs *fs = NULL;
	struct smig_inventory *inv = NULL;

	if (smig_hostfs_open(root, &fs, &e) < 0 || smig_inventory_read(fs, root, NULL, &inv, &e) < 0)
		fail_msg("reading the host '%s': %s", root, e.msg);
	smig_hostfs_free(fs);
	return inv;
}

const struct smig_problem *tu_item(const struct smig_problems *items, const char *id,
                                   const char *subject)
{
	const struct smig_problem *found = NULL;
	size_t i;

	for (i = 0; i < items->count; i++) {
		if (strcmp(items->items[i].id, id) != 0 ||
		    strcmp(items->items[i].subject, subject) != 0)
			continue;
		if (found != NULL)
			fail_msg("two %s items for '%s'", id, subject);
		found = &items->items[i];
	}
	if (found == NULL)
		fail_msg("no %s item for '%s'", id, subject);
	return found;
}

void tu_dump_items(const struct smig_problems *items)
{
	size_t i;

	for (i = 0; i < items->count; i++)
		if (items->items[i].severity != SMIG_SEV_PASS &&
		    items->items[i].severity != SMIG_SEV_INFO)
			print_message("  %s %s %s: %s\n", items->items[i].id,
			              smig_severity_name(items->items[i].severity),
			              items->items[i].subject, items->items[i].message);
}

void tu_expect(const struct smig_problems *items, const char *id, const char *subject,
               enum smig_severity sev, const char *needle)
{
	const struct smig_problem *it = tu_item(items, id, subject);

	if (it->severity != sev)
		fail_msg("%s %s is %s: %s", id, subject, smig_severity_name(it->severity),
		         it->message);
	if (needle != NULL && strstr(it->message, needle) == NULL)
		fail_msg("'%s' not in '%s'", needle, it->message);
}

void tu_only_failure(const struct smig_problems *items, const char *id, const char *subject,
                     const char *needle)
{
	if (smig_postcheck_failures(items) != 1)
		tu_dump_items(items);
	assert_int_equal(smig_postcheck_failures(items), 1);
	tu_expect(items, id, subject, SMIG_SEV_FAIL, needle);
}

void tu_no_failure(const struct smig_problems *items)
{
	if (smig_postcheck_failures(items) != 0)
		tu_dump_items(items);
	assert_int_equal(smig_postcheck_failures(items), 0);
}
