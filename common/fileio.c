/* fileio.c - capped reads, atomic writes, directory helpers (see fileio.h). */
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"
#include "interrupt.h"
#include "winval.h"

int smig_file_read(const char *path, size_t max, const char *what, char **buf, size_t *len,
		   struct smig_err *e)
{
	struct stat st;
	char *p = NULL;
	size_t got = 0;
	int fd;

	*buf = NULL;
	*len = 0;
	if (what == NULL)
		what = path;
	/* O_NONBLOCK: a FIFO put where a file belongs is refused below, not waited on */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return smig_err_sys(e, errno, _("cannot open '%s'"), what);
	if (fstat(fd, &st) < 0) {
		smig_err_sys(e, errno, _("cannot stat '%s'"), what);
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		smig_err_set(e, SMIG_ERR_FORMAT, _("'%s' is not a regular file"), what);
		goto fail;
	}
	if ((unsigned long long)st.st_size > max) {
		smig_err_set(e, SMIG_ERR_FORMAT, _("'%s' is too large (%lld bytes, limit %zu)"), what,
			     (long long)st.st_size, max);
		goto fail;
	}
	p = malloc((size_t)st.st_size + 1);
	if (p == NULL) {
		smig_err_nomem(e, _("reading a file"));
		goto fail;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, p + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			smig_err_sys(e, errno, _("cannot read '%s'"), what);
			goto fail;
		}
		if (n == 0)
			break; /* the file shrank: use what is there */
		got += (size_t)n;
	}
	close(fd);
	p[got] = '\0';
	*buf = p;
	*len = got;
	return 0;
fail:
	free(p);
	close(fd);
	return -1;
}

int smig_text_load(const char *path, size_t max, char **text, struct smig_err *e)
{
	struct smig_err tmp = SMIG_ERR_INIT;
	char *raw = NULL;
	size_t len = 0;
	int rc = 0;

	*text = NULL;
	if (smig_file_read(path, max, NULL, &raw, &len, e) < 0)
		return -1;
	if (smig_text_decode(raw, len, text, &tmp) < 0)
		rc = smig_err_set(e, tmp.kind, _("cannot read '%s': %s"), path, tmp.msg);
	free(raw);
	return rc;
}

static int write_all(int fd, const char *path, const void *data, size_t len, struct smig_err *e)
{
	const char *p = data;
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, p + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return smig_err_sys(e, errno, _("cannot write '%s'"), path);
		done += (size_t)n;
	}
	return 0;
}

int smig_file_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
			   struct smig_err *e)
{
	char *tmp = NULL;
	int fd = -1;

	tmp = smig_asprintf(e, "%s.smig-tmp.%ld", path, (long)getpid());
	if (tmp == NULL)
		return -1;
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0) {
		smig_err_sys(e, errno, _("cannot create '%s'"), tmp);
		goto fail;
	}
	if (write_all(fd, path, data, len, e) < 0)
		goto fail;
	if (fsync(fd) < 0) {
		smig_err_sys(e, errno, _("cannot flush '%s'"), path);
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		smig_err_sys(e, errno, _("cannot write '%s'"), path);
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		smig_err_sys(e, errno, _("cannot rename '%s' to '%s'"), tmp, path);
		goto fail;
	}
	free(tmp);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	if (tmp)
		unlink(tmp);
	free(tmp);
	return -1;
}

/* Write in place to what `path` names (a device, a FIFO, a link to one): no temporary file,
 * no rename, nothing created. */
int smig_output_open_in_place(const char *path, struct smig_err *e)
{
	int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
	struct stat st;

	if (fd < 0)
		return smig_err_sys(e, errno, _("cannot open '%s' for writing"), path);
	/* a regular file reached through /dev/stdout: the shell's redirection; start it over */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && ftruncate(fd, 0) < 0) {
		smig_err_sys(e, errno, _("cannot truncate '%s'"), path);
		close(fd);
		return -1;
	}
	return fd;
}

static int write_in_place(const char *path, const void *data, size_t len, struct smig_err *e)
{
	int fd = smig_output_open_in_place(path, e);

	if (fd < 0)
		return -1;
	if (write_all(fd, path, data, len, e) < 0) {
		close(fd);
		return -1;
	}
	if (close(fd) < 0)
		return smig_err_sys(e, errno, _("cannot write '%s'"), path);
	return 0;
}

int smig_output_kind(const char *path, bool replace, enum smig_output_kind *kind,
		     struct smig_err *e)
{
	struct stat st;

	if (strcmp(path, "-") == 0) {
		*kind = SMIG_OUTPUT_STDOUT;
		return 0;
	}
	if (lstat(path, &st) < 0) {
		if (errno != ENOENT)
			return smig_err_sys(e, errno, _("cannot write '%s'"), path);
		*kind = SMIG_OUTPUT_NEW;
		return 0;
	}
	if (S_ISLNK(st.st_mode)) {
		if (strncmp(path, "/dev/", 5) && strncmp(path, "/proc/", 6))
			return smig_err_set(e, SMIG_ERR_USAGE, _("'%s' is a symbolic link: smig does "
					    "not write through or replace links (name its target)"),
					    path);
		if (stat(path, &st) < 0)
			return smig_err_sys(e, errno, _("cannot write '%s'"), path);
		if (S_ISDIR(st.st_mode))
			return smig_err_set(e, SMIG_ERR_USAGE, _("'%s' leads to a directory"), path);
		*kind = SMIG_OUTPUT_IN_PLACE;
		return 0;
	}
	if (S_ISDIR(st.st_mode))
		return smig_err_set(e, SMIG_ERR_USAGE, _("'%s' is a directory"), path);
	if (S_ISBLK(st.st_mode))
		return smig_err_set(e, SMIG_ERR_USAGE,
				    _("'%s' is a block device: smig does not write over a disk "
				      "(write to a file on a filesystem of it)"),
				    path);
	if (S_ISREG(st.st_mode)) {
		if (!replace) {
			smig_err_set(e, SMIG_ERR_IO,
				     _("'%s' already exists; refusing to overwrite it (use --force)"),
				     path);
			e->sys_errno = EEXIST;
			return -1;
		}
		*kind = SMIG_OUTPUT_REPLACE;
		return 0;
	}
	*kind = SMIG_OUTPUT_IN_PLACE;
	return 0;
}

int smig_output_write(const char *path, const void *data, size_t len, mode_t mode,
		      struct smig_err *e)
{
	enum smig_output_kind kind;

	if (smig_output_kind(path, true, &kind, e) < 0)
		return -1;
	switch (kind) {
	case SMIG_OUTPUT_STDOUT:
		return write_all(STDOUT_FILENO, _("standard output"), data, len, e) < 0 ? -1 : 0;
	case SMIG_OUTPUT_IN_PLACE:
		return write_in_place(path, data, len, e);
	default:
		return smig_file_write_atomic(path, data, len, mode, e);
	}
}

int smig_mkdir_p(const char *path, mode_t mode, struct smig_err *e)
{
	char *p = smig_strdup(path, e), *s;

	if (p == NULL)
		return -1;
	for (s = p + 1;; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;
			*s = '\0';
			if (mkdir(p, mode) < 0 && errno != EEXIST) {
				smig_err_sys(e, errno, _("cannot create directory '%s'"), p);
				free(p);
				return -1;
			}
			*s = c;
			if (c == '\0')
				break;
		}
	}
	free(p);
	return 0;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return (flag == FTW_DP ? rmdir(path) : unlink(path)) < 0 && errno != ENOENT ? -1 : 0;
}

int smig_rm_rf(const char *path, struct smig_err *e)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : smig_err_sys(e, errno, _("cannot remove '%s'"), path);
	if (nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
		return smig_err_sys(e, errno, _("cannot remove '%s'"), path);
	return 0;
}

char *smig_path_join(const char *a, const char *b, struct smig_err *e)
{
	size_t la = strlen(a);

	if (la > 0 && a[la - 1] == '/')
		return smig_asprintf(e, "%s%s", a, b);
	return smig_asprintf(e, "%s/%s", a, b);
}

int smig_file_next_data(int fd, off_t off, off_t size, off_t *data, off_t *hole)
{
	*data = lseek(fd, off, SEEK_DATA);
	if (*data < 0 && errno == ENXIO)
		*data = size; /* only a hole remains */
	else if (*data < 0)
		*data = off;  /* no hole reporting: all of it is data */
	if (*data > size)
		*data = size;
	*hole = *data < size ? lseek(fd, *data, SEEK_HOLE) : size;
	if (*hole < 0 || *hole > size)
		*hole = size;
	return 0;
}

int smig_file_fill_holes(int fd, const char *name, struct smig_err *e)
{
	static const unsigned char zero[(size_t)1 << 16];
	const off_t check_every = (off_t)64 << 20;
	struct stat st;
	struct timespec ts[2];
	off_t pos = 0, data, hole, since_check = 0;

	if (fstat(fd, &st) < 0)
		return smig_err_sys(e, errno, _("cannot read '%s'"), name);
	for (; pos < st.st_size; pos = hole) {
		smig_file_next_data(fd, pos, st.st_size, &data, &hole);
		while (pos < data) {
			size_t n = data - pos < (off_t)sizeof(zero) ? (size_t)(data - pos) : sizeof(zero);
			ssize_t w = pwrite(fd, zero, n, pos);

			if (w < 0 && errno == EINTR && !smig_interrupt_signal())
				continue;
			if (w <= 0)
				return smig_err_sys(e, w < 0 ? errno : EIO, _("cannot write '%s'"), name);
			pos += w;
			since_check += w;
			if (since_check >= check_every) {
				since_check = 0;
				if (smig_interrupt_check(e) < 0)
					return -1;
			}
		}
	}
	/* done means done: no hole is left (a filesystem that makes holes of zeros itself would
	 * leave the file sparse whatever is written) */
	smig_file_next_data(fd, 0, st.st_size, &data, &hole);
	if (data > 0 || hole < st.st_size)
		return smig_err_set(e, SMIG_ERR_IO, _("'%s' still has a hole at byte %lld after it "
				      "was filled with zeros (the filesystem keeps zeros sparse)"), name,
				    (long long)(data > 0 ? 0 : hole));
	ts[0] = st.st_atim;
	ts[1] = st.st_mtim;
	if (futimens(fd, ts) < 0)
		return smig_err_sys(e, errno, _("cannot set the time of '%s'"), name);
	return 0;
}
