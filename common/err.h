/*
 * err.h - the error object every common/ function fills instead of printing or exiting.
 *
 * Contract: a function that can fail takes a `struct smig_err *` as its last argument,
 * returns -1 (or NULL) on failure and fills the object with one sentence in the project's
 * style: what failed, the subject quoted, then the reason
 * ("cannot open 'D:\VMs\web01.vhd': No such file or directory").
 * Only smig-export/ and smig-import/ turn an error into a message and an exit code.
 * The first error set wins: cleanup code may call smig_err_set() again without
 * overwriting the cause (use smig_err_clear() to reuse an object).
 */
#ifndef SMIG_ERR_H
#define SMIG_ERR_H

#include <stdarg.h>

enum smig_err_kind {
	SMIG_ERR_NONE = 0,
	SMIG_ERR_IO,        /* the OS said no: open, read, write, rename... (exit 1) */
	SMIG_ERR_FORMAT,    /* malformed host data: hive, XML, VHD, text file (exit 1) */
	SMIG_ERR_NOMEM,     /* allocation failed (exit 1) */
	SMIG_ERR_USAGE,     /* the caller asked for something impossible (exit 2) */
	SMIG_ERR_INTEGRITY, /* archive structure, signature, key or hash (exit 3) */
	SMIG_ERR_BLOCKED,   /* a blocker stands in the way (exit 4) */
	SMIG_ERR_UNSUPPORTED, /* a valid input smig does not handle (exit 1) */
};

struct smig_err {
	enum smig_err_kind kind;
	int sys_errno;  /* errno when kind is SMIG_ERR_IO, else 0 */
	char msg[1024]; /* one sentence, no program name, no trailing newline */
};

#define SMIG_ERR_INIT {SMIG_ERR_NONE, 0, {0}}

#if defined(__GNUC__)
#define SMIG_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define SMIG_PRINTF(a, b)
#endif

/* Fill `e` (unless it already holds an error) and return -1. `e` may be NULL. */
int smig_err_set(struct smig_err *e, enum smig_err_kind kind, const char *fmt, ...)
	SMIG_PRINTF(3, 4);
int smig_err_vset(struct smig_err *e, enum smig_err_kind kind, const char *fmt, va_list ap)
	SMIG_PRINTF(3, 0);
/* Same, kind SMIG_ERR_IO, appends ": strerror(errnum)". */
int smig_err_sys(struct smig_err *e, int errnum, const char *fmt, ...) SMIG_PRINTF(3, 4);
/* Out of memory while doing `what`. */
int smig_err_nomem(struct smig_err *e, const char *what);
void smig_err_clear(struct smig_err *e);
/* A message that filled the buffer ends at a whole character (whoever appended to e->msg with
 * snprintf calls this after). */
void smig_err_trim(struct smig_err *e);
/* Exit code of docs/reference.md for an error kind (1, 2, 3 or 4). */
int smig_err_exit_code(const struct smig_err *e);

#endif
