/*
 * hostinfo.c - the host half of the inventory: OS identity, network adapters, virtual
 * networks, VMQ, Hyper-V host settings, the authorization store, firewall rules and the DCOM
 * launch restriction. Registry names come from regmap.h only; the interpretation rules
 * (switch types, MAC ranges, defaults) are those of docs/formats.md, cited per function.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "azman.h"
#include "fileio.h"
#include "fwrule.h"
#include "i18n.h"
#include "regmap.h"
#include "scan.h"
#include "secdesc.h"
#include "winval.h"

/* ---- OS identity (§3.2–3.4, §4.1, A39) ---- */

static int read_os(struct smig_scan *s)
{
	struct smig_inv_os *os = &s->inv->os;
	smig_hive_node n;
	uint32_t v;

	if (smig_scan_key(s, s->sys, smig_hive_root(s->sys), SMIG_RK_COMPUTERNAME, &n) == 0)
		os->computer_name = smig_scan_sz(s, s->sys, n, SMIG_RK_COMPUTERNAME,
						 SMIG_RV_COMPUTERNAME);
	if (smig_scan_key(s, s->sys, smig_hive_root(s->sys), SMIG_RK_TCPIP_PARAMS, &n) == 0) {
		os->dns_hostname = smig_scan_sz(s, s->sys, n, SMIG_RK_TCPIP_PARAMS,
						SMIG_RV_HOSTNAME);
		os->domain = smig_scan_sz(s, s->sys, n, SMIG_RK_TCPIP_PARAMS, SMIG_RV_DOMAIN);
	}
	if (smig_scan_key(s, s->sys, smig_hive_root(s->sys), SMIG_RK_PRODUCTOPTIONS, &n) == 0)
		os->product_type = smig_scan_sz(s, s->sys, n, SMIG_RK_PRODUCTOPTIONS,
						SMIG_RV_PRODUCTTYPE);
	if (smig_scan_key(s, s->sys, smig_hive_root(s->sys), SMIG_RK_NLS_LANGUAGE, &n) == 0) {
		os->install_language = smig_scan_sz(s, s->sys, n, SMIG_RK_NLS_LANGUAGE,
						    SMIG_RV_INSTALLLANGUAGE);
		os->default_language = smig_scan_sz(s, s->sys, n, SMIG_RK_NLS_LANGUAGE,
						    SMIG_RV_DEFAULTLANGUAGE);
	}
	if (smig_scan_key(s, s->sys, smig_hive_root(s->sys), SMIG_RK_ENVIRONMENT, &n) == 0) {
		if (smig_scan_dword(s, s->sys, n, SMIG_RK_ENVIRONMENT,
				    SMIG_RV_NUMBER_OF_PROCESSORS, &v))
			os->logical_processors = v;
		os->architecture = smig_scan_sz(s, s->sys, n, SMIG_RK_ENVIRONMENT,
						SMIG_RV_PROCESSOR_ARCHITECTURE);
		os->processor_identifier = smig_scan_sz(s, s->sys, n, SMIG_RK_ENVIRONMENT,
							SMIG_RV_PROCESSOR_IDENTIFIER);
	}
	if (s->sw && smig_scan_key(s, s->sw, smig_hive_root(s->sw), SMIG_RK_CURRENTVERSION, &n) == 0) {
		os->product_name = smig_scan_sz(s, s->sw, n, SMIG_RK_CURRENTVERSION,
						SMIG_RV_PRODUCTNAME);
		os->current_version = smig_scan_sz(s, s->sw, n, SMIG_RK_CURRENTVERSION,
						   SMIG_RV_CURRENTVERSION);
		os->build = smig_scan_sz(s, s->sw, n, SMIG_RK_CURRENTVERSION, SMIG_RV_CURRENTBUILD);
		if (os->build == NULL)
			os->build = smig_scan_sz(s, s->sw, n, SMIG_RK_CURRENTVERSION,
						 SMIG_RV_CURRENTBUILD_OLD);
		os->csd_version = smig_scan_sz(s, s->sw, n, SMIG_RK_CURRENTVERSION,
					       SMIG_RV_CSDVERSION);
		os->edition_id = smig_scan_sz(s, s->sw, n, SMIG_RK_CURRENTVERSION,
					      SMIG_RV_EDITIONID);
		os->installation_type = smig_scan_sz(s, s->sw, n, SMIG_RK_CURRENTVERSION,
						     SMIG_RV_INSTALLATIONTYPE);
	}
	if (s->si) {
		if (s->si->has_memory) {
			os->memory_mb = s->si->total_memory_mb;
			os->memory_source = smig_strdup("systeminfo", s->e);
		}
		if (s->si->system_locale)
			os->system_locale = smig_strdup(s->si->system_locale, s->e);
		/* without SOFTWARE, the OS name comes from systeminfo (A39 fallback) */
		if (os->product_name == NULL && s->si->os_name) {
			const char *p = s->si->os_name;
			if (strncmp(p, "Microsoft ", 10) == 0)
				p += 10;
			os->product_name = smig_strdup(p, s->e);
		}
		if (os->current_version == NULL && s->si->os_version) {
			const char *p = s->si->os_version; /* "6.1.7601 Service Pack 1 Build 7601" */
			const char *dot2 = strchr(p, '.');
			if (dot2)
				dot2 = strchr(dot2 + 1, '.');
			if (dot2)
				os->current_version = smig_strndup(p, (size_t)(dot2 - p), s->e);
		}
	}
	return 0;
}

static void judge_source(struct smig_scan *s)
{
	struct smig_inv_os *os = &s->inv->os;
	const char *why = NULL;
	bool server = (os->product_name && strstr(os->product_name, "Server")) ||
		      (os->product_name == NULL && os->product_type &&
		       !smig_streq_ci(os->product_type, "WinNT"));

	os->is_2012 = os->current_version && strcmp(os->current_version, "6.2") == 0;
	if (os->current_version == NULL)
		why = N_("the OS version is unknown (no SOFTWARE hive and no systeminfo.txt)");
	else if (strcmp(os->current_version, "6.1") != 0)
		why = N_("smig migrates from Windows Server 2008 R2 (version 6.1)");
	else if (!server)
		why = N_("the OS is not a Windows Server edition");
	else if (os->product_name && strstr(os->product_name, "Hyper-V Server"))
		why = N_("Microsoft Hyper-V Server (the standalone product) is not a supported source");
	else if (os->architecture && !smig_streq_ci(os->architecture, "AMD64"))
		why = N_("the OS is not x64");
	os->supported_source = why == NULL;
	os->support_reason = smig_strdup(why ? why : "Windows Server 2008 R2 x64", s->e);
}

/* ---- network adapters (§3.5) ---- */

static char *display_description(struct smig_scan *s, const char *devid, const char *driverdesc)
{
	smig_hive_node n;
	char *path, *v;

	if (devid == NULL)
		goto fallback;
	path = smig_asprintf(s->e, "%s\\%s", SMIG_RK_ENUM, devid);
	if (path == NULL)
		return NULL;
	if (smig_scan_key(s, s->sys, smig_hive_root(s->sys), path, &n) == 0) {
		v = smig_scan_sz(s, s->sys, n, path, SMIG_RV_FRIENDLYNAME);
		if (v == NULL) {
			char *desc = smig_scan_sz(s, s->sys, n, path, SMIG_RV_DEVICEDESC);
			if (desc) {
				char *semi = strrchr(desc, ';');
				v = smig_strdup(semi ? semi + 1 : desc, s->e);
				free(desc);
			}
		}
		if (v) {
			free(path);
			return v;
		}
	}
	free(path);
fallback:
	return driverdesc ? smig_strdup(driverdesc, s->e) : NULL;
}

static void split_nameservers(struct smig_scan *s, const char *text, char ***out)
{
	const char *p = text;

	while (p && *p) {
		size_t n;
		char *one;
		while (*p == ' ' || *p == ',')
			p++;
		n = strcspn(p, " ,");
		if (n == 0)
			break;
		one = smig_strndup(p, n, s->e);
		if (one) {
			smig_strv_push(out, one, s->e);
			free(one);
		}
		p += n;
	}
}

static void read_tcpip(struct smig_scan *s, struct smig_inv_nic *nic)
{
	smig_hive_node n;
	char *path = smig_asprintf(s->e, "%s\\%s", SMIG_RK_TCPIP_INTERFACES, nic->guid);
	uint32_t dhcp = 0;
	char *ns;

	if (path == NULL)
		return;
	if (smig_scan_key(s, s->sys, smig_hive_root(s->sys), path, &n) != 0) {
		free(path);
		return;
	}
	nic->has_tcpip = true;
	if (smig_scan_dword(s, s->sys, n, path, SMIG_RV_ENABLEDHCP, &dhcp))
		nic->dhcp = dhcp != 0;
	if (nic->dhcp) {
		char *ip = smig_scan_sz(s, s->sys, n, path, SMIG_RV_DHCPIPADDRESS);
		char *mask = smig_scan_sz(s, s->sys, n, path, SMIG_RV_DHCPSUBNETMASK);
		if (ip && strcmp(ip, "0.0.0.0") != 0)
			smig_strv_push(&nic->ip, ip, s->e);
		if (mask && ip && strcmp(ip, "0.0.0.0") != 0)
			smig_strv_push(&nic->mask, mask, s->e);
		free(ip);
		free(mask);
	} else {
		nic->ip = smig_scan_multi(s, s->sys, n, path, SMIG_RV_IPADDRESS);
		nic->mask = smig_scan_multi(s, s->sys, n, path, SMIG_RV_SUBNETMASK);
		nic->gateway = smig_scan_multi(s, s->sys, n, path, SMIG_RV_DEFAULTGATEWAY);
	}
	ns = smig_scan_sz(s, s->sys, n, path, SMIG_RV_NAMESERVER);
	split_nameservers(s, ns, &nic->dns);
	free(ns);
	free(path);
}

static int read_nic(struct smig_scan *s, smig_hive_node cls, const char *keyname)
{
	struct smig_inventory *inv = s->inv;
	struct smig_inv_nic *nic;
	char *path = smig_asprintf(s->e, "%s\\%s", SMIG_RK_NET_CLASS, keyname);
	char *guid = NULL, *driverdesc = NULL, *devid = NULL, *vmq = NULL;
	struct smig_guid g;
	smig_hive_node conn;
	uint32_t ch = 0;
	int rc = 0;

	if (path == NULL)
		return -1;
	guid = smig_scan_sz(s, s->sys, cls, path, SMIG_RV_NETCFGINSTANCEID);
	if (guid == NULL || !smig_guid_parse(guid, &g))
		goto out; /* not an adapter instance */
	nic = smig_vec_add(&inv->nics, &inv->nnics, sizeof(*inv->nics), s->e);
	if (nic == NULL) {
		rc = -1;
		goto out;
	}
	nic->vmq = -1;
	nic->guid = malloc(SMIG_GUID_BUFSZ);
	if (nic->guid == NULL) {
		rc = smig_err_nomem(s->e, _("reading adapters"));
		goto out;
	}
	smig_guid_format(&g, SMIG_GUID_UPPER_BRACES, nic->guid);
	nic->class_key = smig_strdup(keyname, s->e);
	driverdesc = smig_scan_sz(s, s->sys, cls, path, SMIG_RV_DRIVERDESC);
	devid = smig_scan_sz(s, s->sys, cls, path, SMIG_RV_DEVICEINSTANCEID);
	if (smig_scan_dword(s, s->sys, cls, path, SMIG_RV_CHARACTERISTICS, &ch))
		nic->characteristics = ch;
	nic->physical = (ch & SMIG_NCF_PHYSICAL) != 0;
	nic->host_vnic = smig_streq_ci(driverdesc, SMIG_HOST_VNIC_DESC) ||
			 smig_startswith_ci(devid, SMIG_HOST_VNIC_DEVID_PREFIX);
	nic->description = display_description(s, devid, driverdesc);
	nic->network_address = smig_scan_sz(s, s->sys, cls, path, SMIG_RV_NETWORKADDRESS);
	if (nic->network_address && nic->network_address[0] == '\0') {
		free(nic->network_address);
		nic->network_address = NULL;
	}
	vmq = smig_scan_sz(s, s->sys, cls, path, SMIG_RV_VMQ_KEYWORD);
	if (vmq)
		nic->vmq = atoi(vmq) != 0;
	{
		char *cpath = smig_asprintf(s->e, "%s\\%s\\%s", SMIG_RK_NET_NETWORK, nic->guid,
					    SMIG_RK_CONNECTION);
		if (cpath && smig_scan_key(s, s->sys, smig_hive_root(s->sys), cpath, &conn) == 0)
			nic->connection_name = smig_scan_sz(s, s->sys, conn, cpath,
							    SMIG_RV_CONNECTION_NAME);
		free(cpath);
	}
	read_tcpip(s, nic);
	/* MAC: ipconfig by connection name (§9.3); the registry override must agree */
	if (s->ipc && nic->connection_name) {
		const struct smig_ipc_adapter *a = smig_ipconfig_find(s->ipc, nic->connection_name);
		if (a && a->has_mac) {
			nic->mac = a->mac;
			nic->has_mac = true;
			nic->mac_source = smig_strdup("ipconfig", s->e);
		}
	}
	if (nic->network_address) {
		struct smig_mac m;
		if (!smig_mac_parse(nic->network_address, &m)) {
			smig_scan_note(s, "", SMIG_SEV_WARNING, nic->connection_name ? nic->connection_name : nic->guid,
				       _("the adapter's NetworkAddress override '%s' is not a MAC address"),
				       nic->network_address);
		} else if (!nic->has_mac) {
			nic->mac = m;
			nic->has_mac = true;
			nic->mac_source = smig_strdup("NetworkAddress", s->e);
		} else if (smig_mac_cmp(&m, &nic->mac) != 0) {
			smig_scan_note(s, "", SMIG_SEV_WARNING, nic->connection_name ? nic->connection_name : nic->guid,
				       _("the adapter's NetworkAddress override %s differs from the MAC in ipconfig"),
				       nic->network_address);
		}
	}
out:
	free(path);
	free(guid);
	free(driverdesc);
	free(devid);
	free(vmq);
	return rc;
}

static int read_nics(struct smig_scan *s)
{
	smig_hive_node cls, *kids = NULL;
	size_t nkids = 0, i;
	struct smig_err e2 = SMIG_ERR_INIT;

	if (smig_scan_key(s, s->sys, smig_hive_root(s->sys), SMIG_RK_NET_CLASS, &cls) != 0)
		return 0;
	if (smig_hive_children(s->sys, cls, &kids, &nkids, &e2) < 0)
		return smig_scan_note(s, "", SMIG_SEV_ERROR, "host", "%s", e2.msg);
	for (i = 0; i < nkids; i++) {
		char *name = smig_hive_node_name(s->sys, kids[i], s->e);
		bool numeric = name && strlen(name) == 4 && isdigit((unsigned char)name[0]) &&
			       isdigit((unsigned char)name[1]) && isdigit((unsigned char)name[2]) &&
			       isdigit((unsigned char)name[3]);
		if (numeric && read_nic(s, kids[i], name) < 0) {
			free(name);
			free(kids);
			return -1;
		}
		free(name);
	}
	free(kids);
	if (s->ipc) {
		/* ipconfig sections that no registry adapter explains (renamed since the capture) */
		for (i = 0; i < s->ipc->nadapters; i++) {
			size_t k;
			bool found = false;
			for (k = 0; k < s->inv->nnics; k++)
				found |= smig_streq_ci(s->inv->nics[k].connection_name,
						       s->ipc->adapters[i].name);
			if (!found && s->ipc->adapters[i].has_mac)
				smig_scan_note(s, "", SMIG_SEV_INFO, "ipconfig",
					       _("adapter '%s' in the ipconfig output has no matching connection in the registry"),
					       s->ipc->adapters[i].name);
		}
	}
	return 0;
}

/* ---- Hyper-V host settings (§4.2) ---- */

/* MAC values: REG_BINARY of 6 bytes, or REG_SZ of 12 hex digits (A14). */
static bool read_mac_value(struct smig_scan *s, smig_hive_node n, const char *name,
			   struct smig_mac *out)
{
	struct smig_err e2 = SMIG_ERR_INIT;
	unsigned char *data = NULL;
	uint32_t type = 0;
	size_t len = 0;
	bool ok = false;
	int rc;

	rc = smig_hive_get_raw(s->sw, n, name, &type, &data, &len, &e2);
	if (rc != 0) {
		if (rc < 0)
			smig_scan_note(s, "", SMIG_SEV_WARNING, "host", "%s", e2.msg);
		return false;
	}
	if (type == 3 && len == 6) { /* REG_BINARY */
		memcpy(out->b, data, 6);
		ok = true;
	} else if (type == 1) { /* REG_SZ */
		char *txt = NULL;
		if (smig_hive_get_sz(s->sw, n, name, &txt, &e2) == 0)
			ok = smig_mac_parse(txt, out);
		free(txt);
	}
	if (!ok)
		smig_scan_note(s, "", SMIG_SEV_WARNING, "host",
			       _("%s\\%s is not a 6-byte MAC address (type %u, %zu bytes)"),
			       SMIG_RK_VIRTUALIZATION, name, type, len);
	free(data);
	return ok;
}

static void read_host_settings(struct smig_scan *s)
{
	struct smig_inv_hostsettings *h = &s->inv->host;
	smig_hive_node n;

	if (s->sw == NULL ||
	    smig_scan_key(s, s->sw, smig_hive_root(s->sw), SMIG_RK_VIRTUALIZATION, &n) != 0)
		return;
	h->data_root = smig_scan_sz(s, s->sw, n, SMIG_RK_VIRTUALIZATION,
				    SMIG_RV_DEFAULTEXTERNALDATAROOT);
	h->vhd_path = smig_scan_sz(s, s->sw, n, SMIG_RK_VIRTUALIZATION, SMIG_RV_DEFAULTVHDPATH);
	h->store_location = smig_scan_sz(s, s->sw, n, SMIG_RK_VIRTUALIZATION,
					 SMIG_RV_STORELOCATION);
	h->service_application = smig_scan_sz(s, s->sw, n, SMIG_RK_VIRTUALIZATION,
					      SMIG_RV_SERVICEAPPLICATION);
	if (read_mac_value(s, n, SMIG_RV_MINIMUMMAC, &h->mac_min) &&
	    read_mac_value(s, n, SMIG_RV_MAXIMUMMAC, &h->mac_max)) {
		h->has_mac_range = true;
		/* default pool: 00-15-5D-xx-yy-00 .. 00-15-5D-xx-yy-FF (§4.2 [SECONDARY]) */
		h->mac_range_default = h->mac_min.b[0] == 0x00 && h->mac_min.b[1] == 0x15 &&
				       h->mac_min.b[2] == 0x5D && h->mac_min.b[5] == 0x00 &&
				       smig_mac_to_u64(&h->mac_max) ==
					       smig_mac_to_u64(&h->mac_min) + 0xFF;
		if (smig_mac_cmp(&h->mac_min, &h->mac_max) > 0)
			smig_scan_note(s, "", SMIG_SEV_WARNING, "host",
				       N_("the MAC address range is inverted (minimum above maximum)"));
	}
	s->inv->hyperv = true;
}

/* ---- virtual networks and VMQ (§3.6) ---- */

static int read_ports(struct smig_scan *s, smig_hive_node swnode, const char *swpath,
		      struct smig_inv_switch *sw)
{
	smig_hive_node *kids = NULL;
	size_t nkids = 0, i;
	struct smig_err e2 = SMIG_ERR_INIT;

	if (smig_hive_children(s->sys, swnode, &kids, &nkids, &e2) < 0)
		return smig_scan_note(s, "", SMIG_SEV_ERROR, sw->name, "%s", e2.msg);
	for (i = 0; i < nkids; i++) {
		struct smig_inv_port *p;
		char *name = smig_hive_node_name(s->sys, kids[i], s->e), *ppath;
		struct smig_guid g;
		uint32_t vlan = 0;

		if (name == NULL)
			break;
		if (!smig_guid_parse(name, &g)) {
			free(name);
			continue;
		}
		p = smig_vec_add(&sw->ports, &sw->nports, sizeof(*p), s->e);
		if (p == NULL) {
			free(name);
			free(kids);
			return -1;
		}
		p->guid = malloc(SMIG_GUID_BUFSZ);
		if (p->guid)
			smig_guid_format(&g, SMIG_GUID_UPPER, p->guid);
		ppath = smig_asprintf(s->e, "%s\\%s", swpath, name);
		p->name = smig_scan_sz(s, s->sys, kids[i], ppath, SMIG_RV_SWITCH_FRIENDLYNAME);
		if (smig_scan_dword(s, s->sys, kids[i], ppath, SMIG_RV_PORT_ACCESSVLAN, &vlan))
			p->vlan = vlan;
		free(ppath);
		free(name);
	}
	free(kids);
	return 0;
}

/* NicList entry name: "{GUID}", "GUID" or "/Device/{GUID}" (A9). */
static bool niclist_guid(const char *name, struct smig_guid *g)
{
	const char *p = strrchr(name, '/');

	return smig_guid_parse(p ? p + 1 : name, g);
}

static int read_switches(struct smig_scan *s)
{
	struct smig_inventory *inv = s->inv;
	smig_hive_node params, list, *kids = NULL;
	size_t nkids = 0, i, k;
	struct smig_err e2 = SMIG_ERR_INIT;
	char *listpath = NULL;
	uint32_t v;

	if (smig_scan_key(s, s->sys, smig_hive_root(s->sys), SMIG_RK_VMSMP_PARAMS, &params) != 0)
		return 0;
	inv->hyperv = true;
	if (smig_scan_dword(s, s->sys, params, SMIG_RK_VMSMP_PARAMS, SMIG_RV_VMQ_TENGIG, &v))
		inv->host.vmq_tengig = (int)v;
	if (smig_scan_dword(s, s->sys, params, SMIG_RK_VMSMP_PARAMS, SMIG_RV_VMQ_BELOWTENGIG, &v))
		inv->host.vmq_below_tengig = (int)v;

	listpath = smig_asprintf(s->e, "%s\\%s", SMIG_RK_VMSMP_PARAMS, SMIG_RK_SWITCHLIST);
	if (listpath && smig_scan_key(s, s->sys, params, SMIG_RK_SWITCHLIST, &list) == 0) {
		if (smig_hive_children(s->sys, list, &kids, &nkids, &e2) < 0)
			smig_scan_note(s, "", SMIG_SEV_ERROR, "host", "%s", e2.msg);
		for (i = 0; i < nkids; i++) {
			struct smig_inv_switch *sw;
			char *name = smig_hive_node_name(s->sys, kids[i], s->e), *swpath;
			struct smig_guid g;

			if (name == NULL || !smig_guid_parse(name, &g)) {
				free(name);
				continue;
			}
			sw = smig_vec_add(&inv->switches, &inv->nswitches, sizeof(*sw), s->e);
			if (sw == NULL) {
				free(name);
				goto nomem;
			}
			sw->guid = malloc(SMIG_GUID_BUFSZ);
			if (sw->guid)
				smig_guid_format(&g, SMIG_GUID_UPPER, sw->guid);
			swpath = smig_asprintf(s->e, "%s\\%s", listpath, name);
			sw->name = smig_scan_sz(s, s->sys, kids[i], swpath,
						SMIG_RV_SWITCH_FRIENDLYNAME);
			if (sw->name == NULL) {
				smig_scan_note(s, "", SMIG_SEV_WARNING, "host",
					       _("virtual network %s has no FriendlyName; its GUID is used as its name"),
					       sw->guid);
				sw->name = smig_strdup(sw->guid, s->e);
			}
			sw->type = SMIG_SWITCH_PRIVATE;
			if (read_ports(s, kids[i], swpath, sw) < 0) {
				free(swpath);
				free(name);
				goto nomem;
			}
			free(swpath);
			free(name);
		}
		free(kids);
		kids = NULL;
		nkids = 0;
	}

	/* bindings: NicList\<adapter> SwitchName = switch GUID (A9); type per A10 */
	if (smig_scan_key(s, s->sys, params, SMIG_RK_NICLIST, &list) == 0) {
		if (smig_hive_children(s->sys, list, &kids, &nkids, &e2) < 0)
			smig_scan_note(s, "", SMIG_SEV_ERROR, "host", "%s", e2.msg);
		for (i = 0; i < nkids; i++) {
			char *name = smig_hive_node_name(s->sys, kids[i], s->e), *swname = NULL;
			char *portname = NULL;
			struct smig_guid ng;
			char nguid[SMIG_GUID_BUFSZ];
			struct smig_inv_switch *sw = NULL;
			struct smig_inv_nic *nic = NULL;

			if (name == NULL || !niclist_guid(name, &ng)) {
				free(name);
				continue;
			}
			smig_guid_format(&ng, SMIG_GUID_UPPER_BRACES, nguid);
			swname = smig_scan_sz(s, s->sys, kids[i], name, SMIG_RV_NICLIST_SWITCHNAME);
			portname = smig_scan_sz(s, s->sys, kids[i], name, SMIG_RV_NICLIST_PORTNAME);
			for (k = 0; swname && k < inv->nswitches; k++)
				if (smig_guid_str_equal(inv->switches[k].guid, swname))
					sw = &inv->switches[k];
			for (k = 0; k < inv->nnics; k++)
				if (smig_guid_str_equal(inv->nics[k].guid, nguid))
					nic = &inv->nics[k];
			if (sw == NULL) {
				smig_scan_note(s, "", SMIG_SEV_WARNING, "host",
					       _("adapter binding %s names virtual network '%s', which does not exist"),
					       name, swname ? swname : "(none)");
			} else if (nic == NULL) {
				smig_scan_note(s, "", SMIG_SEV_WARNING, sw->name,
					       _("virtual network is bound to adapter %s, which is not in the registry"),
					       nguid);
			} else {
				free(nic->switch_guid);
				nic->switch_guid = smig_strdup(sw->guid, s->e);
				if (nic->physical && !nic->host_vnic) {
					sw->type = SMIG_SWITCH_EXTERNAL;
					free(sw->external_nic);
					sw->external_nic = smig_strdup(nic->guid, s->e);
				} else if (nic->host_vnic) {
					if (sw->type == SMIG_SWITCH_PRIVATE)
						sw->type = SMIG_SWITCH_INTERNAL;
					free(sw->host_vnic);
					sw->host_vnic = smig_strdup(nic->guid, s->e);
				}
				for (k = 0; portname && k < sw->nports; k++)
					if (smig_guid_str_equal(sw->ports[k].guid, portname))
						sw->ports[k].host = true;
			}
			free(portname);
			free(swname);
			free(name);
		}
		free(kids);
	}
	free(listpath);
	return 0;
nomem:
	free(kids);
	free(listpath);
	return -1;
}

/* ---- firewall (§3.7: report only) ---- */

static int read_firewall(struct smig_scan *s)
{
	struct smig_inventory *inv = s->inv;
	struct smig_regval *vals = NULL;
	smig_hive_node n;
	size_t nvals = 0, i;
	struct smig_err e2 = SMIG_ERR_INIT;

	if (smig_scan_key(s, s->sys, smig_hive_root(s->sys), SMIG_RK_FIREWALLRULES, &n) != 0)
		return 0;
	if (smig_hive_values(s->sys, n, &vals, &nvals, &e2) < 0)
		return smig_scan_note(s, "", SMIG_SEV_ERROR, "firewall", "%s", e2.msg);
	for (i = 0; i < nvals; i++) {
		struct smig_fwrule r = {0};
		char *text = NULL;

		smig_err_clear(&e2);
		if (vals[i].type != 1 || smig_utf16le_to_utf8(vals[i].data, vals[i].len, &text, &e2) < 0 ||
		    smig_fwrule_parse(vals[i].name, text, &r, &e2) < 0) {
			smig_scan_note(s, "", SMIG_SEV_WARNING, "firewall",
				       _("firewall rule '%s' cannot be read: %s"), vals[i].name,
				       e2.msg[0] ? e2.msg : "not a REG_SZ value");
			free(text);
			continue;
		}
		inv->nfwrules_total++;
		if (smig_fwrule_is_hyperv(&r) || smig_fwrule_is_user_defined(&r)) {
			struct smig_inv_fwrule *f = smig_vec_add(&inv->fwrules, &inv->nfwrules,
								 sizeof(*f), s->e);
			if (f == NULL) {
				smig_fwrule_release(&r);
				free(text);
				smig_regvals_free(vals, nvals);
				return -1;
			}
			f->id = smig_strdup(vals[i].name, s->e);
			f->description = smig_fwrule_describe(&r, s->e);
			f->hyperv = smig_fwrule_is_hyperv(&r);
			f->user_defined = smig_fwrule_is_user_defined(&r);
		}
		smig_fwrule_release(&r);
		free(text);
	}
	smig_regvals_free(vals, nvals);
	return 0;
}

/* ---- DCOM machine launch restriction (§4.3) ---- */

/*
 * The documented default: Administrators get local and remote launch and activation,
 * Everyone gets local launch and activation (MicrosoftDocs machinelaunchrestriction.md).
 * Anything else in the DACL counts as customised [ASSUMED: owner/group are not compared].
 */
static bool dcom_is_default(const struct smig_secdesc *sd)
{
	size_t i;
	bool admins = false, everyone = false;

	if (!sd->has_dacl)
		return false;
	for (i = 0; i < sd->dacl_count; i++) {
		char sid[128];
		const struct smig_ace *a = &sd->dacl[i];

		smig_sid_format(&a->sid, sid, sizeof(sid));
		if (a->type != 0)
			return false;
		if (strcmp(sid, "S-1-5-32-544") == 0 && (a->mask & 0x1F) == 0x1F && !admins)
			admins = true;
		else if (strcmp(sid, "S-1-1-0") == 0 && (a->mask & 0x1F) == 0x0B && !everyone)
			everyone = true;
		else
			return false;
	}
	return admins && everyone;
}

static int read_dcom(struct smig_scan *s)
{
	struct smig_inv_dcom *d = &s->inv->dcom;
	struct smig_secdesc sd = {0};
	struct smig_err e2 = SMIG_ERR_INIT;
	smig_hive_node n;
	uint32_t type = 0;
	size_t i;
	int rc;

	if (s->sw == NULL || smig_scan_key(s, s->sw, smig_hive_root(s->sw), SMIG_RK_OLE, &n) != 0)
		return 0;
	rc = smig_hive_get_raw(s->sw, n, SMIG_RV_MACHINELAUNCHRESTRICTION, &type, &d->raw,
			       &d->raw_len, &e2);
	if (rc != 0) {
		if (rc < 0)
			smig_scan_note(s, "", SMIG_SEV_WARNING, "dcom", "%s", e2.msg);
		return 0;
	}
	d->present = true;
	if (smig_secdesc_parse(d->raw, d->raw_len, &sd, &e2) < 0) {
		d->customised = true;
		return smig_scan_note(s, "", SMIG_SEV_WARNING, "dcom",
				      _("%s\\%s cannot be decoded: %s"), SMIG_RK_OLE,
				      SMIG_RV_MACHINELAUNCHRESTRICTION, e2.msg);
	}
	smig_secdesc_to_sddl(&sd, &d->sddl, &e2);
	for (i = 0; i < sd.dacl_count; i++) {
		char sid[128], rights[256], *line;
		const char *who;

		smig_sid_format(&sd.dacl[i].sid, sid, sizeof(sid));
		who = smig_sid_wellknown_name(&sd.dacl[i].sid);
		smig_com_rights_describe(sd.dacl[i].mask, rights, sizeof(rights));
		line = smig_asprintf(s->e, "%s %s%s%s%s: %s",
				     sd.dacl[i].type == 1 ? "Deny" : "Allow", who ? who : sid,
				     who ? " (" : "", who ? sid : "", who ? ")" : "", rights);
		if (line)
			smig_strv_push(&d->aces, line, s->e);
		free(line);
	}
	d->customised = !dcom_is_default(&sd);
	smig_secdesc_release(&sd);
	return 0;
}

/* ---- authorization store (§6, A30) ---- */

/*
 * What counts as the default Hyper-V store [ASSUMED, docs/formats.md]: one application, one
 * role assignment ("Administrator") whose only member is BUILTIN\Administrators, no scopes.
 */
static void azman_compare_default(struct smig_scan *s, struct smig_inv_azman *az)
{
	size_t i;
	char *d;

	for (i = 0; i < az->nroles; i++) {
		const struct smig_inv_azrole *r = &az->roles[i];
		size_t m = smig_strv_len(r->members);
		bool default_admin = r->scope == NULL && smig_streq_ci(r->name, "Administrator") &&
				     m == 1 && strcmp(r->members[0], "S-1-5-32-544") == 0;
		if (default_admin)
			continue;
		if (r->scope)
			d = smig_asprintf(s->e, P_("role assignment '%s' in scope '%s' (%zu member)",
						     "role assignment '%s' in scope '%s' (%zu members)", m),
					  r->name, r->scope, m);
		else if (smig_streq_ci(r->name, "Administrator"))
			d = smig_asprintf(s->e, P_("role assignment 'Administrator' has %zu member besides or instead of BUILTIN\\Administrators",
						     "role assignment 'Administrator' has %zu members besides or instead of BUILTIN\\Administrators", m),
					  m);
		else
			d = smig_asprintf(s->e, P_("added role assignment '%s' (%zu member)",
						     "added role assignment '%s' (%zu members)", m), r->name, m);
		if (d)
			smig_strv_push(&az->differences, d, s->e);
		free(d);
	}
	for (i = 0; az->scopes && az->scopes[i]; i++) {
		d = smig_asprintf(s->e, "scope '%s'", az->scopes[i]);
		if (d)
			smig_strv_push(&az->differences, d, s->e);
		free(d);
	}
	az->customised = az->differences != NULL;
}

static int add_roles(struct smig_scan *s, struct smig_inv_azman *az, const char *app,
		     const char *scope, const struct smig_azman_role *roles, size_t nroles)
{
	size_t i, k;

	for (i = 0; i < nroles; i++) {
		struct smig_inv_azrole *r = smig_vec_add(&az->roles, &az->nroles, sizeof(*r), s->e);
		if (r == NULL)
			return -1;
		r->app = smig_strdup(app ? app : "", s->e);
		r->scope = scope ? smig_strdup(scope, s->e) : NULL;
		r->name = smig_strdup(roles[i].name ? roles[i].name : "", s->e);
		for (k = 0; k < roles[i].nmembers; k++) {
			struct smig_sid sid;
			const char *wk = smig_sid_parse(roles[i].members[k], &sid)
						 ? smig_sid_wellknown_name(&sid) : NULL;
			smig_strv_push(&r->members, roles[i].members[k], s->e);
			smig_strv_push(&r->member_names, wk ? wk : "", s->e);
		}
		for (k = 0; k < roles[i].napp_member_links; k++) {
			char *m = smig_asprintf(s->e, "group %s", roles[i].app_member_links[k]);
			if (m) {
				smig_strv_push(&r->members, m, s->e);
				smig_strv_push(&r->member_names, "", s->e);
			}
			free(m);
		}
	}
	return 0;
}

static int read_azman(struct smig_scan *s)
{
	struct smig_inv_azman *az = &s->inv->azman;
	const char *loc = s->inv->host.store_location;
	struct smig_azman_store *st = NULL;
	struct smig_err e2 = SMIG_ERR_INIT;
	const char *winpath;
	size_t i, k;
	int rc = 0;

	if (loc && smig_startswith_ci(loc, SMIG_STORE_AD_PREFIX)) {
		az->ad_store = true;
		az->path = smig_strdup(loc, s->e);
		return 0;
	}
	winpath = loc && smig_startswith_ci(loc, SMIG_STORE_FILE_PREFIX)
			  ? loc + strlen(SMIG_STORE_FILE_PREFIX)
			  : loc ? loc : SMIG_HYPERV_STORE_WIN;
	az->path = smig_strdup(winpath, s->e);
	if (smig_hostfs_resolve(s->fs, winpath, &az->local, &e2) < 0) {
		if (s->inv->hyperv)
			smig_scan_note(s, "", SMIG_SEV_WARNING, "azman",
				       _("the authorization store cannot be read: %s"), e2.msg);
		return 0;
	}
	if (smig_azman_load(az->local, winpath, &st, &e2) < 0)
		return smig_scan_note(s, "", SMIG_SEV_ERROR, "azman", "%s", e2.msg);
	az->present = true;
	{
		struct stat st_file;
		if (stat(az->local, &st_file) == 0)
			az->size = (uint64_t)st_file.st_size;
	}
	for (i = 0; i < st->napps && rc == 0; i++) {
		const struct smig_azman_app *app = &st->apps[i];
		size_t k2;

		if (az->app_name == NULL)
			az->app_name = smig_strdup(app->name ? app->name : "", s->e);
		az->noperations += app->nops;
		for (k = 0; k < app->ntasks; k++) {
			if (app->tasks[k].role_definition)
				az->nrole_definitions++;
			else
				az->ntasks++;
		}
		rc = add_roles(s, az, app->name, NULL, app->roles, app->nroles);
		for (k = 0; k < app->nscopes && rc == 0; k++) {
			smig_strv_push(&az->scopes, app->scopes[k].name ? app->scopes[k].name : "",
				       s->e);
			rc = add_roles(s, az, app->name, app->scopes[k].name, app->scopes[k].roles,
				       app->scopes[k].nroles);
			for (k2 = 0; k2 < app->scopes[k].ntasks; k2++)
				az->ntasks++;
		}
	}
	if (st->napps != 1)
		smig_scan_note(s, "", SMIG_SEV_INFO, "azman",
			       _("the authorization store holds %zu applications"), st->napps);
	smig_azman_free(st);
	if (rc == 0)
		azman_compare_default(s, az);
	return rc;
}

/* ---- MountedDevices (§3.8, informational) ---- */

static void read_drive_letters(struct smig_scan *s)
{
	struct smig_regval *vals = NULL;
	struct smig_err e2 = SMIG_ERR_INIT;
	smig_hive_node n;
	size_t nvals = 0, i;

	if (smig_scan_key(s, s->sys, smig_hive_root(s->sys), SMIG_RK_MOUNTEDDEVICES, &n) != 0 ||
	    smig_hive_values(s->sys, n, &vals, &nvals, &e2) < 0)
		return;
	for (i = 0; i < nvals; i++) {
		const char *nm = vals[i].name;
		size_t pl = strlen(SMIG_RV_DOSDEVICES_PREFIX);
		if (smig_startswith_ci(nm, SMIG_RV_DOSDEVICES_PREFIX) && strlen(nm) == pl + 2 &&
		    nm[pl + 1] == ':')
			smig_strv_push(&s->inv->drive_letters, nm + pl, s->e);
	}
	smig_regvals_free(vals, nvals);
}

int smig_hostinfo_read(struct smig_scan *s)
{
	struct smig_inventory *inv = s->inv;
	smig_hive_node n;

	inv->host.vmq_tengig = inv->host.vmq_below_tengig = -1;
	if (read_os(s) < 0)
		return -1;
	judge_source(s);
	if (read_nics(s) < 0)
		return -1;
	read_host_settings(s);
	if (read_switches(s) < 0)
		return -1;
	if (smig_scan_key(s, s->sys, smig_hive_root(s->sys), SMIG_RK_VMMS_SERVICE, &n) == 0)
		inv->hyperv = true;
	if (read_firewall(s) < 0 || read_dcom(s) < 0 || read_azman(s) < 0)
		return -1;
	read_drive_letters(s);
	if (!inv->hyperv)
		inv->hyperv_reason = smig_strdup(
			N_("no Virtualization key in SOFTWARE, no VMSMP or vmms service in SYSTEM"), s->e);
	else
		inv->hyperv_reason = smig_strdup(N_("Hyper-V role settings found"), s->e);
	return s->e->kind == SMIG_ERR_NONE ? 0 : -1;
}
