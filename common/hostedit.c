/*
 * hostedit.c - writing the Hyper-V host state into a destination's SYSTEM and SOFTWARE hives
 * in the layout hostinfo.c reads back (formats.md §3.2, §3.5, §3.6, §4.2; docs/formats.md
 * A9–A14). Each function checks all of its arguments and the destination's state it depends
 * on before its first write, so a refused call leaves the hive as it was.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostedit.h"
#include "regmap.h"
#include "strbuf.h"

/*
 * Names regmap.h does not carry; they are the lead's to move there. Values as in the 2008 R2
 * example host and §3.5/§3.6: ComponentId "vms_mp" [INFERRED], the Enum key's Driver value
 * "{class GUID lower case}\NNNN" [CONFIRMED for physical adapters, §3.5; INFERRED for vms_mp],
 * the DeviceDesc resource form [ASSUMED], SearchList REG_SZ [CONFIRMED name and type, §3.2].
 */
#define RV_COMPONENTID "ComponentId"
#define RV_DRIVER "Driver"
#define RV_SEARCHLIST "SearchList"
#define VNIC_COMPONENTID "vms_mp"
#define VNIC_DEVICEDESC "@wvms_mp.inf,%vms_mp_desc%;" SMIG_HOST_VNIC_DESC
#define VNIC_CHARACTERISTICS 0x1      /* NCF_VIRTUAL (§3.5) */
#define VNIC_PORT_PREFIX "Host Vnic " /* + switch GUID: the port name seen on real hosts (§3.6) */
#define VNIC_ENUM_KEY SMIG_RK_ENUM "\\" SMIG_HOST_VNIC_DEVID_PREFIX

#define MAX_INSTANCES 10000 /* Class and Enum instance names are 4 decimal digits */
#define MAX_VLAN 4094       /* AccessVLAN 1–4094, 0 = untagged (§3.6 rule 5) */

/* ---- small helpers ---- */

/* A GUID argument in the form its key or value uses. */
static int guid_arg(const char *s, const char *what, enum smig_guid_form form,
                    char buf[SMIG_GUID_BUFSZ], struct smig_err *e)
{
	struct smig_guid g;

	if (s == NULL)
		return smig_err_set(e, SMIG_ERR_USAGE, "no %s GUID was given", what);
	if (!smig_guid_parse(s, &g))
		return smig_err_set(e, SMIG_ERR_FORMAT, "%s '%s' is not a GUID", what, s);
	smig_guid_format(&g, form, buf);
	return 0;
}

static int text_arg(const char *s, const char *what, struct smig_err *e)
{
	if (s == NULL || s[0] == '\0')
		return smig_err_set(e, SMIG_ERR_USAGE, "no %s was given", what);
	return 0;
}

/* Find (create = false: 0 found, 1 absent, -1 error) or create a key from a printf path. */
static int keyf(struct smig_hive *h, bool create, smig_hive_node *out, struct smig_err *e,
                const char *fmt, ...) SMIG_PRINTF(5, 6);
static int keyf(struct smig_hive *h, bool create, smig_hive_node *out, struct smig_err *e,
                const char *fmt, ...)
{
	char path[512]; /* the longest smig builds is about 150 bytes */
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(path))
		return smig_err_set(e, SMIG_ERR_USAGE, "registry path '%.80s...' is too long",
		                    path);
	return create ? smig_hive_mkpath(h, path, out, e) : smig_hive_find(h, 0, path, out, e);
}

static bool four_digits(const char *s)
{
	return strlen(s) == 4 && isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) &&
	       isdigit((unsigned char)s[2]) && isdigit((unsigned char)s[3]);
}

/* A REG_SZ value, or NULL when absent or not a string (destination data we only match on). */
static char *soft_sz(struct smig_hive *h, smig_hive_node n, const char *name)
{
	struct smig_err e2 = SMIG_ERR_INIT;
	char *v = NULL;

	if (smig_hive_get_sz(h, n, name, &v, &e2) != 0)
		return NULL;
	return v;
}

/* Set `name` to the string, or delete it when `s` is NULL. */
static int set_or_delete_sz(struct smig_hive *h, smig_hive_node n, const char *name, const char *s,
                            struct smig_err *e)
{
	if (s != NULL)
		return smig_hive_set_sz(h, n, name, s, e);
	return smig_hive_delete_value(h, n, name, e) < 0 ? -1 : 0;
}

/*
 * Walk the 4-digit subkeys of `parent_path` (absent key: none). Marks each number in `used`
 * (MAX_INSTANCES flags, may be NULL). When `guid` is given, *found is set to the first entry
 * whose NetCfgInstanceId names it, and its name copied to `name`. Entries with an unreadable
 * NetCfgInstanceId are not adapters (the reader skips them too).
 */
static int scan_instances(struct smig_hive *h, const char *parent_path, const char *guid,
                          bool *used, smig_hive_node *found, char name[5], struct smig_err *e)
{
	smig_hive_node parent, *kids = NULL;
	size_t nkids = 0, i;
	int rc = -1, r;

	if (found)
		*found = 0;
	r = smig_hive_find(h, 0, parent_path, &parent, e);
	if (r != 0)
		return r < 0 ? -1 : 0;
	if (smig_hive_children(h, parent, &kids, &nkids, e) < 0)
		goto done;
	for (i = 0; i < nkids; i++) {
		char *kname = smig_hive_node_name(h, kids[i], e), *id;

		if (kname == NULL)
			goto done;
		if (!four_digits(kname)) {
			free(kname);
			continue;
		}
		if (used)
			used[atoi(kname)] = true;
		if (guid && *found == 0) {
			id = soft_sz(h, kids[i], SMIG_RV_NETCFGINSTANCEID);
			if (id && smig_guid_str_equal(id, guid)) {
				*found = kids[i];
				memcpy(name, kname, 5);
			}
			free(id);
		}
		free(kname);
	}
	rc = 0;
done:
	free(kids);
	return rc;
}

/* The Net Class entry of adapter `guid`: 0 found, 1 absent, -1 error. */
static int find_adapter(struct smig_hive *h, const char *guid, smig_hive_node *node, char name[5],
                        struct smig_err *e)
{
	if (scan_instances(h, SMIG_RK_NET_CLASS, guid, NULL, node, name, e) < 0)
		return -1;
	return *node ? 0 : 1;
}

static int missing_adapter(const char *guid, struct smig_err *e)
{
	return smig_err_set(e, SMIG_ERR_FORMAT,
	                    "network adapter %s is not in the destination's adapter list (%s)",
	                    guid, SMIG_RK_NET_CLASS);
}

/* The lowest 4-digit instance number not in use under `parent_path`, or -1 (error set). */
static int free_instance(struct smig_hive *h, const char *parent_path, struct smig_err *e)
{
	bool *used = calloc(MAX_INSTANCES, sizeof(*used));
	int n = -1;

	if (used == NULL)
		return smig_err_nomem(e, "numbering a new device");
	if (scan_instances(h, parent_path, NULL, used, NULL, NULL, e) == 0) {
		for (n = 0; n < MAX_INSTANCES && used[n]; n++)
			;
		if (n == MAX_INSTANCES)
			n = smig_err_set(e, SMIG_ERR_FORMAT, "'%s' has no free instance number",
			                 parent_path);
	}
	free(used);
	return n;
}

/* Reject an adapter other than `guid` whose connection already has the name `conn`
 * (Windows keeps connection names unique). */
static int check_connection_name(struct smig_hive *h, const char *guid, const char *conn,
                                 struct smig_err *e)
{
	smig_hive_node net, c, *kids = NULL;
	size_t nkids = 0, i;
	int rc = -1, r;

	r = smig_hive_find(h, 0, SMIG_RK_NET_NETWORK, &net, e);
	if (r != 0)
		return r < 0 ? -1 : 0;
	if (smig_hive_children(h, net, &kids, &nkids, e) < 0)
		goto done;
	for (i = 0; i < nkids; i++) {
		char *kname = smig_hive_node_name(h, kids[i], e), *name = NULL;
		struct smig_err e2 = SMIG_ERR_INIT;
		struct smig_guid g;
		bool clash;

		if (kname == NULL)
			goto done;
		/* an absent or unreadable Connection key is not a clash */
		if (!smig_guid_parse(kname, &g) || smig_guid_str_equal(kname, guid) ||
		    smig_hive_find(h, kids[i], SMIG_RK_CONNECTION, &c, &e2) != 0) {
			free(kname);
			continue;
		}
		name = soft_sz(h, c, SMIG_RV_CONNECTION_NAME);
		clash = name && smig_streq_ci(name, conn);
		if (clash)
			smig_err_set(e, SMIG_ERR_FORMAT,
			             "connection name '%s' is already used by adapter %s", conn,
			             kname);
		free(name);
		free(kname);
		if (clash)
			goto done;
	}
	rc = 0;
done:
	free(kids);
	return rc;
}

static int check_ipv4(const char *s, const char *what, const char *nic, struct smig_err *e)
{
	struct in_addr a;

	if (s == NULL || inet_pton(AF_INET, s, &a) != 1)
		return smig_err_set(e, SMIG_ERR_FORMAT,
		                    "%s '%s' of adapter %s is not an IPv4 address", what,
		                    s ? s : "(null)", nic);
	return 0;
}

static int check_ipv4_list(char *const *v, const char *what, const char *nic, size_t *count,
                           struct smig_err *e)
{
	size_t n = 0;

	for (; v && v[n]; n++)
		if (check_ipv4(v[n], what, nic, e) < 0)
			return -1;
	*count = n;
	return 0;
}

static int check_tcpip(const struct smig_tcpip *t, const char *nic, struct smig_err *e)
{
	size_t nip, nmask, ngw, ndns;

	if (check_ipv4_list(t->ip, "IP address", nic, &nip, e) < 0 ||
	    check_ipv4_list(t->mask, "subnet mask", nic, &nmask, e) < 0 ||
	    check_ipv4_list(t->gateway, "gateway", nic, &ngw, e) < 0 ||
	    check_ipv4_list(t->dns, "DNS server", nic, &ndns, e) < 0)
		return -1;
	if (!t->dhcp && nip == 0)
		return smig_err_set(e, SMIG_ERR_FORMAT,
		                    "adapter %s has static TCP/IP settings but no IP address", nic);
	if (!t->dhcp && nip != nmask)
		return smig_err_set(e, SMIG_ERR_FORMAT,
		                    "adapter %s has %zu IP address%s but %zu subnet mask%s", nic,
		                    nip, nip == 1 ? "" : "es", nmask, nmask == 1 ? "" : "s");
	return 0;
}

static int set_strv(struct smig_hive *h, smig_hive_node n, const char *name, char *const *v,
                    struct smig_err *e)
{
	size_t count = 0;

	while (v && v[count])
		count++;
	return smig_hive_set_multi_sz(h, n, name, (const char *const *)v, count, e);
}

/* `v` joined by `sep` (NULL = empty). malloc'd, NULL on ENOMEM (error set). */
static char *join(char *const *v, char sep, struct smig_err *e)
{
	struct smig_strbuf sb = SMIG_STRBUF_INIT;
	size_t i;

	smig_strbuf_puts(&sb, "");
	for (i = 0; v && v[i]; i++) {
		if (i)
			smig_strbuf_putc(&sb, sep);
		smig_strbuf_puts(&sb, v[i]);
	}
	if (smig_strbuf_check(&sb, e) < 0) {
		smig_strbuf_release(&sb);
		return NULL;
	}
	return smig_strbuf_take(&sb, NULL);
}

/* ---- SYSTEM: virtual networks ---- */

int smig_hostedit_switch(struct smig_hive *h, const char *guid, const char *name,
                         struct smig_err *e)
{
	char g[SMIG_GUID_BUFSZ];
	smig_hive_node n;

	if (guid_arg(guid, "virtual network", SMIG_GUID_UPPER, g, e) < 0 ||
	    text_arg(name, "virtual network name", e) < 0)
		return -1;
	if (keyf(h, true, &n, e, "%s\\%s\\%s", SMIG_RK_VMSMP_PARAMS, SMIG_RK_SWITCHLIST, g) < 0)
		return -1;
	return smig_hive_set_sz(h, n, SMIG_RV_SWITCH_FRIENDLYNAME, name, e);
}

/* The key of an existing switch (0), or an error naming it. */
static int find_switch(struct smig_hive *h, const char *g, smig_hive_node *n, struct smig_err *e)
{
	int r = keyf(h, false, n, e, "%s\\%s\\%s", SMIG_RK_VMSMP_PARAMS, SMIG_RK_SWITCHLIST, g);

	if (r > 0)
		return smig_err_set(e, SMIG_ERR_FORMAT,
		                    "virtual network %s does not exist on the destination", g);
	return r;
}

int smig_hostedit_port(struct smig_hive *h, const char *switch_guid, const char *port_guid,
                       const char *name, uint32_t vlan, struct smig_err *e)
{
	char sg[SMIG_GUID_BUFSZ], pg[SMIG_GUID_BUFSZ];
	smig_hive_node sw, port;

	if (guid_arg(switch_guid, "virtual network", SMIG_GUID_UPPER, sg, e) < 0 ||
	    guid_arg(port_guid, "switch port", SMIG_GUID_UPPER, pg, e) < 0 ||
	    text_arg(name, "switch port name", e) < 0)
		return -1;
	if (vlan > MAX_VLAN)
		return smig_err_set(e, SMIG_ERR_FORMAT,
		                    "port '%s' of virtual network %s: VLAN %u is outside 1-%d",
		                    name, sg, vlan, MAX_VLAN);
	if (find_switch(h, sg, &sw, e) < 0 ||
	    keyf(h, true, &port, e, "%s\\%s\\%s\\%s", SMIG_RK_VMSMP_PARAMS, SMIG_RK_SWITCHLIST, sg,
	         pg) < 0 ||
	    smig_hive_set_sz(h, port, SMIG_RV_SWITCH_FRIENDLYNAME, name, e) < 0)
		return -1;
	if (vlan != 0)
		return smig_hive_set_dword(h, port, SMIG_RV_PORT_ACCESSVLAN, vlan, e);
	return smig_hive_delete_value(h, port, SMIG_RV_PORT_ACCESSVLAN, e) < 0 ? -1 : 0;
}

/* ---- SYSTEM: adapter bindings ---- */

#define NICLIST_ENTRY_PREFIX "/Device/" /* NicList entry name = "/Device/{GUID}" (A9) */

/* The NicList entry of adapter `nic`, under any of the names the reader accepts (A9):
 * 0 found, 1 absent, -1 error. */
static int find_niclist_entry(struct smig_hive *h, const char *nic, smig_hive_node *out,
                              struct smig_err *e)
{
	smig_hive_node list, *kids = NULL;
	size_t nkids = 0, i;
	int rc = -1, r;

	*out = 0;
	r = keyf(h, false, &list, e, "%s\\%s", SMIG_RK_VMSMP_PARAMS, SMIG_RK_NICLIST);
	if (r != 0)
		return r;
	if (smig_hive_children(h, list, &kids, &nkids, e) < 0)
		goto done;
	for (i = 0; i < nkids && *out == 0; i++) {
		char *kname = smig_hive_node_name(h, kids[i], e);
		const char *slash;

		if (kname == NULL)
			goto done;
		slash = strrchr(kname, '/');
		if (smig_guid_str_equal(slash ? slash + 1 : kname, nic))
			*out = kids[i];
		free(kname);
	}
	rc = *out ? 0 : 1;
done:
	free(kids);
	return rc;
}

int smig_hostedit_bind(struct smig_hive *h, const char *nic_guid, const char *switch_guid,
                       const char *port_guid, struct smig_err *e)
{
	char ng[SMIG_GUID_BUFSZ], sg[SMIG_GUID_BUFSZ], pg[SMIG_GUID_BUFSZ], cname[5];
	smig_hive_node cls, sw, port, entry;
	int r;

	if (guid_arg(nic_guid, "network adapter", SMIG_GUID_UPPER_BRACES, ng, e) < 0 ||
	    guid_arg(switch_guid, "virtual network", SMIG_GUID_UPPER, sg, e) < 0 ||
	    (port_guid && guid_arg(port_guid, "switch port", SMIG_GUID_UPPER, pg, e) < 0))
		return -1;
	r = find_adapter(h, ng, &cls, cname, e);
	if (r != 0)
		return r < 0 ? -1 : missing_adapter(ng, e);
	if (find_switch(h, sg, &sw, e) < 0)
		return -1;
	if (port_guid) {
		r = keyf(h, false, &port, e, "%s\\%s\\%s\\%s", SMIG_RK_VMSMP_PARAMS,
		         SMIG_RK_SWITCHLIST, sg, pg);
		if (r != 0)
			return r < 0 ? -1
			             : smig_err_set(e, SMIG_ERR_FORMAT,
			                            "port %s of virtual network %s does not exist "
			                            "on the destination",
			                            pg, sg);
	}
	r = find_niclist_entry(h, ng, &entry, e);
	if (r < 0 || (r > 0 && keyf(h, true, &entry, e, "%s\\%s\\%s%s", SMIG_RK_VMSMP_PARAMS,
	                            SMIG_RK_NICLIST, NICLIST_ENTRY_PREFIX, ng) < 0))
		return -1;
	if (smig_hive_set_sz(h, entry, SMIG_RV_NICLIST_SWITCHNAME, sg, e) < 0)
		return -1;
	return set_or_delete_sz(h, entry, SMIG_RV_NICLIST_PORTNAME, port_guid ? pg : NULL, e);
}

/* ---- SYSTEM: TCP/IP ---- */

int smig_hostedit_tcpip(struct smig_hive *h, const char *nic_guid, const struct smig_tcpip *t,
                        struct smig_err *e)
{
	char g[SMIG_GUID_BUFSZ], cname[5], *ns = NULL;
	smig_hive_node cls, n;
	int rc = -1, r;

	if (guid_arg(nic_guid, "network adapter", SMIG_GUID_UPPER_BRACES, g, e) < 0)
		return -1;
	if (t == NULL)
		return smig_err_set(e, SMIG_ERR_USAGE,
		                    "no TCP/IP settings were given for adapter %s", g);
	if (check_tcpip(t, g, e) < 0)
		return -1;
	r = find_adapter(h, g, &cls, cname, e);
	if (r != 0)
		return r < 0 ? -1 : missing_adapter(g, e);
	ns = join(t->dns, ',', e); /* §3.5: comma-separated on 2008 R2 and 2012 hosts */
	if (ns == NULL)
		goto done;
	if (keyf(h, true, &n, e, "%s\\%s", SMIG_RK_TCPIP_INTERFACES, g) < 0 ||
	    smig_hive_set_dword(h, n, SMIG_RV_ENABLEDHCP, t->dhcp ? 1 : 0, e) < 0)
		goto done;
	if (t->dhcp) {
		/* the static lists would be stale; the lease values are Windows' to write */
		if (smig_hive_delete_value(h, n, SMIG_RV_IPADDRESS, e) < 0 ||
		    smig_hive_delete_value(h, n, SMIG_RV_SUBNETMASK, e) < 0 ||
		    smig_hive_delete_value(h, n, SMIG_RV_DEFAULTGATEWAY, e) < 0)
			goto done;
	} else if (set_strv(h, n, SMIG_RV_IPADDRESS, t->ip, e) < 0 ||
	           set_strv(h, n, SMIG_RV_SUBNETMASK, t->mask, e) < 0 ||
	           set_strv(h, n, SMIG_RV_DEFAULTGATEWAY, t->gateway, e) < 0) {
		goto done;
	}
	rc = smig_hive_set_sz(h, n, SMIG_RV_NAMESERVER, ns, e);
done:
	free(ns);
	return rc;
}

int smig_hostedit_searchlist(struct smig_hive *h, char *const *suffixes, struct smig_err *e)
{
	smig_hive_node n;
	char *list = NULL;
	size_t i;
	int rc = -1;

	for (i = 0; suffixes && suffixes[i]; i++)
		if (suffixes[i][0] == '\0' || strpbrk(suffixes[i], ", \t") != NULL)
			return smig_err_set(e, SMIG_ERR_FORMAT,
			                    "DNS suffix '%s' is empty or holds a separator",
			                    suffixes[i]);
	list = join(suffixes, ',', e);
	if (list == NULL)
		return -1;
	if (smig_hive_mkpath(h, SMIG_RK_TCPIP_PARAMS, &n, e) == 0)
		rc = smig_hive_set_sz(h, n, RV_SEARCHLIST, list, e);
	free(list);
	return rc;
}

/* ---- SYSTEM: management-OS virtual adapters ---- */

/* Windows' Enum Driver value: the class GUID in lower case, then the Class entry name. */
static int driver_value(const char *cls_name, char *buf, size_t len, struct smig_err *e)
{
	const char *cg = strrchr(SMIG_RK_NET_CLASS, '\\') + 1;
	char lower[SMIG_GUID_BUFSZ];
	struct smig_guid g;
	int n;

	if (!smig_guid_parse(cg, &g))
		return smig_err_set(e, SMIG_ERR_USAGE, "'%s' does not end in a class GUID",
		                    SMIG_RK_NET_CLASS);
	smig_guid_format(&g, SMIG_GUID_LOWER_BRACES, lower);
	n = snprintf(buf, len, "%s\\%s", lower, cls_name);
	if (n < 0 || (size_t)n >= len)
		return smig_err_set(e, SMIG_ERR_USAGE, "driver key name for %s is too long",
		                    cls_name);
	return 0;
}

/* Class entry and Enum instance of a host vNIC: the existing ones, or the lowest free. */
static int vnic_instances(struct smig_hive *h, const char *g, smig_hive_node *cls, char cls_name[5],
                          int *enum_num, struct smig_err *e)
{
	size_t plen = strlen(SMIG_HOST_VNIC_DEVID_PREFIX);
	char *devid = NULL;
	int r, n;

	r = find_adapter(h, g, cls, cls_name, e);
	if (r < 0)
		return -1;
	if (r == 0) {
		devid = soft_sz(h, *cls, SMIG_RV_DEVICEINSTANCEID);
		if (devid == NULL || !smig_startswith_ci(devid, SMIG_HOST_VNIC_DEVID_PREFIX) ||
		    !four_digits(devid + plen)) {
			smig_err_set(
			    e, SMIG_ERR_FORMAT,
			    "adapter %s already exists on the destination as '%s', which is "
			    "not a host virtual adapter",
			    g, devid ? devid : "(no device id)");
			free(devid);
			return -1;
		}
		*enum_num = atoi(devid + plen);
		free(devid);
		return 0;
	}
	n = free_instance(h, SMIG_RK_NET_CLASS, e);
	if (n < 0)
		return -1;
	snprintf(cls_name, 5, "%04u", (unsigned)n % MAX_INSTANCES); /* n < MAX_INSTANCES */
	*enum_num = free_instance(h, VNIC_ENUM_KEY, e);
	return *enum_num < 0 ? -1 : 0;
}

int smig_hostedit_host_vnic(struct smig_hive *h, const struct smig_hostedit_vnic *v,
                            struct smig_err *e)
{
	static const struct smig_tcpip dhcp = {.dhcp = true};
	char g[SMIG_GUID_BUFSZ], sg[SMIG_GUID_BUFSZ], pg[SMIG_GUID_BUFSZ], cls_name[5];
	char devid[64], driver[64];
	smig_hive_node cls = 0, sw, en, conn, port;
	int enum_num;

	if (v == NULL)
		return smig_err_set(e, SMIG_ERR_USAGE, "no host virtual adapter was given");
	if (guid_arg(v->guid, "host virtual adapter", SMIG_GUID_UPPER_BRACES, g, e) < 0 ||
	    guid_arg(v->switch_guid, "virtual network", SMIG_GUID_UPPER, sg, e) < 0 ||
	    (v->port_guid && guid_arg(v->port_guid, "switch port", SMIG_GUID_UPPER, pg, e) < 0) ||
	    text_arg(v->connection, "connection name", e) < 0 ||
	    (v->tcpip && check_tcpip(v->tcpip, g, e) < 0))
		return -1;
	if (find_switch(h, sg, &sw, e) < 0 || check_connection_name(h, g, v->connection, e) < 0 ||
	    vnic_instances(h, g, &cls, cls_name, &enum_num, e) < 0 ||
	    driver_value(cls_name, driver, sizeof(driver), e) < 0)
		return -1;
	snprintf(devid, sizeof(devid), "%s%04d", SMIG_HOST_VNIC_DEVID_PREFIX, enum_num); /* fits */

	/* checks done: from here on only writes */
	if ((cls == 0 && keyf(h, true, &cls, e, "%s\\%s", SMIG_RK_NET_CLASS, cls_name) < 0) ||
	    smig_hive_set_sz(h, cls, SMIG_RV_NETCFGINSTANCEID, g, e) < 0 ||
	    smig_hive_set_sz(h, cls, SMIG_RV_DRIVERDESC, SMIG_HOST_VNIC_DESC, e) < 0 ||
	    smig_hive_set_sz(h, cls, SMIG_RV_DEVICEINSTANCEID, devid, e) < 0 ||
	    smig_hive_set_sz(h, cls, RV_COMPONENTID, VNIC_COMPONENTID, e) < 0 ||
	    smig_hive_set_dword(h, cls, SMIG_RV_CHARACTERISTICS, VNIC_CHARACTERISTICS, e) < 0)
		return -1;
	if (keyf(h, true, &en, e, "%s\\%s", SMIG_RK_ENUM, devid) < 0 ||
	    smig_hive_set_sz(h, en, SMIG_RV_DEVICEDESC, VNIC_DEVICEDESC, e) < 0 ||
	    set_or_delete_sz(h, en, SMIG_RV_FRIENDLYNAME, v->friendly, e) < 0 ||
	    smig_hive_set_sz(h, en, RV_DRIVER, driver, e) < 0)
		return -1;
	if (keyf(h, true, &conn, e, "%s\\%s\\%s", SMIG_RK_NET_NETWORK, g, SMIG_RK_CONNECTION) < 0 ||
	    smig_hive_set_sz(h, conn, SMIG_RV_CONNECTION_NAME, v->connection, e) < 0 ||
	    smig_hive_set_sz(h, conn, SMIG_RV_PNPINSTANCEID, devid, e) < 0)
		return -1;
	if (v->port_guid) {
		/* the management OS's port; named as Windows names it when it is new */
		int r = keyf(h, false, &port, e, "%s\\%s\\%s\\%s", SMIG_RK_VMSMP_PARAMS,
		             SMIG_RK_SWITCHLIST, sg, pg);
		if (r < 0)
			return -1;
		if (r > 0) {
			char pname[sizeof(VNIC_PORT_PREFIX) + SMIG_GUID_BUFSZ];

			snprintf(pname, sizeof(pname), "%s%s", VNIC_PORT_PREFIX, sg); /* fits */
			if (smig_hostedit_port(h, sg, pg, pname, 0, e) < 0)
				return -1;
		}
	}
	if (smig_hostedit_bind(h, g, sg, v->port_guid ? pg : NULL, e) < 0)
		return -1;
	return smig_hostedit_tcpip(h, g, v->tcpip ? v->tcpip : &dhcp, e);
}

/* ---- SYSTEM: VMQ ---- */

int smig_hostedit_vmq(struct smig_hive *h, int tengig, int below_tengig, struct smig_err *e)
{
	smig_hive_node n;

	if (tengig < -1 || tengig > 2 || below_tengig < -1 || below_tengig > 2)
		return smig_err_set(e, SMIG_ERR_FORMAT,
		                    "VMQ settings %d/%d: each must be 0 (default), 1 (enabled) or "
		                    "2 (disabled)",
		                    tengig, below_tengig);
	if (tengig < 0 && below_tengig < 0)
		return 0;
	if (smig_hive_mkpath(h, SMIG_RK_VMSMP_PARAMS, &n, e) < 0)
		return -1;
	if (tengig >= 0 && smig_hive_set_dword(h, n, SMIG_RV_VMQ_TENGIG, (uint32_t)tengig, e) < 0)
		return -1;
	if (below_tengig >= 0 &&
	    smig_hive_set_dword(h, n, SMIG_RV_VMQ_BELOWTENGIG, (uint32_t)below_tengig, e) < 0)
		return -1;
	return 0;
}

int smig_hostedit_nic_vmq(struct smig_hive *h, const char *nic_guid, bool on, struct smig_err *e)
{
	char g[SMIG_GUID_BUFSZ], cname[5];
	smig_hive_node cls;
	int r;

	if (guid_arg(nic_guid, "network adapter", SMIG_GUID_UPPER_BRACES, g, e) < 0)
		return -1;
	r = find_adapter(h, g, &cls, cname, e);
	if (r != 0)
		return r < 0 ? -1 : missing_adapter(g, e);
	/* an enumeration keyword: REG_SZ "0"/"1" (§3.5) */
	return smig_hive_set_sz(h, cls, SMIG_RV_VMQ_KEYWORD, on ? "1" : "0", e);
}

/* ---- SOFTWARE: Hyper-V host settings ---- */

static int check_path_arg(const char *s, const char *what, struct smig_err *e)
{
	if (s != NULL && s[0] == '\0')
		return smig_err_set(e, SMIG_ERR_FORMAT, "the %s is empty", what);
	return 0;
}

int smig_hostedit_virtualization(struct smig_hive *h, const struct smig_hostedit_virt *v,
                                 struct smig_err *e)
{
	smig_hive_node n;

	if (v == NULL)
		return smig_err_set(e, SMIG_ERR_USAGE, "no Hyper-V host settings were given");
	if (check_path_arg(v->data_root, "default virtual machine folder", e) < 0 ||
	    check_path_arg(v->vhd_path, "default virtual hard disk folder", e) < 0 ||
	    check_path_arg(v->store_location, "authorization store location", e) < 0)
		return -1;
	if (v->store_location && !smig_startswith_ci(v->store_location, SMIG_STORE_FILE_PREFIX) &&
	    !smig_startswith_ci(v->store_location, SMIG_STORE_AD_PREFIX))
		return smig_err_set(
		    e, SMIG_ERR_FORMAT,
		    "authorization store location '%s' starts with neither %s nor %s",
		    v->store_location, SMIG_STORE_FILE_PREFIX, SMIG_STORE_AD_PREFIX);
	if (v->has_mac && smig_mac_cmp(&v->mac_min, &v->mac_max) > 0) {
		char lo[18], hi[18];

		smig_mac_format(&v->mac_min, lo);
		smig_mac_format(&v->mac_max, hi);
		return smig_err_set(e, SMIG_ERR_FORMAT,
		                    "MAC address range %s..%s is inverted (minimum above maximum)",
		                    lo, hi);
	}
	if (!v->data_root && !v->vhd_path && !v->store_location && !v->has_mac)
		return 0;
	if (smig_hive_mkpath(h, SMIG_RK_VIRTUALIZATION, &n, e) < 0)
		return -1;
	if ((v->data_root &&
	     smig_hive_set_sz(h, n, SMIG_RV_DEFAULTEXTERNALDATAROOT, v->data_root, e) < 0) ||
	    (v->vhd_path && smig_hive_set_sz(h, n, SMIG_RV_DEFAULTVHDPATH, v->vhd_path, e) < 0) ||
	    (v->store_location &&
	     smig_hive_set_sz(h, n, SMIG_RV_STORELOCATION, v->store_location, e) < 0))
		return -1;
	/* REG_BINARY of 6 bytes in wire order (§4.2, A14) */
	if (v->has_mac &&
	    (smig_hive_set_raw(h, n, SMIG_RV_MINIMUMMAC, SMIG_REG_BINARY, v->mac_min.b, 6, e) < 0 ||
	     smig_hive_set_raw(h, n, SMIG_RV_MAXIMUMMAC, SMIG_REG_BINARY, v->mac_max.b, 6, e) < 0))
		return -1;
	return 0;
}
