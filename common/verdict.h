/*
 * verdict.h - one report item being decided, shared by the two post-migration verifications
 * (postcheck.c reads the files apply placed, livecheck.c the live host's smig-state.json).
 *
 * A verdict gathers the facts that held (smig_verdict_ok) and those that did not
 * (smig_verdict_bad), each a "; "-joined list, so that the message of the one item it becomes
 * says what was compared. smig_verdict_emit() makes the item: any mismatch makes it
 * SMIG_SEV_FAIL listing every mismatch (SMIG_SEV_ERROR when `error` is set: something could
 * not be read), else SMIG_SEV_PASS listing the facts (SMIG_SEV_WARNING when `warning` is set).
 *
 * Allocation failures while noting are sticky and reported once, by smig_verdict_emit(). A
 * verdict owns its text: emit and smig_verdict_release() free it and reset the verdict, so one
 * may be reused for the next item; releasing twice is harmless.
 */
#ifndef SMIG_VERDICT_H
#define SMIG_VERDICT_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "problem.h"
#include "strbuf.h"

struct smig_verdict {
	struct smig_strbuf ok, bad;
	bool warning; /* all facts held, but the item is flagged (a downgraded network) */
	bool error;   /* something could not be read: an error item, not a failure */
};

/* clang-format off */
#define SMIG_VERDICT_INIT {SMIG_STRBUF_INIT, SMIG_STRBUF_INIT, false, false}
/* clang-format on */

void smig_verdict_ok(struct smig_verdict *v, const char *fmt, ...) SMIG_PRINTF(2, 3);
void smig_verdict_bad(struct smig_verdict *v, const char *fmt, ...) SMIG_PRINTF(2, 3);
void smig_verdict_release(struct smig_verdict *v);
/*
 * Append the item (id, subject) the verdict makes to `out`, then release the verdict. Returns
 * 0, or -1 with `e` set (out of memory, now or while noting).
 */
int smig_verdict_emit(struct smig_verdict *v, struct smig_problems *out, const char *id,
                      const char *subject, struct smig_err *e);
/* An SMIG_SEV_INFO item: what the verification does not compare, and why. 0 or -1 (ENOMEM). */
int smig_verdict_info(struct smig_problems *out, const char *id, const char *subject,
                      struct smig_err *e, const char *fmt, ...) SMIG_PRINTF(5, 6);
/* The plural ending of a count in messages: "" for 1, else "s". */
const char *smig_verdict_plural(int64_t n);

#endif
