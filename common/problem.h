/*
 * problem.h - report items: one finding with a stable id, a severity, a subject and a message
 * (docs/reference.md "Reports and their items"). The inventory, preflight and verification all
 * produce lists of these, and every renderer (text, JSON, HTML) prints them the same way.
 *
 * A list owns its items and their strings; smig_problems_release() frees them.
 */
#ifndef SMIG_PROBLEM_H
#define SMIG_PROBLEM_H

#include <stdarg.h>
#include <stddef.h>

#include "err.h"

enum smig_severity {
	SMIG_SEV_INFO,
	SMIG_SEV_WARNING,
	SMIG_SEV_BLOCKER,
	SMIG_SEV_MANUAL,
	SMIG_SEV_PASS,
	SMIG_SEV_FAIL,
	SMIG_SEV_ERROR, /* an item could not be read (the rest of the report still stands) */
};

struct smig_problem {
	char *id;        /* "SMIG3003", or "" for inventory notes without a catalogue id */
	enum smig_severity severity;
	char *subject;   /* "vm:web01/drive:IDE 1:0", "switch:External LAN", "host" */
	char *message;   /* one sentence */
	char *action;    /* for manual steps: what to do, in words (may be NULL) */
	char *powershell; /* for manual steps: the command to run on the destination (may be NULL) */
};

struct smig_problems {
	struct smig_problem *items;
	size_t count, cap;
};

const char *smig_severity_name(enum smig_severity s);
/* Append an item; strings are copied. action/powershell may be NULL. */
int smig_problems_add(struct smig_problems *l, const char *id, enum smig_severity sev,
		      const char *subject, const char *action, const char *powershell,
		      struct smig_err *e, const char *fmt, ...) SMIG_PRINTF(8, 9);
/* The same with a va_list, for callers' own printf-style wrappers. */
int smig_problems_vadd(struct smig_problems *l, const char *id, enum smig_severity sev,
		       const char *subject, const char *action, const char *powershell,
		       struct smig_err *e, const char *fmt, va_list ap) SMIG_PRINTF(8, 0);
size_t smig_problems_count(const struct smig_problems *l, enum smig_severity sev);
void smig_problems_release(struct smig_problems *l);

#endif
