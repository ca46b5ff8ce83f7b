/* cli.c - the programs' shared dispatcher, message style, common options and log (cli.h). */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "fileio.h"
#include "i18n.h"

/* The command being run: its program and name, -q/-v, the --log stream. */
static struct {
	const char *prog, *cmd;
	int verbosity; /* -1 quiet, 0, 1 verbose */
	FILE *log;
	int logfd;
	bool ended; /* the "interrupted" line was written: it is the last */
} run = {NULL, NULL, 0, NULL, -1, false};

int smig_cli_fail(const char *prog, const struct smig_err *e)
{
	int code = smig_err_exit_code(e);

	fprintf(stderr, "%s: %s\n", prog, e->msg[0] ? e->msg : _("unknown error"));
	return code ? code : 1;
}

int smig_cli_usage_error(const char *prog, const char *cmd, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s %s: ", prog, cmd);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, _("\nTry '%s %s --help'.\n"), prog, cmd);
	return 2;
}

static int usage(const char *fmt, ...) SMIG_PRINTF(1, 2);
static int usage(const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = smig_cli_usage_error(run.prog, run.cmd, fmt, ap);
	va_end(ap);
	return rc;
}

/* Levenshtein distance of a and b, stopping at 3 ("too far"): both are short words. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, prev[64], cur[64];

	if (la >= 64 || lb >= 64)
		return 3;
	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;

			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
		memcpy(prev, cur, (lb + 1) * sizeof(prev[0]));
	}
	return prev[lb] > 3 ? 3 : prev[lb];
}

/* The nearest of `n` names (each `stride` bytes apart from `first`) within two edits. */
static const char *nearest(const char *word, const char *const *first, size_t n, size_t stride)
{
	const char *best = NULL;
	size_t bd = 3, i, d;

	for (i = 0; i < n; i++) {
		const char *name = *(const char *const *)((const char *)first + i * stride);

		if (name && (d = distance(word, name)) < bd) {
			bd = d;
			best = name;
		}
	}
	return best;
}

static void help(const struct smig_program *p, FILE *f)
{
	size_t i;

	fprintf(f, _("usage: %s COMMAND [OPTIONS]\n\n%s\nCommands:\n"), p->name, _(p->about));
	for (i = 0; i < p->ncommands; i++)
		fprintf(f, "  %-12s %s\n", p->commands[i].name, _(p->commands[i].summary));
	fprintf(f, _("\n'%s COMMAND --help' describes a command's options. Every command also takes\n"
		     "-q/--quiet, -v/--verbose, --version, --log FILE and --lang LANG.\n"
		     "Exit codes: 0 success, 1 operational error, 2 usage error, 3 integrity failure,\n"
		     "4 blocked, 5 verification differences.\n"), p->name);
}

/*
 * The language, before anything is said: --lang LANG or --lang=LANG anywhere before "--"
 * (the commands accept and skip it: SMIG_CLI_OPTIONS), else the environment. -1 after a
 * usage error.
 */
static int choose_language(const struct smig_program *p, int argc, char **argv)
{
	const char *lang = NULL;
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc)
			lang = argv[++i];
		else if (strncmp(argv[i], "--lang=", 7) == 0)
			lang = argv[i] + 7;
	}
	if (smig_i18n_init(lang) == 0)
		return 0;
	smig_i18n_init(NULL);
	fprintf(stderr, _("%s: unknown language '%s' for --lang (smig has: %s)\n"), p->name, lang,
		smig_i18n_choices());
	return -1;
}

int smig_cli_main(const struct smig_program *p, int argc, char **argv)
{
	const char *near;
	size_t i;
	int rc;

	run.prog = p->name;
	if (choose_language(p, argc, argv) < 0)
		return 2;
	/* "PROG --lang fr COMMAND ...": the program-level --lang is spent */
	while (argc >= 2 && strncmp(argv[1], "--lang", 6) == 0 &&
	       (argv[1][6] == '\0' || argv[1][6] == '=')) {
		int n = argv[1][6] == '=' ? 1 : 2;

		if (argc < 1 + n)
			break;
		argv[n] = argv[0];
		argv += n;
		argc -= n;
	}
	if (argc < 2) {
		help(p, stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		help(p, stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("%s %s\n", p->name, SMIG_VERSION);
		return 0;
	}
	/* a reader that goes away (export -o - | ssh ...) is a write error said in one line,
	 * with the log's end, not a silent death by SIGPIPE */
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < p->ncommands; i++)
		if (strcmp(argv[1], p->commands[i].name) == 0) {
			run.cmd = p->commands[i].name;
			opterr = 0; /* smig_cli_option() says it, in one line */
			rc = p->commands[i].fn(argc - 1, argv + 1);
			if (run.log) {
				int sig = p->signal_received ? p->signal_received() : 0;
				char msg[96];

				/* a signal the command did not stop for (it came after its last
				 * safe point) still ends the run: the log says so */
				if (sig && !run.ended) {
					snprintf(msg, sizeof(msg), "interrupted by signal %d (%s) "
						 "after the command ended with exit code %d", sig,
						 strsignal(sig), rc);
					smig_cli_log_interrupted(sig, msg);
				}
				snprintf(msg, sizeof(msg), "exit code %d", rc);
				smig_cli_log("end", NULL, NULL, NULL, rc == 0, msg);
				fclose(run.log);
				run.log = NULL;
				run.logfd = -1;
			}
			return rc;
		}
	near = nearest(argv[1], &p->commands[0].name, p->ncommands, sizeof(p->commands[0]));
	if (near)
		fprintf(stderr, _("%s: unknown command '%s': did you mean %s?\nTry '%s --help'.\n"),
			p->name, argv[1], near, p->name);
	else
		fprintf(stderr, _("%s: unknown command '%s'\nTry '%s --help'.\n"), p->name, argv[1],
			p->name);
	return 2;
}

const char *smig_cli_option_name(const struct option *opts, int val, char *buf, size_t len)
{
	for (; opts->name; opts++)
		if (opts->val == val && opts->flag == NULL) {
			snprintf(buf, len, "--%s", opts->name);
			return buf;
		}
	snprintf(buf, len, "-%c", val > 32 && val < 127 ? val : '?');
	return buf;
}

/* The option of `opts` that the word argv[optind - 1] ("--name" or "--name=value") names. */
static const struct option *named(const struct option *opts, const char *word)
{
	size_t len;

	if (strncmp(word, "--", 2) != 0)
		return NULL;
	word += 2;
	len = strcspn(word, "=");
	for (; opts->name; opts++)
		if (strlen(opts->name) >= len && strncmp(opts->name, word, len) == 0 && len > 0)
			return opts;
	return NULL;
}

static int bad_option(int c, const struct option *opts, int argc, char **argv)
{
	const char *word = optind > 0 && optind <= argc ? argv[optind - 1] : "";
	const struct option *o = named(opts, word);
	char name[64];
	const char *near;
	size_t n = 0;

	if (c == ':') {
		if (o)
			return usage(_("option '--%s' needs an argument"), o->name);
		return usage(_("option '-%c' needs an argument"), optopt);
	}
	if (o && strchr(word, '=') && o->has_arg == no_argument)
		return usage(_("option '--%s' takes no argument"), o->name);
	if (optopt && strncmp(word, "--", 2) != 0)
		return usage(_("unknown option '-%c'"), optopt);
	snprintf(name, sizeof(name), "%.*s", (int)strcspn(word + 2, "="), word + 2);
	while (opts[n].name)
		n++;
	near = nearest(name, &opts[0].name, n, sizeof(opts[0]));
	if (near)
		return usage(_("unknown option '--%s': did you mean --%s?"), name, near);
	return usage(_("unknown option '--%s'"), name);
}

static int open_log(const char *path)
{
	struct smig_err e = SMIG_ERR_INIT;
	enum smig_output_kind kind;
	int fd;

	if (run.log) {
		usage(_("--log given twice"));
		return 2;
	}
	/* the rules of -o: never through a link (but /dev/stdout...), nor over a disk */
	if (smig_output_kind(path, true, &kind, &e) < 0) {
		fprintf(stderr, _("%s: cannot create the log '%s': %s\n"), run.prog, path, e.msg);
		return smig_err_exit_code(&e);
	}
	if (kind == SMIG_OUTPUT_IN_PLACE)
		fd = smig_output_open_in_place(path, &e);
	else
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC,
			  0644);
	if (fd < 0 || (run.log = fdopen(fd, "w")) == NULL) {
		fprintf(stderr, _("%s: cannot create the log '%s': %s\n"), run.prog, path,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return 1;
	}
	setvbuf(run.log, NULL, _IOLBF, 0);
	run.logfd = fd;
	smig_cli_log("start", NULL, NULL, NULL, -1, NULL);
	return SMIG_CLI_NEXT;
}

int smig_cli_write_script(int argc, char **argv, void (*show_help)(void),
			  char *(*make)(size_t *len, struct smig_err *e))
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		SMIG_CLI_OPTIONS,
		{0, 0, 0, 0},
	};
	struct smig_err e = SMIG_ERR_INIT;
	const char *out = "-";
	char *text;
	size_t len = 0;
	int c, rc = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, SMIG_CLI_SHORT("o:h"), opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'h':
			show_help();
			return 0;
		default:
			/* -q, -v, --log, --lang go on; --version and usage errors end here */
			if ((rc = smig_cli_option(c, opts, argc, argv)) != SMIG_CLI_NEXT)
				return rc;
			rc = 0;
			break;
		}
	}
	if (optind < argc)
		return usage(_("unexpected argument '%s'"), argv[optind]);
	text = make(&len, &e);
	if (text == NULL || smig_output_write(out, text, len, 0644, &e) < 0)
		rc = smig_cli_fail(run.prog, &e);
	free(text);
	return rc;
}

int smig_cli_option(int c, const struct option *opts, int argc, char **argv)
{
	switch (c) {
	case 'q':
		run.verbosity = -1;
		return SMIG_CLI_NEXT;
	case 'v':
		run.verbosity = 1;
		return SMIG_CLI_NEXT;
	case SMIG_CLI_OPT_VERSION:
		printf("%s %s\n", run.prog, SMIG_VERSION);
		return 0;
	case SMIG_CLI_OPT_LOG:
		return open_log(optarg);
	case SMIG_CLI_OPT_LANG:
		return SMIG_CLI_NEXT; /* chosen before the command ran (smig_cli_main) */
	case '?':
	case ':':
		return bad_option(c, opts, argc, argv);
	default: {
		char buf[64];

		/* an option of the shared table that this command does not take */
		return usage(_("%s is not an option of '%s'"),
			     smig_cli_option_name(opts, c, buf, sizeof(buf)), run.cmd);
	}
	}
}

void smig_cli_common_help(bool progress)
{
	printf(_("\nEvery command also takes:\n"
		 "  -q, --quiet            only errors (no summary line; no progress unless asked)\n"
		 "  -v, --verbose          say each step on standard error\n"
		 "  --log FILE             one JSON line per step and item, written as it goes\n"
		 "  --lang LANG            the language of messages and reports: en or fr\n"
		 "                         (default: from LANGUAGE, LC_ALL, LC_MESSAGES, LANG)\n"
		 "  --version              print the version\n"));
	if (progress)
		printf(_("and, as a long command:\n"
			 "  --progress MODE        auto (default: when stderr is a terminal), always,\n"
			 "                         never or json\n"));
}

bool smig_cli_quiet(void)
{
	return run.verbosity < 0;
}

void smig_cli_verbose(const char *fmt, ...)
{
	va_list ap;

	if (run.verbosity <= 0)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "%s %s: ", run.prog, run.cmd);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* "2026-12-03T08:15:12.345Z" into buf (at least 25 bytes), async-signal-safe: no gmtime. */
static void timestamp(char *buf)
{
	struct timespec ts;
	long long days, secs, z, era, doe, yoe, y, doy, mp, d, m;
	int i;

	clock_gettime(CLOCK_REALTIME, &ts);
	days = ts.tv_sec / 86400;
	secs = ts.tv_sec % 86400;
	/* days since 1970-01-01 to a civil date (Howard Hinnant's algorithm) */
	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	{
		long long v[] = {y, m, d, secs / 3600, secs / 60 % 60, secs % 60,
				 ts.tv_nsec / 1000000};
		static const int width[] = {4, 2, 2, 2, 2, 2, 3};
		static const char sep[] = "--T::.Z";
		char *p = buf;

		for (i = 0; i < 7; i++) {
			for (int k = width[i] - 1; k >= 0; k--) {
				p[k] = (char)('0' + v[i] % 10);
				v[i] /= 10;
			}
			p += width[i];
			*p++ = sep[i];
		}
		*p = '\0';
	}
}

void smig_cli_log_fields(const char *step, const void *fields)
{
	char ts[32];
	json_t *o;

	if (!run.log || run.ended)
		return;
	timestamp(ts);
	o = json_pack("{s:s, s:s, s:s}", "time", ts, "command", run.cmd ? run.cmd : "",
		      "step", step);
	if (o && fields)
		json_object_update(o, (json_t *)fields);
	if (o && json_dumpf(o, run.log, JSON_COMPACT | JSON_PRESERVE_ORDER) == 0)
		fputc('\n', run.log);
	json_decref(o);
}

void smig_cli_log(const char *step, const char *item, const char *vm, const char *code,
		  int success, const char *message)
{
	json_t *f;

	if (!run.log)
		return;
	f = json_object();
	if (!f)
		return;
	if (item)
		json_object_set_new(f, "item", json_string(item));
	if (vm)
		json_object_set_new(f, "vm", json_string(vm));
	if (code)
		json_object_set_new(f, "code", json_string(code));
	if (success >= 0)
		json_object_set_new(f, "success", json_boolean(success));
	if (message)
		json_object_set_new(f, "message", json_string(message));
	smig_cli_log_fields(step, f);
	json_decref(f);
}

void smig_cli_log_interrupted(int sig, const char *message)
{
	char sigmsg[64];

	if (message == NULL) {
		snprintf(sigmsg, sizeof(sigmsg), "interrupted by signal %d (%s)", sig,
			 strsignal(sig));
		message = sigmsg;
	}
	smig_cli_log("interrupted", NULL, NULL, NULL, 0, message);
	run.ended = true;
}

void smig_cli_log_signal(int sig)
{
	char line[160], ts[32];
	size_t n = 0;
	const char *parts[] = {"{\"time\":\"", ts, "\",\"command\":\"", run.cmd ? run.cmd : "",
			       "\",\"step\":\"interrupted\",\"success\":false,"
			       "\"message\":\"interrupted by signal ", NULL, "\"}\n"};
	char num[4] = {(char)('0' + sig / 10 % 10), (char)('0' + sig % 10), '\0', '\0'};

	if (run.logfd < 0)
		return;
	timestamp(ts);
	parts[5] = sig >= 10 ? num : num + 1;
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		for (const char *c = parts[i]; *c && n < sizeof(line); c++)
			line[n++] = *c;
	/* what stdio holds is complete lines (line-buffered): only the last one is ours */
	if (write(run.logfd, line, n) < 0)
		return;
}
