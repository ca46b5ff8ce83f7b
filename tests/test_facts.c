/*
 * test_facts.c - the facts folder (facts.h): collect.cmd checked as text (every command and
 * option one Windows Server 2008 R2 has, quoting that keeps hostile folder names and registry
 * text as data, the files it writes are the ones the reader takes), the wmic table reader, and
 * opening a folder (marker, missing files, overrides of the host's files).
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "testutil.h"

#include "facts.h"
#include "fileio.h"
#include "hostfs.h"

/* ---- collect.cmd as lines ---- */

#define MAX_LINES 256
#define MAX_TOKS 64

struct script {
	char *text;
	char *line[MAX_LINES];
	size_t n;
	size_t delayed; /* index of "setlocal EnableDelayedExpansion" */
};

static void load_script(struct script *s)
{
	struct smig_err e = SMIG_ERR_INIT;
	size_t len = 0, i;
	char *p;

	memset(s, 0, sizeof(*s));
	s->text = smig_facts_script(&len, &e);
	assert_non_null(s->text);
	assert_int_equal(strlen(s->text), len);
	/* CRLF only: every LF follows a CR, every CR precedes an LF, the last line ends */
	for (i = 0; i < len; i++) {
		if (s->text[i] == '\n')
			assert_true(i > 0 && s->text[i - 1] == '\r');
		if (s->text[i] == '\r')
			assert_true(i + 1 < len && s->text[i + 1] == '\n');
	}
	assert_true(len >= 2 && s->text[len - 1] == '\n');
	for (p = s->text; *p; ) {
		char *end = strstr(p, "\r\n");
		assert_non_null(end);
		*end = '\0';
		assert_true(s->n < MAX_LINES);
		if (strcasecmp(p, "setlocal EnableDelayedExpansion") == 0)
			s->delayed = s->n;
		s->line[s->n++] = p;
		p = end + 2;
	}
	assert_true(s->delayed > 0);
}

static bool skip_line(const char *l)
{
	return l[0] == '\0' || l[0] == ':' || strncasecmp(l, "rem ", 4) == 0 ||
	       strcmp(l, "@echo off") == 0;
}

/* ---- a small cmd.exe reader: quote-aware splitting (phase 2 of cmd's parser) ---- */

/* Tokens of one simple command, redirections removed. Returns the count. */
static int tokens(const char *cmd, char tok[][512], int max)
{
	int n = 0;
	const char *p = cmd;
	bool redirect_next = false;

	while (*p) {
		char buf[512];
		size_t k = 0;
		bool q = false;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		while (*p && (q || (*p != ' ' && *p != '\t'))) {
			if (*p == '"')
				q = !q;
			assert_true(k + 1 < sizeof(buf));
			buf[k++] = *p++;
		}
		buf[k] = '\0';
		assert_false(q); /* balanced quotes */
		if (redirect_next) {
			redirect_next = false;
			continue;
		}
		/* >file, >>file, 2>&1, 1>&2, <nul, 2>nul: dropped */
		{
			const char *r = buf;
			if (isdigit((unsigned char)r[0]) && (r[1] == '>' || r[1] == '<'))
				r++;
			if (r[0] == '>' || r[0] == '<') {
				r += (r[1] == '>') + 1;
				if (*r == '\0')
					redirect_next = true;
				continue;
			}
		}
		assert_true(n < max);
		memcpy(tok[n++], buf, k + 1);
	}
	return n;
}

/* Split a line into simple commands at |, ||, &, && outside quotes. */
static int commands(const char *line, char cmd[][512], int max)
{
	int n = 0;
	size_t k = 0;
	bool q = false;
	const char *p;

	for (p = line;; p++) {
		if (*p == '"')
			q = !q;
		if (*p == '\0' || (!q && (*p == '|' || *p == '&') &&
				   !(p > line && (p[-1] == '>' || p[-1] == '<')))) {
			cmd[n][k] = '\0';
			if (k)
				n++;
			k = 0;
			if (*p == '\0')
				break;
			if (p[1] == *p)
				p++;
			assert_true(n < max);
			continue;
		}
		assert_true(k + 1 < 512);
		cmd[n][k++] = *p;
	}
	return n;
}

static bool has_label(const struct script *s, const char *label, size_t from, size_t to)
{
	size_t i;

	for (i = from; i < to; i++)
		if (s->line[i][0] == ':' && strcasecmp(s->line[i] + 1, label) == 0)
			return true;
	return false;
}

static bool contains_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return true;
	return false;
}

static bool in_set(const char *t, const char *const *set)
{
	for (; *set; set++)
		if (strcasecmp(t, *set) == 0)
			return true;
	return false;
}

static bool quoted(const char *t)
{
	size_t n = strlen(t);

	return n >= 2 && t[0] == '"' && t[n - 1] == '"';
}

/*
 * The commands collect.cmd may use, with the options Windows Server 2008 R2 has for them.
 * Sources: Microsoft's Windows Commands reference (learn.microsoft.com, "reg save", "reg
 * query", "netsh advfirewall firewall", "ipconfig", "systeminfo", "findstr", "net session" in
 * "net", "setlocal", "for", "if", "copy", "ren", "rd", "mkdir", "exit", "goto", "ver"), each
 * listing Windows Server 2008 R2 among the systems it applies to, and the WMIC reference
 * ("wmic" global switches /namespace and /format, the csv built-in style sheet, PATH and GET)
 * with Hyper-V's v1 WMI provider (root\virtualization: Msvm_ComputerSystem,
 * Msvm_VirtualSystemGlobalSettingData) and Win32_LogicalDisk (alias logicaldisk).
 */
static void check_wmic(char tok[][512], int n, int *checked)
{
	static const char *const disk_props[] = {"DeviceID", "DriveType", "FreeSpace", "Size", NULL};
	static const char *const cs_props[] = {"ElementName", "EnabledState", "Name", NULL};
	static const char *const gs_props[] = {"ExternalDataRoot", "SystemName", NULL};
	const char *const *props = NULL;
	char list[512], *p, *save = NULL;
	int i = 1;

	if (strcasecmp(tok[i], "/namespace:\\\\root\\virtualization") == 0)
		i++;
	if (strcasecmp(tok[i], "logicaldisk") == 0) {
		assert_int_equal(i, 1); /* a Win32 alias: the default namespace */
		props = disk_props;
		i++;
	} else {
		assert_int_equal(i, 2); /* a Hyper-V class: the virtualization namespace */
		assert_string_equal(tok[i], "path");
		if (strcmp(tok[i + 1], "Msvm_ComputerSystem") == 0)
			props = cs_props;
		else if (strcmp(tok[i + 1], "Msvm_VirtualSystemGlobalSettingData") == 0)
			props = gs_props;
		else
			fail_msg("wmic class '%s' is not in the table", tok[i + 1]);
		i += 2;
	}
	assert_string_equal(tok[i++], "get");
	snprintf(list, sizeof(list), "%s", tok[i++]);
	for (p = strtok_r(list, ",", &save); p; p = strtok_r(NULL, ",", &save))
		if (!in_set(p, props))
			fail_msg("wmic property '%s' is not in the table", p);
	assert_string_equal(tok[i++], "/format:csv");
	assert_int_equal(i, n);
	(*checked)++;
}

static void check_command(const struct script *s, size_t li, char tok[][512], int n,
			  int *counts)
{
	static const char *const setlocal_opts[] = {"EnableExtensions", "DisableDelayedExpansion",
						    "EnableDelayedExpansion", NULL};
	const char *c = tok[0];
	bool delayed = li > s->delayed;
	int i;

	assert_true(n > 0);
	if (strcasecmp(c, "if") == 0) {
		i = 1;
		if (strcasecmp(tok[i], "/i") == 0)
			i++;
		if (strcasecmp(tok[i], "not") == 0)
			i++;
		if (strcasecmp(tok[i], "exist") == 0) {
			assert_true(quoted(tok[i + 1]));
			i += 2;
		} else {
			assert_non_null(strstr(tok[i], "\"==\"")); /* "a"=="b" */
			i++;
		}
		check_command(s, li, tok + i, n - i, counts);
		return;
	}
	if (strcasecmp(c, "for") == 0) {
		assert_string_equal(tok[1], "/f");
		assert_true(quoted(tok[2]) && strstr(tok[2], "usebackq"));
		assert_string_equal(tok[3], "%%A");
		assert_string_equal(tok[4], "in");
		/* the set is a quoted file name, never a command string cmd would parse again */
		assert_true(tok[5][0] == '(' && tok[5][1] == '"' && tok[5][strlen(tok[5]) - 1] == ')');
		assert_string_equal(tok[6], "do");
		check_command(s, li, tok + 7, n - 7, counts);
		return;
	}
	if (strcasecmp(c, "reg") == 0) {
		if (strcmp(tok[1], "save") == 0) {
			assert_int_equal(n, 5);
			assert_true(strcmp(tok[2], "HKLM\\SYSTEM") == 0 ||
				    strcmp(tok[2], "HKLM\\SOFTWARE") == 0);
			assert_true(quoted(tok[3]));
			assert_string_equal(tok[4], "/y");
			counts[0]++;
		} else {
			assert_string_equal(tok[1], "query");
			assert_int_equal(n, 5);
			assert_string_equal(tok[2],
					    "\"HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Virtualization\"");
			assert_string_equal(tok[3], "/v");
			assert_string_equal(tok[4], "StoreLocation");
			counts[1]++;
		}
	} else if (strcasecmp(c, "netsh") == 0) {
		static const char *const want[] = {"netsh", "advfirewall", "firewall", "show",
						   "rule", "name=all", "verbose"};
		assert_int_equal(n, 7);
		for (i = 0; i < 7; i++)
			assert_string_equal(tok[i], want[i]);
		counts[2]++;
	} else if (strcasecmp(c, "wmic") == 0) {
		check_wmic(tok, n, &counts[3]);
	} else if (strcasecmp(c, "ipconfig") == 0) {
		assert_int_equal(n, 2);
		assert_string_equal(tok[1], "/all");
	} else if (strcasecmp(c, "systeminfo") == 0 || strcasecmp(c, "ver") == 0) {
		assert_int_equal(n, 1);
	} else if (strcasecmp(c, "net") == 0) {
		assert_int_equal(n, 2);
		assert_string_equal(tok[1], "session");
	} else if (strcasecmp(c, "findstr") == 0) {
		assert_int_equal(n, 3);
		assert_string_equal(tok[1], "/r");
		assert_true(strncmp(tok[2], "/c:\"", 4) == 0);
	} else if (strcasecmp(c, "setlocal") == 0) {
		for (i = 1; i < n; i++)
			assert_true(in_set(tok[i], setlocal_opts));
	} else if (strcasecmp(c, "set") == 0) {
		assert_int_equal(n, 2);
		assert_true(quoted(tok[1]) && strchr(tok[1], '=')); /* set "NAME=value" */
	} else if (strcasecmp(c, "mkdir") == 0) {
		assert_int_equal(n, 2);
		assert_true(quoted(tok[1]));
	} else if (strcasecmp(c, "copy") == 0) {
		assert_int_equal(n, 4);
		assert_string_equal(tok[1], "/y");
		assert_true(quoted(tok[2]) && quoted(tok[3]));
	} else if (strcasecmp(c, "ren") == 0) {
		assert_int_equal(n, 3);
		assert_true(quoted(tok[1]));
		assert_null(strpbrk(tok[2], "\\/:\"")); /* a name, not a path */
	} else if (strcasecmp(c, "rd") == 0) {
		assert_int_equal(n, 4);
		assert_string_equal(tok[1], "/s");
		assert_string_equal(tok[2], "/q");
		assert_true(quoted(tok[3]));
	} else if (strcasecmp(c, "exit") == 0) {
		assert_int_equal(n, 3);
		assert_string_equal(tok[1], "/b");
		assert_true(strcmp(tok[2], "0") == 0 || strcmp(tok[2], "1") == 0 ||
			    strcmp(tok[2], "2") == 0);
	} else if (strcasecmp(c, "goto") == 0) {
		/* a label in the same expansion mode (:collect switches to delayed expansion) */
		assert_int_equal(n, 2);
		if (delayed)
			assert_true(has_label(s, tok[1], s->delayed, s->n));
		else
			assert_true(has_label(s, tok[1], 0, s->delayed));
	} else if (strcasecmp(c, "echo") != 0) {
		fail_msg("line %zu: command '%s' is not in the table of allowed commands", li + 1, c);
	}
}

static void script_commands_exist_on_2008r2(void **state)
{
	struct script s;
	char cmd[8][512], tok[MAX_TOKS][512];
	int counts[4] = {0}; /* reg save, reg query, netsh, wmic */
	size_t i;
	int k, nc;

	(void)state;
	load_script(&s);
	for (i = 0; i < s.n; i++) {
		if (skip_line(s.line[i]))
			continue;
		assert_false(contains_ci(s.line[i], "powershell"));
		nc = commands(s.line[i], cmd, 8);
		for (k = 0; k < nc; k++)
			check_command(&s, i, tok, tokens(cmd[k], tok, MAX_TOKS), counts);
	}
	assert_int_equal(counts[0], 2); /* SYSTEM and SOFTWARE */
	assert_int_equal(counts[1], 1);
	assert_int_equal(counts[2], 1);
	assert_int_equal(counts[3], 3);
	free(s.text);
}

/* ---- quoting: hostile folder names and registry text stay data ---- */

/*
 * Expand one line as cmd does in phase 1 (%VAR%, %VAR:~..%, %~1: once, the result is not
 * scanned again) with every path variable set to `hostile`, then walk it as phase 2 does:
 * every character that came from a variable must be inside double quotes, where & | < > ( )
 * ^ and the argument separators are plain text. With delayed expansion, !VAR! is expanded
 * after phase 2 and cannot inject, but must still be quoted (spaces split arguments).
 */
static bool check_expansion(const char *line, bool delayed, const char *hostile, size_t li)
{
	static const char *const vars[] = {"BASE", "OUT", "PART", "STORE", NULL};
	char out[4096];
	bool fromvar[4096];
	size_t o = 0;
	const char *p = line;
	char mark = delayed ? '!' : '%';
	bool q = false;
	size_t i;

	while (*p) {
		const char *end = NULL;
		bool isvar = false;

		if (*p == mark) {
			end = strchr(p + 1, mark);
			if (!delayed && p[1] == '~') { /* %~1, %~f1, %~2 */
				isvar = true;
				end = p + 2;
				while (isalpha((unsigned char)*end))
					end++;
				assert_true(isdigit((unsigned char)*end));
			} else if (!delayed && p[1] == '%') { /* %%A: a FOR variable */
				end = NULL;
			} else if (end) {
				size_t n = strcspn(p + 1, ":!%");
				for (i = 0; vars[i]; i++)
					isvar |= strlen(vars[i]) == n && strncmp(p + 1, vars[i], n) == 0;
			}
		}
		if (isvar) {
			for (i = 0; hostile[i]; i++) {
				assert_true(o < sizeof(out));
				fromvar[o] = true;
				out[o++] = hostile[i];
			}
			p = end + 1;
			continue;
		}
		if (!delayed && p[0] == '%' && p[1] == '%') { /* %%A stays (a FOR variable) */
			fromvar[o] = false;
			out[o++] = *p++;
		}
		assert_true(o < sizeof(out));
		fromvar[o] = false;
		out[o++] = *p++;
	}
	for (i = 0; i < o; i++) {
		if (out[i] == '"' && !fromvar[i])
			q = !q;
		if (fromvar[i] && !q) {
			print_message("line %zu: a variable's text is outside quotes: %s\n", li + 1,
				      line);
			return false;
		}
	}
	return true;
}

static void script_quoting(void **state)
{
	static const char *const hostile[] = {
		"D:\\Migration (2012) & more",
		"C:\\100% sure\\%OUT%\\x",
		"E:\\a ^& b | c > d < e",
		"F:\\caf\xc3\xa9; x, y = z !PART! ^!",
	};
	struct script s;
	size_t i, k;

	(void)state;
	load_script(&s);
	for (i = 0; i < s.n; i++) {
		const char *l = s.line[i];
		bool delayed = i > s.delayed;

		if (skip_line(l))
			continue;
		/* call expands % twice; delayed expansion would eat '!' in values set before it */
		assert_false(contains_ci(l, "call "));
		if (!delayed) {
			assert_null(strchr(l, '!'));
			/* STORE holds registry text: only assigned here, from a FOR variable */
			assert_null(strstr(l, "%STORE"));
		} else {
			/* %VAR% would be expanded before parsing; carets vanish in lines with '!' */
			for (k = 0; k < 4; k++) {
				static const char *const v[] = {"%BASE", "%OUT", "%PART", "%STORE"};
				assert_null(strstr(l, v[k]));
			}
			assert_null(strchr(l, '^'));
		}
		for (k = 0; k < sizeof(hostile) / sizeof(hostile[0]); k++)
			assert_true(check_expansion(l, delayed, hostile[k], i));
	}
	free(s.text);
}

/* The twin: the checks above reject the mistakes they exist for. */
static void quoting_check_rejects(void **state)
{
	(void)state;
	assert_false(check_expansion("mkdir %PART%", false, "a & b", 0));
	assert_false(check_expansion("copy /y !STORE! \"x\"", true, "a b", 0));
	assert_false(check_expansion("echo \"%OUT%\" & rd %BASE%", false, "(x)", 0));
	assert_false(check_expansion("set \"X=%~f1\" & echo %~1", false, "a&b", 0));
	assert_true(check_expansion("mkdir \"%PART%\" & echo \"%~1\" %%A", false, "a & b", 0));
}

/* The files collect.cmd writes are the ones smig_facts_open() reads. */
static void script_writes_what_the_reader_reads(void **state)
{
	static const char *const files[] = {"SYSTEM", "SOFTWARE", "IPSettings.txt",
					    "systeminfo.txt", SMIG_FACTS_VMS, SMIG_FACTS_ROOTS,
					    SMIG_FACTS_STORE, SMIG_FACTS_MARKER};
	struct smig_err e = SMIG_ERR_INIT;
	struct script s;
	size_t i, len;

	(void)state;
	s.text = smig_facts_script(&len, &e);
	assert_non_null(s.text);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *needle = tu_fmt("\"!PART!\\%s\"", files[i]);
		if (strstr(s.text, needle) == NULL)
			fail_msg("collect.cmd does not write %s", files[i]);
		free(needle);
	}
	assert_non_null(strstr(s.text, ">\"!PART!\\" SMIG_FACTS_MARKER "\" echo smig-facts 1"));
	/* the marker is written last, then the folder renamed into place */
	assert_true(strstr(s.text, "echo smig-facts 1") > strstr(s.text, SMIG_FACTS_STORE));
	assert_true(strstr(s.text, "ren \"!PART!\" smig-facts") >
		    strstr(s.text, "echo smig-facts 1"));
	free(s.text);
}

/* ---- the wmic tables ---- */

static unsigned char *utf16(const char *s, size_t *len)
{
	size_t n = strlen(s), i;
	unsigned char *b = malloc(2 + 2 * n);

	assert_non_null(b);
	b[0] = 0xFF;
	b[1] = 0xFE;
	for (i = 0; i < n; i++) {
		b[2 + 2 * i] = (unsigned char)s[i];
		b[3 + 2 * i] = 0;
	}
	*len = 2 + 2 * n;
	return b;
}

#define GUID1 "6F0B2E9A-41C3-4B8E-9E5B-1D2C3A4B5C01"
#define GUID2 "8a3c5e7f-0a1b-4c2d-8e3f-4a5b6c7d8e02"

static void vms_csv_utf16_and_ansi(void **state)
{
	const char *text = "\r\r\nNode,ElementName,EnabledState,Name\r\r\n"
			   "HV1,HV1,2,HV1\r\r\n"
			   "HV1,web01,2," GUID1 "\r\r\n"
			   "HV1,sql, the, db,32769,{" GUID2 "}\r\r\n";
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_facts_vm *v = NULL;
	unsigned char *b;
	size_t len, n = 0;
	int pass;

	(void)state;
	for (pass = 0; pass < 2; pass++) {
		b = pass ? (unsigned char *)strdup(text) : utf16(text, &len);
		if (pass)
			len = strlen(text);
		assert_int_equal(smig_facts_parse_csv(SMIG_FACTS_TABLE_VMS, b, len, "vms.csv", &v, &n,
						      &e), 0);
		assert_int_equal(n, 2); /* the host's own row is not a VM */
		assert_string_equal(v[0].id, GUID1);
		assert_string_equal(v[0].name, "web01");
		assert_int_equal(v[0].state, SMIG_VMSTATE_RUNNING);
		assert_string_equal(v[1].id, "8A3C5E7F-0A1B-4C2D-8E3F-4A5B6C7D8E02");
		assert_string_equal(v[1].name, "sql, the, db"); /* commas stay in the name */
		assert_int_equal(v[1].state, SMIG_VMSTATE_SAVED);
		smig_facts_vms_free(v, n);
		free(b);
	}
	/* columns in another order; CR LF; an ANSI name byte becomes '?' */
	b = (unsigned char *)strdup("Node,EnabledState,Name,ElementName\r\nH,3," GUID1 ",caf\xe9\r\n");
	assert_int_equal(smig_facts_parse_csv(SMIG_FACTS_TABLE_VMS, b, strlen((char *)b), "v", &v,
					      &n, &e), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].name, "caf?");
	assert_int_equal(v[0].state, SMIG_VMSTATE_OFF);
	smig_facts_vms_free(v, n);
	free(b);
	/* empty (no Hyper-V VMs): no rows */
	assert_int_equal(smig_facts_parse_csv(SMIG_FACTS_TABLE_VMS, "\r\n", 2, "v", &v, &n, &e), 0);
	assert_int_equal(n, 0);
	smig_facts_vms_free(v, n);
}

static void vmroots_csv(void **state)
{
	const char *text = "\r\nNode,ExternalDataRoot,SystemName\r\n"
			   "HV1,D:\\VMs\\a, b,c," GUID1 "\r\n"
			   "HV1,," GUID2 "\r\n";
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_facts_vm *v = NULL;
	unsigned char *b;
	size_t len, n = 0;

	(void)state;
	b = utf16(text, &len);
	assert_int_equal(smig_facts_parse_csv(SMIG_FACTS_TABLE_ROOTS, b, len, "r", &v, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].data_root, "D:\\VMs\\a, b,c");
	assert_null(v[1].data_root);
	smig_facts_vms_free(v, n);
	free(b);
}

static void expect_csv_error(enum smig_facts_table t, const char *text, size_t len,
			     const char *needle)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_facts_vm *v = NULL;
	size_t n = 0;

	assert_int_equal(smig_facts_parse_csv(t, text, len ? len : strlen(text), "vms.csv", &v, &n,
					      &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_FORMAT);
	assert_null(v);
	if (strstr(e.msg, needle) == NULL)
		fail_msg("message '%s' lacks '%s'", e.msg, needle);
	assert_non_null(strstr(e.msg, "vms.csv"));
}

static void vms_csv_rejects(void **state)
{
	char big[600 * 2 + 64];
	size_t i;

	(void)state;
	expect_csv_error(SMIG_FACTS_TABLE_VMS, "Node,Caption\r\nX,Y\r\n", 0, "is not the output");
	expect_csv_error(SMIG_FACTS_TABLE_VMS, "No Instance(s) Available.\r\n", 0,
			 "is not the output");
	expect_csv_error(SMIG_FACTS_TABLE_VMS,
			 "Node,ElementName,EnabledState,Name\r\nH,a,two," GUID1 "\r\n", 0,
			 "EnabledState 'two' is not a number");
	expect_csv_error(SMIG_FACTS_TABLE_VMS,
			 "Node,ElementName,EnabledState,Name\r\nH,a,-2," GUID1 "\r\n", 0,
			 "is not a number");
	expect_csv_error(SMIG_FACTS_TABLE_VMS,
			 "Node,ElementName,EnabledState,Name\r\nH,a,99999," GUID1 "\r\n", 0,
			 "is not a number");
	expect_csv_error(SMIG_FACTS_TABLE_VMS, "Node,ElementName,EnabledState,Name\r\nH,a,2\r\n", 0,
			 "fewer fields");
	expect_csv_error(SMIG_FACTS_TABLE_VMS,
			 "Node,ElementName,EnabledState,Name\r\nH,a,2," GUID1 "\r\nH,b,3," GUID1
			 "\r\n",
			 0, "twice");
	/* UTF-16 without its BOM, and a BOM with an odd byte count */
	expect_csv_error(SMIG_FACTS_TABLE_VMS, "N\0o\0d\0e\0", 8, "NUL");
	expect_csv_error(SMIG_FACTS_TABLE_VMS, "\xff\xfeN\0o", 5, "vms.csv");
	/* a name with more commas than a row may hold */
	snprintf(big, sizeof(big), "Node,ElementName,EnabledState,Name\r\nH,");
	for (i = strlen(big); i < sizeof(big) - 60; i += 2)
		memcpy(big + i, "x,", 2);
	snprintf(big + i, sizeof(big) - i, "2," GUID1 "\r\n");
	expect_csv_error(SMIG_FACTS_TABLE_VMS, big, 0, "more fields");
}

static void state_names(void **state)
{
	char buf[32];

	(void)state;
	assert_string_equal(smig_facts_state_name(2, buf, sizeof(buf)), "running");
	assert_string_equal(smig_facts_state_name(3, buf, sizeof(buf)), "off");
	assert_string_equal(smig_facts_state_name(32768, buf, sizeof(buf)), "paused");
	assert_string_equal(smig_facts_state_name(32769, buf, sizeof(buf)), "saved");
	assert_string_equal(smig_facts_state_name(4711, buf, sizeof(buf)), "state 4711");
	assert_true(smig_facts_state_at_rest(3) && smig_facts_state_at_rest(32769));
	assert_false(smig_facts_state_at_rest(2) || smig_facts_state_at_rest(32768) ||
		     smig_facts_state_at_rest(32770) || smig_facts_state_at_rest(0));
}

/* ---- opening a folder ---- */

struct fx {
	char *tmp, *host, *facts;
};

static void put(const char *dir, const char *name, const char *text)
{
	char *p = tu_fmt("%s/%s", dir, name);

	tu_write(p, text, strlen(text));
	free(p);
}

static int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	const char *cfg = "C/Windows/System32/config";

	assert_non_null(f);
	f->tmp = tu_mkdtemp();
	f->host = tu_fmt("%s/host", f->tmp);
	f->facts = tu_fmt("%s/smig-facts", f->tmp);
	tu_build_example("lab-2008r2", f->host);
	assert_int_equal(tu_sh("mkdir '%s' && cp '%s/%s/SYSTEM' '%s/%s/SOFTWARE' '%s/' && "
			       "cp '%s/C/ProgramData/Microsoft/Windows/Hyper-V/InitialStore.xml' "
			       "'%s/%s' && cp '%s/C/IPSettings.txt' '%s/'",
			       f->facts, f->host, cfg, f->host, cfg, f->facts, f->host, f->facts,
			       SMIG_FACTS_STORE, f->host, f->facts),
			 0);
	put(f->facts, SMIG_FACTS_MARKER, "smig-facts 1\r\n");
	put(f->facts, SMIG_FACTS_VMS, "Node,ElementName,EnabledState,Name\r\nH,web01,3," GUID1 "\r\n");
	put(f->facts, SMIG_FACTS_ROOTS,
	    "Node,ExternalDataRoot,SystemName\r\nH,D:\\Hyper-V\\web01," GUID1 "\r\n");
	*state = f;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;

	tu_rmtree(f->tmp);
	free(f->tmp);
	free(f->host);
	free(f->facts);
	free(f);
	return 0;
}

static void open_installs_overrides(void **state)
{
	struct fx *f = *state;
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_hostfs *fs = NULL;
	struct smig_facts *sf = NULL;
	char *p = NULL, *want;

	assert_int_equal(smig_hostfs_open(f->host, &fs, &e), 0);
	assert_int_equal(smig_facts_open(f->facts, fs, &sf, &e), 0);
	assert_int_equal(sf->nvms, 1);
	assert_string_equal(sf->vms[0].data_root, "D:\\Hyper-V\\web01");
	assert_non_null(smig_facts_find_vm(sf, "{6f0b2e9a-41c3-4b8e-9e5b-1d2c3a4b5c01}"));
	assert_null(smig_facts_find_vm(sf, GUID2));
	/* the hives and the store come from the folder, whatever the volumes hold */
	assert_int_equal(smig_hostfs_lookup(fs, "Windows/System32/config/SYSTEM", &p, &e), 0);
	want = tu_fmt("%s/SYSTEM", f->facts);
	assert_string_equal(p, want);
	free(want);
	free(p);
	assert_int_equal(smig_hostfs_resolve(fs, "C:\\ProgramData\\Microsoft\\Windows\\Hyper-V\\"
					     "InitialStore.xml", &p, &e), 0);
	want = tu_fmt("%s/%s", f->facts, SMIG_FACTS_STORE);
	assert_string_equal(p, want);
	free(want);
	free(p);
	assert_int_equal(smig_hostfs_lookup(fs, "IPSettings.txt", &p, &e), 0);
	free(p);
	/* absent from the folder = absent, even though the volume still has the file */
	assert_int_equal(smig_hostfs_lookup(fs, "systeminfo.txt", &p, &e), 1);
	assert_null(p);
	smig_facts_free(sf);
	smig_hostfs_free(fs);
}

static void expect_open_error(struct fx *f, const char *needle)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_hostfs *fs = NULL;
	struct smig_facts *sf = NULL;

	assert_int_equal(smig_hostfs_open(f->host, &fs, &e), 0);
	assert_int_equal(smig_facts_open(f->facts, fs, &sf, &e), -1);
	assert_null(sf);
	if (strstr(e.msg, needle) == NULL)
		fail_msg("message '%s' lacks '%s'", e.msg, needle);
	smig_hostfs_free(fs);
}

static void open_rejects(void **state)
{
	struct fx *f = *state;
	char *p;

	p = tu_fmt("%s/%s", f->facts, SMIG_FACTS_ROOTS);
	assert_int_equal(tu_sh("mv '%s' '%s.x'", p, p), 0);
	expect_open_error(f, "has no vmroots.csv file");
	assert_int_equal(tu_sh("mv '%s.x' '%s'", p, p), 0);
	free(p);
	put(f->facts, SMIG_FACTS_VMS, "garbage\r\n");
	expect_open_error(f, "is not the output of");
	p = tu_fmt("%s/SYSTEM", f->facts);
	assert_int_equal(tu_sh("rm '%s'", p), 0);
	expect_open_error(f, "has no SYSTEM file");
	free(p);
	put(f->facts, SMIG_FACTS_MARKER, "smig-facts 2\r\n");
	p = tu_fmt("%s/%s", f->facts, SMIG_FACTS_MARKER);
	expect_open_error(f, "does not start with 'smig-facts 1'");
	assert_int_equal(tu_sh("rm '%s'", p), 0);
	expect_open_error(f, "is not a complete facts folder");
	free(p);
	free(f->facts);
	f->facts = tu_fmt("%s/nowhere", f->tmp);
	expect_open_error(f, "cannot open the facts folder");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(script_commands_exist_on_2008r2),
		cmocka_unit_test(script_quoting),
		cmocka_unit_test(quoting_check_rejects),
		cmocka_unit_test(script_writes_what_the_reader_reads),
		cmocka_unit_test(vms_csv_utf16_and_ansi),
		cmocka_unit_test(vmroots_csv),
		cmocka_unit_test(vms_csv_rejects),
		cmocka_unit_test(state_names),
		cmocka_unit_test_setup_teardown(open_installs_overrides, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(open_rejects, fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
