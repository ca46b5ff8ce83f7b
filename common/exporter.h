/*
 * exporter.h - the export engine: plan, then write, one signed migration archive (docs/archive.md).
 *
 * Contract:
 * - smig_export_plan() decides everything before a byte is written: the features and VMs
 *   selected, every member's name, source and size (from stat), the .reg members (built in
 *   memory: they are small). A selected VM that cannot be exported completely (unreadable
 *   configuration, unresolvable VHD, broken chain) fails the plan, naming the VM: an archive
 *   never silently misses a VM. ISO, VFD and pass-through attachments, saved state left out
 *   and an Active Directory authorization store are recorded (descriptor, log), not copied.
 *   A VM the inventory marks must_shut_down (a running source read with a facts folder) fails
 *   the plan too, unless only configurations are exported (its disks are not read).
 * - smig_export_write() streams the plan into the archive: smig/descriptor.xml first, the
 *   payload in plan order, smig/SHA256 and smig/SHA256.sig last. Disk data is streamed by
 *   the archive writer, never held whole. Member metadata comes from the source files
 *   (mtimes), so two exports of one host differ only in the descriptor's archive id and
 *   creation time (and so in the checksum list and signature). On failure the writer is
 *   aborted: no file named like the archive, no temporary file, is left behind.
 * - Every item handled (copied, recorded or failed) is logged in the export object; the log
 *   is available after a failure too (smig_export_log_json()).
 * - The export borrows `fs`, `inv` and `ft`, which must outlive it. smig_export_free()
 *   releases everything the export owns. Nothing here prints.
 */
#ifndef SMIG_EXPORTER_H
#define SMIG_EXPORTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "archive.h"
#include "err.h"
#include "hostfs.h"
#include "inventory.h"
#include "manifest.h"
#include "sign.h"

/* The migration type (Msvm_VirtualSystemMigrationSettingData.MigrationType, docs/reference.md). */
enum smig_export_type {
	SMIG_EXPORT_ALL,     /* configuration and disks */
	SMIG_EXPORT_CONFIG,  /* everything but the VMs' disks */
	SMIG_EXPORT_STORAGE, /* the VMs' disks only */
};

/* "all", "config" or "storage"; -1 for anything else. */
int smig_export_type_parse(const char *s, enum smig_export_type *t);
const char *smig_export_type_name(enum smig_export_type t);

struct smig_export_opts {
	const char *const *features; /* feature ids; NULL/0 = every feature present */
	size_t nfeatures;
	/* VM names (case-insensitive) or GUIDs; NULL/0 = all. With no feature named, the
	 * archive is of these VMs only: scope "vms" in the descriptor, the feature holding the
	 * VMs its only feature, no host-wide component planned */
	const char *const *vms;
	size_t nvms;
	enum smig_export_type type;
	bool include_saved_state;
	bool include_media; /* ISO and VFD files attached to the VMs travel too (role "media") */
};

struct smig_export; /* opaque */

/* Called from the writer after each chunk: logical bytes written so far, the planned
 * total (bytes, sum of member sizes), the member being written. */
typedef void (*smig_export_progress_fn)(void *ctx, uint64_t done, uint64_t total,
                                        const char *member);

int smig_export_new(struct smig_export **out, struct smig_err *e);
void smig_export_free(struct smig_export *x);

/*
 * Plan the archive. An unknown feature or VM name, or --vm without a feature holding
 * virtual machines, is SMIG_ERR_USAGE; a selected VM that cannot be exported is
 * SMIG_ERR_FORMAT (or the I/O error behind it). Call once per export object.
 */
int smig_export_plan(struct smig_export *x, struct smig_hostfs *fs,
                     const struct smig_inventory *inv, const struct smig_features *ft,
                     const struct smig_export_opts *o, struct smig_err *e);

/* The planned payload (descriptor, checksum list and signature excluded): count, names in
 * archive order, and the total size in bytes including the descriptor. */
size_t smig_export_member_count(const struct smig_export *x);
const char *smig_export_member_name(const struct smig_export *x, size_t i);
uint64_t smig_export_total(const struct smig_export *x);

/*
 * Write the planned archive to `path` ("-" = standard output). An existing `path` is an
 * error (SMIG_ERR_IO, EEXIST) unless `force`. `keyname` goes into the signature's comment
 * ("verify with <keyname>.pub"). `threads`: zstd workers (0 = single-threaded).
 * *members (may be NULL) gets the number of members written, all included.
 */
int smig_export_write(struct smig_export *x, const char *path, enum smig_compress c, int threads,
                      bool force, const struct smig_seckey *sec, const char *keyname,
                      smig_export_progress_fn fn, void *ctx, size_t *members, struct smig_err *e);

/* Called as each item is logged (planned, recorded, copied or failed), in log order: the
 * fields of smig_export_log_json's lines. Set before smig_export_plan to see them all. */
typedef void (*smig_export_log_fn)(void *ctx, const char *what, const char *source,
                                   const char *member, bool success, const char *details);
void smig_export_set_log(struct smig_export *x, smig_export_log_fn fn, void *ctx);

/* Encrypt the archive smig_export_write() writes with age to `enc` (recipients or a
 * passphrase; docs/export.md §8); NULL (the default) writes it plain. `enc` is borrowed: it must
 * outlive the write. The signature stays inside the encryption. */
void smig_export_set_encryption(struct smig_export *x, const struct smig_age_keys *enc);

/* The per-item log, one JSON object per line (WSMT's MigrationResult: what, source, member,
 * success, details). malloc'd; NULL on ENOMEM. */
char *smig_export_log_json(const struct smig_export *x, size_t *len, struct smig_err *e);

/*
 * A Windows file name as an archive member component (docs/archive.md §2): every byte outside
 * [A-Za-z0-9._ {}+,-] (a UTF-8 sequence counts once) becomes '_'; '(' and ')' too, since
 * `signify -C` cannot parse them in a checksum line. malloc'd.
 */
char *smig_export_member_component(const char *winname, struct smig_err *e);

#endif
