/* postcheck.c - the file-level post-migration verification, SMIG4001-4011 (see postcheck.h). */
#include "postcheck.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "archive.h"
#include "azman.h"
#include "hive.h"
#include "sign.h"
#include "strbuf.h"
#include "vhd.h"
#include "verdict.h"
#include "i18n.h"
#include "report.h"
#include "vmconfig.h"
#include "winval.h"

/* Where the live state is checked; every item about Hyper-V's own objects points there. */
#define LIVE_CHECK live_check()

static const char *live_check(void)
{
	return _("checked from the live host by 'smig-import report --state smig-state.json'");
}

/* A setting's state in a message: la mémoire dynamique, la compatibilité du processeur. */
static const char *on_off(bool on)
{
	/* TRANSLATORS: dynamic memory or processor compatibility is "on" or "off" */
	return on ? _("on") : _("off");
}

static const char *static_dynamic(bool is_static)
{
	/* TRANSLATORS: a MAC address or the memory is static or dynamic */
	return is_static ? _("static") : _("dynamic");
}

struct pc {
	const struct smig_plan *p;
	const struct smig_inventory *src, *after;
	const struct smig_staged *staged;
	struct smig_problems *out;
	struct smig_err *e;
};

/* ---- small comparisons ---- */

static const char *str_or(const char *s, const char *dflt)
{
	return s != NULL && s[0] != '\0' ? s : dflt;
}

/* Two MAC texts in any separator form; texts that do not parse are compared as written. */
static bool mac_text_eq(const char *a, const char *b)
{
	struct smig_mac ma, mb;

	a = a != NULL ? a : "";
	b = b != NULL ? b : "";
	if (!smig_mac_parse(a, &ma) || !smig_mac_parse(b, &mb))
		return smig_streq_ci(a, b);
	return smig_mac_cmp(&ma, &mb) == 0;
}

/* Two switch references (GUID text, "" or NULL = not connected). */
static bool switch_ref_eq(const char *a, const char *b)
{
	a = a != NULL ? a : "";
	b = b != NULL ? b : "";
	if (a[0] == '\0' || b[0] == '\0')
		return a[0] == b[0];
	return smig_guid_str_equal(a, b);
}

static const struct smig_staged_member *staged_member(const struct pc *c, const char *name)
{
	return c->staged != NULL && name != NULL ? smig_staged_find(c->staged, name) : NULL;
}

/*
 * Whether the planned file `local` is on the destination: 1 = a regular file (size in *size),
 * 0 = absent (a failure, noted in `v`), -1 = it cannot be examined (an error, noted in `v`).
 */
static int placed(struct smig_verdict *v, const char *local, const char *what, const char *winpath,
                  uint64_t *size)
{
	struct stat st;

	if (local == NULL) {
		smig_verdict_bad(v, _("the plan gives %s no destination path"), what);
		return 0;
	}
	if (stat(local, &st) < 0) {
		if (errno == ENOENT || errno == ENOTDIR) {
			smig_verdict_bad(v, _("%s is missing at '%s'"), what, str_or(winpath, local));
			return 0;
		}
		v->error = true;
		smig_verdict_bad(v, _("cannot examine %s '%s': %s"), what, str_or(winpath, local),
		                 strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		smig_verdict_bad(v, _("%s at '%s' is not a regular file"), what,
		                 str_or(winpath, local));
		return 0;
	}
	if (size != NULL)
		*size = (uint64_t)st.st_size;
	return 1;
}

/*
 * Load the configuration placed at `local` into *cfg. A file that is missing or does not
 * load is noted in `v` (*cfg stays NULL); -1 only when memory runs out.
 */
static int load_placed_config(struct pc *c, struct smig_verdict *v, const char *local,
                              const char *winpath, const char *what, struct smig_vmconfig **cfg)
{
	struct smig_err le = SMIG_ERR_INIT;

	*cfg = NULL;
	if (placed(v, local, what, winpath, NULL) <= 0)
		return 0;
	if (smig_vmconfig_load(local, str_or(winpath, local), cfg, &le) < 0) {
		if (le.kind == SMIG_ERR_NOMEM)
			return smig_err_set(c->e, le.kind, "%s", le.msg);
		v->error = le.kind == SMIG_ERR_IO;
		smig_verdict_bad(v, _("%s does not load: %s"), what, le.msg);
	}
	return 0;
}

/*
 * Hyper-V ends a configuration at the root's closing '>' (formats.md, evidence row 8): a
 * line end after it, in UTF-16LE ("\n\0") or 8-bit text ("\n"), is what a writer added.
 * 1 = ends with a line end, 0 = does not, -1 = cannot read it (errno set).
 */
static int ends_with_line_end(const char *local)
{
	unsigned char tail[2];
	FILE *f = fopen(local, "rb");
	int rc = -1;

	if (f == NULL)
		return -1;
	if (fseek(f, -2, SEEK_END) == 0 && fread(tail, 1, 2, f) == 2)
		rc = tail[1] == '\n' || (tail[1] == '\0' && tail[0] == '\n');
	fclose(f);
	return rc;
}

/* ---- SMIG4001: the configuration placed for each VM ---- */

/* Saved-state files of the VM itself (snapshot == NULL) or of its snapshots. */
static void check_state_files(struct pc *c, struct smig_verdict *v, const struct smig_plan_vm *pv,
                              bool of_snapshots, size_t *count)
{
	size_t k;

	*count = 0;
	for (k = 0; k < pv->nfiles; k++) {
		const struct smig_plan_file *f = &pv->files[k];
		const struct smig_staged_member *m;
		uint64_t size = 0;

		if (strcmp(f->role, "saved-state") != 0 || (f->snapshot != NULL) != of_snapshots)
			continue;
		(*count)++;
		if (placed(v, f->local, _("saved-state file"), f->winpath, &size) <= 0)
			continue;
		m = staged_member(c, f->member);
		if (m != NULL && m->size != size) {
			char a[SMIG_COUNT_BUFSZ], b[SMIG_COUNT_BUFSZ];

			smig_verdict_bad(v,
			                 _("saved-state file '%s' is %s bytes on the destination but %s in "
			                   "the archive"),
			                 str_or(f->winpath, f->local), smig_human_count(size, a, sizeof(a)),
			                 smig_human_count(m->size, b, sizeof(b)));
		}
	}
}

static int check_config(struct pc *c, const char *subject, const struct smig_plan_vm *pv,
                        const struct smig_inv_vm *s, struct smig_vmconfig **cfgp)
{
	struct smig_verdict v = SMIG_VERDICT_INIT;
	struct smig_vmconfig *cfg;
	size_t nstate;
	int le;

	if (load_placed_config(c, &v, pv->config_local, pv->config_winpath, _("the configuration"),
	                       cfgp) < 0)
		return -1;
	cfg = *cfgp;
	if (cfg == NULL)
		return smig_verdict_emit(&v, c->out, "SMIG4001", subject, c->e);
	smig_verdict_ok(&v, _("configuration present at '%s' and readable"),
	                str_or(pv->config_winpath, pv->config_local));
	if (pv->id == NULL || !smig_guid_str_equal(cfg->global_id, pv->id))
		smig_verdict_bad(&v, _("the configuration's id is %s, not %s as planned"),
		                 cfg->global_id, str_or(pv->id, "?"));
	else if (s->id != NULL && smig_guid_str_equal(s->id, pv->id))
		smig_verdict_ok(&v, _("id %s, as on the source"), cfg->global_id);
	else
		smig_verdict_ok(&v, _("the new id %s as planned (source id %s)"), cfg->global_id,
		                str_or(s->id, "?"));
	if (cfg->version == s->version)
		smig_verdict_ok(&v,
		                _("version %" PRId64
		                ", as on the source (Hyper-V upgrades it when it registers "
		                "the VM)"),
		                s->version);
	else if (cfg->version == 1024)
		smig_verdict_bad(
		    &v,
		    _("version 1024 was stamped on it: the source's configuration is version %" PRId64
		    " and must stay so"),
		    s->version);
	else
		smig_verdict_bad(
		    &v, _("version %" PRId64 " on the destination but %" PRId64 " on the source"),
		    cfg->version, s->version);
	if (s->name != NULL && strcmp(cfg->name, s->name) != 0)
		smig_verdict_bad(&v, _("it names the virtual machine '%s', not '%s' as on the source"),
		                 cfg->name, s->name);
	le = ends_with_line_end(pv->config_local);
	if (le < 0) {
		v.error = true;
		smig_verdict_bad(&v, _("cannot read the end of '%s': %s"),
		                 str_or(pv->config_winpath, "?"), strerror(errno));
	} else if (le > 0) {
		smig_verdict_bad(&v, _("a line end follows </configuration> (Hyper-V writes none)"));
	} else {
		smig_verdict_ok(&v, _("it ends at </configuration>"));
	}
	check_state_files(c, &v, pv, false, &nstate);
	if (nstate > 0)
		smig_verdict_ok(&v, P_("%zu saved-state file present", "%zu saved-state files present",
		                       nstate),
		                nstate);
	return smig_verdict_emit(&v, c->out, "SMIG4001", subject, c->e);
}

/* Registration belongs to migrate.ps1; the destination's inventory only says what it lists. */
static int note_registration(struct pc *c, const char *vsubject, const struct smig_plan_vm *pv)
{
	char *subject = smig_asprintf(c->e, "%s/registration", vsubject);
	bool listed = false;
	size_t i;
	int rc;

	if (subject == NULL)
		return -1;
	for (i = 0; c->after != NULL && pv->id != NULL && i < c->after->nvms; i++)
		listed |=
		    c->after->vms[i].id != NULL && smig_guid_str_equal(c->after->vms[i].id, pv->id);
	rc = smig_verdict_info(
	    c->out, "SMIG4001", subject, c->e,
	    _("apply registers no virtual machine: migrate.ps1 registers %s in place "
	    "(Compare-VM -Register) on the running host; %s%s"),
	    str_or(pv->id, "?"), LIVE_CHECK,
	    listed ? _(" (the destination already lists a virtual machine with this id)") : "");
	free(subject);
	return rc;
}

/* ---- SMIG4002, SMIG4003: memory and processors in the placed configuration ---- */

static int check_memory(struct pc *c, const char *subject, const struct smig_inv_vm *s,
                        const struct smig_vmconfig *a)
{
	struct smig_verdict v = SMIG_VERDICT_INIT;

	if (a->memory_mb != s->memory_mb)
		smig_verdict_bad(&v,
		                 _("startup memory is %" PRId64
		                 " MB in the placed configuration but %" PRId64 " MB on the source"),
		                 a->memory_mb, s->memory_mb);
	if (a->dynamic_memory != s->dynamic_memory)
		smig_verdict_bad(
		    &v, _("dynamic memory is %s in the placed configuration but %s on the source"),
		    on_off(a->dynamic_memory), on_off(s->dynamic_memory));
	if (a->memory_min_mb != s->memory_min_mb || a->memory_max_mb != s->memory_max_mb)
		smig_verdict_bad(
		    &v,
		    _("memory range is %" PRId64 "-%" PRId64 " MB in the placed configuration but "
		    "%" PRId64 "-%" PRId64 " MB on the source"),
		    a->memory_min_mb, a->memory_max_mb, s->memory_min_mb, s->memory_max_mb);
	smig_verdict_ok(&v,
	                _("memory in the placed configuration equals the source's: startup %" PRId64
	                " MB, %s, range %" PRId64 "-%" PRId64 " MB"),
	                s->memory_mb, static_dynamic(!s->dynamic_memory), s->memory_min_mb,
	                s->memory_max_mb);
	return smig_verdict_emit(&v, c->out, "SMIG4002", subject, c->e);
}

static int check_cpu(struct pc *c, const char *vsubject, const struct smig_plan_vm *pv,
                     const struct smig_inv_vm *s, const struct smig_vmconfig *a)
{
	struct smig_verdict v = SMIG_VERDICT_INIT;
	char *subject;
	int rc;

	if (a->cpu_count != s->cpu_count)
		smig_verdict_bad(&v,
		                 P_("%" PRId64 " virtual processor in the placed configuration but %" PRId64
		                    " on the source",
		                    "%" PRId64 " virtual processors in the placed configuration but %" PRId64
		                    " on the source",
		                    (unsigned long)a->cpu_count),
		                 a->cpu_count, s->cpu_count);
	smig_verdict_ok(&v,
	                P_("%" PRId64 " virtual processor in the placed configuration, as on the source",
	                   "%" PRId64 " virtual processors in the placed configuration, as on the source",
	                   (unsigned long)s->cpu_count),
	                s->cpu_count);
	if (smig_verdict_emit(&v, c->out, "SMIG4003", vsubject, c->e) < 0)
		return -1;
	subject = smig_asprintf(c->e, "%s/processor-compatibility", vsubject);
	if (subject == NULL)
		return -1;
	rc = smig_verdict_info(
	    c->out, "SMIG4003", subject, c->e,
	    _("processor compatibility is not edited offline: migrate.ps1 sets it %s as "
	    "planned (the source has it %s) after registering the VM; %s"),
	    on_off(pv->cpu_compat), on_off(s->cpu_compat), LIVE_CHECK);
	free(subject);
	return rc;
}

/* ---- SMIG4004: snapshot configurations ---- */

static int check_snapshots(struct pc *c, const char *subject, const struct smig_plan_vm *pv,
                           const struct smig_inv_vm *s)
{
	struct smig_verdict v = SMIG_VERDICT_INIT;
	size_t k, planned = 0, present = 0, nstate;
	int rc = -1;

	for (k = 0; k < pv->nfiles; k++) {
		const struct smig_plan_file *f = &pv->files[k];
		struct smig_vmconfig *cfg = NULL;

		if (strcmp(f->role, "snapshot-config") != 0)
			continue;
		planned++;
		if (load_placed_config(c, &v, f->local, f->winpath, _("snapshot configuration"),
		                       &cfg) < 0)
			goto out;
		if (cfg == NULL)
			continue;
		present++;
		/* a snapshot taken before an upgrade may be older than the VM; never newer */
		if (cfg->version > s->version)
			smig_verdict_bad(&v,
			                 _("snapshot configuration '%s' is version %" PRId64
			                 ", newer than the source's %" PRId64 " (stamped)"),
			                 str_or(f->winpath, f->local), cfg->version, s->version);
		smig_vmconfig_free(cfg);
	}
	if (planned != s->nsnapshots)
		smig_verdict_bad(
		    &v,
		    P_("the plan places %zu snapshot configuration but the source has %zu",
		       "the plan places %zu snapshot configurations but the source has %zu", planned),
		    planned, s->nsnapshots);
	if (present != s->nsnapshots) {
		char snaps[96];

		snprintf(snaps, sizeof(snaps), P_("%zu snapshot", "%zu snapshots", s->nsnapshots),
		         s->nsnapshots);
		smig_verdict_bad(
		    &v,
		    P_("%zu snapshot configuration on the destination but %s on the source",
		       "%zu snapshot configurations on the destination but %s on the source", present),
		    present, snaps);
	}
	if (s->nsnapshots == 0)
		smig_verdict_ok(&v, _("no snapshots, as on the source"));
	else
		smig_verdict_ok(
		    &v,
		    P_("%zu snapshot configuration present at its planned path and readable, as "
		       "on the source",
		       "%zu snapshot configurations present at their planned paths and readable, as "
		       "on the source",
		       s->nsnapshots),
		    s->nsnapshots);
	check_state_files(c, &v, pv, true, &nstate);
	if (nstate > 0)
		smig_verdict_ok(&v,
		                P_("%zu snapshot saved-state file present",
		                   "%zu snapshot saved-state files present", nstate),
		                nstate);
	rc = smig_verdict_emit(&v, c->out, "SMIG4004", subject, c->e);
out:
	smig_verdict_release(&v);
	return rc;
}

/* ---- SMIG4005: disks and the configuration's drives ---- */

/*
 * Parent references in the placed disks name destination Windows paths: map them through the
 * plan's disks of the VM (ctx), anything else through the default resolver.
 */
static int resolve_planned(void *ctx, const char *child_path, enum smig_vhd_ref kind,
                           const char *ref, char **local, struct smig_err *e)
{
	const struct smig_plan_vm *pv = ctx;
	size_t k;

	if (kind != SMIG_VHD_REF_RELATIVE) {
		for (k = 0; k < pv->ndisks; k++) {
			if (pv->disks[k].local == NULL ||
			    !smig_winpath_text_eq(pv->disks[k].winpath, ref))
				continue;
			*local = smig_strdup(pv->disks[k].local, e);
			return *local != NULL ? 0 : -1;
		}
	}
	return smig_vhd_resolve_default(NULL, child_path, kind, ref, local, e);
}

/* The content half of a disk check: the destination file's SHA-256 against the signed one. */
/* The placed file `local` has the SHA-256 the archive signed for `member`. */
static int check_file_hash(struct pc *c, struct smig_verdict *v, const char *member,
                           const char *local, const char *winpath)
{
	const struct smig_staged_member *m;
	struct smig_err he = SMIG_ERR_INIT;
	struct stat st;
	uint8_t got[32];
	char hw[65];

	if (c->staged == NULL) {
		smig_verdict_ok(v, _("SHA-256 not compared (no archive hashes)"));
		return 0;
	}
	m = smig_staged_find(c->staged, member);
	if (m == NULL) {
		smig_verdict_bad(v, _("the archive has no member '%s' to compare with"), member);
		return 0;
	}
	/* apply's own verification: the placed file is the staged one (same device, inode, size
	 * and time), moved into place untouched; its bytes were hashed as they were read from
	 * the archive and matched the signed list. `report` stages a copy: it reads them again. */
	if (m->local != NULL && m->ino != 0 && lstat(local, &st) == 0 && S_ISREG(st.st_mode) &&
	    (uint64_t)st.st_dev == m->dev && (uint64_t)st.st_ino == m->ino &&
	    (uint64_t)st.st_size == m->size && (int64_t)st.st_mtim.tv_sec == m->mtime) {
		smig_hex(m->sha256, 32, hw);
		smig_verdict_ok(v, _("SHA-256 %s as signed (the staged file, hashed as it was read "
		                  "from the archive, moved into place untouched)"), hw);
		return 0;
	}
	if (smig_sha256_file(local, str_or(winpath, local), got, &he) < 0) {
		if (he.kind == SMIG_ERR_NOMEM)
			return smig_err_set(c->e, he.kind, "%s", he.msg);
		v->error = true;
		smig_verdict_bad(v, "%s", he.msg);
		return 0;
	}
	smig_hex(m->sha256, 32, hw);
	if (memcmp(got, m->sha256, 32) != 0) {
		char hg[65];

		smig_hex(got, 32, hg);
		smig_verdict_bad(v, _("SHA-256 is %s on the destination but the archive signed %s"),
		                 hg, hw);
	} else {
		smig_verdict_ok(v, _("SHA-256 %s as signed"), hw);
	}
	return 0;
}

static int check_disk_hash(struct pc *c, struct smig_verdict *v, const struct smig_plan_disk *pd)
{
	if (pd->reparent && pd->src != NULL && pd->src->type == SMIG_DISK_DIFFERENCING)
		return 0; /* its file differs by design: check_chain compares its virtual content */
	return check_file_hash(c, v, pd->member, pd->local, pd->winpath);
}

/* The source chain in the archive: a parent reference (the source's Windows path, or a path
 * relative to the source child) maps to the staged member of the disk the source had there. */
static int resolve_staged(void *ctx, const char *child_path, enum smig_vhd_ref kind,
                          const char *ref, char **local, struct smig_err *e)
{
	const struct pc *c = ctx;
	const char *base = smig_winpath_base(ref);
	size_t i, k;
	int pass;

	(void)child_path;
	/* the full path first, then (a relative reference) the file name */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < c->p->nvms; i++)
			for (k = 0; c->p->vms[i].disks != NULL && k < c->p->vms[i].ndisks; k++) {
				const struct smig_plan_disk *d = &c->p->vms[i].disks[k];
				const struct smig_staged_member *m = staged_member(c, d->member);
				const char *sw = d->src != NULL ? d->src->winpath : NULL;

				if (m == NULL || sw == NULL)
					continue;
				if (pass == 0 ? kind != SMIG_VHD_REF_RELATIVE &&
				                    smig_winpath_text_eq(sw, ref)
				              : smig_streq_ci(smig_winpath_base(sw), base)) {
					*local = smig_strdup(m->local, e);
					return *local != NULL ? 0 : -1;
				}
			}
	return 1;
}

/* The virtual-content digest of the source chain whose first disk is member `m`. */
static int source_content(const struct pc *c, const struct smig_staged_member *m, uint8_t out[32],
                          struct smig_err *e)
{
	struct smig_vhd_chain ch = {0};
	int rc = smig_vhd_chain_open(m->local, m->name, resolve_staged, (void *)c, &ch, e);

	if (rc == 0)
		rc = smig_vhd_chain_sha256(&ch, out, e);
	smig_vhd_chain_release(&ch);
	return rc;
}

int smig_postcheck_source_content(const struct smig_plan *p, const struct smig_staged *staged,
                                  struct smig_plan_disk *pd, struct smig_err *e)
{
	struct pc c = {p, p->src, NULL, staged, NULL, e};
	const struct smig_staged_member *m = staged_member(&c, pd->member);

	if (m == NULL)
		return smig_err_set(e, SMIG_ERR_INTEGRITY, _("'%s': listed in the descriptor but not "
		                    "staged"), str_or(pd->member, "?"));
	if (source_content(&c, m, pd->content_sha256, e) < 0)
		return -1;
	pd->has_content = true;
	return 0;
}

/*
 * A re-parented disk's file differs from the archive's (header and parent locators), so what
 * is compared is what it presents: the SHA-256 of its virtual content read through its chain
 * on the destination (`ch`), and through the source's chain from the archive's signed members.
 */
static int check_virtual_content(struct pc *c, struct smig_verdict *v,
                                 const struct smig_plan_disk *pd, const struct smig_vhd_chain *ch)
{
	const struct smig_staged_member *m = staged_member(c, pd->member);
	struct smig_err ce = SMIG_ERR_INIT;
	uint8_t got[32], want[32];
	char hg[65], hw[65];
	int rc = 0;

	if (c->staged == NULL) {
		smig_verdict_ok(v, _("virtual content not compared (no archive hashes)"));
		return 0;
	}
	if (m == NULL && !pd->has_content) {
		smig_verdict_bad(v, _("the archive has no member '%s' to compare with"),
		                 str_or(pd->member, "?"));
		return 0;
	}
	if (pd->has_content) {
		memcpy(want, pd->content_sha256, 32); /* apply read it before re-parenting */
	} else if (source_content(c, m, want, &ce) < 0) {
		if (ce.kind == SMIG_ERR_NOMEM)
			rc = smig_err_set(c->e, ce.kind, "%s", ce.msg);
		else
			smig_verdict_bad(v, _("the archive's chain cannot be read: %s"), ce.msg);
		goto out;
	}
	if (smig_vhd_chain_sha256(ch, got, &ce) < 0) {
		if (ce.kind == SMIG_ERR_NOMEM) {
			rc = smig_err_set(c->e, ce.kind, "%s", ce.msg);
			goto out;
		}
		v->error = ce.kind == SMIG_ERR_IO;
		smig_verdict_bad(v, _("its virtual content cannot be read through its chain: %s"),
		                 ce.msg);
		goto out;
	}
	smig_hex(got, 32, hg);
	smig_hex(want, 32, hw);
	if (memcmp(got, want, 32) != 0)
		smig_verdict_bad(v,
		                 _("its virtual content differs from the source's: SHA-256 %s read "
		                 "through its chain on the destination, %s through the archive's"),
		                 hg, hw);
	else
		smig_verdict_ok(v,
		                _("re-parented: its virtual content read through its chain has the "
		                "SHA-256 %s of the source's chain in the archive"),
		                hg);
out:
	return rc;
}

/* The chain of a differencing disk resolves to the parent the source names. */
static int check_chain(struct pc *c, struct smig_verdict *v, const struct smig_plan_vm *pv,
                       const struct smig_plan_disk *pd, const struct smig_inv_disk *sd)
{
	struct smig_vhd_chain ch = {0};
	struct smig_err ce = SMIG_ERR_INIT;
	const char *pw = pd->parent_winpath;
	int rc;

	if (pw == NULL && sd->parent >= 0 && (size_t)sd->parent < pv->ndisks)
		pw = pv->disks[sd->parent].winpath;
	if (smig_vhd_chain_open(pd->local, str_or(pd->winpath, pd->local), resolve_planned,
	                        (void *)pv, &ch, &ce) < 0) {
		if (ce.kind == SMIG_ERR_NOMEM)
			return smig_err_set(c->e, ce.kind, "%s", ce.msg);
		smig_verdict_bad(v, _("its chain does not resolve on the destination: %s"), ce.msg);
		return 0;
	}
	if (ch.n < 2 || !smig_guid_equal(&ch.info[1].unique_id, &sd->parent_id))
		smig_verdict_bad(
		    v, _("its parent on the destination has not the unique id the source's chain "
		       "names"));
	else
		smig_verdict_ok(v,
		                P_("its chain resolves: parent '%s' (%zu disk to the base)",
		                   "its chain resolves: parent '%s' (%zu disks to the base)", ch.n),
		                str_or(pw, "?"), ch.n);
	rc = pd->reparent ? check_virtual_content(c, v, pd, &ch) : 0;
	smig_vhd_chain_release(&ch);
	return rc;
}

static int check_disk(struct pc *c, const char *vsubject, const struct smig_plan_vm *pv,
                      const struct smig_inv_vm *s, size_t j)
{
	const struct smig_inv_disk *sd = &s->disks[j];
	const struct smig_plan_disk *pd = j < pv->ndisks && pv->disks ? &pv->disks[j] : NULL;
	struct smig_vhd_info vi = {0};
	struct smig_err ve = SMIG_ERR_INIT;
	struct smig_verdict v = SMIG_VERDICT_INIT;
	char *subject = NULL, n1[SMIG_COUNT_BUFSZ], n2[SMIG_COUNT_BUFSZ];
	uint64_t size = 0;
	int rc = -1;

	subject = smig_asprintf(c->e, "%s/disk:%s", vsubject,
	                        smig_winpath_base(str_or(sd->winpath, "?")));
	if (subject == NULL)
		return -1;
	if (pd != NULL && pd->expected) {
		/* a configuration-only archive: the disk was there before apply, used as it is */
		if (placed(&v, pd->local, _("the disk"), pd->winpath, &size) > 0)
			smig_verdict_ok(&v, _("present at '%s', where the configuration uses it (the "
			                "archive carries configurations only: not compared with the "
			                "source's disk)"), str_or(pd->winpath, pd->local));
		rc = smig_verdict_emit(&v, c->out, "SMIG4005", subject, c->e);
		goto out;
	}
	if (pd == NULL || pd->member == NULL) {
		rc = smig_verdict_info(
		    c->out, "SMIG4005", subject, c->e,
		    _("not carried in the archive: apply placed no file, nothing compared"));
		goto out;
	}
	if (placed(&v, pd->local, _("the disk"), pd->winpath, &size) <= 0) {
		rc = smig_verdict_emit(&v, c->out, "SMIG4005", subject, c->e);
		goto out;
	}
	smig_verdict_ok(&v, _("present at '%s'"), str_or(pd->winpath, pd->local));
	if (smig_vhd_open(pd->local, str_or(pd->winpath, pd->local), &vi, &ve) < 0) {
		if (ve.kind == SMIG_ERR_NOMEM) {
			smig_err_set(c->e, ve.kind, "%s", ve.msg);
			goto out;
		}
		v.error = ve.kind == SMIG_ERR_IO;
		smig_verdict_bad(&v, _("it does not open as a VHD: %s"), ve.msg);
		rc = smig_verdict_emit(&v, c->out, "SMIG4005", subject, c->e);
		goto out;
	}
	if (!smig_guid_equal(&vi.unique_id, &sd->unique_id))
		smig_verdict_bad(&v, _("its unique id differs from the source disk's"));
	if (vi.current_size != sd->virtual_size)
		smig_verdict_bad(&v,
		                 _("virtual size is %s bytes on the destination but %s on the source"),
		                 smig_human_count(vi.current_size, n1, sizeof(n1)),
		                 smig_human_count(sd->virtual_size, n2, sizeof(n2)));
	if (size != sd->file_size)
		smig_verdict_bad(&v,
		                 _("file size is %s bytes on the destination but %s on the source"),
		                 smig_human_count(size, n1, sizeof(n1)),
		                 smig_human_count(sd->file_size, n2, sizeof(n2)));
	if ((int)vi.type != (int)sd->type)
		smig_verdict_bad(&v, _("it is %s on the destination but %s on the source"),
		                 smig_disk_type_label((enum smig_disk_type)vi.type),
		                 smig_disk_type_label(sd->type));
	smig_verdict_ok(&v,
	                _("%s, same unique id, %s bytes virtual, %s bytes on disk, as on the source"),
	                smig_disk_type_label(sd->type),
	                smig_human_count(sd->virtual_size, n1, sizeof(n1)),
	                smig_human_count(sd->file_size, n2, sizeof(n2)));
	if (sd->type == SMIG_DISK_DIFFERENCING && vi.type == SMIG_VHD_DIFFERENCING &&
	    check_chain(c, &v, pv, pd, sd) < 0)
		goto out;
	if (check_disk_hash(c, &v, pd) < 0)
		goto out;
	rc = smig_verdict_emit(&v, c->out, "SMIG4005", subject, c->e);
out:
	smig_vhd_info_release(&vi);
	smig_verdict_release(&v);
	free(subject);
	return rc;
}

/* The placed configuration's drive in the source drive's slot ("IDE 1:0"), or NULL. */
static const struct smig_vm_drive *config_drive(const struct smig_vmconfig *cfg, const char *slot)
{
	char name[64];
	size_t i;

	for (i = 0; slot != NULL && i < cfg->ndrives; i++) {
		const struct smig_vm_drive *d = &cfg->drives[i];

		snprintf(name, sizeof(name), "%s %d:%d", smig_vmconfig_ctrl_name(d->ctrl_kind), d->controller,
		         d->slot);
		if (smig_streq_ci(name, slot))
			return d;
	}
	return NULL;
}

static const char *drive_what(enum smig_drive_kind_inv kind, const char **step)
{
	switch (kind) {
	case SMIG_INV_DRIVE_ISO:
		*step = "SMIG3003";
		return _("ISO image");
	case SMIG_INV_DRIVE_VFD:
		*step = "SMIG3004";
		return _("virtual floppy");
	case SMIG_INV_DRIVE_PASSTHROUGH:
		*step = "SMIG3002";
		return _("pass-through disk");
	default:
		*step = _("in the manual-step report");
		return _("attachment");
	}
}

/*
 * A drive of the placed configuration: a hard disk drive points to its disk's planned
 * destination path, a drive the plan emptied (ISO, VFD, pass-through) is empty.
 */
static int check_drive(struct pc *c, const char *vsubject, const struct smig_plan_vm *pv,
                       const struct smig_inv_drive *sd, bool emptied,
                       const struct smig_vmconfig *cfg)
{
	const struct smig_vm_drive *ad = config_drive(cfg, sd->slot);
	struct smig_verdict v = SMIG_VERDICT_INIT;
	const char *what, *step, *want;
	char *subject;
	int rc;

	if (!emptied && (sd->kind != SMIG_INV_DRIVE_VHD || sd->disk < 0 ||
	                 (size_t)sd->disk >= pv->ndisks || pv->disks[sd->disk].winpath == NULL))
		return 0;
	subject = smig_asprintf(c->e, "%s/drive:%s", vsubject, str_or(sd->slot, "?"));
	if (subject == NULL)
		return -1;
	if (emptied) {
		const struct smig_plan_file *mf =
		    sd->kind == SMIG_INV_DRIVE_PASSTHROUGH ? NULL : smig_plan_media(pv, sd->pathname);
		struct stat st;

		what = drive_what(sd->kind, &step);
		if (ad != NULL && ad->kind != SMIG_DRIVE_EMPTY && ad->pathname[0] != '\0')
			smig_verdict_bad(
			    &v,
			    _("should be empty in the placed configuration (the %s '%s' was not "
			    "migrated) but holds '%s'"),
			    what, str_or(sd->pathname, ""), ad->pathname);
		if (mf == NULL) {
			smig_verdict_ok(&v,
			                _("empty in the placed configuration as planned: the %s '%s' "
			                "was not migrated, manual step %s reattaches it"),
			                what, str_or(sd->pathname, ""), step);
		} else {
			smig_verdict_ok(&v,
			                _("empty in the placed configuration as planned: the %s '%s' "
			                "travelled to '%s' (--copy-media), migrate.ps1 attaches it"),
			                what, str_or(sd->pathname, ""), mf->winpath);
			if (mf->local && lstat(mf->local, &st) < 0)
				smig_verdict_bad(&v, _("'%s' is not on the destination"), mf->winpath);
			else if (mf->local && check_file_hash(c, &v, mf->member, mf->local,
			                                      mf->winpath) < 0) {
				free(subject);
				return -1;
			}
		}
	} else {
		want = pv->disks[sd->disk].winpath;
		if (ad == NULL)
			smig_verdict_bad(
			    &v,
			    _("the placed configuration has no drive in this slot (the source's "
			    "holds '%s')"),
			    str_or(sd->pathname, "?"));
		else if (!smig_winpath_text_eq(ad->pathname, want))
			smig_verdict_bad(
			    &v, _("the placed configuration points to '%s', not to '%s' as planned"),
			    str_or(ad->pathname, _("(nothing)")), want);
		smig_verdict_ok(&v, _("the placed configuration points to '%s' as planned"), want);
	}
	rc = smig_verdict_emit(&v, c->out, "SMIG4005", subject, c->e);
	free(subject);
	return rc;
}

/* ---- SMIG4006: network adapters of the placed configuration ---- */

static int check_nic(struct pc *c, const char *vsubject, const struct smig_inv_nicvm *sn,
                     const struct smig_vm_nic *an)
{
	struct smig_verdict v = SMIG_VERDICT_INIT;
	char *subject;
	int rc;

	subject = smig_asprintf(c->e, "%s/nic:%s", vsubject, str_or(sn->name, "?"));
	if (subject == NULL)
		return -1;
	if (an == NULL) {
		smig_verdict_bad(&v, _("missing in the placed configuration"));
		goto emit;
	}
	if (!mac_text_eq(an->mac, sn->mac))
		smig_verdict_bad(&v,
		                 _("MAC address %s in the placed configuration but %s on the source"),
		                 str_or(an->mac, _("(none)")), str_or(sn->mac, _("(none)")));
	else
		smig_verdict_ok(&v, _("MAC address %s"), str_or(sn->mac, _("(none)")));
	if (an->mac_static != sn->mac_static)
		smig_verdict_bad(
		    &v, _("its MAC address is %s in the placed configuration but %s on the source"),
		    static_dynamic(an->mac_static), static_dynamic(sn->mac_static));
	else
		smig_verdict_ok(&v, "%s", static_dynamic(sn->mac_static));
	if (an->legacy != sn->legacy)
		smig_verdict_bad(&v, _("it is %s in the placed configuration but %s on the source"),
		                 /* TRANSLATORS: a network adapter is legacy or synthetic */
		                 an->legacy ? _("legacy") : _("synthetic"),
		                 sn->legacy ? _("legacy") : _("synthetic"));
	else
		smig_verdict_ok(&v, "%s", sn->legacy ? _("legacy") : _("synthetic"));
	if (!switch_ref_eq(an->switch_id, sn->switch_guid))
		smig_verdict_bad(
		    &v,
		    _("its switch reference is '%s' in the placed configuration but '%s' on the "
		    "source"),
		    str_or(an->switch_id, _("(none)")), str_or(sn->switch_guid, _("(none)")));
	else
		smig_verdict_ok(&v, _("switch reference kept as on the source"));
emit:
	rc = smig_verdict_emit(&v, c->out, "SMIG4006", subject, c->e);
	free(subject);
	return rc;
}

/* Connecting adapters to the recreated networks (and their VLANs) is migrate.ps1's. */
static int note_connections(struct pc *c, const char *vsubject, const struct smig_inv_vm *s)
{
	struct smig_strbuf sb = SMIG_STRBUF_INIT;
	char *subject = NULL;
	size_t k, n = 0;
	int rc = -1;

	for (k = 0; k < s->nnics; k++) {
		const struct smig_inv_nicvm *sn = &s->nics[k];

		if (sn->switch_name == NULL)
			continue;
		smig_strbuf_puts(&sb, n++ > 0 ? ", " : "");
		/* TRANSLATORS: an adapter connected to a virtual network, in a list */
		smig_strbuf_printf(&sb, _("'%s' to '%s'"), str_or(sn->name, "?"), sn->switch_name);
		if (sn->vlan != 0)
			smig_strbuf_printf(&sb, " (VLAN %" PRIu32 ")", sn->vlan);
	}
	if (smig_strbuf_check(&sb, c->e) < 0)
		goto out;
	subject = smig_asprintf(c->e, "%s/connections", vsubject);
	if (subject == NULL)
		goto out;
	if (n == 0)
		rc = smig_verdict_info(
		    c->out, "SMIG4006", subject, c->e,
		    _("no network adapter is connected on the source: nothing for migrate.ps1 "
		    "to connect"));
	else
		rc = smig_verdict_info(c->out, "SMIG4006", subject, c->e,
		                       _("migrate.ps1 connects %s on the running host; %s"),
		                       smig_strbuf_cstr(&sb), LIVE_CHECK);
out:
	smig_strbuf_release(&sb);
	free(subject);
	return rc;
}

static int check_nics(struct pc *c, const char *subject, const struct smig_inv_vm *s,
                      const struct smig_vmconfig *a)
{
	struct smig_verdict v = SMIG_VERDICT_INIT;
	size_t k;

	if (a->nnics != s->nnics)
		smig_verdict_bad(
		    &v,
		    P_("%zu network adapter in the placed configuration but %zu on the source",
		       "%zu network adapters in the placed configuration but %zu on the source",
		       a->nnics),
		    a->nnics, s->nnics);
	smig_verdict_ok(&v,
	                P_("%zu network adapter in the placed configuration, as on the source",
	                   "%zu network adapters in the placed configuration, as on the source",
	                   s->nnics),
	                s->nnics);
	if (smig_verdict_emit(&v, c->out, "SMIG4006", subject, c->e) < 0)
		return -1;
	for (k = 0; k < s->nnics; k++)
		if (check_nic(c, subject, &s->nics[k], k < a->nnics ? &a->nics[k] : NULL) < 0)
			return -1;
	return note_connections(c, subject, s);
}

/* The checks that need the placed configuration, when it could not be read. */
static int skip_config_checks(struct pc *c, const char *subject)
{
	static const char *const ids[] = {"SMIG4002", "SMIG4003", "SMIG4006"};
	size_t i;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if (smig_verdict_info(
		        c->out, ids[i], subject, c->e,
		        _("not compared: the placed configuration could not be read (SMIG4001)")) < 0)
			return -1;
	return 0;
}

static int check_vm(struct pc *c, size_t i)
{
	const struct smig_plan_vm *pv = &c->p->vms[i];
	const struct smig_inv_vm *s = smig_plan_src_vm(c->p, i);
	struct smig_vmconfig *cfg = NULL;
	char *subject = NULL;
	size_t j;
	int rc = -1;

	if (!pv->selected || s == NULL)
		return 0;
	subject = smig_asprintf(c->e, "vm:%s", str_or(s->name, str_or(s->id, "?")));
	if (subject == NULL)
		return -1;
	if (c->p->storage_only) {
		/* a storage archive: the disks only, for no VM */
		for (j = 0; j < s->ndisks; j++)
			if (check_disk(c, subject, pv, s, j) < 0)
				goto out;
		rc = 0;
		goto out;
	}
	if (check_config(c, subject, pv, s, &cfg) < 0 || note_registration(c, subject, pv) < 0)
		goto out;
	if (cfg == NULL) {
		if (skip_config_checks(c, subject) < 0)
			goto out;
	} else if (check_memory(c, subject, s, cfg) < 0 || check_cpu(c, subject, pv, s, cfg) < 0) {
		goto out;
	}
	if (check_snapshots(c, subject, pv, s) < 0)
		goto out;
	for (j = 0; j < s->ndisks; j++)
		if (check_disk(c, subject, pv, s, j) < 0)
			goto out;
	for (j = 0; cfg != NULL && j < s->ndrives; j++)
		if (check_drive(c, subject, pv, &s->drives[j],
		                pv->drive_emptied != NULL && pv->drive_emptied[j], cfg) < 0)
			goto out;
	if (cfg != NULL && check_nics(c, subject, s, cfg) < 0)
		goto out;
	rc = 0;
out:
	smig_vmconfig_free(cfg);
	free(subject);
	return rc;
}

/* ---- SMIG4007-4011: Hyper-V's own objects, made by migrate.ps1 on the running host ---- */

/* "'a', 'b'" of the virtual networks migrate.ps1 creates: the source's, or for an import of
 * some VMs those the plan keeps (malloc'd; "none"). NULL on ENOMEM. */
static char *switch_names(struct pc *c, size_t *n)
{
	struct smig_strbuf sb = SMIG_STRBUF_INIT;
	size_t i;

	*n = c->p->vms_only ? c->p->nswitches : c->src->nswitches;
	for (i = 0; i < *n; i++) {
		const struct smig_inv_switch *s =
		    c->p->vms_only ? c->p->switches[i].src : &c->src->switches[i];

		smig_strbuf_puts(&sb, i > 0 ? ", '" : "'");
		smig_strbuf_puts(&sb, str_or(s ? s->name : NULL, "?"));
		smig_strbuf_puts(&sb, "'");
	}
	if (i == 0)
		smig_strbuf_puts(&sb, _("none"));
	if (smig_strbuf_check(&sb, c->e) < 0) {
		smig_strbuf_release(&sb);
		return NULL;
	}
	return smig_strbuf_take(&sb, NULL);
}

/*
 * One host path setting: the destination's value now (`now`) is the one the plan had when
 * apply ran (`before`, migrate.ps1 has not run) or the planned one (`planned`, it has).
 * Anything else was changed since apply and is noted in `v`.
 */
static void host_path_changed(struct smig_verdict *v, const char *what, const char *now,
                              const char *before, const char *planned)
{
	if (smig_winpath_text_eq(now, before) || smig_winpath_text_eq(now, planned))
		return;
	smig_verdict_bad(v,
	                 _("the destination's %s is '%s' now: apply planned '%s' (it was '%s' when "
	                 "apply ran); the placed files are compared at the planned paths"),
	                 what, str_or(now, _("(none)")), str_or(planned, _("(none)")),
	                 str_or(before, _("(none)")));
}

/* The MAC address range: the same rule as host_path_changed. */
static void mac_range_changed(struct smig_verdict *v, const struct smig_inv_hostsettings *now,
                              const struct smig_inv_hostsettings *before,
                              const struct smig_inv_hostsettings *planned)
{
	char a[18], b[18], w0[18], w1[18], p0[18], p1[18];

#define SAME(x, y)                                                                         \
	((x)->has_mac_range == (y)->has_mac_range &&                                           \
	 (!(x)->has_mac_range || (!smig_mac_cmp(&(x)->mac_min, &(y)->mac_min) &&                \
	                          !smig_mac_cmp(&(x)->mac_max, &(y)->mac_max))))
	if (SAME(now, before) || SAME(now, planned) || !now->has_mac_range)
		return;
#undef SAME
	smig_mac_format(&now->mac_min, a);
	smig_mac_format(&now->mac_max, b);
	smig_mac_format(&planned->mac_min, p0);
	smig_mac_format(&planned->mac_max, p1);
	smig_mac_format(&before->mac_min, w0);
	smig_mac_format(&before->mac_max, w1);
	smig_verdict_bad(v,
	                 _("the destination's MAC address range is %s-%s now: apply planned %s-%s "
	                 "(it was %s-%s when apply ran)"),
	                 a, b, planned->has_mac_range ? p0 : _("(none)"),
	                 planned->has_mac_range ? p1 : "", before->has_mac_range ? w0 : _("(none)"),
	                 before->has_mac_range ? w1 : "");
}

/*
 * SMIG4008: the host settings are migrate.ps1's to set (an info item), unless the
 * destination's files now show values that are neither what the plan found when apply ran
 * (p->dst) nor what it planned: such a change is reported as what it is.
 */
static int check_host_settings(struct pc *c)
{
	const struct smig_plan *p = c->p;
	struct smig_verdict v = SMIG_VERDICT_INIT;

	if (c->after != NULL && p->dst != NULL) {
		const struct smig_inv_hostsettings *now = &c->after->host, *before = &p->dst->host;

		host_path_changed(&v, _("virtual machine path"), now->data_root, before->data_root,
		                  p->data_root);
		host_path_changed(&v, _("virtual hard disk path"), now->vhd_path, before->vhd_path,
		                  p->vhd_path);
		mac_range_changed(&v, now, before, p->set_mac_range ? &p->src->host : before);
		if (v.bad.len > 0)
			return smig_verdict_emit(&v, c->out, "SMIG4008", "host", c->e);
		smig_verdict_release(&v);
	}
	return smig_verdict_info(
	    c->out, "SMIG4008", "host", c->e,
	    p->set_mac_range
	        ? _("apply writes no host setting: migrate.ps1 sets the virtual machine path "
	            "'%s', the virtual hard disk path '%s' and the source's MAC address range with "
	            "Set-VMHost; %s")
	        : _("apply writes no host setting: migrate.ps1 sets the virtual machine path "
	            "'%s', the virtual hard disk path '%s' with Set-VMHost; %s"),
	    str_or(p->data_root, _("(destination's own)")), str_or(p->vhd_path, _("(destination's own)")),
	    LIVE_CHECK);
}

/* ---- SMIG4009: the authorization store ---- */

/*
 * Load the store at `local` (named `label` in messages). 1 = loaded, 0 = absent, -1 = does not
 * parse (noted in `v` as an error) or ENOMEM (c->e set, *st NULL and -2 returned).
 */
static int load_store(struct pc *c, struct smig_verdict *v, const char *local, const char *label,
                      struct smig_azman_store **st)
{
	struct smig_err le = SMIG_ERR_INIT;
	struct stat sb;

	*st = NULL;
	if (local == NULL || (stat(local, &sb) < 0 && (errno == ENOENT || errno == ENOTDIR)))
		return 0;
	if (smig_azman_load(local, label, st, &le) == 0)
		return 1;
	if (le.kind == SMIG_ERR_NOMEM) {
		smig_err_set(c->e, le.kind, "%s", le.msg);
		return -2;
	}
	v->error = true;
	smig_verdict_bad(v, "%s", le.msg);
	return -1;
}

/* Note the differences of `got` from the source's store `want` in `v`; 0, or -1 (ENOMEM). */
static int store_diff(struct pc *c, struct smig_verdict *v, const struct smig_azman_store *want,
                      const struct smig_azman_store *got, const char *label)
{
	char **diffs = NULL;
	size_t total = 0, i;

	if (smig_azman_diff(want, got, label, &diffs, &total, c->e) < 0)
		return -1;
	for (i = 0; diffs != NULL && diffs[i] != NULL; i++)
		smig_verdict_bad(v, "%s", diffs[i]);
	if (total > i)
		smig_verdict_bad(v, P_("and %zu more difference", "and %zu more differences", total - i),
		                 total - i);
	smig_strv_free(diffs);
	return 0;
}

/* "N role assignments and M scopes" of a parsed store. */
static void store_shape(const struct smig_azman_store *st, size_t *roles, size_t *scopes)
{
	*roles = *scopes = 0;
	for (size_t i = 0; i < st->napps; i++) {
		*roles += st->apps[i].nroles;
		*scopes += st->apps[i].nscopes;
		for (size_t k = 0; k < st->apps[i].nscopes; k++)
			*roles += st->apps[i].scopes[k].nroles;
	}
}

/*
 * The store the plan copies, compared structurally (azman.h smig_azman_diff) with the
 * archive's: the destination's store at the planned path once migrate.ps1 has put it in place
 * (it has the source's roles, or it is no longer the default store), else the copy apply staged
 * for migrate.ps1 in the report folder. The message names the file compared.
 */
static int check_store(struct pc *c)
{
	const struct smig_plan *p = c->p;
	const struct smig_staged_member *m = staged_member(c, p->store_member);
	struct smig_azman_store *src = NULL, *dst = NULL, *stg = NULL, *cmp = NULL;
	struct smig_verdict v = SMIG_VERDICT_INIT;
	char *dlabel = NULL, *slabel = NULL, **diffs = NULL;
	const char *label = NULL;
	size_t total = 0, nroles, nscopes;
	char sroles[96], sscopes[96];
	bool installed;
	int r, rc = -1;

	if (m == NULL || p->store_local == NULL)
		return smig_verdict_info(
		    c->out, "SMIG4009", "azman", c->e,
		    _("the authorization store is staged as InitialStore.xml in the report folder "
		    "and migrate.ps1 installs it; not compared (no archive copy to compare with); %s"),
		    LIVE_CHECK);
	if (smig_azman_load(m->local, m->name, &src, c->e) < 0)
		return -1; /* the archive's store was read at export and is signed: not hostile */
	dlabel = smig_asprintf(c->e, _("the destination's store '%s'"), str_or(p->store_winpath, "?"));
	if (dlabel == NULL)
		goto out;
	r = load_store(c, &v, p->store_local, dlabel, &dst);
	if (r == -2)
		goto out;
	if (r < 0)
		goto emit;
	if (dst != NULL && smig_azman_diff(src, dst, dlabel, &diffs, &total, c->e) < 0)
		goto out;
	smig_strv_free(diffs);
	/* migrate.ps1 has put a store in place: it is the source's, or the default one apply
	 * found is gone (a store customised before apply, replaced with --force, counts as put
	 * in place only once it is the source's) */
	installed = dst != NULL &&
	            (total == 0 ||
	             (!(p->dst->azman.present && p->dst->azman.customised) &&
	              (c->after == NULL || !c->after->azman.present || c->after->azman.customised)));
	if (installed) {
		cmp = dst;
		label = dlabel;
	} else if (p->staged_store != NULL) {
		slabel = smig_asprintf(c->e, _("the store staged for migrate.ps1 '%s'"), p->staged_store);
		if (slabel == NULL)
			goto out;
		r = load_store(c, &v, p->staged_store, slabel, &stg);
		if (r == -2)
			goto out;
		if (r < 0)
			goto emit;
		if (r == 0) {
			smig_verdict_bad(&v, _("%s is missing"), slabel);
			goto emit;
		}
		cmp = stg;
		label = slabel;
	} else {
		rc = smig_verdict_info(
		    c->out, "SMIG4009", "azman", c->e,
		    _("the destination's store '%s' is not the source's yet: migrate.ps1 installs "
		    "the copy apply staged in the report folder (not found here: give --report-dir); %s"),
		    str_or(p->store_winpath, "?"), LIVE_CHECK);
		goto out;
	}
	if (store_diff(c, &v, src, cmp, installed ? _("the destination's store") : _("the staged store")) <
	    0)
		goto out;
	if (v.bad.len > 0)
		smig_verdict_bad(&v, _("(compared %s with the archive's)"), label);
	store_shape(src, &nroles, &nscopes);
	/* two counts in one sentence: each takes its plural, the sentence orders them */
	snprintf(sroles, sizeof(sroles), P_("%zu role assignment", "%zu role assignments", nroles),
	         nroles);
	snprintf(sscopes, sizeof(sscopes), P_("%zu scope", "%zu scopes", nscopes), nscopes);
	smig_verdict_ok(&v,
	                installed ? _("%s has the source's %s with the same members and role "
	                              "definitions and %s")
	                          : _("%s has the source's %s with the same members and role "
	                              "definitions and %s; migrate.ps1 puts it in place"),
	                label, sroles, sscopes);
emit:
	rc = smig_verdict_emit(&v, c->out, "SMIG4009", "azman", c->e);
out:
	smig_verdict_release(&v);
	smig_azman_free(src);
	smig_azman_free(dst);
	smig_azman_free(stg);
	free(dlabel);
	free(slabel);
	return rc;
}

static int note_live_objects(struct pc *c)
{
	const struct smig_inv_azman *az = &c->src->azman;
	enum smig_ipconfig_mode mode = c->p->opts != NULL ? c->p->opts->ipmode : SMIG_IPMODE_NONE;
	size_t nsw = 0;
	char *names = switch_names(c, &nsw);
	int rc = -1;

	if (names == NULL)
		return -1;
	if (smig_verdict_info(
	        c->out, "SMIG4007", "host", c->e,
	        P_("apply writes no virtual network: migrate.ps1 creates the source's %zu "
	           "virtual network (%s) with New-VMSwitch and sets the VMs' VLANs; %s",
	           "apply writes no virtual network: migrate.ps1 creates the source's %zu "
	           "virtual networks (%s) with New-VMSwitch and sets the VMs' VLANs; %s",
	           nsw),
	        nsw, names, LIVE_CHECK) < 0)
		goto out;
	if (c->p->vms_only) {
		if (smig_verdict_info(c->out, "SMIG4008", "host", c->e,
		                      _("no host setting is migrated (an archive or import of some "
		                      "VMs, not of the host): the destination keeps its own")) < 0)
			goto out;
	} else if (check_host_settings(c) < 0) {
		goto out;
	}
	if (az->ad_store)
		rc = smig_verdict_info(
		    c->out, "SMIG4009", "azman", c->e,
		    _("the authorization store lives in Active Directory: nothing is staged "
		    "(manual step SMIG3008)"));
	else if (!az->present || !c->p->store_copy)
		rc = smig_verdict_info(
		    c->out, "SMIG4009", "azman", c->e,
		    _("no authorization store is staged: the destination keeps its own"));
	else
		rc = check_store(c);
	if (rc < 0)
		goto out;
	if (c->p->set_vmq || c->p->nnicmap > 0)
		rc = smig_verdict_info(
		    c->out, "SMIG4010", "host", c->e,
		    _("apply writes no VMQ setting: migrate.ps1 sets %s; %s"),
		    c->p->set_vmq ? _("the source's global VMQ values and each mapped adapter's VMQ")
		                  : _("each mapped adapter's VMQ"),
		    LIVE_CHECK);
	else
		rc = smig_verdict_info(c->out, "SMIG4010", "host", c->e,
		                       _("no VMQ setting is migrated: the destination keeps its own"));
	if (rc < 0)
		goto out;
	if (mode == SMIG_IPMODE_NONE)
		rc = smig_verdict_info(
		    c->out, "SMIG4011", "host", c->e,
		    _("no IP settings were requested (--ipconfig-mode none): the destination "
		    "keeps its own"));
	else
		rc = smig_verdict_info(
		    c->out, "SMIG4011", "host", c->e,
		    _("apply writes no TCP/IP setting: migrate.ps1 sets the management-OS IP "
		    "settings (--ipconfig-mode %s); %s"),
		    smig_ipconfig_mode_name(mode), LIVE_CHECK);
	if (rc < 0)
		goto out;
	rc = 0;
out:
	free(names);
	return rc;
}

int smig_postcheck(const struct smig_plan *p, const struct smig_inventory *after,
                   const struct smig_staged *staged, struct smig_problems *out, struct smig_err *e)
{
	struct pc c = {p, p->src, after, staged, out, e};
	size_t i;

	if (p->src == NULL)
		return smig_err_set(e, SMIG_ERR_USAGE,
		                    _("cannot verify: the source model is missing"));
	if (staged == NULL && smig_verdict_info(out, "SMIG4005", "archive", e,
	                                        _("no archive hashes were given: "
	                                        "disk contents are not compared")) < 0)
		return -1;
	for (i = 0; i < p->nvms; i++)
		if (check_vm(&c, i) < 0)
			return -1;
	return note_live_objects(&c);
}

size_t smig_postcheck_failures(const struct smig_problems *items)
{
	return smig_problems_count(items, SMIG_SEV_FAIL) +
	       smig_problems_count(items, SMIG_SEV_ERROR);
}
