/*
 * destfacts.h - dest-facts.json, the facts of a running destination (docs/dest-facts.md).
 *
 * A running Windows Server 2012 host has its hives locked: its volumes are reached through
 * the admin shares (C$, D$ mounted with cifs) and what only the registry or Hyper-V knows
 * comes from dest-facts.json, which probe.ps1 writes on the destination. This module owns
 * that format: the reader that builds the destination's inventory model from it (the same
 * model the hive reader builds, so preflight and the plan do not know the difference), the
 * writer of the same document from a model (the test fixtures), and probe.ps1 itself.
 *
 * The file is hostile input: at most SMIG_DESTFACTS_MAX bytes, UTF-8 (BOM optional), nesting
 * and list lengths bounded; anything else is one SMIG_ERR_FORMAT sentence naming the file
 * and the first member that is wrong. PowerShell 3.0's habits are accepted (a single element
 * where a list is expected, null for an empty list).
 *
 * Ownership: the inventory is freed with smig_inventory_free(), the volume array and every
 * returned string with free().
 */
#ifndef SMIG_DESTFACTS_H
#define SMIG_DESTFACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "inventory.h"

#define SMIG_DESTFACTS_FORMAT "smig-dest-facts"
#define SMIG_DESTFACTS_VERSION 1
#define SMIG_DESTFACTS_FILE "dest-facts.json"
#define SMIG_DESTFACTS_MAX (64u << 20) /* bytes */

/* One volume of the destination as the facts describe it (Win32_Volume). */
struct smig_destfacts_volume {
	char letter;          /* 'C' */
	bool has_size;        /* free_bytes and size_bytes are known */
	uint64_t free_bytes, size_bytes;
};

/*
 * Parse `len` bytes of dest-facts text. `label` names the file in messages; `root` becomes
 * the model's root (the host folder the user gave). On success *out is the destination's
 * model and, when `vols` is not NULL, *vols / *nvols its volumes (malloc'd, may be NULL).
 */
int smig_destfacts_parse(const char *text, size_t len, const char *label, const char *root,
			 struct smig_inventory **out, struct smig_destfacts_volume **vols,
			 size_t *nvols, struct smig_err *e);
/* The same from the file `path`. */
int smig_destfacts_read(const char *path, const char *root, struct smig_inventory **out,
			struct smig_destfacts_volume **vols, size_t *nvols, struct smig_err *e);

/*
 * The dest-facts document describing `inv` (JSON text, malloc'd, ends with a newline).
 * `vols` lists the volumes with their free space; NULL takes the model's drive letters with
 * unknown sizes. What the model cannot say is written as null.
 */
char *smig_destfacts_from_inventory(const struct smig_inventory *inv,
				    const struct smig_destfacts_volume *vols, size_t nvols,
				    struct smig_err *e);

/* probe.ps1 as it is written to disk: UTF-8 with BOM, CRLF line ends. *len its length;
 * malloc'd. */
char *smig_destfacts_probe_script(size_t *len, struct smig_err *e);

#endif
