/*
 * fwrule.h - Windows Firewall rule strings (formats.md §3.7, [MS-GPFAS] §2.2.2.19).
 *
 * A rule is the REG_SZ data of one value under FirewallPolicy\FirewallRules, e.g.
 * "v2.10|Action=Allow|Active=TRUE|Dir=In|Protocol=6|...|". smig_fwrule_parse() splits it into
 * its version and its fields, in order, repeats and unknown fields kept verbatim; smig never
 * writes rules. A parsed rule owns its strings: smig_fwrule_release() frees them. Strings
 * returned by smig_fwrule_describe() are malloc'd; the caller frees them.
 */
#ifndef SMIG_FWRULE_H
#define SMIG_FWRULE_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

struct smig_fwfield {
	char *key;   /* "Action", "Profile", ...: case-sensitive */
	char *value; /* verbatim, may be empty */
};

struct smig_fwrule {
	char *id;                    /* the registry value name: "WMI-RPCSS-In-TCP" or "{GUID}" */
	char *version;               /* "2.10" */
	struct smig_fwfield *fields; /* in order, repeats kept, unknown kept verbatim */
	size_t nfields;
};

/* Parse `text` (the rule string) of the rule named `id`. On failure *r is left empty. */
int smig_fwrule_parse(const char *id, const char *text, struct smig_fwrule *r, struct smig_err *e);
void smig_fwrule_release(struct smig_fwrule *r);
/* The first value of `key` (case-sensitive, as the grammar says), or NULL. */
const char *smig_fwrule_get(const struct smig_fwrule *r, const char *key);
/* App or Svc names vmms (vmms.exe), or Name/EmbedCtxt contains "Hyper-V" (any case). */
bool smig_fwrule_is_hyperv(const struct smig_fwrule *r);
/* The rule was made by a user or a policy: its id is a {GUID}. */
bool smig_fwrule_is_user_defined(const struct smig_fwrule *r);
/*
 * One line for reports, e.g.
 * "Allow In TCP 2179 vmms.exe 'Hyper-V (MIG-TCP-In)' active, profiles Domain,Private".
 * Missing parts are left out ("any" protocol, "all profiles"). malloc'd.
 */
char *smig_fwrule_describe(const struct smig_fwrule *r, struct smig_err *e);

#endif
