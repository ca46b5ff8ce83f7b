/*
 * livecheck.h - the post-migration verification from the live host (SMIG4001-4011): the
 * state a running Windows Server 2012 host reports about itself, written by migrate.ps1 as
 * smig-state.json (docs/live-state.md), compared with the source model carried in the archive
 * and the plan recorded at apply time (docs/verify-live.md says what each check compares).
 *
 * Loading: the file is hostile input. At most SMIG_LIVE_MAX_BYTES, UTF-8 with or without a
 * BOM, one JSON object with "format": "smig-state" and "version": 1; nesting, element counts
 * and string sizes are bounded before anything is built. Anything that is not what
 * live-state.md describes fails with SMIG_ERR_FORMAT and one sentence naming the file and the
 * first member that is wrong ("vms[2].memory_startup_bytes"). Members the page does not list
 * are ignored; a value the host does not have may be null or absent. A list may also come as
 * PowerShell 3.0's {"value": [...], "Count": n}. A VM id listed twice, or two switches of one
 * name and type, are refused (a host cannot have them).
 *
 * Checking: the item contract is postcheck.h's (subjects "vm:NAME", "switch:NAME", "host",
 * "azman", "nic:NAME"; PASS or FAIL (a state of another archive is one FAIL on "host" and
 * nothing else is compared), WARNING for an external network the plan recreated as
 * internal, INFO for what the plan did not ask for, ERROR for a part of the state that cannot
 * be read, such as an authorization store that does not parse). smig_postcheck_failures()
 * counts the failures. Only allocation failure makes smig_livecheck() fail.
 *
 * The model is public and read-only for callers; smig_live_free() releases all of it.
 */
#ifndef SMIG_LIVECHECK_H
#define SMIG_LIVECHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "importplan.h"
#include "inventory.h"
#include "problem.h"
#include "winval.h"

#define SMIG_LIVE_FORMAT "smig-state"
#define SMIG_LIVE_VERSION 1
/* Largest state file read (docs/live-state.md). */
#define SMIG_LIVE_MAX_BYTES ((size_t)64 << 20)

/* Tri-state values: -1 = null or absent, else 0/1. Integers: -1 = null or absent. */

struct smig_live_host {
	char *computer_name, *os_version;
	char *virtual_machine_path, *virtual_hard_disk_path;
	struct smig_mac mac_min, mac_max;
	bool has_mac_min, has_mac_max;
	int64_t logical_processors, memory_bytes;
	char *store_location;
};

struct smig_live_switch {
	char *id, *name;          /* id: upper case, no braces, or NULL */
	int type;                 /* enum smig_switch_type, -1 = null or absent */
	int allow_management_os;
	char *adapter_description;
	struct smig_mac adapter_mac;
	bool has_adapter_mac;
};

struct smig_live_adapter {
	char *name, *description, *status, *link_speed;
	struct smig_mac mac;
	bool has_mac;
	int is_virtual, vmq_enabled;
};

struct smig_live_ip {
	char *interface;
	struct smig_mac mac;
	bool has_mac;
	int dhcp;
	char **addresses, **gateways, **dns; /* NULL-terminated, NULL when empty */
};

struct smig_live_drive {
	char *controller_type;    /* "IDE", "SCSI" (hard drives), or NULL */
	int64_t controller_number, controller_location, disk_number;
	char *path;
};

struct smig_live_snapshot {
	char *id, *name, *parent_id; /* ids upper case, no braces; parent NULL for a root */
};

struct smig_live_vmnic {
	char *name, *switch_name, *vlan_mode;
	struct smig_mac mac;
	bool has_mac;
	int mac_static, legacy;
	int64_t vlan_id;
};

struct smig_live_vm {
	char *id, *name, *state, *path, *version; /* id: upper case, no braces (required) */
	int64_t memory_startup, memory_minimum, memory_maximum; /* bytes */
	int dynamic_memory, processor_compatibility;
	int64_t processor_count;
	struct smig_live_drive *hard_drives, *dvd_drives, *floppy_drives;
	size_t nhard_drives, ndvd_drives, nfloppy_drives;
	struct smig_live_snapshot *snapshots;
	size_t nsnapshots;
	struct smig_live_vmnic *nics;
	size_t nnics;
};

struct smig_live_fwrule {
	char *name, *display_name, *group;
	int enabled;
};

struct smig_live {
	char *file;               /* the file as named by the caller, for messages */
	char *archive_id, *written_utc;
	struct smig_live_host host;
	int64_t vmq_tengig, vmq_below_tengig;
	struct smig_live_switch *switches;
	size_t nswitches;
	struct smig_live_adapter *adapters;
	size_t nadapters;
	struct smig_live_ip *ip;
	size_t nip;
	struct smig_live_vm *vms;
	size_t nvms;
	bool has_authorization;   /* an "authorization" object was given */
	char *authorization_path;
	unsigned char *authorization_xml; /* decoded store bytes (<= SMIG_AZMAN_MAX_BYTES) */
	size_t authorization_len;
	struct smig_live_fwrule *firewall;
	size_t nfirewall;
};

/* Read and check smig-state.json. *out is freed with smig_live_free(). */
int smig_livecheck_load(const char *path, struct smig_live **out, struct smig_err *e);
/* The same from bytes already in memory; `what` names them in messages. */
int smig_livecheck_parse(const void *buf, size_t len, const char *what, struct smig_live **out,
			 struct smig_err *e);
void smig_live_free(struct smig_live *l);

/*
 * Compare the live state with p->src following `p`; items are appended to `out` (the caller
 * owns and releases it). Returns 0, or -1 with `e` set (out of memory); items added before a
 * failure stay.
 */
int smig_livecheck(const struct smig_plan *p, const struct smig_live *l,
		   struct smig_problems *out, struct smig_err *e);

#endif
