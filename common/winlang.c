/* winlang.c - the language tables of ipconfig and systeminfo output (see winlang.h, formats.md
 * "Text files"). Each label says where it was seen; the evidence is in formats.md A3. */
#include "winlang.h"
#include "i18n.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "winval.h"

/* ---- English: Vista, 2008, Windows 7 and 2008 R2 (XP's wording where it differs) ---- */

static const struct smig_lang_label en_ipc[] = {
    {IPC_HOST_NAME, "Host Name"},
    {IPC_PRIMARY_DNS_SUFFIX, "Primary Dns Suffix"},
    {IPC_NODE_TYPE, "Node Type"},
    {IPC_IP_ROUTING, "IP Routing Enabled"},
    {IPC_WINS_PROXY, "WINS Proxy Enabled"},
    {IPC_DNS_SEARCH_LIST, "DNS Suffix Search List"},
    {IPC_MEDIA_STATE, "Media State"},
    {IPC_DNS_SUFFIX, "Connection-specific DNS Suffix"},
    {IPC_DESCRIPTION, "Description"},
    {IPC_PHYSICAL_ADDRESS, "Physical Address"},
    {IPC_DHCP_ENABLED, "DHCP Enabled"},
    {IPC_AUTOCONF_ENABLED, "Autoconfiguration Enabled"},
    {IPC_IPV6_ADDRESS, "IPv6 Address"},
    {IPC_TEMP_IPV6_ADDRESS, "Temporary IPv6 Address"},
    {IPC_LINK_LOCAL_IPV6, "Link-local IPv6 Address"},
    {IPC_IPV4_ADDRESS, "IPv4 Address"},
    {IPC_IPV4_ADDRESS, "IP Address"},
    {IPC_AUTOCONF_IPV4, "Autoconfiguration IPv4 Address"},
    {IPC_AUTOCONF_IPV4, "Autoconfiguration IP Address"},
    {IPC_SUBNET_MASK, "Subnet Mask"},
    {IPC_LEASE_OBTAINED, "Lease Obtained"},
    {IPC_LEASE_EXPIRES, "Lease Expires"},
    {IPC_DEFAULT_GATEWAY, "Default Gateway"},
    {IPC_DHCP_SERVER, "DHCP Server"},
    {IPC_DHCPV6_IAID, "DHCPv6 IAID"},
    {IPC_DHCPV6_DUID, "DHCPv6 Client DUID"},
    {IPC_DNS_SERVERS, "DNS Servers"},
    {IPC_NETBIOS, "NetBIOS over Tcpip"},
    {0, NULL},
};

static const struct smig_lang_label en_si[] = {
    {SI_HOST_NAME, "Host Name"},
    {SI_OS_NAME, "OS Name"},
    {SI_OS_VERSION, "OS Version"},
    {SI_OS_MANUFACTURER, "OS Manufacturer"},
    {SI_OS_CONFIGURATION, "OS Configuration"},
    {SI_OS_BUILD_TYPE, "OS Build Type"},
    {SI_REGISTERED_OWNER, "Registered Owner"},
    {SI_REGISTERED_ORGANIZATION, "Registered Organization"},
    {SI_PRODUCT_ID, "Product ID"},
    {SI_INSTALL_DATE, "Original Install Date"},
    {SI_BOOT_TIME, "System Boot Time"},
    {SI_SYSTEM_MANUFACTURER, "System Manufacturer"},
    {SI_SYSTEM_MODEL, "System Model"},
    {SI_SYSTEM_TYPE, "System Type"},
    {SI_PROCESSORS, "Processor(s)"},
    {SI_BIOS_VERSION, "BIOS Version"},
    {SI_WINDOWS_DIRECTORY, "Windows Directory"},
    {SI_SYSTEM_DIRECTORY, "System Directory"},
    {SI_BOOT_DEVICE, "Boot Device"},
    {SI_SYSTEM_LOCALE, "System Locale"},
    {SI_INPUT_LOCALE, "Input Locale"},
    {SI_TIME_ZONE, "Time Zone"},
    {SI_TOTAL_MEMORY, "Total Physical Memory"},
    {SI_AVAILABLE_MEMORY, "Available Physical Memory"},
    {SI_VIRTUAL_MAX, "Virtual Memory: Max Size"},
    {SI_VIRTUAL_AVAILABLE, "Virtual Memory: Available"},
    {SI_VIRTUAL_IN_USE, "Virtual Memory: In Use"},
    {SI_PAGE_FILES, "Page File Location(s)"},
    {SI_DOMAIN, "Domain"},
    {SI_LOGON_SERVER, "Logon Server"},
    {SI_HOTFIXES, "Hotfix(s)"},
    {SI_NICS, "Network Card(s)"},
    {SI_HYPERV_REQUIREMENTS, "Hyper-V Requirements"},
    {SI_NIC_CONNECTION_NAME, "Connection Name"},
    {SI_NIC_DHCP_ENABLED, "DHCP Enabled"},
    {SI_NIC_DHCP_SERVER, "DHCP Server"},
    {SI_NIC_IP_ADDRESSES, "IP address(es)"},
    {SI_NIC_STATUS, "Status"},
    {0, NULL},
};

static const struct smig_lang english = {
    .code = "en",
    .name = N_("English"),
    .oem_cp = 437,
    .ipc_marker = "Windows IP Configuration",
    .ipc_header_prefix = "",
    .ipc_header_infix = " adapter ",
    .ipc_header_colon = ":",
    .ipc_kinds = NULL,
    .ipc_cont_slack = 0,
    .ipc_global_colon = 37,
    .ipc_adapter_colon = 37,
    .ipc = en_ipc,
    .si_value_col = 27,
    .si_nic_col = 33,
    .si_detail_width = 17,
    .si_detail_colon = ":",
    .si = en_si,
    .words = {
	[W_YES] = "Yes",
	[W_NO] = "No",
	[W_PREFERRED] = "Preferred",
	[W_MEDIA_DISCONNECTED] = "Media disconnected",
	[W_NIC_DISCONNECTED] = "Media disconnected",
	[W_HARDWARE_NOT_PRESENT] = "Hardware not present",
	[W_ENABLED] = "Enabled",
	[W_DISABLED] = "Disabled",
	[W_HYBRID] = "Hybrid",
	[W_MB] = "MB",
	[W_PROCESSORS_INSTALLED] = "%d Processor(s) Installed.",
	[W_HOTFIXES_INSTALLED] = "%d Hotfix(s) Installed.",
	[W_NICS_INSTALLED] = "%d NIC(s) Installed.",
	[W_IP_ADDRESSES_HEADER] = "IP address(es)",
    },
};

/* ---- French: seen in real outputs of XP, 8, 10 and 11 (formats.md A3 has the sources) ---- */

static const struct smig_lang_label fr_ipc[] = {
    {IPC_HOST_NAME, "Nom de l'h\xc3\xb4te"},
    {IPC_PRIMARY_DNS_SUFFIX, "Suffixe DNS principal"},
    {IPC_NODE_TYPE, "Type de noeud"},
    {IPC_NODE_TYPE, "Type de n\xc5\x93ud"},
    {IPC_IP_ROUTING, "Routage IP activ\xc3\xa9"},
    {IPC_WINS_PROXY, "Proxy WINS activ\xc3\xa9"},
    {IPC_DNS_SEARCH_LIST, "Liste de recherche du suffixe DNS"},
    {IPC_DNS_SEARCH_LIST, "Liste de recherche de suffixes DNS"},
    {IPC_MEDIA_STATE, "Statut du m\xc3\xa9" "dia"},
    {IPC_DNS_SUFFIX, "Suffixe DNS propre \xc3\xa0 la connexion"},
    {IPC_DESCRIPTION, "Description"},
    {IPC_PHYSICAL_ADDRESS, "Adresse physique"},
    {IPC_DHCP_ENABLED, "DHCP activ\xc3\xa9"},
    {IPC_AUTOCONF_ENABLED, "Configuration automatique activ\xc3\xa9" "e"},
    {IPC_IPV6_ADDRESS, "Adresse IPv6"},
    {IPC_TEMP_IPV6_ADDRESS, "Adresse IPv6 temporaire"},
    {IPC_LINK_LOCAL_IPV6, "Adresse IPv6 de liaison locale"},
    {IPC_IPV4_ADDRESS, "Adresse IPv4"},
    {IPC_IPV4_ADDRESS, "Adresse IP"},
    {IPC_AUTOCONF_IPV4, "Adresse d'autoconfiguration IPv4"},
    {IPC_SUBNET_MASK, "Masque de sous-r\xc3\xa9seau"},
    {IPC_LEASE_OBTAINED, "Bail obtenu"},
    {IPC_LEASE_EXPIRES, "Bail expirant"},
    {IPC_LEASE_EXPIRES, "Le bail expire"},
    {IPC_DEFAULT_GATEWAY, "Passerelle par d\xc3\xa9" "faut"},
    {IPC_DHCP_SERVER, "Serveur DHCP"},
    {IPC_DHCPV6_IAID, "IAID DHCPv6"},
    {IPC_DHCPV6_DUID, "DUID de client DHCPv6"},
    {IPC_DNS_SERVERS, "Serveurs DNS"},
    {IPC_NETBIOS, "NetBIOS sur Tcpip"},
    {0, NULL},
};

static const struct smig_lang_label fr_si[] = {
    {SI_HOST_NAME, "Nom de l'h\xc3\xb4te"},
    {SI_OS_NAME, "Nom du syst\xc3\xa8me d'exploitation"},
    {SI_OS_VERSION, "Version du syst\xc3\xa8me"},
    {SI_OS_MANUFACTURER, "Fabricant du syst\xc3\xa8me d'exploitation"},
    {SI_OS_CONFIGURATION, "Configuration du syst\xc3\xa8me d'exploitation"},
    {SI_OS_BUILD_TYPE, "Type de version du syst\xc3\xa8me d'exploitation"},
    {SI_REGISTERED_OWNER, "Propri\xc3\xa9taire enregistr\xc3\xa9"},
    {SI_REGISTERED_ORGANIZATION, "Organisation enregistr\xc3\xa9" "e"},
    {SI_PRODUCT_ID, "Identificateur de produit"},
    {SI_INSTALL_DATE, "Date d'installation originale"},
    {SI_BOOT_TIME, "Heure de d\xc3\xa9marrage du syst\xc3\xa8me"},
    {SI_SYSTEM_MANUFACTURER, "Fabricant du syst\xc3\xa8me"},
    {SI_SYSTEM_MODEL, "Mod\xc3\xa8le du syst\xc3\xa8me"},
    {SI_SYSTEM_TYPE, "Type du syst\xc3\xa8me"},
    {SI_PROCESSORS, "Processeur(s)"},
    {SI_BIOS_VERSION, "Version du BIOS"},
    {SI_WINDOWS_DIRECTORY, "R\xc3\xa9pertoire Windows"},
    {SI_SYSTEM_DIRECTORY, "R\xc3\xa9pertoire syst\xc3\xa8me"},
    {SI_BOOT_DEVICE, "P\xc3\xa9riph\xc3\xa9rique d'amor\xc3\xa7" "age"},
    {SI_SYSTEM_LOCALE, "Option r\xc3\xa9gionale du syst\xc3\xa8me"},
    {SI_INPUT_LOCALE, "Param\xc3\xa8tres r\xc3\xa9gionaux d'entr\xc3\xa9" "e"},
    {SI_TIME_ZONE, "Fuseau horaire"},
    {SI_TOTAL_MEMORY, "M\xc3\xa9moire physique totale"},
    {SI_AVAILABLE_MEMORY, "M\xc3\xa9moire physique disponible"},
    {SI_VIRTUAL_MAX, "M\xc3\xa9moire virtuelle : taille maximale"},
    {SI_VIRTUAL_AVAILABLE, "M\xc3\xa9moire virtuelle : disponible"},
    {SI_VIRTUAL_IN_USE, "M\xc3\xa9moire virtuelle : en cours d'utilisation"},
    {SI_PAGE_FILES, "Emplacements des fichiers d'\xc3\xa9" "change"},
    {SI_DOMAIN, "Domaine"},
    {SI_LOGON_SERVER, "Serveur d'ouverture de session"},
    {SI_HOTFIXES, "Correctif(s)"},
    {SI_NICS, "Carte(s) r\xc3\xa9seau"},
    {SI_HYPERV_REQUIREMENTS, "Configuration requise pour Hyper-V"},
    {SI_NIC_CONNECTION_NAME, "Nom de la connexion"},
    {SI_NIC_DHCP_ENABLED, "DHCP activ\xc3\xa9"},
    {SI_NIC_DHCP_SERVER, "Serveur DHCP"},
    {SI_NIC_IP_ADDRESSES, "Adresse(s) IP"},
    {SI_NIC_STATUS, "\xc3\x89tat"},
    {0, NULL},
};

static const struct smig_lang_kind fr_kinds[] = {
    {"Ethernet", "Ethernet"},
    {"Tunnel", "Tunnel"},
    {"r\xc3\xa9seau sans fil", "Wireless LAN"},
    {"PPP", "PPP"},
    {NULL, NULL},
};

static const struct smig_lang french = {
    .code = "fr",
    .name = N_("French"),
    .oem_cp = 850,
    .ipc_marker = "Configuration IP de Windows",
    .ipc_header_prefix = "Carte ",
    .ipc_header_infix = "",
    .ipc_header_colon = " :",
    .ipc_kinds = fr_kinds,
    .ipc_cont_slack = 5,
    .ipc_global_colon = 37,
    .ipc_adapter_colon = 42,
    .ipc = fr_ipc,
    .si_value_col = 44,
    .si_nic_col = 50,
    .si_detail_width = 22,
    .si_detail_colon = " :",
    .si = fr_si,
    .words = {
	[W_YES] = "Oui",
	[W_NO] = "Non",
	[W_PREFERRED] = "pr\xc3\xa9" "f\xc3\xa9r\xc3\xa9",
	[W_MEDIA_DISCONNECTED] = "M\xc3\xa9" "dia d\xc3\xa9" "connect\xc3\xa9",
	[W_NIC_DISCONNECTED] = "Support d\xc3\xa9" "connect\xc3\xa9",
	[W_HARDWARE_NOT_PRESENT] = "Mat\xc3\xa9riel non pr\xc3\xa9sent",
	[W_ENABLED] = "Activ\xc3\xa9",
	[W_DISABLED] = "D\xc3\xa9sactiv\xc3\xa9",
	[W_HYBRID] = "Hybride",
	[W_MB] = "Mo",
	[W_PROCESSORS_INSTALLED] = "%d processeur(s) install\xc3\xa9(s).",
	[W_HOTFIXES_INSTALLED] = "%d Corrections install\xc3\xa9" "es.",
	[W_NICS_INSTALLED] = "%d carte(s) r\xc3\xa9seau install\xc3\xa9" "e(s).",
	[W_IP_ADDRESSES_HEADER] = "Adresse(s) IP",
    },
};

const struct smig_lang *const smig_langs[] = {&english, &french, NULL};

const char *smig_lang_names(void)
{
	return _("English, French");
}

const struct smig_lang *smig_lang_find(const char *code)
{
	size_t i;

	for (i = 0; smig_langs[i] != NULL; i++)
		if (strcasecmp(smig_langs[i]->code, code) == 0)
			return smig_langs[i];
	return NULL;
}

/* Compare `s` (n bytes) with NUL-terminated `lit`: ASCII case ignored, U+2019 = '. */
static bool same_text(const char *s, size_t n, const char *lit)
{
	size_t i = 0;

	for (; *lit != '\0'; lit++) {
		if (i + 3 <= n && *lit == '\'' && memcmp(s + i, "\xe2\x80\x99", 3) == 0) {
			i += 3;
			continue;
		}
		if (i >= n || (s[i] != *lit && !((unsigned char)s[i] < 0x80 &&
						 strncasecmp(s + i, lit, 1) == 0)))
			return false;
		i++;
	}
	return i == n;
}

int smig_lang_field(const struct smig_lang_label *tab, const char *label, size_t len)
{
	size_t i;

	for (i = 0; tab[i].label != NULL; i++)
		if (same_text(label, len, tab[i].label))
			return tab[i].field;
	return 0;
}

const char *smig_lang_label_of(const struct smig_lang_label *tab, int field)
{
	size_t i;

	for (i = 0; tab[i].label != NULL; i++)
		if (tab[i].field == field)
			return tab[i].label;
	return NULL;
}

bool smig_lang_is(const struct smig_lang *lang, enum smig_lang_word w, const char *v, size_t len)
{
	return lang->words[w] != NULL && same_text(v, len, lang->words[w]);
}

/* ---- decoding ---- */

/* `n` bytes of `in` in code page `cp` to UTF-8 (every OEM byte is one character, at most 3
 * bytes of UTF-8). */
static int oem_to_utf8(const char *in, size_t n, unsigned cp, char **out, struct smig_err *e)
{
	char name[16], *o, *op;
	char *ip = (char *)in;
	size_t il = n, ol = 3 * n;
	iconv_t cd;

	*out = NULL;
	snprintf(name, sizeof(name), "CP%u", cp);
	cd = iconv_open("UTF-8", name);
	if (cd == (iconv_t)-1)
		return smig_err_sys(e, errno, _("cannot decode OEM code page %u with iconv"), cp);
	o = malloc(ol + 1);
	if (o == NULL) {
		iconv_close(cd);
		return smig_err_nomem(e, _("decoding an OEM code page"));
	}
	op = o;
	if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1) {
		int err = errno;

		iconv_close(cd);
		free(o);
		return smig_err_set(e, SMIG_ERR_FORMAT,
				    _("byte 0x%02X at offset %zu is not a character of OEM code page %u (%s)"),
				    (unsigned char)*ip, (size_t)(ip - in), cp, strerror(err));
	}
	iconv_close(cd);
	*op = '\0';
	*out = o;
	return 0;
}

int smig_lang_decode(const void *src, size_t nbytes, smig_lang_recognise_fn recognise,
		     struct smig_lang_text *out, struct smig_err *e)
{
	const unsigned char *p = src;
	size_t i;

	out->text = NULL;
	out->oem_cp = 0;
	out->encoding = NULL;
	if (nbytes >= 2 && p[0] == 0xFF && p[1] == 0xFE)
		out->encoding = "UTF-16LE";
	else if (nbytes >= 2 && p[0] == 0xFE && p[1] == 0xFF)
		out->encoding = "UTF-16BE";
	else if (nbytes >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
		out->encoding = "UTF-8";
	if (out->encoding != NULL)
		return smig_text_decode(src, nbytes, &out->text, e);
	if (memchr(p, '\0', nbytes) != NULL)
		return smig_err_set(e, SMIG_ERR_FORMAT,
				    _("text contains NUL bytes but has no UTF-16 byte order mark"));
	if (smig_utf8_valid((const char *)p, nbytes)) {
		for (i = 0; i < nbytes && p[i] < 0x80; i++)
			;
		out->encoding = i == nbytes ? "ASCII" : "UTF-8";
		out->text = smig_strndup((const char *)p, nbytes, e);
		return out->text ? 0 : -1;
	}
	/* an OEM code page: the one of the language the labels are in */
	for (i = 0; smig_langs[i] != NULL; i++) {
		char *t = NULL;

		if (oem_to_utf8((const char *)p, nbytes, smig_langs[i]->oem_cp, &t, e) < 0)
			return -1;
		if (recognise == NULL || recognise(t, smig_langs[i]) || smig_langs[i + 1] == NULL) {
			out->text = t;
			out->oem_cp = smig_langs[i]->oem_cp;
			break;
		}
		free(t);
	}
	if (out->oem_cp == 850)
		out->encoding = N_("OEM code page 850");
	else if (out->oem_cp == 437)
		out->encoding = N_("OEM code page 437");
	else
		out->encoding = N_("an OEM code page");
	return 0;
}

int smig_lang_encode_oem(const char *text, size_t len, unsigned cp, char **out, size_t *outlen,
			 struct smig_err *e)
{
	char name[16], *o, *op;
	char *ip = (char *)text;
	size_t il = len, ol = len;
	iconv_t cd;

	*out = NULL;
	*outlen = 0;
	snprintf(name, sizeof(name), "CP%u", cp);
	cd = iconv_open(name, "UTF-8");
	if (cd == (iconv_t)-1)
		return smig_err_sys(e, errno, _("cannot encode OEM code page %u with iconv"), cp);
	o = malloc(ol + 1);
	if (o == NULL) {
		iconv_close(cd);
		return smig_err_nomem(e, _("encoding an OEM code page"));
	}
	op = o;
	if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1) {
		iconv_close(cd);
		free(o);
		return smig_err_set(e, SMIG_ERR_FORMAT,
				    _("text at offset %zu has no character in OEM code page %u"),
				    (size_t)(ip - text), cp);
	}
	iconv_close(cd);
	*out = o;
	*outlen = (size_t)(op - o);
	return 0;
}

size_t smig_lang_columns(const char *s, size_t len)
{
	size_t i, cols = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			cols++;
	return cols;
}

size_t smig_lang_column_offset(const char *s, size_t len, size_t col)
{
	size_t i = 0, c = 0;

	while (i < len && c < col) {
		i++;
		while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
		c++;
	}
	return i;
}

int smig_lang_read(const void *src, size_t nbytes, size_t max, const char *what,
		   smig_lang_recognise_fn recognise, struct smig_lang_text *out,
		   struct smig_err *e)
{
	struct smig_err tmp = SMIG_ERR_INIT;

	if (nbytes > max)
		return smig_err_set(e, SMIG_ERR_FORMAT, _("'%s' is too large (%zu bytes)"), what,
				    nbytes);
	if (smig_lang_decode(src, nbytes, recognise, out, &tmp) < 0)
		return smig_err_set(e, tmp.kind, _("cannot read '%s': %s"), what, tmp.msg);
	return 0;
}
