/* hive.c - registry hives through hivex (see hive.h, formats.md §2.1, §2.8, §3.1). */
#include "hive.h"

#include <errno.h>
#include <fcntl.h>
#include <hivex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"
#include "regf.h"
#include "strbuf.h"
#include "winval.h"

/* Deeper than any real hive; stops a parent loop in a hostile file from spinning. */
#define MAX_DEPTH 512
#define SELECT_KEY "Select"
#define CURRENT_CONTROL_SET "CurrentControlSet"

struct smig_hive {
	hive_h *hx;
	char *path;
	char *what; /* the name used in messages */
	char *cs;   /* resolved control set, NULL until asked */
	bool write;
};

static const char *const type_names[] = {
    "REG_NONE",
    "REG_SZ",
    "REG_EXPAND_SZ",
    "REG_BINARY",
    "REG_DWORD",
    "REG_DWORD_BIG_ENDIAN",
    "REG_LINK",
    "REG_MULTI_SZ",
    "REG_RESOURCE_LIST",
    "REG_FULL_RESOURCE_DESCRIPTOR",
    "REG_RESOURCE_REQUIREMENTS_LIST",
    "REG_QWORD",
};

const char *smig_hive_type_name(uint32_t type)
{
	if (type < sizeof(type_names) / sizeof(type_names[0]))
		return type_names[type];
	return "REG_(unknown)";
}

/* errno values hivex uses for a damaged or unexpected file, as opposed to the OS failing. */
static bool format_errno(int err)
{
	return err == EINVAL || err == ENOTSUP || err == EFAULT || err == ERANGE || err == ENOKEY ||
	       err == EILSEQ || err == EOVERFLOW || err == ELOOP;
}

/* "ControlSet001\Services\Tcpip" for messages; "\" for the root; NULL when unknown. */
static char *node_path(struct smig_hive *h, smig_hive_node n)
{
	smig_hive_node root = hivex_root(h->hx), chain[MAX_DEPTH];
	struct smig_strbuf sb = SMIG_STRBUF_INIT;
	size_t depth = 0;

	while (n != root && n != 0 && depth < MAX_DEPTH) {
		chain[depth++] = n;
		n = hivex_node_parent(h->hx, n);
	}
	if (n != root)
		return NULL;
	if (depth == 0)
		smig_strbuf_putc(&sb, '\\');
	while (depth > 0) {
		char *name = hivex_node_name(h->hx, chain[--depth]);

		if (name == NULL) {
			smig_strbuf_release(&sb);
			return NULL;
		}
		smig_strbuf_puts(&sb, name);
		if (depth > 0)
			smig_strbuf_putc(&sb, '\\');
		free(name);
	}
	return smig_strbuf_take(&sb, NULL);
}

/* Error about value `name` of key `n`: "value 'X' of key 'K' in 'HIVE': <reason>". */
SMIG_PRINTF(6, 7)
static int val_err(struct smig_hive *h, smig_hive_node n, const char *name, struct smig_err *e,
                   enum smig_err_kind kind, const char *fmt, ...)
{
	char reason[512];
	char *key = node_path(h, n);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap); /* a cut reason still reads */
	va_end(ap);
	smig_err_set(e, kind, _("value '%s' of key '%s' in '%s': %s"), *name ? name : _("(default)"),
	             key ? key : "?", h->what, reason);
	free(key);
	return -1;
}

/* Error about key `n` (or the hive when n == 0) after a hivex call failed with `err`. */
static int hx_err(struct smig_hive *h, smig_hive_node n, int err, const char *doing,
                  struct smig_err *e)
{
	char *key = n ? node_path(h, n) : NULL;

	if (err == ENOMEM)
		smig_err_nomem(e, doing);
	else if (format_errno(err) || err == 0)
		smig_err_set(e, SMIG_ERR_FORMAT, _("cannot %s '%s' in '%s': the hive is damaged (%s)"),
		             doing, key ? key : "\\", h->what,
		             err ? strerror(err) : _("hivex gave no reason"));
	else
		smig_err_sys(e, err, _("cannot %s '%s' in '%s'"), doing, key ? key : "\\", h->what);
	free(key);
	return -1;
}

/* ---- opening ---- */

int smig_hive_open(const char *path, const char *what, bool write, bool *dirty,
                   struct smig_hive **out, struct smig_err *e)
{
	struct smig_regf_info info;
	struct smig_hive *h = NULL;
	int err;

	*out = NULL;
	if (dirty)
		*dirty = false;
	if (what == NULL)
		what = path;
	/* Clearer messages than hivex for a short file, bad magic or a bad checksum. */
	if (smig_regf_read_info(path, what, &info, e) < 0)
		return -1;
	h = calloc(1, sizeof(*h));
	if (h == NULL)
		return smig_err_nomem(e, _("opening a hive"));
	h->write = write;
	h->path = smig_strdup(path, e);
	h->what = smig_strdup(what, e);
	if (h->path == NULL || h->what == NULL)
		goto fail;
	errno = 0;
	/* Never HIVEX_OPEN_UNSAFE: its heuristics guess past damage in hostile input (§2.7). */
	h->hx = hivex_open(path, write ? HIVEX_OPEN_WRITE : 0);
	if (h->hx == NULL) {
		err = errno;
		if (err == ENOMEM)
			smig_err_nomem(e, _("opening a hive"));
		else if (format_errno(err) || err == 0)
			smig_err_set(e, SMIG_ERR_FORMAT,
			             _("cannot open registry hive '%s': its hive bins or key cells "
			             "are damaged or truncated (hivex: %s)"),
			             what, err ? strerror(err) : _("no reason given"));
		else
			smig_err_sys(e, err, _("cannot open registry hive '%s'"), what);
		goto fail;
	}
	if (dirty)
		*dirty = info.dirty;
	*out = h;
	return 0;
fail:
	smig_hive_close(h);
	return -1;
}

void smig_hive_close(struct smig_hive *h)
{
	if (h == NULL)
		return;
	if (h->hx)
		hivex_close(h->hx);
	free(h->path);
	free(h->what);
	free(h->cs);
	free(h);
}

int smig_hive_create(const char *path, const char *name, uint64_t filetime, struct smig_err *e)
{
	unsigned char *buf = NULL;
	size_t len = 0, done = 0;
	int fd = -1, rc = -1;
	bool created = false;

	if (smig_regf_empty(name, filetime, &buf, &len, e) < 0)
		goto out;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0644);
	if (fd < 0) {
		smig_err_sys(e, errno, _("cannot create hive '%s'"), path);
		goto out;
	}
	created = true;
	while (done < len) {
		ssize_t n = write(fd, buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			smig_err_sys(e, errno, _("cannot write '%s'"), path);
			goto out;
		}
		done += (size_t)n;
	}
	if (fsync(fd) < 0) {
		smig_err_sys(e, errno, _("cannot sync '%s'"), path);
		goto out;
	}
	rc = 0;
out:
	if (fd >= 0 && close(fd) < 0 && rc == 0)
		rc = smig_err_sys(e, errno, _("cannot close '%s'"), path);
	if (rc < 0 && created)
		unlink(path);
	free(buf);
	return rc;
}

smig_hive_node smig_hive_root(struct smig_hive *h)
{
	return hivex_root(h->hx);
}

/* ---- lookup ---- */

/* A child by name: 0 found, 1 absent, -1 hivex error. */
static int get_child(struct smig_hive *h, smig_hive_node n, const char *name, smig_hive_node *out,
                     struct smig_err *e)
{
	errno = 0;
	*out = hivex_node_get_child(h->hx, n, name);
	if (*out != 0)
		return 0;
	if (errno != 0)
		return hx_err(h, n, errno, _("read the subkeys of"), e);
	return 1;
}

/* A value handle by name ("" = default): 0 found, 1 absent, -1 error. */
static int get_value(struct smig_hive *h, smig_hive_node n, const char *name, hive_value_h *v,
                     struct smig_err *e)
{
	errno = 0;
	*v = hivex_node_get_value(h->hx, n, name);
	if (*v != 0)
		return 0;
	if (errno != 0)
		return hx_err(h, n, errno, _("read the values of"), e);
	return 1;
}

/* Raw bytes of a value handle; hivex joins big data. *data is malloc'd (never NULL). */
static int value_bytes(struct smig_hive *h, smig_hive_node n, const char *name, hive_value_h v,
                       uint32_t *type, unsigned char **data, size_t *len, struct smig_err *e)
{
	hive_type t;
	char *p;

	errno = 0;
	p = hivex_value_value(h->hx, v, &t, len);
	if (p == NULL)
		return val_err(h, n, name, e, SMIG_ERR_FORMAT, _("cannot read its data (%s)"),
		               errno ? strerror(errno) : _("no reason given"));
	*type = (uint32_t)t;
	*data = (unsigned char *)p;
	return 0;
}

static int get_bytes(struct smig_hive *h, smig_hive_node n, const char *name, uint32_t *type,
                     unsigned char **data, size_t *len, struct smig_err *e)
{
	hive_value_h v;
	int r;

	*data = NULL;
	*len = 0;
	r = get_value(h, n, name, &v, e);
	if (r != 0)
		return r;
	return value_bytes(h, n, name, v, type, data, len, e);
}

int smig_hive_control_set(struct smig_hive *h, const char **name, struct smig_err *e)
{
	smig_hive_node sel = 0, cs = 0;
	uint32_t current = 0;
	char buf[32];
	int r;

	*name = NULL;
	if (h->cs != NULL) {
		*name = h->cs;
		return 0;
	}
	r = get_child(h, hivex_root(h->hx), SELECT_KEY, &sel, e);
	if (r < 0)
		return -1;
	if (r > 0)
		return smig_err_set(e, SMIG_ERR_FORMAT,
		                    _("'%s' has no Select key, so the current control set is unknown"),
		                    h->what);
	r = smig_hive_get_dword(h, sel, "Current", &current, e);
	if (r < 0)
		return -1;
	if (r > 0 || current == 0 || current > 999)
		return smig_err_set(e, SMIG_ERR_FORMAT,
		                    _("'%s': Select\\Current is %s, so the current control set is "
		                    "unknown"),
		                    h->what,
		                    r > 0     ? "missing"
		                    : current ? "over 999"
		                              : "0");
	snprintf(buf, sizeof(buf), "ControlSet%03u", current); /* cannot truncate: <= 999 */
	r = get_child(h, hivex_root(h->hx), buf, &cs, e);
	if (r < 0)
		return -1;
	if (r > 0)
		return smig_err_set(e, SMIG_ERR_FORMAT,
		                    _("'%s': Select\\Current names %s, which does not exist"), h->what,
		                    buf);
	h->cs = smig_strdup(buf, e);
	if (h->cs == NULL)
		return -1;
	*name = h->cs;
	return 0;
}

/* Walk (and with `create`, build) `path` from `from`. 0 found, 1 absent, -1 error. */
static int walk(struct smig_hive *h, smig_hive_node from, const char *path, bool create,
                smig_hive_node *out, struct smig_err *e)
{
	smig_hive_node root = hivex_root(h->hx), n = from ? from : root, next = 0;
	char *copy = NULL, *comp, *sep;
	bool first = true;
	int rc = -1, r;

	*out = 0;
	copy = smig_strdup(path, e);
	if (copy == NULL)
		goto done;
	for (comp = copy; comp != NULL; comp = sep) {
		const char *name = comp;

		sep = strchr(comp, '\\');
		if (sep != NULL)
			*sep++ = '\0';
		if (*comp == '\0') /* leading, doubled or trailing backslash */
			continue;
		if (first && n == root && smig_streq_ci(comp, CURRENT_CONTROL_SET) &&
		    smig_hive_control_set(h, &name, e) < 0)
			goto done;
		first = false;
		r = get_child(h, n, name, &next, e);
		if (r < 0)
			goto done;
		if (r > 0 && !create) {
			rc = 1;
			goto done;
		}
		if (r > 0) {
			errno = 0;
			next = hivex_node_add_child(h->hx, n, name);
			if (next == 0) {
				hx_err(h, n, errno, _("add a subkey to"), e);
				goto done;
			}
		}
		n = next;
	}
	*out = n;
	rc = 0;
done:
	free(copy);
	return rc;
}

int smig_hive_find(struct smig_hive *h, smig_hive_node from, const char *path, smig_hive_node *out,
                   struct smig_err *e)
{
	return walk(h, from, path, false, out, e);
}

/* ---- typed getters ---- */

static bool is_string_type(uint32_t t)
{
	return t == SMIG_REG_SZ || t == SMIG_REG_EXPAND_SZ || t == SMIG_REG_LINK;
}

/* UTF-16LE bytes to UTF-8, with the value named in any error. */
static int decode_utf16(struct smig_hive *h, smig_hive_node n, const char *name,
                        const unsigned char *d, size_t len, char **out, struct smig_err *e)
{
	struct smig_err e2 = SMIG_ERR_INIT;

	if (smig_utf16le_to_utf8(d, len, out, &e2) == 0)
		return 0;
	if (e2.kind == SMIG_ERR_NOMEM)
		return smig_err_nomem(e, _("decoding a registry string"));
	return val_err(h, n, name, e, SMIG_ERR_FORMAT, "%s", e2.msg);
}

int smig_hive_get_sz(struct smig_hive *h, smig_hive_node n, const char *name, char **out,
                     struct smig_err *e)
{
	unsigned char *d = NULL;
	size_t len = 0;
	uint32_t t = 0;
	int r;

	*out = NULL;
	r = get_bytes(h, n, name, &t, &d, &len, e);
	if (r == 0 && !is_string_type(t))
		r = val_err(h, n, name, e, SMIG_ERR_FORMAT, _("it is %s, not a string"),
		            smig_hive_type_name(t));
	if (r == 0)
		r = decode_utf16(h, n, name, d, len, out, e);
	free(d);
	return r;
}

/* Decimal digits with optional surrounding blanks; false when anything else is there. */
static bool parse_decimal(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	bool any = false;

	while (*s == ' ' || *s == '\t')
		s++;
	for (; *s >= '0' && *s <= '9'; s++) {
		unsigned d = (unsigned)(*s - '0');

		if (v > (max - d) / 10)
			return false;
		v = v * 10 + d;
		any = true;
	}
	while (*s == ' ' || *s == '\t')
		s++;
	if (!any || *s != '\0')
		return false;
	*out = v;
	return true;
}

/* DWORD forms, widened; `max` bounds a decimal string. */
static int get_number(struct smig_hive *h, smig_hive_node n, const char *name, bool qword,
                      uint64_t *out, struct smig_err *e)
{
	unsigned char *d = NULL;
	char *s = NULL;
	size_t len = 0;
	uint32_t t = 0;
	int r;

	r = get_bytes(h, n, name, &t, &d, &len, e);
	if (r != 0)
		goto done;
	if (t == SMIG_REG_DWORD || t == SMIG_REG_DWORD_BIG_ENDIAN) {
		if (len != 4) {
			r = val_err(h, n, name, e, SMIG_ERR_FORMAT, _("%s has %zu bytes, not 4"),
			            smig_hive_type_name(t), len);
			goto done;
		}
		if (t == SMIG_REG_DWORD)
			*out = (uint32_t)d[0] | (uint32_t)d[1] << 8 | (uint32_t)d[2] << 16 |
			       (uint32_t)d[3] << 24;
		else
			*out = (uint32_t)d[3] | (uint32_t)d[2] << 8 | (uint32_t)d[1] << 16 |
			       (uint32_t)d[0] << 24;
	} else if (t == SMIG_REG_QWORD && qword) {
		if (len != 8) {
			r = val_err(h, n, name, e, SMIG_ERR_FORMAT,
			            _("REG_QWORD has %zu bytes, not 8"), len);
			goto done;
		}
		*out = 0;
		for (int i = 7; i >= 0; i--)
			*out = *out << 8 | d[i];
	} else if (t == SMIG_REG_SZ || t == SMIG_REG_EXPAND_SZ) {
		r = decode_utf16(h, n, name, d, len, &s, e);
		if (r < 0)
			goto done;
		if (!parse_decimal(s, qword ? UINT64_MAX : UINT32_MAX, out))
			r = val_err(h, n, name, e, SMIG_ERR_FORMAT,
			            qword ? _("the string '%.64s' is not a decimal number")
			                  : _("the string '%.64s' is not a decimal number up to 4294967295"),
			            s);
	} else {
		r = val_err(h, n, name, e, SMIG_ERR_FORMAT, _("it is %s, not a number"),
		            smig_hive_type_name(t));
	}
done:
	free(d);
	free(s);
	return r;
}

int smig_hive_get_dword(struct smig_hive *h, smig_hive_node n, const char *name, uint32_t *out,
                        struct smig_err *e)
{
	uint64_t v = 0;
	int r = get_number(h, n, name, false, &v, e);

	if (r == 0)
		*out = (uint32_t)v;
	return r;
}

int smig_hive_get_qword(struct smig_hive *h, smig_hive_node n, const char *name, uint64_t *out,
                        struct smig_err *e)
{
	return get_number(h, n, name, true, out, e);
}

void smig_strv_free(char **v)
{
	if (v == NULL)
		return;
	for (char **p = v; *p != NULL; p++)
		free(*p);
	free(v);
}

int smig_hive_get_multi_sz(struct smig_hive *h, smig_hive_node n, const char *name, char ***out,
                           size_t *count, struct smig_err *e)
{
	unsigned char *d = NULL;
	char **v = NULL;
	size_t len = 0, units, i = 0, nv = 0;
	uint32_t t = 0;
	int r;

	*out = NULL;
	*count = 0;
	r = get_bytes(h, n, name, &t, &d, &len, e);
	if (r != 0)
		goto done;
	if (t != SMIG_REG_MULTI_SZ && t != SMIG_REG_SZ && t != SMIG_REG_EXPAND_SZ) {
		r = val_err(h, n, name, e, SMIG_ERR_FORMAT, _("it is %s, not a string list"),
		            smig_hive_type_name(t));
		goto done;
	}
	units = len / 2; /* an odd trailing byte is ignored */
	/* At most units/2 + 1 non-empty strings fit; +1 for the NULL. */
	v = calloc(units / 2 + 2, sizeof(*v));
	if (v == NULL) {
		r = smig_err_nomem(e, _("reading a string list"));
		goto done;
	}
	while (i < units) {
		size_t start = i;

		while (i < units && (d[2 * i] | d[2 * i + 1]) != 0)
			i++;
		if (i == start) /* an empty string ends the list (the final 00 00) */
			break;
		r = decode_utf16(h, n, name, d + 2 * start, 2 * (i - start), &v[nv], e);
		if (r < 0)
			goto done;
		nv++;
		i++;
		if (t != SMIG_REG_MULTI_SZ) /* a plain string is one element */
			break;
	}
	*out = v;
	*count = nv;
	v = NULL;
done:
	smig_strv_free(v);
	free(d);
	return r;
}

int smig_hive_get_raw(struct smig_hive *h, smig_hive_node n, const char *name, uint32_t *type,
                      unsigned char **data, size_t *len, struct smig_err *e)
{
	return get_bytes(h, n, name, type, data, len, e);
}

/* ---- enumeration ---- */

int smig_hive_children(struct smig_hive *h, smig_hive_node n, smig_hive_node **kids, size_t *count,
                       struct smig_err *e)
{
	hive_node_h *k;
	size_t c = 0;

	*kids = NULL;
	*count = 0;
	errno = 0;
	k = hivex_node_children(h->hx, n);
	if (k == NULL)
		return hx_err(h, n, errno, _("list the subkeys of"), e);
	while (k[c] != 0)
		c++;
	*kids = k;
	*count = c;
	return 0;
}

char *smig_hive_node_name(struct smig_hive *h, smig_hive_node n, struct smig_err *e)
{
	char *name;

	errno = 0;
	name = hivex_node_name(h->hx, n);
	if (name == NULL)
		hx_err(h, n, errno, _("read the name of"), e);
	return name;
}

void smig_regvals_free(struct smig_regval *v, size_t count)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < count; i++) {
		free(v[i].name);
		free(v[i].data);
	}
	free(v);
}

int smig_hive_values(struct smig_hive *h, smig_hive_node n, struct smig_regval **vals,
                     size_t *count, struct smig_err *e)
{
	hive_value_h *hv = NULL;
	struct smig_regval *v = NULL;
	size_t c = 0, i;
	int rc = -1;

	*vals = NULL;
	*count = 0;
	errno = 0;
	hv = hivex_node_values(h->hx, n);
	if (hv == NULL) {
		hx_err(h, n, errno, _("list the values of"), e);
		goto done;
	}
	while (hv[c] != 0)
		c++;
	v = calloc(c ? c : 1, sizeof(*v));
	if (v == NULL) {
		smig_err_nomem(e, _("listing registry values"));
		goto done;
	}
	for (i = 0; i < c; i++) {
		errno = 0;
		v[i].name = hivex_value_key(h->hx, hv[i]);
		if (v[i].name == NULL) {
			hx_err(h, n, errno, _("read a value name of"), e);
			goto done;
		}
		if (value_bytes(h, n, v[i].name, hv[i], &v[i].type, &v[i].data, &v[i].len, e) < 0)
			goto done;
	}
	*vals = v;
	*count = c;
	v = NULL;
	rc = 0;
done:
	smig_regvals_free(v, c);
	free(hv);
	return rc;
}

/* ---- writing ---- */

static int check_writable(struct smig_hive *h, struct smig_err *e)
{
	if (!h->write)
		return smig_err_set(e, SMIG_ERR_USAGE, _("'%s' was opened read-only"), h->what);
	return 0;
}

int smig_hive_mkpath(struct smig_hive *h, const char *path, smig_hive_node *out, struct smig_err *e)
{
	*out = 0;
	if (check_writable(h, e) < 0)
		return -1;
	return walk(h, 0, path, true, out, e);
}

int smig_hive_set_raw(struct smig_hive *h, smig_hive_node n, const char *name, uint32_t type,
                      const void *data, size_t len, struct smig_err *e)
{
	hive_set_value v = {NULL, (hive_type)type, len, NULL};
	int rc = -1;

	if (check_writable(h, e) < 0)
		return -1;
	if (len > SMIG_HIVE_MAX_VALUE)
		return val_err(h, n, name, e, SMIG_ERR_USAGE,
		               _("%zu bytes is more than the %d smig writes in one cell"), len,
		               SMIG_HIVE_MAX_VALUE);
	/* hivex takes non-const pointers; hand it copies rather than casting const away. */
	v.key = smig_strdup(name, e);
	v.value = malloc(len ? len : 1);
	if (v.key == NULL || v.value == NULL) {
		smig_err_nomem(e, _("setting a registry value"));
		goto done;
	}
	if (len)
		memcpy(v.value, data, len);
	errno = 0;
	if (hivex_node_set_value(h->hx, n, &v, 0) < 0) {
		val_err(h, n, name, e, errno == ENOMEM ? SMIG_ERR_NOMEM : SMIG_ERR_FORMAT,
		        _("cannot set it (%s)"), errno ? strerror(errno) : _("no reason given"));
		goto done;
	}
	rc = 0;
done:
	free(v.key);
	free(v.value);
	return rc;
}

static int set_string(struct smig_hive *h, smig_hive_node n, const char *name, uint32_t type,
                      const char *utf8, struct smig_err *e)
{
	unsigned char *u = NULL;
	size_t len = 0;
	int rc;

	if (smig_utf8_to_utf16le(utf8, strlen(utf8), true, &u, &len, e) < 0)
		return -1;
	rc = smig_hive_set_raw(h, n, name, type, u, len, e);
	free(u);
	return rc;
}

int smig_hive_set_sz(struct smig_hive *h, smig_hive_node n, const char *name, const char *utf8,
                     struct smig_err *e)
{
	return set_string(h, n, name, SMIG_REG_SZ, utf8, e);
}

int smig_hive_set_expand_sz(struct smig_hive *h, smig_hive_node n, const char *name,
                            const char *utf8, struct smig_err *e)
{
	return set_string(h, n, name, SMIG_REG_EXPAND_SZ, utf8, e);
}

int smig_hive_set_dword(struct smig_hive *h, smig_hive_node n, const char *name, uint32_t v,
                        struct smig_err *e)
{
	unsigned char b[4];

	for (int i = 0; i < 4; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	return smig_hive_set_raw(h, n, name, SMIG_REG_DWORD, b, sizeof(b), e);
}

int smig_hive_set_qword(struct smig_hive *h, smig_hive_node n, const char *name, uint64_t v,
                        struct smig_err *e)
{
	unsigned char b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	return smig_hive_set_raw(h, n, name, SMIG_REG_QWORD, b, sizeof(b), e);
}

int smig_hive_set_multi_sz(struct smig_hive *h, smig_hive_node n, const char *name,
                           const char *const *strs, size_t count, struct smig_err *e)
{
	struct smig_strbuf sb = SMIG_STRBUF_INIT;
	unsigned char *u = NULL;
	size_t len = 0;
	int rc = -1;

	for (size_t i = 0; i < count; i++) {
		if (strs[i][0] == '\0') {
			val_err(h, n, name, e, SMIG_ERR_USAGE,
			        _("string %zu is empty, which REG_MULTI_SZ cannot hold"), i + 1);
			goto done;
		}
		if (smig_utf8_to_utf16le(strs[i], strlen(strs[i]), true, &u, &len, e) < 0)
			goto done;
		smig_strbuf_append(&sb, u, len);
		free(u);
		u = NULL;
	}
	smig_strbuf_append(&sb, "\0", 2); /* the list terminator; an empty list is 00 00 */
	if (smig_strbuf_check(&sb, e) < 0)
		goto done;
	rc = smig_hive_set_raw(h, n, name, SMIG_REG_MULTI_SZ, sb.buf, sb.len, e);
done:
	free(u);
	smig_strbuf_release(&sb);
	return rc;
}

int smig_hive_delete_value(struct smig_hive *h, smig_hive_node n, const char *name,
                           struct smig_err *e)
{
	struct smig_regval *vals = NULL;
	hive_set_value *keep = NULL;
	size_t count = 0, nkeep = 0;
	int rc = -1;

	if (check_writable(h, e) < 0)
		return -1;
	/* hivex has no single-value delete: rewrite the value list without it. */
	if (smig_hive_values(h, n, &vals, &count, e) < 0)
		goto done;
	keep = calloc(count ? count : 1, sizeof(*keep));
	if (keep == NULL) {
		smig_err_nomem(e, _("deleting a registry value"));
		goto done;
	}
	for (size_t i = 0; i < count; i++) {
		if (smig_streq_ci(vals[i].name, name))
			continue;
		keep[nkeep].key = vals[i].name;
		keep[nkeep].t = (hive_type)vals[i].type;
		keep[nkeep].len = vals[i].len;
		keep[nkeep].value = (char *)vals[i].data;
		nkeep++;
	}
	if (nkeep == count) {
		rc = 1;
		goto done;
	}
	errno = 0;
	if (hivex_node_set_values(h->hx, n, nkeep, keep, 0) < 0) {
		val_err(h, n, name, e, errno == ENOMEM ? SMIG_ERR_NOMEM : SMIG_ERR_FORMAT,
		        _("cannot delete it (%s)"), errno ? strerror(errno) : _("no reason given"));
		goto done;
	}
	rc = 0;
done:
	free(keep);
	smig_regvals_free(vals, count);
	return rc;
}

int smig_hive_delete_key(struct smig_hive *h, smig_hive_node n, struct smig_err *e)
{
	if (check_writable(h, e) < 0)
		return -1;
	if (n == hivex_root(h->hx))
		return smig_err_set(e, SMIG_ERR_USAGE, _("cannot delete the root key of '%s'"),
		                    h->what);
	errno = 0;
	if (hivex_node_delete_child(h->hx, n) < 0)
		return hx_err(h, n, errno, _("delete key"), e);
	return 0;
}

int smig_hive_commit(struct smig_hive *h, const char *path, struct smig_err *e)
{
	const char *target = path ? path : h->path;
	char *tmp = NULL;
	struct stat st;
	mode_t mode = 0644;
	int fd = -1, rc = -1;

	if (check_writable(h, e) < 0)
		return -1;
	if (stat(target, &st) == 0)
		mode = st.st_mode & 07777;
	tmp = smig_asprintf(e, "%s.XXXXXX", target);
	if (tmp == NULL)
		goto done;
	fd = mkstemp(tmp);
	if (fd < 0) {
		smig_err_sys(e, errno, _("cannot create a temporary file next to '%s'"), target);
		free(tmp);
		tmp = NULL;
		goto done;
	}
	if (fchmod(fd, mode) < 0) {
		smig_err_sys(e, errno, _("cannot set the mode of '%s'"), tmp);
		goto done;
	}
	/* hivex rewrites the file in place and is not atomic: commit to the temporary file. */
	errno = 0;
	if (hivex_commit(h->hx, tmp, 0) < 0) {
		if (errno == ENOMEM)
			smig_err_nomem(e, _("writing a hive"));
		else
			smig_err_sys(e, errno ? errno : EIO, _("cannot write hive '%s'"), target);
		goto done;
	}
	if (fsync(fd) < 0) {
		smig_err_sys(e, errno, _("cannot sync '%s'"), target);
		goto done;
	}
	if (rename(tmp, target) < 0) {
		smig_err_sys(e, errno, _("cannot rename '%s' to '%s'"), tmp, target);
		goto done;
	}
	rc = 0;
done:
	if (fd >= 0)
		close(fd);
	if (rc < 0 && tmp != NULL)
		unlink(tmp);
	free(tmp);
	return rc;
}
