/*
 * session.c - options, opening and report writing shared by preflight, apply, report and
 * rollback (session.h).
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "destfacts.h"
#include "fileio.h"
#include "hive.h"
#include "i18n.h"
#include "scan.h"
#include "priorapply.h"
#include "session.h"
#include "winval.h"

enum {
	OPT_DEST = 2100,
	OPT_REPORT_DIR,
	OPT_FORMAT,
	OPT_AGAINST,
	OPT_JOURNAL,
	OPT_STATE,
};

/* The commands that take an option of the shared table (a bit per command): an option a
 * command would ignore is a usage error, not silently dropped. */
enum { PREFLIGHT = 1, APPLY = 2, REPORT = 4, ROLLBACK = 8, PLANNING = PREFLIGHT | APPLY | REPORT };

static unsigned option_commands(int c)
{
	switch (c) {
	case OPT_DEST:
	case 'h':
	case 'q':
	case 'v':
	case SMIG_CLI_OPT_VERSION:
	case SMIG_CLI_OPT_LOG:
	case SMIG_CLI_OPT_LANG:
		return PLANNING | ROLLBACK;
	case SMIG_CLI_OPT_PROGRESS:
		return PLANNING;
	case SMIG_OPT_FORCE:
		return PREFLIGHT | APPLY;
	case SMIG_OPT_WHAT_IF:
		return APPLY;
	case OPT_REPORT_DIR: /* report: where that apply put its reports */
		return APPLY | REPORT;
	case OPT_FORMAT:
		return PREFLIGHT | REPORT;
	case OPT_AGAINST:
	case OPT_STATE:
		return REPORT;
	case OPT_JOURNAL:
		return ROLLBACK;
	case '?':
	case ':':
		return ~0u; /* smig_cli_option() says what is wrong */
	default:       /* -p, the host options, the maps and switches */
		return PLANNING;
	}
}

static unsigned command_bit(const char *cmd)
{
	return !strcmp(cmd, "preflight") ? PREFLIGHT : !strcmp(cmd, "apply") ? APPLY :
	       !strcmp(cmd, "report") ? REPORT : ROLLBACK;
}

int session_parse(struct import_session *s, const char *cmd, int argc, char **argv,
		  void (*help)(void), int *code)
{
	static const struct option opts[] = {
		{"public", required_argument, NULL, 'p'},
		{"dest", required_argument, NULL, OPT_DEST},
		{"drive", required_argument, NULL, SMIG_OPT_DRIVE},
		{"ipconfig", required_argument, NULL, SMIG_OPT_IPCONFIG},
		{"systeminfo", required_argument, NULL, SMIG_OPT_SYSTEMINFO},
		{"memory-mb", required_argument, NULL, SMIG_OPT_MEMORY_MB},
		{"dest-facts", required_argument, NULL, SMIG_OPT_DEST_FACTS},
		{"map-path", required_argument, NULL, SMIG_OPT_MAP_PATH},
		{"bind-switch", required_argument, NULL, SMIG_OPT_BIND_SWITCH},
		{"ipconfig-mode", required_argument, NULL, SMIG_OPT_IPCONFIG_MODE},
		{"map-mac", required_argument, NULL, SMIG_OPT_MAP_MAC},
		{"feature", required_argument, NULL, SMIG_OPT_FEATURE},
		{"vm", required_argument, NULL, SMIG_OPT_VM},
		{"new-id", no_argument, NULL, SMIG_OPT_NEW_ID},
		{"discard-saved-state", no_argument, NULL, SMIG_OPT_DISCARD_SAVED_STATE},
		{"copy-media", no_argument, NULL, SMIG_OPT_COPY_MEDIA},
		{"set-processor-compatibility", no_argument, NULL, SMIG_OPT_SET_CPU_COMPAT},
		{"force", no_argument, NULL, SMIG_OPT_FORCE},
		{"what-if", no_argument, NULL, SMIG_OPT_WHAT_IF},
		{"report-dir", required_argument, NULL, OPT_REPORT_DIR},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"against", required_argument, NULL, OPT_AGAINST},
		{"journal", required_argument, NULL, OPT_JOURNAL},
		{"state", required_argument, NULL, OPT_STATE},
		IMPORT_DECRYPT_LONGOPTS,
		{"help", no_argument, NULL, 'h'},
		SMIG_CLI_OPTIONS,
		SMIG_CLI_PROGRESS_OPTION,
		{0, 0, 0, 0},
	};
	struct smig_err e = SMIG_ERR_INIT;
	unsigned bit = command_bit(cmd);
	bool rollback = !strcmp(cmd, "rollback");
	int c;

	memset(s, 0, sizeof(*s));
	s->cmd = cmd;
	s->format = SMIG_FORMAT_TEXT;
	s->progress = PROGRESS_AUTO;
	optind = 1;
	while ((c = getopt_long(argc, argv, SMIG_CLI_SHORT("p:h"), opts, NULL)) != -1) {
		if (!(option_commands(c) & bit)) {
			char name[64];

			*code = usage_error(cmd, _("%s is not an option of '%s'"),
					    smig_cli_option_name(opts, c, name, sizeof(name)), cmd);
			return 1;
		}
		switch (c) {
		case 'p':
			s->pub = optarg;
			break;
		case OPT_DEST:
			s->ho.root = optarg;
			break;
		case OPT_REPORT_DIR:
			s->report_dir = optarg;
			break;
		case OPT_FORMAT:
			if (smig_format_parse(optarg, &s->format) < 0) {
				*code = usage_error(cmd, _("--format '%s': expected text, json or html"),
						    optarg);
				return 1;
			}
			break;
		case OPT_AGAINST:
			s->archive = optarg;
			break;
		case SMIG_CLI_OPT_PROGRESS:
			if (progress_mode_parse(optarg, &s->progress) < 0) {
				*code = usage_error(cmd, _("unknown progress mode '%s' (auto, always, "
						      "never or json)"), optarg);
				return 1;
			}
			break;
		case OPT_JOURNAL:
			s->journal_id = optarg;
			break;
		case OPT_STATE:
			s->state = optarg;
			break;
		case 'h':
			help();
			*code = 0;
			return 1;
		case SMIG_OPT_DRIVE:
		case SMIG_OPT_IPCONFIG:
		case SMIG_OPT_SYSTEMINFO:
		case SMIG_OPT_MEMORY_MB:
		case SMIG_OPT_DEST_FACTS:
			if (smig_hostopts_add(&s->ho, c, optarg, &e) < 0)
				goto usage;
			break;
		case SMIG_OPT_MAP_PATH:
		case SMIG_OPT_BIND_SWITCH:
		case SMIG_OPT_IPCONFIG_MODE:
		case SMIG_OPT_MAP_MAC:
		case SMIG_OPT_FEATURE:
		case SMIG_OPT_VM:
		case SMIG_OPT_NEW_ID:
		case SMIG_OPT_DISCARD_SAVED_STATE:
		case SMIG_OPT_SET_CPU_COMPAT:
		case SMIG_OPT_FORCE:
		case SMIG_OPT_WHAT_IF:
		case SMIG_OPT_COPY_MEDIA:
			if (smig_import_opts_add(&s->io, c, optarg, &e) < 0)
				goto usage;
			if (c != SMIG_OPT_FORCE && c != SMIG_OPT_WHAT_IF)
				s->io_given = true;
			break;
		case IMPORT_OPT_IDENTITY:
		case IMPORT_OPT_PASSPHRASE_FILE:
		case IMPORT_OPT_MAX_SCRYPT_WORK:
			if (rollback) {
				*code = usage_error(cmd, _("rollback reads no archive"));
				return 1;
			}
			if (import_decrypt_option(&s->dec, c, optarg, &e) < 0)
				goto usage;
			break;
		default:
			if ((*code = smig_cli_option(c, opts, argc, argv)) != SMIG_CLI_NEXT)
				return 1;
			break;
		}
	}
	if (smig_import_opts_check(&s->io, &e) < 0)
		goto usage;
	if (!s->ho.root) {
		*code = usage_error(cmd, _("--dest ROOT is required"));
		return 1;
	}
	if (rollback) {
		if (optind < argc) {
			*code = usage_error(cmd, _("unexpected argument '%s'"), argv[optind]);
			return 1;
		}
		return 0;
	}
	if (!s->pub) {
		*code = usage_error(cmd, _("-p PUB is required"));
		return 1;
	}
	/* report takes the archive like the others; --against ARCHIVE is the older spelling */
	if (optind < argc) {
		if (s->archive) {
			*code = usage_error(cmd, _("the ARCHIVE is given twice ('%s' and --against "
					      "'%s')"), argv[optind], s->archive);
			return 1;
		}
		s->archive = argv[optind++];
	}
	if (!s->archive) {
		*code = usage_error(cmd, _("the ARCHIVE is required"));
		return 1;
	}
	if (s->progress == PROGRESS_AUTO && smig_cli_quiet())
		s->progress = PROGRESS_NEVER;
	import_set_progress(s->progress);
	if (optind < argc) {
		*code = usage_error(cmd, _("unexpected argument '%s'"), argv[optind]);
		return 1;
	}
	return 0;
usage:
	*code = usage_error(cmd, "%s", e.msg);
	return 1;
}

/* The destination as the apply of the open archive read it, when that apply recorded it. */
static int read_recorded(struct import_session *s, struct smig_err *e)
{
	char *path = smig_asprintf(e, "%s/%s/%s/%s", s->ho.root, JOURNAL_DIR,
				   s->a.desc->archive_id, RECORDED_FACTS);
	struct stat st;
	int rc = -1;

	if (!path)
		return -1;
	if (lstat(path, &st) < 0 && (errno == ENOENT || errno == ENOTDIR))
		rc = 0; /* no record (an apply of an older smig, or none): the plan is rebuilt */
	else
		rc = smig_destfacts_read(path, s->ho.root, &s->recorded, NULL, NULL, e);
	free(path);
	return rc;
}

int session_plan(struct import_session *s, struct smig_err *e)
{
	smig_plan_free(s->plan);
	s->plan = NULL;
	smig_inventory_free(s->dst);
	s->dst = NULL;
	smig_inventory_free(s->recorded);
	s->recorded = NULL;
	smig_hostfs_free(s->fs);
	s->fs = NULL;
	if (smig_hostopts_read(&s->ho, &s->fs, &s->dst, e) < 0)
		return -1;
	if (s->use_record && read_recorded(s, e) < 0)
		return -1;
	/* what earlier applies of other archives placed is the destination's too, though
	 * their migrate.ps1 may not have run yet (several sources onto one destination) */
	{
		char *jroot = session_journal_root(s, e), *own = NULL, **only = NULL;
		int rc = jroot ? 0 : -1;

		/* report: the earlier applies this archive's apply was planned with, no others */
		if (rc == 0 && s->recorded) {
			own = smig_path_join(jroot, s->a.desc->archive_id, e);
			rc = own ? smig_prior_listed(own, &only, e) : -1;
		}
		if (rc == 0 && s->recorded)
			rc = 1;  /* a recorded destination without a record: none */
		else if (rc >= 0)
			rc = smig_prior_overlay(jroot, s->a.desc->archive_id, only,
						s->recorded ? s->recorded : s->dst, e);
		free(jroot);
		free(own);
		smig_strv_free(only);
		if (rc < 0)
			return -1;
	}
	return smig_plan_build(s->a.desc, s->fs, s->recorded ? s->recorded : s->dst, &s->io,
			       &s->plan, e);
}

int session_open(struct import_session *s, const char *tmp_parent, enum import_stage how,
		 struct smig_err *e)
{
	if (import_archive_open(s->archive, s->pub, tmp_parent, how, &s->dec, &s->a, e) < 0)
		return -1;
	return session_plan(s, e);
}

void session_close(struct import_session *s)
{
	smig_plan_free(s->plan);
	smig_inventory_free(s->dst);
	smig_inventory_free(s->recorded);
	smig_hostfs_free(s->fs);
	import_archive_close(&s->a);
	smig_import_opts_release(&s->io);
	s->plan = NULL;
	s->dst = NULL;
	s->recorded = NULL;
	s->fs = NULL;
}

char *session_journal_root(const struct import_session *s, struct smig_err *e)
{
	return smig_path_join(s->ho.root, JOURNAL_DIR, e);
}

char *session_report_dir(const struct import_session *s, const char *id)
{
	char *path, *rec = NULL, *dir = NULL;
	size_t len = 0;

	if (s->report_dir)
		return smig_strdup(s->report_dir, NULL);
	path = smig_asprintf(NULL, "%s/%s/%s/reports", s->ho.root, JOURNAL_DIR, id);
	if (path && smig_file_read(path, 65536, "report folder record", &rec, &len, NULL) == 0 &&
	    len > 0) {
		rec[strcspn(rec, "\n")] = '\0';
		/* recorded relative to the destination root when it is under it (cmd_apply.c) */
		if (rec[0] != '\0')
			dir = rec[0] == '/' ? smig_strdup(rec, NULL) :
					      smig_path_join(s->ho.root, rec, NULL);
	}
	free(path);
	free(rec);
	return dir;
}

char **session_recorded_options(const struct import_session *s, const char *id)
{
	struct smig_err e = SMIG_ERR_INIT;
	char *path = smig_asprintf(&e, "%s/%s/%s/options", s->ho.root, JOURNAL_DIR, id);
	char *text = NULL, **v = NULL;
	size_t len = 0;

	if (!path || smig_file_read(path, 1 << 20, "recorded options", &text, &len, &e) < 0)
		goto out;
	for (char *line = text, *nl; line < text + len; line = nl + 1) {
		nl = memchr(line, '\n', (size_t)(text + len - line));
		if (!nl)
			break;
		*nl = '\0';
		if (*line && smig_strv_push(&v, line, &e) < 0) {
			smig_strv_free(v);
			v = NULL;
			break;
		}
	}
out:
	free(path);
	free(text);
	return v;
}

int session_write_report(const char *dir, const char *base, const char *kind, const char *title,
			 const struct smig_report_fact *facts, size_t nfacts,
			 const struct smig_problems *items, struct smig_err *e)
{
	static const struct {
		enum smig_format f;
		const char *ext;
	} forms[] = {
		{SMIG_FORMAT_TEXT, "txt"},
		{SMIG_FORMAT_JSON, "json"},
		{SMIG_FORMAT_HTML, "html"},
	};

	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		char *text = smig_report_items(kind, title, facts, nfacts, items, forms[i].f, e);
		char *path = text ? smig_asprintf(e, "%s/%s.%s", dir, base, forms[i].ext) : NULL;
		int rc = path ? smig_file_write_atomic(path, text, strlen(text), 0644, e) : -1;

		free(text);
		free(path);
		if (rc < 0)
			return -1;
	}
	return 0;
}

size_t session_facts(const struct import_session *s, struct smig_report_fact *facts, size_t max)
{
	const struct smig_descriptor *d = s->a.desc;
	const struct smig_inventory *src = d ? d->inv : NULL;
	size_t n = 0;

#define FACT(k, v) do { if (n < max) { facts[n].key = (k); facts[n].value = (v); n++; } } while (0)
	/* The keys are English here: the JSON report makes its keys of them (archive_id); the
	 * text and HTML reports show their translations (N_: in the catalogue). */
	FACT(N_("archive"), s->archive);
	FACT(N_("archive id"), d ? d->archive_id : NULL);
	FACT(N_("exported"), d ? d->created : NULL);
	FACT(N_("source"), src ? src->os.computer_name : NULL);
	FACT(N_("source OS"), src ? src->os.product_name : NULL);
	FACT(N_("destination"), s->ho.root);
	FACT(N_("destination computer"), s->dst ? s->dst->os.computer_name : NULL);
	FACT(N_("destination OS"), s->dst ? s->dst->os.product_name : NULL);
	if (s->use_record)
		FACT(N_("plan"), s->recorded ? _("as apply recorded it (the destination before apply)")
			     : _("rebuilt from the destination as it is now (no apply record)"));
#undef FACT
	return n;
}

void session_log_items(const char *step, const struct smig_problems *items)
{
	for (size_t i = 0; items && i < items->count; i++) {
		const struct smig_problem *it = &items->items[i];
		bool bad = it->severity == SMIG_SEV_BLOCKER || it->severity == SMIG_SEV_FAIL ||
			   it->severity == SMIG_SEV_ERROR;

		if (it->severity == SMIG_SEV_PASS)
			continue;
		smig_cli_log(step, it->subject, NULL, it->id && *it->id ? it->id : NULL, !bad,
			     it->message);
	}
}
