/*
 * test_importplan.c - the import options (every option id, accepted and refused, the
 * cross-option check, the argv round trip), --map-path resolution, and plans built from a real
 * descriptor: lab-2008r2 exported with the built smig-export (without saved state), its
 * smig/descriptor.xml read back, planned onto lab-2012 with the default options and with each
 * option that changes the plan.
 */
#include "testutil.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "descriptor.h"
#include "hive.h"
#include "hostfs.h"
#include "importplan.h"
#include "preflight.h"
#include "inventory.h"

#define WEB01 "6F0B2E9A-41C3-4B8E-9E5B-1D2C3A4B5C01"
#define SQL01 "8A3C5E7F-0A1B-4C2D-8E3F-4A5B6C7D8E02"
#define DC01 "2C4D6E8F-1A2B-4C3D-9E4F-5A6B7C8D9E03"
#define TEST01 "9E8F7A6B-5C4D-4E3F-8A2B-1C0D9E8F7A04"
#define SW_EXT "A1E0F6C2-3B4D-4E5F-8A9B-0C1D2E3F4A01"
#define SW_INT "A1E0F6C2-3B4D-4E5F-8A9B-0C1D2E3F4A02"
#define SW_PRIV "A1E0F6C2-3B4D-4E5F-8A9B-0C1D2E3F4A03"
#define SNAP2 "4E6C8B21-0002-4D3F-8A21-6B7C8D9E0F02"
#define SNAP3 "4E6C8B21-0003-4D3F-8A21-6B7C8D9E0F03"
#define HV_ROOT "C:\\ProgramData\\Microsoft\\Windows\\Hyper-V"
#define HV_VHD "C:\\Users\\Public\\Documents\\Hyper-V\\Virtual Hard Disks"

/* ---- options ---- */

static void add_ok(struct smig_import_opts *o, int id, const char *arg)
{
	struct smig_err e = SMIG_ERR_INIT;

	if (smig_import_opts_add(o, id, arg, &e) < 0)
		fail_msg("option %d '%s' refused: %s", id, arg ? arg : "(no argument)", e.msg);
}

/* The option is refused as a usage error whose message says `msg`. */
static void add_bad(struct smig_import_opts *o, int id, const char *arg, const char *msg)
{
	struct smig_err e = SMIG_ERR_INIT;

	if (smig_import_opts_add(o, id, arg, &e) == 0)
		fail_msg("option %d '%s' accepted", id, arg ? arg : "(no argument)");
	assert_int_equal(e.kind, SMIG_ERR_USAGE);
	if (!strstr(e.msg, msg))
		fail_msg("message '%s' does not say '%s'", e.msg, msg);
}

static void opts_map_path(void **state)
{
	struct smig_import_opts o = {0};

	(void)state;
	add_ok(&o, SMIG_OPT_MAP_PATH, "D:\\VHD=C:\\Disks");
	add_ok(&o, SMIG_OPT_MAP_PATH, "D:\\Other\\=E:\\");
	add_ok(&o, SMIG_OPT_MAP_PATH, "C:\\a=C:\\x=y"); /* split at the first '=' */
	assert_int_equal(o.npaths, 3);
	assert_string_equal(o.paths[0].from, "D:\\VHD");
	assert_string_equal(o.paths[0].to, "C:\\Disks");
	assert_string_equal(o.paths[1].from, "D:\\Other"); /* no trailing separator... */
	assert_string_equal(o.paths[1].to, "E:\\");       /* ...but a drive root keeps it */
	assert_string_equal(o.paths[2].from, "C:\\a");
	assert_string_equal(o.paths[2].to, "C:\\x=y");

	/* the same source twice, however it is spelled */
	add_bad(&o, SMIG_OPT_MAP_PATH, "d:\\vhd\\=F:\\Elsewhere", "given twice");
	add_bad(&o, SMIG_OPT_MAP_PATH, "D:\\VHD=C:\\Disks", "given twice");
	/* not drive-absolute on either side */
	add_bad(&o, SMIG_OPT_MAP_PATH, "VHD=C:\\Disks", "not a drive-absolute");
	add_bad(&o, SMIG_OPT_MAP_PATH, "D:VHD=C:\\Disks", "not a drive-absolute");
	add_bad(&o, SMIG_OPT_MAP_PATH, "\\\\server\\share\\VHD=C:\\Disks", "not a drive-absolute");
	add_bad(&o, SMIG_OPT_MAP_PATH, "\\VHD=C:\\Disks", "not a drive-absolute");
	add_bad(&o, SMIG_OPT_MAP_PATH, "D:\\X=Disks", "not a drive-absolute");
	add_bad(&o, SMIG_OPT_MAP_PATH, "D:\\X=/mnt/disks", "not a drive-absolute");
	/* not a pair */
	add_bad(&o, SMIG_OPT_MAP_PATH, "D:\\VHD", "expected FROM=TO");
	add_bad(&o, SMIG_OPT_MAP_PATH, "=C:\\Disks", "expected FROM=TO");
	add_bad(&o, SMIG_OPT_MAP_PATH, "D:\\Y=", "expected FROM=TO");
	add_bad(&o, SMIG_OPT_MAP_PATH, "", "--map-path");
	assert_int_equal(o.npaths, 3); /* nothing refused was kept */
	smig_import_opts_release(&o);
	assert_int_equal(o.npaths, 0);
	assert_null(o.paths);
}

static void opts_bind_switch(void **state)
{
	struct smig_import_opts o = {0};

	(void)state;
	add_ok(&o, SMIG_OPT_BIND_SWITCH, "External LAN=Ethernet");
	add_ok(&o, SMIG_OPT_BIND_SWITCH, "Other=A0-36-9F-12-34-56");
	add_ok(&o, SMIG_OPT_BIND_SWITCH, "Third=name=with=equals");
	assert_int_equal(o.nbinds, 3);
	assert_string_equal(o.binds[0].name, "External LAN");
	assert_string_equal(o.binds[0].nic, "Ethernet");
	assert_string_equal(o.binds[2].name, "Third");
	assert_string_equal(o.binds[2].nic, "name=with=equals");
	/* one network bound twice, names compared case-insensitively */
	add_bad(&o, SMIG_OPT_BIND_SWITCH, "external lan=Ethernet 2", "given twice");
	add_bad(&o, SMIG_OPT_BIND_SWITCH, "External LAN", "--bind-switch");
	add_bad(&o, SMIG_OPT_BIND_SWITCH, "=Ethernet", "expected FROM=TO");
	add_bad(&o, SMIG_OPT_BIND_SWITCH, "External LAN=", "expected FROM=TO");
	assert_int_equal(o.nbinds, 3);
	smig_import_opts_release(&o);
}

static void opts_map_mac(void **state)
{
	struct smig_import_opts o = {0};
	char a[18], b[18];

	(void)state;
	add_ok(&o, SMIG_OPT_MAP_MAC, "00-15-5D-0A-00-10=A0-36-9F-12-34-56");
	add_ok(&o, SMIG_OPT_MAP_MAC, "00155d0a0011=a0:36:9f:12:34:57");
	assert_int_equal(o.nmacs, 2);
	smig_mac_format(&o.macs[1].src, a);
	smig_mac_format(&o.macs[1].dst, b);
	assert_string_equal(a, "00-15-5D-0A-00-11");
	assert_string_equal(b, "A0-36-9F-12-34-57");
	/* an address already on either side */
	add_bad(&o, SMIG_OPT_MAP_MAC, "00-15-5D-0A-00-10=A0-36-9F-12-34-99", "already mapped");
	add_bad(&o, SMIG_OPT_MAP_MAC, "00-15-5D-0A-00-99=A0-36-9F-12-34-56", "already mapped");
	/* malformed addresses */
	add_bad(&o, SMIG_OPT_MAP_MAC, "00-15-5D-0A-00=A0-36-9F-12-34-58", "expected two MAC");
	add_bad(&o, SMIG_OPT_MAP_MAC, "00-15-5D-0A-00-12=A0-36-9F-12-34-5G", "expected two MAC");
	add_bad(&o, SMIG_OPT_MAP_MAC, "00-15-5D-0A-00-12=A0-36-9F-12-34-58-00", "expected two MAC");
	add_bad(&o, SMIG_OPT_MAP_MAC, "Ethernet=A0-36-9F-12-34-58", "expected two MAC");
	add_bad(&o, SMIG_OPT_MAP_MAC, "00-15-5D-0A-00-12", "--map-mac");
	assert_int_equal(o.nmacs, 2);
	smig_import_opts_release(&o);
}

static void opts_ipconfig_mode(void **state)
{
	struct smig_import_opts o = {0};

	(void)state;
	assert_int_equal(o.ipmode, SMIG_IPMODE_NONE);
	assert_string_equal(smig_ipconfig_mode_name(o.ipmode), "none");
	add_ok(&o, SMIG_OPT_IPCONFIG_MODE, "nic");
	assert_int_equal(o.ipmode, SMIG_IPMODE_NIC);
	assert_string_equal(smig_ipconfig_mode_name(o.ipmode), "nic");
	/* refused, not accepted and skipped: the archive has no host-wide TCP/IP settings */
	add_bad(&o, SMIG_OPT_IPCONFIG_MODE, "global", "not carried in the archive");
	assert_int_equal(o.ipmode, SMIG_IPMODE_NIC);
	add_ok(&o, SMIG_OPT_IPCONFIG_MODE, "all");
	assert_int_equal(o.ipmode, SMIG_IPMODE_ALL);
	assert_string_equal(smig_ipconfig_mode_name(o.ipmode), "all");
	add_bad(&o, SMIG_OPT_IPCONFIG_MODE, "NIC", "--ipconfig-mode 'NIC'");
	add_bad(&o, SMIG_OPT_IPCONFIG_MODE, "none", "expected nic or all");
	add_bad(&o, SMIG_OPT_IPCONFIG_MODE, "", "--ipconfig-mode");
	add_bad(&o, SMIG_OPT_IPCONFIG_MODE, "nic ", "--ipconfig-mode");
	assert_int_equal(o.ipmode, SMIG_IPMODE_ALL); /* a refused value changes nothing */
	smig_import_opts_release(&o);
}

static void opts_flags_and_lists(void **state)
{
	struct smig_import_opts o = {0};
	struct smig_err e = SMIG_ERR_INIT;

	(void)state;
	assert_false(o.new_id || o.discard_saved_state || o.set_cpu_compat || o.force ||
		     o.what_if);
	assert_null(o.features);
	assert_null(o.vms);
	add_ok(&o, SMIG_OPT_FEATURE, "hyperv");
	add_ok(&o, SMIG_OPT_FEATURE, "ipconfig");
	add_ok(&o, SMIG_OPT_VM, "web01");
	add_ok(&o, SMIG_OPT_VM, DC01);
	add_ok(&o, SMIG_OPT_NEW_ID, NULL);
	add_ok(&o, SMIG_OPT_DISCARD_SAVED_STATE, NULL);
	add_ok(&o, SMIG_OPT_SET_CPU_COMPAT, NULL);
	add_ok(&o, SMIG_OPT_FORCE, NULL);
	add_ok(&o, SMIG_OPT_WHAT_IF, NULL);
	assert_string_equal(o.features[0], "hyperv");
	assert_string_equal(o.features[1], "ipconfig");
	assert_null(o.features[2]);
	assert_string_equal(o.vms[0], "web01");
	assert_string_equal(o.vms[1], DC01);
	assert_null(o.vms[2]);
	assert_true(o.new_id && o.discard_saved_state && o.set_cpu_compat && o.force && o.what_if);
	/* an id that is no import option */
	assert_int_equal(smig_import_opts_add(&o, 9999, "x", &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_USAGE);
	assert_int_equal(smig_import_opts_add(&o, SMIG_OPT_MAP_PATH - 1, "x", &e), -1);
	smig_import_opts_release(&o);
	assert_null(o.features);
	assert_false(o.force);
}

static void opts_check(void **state)
{
	struct smig_import_opts o = {0};
	struct smig_err e = SMIG_ERR_INIT;

	(void)state;
	assert_int_equal(smig_import_opts_check(&o, &e), 0);
	add_ok(&o, SMIG_OPT_IPCONFIG_MODE, "nic"); /* a mode without maps is fine */
	assert_int_equal(smig_import_opts_check(&o, &e), 0);
	o.ipmode = SMIG_IPMODE_NONE;
	add_ok(&o, SMIG_OPT_MAP_MAC, "00-15-5D-0A-00-10=A0-36-9F-12-34-56");
	assert_int_equal(smig_import_opts_check(&o, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_USAGE);
	assert_non_null(strstr(e.msg, "--map-mac needs --ipconfig-mode"));
	add_ok(&o, SMIG_OPT_IPCONFIG_MODE, "nic");
	assert_int_equal(smig_import_opts_check(&o, &e), 0);
	add_ok(&o, SMIG_OPT_IPCONFIG_MODE, "all");
	assert_int_equal(smig_import_opts_check(&o, &e), 0);
	smig_import_opts_release(&o);
}

static void assert_strv_equal(char *const *a, char *const *b)
{
	size_t i;

	for (i = 0; a[i] && b[i]; i++)
		assert_string_equal(a[i], b[i]);
	assert_null(a[i]);
	assert_null(b[i]);
}

static void opts_argv_round_trip(void **state)
{
	struct smig_import_opts o = {0}, back = {0};
	struct smig_err e = SMIG_ERR_INIT;
	char **v, **v2;

	(void)state;
	/* nothing given: an empty vector */
	v = smig_import_opts_argv(&o, &e);
	assert_non_null(v);
	assert_null(v[0]);
	smig_strv_free(v);

	add_ok(&o, SMIG_OPT_MAP_PATH, "d:\\vhd\\=C:\\Disks");
	add_ok(&o, SMIG_OPT_MAP_PATH, "D:\\Hyper-V=E:\\");
	add_ok(&o, SMIG_OPT_BIND_SWITCH, "External LAN=Ethernet 2");
	add_ok(&o, SMIG_OPT_MAP_MAC, "00155d0a0010=a0:36:9f:12:34:56");
	add_ok(&o, SMIG_OPT_IPCONFIG_MODE, "all");
	add_ok(&o, SMIG_OPT_FEATURE, "hyperv");
	add_ok(&o, SMIG_OPT_VM, "web01");
	add_ok(&o, SMIG_OPT_VM, "sql01");
	add_ok(&o, SMIG_OPT_NEW_ID, NULL);
	add_ok(&o, SMIG_OPT_DISCARD_SAVED_STATE, NULL);
	add_ok(&o, SMIG_OPT_SET_CPU_COMPAT, NULL);
	add_ok(&o, SMIG_OPT_FORCE, NULL);
	v = smig_import_opts_argv(&o, &e);
	assert_non_null(v);
	/* canonical spellings: upper-case drive letter, no trailing separator, MACs with '-' */
	assert_string_equal(v[0], "--map-path=D:\\vhd=C:\\Disks");
	assert_string_equal(v[1], "--map-path=D:\\Hyper-V=E:\\");
	assert_string_equal(v[2], "--bind-switch=External LAN=Ethernet 2");
	assert_string_equal(v[3], "--map-mac=00-15-5D-0A-00-10=A0-36-9F-12-34-56");
	assert_string_equal(v[4], "--ipconfig-mode=all");

	if (smig_import_opts_from_argv(&back, v, &e) < 0)
		fail_msg("%s", e.msg);
	assert_int_equal(back.npaths, o.npaths);
	for (size_t i = 0; i < o.npaths; i++) {
		assert_string_equal(back.paths[i].from, o.paths[i].from);
		assert_string_equal(back.paths[i].to, o.paths[i].to);
	}
	assert_int_equal(back.nbinds, 1);
	assert_string_equal(back.binds[0].name, "External LAN");
	assert_string_equal(back.binds[0].nic, "Ethernet 2");
	assert_int_equal(back.nmacs, 1);
	assert_int_equal(smig_mac_cmp(&back.macs[0].src, &o.macs[0].src), 0);
	assert_int_equal(smig_mac_cmp(&back.macs[0].dst, &o.macs[0].dst), 0);
	assert_int_equal(back.ipmode, SMIG_IPMODE_ALL);
	assert_strv_equal(back.features, o.features);
	assert_strv_equal(back.vms, o.vms);
	assert_true(back.new_id && back.discard_saved_state && back.set_cpu_compat && back.force);
	assert_int_equal(smig_import_opts_check(&back, &e), 0);
	/* and the vector of the parsed options is the same vector */
	v2 = smig_import_opts_argv(&back, &e);
	assert_non_null(v2);
	assert_strv_equal(v2, v);
	smig_strv_free(v2);
	smig_import_opts_release(&back);

	/* the rejecting twin: a damaged element does not parse back */
	free(v[3]);
	v[3] = strdup("--map-mac=00-15-5D-0A-00=A0-36-9F-12-34-56");
	assert_non_null(v[3]);
	assert_int_equal(smig_import_opts_from_argv(&back, v, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_USAGE);
	smig_import_opts_release(&back);
	/* and an option name it does not know is refused (--what-if is never recorded) */
	{
		char *bad[] = {"--what-if", NULL};
		struct smig_err e2 = SMIG_ERR_INIT;

		assert_int_equal(smig_import_opts_from_argv(&back, bad, &e2), -1);
		assert_int_equal(e2.kind, SMIG_ERR_FORMAT);
		smig_import_opts_release(&back);
	}
	smig_strv_free(v);
	smig_import_opts_release(&o);
}

/* ---- --map-path resolution ---- */

static void map_is(const struct smig_import_opts *o, const char *in, const char *want)
{
	struct smig_err e = SMIG_ERR_INIT;
	char *out = (char *)"untouched";
	int r = smig_map_winpath(o, in, &out, &e);

	if (!want) {
		if (r != 0)
			fail_msg("'%s' mapped to '%s'", in, r == 1 ? out : e.msg);
		assert_null(out);
		return;
	}
	if (r != 1)
		fail_msg("'%s' not mapped (%d: %s)", in, r, e.msg);
	if (strcmp(out, want))
		fail_msg("'%s' mapped to '%s', not '%s'", in, out, want);
	free(out);
}

static void map_winpath(void **state)
{
	struct smig_import_opts o = {0};

	(void)state;
	add_ok(&o, SMIG_OPT_MAP_PATH, "D:\\VHD=E:\\V");
	add_ok(&o, SMIG_OPT_MAP_PATH, "D:\\VHD\\web=F:\\W");
	add_ok(&o, SMIG_OPT_MAP_PATH, "C:\\Data=H:\\");
	map_is(&o, "D:\\VHD\\a.vhd", "E:\\V\\a.vhd");
	map_is(&o, "D:\\VHD\\sub\\dir\\a.vhd", "E:\\V\\sub\\dir\\a.vhd");
	/* the longest prefix wins, whatever the order given */
	map_is(&o, "D:\\VHD\\web\\x.avhd", "F:\\W\\x.avhd");
	/* at a component boundary only */
	map_is(&o, "D:\\VHD\\webby\\x.avhd", "E:\\V\\webby\\x.avhd");
	map_is(&o, "D:\\VHDX\\a.vhd", NULL);
	map_is(&o, "D:\\VH", NULL);
	/* case-insensitive; the rest keeps its spelling */
	map_is(&o, "d:\\vhd\\Web\\X.AVHD", "F:\\W\\X.AVHD");
	map_is(&o, "d:\\VhD\\a.vhd", "E:\\V\\a.vhd");
	/* the path itself */
	map_is(&o, "D:\\VHD", "E:\\V");
	map_is(&o, "D:\\VHD\\web", "F:\\W");
	/* a map to a drive root */
	map_is(&o, "C:\\Data", "H:\\");
	map_is(&o, "C:\\Data\\x\\y.vhd", "H:\\x\\y.vhd");
	/* no map applies */
	map_is(&o, "C:\\Other\\x.vhd", NULL);
	map_is(&o, "E:\\VHD\\a.vhd", NULL);
	map_is(NULL, "D:\\VHD\\a.vhd", NULL);

	/* a map of a whole drive: D:\VHDX now maps, through D:\ and not through D:\VHD */
	add_ok(&o, SMIG_OPT_MAP_PATH, "D:\\=G:\\Old D");
	map_is(&o, "D:\\VHDX\\a.vhd", "G:\\Old D\\VHDX\\a.vhd");
	map_is(&o, "D:\\VHD\\a.vhd", "E:\\V\\a.vhd");
	map_is(&o, "D:\\", "G:\\Old D");
	map_is(&o, "d:\\ISO\\x.iso", "G:\\Old D\\ISO\\x.iso");
	map_is(&o, "C:\\Other\\x.vhd", NULL);
	smig_import_opts_release(&o);

	add_ok(&o, SMIG_OPT_MAP_PATH, "D:\\=E:\\");
	map_is(&o, "D:\\a\\b.vhd", "E:\\a\\b.vhd");
	map_is(&o, "D:\\", "E:\\");
	smig_import_opts_release(&o);
}

/* ---- plans from the real export of lab-2008r2 ---- */

static char *g_dir, *g_src, *g_dst, *g_skip;
static struct smig_descriptor *g_desc;       /* exported without saved state */
static struct smig_descriptor *g_desc_state; /* with --include-saved-state */

/* Export lab-2008r2 (g_dir/src) into g_dir/<name>.smig and read its descriptor back. */
static struct smig_descriptor *export_descriptor(const char *x, const char *name,
						  const char *extra)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_descriptor *d = NULL;
	char *xsd = tu_src("manifests/schema/descriptor.xsd"), *path, *buf;
	size_t len = 0;

	if (tu_sh("cd '%s' && '%s' export --source src -s k.sec -o %s.smig --compress none "
		  "--progress never %s 2>/dev/null && bsdtar -xOf %s.smig smig/descriptor.xml "
		  ">%s.xml", g_dir, x, name, extra, name, name) != 0)
		fail_msg("the export of lab-2008r2 failed");
	path = tu_fmt("%s/%s.xml", g_dir, name);
	buf = tu_read(path, &len);
	if (smig_descriptor_read(buf, len, xsd, &d, &e) < 0)
		fail_msg("%s", e.msg);
	free(buf);
	free(path);
	free(xsd);
	return d;
}

static int group_setup(void **state)
{
	char *x;

	(void)state;
	g_dir = tu_mkdtemp();
	g_src = tu_fmt("%s/src", g_dir);
	g_dst = tu_fmt("%s/dst", g_dir);
	x = tu_bin("smig-export");
	if (!tu_have("bsdtar")) {
		g_skip = tu_fmt("bsdtar is not installed");
	} else if (tu_sh("test -x '%s'", x) != 0) {
		g_skip = tu_fmt("'%s' is not built", x);
	} else {
		tu_build_example("lab-2008r2", g_src);
		tu_build_example("lab-2012", g_dst);
		if (tu_sh("cd '%s' && '%s' keygen -p k.pub -s k.sec >/dev/null", g_dir, x) != 0)
			fail_msg("smig-export keygen failed");
		g_desc = export_descriptor(x, "plain", "");
		g_desc_state = export_descriptor(x, "state", "--include-saved-state");
	}
	free(x);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	smig_descriptor_free(g_desc);
	smig_descriptor_free(g_desc_state);
	tu_rmtree(g_dir);
	free(g_dir);
	free(g_src);
	free(g_dst);
	free(g_skip);
	return 0;
}

struct fx {
	char *root;                 /* the destination host folder */
	struct smig_hostfs *dfs;
	struct smig_inventory *dst;
	struct smig_import_opts o;
	struct smig_plan *p;
	char *extra;                /* a scratch destination made by the test, removed after */
	const struct smig_descriptor *desc; /* g_desc unless the test chooses */
};

static void open_dst(struct fx *f, const char *root)
{
	struct smig_err e = SMIG_ERR_INIT;

	smig_inventory_free(f->dst);
	smig_hostfs_free(f->dfs);
	f->dst = NULL;
	f->dfs = NULL;
	free(f->root);
	f->root = tu_fmt("%s", root);
	if (smig_hostfs_open(root, &f->dfs, &e) < 0)
		fail_msg("%s", e.msg);
	if (smig_inventory_read(f->dfs, root, NULL, &f->dst, &e) < 0)
		fail_msg("%s", e.msg);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	*state = f;
	if (g_skip)
		return 0;
	open_dst(f, g_dst);
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	smig_plan_free(f->p);
	smig_import_opts_release(&f->o);
	smig_inventory_free(f->dst);
	smig_hostfs_free(f->dfs);
	if (f->extra)
		tu_rmtree(f->extra);
	free(f->extra);
	free(f->root);
	free(f);
	return 0;
}

static void need_export(void)
{
	if (g_skip) {
		print_message("skipping: %s\n", g_skip);
		skip();
	}
}

/* A second destination: lab-2012 built afresh into <g_dir>/<name> (removed by teardown). */
static void fresh_dst(struct fx *f, const char *name)
{
	f->extra = tu_fmt("%s/%s", g_dir, name);
	tu_build_example("lab-2012", f->extra);
	open_dst(f, f->extra);
}

static int build(struct fx *f, struct smig_err *e)
{
	smig_plan_free(f->p);
	f->p = NULL;
	return smig_plan_build(f->desc ? f->desc : g_desc, f->dfs, f->dst, &f->o, &f->p, e);
}

static void build_ok(struct fx *f)
{
	struct smig_err e = SMIG_ERR_INIT;

	if (build(f, &e) < 0)
		fail_msg("%s", e.msg);
}

static void build_usage(struct fx *f, const char *msg)
{
	struct smig_err e = SMIG_ERR_INIT;

	if (build(f, &e) == 0)
		fail_msg("the plan was built");
	assert_null(f->p);
	assert_int_equal(e.kind, SMIG_ERR_USAGE);
	if (!strstr(e.msg, msg))
		fail_msg("message '%s' does not say '%s'", e.msg, msg);
}

static const struct smig_plan_vm *vm(const struct fx *f, const char *name)
{
	const struct smig_plan_vm *v = smig_plan_find_vm(f->p, name);

	if (!v)
		fail_msg("no plan VM '%s'", name);
	return v;
}

/* The plan disk whose source file name is `base`. */
static const struct smig_plan_disk *disk(const struct smig_plan_vm *v, const char *base)
{
	for (size_t i = 0; i < v->ndisks; i++) {
		const char *w = v->disks[i].src->winpath, *s = w ? strrchr(w, '\\') : NULL;

		if (s && !strcmp(s + 1, base))
			return &v->disks[i];
	}
	fail_msg("no disk '%s'", base);
	return NULL;
}

/* The index of the drive in `slot`. */
static size_t drive(const struct smig_plan_vm *v, const char *slot)
{
	for (size_t i = 0; i < v->src->ndrives; i++)
		if (!strcmp(v->src->drives[i].slot, slot))
			return i;
	fail_msg("no drive '%s'", slot);
	return 0;
}

static size_t items(const struct fx *f, const char *id, enum smig_severity sev,
		    const char *subject, const char *msg)
{
	size_t n = 0;

	for (size_t i = 0; i < f->p->items.count; i++) {
		const struct smig_problem *it = &f->p->items.items[i];

		if (!strcmp(it->id, id) && it->severity == sev &&
		    (!subject || !strcmp(it->subject, subject)) &&
		    (!msg || strstr(it->message, msg)))
			n++;
	}
	return n;
}

static const struct smig_plan_volume *volume(const struct fx *f, char letter)
{
	for (size_t i = 0; i < f->p->nvolumes; i++)
		if (f->p->volumes[i].letter == letter)
			return &f->p->volumes[i];
	return NULL;
}

/* Bytes of the VM's (NULL: every VM's) configurations, snapshots and disks in the archive. */
static uint64_t vm_bytes(const char *id)
{
	uint64_t n = 0;

	for (size_t i = 0; i < g_desc->nmembers; i++) {
		const struct smig_desc_member *m = &g_desc->members[i];

		if (m->vm_id && (!id || smig_guid_str_equal(m->vm_id, id)) &&
		    (!strcmp(m->role, "disk") || !strcmp(m->role, "config") ||
		     !strcmp(m->role, "snapshot-config")))
			n += m->size;
	}
	return n;
}

static void assert_local(const struct fx *f, const char *local, const char *rel)
{
	char *want = tu_fmt("%s/%s", f->root, rel);

	assert_non_null(local);
	assert_string_equal(local, want);
	free(want);
}

static void plan_default(void **state)
{
	struct fx *f = *state;
	const struct smig_plan_switch *s;
	const struct smig_plan_vm *v;
	const struct smig_plan_disk *d;
	const struct smig_plan_volume *vol;
	uint64_t need = 0;
	size_t i;

	need_export();
	build_ok(f);
	assert_true(f->p->hyperv);
	assert_string_equal(f->p->data_root, "D:\\Hyper-V");
	assert_string_equal(f->p->vhd_path, "D:\\VHD");
	assert_true(f->p->set_data_root);
	assert_true(f->p->set_vhd_path);
	assert_true(f->p->set_mac_range);
	assert_true(f->p->set_vmq);
	assert_int_equal(smig_problems_count(&f->p->items, SMIG_SEV_BLOCKER), 0);

	/* networks: the external one downgraded to internal, keeping its host adapter */
	assert_int_equal(f->p->nswitches, 3);
	s = smig_plan_find_switch(f->p, SW_EXT);
	assert_non_null(s);
	assert_string_equal(s->src->name, "External LAN");
	assert_int_equal(s->type, SMIG_SWITCH_INTERNAL);
	assert_true(s->downgraded);
	assert_false(s->exists);
	assert_null(s->bind_nic);
	assert_string_equal(s->guid, SW_EXT);
	assert_non_null(s->src_host_vnic);
	assert_string_equal(s->host_vnic, "{5D0C3E21-8A4B-4F6C-B1D2-3E4F5A6B7C03}");
	assert_non_null(s->host_vnic_port);
	s = smig_plan_find_switch(f->p, SW_INT);
	assert_non_null(s);
	assert_int_equal(s->type, SMIG_SWITCH_INTERNAL);
	assert_false(s->downgraded);
	assert_string_equal(s->host_vnic, "{5D0C3E21-8A4B-4F6C-B1D2-3E4F5A6B7C04}");
	assert_non_null(s->host_vnic_port);
	s = smig_plan_find_switch(f->p, SW_PRIV);
	assert_non_null(s);
	assert_int_equal(s->type, SMIG_SWITCH_PRIVATE);
	assert_false(s->downgraded);
	assert_null(s->host_vnic);
	assert_null(s->host_vnic_port);
	assert_null(smig_plan_find_switch(f->p, "A1E0F6C2-3B4D-4E5F-8A9B-0C1D2E3F4A09"));

	/* web01: configuration under the data root, registered by a link, disks flat in D:\VHD */
	v = vm(f, "web01");
	assert_ptr_equal(v, smig_plan_find_vm(f->p, "6f0b2e9a-41c3-4b8e-9e5b-1d2c3a4b5c01"));
	assert_true(v->selected);
	assert_false(v->exists);
	assert_string_equal(v->id, WEB01);
	assert_string_equal(v->data_root, "D:\\Hyper-V");
	assert_string_equal(v->config_winpath, "D:\\Hyper-V\\Virtual Machines\\" WEB01 ".xml");
	assert_local(f, v->config_local, "D/Hyper-V/Virtual Machines/" WEB01 ".xml");
	assert_int_equal(v->ndisks, 3);
	d = disk(v, "web01.vhd");
	assert_string_equal(d->winpath, "D:\\VHD\\web01.vhd");
	assert_local(f, d->local, "D/VHD/web01.vhd");
	assert_non_null(d->member);
	assert_false(d->reparent);
	assert_null(d->parent_winpath);
	d = disk(v, "web01_" SNAP3 ".avhd");
	assert_string_equal(d->winpath, "D:\\VHD\\web01_" SNAP3 ".avhd");
	assert_false(d->reparent); /* its parent keeps its path */
	assert_string_equal(d->parent_winpath, "D:\\VHD\\web01_" SNAP2 ".avhd");
	assert_string_equal(d->parent_relative, ".\\web01_" SNAP2 ".avhd");
	d = disk(v, "web01_" SNAP2 ".avhd");
	assert_false(d->reparent);
	assert_string_equal(d->parent_winpath, "D:\\VHD\\web01.vhd");
	/* configuration first, then the two snapshots; no saved state in this archive */
	assert_int_equal(v->nfiles, 3);
	assert_string_equal(v->files[0].role, "config");
	assert_string_equal(v->files[0].winpath, v->config_winpath);
	assert_null(v->files[0].snapshot);
	for (i = 1; i < 3; i++) {
		const struct smig_plan_file *fl = &v->files[i];
		char *w = tu_fmt("D:\\Hyper-V\\Snapshots\\%s.xml", fl->snapshot);

		assert_string_equal(fl->role, "snapshot-config");
		assert_non_null(fl->snapshot);
		assert_true(!strcmp(fl->snapshot, SNAP2) || !strcmp(fl->snapshot, SNAP3));
		assert_string_equal(fl->winpath, w);
		assert_non_null(fl->member);
		free(w);
	}
	assert_false(v->saved_state);
	assert_true(v->saved_state_dropped); /* snapshot SNAP3 had saved state */
	assert_true(v->drive_emptied[drive(v, "IDE 1:0")]);   /* the ISO */
	assert_false(v->drive_emptied[drive(v, "IDE 0:0")]);  /* the VHD */
	assert_false(v->drive_emptied[drive(v, "IDE 0:1")]);  /* an empty DVD drive */
	assert_false(v->drive_emptied[drive(v, "Floppy 0:0")]); /* an empty floppy drive */
	assert_false(v->cpu_compat);

	/* sql01: the pass-through disk goes, the empty floppy stays; its saved state is dropped */
	v = vm(f, "sql01");
	assert_true(v->selected);
	assert_true(v->drive_emptied[drive(v, "SCSI 0:0")]);
	assert_false(v->drive_emptied[drive(v, "Floppy 0:0")]);
	assert_false(v->drive_emptied[drive(v, "IDE 0:0")]);
	assert_true(v->saved_state_dropped);
	assert_false(v->saved_state);
	assert_string_equal(disk(v, "sql01-system.vhd")->winpath, "D:\\VHD\\sql01-system.vhd");
	assert_int_equal(v->nfiles, 1);

	/* dc01: the disk moves from C: to D:\VHD, the floppy image goes, nothing to drop */
	v = vm(f, "dc01");
	assert_true(v->selected);
	d = disk(v, "dc01.vhd");
	assert_string_equal(d->winpath, "D:\\VHD\\dc01.vhd");
	assert_local(f, d->local, "D/VHD/dc01.vhd");
	assert_true(v->drive_emptied[drive(v, "Floppy 0:0")]);
	assert_false(v->drive_emptied[drive(v, "IDE 0:1")]);
	assert_false(v->saved_state_dropped);
	assert_true(v->cpu_compat);
	assert_string_equal(v->config_winpath, "D:\\Hyper-V\\Virtual Machines\\" DC01 ".xml");

	v = vm(f, "test01");
	assert_true(v->selected);
	assert_string_equal(disk(v, "test01.vhd")->winpath, "D:\\VHD\\test01.vhd");
	assert_false(v->saved_state_dropped);

	/* every byte placed is on D: */
	need = vm_bytes(NULL);
	assert_true(need > vm_bytes(WEB01));
	assert_true(vm_bytes(WEB01) > 0);
	assert_int_equal(f->p->nvolumes, 1);
	vol = volume(f, 'D');
	assert_non_null(vol);
	assert_int_equal(vol->need, need);
	assert_true(vol->avail > 0);
	assert_local(f, vol->local, "D");
}

/* --map-path moves the VHD folder: the chain is re-parented, relative to its new folder. */
static void plan_map_path(void **state)
{
	struct fx *f = *state;
	const struct smig_plan_vm *v;
	const struct smig_plan_disk *d;

	need_export();
	add_ok(&f->o, SMIG_OPT_MAP_PATH, "D:\\VHD=C:\\Disks");
	build_ok(f);
	assert_string_equal(f->p->vhd_path, "C:\\Disks");
	assert_true(f->p->set_vhd_path);
	assert_string_equal(f->p->data_root, "D:\\Hyper-V");
	v = vm(f, "web01");
	d = disk(v, "web01_" SNAP3 ".avhd");
	assert_string_equal(d->winpath, "C:\\Disks\\web01_" SNAP3 ".avhd");
	assert_local(f, d->local, "C/Disks/web01_" SNAP3 ".avhd");
	assert_true(d->reparent);
	assert_string_equal(d->parent_winpath, "C:\\Disks\\web01_" SNAP2 ".avhd");
	assert_string_equal(d->parent_relative, ".\\web01_" SNAP2 ".avhd");
	d = disk(v, "web01_" SNAP2 ".avhd");
	assert_true(d->reparent);
	assert_string_equal(d->parent_winpath, "C:\\Disks\\web01.vhd");
	assert_string_equal(d->parent_relative, ".\\web01.vhd");
	d = disk(v, "web01.vhd");
	assert_false(d->reparent);
	assert_string_equal(d->winpath, "C:\\Disks\\web01.vhd");
	/* unmapped disks follow the (mapped) VHD folder */
	assert_string_equal(disk(vm(f, "dc01"), "dc01.vhd")->winpath, "C:\\Disks\\dc01.vhd");
	/* configurations stay on D:, disks now on C: */
	assert_non_null(volume(f, 'C'));
	assert_non_null(volume(f, 'D'));
	assert_true(volume(f, 'C')->need > volume(f, 'D')->need);
}

/* A map of one file: the parent moves to another folder, the children do not. */
static void plan_map_parent_elsewhere(void **state)
{
	struct fx *f = *state;
	const struct smig_plan_vm *v;
	const struct smig_plan_disk *d;

	need_export();
	add_ok(&f->o, SMIG_OPT_MAP_PATH, "D:\\VHD\\web01.vhd=D:\\Base\\web01-base.vhd");
	build_ok(f);
	assert_string_equal(f->p->vhd_path, "D:\\VHD");
	v = vm(f, "web01");
	assert_string_equal(disk(v, "web01.vhd")->winpath, "D:\\Base\\web01-base.vhd");
	d = disk(v, "web01_" SNAP2 ".avhd");
	assert_string_equal(d->winpath, "D:\\VHD\\web01_" SNAP2 ".avhd");
	assert_true(d->reparent);
	assert_string_equal(d->parent_winpath, "D:\\Base\\web01-base.vhd");
	assert_string_equal(d->parent_relative, "..\\Base\\web01-base.vhd");
	d = disk(v, "web01_" SNAP3 ".avhd");
	assert_false(d->reparent);
	/* and a parent on another drive has no relative form */
	add_ok(&f->o, SMIG_OPT_MAP_PATH, "D:\\VHD\\web01_" SNAP2 ".avhd=C:\\Mid\\mid.avhd");
	build_ok(f);
	d = disk(vm(f, "web01"), "web01_" SNAP3 ".avhd");
	assert_true(d->reparent);
	assert_string_equal(d->parent_winpath, "C:\\Mid\\mid.avhd");
	assert_null(d->parent_relative);
}

static bool is_upper_guid(const char *s)
{
	struct smig_guid g;
	char buf[SMIG_GUID_BUFSZ];

	if (!s || !smig_guid_parse(s, &g))
		return false;
	smig_guid_format(&g, SMIG_GUID_UPPER, buf);
	return !strcmp(buf, s);
}

static void plan_new_id(void **state)
{
	struct fx *f = *state;
	static const char *const names[] = {"web01", "sql01", "dc01", "test01"};
	char *first[4];
	size_t i, k;

	need_export();
	build_ok(f);
	for (i = 0; i < 4; i++)
		assert_string_equal(vm(f, names[i])->id, vm(f, names[i])->src->id);

	add_ok(&f->o, SMIG_OPT_NEW_ID, NULL);
	build_ok(f);
	for (i = 0; i < 4; i++) {
		const struct smig_plan_vm *v = vm(f, names[i]);
		char *cfg = tu_fmt("D:\\Hyper-V\\Virtual Machines\\%s.xml", v->id);

		assert_true(is_upper_guid(v->id));
		assert_false(smig_guid_str_equal(v->id, v->src->id));
		assert_string_equal(v->config_winpath, cfg);
		assert_non_null(strstr(v->config_local, v->id));
		free(cfg);
		first[i] = tu_fmt("%s", v->id);
		for (k = 0; k < i; k++)
			assert_string_not_equal(first[k], v->id);
	}
	/* the same archive gives the same new ids */
	build_ok(f);
	for (i = 0; i < 4; i++) {
		assert_string_equal(vm(f, names[i])->id, first[i]);
		free(first[i]);
	}
}

static void plan_select_vm(void **state)
{
	struct fx *f = *state;

	need_export();
	add_ok(&f->o, SMIG_OPT_VM, "dc01");
	build_ok(f);
	assert_true(vm(f, "dc01")->selected);
	assert_false(vm(f, "web01")->selected);
	assert_false(vm(f, "sql01")->selected);
	assert_false(vm(f, "test01")->selected);
	assert_null(vm(f, "web01")->config_winpath);
	assert_int_equal(vm(f, "web01")->ndisks, 0);
	/* only dc01's bytes are placed, in the destination's own folders: --vm without
	 * --feature changes no host setting (issue 9 item 6) */
	assert_true(f->p->vms_only);
	assert_false(f->p->set_data_root);
	assert_int_equal(f->p->nvolumes, 1);
	assert_int_equal(f->p->vhd_path[0], f->p->data_root[0]);
	assert_int_equal(volume(f, f->p->data_root[0])->need, vm_bytes(DC01));
	smig_import_opts_release(&f->o);

	/* by GUID, in any form */
	add_ok(&f->o, SMIG_OPT_VM, "{6f0b2e9a-41c3-4b8e-9e5b-1d2c3a4b5c01}");
	build_ok(f);
	assert_true(vm(f, "web01")->selected);
	assert_false(vm(f, "sql01")->selected);
	assert_false(vm(f, "dc01")->selected);
	smig_import_opts_release(&f->o);

	/* a name no VM has is a usage error naming those the archive has, not an import of
	 * nothing; names are case-insensitive, as export takes them (issue 9 item 7) */
	add_ok(&f->o, SMIG_OPT_VM, "nosuch");
	build_usage(f, "--vm 'nosuch': the archive has no VM of that name or ID (it has: "
		    "'dc01', 'sql01', 'test01', 'web01')");
	smig_import_opts_release(&f->o);
	add_ok(&f->o, SMIG_OPT_VM, "DC01");
	build_ok(f);
	assert_true(vm(f, "dc01")->selected);
	assert_false(vm(f, "web01")->selected);
}

/* --feature names a feature of the archive, ignoring case; a typo is refused with the list
 * (issue 9 item 7: it was accepted and imported nothing) */
static void plan_select_feature(void **state)
{
	struct fx *f = *state;

	need_export();
	add_ok(&f->o, SMIG_OPT_FEATURE, "bogus");
	build_usage(f, "--feature 'bogus': the archive has no such feature (it has: 'hyperv', "
		    "'ipconfig')");
	smig_import_opts_release(&f->o);
	add_ok(&f->o, SMIG_OPT_FEATURE, "HyperV");
	build_ok(f);
	assert_true(f->p->hyperv);
	assert_true(vm(f, "web01")->selected);
	assert_true(f->p->set_data_root);
}

/* An exported descriptor for the test, and the fixture's plan on it. */
static struct smig_descriptor *use_export(struct fx *f, const char *name, const char *extra)
{
	char *x = tu_bin("smig-export");
	struct smig_descriptor *d = export_descriptor(x, name, extra);

	free(x);
	f->desc = d;
	return d;
}

static void done_export(struct fx *f, struct smig_descriptor *d)
{
	smig_plan_free(f->p);
	f->p = NULL;
	f->desc = NULL;
	smig_descriptor_free(d);
}

static void assert_nothing_host_wide(const struct fx *f)
{
	assert_true(f->p->vms_only);
	assert_false(f->p->set_data_root);
	assert_false(f->p->set_vhd_path);
	assert_false(f->p->set_mac_range);
	assert_false(f->p->set_vmq);
	assert_false(f->p->store_copy);
	assert_false(f->p->set_store_location);
	/* the destination's own folders place the files */
	assert_non_null(f->dst->host.vhd_path);
	assert_string_equal(f->p->data_root, f->dst->host.data_root);
	assert_string_equal(f->p->vhd_path, f->dst->host.vhd_path);
}

/* --type storage: every VM's disks are placed, no configuration, nothing host-wide, no
 * network (issue 9 item 5: it placed nothing and planned the host settings and networks) */
static void plan_type_storage(void **state)
{
	struct fx *f = *state;
	struct smig_descriptor *d;
	uint64_t disks = 0;

	need_export();
	d = use_export(f, "storage", "--type storage");
	assert_string_equal(d->type, "storage");
	build_ok(f);
	assert_true(f->p->storage_only);
	assert_false(f->p->config_only);
	assert_nothing_host_wide(f);
	assert_int_equal(f->p->nswitches, 0);
	for (size_t i = 0; i < f->p->nvms; i++) {
		const struct smig_plan_vm *v = &f->p->vms[i];

		assert_true(v->selected);
		assert_int_equal(v->nfiles, 0);
		assert_true(v->ndisks > 0);
		for (size_t k = 0; k < v->ndisks; k++) {
			assert_non_null(v->disks[k].member);
			assert_non_null(v->disks[k].local);
			assert_false(v->disks[k].expected);
		}
	}
	for (size_t i = 0; i < d->nmembers; i++)
		if (!strcmp(d->members[i].role, "disk"))
			disks += d->members[i].size;
	assert_true(disks > 0);
	assert_int_equal(volume(f, f->p->vhd_path[0])->need, disks);
	assert_int_equal(smig_problems_count(&f->p->items, SMIG_SEV_BLOCKER), 0);
	done_export(f, d);
}

/* --type config: the configurations are placed, the disks are expected on the destination
 * at their --map-path or source path, and a missing one blocks (SMIG1013) (issue 9 item 5:
 * the VMs would have been registered with disks nobody placed) */
static void plan_type_config(void **state)
{
	struct fx *f = *state;
	struct smig_descriptor *d;
	const struct smig_plan_vm *v;
	size_t ndisks = 0;

	need_export();
	d = use_export(f, "config", "--type config");
	fresh_dst(f, "config-dst"); /* the test puts disks on it */
	build_ok(f);
	assert_true(f->p->config_only);
	assert_false(f->p->storage_only);
	assert_false(f->p->vms_only);
	assert_true(f->p->set_data_root);
	for (size_t i = 0; i < f->p->nvms; i++) {
		v = &f->p->vms[i];
		assert_true(v->selected);
		assert_non_null(v->config_local);
		for (size_t k = 0; k < v->ndisks; k++, ndisks++) {
			assert_true(v->disks[k].expected);
			assert_null(v->disks[k].member);
			assert_false(v->disks[k].reparent);
			/* where the source had it: not flattened into the VHD folder */
			assert_string_equal(v->disks[k].winpath, v->src->disks[k].winpath);
		}
	}
	assert_true(ndisks > 0);
	assert_int_equal(items(f, "SMIG1013", SMIG_SEV_BLOCKER, NULL, "must already be on the "
			       "destination"), ndisks);
	/* the disks placed beforehand: web01's blockers go */
	v = vm(f, "web01");
	for (size_t k = 0; k < v->ndisks; k++)
		assert_int_equal(tu_sh("mkdir -p \"$(dirname '%s')\" && echo vhd >'%s'",
				       v->disks[k].local, v->disks[k].local), 0);
	build_ok(f);
	v = vm(f, "web01");
	for (size_t k = 0; k < v->ndisks; k++) {
		char *sub = tu_fmt("vm:web01/disk:%s", strrchr(v->disks[k].winpath, '\\') + 1);

		assert_int_equal(items(f, "SMIG1013", SMIG_SEV_BLOCKER, sub, NULL), 0);
		free(sub);
	}
	assert_true(items(f, "SMIG1013", SMIG_SEV_BLOCKER, NULL, NULL) > 0);
	/* --map-path says where they are instead */
	add_ok(&f->o, SMIG_OPT_MAP_PATH, "D:\\=E:\\Moved");
	build_ok(f);
	assert_true(!strncmp(vm(f, "web01")->disks[0].winpath, "E:\\Moved\\", 9));
	done_export(f, d);
}

/* export --vm: the archive stands for that VM, its networks, nothing host-wide (issue 9
 * item 6); an import --vm of a whole-host archive is the same unless --feature asks */
static void plan_scope_vms(void **state)
{
	struct fx *f = *state;
	struct smig_descriptor *d;
	char *scope;

	need_export();
	d = use_export(f, "web01", "--vm web01");
	assert_string_equal(d->scope, "vms");
	assert_string_equal(d->features[0], "hyperv");
	assert_null(d->features[1]);
	for (size_t i = 0; i < d->nmembers; i++)
		assert_non_null(d->members[i].vm_id); /* no host-wide member travels */
	build_ok(f);
	assert_nothing_host_wide(f);
	assert_true(vm(f, "web01")->selected);
	assert_false(vm(f, "dc01")->selected);
	assert_int_equal(f->p->nswitches, 1);
	assert_string_equal(f->p->switches[0].src->name, "External LAN");
	done_export(f, d);

	/* a whole-host archive */
	assert_string_equal(g_desc->scope, "host");
	build_ok(f);
	assert_false(f->p->vms_only);
	assert_int_equal(f->p->nswitches, 3);
	add_ok(&f->o, SMIG_OPT_VM, "web01");
	build_ok(f);
	assert_nothing_host_wide(f);
	assert_int_equal(f->p->nswitches, 1);
	add_ok(&f->o, SMIG_OPT_FEATURE, "hyperv");
	build_ok(f);
	assert_false(f->p->vms_only);
	assert_true(f->p->set_data_root);
	assert_int_equal(f->p->nswitches, 3);
	smig_import_opts_release(&f->o);
	/* an archive written before the scope was recorded is a whole-host one */
	scope = g_desc->scope;
	g_desc->scope = NULL;
	build_ok(f);
	g_desc->scope = scope;
	assert_false(f->p->vms_only);
	assert_true(f->p->store_copy);
}

static void plan_bind_switch(void **state)
{
	struct fx *f = *state;
	const struct smig_plan_switch *s;

	need_export();
	add_ok(&f->o, SMIG_OPT_BIND_SWITCH, "External LAN=Ethernet");
	build_ok(f);
	s = smig_plan_find_switch(f->p, SW_EXT);
	assert_int_equal(s->type, SMIG_SWITCH_EXTERNAL);
	assert_false(s->downgraded);
	assert_non_null(s->bind_nic);
	assert_string_equal(s->bind_nic->connection_name, "Ethernet");
	assert_string_equal(s->bind_nic->guid, "{C0FFEE01-2012-4A5B-8C6D-7E8F9A0B1C01}");
	/* the source shared its adapter: the management OS keeps one */
	assert_string_equal(s->host_vnic, "{5D0C3E21-8A4B-4F6C-B1D2-3E4F5A6B7C03}");
	/* the others are unchanged */
	assert_int_equal(smig_plan_find_switch(f->p, SW_INT)->type, SMIG_SWITCH_INTERNAL);
	assert_int_equal(smig_plan_find_switch(f->p, SW_PRIV)->type, SMIG_SWITCH_PRIVATE);
	smig_import_opts_release(&f->o);

	/* by {GUID}, network name in another case */
	add_ok(&f->o, SMIG_OPT_BIND_SWITCH, "external lan={c0ffee01-2012-4a5b-8c6d-7e8f9a0b1c02}");
	build_ok(f);
	s = smig_plan_find_switch(f->p, SW_EXT);
	assert_int_equal(s->type, SMIG_SWITCH_EXTERNAL);
	assert_string_equal(s->bind_nic->connection_name, "Ethernet 2");
	smig_import_opts_release(&f->o);

	/* the rejecting twins */
	add_ok(&f->o, SMIG_OPT_BIND_SWITCH, "External LAN=Ethernet 7");
	build_usage(f, "no physical adapter 'Ethernet 7'");
	build_usage(f, "'Ethernet 2'"); /* the message lists what there is */
	smig_import_opts_release(&f->o);
	add_ok(&f->o, SMIG_OPT_BIND_SWITCH, "Internal Lab=Ethernet");
	build_usage(f, "an internal network");
	smig_import_opts_release(&f->o);
	add_ok(&f->o, SMIG_OPT_BIND_SWITCH, "Private Cluster=Ethernet");
	build_usage(f, "a private network");
	smig_import_opts_release(&f->o);
	add_ok(&f->o, SMIG_OPT_BIND_SWITCH, "No Such LAN=Ethernet");
	build_usage(f, "the archive has no virtual network 'No Such LAN'");
}

static const struct smig_inv_nic *first_physical(const struct smig_inventory *inv)
{
	for (size_t i = 0; i < inv->nnics; i++)
		if (inv->nics[i].physical && !inv->nics[i].host_vnic && inv->nics[i].has_mac)
			return &inv->nics[i];
	fail_msg("no physical adapter with a MAC");
	return NULL;
}

static void plan_map_mac(void **state)
{
	struct fx *f = *state;
	const struct smig_inv_nic *sn, *dn;
	char a[18], b[18];
	char *arg;

	need_export();
	sn = first_physical(g_desc->inv);
	dn = first_physical(f->dst);
	smig_mac_format(&sn->mac, a);
	smig_mac_format(&dn->mac, b);
	arg = tu_fmt("%s=%s", a, b);
	add_ok(&f->o, SMIG_OPT_MAP_MAC, arg);
	add_ok(&f->o, SMIG_OPT_IPCONFIG_MODE, "nic");
	free(arg);
	build_ok(f);
	assert_int_equal(f->p->nnicmap, 1);
	assert_ptr_equal(f->p->nicmap[0].src, sn);
	assert_ptr_equal(f->p->nicmap[0].dst, dn);
	smig_import_opts_release(&f->o);

	/* an address the source does not have, then one the destination does not have */
	arg = tu_fmt("00-11-22-33-44-55=%s", b);
	add_ok(&f->o, SMIG_OPT_MAP_MAC, arg);
	free(arg);
	build_usage(f, "the source has no adapter with MAC 00-11-22-33-44-55");
	smig_import_opts_release(&f->o);
	arg = tu_fmt("%s=00-11-22-33-44-55", a);
	add_ok(&f->o, SMIG_OPT_MAP_MAC, arg);
	free(arg);
	build_usage(f, "the destination has no adapter with MAC 00-11-22-33-44-55");
}

/* A file already where a disk goes: a SMIG1011 blocker, unless --force. */
static void plan_existing_file(void **state)
{
	struct fx *f = *state;
	char *p;

	need_export();
	fresh_dst(f, "dst-busy");
	build_ok(f);
	assert_int_equal(items(f, "SMIG1011", SMIG_SEV_BLOCKER, NULL, NULL), 0);

	p = tu_fmt("%s/D/vhd", f->extra); /* found case-insensitively */
	assert_int_equal(tu_sh("mkdir -p '%s' && echo old >'%s/WEB01.VHD'", p, p), 0);
	build_ok(f);
	assert_int_equal(items(f, "SMIG1011", SMIG_SEV_BLOCKER, "vm:web01/disk:web01.vhd",
			       "'D:\\VHD\\web01.vhd' already exists"), 1);
	assert_int_equal(smig_problems_count(&f->p->items, SMIG_SEV_BLOCKER), 1);
	/* the existing spelling is the one the plan will write to */
	assert_local(f, disk(vm(f, "web01"), "web01.vhd")->local, "D/vhd/WEB01.VHD");

	/* --force never makes someone's file one apply may replace (issue 9 item 3) */
	add_ok(&f->o, SMIG_OPT_FORCE, NULL);
	build_ok(f);
	assert_int_equal(items(f, "SMIG1011", SMIG_SEV_BLOCKER, "vm:web01/disk:web01.vhd",
			       "'D:\\VHD\\web01.vhd' already exists"), 1);
	free(p);
}

/* SMIG1012: a destination network with a source network's name but another type (here an
 * internal one named like the source's private network) is a blocker --force does not lift;
 * the same name and type is reused without one. */
static void plan_network_type_clash(void **state)
{
	struct fx *f = *state;
	const struct smig_inv_switch *priv = NULL;
	struct smig_inv_switch *sw;
	char *sub;

	need_export();
	for (size_t i = 0; i < g_desc->inv->nswitches; i++)
		if (g_desc->inv->switches[i].type == SMIG_SWITCH_PRIVATE)
			priv = &g_desc->inv->switches[i];
	assert_non_null(priv);
	sw = realloc(f->dst->switches, (f->dst->nswitches + 1) * sizeof(*sw));
	assert_non_null(sw);
	f->dst->switches = sw;
	sw = &f->dst->switches[f->dst->nswitches++];
	memset(sw, 0, sizeof(*sw));
	sw->guid = tu_fmt("%s", "0F6A0000-0000-4000-8000-000000000012");
	sw->name = tu_fmt("%s", priv->name);
	sw->type = SMIG_SWITCH_INTERNAL;
	sub = tu_fmt("switch:%s", priv->name);
	add_ok(&f->o, SMIG_OPT_FORCE, NULL);
	build_ok(f);
	assert_int_equal(items(f, "SMIG1012", SMIG_SEV_BLOCKER, sub, "but internal"), 1);
	assert_false(smig_preflight_forceable("SMIG1012"));
	/* the twin: same name, same type */
	sw->type = SMIG_SWITCH_PRIVATE;
	build_ok(f);
	assert_int_equal(items(f, "SMIG1012", SMIG_SEV_BLOCKER, NULL, NULL), 0);
	free(sub);
}

/* A destination without D:: host settings keep the destination's values, an info says so. */
static void plan_no_drive_d(void **state)
{
	struct fx *f = *state;
	const struct smig_plan_vm *v;
	char *d;

	need_export();
	f->extra = tu_fmt("%s/dst-nod", g_dir);
	tu_build_example("lab-2012", f->extra);
	d = tu_fmt("%s/D", f->extra);
	tu_rmtree(d);
	free(d);
	open_dst(f, f->extra);
	build_ok(f);
	assert_string_equal(f->p->data_root, HV_ROOT);
	assert_string_equal(f->p->vhd_path, HV_VHD);
	assert_false(f->p->set_data_root);
	assert_false(f->p->set_vhd_path);
	assert_int_equal(items(f, "", SMIG_SEV_INFO, "host", "'D:\\Hyper-V'"), 1);
	assert_int_equal(items(f, "", SMIG_SEV_INFO, "host", "'D:\\VHD'"), 1);
	/* so the VMs go to the destination's own folders on C: */
	v = vm(f, "web01");
	assert_string_equal(v->config_winpath, HV_ROOT "\\Virtual Machines\\" WEB01 ".xml");
	assert_string_equal(disk(v, "web01.vhd")->winpath, HV_VHD "\\web01.vhd");
	assert_int_equal(f->p->nvolumes, 1);
	assert_non_null(volume(f, 'C'));
	assert_int_equal(smig_problems_count(&f->p->items, SMIG_SEV_BLOCKER), 0);

	/* the twin: mapping D: to C: puts the source's folders there and sets them */
	add_ok(&f->o, SMIG_OPT_MAP_PATH, "D:\\=C:\\From D");
	build_ok(f);
	assert_string_equal(f->p->data_root, "C:\\From D\\Hyper-V");
	assert_string_equal(f->p->vhd_path, "C:\\From D\\VHD");
	assert_true(f->p->set_data_root);
	assert_true(f->p->set_vhd_path);
	assert_int_equal(items(f, "", SMIG_SEV_INFO, "host", NULL), 0);
	assert_string_equal(vm(f, "web01")->config_winpath,
			    "C:\\From D\\Hyper-V\\web01\\Virtual Machines\\" WEB01 ".xml");
}

/* The file of role `role` placed at `winpath`, or NULL. */
static const struct smig_plan_file *file(const struct smig_plan_vm *v, const char *role,
					 const char *winpath)
{
	for (size_t i = 0; i < v->nfiles; i++)
		if (!strcmp(v->files[i].role, role) && !strcmp(v->files[i].winpath, winpath))
			return &v->files[i];
	return NULL;
}

/* An archive with saved state: it is placed, or dropped with --discard-saved-state. */
static void plan_saved_state(void **state)
{
	struct fx *f = *state;
	const struct smig_plan_vm *v;
	const struct smig_plan_file *fl;
	char *w;

	need_export();
	f->desc = g_desc_state;
	build_ok(f);
	v = vm(f, "sql01");
	assert_true(v->saved_state);
	assert_false(v->saved_state_dropped);
	assert_int_equal(v->nfiles, 3);
	assert_string_equal(v->files[0].role, "config");
	fl = file(v, "saved-state", "D:\\Hyper-V\\Virtual Machines\\" SQL01 "\\" SQL01 ".vsv");
	assert_non_null(fl);
	assert_null(fl->snapshot);
	assert_local(f, fl->local, "D/Hyper-V/Virtual Machines/" SQL01 "/" SQL01 ".vsv");
	assert_non_null(file(v, "saved-state",
			     "D:\\Hyper-V\\Virtual Machines\\" SQL01 "\\" SQL01 ".bin"));
	v = vm(f, "web01");
	assert_true(v->saved_state);
	assert_false(v->saved_state_dropped);
	assert_int_equal(v->nfiles, 5);
	fl = file(v, "saved-state", "D:\\Hyper-V\\Snapshots\\" SNAP3 "\\" SNAP3 ".vsv");
	assert_non_null(fl);
	assert_non_null(fl->snapshot);
	assert_string_equal(fl->snapshot, SNAP3);
	assert_false(vm(f, "dc01")->saved_state || vm(f, "dc01")->saved_state_dropped);
	assert_int_equal(volume(f, 'D')->need, vm_bytes(NULL) + 4 * 81);

	/* a new id renames the VM's own state, not the snapshots' */
	add_ok(&f->o, SMIG_OPT_NEW_ID, NULL);
	build_ok(f);
	v = vm(f, "sql01");
	w = tu_fmt("D:\\Hyper-V\\Virtual Machines\\%s\\%s.vsv", v->id, v->id);
	assert_non_null(file(v, "saved-state", w));
	free(w);
	assert_non_null(file(vm(f, "web01"), "saved-state",
			     "D:\\Hyper-V\\Snapshots\\" SNAP3 "\\" SNAP3 ".bin"));
	smig_import_opts_release(&f->o);

	/* the twin: discarded */
	add_ok(&f->o, SMIG_OPT_DISCARD_SAVED_STATE, NULL);
	build_ok(f);
	v = vm(f, "sql01");
	assert_false(v->saved_state);
	assert_true(v->saved_state_dropped);
	assert_int_equal(v->nfiles, 1);
	v = vm(f, "web01");
	assert_true(v->saved_state_dropped);
	assert_int_equal(v->nfiles, 3);
	assert_null(file(v, "saved-state", "D:\\Hyper-V\\Snapshots\\" SNAP3 "\\" SNAP3 ".vsv"));
	assert_int_equal(volume(f, 'D')->need, vm_bytes(NULL));
}

/* A destination whose administrator chose the VM folder: kept, unless --force. */
static void plan_customised_destination(void **state)
{
	struct fx *f = *state;
	char *mk = tu_bin("smig-mkhost"), *ex = tu_src("examples/lab-2012");

	need_export();
	f->extra = tu_fmt("%s/dst-custom", g_dir);
	assert_int_equal(tu_sh("mkdir -p '%s' && cp -r '%s' '%s/def' && sed -i "
			       "'s/\"DefaultExternalDataRoot\": \"[^\"]*\"/"
			       "\"DefaultExternalDataRoot\": \"C:\\\\\\\\VMs\"/' "
			       "'%s/def/host.json' && '%s' --force '%s/def/host.json' '%s/host' "
			       ">/dev/null", f->extra, ex, f->extra, f->extra, mk, f->extra,
			       f->extra), 0);
	free(mk);
	free(ex);
	ex = tu_fmt("%s/host", f->extra);
	open_dst(f, ex);
	free(ex);
	assert_string_equal(f->dst->host.data_root, "C:\\VMs");
	build_ok(f);
	assert_false(f->p->set_data_root);
	assert_string_equal(f->p->data_root, "C:\\VMs");
	assert_true(f->p->set_vhd_path); /* that one is still Hyper-V's default */
	assert_string_equal(f->p->vhd_path, "D:\\VHD");
	assert_int_equal(items(f, "", SMIG_SEV_INFO, "host", "chosen by its administrator"), 1);
	assert_string_equal(vm(f, "web01")->config_winpath,
			    "C:\\VMs\\Virtual Machines\\" WEB01 ".xml");

	add_ok(&f->o, SMIG_OPT_FORCE, NULL);
	build_ok(f);
	assert_true(f->p->set_data_root);
	assert_string_equal(f->p->data_root, "D:\\Hyper-V");
	assert_int_equal(items(f, "", SMIG_SEV_INFO, "host", "chosen by its administrator"), 0);
}

/* The VM data root mapped; a map to a drive the destination lacks; two files on one path. */
static void plan_map_data_root(void **state)
{
	struct fx *f = *state;
	const struct smig_plan_vm *v;

	need_export();
	add_ok(&f->o, SMIG_OPT_MAP_PATH, "D:\\Hyper-V\\web01=C:\\VMs\\web01");
	build_ok(f);
	v = vm(f, "web01");
	assert_string_equal(v->data_root, "C:\\VMs\\web01");
	assert_string_equal(v->config_winpath, "C:\\VMs\\web01\\Virtual Machines\\" WEB01 ".xml");
	assert_non_null(file(v, "snapshot-config", "C:\\VMs\\web01\\Snapshots\\" SNAP2 ".xml"));
	assert_string_equal(disk(v, "web01.vhd")->winpath, "D:\\VHD\\web01.vhd");
	/* the other VMs keep the host's data root */
	assert_string_equal(vm(f, "sql01")->data_root, "D:\\Hyper-V");
	assert_int_equal(smig_problems_count(&f->p->items, SMIG_SEV_BLOCKER), 0);
	smig_import_opts_release(&f->o);

	add_ok(&f->o, SMIG_OPT_MAP_PATH, "D:\\VHD\\web01.vhd=Z:\\V\\web01.vhd");
	build_ok(f);
	assert_int_equal(items(f, "SMIG1011", SMIG_SEV_BLOCKER, "vm:web01/disk:web01.vhd",
			       "on drive Z:"), 1);
	assert_null(disk(vm(f, "web01"), "web01.vhd")->local);
	assert_int_equal(smig_problems_count(&f->p->items, SMIG_SEV_BLOCKER), 1);
	smig_import_opts_release(&f->o);

	add_ok(&f->o, SMIG_OPT_MAP_PATH, "D:\\VHD\\web01.vhd=D:\\X\\same.vhd");
	add_ok(&f->o, SMIG_OPT_MAP_PATH, "D:\\VHD\\sql01-system.vhd=D:\\x\\SAME.vhd");
	build_ok(f);
	assert_int_equal(items(f, "SMIG1011", SMIG_SEV_BLOCKER, NULL,
			       "two files would be placed"), 1);
}

int main(void)
{
	const struct CMUnitTest opts[] = {
		cmocka_unit_test(opts_map_path),
		cmocka_unit_test(opts_bind_switch),
		cmocka_unit_test(opts_map_mac),
		cmocka_unit_test(opts_ipconfig_mode),
		cmocka_unit_test(opts_flags_and_lists),
		cmocka_unit_test(opts_check),
		cmocka_unit_test(opts_argv_round_trip),
		cmocka_unit_test(map_winpath),
	};
	const struct CMUnitTest plans[] = {
		cmocka_unit_test_setup_teardown(plan_default, setup, teardown),
		cmocka_unit_test_setup_teardown(plan_map_path, setup, teardown),
		cmocka_unit_test_setup_teardown(plan_map_parent_elsewhere, setup, teardown),
		cmocka_unit_test_setup_teardown(plan_new_id, setup, teardown),
		cmocka_unit_test_setup_teardown(plan_select_vm, setup, teardown),
		cmocka_unit_test_setup_teardown(plan_select_feature, setup, teardown),
		cmocka_unit_test_setup_teardown(plan_type_storage, setup, teardown),
		cmocka_unit_test_setup_teardown(plan_type_config, setup, teardown),
		cmocka_unit_test_setup_teardown(plan_scope_vms, setup, teardown),
		cmocka_unit_test_setup_teardown(plan_bind_switch, setup, teardown),
		cmocka_unit_test_setup_teardown(plan_map_mac, setup, teardown),
		cmocka_unit_test_setup_teardown(plan_existing_file, setup, teardown),
		cmocka_unit_test_setup_teardown(plan_network_type_clash, setup, teardown),
		cmocka_unit_test_setup_teardown(plan_no_drive_d, setup, teardown),
		cmocka_unit_test_setup_teardown(plan_saved_state, setup, teardown),
		cmocka_unit_test_setup_teardown(plan_map_data_root, setup, teardown),
		cmocka_unit_test_setup_teardown(plan_customised_destination, setup, teardown),
	};
	int rc = cmocka_run_group_tests_name("options", opts, NULL, NULL);

	return rc | cmocka_run_group_tests_name("plans", plans, group_setup, group_teardown);
}
