/*
 * session.h - what preflight, apply, report and rollback share: their options, the verified
 * archive, the destination's model and the plan, and the destination's smig folders
 * (DEST/smig-journal/<archive-id>/ for the journal, DEST/smig-reports/<archive-id>/ for
 * reports).
 */
#ifndef SMIG_IMPORT_SESSION_H
#define SMIG_IMPORT_SESSION_H

#include <stdbool.h>

#include "cli.h"
#include "hostopts.h"
#include "import.h"
#include "importplan.h"
#include "journal.h"
#include "problem.h"
#include "progress.h"
#include "report.h"

#define JOURNAL_DIR "smig-journal"
#define REPORTS_DIR "smig-reports"
/* In an apply's journal folder: the destination as that apply read it before changing
 * anything (a dest-facts.json document, destfacts.h), from which report rebuilds the plan
 * apply carried out. */
#define RECORDED_FACTS "dest-facts.json"

struct import_session {
	const char *cmd;
	struct smig_hostopts ho;
	struct smig_import_opts io;
	bool io_given;          /* any map/switch option was given */
	const char *pub, *archive, *report_dir, *journal_id;
	const char *state;       /* report --state: the live host's smig-state.json */
	enum smig_format format;
	enum progress_mode progress; /* --progress (AUTO already resolved for -q) */
	struct import_decrypt dec; /* --identity, --passphrase-file, --max-scrypt-work */
	/* opened */
	struct import_archive a;
	struct smig_hostfs *fs;
	struct smig_inventory *dst;   /* the destination as it is now */
	struct smig_plan *plan;
	/* report: the destination as apply read it (RECORDED_FACTS), the plan's destination
	 * when present; NULL = the plan is built from the destination as it is now */
	struct smig_inventory *recorded;
	bool use_record;        /* report: build the plan from the apply's record if any */
};

/* Parse the command line. Returns 0 to go on, else 1 with *code the exit code (help shown,
 * or a usage error printed). `help` prints the command's help. */
int session_parse(struct import_session *s, const char *cmd, int argc, char **argv,
		  void (*help)(void), int *code);
/* Verify the archive, staging its files under `tmp_parent` (NULL = $TMPDIR) as `how` says
 * (apply: IMPORT_PLACE; preflight needs only the descriptor), read the destination and build
 * the plan. */
int session_open(struct import_session *s, const char *tmp_parent, enum import_stage how,
		 struct smig_err *e);
/* Read the destination and build the plan for the already opened archive. With
 * s->use_record, the plan is built from the destination as the apply of this archive recorded
 * it (RECORDED_FACTS, read as hostile input), when that apply left a record. */
int session_plan(struct import_session *s, struct smig_err *e);
void session_close(struct import_session *s);

/* "<dest>/smig-journal" and "<dest>/smig-journal/<id>" (malloc'd). */
char *session_journal_root(const struct import_session *s, struct smig_err *e);
/* The report folder of the apply of archive `id`: --report-dir, else the one that apply
 * recorded in its journal (malloc'd), or NULL (none recorded, or ENOMEM). */
char *session_report_dir(const struct import_session *s, const char *id);
/* The options recorded by an apply of archive `id` on this destination, as argv, or NULL. */
char **session_recorded_options(const struct import_session *s, const char *id);

/* The item reports: write <dir>/<base>.txt/.json/.html (atomically). */
int session_write_report(const char *dir, const char *base, const char *kind, const char *title,
			 const struct smig_report_fact *facts, size_t nfacts,
			 const struct smig_problems *items, struct smig_err *e);
/* Header facts shared by the reports of one session (static storage inside `s`). */
size_t session_facts(const struct import_session *s, struct smig_report_fact *facts, size_t max);

/* Build the operation list of apply into `j` (prepared files go under <jdir>/prepared; with
 * `dry` nothing is written: the list is only described). */
int prepare_ops(struct import_session *s, const char *jdir, bool dry, struct smig_journal *j,
		struct smig_err *e);

int cmd_preflight(int argc, char **argv);
int cmd_apply(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_rollback(int argc, char **argv);
int cmd_probe_script(int argc, char **argv);

/* One --log line per finding of `items` (passes left out): step, subject as the item, the
 * SMIG code, success false for blockers, failures and errors, the message. */
void session_log_items(const char *step, const struct smig_problems *items);

#endif
