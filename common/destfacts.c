/*
 * destfacts.c - dest-facts.json: reader, writer and probe.ps1 (see destfacts.h and
 * docs/dest-facts.md, which is the reference for every member named here).
 */
#include "destfacts.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "hive.h"
#include "i18n.h"
#include "migrateps.h"
#include "regmap.h"
#include "scan.h"
#include "strbuf.h"
#include "winval.h"

#define MAX_DEPTH 16          /* the format needs 5 */
#define MAX_ITEMS 4096        /* per list */
#define MAX_STRING (32u << 10) /* bytes per string */
#define MIB (1024ull * 1024ull)
#define MAX_BYTES (1ull << 60) /* any size in bytes above this is not a real host's */
#define MAX_CPUS (1u << 16)   /* logical processors */
#define SOURCE_NAME "dest-facts.json"

/* ---- reading ---- */

struct rd {
	const char *label;    /* the file, for messages */
	struct smig_err *e;
};

/* "PARENT.KEY" or "PARENT[I].KEY" into buf: the member named in messages. */
static const char *member(char *buf, size_t size, const char *parent, const char *key)
{
	int n = snprintf(buf, size, "%s%s%s", parent, parent[0] ? "." : "", key);

	if (n < 0 || (size_t)n >= size)
		snprintf(buf, size, "%s", key);
	return buf;
}

static int bad(struct rd *r, const char *name, const char *fmt, ...) SMIG_PRINTF(3, 4);
static int bad(struct rd *r, const char *name, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return smig_err_set(r->e, SMIG_ERR_FORMAT, _("'%s' is not a valid %s file: member '%s' %s"),
			    r->label, SOURCE_NAME, name, why);
}

enum { OPT = 0, REQ = 1 };

/* The member `key` of `obj`: NULL when absent or null (absent is an error when `req`). */
static int get(struct rd *r, json_t *obj, const char *parent, const char *key, int req,
	       json_t **out)
{
	char name[160];
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (v == NULL && req)
		return bad(r, member(name, sizeof(name), parent, key), _("is missing"));
	if (v && !json_is_null(v))
		*out = v;
	return 0;
}

/*
 * get() for a typed member: 1 when it is present and not null (*out, and its name for messages
 * in `name`), 0 when absent or null, -1 on error.
 */
static int get_named(struct rd *r, json_t *obj, const char *parent, const char *key, int req,
		     json_t **out, char *name, size_t size)
{
	if (get(r, obj, parent, key, req, out) < 0)
		return -1;
	if (*out == NULL)
		return 0;
	member(name, size, parent, key);
	return 1;
}

static int get_str(struct rd *r, json_t *obj, const char *parent, const char *key, int req,
		   char **out)
{
	char name[160];
	json_t *v;
	int rc;

	*out = NULL;
	if ((rc = get_named(r, obj, parent, key, req, &v, name, sizeof(name))) <= 0)
		return rc;
	if (!json_is_string(v))
		return bad(r, name, _("is not a string"));
	if (json_string_length(v) > MAX_STRING)
		return bad(r, name, _("is longer than %u bytes"), MAX_STRING);
	*out = smig_strdup(json_string_value(v), r->e);
	return *out ? 0 : -1;
}

/* An optional string member smig checks but does not keep. */
static int skip_str(struct rd *r, json_t *obj, const char *parent, const char *key)
{
	char *s = NULL;
	int rc = get_str(r, obj, parent, key, OPT, &s);

	free(s);
	return rc;
}

/* A string member that must be present and not null. */
static int need_str(struct rd *r, json_t *obj, const char *parent, const char *key, char **out)
{
	char name[160];

	if (get_str(r, obj, parent, key, REQ, out) < 0)
		return -1;
	if (*out == NULL)
		return bad(r, member(name, sizeof(name), parent, key), _("is null"));
	return 0;
}

static int get_uint(struct rd *r, json_t *obj, const char *parent, const char *key, int req,
		    uint64_t max, uint64_t *out, bool *present)
{
	char name[160];
	json_t *v;
	int rc;

	*out = 0;
	if (present)
		*present = false;
	if ((rc = get_named(r, obj, parent, key, req, &v, name, sizeof(name))) <= 0)
		return rc;
	if (!json_is_integer(v))
		return bad(r, name, _("is not an integer"));
	if (json_integer_value(v) < 0 || (uint64_t)json_integer_value(v) > max)
		return bad(r, name, _("is out of range (0 to %llu)"), (unsigned long long)max);
	*out = (uint64_t)json_integer_value(v);
	if (present)
		*present = true;
	return 0;
}

/* A boolean: *out -1 when null or absent, else 0/1. */
static int get_bool(struct rd *r, json_t *obj, const char *parent, const char *key, int req,
		    int *out)
{
	char name[160];
	json_t *v;
	int rc;

	*out = -1;
	if ((rc = get_named(r, obj, parent, key, req, &v, name, sizeof(name))) <= 0)
		return rc;
	if (!json_is_boolean(v))
		return bad(r, name, _("is not true or false"));
	*out = json_is_true(v);
	return 0;
}

static int get_mac(struct rd *r, json_t *obj, const char *parent, const char *key,
		   struct smig_mac *mac, bool *has)
{
	char name[160], *s = NULL;

	*has = false;
	if (get_str(r, obj, parent, key, REQ, &s) < 0)
		return -1;
	if (s == NULL || s[0] == '\0') { /* Get-NetAdapter has adapters without a MAC */
		free(s);
		return 0;
	}
	*has = smig_mac_parse(s, mac);
	free(s);
	if (!*has)
		return bad(r, member(name, sizeof(name), parent, key), _("is not a MAC address"));
	return 0;
}

/* A GUID member as text in `form`, or NULL when null or "". */
static int get_guid(struct rd *r, json_t *obj, const char *parent, const char *key, int req,
		    enum smig_guid_form form, char **out)
{
	char name[160], *s = NULL;
	struct smig_guid g;

	*out = NULL;
	if (get_str(r, obj, parent, key, req, &s) < 0)
		return -1;
	if (s == NULL || s[0] == '\0') { /* PowerShell's [string]$null */
		free(s);
		return 0;
	}
	if (!smig_guid_parse(s, &g)) {
		free(s);
		return bad(r, member(name, sizeof(name), parent, key), _("is not a GUID"));
	}
	free(s);
	*out = malloc(SMIG_GUID_BUFSZ);
	if (*out == NULL)
		return smig_err_nomem(r->e, _("reading dest-facts.json"));
	smig_guid_format(&g, form, *out);
	return 0;
}

/*
 * A list member: *n elements, each list_at(*list, i). PowerShell 3.0 writes an empty list
 * as null, may unroll a one-element list into the element, and may wrap a list as
 * {"value": [...], "Count": n} (docs/live-state.md).
 */
static int get_list(struct rd *r, json_t *obj, const char *parent, const char *key, int req,
		    bool of_strings, json_t **list, size_t *n)
{
	char name[160];
	json_t *v;
	int rc;

	*list = NULL;
	*n = 0;
	if ((rc = get_named(r, obj, parent, key, req, &v, name, sizeof(name))) <= 0)
		return rc;
	if (json_is_object(v) && (json_object_get(v, "value") || json_object_get(v, "Count"))) {
		/* PowerShell 3.0's wrapper of an array: {"value": [...], "Count": n} */
		json_t *value = json_object_get(v, "value"), *count = json_object_get(v, "Count");

		if (value == NULL || count == NULL || json_object_size(v) != 2 ||
		    !(json_is_array(value) || json_is_null(value)))
			return bad(r, name, _("looks like PowerShell's array wrapper but is not "
					      "{\"value\": [...], \"Count\": n}"));
		if (!json_is_integer(count) ||
		    json_integer_value(count) != (json_int_t)json_array_size(value))
			return bad(r, name, _("is PowerShell's array wrapper but its 'Count' is "
					      "not the number of elements of its 'value'"));
		if (json_is_null(value))
			return 0;
		v = value;
	}
	if (json_is_array(v)) {
		*n = json_array_size(v);
	} else if (of_strings ? json_is_string(v) : json_is_object(v)) {
		*n = 1;
	} else {
		return bad(r, name, _("is not a list"));
	}
	if (*n > MAX_ITEMS)
		return bad(r, name, _("has more than %d elements"), MAX_ITEMS);
	*list = v;
	return 0;
}

static json_t *list_at(json_t *list, size_t i)
{
	return json_is_array(list) ? json_array_get(list, i) : list;
}

/* Element i of a list of objects, with its name "KEY[i]" in `name`. */
static json_t *object_at(struct rd *r, json_t *list, size_t i, const char *key, char *name,
			 size_t size)
{
	json_t *o = list_at(list, i);

	snprintf(name, size, "%s[%zu]", key, i);
	if (!json_is_object(o)) {
		bad(r, name, _("is not an object"));
		return NULL;
	}
	return o;
}

static int get_strv(struct rd *r, json_t *obj, const char *parent, const char *key, char ***out)
{
	char name[160];
	json_t *list;
	size_t n, i;

	*out = NULL;
	if (get_list(r, obj, parent, key, OPT, true, &list, &n) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		json_t *s = list_at(list, i);
		snprintf(name, sizeof(name), "%s%s%s[%zu]", parent, parent[0] ? "." : "", key, i);
		if (!json_is_string(s))
			return bad(r, name, _("is not a string"));
		if (json_string_length(s) > MAX_STRING)
			return bad(r, name, _("is longer than %u bytes"), MAX_STRING);
		if (smig_strv_push(out, json_string_value(s), r->e) < 0)
			return -1;
	}
	return 0;
}

/* The nesting depth of JSON text, outside strings: checked before jansson builds anything. */
static bool depth_ok(const char *p, size_t len, size_t max)
{
	size_t depth = 0, i;
	bool in_str = false;

	for (i = 0; i < len; i++) {
		char c = p[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = false;
		} else if (c == '"') {
			in_str = true;
		} else if (c == '[' || c == '{') {
			if (++depth > max)
				return false;
		} else if ((c == ']' || c == '}') && depth > 0) {
			depth--;
		}
	}
	return true;
}

static int read_os(struct rd *r, json_t *root, struct smig_inventory *inv)
{
	struct smig_inv_os *os = &inv->os;
	uint64_t v;
	json_t *o;

	if (get(r, root, "", "os", REQ, &o) < 0)
		return -1;
	if (o == NULL || !json_is_object(o))
		return bad(r, "os", _("is not an object"));
	if (need_str(r, o, "os", "computer_name", &os->computer_name) < 0 ||
	    get_str(r, o, "os", "dns_hostname", OPT, &os->dns_hostname) < 0 ||
	    get_str(r, o, "os", "domain", OPT, &os->domain) < 0 ||
	    get_str(r, o, "os", "product_name", REQ, &os->product_name) < 0 ||
	    get_str(r, o, "os", "version", REQ, &os->current_version) < 0 ||
	    get_str(r, o, "os", "build", REQ, &os->build) < 0 ||
	    get_str(r, o, "os", "csd_version", OPT, &os->csd_version) < 0 ||
	    get_str(r, o, "os", "edition", REQ, &os->edition_id) < 0 ||
	    get_str(r, o, "os", "installation_type", REQ, &os->installation_type) < 0 ||
	    get_str(r, o, "os", "product_type", REQ, &os->product_type) < 0 ||
	    get_str(r, o, "os", "architecture", REQ, &os->architecture) < 0 ||
	    get_str(r, o, "os", "processor_identifier", REQ, &os->processor_identifier) < 0 ||
	    get_str(r, o, "os", "install_language", REQ, &os->install_language) < 0 ||
	    get_str(r, o, "os", "default_language", REQ, &os->default_language) < 0 ||
	    get_str(r, o, "os", "system_locale", OPT, &os->system_locale) < 0)
		return -1;
	if (get_uint(r, root, "", "logical_processors", REQ, MAX_CPUS, &v, NULL) < 0)
		return -1;
	os->logical_processors = (unsigned)v;
	if (get_uint(r, root, "", "memory_bytes", REQ, MAX_BYTES, &v, NULL) < 0)
		return -1;
	os->memory_mb = v / MIB;
	if (os->memory_mb && !(os->memory_source = smig_strdup(SOURCE_NAME, r->e)))
		return -1;
	os->is_2012 = os->current_version && strcmp(os->current_version, "6.2") == 0;
	os->software_hive = false;
	/* a destination is not judged as a source (that is hostinfo.c's judge_source) */
	os->support_reason = smig_strdup(_("a destination described by dest-facts.json"), r->e);
	return os->support_reason ? 0 : -1;
}

static int read_hyperv(struct rd *r, json_t *root, struct smig_inventory *inv)
{
	int role, vmms;
	json_t *o;

	if (get(r, root, "", "hyperv", REQ, &o) < 0)
		return -1;
	if (o == NULL || !json_is_object(o))
		return bad(r, "hyperv", _("is not an object"));
	if (get_bool(r, o, "hyperv", "role_installed", REQ, &role) < 0 ||
	    get_bool(r, o, "hyperv", "vmms_present", REQ, &vmms) < 0)
		return -1;
	/* the role is required: a vmms service alone (left behind, or another product's) is
	 * not the Hyper-V role; the reason says which of the two is missing */
	inv->hyperv = role == 1;
	if (role == 1)
		inv->hyperv_reason = smig_strdup(
			vmms == 1 ? _("the Hyper-V role is installed and the vmms service is "
				      "present (dest-facts.json)")
				  : _("the Hyper-V role is installed, but the vmms service is "
				      "missing (dest-facts.json)"),
			r->e);
	else
		inv->hyperv_reason = smig_asprintf(
			r->e,
			vmms == 1 ? _("the Hyper-V role is not installed (hyperv.role_installed is %s in "
				      "dest-facts.json); the vmms service is present, but that alone is "
				      "not the role")
				  : _("the Hyper-V role is not installed (hyperv.role_installed is %s in "
				      "dest-facts.json) and there is no vmms service"),
			role == 0 ? "false" : "null");
	return inv->hyperv_reason ? 0 : -1;
}

static int vmq_value(struct rd *r, json_t *o, const char *key, int *out)
{
	uint64_t v;
	bool has;

	if (get_uint(r, o, "vmq", key, OPT, 2, &v, &has) < 0)
		return -1;
	*out = has ? (int)v : -1;
	return 0;
}

static int read_host(struct rd *r, json_t *root, struct smig_inventory *inv)
{
	struct smig_inv_hostsettings *h = &inv->host;
	bool has_min, has_max;
	json_t *o;

	h->vmq_tengig = h->vmq_below_tengig = -1;
	if (get(r, root, "", "host", REQ, &o) < 0)
		return -1;
	if (o == NULL || !json_is_object(o))
		return bad(r, "host", _("is not an object"));
	if (get_str(r, o, "host", "virtual_machine_path", REQ, &h->data_root) < 0 ||
	    get_str(r, o, "host", "virtual_hard_disk_path", REQ, &h->vhd_path) < 0 ||
	    get_mac(r, o, "host", "mac_address_minimum", &h->mac_min, &has_min) < 0 ||
	    get_mac(r, o, "host", "mac_address_maximum", &h->mac_max, &has_max) < 0 ||
	    get_str(r, o, "host", "store_location", OPT, &h->store_location) < 0 ||
	    get_str(r, o, "host", "service_application", OPT, &h->service_application) < 0)
		return -1;
	h->has_mac_range = has_min && has_max;
	/* the default pool rule of hostinfo.c (formats.md §4.2) */
	h->mac_range_default = h->has_mac_range && h->mac_min.b[0] == 0x00 &&
			       h->mac_min.b[1] == 0x15 && h->mac_min.b[2] == 0x5D &&
			       h->mac_min.b[5] == 0x00 &&
			       smig_mac_to_u64(&h->mac_max) == smig_mac_to_u64(&h->mac_min) + 0xFF;
	if (get(r, root, "", "vmq", OPT, &o) < 0)
		return -1;
	if (o && !json_is_object(o))
		return bad(r, "vmq", _("is not an object"));
	if (o && (vmq_value(r, o, "TenGigVmqEnabled", &h->vmq_tengig) < 0 ||
		  vmq_value(r, o, "BelowTenGigVmqEnabled", &h->vmq_below_tengig) < 0))
		return -1;
	return 0;
}

static int read_authorization(struct rd *r, json_t *root, struct smig_inventory *inv)
{
	struct smig_inv_azman *az = &inv->azman;
	int present, customised;
	json_t *o;

	if (get(r, root, "", "authorization", OPT, &o) < 0)
		return -1;
	if (o == NULL)
		return 0;
	if (!json_is_object(o))
		return bad(r, "authorization", _("is not an object"));
	if (get_str(r, o, "authorization", "path", REQ, &az->path) < 0 ||
	    get_bool(r, o, "authorization", "present", REQ, &present) < 0 ||
	    get_bool(r, o, "authorization", "customised", REQ, &customised) < 0 ||
	    get_strv(r, o, "authorization", "differences", &az->differences) < 0)
		return -1;
	az->present = present == 1;
	az->customised = customised == 1;
	az->ad_store = az->path && smig_startswith_ci(az->path, SMIG_STORE_AD_PREFIX);
	return 0;
}

/* A note in the destination's problems about adapter `name` (when `cond`): it has no GUID
 * (`no_guid`) or no MAC address. */
static int adapter_note(struct rd *r, struct smig_inventory *inv, const struct smig_inv_nic *nic,
			const char *name, bool cond, bool no_guid)
{
	if (!cond)
		return 0;
	return smig_problems_add(&inv->problems, "", SMIG_SEV_INFO,
				 nic->connection_name ? nic->connection_name : name, NULL, NULL,
				 r->e,
				 no_guid ? _("member '%s' of '%s' has no interface GUID: it is "
					     "kept, but no switch binding or host adapter can name "
					     "it")
					 : _("member '%s' of '%s' has no MAC address: it is kept, "
					     "and matched by name, not by MAC"),
				 name, r->label);
}

static int read_adapters(struct rd *r, json_t *root, struct smig_inventory *inv)
{
	json_t *list;
	size_t n, i;

	if (get_list(r, root, "", "adapters", REQ, false, &list, &n) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		struct smig_inv_nic *nic;
		char name[64];
		json_t *o = object_at(r, list, i, "adapters", name, sizeof(name));
		int physical, host_vnic, vmq, dhcp;
		char **addrs = NULL;

		if (o == NULL)
			return -1;
		nic = smig_vec_add(&inv->nics, &inv->nnics, sizeof(*nic), r->e);
		if (nic == NULL)
			return -1;
		if (get_guid(r, o, name, "guid", REQ, SMIG_GUID_UPPER_BRACES, &nic->guid) < 0 ||
		    get_str(r, o, name, "name", REQ, &nic->connection_name) < 0 ||
		    get_str(r, o, name, "description", REQ, &nic->description) < 0 ||
		    get_mac(r, o, name, "mac", &nic->mac, &nic->has_mac) < 0 ||
		    get_bool(r, o, name, "physical", REQ, &physical) < 0 ||
		    get_bool(r, o, name, "host_vnic", REQ, &host_vnic) < 0 ||
		    get_bool(r, o, name, "vmq_enabled", OPT, &vmq) < 0 ||
		    get_bool(r, o, name, "dhcp", OPT, &dhcp) < 0 ||
		    get_strv(r, o, name, "addresses", &addrs) < 0 ||
		    get_strv(r, o, name, "gateways", &nic->gateway) < 0 ||
		    get_strv(r, o, name, "dns", &nic->dns) < 0) {
			smig_strv_free(addrs);
			return -1;
		}
		/* Get-NetAdapter lists virtual adapters without a MAC or an interface GUID:
		 * they are kept, with a note (one without a GUID is never found by GUID) */
		if (nic->guid == NULL && nic->connection_name == NULL) {
			smig_strv_free(addrs);
			return bad(r, name,
				   _("has neither a name nor a guid: nothing can name it"));
		}
		if (adapter_note(r, inv, nic, name, nic->guid == NULL, true) < 0 ||
		    adapter_note(r, inv, nic, name, !nic->has_mac, false) < 0) {
			smig_strv_free(addrs);
			return -1;
		}
		/* link_speed and status are for people: checked, not kept */
		if (skip_str(r, o, name, "link_speed") < 0 || skip_str(r, o, name, "status") < 0) {
			smig_strv_free(addrs);
			return -1;
		}
		nic->physical = physical == 1;
		nic->host_vnic = host_vnic == 1;
		nic->vmq = vmq;
		nic->has_tcpip = dhcp >= 0 || addrs != NULL;
		nic->dhcp = dhcp == 1;
		if (nic->has_mac && !(nic->mac_source = smig_strdup(SOURCE_NAME, r->e))) {
			smig_strv_free(addrs);
			return -1;
		}
		for (size_t k = 0; addrs && addrs[k]; k++) {
			char *slash = strchr(addrs[k], '/'), *end, mask[16], sub[200];
			unsigned long bits;
			uint32_t m;

			snprintf(sub, sizeof(sub), "%s.addresses[%zu]", name, k);
			bits = slash ? strtoul(slash + 1, &end, 10) : 99;
			if (!slash || *end || end == slash + 1 || bits > 32) {
				smig_strv_free(addrs);
				return bad(r, sub, _("is not an IPv4 address with a prefix "
					   "length (a.b.c.d/n)"));
			}
			*slash = '\0';
			m = bits ? 0xffffffffu << (32 - bits) : 0;
			snprintf(mask, sizeof(mask), "%u.%u.%u.%u", m >> 24, (m >> 16) & 0xff,
				 (m >> 8) & 0xff, m & 0xff);
			if (smig_strv_push(&nic->ip, addrs[k], r->e) < 0 ||
			    smig_strv_push(&nic->mask, mask, r->e) < 0) {
				smig_strv_free(addrs);
				return -1;
			}
		}
		smig_strv_free(addrs);
	}
	return 0;
}

static int switch_type(struct rd *r, const char *name, const char *s, enum smig_switch_type *t)
{
	if (s && smig_streq_ci(s, "Private"))
		*t = SMIG_SWITCH_PRIVATE;
	else if (s && smig_streq_ci(s, "Internal"))
		*t = SMIG_SWITCH_INTERNAL;
	else if (s && smig_streq_ci(s, "External"))
		*t = SMIG_SWITCH_EXTERNAL;
	else
		return bad(r, name, _("is not Private, Internal or External"));
	return 0;
}

static int read_switches(struct rd *r, json_t *root, struct smig_inventory *inv)
{
	json_t *list;
	size_t n, i;

	if (get_list(r, root, "", "switches", REQ, false, &list, &n) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		struct smig_inv_switch *sw;
		char name[64], tname[80], *type = NULL;
		json_t *o = object_at(r, list, i, "switches", name, sizeof(name));
		int rc;

		if (o == NULL)
			return -1;
		sw = smig_vec_add(&inv->switches, &inv->nswitches, sizeof(*sw), r->e);
		if (sw == NULL)
			return -1;
		if (get_guid(r, o, name, "id", REQ, SMIG_GUID_UPPER, &sw->guid) < 0 ||
		    need_str(r, o, name, "name", &sw->name) < 0 ||
		    need_str(r, o, name, "type", &type) < 0 ||
		    get_guid(r, o, name, "adapter_guid", OPT, SMIG_GUID_UPPER_BRACES,
			     &sw->external_nic) < 0 ||
		    get_guid(r, o, name, "host_adapter_guid", OPT, SMIG_GUID_UPPER_BRACES,
			     &sw->host_vnic) < 0) {
			free(type);
			return -1;
		}
		rc = switch_type(r, member(tname, sizeof(tname), name, "type"), type, &sw->type);
		free(type);
		if (rc < 0)
			return -1;
		if (sw->guid == NULL)
			return bad(r, name, _("has a null id"));
		/* the adapters carry the binding the hive reader takes from NicList */
		for (size_t k = 0; k < inv->nnics; k++) {
			struct smig_inv_nic *nic = &inv->nics[k];
			bool ext = nic->guid && sw->external_nic &&
				   smig_guid_str_equal(nic->guid, sw->external_nic);
			bool vnic = nic->guid && sw->host_vnic &&
				    smig_guid_str_equal(nic->guid, sw->host_vnic);

			if (ext || vnic) {
				free(nic->switch_guid);
				if (!(nic->switch_guid = smig_strdup(sw->guid, r->e)))
					return -1;
			}
		}
	}
	return 0;
}

static int read_vm_nics(struct rd *r, json_t *o, const char *parent, struct smig_inv_vm *vm)
{
	char lname[96];
	json_t *list;
	size_t n, i;

	if (get_list(r, o, parent, "network_adapters", OPT, false, &list, &n) < 0)
		return -1;
	member(lname, sizeof(lname), parent, "network_adapters");
	for (i = 0; i < n; i++) {
		struct smig_inv_nicvm *nic;
		char name[128];
		json_t *a = object_at(r, list, i, lname, name, sizeof(name));
		struct smig_mac mac;
		bool has;
		int st, legacy;

		if (a == NULL)
			return -1;
		nic = smig_vec_add(&vm->nics, &vm->nnics, sizeof(*nic), r->e);
		if (nic == NULL)
			return -1;
		if (get_str(r, a, name, "name", REQ, &nic->name) < 0 ||
		    get_mac(r, a, name, "mac", &mac, &has) < 0 ||
		    get_bool(r, a, name, "mac_static", REQ, &st) < 0 ||
		    get_bool(r, a, name, "legacy", OPT, &legacy) < 0 ||
		    get_str(r, a, name, "switch_name", OPT, &nic->switch_name) < 0)
			return -1;
		nic->mac_static = st == 1;
		nic->legacy = legacy == 1;
		nic->connected = nic->switch_name != NULL;
		if (has) {
			char buf[18];
			smig_mac_format(&mac, buf);
			if (!(nic->mac = smig_strdup(buf, r->e)))
				return -1;
		}
	}
	return 0;
}

static int read_vms(struct rd *r, json_t *root, struct smig_inventory *inv)
{
	json_t *list;
	size_t n, i;

	if (get_list(r, root, "", "vms", REQ, false, &list, &n) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		struct smig_inv_vm *vm;
		char name[64], *state = NULL;
		json_t *o = object_at(r, list, i, "vms", name, sizeof(name));
		uint64_t mem, cpus;
		bool has_mem, has_cpus;

		if (o == NULL)
			return -1;
		vm = smig_vec_add(&inv->vms, &inv->nvms, sizeof(*vm), r->e);
		if (vm == NULL)
			return -1;
		vm->current_parent = -1;
		if (get_guid(r, o, name, "id", REQ, SMIG_GUID_UPPER, &vm->id) < 0 ||
		    get_str(r, o, name, "name", REQ, &vm->name) < 0 ||
		    get_str(r, o, name, "state", OPT, &state) < 0 ||
		    get_str(r, o, name, "path", OPT, &vm->data_root) < 0 ||
		    get_uint(r, o, name, "memory_startup_bytes", OPT, MAX_BYTES, &mem,
			     &has_mem) < 0 ||
		    get_uint(r, o, name, "processor_count", OPT, 1024, &cpus, &has_cpus) < 0 ||
		    read_vm_nics(r, o, name, vm) < 0) {
			free(state);
			return -1;
		}
		if (vm->id == NULL) {
			free(state);
			return bad(r, name, _("has a null id"));
		}
		vm->saved_state = state && smig_streq_ci(state, "Saved");
		free(state);
		vm->memory_mb = has_mem ? (int64_t)(mem / MIB) : 0;
		vm->cpu_count = has_cpus ? (int64_t)cpus : 0;
		if (!(vm->registration = smig_strdup(SOURCE_NAME, r->e)))
			return -1;
	}
	return 0;
}

static int read_volumes(struct rd *r, json_t *root, struct smig_inventory *inv,
			struct smig_destfacts_volume **vols, size_t *nvols)
{
	json_t *list;
	size_t n, i;

	if (get_list(r, root, "", "volumes", REQ, false, &list, &n) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		struct smig_destfacts_volume v = {0};
		char name[64], lname[80], *letter = NULL, dl[3];
		json_t *o = object_at(r, list, i, "volumes", name, sizeof(name));
		bool has_free, has_size;

		if (o == NULL)
			return -1;
		if (need_str(r, o, name, "letter", &letter) < 0)
			return -1;
		if (!((letter[0] >= 'A' && letter[0] <= 'Z') ||
		      (letter[0] >= 'a' && letter[0] <= 'z')) ||
		    !(letter[1] == '\0' || (letter[1] == ':' && letter[2] == '\0'))) {
			free(letter);
			return bad(r, member(lname, sizeof(lname), name, "letter"),
				   _("is not a drive letter"));
		}
		v.letter = (char)(letter[0] & ~0x20);
		free(letter);
		if (get_uint(r, o, name, "free_bytes", REQ, MAX_BYTES, &v.free_bytes,
			     &has_free) < 0 ||
		    get_uint(r, o, name, "size_bytes", REQ, MAX_BYTES, &v.size_bytes,
			     &has_size) < 0)
			return -1;
		v.has_size = has_free && has_size;
		dl[0] = v.letter;
		dl[1] = ':';
		dl[2] = '\0';
		if (smig_strv_push(&inv->drive_letters, dl, r->e) < 0)
			return -1;
		if (vols) {
			struct smig_destfacts_volume *nv =
				smig_vec_add(vols, nvols, sizeof(**vols), r->e);
			if (nv == NULL)
				return -1;
			*nv = v;
		}
	}
	return 0;
}

int smig_destfacts_parse(const char *text, size_t len, const char *label, const char *root,
			 struct smig_inventory **out, struct smig_destfacts_volume **vols,
			 size_t *nvols, struct smig_err *e)
{
	struct rd r = {label, e};
	struct smig_inventory *inv = NULL;
	json_error_t jerr;
	json_t *doc = NULL, *v;
	char *format = NULL;
	uint64_t version;
	int rc = -1;

	*out = NULL;
	if (vols) {
		*vols = NULL;
		*nvols = 0;
	}
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
		text += 3;
		len -= 3;
	}
	if (len > SMIG_DESTFACTS_MAX)
		return smig_err_set(e, SMIG_ERR_FORMAT,
				    _("'%s' is too large (%zu bytes, limit %u)"), label, len,
				    SMIG_DESTFACTS_MAX);
	if (!smig_utf8_valid(text, len))
		return smig_err_set(e, SMIG_ERR_FORMAT, _("'%s' is not a valid %s file: not UTF-8"),
				    label, SOURCE_NAME);
	if (!depth_ok(text, len, MAX_DEPTH))
		return smig_err_set(e, SMIG_ERR_FORMAT,
				    _("'%s' is not a valid %s file: nested deeper than %d levels"),
				    label, SOURCE_NAME, MAX_DEPTH);
	doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (doc == NULL) {
		/* jansson quotes the input near the error: keep the message one line */
		for (char *p = jerr.text; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = '?';
		smig_err_set(e, SMIG_ERR_FORMAT, _("'%s' is not a valid %s file: line %d: %s"),
			     label, SOURCE_NAME, jerr.line, jerr.text);
		goto out;
	}
	if (!json_is_object(doc)) {
		smig_err_set(e, SMIG_ERR_FORMAT,
			     _("'%s' is not a valid %s file: not a JSON object"), label,
			     SOURCE_NAME);
		goto out;
	}
	if (get_str(&r, doc, "", "format", REQ, &format) < 0)
		goto out;
	if (format == NULL || strcmp(format, SMIG_DESTFACTS_FORMAT) != 0) {
		bad(&r, "format", _("is not \"%s\""), SMIG_DESTFACTS_FORMAT);
		goto out;
	}
	if (get_uint(&r, doc, "", "version", REQ, 1000, &version, NULL) < 0)
		goto out;
	if (version != SMIG_DESTFACTS_VERSION) {
		bad(&r, "version", _("is %llu: this smig reads version %d"),
		    (unsigned long long)version, SMIG_DESTFACTS_VERSION);
		goto out;
	}
	v = json_object_get(doc, "written_utc");
	if (v && !json_is_null(v) && !json_is_string(v)) {
		bad(&r, "written_utc", _("is not a string"));
		goto out;
	}
	inv = calloc(1, sizeof(*inv));
	if (inv == NULL) {
		smig_err_nomem(e, _("reading dest-facts.json"));
		goto out;
	}
	if (!(inv->root = smig_strdup(root ? root : "", e)))
		goto out;
	/* adapters before switches: a switch's binding is recorded on its adapters */
	if (read_os(&r, doc, inv) < 0 || read_hyperv(&r, doc, inv) < 0 ||
	    read_host(&r, doc, inv) < 0 || read_authorization(&r, doc, inv) < 0 ||
	    read_adapters(&r, doc, inv) < 0 || read_switches(&r, doc, inv) < 0 ||
	    read_vms(&r, doc, inv) < 0 || read_volumes(&r, doc, inv, vols, nvols) < 0)
		goto out;
	*out = inv;
	inv = NULL;
	rc = 0;
out:
	if (rc < 0 && vols) {
		free(*vols);
		*vols = NULL;
		*nvols = 0;
	}
	smig_inventory_free(inv);
	free(format);
	json_decref(doc);
	return rc;
}

int smig_destfacts_read(const char *path, const char *root, struct smig_inventory **out,
			struct smig_destfacts_volume **vols, size_t *nvols, struct smig_err *e)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	if (smig_file_read(path, SMIG_DESTFACTS_MAX + 3, NULL, &text, &len, e) < 0)
		return -1;
	rc = smig_destfacts_parse(text, len, path, root, out, vols, nvols, e);
	free(text);
	return rc;
}

/* ---- writing ---- */

struct wr {
	bool failed;
};

/* A JSON value for a string that may be NULL; invalid UTF-8 marks the document failed. */
static json_t *jstr(struct wr *w, const char *s)
{
	json_t *v;

	if (s == NULL)
		return json_null();
	v = json_string(s);
	if (v == NULL)
		w->failed = true;
	return v;
}

static void put(struct wr *w, json_t *o, const char *key, json_t *v)
{
	if (v == NULL || json_object_set_new(o, key, v) < 0)
		w->failed = true;
}

static void add(struct wr *w, json_t *a, json_t *v)
{
	if (v == NULL || json_array_append_new(a, v) < 0)
		w->failed = true;
}

static json_t *jmac(const struct smig_mac *m, bool has)
{
	char buf[18];

	if (!has)
		return json_null();
	smig_mac_format(m, buf);
	return json_string(buf);
}

static json_t *jstrv(struct wr *w, char *const *v)
{
	json_t *a = json_array();

	for (size_t i = 0; a && v && v[i]; i++)
		add(w, a, jstr(w, v[i]));
	return a;
}

static json_t *write_os(struct wr *w, const struct smig_inv_os *os)
{
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	put(w, o, "computer_name", jstr(w, os->computer_name ? os->computer_name : ""));
	put(w, o, "dns_hostname", jstr(w, os->dns_hostname));
	put(w, o, "domain", jstr(w, os->domain));
	put(w, o, "product_name", jstr(w, os->product_name));
	put(w, o, "version", jstr(w, os->current_version));
	put(w, o, "build", jstr(w, os->build));
	put(w, o, "csd_version", jstr(w, os->csd_version));
	put(w, o, "edition", jstr(w, os->edition_id));
	put(w, o, "installation_type", jstr(w, os->installation_type));
	put(w, o, "product_type", jstr(w, os->product_type));
	put(w, o, "architecture", jstr(w, os->architecture));
	put(w, o, "processor_identifier", jstr(w, os->processor_identifier));
	put(w, o, "install_language", jstr(w, os->install_language));
	put(w, o, "default_language", jstr(w, os->default_language));
	put(w, o, "system_locale", jstr(w, os->system_locale));
	return o;
}

static json_t *write_host(struct wr *w, const struct smig_inv_hostsettings *h)
{
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	put(w, o, "virtual_machine_path", jstr(w, h->data_root));
	put(w, o, "virtual_hard_disk_path", jstr(w, h->vhd_path));
	put(w, o, "mac_address_minimum", jmac(&h->mac_min, h->has_mac_range));
	put(w, o, "mac_address_maximum", jmac(&h->mac_max, h->has_mac_range));
	put(w, o, "store_location", jstr(w, h->store_location));
	put(w, o, "service_application", jstr(w, h->service_application));
	return o;
}

/* Bytes of `mb` MiB, at most MAX_BYTES (what the reader takes). */
static json_t *jbytes_mb(uint64_t mb)
{
	return json_integer((json_int_t)(mb > MAX_BYTES / MIB ? MAX_BYTES : mb * MIB));
}

static json_t *jbytes(uint64_t b)
{
	return json_integer((json_int_t)(b > MAX_BYTES ? MAX_BYTES : b));
}

static json_t *jvmq(int v)
{
	return v < 0 ? json_null() : json_integer(v);
}

/* The prefix length of a dotted IPv4 mask (its leading one bits). */
static int prefix_of(const char *mask)
{
	unsigned a, b, c, d, n = 0;
	uint32_t m;

	if (mask == NULL || sscanf(mask, "%u.%u.%u.%u", &a, &b, &c, &d) != 4 || a > 255 ||
	    b > 255 || c > 255 || d > 255)
		return -1;
	m = (uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | d;
	while (n < 32 && (m & (0x80000000u >> n)))
		n++;
	return (int)n;
}

static json_t *write_adapter(struct wr *w, const struct smig_inv_nic *n)
{
	json_t *o = json_object(), *addrs;

	if (o == NULL)
		return NULL;
	put(w, o, "name", jstr(w, n->connection_name));
	put(w, o, "description", jstr(w, n->description));
	put(w, o, "mac", jmac(&n->mac, n->has_mac));
	put(w, o, "guid", jstr(w, n->guid));
	put(w, o, "physical", json_boolean(n->physical));
	put(w, o, "host_vnic", json_boolean(n->host_vnic));
	put(w, o, "link_speed", json_null());
	put(w, o, "status", json_null());
	put(w, o, "vmq_enabled", n->vmq < 0 ? json_null() : json_boolean(n->vmq));
	put(w, o, "dhcp", n->has_tcpip ? json_boolean(n->dhcp) : json_null());
	addrs = json_array();
	for (size_t i = 0; addrs && n->ip && n->mask && n->ip[i] && n->mask[i]; i++) {
		int p = prefix_of(n->mask[i]);
		char buf[64];
		if (p < 0 || strchr(n->ip[i], ':'))
			continue; /* IPv4 with a mask only, as probe.ps1 writes */
		snprintf(buf, sizeof(buf), "%.40s/%d", n->ip[i], p);
		add(w, addrs, jstr(w, buf));
	}
	put(w, o, "addresses", addrs);
	put(w, o, "gateways", jstrv(w, n->gateway));
	put(w, o, "dns", jstrv(w, n->dns));
	return o;
}

static json_t *write_switch(struct wr *w, const struct smig_inventory *inv,
			    const struct smig_inv_switch *s)
{
	const struct smig_inv_nic *bound =
		s->external_nic ? smig_inventory_find_nic(inv, s->external_nic) : NULL;
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	put(w, o, "id", jstr(w, s->guid));
	put(w, o, "name", jstr(w, s->name ? s->name : s->guid));
	put(w, o, "type", jstr(w, s->type == SMIG_SWITCH_EXTERNAL ? "External" :
				  s->type == SMIG_SWITCH_INTERNAL ? "Internal" : "Private"));
	put(w, o, "adapter_guid", jstr(w, s->external_nic));
	put(w, o, "adapter_description", jstr(w, bound ? bound->description : NULL));
	put(w, o, "allow_management_os", json_boolean(s->host_vnic != NULL));
	put(w, o, "host_adapter_guid", jstr(w, s->host_vnic));
	return o;
}

static json_t *write_vm(struct wr *w, const struct smig_inv_vm *vm)
{
	json_t *o = json_object(), *nics = json_array();

	if (o == NULL || nics == NULL) {
		json_decref(o);
		json_decref(nics);
		return NULL;
	}
	put(w, o, "id", jstr(w, vm->id));
	put(w, o, "name", jstr(w, vm->name ? vm->name : ""));
	put(w, o, "state", jstr(w, vm->saved_state ? "Saved" : "Off"));
	put(w, o, "path", jstr(w, vm->data_root ? vm->data_root : vm->config_winpath));
	put(w, o, "memory_startup_bytes",
	    jbytes_mb(vm->memory_mb > 0 ? (uint64_t)vm->memory_mb : 0));
	put(w, o, "processor_count", json_integer(vm->cpu_count > 0 && vm->cpu_count <= 1024 ?
						  vm->cpu_count : 0));
	for (size_t i = 0; i < vm->nnics; i++) {
		const struct smig_inv_nicvm *n = &vm->nics[i];
		json_t *a = json_object();

		if (a == NULL) {
			w->failed = true;
			break;
		}
		put(w, a, "name", jstr(w, n->name));
		put(w, a, "mac", jstr(w, n->mac));
		put(w, a, "mac_static", json_boolean(n->mac_static));
		put(w, a, "legacy", json_boolean(n->legacy));
		put(w, a, "switch_name", jstr(w, n->connected ? n->switch_name : NULL));
		add(w, nics, a);
	}
	put(w, o, "network_adapters", nics);
	return o;
}

static json_t *write_volume(const struct smig_destfacts_volume *v)
{
	char letter[2] = {v->letter, '\0'};

	return json_pack("{s:s, s:o, s:o}", "letter", letter, "free_bytes",
			 v->has_size ? jbytes(v->free_bytes) : json_null(), "size_bytes",
			 v->has_size ? jbytes(v->size_bytes) : json_null());
}

char *smig_destfacts_from_inventory(const struct smig_inventory *inv,
				    const struct smig_destfacts_volume *vols, size_t nvols,
				    struct smig_err *e)
{
	struct wr w = {false};
	json_t *doc = json_object(), *a;
	char *text = NULL, *out = NULL;
	size_t i;

	if (doc == NULL)
		goto out;
	put(&w, doc, "format", json_string(SMIG_DESTFACTS_FORMAT));
	put(&w, doc, "version", json_integer(SMIG_DESTFACTS_VERSION));
	put(&w, doc, "written_utc", json_null());
	put(&w, doc, "os", write_os(&w, &inv->os));
	/* what the reader refuses is written as unknown */
	put(&w, doc, "logical_processors", json_integer(inv->os.logical_processors <= MAX_CPUS ?
							inv->os.logical_processors : 0));
	put(&w, doc, "memory_bytes", jbytes_mb(inv->os.memory_mb));
	put(&w, doc, "hyperv", json_pack("{s:b, s:b}", "role_installed", inv->hyperv,
					 "vmms_present", inv->hyperv));
	put(&w, doc, "host", write_host(&w, &inv->host));
	put(&w, doc, "vmq", json_pack("{s:o, s:o}", "TenGigVmqEnabled", jvmq(inv->host.vmq_tengig),
				      "BelowTenGigVmqEnabled", jvmq(inv->host.vmq_below_tengig)));
	if (inv->azman.path)
		put(&w, doc, "authorization",
		    json_pack("{s:o, s:b, s:b, s:o}", "path", jstr(&w, inv->azman.path), "present",
			      inv->azman.present, "customised", inv->azman.customised,
			      "differences", jstrv(&w, inv->azman.differences)));
	else
		put(&w, doc, "authorization", json_null());
	a = json_array();
	for (i = 0; a && i < inv->nnics; i++)
		add(&w, a, write_adapter(&w, &inv->nics[i]));
	put(&w, doc, "adapters", a);
	a = json_array();
	for (i = 0; a && i < inv->nswitches; i++)
		add(&w, a, write_switch(&w, inv, &inv->switches[i]));
	put(&w, doc, "switches", a);
	a = json_array();
	for (i = 0; a && i < inv->nvms; i++)
		if (inv->vms[i].id)
			add(&w, a, write_vm(&w, &inv->vms[i]));
	put(&w, doc, "vms", a);
	a = json_array();
	for (i = 0; a && vols && i < nvols; i++)
		add(&w, a, write_volume(&vols[i]));
	for (i = 0; a && !vols && inv->drive_letters && inv->drive_letters[i]; i++) {
		struct smig_destfacts_volume v = {0};
		v.letter = (char)(inv->drive_letters[i][0] & ~0x20);
		add(&w, a, write_volume(&v));
	}
	put(&w, doc, "volumes", a);
	if (w.failed)
		goto out;
	text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (text)
		out = smig_asprintf(e, "%s\n", text);
	else
		w.failed = true;
out:
	if (doc == NULL || w.failed)
		smig_err_set(e, SMIG_ERR_NOMEM,
			     _("cannot write %s: out of memory or a text that is not UTF-8"),
			     SOURCE_NAME);
	free(text);
	json_decref(doc);
	return out;
}

/* ---- probe.ps1 ---- */

/*
 * Read-only, PowerShell 3.0, Windows Server 2012 cmdlets only (checked by
 * ../shared/tools/ps2012-check in tests/cli/import_facts.sh). Every member written here is
 * one the reader above takes; docs/dest-facts.md is the reference for both.
 */
static const char probe_code_param[] =
	"[CmdletBinding()]\n"
	"param(\n"
	"    [string]$Path = (Join-Path -Path (Get-Location).Path -ChildPath 'dest-facts.json')\n"
	")\n"
	"\n"
	"Set-StrictMode -Version 1\n"
	"$ErrorActionPreference = 'Stop'\n";

static const char probe_code_path[] =
	"$Path = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($Path)\n"
	"\n"
	"$identity = [Security.Principal.WindowsIdentity]::GetCurrent()\n"
	"$principal = New-Object -TypeName Security.Principal.WindowsPrincipal -ArgumentList $identity\n"
	"if (-not $principal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) {\n"
	"    [Console]::Error.WriteLine(";

static const char probe_code_functions[] =
	")\n"
	"    exit 1\n"
	"}\n"
	"\n"
	"function Get-SmigRegValue {\n"
	"    param([string]$Key, [string]$Name)\n"
	"\n"
	"    $item = Get-ItemProperty -LiteralPath $Key -Name $Name -ErrorAction SilentlyContinue\n"
	"    if ($item -eq $null) { return $null }\n"
	"    return $item.$Name\n"
	"}\n"
	"\n"
	"$system = 'HKLM:\\SYSTEM\\CurrentControlSet'\n"
	"$cv = 'HKLM:\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion'\n"
	"$virt = 'HKLM:\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Virtualization'\n"
	"$envKey = \"$system\\Control\\Session Manager\\Environment\"\n"
	"$nls = \"$system\\Control\\Nls\\Language\"\n"
	"$tcpip = \"$system\\Services\\Tcpip\\Parameters\"\n"
	"$vmsmp = \"$system\\Services\\VMSMP\\Parameters\"\n"
	"\n"
	"$os = Get-WmiObject -Class Win32_OperatingSystem\n"
	"$cs = Get-WmiObject -Class Win32_ComputerSystem\n"
	"$locale = $null\n"
	"try {\n"
	"    $culture = [Globalization.CultureInfo]::GetCultureInfo([Convert]::ToInt32($os.Locale, 16))\n"
	"    $locale = $culture.Name.ToLowerInvariant() + ';' + $culture.EnglishName\n"
	"} catch {\n"
	"    $locale = $null\n"
	"}\n"
	"$build = Get-SmigRegValue $cv 'CurrentBuild'\n"
	"if ($build -eq $null) { $build = Get-SmigRegValue $cv 'CurrentBuildNumber' }\n"
	"\n"
	"$feature = Get-WindowsFeature -Name Hyper-V\n"
	"$vmms = Get-Service -Name vmms -ErrorAction SilentlyContinue\n"
	"$hasModule = @(Get-Module -ListAvailable -Name Hyper-V).Count -gt 0\n"
	"\n";

static const char probe_code_adapters[] =
	"$all = @(Get-NetAdapter)\n"
	"$physical = @(Get-NetAdapter -Physical | ForEach-Object { [string]$_.InterfaceGuid })\n"
	"$vmqs = @(Get-NetAdapterVmq -ErrorAction SilentlyContinue)\n"
	"$adapters = @($all | ForEach-Object {\n"
	"    $a = $_\n"
	"    $vmq = @($vmqs | ForEach-Object { if ($_.Name -eq $a.Name) { $_ } })\n"
	"    $ipif = Get-NetIPInterface -InterfaceIndex $a.ifIndex -AddressFamily IPv4 -ErrorAction SilentlyContinue\n"
	"    $dhcp = $null\n"
	"    if ($ipif -ne $null) { $dhcp = ([string]$ipif.Dhcp -eq 'Enabled') }\n"
	"    [ordered]@{\n"
	"        name = $a.Name\n"
	"        description = $a.InterfaceDescription\n"
	"        mac = $a.MacAddress\n"
	"        guid = [string]$a.InterfaceGuid\n"
	"        physical = $physical -contains [string]$a.InterfaceGuid\n"
	"        host_vnic = $a.InterfaceDescription -like 'Hyper-V Virtual Ethernet Adapter*'\n"
	"        link_speed = [string]$a.LinkSpeed\n"
	"        status = [string]$a.Status\n"
	"        vmq_enabled = $(if ($vmq.Count -gt 0) { [bool]$vmq[0].Enabled } else { $null })\n"
	"        dhcp = $dhcp\n"
	"        addresses = @(Get-NetIPAddress -InterfaceIndex $a.ifIndex -AddressFamily IPv4 -ErrorAction SilentlyContinue |\n"
	"            ForEach-Object { [string]$_.IPAddress + '/' + [string]$_.PrefixLength })\n"
	"        gateways = @(Get-NetRoute -InterfaceIndex $a.ifIndex -DestinationPrefix '0.0.0.0/0' -ErrorAction SilentlyContinue |\n"
	"            ForEach-Object { [string]$_.NextHop })\n"
	"        dns = @(Get-DnsClientServerAddress -InterfaceIndex $a.ifIndex -AddressFamily IPv4 -ErrorAction SilentlyContinue |\n"
	"            ForEach-Object { $_.ServerAddresses } | ForEach-Object { [string]$_ })\n"
	"    }\n"
	"})\n"
	"\n"
	"$vmhost = $null\n"
	"$switches = @()\n"
	"$vms = @()\n"
	"if ($hasModule -and $vmms -ne $null) {\n"
	"    $vmhost = Get-VMHost\n"
	"    $switches = @(Get-VMSwitch | ForEach-Object {\n"
	"        $sw = $_\n"
	"        $bound = @($all | ForEach-Object { if ($sw.NetAdapterInterfaceDescription -and $_.InterfaceDescription -eq $sw.NetAdapterInterfaceDescription) { $_ } })\n"
	"        $mgmt = @(Get-VMNetworkAdapter -ManagementOS -ErrorAction SilentlyContinue | ForEach-Object { if ($_.SwitchName -eq $sw.Name) { $_ } })\n"
	"        $hostNic = @()\n"
	"        if ($mgmt.Count -gt 0) {\n"
	"            $vName = 'vEthernet (' + $mgmt[0].Name + ')'\n"
	"            $hostNic = @($all | ForEach-Object { if ($_.Name -eq $vName) { $_ } })\n"
	"        }\n"
	"        [ordered]@{\n"
	"            id = [string]$sw.Id\n"
	"            name = $sw.Name\n"
	"            type = [string]$sw.SwitchType\n"
	"            adapter_guid = $(if ($bound.Count -gt 0) { [string]$bound[0].InterfaceGuid } else { $null })\n"
	"            adapter_description = $(if ($sw.NetAdapterInterfaceDescription) { [string]$sw.NetAdapterInterfaceDescription } else { $null })\n"
	"            allow_management_os = $mgmt.Count -gt 0\n"
	"            host_adapter_guid = $(if ($hostNic.Count -gt 0) { [string]$hostNic[0].InterfaceGuid } else { $null })\n"
	"        }\n"
	"    })\n"
	"    $vms = @(Get-VM | ForEach-Object {\n"
	"        $vm = $_\n"
	"        [ordered]@{\n"
	"            id = [string]$vm.VMId\n"
	"            name = $vm.VMName\n"
	"            state = [string]$vm.State\n"
	"            path = $vm.ConfigurationLocation\n"
	"            memory_startup_bytes = [uint64]$vm.MemoryStartup\n"
	"            processor_count = [int]$vm.ProcessorCount\n"
	"            network_adapters = @(Get-VMNetworkAdapter -VM $vm | ForEach-Object {\n"
	"                [ordered]@{\n"
	"                    name = $_.Name\n"
	"                    mac = [string]$_.MacAddress\n"
	"                    mac_static = -not $_.DynamicMacAddressEnabled\n"
	"                    legacy = [bool]$_.IsLegacy\n"
	"                    switch_name = $_.SwitchName\n"
	"                }\n"
	"            })\n"
	"        }\n"
	"    })\n"
	"}\n"
	"\n";

static const char probe_code_store[] =
	"$storeLocation = Get-SmigRegValue $virt 'StoreLocation'\n"
	"$storePath = 'C:\\ProgramData\\Microsoft\\Windows\\Hyper-V\\InitialStore.xml'\n"
	"if ($storeLocation -ne $null) {\n"
	"    if ($storeLocation -like 'msxml://*') { $storePath = $storeLocation.Substring(8) } else { $storePath = $storeLocation }\n"
	"}\n"
	"$authorization = [ordered]@{ path = $storePath; present = $false; customised = $false; differences = @() }\n"
	"if ($storePath -notlike 'msldap://*' -and (Test-Path -LiteralPath $storePath)) {\n"
	"    [xml]$store = [IO.File]::ReadAllText($storePath)\n"
	"    $differences = @()\n"
	"    foreach ($role in @($store.SelectNodes('/AzAdminManager/AzApplication/AzRole'))) {\n"
	"        $members = @($role.SelectNodes('Member') | ForEach-Object { $_.InnerText })\n"
	"        $links = @($role.SelectNodes('AppMemberLink'))\n"
	"        $count = $members.Count + $links.Count\n"
	"        $name = $role.GetAttribute('Name')\n"
	"        if ($name -eq 'Administrator' -and $count -eq 1 -and $links.Count -eq 0 -and $members[0] -eq 'S-1-5-32-544') { continue }\n"
	"        $differences += \"role assignment '$name' ($count members)\"\n"
	"    }\n"
	"    foreach ($scope in @($store.SelectNodes('/AzAdminManager/AzApplication/AzScope'))) {\n"
	"        $differences += \"scope '\" + $scope.GetAttribute('Name') + \"'\"\n"
	"    }\n"
	"    $authorization.present = $true\n"
	"    $authorization.customised = $differences.Count -gt 0\n"
	"    $authorization.differences = $differences\n"
	"}\n"
	"\n"
	"$volumes = @(Get-WmiObject -Class Win32_Volume -Filter 'DriveType = 3' |\n"
	"    ForEach-Object { if ($_.DriveLetter) {\n"
	"        [ordered]@{\n"
	"            letter = $_.DriveLetter.Substring(0, 1)\n"
	"            free_bytes = [uint64]$_.FreeSpace\n"
	"            size_bytes = [uint64]$_.Capacity\n"
	"        }\n"
	"    } })\n"
	"\n"
	"$facts = [ordered]@{\n"
	"    format = 'smig-dest-facts'\n"
	"    version = 1\n"
	"    written_utc = [DateTime]::UtcNow.ToString(\"yyyy-MM-dd'T'HH:mm:ss'Z'\", [Globalization.CultureInfo]::InvariantCulture)\n"
	"    os = [ordered]@{\n"
	"        computer_name = $env:COMPUTERNAME\n"
	"        dns_hostname = (Get-SmigRegValue $tcpip 'Hostname')\n"
	"        domain = (Get-SmigRegValue $tcpip 'Domain')\n"
	"        product_name = (Get-SmigRegValue $cv 'ProductName')\n"
	"        version = (Get-SmigRegValue $cv 'CurrentVersion')\n"
	"        build = $build\n"
	"        csd_version = (Get-SmigRegValue $cv 'CSDVersion')\n"
	"        edition = (Get-SmigRegValue $cv 'EditionID')\n"
	"        installation_type = (Get-SmigRegValue $cv 'InstallationType')\n"
	"        product_type = (Get-SmigRegValue \"$system\\Control\\ProductOptions\" 'ProductType')\n"
	"        architecture = (Get-SmigRegValue $envKey 'PROCESSOR_ARCHITECTURE')\n"
	"        processor_identifier = (Get-SmigRegValue $envKey 'PROCESSOR_IDENTIFIER')\n"
	"        install_language = (Get-SmigRegValue $nls 'InstallLanguage')\n"
	"        default_language = (Get-SmigRegValue $nls 'Default')\n"
	"        system_locale = $locale\n"
	"    }\n"
	"    logical_processors = [int]$cs.NumberOfLogicalProcessors\n"
	"    memory_bytes = [uint64]$cs.TotalPhysicalMemory\n"
	"    hyperv = [ordered]@{\n"
	"        role_installed = [bool]($feature -ne $null -and $feature.Installed)\n"
	"        vmms_present = $vmms -ne $null\n"
	"    }\n"
	"    host = [ordered]@{\n"
	"        virtual_machine_path = $(if ($vmhost) { $vmhost.VirtualMachinePath } else { $null })\n"
	"        virtual_hard_disk_path = $(if ($vmhost) { $vmhost.VirtualHardDiskPath } else { $null })\n"
	"        mac_address_minimum = $(if ($vmhost) { [string]$vmhost.MacAddressMinimum } else { $null })\n"
	"        mac_address_maximum = $(if ($vmhost) { [string]$vmhost.MacAddressMaximum } else { $null })\n"
	"        store_location = $storeLocation\n"
	"        service_application = (Get-SmigRegValue $virt 'ServiceApplication')\n"
	"    }\n"
	"    vmq = [ordered]@{\n"
	"        TenGigVmqEnabled = (Get-SmigRegValue $vmsmp 'TenGigVmqEnabled')\n"
	"        BelowTenGigVmqEnabled = (Get-SmigRegValue $vmsmp 'BelowTenGigVmqEnabled')\n"
	"    }\n"
	"    authorization = $authorization\n"
	"    adapters = $adapters\n"
	"    switches = $switches\n"
	"    vms = $vms\n"
	"    volumes = $volumes\n"
	"}\n"
	"\n";

static const char probe_code_write[] =
	"if (Get-TypeData -TypeName System.Array) {\n"
	"    Remove-TypeData -TypeName System.Array -ErrorAction SilentlyContinue\n"
	"}\n"
	"$json = ConvertTo-Json -InputObject $facts -Depth 8\n"
	"[IO.File]::WriteAllText($Path, $json, (New-Object -TypeName Text.UTF8Encoding -ArgumentList $false))\n"
	"Write-Output (";

/* Every line of `text` (ending in a line end or not) as "# " comment lines. */
static void put_comment_lines(struct smig_strbuf *sb, const char *text)
{
	const char *nl;

	for (; *text; text = nl + 1) {
		nl = strchr(text, '\n');
		smig_strbuf_puts(sb, "# ");
		smig_strbuf_append(sb, text, nl ? (size_t)(nl - text) : strlen(text));
		smig_strbuf_putc(sb, '\n');
		if (nl == NULL)
			break;
	}
}

/* `text` as lines of the comment-based help, with a final line end. */
static void put_help_text(struct smig_strbuf *sb, const char *text)
{
	size_t n = strlen(text);

	smig_strbuf_puts(sb, text);
	if (n == 0 || text[n - 1] != '\n')
		smig_strbuf_putc(sb, '\n');
}

/*
 * The script in the language of the messages: its help, comments and messages are
 * translated; its code never is (tests/cli/i18n_scripts.sh compares the French script with
 * the English one, comments and strings left out), nor what it writes into dest-facts.json
 * (the authorization store's differences are data smig reads back). A translated message is
 * a single-quoted PowerShell string (smig_ps_put_quoted() doubles its quotes). The file is
 * UTF-8 with a BOM and CRLF line ends: Windows PowerShell 3.0 reads a script without a BOM
 * in the ANSI code page, which would garble the accented letters of a French script.
 */
static int probe_text(struct smig_strbuf *sb)
{
	int rc = 0;

	smig_strbuf_puts(sb, "<#\n.SYNOPSIS\n");
	put_help_text(sb, _("Writes dest-facts.json: what smig-import needs to know about this "
			    "Windows Server 2012\nHyper-V host while its registry hives are "
			    "locked.\n"));
	smig_strbuf_puts(sb, ".DESCRIPTION\n");
	put_help_text(sb, _("Written by 'smig-import probe-script'. Run it elevated on the "
			    "destination host, then copy\ndest-facts.json into the destination "
			    "host folder (DEST/dest-facts.json) before\n'smig-import preflight'. "
			    "It changes nothing: it only reads Get-VMHost, Get-VMSwitch,\nGet-VM, "
			    "Get-NetAdapter, WMI and registry values.\n"));
	smig_strbuf_puts(sb, ".PARAMETER Path\n");
	put_help_text(sb, _("Where to write the facts (default: dest-facts.json in the current "
			    "folder).\n"));
	smig_strbuf_puts(sb, "#>\n");
	smig_strbuf_puts(sb, probe_code_param);
	put_comment_lines(sb, _(".NET resolves a relative path against the process's "
				"directory\n(C:\\Windows\\System32 in an elevated shell), not "
				"PowerShell's location: resolve it"));
	smig_strbuf_puts(sb, probe_code_path);
	rc |= smig_ps_put_quoted(sb, _("probe.ps1: run it elevated (Run as administrator): "
				       "Hyper-V and the registry values it reads need it. Nothing "
				       "was written."));
	smig_strbuf_puts(sb, probe_code_functions);
	put_comment_lines(sb, _("adapters: every connection Get-NetAdapter shows, physical ones "
				"marked"));
	smig_strbuf_puts(sb, probe_code_adapters);
	put_comment_lines(sb, _("the authorization store: customised unless it is the default "
				"one (docs/formats.md §6)"));
	smig_strbuf_puts(sb, probe_code_store);
	put_comment_lines(sb, _("PowerShell 3.0's type data gives arrays a Count property, which "
				"ConvertTo-Json\nwrites as {\"value\": [...], \"Count\": n} for a "
				"wrapped array: dropped first"));
	smig_strbuf_puts(sb, probe_code_write);
	/* TRANSLATORS: a PowerShell -f format: {0} is the file written; keep it, and write no
	 * other brace */
	rc |= smig_ps_put_quoted(sb, _("probe.ps1: wrote {0}"));
	smig_strbuf_puts(sb, " -f $Path)\n");
	return rc;
}

char *smig_destfacts_probe_script(size_t *len, struct smig_err *e)
{
	struct smig_strbuf text = SMIG_STRBUF_INIT, sb = SMIG_STRBUF_INIT;
	const char *p;
	int bad_text;

	bad_text = probe_text(&text);
	if (bad_text && !smig_strbuf_failed(&text))
		smig_err_set(e, SMIG_ERR_FORMAT,
			     _("probe.ps1: a translated message is not valid UTF-8"));
	if (smig_strbuf_check(&text, e) < 0 || bad_text) {
		smig_strbuf_release(&text);
		return NULL;
	}
	smig_strbuf_puts(&sb, "\xEF\xBB\xBF");
	for (p = smig_strbuf_cstr(&text); *p; p++) {
		if (*p == '\n')
			smig_strbuf_putc(&sb, '\r');
		smig_strbuf_putc(&sb, *p);
	}
	smig_strbuf_release(&text);
	if (smig_strbuf_check(&sb, e) < 0) {
		smig_strbuf_release(&sb);
		return NULL;
	}
	return smig_strbuf_take(&sb, len);
}
