/*
 * cmd_features.c - `smig-import features`: the features a verified archive carries, each with
 * its components as the manifests declare them, and (with --dest) whether the destination can
 * take each one (WSMT's Get-SmigServerFeature -Path). It only reads: the archive is hashed as
 * it streams by (only its descriptor is kept) and the destination is opened read-only.
 *
 * The result is first collected into rows, then written as text or JSON, so both formats
 * always say the same thing.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "hostopts.h"
#include "i18n.h"
#include "report.h"
#include "import.h"
#include "manifest.h"
#include "strbuf.h"
#include "winval.h"

struct comp_row {
	const struct smig_component *c;
	bool present;        /* found on the source when it was exported */
	char *detail;        /* what was found, from the descriptor's inventory */
	size_t members;      /* archive members of this component */
	uint64_t bytes;
};

struct feat_row {
	const char *id;
	const struct smig_feature *f; /* NULL: this smig has no manifest for it */
	struct comp_row *comps;
	size_t ncomps;
	size_t members;
	uint64_t bytes;
	bool dest_ok;        /* meaningful with --dest only */
	char *dest_why;
};

/* ---- can the destination take a feature? ---- */

static const char *or_unknown(const char *s)
{
	return s && *s ? s : _("unknown");
}

/* Hyper-V moves only to Windows Server 2012 with the role installed (SMIG1007,
 * docs/reference.md). */
static int hyperv_takes(const struct smig_inventory *src, const struct smig_inventory *dst,
			bool *ok, char **why, struct smig_err *e)
{
	(void)src;
	*ok = false;
	if (!dst->os.is_2012)
		*why = smig_asprintf(e, _("the destination is not Windows Server 2012 (it is %s, "
					"version %s)"), or_unknown(dst->os.product_name),
				     or_unknown(dst->os.current_version));
	else if (!dst->hyperv)
		*why = smig_asprintf(e, _("the Hyper-V role is not installed on the destination (%s)"),
				     or_unknown(dst->hyperv_reason));
	else {
		*ok = true;
		*why = smig_asprintf(e, _("%s with the Hyper-V role"),
				     or_unknown(dst->os.product_name));
	}
	return *why ? 0 : -1;
}

static size_t physical_nics(const struct smig_inventory *inv)
{
	size_t i, n = 0;

	for (i = 0; i < inv->nnics; i++)
		if (inv->nics[i].physical && !inv->nics[i].host_vnic)
			n++;
	return n;
}

/* IP settings are applied to physical adapters, matched by MAC address (WSMT -IPConfig). */
static int ipconfig_takes(const struct smig_inventory *src, const struct smig_inventory *dst,
			  bool *ok, char **why, struct smig_err *e)
{
	size_t n = physical_nics(dst), s = physical_nics(src);

	*ok = n > 0;
	if (n == 0)
		*why = smig_asprintf(e, "%s", _("the destination has no physical network adapter"));
	else
		*why = smig_asprintf(e, P_("%zu physical network adapter (the source has %zu)",
					   "%zu physical network adapters (the source has %zu)", n),
				     n, s);
	return *why ? 0 : -1;
}

static const struct dest_check {
	const char *feature;
	int (*fn)(const struct smig_inventory *src, const struct smig_inventory *dst, bool *ok,
		  char **why, struct smig_err *e);
} dest_checks[] = {
	{"hyperv", hyperv_takes},
	{"ipconfig", ipconfig_takes},
};

static int dest_check(struct feat_row *r, const struct smig_inventory *src,
		      const struct smig_inventory *dst, struct smig_err *e)
{
	size_t i;

	for (i = 0; i < sizeof(dest_checks) / sizeof(dest_checks[0]); i++)
		if (strcmp(dest_checks[i].feature, r->id) == 0)
			return dest_checks[i].fn(src, dst, &r->dest_ok, &r->dest_why, e);
	r->dest_ok = false;
	r->dest_why = smig_strdup(_("this version of smig cannot import this feature"), e);
	return r->dest_why ? 0 : -1;
}

/* ---- collecting ---- */

static void rows_free(struct feat_row *rows, size_t n)
{
	size_t i, k;

	for (i = 0; rows && i < n; i++) {
		for (k = 0; k < rows[i].ncomps; k++)
			free(rows[i].comps[k].detail);
		free(rows[i].comps);
		free(rows[i].dest_why);
	}
	free(rows);
}

static void count_members(struct feat_row *r, const struct smig_descriptor *d)
{
	size_t i, k;

	for (i = 0; i < d->nmembers; i++) {
		const struct smig_desc_member *m = &d->members[i];

		if (m->feature == NULL || strcmp(m->feature, r->id) != 0)
			continue;
		r->members++;
		r->bytes += m->size;
		for (k = 0; k < r->ncomps; k++) {
			if (m->component && strcmp(m->component, r->comps[k].c->id) == 0) {
				r->comps[k].members++;
				r->comps[k].bytes += m->size;
			}
		}
	}
}

static int collect(const struct smig_descriptor *d, const struct smig_features *ft,
		   const struct smig_inventory *dst, struct feat_row **out, size_t *nout,
		   struct smig_err *e)
{
	struct feat_row *rows = NULL;
	size_t i, k, n = 0;

	while (d->features && d->features[n])
		n++;
	rows = calloc(n ? n : 1, sizeof(*rows));
	if (rows == NULL)
		return smig_err_nomem(e, _("listing the archive's features"));
	for (i = 0; i < n; i++) {
		struct feat_row *r = &rows[i];

		r->id = d->features[i];
		r->f = smig_manifest_find(ft, r->id);
		if (r->f && r->f->ncomps) {
			r->comps = calloc(r->f->ncomps, sizeof(*r->comps));
			if (r->comps == NULL) {
				smig_err_nomem(e, _("listing the archive's features"));
				goto fail;
			}
			r->ncomps = r->f->ncomps;
		}
		for (k = 0; k < r->ncomps; k++) {
			r->comps[k].c = &r->f->comps[k];
			if (smig_manifest_detect(r->comps[k].c, d->inv, &r->comps[k].present,
						 &r->comps[k].detail, e) < 0)
				goto fail;
		}
		count_members(r, d);
		if (dst && dest_check(r, d->inv, dst, e) < 0)
			goto fail;
	}
	*out = rows;
	*nout = n;
	return 0;
fail:
	rows_free(rows, n);
	return -1;
}

/* ---- writing ---- */

static void host_line(struct smig_strbuf *sb, const char *what,
		      const struct smig_inventory *inv)
{
	const struct smig_inv_os *os = &inv->os;

	/* TRANSLATORS: "Source: NAME (PRODUCT, version 6.1 build 7601, Service Pack 1)" */
	smig_strbuf_printf(sb, _("%s: %s (%s, version %s build %s%s%s)\n"), what,
			   or_unknown(os->computer_name), or_unknown(os->product_name),
			   or_unknown(os->current_version), or_unknown(os->build),
			   os->csd_version ? ", " : "", os->csd_version ? os->csd_version : "");
}

/* The archive's creation time (ISO 8601, UTC) as people read it: as it is in English,
 * "03/12/2026 10:21 UTC" in French (i18n.h). */
static const char *shown_time(const char *iso, char *buf, size_t len)
{
	struct tm tm = {0};

	if (smig_i18n_lang() == SMIG_LANG_EN || iso == NULL ||
	    sscanf(iso, "%4d-%2d-%2dT%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
		   &tm.tm_min) != 5)
		return iso;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return smig_i18n_time(buf, len, timegm(&tm));
}

static char *render_text(const char *label, const struct smig_descriptor *d,
			 const struct smig_inventory *dst, const struct feat_row *rows, size_t n,
			 struct smig_err *e)
{
	struct smig_strbuf sb = SMIG_STRBUF_INIT;
	char when[64], bytes[64];
	size_t i, k;

	smig_strbuf_printf(&sb, _("Archive: %s (archive id %s, created %s by smig %s, type %s)\n"),
			   label, d->archive_id, shown_time(d->created, when, sizeof(when)),
			   d->smig_version, d->type);
	host_line(&sb, _("Source"), d->inv);
	if (dst)
		host_line(&sb, _("Destination"), dst);
	for (i = 0; i < n; i++) {
		const struct feat_row *r = &rows[i];

		smig_strbuf_printf(&sb, P_("%s (%s): %zu member, %s bytes\n",
					   "%s (%s): %zu members, %s bytes\n", r->members),
				   r->f ? r->f->name : r->id, r->id, r->members,
				   smig_human_count(r->bytes, bytes, sizeof(bytes)));
		if (r->f == NULL)
			smig_strbuf_puts(&sb, _("  this version of smig has no manifest for it\n"));
		for (k = 0; k < r->ncomps; k++) {
			const struct comp_row *c = &r->comps[k];

			/* TRANSLATORS: component id, found/absent, member count, what was found */
			smig_strbuf_printf(&sb, P_("  %-24s %-6s %3zu member   %s\n",
						   "  %-24s %-6s %3zu members  %s\n", c->members),
					   c->c->id, c->present ? _("found") : _("absent"),
					   c->members, c->detail ? c->detail : "");
		}
		if (dst)
			smig_strbuf_printf(&sb, _("  destination: %s: %s\n"),
					   r->dest_ok ? _("can take it") : _("cannot take it"),
					   r->dest_why);
	}
	if (smig_strbuf_check(&sb, e) < 0)
		return NULL;
	return smig_strbuf_take(&sb, NULL);
}

static json_t *host_json(const struct smig_inventory *inv)
{
	const struct smig_inv_os *os = &inv->os;

	return json_pack("{s:s?,s:s?,s:s?,s:s?,s:s?,s:b}", "computer_name", os->computer_name,
			 "product_name", os->product_name, "version", os->current_version,
			 "build", os->build, "service_pack", os->csd_version, "is_2012",
			 os->is_2012);
}

static char *render_json(const char *label, const struct smig_descriptor *d,
			 const struct smig_inventory *dst, const struct feat_row *rows, size_t n,
			 struct smig_err *e)
{
	json_t *root = NULL, *feats;
	char *s = NULL, *t, now[32];
	size_t i, k;

	feats = json_array();
	for (i = 0; feats && i < n; i++) {
		const struct feat_row *r = &rows[i];
		json_t *comps = json_array(), *f;

		for (k = 0; comps && k < r->ncomps; k++) {
			const struct comp_row *c = &r->comps[k];

			json_array_append_new(comps, json_pack(
				"{s:s,s:s,s:b,s:b,s:s,s:I,s:I}", "id", c->c->id, "name", c->c->name,
				"report_only", c->c->report_only, "present", c->present, "detail",
				c->detail ? c->detail : "", "members", (json_int_t)c->members,
				"bytes", (json_int_t)c->bytes));
		}
		f = json_pack("{s:s,s:s?,s:b,s:I,s:I,s:o}", "id", r->id, "name",
			      r->f ? r->f->name : NULL, "known", r->f != NULL, "members",
			      (json_int_t)r->members, "bytes", (json_int_t)r->bytes, "components",
			      comps);
		if (f && dst)
			json_object_set_new(f, "destination",
					    json_pack("{s:b,s:s}", "can_take", r->dest_ok,
						      "reason", r->dest_why));
		json_array_append_new(feats, f);
	}
	/* schemas/smig-archive-features.schema.json describes this object: a change of its keys
	 * is a new schema version there and in manifest.h */
	smig_unix_to_iso8601((int64_t)time(NULL), now, sizeof(now));
	root = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o}", "schema",
			 SMIG_ARCHIVE_FEATURES_SCHEMA, "generated_utc", now, "archive", label,
			 "archive_id", d->archive_id, "created", d->created, "smig_version", d->smig_version,
			 "type", d->type, "source", host_json(d->inv));
	if (root && dst)
		json_object_set_new(root, "destination", host_json(dst));
	if (root)
		json_object_set_new(root, "features", feats);
	else
		json_decref(feats);
	s = root ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(root);
	if (s == NULL) {
		smig_err_nomem(e, _("building JSON"));
		return NULL;
	}
	/* json_dumps leaves off the final newline the text format has */
	t = smig_asprintf(e, "%s\n", s);
	free(s);
	return t;
}

static void help(void)
{
	printf(_("usage: %s features -p PUB ARCHIVE|- [--dest ROOT] [--format text|json]\n"
	         "                [--tmp DIR] [--drive X=DIR]... [--ipconfig FILE]\n"
	         "                [--systeminfo FILE] [--identity ID|--passphrase-file F]\n\n"
	         "Verifies the archive like '%s verify', then lists the features it\n"
	         "carries, each with its components as the manifests declare them: found or\n"
	         "absent on the source, how many archive members belong to it, and what was\n"
	         "captured. With --dest, reads the destination host and says for each feature\n"
	         "whether it can take it: Hyper-V needs Windows Server 2012 with the Hyper-V\n"
	         "role, the IP configuration needs physical network adapters. Nothing is\n"
	         "written anywhere (but a member with more than 1 GiB of holes, staged under --tmp\n"
	         "to be hashed after the signature, then removed).\n\n"
	         "  -p, --public PUB    the exporter's public key\n"
	         "  --dest ROOT         the destination: a C: root or a host folder (C/, D/, ...)\n"
	         "  --drive X=DIR       where drive X: of the destination lives (repeatable)\n"
	         "  --ipconfig FILE     'ipconfig /all' output (default ROOT/IPSettings.txt)\n"
	         "  --systeminfo FILE   'systeminfo' output (default ROOT/systeminfo.txt)\n"
	         "  --format FORMAT     text (default) or json\n"
	         "  --tmp DIR           stage such a member under DIR (default $TMPDIR, else /tmp)\n"), PROG, PROG);
	import_decrypt_help();
	fputs(_("  -h, --help          show this help\n\n"
	        "Exit codes: 0 success (whether or not the destination can take every feature),\n"
	        "1 a file or the destination cannot be read, 2 usage error, 3 integrity failure\n"
	        "(structure, signature, key or hash, decryption).\n"),
	      stdout);
	smig_cli_common_help(false);
}

enum { OPT_DEST = 2000, OPT_FORMAT, OPT_TMP };

int cmd_features(int argc, char **argv)
{
	static const struct option opts[] = {
		{"public", required_argument, NULL, 'p'},
		{"dest", required_argument, NULL, OPT_DEST},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"tmp", required_argument, NULL, OPT_TMP},
		IMPORT_DECRYPT_LONGOPTS,
		{"drive", required_argument, NULL, SMIG_OPT_DRIVE},
		{"ipconfig", required_argument, NULL, SMIG_OPT_IPCONFIG},
		{"systeminfo", required_argument, NULL, SMIG_OPT_SYSTEMINFO},
		{"help", no_argument, NULL, 'h'},
		SMIG_CLI_OPTIONS,
		{0, 0, 0, 0},
	};
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_hostopts ho = {0};
	struct import_archive a = {0};
	struct import_decrypt dec = {0};
	struct smig_features *ft = NULL;
	struct smig_hostfs *fs = NULL;
	struct smig_inventory *dst = NULL;
	struct feat_row *rows = NULL;
	size_t nrows = 0;
	const char *pubpath = NULL, *tmp = NULL, *label;
	bool json = false;
	char *text = NULL;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, SMIG_CLI_SHORT("p:h"), opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			pubpath = optarg;
			break;
		case OPT_DEST:
			ho.root = optarg;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "json") == 0)
				json = true;
			else if (strcmp(optarg, "text") != 0)
				return usage_error("features", _("unknown format '%s' (text or json)"),
						   optarg);
			break;
		case OPT_TMP:
			tmp = optarg;
			break;
		case 'h':
			help();
			return 0;
		case SMIG_OPT_DRIVE:
		case SMIG_OPT_IPCONFIG:
		case SMIG_OPT_SYSTEMINFO:
			if (smig_hostopts_add(&ho, c, optarg, &e) < 0)
				return usage_error("features", "%s", e.msg);
			break;
		case IMPORT_OPT_IDENTITY:
		case IMPORT_OPT_PASSPHRASE_FILE:
		case IMPORT_OPT_MAX_SCRYPT_WORK:
			if (import_decrypt_option(&dec, c, optarg, &e) < 0)
				return usage_error("features", "%s", e.msg);
			break;
		default:
			if ((rc = smig_cli_option(c, opts, argc, argv)) != SMIG_CLI_NEXT)
				return rc;
			break;
		}
	}
	if (pubpath == NULL)
		return usage_error("features", _("-p PUB is required"));
	if (optind == argc)
		return usage_error("features", _("the ARCHIVE is required"));
	if (argc - optind > 1)
		return usage_error("features", _("unexpected argument '%s'"), argv[optind + 1]);
	if (ho.root == NULL && (ho.ndrives || ho.ipconfig || ho.systeminfo))
		return usage_error("features", _("--drive, --ipconfig and --systeminfo need --dest"));
	label = import_archive_label(argv[optind]);
	/* Trust first: nothing else is read before the archive has been verified. */
	if (import_archive_open(argv[optind], pubpath, tmp, IMPORT_HASH_ONLY, &dec, &a, &e) < 0 ||
	    smig_manifest_load(NULL, &ft, &e) < 0 ||
	    (ho.root && smig_hostopts_read(&ho, &fs, &dst, &e) < 0) ||
	    collect(a.desc, ft, dst, &rows, &nrows, &e) < 0)
		goto fail;
	/* JSON is language-neutral: standard input is named in English there */
	text = json ? render_json(strcmp(argv[optind], "-") ? argv[optind] : "standard input",
				  a.desc, dst, rows, nrows, &e)
		    : render_text(label, a.desc, dst, rows, nrows, &e);
	if (text == NULL)
		goto fail;
	if (fputs(text, stdout) == EOF || fflush(stdout) == EOF) {
		smig_err_sys(&e, EIO, _("cannot write to standard output"));
		goto fail;
	}
	rc = 0;
	goto out;
fail:
	rc = fail(&e);
out:
	free(text);
	rows_free(rows, nrows);
	smig_inventory_free(dst);
	smig_hostfs_free(fs);
	smig_manifest_free(ft);
	import_archive_close(&a);
	return rc;
}
