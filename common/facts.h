/*
 * facts.h - the facts folder of a running source (docs/formats.md §12, user-guide.md): what
 * collect.cmd writes on a Windows Server 2008 R2 host that stays up, and what `--facts DIR`
 * reads. The folder replaces the files a running host keeps locked; everything else (VM
 * configurations, snapshots, disks) is still read from the host's volumes, mounted read-only
 * over SMB.
 *
 *   smig-facts.txt   "smig-facts 1" and `ver`: written last, so its presence means complete
 *   SYSTEM SOFTWARE  reg save HKLM\SYSTEM, HKLM\SOFTWARE   -> C:\Windows\System32\config\...
 *   IPSettings.txt   ipconfig /all                           -> C:\IPSettings.txt
 *   systeminfo.txt   systeminfo                              -> C:\systeminfo.txt
 *   AuthorizationStore.xml  a copy of the file StoreLocation names (absent: no file store)
 *   StoreLocation.txt  reg query ... /v StoreLocation (for people; smig reads the hive)
 *   firewall.txt     netsh advfirewall firewall show rule name=all verbose (for people; smig
 *                    reads the rules' registry copy in SYSTEM)
 *   volumes.csv      wmic logicaldisk ... /format:csv (for people)
 *   vms.csv          wmic /namespace:\\root\virtualization path Msvm_ComputerSystem get
 *                    ElementName,EnabledState,Name /format:csv: the VMs' states, which decide
 *                    which VMs may be read
 *   vmroots.csv      wmic ... path Msvm_VirtualSystemGlobalSettingData get
 *                    ExternalDataRoot,SystemName /format:csv: where each VM's files are, to
 *                    find configurations whose registration link the share does not show
 *
 * smig_facts_open() checks the folder and installs its files as host-file overrides
 * (hostfs.h): one place, after which every reader (inventory, export) finds them.
 */
#ifndef SMIG_FACTS_H
#define SMIG_FACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "hostfs.h"

#define SMIG_FACTS_MARKER "smig-facts.txt"
#define SMIG_FACTS_VMS "vms.csv"
#define SMIG_FACTS_ROOTS "vmroots.csv"
#define SMIG_FACTS_STORE "AuthorizationStore.xml"
#define SMIG_FACTS_MAX_VMS 4096
#define SMIG_FACTS_MAX_CSV (4u << 20)

/* Msvm_ComputerSystem.EnabledState (Hyper-V WMI v1, formats.md §12.3). */
#define SMIG_VMSTATE_RUNNING 2
#define SMIG_VMSTATE_OFF 3
#define SMIG_VMSTATE_PAUSED 32768
#define SMIG_VMSTATE_SAVED 32769

struct smig_facts_vm {
	char id[40];  /* upper case, no braces */
	char *name;   /* ElementName */
	uint32_t state;
	char *data_root; /* ExternalDataRoot (Windows path) from vmroots.csv, or NULL */
};

struct smig_facts {
	char *dir;
	struct smig_facts_vm *vms;
	size_t nvms;
};

/* collect.cmd: the batch file for the source (CRLF line ends). malloc'd, *len its size. */
char *smig_facts_script(size_t *len, struct smig_err *e);

enum smig_facts_table {
	SMIG_FACTS_TABLE_VMS,   /* vms.csv: Name, ElementName, EnabledState */
	SMIG_FACTS_TABLE_ROOTS, /* vmroots.csv: SystemName, ExternalDataRoot */
};

/*
 * Parse one wmic table as wmic writes it: UTF-16LE with a BOM or ANSI/UTF-8, blank lines,
 * a header naming the columns (Node first, then any order), CR CR LF or CR LF line ends.
 * Rows whose GUID column is not a GUID (the host's own entry) are skipped. The free-text
 * column (ElementName, ExternalDataRoot) may hold commas (wmic does not quote): the surplus
 * fields belong to it. `what` names the file in messages. *vms malloc'd (free with
 * smig_facts_vms_free); for ROOTS only id and data_root are set.
 */
int smig_facts_parse_csv(enum smig_facts_table t, const void *buf, size_t len, const char *what,
			 struct smig_facts_vm **vms, size_t *n, struct smig_err *e);
void smig_facts_vms_free(struct smig_facts_vm *vms, size_t n);

/* Open the facts folder `dir` for the host `fs`: check it, read vms.csv and install the
 * overrides. SMIG_ERR_FORMAT names the folder and what is missing. */
int smig_facts_open(const char *dir, struct smig_hostfs *fs, struct smig_facts **out,
		    struct smig_err *e);
void smig_facts_free(struct smig_facts *f);

/* The VM with this GUID (any case, braces or not), or NULL. */
const struct smig_facts_vm *smig_facts_find_vm(const struct smig_facts *f, const char *guid);
/* "running", "off", "paused", "saved", "starting", ... or "state N". Writes into buf. */
const char *smig_facts_state_name(uint32_t state, char *buf, size_t size);
/* Whether the VM's disks are at rest: off or saved. */
bool smig_facts_state_at_rest(uint32_t state);

#endif
