/* archive.c - streaming pax writer and verifying stager for .smig archives (see archive.h). */
/* angle brackets: this header and libarchive's share a name (see the end of archive.h) */
#include "archive.h"
#include "i18n.h"
#include "age.h"
#include "interrupt.h"

#include <archive.h>
#include <archive_entry.h>

#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <zstd.h>

#include "fileio.h"
#include "strbuf.h"
#include "winval.h"

/* Read and write chunk: large enough for throughput, small enough to bound memory. */
#define CHUNK ((size_t)1 << 20)
/* Holes shorter than this are read from disk like data: a sparse map with thousands of
 * tiny regions costs more than the zeros it saves. */
#define HOLE_MIN ((off_t)64 << 10)
/* Most data regions of one sparse member; past this the rest of the file is one region. */
#define MAX_REGIONS 65536
/* Granule for keeping holes when staging: a zero run of this alignment is not written. */
#define STAGE_PAGE ((size_t)4096)
/* smig/SHA256 holds about 100 bytes per member: 64 MiB is far beyond any real list. */
#define MAX_SUMS_SIZE ((uint64_t)64 << 20)
#define MAX_SIG_SIZE (MAX_SUMS_SIZE + 4096)
/* Bytes tolerated after the tar end marker (block padding is at most 10 KiB). */
#define MAX_TRAILING ((uint64_t)1 << 20)
/* Width of a hostile name echoed in a message. */
#define SHOWN_MAX 200

static const uint8_t zeros[64 << 10];

int smig_compress_parse(const char *name, enum smig_compress *c)
{
	if (strcmp(name, "zstd") == 0)
		*c = SMIG_COMPRESS_ZSTD;
	else if (strcmp(name, "gzip") == 0)
		*c = SMIG_COMPRESS_GZIP;
	else if (strcmp(name, "none") == 0)
		*c = SMIG_COMPRESS_NONE;
	else
		return -1;
	return 0;
}

static bool name_char_ok(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("._ {}()+,-", c) != NULL);
}

bool smig_archive_name_ok(const char *name)
{
	const char *p = name;
	size_t len = strlen(name);

	if (len == 0 || len > SMIG_ARCHIVE_NAME_MAX)
		return false;
	for (;;) {
		const char *s = p;
		size_t n;

		while (*p != '\0' && *p != '/') {
			if (!name_char_ok((unsigned char)*p))
				return false;
			p++;
		}
		n = (size_t)(p - s);
		/* an empty component is a leading '/', a "//" or a trailing '/' */
		if (n == 0 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
			return false;
		if (*p == '\0')
			return true;
		p++;
	}
}

/* A name from a hostile archive, made safe to print: non-printable bytes become '?'. */
static const char *shown(const char *name, char buf[SHOWN_MAX + 4])
{
	size_t i;

	if (name == NULL)
		return _("(no name)");
	for (i = 0; i < SHOWN_MAX && name[i] != '\0'; i++)
		buf[i] = name[i] >= 0x20 && name[i] < 0x7f ? name[i] : '?';
	if (name[i] != '\0') {
		memcpy(buf + i, "...", 3);
		i += 3;
	}
	buf[i] = '\0';
	return buf;
}

/* ---- case-insensitive name set (the destination is NTFS) ---- */

enum name_kind { NAME_FILE = 1, NAME_DIR, NAME_IMPLIED_DIR };

struct name_slot {
	char *name;       /* as first seen; NULL = empty slot */
	enum name_kind kind;
	bool has_file;    /* a directory: some file lies below it */
	size_t member;    /* a file: index into the staged members */
};

struct name_set {
	struct name_slot *slots;
	size_t cap; /* power of two */
	size_t used;
};

/* ASCII only, whatever the locale: NTFS's upcase table agrees on ASCII, and valid names are
 * ASCII. */
static unsigned char ascii_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

static uint64_t name_hash(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= ascii_lower((unsigned char)s[i]);
		h *= 0x100000001b3ULL;
	}
	return h;
}

static bool name_eq_ci(const char *name, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (name[i] == '\0' || ascii_lower((unsigned char)name[i]) !=
					       ascii_lower((unsigned char)s[i]))
			return false;
	return name[len] == '\0';
}

static struct name_slot *name_find(struct name_set *ns, const char *s, size_t len)
{
	size_t i;

	if (ns->cap == 0)
		return NULL;
	for (i = name_hash(s, len) & (ns->cap - 1); ns->slots[i].name != NULL;
	     i = (i + 1) & (ns->cap - 1))
		if (name_eq_ci(ns->slots[i].name, s, len))
			return &ns->slots[i];
	return NULL;
}

static struct name_slot *name_place(struct name_slot *slots, size_t cap, const char *name)
{
	size_t i = name_hash(name, strlen(name)) & (cap - 1);

	while (slots[i].name != NULL)
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

/* Insert a name known to be absent. Returns the new slot or NULL (error set). */
static struct name_slot *name_insert(struct name_set *ns, const char *s, size_t len,
				     enum name_kind kind, struct smig_err *e)
{
	struct name_slot *slot;
	char *copy;
	size_t i;

	if ((ns->used + 1) * 2 > ns->cap) {
		size_t ncap = ns->cap ? ns->cap * 2 : 64;
		struct name_slot *n = calloc(ncap, sizeof(*n));

		if (n == NULL) {
			smig_err_nomem(e, _("indexing archive members"));
			return NULL;
		}
		for (i = 0; i < ns->cap; i++)
			if (ns->slots[i].name != NULL)
				*name_place(n, ncap, ns->slots[i].name) = ns->slots[i];
		free(ns->slots);
		ns->slots = n;
		ns->cap = ncap;
	}
	copy = smig_strndup(s, len, e);
	if (copy == NULL)
		return NULL;
	slot = name_place(ns->slots, ns->cap, copy);
	slot->name = copy;
	slot->kind = kind;
	slot->has_file = false;
	slot->member = 0;
	ns->used++;
	return slot;
}

static void name_set_release(struct name_set *ns)
{
	size_t i;

	for (i = 0; i < ns->cap; i++)
		free(ns->slots[i].name);
	free(ns->slots);
	ns->slots = NULL;
	ns->cap = ns->used = 0;
}

/*
 * Record `name` (already checked by smig_archive_name_ok) in the set: every parent becomes an
 * implied directory, and no two names may collide once case is ignored, nor a file stand
 * where a directory is. Returns the name's slot or NULL (SMIG_ERR_INTEGRITY or NOMEM set).
 */
static struct name_slot *name_claim(struct name_set *ns, const char *name, bool is_dir,
				    struct smig_err *e)
{
	char b1[SHOWN_MAX + 4];
	struct name_slot *slot;
	size_t len = strlen(name), i;

	for (i = 0; i < len; i++) {
		if (name[i] != '/')
			continue;
		slot = name_find(ns, name, i);
		if (slot == NULL)
			slot = name_insert(ns, name, i, NAME_IMPLIED_DIR, e);
		if (slot == NULL)
			return NULL;
		if (slot->kind == NAME_FILE) {
			smig_err_set(e, SMIG_ERR_INTEGRITY,
				     _("'%s': a parent directory has the name of a file member"),
				     shown(name, b1));
			return NULL;
		}
		if (!is_dir)
			slot->has_file = true;
	}
	slot = name_find(ns, name, len);
	if (slot == NULL)
		return name_insert(ns, name, len, is_dir ? NAME_DIR : NAME_FILE, e);
	if (slot->kind == NAME_IMPLIED_DIR && is_dir) {
		slot->kind = NAME_DIR;
		return slot;
	}
	if (slot->kind == NAME_IMPLIED_DIR || is_dir != (slot->kind == NAME_DIR))
		smig_err_set(e, SMIG_ERR_INTEGRITY, _("'%s' is both a file and a directory"),
			     shown(name, b1));
	else
		smig_err_set(e, SMIG_ERR_INTEGRITY,
			     _("'%s': duplicate member (names are compared ignoring case)"),
			     shown(name, b1));
	return NULL;
}

/* ---- writing ---- */

/*
 * Writing overlaps its four kinds of work on separate threads: the caller's thread reads the
 * source and feeds libarchive, whose tar stream goes to zstd (whose own worker threads
 * compress), while hashing and writing the output each run as a "stage" on a thread of its
 * own. A stage consumes a FIFO of jobs; a job names one of the stage's buffers, or (hashing)
 * says "this many zeros" for a hole, which needs no buffer and is never read. Buffers are
 * filled round-robin and jobs finish in order, so the next buffer is free whenever fewer than
 * all are queued; the producer waits for that, which bounds the memory to the stage's buffers
 * whatever the member's size.
 *
 * Ownership: a queued buffer (or the one being consumed) is the stage thread's to read; the
 * producer may read it too but not write it. Per-member state the stage thread uses (the
 * hash context) is the producer's only while the queue is empty.
 */
#define STAGE_SLOTS 20     /* queued jobs: buffers plus the hole and final jobs between */
#define STAGE_MAX_BUFS 8

enum job_kind { JOB_DATA, JOB_ZEROS, JOB_FINAL };

struct job {
	enum job_kind kind;
	unsigned buf; /* JOB_DATA: index into stage.buf */
	uint64_t len; /* bytes of data or zeros */
	void *arg;    /* the producer's, for `run` (the member a job belongs to), or NULL */
};

struct stage {
	pthread_mutex_t mu;
	pthread_cond_t work; /* a job was queued, or quit */
	pthread_cond_t done; /* a job was finished */
	struct job q[STAGE_SLOTS];
	unsigned head;       /* oldest job: being consumed, or next */
	unsigned count;      /* jobs queued, including the one being consumed */
	unsigned bufs_busy;  /* JOB_DATA jobs among them */
	unsigned next_buf;   /* the next buffer to fill */
	unsigned nbufs;
	bool quit;           /* stop once the queue is empty */
	bool drop;           /* ... and skip what is still queued */
	int err;             /* first error a job returned (an errno); later jobs are skipped */
	unsigned char *buf[STAGE_MAX_BUFS];
	/* runs on the stage's thread, outside the lock; returns 0 or an errno */
	int (*run)(void *ctx, const struct job *j, const unsigned char *buf);
	void *ctx;
	bool init;           /* mu and the conditions exist */
	bool started;        /* the thread runs */
	pthread_t tid;
};

static void *stage_main(void *arg)
{
	struct stage *st = arg;
	struct job job;
	int r;

	pthread_mutex_lock(&st->mu);
	for (;;) {
		while (st->count == 0 && !st->quit)
			pthread_cond_wait(&st->work, &st->mu);
		if (st->count == 0)
			break;
		job = st->q[st->head];
		if (st->err == 0 && !st->drop) {
			pthread_mutex_unlock(&st->mu);
			r = st->run(st->ctx, &job, job.kind == JOB_DATA ? st->buf[job.buf] : NULL);
			pthread_mutex_lock(&st->mu);
			if (r != 0 && st->err == 0)
				st->err = r;
		}
		st->head = (st->head + 1) % STAGE_SLOTS;
		st->count--;
		if (job.kind == JOB_DATA)
			st->bufs_busy--;
		pthread_cond_signal(&st->done);
	}
	pthread_mutex_unlock(&st->mu);
	return NULL;
}

/* Buffers of `bufsize` bytes and the thread. On failure stage_stop() still cleans up. */
static int stage_start(struct stage *st, unsigned nbufs, size_t bufsize,
		       int (*run)(void *, const struct job *, const unsigned char *), void *ctx,
		       struct smig_err *e)
{
	unsigned i;
	int r;

	st->nbufs = nbufs;
	st->run = run;
	st->ctx = ctx;
	for (i = 0; i < nbufs; i++) {
		st->buf[i] = malloc(bufsize);
		if (st->buf[i] == NULL)
			return smig_err_nomem(e, _("starting an archive"));
	}
	if (pthread_mutex_init(&st->mu, NULL) != 0)
		return smig_err_nomem(e, _("starting an archive"));
	if (pthread_cond_init(&st->work, NULL) != 0) {
		pthread_mutex_destroy(&st->mu);
		return smig_err_nomem(e, _("starting an archive"));
	}
	if (pthread_cond_init(&st->done, NULL) != 0) {
		pthread_cond_destroy(&st->work);
		pthread_mutex_destroy(&st->mu);
		return smig_err_nomem(e, _("starting an archive"));
	}
	st->init = true;
	r = pthread_create(&st->tid, NULL, stage_main, st);
	if (r != 0)
		return smig_err_sys(e, r, _("cannot start a writing thread"));
	st->started = true;
	return 0;
}

/* Stop the thread (after the queue, or at once when `drop`) and free everything. */
static void stage_stop(struct stage *st, bool drop)
{
	unsigned i;

	if (st->started) {
		pthread_mutex_lock(&st->mu);
		st->quit = true;
		st->drop = drop;
		pthread_cond_signal(&st->work);
		pthread_mutex_unlock(&st->mu);
		pthread_join(st->tid, NULL);
		st->started = false;
	}
	if (st->init) {
		pthread_cond_destroy(&st->done);
		pthread_cond_destroy(&st->work);
		pthread_mutex_destroy(&st->mu);
		st->init = false;
	}
	for (i = 0; i < st->nbufs; i++) {
		free(st->buf[i]);
		st->buf[i] = NULL;
	}
}

/* The buffer to fill next, once the stage has let go of it. */
static unsigned stage_next_buf(struct stage *st)
{
	unsigned i;

	pthread_mutex_lock(&st->mu);
	while (st->bufs_busy == st->nbufs)
		pthread_cond_wait(&st->done, &st->mu);
	i = st->next_buf;
	pthread_mutex_unlock(&st->mu);
	return i;
}

/* Queue a job; returns the stage's first error so far (0: none). */
static int stage_put(struct stage *st, enum job_kind kind, unsigned buf, uint64_t len, void *arg)
{
	int err;

	pthread_mutex_lock(&st->mu);
	while (st->count == STAGE_SLOTS)
		pthread_cond_wait(&st->done, &st->mu);
	st->q[(st->head + st->count) % STAGE_SLOTS] = (struct job){kind, buf, len, arg};
	st->count++;
	if (kind == JOB_DATA) {
		st->bufs_busy++;
		st->next_buf = (buf + 1) % st->nbufs;
	}
	err = st->err;
	pthread_cond_signal(&st->work);
	pthread_mutex_unlock(&st->mu);
	return err;
}

/* Could `bufs` buffers and `jobs` jobs be queued now without waiting? */
static bool stage_has_room(struct stage *st, uint64_t bufs, uint64_t jobs)
{
	bool room;

	pthread_mutex_lock(&st->mu);
	room = bufs <= st->nbufs - st->bufs_busy && jobs <= STAGE_SLOTS - st->count;
	pthread_mutex_unlock(&st->mu);
	return room;
}

/* Wait until every queued job is done; returns the stage's first error (0: none). */
static int stage_drain(struct stage *st)
{
	int err;

	pthread_mutex_lock(&st->mu);
	while (st->count > 0)
		pthread_cond_wait(&st->done, &st->mu);
	err = st->err;
	pthread_mutex_unlock(&st->mu);
	return err;
}

/*
 * zstd is done here with libzstd rather than with libarchive's filter, whose options (3.6)
 * are only the level and the thread count: with its default job size of 8 MiB (4 windows at
 * level 3) the workers' buffers alone passed 100 MiB. ZSTD_JOB bounds them; smaller jobs cost
 * ratio at the job seams, which ZSTD_OVERLAP wins back: each job starts with half the window
 * (1 MiB at level 3) of the job before as history, not libzstd's default eighth of it, so the
 * archive comes out no larger than bsdtar's 8 MiB jobs for the same work (bench mix, 1.1 GB:
 * 448.3 MB with the default, 446.8 MB with 8, 446.0 MB with 9 (the whole window) but 7 %
 * more CPU; bsdtar 447.0 MB), and the frame's window, which bounds the decoder, stays level
 * 3's 2 MiB. libarchive writes the tar
 * stream unblocked into write_cb, which compresses it into the output stage's buffers.
 */
#define ZSTD_LEVEL 3
#define ZSTD_JOB ((size_t)2 << 20)
#define ZSTD_OVERLAP 8 /* ZSTD_c_overlapLog: 8 = half the window, 9 the whole */
/* Chunks the hasher may lag behind the reader: slack so that neither waits for the other
 * whenever the zstd workers hold up the reader for a moment. */
#define HASH_BUFS 8
/* Output buffers (OUT_SIZE bytes each) queued for the writing thread. */
#define OUT_BUFS 4
#define OUT_SIZE ((size_t)1 << 20)
/* Output bytes that may wait for the disk in the page cache (see write_behind). */
#define WB_LAG ((uint64_t)8 << 20)
_Static_assert(HASH_BUFS <= STAGE_MAX_BUFS && OUT_BUFS <= STAGE_MAX_BUFS, "stage buffers");

/*
 * The temporary file of the writer in progress, for smig_archive_signal_cleanup(): a signal
 * handler may only call async-signal-safe functions, so the path is kept in a static buffer.
 */
static char signal_tmp[4096];
static volatile sig_atomic_t signal_tmp_set;

void smig_archive_signal_cleanup(void)
{
	if (signal_tmp_set)
		unlink(signal_tmp);
}

struct smig_archive_writer {
	struct archive *a;
	char *path;     /* final name; NULL when writing to standard output */
	char *tmp;      /* the temporary file being written; NULL for standard output */
	int fd;
	bool own_fd;    /* fd is ours to close: not standard output */
	bool force;
	bool failed;    /* a member failed half-way: the archive is unusable */
	bool discard;   /* aborting: libarchive's final flush goes nowhere */
	struct name_set names;
	smig_progress_fn progress;
	void *progress_ctx;
	uint64_t bytes_done;
	ZSTD_CCtx *zc;  /* NULL unless zstd */
	struct stage hash;  /* CHUNK buffers of source data */
	struct smig_sha256 h; /* the member being hashed; see the ownership rule above */
	uint8_t digest[32];   /* of the last member, set by JOB_FINAL */
	struct stage out;   /* OUT_SIZE buffers of archive bytes */
	bool out_have;      /* out_buf is ours, being filled */
	unsigned out_buf;
	size_t out_pos;     /* bytes in out_buf */
	bool wb;            /* write-behind on the output file (see write_behind) */
	uint64_t wb_off;    /* bytes written so far */
	uint64_t wb_dropped; /* bytes before this are on disk and out of the page cache */
	struct smig_age_writer *age; /* encrypting (docs/export.md §8): out_run feeds it */
};

static int hash_run(void *ctx, const struct job *j, const unsigned char *buf)
{
	struct smig_archive_writer *w = ctx;

	switch (j->kind) {
	case JOB_DATA:
		smig_sha256_update(&w->h, buf, (size_t)j->len);
		break;
	case JOB_ZEROS:
		smig_sha256_zeros(&w->h, j->len);
		break;
	case JOB_FINAL:
		smig_sha256_final(&w->h, w->digest);
		break;
	}
	return 0;
}

/* All of `len` bytes to `fd`, or -1 with errno set. */
static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Write-behind (our own file only): start writing each buffer to disk as soon as it is in
 * the page cache, and once it is WB_LAG bytes behind, wait for it and drop it from the cache.
 * Dirty pages stay bounded, the archive does not push the host's files out of the cache, and
 * the kernel reuses the same few pages instead of finding fresh ones for every megabyte, which
 * is most of the cost of a large write. finish() still fsyncs.
 */
static int write_behind(struct smig_archive_writer *w, uint64_t off, size_t len)
{
	const unsigned flush = SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
			       SYNC_FILE_RANGE_WAIT_AFTER;
	uint64_t end = off + len;

	if (sync_file_range(w->fd, (off_t)off, (off_t)len, SYNC_FILE_RANGE_WRITE) < 0)
		goto fail;
	if (end < WB_LAG || end - WB_LAG <= w->wb_dropped)
		return 0;
	if (sync_file_range(w->fd, (off_t)w->wb_dropped, (off_t)(end - WB_LAG - w->wb_dropped),
			    flush) < 0)
		goto fail;
	(void)posix_fadvise(w->fd, (off_t)w->wb_dropped,
			    (off_t)(end - WB_LAG - w->wb_dropped), POSIX_FADV_DONTNEED);
	w->wb_dropped = end - WB_LAG;
	return 0;
fail:
	/* a file system without it: plain buffered writes, as without write-behind */
	if (errno == EINVAL || errno == ESPIPE || errno == ENOSYS) {
		w->wb = false;
		return 0;
	}
	return -1;
}

/* Bytes to the output file: the output stage's thread (and finish, once it is drained) is
 * the only caller, so `wb`, `wb_off` and `wb_dropped` are its own. 0 or an errno value. */
static int out_write(void *ctx, const void *buf, size_t len)
{
	struct smig_archive_writer *w = ctx;

	if (write_all(w->fd, buf, len) < 0)
		return errno;
	if (w->wb && write_behind(w, w->wb_off, len) < 0)
		return errno;
	w->wb_off += len;
	return 0;
}

/* The output stage's job: archive bytes, encrypted first when the archive is. */
static int out_run(void *ctx, const struct job *j, const unsigned char *buf)
{
	struct smig_archive_writer *w = ctx;

	if (w->age)
		return smig_age_writer_write(w->age, buf, (size_t)j->len);
	return out_write(w, buf, (size_t)j->len);
}

/* Hand the buffer being filled to the writing thread. Returns 0, or -1 with the reason set
 * on the archive once the writing thread failed (reported at the next call, not this one). */
static int out_flush(struct smig_archive_writer *w, struct archive *a)
{
	int err = 0;

	if (w->out_have && w->out_pos > 0) {
		err = stage_put(&w->out, JOB_DATA, w->out_buf, w->out_pos, NULL);
		w->out_have = false;
	}
	if (err != 0) {
		archive_set_error(a, err, "%s", _("write error"));
		return -1;
	}
	return 0;
}

/* The buffer being filled, taken from the stage when there is none. */
static unsigned char *out_space(struct smig_archive_writer *w)
{
	if (!w->out_have) {
		w->out_buf = stage_next_buf(&w->out);
		w->out_pos = 0;
		w->out_have = true;
	}
	return w->out.buf[w->out_buf];
}

static int writer_archive_err(struct smig_archive_writer *w, const char *member,
			      struct smig_err *e)
{
	const char *msg = archive_error_string(w->a);
	int err = archive_errno(w->a);

	w->failed = true;
	/* libarchive reports OS failures with their errno, its own with -1 or EINVAL */
	if (err > 0 && err != EINVAL)
		return smig_err_sys(e, err, _("cannot write '%s' to '%s'"), member,
				    w->path ? w->path : _("standard output"));
	return smig_err_set(e, SMIG_ERR_IO, _("cannot write '%s' to '%s': %s"), member,
			    w->path ? w->path : _("standard output"), msg ? msg : _("libarchive error"));
}

/* Run the zstd stream on `len` bytes of tar (ZSTD_e_continue) or to the end of the frame
 * (ZSTD_e_end, len 0). Returns 0, or -1 with the reason set on the archive. */
static int zstd_run(struct smig_archive_writer *w, struct archive *a, const void *buf,
		    size_t len, ZSTD_EndDirective mode)
{
	ZSTD_inBuffer in = {buf, len, 0};
	size_t left;

	do {
		ZSTD_outBuffer out = {out_space(w), OUT_SIZE, w->out_pos};

		left = ZSTD_compressStream2(w->zc, &out, &in, mode);
		if (ZSTD_isError(left)) {
			archive_set_error(a, -1, "zstd: %s", ZSTD_getErrorName(left));
			return -1;
		}
		w->out_pos = out.pos;
		if (w->out_pos == OUT_SIZE && out_flush(w, a) < 0)
			return -1;
	} while (mode == ZSTD_e_end ? left != 0 : in.pos < in.size);
	return 0;
}

/* libarchive's output callback: all of `len` or -1 with the errno kept for the message. */
static la_ssize_t write_cb(struct archive *a, void *ctx, const void *buf, size_t len)
{
	struct smig_archive_writer *w = ctx;
	const char *p = buf;
	size_t left = len;

	if (w->discard)
		return (la_ssize_t)len;
	if (w->zc != NULL)
		return zstd_run(w, a, buf, len, ZSTD_e_continue) < 0 ? -1 : (la_ssize_t)len;
	while (left > 0) {
		unsigned char *dst = out_space(w);
		size_t n = OUT_SIZE - w->out_pos < left ? OUT_SIZE - w->out_pos : left;

		memcpy(dst + w->out_pos, p, n);
		w->out_pos += n;
		p += n;
		left -= n;
		if (w->out_pos == OUT_SIZE && out_flush(w, a) < 0)
			return -1;
	}
	return (la_ssize_t)len;
}

static int zstd_start(struct smig_archive_writer *w, int threads, struct smig_err *e)
{
	size_t r;

	w->zc = ZSTD_createCCtx();
	if (w->zc == NULL)
		return smig_err_nomem(e, _("starting an archive"));
	r = ZSTD_CCtx_setParameter(w->zc, ZSTD_c_compressionLevel, ZSTD_LEVEL);
	if (ZSTD_isError(r))
		return smig_err_set(e, SMIG_ERR_IO, _("cannot start zstd: %s"), ZSTD_getErrorName(r));
	/* a libzstd built without threads refuses these: the output is the same format, only
	 * slower, so that is not an error */
	if (threads > 0 &&
	    !ZSTD_isError(ZSTD_CCtx_setParameter(w->zc, ZSTD_c_nbWorkers, threads))) {
		(void)ZSTD_CCtx_setParameter(w->zc, ZSTD_c_jobSize, (int)ZSTD_JOB);
		(void)ZSTD_CCtx_setParameter(w->zc, ZSTD_c_overlapLog, ZSTD_OVERLAP);
	}
	return 0;
}

int smig_archive_writer_open(const char *path, enum smig_compress c, int threads, bool force,
			     struct smig_archive_writer **out, struct smig_err *e)
{
	return smig_archive_writer_open_enc(path, c, threads, force, NULL, out, e);
}

int smig_archive_writer_open_enc(const char *path, enum smig_compress c, int threads, bool force,
				 const struct smig_age_keys *enc, struct smig_archive_writer **out,
				 struct smig_err *e)
{
	struct smig_archive_writer *w = NULL;
	enum smig_output_kind kind;
	int r;

	*out = NULL;
	w = calloc(1, sizeof(*w));
	if (w == NULL)
		return smig_err_nomem(e, _("starting an archive"));
	w->fd = -1;
	w->force = force;
	if (c == SMIG_COMPRESS_ZSTD && zstd_start(w, threads, e) < 0)
		goto fail;
	/* the header (and scrypt's second of work) before any file is created */
	if (enc && smig_age_writer_new(enc, out_write, w, &w->age, e) < 0)
		goto fail;
	if (smig_output_kind(path, force, &kind, e) < 0)
		goto fail;
	if (kind == SMIG_OUTPUT_STDOUT) {
		w->fd = STDOUT_FILENO;
	} else if (kind == SMIG_OUTPUT_IN_PLACE) {
		/* /dev/null, a FIFO, a process substitution: written as it is, never replaced */
		w->path = smig_strdup(path, e);
		if (w->path == NULL || (w->fd = smig_output_open_in_place(path, e)) < 0)
			goto fail;
		w->own_fd = true;
	} else {
		w->path = smig_strdup(path, e);
		w->tmp = smig_asprintf(e, "%s.partial-XXXXXX", path);
		if (w->path == NULL || w->tmp == NULL)
			goto fail;
		w->fd = mkostemp(w->tmp, O_CLOEXEC);
		if (w->fd >= 0 && strlen(w->tmp) < sizeof(signal_tmp)) {
			memcpy(signal_tmp, w->tmp, strlen(w->tmp) + 1);
			signal_tmp_set = 1;
		}
		if (w->fd < 0) {
			smig_err_sys(e, errno, _("cannot create '%s'"), w->tmp);
			free(w->tmp);
			w->tmp = NULL;
			goto fail;
		}
		w->own_fd = true;
		/* not on standard output: that may be a pipe, or a file that is not ours */
		w->wb = true;
	}
	if (stage_start(&w->hash, HASH_BUFS, CHUNK, hash_run, w, e) < 0 ||
	    stage_start(&w->out, OUT_BUFS, OUT_SIZE, out_run, w, e) < 0)
		goto fail;
	w->a = archive_write_new();
	if (w->a == NULL) {
		smig_err_nomem(e, _("starting an archive"));
		goto fail;
	}
	r = archive_write_set_format_pax_restricted(w->a);
	if (r == ARCHIVE_OK) {
		switch (c) {
		case SMIG_COMPRESS_ZSTD:
			/* write_cb compresses; unblocked, so the tar stream reaches it in the
			 * pieces it is made of and nothing pads it */
			r = archive_write_set_bytes_per_block(w->a, 0);
			break;
		case SMIG_COMPRESS_GZIP:
			r = archive_write_add_filter_gzip(w->a);
			/* libarchive pads the output to whole 10 KiB blocks unless told
			 * otherwise; after a compressed stream those zeros are garbage */
			if (r == ARCHIVE_OK)
				r = archive_write_set_bytes_in_last_block(w->a, 1);
			break;
		case SMIG_COMPRESS_NONE:
			r = archive_write_add_filter_none(w->a);
			break;
		}
	}
	if (r == ARCHIVE_OK)
		r = archive_write_open2(w->a, w, NULL, write_cb, NULL, NULL);
	if (r != ARCHIVE_OK) {
		smig_err_set(e, SMIG_ERR_IO, _("cannot start the archive '%s': %s"),
			     w->path ? w->path : _("standard output"), archive_error_string(w->a));
		goto fail;
	}
	*out = w;
	return 0;
fail:
	smig_archive_writer_abort(w);
	return -1;
}

void smig_archive_writer_set_progress(struct smig_archive_writer *w, smig_progress_fn fn,
				      void *ctx)
{
	w->progress = fn;
	w->progress_ctx = ctx;
}

static void report_progress(struct smig_archive_writer *w, const char *member)
{
	struct smig_archive_progress p = {w->bytes_done, member};

	if (w->progress)
		w->progress(w->progress_ctx, &p);
}

/* One data region of a file being added: [off, off + len). */
struct region {
	off_t off;
	off_t len;
};

/* Begin a regular member. `regions` (may be NULL) is the sparse map of data regions. */
static int write_header(struct smig_archive_writer *w, const char *member, uint64_t size,
			int64_t mtime, const struct region *regions, size_t nregions,
			struct smig_err *e)
{
	struct smig_err sub = SMIG_ERR_INIT;
	struct archive_entry *ent = NULL;
	size_t i;
	int r;

	if (w->failed)
		return smig_err_set(e, SMIG_ERR_USAGE,
				    _("cannot add '%s': the archive already failed"), member);
	if (!smig_archive_name_ok(member))
		return smig_err_set(e, SMIG_ERR_USAGE, _("'%s' is not a valid archive member name"),
				    member);
	if (size > INT64_MAX)
		return smig_err_set(e, SMIG_ERR_USAGE, _("'%s' is too large"), member);
	if (name_claim(&w->names, member, false, &sub) == NULL)
		return smig_err_set(e, sub.kind == SMIG_ERR_NOMEM ? sub.kind : SMIG_ERR_USAGE,
				    "%s", sub.msg);
	ent = archive_entry_new();
	if (ent == NULL)
		return smig_err_nomem(e, _("adding an archive member"));
	archive_entry_set_pathname(ent, member);
	archive_entry_set_filetype(ent, AE_IFREG);
	archive_entry_set_perm(ent, 0644);
	archive_entry_set_uid(ent, 0);
	archive_entry_set_gid(ent, 0);
	archive_entry_set_mtime(ent, (time_t)mtime, 0);
	/* the size first: sparse entries past it are ignored */
	archive_entry_set_size(ent, (la_int64_t)size);
	for (i = 0; i < nregions; i++)
		archive_entry_sparse_add_entry(ent, regions[i].off, regions[i].len);
	r = archive_write_header(w->a, ent);
	archive_entry_free(ent);
	if (r != ARCHIVE_OK)
		return writer_archive_err(w, member, e);
	return 0;
}

/* Member data into libarchive (the caller hashes it). */
static int feed(struct smig_archive_writer *w, const char *member, const void *data, size_t len,
		struct smig_err *e)
{
	const char *p = data;

	while (len > 0) {
		la_ssize_t n = archive_write_data(w->a, p, len);

		if (n <= 0)
			return writer_archive_err(w, member, e);
		p += n;
		len -= (size_t)n;
		w->bytes_done += (uint64_t)n;
	}
	return 0;
}

/* A hole: zeros for libarchive, which skips them in a sparse member without reading them,
 * and one job for the hasher. */
static int feed_zeros(struct smig_archive_writer *w, const char *member, uint64_t len,
		      struct smig_err *e)
{
	uint64_t since = 0; /* bytes since the last progress report */

	if (len == 0)
		return 0;
	(void)stage_put(&w->hash, JOB_ZEROS, 0, len, NULL);
	while (len > 0) {
		size_t n = len < sizeof(zeros) ? (size_t)len : sizeof(zeros);

		if (feed(w, member, zeros, n, e) < 0)
			return -1;
		len -= n;
		since += n;
		if (since >= CHUNK) {
			report_progress(w, member);
			since = 0;
		}
	}
	return 0;
}

static int finish_entry(struct smig_archive_writer *w, const char *member, struct smig_err *e)
{
	if (archive_write_finish_entry(w->a) != ARCHIVE_OK)
		return writer_archive_err(w, member, e);
	return 0;
}

int smig_archive_add_buffer(struct smig_archive_writer *w, const char *member, const void *data,
			    size_t len, int64_t mtime, uint8_t sha256[32], struct smig_err *e)
{
	struct smig_sha256 h = {NULL};
	uint8_t digest[32];

	if (write_header(w, member, len, mtime, NULL, 0, e) < 0)
		return -1;
	/* in memory and small (descriptor, .reg, checksum list): hashed right here */
	if (smig_sha256_init(&h, e) < 0) {
		w->failed = true;
		return -1;
	}
	smig_sha256_update(&h, data, len);
	if (feed(w, member, data, len, e) < 0 || finish_entry(w, member, e) < 0) {
		smig_sha256_abort(&h);
		return -1;
	}
	smig_sha256_final(&h, digest);
	if (sha256)
		memcpy(sha256, digest, sizeof(digest));
	report_progress(w, member);
	return 0;
}

/*
 * The data regions of `fd` (size bytes) as SEEK_DATA/SEEK_HOLE see them, short holes merged.
 * *regions is NULL when the file has no hole worth keeping. A file system without hole
 * reporting says the whole file is data, which is right.
 */
static int find_regions(int fd, off_t size, const char *what, struct region **regions,
			size_t *count, struct smig_err *e)
{
	struct region *r = NULL, *n;
	size_t cnt = 0, cap = 0;
	off_t off = 0;

	*regions = NULL;
	*count = 0;
	while (off < size) {
		off_t data = lseek(fd, off, SEEK_DATA), hole;

		if (data < 0 && errno == ENXIO)
			break; /* only a hole remains */
		if (data < 0 && errno == EINVAL && off == 0)
			return 0; /* no hole support: plain member */
		if (data < 0)
			goto sys_fail;
		if (data >= size)
			break;
		hole = lseek(fd, data, SEEK_HOLE);
		if (hole < 0)
			goto sys_fail;
		if (hole > size || cnt + 1 >= MAX_REGIONS)
			hole = size;
		if (cnt > 0 && data - (r[cnt - 1].off + r[cnt - 1].len) < HOLE_MIN) {
			r[cnt - 1].len = hole - r[cnt - 1].off;
		} else {
			if (cnt == cap) {
				cap = cap ? cap * 2 : 16;
				n = realloc(r, cap * sizeof(*r));
				if (n == NULL) {
					smig_err_nomem(e, _("mapping a sparse file"));
					goto fail;
				}
				r = n;
			}
			r[cnt].off = data;
			r[cnt].len = hole - data;
			cnt++;
		}
		off = hole;
	}
	if (cnt == 1 && r[0].off == 0 && r[0].len == size) {
		free(r);
		return 0;
	}
	if (cnt == 0 && size == 0)
		return 0;
	if (cnt == 0) {
		/* all hole: one empty region at the end still marks the member sparse */
		r = malloc(sizeof(*r));
		if (r == NULL) {
			smig_err_nomem(e, _("mapping a sparse file"));
			goto fail;
		}
		r[0].off = size;
		r[0].len = 0;
		cnt = 1;
	}
	*regions = r;
	*count = cnt;
	return 0;
sys_fail:
	smig_err_sys(e, errno, _("cannot find the holes of '%s'"), what);
fail:
	free(r);
	return -1;
}

/* Feed [off, off + len) of `fd` into the archive and the hasher in CHUNK pieces. */
static int feed_region(struct smig_archive_writer *w, const char *member, int fd, off_t off,
		       off_t len, const char *what, struct smig_err *e)
{
	while (len > 0) {
		size_t want = (uint64_t)len < CHUNK ? (size_t)len : CHUNK;
		unsigned b = stage_next_buf(&w->hash);
		ssize_t n = pread(fd, w->hash.buf[b], want, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			w->failed = true;
			return smig_err_sys(e, errno, _("cannot read '%s'"), what);
		}
		if (n == 0) {
			w->failed = true;
			return smig_err_set(e, SMIG_ERR_IO,
					    _("'%s' shrank while it was being read"), what);
		}
		/* from here on the hasher reads the buffer too; nobody writes it */
		(void)stage_put(&w->hash, JOB_DATA, b, (uint64_t)n, NULL);
		if (feed(w, member, w->hash.buf[b], (size_t)n, e) < 0)
			return -1;
		off += n;
		len -= n;
		report_progress(w, member);
	}
	return 0;
}

int smig_archive_add_file(struct smig_archive_writer *w, const char *member, const char *local,
			  const char *what, uint8_t sha256[32], uint64_t *size, struct smig_err *e)
{
	struct region *regions = NULL, whole;
	size_t nregions = 0, i;
	struct stat st;
	off_t pos = 0;
	char extra;
	ssize_t n;
	int fd = -1, ret = -1;

	if (what == NULL)
		what = local;
	/* O_NONBLOCK: a FIFO put where a file belongs is refused below, not waited on */
	fd = open(local, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return smig_err_sys(e, errno, _("cannot open '%s'"), what);
	if (fstat(fd, &st) < 0) {
		smig_err_sys(e, errno, _("cannot stat '%s'"), what);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		smig_err_set(e, SMIG_ERR_FORMAT, _("'%s' is not a regular file"), what);
		goto out;
	}
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	if (find_regions(fd, st.st_size, what, &regions, &nregions, e) < 0)
		goto out;
	if (write_header(w, member, (uint64_t)st.st_size, st.st_mtim.tv_sec, regions, nregions,
			 e) < 0)
		goto out;
	/* the hasher is idle between members (every path below drains it) */
	if (smig_sha256_init(&w->h, e) < 0) {
		w->failed = true;
		goto out;
	}
	if (regions == NULL) {
		whole.off = 0;
		whole.len = st.st_size;
	}
	for (i = 0; i < (regions ? nregions : 1); i++) {
		const struct region *r = regions ? &regions[i] : &whole;

		if (feed_zeros(w, member, (uint64_t)(r->off - pos), e) < 0 ||
		    feed_region(w, member, fd, r->off, r->len, what, e) < 0)
			goto out;
		pos = r->off + r->len;
	}
	if (feed_zeros(w, member, (uint64_t)(st.st_size - pos), e) < 0)
		goto out;
	/* the archive holds exactly st_size bytes: a file that grew meanwhile is not copied */
	do
		n = pread(fd, &extra, 1, st.st_size);
	while (n < 0 && errno == EINTR && !smig_interrupt_signal());
	if (n != 0) {
		w->failed = true;
		if (n < 0)
			smig_err_sys(e, errno, _("cannot read '%s'"), what);
		else
			smig_err_set(e, SMIG_ERR_IO, _("'%s' grew while it was being read"), what);
		goto out;
	}
	if (finish_entry(w, member, e) < 0)
		goto out;
	(void)stage_put(&w->hash, JOB_FINAL, 0, 0, NULL);
	(void)stage_drain(&w->hash);
	if (sha256)
		memcpy(sha256, w->digest, sizeof(w->digest));
	if (size)
		*size = (uint64_t)st.st_size;
	report_progress(w, member);
	ret = 0;
out:
	(void)stage_drain(&w->hash);
	smig_sha256_abort(&w->h);
	free(regions);
	close(fd);
	return ret;
}

static void writer_free(struct smig_archive_writer *w)
{
	if (w->a)
		archive_write_free(w->a);
	/* nothing is left to write unless aborting, and then it is dropped */
	stage_stop(&w->out, true);
	stage_stop(&w->hash, true);
	if (w->fd >= 0 && w->own_fd)
		close(w->fd);
	smig_sha256_abort(&w->h);
	ZSTD_freeCCtx(w->zc);
	smig_age_writer_free(w->age);
	name_set_release(&w->names);
	free(w->path);
	free(w->tmp);
	free(w);
}

void smig_archive_writer_abort(struct smig_archive_writer *w)
{
	if (w == NULL)
		return;
	/* archive_write_free() closes the archive: let that trailer go nowhere, so a partial
	 * archive on standard output never ends like a complete one (nor does its zstd frame:
	 * only finish ends it) */
	w->discard = true;
	if (w->tmp)
		unlink(w->tmp);
	signal_tmp_set = 0;
	writer_free(w);
}

static int fsync_parent(const char *path, struct smig_err *e)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? smig_strndup(path, slash == path ? 1 : (size_t)(slash - path), e)
			  : smig_strdup(".", e);
	int fd, ret = 0;

	if (dir == NULL)
		return -1;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0)
		ret = smig_err_sys(e, errno, _("cannot flush the directory '%s'"), dir);
	if (fd >= 0)
		close(fd);
	free(dir);
	return ret;
}

int smig_archive_writer_finish(struct smig_archive_writer *w, struct smig_err *e)
{
	const char *name = w->path ? w->path : _("standard output");
	int r;

	if (w->failed) {
		smig_err_set(e, SMIG_ERR_USAGE, _("cannot finish '%s': a member failed"), name);
		goto fail;
	}
	r = archive_write_close(w->a);
	/* the tar trailer went through write_cb; the zstd frame ends here, not in libarchive's
	 * close callback, whose result libarchive ignores */
	if (r == ARCHIVE_OK && w->zc != NULL && zstd_run(w, w->a, NULL, 0, ZSTD_e_end) < 0)
		r = ARCHIVE_FATAL;
	if (r == ARCHIVE_OK && out_flush(w, w->a) < 0)
		r = ARCHIVE_FATAL;
	if (r != ARCHIVE_OK) {
		if (archive_errno(w->a) > 0 && archive_errno(w->a) != EINVAL)
			smig_err_sys(e, archive_errno(w->a), _("cannot write '%s'"), name);
		else
			smig_err_set(e, SMIG_ERR_IO, _("cannot write '%s': %s"), name,
				     archive_error_string(w->a));
		goto fail;
	}
	r = stage_drain(&w->out);
	/* the output thread is idle now: the final age chunk goes out from here */
	if (r == 0 && w->age)
		r = smig_age_writer_finish(w->age);
	if (r != 0) {
		smig_err_sys(e, r, _("cannot write '%s'"), name);
		goto fail;
	}
	archive_write_free(w->a);
	w->a = NULL;
	if (w->tmp == NULL) {
		/* in place: what was written must have reached it (a FIFO or a character
		 * device has nothing to flush: EINVAL) */
		if (w->own_fd) {
			if (fsync(w->fd) < 0 && errno != EINVAL && errno != EROFS) {
				smig_err_sys(e, errno, _("cannot flush '%s'"), name);
				goto fail;
			}
			r = close(w->fd);
			w->fd = -1;
			if (r < 0) {
				smig_err_sys(e, errno, _("cannot write '%s'"), name);
				goto fail;
			}
		}
		writer_free(w);
		return 0;
	}
	if (fsync(w->fd) < 0) {
		smig_err_sys(e, errno, _("cannot flush '%s'"), w->tmp);
		goto fail;
	}
	r = close(w->fd);
	w->fd = -1;
	if (r < 0) {
		smig_err_sys(e, errno, _("cannot write '%s'"), w->tmp);
		goto fail;
	}
	/* without force, a file that appeared meanwhile is still not replaced */
	if (!w->force) {
		r = renameat2(AT_FDCWD, w->tmp, AT_FDCWD, w->path, RENAME_NOREPLACE);
		if (r < 0 && (errno == EINVAL || errno == ENOSYS)) {
			r = link(w->tmp, w->path);
			if (r == 0)
				unlink(w->tmp);
		}
	} else {
		r = rename(w->tmp, w->path);
	}
	if (r < 0) {
		smig_err_sys(e, errno, _("cannot rename '%s' to '%s'"), w->tmp, w->path);
		goto fail;
	}
	signal_tmp_set = 0;
	free(w->tmp);
	w->tmp = NULL;
	r = fsync_parent(w->path, e);
	writer_free(w);
	return r;
fail:
	smig_archive_writer_abort(w);
	return -1;
}

static int sumentry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct smig_sumentry *)a)->name,
		      ((const struct smig_sumentry *)b)->name);
}

char *smig_sumlist_build(struct smig_sumentry *entries, size_t count, size_t *len,
			 struct smig_err *e)
{
	struct smig_strbuf sb = SMIG_STRBUF_INIT;
	char hex[65];
	size_t i;
	char *out;

	if (count > 0)
		qsort(entries, count, sizeof(*entries), sumentry_cmp);
	for (i = 0; i < count; i++) {
		if (i > 0 && strcmp(entries[i - 1].name, entries[i].name) == 0) {
			smig_strbuf_release(&sb);
			smig_err_set(e, SMIG_ERR_USAGE, _("'%s' is listed twice in the checksum list"),
				     entries[i].name);
			return NULL;
		}
		smig_hex(entries[i].sha256, 32, hex);
		smig_strbuf_printf(&sb, "SHA256 (%s) = %s\n", entries[i].name, hex);
	}
	if (smig_strbuf_check(&sb, e) < 0) {
		smig_strbuf_release(&sb);
		return NULL;
	}
	if (sb.len == 0) {
		out = smig_strdup("", e);
		*len = 0;
		return out;
	}
	return smig_strbuf_take(&sb, len);
}

/* ---- reading ---- */

/*
 * Zeros of sparse holes hashed while the archive is still unauthenticated. A few KiB of pax
 * sparse map can declare terabytes of holes; hashing them costs about a second per GiB. Past
 * this budget a member's content is hashed only after the signature has been verified (from
 * its staged file, holes skipped by SEEK_HOLE), so an unsigned archive costs no more work than
 * its own bytes before it is refused.
 */
#define PRESIG_HOLE_BUDGET (1ull << 30)

void smig_archive_limits_default(struct smig_archive_limits *l)
{
	l->max_member_size = (uint64_t)4 << 40;
	l->max_total_size = (uint64_t)64 << 40;
	l->max_members = 100000;
	l->presig_hole_budget = PRESIG_HOLE_BUDGET;
	l->age = NULL;
	l->writeback = false;
}

/*
 * The input, read ahead: a thread of its own reads the archive, decrypts it (age,
 * docs/export.md §8; an encrypted zstd stream on the decrypting stage's thread, below) and,
 * for zstd, decompresses it, filling RA_BUFS buffers of CHUNK bytes in
 * turn, while the caller's thread parses the tar stream (libarchive, through read_cb) and hashes
 * and stages the members. The buffer libarchive was given last is its own until it asks for the
 * next one; the others are queued or being filled, so memory is bounded by the buffers and the
 * zstd window (SMIG_ZSTD_WINDOW_LOG_MAX). zstd is decoded here rather than by libarchive's
 * filter, whose window limit cannot be set; gzip and an uncompressed tar pass through to
 * libarchive as they are.
 *
 * The thread blocks every signal (SIGINT and the others are the caller's: read_cb notices them
 * while it waits) and is cancelled when reading stops early: it may be blocked reading a pipe
 * that stalls. Under `mu`: the queue (head, count, held), finished, quit and failure.
 */
/* 8: the reader keeps going while the caller hashes a member itself (with 4 it stood still
 * half the time on many small members: preflight of 250 x 8 MiB 1.12 s -> 1.05 s) */
#define RA_BUFS 8

/*
 * The decrypting stage of an age archive: a thread of its own reads and decrypts into
 * CRYPT_BUFS buffers of CHUNK bytes, so that decryption and zstd decoding run on both cores
 * (verify of the bench mix's age archive 1.04 s with both on the reading thread, 1.01 s so;
 * plain 0.89 s). The reading thread
 * takes its buffers in turn without a copy (crypt_take). Started only for a zstd stream;
 * stopped like the reading thread (src_stop). Under `mu`: the queue, finished, quit, fail.
 */
#define CRYPT_BUFS 4

static void unlock_mu(void *mu)
{
	pthread_mutex_unlock(mu);
}

/* Start `fn(arg)` on a thread that takes no signal: they are the caller's to notice (read_cb
 * looks at a stop request while it waits). 0 or an errno value. */
static int spawn_quiet(pthread_t *tid, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	int r;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = pthread_create(tid, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return r;
}

struct crypt_stage {
	struct smig_age_reader *age;
	pthread_mutex_t mu;
	pthread_cond_t cond;
	unsigned char *buf[CRYPT_BUFS];
	size_t len[CRYPT_BUFS];
	unsigned head, count;   /* oldest buffer (the taker's, if held) and number queued */
	bool held, finished, quit, exited;
	struct smig_err fail;   /* why it finished (kind NONE: the end of the payload) */
	bool init, started;
	pthread_t tid;
};

static void *crypt_main(void *arg)
{
	struct crypt_stage *c = arg;
	struct smig_err e = SMIG_ERR_INIT;

	for (;;) {
		unsigned slot;
		ssize_t n;

		pthread_mutex_lock(&c->mu);
		pthread_cleanup_push(unlock_mu, &c->mu);
		while (c->count == CRYPT_BUFS && !c->quit)
			pthread_cond_wait(&c->cond, &c->mu);
		slot = c->quit ? CRYPT_BUFS : (c->head + c->count) % CRYPT_BUFS;
		pthread_cleanup_pop(1);
		if (slot == CRYPT_BUFS)
			break;
		n = smig_age_reader_read(c->age, c->buf[slot], CHUNK, &e);
		pthread_mutex_lock(&c->mu);
		if (n <= 0) {
			c->fail = e;
			c->finished = true;
		} else {
			c->len[slot] = (size_t)n;
			c->count++;
		}
		pthread_cond_broadcast(&c->cond);
		pthread_mutex_unlock(&c->mu);
		if (n <= 0)
			break;
	}
	pthread_mutex_lock(&c->mu);
	c->exited = true;
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

static int crypt_start(struct crypt_stage *c, struct smig_age_reader *age, struct smig_err *e)
{
	unsigned i;
	int r;

	c->age = age;
	for (i = 0; i < CRYPT_BUFS; i++)
		if ((c->buf[i] = malloc(CHUNK)) == NULL)
			return smig_err_nomem(e, _("reading an archive"));
	if (pthread_mutex_init(&c->mu, NULL) != 0)
		return smig_err_nomem(e, _("reading an archive"));
	if (pthread_cond_init(&c->cond, NULL) != 0) {
		pthread_mutex_destroy(&c->mu);
		return smig_err_nomem(e, _("reading an archive"));
	}
	c->init = true;
	r = spawn_quiet(&c->tid, crypt_main, c);
	if (r != 0)
		return smig_err_sys(e, r, _("cannot start a reading thread"));
	c->started = true;
	return 0;
}

/* Wait, holding c->mu, for a buffer, the end or a quit. The reading thread may be cancelled
 * in the wait (src_stop): the lock is let go then. */
static void crypt_wait(struct crypt_stage *c)
{
	pthread_cleanup_push(unlock_mu, &c->mu);
	while (c->count == 0 && !c->finished && !c->quit)
		pthread_cond_wait(&c->cond, &c->mu);
	pthread_cleanup_pop(0);
}

/* Let go of the buffer taken last and take the next: its bytes in (*p, *len), *len 0 at the
 * end of the payload; -1 with `e` set when decryption failed, or when told to quit. */
static int crypt_take(struct crypt_stage *c, unsigned char **p, size_t *len, struct smig_err *e)
{
	int ret = 0;

	pthread_mutex_lock(&c->mu);
	if (c->held) {
		c->head = (c->head + 1) % CRYPT_BUFS;
		c->count--;
		c->held = false;
		pthread_cond_broadcast(&c->cond);
	}
	crypt_wait(c);
	*len = 0;
	if (c->count > 0 && !c->quit) {
		c->held = true;
		*p = c->buf[c->head];
		*len = c->len[c->head];
	} else if (c->quit) {
		ret = smig_err_sys(e, ECANCELED, _("reading an archive"));
	} else if (c->fail.kind != SMIG_ERR_NONE) {
		*e = c->fail;
		ret = -1;
	}
	pthread_mutex_unlock(&c->mu);
	return ret;
}

/* Tell the stage to quit: a reader waiting in crypt_take returns. */
static void crypt_quit(struct crypt_stage *c)
{
	if (!c->init)
		return;
	pthread_mutex_lock(&c->mu);
	c->quit = true;
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->mu);
}

struct source {
	int fd;
	struct smig_age_reader *age; /* decrypts, or passes a plain archive through */
	const char *name; /* for messages */
	uint64_t size;      /* the archive file's size, 0 when unknown (a pipe) */
	const char *member; /* the member being read, for the progress display */
	/* the reading thread's (before it starts, the caller's) */
	ZSTD_DCtx *zd;          /* NULL: passed through to libarchive */
	struct crypt_stage crypt; /* an encrypted zstd stream: decrypted on a thread of its own */
	unsigned char *zbuf;    /* zin's own buffer; zin is a crypt buffer while one is taken */
	unsigned char *zin;     /* archive bytes read, not yet decoded */
	size_t zin_pos, zin_len;
	bool in_eof, zdone;
	size_t zlast;           /* what the last decoding step that moved returned */
	uint64_t in_bytes;      /* archive bytes read (of an age archive, decrypted ones) */
	/* shared */
	pthread_mutex_t mu;
	pthread_cond_t cond;    /* a buffer was queued or let go of, or the thread finished */
	unsigned char *buf[RA_BUFS];
	size_t len[RA_BUFS];
	uint64_t at[RA_BUFS];   /* in_bytes when the buffer was filled */
	unsigned head, count;   /* oldest buffer (the one libarchive holds, if held) and number */
	bool held, finished, quit;
	bool exited; /* the thread is past its loop: joining it does not wait */
	struct smig_err fail;   /* why the thread finished early (kind NONE: the end) */
	bool zfail;             /* ... a zstd stream that does not decode: damage */
	bool init, started;
	pthread_t tid;
	/* the caller's */
	uint64_t bytes;         /* archive bytes behind what libarchive was given */
	uint64_t out_bytes;     /* tar stream bytes libarchive was given */
	int read_errno;         /* set when read(2) failed */
	struct smig_err age_err; /* decryption failed: why */
};

/* The reader's progress hook (smig_archive_set_read_progress): process-wide, like the
 * programs' one progress line. */
static smig_read_progress_fn read_progress;
static void *read_progress_ctx;

void smig_archive_set_read_progress(smig_read_progress_fn fn, void *ctx)
{
	read_progress = fn;
	read_progress_ctx = ctx;
}

/* More archive bytes into zin (it is empty). */
static int src_refill(struct source *s, struct smig_err *e)
{
	ssize_t n;

	if (s->crypt.started) {
		size_t len;

		if (crypt_take(&s->crypt, &s->zin, &len, e) < 0)
			return -1;
		n = (ssize_t)len;
	} else {
		s->zin = s->zbuf;
		n = smig_age_reader_read(s->age, s->zin, CHUNK, e);
	}
	if (n < 0)
		return -1;
	s->zin_pos = 0;
	s->zin_len = (size_t)n;
	s->in_bytes += (uint64_t)n;
	if (n == 0)
		s->in_eof = true;
	return 0;
}

static int zstd_fail(struct source *s, struct smig_err *e, const char *why)
{
	s->zfail = true;
	return smig_err_set(e, SMIG_ERR_INTEGRITY, "%s", why);
}

/* Up to CHUNK bytes of tar stream into `out`; *len 0 at the end. */
static int src_produce(struct source *s, unsigned char *out, size_t *len, struct smig_err *e)
{
	ZSTD_outBuffer o = {out, CHUNK, 0};

	if (s->zd == NULL) {
		ssize_t n;

		if (s->zin_pos < s->zin_len) { /* what was read to tell the format */
			*len = s->zin_len - s->zin_pos;
			memcpy(out, s->zin + s->zin_pos, *len);
			s->zin_pos = s->zin_len;
			return 0;
		}
		n = s->in_eof ? 0 : smig_age_reader_read(s->age, out, CHUNK, e);
		if (n < 0)
			return -1;
		s->in_bytes += (uint64_t)n;
		*len = (size_t)n;
		return 0;
	}
	while (o.pos < o.size && !s->zdone) {
		ZSTD_inBuffer in = {s->zin, s->zin_len, s->zin_pos};
		size_t before = o.pos, from = s->zin_pos, r;

		if (in.pos == in.size && !s->in_eof) {
			if (src_refill(s, e) < 0)
				return -1;
			continue;
		}
		r = ZSTD_decompressStream(s->zd, &o, &in);
		s->zin_pos = in.pos;
		if (ZSTD_isError(r)) {
			char why[160];

			snprintf(why, sizeof(why), "zstd: %s", ZSTD_getErrorName(r));
			return zstd_fail(s, e, why);
		}
		if (in.pos == from && o.pos == before && s->in_eof) {
			/* nothing more comes: the last frame must have ended (the decoder's
			 * hint was 0), else it is cut (libarchive's words for it) */
			if (s->zlast != 0)
				return zstd_fail(s, e, "Truncated zstd input");
			s->zdone = true;
		} else {
			s->zlast = r;
		}
	}
	*len = o.pos;
	return 0;
}

/* The buffer to fill next, once one is free; RA_BUFS when told to quit. */
static unsigned src_wait_slot(struct source *s)
{
	unsigned slot;

	pthread_mutex_lock(&s->mu);
	pthread_cleanup_push(unlock_mu, &s->mu);
	while (s->count == RA_BUFS && !s->quit)
		pthread_cond_wait(&s->cond, &s->mu);
	slot = s->quit ? RA_BUFS : (s->head + s->count) % RA_BUFS;
	pthread_cleanup_pop(1);
	return slot;
}

static void *src_main(void *arg)
{
	struct source *s = arg;
	struct smig_err e = SMIG_ERR_INIT;

	for (;;) {
		unsigned slot = src_wait_slot(s);
		size_t n = 0;
		int r;

		if (slot == RA_BUFS)
			break;
		r = src_produce(s, s->buf[slot], &n, &e);
		pthread_mutex_lock(&s->mu);
		if (r < 0 || n == 0) {
			s->fail = e;
			s->finished = true;
		} else {
			s->len[slot] = n;
			s->at[slot] = s->in_bytes;
			s->count++;
		}
		pthread_cond_broadcast(&s->cond);
		pthread_mutex_unlock(&s->mu);
		if (r < 0 || n == 0)
			break;
	}
	pthread_mutex_lock(&s->mu);
	s->exited = true;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

/*
 * Read the start of the (decrypted) input to tell zstd from the rest, then start the thread.
 * A failure to read is not returned: read_cb reports it, as libarchive asks for data.
 */
static int src_start(struct source *s, struct smig_err *e)
{
	static const unsigned char zstd_magic[4] = {0x28, 0xb5, 0x2f, 0xfd};
	unsigned i;
	int r;

	s->zin = s->zbuf = malloc(CHUNK);
	for (i = 0; i < RA_BUFS; i++)
		if ((s->buf[i] = malloc(CHUNK)) == NULL)
			break;
	if (s->zbuf == NULL || i < RA_BUFS)
		return smig_err_nomem(e, _("reading an archive"));
	if (pthread_mutex_init(&s->mu, NULL) != 0)
		return smig_err_nomem(e, _("reading an archive"));
	if (pthread_cond_init(&s->cond, NULL) != 0) {
		pthread_mutex_destroy(&s->mu);
		return smig_err_nomem(e, _("reading an archive"));
	}
	s->init = true;
	/* a pipe may give less than the magic at first */
	while (s->zin_len < sizeof(zstd_magic) && !s->in_eof) {
		ssize_t n = smig_age_reader_read(s->age, s->zin + s->zin_len, CHUNK - s->zin_len,
						 &s->fail);

		if (n < 0) {
			s->finished = true;
			return 0;
		}
		s->in_bytes += (uint64_t)n;
		s->zin_len += (size_t)n;
		s->in_eof = n == 0;
	}
	if (s->zin_len >= sizeof(zstd_magic) && memcmp(s->zin, zstd_magic, 4) == 0) {
		s->zd = ZSTD_createDCtx();
		if (s->zd == NULL)
			return smig_err_nomem(e, _("reading an archive"));
		r = (int)ZSTD_isError(ZSTD_DCtx_setParameter(s->zd, ZSTD_d_windowLogMax,
							     SMIG_ZSTD_WINDOW_LOG_MAX));
		if (r)
			return smig_err_set(e, SMIG_ERR_IO, _("cannot start zstd"));
		/* what follows the bytes read so far is decrypted on a thread of its own */
		if (smig_age_reader_encrypted(s->age) && !s->in_eof &&
		    crypt_start(&s->crypt, s->age, e) < 0)
			return -1;
	}
	r = spawn_quiet(&s->tid, src_main, s);
	if (r != 0)
		return smig_err_sys(e, r, _("cannot start a reading thread"));
	s->started = true;
	return 0;
}

/*
 * Join thread `tid`, told to quit: it sets *exited under `mu` and signals `cond` as it ends.
 * Only a thread still blocked in a read after half a second (a stalled pipe) is cancelled:
 * cancelling one that would end by itself unwinds through libraries that do not expect it.
 */
static void join_or_cancel(pthread_t tid, pthread_mutex_t *mu, pthread_cond_t *cond,
			   const bool *exited)
{
	struct timespec until;
	bool done;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += 500 * 1000 * 1000;
	if (until.tv_nsec >= 1000 * 1000 * 1000) {
		until.tv_sec++;
		until.tv_nsec -= 1000 * 1000 * 1000;
	}
	pthread_mutex_lock(mu);
	while (!*exited && pthread_cond_timedwait(cond, mu, &until) == 0)
		;
	done = *exited;
	pthread_mutex_unlock(mu);
	if (!done)
		pthread_cancel(tid);
	pthread_join(tid, NULL);
}

/* Stop the decrypting thread and free its buffers. */
static void crypt_stop(struct crypt_stage *c)
{
	if (c->started) {
		crypt_quit(c);
		join_or_cancel(c->tid, &c->mu, &c->cond, &c->exited);
		c->started = false;
	}
	if (c->init) {
		pthread_cond_destroy(&c->cond);
		pthread_mutex_destroy(&c->mu);
		c->init = false;
	}
	for (unsigned i = 0; i < CRYPT_BUFS; i++) {
		free(c->buf[i]);
		c->buf[i] = NULL;
	}
}

/* Stop the thread (and the decrypting one) and free what they used. Told to quit, it ends at
 * its next buffer (join_or_cancel). */
static void src_stop(struct source *s)
{
	if (s->started) {
		pthread_mutex_lock(&s->mu);
		s->quit = true;
		pthread_cond_broadcast(&s->cond);
		pthread_mutex_unlock(&s->mu);
		crypt_quit(&s->crypt); /* the reading thread may wait for a decrypted buffer */
		join_or_cancel(s->tid, &s->mu, &s->cond, &s->exited);
		s->started = false;
	}
	crypt_stop(&s->crypt);
	if (s->init) {
		pthread_cond_destroy(&s->cond);
		pthread_mutex_destroy(&s->mu);
		s->init = false;
	}
	for (unsigned i = 0; i < RA_BUFS; i++) {
		free(s->buf[i]);
		s->buf[i] = NULL;
	}
	free(s->zbuf);
	s->zbuf = s->zin = NULL;
	ZSTD_freeDCtx(s->zd);
	s->zd = NULL;
}

static la_ssize_t read_cb(struct archive *a, void *ctx, const void **out)
{
	struct source *s = ctx;
	struct smig_err fail;
	unsigned slot;
	bool zfail;

	pthread_mutex_lock(&s->mu);
	if (s->held) {
		s->head = (s->head + 1) % RA_BUFS;
		s->count--;
		s->held = false;
		pthread_cond_broadcast(&s->cond);
	}
	while (s->count == 0 && !s->finished) {
		struct timespec ts;

		/* a stop request is the caller's to act on: look at it now and then */
		if (smig_interrupt_signal()) {
			pthread_mutex_unlock(&s->mu);
			archive_set_error(a, EINTR, "interrupted");
			return -1;
		}
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 100 * 1000 * 1000;
		if (ts.tv_nsec >= 1000 * 1000 * 1000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000 * 1000 * 1000;
		}
		pthread_cond_timedwait(&s->cond, &s->mu, &ts);
	}
	if (s->count == 0) {
		fail = s->fail;
		zfail = s->zfail;
		pthread_mutex_unlock(&s->mu);
		if (fail.kind == SMIG_ERR_NONE)
			return 0;
		if (zfail) { /* damage: said as libarchive says it */
			archive_set_error(a, -1, "%s", fail.msg);
			return -1;
		}
		s->age_err = fail;
		if (fail.kind == SMIG_ERR_IO) {
			s->read_errno = fail.sys_errno;
			archive_set_error(a, s->read_errno, "%s", _("read error"));
			return -1;
		}
		archive_set_error(a, -1, "%s", fail.msg);
		return -1;
	}
	slot = s->head;
	s->held = true;
	pthread_mutex_unlock(&s->mu);
	s->bytes = s->at[slot];
	s->out_bytes += s->len[slot];
	if (read_progress)
		read_progress(read_progress_ctx, s->bytes, s->size, s->member);
	*out = s->buf[slot];
	return (la_ssize_t)s->len[slot];
}

/*
 * The second hasher: while this thread reads on, a thread of its own hashes the members handed
 * to it, from copies in AH_BUFS buffers of AH_BUF bytes (holes cost no buffer). A member goes
 * there when its data fits in the buffers it has free, so the reader never waits for it: many
 * small members are hashed on both cores, and the zeros of a sparse disk while the next disk
 * streams. Its digest is read once the queue is drained, before the signature is checked.
 */
#define AH_BUFS 8
#define AH_BUF ((size_t)2 << 20)
#define AH_MIN ((uint64_t)256 << 10) /* smaller members are hashed here: not worth a job */
#define AH_ZERO_SLICE ((uint64_t)64 << 20) /* zeros between two looks at a stop request */

struct ah_member {
	struct smig_sha256 h;
	uint8_t digest[32];
	size_t member;          /* index into smig_staged.members */
	struct ah_member *next;
};

struct stager {
	struct archive *a;
	struct stage ah;             /* the second hasher, started by the first member it takes */
	struct ah_member *ah_list;   /* the members handed to it, newest first */
	bool ah_off;                 /* it could not be started: this thread hashes everything */
	bool ah_have;                /* ah.buf[ah_buf] is being filled, ah_fill bytes so far */
	unsigned ah_buf;
	size_t ah_fill;
	struct source src;
	int rootfd;
	const struct smig_archive_limits *lim;
	struct name_set names;
	struct smig_staged *st;
	size_t cap;
	size_t entries;        /* members of any type so far */
	uint64_t total;        /* sum of declared sizes */
	uint64_t holes_hashed; /* zeros of sparse holes hashed before the signature was seen */
	long last[2];          /* index of the last two entries' files, -1 for directories */
	struct smig_strbuf sums, sig; /* copies of the two trust members */
	/* smig_archive_check_verified(): members are hashed and dropped, but those named in
	 * `keep` (copied into memory) and those whose hashing is deferred (staged under
	 * `staging`, created when the first one comes; rootfd -1 until then) */
	bool hash_only;
	const char *staging;
	const char *const *keep;
	size_t keep_max;
};

/* libarchive failed: an I/O error of ours, or a damaged/hostile archive. `where` says where
 * ("while reading" or "after" member `member`); `member` may be NULL. Filters read ahead, so
 * the damage may lie further on than the member named. */
static int stage_archive_err(struct stager *sg, const char *where, const char *member,
			     struct smig_err *e)
{
	char b1[SHOWN_MAX + 4];
	const char *msg = archive_error_string(sg->a);

	/* a read interrupted by SIGINT/SIGTERM: the stop request, not a damaged archive */
	if (smig_interrupt_check(e) < 0)
		return -1;
	if (sg->src.read_errno)
		return smig_err_sys(e, sg->src.read_errno, _("cannot read '%s'"), sg->src.name);
	/* decryption failed: its own sentence says what and where */
	if (sg->src.age_err.kind != SMIG_ERR_NONE)
		return smig_err_set(e, sg->src.age_err.kind, "%s", sg->src.age_err.msg);
	/* libarchive does not always say why: its errno, else what it was reading */
	if (!msg || !*msg)
		msg = archive_errno(sg->a) > 0 ? strerror(archive_errno(sg->a)) :
		      _("not a valid tar stream there (a header or a compressed block is damaged, "
			"or the archive ends early)");
	if (member)
		return smig_err_set(e, SMIG_ERR_INTEGRITY, _("'%s': damaged archive %s '%s': %s"),
				    sg->src.name, where, shown(member, b1), msg);
	return smig_err_set(e, SMIG_ERR_INTEGRITY, _("'%s': damaged archive: %s"), sg->src.name,
			    msg);
}

/*
 * Open the parent directory of `name` below the staging root, creating the missing ones
 * (0700). No component may be a symbolic link. Returns a directory fd or -1.
 */
static int open_parent(int rootfd, const char *name, const char **base, struct smig_err *e)
{
	char comp[SMIG_ARCHIVE_NAME_MAX + 1];
	const char *p = name, *slash;
	int dfd = dup(rootfd);

	if (dfd < 0)
		return smig_err_sys(e, errno, _("cannot open the staging directory"));
	while ((slash = strchr(p, '/')) != NULL) {
		size_t n = (size_t)(slash - p);
		int nfd;

		memcpy(comp, p, n);
		comp[n] = '\0';
		if (mkdirat(dfd, comp, 0700) < 0 && errno != EEXIST) {
			smig_err_sys(e, errno, _("cannot create the staging directory for '%s'"),
				     name);
			close(dfd);
			return -1;
		}
		nfd = openat(dfd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(dfd);
		if (nfd < 0)
			return smig_err_sys(e, errno, _("cannot open the staging directory for '%s'"),
					    name);
		dfd = nfd;
		p = slash + 1;
	}
	*base = p;
	return dfd;
}

static bool all_zero(const unsigned char *p, size_t n)
{
	return n == 0 || (p[0] == 0 && memcmp(p, p + 1, n - 1) == 0);
}

static int pwrite_all(int fd, const unsigned char *p, size_t n, off_t off, const char *name,
		      struct smig_err *e)
{
	while (n > 0) {
		ssize_t w = pwrite(fd, p, n, off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return smig_err_sys(e, errno, _("cannot stage '%s'"), name);
		p += w;
		n -= (size_t)w;
		off += w;
	}
	return 0;
}

/* Write a data block at `off`, leaving page-aligned zero runs as holes. */
static int write_sparse(int fd, const unsigned char *p, size_t n, uint64_t off, const char *name,
			struct smig_err *e)
{
	size_t i = 0, run = 0; /* [run, i) is pending non-zero data */

	while (i < n) {
		size_t piece = STAGE_PAGE - (size_t)((off + i) % STAGE_PAGE);

		if (piece > n - i)
			piece = n - i;
		if (all_zero(p + i, piece)) {
			if (i > run &&
			    pwrite_all(fd, p + run, i - run, (off_t)(off + run), name, e) < 0)
				return -1;
			run = i + piece;
		}
		i += piece;
	}
	if (i > run && pwrite_all(fd, p + run, i - run, (off_t)(off + run), name, e) < 0)
		return -1;
	return 0;
}

/* Bytes the member will occupy: its sparse data regions when libarchive reports them. */
static uint64_t space_needed(struct archive_entry *ent, uint64_t size)
{
	la_int64_t off, len;
	uint64_t sum = 0;

	if (archive_entry_sparse_reset(ent) <= 0)
		return size;
	while (archive_entry_sparse_next(ent, &off, &len) == ARCHIVE_OK)
		if (len > 0)
			sum += (uint64_t)len;
	return sum < size ? sum : size;
}


static int ah_run(void *ctx, const struct job *j, const unsigned char *buf)
{
	struct ah_member *am = j->arg;
	uint64_t n, k;

	(void)ctx;
	switch (j->kind) {
	case JOB_DATA:
		smig_sha256_update(&am->h, buf, (size_t)j->len);
		break;
	case JOB_ZEROS:
		for (n = j->len; n > 0; n -= k) {
			if (smig_interrupt_signal())
				return EINTR;
			k = n < AH_ZERO_SLICE ? n : AH_ZERO_SLICE;
			smig_sha256_zeros(&am->h, k);
		}
		break;
	case JOB_FINAL:
		smig_sha256_final(&am->h, am->digest);
		break;
	}
	return 0;
}

/* Should member `ent` of `size` bytes go to the second hasher? Only if it can take all of it
 * now: each run of data fills buffers of its own, a hole and the end are a job each. Starts
 * the second hasher when it is first wanted. */
static bool ah_wanted(struct stager *sg, struct archive_entry *ent, uint64_t size)
{
	sigset_t all, old;
	struct smig_err ignored = SMIG_ERR_INIT;
	la_int64_t off, len;
	uint64_t bufs = 0, jobs = 1, pos = 0;
	int r;

	if (size < AH_MIN || sg->ah_off)
		return false;
	if (archive_entry_sparse_reset(ent) > 0) {
		while (archive_entry_sparse_next(ent, &off, &len) == ARCHIVE_OK) {
			if (off < 0 || len <= 0)
				continue;
			if ((uint64_t)off > pos)
				jobs++;
			bufs += ((uint64_t)len + AH_BUF - 1) / AH_BUF;
			pos = (uint64_t)off + (uint64_t)len;
		}
		jobs += bufs + 1;
	} else {
		bufs = (size + AH_BUF - 1) / AH_BUF;
		jobs += bufs;
	}
	if (sg->ah.started)
		return stage_has_room(&sg->ah, bufs, jobs);
	if (bufs > AH_BUFS || jobs > STAGE_SLOTS)
		return false;
	/* its thread takes no signal: they are this thread's to notice */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = stage_start(&sg->ah, AH_BUFS, AH_BUF, ah_run, NULL, &ignored);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r < 0) {
		/* no second hasher (no memory, no thread): this one hashes everything */
		stage_stop(&sg->ah, true);
		sg->ah_off = true;
		return false;
	}
	return true;
}

static int ah_flush(struct stager *sg, struct ah_member *am)
{
	int err = 0;

	if (sg->ah_have && sg->ah_fill > 0)
		err = stage_put(&sg->ah, JOB_DATA, sg->ah_buf, sg->ah_fill, am);
	sg->ah_have = false;
	return err;
}

/* Hand the second hasher data (p, n), zeros (p NULL) or the end of the member (n 0). */
static int ah_feed(struct stager *sg, struct ah_member *am, const unsigned char *p, uint64_t n,
		   bool end)
{
	int err = 0;

	if (end || p == NULL) {
		err = ah_flush(sg, am);
		if (err == 0 && (end || n > 0))
			err = stage_put(&sg->ah, end ? JOB_FINAL : JOB_ZEROS, 0, n, am);
		return err;
	}
	while (n > 0 && err == 0) {
		size_t k;

		if (!sg->ah_have) {
			sg->ah_buf = stage_next_buf(&sg->ah);
			sg->ah_fill = 0;
			sg->ah_have = true;
		}
		k = AH_BUF - sg->ah_fill < n ? AH_BUF - sg->ah_fill : (size_t)n;
		memcpy(sg->ah.buf[sg->ah_buf] + sg->ah_fill, p, k);
		sg->ah_fill += k;
		p += k;
		n -= k;
		if (sg->ah_fill == AH_BUF)
			err = ah_flush(sg, am);
	}
	return err;
}

/* The second hasher stopped on a stop request (EINTR), the only error its jobs return. */
static int ah_err(int err, struct smig_err *e)
{
	if (smig_interrupt_check(e) < 0)
		return -1;
	return smig_err_sys(e, err, _("hashing"));
}

/* Wait for the second hasher and give each member it took its digest. */
static int ah_collect(struct stager *sg, struct smig_err *e)
{
	int err;

	if (!sg->ah.started)
		return 0;
	err = stage_drain(&sg->ah);
	if (err != 0)
		return ah_err(err, e);
	for (struct ah_member *am = sg->ah_list; am; am = am->next)
		memcpy(sg->st->members[am->member].sha256, am->digest, 32);
	return 0;
}

static void ah_release(struct stager *sg)
{
	struct ah_member *am, *next;

	stage_stop(&sg->ah, true);
	for (am = sg->ah_list; am; am = next) {
		next = am->next;
		smig_sha256_abort(&am->h);
		free(am);
	}
	sg->ah_list = NULL;
}

/* Where a member's logical content is hashed: on this thread (h), on the second hasher (am),
 * or nowhere (both NULL). */
struct hash_to {
	struct smig_sha256 *h;
	struct ah_member *am;
};

static int hash_feed(struct stager *sg, const struct hash_to *to, const void *p, uint64_t n,
		     struct smig_err *e)
{
	int err;

	if (to->am) {
		err = ah_feed(sg, to->am, p, n, false);
		return err != 0 ? ah_err(err, e) : 0;
	}
	if (to->h && p)
		smig_sha256_update(to->h, p, (size_t)n);
	else if (to->h)
		return smig_sha256_hole(to->h, n, e); /* slices, a stop request looked at between */
	return 0;
}

/* Stream the current member's data into `fd` (-1: nowhere), hashing the logical content. */
static int stage_data(struct stager *sg, int fd, const char *name, uint64_t size,
		      struct smig_strbuf *copy, const struct hash_to *h, struct smig_err *e)
{
	char b1[SHOWN_MAX + 4];
	uint64_t pos = 0;

	for (;;) {
		const void *buf;
		size_t n;
		la_int64_t off;
		int r = archive_read_data_block(sg->a, &buf, &n, &off);

		if (smig_interrupt_check(e) < 0)
			return -1;
		if (r == ARCHIVE_EOF)
			break;
		if (r != ARCHIVE_OK)
			/* TRANSLATORS: "'ARCHIVE': damaged archive while reading 'MEMBER': why" */
			return stage_archive_err(sg, _("while reading"), name, e);
		if (off < 0 || (uint64_t)off < pos || (uint64_t)off > size ||
		    n > size - (uint64_t)off)
			return smig_err_set(e, SMIG_ERR_INTEGRITY,
					    _("'%s': data lies outside the member's declared size"),
					    shown(name, b1));
		if ((uint64_t)off > pos && hash_feed(sg, h, NULL, (uint64_t)off - pos, e) < 0)
			return -1;
		if (copy) {
			/* the trust members are small (capped at the header) and start at 0 */
			if ((uint64_t)off > pos)
				smig_strbuf_append(copy, zeros, (size_t)((uint64_t)off - pos));
			smig_strbuf_append(copy, buf, n);
		}
		if (hash_feed(sg, h, buf, n, e) < 0)
			return -1;
		if (fd >= 0 && write_sparse(fd, buf, n, (uint64_t)off, name, e) < 0)
			return -1;
		pos = (uint64_t)off + n;
	}
	if (size > pos && hash_feed(sg, h, NULL, size - pos, e) < 0)
		return -1;
	if (copy && size > pos)
		smig_strbuf_append(copy, zeros, (size_t)(size - pos));
	if (copy && smig_strbuf_check(copy, e) < 0)
		return -1;
	if (fd >= 0 && ftruncate(fd, (off_t)size) < 0)
		return smig_err_sys(e, errno, _("cannot stage '%s'"), name);
	return 0;
}

static bool kept(const struct stager *sg, const char *name)
{
	for (size_t i = 0; sg->keep && sg->keep[i]; i++)
		if (strcmp(sg->keep[i], name) == 0)
			return true;
	return false;
}

/* hash_only: the staging directory of the deferred members, made when the first one comes. */
static int defer_root(struct stager *sg, struct smig_err *e)
{
	if (sg->rootfd >= 0)
		return 0;
	if (mkdir(sg->staging, 0700) < 0)
		return smig_err_sys(e, errno, _("cannot create the staging directory '%s'"),
				    sg->staging);
	sg->rootfd = open(sg->staging, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sg->rootfd < 0)
		return smig_err_sys(e, errno, _("cannot open '%s'"), sg->staging);
	return 0;
}

static int stage_file(struct stager *sg, struct archive_entry *ent, const char *name,
		      struct name_slot *slot, struct smig_err *e)
{
	char b1[SHOWN_MAX + 4];
	struct smig_sha256 h = {NULL};
	struct hash_to to = {NULL, NULL};
	struct ah_member *am = NULL;
	struct smig_staged_member *m;
	struct smig_strbuf *copy = NULL, keep = SMIG_STRBUF_INIT;
	struct statvfs vfs;
	struct timespec ts[2];
	const char *base;
	uint64_t size, need, avail, limit = 0;
	bool deferred, staged;
	int dfd = -1, fd = -1, ret = -1, err;

	if (!archive_entry_size_is_set(ent) || archive_entry_size(ent) < 0)
		return smig_err_set(e, SMIG_ERR_INTEGRITY, _("'%s': member has no size"),
				    shown(name, b1));
	size = (uint64_t)archive_entry_size(ent);
	if (size > sg->lim->max_member_size)
		return smig_err_set(e, SMIG_ERR_INTEGRITY,
				    _("'%s': member of %llu bytes exceeds the limit of %llu bytes"),
				    shown(name, b1), (unsigned long long)size,
				    (unsigned long long)sg->lim->max_member_size);
	if (size > sg->lim->max_total_size - sg->total)
		return smig_err_set(e, SMIG_ERR_INTEGRITY,
				    _("'%s': members exceed the limit of %llu bytes in total"),
				    shown(name, b1), (unsigned long long)sg->lim->max_total_size);
	sg->total += size;
	if (strcmp(name, SMIG_ARCHIVE_SUMS) == 0) {
		copy = &sg->sums;
		limit = MAX_SUMS_SIZE;
	} else if (strcmp(name, SMIG_ARCHIVE_SIG) == 0) {
		copy = &sg->sig;
		limit = MAX_SIG_SIZE;
	} else if (sg->hash_only && kept(sg, name)) {
		copy = &keep;
		limit = sg->keep_max;
	}
	if (copy && size > limit)
		return smig_err_set(e, SMIG_ERR_INTEGRITY, _("'%s' is implausibly large (%llu bytes)"),
				    name, (unsigned long long)size);
	need = space_needed(ent, size);
	/* declared holes past the budget: hashed after the signature, from the staged file
	 * (members read into memory are small and never deferred) */
	deferred = !copy && (sg->holes_hashed > sg->lim->presig_hole_budget ||
			     size - need > sg->lim->presig_hole_budget - sg->holes_hashed);
	staged = !sg->hash_only || deferred;
	if (sg->hash_only && deferred && defer_root(sg, e) < 0)
		return -1;
	if (staged && fstatvfs(sg->rootfd, &vfs) < 0)
		return smig_err_sys(e, errno, _("cannot query the free space for '%s'"), name);
	avail = staged ? (uint64_t)vfs.f_bavail * vfs.f_frsize : need;
	if (need > avail)
		return smig_err_sys(e, ENOSPC,
				    _("cannot stage '%s' (%llu bytes, %llu bytes free)"), name,
				    (unsigned long long)need, (unsigned long long)avail);

	if (sg->st->count == sg->cap) {
		size_t ncap = sg->cap ? sg->cap * 2 : 64;
		struct smig_staged_member *n = realloc(sg->st->members, ncap * sizeof(*n));

		if (n == NULL)
			return smig_err_nomem(e, _("staging an archive"));
		sg->st->members = n;
		sg->cap = ncap;
	}
	m = &sg->st->members[sg->st->count];
	memset(m, 0, sizeof(*m));
	/* counted at once so that smig_staged_free() releases whatever is set below */
	slot->member = sg->st->count++;
	m->size = size;
	m->name = smig_strdup(name, e);
	if (m->name == NULL)
		goto out;
	if (staged) {
		m->local = smig_path_join(sg->st->dir, name, e);
		if (m->local == NULL)
			goto out;
		dfd = open_parent(sg->rootfd, name, &base, e);
		if (dfd < 0)
			goto out;
		fd = openat(dfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0) {
			smig_err_sys(e, errno, _("cannot create the staged file '%s'"), m->local);
			goto out;
		}
	}
	m->hash_deferred = deferred;
	if (!deferred)
		sg->holes_hashed += size - need;
	if (!deferred && !copy && ah_wanted(sg, ent, size)) {
		am = calloc(1, sizeof(*am));
		if (am == NULL) {
			smig_err_nomem(e, _("staging an archive"));
			goto out;
		}
		am->member = slot->member;
		am->next = sg->ah_list;
		sg->ah_list = am;
		if (smig_sha256_init(&am->h, e) < 0)
			goto out;
		to.am = am;
	} else if (!deferred) {
		if (smig_sha256_init(&h, e) < 0)
			goto out;
		to.h = &h;
	}
	if (stage_data(sg, fd, name, size, copy, &to, e) < 0)
		goto out;
	if (to.am && (err = ah_feed(sg, am, NULL, 0, true)) != 0) {
		ah_err(err, e);
		goto out;
	}
	if (to.h)
		smig_sha256_final(&h, m->sha256);
	if (copy == &keep) {
		m->datalen = keep.len;
		m->data = smig_strbuf_take(&keep, NULL);
		if (m->data == NULL && size > 0) {
			smig_err_nomem(e, _("staging an archive"));
			goto out;
		}
	}
	if (fd >= 0) {
		ts[0].tv_sec = ts[1].tv_sec = archive_entry_mtime(ent);
		ts[0].tv_nsec = ts[1].tv_nsec = 0;
		if (futimens(fd, ts) < 0) {
			smig_err_sys(e, errno, _("cannot set the time of the staged file '%s'"),
				     m->local);
			goto out;
		}
		/* start writing it to disk now, while the next members stream: apply makes every
		 * placed file durable before it logs "complete" (journal.c), and by then little is
		 * left to wait for */
		if (sg->lim->writeback)
			(void)sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
		{
			struct stat fst;

			if (fstat(fd, &fst) < 0) {
				smig_err_sys(e, errno, _("cannot read the staged file '%s'"), m->local);
				goto out;
			}
			m->dev = (uint64_t)fst.st_dev;
			m->ino = (uint64_t)fst.st_ino;
			m->mtime = (int64_t)fst.st_mtim.tv_sec;
		}
		if (close(fd) < 0) {
			fd = -1;
			smig_err_sys(e, errno, _("cannot stage '%s'"), name);
			goto out;
		}
		fd = -1;
	}
	ret = 0;
out:
	smig_strbuf_release(&keep);
	smig_sha256_abort(&h);
	if (fd >= 0)
		close(fd);
	if (dfd >= 0)
		close(dfd);
	return ret;
}

static int stage_dir(struct stager *sg, const char *name, struct smig_err *e)
{
	char *path;
	const char *base;
	int dfd;

	if (sg->hash_only)
		return 0; /* nothing is staged: its files are only hashed */
	path = smig_asprintf(e, "%s/x", name); /* open_parent creates all but the last */
	if (path == NULL)
		return -1;
	dfd = open_parent(sg->rootfd, path, &base, e);
	free(path);
	if (dfd < 0)
		return -1;
	close(dfd);
	return 0;
}

static int stage_member(struct stager *sg, struct archive_entry *ent, struct smig_err *e)
{
	char b1[SHOWN_MAX + 4];
	const char *raw = archive_entry_pathname(ent);
	struct name_slot *slot;
	char *name = NULL;
	mode_t type = archive_entry_filetype(ent);
	bool is_dir = type == AE_IFDIR;
	size_t len;
	int ret = -1;

	if (raw == NULL)
		return smig_err_set(e, SMIG_ERR_INTEGRITY, _("'%s': a member has no usable name"),
				    sg->src.name);
	if (++sg->entries > sg->lim->max_members)
		return smig_err_set(e, SMIG_ERR_INTEGRITY, _("'%s': more than %zu members"),
				    sg->src.name, sg->lim->max_members);
	if (archive_entry_hardlink(ent) != NULL)
		return smig_err_set(e, SMIG_ERR_INTEGRITY,
				    _("'%s': hard link members are not allowed"), shown(raw, b1));
	if (type == AE_IFLNK || archive_entry_symlink(ent) != NULL)
		return smig_err_set(e, SMIG_ERR_INTEGRITY,
				    _("'%s': symbolic link members are not allowed"), shown(raw, b1));
	if (type != AE_IFREG && !is_dir)
		return smig_err_set(e, SMIG_ERR_INTEGRITY,
				    _("'%s': only regular files and directories are allowed (type "
				    "0%o)"), shown(raw, b1), (unsigned)type);
	len = strlen(raw);
	if (is_dir && len > 1 && raw[len - 1] == '/')
		len--;
	name = smig_strndup(raw, len, e);
	if (name == NULL)
		return -1;
	if (!smig_archive_name_ok(name)) {
		smig_err_set(e, SMIG_ERR_INTEGRITY, _("'%s': member name not allowed"),
			     shown(raw, b1));
		goto out;
	}
	slot = name_claim(&sg->names, name, is_dir, e);
	if (slot == NULL)
		goto out;
	sg->last[0] = sg->last[1];
	sg->last[1] = is_dir ? -1 : (long)sg->st->count;
	if (is_dir)
		ret = stage_dir(sg, name, e);
	else
		ret = stage_file(sg, ent, name, slot, e);
out:
	free(name);
	return ret;
}

/* docs/archive.md §6 step 2, on a fully staged archive. */
static int check_signature(struct stager *sg, const struct smig_pubkey *pub, struct smig_err *e)
{
	struct smig_err sub = SMIG_ERR_INIT;
	struct smig_sumline *lines = NULL;
	struct smig_staged *st = sg->st;
	bool *listed = NULL;
	const char *msg;
	size_t msglen, nlines = 0, i;
	int ret = -1;

	if (smig_staged_find(st, SMIG_ARCHIVE_SIG) == NULL)
		return smig_err_set(e, SMIG_ERR_INTEGRITY, _("'%s' is not signed: it has no %s"),
				    sg->src.name, SMIG_ARCHIVE_SIG);
	if (smig_staged_find(st, SMIG_ARCHIVE_SUMS) == NULL)
		return smig_err_set(e, SMIG_ERR_INTEGRITY, _("'%s' has no checksum list %s"),
				    sg->src.name, SMIG_ARCHIVE_SUMS);
	if (sg->last[1] < 0 || strcmp(st->members[sg->last[1]].name, SMIG_ARCHIVE_SIG) != 0 ||
	    sg->last[0] < 0 || strcmp(st->members[sg->last[0]].name, SMIG_ARCHIVE_SUMS) != 0)
		return smig_err_set(e, SMIG_ERR_INTEGRITY,
				    _("'%s': %s and %s must be the last two members"), sg->src.name,
				    SMIG_ARCHIVE_SUMS, SMIG_ARCHIVE_SIG);
	if (smig_sign_verify_embedded(pub, sg->sig.buf ? sg->sig.buf : "", sg->sig.len, &msg,
				      &msglen, &sub) < 0)
		return smig_err_set(e, SMIG_ERR_INTEGRITY, "%s: %s", SMIG_ARCHIVE_SIG, sub.msg);
	if (msglen != sg->sums.len || (msglen > 0 && memcmp(msg, sg->sums.buf, msglen) != 0))
		return smig_err_set(e, SMIG_ERR_INTEGRITY,
				    _("%s: the signed list differs from %s"), SMIG_ARCHIVE_SIG,
				    SMIG_ARCHIVE_SUMS);
	if (smig_sumlist_parse(sg->sums.buf ? sg->sums.buf : "", sg->sums.len, &lines, &nlines,
			       &sub) < 0)
		return smig_err_set(e, SMIG_ERR_INTEGRITY, "%s: %s", SMIG_ARCHIVE_SUMS, sub.msg);
	listed = calloc(st->count ? st->count : 1, sizeof(*listed));
	if (listed == NULL) {
		smig_err_nomem(e, _("checking the signed list"));
		goto out;
	}
	/* the list is authentic now: the work deferred past the hole budget is due */
	for (i = 0; i < st->count; i++) {
		struct smig_staged_member *dm = &st->members[i];

		if (dm->hash_deferred) {
			if (smig_sha256_file(dm->local, dm->name, dm->sha256, e) < 0)
				goto out;
			dm->hash_deferred = false;
		}
	}
	for (i = 0; i < nlines; i++) {
		const char *p = lines[i].path;
		struct name_slot *slot = name_find(&sg->names, p, strlen(p));
		const struct smig_staged_member *m;

		if (strcmp(p, SMIG_ARCHIVE_SUMS) == 0 || strcmp(p, SMIG_ARCHIVE_SIG) == 0) {
			smig_err_set(e, SMIG_ERR_INTEGRITY, _("%s must not list '%s'"),
				     SMIG_ARCHIVE_SUMS, p);
			goto out;
		}
		m = slot && slot->kind == NAME_FILE ? &st->members[slot->member] : NULL;
		if (m == NULL || strcmp(m->name, p) != 0) {
			smig_err_set(e, SMIG_ERR_INTEGRITY,
				     _("'%s' is in the signed list but not in the archive"), p);
			goto out;
		}
		if (listed[slot->member]) {
			smig_err_set(e, SMIG_ERR_INTEGRITY, _("'%s' is listed twice in %s"), p,
				     SMIG_ARCHIVE_SUMS);
			goto out;
		}
		listed[slot->member] = true;
		if (CRYPTO_memcmp(m->sha256, lines[i].digest, 32) != 0) {
			smig_err_set(e, SMIG_ERR_INTEGRITY,
				     _("'%s': SHA-256 does not match the signed list"), p);
			goto out;
		}
	}
	for (i = 0; i + 2 < st->count; i++) {
		if (!listed[i]) {
			smig_err_set(e, SMIG_ERR_INTEGRITY, _("'%s' is not in the signed list %s"),
				     st->members[i].name, SMIG_ARCHIVE_SUMS);
			goto out;
		}
	}
	/* an empty directory would be content the signature does not cover */
	for (i = 0; i < sg->names.cap; i++) {
		const struct name_slot *s = &sg->names.slots[i];

		if (s->name != NULL && s->kind == NAME_DIR && !s->has_file) {
			smig_err_set(e, SMIG_ERR_INTEGRITY,
				     _("'%s/': directory member with no signed file in it"), s->name);
			goto out;
		}
	}
	ret = 0;
out:
	free(listed);
	smig_sumlist_free(lines, nlines);
	return ret;
}

/* Read what is left of the input (tar block padding): nothing but a little padding may follow
 * the archive, and a zstd stream or an age payload must end properly. */
static int drain(struct stager *sg, struct smig_err *e)
{
	const void *p;
	uint64_t start = sg->src.out_bytes;
	la_ssize_t n;

	do {
		n = read_cb(sg->a, &sg->src, &p);
		if (sg->src.out_bytes - start > MAX_TRAILING)
			return smig_err_set(e, SMIG_ERR_INTEGRITY,
					    _("'%s': unexpected data after the end of the archive"),
					    sg->src.name);
	} while (n > 0);
	if (n < 0 && smig_interrupt_check(e) < 0)
		return -1;
	if (n < 0 && sg->src.age_err.kind != SMIG_ERR_NONE && sg->src.age_err.kind != SMIG_ERR_IO)
		return smig_err_set(e, sg->src.age_err.kind, "%s", sg->src.age_err.msg);
	if (n < 0 && sg->src.read_errno)
		return smig_err_sys(e, sg->src.read_errno, _("cannot read '%s'"), sg->src.name);
	if (n < 0)
		return smig_err_set(e, SMIG_ERR_INTEGRITY, _("'%s': damaged archive at its end: %s"),
				    sg->src.name, archive_error_string(sg->a));
	return 0;
}

/* How the reader keeps members: staged, or (hash_only) hashed and dropped but for `keep`. */
struct read_mode {
	bool hash_only;
	const char *const *keep;
	size_t keep_max;
};

/* The body of smig_archive_extract_verified(); `staging` exists, is empty and is ours (with
 * mode->hash_only: does not exist yet, and is made only for a deferred member). */
static int extract_into(const char *path, const char *staging, const struct smig_pubkey *pub,
			const struct smig_archive_limits *lim, const struct read_mode *mode,
			struct smig_staged **out, struct smig_err *e)
{
	struct stager sg;
	struct archive_entry *ent;
	int ret = -1, r;

	memset(&sg, 0, sizeof(sg));
	sg.src.fd = -1;
	sg.src.age_err = (struct smig_err)SMIG_ERR_INIT;
	sg.src.fail = (struct smig_err)SMIG_ERR_INIT;
	sg.rootfd = -1;
	sg.last[0] = sg.last[1] = -1;
	sg.lim = lim;
	sg.sums = (struct smig_strbuf)SMIG_STRBUF_INIT;
	sg.sig = (struct smig_strbuf)SMIG_STRBUF_INIT;
	sg.hash_only = mode->hash_only;
	sg.staging = staging;
	sg.keep = mode->keep;
	sg.keep_max = mode->keep_max;
	sg.src.name = strcmp(path, "-") == 0 ? _("standard input") : path;
	sg.st = calloc(1, sizeof(*sg.st));
	if (sg.st == NULL) {
		smig_err_nomem(e, _("staging an archive"));
		goto out;
	}
	sg.st->dir = smig_strdup(staging, e);
	if (sg.st->dir == NULL)
		goto out;
	if (!sg.hash_only)
		sg.rootfd = open(staging, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (!sg.hash_only && sg.rootfd < 0) {
		smig_err_sys(e, errno, _("cannot open '%s'"), staging);
		goto out;
	}
	if (strcmp(path, "-") == 0) {
		sg.src.fd = STDIN_FILENO;
	} else {
		struct stat fst;

		sg.src.fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (sg.src.fd < 0) {
			smig_err_sys(e, errno, _("cannot open '%s'"), path);
			goto out;
		}
		if (fstat(sg.src.fd, &fst) == 0 && S_ISREG(fst.st_mode))
			sg.src.size = (uint64_t)fst.st_size;
	}
	if (smig_age_reader_open(sg.src.fd, sg.src.name, lim->age, &sg.src.age, e) < 0 ||
	    src_start(&sg.src, e) < 0)
		goto out;
	sg.a = archive_read_new();
	if (sg.a == NULL) {
		smig_err_nomem(e, _("reading an archive"));
		goto out;
	}
	/* tar and the three filters of docs/archive.md §2, never the _all variants; zstd is
	 * decoded by the reading thread (src_start) */
	if (archive_read_support_format_tar(sg.a) != ARCHIVE_OK ||
	    (sg.src.zd == NULL && archive_read_support_filter_gzip(sg.a) != ARCHIVE_OK) ||
	    archive_read_support_filter_none(sg.a) != ARCHIVE_OK ||
	    archive_read_open(sg.a, &sg.src, NULL, read_cb, NULL) != ARCHIVE_OK) {
		stage_archive_err(&sg, NULL, NULL, e);
		goto out;
	}
	for (;;) {
		r = archive_read_next_header(sg.a, &ent);
		if (smig_interrupt_check(e) < 0)
			goto out;
		if (r == ARCHIVE_EOF)
			break;
		if (r != ARCHIVE_OK) {
			size_t k = sg.st->count;

			/* TRANSLATORS: "'ARCHIVE': damaged archive after 'MEMBER': why" */
			stage_archive_err(&sg, _("after"), k ? sg.st->members[k - 1].name : NULL, e);
			goto out;
		}
		sg.src.member = archive_entry_pathname(ent);
		if (stage_member(&sg, ent, e) < 0)
			goto out;
		sg.src.member = NULL;
	}
	if (drain(&sg, e) < 0 || ah_collect(&sg, e) < 0)
		goto out;
	/* the input is read to its end: the thread is done with the file and the keys */
	src_stop(&sg.src);
	ah_release(&sg);
	if (check_signature(&sg, pub, e) < 0)
		goto out;
	*out = sg.st;
	sg.st = NULL;
	ret = 0;
out:
	if (sg.a)
		archive_read_free(sg.a);
	src_stop(&sg.src);
	ah_release(&sg);
	smig_age_reader_free(sg.src.age);
	if (sg.src.fd > STDIN_FILENO)
		close(sg.src.fd);
	if (sg.rootfd >= 0)
		close(sg.rootfd);
	name_set_release(&sg.names);
	smig_strbuf_release(&sg.sums);
	smig_strbuf_release(&sg.sig);
	smig_staged_free(sg.st, false);
	return ret;
}

int smig_archive_extract_verified(const char *path, const char *staging,
				  const struct smig_pubkey *pub,
				  const struct smig_archive_limits *lim, struct smig_staged **out,
				  struct smig_err *e)
{
	static const struct read_mode mode = {false, NULL, 0};
	struct smig_archive_limits def;

	*out = NULL;
	if (lim == NULL) {
		smig_archive_limits_default(&def);
		lim = &def;
	}
	if (mkdir(staging, 0700) < 0)
		return smig_err_sys(e, errno, _("cannot create the staging directory '%s'"),
				    staging);
	if (extract_into(path, staging, pub, lim, &mode, out, e) < 0) {
		smig_rm_rf(staging, NULL);
		return -1;
	}
	return 0;
}

int smig_archive_check_verified(const char *path, const char *staging,
				const struct smig_pubkey *pub,
				const struct smig_archive_limits *lim, const char *const *keep,
				size_t keep_max, struct smig_staged **out, struct smig_err *e)
{
	struct read_mode mode = {true, keep, keep_max};
	struct smig_archive_limits def;
	struct stat st;
	int ret;

	*out = NULL;
	if (lim == NULL) {
		smig_archive_limits_default(&def);
		lim = &def;
	}
	/* made on demand: it must not exist yet, as for the extracting reader */
	if (lstat(staging, &st) == 0 || errno != ENOENT)
		return smig_err_sys(e, lstat(staging, &st) == 0 ? EEXIST : errno, _("cannot create "
				    "the staging directory '%s'"), staging);
	ret = extract_into(path, staging, pub, lim, &mode, out, e);
	if (lstat(staging, &st) == 0)
		smig_rm_rf(staging, NULL);
	if (ret == 0) {
		/* what was staged for deferred hashing is gone now */
		for (size_t i = 0; i < (*out)->count; i++) {
			free((*out)->members[i].local);
			(*out)->members[i].local = NULL;
		}
		free((*out)->dir);
		(*out)->dir = NULL;
	}
	return ret;
}

int smig_archive_verify(const char *path, const char *tmp_parent, const struct smig_pubkey *pub,
			const struct smig_archive_limits *lim, size_t *members,
			struct smig_err *e)
{
	struct smig_archive_limits def;
	struct smig_staged *st = NULL;
	char *dir;
	int ret;

	if (lim == NULL) {
		smig_archive_limits_default(&def);
		lim = &def;
	}
	dir = smig_asprintf(e, "%s/.smig-verify-XXXXXX", tmp_parent);
	if (dir == NULL)
		return -1;
	if (mkdtemp(dir) == NULL) {
		smig_err_sys(e, errno, _("cannot create a directory in '%s'"), tmp_parent);
		free(dir);
		return -1;
	}
	{
		char *staging = smig_path_join(dir, "staging", e);

		ret = staging ? smig_archive_check_verified(path, staging, pub, lim, NULL, 0, &st,
							    e) : -1;
		free(staging);
	}
	if (ret == 0 && members)
		*members = st->count;
	smig_staged_free(st, false);
	smig_rm_rf(dir, NULL);
	free(dir);
	return ret;
}

const struct smig_staged_member *smig_staged_find(const struct smig_staged *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->count; i++)
		if (strcmp(s->members[i].name, name) == 0)
			return &s->members[i];
	return NULL;
}

void smig_staged_free(struct smig_staged *s, bool remove_dir)
{
	size_t i;

	if (s == NULL)
		return;
	if (remove_dir && s->dir)
		smig_rm_rf(s->dir, NULL);
	for (i = 0; i < s->count; i++) {
		free(s->members[i].name);
		free(s->members[i].local);
		free(s->members[i].data);
	}
	free(s->members);
	free(s->dir);
	free(s);
}
