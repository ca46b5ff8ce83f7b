/*
 * azman.h - the Authorization Manager policy store Hyper-V keeps in InitialStore.xml
 * (formats.md §6, [MS-AZMP]). Read-only: smig copies the store verbatim and parses it
 * only for the report and the verification diff.
 *
 * Contract: smig_azman_parse()/_load() return a store the caller frees with
 * smig_azman_free(); every string and array in it belongs to the store. Attributes that
 * are absent read as "" (never NULL). Child elements may come in any order and repeat
 * ([MS-AZMP]'s own example interleaves them); unknown elements are ignored.
 * Input is hostile: the §5.1 reading rules apply (size cap, no DOCTYPE, no network).
 */
#ifndef SMIG_AZMAN_H
#define SMIG_AZMAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Largest store smig reads [ASSUMED]; a Hyper-V store is a few KB. */
#define SMIG_AZMAN_MAX_BYTES ((size_t)16 << 20)

struct smig_azman_op {
	char *guid, *name;
	int64_t id;             /* OperationID; -1 if absent */
};

struct smig_azman_task {
	char *guid, *name;
	bool role_definition;   /* RoleDefinition="True" (case-insensitive) */
	char **task_links, **op_links; /* GUID texts as written */
	size_t ntask_links, nop_links;
};

/* A role assignment. */
struct smig_azman_role {
	char *guid, *name;
	char **task_links;      /* role-definition GUIDs */
	char **members;         /* SID strings */
	char **app_member_links; /* application-group GUIDs */
	size_t ntask_links, nmembers, napp_member_links;
};

struct smig_azman_group {
	char *guid, *name, *type; /* type: GroupType ("Basic", "LdapQuery", "Bizrule") */
	char **members, **non_members; /* SID strings */
	size_t nmembers, nnon_members;
};

struct smig_azman_scope {
	char *guid, *name;
	struct smig_azman_role *roles;
	size_t nroles;
	struct smig_azman_task *tasks;
	size_t ntasks;
	struct smig_azman_group *groups;
	size_t ngroups;
};

struct smig_azman_app {
	char *guid, *name;
	struct smig_azman_op *ops;
	size_t nops;
	struct smig_azman_task *tasks;
	size_t ntasks;
	struct smig_azman_role *roles;
	size_t nroles;
	struct smig_azman_scope *scopes;
	size_t nscopes;
	struct smig_azman_group *groups;
	size_t ngroups;
};

struct smig_azman_store {
	int major, minor;       /* MajorVersion 1 or 2, MinorVersion 0 */
	struct smig_azman_app *apps;
	size_t napps;
	struct smig_azman_group *groups; /* global application groups */
	size_t ngroups;
};

/* Parse a store (any BOM, as §5.1). The root must be <AzAdminManager> with MajorVersion 1
 * or 2 and MinorVersion 0; a malformed OperationID is an error. `what` names the file. */
int smig_azman_parse(const void *buf, size_t len, const char *what,
		     struct smig_azman_store **out, struct smig_err *e);
/* Same, from a file; `what` NULL means `path`. */
int smig_azman_load(const char *path, const char *what, struct smig_azman_store **out,
		    struct smig_err *e);
void smig_azman_free(struct smig_azman_store *s);
/* At most this many differences are listed by smig_azman_diff(); the rest are counted. */
#define SMIG_AZMAN_DIFF_MAX 32
/*
 * How store `got` differs from store `want`, structurally: applications, scopes and role
 * assignments (by name, ASCII case-insensitive), and per role assignment its members (SIDs),
 * application-group members and role definitions (links compared by the name of the group or
 * task they point to, so two stores with other GUIDs for the same definitions agree). Each
 * difference is one sentence naming the role assignment (and scope) and what is "missing in"
 * or "only in" `got_label` ("the destination's store 'C:\...'"). *out gets the first
 * SMIG_AZMAN_DIFF_MAX sentences (NULL-terminated, NULL when the stores agree; free with
 * smig_strv_free()), *total how many there are. Operations, tasks and group definitions are
 * not compared: Hyper-V's own, the same in every store of a version. -1 only on ENOMEM.
 */
int smig_azman_diff(const struct smig_azman_store *want, const struct smig_azman_store *got,
		    const char *got_label, char ***out, size_t *total, struct smig_err *e);
/* The application named `name` (ASCII case-insensitive), or NULL. */
const struct smig_azman_app *smig_azman_find_app(const struct smig_azman_store *s,
						 const char *name);

#endif
