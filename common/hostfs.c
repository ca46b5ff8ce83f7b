/* hostfs.c - host root, drive map, Windows paths (see hostfs.h, formats.md §1). */
#include "hostfs.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "i18n.h"
#include "strbuf.h"
#include "winval.h"

/* Windows paths are at most 32767 UTF-16 units; a path has far fewer components. */
#define WINPATH_MAX_LEN 32767
#define WINPATH_MAX_PARTS 4096
#define NDRIVES 26

/* A file whose contents come from elsewhere than the drive map (a facts folder). */
struct override {
	char *win;   /* canonical Windows path (smig_winpath_format) */
	char *local; /* the file to read instead, or NULL: the file is absent */
};

#define MAX_OVERRIDES 64

struct smig_hostfs {
	char *drive[NDRIVES]; /* realpath() of each mapped drive, NULL when unmapped */
	struct override ov[MAX_OVERRIDES];
	size_t nov;
};

static int drive_index(char letter)
{
	if (letter >= 'a' && letter <= 'z')
		return letter - 'a';
	if (letter >= 'A' && letter <= 'Z')
		return letter - 'A';
	return -1;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* realpath() of `dir`, which must be a directory. */
static int real_dir(const char *dir, char **out, struct smig_err *e)
{
	char *real;

	*out = NULL;
	real = realpath(dir, NULL);
	if (real == NULL)
		return smig_err_sys(e, errno, _("cannot open '%s'"), dir);
	if (!is_dir(real)) {
		free(real);
		return smig_err_sys(e, ENOTDIR, _("cannot use '%s'"), dir);
	}
	*out = real;
	return 0;
}

/* Whether `p` is `base` or below it (both canonical, no trailing '/' except "/"). */
static bool path_within(const char *base, const char *p)
{
	size_t n = strlen(base);

	if (strcmp(base, "/") == 0)
		return p[0] == '/';
	return strncmp(base, p, n) == 0 && (p[n] == '\0' || p[n] == '/');
}

/* The index of the mapped drive holding canonical path `real` (the deepest one), or -1. */
static int drive_containing(const struct smig_hostfs *fs, const char *real)
{
	size_t best_len = 0;
	int i, best = -1;

	for (i = 0; i < NDRIVES; i++) {
		if (fs->drive[i] == NULL || !path_within(fs->drive[i], real))
			continue;
		if (best < 0 || strlen(fs->drive[i]) > best_len) {
			best = i;
			best_len = strlen(fs->drive[i]);
		}
	}
	return best;
}

/* ---- case-insensitive lookup ---- */

int smig_ci_lookup(const char *dir, const char *name, char **out, struct smig_err *e)
{
	struct stat st;
	struct dirent *de;
	DIR *d = NULL;
	char *path = NULL, *found = NULL;
	int rc = -1;

	*out = NULL;
	if (name[0] == '\0' || strchr(name, '/') != NULL || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0)
		return smig_err_set(e, SMIG_ERR_FORMAT, _("invalid file name '%s' in '%s'"), name,
		                    dir);
	path = smig_path_join(dir, name, e);
	if (path == NULL)
		return -1;
	if (lstat(path, &st) == 0) {
		*out = path;
		return 0;
	}
	if (errno == ENOTDIR) {
		rc = 1; /* `dir` is a file: nothing can be below it */
		goto done;
	}
	if (errno != ENOENT) {
		smig_err_sys(e, errno, _("cannot look up '%s'"), path);
		goto done;
	}
	d = opendir(dir);
	if (d == NULL) {
		if (errno == ENOENT || errno == ENOTDIR)
			rc = 1;
		else
			smig_err_sys(e, errno, _("cannot list '%s'"), dir);
		goto done;
	}
	for (;;) {
		errno = 0;
		de = readdir(d);
		if (de == NULL)
			break;
		/* ASCII folding only (§1.3); non-ASCII names must match exactly */
		if (strcasecmp(de->d_name, name) != 0)
			continue;
		if (found != NULL) {
			smig_err_set(e, SMIG_ERR_FORMAT,
			             _("ambiguous path '%s/%s': '%s' and '%s' differ only in case"),
			             dir, name, found, de->d_name);
			goto done;
		}
		found = smig_strdup(de->d_name, e);
		if (found == NULL)
			goto done;
	}
	if (errno != 0) {
		smig_err_sys(e, errno, _("cannot list '%s'"), dir);
		goto done;
	}
	if (found == NULL) {
		rc = 1;
		goto done;
	}
	*out = smig_path_join(dir, found, e);
	rc = *out ? 0 : -1;
done:
	if (d != NULL)
		closedir(d);
	free(found);
	free(path);
	return rc;
}

/* ---- the map ---- */

static int scan_host_folder(struct smig_hostfs *fs, const char *real, struct smig_err *e)
{
	struct dirent *de;
	DIR *d;
	char *sub = NULL;
	int rc = -1;

	d = opendir(real);
	if (d == NULL)
		return smig_err_sys(e, errno, _("cannot list '%s'"), real);
	for (;;) {
		int i;

		errno = 0;
		de = readdir(d);
		if (de == NULL)
			break;
		i = drive_index(de->d_name[0]);
		if (i < 0 || de->d_name[1] != '\0')
			continue;
		sub = smig_path_join(real, de->d_name, e);
		if (sub == NULL)
			goto done;
		if (!is_dir(sub)) {
			free(sub);
			sub = NULL;
			continue;
		}
		if (fs->drive[i] != NULL) {
			smig_err_set(e, SMIG_ERR_FORMAT,
			             _("ambiguous host folder '%s': two folders for drive %c:"), real,
			             'A' + i);
			goto done;
		}
		if (real_dir(sub, &fs->drive[i], e) < 0)
			goto done;
		free(sub);
		sub = NULL;
	}
	if (errno != 0) {
		smig_err_sys(e, errno, _("cannot list '%s'"), real);
		goto done;
	}
	rc = 0;
done:
	free(sub);
	closedir(d);
	return rc;
}

int smig_hostfs_open(const char *root, struct smig_hostfs **out, struct smig_err *e)
{
	struct smig_hostfs *fs = NULL;
	char *real = NULL, *win = NULL;
	int r;

	*out = NULL;
	fs = calloc(1, sizeof(*fs));
	if (fs == NULL)
		return smig_err_nomem(e, _("opening a host"));
	if (real_dir(root, &real, e) < 0)
		goto fail;
	r = smig_ci_lookup(real, "Windows", &win, e);
	if (r < 0)
		goto fail;
	if (r == 0 && is_dir(win)) {
		fs->drive['C' - 'A'] = real;
		real = NULL;
	} else {
		if (scan_host_folder(fs, real, e) < 0)
			goto fail;
		if (fs->drive['C' - 'A'] == NULL) {
			smig_err_set(e, SMIG_ERR_FORMAT,
			             _("'%s' is neither a C: root (no Windows folder) nor a host "
			             "folder (no C folder)"),
			             root);
			goto fail;
		}
	}
	free(win);
	free(real);
	*out = fs;
	return 0;
fail:
	free(win);
	free(real);
	smig_hostfs_free(fs);
	return -1;
}

int smig_hostfs_map_drive(struct smig_hostfs *fs, char letter, const char *dir, struct smig_err *e)
{
	int i = drive_index(letter);
	char *real = NULL;

	if (i < 0)
		return smig_err_set(e, SMIG_ERR_USAGE, _("invalid drive letter '%c'"), letter);
	if (real_dir(dir, &real, e) < 0)
		return -1;
	free(fs->drive[i]);
	fs->drive[i] = real;
	return 0;
}

int smig_hostfs_map_drive_arg(struct smig_hostfs *fs, const char *arg, struct smig_err *e)
{
	if (drive_index(arg[0]) < 0 || arg[1] != '=' || arg[2] == '\0')
		return smig_err_set(e, SMIG_ERR_USAGE, _("invalid --drive '%s': expected X=DIR"), arg);
	return smig_hostfs_map_drive(fs, arg[0], arg + 2, e);
}

void smig_hostfs_free(struct smig_hostfs *fs)
{
	int i;

	if (fs == NULL)
		return;
	for (i = 0; i < NDRIVES; i++)
		free(fs->drive[i]);
	for (size_t k = 0; k < fs->nov; k++) {
		free(fs->ov[k].win);
		free(fs->ov[k].local);
	}
	free(fs);
}

int smig_hostfs_override(struct smig_hostfs *fs, const char *winpath, const char *local,
                         struct smig_err *e)
{
	struct smig_winpath wp;
	struct override o = {0};

	if (fs->nov >= MAX_OVERRIDES)
		return smig_err_set(e, SMIG_ERR_USAGE, _("too many replaced host files ('%s')"),
		                    winpath);
	if (smig_winpath_parse(winpath, &wp, e) < 0)
		return -1;
	if (wp.kind != SMIG_WINPATH_DRIVE || wp.nparts == 0) {
		smig_winpath_release(&wp);
		return smig_err_set(e, SMIG_ERR_FORMAT, _("'%s' is not a file on a drive"), winpath);
	}
	o.win = smig_winpath_format(&wp, e);
	smig_winpath_release(&wp);
	if (o.win == NULL)
		return -1;
	if (local && (o.local = smig_strdup(local, e)) == NULL) {
		free(o.win);
		return -1;
	}
	fs->ov[fs->nov++] = o;
	return 0;
}

/* The override for a parsed path: 0 = replaced (*local set), 1 = replaced by "absent",
 * 2 = not replaced, -1 = error. */
static int overridden(const struct smig_hostfs *fs, const struct smig_winpath *wp, char **local,
                      struct smig_err *e)
{
	char *canon;
	size_t i;

	if (fs->nov == 0 || wp->kind != SMIG_WINPATH_DRIVE)
		return 2;
	canon = smig_winpath_format(wp, e);
	if (canon == NULL)
		return -1;
	for (i = 0; i < fs->nov; i++)
		if (strcasecmp(fs->ov[i].win, canon) == 0)
			break;
	free(canon);
	if (i == fs->nov)
		return 2;
	if (fs->ov[i].local == NULL)
		return 1;
	*local = smig_strdup(fs->ov[i].local, e);
	return *local ? 0 : -1;
}

const char *smig_hostfs_drive_dir(const struct smig_hostfs *fs, char letter)
{
	int i = drive_index(letter);

	return i < 0 ? NULL : fs->drive[i];
}

const char *smig_hostfs_root(const struct smig_hostfs *fs)
{
	return fs->drive['C' - 'A'];
}

/* ---- Windows paths ---- */

static bool name_char_ok(unsigned char c)
{
	return c >= 0x20 && strchr("<>:\"|?*", c) == NULL;
}

static int push_part(struct smig_winpath *wp, const char *s, size_t n, struct smig_err *e)
{
	char **np;

	if (wp->nparts == WINPATH_MAX_PARTS)
		return smig_err_set(e, SMIG_ERR_FORMAT, _("Windows path has more than %d components"),
		                    WINPATH_MAX_PARTS);
	np = realloc(wp->parts, (wp->nparts + 1) * sizeof(*np));
	if (np == NULL)
		return smig_err_nomem(e, _("parsing a Windows path"));
	wp->parts = np;
	np[wp->nparts] = smig_strndup(s, n, e);
	if (np[wp->nparts] == NULL)
		return -1;
	wp->nparts++;
	return 0;
}

static bool volume_part_ok(const char *p)
{
	struct smig_guid g;

	return smig_startswith_ci(p, "Volume") && smig_guid_parse(p + 6, &g) && p[6] == '{';
}

int smig_winpath_parse(const char *s, struct smig_winpath *wp, struct smig_err *e)
{
	enum smig_winpath_kind kind = SMIG_WINPATH_RELATIVE;
	size_t len = strlen(s), base = 0, i;
	bool prefixed = false;
	const char *why = NULL;
	char *buf = NULL, *p;

	memset(wp, 0, sizeof(*wp));
	wp->kind = SMIG_WINPATH_INVALID;
	if (len == 0)
		return smig_err_set(e, SMIG_ERR_FORMAT, _("empty Windows path"));
	if (len > WINPATH_MAX_LEN)
		return smig_err_set(e, SMIG_ERR_FORMAT, _("Windows path is too long (%zu bytes)"),
		                    len);
	buf = smig_strdup(s, e);
	if (buf == NULL)
		return -1;
	for (i = 0; i < len; i++)
		if (buf[i] == '/')
			buf[i] = '\\';
	p = buf;
	if (strncmp(p, "\\\\?\\", 4) == 0 || strncmp(p, "\\??\\", 4) == 0) {
		p += 4;
		prefixed = true;
	}
	if (prefixed && smig_startswith_ci(p, "UNC\\")) {
		kind = SMIG_WINPATH_UNC;
		p += 4;
		base = 2;
	} else if (prefixed && smig_startswith_ci(p, "Volume{")) {
		kind = SMIG_WINPATH_VOLUME;
		base = 1;
	} else if (drive_index(p[0]) >= 0 && p[1] == ':') {
		if (p[2] != '\\' && p[2] != '\0') {
			why = _("is relative to the current directory of a drive");
			goto fail;
		}
		kind = SMIG_WINPATH_DRIVE;
		wp->drive = (char)('A' + drive_index(p[0]));
		p += 2;
	} else if (prefixed) {
		why = _("has an unsupported \\\\?\\ or \\??\\ form");
		goto fail;
	} else if (strncmp(p, "\\\\.\\", 4) == 0) {
		kind = SMIG_WINPATH_DEVICE;
		p += 4;
		base = 1;
	} else if (p[0] == '\\' && p[1] == '\\') {
		kind = SMIG_WINPATH_UNC;
		p += 2;
		base = 2;
	} else if (p[0] == '\\') {
		why = _("has no drive letter");
		goto fail;
	}

	while (*p != '\0') {
		char *end = strchr(p, '\\');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (n == 0 || (n == 1 && p[0] == '.')) {
			/* repeated separators collapse; '.' is the same directory */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (wp->nparts > base && strcmp(wp->parts[wp->nparts - 1], "..") != 0) {
				free(wp->parts[--wp->nparts]);
			} else if (kind == SMIG_WINPATH_RELATIVE) {
				if (push_part(wp, p, n, e) < 0)
					goto fail;
			} else {
				why = _("climbs above its root with '..'");
				goto fail;
			}
		} else {
			for (i = 0; i < n; i++) {
				bool ok = kind == SMIG_WINPATH_DEVICE
				              ? (unsigned char)p[i] >= 0x20
				              : name_char_ok((unsigned char)p[i]);
				if (!ok) {
					why = _("contains a character Windows forbids in names");
					goto fail;
				}
			}
			if (push_part(wp, p, n, e) < 0)
				goto fail;
		}
		p += n;
		if (*p == '\\')
			p++;
	}
	if (kind == SMIG_WINPATH_UNC && wp->nparts < 2)
		why = _("is a UNC path without a server and a share");
	else if (kind == SMIG_WINPATH_VOLUME && (wp->nparts < 1 || !volume_part_ok(wp->parts[0])))
		why = _("has a malformed volume GUID");
	else if (kind == SMIG_WINPATH_DEVICE && wp->nparts < 1)
		why = _("names no device");
	if (why != NULL)
		goto fail;
	wp->kind = kind;
	free(buf);
	return 0;
fail:
	if (why != NULL)
		smig_err_set(e, SMIG_ERR_FORMAT, _("Windows path '%s' %s"), s, why);
	free(buf);
	smig_winpath_release(wp);
	return -1;
}

void smig_winpath_release(struct smig_winpath *wp)
{
	size_t i;

	if (wp == NULL)
		return;
	for (i = 0; i < wp->nparts; i++)
		free(wp->parts[i]);
	free(wp->parts);
	memset(wp, 0, sizeof(*wp));
	wp->kind = SMIG_WINPATH_INVALID;
}

char *smig_winpath_format(const struct smig_winpath *wp, struct smig_err *e)
{
	struct smig_strbuf sb = SMIG_STRBUF_INIT;
	size_t i;
	char *out;

	switch (wp->kind) {
	case SMIG_WINPATH_DRIVE:
		smig_strbuf_printf(&sb, "%c:\\", wp->drive);
		break;
	case SMIG_WINPATH_RELATIVE:
		if (wp->nparts == 0)
			smig_strbuf_putc(&sb, '.');
		break;
	case SMIG_WINPATH_UNC:
		smig_strbuf_puts(&sb, "\\\\");
		break;
	case SMIG_WINPATH_VOLUME:
		smig_strbuf_puts(&sb, "\\\\?\\");
		break;
	case SMIG_WINPATH_DEVICE:
		smig_strbuf_puts(&sb, "\\\\.\\");
		break;
	case SMIG_WINPATH_INVALID:
	default:
		smig_err_set(e, SMIG_ERR_USAGE, _("cannot format an invalid Windows path"));
		return NULL;
	}
	for (i = 0; i < wp->nparts; i++) {
		if (i > 0)
			smig_strbuf_putc(&sb, '\\');
		smig_strbuf_puts(&sb, wp->parts[i]);
	}
	if (smig_strbuf_check(&sb, e) < 0) {
		smig_strbuf_release(&sb);
		return NULL;
	}
	out = smig_strbuf_take(&sb, NULL);
	if (out == NULL)
		smig_err_nomem(e, _("formatting a Windows path"));
	return out;
}

/* ---- resolution ---- */

/* Fails unless the existing local path `local` lies inside a mapped drive once every
 * symbolic link is followed. `what` names it in messages. */
static int check_inside(const struct smig_hostfs *fs, const char *local, const char *what,
                        struct smig_err *e)
{
	char *real = realpath(local, NULL);
	int rc = 0;

	if (real == NULL)
		return smig_err_sys(e, errno, _("cannot resolve '%s'"), what);
	if (drive_containing(fs, real) < 0)
		rc = smig_err_set(e, SMIG_ERR_FORMAT,
		                  _("'%s' leads outside the mapped drives (to '%s')"), what, real);
	free(real);
	return rc;
}

/*
 * Walk `parts` below `start` case-insensitively. With `last_new` the last component may be
 * missing (its parent must exist). Returns 0 with *out, 1 when a component is missing, -1.
 * The result (or, with `last_new`, its parent) must stay inside the mapped drives.
 */
static int walk(const struct smig_hostfs *fs, const char *start, char *const *parts, size_t n,
                bool last_new, const char *what, char **out, struct smig_err *e)
{
	char *cur = NULL, *next = NULL;
	struct stat st;
	size_t i;
	int r, rc = -1;

	*out = NULL;
	cur = smig_strdup(start, e);
	if (cur == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		bool last = i + 1 == n;

		r = smig_ci_lookup(cur, parts[i], &next, e);
		if (r < 0)
			goto done;
		if (r == 1 && !(last && last_new)) {
			rc = 1;
			goto done;
		}
		if (last && last_new) {
			if (check_inside(fs, cur, what, e) < 0 || !is_dir(cur)) {
				if (e == NULL || e->kind == SMIG_ERR_NONE)
					smig_err_sys(e, ENOTDIR, _("cannot create '%s'"), what);
				goto done;
			}
			if (r == 0 && lstat(next, &st) == 0 && S_ISLNK(st.st_mode)) {
				smig_err_set(e, SMIG_ERR_FORMAT,
				             _("'%s' is a symbolic link; smig does not write through "
				             "links"),
				             what);
				goto done;
			}
			if (r == 1) {
				next = smig_path_join(cur, parts[i], e);
				if (next == NULL)
					goto done;
			}
		}
		free(cur);
		cur = next;
		next = NULL;
	}
	if (!last_new || n == 0) {
		if (check_inside(fs, cur, what, e) < 0)
			goto done;
	}
	*out = cur;
	cur = NULL;
	rc = 0;
done:
	free(next);
	free(cur);
	return rc;
}

/* The error for a parsed path no drive map can resolve. */
static int unresolvable(const struct smig_winpath *wp, const char *what, struct smig_err *e)
{
	switch (wp->kind) {
	case SMIG_WINPATH_DRIVE:
		return smig_err_set(e, SMIG_ERR_FORMAT,
		                    _("'%s': drive %c: is not mapped (use --drive %c=DIR)"), what,
		                    wp->drive, wp->drive);
	case SMIG_WINPATH_UNC:
		return smig_err_set(e, SMIG_ERR_FORMAT,
		                    _("'%s': UNC path (remote storage) cannot be resolved"), what);
	case SMIG_WINPATH_VOLUME:
		return smig_err_set(e, SMIG_ERR_FORMAT,
		                    _("'%s': volume GUID path cannot be resolved without a volume "
		                    "map"),
		                    what);
	case SMIG_WINPATH_DEVICE:
		return smig_err_set(e, SMIG_ERR_FORMAT,
		                    _("'%s': device path (pass-through disk) is not a file"), what);
	case SMIG_WINPATH_RELATIVE:
		return smig_err_set(e, SMIG_ERR_FORMAT,
		                    _("'%s': relative path has no directory to resolve against"),
		                    what);
	case SMIG_WINPATH_INVALID:
	default:
		return smig_err_set(e, SMIG_ERR_FORMAT, _("'%s': invalid Windows path"), what);
	}
}

/* Whether the drive map can reach `wp` at all. */
static bool looks_windows(const char *t);

static bool mapped(const struct smig_hostfs *fs, const struct smig_winpath *wp)
{
	return wp->kind == SMIG_WINPATH_DRIVE && fs->drive[wp->drive - 'A'] != NULL;
}

char smig_hostfs_unmapped_drive(const struct smig_hostfs *fs, const char *winpath)
{
	struct smig_winpath wp = {0};
	struct smig_err tmp = SMIG_ERR_INIT;
	char letter = 0;

	if (winpath == NULL || !looks_windows(winpath) || smig_winpath_parse(winpath, &wp, &tmp) < 0)
		return 0;
	if (wp.kind == SMIG_WINPATH_DRIVE && !mapped(fs, &wp))
		letter = wp.drive;
	smig_winpath_release(&wp);
	return letter;
}

static int resolve_parsed(const struct smig_hostfs *fs, const struct smig_winpath *wp,
                          const char *what, bool last_new, char **local, struct smig_err *e)
{
	int r;

	if (!last_new) {
		r = overridden(fs, wp, local, e);
		if (r == 1)
			return smig_err_sys(e, ENOENT, _("cannot find '%s'"), what);
		if (r != 2)
			return r;
	}
	if (!mapped(fs, wp))
		return unresolvable(wp, what, e);
	if (last_new && wp->nparts == 0)
		return smig_err_set(e, SMIG_ERR_FORMAT, _("'%s' is a drive root, not a file"), what);
	r = walk(fs, fs->drive[wp->drive - 'A'], wp->parts, wp->nparts, last_new, what, local, e);
	if (r == 1)
		return smig_err_sys(e, ENOENT, _("cannot find '%s'"), what);
	return r;
}

static int resolve_common(const struct smig_hostfs *fs, const char *winpath, bool last_new,
                          char **local, struct smig_err *e)
{
	struct smig_winpath wp;
	int rc;

	*local = NULL;
	if (smig_winpath_parse(winpath, &wp, e) < 0)
		return -1;
	rc = resolve_parsed(fs, &wp, winpath, last_new, local, e);
	smig_winpath_release(&wp);
	return rc;
}

int smig_hostfs_resolve(const struct smig_hostfs *fs, const char *winpath, char **local,
                        struct smig_err *e)
{
	return resolve_common(fs, winpath, false, local, e);
}

int smig_hostfs_resolve_new(const struct smig_hostfs *fs, const char *winpath, char **local,
                            struct smig_err *e)
{
	return resolve_common(fs, winpath, true, local, e);
}

int smig_hostfs_resolve_relative(const struct smig_hostfs *fs, const char *local_dir,
                                 const char *relwin, char **local, struct smig_err *e)
{
	struct smig_winpath rel = {0}, abs = {0};
	char *real = NULL, *what = NULL, *p;
	size_t i;
	int d, rc = -1;

	*local = NULL;
	if (smig_winpath_parse(relwin, &rel, e) < 0)
		return -1;
	if (rel.kind != SMIG_WINPATH_RELATIVE) {
		rc = resolve_parsed(fs, &rel, relwin, false, local, e);
		goto done;
	}
	real = realpath(local_dir, NULL);
	if (real == NULL) {
		smig_err_sys(e, errno, _("cannot resolve '%s'"), local_dir);
		goto done;
	}
	d = drive_containing(fs, real);
	if (d < 0) {
		smig_err_set(e, SMIG_ERR_FORMAT,
		             _("cannot resolve '%s': '%s' is not inside a mapped drive"), relwin,
		             local_dir);
		goto done;
	}
	/* the directory's components below its drive root, then the relative ones */
	abs.kind = SMIG_WINPATH_DRIVE;
	abs.drive = (char)('A' + d);
	p = real + strlen(fs->drive[d]);
	while (*p != '\0') {
		char *end;
		size_t n;

		if (*p == '/') {
			p++;
			continue;
		}
		end = strchr(p, '/');
		n = end ? (size_t)(end - p) : strlen(p);
		if (push_part(&abs, p, n, e) < 0)
			goto done;
		p += n;
	}
	for (i = 0; i < rel.nparts; i++) {
		if (strcmp(rel.parts[i], "..") != 0) {
			if (push_part(&abs, rel.parts[i], strlen(rel.parts[i]), e) < 0)
				goto done;
		} else if (abs.nparts > 0) {
			free(abs.parts[--abs.nparts]);
		} else {
			smig_err_set(e, SMIG_ERR_FORMAT,
			             _("'%s' climbs above the root of drive %c: from '%s'"), relwin,
			             abs.drive, local_dir);
			goto done;
		}
	}
	what = smig_winpath_format(&abs, e);
	if (what == NULL)
		goto done;
	rc = resolve_parsed(fs, &abs, what, false, local, e);
done:
	free(what);
	free(real);
	smig_winpath_release(&abs);
	smig_winpath_release(&rel);
	return rc;
}

int smig_hostfs_lookup(const struct smig_hostfs *fs, const char *rel, char **local,
                       struct smig_err *e)
{
	struct smig_winpath wp = {0};
	char *what = NULL;
	const char *p = rel;
	int rc = -1;

	*local = NULL;
	wp.kind = SMIG_WINPATH_DRIVE;
	wp.drive = 'C';
	while (*p != '\0') {
		const char *end = strchr(p, '/');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.')) {
			smig_err_set(e, SMIG_ERR_USAGE,
			             _("host path '%s' has a '.' or '..' component"), rel);
			goto done;
		}
		if (n > 0 && push_part(&wp, p, n, e) < 0)
			goto done;
		p += n;
		if (*p == '/')
			p++;
	}
	what = smig_winpath_format(&wp, e);
	if (what == NULL)
		goto done;
	rc = overridden(fs, &wp, local, e);
	if (rc != 2)
		goto done;
	rc = walk(fs, fs->drive['C' - 'A'], wp.parts, wp.nparts, false, what, local, e);
done:
	free(what);
	smig_winpath_release(&wp);
	return rc;
}

char *smig_hostfs_to_winpath(const struct smig_hostfs *fs, const char *local, struct smig_err *e)
{
	struct smig_strbuf sb = SMIG_STRBUF_INIT;
	char *real = NULL, *parent = NULL, *out = NULL;
	const char *slash, *p;
	int d;

	real = realpath(local, NULL);
	if (real == NULL && errno == ENOENT) {
		/* a file still to be created: its parent must exist */
		slash = strrchr(local, '/');
		parent =
		    slash ? smig_strndup(local, (size_t)(slash - local), e) : smig_strdup(".", e);
		if (parent == NULL)
			goto done;
		real = realpath(parent[0] ? parent : "/", NULL);
		if (real != NULL) {
			char *joined = smig_path_join(real, slash ? slash + 1 : local, e);

			free(real);
			real = joined;
			if (real == NULL)
				goto done;
		}
	}
	if (real == NULL) {
		smig_err_sys(e, errno, _("cannot resolve '%s'"), local);
		goto done;
	}
	d = drive_containing(fs, real);
	if (d < 0)
		goto done;
	smig_strbuf_printf(&sb, "%c:\\", 'A' + d);
	p = real + strlen(fs->drive[d]);
	if (strcmp(fs->drive[d], "/") == 0)
		p = real;
	while (*p == '/')
		p++;
	for (; *p != '\0'; p++)
		smig_strbuf_putc(&sb, *p == '/' ? '\\' : *p);
	if (smig_strbuf_check(&sb, e) < 0)
		goto done;
	out = smig_strbuf_take(&sb, NULL);
	if (out == NULL)
		smig_err_nomem(e, _("formatting a Windows path"));
done:
	smig_strbuf_release(&sb);
	free(parent);
	free(real);
	return out;
}

/* ---- registration entries (§1.5) ---- */

/* Whether link text is a Windows path rather than a POSIX one. */
static bool looks_windows(const char *t)
{
	return strchr(t, '\\') != NULL || (drive_index(t[0]) >= 0 && t[1] == ':');
}

/* The directory part of a local path ("." when it has none). */
static char *local_dirname(const char *path, struct smig_err *e)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return smig_strdup(".", e);
	if (slash == path)
		return smig_strdup("/", e);
	return smig_strndup(path, (size_t)(slash - path), e);
}

/*
 * Follow link text by hand. Returns 0 with *target, 1 when the target is unresolvable (an
 * unmapped drive, remote storage, a missing file), -1 on error (escape, loop, ambiguity).
 */
static int link_target(const struct smig_hostfs *fs, const char *local, const char *text,
                       char **target, struct smig_err *e)
{
	struct smig_err tmp = SMIG_ERR_INIT;
	struct smig_winpath wp = {0};
	char *dir = NULL, *cand = NULL, *real = NULL;
	int rc = -1;

	*target = NULL;
	dir = local_dirname(local, e);
	if (dir == NULL)
		return -1;
	if (looks_windows(text)) {
		if (smig_winpath_parse(text, &wp, &tmp) < 0) {
			smig_err_set(e, tmp.kind, _("registration link '%s': %s"), local, tmp.msg);
			goto done;
		}
		if (wp.kind != SMIG_WINPATH_RELATIVE && !mapped(fs, &wp)) {
			rc = 1;
			goto done;
		}
		if (smig_hostfs_resolve_relative(fs, dir, text, target, &tmp) == 0) {
			rc = 0;
		} else if (tmp.kind == SMIG_ERR_IO && tmp.sys_errno == ENOENT) {
			rc = 1;
		} else {
			smig_err_set(e, tmp.kind, _("registration link '%s': %s"), local, tmp.msg);
			if (e != NULL)
				e->sys_errno = tmp.sys_errno;
		}
		goto done;
	}
	cand = text[0] == '/' ? smig_strdup(text, e) : smig_path_join(dir, text, e);
	if (cand == NULL)
		goto done;
	real = realpath(cand, NULL);
	if (real == NULL) {
		if (errno == ENOENT)
			rc = 1;
		else
			smig_err_sys(e, errno, _("cannot resolve registration link '%s' -> '%s'"),
			             local, text);
		goto done;
	}
	if (drive_containing(fs, real) < 0) {
		smig_err_set(e, SMIG_ERR_FORMAT,
		             _("registration link '%s' points outside the mapped drives ('%s')"),
		             local, text);
		goto done;
	}
	*target = real;
	real = NULL;
	rc = 0;
done:
	smig_winpath_release(&wp);
	free(real);
	free(cand);
	free(dir);
	return rc;
}

/* Search each root for "Virtual Machines/<name>": a unique non-empty regular file. */
static int search_roots_for(const char *local, const char *name, const char *const *roots,
                            size_t nroots, char **target, struct smig_err *e)
{
	char *vmdir = NULL, *cand = NULL, *real = NULL, *self = NULL;
	char *found = NULL, *found_real = NULL;
	struct stat st;
	size_t i;
	int r, rc = -1;

	*target = NULL;
	self = realpath(local, NULL); /* NULL for a dangling link: nothing to skip */
	for (i = 0; i < nroots; i++) {
		r = smig_ci_lookup(roots[i], "Virtual Machines", &vmdir, e);
		if (r < 0)
			goto done;
		if (r == 0)
			r = smig_ci_lookup(vmdir, name, &cand, e);
		free(vmdir);
		vmdir = NULL;
		if (r < 0)
			goto done;
		if (r == 1)
			continue;
		/* links and placeholders found here are other registrations, not the file */
		if (lstat(cand, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0)
			goto next;
		real = realpath(cand, NULL);
		if (real == NULL) {
			smig_err_sys(e, errno, _("cannot resolve '%s'"), cand);
			goto done;
		}
		if ((self != NULL && strcmp(real, self) == 0) ||
		    (found_real != NULL && strcmp(real, found_real) == 0))
			goto next;
		if (found != NULL) {
			smig_err_set(
			    e, SMIG_ERR_FORMAT,
			    _("registration entry '%s' is ambiguous: both '%s' and '%s' match"), local,
			    found, cand);
			goto done;
		}
		found = cand;
		found_real = real;
		cand = real = NULL;
	next:
		free(real);
		free(cand);
		real = cand = NULL;
	}
	if (found == NULL) {
		rc = 1;
		goto done;
	}
	*target = found;
	found = NULL;
	rc = 0;
done:
	free(found);
	free(found_real);
	free(real);
	free(cand);
	free(vmdir);
	free(self);
	return rc;
}

char smig_hostfs_registration_unmapped(const struct smig_hostfs *fs, const char *local,
                                       char **winpath, struct smig_err *e)
{
	char text[PATH_MAX], letter;
	struct stat st;
	ssize_t n;

	*winpath = NULL;
	if (lstat(local, &st) != 0 || !S_ISLNK(st.st_mode))
		return 0;
	n = readlink(local, text, sizeof(text));
	if (n <= 0 || (size_t)n >= sizeof(text))
		return 0;
	text[n] = '\0';
	letter = smig_hostfs_unmapped_drive(fs, text);
	if (letter && (*winpath = smig_strdup(text, e)) == NULL)
		return 0;
	return letter;
}

int smig_hostfs_registration_target(const struct smig_hostfs *fs, const char *local,
                                    const char *const *search_roots, size_t nroots, char **target,
                                    const char **how, struct smig_err *e)
{
	char text[PATH_MAX], unmapped;
	char *name = NULL, *found = NULL, *why = NULL;
	const char *base, *reason = _("empty");
	struct stat st;
	ssize_t n;
	size_t blen;
	int r, rc = -1;

	*target = NULL;
	*how = NULL;
	if (lstat(local, &st) != 0) {
		if (errno != ENOENT)
			return smig_err_sys(e, errno, _("cannot stat '%s'"), local);
		/* a share can hide a link (reparse point) entirely: search as for 0 bytes */
		reason = _("missing");
	} else if (S_ISLNK(st.st_mode)) {
		n = readlink(local, text, sizeof(text));
		if (n < 0)
			return smig_err_sys(e, errno, _("cannot read link '%s'"), local);
		if ((size_t)n >= sizeof(text) || n == 0)
			return smig_err_set(e, SMIG_ERR_FORMAT,
			                    _("registration link '%s' has an unusable target"), local);
		text[n] = '\0';
		r = link_target(fs, local, text, &found, e);
		if (r < 0)
			return -1;
		if (r == 0) {
			if (stat(found, &st) != 0 || !S_ISREG(st.st_mode)) {
				smig_err_set(e, SMIG_ERR_FORMAT,
				             _("registration link '%s' -> '%s' is not a regular file"),
				             local, text);
				goto done;
			}
			*target = found;
			*how = "link";
			return 0;
		}
		unmapped = smig_hostfs_unmapped_drive(fs, text);
		if (unmapped) {
			free(why);
			why = smig_asprintf(e, _("a link to '%s' on unmapped drive %c:"),
			                    text, unmapped);
			if (why == NULL)
				goto done;
			reason = why;
		} else {
			reason = _("a link to an unresolvable target");
		}
	} else if (!S_ISREG(st.st_mode)) {
		return smig_err_set(e, SMIG_ERR_FORMAT,
		                    _("registration entry '%s' is neither a file nor a link"), local);
	} else if (st.st_size > 0) {
		*target = smig_strdup(local, e);
		if (*target == NULL)
			return -1;
		*how = "file";
		return 0;
	}

	base = strrchr(local, '/');
	base = base ? base + 1 : local;
	blen = strlen(base);
	if (smig_endswith_ci(base, ".xml"))
		blen -= 4;
	name = smig_asprintf(e, "%.*s.xml", (int)blen, base);
	if (name == NULL)
		goto done;
	r = search_roots_for(local, name, search_roots, nroots, &found, e);
	if (r < 0)
		goto done;
	if (r == 1) {
		smig_err_set(e, SMIG_ERR_FORMAT,
		             _("registration entry '%s' is %s and no 'Virtual Machines/%s' was found "
		             "in the data roots"),
		             local, reason, name);
		goto done;
	}
	*target = found;
	found = NULL;
	*how = "search";
	rc = 0;
done:
	free(found);
	free(name);
	free(why);
	return rc;
}
