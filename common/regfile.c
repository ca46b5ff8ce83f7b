/* regfile.c - Windows .reg files: writer from hive keys, strict parser, apply (regfile.h). */
#include "regfile.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "strbuf.h"
#include "winval.h"

#define HEADER "Windows Registry Editor Version 5.00"
/*
 * reg.exe's wrap rule (the same as Wine's regedit export_hex_data): after each "xx," the
 * column count grows by 3 and, once it reaches 77, the line ends with "\" and the next
 * starts with two spaces. A line is therefore at most 76 + 3 + 1 = 80 columns, unless the
 * value name alone is longer.
 */
#define HEX_WRAP_COLUMN 77
/* The UTF-8 text is at most half the UTF-16 file (every unit comes from >= 1 byte). */
#define MAX_TEXT ((SMIG_REGFILE_MAX_FILE - 2) / 2)

struct smig_regfile {
	struct smig_strbuf text; /* UTF-8 with CRLF line ends; converted by finish */
	size_t count;
};

/* ---- writer ---- */

int smig_regfile_new(struct smig_regfile **out, struct smig_err *e)
{
	struct smig_regfile *rf;

	*out = NULL;
	rf = calloc(1, sizeof(*rf));
	if (rf == NULL)
		return smig_err_nomem(e, _("starting a .reg file"));
	smig_strbuf_puts(&rf->text, HEADER "\r\n\r\n");
	if (smig_strbuf_check(&rf->text, e) < 0) {
		smig_regfile_free(rf);
		return -1;
	}
	*out = rf;
	return 0;
}

void smig_regfile_free(struct smig_regfile *rf)
{
	if (rf == NULL)
		return;
	smig_strbuf_release(&rf->text);
	free(rf);
}

size_t smig_regfile_count(const struct smig_regfile *rf)
{
	return rf->count;
}

/* Columns (UTF-16 code units) taken by UTF-8 text: a 4-byte sequence is a surrogate pair. */
static size_t utf16_units(const char *s)
{
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p & 0xC0) != 0x80)
			n++;
		if ((*p & 0xF8) == 0xF0)
			n++;
	}
	return n;
}

static bool has_line_break(const char *s)
{
	return strpbrk(s, "\r\n") != NULL;
}

/* Append `s` with '\' and '"' escaped. */
static void put_escaped(struct smig_strbuf *sb, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\' || *s == '"')
			smig_strbuf_putc(sb, '\\');
		smig_strbuf_putc(sb, *s);
	}
}

/*
 * The text of a REG_SZ when writing it as "text" is lossless: valid UTF-16LE, exactly one
 * terminator at the end, no embedded NUL and no line break. NULL otherwise (or on ENOMEM,
 * which then only costs the hex form).
 */
static char *lossless_sz(const unsigned char *data, size_t len)
{
	struct smig_err e2 = SMIG_ERR_INIT;
	unsigned char *again = NULL;
	size_t n = 0;
	char *text = NULL;

	if (len < 2 || len % 2 != 0)
		return NULL;
	if (smig_utf16le_to_utf8(data, len, &text, &e2) < 0)
		return NULL;
	if (has_line_break(text) ||
	    smig_utf8_to_utf16le(text, strlen(text), true, &again, &n, &e2) < 0 || n != len ||
	    memcmp(again, data, len) != 0) {
		free(text);
		text = NULL;
	}
	free(again);
	return text;
}

static void put_hex(struct smig_strbuf *sb, size_t column, uint32_t type, const unsigned char *data,
                    size_t len)
{
	static const char digits[] = "0123456789abcdef";
	size_t before = sb->len;

	if (type == SMIG_REG_BINARY)
		smig_strbuf_puts(sb, "hex:");
	else
		smig_strbuf_printf(sb, "hex(%x):", (unsigned)type);
	column += sb->len - before;
	for (size_t i = 0; i < len; i++) {
		char byte[2] = {digits[data[i] >> 4], digits[data[i] & 15]};

		smig_strbuf_append(sb, byte, 2);
		if (i + 1 == len)
			break;
		smig_strbuf_putc(sb, ',');
		column += 3;
		if (column >= HEX_WRAP_COLUMN) {
			smig_strbuf_puts(sb, "\\\r\n  ");
			column = 2;
		}
	}
}

/* One value line (with its CRLF). `key` names the key in messages. */
static int put_value(struct smig_regfile *rf, const char *key, const char *name, uint32_t type,
                     const unsigned char *data, size_t len, struct smig_err *e)
{
	struct smig_strbuf *sb = &rf->text;
	size_t start = sb->len;
	char *text = NULL;

	if (has_line_break(name))
		return smig_err_set(e, SMIG_ERR_UNSUPPORTED,
		                    _("cannot export value '%s' of key '%s': a .reg file cannot hold "
		                    "a line break in a value name"),
		                    name, key);
	if (len > SMIG_REGFILE_MAX_VALUE)
		return smig_err_set(
		    e, SMIG_ERR_UNSUPPORTED,
		    _("cannot export value '%s' of key '%s': it holds %zu bytes, more "
		    "than the %u a .reg value may hold"),
		    name, key, len, SMIG_REGFILE_MAX_VALUE);
	if (name[0] == '\0') {
		smig_strbuf_puts(sb, "@=");
	} else {
		smig_strbuf_putc(sb, '"');
		put_escaped(sb, name);
		smig_strbuf_puts(sb, "\"=");
	}
	if (type == SMIG_REG_SZ && (text = lossless_sz(data, len)) != NULL) {
		smig_strbuf_putc(sb, '"');
		put_escaped(sb, text);
		smig_strbuf_putc(sb, '"');
	} else if (type == SMIG_REG_DWORD && len == 4) {
		smig_strbuf_printf(sb, "dword:%08x",
		                   (unsigned)data[0] | (unsigned)data[1] << 8 |
		                       (unsigned)data[2] << 16 | (unsigned)data[3] << 24);
	} else {
		put_hex(sb, utf16_units(sb->buf + start), type, data, len);
	}
	smig_strbuf_puts(sb, "\r\n");
	free(text);
	rf->count++;
	return smig_strbuf_check(sb, e);
}

static int put_key_header(struct smig_regfile *rf, const char *shown, struct smig_err *e)
{
	smig_strbuf_printf(&rf->text, "[%s]\r\n", shown);
	rf->count++;
	return smig_strbuf_check(&rf->text, e);
}

struct kid {
	char *name;
	smig_hive_node node;
};

static int fold(int c)
{
	return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

/* Case-insensitive (ASCII fold) order, bytewise to break ties so the order is total. */
static int kid_cmp(const void *a, const void *b)
{
	const unsigned char *x = (const unsigned char *)((const struct kid *)a)->name;
	const unsigned char *y = (const unsigned char *)((const struct kid *)b)->name;

	for (size_t i = 0;; i++) {
		int d = fold(x[i]) - fold(y[i]);

		if (d != 0)
			return d;
		if (x[i] == '\0')
			break;
	}
	return strcmp((const char *)x, (const char *)y);
}

static void kids_free(struct kid *k, size_t n)
{
	if (k == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		free(k[i].name);
	free(k);
}

/* Subkeys of n with their names, sorted. */
static int sorted_kids(struct smig_hive *h, smig_hive_node n, const char *shown, struct kid **out,
                       size_t *count, struct smig_err *e)
{
	smig_hive_node *nodes = NULL;
	struct kid *k = NULL;
	size_t c = 0, i;
	int rc = -1;

	*out = NULL;
	*count = 0;
	if (smig_hive_children(h, n, &nodes, &c, e) < 0)
		goto done;
	k = calloc(c ? c : 1, sizeof(*k));
	if (k == NULL) {
		smig_err_nomem(e, _("listing subkeys"));
		goto done;
	}
	for (i = 0; i < c; i++) {
		k[i].node = nodes[i];
		k[i].name = smig_hive_node_name(h, nodes[i], e);
		if (k[i].name == NULL)
			goto done;
		if (k[i].name[0] == '\0' || strchr(k[i].name, '\\') != NULL ||
		    has_line_break(k[i].name)) {
			smig_err_set(
			    e, SMIG_ERR_UNSUPPORTED,
			    _("cannot export a subkey of '%s': its name '%s' is empty or holds "
			    "a backslash or a line break"),
			    shown, k[i].name);
			goto done;
		}
	}
	qsort(k, c, sizeof(*k), kid_cmp);
	*out = k;
	*count = c;
	k = NULL;
	rc = 0;
done:
	kids_free(k, c);
	free(nodes);
	return rc;
}

static int put_key(struct smig_regfile *rf, struct smig_hive *h, smig_hive_node n,
                   const char *shown, bool recursive, unsigned depth, struct smig_err *e)
{
	struct smig_regval *vals = NULL;
	struct kid *kids = NULL;
	size_t nvals = 0, nkids = 0, i;
	char *sub = NULL;
	int rc = -1;

	if (depth > SMIG_REGFILE_MAX_DEPTH) {
		smig_err_set(e, SMIG_ERR_FORMAT,
		             _("cannot export key '%s': it is nested more than %d levels deep"), shown,
		             SMIG_REGFILE_MAX_DEPTH);
		goto done;
	}
	if (put_key_header(rf, shown, e) < 0 || smig_hive_values(h, n, &vals, &nvals, e) < 0)
		goto done;
	for (i = 0; i < nvals; i++)
		if (put_value(rf, shown, vals[i].name, vals[i].type, vals[i].data, vals[i].len, e) <
		    0)
			goto done;
	smig_strbuf_puts(&rf->text, "\r\n");
	if (smig_strbuf_check(&rf->text, e) < 0)
		goto done;
	/* also stops a hostile hive whose subkey lists loop back on themselves */
	if (rf->text.len > MAX_TEXT) {
		smig_err_set(e, SMIG_ERR_UNSUPPORTED,
		             _("cannot export key '%s': the .reg file would exceed %u bytes"), shown,
		             SMIG_REGFILE_MAX_FILE);
		goto done;
	}
	if (recursive) {
		if (sorted_kids(h, n, shown, &kids, &nkids, e) < 0)
			goto done;
		for (i = 0; i < nkids; i++) {
			sub = smig_asprintf(e, "%s\\%s", shown, kids[i].name);
			if (sub == NULL ||
			    put_key(rf, h, kids[i].node, sub, true, depth + 1, e) < 0)
				goto done;
			free(sub);
			sub = NULL;
		}
	}
	rc = 0;
done:
	free(sub);
	kids_free(kids, nkids);
	smig_regvals_free(vals, nvals);
	return rc;
}

/* `path` without empty components ("\a\\b\" -> "a\b"), malloc'd. */
static char *normalise_path(const char *path, struct smig_err *e)
{
	struct smig_strbuf sb = SMIG_STRBUF_INIT;
	const char *p = path;

	while (*p != '\0') {
		size_t n = strcspn(p, "\\");

		if (n > 0) {
			if (sb.len > 0)
				smig_strbuf_putc(&sb, '\\');
			smig_strbuf_append(&sb, p, n);
		}
		p += n;
		if (*p == '\\')
			p++;
	}
	if (smig_strbuf_check(&sb, e) < 0) {
		smig_strbuf_release(&sb);
		return NULL;
	}
	if (sb.len == 0)
		return smig_strdup("", e);
	return smig_strbuf_take(&sb, NULL);
}

int smig_regfile_add(struct smig_regfile *rf, struct smig_hive *h, const char *display_root,
                     const char *path, const char *value, bool recursive, struct smig_err *e)
{
	size_t saved_len = rf->text.len, saved_count = rf->count, nvals = 0, i;
	struct smig_regval *vals = NULL;
	smig_hive_node n = 0;
	char *rel = NULL, *shown = NULL;
	int rc = -1, r;

	if (display_root[0] == '\0' || display_root[0] == '-' || has_line_break(display_root) ||
	    display_root[strlen(display_root) - 1] == '\\') {
		smig_err_set(e, SMIG_ERR_USAGE, _("cannot use '%s' as the root of a .reg file"),
		             display_root);
		goto done;
	}
	rel = normalise_path(path, e);
	if (rel == NULL)
		goto done;
	r = smig_hive_find(h, 0, rel, &n, e);
	if (r != 0) {
		rc = r;
		goto done;
	}
	shown =
	    rel[0] ? smig_asprintf(e, "%s\\%s", display_root, rel) : smig_strdup(display_root, e);
	if (shown == NULL)
		goto done;
	if (value == NULL) {
		rc = put_key(rf, h, n, shown, recursive, 0, e);
		goto done;
	}
	if (smig_hive_values(h, n, &vals, &nvals, e) < 0)
		goto done;
	for (i = 0; i < nvals && !smig_streq_ci(vals[i].name, value); i++)
		;
	if (i == nvals) {
		rc = 1;
		goto done;
	}
	if (put_key_header(rf, shown, e) < 0 ||
	    put_value(rf, shown, vals[i].name, vals[i].type, vals[i].data, vals[i].len, e) < 0)
		goto done;
	smig_strbuf_puts(&rf->text, "\r\n");
	rc = smig_strbuf_check(&rf->text, e);
done:
	if (rc != 0 && !rf->text.failed) {
		/* nothing of a failed or empty add stays in the file */
		rf->text.len = saved_len;
		rf->text.buf[saved_len] = '\0';
		rf->count = saved_count;
	}
	smig_regvals_free(vals, nvals);
	free(shown);
	free(rel);
	return rc;
}

int smig_regfile_finish(struct smig_regfile *rf, unsigned char **out, size_t *len,
                        struct smig_err *e)
{
	unsigned char *u = NULL, *file = NULL;
	size_t n = 0;

	*out = NULL;
	*len = 0;
	if (smig_strbuf_check(&rf->text, e) < 0 ||
	    smig_utf8_to_utf16le(rf->text.buf, rf->text.len, false, &u, &n, e) < 0)
		return -1;
	file = malloc(n + 2);
	if (file == NULL) {
		free(u);
		return smig_err_nomem(e, _("finishing a .reg file"));
	}
	file[0] = 0xFF;
	file[1] = 0xFE;
	memcpy(file + 2, u, n);
	free(u);
	*out = file;
	*len = n + 2;
	return 0;
}

/* ---- parser ---- */

struct parser {
	const char *what;
	size_t line; /* 1-based number of the line being parsed (the first of a joined one) */
	struct smig_regfile_key *keys;
	size_t nkeys, capkeys;
	size_t capvals; /* capacity of keys[nkeys - 1].values */
	struct smig_err *e;
};

static int perr(struct parser *p, const char *fmt, ...) SMIG_PRINTF(2, 3);

static int perr(struct parser *p, const char *fmt, ...)
{
	char reason[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap); /* a cut reason still reads well */
	va_end(ap);
	return smig_err_set(p->e, SMIG_ERR_FORMAT, _("'%s' line %zu: %s"), p->what, p->line, reason);
}

static void value_release(struct smig_regfile_value *v)
{
	free(v->name);
	free(v->data);
}

void smig_regfile_keys_free(struct smig_regfile_key *keys, size_t nkeys)
{
	if (keys == NULL)
		return;
	for (size_t i = 0; i < nkeys; i++) {
		for (size_t j = 0; j < keys[i].nvalues; j++)
			value_release(&keys[i].values[j]);
		free(keys[i].values);
		free(keys[i].path);
	}
	free(keys);
}

/* Grow *arr (elements of `size` bytes) so that one more fits. */
static int grow(void **arr, size_t *cap, size_t used, size_t size, struct smig_err *e)
{
	size_t ncap;
	void *p;

	if (used < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 8;
	if (ncap > (size_t)-1 / size)
		return smig_err_nomem(e, _("parsing a .reg file"));
	p = realloc(*arr, ncap * size);
	if (p == NULL)
		return smig_err_nomem(e, _("parsing a .reg file"));
	*arr = p;
	*cap = ncap;
	return 0;
}

static int hexdigit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The file as UTF-8 text (NUL-free). */
static int decode(struct parser *p, const unsigned char *b, size_t len, char **out)
{
	*out = NULL;
	if (len > SMIG_REGFILE_MAX_FILE)
		return smig_err_set(p->e, SMIG_ERR_FORMAT,
		                    _("'%s': %zu bytes is more than the %u a .reg file may have"),
		                    p->what, len, SMIG_REGFILE_MAX_FILE);
	if (len >= 2 && b[0] == 0xFF && b[1] == 0xFE) {
		struct smig_err e2 = SMIG_ERR_INIT;

		if (len % 2 != 0)
			return smig_err_set(p->e, SMIG_ERR_FORMAT,
			                    _("'%s': UTF-16 text with an odd number of bytes"),
			                    p->what);
		p->line = 1;
		for (size_t i = 2; i < len; i += 2) {
			if (b[i] == '\n' && b[i + 1] == 0)
				p->line++;
			if (b[i] == 0 && b[i + 1] == 0)
				return perr(p, _("a NUL character"));
		}
		p->line = 0;
		if (smig_utf16le_to_utf8(b + 2, len - 2, out, &e2) < 0)
			return smig_err_set(p->e, e2.kind, _("'%s': %s"), p->what, e2.msg);
		return 0;
	}
	if (len >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
		b += 3;
		len -= 3;
	}
	if (memchr(b, '\0', len) != NULL || !smig_utf8_valid((const char *)b, len))
		return smig_err_set(p->e, SMIG_ERR_FORMAT,
		                    _("'%s': the text is neither UTF-16LE with a byte order mark nor "
		                    "UTF-8"),
		                    p->what);
	*out = smig_strndup((const char *)b, len, p->e);
	return *out ? 0 : -1;
}

/*
 * Next physical line of `text` from *pos, without its LF or CRLF; false at the end. A CR
 * anywhere else is an error (reported by the caller through *bad_cr).
 */
static bool next_line(char *text, size_t len, size_t *pos, char **line, size_t *n, bool *bad_cr)
{
	char *s, *nl;

	if (*pos >= len)
		return false;
	s = text + *pos;
	nl = memchr(s, '\n', len - *pos);
	*n = nl ? (size_t)(nl - s) : len - *pos;
	*pos += *n + (nl ? 1 : 0);
	if (*n > 0 && s[*n - 1] == '\r')
		(*n)--;
	s[*n] = '\0';
	*bad_cr = memchr(s, '\r', *n) != NULL;
	*line = s;
	return true;
}

/* A "..." string at *s with \\ and \" escapes; *s ends after the closing quote. */
static int quoted(struct parser *p, const char **s, struct smig_strbuf *out)
{
	const char *q = *s + 1;

	for (;; q++) {
		if (*q == '\0')
			return perr(p, _("unterminated string"));
		if (*q == '"')
			break;
		if (*q == '\\') {
			q++;
			if (*q != '\\' && *q != '"')
				return perr(p,
				            _("unknown escape '\\%c' in a string (only \\\\ and \\\" "
				            "are allowed)"),
				            *q ? *q : ' ');
		}
		smig_strbuf_putc(out, *q);
	}
	*s = q + 1;
	return smig_strbuf_check(out, p->e);
}

/* A comma-separated list of two-digit hex bytes filling the rest of the line. */
static int hex_list(struct parser *p, const char *s, unsigned char **data, size_t *len)
{
	struct smig_strbuf sb = SMIG_STRBUF_INIT;
	int rc = -1;

	while (*s != '\0') {
		int hi = hexdigit(s[0]), lo = hi < 0 ? -1 : hexdigit(s[1]);
		char c;

		if (hi < 0 || lo < 0) {
			perr(p, _("bad hex byte '%.2s'"), s);
			goto done;
		}
		if (sb.len >= SMIG_REGFILE_MAX_VALUE) {
			perr(p, _("value data is larger than %u bytes"), SMIG_REGFILE_MAX_VALUE);
			goto done;
		}
		c = (char)(hi << 4 | lo);
		smig_strbuf_append(&sb, &c, 1);
		s += 2;
		if (*s == ',' && s[1] == '\0') {
			perr(p, _("a ',' ends the hex bytes"));
			goto done;
		}
		if (*s == ',') {
			s++;
		} else if (*s != '\0') {
			perr(p, _("expected ',' between hex bytes, found '%.10s'"), s);
			goto done;
		}
	}
	if (smig_strbuf_check(&sb, p->e) < 0)
		goto done;
	*len = sb.len;
	*data = sb.len ? (unsigned char *)smig_strbuf_take(&sb, NULL) : NULL;
	rc = 0;
done:
	smig_strbuf_release(&sb);
	return rc;
}

/* The data after '=': fills v->type, v->data, v->len. */
static int value_data(struct parser *p, const char *s, struct smig_regfile_value *v)
{
	struct smig_strbuf sb = SMIG_STRBUF_INIT;
	unsigned long type = 0;
	int rc = -1;
	size_t i;

	if (*s == '"') {
		if (quoted(p, &s, &sb) < 0)
			goto done;
		if (*s != '\0') {
			perr(p, _("unexpected '%.10s' after a string"), s);
			goto done;
		}
		v->type = SMIG_REG_SZ;
		if (smig_utf8_to_utf16le(smig_strbuf_cstr(&sb), sb.len, true, &v->data, &v->len,
		                         p->e) < 0)
			goto done;
		if (v->len > SMIG_REGFILE_MAX_VALUE) {
			perr(p, _("value data is larger than %u bytes"), SMIG_REGFILE_MAX_VALUE);
			goto done;
		}
	} else if (strcmp(s, "-") == 0) {
		v->type = SMIG_REGFILE_DELETE;
	} else if (strncmp(s, "dword:", 6) == 0) {
		uint32_t d = 0;

		s += 6;
		for (i = 0; s[i] != '\0'; i++) {
			if (hexdigit(s[i]) < 0 || i == 8) {
				perr(p, _("dword: wants 1 to 8 hex digits, not '%.12s'"), s);
				goto done;
			}
			d = d << 4 | (uint32_t)hexdigit(s[i]);
		}
		if (i == 0) {
			perr(p, _("dword: without digits"));
			goto done;
		}
		v->type = SMIG_REG_DWORD;
		v->data = malloc(4);
		if (v->data == NULL) {
			smig_err_nomem(p->e, _("parsing a .reg file"));
			goto done;
		}
		for (i = 0; i < 4; i++)
			v->data[i] = (unsigned char)(d >> (8 * i));
		v->len = 4;
	} else if (strncmp(s, "hex:", 4) == 0) {
		v->type = SMIG_REG_BINARY;
		if (hex_list(p, s + 4, &v->data, &v->len) < 0)
			goto done;
	} else if (strncmp(s, "hex(", 4) == 0) {
		s += 4;
		for (i = 0; i < 8 && hexdigit(s[i]) >= 0; i++)
			type = type << 4 | (unsigned long)hexdigit(s[i]);
		if (i == 0 || s[i] != ')' || s[i + 1] != ':') {
			perr(p, _("hex( wants 1 to 8 hex digits then '):', not '%.12s'"), s);
			goto done;
		}
		/* 0xFFFFFFFF is this module's deletion marker, not a type a hive can use here */
		if (type == SMIG_REGFILE_DELETE) {
			perr(p, _("value type hex(%lx) is not supported"), type);
			goto done;
		}
		v->type = (uint32_t)type;
		if (hex_list(p, s + i + 2, &v->data, &v->len) < 0)
			goto done;
	} else {
		perr(p, _("expected \"string\", dword:, hex:, hex(N): or -, found '%.20s'"), s);
		goto done;
	}
	rc = 0;
done:
	smig_strbuf_release(&sb);
	return rc;
}

static int value_line(struct parser *p, const char *s)
{
	struct smig_strbuf name = SMIG_STRBUF_INIT;
	struct smig_regfile_value v = {NULL, 0, NULL, 0};
	struct smig_regfile_key *k;
	int rc = -1;

	if (p->nkeys == 0) {
		perr(p, _("a value before any [key] line"));
		goto done;
	}
	k = &p->keys[p->nkeys - 1];
	if (k->deleted) {
		perr(p, _("a value under a deleted key [-%s]"), k->path);
		goto done;
	}
	if (*s == '@') {
		s++;
	} else if (*s != '"') {
		perr(p, _("expected [key], \"name\"=, @= or a ';' comment, found '%.20s'"), s);
		goto done;
	} else if (quoted(p, &s, &name) < 0) {
		goto done;
	}
	if (*s != '=') {
		perr(p, _("expected '=' after the value name"));
		goto done;
	}
	v.name = smig_strdup(smig_strbuf_cstr(&name), p->e);
	if (v.name == NULL || value_data(p, s + 1, &v) < 0 ||
	    grow((void **)&k->values, &p->capvals, k->nvalues, sizeof(*k->values), p->e) < 0)
		goto done;
	k->values[k->nvalues++] = v;
	v.name = NULL;
	v.data = NULL;
	rc = 0;
done:
	value_release(&v);
	smig_strbuf_release(&name);
	return rc;
}

static int key_line(struct parser *p, const char *s, size_t n)
{
	struct smig_regfile_key k = {NULL, false, NULL, 0};
	const char *c;

	if (n < 2 || s[n - 1] != ']')
		return perr(p, _("a key line must end with ']'"));
	s++;
	n -= 2;
	if (n > 0 && *s == '-') {
		k.deleted = true;
		s++;
		n--;
	}
	/* every component non-empty: no leading, trailing or doubled backslash */
	for (c = s; c < s + n; c++)
		if (*c == '\\' && (c == s || c + 1 == s + n || c[1] == '\\'))
			break;
	if (n == 0 || c < s + n)
		return perr(p, _("empty key name in '[%.*s]'"), (int)n, s);
	if (grow((void **)&p->keys, &p->capkeys, p->nkeys, sizeof(*p->keys), p->e) < 0)
		return -1;
	k.path = smig_strndup(s, n, p->e);
	if (k.path == NULL)
		return -1;
	p->keys[p->nkeys++] = k;
	p->capvals = 0;
	return 0;
}

int smig_regfile_parse(const void *buf, size_t len, const char *what,
                       struct smig_regfile_key **keys, size_t *nkeys, struct smig_err *e)
{
	struct parser p = {what ? what : _("(.reg file)"), 0, NULL, 0, 0, 0, e};
	struct smig_strbuf joined = SMIG_STRBUF_INIT;
	char *text = NULL, *line = NULL;
	size_t tlen, pos = 0, n = 0;
	bool bad_cr = false;
	int rc = -1;

	*keys = NULL;
	*nkeys = 0;
	if (decode(&p, buf, len, &text) < 0)
		goto done;
	tlen = strlen(text);
	p.line = 1;
	if (!next_line(text, tlen, &pos, &line, &n, &bad_cr) || strcmp(line, HEADER) != 0) {
		perr(&p, _("the first line is not '%s'"), HEADER);
		goto done;
	}
	for (size_t num = 2; next_line(text, tlen, &pos, &line, &n, &bad_cr); num++) {
		p.line = num;
		if (bad_cr) {
			perr(&p, _("a carriage return inside the line"));
			goto done;
		}
		if (n == 0 || line[0] == ';')
			continue;
		if (line[0] == '[') {
			if (key_line(&p, line, n) < 0)
				goto done;
			continue;
		}
		/* a value: join `\` continuations, dropping the next lines' indent */
		joined.len = 0;
		smig_strbuf_append(&joined, line, n);
		while (joined.len > 0 && joined.buf[joined.len - 1] == '\\') {
			joined.buf[--joined.len] = '\0';
			if (!next_line(text, tlen, &pos, &line, &n, &bad_cr)) {
				perr(&p, _("the file ends inside a continued line"));
				goto done;
			}
			num++;
			if (bad_cr) {
				p.line = num;
				perr(&p, _("a carriage return inside the line"));
				goto done;
			}
			line += strspn(line, " \t");
			smig_strbuf_puts(&joined, line);
		}
		if (smig_strbuf_check(&joined, e) < 0 || value_line(&p, joined.buf) < 0)
			goto done;
	}
	*keys = p.keys;
	*nkeys = p.nkeys;
	p.keys = NULL;
	rc = 0;
done:
	smig_regfile_keys_free(p.keys, p.nkeys);
	smig_strbuf_release(&joined);
	free(text);
	return rc;
}

/* ---- apply ---- */

/* The part of `path` below `root` ("" for root itself); NULL when outside it. */
static const char *below(const char *path, const char *root)
{
	size_t r = strlen(root);

	if (smig_streq_ci(path, root))
		return "";
	if (!smig_startswith_ci(path, root) || path[r] != '\\')
		return NULL;
	return path + r + 1;
}

int smig_regfile_apply(const struct smig_regfile_key *keys, size_t nkeys, const char *display_root,
                       struct smig_hive *h, struct smig_err *e)
{
	smig_hive_node n = 0;
	size_t i, j;
	int r;

	for (i = 0; i < nkeys; i++) {
		const char *rel = below(keys[i].path, display_root);

		if (rel == NULL)
			return smig_err_set(e, SMIG_ERR_FORMAT, _("key '%s' is outside '%s'"),
			                    keys[i].path, display_root);
		if (keys[i].deleted && rel[0] == '\0')
			return smig_err_set(e, SMIG_ERR_FORMAT,
			                    _("cannot delete key '%s': it is the hive's root"),
			                    keys[i].path);
	}
	for (i = 0; i < nkeys; i++) {
		const char *rel = below(keys[i].path, display_root);

		if (keys[i].deleted) {
			r = smig_hive_find(h, 0, rel, &n, e);
			if (r < 0 || (r == 0 && smig_hive_delete_key(h, n, e) < 0))
				return -1;
			continue;
		}
		if (smig_hive_mkpath(h, rel, &n, e) < 0)
			return -1;
		for (j = 0; j < keys[i].nvalues; j++) {
			const struct smig_regfile_value *v = &keys[i].values[j];

			if (v->type == SMIG_REGFILE_DELETE)
				r = smig_hive_delete_value(h, n, v->name, e);
			else
				r = smig_hive_set_raw(h, n, v->name, v->type, v->data, v->len, e);
			if (r < 0)
				return -1;
		}
	}
	return 0;
}
