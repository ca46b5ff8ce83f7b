/*
 * facts.c - the facts folder of a running source (see facts.h, docs/formats.md §12): the
 * collector script that writes it, the reader of its VM state list, and the overrides that
 * make the rest of smig read its files instead of the host's locked ones.
 */
#include "facts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "fileio.h"
#include "hive.h"
#include "i18n.h"
#include "regmap.h"
#include "strbuf.h"
#include "winval.h"

/* ---- the collector ---- */

/*
 * collect.cmd. Quoting rules (checked by tests/test_facts.c):
 *  - until `setlocal EnableDelayedExpansion`, a path variable is only expanded as %VAR%
 *    inside double quotes (the value is then never parsed for & | < > ( ) ^), and the
 *    registry text in STORE is only assigned, from a FOR variable (expanded after parsing);
 *  - after it, path variables are only expanded as !VAR! (after parsing, never re-read),
 *    so a folder named `D:\a & b (x) 100% !` and a hostile StoreLocation stay data;
 *  - delayed expansion is enabled only after every value is set, so a '!' in them survives;
 *  - no `call` (it would expand % twice) and no path inside a FOR command string.
 * Commands and options are the ones Windows Server 2008 R2 has (the table in the test).
 */
static const char *const script[] = {
	"@echo off",
	"rem collect.cmd - written by smig-export collect-script (smig " SMIG_VERSION ").",
	"rem Collects what smig needs from a RUNNING Windows Server 2008 R2 Hyper-V host into",
	"rem FOLDER\\smig-facts. Run it in an elevated command prompt:  collect.cmd FOLDER",
	"rem It only reads the host; the one thing it writes is FOLDER\\smig-facts (made as",
	"rem FOLDER\\smig-facts.partial and renamed when complete).",
	"rem Exit codes: 0 written, 1 a step failed (nothing left behind), 2 usage, not",
	"rem elevated, not Windows Server 2008 R2, or the folder exists already.",
	"setlocal EnableExtensions DisableDelayedExpansion",
	"if \"%~1\"==\"\" goto usage",
	"if not \"%~2\"==\"\" goto usage",
	"set \"BASE=%~f1\"",
	"if \"%BASE:~-1%\"==\"\\\" set \"BASE=%BASE:~0,-1%\"",
	"set \"OUT=%BASE%\\smig-facts\"",
	"set \"PART=%BASE%\\smig-facts.partial\"",
	"ver | findstr /r /c:\" 6\\.1\\.[0-9]\" >nul || goto notr2",
	"net session >nul 2>&1 || goto notadmin",
	"if exist \"%OUT%\" goto exists",
	"if exist \"%PART%\" goto exists",
	"mkdir \"%PART%\" || goto nofolder",
	"set \"STORE=C:\\ProgramData\\Microsoft\\Windows\\Hyper-V\\InitialStore.xml\"",
	"reg query \"HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Virtualization\" "
	"/v StoreLocation >\"%PART%\\StoreLocation.txt\" 2>&1",
	"for /f \"usebackq tokens=1,2,*\" %%A in (\"%PART%\\StoreLocation.txt\") do "
	"if /i \"%%A\"==\"StoreLocation\" set \"STORE=%%C\"",
	"goto collect",
	":usage",
	"echo usage: collect.cmd FOLDER   (elevated; writes FOLDER\\smig-facts) 1>&2",
	"exit /b 2",
	":notr2",
	"echo smig: this is not Windows Server 2008 R2 (ver does not say 6.1) 1>&2",
	"exit /b 2",
	":notadmin",
	"echo smig: run collect.cmd in an elevated command prompt (Run as administrator) 1>&2",
	"exit /b 2",
	":exists",
	"echo smig: \"%OUT%\" or \"%PART%\" exists already: move it away first 1>&2",
	"exit /b 2",
	":nofolder",
	"echo smig: cannot create \"%PART%\" 1>&2",
	"exit /b 1",
	"rem from here on, paths are only expanded as !VAR!",
	":collect",
	"setlocal EnableDelayedExpansion",
	"echo smig: collecting into \"!PART!\"",
	"set \"STEP=reg save HKLM\\SYSTEM\"",
	"reg save HKLM\\SYSTEM \"!PART!\\SYSTEM\" /y >nul || goto fail",
	"set \"STEP=reg save HKLM\\SOFTWARE\"",
	"reg save HKLM\\SOFTWARE \"!PART!\\SOFTWARE\" /y >nul || goto fail",
	"set \"STEP=ipconfig /all\"",
	"ipconfig /all >\"!PART!\\IPSettings.txt\" || goto fail",
	"set \"STEP=systeminfo\"",
	"systeminfo >\"!PART!\\systeminfo.txt\" || goto fail",
	"rem the firewall rules as text, for people: smig reads their registry copy in SYSTEM",
	"netsh advfirewall firewall show rule name=all verbose >\"!PART!\\firewall.txt\" 2>&1",
	"set \"STEP=wmic logicaldisk\"",
	"wmic logicaldisk get DeviceID,DriveType,FreeSpace,Size /format:csv <nul "
	">\"!PART!\\volumes.csv\" || goto fail",
	"set \"STEP=wmic Msvm_ComputerSystem (is the Hyper-V role installed?)\"",
	"wmic /namespace:\\\\root\\virtualization path Msvm_ComputerSystem get "
	"ElementName,EnabledState,Name /format:csv <nul >\"!PART!\\vms.csv\" || goto fail",
	"set \"STEP=wmic Msvm_VirtualSystemGlobalSettingData\"",
	"wmic /namespace:\\\\root\\virtualization path Msvm_VirtualSystemGlobalSettingData get "
	"ExternalDataRoot,SystemName /format:csv <nul >\"!PART!\\vmroots.csv\" || goto fail",
	"set \"STEP=copy of the authorization store\"",
	"if /i \"!STORE:~0,9!\"==\"msldap://\" goto marker",
	"if /i \"!STORE:~0,8!\"==\"msxml://\" set \"STORE=!STORE:~8!\"",
	"if not exist \"!STORE!\" goto nostore",
	"copy /y \"!STORE!\" \"!PART!\\AuthorizationStore.xml\" >nul || goto fail",
	"goto marker",
	":nostore",
	"echo smig: warning: the authorization store \"!STORE!\" does not exist; not collected 1>&2",
	":marker",
	"set \"STEP=smig-facts.txt\"",
	">\"!PART!\\smig-facts.txt\" echo smig-facts 1",
	"ver >>\"!PART!\\smig-facts.txt\" || goto fail",
	"set \"STEP=rename to smig-facts\"",
	"ren \"!PART!\" smig-facts || goto fail",
	"echo smig: wrote \"!OUT!\"",
	"echo smig: copy that folder to the Linux machine and name it with --facts.",
	"exit /b 0",
	":fail",
	"echo smig: collect.cmd failed at: !STEP!; nothing was kept 1>&2",
	"rd /s /q \"!PART!\"",
	"exit /b 1",
};

char *smig_facts_script(size_t *len, struct smig_err *e)
{
	struct smig_strbuf sb = SMIG_STRBUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(script) / sizeof(script[0]); i++) {
		smig_strbuf_puts(&sb, script[i]);
		smig_strbuf_puts(&sb, "\r\n");
	}
	if (smig_strbuf_check(&sb, e) < 0) {
		smig_strbuf_release(&sb);
		return NULL;
	}
	return smig_strbuf_take(&sb, len);
}

/* ---- vms.csv and vmroots.csv ---- */

#define MAX_COLUMNS 64
#define MAX_FIELDS 512 /* a row: the columns plus the commas of its free-text column */

/* The wmic tables: the GUID column, the free-text column (wmic does not quote: commas in it
 * make surplus fields) and the numeric column (or NULL). */
static const struct table {
	const char *key, *text, *num, *query;
} tables[] = {
	[SMIG_FACTS_TABLE_VMS] = {"Name", "ElementName", "EnabledState",
				  "Msvm_ComputerSystem get ElementName,EnabledState,Name"},
	[SMIG_FACTS_TABLE_ROOTS] = {"SystemName", "ExternalDataRoot", NULL,
				    "Msvm_VirtualSystemGlobalSettingData get "
				    "ExternalDataRoot,SystemName"},
};

struct csv {
	const struct table *t;
	const char *what;
	int ncols, col_key, col_text, col_num; /* -1 = absent */
	struct smig_facts_vm *vms;
	size_t nvms;
};

/* Split `line` (len bytes) at commas into (start, length) pairs; -1 when over `max`. */
static int split(const char *line, size_t len, const char **f, size_t *flen, int max)
{
	int n = 0;
	size_t i, start = 0;

	for (i = 0; i <= len; i++) {
		if (i < len && line[i] != ',')
			continue;
		if (n == max)
			return -1;
		f[n] = line + start;
		flen[n++] = i - start;
		start = i + 1;
	}
	return n;
}

static bool field_is(const char *f, size_t n, const char *name)
{
	return strlen(name) == n && strncasecmp(f, name, n) == 0;
}

static int csv_header(struct csv *c, size_t lineno, const char **f, const size_t *flen, int n,
		      struct smig_err *e)
{
	int i;

	if (n < 0)
		return smig_err_set(e, SMIG_ERR_FORMAT, _("'%s' line %zu: too many columns"), c->what,
				    lineno);
	c->ncols = n;
	c->col_key = c->col_text = c->col_num = -1;
	for (i = 0; i < n; i++) {
		if (field_is(f[i], flen[i], c->t->key))
			c->col_key = i;
		else if (field_is(f[i], flen[i], c->t->text))
			c->col_text = i;
		else if (c->t->num && field_is(f[i], flen[i], c->t->num))
			c->col_num = i;
	}
	if (c->col_key < 0 || c->col_text < 0 || (c->t->num && c->col_num < 0))
		return smig_err_set(e, SMIG_ERR_FORMAT,
				    _("'%s' is not the output of 'wmic ... %s /format:csv' (line %zu "
				    "lacks its columns)"),
				    c->what, c->t->query, lineno);
	return 0;
}

static int csv_line(void *ctx, size_t lineno, const char *line, size_t len, struct smig_err *e)
{
	struct csv *c = ctx;
	const char *f[MAX_FIELDS];
	size_t flen[MAX_FIELDS];
	struct smig_facts_vm *vm;
	struct smig_guid g;
	const char *key, *text;
	size_t keylen, textlen, k;
	unsigned long v = 0;
	int n, extra, ki, ni;

	while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == ' '))
		len--;
	if (len == 0)
		return 0;
	n = split(line, len, f, flen, c->ncols ? MAX_FIELDS : MAX_COLUMNS);
	if (c->ncols == 0)
		return csv_header(c, lineno, f, flen, n, e);
	if (n < 0 || n < c->ncols)
		return smig_err_set(e, SMIG_ERR_FORMAT,
				    n < 0 ? _("'%s' line %zu has more fields than its header")
					  : _("'%s' line %zu has fewer fields than its header"),
				    c->what, lineno);
	/* surplus commas belong to the free-text column: columns left of it are counted from
	 * the left, columns right of it from the right */
	extra = n - c->ncols;
	ki = c->col_key < c->col_text ? c->col_key : c->col_key + extra;
	ni = c->col_num < 0 ? -1 : c->col_num < c->col_text ? c->col_num : c->col_num + extra;
	key = f[ki];
	keylen = flen[ki];
	text = f[c->col_text];
	textlen = (size_t)(f[c->col_text + extra] + flen[c->col_text + extra] - text);
	if (!smig_guid_parse_n(key, keylen, &g))
		return 0; /* the host's own Msvm_ComputerSystem */
	if (ni >= 0) {
		char num[16], *end;

		if (flen[ni] == 0 || flen[ni] >= sizeof(num))
			return smig_err_set(e, SMIG_ERR_FORMAT, _("'%s' line %zu: %s is not a number"),
					    c->what, lineno, c->t->num);
		memcpy(num, f[ni], flen[ni]);
		num[flen[ni]] = '\0';
		errno = 0;
		v = strtoul(num, &end, 10);
		if (errno || *end || num[0] == '-' || num[0] == '+' || v > 0xFFFF)
			return smig_err_set(e, SMIG_ERR_FORMAT,
					    _("'%s' line %zu: %s '%s' is not a number"), c->what, lineno,
					    c->t->num, num);
	}
	if (c->nvms >= SMIG_FACTS_MAX_VMS)
		return smig_err_set(e, SMIG_ERR_FORMAT, _("'%s' lists more than %d VMs"), c->what,
				    SMIG_FACTS_MAX_VMS);
	vm = realloc(c->vms, (c->nvms + 1) * sizeof(*vm));
	if (vm == NULL)
		return smig_err_nomem(e, _("reading the VM list"));
	c->vms = vm;
	vm = &c->vms[c->nvms];
	memset(vm, 0, sizeof(*vm));
	smig_guid_format(&g, SMIG_GUID_UPPER, vm->id);
	for (k = 0; k < c->nvms; k++)
		if (strcmp(c->vms[k].id, vm->id) == 0)
			return smig_err_set(e, SMIG_ERR_FORMAT, _("'%s' lists VM %s twice"), c->what,
					    vm->id);
	vm->state = (uint32_t)v;
	if (c->t->num) /* vms.csv: the name */
		vm->name = smig_strndup(text, textlen, e);
	else if (textlen) /* vmroots.csv: the data root ("" = unknown) */
		vm->data_root = smig_strndup(text, textlen, e);
	else
		vm->name = NULL;
	if (c->t->num ? vm->name == NULL : textlen && vm->data_root == NULL)
		return -1;
	c->nvms++;
	return 0;
}

void smig_facts_vms_free(struct smig_facts_vm *vms, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(vms[i].name);
		free(vms[i].data_root);
	}
	free(vms);
}

int smig_facts_parse_csv(enum smig_facts_table t, const void *buf, size_t len, const char *what,
			 struct smig_facts_vm **vms, size_t *n, struct smig_err *e)
{
	struct smig_err e2 = SMIG_ERR_INIT;
	struct csv c = {&tables[t], what, 0, -1, -1, -1, NULL, 0};
	const unsigned char *b = buf;
	char *text = NULL;
	size_t i;
	int rc = -1;

	*vms = NULL;
	*n = 0;
	if (len > SMIG_FACTS_MAX_CSV)
		return smig_err_set(e, SMIG_ERR_FORMAT, _("'%s' is too large (%zu bytes)"), what, len);
	if (smig_text_decode(buf, len, &text, &e2) < 0) {
		bool bom = len >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF));
		if (bom || memchr(buf, '\0', len) != NULL)
			return smig_err_set(e, SMIG_ERR_FORMAT, _("'%s': %s"), what, e2.msg);
		/* ANSI in a code page other than UTF-8: such bytes only occur in free text */
		text = malloc(len + 1);
		if (text == NULL)
			return smig_err_nomem(e, _("reading the VM list"));
		for (i = 0; i < len; i++)
			text[i] = b[i] < 0x80 ? (char)b[i] : '?';
		text[len] = '\0';
	}
	if (smig_text_lines(text, strlen(text), SMIG_FACTS_MAX_CSV, what, csv_line, &c, e) < 0)
		goto out;
	*vms = c.vms;
	*n = c.nvms;
	c.vms = NULL;
	c.nvms = 0;
	rc = 0;
out:
	smig_facts_vms_free(c.vms, c.nvms);
	free(text);
	return rc;
}

/* ---- VM states ---- */

const struct smig_facts_vm *smig_facts_find_vm(const struct smig_facts *f, const char *guid)
{
	size_t i;

	for (i = 0; f && guid && i < f->nvms; i++)
		if (smig_guid_str_equal(f->vms[i].id, guid))
			return &f->vms[i];
	return NULL;
}

const char *smig_facts_state_name(uint32_t state, char *buf, size_t size)
{
	static const struct {
		uint32_t v;
		const char *name;
	} names[] = {
		{0, "unknown"},		{SMIG_VMSTATE_RUNNING, "running"},
		{SMIG_VMSTATE_OFF, "off"}, {SMIG_VMSTATE_PAUSED, "paused"},
		{SMIG_VMSTATE_SAVED, "saved"}, {32770, "starting"},
		{32771, "taking a snapshot"}, {32773, "saving"},
		{32774, "stopping"},	{32776, "pausing"},
		{32777, "resuming"},
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].v == state)
			return names[i].name;
	snprintf(buf, size, "state %u", (unsigned)state);
	return buf;
}

bool smig_facts_state_at_rest(uint32_t state)
{
	return state == SMIG_VMSTATE_OFF || state == SMIG_VMSTATE_SAVED;
}

/* ---- opening the folder ---- */

void smig_facts_free(struct smig_facts *f)
{
	if (f == NULL)
		return;
	free(f->dir);
	smig_facts_vms_free(f->vms, f->nvms);
	free(f);
}

/* `dir`/`name` when it is a regular file, else NULL (e untouched); NULL with e set on ENOMEM. */
static char *facts_file(const char *dir, const char *name, struct smig_err *e)
{
	struct stat st;
	char *p = smig_path_join(dir, name, e);

	if (p && (stat(p, &st) != 0 || !S_ISREG(st.st_mode))) {
		free(p);
		p = NULL;
	}
	return p;
}

/* The Windows path of the authorization store file the SOFTWARE copy names: NULL when the
 * store is in Active Directory. The same reading as the inventory's (formats.md §6, A30). */
static int store_winpath(const char *software, char **out, struct smig_err *e)
{
	struct smig_hive *h = NULL;
	smig_hive_node n;
	char *v = NULL;
	int rc = -1, r;

	*out = NULL;
	if (software == NULL)
		return (*out = smig_strdup(SMIG_HYPERV_STORE_WIN, e)) ? 0 : -1;
	if (smig_hive_open(software, SMIG_HIVE_SOFTWARE_WIN, false, NULL, &h, e) < 0)
		return -1;
	r = smig_hive_find(h, smig_hive_root(h), SMIG_RK_VIRTUALIZATION, &n, e);
	if (r == 0)
		r = smig_hive_get_sz(h, n, SMIG_RV_STORELOCATION, &v, e);
	if (r < 0)
		goto out;
	if (v && smig_startswith_ci(v, SMIG_STORE_AD_PREFIX))
		rc = 0;
	else if (v && v[0])
		rc = (*out = smig_strdup(smig_startswith_ci(v, SMIG_STORE_FILE_PREFIX)
						 ? v + strlen(SMIG_STORE_FILE_PREFIX)
						 : v,
					 e))
			     ? 0
			     : -1;
	else
		rc = (*out = smig_strdup(SMIG_HYPERV_STORE_WIN, e)) ? 0 : -1;
out:
	free(v);
	smig_hive_close(h);
	return rc;
}

/* One wmic table of the folder; a missing file is an incomplete folder. */
static int read_table(const char *dir, enum smig_facts_table t, struct smig_facts_vm **vms,
		      size_t *n, struct smig_err *e)
{
	const char *name = t == SMIG_FACTS_TABLE_VMS ? SMIG_FACTS_VMS : SMIG_FACTS_ROOTS;
	char *p = facts_file(dir, name, e), *buf = NULL;
	size_t len = 0;
	int rc = -1;

	if (p == NULL) {
		if (e->kind == SMIG_ERR_NONE)
			smig_err_set(e, SMIG_ERR_FORMAT, _("the facts folder '%s' has no %s file"), dir,
				     name);
		return -1;
	}
	if (smig_file_read(p, SMIG_FACTS_MAX_CSV, NULL, &buf, &len, e) == 0)
		rc = smig_facts_parse_csv(t, buf, len, p, vms, n, e);
	free(p);
	free(buf);
	return rc;
}

int smig_facts_open(const char *dir, struct smig_hostfs *fs, struct smig_facts **out,
		    struct smig_err *e)
{
	static const struct {
		const char *file, *win;
		bool required;
	} files[] = {
		{"SYSTEM", SMIG_HIVE_SYSTEM_WIN, true},
		{"SOFTWARE", SMIG_HIVE_SOFTWARE_WIN, false},
		{"IPSettings.txt", "C:\\" SMIG_IPSETTINGS_REL, false},
		{"systeminfo.txt", "C:\\" SMIG_SYSTEMINFO_REL, false},
	};
	struct smig_err e2 = SMIG_ERR_INIT;
	struct smig_facts *f = NULL;
	struct smig_facts_vm *roots = NULL;
	char *p = NULL, *buf = NULL, *software = NULL, *store = NULL, *first = NULL;
	size_t i, len = 0, nroots = 0;
	struct stat st;
	int rc = -1;

	*out = NULL;
	if (stat(dir, &st) != 0)
		return smig_err_sys(e, errno, _("cannot open the facts folder '%s'"), dir);
	if (!S_ISDIR(st.st_mode))
		return smig_err_set(e, SMIG_ERR_USAGE, _("the facts folder '%s' is not a folder"), dir);
	f = calloc(1, sizeof(*f));
	if (f == NULL || (f->dir = smig_strdup(dir, e)) == NULL) {
		smig_err_nomem(e, _("reading the facts folder"));
		goto out;
	}
	/* the marker: written last by collect.cmd, so the folder is complete */
	p = facts_file(dir, SMIG_FACTS_MARKER, e);
	if (p == NULL) {
		if (e->kind == SMIG_ERR_NONE)
			smig_err_set(e, SMIG_ERR_FORMAT,
				     _("'%s' is not a complete facts folder: it has no %s (collect.cmd "
				     "writes it last)"),
				     dir, SMIG_FACTS_MARKER);
		goto out;
	}
	if (smig_file_read(p, 64 * 1024, NULL, &buf, &len, e) < 0)
		goto out;
	first = smig_strndup(buf, strcspn(buf, "\r\n"), e);
	if (first == NULL)
		goto out;
	if (strcmp(first, "smig-facts 1") != 0) {
		smig_err_set(e, SMIG_ERR_FORMAT,
			     _("'%s' does not start with 'smig-facts 1': this facts folder was not "
			     "written by this smig's collect.cmd"),
			     p);
		goto out;
	}
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		free(p);
		p = facts_file(dir, files[i].file, e);
		if (p == NULL && e->kind != SMIG_ERR_NONE)
			goto out;
		if (p == NULL && files[i].required) {
			smig_err_set(e, SMIG_ERR_FORMAT, _("the facts folder '%s' has no %s file"), dir,
				     files[i].file);
			goto out;
		}
		/* absent here = absent: the live host's copy is locked or stale */
		if (smig_hostfs_override(fs, files[i].win, p, e) < 0)
			goto out;
		if (i == 1 && p && (software = smig_strdup(p, e)) == NULL)
			goto out;
	}
	/* the authorization store, at the path SOFTWARE names */
	if (store_winpath(software, &store, &e2) < 0) {
		smig_err_set(e, e2.kind, _("the facts folder's SOFTWARE hive: %s"), e2.msg);
		goto out;
	}
	if (store) {
		free(p);
		p = facts_file(dir, SMIG_FACTS_STORE, e);
		if (p == NULL && e->kind != SMIG_ERR_NONE)
			goto out;
		/* a store that is not a file on a drive (UNC): the inventory reports it as usual */
		smig_err_clear(&e2);
		if (smig_hostfs_override(fs, store, p, &e2) < 0 && e2.kind == SMIG_ERR_NOMEM) {
			*e = e2;
			goto out;
		}
	}
	/* the VM states, then their data roots */
	if (read_table(dir, SMIG_FACTS_TABLE_VMS, &f->vms, &f->nvms, e) < 0 ||
	    read_table(dir, SMIG_FACTS_TABLE_ROOTS, &roots, &nroots, e) < 0)
		goto out;
	for (i = 0; i < nroots; i++) {
		struct smig_facts_vm *vm = (struct smig_facts_vm *)smig_facts_find_vm(f, roots[i].id);
		if (vm && vm->data_root == NULL) {
			vm->data_root = roots[i].data_root;
			roots[i].data_root = NULL;
		}
	}
	*out = f;
	f = NULL;
	rc = 0;
out:
	smig_facts_free(f);
	free(p);
	free(buf);
	free(first);
	free(software);
	free(store);
	smig_facts_vms_free(roots, nroots);
	return rc;
}
