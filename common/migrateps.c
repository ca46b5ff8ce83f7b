/* migrateps.c - migrate.ps1 and the PowerShell text rules (see migrateps.h, docs/migrate.md). */
#include "migrateps.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwrule.h"
#include "i18n.h"
#include "report.h"
#include "regfile.h"
#include "regmap.h"
#include "width.h"
#include "winval.h"

/* Comment text is wrapped at this many bytes (style: 100 columns). */
#define COMMENT_WIDTH 100
/* Parameter names made from a host's names are cut to this many characters. */
#define PARAM_BASE_MAX 40

/* ---- text ---- */

/* The UTF-8 sequence at u, before end: its length and code point, or 0 (winval.h). */
static size_t utf8_next(const unsigned char *u, const unsigned char *end, uint32_t *cp)
{
	return smig_utf8_decode((const char *)u, (size_t)(end - u), cp);
}

/* The characters PowerShell's tokenizer takes as a single quote. */
static bool is_ps_quote(uint32_t cp)
{
	return cp == '\'' || (cp >= 0x2018 && cp <= 0x201B);
}

/* Characters that may end a line or hide text in an editor: C0, DEL, C1, U+2028/2029. */
static bool is_control(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 ||
	       cp == 0x2029;
}

int smig_ps_put_quoted(struct smig_strbuf *sb, const char *s)
{
	const unsigned char *u = (const unsigned char *)s, *end = u + strlen(s);
	uint32_t cp;
	size_t k;

	if (!smig_utf8_valid(s, strlen(s)))
		return -1;
	smig_strbuf_putc(sb, '\'');
	for (; *u; u += k) {
		k = utf8_next(u, end, &cp);
		if (k == 0)
			return -1;
		if (is_ps_quote(cp))
			smig_strbuf_append(sb, u, k);
		smig_strbuf_append(sb, u, k);
	}
	smig_strbuf_putc(sb, '\'');
	return 0;
}

char *smig_ps_quote(const char *s, struct smig_err *e)
{
	struct smig_strbuf sb = SMIG_STRBUF_INIT;
	char *out = NULL;

	if (smig_ps_put_quoted(&sb, s) < 0) {
		smig_err_set(e, SMIG_ERR_FORMAT,
		             _("cannot quote a value for PowerShell: not valid UTF-8"));
		goto done;
	}
	if (smig_strbuf_check(&sb, e) < 0)
		goto done;
	out = smig_strbuf_take(&sb, NULL);
done:
	smig_strbuf_release(&sb);
	return out;
}

int smig_ps_put_value(struct smig_strbuf *sb, const char *s)
{
	const unsigned char *u = (const unsigned char *)s, *end = u + strlen(s);
	uint32_t cp;
	size_t k;
	bool open = false, any = false;

	if (!smig_utf8_valid(s, strlen(s)))
		return -1;
	for (; *u; u += k) {
		k = utf8_next(u, end, &cp);
		if (k == 0)
			return -1;
		if (is_control(cp))
			break;
	}
	if (*u == '\0')
		return smig_ps_put_quoted(sb, s);
	/* ('a' + [char]0x0A + 'b'): every piece is a literal or a code, no line break */
	smig_strbuf_putc(sb, '(');
	for (u = (const unsigned char *)s; *u; u += k) {
		k = utf8_next(u, end, &cp);
		if (is_control(cp)) {
			if (open)
				smig_strbuf_putc(sb, '\'');
			smig_strbuf_printf(sb, "%s[char]0x%04X", any ? " + " : "", (unsigned)cp);
			open = false;
			any = true;
			continue;
		}
		if (!open) {
			smig_strbuf_puts(sb, any ? " + '" : "'");
			open = true;
			any = true;
		}
		if (is_ps_quote(cp))
			smig_strbuf_append(sb, u, k);
		smig_strbuf_append(sb, u, k);
	}
	if (open)
		smig_strbuf_putc(sb, '\'');
	/* [char] + [char] would add numbers: a leading '' makes the sum a string */
	smig_strbuf_puts(sb, " + '')");
	return 0;
}

/* `n` bytes of `s` with control characters and invalid UTF-8 shown as '?' (comment text). */
static void put_clean(struct smig_strbuf *sb, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s, *end = u + n;
	uint32_t cp;
	size_t k;

	while (u < end) {
		k = utf8_next(u, end, &cp);
		if (k == 0 || is_control(cp)) {
			smig_strbuf_putc(sb, '?');
			u += k == 0 ? 1 : k;
			continue;
		}
		smig_strbuf_append(sb, u, k);
		u += k;
	}
}

/* `text` as "# " comment lines of at most COMMENT_WIDTH bytes where spaces allow, the first
 * starting with `label`, continuation lines indented. LF line ends (the script is turned to
 * CRLF as a whole). */
static void put_comment(struct smig_strbuf *sb, const char *label, const char *text)
{
	struct smig_strbuf clean = SMIG_STRBUF_INIT;
	const char *s;
	size_t col, w;
	bool first = true;

	put_clean(&clean, text, strlen(text));
	s = smig_strbuf_cstr(&clean);
	smig_strbuf_printf(sb, "# %s", label);
	col = 2 + strlen(label);
	for (;;) {
		while (*s == ' ')
			s++;
		if (*s == '\0')
			break;
		w = strcspn(s, " ");
		if (!first && col + 1 + w > COMMENT_WIDTH) {
			smig_strbuf_puts(sb, "\n#   ");
			col = 4;
		} else if (!first) {
			smig_strbuf_putc(sb, ' ');
			col++;
		}
		smig_strbuf_append(sb, s, w);
		col += w;
		s += w;
		first = false;
	}
	smig_strbuf_putc(sb, '\n');
	smig_strbuf_release(&clean);
}

enum smig_slot_type smig_slot_parse(const char *slot, unsigned *ctl, unsigned *loc)
{
	enum smig_slot_type t;
	const char *s = slot;
	char *end;
	unsigned long a, b;

	if (s == NULL)
		return SMIG_SLOT_NONE;
	if (strncmp(s, "IDE ", 4) == 0) {
		t = SMIG_SLOT_IDE;
		s += 4;
	} else if (strncmp(s, "SCSI ", 5) == 0) {
		t = SMIG_SLOT_SCSI;
		s += 5;
	} else if (strncmp(s, "Floppy ", 7) == 0) {
		t = SMIG_SLOT_FLOPPY;
		s += 7;
	} else {
		return SMIG_SLOT_NONE;
	}
	if (*s < '0' || *s > '9')
		return SMIG_SLOT_NONE;
	a = strtoul(s, &end, 10);
	if (*end != ':' || end[1] < '0' || end[1] > '9')
		return SMIG_SLOT_NONE;
	b = strtoul(end + 1, &end, 10);
	if (*end != '\0' || (t == SMIG_SLOT_IDE && (a > 1 || b > 1)) ||
	    (t == SMIG_SLOT_SCSI && (a > 3 || b > 63)) ||
	    (t == SMIG_SLOT_FLOPPY && (a > 0 || b > 1)))
		return SMIG_SLOT_NONE;
	*ctl = (unsigned)a;
	*loc = (unsigned)b;
	return t;
}

/* ---- parameter names ---- */

static bool name_taken(char **names, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (names[i] && smig_streq_ci(names[i], s))
			return true;
	return false;
}

/* "<prefix><base>" with every character other than ASCII letters and digits as '_' (runs
 * collapsed, cut to PARAM_BASE_MAX), made unique against `taken` with "_2", "_3"... */
static char *param_name(const char *prefix, const char *base, char **taken, size_t ntaken,
                        struct smig_err *e)
{
	char clean[PARAM_BASE_MAX + 1];
	char *out = NULL;
	size_t n = 0;
	unsigned k;

	for (; base && *base && n < PARAM_BASE_MAX; base++) {
		unsigned char c = (unsigned char)*base;
		bool ok =
		    (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');

		if (ok)
			clean[n++] = (char)c;
		else if (n > 0 && clean[n - 1] != '_')
			clean[n++] = '_';
	}
	while (n > 0 && clean[n - 1] == '_')
		n--;
	clean[n] = '\0';
	for (k = 1;; k++) {
		out = k == 1 ? smig_asprintf(e, "%s%s", prefix, n ? clean : "x")
		             : smig_asprintf(e, "%s%s_%u", prefix, n ? clean : "x", k);
		if (out == NULL || !name_taken(taken, ntaken, out))
			return out;
		free(out);
	}
}

void smig_migrate_params_release(struct smig_migrate_params *m)
{
	size_t i, j;

	for (i = 0; m->adapter && i < m->nswitches; i++)
		free(m->adapter[i]);
	free(m->adapter);
	for (i = 0; m->disk && i < m->nvms; i++) {
		for (j = 0; m->disk[i] && j < m->ndrives[i]; j++)
			free(m->disk[i][j]);
		free(m->disk[i]);
	}
	free(m->disk);
	free(m->ndrives);
	memset(m, 0, sizeof(*m));
}

/* Whether migrate.ps1 takes a disk number for this drive (a pass-through disk of a selected VM
 * in an IDE or SCSI slot). */
static bool is_passthrough_param(const struct smig_plan_vm *v, size_t j)
{
	unsigned c, l;
	enum smig_slot_type t;

	if (!v->selected || v->src->drives[j].kind != SMIG_INV_DRIVE_PASSTHROUGH)
		return false;
	t = smig_slot_parse(v->src->drives[j].slot, &c, &l);
	return t == SMIG_SLOT_IDE || t == SMIG_SLOT_SCSI;
}

int smig_migrate_params_build(const struct smig_plan *p, struct smig_migrate_params *out,
                              struct smig_err *e)
{
	struct smig_migrate_params m = {0};
	char **all = NULL; /* every name given so far (borrowed), for uniqueness */
	size_t nall = 0, cap, i, j;
	int rc = -1;

	cap = p->nswitches + 1;
	for (i = 0; i < p->nvms; i++)
		cap += p->vms[i].src ? p->vms[i].src->ndrives : 0;
	all = calloc(cap, sizeof(*all));
	m.adapter = calloc(p->nswitches + 1, sizeof(*m.adapter));
	m.disk = calloc(p->nvms + 1, sizeof(*m.disk));
	m.ndrives = calloc(p->nvms + 1, sizeof(*m.ndrives));
	if (!all || !m.adapter || !m.disk || !m.ndrives) {
		smig_err_nomem(e, _("naming migrate.ps1's parameters"));
		goto done;
	}
	m.nswitches = p->nswitches;
	m.nvms = p->nvms;
	for (i = 0; i < p->nswitches; i++) {
		const struct smig_inv_switch *s = p->switches[i].src;

		if (s->type != SMIG_SWITCH_EXTERNAL)
			continue;
		m.adapter[i] = param_name("Adapter_", s->name ? s->name : s->guid, all, nall, e);
		if (!m.adapter[i])
			goto done;
		all[nall++] = m.adapter[i];
	}
	for (i = 0; i < p->nvms; i++) {
		const struct smig_plan_vm *v = &p->vms[i];
		char *base;

		if (!v->selected || !v->src)
			continue;
		m.disk[i] = calloc(v->src->ndrives + 1, sizeof(**m.disk));
		if (!m.disk[i]) {
			smig_err_nomem(e, _("naming migrate.ps1's parameters"));
			goto done;
		}
		m.ndrives[i] = v->src->ndrives;
		for (j = 0; j < v->src->ndrives; j++) {
			if (!is_passthrough_param(v, j))
				continue;
			/* the VM's name is cut so that the slot always shows */
			base = smig_asprintf(e, "%.30s_%s", v->src->name ? v->src->name : v->id,
			                     v->src->drives[j].slot);
			if (!base)
				goto done;
			m.disk[i][j] = param_name("Disk_", base, all, nall, e);
			free(base);
			if (!m.disk[i][j])
				goto done;
			all[nall++] = m.disk[i][j];
		}
	}
	*out = m;
	memset(&m, 0, sizeof(m));
	rc = 0;
done:
	if (rc < 0)
		smig_migrate_params_release(&m);
	free(all);
	return rc;
}

/* ---- the generator ---- */

struct gen {
	struct smig_strbuf sb;
	const struct smig_plan *p;
	struct smig_migrate_params prm;
	struct smig_err *e;
	int rc;                        /* -1 once a value could not be written (error set) */
	const struct smig_fwtexts *fw; /* the rules' text, or NULL */
	/* the phase being written (phase()): its text from `ph_start` on is indented into a
	 * try block when it ends (phase_close()) */
	bool ph_open;
	size_t ph_start;
	int ph_n;
	const char *ph_step;
};

static void put(struct gen *g, const char *s)
{
	smig_strbuf_puts(&g->sb, s);
}

static void putf(struct gen *g, const char *fmt, ...) SMIG_PRINTF(2, 3);
static void putf(struct gen *g, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf)) {
		if (g->rc == 0)
			g->rc = smig_err_set(g->e, SMIG_ERR_USAGE,
			                     _("migrate.ps1: a line is too long"));
		return;
	}
	smig_strbuf_puts(&g->sb, buf);
}

/* A hostile value, as a PowerShell expression on one line. */
static void val(struct gen *g, const char *s)
{
	if (g->rc == 0 && smig_ps_put_value(&g->sb, s ? s : "") < 0)
		g->rc =
		    smig_err_set(g->e, SMIG_ERR_FORMAT,
		                 _("migrate.ps1: a name or path of the source is not valid UTF-8 "
		                   "and cannot be quoted for PowerShell"));
}

/*
 * A message of the script, in the language of the messages, as a single-quoted PowerShell
 * string (its quotes doubled: "l'hôte" is 'l''hôte'). A message with values is a -f format
 * ("{0} is there already") whose arguments are PowerShell expressions, never text pasted in:
 * a host's names stay out of the format, so neither their braces nor their quotes can change
 * it. Only the comments and these strings differ between the languages
 * (tests/cli/i18n_scripts.sh compares the code of an English and a French script).
 */
static void msg(struct gen *g, const char *text)
{
	if (g->rc == 0 && smig_ps_put_quoted(&g->sb, text) < 0)
		g->rc = smig_err_set(g->e, SMIG_ERR_FORMAT,
		                     _("migrate.ps1: a translated message is not valid UTF-8"));
}

/* A message made from a translated C format with numbers or identifiers smig chose (never a
 * host's names: those are -f arguments). */
static void msgf(struct gen *g, const char *fmt, ...) SMIG_PRINTF(2, 3);
static void msgf(struct gen *g, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf)) {
		if (g->rc == 0)
			g->rc = smig_err_set(g->e, SMIG_ERR_USAGE,
			                     _("migrate.ps1: a message is too long"));
		return;
	}
	msg(g, buf);
}

static void comment(struct gen *g, const char *label, const char *text)
{
	put_comment(&g->sb, label, text);
}

/* A comment at indentation `ind` (tabs). */
static void comment_at(struct gen *g, const char *ind, const char *text)
{
	struct smig_strbuf c = SMIG_STRBUF_INIT;
	const char *s, *nl;

	put_comment(&c, "", text);
	for (s = smig_strbuf_cstr(&c); *s; s = nl + 1) {
		nl = strchr(s, '\n');
		put(g, ind);
		smig_strbuf_append(&g->sb, s, (size_t)(nl - s) + 1);
	}
	if (smig_strbuf_failed(&c))
		g->sb.failed = true;
	smig_strbuf_release(&c);
}

/* Close the open phase: its text is indented one tab into "try {" ... "} catch { ... }", so an
 * error no step of it caught fails the phase and the script goes on to the next one (and to
 * its summary line). No line of the text is inside a string: values never hold a line end. */
static void phase_close(struct gen *g)
{
	struct smig_strbuf body = SMIG_STRBUF_INIT;
	const char *s, *nl;
	size_t n;

	if (!g->ph_open)
		return;
	g->ph_open = false;
	if (g->sb.failed || g->sb.buf == NULL)
		return;
	n = g->sb.len - g->ph_start;
	smig_strbuf_append(&body, g->sb.buf + g->ph_start, n);
	s = smig_strbuf_cstr(&body);
	if (s == NULL) {
		g->sb.failed = true;
		return;
	}
	g->sb.len = g->ph_start;
	put(g, "try {\n");
	for (; *s; s = nl + 1) {
		nl = strchr(s, '\n');
		if (nl == NULL)
			nl = s + strlen(s) - 1; /* the text ends in a line end; this is a guard */
		if (*s != '\n')
			put(g, "\t");
		smig_strbuf_append(&g->sb, s, (size_t)(nl - s) + 1);
	}
	putf(g, "} catch {\n\tWrite-SmigItem '%s' 'phase %d' '' 'failed' (", g->ph_step, g->ph_n);
	msg(g, _("the phase stopped: {0}"));
	put(g, " -f $_.Exception.Message)\n}\n");
	smig_strbuf_release(&body);
}

/* "\n# ==== N. title ====\n" (the phase markers docs/migrate.md lists); the phase's text
 * follows, inside a try block (phase_close()). */
static void phase(struct gen *g, int n, const char *title, const char *step)
{
	phase_close(g);
	putf(g, "\n# ==== %d. %s ====\n", n, title);
	g->ph_open = true;
	g->ph_start = g->sb.len;
	g->ph_n = n;
	g->ph_step = step;
}

/* A GUID in canonical upper-case form; false when `s` is not one. */
static bool guid_upper(const char *s, char buf[SMIG_GUID_BUFSZ])
{
	struct smig_guid gd;

	if (s == NULL || !smig_guid_parse(s, &gd))
		return false;
	smig_guid_format(&gd, SMIG_GUID_UPPER, buf);
	return true;
}

/* An IPv4 address in dotted form (what the script may hand to Test-Connection and the
 * NetTCPIP cmdlets): true when `s` is one. */
static bool ipv4_ok(const char *s, uint32_t *out)
{
	struct in_addr a;

	if (s == NULL || inet_pton(AF_INET, s, &a) != 1)
		return false;
	if (out)
		*out = ntohl(a.s_addr);
	return true;
}

/* Prefix length of a contiguous IPv4 mask, or -1. */
static int mask_prefix(const char *mask)
{
	uint32_t m;
	int n = 0;

	if (!ipv4_ok(mask, &m))
		return -1;
	while (n < 32 && (m & (UINT32_C(1) << (31 - n))))
		n++;
	if (n < 32 && (m << n) != 0)
		return -1;
	return n;
}

/* A switch type in the comments (smig_switch_type_name() in the language of the messages). */
static const char *switch_type_text(enum smig_switch_type t)
{
	switch (t) {
	case SMIG_SWITCH_PRIVATE:
		return _("private");
	case SMIG_SWITCH_INTERNAL:
		return _("internal");
	case SMIG_SWITCH_EXTERNAL:
		return _("external");
	}
	return "?";
}

static const char *vm_name(const struct smig_plan_vm *v)
{
	return v->src->name ? v->src->name : v->src->id ? v->src->id : "?";
}

/* Whether icacls can be given `w` as a file name: drive-absolute, none of the characters
 * Windows refuses in names (icacls takes * and ? as wildcards, a '"' would split the argument
 * PowerShell builds), no trailing '\' (it would escape the closing quote PowerShell adds). */
static bool icacls_path_ok(const char *w)
{
	size_t n;
	const unsigned char *u;

	if (w == NULL || !((w[0] | 0x20) >= 'a' && (w[0] | 0x20) <= 'z') || w[1] != ':' ||
	    w[2] != '\\')
		return false;
	n = strlen(w);
	if (w[n - 1] == '\\')
		return false;
	for (u = (const unsigned char *)w + 2; *u; u++)
		if (*u < 0x20 || *u == 0x7F || strchr("\"*?<>|:", *u) != NULL)
			return false;
	return true;
}

/* ---- fixed parts ---- */

/* The helper functions: code, and the comments and messages in the language of the messages. */
static void helpers(struct gen *g)
{
	put(g, "function Write-SmigItem {\n"
	       "\tparam([string]$Step, [string]$Item, [string]$Id, [string]$Result, "
	       "[string]$Message)\n"
	       "\n"
	       "\tif ($Result -eq 'failed') {\n"
	       "\t\t$script:smigFailed += 1\n"
	       "\t} elseif ($Result -eq 'whatif') {\n"
	       "\t\t$script:smigWhatIf += 1\n"
	       "\t} else {\n"
	       "\t\t$script:smigPassed += 1\n"
	       "\t}\n"
	       "\tif ($Result -eq 'warning') {\n"
	       "\t\t$script:smigWarnings += 1\n"
	       "\t}\n"
	       "\tif ($Result -eq 'manual') {\n"
	       "\t\t$script:smigManual += 1\n"
	       "\t}\n"
	       "\t$entry = [ordered]@{\n"
	       "\t\ttime = [DateTime]::UtcNow.ToString(\"yyyy-MM-dd'T'HH:mm:ss'Z'\", "
	       "[Globalization.CultureInfo]::InvariantCulture)\n"
	       "\t\tstep = $Step\n"
	       "\t\titem = $Item\n"
	       "\t\tid = $Id\n"
	       "\t\tsuccess = ($Result -ne 'failed')\n"
	       "\t\tresult = $Result\n"
	       "\t\tmessage = $Message\n"
	       "\t}\n"
	       "");
	comment_at(g, "\t",
	           _("never throws: it is called from catch blocks, and a log it cannot write must "
	             "not end the script; no BOM (PowerShell 3.0 writes one for -Encoding UTF8): "
	             "every line is JSON"));
	put(g, "\ttry {\n"
	       "\t\t$line = ConvertTo-Json -InputObject $entry -Compress\n"
	       "\t\t[IO.File]::AppendAllText($LogPath, $line + \"`r`n\", "
	       "(New-Object Text.UTF8Encoding($false)))\n"
	       "\t} catch {\n"
	       "\t\tWrite-Warning (");
	/* TRANSLATORS: a PowerShell -f format: keep {0}, {1}... and write no other brace */
	msg(g, _("migrate.ps1: cannot write to {0}: {1}"));
	put(g, " -f $LogPath, $_.Exception.Message)\n"
	       "\t}\n"
	       "\t$text = '[' + $Step + '] ' + $Result + ': ' + $Item + ': ' + $Message\n"
	       "\tif ($Result -eq 'failed' -or $Result -eq 'warning' -or $Result -eq 'manual') {\n"
	       "\t\tWrite-Warning $text\n"
	       "\t} else {\n"
	       "\t\tWrite-Host $text\n"
	       "\t}\n"
	       "}\n"
	       "\n"
	       "");
	comment(g, "",
	        _("Run $Change unless -WhatIf (or a 'No' to -Confirm) says not to; log the item "
	          "either way. $Change sees the caller's variables; it must not use $Step, $Item, "
	          "$Id, $Action."));
	put(g, "function Invoke-SmigChange {\n"
	       "\tparam([string]$Step, [string]$Item, [string]$Id, [string]$Action, "
	       "[scriptblock]$Change)\n"
	       "\n"
	       "\tif (-not $smigCmdlet.ShouldProcess($Item, $Action)) {\n"
	       "\t\tWrite-SmigItem $Step $Item $Id 'whatif' $Action\n"
	       "\t\treturn\n"
	       "\t}\n"
	       "\t& $Change | Out-Null\n"
	       "\tWrite-SmigItem $Step $Item $Id 'done' $Action\n"
	       "}\n"
	       "\n"
	       "function Complete-Smig {\n"
	       "\tWrite-Host (");
	msg(g, _("migrate.ps1: {0} items succeeded, {1} failed, {2} what-if ({3} warnings, {4} "
	         "left to you)"));
	put(g, " -f $script:smigPassed, $script:smigFailed, $script:smigWhatIf, "
	       "$script:smigWarnings, $script:smigManual)\n"
	       "\ttry {\n"
	       "\t\tStop-Transcript | Out-Null\n"
	       "\t} catch {\n"
	       "\t}\n"
	       "\tif ($script:smigFailed -gt 0) {\n"
	       "\t\texit 1\n"
	       "\t}\n"
	       "\texit 0\n"
	       "}\n"
	       "\n"
	       "");
	comment(g, "",
	        _("A network adapter by connection name, interface description, {GUID} or MAC "
	          "address. A MAC can be on two adapters (an external network's management-OS "
	          "adapter may carry the bound physical adapter's MAC): physical adapters are "
	          "preferred, virtual ones with -Virtual."));
	put(g, "function Find-SmigAdapter {\n"
	       "\tparam([string]$Spec, [switch]$Virtual)\n"
	       "\n"
	       "\t$all = @(Get-NetAdapter)\n"
	       "\tforeach ($a in $all) {\n"
	       "\t\tif ($a.Name -eq $Spec -or $a.InterfaceDescription -eq $Spec -or "
	       "$a.InterfaceGuid -eq $Spec) {\n"
	       "\t\t\treturn $a\n"
	       "\t\t}\n"
	       "\t}\n"
	       "\t$mac = $Spec -replace '[-:. ]', ''\n"
	       "\tif ($mac -match '^[0-9A-Fa-f]{12}$') {\n"
	       "\t\t$physical = @(Get-NetAdapter -Physical)\n"
	       "\t\t$second = $null\n"
	       "\t\tforeach ($a in $all) {\n"
	       "\t\t\tif (($a.MacAddress -replace '-', '') -ne $mac) {\n"
	       "\t\t\t\tcontinue\n"
	       "\t\t\t}\n"
	       "\t\t\t$isPhysical = $false\n"
	       "\t\t\tforeach ($p in $physical) {\n"
	       "\t\t\t\tif ($p.InterfaceGuid -eq $a.InterfaceGuid) {\n"
	       "\t\t\t\t\t$isPhysical = $true\n"
	       "\t\t\t\t}\n"
	       "\t\t\t}\n"
	       "\t\t\tif ($isPhysical -ne [bool]$Virtual) {\n"
	       "\t\t\t\treturn $a\n"
	       "\t\t\t}\n"
	       "\t\t\tif (-not $second) {\n"
	       "\t\t\t\t$second = $a\n"
	       "\t\t\t}\n"
	       "\t\t}\n"
	       "\t\treturn $second\n"
	       "\t}\n"
	       "\treturn $null\n"
	       "}\n"
	       "\n"
	       "");
	comment(g, "",
	        _("A virtual switch by exact name, case included (-Name of the Hyper-V cmdlets "
	          "matches wildcards; two source networks may differ only in case)."));
	put(g, "function Find-SmigSwitch {\n"
	       "\tparam([string]$Name)\n"
	       "\n"
	       "\tforeach ($s in @(Get-VMSwitch)) {\n"
	       "\t\tif ($s.Name -ceq $Name) {\n"
	       "\t\t\treturn $s\n"
	       "\t\t}\n"
	       "\t}\n"
	       "\treturn $null\n"
	       "}\n"
	       "\n"
	       "function Test-SmigSubnet {\n"
	       "\tparam([string]$A, [string]$B, [int]$Prefix)\n"
	       "\n"
	       "\t$x = ([Net.IPAddress]::Parse($A)).GetAddressBytes()\n"
	       "\t$y = ([Net.IPAddress]::Parse($B)).GetAddressBytes()\n"
	       "\tfor ($i = 0; $i -lt 4; $i++) {\n"
	       "\t\t$bits = [Math]::Min(8, [Math]::Max(0, $Prefix - 8 * $i))\n"
	       "\t\t$mask = (0xFF -shl (8 - $bits)) -band 0xFF\n"
	       "\t\tif (($x[$i] -band $mask) -ne ($y[$i] -band $mask)) {\n"
	       "\t\t\treturn $false\n"
	       "\t\t}\n"
	       "\t}\n"
	       "\treturn $true\n"
	       "}\n"
	       "\n"
	       "");
	comment(g, "",
	        _("IPv4 settings of one adapter of the management OS; what is there already "
	          "is kept."));
	put(g, "function Set-SmigIPv4 {\n"
	       "\tparam($Adapter, [string]$Label, [bool]$Dhcp, [string[]]$Address, "
	       "[string[]]$Gateway, "
	       "[string[]]$Dns)\n"
	       "\n"
	       "\t$ifIndex = $Adapter.ifIndex\n"
	       "\t$ipif = Get-NetIPInterface -InterfaceIndex $ifIndex -AddressFamily IPv4\n"
	       "\tif ($Dhcp) {\n"
	       "\t\tif ([string]$ipif.Dhcp -eq 'Enabled') {\n"
	       "\t\t\tWrite-SmigItem 'ip' $Label '' 'skipped' ");
	msg(g, _("DHCP is enabled already"));
	put(g, "\n"
	       "\t\t} else {\n"
	       "\t\t\tInvoke-SmigChange 'ip' $Label '' ");
	msg(g, _("enable DHCP for IPv4"));
	put(g, " {\n"
	       "\t\t\t\tSet-NetIPInterface -InterfaceIndex $ifIndex -AddressFamily IPv4 -Dhcp "
	       "Enabled\n"
	       "\t\t\t}\n"
	       "\t\t}\n"
	       "\t\treturn\n"
	       "\t}\n"
	       "\t$have = @(Get-NetIPAddress -InterfaceIndex $ifIndex -AddressFamily IPv4 "
	       "-ErrorAction SilentlyContinue)\n"
	       "\tforeach ($cidr in $Address) {\n"
	       "\t\t$parts = $cidr.Split('/')\n"
	       "\t\t$addr = $parts[0]\n"
	       "\t\t$len = [int]$parts[1]\n"
	       "\t\t$present = $false\n"
	       "\t\t$same = $false\n"
	       "\t\t$others = @()\n"
	       "\t\tforeach ($h in $have) {\n"
	       "\t\t\tif ($h.IPAddress -eq $addr) {\n"
	       "\t\t\t\t$present = $true\n"
	       "\t\t\t}\n"
	       "\t\t\tif ([string]$h.PrefixOrigin -ne 'WellKnown') {\n"
	       "\t\t\t\t$others += $h.IPAddress\n"
	       "\t\t\t\tif (Test-SmigSubnet $h.IPAddress $addr $len) {\n"
	       "\t\t\t\t\t$same = $true\n"
	       "\t\t\t\t}\n"
	       "\t\t\t}\n"
	       "\t\t}\n"
	       "\t\tif ($present) {\n"
	       "\t\t\tWrite-SmigItem 'ip' $Label '' 'skipped' (");
	msg(g, _("{0} is there already"));
	put(g, " -f $cidr)\n"
	       "\t\t\tcontinue\n"
	       "\t\t}\n"
	       "\t\tif ($others.Count -gt 0 -and -not $same) {\n"
	       "\t\t\tWrite-SmigItem 'ip' $Label '' 'warning' (");
	msg(g, _("the adapter is on another subnet ({0}) than the source address {1}"));
	put(g,
	    " -f ($others -join ', '), $cidr)\n"
	    "\t\t}\n"
	    "\t\tInvoke-SmigChange 'ip' $Label '' ('New-NetIPAddress ' + $cidr) {\n"
	    "\t\t\tif ([string]$ipif.Dhcp -eq 'Enabled') {\n"
	    "\t\t\t\tSet-NetIPInterface -InterfaceIndex $ifIndex -AddressFamily IPv4 -Dhcp "
	    "Disabled\n"
	    "\t\t\t}\n"
	    "\t\t\tNew-NetIPAddress -InterfaceIndex $ifIndex -AddressFamily IPv4 -IPAddress $addr "
	    "-PrefixLength $len\n"
	    "\t\t}\n"
	    "\t}\n"
	    "\t$routes = @(Get-NetRoute -InterfaceIndex $ifIndex -DestinationPrefix '0.0.0.0/0' "
	    "-ErrorAction SilentlyContinue)\n"
	    "\tforeach ($gw in $Gateway) {\n"
	    "\t\t$found = $false\n"
	    "\t\tforeach ($r in $routes) {\n"
	    "\t\t\tif ($r.NextHop -eq $gw) {\n"
	    "\t\t\t\t$found = $true\n"
	    "\t\t\t}\n"
	    "\t\t}\n"
	    "\t\tif ($found) {\n"
	    "\t\t\tWrite-SmigItem 'ip' $Label '' 'skipped' (");
	msg(g, _("the default gateway {0} is there already"));
	put(g, " -f $gw)\n"
	       "\t\t} else {\n"
	       "\t\t\tInvoke-SmigChange 'ip' $Label '' (");
	msg(g, _("default gateway {0}"));
	put(g,
	    " -f $gw) {\n"
	    "\t\t\t\tNew-NetRoute -InterfaceIndex $ifIndex -DestinationPrefix '0.0.0.0/0' "
	    "-NextHop $gw\n"
	    "\t\t\t}\n"
	    "\t\t}\n"
	    "\t}\n"
	    "\tif ($Dns.Count -gt 0) {\n"
	    "\t\t$cur = @((Get-DnsClientServerAddress -InterfaceIndex $ifIndex -AddressFamily IPv4)"
	    ".ServerAddresses)\n"
	    "\t\tif (($cur -join ',') -eq ($Dns -join ',')) {\n"
	    "\t\t\tWrite-SmigItem 'ip' $Label '' 'skipped' (");
	msg(g, _("DNS servers {0} already"));
	put(g, " -f ($Dns -join ', '))\n"
	       "\t\t} else {\n"
	       "\t\t\tInvoke-SmigChange 'ip' $Label '' (");
	msg(g, _("DNS servers {0}"));
	put(g, " -f ($Dns -join ', ')) {\n"
	       "\t\t\t\tSet-DnsClientServerAddress -InterfaceIndex $ifIndex -ServerAddresses $Dns\n"
	       "\t\t\t}\n"
	       "\t\t}\n"
	       "\t}\n"
	       "}\n"
	       "\n"
	       "");
	comment(g, "",
	        _("Resolve what Compare-VM reports: network adapters are disconnected (connected "
	          "again below), missing media detached; anything else fails the VM with the "
	          "report's messages."));
	put(g, "function Resolve-SmigReport {\n"
	       "\tparam($Report, [string]$Label, [string]$VMId)\n"
	       "\n"
	       "\t$bad = @()\n"
	       "\tforeach ($inc in @($Report.Incompatibilities)) {\n"
	       "\t\tif (-not $inc) {\n"
	       "\t\t\tcontinue\n"
	       "\t\t}\n"
	       "\t\t$kind = ''\n"
	       "\t\tif ($inc.Source) {\n"
	       "\t\t\t$kind = $inc.Source.GetType().Name\n"
	       "\t\t}\n"
	       "\t\tif ($kind -like '*NetworkAdapter*') {\n"
	       "\t\t\tInvoke-SmigChange 'vms' $Label $VMId (");
	msg(g, _("disconnect a network adapter for the import ({0})"));
	put(g, " -f $inc.Message) {\n"
	       "\t\t\t\tDisconnect-VMNetworkAdapter -VMNetworkAdapter $inc.Source\n"
	       "\t\t\t}\n"
	       "\t\t} elseif ($kind -like '*DvdDrive*') {\n"
	       "\t\t\tif ($smigCmdlet.ShouldProcess($Label, ");
	msg(g, _("empty a DVD drive"));
	put(g, ")) {\n"
	       "\t\t\t\tSet-VMDvdDrive -VMDvdDrive $inc.Source -Path $null\n"
	       "\t\t\t\tWrite-SmigItem 'vms' $Label $VMId 'warning' (");
	msg(g, _("DVD drive emptied: {0}"));
	put(g, " -f $inc.Message)\n"
	       "\t\t\t} else {\n"
	       "\t\t\t\tWrite-SmigItem 'vms' $Label $VMId 'whatif' (");
	msg(g, _("empty a DVD drive: {0}"));
	put(g, " -f $inc.Message)\n"
	       "\t\t\t}\n"
	       "\t\t} elseif ($kind -like '*Floppy*') {\n"
	       "\t\t\tif ($smigCmdlet.ShouldProcess($Label, ");
	msg(g, _("empty the floppy drive"));
	put(g, ")) {\n"
	       "\t\t\t\tSet-VMFloppyDiskDrive -VMFloppyDiskDrive $inc.Source -Path $null\n"
	       "\t\t\t\tWrite-SmigItem 'vms' $Label $VMId 'warning' (");
	msg(g, _("floppy drive emptied: {0}"));
	put(g, " -f $inc.Message)\n"
	       "\t\t\t} else {\n"
	       "\t\t\t\tWrite-SmigItem 'vms' $Label $VMId 'whatif' (");
	msg(g, _("empty the floppy drive: {0}"));
	put(g, " -f $inc.Message)\n"
	       "\t\t\t}\n"
	       "\t\t} else {\n"
	       "\t\t\t$bad += ([string]$inc.MessageId + ' ' + $inc.Message)\n"
	       "\t\t}\n"
	       "\t}\n"
	       "\tif ($bad.Count -gt 0) {\n"
	       "\t\tthrow (");
	msg(g, _("Compare-VM reports what migrate.ps1 cannot resolve: {0}"));
	put(g, " -f ($bad -join '; '))\n"
	       "\t}\n"
	       "}\n"
	       "\n"
	       "");
	comment(g, "",
	        _("The VM's adapter for one source adapter: by MAC, else (-ByOrder) the next "
	          "unused one of the same kind (legacy or synthetic)."));
	put(g, "function Select-SmigVMAdapter {\n"
	       "\tparam([object[]]$Adapters, [hashtable]$Used, [string]$Mac, [bool]$Legacy, "
	       "[bool]$ByOrder)\n"
	       "\n"
	       "\tif ($Mac) {\n"
	       "\t\tforeach ($a in $Adapters) {\n"
	       "\t\t\tif (-not $Used.ContainsKey([string]$a.Id) -and "
	       "(($a.MacAddress -replace '[-:]', '') -eq $Mac)) {\n"
	       "\t\t\t\t$Used[[string]$a.Id] = $true\n"
	       "\t\t\t\treturn $a\n"
	       "\t\t\t}\n"
	       "\t\t}\n"
	       "\t}\n"
	       "\tif ($ByOrder) {\n"
	       "\t\tforeach ($a in $Adapters) {\n"
	       "\t\t\tif (-not $Used.ContainsKey([string]$a.Id) -and [bool]$a.IsLegacy -eq "
	       "$Legacy) {\n"
	       "\t\t\t\t$Used[[string]$a.Id] = $true\n"
	       "\t\t\t\treturn $a\n"
	       "\t\t\t}\n"
	       "\t\t}\n"
	       "\t}\n"
	       "\treturn $null\n"
	       "}\n"
	       "\n"
	       "function Connect-SmigVMAdapter {\n"
	       "\tparam($Adapter, [string]$Label, [string]$VMId, [string]$Switch, [int]$Vlan)\n"
	       "\n"
	       "\tif ($Switch) {\n"
	       "\t\tif ($Adapter.SwitchName -ceq $Switch) {\n"
	       "\t\t\tWrite-SmigItem 'vms' $Label $VMId 'skipped' (");
	msg(g, _("connected to {0} already"));
	put(g, " -f $Switch)\n"
	       "\t\t} else {\n"
	       "\t\t\t$sw = Find-SmigSwitch $Switch\n"
	       "\t\t\tif (-not $sw -and $WhatIfPreference) {\n"
	       "");
	comment_at(g, "\t\t\t\t", _("-WhatIf: phase 4 did not create it"));
	put(g, "\t\t\t\tWrite-SmigItem 'vms' $Label $VMId 'whatif' (");
	msg(g, _("connect to the virtual switch {0}"));
	put(g, " -f $Switch)\n"
	       "\t\t\t} elseif (-not $sw) {\n"
	       "\t\t\t\tthrow (");
	msg(g, _("there is no virtual switch named {0}"));
	put(g, " -f $Switch)\n"
	       "\t\t\t} else {\n"
	       "\t\t\t\tInvoke-SmigChange 'vms' $Label $VMId (");
	msg(g, _("connect to the virtual switch {0}"));
	put(g, " -f $Switch) {\n"
	       "\t\t\t\t\tConnect-VMNetworkAdapter -VMNetworkAdapter $Adapter -VMSwitch $sw\n"
	       "\t\t\t\t}\n"
	       "\t\t\t}\n"
	       "\t\t}\n"
	       "\t}\n"
	       "\tif ($Vlan -gt 0) {\n"
	       "\t\t$v = Get-VMNetworkAdapterVlan -VMNetworkAdapter $Adapter\n"
	       "\t\tif ([string]$v.OperationMode -eq 'Access' -and $v.AccessVlanId -eq $Vlan) {\n"
	       "\t\t\tWrite-SmigItem 'vms' $Label $VMId 'skipped' (");
	msg(g, _("VLAN {0} already"));
	put(g, " -f $Vlan)\n"
	       "\t\t} else {\n"
	       "\t\t\tInvoke-SmigChange 'vms' $Label $VMId (");
	msg(g, _("access VLAN {0}"));
	put(g, " -f $Vlan) {\n"
	       "\t\t\t\tSet-VMNetworkAdapterVlan -VMNetworkAdapter $Adapter -Access -VlanId $Vlan\n"
	       "\t\t\t}\n"
	       "\t\t}\n"
	       "\t}\n"
	       "}\n"
	       "\n"
	       "");
	comment(g, "",
	        _("The VM's account gets $Perm on $Path unless it has an entry there "
	          "already."));
	put(g, "function Grant-SmigAccess {\n"
	       "\tparam([string]$Path, [string]$Perm, [string]$Label, [string]$VMId)\n"
	       "\n"
	       "\t$account = 'NT VIRTUAL MACHINE\\' + $VMId\n"
	       "\tif (-not (Test-Path -LiteralPath $Path)) {\n"
	       "\t\tWrite-SmigItem 'vms' $Label $VMId 'warning' (");
	msg(g, _("{0} is not there"));
	put(g, " -f $Path)\n"
	       "\t\treturn\n"
	       "\t}\n"
	       "\tforeach ($rule in @((Get-Acl -LiteralPath $Path).Access)) {\n"
	       "\t\tif ([string]$rule.IdentityReference -eq $account) {\n"
	       "\t\t\tWrite-SmigItem 'vms' $Label $VMId 'skipped' (");
	msg(g, _("{0} has access to {1} already"));
	put(g, " -f $account, $Path)\n"
	       "\t\t\treturn\n"
	       "\t\t}\n"
	       "\t}\n"
	       "\tInvoke-SmigChange 'vms' $Label $VMId (");
	msg(g, _("icacls: grant {0} {1} on {2}"));
	put(g, " -f $account, $Perm, $Path) {\n"
	       "\t\ticacls $Path /grant ($account + ':' + $Perm) | Out-Null\n"
	       "\t\tif ($LASTEXITCODE -ne 0) {\n"
	       "\t\t\tthrow (");
	msg(g, _("icacls could not grant access to {0}"));
	put(g, " -f $Path)\n"
	       "\t\t}\n"
	       "\t}\n"
	       "}\n"
	       "\n"
	       "");
	comment(g, "",
	        _("Hyper-V does not open a virtual disk that is an NTFS sparse file "
	          "(0xC03A001A). apply wrote every hole of the disks it placed, but a Linux NTFS "
	          "driver may have left the sparse flag set: the VM is not registered until it "
	          "is cleared (no 2012 cmdlet clears it)."));
	put(g, "function Assert-SmigDense {\n"
	       "\tparam([string]$Path)\n"
	       "\n"
	       "\tif ((Test-Path -LiteralPath $Path) -and "
	       "((Get-Item -LiteralPath $Path).Attributes -band [IO.FileAttributes]::SparseFile) "
	       "-ne 0) {\n"
	       "\t\tthrow (");
	msg(g, _("{0} is an NTFS sparse file, which Hyper-V does not open: run fsutil sparse "
	         "setflag \"{0}\" 0, then migrate.ps1 again"));
	put(g, " -f $Path)\n"
	       "\t}\n"
	       "}\n"
	       "\n"
	       "function Test-SmigSameFile {\n"
	       "\tparam([string]$A, [string]$B)\n"
	       "\n"
	       "\t$sha = [Security.Cryptography.SHA256]::Create()\n"
	       "\ttry {\n"
	       "\t\t$ha = [BitConverter]::ToString($sha.ComputeHash([IO.File]::ReadAllBytes($A)))\n"
	       "\t\t$hb = [BitConverter]::ToString($sha.ComputeHash([IO.File]::ReadAllBytes($B)))\n"
	       "\t\treturn $ha -eq $hb\n"
	       "\t} finally {\n"
	       "\t\t$sha.Dispose()\n"
	       "\t}\n"
	       "}\n"
	       "\n"
	       "function Get-SmigMac {\n"
	       "\tparam($Mac)\n"
	       "\n"
	       "\tif ($Mac) {\n"
	       "\t\treturn ([string]$Mac -replace '[^0-9A-Fa-f]', '').ToUpper()\n"
	       "\t}\n"
	       "\treturn $null\n"
	       "}\n"
	       "\n"
	       "function Get-SmigValue {\n"
	       "\tparam($Value)\n"
	       "\n"
	       "\tif ($Value) {\n"
	       "\t\treturn [string]$Value\n"
	       "\t}\n"
	       "\treturn $null\n"
	       "}\n"
	       "\n"
	       "");
	comment(g, "", _("smig-state.json: what Hyper-V reports now (docs/live-state.md)."));
	put(g, "function Write-SmigState {\n"
	       "\tparam([string]$Path)\n"
	       "\n"
	       "\t$vmhost = Get-VMHost\n"
	       "\t$os = [Environment]::OSVersion.Version\n"
	       "\t$virt = Get-ItemProperty -Path "
	       "'HKLM:\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Virtualization' "
	       "-ErrorAction SilentlyContinue\n"
	       "\t$storeLocation = $null\n"
	       "\tif ($virt -and $virt.StoreLocation) {\n"
	       "\t\t$storeLocation = [string]$virt.StoreLocation\n"
	       "\t}\n"
	       "\t$hostInfo = [ordered]@{\n"
	       "\t\tcomputer_name = $env:COMPUTERNAME\n"
	       "\t\tos_version = ('{0}.{1}.{2}' -f $os.Major, $os.Minor, $os.Build)\n"
	       "\t\tvirtual_machine_path = [string]$vmhost.VirtualMachinePath\n"
	       "\t\tvirtual_hard_disk_path = [string]$vmhost.VirtualHardDiskPath\n"
	       "\t\tmac_address_minimum = [string]$vmhost.MacAddressMinimum\n"
	       "\t\tmac_address_maximum = [string]$vmhost.MacAddressMaximum\n"
	       "\t\tlogical_processors = [int]$vmhost.LogicalProcessorCount\n"
	       "\t\tmemory_bytes = [int64]$vmhost.MemoryCapacity\n"
	       "\t\tstore_location = $storeLocation\n"
	       "\t}\n"
	       "\t$vmsmp = Get-ItemProperty -Path "
	       "'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\VMSMP\\Parameters' "
	       "-ErrorAction SilentlyContinue\n"
	       "\t$vmq = [ordered]@{\n"
	       "\t\tTenGigVmqEnabled = $null\n"
	       "\t\tBelowTenGigVmqEnabled = $null\n"
	       "\t}\n"
	       "\tif ($vmsmp -and $vmsmp.PSObject.Properties['TenGigVmqEnabled']) {\n"
	       "\t\t$vmq.TenGigVmqEnabled = [int]$vmsmp.TenGigVmqEnabled\n"
	       "\t}\n"
	       "\tif ($vmsmp -and $vmsmp.PSObject.Properties['BelowTenGigVmqEnabled']) {\n"
	       "\t\t$vmq.BelowTenGigVmqEnabled = [int]$vmsmp.BelowTenGigVmqEnabled\n"
	       "\t}\n"
	       "\t$netAdapters = @(Get-NetAdapter)\n"
	       "");
	comment_at(g, "\t", _("the adapter an external switch is bound to is a physical one"));
	put(g,
	    "\t$physicalAdapters = @(Get-NetAdapter -Physical)\n"
	    "\t$switches = @()\n"
	    "\tforeach ($s in @(Get-VMSwitch)) {\n"
	    "\t\t$desc = Get-SmigValue $s.NetAdapterInterfaceDescription\n"
	    "\t\t$mac = $null\n"
	    "\t\tforeach ($na in $physicalAdapters) {\n"
	    "\t\t\tif ($desc -and $na.InterfaceDescription -eq $desc) {\n"
	    "\t\t\t\t$mac = Get-SmigMac $na.MacAddress\n"
	    "\t\t\t}\n"
	    "\t\t}\n"
	    "\t\t$switches += [pscustomobject]@{\n"
	    "\t\t\tid = [string]$s.Id\n"
	    "\t\t\tname = [string]$s.Name\n"
	    "\t\t\ttype = [string]$s.SwitchType\n"
	    "\t\t\tallow_management_os = [bool]$s.AllowManagementOS\n"
	    "\t\t\tadapter_description = $desc\n"
	    "\t\t\tadapter_mac = $mac\n"
	    "\t\t}\n"
	    "\t}\n"
	    "\t$vmqs = @(Get-NetAdapterVmq -ErrorAction SilentlyContinue)\n"
	    "\t$adapters = @()\n"
	    "\tforeach ($na in $netAdapters) {\n"
	    "\t\t$vmqOn = $null\n"
	    "\t\tforeach ($q in $vmqs) {\n"
	    "\t\t\tif ($q.Name -eq $na.Name) {\n"
	    "\t\t\t\t$vmqOn = [bool]$q.Enabled\n"
	    "\t\t\t}\n"
	    "\t\t}\n"
	    "\t\t$adapters += [pscustomobject]@{\n"
	    "\t\t\tname = [string]$na.Name\n"
	    "\t\t\tdescription = [string]$na.InterfaceDescription\n"
	    "\t\t\tmac = Get-SmigMac $na.MacAddress\n"
	    "\t\t\tvirtual = ([bool]$na.Virtual -or $na.InterfaceDescription -like "
	    "'Hyper-V Virtual Ethernet Adapter*')\n"
	    "\t\t\tstatus = [string]$na.Status\n"
	    "\t\t\tlink_speed = [string]$na.LinkSpeed\n"
	    "\t\t\tvmq_enabled = $vmqOn\n"
	    "\t\t}\n"
	    "\t}\n"
	    "\t$ip = @()\n"
	    "\tforeach ($c in @(Get-NetIPConfiguration)) {\n"
	    "\t\tif (-not $c.IPv4Address) {\n"
	    "\t\t\tcontinue\n"
	    "\t\t}\n"
	    "\t\t$addrs = @()\n"
	    "\t\tforeach ($x in @($c.IPv4Address)) {\n"
	    "\t\t\t$addrs += ('{0}/{1}' -f $x.IPAddress, $x.PrefixLength)\n"
	    "\t\t}\n"
	    "\t\t$gws = @()\n"
	    "\t\tforeach ($gw in @($c.IPv4DefaultGateway)) {\n"
	    "\t\t\tif ($gw) {\n"
	    "\t\t\t\t$gws += [string]$gw.NextHop\n"
	    "\t\t\t}\n"
	    "\t\t}\n"
	    "\t\t$dns = @()\n"
	    "\t\tforeach ($d in @(Get-DnsClientServerAddress -InterfaceIndex $c.InterfaceIndex "
	    "-AddressFamily IPv4 -ErrorAction SilentlyContinue)) {\n"
	    "\t\t\tforeach ($server in @($d.ServerAddresses)) {\n"
	    "\t\t\t\t$dns += [string]$server\n"
	    "\t\t\t}\n"
	    "\t\t}\n"
	    "\t\t$ipif = Get-NetIPInterface -InterfaceIndex $c.InterfaceIndex -AddressFamily IPv4 "
	    "-ErrorAction SilentlyContinue\n"
	    "\t\t$ip += [pscustomobject]@{\n"
	    "\t\t\tinterface = [string]$c.InterfaceAlias\n"
	    "\t\t\tmac = Get-SmigMac $c.NetAdapter.MacAddress\n"
	    "\t\t\tdhcp = ($ipif -and [string]$ipif.Dhcp -eq 'Enabled')\n"
	    "\t\t\taddresses = $addrs\n"
	    "\t\t\tgateways = $gws\n"
	    "\t\t\tdns = $dns\n"
	    "\t\t}\n"
	    "\t}\n"
	    "\t$vms = @()\n"
	    "\tforeach ($vm in @(Get-VM)) {\n"
	    "\t\t$hd = @()\n"
	    "\t\tforeach ($d in @(Get-VMHardDiskDrive -VM $vm)) {\n"
	    "\t\t\t$hd += [pscustomobject]@{\n"
	    "\t\t\t\tcontroller_type = [string]$d.ControllerType\n"
	    "\t\t\t\tcontroller_number = [int]$d.ControllerNumber\n"
	    "\t\t\t\tcontroller_location = [int]$d.ControllerLocation\n"
	    "\t\t\t\tpath = Get-SmigValue $d.Path\n"
	    "\t\t\t\tdisk_number = $d.DiskNumber\n"
	    "\t\t\t}\n"
	    "\t\t}\n"
	    "\t\t$dvd = @()\n"
	    "\t\tforeach ($d in @(Get-VMDvdDrive -VM $vm)) {\n"
	    "\t\t\t$dvd += [pscustomobject]@{\n"
	    "\t\t\t\tcontroller_number = [int]$d.ControllerNumber\n"
	    "\t\t\t\tcontroller_location = [int]$d.ControllerLocation\n"
	    "\t\t\t\tpath = Get-SmigValue $d.Path\n"
	    "\t\t\t}\n"
	    "\t\t}\n"
	    "\t\t$fd = @()\n"
	    "\t\tforeach ($d in @(Get-VMFloppyDiskDrive -VM $vm)) {\n"
	    "\t\t\t$fd += [pscustomobject]@{\n"
	    "\t\t\t\tpath = Get-SmigValue $d.Path\n"
	    "\t\t\t}\n"
	    "\t\t}\n"
	    "\t\t$snaps = @()\n"
	    "\t\tforeach ($sn in @(Get-VMSnapshot -VM $vm)) {\n"
	    "\t\t\t$snaps += [pscustomobject]@{\n"
	    "\t\t\t\tid = [string]$sn.Id\n"
	    "\t\t\t\tname = [string]$sn.Name\n"
	    "\t\t\t\tparent_id = Get-SmigValue $sn.ParentSnapshotId\n"
	    "\t\t\t}\n"
	    "\t\t}\n"
	    "\t\t$nics = @()\n"
	    "\t\tforeach ($n in @(Get-VMNetworkAdapter -VM $vm)) {\n"
	    "\t\t\t$vlan = Get-VMNetworkAdapterVlan -VMNetworkAdapter $n\n"
	    "\t\t\t$vlanMode = $null\n"
	    "\t\t\t$vlanId = $null\n"
	    "\t\t\tif ($vlan) {\n"
	    "\t\t\t\t$vlanMode = [string]$vlan.OperationMode\n"
	    "\t\t\t\t$vlanId = [int]$vlan.AccessVlanId\n"
	    "\t\t\t}\n"
	    "\t\t\t$nics += [pscustomobject]@{\n"
	    "\t\t\t\tname = [string]$n.Name\n"
	    "\t\t\t\tmac = Get-SmigMac $n.MacAddress\n"
	    "\t\t\t\tmac_static = (-not $n.DynamicMacAddressEnabled)\n"
	    "\t\t\t\tlegacy = [bool]$n.IsLegacy\n"
	    "\t\t\t\tswitch_name = Get-SmigValue $n.SwitchName\n"
	    "\t\t\t\tvlan_mode = $vlanMode\n"
	    "\t\t\t\tvlan_id = $vlanId\n"
	    "\t\t\t}\n"
	    "\t\t}\n"
	    "\t\t$proc = Get-VMProcessor -VM $vm\n"
	    "\t\t$vms += [pscustomobject]@{\n"
	    "\t\t\tid = [string]$vm.VMId\n"
	    "\t\t\tname = [string]$vm.VMName\n"
	    "\t\t\tstate = [string]$vm.State\n"
	    "\t\t\tpath = [string]$vm.ConfigurationLocation\n"
	    "\t\t\tversion = Get-SmigValue $vm.Version\n"
	    "\t\t\tmemory_startup_bytes = [int64]$vm.MemoryStartup\n"
	    "\t\t\tmemory_minimum_bytes = [int64]$vm.MemoryMinimum\n"
	    "\t\t\tmemory_maximum_bytes = [int64]$vm.MemoryMaximum\n"
	    "\t\t\tdynamic_memory = [bool]$vm.DynamicMemoryEnabled\n"
	    "\t\t\tprocessor_count = [int]$vm.ProcessorCount\n"
	    "\t\t\tprocessor_compatibility = [bool]$proc.CompatibilityForMigrationEnabled\n"
	    "\t\t\thard_drives = $hd\n"
	    "\t\t\tdvd_drives = $dvd\n"
	    "\t\t\tfloppy_drives = $fd\n"
	    "\t\t\tsnapshots = $snaps\n"
	    "\t\t\tnetwork_adapters = $nics\n"
	    "\t\t}\n"
	    "\t}\n"
	    "\t$authorization = $null\n"
	    "\tif ($storeLocation -and $storeLocation.StartsWith('msxml://', "
	    "[StringComparison]::OrdinalIgnoreCase)) {\n"
	    "\t\t$storePath = $storeLocation.Substring(8)\n"
	    "\t\tif ((Test-Path -LiteralPath $storePath) -and "
	    "(Get-Item -LiteralPath $storePath).Length -le 16777216) {\n"
	    "\t\t\t$authorization = [ordered]@{\n"
	    "\t\t\t\tpath = $storePath\n"
	    "\t\t\t\txml_base64 = [Convert]::ToBase64String([IO.File]::ReadAllBytes($storePath))\n"
	    "\t\t\t}\n"
	    "\t\t}\n"
	    "\t}\n"
	    "\t$firewall = @()\n"
	    "\tforeach ($rule in @(Get-NetFirewallRule)) {\n"
	    "\t\tif ($rule.DisplayGroup -like 'Hyper-V*' -or $smigFirewallNames -contains "
	    "$rule.Name) {\n"
	    "\t\t\t$firewall += [pscustomobject]@{\n"
	    "\t\t\t\tname = [string]$rule.Name\n"
	    "\t\t\t\tdisplay_name = [string]$rule.DisplayName\n"
	    "\t\t\t\tgroup = Get-SmigValue $rule.Group\n"
	    "\t\t\t\tenabled = ([string]$rule.Enabled -eq 'True')\n"
	    "\t\t\t}\n"
	    "\t\t}\n"
	    "\t}\n"
	    "\t$state = [ordered]@{\n"
	    "\t\tformat = 'smig-state'\n"
	    "\t\tversion = 1\n"
	    "\t\tarchive_id = $smigArchive\n"
	    "\t\twritten_utc = [DateTime]::UtcNow.ToString(\"yyyy-MM-dd'T'HH:mm:ss'Z'\", "
	    "[Globalization.CultureInfo]::InvariantCulture)\n"
	    "\t\thost = $hostInfo\n"
	    "\t\tvmq = $vmq\n"
	    "\t\tswitches = $switches\n"
	    "\t\tadapters = $adapters\n"
	    "\t\tip = $ip\n"
	    "\t\tvms = $vms\n"
	    "\t\tauthorization = $authorization\n"
	    "\t\tfirewall = $firewall\n"
	    "\t}\n"
	    "");
	comment_at(g, "\t",
	           _("PowerShell 3.0's type data gives arrays a Count property, which "
	             "ConvertTo-Json writes as {\"value\": [...], \"Count\": n} for a wrapped "
	             "array; this session drops it"));
	put(g, "\tif (Get-TypeData -TypeName System.Array) {\n"
	       "\t\tRemove-TypeData -TypeName System.Array -WhatIf:$false\n"
	       "\t}\n"
	       "\t$json = ConvertTo-Json -InputObject $state -Depth 8\n"
	       "\t[IO.File]::WriteAllText($Path, $json, (New-Object Text.UTF8Encoding($false)))\n"
	       "}\n");
}

/* ---- the phases ---- */

static void header(struct gen *g)
{
	const struct smig_plan *p = g->p;
	const char *src = p->src->os.computer_name ? p->src->os.computer_name : "?";
	const char *dst = p->dst && p->dst->os.computer_name ? p->dst->os.computer_name : "?";
	struct smig_strbuf line = SMIG_STRBUF_INIT;

	comment(g, "",
	        _("migrate.ps1 - finishes the migration of a Hyper-V host on the Windows Server "
	          "2012 destination"));
	put(g, "#\n");
	smig_strbuf_printf(&line, _("%s (source %s, destination %s)"), p->desc->archive_id, src,
	                   dst);
	comment(g, _("Archive id: "), smig_strbuf_cstr(&line));
	smig_strbuf_release(&line);
	put(g, "#\n");
	comment(
	    g, "",
	    _("Written by smig-import apply, which placed the VM files; run it elevated on the "
	      "running destination: Hyper-V itself creates the virtual networks and registers "
	      "the VMs in place (Compare-VM -Register, Import-VM), then the script writes "
	      "smig-state.json for 'smig-import report --state'. Every step checks what is "
	      "there first, so running it again is safe. Try it with -WhatIf first. Values only "
	      "you know are parameters (below); do not edit the script. docs/migrate.md "
	      "describes it."));
	comment(g, "",
	        _("Log: migrate-log.jsonl (one JSON object per item); transcript: "
	          "migrate-transcript-*.txt."));
	/* TRANSLATORS: a comment of the script, for whoever opens it in an editor */
	comment(g, "",
	        _("The file is UTF-8 with a byte order mark, so that Windows PowerShell reads its "
	          "accented letters right whatever the code page."));
	put(g, "\n");
}

/* Whether `nic`, a management-OS adapter of the source, is that of an external network. */
static bool vnic_external(const struct smig_inventory *inv, const struct smig_inv_nic *nic)
{
	size_t i;

	for (i = 0; i < inv->nswitches; i++) {
		const struct smig_inv_switch *s = &inv->switches[i];
		bool mine =
		    (s->host_vnic && nic->guid && smig_streq_ci(s->host_vnic, nic->guid)) ||
		    (nic->switch_guid && s->guid && smig_guid_str_equal(nic->switch_guid, s->guid));

		if (mine)
			return s->type == SMIG_SWITCH_EXTERNAL;
	}
	return false;
}

/* The param() block: every value an administrator may have to give. */
static void params(struct gen *g)
{
	const struct smig_plan *p = g->p;
	size_t i, j, k, n;

	put(g, "[CmdletBinding(SupportsShouldProcess=$true)]\nparam(\n");
	comment_at(g, "\t",
	           _("-SourceIsOff: the source host is off or off the network; do not ping its "
	             "addresses"));
	put(g, "\t[switch]$SourceIsOff,\n");
	comment_at(g, "\t", _("-StateOnly: write smig-state.json and change nothing"));
	put(g, "\t[switch]$StateOnly,\n");
	comment_at(g, "\t",
	           _("-StatePath, -LogPath: default smig-state.json and migrate-log.jsonl next to "
	             "the script"));
	put(g, "\t[string]$StatePath = '',\n\t[string]$LogPath = '',\n");
	comment_at(g, "\t",
	           _("-SourceAddress: the source host's IPv4 addresses, which must not answer "
	             "before anything changes"));
	put(g, "\t[string[]]$SourceAddress = @(");
	for (i = 0, n = 0; i < p->src->nnics; i++) {
		const struct smig_inv_nic *nic = &p->src->nics[i];

		/* the management-OS adapters of internal networks only answer on this side */
		if (!nic->physical && !(nic->host_vnic && vnic_external(p->src, nic)))
			continue;
		for (k = 0; nic->ip && nic->ip[k]; k++) {
			uint32_t a;

			if (!ipv4_ok(nic->ip[k], &a) || a == 0)
				continue;
			putf(g, "%s'%s'", n++ ? ", " : "", nic->ip[k]);
		}
	}
	put(g, ")");
	for (i = 0; i < p->nswitches; i++) {
		const struct smig_plan_switch *ps = &p->switches[i];
		struct smig_strbuf t = SMIG_STRBUF_INIT;
		const char *def = "";
		char mac[13];

		if (!g->prm.adapter[i])
			continue;
		put(g, ",\n");
		smig_strbuf_printf(
		    &t,
		    _("-%s: the destination adapter (name, MAC, description or {GUID}) "
		      "for the external network '%s'; empty: it is created internal"),
		    g->prm.adapter[i], ps->src->name ? ps->src->name : "?");
		comment_at(g, "\t", smig_strbuf_cstr(&t));
		smig_strbuf_release(&t);
		putf(g, "\t[string]$%s = ", g->prm.adapter[i]);
		if (ps->bind_nic && ps->bind_nic->connection_name) {
			def = ps->bind_nic->connection_name;
		} else if (ps->bind_nic && ps->bind_nic->has_mac) {
			smig_mac_format_plain(&ps->bind_nic->mac, mac);
			def = mac;
		}
		val(g, def);
	}
	for (i = 0; i < p->nvms; i++) {
		const struct smig_plan_vm *v = &p->vms[i];

		for (j = 0; g->prm.disk[i] && j < v->src->ndrives; j++) {
			struct smig_strbuf t = SMIG_STRBUF_INIT;

			if (!g->prm.disk[i][j])
				continue;
			put(g, ",\n");
			smig_strbuf_printf(
			    &t,
			    _("-%s: the destination disk number (Get-Disk; the disk kept "
			      "Offline) for the pass-through disk at %s of VM '%s' (source "
			      "%s); -1: not attached"),
			    g->prm.disk[i][j], v->src->drives[j].slot, vm_name(v),
			    v->src->drives[j].pathname ? v->src->drives[j].pathname : "?");
			comment_at(g, "\t", smig_strbuf_cstr(&t));
			smig_strbuf_release(&t);
			putf(g, "\t[int]$%s = -1", g->prm.disk[i][j]);
		}
	}
	/* ps2012-check's grammar wants a line break after the block */
	put(g, "\n)\n\n");
}

/* Variables, the log, the transcript, the helper functions and -StateOnly. */
static void prologue(struct gen *g)
{
	put(g, "$ErrorActionPreference = 'Stop'\n$smigArchive = ");
	val(g, g->p->desc->archive_id);
	put(g, "\n"
	       "$smigCmdlet = $PSCmdlet\n"
	       "$smigHere = Split-Path -Parent $MyInvocation.MyCommand.Path\n"
	       "if (-not $StatePath) {\n"
	       "\t$StatePath = Join-Path $smigHere 'smig-state.json'\n"
	       "}\n"
	       "if (-not $LogPath) {\n"
	       "\t$LogPath = Join-Path $smigHere 'migrate-log.jsonl'\n"
	       "}\n"
	       "");
	comment(g, "",
	        _("relative to the PowerShell location, not the process's directory ([IO.File] "
	          "uses that)"));
	put(g, "try {\n"
	       "\t$StatePath = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($StatePath)\n"
	       "\t$LogPath = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($LogPath)\n"
	       "} catch {\n"
	       "\tWrite-Warning (");
	msg(g, _("migrate.ps1: -StatePath or -LogPath is not a file system path: {0}"));
	put(g, " -f $_.Exception.Message)\n"
	       "\texit 1\n"
	       "}\n"
	       "$smigStamp = (Get-Date).ToString('yyyyMMdd-HHmmss')\n"
	       "$script:smigPassed = 0\n"
	       "$script:smigFailed = 0\n"
	       "$script:smigWhatIf = 0\n"
	       "$script:smigWarnings = 0\n"
	       "$script:smigManual = 0\n"
	       "$script:smigRestartVmms = $false\n");
	/* the rules the firewall phase touches, for the state's firewall list */
	put(g, "$smigFirewallNames = @(");
	{
		size_t i, n = 0;

		for (i = 0; i < g->p->src->nfwrules; i++) {
			const struct smig_inv_fwrule *r = &g->p->src->fwrules[i];

			if (!r->hyperv || r->user_defined || !r->id)
				continue;
			if (n++)
				put(g, ", ");
			val(g, r->id);
		}
	}
	put(g, ")\n\n");
	helpers(g);
	put(g, "\n"
	       "if ($StateOnly) {\n"
	       "\ttry {\n"
	       "\t\tImport-Module Hyper-V\n"
	       "\t\tWrite-SmigState -Path $StatePath\n"
	       "\t\tWrite-Host (");
	msg(g, _("migrate.ps1: wrote {0}"));
	put(g, " -f $StatePath)\n"
	       "\t} catch {\n"
	       "\t\tWrite-Warning (");
	msg(g, _("migrate.ps1: cannot write the live state: {0}"));
	put(g,
	    " -f $_.Exception.Message)\n"
	    "\t\texit 1\n"
	    "\t}\n"
	    "\texit 0\n"
	    "}\n"
	    "try {\n"
	    "\tStart-Transcript -Path (Join-Path $smigHere ('migrate-transcript-' + $smigStamp + "
	    "'.txt')) -WhatIf:$false | Out-Null\n"
	    "} catch {\n"
	    "\tWrite-Warning (");
	msg(g, _("migrate.ps1: no transcript: {0}"));
	put(g, " -f $_.Exception.Message)\n}\n");
}

/* "} catch { Write-SmigItem <step> <item> <id> 'failed' <message> }", the closing braces at the
 * indentation the caller has just written (tabs since the last line end). */
static void catch_item(struct gen *g, const char *step, const char *item, const char *id)
{
	int n = 0;

	while ((size_t)n < g->sb.len && g->sb.buf[g->sb.len - 1 - (size_t)n] == '\t')
		n++;
	putf(g,
	     "} catch {\n"
	     "%.*s\tWrite-SmigItem '%s' %s %s 'failed' $_.Exception.Message\n"
	     "%.*s}\n",
	     n, "\t\t\t\t\t\t\t\t", step, item, id, n, "\t\t\t\t\t\t\t\t");
}

static void phase_prereq(struct gen *g)
{
	const struct smig_plan *p = g->p;
	char letters[27] = {0};
	uint64_t need[26] = {0};
	size_t i, k, n = 0;
	char num[SMIG_COUNT_BUFSZ];

	phase(g, 1, _("prerequisites"), "prerequisites");
	put(g,
	    "$smigPrincipal = New-Object Security.Principal.WindowsPrincipal("
	    "[Security.Principal.WindowsIdentity]::GetCurrent())\n"
	    "if ($smigPrincipal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) "
	    "{\n"
	    "\tWrite-SmigItem 'prerequisites' 'elevated' '' 'done' ");
	msg(g, _("running elevated"));
	put(g, "\n"
	       "} else {\n"
	       "\tWrite-SmigItem 'prerequisites' 'elevated' '' 'failed' ");
	msg(g, _("run migrate.ps1 elevated (Run as administrator)"));
	put(g, "\n"
	       "}\n"
	       "$smigOs = [Environment]::OSVersion.Version\n"
	       "if ($smigOs.Major -eq 6 -and $smigOs.Minor -eq 2) {\n"
	       "\tWrite-SmigItem 'prerequisites' 'os' '' 'done' ('Windows ' + $smigOs)\n"
	       "} else {\n"
	       "\tWrite-SmigItem 'prerequisites' 'os' '' 'failed' (");
	msg(g, _("this is Windows {0}, not Windows Server 2012 (6.2)"));
	put(g, " -f $smigOs)\n"
	       "}\n"
	       "try {\n"
	       "\tif (Get-Module -ListAvailable -Name Hyper-V) {\n"
	       "\t\tImport-Module Hyper-V\n"
	       "\t\tWrite-SmigItem 'prerequisites' 'Hyper-V module' '' 'done' ");
	msg(g, _("available"));
	put(g, "\n"
	       "\t} else {\n"
	       "\t\tWrite-SmigItem 'prerequisites' 'Hyper-V module' '' 'failed' ");
	msg(g, _("the Hyper-V module is missing: install the Hyper-V role and its management "
	         "tools"));
	put(g, "\n"
	       "\t}\n"
	       "} catch {\n"
	       "\tWrite-SmigItem 'prerequisites' 'Hyper-V module' '' 'failed' (");
	msg(g, _("cannot load the Hyper-V module: {0}"));
	put(g, " -f $_.Exception.Message)\n"
	       "}\n"
	       "$smigVmms = Get-Service -Name vmms -ErrorAction SilentlyContinue\n"
	       "if ($smigVmms -and [string]$smigVmms.Status -eq 'Running') {\n"
	       "\tWrite-SmigItem 'prerequisites' 'vmms' '' 'done' ");
	msg(g, _("running"));
	put(g, "\n"
	       "} else {\n"
	       "\tWrite-SmigItem 'prerequisites' 'vmms' '' 'failed' ");
	msg(g, _("the Hyper-V Virtual Machine Management service (vmms) is not running"));
	put(g, "\n"
	       "}\n"
	       "if ($SourceIsOff) {\n"
	       "\tWrite-SmigItem 'prerequisites' 'source' '' 'skipped' ");
	msg(g, _("-SourceIsOff: not pinged"));
	put(g, "\n"
	       "} else {\n"
	       "\tforeach ($smigAddr in $SourceAddress) {\n"
	       "\t\ttry {\n"
	       "\t\t\tif (Get-NetIPAddress -IPAddress $smigAddr -ErrorAction SilentlyContinue) {\n"
	       "\t\t\t\tWrite-SmigItem 'prerequisites' $smigAddr '' 'skipped' ");
	msg(g, _("this host has the address itself"));
	put(g, "\n"
	       "\t\t\t} elseif (Test-Connection -ComputerName $smigAddr -Count 1 -Quiet) {\n"
	       "\t\t\t\tWrite-SmigItem 'prerequisites' $smigAddr '' 'failed' ");
	msg(g, _("the source host still answers at this address: turn it off or take it off the "
	         "network (or run with -SourceIsOff)"));
	put(g, "\n"
	       "\t\t\t} else {\n"
	       "\t\t\t\tWrite-SmigItem 'prerequisites' $smigAddr '' 'done' ");
	msg(g, _("the source does not answer"));
	put(g, "\n"
	       "\t\t\t}\n"
	       "\t\t");
	catch_item(g, "prerequisites", "$smigAddr", "''");
	put(g, "\t}\n}\n");
	/* free space: a 2012 VM keeps a file as large as its memory beside its configuration */
	/* TRANSLATORS: {0} in the free space messages is a number of bytes */
	for (i = 0; i < p->nvms; i++) {
		const struct smig_plan_vm *v = &p->vms[i];
		char c;

		if (!v->selected || !v->data_root || p->storage_only)
			continue;
		c = (char)(v->data_root[0] & ~0x20);
		if (c < 'A' || c > 'Z' || v->data_root[1] != ':')
			continue;
		if (!strchr(letters, c))
			letters[n++] = c;
		if (v->src->memory_mb > 0)
			need[c - 'A'] += (uint64_t)v->src->memory_mb << 20;
	}
	for (k = 0; k < n; k++) {
		char c = letters[k];

		putf(g,
		     "try {\n"
		     "\t$smigDrive = New-Object IO.DriveInfo('%c')\n"
		     "\tif ($smigDrive.AvailableFreeSpace -ge %llu) {\n"
		     "\t\tWrite-SmigItem 'prerequisites' 'free space %c:' '' 'done' (",
		     c, (unsigned long long)need[c - 'A'], c);
		msg(g, _("{0} bytes free"));
		putf(g,
		     " -f $smigDrive.AvailableFreeSpace)\n"
		     "\t} else {\n"
		     "\t\tWrite-SmigItem 'prerequisites' 'free space %c:' '' 'warning' (",
		     c);
		msgf(g, _("only {0} bytes free; the VMs there need %s for their memory files"),
		     smig_human_count(need[c - 'A'], num, sizeof(num)));
		put(g, " -f $smigDrive.AvailableFreeSpace)\n"
		       "\t}\n");
		putf(g,
		     "} catch {\n"
		     "\tWrite-SmigItem 'prerequisites' 'free space %c:' '' 'failed' "
		     "$_.Exception.Message\n"
		     "}\n",
		     c);
	}
	put(g, "if ($script:smigFailed -gt 0) {\n"
	       "\tWrite-Warning ");
	msg(g, _("migrate.ps1: a prerequisite failed: nothing was changed"));
	put(g, "\n"
	       "\tComplete-Smig\n"
	       "}\n");
}

static void phase_host(struct gen *g)
{
	const struct smig_plan *p = g->p;
	const struct smig_inv_hostsettings *h = &p->src->host;
	bool any = false;

	phase(g, 2, _("host settings"), "host");
	if (p->set_data_root && p->data_root) {
		put(g, "try {\n\t$smigWant = ");
		val(g, p->data_root);
		put(g, "\n"
		       "\tif ((Get-VMHost).VirtualMachinePath -eq $smigWant) {\n"
		       "\t\tWrite-SmigItem 'host' 'VirtualMachinePath' '' 'skipped' $smigWant\n"
		       "\t} else {\n"
		       "\t\tInvoke-SmigChange 'host' 'VirtualMachinePath' '' ('Set-VMHost "
		       "-VirtualMachinePath ' + $smigWant) {\n"
		       "\t\t\tSet-VMHost -VirtualMachinePath $smigWant\n"
		       "\t\t}\n"
		       "\t}\n");
		catch_item(g, "host", "'VirtualMachinePath'", "''");
		any = true;
	}
	if (p->set_vhd_path && p->vhd_path) {
		put(g, "try {\n\t$smigWant = ");
		val(g, p->vhd_path);
		put(g, "\n"
		       "\tif ((Get-VMHost).VirtualHardDiskPath -eq $smigWant) {\n"
		       "\t\tWrite-SmigItem 'host' 'VirtualHardDiskPath' '' 'skipped' $smigWant\n"
		       "\t} else {\n"
		       "\t\tInvoke-SmigChange 'host' 'VirtualHardDiskPath' '' ('Set-VMHost "
		       "-VirtualHardDiskPath ' + $smigWant) {\n"
		       "\t\t\tSet-VMHost -VirtualHardDiskPath $smigWant\n"
		       "\t\t}\n"
		       "\t}\n");
		catch_item(g, "host", "'VirtualHardDiskPath'", "''");
		any = true;
	}
	if (p->set_mac_range && h->has_mac_range) {
		char lo[13], hi[13];

		smig_mac_format_plain(&h->mac_min, lo);
		smig_mac_format_plain(&h->mac_max, hi);
		putf(g,
		     "try {\n"
		     "\t$smigHost = Get-VMHost\n"
		     "\tif ($smigHost.MacAddressMinimum -eq '%s' -and $smigHost.MacAddressMaximum "
		     "-eq "
		     "'%s') {\n"
		     "\t\tWrite-SmigItem 'host' 'MAC address range' '' 'skipped' '%s-%s'\n"
		     "\t} else {\n"
		     "\t\tInvoke-SmigChange 'host' 'MAC address range' '' 'Set-VMHost "
		     "-MacAddressMinimum %s -MacAddressMaximum %s' {\n"
		     "\t\t\tSet-VMHost -MacAddressMinimum '%s' -MacAddressMaximum '%s'\n"
		     "\t\t}\n"
		     "\t}\n",
		     lo, hi, lo, hi, lo, hi, lo, hi);
		catch_item(g, "host", "'MAC address range'", "''");
		any = true;
	}
	if (!any) {
		put(g, "Write-SmigItem 'host' 'settings' '' 'skipped' ");
		msg(g, p->vms_only ? _("the archive or the import is of some VMs, not of the host: "
		                       "this host's settings are kept")
		                   : _("the plan keeps this host's settings"));
		put(g, "\n");
	}
}

/* StoreLocation := `url` when it differs; vmms is restarted after the phase. */
static void store_location(struct gen *g, const char *url)
{
	put(g, "try {\n\t$smigWant = ");
	val(g, url);
	put(g, "\n"
	       "\t$smigVirt = Get-ItemProperty -Path "
	       "'HKLM:\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Virtualization'\n"
	       "\tif ([string]$smigVirt.StoreLocation -eq $smigWant) {\n"
	       "\t\tWrite-SmigItem 'authorization' 'StoreLocation' '' 'skipped' $smigWant\n"
	       "\t} else {\n"
	       "\t\tInvoke-SmigChange 'authorization' 'StoreLocation' '' ('StoreLocation ' + "
	       "$smigWant) {\n"
	       "\t\t\tSet-ItemProperty -Path "
	       "'HKLM:\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Virtualization' "
	       "-Name StoreLocation -Value $smigWant\n"
	       "\t\t\t$script:smigRestartVmms = $true\n"
	       "\t\t}\n"
	       "\t}\n");
	catch_item(g, "authorization", "'StoreLocation'", "''");
}

static void phase_store(struct gen *g)
{
	const struct smig_plan *p = g->p;
	const char *url = p->src->host.store_location;
	bool any = false;

	phase(g, 3, _("authorization store"), "authorization");
	if (p->store_copy && p->store_winpath) {
		put(g, "$smigStore = ");
		val(g, p->store_winpath);
		put(g, "\n"
		       "try {\n"
		       "\t$smigStoreSrc = Join-Path $smigHere 'InitialStore.xml'\n"
		       "\tif (-not (Test-Path -LiteralPath $smigStoreSrc)) {\n"
		       "\t\tthrow ");
		msg(g, _("InitialStore.xml is not next to migrate.ps1 (apply stages the source's "
		         "store there)"));
		put(g, "\n"
		       "\t}\n"
		       "\tif ((Test-Path -LiteralPath $smigStore) -and "
		       "(Test-SmigSameFile $smigStoreSrc $smigStore)) {\n"
		       "\t\tWrite-SmigItem 'authorization' $smigStore '' 'skipped' ");
		msg(g, _("the store is the source's already"));
		put(g, "\n"
		       "\t} else {\n"
		       "\t\tInvoke-SmigChange 'authorization' $smigStore '' ");
		msg(g, _("back up the current store (.<time>.bak) and copy the source's"));
		put(g,
		    " {\n"
		    "\t\t\tif (Test-Path -LiteralPath $smigStore) {\n"
		    "\t\t\t\t[IO.File]::Copy($smigStore, $smigStore + '.' + $smigStamp + '.bak', "
		    "$true)\n"
		    "\t\t\t}\n"
		    "\t\t\t[IO.File]::Copy($smigStoreSrc, $smigStore, $true)\n"
		    "\t\t\t$script:smigRestartVmms = $true\n"
		    "\t\t}\n"
		    "\t}\n");
		catch_item(g, "authorization", "$smigStore", "''");
		if (p->set_store_location) {
			char *want =
			    smig_asprintf(g->e, "%s%s", SMIG_STORE_FILE_PREFIX, p->store_winpath);

			if (!want) {
				if (g->rc == 0)
					g->rc = -1;
				return;
			}
			store_location(g, want);
			free(want);
		}
		any = true;
	}
	if (!p->vms_only && p->src->azman.ad_store && url && smig_startswith_ci(url, "msldap://")) {
		store_location(g, url);
		any = true;
	}
	if (!any) {
		put(g, "Write-SmigItem 'authorization' 'store' '' 'skipped' ");
		msg(g, p->vms_only ? _("the archive or the import is of some VMs, not of the host: "
		                       "this host's authorization store is kept")
		                   : _("the plan keeps this host's authorization store"));
		put(g, "\n");
		return;
	}
	put(g, "if ($script:smigRestartVmms) {\n"
	       "\ttry {\n"
	       "\t\tInvoke-SmigChange 'authorization' 'vmms' '' ");
	msg(g, _("Restart-Service vmms (it reads the store when it starts)"));
	put(g, " {\n"
	       "\t\t\tRestart-Service -Name vmms\n");
	comment_at(g, "\t\t\t",
	           _("the service runs before it answers: wait for Get-VMHost (phase 4 needs it)"));
	put(g, "\t\t\t$smigDeadline = (Get-Date).AddSeconds(120)\n"
	       "\t\t\t$smigUp = $false\n"
	       "\t\t\twhile (-not $smigUp) {\n"
	       "\t\t\t\ttry {\n"
	       "\t\t\t\t\tGet-VMHost -ErrorAction Stop | Out-Null\n"
	       "\t\t\t\t\t$smigUp = $true\n"
	       "\t\t\t\t} catch {\n"
	       "\t\t\t\t\tif ((Get-Date) -gt $smigDeadline) {\n"
	       "\t\t\t\t\t\tthrow (");
	msg(g, _("vmms was restarted but does not answer Get-VMHost after 120 seconds: {0}"));
	put(g, " -f $_.Exception.Message)\n"
	       "\t\t\t\t\t}\n"
	       "\t\t\t\t\tStart-Sleep -Seconds 2\n"
	       "\t\t\t\t}\n"
	       "\t\t\t}\n"
	       "\t\t}\n"
	       "\t");
	catch_item(g, "authorization", "'vmms'", "''");
	put(g, "}\n");
}

static void phase_networks(struct gen *g)
{
	const struct smig_plan *p = g->p;
	size_t i;
	char guid[SMIG_GUID_BUFSZ];

	phase(g, 4, _("virtual networks"), "network");
	if (p->nswitches == 0) {
		put(g, "Write-SmigItem 'network' 'switches' '' 'skipped' ");
		msg(g, p->vms_only ? _("no imported VM uses a virtual network of the source")
		                   : _("the source has no virtual network"));
		put(g, "\n");
	}
	for (i = 0; i < p->nswitches; i++) {
		const struct smig_plan_switch *ps = &p->switches[i];
		const struct smig_inv_switch *s = ps->src;
		const char *prm = g->prm.adapter[i];
		const char *type = s->type == SMIG_SWITCH_PRIVATE ? "Private" : "Internal";
		struct smig_strbuf t = SMIG_STRBUF_INIT;

		if (!guid_upper(s->guid, guid))
			snprintf(guid, sizeof(guid), "%s", "");
		smig_strbuf_printf(
		    &t,
		    ps->src_host_vnic
		        ? _("-- virtual network '%s' (source %s, with a management-OS "
		            "adapter) --")
		        : _("-- virtual network '%s' (source %s, no management-OS "
		            "adapter) --"),
		    s->name ? s->name : "?", switch_type_text(s->type));
		comment(g, "", smig_strbuf_cstr(&t));
		smig_strbuf_release(&t);
		put(g, "$smigName = ");
		val(g, s->name ? s->name : s->guid);
		putf(g,
		     "\n$smigSwitchId = '%s'\ntry {\n\t$smigAdapter = $null\n\t$smigType = '%s'\n",
		     guid, type);
		if (prm) {
			putf(g,
			     "\tif ($%s) {\n"
			     "\t\t$smigAdapter = Find-SmigAdapter $%s\n"
			     "\t\tif (-not $smigAdapter) {\n"
			     "\t\t\tthrow (",
			     prm, prm);
			msg(g, _("no network adapter has the name, MAC, description or GUID {0}"));
			putf(g,
			     " -f $%s)\n"
			     "\t\t}\n"
			     "\t\t$smigType = 'External'\n"
			     "\t}\n",
			     prm);
		}
		put(g, "\t$smigHave = Find-SmigSwitch $smigName\n"
		       "\tif ($smigHave -and [string]$smigHave.SwitchType -eq $smigType) {\n"
		       "\t\tWrite-SmigItem 'network' $smigName $smigSwitchId 'skipped' (");
		/* TRANSLATORS: {0} is Private, Internal or External */
		msg(g, _("a {0} virtual switch of this name exists"));
		put(g, " -f $smigType)\n");
		if (prm)
			putf(g,
			     "\t} elseif ($smigHave -and $smigType -eq 'External' -and "
			     "[string]$smigHave.SwitchType -eq 'Internal') {\n"
			     "\t\tInvoke-SmigChange 'network' $smigName $smigSwitchId (%s",
			     "");
		if (prm) {
			msg(g, _("bind to the adapter {0}"));
			putf(g,
			     " -f $smigAdapter.Name) {\n"
			     "\t\t\tSet-VMSwitch -VMSwitch $smigHave -NetAdapterName "
			     "$smigAdapter.Name "
			     "-AllowManagementOS $%s\n"
			     "\t\t}\n",
			     ps->src_host_vnic ? "true" : "false");
		}
		put(g, "\t} elseif ($smigHave) {\n"
		       "\t\tthrow (");
		msg(g,
		    _("a virtual switch of this name exists as {0}, not {1}: rename or remove it, "
		      "then run migrate.ps1 again"));
		put(g, " -f $smigHave.SwitchType, $smigType)\n");
		if (prm) {
			put(g, "\t} elseif ($smigType -eq 'External') {\n"
			       "\t\tInvoke-SmigChange 'network' $smigName $smigSwitchId (");
			msg(g, _("New-VMSwitch bound to {0}"));
			put(g, " -f $smigAdapter.Name) {\n"
			       "\t\t\tNew-VMSwitch -Name ");
			val(g, s->name ? s->name : s->guid);
			putf(g,
			     " -NetAdapterName $smigAdapter.Name -AllowManagementOS $%s\n"
			     "\t\t}\n"
			     "\t} else {\n"
			     "\t\tWrite-SmigItem 'network' $smigName $smigSwitchId 'warning' (",
			     ps->src_host_vnic ? "true" : "false");
			msg(g,
			    _("an external network with no destination adapter given (-{0}): "
			      "created as an internal network; run migrate.ps1 again with -{0} to "
			      "bind it"));
			putf(g, " -f '%s')\n", prm);
		} else
			put(g, "\t} else {\n");
		put(g, "\t\tInvoke-SmigChange 'network' $smigName $smigSwitchId ('New-VMSwitch "
		       "-SwitchType ' + $smigType) {\n"
		       "\t\t\tNew-VMSwitch -Name ");
		val(g, s->name ? s->name : s->guid);
		put(g, " -SwitchType $smigType\n"
		       "\t\t}\n"
		       "\t}\n");
		catch_item(g, "network", "$smigName", "$smigSwitchId");
	}
}

/* The arguments of Set-SmigIPv4 for a source adapter's TCP/IP settings; `routed` false: the
 * address only, no default gateway and no DNS servers. */
static void ip_args(struct gen *g, const struct smig_inv_nic *n, bool routed)
{
	size_t k, c;
	int len;

	putf(g, "-Dhcp $%s -Address @(", n->dhcp ? "true" : "false");
	for (k = 0, c = 0; !n->dhcp && n->ip && n->ip[k]; k++) {
		if (!n->mask || !n->mask[k] || !ipv4_ok(n->ip[k], NULL) ||
		    (len = mask_prefix(n->mask[k])) < 0)
			continue;
		putf(g, "%s'%s/%d'", c++ ? ", " : "", n->ip[k], len);
	}
	put(g, ") -Gateway @(");
	for (k = 0, c = 0; routed && !n->dhcp && n->gateway && n->gateway[k]; k++)
		if (ipv4_ok(n->gateway[k], NULL))
			putf(g, "%s'%s'", c++ ? ", " : "", n->gateway[k]);
	put(g, ") -Dns @(");
	for (k = 0, c = 0; routed && n->dns && n->dns[k]; k++)
		if (ipv4_ok(n->dns[k], NULL))
			putf(g, "%s'%s'", c++ ? ", " : "", n->dns[k]);
	put(g, ")\n");
}

static void phase_ip(struct gen *g)
{
	const struct smig_plan *p = g->p;
	enum smig_ipconfig_mode m = p->opts ? p->opts->ipmode : SMIG_IPMODE_NONE;
	size_t i;
	char mac[13];

	phase(g, 5, _("management-OS IP settings"), "ip");
	if (m != SMIG_IPMODE_NIC && m != SMIG_IPMODE_ALL) {
		put(g, "Write-SmigItem 'ip' 'settings' '' 'skipped' ");
		msg(g,
		    _("apply ran without --ipconfig-mode nic or all: IP settings are left as they "
		      "are"));
		put(g, "\n");
		return;
	}
	for (i = 0; i < p->nswitches; i++) {
		const struct smig_plan_switch *ps = &p->switches[i];
		const struct smig_inv_nic *n = ps->src_host_vnic;

		if (!n || !n->has_tcpip)
			continue;
		put(g, "$smigIf = 'vEthernet (' + ");
		val(g, ps->src->name ? ps->src->name : ps->src->guid);
		put(g, " + ')'\n"
		       "try {\n"
		       "\t$smigNa = Find-SmigAdapter $smigIf -Virtual\n");
		if (ps->src->type == SMIG_SWITCH_EXTERNAL) {
			put(g, "\t$smigSw = Find-SmigSwitch ");
			val(g, ps->src->name ? ps->src->name : ps->src->guid);
			put(g, "\n");
		}
		put(g, "\tif (-not $smigNa -and $WhatIfPreference) {\n");
		comment_at(g, "\t\t", _("-WhatIf: phase 4 did not create its virtual network"));
		put(g, "\t\tWrite-SmigItem 'ip' $smigIf '' 'whatif' ");
		msg(g, _("IP settings of the management-OS adapter its virtual network gets"));
		put(g, "\n"
		       "\t} elseif (-not $smigNa) {\n"
		       "\t\tthrow ");
		msg(g, _("no such adapter: its virtual network has no management-OS adapter"));
		put(g, "\n");
		if (ps->src->type == SMIG_SWITCH_EXTERNAL) {
			/* created internal (no adapter given): a default route or DNS servers
			 * on an isolated adapter can cut the host off */
			put(g,
			    "\t} elseif ($smigSw -and [string]$smigSw.SwitchType -ne 'External') "
			    "{\n"
			    "\t\tWrite-SmigItem 'ip' $smigIf '' 'warning' (");
			msg(g,
			    _("its virtual network is {0} here, not External: only the address is "
			      "set; the source's default gateway and DNS servers are left out (a "
			      "default route on an isolated adapter can cut this host off)"));
			put(g, " -f $smigSw.SwitchType)\n"
			       "\t\tSet-SmigIPv4 -Adapter $smigNa -Label $smigIf ");
			ip_args(g, n, false);
		}
		put(g, "\t} else {\n"
		       "\t\tSet-SmigIPv4 -Adapter $smigNa -Label $smigIf ");
		ip_args(g, n, true);
		put(g, "\t}\n");
		catch_item(g, "ip", "$smigIf", "''");
	}
	for (i = 0; i < p->nnicmap; i++) {
		const struct smig_inv_nic *src = p->nicmap[i].src, *dst = p->nicmap[i].dst;

		if (!src || !dst || !src->has_tcpip)
			continue;
		put(g, "$smigIf = ");
		if (dst->has_mac) {
			smig_mac_format_plain(&dst->mac, mac);
			putf(g, "'%s'", mac);
		} else {
			val(g, dst->connection_name ? dst->connection_name : dst->guid);
		}
		put(g, "\n"
		       "try {\n"
		       "\t$smigNa = Find-SmigAdapter $smigIf\n"
		       "\tif (-not $smigNa) {\n"
		       "\t\tthrow ");
		msg(g, _("no adapter has this MAC address (--map-mac)"));
		put(g, "\n"
		       "\t}\n"
		       "\tSet-SmigIPv4 -Adapter $smigNa -Label $smigIf ");
		ip_args(g, src, true);
		catch_item(g, "ip", "$smigIf", "''");
	}
}

static void phase_vmq(struct gen *g)
{
	const struct smig_plan *p = g->p;
	const struct smig_inv_hostsettings *h = &p->src->host;
	const char *names[2] = {"TenGigVmqEnabled", "BelowTenGigVmqEnabled"};
	int vals[2] = {h->vmq_tengig, h->vmq_below_tengig};
	size_t i;
	char mac[13];
	bool any = false;

	phase(g, 6, _("VMQ"), "vmq");
	for (i = 0; p->set_vmq && i < 2; i++) {
		if (vals[i] < 0)
			continue;
		putf(
		    g,
		    "try {\n"
		    "\t$smigKey = 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\VMSMP\\Parameters'\n"
		    "\t$smigCur = Get-ItemProperty -Path $smigKey -ErrorAction SilentlyContinue\n"
		    "\tif ($smigCur -and $smigCur.PSObject.Properties['%s'] -and $smigCur.%s -eq "
		    "%d) "
		    "{\n"
		    "\t\tWrite-SmigItem 'vmq' '%s' '' 'skipped' ",
		    names[i], names[i], vals[i], names[i]);
		msgf(g, _("%d already"), vals[i]);
		putf(g,
		     "\n"
		     "\t} else {\n"
		     "\t\tInvoke-SmigChange 'vmq' '%s' '' '%d (REG_DWORD)' {\n"
		     "\t\t\tNew-ItemProperty -Path $smigKey -Name %s -PropertyType DWord -Value %d "
		     "-Force\n"
		     "\t\t}\n"
		     "\t}\n",
		     names[i], vals[i], names[i], vals[i]);
		putf(g,
		     "} catch {\n\tWrite-SmigItem 'vmq' '%s' '' 'failed' $_.Exception.Message\n}\n",
		     names[i]);
		any = true;
	}
	for (i = 0; i < p->nnicmap; i++) {
		const struct smig_inv_nic *src = p->nicmap[i].src, *dst = p->nicmap[i].dst;

		if (!src || !dst || src->vmq < 0 || !dst->has_mac)
			continue;
		smig_mac_format_plain(&dst->mac, mac);
		putf(g,
		     "$smigIf = '%s'\n"
		     "try {\n"
		     "\t$smigNa = Find-SmigAdapter $smigIf\n"
		     "\tif (-not $smigNa) {\n"
		     "\t\tthrow ",
		     mac);
		msg(g, _("no adapter has this MAC address (--map-mac)"));
		put(g,
		    "\n"
		    "\t}\n"
		    "\t$smigQ = $null\n"
		    "\tforeach ($smigOne in @(Get-NetAdapterVmq -ErrorAction SilentlyContinue)) {\n"
		    "\t\tif ($smigOne.Name -eq $smigNa.Name) {\n"
		    "\t\t\t$smigQ = $smigOne\n"
		    "\t\t}\n"
		    "\t}\n"
		    "\tif (-not $smigQ) {\n"
		    "\t\tWrite-SmigItem 'vmq' $smigIf '' 'warning' ");
		msg(g, _("the adapter has no VMQ capability"));
		putf(g,
		     "\n"
		     "\t} elseif ([bool]$smigQ.Enabled -eq $%s) {\n"
		     "\t\tWrite-SmigItem 'vmq' $smigIf '' 'skipped' ",
		     src->vmq ? "true" : "false");
		msg(g, src->vmq ? _("VMQ enabled already") : _("VMQ disabled already"));
		put(g, "\n"
		       "\t} else {\n"
		       "\t\tInvoke-SmigChange 'vmq' $smigIf '' ");
		msg(g, src->vmq ? _("VMQ enabled") : _("VMQ disabled"));
		putf(g,
		     " {\n"
		     "\t\t\t%s-NetAdapterVmq -InputObject $smigQ\n"
		     "\t\t}\n"
		     "\t}\n",
		     src->vmq ? "Enable" : "Disable");
		catch_item(g, "vmq", "$smigIf", "''");
		any = true;
	}
	if (!any) {
		put(g, "Write-SmigItem 'vmq' 'settings' '' 'skipped' ");
		msg(g, _("the plan changes no VMQ setting"));
		put(g, "\n");
	}
}

/* The access VLAN of a source VM adapter: its own, else its port's. */
static uint32_t nic_vlan(const struct smig_plan *p, const struct smig_inv_nicvm *n)
{
	const struct smig_inv_switch *s;
	size_t k;

	if (n->vlan)
		return n->vlan;
	s = n->switch_guid ? smig_inventory_find_switch(p->src, n->switch_guid) : NULL;
	for (k = 0; s && n->port_guid && k < s->nports; k++)
		if (s->ports[k].guid && smig_guid_str_equal(s->ports[k].guid, n->port_guid))
			return s->ports[k].vlan;
	return 0;
}

/* One source network adapter: `by_mac` selects the pass (MAC-matched adapters first, so an
 * adapter matched by order cannot take one that a later MAC would have matched). */
static void vm_nic(struct gen *g, const struct smig_inv_nicvm *n, size_t idx, bool by_mac)
{
	const struct smig_plan_switch *ps;
	struct smig_mac m;
	bool have_mac = n->mac && smig_mac_parse(n->mac, &m) && !smig_mac_is_zero(&m);
	char mac[13] = "";
	uint32_t vlan = nic_vlan(g->p, n);

	if (have_mac != by_mac)
		return;
	if (have_mac)
		smig_mac_format_plain(&m, mac);
	ps = n->switch_guid ? smig_plan_find_switch(g->p, n->switch_guid) : NULL;
	putf(g, "\t$smigLabel = $smigVmName + ' / network adapter %zu'\n\ttry {\n", idx + 1);
	putf(g,
	     "\t\t$smigNic = Select-SmigVMAdapter -Adapters $smigNics -Used $smigUsed -Mac '%s' "
	     "-Legacy $%s -ByOrder $%s\n"
	     "\t\tif (-not $smigNic) {\n"
	     "\t\t\tthrow ",
	     mac, n->legacy ? "true" : "false", !have_mac || !n->mac_static ? "true" : "false");
	if (have_mac)
		msgf(g, _("the imported VM has no network adapter with MAC %s"), mac);
	else
		msg(g, _("the imported VM has no network adapter left for this one"));
	put(g, "\n\t\t}\n");
	if (n->switch_guid && !ps) {
		put(g, "\t\tWrite-SmigItem 'vms' $smigLabel $smigVmId 'warning' ");
		msg(g, _("its virtual network is not in the archive: left unconnected"));
		put(g, "\n");
		put(g,
		    "\t\tConnect-SmigVMAdapter -Adapter $smigNic -Label $smigLabel -VMId $smigVmId "
		    "-Switch ''");
	} else {
		put(g,
		    "\t\tConnect-SmigVMAdapter -Adapter $smigNic -Label $smigLabel -VMId $smigVmId "
		    "-Switch ");
		val(g, ps ? (ps->src->name ? ps->src->name : ps->src->guid) : "");
	}
	putf(g, " -Vlan %u\n\t", (unsigned)vlan);
	catch_item(g, "vms", "$smigLabel", "$smigVmId");
}

/* An ISO or VFD drive: the file apply placed with --copy-media (its destination path), else
 * the source's path, attached when the file is on the host. */
static void vm_media(struct gen *g, const struct smig_plan_vm *v, const struct smig_inv_drive *d)
{
	unsigned ctl = 0, loc = 0;
	enum smig_slot_type t = smig_slot_parse(d->slot, &ctl, &loc);
	bool iso = d->kind == SMIG_INV_DRIVE_ISO;
	const struct smig_plan_file *placed = smig_plan_media(v, d->pathname);
	const char *path = placed ? placed->winpath : d->pathname;

	if (!path || !path[0])
		return;
	if ((iso && t != SMIG_SLOT_IDE) || (!iso && t != SMIG_SLOT_FLOPPY)) {
		put(g, "\tWrite-SmigItem 'vms' $smigVmName $smigVmId 'manual' (");
		msg(g, _("reattach {0} by hand: its slot is not one migrate.ps1 knows: {1}"));
		put(g, " -f ");
		val(g, path);
		put(g, ", ");
		val(g, d->slot ? d->slot : "?");
		put(g, ")\n");
		return;
	}
	putf(g, "\t$smigLabel = $smigVmName + ' / %s'\n\t$smigMedia = ", d->slot);
	val(g, path);
	put(g, "\n\ttry {\n");
	if (iso)
		putf(g,
		     "\t\t$smigDrive = Get-VMDvdDrive -VM $smigVm -ControllerNumber %u "
		     "-ControllerLocation %u\n",
		     ctl, loc);
	else
		put(g, "\t\t$smigDrive = Get-VMFloppyDiskDrive -VM $smigVm\n");
	put(g, "\t\tif ($smigDrive -and $smigDrive.Path -eq $smigMedia) {\n"
	       "\t\t\tWrite-SmigItem 'vms' $smigLabel $smigVmId 'skipped' (");
	msg(g, _("{0} is attached already"));
	put(g, " -f $smigMedia)\n"
	       "\t\t} elseif (-not (Test-Path -LiteralPath $smigMedia)) {\n"
	       "\t\t\tWrite-SmigItem 'vms' $smigLabel $smigVmId 'warning' (");
	msg(g, _("{0} is not on this host: copy it there and run migrate.ps1 again"));
	put(g, " -f $smigMedia)\n");
	put(g, "\t\t} elseif ($smigDrive) {\n"
	       "\t\t\tInvoke-SmigChange 'vms' $smigLabel $smigVmId (");
	msg(g, _("insert {0}"));
	put(g, " -f $smigMedia) {\n");
	if (iso) {
		put(g, "\t\t\t\tSet-VMDvdDrive -VMDvdDrive $smigDrive -Path $smigMedia\n"
		       "\t\t\t}\n"
		       "\t\t} else {\n"
		       "\t\t\tInvoke-SmigChange 'vms' $smigLabel $smigVmId (");
		msg(g, _("add a DVD drive with {0}"));
		putf(g,
		     " -f $smigMedia) {\n"
		     "\t\t\t\tAdd-VMDvdDrive -VM $smigVm -ControllerNumber %u -ControllerLocation "
		     "%u "
		     "-Path $smigMedia\n"
		     "\t\t\t}\n"
		     "\t\t}\n",
		     ctl, loc);
	} else {
		put(g,
		    "\t\t\t\tSet-VMFloppyDiskDrive -VMFloppyDiskDrive $smigDrive -Path $smigMedia\n"
		    "\t\t\t}\n"
		    "\t\t} else {\n"
		    "\t\t\tthrow ");
		msg(g, _("the VM has no floppy drive"));
		put(g, "\n\t\t}\n");
	}
	put(g, "\t");
	catch_item(g, "vms", "$smigLabel", "$smigVmId");
}

static void vm_passthrough(struct gen *g, const struct smig_inv_drive *d, const char *prm)
{
	unsigned ctl = 0, loc = 0;
	enum smig_slot_type t = smig_slot_parse(d->slot, &ctl, &loc);
	const char *type = t == SMIG_SLOT_IDE ? "IDE" : "SCSI";

	putf(g,
	     "\t$smigLabel = $smigVmName + ' / %s'\n"
	     "\ttry {\n"
	     "\t\t$smigHd = Get-VMHardDiskDrive -VM $smigVm -ControllerType %s -ControllerNumber "
	     "%u -ControllerLocation %u\n"
	     "\t\tif ($%s -lt 0) {\n"
	     "\t\t\tWrite-SmigItem 'vms' $smigLabel $smigVmId 'warning' (",
	     d->slot, type, ctl, loc, prm);
	msg(g, _("pass-through disk not attached: run migrate.ps1 again with -{0} <disk number> "
	         "(Get-Disk)"));
	putf(g,
	     " -f '%s')\n"
	     "\t\t} elseif ($smigHd -and $smigHd.DiskNumber -eq $%s) {\n"
	     "\t\t\tWrite-SmigItem 'vms' $smigLabel $smigVmId 'skipped' (",
	     prm, prm);
	msg(g, _("disk {0} is attached already"));
	putf(g,
	     " -f $%s)\n"
	     "\t\t} elseif ($smigHd -and ($smigHd.Path -or $smigHd.DiskNumber -ne $null)) {\n"
	     "\t\t\tthrow ",
	     prm);
	msg(g, _("another disk is attached at this slot"));
	putf(g,
	     "\n"
	     "\t\t} elseif (-not (Get-Disk -Number $%s).IsOffline) {\n"
	     "\t\t\tthrow (",
	     prm);
	msg(g, _("disk {0} is online on this host: take it offline first (Set-Disk -Number {0} "
	         "-IsOffline $true)"));
	putf(g, " -f $%s)\n\t\t} elseif ($smigHd) {\n", prm);
	comment_at(g, "\t\t\t", _("the drive apply emptied is still there: give it the disk"));
	put(g, "\t\t\tInvoke-SmigChange 'vms' $smigLabel $smigVmId (");
	msg(g, _("attach the pass-through disk {0}"));
	putf(g,
	     " -f $%s) {\n"
	     "\t\t\t\tSet-VMHardDiskDrive -VMHardDiskDrive $smigHd -DiskNumber $%s\n"
	     "\t\t\t}\n"
	     "\t\t} else {\n"
	     "\t\t\tInvoke-SmigChange 'vms' $smigLabel $smigVmId (",
	     prm, prm);
	msg(g, _("attach the pass-through disk {0}"));
	putf(g,
	     " -f $%s) {\n"
	     "\t\t\t\tAdd-VMHardDiskDrive -VM $smigVm -ControllerType %s -ControllerNumber %u "
	     "-ControllerLocation %u -DiskNumber $%s\n"
	     "\t\t\t}\n"
	     "\t\t}\n\t",
	     prm, type, ctl, loc, prm);
	catch_item(g, "vms", "$smigLabel", "$smigVmId");
}

/* The VM account's access to `winpath`, at indentation `ind`. */
static void vm_grant(struct gen *g, const char *ind, const char *winpath, const char *perm)
{
	if (!icacls_path_ok(winpath)) {
		putf(g, "%sWrite-SmigItem 'vms' $smigVmName $smigVmId 'manual' (", ind);
		msg(g,
		    _("grant the VM's account access to {0} by hand: icacls cannot be given this "
		      "path safely"));
		put(g, " -f ");
		val(g, winpath ? winpath : "");
		put(g, ")\n");
		return;
	}
	putf(g, "%stry {\n%s\tGrant-SmigAccess -Path ", ind, ind);
	val(g, winpath);
	putf(g, " -Perm '%s' -Label $smigVmName -VMId $smigVmId\n%s", perm, ind);
	catch_item(g, "vms", "$smigVmName", "$smigVmId");
}

/* Stop, inside a try block that reports for $smigVmName, if disk `winpath` is an NTFS
 * sparse file (A69); at indentation `ind`. */
static void assert_dense(struct gen *g, const char *ind, const char *winpath)
{
	putf(g, "%sAssert-SmigDense -Path ", ind);
	val(g, winpath);
	put(g, "\n");
}

static int phase_vms(struct gen *g)
{
	const struct smig_plan *p = g->p;
	size_t i, j, n;
	char guid[SMIG_GUID_BUFSZ];

	phase(g, 7, _("virtual machines"), "vms");
	if (p->storage_only) {
		/* a storage archive: the disks are placed, no VM is registered (seed type
		 * Storage); the admin attaches them (manual step SMIG3013) */
		put(g, "Write-SmigItem 'vms' 'VMs' '' 'skipped' ");
		msg(g,
		    _("the archive carries disks only (--type storage): apply placed them, no VM "
		      "is registered"));
		put(g, "\n");
		for (i = 0; i < p->nvms; i++) {
			const struct smig_plan_vm *v = &p->vms[i];

			for (j = 0; j < v->ndisks && !v->disks[j].winpath; j++)
				;
			if (!v->selected || j == v->ndisks || !guid_upper(v->id, guid))
				continue;
			putf(g, "$smigVmId = '%s'\n$smigVmName = ", guid);
			val(g, vm_name(v));
			put(g, "\n");
			for (j = 0; j < v->ndisks; j++) {
				if (!v->disks[j].winpath)
					continue;
				put(g, "try {\n");
				assert_dense(g, "\t", v->disks[j].winpath);
				catch_item(g, "vms", "$smigVmName", "$smigVmId");
			}
		}
		return 0;
	}
	for (i = 0, n = 0; i < p->nvms; i++) {
		const struct smig_plan_vm *v = &p->vms[i];
		struct smig_strbuf t = SMIG_STRBUF_INIT;
		size_t len;

		if (!v->selected)
			continue;
		if (!guid_upper(v->id, guid))
			return smig_err_set(
			    g->e, SMIG_ERR_USAGE,
			    _("VM '%s': the plan's destination id '%s' is not a GUID"), vm_name(v),
			    v->id ? v->id : "");
		n++;
		smig_strbuf_printf(&t, _("-- VM '%s' (%s) --"), vm_name(v), guid);
		comment(g, "", smig_strbuf_cstr(&t));
		smig_strbuf_release(&t);
		putf(g, "$smigVmId = '%s'\n$smigVmName = ", guid);
		val(g, vm_name(v));
		put(g, "\n$smigConfig = ");
		val(g, v->config_winpath ? v->config_winpath : "");
		put(g, "\n"
		       "try {\n"
		       "\t$smigVm = Get-VM -Id $smigVmId -ErrorAction SilentlyContinue\n"
		       "\tif ($smigVm) {\n"
		       "\t\tWrite-SmigItem 'vms' $smigVmName $smigVmId 'skipped' ");
		msg(g, _("a VM with this ID is registered already"));
		put(g, "\n"
		       "\t} else {\n"
		       "\t\tif (-not (Test-Path -LiteralPath $smigConfig)) {\n"
		       "\t\t\tthrow (");
		msg(g, _("its configuration is not at {0} (did apply finish?)"));
		put(g, " -f $smigConfig)\n"
		       "\t\t}\n");
		for (j = 0; j < v->ndisks; j++)
			if (v->disks[j].winpath)
				assert_dense(g, "\t\t", v->disks[j].winpath);
		put(g, "\t\t$smigReport = Compare-VM -Path ");
		val(g, v->config_winpath ? v->config_winpath : "");
		put(g, " -Register -WhatIf:$false\n"
		       "\t\tResolve-SmigReport -Report $smigReport -Label $smigVmName -VMId "
		       "$smigVmId\n"
		       "\t\tInvoke-SmigChange 'vms' $smigVmName $smigVmId ");
		msg(g, _("Import-VM (registered in place, same ID)"));
		put(g,
		    " {\n"
		    "\t\t\tImport-VM -CompatibilityReport $smigReport\n"
		    "\t\t}\n"
		    "\t\t$smigVm = Get-VM -Id $smigVmId -ErrorAction SilentlyContinue\n"
		    "\t}\n"
		    "} catch {\n"
		    "\tWrite-SmigItem 'vms' $smigVmName $smigVmId 'failed' $_.Exception.Message\n"
		    "\t$smigVm = $null\n"
		    "}\n"
		    "if ($smigVm) {\n"
		    "\t$smigNics = @(Get-VMNetworkAdapter -VM $smigVm)\n"
		    "\t$smigUsed = @{}\n");
		for (j = 0; j < v->src->nnics; j++)
			vm_nic(g, &v->src->nics[j], j, true);
		for (j = 0; j < v->src->nnics; j++)
			vm_nic(g, &v->src->nics[j], j, false);
		putf(g,
		     "\ttry {\n"
		     "\t\t$smigProc = Get-VMProcessor -VM $smigVm\n"
		     "\t\tif ([bool]$smigProc.CompatibilityForMigrationEnabled -eq $%s) {\n"
		     "\t\t\tWrite-SmigItem 'vms' $smigVmName $smigVmId 'skipped' ",
		     v->cpu_compat ? "true" : "false");
		msg(g, v->cpu_compat ? _("processor compatibility on already")
		                     : _("processor compatibility off already"));
		put(g, "\n"
		       "\t\t} else {\n"
		       "\t\t\tInvoke-SmigChange 'vms' $smigVmName $smigVmId ");
		msg(g, v->cpu_compat ? _("processor compatibility on")
		                     : _("processor compatibility off"));
		putf(g,
		     " {\n"
		     "\t\t\t\tSet-VMProcessor -VM $smigVm -CompatibilityForMigrationEnabled $%s\n"
		     "\t\t\t}\n"
		     "\t\t}\n\t",
		     v->cpu_compat ? "true" : "false");
		catch_item(g, "vms", "$smigVmName", "$smigVmId");
		for (j = 0; j < v->src->ndrives; j++) {
			const struct smig_inv_drive *d = &v->src->drives[j];

			if (d->kind == SMIG_INV_DRIVE_ISO || d->kind == SMIG_INV_DRIVE_VFD)
				vm_media(g, v, d);
			else if (d->kind == SMIG_INV_DRIVE_PASSTHROUGH && g->prm.disk[i] &&
			         g->prm.disk[i][j])
				vm_passthrough(g, d, g->prm.disk[i][j]);
			else if (d->kind == SMIG_INV_DRIVE_PASSTHROUGH) {
				put(g, "\tWrite-SmigItem 'vms' $smigVmName $smigVmId 'manual' (");
				msg(g,
				    _("a pass-through disk in an unusable slot: attach it by hand: "
				      "{0}"));
				put(g, " -f ");
				val(g, d->slot ? d->slot : "?");
				put(g, ")\n");
			}
		}
		/* the VM account's access to its files (copied files carry no entry for it) */
		vm_grant(g, "\t", v->config_winpath, "(F)");
		len = v->config_winpath ? strlen(v->config_winpath) : 0;
		if (len > 4 && smig_endswith_ci(v->config_winpath, ".xml")) {
			char *dir = smig_strndup(v->config_winpath, len - 4, g->e);

			if (!dir)
				return -1;
			put(g, "\tif (Test-Path -LiteralPath ");
			val(g, dir);
			put(g, ") {\n");
			vm_grant(g, "\t\t", dir, "(OI)(CI)F");
			put(g, "\t}\n");
			free(dir);
		}
		for (j = 1; j < v->nfiles; j++) /* [0] is the configuration */
			if (v->files[j].winpath && v->files[j].role &&
			    strcmp(v->files[j].role, "snapshot-config") == 0)
				vm_grant(g, "\t", v->files[j].winpath, "(F)");
		for (j = 0; j < v->ndisks; j++)
			if (v->disks[j].winpath)
				vm_grant(g, "\t", v->disks[j].winpath, "(F)");
		if (v->saved_state_dropped) {
			put(g, "\tWrite-SmigItem 'vms' $smigVmName $smigVmId 'warning' ");
			msg(g, v->src->saved_state
			           ? _("its saved state was discarded (--discard-saved-state): it "
			               "cold "
			               "boots, as after a power loss")
			           : _("the saved state of its snapshots was discarded "
			               "(--discard-saved-state): applying such a snapshot leaves "
			               "the VM "
			               "off, to cold boot from it"));
			put(g, "\n");
		}
		put(g, "}\n");
	}
	if (n == 0) {
		put(g, "Write-SmigItem 'vms' 'VMs' '' 'skipped' ");
		msg(g, _("the plan imports no VM"));
		put(g, "\n");
	}
	return 0;
}

/* A built-in rule the source had switched off: the description smig_fwrule_describe() wrote
 * ends in "'<name>' inactive, ..." (the last quoted name is followed by the state). */
static bool fw_inactive(const char *desc)
{
	const char *a, *in = NULL, *on = NULL;

	for (a = desc; a && (a = strstr(a, "' inactive, ")) != NULL; a++)
		in = a;
	for (a = desc; a && (a = strstr(a, "' active, ")) != NULL; a++)
		on = a;
	return in != NULL && (on == NULL || in > on);
}

static const char *fw_text(const struct gen *g, const char *id)
{
	size_t i;

	for (i = 0; g->fw && i < g->fw->n; i++)
		if (g->fw->items[i].id && smig_streq_ci(g->fw->items[i].id, id))
			return g->fw->items[i].text;
	return NULL;
}

/* A port or a port range ("2179", "5000-5010") as New-NetFirewallRule takes it. */
static bool fw_port_ok(const char *v)
{
	unsigned long a, b;
	char *end;

	if (*v < '0' || *v > '9')
		return false;
	a = strtoul(v, &end, 10);
	if (*end == '\0')
		return a <= 65535;
	if (*end != '-' || end[1] < '0' || end[1] > '9')
		return false;
	b = strtoul(end + 1, &end, 10);
	return *end == '\0' && a <= b && b <= 65535;
}

static bool fw_addr1(const char *v, size_t n, bool v6)
{
	char buf[64];
	unsigned char bin[16];

	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, v, n);
	buf[n] = '\0';
	return inet_pton(v6 ? AF_INET6 : AF_INET, buf, bin) == 1;
}

/* An address, a range "a-b" or a subnet "a/mask" or "a/prefix" (what the rule grammar writes
 * and New-NetFirewallRule takes); keywords (LocalSubnet, DNS, ...) are left to the admin: the
 * 2012 keyword covers both address families where the rule names one. */
static bool fw_addr_ok(const char *v, bool v6)
{
	const char *sep = strpbrk(v, "-/");
	char *end;
	unsigned long len;

	if (sep == NULL)
		return fw_addr1(v, strlen(v), v6);
	if (!fw_addr1(v, (size_t)(sep - v), v6))
		return false;
	if (*sep == '-')
		return fw_addr1(sep + 1, strlen(sep + 1), v6);
	if (sep[1] >= '0' && sep[1] <= '9' && strchr(sep + 1, '.') == NULL &&
	    strchr(sep + 1, ':') == NULL) {
		len = strtoul(sep + 1, &end, 10);
		return *end == '\0' && len <= (v6 ? 128u : 32u);
	}
	return !v6 && mask_prefix(sep + 1) >= 0;
}

/* The fields of a rule New-NetFirewallRule is given; anything else keeps it a manual item. */
struct fw_map {
	const char *action, *dir, *proto, *active, *app, *svc, *name, *desc, *group, *edge;
	bool profile[3]; /* Domain, Private, Public */
	const char **lport, **rport, **laddr, **raddr;
	size_t nlport, nrport, nladdr, nraddr;
};

/* Map the rule's fields; false with `why` set when one does not map. */
static bool fw_map_rule(const struct smig_fwrule *r, struct fw_map *m, const char **why)
{
	static const char *const profiles[] = {"Domain", "Private", "Public"};
	size_t i, k;

	for (i = 0; i < r->nfields; i++) {
		const char *key = r->fields[i].key, *v = r->fields[i].value;
		const char **one = NULL;

		*why = key;
		if (strcmp(key, "Action") == 0)
			one = &m->action;
		else if (strcmp(key, "Dir") == 0)
			one = &m->dir;
		else if (strcmp(key, "Protocol") == 0)
			one = &m->proto;
		else if (strcmp(key, "Active") == 0)
			one = &m->active;
		else if (strcmp(key, "App") == 0)
			one = &m->app;
		else if (strcmp(key, "Svc") == 0)
			one = &m->svc;
		else if (strcmp(key, "Name") == 0)
			one = &m->name;
		else if (strcmp(key, "Desc") == 0)
			one = &m->desc;
		else if (strcmp(key, "EmbedCtxt") == 0)
			one = &m->group;
		else if (strcmp(key, "Edge") == 0)
			one = &m->edge;
		if (one) {
			if (*one != NULL || v[0] == '\0')
				return false; /* repeated or empty */
			*one = v;
			continue;
		}
		if (strcmp(key, "Profile") == 0) {
			for (k = 0; k < 3 && strcmp(v, profiles[k]) != 0; k++)
				;
			if (k == 3)
				return false;
			m->profile[k] = true;
		} else if (strcmp(key, "LPort") == 0 && fw_port_ok(v)) {
			m->lport[m->nlport++] = v;
		} else if (strcmp(key, "RPort") == 0 && fw_port_ok(v)) {
			m->rport[m->nrport++] = v;
		} else if ((strcmp(key, "LA4") == 0 || strcmp(key, "LA6") == 0) &&
		           fw_addr_ok(v, key[2] == '6')) {
			m->laddr[m->nladdr++] = v;
		} else if ((strcmp(key, "RA4") == 0 || strcmp(key, "RA6") == 0) &&
		           fw_addr_ok(v, key[2] == '6')) {
			m->raddr[m->nraddr++] = v;
		} else {
			return false;
		}
	}
	*why = NULL;
	if (!m->action || (strcmp(m->action, "Allow") != 0 && strcmp(m->action, "Block") != 0)) {
		*why = "Action";
		return false;
	}
	if (!m->dir || (strcmp(m->dir, "In") != 0 && strcmp(m->dir, "Out") != 0)) {
		*why = "Dir";
		return false;
	}
	if (m->active && strcmp(m->active, "TRUE") != 0 && strcmp(m->active, "FALSE") != 0) {
		*why = "Active";
		return false;
	}
	if (m->proto) {
		char *end;
		unsigned long n = strtoul(m->proto, &end, 10);

		if (m->proto[0] < '0' || m->proto[0] > '9' || *end != '\0' || n > 255) {
			*why = "Protocol";
			return false;
		}
	}
	/* ports need TCP or UDP; Edge only Allow/Block as 2012 names them */
	if ((m->nlport || m->nrport) &&
	    (!m->proto || (strcmp(m->proto, "6") != 0 && strcmp(m->proto, "17") != 0))) {
		*why = "LPort/RPort";
		return false;
	}
	if (m->edge && strcmp(m->edge, "TRUE") != 0 && strcmp(m->edge, "FALSE") != 0) {
		*why = "Edge";
		return false;
	}
	if (m->svc && strcmp(m->svc, "*") == 0) {
		*why = "Svc";
		return false;
	}
	return true;
}

bool smig_migrate_fw_recreated(const struct smig_fwtexts *fw, const struct smig_inv_fwrule *r,
                               char *why, size_t whylen)
{
	struct gen g = {.fw = fw};
	const char *text = r->id ? fw_text(&g, r->id) : NULL, *field = NULL;
	struct smig_fwrule fr = {0};
	struct smig_err e2 = SMIG_ERR_INIT;
	struct fw_map m;
	const char **slots = NULL;
	bool ok = false;

	memset(&m, 0, sizeof(m));
	if (!text) {
		snprintf(why, whylen, "%s",
		         _("the archive carries only its summary, not its text"));
		return false;
	}
	if (smig_fwrule_parse(r->id, text, &fr, &e2) < 0) {
		snprintf(why, whylen, _("its text cannot be read: %s"), e2.msg);
		why[smig_width_boundary(why, strlen(why))] = '\0'; /* the cut, between characters */
		return false;
	}
	slots = calloc(4 * (fr.nfields + 1), sizeof(*slots));
	if (slots) {
		m.lport = slots;
		m.rport = slots + (fr.nfields + 1);
		m.laddr = slots + 2 * (fr.nfields + 1);
		m.raddr = slots + 3 * (fr.nfields + 1);
		ok = fw_map_rule(&fr, &m, &field);
		if (!ok) {
			snprintf(why, whylen,
			         _("its field '%s' has no faithful New-NetFirewallRule parameter"),
			         field ? field : "?");
			why[smig_width_boundary(why, strlen(why))] = '\0';
		}
	} else {
		snprintf(why, whylen, "%s", _("out of memory"));
	}
	free(slots);
	smig_fwrule_release(&fr);
	return ok;
}

static void fw_list(struct gen *g, const char *param, const char **v, size_t n)
{
	size_t i;

	if (n == 0)
		return;
	putf(g, " -%s @(", param);
	for (i = 0; i < n; i++) {
		if (i)
			put(g, ", ");
		val(g, v[i]);
	}
	put(g, ")");
}

/* A user-defined Hyper-V rule of the source: recreated from its text when every field maps,
 * else a manual item with the text (or the summary when the archive gave no text). */
static int fw_recreate(struct gen *g, const struct smig_inv_fwrule *r)
{
	const char *text = fw_text(g, r->id), *why = NULL;
	struct smig_fwrule fr = {0};
	struct smig_err e2 = SMIG_ERR_INIT;
	struct fw_map m;
	const char **slots = NULL;
	bool ok = false;

	memset(&m, 0, sizeof(m));
	if (text && smig_fwrule_parse(r->id, text, &fr, &e2) == 0) {
		slots = calloc(4 * (fr.nfields + 1), sizeof(*slots));
		if (!slots) {
			smig_fwrule_release(&fr);
			return smig_err_nomem(g->e, _("writing migrate.ps1"));
		}
		m.lport = slots;
		m.rport = slots + (fr.nfields + 1);
		m.laddr = slots + 2 * (fr.nfields + 1);
		m.raddr = slots + 3 * (fr.nfields + 1);
		ok = fw_map_rule(&fr, &m, &why);
	}
	if (!ok) {
		put(g, "Write-SmigItem 'firewall' ");
		val(g, r->id);
		put(g, " '' 'manual' (");
		if (!text) {
			msg(g, _("recreate this rule of the source with New-NetFirewallRule (the "
			         "archive gave migrate.ps1 only its summary; netsh advfirewall "
			         "firewall "
			         "show rule name=all verbose on the source shows it all): {0}"));
			put(g, " -f ");
			val(g, r->description ? r->description : "");
		} else if (why) {
			/* the field's name is the rule's: hostile, an argument */
			msg(g, _("recreate this rule of the source by hand: its field {0} has no "
			         "faithful New-NetFirewallRule parameter: {1}"));
			put(g, " -f ");
			val(g, why);
			put(g, ", ");
			val(g, text);
		} else {
			msg(g,
			    _("recreate this rule of the source by hand: its text cannot be read: "
			      "{0}"));
			put(g, " -f ");
			val(g, text);
		}
		put(g, ")\n");
		goto done;
	}
	put(g, "$smigRuleName = ");
	val(g, r->id);
	put(g, "\n"
	       "try {\n"
	       "\t$smigRule = $null\n"
	       "\tforeach ($smigOne in @(Get-NetFirewallRule)) {\n"
	       "\t\tif ($smigOne.Name -eq $smigRuleName) {\n"
	       "\t\t\t$smigRule = $smigOne\n"
	       "\t\t}\n"
	       "\t}\n"
	       "\tif ($smigRule) {\n"
	       "\t\tWrite-SmigItem 'firewall' $smigRuleName '' 'skipped' ");
	msg(g, _("a rule with this name exists"));
	put(g, "\n"
	       "\t} else {\n"
	       "\t\tInvoke-SmigChange 'firewall' $smigRuleName '' (");
	msg(g, _("New-NetFirewallRule, as on the source: {0}"));
	put(g, " -f ");
	val(g, r->description ? r->description : "");
	put(g, ") {\n\t\t\tNew-NetFirewallRule -Name $smigRuleName -DisplayName ");
	val(g, m.name ? m.name : r->id);
	if (m.desc) {
		put(g, " -Description ");
		val(g, m.desc);
	}
	if (m.group) {
		put(g, " -Group ");
		val(g, m.group);
	}
	putf(g, " -Direction %s -Action %s", strcmp(m.dir, "In") == 0 ? "Inbound" : "Outbound",
	     m.action);
	if (m.proto)
		putf(g, " -Protocol %s", m.proto);
	fw_list(g, "LocalPort", m.lport, m.nlport);
	fw_list(g, "RemotePort", m.rport, m.nrport);
	fw_list(g, "LocalAddress", m.laddr, m.nladdr);
	fw_list(g, "RemoteAddress", m.raddr, m.nraddr);
	if (m.app) {
		put(g, " -Program ");
		val(g, m.app);
	}
	if (m.svc) {
		put(g, " -Service ");
		val(g, m.svc);
	}
	if (m.edge)
		putf(g, " -EdgeTraversalPolicy %s",
		     strcmp(m.edge, "TRUE") == 0 ? "Allow" : "Block");
	if (m.profile[0] || m.profile[1] || m.profile[2])
		putf(g, " -Profile '%s%s%s%s%s'", m.profile[0] ? "Domain" : "",
		     m.profile[0] && (m.profile[1] || m.profile[2]) ? ", " : "",
		     m.profile[1] ? "Private" : "", m.profile[1] && m.profile[2] ? ", " : "",
		     m.profile[2] ? "Public" : "");
	else
		put(g, " -Profile Any");
	/* the rule grammar's default is active */
	putf(g,
	     " -Enabled %s\n"
	     "\t\t}\n"
	     "\t}\n",
	     m.active && strcmp(m.active, "FALSE") == 0 ? "False" : "True");
	catch_item(g, "firewall", "$smigRuleName", "''");
done:
	free(slots);
	smig_fwrule_release(&fr);
	return 0;
}

static void phase_firewall(struct gen *g)
{
	const struct smig_plan *p = g->p;
	size_t i, n = 0;

	phase(g, 8, _("firewall"), "firewall");
	if (p->vms_only) {
		put(g, "Write-SmigItem 'firewall' 'rules' '' 'skipped' ");
		msg(g, _("the archive or the import is of some VMs, not of the host: this host's "
		         "firewall is kept"));
		put(g, "\n");
		return;
	}
	for (i = 0; i < p->src->nfwrules; i++) {
		const struct smig_inv_fwrule *r = &p->src->fwrules[i];

		if (!r->hyperv || !r->user_defined || !r->id)
			continue;
		n++;
		if (g->rc == 0 && fw_recreate(g, r) < 0)
			g->rc = -1;
		if (g->rc < 0)
			return;
	}
	for (i = 0; i < p->src->nfwrules; i++) {
		const struct smig_inv_fwrule *r = &p->src->fwrules[i];

		if (!r->hyperv || r->user_defined || !r->id || !r->description ||
		    !fw_inactive(r->description))
			continue;
		n++;
		put(g, "$smigRuleName = ");
		val(g, r->id);
		put(g, "\n"
		       "try {\n"
		       "\t$smigRule = $null\n"
		       "\tforeach ($smigOne in @(Get-NetFirewallRule)) {\n"
		       "\t\tif ($smigOne.Name -eq $smigRuleName) {\n"
		       "\t\t\t$smigRule = $smigOne\n"
		       "\t\t}\n"
		       "\t}\n"
		       "\tif (-not $smigRule) {\n"
		       "\t\tWrite-SmigItem 'firewall' $smigRuleName '' 'warning' ");
		msg(g,
		    _("the source had this built-in Hyper-V rule disabled; this host has no rule "
		      "of that name"));
		put(g, "\n"
		       "\t} elseif ([string]$smigRule.Enabled -eq 'False') {\n"
		       "\t\tWrite-SmigItem 'firewall' $smigRuleName '' 'skipped' ");
		msg(g, _("disabled already"));
		put(g, "\n"
		       "\t} else {\n"
		       "\t\tInvoke-SmigChange 'firewall' $smigRuleName '' ");
		msg(g, _("disable it, as on the source"));
		put(g, " {\n"
		       "\t\t\tDisable-NetFirewallRule -InputObject $smigRule\n"
		       "\t\t}\n"
		       "\t}\n");
		catch_item(g, "firewall", "$smigRuleName", "''");
	}
	if (n == 0) {
		put(g, "Write-SmigItem 'firewall' 'rules' '' 'skipped' ");
		msg(g, _("the source has no user-defined or disabled Hyper-V rule"));
		put(g, "\n");
	}
}

static void phase_remote(struct gen *g)
{
	const struct smig_inv_dcom *d = &g->p->src->dcom;
	size_t i;

	phase(g, 9, _("remote administration"), "remote-admin");
	if (g->p->vms_only) {
		put(g, "Write-SmigItem 'remote-admin' 'remote administration' '' 'skipped' ");
		msg(g, _("the archive or the import is of some VMs, not of the host: this host's "
		         "DCOM and WMI security are kept"));
		put(g, "\n");
		return;
	}
	if (d->customised && d->sddl && d->sddl[0]) {
		put(g, "$smigSddl = ");
		val(g, d->sddl);
		put(g, "\n"
		       "try {\n"
		       "\t$smigHelper = [wmiclass]'Win32_SecurityDescriptorHelper'\n"
		       "\t$smigOle = Get-ItemProperty -Path 'HKLM:\\SOFTWARE\\Microsoft\\Ole' "
		       "-ErrorAction SilentlyContinue\n"
		       "\t$smigCurSddl = ''\n"
		       "\tif ($smigOle -and $smigOle.MachineLaunchRestriction) {\n"
		       "\t\t$smigCurSddl = "
		       "$smigHelper.BinarySDToSDDL($smigOle.MachineLaunchRestriction)"
		       ".SDDL\n"
		       "\t}\n"
		       "\tif ($smigCurSddl -eq $smigSddl) {\n"
		       "\t\tWrite-SmigItem 'remote-admin' 'DCOM launch restriction' '' 'skipped' ");
		msg(g, _("as on the source already"));
		put(g, "\n"
		       "\t} else {\n"
		       "\t\tInvoke-SmigChange 'remote-admin' 'DCOM launch restriction' '' ");
		msg(g, _("save HKLM\\SOFTWARE\\Microsoft\\Ole to ole-before-<time>.reg, then set "
		         "MachineLaunchRestriction as on the source"));
		put(g,
		    " {\n"
		    "\t\t\t$smigBackup = Join-Path $smigHere ('ole-before-' + $smigStamp + "
		    "'.reg')\n"
		    "\t\t\treg export 'HKLM\\SOFTWARE\\Microsoft\\Ole' $smigBackup /y | Out-Null\n"
		    "\t\t\tif ($LASTEXITCODE -ne 0) {\n"
		    "\t\t\t\tthrow (");
		msg(g, _("cannot save HKLM\\SOFTWARE\\Microsoft\\Ole to {0}"));
		put(g, " -f $smigBackup)\n"
		       "\t\t\t}\n"
		       "\t\t\t$smigBinary = $smigHelper.SDDLToBinarySD($smigSddl).BinarySD\n"
		       "\t\t\tSet-ItemProperty -Path 'HKLM:\\SOFTWARE\\Microsoft\\Ole' -Name "
		       "MachineLaunchRestriction -Value $smigBinary\n"
		       "\t\t}\n"
		       "\t}\n");
		catch_item(g, "remote-admin", "'DCOM launch restriction'", "''");
		put(g, "Write-SmigItem 'remote-admin' 'DCOM launch restriction' '' 'manual' (");
		msg(g,
		    _("check each entry: a local account of the source means nothing here: {0}"));
		put(g, " -f (");
		for (i = 0; d->aces && d->aces[i]; i++) {
			val(g, d->aces[i]);
			put(g, d->aces[i + 1] ? " + '; ' + " : "");
		}
		if (i == 0)
			val(g, d->sddl);
		put(g, "))\n");
	} else {
		put(g, "Write-SmigItem 'remote-admin' 'DCOM launch restriction' '' 'skipped' ");
		msg(g, _("not customised on the source"));
		put(g, "\n");
	}
	put(g, "Write-SmigItem 'remote-admin' 'WMI root\\virtualization' '' 'manual' ");
	msg(g, _("the security of the WMI namespace root\\virtualization is in the source's WMI "
	         "repository, which smig cannot read: if it was changed there (wmimgmt.msc), make "
	         "the same change here to root\\virtualization and root\\virtualization\\v2"));
	put(g, "\n");
}

static void phase_state(struct gen *g)
{
	phase(g, 10, _("live state"), "state");
	put(g, "try {\n"
	       "\tInvoke-SmigChange 'state' $StatePath '' ");
	msg(g, _("write smig-state.json"));
	put(g, " {\n"
	       "\t\tWrite-SmigState -Path $StatePath\n"
	       "\t}\n");
	catch_item(g, "state", "$StatePath", "''");
	phase_close(g);
	put(g, "\nComplete-Smig\n");
}

/* The text was built with LF line ends; the file has CRLF and a BOM. No CR can be in it:
 * values with control characters are written as [char] codes. The BOM is what makes Windows
 * PowerShell 3.0 read the file as UTF-8 (without one it uses the ANSI code page), so that the
 * accented letters of a French script and of a host's names arrive intact. */
static char *to_crlf(const struct smig_strbuf *sb, size_t *len, struct smig_err *e)
{
	struct smig_strbuf out = SMIG_STRBUF_INIT;
	size_t i, start = 0;
	char *r = NULL;

	smig_strbuf_append(&out, "\xEF\xBB\xBF", 3);
	for (i = 0; i < sb->len; i++) {
		if (sb->buf[i] == '\r') {
			smig_err_set(e, SMIG_ERR_USAGE,
			             _("migrate.ps1: a CR in the generated text"));
			goto done;
		}
		if (sb->buf[i] != '\n')
			continue;
		smig_strbuf_append(&out, sb->buf + start, i - start);
		smig_strbuf_puts(&out, "\r\n");
		start = i + 1;
	}
	smig_strbuf_append(&out, sb->buf + start, sb->len - start);
	if (smig_strbuf_check(&out, e) < 0)
		goto done;
	r = smig_strbuf_take(&out, len);
done:
	smig_strbuf_release(&out);
	return r;
}

char *smig_migrate_ps1(const struct smig_plan *p, size_t *len, struct smig_err *e)
{
	return smig_migrate_ps1_fw(p, NULL, len, e);
}

void smig_fwtexts_release(struct smig_fwtexts *t)
{
	size_t i;

	for (i = 0; t->items && i < t->n; i++) {
		free(t->items[i].id);
		free(t->items[i].text);
	}
	free(t->items);
	t->items = NULL;
	t->n = 0;
}

int smig_fwtexts_from_reg(const void *buf, size_t len, struct smig_fwtexts *out, struct smig_err *e)
{
	struct smig_regfile_key *keys = NULL;
	struct smig_fwtexts t = {NULL, 0};
	size_t nkeys = 0, i, j, cap = 0;
	int rc = -1;

	if (smig_regfile_parse(buf, len, SMIG_MIGRATE_FW_MEMBER, &keys, &nkeys, e) < 0)
		goto done;
	for (i = 0; i < nkeys; i++) {
		const struct smig_regfile_key *k = &keys[i];
		size_t pl = strlen(k->path);

		if (k->deleted || pl < 14 || !smig_streq_ci(k->path + pl - 14, "\\FirewallRules"))
			continue;
		for (j = 0; j < k->nvalues; j++) {
			const struct smig_regfile_value *v = &k->values[j];
			struct smig_fwtext *x;

			if (v->type != 1 /* REG_SZ */ || v->name[0] == '\0')
				continue;
			if (t.n == cap) {
				size_t ncap = cap ? cap * 2 : 16;
				struct smig_fwtext *nt = realloc(t.items, ncap * sizeof(*nt));

				if (!nt) {
					smig_err_nomem(e, _("reading the firewall rules"));
					goto done;
				}
				t.items = nt;
				cap = ncap;
			}
			x = &t.items[t.n];
			x->text = NULL;
			x->id = smig_strdup(v->name, e);
			if (!x->id)
				goto done;
			t.n++;
			if (smig_utf16le_to_utf8(v->data, v->len, &x->text, e) < 0)
				goto done;
		}
	}
	*out = t;
	memset(&t, 0, sizeof(t));
	rc = 0;
done:
	smig_fwtexts_release(&t);
	smig_regfile_keys_free(keys, nkeys);
	return rc;
}

char *smig_migrate_ps1_fw(const struct smig_plan *p, const struct smig_fwtexts *fw, size_t *len,
                          struct smig_err *e)
{
	struct gen g = {SMIG_STRBUF_INIT, p, {0}, e, 0, fw, false, 0, 0, NULL};
	char *out = NULL;

	if (p == NULL || p->src == NULL || p->desc == NULL || p->desc->archive_id == NULL) {
		smig_err_set(e, SMIG_ERR_USAGE, _("migrate.ps1 needs a plan with its archive"));
		return NULL;
	}
	if (smig_migrate_params_build(p, &g.prm, e) < 0)
		goto done;
	header(&g);
	params(&g);
	prologue(&g);
	phase_prereq(&g);
	phase_host(&g);
	phase_store(&g);
	phase_networks(&g);
	phase_ip(&g);
	phase_vmq(&g);
	if (g.rc == 0 && phase_vms(&g) < 0)
		g.rc = -1;
	phase_firewall(&g);
	phase_remote(&g);
	phase_state(&g);
	if (g.rc < 0 || smig_strbuf_check(&g.sb, e) < 0)
		goto done;
	out = to_crlf(&g.sb, len, e);
done:
	smig_migrate_params_release(&g.prm);
	smig_strbuf_release(&g.sb);
	return out;
}
