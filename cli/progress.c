/* progress.c - the long commands' progress display (see progress.h). */
#include "progress.h"

#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <jansson.h>

#include "i18n.h"
#include "width.h"
#include "winval.h"

/* Redraw at most every 250 ms: enough to look alive, cheap on a slow terminal. */
#define REDRAW_NS 250000000LL

int progress_mode_parse(const char *s, enum progress_mode *m)
{
	static const char *const names[] = {"auto", "always", "never", "json"};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0) {
			*m = (enum progress_mode)i;
			return 0;
		}
	return -1;
}

void progress_init(struct progress *p, enum progress_mode m)
{
	memset(p, 0, sizeof(*p));
	if (m == PROGRESS_AUTO)
		m = isatty(STDERR_FILENO) ? PROGRESS_ALWAYS : PROGRESS_NEVER;
	p->mode = m;
	clock_gettime(CLOCK_MONOTONIC, &p->start);
}

void progress_start(struct progress *p)
{
	clock_gettime(CLOCK_MONOTONIC, &p->start);
	p->started = true;
}

/* The terminal's width (80 when stderr is not one or does not say), at least 20. */
static int columns(void)
{
	struct winsize ws;

	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col < 20 ? 20 : ws.ws_col;
	return 80;
}

static long long ns_between(const struct timespec *a, const struct timespec *b)
{
	return (long long)(b->tv_sec - a->tv_sec) * 1000000000LL + (b->tv_nsec - a->tv_nsec);
}

/* "1.5 GiB" into buf. */
static void human(uint64_t n, char *buf, size_t len)
{
	/* TRANSLATORS: byte units of the progress line (French: o, Kio, Mio, Gio, Tio) */
	static const char *const unit[] = {N_("B"), N_("KiB"), N_("MiB"), N_("GiB"), N_("TiB")};
	double v = (double)n;
	int u = 0;

	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, _("%llu %s"), (unsigned long long)n, _(unit[0]));
	else
		snprintf(buf, len, _("%.1f %s"), v, _(unit[u]));
	/* LC_NUMERIC stays "C" (i18n.h): the decimal comma of French text is put here */
	if (u != 0 && smig_i18n_lang() == SMIG_LANG_FR && strchr(buf, '.'))
		*strchr(buf, '.') = ',';
}

/* `s` as the terminal may show it, into `out` (as large as s): a control character (an escape
 * sequence from a name would drive the terminal) becomes '?', and so does every byte of a
 * name that is not UTF-8 (as the reports show it). Its length. */
static size_t printable(const char *s, char *out)
{
	size_t i, n = strlen(s);
	bool utf8 = smig_utf8_valid(s, n);

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		out[i] = c < 0x20 || c == 0x7f || (c >= 0x80 && !utf8) ? '?' : (char)c;
	}
	out[n] = '\0';
	return n;
}

static void draw(struct progress *p, const struct timespec *now)
{
	double secs = (double)ns_between(&p->start, now) / 1e9;
	double rate = secs > 0 ? (double)p->done / secs : 0;
	uint64_t done = p->done > p->total ? p->total : p->done;
	char d[32], t[32], r[32], eta[32] = "--:--", line[512], mem[sizeof(p->member)];
	size_t ml, room;
	int n, cols = columns() - 1; /* the last column would wrap on some terminals */

	if (p->mode == PROGRESS_JSON) {
		json_t *o = json_pack("{s:I, s:I, s:s}", "bytes", (json_int_t)p->done, "total",
		                      (json_int_t)p->total, "member", p->member);
		if (o && json_dumpf(o, stderr, JSON_COMPACT | JSON_PRESERVE_ORDER) == 0)
			fputc('\n', stderr);
		json_decref(o);
		fflush(stderr);
		return;
	}
	human(done, d, sizeof(d));
	human(p->total, t, sizeof(t));
	human((uint64_t)rate, r, sizeof(r));
	if (p->started && rate > 0 && p->total > done) {
		unsigned long long s = (unsigned long long)((double)(p->total - done) / rate);
		snprintf(eta, sizeof(eta), "%llu:%02llu:%02llu", s / 3600, s / 60 % 60, s % 60);
	}
	if (p->total == 0 && p->done > 0) {
		/* an archive read from a pipe has no size: what was read, and how fast */
		human(p->done, d, sizeof(d));
		/* TRANSLATORS: bytes read from a pipe (no total known), rate per second */
		n = snprintf(line, sizeof(line), _("%s read, %s/s "), d, r);
	} else {
		/* TRANSLATORS: done / total, percent, rate per second, the time left (h:mm:ss) */
		n = snprintf(line, sizeof(line), _("%s / %s %3d%% %s/s ETA %s "), d, t,
		             p->total ? (int)(done * 100 / p->total) : 100, r, eta);
	}
	if (n < 0 || n >= (int)sizeof(line))
		return;
	/* what is being worked on fills the rest of the line. Its room is display columns, not
	 * bytes ("é" is 2 bytes and 1 column, "名" 3 and 2), and it is cut between characters
	 * (width.h); the end of a long name says the most (the file), so its start is cut */
	ml = printable(p->member, mem);
	room = cols > n ? (size_t)(cols - n) : 0;
	if (smig_width_cols(mem, ml) > room) {
		if (room > 3)
			snprintf(line + n, sizeof(line) - (size_t)n, "...%s",
			         mem + smig_width_tail(mem, ml, room - 3));
	} else {
		snprintf(line + n, sizeof(line) - (size_t)n, "%s", mem);
	}
	/* the counters alone can be wider than a very narrow terminal */
	line[smig_width_head(line, strlen(line), (size_t)cols)] = '\0';
	/* '\r', the line, clear to the end of the line: no stale text, never a wrapped line */
	fprintf(stderr, "\r%s\033[K", line);
	fflush(stderr);
	p->drawn = true;
}

void progress_update(void *ctx, uint64_t done, uint64_t total, const char *member)
{
	struct progress *p = ctx;
	struct timespec now;

	if (p->mode == PROGRESS_NEVER)
		return;
	p->done = done;
	p->total = total;
	snprintf(p->member, sizeof(p->member), "%s", member ? member : "");
	/* a long name cut by the buffer loses its broken last character, not its validity */
	p->member[smig_width_boundary(p->member, strlen(p->member))] = '\0';
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (p->last.tv_sec || p->last.tv_nsec) {
		if (ns_between(&p->last, &now) < REDRAW_NS)
			return;
	}
	p->last = now;
	draw(p, &now);
}

void progress_end(struct progress *p)
{
	struct timespec now;

	if (p->mode == PROGRESS_NEVER || (p->done == 0 && p->total == 0))
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	draw(p, &now);
	if (p->drawn)
		fputc('\n', stderr);
	p->drawn = false;
	p->mode = PROGRESS_NEVER; /* once only, whatever path the caller takes */
}
