/* postcheck.c - the post-migration verification, SMIG4001-4011 (see postcheck.h). */
#include "postcheck.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive.h"
#include "sign.h"
#include "strbuf.h"
#include "winval.h"

/* Destination files are hashed in reads of this many bytes. */
struct pc {
	const struct smig_plan *p;
	const struct smig_inventory *src, *after;
	const struct smig_staged *staged;
	struct smig_problems *out;
	struct smig_err *e;
};

/*
 * One item being decided: the facts that held (`ok`) and those that did not (`bad`), each a
 * "; "-joined list. Any mismatch makes the item a failure whose message lists them all.
 */
struct verdict {
	struct smig_strbuf ok, bad;
	bool warning; /* all facts held, but the item is flagged (a downgraded network) */
	bool error;   /* a destination file could not be read: an error item, not a failure */
};

/* clang-format off */
#define VERDICT_INIT {SMIG_STRBUF_INIT, SMIG_STRBUF_INIT, false, false}
/* clang-format on */

SMIG_PRINTF(2, 0)
static void vnote(struct smig_strbuf *sb, const char *fmt, va_list ap)
{
	char *s = NULL;
	int n = vasprintf(&s, fmt, ap);

	if (n < 0) {
		/* strbuf errors are sticky: emit() reports them once */
		sb->failed = true;
		return;
	}
	if (sb->len > 0)
		smig_strbuf_puts(sb, "; ");
	smig_strbuf_append(sb, s, (size_t)n);
	free(s);
}

SMIG_PRINTF(2, 3)
static void ok(struct verdict *v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vnote(&v->ok, fmt, ap);
	va_end(ap);
}

SMIG_PRINTF(2, 3)
static void bad(struct verdict *v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vnote(&v->bad, fmt, ap);
	va_end(ap);
}

/* Turn a verdict into one item and reset it. */
static int emit(struct pc *c, const char *id, const char *subject, struct verdict *v)
{
	enum smig_severity sev;
	struct smig_strbuf *msg;
	int rc = -1;

	if (smig_strbuf_check(&v->ok, c->e) < 0 || smig_strbuf_check(&v->bad, c->e) < 0)
		goto out;
	if (v->bad.len > 0) {
		sev = v->error ? SMIG_SEV_ERROR : SMIG_SEV_FAIL;
		msg = &v->bad;
	} else {
		sev = v->warning ? SMIG_SEV_WARNING : SMIG_SEV_PASS;
		msg = &v->ok;
	}
	rc = smig_problems_add(c->out, id, sev, subject, NULL, NULL, c->e, "%s",
	                       smig_strbuf_cstr(msg));
out:
	smig_strbuf_release(&v->ok);
	smig_strbuf_release(&v->bad);
	v->warning = v->error = false;
	return rc;
}

SMIG_PRINTF(4, 5)
static int info(struct pc *c, const char *id, const char *subject, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = smig_problems_vadd(c->out, id, SMIG_SEV_INFO, subject, NULL, NULL, c->e, fmt, ap);
	va_end(ap);
	return rc;
}

/* ---- small comparisons ---- */

/* The plural ending for a count in messages. */
static const char *plural(int64_t n)
{
	return n == 1 ? "" : "s";
}

static const char *str_or(const char *s, const char *dflt)
{
	return s != NULL ? s : dflt;
}

/* Both absent, or equal ignoring ASCII case (Windows names, §1.3). */
static bool streq_opt_ci(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return smig_streq_ci(a, b);
}

/* Windows paths: case-insensitive, trailing '\' ignored ("D:\Hyper-V\" is "D:\Hyper-V"). */
static bool winpath_eq(const char *a, const char *b)
{
	size_t la, lb, i;

	if (a == NULL || b == NULL)
		return a == b;
	la = strlen(a);
	lb = strlen(b);
	while (la > 3 && a[la - 1] == '\\')
		la--;
	while (lb > 3 && b[lb - 1] == '\\')
		lb--;
	if (la != lb)
		return false;
	for (i = 0; i < la; i++) {
		unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];

		if (x >= 'A' && x <= 'Z')
			x = (unsigned char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (unsigned char)(y - 'A' + 'a');
		if (x != y)
			return false;
	}
	return true;
}

/* Two MAC texts in any separator form. */
static bool mac_text_eq(const char *a, const char *b)
{
	struct smig_mac ma, mb;

	if (a == NULL || b == NULL || !smig_mac_parse(a, &ma) || !smig_mac_parse(b, &mb))
		return false;
	return smig_mac_cmp(&ma, &mb) == 0;
}

static size_t strv_len(char *const *v)
{
	size_t n = 0;

	while (v != NULL && v[n] != NULL)
		n++;
	return n;
}

/* NULL-terminated string lists equal in order (absent = empty). */
static bool strv_eq(char *const *a, char *const *b)
{
	size_t i, n = strv_len(a);

	if (n != strv_len(b))
		return false;
	for (i = 0; i < n; i++)
		if (!smig_streq_ci(a[i], b[i]))
			return false;
	return true;
}

/* Whether every element of `a` is in `b` (case-insensitive). */
static bool strv_subset(char *const *a, char *const *b)
{
	size_t i, j, nb = strv_len(b);

	for (i = 0; a != NULL && a[i] != NULL; i++) {
		for (j = 0; j < nb; j++)
			if (smig_streq_ci(a[i], b[j]))
				break;
		if (j == nb)
			return false;
	}
	return true;
}

static bool strv_set_eq(char *const *a, char *const *b)
{
	return strv_subset(a, b) && strv_subset(b, a);
}

/* "a, b" for messages (malloc'd; "none" when empty). NULL on ENOMEM. */
static char *strv_join(char *const *v)
{
	struct smig_strbuf sb = SMIG_STRBUF_INIT;
	size_t i;

	for (i = 0; v != NULL && v[i] != NULL; i++) {
		if (i > 0)
			smig_strbuf_puts(&sb, ", ");
		smig_strbuf_puts(&sb, v[i]);
	}
	if (i == 0)
		smig_strbuf_puts(&sb, "none");
	return smig_strbuf_take(&sb, NULL);
}

/* The file name of a Windows path, for subjects ("D:\VHD\web01.vhd" -> "web01.vhd"). */
static const char *winbase(const char *winpath)
{
	const char *s = strrchr(winpath, '\\');

	return s != NULL ? s + 1 : winpath;
}

static const struct smig_inv_vm *find_vm(const struct smig_inventory *inv, const char *id)
{
	size_t i;

	for (i = 0; id != NULL && i < inv->nvms; i++)
		if (inv->vms[i].id != NULL && smig_guid_str_equal(inv->vms[i].id, id))
			return &inv->vms[i];
	return NULL;
}

static const struct smig_inv_switch *find_switch_named(const struct smig_inventory *inv,
                                                       const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < inv->nswitches; i++)
		if (streq_opt_ci(inv->switches[i].name, name))
			return &inv->switches[i];
	return NULL;
}

/* The source VM of plan entry i (the plan's arrays are parallel to src->vms). */
static const struct smig_inv_vm *plan_src_vm(const struct smig_plan *p, size_t i)
{
	if (p->vms[i].src != NULL)
		return p->vms[i].src;
	return i < p->src->nvms ? &p->src->vms[i] : NULL;
}

/* ---- SMIG4001-4004: the VM, memory, processors, snapshots ---- */

static int check_memory(struct pc *c, const char *subject, const struct smig_inv_vm *s,
                        const struct smig_inv_vm *a)
{
	struct verdict v = VERDICT_INIT;

	if (a->memory_mb != s->memory_mb)
		bad(&v,
		    "startup memory is %" PRId64 " MB on the destination but %" PRId64
		    " MB on the source",
		    a->memory_mb, s->memory_mb);
	if (a->dynamic_memory != s->dynamic_memory)
		bad(&v, "dynamic memory is %s on the destination but %s on the source",
		    a->dynamic_memory ? "on" : "off", s->dynamic_memory ? "on" : "off");
	if (a->memory_min_mb != s->memory_min_mb || a->memory_max_mb != s->memory_max_mb)
		bad(&v,
		    "memory range is %" PRId64 "-%" PRId64 " MB on the destination but %" PRId64
		    "-%" PRId64 " MB on the source",
		    a->memory_min_mb, a->memory_max_mb, s->memory_min_mb, s->memory_max_mb);
	ok(&v, "memory equal: startup %" PRId64 " MB, %s, range %" PRId64 "-%" PRId64 " MB",
	   s->memory_mb, s->dynamic_memory ? "dynamic" : "static", s->memory_min_mb,
	   s->memory_max_mb);
	return emit(c, "SMIG4002", subject, &v);
}

static int check_cpu(struct pc *c, const char *subject, const struct smig_plan_vm *pv,
                     const struct smig_inv_vm *s, const struct smig_inv_vm *a)
{
	struct verdict v = VERDICT_INIT;

	if (a->cpu_count != s->cpu_count)
		bad(&v,
		    "%" PRId64 " virtual processor%s on the destination but %" PRId64
		    " on the source",
		    a->cpu_count, plural(a->cpu_count), s->cpu_count);
	if (a->cpu_compat != pv->cpu_compat)
		bad(&v, "processor compatibility is %s on the destination but the plan set it %s",
		    a->cpu_compat ? "on" : "off", pv->cpu_compat ? "on" : "off");
	ok(&v, "%" PRId64 " virtual processor%s, as on the source", s->cpu_count,
	   plural(s->cpu_count));
	if (pv->cpu_compat == s->cpu_compat)
		ok(&v, "processor compatibility %s, as on the source",
		   s->cpu_compat ? "on" : "off");
	else
		ok(&v,
		   "processor compatibility %s as planned (%s on the source; "
		   "--set-processor-compatibility)",
		   pv->cpu_compat ? "on" : "off", s->cpu_compat ? "on" : "off");
	return emit(c, "SMIG4003", subject, &v);
}

/* The index in `a` of the snapshot matching source snapshot `k`: by id, else by name. */
static int find_snap(const struct smig_inv_vm *s, int k, const struct smig_inv_vm *a)
{
	const struct smig_inv_snapshot *ss;
	size_t i;

	if (k < 0 || (size_t)k >= s->nsnapshots)
		return -1;
	ss = &s->snapshots[k];
	for (i = 0; i < a->nsnapshots; i++)
		if (ss->id != NULL && a->snapshots[i].id != NULL &&
		    smig_guid_str_equal(ss->id, a->snapshots[i].id))
			return (int)i;
	for (i = 0; i < a->nsnapshots; i++)
		if (ss->name != NULL && a->snapshots[i].name != NULL &&
		    strcmp(ss->name, a->snapshots[i].name) == 0)
			return (int)i;
	return -1;
}

/* A snapshot index read from the destination, or -1 when out of range. */
static int snap_index(const struct smig_inv_vm *vm, int k)
{
	return k >= 0 && (size_t)k < vm->nsnapshots ? k : -1;
}

static const char *snap_name(const struct smig_inv_vm *vm, int k)
{
	k = snap_index(vm, k);
	return k < 0 ? "(none)" : str_or(vm->snapshots[k].name, vm->snapshots[k].id);
}

static int check_snapshots(struct pc *c, const char *subject, const struct smig_inv_vm *s,
                           const struct smig_inv_vm *a)
{
	struct verdict v = VERDICT_INIT;
	size_t k;
	int want;

	if (a->nsnapshots != s->nsnapshots)
		bad(&v, "%zu snapshot%s on the destination but %zu on the source", a->nsnapshots,
		    plural((int64_t)a->nsnapshots), s->nsnapshots);
	for (k = 0; k < s->nsnapshots; k++) {
		const struct smig_inv_snapshot *ss = &s->snapshots[k];
		int m = find_snap(s, (int)k, a);

		if (m < 0) {
			bad(&v, "snapshot '%s' is missing", str_or(ss->name, ss->id));
			continue;
		}
		if (ss->name != NULL && !streq_opt_ci(ss->name, a->snapshots[m].name))
			bad(&v, "snapshot '%s' is named '%s' on the destination", ss->name,
			    str_or(a->snapshots[m].name, "(none)"));
		want = ss->parent < 0 ? -1 : find_snap(s, ss->parent, a);
		if (snap_index(a, a->snapshots[m].parent) != want || (ss->parent >= 0 && want < 0))
			bad(&v,
			    "snapshot '%s' descends from '%s' on the destination but from "
			    "'%s' on the source",
			    str_or(ss->name, ss->id), snap_name(a, a->snapshots[m].parent),
			    snap_name(s, ss->parent));
	}
	want = s->current_parent < 0 ? -1 : find_snap(s, s->current_parent, a);
	if (snap_index(a, a->current_parent) != want || (s->current_parent >= 0 && want < 0))
		bad(&v,
		    "the current state descends from '%s' on the destination but from '%s' "
		    "on the source",
		    snap_name(a, a->current_parent), snap_name(s, s->current_parent));
	if (s->nsnapshots == 0)
		ok(&v, "no snapshots, as on the source");
	else
		ok(&v, "%zu snapshot%s with the same tree; the current state descends from '%s'",
		   s->nsnapshots, plural((int64_t)s->nsnapshots), snap_name(s, s->current_parent));
	return emit(c, "SMIG4004", subject, &v);
}

/* ---- SMIG4005: disks and emptied drives ---- */

static const struct smig_inv_disk *find_disk(const struct smig_inv_vm *a,
                                             const struct smig_guid *uid)
{
	size_t i;

	for (i = 0; i < a->ndisks; i++)
		if (smig_guid_equal(&a->disks[i].unique_id, uid))
			return &a->disks[i];
	return NULL;
}

/* The content half of a disk check: the destination file's SHA-256 against the signed one. */
static int check_disk_hash(struct pc *c, struct verdict *v, const struct smig_plan_disk *pd,
                           const struct smig_inv_disk *ad)
{
	const struct smig_staged_member *m;
	struct smig_err he = SMIG_ERR_INIT;
	uint8_t got[32];
	char hw[65];

	if (pd != NULL && pd->reparent) {
		ok(v, "SHA-256 not compared: re-parenting rewrote the header and parent locators");
		return 0;
	}
	if (c->staged == NULL) {
		ok(v, "SHA-256 not compared (no archive hashes)");
		return 0;
	}
	if (pd == NULL || pd->member == NULL) {
		ok(v, "not carried in the archive: SHA-256 not compared");
		return 0;
	}
	m = smig_staged_find(c->staged, pd->member);
	if (m == NULL) {
		bad(v, "the archive has no member '%s' to compare with", pd->member);
		return 0;
	}
	if (ad->local == NULL) {
		bad(v, "the destination file of '%s' was not found", str_or(ad->winpath, "?"));
		return 0;
	}
	if (smig_sha256_file(ad->local, str_or(ad->winpath, ad->local), got, &he) < 0) {
		if (he.kind == SMIG_ERR_NOMEM)
			return smig_err_set(c->e, he.kind, "%s", he.msg);
		v->error = true;
		bad(v, "%s", he.msg);
		return 0;
	}
	smig_hex(m->sha256, 32, hw);
	if (memcmp(got, m->sha256, 32) != 0) {
		char hg[65];

		smig_hex(got, 32, hg);
		bad(v, "SHA-256 is %s on the destination but the archive signed %s", hg, hw);
	} else {
		ok(v, "SHA-256 %s as signed", hw);
	}
	return 0;
}

static int check_disk(struct pc *c, const char *vsubject, const struct smig_plan_vm *pv,
                      const struct smig_inv_vm *s, size_t j, const struct smig_inv_vm *a)
{
	const struct smig_inv_disk *sd = &s->disks[j], *ad, *parent;
	const struct smig_plan_disk *pd = j < pv->ndisks && pv->disks ? &pv->disks[j] : NULL;
	struct verdict v = VERDICT_INIT;
	char uid[SMIG_GUID_BUFSZ];
	char *subject = NULL;
	int rc = -1;

	subject = smig_asprintf(c->e, "%s/disk:%s", vsubject, winbase(str_or(sd->winpath, "?")));
	if (subject == NULL)
		return -1;
	ad = find_disk(a, &sd->unique_id);
	if (ad == NULL) {
		smig_guid_format(&sd->unique_id, SMIG_GUID_UPPER, uid);
		bad(&v, "no disk with unique id %s on the destination (expected at '%s')", uid,
		    pd != NULL ? str_or(pd->winpath, "?") : "?");
		rc = emit(c, "SMIG4005", subject, &v);
		goto out;
	}
	if (pd != NULL && pd->winpath != NULL && !winpath_eq(ad->winpath, pd->winpath))
		bad(&v, "it is at '%s' on the destination, not at '%s' as planned",
		    str_or(ad->winpath, "?"), pd->winpath);
	else
		ok(&v, "present at '%s'", str_or(ad->winpath, "?"));
	if (ad->virtual_size != sd->virtual_size)
		bad(&v,
		    "virtual size is %" PRIu64 " bytes on the destination but %" PRIu64
		    " on the source",
		    ad->virtual_size, sd->virtual_size);
	if (ad->file_size != sd->file_size)
		bad(&v,
		    "file size is %" PRIu64 " bytes on the destination but %" PRIu64
		    " on the source",
		    ad->file_size, sd->file_size);
	if (ad->type != sd->type)
		bad(&v, "it is %s on the destination but %s on the source",
		    smig_disk_type_name(ad->type), smig_disk_type_name(sd->type));
	ok(&v, "%s, %" PRIu64 " bytes virtual, %" PRIu64 " bytes on disk, as on the source",
	   smig_disk_type_name(sd->type), sd->virtual_size, sd->file_size);
	if (sd->type == SMIG_DISK_DIFFERENCING) {
		parent = ad->parent >= 0 && (size_t)ad->parent < a->ndisks ? &a->disks[ad->parent]
		                                                           : NULL;
		if (parent == NULL)
			bad(&v, "its parent does not resolve on the destination");
		else if (!smig_guid_equal(&parent->unique_id, &ad->parent_id) ||
		         !smig_guid_equal(&ad->parent_id, &sd->parent_id))
			bad(&v, "its parent '%s' has not the unique id the chain names",
			    str_or(parent->winpath, "?"));
		else
			ok(&v, "its parent '%s' resolves", str_or(parent->winpath, "?"));
	}
	if (check_disk_hash(c, &v, pd, ad) < 0)
		goto out;
	rc = emit(c, "SMIG4005", subject, &v);
out:
	smig_strbuf_release(&v.ok);
	smig_strbuf_release(&v.bad);
	free(subject);
	return rc;
}

/* A drive the plan emptied (ISO, VFD, pass-through): expected empty on the destination. */
static int check_emptied_drive(struct pc *c, const char *vsubject, const struct smig_inv_drive *sd,
                               const struct smig_inv_vm *a)
{
	const struct smig_inv_drive *ad = NULL;
	struct verdict v = VERDICT_INIT;
	const char *what, *step;
	char *subject;
	size_t i;
	int rc;

	switch (sd->kind) {
	case SMIG_INV_DRIVE_ISO:
		what = "ISO image";
		step = "SMIG3003";
		break;
	case SMIG_INV_DRIVE_VFD:
		what = "virtual floppy";
		step = "SMIG3004";
		break;
	case SMIG_INV_DRIVE_PASSTHROUGH:
		what = "pass-through disk";
		step = "SMIG3002";
		break;
	default:
		what = "attachment";
		step = "in the manual-step report";
		break;
	}
	subject = smig_asprintf(c->e, "%s/drive:%s", vsubject, str_or(sd->slot, "?"));
	if (subject == NULL)
		return -1;
	for (i = 0; i < a->ndrives && ad == NULL; i++)
		if (streq_opt_ci(a->drives[i].slot, sd->slot))
			ad = &a->drives[i];
	if (ad != NULL && ad->kind != SMIG_INV_DRIVE_EMPTY && ad->pathname != NULL &&
	    ad->pathname[0] != '\0')
		bad(&v, "should be empty (the %s '%s' was not migrated) but holds '%s'", what,
		    str_or(sd->pathname, ""), ad->pathname);
	ok(&v, "empty as planned: the %s '%s' was not migrated, manual step %s reattaches it", what,
	   str_or(sd->pathname, ""), step);
	rc = emit(c, "SMIG4005", subject, &v);
	free(subject);
	return rc;
}

/* ---- SMIG4006: network adapters ---- */

static const struct smig_plan_switch *plan_switch(const struct smig_plan *p, const char *guid)
{
	size_t i;

	for (i = 0; guid != NULL && i < p->nswitches; i++) {
		const struct smig_inv_switch *ss = p->switches[i].src;

		if (ss == NULL && i < p->src->nswitches)
			ss = &p->src->switches[i];
		if (ss != NULL && ss->guid != NULL && smig_guid_str_equal(ss->guid, guid))
			return &p->switches[i];
	}
	return NULL;
}

static int check_nic(struct pc *c, const char *vsubject, const struct smig_inv_nicvm *sn,
                     const struct smig_inv_nicvm *an)
{
	const struct smig_plan_switch *ps;
	struct verdict v = VERDICT_INIT;
	char *subject;
	int rc;

	subject = smig_asprintf(c->e, "%s/nic:%s", vsubject, str_or(sn->name, "?"));
	if (subject == NULL)
		return -1;
	if (an == NULL) {
		bad(&v, "missing on the destination");
		goto emit;
	}
	if (!streq_opt_ci(an->name, sn->name))
		bad(&v, "the adapter in its place on the destination is '%s'",
		    str_or(an->name, "(unnamed)"));
	if (sn->mac_static) {
		if (!an->mac_static)
			bad(&v,
			    "its MAC address is dynamic on the destination but static (%s) on "
			    "the source",
			    str_or(sn->mac, "?"));
		else if (!mac_text_eq(an->mac, sn->mac))
			bad(&v, "static MAC address %s on the destination but %s on the source",
			    str_or(an->mac, "?"), str_or(sn->mac, "?"));
		else
			ok(&v, "static MAC address %s", sn->mac);
	} else {
		ok(&v, "dynamic MAC address (not compared)");
	}
	if (an->legacy != sn->legacy)
		bad(&v, "it is %s on the destination but %s on the source",
		    an->legacy ? "legacy" : "synthetic", sn->legacy ? "legacy" : "synthetic");
	else
		ok(&v, "%s", sn->legacy ? "legacy" : "synthetic");
	if (!streq_opt_ci(an->switch_name, sn->switch_name)) {
		bad(&v, "connected to %s%s%s on the destination but to %s%s%s on the source",
		    an->switch_name ? "'" : "", str_or(an->switch_name, "nothing"),
		    an->switch_name ? "'" : "", sn->switch_name ? "'" : "",
		    str_or(sn->switch_name, "nothing"), sn->switch_name ? "'" : "");
	} else if (sn->switch_name == NULL) {
		ok(&v, "not connected, as on the source");
	} else {
		ps = plan_switch(c->p, sn->switch_guid);
		ok(&v, "connected to '%s'%s", sn->switch_name,
		   ps != NULL && ps->downgraded ? " (recreated as internal)" : "");
	}
emit:
	rc = emit(c, "SMIG4006", subject, &v);
	free(subject);
	return rc;
}

static int check_nics(struct pc *c, const char *subject, const struct smig_inv_vm *s,
                      const struct smig_inv_vm *a)
{
	struct verdict v = VERDICT_INIT;
	size_t k;

	if (a->nnics != s->nnics)
		bad(&v, "%zu network adapter%s on the destination but %zu on the source", a->nnics,
		    plural((int64_t)a->nnics), s->nnics);
	ok(&v, "%zu network adapter%s, as on the source", s->nnics, plural((int64_t)s->nnics));
	if (emit(c, "SMIG4006", subject, &v) < 0)
		return -1;
	for (k = 0; k < s->nnics; k++)
		if (check_nic(c, subject, &s->nics[k], k < a->nnics ? &a->nics[k] : NULL) < 0)
			return -1;
	return 0;
}

static int check_vm(struct pc *c, size_t i)
{
	const struct smig_plan_vm *pv = &c->p->vms[i];
	const struct smig_inv_vm *s = plan_src_vm(c->p, i), *a;
	struct verdict v = VERDICT_INIT;
	char *subject = NULL;
	size_t j;
	int rc = -1;

	if (!pv->selected || s == NULL)
		return 0;
	subject = smig_asprintf(c->e, "vm:%s", str_or(s->name, str_or(s->id, "?")));
	if (subject == NULL)
		return -1;
	a = find_vm(c->after, pv->id);
	if (a == NULL) {
		bad(&v, "no virtual machine with id %s on the destination", str_or(pv->id, "?"));
		rc = emit(c, "SMIG4001", subject, &v);
		goto out;
	}
	if (a->error != NULL) {
		v.error = true;
		bad(&v, "the destination's virtual machine %s could not be read: %s", a->id,
		    a->error);
		rc = emit(c, "SMIG4001", subject, &v);
		goto out;
	}
	if (s->name != NULL && (a->name == NULL || strcmp(a->name, s->name) != 0))
		bad(&v, "the destination's virtual machine %s is named '%s'", a->id,
		    str_or(a->name, "(none)"));
	if (s->id != NULL && smig_guid_str_equal(s->id, pv->id))
		ok(&v, "exists with id %s, as on the source", a->id);
	else
		ok(&v, "exists with the new id %s (source id %s)", a->id, str_or(s->id, "?"));
	if (emit(c, "SMIG4001", subject, &v) < 0 || check_memory(c, subject, s, a) < 0 ||
	    check_cpu(c, subject, pv, s, a) < 0 || check_snapshots(c, subject, s, a) < 0)
		goto out;
	for (j = 0; j < s->ndisks; j++)
		if (check_disk(c, subject, pv, s, j, a) < 0)
			goto out;
	for (j = 0; pv->drive_emptied != NULL && j < s->ndrives; j++)
		if (pv->drive_emptied[j] && check_emptied_drive(c, subject, &s->drives[j], a) < 0)
			goto out;
	if (check_nics(c, subject, s, a) < 0)
		goto out;
	rc = 0;
out:
	smig_strbuf_release(&v.ok);
	smig_strbuf_release(&v.bad);
	free(subject);
	return rc;
}

/* ---- SMIG4007: virtual networks ---- */

/* The destination id of the VM whose source id is `src_id`, or NULL when not migrated. */
static const struct smig_plan_vm *plan_vm_by_src(const struct smig_plan *p, const char *src_id)
{
	size_t i;

	for (i = 0; src_id != NULL && i < p->nvms; i++) {
		const struct smig_inv_vm *s = plan_src_vm(p, i);

		if (s != NULL && s->id != NULL && smig_guid_str_equal(s->id, src_id))
			return p->vms[i].selected ? &p->vms[i] : NULL;
	}
	return NULL;
}

static int check_port_vlan(struct pc *c, const char *ssubject, const struct smig_inv_port *sp,
                           const struct smig_plan_vm *pv, const struct smig_inv_switch *as)
{
	const struct smig_inv_port *ap = NULL;
	struct verdict v = VERDICT_INIT;
	char *subject;
	size_t i;
	int rc;

	subject = smig_asprintf(c->e, "%s/port:%s", ssubject, str_or(sp->name, sp->guid));
	if (subject == NULL)
		return -1;
	for (i = 0; i < as->nports && ap == NULL; i++)
		if (sp->guid != NULL && as->ports[i].guid != NULL &&
		    smig_guid_str_equal(as->ports[i].guid, sp->guid))
			ap = &as->ports[i];
	for (i = 0; i < as->nports && ap == NULL; i++)
		if (as->ports[i].vm_id != NULL && smig_guid_str_equal(as->ports[i].vm_id, pv->id))
			ap = &as->ports[i];
	if (ap == NULL)
		bad(&v,
		    "no port for virtual machine %s on the destination (VLAN %" PRIu32
		    " on the source)",
		    str_or(pv->id, "?"), sp->vlan);
	else if (ap->vlan != sp->vlan)
		bad(&v, "VLAN %" PRIu32 " on the destination but %" PRIu32 " on the source",
		    ap->vlan, sp->vlan);
	ok(&v, "VLAN %" PRIu32 ", as on the source", sp->vlan);
	rc = emit(c, "SMIG4007", subject, &v);
	free(subject);
	return rc;
}

static int check_switch(struct pc *c, size_t i)
{
	const struct smig_plan_switch *ps = &c->p->switches[i];
	const struct smig_inv_switch *ss, *as;
	const struct smig_plan_vm *pv;
	struct verdict v = VERDICT_INIT;
	char *subject;
	size_t k;
	int rc = -1;

	ss = ps->src != NULL ? ps->src : i < c->src->nswitches ? &c->src->switches[i] : NULL;
	if (ss == NULL)
		return 0;
	subject = smig_asprintf(c->e, "switch:%s", str_or(ss->name, str_or(ss->guid, "?")));
	if (subject == NULL)
		return -1;
	as = find_switch_named(c->after, ss->name);
	if (as == NULL) {
		bad(&v, "no virtual network named '%s' on the destination", str_or(ss->name, "?"));
		rc = emit(c, "SMIG4007", subject, &v);
		goto out;
	}
	if (as->type == ss->type) {
		ok(&v, "%s network, as on the source", smig_switch_type_name(ss->type));
	} else if (ss->type == SMIG_SWITCH_EXTERNAL && as->type == SMIG_SWITCH_INTERNAL &&
	           ps->downgraded) {
		v.warning = true;
		ok(&v, "recreated as internal (external on the source) as planned: bind it to a "
		       "physical adapter (manual step SMIG3001)");
	} else {
		bad(&v, "%s network on the destination but %s on the source",
		    smig_switch_type_name(as->type), smig_switch_type_name(ss->type));
	}
	if (emit(c, "SMIG4007", subject, &v) < 0)
		goto out;
	for (k = 0; k < ss->nports; k++) {
		const struct smig_inv_port *sp = &ss->ports[k];

		/* VLANs of the VMs' ports; ports of VMs not migrated have no counterpart */
		if (sp->vlan == 0 || sp->host || sp->vm_id == NULL)
			continue;
		pv = plan_vm_by_src(c->p, sp->vm_id);
		if (pv != NULL && check_port_vlan(c, subject, sp, pv, as) < 0)
			goto out;
	}
	rc = 0;
out:
	free(subject);
	return rc;
}

/* ---- SMIG4008: host settings ---- */

static int check_host(struct pc *c)
{
	const struct smig_inv_hostsettings *ah = &c->after->host, *sh = &c->src->host;
	struct verdict v = VERDICT_INIT;

	if (c->p->data_root != NULL) {
		if (!winpath_eq(ah->data_root, c->p->data_root))
			bad(&v,
			    "DefaultExternalDataRoot is '%s' on the destination, not '%s' as "
			    "planned",
			    str_or(ah->data_root, "(unset)"), c->p->data_root);
		else
			ok(&v, "DefaultExternalDataRoot '%s'", c->p->data_root);
	}
	if (c->p->vhd_path != NULL) {
		if (!winpath_eq(ah->vhd_path, c->p->vhd_path))
			bad(&v,
			    "DefaultVirtualHardDiskPath is '%s' on the destination, not '%s' "
			    "as planned",
			    str_or(ah->vhd_path, "(unset)"), c->p->vhd_path);
		else
			ok(&v, "DefaultVirtualHardDiskPath '%s'", c->p->vhd_path);
	}
	if (c->p->set_mac_range && sh->has_mac_range) {
		char a1[18], a2[18], s1[18], s2[18];

		smig_mac_format(&sh->mac_min, s1);
		smig_mac_format(&sh->mac_max, s2);
		smig_mac_format(&ah->mac_min, a1);
		smig_mac_format(&ah->mac_max, a2);
		if (!ah->has_mac_range)
			bad(&v, "the destination has no MAC address range (%s..%s on the source)",
			    s1, s2);
		else if (smig_mac_cmp(&ah->mac_min, &sh->mac_min) != 0 ||
		         smig_mac_cmp(&ah->mac_max, &sh->mac_max) != 0)
			bad(&v,
			    "MAC address range is %s..%s on the destination but %s..%s on the "
			    "source",
			    a1, a2, s1, s2);
		else
			ok(&v, "MAC address range %s..%s, as on the source", s1, s2);
	} else {
		ok(&v, "MAC address range not migrated (the destination keeps its own)");
	}
	return emit(c, "SMIG4008", "host", &v);
}

/* ---- SMIG4009: authorization store ---- */

static bool role_same(const struct smig_inv_azrole *x, const struct smig_inv_azrole *y)
{
	return streq_opt_ci(x->app, y->app) && streq_opt_ci(x->scope, y->scope) &&
	       streq_opt_ci(x->name, y->name);
}

static const struct smig_inv_azrole *find_role(const struct smig_inv_azman *z,
                                               const struct smig_inv_azrole *r)
{
	size_t i;

	for (i = 0; i < z->nroles; i++)
		if (role_same(&z->roles[i], r))
			return &z->roles[i];
	return NULL;
}

static void role_label(const struct smig_inv_azrole *r, char *buf, size_t len)
{
	/* a label for messages only: a long name is cut rather than failing the check */
	if (r->scope != NULL)
		snprintf(buf, len, "role assignment '%s' in scope '%s'", str_or(r->name, "?"),
		         r->scope);
	else
		snprintf(buf, len, "role assignment '%s'", str_or(r->name, "?"));
}

static int check_azman(struct pc *c)
{
	const struct smig_inv_azman *sz = &c->src->azman, *az = &c->after->azman;
	struct verdict v = VERDICT_INIT;
	char label[512];
	size_t i;

	if (sz->ad_store)
		return info(c, "SMIG4009", "azman",
		            "the authorization store lives in Active "
		            "Directory: not compared (manual step SMIG3008)");
	if (!sz->present)
		return info(c, "SMIG4009", "azman",
		            "the source has no authorization store file: nothing to compare");
	if (!c->p->store_copy)
		return info(c, "SMIG4009", "azman",
		            "the plan did not copy the authorization "
		            "store: the destination keeps its own, not compared");
	if (!az->present) {
		bad(&v, "no authorization store file was read on the destination");
		return emit(c, "SMIG4009", "azman", &v);
	}
	for (i = 0; i < sz->nroles; i++) {
		const struct smig_inv_azrole *r = find_role(az, &sz->roles[i]);

		role_label(&sz->roles[i], label, sizeof(label));
		if (r == NULL)
			bad(&v, "%s is missing on the destination", label);
		else if (!strv_set_eq(r->members, sz->roles[i].members))
			bad(&v, "%s has other members on the destination", label);
	}
	for (i = 0; i < az->nroles; i++) {
		if (find_role(sz, &az->roles[i]) != NULL)
			continue;
		role_label(&az->roles[i], label, sizeof(label));
		bad(&v, "%s exists only on the destination", label);
	}
	if (!strv_set_eq(sz->scopes, az->scopes))
		bad(&v, "the scopes differ");
	ok(&v, "%zu role assignment%s with the same members and %zu scope%s, as on the source",
	   sz->nroles, plural((int64_t)sz->nroles), strv_len(sz->scopes),
	   plural((int64_t)strv_len(sz->scopes)));
	return emit(c, "SMIG4009", "azman", &v);
}

/* ---- SMIG4010 and SMIG4011: VMQ and management-OS adapters ---- */

static const char *vmq_name(int vmq)
{
	return vmq < 0 ? "absent" : vmq == 0 ? "disabled" : "enabled";
}

static char *nic_subject(struct pc *c, const struct smig_inv_nic *an, const struct smig_inv_nic *dn,
                         const char *guid)
{
	const char *name = an != NULL ? an->connection_name : NULL;

	if (name == NULL && dn != NULL)
		name = dn->connection_name;
	return smig_asprintf(c->e, "nic:%s", str_or(name, str_or(guid, "?")));
}

static int check_vmq(struct pc *c)
{
	const struct smig_inv_hostsettings *ah = &c->after->host, *sh = &c->src->host;
	const struct smig_inv_nic *an;
	struct verdict v = VERDICT_INIT;
	char *subject;
	size_t k;
	int rc;

	if (!c->p->set_vmq && c->p->nnicmap == 0)
		return info(c, "SMIG4010", "host",
		            "the plan wrote no VMQ settings: the destination keeps its own");
	if (c->p->set_vmq) {
		if (ah->vmq_tengig != sh->vmq_tengig ||
		    ah->vmq_below_tengig != sh->vmq_below_tengig)
			bad(&v,
			    "VMQ is %d (10 Gb) and %d (below 10 Gb) on the destination but %d "
			    "and %d on the source",
			    ah->vmq_tengig, ah->vmq_below_tengig, sh->vmq_tengig,
			    sh->vmq_below_tengig);
		ok(&v, "VMQ %d (10 Gb) and %d (below 10 Gb), as on the source", sh->vmq_tengig,
		   sh->vmq_below_tengig);
		if (emit(c, "SMIG4010", "host", &v) < 0)
			return -1;
	}
	for (k = 0; k < c->p->nnicmap; k++) {
		const struct smig_plan_nicmap *m = &c->p->nicmap[k];

		if (m->src == NULL || m->dst == NULL)
			continue;
		an = smig_inventory_find_nic(c->after, m->dst->guid);
		if ((subject = nic_subject(c, an, m->dst, m->dst->guid)) == NULL)
			return -1;
		if (an == NULL)
			bad(&v, "adapter %s is missing on the destination",
			    str_or(m->dst->guid, "?"));
		else if (an->vmq != m->src->vmq)
			bad(&v, "VMQ %s on the destination but %s on the source adapter '%s'",
			    vmq_name(an->vmq), vmq_name(m->src->vmq),
			    str_or(m->src->connection_name, "?"));
		ok(&v, "VMQ %s, as on the source adapter '%s'", vmq_name(m->src->vmq),
		   str_or(m->src->connection_name, "?"));
		rc = emit(c, "SMIG4010", subject, &v);
		free(subject);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* One adapter's TCP/IP settings against the source adapter's. */
static int check_ip(struct pc *c, const struct smig_inv_nic *sn, const struct smig_inv_nic *dn,
                    const char *guid)
{
	const struct smig_inv_nic *an = smig_inventory_find_nic(c->after, guid);
	struct verdict v = VERDICT_INIT;
	char *subject, *list = NULL;
	int rc = -1;

	if ((subject = nic_subject(c, an, dn, guid)) == NULL)
		return -1;
	if (an == NULL) {
		bad(&v, "adapter %s is missing on the destination", str_or(guid, "?"));
		goto emit;
	}
	if (an->dhcp != sn->dhcp) {
		bad(&v, "it uses %s on the destination but %s on the source adapter '%s'",
		    an->dhcp ? "DHCP" : "static addresses", sn->dhcp ? "DHCP" : "static addresses",
		    str_or(sn->connection_name, "?"));
		goto emit;
	}
	/* with DHCP the addresses are leases, not settings: only the static DNS servers */
	if (!sn->dhcp && (!strv_eq(an->ip, sn->ip) || !strv_eq(an->mask, sn->mask)))
		bad(&v, "its addresses differ from the source adapter '%s'",
		    str_or(sn->connection_name, "?"));
	if (!sn->dhcp && !strv_eq(an->gateway, sn->gateway))
		bad(&v, "its gateways differ from the source adapter '%s'",
		    str_or(sn->connection_name, "?"));
	if (!strv_eq(an->dns, sn->dns))
		bad(&v, "its DNS servers differ from the source adapter '%s'",
		    str_or(sn->connection_name, "?"));
	if (sn->dhcp) {
		ok(&v, "DHCP, as on the source adapter '%s'", str_or(sn->connection_name, "?"));
	} else if (strv_len(sn->ip) == 0) {
		ok(&v, "static, without addresses, as on the source adapter '%s'",
		   str_or(sn->connection_name, "?"));
	} else {
		if ((list = strv_join(sn->ip)) == NULL) {
			smig_err_nomem(c->e, "listing addresses");
			goto out;
		}
		ok(&v, "static address %s, as on the source adapter '%s'", list,
		   str_or(sn->connection_name, "?"));
	}
emit:
	rc = emit(c, "SMIG4011", subject, &v);
out:
	smig_strbuf_release(&v.ok);
	smig_strbuf_release(&v.bad);
	free(list);
	free(subject);
	return rc;
}

static int check_ipconfig(struct pc *c)
{
	enum smig_ipconfig_mode mode = c->p->opts != NULL ? c->p->opts->ipmode : SMIG_IPMODE_NONE;
	size_t k, n = 0;

	if (mode != SMIG_IPMODE_NIC && mode != SMIG_IPMODE_ALL)
		return info(c, "SMIG4011", "host",
		            "adapter IP settings were not requested "
		            "(--ipconfig-mode nic or all): not compared");
	for (k = 0; k < c->p->nnicmap; k++) {
		const struct smig_plan_nicmap *m = &c->p->nicmap[k];

		if (m->src == NULL || m->dst == NULL)
			continue;
		if (check_ip(c, m->src, m->dst, m->dst->guid) < 0)
			return -1;
		n++;
	}
	for (k = 0; k < c->p->nswitches; k++) {
		const struct smig_plan_switch *ps = &c->p->switches[k];

		if (ps->host_vnic == NULL || ps->src_host_vnic == NULL)
			continue;
		if (check_ip(c, ps->src_host_vnic, NULL, ps->host_vnic) < 0)
			return -1;
		n++;
	}
	if (n == 0)
		return info(c, "SMIG4011", "host",
		            "no adapters were mapped and no host virtual adapters recreated");
	return 0;
}

int smig_postcheck(const struct smig_plan *p, const struct smig_inventory *after,
                   const struct smig_staged *staged, struct smig_problems *out, struct smig_err *e)
{
	struct pc c = {p, p->src, after, staged, out, e};
	size_t i;
	int rc = -1;

	if (p->src == NULL || after == NULL)
		return smig_err_set(
		    e, SMIG_ERR_USAGE,
		    "cannot verify: the source or the destination model is missing");
	if (staged == NULL && info(&c, "SMIG4005", "archive",
	                           "no archive hashes were given: "
	                           "disk contents are not compared") < 0)
		goto out;
	for (i = 0; i < p->nvms; i++)
		if (check_vm(&c, i) < 0)
			goto out;
	for (i = 0; i < p->nswitches; i++)
		if (check_switch(&c, i) < 0)
			goto out;
	if (check_host(&c) < 0 || check_azman(&c) < 0 || check_vmq(&c) < 0 ||
	    check_ipconfig(&c) < 0)
		goto out;
	rc = 0;
out:
	return rc;
}

size_t smig_postcheck_failures(const struct smig_problems *items)
{
	return smig_problems_count(items, SMIG_SEV_FAIL) +
	       smig_problems_count(items, SMIG_SEV_ERROR);
}
