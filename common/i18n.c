/* i18n.c - the language of smig's human text (i18n.h). */
#include "i18n.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datadir.h"

#define DOMAIN "smig"

static enum smig_i18n_language chosen = SMIG_LANG_EN;

static const char *first_set(const char *const *names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const char *v = getenv(names[i]);

		if (v && *v)
			return v;
	}
	return NULL;
}

/* "C" and "POSIX": the untranslated locale, where gettext ignores LANGUAGE. */
static bool is_c_locale(const char *name)
{
	return strcmp(name, "C") == 0 || strcmp(name, "POSIX") == 0;
}

static enum smig_i18n_language from_environment(void)
{
	static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
	const char *locale = first_set(vars, sizeof(vars) / sizeof(vars[0]));
	const char *language = getenv("LANGUAGE");

	if (locale == NULL || is_c_locale(locale))
		return SMIG_LANG_EN;
	if (language && *language)
		locale = language;
	return strncmp(locale, "fr", 2) == 0 ? SMIG_LANG_FR : SMIG_LANG_EN;
}

/* The environment's locale for `category`, or C.UTF-8 where it is not installed. */
static void set_category(int category)
{
	if (setlocale(category, "") == NULL)
		setlocale(category, "C.UTF-8");
}

int smig_i18n_init(const char *lang)
{
	enum smig_i18n_language l;

	if (lang == NULL)
		l = from_environment();
	else if (strcmp(lang, "en") == 0)
		l = SMIG_LANG_EN;
	else if (strcmp(lang, "fr") == 0)
		l = SMIG_LANG_FR;
	else
		return -1;
	chosen = l;
	set_category(LC_CTYPE);
	set_category(LC_MESSAGES);
	/*
	 * gettext reads LANGUAGE before the locale, and ignores it only in the "C" locale: set
	 * it to the language chosen, so that --lang wins over the environment and French works
	 * in C.UTF-8 on a machine that has no French locale installed.
	 */
	setenv("LANGUAGE", l == SMIG_LANG_FR ? "fr" : "en", 1);
	if (l == SMIG_LANG_FR && is_c_locale(setlocale(LC_MESSAGES, NULL)))
		setlocale(LC_MESSAGES, "C.UTF-8"); /* "C" would ignore LANGUAGE */
	bindtextdomain(DOMAIN, smig_datadir_locale());
	bind_textdomain_codeset(DOMAIN, "UTF-8");
	textdomain(DOMAIN);
	return 0;
}

enum smig_i18n_language smig_i18n_lang(void)
{
	return chosen;
}

const char *smig_i18n_code(void)
{
	return chosen == SMIG_LANG_FR ? "fr" : "en";
}

const char *smig_i18n_choices(void)
{
	return "en, fr";
}

char *smig_i18n_time(char *buf, size_t len, time_t t)
{
	struct tm tm;

	if (len == 0)
		return buf;
	if (gmtime_r(&t, &tm) == NULL) {
		snprintf(buf, len, "?");
		return buf;
	}
	if (chosen == SMIG_LANG_FR)
		snprintf(buf, len, "%02d/%02d/%04d %02d:%02d UTC", tm.tm_mday, tm.tm_mon + 1,
			 tm.tm_year + 1900, tm.tm_hour, tm.tm_min);
	else
		snprintf(buf, len, "%04d-%02d-%02d %02d:%02d UTC", tm.tm_year + 1900, tm.tm_mon + 1,
			 tm.tm_mday, tm.tm_hour, tm.tm_min);
	return buf;
}
