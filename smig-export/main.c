/*
 * smig-export - read a Windows Server 2008 R2 Hyper-V host root and report on it or export it.
 * main.c parses the command name, dispatches, and owns the message style and exit codes.
 */
#include <stdarg.h>

#include "cli.h"
#include "i18n.h"
#include "export.h"

static const struct smig_command commands[] = {
	{"features", cmd_features, N_("list the features and components found on a source host")},
	{"inventory", cmd_inventory, N_("write the pre-migration report of a source host")},
	{"keygen", cmd_keygen, N_("make a signify-compatible key pair for signing archives")},
	{"export", cmd_export, N_("write the signed migration archive of a source host")},
	{"collect-script", cmd_collect,
	 N_("write collect.cmd, which gathers a running source's facts folder (--facts)")},
};

static const struct smig_program program = {
	PROG,
	N_("Reads the on-disk state of a Windows Server 2008 R2 Hyper-V host (a copy or\n"
	   "read-only mount of its volumes, or a running host's facts folder and its shares)\n"
	   "for migration to Windows Server 2012.\n"),
	commands,
	sizeof(commands) / sizeof(commands[0]),
	NULL, /* export's handler logs the interruption and dies (cmd_export.c) */
};

int fail(const struct smig_err *e)
{
	return smig_cli_fail(PROG, e);
}

int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = smig_cli_usage_error(PROG, cmd, fmt, ap);
	va_end(ap);
	return rc;
}

int main(int argc, char **argv)
{
	return smig_cli_main(&program, argc, argv);
}
