/*
 * journal.c - journaled file-system operations with exact rollback (journal.h).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "journal.h"
#include "i18n.h"
#include "interrupt.h"
#include "fileio.h"
#include "scan.h"
#include "strbuf.h"
#include "winval.h"

#define OPS_MAX (64u * 1024 * 1024)
/* First line of an operation list whose paths are relative to the destination root. */
#define OPS_HEADER "smig-journal 2"

static const char *const kind_names[] = {"mkdir", "file", "symlink"};

int smig_journal_add(struct smig_journal *j, enum smig_op_kind kind, const char *target,
		     const char *source, const char *what, struct smig_err *e)
{
	struct smig_op *op = smig_vec_add(&j->ops, &j->nops, sizeof(*op), e);

	if (!op)
		return -1;
	op->kind = kind;
	op->target = smig_strdup(target, e);
	op->source = source ? smig_strdup(source, e) : NULL;
	op->what = smig_strdup(what ? what : "", e);
	if (!op->target || (source && !op->source) || !op->what)
		return -1;
	return 0;
}

/* ---- the ops file: one line per operation, fields separated by TAB, %-escaped ---- */

static void put_field(struct smig_strbuf *b, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '%' || *s == '\t' || *s == '\n' || *s == '\r')
			smig_strbuf_printf(b, "%%%02X", (unsigned char)*s);
		else
			smig_strbuf_putc(b, *s);
	}
}

static char *get_field(const char *s, size_t n, struct smig_err *e)
{
	char *out = malloc(n + 1), *o = out;

	if (!out) {
		smig_err_set(e, SMIG_ERR_NOMEM, _("out of memory"));
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		if (s[i] != '%') {
			*o++ = s[i];
			continue;
		}
		if (i + 2 >= n || !isxdigit((unsigned char)s[i + 1]) ||
		    !isxdigit((unsigned char)s[i + 2]) || sscanf(s + i + 1, "%2x", &v) != 1) {
			free(out);
			smig_err_set(e, SMIG_ERR_FORMAT, _("bad escape in the journal"));
			return NULL;
		}
		if (v == 0) {
			free(out);
			smig_err_set(e, SMIG_ERR_FORMAT, _("an escape for a NUL byte in the journal"));
			return NULL;
		}
		*o++ = (char)v;
		i += 2;
	}
	*o = '\0';
	return out;
}

static int fsync_dir_of(const char *path)
{
	char *dir = strdup(path), *slash;
	int fd, rc = 0;

	if (!dir)
		return -1;
	slash = strrchr(dir, '/');
	if (slash && slash != dir)
		*slash = '\0';
	fd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		rc = fsync(fd);
		close(fd);
	}
	free(dir);
	return rc;
}

/* `path` relative to the root when it lies under it ("D/VHD/x.vhd"), else as it is. */
static const char *under_root(const struct smig_journal *j, const char *path)
{
	size_t n = strlen(j->root);

	if (path && !strncmp(path, j->root, n) && path[n] == '/' && path[n + 1])
		return path + n + 1;
	return path;
}

static int alloc_state(struct smig_journal *j, struct smig_err *e)
{
	free(j->begun);
	free(j->backed_up);
	free(j->backup_size);
	j->begun = calloc(j->nops + 1, sizeof(bool));
	j->backed_up = calloc(j->nops + 1, sizeof(bool));
	j->backup_size = calloc(j->nops + 1, sizeof(long long));
	if (!j->begun || !j->backed_up || !j->backup_size)
		return smig_err_set(e, SMIG_ERR_NOMEM, _("out of memory"));
	return 0;
}

int smig_journal_start(struct smig_journal *j, struct smig_err *e)
{
	struct smig_strbuf b = SMIG_STRBUF_INIT;
	char *path = NULL, *state = NULL;
	int rc = -1;

	if (!j->root || j->root[0] != '/')
		return smig_err_set(e, SMIG_ERR_USAGE, _("a journal needs the destination root as an "
				      "absolute path"));
	smig_strbuf_puts(&b, OPS_HEADER "\n");
	for (size_t i = 0; i < j->nops; i++) {
		const struct smig_op *op = &j->ops[i];

		smig_strbuf_printf(&b, "%s\t", kind_names[op->kind]);
		put_field(&b, under_root(j, op->target));
		smig_strbuf_putc(&b, '\t');
		put_field(&b, op->kind == SMIG_OP_FILE ? under_root(j, op->source) : op->source);
		smig_strbuf_putc(&b, '\t');
		put_field(&b, op->what);
		smig_strbuf_putc(&b, '\n');
	}
	if (smig_strbuf_check(&b, e) < 0)
		goto out;
	path = smig_path_join(j->dir, "ops", e);
	state = smig_path_join(j->dir, "state", e);
	if (!path || !state)
		goto out;
	if (smig_file_write_atomic(path, b.buf ? b.buf : "", b.len, 0600, e) < 0 ||
	    smig_file_write_atomic(state, "", 0, 0600, e) < 0)
		goto out;
	if (alloc_state(j, e) < 0)
		goto out;
	rc = 0;
out:
	smig_strbuf_release(&b);
	free(path);
	free(state);
	return rc;
}

/* Append one line to <dir>/state and, with `sync`, make it durable (with every line before it)
 * before going on. */
static int log_line(struct smig_journal *j, struct smig_err *e, bool sync, const char *fmt,
		    va_list ap) SMIG_PRINTF(4, 0);
static int log_line(struct smig_journal *j, struct smig_err *e, bool sync, const char *fmt,
		    va_list ap)
{
	char line[64];
	char *path = smig_path_join(j->dir, "state", e);
	int fd, n, rc = -1;

	if (!path)
		return -1;
	n = vsnprintf(line, sizeof(line), fmt, ap);
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0 || n < 0 || (size_t)n >= sizeof(line) ||
	    write(fd, line, (size_t)n) != n || (sync && fsync(fd) < 0)) {
		smig_err_sys(e, errno ? errno : EIO, _("cannot write the journal '%s'"), path);
		goto out;
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	free(path);
	return rc;
}

static int log_state(struct smig_journal *j, struct smig_err *e, const char *fmt, ...)
	SMIG_PRINTF(3, 4);
static int log_state(struct smig_journal *j, struct smig_err *e, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = log_line(j, e, true, fmt, ap);
	va_end(ap);
	return rc;
}

/*
 * "done N" needs no fsync of its own: rollback goes by "begin" (what may have changed) and
 * checks each target, and the next "begin" or "complete" makes it durable anyway. One fsync
 * per operation instead of two counts with a thousand VMs.
 */
static int log_done(struct smig_journal *j, struct smig_err *e, const char *fmt, ...)
	SMIG_PRINTF(3, 4);
static int log_done(struct smig_journal *j, struct smig_err *e, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = log_line(j, e, false, fmt, ap);
	va_end(ap);
	return rc;
}

static char *backup_path(const struct smig_journal *j, size_t i, struct smig_err *e)
{
	return smig_asprintf(e, "%s/backup/%zu", j->dir, i);
}

/* Copy a regular file (data, mode) to `to`, fsync'd; `to` must not exist. */
static int copy_file(const char *from, const char *to, struct smig_err *e)
{
	char buf[1 << 16];
	struct stat st;
	int in = open(from, O_RDONLY | O_CLOEXEC), out = -1, rc = -1;
	ssize_t n;

	if (in < 0 || fstat(in, &st) < 0) {
		smig_err_sys(e, errno, _("cannot read '%s'"), from);
		goto done;
	}
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, st.st_mode & 07777);
	if (out < 0) {
		smig_err_sys(e, errno, _("cannot create '%s'"), to);
		goto done;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			smig_err_sys(e, errno ? errno : ENOSPC, _("cannot write '%s'"), to);
			goto done;
		}
	if (n < 0 || fsync(out) < 0) {
		smig_err_sys(e, errno, _("cannot copy '%s' to '%s'"), from, to);
		goto done;
	}
	rc = 0;
done:
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	if (rc < 0 && out >= 0)
		unlink(to);
	return rc;
}

/* Copy a regular file, or re-create a symbolic link with the same text (never followed). */
static int copy_any(const char *from, const char *to, struct smig_err *e)
{
	char text[4096];
	struct stat st;
	ssize_t n;

	if (lstat(from, &st) < 0)
		return smig_err_sys(e, errno, _("cannot read '%s'"), from);
	if (!S_ISLNK(st.st_mode))
		return copy_file(from, to, e);
	n = readlink(from, text, sizeof(text) - 1);
	if (n < 0)
		return smig_err_sys(e, errno, _("cannot read the link '%s'"), from);
	text[n] = '\0';
	if (symlink(text, to) < 0)
		return smig_err_sys(e, errno, _("cannot create the link '%s'"), to);
	return 0;
}

/* Move `from` over `to`: rename, or across filesystems a copy next to `to` then rename. With
 * `sync`, the folder of `to` is fsync'd at once (else smig_journal_complete() does it). */
static int move_over(const char *from, const char *to, bool sync, struct smig_err *e)
{
	char *tmp;
	int rc;

	if (rename(from, to) == 0)
		return sync && fsync_dir_of(to) < 0 ? smig_err_sys(e, errno, _("cannot sync '%s'"),
								   to) : 0;
	if (errno != EXDEV)
		return smig_err_sys(e, errno, _("cannot move '%s' to '%s'"), from, to);
	tmp = smig_asprintf(e, "%s.smig-tmp", to);
	if (!tmp)
		return -1;
	unlink(tmp);
	rc = copy_any(from, tmp, e);
	if (rc == 0 && rename(tmp, to) < 0) {
		rc = smig_err_sys(e, errno, _("cannot move '%s' to '%s'"), tmp, to);
		unlink(tmp);
	}
	if (rc == 0) {
		unlink(from);
		if (sync)
			fsync_dir_of(to);
	}
	free(tmp);
	return rc;
}

/* Keep what `target` is now (file or symbolic link) as backup/N. */
static int backup(struct smig_journal *j, size_t i, struct smig_err *e)
{
	const char *target = j->ops[i].target;
	char *bk = backup_path(j, i, e), *tmp = NULL;
	struct stat st;
	int rc = -1;

	if (!bk)
		return -1;
	if (lstat(target, &st) < 0) {
		rc = errno == ENOENT ? 0 : smig_err_sys(e, errno, _("cannot read '%s'"), target);
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		smig_err_set(e, SMIG_ERR_IO, _("'%s' is a directory where a file must go"), target);
		goto out;
	}
	tmp = smig_asprintf(e, "%s.tmp", bk);
	if (!tmp)
		goto out;
	unlink(tmp);
	if (linkat(AT_FDCWD, target, AT_FDCWD, tmp, 0) < 0) {
		if (errno != EXDEV && errno != EPERM && errno != EMLINK)
			goto sys;
		if (copy_any(target, tmp, e) < 0)
			goto out;
	}
	if (rename(tmp, bk) < 0 || fsync_dir_of(bk) < 0)
		goto sys;
	if (log_state(j, e, "backup %zu %lld\n", i, (long long)st.st_size) < 0)
		goto out;
	j->backed_up[i] = true;
	j->backup_size[i] = (long long)st.st_size;
	rc = 0;
	goto out;
sys:
	smig_err_sys(e, errno, _("cannot keep a copy of '%s' in the journal"), target);
out:
	free(tmp);
	free(bk);
	return rc;
}

/*
 * The folder `target` goes into must be reached without a symbolic link: targets are built
 * from the real paths of the destination's drives, so the real path of the folder must be
 * its path as written. A link (or a junction seen as one) on the way could lead anywhere,
 * outside the destination: refused, naming the folder and where it leads.
 */
static int check_beneath(const char *target, struct smig_err *e)
{
	char *dir = smig_strdup(target, e), *slash, *real = NULL;
	int rc = -1;

	if (!dir)
		return -1;
	slash = strrchr(dir, '/');
	if (!slash || slash == dir) {
		rc = 0;
		goto out;
	}
	*slash = '\0';
	real = realpath(dir, NULL);
	if (!real) {
		smig_err_sys(e, errno, _("cannot reach the folder '%s'"), dir);
		goto out;
	}
	if (strcmp(real, dir)) {
		smig_err_set(e, SMIG_ERR_IO, _("refusing to write '%s': the folder '%s' is reached "
			       "through a symbolic link (it leads to '%s'); apply writes only inside "
			       "the destination's drives, never through links"), target, dir, real);
		goto out;
	}
	rc = 0;
out:
	free(real);
	free(dir);
	return rc;
}

static int run_one(struct smig_journal *j, size_t i, struct smig_err *e)
{
	const struct smig_op *op = &j->ops[i];
	const char *fail = getenv("SMIG_TEST_FAIL_OP");
	char *tmp = NULL;
	int rc = -1;

	if (check_beneath(op->target, e) < 0)
		return -1;
	if (op->kind == SMIG_OP_MKDIR) {
		struct stat st;

		/* a folder that appeared since planning is not ours: done, but never begun,
		 * so rollback leaves it */
		if (lstat(op->target, &st) == 0 && S_ISDIR(st.st_mode))
			return log_done(j, e, "done %zu\n", i);
	} else if (backup(j, i, e) < 0) {
		return -1;
	}
	if (log_state(j, e, "begin %zu\n", i) < 0)
		return -1;
	j->begun[i] = true;
	if (fail && strtoul(fail, NULL, 10) == i)
		return smig_err_sys(e, ENOSPC, _("cannot write '%s'"), op->target);
	switch (op->kind) {
	case SMIG_OP_MKDIR:
		if (mkdir(op->target, 0755) < 0 && errno != EEXIST)
			return smig_err_sys(e, errno, _("cannot create the folder '%s'"), op->target);
		break;
	case SMIG_OP_FILE: {
		/* the mode of what it replaces, else a file's usual 0644 (staged files are 0600) */
		char *bk = j->backed_up[i] ? backup_path(j, i, e) : NULL;
		struct stat st;
		bool keep = bk && lstat(bk, &st) == 0 && S_ISREG(st.st_mode);

		free(bk);
		if (move_over(op->source, op->target, false, e) < 0)
			return -1;
		if (chmod(op->target, keep ? st.st_mode & 07777 : 0644) < 0)
			return smig_err_sys(e, errno, _("cannot set the mode of '%s'"), op->target);
		/* the owner too, where we may (root); elsewhere the file is ours anyway */
		if (keep && chown(op->target, st.st_uid, st.st_gid) < 0 && errno != EPERM)
			return smig_err_sys(e, errno, _("cannot set the owner of '%s'"), op->target);
		break;
	}
	case SMIG_OP_SYMLINK:
		tmp = smig_asprintf(e, "%s.smig-tmp", op->target);
		if (!tmp)
			return -1;
		unlink(tmp);
		if (symlink(op->source, tmp) < 0 || rename(tmp, op->target) < 0) {
			smig_err_sys(e, errno, _("cannot create the link '%s'"), op->target);
			unlink(tmp);
			goto out;
		}
		break;
	}
	if (log_done(j, e, "done %zu\n", i) < 0)
		goto out;
	rc = 0;
out:
	free(tmp);
	return rc;
}

int smig_journal_run(struct smig_journal *j, struct smig_err *e)
{
	const char *crash = getenv("SMIG_TEST_CRASH_AFTER");
	long crash_after = crash ? strtol(crash, NULL, 10) : -1;
	char *bdir = smig_path_join(j->dir, "backup", e);

	if (!bdir || smig_mkdir_p(bdir, 0700, e) < 0) {
		free(bdir);
		return -1;
	}
	free(bdir);
	for (size_t i = 0; i < j->nops; i++) {
		if (crash_after >= 0 && (size_t)crash_after == i)
			raise(SIGKILL);
		if (smig_interrupt_check(e) < 0 || run_one(j, i, e) < 0) {
			struct smig_err e2 = SMIG_ERR_INIT;

			int rb = smig_journal_rollback(j, &e2);
			size_t n = strlen(e->msg);
			const char *how = rb < 0 ? _("; undoing the changes also failed: ") :
					  _("; every change made before was undone");

			/* the first error stays the message; how it ended is appended */
			snprintf(e->msg + n, sizeof(e->msg) - n, "%s%.*s", how,
				 (int)(sizeof(e->msg) / 2), rb < 0 ? e2.msg : "");
			smig_err_trim(e); /* either cut may have split a character */
			if (rb < 0 && j->left == 0)
				j->left = 1;
			return -1;
		}
		j->done = i + 1;
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files moved into place are durable once their data and their folders are: each file's
 * data (staging started writing it back, so little is left to wait for), then each folder
 * once. Before this, "complete" could be logged over files whose data was still only in the
 * page cache: a power loss then left a journal that says done and disks of zeros. */
static int sync_placed(const struct smig_journal *j, struct smig_err *e)
{
	char **dirs = calloc(j->nops ? j->nops : 1, sizeof(*dirs));
	size_t n = 0;
	int rc = -1;

	if (!dirs)
		return smig_err_nomem(e, _("finishing the journal"));
	for (size_t i = 0; i < j->nops; i++) {
		char *slash;

		int fd;

		if (j->ops[i].kind != SMIG_OP_FILE)
			continue;
		fd = open(j->ops[i].target, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
		if (fd < 0 || fsync(fd) < 0) {
			smig_err_sys(e, errno, _("cannot sync '%s'"), j->ops[i].target);
			if (fd >= 0)
				close(fd);
			goto out;
		}
		close(fd);
		if (!(dirs[n] = smig_strdup(j->ops[i].target, e)))
			goto out;
		slash = strrchr(dirs[n], '/');
		if (slash && slash != dirs[n])
			*slash = '\0';
		n++;
	}
	qsort(dirs, n, sizeof(*dirs), cmp_str);
	for (size_t i = 0; i < n; i++) {
		int fd;

		if (i > 0 && !strcmp(dirs[i], dirs[i - 1]))
			continue;
		fd = open(dirs[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0 || fsync(fd) < 0) {
			smig_err_sys(e, errno, _("cannot sync '%s'"), dirs[i]);
			if (fd >= 0)
				close(fd);
			goto out;
		}
		close(fd);
	}
	rc = 0;
out:
	for (size_t i = 0; i < n; i++)
		free(dirs[i]);
	free(dirs);
	return rc;
}

int smig_journal_complete(struct smig_journal *j, struct smig_err *e)
{
	if (sync_placed(j, e) < 0 || log_state(j, e, "complete\n") < 0)
		return -1;
	j->complete = true;
	return 0;
}

/* ---- loading ---- */

/* A path of the operation list made absolute: relative ones (format 2) are under the root. */
static char *op_path(const struct smig_journal *j, bool relative, char *path, struct smig_err *e)
{
	char *abs;

	if (!relative || path[0] == '/')
		return path;
	abs = smig_path_join(j->root, path, e);
	free(path);
	return abs;
}

static int parse_ops(struct smig_journal *j, const char *text, size_t len, struct smig_err *e)
{
	const char *p = text, *end = text + len;
	bool relative = len > strlen(OPS_HEADER) && !memcmp(text, OPS_HEADER "\n",
							     strlen(OPS_HEADER) + 1);

	if (relative)
		p += strlen(OPS_HEADER) + 1;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *f[4];
		size_t flen[4], k = 0;
		const char *q = p;
		enum smig_op_kind kind;
		char *fields[3] = {NULL, NULL, NULL};
		int rc;

		if (!nl)
			return smig_err_set(e, SMIG_ERR_FORMAT, _("the journal's operation list is "
					      "truncated"));
		for (;;) {
			const char *t = memchr(q, '\t', (size_t)(nl - q));

			if (k == 4) {
				k++; /* a fifth field: fields are escaped, a raw TAB is damage */
				break;
			}
			f[k] = q;
			flen[k] = (size_t)((t ? t : nl) - q);
			k++;
			if (!t)
				break;
			q = t + 1;
		}
		if (k != 4)
			return smig_err_set(e, SMIG_ERR_FORMAT, _("a line of the journal's operation "
					      "list has %zu fields, not 4"), k);
		for (kind = SMIG_OP_MKDIR; kind <= SMIG_OP_SYMLINK; kind++)
			if (flen[0] == strlen(kind_names[kind]) &&
			    !memcmp(f[0], kind_names[kind], flen[0]))
				break;
		if (kind > SMIG_OP_SYMLINK)
			return smig_err_set(e, SMIG_ERR_FORMAT, _("unknown journal operation '%.*s'"),
					    (int)flen[0], f[0]);
		for (k = 0; k < 3; k++)
			if (!(fields[k] = get_field(f[k + 1], flen[k + 1], e)))
				break;
		if (k == 3 && fields[0][0] && !(fields[0] = op_path(j, relative, fields[0], e)))
			k = 0;
		if (k == 3 && kind == SMIG_OP_FILE && fields[1][0] &&
		    !(fields[1] = op_path(j, relative, fields[1], e)))
			k = 0;
		rc = k == 3 ? smig_journal_add(j, kind, fields[0], flen[2] ? fields[1] : NULL,
					       fields[2], e) : -1;
		for (k = 0; k < 3; k++)
			free(fields[k]);
		if (rc < 0)
			return -1;
		if (!*j->ops[j->nops - 1].target || j->ops[j->nops - 1].target[0] != '/')
			return smig_err_set(e, SMIG_ERR_FORMAT, _("a journal operation has a target "
					      "that is not an absolute path"));
		if (strstr(j->ops[j->nops - 1].target, "/../") ||
		    strstr(j->ops[j->nops - 1].target, "/./"))
			return smig_err_set(e, SMIG_ERR_FORMAT, _("a journal operation has a target "
					      "with '.' or '..' components"));
		if ((kind == SMIG_OP_MKDIR) != (flen[2] == 0))
			return smig_err_set(e, SMIG_ERR_FORMAT,
					    kind == SMIG_OP_MKDIR ? _("a journal '%s' operation has a source")
					    : _("a journal '%s' operation lacks a source"),
					    kind_names[kind]);
		p = nl + 1;
	}
	return 0;
}

int smig_journal_load(const char *dir, struct smig_journal *j, struct smig_err *e)
{
	char *path = NULL, *text = NULL, *state = NULL;
	size_t len = 0, slen = 0;
	int rc = -1;

	memset(j, 0, sizeof(*j));
	j->dir = smig_strdup(dir, e);
	path = smig_asprintf(e, "%s/../..", dir);
	if (!j->dir || !path)
		goto out;
	/* the destination root is where the journal is now: <root>/smig-journal/<id> */
	j->root = realpath(path, NULL);
	if (!j->root) {
		smig_err_sys(e, errno, _("cannot find the destination root of the journal '%s'"), dir);
		goto out;
	}
	free(path);
	path = smig_path_join(dir, "ops", e);
	if (!path || smig_file_read(path, OPS_MAX, _("journal operation list"), &text, &len, e) < 0 ||
	    parse_ops(j, text, len, e) < 0)
		goto out;
	free(path);
	path = smig_path_join(dir, "state", e);
	if (!path || smig_file_read(path, OPS_MAX, _("journal state"), &state, &slen, e) < 0 ||
	    alloc_state(j, e) < 0)
		goto out;
	for (char *line = state, *nl; line < state + slen; line = nl + 1) {
		char word[16];
		size_t n;
		long long size = -1;
		int got;

		nl = memchr(line, '\n', (size_t)(state + slen - line));
		if (!nl)
			break; /* a torn last line: the step it named did not complete */
		*nl = '\0';
		if (!strcmp(line, "complete")) {
			j->complete = true;
			continue;
		}
		got = sscanf(line, "%15s %zu %lld", word, &n, &size);
		if (got < 2 || n >= j->nops || (got == 3 && (strcmp(word, "backup") || size < 0))) {
			smig_err_set(e, SMIG_ERR_FORMAT, _("journal state line '%s' is malformed"), line);
			goto out;
		}
		if (!strcmp(word, "backup")) {
			j->backed_up[n] = true;
			j->backup_size[n] = size;
		} else if (!strcmp(word, "begin")) {
			j->begun[n] = true;
		} else if (!strcmp(word, "done")) {
			j->done = n + 1;
		} else if (!strcmp(word, "undone")) {
			j->begun[n] = j->backed_up[n] = false;
		} else {
			smig_err_set(e, SMIG_ERR_FORMAT, _("journal state line '%s' is malformed"), line);
			goto out;
		}
	}
	rc = 0;
out:
	free(path);
	free(text);
	free(state);
	if (rc < 0)
		smig_journal_release(j);
	return rc;
}

/* ---- rollback ---- */

/* After undoing operation i: the target is what it was before apply (absent, or the backed-up
 * file or link again, same type and size). */
static int check_undone(const struct smig_journal *j, size_t i, bool restored, struct smig_err *e)
{
	const struct smig_op *op = &j->ops[i];
	struct stat st;

	if (lstat(op->target, &st) < 0) {
		if (errno == ENOENT && !restored)
			return 0;
		return smig_err_sys(e, errno, _("'%s' should be back as before apply, but it cannot "
				      "be read"), op->target);
	}
	if (!restored)
		return smig_err_set(e, SMIG_ERR_IO, _("'%s' made by apply is still there after it "
				      "was undone"), op->target);
	if (S_ISDIR(st.st_mode) || (j->backup_size[i] >= 0 && !S_ISLNK(st.st_mode) &&
				    (long long)st.st_size != j->backup_size[i]))
		return smig_err_set(e, SMIG_ERR_IO, _("'%s' was restored from the journal but is not "
				      "what apply replaced (%lld bytes expected)"), op->target,
				    j->backup_size[i]);
	return 0;
}

static int undo_one(struct smig_journal *j, size_t i, struct smig_err *e)
{
	const struct smig_op *op = &j->ops[i];
	char *bk = backup_path(j, i, e);
	struct stat st;
	bool restored = false;
	int rc = -1;

	if (!bk)
		return -1;
	if (op->kind == SMIG_OP_MKDIR) {
		if (rmdir(op->target) < 0 && errno != ENOENT) {
			smig_err_sys(e, errno, _("cannot remove the folder '%s' made by apply"),
				     op->target);
			goto out;
		}
	} else if (j->backed_up[i] && lstat(bk, &st) == 0) {
		if (move_over(bk, op->target, true, e) < 0)
			goto out;
		restored = true;
	} else {
		char *tmp = smig_asprintf(e, "%s.smig-tmp", op->target);

		if (tmp)
			unlink(tmp); /* a copy or link interrupted half-way */
		free(tmp);
		if (j->backed_up[i] && lstat(op->target, &st) == 0 && (long long)st.st_size ==
		    j->backup_size[i] && !S_ISDIR(st.st_mode)) {
			/* moved back before a crash, "undone" not yet logged */
			restored = true;
		} else if (j->backed_up[i]) {
			smig_err_set(e, SMIG_ERR_IO, _("the copy of '%s' kept in the journal is missing: "
				       "it cannot be restored"), op->target);
			goto out;
		} else if (unlink(op->target) < 0 && errno != ENOENT) {
			smig_err_sys(e, errno, _("cannot remove '%s'"), op->target);
			goto out;
		}
	}
	if (check_undone(j, i, restored, e) < 0 || log_state(j, e, "undone %zu\n", i) < 0)
		goto out;
	j->begun[i] = j->backed_up[i] = false;
	rc = 0;
out:
	free(bk);
	return rc;
}

int smig_journal_rollback(struct smig_journal *j, struct smig_err *e)
{
	struct smig_err first = SMIG_ERR_INIT;

	j->left = 0;
	for (size_t i = j->nops; i-- > 0;) {
		struct smig_err e2 = SMIG_ERR_INIT;

		if (!j->begun[i] || undo_one(j, i, &e2) == 0)
			continue;
		/* keep going: every other change is still undone, the journal keeps this one */
		if (j->left++ == 0)
			first = e2;
	}
	if (j->left == 0)
		return 0;
	/* the English text is the same for one and several (the tests compare it) */
	smig_err_set(e, first.kind,
		     P_("%zu change(s) could not be undone and are kept in the journal '%s' (run "
			"'smig-import rollback' again once the cause is fixed); the first: %s",
			"%zu change(s) could not be undone and are kept in the journal '%s' (run "
			"'smig-import rollback' again once the cause is fixed); the first: %s",
			j->left),
		     j->left, j->dir ? j->dir : "?", first.msg);
	return -1;
}

void smig_journal_release(struct smig_journal *j)
{
	for (size_t i = 0; i < j->nops; i++) {
		free(j->ops[i].target);
		free(j->ops[i].source);
		free(j->ops[i].what);
	}
	free(j->ops);
	free(j->begun);
	free(j->backed_up);
	free(j->backup_size);
	free(j->dir);
	free(j->root);
	memset(j, 0, sizeof(*j));
}
