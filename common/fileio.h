/*
 * fileio.h - whole-file reads with a size cap and all-or-nothing writes.
 *
 * smig_file_write_atomic() writes a temporary file next to the target, fsyncs it and
 * renames it into place: a reader sees the old file or the new one, never a part.
 */
#ifndef SMIG_FILEIO_H
#define SMIG_FILEIO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "err.h"

/* Read `path` into a malloc'd buffer (NUL-terminated, not counted in *len). Files larger
 * than `max` bytes are refused (SMIG_ERR_FORMAT). `what` names the object in messages
 * (e.g. the Windows path); NULL means `path`. */
int smig_file_read(const char *path, size_t max, const char *what, char **buf, size_t *len,
		   struct smig_err *e);
/* Read a text file as Windows writes it: capped at `max` bytes, then decoded from its BOM
 * (smig_text_decode) to UTF-8. *text malloc'd. */
int smig_text_load(const char *path, size_t max, char **text, struct smig_err *e);
int smig_file_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
			   struct smig_err *e);
/*
 * Write a file the user named with -o/--log: "-" is standard output; a regular file (or a
 * path that does not exist yet) is written atomically (smig_file_write_atomic); a character
 * device, a FIFO or a socket is written in place (/dev/null, a named pipe); a symbolic link under /dev
 * or /proc (/dev/stdout, /dev/fd/N of a process substitution) is written through in place.
 * Any other symbolic link, a directory and a block device are refused (SMIG_ERR_USAGE): smig
 * never replaces them (smig_output_kind).
 */
int smig_output_write(const char *path, const void *data, size_t len, mode_t mode,
		      struct smig_err *e);
/* How a path the user named for output is written (smig_output_kind). */
enum smig_output_kind {
	SMIG_OUTPUT_STDOUT,   /* "-" */
	SMIG_OUTPUT_NEW,      /* nothing there: a temporary file renamed into place */
	SMIG_OUTPUT_REPLACE,  /* a regular file, `replace` allowed: the same, replacing it */
	SMIG_OUTPUT_IN_PLACE, /* a character device, a FIFO, a socket, or what a link under
			       * /dev or /proc leads to: opened and written as it is */
};
/*
 * The rules of smig_output_write for a path the user named: a symbolic link (but under /dev
 * or /proc), a directory and a block device are refused (SMIG_ERR_USAGE: smig never replaces
 * them, and an archive written over a disk could not be read back, its end lost in what
 * follows); an existing regular file is refused (SMIG_ERR_IO, sys_errno EEXIST) unless
 * `replace`. 0 with *kind set, or -1.
 */
int smig_output_kind(const char *path, bool replace, enum smig_output_kind *kind,
		     struct smig_err *e);
/* Open an SMIG_OUTPUT_IN_PLACE path for writing; a regular file reached through /dev/stdout
 * (the shell's redirection) is started over. The descriptor, or -1. */
int smig_output_open_in_place(const char *path, struct smig_err *e);
/*
 * The next run of data of `fd` (`size` bytes) at or after `off`, as SEEK_DATA/SEEK_HOLE see
 * it: [*data, *hole); [off, *data) is a hole. *data is `size` when only a hole remains; a
 * filesystem that does not report holes shows all of it as data. Always 0.
 */
int smig_file_next_data(int fd, off_t off, off_t size, off_t *data, off_t *hole);
/*
 * Make the open file `fd` dense, as a Windows copy of a file that is not sparse is: every hole
 * (SEEK_HOLE/SEEK_DATA) is written with zeros, then checked to be gone; its access and
 * modification times are kept. Hyper-V refuses a virtual disk file that is sparse on NTFS
 * (docs/formats.md A69). A stop request (interrupt.h) is looked at between 64 MiB pieces.
 * `name` names the file in messages. 0, or -1 with `e` set.
 */
int smig_file_fill_holes(int fd, const char *name, struct smig_err *e);
/* mkdir -p with `mode` for created directories. */
int smig_mkdir_p(const char *path, mode_t mode, struct smig_err *e);
/* Remove a tree (no symlink following). Missing is not an error. */
int smig_rm_rf(const char *path, struct smig_err *e);
/* Join two path parts with '/'. malloc'd, NULL on ENOMEM (error set). */
char *smig_path_join(const char *a, const char *b, struct smig_err *e);

#endif
