/*
 * vhd.h - Virtual Hard Disk (VHD) files as Windows Server 2008 R2 Hyper-V writes them:
 * fixed, dynamic and differencing (.vhd/.avhd), formats.md §7.
 *
 * Contract:
 *  - smig_vhd_open() verifies a file strictly (both checksums, cookies, every BAT entry,
 *    every parent locator) and reads only the metadata: footer, dynamic header, BAT and the
 *    locator paths. Peer tools ignore checksums; smig does not.
 *  - smig_vhd_chain_open() follows a differencing disk to its base. The link is the unique
 *    id (child header parent id == parent footer id); paths are only hints for finding it.
 *  - The writer (smig_vhd_create/smig_vhd_write) builds fixture disks deterministically:
 *    every byte comes from the spec and the data written, never from the clock.
 *  - smig_vhd_reparent() rewrites a child's parent hints in place and never touches a parent.
 *
 * Ownership: smig_vhd_info and smig_vhd_chain own their strings and tables; free them with
 * smig_vhd_info_release() / smig_vhd_chain_release() (safe on a zeroed or released object).
 * Resolvers return malloc'd paths that the chain code frees.
 * Sizes and offsets are bytes unless a field says sectors (512 bytes).
 */
#ifndef SMIG_VHD_H
#define SMIG_VHD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "winval.h"

enum smig_vhd_type { SMIG_VHD_FIXED = 2, SMIG_VHD_DYNAMIC = 3, SMIG_VHD_DIFFERENCING = 4 };

/* Platform codes of parent locators (§7.4), as the big-endian u32 of the four letters. */
#define SMIG_VHD_LOC_W2KU 0x57326B75u /* absolute Windows path, UTF-16LE */
#define SMIG_VHD_LOC_W2RU 0x57327275u /* relative Windows path, UTF-16LE */
#define SMIG_VHD_LOC_WI2K 0x5769326Bu /* absolute path, ASCII (deprecated) */
#define SMIG_VHD_LOC_WI2R 0x57693272u /* relative path, ASCII (deprecated) */
#define SMIG_VHD_LOC_MAC 0x4D616320u  /* Mac OS alias blob */
#define SMIG_VHD_LOC_MACX 0x4D616358u /* file:// URL, UTF-8 */

/* Chains deeper than this are refused (Hyper-V snapshot trees are far shallower). */
#define SMIG_VHD_MAX_DEPTH 64

struct smig_vhd_locator {
	uint32_t code;   /* SMIG_VHD_LOC_* */
	uint32_t space;  /* bytes reserved, after the blktap sectors/bytes heuristic */
	uint32_t length; /* bytes of data used */
	uint64_t offset; /* absolute file offset of the data */
	char *path;      /* decoded UTF-8 for W2ku/W2ru/Wi2k/Wi2r; NULL for Mac/MacX */
};

struct smig_vhd_info {
	enum smig_vhd_type type;
	uint64_t current_size, original_size, file_size;
	struct smig_guid unique_id; /* canonical 16 bytes (VHD stores RFC 4122 order) */
	uint32_t timestamp;         /* VHD time */
	char creator_app[5];        /* NUL-terminated; a 0 byte shown as ' ', other
				     * non-printable bytes as '?' ("d2v\0" -> "d2v ") */
	uint32_t creator_version;
	uint8_t saved_state;
	uint16_t cylinders;
	uint8_t heads, sectors;
	uint64_t footer_offset; /* where the trailing footer starts: EOF-512, or EOF-511 (legacy) */
	/* dynamic/differencing only: */
	uint64_t header_offset; /* footer data offset: the dynamic header */
	uint64_t bat_offset;
	uint32_t max_table_entries, block_size;
	uint32_t bitmap_size;   /* bytes of sector bitmap before each block's data */
	uint32_t *bat;          /* max_table_entries entries in host order, sectors */
	uint64_t allocated_blocks;
	uint64_t data_bytes;    /* allocated_blocks * block_size */
	struct smig_guid parent_id;
	uint32_t parent_timestamp;
	char *parent_name;      /* header parent name, UTF-16BE decoded ("" when empty) */
	struct smig_vhd_locator locators[8];
	size_t nlocators;       /* used entries only, in header order */
	bool footer_copy_differs; /* warning: the copy at 0 != the trailing footer */
};

/*
 * Open and verify `path`. `what` names the file in messages (the Windows path or the file
 * name; NULL = path). Every failure is SMIG_ERR_FORMAT "'<what>': <cause>" (SMIG_ERR_IO for
 * the OS). Locators are validated and decoded for differencing disks only.
 */
int smig_vhd_open(const char *path, const char *what, struct smig_vhd_info *info,
		  struct smig_err *e);
void smig_vhd_info_release(struct smig_vhd_info *info);

/*
 * Chain resolution (§7.7). The resolver maps a parent reference to a local candidate path:
 * RELATIVE (W2ru/Wi2r text, relative to the child's directory), ABSOLUTE (W2ku/Wi2k, or a
 * header parent name that is a drive-absolute or UNC path) or NAME (the header parent name).
 * It returns 0 and a malloc'd path, 1 when it cannot map the reference, -1 on error.
 * A candidate is accepted only if its footer unique id equals the child's parent id.
 */
enum smig_vhd_ref { SMIG_VHD_REF_RELATIVE, SMIG_VHD_REF_ABSOLUTE, SMIG_VHD_REF_NAME };
typedef int (*smig_vhd_resolver)(void *ctx, const char *child_path, enum smig_vhd_ref kind,
				 const char *ref, char **local, struct smig_err *e);

/*
 * The default resolver: RELATIVE is walked component by component from the child's
 * directory, each name matched case-insensitively (§1.3, two names differing only in case
 * are an "ambiguous" error); NAME is its last component looked up in the child's directory.
 * ABSOLUTE returns 1 (callers map drives). Caller resolvers may delegate to it. `ctx` unused.
 */
int smig_vhd_resolve_default(void *ctx, const char *child_path, enum smig_vhd_ref kind,
			     const char *ref, char **local, struct smig_err *e);

struct smig_vhd_chain {
	size_t n;
	char **paths;               /* local paths */
	char **names;               /* what messages call them: `what` for [0], then each
				     * parent's reference (Windows path) made absolute against
				     * its child's name */
	struct smig_vhd_info *info; /* [0] = the file asked for, [n-1] = the base */
	bool parent_time_mismatch;  /* warning: a header parent timestamp != the parent's mtime */
};

/*
 * Open `path` and follow parents until a non-differencing disk. `resolve` NULL = the default
 * resolver. Candidates are tried in the order of §7.7: relative locators, absolute
 * locators, the header parent name. Errors: parent not found (the message lists what was
 * tried), unique-id mismatch, loops, depth > SMIG_VHD_MAX_DEPTH.
 */
int smig_vhd_chain_open(const char *path, const char *what, smig_vhd_resolver resolve, void *ctx,
			struct smig_vhd_chain *chain, struct smig_err *e);
void smig_vhd_chain_release(struct smig_vhd_chain *chain);
/*
 * Read virtual bytes through a chain (a differencing block's sector bitmap decides child vs
 * parent; an unallocated block reads the parent, or zeros at the base). Bytes past a
 * parent's size read as zeros. For tests and verification: it is not fast.
 */
int smig_vhd_chain_read(const struct smig_vhd_chain *chain, uint64_t offset, void *buf, size_t len,
			struct smig_err *e);

/*
 * The SHA-256 of the virtual content of a chain: the current_size bytes its first disk
 * presents, read through the chain as smig_vhd_chain_read() does (what qemu-img convert to raw
 * gives). Two chains with this digest present the same sectors to a VM, whatever their
 * headers and parent locators say: the verification of a re-parented disk compares it.
 */
int smig_vhd_chain_sha256(const struct smig_vhd_chain *chain, uint8_t out[32],
			  struct smig_err *e);

/* Writer (fixtures). Deterministic: everything comes from the spec, no clock, no randomness. */
struct smig_vhd_spec {
	enum smig_vhd_type type;
	uint64_t size;       /* virtual bytes, a multiple of 512; fixed/dynamic only */
	uint32_t block_size; /* 0 = 2 MiB */
	struct smig_guid unique_id;
	uint32_t timestamp;  /* VHD time */
	/* differencing: */
	const char *parent_path; /* local file, must exist: size and unique id taken from it */
	const char *parent_w2ku; /* absolute Windows path of the parent, NULL = no W2ku locator */
	const char *parent_w2ru; /* relative Windows path (".\\base.vhd"), NULL = none */
	uint32_t locator_space;  /* bytes reserved per locator, multiple of 512; 0 = 512 */
	const char *parent_name; /* header parent name; NULL = parent_w2ku, else parent_path's
				  * base name */
	uint32_t parent_timestamp; /* VHD time; 0 = the parent file's mtime (as blktap does) */
};

/*
 * Create `path` (replacing it). Footer: creator "win " 0x00060001 on "Wi2k", features 2;
 * dynamic header data offset all 0xFF, BAT at 1536 padded to 512, locator data (W2ku then
 * W2ru) after the BAT. A fixed disk's data region is a hole (ftruncate).
 */
int smig_vhd_create(const char *path, const struct smig_vhd_spec *spec, struct smig_err *e);
/*
 * Write `len` bytes of virtual data at `offset`. Fixed: in place. Dynamic: a new block gets a
 * full sector bitmap. Differencing: offset and len must be multiples of 512 and only the
 * sectors written get their bitmap bit, so the parent still shows through elsewhere.
 * Blocks are appended where the trailing footer was; the footer moves to the new end.
 */
int smig_vhd_write(const char *path, uint64_t offset, const void *buf, size_t len,
		   struct smig_err *e);
/*
 * Re-parent a differencing disk in place (§7.8). new_parent_local: the parent's local file,
 * whose footer unique id must equal the child's parent id. w2ku/w2ru replace the data of the
 * absolute (W2ku, Wi2k) and relative (W2ru, Wi2r) locators; parent_name the header name
 * (at most 256 UTF-16 code units). Any argument may be NULL = keep. Fails without touching
 * the file if a new value does not fit its locator's space, the disk has no such locator,
 * or the ids mismatch. Locator data is written first, the header last in one pwrite, then
 * fsync. The parent timestamp is kept.
 */
int smig_vhd_reparent(const char *path, const char *new_parent_local, const char *w2ku,
		      const char *w2ru, const char *parent_name, struct smig_err *e);

/* CHS geometry per §7.6 (VHD specification appendix). */
void smig_vhd_geometry(uint64_t size, uint16_t *cyl, uint8_t *heads, uint8_t *spt);

#endif
