/*
 * vmconfig.h - Hyper-V VM configuration XML (formats.md §5): read a configuration into a
 * model, rewrite the few values a 2012 destination needs, and write it back in Hyper-V's
 * on-disk form. All knowledge of this XML lives here.
 *
 * Contract:
 * - smig_vmconfig_parse()/_load() return a model the caller frees with smig_vmconfig_free().
 *   Every char * in it is malloc'd UTF-8 owned by the model; strings documented as such are
 *   "" (never NULL) when the element is absent.
 * - The parsed document is kept inside the model (`doc`, private) with every element,
 *   known or not, so that serialising after the setters changes only what they set.
 * - Setters change the document and the matching model fields together.
 * - smig_vmconfig_serialize() and smig_vmconfig_build() return a malloc'd buffer the caller
 *   frees.
 * - Input is hostile: size capped, no network, no DTD, no entity expansion (§5.1).
 */
#ifndef SMIG_VMCONFIG_H
#define SMIG_VMCONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libxml/tree.h>

#include "err.h"

/* Largest configuration file smig reads (§5.1, [ASSUMED]); real files are 20-40 KB. */
#define SMIG_VMCONFIG_MAX_BYTES ((size_t)16 << 20)

enum smig_drive_kind {
	SMIG_DRIVE_EMPTY,       /* type NONE */
	SMIG_DRIVE_VHD,         /* VHD (or AVHD/VHDX) file */
	SMIG_DRIVE_ISO,         /* DVD drive; pathname "" when empty */
	SMIG_DRIVE_VFD,         /* floppy drive; pathname "" when empty */
	SMIG_DRIVE_PASSTHROUGH, /* physical disk (§5.8 convention) */
};

enum smig_ctrl_kind { SMIG_CTRL_IDE, SMIG_CTRL_SCSI, SMIG_CTRL_FLOPPY };
/* "IDE", "SCSI", "Floppy": the controller part of a drive slot's name ("IDE 1:0"), as reports,
 * subjects and messages write it; "?" for a value outside the enum. */
const char *smig_vmconfig_ctrl_name(enum smig_ctrl_kind k);

struct smig_vm_drive {
	enum smig_ctrl_kind ctrl_kind;
	/* IDE: controllerN inside the IDE node. SCSI: the ordinal of the SCSI controller node
	 * among the SCSI nodes in file order (each synthetic SCSI controller is its own node).
	 * Floppy: controllerN inside the floppy node. */
	int controller;
	int slot;               /* driveN */
	enum smig_drive_kind kind;
	char *type;             /* raw <type>, "" if absent */
	char *pathname;         /* raw <pathname>, "" if absent or empty */
	char *node;             /* device node GUID, lower case, no braces */
};

struct smig_vm_nic {
	bool legacy;            /* emulated adapter (§5.7 convention) */
	char *friendly_name;    /* "" if absent */
	char *mac;              /* "00-15-5D-01-07-DC", or the raw text when unparsable */
	bool mac_valid, mac_static, connected;
	char *switch_id;        /* raw SwitchName ("" = not connected) */
	char *switch_alt_name;  /* Connection/AltSwitchName: the switch's friendly name as the
				 * configuration recorded it (2012+), "" if absent */
	char *port_id;          /* raw PortName, may be "" */
	char *node;             /* device node GUID, lower case, no braces */
};

struct smig_vmconfig {
	char *global_id;        /* properties/global_id: upper case, no braces (required) */
	char *name;             /* "" if absent */
	char *notes;            /* "" if absent */
	char *type_id;          /* "" if absent */
	int64_t version;        /* properties/version, 0 if absent */
	int64_t creation_time;  /* unix seconds, 0 if absent */
	bool highly_available;
	/* settings/memory/bank, MB (buffer in %, priority 0-10000); 0 if absent */
	int64_t memory_mb, memory_min_mb, memory_max_mb, memory_buffer, memory_priority;
	bool dynamic_memory, has_dynamic_memory; /* has_: the element is present (2008 R2 SP1+) */
	/* settings/processors; limit/reservation in 1/1000 %; 0 if absent */
	int64_t cpu_count, cpu_limit, cpu_reservation, cpu_weight;
	bool cpu_compat;        /* processors/features/limit */
	bool limit_cpuid;       /* processors/limit_cpuid */
	/* global_settings/power/host_startup/action, power/host_shutdown/action,
	 * unexpected_termination/action (WMI v1 numbering, §5.6); -1 if absent */
	int64_t auto_start_action, auto_stop_action, recovery_action;
	/* global_settings/data_root and global_settings/snapshots/data_root, NULL if absent */
	char *data_root, *snapshot_data_root;
	struct smig_vm_drive *drives;
	size_t ndrives;
	struct smig_vm_nic *nics;
	size_t nnics;
	char **snapshot_ids;    /* global_settings/snapshots/list: upper case, no braces */
	size_t nsnapshots;
	char **warnings;        /* tolerated oddities, one sentence each */
	size_t nwarnings;
	/* private: the parsed document and the nodes the setters need */
	void *doc;
};

/*
 * Parse a configuration (§5.1-§5.12). Accepts UTF-16LE with or without BOM, UTF-8 with BOM,
 * ASCII/UTF-8 declaring UTF-16, LF or CRLF. Refuses files above SMIG_VMCONFIG_MAX_BYTES, a
 * DOCTYPE, a root other than <configuration>, a typed leaf whose text does not match its
 * type (the message names the element path), a missing or malformed properties/global_id,
 * and versions above 1280. `what` names the file in messages.
 */
int smig_vmconfig_parse(const void *buf, size_t len, const char *what,
			struct smig_vmconfig **out, struct smig_err *e);
/* Same, from a file; `what` NULL means `path`. */
int smig_vmconfig_load(const char *path, const char *what, struct smig_vmconfig **out,
		       struct smig_err *e);
void smig_vmconfig_free(struct smig_vmconfig *cfg);

/*
 * Serialise in Hyper-V's on-disk form (§5.13 rule 1): FF FE, UTF-16LE, CRLF, the exact
 * declaration, 2-space indent, children sorted by byte value of the name, empty values as
 * <x type="string"></x>, bytes values followed by a line end before the close tag.
 * *out is malloc'd; the caller frees it.
 */
int smig_vmconfig_serialize(const struct smig_vmconfig *cfg, unsigned char **out, size_t *len,
			    struct smig_err *e);

/* ---- rewriting for the 2012 destination (§5.13 rule 4) ---- */

/* Set drive `drive_index`'s pathname (the kind is re-derived from type and path). */
int smig_vmconfig_set_drive_path(struct smig_vmconfig *cfg, size_t drive_index,
				 const char *pathname, struct smig_err *e);
/* ISO/VFD: pathname ""; pass-through: type NONE and pathname "". A VHD is refused
 * (SMIG_ERR_USAGE); an empty slot is left as it is. */
int smig_vmconfig_empty_drive(struct smig_vmconfig *cfg, size_t drive_index,
			      struct smig_err *e);
/* SwitchName/PortName; switch_id NULL or "" disconnects (both written ""). */
int smig_vmconfig_set_nic_switch(struct smig_vmconfig *cfg, size_t nic_index,
				 const char *switch_id, const char *port_id, struct smig_err *e);
int smig_vmconfig_set_version(struct smig_vmconfig *cfg, int64_t version, struct smig_err *e);
/* New VM ID in any GUID form: properties/global_id and settings/global/logical_id. */
int smig_vmconfig_set_id(struct smig_vmconfig *cfg, const char *guid, struct smig_err *e);
int smig_vmconfig_set_cpu_compat(struct smig_vmconfig *cfg, bool on, struct smig_err *e);

/* ---- the §5.1 reading convention, shared with other XML formats (AzMan, §6) ---- */

/*
 * Decode `buf` per §5.1 (size cap `max`, BOM or UTF-16LE sniffing, UTF-8 validity), refuse a
 * DOCTYPE and parse with XML_PARSE_IGNORE_ENC | XML_PARSE_NONET and no entity substitution
 * or DTD loading. Returns a document the caller frees with xmlFreeDoc(), or NULL.
 */
xmlDocPtr smig_vmconfig_xml_read(const void *buf, size_t len, size_t max, const char *what,
				 struct smig_err *e);

/* ---- fixture generator (§5.14) ---- */

struct smig_vmspec_drive {
	enum smig_ctrl_kind ctrl_kind;
	int controller, slot;   /* IDE 0-1/0-1; SCSI 0/0-63; floppy 0/0 */
	const char *type;       /* "VHD", "ISO", "VFD", "NONE", or "PHYSICAL" for pass-through */
	const char *pathname;   /* NULL = "" */
};

struct smig_vmspec_nic {
	bool legacy;
	const char *friendly_name, *mac; /* mac in any accepted form; written as given */
	bool mac_static;
	const char *switch_id, *port_id; /* NULL = "" */
	const char *instance_id;         /* device node GUID */
};

struct smig_vmspec {
	const char *global_id, *name, *notes; /* notes NULL = "" */
	int64_t version;                      /* 768 for 2008 R2 */
	uint64_t creation_filetime;
	int64_t memory_mb, memory_min_mb, memory_max_mb;
	bool dynamic_memory;
	bool sp1_memory_fields; /* false = 2008 R2 RTM: no dynamic memory elements */
	int64_t cpu_count;
	bool cpu_compat;
	const char *scsi_instance_id; /* NULL = no SCSI controller */
	const struct smig_vmspec_drive *drives;
	size_t ndrives;
	const struct smig_vmspec_nic *nics;
	size_t nnics;
	const char *const *snapshot_ids;
	size_t nsnapshots;
	const char *bios_guid;     /* NULL = a fixed synthetic GUID */
	const char *generation_id; /* NULL = element omitted */
};

/*
 * Build a synthetic "2008 R2" configuration (§5.14): the 2012 R2 sample's device set minus
 * the 2012/2012 R2-only elements, a first comment saying it is synthetic, in on-disk form.
 * IDE slots and the floppy drive the spec does not name are written empty.
 */
int smig_vmconfig_build(const struct smig_vmspec *spec, unsigned char **out, size_t *len,
			struct smig_err *e);

#endif
