/* winval.c - shared Windows value forms (see winval.h, formats.md §10). */
#include "winval.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <locale.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <wctype.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "i18n.h"

/* Seconds between 1601-01-01 and 1970-01-01, and between 1970-01-01 and 2000-01-01. */
#define FILETIME_UNIX_DELTA 11644473600LL
#define VHD_EPOCH_UNIX 946684800LL

/* ---- text ---- */

/*
 * `n` bytes of `in` from encoding `from` to `to` through iconv(3), into `out` (room for `cap`
 * bytes, enough for any valid input); *outlen gets the bytes written. -1 with errno EILSEQ or
 * EINVAL for invalid or truncated input (glibc: an unpaired surrogate is EILSEQ, or EINVAL at
 * the end), E2BIG, or iconv_open's errno when the conversion does not exist.
 */
static int conv(const char *to, const char *from, const char *in, size_t n, char *out,
		size_t cap, size_t *outlen)
{
	iconv_t cd = iconv_open(to, from);
	char *ip = (char *)in, *op = out;
	size_t il = n, ol = cap;
	int rc = 0;

	*outlen = 0;
	if (cd == (iconv_t)-1)
		return -1;
	if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 ||
	    iconv(cd, NULL, NULL, &op, &ol) == (size_t)-1)
		rc = -1;
	*outlen = (size_t)(op - out);
	iconv_close(cd);
	return rc;
}

/*
 * iconv does the conversion; two rules of ours it does not have are kept around it: decoding
 * stops at the first NUL code unit (iconv converts NUL like any character), and an odd trailing
 * byte is ignored (iconv would call it truncated input). With an explicit byte order iconv
 * keeps a BOM as U+FEFF, as we do, and refuses unpaired surrogates, as we do.
 */
static int utf16_to_utf8(const unsigned char *p, size_t nbytes, bool be, char **out,
			 struct smig_err *e)
{
	size_t units = nbytes / 2, i, o = 0;
	char *s;

	*out = NULL;
	for (i = 0; i < units && (p[2 * i] | p[2 * i + 1]) != 0; i++)
		;
	units = i;
	s = malloc(units * 3 + 1); /* a BMP unit gives <= 3 bytes; a pair gives 4 for 2 units */
	if (s == NULL)
		return smig_err_nomem(e, _("decoding UTF-16"));
	if (conv("UTF-8", be ? "UTF-16BE" : "UTF-16LE", (const char *)p, units * 2, s, units * 3,
		 &o) < 0) {
		int err = errno;

		free(s);
		if (err == EILSEQ || err == EINVAL)
			return smig_err_set(e, SMIG_ERR_FORMAT,
					    _("UTF-16 text has an unpaired surrogate"));
		return smig_err_sys(e, err, _("cannot decode UTF-16 with iconv"));
	}
	s[o] = '\0';
	*out = s;
	return 0;
}

int smig_utf16le_to_utf8(const void *src, size_t nbytes, char **out, struct smig_err *e)
{
	return utf16_to_utf8(src, nbytes, false, out, e);
}

int smig_utf16be_to_utf8(const void *src, size_t nbytes, char **out, struct smig_err *e)
{
	return utf16_to_utf8(src, nbytes, true, out, e);
}

/* Decode one UTF-8 sequence at s[*i]; returns the code point or -1. */
static long utf8_next(const unsigned char *s, size_t len, size_t *i)
{
	unsigned char c = s[*i];
	long cp;
	size_t n, k;

	if (c < 0x80) {
		(*i)++;
		return c;
	}
	if ((c & 0xE0) == 0xC0) {
		n = 1;
		cp = c & 0x1F;
	} else if ((c & 0xF0) == 0xE0) {
		n = 2;
		cp = c & 0x0F;
	} else if ((c & 0xF8) == 0xF0) {
		n = 3;
		cp = c & 0x07;
	} else {
		return -1;
	}
	if (*i + n >= len)
		return -1;
	for (k = 1; k <= n; k++) {
		if ((s[*i + k] & 0xC0) != 0x80)
			return -1;
		cp = cp << 6 | (s[*i + k] & 0x3F);
	}
	/* overlong forms, surrogates and out-of-range values are invalid */
	if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
	    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return -1;
	*i += n + 1;
	return cp;
}

size_t smig_utf8_decode(const char *s, size_t len, uint32_t *cp)
{
	size_t i = 0;
	long c = len ? utf8_next((const unsigned char *)s, len, &i) : -1;

	if (c < 0)
		return 0;
	*cp = (uint32_t)c;
	return i;
}

bool smig_utf8_valid(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len)
		if (utf8_next((const unsigned char *)s, len, &i) < 0)
			return false;
	return true;
}

/* iconv's UTF-8 rules are ours (overlong forms, encoded surrogates and code points above
 * U+10FFFF are refused, glibc), so no check is kept around it. */
static int utf8_to_utf16(const char *src, size_t len, bool nul, bool be, unsigned char **out,
			 size_t *nbytes, struct smig_err *e)
{
	unsigned char *d;
	size_t o = 0;

	*out = NULL;
	*nbytes = 0;
	d = malloc(len * 2 + 2); /* a byte gives at most one unit (4 bytes give 2), + NUL */
	if (d == NULL)
		return smig_err_nomem(e, _("encoding UTF-16"));
	if (conv(be ? "UTF-16BE" : "UTF-16LE", "UTF-8", src, len, (char *)d, len * 2, &o) < 0) {
		int err = errno;

		free(d);
		if (err == EILSEQ || err == EINVAL)
			return smig_err_set(e, SMIG_ERR_FORMAT, _("text is not valid UTF-8"));
		return smig_err_sys(e, err, _("cannot encode UTF-16 with iconv"));
	}
	if (nul) {
		d[o++] = 0;
		d[o++] = 0;
	}
	*out = d;
	*nbytes = o;
	return 0;
}

int smig_utf8_to_utf16le(const char *src, size_t len, bool nul, unsigned char **out,
			 size_t *nbytes, struct smig_err *e)
{
	return utf8_to_utf16(src, len, nul, false, out, nbytes, e);
}

int smig_utf8_to_utf16be(const char *src, size_t len, bool nul, unsigned char **out,
			 size_t *nbytes, struct smig_err *e)
{
	return utf8_to_utf16(src, len, nul, true, out, nbytes, e);
}

int smig_text_decode(const void *src, size_t nbytes, char **out, struct smig_err *e)
{
	const unsigned char *p = src;

	*out = NULL;
	if (nbytes >= 2 && p[0] == 0xFF && p[1] == 0xFE)
		return smig_utf16le_to_utf8(p + 2, nbytes - 2, out, e);
	if (nbytes >= 2 && p[0] == 0xFE && p[1] == 0xFF)
		return smig_utf16be_to_utf8(p + 2, nbytes - 2, out, e);
	if (nbytes >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
		p += 3;
		nbytes -= 3;
	}
	if (memchr(p, '\0', nbytes) != NULL)
		return smig_err_set(e, SMIG_ERR_FORMAT,
				    _("text contains NUL bytes but has no UTF-16 byte order mark"));
	if (!smig_utf8_valid((const char *)p, nbytes))
		return smig_err_set(e, SMIG_ERR_FORMAT,
				    _("text is neither UTF-16 with a byte order mark nor UTF-8"));
	*out = smig_strndup((const char *)p, nbytes, e);
	return *out ? 0 : -1;
}

int smig_text_lines(const char *text, size_t len, size_t max, const char *what, smig_line_fn fn,
		    void *ctx, struct smig_err *e)
{
	const char *s = text, *end = text + len;
	size_t lineno = 0;

	if (len > max)
		return smig_err_set(e, SMIG_ERR_FORMAT, _("'%s' is too large (%zu bytes)"), what, len);
	if (memchr(text, '\0', len) != NULL)
		return smig_err_set(e, SMIG_ERR_FORMAT, _("'%s' is not text (it holds NUL bytes)"),
				    what);
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);

		if (fn(ctx, ++lineno, s, n, e) < 0)
			return -1;
		s += n + (nl != NULL);
	}
	return 0;
}

/* ---- GUIDs ---- */

/* A hex digit of either case (OpenSSL's): 0-15, or -1. The writers below keep their loops:
 * OPENSSL_buf2hexstr_ex writes upper case with one separator between every byte, where a GUID
 * has its dashes after bytes 4, 6, 8 and 10 and comes in both cases. */
static int hexval(int c)
{
	return OPENSSL_hexchar2int((unsigned char)c);
}

bool smig_guid_parse_n(const char *s, size_t len, struct smig_guid *g)
{
	size_t i, o = 0;

	if (len == 38 && s[0] == '{' && s[37] == '}') {
		s++;
		len = 36;
	}
	if (len != 36)
		return false;
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
			continue;
		}
		if (hexval((unsigned char)s[i]) < 0 || hexval((unsigned char)s[i + 1]) < 0)
			return false;
		g->b[o++] = (uint8_t)(hexval((unsigned char)s[i]) << 4 |
				      hexval((unsigned char)s[i + 1]));
		i++;
	}
	return o == 16;
}

bool smig_guid_parse(const char *s, struct smig_guid *g)
{
	return s != NULL && smig_guid_parse_n(s, strlen(s), g);
}

void smig_guid_format(const struct smig_guid *g, enum smig_guid_form form, char *buf)
{
	static const char upper_hex[] = "0123456789ABCDEF", lower_hex[] = "0123456789abcdef";
	bool braces = form == SMIG_GUID_UPPER_BRACES || form == SMIG_GUID_LOWER_BRACES;
	const char *hex = form == SMIG_GUID_UPPER || form == SMIG_GUID_UPPER_BRACES ? upper_hex
										    : lower_hex;
	size_t o = 0;
	int i;

	if (braces)
		buf[o++] = '{';
	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			buf[o++] = '-';
		buf[o++] = hex[g->b[i] >> 4];
		buf[o++] = hex[g->b[i] & 15];
	}
	if (braces)
		buf[o++] = '}';
	buf[o] = '\0';
}

bool smig_guid_equal(const struct smig_guid *a, const struct smig_guid *b)
{
	return memcmp(a->b, b->b, 16) == 0;
}

bool smig_guid_is_zero(const struct smig_guid *g)
{
	static const struct smig_guid zero;
	return smig_guid_equal(g, &zero);
}

void smig_guid_from_ms(const uint8_t ms[16], struct smig_guid *g)
{
	g->b[0] = ms[3];
	g->b[1] = ms[2];
	g->b[2] = ms[1];
	g->b[3] = ms[0];
	g->b[4] = ms[5];
	g->b[5] = ms[4];
	g->b[6] = ms[7];
	g->b[7] = ms[6];
	memcpy(g->b + 8, ms + 8, 8);
}

void smig_guid_to_ms(const struct smig_guid *g, uint8_t ms[16])
{
	struct smig_guid t;

	/* the swap is its own inverse */
	smig_guid_from_ms(g->b, &t);
	memcpy(ms, t.b, 16);
}

bool smig_guid_str_equal(const char *a, const char *b)
{
	struct smig_guid ga, gb;

	return smig_guid_parse(a, &ga) && smig_guid_parse(b, &gb) && smig_guid_equal(&ga, &gb);
}

/* ---- MAC addresses ---- */

bool smig_mac_parse(const char *s, struct smig_mac *m)
{
	int n = 0, hi = -1;

	if (s == NULL)
		return false;
	for (; *s; s++) {
		int v;
		if (*s == '-' || *s == ':' || *s == '.')
			continue;
		v = hexval((unsigned char)*s);
		if (v < 0 || n >= 6)
			return false;
		if (hi < 0) {
			hi = v;
		} else {
			m->b[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	return n == 6 && hi < 0;
}

void smig_mac_format(const struct smig_mac *m, char *buf)
{
	snprintf(buf, 18, "%02X-%02X-%02X-%02X-%02X-%02X", m->b[0], m->b[1], m->b[2], m->b[3],
		 m->b[4], m->b[5]);
}

void smig_mac_format_plain(const struct smig_mac *m, char *buf)
{
	snprintf(buf, 13, "%02X%02X%02X%02X%02X%02X", m->b[0], m->b[1], m->b[2], m->b[3], m->b[4],
		 m->b[5]);
}

int smig_mac_cmp(const struct smig_mac *a, const struct smig_mac *b)
{
	return memcmp(a->b, b->b, 6);
}

uint64_t smig_mac_to_u64(const struct smig_mac *m)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 6; i++)
		v = v << 8 | m->b[i];
	return v;
}

void smig_mac_from_u64(uint64_t v, struct smig_mac *m)
{
	int i;

	for (i = 5; i >= 0; i--) {
		m->b[i] = (uint8_t)(v & 0xFF);
		v >>= 8;
	}
}

bool smig_mac_is_zero(const struct smig_mac *m)
{
	return smig_mac_to_u64(m) == 0;
}

/* ---- times ---- */

int64_t smig_filetime_to_unix(uint64_t ft)
{
	return (int64_t)(ft / 10000000ULL) - FILETIME_UNIX_DELTA;
}

uint64_t smig_unix_to_filetime(int64_t t)
{
	return (uint64_t)(t + FILETIME_UNIX_DELTA) * 10000000ULL;
}

int64_t smig_vhdtime_to_unix(uint32_t t)
{
	return (int64_t)t + VHD_EPOCH_UNIX;
}

uint32_t smig_unix_to_vhdtime(int64_t t)
{
	return t < VHD_EPOCH_UNIX ? 0 : (uint32_t)(t - VHD_EPOCH_UNIX);
}

void smig_unix_to_iso8601(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL || strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "?");
}

/* ---- base64 ---- */

/*
 * OpenSSL's EVP_DecodeBlock does the decoding; its input rules differ from ours, so a pre-pass
 * keeps ours: it takes whole 4-character groups only (we accept unpadded input, "QQ"), no
 * whitespace inside (we skip it anywhere: XML values wrap), '=' anywhere that is not the end
 * is taken as data (we refuse data after '='), and it counts the padding in its length. So the
 * pre-pass drops whitespace and the padding, checks the padding (at the end, at most two),
 * refuses a lone last character, pads the groups again and takes the real length.
 */
int smig_base64_decode(const char *s, size_t len, unsigned char **out, size_t *outlen,
		       struct smig_err *e)
{
	unsigned char *d = NULL;
	char *c = NULL;
	size_t i, n = 0;
	int pad = 0, r;

	*out = NULL;
	*outlen = 0;
	if (len > (size_t)INT_MAX / 2)
		return smig_err_set(e, SMIG_ERR_FORMAT, _("invalid base64 data: %zu bytes is too long"),
				    len);
	c = malloc(len + 4);
	d = malloc(len / 4 * 3 + 3 + 3);
	if (c == NULL || d == NULL) {
		free(c);
		free(d);
		return smig_err_nomem(e, _("decoding base64"));
	}
	for (i = 0; i < len; i++) {
		int ch = (unsigned char)s[i];

		if (isspace(ch))
			continue;
		if (ch == '=') {
			pad++;
			continue;
		}
		if (pad > 0)
			goto bad;
		c[n++] = (char)ch;
	}
	if (pad > 2 || n % 4 == 1)
		goto bad;
	*outlen = n / 4 * 3 + (n % 4 == 3 ? 2 : n % 4 == 2 ? 1 : 0);
	while (n % 4)
		c[n++] = '=';
	/* characters outside the alphabet make it fail */
	r = n ? EVP_DecodeBlock(d, (const unsigned char *)c, (int)n) : 0;
	if (r < 0 || (size_t)r < *outlen)
		goto bad;
	free(c);
	*out = d;
	return 0;
bad:
	free(c);
	free(d);
	*outlen = 0;
	return smig_err_set(e, SMIG_ERR_FORMAT, _("invalid base64 data"));
}

/* EVP_EncodeBlock writes exactly this: padded groups, no line breaks, a NUL. */
char *smig_base64_encode(const void *src, size_t len)
{
	char *d;

	if (len > (size_t)INT_MAX / 4 * 3 - 3)
		return NULL;
	d = malloc((len + 2) / 3 * 4 + 1);
	if (d == NULL)
		return NULL;
	EVP_EncodeBlock((unsigned char *)d, src, (int)len);
	return d;
}

/* ---- strings ---- */

bool smig_streq_ci(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcasecmp(a, b) == 0;
}

bool smig_startswith_ci(const char *s, const char *prefix)
{
	return s != NULL && strncasecmp(s, prefix, strlen(prefix)) == 0;
}

bool smig_endswith_ci(const char *s, const char *suffix)
{
	size_t ls, lx;

	if (s == NULL)
		return false;
	ls = strlen(s);
	lx = strlen(suffix);
	return ls >= lx && strcasecmp(s + ls - lx, suffix) == 0;
}

const char *smig_winpath_base(const char *winpath)
{
	const char *s = strrchr(winpath, '\\');

	return s != NULL ? s + 1 : winpath;
}

bool smig_winpath_text_eq(const char *a, const char *b)
{
	size_t la, lb;

	if (a == NULL || b == NULL)
		return a == b;
	la = strlen(a);
	lb = strlen(b);
	/* "D:\" keeps its separator: it is the root, not the drive's current directory */
	while (la > 3 && a[la - 1] == '\\')
		la--;
	while (lb > 3 && b[lb - 1] == '\\')
		lb--;
	return la == lb && strncasecmp(a, b, la) == 0;
}

char *smig_strndup(const char *s, size_t n, struct smig_err *e)
{
	char *d = malloc(n + 1);

	if (d == NULL) {
		smig_err_nomem(e, _("copying a string"));
		return NULL;
	}
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *smig_strdup(const char *s, struct smig_err *e)
{
	return smig_strndup(s, strlen(s), e);
}

char *smig_asprintf(struct smig_err *e, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		smig_err_nomem(e, _("formatting a string"));
		return NULL;
	}
	return s;
}

bool smig_winpath_dotted(const char *winpath)
{
	const char *p = winpath;

	if (!p)
		return false;
	if ((p[0] == '\\' || p[0] == '/') && (p[1] == '\\' || p[1] == '/') &&
	    (p[2] == '.' || p[2] == '?') && (p[3] == '\\' || p[3] == '/'))
		p += 4;
	else if (!strncmp(p, "\\??\\", 4))
		p += 4;
	while (*p) {
		size_t n = strcspn(p, "\\/");

		if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return true;
		p += n;
		if (*p)
			p++;
	}
	return false;
}

/* One component [p, p+n) with its trailing dots and spaces removed: its new length. */
static size_t ntfs_trim(const char *p, size_t n)
{
	while (n > 0 && (p[n - 1] == '.' || p[n - 1] == ' '))
		n--;
	return n;
}

bool smig_winpath_reserved(const char *winpath)
{
	static const char *const names[] = {"CON", "PRN", "AUX", "NUL"};
	const char *p = winpath;

	if (!p)
		return false;
	while (*p) {
		size_t n = strcspn(p, "\\/"), stem = ntfs_trim(p, n);

		/* the device name is what comes before the first dot */
		for (size_t i = 0; i < stem; i++)
			if (p[i] == '.') {
				stem = ntfs_trim(p, i);
				break;
			}
		for (size_t i = 0; stem == 3 && i < 4; i++)
			if (!strncasecmp(p, names[i], 3))
				return true;
		if (stem == 4 && (!strncasecmp(p, "COM", 3) || !strncasecmp(p, "LPT", 3)) &&
		    p[3] >= '1' && p[3] <= '9')
			return true;
		p += n;
		if (*p)
			p++;
	}
	return false;
}

/* The next code point of UTF-8 text, or the byte itself when it is not valid UTF-8. */
static uint32_t next_cp(const unsigned char **s)
{
	const unsigned char *p = *s;
	uint32_t cp;
	int extra;

	if (p[0] < 0x80) {
		*s = p + 1;
		return p[0];
	}
	extra = p[0] >= 0xF0 ? 3 : p[0] >= 0xE0 ? 2 : p[0] >= 0xC0 ? 1 : 0;
	cp = p[0] & (0x3F >> extra);
	for (int i = 1; i <= extra; i++) {
		if ((p[i] & 0xC0) != 0x80) {
			*s = p + 1;
			return 0x110000u + p[0]; /* never equal to a real code point */
		}
		cp = cp << 6 | (p[i] & 0x3F);
	}
	if (extra == 0) {
		*s = p + 1;
		return 0x110000u + p[0];
	}
	*s = p + extra + 1;
	return cp;
}

static uint32_t upcase(uint32_t cp)
{
	static locale_t loc;

	if (cp < 0x80)
		return cp >= 'a' && cp <= 'z' ? cp - 32 : cp;
	if (cp >= 0x110000u)
		return cp;
	if (loc == (locale_t)0)
		loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	return loc ? (uint32_t)towupper_l((wint_t)cp, loc) : cp;
}

bool smig_winpath_ntfs_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	for (;;) {
		size_t na = strcspn(a, "\\/"), nb = strcspn(b, "\\/");
		const unsigned char *pa = (const unsigned char *)a, *pb = (const unsigned char *)b;
		const unsigned char *ea = pa + ntfs_trim(a, na), *eb = pb + ntfs_trim(b, nb);

		while (pa < ea && pb < eb)
			if (upcase(next_cp(&pa)) != upcase(next_cp(&pb)))
				return false;
		if (pa < ea || pb < eb)
			return false;
		a += na;
		b += nb;
		if (!*a || !*b)
			return !*a && !*b;
		a++;
		b++;
	}
}
