/*
 * test_journal.c - the apply journal in scratch directories: mkdir, file (over an existing
 * target and into a new one) and symlink operations, the ops/state files and load(), exact
 * rollback (twice, and from a loaded journal), injected and real failures, the cross-filesystem
 * copy path when /dev/shm is another filesystem, hostile journals, and escaped paths.
 */
#include "testutil.h"

#include <errno.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "journal.h"
#include "strbuf.h"

/* ---- a tree snapshot: every entry below a root as "path type mode content", sorted ---- */

static char **g_entries;
static size_t g_nentries;
static size_t g_rootlen;

static int collect(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	const char *rel = path + g_rootlen;
	char *line = NULL;

	(void)ftw;
	/* the journal lives in the destination, as apply puts it (<root>/smig-journal/<id>) */
	if (!*rel || !strncmp(rel, "/smig-journal", 13))
		return 0;
	if (S_ISLNK(st->st_mode)) {
		char text[4096];
		ssize_t n = readlink(path, text, sizeof(text) - 1);

		assert_true(n >= 0);
		text[n] = '\0';
		line = tu_fmt("%s L %s", rel, text);
	} else if (S_ISDIR(st->st_mode)) {
		line = tu_fmt("%s D", rel);
	} else if (flag == FTW_F) {
		size_t len = 0;
		char *data = tu_read(path, &len);

		line = tu_fmt("%s F %o %.*s", rel, (unsigned)(st->st_mode & 07777), (int)len,
			      data);
		free(data);
	} else {
		line = tu_fmt("%s ?", rel);
	}
	g_entries = realloc(g_entries, (g_nentries + 1) * sizeof(*g_entries));
	assert_non_null(g_entries);
	g_entries[g_nentries++] = line;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The whole tree below `root` (paths, types, modes, contents, link texts), one string. */
static char *snapshot(const char *root)
{
	struct smig_strbuf b = SMIG_STRBUF_INIT;
	char *out;

	g_entries = NULL;
	g_nentries = 0;
	g_rootlen = strlen(root);
	assert_int_equal(nftw(root, collect, 16, FTW_PHYS), 0);
	qsort(g_entries, g_nentries, sizeof(*g_entries), cmp_str);
	for (size_t i = 0; i < g_nentries; i++) {
		smig_strbuf_puts(&b, g_entries[i]);
		smig_strbuf_putc(&b, '\n');
		free(g_entries[i]);
	}
	free(g_entries);
	g_entries = NULL;
	smig_strbuf_puts(&b, "");
	out = smig_strbuf_take(&b, NULL);
	assert_non_null(out);
	return out;
}

/* ---- fixture: <dir>/t is the destination tree, <dir>/t/smig-journal/j the journal ---- */

struct fx {
	char *dir, *t, *j, *prep;
	struct smig_journal jn;
	char *before;   /* snapshot of t before the run */
	char shm[64];   /* a scratch directory on /dev/shm, or "" */
	char *owned[8]; /* strings freed by teardown (so a failing test leaks nothing) */
	size_t nowned;
};

/* `s`, freed by teardown. */
static char *own(struct fx *f, char *s)
{
	assert_true(f->nowned < sizeof(f->owned) / sizeof(f->owned[0]));
	f->owned[f->nowned++] = s;
	return s;
}

static char *in(const char *a, const char *b)
{
	return tu_fmt("%s/%s", a, b);
}

static void put(const char *dir, const char *name, const char *text)
{
	char *p = in(dir, name);

	tu_write(p, text, strlen(text));
	free(p);
}

static void link_at(const char *dir, const char *name, const char *text)
{
	char *p = in(dir, name);

	assert_int_equal(symlink(text, p), 0);
	free(p);
}

static char *link_text(const char *dir, const char *name)
{
	char *p = in(dir, name), text[4096];
	ssize_t n = readlink(p, text, sizeof(text) - 1);

	free(p);
	if (n < 0)
		return NULL;
	text[n] = '\0';
	return tu_fmt("%s", text);
}

static char *content(const char *dir, const char *name)
{
	char *p = in(dir, name), *s = tu_read(p, NULL);

	free(p);
	return s;
}

static bool exists(const char *dir, const char *name)
{
	char *p = in(dir, name);
	struct stat st;
	bool r = lstat(p, &st) == 0;

	free(p);
	return r;
}

static void add(struct fx *f, enum smig_op_kind kind, const char *target_rel,
		const char *source, const char *what)
{
	struct smig_err e = SMIG_ERR_INIT;
	char *t = in(f->t, target_rel);

	if (smig_journal_add(&f->jn, kind, t, source, what, &e) < 0)
		fail_msg("%s", e.msg);
	free(t);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->dir = tu_mkdtemp();
	f->t = in(f->dir, "t");
	f->j = in(f->t, "smig-journal/j");
	f->prep = in(f->j, "prepared");
	assert_int_equal(mkdir(f->t, 0755), 0);
	assert_int_equal(tu_sh("mkdir -p '%s'", f->prep), 0);
	f->jn.dir = tu_fmt("%s", f->j);
	f->jn.root = realpath(f->t, NULL);
	assert_non_null(f->jn.root);
	/* the destination as it was */
	put(f->t, "old.txt", "old content\n");
	link_at(f->t, "oldlink", "old-target");
	put(f->t, "keep.txt", "untouched");
	/* the new files, built before the first change */
	put(f->prep, "a", "new file a");
	put(f->prep, "b", "replacement b");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	unsetenv("SMIG_TEST_FAIL_OP");
	smig_journal_release(&f->jn);
	if (f->shm[0])
		tu_rmtree(f->shm);
	for (size_t i = 0; i < f->nowned; i++)
		free(f->owned[i]);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f->t);
	free(f->j);
	free(f->prep);
	free(f->before);
	free(f);
	return 0;
}

/* The standard five operations: every kind, new targets and replaced ones. */
static void add_standard(struct fx *f)
{
	char *a = in(f->prep, "a"), *b = in(f->prep, "b");

	add(f, SMIG_OP_MKDIR, "newdir", NULL, "create folder D:\\newdir");
	add(f, SMIG_OP_FILE, "newdir/a.txt", a, "VM web01: configuration D:\\newdir\\a.txt");
	add(f, SMIG_OP_FILE, "old.txt", b, "replace D:\\old.txt");
	add(f, SMIG_OP_SYMLINK, "newlink", "D:\\Hyper-V\\Virtual Machines\\X.xml", "register");
	add(f, SMIG_OP_SYMLINK, "oldlink", "new-target", "re-register");
	free(a);
	free(b);
}

static void start(struct fx *f)
{
	struct smig_err e = SMIG_ERR_INIT;

	f->before = snapshot(f->t);
	if (smig_journal_start(&f->jn, &e) < 0)
		fail_msg("%s", e.msg);
}

static void run_ok(struct fx *f)
{
	struct smig_err e = SMIG_ERR_INIT;

	if (smig_journal_run(&f->jn, &e) < 0)
		fail_msg("%s", e.msg);
}

static void assert_restored(const struct fx *f)
{
	char *now = snapshot(f->t);

	assert_string_equal(now, f->before);
	free(now);
}

/* Lines of <j>/state equal to `line` (without its newline). */
static size_t state_lines(const struct fx *f, const char *line)
{
	char *s = content(f->j, "state"), *p = s;
	size_t n = 0, len = strlen(line);

	while (p && *p) {
		char *nl = strchr(p, '\n');

		if (nl && (size_t)(nl - p) == len && !memcmp(p, line, len))
			n++;
		p = nl ? nl + 1 : p + strlen(p);
	}
	free(s);
	return n;
}

/* ---- run, files, load ---- */

static void run_and_load(void **state)
{
	struct fx *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_journal l;
	char *s;
	struct stat st;

	add_standard(f);
	start(f);
	assert_true(exists(f->j, "ops"));
	assert_true(exists(f->j, "state"));
	run_ok(f);
	assert_int_equal(f->jn.done, 5);

	/* the targets */
	assert_int_equal(stat(f->jn.ops[0].target, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	s = content(f->t, "newdir/a.txt");
	assert_string_equal(s, "new file a");
	free(s);
	s = content(f->t, "old.txt");
	assert_string_equal(s, "replacement b");
	free(s);
	s = link_text(f->t, "newlink");
	assert_string_equal(s, "D:\\Hyper-V\\Virtual Machines\\X.xml");
	free(s);
	s = link_text(f->t, "oldlink");
	assert_string_equal(s, "new-target");
	free(s);
	s = content(f->t, "keep.txt");
	assert_string_equal(s, "untouched");
	free(s);
	/* the prepared files were moved, not copied */
	assert_false(exists(f->prep, "a"));
	assert_false(exists(f->prep, "b"));
	/* what was replaced is kept: the file and the symbolic link, nothing for new targets */
	s = content(f->j, "backup/2");
	assert_string_equal(s, "old content\n");
	free(s);
	s = link_text(f->j, "backup/4");
	assert_string_equal(s, "old-target");
	free(s);
	assert_false(exists(f->j, "backup/0"));
	assert_false(exists(f->j, "backup/1"));
	assert_false(exists(f->j, "backup/3"));
	/* each backup records the size of what it keeps ("old content\n", "old-target") */
	assert_int_equal(state_lines(f, "backup 2 12"), 1);
	assert_int_equal(state_lines(f, "backup 4 10"), 1);
	assert_int_equal(state_lines(f, "backup 1"), 0);
	assert_int_equal(state_lines(f, "done 4"), 1);
	assert_int_equal(state_lines(f, "complete"), 0);

	/* load before "complete": same ops, same count, not complete */
	if (smig_journal_load(f->j, &l, &e) < 0)
		fail_msg("%s", e.msg);
	assert_int_equal(l.nops, f->jn.nops);
	for (size_t i = 0; i < l.nops; i++) {
		assert_int_equal(l.ops[i].kind, f->jn.ops[i].kind);
		assert_string_equal(l.ops[i].target, f->jn.ops[i].target);
		assert_string_equal(l.ops[i].what, f->jn.ops[i].what);
		if (f->jn.ops[i].source)
			assert_string_equal(l.ops[i].source, f->jn.ops[i].source);
		else
			assert_null(l.ops[i].source);
		assert_true(l.begun[i]);
		assert_int_equal(l.backed_up[i], i == 2 || i == 4);
	}
	assert_int_equal(l.done, 5);
	assert_false(l.complete);
	smig_journal_release(&l);

	/* after "complete" */
	assert_int_equal(smig_journal_complete(&f->jn, &e), 0);
	assert_true(f->jn.complete);
	assert_int_equal(state_lines(f, "complete"), 1);
	if (smig_journal_load(f->j, &l, &e) < 0)
		fail_msg("%s", e.msg);
	assert_true(l.complete);
	assert_int_equal(l.done, 5);
	smig_journal_release(&l);
}

/* A journal that was started but never run: nothing begun, nothing done. */
static void load_unrun(void **state)
{
	struct fx *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_journal l;

	add_standard(f);
	start(f);
	assert_int_equal(smig_journal_load(f->j, &l, &e), 0);
	assert_int_equal(l.nops, 5);
	assert_int_equal(l.done, 0);
	assert_false(l.complete);
	for (size_t i = 0; i < l.nops; i++)
		assert_false(l.begun[i] || l.backed_up[i]);
	/* rolling it back changes nothing */
	assert_int_equal(smig_journal_rollback(&l, &e), 0);
	assert_restored(f);
	smig_journal_release(&l);
}

/* ---- rollback ---- */

static void rollback_after_run(void **state)
{
	struct fx *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	char *after;

	add_standard(f);
	start(f);
	run_ok(f);
	after = snapshot(f->t);
	assert_string_not_equal(after, f->before); /* the run did change the tree */
	free(after);

	if (smig_journal_rollback(&f->jn, &e) < 0)
		fail_msg("%s", e.msg);
	assert_restored(f);
	assert_false(exists(f->t, "newdir"));
	assert_false(exists(f->t, "newlink"));
	for (int i = 0; i < 5; i++) {
		char *line = tu_fmt("undone %d", i);

		assert_int_equal(state_lines(f, line), 1);
		free(line);
	}
	/* again: nothing left to undo, nothing logged, nothing changed */
	assert_int_equal(smig_journal_rollback(&f->jn, &e), 0);
	assert_restored(f);
	assert_int_equal(state_lines(f, "undone 0"), 1);
	assert_int_equal(state_lines(f, "undone 4"), 1);
}

/* Rollback by a later process: load the journal from disk, undo, load again, undo again. */
static void rollback_loaded(void **state)
{
	struct fx *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_journal l;

	add_standard(f);
	start(f);
	run_ok(f);
	assert_int_equal(smig_journal_complete(&f->jn, &e), 0);
	smig_journal_release(&f->jn);

	if (smig_journal_load(f->j, &l, &e) < 0)
		fail_msg("%s", e.msg);
	if (smig_journal_rollback(&l, &e) < 0)
		fail_msg("%s", e.msg);
	smig_journal_release(&l);
	assert_restored(f);

	if (smig_journal_load(f->j, &l, &e) < 0)
		fail_msg("%s", e.msg);
	for (size_t i = 0; i < l.nops; i++)
		assert_false(l.begun[i]);
	assert_int_equal(smig_journal_rollback(&l, &e), 0);
	smig_journal_release(&l);
	assert_restored(f);
	assert_int_equal(state_lines(f, "undone 2"), 1);
}

/* The destination folder is moved (renamed) after apply: the journal names its paths relative
 * to the root, so rollback from the new place restores the new place; nothing is written
 * where the folder used to be. */
static void rollback_after_move(void **state)
{
	struct fx *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_journal l;
	char *moved = own(f, in(f->dir, "moved")), *jmoved = own(f, in(moved, "smig-journal/j"));
	char *ops, *now;

	add_standard(f);
	start(f);
	run_ok(f);
	assert_int_equal(smig_journal_complete(&f->jn, &e), 0);
	/* no absolute path of the destination in the operation list */
	ops = content(f->j, "ops");
	assert_null(strstr(ops, f->jn.root));
	assert_non_null(strstr(ops, "newdir/a.txt"));
	free(ops);
	smig_journal_release(&f->jn);
	assert_int_equal(rename(f->t, moved), 0);

	if (smig_journal_load(jmoved, &l, &e) < 0)
		fail_msg("%s", e.msg);
	if (smig_journal_rollback(&l, &e) < 0)
		fail_msg("%s", e.msg);
	smig_journal_release(&l);
	assert_int_equal(access(f->t, F_OK), -1); /* nothing recreated at the old place */
	now = snapshot(moved);
	assert_string_equal(now, f->before);
	free(now);
	assert_int_equal(rename(moved, f->t), 0);
}

/* An operation that cannot be undone (something else was put in a folder apply made) does not
 * stop the others; the rollback says how many are left, does not log them undone, and a second
 * rollback finishes once the cause is gone. */
static void rollback_partial_failure(void **state)
{
	struct fx *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_journal l;

	add_standard(f);
	start(f);
	run_ok(f);
	put(f->t, "newdir/someone-elses.txt", "x");
	assert_int_equal(smig_journal_rollback(&f->jn, &e), -1);
	assert_int_equal(f->jn.left, 1);
	assert_non_null(strstr(e.msg, "1 change(s) could not be undone"));
	assert_non_null(strstr(e.msg, "newdir"));
	assert_int_equal(state_lines(f, "undone 0"), 0);
	assert_int_equal(state_lines(f, "undone 1"), 1); /* the file in it was removed */
	assert_int_equal(state_lines(f, "undone 2"), 1); /* the replaced file is back */
	assert_true(f->jn.begun[0]);
	smig_journal_release(&f->jn);

	/* the journal still knows: fix the cause, roll back again */
	if (smig_journal_load(f->j, &l, &e) < 0)
		fail_msg("%s", e.msg);
	assert_true(l.begun[0]);
	assert_false(l.begun[2]);
	{
		char *p = in(f->t, "newdir/someone-elses.txt");

		assert_int_equal(unlink(p), 0);
		free(p);
	}
	if (smig_journal_rollback(&l, &e) < 0)
		fail_msg("%s", e.msg);
	assert_int_equal(l.left, 0);
	smig_journal_release(&l);
	assert_restored(f);
}

/* Rollback checks what it restored: a backup that is not what apply replaced (its size
 * differs from the one recorded) is reported, not called restored. */
static void rollback_checks_restored(void **state)
{
	struct fx *f = *state;
	struct smig_err e = SMIG_ERR_INIT;

	add_standard(f);
	start(f);
	run_ok(f);
	put(f->j, "backup/2", "tampered: another size");
	assert_int_equal(smig_journal_rollback(&f->jn, &e), -1);
	assert_int_equal(f->jn.left, 1);
	assert_non_null(strstr(e.msg, "old.txt"));
	assert_non_null(strstr(e.msg, "12 bytes expected"));
	assert_int_equal(state_lines(f, "undone 2"), 0);
}

/* A folder of the destination that is a symbolic link to somewhere else: nothing is written
 * through it, the error names it, and what was done before is undone. */
static void refuses_symlinked_folder(void **state)
{
	struct fx *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	char *outside = own(f, in(f->dir, "outside")), *src = in(f->prep, "a");
	char *now;

	assert_int_equal(mkdir(outside, 0755), 0);
	link_at(f->t, "VHD", outside);
	add(f, SMIG_OP_MKDIR, "newdir", NULL, "mkdir");
	add(f, SMIG_OP_FILE, "VHD/disk.vhd", src, "a disk");
	start(f);
	assert_int_equal(smig_journal_run(&f->jn, &e), -1);
	assert_non_null(strstr(e.msg, "symbolic link"));
	assert_non_null(strstr(e.msg, "VHD"));
	assert_non_null(strstr(e.msg, "undone"));
	assert_int_equal(tu_sh("test -z \"$(ls -A '%s')\"", outside), 0);
	now = snapshot(f->t);
	assert_string_equal(now, f->before);
	free(now);
	free(src);
}

/* ---- failures ---- */

static void injected_failure(void **state)
{
	struct fx *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	char *s;

	add_standard(f);
	start(f);
	setenv("SMIG_TEST_FAIL_OP", "2", 1);
	assert_int_equal(smig_journal_run(&f->jn, &e), -1);
	unsetenv("SMIG_TEST_FAIL_OP");
	assert_int_equal(e.kind, SMIG_ERR_IO);
	assert_int_equal(e.sys_errno, ENOSPC);
	assert_non_null(strstr(e.msg, "old.txt"));
	assert_non_null(strstr(e.msg, "undone"));
	assert_null(strstr(e.msg, "also failed"));
	assert_int_equal(f->jn.done, 2);
	assert_restored(f);
	/* op 2 never moved its file; op 1's was consumed */
	s = content(f->prep, "b");
	assert_string_equal(s, "replacement b");
	free(s);
	assert_int_equal(state_lines(f, "undone 2"), 1);
	assert_int_equal(state_lines(f, "undone 0"), 1);
	assert_int_equal(state_lines(f, "begin 3"), 0);
}

/* The first operation failing leaves nothing at all behind. */
static void injected_failure_first(void **state)
{
	struct fx *f = *state;
	struct smig_err e = SMIG_ERR_INIT;

	add_standard(f);
	start(f);
	setenv("SMIG_TEST_FAIL_OP", "0", 1);
	assert_int_equal(smig_journal_run(&f->jn, &e), -1);
	unsetenv("SMIG_TEST_FAIL_OP");
	assert_non_null(strstr(e.msg, "undone"));
	assert_int_equal(f->jn.done, 0);
	assert_restored(f);
}

/* A directory where a file must go: refused before anything happens to it. */
static void directory_in_the_way(void **state)
{
	struct fx *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	char *a = in(f->prep, "a"), *b = in(f->prep, "b"), *adir = in(f->t, "adir");

	assert_int_equal(mkdir(adir, 0755), 0);
	put(adir, "inside", "x");
	add(f, SMIG_OP_MKDIR, "newdir", NULL, "mkdir");
	add(f, SMIG_OP_FILE, "newdir/a.txt", a, "a");
	add(f, SMIG_OP_FILE, "adir", b, "b over a directory");
	start(f);
	assert_int_equal(smig_journal_run(&f->jn, &e), -1);
	assert_non_null(strstr(e.msg, "is a directory"));
	assert_non_null(strstr(e.msg, "adir"));
	assert_non_null(strstr(e.msg, "undone"));
	assert_restored(f);
	free(a);
	free(b);
	free(adir);
}

/* A missing source file is an error with everything before undone. */
static void missing_source(void **state)
{
	struct fx *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	char *b = in(f->prep, "b"), *gone = in(f->prep, "nonexistent");

	add(f, SMIG_OP_FILE, "old.txt", b, "b");
	add(f, SMIG_OP_FILE, "new.txt", gone, "missing");
	start(f);
	assert_int_equal(smig_journal_run(&f->jn, &e), -1);
	assert_int_equal(e.sys_errno, ENOENT);
	assert_non_null(strstr(e.msg, "nonexistent"));
	assert_non_null(strstr(e.msg, "undone"));
	assert_restored(f);
	free(b);
	free(gone);
}

/*
 * A MKDIR whose folder already exists succeeds (run accepts EEXIST), so rollback must not
 * remove a folder the journal did not make.
 */
static void mkdir_existing_folder(void **state)
{
	struct fx *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	char *a = own(f, in(f->prep, "a")), *b = own(f, in(f->prep, "b"));
	char *ex = own(f, in(f->t, "existing"));

	assert_int_equal(mkdir(ex, 0755), 0);
	put(ex, "theirs.txt", "someone's file");
	assert_int_equal(mkdir(own(f, in(f->t, "empty")), 0755), 0);
	add(f, SMIG_OP_MKDIR, "existing", NULL, "mkdir existing");
	add(f, SMIG_OP_MKDIR, "empty", NULL, "mkdir an existing empty folder");
	add(f, SMIG_OP_FILE, "existing/a.txt", a, "a");
	add(f, SMIG_OP_FILE, "old.txt", b, "b");
	start(f);
	setenv("SMIG_TEST_FAIL_OP", "3", 1);
	assert_int_equal(smig_journal_run(&f->jn, &e), -1);
	unsetenv("SMIG_TEST_FAIL_OP");
	/* (a rollback that rmdir()s it fails with "Directory not empty", or silently removes
	 * an empty one) */
	assert_null(strstr(e.msg, "also failed"));
	assert_restored(f);
}

/* ---- across filesystems: /dev/shm -> $TMPDIR, when they differ ---- */

/*
 * f->shm and its journal folder (returned), with f's journal moved there so that backups are
 * copies too; NULL when /dev/shm is not another writable filesystem (the test skips).
 */
static const char *xfs_init(struct fx *f)
{
	struct stat a, b;
	char *jx;

	snprintf(f->shm, sizeof(f->shm), "/dev/shm/smig-journal-XXXXXX");
	if (stat("/dev/shm", &a) < 0 || stat(f->t, &b) < 0 || a.st_dev == b.st_dev ||
	    access("/dev/shm", W_OK) < 0 || !mkdtemp(f->shm)) {
		f->shm[0] = '\0';
		return NULL;
	}
	jx = own(f, in(f->shm, "journal"));
	assert_int_equal(mkdir(jx, 0700), 0);
	free(f->jn.dir);
	f->jn.dir = tu_fmt("%s", jx);
	return jx;
}

static void cross_filesystem(void **state)
{
	struct fx *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	const char *jx = xfs_init(f);
	struct stat st;
	char *s1, *s2, *s;

	if (!jx)
		skip();
	s1 = own(f, in(f->shm, "one"));
	s2 = own(f, in(f->shm, "two"));
	tu_write(s1, "from shm one", 12);
	assert_int_equal(chmod(s1, 0640), 0);
	tu_write(s2, "from shm two", 12);
	assert_int_equal(chmod(s2, 0600), 0); /* as staged files are */
	add(f, SMIG_OP_FILE, "old.txt", s1, "over an existing file");
	add(f, SMIG_OP_FILE, "new.txt", s2, "a new file");
	start(f);
	run_ok(f);
	s = content(f->t, "old.txt");
	assert_string_equal(s, "from shm one");
	free(s);
	assert_int_equal(stat(f->jn.ops[0].target, &st), 0);
	/* a replaced file keeps its mode (and owner), not the mode of the new content */
	assert_int_equal(st.st_mode & 0777, 0644);
	s = content(f->t, "new.txt");
	assert_string_equal(s, "from shm two");
	free(s);
	assert_int_equal(stat(f->jn.ops[1].target, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644); /* a new file: the usual mode, not 0600 */
	assert_int_equal(access(s1, F_OK), -1); /* moved: the sources are gone */
	assert_int_equal(access(s2, F_OK), -1);
	s = content(jx, "backup/0");
	assert_string_equal(s, "old content\n");
	free(s);
	assert_int_equal(tu_sh("ls -a '%s' | grep -q smig-tmp", f->t), 1); /* no temp left */

	if (smig_journal_rollback(&f->jn, &e) < 0)
		fail_msg("%s", e.msg);
	assert_restored(f);
	assert_int_equal(tu_sh("ls -a '%s' | grep -q smig-tmp", f->t), 1);
}

/* The same with a failure: the copied backup is copied back. */
static void cross_filesystem_failure(void **state)
{
	struct fx *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	char *s1;

	if (!xfs_init(f))
		skip();
	s1 = own(f, in(f->shm, "one"));
	tu_write(s1, "from shm one", 12);
	add(f, SMIG_OP_FILE, "old.txt", s1, "over an existing file");
	add(f, SMIG_OP_MKDIR, "newdir", NULL, "mkdir");
	start(f);
	setenv("SMIG_TEST_FAIL_OP", "1", 1);
	assert_int_equal(smig_journal_run(&f->jn, &e), -1);
	unsetenv("SMIG_TEST_FAIL_OP");
	assert_non_null(strstr(e.msg, "undone"));
	assert_restored(f);
}

/* A symbolic link replaced across filesystems: its backup is a link and must come back as
 * one. */
static void cross_filesystem_symlink(void **state)
{
	struct fx *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	const char *jx = xfs_init(f);
	char *s;

	if (!jx)
		skip();
	add(f, SMIG_OP_SYMLINK, "oldlink", "other", "over a link");
	start(f);
	run_ok(f);
	s = link_text(jx, "backup/0");
	assert_string_equal(s, "old-target");
	free(s);
	/* undo copies it back across filesystems: as a link, never through it (this one
	 * dangles, so following it fails with "No such file or directory") */
	if (smig_journal_rollback(&f->jn, &e) < 0)
		fail_msg("%s", e.msg);
	assert_restored(f);
}

/* ---- hostile journals ---- */

static const char good_ops[] = "mkdir\t/x/dir\t\tmake dir\n"
			       "file\t/x/dir/f\t/x/prep/f\tput f\n"
			       "symlink\t/x/l\tD:\\Hyper-V\\a.xml\tlink\n";

/* Load <j> with these ops and state texts; returns the status, the error in `e`. */
static int load_text(struct fx *f, const char *ops, const char *state, struct smig_journal *l,
		     struct smig_err *e)
{
	put(f->j, "ops", ops);
	put(f->j, "state", state);
	return smig_journal_load(f->j, l, e);
}

static void expect_format(struct fx *f, const char *ops, const char *state, const char *msg)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_journal l;

	if (load_text(f, ops, state, &l, &e) == 0) {
		smig_journal_release(&l);
		fail_msg("accepted: ops '%s' state '%s'", ops, state);
	}
	assert_int_equal(e.kind, SMIG_ERR_FORMAT);
	if (!strstr(e.msg, msg))
		fail_msg("message '%s' does not say '%s'", e.msg, msg);
	/* a refused journal leaves nothing allocated (the release is harmless) */
	assert_null(l.ops);
	assert_int_equal(l.nops, 0);
}

static void hostile_ops(void **state)
{
	struct fx *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_journal l;

	/* the accepting case */
	assert_int_equal(load_text(f, good_ops, "backup 1\nbegin 0\nbegin 1\ndone 0\n", &l, &e), 0);
	assert_int_equal(l.nops, 3);
	assert_int_equal(l.ops[0].kind, SMIG_OP_MKDIR);
	assert_null(l.ops[0].source);
	assert_int_equal(l.ops[2].kind, SMIG_OP_SYMLINK);
	assert_string_equal(l.ops[2].source, "D:\\Hyper-V\\a.xml");
	assert_true(l.begun[0] && l.begun[1] && !l.begun[2]);
	assert_true(!l.backed_up[0] && l.backed_up[1]);
	assert_int_equal(l.done, 1);
	smig_journal_release(&l);
	/* an empty journal is a journal */
	assert_int_equal(load_text(f, "", "", &l, &e), 0);
	assert_int_equal(l.nops, 0);
	smig_journal_release(&l);

	/* a last line without its newline */
	expect_format(f, "mkdir\t/x/dir\t\tmake dir\nfile\t/x/dir/f\t/x/prep/f\tput", "",
		      "truncated");
	/* too few fields */
	expect_format(f, "mkdir\t/x/dir\tmake dir\n", "", "fields");
	expect_format(f, "mkdir\n", "", "fields");
	/* root-relative paths (format 2) cannot climb out of the destination root */
	expect_format(f, "smig-journal 2\nfile\t../escape\tprep/f\tx\n", "", "'..'");
	expect_format(f, "smig-journal 2\nmkdir\tD/../../x\t\tx\n", "", "'..'");
	expect_format(f, "\n", "", "fields");
	/* unknown kind, and a kind that is only a prefix of a known one */
	expect_format(f, "chmod\t/x/dir\t\tmode\n", "", "unknown journal operation 'chmod'");
	expect_format(f, "mk\t/x/dir\t\tmode\n", "", "unknown journal operation 'mk'");
	expect_format(f, "MKDIR\t/x/dir\t\tmode\n", "", "unknown journal operation");
	/* targets must be absolute */
	expect_format(f, "mkdir\tx/dir\t\tmake dir\n", "", "absolute");
	expect_format(f, "mkdir\t\t\tmake dir\n", "", "absolute");
	expect_format(f, "file\t..%2Fetc\t/x/p\tf\n", "", "absolute");
	/* and without '.' or '..' components */
	expect_format(f, "mkdir\t/x/../etc\t\tm\n", "", "'..'");
	expect_format(f, "mkdir\t/x/%2E%2E/etc\t\tm\n", "", "'..'");
	expect_format(f, "mkdir\t/x/./d\t\tm\n", "", "'.'");
	/* bad escapes: not hex, cut short at the end of a field */
	expect_format(f, "mkdir\t/x/d%zz\t\tm\n", "", "escape");
	expect_format(f, "mkdir\t/x/d%4\t\tm\n", "", "escape");
	expect_format(f, "mkdir\t/x/d%\t\tm\n", "", "escape");
	expect_format(f, "mkdir\t/x/d\t\tm%\n", "", "escape");
}

static void hostile_ops_escapes(void **state)
{
	struct fx *f = *state;

	/* two hex digits exactly: sscanf("%2x") alone would read "%4G" as 0x04, "%-1" as
	 * 0xFF, "%+1" and "% 1" as 0x01 */
	expect_format(f, "mkdir\t/x/d%4G\t\tm\n", "", "escape");
	expect_format(f, "mkdir\t/x/d%-1\t\tm\n", "", "escape");
	expect_format(f, "mkdir\t/x/d%+1\t\tm\n", "", "escape");
	expect_format(f, "mkdir\t/x/d% 1\t\tm\n", "", "escape");
	/* "%00" would cut the path ("/x/d%00/../etc" as "/x/d"); put_field() never writes it
	 * (C strings have no NUL), so it is damage */
	expect_format(f, "mkdir\t/x/d%00/../etc\t\tm\n", "", "escape");
}

static void hostile_ops_extra_field(void **state)
{
	struct fx *f = *state;

	/* put_field() escapes TABs: a fifth field is damage, not part of the description */
	expect_format(f, "mkdir\t/x/d\t\tmake\tdir\n", "", "fields");
}

static void hostile_ops_sourceless(void **state)
{
	struct fx *f = *state;

	/* a file or symlink operation needs a source (NULL would reach rename()/symlink()),
	 * a mkdir has none */
	expect_format(f, "file\t/x/f\t\tput f\n", "", "source");
	expect_format(f, "symlink\t/x/l\t\tlink\n", "", "source");
	expect_format(f, "mkdir\t/x/d\t/x/src\tm\n", "", "source");
}

static void hostile_state(void **state)
{
	struct fx *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_journal l;

	/* an index out of range (3 operations: 0..2) */
	expect_format(f, good_ops, "begin 3\n", "'begin 3' is malformed");
	expect_format(f, good_ops, "begin 0\ndone 99999999999999999999999\n", "malformed");
	expect_format(f, good_ops, "backup -1\n", "malformed");
	/* malformed lines */
	expect_format(f, good_ops, "begin\n", "malformed");
	expect_format(f, good_ops, "begin x\n", "malformed");
	expect_format(f, good_ops, "frobnicate 1\n", "'frobnicate 1' is malformed");
	expect_format(f, good_ops, "\n", "malformed");
	expect_format(f, good_ops, "completed\n", "malformed");

	/* a torn last line (no newline): the step it names did not complete */
	assert_int_equal(load_text(f, good_ops, "begin 0\nbegin 1", &l, &e), 0);
	assert_true(l.begun[0]);
	assert_false(l.begun[1]);
	smig_journal_release(&l);
	assert_int_equal(load_text(f, good_ops, "begin 0\ndone 0\ncompl", &l, &e), 0);
	assert_false(l.complete);
	assert_int_equal(l.done, 1);
	smig_journal_release(&l);
	/* its whole twin counts */
	assert_int_equal(load_text(f, good_ops, "begin 0\ndone 0\ncomplete\n", &l, &e), 0);
	assert_true(l.complete);
	smig_journal_release(&l);
	/* "undone" clears begun and backed_up */
	assert_int_equal(load_text(f, good_ops, "backup 1\nbegin 1\nundone 1\n", &l, &e), 0);
	assert_false(l.begun[1] || l.backed_up[1]);
	smig_journal_release(&l);
}

static void missing_files(void **state)
{
	struct fx *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_journal l;

	/* no ops file at all */
	assert_int_equal(smig_journal_load(f->j, &l, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_IO);
	smig_err_clear(&e);
	/* ops but no state */
	put(f->j, "ops", good_ops);
	assert_int_equal(smig_journal_load(f->j, &l, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_IO);
	/* both */
	put(f->j, "state", "");
	assert_int_equal(smig_journal_load(f->j, &l, &e), 0);
	smig_journal_release(&l);
}

/* ---- escaping: tabs, newlines, CR and percent signs in paths and descriptions ---- */

static void escaped_paths(void **state)
{
	struct fx *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_journal l;
	static const char *const names[] = {"tab\there", "new\nline", "per%41cent%", "cr\rx%25"};
	char *ops, *s;
	size_t lines = 0;

	for (size_t i = 0; i < 4; i++) {
		char *src = in(f->prep, names[i]), *what = tu_fmt("what\t%s\n%%", names[i]);

		tu_write(src, names[i], strlen(names[i]));
		add(f, SMIG_OP_FILE, names[i], src, what);
		free(src);
		free(what);
	}
	add(f, SMIG_OP_SYMLINK, "link\t%0A", "text\twith\nbreaks%", "");
	start(f);
	/* the header, then one line per operation: nothing in a field broke a line */
	ops = content(f->j, "ops");
	for (s = ops; *s; s++)
		lines += *s == '\n';
	assert_int_equal(lines, 6);
	assert_memory_equal(ops, "smig-journal 2\n", 15);
	free(ops);

	run_ok(f);
	for (size_t i = 0; i < 4; i++) {
		s = content(f->t, names[i]);
		assert_string_equal(s, names[i]);
		free(s);
	}
	s = link_text(f->t, "link\t%0A");
	assert_string_equal(s, "text\twith\nbreaks%");
	free(s);

	if (smig_journal_load(f->j, &l, &e) < 0)
		fail_msg("%s", e.msg);
	assert_int_equal(l.nops, f->jn.nops);
	for (size_t i = 0; i < l.nops; i++) {
		assert_string_equal(l.ops[i].target, f->jn.ops[i].target);
		assert_string_equal(l.ops[i].source, f->jn.ops[i].source);
		assert_string_equal(l.ops[i].what, f->jn.ops[i].what);
	}
	assert_int_equal(l.done, 5);
	/* and the loaded journal undoes them */
	assert_int_equal(smig_journal_rollback(&l, &e), 0);
	smig_journal_release(&l);
	assert_restored(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(run_and_load, setup, teardown),
		cmocka_unit_test_setup_teardown(load_unrun, setup, teardown),
		cmocka_unit_test_setup_teardown(rollback_after_run, setup, teardown),
		cmocka_unit_test_setup_teardown(rollback_loaded, setup, teardown),
		cmocka_unit_test_setup_teardown(rollback_after_move, setup, teardown),
		cmocka_unit_test_setup_teardown(rollback_partial_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(rollback_checks_restored, setup, teardown),
		cmocka_unit_test_setup_teardown(refuses_symlinked_folder, setup, teardown),
		cmocka_unit_test_setup_teardown(injected_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(injected_failure_first, setup, teardown),
		cmocka_unit_test_setup_teardown(directory_in_the_way, setup, teardown),
		cmocka_unit_test_setup_teardown(missing_source, setup, teardown),
		cmocka_unit_test_setup_teardown(mkdir_existing_folder, setup, teardown),
		cmocka_unit_test_setup_teardown(cross_filesystem, setup, teardown),
		cmocka_unit_test_setup_teardown(cross_filesystem_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(cross_filesystem_symlink, setup, teardown),
		cmocka_unit_test_setup_teardown(hostile_ops, setup, teardown),
		cmocka_unit_test_setup_teardown(hostile_ops_escapes, setup, teardown),
		cmocka_unit_test_setup_teardown(hostile_ops_extra_field, setup, teardown),
		cmocka_unit_test_setup_teardown(hostile_ops_sourceless, setup, teardown),
		cmocka_unit_test_setup_teardown(hostile_state, setup, teardown),
		cmocka_unit_test_setup_teardown(missing_files, setup, teardown),
		cmocka_unit_test_setup_teardown(escaped_paths, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
