/*
 * smig-import - check a signed migration archive and compare it with a Windows Server 2012
 * host root (the destination of a migration).
 * main.c parses the command name, dispatches, and owns the message style and exit codes.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "i18n.h"
#include "import.h"
#include "interrupt.h"
#include "session.h"

static const struct smig_command commands[] = {
	{"verify", cmd_verify, N_("check an archive's structure, signature and every hash")},
	{"features", cmd_features, N_("list an archive's features and what a destination can take")},
	{"preflight", cmd_preflight, N_("the compatibility report: what will not work on a destination")},
	{"apply", cmd_apply, N_("place the VMs' files on a destination (journaled), write migrate.ps1")},
	{"report", cmd_report, N_("the post-migration verification: placed files, or --state the live host")},
	{"rollback", cmd_rollback, N_("undo an apply from its journal")},
	{"probe-script", cmd_probe_script,
	 N_("write probe.ps1, which describes a running destination in dest-facts.json")},
};

static const struct smig_program program = {
	PROG,
	N_("Checks a signed migration archive written by smig-export and compares it\n"
	   "with a Windows Server 2012 host (a copy or mount of its volumes). Nothing in\n"
	   "an archive is used before its signature and every hash have been checked.\n"
	   "A running destination, whose hives are locked, is its mounted admin shares\n"
	   "plus the dest-facts.json that probe.ps1 writes on it (--dest-facts FILE).\n"),
	commands,
	sizeof(commands) / sizeof(commands[0]),
	smig_interrupt_signal,
};

int fail(const struct smig_err *e)
{
	int sig = smig_interrupt_signal();

	/* stopped by a signal at a safe point: the error says what was stopped and how it ended
	 * (staging removed, changes undone or what is left), and that ends the log */
	if (sig)
		smig_cli_log_interrupted(sig, e->msg);
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

/*
 * OpenSSL's ChaCha20-Poly1305 takes its AVX-512 code where the CPU has it. Decrypting with it
 * beside the hashing slows SHA-256 on the other core by more than it gains (measured on an
 * AMD EPYC: `verify` of an age archive 0.92 s against 0.78 s plain; with the AVX2 code 0.81 s;
 * AVX-512 frequency licences do the same on Intel), while the AVX2 code still decrypts at
 * 2 GB/s, ahead of the hashing. OpenSSL reads its capability mask once, when it is loaded, so a
 * command that decrypts (--identity, --passphrase-file) starts again at once with AVX512F
 * masked out (OPENSSL_ia32cap=":~0x10000": the leaf-7 EBX word, bit 16), unless
 * OPENSSL_ia32cap is set already: the user's mask is kept, and the second start sees it.
 */
static void decrypt_without_avx512(char **argv)
{
#if defined(__x86_64__) && defined(__GNUC__)
	bool decrypts = false;

	if (getenv("OPENSSL_ia32cap") != NULL || !__builtin_cpu_supports("avx512f"))
		return;
	/* getopt_long takes any unambiguous prefix: --id..., --pa... */
	for (int i = 1; argv[i] && strcmp(argv[i], "--") != 0; i++)
		if (strncmp(argv[i], "--id", 4) == 0 || strncmp(argv[i], "--pa", 4) == 0)
			decrypts = true;
	if (!decrypts || setenv("OPENSSL_ia32cap", ":~0x10000", 1) != 0)
		return;
	execv("/proc/self/exe", argv);
	/* not started again (no /proc): go on as it is, only slower */
	unsetenv("OPENSSL_ia32cap");
#else
	(void)argv;
#endif
}

int main(int argc, char **argv)
{
	int rc;

	decrypt_without_avx512(argv);
	/* stop at a safe point: staging removed, journaled changes undone (interrupt.h) */
	smig_interrupt_catch();
	rc = smig_cli_main(&program, argc, argv);
	smig_interrupt_exit();
	return rc;
}
