/*
 * test_vmconfig.c - Hyper-V VM configuration XML (formats.md §5): the real 2012 R2 sample in
 * both encodings, re-encoded variants, the on-disk writer, the rewriting setters, the
 * synthetic "2008 R2" generator, and malformed inputs. The small inline documents below are
 * synthetic.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "vmconfig.h"
#include "winval.h"

#define GID "0AA394FA-7C4A-4070-BA32-773D43B28A68"
#define SWITCH "438B7B13-6180-4155-B7BF-08709CCF234D"

/* A small synthetic configuration with `extra` inside <configuration>. */
static char *mini(const char *extra)
{
	return tu_fmt("<?xml version=\"1.0\" encoding=\"UTF-16\" standalone=\"yes\"?>\n"
		      "<configuration>\n%s<properties>"
		      "<global_id type=\"string\">{0aa394fa-7c4a-4070-ba32-773d43b28a68}"
		      "</global_id>"
		      "<version type=\"integer\">768</version></properties>\n</configuration>\n",
		      extra);
}

static int parse_str(const char *s, struct smig_vmconfig **cfg, struct smig_err *e)
{
	return smig_vmconfig_parse(s, strlen(s), "vm.xml", cfg, e);
}

/* The on-disk bytes as UTF-8 (CRs kept). */
static char *decode_out(const unsigned char *buf, size_t len)
{
	struct smig_err e = SMIG_ERR_INIT;
	char *s = NULL;

	assert_true(len >= 2);
	assert_int_equal(buf[0], 0xFF);
	assert_int_equal(buf[1], 0xFE);
	if (smig_utf16le_to_utf8(buf + 2, len - 2, &s, &e) < 0)
		fail_msg("%s", e.msg);
	return s;
}

static const struct smig_vm_drive *find_drive(const struct smig_vmconfig *c,
					      enum smig_ctrl_kind k, int ctl, int slot)
{
	size_t i;

	for (i = 0; i < c->ndrives; i++)
		if (c->drives[i].ctrl_kind == k && c->drives[i].controller == ctl &&
		    c->drives[i].slot == slot)
			return &c->drives[i];
	return NULL;
}

static void check_sample_model(const struct smig_vmconfig *c)
{
	const struct smig_vm_drive *d;
	char iso[32];

	assert_string_equal(c->global_id, GID);
	assert_string_equal(c->name, "2012R2");
	assert_string_equal(c->notes, "");
	assert_string_equal(c->type_id, "Virtual Machines");
	assert_int_equal(c->version, 1280);
	smig_unix_to_iso8601(c->creation_time, iso, sizeof(iso));
	assert_string_equal(iso, "2014-11-09T05:34:40Z");
	assert_false(c->highly_available);
	assert_int_equal(c->memory_mb, 1024);
	assert_int_equal(c->memory_min_mb, 512);
	assert_int_equal(c->memory_max_mb, 1048576);
	assert_int_equal(c->memory_buffer, 20);
	assert_int_equal(c->memory_priority, 5000);
	assert_true(c->has_dynamic_memory);
	assert_false(c->dynamic_memory);
	assert_int_equal(c->cpu_count, 1);
	assert_int_equal(c->cpu_limit, 100000);
	assert_int_equal(c->cpu_weight, 100);
	assert_false(c->cpu_compat);
	assert_int_equal(c->auto_start_action, 1);
	assert_int_equal(c->auto_stop_action, 1);
	assert_int_equal(c->recovery_action, 1);
	assert_null(c->data_root);
	assert_null(c->snapshot_data_root);
	assert_int_equal(c->nsnapshots, 0);
	assert_int_equal(c->nwarnings, 0);

	assert_int_equal(c->ndrives, 5); /* IDE 2x2 slots + the floppy drive */
	d = find_drive(c, SMIG_CTRL_IDE, 0, 0);
	assert_non_null(d);
	assert_int_equal(d->kind, SMIG_DRIVE_VHD);
	assert_string_equal(d->pathname,
			    "C:\\dev\\vagrant\\Win2k12R2\\.vagrant\\machines\\default\\hyperv"
			    "\\disk.vhd");
	assert_string_equal(d->node, "83f8638b-8dca-4152-9eda-2ca8b33039b4");
	d = find_drive(c, SMIG_CTRL_IDE, 1, 0);
	assert_non_null(d);
	assert_int_equal(d->kind, SMIG_DRIVE_ISO);
	assert_string_equal(d->pathname, "");
	assert_int_equal(find_drive(c, SMIG_CTRL_IDE, 0, 1)->kind, SMIG_DRIVE_EMPTY);
	assert_int_equal(find_drive(c, SMIG_CTRL_FLOPPY, 0, 0)->kind, SMIG_DRIVE_VFD);

	assert_int_equal(c->nnics, 1);
	assert_false(c->nics[0].legacy);
	assert_string_equal(c->nics[0].mac, "00-15-5D-01-07-DC");
	assert_true(c->nics[0].mac_valid);
	assert_false(c->nics[0].mac_static);
	assert_true(c->nics[0].connected);
	assert_string_equal(c->nics[0].switch_id, SWITCH);
	assert_string_equal(c->nics[0].switch_alt_name, "Virtual External Switch");
	assert_string_equal(c->nics[0].port_id, "87279691-8C7B-4C18-A0CB-52B86BD450D5");
	assert_string_equal(c->nics[0].friendly_name, "Network Adapter");
	assert_string_equal(c->nics[0].node, "55225880-49c0-4438-9ce2-5a01402fd8cb");
}

static void real_samples_parse_alike(void **state)
{
	static const char *const names[] = {"vm2012r2.xml", "vm2012r2-utf16.xml"};
	struct smig_err e = SMIG_ERR_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		char *p = tu_shared(names[i]);
		struct smig_vmconfig *c = NULL;

		if (p == NULL)
			skip();
		if (smig_vmconfig_load(p, NULL, &c, &e) < 0)
			fail_msg("%s", e.msg);
		check_sample_model(c);
		smig_vmconfig_free(c);
		free(p);
	}
}

/* Two configurations written by Hyper-V itself (2012 R2, gen 1 and gen 2, from
 * ../shared/samples): load + serialize gives the same bytes, with no line end after the root. */
static void serialize_real_2012r2_files(void **state)
{
	static const char *const names[] = {"vm2012r2-gen1-dissect-B90AC31B.xml",
					    "vm2012r2-gen2-dissect-D351C151.xml"};
	char *sources = tu_shared("SOURCES.md");

	(void)state;
	if (sources == NULL)
		skip();
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct smig_err e = SMIG_ERR_INIT;
		struct smig_vmconfig *c = NULL;
		unsigned char *buf = NULL;
		size_t len = 0, n = 0;
		/* ../shared/samples sits beside ../shared/data */
		char *path = tu_fmt("%.*s/../samples/%s", (int)(strlen(sources) - strlen("/SOURCES.md")),
				    sources, names[i]);
		char *disk = tu_read(path, &n);

		if (smig_vmconfig_load(path, names[i], &c, &e) < 0 ||
		    smig_vmconfig_serialize(c, &buf, &len, &e) < 0)
			fail_msg("%s: %s", names[i], e.msg);
		assert_int_equal(len, n);
		assert_memory_equal(buf, disk, len);
		assert_memory_equal(buf + len - 2, ">\0", 2);
		smig_vmconfig_free(c);
		free(buf);
		free(disk);
		free(path);
	}
	free(sources);
}

/* The writer reproduces the on-disk form of the real file byte for byte. */
static void serialize_on_disk_form(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	char *p = tu_shared("vm2012r2.xml"), *p16 = tu_shared("vm2012r2-utf16.xml");
	char *dir = NULL, *out = NULL, *u8 = NULL, *text = NULL, *ascii = NULL;
	struct smig_vmconfig *c = NULL, *c2 = NULL;
	unsigned char *buf = NULL, *buf2 = NULL;
	size_t len = 0, len2 = 0, n16 = 0;
	char *disk = NULL;
	/* §5.3: sorted by byte value at every level (the NIC node's children included) */
	const char *order[] = {"<_2497f4de", "<_55225880", "<ChannelInstanceGuid",
			       "<ClusterMonitored", "<Connection>", "<FriendlyName", "<IsConnected",
			       "<MacAddress ", "<MacAddressIsStatic", "<PortName", "<SwitchName",
			       "<VDEVVersion", "<VpciInstanceGuid", "<_58f75a6d", "<_f3cf6965",
			       "<global_settings>", "<manifest>", "<properties>", "<settings>"};
	const char *prev;
	size_t i;

	(void)state;
	if (p == NULL || p16 == NULL)
		skip();
	if (smig_vmconfig_load(p, "vm.xml", &c, &e) < 0 ||
	    smig_vmconfig_serialize(c, &buf, &len, &e) < 0)
		fail_msg("%s", e.msg);
	disk = tu_read(p16, &n16);
	/* that file was written locally with a CR LF after </configuration>; Hyper-V's own files
	 * end at the '>' (serialize_real_2012r2_files below), and so does smig */
	assert_int_equal(len + 4, n16);
	assert_memory_equal(buf, disk, len);
	assert_memory_equal(disk + len, "\r\0\n\0", 4);

	text = decode_out(buf, len);
	assert_non_null(strstr(text, "<?xml version=\"1.0\" encoding=\"UTF-16\" "
				     "standalone=\"yes\"?>\r\n<configuration>\r\n  <_2497f4de"));
	assert_non_null(strstr(text, "\r\n    <notes type=\"string\"></notes>\r\n"));
	assert_non_null(strstr(text, "<creation_time type=\"bytes\">j3iz2977zwE=\r\n"
				     "</creation_time>"));
	assert_null(strstr(text, "/>"));
	for (i = 0; text[i]; i++)
		if (text[i] == '\n')
			assert_int_equal(text[i - 1], '\r');
	prev = text;
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		const char *at = strstr(prev, order[i]);

		if (at == NULL)
			fail_msg("'%s' missing or out of order", order[i]);
		prev = at;
	}

	/* peers: xmllint reads the UTF-16 file; iconv gives XML that parses back the same */
	dir = tu_mkdtemp();
	out = tu_fmt("%s/out.xml", dir);
	u8 = tu_fmt("%s/out-utf8.xml", dir);
	tu_write(out, buf, len);
	if (tu_have("xmllint"))
		assert_int_equal(tu_sh("xmllint --noout '%s'", out), 0);
	if (tu_have("iconv")) {
		assert_int_equal(tu_sh("iconv -f UTF-16 -t UTF-8 '%s' > '%s'", out, u8), 0);
		ascii = tu_read(u8, NULL);
		assert_null(strchr(ascii, 0xEF)); /* iconv consumed the BOM */
		if (smig_vmconfig_load(u8, NULL, &c2, &e) < 0 ||
		    smig_vmconfig_serialize(c2, &buf2, &len2, &e) < 0)
			fail_msg("%s", e.msg);
		check_sample_model(c2);
		assert_int_equal(len2, len);
		assert_memory_equal(buf2, buf, len);
	}
	tu_rmtree(dir);
	free(dir);
	free(out);
	free(u8);
	free(ascii);
	free(text);
	free(disk);
	free(buf);
	free(buf2);
	smig_vmconfig_free(c);
	smig_vmconfig_free(c2);
	free(p);
	free(p16);
}

static void check_variant(const void *bytes, size_t n, const unsigned char *ref, size_t nref)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_vmconfig *c = NULL;
	unsigned char *buf = NULL;
	size_t len = 0;

	if (smig_vmconfig_parse(bytes, n, "variant.xml", &c, &e) < 0 ||
	    smig_vmconfig_serialize(c, &buf, &len, &e) < 0)
		fail_msg("%s", e.msg);
	check_sample_model(c);
	/* `ref` is the locally written UTF-16 file, which ends with a CR LF that smig (like
	 * Hyper-V) does not write */
	assert_int_equal(len + 4, nref);
	assert_memory_equal(buf, ref, len);
	free(buf);
	smig_vmconfig_free(c);
}

static void reencoded_variants_parse(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	char *p = tu_shared("vm2012r2.xml"), *p16 = tu_shared("vm2012r2-utf16.xml");
	char *ascii = NULL, *disk = NULL, *crlf = NULL;
	unsigned char *bom8 = NULL, *u16lf = NULL;
	struct smig_vmconfig *bad = NULL;
	size_t n = 0, n16 = 0, i, o = 0, nlf = 0;

	(void)state;
	if (p == NULL || p16 == NULL)
		skip();
	ascii = tu_read(p, &n);
	disk = tu_read(p16, &n16);
	/* UTF-16LE with BOM and CRLF (the real on-disk form) and without BOM */
	check_variant(disk, n16, (unsigned char *)disk, n16);
	check_variant(disk + 2, n16 - 2, (unsigned char *)disk, n16);
	/* UTF-8 with BOM */
	bom8 = malloc(n + 3);
	assert_non_null(bom8);
	memcpy(bom8, "\xEF\xBB\xBF", 3);
	memcpy(bom8 + 3, ascii, n);
	check_variant(bom8, n + 3, (unsigned char *)disk, n16);
	/* ASCII with CRLF, still declaring UTF-16 */
	crlf = malloc(2 * n);
	assert_non_null(crlf);
	for (i = 0; i < n; i++) {
		if (ascii[i] == '\n')
			crlf[o++] = '\r';
		crlf[o++] = ascii[i];
	}
	check_variant(crlf, o, (unsigned char *)disk, n16);
	/* UTF-16LE with BOM and LF */
	if (smig_utf8_to_utf16le(ascii, n, false, &u16lf, &nlf, &e) < 0)
		fail_msg("%s", e.msg);
	{
		unsigned char *b = malloc(nlf + 2);

		assert_non_null(b);
		b[0] = 0xFF;
		b[1] = 0xFE;
		memcpy(b + 2, u16lf, nlf);
		check_variant(b, nlf + 2, (unsigned char *)disk, n16);
		/* rejecting twin: an odd byte count is not UTF-16 */
		assert_int_equal(smig_vmconfig_parse(b, nlf + 1, "odd.xml", &bad, &e), -1);
		assert_null(bad);
		assert_non_null(strstr(e.msg, "'odd.xml'"));
		free(b);
	}
	free(u16lf);
	free(crlf);
	free(bom8);
	free(ascii);
	free(disk);
	free(p);
	free(p16);
}

static void expect_reject(const char *doc, const char *needle, enum smig_err_kind kind)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_vmconfig *c = NULL;

	assert_int_equal(parse_str(doc, &c, &e), -1);
	assert_null(c);
	assert_int_equal(e.kind, kind);
	if (strstr(e.msg, needle) == NULL)
		fail_msg("message '%s' lacks '%s'", e.msg, needle);
}

static struct smig_vmconfig *expect_accept(const char *doc)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_vmconfig *c = NULL;

	if (parse_str(doc, &c, &e) < 0)
		fail_msg("%s", e.msg);
	return c;
}

static void typed_values(void **state)
{
	struct smig_vmconfig *c;
	char *good, *bad;

	(void)state;
	/* integer: strict int64 */
	good = mini("<settings><processors><count type=\"integer\">12</count></processors>"
		    "</settings>");
	c = expect_accept(good);
	assert_int_equal(c->cpu_count, 12);
	assert_string_equal(c->global_id, GID); /* braces and case normalised */
	assert_int_equal(c->version, 768);
	assert_int_equal(c->nwarnings, 0);
	assert_int_equal(c->auto_start_action, -1);
	smig_vmconfig_free(c);
	free(good);
	bad = mini("<settings><processors><count type=\"integer\">12x</count></processors>"
		   "</settings>");
	expect_reject(bad, "settings/processors/count", SMIG_ERR_FORMAT);
	free(bad);
	bad = mini("<x><big type=\"integer\">9223372036854775808</big></x>");
	expect_reject(bad, "x/big", SMIG_ERR_FORMAT);
	free(bad);
	good = mini("<x><big type=\"integer\">-9223372036854775808</big></x>");
	smig_vmconfig_free(expect_accept(good));
	free(good);
	/* a known element with the wrong declared type */
	bad = mini("<settings><processors><count type=\"string\">1</count></processors>"
		   "</settings>");
	expect_reject(bad, "settings/processors/count has type 'string'", SMIG_ERR_FORMAT);
	free(bad);

	/* bool: True/False in any case, type "boolean" accepted */
	good = mini("<settings><processors><features><limit type=\"boolean\">TRUE</limit>"
		    "</features></processors></settings>");
	c = expect_accept(good);
	assert_true(c->cpu_compat);
	smig_vmconfig_free(c);
	free(good);
	bad = mini("<settings><processors><features><limit type=\"bool\">Yes</limit>"
		   "</features></processors></settings>");
	expect_reject(bad, "settings/processors/features/limit", SMIG_ERR_FORMAT);
	free(bad);

	/* bytes: base64; creation_time must hold 8 bytes */
	bad = mini("<properties2><blob type=\"bytes\">j3iz!977zwE=</blob></properties2>");
	expect_reject(bad, "properties2/blob", SMIG_ERR_FORMAT);
	free(bad);

	/* an unknown type is kept with a warning; an unknown element is kept silently */
	good = mini("<odd type=\"decimal\">1.5</odd>");
	c = expect_accept(good);
	assert_int_equal(c->nwarnings, 1);
	assert_non_null(strstr(c->warnings[0], "unknown type 'decimal'"));
	smig_vmconfig_free(c);
	free(good);

	/* mixed content is not a configuration */
	bad = mini("<x>text<y type=\"string\">a</y></x>");
	expect_reject(bad, "mixes text and elements", SMIG_ERR_FORMAT);
	free(bad);
}

static void structure_rejects(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_vmconfig *c = NULL;
	char *doc, *p, *dir, *file;
	size_t n;

	(void)state;
	/* DOCTYPE with an entity, and its twin without */
	doc = tu_fmt("<?xml version=\"1.0\"?>\n<!DOCTYPE configuration [<!ENTITY x \"boom\">]>\n"
		     "<configuration><properties><name type=\"string\">&x;</name>"
		     "<global_id type=\"string\">" GID "</global_id></properties></configuration>");
	expect_reject(doc, "DOCTYPE", SMIG_ERR_FORMAT);
	free(doc);
	doc = tu_fmt("<?xml version=\"1.0\"?>\n"
		     "<configuration><properties><name type=\"string\">&amp;x;</name>"
		     "<global_id type=\"string\">" GID "</global_id></properties></configuration>");
	c = expect_accept(doc);
	assert_string_equal(c->name, "&x;");
	assert_int_equal(c->version, 0);
	assert_int_equal(c->nwarnings, 1); /* no version */
	smig_vmconfig_free(c);
	free(doc);
	/* an undeclared entity is an error, not an empty string */
	doc = mini("<x><y type=\"string\">&boom;</y></x>");
	expect_reject(doc, "not well-formed", SMIG_ERR_FORMAT);
	free(doc);

	/* wrong root, missing or malformed global_id, versions */
	expect_reject("<virtual_machine><properties/></virtual_machine>", "<virtual_machine>",
		      SMIG_ERR_FORMAT);
	expect_reject("<configuration><properties/></configuration>", "global_id",
		      SMIG_ERR_FORMAT);
	expect_reject("<configuration><properties><global_id type=\"string\">vm1</global_id>"
		      "</properties></configuration>", "is not a GUID", SMIG_ERR_FORMAT);
	expect_reject("<configuration><properties><global_id type=\"string\">" GID "</global_id>"
		      "<version type=\"integer\">1536</version></properties></configuration>",
		      "1536", SMIG_ERR_UNSUPPORTED);
	c = expect_accept("<configuration><properties><global_id type=\"string\">" GID
			  "</global_id><version type=\"integer\">700</version></properties>"
			  "</configuration>");
	assert_int_equal(c->nwarnings, 1);
	assert_non_null(strstr(c->warnings[0], "700"));
	smig_vmconfig_free(c);
	expect_reject("<configuration><properties><global_id type=\"string\">" GID "</global_id>"
		      "<creation_time type=\"bytes\">AAAA</creation_time></properties>"
		      "</configuration>", "creation_time holds 3 bytes", SMIG_ERR_FORMAT);

	/* truncated, and a NUL byte inside UTF-8 */
	p = tu_shared("vm2012r2.xml");
	if (p != NULL) {
		char *full = tu_read(p, &n);

		assert_int_equal(smig_vmconfig_parse(full, n / 2, "half.xml", &c, &e), -1);
		assert_non_null(strstr(e.msg, "'half.xml': not well-formed XML"));
		smig_err_clear(&e);
		full[100] = '\0';
		assert_int_equal(smig_vmconfig_parse(full, n, "nul.xml", &c, &e), -1);
		assert_non_null(strstr(e.msg, "NUL"));
		smig_err_clear(&e);
		free(full);
		free(p);
	}

	/* over the 16 MiB cap, from memory and from a file; a missing file */
	n = SMIG_VMCONFIG_MAX_BYTES + 1;
	doc = malloc(n);
	assert_non_null(doc);
	memset(doc, ' ', n);
	memcpy(doc, "<configuration>", 15);
	assert_int_equal(smig_vmconfig_parse(doc, n, "big.xml", &c, &e), -1);
	assert_non_null(strstr(e.msg, "limit"));
	smig_err_clear(&e);
	dir = tu_mkdtemp();
	file = tu_fmt("%s/big.xml", dir);
	tu_write(file, doc, n);
	assert_int_equal(smig_vmconfig_load(file, "D:\\VMs\\big.xml", &c, &e), -1);
	assert_non_null(strstr(e.msg, "big.xml"));
	smig_err_clear(&e);
	free(file);
	file = tu_fmt("%s/missing.xml", dir);
	assert_int_equal(smig_vmconfig_load(file, NULL, &c, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_IO);
	free(file);
	tu_rmtree(dir);
	free(dir);
	free(doc);
}

/* Unknown elements survive, everything is sorted by byte value, text is escaped. */
static void round_trip_unsorted(void **state)
{
	static const char in[] =
		"<?xml version=\"1.0\" encoding=\"UTF-16\"?><configuration>"
		"<zeta type=\"string\">z</zeta><!-- kept --><Alpha><b type=\"integer\">1</b>"
		"<a type=\"string\"/></Alpha><properties><version type=\"integer\">768</version>"
		"<global_id type=\"string\">" GID "</global_id></properties>"
		"<unknown type=\"string\">x &amp; y &lt;z&gt;\n2</unknown>"
		"<blob type=\"bytes\">  AAEC\n</blob></configuration>";
	static const char want[] =
		"<?xml version=\"1.0\" encoding=\"UTF-16\" standalone=\"yes\"?>\r\n"
		"<configuration>\r\n"
		"  <!-- kept -->\r\n"
		"  <Alpha>\r\n"
		"    <a type=\"string\"></a>\r\n"
		"    <b type=\"integer\">1</b>\r\n"
		"  </Alpha>\r\n"
		"  <blob type=\"bytes\">AAEC\r\n</blob>\r\n"
		"  <properties>\r\n"
		"    <global_id type=\"string\">" GID "</global_id>\r\n"
		"    <version type=\"integer\">768</version>\r\n"
		"  </properties>\r\n"
		"  <unknown type=\"string\">x &amp; y &lt;z&gt;\r\n2</unknown>\r\n"
		"  <zeta type=\"string\">z</zeta>\r\n"
		"</configuration>";
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_vmconfig *c = NULL, *c2 = NULL;
	unsigned char *buf = NULL, *buf2 = NULL;
	size_t len = 0, len2 = 0;
	char *text;

	(void)state;
	c = expect_accept(in);
	if (smig_vmconfig_serialize(c, &buf, &len, &e) < 0)
		fail_msg("%s", e.msg);
	text = decode_out(buf, len);
	assert_string_equal(text, want);
	/* idempotent: parse(serialize(x)) serialises to the same bytes */
	if (smig_vmconfig_parse(buf, len, "again.xml", &c2, &e) < 0 ||
	    smig_vmconfig_serialize(c2, &buf2, &len2, &e) < 0)
		fail_msg("%s", e.msg);
	assert_int_equal(len2, len);
	assert_memory_equal(buf2, buf, len);
	free(text);
	free(buf);
	free(buf2);
	smig_vmconfig_free(c);
	smig_vmconfig_free(c2);
}

static size_t drive_index(const struct smig_vmconfig *c, const struct smig_vm_drive *d)
{
	return (size_t)(d - c->drives);
}

static void setters_rewrite(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	char *p = tu_shared("vm2012r2.xml");
	struct smig_vmconfig *c = NULL, *c2 = NULL;
	unsigned char *buf = NULL;
	size_t len = 0, vhd, iso;
	char *text;

	(void)state;
	if (p == NULL)
		skip();
	if (smig_vmconfig_load(p, NULL, &c, &e) < 0)
		fail_msg("%s", e.msg);
	vhd = drive_index(c, find_drive(c, SMIG_CTRL_IDE, 0, 0));
	iso = drive_index(c, find_drive(c, SMIG_CTRL_IDE, 1, 0));
	assert_int_equal(smig_vmconfig_set_drive_path(c, vhd, "D:\\VMs\\w\xc3\xa9" "b & co.vhd",
						      &e), 0);
	assert_int_equal(smig_vmconfig_set_drive_path(c, iso, "D:\\iso\\setup.iso", &e), 0);
	assert_int_equal(c->drives[iso].kind, SMIG_DRIVE_ISO);
	assert_int_equal(smig_vmconfig_empty_drive(c, iso, &e), 0);
	assert_string_equal(c->drives[iso].pathname, "");
	assert_int_equal(smig_vmconfig_set_nic_switch(c, 0, "11111111-2222-3333-4444-555555555555",
						      NULL, &e), 0);
	assert_int_equal(smig_vmconfig_set_version(c, 1024, &e), 0);
	assert_int_equal(smig_vmconfig_set_id(c, "{6a2f0000-1111-4222-8333-944445555666}", &e), 0);
	assert_int_equal(smig_vmconfig_set_cpu_compat(c, true, &e), 0);

	/* rejecting twins */
	assert_int_equal(smig_vmconfig_empty_drive(c, vhd, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_USAGE);
	smig_err_clear(&e);
	assert_int_equal(smig_vmconfig_set_drive_path(c, 99, "x", &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_USAGE);
	smig_err_clear(&e);
	assert_int_equal(smig_vmconfig_set_drive_path(c, vhd, "a\001b", &e), -1);
	smig_err_clear(&e);
	assert_int_equal(smig_vmconfig_set_nic_switch(c, 1, "", "", &e), -1);
	smig_err_clear(&e);
	assert_int_equal(smig_vmconfig_set_version(c, 2048, &e), -1);
	smig_err_clear(&e);
	assert_int_equal(smig_vmconfig_set_id(c, "not-a-guid", &e), -1);
	smig_err_clear(&e);

	if (smig_vmconfig_serialize(c, &buf, &len, &e) < 0 ||
	    smig_vmconfig_parse(buf, len, "rewritten.xml", &c2, &e) < 0)
		fail_msg("%s", e.msg);
	assert_string_equal(c2->drives[vhd].pathname, "D:\\VMs\\w\xc3\xa9" "b & co.vhd");
	assert_int_equal(c2->drives[vhd].kind, SMIG_DRIVE_VHD);
	assert_string_equal(c2->drives[iso].pathname, "");
	assert_string_equal(c2->nics[0].switch_id, "11111111-2222-3333-4444-555555555555");
	assert_string_equal(c2->nics[0].port_id, "");
	assert_int_equal(c2->version, 1024);
	assert_string_equal(c2->global_id, "6A2F0000-1111-4222-8333-944445555666");
	assert_true(c2->cpu_compat);
	text = decode_out(buf, len);
	assert_non_null(strstr(text, "<logical_id type=\"string\">6A2F0000-1111-4222-8333-"
				     "944445555666</logical_id>"));
	assert_non_null(strstr(text, "b &amp; co.vhd</pathname>"));
	/* untouched parts stay: the 2012 R2 port feature and the metrics are still there */
	assert_non_null(strstr(text, "<Data type=\"bytes\">AAIAAGQAAAAAAAAAAQAAAAAAAAA=\r\n"
				     "</Data>"));
	assert_non_null(strstr(text, "<CmosUtcSkew type=\"integer\">-288005458208</CmosUtcSkew>"));
	free(text);
	free(buf);
	smig_vmconfig_free(c);
	smig_vmconfig_free(c2);
	free(p);
}

static const struct smig_vmspec_drive spec_drives[] = {
	{SMIG_CTRL_IDE, 0, 0, "VHD", "D:\\Hyper-V\\web01\\web01.vhd"},
	{SMIG_CTRL_IDE, 1, 0, "ISO", "D:\\iso\\w2k8r2.iso"},
	{SMIG_CTRL_FLOPPY, 0, 0, "VFD", "D:\\floppy\\boot.vfd"},
	{SMIG_CTRL_SCSI, 0, 1, "PHYSICAL", "\\\\.\\PHYSICALDRIVE2"},
	{SMIG_CTRL_SCSI, 0, 2, "VHD", "Disk 3"},
};

static const struct smig_vmspec_nic spec_nics[] = {
	{false, "Network Adapter", "00155D0107DC", false, SWITCH,
	 "87279691-8C7B-4C18-A0CB-52B86BD450D5", "55225880-49C0-4438-9CE2-5A01402FD8CB"},
	{true, "Legacy Network Adapter", "00-15-5d-01-07-dd", true, NULL, NULL,
	 "9a1b2c3d-0000-4000-8000-000000000001"},
};

static const char *const spec_snaps[] = {"{6a2f0000-1111-4222-8333-944445555666}",
					 "91C00000-1111-4222-8333-944445555666"};

static struct smig_vmspec base_spec(void)
{
	struct smig_vmspec s = {0};

	s.global_id = GID;
	s.name = "web01";
	s.notes = "line1\nline2";
	s.version = 768;
	s.creation_filetime = 130599848804317327ULL;
	s.memory_mb = 2048;
	s.memory_min_mb = 512;
	s.memory_max_mb = 4096;
	s.dynamic_memory = true;
	s.sp1_memory_fields = true;
	s.cpu_count = 2;
	s.cpu_compat = true;
	s.scsi_instance_id = "D7A36E9B-9256-4F0D-BE2C-3A13887F7B03";
	s.drives = spec_drives;
	s.ndrives = sizeof(spec_drives) / sizeof(spec_drives[0]);
	s.nics = spec_nics;
	s.nnics = 2;
	s.snapshot_ids = spec_snaps;
	s.nsnapshots = 2;
	s.generation_id = "fd66d6917bb7cdbf9a906875a3cf499b";
	return s;
}

/* One name per controller kind, the same wherever a slot is named (vmscan's drive slots,
 * postcheck's lookup, vmconfig's own messages, which used to say "floppy"). */
static void controller_names(void **state)
{
	static const struct smig_vmspec_drive floppy_bad[] = {
	    {SMIG_CTRL_FLOPPY, 0, 1, "VFD", ""},
	};
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_vmspec s = base_spec();
	unsigned char *buf = NULL;
	size_t len = 0;

	(void)state;
	assert_string_equal(smig_vmconfig_ctrl_name(SMIG_CTRL_IDE), "IDE");
	assert_string_equal(smig_vmconfig_ctrl_name(SMIG_CTRL_SCSI), "SCSI");
	assert_string_equal(smig_vmconfig_ctrl_name(SMIG_CTRL_FLOPPY), "Floppy");
	assert_string_equal(smig_vmconfig_ctrl_name((enum smig_ctrl_kind)7), "?");
	s.drives = floppy_bad;
	s.ndrives = 1;
	assert_int_equal(smig_vmconfig_build(&s, &buf, &len, &e), -1);
	assert_non_null(strstr(e.msg, "impossible slot Floppy 0:1"));
	free(buf);
}

static void generated_fixture(void **state)
{
	static const char *const absent[] = {
		"subtype", "vnuma", "topology", "iops_", "stopped_at_host_shutdown",
		"persistent_reservations", "<weight type=\"integer\">100</weight>\r\n      </drive",
		"metrics", "allow_reduced_fc_redundancy", "<Connection>", "ClusterMonitored",
		"secure_boot_enabled", "pause_after_boot_failure", "pxe_preferred_protocol",
		"6c09bb55", "6c5addb9", "bc12c717"};
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_vmspec s = base_spec();
	struct smig_vmconfig *c = NULL;
	unsigned char *buf = NULL;
	size_t len = 0, i;
	const struct smig_vm_drive *d;
	char *text, *dir, *file, iso[32];

	(void)state;
	if (smig_vmconfig_build(&s, &buf, &len, &e) < 0)
		fail_msg("%s", e.msg);
	text = decode_out(buf, len);
	assert_non_null(strstr(text, "standalone=\"yes\"?>\r\n<!-- SYNTHETIC test fixture"));
	for (i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
		if (strstr(text, absent[i]) != NULL)
			fail_msg("2012/2012 R2-only '%s' in a 2008 R2 fixture", absent[i]);
	assert_non_null(strstr(text, "<MacAddress type=\"string\">00155D0107DC</MacAddress>"));
	assert_non_null(strstr(text, "<target_memory_buffer"));

	if (smig_vmconfig_parse(buf, len, "web01.xml", &c, &e) < 0)
		fail_msg("%s", e.msg);
	assert_int_equal(c->nwarnings, 0);
	assert_string_equal(c->global_id, GID);
	assert_string_equal(c->name, "web01");
	assert_string_equal(c->notes, "line1\nline2");
	assert_int_equal(c->version, 768);
	smig_unix_to_iso8601(c->creation_time, iso, sizeof(iso));
	assert_string_equal(iso, "2014-11-09T05:34:40Z");
	assert_int_equal(c->memory_mb, 2048);
	assert_int_equal(c->memory_min_mb, 512);
	assert_int_equal(c->memory_max_mb, 4096);
	assert_true(c->has_dynamic_memory && c->dynamic_memory);
	assert_int_equal(c->cpu_count, 2);
	assert_true(c->cpu_compat);
	assert_int_equal(c->ndrives, 4 + 1 + 2);
	assert_int_equal(find_drive(c, SMIG_CTRL_IDE, 0, 0)->kind, SMIG_DRIVE_VHD);
	d = find_drive(c, SMIG_CTRL_IDE, 1, 0);
	assert_int_equal(d->kind, SMIG_DRIVE_ISO);
	assert_string_equal(d->pathname, "D:\\iso\\w2k8r2.iso");
	assert_int_equal(find_drive(c, SMIG_CTRL_IDE, 1, 1)->kind, SMIG_DRIVE_EMPTY);
	assert_int_equal(find_drive(c, SMIG_CTRL_FLOPPY, 0, 0)->kind, SMIG_DRIVE_VFD);
	d = find_drive(c, SMIG_CTRL_SCSI, 0, 1);
	assert_int_equal(d->kind, SMIG_DRIVE_PASSTHROUGH);
	assert_string_equal(d->type, "PHYSICAL");
	assert_string_equal(d->node, "d7a36e9b-9256-4f0d-be2c-3a13887f7b03");
	/* a disk number as pathname is pass-through whatever the type says */
	assert_int_equal(find_drive(c, SMIG_CTRL_SCSI, 0, 2)->kind, SMIG_DRIVE_PASSTHROUGH);

	assert_int_equal(c->nnics, 2);
	for (i = 0; i < 2; i++) {
		const struct smig_vm_nic *n = &c->nics[i];

		assert_true(n->mac_valid);
		if (n->legacy) {
			assert_string_equal(n->mac, "00-15-5D-01-07-DD");
			assert_true(n->mac_static);
			assert_false(n->connected);
			assert_string_equal(n->switch_id, "");
		} else {
			assert_string_equal(n->mac, "00-15-5D-01-07-DC");
			assert_true(n->connected);
			assert_string_equal(n->switch_id, SWITCH);
		}
		/* a 2008 R2 configuration has no Connection node: no recorded switch name */
		assert_string_equal(n->switch_alt_name, "");
	}
	assert_true(c->nics[0].legacy != c->nics[1].legacy);
	assert_int_equal(c->nsnapshots, 2);
	assert_string_equal(c->snapshot_ids[0], "6A2F0000-1111-4222-8333-944445555666");
	assert_string_equal(c->snapshot_ids[1], "91C00000-1111-4222-8333-944445555666");

	/* the pass-through drive empties to type NONE */
	d = find_drive(c, SMIG_CTRL_SCSI, 0, 1);
	assert_int_equal(smig_vmconfig_empty_drive(c, drive_index(c, d), &e), 0);
	assert_int_equal(d->kind, SMIG_DRIVE_EMPTY);
	assert_string_equal(d->type, "NONE");

	dir = tu_mkdtemp();
	file = tu_fmt("%s/web01.xml", dir);
	tu_write(file, buf, len);
	if (tu_have("xmllint"))
		assert_int_equal(tu_sh("xmllint --noout '%s'", file), 0);
	tu_rmtree(dir);
	free(dir);
	free(file);
	free(text);
	free(buf);
	smig_vmconfig_free(c);

	/* 2008 R2 RTM: no dynamic memory elements */
	s.sp1_memory_fields = false;
	if (smig_vmconfig_build(&s, &buf, &len, &e) < 0 ||
	    smig_vmconfig_parse(buf, len, "rtm.xml", &c, &e) < 0)
		fail_msg("%s", e.msg);
	assert_false(c->has_dynamic_memory);
	assert_int_equal(c->memory_buffer, 0);
	free(buf);
	smig_vmconfig_free(c);

	/* rejecting twins: impossible specs */
	s = base_spec();
	s.global_id = "web01";
	assert_int_equal(smig_vmconfig_build(&s, &buf, &len, &e), -1);
	assert_null(buf);
	smig_err_clear(&e);
	s = base_spec();
	s.scsi_instance_id = NULL;
	assert_int_equal(smig_vmconfig_build(&s, &buf, &len, &e), -1);
	assert_non_null(strstr(e.msg, "SCSI 0:1"));
	smig_err_clear(&e);
}

/* Device typing: manifest lookup, singleton rule, unknown nodes kept with a warning. */
static void device_typing(void **state)
{
	struct smig_vmconfig *c;
	char *doc;

	(void)state;
	doc = mini("<_aaaaaaaa-0000-4000-8000-000000000001_><MacAddress type=\"string\">zz"
		   "</MacAddress><SwitchName type=\"string\"></SwitchName>"
		   "<FriendlyName type=\"string\">Legacy</FriendlyName>"
		   "</_aaaaaaaa-0000-4000-8000-000000000001_>"
		   "<_bbbbbbbb-0000-4000-8000-000000000002_><VDEVVersion type=\"integer\">1"
		   "</VDEVVersion></_bbbbbbbb-0000-4000-8000-000000000002_>"
		   "<_cccccccc-0000-4000-8000-000000000003_><controller0><drive0>"
		   "<pathname type=\"string\">\\\\?\\PhysicalDrive1</pathname>"
		   "<type type=\"string\">VHD</type></drive0></controller0>"
		   "</_cccccccc-0000-4000-8000-000000000003_>"
		   "<manifest><vdev001><device type=\"string\">d422512d-2bf2-4752-809d-7b82b5fcb1b4"
		   "</device><instance type=\"string\">CCCCCCCC-0000-4000-8000-000000000003"
		   "</instance></vdev001></manifest>"
		   "<global_settings><snapshots><list><size type=\"integer\">3</size>"
		   "<snapshot0 type=\"string\">{6a2f0000-1111-4222-8333-944445555666}</snapshot0>"
		   "<snapshot1 type=\"string\">oops</snapshot1></list></snapshots>"
		   "<data_root type=\"string\">D:\\Hyper-V</data_root></global_settings>");
	c = expect_accept(doc);
	assert_int_equal(c->nnics, 1);
	assert_true(c->nics[0].legacy);
	assert_false(c->nics[0].mac_valid);
	assert_string_equal(c->nics[0].mac, "zz");
	assert_false(c->nics[0].connected);
	assert_int_equal(c->ndrives, 1);
	assert_int_equal(c->drives[0].ctrl_kind, SMIG_CTRL_SCSI);
	assert_int_equal(c->drives[0].kind, SMIG_DRIVE_PASSTHROUGH);
	assert_int_equal(c->nsnapshots, 1);
	assert_string_equal(c->data_root, "D:\\Hyper-V");
	/* bad MAC, unknown node bbbbbbbb, snapshot1 not a GUID, size 3 vs 1 */
	assert_int_equal(c->nwarnings, 4);
	assert_non_null(strstr(c->warnings[1], "_bbbbbbbb-0000-4000-8000-000000000002_"));
	smig_vmconfig_free(c);
	free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(real_samples_parse_alike),
		cmocka_unit_test(serialize_on_disk_form),
		cmocka_unit_test(serialize_real_2012r2_files),
		cmocka_unit_test(reencoded_variants_parse),
		cmocka_unit_test(typed_values),
		cmocka_unit_test(structure_rejects),
		cmocka_unit_test(round_trip_unsorted),
		cmocka_unit_test(setters_rewrite),
		cmocka_unit_test(controller_names),
		cmocka_unit_test(generated_fixture),
		cmocka_unit_test(device_typing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
