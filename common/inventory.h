/*
 * inventory.h - the inventory model: everything smig knows about one Hyper-V host, read from
 * its host root. Export serialises it (report, archive descriptor); import reads the
 * destination into the same model and compares.
 *
 * smig_inventory_read() builds it with the format modules (hive, regmap, vmconfig, vhd, azman,
 * ipconfig, sysinfo, fwrule, secdesc). One broken VM does not fail the read: the VM is kept
 * with `error` set and a problem recorded, so the report still covers the rest. Only a host
 * that cannot be read at all (no SYSTEM hive, corrupt hive) fails.
 *
 * The model owns every string and array in it; smig_inventory_free() releases all of it.
 */
#ifndef SMIG_INVENTORY_H
#define SMIG_INVENTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "hostfs.h"
#include "problem.h"
#include "winval.h"

struct smig_facts;

struct smig_inv_os {
	char *computer_name, *dns_hostname, *domain;
	char *product_name;   /* "Windows Server 2008 R2 Enterprise" */
	char *current_version; /* "6.1" */
	char *build;          /* "7601" */
	char *csd_version;    /* "Service Pack 1" or NULL */
	char *edition_id, *installation_type, *product_type; /* ServerNT, WinNT, LanmanNT */
	char *architecture;   /* PROCESSOR_ARCHITECTURE: AMD64 */
	char *processor_identifier;
	char *install_language, *default_language; /* LANGIDs "0409" */
	char *system_locale;  /* from systeminfo, e.g. "en-us;English (United States)" */
	unsigned logical_processors; /* NUMBER_OF_PROCESSORS; 0 = unknown */
	uint64_t memory_mb;   /* systeminfo Total Physical Memory; 0 = unknown */
	char *memory_source;  /* "systeminfo", "--memory-mb" or NULL */
	bool supported_source; /* formats.md A39 */
	char *support_reason; /* why (not) */
	bool is_2012;         /* CurrentVersion 6.2 */
	bool software_hive;   /* SOFTWARE was read */
};

struct smig_inv_nic {
	char *guid;           /* NetCfgInstanceId, "{UPPER}" */
	char *class_key;      /* "0007" */
	char *description;    /* display description (§3.5 joining rule 3) */
	char *connection_name;
	uint32_t characteristics;
	bool physical;        /* Characteristics & 0x4 */
	bool host_vnic;       /* Microsoft Virtual Network Switch Adapter / ROOT\VMS_MP\ */
	char *network_address; /* registry MAC override (12 hex) or NULL */
	struct smig_mac mac;  /* from ipconfig (or the override) */
	bool has_mac;
	char *mac_source;     /* "ipconfig", "NetworkAddress" */
	int vmq;              /* *VMQ keyword: -1 absent, 0 disabled, 1 enabled */
	/* TCP/IP (Tcpip\Parameters\Interfaces\{GUID}) */
	bool has_tcpip, dhcp;
	char **ip, **mask, **gateway, **dns; /* NULL-terminated, may be NULL */
	char *switch_guid;    /* the virtual network this adapter is bound to (NicList), or NULL */
};

enum smig_switch_type { SMIG_SWITCH_PRIVATE, SMIG_SWITCH_INTERNAL, SMIG_SWITCH_EXTERNAL };

struct smig_inv_port {
	char *guid, *name;
	uint32_t vlan;        /* AccessVLAN, 0 = untagged */
	char *vm_id;          /* the VM whose NIC uses this port, or NULL */
	bool host;            /* the management OS's virtual adapter uses this port (NicList) */
};

struct smig_inv_switch {
	char *guid;           /* upper case, no braces */
	char *name;
	enum smig_switch_type type;
	char *external_nic;   /* NetCfgInstanceId of the bound physical NIC (external) */
	char *host_vnic;      /* NetCfgInstanceId of the management-OS vNIC, or NULL */
	struct smig_inv_port *ports;
	size_t nports;
	const struct smig_inv_prior *placed_by; /* to be created by an earlier apply's
					       * migrate.ps1, or NULL */
};

struct smig_inv_hostsettings {
	char *data_root;      /* DefaultExternalDataRoot (Windows path) */
	char *vhd_path;       /* DefaultVirtualHardDiskPath */
	struct smig_mac mac_min, mac_max;
	bool has_mac_range;
	bool mac_range_default; /* 00-15-5D-xx-yy-00..FF, 256 addresses */
	char *store_location; /* StoreLocation URL */
	char *service_application;
	int vmq_tengig, vmq_below_tengig; /* -1 absent, else 0/1/2 */
};

struct smig_inv_azrole {
	char *app, *scope;    /* scope NULL = application level */
	char *name;
	char **members;       /* SIDs (NULL-terminated) */
	char **member_names;  /* parallel to members: well-known name, or "" */
};

struct smig_inv_azman {
	bool present;         /* a file store was found and parsed */
	bool ad_store;        /* msldap:// */
	char *path;           /* Windows path of the file store */
	char *local;          /* local path */
	uint64_t size;
	char *app_name;
	size_t noperations, ntasks, nrole_definitions;
	struct smig_inv_azrole *roles;
	size_t nroles;
	char **scopes;        /* NULL-terminated */
	bool customised;      /* differs from the default store (docs/formats.md) */
	char **differences;   /* human-readable, NULL-terminated */
};

struct smig_inv_fwrule {
	char *id, *description;
	bool hyperv, user_defined;
};

struct smig_inv_dcom {
	bool present, customised;
	char *sddl;
	char **aces;          /* "Allow BUILTIN\\Administrators: local launch, ..." */
	unsigned char *raw;
	size_t raw_len;
};

enum smig_disk_type { SMIG_DISK_FIXED = 2, SMIG_DISK_DYNAMIC = 3, SMIG_DISK_DIFFERENCING = 4 };

struct smig_inv_disk {
	char *winpath;        /* canonical Windows path */
	char *local;          /* local file */
	enum smig_disk_type type;
	uint64_t virtual_size, file_size, data_bytes;
	struct smig_guid unique_id, parent_id;
	int parent;           /* index into smig_inv_vm.disks of the parent, -1 = base */
	char *parent_winpath; /* as resolved */
	bool time_mismatch;   /* parent timestamp differs from parent's mtime (warning) */
	bool sparse;          /* the local file has holes */
};

enum smig_drive_kind_inv { SMIG_INV_DRIVE_VHD, SMIG_INV_DRIVE_ISO, SMIG_INV_DRIVE_VFD,
			   SMIG_INV_DRIVE_PASSTHROUGH, SMIG_INV_DRIVE_EMPTY };

struct smig_inv_drive {
	char *slot;           /* "IDE 0:0", "SCSI 0:1", "Floppy 0:0" */
	enum smig_drive_kind_inv kind;
	char *pathname;       /* raw Windows path from the configuration ("" when empty) */
	char *local;          /* resolved local path or NULL */
	int disk;             /* index into smig_inv_vm.disks (VHD), -1 otherwise */
};

/* A migration an earlier apply placed on this destination (priorapply.h): its VMs, networks
 * and host settings are in the model with placed_by pointing here. */
struct smig_inv_prior {
	char *archive_id, *source, *applied; /* archive id, source computer, UTC time */
	char *journal;        /* its journal folder's name under DEST/smig-journal */
	char **files;         /* Windows paths of the files it placed, NULL-terminated */
};

struct smig_inv_nicvm {
	char *name;
	bool legacy, mac_static, connected;
	char *mac;            /* "00-15-5D-.." */
	char *switch_guid, *switch_name, *port_guid;
	uint32_t vlan;
	char *switch_alt_name; /* the switch's name as the configuration recorded it
				* (AltSwitchName, 2012+), NULL if absent: names a switch the
				* host does not have */
};

struct smig_inv_snapshot {
	char *id, *name;
	char *config_local, *config_winpath;
	int64_t created;      /* unix */
	int parent;           /* index in snapshots, -1 = root */
	bool saved_state;
	char **state_files;   /* local paths of .vsv/.bin, NULL-terminated */
	int disk;             /* disk owned by the snapshot (§5.12), -1 */
};

struct smig_inv_vm {
	char *id, *name;
	char *config_local, *config_winpath, *registration; /* "file", "link", "search" */
	char *data_root;      /* Windows path */
	char *error;          /* set when the VM could not be read completely */
	int64_t version;
	int64_t memory_mb, memory_min_mb, memory_max_mb;
	bool dynamic_memory, highly_available;
	int64_t cpu_count;
	bool cpu_compat;
	struct smig_inv_drive *drives;
	size_t ndrives;
	struct smig_inv_nicvm *nics;
	size_t nnics;
	struct smig_inv_disk *disks;
	size_t ndisks;
	struct smig_inv_snapshot *snapshots;
	size_t nsnapshots;
	int current_parent;   /* snapshot the running state descends from, -1 */
	bool tree_verified;   /* the tree came from VHD chains and they agree */
	bool saved_state;
	char **state_files;   /* NULL-terminated */
	char **stale_avhds;   /* .avhd next to the disks that no configuration names */
	char *power_state;    /* from a facts folder's vms.csv ("running", "off", "saved",
			       * "not listed", ...); NULL when the host was read without one */
	bool must_shut_down;  /* facts: the VM is not off or saved, or not listed: its disks
			       * may change while they are read */
	const struct smig_inv_prior *placed_by; /* placed by an earlier apply, not registered
					       * yet (registration "pending"), or NULL */
	char unmapped_drive;  /* its configuration or a disk is on this unmapped drive, or 0 */
};

/* A drive the host uses (its settings, a registration link, a disk) that the drive map does not
 * have: said once, as `message`, rather than as each path that cannot be resolved. */
struct smig_inv_unmapped {
	char letter;          /* upper case */
	char **paths;         /* the host settings' paths on it (VM path, VHD path), in order */
	char **vm_paths;      /* VM configurations and disks on it (NULL-terminated) */
	char *message;        /* "drive D: is used by the host (D:\Hyper-V, D:\VHD) but not
				* mapped: pass --drive D=DIR" */
};

struct smig_inventory {
	char *root;           /* host root given by the user */
	struct smig_inv_os os;
	bool hyperv;          /* the Hyper-V role's state was found */
	char *hyperv_reason;  /* why absent / what was found */
	bool ipconfig, systeminfo; /* facts files read */
	char *ipconfig_as, *systeminfo_as; /* how: "French, OEM code page 850" (NULL if unread) */
	struct smig_inv_hostsettings host;
	struct smig_inv_nic *nics;
	size_t nnics;
	struct smig_inv_switch *switches;
	size_t nswitches;
	struct smig_inv_azman azman;
	struct smig_inv_fwrule *fwrules; /* Hyper-V related and user-defined only */
	size_t nfwrules;
	size_t nfwrules_total;
	struct smig_inv_dcom dcom;
	struct smig_inv_vm *vms;
	size_t nvms;
	char **drive_letters; /* MountedDevices letters (informational) */
	struct smig_inv_prior *priors; /* destination: earlier applies (priorapply.h) */
	size_t npriors;
	const struct smig_inv_prior *host_placed_by; /* host settings or store set by one */
	/* the host settings an earlier apply's migrate.ps1 sets (the hive still has the old
	 * ones until it runs): the plan takes them as the destination's chosen values */
	char *pending_data_root, *pending_vhd_path;
	bool pending_mac_range;
	struct smig_mac pending_mac_min, pending_mac_max;
	struct smig_inv_unmapped *unmapped; /* drives used but not mapped */
	size_t nunmapped;
	char *facts;          /* the facts folder read (--facts), or NULL */
	struct smig_problems problems; /* notes, warnings and per-item errors */
};

struct smig_inventory_opts {
	const char *ipconfig;   /* path or NULL = ROOT/IPSettings.txt if present */
	const char *systeminfo; /* path or NULL = ROOT/systeminfo.txt if present */
	uint64_t memory_mb;     /* --memory-mb, 0 = none */
	const struct smig_facts *facts; /* a running source's facts folder (facts.h), or NULL;
					 * its files are already overrides in the hostfs */
};

/* Read the host. Fails only when the host as a whole cannot be read. */
int smig_inventory_read(struct smig_hostfs *fs, const char *root,
			const struct smig_inventory_opts *opts, struct smig_inventory **out,
			struct smig_err *e);
void smig_inventory_free(struct smig_inventory *inv);

const char *smig_switch_type_name(enum smig_switch_type t);
const char *smig_disk_type_name(enum smig_disk_type t);
const char *smig_drive_kind_name(enum smig_drive_kind_inv k);
const struct smig_inv_switch *smig_inventory_find_switch(const struct smig_inventory *inv,
							  const char *guid);
const struct smig_inv_nic *smig_inventory_find_nic(const struct smig_inventory *inv,
						    const char *guid);

/* The schema version of the inventory's JSON (schemas/smig-inventory.schema.json), its
 * member "schema"; "generated_utc" is the time it was made (ISO 8601, UTC). Keys are
 * snake_case. */
#define SMIG_INVENTORY_SCHEMA "smig-inventory/2"

/* The whole model as a jansson object (new reference), for embedding in other documents. */
struct json_t;
struct json_t *smig_inventory_to_jansson(const struct smig_inventory *inv);
/* The whole model as JSON text (jansson; stable key order). malloc'd. */
char *smig_inventory_to_json(const struct smig_inventory *inv, struct smig_err *e);

#endif
