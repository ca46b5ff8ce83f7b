/*
 * cmd_export.c - `smig-export export`: the signed, streaming migration archive (docs/archive.md),
 * WSMT's Export-SmigServerSetting plus the VMs' data. The engine (common/exporter.c) plans
 * and writes; this file parses options, shows progress, writes the log and the summary.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <sys/stat.h>
#include <unistd.h>

#include "age.h"
#include "cli.h"
#include "archive.h"
#include "export.h"
#include "exporter.h"
#include "fileio.h"
#include "hostopts.h"
#include "i18n.h"
#include "report.h"
#include "progress.h"
#include "width.h"

#define MAX_SELECT 1024

static void help(void)
{
	printf(_("usage: %s export --source ROOT -s SEC -o ARCHIVE|- [OPTIONS]\n\n"
	       "Writes the signed migration archive of a Windows Server 2008 R2 Hyper-V host: the\n"
	       "descriptor (the whole inventory), each feature's registry data as .reg files and\n"
	       "its files, every selected VM's configuration, snapshots and virtual hard disks\n"
	       "(whole differencing chains, byte-identical), then a SHA-256 list of every member\n"
	       "signed with SEC. Check it anywhere with 'bsdtar -xf' and\n"
	       "'signify -C -p PUB -x smig/SHA256.sig'. ISO, floppy and pass-through disks are\n"
	       "recorded, never copied. A selected VM that cannot be read completely fails the\n"
	       "export (select the others with --vm to leave it out).\n\n"
	       "  --source ROOT          the host: a C: root or a host folder with C/, D/, ...\n"
	       "  --drive X=DIR          where drive X: of the host lives (repeatable)\n"
	       "  --ipconfig FILE        'ipconfig /all' output (default ROOT/IPSettings.txt)\n"
	       "  --systeminfo FILE      'systeminfo' output (default ROOT/systeminfo.txt)\n"
	       "  --facts DIR            a running source: the folder collect.cmd wrote (hives,\n"
	       "                         ipconfig, systeminfo, store, VM states); ROOT is then the\n"
	       "                         volumes mounted read-only over SMB. A VM not off or\n"
	       "                         saved is refused unless --type config\n"
	       "  -s, --secret SEC       the signing key (from '%s keygen' or 'signify -G -n')\n"
	       "  -o, --output ARCHIVE   the archive to write; '-' = standard output; a FIFO or\n"
	       "                         a character device is written as it is; a link, a\n"
	       "                         folder or a block device is refused (exit 2)\n"
	       "  --feature NAME         export this feature (repeatable; default all found)\n"
	       "  --vm NAME|GUID         export this VM (repeatable; default all); without\n"
	       "                         --feature the archive is of these VMs only: nothing\n"
	       "                         host-wide travels or is applied (scope 'vms')\n"
	       "  --type TYPE            all (default), config (no disks: import expects them on\n"
	       "                         the destination) or storage (disks only, no VM)\n"
	       "  --compress C           zstd (default), gzip or none\n"
	       "  --threads N            zstd worker threads (default: online CPUs)\n"
	       "  --include-saved-state  also export saved state (.vsv/.bin); off by default\n"
	       "  --include-media        also export the ISO and VFD files attached to the VMs\n"
	       "                         (apply --copy-media places them); off by default\n"
	       "  --encrypt-to KEY|FILE  encrypt the archive with age to this X25519 recipient\n"
	       "                         (age1...), or to every recipient of FILE (one a\n"
	       "                         line, '#' comments); repeatable. Decrypt with\n"
	       "                         'age -d -i ID' or 'smig-import ... --identity ID'\n"
	       "  --passphrase-file FILE encrypt the archive with age and the passphrase in FILE\n"
	       "                         (one line; mode 0600 or stricter); not with --encrypt-to\n"
	       "  --ask-passphrase       the same, the passphrase asked twice on the terminal\n"
	       "  --force                replace an existing ARCHIVE\n"
	       "  -h, --help             show this help\n\n"
	       "Exit codes: 0 success, 1 the host, a VM or the output cannot be read or written\n"
	       "(or ARCHIVE exists), 2 usage error (also a passphrase-protected key, a\n"
	       "selected VM on a drive the host uses but --drive does not map, a bad\n"
	       "recipient, a passphrase file readable by others, a passphrase mixed with\n"
	       "recipients), 3 the key file is corrupt.\n"),
	       PROG, PROG);
	smig_cli_common_help(true);
}

enum {
	OPT_SOURCE = 2000,
	OPT_FEATURE,
	OPT_VM,
	OPT_TYPE,
	OPT_COMPRESS,
	OPT_THREADS,
	OPT_SAVED_STATE,
	OPT_MEDIA,
	OPT_FORCE,
	OPT_ENCRYPT_TO,
	OPT_PASSPHRASE_FILE,
	OPT_ASK_PASSPHRASE,
};

/* "keys/smig.sec" -> "smig": signify names the public key after it in the comment. */
static char *key_name(const char *secpath, struct smig_err *e)
{
	const char *b = strrchr(secpath, '/');
	size_t len;

	b = b ? b + 1 : secpath;
	len = strlen(b);
	if (len > 4 && strcmp(b + len - 4, ".sec") == 0)
		len -= 4;
	return smig_strndup(b, len, e);
}

static int parse_threads(const char *s, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > 256)
		return -1;
	*out = (int)v;
	return 0;
}

/* The VM a member belongs to ("hyperv/vms/<GUID>/..."), by name, or NULL. */
static const char *member_vm(const struct smig_inventory *inv, const char *member)
{
	static const char prefix[] = "hyperv/vms/";
	size_t i, len;

	if (inv == NULL || member == NULL || strncmp(member, prefix, sizeof(prefix) - 1) != 0)
		return NULL;
	member += sizeof(prefix) - 1;
	len = strcspn(member, "/");
	for (i = 0; i < inv->nvms; i++)
		if (inv->vms[i].id && strlen(inv->vms[i].id) == len &&
		    strncasecmp(inv->vms[i].id, member, len) == 0)
			return inv->vms[i].name ? inv->vms[i].name : inv->vms[i].id;
	return NULL;
}

/* --log: each item as the engine logs it (smig_export_set_log), with the VM it belongs to. */
static void log_item(void *ctx, const char *what, const char *source, const char *member,
                     bool success, const char *details)
{
	const char *vm = member_vm(ctx, member);
	json_t *f = json_pack("{s:s, s:s?, s:s?, s:b, s:s, s:s?}", "what", what, "source", source,
	                      "member", member, "success", success, "details", details, "vm", vm);

	smig_cli_log_fields("item", f);
	json_decref(f);
}

/* --progress: the VM being worked on rather than the member path. */
struct export_progress {
	struct progress p;
	const struct smig_inventory *inv;
};

static void show_progress(void *ctx, uint64_t done, uint64_t total, const char *member)
{
	struct export_progress *ep = ctx;
	const char *vm = member_vm(ep->inv, member);
	char what[300];

	if (vm)
		snprintf(what, sizeof(what), _("VM %s"), vm);
	else
		snprintf(what, sizeof(what), "%s", member ? member : "");
	what[smig_width_boundary(what, strlen(what))] = '\0'; /* a long name: whole characters */
	progress_update(&ep->p, done, total, what);
}

/* An interrupted export leaves no temporary archive behind: remove it, then die of the
 * signal as if unhandled (so the caller sees the usual status). */
static void on_signal(int sig)
{
	smig_archive_signal_cleanup();
	smig_cli_log_signal(sig);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void catch_signals(void)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

int cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"source", required_argument, NULL, OPT_SOURCE},
	    {"secret", required_argument, NULL, 's'},
	    {"output", required_argument, NULL, 'o'},
	    {"feature", required_argument, NULL, OPT_FEATURE},
	    {"vm", required_argument, NULL, OPT_VM},
	    {"type", required_argument, NULL, OPT_TYPE},
	    {"compress", required_argument, NULL, OPT_COMPRESS},
	    {"threads", required_argument, NULL, OPT_THREADS},
	    {"include-saved-state", no_argument, NULL, OPT_SAVED_STATE},
	    {"include-media", no_argument, NULL, OPT_MEDIA},
	    {"force", no_argument, NULL, OPT_FORCE},
	    {"encrypt-to", required_argument, NULL, OPT_ENCRYPT_TO},
	    {"passphrase-file", required_argument, NULL, OPT_PASSPHRASE_FILE},
	    {"ask-passphrase", no_argument, NULL, OPT_ASK_PASSPHRASE},
	    {"drive", required_argument, NULL, SMIG_OPT_DRIVE},
	    {"ipconfig", required_argument, NULL, SMIG_OPT_IPCONFIG},
	    {"systeminfo", required_argument, NULL, SMIG_OPT_SYSTEMINFO},
	    {"facts", required_argument, NULL, SMIG_OPT_FACTS},
	    {"help", no_argument, NULL, 'h'},
	    SMIG_CLI_OPTIONS,
	    SMIG_CLI_PROGRESS_OPTION,
	    {0, 0, 0, 0},
	};
	static const char *features[MAX_SELECT], *vms[MAX_SELECT];
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_export_opts eo = {features, 0, vms, 0, SMIG_EXPORT_ALL, false, false};
	struct smig_hostopts ho = {0};
	struct smig_hostfs *fs = NULL;
	struct smig_inventory *inv = NULL;
	struct smig_features *ft = NULL;
	struct smig_export *x = NULL;
	struct smig_seckey sec;
	struct export_progress pr;
	struct smig_age_keys enc;
	enum smig_compress comp = SMIG_COMPRESS_ZSTD;
	enum progress_mode pmode = PROGRESS_AUTO;
	const char *secpath = NULL, *out = NULL;
	char *keyname = NULL;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int threads = ncpu > 0 ? (int)(ncpu > 256 ? 256 : ncpu) : 1;
	bool force = false, ask = false;
	size_t members = 0;
	struct stat st;
	enum smig_output_kind okind = SMIG_OUTPUT_NEW;
	char size[72];
	int c, rc;

	memset(&sec, 0, sizeof(sec));
	memset(&pr, 0, sizeof(pr)); /* progress_end() on it does nothing until progress_init() */
	smig_age_keys_init(&enc);
	optind = 1;
	while ((c = getopt_long(argc, argv, SMIG_CLI_SHORT("s:o:h"), opts, NULL)) != -1) {
		switch (c) {
		case OPT_SOURCE:
			ho.root = optarg;
			break;
		case 's':
			secpath = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case OPT_FEATURE:
			if (eo.nfeatures == MAX_SELECT)
				return usage_error("export", _("too many --feature options"));
			features[eo.nfeatures++] = optarg;
			break;
		case OPT_VM:
			if (eo.nvms == MAX_SELECT)
				return usage_error("export", _("too many --vm options"));
			vms[eo.nvms++] = optarg;
			break;
		case OPT_TYPE:
			if (smig_export_type_parse(optarg, &eo.type) < 0)
				return usage_error(
				    "export", _("unknown type '%s' (config, storage or all)"), optarg);
			break;
		case OPT_COMPRESS:
			if (smig_compress_parse(optarg, &comp) < 0)
				return usage_error("export",
				                   _("unknown compression '%s' (zstd, gzip or none)"),
				                   optarg);
			break;
		case OPT_THREADS:
			if (parse_threads(optarg, &threads) < 0)
				return usage_error("export", _("invalid --threads '%s' (0 to 256)"),
				                   optarg);
			break;
		case OPT_SAVED_STATE:
			eo.include_saved_state = true;
			break;
		case OPT_MEDIA:
			eo.include_media = true;
			break;
		case SMIG_CLI_OPT_PROGRESS:
			if (progress_mode_parse(optarg, &pmode) < 0)
				return usage_error(
				    "export",
				    _("unknown progress mode '%s' (auto, always, never or json)"),
				    optarg);
			break;
		case OPT_FORCE:
			force = true;
			break;
		case OPT_ENCRYPT_TO:
			if (smig_age_add_recipients(&enc, optarg, &e) < 0)
				goto fail;
			break;
		case OPT_PASSPHRASE_FILE:
			if (smig_age_set_passphrase_file(&enc, optarg, &e) < 0)
				goto fail;
			break;
		case OPT_ASK_PASSPHRASE:
			ask = true;
			break;
		case 'h':
			smig_age_keys_wipe(&enc);
			help();
			return 0;
		case SMIG_OPT_DRIVE:
		case SMIG_OPT_IPCONFIG:
		case SMIG_OPT_SYSTEMINFO:
		case SMIG_OPT_FACTS:
			if (smig_hostopts_add(&ho, c, optarg, &e) < 0) {
				smig_age_keys_wipe(&enc);
				return usage_error("export", "%s", e.msg);
			}
			break;
		default:
			if ((rc = smig_cli_option(c, opts, argc, argv)) != SMIG_CLI_NEXT) {
				smig_age_keys_wipe(&enc);
				return rc;
			}
			break;
		}
	}
	/* age forbids a passphrase beside other recipients (a recipient could then learn the
	 * passphrase's key by brute force) */
	if (ask && !smig_age_keys_empty(&enc)) {
		smig_err_set(&e, SMIG_ERR_USAGE, _("--ask-passphrase cannot be combined with "
			     "--encrypt-to or --passphrase-file"));
		goto fail;
	}
	if (optind < argc)
		rc = usage_error("export", _("unexpected argument '%s'"), argv[optind]);
	else if (ho.root == NULL)
		rc = usage_error("export", _("--source ROOT is required"));
	else if (secpath == NULL)
		rc = usage_error("export", _("-s SEC (the signing key) is required"));
	else if (out == NULL)
		rc = usage_error("export", _("-o ARCHIVE (or '-' for standard output) is required"));
	else if (strcmp(out, "-") == 0 && isatty(STDOUT_FILENO))
		rc = usage_error("export", _("refusing to write an archive to a terminal"));
	else
		rc = 0;
	if (rc != 0) {
		smig_age_keys_wipe(&enc);
		return rc;
	}
	/* where the archive goes, before any work: a link, a folder, a disk, an existing file
	 * without --force (said again, race-free, when the archive is created) */
	if (smig_output_kind(out, force, &okind, &e) < 0) {
		smig_age_keys_wipe(&enc);
		smig_cli_log("error", NULL, NULL, NULL, 0, e.msg);
		return fail(&e);
	}
	if (ask && export_ask_passphrase(&enc, &e) < 0)
		goto fail;

	if (pmode == PROGRESS_AUTO && smig_cli_quiet())
		pmode = PROGRESS_NEVER;
	progress_init(&pr.p, pmode);
	pr.inv = NULL;
	keyname = key_name(secpath, &e);
	if (keyname == NULL || smig_sign_read_seckey(secpath, &sec, &e) < 0)
		goto fail;
	if (smig_manifest_load(NULL, &ft, &e) < 0 || smig_hostopts_read(&ho, &fs, &inv, &e) < 0 ||
	    smig_export_new(&x, &e) < 0)
		goto fail;
	if (inv->ipconfig_as)
		smig_cli_verbose(_("ipconfig /all output read as %s"), inv->ipconfig_as);
	if (inv->systeminfo_as)
		smig_cli_verbose(_("systeminfo output read as %s"), inv->systeminfo_as);
	pr.inv = inv;
	smig_export_set_log(x, log_item, inv);
	catch_signals(); /* from here on an interrupt ends the log with an "interrupted" line */
	smig_cli_verbose(_("planning the archive of '%s'"), ho.root);
	if (smig_export_plan(x, fs, inv, ft, &eo, &e) < 0)
		goto fail;
	smig_cli_verbose(_("writing %zu members, %llu bytes, to '%s'"), smig_export_member_count(x),
	                 (unsigned long long)smig_export_total(x), out);
	if (!smig_age_keys_empty(&enc))
		smig_export_set_encryption(x, &enc);
	progress_start(&pr.p); /* the rate and ETA count from here, once planning is done */
	rc = smig_export_write(x, out, comp, threads, force, &sec, keyname, show_progress, &pr,
	                       &members, &e);
	progress_end(&pr.p);
	if (rc < 0)
		goto fail;
	if (okind != SMIG_OUTPUT_STDOUT && okind != SMIG_OUTPUT_IN_PLACE && stat(out, &st) == 0 &&
	    !smig_cli_quiet())
		fprintf(stderr,
		        P_("%s: wrote '%s': %s bytes, %zu member\n",
		           "%s: wrote '%s': %s bytes, %zu members\n", members),
		        PROG, out, smig_human_count((uint64_t)st.st_size, size, sizeof(size)), members);
	else if (okind == SMIG_OUTPUT_IN_PLACE && !smig_cli_quiet())
		fprintf(stderr, P_("%s: wrote '%s': %zu member\n", "%s: wrote '%s': %zu members\n",
		                   members),
		        PROG, out, members);
	rc = 0;
	goto out;
fail:
	progress_end(&pr.p);
	smig_cli_log("error", NULL, NULL, NULL, 0, e.msg);
	rc = e.kind == SMIG_ERR_USAGE ? usage_error("export", "%s", e.msg) : fail(&e);
out:
	smig_age_keys_wipe(&enc);
	smig_seckey_wipe(&sec);
	smig_export_free(x);
	smig_manifest_free(ft);
	smig_inventory_free(inv);
	smig_hostfs_free(fs);
	free(keyname);
	return rc;
}
