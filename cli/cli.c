/* cli.c - the programs' shared dispatcher and message style (see cli.h). */
#include "cli.h"

#include <stdio.h>
#include <string.h>

int smig_cli_fail(const char *prog, const struct smig_err *e)
{
	int code = smig_err_exit_code(e);

	fprintf(stderr, "%s: %s\n", prog, e->msg[0] ? e->msg : "unknown error");
	return code ? code : 1;
}

int smig_cli_usage_error(const char *prog, const char *cmd, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s %s: ", prog, cmd);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\nTry '%s %s --help'.\n", prog, cmd);
	return 2;
}

static void help(const struct smig_program *p, FILE *f)
{
	size_t i;

	fprintf(f, "usage: %s COMMAND [OPTIONS]\n\n%s\nCommands:\n", p->name, p->about);
	for (i = 0; i < p->ncommands; i++)
		fprintf(f, "  %-12s %s\n", p->commands[i].name, p->commands[i].summary);
	fprintf(f, "\n'%s COMMAND --help' describes a command's options.\n"
		   "Exit codes: 0 success, 1 operational error, 2 usage error, 3 integrity failure,\n"
		   "4 blocked, 5 verification differences.\n", p->name);
}

int smig_cli_main(const struct smig_program *p, int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		help(p, stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		help(p, stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("%s %s\n", p->name, SMIG_VERSION);
		return 0;
	}
	for (i = 0; i < p->ncommands; i++)
		if (strcmp(argv[1], p->commands[i].name) == 0)
			return p->commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "%s: unknown command '%s'\nTry '%s --help'.\n", p->name, argv[1], p->name);
	return 2;
}
