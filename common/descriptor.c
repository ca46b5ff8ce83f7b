/*
 * descriptor.c - smig/descriptor.xml (see descriptor.h, docs/archive.md §4).
 *
 * Every struct of the model is described once by a field table (name in the XML, kind, offset);
 * the writer and the reader walk the same tables, so a field cannot be written and forgotten on
 * read. Scalars are attributes; strings and string lists are child elements, in table order,
 * followed by the struct's nested lists. manifests/schema/descriptor.xsd mirrors the tables.
 * An absent element or attribute means NULL; an empty one means "" (or an empty list).
 */
#include "descriptor.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlwriter.h>
#include <openssl/rand.h>

#include "i18n.h"
#include "manifest.h"
#include "winval.h"
#include "xmlschema.h"

#define NS "urn:smig:descriptor:1"
#define WHAT "smig/descriptor.xml"

static const char *const member_roles[] = {
	"config", "snapshot-config", "disk", "saved-state", "media", "registry", "file", NULL,
};
static const char *const export_types[] = {"config", "storage", "all", NULL};
static const char *const export_scopes[] = {"host", "vms", NULL};

/* ---- field tables ---- */

enum fkind {
	F_STR,  /* char *, child element */
	F_STRV, /* char ** (NULL-terminated), child element holding <item>s */
	F_ASTR, /* char *, attribute */
	F_BOOL, /* bool */
	F_U32,  /* uint32_t */
	F_UNS,  /* unsigned */
	F_U64,  /* uint64_t */
	F_SIZE, /* size_t */
	F_INT,  /* int within lo..hi */
	F_I64,  /* int64_t */
	F_MAC,  /* struct smig_mac, present when the bool at `has` is true */
	F_GUID, /* struct smig_guid, upper case */
	F_ENUM, /* an enum, names[] indexed by value (NULL = no such value) */
};

struct field {
	const char *name;
	enum fkind kind;
	size_t off;
	size_t has;               /* F_MAC */
	const char *const *names; /* F_ENUM */
	size_t nnames;
	int lo, hi;               /* F_INT */
	bool winpath;             /* F_STR, F_ASTR: a Windows path ('.'/'..' refused) */
};

/* offsetof that refuses to compile when the member is not of type `ct` */
#define OFF(T, m, ct) (offsetof(T, m) + 0 * sizeof(&((T *)0)->m == (ct *)0))
#define FSTR(T, m, n) {.name = n, .kind = F_STR, .off = OFF(T, m, char *)}
#define FSTRV(T, m, n) {.name = n, .kind = F_STRV, .off = OFF(T, m, char **)}
#define FASTR(T, m, n) {.name = n, .kind = F_ASTR, .off = OFF(T, m, char *)}
#define FWSTR(T, m, n) {.name = n, .kind = F_STR, .off = OFF(T, m, char *), .winpath = true}
#define FAWSTR(T, m, n) {.name = n, .kind = F_ASTR, .off = OFF(T, m, char *), .winpath = true}
#define FBOOL(T, m, n) {.name = n, .kind = F_BOOL, .off = OFF(T, m, bool)}
#define FU32(T, m, n) {.name = n, .kind = F_U32, .off = OFF(T, m, uint32_t)}
#define FUNS(T, m, n) {.name = n, .kind = F_UNS, .off = OFF(T, m, unsigned)}
#define FU64(T, m, n) {.name = n, .kind = F_U64, .off = OFF(T, m, uint64_t)}
#define FSIZE(T, m, n) {.name = n, .kind = F_SIZE, .off = OFF(T, m, size_t)}
#define FINT(T, m, n, l, h) {.name = n, .kind = F_INT, .off = OFF(T, m, int), .lo = l, .hi = h}
#define FI64(T, m, n) {.name = n, .kind = F_I64, .off = OFF(T, m, int64_t)}
#define FMAC(T, m, n, h)                                                                    \
	{.name = n, .kind = F_MAC, .off = OFF(T, m, struct smig_mac), .has = OFF(T, h, bool)}
#define FGUID(T, m, n) {.name = n, .kind = F_GUID, .off = OFF(T, m, struct smig_guid)}
#define FENUM(T, m, n, tbl)                                                                 \
	{.name = n, .kind = F_ENUM, .off = offsetof(T, m), .names = tbl,                    \
	 .nnames = sizeof(tbl) / sizeof(tbl[0])}
#define NFIELDS(t) (sizeof(t) / sizeof(t[0]))

/* F_ENUM fields are accessed as int */
_Static_assert(sizeof(enum smig_switch_type) == sizeof(int), "enum size");
_Static_assert(sizeof(enum smig_disk_type) == sizeof(int), "enum size");
_Static_assert(sizeof(enum smig_drive_kind_inv) == sizeof(int), "enum size");
_Static_assert(sizeof(enum smig_severity) == sizeof(int), "enum size");

static const char *const switch_types[] = {
	[SMIG_SWITCH_PRIVATE] = "private",
	[SMIG_SWITCH_INTERNAL] = "internal",
	[SMIG_SWITCH_EXTERNAL] = "external",
};
static const char *const disk_types[] = {
	[SMIG_DISK_FIXED] = "fixed",
	[SMIG_DISK_DYNAMIC] = "dynamic",
	[SMIG_DISK_DIFFERENCING] = "differencing",
};
static const char *const drive_kinds[] = {
	[SMIG_INV_DRIVE_VHD] = "vhd",
	[SMIG_INV_DRIVE_ISO] = "iso",
	[SMIG_INV_DRIVE_VFD] = "vfd",
	[SMIG_INV_DRIVE_PASSTHROUGH] = "passthrough",
	[SMIG_INV_DRIVE_EMPTY] = "empty",
};
static const char *const severities[] = {
	[SMIG_SEV_INFO] = "info",	    [SMIG_SEV_WARNING] = "warning",
	[SMIG_SEV_BLOCKER] = "blocker", [SMIG_SEV_MANUAL] = "manual",
	[SMIG_SEV_PASS] = "pass",	    [SMIG_SEV_FAIL] = "fail",
	[SMIG_SEV_ERROR] = "error",
};

#define T struct smig_descriptor
static const struct field f_top[] = {
	FSTR(T, archive_id, "archive-id"),
	FSTR(T, created, "created"),
	FSTR(T, smig_version, "smig-version"),
};
static const struct field f_options[] = {
	FASTR(T, type, "type"),
	FASTR(T, scope, "scope"),
	FBOOL(T, include_saved_state, "include-saved-state"),
	FSTRV(T, features, "features"),
	FSTRV(T, vms, "vms"),
};
#undef T

#define T struct smig_inv_os
static const struct field f_os[] = {
	FUNS(T, logical_processors, "logical-processors"),
	FU64(T, memory_mb, "memory-mb"),
	FBOOL(T, supported_source, "supported-source"),
	FBOOL(T, is_2012, "is-2012"),
	FBOOL(T, software_hive, "software-hive"),
	FSTR(T, computer_name, "computer-name"),
	FSTR(T, dns_hostname, "dns-hostname"),
	FSTR(T, domain, "domain"),
	FSTR(T, product_name, "product-name"),
	FSTR(T, current_version, "version"),
	FSTR(T, build, "build"),
	FSTR(T, csd_version, "service-pack"),
	FSTR(T, edition_id, "edition"),
	FSTR(T, installation_type, "installation-type"),
	FSTR(T, product_type, "product-type"),
	FSTR(T, architecture, "architecture"),
	FSTR(T, processor_identifier, "processor-identifier"),
	FSTR(T, install_language, "install-language"),
	FSTR(T, default_language, "default-language"),
	FSTR(T, system_locale, "system-locale"),
	FSTR(T, memory_source, "memory-source"),
	FSTR(T, support_reason, "support-reason"),
};
#undef T

#define T struct smig_inventory
static const struct field f_inv[] = {
	FBOOL(T, hyperv, "hyperv"),
	FBOOL(T, ipconfig, "ipconfig"),
	FBOOL(T, systeminfo, "systeminfo"),
	FSIZE(T, nfwrules_total, "firewall-rules-total"),
	FSTR(T, hyperv_reason, "hyperv-reason"),
	FSTRV(T, drive_letters, "drive-letters"),
};
#undef T

#define T struct smig_inv_hostsettings
static const struct field f_host[] = {
	FMAC(T, mac_min, "mac-min", has_mac_range),
	FMAC(T, mac_max, "mac-max", has_mac_range),
	FBOOL(T, mac_range_default, "mac-range-default"),
	FINT(T, vmq_tengig, "vmq-tengig", -1, 2),
	FINT(T, vmq_below_tengig, "vmq-below-tengig", -1, 2),
	FWSTR(T, data_root, "data-root"),
	FWSTR(T, vhd_path, "vhd-path"),
	FSTR(T, store_location, "store-location"),
	FSTR(T, service_application, "service-application"),
};
#undef T

#define T struct smig_inv_nic
static const struct field f_nic[] = {
	FASTR(T, guid, "guid"),
	FASTR(T, class_key, "class-key"),
	FU32(T, characteristics, "characteristics"),
	FBOOL(T, physical, "physical"),
	FBOOL(T, host_vnic, "host-vnic"),
	FMAC(T, mac, "mac", has_mac),
	FINT(T, vmq, "vmq", -1, 1),
	FBOOL(T, has_tcpip, "has-tcpip"),
	FBOOL(T, dhcp, "dhcp"),
	FASTR(T, switch_guid, "switch"),
	FSTR(T, description, "description"),
	FSTR(T, connection_name, "connection-name"),
	FSTR(T, network_address, "network-address"),
	FSTR(T, mac_source, "mac-source"),
	FSTRV(T, ip, "ip"),
	FSTRV(T, mask, "mask"),
	FSTRV(T, gateway, "gateway"),
	FSTRV(T, dns, "dns"),
};
#undef T

#define T struct smig_inv_switch
static const struct field f_switch[] = {
	FASTR(T, guid, "guid"),
	FENUM(T, type, "type", switch_types),
	FASTR(T, external_nic, "external-nic"),
	FASTR(T, host_vnic, "host-vnic"),
	FSTR(T, name, "name"),
};
#undef T

#define T struct smig_inv_port
static const struct field f_port[] = {
	FASTR(T, guid, "guid"),
	FU32(T, vlan, "vlan"),
	FASTR(T, vm_id, "vm-id"),
	FSTR(T, name, "name"),
};
#undef T

#define T struct smig_inv_azman
static const struct field f_azman[] = {
	FBOOL(T, present, "present"),
	FBOOL(T, ad_store, "ad-store"),
	FU64(T, size, "size"),
	FSIZE(T, noperations, "operations"),
	FSIZE(T, ntasks, "tasks"),
	FSIZE(T, nrole_definitions, "role-definitions"),
	FBOOL(T, customised, "customised"),
	FWSTR(T, path, "path"),
	FSTR(T, app_name, "app-name"),
	FSTRV(T, scopes, "scopes"),
	FSTRV(T, differences, "differences"),
};
#undef T

#define T struct smig_inv_azrole
static const struct field f_azrole[] = {
	FSTR(T, app, "app"),
	FSTR(T, scope, "scope"),
	FSTR(T, name, "name"),
	FSTRV(T, members, "members"),
	FSTRV(T, member_names, "member-names"),
};
#undef T

#define T struct smig_inv_fwrule
static const struct field f_fwrule[] = {
	FBOOL(T, hyperv, "hyperv"),
	FBOOL(T, user_defined, "user-defined"),
	FSTR(T, id, "id"),
	FSTR(T, description, "description"),
};
#undef T

#define T struct smig_inv_dcom
static const struct field f_dcom[] = {
	FBOOL(T, present, "present"),
	FBOOL(T, customised, "customised"),
	FSTR(T, sddl, "sddl"),
	FSTRV(T, aces, "aces"),
};
#undef T

#define T struct smig_inv_vm
static const struct field f_vm[] = {
	FASTR(T, id, "id"),
	FI64(T, version, "version"),
	FI64(T, memory_mb, "memory-mb"),
	FI64(T, memory_min_mb, "memory-min-mb"),
	FI64(T, memory_max_mb, "memory-max-mb"),
	FBOOL(T, dynamic_memory, "dynamic-memory"),
	FBOOL(T, highly_available, "highly-available"),
	FI64(T, cpu_count, "cpu-count"),
	FBOOL(T, cpu_compat, "cpu-compat"),
	FINT(T, current_parent, "current-parent", -1, INT_MAX),
	FBOOL(T, tree_verified, "tree-verified"),
	FBOOL(T, saved_state, "saved-state"),
	FSTR(T, name, "name"),
	FWSTR(T, config_winpath, "config-winpath"),
	FSTR(T, registration, "registration"),
	FWSTR(T, data_root, "data-root"),
	FSTR(T, error, "error"),
	FSTRV(T, stale_avhds, "stale-avhds"),
};
#undef T

#define T struct smig_inv_drive
static const struct field f_drive[] = {
	FENUM(T, kind, "kind", drive_kinds),
	FINT(T, disk, "disk", -1, INT_MAX),
	FSTR(T, slot, "slot"),
	FWSTR(T, pathname, "pathname"),
};
#undef T

#define T struct smig_inv_nicvm
static const struct field f_nicvm[] = {
	FBOOL(T, legacy, "legacy"),
	FBOOL(T, mac_static, "mac-static"),
	FBOOL(T, connected, "connected"),
	FU32(T, vlan, "vlan"),
	FSTR(T, name, "name"),
	FSTR(T, mac, "mac"),
	FSTR(T, switch_guid, "switch-guid"),
	FSTR(T, switch_name, "switch-name"),
	FSTR(T, port_guid, "port-guid"),
};
#undef T

#define T struct smig_inv_disk
static const struct field f_disk[] = {
	FENUM(T, type, "type", disk_types),
	FU64(T, virtual_size, "virtual-size"),
	FU64(T, file_size, "file-size"),
	FU64(T, data_bytes, "data-bytes"),
	FGUID(T, unique_id, "unique-id"),
	FGUID(T, parent_id, "parent-id"),
	FINT(T, parent, "parent", -1, INT_MAX),
	FBOOL(T, time_mismatch, "time-mismatch"),
	FBOOL(T, sparse, "sparse"),
	FWSTR(T, winpath, "winpath"),
	FWSTR(T, parent_winpath, "parent-winpath"),
};
#undef T

#define T struct smig_inv_snapshot
static const struct field f_snapshot[] = {
	FASTR(T, id, "id"),
	FI64(T, created, "created"),
	FINT(T, parent, "parent", -1, INT_MAX),
	FBOOL(T, saved_state, "saved-state"),
	FINT(T, disk, "disk", -1, INT_MAX),
	FSTR(T, name, "name"),
	FWSTR(T, config_winpath, "config-winpath"),
};
#undef T

#define T struct smig_problem
static const struct field f_problem[] = {
	FASTR(T, id, "id"),
	FENUM(T, severity, "severity", severities),
	FSTR(T, subject, "subject"),
	FSTR(T, message, "message"),
	FSTR(T, action, "action"),
	FSTR(T, powershell, "powershell"),
};
#undef T

#define T struct smig_desc_member
static const struct field f_member[] = {
	FASTR(T, name, "name"),
	FAWSTR(T, winpath, "winpath"),
	FASTR(T, feature, "feature"),
	FASTR(T, component, "component"),
	FASTR(T, vm_id, "vm-id"),
	FASTR(T, role, "role"),
	FU64(T, size, "size"),
};
#undef T

typedef char **strv_t; /* so that CAT(.., strv_t) reads "char **const *" */
#define AT(obj, f, type) ((type *)((char *)(obj) + (f)->off))
#define CAT(obj, f, type) ((const type *)((const char *)(obj) + (f)->off))

static bool is_attr(const struct field *f)
{
	return f->kind != F_STR && f->kind != F_STRV;
}

static void strv_free(char **v)
{
	size_t i;

	for (i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static bool in_list(const char *const *list, const char *s)
{
	for (; s && *list; list++)
		if (strcmp(*list, s) == 0)
			return true;
	return false;
}

/* ---- writing ---- */

struct wctx {
	xmlTextWriterPtr w;
	struct smig_err *e;
	bool failed; /* sticky: every call after a failure is a no-op */
};

static void w_fail_xml(struct wctx *c, int rc)
{
	if (rc < 0 && !c->failed) {
		c->failed = true;
		smig_err_set(c->e, SMIG_ERR_NOMEM, _("cannot write the descriptor: libxml2 failed"));
	}
}

/*
 * XML 1.0 cannot carry invalid UTF-8, C0 controls other than tab, LF and CR, or U+FFFE/U+FFFF;
 * libxml2's writer would emit them and the reader would then refuse the whole descriptor.
 */
static bool w_text_ok(struct wctx *c, const char *field, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i;

	if (c->failed)
		return false;
	if (!smig_utf8_valid(s, n)) {
		c->failed = true;
		smig_err_set(c->e, SMIG_ERR_FORMAT,
			     _("cannot write the descriptor field '%s': the value is not valid UTF-8"),
			     field);
		return false;
	}
	for (i = 0; i < n; i++) {
		bool bad = p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' && p[i] != '\r';

		if (!bad && i + 2 < n && p[i] == 0xEF && p[i + 1] == 0xBF && p[i + 2] >= 0xBE)
			bad = true;
		if (bad) {
			c->failed = true;
			smig_err_set(c->e, SMIG_ERR_FORMAT,
				     _("cannot write the descriptor field '%s': the value '%.60s' "
				       "holds a character XML cannot carry (byte 0x%02X at offset "
				       "%zu)"),
				     field, s, p[i], i);
			return false;
		}
	}
	return true;
}

static void w_start(struct wctx *c, const char *name)
{
	if (!c->failed)
		w_fail_xml(c, xmlTextWriterStartElement(c->w, BAD_CAST name));
}

static void w_end(struct wctx *c)
{
	if (!c->failed)
		w_fail_xml(c, xmlTextWriterEndElement(c->w));
}

static void w_attr(struct wctx *c, const char *name, const char *v)
{
	if (w_text_ok(c, name, v))
		w_fail_xml(c, xmlTextWriterWriteAttribute(c->w, BAD_CAST name, BAD_CAST v));
}

static void w_elem(struct wctx *c, const char *name, const char *v)
{
	if (w_text_ok(c, name, v))
		w_fail_xml(c, xmlTextWriterWriteElement(c->w, BAD_CAST name, BAD_CAST v));
}

static void w_strv(struct wctx *c, const char *name, char *const *v)
{
	size_t i;

	w_start(c, name);
	for (i = 0; v[i]; i++)
		w_elem(c, "item", v[i]);
	w_end(c);
}

static void w_attr_fields(struct wctx *c, const struct field *t, size_t n, const void *obj)
{
	char buf[64];
	size_t i;

	for (i = 0; i < n && !c->failed; i++) {
		const struct field *f = &t[i];
		const char *v = buf;
		int iv;

		switch (f->kind) {
		case F_STR:
		case F_STRV:
			continue;
		case F_ASTR:
			v = *CAT(obj, f, char *);
			if (v == NULL)
				continue;
			break;
		case F_BOOL:
			v = *CAT(obj, f, bool) ? "true" : "false";
			break;
		case F_U32:
			snprintf(buf, sizeof(buf), "%" PRIu32, *CAT(obj, f, uint32_t));
			break;
		case F_UNS:
			snprintf(buf, sizeof(buf), "%u", *CAT(obj, f, unsigned));
			break;
		case F_U64:
			snprintf(buf, sizeof(buf), "%" PRIu64, *CAT(obj, f, uint64_t));
			break;
		case F_SIZE:
			snprintf(buf, sizeof(buf), "%zu", *CAT(obj, f, size_t));
			break;
		case F_INT:
			iv = *CAT(obj, f, int);
			if (iv < f->lo || iv > f->hi) {
				c->failed = true;
				smig_err_set(c->e, SMIG_ERR_USAGE,
					     _("cannot write the descriptor: '%s' is %d, "
					       "outside %d..%d"),
					     f->name, iv, f->lo, f->hi);
				return;
			}
			snprintf(buf, sizeof(buf), "%d", iv);
			break;
		case F_I64:
			snprintf(buf, sizeof(buf), "%" PRId64, *CAT(obj, f, int64_t));
			break;
		case F_MAC:
			if (!*(const bool *)((const char *)obj + f->has))
				continue;
			smig_mac_format(CAT(obj, f, struct smig_mac), buf);
			break;
		case F_GUID:
			smig_guid_format(CAT(obj, f, struct smig_guid), SMIG_GUID_UPPER, buf);
			break;
		case F_ENUM:
			iv = *CAT(obj, f, int);
			if (iv < 0 || (size_t)iv >= f->nnames || f->names[iv] == NULL) {
				c->failed = true;
				smig_err_set(c->e, SMIG_ERR_USAGE,
					     _("cannot write the descriptor: '%s' has no name "
					       "for value %d"),
					     f->name, iv);
				return;
			}
			v = f->names[iv];
			break;
		}
		w_attr(c, f->name, v);
	}
}

static void w_elem_fields(struct wctx *c, const struct field *t, size_t n, const void *obj)
{
	size_t i;

	for (i = 0; i < n && !c->failed; i++) {
		if (t[i].kind == F_STR && *CAT(obj, &t[i], char *))
			w_elem(c, t[i].name, *CAT(obj, &t[i], char *));
		else if (t[i].kind == F_STRV && *CAT(obj, &t[i], strv_t))
			w_strv(c, t[i].name, *CAT(obj, &t[i], strv_t));
	}
}

/* <name attrs...> string elements; the caller adds nested lists and calls w_end() */
static void w_open(struct wctx *c, const char *name, const struct field *t, size_t n,
		   const void *obj)
{
	w_start(c, name);
	w_attr_fields(c, t, n, obj);
	w_elem_fields(c, t, n, obj);
}

#define W_OBJ(c, name, tbl, obj)                                                            \
	do {                                                                                \
		w_open(c, name, tbl, NFIELDS(tbl), obj);                                    \
		w_end(c);                                                                   \
	} while (0)

static void w_vm(struct wctx *c, const struct smig_inv_vm *vm)
{
	size_t i;

	w_open(c, "vm", f_vm, NFIELDS(f_vm), vm);
	w_start(c, "drives");
	for (i = 0; i < vm->ndrives; i++)
		W_OBJ(c, "drive", f_drive, &vm->drives[i]);
	w_end(c);
	w_start(c, "nics");
	for (i = 0; i < vm->nnics; i++)
		W_OBJ(c, "nic", f_nicvm, &vm->nics[i]);
	w_end(c);
	w_start(c, "disks");
	for (i = 0; i < vm->ndisks; i++)
		W_OBJ(c, "disk", f_disk, &vm->disks[i]);
	w_end(c);
	w_start(c, "snapshots");
	for (i = 0; i < vm->nsnapshots; i++)
		W_OBJ(c, "snapshot", f_snapshot, &vm->snapshots[i]);
	w_end(c);
	w_end(c);
}

static void w_inventory(struct wctx *c, const struct smig_inventory *inv)
{
	size_t i, k;

	w_open(c, "inventory", f_inv, NFIELDS(f_inv), inv);
	W_OBJ(c, "host-settings", f_host, &inv->host);
	w_start(c, "adapters");
	for (i = 0; i < inv->nnics; i++)
		W_OBJ(c, "adapter", f_nic, &inv->nics[i]);
	w_end(c);
	w_start(c, "switches");
	for (i = 0; i < inv->nswitches; i++) {
		const struct smig_inv_switch *sw = &inv->switches[i];

		w_open(c, "switch", f_switch, NFIELDS(f_switch), sw);
		w_start(c, "ports");
		for (k = 0; k < sw->nports; k++)
			W_OBJ(c, "port", f_port, &sw->ports[k]);
		w_end(c);
		w_end(c);
	}
	w_end(c);
	w_open(c, "azman", f_azman, NFIELDS(f_azman), &inv->azman);
	w_start(c, "roles");
	for (i = 0; i < inv->azman.nroles; i++)
		W_OBJ(c, "role", f_azrole, &inv->azman.roles[i]);
	w_end(c);
	w_end(c);
	w_start(c, "firewall-rules");
	for (i = 0; i < inv->nfwrules; i++)
		W_OBJ(c, "rule", f_fwrule, &inv->fwrules[i]);
	w_end(c);
	w_open(c, "dcom", f_dcom, NFIELDS(f_dcom), &inv->dcom);
	if (inv->dcom.raw && !c->failed) {
		char *b64 = smig_base64_encode(inv->dcom.raw, inv->dcom.raw_len);
		if (b64 == NULL) {
			c->failed = true;
			smig_err_nomem(c->e, _("encoding the DCOM security descriptor"));
		}
		w_elem(c, "raw", b64 ? b64 : "");
		free(b64);
	}
	w_end(c);
	w_start(c, "vms");
	for (i = 0; i < inv->nvms; i++)
		w_vm(c, &inv->vms[i]);
	w_end(c);
	w_start(c, "problems");
	for (i = 0; i < inv->problems.count; i++)
		W_OBJ(c, "problem", f_problem, &inv->problems.items[i]);
	w_end(c);
	w_end(c);
}

static int check_members(const struct smig_descriptor *d, struct smig_err *e)
{
	size_t i;

	if (d->type && !in_list(export_types, d->type))
		return smig_err_set(e, SMIG_ERR_USAGE,
				    _("cannot write the descriptor: unknown migration type '%s'"),
				    d->type);
	if (d->scope && !in_list(export_scopes, d->scope))
		return smig_err_set(e, SMIG_ERR_USAGE,
				    _("cannot write the descriptor: unknown export scope '%s'"),
				    d->scope);
	for (i = 0; i < d->nmembers; i++) {
		const struct smig_desc_member *m = &d->members[i];

		if (!m->name || !m->feature || !m->component || !m->role)
			return smig_err_set(e, SMIG_ERR_USAGE,
					    _("cannot write the descriptor: member %zu ('%s') "
					      "lacks a name, feature, component or role"),
					    i, m->name ? m->name : "?");
		if (!in_list(member_roles, m->role))
			return smig_err_set(e, SMIG_ERR_USAGE,
					    _("cannot write the descriptor: member '%s' has the "
					      "unknown role '%s'"),
					    m->name, m->role);
	}
	return 0;
}

int smig_descriptor_write(const struct smig_descriptor *d, char **out, size_t *len,
			  struct smig_err *e)
{
	struct wctx c = {NULL, e, false};
	xmlBufferPtr buf = NULL;
	char fmt[16];
	size_t i;
	int rc = -1;

	*out = NULL;
	*len = 0;
	if (d->inv == NULL || d->archive_id == NULL || d->created == NULL ||
	    d->smig_version == NULL || d->type == NULL) {
		smig_err_set(e, SMIG_ERR_USAGE, _("cannot write the descriptor: it lacks the "
						  "inventory, archive id, time, version or type"));
		goto out;
	}
	if (check_members(d, e) < 0)
		goto out;
	buf = xmlBufferCreate();
	c.w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL;
	if (c.w == NULL) {
		smig_err_nomem(e, _("writing the descriptor"));
		goto out;
	}
	w_fail_xml(&c, xmlTextWriterSetIndent(c.w, 1));
	w_fail_xml(&c, xmlTextWriterSetIndentString(c.w, BAD_CAST "  "));
	if (!c.failed)
		w_fail_xml(&c, xmlTextWriterStartDocument(c.w, "1.0", "UTF-8", NULL));
	/* xmlns as a plain attribute: StartElementNS would put it after `format` */
	w_start(&c, "smig-descriptor");
	w_attr(&c, "xmlns", NS);
	snprintf(fmt, sizeof(fmt), "%d", d->format);
	w_attr(&c, "format", fmt);
	w_elem_fields(&c, f_top, NFIELDS(f_top), d);
	W_OBJ(&c, "options", f_options, d);
	W_OBJ(&c, "source-host", f_os, &d->inv->os);
	w_inventory(&c, d->inv);
	w_start(&c, "members");
	for (i = 0; i < d->nmembers; i++)
		W_OBJ(&c, "member", f_member, &d->members[i]);
	w_end(&c);
	w_end(&c);
	if (!c.failed)
		w_fail_xml(&c, xmlTextWriterEndDocument(c.w));
	xmlFreeTextWriter(c.w); /* flushes into buf */
	c.w = NULL;
	if (c.failed)
		goto out;
	*out = smig_strndup((const char *)xmlBufferContent(buf), (size_t)xmlBufferLength(buf), e);
	if (*out == NULL)
		goto out;
	*len = (size_t)xmlBufferLength(buf);
	rc = 0;
out:
	if (c.w)
		xmlFreeTextWriter(c.w);
	if (buf)
		xmlBufferFree(buf);
	return rc;
}

/* ---- reading ---- */

struct rctx {
	struct smig_err *e;
};

static bool is_el(xmlNodePtr n)
{
	return n != NULL && n->type == XML_ELEMENT_NODE;
}

/* "'smig/descriptor.xml': line 12: <what> <a><b>" */
/* Why a Windows path read from the descriptor is refused, or NULL: Hyper-V writes none with '.'
 * or '..' components, and NTFS holds no file named as a device (formats.md A58). */
static const char *winpath_refused(const char *v)
{
	if (smig_winpath_dotted(v))
		return _("a Windows path with a '.' or '..' component in");
	if (smig_winpath_reserved(v))
		return _("a Windows path naming a reserved device (CON, NUL, COM1, ...) in");
	return NULL;
}

static int r_fail(struct rctx *c, xmlNodePtr n, const char *what, const char *a, const char *b)
{
	return smig_err_set(c->e, SMIG_ERR_FORMAT, _("'%s': line %ld: %s %s%s"), WHAT,
			    xmlGetLineNo(n), what, a, b ? b : "");
}

static char *r_text(struct rctx *c, xmlNodePtr n)
{
	xmlChar *v = xmlNodeGetContent(n);
	char *s;

	if (v == NULL) {
		smig_err_nomem(c->e, _("reading the descriptor"));
		return NULL;
	}
	s = smig_strdup((const char *)v, c->e);
	xmlFree(v);
	return s;
}

static int r_strv(struct rctx *c, xmlNodePtr n, char ***out)
{
	size_t cnt = 0, i = 0;
	xmlNodePtr k;
	char **v;

	for (k = n->children; k; k = k->next)
		cnt += is_el(k);
	v = calloc(cnt + 1, sizeof(*v));
	if (v == NULL)
		return smig_err_nomem(c->e, _("reading the descriptor"));
	*out = v;
	for (k = n->children; k; k = k->next) {
		if (!is_el(k))
			continue;
		if (strcmp((const char *)k->name, "item") != 0)
			return r_fail(c, k, _("unexpected element"), (const char *)k->name, NULL);
		v[i] = r_text(c, k);
		if (v[i++] == NULL)
			return -1;
	}
	return 0;
}

/* strtoll/strtoull for digits only (the schema allows no spaces or '+') */
static bool parse_i64(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
	char *end;
	long long v;

	if (!((*s >= '0' && *s <= '9') || (*s == '-' && s[1] >= '0' && s[1] <= '9')))
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

static bool parse_u64(const char *s, uint64_t hi, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!(*s >= '0' && *s <= '9'))
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > hi)
		return false;
	*out = v;
	return true;
}

static int r_attr(struct rctx *c, xmlNodePtr n, const struct field *f, void *obj)
{
	xmlChar *xv = xmlGetNoNsProp(n, BAD_CAST f->name);
	const char *v = (const char *)xv;
	int64_t iv = 0;
	uint64_t uv = 0;
	bool ok = true;
	size_t i;
	int rc = -1;

	if (v == NULL) {
		if (f->kind == F_ASTR || f->kind == F_MAC)
			return 0;
		return r_fail(c, n, _("missing attribute"), f->name, NULL);
	}
	switch (f->kind) {
	case F_STR:
	case F_STRV:
		break;
	case F_ASTR:
		if (f->winpath && winpath_refused(v)) {
			r_fail(c, n, winpath_refused(v), f->name, NULL);
			goto out;
		}
		free(*AT(obj, f, char *));
		*AT(obj, f, char *) = smig_strdup(v, c->e);
		if (*AT(obj, f, char *) == NULL)
			goto out;
		break;
	case F_BOOL:
		ok = strcmp(v, "true") == 0 || strcmp(v, "1") == 0 || strcmp(v, "false") == 0 ||
		     strcmp(v, "0") == 0;
		*AT(obj, f, bool) = v[0] == 't' || v[0] == '1';
		break;
	case F_U32:
		ok = parse_u64(v, UINT32_MAX, &uv);
		*AT(obj, f, uint32_t) = (uint32_t)uv;
		break;
	case F_UNS:
		ok = parse_u64(v, UINT_MAX, &uv);
		*AT(obj, f, unsigned) = (unsigned)uv;
		break;
	case F_U64:
		ok = parse_u64(v, UINT64_MAX, &uv);
		*AT(obj, f, uint64_t) = uv;
		break;
	case F_SIZE:
		ok = parse_u64(v, SIZE_MAX, &uv);
		*AT(obj, f, size_t) = (size_t)uv;
		break;
	case F_INT:
		ok = parse_i64(v, f->lo, f->hi, &iv);
		*AT(obj, f, int) = (int)iv;
		break;
	case F_I64:
		ok = parse_i64(v, INT64_MIN, INT64_MAX, &iv);
		*AT(obj, f, int64_t) = iv;
		break;
	case F_MAC:
		ok = smig_mac_parse(v, AT(obj, f, struct smig_mac));
		*(bool *)((char *)obj + f->has) = true;
		break;
	case F_GUID:
		ok = smig_guid_parse(v, AT(obj, f, struct smig_guid));
		break;
	case F_ENUM:
		for (i = 0; i < f->nnames; i++)
			if (f->names[i] && strcmp(f->names[i], v) == 0)
				break;
		ok = i < f->nnames;
		*AT(obj, f, int) = (int)i;
		break;
	}
	if (!ok) {
		r_fail(c, n, _("bad value of attribute"), f->name, NULL);
		goto out;
	}
	rc = 0;
out:
	xmlFree(xv);
	return rc;
}

/*
 * Fill `obj` from the attributes and string children of `n`. Other children go to `nested`
 * (which returns 1 for a name it does not know); with no `nested`, any other child is an error.
 */
typedef int (*nested_fn)(struct rctx *c, xmlNodePtr child, void *obj);

static int r_fields(struct rctx *c, xmlNodePtr n, const struct field *t, size_t nt, void *obj,
		    nested_fn nested)
{
	xmlNodePtr k;
	size_t i;
	int rc;

	for (i = 0; i < nt; i++)
		if (is_attr(&t[i]) && r_attr(c, n, &t[i], obj) < 0)
			return -1;
	for (k = n->children; k; k = k->next) {
		if (!is_el(k))
			continue;
		for (i = 0; i < nt; i++)
			if (!is_attr(&t[i]) && strcmp(t[i].name, (const char *)k->name) == 0)
				break;
		if (i < nt && t[i].kind == F_STR) {
			free(*AT(obj, &t[i], char *));
			*AT(obj, &t[i], char *) = r_text(c, k);
			if (*AT(obj, &t[i], char *) == NULL)
				return -1;
			if (t[i].winpath && winpath_refused(*AT(obj, &t[i], char *)))
				return r_fail(c, k, winpath_refused(*AT(obj, &t[i], char *)),
					      t[i].name, NULL);
			continue;
		}
		if (i < nt) {
			strv_free(*AT(obj, &t[i], char **));
			*AT(obj, &t[i], char **) = NULL;
			if (r_strv(c, k, AT(obj, &t[i], char **)) < 0)
				return -1;
			continue;
		}
		rc = nested ? nested(c, k, obj) : 1;
		if (rc < 0)
			return -1;
		if (rc > 0)
			return r_fail(c, k, _("unexpected element"), (const char *)k->name, NULL);
	}
	return 0;
}

/*
 * A list element holding `item` children, each read by r_fields() into a new zeroed array
 * entry. *count is set when the array is allocated so a partial list is still freeable.
 */
static int r_list(struct rctx *c, xmlNodePtr n, const char *item, const struct field *t,
		  size_t nt, nested_fn nested, void **arr, size_t *count, size_t elsz)
{
	size_t cnt = 0, i = 0;
	xmlNodePtr k;
	char *a;

	if (*arr != NULL)
		return r_fail(c, n, _("repeated element"), (const char *)n->name, NULL);
	for (k = n->children; k; k = k->next)
		cnt += is_el(k);
	if (cnt == 0)
		return 0;
	a = calloc(cnt, elsz);
	if (a == NULL)
		return smig_err_nomem(c->e, _("reading the descriptor"));
	*arr = a;
	*count = cnt;
	for (k = n->children; k; k = k->next) {
		if (!is_el(k))
			continue;
		if (strcmp((const char *)k->name, item) != 0)
			return r_fail(c, k, _("unexpected element"), (const char *)k->name, NULL);
		if (r_fields(c, k, t, nt, a + i++ * elsz, nested) < 0)
			return -1;
	}
	return 0;
}

#define R_LIST(c, n, item, tbl, nested, arr, count)                                          \
	r_list(c, n, item, tbl, NFIELDS(tbl), nested, (void **)(arr), count, sizeof(**(arr)))

static bool named(xmlNodePtr n, const char *name)
{
	return strcmp((const char *)n->name, name) == 0;
}

/* Index fields point into the VM's own arrays, and parent links end (no cycles). */
static int check_vm(struct rctx *c, xmlNodePtr n, const struct smig_inv_vm *vm)
{
	size_t i, steps;
	int p;

	for (i = 0; i < vm->ndrives; i++)
		if (vm->drives[i].disk >= (int)vm->ndisks)
			return r_fail(c, n, _("a drive names a disk the VM does not have:"), vm->id,
				      NULL);
	for (i = 0; i < vm->ndisks; i++)
		for (p = vm->disks[i].parent, steps = 0; p >= 0; p = vm->disks[p].parent)
			if (p >= (int)vm->ndisks || ++steps > vm->ndisks)
				return r_fail(c, n,
					      _("the disk parent chain is broken or circular in VM"),
					      vm->id, NULL);
	for (i = 0; i < vm->nsnapshots; i++) {
		if (vm->snapshots[i].disk >= (int)vm->ndisks)
			return r_fail(c, n, _("a snapshot names a disk the VM does not have:"),
				      vm->id, NULL);
		for (p = vm->snapshots[i].parent, steps = 0; p >= 0; p = vm->snapshots[p].parent)
			if (p >= (int)vm->nsnapshots || ++steps > vm->nsnapshots)
				return r_fail(c, n, _("the snapshot tree is broken or circular in VM"),
					      vm->id, NULL);
	}
	if (vm->current_parent >= (int)vm->nsnapshots)
		return r_fail(c, n, _("the current snapshot is out of range in VM"), vm->id, NULL);
	return 0;
}

static int r_vm_nested(struct rctx *c, xmlNodePtr k, void *obj)
{
	struct smig_inv_vm *vm = obj;

	if (named(k, "drives"))
		return R_LIST(c, k, "drive", f_drive, NULL, &vm->drives, &vm->ndrives);
	if (named(k, "nics"))
		return R_LIST(c, k, "nic", f_nicvm, NULL, &vm->nics, &vm->nnics);
	if (named(k, "disks"))
		return R_LIST(c, k, "disk", f_disk, NULL, &vm->disks, &vm->ndisks);
	if (named(k, "snapshots"))
		return R_LIST(c, k, "snapshot", f_snapshot, NULL, &vm->snapshots, &vm->nsnapshots);
	return 1;
}

static int r_switch_nested(struct rctx *c, xmlNodePtr k, void *obj)
{
	struct smig_inv_switch *sw = obj;

	if (named(k, "ports"))
		return R_LIST(c, k, "port", f_port, NULL, &sw->ports, &sw->nports);
	return 1;
}

static int r_azman_nested(struct rctx *c, xmlNodePtr k, void *obj)
{
	struct smig_inv_azman *az = obj;

	if (named(k, "roles"))
		return R_LIST(c, k, "role", f_azrole, NULL, &az->roles, &az->nroles);
	return 1;
}

static int r_dcom_nested(struct rctx *c, xmlNodePtr k, void *obj)
{
	struct smig_inv_dcom *dc = obj;
	struct smig_err e2 = SMIG_ERR_INIT;
	char *text;
	int rc;

	if (!named(k, "raw"))
		return 1;
	if (dc->raw)
		return r_fail(c, k, _("repeated element"), "raw", NULL);
	text = r_text(c, k);
	if (text == NULL)
		return -1;
	rc = smig_base64_decode(text, strlen(text), &dc->raw, &dc->raw_len, &e2);
	free(text);
	if (rc < 0)
		return r_fail(c, k, _("the DCOM security descriptor is not base64:"), e2.msg, NULL);
	if (dc->raw == NULL) { /* present but empty: keep "present" distinct from NULL */
		dc->raw = malloc(1);
		if (dc->raw == NULL)
			return smig_err_nomem(c->e, _("reading the descriptor"));
	}
	return 0;
}

static int r_inv_nested(struct rctx *c, xmlNodePtr k, void *obj)
{
	struct smig_inventory *inv = obj;
	size_t i;

	if (named(k, "host-settings")) {
		if (r_fields(c, k, f_host, NFIELDS(f_host), &inv->host, NULL) < 0)
			return -1;
		if (xmlHasProp(k, BAD_CAST "mac-min") == NULL ||
		    xmlHasProp(k, BAD_CAST "mac-max") == NULL)
			inv->host.has_mac_range = false;
		return 0;
	}
	if (named(k, "adapters"))
		return R_LIST(c, k, "adapter", f_nic, NULL, &inv->nics, &inv->nnics);
	if (named(k, "switches"))
		return R_LIST(c, k, "switch", f_switch, r_switch_nested, &inv->switches,
			      &inv->nswitches);
	if (named(k, "azman"))
		return r_fields(c, k, f_azman, NFIELDS(f_azman), &inv->azman, r_azman_nested);
	if (named(k, "firewall-rules"))
		return R_LIST(c, k, "rule", f_fwrule, NULL, &inv->fwrules, &inv->nfwrules);
	if (named(k, "dcom"))
		return r_fields(c, k, f_dcom, NFIELDS(f_dcom), &inv->dcom, r_dcom_nested);
	if (named(k, "vms")) {
		if (R_LIST(c, k, "vm", f_vm, r_vm_nested, &inv->vms, &inv->nvms) < 0)
			return -1;
		for (i = 0; i < inv->nvms; i++)
			if (check_vm(c, k, &inv->vms[i]) < 0)
				return -1;
		return 0;
	}
	if (named(k, "problems")) {
		if (R_LIST(c, k, "problem", f_problem, NULL, &inv->problems.items,
			   &inv->problems.count) < 0)
			return -1;
		inv->problems.cap = inv->problems.count;
		return 0;
	}
	return 1;
}

static int r_top_nested(struct rctx *c, xmlNodePtr k, void *obj)
{
	struct smig_descriptor *d = obj;

	if (named(k, "options"))
		return r_fields(c, k, f_options, NFIELDS(f_options), d, NULL);
	if (named(k, "source-host"))
		return r_fields(c, k, f_os, NFIELDS(f_os), &d->inv->os, NULL);
	if (named(k, "inventory"))
		return r_fields(c, k, f_inv, NFIELDS(f_inv), d->inv, r_inv_nested);
	if (named(k, "members"))
		return R_LIST(c, k, "member", f_member, NULL, &d->members, &d->nmembers);
	return 1;
}

/* ---- parsing and validation ---- */

static char *schema_path(const char *xsd, struct smig_err *e)
{
	const char *dir = getenv("SMIG_SCHEMAS");

	if (xsd)
		return smig_strdup(xsd, e);
	if (dir && *dir)
		return smig_asprintf(e, "%s/descriptor.xsd", dir);
	return smig_asprintf(e, "%s/schema/descriptor.xsd", smig_manifest_dir());
}

static int validate(xmlDocPtr doc, const char *xsd, struct smig_err *e)
{
	char *path = schema_path(xsd, e);
	int rc;

	if (path == NULL)
		return -1;
	rc = smig_xmlschema_validate(doc, path, "'" WHAT "'", e);
	free(path);
	return rc;
}

/* Well-formed UTF-8 XML without a DTD, parsed without network access or entity expansion. */
static xmlDocPtr parse(const void *buf, size_t len, struct smig_err *e)
{
	const int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
	xmlParserCtxtPtr ctxt = NULL;
	xmlDocPtr doc = NULL;

	if (len > SMIG_DESCRIPTOR_MAX) {
		smig_err_set(e, SMIG_ERR_FORMAT,
			     _("'%s': %zu bytes is more than the %u-byte limit"), WHAT, len,
			     SMIG_DESCRIPTOR_MAX);
		goto out;
	}
	if (memchr(buf, '\0', len) != NULL || !smig_utf8_valid(buf, len)) {
		smig_err_set(e, SMIG_ERR_FORMAT, _("'%s': is not UTF-8 text"), WHAT);
		goto out;
	}
	/* "<!DOCTYPE" can only start a DTD (or sit in a comment or CDATA): refusing it before
	 * libxml2 sees it keeps every DTD and entity feature out of reach */
	if (memmem(buf, len, "<!DOCTYPE", 9) != NULL || memmem(buf, len, "<!ENTITY", 8) != NULL) {
		smig_err_set(e, SMIG_ERR_FORMAT,
			     _("'%s': has a DOCTYPE, which smig refuses (no DTDs or entities)"),
			     WHAT);
		goto out;
	}
	ctxt = xmlNewParserCtxt();
	if (ctxt == NULL) {
		smig_err_nomem(e, _("parsing the descriptor"));
		goto out;
	}
	doc = xmlCtxtReadMemory(ctxt, buf, (int)len, WHAT, NULL, opts);
	if (doc == NULL) {
		const xmlError *xe = xmlCtxtGetLastError(ctxt);
		const char *m = xe && xe->message ? xe->message : "unknown error";
		size_t ml = strlen(m);

		while (ml > 0 && (m[ml - 1] == '\n' || m[ml - 1] == ' '))
			ml--;
		smig_err_set(e, SMIG_ERR_FORMAT, _("'%s': not well-formed XML (line %d: %.*s)"),
			     WHAT, xe ? xe->line : 0, (int)ml, m);
		goto out;
	}
	if (doc->intSubset || doc->extSubset ||
	    (doc->encoding && !smig_streq_ci((const char *)doc->encoding, "UTF-8"))) {
		smig_err_set(e, SMIG_ERR_FORMAT, _("'%s': must be UTF-8 XML without a DOCTYPE"),
			     WHAT);
		xmlFreeDoc(doc);
		doc = NULL;
	}
out:
	if (ctxt)
		xmlFreeParserCtxt(ctxt);
	return doc;
}

/* The root element and its format, checked before the schema so that a newer format is
 * "unsupported" rather than "invalid". */
static int check_root(xmlNodePtr root, struct smig_err *e)
{
	xmlChar *fmt = NULL;
	int64_t v = 0;
	int rc = -1;

	if (!is_el(root) || !named(root, "smig-descriptor") || root->ns == NULL ||
	    strcmp((const char *)root->ns->href, NS) != 0) {
		smig_err_set(e, SMIG_ERR_FORMAT,
			     _("'%s': the root element is not <smig-descriptor> in %s"), WHAT, NS);
		goto out;
	}
	fmt = xmlGetNoNsProp(root, BAD_CAST "format");
	if (fmt == NULL || !parse_i64((const char *)fmt, 1, INT_MAX, &v)) {
		smig_err_set(e, SMIG_ERR_FORMAT, _("'%s': the format attribute is missing or not a positive "
						   "number"), WHAT);
		goto out;
	}
	if (v != SMIG_DESCRIPTOR_FORMAT) {
		smig_err_set(e, SMIG_ERR_UNSUPPORTED,
			     _("'%s': format %lld is not supported (this smig reads format %d)"),
			     WHAT, (long long)v, SMIG_DESCRIPTOR_FORMAT);
		goto out;
	}
	rc = 0;
out:
	xmlFree(fmt);
	return rc;
}

int smig_descriptor_read(const void *buf, size_t len, const char *xsd,
			 struct smig_descriptor **out, struct smig_err *e)
{
	struct smig_descriptor *d = NULL;
	struct rctx c = {e};
	xmlDocPtr doc = NULL;
	xmlNodePtr root;
	int rc = -1;

	*out = NULL;
	doc = parse(buf, len, e);
	if (doc == NULL)
		goto out;
	root = xmlDocGetRootElement(doc);
	if (check_root(root, e) < 0 || validate(doc, xsd, e) < 0)
		goto out;
	d = calloc(1, sizeof(*d));
	if (d == NULL || (d->inv = calloc(1, sizeof(*d->inv))) == NULL) {
		smig_err_nomem(e, _("reading the descriptor"));
		goto out;
	}
	d->format = SMIG_DESCRIPTOR_FORMAT;
	if (r_fields(&c, root, f_top, NFIELDS(f_top), d, r_top_nested) < 0)
		goto out;
	if (!d->archive_id || !d->created || !d->smig_version || !d->type) {
		smig_err_set(e, SMIG_ERR_FORMAT, _("'%s': lacks the archive id, creation time, version or "
						   "export options"), WHAT);
		goto out;
	}
	*out = d;
	d = NULL;
	rc = 0;
out:
	smig_descriptor_free(d);
	if (doc)
		xmlFreeDoc(doc);
	return rc;
}

void smig_descriptor_free(struct smig_descriptor *d)
{
	size_t i;

	if (d == NULL)
		return;
	free(d->archive_id);
	free(d->created);
	free(d->smig_version);
	strv_free(d->features);
	strv_free(d->vms);
	free(d->type);
	free(d->scope);
	smig_inventory_free(d->inv);
	for (i = 0; i < d->nmembers; i++) {
		free(d->members[i].name);
		free(d->members[i].winpath);
		free(d->members[i].feature);
		free(d->members[i].component);
		free(d->members[i].vm_id);
		free(d->members[i].role);
	}
	free(d->members);
	free(d);
}

int smig_uuid4(char out[37], struct smig_err *e)
{
	struct smig_guid g;
	char buf[SMIG_GUID_BUFSZ];

	if (RAND_bytes(g.b, sizeof(g.b)) != 1)
		return smig_err_set(e, SMIG_ERR_IO, _("cannot make an archive id: the OpenSSL random "
						      "generator failed"));
	g.b[6] = (uint8_t)((g.b[6] & 0x0F) | 0x40); /* version 4 */
	g.b[8] = (uint8_t)((g.b[8] & 0x3F) | 0x80); /* RFC 4122 variant */
	smig_guid_format(&g, SMIG_GUID_LOWER, buf);
	memcpy(out, buf, 37);
	return 0;
}
