/* manualsteps.c - the SMIG3xxx manual steps of a plan and finish.ps1 (see manualsteps.h). */
#include "manualsteps.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "winval.h"

/* Comment text is wrapped at this many bytes (style: 100 columns). */
#define COMMENT_WIDTH 100
/* Hyper-V's registration folder on every host (importplan.h rule 4). */
#define REGISTRATION_DIR "C:\\ProgramData\\Microsoft\\Windows\\Hyper-V\\Virtual Machines"

/* ---- text ---- */

/* Length of the UTF-8 sequence at s and its code point, or 0 when it is not valid UTF-8
 * (overlong forms, surrogates and code points above U+10FFFF are invalid). */
static size_t utf8_next(const unsigned char *s, uint32_t *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		if ((s[1] & 0xC0) != 0x80)
			return 0;
		*cp = (uint32_t)(s[0] & 0x1F) << 6 | (s[1] & 0x3F);
		return 2;
	}
	if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		if ((s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
		    (s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0))
			return 0;
		*cp = (uint32_t)(s[0] & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
		return 3;
	}
	if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		if ((s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80 ||
		    (s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90))
			return 0;
		*cp = (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3F) << 12 |
		      (uint32_t)(s[2] & 0x3F) << 6 | (s[3] & 0x3F);
		return 4;
	}
	return 0;
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

static int ps_quote_into(struct smig_strbuf *sb, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t cp;
	size_t k;

	if (!smig_utf8_valid(s, strlen(s)))
		return -1;
	smig_strbuf_putc(sb, '\'');
	for (; *u; u += k) {
		k = utf8_next(u, &cp);
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

	if (ps_quote_into(&sb, s) < 0) {
		smig_err_set(e, SMIG_ERR_FORMAT,
		             "cannot quote a value for PowerShell: not valid UTF-8");
		goto done;
	}
	if (smig_strbuf_check(&sb, e) < 0)
		goto done;
	out = smig_strbuf_take(&sb, NULL);
done:
	smig_strbuf_release(&sb);
	return out;
}

/* `n` bytes of `s` with control characters and invalid UTF-8 shown as '?' (comment text). */
static void put_clean(struct smig_strbuf *sb, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s, *end = u + n;
	uint32_t cp;
	size_t k;

	while (u < end) {
		k = utf8_next(u, &cp);
		if (k == 0 || u + k > end || is_control(cp)) {
			smig_strbuf_putc(sb, '?');
			u += k == 0 || u + k > end ? 1 : k;
			continue;
		}
		smig_strbuf_append(sb, u, k);
		u += k;
	}
}

/* `text` as "# " comment lines of at most COMMENT_WIDTH bytes where spaces allow, the first
 * starting with `label`, continuation lines indented. CRLF line ends. */
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
			smig_strbuf_puts(sb, "\r\n#   ");
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
	smig_strbuf_puts(sb, "\r\n");
	smig_strbuf_release(&clean);
}

/*
 * Lines of a command text as PowerShell reads them: a LF outside a single-quoted literal ends
 * a line. `safe` drops to false when the text cannot be written as it is: a control character
 * (other than TAB, and LF between lines), a newline inside a literal, invalid UTF-8 or an
 * unterminated literal. The literal rules are PowerShell's: any of the quote characters opens
 * and closes, two in a row inside a literal stand for one.
 */
struct cmdscan {
	const unsigned char *p;
	bool in_lit, safe;
};

static bool next_line(struct cmdscan *c, const char **start, size_t *len)
{
	const unsigned char *s = c->p;
	uint32_t cp, cp2;
	size_t k, k2;

	if (*s == '\0') {
		if (c->in_lit)
			c->safe = false;
		return false;
	}
	while (*s) {
		k = utf8_next(s, &cp);
		if (k == 0) {
			c->safe = false;
			s++;
			continue;
		}
		if (cp == '\n' && !c->in_lit)
			break;
		if (is_ps_quote(cp)) {
			if (!c->in_lit) {
				c->in_lit = true;
			} else {
				k2 = utf8_next(s + k, &cp2);
				if (k2 != 0 && is_ps_quote(cp2)) {
					s += k + k2;
					continue;
				}
				c->in_lit = false;
			}
		} else if (is_control(cp) && cp != '\t') {
			c->safe = false;
		}
		s += k;
	}
	*start = (const char *)c->p;
	*len = (size_t)(s - c->p);
	c->p = *s ? s + 1 : s;
	return true;
}

static bool cmd_safe(const char *ps)
{
	struct cmdscan c = {(const unsigned char *)ps, false, true};
	const char *l;
	size_t n;

	while (next_line(&c, &l, &n))
		;
	return c.safe;
}

/* ---- building one step ---- */

struct step {
	struct smig_strbuf subject, msg, action, ps;
	int rc; /* -1 once a value could not be quoted (error set) */
	struct smig_err *e;
};

static void step_init(struct step *st, struct smig_err *e)
{
	memset(st, 0, sizeof(*st));
	st->e = e;
}

static void step_release(struct step *st)
{
	smig_strbuf_release(&st->subject);
	smig_strbuf_release(&st->msg);
	smig_strbuf_release(&st->action);
	smig_strbuf_release(&st->ps);
}

/* Append `s` as a literal to the command. */
static void put_q(struct step *st, const char *s)
{
	if (st->rc == 0 && ps_quote_into(&st->ps, s) < 0)
		st->rc =
		    smig_err_set(st->e, SMIG_ERR_FORMAT,
		                 "'%s': a name or path is not valid UTF-8 and cannot be quoted "
		                 "for PowerShell",
		                 smig_strbuf_cstr(&st->subject));
}

/* Add the step to `out` and release it. */
static int step_add(struct smig_problems *out, const char *id, struct step *st)
{
	int rc = st->rc;

	if (rc == 0 &&
	    (smig_strbuf_check(&st->subject, st->e) < 0 || smig_strbuf_check(&st->msg, st->e) < 0 ||
	     smig_strbuf_check(&st->action, st->e) < 0 || smig_strbuf_check(&st->ps, st->e) < 0))
		rc = -1;
	if (rc == 0)
		rc = smig_problems_add(out, id, SMIG_SEV_MANUAL, smig_strbuf_cstr(&st->subject),
		                       st->action.len ? smig_strbuf_cstr(&st->action) : NULL,
		                       st->ps.len ? smig_strbuf_cstr(&st->ps) : NULL, st->e, "%s",
		                       smig_strbuf_cstr(&st->msg));
	step_release(st);
	return rc;
}

/* A GUID string in its canonical upper-case form (for Get-VM -Id, Get-VMSwitch -Id, the VM
 * account name); false when `s` is not a GUID. */
static bool guid_upper(const char *s, char buf[SMIG_GUID_BUFSZ])
{
	struct smig_guid g;

	if (s == NULL || !smig_guid_parse(s, &g))
		return false;
	smig_guid_format(&g, SMIG_GUID_UPPER, buf);
	return true;
}

static const char *vm_name(const struct smig_plan_vm *v)
{
	return v->src->name ? v->src->name : v->src->id ? v->src->id : "?";
}

/* The destination id of a selected VM, canonical; a plan without one is a caller error. */
static int vm_guid(const struct smig_plan_vm *v, char buf[SMIG_GUID_BUFSZ], struct smig_err *e)
{
	if (!guid_upper(v->id, buf))
		return smig_err_set(e, SMIG_ERR_USAGE,
		                    "VM '%s': the plan's destination id '%s' is not a GUID",
		                    vm_name(v), v->id ? v->id : "");
	return 0;
}

enum slot_type { SLOT_NONE, SLOT_IDE, SLOT_SCSI, SLOT_FLOPPY };

/* "IDE 0:1", "SCSI 0:12", "Floppy 0:0" (vmconfig's form); SLOT_NONE when malformed or out of
 * Hyper-V's ranges (IDE 0-1:0-1, SCSI 0-3:0-63). */
static enum slot_type parse_slot(const char *slot, unsigned *ctl, unsigned *loc)
{
	enum slot_type t;
	const char *s = slot;
	char *end;
	unsigned long a, b;

	if (s == NULL)
		return SLOT_NONE;
	if (strncmp(s, "IDE ", 4) == 0) {
		t = SLOT_IDE;
		s += 4;
	} else if (strncmp(s, "SCSI ", 5) == 0) {
		t = SLOT_SCSI;
		s += 5;
	} else if (strncmp(s, "Floppy ", 7) == 0) {
		t = SLOT_FLOPPY;
		s += 7;
	} else {
		return SLOT_NONE;
	}
	if (*s < '0' || *s > '9')
		return SLOT_NONE;
	a = strtoul(s, &end, 10);
	if (*end != ':' || end[1] < '0' || end[1] > '9')
		return SLOT_NONE;
	b = strtoul(end + 1, &end, 10);
	if (*end != '\0' || (t == SLOT_IDE && (a > 1 || b > 1)) ||
	    (t == SLOT_SCSI && (a > 3 || b > 63)) || (t == SLOT_FLOPPY && (a > 0 || b > 1)))
		return SLOT_NONE;
	*ctl = (unsigned)a;
	*loc = (unsigned)b;
	return t;
}

/*
 * Whether icacls can be given `w` as a file name: drive-absolute ("X:\..."), none of the
 * characters Windows refuses in names (icacls would take * and ? as wildcards and a '"' would
 * split the argument PowerShell builds), no trailing '\' (it would escape the closing quote
 * PowerShell adds around an argument with spaces).
 */
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

/* ---- the steps ---- */

static bool nic_bound_by_plan(const struct smig_plan *p, const struct smig_inv_nic *n)
{
	size_t i;

	for (i = 0; i < p->nswitches; i++)
		if (p->switches[i].bind_nic == n)
			return true;
	return false;
}

static void put_nic(struct smig_strbuf *sb, const struct smig_inv_nic *n)
{
	char mac[18];
	const char *name = n->connection_name ? n->connection_name : n->guid;

	smig_strbuf_printf(sb, "'%s'", name ? name : "?");
	if (n->description == NULL && !n->has_mac)
		return;
	smig_strbuf_puts(sb, " (");
	if (n->description)
		smig_strbuf_printf(sb, "%s%s", n->description, n->has_mac ? ", " : "");
	if (n->has_mac) {
		smig_mac_format(&n->mac, mac);
		smig_strbuf_printf(sb, "MAC %s", mac);
	}
	smig_strbuf_putc(sb, ')');
}

/* SMIG3001: external networks recreated as internal. */
static int steps_switches(const struct smig_plan *p, struct smig_problems *out, struct smig_err *e)
{
	size_t i, j, ncand;
	char guid[SMIG_GUID_BUFSZ];
	struct step st;

	for (i = 0; i < p->nswitches; i++) {
		const struct smig_plan_switch *ps = &p->switches[i];
		const struct smig_inv_nic *src_nic;
		const char *name = ps->src->name ? ps->src->name : ps->src->guid;

		if (!ps->downgraded)
			continue;
		if (!guid_upper(ps->guid, guid))
			return smig_err_set(e, SMIG_ERR_USAGE,
			                    "virtual network '%s': the plan's "
			                    "destination id '%s' is not a GUID",
			                    name, ps->guid ? ps->guid : "");
		step_init(&st, e);
		smig_strbuf_printf(&st.subject, "switch:%s", name);
		smig_strbuf_printf(&st.msg,
		                   "the external network '%s' was recreated as an internal "
		                   "network: on the source it was bound to ",
		                   name);
		src_nic = smig_inventory_find_nic(p->src, ps->src->external_nic);
		if (src_nic != NULL)
			put_nic(&st.msg, src_nic);
		else
			smig_strbuf_printf(&st.msg,
			                   "adapter %s, which the source's adapter list "
			                   "does not have",
			                   ps->src->external_nic ? ps->src->external_nic
			                                         : "(none recorded)");
		smig_strbuf_puts(&st.action, "bind it to a physical adapter of the destination");
		for (j = 0, ncand = 0; p->dst && j < p->dst->nnics; j++) {
			const struct smig_inv_nic *n = &p->dst->nics[j];

			if (!n->physical || n->host_vnic || nic_bound_by_plan(p, n))
				continue;
			smig_strbuf_puts(&st.action, ncand++ ? ", " : "; candidates: ");
			put_nic(&st.action, n);
		}
		if (ncand == 0)
			smig_strbuf_puts(&st.action, "; the destination has no free physical "
			                             "adapter: add one first");
		smig_strbuf_printf(
		    &st.action, "; %s",
		    ps->src_host_vnic
		        ? "the management OS keeps its adapter on the network, as on the "
		          "source"
		        : "the management OS gets no adapter on it, as on the source");
		smig_strbuf_puts(&st.ps, "Get-VMSwitch -Id ");
		put_q(&st, guid);
		smig_strbuf_printf(&st.ps,
		                   " | Set-VMSwitch -NetAdapterName "
		                   "'<EDIT: destination adapter>' -AllowManagementOS $%s",
		                   ps->src_host_vnic ? "true" : "false");
		if (step_add(out, "SMIG3001", &st) < 0)
			return -1;
	}
	return 0;
}

/* SMIG3002: a pass-through disk (its disk number on the destination is the admin's choice). */
static void drive_passthrough(struct step *st, const struct smig_plan_vm *v,
                              const struct smig_inv_drive *d, const char *guid)
{
	const char *slot = d->slot ? d->slot : "?";
	unsigned ctl = 0, loc = 0;
	enum slot_type t = parse_slot(d->slot, &ctl, &loc);

	smig_strbuf_printf(&st->msg,
	                   "the pass-through disk at %s of VM '%s' (source disk '%s') was not "
	                   "migrated: a physical disk does not travel in an archive",
	                   slot, vm_name(v), d->pathname ? d->pathname : "");
	smig_strbuf_puts(&st->action,
	                 "present the disk (the LUN) to the destination, keep it Offline on the "
	                 "host (Set-Disk -Number N -IsOffline $true), then attach it to the VM "
	                 "with the number Get-Disk shows for it");
	if (t != SLOT_IDE && t != SLOT_SCSI)
		return;
	smig_strbuf_puts(&st->ps, "Add-VMHardDiskDrive -VM (Get-VM -Id ");
	put_q(st, guid);
	smig_strbuf_printf(&st->ps,
	                   ") -ControllerType %s -ControllerNumber %u -ControllerLocation %u "
	                   "-DiskNumber <EDIT: disk number>",
	                   t == SLOT_IDE ? "IDE" : "SCSI", ctl, loc);
}

/* SMIG3003/3004: an ISO or VFD file, reattached from the same path on the destination. */
static void drive_media(struct step *st, const struct smig_plan_vm *v,
                        const struct smig_inv_drive *d, const char *guid)
{
	bool iso = d->kind == SMIG_INV_DRIVE_ISO;
	const char *path = d->pathname ? d->pathname : "";
	unsigned ctl = 0, loc = 0;
	enum slot_type t = parse_slot(d->slot, &ctl, &loc);

	smig_strbuf_printf(&st->msg,
	                   "the %s '%s' in %s of VM '%s' was not migrated: the drive was left "
	                   "empty",
	                   iso ? "ISO image" : "virtual floppy disk", path, d->slot ? d->slot : "?",
	                   vm_name(v));
	smig_strbuf_puts(&st->action,
	                 "copy the file to the destination at the same path (the command "
	                 "assumes it; change the path if you put it elsewhere), then reattach it");
	if (iso && t == SLOT_IDE) {
		smig_strbuf_puts(&st->ps, "Get-VMDvdDrive -VM (Get-VM -Id ");
		put_q(st, guid);
		smig_strbuf_printf(&st->ps,
		                   ") -ControllerNumber %u -ControllerLocation %u | "
		                   "Set-VMDvdDrive -Path ",
		                   ctl, loc);
		put_q(st, path);
	} else if (!iso && t == SLOT_FLOPPY) {
		smig_strbuf_puts(&st->ps, "Get-VMFloppyDiskDrive -VM (Get-VM -Id ");
		put_q(st, guid);
		smig_strbuf_puts(&st->ps, ") | Set-VMFloppyDiskDrive -Path ");
		put_q(st, path);
	}
}

/* SMIG3002-3004: drives the import emptied, of one kind, by VM then slot. */
static int steps_drives(const struct smig_plan *p, enum smig_drive_kind_inv kind,
                        struct smig_problems *out, struct smig_err *e)
{
	const char *id = kind == SMIG_INV_DRIVE_PASSTHROUGH ? "SMIG3002"
	                 : kind == SMIG_INV_DRIVE_ISO       ? "SMIG3003"
	                                                    : "SMIG3004";
	size_t i, j;
	char guid[SMIG_GUID_BUFSZ];
	struct step st;

	for (i = 0; i < p->nvms; i++) {
		const struct smig_plan_vm *v = &p->vms[i];

		if (!v->selected || v->drive_emptied == NULL)
			continue;
		for (j = 0; j < v->src->ndrives; j++) {
			const struct smig_inv_drive *d = &v->src->drives[j];

			if (!v->drive_emptied[j] || d->kind != kind)
				continue;
			if (vm_guid(v, guid, e) < 0)
				return -1;
			step_init(&st, e);
			smig_strbuf_printf(&st.subject, "vm:%s/drive:%s", vm_name(v),
			                   d->slot ? d->slot : "?");
			if (kind == SMIG_INV_DRIVE_PASSTHROUGH)
				drive_passthrough(&st, v, d, guid);
			else
				drive_media(&st, v, d, guid);
			if (step_add(out, id, &st) < 0)
				return -1;
		}
	}
	return 0;
}

/* One icacls line granting the VM account `perm` on `winpath`, or a note in the action when
 * the path cannot be handed to icacls safely. `link`: the path is a symbolic link (/L). */
static void grant(struct step *st, const char *winpath, const char *account, const char *perm,
                  bool is_link)
{
	struct smig_strbuf arg = SMIG_STRBUF_INIT;

	if (!icacls_path_ok(winpath)) {
		smig_strbuf_printf(&st->action,
		                   "; '%s' is not a drive-absolute path icacls can take safely: "
		                   "grant it by hand",
		                   winpath ? winpath : "");
		return;
	}
	smig_strbuf_printf(&arg, "%s:%s", account, perm);
	if (st->ps.len)
		smig_strbuf_putc(&st->ps, '\n');
	smig_strbuf_puts(&st->ps, "icacls ");
	put_q(st, winpath);
	smig_strbuf_puts(&st->ps, " /grant ");
	if (smig_strbuf_failed(&arg) && st->rc == 0)
		st->rc = smig_err_nomem(st->e, "building an icacls command");
	else
		put_q(st, smig_strbuf_cstr(&arg));
	if (is_link)
		smig_strbuf_puts(&st->ps, " /L");
	smig_strbuf_release(&arg);
}

/* SMIG3009: the VM account's access to its files (copied files carry no ACE for it). */
static int steps_access(const struct smig_plan *p, struct smig_problems *out, struct smig_err *e)
{
	size_t i, k, n;
	char guid[SMIG_GUID_BUFSZ], account[64];
	struct step st;

	for (i = 0; i < p->nvms; i++) {
		const struct smig_plan_vm *v = &p->vms[i];
		const char *cfg = v->config_winpath;

		if (!v->selected)
			continue;
		if (vm_guid(v, guid, e) < 0)
			return -1;
		snprintf(account, sizeof(account), "NT VIRTUAL MACHINE\\%s", guid);
		step_init(&st, e);
		smig_strbuf_printf(&st.subject, "vm:%s", vm_name(v));
		smig_strbuf_printf(&st.msg,
		                   "the files of VM '%s' were copied without their "
		                   "permissions: its account '%s' must be granted access to its "
		                   "configuration, its folder and its disks",
		                   vm_name(v), account);
		smig_strbuf_printf(
		    &st.action,
		    "grant '%s' full control with icacls on each file the command names", account);
		grant(&st, cfg, account, "(F)", false);
		n = cfg ? strlen(cfg) : 0;
		if (n > 4 && smig_endswith_ci(cfg, ".xml") && icacls_path_ok(cfg)) {
			/* <root>\Virtual Machines\<id>\ holds the running state (rule 3) */
			char *dir = smig_strndup(cfg, n - 4, e);

			if (dir == NULL) {
				step_release(&st);
				return -1;
			}
			smig_strbuf_puts(&st.ps, "\n[void][IO.Directory]::CreateDirectory(");
			put_q(&st, dir);
			smig_strbuf_putc(&st.ps, ')');
			grant(&st, dir, account, "(OI)(CI)F", false);
			free(dir);
		}
		for (k = 0; k < v->nfiles; k++)
			if (v->files[k].winpath &&
			    (cfg == NULL || !smig_streq_ci(v->files[k].winpath, cfg)))
				grant(&st, v->files[k].winpath, account, "(F)", false);
		for (k = 0; k < v->ndisks; k++)
			if (v->disks[k].winpath)
				grant(&st, v->disks[k].winpath, account, "(F)", false);
		if (v->registration_link) {
			char reg[sizeof(REGISTRATION_DIR) + SMIG_GUID_BUFSZ + 8];

			snprintf(reg, sizeof(reg), "%s\\%s.xml", REGISTRATION_DIR, guid);
			smig_strbuf_printf(
			    &st.action,
			    "; the registration '%s' is a symbolic link to "
			    "the configuration: 'dir' must show it as <SYMLINK> (make it "
			    "with mklink if it is missing); the grant on it uses /L so "
			    "the link itself gets the permission",
			    reg);
			grant(&st, reg, account, "(F)", true);
		}
		if (step_add(out, "SMIG3009", &st) < 0)
			return -1;
	}
	return 0;
}

/* SMIG3005: user-defined Hyper-V firewall rules. Built-in rules are not compared with their
 * defaults (the model keeps no default text), so only rules a user made are listed. */
static int steps_firewall(const struct smig_plan *p, struct smig_problems *out, struct smig_err *e)
{
	size_t i;
	struct step st;

	for (i = 0; i < p->src->nfwrules; i++) {
		const struct smig_inv_fwrule *r = &p->src->fwrules[i];

		if (!r->hyperv || !r->user_defined)
			continue;
		step_init(&st, e);
		smig_strbuf_printf(&st.subject, "firewall:%s", r->id ? r->id : "?");
		smig_strbuf_printf(&st.msg,
		                   "the source has a firewall rule made for Hyper-V by a "
		                   "user or a policy, which is not migrated: %s",
		                   r->description ? r->description
		                   : r->id        ? r->id
		                                  : "?");
		smig_strbuf_puts(
		    &st.action,
		    "recreate it on the destination with "
		    "New-NetFirewallRule (or in a policy); smig keeps only this summary, "
		    "so read the full rule (remote addresses, program path) on the "
		    "source with 'netsh advfirewall firewall show rule name=all verbose'");
		if (step_add(out, "SMIG3005", &st) < 0)
			return -1;
	}
	return 0;
}

/* SMIG3006: the DCOM machine launch restriction. */
static int steps_dcom(const struct smig_plan *p, struct smig_problems *out, struct smig_err *e)
{
	const struct smig_inv_dcom *d = &p->src->dcom;
	struct step st;
	size_t i;

	if (!d->customised)
		return 0;
	step_init(&st, e);
	smig_strbuf_puts(&st.subject, "dcom");
	smig_strbuf_printf(&st.msg,
	                   "the DCOM machine launch restriction was customised on the "
	                   "source: %s",
	                   d->sddl ? d->sddl : "(its SDDL could not be formed)");
	smig_strbuf_puts(&st.action, "reapply it on the destination");
	for (i = 0; d->aces && d->aces[i]; i++)
		smig_strbuf_printf(&st.action, "%s%s", i ? "; " : " (", d->aces[i]);
	if (i)
		smig_strbuf_putc(&st.action, ')');
	smig_strbuf_puts(&st.action,
	                 "; a local account's SID of the source means nothing on the "
	                 "destination: check each entry; the command first saves the current "
	                 "value to ole-before.reg in the current folder (reg import restores it)");
	if (d->sddl && d->sddl[0]) {
		smig_strbuf_puts(
		    &st.ps, "reg export HKLM\\SOFTWARE\\Microsoft\\Ole ole-before.reg /y\n"
		            "if ($LASTEXITCODE -ne 0) { throw 'cannot save "
		            "HKLM\\SOFTWARE\\Microsoft\\Ole to ole-before.reg' }\n"
		            "$sd = ([wmiclass]'Win32_SecurityDescriptorHelper').SDDLToBinarySD(");
		put_q(&st, d->sddl);
		smig_strbuf_puts(&st.ps, ").BinarySD\n"
		                         "Set-ItemProperty -Path 'HKLM:\\SOFTWARE\\Microsoft\\Ole' "
		                         "-Name MachineLaunchRestriction -Value $sd");
	}
	return step_add(out, "SMIG3006", &st);
}

/* SMIG3007: WMI namespace security lives in the WMI repository, not in a hive. */
static int steps_wmi(struct smig_problems *out, struct smig_err *e)
{
	struct step st;

	step_init(&st, e);
	smig_strbuf_puts(&st.subject, "wmi:root\\virtualization");
	smig_strbuf_puts(&st.msg, "the security of the WMI namespace root\\virtualization is "
	                          "kept in the WMI repository, which smig cannot read offline");
	smig_strbuf_puts(&st.action,
	                 "if it was changed on the source (wmimgmt.msc, WMI Control, "
	                 "Properties, Security, Root\\virtualization), make the same change on the "
	                 "destination to root\\virtualization and root\\virtualization\\v2");
	return step_add(out, "SMIG3007", &st);
}

/* SMIG3008: an authorization store in Active Directory. */
static int steps_azman(const struct smig_plan *p, struct smig_problems *out, struct smig_err *e)
{
	const char *url = p->src->host.store_location;
	struct step st;

	if (!p->src->azman.ad_store)
		return 0;
	step_init(&st, e);
	smig_strbuf_puts(&st.subject, "azman");
	smig_strbuf_printf(&st.msg,
	                   "the Hyper-V authorization store lives in Active Directory "
	                   "(%s): it is not copied",
	                   url ? url : "location not recorded");
	smig_strbuf_puts(&st.action,
	                 "point the destination at the same store and make sure its "
	                 "computer account may read it; the Hyper-V Virtual Machine Management "
	                 "service reads the location when it starts");
	if (url && smig_startswith_ci(url, "msldap://")) {
		smig_strbuf_puts(&st.ps,
		                 "Set-ItemProperty -Path 'HKLM:\\SOFTWARE\\Microsoft\\"
		                 "Windows NT\\CurrentVersion\\Virtualization' -Name StoreLocation "
		                 "-Value ");
		put_q(&st, url);
		smig_strbuf_puts(&st.ps, "\nRestart-Service -Name vmms");
	}
	return step_add(out, "SMIG3008", &st);
}

/* SMIG3010: saved state dropped by --discard-saved-state. */
static int steps_saved_state(const struct smig_plan *p, struct smig_problems *out,
                             struct smig_err *e)
{
	size_t i;
	struct step st;

	for (i = 0; i < p->nvms; i++) {
		const struct smig_plan_vm *v = &p->vms[i];

		if (!v->selected || !v->saved_state_dropped)
			continue;
		step_init(&st, e);
		smig_strbuf_printf(&st.subject, "vm:%s", vm_name(v));
		smig_strbuf_printf(&st.msg,
		                   "saved state of VM '%s' was discarded "
		                   "(--discard-saved-state): it will cold boot, as after a power "
		                   "loss",
		                   vm_name(v));
		smig_strbuf_puts(&st.action, "start it when you are ready for the guest to check "
		                             "its disks; work it had not written to disk is lost");
		if (step_add(out, "SMIG3010", &st) < 0)
			return -1;
	}
	return 0;
}

/* SMIG3011 and SMIG3012: the source, always. */
static int steps_source(const struct smig_plan *p, struct smig_problems *out, struct smig_err *e)
{
	const char *host = p->src->os.computer_name ? p->src->os.computer_name : "the source";
	const char *ver = p->src->os.current_version;
	struct step st;

	step_init(&st, e);
	smig_strbuf_printf(&st.subject, "source:%s", host);
	smig_strbuf_printf(&st.msg,
	                   "the source host '%s' still has the VMs, with the same IDs "
	                   "and MAC addresses",
	                   host);
	smig_strbuf_puts(&st.action, "turn the source off or take it off the network before you "
	                             "start the migrated VMs");
	if (step_add(out, "SMIG3011", &st) < 0)
		return -1;

	step_init(&st, e);
	smig_strbuf_printf(&st.subject, "source:%s", host);
	smig_strbuf_printf(&st.msg,
	                   "the Hyper-V role is still installed on the source host "
	                   "'%s'",
	                   host);
	smig_strbuf_puts(&st.action, "after you have verified the migration, run the command on "
	                             "the SOURCE host (not on the destination) and restart it");
	/* Windows Server 2008 (6.0) has no ServerManager module; 2008 R2 has no
	 * Uninstall-WindowsFeature (2012 and later) but Remove-WindowsFeature. */
	if (ver && strcmp(ver, "6.0") == 0)
		smig_strbuf_puts(&st.ps, "ServerManagerCmd.exe -remove Hyper-V");
	else
		smig_strbuf_puts(&st.ps, "Import-Module ServerManager\n"
		                         "Remove-WindowsFeature -Name Hyper-V");
	return step_add(out, "SMIG3012", &st);
}

int smig_manual_steps(const struct smig_plan *p, struct smig_problems *out, struct smig_err *e)
{
	if (p == NULL || p->src == NULL)
		return smig_err_set(e, SMIG_ERR_USAGE, "manual steps need a plan with its source");
	if (steps_switches(p, out, e) < 0 ||
	    steps_drives(p, SMIG_INV_DRIVE_PASSTHROUGH, out, e) < 0 ||
	    steps_drives(p, SMIG_INV_DRIVE_ISO, out, e) < 0 ||
	    steps_drives(p, SMIG_INV_DRIVE_VFD, out, e) < 0 || steps_access(p, out, e) < 0 ||
	    steps_firewall(p, out, e) < 0 || steps_dcom(p, out, e) < 0 || steps_wmi(out, e) < 0 ||
	    steps_azman(p, out, e) < 0 || steps_saved_state(p, out, e) < 0 ||
	    steps_source(p, out, e) < 0)
		return -1;
	return 0;
}

/* ---- finish.ps1 ---- */

/* How finish.ps1 treats a step's command. */
struct ps1_mode {
	const char *id;
	const char *note; /* the "# EDIT:" / "# NOT HERE:" line; the command is commented out */
};

static const struct ps1_mode ps1_modes[] = {
    {"SMIG3001", "EDIT: replace '<EDIT: destination adapter>' with the name of the "
                 "destination adapter to bind (candidates above), then remove the '# ' in "
                 "front of the command."},
    {"SMIG3002", "EDIT: present the disk and keep it Offline, replace <EDIT: disk number> "
                 "with the number Get-Disk shows for it, then remove the '# ' in front of the "
                 "command."},
    {"SMIG3012", "NOT HERE: this command is for the SOURCE host; run it there, after you "
                 "have verified the migration. It stays commented out in this script."},
};

static const char *ps1_note(const char *id)
{
	size_t i;

	for (i = 0; i < sizeof(ps1_modes) / sizeof(ps1_modes[0]); i++)
		if (strcmp(ps1_modes[i].id, id) == 0)
			return ps1_modes[i].note;
	return NULL;
}

static void ps1_header(struct smig_strbuf *sb, const struct smig_plan *p)
{
	const char *src = p->src && p->src->os.computer_name ? p->src->os.computer_name : "?";
	const char *dst = p->dst && p->dst->os.computer_name ? p->dst->os.computer_name : "?";
	struct smig_strbuf line = SMIG_STRBUF_INIT;

	smig_strbuf_append(sb, "\xEF\xBB\xBF", 3);
	smig_strbuf_puts(sb, "# finish.ps1 - the manual steps smig-import apply left for this "
	                     "host\r\n#\r\n");
	smig_strbuf_printf(&line, "%s (source %s, destination %s)", p->desc->archive_id, src, dst);
	put_comment(sb, "Archive id: ", smig_strbuf_cstr(&line));
	smig_strbuf_puts(
	    sb,
	    "#\r\n"
	    "# This script is plain text and safe to read: read it before you run it. Each step\r\n"
	    "# below starts with a comment saying what it changes; nothing else is changed.\r\n"
	    "# Run it elevated (Run as administrator) on the DESTINATION host, once apply has\r\n"
	    "# finished. Steps that need a value only you can choose (a network adapter, a disk\r\n"
	    "# number) are commented out under an \"# EDIT:\" line: set the value, then remove "
	    "the\r\n"
	    "# '# ' in front of the command. Steps that cannot be scripted are listed at the "
	    "end;\r\n"
	    "# the manual-step report describes every step.\r\n"
	    "\r\n"
	    "$ErrorActionPreference = 'Stop'\r\n"
	    "$principal = New-Object Security.Principal.WindowsPrincipal("
	    "[Security.Principal.WindowsIdentity]::GetCurrent())\r\n"
	    "if (-not $principal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) "
	    "{\r\n"
	    "\tthrow 'finish.ps1 must be run elevated (Run as administrator) on the "
	    "destination'\r\n"
	    "}\r\n");
	smig_strbuf_release(&line);
}

/* The step's command lines: as they are, or commented out (with control characters shown as
 * '?') after `note`. */
static void ps1_commands(struct smig_strbuf *sb, const char *ps, const char *note)
{
	struct cmdscan c = {(const unsigned char *)ps, false, true};
	const char *l;
	size_t n;
	bool safe = cmd_safe(ps);

	if (!safe)
		note = "EDIT: a name or path in this command holds control characters (shown as "
		       "'?'), so it was left commented out: check the values and run it by hand.";
	if (note != NULL)
		put_comment(sb, "", note);
	while (next_line(&c, &l, &n)) {
		if (note != NULL) {
			smig_strbuf_puts(sb, "# ");
			put_clean(sb, l, n);
		} else {
			smig_strbuf_append(sb, l, n);
		}
		smig_strbuf_puts(sb, "\r\n");
	}
}

char *smig_finish_ps1(const struct smig_plan *p, const struct smig_problems *steps, size_t *len,
                      struct smig_err *e)
{
	struct smig_strbuf sb = SMIG_STRBUF_INIT, label = SMIG_STRBUF_INIT;
	char *out = NULL;
	size_t i, nrest = 0;

	if (p == NULL || p->desc == NULL || p->desc->archive_id == NULL) {
		smig_err_set(e, SMIG_ERR_USAGE, "finish.ps1 needs a plan with its archive");
		goto done;
	}
	ps1_header(&sb, p);
	for (i = 0; i < steps->count; i++) {
		const struct smig_problem *it = &steps->items[i];

		if (it->powershell == NULL)
			continue;
		smig_strbuf_puts(&sb, "\r\n");
		smig_strbuf_printf(&label, "---- %s %s ----", it->id, it->subject);
		put_comment(&sb, "", smig_strbuf_cstr(&label));
		smig_strbuf_release(&label);
		put_comment(&sb, "", it->message);
		if (it->action)
			put_comment(&sb, "Action: ", it->action);
		ps1_commands(&sb, it->powershell, ps1_note(it->id));
	}
	for (i = 0; i < steps->count; i++) {
		const struct smig_problem *it = &steps->items[i];

		if (it->powershell != NULL)
			continue;
		if (nrest++ == 0)
			smig_strbuf_puts(&sb,
			                 "\r\n# Not scripted (the manual-step report describes "
			                 "them):\r\n");
		smig_strbuf_printf(&label, "%s %s", it->id, it->subject);
		put_comment(&sb, "  ", smig_strbuf_cstr(&label));
		smig_strbuf_release(&label);
	}
	smig_strbuf_puts(&sb, "\r\nWrite-Output 'finish.ps1: every scripted step ran'\r\n");
	if (smig_strbuf_check(&sb, e) < 0 || smig_strbuf_check(&label, e) < 0)
		goto done;
	out = smig_strbuf_take(&sb, len);
done:
	smig_strbuf_release(&sb);
	smig_strbuf_release(&label);
	return out;
}
