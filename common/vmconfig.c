/* vmconfig.c - Hyper-V VM configuration XML (see vmconfig.h, formats.md §5). */
#include "vmconfig.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "fileio.h"
#include "i18n.h"
#include "strbuf.h"
#include "width.h"
#include "winval.h"

/* Real configurations nest 7 levels deep; the bound keeps the recursive walks safe. */
#define MAX_DEPTH 64
/* Bounds on lists read from hostile input, far above what Hyper-V allows (2 IDE x 2 +
 * 4 SCSI x 64 + 1 floppy drives, 12 NICs, 50 snapshots) [ASSUMED]. */
#define MAX_DRIVES 1024
#define MAX_NICS 256
#define MAX_SNAPSHOTS 4096

#define DECLARATION "<?xml version=\"1.0\" encoding=\"UTF-16\" standalone=\"yes\"?>"

/* Device type GUIDs (§5.7), lower case as the manifest writes them. */
#define TYPE_IDE "83f8638b-8dca-4152-9eda-2ca8b33039b4"
#define TYPE_SCSI "d422512d-2bf2-4752-809d-7b82b5fcb1b4"
#define TYPE_NIC "2fc216b0-d2e2-4967-9b6d-b8a5c9ca2778"
#define TYPE_FLOPPY "8f0d2762-0b00-4e04-af4f-19010527cb93"
#define TYPE_SERIAL "8e3a359f-559a-4b6a-98a9-1690a6100ed7"
#define TYPE_BIOS "ac6b8dc1-3257-4a70-b1b2-a9c9215659ad"
#define TYPE_RTC "e51b7ef6-4a7f-4780-aaae-d4b291aacd2e"
#define TYPE_VIDEO_S3 "7d80d3db-61ee-4879-8879-5609f1100ad0"
#define TYPE_SYNTH_VIDEO "f3cf6965-e8d3-44a9-9b7d-a04245ea7525"
#define TYPE_MOUSE "58f75a6d-d949-4320-99e1-a2a2576d581c"
#define TYPE_KEYBOARD "197f74e3-b84b-46de-8ae6-82f1cd181cdc"
#define TYPE_I8042 "655bc5c5-a784-46b7-81bc-e26328f7eb0e"
#define TYPE_INPUT "de6cdc86-e1fb-4940-801b-c3c1a26c4da4"
#define TYPE_HEARTBEAT "84eaae65-2f2e-45f5-9bb5-0e857dc8eb47"
#define TYPE_KVP "2a34b1c2-fd73-4043-8a5b-dd2159bc743f"
#define TYPE_SHUTDOWN "9f8233ac-be49-4c79-8ee3-e7e1985b2077"
#define TYPE_TIMESYNC "2497f4de-e9fa-4204-80e4-4b75c46419c0"
#define TYPE_VSS "5ced1297-4598-4915-a5fc-ad21bb4d02a4"

/* Types a singleton node may be named after (instance GUID = type GUID, §5.7). */
static const char *const known_types[] = {
	TYPE_IDE, TYPE_SCSI, TYPE_NIC, TYPE_FLOPPY, TYPE_SERIAL, TYPE_BIOS, TYPE_RTC,
	TYPE_VIDEO_S3, TYPE_SYNTH_VIDEO, TYPE_MOUSE, TYPE_KEYBOARD, TYPE_I8042, TYPE_INPUT,
	TYPE_HEARTBEAT, TYPE_KVP, TYPE_SHUTDOWN, TYPE_TIMESYNC, TYPE_VSS,
	"6c09bb55-d683-4da0-8931-c9bf705f6480", /* Guest Interface (2012 R2) */
	"6c5addb9-a11a-4e8e-84cb-e6208201db63", /* RDV (2012 R2) */
	"bc12c717-8898-4688-8ee4-2cd14894f8ea", /* Activation (2012 R2) */
	"e3c82929-edb4-475e-85a4-29aaa2a30c2d", /* Dynamic Memory Controller */
	"d41a1872-3740-41ce-a1ee-4522ab82f991", /* VmBus */
};

/* What cfg->doc points to. */
struct vm_priv {
	xmlDocPtr doc;
	xmlNodePtr *drive_nodes; /* the driveN element of cfg->drives[i] */
	xmlNodePtr *nic_nodes;   /* the device node of cfg->nics[i] */
};

enum ltype { LT_NONE, LT_STRING, LT_INTEGER, LT_BOOL, LT_BYTES, LT_OTHER };

static const char *const ltype_names[] = {"(none)", "string", "integer", "bool", "bytes",
					  "(unknown)"};

/* Parsing context: the file name for messages, the error, the model being filled. */
struct pctx {
	const char *what;
	struct smig_err *e;
	struct smig_vmconfig *cfg;
	struct vm_priv *priv;
};

struct manifest_ent {
	struct smig_guid inst, dev;
};

/* ---- decoding and safe parsing (§5.1) ---- */

static int utf16_decode(const unsigned char *p, size_t n, bool be, const char *what, char **out,
			struct smig_err *e)
{
	struct smig_err sub = SMIG_ERR_INIT;
	size_t i;
	int r;

	if (n % 2 != 0)
		return smig_err_set(e, SMIG_ERR_FORMAT, _("'%s': UTF-16 text has an odd length"),
				    what);
	/* the converter stops at a NUL unit; refuse one so nothing after it is dropped */
	for (i = 0; i < n; i += 2)
		if (p[i] == 0 && p[i + 1] == 0)
			return smig_err_set(e, SMIG_ERR_FORMAT, _("'%s': contains a NUL character"),
					    what);
	r = be ? smig_utf16be_to_utf8(p, n, out, &sub) : smig_utf16le_to_utf8(p, n, out, &sub);
	if (r < 0)
		return smig_err_set(e, sub.kind, _("'%s': %s"), what, sub.msg);
	return 0;
}

/* Turn any accepted encoding into NUL-terminated UTF-8 without a BOM. */
static int xml_decode(const unsigned char *p, size_t n, const char *what, char **out,
		      struct smig_err *e)
{
	*out = NULL;
	if (n >= 2 && p[0] == 0xFF && p[1] == 0xFE)
		return utf16_decode(p + 2, n - 2, false, what, out, e);
	if (n >= 2 && p[0] == 0xFE && p[1] == 0xFF)
		return utf16_decode(p + 2, n - 2, true, what, out, e);
	if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
		p += 3;
		n -= 3;
	} else if (n >= 2 && p[0] != 0 && p[1] == 0) {
		/* UTF-16LE that lost its BOM in transit: "<\0?\0..." */
		return utf16_decode(p, n, false, what, out, e);
	}
	if (memchr(p, '\0', n) != NULL)
		return smig_err_set(e, SMIG_ERR_FORMAT,
				    _("'%s': contains NUL bytes but is not UTF-16"), what);
	if (!smig_utf8_valid((const char *)p, n))
		return smig_err_set(e, SMIG_ERR_FORMAT, _("'%s': is neither UTF-16 nor UTF-8"), what);
	*out = smig_strndup((const char *)p, n, e);
	return *out ? 0 : -1;
}

xmlDocPtr smig_vmconfig_xml_read(const void *buf, size_t len, size_t max, const char *what,
				 struct smig_err *e)
{
	/* NOERROR/NOWARNING: common/ never prints; the error is taken from the context */
	const int opts = XML_PARSE_IGNORE_ENC | XML_PARSE_NONET | XML_PARSE_NOCDATA |
			 XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
	xmlParserCtxtPtr ctxt = NULL;
	xmlDocPtr doc = NULL;
	char *text = NULL;
	size_t tlen;

	if (len > max || len > INT_MAX) {
		smig_err_set(e, SMIG_ERR_FORMAT, _("'%s': %zu bytes is more than the %zu-byte limit"),
			     what, len, max);
		goto out;
	}
	if (xml_decode(buf, len, what, &text, e) < 0)
		goto out;
	/* Literal "<!DOCTYPE" can only start a DTD, a comment or CDATA: refusing it before
	 * libxml2 sees it keeps every DTD and entity feature out of reach. */
	if (strstr(text, "<!DOCTYPE") != NULL) {
		smig_err_set(e, SMIG_ERR_FORMAT,
			     _("'%s': has a DOCTYPE, which smig refuses (no DTDs or entities)"), what);
		goto out;
	}
	tlen = strlen(text);
	ctxt = xmlNewParserCtxt();
	if (ctxt == NULL) {
		smig_err_nomem(e, _("parsing XML"));
		goto out;
	}
	doc = xmlCtxtReadMemory(ctxt, text, (int)tlen, NULL, NULL, opts);
	if (doc == NULL) {
		const xmlError *xe = xmlCtxtGetLastError(ctxt);
		const char *m = xe && xe->message ? xe->message : _("unknown error");
		size_t ml = strlen(m);

		while (ml > 0 && (m[ml - 1] == '\n' || m[ml - 1] == ' '))
			ml--;
		smig_err_set(e, SMIG_ERR_FORMAT, _("'%s': not well-formed XML (line %d: %.*s)"), what,
			     xe ? xe->line : 0, (int)ml, m);
		goto out;
	}
	if (doc->intSubset != NULL || doc->extSubset != NULL) {
		xmlFreeDoc(doc);
		doc = NULL;
		smig_err_set(e, SMIG_ERR_FORMAT, _("'%s': has a DOCTYPE, which smig refuses"), what);
	}
out:
	if (ctxt)
		xmlFreeParserCtxt(ctxt);
	free(text);
	return doc;
}

/* ---- tree helpers ---- */

static bool is_elem(xmlNodePtr n)
{
	return n != NULL && n->type == XML_ELEMENT_NODE;
}

static const char *ename(xmlNodePtr n)
{
	return (const char *)n->name;
}

static xmlNodePtr elem_child(xmlNodePtr n, const char *name)
{
	xmlNodePtr c;

	for (c = n ? n->children : NULL; c; c = c->next)
		if (is_elem(c) && strcmp(ename(c), name) == 0)
			return c;
	return NULL;
}

/* Walk "a/b/c" below n (segments are literals in this file, each < 64 bytes). */
static xmlNodePtr elem_path(xmlNodePtr n, const char *path)
{
	char seg[64];

	while (n && *path) {
		size_t l = strcspn(path, "/");

		if (l >= sizeof(seg))
			return NULL;
		memcpy(seg, path, l);
		seg[l] = '\0';
		n = elem_child(n, seg);
		path += l;
		if (*path == '/')
			path++;
	}
	return n;
}

static bool has_elem_children(xmlNodePtr n)
{
	xmlNodePtr c;

	for (c = n->children; c; c = c->next)
		if (is_elem(c))
			return true;
	return false;
}

/* "settings/processors/count": the path below the root element, for messages. */
static void node_path(xmlNodePtr n, char *buf, size_t size)
{
	xmlNodePtr chain[MAX_DEPTH + 2];
	size_t depth = 0, o = 0;

	buf[0] = '\0';
	for (; is_elem(n) && is_elem(n->parent) && depth < MAX_DEPTH + 2; n = n->parent)
		chain[depth++] = n;
	if (depth == 0 && is_elem(n)) {
		snprintf(buf, size, "%s", ename(n));
		return;
	}
	while (depth > 0) {
		int r = snprintf(buf + o, size - o, "%s%s", o ? "/" : "", ename(chain[--depth]));

		if (r < 0 || (size_t)r >= size - o) {
			/* truncated path: still a useful message, cut between characters */
			buf[smig_width_boundary(buf, strlen(buf))] = '\0';
			return;
		}
		o += (size_t)r;
	}
}

static enum ltype leaf_type(xmlNodePtr n, char *raw, size_t rawsz)
{
	xmlChar *t = xmlGetNoNsProp(n, (const xmlChar *)"type");
	enum ltype lt = LT_OTHER;

	if (raw)
		snprintf(raw, rawsz, "%s", t ? (const char *)t : "");
	if (t == NULL)
		return LT_NONE;
	if (strcmp((const char *)t, "string") == 0)
		lt = LT_STRING;
	else if (strcmp((const char *)t, "integer") == 0)
		lt = LT_INTEGER;
	else if (strcmp((const char *)t, "bool") == 0 || strcmp((const char *)t, "boolean") == 0)
		lt = LT_BOOL;
	else if (strcmp((const char *)t, "bytes") == 0)
		lt = LT_BYTES;
	xmlFree(t);
	return lt;
}

/* The text of a leaf, malloc'd ("" for an empty element). */
static char *leaf_text(xmlNodePtr n, struct smig_err *e)
{
	xmlChar *c = xmlNodeGetContent(n);
	char *s = smig_strdup(c ? (const char *)c : "", e);

	xmlFree(c);
	return s;
}

static void trim_span(const char *s, const char **b, size_t *len)
{
	size_t l = strlen(s);

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
		s++;
		l--;
	}
	while (l > 0 && (s[l - 1] == ' ' || s[l - 1] == '\t' || s[l - 1] == '\n' ||
			 s[l - 1] == '\r'))
		l--;
	*b = s;
	*len = l;
}

static bool is_blank(const char *s)
{
	const char *b;
	size_t l;

	trim_span(s, &b, &l);
	return l == 0;
}

/* Strict int64: optional '-', decimal digits, surrounding whitespace only. */
static bool parse_i64(const char *s, int64_t *v)
{
	const char *p;
	size_t l, i = 0;
	uint64_t acc = 0, lim;
	bool neg = false;

	trim_span(s, &p, &l);
	if (l > 0 && p[0] == '-') {
		neg = true;
		i = 1;
	}
	if (i == l)
		return false;
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < l; i++) {
		unsigned d;

		if (p[i] < '0' || p[i] > '9')
			return false;
		d = (unsigned)(p[i] - '0');
		if (acc > (lim - d) / 10)
			return false;
		acc = acc * 10 + d;
	}
	if (neg)
		*v = acc == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)acc;
	else
		*v = (int64_t)acc;
	return true;
}

static bool parse_bool(const char *s, bool *v)
{
	const char *p;
	size_t l;

	trim_span(s, &p, &l);
	if (l == 4 && strncasecmp(p, "true", 4) == 0)
		*v = true;
	else if (l == 5 && strncasecmp(p, "false", 5) == 0)
		*v = false;
	else
		return false;
	return true;
}

static int add_warning(struct pctx *c, const char *fmt, ...) SMIG_PRINTF(2, 3);

static int add_warning(struct pctx *c, const char *fmt, ...)
{
	struct smig_vmconfig *cfg = c->cfg;
	char **w;
	char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (msg == NULL)
		return smig_err_nomem(c->e, _("recording a warning"));
	w = realloc(cfg->warnings, (cfg->nwarnings + 1) * sizeof(*w));
	if (w == NULL) {
		free(msg);
		return smig_err_nomem(c->e, _("recording a warning"));
	}
	cfg->warnings = w;
	w[cfg->nwarnings++] = msg;
	return 0;
}

/* ---- validation of every typed leaf (§5.2) ---- */

static int check_value(struct pctx *c, xmlNodePtr n, enum ltype lt, const char *rawtype)
{
	char path[512];
	char *text = leaf_text(n, c->e);
	int rc = -1;
	int64_t iv;
	bool bv;

	if (text == NULL)
		return -1;
	node_path(n, path, sizeof(path));
	switch (lt) {
	case LT_INTEGER:
		if (!parse_i64(text, &iv)) {
			smig_err_set(c->e, SMIG_ERR_FORMAT, _("'%s': %s: '%.40s' is not an integer"),
				     c->what, path, text);
			goto out;
		}
		break;
	case LT_BOOL:
		if (!parse_bool(text, &bv)) {
			smig_err_set(c->e, SMIG_ERR_FORMAT,
				     _("'%s': %s: '%.40s' is not a bool (True or False)"), c->what,
				     path, text);
			goto out;
		}
		break;
	case LT_BYTES: {
		struct smig_err sub = SMIG_ERR_INIT;
		unsigned char *bytes = NULL;
		size_t nb;

		if (smig_base64_decode(text, strlen(text), &bytes, &nb, &sub) < 0) {
			smig_err_set(c->e, SMIG_ERR_FORMAT, _("'%s': %s: %s"), c->what, path, sub.msg);
			goto out;
		}
		free(bytes);
		break;
	}
	case LT_OTHER:
		if (add_warning(c, _("'%s': %s has unknown type '%s'; kept as is"), c->what, path,
				rawtype) < 0)
			goto out;
		break;
	case LT_NONE:
	case LT_STRING:
		break;
	}
	rc = 0;
out:
	free(text);
	return rc;
}

static int validate(struct pctx *c, xmlNodePtr n, int depth)
{
	char path[512], rawtype[32];
	enum ltype lt = leaf_type(n, rawtype, sizeof(rawtype));
	xmlNodePtr ch;

	if (depth > MAX_DEPTH)
		return smig_err_set(c->e, SMIG_ERR_FORMAT, _("'%s': elements nest deeper than %d"),
				    c->what, MAX_DEPTH);
	if (!has_elem_children(n))
		return check_value(c, n, lt, rawtype);
	node_path(n, path, sizeof(path));
	if (lt != LT_NONE)
		return smig_err_set(c->e, SMIG_ERR_FORMAT,
				    _("'%s': %s has type '%s' but holds elements"), c->what, path,
				    rawtype);
	for (ch = n->children; ch; ch = ch->next) {
		if ((ch->type == XML_TEXT_NODE || ch->type == XML_CDATA_SECTION_NODE) &&
		    !is_blank((const char *)ch->content))
			return smig_err_set(c->e, SMIG_ERR_FORMAT,
					    _("'%s': %s mixes text and elements"), c->what, path);
		if (ch->type == XML_ENTITY_REF_NODE)
			return smig_err_set(c->e, SMIG_ERR_FORMAT,
					    _("'%s': %s holds an entity reference"), c->what, path);
		if (is_elem(ch) && validate(c, ch, depth + 1) < 0)
			return -1;
	}
	return 0;
}

/* ---- typed getters: 1 found, 0 absent, -1 error ---- */

static int get_leaf(struct pctx *c, xmlNodePtr base, const char *path, enum ltype want,
		    char **text)
{
	xmlNodePtr n = elem_path(base, path);
	char where[512], rawtype[32];
	enum ltype lt;

	*text = NULL;
	if (n == NULL)
		return 0;
	node_path(n, where, sizeof(where));
	if (has_elem_children(n))
		return smig_err_set(c->e, SMIG_ERR_FORMAT,
				    _("'%s': %s holds elements where a %s value is expected"), c->what,
				    where, ltype_names[want]);
	lt = leaf_type(n, rawtype, sizeof(rawtype));
	if (lt != LT_NONE && lt != want)
		return smig_err_set(c->e, SMIG_ERR_FORMAT,
				    _("'%s': %s has type '%s' where '%s' is expected"), c->what, where,
				    rawtype, ltype_names[want]);
	*text = leaf_text(n, c->e);
	return *text ? 1 : -1;
}

static int get_str(struct pctx *c, xmlNodePtr base, const char *path, char **out)
{
	return get_leaf(c, base, path, LT_STRING, out);
}

/* A string that is "" when absent. */
static int get_str_or_empty(struct pctx *c, xmlNodePtr base, const char *path, char **out)
{
	int r = get_str(c, base, path, out);

	if (r == 0) {
		*out = smig_strdup("", c->e);
		return *out ? 0 : -1;
	}
	return r;
}

/* A leaf without a type attribute whose text does not parse as the expected type. */
static int bad_value(struct pctx *c, xmlNodePtr base, const char *path, const char *text,
		     const char *expected)
{
	char where[512];

	node_path(elem_path(base, path), where, sizeof(where));
	return smig_err_set(c->e, SMIG_ERR_FORMAT, _("'%s': %s: '%.40s' is not %s"), c->what, where,
			    text, expected);
}

static int get_int(struct pctx *c, xmlNodePtr base, const char *path, int64_t *out)
{
	char *t = NULL;
	int r = get_leaf(c, base, path, LT_INTEGER, &t);

	if (r == 1 && !parse_i64(t, out))
		r = bad_value(c, base, path, t, _("an integer"));
	free(t);
	return r;
}

static int get_bool(struct pctx *c, xmlNodePtr base, const char *path, bool *out)
{
	char *t = NULL;
	int r = get_leaf(c, base, path, LT_BOOL, &t);

	if (r == 1 && !parse_bool(t, out))
		r = bad_value(c, base, path, t, _("a bool (True or False)"));
	free(t);
	return r;
}

static int get_bytes(struct pctx *c, xmlNodePtr base, const char *path, unsigned char **out,
		     size_t *n)
{
	struct smig_err sub = SMIG_ERR_INIT;
	char *t = NULL;
	int r = get_leaf(c, base, path, LT_BYTES, &t);

	*out = NULL;
	if (r == 1 && smig_base64_decode(t, strlen(t), out, n, &sub) < 0)
		r = bad_value(c, base, path, t, "base64");
	free(t);
	return r;
}

/* ---- the model ---- */

static bool physical_path(const char *p)
{
	static const char *const prefixes[] = {"\\\\.\\PHYSICALDRIVE", "\\\\?\\PhysicalDrive",
					       "Disk ", ""};
	size_t i;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		const char *d = p + strlen(prefixes[i]);

		if (!smig_startswith_ci(p, prefixes[i]) || *d == '\0')
			continue;
		while (*d >= '0' && *d <= '9')
			d++;
		if (*d == '\0')
			return true;
	}
	return false;
}

/* §5.8, pass-through convention [ASSUMED]. */
static enum smig_drive_kind classify_drive(const char *type, const char *path)
{
	if (physical_path(path))
		return SMIG_DRIVE_PASSTHROUGH;
	if (smig_streq_ci(type, "VHD"))
		return SMIG_DRIVE_VHD;
	if (smig_streq_ci(type, "ISO"))
		return SMIG_DRIVE_ISO;
	if (smig_streq_ci(type, "VFD"))
		return SMIG_DRIVE_VFD;
	if (smig_streq_ci(type, "NONE") || (*type == '\0' && *path == '\0'))
		return SMIG_DRIVE_EMPTY;
	return SMIG_DRIVE_PASSTHROUGH;
}

/* "controller12" with prefix "controller" -> 12; -1 when the name does not match. */
static int numbered(const char *name, const char *prefix)
{
	size_t pl = strlen(prefix), i;
	int v = 0;

	if (strncmp(name, prefix, pl) != 0 || name[pl] == '\0')
		return -1;
	for (i = pl; name[i]; i++) {
		if (name[i] < '0' || name[i] > '9' || i - pl >= 3)
			return -1;
		v = v * 10 + (name[i] - '0');
	}
	return v;
}

static int read_drive(struct pctx *c, xmlNodePtr drv, enum smig_ctrl_kind kind, int ctl, int slot,
		      const char *node)
{
	struct smig_vmconfig *cfg = c->cfg;
	struct smig_vm_drive *d, *nd;
	xmlNodePtr *nn;

	if (cfg->ndrives >= MAX_DRIVES)
		return smig_err_set(c->e, SMIG_ERR_FORMAT, _("'%s': has more than %d drives"), c->what,
				    MAX_DRIVES);
	nd = realloc(cfg->drives, (cfg->ndrives + 1) * sizeof(*nd));
	if (nd == NULL)
		return smig_err_nomem(c->e, _("reading drives"));
	cfg->drives = nd;
	nn = realloc(c->priv->drive_nodes, (cfg->ndrives + 1) * sizeof(*nn));
	if (nn == NULL)
		return smig_err_nomem(c->e, _("reading drives"));
	c->priv->drive_nodes = nn;
	d = &cfg->drives[cfg->ndrives];
	memset(d, 0, sizeof(*d));
	nn[cfg->ndrives] = drv;
	cfg->ndrives++; /* counted now so smig_vmconfig_free() releases partial strings */
	d->ctrl_kind = kind;
	d->controller = ctl;
	d->slot = slot;
	if (get_str_or_empty(c, drv, "type", &d->type) < 0 ||
	    get_str_or_empty(c, drv, "pathname", &d->pathname) < 0)
		return -1;
	d->node = smig_strdup(node, c->e);
	if (d->node == NULL)
		return -1;
	d->kind = classify_drive(d->type, d->pathname);
	return 0;
}

static int read_controllers(struct pctx *c, xmlNodePtr dev, enum smig_ctrl_kind kind, int ordinal,
			    const char *node)
{
	xmlNodePtr ctl, drv;

	for (ctl = dev->children; ctl; ctl = ctl->next) {
		int ci = is_elem(ctl) ? numbered(ename(ctl), "controller") : -1;

		if (ci < 0)
			continue;
		for (drv = ctl->children; drv; drv = drv->next) {
			int slot = is_elem(drv) ? numbered(ename(drv), "drive") : -1;

			if (slot < 0)
				continue;
			if (read_drive(c, drv, kind, kind == SMIG_CTRL_SCSI ? ordinal : ci, slot,
				       node) < 0)
				return -1;
		}
	}
	return 0;
}

static int read_nic(struct pctx *c, xmlNodePtr dev, bool legacy, const char *node)
{
	struct smig_vmconfig *cfg = c->cfg;
	struct smig_vm_nic *nic, *nv;
	xmlNodePtr *nn;
	struct smig_mac mac;
	int r;

	if (cfg->nnics >= MAX_NICS)
		return smig_err_set(c->e, SMIG_ERR_FORMAT,
				    _("'%s': has more than %d network adapters"), c->what, MAX_NICS);
	nv = realloc(cfg->nics, (cfg->nnics + 1) * sizeof(*nv));
	if (nv == NULL)
		return smig_err_nomem(c->e, _("reading network adapters"));
	cfg->nics = nv;
	nn = realloc(c->priv->nic_nodes, (cfg->nnics + 1) * sizeof(*nn));
	if (nn == NULL)
		return smig_err_nomem(c->e, _("reading network adapters"));
	c->priv->nic_nodes = nn;
	nic = &cfg->nics[cfg->nnics];
	memset(nic, 0, sizeof(*nic));
	nn[cfg->nnics] = dev;
	cfg->nnics++;
	nic->legacy = legacy;
	if (get_str_or_empty(c, dev, "FriendlyName", &nic->friendly_name) < 0 ||
	    get_str_or_empty(c, dev, "SwitchName", &nic->switch_id) < 0 ||
	    get_str_or_empty(c, dev, "Connection/AltSwitchName", &nic->switch_alt_name) < 0 ||
	    get_str_or_empty(c, dev, "PortName", &nic->port_id) < 0 ||
	    get_str_or_empty(c, dev, "MacAddress", &nic->mac) < 0 ||
	    get_bool(c, dev, "MacAddressIsStatic", &nic->mac_static) < 0)
		return -1;
	nic->node = smig_strdup(node, c->e);
	if (nic->node == NULL)
		return -1;
	/* IsConnected is 2012-era [CONFIRMED in 2012 R2]; without it a switch means connected */
	r = get_bool(c, dev, "IsConnected", &nic->connected);
	if (r < 0)
		return -1;
	if (r == 0)
		nic->connected = nic->switch_id[0] != '\0';
	if (smig_mac_parse(nic->mac, &mac)) {
		char buf[18];

		smig_mac_format(&mac, buf);
		free(nic->mac);
		nic->mac = smig_strdup(buf, c->e);
		if (nic->mac == NULL)
			return -1;
		nic->mac_valid = true;
	} else if (add_warning(c, _("'%s': network adapter _%s_ has an unreadable MAC address "
			       "'%.40s'"), c->what, node, nic->mac) < 0) {
		return -1;
	}
	return 0;
}

static int read_manifest(struct pctx *c, xmlNodePtr root, struct manifest_ent **out, size_t *n)
{
	xmlNodePtr man = elem_child(root, "manifest"), v;
	struct manifest_ent *arr = NULL, *na;
	int rc = -1;

	*n = 0;
	for (v = man ? man->children : NULL; v; v = v->next) {
		char *inst = NULL, *dev = NULL;
		struct manifest_ent ent;
		bool ok;

		if (!is_elem(v) || !has_elem_children(v))
			continue;
		if (get_str(c, v, "instance", &inst) < 0 || get_str(c, v, "device", &dev) < 0) {
			free(inst);
			free(dev);
			goto out;
		}
		ok = inst && dev && smig_guid_parse(inst, &ent.inst) &&
		     smig_guid_parse(dev, &ent.dev);
		free(inst);
		free(dev);
		if (!ok) {
			if (add_warning(c, _("'%s': manifest/%s has no valid instance and device "
					"GUIDs"), c->what, ename(v)) < 0)
				goto out;
			continue;
		}
		if (*n >= MAX_DRIVES) {
			smig_err_set(c->e, SMIG_ERR_FORMAT,
				     _("'%s': manifest has more than %d entries"), c->what,
				     MAX_DRIVES);
			goto out;
		}
		na = realloc(arr, (*n + 1) * sizeof(*na));
		if (na == NULL) {
			smig_err_nomem(c->e, _("reading the manifest"));
			goto out;
		}
		arr = na;
		arr[(*n)++] = ent;
	}
	rc = 0;
out:
	if (rc < 0) {
		free(arr);
		arr = NULL;
		*n = 0;
	}
	*out = arr;
	return rc;
}

/* §5.7: manifest instance lookup, then the singleton rule. Writes the type, lower case. */
static bool resolve_type(const struct manifest_ent *m, size_t nm, const struct smig_guid *g,
			 char type[SMIG_GUID_BUFSZ])
{
	size_t i;

	for (i = 0; i < nm; i++) {
		if (smig_guid_equal(&m[i].inst, g)) {
			smig_guid_format(&m[i].dev, SMIG_GUID_LOWER, type);
			return true;
		}
	}
	smig_guid_format(g, SMIG_GUID_LOWER, type);
	for (i = 0; i < sizeof(known_types) / sizeof(known_types[0]); i++)
		if (strcmp(known_types[i], type) == 0)
			return true;
	return false;
}

/* `_<guid>_` -> the GUID. */
static bool device_node_guid(xmlNodePtr n, struct smig_guid *g)
{
	const char *name = ename(n);

	return strlen(name) == 38 && name[0] == '_' && name[37] == '_' &&
	       smig_guid_parse_n(name + 1, 36, g);
}

static int read_devices(struct pctx *c, xmlNodePtr root)
{
	struct manifest_ent *man = NULL;
	size_t nman = 0;
	int scsi_ordinal = 0, rc = -1;
	xmlNodePtr n;

	if (read_manifest(c, root, &man, &nman) < 0)
		goto out;
	for (n = root->children; n; n = n->next) {
		char type[SMIG_GUID_BUFSZ], node[SMIG_GUID_BUFSZ];
		struct smig_guid g;
		bool known;
		int r = 0;

		if (!is_elem(n) || !device_node_guid(n, &g))
			continue;
		smig_guid_format(&g, SMIG_GUID_LOWER, node);
		known = resolve_type(man, nman, &g, type);
		if (known && strcmp(type, TYPE_IDE) == 0)
			r = read_controllers(c, n, SMIG_CTRL_IDE, 0, node);
		else if (known && strcmp(type, TYPE_SCSI) == 0)
			r = read_controllers(c, n, SMIG_CTRL_SCSI, scsi_ordinal++, node);
		else if (known && strcmp(type, TYPE_FLOPPY) == 0)
			r = read_controllers(c, n, SMIG_CTRL_FLOPPY, 0, node);
		else if (known && strcmp(type, TYPE_NIC) == 0)
			r = read_nic(c, n, false, node);
		else if (elem_child(n, "MacAddress") && elem_child(n, "SwitchName"))
			r = read_nic(c, n, true, node); /* §5.7 legacy NIC convention [ASSUMED] */
		else if (!known)
			r = add_warning(c, _("'%s': device node _%s_ has an unknown type; kept as is"),
					c->what, node);
		if (r < 0)
			goto out;
	}
	rc = 0;
out:
	free(man);
	return rc;
}

static int add_snapshot(struct pctx *c, const struct smig_guid *g)
{
	struct smig_vmconfig *cfg = c->cfg;
	char buf[SMIG_GUID_BUFSZ];
	char **ns;

	if (cfg->nsnapshots >= MAX_SNAPSHOTS)
		return smig_err_set(c->e, SMIG_ERR_FORMAT, _("'%s': lists more than %d snapshots"),
				    c->what, MAX_SNAPSHOTS);
	ns = realloc(cfg->snapshot_ids, (cfg->nsnapshots + 1) * sizeof(*ns));
	if (ns == NULL)
		return smig_err_nomem(c->e, _("reading the snapshot list"));
	cfg->snapshot_ids = ns;
	smig_guid_format(g, SMIG_GUID_UPPER, buf);
	ns[cfg->nsnapshots] = smig_strdup(buf, c->e);
	if (ns[cfg->nsnapshots] == NULL)
		return -1;
	cfg->nsnapshots++;
	return 0;
}

/* §5.12: snapshotN children, or any other leaf whose text is a GUID. */
static int read_snapshots(struct pctx *c, xmlNodePtr root)
{
	xmlNodePtr list = elem_path(root, "global_settings/snapshots/list"), s;
	int64_t size = 0;
	int r;

	if (list == NULL)
		return 0;
	r = get_int(c, list, "size", &size);
	if (r < 0)
		return -1;
	for (s = list->children; s; s = s->next) {
		struct smig_guid g;
		char *t;
		bool ok;

		if (!is_elem(s) || strcmp(ename(s), "size") == 0 || has_elem_children(s))
			continue;
		t = leaf_text(s, c->e);
		if (t == NULL)
			return -1;
		ok = smig_guid_parse(t, &g);
		free(t);
		if (ok) {
			if (add_snapshot(c, &g) < 0)
				return -1;
		} else if (numbered(ename(s), "snapshot") >= 0 &&
			   add_warning(c, _("'%s': global_settings/snapshots/list/%s is not a GUID"),
				       c->what, ename(s)) < 0) {
			return -1;
		}
	}
	if (r == 1 && (size < 0 || (uint64_t)size != c->cfg->nsnapshots) &&
	    add_warning(c, _("'%s': snapshot list size is %lld but it names %zu snapshots"), c->what,
			(long long)size, c->cfg->nsnapshots) < 0)
		return -1;
	return 0;
}

static int read_properties(struct pctx *c, xmlNodePtr root)
{
	struct smig_vmconfig *cfg = c->cfg;
	unsigned char *ct = NULL;
	size_t nct = 0;
	struct smig_guid g;
	char buf[SMIG_GUID_BUFSZ];
	char *gid = NULL;
	int r, rc = -1;

	r = get_str(c, root, "properties/global_id", &gid);
	if (r < 0)
		goto out;
	if (r == 0) {
		smig_err_set(c->e, SMIG_ERR_FORMAT, _("'%s': has no properties/global_id"), c->what);
		goto out;
	}
	if (!smig_guid_parse(gid, &g)) {
		smig_err_set(c->e, SMIG_ERR_FORMAT,
			     _("'%s': properties/global_id '%.40s' is not a GUID"), c->what, gid);
		goto out;
	}
	smig_guid_format(&g, SMIG_GUID_UPPER, buf);
	cfg->global_id = smig_strdup(buf, c->e);
	if (cfg->global_id == NULL)
		goto out;
	if (get_str_or_empty(c, root, "properties/name", &cfg->name) < 0 ||
	    get_str_or_empty(c, root, "properties/notes", &cfg->notes) < 0 ||
	    get_str_or_empty(c, root, "properties/type_id", &cfg->type_id) < 0 ||
	    get_bool(c, root, "properties/highly_available", &cfg->highly_available) < 0)
		goto out;
	r = get_int(c, root, "properties/version", &cfg->version);
	if (r < 0)
		goto out;
	/* §5.4: read 256-1280, warn on values no known release writes, refuse vmcx-era ones */
	if (cfg->version > 1280) {
		smig_err_set(c->e, SMIG_ERR_UNSUPPORTED,
			     _("'%s': configuration version %lld is newer than 1280 (2012 R2)"),
			     c->what, (long long)cfg->version);
		goto out;
	}
	if ((r == 0 || cfg->version < 256 || cfg->version % 256 != 0) &&
	    add_warning(c,
			r == 0 ? _("'%s': configuration version (absent) %lld is not one smig knows")
			       : _("'%s': configuration version %lld is not one smig knows"),
			c->what, (long long)cfg->version) < 0)
		goto out;
	r = get_bytes(c, root, "properties/creation_time", &ct, &nct);
	if (r < 0)
		goto out;
	if (r == 1) {
		uint64_t ft = 0;
		size_t i;

		if (nct != 8) {
			smig_err_set(c->e, SMIG_ERR_FORMAT,
				     _("'%s': properties/creation_time holds %zu bytes, not an "
				     "8-byte FILETIME"), c->what, nct);
			goto out;
		}
		for (i = 0; i < 8; i++)
			ft |= (uint64_t)ct[i] << (8 * i);
		cfg->creation_time = smig_filetime_to_unix(ft);
	}
	rc = 0;
out:
	free(ct);
	free(gid);
	return rc;
}

static int read_settings(struct pctx *c, xmlNodePtr root)
{
	struct smig_vmconfig *cfg = c->cfg;
	const char *buffer = "settings/memory/bank/target_memory_buffer";
	int r;

	if (get_int(c, root, "settings/memory/bank/size", &cfg->memory_mb) < 0 ||
	    get_int(c, root, "settings/memory/bank/reservation", &cfg->memory_min_mb) < 0 ||
	    get_int(c, root, "settings/memory/bank/limit", &cfg->memory_max_mb) < 0 ||
	    get_int(c, root, buffer, &cfg->memory_buffer) < 0 ||
	    get_int(c, root, "settings/memory/bank/priority", &cfg->memory_priority) < 0 ||
	    get_int(c, root, "settings/processors/count", &cfg->cpu_count) < 0 ||
	    get_int(c, root, "settings/processors/limit", &cfg->cpu_limit) < 0 ||
	    get_int(c, root, "settings/processors/reservation", &cfg->cpu_reservation) < 0 ||
	    get_int(c, root, "settings/processors/weight", &cfg->cpu_weight) < 0 ||
	    get_bool(c, root, "settings/processors/features/limit", &cfg->cpu_compat) < 0 ||
	    get_bool(c, root, "settings/processors/limit_cpuid", &cfg->limit_cpuid) < 0 ||
	    get_int(c, root, "global_settings/power/host_startup/action",
		    &cfg->auto_start_action) < 0 ||
	    get_int(c, root, "global_settings/power/host_shutdown/action",
		    &cfg->auto_stop_action) < 0 ||
	    get_int(c, root, "global_settings/unexpected_termination/action",
		    &cfg->recovery_action) < 0 ||
	    get_str(c, root, "global_settings/data_root", &cfg->data_root) < 0 ||
	    get_str(c, root, "global_settings/snapshots/data_root", &cfg->snapshot_data_root) < 0)
		return -1;
	r = get_bool(c, root, "settings/memory/bank/dynamic_memory_enabled", &cfg->dynamic_memory);
	if (r < 0)
		return -1;
	cfg->has_dynamic_memory = r == 1;
	return 0;
}

int smig_vmconfig_parse(const void *buf, size_t len, const char *what, struct smig_vmconfig **out,
			struct smig_err *e)
{
	struct smig_vmconfig *cfg = NULL;
	struct pctx c = {what ? what : _("configuration"), e, NULL, NULL};
	xmlNodePtr root;
	int rc = -1;

	*out = NULL;
	cfg = calloc(1, sizeof(*cfg));
	c.priv = calloc(1, sizeof(*c.priv));
	if (cfg == NULL || c.priv == NULL) {
		free(c.priv);
		smig_err_nomem(e, _("parsing a VM configuration"));
		goto out;
	}
	cfg->doc = c.priv;
	c.cfg = cfg;
	cfg->auto_start_action = cfg->auto_stop_action = cfg->recovery_action = -1;
	c.priv->doc = smig_vmconfig_xml_read(buf, len, SMIG_VMCONFIG_MAX_BYTES, c.what, e);
	if (c.priv->doc == NULL)
		goto out;
	root = xmlDocGetRootElement(c.priv->doc);
	if (root == NULL || root->ns != NULL || strcmp(ename(root), "configuration") != 0) {
		smig_err_set(e, SMIG_ERR_FORMAT, _("'%s': root element is <%s>, not <configuration>"),
			     c.what, root ? ename(root) : "");
		goto out;
	}
	if (validate(&c, root, 0) < 0 || read_properties(&c, root) < 0 ||
	    read_settings(&c, root) < 0 || read_devices(&c, root) < 0 ||
	    read_snapshots(&c, root) < 0)
		goto out;
	*out = cfg;
	cfg = NULL;
	rc = 0;
out:
	smig_vmconfig_free(cfg);
	return rc;
}

int smig_vmconfig_load(const char *path, const char *what, struct smig_vmconfig **out,
		       struct smig_err *e)
{
	char *buf = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	if (what == NULL)
		what = path;
	if (smig_file_read(path, SMIG_VMCONFIG_MAX_BYTES, what, &buf, &len, e) < 0)
		return -1;
	rc = smig_vmconfig_parse(buf, len, what, out, e);
	free(buf);
	return rc;
}

void smig_vmconfig_free(struct smig_vmconfig *cfg)
{
	struct vm_priv *priv;
	size_t i;

	if (cfg == NULL)
		return;
	free(cfg->global_id);
	free(cfg->name);
	free(cfg->notes);
	free(cfg->type_id);
	free(cfg->data_root);
	free(cfg->snapshot_data_root);
	for (i = 0; i < cfg->ndrives; i++) {
		free(cfg->drives[i].type);
		free(cfg->drives[i].pathname);
		free(cfg->drives[i].node);
	}
	free(cfg->drives);
	for (i = 0; i < cfg->nnics; i++) {
		free(cfg->nics[i].friendly_name);
		free(cfg->nics[i].mac);
		free(cfg->nics[i].switch_id);
		free(cfg->nics[i].switch_alt_name);
		free(cfg->nics[i].port_id);
		free(cfg->nics[i].node);
	}
	free(cfg->nics);
	for (i = 0; i < cfg->nsnapshots; i++)
		free(cfg->snapshot_ids[i]);
	free(cfg->snapshot_ids);
	for (i = 0; i < cfg->nwarnings; i++)
		free(cfg->warnings[i]);
	free(cfg->warnings);
	priv = cfg->doc;
	if (priv) {
		if (priv->doc)
			xmlFreeDoc(priv->doc);
		free(priv->drive_nodes);
		free(priv->nic_nodes);
		free(priv);
	}
	free(cfg);
}

/* ---- the writer (§5.13 rule 1) ----
 *
 * Hand-written on purpose, not xmlSaveFormatFileEnc/xmlDocDumpFormatMemoryEnc: a configuration
 * must come out as Hyper-V writes it (docs/formats.md A18, reproduced byte for byte on real
 * files), and libxml2's serializer has no option for two of its rules: it writes LF line ends
 * (Hyper-V: CRLF everywhere, inside text too) and a line end after the root element (Hyper-V:
 * none after </configuration>); its indentation also follows its own rule for elements with
 * text. Post-editing its output would mean telling markup line ends from text ones again.
 * libxml2 still parses, and the tree walked here is its tree; only the bytes are ours.
 */

static void put_escaped(struct smig_strbuf *sb, const char *s, bool attr)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			smig_strbuf_puts(sb, "&amp;");
			break;
		case '<':
			smig_strbuf_puts(sb, "&lt;");
			break;
		case '>':
			smig_strbuf_puts(sb, "&gt;");
			break;
		case '\r': /* a parser would turn a raw CR into LF */
			smig_strbuf_puts(sb, "&#13;");
			break;
		case '"':
			smig_strbuf_puts(sb, attr ? "&quot;" : "\"");
			break;
		case '\n':
			if (attr)
				smig_strbuf_puts(sb, "&#10;");
			else
				smig_strbuf_putc(sb, '\n');
			break;
		case '\t':
			if (attr)
				smig_strbuf_puts(sb, "&#9;");
			else
				smig_strbuf_putc(sb, '\t');
			break;
		default:
			smig_strbuf_putc(sb, *s);
		}
	}
}

static void put_indent(struct smig_strbuf *sb, int depth)
{
	int i;

	for (i = 0; i < depth; i++)
		smig_strbuf_puts(sb, "  ");
}

static void put_qname(struct smig_strbuf *sb, xmlNodePtr n)
{
	if (n->ns && n->ns->prefix)
		smig_strbuf_printf(sb, "%s:", (const char *)n->ns->prefix);
	smig_strbuf_puts(sb, ename(n));
}

static void put_start_tag(struct smig_strbuf *sb, xmlNodePtr n)
{
	xmlNsPtr ns;
	xmlAttrPtr a;

	smig_strbuf_putc(sb, '<');
	put_qname(sb, n);
	for (ns = n->nsDef; ns; ns = ns->next) {
		smig_strbuf_puts(sb, ns->prefix ? " xmlns:" : " xmlns");
		if (ns->prefix)
			smig_strbuf_puts(sb, (const char *)ns->prefix);
		smig_strbuf_puts(sb, "=\"");
		put_escaped(sb, ns->href ? (const char *)ns->href : "", true);
		smig_strbuf_putc(sb, '"');
	}
	for (a = n->properties; a; a = a->next) {
		xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);

		smig_strbuf_putc(sb, ' ');
		if (a->ns && a->ns->prefix)
			smig_strbuf_printf(sb, "%s:", (const char *)a->ns->prefix);
		smig_strbuf_puts(sb, (const char *)a->name);
		smig_strbuf_puts(sb, "=\"");
		put_escaped(sb, v ? (const char *)v : "", true);
		smig_strbuf_putc(sb, '"');
		xmlFree(v);
	}
	smig_strbuf_putc(sb, '>');
}

/* Comments and processing instructions, kept in document order. */
static void put_misc(struct smig_strbuf *sb, xmlNodePtr n, int depth)
{
	put_indent(sb, depth);
	if (n->type == XML_COMMENT_NODE) {
		smig_strbuf_puts(sb, "<!--");
		smig_strbuf_puts(sb, n->content ? (const char *)n->content : "");
		smig_strbuf_puts(sb, "-->\n");
	} else {
		smig_strbuf_printf(sb, "<?%s", ename(n));
		if (n->content && *n->content)
			smig_strbuf_printf(sb, " %s", (const char *)n->content);
		smig_strbuf_puts(sb, "?>\n");
	}
}

static bool is_misc(xmlNodePtr n)
{
	return n->type == XML_COMMENT_NODE || n->type == XML_PI_NODE;
}

struct child_ref {
	xmlNodePtr n;
	size_t idx;
};

/* Byte order of the name (strcmp compares as unsigned char); file order among equals. */
static int cmp_child(const void *a, const void *b)
{
	const struct child_ref *x = a, *y = b;
	int r = strcmp(ename(x->n), ename(y->n));

	if (r != 0)
		return r;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int put_elem(struct smig_strbuf *sb, xmlNodePtr n, int depth, struct smig_err *e)
{
	struct child_ref *kids = NULL;
	size_t nkids = 0, i;
	xmlNodePtr c;
	int rc = -1;

	put_indent(sb, depth);
	put_start_tag(sb, n);
	if (!has_elem_children(n)) {
		xmlChar *t = xmlNodeGetContent(n);
		const char *text = t ? (const char *)t : "";

		if (leaf_type(n, NULL, 0) == LT_BYTES) {
			/* base64 then a line end before the close tag, as Hyper-V writes */
			const char *b;
			size_t l;
			char *trimmed;

			trim_span(text, &b, &l);
			trimmed = smig_strndup(b, l, e);
			if (trimmed == NULL) {
				xmlFree(t);
				goto out;
			}
			put_escaped(sb, trimmed, false);
			smig_strbuf_putc(sb, '\n');
			free(trimmed);
		} else {
			put_escaped(sb, text, false);
		}
		xmlFree(t);
		smig_strbuf_puts(sb, "</");
		put_qname(sb, n);
		smig_strbuf_puts(sb, ">\n");
		rc = 0;
		goto out;
	}
	smig_strbuf_putc(sb, '\n');
	for (c = n->children; c; c = c->next) {
		if (is_elem(c))
			nkids++;
		else if (is_misc(c))
			put_misc(sb, c, depth + 1);
	}
	kids = calloc(nkids, sizeof(*kids));
	if (kids == NULL) {
		smig_err_nomem(e, _("writing a VM configuration"));
		goto out;
	}
	for (c = n->children, i = 0; c; c = c->next)
		if (is_elem(c)) {
			kids[i].n = c;
			kids[i].idx = i;
			i++;
		}
	qsort(kids, nkids, sizeof(*kids), cmp_child);
	for (i = 0; i < nkids; i++)
		if (put_elem(sb, kids[i].n, depth + 1, e) < 0)
			goto out;
	put_indent(sb, depth);
	smig_strbuf_puts(sb, "</");
	put_qname(sb, n);
	smig_strbuf_puts(sb, ">\n");
	rc = 0;
out:
	free(kids);
	return rc;
}

static int serialize_doc(xmlDocPtr doc, unsigned char **out, size_t *len, struct smig_err *e)
{
	struct smig_strbuf sb = SMIG_STRBUF_INIT, crlf = SMIG_STRBUF_INIT;
	unsigned char *u16 = NULL, *res = NULL;
	size_t n16 = 0, i;
	xmlNodePtr c;
	int rc = -1;

	*out = NULL;
	*len = 0;
	smig_strbuf_puts(&sb, DECLARATION "\n");
	for (c = doc->children; c; c = c->next) {
		if (is_misc(c))
			put_misc(&sb, c, 0);
		else if (is_elem(c) && put_elem(&sb, c, 0, e) < 0)
			goto out;
	}
	if (smig_strbuf_check(&sb, e) < 0)
		goto out;
	/* Hyper-V ends the file at the root's closing '>', with no line end after it
	 * (docs/formats.md A18) */
	if (sb.len && sb.buf[sb.len - 1] == '\n')
		sb.len--;
	/* every line end, in markup and in text, becomes CRLF */
	for (i = 0; i < sb.len; i++) {
		if (sb.buf[i] == '\n')
			smig_strbuf_putc(&crlf, '\r');
		smig_strbuf_putc(&crlf, sb.buf[i]);
	}
	if (smig_strbuf_check(&crlf, e) < 0)
		goto out;
	if (smig_utf8_to_utf16le(crlf.buf, crlf.len, false, &u16, &n16, e) < 0)
		goto out;
	res = malloc(n16 + 2);
	if (res == NULL) {
		smig_err_nomem(e, _("writing a VM configuration"));
		goto out;
	}
	res[0] = 0xFF;
	res[1] = 0xFE;
	memcpy(res + 2, u16, n16);
	*out = res;
	*len = n16 + 2;
	rc = 0;
out:
	free(u16);
	smig_strbuf_release(&sb);
	smig_strbuf_release(&crlf);
	return rc;
}

int smig_vmconfig_serialize(const struct smig_vmconfig *cfg, unsigned char **out, size_t *len,
			    struct smig_err *e)
{
	const struct vm_priv *priv = cfg->doc;

	return serialize_doc(priv->doc, out, len, e);
}

/* ---- rewriting ---- */

/* Text that XML 1.0 can carry: valid UTF-8, no control characters but TAB, LF, CR. */
static int check_text(const char *what, const char *s, struct smig_err *e)
{
	const unsigned char *p;

	if (!smig_utf8_valid(s, strlen(s)))
		return smig_err_set(e, SMIG_ERR_USAGE, _("%s '%.60s' is not valid UTF-8"), what, s);
	for (p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
			return smig_err_set(e, SMIG_ERR_USAGE,
					    _("%s '%.60s' holds a control character"), what, s);
	return 0;
}

/* Find or create base/a/b/c, give a created leaf `type`, and set its text. */
static xmlNodePtr set_leaf(xmlNodePtr base, const char *path, const char *type, const char *text,
			   struct smig_err *e)
{
	xmlNodePtr n = base, leaf;
	char seg[64];
	bool created = false;

	while (*path) {
		size_t l = strcspn(path, "/");
		xmlNodePtr ch;

		if (l == 0 || l >= sizeof(seg)) {
			smig_err_set(e, SMIG_ERR_USAGE, _("bad element path '%s'"), path);
			return NULL;
		}
		memcpy(seg, path, l);
		seg[l] = '\0';
		ch = elem_child(n, seg);
		if (ch == NULL) {
			ch = xmlNewChild(n, NULL, (const xmlChar *)seg, NULL);
			if (ch == NULL) {
				smig_err_nomem(e, _("editing a VM configuration"));
				return NULL;
			}
			created = true;
		} else {
			created = false;
		}
		n = ch;
		path += l;
		if (*path == '/')
			path++;
	}
	leaf = n;
	if (has_elem_children(leaf)) {
		char where[512];

		node_path(leaf, where, sizeof(where));
		smig_err_set(e, SMIG_ERR_FORMAT, _("%s holds elements where a value is expected"),
			     where);
		return NULL;
	}
	if (created && xmlNewProp(leaf, (const xmlChar *)"type", (const xmlChar *)type) == NULL) {
		smig_err_nomem(e, _("editing a VM configuration"));
		return NULL;
	}
	xmlNodeSetContent(leaf, NULL);
	if (*text) {
		/* xmlNewDocText copies the text as is (no entity parsing) */
		xmlNodePtr t = xmlNewDocText(leaf->doc, (const xmlChar *)text);

		if (t == NULL || xmlAddChild(leaf, t) == NULL) {
			xmlFreeNode(t);
			smig_err_nomem(e, _("editing a VM configuration"));
			return NULL;
		}
	}
	return leaf;
}

static xmlNodePtr doc_root(struct smig_vmconfig *cfg)
{
	return xmlDocGetRootElement(((struct vm_priv *)cfg->doc)->doc);
}

/* Replace *field with a copy of s. */
static int replace_str(char **field, const char *s, struct smig_err *e)
{
	char *d = smig_strdup(s, e);

	if (d == NULL)
		return -1;
	free(*field);
	*field = d;
	return 0;
}

static int check_drive_index(const struct smig_vmconfig *cfg, size_t i, struct smig_err *e)
{
	if (i >= cfg->ndrives)
		return smig_err_set(e, SMIG_ERR_USAGE,
				    _("drive %zu does not exist (the configuration has %zu)"), i,
				    cfg->ndrives);
	return 0;
}

int smig_vmconfig_set_drive_path(struct smig_vmconfig *cfg, size_t drive_index,
				 const char *pathname, struct smig_err *e)
{
	struct vm_priv *priv = cfg->doc;
	struct smig_vm_drive *d;

	if (check_drive_index(cfg, drive_index, e) < 0 || check_text(_("pathname"), pathname, e) < 0)
		return -1;
	d = &cfg->drives[drive_index];
	if (set_leaf(priv->drive_nodes[drive_index], "pathname", "string", pathname, e) == NULL ||
	    replace_str(&d->pathname, pathname, e) < 0)
		return -1;
	d->kind = classify_drive(d->type, d->pathname);
	return 0;
}

const char *smig_vmconfig_ctrl_name(enum smig_ctrl_kind k)
{
	switch (k) {
	case SMIG_CTRL_IDE:
		return "IDE";
	case SMIG_CTRL_SCSI:
		return "SCSI";
	case SMIG_CTRL_FLOPPY:
		return "Floppy";
	}
	return "?";
}

int smig_vmconfig_empty_drive(struct smig_vmconfig *cfg, size_t drive_index, struct smig_err *e)
{
	struct vm_priv *priv = cfg->doc;
	struct smig_vm_drive *d;

	if (check_drive_index(cfg, drive_index, e) < 0)
		return -1;
	d = &cfg->drives[drive_index];
	switch (d->kind) {
	case SMIG_DRIVE_EMPTY:
		return 0;
	case SMIG_DRIVE_VHD:
		return smig_err_set(e, SMIG_ERR_USAGE,
				    _("drive %s %d:%d holds the virtual hard disk '%s'; smig "
				    "does not empty it"), smig_vmconfig_ctrl_name(d->ctrl_kind), d->controller,
				    d->slot, d->pathname);
	case SMIG_DRIVE_PASSTHROUGH:
		if (set_leaf(priv->drive_nodes[drive_index], "type", "string", "NONE", e) == NULL ||
		    replace_str(&d->type, "NONE", e) < 0)
			return -1;
		break;
	case SMIG_DRIVE_ISO:
	case SMIG_DRIVE_VFD:
		break;
	}
	if (set_leaf(priv->drive_nodes[drive_index], "pathname", "string", "", e) == NULL ||
	    replace_str(&d->pathname, "", e) < 0)
		return -1;
	d->kind = classify_drive(d->type, d->pathname);
	return 0;
}

int smig_vmconfig_set_nic_switch(struct smig_vmconfig *cfg, size_t nic_index,
				 const char *switch_id, const char *port_id, struct smig_err *e)
{
	struct vm_priv *priv = cfg->doc;
	struct smig_vm_nic *nic;

	if (nic_index >= cfg->nnics)
		return smig_err_set(e, SMIG_ERR_USAGE,
				    _("network adapter %zu does not exist (the configuration has "
				    "%zu)"), nic_index, cfg->nnics);
	if (switch_id == NULL || *switch_id == '\0')
		switch_id = port_id = "";
	if (port_id == NULL)
		port_id = "";
	if (check_text(_("switch name"), switch_id, e) < 0 || check_text(_("port name"), port_id, e) < 0)
		return -1;
	nic = &cfg->nics[nic_index];
	if (set_leaf(priv->nic_nodes[nic_index], "SwitchName", "string", switch_id, e) == NULL ||
	    set_leaf(priv->nic_nodes[nic_index], "PortName", "string", port_id, e) == NULL ||
	    replace_str(&nic->switch_id, switch_id, e) < 0 ||
	    replace_str(&nic->port_id, port_id, e) < 0)
		return -1;
	return 0;
}

int smig_vmconfig_set_version(struct smig_vmconfig *cfg, int64_t version, struct smig_err *e)
{
	char buf[24];

	if (version < 256 || version > 1280)
		return smig_err_set(e, SMIG_ERR_USAGE,
				    _("configuration version %lld is outside 256-1280"),
				    (long long)version);
	snprintf(buf, sizeof(buf), "%lld", (long long)version);
	if (set_leaf(doc_root(cfg), "properties/version", "integer", buf, e) == NULL)
		return -1;
	cfg->version = version;
	return 0;
}

int smig_vmconfig_set_id(struct smig_vmconfig *cfg, const char *guid, struct smig_err *e)
{
	char buf[SMIG_GUID_BUFSZ];
	struct smig_guid g;

	if (!smig_guid_parse(guid, &g))
		return smig_err_set(e, SMIG_ERR_USAGE, _("'%.60s' is not a GUID"), guid);
	smig_guid_format(&g, SMIG_GUID_UPPER, buf);
	if (set_leaf(doc_root(cfg), "properties/global_id", "string", buf, e) == NULL ||
	    set_leaf(doc_root(cfg), "settings/global/logical_id", "string", buf, e) == NULL)
		return -1;
	return replace_str(&cfg->global_id, buf, e);
}

int smig_vmconfig_set_cpu_compat(struct smig_vmconfig *cfg, bool on, struct smig_err *e)
{
	if (set_leaf(doc_root(cfg), "settings/processors/features/limit", "bool",
		     on ? "True" : "False", e) == NULL)
		return -1;
	cfg->cpu_compat = on;
	return 0;
}

/* ---- fixture generator (§5.14) ---- */

/* Sticky builder: after the first failure every call is a no-op. */
struct bctx {
	xmlNodePtr root;
	struct smig_err *e;
	bool failed;
};

static void b_leaf(struct bctx *b, xmlNodePtr base, const char *path, const char *type,
		   const char *text)
{
	if (!b->failed && set_leaf(base, path, type, text ? text : "", b->e) == NULL)
		b->failed = true;
}

static void b_str(struct bctx *b, xmlNodePtr base, const char *path, const char *text)
{
	b_leaf(b, base, path, "string", text);
}

static void b_int(struct bctx *b, xmlNodePtr base, const char *path, int64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%lld", (long long)v);
	b_leaf(b, base, path, "integer", buf);
}

static void b_bool(struct bctx *b, xmlNodePtr base, const char *path, bool v)
{
	b_leaf(b, base, path, "bool", v ? "True" : "False");
}

/* The device node `_<guid>_` (created empty), with its VDEVVersion. */
static xmlNodePtr b_node(struct bctx *b, const struct smig_guid *g, int64_t vdev)
{
	char name[SMIG_GUID_BUFSZ + 2], lower[SMIG_GUID_BUFSZ];
	xmlNodePtr n;

	if (b->failed)
		return NULL;
	smig_guid_format(g, SMIG_GUID_LOWER, lower);
	snprintf(name, sizeof(name), "_%s_", lower);
	n = xmlNewChild(b->root, NULL, (const xmlChar *)name, NULL);
	if (n == NULL) {
		smig_err_nomem(b->e, _("building a VM configuration"));
		b->failed = true;
		return NULL;
	}
	b_int(b, n, "VDEVVersion", vdev);
	return n;
}

static xmlNodePtr b_type_node(struct bctx *b, const char *type, int64_t vdev)
{
	struct smig_guid g;

	smig_guid_parse(type, &g); /* the constants are valid GUIDs */
	return b_node(b, &g, vdev);
}

/* One manifest entry vdevNNN, numbered from 001 (§5.7). */
static void b_manifest(struct bctx *b, xmlNodePtr man, int *count, const char *dev,
		       const struct smig_guid *inst, const char *name)
{
	char path[48], upper[SMIG_GUID_BUFSZ];

	if (b->failed)
		return;
	(*count)++;
	smig_guid_format(inst, SMIG_GUID_UPPER, upper);
	snprintf(path, sizeof(path), "vdev%03d/device", *count);
	b_str(b, man, path, dev);
	snprintf(path, sizeof(path), "vdev%03d/flags", *count);
	b_int(b, man, path, 1);
	snprintf(path, sizeof(path), "vdev%03d/instance", *count);
	b_str(b, man, path, upper);
	snprintf(path, sizeof(path), "vdev%03d/name", *count);
	b_str(b, man, path, name);
}

static void b_type_manifest(struct bctx *b, xmlNodePtr man, int *count, const char *type,
			    const char *name)
{
	struct smig_guid g;

	smig_guid_parse(type, &g);
	b_manifest(b, man, count, type, &g, name);
}

static void b_drive(struct bctx *b, xmlNodePtr ctlnode, int ctl, int slot, const char *type,
		    const char *pathname)
{
	char path[48];

	if (b->failed)
		return;
	snprintf(path, sizeof(path), "controller%d/drive%d/pathname", ctl, slot);
	b_str(b, ctlnode, path, pathname);
	snprintf(path, sizeof(path), "controller%d/drive%d/type", ctl, slot);
	b_str(b, ctlnode, path, type);
}

static int check_spec(const struct smig_vmspec *s, struct smig_err *e)
{
	static const char *const types[] = {"VHD", "ISO", "VFD", "NONE", "PHYSICAL"};
	struct smig_guid g;
	size_t i, k;

	if (s->global_id == NULL || !smig_guid_parse(s->global_id, &g))
		return smig_err_set(e, SMIG_ERR_USAGE, _("VM spec: global_id is not a GUID"));
	if (s->scsi_instance_id && !smig_guid_parse(s->scsi_instance_id, &g))
		return smig_err_set(e, SMIG_ERR_USAGE, _("VM spec: SCSI instance is not a GUID"));
	if (check_text(_("VM name"), s->name ? s->name : "", e) < 0 ||
	    check_text(_("notes"), s->notes ? s->notes : "", e) < 0 ||
	    check_text(_("BIOS GUID"), s->bios_guid ? s->bios_guid : "", e) < 0 ||
	    check_text(_("generation ID"), s->generation_id ? s->generation_id : "", e) < 0)
		return -1;
	for (i = 0; i < s->ndrives; i++) {
		const struct smig_vmspec_drive *d = &s->drives[i];
		bool ok = false;

		for (k = 0; k < sizeof(types) / sizeof(types[0]); k++)
			ok = ok || (d->type && strcmp(d->type, types[k]) == 0);
		if (!ok)
			return smig_err_set(e, SMIG_ERR_USAGE, _("VM spec: drive %zu has type '%s'"),
					    i, d->type ? d->type : "(null)");
		if (d->ctrl_kind == SMIG_CTRL_IDE)
			ok = d->controller >= 0 && d->controller <= 1 && d->slot >= 0 &&
			     d->slot <= 1;
		else if (d->ctrl_kind == SMIG_CTRL_SCSI)
			ok = s->scsi_instance_id && d->controller == 0 && d->slot >= 0 &&
			     d->slot <= 63;
		else
			ok = d->controller == 0 && d->slot == 0;
		if (!ok)
			return smig_err_set(e, SMIG_ERR_USAGE,
					    _("VM spec: drive %zu is in an impossible slot %s %d:%d"),
					    i, smig_vmconfig_ctrl_name(d->ctrl_kind), d->controller, d->slot);
		if (check_text(_("pathname"), d->pathname ? d->pathname : "", e) < 0)
			return -1;
	}
	for (i = 0; i < s->nnics; i++) {
		const struct smig_vmspec_nic *n = &s->nics[i];

		if (n->instance_id == NULL || !smig_guid_parse(n->instance_id, &g))
			return smig_err_set(e, SMIG_ERR_USAGE,
					    _("VM spec: network adapter %zu has no instance GUID"), i);
		if (check_text(_("adapter name"), n->friendly_name ? n->friendly_name : "", e) < 0 ||
		    check_text(_("MAC address"), n->mac ? n->mac : "", e) < 0 ||
		    check_text(_("switch"), n->switch_id ? n->switch_id : "", e) < 0 ||
		    check_text(_("port"), n->port_id ? n->port_id : "", e) < 0)
			return -1;
	}
	for (i = 0; i < s->nsnapshots; i++)
		if (s->snapshot_ids[i] == NULL || !smig_guid_parse(s->snapshot_ids[i], &g))
			return smig_err_set(e, SMIG_ERR_USAGE,
					    _("VM spec: snapshot %zu is not a GUID"), i);
	return 0;
}

static void b_nic(struct bctx *b, xmlNodePtr man, int *count, const struct smig_vmspec_nic *n)
{
	char buf[SMIG_GUID_BUFSZ];
	struct smig_guid g;
	xmlNodePtr node;
	const char *sw = n->switch_id ? n->switch_id : "";

	smig_guid_parse(n->instance_id, &g);
	node = b_node(b, &g, 256);
	if (!n->legacy) {
		/* the channel and vPCI identities are derived from the instance [fixture choice] */
		smig_guid_format(&g, SMIG_GUID_LOWER_BRACES, buf);
		b_str(b, node, "ChannelInstanceGuid", buf);
		smig_guid_format(&g, SMIG_GUID_UPPER_BRACES, buf);
		b_str(b, node, "VpciInstanceGuid", buf);
		b_manifest(b, man, count, TYPE_NIC, &g, "Synthetic Ethernet Port");
	}
	b_str(b, node, "FriendlyName", n->friendly_name ? n->friendly_name : "Network Adapter");
	b_bool(b, node, "IsConnected", *sw != '\0');
	b_str(b, node, "MacAddress", n->mac);
	b_bool(b, node, "MacAddressIsStatic", n->mac_static);
	b_str(b, node, "PortName", n->port_id);
	b_str(b, node, "SwitchName", sw);
}

int smig_vmconfig_build(const struct smig_vmspec *spec, unsigned char **out, size_t *len,
			struct smig_err *e)
{
	static const char comment[] =
		" SYNTHETIC test fixture generated by smig: a Hyper-V VM configuration in the "
		"assumed Windows Server 2008 R2 shape (formats.md 5.14), not taken from a real "
		"host. ";
	static const char serial[] = "0000-0000-0000-0000-0000-0000-00";
	struct bctx b = {NULL, e, false};
	xmlDocPtr doc = NULL;
	xmlNodePtr root, man, ide, fdc, bios, scsi, c;
	unsigned char ft[8];
	char gid[SMIG_GUID_BUFSZ], path[80];
	char *ct = NULL;
	struct smig_guid g;
	int count = 0, rc = -1;
	size_t i;

	*out = NULL;
	*len = 0;
	if (check_spec(spec, e) < 0)
		goto out;
	doc = xmlNewDoc((const xmlChar *)"1.0");
	root = doc ? xmlNewDocNode(doc, NULL, (const xmlChar *)"configuration", NULL) : NULL;
	if (root == NULL) {
		smig_err_nomem(e, _("building a VM configuration"));
		goto out;
	}
	xmlDocSetRootElement(doc, root);
	c = xmlNewDocComment(doc, (const xmlChar *)comment);
	man = xmlNewChild(root, NULL, (const xmlChar *)"manifest", NULL);
	if (c == NULL || xmlAddPrevSibling(root, c) == NULL || man == NULL) {
		xmlFreeNode(c);
		smig_err_nomem(e, _("building a VM configuration"));
		goto out;
	}
	b.root = root;

	/* device nodes: the 2012 R2 sample's set minus Guest Interface, RDV and Activation;
	 * VDEVVersion values from the sample, the IDE controller's 1280 lowered to 768 */
	b_type_node(&b, TYPE_TIMESYNC, 256);
	b_type_node(&b, TYPE_KVP, 256);
	b_type_node(&b, TYPE_MOUSE, 512);
	b_type_node(&b, TYPE_VSS, 256);
	b_type_node(&b, TYPE_I8042, 512);
	b_str(&b, b_type_node(&b, TYPE_VIDEO_S3, 512), "address", "5353,00000000,00");
	b_type_node(&b, TYPE_HEARTBEAT, 256);
	c = b_type_node(&b, TYPE_SERIAL, 512);
	b_str(&b, c, "port0/connection", "");
	b_str(&b, c, "port1/connection", "");
	b_type_node(&b, TYPE_SHUTDOWN, 256);
	b_type_node(&b, TYPE_INPUT, 256);
	b_int(&b, b_type_node(&b, TYPE_RTC, 256), "RtcDevice/CmosUtcSkew", 0);
	b_type_node(&b, TYPE_SYNTH_VIDEO, 256);
	bios = b_type_node(&b, TYPE_BIOS, 512);
	b_str(&b, bios, "base_board/serial_number", serial);
	b_str(&b, bios, "bios_guid",
	      spec->bios_guid ? spec->bios_guid : "{5E1F0C1A-0000-4000-8000-000000000001}");
	b_str(&b, bios, "bios_serial_number", serial);
	b_str(&b, bios, "boot/device0", "Optical");
	b_str(&b, bios, "boot/device1", "HardDrive");
	b_str(&b, bios, "boot/device2", "Network");
	b_str(&b, bios, "boot/device3", "Floppy");
	b_str(&b, bios, "chassis/asset_tag", serial);
	b_str(&b, bios, "chassis/serial_number", serial);
	b_bool(&b, bios, "num_lock", false);

	ide = b_type_node(&b, TYPE_IDE, 768);
	b_drive(&b, ide, 0, 0, "NONE", "");
	b_drive(&b, ide, 0, 1, "NONE", "");
	b_drive(&b, ide, 1, 0, "NONE", "");
	b_drive(&b, ide, 1, 1, "NONE", "");
	fdc = b_type_node(&b, TYPE_FLOPPY, 256);
	b_drive(&b, fdc, 0, 0, "VFD", "");
	scsi = NULL;
	if (spec->scsi_instance_id) {
		smig_guid_parse(spec->scsi_instance_id, &g);
		scsi = b_node(&b, &g, 256);
		smig_guid_format(&g, SMIG_GUID_LOWER_BRACES, gid);
		b_str(&b, scsi, "ChannelInstanceGuid", gid); /* [fixture choice] */
	}
	for (i = 0; i < spec->ndrives; i++) {
		const struct smig_vmspec_drive *d = &spec->drives[i];
		xmlNodePtr ctl = d->ctrl_kind == SMIG_CTRL_IDE    ? ide
				 : d->ctrl_kind == SMIG_CTRL_SCSI ? scsi
								  : fdc;

		b_drive(&b, ctl, d->controller, d->slot, d->type, d->pathname);
	}

	b_type_manifest(&b, man, &count, TYPE_MOUSE, "Microsoft Synthetic Mouse");
	b_type_manifest(&b, man, &count, TYPE_KEYBOARD, "Microsoft Synthetic Keyboard");
	b_type_manifest(&b, man, &count, TYPE_SYNTH_VIDEO, "Microsoft Synthetic Video");
	b_type_manifest(&b, man, &count, TYPE_HEARTBEAT, "Microsoft Heartbeat Component");
	b_type_manifest(&b, man, &count, TYPE_KVP, "Microsoft Key-Value Pair Exchange Component");
	b_type_manifest(&b, man, &count, TYPE_SHUTDOWN, "Microsoft Shutdown Component");
	b_type_manifest(&b, man, &count, TYPE_TIMESYNC, "Microsoft Time Synchronization Component");
	b_type_manifest(&b, man, &count, TYPE_VSS, "Microsoft VSS Component");
	for (i = 0; i < spec->nnics; i++)
		b_nic(&b, man, &count, &spec->nics[i]);
	if (spec->scsi_instance_id) {
		smig_guid_parse(spec->scsi_instance_id, &g);
		b_manifest(&b, man, &count, TYPE_SCSI, &g, "Synthetic SCSI Controller");
	}
	b_int(&b, man, "size", count);
	b_int(&b, man, "version", 260); /* the 2012 R2 value; 2008 R2's is [NOT FOUND] */

	if (spec->generation_id)
		b_str(&b, root, "global_settings/devices/generation_id", spec->generation_id);
	b_bool(&b, root, "global_settings/devices/storage_allow_full_scsi_command_set", false);
	b_bool(&b, root, "global_settings/disk_merge_pending", false);
	b_int(&b, root, "global_settings/power/host_shutdown/action", 1);
	b_int(&b, root, "global_settings/power/host_startup/action", 1);
	b_int(&b, root, "global_settings/snapshots/list/size", (int64_t)spec->nsnapshots);
	for (i = 0; i < spec->nsnapshots; i++) {
		smig_guid_parse(spec->snapshot_ids[i], &g);
		smig_guid_format(&g, SMIG_GUID_UPPER, gid);
		snprintf(path, sizeof(path), "global_settings/snapshots/list/snapshot%zu", i);
		b_str(&b, root, path, gid);
	}
	b_int(&b, root, "global_settings/unexpected_termination/action", 1);
	b_bool(&b, root, "global_settings/vhd_path_acled", true);

	for (i = 0; i < 8; i++)
		ft[i] = (unsigned char)(spec->creation_filetime >> (8 * i));
	ct = smig_base64_encode(ft, sizeof(ft));
	if (ct == NULL) {
		smig_err_nomem(e, _("building a VM configuration"));
		goto out;
	}
	smig_guid_parse(spec->global_id, &g);
	smig_guid_format(&g, SMIG_GUID_UPPER, gid);
	b_leaf(&b, root, "properties/creation_time", "bytes", ct);
	b_str(&b, root, "properties/global_id", gid);
	b_bool(&b, root, "properties/highly_available", false);
	b_str(&b, root, "properties/name", spec->name);
	b_str(&b, root, "properties/notes", spec->notes);
	b_str(&b, root, "properties/type_id", "Virtual Machines");
	b_int(&b, root, "properties/version", spec->version);

	b_str(&b, root, "settings/global/logical_id", gid);
	b_int(&b, root, "settings/memory/bank/limit", spec->memory_max_mb);
	b_int(&b, root, "settings/memory/bank/reservation", spec->memory_min_mb);
	b_int(&b, root, "settings/memory/bank/size", spec->memory_mb);
	if (spec->sp1_memory_fields) {
		b_bool(&b, root, "settings/memory/bank/dynamic_memory_enabled",
		       spec->dynamic_memory);
		b_int(&b, root, "settings/memory/bank/priority", 5000);
		b_int(&b, root, "settings/memory/bank/target_memory_buffer", 20);
	}
	b_int(&b, root, "settings/processors/count", spec->cpu_count);
	b_bool(&b, root, "settings/processors/features/limit", spec->cpu_compat);
	b_int(&b, root, "settings/processors/limit", 100000);
	b_bool(&b, root, "settings/processors/limit_cpuid", false);
	b_int(&b, root, "settings/processors/reservation", 0);
	b_int(&b, root, "settings/processors/weight", 100);
	if (b.failed)
		goto out;
	rc = serialize_doc(doc, out, len, e);
out:
	free(ct);
	if (doc)
		xmlFreeDoc(doc);
	return rc;
}
