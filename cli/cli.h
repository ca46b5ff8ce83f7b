/*
 * cli.h - what smig-export and smig-import share on the program side (linked into both
 * executables, not into common/, because it prints): the command dispatcher with --help and
 * --version, and the one message style for errors and usage errors (docs/reference.md).
 */
#ifndef SMIG_CLI_H
#define SMIG_CLI_H

#include <stdarg.h>
#include <stddef.h>

#include "err.h"

struct smig_command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

struct smig_program {
	const char *name;  /* "smig-export" */
	const char *about; /* a paragraph for --help, ending with a newline */
	const struct smig_command *commands;
	size_t ncommands;
};

/* Dispatch argv[1] to a command; --help (stdout, 0), --version, usage errors (stderr, 2). */
int smig_cli_main(const struct smig_program *p, int argc, char **argv);
/* "PROG: <message>" on stderr; returns the error's exit code (1 when it has none). */
int smig_cli_fail(const char *prog, const struct smig_err *e);
/* "PROG CMD: <message>" and "Try 'PROG CMD --help'." on stderr; returns 2. */
int smig_cli_usage_error(const char *prog, const char *cmd, const char *fmt, va_list ap)
	SMIG_PRINTF(3, 0);

#endif
