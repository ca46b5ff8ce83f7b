/*
 * cli.h - what smig-export and smig-import share on the program side (linked into both
 * executables, not into common/, because it prints): the command dispatcher with --help and
 * --version, the one message style for errors and usage errors (docs/reference.md), the
 * options every command takes (-q, -v, --version, --log, --lang) and the streamed --log.
 */
#ifndef SMIG_CLI_H
#define SMIG_CLI_H

#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
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
	/* The signal that asked the program to stop, or 0 (NULL: the program's handler logs and
	 * dies on its own, as export's does). Checked when a command returns: the log then ends
	 * with an "interrupted" line instead of "end". */
	int (*signal_received)(void);
};

/* Dispatch argv[1] to a command; --help (stdout, 0), --version, usage errors (stderr, 2).
 * First the language (smig_i18n_init): --lang LANG anywhere before "--" (or first, before
 * the command), else the environment; an unknown LANG is a usage error. */
int smig_cli_main(const struct smig_program *p, int argc, char **argv);
/* "PROG: <message>" on stderr; returns the error's exit code (1 when it has none). */
int smig_cli_fail(const char *prog, const struct smig_err *e);
/* "PROG CMD: <message>" and "Try 'PROG CMD --help'." on stderr; returns 2. */
int smig_cli_usage_error(const char *prog, const char *cmd, const char *fmt, va_list ap)
	SMIG_PRINTF(3, 0);

/*
 * The options of every command. A command's getopt_long table ends with SMIG_CLI_OPTIONS
 * (and SMIG_CLI_PROGRESS_OPTION for the long commands), its short options are
 * SMIG_CLI_SHORT("p:h"), and its switch hands every case it does not know, '?' and ':'
 * included, to smig_cli_option().
 */
enum { SMIG_CLI_OPT_VERSION = 1900, SMIG_CLI_OPT_LOG, SMIG_CLI_OPT_PROGRESS, SMIG_CLI_OPT_LANG };
#define SMIG_CLI_SHORT(s) ":" s "qv"
#define SMIG_CLI_OPTIONS                                                                   \
	{"quiet", no_argument, NULL, 'q'}, {"verbose", no_argument, NULL, 'v'},             \
	    {"version", no_argument, NULL, SMIG_CLI_OPT_VERSION},                           \
	    {"log", required_argument, NULL, SMIG_CLI_OPT_LOG},                             \
	    {"lang", required_argument, NULL, SMIG_CLI_OPT_LANG }
#define SMIG_CLI_PROGRESS_OPTION {"progress", required_argument, NULL, SMIG_CLI_OPT_PROGRESS}
/* Go on parsing. */
#define SMIG_CLI_NEXT (-1)
/*
 * Handle a common option (SMIG_CLI_NEXT) or end the command with an exit code: 0 after
 * --version, 2 after a usage error (an unknown option, with "did you mean --X?" for one
 * within two edits of the command's own, a missing or unexpected argument), 1 when the
 * --log FILE cannot be created.
 */
int smig_cli_option(int c, const struct option *opts, int argc, char **argv);
/*
 * The whole of a command that writes one generated script (collect-script, probe-script):
 * -o/--output FILE (default, and "-", standard output; see smig_output_write), -h/--help
 * (`show_help`), the common options, no argument. `make` returns the script (malloc'd, `*len`
 * bytes) or NULL with `e` set. Returns the exit code: 0, 1 (not written), 2 (usage).
 */
int smig_cli_write_script(int argc, char **argv, void (*show_help)(void),
			  char *(*make)(size_t *len, struct smig_err *e));
/* "--NAME" of the option whose getopt value is `val` in `opts` ("-X" for a short one). */
const char *smig_cli_option_name(const struct option *opts, int val, char *buf, size_t len);

/* The help lines of the common options (and --progress with `progress`), on stdout. */
void smig_cli_common_help(bool progress);
/* -q: only errors (no summary line, no progress unless asked). */
bool smig_cli_quiet(void);
/* -v: "PROG CMD: <message>" on stderr; nothing otherwise. */
void smig_cli_verbose(const char *fmt, ...) SMIG_PRINTF(1, 2);

/*
 * The --log FILE: one JSON object per line, written as it happens (line-buffered): time (UTC,
 * ISO 8601 with milliseconds), command, step, and when given item, vm, code, success and
 * message. Nothing when no --log was given. `success` < 0 leaves the field out.
 */
void smig_cli_log(const char *step, const char *item, const char *vm, const char *code,
		  int success, const char *message);
/* The same with more fields (what, source, member, details…) after the common ones; `fields`
 * is a jansson json_t object, borrowed. */
void smig_cli_log_fields(const char *step, const void *fields);
/* Async-signal-safe: write the last line of the log, step "interrupted" (export's handler). */
void smig_cli_log_signal(int sig);
/* A command that stopped at a safe point after signal `sig` (the import commands): the last
 * line of the log, step "interrupted", success false, `message` saying what was stopped and
 * how it ended (the error's sentence: "…; every change made before was undone"). Normal
 * context only; later lines, "end" included, are not written. */
void smig_cli_log_interrupted(int sig, const char *message);

#endif
