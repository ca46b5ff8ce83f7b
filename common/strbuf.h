/*
 * strbuf.h - a growable byte buffer for building text (reports, .reg files, XML).
 *
 * Errors are sticky: after an allocation failure every later append is a no-op and
 * smig_strbuf_failed() is true, so builders check once at the end. The buffer is always
 * NUL-terminated when len > 0 or after smig_strbuf_cstr().
 */
#ifndef SMIG_STRBUF_H
#define SMIG_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

struct smig_strbuf {
	char *buf;
	size_t len;
	size_t cap;
	bool failed;
};

#define SMIG_STRBUF_INIT {NULL, 0, 0, false}

void smig_strbuf_append(struct smig_strbuf *sb, const void *data, size_t len);
void smig_strbuf_puts(struct smig_strbuf *sb, const char *s);
void smig_strbuf_putc(struct smig_strbuf *sb, char c);
void smig_strbuf_printf(struct smig_strbuf *sb, const char *fmt, ...) SMIG_PRINTF(2, 3);
/* The text so far ("" when empty); valid until the next append. */
const char *smig_strbuf_cstr(struct smig_strbuf *sb);
bool smig_strbuf_failed(const struct smig_strbuf *sb);
/* Hand the buffer to the caller (who frees it); the strbuf is reset. NULL on failure. */
char *smig_strbuf_take(struct smig_strbuf *sb, size_t *len);
void smig_strbuf_release(struct smig_strbuf *sb);
/* Set `e` (ENOMEM) if the buffer failed; returns 0 or -1. */
int smig_strbuf_check(const struct smig_strbuf *sb, struct smig_err *e);

#endif
