/* test_sysinfo.c - `systeminfo` text (formats.md §9.2). */
#include "testutil.h"

#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "sysinfo.h"

/*
 * A 2008 R2 Hyper-V host as §9.2 describes the layout (two sockets, a thousands separator,
 * a truncated hotfix list, a ghost NIC, the host vNIC with several addresses), plus the
 * 2012-family "Hyper-V Requirements" block on several lines. Values at column 27.
 */
static const char HOST[] =
    "\n"
    "Host Name:                 HV01\n"
    "OS Name:                   Microsoft Windows Server 2008 R2 Enterprise \n"
    "OS Version:                6.1.7601 Service Pack 1 Build 7601\n"
    "OS Manufacturer:           Microsoft Corporation\n"
    "OS Configuration:          Member Server\n"
    "Registered Organization:   \n"
    "System Type:               x64-based PC\n"
    "Processor(s):              2 Processor(s) Installed.\n"
    "                           [01]: Intel64 Family 6 Model 44 Stepping 2 GenuineIntel ~2400 Mhz\n"
    "                           [02]: Intel64 Family 6 Model 44 Stepping 2 GenuineIntel ~2400 Mhz\n"
    "System Locale:             en-us;English (United States)\n"
    "Input Locale:              en-us;English (United States)\n"
    "Time Zone:                 (UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna\n"
    "Total Physical Memory:     98,141 MB\n"
    "Available Physical Memory: 91,002 MB\n"
    "Virtual Memory: Max Size:  196,280 MB\n"
    "Domain:                    corp.example\n"
    "Hotfix(s):                 3 Hotfix(s) Installed.\n"
    "                           [01]: KB976902\n"
    "                           [02]\n"
    "Network Card(s):           3 NIC(s) Installed.\n"
    "                           [01]: Broadcom BCM5709C NetXtreme II GigE (NDIS VBD Client)\n"
    "                                 Connection Name: Local Area Connection\n"
    "                                 DHCP Enabled:    No\n"
    "                                 IP address(es)\n"
    "                           [02]: Microsoft Virtual Network Switch Adapter\n"
    "                                 Connection Name: Local Area Connection 3\n"
    "                                 DHCP Enabled:    No\n"
    "                                 IP address(es)\n"
    "                                 [01]: 10.0.0.21\n"
    "                                 [02]: 10.0.1.21\n"
    "                                 [03]: fe80::8d4f:2fd1:5a3c:1b2e\n"
    "                           [03]: Intel(R) PRO/1000 MT Network Connection\n"
    "                                 Connection Name: Local Area Connection 2\n"
    "                                 Status:          Hardware not present\n"
    "Hyper-V Requirements:      VM Monitor Mode Extensions: Yes\n"
    "                           Virtualization Enabled In Firmware: Yes\n"
    "                           Second Level Address Translation: Yes\n"
    "                           Data Execution Prevention Available: Yes\n";

/*
 * The same host on a French Windows (formats.md A3): values at column 44 and NIC details at
 * 50, as real French outputs have them; "Nom de la connexion :" with the space French puts
 * before a colon; "[01] : " processor items; a label holding a colon ("Mémoire virtuelle :
 * taille maximale"); sizes in "Mo" grouped with a no-break space (U+00A0). Values that are
 * Windows' own words are French; host data (names, locale, time zone) stay as in HOST. The
 * Hyper-V requirement lines are free text smig only joins (their French wording is not
 * verified).
 */
static const char FRENCH_HOST[] =
    "\n"
    "Nom de l'h\xc3\xb4te:                              HV01\n"
    "Nom du syst\xc3\xa8me d'exploitation:              Microsoft Windows Server 2008 R2 Enterprise \n"
    "Version du syst\xc3\xa8me:                         6.1.7601 Service Pack 1 version 7601\n"
    "Fabricant du syst\xc3\xa8me d'exploitation:        Microsoft Corporation\n"
    "Configuration du syst\xc3\xa8me d'exploitation:    Serveur membre\n"
    "Organisation enregistr\xc3\xa9" "e:                   \n"
    "Type du syst\xc3\xa8me:                            x64-based PC\n"
    "Processeur(s):                              2 processeur(s) install\xc3\xa9(s).\n"
    "                                            [01] : Intel64 Family 6 Model 44 Stepping 2 GenuineIntel ~2400 Mhz\n"
    "                                            [02] : Intel64 Family 6 Model 44 Stepping 2 GenuineIntel ~2400 Mhz\n"
    "Option r\xc3\xa9gionale du syst\xc3\xa8me:                en-us;English (United States)\n"
    "Param\xc3\xa8tres r\xc3\xa9gionaux d'entr\xc3\xa9" "e:              en-us;English (United States)\n"
    "Fuseau horaire:                             (UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna\n"
    "M\xc3\xa9moire physique totale:                    98\xc2\xa0" "141 Mo\n"
    "M\xc3\xa9moire physique disponible:                91\xc2\xa0" "002 Mo\n"
    "M\xc3\xa9moire virtuelle : taille maximale:        196\xc2\xa0" "280 Mo\n"
    "Domaine:                                    corp.example\n"
    "Correctif(s):                               3 Corrections install\xc3\xa9" "es.\n"
    "                                            [01]: KB976902\n"
    "                                            [02]\n"
    "Carte(s) r\xc3\xa9seau:                            3 carte(s) r\xc3\xa9seau install\xc3\xa9" "e(s).\n"
    "                                            [01]: Broadcom BCM5709C NetXtreme II GigE (NDIS VBD Client)\n"
    "                                                  Nom de la connexion : Local Area Connection\n"
    "                                                  DHCP activ\xc3\xa9 :         Non\n"
    "                                                  Adresse(s) IP\n"
    "                                            [02]: Microsoft Virtual Network Switch Adapter\n"
    "                                                  Nom de la connexion : Local Area Connection 3\n"
    "                                                  DHCP activ\xc3\xa9 :         Non\n"
    "                                                  Adresse(s) IP\n"
    "                                                  [01]: 10.0.0.21\n"
    "                                                  [02]: 10.0.1.21\n"
    "                                                  [03]: fe80::8d4f:2fd1:5a3c:1b2e\n"
    "                                            [03]: Intel(R) PRO/1000 MT Network Connection\n"
    "                                                  Nom de la connexion : Local Area Connection 2\n"
    "                                                  \xc3\x89tat :                Mat\xc3\xa9riel non pr\xc3\xa9sent\n"
    "Configuration requise pour Hyper-V:         Extensions du mode Moniteur de VM : Oui\n"
    "                                            Virtualisation activ\xc3\xa9" "e dans le microprogramme : Oui\n"
    "                                            Traduction d'adresse de second niveau : Oui\n"
    "                                            Pr\xc3\xa9vention de l'ex\xc3\xa9" "cution des donn\xc3\xa9" "es disponible : Oui\n"
;

static void check_host(const struct smig_sysinfo *s, bool french)
{
	assert_string_equal(s->host_name, "HV01");
	assert_string_equal(s->os_name, "Microsoft Windows Server 2008 R2 Enterprise");
	assert_string_equal(s->os_configuration, french ? "Serveur membre" : "Member Server");
	assert_int_equal(s->nprocessors, 2);
	assert_string_equal(s->processors[1],
	                    "Intel64 Family 6 Model 44 Stepping 2 GenuineIntel ~2400 Mhz");
	assert_true(s->has_memory);
	assert_int_equal(s->total_memory_mb, 98141);
	assert_string_equal(s->time_zone,
	                    "(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna");
	assert_string_equal(s->domain, "corp.example");
	assert_int_equal(s->nnics, 2); /* the ghost is dropped */
	assert_string_equal(s->nics[0].connection_name, "Local Area Connection");
	assert_int_equal(s->nics[0].nips, 0);
	assert_string_equal(s->nics[1].description, "Microsoft Virtual Network Switch Adapter");
	assert_string_equal(s->nics[1].connection_name, "Local Area Connection 3");
	assert_false(s->nics[1].dhcp);
	assert_null(s->nics[1].status);
	assert_int_equal(s->nics[1].nips, 3);
	assert_string_equal(s->nics[1].ips[0], "10.0.0.21");
	assert_string_equal(s->nics[1].ips[2], "fe80::8d4f:2fd1:5a3c:1b2e");
	assert_true(s->hyperv_requirements_present);
	if (french)
		assert_non_null(strstr(s->hyperv_requirements, "Oui; Virtualisation"));
	else
		assert_string_equal(s->hyperv_requirements,
		                    "VM Monitor Mode Extensions: Yes; Virtualization Enabled In "
		                    "Firmware: Yes; Second Level Address Translation: Yes; Data "
		                    "Execution Prevention Available: Yes");
}

static void synthetic_host(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_sysinfo *s = NULL;

	(void)state;
	if (smig_sysinfo_parse(HOST, strlen(HOST), &s, &e) != 0)
		fail_msg("%s", e.msg);
	check_host(s, false);
	assert_string_equal(s->lang->code, "en");
	smig_sysinfo_free(s);
}

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

/* The French host gives the English host's facts, from UTF-8 and from OEM code page 850. */
static void french_host(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_sysinfo *s = NULL;
	char *dir = tu_mkdtemp(), *path = tu_fmt("%s/systeminfo.txt", dir), *oem, *t, *nb;
	const char *at;
	size_t n;

	(void)state;
	if (smig_sysinfo_parse(FRENCH_HOST, strlen(FRENCH_HOST), &s, &e) != 0)
		fail_msg("%s", e.msg);
	check_host(s, true);
	assert_string_equal(s->lang->code, "fr");
	smig_sysinfo_free(s);

	oem = to_oem(FRENCH_HOST, "CP850", &n);
	assert_non_null(memchr(oem, 0xFF, n)); /* the no-break space is one byte, 0xFF */
	tu_write(path, oem, n);
	if (smig_sysinfo_load(path, &s, &e) != 0)
		fail_msg("%s", e.msg);
	check_host(s, true);
	assert_string_equal(s->encoding, "OEM code page 850");
	smig_sysinfo_free(s);
	free(oem);

	/* U+202F (Windows 10's grouping space) and a plain space group the digits as well */
	t = tu_fmt("%s", FRENCH_HOST);
	nb = strstr(t, "98\xc2\xa0" "141 Mo");
	assert_non_null(nb);
	memmove(nb + 3, nb + 4, strlen(nb + 4) + 1);
	nb[2] = ' ';
	if (smig_sysinfo_parse(t, strlen(t), &s, &e) != 0)
		fail_msg("%s", e.msg);
	assert_int_equal(s->total_memory_mb, 98141);
	smig_sysinfo_free(s);
	free(t);
	t = tu_fmt("%s", FRENCH_HOST);
	t = realloc(t, strlen(t) + 2); /* U+202F is one byte longer than the NBSP it replaces */
	assert_non_null(t);
	nb = strstr(t, "98\xc2\xa0" "141 Mo");
	memmove(nb + 5, nb + 4, strlen(nb + 4) + 1);
	memcpy(nb + 2, "\xe2\x80\xaf", 3);
	if (smig_sysinfo_parse(t, strlen(t), &s, &e) != 0)
		fail_msg("%s", e.msg);
	assert_int_equal(s->total_memory_mb, 98141);
	smig_sysinfo_free(s);
	free(t);

	/* a decimal comma: systeminfo writes whole MB, the fraction is dropped, not grouped */
	at = strstr(FRENCH_HOST, "98\xc2\xa0" "141 Mo");
	t = tu_fmt("%.*s1\xc2\xa0" "024,5 Mo%s", (int)(at - FRENCH_HOST), FRENCH_HOST, at + 10);
	if (smig_sysinfo_parse(t, strlen(t), &s, &e) != 0)
		fail_msg("%s", e.msg);
	assert_int_equal(s->total_memory_mb, 1024);
	smig_sysinfo_free(s);
	free(t);
	free(path);
	tu_rmtree(dir);
	free(dir);
}

/* German output: refused, naming the file and its first label. */
static void unknown_language(void **state)
{
	static const char german[] =
	    "\nHostname:                                  HV01\n"
	    "Betriebssystemname:                        Microsoft Windows Server 2008 R2 "
	    "Enterprise\n";
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_sysinfo *s = NULL;
	char *dir = tu_mkdtemp(), *path = tu_fmt("%s/systeminfo.txt", dir);

	(void)state;
	tu_write(path, german, strlen(german));
	assert_int_equal(smig_sysinfo_load(path, &s, &e), -1);
	assert_null(s);
	assert_int_equal(e.kind, SMIG_ERR_FORMAT);
	assert_non_null(strstr(e.msg, path));
	assert_non_null(strstr(e.msg, "the first label, 'Hostname'"));
	free(path);
	tu_rmtree(dir);
	free(dir);
}

static void real_windows7(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_sysinfo *s = NULL;
	char *path = tu_shared("systeminfo-jc-windows7.txt");

	(void)state;
	if (path == NULL)
		skip();
	if (smig_sysinfo_load(path, &s, &e) != 0)
		fail_msg("%s", e.msg);
	assert_string_equal(s->host_name, "TEST");
	assert_string_equal(s->os_name, "Microsoft Windows 7 Professional"); /* trailing space */
	assert_string_equal(s->os_version, "6.1.7601 Service Pack 1 Build 7601");
	assert_string_equal(s->os_configuration, "Standalone Workstation");
	assert_string_equal(s->system_type, "x64-based PC");
	assert_int_equal(s->nprocessors, 1);
	assert_string_equal(s->processors[0],
	                    "Intel64 Family 6 Model 42 Stepping 7 GenuineIntel ~2501 Mhz");
	assert_true(s->has_memory);
	assert_int_equal(s->total_memory_mb, 8075);
	assert_string_equal(s->system_locale, "en-us;English (United States)");
	assert_string_equal(s->input_locale, "en-us;English (United States)");
	assert_string_equal(s->time_zone, "(UTC-06:00) Central Time (US & Canada)");
	assert_string_equal(s->domain, "WORKGROUP");
	/* after the truncated hotfix list: 5 NICs, 2 of them "Hardware not present" */
	assert_int_equal(s->nnics, 3);
	assert_string_equal(s->nics[0].description, "Bluetooth Device (Personal Area Network)");
	assert_string_equal(s->nics[0].status, "Media disconnected");
	assert_string_equal(s->nics[1].connection_name, "Local Area Connection");
	assert_string_equal(s->nics[2].description, "Intel(R) Centrino(R) Advanced-N 6205");
	assert_string_equal(s->nics[2].connection_name, "Wireless Network Connection");
	assert_true(s->nics[2].dhcp);
	assert_int_equal(s->nics[2].nips, 1);
	assert_string_equal(s->nics[2].ips[0], "192.168.2.2");
	assert_false(s->hyperv_requirements_present);
	assert_null(s->hyperv_requirements);
	smig_sysinfo_free(s);
	free(path);
}

static void real_windows2012r2(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_sysinfo *s = NULL;
	char *path = tu_shared("systeminfo-jc-windows2012r2.txt");

	(void)state;
	if (path == NULL)
		skip();
	assert_int_equal(smig_sysinfo_load(path, &s, &e), 0);
	assert_string_equal(s->host_name, "WIN-1A1A1AA11AA");
	assert_string_equal(s->os_name, "Microsoft Windows Server 2012 R2 Standard");
	assert_string_equal(s->os_version, "6.3.9600 N/A Build 9600");
	assert_string_equal(s->os_configuration, "Standalone Server");
	assert_int_equal(s->total_memory_mb, 3555);
	assert_int_equal(s->nnics, 1);
	assert_string_equal(s->nics[0].description, "Microsoft Hyper-V Network Adapter");
	assert_string_equal(s->nics[0].connection_name, "Ethernet 2");
	assert_false(s->nics[0].dhcp);
	assert_string_equal(s->nics[0].ips[0], "172.16.32.10");
	assert_true(s->hyperv_requirements_present);
	assert_string_equal(s->hyperv_requirements,
	                    "A hypervisor has been detected. Features required for Hyper-V will "
	                    "not be displayed.");
	smig_sysinfo_free(s);
	free(path);
}

static void expect_reject(const char *text, const char *needle)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_sysinfo *s = NULL;

	assert_int_equal(smig_sysinfo_parse(text, strlen(text), &s, &e), -1);
	assert_null(s);
	assert_int_equal(e.kind, SMIG_ERR_FORMAT);
	if (strstr(e.msg, needle) == NULL)
		fail_msg("message '%s' lacks '%s'", e.msg, needle);
}

static void rejects(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_sysinfo *s = NULL;
	static const char dotted[] = "Host Name:                 T\n"
	                             "OS Name:                   W\n"
	                             "Total Physical Memory:     8.075 MB\n";
	char *path = tu_shared("ipconfig-all-jc-windows2008.txt");
	char *cut;

	(void)state;
	expect_reject("", "not systeminfo output");
	/* French labels at the English columns */
	expect_reject("\nNom de l'h\xc3\xb4te:             PC01\n"
	              "Nom du syst\xc3\xa8me d'exploitation: Microsoft Windows 7\n",
	              "the first label, 'Nom de l'h\xc3\xb4te'");
	/* labels not at the layout's columns */
	expect_reject("Host Name: TEST\nOS Name: Windows\n", "not systeminfo output");
	/* truncated after the host name */
	cut = strndup(HOST, (size_t)(strstr(HOST, "OS Name") - HOST));
	expect_reject(cut, "not systeminfo output");
	free(cut);
	expect_reject("Host Name:                 TEST\n"
	              "OS Name:                   Microsoft Windows 7 Professional\n"
	              "Total Physical Memory:     8,075 KB\n",
	              "Total Physical Memory '8,075 KB' is not a size in MB");
	expect_reject("Host Name:                 TEST\n"
	              "OS Name:                   Microsoft Windows 7 Professional\n"
	              "Total Physical Memory:     , MB\n",
	              "not a size in MB");
	expect_reject("Host Name:                 TEST\n"
	              "OS Name:                   Microsoft Windows 7 Professional\n"
	              "Total Physical Memory:     99,999,999,999,999 MB\n",
	              "not a size in MB");
	assert_int_equal(smig_sysinfo_parse("Host Name:\0", 11, &s, &e), -1);
	assert_non_null(strstr(e.msg, "NUL"));
	if (path != NULL) {
		smig_err_clear(&e);
		assert_int_equal(smig_sysinfo_load(path, &s, &e), -1);
		assert_non_null(strstr(e.msg, "ipconfig-all-jc-windows2008.txt"));
		free(path);
	}
	/* the accepting twin of the memory cases: separators of other locales */
	smig_err_clear(&e);
	if (smig_sysinfo_parse(dotted, strlen(dotted), &s, &e) != 0)
		fail_msg("%s", e.msg);
	assert_int_equal(s->total_memory_mb, 8075);
	smig_sysinfo_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(synthetic_host),
	    cmocka_unit_test(real_windows7),
	    cmocka_unit_test(real_windows2012r2),
	    cmocka_unit_test(rejects),
	    cmocka_unit_test(french_host),
	    cmocka_unit_test(unknown_language),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
