/*
 * journal.h - the apply journal: a list of file-system operations on a destination, executed
 * so that a crash or an error at any point can be undone exactly (docs/import.md "Never
 * half-applied").
 *
 * Layout: <dir>/ops (the operation list, written and fsync'd before the first change),
 * <dir>/state (append-only lines "backup N SIZE", "begin N", "done N", "undone N",
 * "complete", each fsync'd but "done N", which the next fsync'd line makes durable),
 * <dir>/backup/N (the file an operation replaced), <dir>/prepared/ (new files built before
 * the first change) and anything else the caller keeps there.
 *
 * Operation N runs as: (1) if its target exists, copy-free backup (hard link, or a copy on
 * another filesystem) to backup/N and log "backup N"; (2) log "begin N"; (3) the change
 * itself: mkdir, or rename of a prepared/staged file over the target (a copy plus rename
 * across filesystems), or a symbolic link made beside the target and renamed over it;
 * (4) log "done N". The folders of the files moved into place are fsync'd once each before
 * "complete" is logged, not after every move. Rollback walks the begun operations backwards: a backup is renamed back
 * over the target, a target without a backup is removed, a directory made is removed; each
 * is checked (the target is absent, or is again what was backed up, same type and size)
 * before "undone N" is logged. An operation that cannot be undone is reported and the others
 * are still undone; the journal then stays, so `rollback` can resume.
 *
 * Paths in <dir>/ops are relative to the destination root (`root`), which is the folder two
 * levels above the journal (<root>/smig-journal/<id>): a destination folder that was moved
 * or renamed after apply is rolled back where it is now. A target outside the root (a drive
 * mapped elsewhere with --drive) is kept absolute.
 *
 * Test hooks (environment, for the crash tests only): SMIG_TEST_CRASH_AFTER=N kills the
 * process with SIGKILL after N operations are done; SMIG_TEST_FAIL_OP=N makes operation N
 * fail with ENOSPC before it changes anything.
 */
#ifndef SMIG_JOURNAL_H
#define SMIG_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

enum smig_op_kind {
	SMIG_OP_MKDIR,   /* create directory `target` (its parent exists by then) */
	SMIG_OP_FILE,    /* rename file `source` to `target`, replacing what is there */
	SMIG_OP_SYMLINK, /* make `target` a symbolic link whose text is `source` */
};

struct smig_op {
	enum smig_op_kind kind;
	char *target;    /* local path on the destination */
	char *source;    /* FILE: local file to move; SYMLINK: link text; MKDIR: NULL */
	char *what;      /* one line for people: "VM web01: configuration D:\Hyper-V\..." */
};

struct smig_journal {
	char *dir;
	char *root;      /* the destination root, absolute (set before start; found by load) */
	struct smig_op *ops;
	size_t nops;
	size_t done;     /* operations completed (for messages) */
	bool complete;   /* "complete" was logged */
	bool *begun, *backed_up; /* per operation, from the state file */
	long long *backup_size;  /* per operation: size of what was backed up */
	size_t left;     /* after a rollback: operations that could not be undone */
};

/* Append an operation to an unwritten journal (strings copied). */
int smig_journal_add(struct smig_journal *j, enum smig_op_kind kind, const char *target,
		     const char *source, const char *what, struct smig_err *e);
/* Write <dir>/ops and an empty state (dir must exist, root set and absolute). After this the
 * journal is live. */
int smig_journal_start(struct smig_journal *j, struct smig_err *e);
/* Run every operation in order. On failure the operations done are rolled back before
 * returning -1 (the original error is kept in `e`; a rollback failure is appended to it, and
 * j->left says how many operations are still applied: the journal must then be kept). */
int smig_journal_run(struct smig_journal *j, struct smig_err *e);
/* Log "complete". */
int smig_journal_complete(struct smig_journal *j, struct smig_err *e);
/* Load <dir>/ops and <dir>/state of an existing journal. A malformed journal is
 * SMIG_ERR_FORMAT (nothing is undone from a journal smig cannot read). */
int smig_journal_load(const char *dir, struct smig_journal *j, struct smig_err *e);
/* Undo every begun operation, newest first, checking each. Idempotent: an undone operation is
 * logged ("undone N") and skipped when rolling back again. An operation that cannot be undone
 * does not stop the others; -1 then, with j->left set and `e` naming the first failure. */
int smig_journal_rollback(struct smig_journal *j, struct smig_err *e);
void smig_journal_release(struct smig_journal *j);

#endif
