/*
 * cmd_check.c - the two reading commands: `smig-import preflight` (the compatibility report:
 * SMIG1xxx blockers and SMIG2xxx warnings) and `smig-import report` (the post-migration
 * verification, SMIG4xxx: of the destination's files, or with --state of the live host's
 * smig-state.json). Neither writes to the destination: preflight needs only the archive's
 * descriptor (the members are hashed as they stream by, nothing is staged), report stages the
 * archive under $TMPDIR.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "hive.h"
#include "i18n.h"
#include "livecheck.h"
#include "postcheck.h"
#include "preflight.h"
#include "session.h"

static void preflight_help(void)
{
	printf(_("Usage: %s preflight -p PUB ARCHIVE --dest ROOT [options] [--format text|json|html]\n\n"
	         "The compatibility report: what will not work on the destination, checked before\n"
	         "anything changes (blockers SMIG1001-1013, warnings SMIG2001-2010: their meaning\n"
	         "and what to do are in docs/reference.md). Takes the same maps and switches as\n"
	         "'apply' (see 'apply --help'). Writes nothing.\n\n"), PROG);
	import_decrypt_help();
	fputs(_("\n"
	        "Exit codes: 0 no blocker (or, with --force, only blockers --force lifts),\n"
	        "1 error, 2 usage, 3 integrity, 4 blockers found.\n"),
	      stdout);
	smig_cli_common_help(true);
}

static void report_help(void)
{
	printf(_("Usage: %s report -p PUB ARCHIVE --dest ROOT [--state FILE] [options]\n"
	         "       [--format text|json|html]\n\n"
	         "The post-migration verification report: re-reads the destination and compares it\n"
	         "with the archive and the plan apply carried out (SMIG4001-4011,\n"
	         "docs/reference.md): the plan is rebuilt from the options and the destination\n"
	         "facts that the apply of this archive recorded in ROOT/smig-journal/<archive-id>/\n"
	         "(map options given here replace the recorded ones). Writes nothing.\n\n"
	         "  ARCHIVE       the archive that was applied (--against ARCHIVE: the same)\n"
	         "  --report-dir DIR  where that apply put its reports (default: as recorded)\n"
	         "  --state FILE  verify the live host instead of its files: FILE is the\n"
	         "                smig-state.json that migrate.ps1 (or migrate.ps1 -StateOnly) wrote\n"
	         "                on the running host (docs/live-state.md, docs/verify-live.md)\n\n"
	         "Exit codes: 0 everything matches (external networks recreated as internal are\n"
	         "flagged, not failed), 1 error (a malformed state file among them), 2 usage,\n"
	         "3 integrity, 5 differences found.\n"), PROG);
	smig_cli_common_help(true);
}

static int print_report(struct import_session *s, const char *kind, const char *title,
			const struct smig_problems *items, struct smig_err *e)
{
	struct smig_report_fact facts[12];
	size_t nf = session_facts(s, facts, 12);
	char *text = smig_report_items(kind, title, facts, nf, items, s->format, e);

	if (!text)
		return -1;
	fputs(text, stdout);
	free(text);
	if (fflush(stdout) == EOF)
		return smig_err_sys(e, EIO, _("cannot write to standard output"));
	return 0;
}

int cmd_preflight(int argc, char **argv)
{
	struct import_session s;
	struct smig_problems items = {0};
	struct smig_err e = SMIG_ERR_INIT;
	int code;

	if (session_parse(&s, "preflight", argc, argv, preflight_help, &code))
		return code;
	if (session_open(&s, NULL, IMPORT_HASH_ONLY, &e) < 0 || smig_preflight(s.plan, &items, &e) < 0 ||
	    print_report(&s, "preflight", _("Compatibility report (preflight)"), &items, &e) < 0) {
		code = fail(&e);
		goto out;
	}
	session_log_items("preflight", &items);
	code = smig_preflight_hard_blockers(&items) ||
	       (smig_preflight_blockers(&items) && !s.io.force) ? 4 : 0;
out:
	smig_problems_release(&items);
	session_close(&s);
	return code;
}

/* Reuse the options the apply of this archive recorded, when none were given. */
static int reuse_options(struct import_session *s, struct smig_err *e)
{
	char **argv = session_recorded_options(s, s->a.desc->archive_id);
	int rc = argv ? smig_import_opts_from_argv(&s->io, argv, e) : 0;

	smig_strv_free(argv);
	return rc;
}

/* The file-level check: the plan's paths, and the store apply staged in its report folder. */
static int postcheck_files(struct import_session *s, struct smig_problems *items,
			   struct smig_err *e)
{
	char *rdir = session_report_dir(s, s->a.desc->archive_id);
	char *store = rdir ? smig_path_join(rdir, "InitialStore.xml", e) : NULL;
	int rc;

	if (rdir && !store) {
		free(rdir);
		return -1;
	}
	s->plan->staged_store = store;
	rc = smig_postcheck(s->plan, s->dst, s->a.staged, items, e);
	s->plan->staged_store = NULL;
	free(store);
	free(rdir);
	return rc;
}

/* The file-level check, or with --state the live host's (the state is read first: a
 * malformed file is a one-line error before the archive is staged). */
static int report_check(struct import_session *s, struct smig_live **live,
			struct smig_problems *items, struct smig_err *e)
{
	if (s->state != NULL && smig_livecheck_load(s->state, live, e) < 0)
		return -1;
	s->use_record = true;
	if (import_archive_open(s->archive, s->pub, NULL, IMPORT_STAGE, &s->dec, &s->a, e) < 0 ||
	    (!s->io_given && reuse_options(s, e) < 0) || session_plan(s, e) < 0)
		return -1;
	if (*live != NULL)
		return smig_livecheck(s->plan, *live, items, e);
	return postcheck_files(s, items, e);
}

int cmd_report(int argc, char **argv)
{
	struct import_session s;
	struct smig_problems items = {0};
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_live *live = NULL;
	int code;

	if (session_parse(&s, "report", argc, argv, report_help, &code))
		return code;
	if (report_check(&s, &live, &items, &e) < 0 ||
	    print_report(&s, "verification",
			 live ? _("Post-migration verification (live host)")
			      : _("Post-migration verification"),
			 &items, &e) < 0) {
		code = fail(&e);
		goto out;
	}
	code = smig_postcheck_failures(&items) ? 5 : 0;
	if (code)
		fprintf(stderr,
			P_("%s: %s: verification found %zu difference(s) with %s\n",
			   "%s: %s: verification found %zu difference(s) with %s\n",
			   smig_postcheck_failures(&items)),
			PROG,
			live ? s.state : s.ho.root, smig_postcheck_failures(&items),
			import_archive_label(s.archive));
out:
	smig_live_free(live);
	smig_problems_release(&items);
	session_close(&s);
	return code;
}
