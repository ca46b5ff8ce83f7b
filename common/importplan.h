/*
 * importplan.h - what smig-import will do to a destination: the import options (docs/reference.md
 * "smig-import") and the plan built from a verified archive's descriptor, the
 * destination's inventory and those options.
 *
 * The plan is pure computation: building it reads the destination (through its inventory and
 * statvfs of the mapped drives) and writes nothing. preflight evaluates it (SMIG1xxx/2xxx),
 * apply executes it (journal.h), the manual-step report is derived from it (SMIG3xxx) and the
 * verification compares a destination read back against it (SMIG4xxx).
 *
 * Placement rules (docs/import.md "Where things go"):
 *   1. Host-setting paths (DefaultExternalDataRoot, DefaultVirtualHardDiskPath): --map-path;
 *      else the same path when its drive exists on the destination; else the destination's
 *      own value is kept. They are written only when the destination still has the Hyper-V
 *      default (or with --force); the resulting values are plan->data_root / vhd_path.
 *   2. VM disks: --map-path; else plan->vhd_path (flat, like a resource pool).
 *   3. VM configurations, saved state and snapshots: --map-path of the VM's data root; else
 *      plan->data_root, as <root>\Virtual Machines\<id>.xml, <root>\Virtual Machines\<id>\,
 *      <root>\Snapshots\<snap>.xml and <root>\Snapshots\<snap>\.
 *   4. Registration: none in the plan; migrate.ps1 registers each configuration in place
 *      (Compare-VM -Register, Import-VM) on the running host.
 *   5. Migration type (descriptor): "storage" places disks only and registers nothing;
 *      "config" places configurations whose disks must already be on the destination.
 *
 * A plan points into the descriptor's inventory and the destination inventory (borrowed: they
 * must outlive it) and owns every string it allocates; smig_plan_free() releases it.
 */
#ifndef SMIG_IMPORTPLAN_H
#define SMIG_IMPORTPLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "descriptor.h"
#include "err.h"
#include "hostfs.h"
#include "inventory.h"
#include "problem.h"
#include "winval.h"

/* ---- options ---- */

enum smig_ipconfig_mode {
	SMIG_IPMODE_NONE,   /* default: no IP settings are written */
	SMIG_IPMODE_NIC,    /* per-adapter settings of mapped adapters and recreated host vNICs */
	SMIG_IPMODE_GLOBAL, /* host-wide TCP/IP settings (DNS suffix search list) */
	SMIG_IPMODE_ALL,
};

struct smig_pathmap {
	char *from, *to;    /* canonical drive-absolute Windows paths, no trailing '\' */
};

struct smig_switchbind {
	char *name;         /* source virtual network name (exact, case-insensitive) */
	char *nic;          /* destination adapter: connection name, description, MAC or {GUID} */
};

struct smig_macmap {
	struct smig_mac src, dst;
};

struct smig_import_opts {
	struct smig_pathmap *paths;
	size_t npaths;
	struct smig_switchbind *binds;
	size_t nbinds;
	struct smig_macmap *macs;
	size_t nmacs;
	enum smig_ipconfig_mode ipmode;
	char **features;    /* --feature, NULL-terminated; NULL = all in the archive */
	char **vms;         /* --vm NAME|GUID, NULL-terminated; NULL = all */
	bool new_id, discard_saved_state, set_cpu_compat, force, what_if;
	bool copy_media;    /* --copy-media: place the ISO/VFD files the archive carries */
};

/* getopt_long ids of the import options (above hostopts.h's). */
enum {
	SMIG_OPT_MAP_PATH = 1100,
	SMIG_OPT_BIND_SWITCH,
	SMIG_OPT_IPCONFIG_MODE,
	SMIG_OPT_MAP_MAC,
	SMIG_OPT_FEATURE,
	SMIG_OPT_VM,
	SMIG_OPT_NEW_ID,
	SMIG_OPT_DISCARD_SAVED_STATE,
	SMIG_OPT_SET_CPU_COMPAT,
	SMIG_OPT_FORCE,
	SMIG_OPT_WHAT_IF,
	SMIG_OPT_COPY_MEDIA,
};

/* Take one option; malformed values are SMIG_ERR_USAGE naming the option. */
int smig_import_opts_add(struct smig_import_opts *o, int id, const char *arg, struct smig_err *e);
/* Cross-option checks after parsing (e.g. --map-mac without --ipconfig-mode). */
int smig_import_opts_check(const struct smig_import_opts *o, struct smig_err *e);
void smig_import_opts_release(struct smig_import_opts *o);
/* The options that shape the result, as command-line arguments (NULL-terminated, malloc'd;
 * free with smig_strv_free), so apply can record them and report can reuse them. --what-if
 * is not one of them (an apply that ran was not a what-if). */
char **smig_import_opts_argv(const struct smig_import_opts *o, struct smig_err *e);
/* The inverse: take options from such a vector ("--name" or "--name=value" elements). An
 * unknown name is SMIG_ERR_FORMAT; a bad value is what smig_import_opts_add() says. */
int smig_import_opts_from_argv(struct smig_import_opts *o, char *const *argv,
			       struct smig_err *e);
const char *smig_ipconfig_mode_name(enum smig_ipconfig_mode m);

/*
 * Map a source Windows path through --map-path: the longest `from` that equals the path or is
 * a prefix of it at a '\' boundary, compared case-insensitively. 1 = mapped (*out malloc'd),
 * 0 = no map applies (*out NULL), -1 = error.
 */
int smig_map_winpath(const struct smig_import_opts *o, const char *winpath, char **out,
		     struct smig_err *e);

/* ---- the plan ---- */

struct smig_plan_switch {
	const struct smig_inv_switch *src;
	char *guid;            /* on the destination: the source GUID, or an existing switch's */
	enum smig_switch_type type; /* as recreated: external only when bound (--bind-switch) */
	const struct smig_inv_nic *bind_nic; /* destination adapter bound (external), or NULL */
	bool exists;           /* the destination already has a switch of this name: left as is
				* (guid, type and host_vnic are then the destination's) */
	bool downgraded;       /* external recreated (or found) as internal (SMIG3001) */
	const struct smig_inv_nic *src_host_vnic; /* the source management-OS adapter, or NULL */
	char *host_vnic;       /* NetCfgInstanceId "{GUID}" of the adapter created, or NULL */
	char *host_vnic_port;  /* its port GUID */
};

struct smig_plan_nicmap {
	const struct smig_inv_nic *src, *dst; /* --map-mac pairs, resolved */
};

struct smig_plan_disk {
	const struct smig_inv_disk *src;
	const char *member;    /* archive member holding it (descriptor string), or NULL */
	char *winpath;         /* destination Windows path */
	char *local;           /* destination local path (its folder may not exist yet) */
	bool expected;         /* type config: not placed, expected at winpath/local */
	bool reparent;         /* differencing: its parent locators must be rewritten */
	char *parent_winpath;  /* the parent's destination path (differencing), or NULL */
	char *parent_relative; /* ".\name.vhd" or "..\dir\name.vhd" relative form, or NULL */
	/* re-parented: the SHA-256 of the virtual content of the source's chain, read from the
	 * archive's members by apply before it rewrites them (smig_postcheck_source_content) */
	bool has_content;
	uint8_t content_sha256[32];
};

/* A file other than a disk placed for a VM: configuration, snapshot configuration, state, and
 * with --copy-media the ISO/VFD files its drives use. */
struct smig_plan_file {
	const char *member;    /* archive member (descriptor string) */
	const char *role;      /* "config", "snapshot-config", "saved-state", "media" */
	const char *snapshot;  /* snapshot id for snapshot files, else NULL */
	char *winpath, *local; /* destination; media: local NULL when another VM's copy serves
				* (placed once) */
	const char *source;    /* the file's Windows path on the source (descriptor string) */
	bool present;          /* media: a file is already there; used, never replaced */
};

struct smig_plan_vm {
	const struct smig_inv_vm *src;
	bool selected;         /* false: not in the archive or not chosen with --vm (ignored) */
	char *id;              /* destination VM id: upper case, no braces */
	char *data_root;       /* destination data root (Windows path) */
	char *config_winpath, *config_local;
	struct smig_plan_disk *disks; /* parallel to src->disks */
	size_t ndisks;
	struct smig_plan_file *files; /* configuration first, then snapshots, then state */
	size_t nfiles;
	bool *drive_emptied;   /* parallel to src->drives: ISO, VFD or pass-through removed */
	bool saved_state;      /* saved state (VM or snapshots) is carried over */
	bool saved_state_dropped; /* --discard-saved-state dropped some (SMIG3010) */
	bool cpu_compat;       /* the processor compatibility the configuration will have */
	bool exists;           /* the destination already registers a VM with this id */
};

/* Free space check input (SMIG1004): bytes the plan places on each destination drive. */
struct smig_plan_volume {
	char letter;
	char *local;           /* the drive's local directory */
	uint64_t need, avail;  /* avail from statvfs (f_bavail * f_frsize) */
};

struct smig_plan {
	const struct smig_descriptor *desc;
	const struct smig_inventory *src, *dst; /* desc->inv and the destination as read */
	const struct smig_import_opts *opts;
	struct smig_hostfs *dfs;  /* destination drive map (borrowed) */
	bool hyperv;           /* the archive carries the hyperv feature and it is selected */
	/* What the archive's migration type and scope let the import do (descriptor.h); all
	 * false is a whole-host archive of type all:
	 * storage_only: type storage; disks placed, no configuration, nothing registered.
	 * config_only: type config; configurations placed and registered by migrate.ps1, each
	 *   disk expected on the destination already, at its --map-path or else its source
	 *   path (SMIG1013), and used as it is.
	 * vms_only: no host-wide change: host settings, authorization store, MAC range, VMQ,
	 *   networks no imported VM uses, firewall rules, remote administration and the advice
	 *   to remove Hyper-V from the source are left out. Set for a "vms" archive (export
	 *   --vm), an import --vm without --feature, and a storage archive. */
	bool storage_only, config_only, vms_only;
	/* host settings as they will be after apply */
	char *data_root, *vhd_path;
	/* "the destination is to hold the source's value": apply writes it (again, if it is
	 * already there) and verification checks it; false = the destination's value is kept */
	bool set_data_root, set_vhd_path;
	bool set_mac_range;    /* the source's (non-default) MAC range */
	bool set_vmq;          /* the source's global VMQ values */
	/* authorization store */
	bool store_copy;       /* the file store is copied */
	const char *store_member;
	char *store_winpath, *store_local;
	bool set_store_location; /* StoreLocation changes */
	/* a customised destination store is kept (no --force): the archive member of the
	 * source's store, for the manual step that shows how they differ (SMIG3014), or NULL */
	const char *kept_store_member;
	/* set by the caller, not by smig_plan_build(): the local path of the source's store as
	 * apply staged it for migrate.ps1 (<report dir>/InitialStore.xml), or NULL (borrowed) */
	const char *staged_store;
	struct smig_plan_switch *switches;
	size_t nswitches;
	struct smig_plan_nicmap *nicmap;
	size_t nnicmap;
	struct smig_plan_vm *vms; /* parallel to src->vms */
	size_t nvms;
	struct smig_plan_volume *volumes;
	size_t nvolumes;
	/* problems found while placing (SMIG1004, SMIG1011, path collisions), for preflight */
	struct smig_problems items;
};

/*
 * Build the plan. Placement problems are items in plan->items, not failures; failures are
 * I/O, memory, and options that name what does not exist (SMIG_ERR_USAGE: a --vm or a
 * --feature the archive does not carry, listing those it does; a --bind-switch network or
 * adapter, a --map-mac address). --vm names and --feature ids are compared ignoring case, as
 * export does; a name two VMs share is refused (select by GUID).
 */
int smig_plan_build(const struct smig_descriptor *desc, struct smig_hostfs *dfs,
		    const struct smig_inventory *dst, const struct smig_import_opts *o,
		    struct smig_plan **out, struct smig_err *e);
void smig_plan_free(struct smig_plan *p);

/* The source VM of plan entry i (the plan's VM array is parallel to src->vms), or NULL. */
const struct smig_inv_vm *smig_plan_src_vm(const struct smig_plan *p, size_t i);
/* The plan VM for a source VM id or name, or NULL. */
const struct smig_plan_vm *smig_plan_find_vm(const struct smig_plan *p, const char *id_or_name);
/* With --copy-media: where the ISO/VFD file a drive of `pv` used on the source (its Windows
 * path as the configuration names it) is on the destination; NULL when it does not travel. */
const struct smig_plan_file *smig_plan_media(const struct smig_plan_vm *pv,
					     const char *source_winpath);
/* The plan switch for a source switch GUID, or NULL. */
const struct smig_plan_switch *smig_plan_find_switch(const struct smig_plan *p, const char *guid);

#endif
