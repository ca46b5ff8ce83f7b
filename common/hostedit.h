/*
 * hostedit.h - writing the Hyper-V host state into a destination's registry hives, in the
 * layout the readers (hostinfo.c, through regmap.h) read back: virtual networks and their
 * ports, management-OS virtual adapters, adapter bindings, TCP/IP settings, VMQ, and the
 * Hyper-V host settings in SOFTWARE.
 *
 * Every function works on a hive opened for writing (smig_hive_open(..., write=true)); nothing
 * reaches the disk until the caller commits the hive (smig_hive_commit). Keys are created as
 * needed under the control set that Select\Current names. Each function is idempotent: writing
 * the same thing twice leaves the same values. Names come from regmap.h only.
 *
 * GUID arguments are accepted in any case, with or without braces, and written in the form
 * each key or value uses. Every function checks its arguments and the destination state it
 * depends on (the switch, port or adapter it names must exist) before its first write, so a
 * refused call leaves the hive as it was: SMIG_ERR_FORMAT for a malformed or conflicting
 * value (bad GUID or address, VLAN above 4094, missing adapter, connection name in use),
 * SMIG_ERR_USAGE for a missing argument. A hivex failure part-way is reported as such; do not
 * commit the hive then. Nothing here allocates anything the caller frees.
 */
#ifndef SMIG_HOSTEDIT_H
#define SMIG_HOSTEDIT_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "hive.h"
#include "winval.h"

/* TCP/IP settings of one adapter (Tcpip\Parameters\Interfaces\{GUID}). Vectors are
 * NULL-terminated and may be NULL (= empty). */
struct smig_tcpip {
	bool dhcp;
	char **ip, **mask, **gateway, **dns;
};

/* ---- SYSTEM ---- */

/* SwitchList\<GUID> (key: upper case, no braces) with FriendlyName = name (not empty). */
int smig_hostedit_switch(struct smig_hive *h, const char *guid, const char *name,
			 struct smig_err *e);
/* SwitchList\<switch>\<port> with FriendlyName = name (not empty), and AccessVLAN when
 * vlan != 0 (removed when 0; 4094 at most). The switch must exist. */
int smig_hostedit_port(struct smig_hive *h, const char *switch_guid, const char *port_guid,
		       const char *name, uint32_t vlan, struct smig_err *e);
/* NicList\/Device/{nic} with SwitchName = switch_guid and PortName = port_guid (NULL: none,
 * an existing PortName is removed): binds an adapter (physical for an external network, or a
 * host vNIC) to a switch. The adapter, the switch and the port must exist. An existing entry
 * of the adapter under another accepted name ("{GUID}", "GUID") is updated in place. */
int smig_hostedit_bind(struct smig_hive *h, const char *nic_guid, const char *switch_guid,
		       const char *port_guid, struct smig_err *e);

/* A management-OS virtual adapter ("Microsoft Virtual Network Switch Adapter"). */
struct smig_hostedit_vnic {
	const char *guid;        /* NetCfgInstanceId "{GUID}" */
	const char *switch_guid; /* must exist */
	const char *port_guid;   /* the adapter's port (created if missing), or NULL */
	const char *connection;  /* connection name ("vEthernet (Internal Lab)") */
	const char *friendly;    /* device friendly name (Enum FriendlyName), NULL: none */
	const struct smig_tcpip *tcpip; /* NULL: DHCP */
};
/*
 * Create the adapter: a Net Class entry (next free NNNN; DriverDesc, NetCfgInstanceId,
 * DeviceInstanceID ROOT\VMS_MP\NNNN, ComponentId vms_mp, Characteristics 1), its Enum key
 * ROOT\VMS_MP\NNNN (next free; DeviceDesc, FriendlyName, Driver), its
 * Network\...\Connection (Name, PnpInstanceID), the port when port_guid names one that does
 * not exist yet (FriendlyName "Host Vnic <switch GUID>", as Windows names it), the NicList
 * binding and its Tcpip interface. "Next free" is the lowest unused 4-digit number. If an
 * adapter with this NetCfgInstanceId exists, it is updated in place (same Class and Enum
 * numbers); if it is not a host vNIC (its DeviceInstanceID is not ROOT\VMS_MP\NNNN), or
 * another adapter's connection already has this name, the call is refused.
 */
int smig_hostedit_host_vnic(struct smig_hive *h, const struct smig_hostedit_vnic *v,
			    struct smig_err *e);
/* Write an adapter's Tcpip interface values (EnableDHCP, IPAddress, SubnetMask,
 * DefaultGateway, NameServer joined by ','). Addresses must be IPv4; static settings need
 * as many masks as addresses. DHCP removes the static lists. The adapter must exist. */
int smig_hostedit_tcpip(struct smig_hive *h, const char *nic_guid, const struct smig_tcpip *t,
			struct smig_err *e);
/* Global DNS suffix search list (Tcpip\Parameters SearchList, comma-joined; NULL or empty:
 * ""). A suffix may not be empty or hold a comma or blank. */
int smig_hostedit_searchlist(struct smig_hive *h, char *const *suffixes, struct smig_err *e);
/* VMSMP\Parameters TenGigVmqEnabled / BelowTenGigVmqEnabled (REG_DWORD 0 default,
 * 1 enabled, 2 disabled); -1 = leave. */
int smig_hostedit_vmq(struct smig_hive *h, int tengig, int below_tengig, struct smig_err *e);
/* "*VMQ" ("0"/"1") on the Net Class entry whose NetCfgInstanceId is nic_guid. The adapter
 * must exist (SMIG_ERR_FORMAT otherwise). */
int smig_hostedit_nic_vmq(struct smig_hive *h, const char *nic_guid, bool on, struct smig_err *e);

/* ---- SOFTWARE ---- */

/* Microsoft\Windows NT\CurrentVersion\Virtualization values. NULL / has_mac false = leave.
 * Strings may not be empty; store_location starts with msxml:// or msldap://; the MAC range
 * (REG_BINARY, 6 bytes each) may not be inverted. */
struct smig_hostedit_virt {
	const char *data_root, *vhd_path, *store_location;
	bool has_mac;
	struct smig_mac mac_min, mac_max;
};
int smig_hostedit_virtualization(struct smig_hive *h, const struct smig_hostedit_virt *v,
				 struct smig_err *e);

#endif
