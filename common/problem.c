/* problem.c - report items (see problem.h). */
#include "problem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "winval.h"

const char *smig_severity_name(enum smig_severity s)
{
	switch (s) {
	case SMIG_SEV_INFO:
		return "info";
	case SMIG_SEV_WARNING:
		return "warning";
	case SMIG_SEV_BLOCKER:
		return "blocker";
	case SMIG_SEV_MANUAL:
		return "manual";
	case SMIG_SEV_PASS:
		return "pass";
	case SMIG_SEV_FAIL:
		return "fail";
	case SMIG_SEV_ERROR:
		return "error";
	}
	return "?";
}

int smig_problems_add(struct smig_problems *l, const char *id, enum smig_severity sev,
		      const char *subject, const char *action, const char *powershell,
		      struct smig_err *e, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = smig_problems_vadd(l, id, sev, subject, action, powershell, e, fmt, ap);
	va_end(ap);
	return rc;
}

int smig_problems_vadd(struct smig_problems *l, const char *id, enum smig_severity sev,
		       const char *subject, const char *action, const char *powershell,
		       struct smig_err *e, const char *fmt, va_list ap)
{
	struct smig_problem *p;
	char *msg = NULL;

	if (l->count == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct smig_problem *n = realloc(l->items, cap * sizeof(*n));
		if (n == NULL)
			return smig_err_nomem(e, _("recording a report item"));
		l->items = n;
		l->cap = cap;
	}
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	p = &l->items[l->count];
	memset(p, 0, sizeof(*p));
	p->severity = sev;
	p->message = msg;
	p->id = strdup(id ? id : "");
	p->subject = strdup(subject ? subject : "host");
	p->action = action ? strdup(action) : NULL;
	p->powershell = powershell ? strdup(powershell) : NULL;
	if (!p->message || !p->id || !p->subject || (action && !p->action) ||
	    (powershell && !p->powershell)) {
		free(p->message);
		free(p->id);
		free(p->subject);
		free(p->action);
		free(p->powershell);
		return smig_err_nomem(e, _("recording a report item"));
	}
	l->count++;
	return 0;
}

size_t smig_problems_count(const struct smig_problems *l, enum smig_severity sev)
{
	size_t i, n = 0;

	for (i = 0; i < l->count; i++)
		n += l->items[i].severity == sev;
	return n;
}

void smig_problems_release(struct smig_problems *l)
{
	size_t i;

	for (i = 0; i < l->count; i++) {
		free(l->items[i].id);
		free(l->items[i].subject);
		free(l->items[i].message);
		free(l->items[i].action);
		free(l->items[i].powershell);
	}
	free(l->items);
	l->items = NULL;
	l->count = l->cap = 0;
}
