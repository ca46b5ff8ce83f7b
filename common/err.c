/* err.c - the error object (see err.h). */
#include "err.h"

#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "width.h"

int smig_err_vset(struct smig_err *e, enum smig_err_kind kind, const char *fmt, va_list ap)
{
	if (e == NULL || e->kind != SMIG_ERR_NONE)
		return -1;
	e->kind = kind;
	e->sys_errno = 0;
	/* a message cut to the buffer is still worth saying, but not with half a character
	 * (a VM's name in CJK) at its end: stderr and the --log JSON want valid UTF-8 */
	if (vsnprintf(e->msg, sizeof(e->msg), fmt, ap) >= (int)sizeof(e->msg))
		smig_err_trim(e);
	return -1;
}

int smig_err_set(struct smig_err *e, enum smig_err_kind kind, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	smig_err_vset(e, kind, fmt, ap);
	va_end(ap);
	return -1;
}

int smig_err_sys(struct smig_err *e, int errnum, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	if (e == NULL || e->kind != SMIG_ERR_NONE)
		return -1;
	va_start(ap, fmt);
	smig_err_vset(e, SMIG_ERR_IO, fmt, ap);
	va_end(ap);
	e->sys_errno = errnum;
	n = strlen(e->msg);
	if (n < sizeof(e->msg) &&
	    /* TRANSLATORS: after a message, the reason the OS gave */
	    snprintf(e->msg + n, sizeof(e->msg) - n, _(": %s"), strerror(errnum)) >=
		(int)(sizeof(e->msg) - n))
		smig_err_trim(e);
	return -1;
}

void smig_err_trim(struct smig_err *e)
{
	e->msg[smig_width_boundary(e->msg, strlen(e->msg))] = '\0';
}

int smig_err_nomem(struct smig_err *e, const char *what)
{
	return smig_err_set(e, SMIG_ERR_NOMEM, _("out of memory while %s"), what);
}

void smig_err_clear(struct smig_err *e)
{
	if (e == NULL)
		return;
	e->kind = SMIG_ERR_NONE;
	e->sys_errno = 0;
	e->msg[0] = '\0';
}

int smig_err_exit_code(const struct smig_err *e)
{
	switch (e->kind) {
	case SMIG_ERR_NONE:
		return 0;
	case SMIG_ERR_USAGE:
		return 2;
	case SMIG_ERR_INTEGRITY:
		return 3;
	case SMIG_ERR_BLOCKED:
		return 4;
	default:
		return 1;
	}
}
