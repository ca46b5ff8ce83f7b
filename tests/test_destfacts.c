/*
 * test_destfacts.c - dest-facts.json: a good file as PowerShell 3.0 writes it, every malformed
 * or hostile twin (one-line SMIG_ERR_FORMAT naming the file and the member), the round trip
 * inventory -> facts -> inventory on both example hosts, and probe.ps1's encoding.
 */
#include "testutil.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "destfacts.h"
#include "hostopts.h"

#define LABEL "/facts/dest-facts.json"

static json_t *good(void)
{
	json_error_t jerr;
	/* the shapes PowerShell 3.0 gives: a one-element list unrolled (switches, vms[0]
	 * .network_adapters, volumes), an empty list as null (dns), GUIDs in braces and lower
	 * case, MACs in three forms */
	json_t *d = json_loads(
		"{\"format\": \"smig-dest-facts\", \"version\": 1, \"written_utc\": \"2026-12-01T10:00:00Z\","
		" \"os\": {\"computer_name\": \"HV-DST01\", \"dns_hostname\": \"hv-dst01\", \"domain\": null,"
		"  \"product_name\": \"Windows Server 2012 Datacenter\", \"version\": \"6.2\", \"build\": \"9200\","
		"  \"csd_version\": null, \"edition\": \"ServerDatacenter\", \"installation_type\": \"Server\","
		"  \"product_type\": \"ServerNT\", \"architecture\": \"AMD64\","
		"  \"processor_identifier\": \"Intel64 Family 6 Model 62 Stepping 4, GenuineIntel\","
		"  \"install_language\": \"0409\", \"default_language\": \"0409\", \"system_locale\": \"en-us;English (United States)\"},"
		" \"logical_processors\": 16, \"memory_bytes\": 68719476736,"
		" \"hyperv\": {\"role_installed\": true, \"vmms_present\": true},"
		" \"host\": {\"virtual_machine_path\": \"D:\\\\Hyper-V\", \"virtual_hard_disk_path\": \"D:\\\\VHD\","
		"  \"mac_address_minimum\": \"00155D1E2A00\", \"mac_address_maximum\": \"00:15:5d:1e:2a:ff\","
		"  \"store_location\": \"msxml://C:\\\\ProgramData\\\\Microsoft\\\\Windows\\\\Hyper-V\\\\InitialStore.xml\","
		"  \"service_application\": \"Hyper-V services\"},"
		" \"vmq\": {\"TenGigVmqEnabled\": null, \"BelowTenGigVmqEnabled\": 1},"
		" \"authorization\": {\"path\": \"C:\\\\ProgramData\\\\Microsoft\\\\Windows\\\\Hyper-V\\\\InitialStore.xml\","
		"  \"present\": true, \"customised\": true, \"differences\": \"scope 'Lab'\"},"
		" \"adapters\": [{\"name\": \"Ethernet\", \"description\": \"Intel(R) Ethernet Server Adapter I350-T2\","
		"  \"mac\": \"A0-36-9F-12-34-56\", \"guid\": \"{c0ffee01-2012-4a5b-8c6d-7e8f9a0b1c01}\", \"physical\": true,"
		"  \"host_vnic\": false, \"link_speed\": \"1 Gbps\", \"status\": \"Up\", \"vmq_enabled\": true, \"dhcp\": false,"
		"  \"addresses\": \"192.168.1.20/24\", \"gateways\": [\"192.168.1.1\"], \"dns\": null},"
		"  {\"name\": \"vEthernet (Lab)\", \"description\": \"Hyper-V Virtual Ethernet Adapter\","
		"  \"mac\": \"00155D1E2A01\", \"guid\": \"C0FFEE01-2012-4A5B-8C6D-7E8F9A0B1C09\", \"physical\": false,"
		"  \"host_vnic\": true, \"link_speed\": \"10 Gbps\", \"status\": \"Up\", \"vmq_enabled\": null, \"dhcp\": null,"
		"  \"addresses\": null, \"gateways\": null, \"dns\": null}],"
		" \"switches\": {\"id\": \"{0f6a0000-1111-2222-3333-444455556666}\", \"name\": \"Lab\", \"type\": \"Internal\","
		"  \"adapter_guid\": null, \"adapter_description\": null, \"allow_management_os\": true,"
		"  \"host_adapter_guid\": \"{C0FFEE01-2012-4A5B-8C6D-7E8F9A0B1C09}\"},"
		" \"vms\": [{\"id\": \"5a1e0000-aaaa-bbbb-cccc-ddddeeeeffff\", \"name\": \"old01\", \"state\": \"Saved\","
		"  \"path\": \"D:\\\\Hyper-V\", \"memory_startup_bytes\": 2147483648, \"processor_count\": 2,"
		"  \"network_adapters\": {\"name\": \"Network Adapter\", \"mac\": \"00155D1E2A10\", \"mac_static\": false,"
		"  \"legacy\": false, \"switch_name\": \"Lab\"}}],"
		" \"volumes\": {\"letter\": \"D\", \"free_bytes\": 1000000, \"size_bytes\": 2000000}}",
		JSON_REJECT_DUPLICATES, &jerr);

	if (d == NULL)
		fail_msg("the test's own document: %s", jerr.text);
	return d;
}

static int parse_json(json_t *d, struct smig_inventory **inv, struct smig_err *e)
{
	char *text = json_dumps(d, JSON_PRESERVE_ORDER);
	int rc;

	assert_non_null(text);
	rc = smig_destfacts_parse(text, strlen(text), LABEL, "/dest", inv, NULL, NULL, e);
	free(text);
	return rc;
}

static void good_file(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_inventory *inv = NULL;
	struct smig_destfacts_volume *vols = NULL;
	size_t nvols = 0;
	json_t *d = good();
	char *text = json_dumps(d, JSON_PRESERVE_ORDER), *bom = tu_fmt("\xEF\xBB\xBF%s", text);

	(void)state;
	assert_int_equal(smig_destfacts_parse(bom, strlen(bom), LABEL, "/dest", &inv, &vols, &nvols,
					      &e), 0);
	assert_string_equal(inv->root, "/dest");
	assert_string_equal(inv->os.computer_name, "HV-DST01");
	assert_true(inv->os.is_2012);
	assert_null(inv->os.domain);
	assert_int_equal(inv->os.logical_processors, 16);
	assert_int_equal(inv->os.memory_mb, 65536);
	assert_string_equal(inv->os.memory_source, "dest-facts.json");
	assert_string_equal(inv->os.install_language, "0409");
	assert_true(inv->hyperv);
	assert_string_equal(inv->host.data_root, "D:\\Hyper-V");
	assert_true(inv->host.has_mac_range);
	assert_true(inv->host.mac_range_default);
	assert_int_equal(inv->host.vmq_tengig, -1);
	assert_int_equal(inv->host.vmq_below_tengig, 1);
	assert_true(inv->azman.present);
	assert_true(inv->azman.customised);
	assert_string_equal(inv->azman.differences[0], "scope 'Lab'");
	assert_null(inv->azman.differences[1]);
	assert_int_equal(inv->nnics, 2);
	assert_string_equal(inv->nics[0].guid, "{C0FFEE01-2012-4A5B-8C6D-7E8F9A0B1C01}");
	assert_true(inv->nics[0].physical && !inv->nics[0].host_vnic && inv->nics[0].has_mac);
	assert_int_equal(inv->nics[0].vmq, 1);
	assert_string_equal(inv->nics[0].ip[0], "192.168.1.20");
	assert_string_equal(inv->nics[0].mask[0], "255.255.255.0");
	assert_string_equal(inv->nics[0].gateway[0], "192.168.1.1");
	assert_null(inv->nics[0].dns);
	assert_true(!inv->nics[1].physical && inv->nics[1].host_vnic);
	assert_int_equal(inv->nswitches, 1);
	assert_string_equal(inv->switches[0].guid, "0F6A0000-1111-2222-3333-444455556666");
	assert_int_equal(inv->switches[0].type, SMIG_SWITCH_INTERNAL);
	assert_string_equal(inv->switches[0].host_vnic, "{C0FFEE01-2012-4A5B-8C6D-7E8F9A0B1C09}");
	assert_string_equal(inv->nics[1].switch_guid, inv->switches[0].guid);
	assert_int_equal(inv->nvms, 1);
	assert_string_equal(inv->vms[0].id, "5A1E0000-AAAA-BBBB-CCCC-DDDDEEEEFFFF");
	assert_true(inv->vms[0].saved_state);
	assert_int_equal(inv->vms[0].memory_mb, 2048);
	assert_int_equal(inv->vms[0].cpu_count, 2);
	assert_int_equal(inv->vms[0].nnics, 1);
	assert_string_equal(inv->vms[0].nics[0].mac, "00-15-5D-1E-2A-10");
	assert_string_equal(inv->vms[0].nics[0].switch_name, "Lab");
	assert_int_equal(nvols, 1);
	assert_int_equal(vols[0].letter, 'D');
	assert_true(vols[0].has_size);
	assert_int_equal(vols[0].free_bytes, 1000000);
	assert_string_equal(inv->drive_letters[0], "D:");
	smig_inventory_free(inv);
	free(vols);
	free(bom);
	free(text);
	json_decref(d);
}

/* ---- malformed and hostile twins ---- */

static json_t *at(json_t *d, const char *path)
{
	/* "os", "adapters.0", "vms.0.network_adapters" */
	char *p = strdup(path), *save = NULL, *tok;
	json_t *v = d;

	for (tok = strtok_r(p, ".", &save); tok && v; tok = strtok_r(NULL, ".", &save))
		v = json_is_array(v) ? json_array_get(v, (size_t)atoi(tok)) : json_object_get(v, tok);
	free(p);
	assert_non_null(v);
	return v;
}

struct bad_case {
	const char *what;
	const char *obj;    /* object path, "" = the root */
	const char *key;
	const char *value;  /* JSON text; NULL = delete the member */
	const char *expect; /* in the message */
};

static const struct bad_case cases[] = {
	{"wrong format", "", "format", "\"smig-state\"", "member 'format' is not \"smig-dest-facts\""},
	{"format missing", "", "format", NULL, "member 'format' is missing"},
	{"another version", "", "version", "2", "member 'version' is 2"},
	{"os missing", "", "os", NULL, "member 'os' is missing"},
	{"os a string", "", "os", "\"6.2\"", "member 'os' is not an object"},
	{"os.version missing", "os", "version", NULL, "member 'os.version' is missing"},
	{"computer name null", "os", "computer_name", "null", "member 'os.computer_name' is null"},
	{"a number for a string", "os", "product_name", "2012", "member 'os.product_name' is not a string"},
	{"memory negative", "", "memory_bytes", "-1", "member 'memory_bytes' is out of range"},
	{"memory beyond 2^60", "", "memory_bytes", "9000000000000000000", "member 'memory_bytes' is out of range"},
	{"memory a real", "", "memory_bytes", "1e30", "member 'memory_bytes' is not an integer"},
	{"memory too big for any integer", "", "memory_bytes", "123456789012345678901234567890", "too big"},
	{"processors a string", "", "logical_processors", "\"16\"", "member 'logical_processors' is not an integer"},
	{"processors absurd", "", "logical_processors", "100000", "member 'logical_processors' is out of range"},
	{"hyperv flag a string", "hyperv", "role_installed", "\"yes\"", "member 'hyperv.role_installed' is not true or false"},
	{"bad MAC range", "host", "mac_address_minimum", "\"00155D\"", "member 'host.mac_address_minimum' is not a MAC address"},
	{"vmq out of range", "vmq", "TenGigVmqEnabled", "7", "member 'vmq.TenGigVmqEnabled' is out of range"},
	{"adapters a number", "", "adapters", "3", "member 'adapters' is not a list"},
	{"adapter MAC", "adapters.0", "mac", "\"zz-zz\"", "member 'adapters[0].mac' is not a MAC address"},
	{"adapter GUID", "adapters.1", "guid", "\"{nope}\"", "member 'adapters[1].guid' is not a GUID"},
	{"adapter physical missing", "adapters.0", "physical", NULL, "member 'adapters[0].physical' is missing"},
	{"adapter address", "adapters.0", "addresses", "[\"192.168.1.20\"]", "member 'adapters[0].addresses[0]' is not an IPv4 address"},
	{"adapter address list of numbers", "adapters.0", "dns", "[1]", "member 'adapters[0].dns[0]' is not a string"},
	{"switch type", "switches", "type", "\"Bridge\"", "member 'switches[0].type' is not Private, Internal or External"},
	{"switch without id", "switches", "id", NULL, "member 'switches[0].id' is missing"},
	{"vm id", "vms.0", "id", "\"web01\"", "member 'vms[0].id' is not a GUID"},
	{"vm memory", "vms.0", "memory_startup_bytes", "-5", "member 'vms[0].memory_startup_bytes' is out of range"},
	{"vm adapter MAC", "vms.0.network_adapters", "mac", "true", "member 'vms[0].network_adapters[0].mac' is not a string"},
	{"volume letter", "volumes", "letter", "\"CD\"", "member 'volumes[0].letter' is not a drive letter"},
	{"volume free space", "volumes", "free_bytes", "\"lots\"", "member 'volumes[0].free_bytes' is not an integer"},
	{"a list element not an object", "", "vms", "[1]", "member 'vms[0]' is not an object"},
	{"authorization flags", "authorization", "customised", "1", "member 'authorization.customised' is not true or false"},
};

static void check_one_line(const struct smig_err *e, const char *what)
{
	if (e->kind != SMIG_ERR_FORMAT || strchr(e->msg, '\n') || !strstr(e->msg, LABEL))
		fail_msg("%s: kind %d, message '%s'", what, e->kind, e->msg);
}

static void malformed(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct bad_case *c = &cases[i];
		struct smig_err e = SMIG_ERR_INIT;
		struct smig_inventory *inv = NULL;
		json_t *d = good(), *o = c->obj[0] ? at(d, c->obj) : d;

		if (c->value == NULL) {
			assert_int_equal(json_object_del(o, c->key), 0);
			assert_int_equal(parse_json(d, &inv, &e), -1);
		} else {
			/* splice the raw value in as text: some are not representable in jansson */
			char *text, *mark;
			json_object_set_new(o, c->key, json_string("@@VALUE@@"));
			text = json_dumps(d, JSON_PRESERVE_ORDER);
			mark = strstr(text, "\"@@VALUE@@\"");
			assert_non_null(mark);
			*mark = '\0';
			{
				char *t2 = tu_fmt("%s%s%s", text, c->value,
						  mark + strlen("\"@@VALUE@@\""));
				assert_int_equal(smig_destfacts_parse(t2, strlen(t2), LABEL, "/d", &inv,
								      NULL, NULL, &e), -1);
				free(t2);
			}
			free(text);
		}
		assert_null(inv);
		check_one_line(&e, c->what);
		if (!strstr(e.msg, c->expect))
			fail_msg("%s: expected '%s' in '%s'", c->what, c->expect, e.msg);
		json_decref(d);
	}
}

static void expect_fail(const char *text, const char *what, const char *expect)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_inventory *inv = NULL;

	assert_int_equal(smig_destfacts_parse(text, strlen(text), LABEL, "/d", &inv, NULL, NULL, &e), -1);
	assert_null(inv);
	check_one_line(&e, what);
	if (!strstr(e.msg, expect))
		fail_msg("%s: expected '%s' in '%s'", what, expect, e.msg);
}

static void hostile(void **state)
{
	char *deep, *big, *many, *dir = tu_mkdtemp(), *path = tu_fmt("%s/dest-facts.json", dir);
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_inventory *inv = NULL;
	json_t *d;
	size_t i;

	(void)state;
	expect_fail("", "empty", "is not a valid dest-facts.json file");
	expect_fail("not json\n", "not JSON", "line 1");
	expect_fail("[1, 2]", "an array", "not a JSON object");
	expect_fail("{\"format\": \"a\nb\"}", "a raw line end in a string", "unexpected newline");
	expect_fail("{\"format\": \"smig-dest-facts\", \"format\": \"x\"}", "duplicate", "duplicate");
	/* a string with invalid UTF-8, and an overlong NUL */
	expect_fail("{\"format\": \"\xff\xfe\"}", "invalid UTF-8", "not UTF-8");
	expect_fail("{\"format\": \"\xc0\x80\"}", "overlong", "not UTF-8");
	expect_fail("{\"format\": \"a\\u0000b\"}", "NUL escape", "is not a valid");
	/* nesting deeper than the format needs is refused before jansson recurses */
	deep = calloc(1, 20001);
	memset(deep, '[', 10000);
	memset(deep + 10000, ']', 10000);
	expect_fail(deep, "deep nesting", "nested deeper than");
	free(deep);
	/* a 40 KiB computer name */
	d = good();
	big = calloc(1, 40001);
	memset(big, 'A', 40000);
	json_object_set_new(at(d, "os"), "computer_name", json_string(big));
	assert_int_equal(parse_json(d, &inv, &e), -1);
	check_one_line(&e, "long string");
	assert_non_null(strstr(e.msg, "os.computer_name' is longer than"));
	smig_err_clear(&e);
	free(big);
	json_decref(d);
	/* more list elements than any host has */
	d = good();
	many = NULL;
	{
		json_t *a = json_array();
		for (i = 0; i < 5000; i++)
			json_array_append_new(a, json_pack("{s:s, s:i, s:i}", "letter", "E",
							   "free_bytes", 1, "size_bytes", 1));
		json_object_set_new(d, "volumes", a);
	}
	assert_int_equal(parse_json(d, &inv, &e), -1);
	check_one_line(&e, "many volumes");
	assert_non_null(strstr(e.msg, "member 'volumes' has more than"));
	smig_err_clear(&e);
	json_decref(d);
	free(many);
	/* a file above 64 MiB is refused before it is read (a sparse file) */
	assert_int_equal(tu_sh("truncate -s 65M '%s'", path), 0);
	assert_int_equal(smig_destfacts_read(path, "/d", &inv, NULL, NULL, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_FORMAT);
	assert_non_null(strstr(e.msg, "too large"));
	assert_null(strchr(e.msg, '\n'));
	smig_err_clear(&e);
	/* a missing file is an I/O error naming it */
	unlink(path);
	assert_int_equal(smig_destfacts_read(path, "/d", &inv, NULL, NULL, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_IO);
	tu_rmtree(dir);
	free(dir);
	free(path);
}

/* ---- what Get-NetAdapter and Get-WindowsFeature really report ---- */

static bool has_note(const struct smig_inventory *inv, const char *subject, const char *needle)
{
	for (size_t i = 0; i < inv->problems.count; i++)
		if (strcmp(inv->problems.items[i].subject, subject) == 0 &&
		    strstr(inv->problems.items[i].message, needle) != NULL)
			return true;
	return false;
}

/* Virtual adapters without a MAC ("" or null) or an interface GUID (null, or "" as
 * [string]$null gives) are kept, with a note; a wrong type is still refused. */
static void odd_adapters_kept(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_inventory *inv = NULL;
	json_t *d = good(), *a = json_object_get(d, "adapters");

	(void)state;
	json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:n, s:b, s:b, s:n, s:n, s:n, s:n, "
					   "s:n, s:n, s:n}",
					   "name", "isatap.lab", "description",
					   "Microsoft ISATAP Adapter", "mac", "", "guid",
					   "physical", 0, "host_vnic", 0, "link_speed", "status",
					   "vmq_enabled", "dhcp", "addresses", "gateways", "dns"));
	json_array_append_new(a, json_pack("{s:s, s:s, s:n, s:s, s:b, s:b}", "name", "Teredo",
					   "description", "Teredo Tunneling Pseudo-Interface",
					   "mac", "guid", "", "physical", 0, "host_vnic", 0));
	if (parse_json(d, &inv, &e) < 0)
		fail_msg("refused: %s", e.msg);
	assert_int_equal(inv->nnics, 4);
	assert_null(inv->nics[2].guid);
	assert_false(inv->nics[2].has_mac);
	assert_null(inv->nics[2].mac_source);
	assert_null(inv->nics[3].guid);
	assert_false(inv->nics[3].has_mac);
	assert_true(has_note(inv, "isatap.lab", "no MAC address"));
	assert_true(has_note(inv, "isatap.lab", "no interface GUID"));
	assert_true(has_note(inv, "Teredo", "'adapters[3]'"));
	/* the adapters that have both get no note; GUID lookups skip the ones without */
	assert_false(has_note(inv, "Ethernet", "no"));
	assert_string_equal(inv->nics[1].switch_guid, inv->switches[0].guid);
	assert_null(inv->nics[2].switch_guid);
	assert_null(smig_inventory_find_nic(inv, "{00000000-0000-0000-0000-000000000000}"));
	smig_inventory_free(inv);
	inv = NULL;

	/* types stay strict, and an adapter nothing can name is refused */
	json_object_set_new(json_array_get(a, 2), "mac", json_integer(0));
	assert_int_equal(parse_json(d, &inv, &e), -1);
	check_one_line(&e, "a number for a MAC");
	assert_non_null(strstr(e.msg, "member 'adapters[2].mac' is not a string"));
	smig_err_clear(&e);
	json_object_set_new(json_array_get(a, 2), "mac", json_string(""));
	json_object_set_new(json_array_get(a, 2), "guid", json_false());
	assert_int_equal(parse_json(d, &inv, &e), -1);
	assert_non_null(strstr(e.msg, "member 'adapters[2].guid' is not a string"));
	smig_err_clear(&e);
	json_object_set_new(json_array_get(a, 2), "guid", json_null());
	json_object_set_new(json_array_get(a, 2), "name", json_null());
	assert_int_equal(parse_json(d, &inv, &e), -1);
	check_one_line(&e, "a nameless adapter without a GUID");
	assert_non_null(strstr(e.msg, "member 'adapters[2]' has neither a name nor a guid"));
	smig_err_clear(&e);
	json_decref(d);
}

/* The vmms service alone is not the Hyper-V role; the reason says which one is missing. */
static void role_required(void **state)
{
	static const struct {
		bool role, vmms, hyperv;
		const char *reason;
	} rcases[] = {
		{true, true, true, "the Hyper-V role is installed and the vmms service is present"},
		{false, true, false,
		 "role_installed is false in dest-facts.json); the vmms service is present, "
		 "but that alone is not the role"},
		{false, false, false, "role_installed is false in dest-facts.json) and there is no "
				      "vmms service"},
		{true, false, true, "the vmms service is missing"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rcases) / sizeof(rcases[0]); i++) {
		struct smig_err e = SMIG_ERR_INIT;
		struct smig_inventory *inv = NULL;
		json_t *d = good();

		json_object_set_new(d, "hyperv",
				    json_pack("{s:b, s:b}", "role_installed", rcases[i].role,
					      "vmms_present", rcases[i].vmms));
		if (parse_json(d, &inv, &e) < 0)
			fail_msg("refused: %s", e.msg);
		assert_int_equal(inv->hyperv, rcases[i].hyperv);
		if (!strstr(inv->hyperv_reason, rcases[i].reason))
			fail_msg("case %zu: '%s' not in '%s'", i, rcases[i].reason,
				 inv->hyperv_reason);
		smig_inventory_free(inv);
		json_decref(d);
	}
}

/* PowerShell 3.0's {"value": [...], "Count": n} for a list is the list; a wrong one is named. */
static void wrapped_lists(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_inventory *inv = NULL;
	json_t *d = good(), *vms = json_incref(json_object_get(d, "vms"));

	(void)state;
	json_object_set_new(d, "vms", json_pack("{s:o, s:i}", "value", vms, "Count", 1));
	json_object_set_new(json_array_get(json_object_get(d, "adapters"), 0), "dns",
			    json_pack("{s:[s,s], s:i}", "value", "192.168.1.2", "192.168.1.3",
				      "Count", 2));
	if (parse_json(d, &inv, &e) < 0)
		fail_msg("refused: %s", e.msg);
	assert_int_equal(inv->nvms, 1);
	assert_string_equal(inv->vms[0].id, "5A1E0000-AAAA-BBBB-CCCC-DDDDEEEEFFFF");
	assert_string_equal(inv->nics[0].dns[1], "192.168.1.3");
	smig_inventory_free(inv);
	inv = NULL;
	json_object_set_new(d, "vms", json_pack("{s:O, s:i}", "value", vms, "Count", 2));
	assert_int_equal(parse_json(d, &inv, &e), -1);
	check_one_line(&e, "a wrong Count");
	assert_non_null(
		strstr(e.msg, "member 'vms' is PowerShell's array wrapper but its 'Count'"));
	smig_err_clear(&e);
	json_object_set_new(d, "vms", json_pack("{s:s}", "value", "web01"));
	assert_int_equal(parse_json(d, &inv, &e), -1);
	assert_non_null(strstr(e.msg, "member 'vms' looks like PowerShell's array wrapper"));
	smig_err_clear(&e);
	json_decref(d);
}

/* ---- round trip: inventory -> facts -> inventory -> the same facts ---- */

static void same_str(const char *a, const char *b, const char *what)
{
	if ((a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0))
		fail_msg("%s: '%s' != '%s'", what, a ? a : "(null)", b ? b : "(null)");
}

static void round_trip_host(const char *example)
{
	char *dir = tu_mkdtemp(), *host = tu_fmt("%s/h", dir);
	struct smig_inventory *a, *b = NULL;
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_destfacts_volume vols[2] = {{'C', true, 1000, 5000}, {'D', false, 0, 0}};
	struct smig_destfacts_volume *rv = NULL;
	size_t nrv = 0, i, k;
	char *t1, *t2;

	tu_build_example(example, host);
	a = tu_read_host(host);
	t1 = smig_destfacts_from_inventory(a, vols, 2, &e);
	assert_non_null(t1);
	assert_int_equal(smig_destfacts_parse(t1, strlen(t1), LABEL, host, &b, &rv, &nrv, &e), 0);
	t2 = smig_destfacts_from_inventory(b, rv, nrv, &e);
	assert_non_null(t2);
	assert_string_equal(t1, t2);
	assert_int_equal(nrv, 2);
	assert_true(rv[0].has_size && rv[0].free_bytes == 1000 && !rv[1].has_size);

	same_str(a->os.computer_name, b->os.computer_name, "computer name");
	same_str(a->os.product_name, b->os.product_name, "product");
	same_str(a->os.current_version, b->os.current_version, "version");
	same_str(a->os.processor_identifier, b->os.processor_identifier, "processor");
	same_str(a->os.install_language, b->os.install_language, "install language");
	same_str(a->os.default_language, b->os.default_language, "default language");
	assert_int_equal(a->os.is_2012, b->os.is_2012);
	assert_int_equal(a->os.logical_processors, b->os.logical_processors);
	assert_int_equal(a->os.memory_mb, b->os.memory_mb);
	assert_int_equal(a->hyperv, b->hyperv);
	same_str(a->host.data_root, b->host.data_root, "data root");
	same_str(a->host.vhd_path, b->host.vhd_path, "vhd path");
	same_str(a->host.store_location, b->host.store_location, "store location");
	assert_int_equal(a->host.has_mac_range, b->host.has_mac_range);
	assert_int_equal(a->host.mac_range_default, b->host.mac_range_default);
	assert_int_equal(smig_mac_cmp(&a->host.mac_min, &b->host.mac_min), 0);
	assert_int_equal(smig_mac_cmp(&a->host.mac_max, &b->host.mac_max), 0);
	assert_int_equal(a->host.vmq_tengig, b->host.vmq_tengig);
	assert_int_equal(a->host.vmq_below_tengig, b->host.vmq_below_tengig);
	assert_int_equal(a->azman.present, b->azman.present);
	assert_int_equal(a->azman.customised, b->azman.customised);
	assert_int_equal(a->nnics, b->nnics);
	for (i = 0; i < a->nnics; i++) {
		const struct smig_inv_nic *x = &a->nics[i], *y = &b->nics[i];
		same_str(x->guid, y->guid, "nic guid");
		same_str(x->connection_name, y->connection_name, "nic name");
		same_str(x->description, y->description, "nic description");
		same_str(x->switch_guid, y->switch_guid, "nic switch");
		assert_int_equal(x->physical, y->physical);
		assert_int_equal(x->host_vnic, y->host_vnic);
		assert_int_equal(x->has_mac, y->has_mac);
		assert_int_equal(smig_mac_cmp(&x->mac, &y->mac), 0);
		assert_int_equal(x->vmq, y->vmq);
		for (k = 0; x->ip && x->ip[k]; k++) {
			same_str(x->ip[k], y->ip[k], "nic ip");
			same_str(x->mask[k], y->mask[k], "nic mask");
		}
	}
	assert_int_equal(a->nswitches, b->nswitches);
	for (i = 0; i < a->nswitches; i++) {
		same_str(a->switches[i].guid, b->switches[i].guid, "switch id");
		same_str(a->switches[i].name, b->switches[i].name, "switch name");
		same_str(a->switches[i].external_nic, b->switches[i].external_nic, "bound nic");
		same_str(a->switches[i].host_vnic, b->switches[i].host_vnic, "host vnic");
		assert_int_equal(a->switches[i].type, b->switches[i].type);
	}
	assert_int_equal(a->nvms, b->nvms);
	for (i = 0; i < a->nvms; i++) {
		const struct smig_inv_vm *x = &a->vms[i], *y = &b->vms[i];
		same_str(x->id, y->id, "vm id");
		same_str(x->name, y->name, "vm name");
		assert_int_equal(x->memory_mb, y->memory_mb);
		assert_int_equal(x->cpu_count, y->cpu_count);
		assert_int_equal(x->saved_state, y->saved_state);
		assert_int_equal(x->nnics, y->nnics);
		for (k = 0; k < x->nnics; k++) {
			same_str(x->nics[k].mac, y->nics[k].mac, "vm mac");
			assert_int_equal(x->nics[k].mac_static, y->nics[k].mac_static);
		}
	}
	free(t1);
	free(t2);
	free(rv);
	smig_inventory_free(a);
	smig_inventory_free(b);
	tu_rmtree(dir);
	free(dir);
	free(host);
}

static void round_trip(void **state)
{
	(void)state;
	round_trip_host("lab-2012");
	/* the source has switches, bound and host adapters, VMs with static MACs */
	round_trip_host("lab-2008r2");
}

/* hostopts: a host without hives reads ROOT/dest-facts.json; --dest-facts names one */
static void hostopts_facts(void **state)
{
	char *dir = tu_mkdtemp(), *host = tu_fmt("%s/h", dir), *cfg = tu_fmt("%s/h/C/Windows/System32/config", dir);
	char *facts = tu_fmt("%s/h/dest-facts.json", dir), *text;
	struct smig_hostopts o = {0};
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_hostfs *fs = NULL;
	struct smig_inventory *inv = NULL, *hive;

	(void)state;
	tu_build_example("lab-2012", host);
	hive = tu_read_host(host);
	text = smig_destfacts_from_inventory(hive, NULL, 0, &e);
	assert_non_null(text);
	tu_write(facts, text, strlen(text));
	assert_int_equal(tu_sh("rm -f '%s/SYSTEM' '%s/SOFTWARE'", cfg, cfg), 0);
	o.root = host;
	assert_int_equal(smig_hostopts_read(&o, &fs, &inv, &e), 0);
	assert_string_equal(inv->os.computer_name, "HV-DST01");
	assert_string_equal(inv->os.memory_source, "dest-facts.json");
	assert_non_null(smig_hostfs_drive_dir(fs, 'D'));
	smig_inventory_free(inv);
	smig_hostfs_free(fs);
	/* --memory-mb wins; --ipconfig does not mix with facts */
	assert_int_equal(smig_hostopts_add(&o, SMIG_OPT_MEMORY_MB, "1024", &e), 0);
	assert_int_equal(smig_hostopts_read(&o, &fs, &inv, &e), 0);
	assert_int_equal(inv->os.memory_mb, 1024);
	smig_inventory_free(inv);
	smig_hostfs_free(fs);
	o.ipconfig = facts;
	assert_int_equal(smig_hostopts_read(&o, &fs, &inv, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_USAGE);
	assert_null(fs);
	smig_err_clear(&e);
	o.ipconfig = NULL;
	/* a malformed facts file is the read's error */
	tu_write(facts, "{}", 2);
	assert_int_equal(smig_hostopts_read(&o, &fs, &inv, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_FORMAT);
	smig_err_clear(&e);
	/* no facts file and no hive: the hive reader's error */
	unlink(facts);
	assert_int_equal(smig_hostopts_read(&o, &fs, &inv, &e), -1);
	assert_non_null(strstr(e.msg, "no SYSTEM hive"));
	smig_err_clear(&e);
	/* --dest-facts names a file elsewhere */
	{
		char *other = tu_fmt("%s/elsewhere.json", dir);
		tu_write(other, text, strlen(text));
		assert_int_equal(smig_hostopts_add(&o, SMIG_OPT_DEST_FACTS, other, &e), 0);
		assert_int_equal(smig_hostopts_read(&o, &fs, &inv, &e), 0);
		assert_true(inv->os.is_2012);
		smig_inventory_free(inv);
		smig_hostfs_free(fs);
		free(other);
	}
	smig_inventory_free(hive);
	free(text);
	tu_rmtree(dir);
	free(dir);
	free(host);
	free(cfg);
	free(facts);
}

static void probe_script(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	size_t len = 0, i;
	char *s = smig_destfacts_probe_script(&len, &e), *p, *q;

	(void)state;
	assert_non_null(s);
	assert_int_equal(strlen(s), len);
	assert_memory_equal(s, "\xEF\xBB\xBF", 3);
	for (i = 0; i < len; i++)
		if (s[i] == '\n')
			assert_int_equal(s[i - 1], '\r');
	assert_non_null(strstr(s, "ConvertTo-Json -InputObject $facts -Depth 8"));
	assert_non_null(strstr(s, "'smig-dest-facts'"));
	assert_non_null(strstr(s, "WindowsBuiltInRole]::Administrator"));
	/* -Path resolved against PowerShell's location, not the process's (System32) */
	assert_non_null(strstr(s, "[CmdletBinding()]"));
	p = strstr(s, "$Path = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($Path)");
	assert_non_null(p);
	q = strstr(s, "[IO.File]::WriteAllText($Path,");
	assert_non_null(q);
	assert_true(p < q);
	/* a culture-independent time stamp */
	assert_non_null(strstr(s, "written_utc = [DateTime]::UtcNow.ToString("
				  "\"yyyy-MM-dd'T'HH:mm:ss'Z'\", "
				  "[Globalization.CultureInfo]::InvariantCulture)"));
	assert_null(strstr(s, "ToString('yyyy-MM-ddTHH:mm:ssZ')"));
	/* lists are not written as {"value": ..., "Count": ...}: the type data goes first */
	p = strstr(s, "Remove-TypeData -TypeName System.Array");
	assert_non_null(p);
	assert_true(p < strstr(s, "ConvertTo-Json -InputObject $facts"));
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_file),      cmocka_unit_test(malformed),
		cmocka_unit_test(hostile),        cmocka_unit_test(round_trip),
		cmocka_unit_test(hostopts_facts), cmocka_unit_test(probe_script),
		cmocka_unit_test(odd_adapters_kept), cmocka_unit_test(role_required),
		cmocka_unit_test(wrapped_lists),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
