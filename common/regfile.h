/*
 * regfile.h - Windows .reg files ("Windows Registry Editor Version 5.00", what `reg export`
 * writes; docs/archive.md §3, formats.md §2.8): a writer fed from hive keys and a strict parser.
 *
 * Contract:
 * - The writer produces reg.exe's layout: UTF-16LE with BOM FF FE, CRLF, the header line
 *   and a blank line, then per key "[path]", its values in hive order and a blank line;
 *   subkeys follow their parent, sorted case-insensitively. REG_SZ is written as "text"
 *   and REG_DWORD as dword:xxxxxxxx only when that is lossless; everything else is
 *   hex:/hex(N): of the raw bytes, wrapped like reg.exe (lines of at most 80 columns).
 *   parse(write(x)) gives back every value's type and bytes exactly.
 * - The parser accepts only that grammar (plus comments, deletions, UTF-8 input and LF
 *   line ends); anything else is an SMIG_ERR_FORMAT error naming the line. Input is
 *   bounded: SMIG_REGFILE_MAX_FILE bytes per file, SMIG_REGFILE_MAX_VALUE per value.
 * - Ownership: smig_regfile_free() frees a builder; smig_regfile_finish()'s *out is
 *   malloc'd for the caller; parsed keys are freed with smig_regfile_keys_free().
 */
#ifndef SMIG_REGFILE_H
#define SMIG_REGFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "hive.h"

/* Bounds on what the parser reads and the writer produces (bytes). */
#define SMIG_REGFILE_MAX_FILE (64u << 20)
#define SMIG_REGFILE_MAX_VALUE (1u << 20)
/* Deepest key nesting the writer follows below the key it was asked for (Windows' limit). */
#define SMIG_REGFILE_MAX_DEPTH 512

struct smig_regfile; /* builder, opaque */

int smig_regfile_new(struct smig_regfile **out, struct smig_err *e);
/*
 * Append key `path` of `h` (relative to the hive root; a first component
 * "CurrentControlSet" is resolved by smig_hive_find()), shown as `display_root` + "\" +
 * path, e.g. display_root "HKEY_LOCAL_MACHINE\SYSTEM" gives
 * [HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\VMSMP\Parameters\SwitchList].
 * An empty path is the hive's root key. recursive: with all subkeys. value != NULL: only
 * the key header and that one value ("" = the default value; `recursive` is then ignored).
 * Returns 0, 1 when the key (or the value) does not exist (nothing appended), -1 on error
 * (nothing appended either).
 */
int smig_regfile_add(struct smig_regfile *rf, struct smig_hive *h, const char *display_root,
                     const char *path, const char *value, bool recursive, struct smig_err *e);
/* Number of keys and values appended so far. */
size_t smig_regfile_count(const struct smig_regfile *rf);
/* The file: UTF-16LE, BOM, CRLF. *out malloc'd; the builder stays usable. */
int smig_regfile_finish(struct smig_regfile *rf, unsigned char **out, size_t *len,
                        struct smig_err *e);
void smig_regfile_free(struct smig_regfile *rf);

/* The type given to a `"name"=-` line (delete that value). */
#define SMIG_REGFILE_DELETE 0xFFFFFFFFu

struct smig_regfile_value {
	char *name; /* "" = the default value (@) */
	uint32_t type;
	unsigned char *data; /* raw bytes as stored in the hive: REG_SZ as UTF-16LE with its
	                        terminator; NULL when len is 0 */
	size_t len;
};

struct smig_regfile_key {
	char *path;   /* as written in the brackets, without the '-' of a deletion */
	bool deleted; /* [-path]: delete the key and its subtree; it has no values */
	struct smig_regfile_value *values;
	size_t nvalues;
};

/*
 * Parse a .reg file: UTF-16LE with BOM (or UTF-8 with or without BOM), CRLF or LF,
 * `,\` continuations, ';' comment lines, [-KEY] and "name"=- deletions. `what` names the
 * file in messages. *keys is malloc'd (NULL when *nkeys is 0).
 */
int smig_regfile_parse(const void *buf, size_t len, const char *what,
                       struct smig_regfile_key **keys, size_t *nkeys, struct smig_err *e);
void smig_regfile_keys_free(struct smig_regfile_key *keys, size_t nkeys);

/*
 * Apply parsed keys to a hive opened for writing: `display_root` (matched
 * case-insensitively) is stripped from each key path, keys are created with
 * smig_hive_mkpath(), values set raw, deletions applied (an absent key or value is not an
 * error). Every path is checked to lie under `display_root` before anything is changed.
 */
int smig_regfile_apply(const struct smig_regfile_key *keys, size_t nkeys, const char *display_root,
                       struct smig_hive *h, struct smig_err *e);

#endif
