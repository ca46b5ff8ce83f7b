/*
 * report.h - rendering reports for people (text, HTML) and tools (JSON), docs/reference.md
 * "Reports and their items".
 *
 * Two kinds of report: the pre-migration inventory of one host (smig-export inventory), and
 * the generic item reports (preflight compatibility, manual steps, verification) built from a
 * list of report items (problem.h). Text is plain, aligned and readable in 100 columns; HTML is
 * one self-contained page (inline CSS, no scripts, no external resources) in which every string
 * from the model is escaped; JSON is produced through jansson.
 *
 * Strings from the model are hostile (VM and network names come from the host): the text form
 * shows control characters as \xNN, the HTML form escapes markup characters too, and a string
 * that is not valid UTF-8 has its non-ASCII bytes shown as '?' (in JSON as well).
 *
 * The renderers return malloc'd NUL-terminated text that the caller frees, or NULL with `e`
 * filled (only on allocation failure or invalid arguments). They never print.
 */
#ifndef SMIG_REPORT_H
#define SMIG_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "inventory.h"
#include "problem.h"

enum smig_format { SMIG_FORMAT_TEXT, SMIG_FORMAT_JSON, SMIG_FORMAT_HTML };

/* A size for people: "64 MiB", "1.5 GiB", "512 bytes" (one decimal, none when it rounds to
 * a whole); in French (smig_i18n_lang()) "64 Mio", "1,5 Gio", "512 octets" with a no-break
 * space before the unit. Human text only: JSON and logs carry byte counts. `buf` holds at
 * least 32 bytes. */
void smig_human_size(uint64_t bytes, char *buf, size_t len);
/* The same in the language given: English (french false) whatever the language chosen. */
void smig_human_size_lang(uint64_t bytes, bool french, char *buf, size_t len);
/* A count for people: "1234567", in French "1 234 567" (a no-break space U+00A0 between
 * groups of three). `buf` holds SMIG_COUNT_BUFSZ bytes (less: no grouping). Returns buf. */
#define SMIG_COUNT_BUFSZ 48
char *smig_human_count(uint64_t n, char *buf, size_t len);
/* The display words of the inventory's enumerations (the JSON keeps smig_*_name()): "external"
 * or "externe", "differencing" or "de différenciation", "pass-through"... */
const char *smig_switch_type_label(enum smig_switch_type t);
const char *smig_disk_type_label(enum smig_disk_type t);
const char *smig_drive_kind_label(enum smig_drive_kind_inv k);
/* A severity for people ("blocker", "bloquant"); smig_severity_name() is the JSON keyword. */
const char *smig_severity_label(enum smig_severity s);

/* "text", "json" or "html" (exact, lower case). Returns 0, or -1 for anything else. */
int smig_format_parse(const char *s, enum smig_format *f);
/* The name smig_format_parse() accepts for `f`. */
const char *smig_format_name(enum smig_format f);

/*
 * The pre-migration report (Microsoft's "collect configuration details"): host, Hyper-V
 * settings, virtual networks, adapters, VMs with their snapshot trees, authorization store,
 * firewall, remote administration, facts files, then the inventory's problems. JSON is
 * smig_inventory_to_json(). malloc'd.
 */
char *smig_report_inventory(const struct smig_inventory *inv, enum smig_format f,
                            struct smig_err *e);

/* A header fact of an item report: shown in order; value NULL shows as "-" (JSON null). */
struct smig_report_fact {
	const char *key, *value;
};

/*
 * A generic item report: `kind` ("preflight", "manual-steps", "verification"), a title, the
 * facts, then the items grouped by severity in the order blocker, fail, error, warning,
 * manual, pass, info (the order within a group is kept). JSON
 * (schemas/smig-report.schema.json): {"schema": "smig-<kind>/2", "generated_utc":
 * "YYYY-MM-DDTHH:MM:SSZ", "report": kind, "title": ..., "facts": {key: value}, "items":
 * [{"id", "severity", "subject", "message", "action", "powershell"}], "summary": {severity:
 * count}} with items in that group order and every severity in the summary (0 included); a
 * fact's key is its words in snake_case ("archive id" is archive_id). malloc'd.
 *
 * Language: `title`, the fact keys and values, and the items' text are the caller's. A fact
 * key is an English msgid marked N_() by the caller: text and HTML show its translation, JSON
 * makes its snake_case key from the English (keys never follow the language). The JSON
 * "title" is translated too (human text); "report" (the kind) never is.
 */
#define SMIG_REPORT_SCHEMA_VERSION 2
char *smig_report_items(const char *kind, const char *title, const struct smig_report_fact *facts,
                        size_t nfacts, const struct smig_problems *items, enum smig_format f,
                        struct smig_err *e);

#endif
