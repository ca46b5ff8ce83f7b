/* test_ipconfig.c - `ipconfig /all` text (formats.md §9.1, §1.6). */
#include "testutil.h"

#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "ipconfig.h"
#include "winval.h"

/*
 * A Windows Server 2008 R2 Hyper-V host as formats.md §9.1 infers it (no real sample was
 * found): the host vNIC "Microsoft Virtual Network Switch Adapter" carries the IP settings,
 * the physical NIC bound to the external network has none. Several IPv4 addresses, DNS
 * servers and gateways on continuation lines. Field lines are padded exactly as the real
 * samples are (colon at column 37, value at 39).
 */
static const char HYPERV_HOST[] =
    "\n"
    "Windows IP Configuration\n"
    "\n"
    "   Host Name . . . . . . . . . . . . : HV01\n"
    "   Primary Dns Suffix  . . . . . . . : corp.example\n"
    "   Node Type . . . . . . . . . . . . : Hybrid\n"
    "   IP Routing Enabled. . . . . . . . : No\n"
    "   WINS Proxy Enabled. . . . . . . . : No\n"
    "   DNS Suffix Search List. . . . . . : corp.example\n"
    "                                       example.net\n"
    "\n"
    "Ethernet adapter Local Area Connection 3:\n"
    "\n"
    "   Connection-specific DNS Suffix  . : corp.example\n"
    "   Description . . . . . . . . . . . : Microsoft Virtual Network Switch Adapter\n"
    "   Physical Address. . . . . . . . . : 00-15-5D-01-07-DC\n"
    "   DHCP Enabled. . . . . . . . . . . : No\n"
    "   Autoconfiguration Enabled . . . . : Yes\n"
    "   Link-local IPv6 Address . . . . . : fe80::8d4f:2fd1:5a3c:1b2e%13(Preferred)\n"
    "   IPv4 Address. . . . . . . . . . . : 10.0.0.21(Preferred)\n"
    "   Subnet Mask . . . . . . . . . . . : 255.255.255.0\n"
    "   IPv4 Address. . . . . . . . . . . : 10.0.1.21(Preferred)\n"
    "   Subnet Mask . . . . . . . . . . . : 255.255.0.0\n"
    "   IPv4 Address. . . . . . . . . . . : 192.168.5.5(Duplicate)\n"
    "   Subnet Mask . . . . . . . . . . . : 255.255.255.128\n"
    "   Default Gateway . . . . . . . . . : fe80::1%13\n"
    "                                       10.0.0.1\n"
    "   DHCPv6 IAID . . . . . . . . . . . : 301995357\n"
    "   DNS Servers . . . . . . . . . . . : 10.0.0.2\n"
    "                                       10.0.0.3\n"
    "                                       fec0:0:0:ffff::1%1\n"
    "   NetBIOS over Tcpip. . . . . . . . : Enabled\n"
    "\n"
    "Ethernet adapter Local Area Connection:\n"
    "\n"
    "   Connection-specific DNS Suffix  . :\n"
    "   Description . . . . . . . . . . . : Broadcom BCM5709C NetXtreme II GigE (NDIS VBD Client) "
    "#2\n"
    "   Physical Address. . . . . . . . . : 00-10-18-AA-BB-CC\n"
    "   DHCP Enabled. . . . . . . . . . . : Yes\n"
    "   Autoconfiguration Enabled . . . . : Yes\n"
    "\n"
    "Tunnel adapter isatap.{0B6C8E2A-5D34-4F1C-9E36-6F0B1C2D3E4F}:\n"
    "\n"
    "   Media State . . . . . . . . . . . : Media disconnected\n"
    "   Connection-specific DNS Suffix  . :\n"
    "   Description . . . . . . . . . . . : Microsoft ISATAP Adapter\n"
    "   Physical Address. . . . . . . . . : 00-00-00-00-00-00-00-E0\n"
    "   DHCP Enabled. . . . . . . . . . . : No\n"
    "   Autoconfiguration Enabled . . . . : Yes\n"
    "\n";

/*
 * The same host on a French Windows: HYPERV_HOST translated label by label with the labels,
 * leaders and columns of real French outputs (formats.md A3): adapter colons at column 42,
 * some after a leader dot (".:"), value words "Non"/"Oui"/"(préféré)", the gateway
 * continuation at column 39 and the DNS one at 42 as Windows 10 writes them. Connection names
 * are host data and stay as the registry has them.
 */
static const char FRENCH_HOST[] =
    "\n"
    "Configuration IP de Windows\n"
    "\n"
    "   Nom de l'h\xc3\xb4te . . . . . . . . . . : HV01\n"
    "   Suffixe DNS principal . . . . . . : corp.example\n"
    "   Type de noeud. . . . . . . . . . : Hybride\n"
    "   Routage IP activ\xc3\xa9 . . . . . . . . : Non\n"
    "   Proxy WINS activ\xc3\xa9 . . . . . . . . : Non\n"
    "   Liste de recherche du suffixe DNS : corp.example\n"
    "                                       example.net\n"
    "\n"
    "Carte Ethernet Local Area Connection 3 :\n"
    "\n"
    "   Suffixe DNS propre \xc3\xa0 la connexion. . . : corp.example\n"
    "   Description. . . . . . . . . . . . . . : Microsoft Virtual Network Switch Adapter\n"
    "   Adresse physique . . . . . . . . . . . : 00-15-5D-01-07-DC\n"
    "   DHCP activ\xc3\xa9. . . . . . . . . . . . . . : Non\n"
    "   Configuration automatique activ\xc3\xa9" "e. . . : Oui\n"
    "   Adresse IPv6 de liaison locale. . . . .: fe80::8d4f:2fd1:5a3c:1b2e%13(pr\xc3\xa9" "f\xc3\xa9r\xc3\xa9)\n"
    "   Adresse IPv4. . . . . . . . . . . . . .: 10.0.0.21(pr\xc3\xa9" "f\xc3\xa9r\xc3\xa9)\n"
    "   Masque de sous-r\xc3\xa9seau. . . . . . . . . : 255.255.255.0\n"
    "   Adresse IPv4. . . . . . . . . . . . . .: 10.0.1.21(pr\xc3\xa9" "f\xc3\xa9r\xc3\xa9)\n"
    "   Masque de sous-r\xc3\xa9seau. . . . . . . . . : 255.255.0.0\n"
    "   Adresse IPv4. . . . . . . . . . . . . .: 192.168.5.5(Dupliquer)\n"
    "   Masque de sous-r\xc3\xa9seau. . . . . . . . . : 255.255.255.128\n"
    "   Passerelle par d\xc3\xa9" "faut. . . . . . . . . : fe80::1%13\n"
    "                                       10.0.0.1\n"
    "   IAID DHCPv6 . . . . . . . . . . . : 301995357\n"
    "   Serveurs DNS. . .  . . . . . . . . . . : 10.0.0.2\n"
    "                                          10.0.0.3\n"
    "                                          fec0:0:0:ffff::1%1\n"
    "   NetBIOS sur Tcpip. . . . . . . . . . . : Activ\xc3\xa9\n"
    "\n"
    "Carte Ethernet Local Area Connection :\n"
    "\n"
    "   Suffixe DNS propre \xc3\xa0 la connexion. . . :\n"
    "   Description. . . . . . . . . . . . . . : Broadcom BCM5709C NetXtreme II GigE (NDIS VBD "
    "Client) #2\n"
    "   Adresse physique . . . . . . . . . . . : 00-10-18-AA-BB-CC\n"
    "   DHCP activ\xc3\xa9. . . . . . . . . . . . . . : Oui\n"
    "   Configuration automatique activ\xc3\xa9" "e. . . : Oui\n"
    "\n"
    "Carte Tunnel isatap.{0B6C8E2A-5D34-4F1C-9E36-6F0B1C2D3E4F} :\n"
    "\n"
    "   Statut du m\xc3\xa9" "dia. . . . . . . . . . . . : M\xc3\xa9" "dia d\xc3\xa9" "connect\xc3\xa9\n"
    "   Suffixe DNS propre \xc3\xa0 la connexion. . . :\n"
    "   Description. . . . . . . . . . . . . . : Microsoft ISATAP Adapter\n"
    "   Adresse physique . . . . . . . . . . . : 00-00-00-00-00-00-00-E0\n"
    "   DHCP activ\xc3\xa9. . . . . . . . . . . . . . : Non\n"
    "   Configuration automatique activ\xc3\xa9" "e. . . : Oui\n"
    "\n";

/* `text` in code page `cp` through iconv(3) directly (not smig's encoder), CRLF line ends. */
static char *to_oem(const char *text, const char *cp, size_t *outlen)
{
	size_t n = strlen(text), i, o = 0, il, ol;
	char *crlf = malloc(2 * n + 1), *out = malloc(2 * n + 1), *ip, *op;
	iconv_t cd = iconv_open(cp, "UTF-8");

	assert_non_null(crlf);
	assert_non_null(out);
	assert_true(cd != (iconv_t)-1);
	for (i = 0; i < n; i++) {
		if (text[i] == '\n')
			crlf[o++] = '\r';
		crlf[o++] = text[i];
	}
	ip = crlf;
	il = o;
	op = out;
	ol = 2 * n + 1;
	assert_true(iconv(cd, &ip, &il, &op, &ol) != (size_t)-1);
	iconv_close(cd);
	*outlen = (size_t)(op - out);
	free(crlf);
	return out;
}

static char *mac_text(const struct smig_ipc_adapter *a)
{
	static char buf[18];

	assert_true(a->has_mac);
	smig_mac_format(&a->mac, buf);
	return buf;
}

static void check_hyperv_host(const struct smig_ipconfig *c)
{
	const struct smig_ipc_adapter *a;

	assert_string_equal(c->host_name, "HV01");
	assert_string_equal(c->primary_dns_suffix, "corp.example");
	assert_int_equal(c->nadapters, 3);
	assert_int_equal(c->nunparsed, 0);

	a = smig_ipconfig_find(c, "LOCAL AREA CONNECTION 3");
	assert_ptr_equal(a, &c->adapters[0]);
	assert_string_equal(a->kind, "Ethernet");
	assert_string_equal(a->name, "Local Area Connection 3");
	assert_string_equal(a->description, "Microsoft Virtual Network Switch Adapter");
	assert_string_equal(mac_text(a), "00-15-5D-01-07-DC");
	assert_true(a->has_dhcp);
	assert_false(a->dhcp);
	assert_false(a->media_disconnected);
	assert_string_equal(a->dns_suffix, "corp.example");
	assert_int_equal(a->nipv4, 3);
	assert_string_equal(a->ipv4[0].addr, "10.0.0.21");
	assert_string_equal(a->ipv4[0].mask, "255.255.255.0");
	assert_string_equal(a->ipv4[1].addr, "10.0.1.21");
	assert_string_equal(a->ipv4[1].mask, "255.255.0.0");
	assert_string_equal(a->ipv4[2].addr, "192.168.5.5");
	assert_string_equal(a->ipv4[2].mask, "255.255.255.128");
	assert_int_equal(a->ngateways, 2);
	assert_string_equal(a->gateways[0], "fe80::1%13");
	assert_string_equal(a->gateways[1], "10.0.0.1");
	assert_int_equal(a->ndns, 3);
	assert_string_equal(a->dns[0], "10.0.0.2");
	assert_string_equal(a->dns[1], "10.0.0.3");
	assert_string_equal(a->dns[2], "fec0:0:0:ffff::1%1");

	a = smig_ipconfig_find(c, "Local Area Connection");
	assert_ptr_equal(a, &c->adapters[1]);
	assert_string_equal(a->description,
	                    "Broadcom BCM5709C NetXtreme II GigE (NDIS VBD Client) #2");
	assert_string_equal(mac_text(a), "00-10-18-AA-BB-CC");
	assert_true(a->dhcp);
	assert_int_equal(a->nipv4, 0);
	assert_int_equal(a->ngateways, 0);
	assert_int_equal(a->ndns, 0);
	assert_null(a->dns_suffix);

	a = &c->adapters[2];
	assert_string_equal(a->kind, "Tunnel");
	assert_string_equal(a->name, "isatap.{0B6C8E2A-5D34-4F1C-9E36-6F0B1C2D3E4F}");
	assert_false(a->has_mac); /* 8 bytes: not a MAC */
	assert_true(a->media_disconnected);
	assert_null(smig_ipconfig_find(c, "Local Area Connection 2"));
}

static void synthetic_hyperv_host(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_ipconfig *c = NULL;

	(void)state;
	assert_int_equal(smig_ipconfig_parse(HYPERV_HOST, strlen(HYPERV_HOST), &c, &e), 0);
	check_hyperv_host(c);
	smig_ipconfig_free(c);
}

/* The same text as cmd.exe (CRLF) and PowerShell (UTF-16LE with BOM) write it. */
static void encodings(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_ipconfig *c = NULL;
	size_t n = strlen(HYPERV_HOST), i, o = 0, u16len = 0;
	char *crlf = malloc(2 * n + 4), *dir = tu_mkdtemp(), *path;
	unsigned char *u16 = NULL, *withbom;

	(void)state;
	assert_non_null(crlf);
	for (i = 0; i < n; i++) {
		if (HYPERV_HOST[i] == '\n')
			crlf[o++] = '\r';
		crlf[o++] = HYPERV_HOST[i];
	}
	assert_int_equal(smig_ipconfig_parse(crlf, o, &c, &e), 0);
	check_hyperv_host(c);
	smig_ipconfig_free(c);

	assert_int_equal(smig_utf8_to_utf16le(crlf, o, false, &u16, &u16len, &e), 0);
	withbom = malloc(u16len + 2);
	assert_non_null(withbom);
	withbom[0] = 0xFF;
	withbom[1] = 0xFE;
	memcpy(withbom + 2, u16, u16len);
	path = tu_fmt("%s/IPSettings.txt", dir);
	tu_write(path, withbom, u16len + 2);
	assert_int_equal(smig_ipconfig_load(path, &c, &e), 0);
	check_hyperv_host(c);
	smig_ipconfig_free(c);

	/* the rejecting twin: UTF-16 without its BOM is not text smig can read */
	tu_write(path, u16, u16len);
	assert_int_equal(smig_ipconfig_load(path, &c, &e), -1);
	assert_null(c);
	assert_int_equal(e.kind, SMIG_ERR_FORMAT);
	assert_non_null(strstr(e.msg, path));
	smig_err_clear(&e);
	tu_write(path, "\xEF\xBB\xBF", 3); /* a UTF-8 BOM and nothing else */
	assert_int_equal(smig_ipconfig_load(path, &c, &e), -1);
	assert_non_null(strstr(e.msg, "Windows IP Configuration"));

	free(path);
	free(withbom);
	free(u16);
	free(crlf);
	tu_rmtree(dir);
	free(dir);
}

static void real_windows2008(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_ipconfig *c = NULL;
	const struct smig_ipc_adapter *a;
	char *path = tu_shared("ipconfig-all-jc-windows2008.txt");

	(void)state;
	if (path == NULL)
		skip();
	if (smig_ipconfig_load(path, &c, &e) != 0)
		fail_msg("%s", e.msg);
	assert_string_equal(c->host_name, "WIN-SERVER8");
	assert_null(c->primary_dns_suffix);
	assert_int_equal(c->nadapters, 2);
	assert_int_equal(c->nunparsed, 0);
	a = smig_ipconfig_find(c, "Local Area Connection");
	assert_non_null(a);
	assert_string_equal(a->kind, "Ethernet");
	assert_string_equal(a->description, "Intel(R) PRO/1000 MT Network Connection");
	assert_string_equal(mac_text(a), "00-0C-29-76-C8-D0");
	assert_true(a->has_dhcp);
	assert_false(a->dhcp);
	assert_int_equal(a->nipv4, 1);
	assert_string_equal(a->ipv4[0].addr, "192.168.23.154");
	assert_string_equal(a->ipv4[0].mask, "255.255.255.0");
	assert_int_equal(a->ngateways, 1);
	assert_string_equal(a->gateways[0], "192.168.23.1");
	assert_int_equal(a->ndns, 1);
	assert_string_equal(a->dns[0], "192.168.23.151");
	assert_null(a->dns_suffix);
	a = &c->adapters[1];
	assert_string_equal(a->kind, "Tunnel");
	assert_string_equal(a->name, "isatap.{F856FDB3-CE70-489D-A231-704790DC1351}");
	assert_false(a->has_mac);
	assert_true(a->media_disconnected);
	assert_string_equal(a->description, "Microsoft ISATAP Adapter");
	smig_ipconfig_free(c);
	free(path);
}

static void real_windows7(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_ipconfig *c = NULL;
	const struct smig_ipc_adapter *a;
	char *path = tu_shared("ipconfig-all-jc-windows7.txt");

	(void)state;
	if (path == NULL)
		skip();
	assert_int_equal(smig_ipconfig_load(path, &c, &e), 0);
	assert_string_equal(c->host_name, "DESKTOP-WIN7");
	assert_string_equal(c->primary_dns_suffix, "somecompany.corp");
	assert_int_equal(c->nadapters, 2);
	assert_int_equal(c->nunparsed, 0);
	a = &c->adapters[0];
	assert_string_equal(mac_text(a), "00-0C-29-37-3B-4E");
	assert_true(a->dhcp);
	assert_string_equal(a->ipv4[0].addr, "192.168.22.33");
	assert_string_equal(a->gateways[0], "192.168.22.1");
	assert_string_equal(a->dns[0], "192.168.22.151");
	smig_ipconfig_free(c);
	free(path);
}

/* The French host gives the English host's facts, from UTF-8, OEM 850, and UTF-16LE. */
static void french_host(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_ipconfig *c = NULL;
	char *dir = tu_mkdtemp(), *path = tu_fmt("%s/IPSettings.txt", dir), *oem;
	size_t n;
	unsigned char *u16 = NULL, *withbom;

	(void)state;
	if (smig_ipconfig_parse(FRENCH_HOST, strlen(FRENCH_HOST), &c, &e) != 0)
		fail_msg("%s", e.msg);
	check_hyperv_host(c);
	assert_string_equal(c->lang->code, "fr");
	assert_null(c->encoding);
	smig_ipconfig_free(c);

	/* as cmd.exe redirects it on a French host: OEM code page 850, CRLF */
	oem = to_oem(FRENCH_HOST, "CP850", &n);
	assert_non_null(memchr(oem, 0x82, n)); /* é is one byte */
	tu_write(path, oem, n);
	if (smig_ipconfig_load(path, &c, &e) != 0)
		fail_msg("%s", e.msg);
	check_hyperv_host(c);
	assert_string_equal(c->lang->name, "French");
	assert_string_equal(c->encoding, "OEM code page 850");
	smig_ipconfig_free(c);
	free(oem);

	/* as PowerShell redirects it: UTF-16LE with a BOM */
	assert_int_equal(smig_utf8_to_utf16le(FRENCH_HOST, strlen(FRENCH_HOST), false, &u16, &n,
	                                      &e),
	                 0);
	withbom = malloc(n + 2);
	assert_non_null(withbom);
	withbom[0] = 0xFF;
	withbom[1] = 0xFE;
	memcpy(withbom + 2, u16, n);
	tu_write(path, withbom, n + 2);
	if (smig_ipconfig_load(path, &c, &e) != 0)
		fail_msg("%s", e.msg);
	check_hyperv_host(c);
	assert_string_equal(c->encoding, "UTF-16LE");
	smig_ipconfig_free(c);

	/* the English host: ASCII, and in OEM 437 with a byte above 0x7F in a description */
	tu_write(path, HYPERV_HOST, strlen(HYPERV_HOST));
	assert_int_equal(smig_ipconfig_load(path, &c, &e), 0);
	assert_string_equal(c->lang->code, "en");
	assert_string_equal(c->encoding, "ASCII");
	smig_ipconfig_free(c);
	{
		char *t = tu_fmt("%s", HYPERV_HOST), *d = strstr(t, "Broadcom");

		memcpy(d, "Broadc\xc3\xb6", 9); /* "Broadcö" + a shorter tail */
		oem = to_oem(t, "CP437", &n);
		tu_write(path, oem, n);
		if (smig_ipconfig_load(path, &c, &e) != 0)
			fail_msg("%s", e.msg);
		assert_string_equal(c->lang->code, "en");
		assert_string_equal(c->encoding, "OEM code page 437");
		assert_non_null(strstr(c->adapters[1].description, "Broadc\xc3\xb6"));
		smig_ipconfig_free(c);
		free(oem);
		free(t);
	}
	free(withbom);
	free(u16);
	free(path);
	tu_rmtree(dir);
	free(dir);
}

/*
 * Forms seen in real French outputs (formats.md A3): XP's eight-space indent and "Adresse
 * IP", ".:" right after the label, a wireless section header, French connection names, the
 * address state after a space, "(Préféré)" capitalised, lease dates in French.
 */
static void french_real_forms(void **state)
{
	static const char text[] =
	    "Configuration IP de Windows\n"
	    "\n"
	    "        Nom de l\xe2\x80\x99h\xc3\xb4te . . . . . . . . . . : PC-FR\n"
	    "\n"
	    "Carte Ethernet Connexion au r\xc3\xa9seau local:\n"
	    "\n"
	    "        Description . . . . . . . . . . . : NVIDIA nForce Networking Controller\n"
	    "        Adresse physique . . . . . . . . .: 00-13-D3-CF-0A-55\n"
	    "        DHCP activ\xc3\xa9. . . . . . . . . . . : Oui\n"
	    "        Adresse IP. . . . . . . . . . . . : 192.168.2.10\n"
	    "        Masque de sous-r\xc3\xa9seau . . . . . . : 255.255.255.0\n"
	    "\n"
	    "Carte r\xc3\xa9seau sans fil Connexion r\xc3\xa9seau sans fil :\n"
	    "\n"
	    "   Adresse physique . . . . . . . . . . . : 80-19-34-04-BA-B9\n"
	    "   Adresse IPv4. . . . . . . . . . . . . . : 172.31.19.119 (Pr\xc3\xa9" "f\xc3\xa9r\xc3\xa9)\n"
	    "   Masque de sous-r\xc3\xa9seau. . . . . . . . . : 255.255.240.0\n"
	    "   Bail obtenu. . . . . . . . . . . . . . : jeudi 16 janvier 2020 13:24:41\n"
	    "   Bail expirant. . . . . . . . . . . . . : jeudi 16 janvier 2020 16:07:34\n"
	    "   Passerelle par d\xc3\xa9" "faut. . . . . . . . . : 10.33.3.253\n";
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_ipconfig *c = NULL;
	const struct smig_ipc_adapter *a;

	(void)state;
	if (smig_ipconfig_parse(text, strlen(text), &c, &e) != 0)
		fail_msg("%s", e.msg);
	assert_int_equal(c->nunparsed, 0);
	assert_string_equal(c->host_name, "PC-FR");
	a = smig_ipconfig_find(c, "Connexion au r\xc3\xa9seau local");
	assert_non_null(a);
	assert_string_equal(a->kind, "Ethernet");
	assert_string_equal(mac_text(a), "00-13-D3-CF-0A-55");
	assert_true(a->dhcp);
	assert_int_equal(a->nipv4, 1);
	assert_string_equal(a->ipv4[0].addr, "192.168.2.10");
	assert_string_equal(a->ipv4[0].mask, "255.255.255.0");
	a = smig_ipconfig_find(c, "Connexion r\xc3\xa9seau sans fil");
	assert_non_null(a);
	assert_string_equal(a->kind, "Wireless LAN");
	assert_string_equal(a->ipv4[0].addr, "172.31.19.119");
	assert_string_equal(a->ipv4[0].mask, "255.255.240.0");
	assert_int_equal(a->ngateways, 1);
	smig_ipconfig_free(c);
}

/* German output: refused, naming the file and the first line smig does not understand. */
static void unknown_language(void **state)
{
	static const char german[] = "\r\nWindows-IP-Konfiguration\r\n\r\n"
	                             "   Hostname  . . . . . . . . . . . . : HV01\r\n";
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_ipconfig *c = NULL;
	char *dir = tu_mkdtemp(), *path = tu_fmt("%s/IPSettings.txt", dir), *oem;
	size_t n;

	(void)state;
	oem = to_oem(german, "CP850", &n);
	tu_write(path, oem, n);
	assert_int_equal(smig_ipconfig_load(path, &c, &e), -1);
	assert_null(c);
	assert_int_equal(e.kind, SMIG_ERR_FORMAT);
	assert_non_null(strstr(e.msg, path));
	assert_non_null(strstr(e.msg, "'Windows-IP-Konfiguration'"));
	assert_non_null(strstr(e.msg, "English, French"));
	assert_null(strchr(e.msg, '\n'));
	free(oem);
	free(path);
	tu_rmtree(dir);
	free(dir);
}

/* Console-wrapped and damaged lines are reported, the rest is still read. */
static void junk_is_reported(void **state)
{
	static const char text[] =
	    "\n"
	    "Windows IP Configuration\n"
	    "\n"
	    "   Host Name . . . . . . . . . . . . : WRAPPED\n"
	    "\n"
	    "Ethernet adapter Local Area Connection:\n"
	    "\n"
	    "   Description . . . . . . . . . . . : Intel(R) PRO/1000 MT Network Connecti\n"
	    "on\n"
	    "   Physical Address. . . . . . . . . : 00-0C-29-76-C8-ZZ\n"
	    "   DHCP Enabled. . . . . . . . . . . : Maybe\n"
	    "   IPv4 Address. . . . . . . . . . . : 192.168.23.300(Preferred)\n"
	    "   IPv4 Address. . . . . . . . . . . : 192.168.23.154(Preferred)\n"
	    "   Subnet Mask . . . . . . . . . . . : 255.255.255.0\n"
	    "   Subnet Mask . . . . . . . . . . . : 255.255.0.0\n"
	    "                                       10.9.9.9\n"
	    "   DNS Servers . . . . . . . . . . . : 192.168.23.151\n"
	    "                                  192.168.23.152\n"
	    "      stray text\n";
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_ipconfig *c = NULL;
	const struct smig_ipc_adapter *a;

	(void)state;
	assert_int_equal(smig_ipconfig_parse(text, strlen(text), &c, &e), 0);
	assert_string_equal(c->host_name, "WRAPPED");
	a = smig_ipconfig_find(c, "Local Area Connection");
	assert_non_null(a);
	assert_false(a->has_mac);
	assert_false(a->has_dhcp);
	assert_int_equal(a->nipv4, 1);
	assert_string_equal(a->ipv4[0].mask, "255.255.255.0");
	assert_int_equal(a->ndns, 1);
	assert_int_equal(c->nunparsed, 8);
	assert_string_equal(c->unparsed[0], "line 9: on");
	assert_string_equal(c->unparsed[1], "line 10:    Physical Address. . . . . . . . . : "
	                                    "00-0C-29-76-C8-ZZ");
	assert_non_null(strstr(c->unparsed[2], "Maybe"));
	assert_non_null(strstr(c->unparsed[3], "192.168.23.300"));
	assert_non_null(strstr(c->unparsed[4], "255.255.0.0"));    /* a second mask */
	assert_non_null(strstr(c->unparsed[5], "10.9.9.9"));       /* continuing a mask */
	assert_non_null(strstr(c->unparsed[6], "192.168.23.152")); /* misaligned */
	assert_string_equal(c->unparsed[7], "line 19:       stray text");
	smig_ipconfig_free(c);
}

static void expect_reject(const char *text, size_t len, const char *needle)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_ipconfig *c = NULL;

	assert_int_equal(smig_ipconfig_parse(text, len, &c, &e), -1);
	assert_null(c);
	assert_int_equal(e.kind, SMIG_ERR_FORMAT);
	if (strstr(e.msg, needle) == NULL)
		fail_msg("message '%s' lacks '%s'", e.msg, needle);
}

static void rejects_other_text(void **state)
{
	static const char spanish[] = "\nConfiguraci\xc3\xb3n IP de Windows\n\n"
	                              "   Nombre de host. . . . . . . . . . : PC01\n";
	static const char garbage[] = "\x7f"
	                              "ELF\x02\x01\x01\0\0\0";
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_ipconfig *c = NULL;
	char *path = tu_shared("systeminfo-jc-windows7.txt");

	(void)state;
	expect_reject(spanish, strlen(spanish), "the first line, 'Configuraci\xc3\xb3n IP de Windows'");
	expect_reject("", 0, "not ipconfig /all output");
	expect_reject(garbage, sizeof(garbage) - 1, "NUL");
	/* the marker must be a line of its own */
	expect_reject(" Windows IP Configuration is below\n", 35, "Windows IP Configuration");
	/* truncated before the marker */
	expect_reject(HYPERV_HOST, 10, "Windows IP Configuration");
	if (path != NULL) {
		assert_int_equal(smig_ipconfig_load(path, &c, &e), -1);
		assert_non_null(strstr(e.msg, "systeminfo-jc-windows7.txt"));
		free(path);
	}
	smig_err_clear(&e);
	assert_int_equal(smig_ipconfig_load("/nonexistent/IPSettings.txt", &c, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_IO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(synthetic_hyperv_host), cmocka_unit_test(encodings),
	    cmocka_unit_test(real_windows2008),      cmocka_unit_test(real_windows7),
	    cmocka_unit_test(junk_is_reported),      cmocka_unit_test(rejects_other_text),
	    cmocka_unit_test(french_host),           cmocka_unit_test(french_real_forms),
	    cmocka_unit_test(unknown_language),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
