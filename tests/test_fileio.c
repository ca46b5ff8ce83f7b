/* test_fileio.c - capped reads, atomic writes, mkdir -p and rm -rf. */
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "fileio.h"

static void read_with_cap(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	char *dir = tu_mkdtemp(), *p = tu_fmt("%s/f", dir), *buf = NULL;
	size_t len = 0;

	(void)state;
	tu_write(p, "hello", 5);
	assert_int_equal(smig_file_read(p, 5, "D:\\f", &buf, &len, &e), 0);
	assert_int_equal(len, 5);
	assert_string_equal(buf, "hello");
	free(buf);
	assert_int_equal(smig_file_read(p, 4, "D:\\f", &buf, &len, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_FORMAT);
	assert_non_null(strstr(e.msg, "'D:\\f' is too large"));
	smig_err_clear(&e);
	assert_int_equal(smig_file_read(dir, 100, NULL, &buf, &len, &e), -1); /* a directory */
	smig_err_clear(&e);
	assert_int_equal(smig_file_read("/nonexistent/x", 100, NULL, &buf, &len, &e), -1);
	assert_int_equal(e.sys_errno, ENOENT);
	free(p);
	tu_rmtree(dir);
	free(dir);
}

static void atomic_write_and_dirs(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	char *dir = tu_mkdtemp(), *deep = tu_fmt("%s/a/b/c", dir), *p = tu_fmt("%s/a/b/c/f", dir);
	struct stat st;
	size_t len;
	char *back;

	(void)state;
	assert_int_equal(smig_mkdir_p(deep, 0755, &e), 0);
	assert_int_equal(smig_mkdir_p(deep, 0755, &e), 0); /* idempotent */
	assert_int_equal(smig_file_write_atomic(p, "one", 3, 0600, &e), 0);
	assert_int_equal(smig_file_write_atomic(p, "two!", 4, 0600, &e), 0);
	back = tu_read(p, &len);
	assert_int_equal(len, 4);
	assert_memory_equal(back, "two!", 4);
	free(back);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(tu_sh("ls -a '%s' | grep -c smig-tmp", deep), 1); /* no temp left */
	/* writing into a missing directory fails and leaves nothing */
	assert_int_equal(smig_file_write_atomic("/nonexistent-smig/f", "x", 1, 0644, &e), -1);
	smig_err_clear(&e);
	assert_int_equal(smig_rm_rf(dir, &e), 0);
	assert_int_equal(access(dir, F_OK), -1);
	assert_int_equal(smig_rm_rf(dir, &e), 0); /* missing is not an error */
	free(deep);
	free(p);
	free(dir);
}

/* A sparse file (holes first, between and last, as a fixed VHD staged from a sparse member):
 * filled, it has no hole left, the same bytes and the same times. */
static void fill_holes(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	char *dir = tu_mkdtemp(), *p = tu_fmt("%s/disk.vhd", dir), *q = tu_fmt("%s/copy", dir);
	const off_t size = (off_t)70 << 20; /* past the 64 MiB between stop-request looks */
	struct timespec ts[2] = {{1300000000, 0}, {1300000000, 0}};
	struct stat before, after;
	int fd;

	(void)state;
	fd = open(p, O_RDWR | O_CREAT | O_EXCL, 0644);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, size), 0);
	assert_int_equal(pwrite(fd, "data in the middle", 18, (off_t)33 << 20), 18);
	assert_int_equal(pwrite(fd, "conectix footer", 15, size - 512), 15);
	assert_int_equal(futimens(fd, ts), 0);
	assert_int_equal(fstat(fd, &before), 0);
	if (lseek(fd, 0, SEEK_HOLE) == size) {
		/* a filesystem without holes (tmpfs has them): nothing to show here */
		close(fd);
		tu_rmtree(dir);
		free(dir);
		free(p);
		free(q);
		skip();
	}
	assert_int_equal(tu_sh("cp --sparse=always '%s' '%s'", p, q), 0);
	assert_int_equal(smig_file_fill_holes(fd, "D:\\VHD\\disk.vhd", &e), 0);
	assert_int_equal(lseek(fd, 0, SEEK_HOLE), size);
	assert_int_equal(fstat(fd, &after), 0);
	assert_true((off_t)after.st_blocks * 512 >= size);
	assert_int_equal(after.st_size, size);
	assert_int_equal(after.st_mtim.tv_sec, before.st_mtim.tv_sec);
	assert_int_equal(after.st_ino, before.st_ino);
	assert_int_equal(close(fd), 0);
	assert_int_equal(tu_sh("cmp -s '%s' '%s'", p, q), 0);
	/* a file without holes is left as it is */
	fd = open(p, O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(smig_file_fill_holes(fd, "D:\\VHD\\disk.vhd", &e), 0);
	close(fd);
	/* read-only: the error names the file */
	fd = open(q, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(smig_file_fill_holes(fd, "D:\\VHD\\copy.vhd", &e), -1);
	assert_non_null(strstr(e.msg, "'D:\\VHD\\copy.vhd'"));
	close(fd);
	tu_rmtree(dir);
	free(dir);
	free(p);
	free(q);
}

/* What -o PATH means, for every kind of thing PATH can be. */
static void output_kinds(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	enum smig_output_kind k;
	char *dir = tu_mkdtemp(), *reg = tu_fmt("%s/reg", dir), *lnk = tu_fmt("%s/lnk", dir),
	     *fifo = tu_fmt("%s/fifo", dir), *blk = tu_fmt("%s/blk", dir),
	     *none = tu_fmt("%s/none", dir);

	(void)state;
	assert_int_equal(smig_output_kind("-", false, &k, &e), 0);
	assert_int_equal(k, SMIG_OUTPUT_STDOUT);
	assert_int_equal(smig_output_kind(none, false, &k, &e), 0);
	assert_int_equal(k, SMIG_OUTPUT_NEW);
	tu_write(reg, "x", 1);
	assert_int_equal(smig_output_kind(reg, false, &k, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_IO);
	assert_int_equal(e.sys_errno, EEXIST);
	assert_int_equal(smig_output_kind(reg, true, &k, &e), 0);
	assert_int_equal(k, SMIG_OUTPUT_REPLACE);
	/* a link, even to a regular file and with replace allowed, and a folder: refused */
	assert_int_equal(symlink(reg, lnk), 0);
	e = (struct smig_err)SMIG_ERR_INIT;
	assert_int_equal(smig_output_kind(lnk, true, &k, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_USAGE);
	assert_non_null(strstr(e.msg, "symbolic link"));
	e = (struct smig_err)SMIG_ERR_INIT;
	assert_int_equal(smig_output_kind(dir, true, &k, &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_USAGE);
	/* a FIFO and a character device: in place */
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(smig_output_kind(fifo, false, &k, &e), 0);
	assert_int_equal(k, SMIG_OUTPUT_IN_PLACE);
	assert_int_equal(smig_output_kind("/dev/null", false, &k, &e), 0);
	assert_int_equal(k, SMIG_OUTPUT_IN_PLACE);
	/* a link under /dev leads where it leads: /dev/stdout may be anything but a folder */
	if (access("/dev/stdout", F_OK) == 0) {
		assert_int_equal(smig_output_kind("/dev/stdout", false, &k, &e), 0);
		assert_int_equal(k, SMIG_OUTPUT_IN_PLACE);
	}
	/* a block device (a node made here needs no real disk; root only) */
	if (mknod(blk, S_IFBLK | 0600, makedev(7, 250)) == 0) {
		e = (struct smig_err)SMIG_ERR_INIT;
		assert_int_equal(smig_output_kind(blk, true, &k, &e), -1);
		assert_int_equal(e.kind, SMIG_ERR_USAGE);
		assert_non_null(strstr(e.msg, "block device"));
		/* and smig_output_write leaves it alone */
		assert_int_equal(smig_output_write(blk, "x", 1, 0644, &e), -1);
		assert_true(access(blk, F_OK) == 0);
	}
	tu_rmtree(dir);
	free(dir);
	free(reg);
	free(lnk);
	free(fifo);
	free(blk);
	free(none);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(read_with_cap),
		cmocka_unit_test(atomic_write_and_dirs),
		cmocka_unit_test(fill_holes),
		cmocka_unit_test(output_kinds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
