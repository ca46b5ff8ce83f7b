/* strbuf.c - growable text buffer (see strbuf.h). */
#include "strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"

static bool grow(struct smig_strbuf *sb, size_t extra)
{
	size_t need, cap;
	char *p;

	if (sb->failed)
		return false;
	if (extra > (size_t)-1 / 2 - sb->len) {
		sb->failed = true;
		return false;
	}
	need = sb->len + extra + 1;
	if (need <= sb->cap)
		return true;
	cap = sb->cap ? sb->cap : 256;
	while (cap < need)
		cap *= 2;
	p = realloc(sb->buf, cap);
	if (p == NULL) {
		sb->failed = true;
		return false;
	}
	sb->buf = p;
	sb->cap = cap;
	return true;
}

void smig_strbuf_append(struct smig_strbuf *sb, const void *data, size_t len)
{
	if (!grow(sb, len))
		return;
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void smig_strbuf_puts(struct smig_strbuf *sb, const char *s)
{
	smig_strbuf_append(sb, s, strlen(s));
}

void smig_strbuf_putc(struct smig_strbuf *sb, char c)
{
	smig_strbuf_append(sb, &c, 1);
}

void smig_strbuf_printf(struct smig_strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		sb->failed = true;
		return;
	}
	if (!grow(sb, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

const char *smig_strbuf_cstr(struct smig_strbuf *sb)
{
	return sb->buf && !sb->failed ? sb->buf : "";
}

bool smig_strbuf_failed(const struct smig_strbuf *sb)
{
	return sb->failed;
}

char *smig_strbuf_take(struct smig_strbuf *sb, size_t *len)
{
	char *p;

	if (sb->failed) {
		smig_strbuf_release(sb);
		return NULL;
	}
	if (sb->buf == NULL && !grow(sb, 0))
		return NULL;
	sb->buf[sb->len] = '\0';
	p = sb->buf;
	if (len)
		*len = sb->len;
	sb->buf = NULL;
	sb->len = sb->cap = 0;
	return p;
}

void smig_strbuf_release(struct smig_strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
	sb->failed = false;
}

int smig_strbuf_check(const struct smig_strbuf *sb, struct smig_err *e)
{
	return sb->failed ? smig_err_nomem(e, _("building text")) : 0;
}
