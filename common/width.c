/*
 * width.c - display columns through wcwidth(3) (width.h).
 *
 * wcwidth needs a UTF-8 LC_CTYPE, and the program's locale is whatever the user runs it in,
 * so the C.UTF-8 locale (always there on Debian, libc-bin) is made once and used through
 * uselocale(3) for this thread only while measuring; the process's setlocale() is untouched.
 * Without C.UTF-8 a code point is 1 column.
 */
#include "width.h"

#include <locale.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <wchar.h>

#include "winval.h"

static locale_t utf8_locale;
static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;

static void utf8_locale_init(void)
{
	utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

/* Switch this thread to C.UTF-8; give back what to restore. */
static locale_t enter(void)
{
	pthread_once(&utf8_once, utf8_locale_init);
	return utf8_locale != (locale_t)0 ? uselocale(utf8_locale) : (locale_t)0;
}

static void leave(locale_t old)
{
	if (utf8_locale != (locale_t)0)
		uselocale(old);
}

/* The character at s (n > 0 bytes available, inside enter()): its length, its columns in
 * *cols. */
static size_t one(const char *s, size_t n, size_t *cols)
{
	unsigned char c = (unsigned char)s[0];
	mbstate_t st;
	wchar_t wc;
	size_t k;
	int cw;

	if (c < 0x80) {
		*cols = c < 0x20 || c == 0x7f ? 4 : 1;
		return 1;
	}
	memset(&st, 0, sizeof(st));
	k = utf8_locale != (locale_t)0 ? mbrtowc(&wc, s, n, &st) : (size_t)-1;
	if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
		/* not a sequence (or no locale): a lead byte is one code point, one column */
		*cols = (c & 0xC0) != 0x80;
		return 1;
	}
	cw = wcwidth(wc);
	*cols = cw < 0 ? 1 : (size_t)cw;
	return k;
}

size_t smig_width_cols(const char *s, size_t n)
{
	locale_t old = enter();
	size_t i = 0, w = 0, cw;

	while (i < n) {
		i += one(s + i, n - i, &cw);
		w += cw;
	}
	leave(old);
	return w;
}

size_t smig_width_head(const char *s, size_t n, size_t cols)
{
	locale_t old = enter();
	size_t i = 0, w = 0, cw, k;

	while (i < n) {
		k = one(s + i, n - i, &cw);
		if (w + cw > cols)
			break;
		w += cw;
		i += k;
	}
	leave(old);
	return i;
}

size_t smig_width_tail(const char *s, size_t n, size_t cols)
{
	locale_t old = enter();
	size_t i = 0, w = 0, cw, k;

	/* the whole width, then drop characters from the start until the rest fits; a
	 * zero-width mark right after the cut belongs to a dropped character: drop it too */
	for (i = 0; i < n; i += k) {
		k = one(s + i, n - i, &cw);
		w += cw;
	}
	for (i = 0; i < n && w > cols; i += k) {
		k = one(s + i, n - i, &cw);
		w -= cw;
	}
	while (i < n && i > 0) {
		k = one(s + i, n - i, &cw);
		if (cw != 0 || (unsigned char)s[i] < 0x80)
			break;
		i += k;
	}
	leave(old);
	return i;
}

size_t smig_width_boundary(const char *s, size_t n)
{
	size_t lead = n, back = 0;
	uint32_t cp;

	/* the last byte that is not a continuation byte, at most 3 back (a sequence is <= 4) */
	while (lead > 0 && back < 4 && ((unsigned char)s[lead - 1] & 0xC0) == 0x80) {
		lead--;
		back++;
	}
	if (lead == 0 || (unsigned char)s[lead - 1] < 0x80)
		return n; /* ASCII last (stray continuation bytes are not ours to judge) */
	lead--;
	return smig_utf8_decode(s + lead, n - lead, &cp) == n - lead ? n : lead;
}
