/*
 * smig-import - check a signed migration archive and compare it with a Windows Server 2012
 * host root (the destination of a migration).
 * main.c parses the command name, dispatches, and owns the message style and exit codes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "import.h"

static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{"verify", cmd_verify, "check an archive's structure, signature and every hash"},
	{"features", cmd_features, "list an archive's features and what a destination can take"},
};

int fail(const struct smig_err *e)
{
	fprintf(stderr, "%s: %s\n", PROG, e->msg[0] ? e->msg : "unknown error");
	return smig_err_exit_code(e) ? smig_err_exit_code(e) : 1;
}

int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s %s: ", PROG, cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s %s --help'.\n", PROG, cmd);
	return 2;
}

static void help(FILE *f)
{
	size_t i;

	fprintf(f, "usage: %s COMMAND [OPTIONS]\n\n"
		   "Checks a signed migration archive written by smig-export and compares it\n"
		   "with a Windows Server 2012 host (a copy or mount of its volumes). Nothing in\n"
		   "an archive is used before its signature and every hash have been checked.\n\n"
		   "Commands:\n", PROG);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'%s COMMAND --help' describes a command's options.\n"
		   "Exit codes: 0 success, 1 operational error, 2 usage error, 3 integrity\n"
		   "failure, 4 blocked, 5 verification differences.\n", PROG);
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		help(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		help(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("%s %s\n", PROG, SMIG_VERSION);
		return 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "%s: unknown command '%s'\nTry '%s --help'.\n", PROG, argv[1], PROG);
	return 2;
}
