/*
 * progress.h - the long commands' progress display on standard error (export, verify,
 * preflight, apply, report): a line redrawn with '\r' and clear-to-end-of-line (bytes done /
 * total, percent, rate, ETA, what is being worked on), cut to the terminal's width in display
 * columns and between characters (common/width.h), at most four times a second when stderr
 * is a terminal or --progress always; one JSON object per line with --progress json; nothing
 * otherwise.
 */
#ifndef SMIG_CLI_PROGRESS_H
#define SMIG_CLI_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

enum progress_mode { PROGRESS_AUTO, PROGRESS_ALWAYS, PROGRESS_NEVER, PROGRESS_JSON };

struct progress {
	enum progress_mode mode; /* resolved: AUTO becomes ALWAYS or NEVER */
	struct timespec start, last;
	bool drawn; /* a '\r' line is on the terminal */
	bool started; /* progress_start() was called: an ETA can be shown */
	uint64_t done, total;
	char member[256];
};

/* "auto", "always", "never" or "json"; -1 otherwise. */
int progress_mode_parse(const char *s, enum progress_mode *m);
void progress_init(struct progress *p, enum progress_mode m);
/* The work begins (planning is done): the rate and the ETA count from now. */
void progress_start(struct progress *p);
/* A smig_export_progress_fn: ctx is the struct progress. */
void progress_update(void *ctx, uint64_t done, uint64_t total, const char *member);
/* Draw the final state and end the line. */
void progress_end(struct progress *p);

#endif
