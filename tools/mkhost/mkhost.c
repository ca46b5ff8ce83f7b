/*
 * smig-mkhost - build a host folder (C/, D/, ...) from a committed, readable description.
 *
 * The example hosts and the test fixtures are made this way, so nothing binary is committed
 * and every fixture says how it was made. The description is JSON (docs/fixtures.md):
 * registry hives are generated empty (regf) and filled through hivex; VM configurations are
 * generated in their on-disk encoding (vmconfig); VHDs are written by smig's VHD writer; text
 * files are re-encoded as Windows writes them. The same description always gives
 * byte-identical files with the same mtimes (no clock, no randomness).
 *
 * Usage: smig-mkhost [--force] [--language CODE] [--dest-facts FILE] DESCRIPTION.json OUTDIR
 * --dest-facts also describes the built host in a dest-facts.json (docs/dest-facts.md), as
 * probe.ps1 would on a running host: the fixture of a destination reached through its shares.
 * --language (or the description's "language") writes the files marked with a "tool" as that
 * display language's Windows writes them: translated (translate.c) and, for "crlf", in its
 * OEM code page; a French host is the English description built with --language fr.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "destfacts.h"
#include "fileio.h"
#include "hive.h"
#include "hostfs.h"
#include "inventory.h"
#include "secdesc.h"
#include "strbuf.h"
#include "translate.h"
#include "vhd.h"
#include "vmconfig.h"
#include "winlang.h"
#include "winval.h"

struct mk {
	const char *out;     /* host folder */
	const char *descdir; /* directory of the description (for "from" files) */
	int64_t mtime;       /* default mtime of every file written */
	struct smig_err e;
	char **written;      /* files written, for the final mtime pass */
	size_t nwritten;
	int64_t *mtimes;
	const struct smig_lang *lang; /* of the tools' output files; English by default */
};

static void remember(struct mk *m, const char *path, int64_t mtime)
{
	char **w = realloc(m->written, (m->nwritten + 1) * sizeof(*w));
	int64_t *t = realloc(m->mtimes, (m->nwritten + 1) * sizeof(*t));

	if (w)
		m->written = w;
	if (t)
		m->mtimes = t;
	if (w && t) {
		m->written[m->nwritten] = strdup(path);
		m->mtimes[m->nwritten++] = mtime;
	}
}

/* "D:\\VMs\\x.vhd" -> OUT/D/VMs/x.vhd, creating the parent directories. */
static char *local_path(struct mk *m, const char *win)
{
	struct smig_strbuf sb = SMIG_STRBUF_INIT;
	char *p, *dir;
	const char *s;

	if (strlen(win) < 3 || win[1] != ':' || win[2] != '\\') {
		smig_err_set(&m->e, SMIG_ERR_USAGE, "'%s' is not a drive-absolute Windows path", win);
		return NULL;
	}
	smig_strbuf_printf(&sb, "%s/%c", m->out, win[0] & ~0x20);
	for (s = win + 2; *s; s++)
		smig_strbuf_putc(&sb, *s == '\\' ? '/' : *s);
	p = smig_strbuf_take(&sb, NULL);
	if (p == NULL) {
		smig_err_nomem(&m->e, "building a path");
		return NULL;
	}
	dir = strdup(p);
	if (dir == NULL || smig_mkdir_p(dirname(dir), 0755, &m->e) < 0) {
		free(dir);
		free(p);
		return NULL;
	}
	free(dir);
	return p;
}

static int64_t jint(json_t *o, const char *key, int64_t dflt)
{
	json_t *v = json_object_get(o, key);

	return json_is_integer(v) ? json_integer_value(v) : dflt;
}

static const char *jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static bool jbool(json_t *o, const char *key)
{
	return json_is_true(json_object_get(o, key));
}

/* Sizes: an integer (bytes) or a string with a K/M/G suffix (binary units). */
static uint64_t jsize(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	const char *s;
	char *end;
	uint64_t n;

	if (json_is_integer(v))
		return (uint64_t)json_integer_value(v);
	if (!json_is_string(v))
		return 0;
	s = json_string_value(v);
	n = strtoull(s, &end, 10);
	switch (*end) {
	case 'K':
		return n << 10;
	case 'M':
		return n << 20;
	case 'G':
		return n << 30;
	default:
		return n;
	}
}

/* ---- registry ---- */

static int set_value(struct mk *m, struct smig_hive *h, smig_hive_node n, const char *key,
		     const char *name, json_t *v)
{
	if (json_is_string(v))
		return smig_hive_set_sz(h, n, name, json_string_value(v), &m->e);
	if (json_is_integer(v))
		return smig_hive_set_dword(h, n, name, (uint32_t)json_integer_value(v), &m->e);
	if (json_is_array(v)) {
		size_t i, cnt = json_array_size(v);
		const char **strs = calloc(cnt + 1, sizeof(*strs));
		int rc;
		if (strs == NULL)
			return smig_err_nomem(&m->e, "building a REG_MULTI_SZ");
		for (i = 0; i < cnt; i++)
			strs[i] = json_string_value(json_array_get(v, i));
		rc = smig_hive_set_multi_sz(h, n, name, strs, cnt, &m->e);
		free(strs);
		return rc;
	}
	if (json_is_object(v)) {
		const char *t;
		if ((t = jstr(v, "expand")))
			return smig_hive_set_expand_sz(h, n, name, t, &m->e);
		if (json_object_get(v, "qword"))
			return smig_hive_set_qword(h, n, name, (uint64_t)jint(v, "qword", 0), &m->e);
		if ((t = jstr(v, "hex"))) {
			unsigned char buf[4096];
			size_t len = 0;
			unsigned hi;
			const char *p = t;
			while (*p && len < sizeof(buf)) {
				int used = 0;
				while (*p == ' ' || *p == ',' || *p == '-')
					p++;
				if (!*p)
					break;
				if (sscanf(p, "%2x%n", &hi, &used) != 1 || used != 2)
					return smig_err_set(&m->e, SMIG_ERR_USAGE,
							    "%s\\%s: bad hex data", key, name);
				buf[len++] = (unsigned char)hi;
				p += used;
			}
			return smig_hive_set_raw(h, n, name, 3, buf, len, &m->e);
		}
		if ((t = jstr(v, "sddl"))) {
			unsigned char *sd = NULL;
			size_t len = 0;
			int rc = smig_secdesc_from_sddl(t, &sd, &len, &m->e);
			if (rc == 0)
				rc = smig_hive_set_raw(h, n, name, 3, sd, len, &m->e);
			free(sd);
			return rc;
		}
	}
	return smig_err_set(&m->e, SMIG_ERR_USAGE, "%s\\%s: unsupported value form", key, name);
}

static int build_hive(struct mk *m, const char *hname, json_t *keys, uint64_t filetime)
{
	struct smig_hive *h = NULL;
	char *path = NULL, *win = NULL;
	const char *key;
	json_t *vals;
	int rc = -1;

	win = smig_asprintf(&m->e, "C:\\Windows\\System32\\config\\%s", hname);
	if (win == NULL || (path = local_path(m, win)) == NULL)
		goto out;
	if (smig_hive_create(path, hname, filetime, &m->e) < 0 ||
	    smig_hive_open(path, win, true, NULL, &h, &m->e) < 0)
		goto out;
	json_object_foreach(keys, key, vals) {
		smig_hive_node n;
		const char *vname;
		json_t *v;
		if (smig_hive_mkpath(h, key, &n, &m->e) < 0)
			goto out;
		json_object_foreach(vals, vname, v) {
			if (set_value(m, h, n, key, strcmp(vname, "@") == 0 ? "" : vname, v) < 0)
				goto out;
		}
	}
	if (smig_hive_commit(h, NULL, &m->e) < 0)
		goto out;
	remember(m, path, m->mtime);
	rc = 0;
out:
	if (h)
		smig_hive_close(h);
	free(path);
	free(win);
	return rc;
}

/* ---- text files ---- */

/* Encodings: "utf8" (as given), "crlf" (ASCII/OEM with CRLF, what cmd.exe redirection
 * writes: in OEM code page `cp` when it is not 0), "utf16" (UTF-16LE with BOM and CRLF, what
 * PowerShell's > writes). */
static int write_text(struct mk *m, const char *path, const char *text, const char *enc,
		      unsigned cp)
{
	struct smig_strbuf sb = SMIG_STRBUF_INIT;
	unsigned char *u = NULL;
	size_t n = 0;
	const char *p;
	int rc;

	if (enc == NULL || strcmp(enc, "utf8") == 0)
		return smig_file_write_atomic(path, text, strlen(text), 0644, &m->e);
	for (p = text; *p; p++) {
		if (*p == '\n' && (p == text || p[-1] != '\r'))
			smig_strbuf_putc(&sb, '\r');
		smig_strbuf_putc(&sb, *p);
	}
	if (smig_strbuf_check(&sb, &m->e) < 0)
		return -1;
	if (strcmp(enc, "utf16") == 0) {
		if (smig_utf8_to_utf16le(sb.buf ? sb.buf : "", sb.len, false, &u, &n, &m->e) < 0) {
			smig_strbuf_release(&sb);
			return -1;
		}
		smig_strbuf_release(&sb);
		smig_strbuf_append(&sb, "\xFF\xFE", 2);
		smig_strbuf_append(&sb, u, n);
		free(u);
	} else if (cp != 0) {
		char *o = NULL;

		if (smig_lang_encode_oem(sb.buf ? sb.buf : "", sb.len, cp, &o, &n, &m->e) < 0) {
			smig_strbuf_release(&sb);
			return -1;
		}
		smig_strbuf_release(&sb);
		smig_strbuf_append(&sb, o, n);
		free(o);
	}
	rc = smig_strbuf_check(&sb, &m->e) ? -1 :
		smig_file_write_atomic(path, sb.buf ? sb.buf : "", sb.len, 0644, &m->e);
	smig_strbuf_release(&sb);
	return rc;
}

static int build_file(struct mk *m, json_t *f)
{
	const char *win = jstr(f, "path"), *from = jstr(f, "from"), *text = jstr(f, "text");
	char *path = NULL, *src = NULL, *buf = NULL;
	size_t len = 0;
	int rc = -1;

	if (win == NULL)
		return smig_err_set(&m->e, SMIG_ERR_USAGE, "a file entry has no \"path\"");
	if ((path = local_path(m, win)) == NULL)
		return -1;
	if (from) {
		src = smig_path_join(m->descdir, from, &m->e);
		if (src == NULL || smig_file_read(src, 64u << 20, NULL, &buf, &len, &m->e) < 0)
			goto out;
		if (jstr(f, "tool") != NULL) {
			/* a tool's output: in the host's display language and OEM code page */
			char *tr = m->lang == smig_langs[0]
					   ? smig_strdup(buf, &m->e)
					   : mk_translate(buf, jstr(f, "tool"), m->lang, &m->e);

			if (tr == NULL)
				goto out;
			rc = write_text(m, path, tr, jstr(f, "encoding"), m->lang->oem_cp);
			free(tr);
		} else {
			rc = write_text(m, path, buf, jstr(f, "encoding"), 0);
		}
	} else if (text) {
		rc = write_text(m, path, text, jstr(f, "encoding"), 0);
	} else {
		/* a placeholder of the given size filled with a recognisable line (ISO, VFD, state) */
		uint64_t size = jsize(f, "size"), i;
		const char *fill = jstr(f, "fill") ? jstr(f, "fill") : win;
		size_t fl = strlen(fill);
		char *data = malloc(size ? size : 1);
		if (data == NULL) {
			smig_err_nomem(&m->e, "building a file");
			goto out;
		}
		for (i = 0; i < size; i++)
			data[i] = fill[i % fl];
		rc = smig_file_write_atomic(path, data, size, 0644, &m->e);
		free(data);
	}
	if (rc == 0)
		remember(m, path, jint(f, "mtime", m->mtime));
out:
	free(path);
	free(src);
	free(buf);
	return rc;
}

/* ---- disks ---- */

static int fill_disk(struct mk *m, const char *path, json_t *data)
{
	size_t i;

	for (i = 0; i < json_array_size(data); i++) {
		json_t *d = json_array_get(data, i);
		uint64_t off = jsize(d, "offset"), len = jsize(d, "length"), k;
		const char *text = jstr(d, "text") ? jstr(d, "text") : "smig fixture data ";
		size_t tl = strlen(text);
		char *buf;
		int rc;

		if (len == 0 || len % 512 || off % 512)
			return smig_err_set(&m->e, SMIG_ERR_USAGE,
					    "%s: disk data needs a non-zero offset and length in whole sectors",
					    path);
		buf = malloc(len);
		if (buf == NULL)
			return smig_err_nomem(&m->e, "filling a disk");
		for (k = 0; k < len; k++)
			buf[k] = text[k % tl];
		rc = smig_vhd_write(path, off, buf, len, &m->e);
		free(buf);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* The "time" of the disk entry whose path is `win` (a parent), or the default mtime. */
static int64_t disk_time(struct mk *m, json_t *disks, const char *win)
{
	size_t i;

	for (i = 0; i < json_array_size(disks); i++) {
		json_t *d = json_array_get(disks, i);
		if (jstr(d, "path") && strcmp(jstr(d, "path"), win) == 0)
			return jint(d, "time", smig_unix_to_vhdtime(m->mtime));
	}
	return smig_unix_to_vhdtime(m->mtime);
}

static int build_disk(struct mk *m, json_t *d, json_t *disks)
{
	const char *win = jstr(d, "path"), *type = jstr(d, "type"), *parent = jstr(d, "parent");
	struct smig_vhd_spec spec = {0};
	char *path = NULL, *ppath = NULL, *rel = NULL;
	uint32_t vtime = (uint32_t)jint(d, "time", smig_unix_to_vhdtime(m->mtime));
	int rc = -1;

	if (win == NULL || type == NULL)
		return smig_err_set(&m->e, SMIG_ERR_USAGE, "a disk entry needs \"path\" and \"type\"");
	if (!smig_guid_parse(jstr(d, "id"), &spec.unique_id))
		return smig_err_set(&m->e, SMIG_ERR_USAGE, "disk '%s' needs an \"id\" GUID", win);
	if ((path = local_path(m, win)) == NULL)
		return -1;
	spec.timestamp = vtime;
	spec.size = jsize(d, "size");
	spec.block_size = (uint32_t)jsize(d, "block_size");
	if (strcmp(type, "fixed") == 0) {
		spec.type = SMIG_VHD_FIXED;
	} else if (strcmp(type, "dynamic") == 0) {
		spec.type = SMIG_VHD_DYNAMIC;
	} else if (strcmp(type, "differencing") == 0) {
		const char *pbase;
		spec.type = SMIG_VHD_DIFFERENCING;
		if (parent == NULL || (ppath = local_path(m, parent)) == NULL) {
			smig_err_set(&m->e, SMIG_ERR_USAGE, "differencing disk '%s' needs \"parent\"", win);
			goto out;
		}
		pbase = strrchr(parent, '\\') + 1;
		rel = smig_asprintf(&m->e, ".\\%s", pbase);
		spec.parent_path = ppath;
		spec.parent_w2ku = jbool(d, "no_w2ku") ? NULL : parent;
		spec.parent_w2ru = jbool(d, "no_w2ru") ? NULL : rel;
		spec.parent_name = parent;
		/* the parent's modification time, as Windows records it when linking (§7.7) */
		spec.parent_timestamp = (uint32_t)jint(d, "parent_time", disk_time(m, disks, parent));
	} else {
		smig_err_set(&m->e, SMIG_ERR_USAGE, "disk '%s': unknown type '%s'", win, type);
		goto out;
	}
	if (smig_vhd_create(path, &spec, &m->e) < 0 ||
	    fill_disk(m, path, json_object_get(d, "data")) < 0)
		goto out;
	remember(m, path, smig_vhdtime_to_unix(vtime));
	rc = 0;
out:
	free(path);
	free(ppath);
	free(rel);
	return rc;
}

/* ---- virtual machines ---- */

static int parse_drives(struct mk *m, json_t *arr, struct smig_vmspec_drive **out, size_t *n)
{
	size_t i;

	*n = json_array_size(arr);
	*out = calloc(*n + 1, sizeof(**out));
	if (*out == NULL)
		return smig_err_nomem(&m->e, "reading drives");
	for (i = 0; i < *n; i++) {
		json_t *d = json_array_get(arr, i);
		const char *c = jstr(d, "controller");
		struct smig_vmspec_drive *o = &(*out)[i];
		o->ctrl_kind = c && strcmp(c, "scsi") == 0     ? SMIG_CTRL_SCSI
			       : c && strcmp(c, "floppy") == 0 ? SMIG_CTRL_FLOPPY
							       : SMIG_CTRL_IDE;
		o->controller = (int)jint(d, "bus", 0);
		o->slot = (int)jint(d, "slot", 0);
		o->type = jstr(d, "type");
		o->pathname = jstr(d, "path");
	}
	return 0;
}

static int parse_nics(struct mk *m, json_t *arr, struct smig_vmspec_nic **out, size_t *n)
{
	size_t i;

	*n = json_array_size(arr);
	*out = calloc(*n + 1, sizeof(**out));
	if (*out == NULL)
		return smig_err_nomem(&m->e, "reading NICs");
	for (i = 0; i < *n; i++) {
		json_t *d = json_array_get(arr, i);
		struct smig_vmspec_nic *o = &(*out)[i];
		o->legacy = jbool(d, "legacy");
		o->friendly_name = jstr(d, "name");
		o->mac = jstr(d, "mac");
		o->mac_static = jbool(d, "static");
		o->switch_id = jstr(d, "switch");
		o->port_id = jstr(d, "port");
		o->instance_id = jstr(d, "instance");
	}
	return 0;
}

/* Write one configuration (VM or snapshot) generated from `vm` with `over` overriding. */
static int write_config(struct mk *m, json_t *vm, json_t *over, const char *win)
{
	struct smig_vmspec spec = {0};
	struct smig_vmspec_drive *drives = NULL;
	struct smig_vmspec_nic *nics = NULL;
	const char **snaps = NULL;
	json_t *src_drives = json_object_get(over, "drives") ? json_object_get(over, "drives")
							       : json_object_get(vm, "drives");
	json_t *sl = json_object_get(over, "snapshots");
	unsigned char *xml = NULL;
	size_t xlen = 0, i;
	char *path = NULL;
	int rc = -1;

	spec.global_id = jstr(over, "id");
	spec.name = jstr(over, "name");
	spec.notes = jstr(vm, "notes");
	spec.version = jint(vm, "version", 768);
	spec.creation_filetime = smig_unix_to_filetime(jint(over, "created", m->mtime));
	spec.memory_mb = jint(vm, "memory_mb", 512);
	spec.memory_min_mb = jint(vm, "memory_min_mb", spec.memory_mb);
	spec.memory_max_mb = jint(vm, "memory_max_mb", spec.memory_mb);
	spec.dynamic_memory = jbool(vm, "dynamic_memory");
	spec.sp1_memory_fields = !jbool(vm, "rtm");
	spec.cpu_count = jint(vm, "cpus", 1);
	spec.cpu_compat = jbool(vm, "cpu_compat");
	spec.scsi_instance_id = jstr(vm, "scsi");
	spec.bios_guid = jstr(vm, "bios_guid");
	spec.generation_id = jstr(vm, "generation_id");
	if (parse_drives(m, src_drives, &drives, &spec.ndrives) < 0 ||
	    parse_nics(m, json_object_get(vm, "nics"), &nics, &spec.nnics) < 0)
		goto out;
	spec.drives = drives;
	spec.nics = nics;
	spec.nsnapshots = json_array_size(sl);
	snaps = calloc(spec.nsnapshots + 1, sizeof(*snaps));
	if (snaps == NULL)
		goto out;
	for (i = 0; i < spec.nsnapshots; i++)
		snaps[i] = jstr(json_array_get(sl, i), "id");
	spec.snapshot_ids = snaps;
	if (smig_vmconfig_build(&spec, &xml, &xlen, &m->e) < 0 || (path = local_path(m, win)) == NULL ||
	    smig_file_write_atomic(path, xml, xlen, 0644, &m->e) < 0)
		goto out;
	remember(m, path, m->mtime);
	rc = 0;
out:
	free(drives);
	free(nics);
	free(snaps);
	free(xml);
	free(path);
	return rc;
}

static int write_state(struct mk *m, const char *dirwin, const char *id)
{
	static const char *const ext[] = {"vsv", "bin"};
	int i;

	for (i = 0; i < 2; i++) {
		char *win = smig_asprintf(&m->e, "%s\\%s\\%s.%s", dirwin, id, id, ext[i]);
		char *path = win ? local_path(m, win) : NULL;
		char line[160];
		int rc;
		snprintf(line, sizeof(line), "synthetic saved-state placeholder (%s) for %s\n", ext[i], id);
		rc = path ? smig_file_write_atomic(path, line, strlen(line), 0644, &m->e) : -1;
		if (rc == 0)
			remember(m, path, m->mtime);
		free(win);
		free(path);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int build_vm(struct mk *m, json_t *vm)
{
	const char *id = jstr(vm, "id"), *root = jstr(vm, "data_root"), *reg = jstr(vm, "register");
	char *cfg = NULL, *vmsdir = NULL, *regwin = NULL, *regpath = NULL, *snapdir = NULL;
	json_t *snaps = json_object_get(vm, "snapshots");
	size_t i;
	int rc = -1;

	if (id == NULL || root == NULL)
		return smig_err_set(&m->e, SMIG_ERR_USAGE, "a VM needs \"id\" and \"data_root\"");
	vmsdir = smig_asprintf(&m->e, "%s\\Virtual Machines", root);
	snapdir = smig_asprintf(&m->e, "%s\\Snapshots", root);
	cfg = smig_asprintf(&m->e, "%s\\%s.xml", vmsdir, id);
	regwin = smig_asprintf(&m->e,
			       "C:\\ProgramData\\Microsoft\\Windows\\Hyper-V\\Virtual Machines\\%s.xml", id);
	if (!vmsdir || !snapdir || !cfg || !regwin || write_config(m, vm, vm, cfg) < 0)
		goto out;
	for (i = 0; i < json_array_size(snaps); i++) {
		json_t *s = json_array_get(snaps, i);
		char *sw = smig_asprintf(&m->e, "%s\\%s.xml", snapdir, jstr(s, "id"));
		int r2 = sw ? write_config(m, vm, s, sw) : -1;
		free(sw);
		if (r2 < 0 || (jbool(s, "saved_state") && write_state(m, snapdir, jstr(s, "id")) < 0))
			goto out;
	}
	if (jbool(vm, "saved_state") && write_state(m, vmsdir, id) < 0)
		goto out;
	/* registration (§1.5): the file itself, a symlink whose text is a Windows path, or a
	 * 0-byte file left by a copy tool that dropped the reparse point */
	if (reg && strcmp(reg, "file") != 0) {
		if ((regpath = local_path(m, regwin)) == NULL)
			goto out;
		if (strcmp(reg, "link") == 0) {
			if (symlink(cfg, regpath) < 0) {
				smig_err_sys(&m->e, errno, "cannot create link '%s'", regpath);
				goto out;
			}
		} else if (strcmp(reg, "empty") == 0) {
			if (smig_file_write_atomic(regpath, "", 0, 0644, &m->e) < 0)
				goto out;
			remember(m, regpath, m->mtime);
		} else {
			smig_err_set(&m->e, SMIG_ERR_USAGE, "VM %s: unknown \"register\" '%s'", id, reg);
			goto out;
		}
	} else if (reg && strcmp(cfg, regwin) != 0 && !smig_streq_ci(cfg, regwin)) {
		smig_err_set(&m->e, SMIG_ERR_USAGE,
			     "VM %s: \"register\": \"file\" needs the data root C:\\ProgramData\\Microsoft\\Windows\\Hyper-V", id);
		goto out;
	}
	rc = 0;
out:
	free(cfg);
	free(vmsdir);
	free(snapdir);
	free(regwin);
	free(regpath);
	return rc;
}

/* ---- main ---- */

static int set_mtimes(struct mk *m)
{
	size_t i;

	for (i = 0; i < m->nwritten; i++) {
		struct timespec ts[2] = {{m->mtimes[i], 0}, {m->mtimes[i], 0}};
		if (utimensat(AT_FDCWD, m->written[i], ts, 0) < 0)
			return smig_err_sys(&m->e, errno, "cannot set the time of '%s'", m->written[i]);
	}
	return 0;
}

static int build(struct mk *m, json_t *root)
{
	json_t *v, *hives = json_object_get(root, "registry");
	uint64_t ft = (uint64_t)jint(root, "filetime", 130645440000000000LL);
	const char *name;
	size_t i;

	m->mtime = smig_filetime_to_unix(ft);
	if (m->lang == NULL && jstr(root, "language") != NULL &&
	    (m->lang = smig_lang_find(jstr(root, "language"))) == NULL)
		return smig_err_set(&m->e, SMIG_ERR_USAGE,
				    "the description's \"language\" is '%s': smig-mkhost writes %s",
				    jstr(root, "language"), smig_lang_names());
	if (m->lang == NULL)
		m->lang = smig_langs[0];
	v = json_object_get(root, "drives");
	for (i = 0; i < json_array_size(v); i++) {
		char *d = smig_asprintf(&m->e, "%s/%s", m->out, json_string_value(json_array_get(v, i)));
		int rc = d ? smig_mkdir_p(d, 0755, &m->e) : -1;
		free(d);
		if (rc < 0)
			return -1;
	}
	v = json_object_get(root, "dirs");
	for (i = 0; i < json_array_size(v); i++) {
		char *win = smig_asprintf(&m->e, "%s\\.", json_string_value(json_array_get(v, i)));
		char *d = win ? local_path(m, win) : NULL;
		free(win);
		free(d);
		if (d == NULL)
			return -1;
	}
	json_object_foreach(hives, name, v) {
		if (build_hive(m, name, v, ft) < 0)
			return -1;
	}
	v = json_object_get(root, "files");
	for (i = 0; i < json_array_size(v); i++)
		if (build_file(m, json_array_get(v, i)) < 0)
			return -1;
	v = json_object_get(root, "disks");
	for (i = 0; i < json_array_size(v); i++)
		if (build_disk(m, json_array_get(v, i), v) < 0)
			return -1;
	v = json_object_get(root, "vms");
	for (i = 0; i < json_array_size(v); i++)
		if (build_vm(m, json_array_get(v, i)) < 0)
			return -1;
	return set_mtimes(m);
}

/* The built host's dest-facts.json: its inventory, and the free space of its drive folders. */
static int write_facts(struct mk *m, const char *path)
{
	struct smig_destfacts_volume vols[26];
	struct smig_hostfs *fs = NULL;
	struct smig_inventory *inv = NULL;
	size_t nvols = 0;
	char *text = NULL;
	int rc = -1;

	if (smig_hostfs_open(m->out, &fs, &m->e) < 0 ||
	    smig_inventory_read(fs, m->out, NULL, &inv, &m->e) < 0)
		goto out;
	for (char l = 'A'; l <= 'Z'; l++) {
		const char *dir = smig_hostfs_drive_dir(fs, l);
		struct statvfs st;

		if (dir == NULL)
			continue;
		vols[nvols] = (struct smig_destfacts_volume){l, false, 0, 0};
		if (statvfs(dir, &st) == 0) {
			vols[nvols].has_size = true;
			vols[nvols].free_bytes = (uint64_t)st.f_bavail * st.f_frsize;
			vols[nvols].size_bytes = (uint64_t)st.f_blocks * st.f_frsize;
		}
		nvols++;
	}
	text = smig_destfacts_from_inventory(inv, vols, nvols, &m->e);
	if (text && smig_file_write_atomic(path, text, strlen(text), 0644, &m->e) == 0)
		rc = 0;
out:
	free(text);
	smig_inventory_free(inv);
	smig_hostfs_free(fs);
	return rc;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: smig-mkhost [--force] [--language CODE] [--dest-facts FILE] "
		   "DESCRIPTION.json OUTDIR\n"
		   "Builds a host folder (C/, D/, ...) from a host description (docs/fixtures.md).\n"
		   "--language writes the ipconfig and systeminfo files in that display language\n"
		   "(en, fr) and its OEM code page, as that Windows writes them.\n"
		   "--dest-facts also writes the built host's dest-facts.json (docs/dest-facts.md).\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"force", no_argument, NULL, 'f'}, {"dest-facts", required_argument, NULL, 'F'},
		{"language", required_argument, NULL, 'L'}, {"help", no_argument, NULL, 'h'},
		{0, 0, 0, 0}};
	const char *facts = NULL;
	struct mk m = {0};
	json_error_t jerr;
	json_t *root = NULL;
	char *descdir = NULL;
	bool force = false;
	struct stat st;
	int c, rc = 1;
	size_t i;

	while ((c = getopt_long(argc, argv, "fh", opts, NULL)) != -1) {
		if (c == 'f') {
			force = true;
		} else if (c == 'F') {
			facts = optarg;
		} else if (c == 'L') {
			m.lang = smig_lang_find(optarg);
			if (m.lang == NULL) {
				fprintf(stderr, "smig-mkhost: --language '%s': not one of %s\n",
					optarg, smig_lang_names());
				return 2;
			}
		} else if (c == 'h') {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind != 2) {
		usage(stderr);
		return 2;
	}
	m.out = argv[optind + 1];
	root = json_load_file(argv[optind], JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		fprintf(stderr, "smig-mkhost: '%s': line %d: %s\n", argv[optind], jerr.line, jerr.text);
		return 1;
	}
	descdir = strdup(argv[optind]);
	m.descdir = descdir ? dirname(descdir) : ".";
	if (lstat(m.out, &st) == 0) {
		if (!force) {
			fprintf(stderr, "smig-mkhost: '%s' exists (use --force to rebuild it)\n", m.out);
			goto out;
		}
		if (smig_rm_rf(m.out, &m.e) < 0)
			goto fail;
	}
	if (smig_mkdir_p(m.out, 0755, &m.e) < 0 || build(&m, root) < 0 ||
	    (facts && write_facts(&m, facts) < 0))
		goto fail;
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "smig-mkhost: %s\n", m.e.msg);
	smig_rm_rf(m.out, &(struct smig_err)SMIG_ERR_INIT);
out:
	for (i = 0; i < m.nwritten; i++)
		free(m.written[i]);
	free(m.written);
	free(m.mtimes);
	free(descdir);
	json_decref(root);
	return rc;
}
