/*
 * datadir.c - where smig's data files are (see datadir.h).
 */
#include "datadir.h"

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SOURCE_MANIFESTS SMIG_SOURCE_DIR "/manifests"

static bool inside(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(path, dir, n) == 0 && path[n] == '/';
}

const char *smig_datadir_for(const char *exe, char *buf, size_t size)
{
	const char *slash = strrchr(exe, '/');
	struct stat st;
	int n;

	if (slash == NULL)
		return SOURCE_MANIFESTS;
	n = snprintf(buf, size, "%.*s/%s/manifests", (int)(slash - exe), exe, SMIG_BIN_TO_DATA);
	if (n < 0 || (size_t)n >= size)
		return NULL;
	if (stat(buf, &st) == 0 && S_ISDIR(st.st_mode))
		return buf;
	if (inside(exe, SMIG_BUILD_TREE))
		return SOURCE_MANIFESTS;
	return buf;
}

static char found_buf[PATH_MAX + 64];
static const char *found;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void find_once(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n > 0) {
		exe[n] = '\0';
		found = smig_datadir_for(exe, found_buf, sizeof(found_buf));
	}
	if (found == NULL)
		found = SOURCE_MANIFESTS;
}

const char *smig_datadir_manifests(void)
{
	const char *d = getenv("SMIG_MANIFESTS");

	if (d && *d)
		return d;
	pthread_once(&once, find_once);
	return found;
}

static char locale_buf[PATH_MAX + 64];
static const char *locale_found;
static pthread_once_t locale_once = PTHREAD_ONCE_INIT;

static void find_locale_once(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	const char *slash;
	struct stat st;
	int m;

	locale_found = SMIG_BUILD_TREE "/locale";
	if (n <= 0)
		return;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (slash == NULL)
		return;
	m = snprintf(locale_buf, sizeof(locale_buf), "%.*s/%s", (int)(slash - exe), exe,
		     SMIG_BIN_TO_LOCALE);
	if (m < 0 || (size_t)m >= sizeof(locale_buf))
		return;
	if ((stat(locale_buf, &st) == 0 && S_ISDIR(st.st_mode)) || !inside(exe, SMIG_BUILD_TREE))
		locale_found = locale_buf;
}

const char *smig_datadir_locale(void)
{
	const char *d = getenv("SMIG_LOCALEDIR");

	if (d && *d)
		return d;
	pthread_once(&locale_once, find_locale_once);
	return locale_found;
}
