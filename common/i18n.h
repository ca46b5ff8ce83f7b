/*
 * i18n.h - the language of smig's human text.
 *
 * Messages, --help, the text and HTML reports, and the comments and messages of the
 * PowerShell scripts smig writes are in English (the msgids, in the code) or French
 * (po/fr.po), through GNU gettext (text domain "smig"). What a program or a script reads
 * stays language-neutral: JSON keys and enumerations, SMIG codes, exit codes, the --log
 * fields, option names, file names. Human text inside JSON (a message, a title) follows the
 * language.
 *
 * Marking: _("...") where the text is used, N_("...") in a static table (the user calls
 * _() on the entry), P_(one, many, n) for plurals. A translated format keeps the same
 * conversions in the same order: `msgfmt --check` (the build) refuses a catalogue that
 * does not. Never translate a text that a program parses back (the descriptor, journals,
 * the facts and state files, the cmdlets and parameters of a script).
 */
#ifndef SMIG_I18N_H
#define SMIG_I18N_H

#include <libintl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define _(s) gettext(s)
#define N_(s) s
#define P_(one, many, n) ngettext(one, many, n)

enum smig_i18n_language {
	SMIG_LANG_EN,
	SMIG_LANG_FR,
};

/*
 * Choose the language and bind the catalogues (smig_datadir_locale()). `lang` is --lang's
 * value ("en", "fr"; NULL when not given): it wins. Otherwise the environment, as GNU
 * gettext reads it: the first non-empty of LC_ALL, LC_MESSAGES and LANG names the locale;
 * "C", "POSIX" or none means English whatever LANGUAGE says (gettext's rule); else LANGUAGE's first entry
 * when set, else that locale; a name starting with "fr" is French, anything else English.
 *
 * Only LC_MESSAGES and LC_CTYPE follow the environment (C.UTF-8 when the named locale is
 * not installed, so that French works on a machine without French locales); LC_NUMERIC and
 * LC_TIME stay "C": a number in JSON or a script never takes a decimal comma. Returns 0, or
 * -1 when `lang` is not one smig has (nothing changed).
 */
int smig_i18n_init(const char *lang);
/* The language chosen (English before smig_i18n_init). */
enum smig_i18n_language smig_i18n_lang(void);
/* Its code: "en" or "fr" (the HTML reports' lang attribute). */
const char *smig_i18n_code(void);
/* The languages --lang takes, for messages: "en, fr". */
const char *smig_i18n_choices(void);

/*
 * A UTC time for people: "2026-12-03 10:21 UTC" in English, "03/12/2026 10:21 UTC" in
 * French. Returns buf.
 */
char *smig_i18n_time(char *buf, size_t len, time_t t);

#endif
