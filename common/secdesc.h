/*
 * secdesc.h - self-relative security descriptors and binary SIDs (formats.md §2.6): the root
 * `sk` of a generated hive (§2.5) and the DCOM MachineLaunchRestriction value (§4.3).
 *
 * Contract: smig_secdesc_parse() reads hostile bytes with every offset, size and count
 * bounded; it keeps the control word, owner, group and DACL (ACCESS_ALLOWED, ACCESS_DENIED
 * and SYSTEM_AUDIT ACEs; any other ACE type in the DACL is SMIG_ERR_UNSUPPORTED). A SACL is
 * bounds-checked but not kept. The parsed struct owns `dacl`: free it with
 * smig_secdesc_release(). Strings and byte buffers returned through `out` are malloc'd and
 * the caller frees them.
 */
#ifndef SMIG_SECDESC_H
#define SMIG_SECDESC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* SECURITY_DESCRIPTOR control bits (§2.6). */
#define SMIG_SD_DACL_PRESENT 0x0004u
#define SMIG_SD_SACL_PRESENT 0x0010u
#define SMIG_SD_DACL_AUTO_INHERIT_REQ 0x0100u
#define SMIG_SD_DACL_AUTO_INHERITED 0x0400u
#define SMIG_SD_DACL_PROTECTED 0x1000u
#define SMIG_SD_SELF_RELATIVE 0x8000u

/* ACE types and flags (§2.6). */
#define SMIG_ACE_ALLOWED 0
#define SMIG_ACE_DENIED 1
#define SMIG_ACE_AUDIT 2
#define SMIG_ACE_OBJECT_INHERIT 0x01u
#define SMIG_ACE_CONTAINER_INHERIT 0x02u
#define SMIG_ACE_NO_PROPAGATE 0x04u
#define SMIG_ACE_INHERIT_ONLY 0x08u
#define SMIG_ACE_INHERITED 0x10u

/* COM launch and activation rights (§2.6) in MachineLaunchRestriction ACE masks. */
#define SMIG_COM_RIGHTS_EXECUTE 0x01u
#define SMIG_COM_RIGHTS_EXECUTE_LOCAL 0x02u
#define SMIG_COM_RIGHTS_EXECUTE_REMOTE 0x04u
#define SMIG_COM_RIGHTS_ACTIVATE_LOCAL 0x08u
#define SMIG_COM_RIGHTS_ACTIVATE_REMOTE 0x10u

#define SMIG_SID_MAX_SUB 15
/* Enough for "S-1-" + a 48-bit authority + 15 sub-authorities of 10 digits. */
#define SMIG_SID_BUFSZ 192

struct smig_sid {
	uint8_t revision, count; /* count <= SMIG_SID_MAX_SUB */
	uint64_t authority;      /* 48 bits, big-endian on disk */
	uint32_t sub[SMIG_SID_MAX_SUB];
};

struct smig_ace {
	uint8_t type, flags;
	uint32_t mask;
	struct smig_sid sid;
};

struct smig_secdesc {
	uint16_t control;
	/* has_dacl is false for "no DACL" and for a NULL DACL (DACL_PRESENT, offset 0). */
	bool has_owner, has_group, has_dacl;
	struct smig_sid owner, group;
	struct smig_ace *dacl; /* dacl_count entries, owned */
	size_t dacl_count;
};

/* Parse `len` bytes of a self-relative SD. On failure *sd is left empty (release is safe). */
int smig_secdesc_parse(const void *data, size_t len, struct smig_secdesc *sd, struct smig_err *e);
void smig_secdesc_release(struct smig_secdesc *sd);

/*
 * SDDL text, e.g. "O:BAG:SYD:PAI(A;CI;KR;;;BU)". Well-known SIDs use their SDDL alias;
 * rights are KA/KR/KW when the mask is exactly one of them, else the bit aliases (GA GR GW
 * GX, CC DC LC SW RP WP DT LO CR, SD RC WD WO) when they cover every bit, else "0x..." hex.
 * The output is deterministic. A NULL DACL prints as "D:NO_ACCESS_CONTROL".
 */
int smig_secdesc_to_sddl(const struct smig_secdesc *sd, char **out, struct smig_err *e);
/*
 * Build a self-relative SD (header, DACL, owner, group - the order Windows uses) from an SDDL
 * subset: O:, G:, D: with flags P AI AR and A/D ACEs; ACE flags CI OI NP IO ID; rights as
 * 0x hex or the aliases above; SIDs as aliases or "S-1-...". No SACL, no object ACEs.
 */
int smig_secdesc_from_sddl(const char *sddl, unsigned char **out, size_t *len, struct smig_err *e);
bool smig_secdesc_equal(const struct smig_secdesc *a, const struct smig_secdesc *b);

/* "S-1-5-32-544"; an authority >= 2^32 prints as hex like Windows. Truncates to `len`. */
void smig_sid_format(const struct smig_sid *sid, char *buf, size_t len);
/* Parse "S-1-<authority>-<sub>..." (at most 15 sub-authorities); false when malformed. */
bool smig_sid_parse(const char *s, struct smig_sid *sid);
bool smig_sid_equal(const struct smig_sid *a, const struct smig_sid *b);
/* "BUILTIN\\Administrators", "NT AUTHORITY\\SYSTEM", "Everyone", ... or NULL. */
const char *smig_sid_wellknown_name(const struct smig_sid *sid);
/* SDDL alias ("BA", "SY", "WD", ...) or NULL. */
const char *smig_sid_alias(const struct smig_sid *sid);

/*
 * COM rights bits as words, e.g. "local launch, remote launch, local activation"; other
 * bits are appended as "other 0x...". 0 when it fit in `len`, -1 when truncated.
 */
int smig_com_rights_describe(uint32_t mask, char *buf, size_t len);

#endif
