/*
 * testutil.h - helpers shared by the cmocka unit tests: scratch directories, the path of
 * a real sample in ../shared/data (or NULL when it is not there), whole-file reads, and the
 * items of a verification report (postcheck.h, livecheck.h).
 */
#ifndef SMIG_TESTUTIL_H
#define SMIG_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "problem.h"

/* A fresh directory under $TMPDIR, removed by tu_rmtree(). Returns a malloc'd path. */
char *tu_mkdtemp(void);
void tu_rmtree(const char *dir);
/* Path of ../shared/data/<name> if it exists, else NULL (caller frees). */
char *tu_shared(const char *name);
/* Path under the source tree (caller frees). */
char *tu_src(const char *rel);
/* Write / read whole files; failures fail the test. */
void tu_write(const char *path, const void *data, size_t len);
char *tu_read(const char *path, size_t *len);
/* printf into a malloc'd string. */
char *tu_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Run a shell command; returns its exit status (or -1). */
int tu_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Build examples/<name>/host.json into `outdir` with smig-mkhost (fails the test on error). */
void tu_build_example(const char *name, const char *outdir);
/* Read the host at `root` (host folder or C: root, facts files picked up as usual) into a new
 * inventory; any failure fails the test. Free with smig_inventory_free(). */
struct smig_inventory;
struct smig_inventory *tu_read_host(const char *root);
/* Path of a built program (smig-export, smig-import, smig-mkhost); caller frees. */
char *tu_bin(const char *prog);
/* Whether a program is on PATH. */
int tu_have(const char *prog);

/*
 * Verification items. tu_item() is the one item (id, subject) and fails the test when there is
 * none or more than one. tu_expect() checks its severity and that its message holds `needle`
 * (NULL: any message). tu_only_failure() and tu_no_failure() count failures as
 * smig_postcheck_failures() does; when the count is off, tu_dump_items() prints every item that
 * is neither a pass nor an info first, so the test log says why.
 */
const struct smig_problem *tu_item(const struct smig_problems *items, const char *id,
                                   const char *subject);
void tu_expect(const struct smig_problems *items, const char *id, const char *subject,
               enum smig_severity sev, const char *needle);
void tu_only_failure(const struct smig_problems *items, const char *id, const char *subject,
                     const char *needle);
void tu_no_failure(const struct smig_problems *items);
void tu_dump_items(const struct smig_problems *items);

#endif
