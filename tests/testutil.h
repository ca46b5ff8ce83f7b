/*
 * testutil.h - helpers shared by the cmocka unit tests: scratch directories, the path of
 * a real sample in ../shared/data (or NULL when it is not there), whole-file reads.
 */
#ifndef SMIG_TESTUTIL_H
#define SMIG_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

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

#endif
