/*
 * manifest.c - feature manifests and the handler table (see manifest.h).
 */
#include "manifest.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "datadir.h"
#include "fileio.h"
#include "i18n.h"
#include "strbuf.h"
#include "winval.h"
#include "xmlschema.h"

/* ---- handlers: what each kind means on a host ---- */

typedef int (*detect_fn)(const struct smig_inventory *inv, bool *present, char **detail,
			 struct smig_err *e);

struct smig_handler {
	const char *kind;
	detect_fn detect;
};

static int det_host_settings(const struct smig_inventory *inv, bool *present, char **detail,
			     struct smig_err *e)
{
	const struct smig_inv_hostsettings *h = &inv->host;
	char lo[18] = "?", hi[18] = "?";

	*present = h->data_root || h->vhd_path || h->has_mac_range;
	if (!*present) {
		*detail = smig_strdup(inv->os.software_hive
					      ? _("no Virtualization key in the SOFTWARE hive")
					      : _("no SOFTWARE hive"),
				      e);
		return *detail ? 0 : -1;
	}
	if (h->has_mac_range) {
		smig_mac_format(&h->mac_min, lo);
		smig_mac_format(&h->mac_max, hi);
	}
	*detail = smig_asprintf(e, _("VMs in %s, VHDs in %s, MAC range %s..%s%s"),
				h->data_root ? h->data_root : _("(default)"),
				h->vhd_path ? h->vhd_path : _("(default)"), lo, hi,
				h->has_mac_range && !h->mac_range_default ? _(" (customised)") : "");
	return *detail ? 0 : -1;
}

static int det_azman(const struct smig_inventory *inv, bool *present, char **detail,
		     struct smig_err *e)
{
	const struct smig_inv_azman *az = &inv->azman;

	*present = az->present || az->ad_store;
	if (az->ad_store)
		*detail = smig_asprintf(e, _("in Active Directory (%s): a manual step"), az->path);
	else if (az->present)
		*detail = smig_asprintf(e,
					az->customised
					    ? P_("%s, %zu role assignment, customised",
						 "%s, %zu role assignments, customised", az->nroles)
					    : P_("%s, %zu role assignment, default",
						 "%s, %zu role assignments, default", az->nroles),
					az->path, az->nroles);
	else
		*detail = smig_asprintf(e, _("no store file at %s"),
					az->path ? az->path : _("the default location"));
	return *detail ? 0 : -1;
}

static int det_vnets(const struct smig_inventory *inv, bool *present, char **detail,
		     struct smig_err *e)
{
	size_t i, n[3] = {0, 0, 0};

	for (i = 0; i < inv->nswitches; i++)
		n[inv->switches[i].type]++;
	*present = inv->nswitches > 0;
	*detail = *present ? smig_asprintf(e, _("%zu (%zu external, %zu internal, %zu private)"),
					   inv->nswitches, n[SMIG_SWITCH_EXTERNAL],
					   n[SMIG_SWITCH_INTERNAL], n[SMIG_SWITCH_PRIVATE])
			   : smig_strdup(_("no virtual networks (no VMSMP SwitchList entries)"), e);
	return *detail ? 0 : -1;
}

static const char *vmq_word(int v)
{
	return v < 0 ? _("not set") : v == 1 ? _("enabled") : v == 2 ? _("disabled") : _("default");
}

static int det_vmq(const struct smig_inventory *inv, bool *present, char **detail,
		   struct smig_err *e)
{
	size_t i, nics = 0;

	for (i = 0; i < inv->nnics; i++)
		nics += inv->nics[i].vmq >= 0;
	*present = inv->host.vmq_tengig >= 0 || inv->host.vmq_below_tengig >= 0 || nics > 0;
	*detail = *present ? smig_asprintf(e,
					   P_("10 Gb: %s, below 10 Gb: %s; %zu adapter with *VMQ",
					      "10 Gb: %s, below 10 Gb: %s; %zu adapters with *VMQ", nics),
					   vmq_word(inv->host.vmq_tengig),
					   vmq_word(inv->host.vmq_below_tengig), nics)
			   : smig_strdup(_("no VMQ settings"), e);
	return *detail ? 0 : -1;
}

static int det_host_vnics(const struct smig_inventory *inv, bool *present, char **detail,
			  struct smig_err *e)
{
	size_t i, n = 0;

	for (i = 0; i < inv->nnics; i++)
		n += inv->nics[i].host_vnic;
	*present = n > 0;
	*detail = n ? smig_asprintf(e,
				    P_("%zu virtual adapter of the management OS",
				       "%zu virtual adapters of the management OS", n),
				    n)
		    : smig_strdup(_("no Microsoft Virtual Network Switch Adapter in the registry"), e);
	return *detail ? 0 : -1;
}

static int det_firewall(const struct smig_inventory *inv, bool *present, char **detail,
			struct smig_err *e)
{
	size_t i, hv = 0, user = 0;

	for (i = 0; i < inv->nfwrules; i++) {
		hv += inv->fwrules[i].hyperv;
		user += inv->fwrules[i].user_defined;
	}
	*present = inv->nfwrules_total > 0;
	*detail = *present ? smig_asprintf(e,
					   P_("%zu rule, %zu for Hyper-V, %zu user-defined (report only)",
					      "%zu rules, %zu for Hyper-V, %zu user-defined (report only)",
					      inv->nfwrules_total),
					   inv->nfwrules_total, hv, user)
			   : smig_strdup(_("no firewall rules in the SYSTEM hive"), e);
	return *detail ? 0 : -1;
}

static int det_dcom(const struct smig_inventory *inv, bool *present, char **detail,
		    struct smig_err *e)
{
	*present = inv->dcom.present;
	*detail = *present ? smig_strdup(inv->dcom.customised
						 ? _("MachineLaunchRestriction customised (report only)")
						 : _("MachineLaunchRestriction default (report only)"),
					 e)
			   : smig_strdup(_("no MachineLaunchRestriction value (Windows defaults)"), e);
	return *detail ? 0 : -1;
}

static int det_vms(const struct smig_inventory *inv, bool *present, char **detail,
		   struct smig_err *e)
{
	size_t i, bad = 0, snaps = 0;

	for (i = 0; i < inv->nvms; i++) {
		bad += inv->vms[i].error != NULL;
		snaps += inv->vms[i].nsnapshots;
	}
	*present = inv->nvms > 0;
	if (*present) {
		/* two counts, each with its plural: the VMs, then the snapshots */
		struct smig_strbuf sb = SMIG_STRBUF_INIT;

		smig_strbuf_printf(&sb, P_("%zu VM", "%zu VMs", inv->nvms), inv->nvms);
		smig_strbuf_printf(&sb, P_(", %zu snapshot", ", %zu snapshots", snaps), snaps);
		if (bad)
			smig_strbuf_puts(&sb, _(", some with errors (see the inventory)"));
		if (smig_strbuf_check(&sb, e) < 0) {
			smig_strbuf_release(&sb);
			return -1;
		}
		*detail = smig_strbuf_take(&sb, NULL);
	} else {
		*detail = smig_strdup(_("no registered VMs under "
		                        "C:\\ProgramData\\Microsoft\\Windows\\Hyper-V\\Virtual Machines"),
		                      e);
	}
	return *detail ? 0 : -1;
}

static int det_tcpip(const struct smig_inventory *inv, bool *present, char **detail,
		     struct smig_err *e)
{
	size_t i, n = 0, st = 0;

	for (i = 0; i < inv->nnics; i++) {
		n += inv->nics[i].has_tcpip;
		st += inv->nics[i].has_tcpip && !inv->nics[i].dhcp && inv->nics[i].ip;
	}
	*present = n > 0;
	*detail = n ? smig_asprintf(e,
				    P_("%zu adapter with TCP/IP settings, %zu static",
				       "%zu adapters with TCP/IP settings, %zu static", n),
				    n, st)
		    : smig_strdup(_("no TCP/IP interface settings in the SYSTEM hive"), e);
	return *detail ? 0 : -1;
}

static int det_ipconfig(const struct smig_inventory *inv, bool *present, char **detail,
			struct smig_err *e)
{
	*present = inv->ipconfig;
	if (inv->ipconfig)
		*detail = smig_asprintf(e, _("read (MAC addresses of the adapters; %s)"),
					inv->ipconfig_as ? inv->ipconfig_as : _("text"));
	else
		*detail = smig_strdup(_("not read: save 'ipconfig /all > IPSettings.txt' on the source, or pass --ipconfig (the inventory says why a file that is there was not understood)"),
				      e);
	return *detail ? 0 : -1;
}

static const struct smig_handler handlers[] = {
	{"host-settings", det_host_settings},
	{"azman", det_azman},
	{"virtual-networks", det_vnets},
	{"vmq", det_vmq},
	{"host-vnics", det_host_vnics},
	{"firewall", det_firewall},
	{"dcom", det_dcom},
	{"virtual-machines", det_vms},
	{"tcpip", det_tcpip},
	{"ipconfig-text", det_ipconfig},
};

const char *const smig_handler_kinds[] = {
	"host-settings", "azman", "virtual-networks", "vmq", "host-vnics", "firewall", "dcom",
	"virtual-machines", "tcpip", "ipconfig-text", NULL,
};

static const struct smig_handler *find_handler(const char *kind)
{
	size_t i;

	for (i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++)
		if (strcmp(handlers[i].kind, kind) == 0)
			return &handlers[i];
	return NULL;
}

/* ---- loading ---- */

const char *smig_manifest_dir(void)
{
	return smig_datadir_manifests();
}

static char *xattr(xmlNodePtr n, const char *name, struct smig_err *e)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	char *s;

	if (v == NULL)
		return NULL;
	s = smig_strdup((const char *)v, e);
	xmlFree(v);
	return s;
}

static bool xbool(xmlNodePtr n, const char *name, bool dflt)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	bool r = dflt;

	if (v) {
		r = strcmp((const char *)v, "true") == 0 || strcmp((const char *)v, "1") == 0;
		xmlFree(v);
	}
	return r;
}

static char *xtext(xmlNodePtr n, struct smig_err *e)
{
	xmlChar *v = xmlNodeGetContent(n);
	char *s;

	if (v == NULL)
		return NULL;
	s = smig_strdup((const char *)v, e);
	xmlFree(v);
	return s;
}

static bool is_el(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static int validate(xmlDocPtr doc, const char *path, struct smig_err *e)
{
	char *xsd = smig_asprintf(e, "%s/schema/manifest.xsd", smig_manifest_dir());
	char *what = smig_asprintf(e, _("manifest '%s'"), path);
	int rc = xsd && what ? smig_xmlschema_validate(doc, xsd, what, e) : -1;

	free(xsd);
	free(what);
	return rc;
}

static void comp_release(struct smig_component *c)
{
	size_t i;

	free(c->id);
	free(c->name);
	free(c->kind);
	free(c->description);
	for (i = 0; i < c->nregs; i++) {
		free(c->regs[i].hive);
		free(c->regs[i].key);
		free(c->regs[i].value);
	}
	free(c->regs);
	for (i = 0; i < c->nfiles; i++) {
		free(c->files[i].path);
		free(c->files[i].path_from);
		free(c->files[i].dflt);
	}
	free(c->files);
}

void smig_manifest_feature_release(struct smig_feature *f)
{
	size_t i;

	for (i = 0; i < f->ncomps; i++)
		comp_release(&f->comps[i]);
	free(f->comps);
	free(f->id);
	free(f->name);
	free(f->description);
	memset(f, 0, sizeof(*f));
}

static int load_component(xmlNodePtr n, const char *path, struct smig_component *c,
			  struct smig_err *e)
{
	xmlNodePtr k;

	c->id = xattr(n, "id", e);
	c->name = xattr(n, "name", e);
	c->kind = xattr(n, "kind", e);
	c->report_only = xbool(n, "report-only", false);
	if (!c->id || !c->name || !c->kind)
		return -1;
	c->handler = find_handler(c->kind);
	if (c->handler == NULL)
		return smig_err_set(e, SMIG_ERR_FORMAT,
				    _("manifest '%s': component '%s' has unknown kind '%s'"), path,
				    c->id, c->kind);
	for (k = n->children; k; k = k->next) {
		if (is_el(k, "description")) {
			c->description = xtext(k, e);
		} else if (is_el(k, "registry")) {
			struct smig_regcap *r = realloc(c->regs, (c->nregs + 1) * sizeof(*r));
			if (r == NULL)
				return smig_err_nomem(e, _("loading a manifest"));
			c->regs = r;
			r = &c->regs[c->nregs++];
			r->hive = xattr(k, "hive", e);
			r->key = xattr(k, "key", e);
			r->value = xattr(k, "value", e);
			r->recursive = xbool(k, "recursive", true);
		} else if (is_el(k, "file")) {
			struct smig_filecap *f = realloc(c->files, (c->nfiles + 1) * sizeof(*f));
			if (f == NULL)
				return smig_err_nomem(e, _("loading a manifest"));
			c->files = f;
			f = &c->files[c->nfiles++];
			f->path = xattr(k, "path", e);
			f->path_from = xattr(k, "path-from", e);
			f->dflt = xattr(k, "default", e);
			if (f->path == NULL && f->path_from == NULL)
				return smig_err_set(e, SMIG_ERR_FORMAT,
						    _("manifest '%s': a file of component '%s' has neither path nor path-from"),
						    path, c->id);
		}
	}
	return 0;
}

int smig_manifest_load_file(const char *path, struct smig_feature *out, struct smig_err *e)
{
	xmlDocPtr doc = NULL;
	xmlNodePtr root, n;
	char *buf = NULL;
	size_t len = 0;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (smig_file_read(path, 1u << 20, NULL, &buf, &len, e) < 0)
		return -1;
	doc = xmlReadMemory(buf, (int)len, path, NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL) {
		const xmlError *xe = xmlGetLastError();
		smig_err_set(e, SMIG_ERR_FORMAT, _("manifest '%s' is not well-formed XML: line %d"),
			     path, xe ? xe->line : 0);
		goto out;
	}
	if (doc->intSubset != NULL) {
		smig_err_set(e, SMIG_ERR_FORMAT, _("manifest '%s' has a DOCTYPE"), path);
		goto out;
	}
	if (validate(doc, path, e) < 0)
		goto out;
	root = xmlDocGetRootElement(doc);
	out->id = xattr(root, "id", e);
	out->name = xattr(root, "name", e);
	{
		char *v = xattr(root, "version", e);
		out->version = v ? atoi(v) : 0;
		free(v);
	}
	if (out->version != 1) {
		smig_err_set(e, SMIG_ERR_UNSUPPORTED, _("manifest '%s' has version %d; smig reads version 1"),
			     path, out->version);
		goto out;
	}
	for (n = root->children; n; n = n->next) {
		if (is_el(n, "description")) {
			out->description = xtext(n, e);
		} else if (is_el(n, "component")) {
			struct smig_component *c = realloc(out->comps, (out->ncomps + 1) * sizeof(*c));
			if (c == NULL) {
				smig_err_nomem(e, _("loading a manifest"));
				goto out;
			}
			out->comps = c;
			c = &out->comps[out->ncomps++];
			memset(c, 0, sizeof(*c));
			if (load_component(n, path, c, e) < 0)
				goto out;
		}
	}
	rc = 0;
out:
	if (rc < 0)
		smig_manifest_feature_release(out);
	if (doc)
		xmlFreeDoc(doc);
	free(buf);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int smig_manifest_load(const char *dir, struct smig_features **out, struct smig_err *e)
{
	struct smig_features *fs = calloc(1, sizeof(*fs));
	char **names = NULL;
	size_t nnames = 0, i, k;
	struct dirent *de;
	DIR *d = NULL;

	*out = NULL;
	if (fs == NULL)
		return smig_err_nomem(e, _("loading manifests"));
	if (dir == NULL)
		dir = smig_manifest_dir();
	d = opendir(dir);
	if (d == NULL) {
		smig_err_sys(e, errno,
			     _("cannot open the manifest directory '%s' (an installed smig reads "
			     "PREFIX/share/smig/manifests; SMIG_MANIFESTS names another)"),
			     dir);
		goto fail;
	}
	while ((de = readdir(d)) != NULL) {
		char **nn;
		if (!smig_endswith_ci(de->d_name, ".xml"))
			continue;
		nn = realloc(names, (nnames + 1) * sizeof(*nn));
		if (nn == NULL)
			goto nomem;
		names = nn;
		names[nnames] = smig_path_join(dir, de->d_name, e);
		if (names[nnames++] == NULL)
			goto fail;
	}
	if (nnames > 1)
		qsort(names, nnames, sizeof(*names), cmp_str);
	fs->items = calloc(nnames ? nnames : 1, sizeof(*fs->items));
	if (fs->items == NULL)
		goto nomem;
	for (i = 0; i < nnames; i++) {
		if (smig_manifest_load_file(names[i], &fs->items[fs->count], e) < 0)
			goto fail;
		for (k = 0; k < fs->count; k++)
			if (strcmp(fs->items[k].id, fs->items[fs->count].id) == 0) {
				smig_err_set(e, SMIG_ERR_FORMAT, _("two manifests declare feature '%s'"),
					     fs->items[k].id);
				fs->count++;
				goto fail;
			}
		fs->count++;
	}
	if (fs->count == 0) {
		smig_err_set(e, SMIG_ERR_FORMAT, _("no feature manifests in '%s'"), dir);
		goto fail;
	}
	closedir(d);
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	*out = fs;
	return 0;
nomem:
	smig_err_nomem(e, _("loading manifests"));
fail:
	if (d)
		closedir(d);
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	smig_manifest_free(fs);
	return -1;
}

void smig_manifest_free(struct smig_features *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < f->count; i++)
		smig_manifest_feature_release(&f->items[i]);
	free(f->items);
	free(f);
}

const struct smig_feature *smig_manifest_find(const struct smig_features *f, const char *id)
{
	size_t i;

	for (i = 0; i < f->count; i++)
		if (strcmp(f->items[i].id, id) == 0)
			return &f->items[i];
	return NULL;
}

/* ---- detection and listings ---- */

int smig_manifest_detect(const struct smig_component *c, const struct smig_inventory *inv,
			  bool *present, char **detail, struct smig_err *e)
{
	*present = false;
	*detail = NULL;
	return c->handler->detect(inv, present, detail, e);
}

bool smig_manifest_feature_present(const struct smig_feature *f, const struct smig_inventory *inv)
{
	struct smig_err e = SMIG_ERR_INIT;
	size_t i;
	bool any = false;

	for (i = 0; i < f->ncomps; i++) {
		bool p = false;
		char *d = NULL;
		if (!f->comps[i].report_only && smig_manifest_detect(&f->comps[i], inv, &p, &d, &e) == 0)
			any |= p;
		free(d);
	}
	return any;
}

char *smig_manifest_text(const struct smig_features *f, const struct smig_inventory *inv,
			 struct smig_err *e)
{
	struct smig_strbuf sb = SMIG_STRBUF_INIT;
	size_t i, k;

	for (i = 0; i < f->count; i++) {
		const struct smig_feature *ft = &f->items[i];
		bool present = smig_manifest_feature_present(ft, inv);

		smig_strbuf_printf(&sb, present ? _("%s (%s): present\n") : _("%s (%s): absent\n"),
				   ft->name, ft->id);
		if (ft->id && strcmp(ft->id, "hyperv") == 0 && !present && inv->hyperv_reason)
			smig_strbuf_printf(&sb, _("  why: %s\n"), inv->hyperv_reason);
		for (k = 0; k < ft->ncomps; k++) {
			const struct smig_component *c = &ft->comps[k];
			bool p = false;
			char *d = NULL;
			if (smig_manifest_detect(c, inv, &p, &d, e) < 0) {
				smig_strbuf_release(&sb);
				return NULL;
			}
			smig_strbuf_printf(&sb, "  %-24s %-6s %s\n", c->id, p ? _("found") : _("absent"),
					   d ? d : "");
			free(d);
		}
	}
	if (smig_strbuf_check(&sb, e) < 0)
		return NULL;
	return smig_strbuf_take(&sb, NULL);
}

char *smig_manifest_json(const struct smig_features *f, const struct smig_inventory *inv,
			 struct smig_err *e)
{
	json_t *arr = json_array(), *root;
	size_t i, k;
	char now[32];
	char *s;

	for (i = 0; i < f->count; i++) {
		const struct smig_feature *ft = &f->items[i];
		json_t *comps = json_array();
		for (k = 0; k < ft->ncomps; k++) {
			const struct smig_component *c = &ft->comps[k];
			bool p = false;
			char *d = NULL;
			if (smig_manifest_detect(c, inv, &p, &d, e) < 0) {
				json_decref(comps);
				json_decref(arr);
				return NULL;
			}
			json_array_append_new(comps, json_pack("{s:s,s:s,s:s,s:b,s:b,s:s}", "id", c->id,
							       "name", c->name, "kind", c->kind,
							       "report_only", c->report_only,
							       "present", p, "detail", d ? d : ""));
			free(d);
		}
		json_array_append_new(arr, json_pack("{s:s,s:s,s:b,s:o}", "id", ft->id, "name",
						     ft->name, "present",
						     smig_manifest_feature_present(ft, inv), "components",
						     comps));
	}
	/* schemas/smig-features.schema.json describes this object: a change of its keys is a new
	 * schema version there and in manifest.h */
	smig_unix_to_iso8601((int64_t)time(NULL), now, sizeof(now));
	root = json_pack("{s:s,s:s,s:o}", "schema", SMIG_FEATURES_SCHEMA, "generated_utc", now,
			 "features", arr);
	s = root ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(root);
	if (s == NULL)
		smig_err_nomem(e, _("building JSON"));
	return s;
}
