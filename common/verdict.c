/* verdict.c - one report item being decided (see verdict.h). */
#include "verdict.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "i18n.h"

SMIG_PRINTF(2, 0)
static void note(struct smig_strbuf *sb, const char *fmt, va_list ap)
{
	char *s = NULL;
	int n = vasprintf(&s, fmt, ap);

	if (n < 0) {
		sb->failed = true; /* sticky: smig_verdict_emit() reports it */
		return;
	}
	if (sb->len > 0) /* TRANSLATORS: between the facts of one verification item */
		smig_strbuf_puts(sb, _("; "));
	smig_strbuf_append(sb, s, (size_t)n);
	free(s);
}

void smig_verdict_ok(struct smig_verdict *v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	note(&v->ok, fmt, ap);
	va_end(ap);
}

void smig_verdict_bad(struct smig_verdict *v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	note(&v->bad, fmt, ap);
	va_end(ap);
}

void smig_verdict_release(struct smig_verdict *v)
{
	smig_strbuf_release(&v->ok);
	smig_strbuf_release(&v->bad);
	v->warning = v->error = false;
}

int smig_verdict_emit(struct smig_verdict *v, struct smig_problems *out, const char *id,
                      const char *subject, struct smig_err *e)
{
	enum smig_severity sev;
	struct smig_strbuf *msg;
	int rc = -1;

	if (smig_strbuf_check(&v->ok, e) < 0 || smig_strbuf_check(&v->bad, e) < 0)
		goto out;
	if (v->bad.len > 0) {
		sev = v->error ? SMIG_SEV_ERROR : SMIG_SEV_FAIL;
		msg = &v->bad;
	} else {
		sev = v->warning ? SMIG_SEV_WARNING : SMIG_SEV_PASS;
		msg = &v->ok;
	}
	rc = smig_problems_add(out, id, sev, subject, NULL, NULL, e, "%s", smig_strbuf_cstr(msg));
out:
	smig_verdict_release(v);
	return rc;
}

int smig_verdict_info(struct smig_problems *out, const char *id, const char *subject,
                      struct smig_err *e, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = smig_problems_vadd(out, id, SMIG_SEV_INFO, subject, NULL, NULL, e, fmt, ap);
	va_end(ap);
	return rc;
}

const char *smig_verdict_plural(int64_t n)
{
	return n == 1 ? "" : "s";
}
