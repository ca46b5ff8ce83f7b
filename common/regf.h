/*
 * regf.h - the regf binary layout (formats.md §2.2-§2.5): smig's empty base hive, the
 * base-block checksum and the clean/dirty check of a hive copy (§1.7). This is the only
 * module that knows byte offsets inside a hive file; everything else goes through hivex
 * (common/hive.h).
 *
 * Buffers returned through `out` are malloc'd; the caller frees them.
 */
#ifndef SMIG_REGF_H
#define SMIG_REGF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define SMIG_REGF_BASE_BLOCK 4096
/* hivex refuses anything smaller: a base block plus one 4 KiB hbin (§2.1). */
#define SMIG_REGF_MIN_SIZE 8192
/* The root SD smig writes (§2.5). 0x9404 includes DACL_AUTO_INHERITED, hence "PAI". */
#define SMIG_REGF_ROOT_SDDL "O:BAG:SYD:PAI(A;CI;KR;;;BU)(A;CI;KA;;;BA)(A;CI;KA;;;SY)(A;CI;KA;;;CO)"

/*
 * Build smig's empty base hive (§2.5) in memory: root nk "ROOT", the root SD above as the
 * only sk at hive offset 0x78, one free cell. `name` is the base block's file-name field
 * (e.g. "SYSTEM", at most 31 UTF-16 units); `filetime` the last-written time, nudged by one
 * tick when the plain XOR checksum would be 0 or 0xFFFFFFFF (§2.3). *out is 8192 bytes.
 */
int smig_regf_empty(const char *name, uint64_t filetime, unsigned char **out, size_t *len,
                    struct smig_err *e);

struct smig_regf_info {
	uint32_t seq_primary, seq_secondary;
	uint64_t last_written; /* FILETIME */
	uint32_t major, minor;
	uint32_t checksum_stored, checksum_computed; /* plain XOR, as hivex checks it */
	bool dirty;                                  /* the sequence numbers differ (§1.7) */
};

/*
 * Read and check the base block of `path` (`what` names it in messages; NULL = path).
 * A file shorter than SMIG_REGF_MIN_SIZE, a signature other than "regf", a major version
 * other than 1 or a checksum mismatch is an error (hivex would refuse the file). A dirty
 * hive is not an error: info->dirty tells the caller to warn.
 */
int smig_regf_read_info(const char *path, const char *what, struct smig_regf_info *info,
                        struct smig_err *e);

/* Plain XOR of the 127 little-endian dwords at 0x000-0x1FB (§2.3). */
uint32_t smig_regf_checksum(const unsigned char base_block[512]);

#endif
