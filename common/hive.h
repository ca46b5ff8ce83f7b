/*
 * hive.h - registry hives through hivex (formats.md §2.1, §2.8, §3.1): opening with safe
 * flags, typed value decoding and encoding, ControlSet resolution, and writing.
 *
 * Contract:
 * - A hive is opened read-only (never HIVEX_OPEN_UNSAFE, whatever the input) or for
 *   writing; every hivex failure becomes one sentence naming the hive by `what`.
 * - Names and paths are matched case-insensitively (hivex does it; §2.7).
 * - Getters return 0 found, 1 absent, -1 error (wrong type or malformed data; the message
 *   names the key path and the value).
 * - Strings, arrays and buffers returned through `out`/`kids`/`vals`/`data` are malloc'd:
 *   free() them, smig_strv_free() for string arrays, smig_regvals_free() for values.
 *   smig_hive_control_set()'s string is owned by the hive.
 */
#ifndef SMIG_HIVE_H
#define SMIG_HIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Registry value types (§2.8); the numbers are Windows' and hivex's hive_type. */
enum {
	SMIG_REG_NONE = 0,
	SMIG_REG_SZ = 1,
	SMIG_REG_EXPAND_SZ = 2,
	SMIG_REG_BINARY = 3,
	SMIG_REG_DWORD = 4,
	SMIG_REG_DWORD_BIG_ENDIAN = 5,
	SMIG_REG_LINK = 6,
	SMIG_REG_MULTI_SZ = 7,
	SMIG_REG_RESOURCE_LIST = 8,
	SMIG_REG_FULL_RESOURCE_DESCRIPTOR = 9,
	SMIG_REG_RESOURCE_REQUIREMENTS_LIST = 10,
	SMIG_REG_QWORD = 11,
};

/* The largest value smig writes: hivex writes one cell, Windows wants `db` above (§2.1). */
#define SMIG_HIVE_MAX_VALUE 16344

struct smig_hive;              /* opaque */
typedef size_t smig_hive_node; /* a hivex node handle; 0 = none */

/*
 * Open `path`. `what` names the hive in messages (e.g. "C:\\Windows\\System32\\config\\
 * SYSTEM"; NULL = path). Runs smig_regf_read_info() first: *dirty (may be NULL) is set
 * when the sequence numbers differ; the caller warns (§1.7).
 */
int smig_hive_open(const char *path, const char *what, bool write, bool *dirty,
                   struct smig_hive **out, struct smig_err *e);
void smig_hive_close(struct smig_hive *h);
/* Create `path` as smig's empty base hive (§2.5); refuses to overwrite an existing file. */
int smig_hive_create(const char *path, const char *name, uint64_t filetime, struct smig_err *e);

smig_hive_node smig_hive_root(struct smig_hive *h);
/* "ControlSet001" from Select\Current (§3.1); no fallback. Cached; owned by h. */
int smig_hive_control_set(struct smig_hive *h, const char **name, struct smig_err *e);
/*
 * Find a key by a backslash-separated path relative to `from` (0 = the root). When `from`
 * is the root, a first component "CurrentControlSet" means the resolved control set.
 * Returns 0 found, 1 absent, -1 error.
 */
int smig_hive_find(struct smig_hive *h, smig_hive_node from, const char *path, smig_hive_node *out,
                   struct smig_err *e);

/* REG_SZ, REG_EXPAND_SZ or REG_LINK to UTF-8; a missing or repeated terminator is fine. */
int smig_hive_get_sz(struct smig_hive *h, smig_hive_node n, const char *name, char **out,
                     struct smig_err *e);
/* REG_DWORD, REG_DWORD_BIG_ENDIAN, or a REG_SZ holding a decimal number (§2.8). */
int smig_hive_get_dword(struct smig_hive *h, smig_hive_node n, const char *name, uint32_t *out,
                        struct smig_err *e);
/* REG_QWORD, or anything smig_hive_get_dword() accepts. */
int smig_hive_get_qword(struct smig_hive *h, smig_hive_node n, const char *name, uint64_t *out,
                        struct smig_err *e);
/* REG_MULTI_SZ as a NULL-terminated array (an empty string ends the list); a REG_SZ gives
 * a one-element list. */
int smig_hive_get_multi_sz(struct smig_hive *h, smig_hive_node n, const char *name, char ***out,
                           size_t *count, struct smig_err *e);
/* Any type, the bytes as stored (big data joined). */
int smig_hive_get_raw(struct smig_hive *h, smig_hive_node n, const char *name, uint32_t *type,
                      unsigned char **data, size_t *len, struct smig_err *e);
void smig_strv_free(char **v);
/* "REG_SZ", ... or "REG_(unknown)" for codes without a name. */
const char *smig_hive_type_name(uint32_t type);

/* Subkeys of n (*kids malloc'd, *count entries). */
int smig_hive_children(struct smig_hive *h, smig_hive_node n, smig_hive_node **kids, size_t *count,
                       struct smig_err *e);
/* The key's name in UTF-8, malloc'd; NULL on error. */
char *smig_hive_node_name(struct smig_hive *h, smig_hive_node n, struct smig_err *e);

struct smig_regval {
	char *name; /* "" = the default value */
	uint32_t type;
	unsigned char *data;
	size_t len;
};
int smig_hive_values(struct smig_hive *h, smig_hive_node n, struct smig_regval **vals,
                     size_t *count, struct smig_err *e);
void smig_regvals_free(struct smig_regval *v, size_t count);

/* ---- writing (h opened with write=true) ---- */

/* Find or create every key of `path` from the root ("CurrentControlSet" as in find). */
int smig_hive_mkpath(struct smig_hive *h, const char *path, smig_hive_node *out,
                     struct smig_err *e);
/* Add or replace a value (a same-named value in any case is replaced and the new spelling
 * kept); data larger than SMIG_HIVE_MAX_VALUE is refused. */
int smig_hive_set_raw(struct smig_hive *h, smig_hive_node n, const char *name, uint32_t type,
                      const void *data, size_t len, struct smig_err *e);
/* UTF-16LE with its terminator. */
int smig_hive_set_sz(struct smig_hive *h, smig_hive_node n, const char *name, const char *utf8,
                     struct smig_err *e);
int smig_hive_set_expand_sz(struct smig_hive *h, smig_hive_node n, const char *name,
                            const char *utf8, struct smig_err *e);
int smig_hive_set_dword(struct smig_hive *h, smig_hive_node n, const char *name, uint32_t v,
                        struct smig_err *e);
int smig_hive_set_qword(struct smig_hive *h, smig_hive_node n, const char *name, uint64_t v,
                        struct smig_err *e);
/* Each string NUL-terminated, then a final NUL; empty strings cannot be stored and are
 * refused. */
int smig_hive_set_multi_sz(struct smig_hive *h, smig_hive_node n, const char *name,
                           const char *const *strs, size_t count, struct smig_err *e);
/* Remove one value. Returns 0 removed, 1 absent, -1 error. */
int smig_hive_delete_value(struct smig_hive *h, smig_hive_node n, const char *name,
                           struct smig_err *e);
/* Remove a key and everything below it (not the root). */
int smig_hive_delete_key(struct smig_hive *h, smig_hive_node n, struct smig_err *e);
/* Write the hive to `path` (NULL = the opened file) through a temporary file and a rename. */
int smig_hive_commit(struct smig_hive *h, const char *path, struct smig_err *e);

#endif
