/*
 * cmd_apply.c - `smig-import apply` and `smig-import rollback`: place the archive's VM files
 * on the destination through the journal (journal.h), write the reports and migrate.ps1, and
 * undo an apply exactly.
 *
 * apply: stage and verify the archive on the destination's filesystem (DEST/smig-journal/),
 * read the destination, plan, run preflight (blockers stop it unless --force), build every
 * new file, write the journal, run the operations, then write the compatibility report, the
 * manual steps, migrate.ps1 (for the running 2012 host) and the verification report (the
 * placed files read back).
 * An interrupted apply of the same archive is rolled back first; a completed one is not
 * repeated.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "destfacts.h"
#include "azman.h"
#include "fileio.h"
#include "hive.h"
#include "i18n.h"
#include "interrupt.h"
#include "manualsteps.h"
#include "postcheck.h"
#include "preflight.h"
#include "priorapply.h"
#include "session.h"
#include "strbuf.h"

static void apply_help(void)
{
	printf(_("Usage: %s apply -p PUB ARCHIVE --dest ROOT [options]\n\n"
	         "Verifies ARCHIVE, checks the destination (the compatibility report), and places\n"
	         "the VMs' files on the destination host ROOT: folders, configurations (kept at\n"
	         "their source version), snapshots and disks (re-parented where they moved). It\n"
	         "writes no registry hive and registers nothing: it writes migrate.ps1 into the\n"
	         "report folder, which you run elevated on the running 2012 host so that Hyper-V\n"
	         "itself creates the networks, host adapters and IP settings, takes the host\n"
	         "settings and the authorization store, and registers the VMs. Every file change\n"
	         "is journaled under ROOT/smig-journal/<archive-id>/ first: an error undoes what\n"
	         "was done, and 'rollback' restores the destination exactly.\n\n"
	         "  -p, --public PUB          the exporter's public key\n"
	         "  --dest ROOT               the destination host (C: root or host folder)\n"
	         "  --drive X=DIR             where drive X: of the destination lives\n"
	         "  --ipconfig FILE, --systeminfo FILE, --memory-mb N\n"
	         "                            facts about the destination\n"
	         "  --dest-facts FILE         a running destination's facts, written by probe.ps1\n"
	         "                            ('probe-script'; default ROOT/dest-facts.json when\n"
	         "                            ROOT has no hives)\n"
	         "  --map-path 'FROM=TO'      where a source Windows folder goes (repeatable)\n"
	         "  --bind-switch 'NAME=NIC'  migrate.ps1 binds external network NAME to adapter\n"
	         "                            NIC (connection name, description or MAC) instead\n"
	         "                            of creating it internal\n"
	         "  --ipconfig-mode nic|all, --map-mac SRC=DST\n"
	         "                            migrate.ps1 moves the management-OS adapters' IP\n"
	         "                            settings (global: refused, the archive does not\n"
	         "                            carry the host-wide ones)\n"
	         "  --feature NAME, --vm NAME|GUID   what to import (default everything; names\n"
	         "                            ignore case, an unknown one is refused with the\n"
	         "                            list); --vm without --feature changes nothing\n"
	         "                            host-wide: only those VMs and their networks\n"
	         "  --new-id                  give the VMs new IDs\n"
	         "  --discard-saved-state     drop saved state (a saved VM cold boots; a snapshot\n"
	         "                            whose state is dropped leaves the VM off when applied)\n"
	         "  --copy-media              place the ISO/VFD files the archive carries (export\n"
	         "                            --include-media) at their (mapped) paths; migrate.ps1\n"
	         "                            attaches them\n"
	         "  --set-processor-compatibility   turn on processor compatibility (for later\n"
	         "                            moves; a state already saved stays as it was)\n"
	         "  --force                   proceed past the blockers an admin may accept (CPUs,\n"
	         "                            memory, language) and replace destination settings;\n"
	         "                            never past a wrong OS, a clustered VM, a broken\n"
	         "                            chain, a path collision or missing space\n"
	         "  --what-if                 print every change and make none\n"
	         "  --report-dir DIR          where reports go (default ROOT/smig-reports/<id>/)\n"), PROG);
	import_decrypt_help();
	fputs(_("\n"
	        "Reports (in --report-dir): compatibility, manual-steps, verification (.txt, .json,\n"
	        ".html), migrate.ps1 and InitialStore.xml (the source's authorization store).\n\n"
	        "Exit codes: 0 applied and verified (manual steps may remain), 1 operational\n"
	        "error (the destination is restored, unless the message says the apply completed\n"
	        "and only its verification report could not be written), 2 usage, 3 integrity,\n"
	        "4 blocked, 5 applied but verification found differences.\n"),
	      stdout);
	smig_cli_common_help(true);
}

static void rollback_help(void)
{
	printf(_("Usage: %s rollback --dest ROOT [--journal ID]\n\n"
	         "Undoes an apply (complete or interrupted) from its journal under\n"
	         "ROOT/smig-journal/: every replaced file is restored byte for byte, every\n"
	         "file and folder apply created is removed, then the journal and the default\n"
	         "report folder are removed. With several journals, --journal names one\n"
	         "(its archive id).\n\n"
	         "Exit codes: 0 restored, 1 error, 2 usage.\n"), PROG);
	smig_cli_common_help(false);
}

/* ---- the destination's smig folders ---- */

/* Remove a directory if it is empty (it was ours and nothing is left in it). */
static void rmdir_if_empty(const char *dir)
{
	if (dir)
		rmdir(dir);
}

/* Staging areas of interrupted runs (".smig-import-*") are ours to remove. */
static void remove_stale_staging(const char *jroot)
{
	DIR *d = opendir(jroot);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, ".smig-import-", 13)) {
			char *p = smig_path_join(jroot, de->d_name, NULL);

			if (p)
				smig_rm_rf(p, NULL);
			free(p);
		}
	closedir(d);
}

/* Whether a journal got as far as its operation list (before it, nothing was changed). */
static bool has_ops(const char *jdir)
{
	char *p = smig_path_join(jdir, "ops", NULL);
	struct stat st;
	bool yes = p && stat(p, &st) == 0;

	free(p);
	return yes;
}

/* Undo journal `jdir`, then remove it and the report folder it recorded as its own. */
static int undo_journal(const char *root, const char *jdir, struct smig_err *e)
{
	struct smig_journal j;
	char *rfile = NULL, *rdir = NULL, *rec = NULL;
	size_t len = 0;
	int rc = -1;

	memset(&j, 0, sizeof(j));
	if (has_ops(jdir)) {
		if (smig_journal_load(jdir, &j, e) < 0)
			return -1;
		if (smig_journal_rollback(&j, e) < 0)
			goto out;
	}
	/* the default report folder, recorded as apply's own (its path relative to the
	 * destination root: found from where the destination is now, it may have moved) */
	rfile = smig_path_join(jdir, "reports", e);
	if (rfile && smig_file_read(rfile, 65536, "report folder record", &rec, &len, NULL) == 0 &&
	    len > 0) {
		char *slash;

		rec[strcspn(rec, "\n")] = '\0';
		rdir = rec[0] == '/' ? smig_strdup(rec, NULL) : smig_path_join(root, rec, NULL);
		if (rdir && !smig_winpath_dotted(rec)) {
			smig_rm_rf(rdir, NULL);
			slash = strrchr(rdir, '/');
			if (slash) {
				*slash = '\0';
				rmdir_if_empty(rdir); /* <C:>/smig-reports when nothing else is in it */
			}
		}
	}
	if (smig_rm_rf(jdir, e) < 0)
		goto out;
	rc = 0;
out:
	smig_journal_release(&j);
	free(rfile);
	free(rdir);
	free(rec);
	return rc;
}

/* Hold DEST/smig-journal/lock while changing the destination (one apply or rollback at a
 * time). The lock file is removed before it is released. */
static int lock_dest(const char *jroot, int *fd, struct smig_err *e)
{
	char *path = smig_path_join(jroot, "lock", e);

	if (!path)
		return -1;
	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (*fd < 0) {
		smig_err_sys(e, errno, _("cannot create '%s'"), path);
		free(path);
		return -1;
	}
	if (flock(*fd, LOCK_EX | LOCK_NB) < 0) {
		smig_err_set(e, SMIG_ERR_IO, _("another smig-import is changing this destination "
			       "(lock '%s' is held)"), path);
		close(*fd);
		*fd = -1;
		free(path);
		return -1;
	}
	free(path);
	return 0;
}

static void unlock_dest(const char *jroot, int fd)
{
	char *path;

	if (fd < 0)
		return;
	path = smig_path_join(jroot, "lock", NULL);
	if (path)
		unlink(path);
	free(path);
	close(fd);
}

/* ---- reports ---- */

static int write_text(const char *dir, const char *name, const char *text, size_t len,
		      struct smig_err *e)
{
	char *path = smig_path_join(dir, name, e);
	int rc = path ? smig_file_write_atomic(path, text, len, 0644, e) : -1;

	free(path);
	return rc;
}

/* The source's authorization store, for migrate.ps1 to put in place on the running host:
 * <report dir>/InitialStore.xml. The archive's bytes, already verified (at most 64 MiB,
 * the descriptor's bound for the store member). */
static int stage_store(struct import_session *s, const char *rdir, struct smig_err *e)
{
	const struct smig_plan *p = s->plan;
	const struct smig_staged_member *m;
	char *buf = NULL;
	size_t len = 0;
	int rc;

	if (!p->hyperv || !p->store_copy || !p->store_member)
		return 0;
	m = smig_staged_find(s->a.staged, p->store_member);
	if (!m)
		return smig_err_set(e, SMIG_ERR_INTEGRITY, _("'%s': listed in the descriptor but "
				      "not staged"), p->store_member);
	if (smig_file_read(m->local, 64u << 20, _("authorization store"), &buf, &len, e) < 0)
		return -1;
	rc = write_text(rdir, "InitialStore.xml", buf, len, e);
	free(buf);
	return rc;
}

/* SMIG3014: a customised destination store apply keeps. The source's store goes into the
 * report folder as InitialStore.source.xml, for the administrator to compare or merge, and the
 * manual step lists how the two differ. */
static int kept_store_step(struct import_session *s, const char *rdir,
			   struct smig_problems *steps, struct smig_err *e)
{
	const struct smig_plan *p = s->plan;
	const struct smig_staged_member *m;
	struct smig_azman_store *src = NULL, *dst = NULL;
	struct smig_err le = SMIG_ERR_INIT;
	char *buf = NULL, *label = NULL, **diffs = NULL, *why = NULL;
	size_t len = 0, total = 0;
	int rc = -1;

	if (!p->kept_store_member)
		return 0;
	m = smig_staged_find(s->a.staged, p->kept_store_member);
	if (!m)
		return smig_err_set(e, SMIG_ERR_INTEGRITY, _("'%s': listed in the descriptor but "
				      "not staged"), p->kept_store_member);
	if (smig_file_read(m->local, 64u << 20, _("authorization store"), &buf, &len, e) < 0 ||
	    write_text(rdir, "InitialStore.source.xml", buf, len, e) < 0 ||
	    smig_azman_parse(buf, len, m->name, &src, e) < 0)
		goto out;
	label = smig_asprintf(e, _("the destination's store '%s'"),
			      p->dst->azman.path ? p->dst->azman.path : "?");
	if (!label)
		goto out;
	/* the destination's store is the destination's: one that does not parse is said, not
	 * fatal (the step then asks for a comparison by hand) */
	if (!p->dst->azman.local)
		why = smig_strdup(_("its file is not reachable from this host folder"), e);
	else if (smig_azman_load(p->dst->azman.local, label, &dst, &le) < 0)
		why = smig_strdup(le.msg, e);
	else if (smig_azman_diff(src, dst, label, &diffs, &total, e) < 0)
		goto out;
	if ((!dst && !why) ||
	    smig_manual_step_kept_store(p, diffs, total, why,
					_("InitialStore.source.xml in the report folder"), steps,
					e) < 0)
		goto out;
	rc = 0;
out:
	smig_azman_free(src);
	smig_azman_free(dst);
	smig_strv_free(diffs);
	free(buf);
	free(label);
	free(why);
	return rc;
}

/* The files apply writes into the report folder (the report formats of each base too). */
static const char *const report_files[] = {
	"compatibility.txt", "compatibility.json", "compatibility.html", "manual-steps.txt",
	"manual-steps.json", "manual-steps.html", "migrate.ps1", "InitialStore.xml",
	"verification.txt", "verification.json", "verification.html", "InitialStore.source.xml",
};

/* Take back the reports of an apply that did not happen: the default folder entirely (with
 * DEST/smig-reports if it is left empty), in a folder of the user's only apply's files. */
static void remove_reports(const struct import_session *s, const char *rdir)
{
	char *parent;

	if (!rdir)
		return;
	if (!s->report_dir) {
		smig_rm_rf(rdir, NULL);
		parent = smig_strdup(rdir, NULL);
		if (parent && strrchr(parent, '/'))
			*strrchr(parent, '/') = '\0';
		rmdir_if_empty(parent);
		free(parent);
		return;
	}
	for (size_t i = 0; i < sizeof(report_files) / sizeof(report_files[0]); i++) {
		char *p = smig_path_join(rdir, report_files[i], NULL);

		if (p)
			unlink(p);
		free(p);
	}
}

/* The firewall rules' full text, from the archive's firewall member when it carries one, so
 * migrate.ps1 can recreate the user-defined Hyper-V rules. */
static int firewall_texts(struct import_session *s, struct smig_fwtexts *fw, struct smig_err *e)
{
	const struct smig_staged_member *m = smig_staged_find(s->a.staged, SMIG_MIGRATE_FW_MEMBER);
	char *buf = NULL;
	size_t len = 0;
	int rc;

	if (!m)
		return 0;
	if (smig_file_read(m->local, 64u << 20, SMIG_MIGRATE_FW_MEMBER, &buf, &len, e) < 0)
		return -1;
	rc = smig_fwtexts_from_reg(buf, len, fw, e);
	free(buf);
	return rc;
}

/* What apply knows before it changes anything: the compatibility report, the staged
 * authorization store, the manual steps and migrate.ps1. Written before the first change, so
 * a failure here leaves the destination untouched. */
static int write_plan_reports(struct import_session *s, const char *rdir,
			      const struct smig_problems *compat, size_t *nmanual, struct smig_err *e)
{
	struct smig_report_fact facts[12];
	size_t nf = session_facts(s, facts, 12);
	struct smig_problems steps = {0};
	struct smig_fwtexts fw = {0};
	char *ps1 = NULL;
	size_t len = 0;
	int rc = -1;

	if (smig_mkdir_p(rdir, 0755, e) < 0 ||
	    session_write_report(rdir, "compatibility", "preflight",
				 _("Compatibility report (preflight)"), facts, nf, compat, e) < 0 ||
	    stage_store(s, rdir, e) < 0 || firewall_texts(s, &fw, e) < 0 ||
	    smig_manual_steps_fw(s->plan, &fw, &steps, e) < 0 ||
	    kept_store_step(s, rdir, &steps, e) < 0 ||
	    session_write_report(rdir, "manual-steps", "manual-steps", _("Manual steps"), facts, nf,
				 &steps, e) < 0 ||
	    !(ps1 = smig_migrate_ps1_fw(s->plan, &fw, &len, e)) ||
	    write_text(rdir, "migrate.ps1", ps1, len, e) < 0)
		goto out;
	*nmanual = smig_problems_count(&steps, SMIG_SEV_MANUAL);
	rc = 0;
out:
	smig_problems_release(&steps);
	smig_fwtexts_release(&fw);
	free(ps1);
	return rc;
}

/* The verification of the placed files, after the apply; *failures gets its failure count. */
static int write_verification(struct import_session *s, const char *rdir, size_t *failures,
			      struct smig_err *e)
{
	struct smig_report_fact facts[12];
	size_t nf = session_facts(s, facts, 12);
	struct smig_problems verif = {0};
	struct smig_hostfs *afs = NULL;
	struct smig_inventory *after = NULL;
	char *store = smig_path_join(rdir, "InitialStore.xml", e);
	int rc = -1;

	s->plan->staged_store = store;
	if (!store || smig_hostopts_read(&s->ho, &afs, &after, e) < 0 ||
	    smig_postcheck(s->plan, after, s->a.staged, &verif, e) < 0 ||
	    session_write_report(rdir, "verification", "verification",
				 _("Post-migration verification"), facts, nf, &verif, e) < 0)
		goto out;
	*failures = smig_postcheck_failures(&verif);
	session_log_items("verification", &verif);
	printf(_("verification: %zu passed, %zu flagged, %zu failed\n"),
	       smig_problems_count(&verif, SMIG_SEV_PASS),
	       smig_problems_count(&verif, SMIG_SEV_WARNING), *failures);
	rc = 0;
out:
	s->plan->staged_store = NULL;
	free(store);
	smig_problems_release(&verif);
	smig_inventory_free(after);
	smig_hostfs_free(afs);
	return rc;
}

static int record(const char *jdir, const char *name, char *const *lines, struct smig_err *e)
{
	struct smig_strbuf b = SMIG_STRBUF_INIT;
	char *path = NULL;
	int rc = -1;

	for (size_t i = 0; lines && lines[i]; i++) {
		smig_strbuf_puts(&b, lines[i]);
		smig_strbuf_putc(&b, '\n');
	}
	if (smig_strbuf_check(&b, e) < 0 || !(path = smig_path_join(jdir, name, e)))
		goto out;
	rc = smig_file_write_atomic(path, b.buf ? b.buf : "", b.len, 0600, e);
out:
	smig_strbuf_release(&b);
	free(path);
	return rc;
}

/* The record of what this apply places, for a later archive's apply onto the same
 * destination (priorapply.h). */
static int record_placed(const struct import_session *s, const char *jdir, struct smig_err *e)
{
	char when[32], *text, *path = NULL;
	size_t len = 0;
	int rc = -1;

	smig_unix_to_iso8601((int64_t)time(NULL), when, sizeof(when));
	text = smig_prior_record(s->plan, when, &len, e);
	if (text && (path = smig_path_join(jdir, SMIG_PRIOR_FILE, e)))
		rc = smig_file_write_atomic(path, text, len, 0600, e);
	free(text);
	free(path);
	return rc;
}

/* The destination as this apply read it, before any change: `report` rebuilds the plan from
 * it, so it verifies what apply did and not a plan made for the destination as it is later. */
static int record_dest(const struct import_session *s, const char *jdir, struct smig_err *e)
{
	char *text = smig_destfacts_from_inventory(s->dst, NULL, 0, e);
	char *path = text ? smig_path_join(jdir, RECORDED_FACTS, e) : NULL;
	int rc = path ? smig_file_write_atomic(path, text, strlen(text), 0600, e) : -1;

	free(text);
	free(path);
	return rc;
}

/* ---- apply ---- */

struct apply_run {
	struct import_session s;
	char *jroot, *jdir, *rdir;
	bool made_jroot;
	int lockfd;
	struct smig_journal j;
	struct smig_problems compat;
};

/* Returns an exit code. */
static int apply_verified(struct apply_run *r, struct smig_err *e)
{
	struct import_session *s = &r->s;
	const char *id = s->a.desc->archive_id;
	struct stat st;
	char **argv = NULL;
	char *rlines[2] = {NULL, NULL};
	size_t failures = 0, hard, nmanual = 0;

	r->jdir = smig_path_join(r->jroot, id, e);
	if (!r->jdir)
		return fail(e);
	if (stat(r->jdir, &st) == 0 && !has_ops(r->jdir)) {
		/* stopped while preparing, before the first change: nothing to undo */
		if (smig_rm_rf(r->jdir, e) < 0)
			return fail(e);
	}
	if (stat(r->jdir, &st) == 0) {
		struct smig_journal old;

		if (smig_journal_load(r->jdir, &old, e) < 0)
			return fail(e);
		if (old.complete) {
			char **was = session_recorded_options(s, id);
			char **now = smig_import_opts_argv(&s->io, e);
			bool same = now != NULL;

			smig_journal_release(&old);
			for (size_t i = 0; same && (now[i] || (was && was[i])); i++)
				same = was && was[i] && now[i] && !strcmp(was[i], now[i]);
			smig_strv_free(was);
			smig_strv_free(now);
			if (!same) {
				/* the placed files and migrate.ps1 follow the first options: say so
				 * rather than "nothing to do" */
				smig_err_clear(e);
				smig_err_set(e, SMIG_ERR_USAGE, _("archive %s was already applied to %s "
					       "with other options: run '%s rollback --dest %s' first to "
					       "apply it with these"), id, s->ho.root, PROG, s->ho.root);
				return fail(e);
			}
			printf(_("archive %s was already applied to %s: nothing to do (use "
				 "'rollback' to undo it)\n"), id, s->ho.root);
			return 0;
		}
		smig_journal_release(&old);
		fprintf(stderr, _("%s: an interrupted apply of archive %s was found: undoing it "
				  "first\n"), PROG, id);
		if (undo_journal(s->ho.root, r->jdir, e) < 0)
			return fail(e);
		/* the destination changed back: read it again */
		if (session_plan(s, e) < 0)
			return fail(e);
	}
	if (smig_preflight(s->plan, &r->compat, e) < 0)
		return fail(e);
	session_log_items("preflight", &r->compat);
	hard = smig_preflight_hard_blockers(&r->compat);
	if (hard || (smig_preflight_blockers(&r->compat) && !s->io.force)) {
		char *text = smig_report_items("preflight", _("Compatibility report (preflight)"), NULL,
					       0, &r->compat, SMIG_FORMAT_TEXT, e);

		if (text)
			fputs(text, stdout);
		free(text);
		if (hard)
			/* the English text is the same for one and several (tests compare it) */
			fprintf(stderr,
				P_("%s: %s: %zu blocker(s), %zu of which no option can override "
				   "(the first: %s): nothing was changed\n",
				   "%s: %s: %zu blocker(s), %zu of which no option can override "
				   "(the first: %s): nothing was changed\n",
				   smig_preflight_blockers(&r->compat)),
				PROG, s->ho.root,
				smig_preflight_blockers(&r->compat), hard,
				r->compat.items[0].message ? r->compat.items[0].message : "?");
		else
			fprintf(stderr,
				P_("%s: %s: %zu blocker(s): nothing was changed (each says what "
				   "lifts it: --force, --new-id or --discard-saved-state)\n",
				   "%s: %s: %zu blocker(s): nothing was changed (each says what "
				   "lifts it: --force, --new-id or --discard-saved-state)\n",
				   smig_preflight_blockers(&r->compat)),
				PROG,
				s->ho.root, smig_preflight_blockers(&r->compat));
		return 4;
	}
	if (s->io.what_if) {
		if (prepare_ops(s, r->jdir, true, &r->j, e) < 0)
			return fail(e);
		printf(P_("what if: apply would make %zu change(s) to %s:\n",
			  "what if: apply would make %zu change(s) to %s:\n", r->j.nops),
		       r->j.nops, s->ho.root);
		for (size_t i = 0; i < r->j.nops; i++)
			printf("  %zu. %s\n", i + 1, r->j.ops[i].what);
		printf("%s", _("what if: nothing was changed\n"));
		return 0;
	}
	if (smig_mkdir_p(r->jdir, 0700, e) < 0)
		return fail(e);
	if (prepare_ops(s, r->jdir, false, &r->j, e) < 0 ||
	    !(argv = smig_import_opts_argv(&s->io, e)) || record(r->jdir, "options", argv, e) < 0 ||
	    record_placed(s, r->jdir, e) < 0 || record_dest(s, r->jdir, e) < 0) {
		smig_strv_free(argv);
		smig_rm_rf(r->jdir, NULL);
		return fail(e);
	}
	smig_strv_free(argv);
	/* the default report folder is on the destination's C: (C:\smig-reports\<id> on the
	 * running host, where migrate.ps1 is run from), whatever the layout of ROOT */
	r->j.dir = smig_strdup(r->jdir, e);
	/* the journal names its targets relative to the destination root, so a destination
	 * folder moved after apply can still be rolled back */
	r->j.root = realpath(s->ho.root, NULL);
	if (!r->j.root)
		smig_err_sys(e, errno, _("destination '%s'"), s->ho.root);
	if (s->report_dir) {
		r->rdir = smig_strdup(s->report_dir, e);
	} else if (r->j.root) {
		const char *cdir = smig_hostfs_drive_dir(s->fs, 'C');
		char *creal = cdir ? realpath(cdir, NULL) : NULL;

		r->rdir = smig_asprintf(e, "%s/%s/%s", creal ? creal : r->j.root, REPORTS_DIR, id);
		free(creal);
	}
	/* recorded relative to the root when under it, so a moved destination finds it */
	if (r->rdir && r->j.root && !strncmp(r->rdir, r->j.root, strlen(r->j.root)) &&
	    r->rdir[strlen(r->j.root)] == '/')
		rlines[0] = r->rdir + strlen(r->j.root) + 1;
	else
		rlines[0] = r->rdir;
	if (!r->rdir || !r->j.dir || !r->j.root ||
	    (!s->report_dir && record(r->jdir, "reports", rlines, e) < 0) ||
	    smig_journal_start(&r->j, e) < 0) {
		smig_rm_rf(r->jdir, NULL);
		return fail(e);
	}
	if (write_plan_reports(s, r->rdir, &r->compat, &nmanual, e) < 0) {
		remove_reports(s, r->rdir);
		smig_rm_rf(r->jdir, NULL);
		return fail(e);
	}
	if (smig_journal_run(&r->j, e) < 0) {
		/* every operation done was undone and checked: the journal and the reports go
		 * too; if one could not be undone, the journal stays for 'rollback' */
		if (r->j.left == 0) {
			remove_reports(s, r->rdir);
			smig_rm_rf(r->jdir, NULL);
		}
		return fail(e);
	}
	if (smig_journal_complete(&r->j, e) < 0)
		return fail(e);
	for (size_t i = 0; i < r->j.nops; i++)
		smig_cli_log("change", r->j.ops[i].what, NULL, NULL, 1, NULL);
	printf(P_("applied archive %s to %s: %zu change(s), journal %s\n",
		  "applied archive %s to %s: %zu change(s), journal %s\n", r->j.nops),
	       id, s->ho.root,
	       r->j.nops, r->jdir);
	printf(_("manual steps: %zu (see %s/manual-steps.txt); run migrate.ps1 from there on "
		 "the 2012 host\n"), nmanual, r->rdir);
	if (write_verification(s, r->rdir, &failures, e) < 0) {
		/* the apply is complete and journaled: say so, in the one line */
		enum smig_err_kind kind = e->kind == SMIG_ERR_NOMEM ? SMIG_ERR_NOMEM : SMIG_ERR_IO;
		char msg[sizeof(e->msg)];

		snprintf(msg, sizeof(msg), "%s", e->msg);
		smig_err_clear(e);
		smig_err_set(e, kind,
			     _("archive %s was applied to %s (journal %s), but its verification "
			       "report could not be written: %.*s; 'smig-import report' writes it "
			       "again"), id, s->ho.root, r->jdir, (int)(sizeof(msg) / 2), msg);
		return fail(e);
	}
	printf(_("reports: %s\n"), r->rdir);
	if (failures) {
		fprintf(stderr,
			P_("%s: %s: verification found %zu difference(s): see %s/verification.txt\n",
			   "%s: %s: verification found %zu difference(s): see %s/verification.txt\n",
			   failures),
			PROG, s->ho.root, failures, r->rdir);
		return 5;
	}
	return 0;
}

int cmd_apply(int argc, char **argv)
{
	struct apply_run r = {.lockfd = -1};
	struct smig_err e = SMIG_ERR_INIT;
	struct stat st;
	int code;

	if (session_parse(&r.s, "apply", argc, argv, apply_help, &code))
		goto done;
	if (stat(r.s.ho.root, &st) < 0 || !S_ISDIR(st.st_mode)) {
		smig_err_sys(&e, errno ? errno : ENOTDIR, _("destination '%s'"), r.s.ho.root);
		code = fail(&e);
		goto done;
	}
	r.jroot = session_journal_root(&r.s, &e);
	if (!r.jroot) {
		code = fail(&e);
		goto done;
	}
	r.made_jroot = stat(r.jroot, &st) < 0;
	if (smig_mkdir_p(r.jroot, 0700, &e) < 0 || lock_dest(r.jroot, &r.lockfd, &e) < 0) {
		code = fail(&e);
		goto done;
	}
	remove_stale_staging(r.jroot);
	/* staged on the destination's filesystem, so files are renamed into place */
	if (session_open(&r.s, r.jroot, IMPORT_PLACE, &e) < 0) {
		/* stopped while staging: say that nothing was changed (the staging area goes
		 * with the session, the journal folder below if we made it) */
		if (smig_interrupt_signal()) {
			size_t n = strlen(e.msg);

			snprintf(e.msg + n, sizeof(e.msg) - n, _("; the destination was not changed"));
			smig_err_trim(&e);
		}
		code = fail(&e);
		goto done;
	}
	code = apply_verified(&r, &e);
done:
	session_close(&r.s);
	smig_journal_release(&r.j);
	smig_problems_release(&r.compat);
	if (r.jroot) {
		unlock_dest(r.jroot, r.lockfd);
		/* nothing of ours left: leave the destination as it was */
		rmdir_if_empty(r.jroot);
	}
	free(r.jroot);
	free(r.jdir);
	free(r.rdir);
	if (fflush(stdout) == EOF && code == 0) {
		smig_err_sys(&e, EIO, _("cannot write to standard output"));
		code = fail(&e);
	}
	return code;
}

/* ---- rollback ---- */

int cmd_rollback(int argc, char **argv)
{
	struct import_session s;
	struct smig_err e = SMIG_ERR_INIT;
	char *jroot = NULL, *jdir = NULL, *found = NULL;
	size_t n = 0;
	int code, lockfd = -1;
	DIR *d = NULL;
	struct dirent *de;

	if (session_parse(&s, "rollback", argc, argv, rollback_help, &code))
		return code;
	jroot = session_journal_root(&s, &e);
	if (!jroot) {
		code = fail(&e);
		goto out;
	}
	d = opendir(jroot);
	if (!d) {
		smig_err_set(&e, SMIG_ERR_IO, _("%s: no apply journal to roll back (no %s folder)"),
			     s.ho.root, JOURNAL_DIR);
		code = fail(&e);
		goto out;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "lock"))
			continue;
		if (s.journal_id && strcmp(de->d_name, s.journal_id))
			continue;
		n++;
		free(found);
		found = smig_strdup(de->d_name, &e);
	}
	closedir(d);
	if (n == 0) {
		if (s.journal_id)
			smig_err_set(&e, SMIG_ERR_IO, _("%s: no apply journal %s to roll back"),
				     s.ho.root, s.journal_id);
		else
			smig_err_set(&e, SMIG_ERR_IO, _("%s: no apply journal to roll back"),
				     s.ho.root);
		code = fail(&e);
		goto out;
	}
	if (n > 1) {
		code = usage_error("rollback", _("%zu journals in %s: name one with --journal ID"), n,
				   jroot);
		goto out;
	}
	if (lock_dest(jroot, &lockfd, &e) < 0) {
		code = fail(&e);
		goto out;
	}
	remove_stale_staging(jroot);
	jdir = smig_path_join(jroot, found, &e);
	if (!jdir || undo_journal(s.ho.root, jdir, &e) < 0) {
		code = fail(&e);
		goto out;
	}
	printf(_("rolled back archive %s on %s: the destination is as it was before apply\n"),
	       found, s.ho.root);
	code = 0;
out:
	if (jroot) {
		unlock_dest(jroot, lockfd);
		rmdir_if_empty(jroot);
	}
	session_close(&s);
	free(jroot);
	free(jdir);
	free(found);
	return code;
}
