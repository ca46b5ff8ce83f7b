/*
 * interrupt.c - record a stop request, act on it at safe points (interrupt.h).
 */
#include <signal.h>
#include <string.h>

#include "i18n.h"
#include "interrupt.h"

static volatile sig_atomic_t received;

static void on_signal(int sig)
{
	received = sig;
}

void smig_interrupt_catch(void)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

int smig_interrupt_check(struct smig_err *e)
{
	int sig = received;

	if (!sig)
		return 0;
	return smig_err_set(e, SMIG_ERR_IO, _("interrupted by signal %d (%s)"), sig, strsignal(sig));
}

int smig_interrupt_signal(void)
{
	return received;
}

void smig_interrupt_exit(void)
{
	int sig = received;

	if (!sig)
		return;
	signal(sig, SIG_DFL);
	raise(sig);
}
