/* livecheck.c - the verification from the live host's smig-state.json (see livecheck.h). */
#include "livecheck.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "azman.h"
#include "fileio.h"
#include "hive.h"
#include "i18n.h"
#include "report.h"
#include "strbuf.h"
#include "verdict.h"

/*
 * Bounds on the parsed document [ASSUMED, generous]: ConvertTo-Json -Depth 8 nests a few
 * levels; a 2012 host has at most 1024 VMs, 50 snapshots and 260 drives each.
 */
#define MAX_DEPTH 32
#define MAX_VALUES 2000000 /* JSON values in the whole file */
#define MAX_LIST 65536     /* elements of one list */
#define MAX_STR 65536      /* bytes of one string (Windows paths are < 32 Ki chars) */
#define MAX_SHORT 1024     /* names, ids, enum texts */
#define MAX_BASE64 (SMIG_AZMAN_MAX_BYTES / 3 * 4 + (4u << 20)) /* with line breaks */

/* ==== loading ==== */

/* The reader: the file's name and the member being read, for the one-line error. */
struct rd {
	const char *what;
	char path[256];
	size_t len;
	struct smig_err *e;
};

/* Extend the member path by `key` (and `[idx]` unless idx is SIZE_MAX); returns the mark to
 * leave() back to. A path too long for the buffer keeps its prefix. */
static size_t enter(struct rd *r, const char *key, size_t idx)
{
	size_t mark = r->len, room = sizeof(r->path) - mark;
	const char *dot = mark > 0 ? "." : "";
	int n;

	if (idx == SIZE_MAX)
		n = snprintf(r->path + mark, room, "%s%s", dot, key);
	else
		n = snprintf(r->path + mark, room, "%s%s[%zu]", dot, key, idx);
	if (n < 0 || (size_t)n >= room)
		r->path[mark] = '\0';
	else
		r->len += (size_t)n;
	return mark;
}

static void leave(struct rd *r, size_t mark)
{
	r->len = mark;
	r->path[mark] = '\0';
}

/* Fail on member `key` of the current object (key NULL: the current member itself). */
SMIG_PRINTF(3, 4)
static int wrong(struct rd *r, const char *key, const char *fmt, ...)
{
	char reason[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap); /* a cut reason still reads */
	va_end(ap);
	return smig_err_set(
	    r->e, SMIG_ERR_FORMAT, _("cannot read the live state '%s': member '%s%s%s' %s"),
	    r->what, r->path, key != NULL && r->len > 0 ? "." : "", key != NULL ? key : "", reason);
}

/* A member's value, or NULL when absent or null (live-state.md: both mean "none"). */
static json_t *get(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return v == NULL || json_is_null(v) ? NULL : v;
}

static int get_str(struct rd *r, json_t *o, const char *key, size_t max, char **out)
{
	json_t *v = get(o, key);

	*out = NULL;
	if (v == NULL)
		return 0;
	if (!json_is_string(v))
		return wrong(r, key, _("is not a string"));
	if (json_string_length(v) > max)
		return wrong(r, key, _("is longer than %zu bytes"), max);
	*out = smig_strndup(json_string_value(v), json_string_length(v), r->e);
	return *out != NULL ? 0 : -1;
}

/* An integer in [min, max]; *out = -1 when absent (min is never negative here). */
static int get_int(struct rd *r, json_t *o, const char *key, int64_t min, int64_t max, int64_t *out)
{
	json_t *v = get(o, key);
	json_int_t n;

	*out = -1;
	if (v == NULL)
		return 0;
	if (!json_is_integer(v))
		return wrong(r, key, _("is not an integer"));
	n = json_integer_value(v);
	if (n < min || n > max)
		return wrong(r, key, _("is out of range (%" PRId64 " to %" PRId64 ")"), min, max);
	*out = (int64_t)n;
	return 0;
}

/* true/false -> 1/0, absent -> -1. */
static int get_bool(struct rd *r, json_t *o, const char *key, int *out)
{
	json_t *v = get(o, key);

	*out = -1;
	if (v == NULL)
		return 0;
	if (!json_is_boolean(v))
		return wrong(r, key, _("is not true or false"));
	*out = json_is_true(v) ? 1 : 0;
	return 0;
}

/* A MAC address in any separator form; "" reads as absent. */
static int get_mac(struct rd *r, json_t *o, const char *key, struct smig_mac *m, bool *has)
{
	char *s = NULL;
	int rc;

	*has = false;
	if ((rc = get_str(r, o, key, MAX_SHORT, &s)) < 0 || s == NULL || s[0] == '\0')
		goto out;
	if (!smig_mac_parse(s, m))
		rc = wrong(r, key, _("is not a MAC address"));
	else
		*has = true;
out:
	free(s);
	return rc;
}

/* A GUID, kept upper case without braces. */
static int get_guid(struct rd *r, json_t *o, const char *key, bool required, char **out)
{
	char *s = NULL, buf[SMIG_GUID_BUFSZ];
	struct smig_guid g;
	int rc;

	*out = NULL;
	if ((rc = get_str(r, o, key, MAX_SHORT, &s)) < 0)
		return -1;
	if (s == NULL) {
		rc = required ? wrong(r, key, _("is missing")) : 0;
	} else if (!smig_guid_parse(s, &g)) {
		rc = wrong(r, key, _("is not a GUID"));
	} else {
		smig_guid_format(&g, SMIG_GUID_UPPER, buf);
		*out = smig_strdup(buf, r->e);
		rc = *out != NULL ? 0 : -1;
	}
	free(s);
	return rc;
}

static int get_switch_type(struct rd *r, json_t *o, const char *key, int *out)
{
	static const struct {
		const char *name;
		enum smig_switch_type t;
	} types[] = {{"Private", SMIG_SWITCH_PRIVATE},
	             {"Internal", SMIG_SWITCH_INTERNAL},
	             {"External", SMIG_SWITCH_EXTERNAL}};
	char *s = NULL;
	size_t i;
	int rc;

	*out = -1;
	if ((rc = get_str(r, o, key, MAX_SHORT, &s)) < 0 || s == NULL)
		goto out;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (smig_streq_ci(s, types[i].name))
			*out = (int)types[i].t;
	if (*out < 0)
		rc = wrong(r, key, _("is not Private, Internal or External"));
out:
	free(s);
	return rc;
}

/*
 * PowerShell 3.0's wrapper of an array, {"value": [...], "Count": n} (ConvertTo-Json writes
 * it when the array type data's Count property is serialised): 1 and its array in *inner when
 * `v` has that shape, 0 when it is no wrapper, -1 (error set) for a wrapper that is wrong.
 */
static int unwrap(struct rd *r, const char *key, json_t *v, json_t **inner)
{
	json_t *value = json_object_get(v, "value"), *count = json_object_get(v, "Count");
	size_t n;

	*inner = NULL;
	if (!json_is_object(v) || (value == NULL && count == NULL))
		return 0;
	if (value == NULL || count == NULL || json_object_size(v) != 2)
		return wrong(
		    r, key,
		    _("looks like PowerShell's array wrapper but is not {\"value\": [...], "
		      "\"Count\": n}"));
	if (json_is_null(value)) {
		*inner = NULL;
		n = 0;
	} else if (json_is_array(value)) {
		*inner = value;
		n = json_array_size(value);
	} else {
		return wrong(r, key,
		             _("is PowerShell's array wrapper but its 'value' is not a list"));
	}
	if (!json_is_integer(count) || json_integer_value(count) < 0 ||
	    (size_t)json_integer_value(count) != n)
		return wrong(r, key,
		             _("is PowerShell's array wrapper but its 'Count' is not the %zu "
		               "elements of its 'value'"),
		             n);
	return 1;
}

/*
 * A list: an array, or a single element given as itself (PowerShell 3.0 unrolls one-element
 * arrays), or PowerShell 3.0's {"value": [...], "Count": n} wrapper of an array; absent, null
 * and [] are empty. `single` is the JSON type a lone element may have.
 */
static int get_list(struct rd *r, json_t *o, const char *key, json_type single, json_t **list,
                    size_t *n)
{
	json_t *v = get(o, key), *inner;
	int w;

	*list = NULL;
	*n = 0;
	if (v == NULL)
		return 0;
	if ((w = unwrap(r, key, v, &inner)) < 0)
		return -1;
	if (w == 1) {
		if (inner == NULL)
			return 0;
		v = inner;
	}
	if (json_is_array(v)) {
		if (json_array_size(v) > MAX_LIST)
			return wrong(r, key, _("has more than %d elements"), MAX_LIST);
		*list = v;
		*n = json_array_size(v);
		return 0;
	}
	if (json_typeof(v) != single)
		return wrong(r, key, _("is not a list"));
	*list = v;
	*n = 1;
	return 0;
}

static json_t *list_at(json_t *list, size_t i)
{
	return json_is_array(list) ? json_array_get(list, i) : list;
}

/* A list of strings (NULL-terminated; NULL when empty). */
static int get_strv(struct rd *r, json_t *o, const char *key, char ***out)
{
	json_t *list, *v;
	size_t n, i;
	char **sv;

	*out = NULL;
	if (get_list(r, o, key, JSON_STRING, &list, &n) < 0)
		return -1;
	if (n == 0)
		return 0;
	if ((sv = calloc(n + 1, sizeof(*sv))) == NULL)
		return smig_err_nomem(r->e, _("reading the live state"));
	*out = sv;
	for (i = 0; i < n; i++) {
		v = list_at(list, i);
		if (!json_is_string(v) || json_string_length(v) > MAX_SHORT) {
			size_t mark = enter(r, key, i);

			wrong(r, NULL, _("is not a string of at most %d bytes"), MAX_SHORT);
			leave(r, mark);
			return -1;
		}
		if ((sv[i] = smig_strdup(json_string_value(v), r->e)) == NULL)
			return -1;
	}
	return 0;
}

/*
 * Call fn for each object of list `key`, allocating *arr of n elements of `size` bytes first
 * (the caller's array is owned by the model even when fn fails half-way).
 */
typedef int (*elem_fn)(struct rd *r, json_t *o, void *elem);

static int get_objects(struct rd *r, json_t *o, const char *key, size_t size, elem_fn fn, void *arr,
                       size_t *count)
{
	void **parr = arr;
	json_t *list, *v;
	size_t n, i, mark;
	int rc = 0;

	*parr = NULL;
	*count = 0;
	if (get_list(r, o, key, JSON_OBJECT, &list, &n) < 0)
		return -1;
	if (n == 0)
		return 0;
	if ((*parr = calloc(n, size)) == NULL)
		return smig_err_nomem(r->e, _("reading the live state"));
	*count = n;
	for (i = 0; i < n && rc == 0; i++) {
		v = list_at(list, i);
		mark = enter(r, key, i);
		if (!json_is_object(v))
			rc = wrong(r, NULL, _("is not an object"));
		else
			rc = fn(r, v, (char *)*parr + i * size);
		leave(r, mark);
	}
	return rc;
}

static int read_switch(struct rd *r, json_t *o, void *elem)
{
	struct smig_live_switch *s = elem;

	if (get_guid(r, o, "id", false, &s->id) < 0 ||
	    get_str(r, o, "name", MAX_STR, &s->name) < 0 ||
	    get_switch_type(r, o, "type", &s->type) < 0 ||
	    get_bool(r, o, "allow_management_os", &s->allow_management_os) < 0 ||
	    get_str(r, o, "adapter_description", MAX_STR, &s->adapter_description) < 0 ||
	    get_mac(r, o, "adapter_mac", &s->adapter_mac, &s->has_adapter_mac) < 0)
		return -1;
	if (s->name == NULL)
		return wrong(r, "name", _("is missing"));
	return 0;
}

static int read_adapter(struct rd *r, json_t *o, void *elem)
{
	struct smig_live_adapter *a = elem;

	if (get_str(r, o, "name", MAX_STR, &a->name) < 0 ||
	    get_str(r, o, "description", MAX_STR, &a->description) < 0 ||
	    get_mac(r, o, "mac", &a->mac, &a->has_mac) < 0 ||
	    get_bool(r, o, "virtual", &a->is_virtual) < 0 ||
	    get_str(r, o, "status", MAX_SHORT, &a->status) < 0 ||
	    get_str(r, o, "link_speed", MAX_SHORT, &a->link_speed) < 0 ||
	    get_bool(r, o, "vmq_enabled", &a->vmq_enabled) < 0)
		return -1;
	return 0;
}

static int read_ip(struct rd *r, json_t *o, void *elem)
{
	struct smig_live_ip *ip = elem;

	if (get_str(r, o, "interface", MAX_STR, &ip->interface) < 0 ||
	    get_mac(r, o, "mac", &ip->mac, &ip->has_mac) < 0 ||
	    get_bool(r, o, "dhcp", &ip->dhcp) < 0 ||
	    get_strv(r, o, "addresses", &ip->addresses) < 0 ||
	    get_strv(r, o, "gateways", &ip->gateways) < 0 || get_strv(r, o, "dns", &ip->dns) < 0)
		return -1;
	return 0;
}

/* What every drive has: its slot and the file it holds. */
static int read_drive_slot(struct rd *r, json_t *o, struct smig_live_drive *d)
{
	if (get_int(r, o, "controller_number", 0, 255, &d->controller_number) < 0 ||
	    get_int(r, o, "controller_location", 0, 255, &d->controller_location) < 0 ||
	    get_str(r, o, "path", MAX_STR, &d->path) < 0)
		return -1;
	return 0;
}

static int read_hard_drive(struct rd *r, json_t *o, void *elem)
{
	struct smig_live_drive *d = elem;

	if (get_str(r, o, "controller_type", MAX_SHORT, &d->controller_type) < 0 ||
	    read_drive_slot(r, o, d) < 0 ||
	    get_int(r, o, "disk_number", 0, INT32_MAX, &d->disk_number) < 0)
		return -1;
	return 0;
}

static int read_media_drive(struct rd *r, json_t *o, void *elem)
{
	struct smig_live_drive *d = elem;

	d->disk_number = -1;
	return read_drive_slot(r, o, d);
}

static int read_snapshot(struct rd *r, json_t *o, void *elem)
{
	struct smig_live_snapshot *s = elem;

	if (get_guid(r, o, "id", true, &s->id) < 0 ||
	    get_str(r, o, "name", MAX_STR, &s->name) < 0 ||
	    get_guid(r, o, "parent_id", false, &s->parent_id) < 0)
		return -1;
	return 0;
}

static int read_vmnic(struct rd *r, json_t *o, void *elem)
{
	struct smig_live_vmnic *n = elem;

	if (get_str(r, o, "name", MAX_STR, &n->name) < 0 ||
	    get_mac(r, o, "mac", &n->mac, &n->has_mac) < 0 ||
	    get_bool(r, o, "mac_static", &n->mac_static) < 0 ||
	    get_bool(r, o, "legacy", &n->legacy) < 0 ||
	    get_str(r, o, "switch_name", MAX_STR, &n->switch_name) < 0 ||
	    get_str(r, o, "vlan_mode", MAX_SHORT, &n->vlan_mode) < 0 ||
	    get_int(r, o, "vlan_id", 0, 4095, &n->vlan_id) < 0)
		return -1;
	return 0;
}

static int read_vm(struct rd *r, json_t *o, void *elem)
{
	struct smig_live_vm *v = elem;
	const int64_t max_bytes = INT64_C(1) << 50; /* 1 PiB: beyond any host */

	if (get_guid(r, o, "id", true, &v->id) < 0 ||
	    get_str(r, o, "name", MAX_STR, &v->name) < 0 ||
	    get_str(r, o, "state", MAX_SHORT, &v->state) < 0 ||
	    get_str(r, o, "path", MAX_STR, &v->path) < 0 ||
	    get_str(r, o, "version", MAX_SHORT, &v->version) < 0 ||
	    get_int(r, o, "memory_startup_bytes", 0, max_bytes, &v->memory_startup) < 0 ||
	    get_int(r, o, "memory_minimum_bytes", 0, max_bytes, &v->memory_minimum) < 0 ||
	    get_int(r, o, "memory_maximum_bytes", 0, max_bytes, &v->memory_maximum) < 0 ||
	    get_bool(r, o, "dynamic_memory", &v->dynamic_memory) < 0 ||
	    get_int(r, o, "processor_count", 0, 4096, &v->processor_count) < 0 ||
	    get_bool(r, o, "processor_compatibility", &v->processor_compatibility) < 0 ||
	    get_objects(r, o, "hard_drives", sizeof(*v->hard_drives), read_hard_drive,
	                &v->hard_drives, &v->nhard_drives) < 0 ||
	    get_objects(r, o, "dvd_drives", sizeof(*v->dvd_drives), read_media_drive,
	                &v->dvd_drives, &v->ndvd_drives) < 0 ||
	    get_objects(r, o, "floppy_drives", sizeof(*v->floppy_drives), read_media_drive,
	                &v->floppy_drives, &v->nfloppy_drives) < 0 ||
	    get_objects(r, o, "snapshots", sizeof(*v->snapshots), read_snapshot, &v->snapshots,
	                &v->nsnapshots) < 0 ||
	    get_objects(r, o, "network_adapters", sizeof(*v->nics), read_vmnic, &v->nics,
	                &v->nnics) < 0)
		return -1;
	return 0;
}

static int read_fwrule(struct rd *r, json_t *o, void *elem)
{
	struct smig_live_fwrule *f = elem;

	if (get_str(r, o, "name", MAX_STR, &f->name) < 0 ||
	    get_str(r, o, "display_name", MAX_STR, &f->display_name) < 0 ||
	    get_str(r, o, "group", MAX_STR, &f->group) < 0 ||
	    get_bool(r, o, "enabled", &f->enabled) < 0)
		return -1;
	return 0;
}

static int read_host(struct rd *r, json_t *root, struct smig_live_host *h)
{
	json_t *o = get(root, "host");
	size_t mark;
	int rc = -1;

	h->logical_processors = h->memory_bytes = -1;
	if (o == NULL)
		return 0;
	mark = enter(r, "host", SIZE_MAX);
	if (!json_is_object(o)) {
		wrong(r, NULL, _("is not an object"));
		goto out;
	}
	if (get_str(r, o, "computer_name", MAX_SHORT, &h->computer_name) < 0 ||
	    get_str(r, o, "os_version", MAX_SHORT, &h->os_version) < 0 ||
	    get_str(r, o, "virtual_machine_path", MAX_STR, &h->virtual_machine_path) < 0 ||
	    get_str(r, o, "virtual_hard_disk_path", MAX_STR, &h->virtual_hard_disk_path) < 0 ||
	    get_mac(r, o, "mac_address_minimum", &h->mac_min, &h->has_mac_min) < 0 ||
	    get_mac(r, o, "mac_address_maximum", &h->mac_max, &h->has_mac_max) < 0 ||
	    get_int(r, o, "logical_processors", 0, 65536, &h->logical_processors) < 0 ||
	    get_int(r, o, "memory_bytes", 0, INT64_MAX, &h->memory_bytes) < 0 ||
	    get_str(r, o, "store_location", MAX_STR, &h->store_location) < 0)
		goto out;
	rc = 0;
out:
	leave(r, mark);
	return rc;
}

static int read_vmq(struct rd *r, json_t *root, struct smig_live *l)
{
	json_t *o = get(root, "vmq");
	size_t mark;
	int rc = -1;

	l->vmq_tengig = l->vmq_below_tengig = -1;
	if (o == NULL)
		return 0;
	mark = enter(r, "vmq", SIZE_MAX);
	if (!json_is_object(o))
		wrong(r, NULL, _("is not an object"));
	else if (get_int(r, o, "TenGigVmqEnabled", 0, UINT32_MAX, &l->vmq_tengig) == 0 &&
	         get_int(r, o, "BelowTenGigVmqEnabled", 0, UINT32_MAX, &l->vmq_below_tengig) == 0)
		rc = 0;
	leave(r, mark);
	return rc;
}

static int read_authorization(struct rd *r, json_t *root, struct smig_live *l)
{
	json_t *o = get(root, "authorization");
	char *b64 = NULL;
	size_t mark;
	int rc = -1;

	if (o == NULL)
		return 0;
	mark = enter(r, "authorization", SIZE_MAX);
	if (!json_is_object(o)) {
		wrong(r, NULL, _("is not an object"));
		goto out;
	}
	l->has_authorization = true;
	if (get_str(r, o, "path", MAX_STR, &l->authorization_path) < 0 ||
	    get_str(r, o, "xml_base64", MAX_BASE64, &b64) < 0)
		goto out;
	if (b64 != NULL) {
		struct smig_err de = SMIG_ERR_INIT;

		if (smig_base64_decode(b64, strlen(b64), &l->authorization_xml,
		                       &l->authorization_len, &de) < 0) {
			if (de.kind == SMIG_ERR_NOMEM)
				smig_err_set(r->e, de.kind, "%s", de.msg);
			else
				wrong(r, "xml_base64", _("is not base64"));
			goto out;
		}
		if (l->authorization_len > SMIG_AZMAN_MAX_BYTES) {
			wrong(r, "xml_base64", _("decodes to more than %zu bytes"),
			      (size_t)SMIG_AZMAN_MAX_BYTES);
			goto out;
		}
	}
	rc = 0;
out:
	free(b64);
	leave(r, mark);
	return rc;
}

/*
 * Bound the work before jansson builds anything: nesting depth and the number of values
 * (commas and openings outside strings) in one linear pass.
 */
static int prescan(const char *s, size_t len, const char *what, struct smig_err *e)
{
	size_t i, values = 1, depth = 0;
	bool in_str = false;

	for (i = 0; i < len; i++) {
		char ch = s[i];

		if (in_str) {
			if (ch == '\\')
				i++;
			else if (ch == '"')
				in_str = false;
			continue;
		}
		switch (ch) {
		case '"':
			in_str = true;
			break;
		case '[':
		case '{':
			if (++depth > MAX_DEPTH)
				return smig_err_set(
				    e, SMIG_ERR_FORMAT,
				    _("cannot read the live state '%s': it nests deeper "
				      "than %d levels (byte %zu)"),
				    what, MAX_DEPTH, i);
			values++;
			break;
		case ']':
		case '}':
			if (depth > 0)
				depth--;
			break;
		case ',':
			values++;
			break;
		default:
			break;
		}
		if (values > MAX_VALUES)
			return smig_err_set(
			    e, SMIG_ERR_FORMAT,
			    _("cannot read the live state '%s': it holds more than %d "
			      "values (byte %zu)"),
			    what, MAX_VALUES, i);
	}
	return 0;
}

/* Orders VM pointers by id, then by position (ids are upper case, no braces: strcmp). */
static int vm_order(const void *a, const void *b)
{
	const struct smig_live_vm *x = *(const struct smig_live_vm *const *)a;
	const struct smig_live_vm *y = *(const struct smig_live_vm *const *)b;
	int c = strcmp(x->id, y->id);

	return c != 0 ? c : (x > y) - (x < y);
}

/* Orders switch pointers by name (case-insensitive, as Windows), type, then position. */
static int switch_order(const void *a, const void *b)
{
	const struct smig_live_switch *x = *(const struct smig_live_switch *const *)a;
	const struct smig_live_switch *y = *(const struct smig_live_switch *const *)b;
	int c = strcasecmp(x->name, y->name);

	if (c == 0)
		c = (x->type > y->type) - (x->type < y->type);
	return c != 0 ? c : (x > y) - (x < y);
}

/*
 * A live host cannot have two VMs with one id, nor two switches of one type with one name:
 * a state that lists them was not written by migrate.ps1 and is refused (sorted, so a hostile
 * list of 65536 costs n log n, not n squared).
 */
static int check_unique(struct rd *r, const struct smig_live *l)
{
	size_t n = l->nvms > l->nswitches ? l->nvms : l->nswitches, i, first, dup;
	const void **v = NULL;
	char key[64];
	int rc = 0;

	if (n < 2)
		return 0;
	if ((v = calloc(n, sizeof(*v))) == NULL)
		return smig_err_nomem(r->e, _("reading the live state"));
	for (i = 0; i < l->nvms; i++)
		v[i] = &l->vms[i];
	qsort(v, l->nvms, sizeof(*v), vm_order);
	for (i = 1; i < l->nvms && rc == 0; i++) {
		const struct smig_live_vm *a = v[i - 1], *b = v[i];

		if (strcmp(a->id, b->id) != 0)
			continue;
		first = (size_t)(a - l->vms);
		dup = (size_t)(b - l->vms);
		snprintf(key, sizeof(key), "vms[%zu].id", dup);
		rc = wrong(
		    r, key,
		    _("repeats the id %s of vms[%zu]: a host cannot have two virtual machines "
		      "with one id"),
		    b->id, first);
	}
	for (i = 0; i < l->nswitches && rc == 0; i++)
		v[i] = &l->switches[i];
	if (rc == 0)
		qsort(v, l->nswitches, sizeof(*v), switch_order);
	for (i = 1; i < l->nswitches && rc == 0; i++) {
		const struct smig_live_switch *a = v[i - 1], *b = v[i];

		if (strcasecmp(a->name, b->name) != 0 || a->type != b->type)
			continue;
		first = (size_t)(a - l->switches);
		dup = (size_t)(b - l->switches);
		snprintf(key, sizeof(key), "switches[%zu].name", dup);
		rc = wrong(r, key,
		           _("repeats the name '%s' of switches[%zu], a switch of the same type"),
		           b->name, first);
	}
	free(v);
	return rc;
}

int smig_livecheck_parse(const void *buf, size_t len, const char *what, struct smig_live **out,
                         struct smig_err *e)
{
	struct rd r = {what, "", 0, e};
	const char *text = buf;
	struct smig_live *l = NULL;
	json_t *root = NULL, *v;
	json_error_t je;
	int64_t version;
	char *format = NULL;
	int rc = -1;

	*out = NULL;
	if (len > SMIG_LIVE_MAX_BYTES)
		return smig_err_set(
		    e, SMIG_ERR_FORMAT,
		    _("cannot read the live state '%s': it is larger than %zu bytes"), what,
		    SMIG_LIVE_MAX_BYTES);
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
		text += 3;
		len -= 3;
	} else if (len >= 2 &&
	           (memcmp(text, "\xFF\xFE", 2) == 0 || memcmp(text, "\xFE\xFF", 2) == 0)) {
		return smig_err_set(e, SMIG_ERR_FORMAT,
		                    _("cannot read the live state '%s': it is UTF-16, not UTF-8 "
		                      "(save it with -Encoding UTF8)"),
		                    what);
	}
	if (prescan(text, len, what, e) < 0)
		return -1;
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL) {
		/* jansson's text is one line; it names what is wrong and where */
		smig_err_set(
		    e, SMIG_ERR_FORMAT,
		    _("cannot read the live state '%s': not JSON: %s (line %d, column %d)"), what,
		    je.text, je.line, je.column);
		goto out;
	}
	if (!json_is_object(root)) {
		smig_err_set(e, SMIG_ERR_FORMAT,
		             _("cannot read the live state '%s': it is not a JSON object"), what);
		goto out;
	}
	if (get_str(&r, root, "format", MAX_SHORT, &format) < 0)
		goto out;
	if (format == NULL || strcmp(format, SMIG_LIVE_FORMAT) != 0) {
		if (format == NULL)
			wrong(&r, "format", _("is missing"));
		else
			wrong(&r, "format", _("is not \"%s\""), SMIG_LIVE_FORMAT);
		goto out;
	}
	v = get(root, "version");
	if (v == NULL) {
		wrong(&r, "version", _("is missing"));
		goto out;
	}
	if (get_int(&r, root, "version", 0, INT32_MAX, &version) < 0)
		goto out;
	if (version != SMIG_LIVE_VERSION) {
		wrong(&r, "version", _("is %" PRId64 ": only version %d is understood"), version,
		      SMIG_LIVE_VERSION);
		goto out;
	}
	if ((l = calloc(1, sizeof(*l))) == NULL) {
		smig_err_nomem(e, _("reading the live state"));
		goto out;
	}
	if ((l->file = smig_strdup(what, e)) == NULL ||
	    get_str(&r, root, "archive_id", MAX_SHORT, &l->archive_id) < 0 ||
	    get_str(&r, root, "written_utc", MAX_SHORT, &l->written_utc) < 0 ||
	    read_host(&r, root, &l->host) < 0 || read_vmq(&r, root, l) < 0 ||
	    get_objects(&r, root, "switches", sizeof(*l->switches), read_switch, &l->switches,
	                &l->nswitches) < 0 ||
	    get_objects(&r, root, "adapters", sizeof(*l->adapters), read_adapter, &l->adapters,
	                &l->nadapters) < 0 ||
	    get_objects(&r, root, "ip", sizeof(*l->ip), read_ip, &l->ip, &l->nip) < 0 ||
	    get_objects(&r, root, "vms", sizeof(*l->vms), read_vm, &l->vms, &l->nvms) < 0 ||
	    read_authorization(&r, root, l) < 0 ||
	    get_objects(&r, root, "firewall", sizeof(*l->firewall), read_fwrule, &l->firewall,
	                &l->nfirewall) < 0 ||
	    check_unique(&r, l) < 0)
		goto out;
	*out = l;
	l = NULL;
	rc = 0;
out:
	smig_live_free(l);
	free(format);
	json_decref(root);
	return rc;
}

int smig_livecheck_load(const char *path, struct smig_live **out, struct smig_err *e)
{
	char *buf = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	if (smig_file_read(path, SMIG_LIVE_MAX_BYTES, NULL, &buf, &len, e) < 0)
		return -1;
	rc = smig_livecheck_parse(buf, len, path, out, e);
	free(buf);
	return rc;
}

static void drives_free(struct smig_live_drive *d, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(d[i].controller_type);
		free(d[i].path);
	}
	free(d);
}

void smig_live_free(struct smig_live *l)
{
	size_t i, k;

	if (l == NULL)
		return;
	free(l->file);
	free(l->archive_id);
	free(l->written_utc);
	free(l->host.computer_name);
	free(l->host.os_version);
	free(l->host.virtual_machine_path);
	free(l->host.virtual_hard_disk_path);
	free(l->host.store_location);
	for (i = 0; i < l->nswitches; i++) {
		free(l->switches[i].id);
		free(l->switches[i].name);
		free(l->switches[i].adapter_description);
	}
	free(l->switches);
	for (i = 0; i < l->nadapters; i++) {
		free(l->adapters[i].name);
		free(l->adapters[i].description);
		free(l->adapters[i].status);
		free(l->adapters[i].link_speed);
	}
	free(l->adapters);
	for (i = 0; i < l->nip; i++) {
		free(l->ip[i].interface);
		smig_strv_free(l->ip[i].addresses);
		smig_strv_free(l->ip[i].gateways);
		smig_strv_free(l->ip[i].dns);
	}
	free(l->ip);
	for (i = 0; i < l->nvms; i++) {
		struct smig_live_vm *v = &l->vms[i];

		free(v->id);
		free(v->name);
		free(v->state);
		free(v->path);
		free(v->version);
		drives_free(v->hard_drives, v->nhard_drives);
		drives_free(v->dvd_drives, v->ndvd_drives);
		drives_free(v->floppy_drives, v->nfloppy_drives);
		for (k = 0; k < v->nsnapshots; k++) {
			free(v->snapshots[k].id);
			free(v->snapshots[k].name);
			free(v->snapshots[k].parent_id);
		}
		free(v->snapshots);
		for (k = 0; k < v->nnics; k++) {
			free(v->nics[k].name);
			free(v->nics[k].switch_name);
			free(v->nics[k].vlan_mode);
		}
		free(v->nics);
	}
	free(l->vms);
	free(l->authorization_path);
	free(l->authorization_xml);
	for (i = 0; i < l->nfirewall; i++) {
		free(l->firewall[i].name);
		free(l->firewall[i].display_name);
		free(l->firewall[i].group);
	}
	free(l->firewall);
	free(l);
}

/* ==== checking ==== */

struct lc {
	const struct smig_plan *p;
	const struct smig_inventory *src;
	const struct smig_live *l;
	struct smig_problems *out;
	struct smig_err *e;
};

/* ---- small comparisons ---- */

static const char *str_or(const char *s, const char *dflt)
{
	return s != NULL ? s : dflt;
}

static const char *onoff(int b)
{
	/* TRANSLATORS: said of dynamic memory and of processor compatibility */
	return b < 0 ? _("not reported") : b ? _("on") : _("off");
}

static bool streq_opt_ci(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return smig_streq_ci(a, b);
}

static size_t strv_len(char *const *v)
{
	size_t n = 0;

	while (v != NULL && v[n] != NULL)
		n++;
	return n;
}

static bool strv_has(char *const *v, const char *s)
{
	for (size_t i = 0; v != NULL && v[i] != NULL; i++)
		if (smig_streq_ci(v[i], s))
			return true;
	return false;
}

/* Same elements, any order (case-insensitive). */
static bool strv_set_eq(char *const *a, char *const *b)
{
	size_t i;

	if (strv_len(a) != strv_len(b))
		return false;
	for (i = 0; a != NULL && a[i] != NULL; i++)
		if (!strv_has(b, a[i]))
			return false;
	for (i = 0; b != NULL && b[i] != NULL; i++)
		if (!strv_has(a, b[i]))
			return false;
	return true;
}

/* Same elements in the same order (DNS servers). */
static bool strv_eq(char *const *a, char *const *b)
{
	size_t i, n = strv_len(a);

	if (n != strv_len(b))
		return false;
	for (i = 0; i < n; i++)
		if (!smig_streq_ci(a[i], b[i]))
			return false;
	return true;
}

/* "a, b" (malloc'd; "none" when empty); NULL with `e` set on ENOMEM. */
static char *strv_join(char *const *v, struct smig_err *e)
{
	struct smig_strbuf sb = SMIG_STRBUF_INIT;
	size_t i;

	for (i = 0; v != NULL && v[i] != NULL; i++) {
		if (i > 0)
			smig_strbuf_puts(&sb, ", ");
		smig_strbuf_puts(&sb, v[i]);
	}
	if (i == 0)
		smig_strbuf_puts(&sb, _("none"));
	if (smig_strbuf_check(&sb, e) < 0) {
		smig_strbuf_release(&sb);
		return NULL;
	}
	return smig_strbuf_take(&sb, NULL);
}

/* A signed count grouped as smig_human_count() groups it (a negative one as it is). */
static const char *count_text(int64_t v, char *buf, size_t len)
{
	if (v >= 0)
		return smig_human_count((uint64_t)v, buf, len);
	snprintf(buf, len, "%" PRId64, v);
	return buf;
}

/* Bytes as the messages show them ("absent" for -1). */
static const char *bytes_text(int64_t v, char *buf, size_t len)
{
	char n[SMIG_COUNT_BUFSZ];

	if (v < 0)
		snprintf(buf, len, "%s", _("not reported"));
	else
		snprintf(buf, len, P_("%s byte", "%s bytes", (unsigned long)v),
		         smig_human_count((uint64_t)v, n, sizeof(n)));
	return buf;
}

/* Source megabytes as bytes (-1 when out of range). */
static int64_t mb_bytes(int64_t mb)
{
	return mb < 0 || mb > INT64_MAX / 1048576 ? -1 : mb * 1048576;
}

static const char *type_name(int t)
{
	switch (t) {
	case SMIG_SWITCH_PRIVATE:
		return _("private");
	case SMIG_SWITCH_INTERNAL:
		return _("internal");
	case SMIG_SWITCH_EXTERNAL:
		return _("external");
	default:
		return _("of unknown type");
	}
}

/* ---- lookups ---- */

static const struct smig_inv_switch *plan_src_switch(const struct smig_plan *p, size_t i)
{
	if (p->switches[i].src != NULL)
		return p->switches[i].src;
	return p->src != NULL && i < p->src->nswitches ? &p->src->switches[i] : NULL;
}

static const struct smig_inv_switch *src_switch(const struct smig_inventory *src, const char *guid)
{
	for (size_t i = 0; guid != NULL && i < src->nswitches; i++)
		if (src->switches[i].guid != NULL &&
		    smig_guid_str_equal(src->switches[i].guid, guid))
			return &src->switches[i];
	return NULL;
}

static const struct smig_live_vm *live_vm(const struct smig_live *l, const char *id)
{
	for (size_t i = 0; id != NULL && i < l->nvms; i++)
		if (smig_guid_str_equal(l->vms[i].id, id))
			return &l->vms[i];
	return NULL;
}

static const struct smig_live_switch *live_switch(const struct smig_live *l, const char *name)
{
	for (size_t i = 0; name != NULL && i < l->nswitches; i++)
		if (streq_opt_ci(l->switches[i].name, name))
			return &l->switches[i];
	return NULL;
}

/* The live adapter that is destination adapter `n`: by MAC, else by description or name. */
static const struct smig_live_adapter *live_adapter(const struct smig_live *l,
                                                    const struct smig_inv_nic *n)
{
	size_t i;

	for (i = 0; n->has_mac && i < l->nadapters; i++)
		if (l->adapters[i].has_mac && smig_mac_cmp(&l->adapters[i].mac, &n->mac) == 0)
			return &l->adapters[i];
	for (i = 0; !n->has_mac && i < l->nadapters; i++)
		if ((n->description != NULL &&
		     streq_opt_ci(l->adapters[i].description, n->description)) ||
		    (n->connection_name != NULL &&
		     streq_opt_ci(l->adapters[i].name, n->connection_name)))
			return &l->adapters[i];
	return NULL;
}

/* The IP entry of an interface: by MAC when given, else by connection name. */
static const struct smig_live_ip *live_ip(const struct smig_live *l, const struct smig_mac *mac,
                                          const char *name)
{
	size_t i;

	for (i = 0; mac != NULL && i < l->nip; i++)
		if (l->ip[i].has_mac && smig_mac_cmp(&l->ip[i].mac, mac) == 0)
			return &l->ip[i];
	for (i = 0; name != NULL && i < l->nip; i++)
		if (streq_opt_ci(l->ip[i].interface, name))
			return &l->ip[i];
	return NULL;
}

/* ---- SMIG4001-4004: the VM, memory, processors, snapshots ---- */

static int check_memory(struct lc *c, const char *subject, const struct smig_inv_vm *s,
                        const struct smig_live_vm *a)
{
	struct smig_verdict v = SMIG_VERDICT_INIT;
	int64_t want = mb_bytes(s->memory_mb), wmin = mb_bytes(s->memory_min_mb),
	        wmax = mb_bytes(s->memory_max_mb);
	char b1[64], b2[64], n1[SMIG_COUNT_BUFSZ], n2[SMIG_COUNT_BUFSZ], n3[SMIG_COUNT_BUFSZ], n4[SMIG_COUNT_BUFSZ];

	if (a->memory_startup != want)
		smig_verdict_bad(
		    &v, _("startup memory is %s on the host but %s MB (%s) on the source"),
		    bytes_text(a->memory_startup, b1, sizeof(b1)),
		    count_text(s->memory_mb, n1, sizeof(n1)), bytes_text(want, b2, sizeof(b2)));
	if (a->dynamic_memory != (int)s->dynamic_memory)
		smig_verdict_bad(&v, _("dynamic memory is %s on the host but %s on the source"),
		                 onoff(a->dynamic_memory), onoff(s->dynamic_memory));
	/* a static VM's range is Hyper-V's default, not a setting: compared only when dynamic */
	if (s->dynamic_memory && a->memory_minimum != wmin)
		smig_verdict_bad(&v, _("minimum memory is %s on the host but %s MB on the source"),
		                 bytes_text(a->memory_minimum, b1, sizeof(b1)),
		                 count_text(s->memory_min_mb, n1, sizeof(n1)));
	if (s->dynamic_memory && a->memory_maximum != wmax)
		smig_verdict_bad(&v, _("maximum memory is %s on the host but %s MB on the source"),
		                 bytes_text(a->memory_maximum, b1, sizeof(b1)),
		                 count_text(s->memory_max_mb, n1, sizeof(n1)));
	if (s->dynamic_memory)
		smig_verdict_ok(
		    &v,
		    _("memory as on the source: startup %s MB (%s bytes), dynamic, range "
		      "%s-%s MB"),
		    count_text(s->memory_mb, n1, sizeof(n1)), count_text(want, n2, sizeof(n2)),
		    count_text(s->memory_min_mb, n3, sizeof(n3)),
		    count_text(s->memory_max_mb, n4, sizeof(n4)));
	else
		smig_verdict_ok(&v, _("memory as on the source: %s MB (%s bytes), static"),
		                count_text(s->memory_mb, n1, sizeof(n1)),
		                count_text(want, n2, sizeof(n2)));
	return smig_verdict_emit(&v, c->out, "SMIG4002", subject, c->e);
}

static int check_cpu(struct lc *c, const char *subject, const struct smig_plan_vm *pv,
                     const struct smig_inv_vm *s, const struct smig_live_vm *a)
{
	struct smig_verdict v = SMIG_VERDICT_INIT;

	if (a->processor_count != s->cpu_count) {
		if (a->processor_count < 0)
			smig_verdict_bad(
			    &v,
			    _("the processor count is not reported (%" PRId64 " on the source)"),
			    s->cpu_count);
		else
			smig_verdict_bad(&v,
			                 P_("%" PRId64 " virtual processor on the host but %" PRId64
			                    " on the source",
			                    "%" PRId64
			                    " virtual processors on the host but %" PRId64
			                    " on the source",
			                    (unsigned long)a->processor_count),
			                 a->processor_count, s->cpu_count);
	}
	if (a->processor_compatibility != (int)pv->cpu_compat)
		smig_verdict_bad(
		    &v, _("processor compatibility is %s on the host but the plan set it %s"),
		    onoff(a->processor_compatibility), onoff(pv->cpu_compat));
	if (pv->cpu_compat == s->cpu_compat)
		smig_verdict_ok(&v,
		                P_("%" PRId64 " virtual processor, as on the source; processor "
		                   "compatibility %s, as on the source",
		                   "%" PRId64 " virtual processors, as on the source; processor "
		                   "compatibility %s, as on the source",
		                   (unsigned long)s->cpu_count),
		                s->cpu_count, onoff(pv->cpu_compat));
	else
		smig_verdict_ok(&v,
		                P_("%" PRId64 " virtual processor, as on the source; processor "
		                   "compatibility %s as planned (--set-processor-compatibility)",
		                   "%" PRId64 " virtual processors, as on the source; processor "
		                   "compatibility %s as planned (--set-processor-compatibility)",
		                   (unsigned long)s->cpu_count),
		                s->cpu_count, onoff(pv->cpu_compat));
	return smig_verdict_emit(&v, c->out, "SMIG4003", subject, c->e);
}

/* The live snapshot matching source snapshot k: by id, else by name; -1 when none. */
static int live_snap(const struct smig_inv_vm *s, int k, const struct smig_live_vm *a)
{
	const struct smig_inv_snapshot *ss;
	size_t i;

	if (k < 0 || (size_t)k >= s->nsnapshots)
		return -1;
	ss = &s->snapshots[k];
	for (i = 0; ss->id != NULL && i < a->nsnapshots; i++)
		if (smig_guid_str_equal(ss->id, a->snapshots[i].id))
			return (int)i;
	for (i = 0; ss->name != NULL && i < a->nsnapshots; i++)
		if (a->snapshots[i].name != NULL && strcmp(ss->name, a->snapshots[i].name) == 0)
			return (int)i;
	return -1;
}

/* The index of the live snapshot a parent id names: -1 for none, -2 for an unknown id. */
static int live_parent(const struct smig_live_vm *a, const char *parent_id)
{
	if (parent_id == NULL)
		return -1;
	for (size_t i = 0; i < a->nsnapshots; i++)
		if (smig_guid_str_equal(a->snapshots[i].id, parent_id))
			return (int)i;
	return -2;
}

static const char *src_snap_name(const struct smig_inv_vm *s, int k)
{
	if (k < 0 || (size_t)k >= s->nsnapshots)
		return _("(none: a root)");
	return str_or(s->snapshots[k].name, str_or(s->snapshots[k].id, "?"));
}

static int check_snapshots(struct lc *c, const char *subject, const struct smig_inv_vm *s,
                           const struct smig_live_vm *a)
{
	struct smig_verdict v = SMIG_VERDICT_INIT;
	size_t k;

	if (a->nsnapshots != s->nsnapshots)
		smig_verdict_bad(&v,
		                 P_("%zu snapshot on the host but %zu on the source",
		                    "%zu snapshots on the host but %zu on the source",
		                    a->nsnapshots),
		                 a->nsnapshots, s->nsnapshots);
	for (k = 0; k < s->nsnapshots; k++) {
		const struct smig_inv_snapshot *ss = &s->snapshots[k];
		int m = live_snap(s, (int)k, a), want, have;

		if (m < 0) {
			smig_verdict_bad(&v, _("snapshot '%s' is missing"),
			                 src_snap_name(s, (int)k));
			continue;
		}
		want = ss->parent < 0 ? -1 : live_snap(s, ss->parent, a);
		have = live_parent(a, a->snapshots[m].parent_id);
		if (have != want || (ss->parent >= 0 && want < 0))
			smig_verdict_bad(
			    &v, _("snapshot '%s' does not descend from '%s' as on the source"),
			    src_snap_name(s, (int)k), src_snap_name(s, ss->parent));
	}
	if (s->nsnapshots == 0)
		smig_verdict_ok(&v, _("no snapshots, as on the source"));
	else
		smig_verdict_ok(
		    &v,
		    P_("%zu snapshot with the same tree (parent ids), as on the source",
		       "%zu snapshots with the same tree (parent ids), as on the source",
		       s->nsnapshots),
		    s->nsnapshots);
	return smig_verdict_emit(&v, c->out, "SMIG4004", subject, c->e);
}

/* ---- SMIG4005: disks and drives ---- */

struct slot {
	char type[16]; /* "IDE", "SCSI", "Floppy" */
	int number, location;
	bool valid;
};

static struct slot parse_slot(const char *text)
{
	struct slot s = {"", 0, 0, false};

	if (text != NULL && sscanf(text, "%15s %d:%d", s.type, &s.number, &s.location) == 3)
		s.valid = true;
	return s;
}

static bool slot_is(const struct slot *s, const struct smig_live_drive *d)
{
	return s->valid && d->controller_number == s->number &&
	       d->controller_location == s->location &&
	       (d->controller_type == NULL || smig_streq_ci(d->controller_type, s->type));
}

static int check_disk_drive(struct lc *c, const char *vsubject, const struct smig_plan_vm *pv,
                            const struct smig_inv_vm *s, const struct smig_inv_drive *sd,
                            const struct smig_live_vm *a)
{
	const struct smig_inv_disk *disk = &s->disks[sd->disk];
	const char *want = disk->winpath;
	const struct smig_live_drive *at = NULL, *found = NULL;
	struct slot slot = parse_slot(sd->slot);
	struct smig_verdict v = SMIG_VERDICT_INIT;
	char *subject;
	size_t i;
	int rc;

	if ((size_t)sd->disk < pv->ndisks && pv->disks != NULL && pv->disks[sd->disk].winpath)
		want = pv->disks[sd->disk].winpath;
	subject = smig_asprintf(c->e, "%s/disk:%s", vsubject, smig_winpath_base(str_or(want, "?")));
	if (subject == NULL)
		return -1;
	for (i = 0; i < a->nhard_drives; i++) {
		if (found == NULL && smig_winpath_text_eq(a->hard_drives[i].path, want))
			found = &a->hard_drives[i];
		if (at == NULL && slot_is(&slot, &a->hard_drives[i]))
			at = &a->hard_drives[i];
	}
	if (found == NULL) {
		smig_verdict_bad(&v, _("not attached at '%s' as planned"), str_or(want, "?"));
		if (at != NULL)
			smig_verdict_bad(&v, _("the drive at %s holds '%s'"), sd->slot,
			                 str_or(at->path, at->disk_number >= 0
			                                      ? _("a pass-through disk")
			                                      : _("nothing")));
	} else if (slot.valid && !slot_is(&slot, found)) {
		smig_verdict_bad(
		    &v,
		    _("attached at %s %" PRId64 ":%" PRId64 " on the host but at %s on the source"),
		    str_or(found->controller_type, "?"), found->controller_number,
		    found->controller_location, sd->slot);
	}
	smig_verdict_ok(&v, _("attached at %s, at '%s' as planned"), str_or(sd->slot, "?"),
	                str_or(want, "?"));
	rc = smig_verdict_emit(&v, c->out, "SMIG4005", subject, c->e);
	free(subject);
	return rc;
}

/*
 * An ISO or VFD file the plan put on the destination with --copy-media (placed, or found
 * already there and used): the host's DVD or floppy drives must hold it at that path
 * (Windows paths: any case).
 */
static int check_placed_media(struct lc *c, const char *subject, const struct smig_inv_drive *sd,
                              const struct smig_plan_file *mf, const struct smig_live_drive *list,
                              size_t n, const struct smig_live_drive *at)
{
	struct smig_verdict v = SMIG_VERDICT_INIT;
	bool iso = sd->kind == SMIG_INV_DRIVE_ISO;
	const struct smig_live_drive *found = NULL;

	for (size_t i = 0; i < n && found == NULL; i++)
		if (list[i].path != NULL && smig_winpath_text_eq(list[i].path, mf->winpath))
			found = &list[i];
	if (found == NULL) {
		smig_verdict_bad(
		    &v,
		    iso ? _("no DVD drive on the host holds the ISO image '%s' that the "
		            "plan put on the destination (--copy-media)")
		        : _("no floppy drive on the host holds the virtual floppy '%s' "
		            "that the plan put on the destination (--copy-media)"),
		    mf->winpath);
		if (at != NULL && at->path != NULL)
			smig_verdict_bad(&v, _("the drive at %s holds '%s'"), str_or(sd->slot, "?"),
			                 at->path);
		else if (at != NULL)
			smig_verdict_bad(&v, _("the drive at %s holds nothing"),
			                 str_or(sd->slot, "?"));
	}
	smig_verdict_ok(&v,
	                iso ? _("the ISO image '%s' is in its DVD drive, where the plan put it "
	                        "(--copy-media)")
	                    : _("the virtual floppy '%s' is in its floppy drive, where the plan "
	                        "put it (--copy-media)"),
	                mf->winpath);
	return smig_verdict_emit(&v, c->out, "SMIG4005", subject, c->e);
}

static int check_other_drive(struct lc *c, const char *vsubject, const struct smig_plan_vm *pv,
                             const struct smig_inv_drive *sd, const struct smig_live_vm *a)
{
	const struct smig_plan_file *mf = NULL;
	const struct smig_live_drive *list = a->hard_drives, *at = NULL;
	size_t n = a->nhard_drives, i;
	struct slot slot = parse_slot(sd->slot);
	struct smig_verdict v = SMIG_VERDICT_INIT;
	char *subject;
	int rc = 0;

	subject = smig_asprintf(c->e, "%s/drive:%s", vsubject, str_or(sd->slot, "?"));
	if (subject == NULL)
		return -1;
	if (sd->kind == SMIG_INV_DRIVE_ISO) {
		list = a->dvd_drives;
		n = a->ndvd_drives;
	} else if (sd->kind == SMIG_INV_DRIVE_VFD) {
		list = a->floppy_drives;
		n = a->nfloppy_drives;
	}
	for (i = 0; i < n && at == NULL; i++)
		if (sd->kind == SMIG_INV_DRIVE_VFD || slot_is(&slot, &list[i]))
			at = &list[i];
	if (sd->kind == SMIG_INV_DRIVE_PASSTHROUGH) {
		if (at != NULL && at->disk_number >= 0) {
			smig_verdict_ok(
			    &v, _("the pass-through disk is attached (host disk %" PRId64 ")"),
			    at->disk_number);
			rc = smig_verdict_emit(&v, c->out, "SMIG4005", subject, c->e);
		} else {
			rc = smig_verdict_info(
			    c->out, "SMIG4005", subject, c->e,
			    _("the source's pass-through disk is not attached: no destination "
			      "disk number was given to migrate.ps1 (manual step SMIG3002)"));
		}
	} else if ((mf = smig_plan_media(pv, sd->pathname)) != NULL) {
		rc = check_placed_media(c, subject, sd, mf, list, n, at);
	} else if (at != NULL && at->path != NULL) {
		rc = smig_verdict_info(
		    c->out, "SMIG4005", subject, c->e,
		    sd->kind == SMIG_INV_DRIVE_ISO
		        ? _("the source's ISO image '%s' is not compared; the host's drive holds "
		            "'%s'")
		        : _("the source's virtual floppy '%s' is not compared; the host's drive "
		            "holds '%s'"),
		    str_or(sd->pathname, ""), at->path);
	} else {
		rc = smig_verdict_info(
		    c->out, "SMIG4005", subject, c->e,
		    sd->kind == SMIG_INV_DRIVE_ISO
		        ? _("the source's ISO image '%s' is not compared; the host's drive is "
		            "empty")
		        : _("the source's virtual floppy '%s' is not compared; the host's drive "
		            "is empty"),
		    str_or(sd->pathname, ""));
	}
	smig_verdict_release(&v);
	free(subject);
	return rc;
}

static int check_drives(struct lc *c, const char *subject, const struct smig_plan_vm *pv,
                        const struct smig_inv_vm *s, const struct smig_live_vm *a)
{
	for (size_t j = 0; j < s->ndrives; j++) {
		const struct smig_inv_drive *sd = &s->drives[j];
		int rc = 0;

		if (sd->kind == SMIG_INV_DRIVE_VHD && sd->disk >= 0 && (size_t)sd->disk < s->ndisks)
			rc = check_disk_drive(c, subject, pv, s, sd, a);
		else if (sd->kind == SMIG_INV_DRIVE_PASSTHROUGH ||
		         ((sd->kind == SMIG_INV_DRIVE_ISO || sd->kind == SMIG_INV_DRIVE_VFD) &&
		          sd->pathname != NULL && sd->pathname[0] != '\0'))
			rc = check_other_drive(c, subject, pv, sd, a);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* ---- SMIG4006: network adapters ---- */

/* The access VLAN of a source adapter: its port's on the source switch, else its own. */
static uint32_t src_vlan(const struct smig_inventory *src, const struct smig_inv_nicvm *sn)
{
	const struct smig_inv_switch *ss = src_switch(src, sn->switch_guid);

	for (size_t i = 0; ss != NULL && sn->port_guid != NULL && i < ss->nports; i++)
		if (ss->ports[i].guid != NULL &&
		    smig_guid_str_equal(ss->ports[i].guid, sn->port_guid))
			return ss->ports[i].vlan;
	return sn->vlan;
}

/* The switch a source adapter is connected to, by name (the recreated switch's name). */
static const char *src_switch_name(const struct smig_inventory *src,
                                   const struct smig_inv_nicvm *sn)
{
	const struct smig_inv_switch *ss;

	if (sn->switch_name != NULL)
		return sn->switch_name;
	ss = src_switch(src, sn->switch_guid);
	return ss != NULL ? ss->name : NULL;
}

static void check_vlan(struct smig_verdict *v, uint32_t want, const struct smig_live_vmnic *an)
{
	bool access = an->vlan_mode != NULL && smig_streq_ci(an->vlan_mode, "Access");
	bool untagged = an->vlan_mode == NULL || smig_streq_ci(an->vlan_mode, "Untagged");

	if (want != 0) {
		if (!access)
			smig_verdict_bad(
			    v,
			    _("VLAN mode is %s on the host, not Access with VLAN %" PRIu32
			      " as on the source"),
			    str_or(an->vlan_mode, _("not reported")), want);
		else if (an->vlan_id != (int64_t)want)
			smig_verdict_bad(
			    v,
			    _("access VLAN %" PRId64 " on the host but %" PRIu32 " on the source"),
			    an->vlan_id, want);
		else
			smig_verdict_ok(v, _("access VLAN %" PRIu32 ", as on the source"), want);
	} else if (untagged || (access && an->vlan_id <= 0)) {
		smig_verdict_ok(v, _("untagged, as on the source"));
	} else {
		smig_verdict_bad(
		    v, _("VLAN mode %s (VLAN %" PRId64 ") on the host but untagged on the source"),
		    an->vlan_mode, an->vlan_id);
	}
}

static int check_nic(struct lc *c, const char *vsubject, const struct smig_inv_nicvm *sn,
                     const struct smig_live_vmnic *an)
{
	const char *want_sw = src_switch_name(c->src, sn);
	struct smig_verdict v = SMIG_VERDICT_INIT;
	struct smig_mac sm;
	char *subject;
	int rc;

	subject = smig_asprintf(c->e, "%s/nic:%s", vsubject, str_or(sn->name, "?"));
	if (subject == NULL)
		return -1;
	if (an == NULL) {
		smig_verdict_bad(&v, _("missing on the host"));
		goto emit;
	}
	if (sn->name != NULL && !streq_opt_ci(an->name, sn->name))
		smig_verdict_bad(&v, _("the adapter in its place on the host is '%s'"),
		                 str_or(an->name, _("(unnamed)")));
	if (sn->mac_static) {
		if (an->mac_static != 1)
			smig_verdict_bad(
			    &v, _("its MAC address is not static on the host (%s on the source)"),
			    str_or(sn->mac, "?"));
		else if (sn->mac == NULL || !smig_mac_parse(sn->mac, &sm) || !an->has_mac ||
		         smig_mac_cmp(&sm, &an->mac) != 0)
			smig_verdict_bad(&v,
			                 _("its static MAC address differs from the source's %s"),
			                 str_or(sn->mac, "?"));
		else
			smig_verdict_ok(&v, _("static MAC address %s"), sn->mac);
	} else {
		smig_verdict_ok(&v, _("dynamic MAC address (not compared)"));
	}
	if (an->legacy >= 0 && an->legacy != (int)sn->legacy)
		smig_verdict_bad(
		    &v, an->legacy ? _("it is legacy on the host but synthetic on the source")
		                   : _("it is synthetic on the host but legacy on the source"));
	if (!streq_opt_ci(an->switch_name, want_sw)) {
		if (an->switch_name != NULL && want_sw != NULL)
			smig_verdict_bad(&v,
			                 _("connected to '%s' on the host but to '%s' as planned"),
			                 an->switch_name, want_sw);
		else if (an->switch_name != NULL)
			smig_verdict_bad(
			    &v, _("connected to '%s' on the host but to nothing as planned"),
			    an->switch_name);
		else
			smig_verdict_bad(
			    &v, _("connected to nothing on the host but to '%s' as planned"),
			    want_sw);
	} else if (want_sw == NULL)
		smig_verdict_ok(&v, _("not connected, as on the source"));
	else
		smig_verdict_ok(&v, _("connected to '%s'"), want_sw);
	if (want_sw != NULL)
		check_vlan(&v, src_vlan(c->src, sn), an);
emit:
	rc = smig_verdict_emit(&v, c->out, "SMIG4006", subject, c->e);
	free(subject);
	return rc;
}

static int check_nics(struct lc *c, const char *subject, const struct smig_inv_vm *s,
                      const struct smig_live_vm *a)
{
	struct smig_verdict v = SMIG_VERDICT_INIT;
	struct smig_mac sm;
	size_t k, i;

	if (a->nnics != s->nnics)
		smig_verdict_bad(&v,
		                 P_("%zu network adapter on the host but %zu on the source",
		                    "%zu network adapters on the host but %zu on the source",
		                    a->nnics),
		                 a->nnics, s->nnics);
	smig_verdict_ok(&v,
	                P_("%zu network adapter, as on the source",
	                   "%zu network adapters, as on the source", s->nnics),
	                s->nnics);
	if (smig_verdict_emit(&v, c->out, "SMIG4006", subject, c->e) < 0)
		return -1;
	for (k = 0; k < s->nnics; k++) {
		const struct smig_inv_nicvm *sn = &s->nics[k];
		const struct smig_live_vmnic *an = k < a->nnics ? &a->nics[k] : NULL;

		/* a static MAC finds its adapter wherever Hyper-V lists it; else the position */
		if (sn->mac_static && sn->mac != NULL && smig_mac_parse(sn->mac, &sm))
			for (i = 0; i < a->nnics; i++)
				if (a->nics[i].has_mac && smig_mac_cmp(&a->nics[i].mac, &sm) == 0) {
					an = &a->nics[i];
					break;
				}
		if (check_nic(c, subject, sn, an) < 0)
			return -1;
	}
	return 0;
}

static int check_vm(struct lc *c, size_t i)
{
	const struct smig_plan_vm *pv = &c->p->vms[i];
	const struct smig_inv_vm *s = smig_plan_src_vm(c->p, i);
	const struct smig_live_vm *a;
	struct smig_verdict v = SMIG_VERDICT_INIT;
	char *subject = NULL;
	int rc = -1;

	/* a storage archive registers no VM: there is none to find */
	if (!pv->selected || s == NULL || c->p->storage_only)
		return 0;
	subject = smig_asprintf(c->e, "vm:%s", str_or(s->name, str_or(s->id, "?")));
	if (subject == NULL)
		return -1;
	a = live_vm(c->l, pv->id);
	if (a == NULL) {
		smig_verdict_bad(&v, _("no virtual machine with id %s is registered on the host"),
		                 str_or(pv->id, "?"));
		rc = smig_verdict_emit(&v, c->out, "SMIG4001", subject, c->e);
		goto out;
	}
	if (s->name != NULL && (a->name == NULL || strcmp(a->name, s->name) != 0))
		smig_verdict_bad(&v, _("the host's virtual machine %s is named '%s'"), a->id,
		                 str_or(a->name, _("(none)")));
	if (s->id != NULL && smig_guid_str_equal(s->id, a->id))
		smig_verdict_ok(&v, _("registered with id %s, as on the source (state %s)"), a->id,
		                str_or(a->state, _("not reported")));
	else
		smig_verdict_ok(&v, _("registered with the new id %s (source id %s; state %s)"),
		                a->id, str_or(s->id, "?"), str_or(a->state, _("not reported")));
	if (smig_verdict_emit(&v, c->out, "SMIG4001", subject, c->e) < 0 ||
	    check_memory(c, subject, s, a) < 0 || check_cpu(c, subject, pv, s, a) < 0 ||
	    check_snapshots(c, subject, s, a) < 0 || check_drives(c, subject, pv, s, a) < 0 ||
	    check_nics(c, subject, s, a) < 0)
		goto out;
	rc = 0;
out:
	smig_verdict_release(&v);
	free(subject);
	return rc;
}

/* ---- SMIG4007: virtual switches ---- */

static void check_binding(struct lc *c, struct smig_verdict *v, const struct smig_plan_switch *ps,
                          const struct smig_inv_switch *ss, const struct smig_live_switch *as)
{
	const struct smig_inv_nic *n = ps->bind_nic;
	char want[18], have[18];

	(void)c;
	if (as->type != SMIG_SWITCH_EXTERNAL) {
		smig_verdict_bad(
		    v,
		    _("it is %s on the host, but the plan binds it as an external network to "
		      "adapter '%s'"),
		    type_name(as->type), str_or(n->connection_name, str_or(n->description, "?")));
		return;
	}
	if (n->has_mac && as->has_adapter_mac) {
		smig_mac_format(&n->mac, want);
		smig_mac_format(&as->adapter_mac, have);
		if (smig_mac_cmp(&n->mac, &as->adapter_mac) != 0)
			smig_verdict_bad(v,
			                 _("it is bound to the adapter with MAC %s, not to '%s' "
			                   "(%s) as planned"),
			                 have, str_or(n->connection_name, "?"), want);
		else
			smig_verdict_ok(v, _("external, bound to adapter '%s' (MAC %s) as planned"),
			                str_or(n->connection_name, "?"), want);
	} else if (n->description != NULL && as->adapter_description != NULL) {
		if (!smig_streq_ci(n->description, as->adapter_description))
			smig_verdict_bad(v, _("it is bound to '%s', not to '%s' as planned"),
			                 as->adapter_description, n->description);
		else
			smig_verdict_ok(v, _("external, bound to '%s' as planned"), n->description);
	} else {
		smig_verdict_bad(
		    v, _("the host does not report the adapter it is bound to (planned: '%s')"),
		    str_or(n->connection_name, str_or(n->description, "?")));
	}
	if (as->allow_management_os >= 0 && as->allow_management_os != (ss->host_vnic != NULL))
		smig_verdict_bad(v, as->allow_management_os
		                        ? _("the management OS does share it on the host but did "
		                            "not on the source")
		                        : _("the management OS does not share it on the host but "
		                            "did on the source"));
}

static int check_switch(struct lc *c, size_t i)
{
	const struct smig_plan_switch *ps = &c->p->switches[i];
	const struct smig_inv_switch *ss = plan_src_switch(c->p, i);
	const struct smig_live_switch *as;
	struct smig_verdict v = SMIG_VERDICT_INIT;
	char *subject;
	int rc;

	if (ss == NULL)
		return 0;
	subject = smig_asprintf(c->e, "switch:%s", str_or(ss->name, str_or(ss->guid, "?")));
	if (subject == NULL)
		return -1;
	as = live_switch(c->l, ss->name);
	if (as == NULL) {
		smig_verdict_bad(&v, _("no virtual switch named '%s' on the host"),
		                 str_or(ss->name, "?"));
	} else if (ps->bind_nic != NULL) {
		check_binding(c, &v, ps, ss, as);
	} else if (ss->type == SMIG_SWITCH_EXTERNAL && ps->downgraded) {
		if (as->type == SMIG_SWITCH_INTERNAL) {
			v.warning = true;
			smig_verdict_ok(
			    &v,
			    _("internal as planned (external on the source): flagged, not failed; "
			      "bind it to a physical adapter (manual step SMIG3001)"));
		} else if (as->type == SMIG_SWITCH_EXTERNAL) {
			smig_verdict_ok(&v,
			                _("external, bound on the host to '%s' (the plan recreated "
			                  "it internal)"),
			                str_or(as->adapter_description, _("an adapter")));
		} else {
			smig_verdict_bad(
			    &v,
			    _("it is %s on the host but internal as planned (external on the "
			      "source)"),
			    type_name(as->type));
		}
	} else if (as->type != (int)ps->type) {
		smig_verdict_bad(&v, _("it is %s on the host but %s as planned"),
		                 type_name(as->type), type_name((int)ps->type));
	} else {
		smig_verdict_ok(
		    &v, ps->type == ss->type ? _("%s, as on the source") : _("%s, as planned"),
		    type_name((int)ps->type));
	}
	rc = smig_verdict_emit(&v, c->out, "SMIG4007", subject, c->e);
	free(subject);
	return rc;
}

/* ---- SMIG4008: host settings ---- */

static void check_path(struct smig_verdict *v, const char *what, const char *have, const char *want)
{
	if (!smig_winpath_text_eq(have, want))
		smig_verdict_bad(v, _("%s is '%s' on the host, not '%s' as planned"), what,
		                 str_or(have, _("not reported")), want);
	else
		smig_verdict_ok(v, _("%s '%s' as planned"), what, want);
}

static int check_host(struct lc *c)
{
	const struct smig_live_host *h = &c->l->host;
	const struct smig_inv_hostsettings *sh = &c->src->host;
	struct smig_verdict v = SMIG_VERDICT_INIT;
	bool any = false;

	if (c->p->set_data_root && c->p->data_root != NULL) {
		check_path(&v, "VirtualMachinePath", h->virtual_machine_path, c->p->data_root);
		any = true;
	}
	if (c->p->set_vhd_path && c->p->vhd_path != NULL) {
		check_path(&v, "VirtualHardDiskPath", h->virtual_hard_disk_path, c->p->vhd_path);
		any = true;
	}
	if (c->p->set_mac_range && sh->has_mac_range) {
		char s1[18], s2[18];

		smig_mac_format(&sh->mac_min, s1);
		smig_mac_format(&sh->mac_max, s2);
		if (!h->has_mac_min || !h->has_mac_max ||
		    smig_mac_cmp(&h->mac_min, &sh->mac_min) != 0 ||
		    smig_mac_cmp(&h->mac_max, &sh->mac_max) != 0) {
			char a1[40], a2[40];

			snprintf(a1, sizeof(a1), "%s", _("not reported"));
			snprintf(a2, sizeof(a2), "%s", _("not reported"));

			if (h->has_mac_min)
				smig_mac_format(&h->mac_min, a1);
			if (h->has_mac_max)
				smig_mac_format(&h->mac_max, a2);
			smig_verdict_bad(
			    &v,
			    _("MAC address range is %s..%s on the host but %s..%s on the source"),
			    a1, a2, s1, s2);
		} else {
			smig_verdict_ok(&v, _("MAC address range %s..%s, as on the source"), s1,
			                s2);
		}
		any = true;
	}
	if (!any)
		return smig_verdict_info(
		    c->out, "SMIG4008", "host", c->e,
		    _("the plan set no host settings: the host keeps its own paths and MAC "
		      "address range (not compared)"));
	return smig_verdict_emit(&v, c->out, "SMIG4008", "host", c->e);
}

/* ---- SMIG4009: authorization store ---- */

/* The role (app, scope, name) in a parsed store, or NULL. */
static const struct smig_azman_role *store_role(const struct smig_azman_store *st,
                                                const struct smig_inv_azrole *r)
{
	const struct smig_azman_role *roles;
	size_t i, k, n;

	for (i = 0; i < st->napps; i++) {
		const struct smig_azman_app *app = &st->apps[i];

		if (!streq_opt_ci(app->name, r->app != NULL ? r->app : ""))
			continue;
		roles = app->roles;
		n = app->nroles;
		if (r->scope != NULL) {
			roles = NULL;
			n = 0;
			for (k = 0; k < app->nscopes && roles == NULL; k++)
				if (streq_opt_ci(app->scopes[k].name, r->scope)) {
					roles = app->scopes[k].roles;
					n = app->scopes[k].nroles;
				}
		}
		for (k = 0; k < n; k++)
			if (streq_opt_ci(roles[k].name, r->name))
				return &roles[k];
	}
	return NULL;
}

/* Whether a store role has the members of an inventory role (SIDs and "group GUID"). */
static bool members_same(const struct smig_azman_role *lr, const struct smig_inv_azrole *r)
{
	size_t i, n = strv_len(r->members);

	if (n != lr->nmembers + lr->napp_member_links)
		return false;
	for (i = 0; i < n; i++) {
		const char *m = r->members[i];
		bool found = false;
		size_t k;

		if (smig_startswith_ci(m, "group ")) {
			for (k = 0; k < lr->napp_member_links && !found; k++)
				found = smig_streq_ci(lr->app_member_links[k], m + 6);
		} else {
			for (k = 0; k < lr->nmembers && !found; k++)
				found = smig_streq_ci(lr->members[k], m);
		}
		if (!found)
			return false;
	}
	return true;
}

static bool src_has_role(const struct smig_inv_azman *sz, const char *app, const char *scope,
                         const char *name)
{
	for (size_t i = 0; i < sz->nroles; i++)
		if (streq_opt_ci(sz->roles[i].app, app) &&
		    streq_opt_ci(sz->roles[i].scope, scope) &&
		    streq_opt_ci(sz->roles[i].name, name))
			return true;
	return false;
}

static void extra_roles(struct smig_verdict *v, const struct smig_inv_azman *sz, const char *app,
                        const char *scope, const struct smig_azman_role *roles, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (!src_has_role(sz, app, scope, roles[k].name)) {
			if (scope != NULL)
				smig_verdict_bad(
				    v,
				    _("role assignment '%s' in scope '%s' exists only on the "
				      "host"),
				    roles[k].name, scope);
			else
				smig_verdict_bad(v,
				                 _("role assignment '%s' exists only on the host"),
				                 roles[k].name);
		}
}

static void compare_store(struct smig_verdict *v, const struct smig_inv_azman *sz,
                          const struct smig_azman_store *st)
{
	size_t i, k, nscopes = 0;

	for (i = 0; i < sz->nroles; i++) {
		const struct smig_inv_azrole *r = &sz->roles[i];
		const struct smig_azman_role *lr = store_role(st, r);
		const char *sc = r->scope;

		if (lr == NULL && sc != NULL)
			smig_verdict_bad(
			    v, _("role assignment '%s' in scope '%s' is missing on the host"),
			    str_or(r->name, "?"), sc);
		else if (lr == NULL)
			smig_verdict_bad(v, _("role assignment '%s' is missing on the host"),
			                 str_or(r->name, "?"));
		else if (!members_same(lr, r) && sc != NULL)
			smig_verdict_bad(
			    v,
			    _("role assignment '%s' in scope '%s' has other members on "
			      "the host"),
			    str_or(r->name, "?"), sc);
		else if (!members_same(lr, r))
			smig_verdict_bad(v, _("role assignment '%s' has other members on the host"),
			                 str_or(r->name, "?"));
	}
	for (i = 0; i < st->napps; i++) {
		const struct smig_azman_app *app = &st->apps[i];

		extra_roles(v, sz, app->name, NULL, app->roles, app->nroles);
		for (k = 0; k < app->nscopes; k++) {
			extra_roles(v, sz, app->name, app->scopes[k].name, app->scopes[k].roles,
			            app->scopes[k].nroles);
			if (!strv_has(sz->scopes, app->scopes[k].name))
				smig_verdict_bad(v, _("scope '%s' exists only on the host"),
				                 app->scopes[k].name);
			nscopes++;
		}
	}
	if (nscopes != strv_len(sz->scopes))
		smig_verdict_bad(v,
		                 P_("%zu scope on the host but %zu on the source",
		                    "%zu scopes on the host but %zu on the source", nscopes),
		                 nscopes, strv_len(sz->scopes));
	{
		/* two counts in one sentence: each part has its plural */
		char roles[128], scopes[128];

		snprintf(roles, sizeof(roles),
		         P_("%zu role assignment with the same members",
		            "%zu role assignments with the same members", sz->nroles),
		         sz->nroles);
		snprintf(scopes, sizeof(scopes),
		         P_("%zu scope", "%zu scopes", strv_len(sz->scopes)), strv_len(sz->scopes));
		/* TRANSLATORS: "3 role assignments with the same members and 1 scope, as on ..." */
		smig_verdict_ok(v, _("%s and %s, as on the source"), roles, scopes);
	}
}

static int check_azman(struct lc *c)
{
	const struct smig_inv_azman *sz = &c->src->azman;
	struct smig_azman_store *st = NULL;
	struct smig_err pe = SMIG_ERR_INIT;
	struct smig_verdict v = SMIG_VERDICT_INIT;
	char *what;
	int rc;

	if (sz->ad_store)
		return smig_verdict_info(
		    c->out, "SMIG4009", "azman", c->e,
		    _("the authorization store lives in Active Directory: not compared "
		      "(manual step SMIG3008)"));
	if (!sz->present)
		return smig_verdict_info(
		    c->out, "SMIG4009", "azman", c->e,
		    _("the source has no authorization store file: nothing to compare"));
	if (!c->p->store_copy)
		return smig_verdict_info(
		    c->out, "SMIG4009", "azman", c->e,
		    _("the plan did not copy the authorization store: the host keeps its own, "
		      "not compared"));
	if (c->l->authorization_xml == NULL) {
		smig_verdict_bad(&v, _("the state carries no authorization store"));
		return smig_verdict_emit(&v, c->out, "SMIG4009", "azman", c->e);
	}
	what = smig_asprintf(c->e, "%s (authorization.xml_base64)", c->l->file);
	if (what == NULL)
		return -1;
	if (smig_azman_parse(c->l->authorization_xml, c->l->authorization_len, what, &st, &pe) <
	    0) {
		free(what);
		if (pe.kind == SMIG_ERR_NOMEM)
			return smig_err_set(c->e, pe.kind, "%s", pe.msg);
		v.error = true;
		smig_verdict_bad(&v, "%s", pe.msg);
		return smig_verdict_emit(&v, c->out, "SMIG4009", "azman", c->e);
	}
	free(what);
	compare_store(&v, sz, st);
	if (c->l->authorization_path != NULL)
		smig_verdict_ok(&v, _("store '%s'"), c->l->authorization_path);
	rc = smig_verdict_emit(&v, c->out, "SMIG4009", "azman", c->e);
	smig_azman_free(st);
	return rc;
}

/* ---- SMIG4010 and SMIG4011: VMQ and management-OS adapters ---- */

static const char *vmq_name(int64_t vmq)
{
	/* TRANSLATORS: said of VMQ */
	return vmq < 0 ? _("absent") : vmq == 0 ? _("disabled") : _("enabled");
}

static char *nic_subject(struct lc *c, const struct smig_inv_nic *dn)
{
	return smig_asprintf(
	    c->e, "nic:%s",
	    str_or(dn->connection_name, str_or(dn->description, str_or(dn->guid, "?"))));
}

static int check_vmq(struct lc *c)
{
	const struct smig_inv_hostsettings *sh = &c->src->host;
	const struct smig_live_adapter *an;
	struct smig_verdict v = SMIG_VERDICT_INIT;
	char *subject;
	size_t k;
	int rc;

	if (!c->p->set_vmq && c->p->nnicmap == 0)
		return smig_verdict_info(c->out, "SMIG4010", "host", c->e,
		                         _("the plan set no VMQ settings: the host keeps its own"));
	if (c->p->set_vmq) {
		if (c->l->vmq_tengig != sh->vmq_tengig ||
		    c->l->vmq_below_tengig != sh->vmq_below_tengig)
			smig_verdict_bad(&v,
			                 _("TenGigVmqEnabled and BelowTenGigVmqEnabled are %" PRId64
			                   " and %" PRId64
			                   " on the host but %d and %d on the source (-1: absent)"),
			                 c->l->vmq_tengig, c->l->vmq_below_tengig, sh->vmq_tengig,
			                 sh->vmq_below_tengig);
		smig_verdict_ok(
		    &v,
		    _("TenGigVmqEnabled %d and BelowTenGigVmqEnabled %d, as on the source (-1: "
		      "absent)"),
		    sh->vmq_tengig, sh->vmq_below_tengig);
		if (smig_verdict_emit(&v, c->out, "SMIG4010", "host", c->e) < 0)
			return -1;
	}
	for (k = 0; k < c->p->nnicmap; k++) {
		const struct smig_plan_nicmap *m = &c->p->nicmap[k];

		if (m->src == NULL || m->dst == NULL)
			continue;
		if ((subject = nic_subject(c, m->dst)) == NULL)
			return -1;
		an = live_adapter(c->l, m->dst);
		if (an == NULL)
			smig_verdict_bad(&v, _("the host reports no adapter '%s'"),
			                 str_or(m->dst->connection_name, "?"));
		else if (m->src->vmq < 0)
			smig_verdict_ok(
			    &v, _("VMQ is not set on the source adapter '%s': not compared"),
			    str_or(m->src->connection_name, "?"));
		else if (an->vmq_enabled != m->src->vmq)
			smig_verdict_bad(
			    &v, _("VMQ %s on the host but %s on the source adapter '%s'"),
			    an->vmq_enabled < 0 ? _("not available") : vmq_name(an->vmq_enabled),
			    vmq_name(m->src->vmq), str_or(m->src->connection_name, "?"));
		else
			smig_verdict_ok(&v, _("VMQ %s, as on the source adapter '%s'"),
			                vmq_name(m->src->vmq),
			                str_or(m->src->connection_name, "?"));
		rc = smig_verdict_emit(&v, c->out, "SMIG4010", subject, c->e);
		free(subject);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* "192.0.2.10/24" from an address and a dotted mask (the mask itself when not contiguous). */
static char *cidr(struct smig_err *e, const char *ip, const char *mask)
{
	struct in_addr m;
	uint32_t bits;
	int prefix = 0;

	if (mask == NULL || inet_pton(AF_INET, mask, &m) != 1)
		return smig_asprintf(e, "%s/%s", ip, str_or(mask, "?"));
	bits = ntohl(m.s_addr);
	while (prefix < 32 && (bits & (UINT32_C(1) << (31 - prefix))) != 0)
		prefix++;
	if (prefix < 32 && (bits << prefix) != 0)
		return smig_asprintf(e, "%s/%s", ip, mask);
	return smig_asprintf(e, "%s/%d", ip, prefix);
}

static int check_ip(struct lc *c, const char *subject, const struct smig_inv_nic *sn,
                    const struct smig_live_ip *ip)
{
	struct smig_verdict v = SMIG_VERDICT_INIT;
	char **want = NULL, *list = NULL;
	size_t i, n = strv_len(sn->ip);
	int rc = -1;

	if (ip == NULL) {
		smig_verdict_bad(
		    &v, _("the host reports no IPv4 settings for it (source adapter '%s')"),
		    str_or(sn->connection_name, "?"));
		goto emit;
	}
	if (ip->dhcp != (int)sn->dhcp) {
		smig_verdict_bad(&v, _("it uses %s on the host but %s on the source adapter '%s'"),
		                 ip->dhcp < 0 ? _("(not reported)")
		                 : ip->dhcp   ? "DHCP"
		                              : _("static addresses"),
		                 sn->dhcp ? "DHCP" : _("static addresses"),
		                 str_or(sn->connection_name, "?"));
		goto emit;
	}
	if (!sn->dhcp && n > 0) {
		if ((want = calloc(n + 1, sizeof(*want))) == NULL) {
			smig_err_nomem(c->e, _("comparing addresses"));
			goto out;
		}
		for (i = 0; i < n; i++)
			if ((want[i] = cidr(c->e, sn->ip[i],
			                    i < strv_len(sn->mask) ? sn->mask[i] : NULL)) == NULL)
				goto out;
	}
	if ((list = strv_join(want, c->e)) == NULL)
		goto out;
	/* with DHCP the addresses and gateways are leases, not settings */
	if (!sn->dhcp && !strv_set_eq(ip->addresses, want))
		smig_verdict_bad(&v, _("its addresses differ from the source's %s"), list);
	if (!sn->dhcp && !strv_set_eq(ip->gateways, sn->gateway))
		smig_verdict_bad(&v, _("its gateways differ from the source adapter '%s'"),
		                 str_or(sn->connection_name, "?"));
	if ((!sn->dhcp || strv_len(sn->dns) > 0) && !strv_eq(ip->dns, sn->dns))
		smig_verdict_bad(&v, _("its DNS servers differ from the source adapter '%s'"),
		                 str_or(sn->connection_name, "?"));
	if (sn->dhcp)
		smig_verdict_ok(&v, _("DHCP, as on the source adapter '%s'"),
		                str_or(sn->connection_name, "?"));
	else
		smig_verdict_ok(
		    &v,
		    _("static address %s with the same gateways and DNS servers, as on the source "
		      "adapter '%s'"),
		    list, str_or(sn->connection_name, "?"));
emit:
	rc = smig_verdict_emit(&v, c->out, "SMIG4011", subject, c->e);
out:
	smig_verdict_release(&v);
	smig_strv_free(want);
	free(list);
	return rc;
}

static int check_ipconfig(struct lc *c)
{
	enum smig_ipconfig_mode mode = c->p->opts != NULL ? c->p->opts->ipmode : SMIG_IPMODE_NONE;
	char *subject;
	size_t k, n = 0;
	int rc;

	if (mode != SMIG_IPMODE_NIC && mode != SMIG_IPMODE_ALL)
		return smig_verdict_info(
		    c->out, "SMIG4011", "host", c->e,
		    _("adapter IP settings were not requested (--ipconfig-mode nic or all): "
		      "not compared"));
	for (k = 0; k < c->p->nnicmap; k++) {
		const struct smig_plan_nicmap *m = &c->p->nicmap[k];

		if (m->src == NULL || m->dst == NULL)
			continue;
		if ((subject = nic_subject(c, m->dst)) == NULL)
			return -1;
		rc = check_ip(
		    c, subject, m->src,
		    live_ip(c->l, m->dst->has_mac ? &m->dst->mac : NULL, m->dst->connection_name));
		free(subject);
		if (rc < 0)
			return -1;
		n++;
	}
	for (k = 0; k < c->p->nswitches; k++) {
		const struct smig_plan_switch *ps = &c->p->switches[k];
		const struct smig_inv_switch *ss = plan_src_switch(c->p, k);
		char *ifname;

		if (ps->src_host_vnic == NULL || ps->exists || ss == NULL || ss->name == NULL)
			continue;
		/* New-VMSwitch names the management-OS adapter after the switch */
		if ((ifname = smig_asprintf(c->e, "vEthernet (%s)", ss->name)) == NULL)
			return -1;
		subject = smig_asprintf(c->e, "nic:%s", ifname);
		rc = subject == NULL
		         ? -1
		         : check_ip(c, subject, ps->src_host_vnic, live_ip(c->l, NULL, ifname));
		free(subject);
		free(ifname);
		if (rc < 0)
			return -1;
		n++;
	}
	if (n == 0)
		return smig_verdict_info(
		    c->out, "SMIG4011", "host", c->e,
		    _("no adapters were mapped and no host virtual adapters recreated"));
	return 0;
}

/*
 * The state file itself: whose host, when, and for which archive. 1 when it names another
 * archive (a failure: every other comparison would be against the wrong plan), else 0; -1 on
 * error.
 */
static int check_origin(struct lc *c)
{
	const char *want = c->p->desc != NULL ? c->p->desc->archive_id : NULL;
	const struct smig_live_host *h = &c->l->host;

	if (want != NULL && c->l->archive_id != NULL && !smig_streq_ci(want, c->l->archive_id))
		return smig_problems_add(
		           c->out, "SMIG4001", SMIG_SEV_FAIL, "host", NULL, NULL, c->e,
		           _("the state was written by the migrate.ps1 of archive %s, "
		             "not of this archive %s: nothing else was compared"),
		           c->l->archive_id, want) < 0
		           ? -1
		           : 1;
	char when[64];
	struct tm tm = {0};
	const char *end = c->l->written_utc != NULL
	                      ? strptime(c->l->written_utc, "%Y-%m-%dT%H:%M:%SZ", &tm)
	                      : NULL;

	/* the time as people read it in the language (smig_i18n_time); the file's text when it
	 * is not the UTC time migrate.ps1 writes */
	const char *shown = str_or(c->l->written_utc, _("at an unknown time"));

	if (end != NULL && *end == '\0')
		shown = smig_i18n_time(when, sizeof(when), timegm(&tm));
	return smig_verdict_info(c->out, "SMIG4001", "host", c->e,
	                         _("live state of '%s' (Windows %s) written %s"),
	                         str_or(h->computer_name, "?"), str_or(h->os_version, "?"), shown);
}

int smig_livecheck(const struct smig_plan *p, const struct smig_live *l, struct smig_problems *out,
                   struct smig_err *e)
{
	struct lc c = {p, p->src, l, out, e};
	size_t i;
	int rc;

	if (p->src == NULL || l == NULL)
		return smig_err_set(
		    e, SMIG_ERR_USAGE,
		    _("cannot verify: the source model or the live state is missing"));
	if ((rc = check_origin(&c)) != 0)
		return rc < 0 ? -1 : 0;
	for (i = 0; i < p->nvms; i++)
		if (check_vm(&c, i) < 0)
			return -1;
	for (i = 0; i < p->nswitches; i++)
		if (check_switch(&c, i) < 0)
			return -1;
	if (check_host(&c) < 0 || check_azman(&c) < 0 || check_vmq(&c) < 0 ||
	    check_ipconfig(&c) < 0)
		return -1;
	return 0;
}
