/* test_hostfs.c - host root, drive map, Windows paths, registration links (formats.md §1). */
#include "testutil.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "hostfs.h"

#define VMDIR "C/ProgramData/Microsoft/Windows/Hyper-V/Virtual Machines"

struct fixture {
	char *tmp;  /* scratch directory */
	char *host; /* tmp/host: a host folder with C/ and d/ */
};

static void mkdirs(const char *base, const char *rel)
{
	struct smig_err e = SMIG_ERR_INIT;
	char *p = tu_fmt("%s/%s", base, rel);

	assert_int_equal(smig_mkdir_p(p, 0755, &e), 0);
	free(p);
}

static void put(const char *base, const char *rel, const char *text)
{
	char *p = tu_fmt("%s/%s", base, rel);

	tu_write(p, text, strlen(text));
	free(p);
}

static void link_to(const char *base, const char *rel, const char *target)
{
	char *p = tu_fmt("%s/%s", base, rel);

	assert_int_equal(symlink(target, p), 0);
	free(p);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->tmp = tu_mkdtemp();
	f->host = tu_fmt("%s/host", f->tmp);
	mkdirs(f->host, "C/Windows/System32/config");
	put(f->host, "C/Windows/System32/config/SYSTEM", "regf");
	mkdirs(f->host, VMDIR);
	mkdirs(f->host, "d/VMs/amb");
	mkdirs(f->host, "d/VMs/sub");
	put(f->host, "d/VMs/Web01.VHD", "conectix");
	put(f->host, "d/VMs/amb/web01.vhd", "a");
	put(f->host, "d/VMs/amb/WEB01.VHD", "b");
	mkdirs(f->tmp, "outside");
	put(f->tmp, "outside/secret.xml", "<secret/>");
	mkdirs(f->tmp, "otherD/VMs");
	put(f->tmp, "otherD/VMs/web01.vhd", "other");
	put(f->tmp, "notadir", "x");
	mkdirs(f->tmp, "empty");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	tu_rmtree(f->tmp);
	free(f->tmp);
	free(f->host);
	free(f);
	return 0;
}

static struct smig_hostfs *open_host(const struct fixture *f)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_hostfs *fs = NULL;

	if (smig_hostfs_open(f->host, &fs, &e) != 0)
		fail_msg("open: %s", e.msg);
	return fs;
}

static void assert_endswith(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	if (ls < lx || strcmp(s + ls - lx, suffix) != 0)
		fail_msg("'%s' does not end with '%s'", s, suffix);
}

static void assert_msg(const struct smig_err *e, const char *needle)
{
	if (strstr(e->msg, needle) == NULL)
		fail_msg("message '%s' lacks '%s'", e->msg, needle);
}

/* ---- opening ---- */

static void open_host_folder_and_c_root(void **state)
{
	struct fixture *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_hostfs *fs = open_host(f);
	char *croot;

	assert_endswith(smig_hostfs_root(fs), "/host/C");
	assert_string_equal(smig_hostfs_drive_dir(fs, 'c'), smig_hostfs_root(fs));
	assert_endswith(smig_hostfs_drive_dir(fs, 'D'), "/host/d"); /* 'd' folder, any case */
	assert_null(smig_hostfs_drive_dir(fs, 'E'));
	assert_null(smig_hostfs_drive_dir(fs, '1'));
	smig_hostfs_free(fs);

	/* a C: root: has Windows/ directly; no other drive is mapped */
	croot = tu_fmt("%s/C", f->host);
	assert_int_equal(smig_hostfs_open(croot, &fs, &e), 0);
	assert_endswith(smig_hostfs_root(fs), "/host/C");
	assert_null(smig_hostfs_drive_dir(fs, 'D'));
	smig_hostfs_free(fs);
	free(croot);
}

static void open_rejects(void **state)
{
	struct fixture *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_hostfs *fs = NULL;
	char *p;

	p = tu_fmt("%s/empty", f->tmp);
	assert_int_equal(smig_hostfs_open(p, &fs, &e), -1);
	assert_null(fs);
	assert_int_equal(e.kind, SMIG_ERR_FORMAT);
	assert_msg(&e, "neither a C: root");
	free(p);

	smig_err_clear(&e);
	p = tu_fmt("%s/missing", f->tmp);
	assert_int_equal(smig_hostfs_open(p, &fs, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_IO);
	assert_int_equal(e.sys_errno, ENOENT);
	free(p);

	/* c/ and C/ in one host folder cannot come from one host */
	smig_err_clear(&e);
	mkdirs(f->tmp, "twins/c");
	mkdirs(f->tmp, "twins/C");
	p = tu_fmt("%s/twins", f->tmp);
	assert_int_equal(smig_hostfs_open(p, &fs, &e), -1);
	assert_msg(&e, "ambiguous host folder");
	free(p);
}

/* ---- parsing ---- */

static void check_parse(const char *in, enum smig_winpath_kind kind, char drive, size_t nparts,
                        const char *formatted)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_winpath wp;
	char *s;

	if (smig_winpath_parse(in, &wp, &e) != 0)
		fail_msg("parse '%s': %s", in, e.msg);
	assert_int_equal(wp.kind, kind);
	assert_int_equal(wp.drive, drive);
	assert_int_equal(wp.nparts, nparts);
	s = smig_winpath_format(&wp, &e);
	assert_non_null(s);
	assert_string_equal(s, formatted);
	free(s);
	smig_winpath_release(&wp);
}

static void check_parse_fails(const char *in, const char *needle)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_winpath wp;

	assert_int_equal(smig_winpath_parse(in, &wp, &e), -1);
	assert_int_equal(wp.kind, SMIG_WINPATH_INVALID);
	assert_null(wp.parts);
	assert_int_equal(e.kind, SMIG_ERR_FORMAT);
	assert_msg(&e, needle);
}

static void winpath_forms(void **state)
{
	(void)state;
	check_parse("d:\\VMs\\web01.vhd", SMIG_WINPATH_DRIVE, 'D', 2, "D:\\VMs\\web01.vhd");
	check_parse("D:/VMs//./x/../web01.vhd", SMIG_WINPATH_DRIVE, 'D', 2, "D:\\VMs\\web01.vhd");
	check_parse("C:\\", SMIG_WINPATH_DRIVE, 'C', 0, "C:\\");
	check_parse("C:", SMIG_WINPATH_DRIVE, 'C', 0, "C:\\");
	check_parse("\\\\?\\D:\\VMs\\a.vhdx", SMIG_WINPATH_DRIVE, 'D', 2, "D:\\VMs\\a.vhdx");
	check_parse("\\??\\C:\\Windows", SMIG_WINPATH_DRIVE, 'C', 1, "C:\\Windows");
	check_parse("\\??\\UNC\\trick\\tmp\\DEFAULT", SMIG_WINPATH_UNC, 0, 3,
	            "\\\\trick\\tmp\\DEFAULT");
	check_parse("\\\\?\\unc\\srv\\share", SMIG_WINPATH_UNC, 0, 2, "\\\\srv\\share");
	check_parse("\\\\server\\share\\VMs\\x.vhd", SMIG_WINPATH_UNC, 0, 4,
	            "\\\\server\\share\\VMs\\x.vhd");
	check_parse("\\\\?\\Volume{0aa394fa-7c4a-4070-ba32-773d43b28a68}\\VMs\\x.vhdx",
	            SMIG_WINPATH_VOLUME, 0, 3,
	            "\\\\?\\Volume{0aa394fa-7c4a-4070-ba32-773d43b28a68}\\VMs\\x.vhdx");
	check_parse("\\\\.\\PHYSICALDRIVE2", SMIG_WINPATH_DEVICE, 0, 1, "\\\\.\\PHYSICALDRIVE2");
	check_parse(".\\base.vhd", SMIG_WINPATH_RELATIVE, 0, 1, "base.vhd");
	check_parse("..\\dir\\x.vhd", SMIG_WINPATH_RELATIVE, 0, 3, "..\\dir\\x.vhd");
	check_parse("a\\..\\..\\b", SMIG_WINPATH_RELATIVE, 0, 2, "..\\b");
	check_parse(".", SMIG_WINPATH_RELATIVE, 0, 0, ".");
}

static void winpath_rejects(void **state)
{
	(void)state;
	check_parse_fails("", "empty");
	check_parse_fails("D:\\..\\x.vhd", "climbs above");
	check_parse_fails("D:\\VMs\\..\\..\\x.vhd", "climbs above");
	check_parse_fails("\\\\srv\\share\\..\\..\\x", "climbs above");
	check_parse_fails("C:foo.vhd", "current directory");
	check_parse_fails("\\VMs\\x.vhd", "no drive letter");
	check_parse_fails("C:\\VMs\\x.vhd:stream", "forbids");
	check_parse_fails("C:\\VMs\\x*.vhd", "forbids");
	check_parse_fails("C:\\VMs\\x\001.vhd", "forbids");
	check_parse_fails("\\\\srv", "without a server and a share");
	check_parse_fails("\\\\?\\Volume{not-a-guid}\\x", "volume GUID");
	check_parse_fails("\\\\?\\GLOBALROOT\\Device\\x", "unsupported");
}

/* ---- resolution ---- */

static void resolve_case_insensitive(void **state)
{
	struct fixture *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_hostfs *fs = open_host(f);
	static const char *const forms[] = {
	    "d:\\vms\\WEB01.vhd",       "D:\\VMs\\Web01.VHD",       "\\\\?\\D:\\VMS\\web01.vhd",
	    "\\??\\D:\\vms\\web01.VHD", "D:/VMs//sub/../Web01.vhd",
	};
	size_t i;
	char *p = NULL;

	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		if (smig_hostfs_resolve(fs, forms[i], &p, &e) != 0)
			fail_msg("resolve '%s': %s", forms[i], e.msg);
		assert_endswith(p, "/host/d/VMs/Web01.VHD");
		free(p);
	}
	/* the exact name wins over case variants */
	assert_int_equal(smig_hostfs_resolve(fs, "D:\\VMs\\amb\\WEB01.VHD", &p, &e), 0);
	assert_endswith(p, "/amb/WEB01.VHD");
	free(p);
	assert_int_equal(smig_hostfs_resolve(fs, "D:\\", &p, &e), 0);
	assert_endswith(p, "/host/d");
	free(p);

	assert_int_equal(smig_hostfs_lookup(fs, "windows/system32/CONFIG/system", &p, &e), 0);
	assert_endswith(p, "/host/C/Windows/System32/config/SYSTEM");
	free(p);
	assert_int_equal(smig_hostfs_lookup(fs, "Windows/System32/config/SOFTWARE", &p, &e), 1);
	assert_null(p);
	assert_int_equal(smig_hostfs_lookup(fs, "Windows/System32/config/SYSTEM/x", &p, &e), 1);
	assert_int_equal(e.kind, SMIG_ERR_NONE);
	assert_int_equal(smig_hostfs_lookup(fs, "Windows/../x", &p, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_USAGE);
	smig_hostfs_free(fs);
}

static void resolve_errors(void **state)
{
	struct fixture *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_hostfs *fs = open_host(f);
	char *p = NULL;

	assert_int_equal(smig_hostfs_resolve(fs, "D:\\VMs\\amb\\Web01.vhd", &p, &e), -1);
	assert_null(p);
	assert_int_equal(e.kind, SMIG_ERR_FORMAT);
	assert_msg(&e, "ambiguous path");
	assert_msg(&e, "differ only in case");

	smig_err_clear(&e);
	assert_int_equal(smig_hostfs_resolve(fs, "D:\\VMs\\nope.vhd", &p, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_IO);
	assert_int_equal(e.sys_errno, ENOENT);
	assert_string_equal(e.msg, "cannot find 'D:\\VMs\\nope.vhd': No such file or directory");

	smig_err_clear(&e); /* a file is not a directory */
	assert_int_equal(smig_hostfs_resolve(fs, "D:\\VMs\\Web01.vhd\\x", &p, &e), -1);
	assert_int_equal(e.sys_errno, ENOENT);

	smig_err_clear(&e);
	assert_int_equal(smig_hostfs_resolve(fs, "e:\\VMs\\x.vhd", &p, &e), -1);
	assert_string_equal(e.msg, "'e:\\VMs\\x.vhd': drive E: is not mapped (use --drive E=DIR)");

	smig_err_clear(&e);
	assert_int_equal(smig_hostfs_resolve(fs, "\\\\srv\\share\\x.vhd", &p, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_FORMAT);
	assert_msg(&e, "UNC path");
	smig_err_clear(&e);
	assert_int_equal(smig_hostfs_resolve(fs, "\\??\\UNC\\srv\\share\\x.vhd", &p, &e), -1);
	assert_msg(&e, "UNC path");
	smig_err_clear(&e);
	assert_int_equal(
	    smig_hostfs_resolve(fs, "\\\\?\\Volume{0aa394fa-7c4a-4070-ba32-773d43b28a68}\\x.vhd",
	                        &p, &e),
	    -1);
	assert_msg(&e, "volume GUID path");
	smig_err_clear(&e);
	assert_int_equal(smig_hostfs_resolve(fs, "\\\\.\\PHYSICALDRIVE2", &p, &e), -1);
	assert_msg(&e, "device path");
	smig_err_clear(&e);
	assert_int_equal(smig_hostfs_resolve(fs, "VMs\\x.vhd", &p, &e), -1);
	assert_msg(&e, "relative path");
	smig_err_clear(&e);
	assert_int_equal(smig_hostfs_resolve(fs, "D:\\VMs\\..\\..\\etc\\passwd", &p, &e), -1);
	assert_msg(&e, "climbs above");
	assert_null(p);
	smig_hostfs_free(fs);
}

static void resolve_refuses_symlink_escape(void **state)
{
	struct fixture *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_hostfs *fs = open_host(f);
	char *out = tu_fmt("%s/outside", f->tmp), *p = NULL;

	link_to(f->host, "d/VMs/escape", out);
	assert_int_equal(smig_hostfs_resolve(fs, "D:\\VMs\\escape\\secret.xml", &p, &e), -1);
	assert_null(p);
	assert_int_equal(e.kind, SMIG_ERR_FORMAT);
	assert_msg(&e, "leads outside the mapped drives");
	smig_err_clear(&e);
	assert_int_equal(smig_hostfs_resolve_new(fs, "D:\\VMs\\escape\\new.xml", &p, &e), -1);
	assert_msg(&e, "leads outside the mapped drives");
	/* a link staying inside is fine */
	link_to(f->host, "d/VMs/inside", "sub");
	smig_err_clear(&e);
	assert_int_equal(smig_hostfs_resolve(fs, "D:\\VMs\\INSIDE", &p, &e), 0);
	free(p);
	free(out);
	smig_hostfs_free(fs);
}

static void drive_override(void **state)
{
	struct fixture *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_hostfs *fs = open_host(f);
	char *arg, *p = NULL;

	arg = tu_fmt("D=%s/otherD", f->tmp);
	assert_int_equal(smig_hostfs_map_drive_arg(fs, arg, &e), 0);
	free(arg);
	assert_int_equal(smig_hostfs_resolve(fs, "D:\\VMs\\WEB01.VHD", &p, &e), 0);
	assert_endswith(p, "/otherD/VMs/web01.vhd");
	free(p);
	arg = tu_fmt("%s/outside", f->tmp);
	assert_int_equal(smig_hostfs_map_drive(fs, 'q', arg, &e), 0);
	free(arg);
	assert_int_equal(smig_hostfs_resolve(fs, "Q:\\Secret.XML", &p, &e), 0);
	free(p);

	assert_int_equal(smig_hostfs_map_drive_arg(fs, "D/tmp", &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_USAGE);
	assert_string_equal(e.msg, "invalid --drive 'D/tmp': expected X=DIR");
	smig_err_clear(&e);
	assert_int_equal(smig_hostfs_map_drive_arg(fs, "1=/tmp", &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_USAGE);
	smig_err_clear(&e);
	assert_int_equal(smig_hostfs_map_drive_arg(fs, "D=", &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_USAGE);
	smig_err_clear(&e);
	arg = tu_fmt("E=%s/missing", f->tmp);
	assert_int_equal(smig_hostfs_map_drive_arg(fs, arg, &e), -1);
	assert_int_equal(e.sys_errno, ENOENT);
	free(arg);
	smig_err_clear(&e);
	arg = tu_fmt("E=%s/notadir", f->tmp);
	assert_int_equal(smig_hostfs_map_drive_arg(fs, arg, &e), -1);
	assert_int_equal(e.sys_errno, ENOTDIR);
	free(arg);
	assert_null(smig_hostfs_drive_dir(fs, 'E'));
	smig_hostfs_free(fs);
}

static void resolve_new_and_relative(void **state)
{
	struct fixture *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_hostfs *fs = open_host(f);
	char *dir, *p = NULL;

	assert_int_equal(smig_hostfs_resolve_new(fs, "D:\\vms\\New.vhd", &p, &e), 0);
	assert_endswith(p, "/host/d/VMs/New.vhd");
	free(p);
	assert_int_equal(smig_hostfs_resolve_new(fs, "D:\\VMS\\WEB01.vhd", &p, &e), 0);
	assert_endswith(p, "/host/d/VMs/Web01.VHD"); /* the existing case variant */
	free(p);
	assert_int_equal(smig_hostfs_resolve_new(fs, "D:\\nodir\\New.vhd", &p, &e), -1);
	assert_int_equal(e.sys_errno, ENOENT);
	smig_err_clear(&e);
	assert_int_equal(smig_hostfs_resolve_new(fs, "D:\\", &p, &e), -1);
	assert_msg(&e, "drive root");
	smig_err_clear(&e);
	link_to(f->host, "d/VMs/dangling.vhd", "/nonexistent/x");
	assert_int_equal(smig_hostfs_resolve_new(fs, "D:\\VMs\\dangling.vhd", &p, &e), -1);
	assert_msg(&e, "symbolic link");
	smig_err_clear(&e);

	dir = tu_fmt("%s/d/VMs/sub", f->host);
	assert_int_equal(smig_hostfs_resolve_relative(fs, dir, "..\\web01.vhd", &p, &e), 0);
	assert_endswith(p, "/host/d/VMs/Web01.VHD");
	free(p);
	assert_int_equal(smig_hostfs_resolve_relative(fs, dir, ".\\..\\AMB\\web01.vhd", &p, &e), 0);
	assert_endswith(p, "/host/d/VMs/amb/web01.vhd");
	free(p);
	assert_int_equal(smig_hostfs_resolve_relative(fs, dir, "D:\\VMs\\Web01.VHD", &p, &e), 0);
	free(p);
	assert_int_equal(
	    smig_hostfs_resolve_relative(fs, dir, "..\\..\\..\\outside\\secret.xml", &p, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_FORMAT);
	assert_msg(&e, "climbs above the root of drive D:");
	smig_err_clear(&e);
	assert_int_equal(smig_hostfs_resolve_relative(fs, dir, "..\\missing.vhd", &p, &e), -1);
	assert_string_equal(e.msg, "cannot find 'D:\\VMs\\missing.vhd': No such file or directory");
	smig_err_clear(&e);
	free(dir);
	dir = tu_fmt("%s/outside", f->tmp);
	assert_int_equal(smig_hostfs_resolve_relative(fs, dir, "secret.xml", &p, &e), -1);
	assert_msg(&e, "not inside a mapped drive");
	free(dir);
	smig_hostfs_free(fs);
}

static void to_winpath(void **state)
{
	struct fixture *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_hostfs *fs = open_host(f);
	char *local, *w;

	local = tu_fmt("%s/d/VMs/Web01.VHD", f->host);
	w = smig_hostfs_to_winpath(fs, local, &e);
	assert_string_equal(w, "D:\\VMs\\Web01.VHD");
	free(w);
	free(local);
	local = tu_fmt("%s/d/VMs/sub/../New.vhd", f->host); /* not created yet */
	w = smig_hostfs_to_winpath(fs, local, &e);
	assert_string_equal(w, "D:\\VMs\\New.vhd");
	free(w);
	free(local);
	local = tu_fmt("%s/C", f->host);
	w = smig_hostfs_to_winpath(fs, local, &e);
	assert_string_equal(w, "C:\\");
	free(w);
	free(local);
	local = tu_fmt("%s/outside/secret.xml", f->tmp);
	assert_null(smig_hostfs_to_winpath(fs, local, &e));
	assert_int_equal(e.kind, SMIG_ERR_NONE);
	free(local);
	local = tu_fmt("%s/nodir/x.vhd", f->tmp);
	assert_null(smig_hostfs_to_winpath(fs, local, &e));
	assert_int_equal(e.kind, SMIG_ERR_IO);
	free(local);
	smig_hostfs_free(fs);
}

/* ---- registration entries ---- */

static int reg(const struct fixture *f, const struct smig_hostfs *fs, const char *entry,
               const char *const *roots, size_t nroots, char **target, const char **how,
               struct smig_err *e)
{
	char *local = tu_fmt("%s/" VMDIR "/%s", f->host, entry);
	int rc = smig_hostfs_registration_target(fs, local, roots, nroots, target, how, e);

	free(local);
	return rc;
}

static void registration_links(void **state)
{
	struct fixture *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_hostfs *fs = open_host(f);
	const char *how = NULL;
	char *t = NULL, *abs;

	put(f->host, VMDIR "/A.xml", "<configuration/>");
	assert_int_equal(reg(f, fs, "A.xml", NULL, 0, &t, &how, &e), 0);
	assert_string_equal(how, "file");
	assert_endswith(t, VMDIR "/A.xml");
	free(t);

	/* Windows-path text, different case on disk */
	put(f->host, "d/VMs/b-real.xml", "<configuration/>");
	link_to(f->host, VMDIR "/B.xml", "D:\\VMs\\B-Real.XML");
	assert_int_equal(reg(f, fs, "B.xml", NULL, 0, &t, &how, &e), 0);
	assert_string_equal(how, "link");
	assert_endswith(t, "/host/d/VMs/b-real.xml");
	free(t);
	link_to(f->host, VMDIR "/B2.xml", "\\??\\D:\\VMs\\b-real.xml");
	assert_int_equal(reg(f, fs, "B2.xml", NULL, 0, &t, &how, &e), 0);
	assert_string_equal(how, "link");
	free(t);

	/* POSIX text inside a mapped drive: absolute and relative */
	put(f->host, "d/VMs/c.xml", "<configuration/>");
	abs = tu_fmt("%s/d/VMs/c.xml", f->host);
	link_to(f->host, VMDIR "/C1.xml", abs);
	free(abs);
	assert_int_equal(reg(f, fs, "C1.xml", NULL, 0, &t, &how, &e), 0);
	assert_string_equal(how, "link");
	assert_endswith(t, "/host/d/VMs/c.xml");
	free(t);
	link_to(f->host, VMDIR "/C2.xml", "../../../../../../d/VMs/c.xml");
	assert_int_equal(reg(f, fs, "C2.xml", NULL, 0, &t, &how, &e), 0);
	assert_endswith(t, "/host/d/VMs/c.xml");
	free(t);

	/* a link to a directory is no configuration */
	link_to(f->host, VMDIR "/Dir.xml", "D:\\VMs\\sub");
	assert_int_equal(reg(f, fs, "Dir.xml", NULL, 0, &t, &how, &e), -1);
	assert_null(t);
	assert_msg(&e, "not a regular file");
	smig_hostfs_free(fs);
}

static void registration_escapes_and_loops(void **state)
{
	struct fixture *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_hostfs *fs = open_host(f);
	const char *how = NULL;
	char *t = NULL, *abs;

	abs = tu_fmt("%s/outside/secret.xml", f->tmp);
	link_to(f->host, VMDIR "/E1.xml", abs);
	free(abs);
	assert_int_equal(reg(f, fs, "E1.xml", NULL, 0, &t, &how, &e), -1);
	assert_null(t);
	assert_int_equal(e.kind, SMIG_ERR_FORMAT);
	assert_msg(&e, "points outside the mapped drives");

	smig_err_clear(&e); /* escaping with '..' */
	link_to(f->host, VMDIR "/E2.xml", "../../../../../../../outside/secret.xml");
	assert_int_equal(reg(f, fs, "E2.xml", NULL, 0, &t, &how, &e), -1);
	assert_msg(&e, "points outside the mapped drives");

	smig_err_clear(&e); /* escaping through a nested link inside the drive */
	abs = tu_fmt("%s/outside", f->tmp);
	link_to(f->host, "d/VMs/hop", abs);
	free(abs);
	abs = tu_fmt("%s/d/VMs/hop/secret.xml", f->host);
	link_to(f->host, VMDIR "/E3.xml", abs);
	free(abs);
	assert_int_equal(reg(f, fs, "E3.xml", NULL, 0, &t, &how, &e), -1);
	assert_msg(&e, "points outside the mapped drives");

	smig_err_clear(&e); /* ... and the same with Windows-path text */
	link_to(f->host, VMDIR "/E4.xml", "D:\\VMs\\hop\\secret.xml");
	assert_int_equal(reg(f, fs, "E4.xml", NULL, 0, &t, &how, &e), -1);
	assert_msg(&e, "leads outside the mapped drives");

	smig_err_clear(&e); /* loops */
	link_to(f->host, VMDIR "/L1.xml", "L1.xml");
	assert_int_equal(reg(f, fs, "L1.xml", NULL, 0, &t, &how, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_IO);
	assert_int_equal(e.sys_errno, ELOOP);
	smig_err_clear(&e);
	link_to(f->host, "d/VMs/loop.xml", "loop.xml");
	link_to(f->host, VMDIR "/L2.xml", "D:\\VMs\\loop.xml");
	assert_int_equal(reg(f, fs, "L2.xml", NULL, 0, &t, &how, &e), -1);
	assert_int_equal(e.sys_errno, ELOOP);
	assert_msg(&e, "registration link");
	assert_null(t);

	smig_err_clear(&e);
	link_to(f->host, VMDIR "/Bad.xml", "D:\\VMs\\a|b.xml");
	assert_int_equal(reg(f, fs, "Bad.xml", NULL, 0, &t, &how, &e), -1);
	assert_msg(&e, "forbids");
	smig_hostfs_free(fs);
}

static void registration_search(void **state)
{
	struct fixture *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_hostfs *fs = open_host(f);
	const char *how = NULL;
	char *t = NULL, *r1, *r2;
	const char *roots[2];

	r1 = tu_fmt("%s/d/Hyper-V", f->host);
	r2 = tu_fmt("%s/d/Store2", f->host);
	roots[0] = r1;
	roots[1] = r2;
	mkdirs(f->host, "d/Hyper-V/VIRTUAL MACHINES");
	mkdirs(f->host, "d/Store2/Virtual Machines");
	put(f->host, "d/Hyper-V/VIRTUAL MACHINES/g1.XML", "<configuration/>");

	put(f->host, VMDIR "/G1.xml", "");
	assert_int_equal(reg(f, fs, "G1.xml", roots, 2, &t, &how, &e), 0);
	assert_string_equal(how, "search");
	assert_endswith(t, "/d/Hyper-V/VIRTUAL MACHINES/g1.XML");
	free(t);
	/* the search root holding the entry itself (the default data root) does not count */
	{
		char *c = tu_fmt("%s/C/ProgramData/Microsoft/Windows/Hyper-V", f->host);
		const char *three[3] = {c, r1, r2};

		assert_int_equal(reg(f, fs, "G1.xml", three, 3, &t, &how, &e), 0);
		assert_endswith(t, "/g1.XML");
		free(t);
		free(c);
	}
	/* a dangling link and an unmapped drive fall back to the search as well */
	link_to(f->host, VMDIR "/G1b.xml", "D:\\VMs\\gone\\G1b.xml");
	put(f->host, "d/Store2/Virtual Machines/G1b.xml", "<configuration/>");
	assert_int_equal(reg(f, fs, "G1b.xml", roots, 2, &t, &how, &e), 0);
	assert_string_equal(how, "search");
	free(t);
	link_to(f->host, VMDIR "/G1c.xml", "F:\\Hyper-V\\G1c.xml");
	put(f->host, "d/Store2/Virtual Machines/g1c.xml", "<configuration/>");
	assert_int_equal(reg(f, fs, "G1c.xml", roots, 2, &t, &how, &e), 0);
	assert_string_equal(how, "search");
	free(t);

	/* two candidates: ambiguous */
	put(f->host, VMDIR "/G2.xml", "");
	put(f->host, "d/Hyper-V/VIRTUAL MACHINES/G2.xml", "<configuration/>");
	put(f->host, "d/Store2/Virtual Machines/G2.xml", "<configuration/>");
	assert_int_equal(reg(f, fs, "G2.xml", roots, 2, &t, &how, &e), -1);
	assert_null(t);
	assert_msg(&e, "ambiguous");

	/* none (a 0-byte candidate is another placeholder, not a match) */
	smig_err_clear(&e);
	put(f->host, VMDIR "/G3.xml", "");
	put(f->host, "d/Store2/Virtual Machines/G3.xml", "");
	assert_int_equal(reg(f, fs, "G3.xml", roots, 2, &t, &how, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_FORMAT);
	assert_msg(&e, "is empty and no 'Virtual Machines/G3.xml' was found");
	smig_err_clear(&e);
	assert_int_equal(reg(f, fs, "G1.xml", NULL, 0, &t, &how, &e), -1);
	assert_msg(&e, "was found");
	/* a missing entry (a share hiding a reparse point) is searched for too */
	smig_err_clear(&e);
	assert_int_equal(reg(f, fs, "missing.xml", roots, 2, &t, &how, &e), -1);
	assert_msg(&e, "is missing and no 'Virtual Machines/missing.xml' was found");
	smig_err_clear(&e);
	put(f->host, "d/Store2/Virtual Machines/G4.xml", "<configuration/>");
	assert_int_equal(reg(f, fs, "G4.xml", roots, 2, &t, &how, &e), 0);
	assert_string_equal(how, "search");
	assert_endswith(t, "/d/Store2/Virtual Machines/G4.xml");
	free(t);
	free(r1);
	free(r2);
	smig_hostfs_free(fs);
}

/* Overrides: a facts folder's files stand in for host files, for lookup and resolve alike. */
static void overrides(void **state)
{
	struct fixture *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_hostfs *fs = open_host(f);
	char *p = NULL, *other = tu_fmt("%s/elsewhere.bin", f->tmp);

	put(f->tmp, "elsewhere.bin", "x");
	mkdirs(f->host, "C/Windows/System32/config");
	put(f->host, "C/Windows/System32/config/SYSTEM", "locked");
	put(f->host, "d/store.xml", "live");
	assert_int_equal(smig_hostfs_lookup(fs, "Windows/System32/config/SYSTEM", &p, &e), 0);
	assert_endswith(p, "/C/Windows/System32/config/SYSTEM");
	free(p);
	assert_int_equal(smig_hostfs_override(fs, "c:\\windows\\system32\\CONFIG\\system", other,
	                                      &e), 0);
	assert_int_equal(smig_hostfs_override(fs, "D:\\store.xml", NULL, &e), 0);
	assert_int_equal(smig_hostfs_override(fs, "E:\\only-here.txt", other, &e), 0);
	assert_int_equal(smig_hostfs_lookup(fs, "Windows/System32/config/SYSTEM", &p, &e), 0);
	assert_string_equal(p, other);
	free(p);
	assert_int_equal(smig_hostfs_resolve(fs, "C:\\Windows\\System32\\config\\SYSTEM", &p, &e),
	                 0);
	assert_string_equal(p, other);
	free(p);
	/* an unmapped drive's overridden file is found; an override to "absent" hides one */
	assert_int_equal(smig_hostfs_resolve(fs, "e:\\ONLY-HERE.txt", &p, &e), 0);
	free(p);
	assert_int_equal(smig_hostfs_resolve(fs, "D:\\store.xml", &p, &e), -1);
	assert_int_equal(e.sys_errno, ENOENT);
	assert_msg(&e, "cannot find 'D:\\store.xml'");
	assert_null(p);
	smig_err_clear(&e);
	/* files still to be created are never overridden; other paths use the drive map */
	assert_int_equal(smig_hostfs_resolve_new(fs, "D:\\store.xml", &p, &e), 0);
	assert_endswith(p, "/d/store.xml");
	free(p);
	assert_int_equal(smig_hostfs_lookup(fs, "Windows/System32/config/SOFTWARE", &p, &e), 1);
	/* only files on drives */
	assert_int_equal(smig_hostfs_override(fs, "\\\\srv\\share\\x", other, &e), -1);
	assert_msg(&e, "is not a file on a drive");
	free(other);
	smig_hostfs_free(fs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(open_host_folder_and_c_root, setup, teardown),
	    cmocka_unit_test_setup_teardown(open_rejects, setup, teardown),
	    cmocka_unit_test(winpath_forms),
	    cmocka_unit_test(winpath_rejects),
	    cmocka_unit_test_setup_teardown(resolve_case_insensitive, setup, teardown),
	    cmocka_unit_test_setup_teardown(resolve_errors, setup, teardown),
	    cmocka_unit_test_setup_teardown(resolve_refuses_symlink_escape, setup, teardown),
	    cmocka_unit_test_setup_teardown(drive_override, setup, teardown),
	    cmocka_unit_test_setup_teardown(resolve_new_and_relative, setup, teardown),
	    cmocka_unit_test_setup_teardown(to_winpath, setup, teardown),
	    cmocka_unit_test_setup_teardown(registration_links, setup, teardown),
	    cmocka_unit_test_setup_teardown(registration_escapes_and_loops, setup, teardown),
	    cmocka_unit_test_setup_teardown(registration_search, setup, teardown),
	    cmocka_unit_test_setup_teardown(overrides, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
