/* priorapply.c - the record each apply leaves, and the earlier applies a destination holds
 * (see priorapply.h). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fileio.h"
#include "hive.h"
#include "i18n.h"
#include "journal.h"
#include "priorapply.h"
#include "scan.h"
#include "strbuf.h"
#include "winval.h"

#define MAGIC "smig-placed 1"
#define MAX_FIELDS 6
#define MAX_LINE (64u << 10)

/* ---- writing ---- */

static void put_field(struct smig_strbuf *b, const char *s)
{
	smig_strbuf_putc(b, '\t');
	for (; s && *s; s++) {
		if (*s == '%' || *s == '\t' || *s == '\r' || *s == '\n')
			smig_strbuf_printf(b, "%%%02X", (unsigned char)*s);
		else
			smig_strbuf_putc(b, *s);
	}
}

static void put_line(struct smig_strbuf *b, const char *key, const char *const *fields,
		     size_t n)
{
	smig_strbuf_puts(b, key);
	for (size_t i = 0; i < n; i++)
		put_field(b, fields[i]);
	smig_strbuf_putc(b, '\n');
}

static const char *type_word(enum smig_switch_type t)
{
	return t == SMIG_SWITCH_EXTERNAL ? "external" : t == SMIG_SWITCH_INTERNAL ? "internal"
										 : "private";
}

static void put_vm(struct smig_strbuf *b, const struct smig_plan *p, const struct smig_plan_vm *pv)
{
	const struct smig_inv_vm *vm = pv->src;
	char mem[24], cpus[24];

	for (size_t k = 0; k < pv->ndisks; k++)
		if (pv->disks[k].winpath && !pv->disks[k].expected)
			put_line(b, "file", (const char *[]){pv->disks[k].winpath}, 1);
	for (size_t k = 0; k < pv->nfiles; k++)
		if (pv->files[k].winpath && pv->files[k].local && !pv->files[k].present)
			put_line(b, "file", (const char *[]){pv->files[k].winpath}, 1);
	/* type storage: disks only, no VM for migrate.ps1 to register */
	if (p->storage_only)
		return;
	snprintf(mem, sizeof(mem), "%lld", (long long)(vm->memory_mb > 0 ? vm->memory_mb : 0));
	snprintf(cpus, sizeof(cpus), "%lld", (long long)(vm->cpu_count > 0 ? vm->cpu_count : 0));
	put_line(b, "vm", (const char *[]){pv->id, vm->name ? vm->name : "", mem, cpus,
					    pv->config_winpath ? pv->config_winpath : ""}, 5);
	for (size_t k = 0; k < vm->nnics; k++) {
		const struct smig_inv_nicvm *n = &vm->nics[k];
		const struct smig_plan_switch *ps = n->switch_guid ?
			smig_plan_find_switch(p, n->switch_guid) : NULL;
		struct smig_mac mac;
		char text[18];

		if (!n->mac || !smig_mac_parse(n->mac, &mac))
			continue;
		smig_mac_format(&mac, text);
		put_line(b, "nic", (const char *[]){pv->id, text, n->mac_static ? "static" : "dynamic",
						     ps && ps->src->name ? ps->src->name : ""}, 4);
	}
}

char *smig_prior_record(const struct smig_plan *p, const char *applied_utc, size_t *len,
			struct smig_err *e)
{
	struct smig_strbuf b = {0};
	char lo[18], hi[18];

	smig_strbuf_puts(&b, MAGIC "\n");
	put_line(&b, "archive", (const char *[]){p->desc->archive_id ? p->desc->archive_id : ""}, 1);
	put_line(&b, "source", (const char *[]){p->src->os.computer_name ?
						 p->src->os.computer_name : ""}, 1);
	put_line(&b, "applied", (const char *[]){applied_utc ? applied_utc : ""}, 1);
	/* the earlier applies this one was planned with: report plans with the same */
	for (size_t i = 0; i < p->dst->npriors; i++)
		if (p->dst->priors[i].journal && p->dst->priors[i].archive_id)
			put_line(&b, "prior", (const char *[]){p->dst->priors[i].journal}, 1);
	for (size_t i = 0; i < p->nvms; i++)
		if (p->vms[i].selected && p->vms[i].id)
			put_vm(&b, p, &p->vms[i]);
	for (size_t i = 0; i < p->nswitches; i++)
		if (p->switches[i].src && p->switches[i].src->name && p->switches[i].guid)
			put_line(&b, "switch", (const char *[]){type_word(p->switches[i].type),
								 p->switches[i].src->name,
								 p->switches[i].guid}, 3);
	if (p->set_mac_range) {
		smig_mac_format(&p->src->host.mac_min, lo);
		smig_mac_format(&p->src->host.mac_max, hi);
		put_line(&b, "mac-range", (const char *[]){lo, hi}, 2);
	}
	if (p->set_data_root && p->data_root)
		put_line(&b, "data-root", (const char *[]){p->data_root}, 1);
	if (p->set_vhd_path && p->vhd_path)
		put_line(&b, "vhd-path", (const char *[]){p->vhd_path}, 1);
	if (p->store_copy && p->store_winpath)
		put_line(&b, "store", (const char *[]){p->store_winpath}, 1);
	if (smig_strbuf_check(&b, e) < 0) {
		smig_strbuf_release(&b);
		return NULL;
	}
	return smig_strbuf_take(&b, len);
}

/* ---- reading ---- */

struct rd {
	const char *label;
	struct smig_inventory *dst;
	struct smig_inv_prior *pr;
	size_t first_vm;  /* dst->vms added by this record start here */
	bool magic;
	char *f[MAX_FIELDS];
	size_t nf;
	size_t lineno;
	struct smig_err *e;
};

static int bad(struct rd *r, const char *why)
{
	smig_err_set(r->e, SMIG_ERR_FORMAT, _("'%s' is not a valid record of an earlier apply: "
		       "line %zu: %s"), r->label, r->lineno, why);
	return -1;
}

static int unhex(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10
			     : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Split a line into r->f (decoded copies). */
static int split(struct rd *r, const char *line, size_t len)
{
	size_t i = 0;

	r->nf = 0;
	while (i <= len) {
		size_t j = i;
		char *s, *o;

		while (j < len && line[j] != '\t')
			j++;
		if (r->nf == MAX_FIELDS)
			return bad(r, _("too many fields"));
		s = o = malloc(j - i + 1);
		if (!s) {
			smig_err_set(r->e, SMIG_ERR_NOMEM, _("out of memory"));
			return -1;
		}
		r->f[r->nf++] = s;
		for (size_t k = i; k < j; k++) {
			if (line[k] == '%') {
				int h = k + 2 < j ? unhex(line[k + 1]) : -1;
				int l = h >= 0 ? unhex(line[k + 2]) : -1;

				if (l < 0) /* xgettext:no-c-format */
					return bad(r, _("a '%' that is not followed by two hex digits"));
				*o++ = (char)(h * 16 + l);
				k += 2;
			} else {
				*o++ = line[k];
			}
		}
		*o = '\0';
		if (!smig_utf8_valid(s, (size_t)(o - s)) || strlen(s) != (size_t)(o - s))
			return bad(r, _("a field that is not UTF-8 text"));
		i = j + 1;
	}
	return 0;
}

static void clear_fields(struct rd *r)
{
	for (size_t i = 0; i < r->nf; i++)
		free(r->f[i]);
	r->nf = 0;
}

static int nomem(struct rd *r, const void *p)
{
	if (p)
		return 0;
	smig_err_set(r->e, SMIG_ERR_NOMEM, _("out of memory"));
	return -1;
}

/* One more zeroed element at the end of the array *arr of *n elements of `size` bytes (at
 * most `max`), or NULL (r's error set). */
static void *grow(struct rd *r, void *arr, size_t *n, size_t size, size_t max, const char *what)
{
	char *grown;
	void *old;

	if (*n >= max) {
		bad(r, what);
		return NULL;
	}
	/* `arr` points to a `T *`: copied, not read through a `void *` lvalue (aliasing) */
	memcpy(&old, arr, sizeof(old));
	grown = realloc(old, (*n + 1) * size);
	if (nomem(r, grown) < 0)
		return NULL;
	memcpy(arr, &grown, sizeof(grown));
	memset(grown + *n * size, 0, size);
	return grown + (*n)++ * size;
}

static int canon_guid(struct rd *r, const char *s, char **out)
{
	struct smig_guid g;
	char buf[40];

	if (!smig_guid_parse(s, &g))
		return bad(r, _("a VM ID that is not a GUID"));
	smig_guid_format(&g, SMIG_GUID_UPPER, buf);
	*out = strdup(buf);
	return nomem(r, *out);
}

static struct smig_inv_vm *find_vm(struct smig_inventory *dst, const char *id, size_t from)
{
	for (size_t i = from; i < dst->nvms; i++)
		if (dst->vms[i].id && smig_guid_str_equal(dst->vms[i].id, id))
			return &dst->vms[i];
	return NULL;
}

static int add_vm(struct rd *r)
{
	struct smig_inventory *d = r->dst;
	struct smig_inv_vm *vm;
	char *id = NULL, *end;
	long long mem, cpus;

	if (r->nf != 6)
		return bad(r, _("a 'vm' line needs 5 fields"));
	if (canon_guid(r, r->f[1], &id) < 0)
		return -1;
	mem = strtoll(r->f[3], &end, 10);
	if (*end || mem < 0 || mem > (1LL << 32))
		return free(id), bad(r, _("a memory size that is not a number of MiB"));
	cpus = strtoll(r->f[4], &end, 10);
	if (*end || cpus < 0 || cpus > 4096)
		return free(id), bad(r, _("a processor count that is not a number"));
	/* registered since (migrate.ps1 ran): the destination as read already has it */
	if (find_vm(d, id, 0)) {
		free(id);
		return 0;
	}
	vm = grow(r, &d->vms, &d->nvms, sizeof(*vm), 65536, _("too many VMs"));
	if (!vm)
		return free(id), -1;
	vm->id = id;
	vm->current_parent = -1;
	vm->memory_mb = mem;
	vm->cpu_count = cpus;
	vm->name = strdup(r->f[2]);
	vm->config_winpath = strdup(r->f[5]);
	vm->registration = strdup("pending");
	vm->placed_by = r->pr;
	return nomem(r, vm->name) < 0 || nomem(r, vm->config_winpath) < 0 ||
	       nomem(r, vm->registration) < 0 ? -1 : 0;
}

static int add_nic(struct rd *r)
{
	struct smig_inv_vm *vm;
	struct smig_inv_nicvm *n;
	struct smig_mac mac;
	char text[18], *id = NULL;

	if (r->nf != 5)
		return bad(r, _("a 'nic' line needs 4 fields"));
	if (canon_guid(r, r->f[1], &id) < 0)
		return -1;
	vm = find_vm(r->dst, id, r->first_vm);
	free(id);
	if (!smig_mac_parse(r->f[2], &mac))
		return bad(r, _("a MAC address that is not one"));
	if (strcmp(r->f[3], "static") && strcmp(r->f[3], "dynamic"))
		return bad(r, _("a MAC that is neither 'static' nor 'dynamic'"));
	if (!vm || vm->placed_by != r->pr)
		return 0;  /* a VM registered since: the destination as read has its adapters */
	n = grow(r, &vm->nics, &vm->nnics, sizeof(*n), 256, _("too many network adapters"));
	if (!n)
		return -1;
	smig_mac_format(&mac, text);
	n->mac = strdup(text);
	n->mac_static = !strcmp(r->f[3], "static");
	n->connected = r->f[4][0] != '\0';
	n->switch_name = r->f[4][0] ? strdup(r->f[4]) : NULL;
	return nomem(r, n->mac) < 0 || (r->f[4][0] && nomem(r, n->switch_name) < 0) ? -1 : 0;
}

static int add_switch(struct rd *r)
{
	struct smig_inventory *d = r->dst;
	struct smig_inv_switch *sw;
	enum smig_switch_type t;
	struct smig_guid g;
	char gtext[40];

	if (r->nf != 4)
		return bad(r, _("a 'switch' line needs 3 fields"));
	if (!strcmp(r->f[1], "private"))
		t = SMIG_SWITCH_PRIVATE;
	else if (!strcmp(r->f[1], "internal"))
		t = SMIG_SWITCH_INTERNAL;
	else if (!strcmp(r->f[1], "external"))
		t = SMIG_SWITCH_EXTERNAL;
	else
		return bad(r, _("a network type that is not private, internal or external"));
	if (!r->f[2][0])
		return bad(r, _("a network without a name"));
	if (!smig_guid_parse(r->f[3], &g))
		return bad(r, _("a network ID that is not a GUID"));
	smig_guid_format(&g, SMIG_GUID_UPPER, gtext);
	for (size_t i = 0; i < d->nswitches; i++)
		if (d->switches[i].name && smig_streq_ci(d->switches[i].name, r->f[2]))
			return 0;  /* there already (created since, or by an earlier record) */
	sw = grow(r, &d->switches, &d->nswitches, sizeof(*sw), 4096, _("too many networks"));
	if (!sw)
		return -1;
	sw->type = t;
	sw->placed_by = r->pr;
	sw->name = strdup(r->f[2]);
	sw->guid = strdup(gtext);
	return nomem(r, sw->name) < 0 || nomem(r, sw->guid) < 0 ? -1 : 0;
}

/* The host settings an earlier apply sets are the destination's from then on: a later
 * archive keeps them, as values someone chose (unless --force). */
static int set_path(struct rd *r, char **slot)
{
	char *v;

	if (r->nf != 2 || !r->f[1][0])
		return bad(r, _("a path line needs 1 field"));
	v = strdup(r->f[1]);
	if (nomem(r, v) < 0)
		return -1;
	free(*slot);
	*slot = v;
	r->dst->host_placed_by = r->pr;
	return 0;
}

static int set_range(struct rd *r)
{
	struct smig_inv_hostsettings *h = &r->dst->host;
	struct smig_mac lo, hi;

	if (r->nf != 3 || !smig_mac_parse(r->f[1], &lo) || !smig_mac_parse(r->f[2], &hi) ||
	    smig_mac_cmp(&lo, &hi) > 0)
		return bad(r, _("a MAC range that is not two MAC addresses in order"));
	(void)h;
	r->dst->pending_mac_min = lo;
	r->dst->pending_mac_max = hi;
	r->dst->pending_mac_range = true;
	r->dst->host_placed_by = r->pr;
	return 0;
}

static int set_store(struct rd *r)
{
	struct smig_inv_azman *az = &r->dst->azman;
	char *why;

	if (r->nf != 2 || !r->f[1][0])
		return bad(r, _("a 'store' line needs 1 field"));
	why = smig_asprintf(r->e, _("staged by the apply of archive %s from %s"), r->pr->archive_id,
			    r->pr->source);
	if (!why || smig_strv_push(&az->differences, why, r->e) < 0)
		return free(why), -1;
	free(why);
	az->present = true;
	az->customised = true;
	if (!az->path && !(az->path = strdup(r->f[1])))
		return nomem(r, NULL);
	r->dst->host_placed_by = r->pr;
	return 0;
}

static int one_line(void *ctx, size_t lineno, const char *line, size_t len, struct smig_err *e)
{
	struct rd *r = ctx;
	const char *k;
	int rc = 0;
	char **slot = NULL;

	(void)e;
	r->lineno = lineno;
	if (len && line[len - 1] == '\r')
		return bad(r, _("a CR at the end of the line"));
	if (!r->magic) {
		if (len != strlen(MAGIC) || memcmp(line, MAGIC, len))
			return bad(r, _("the first line is not 'smig-placed 1'"));
		r->magic = true;
		return 0;
	}
	if (len == 0)
		return 0;
	if (len > MAX_LINE)
		return bad(r, _("a line too long"));
	if (split(r, line, len) < 0) {
		clear_fields(r);
		return -1;
	}
	k = r->f[0];
	if (!strcmp(k, "archive"))
		slot = &r->pr->archive_id;
	else if (!strcmp(k, "source"))
		slot = &r->pr->source;
	else if (!strcmp(k, "applied"))
		slot = &r->pr->applied;
	if (slot) {
		if (r->nf != 2 || *slot)
			rc = bad(r, _("a header line that is repeated or has more than 1 field"));
		else if (!(*slot = strdup(r->f[1])))
			rc = nomem(r, NULL);
	} else if (!r->pr->archive_id || !r->pr->source) {
		rc = bad(r, _("'archive' and 'source' must come first"));
	} else if (!strcmp(k, "vm")) {
		rc = add_vm(r);
	} else if (!strcmp(k, "nic")) {
		rc = add_nic(r);
	} else if (!strcmp(k, "switch")) {
		rc = add_switch(r);
	} else if (!strcmp(k, "mac-range")) {
		rc = set_range(r);
	} else if (!strcmp(k, "data-root")) {
		rc = set_path(r, &r->dst->pending_data_root);
	} else if (!strcmp(k, "vhd-path")) {
		rc = set_path(r, &r->dst->pending_vhd_path);
	} else if (!strcmp(k, "store")) {
		rc = set_store(r);
	} else if (!strcmp(k, "file")) {
		if (r->nf != 2 || !r->f[1][0])
			rc = bad(r, _("a 'file' line needs 1 field"));
		else if (smig_strv_push(&r->pr->files, r->f[1], r->e) < 0)
			rc = -1;
	} else {
		rc = 0;  /* a later smig may record more: what is not known is not compared */
	}
	clear_fields(r);
	return rc;
}

int smig_prior_parse(const char *text, size_t len, const char *label, const char *journal,
		     struct smig_inventory *dst, struct smig_err *e)
{
	struct rd r = {.dst = dst, .e = e, .first_vm = dst->nvms, .label = label};
	struct smig_inv_prior *pr;

	/* allocated once for the most records a destination may hold: VMs and networks point
	 * into it */
	if (!dst->priors && !(dst->priors = calloc(SMIG_PRIOR_MAX_JOURNALS, sizeof(*pr))))
		return smig_err_set(e, SMIG_ERR_NOMEM, _("out of memory"));
	if (dst->npriors == SMIG_PRIOR_MAX_JOURNALS)
		return smig_err_set(e, SMIG_ERR_UNSUPPORTED, _("the destination holds more than %u "
				      "applies"), SMIG_PRIOR_MAX_JOURNALS);
	pr = r.pr = &dst->priors[dst->npriors++];
	if (!(pr->journal = strdup(journal ? journal : "")))
		return smig_err_set(e, SMIG_ERR_NOMEM, _("out of memory"));
	if (smig_text_lines(text, len, SMIG_PRIOR_MAX, label, one_line, &r, e) < 0)
		return -1;
	r.lineno++;
	if (!r.magic || !pr->archive_id || !pr->source)
		return bad(&r, _("the record is incomplete"));
	return 0;
}

/* Read the record of journal `id` (folder `jdir`) into dst. */
static int read_record(struct smig_inventory *dst, const char *jdir, const char *id,
		       struct smig_err *e)
{
	char *path = smig_path_join(jdir, SMIG_PRIOR_FILE, e), *text = NULL;
	size_t len = 0;
	int rc = -1;

	if (!path)
		return -1;
	if (smig_file_read(path, SMIG_PRIOR_MAX, NULL, &text, &len, e) < 0) {
		if (e->kind != SMIG_ERR_IO || e->sys_errno != ENOENT)
			goto out;
		/* an apply by an older smig: nothing to compare but what the journal shows */
		smig_err_clear(e);
		rc = smig_problems_add(&dst->problems, "", SMIG_SEV_WARNING, "host", NULL, NULL,
				       e, _("the apply of archive %s on this destination left no "
					 "record of its VMs and networks: they are not compared "
					 "with this archive's"), id);
		goto out;
	}
	rc = smig_prior_parse(text, len, path, id, dst, e);
out:
	free(text);
	free(path);
	return rc;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool listed(char *const *only, const char *name)
{
	for (; only && *only; only++)
		if (!strcmp(*only, name))
			return true;
	return false;
}

int smig_prior_overlay(const char *jroot, const char *self_id, char *const *only,
		       struct smig_inventory *dst, struct smig_err *e)
{
	DIR *d = opendir(jroot);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;
	int rc = -1;

	if (!d) {
		if (errno == ENOENT)
			return 0;  /* no apply ever */
		smig_err_sys(e, errno, _("journal folder '%s'"), jroot);
		return -1;
	}
	/* in name order, so every run reads them alike */
	while ((errno = 0, de = readdir(d))) {
		if (de->d_name[0] == '.' || (self_id && !strcmp(de->d_name, self_id)) ||
		    (only && !listed(only, de->d_name)))
			continue;
		if (n == SMIG_PRIOR_MAX_JOURNALS) {
			smig_err_set(e, SMIG_ERR_UNSUPPORTED, _("'%s' holds more than %u journals"),
				     jroot, SMIG_PRIOR_MAX_JOURNALS);
			goto out;
		}
		if (smig_strv_push(&names, de->d_name, e) < 0)
			goto out;
		n++;
	}
	if (errno) {
		smig_err_sys(e, errno, _("journal folder '%s'"), jroot);
		goto out;
	}
	if (n == 0) {
		rc = 0;
		goto out;
	}
	qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		struct smig_journal j = {0};
		struct stat st;
		char *jdir = smig_path_join(jroot, names[i], e);
		bool complete;

		if (!jdir)
			goto out;
		if (lstat(jdir, &st) < 0 || !S_ISDIR(st.st_mode)) {
			free(jdir);  /* the lock file, or anything not a journal */
			continue;
		}
		{
			/* stopped while preparing, before its first change: nothing to see */
			char *ops = smig_path_join(jdir, "ops", e);
			bool none = ops && lstat(ops, &st) < 0 && errno == ENOENT;

			free(ops);
			if (none) {
				free(jdir);
				continue;
			}
		}
		if (smig_journal_load(jdir, &j, e) < 0) {
			free(jdir);
			goto out;
		}
		complete = j.complete;
		smig_journal_release(&j);
		if (!complete) {
			smig_err_set(e, SMIG_ERR_BLOCKED, _("an interrupted apply of archive %s is on "
				       "the destination (journal '%s'): roll it back first with "
				       "'smig-import rollback --journal %s'"), names[i], jdir, names[i]);
			free(jdir);
			goto out;
		}
		rc = read_record(dst, jdir, names[i], e);
		free(jdir);
		if (rc < 0)
			goto out;
		rc = -1;
	}
	rc = 0;
out:
	if (d)
		closedir(d);
	smig_strv_free(names);
	return rc;
}

const struct smig_inv_prior *smig_prior_find_file(const struct smig_inventory *dst,
						  const char *winpath)
{
	for (size_t i = 0; dst && winpath && i < dst->npriors; i++)
		for (char **f = dst->priors[i].files; f && *f; f++)
			if (smig_winpath_ntfs_eq(*f, winpath))
				return &dst->priors[i];
	return NULL;
}

int smig_prior_listed(const char *jdir, char ***out, struct smig_err *e)
{
	char *path = smig_path_join(jdir, SMIG_PRIOR_FILE, e), *text = NULL;
	size_t len = 0;
	int rc = -1;

	*out = NULL;
	if (!path)
		return -1;
	if (smig_file_read(path, SMIG_PRIOR_MAX, NULL, &text, &len, e) < 0) {
		if (e->kind == SMIG_ERR_IO && e->sys_errno == ENOENT) {
			smig_err_clear(e);
			rc = 0;
		}
		goto out;
	}
	for (char *line = text, *nl; line < text + len; line = nl + 1) {
		nl = memchr(line, '\n', (size_t)(text + len - line));
		if (!nl)
			nl = text + len;
		*nl = '\0';
		/* journal names are archive ids: nothing to unescape */
		if (!strncmp(line, "prior\t", 6) && line[6] && !strchr(line + 6, '%') &&
		    !strchr(line + 6, '/') && smig_strv_push(out, line + 6, e) < 0)
			goto out;
	}
	/* an empty list still means "only these": none */
	if (!*out && !(*out = calloc(1, sizeof(char *)))) {
		smig_err_set(e, SMIG_ERR_NOMEM, _("out of memory"));
		goto out;
	}
	rc = 1;
out:
	free(text);
	free(path);
	return rc;
}
