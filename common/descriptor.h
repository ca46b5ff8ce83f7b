/*
 * descriptor.h - the migration descriptor, smig/descriptor.xml of a signed archive
 * (docs/archive.md §4): the export options, the source host's identity, the whole inventory model
 * and one record per payload member. It is the single source of truth for import.
 *
 * The text is UTF-8 XML in the namespace urn:smig:descriptor:1, written with libxml2's
 * xmlTextWriter and validated on read against manifests/schema/descriptor.xsd. Writing is
 * deterministic: the same descriptor gives the same bytes. Local paths of the model (`local`,
 * `config_local`, `state_files`, the host root) mean nothing on another machine: they are not
 * written, and are NULL in a descriptor that was read.
 *
 * A descriptor owns every string, vector and its inventory; smig_descriptor_free() releases
 * all of it. smig_descriptor_write() returns a malloc'd buffer the caller frees.
 */
#ifndef SMIG_DESCRIPTOR_H
#define SMIG_DESCRIPTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "inventory.h"

#define SMIG_DESCRIPTOR_FORMAT 1
/* The largest descriptor smig_descriptor_read() accepts, in bytes. */
#define SMIG_DESCRIPTOR_MAX (64u * 1024 * 1024)

/* One payload member of the archive. */
struct smig_desc_member {
	char *name;      /* path in the archive, "hyperv/vms/<GUID>/disks/web01.vhd" */
	char *winpath;   /* the Windows path it came from, or NULL */
	char *feature;   /* manifest feature id, "hyperv" */
	char *component; /* manifest component id */
	char *vm_id;     /* the VM it belongs to, or NULL */
	char *role;      /* config, snapshot-config, disk, saved-state, registry, file */
	uint64_t size;   /* bytes */
};

struct smig_descriptor {
	int format;                 /* SMIG_DESCRIPTOR_FORMAT */
	char *archive_id;           /* random UUID, lower case (smig_uuid4) */
	char *created;              /* UTC, ISO 8601: "2014-11-09T05:34:40Z" */
	char *smig_version;
	char **features, **vms;     /* export selection, NULL-terminated; NULL = all */
	char *type;                 /* "config" | "storage" | "all" */
	/* "host": the whole host (host-wide settings, every network, the VMs selected);
	 * "vms": only the VMs selected and the networks they use (export --vm without
	 * --feature). NULL, as in archives written before the scope was recorded, = "host". */
	char *scope;
	bool include_saved_state;
	struct smig_inventory *inv; /* owned; its os is the source host's identity */
	struct smig_desc_member *members;
	size_t nmembers;
};

/*
 * Serialise `d` as UTF-8, indented XML into a malloc'd *out of *len bytes (NUL-terminated, not
 * counted). Fails (SMIG_ERR_USAGE) on a value the schema would refuse that the caller chose
 * (a member without a name or with an unknown role, an unknown enumeration value), and
 * (SMIG_ERR_FORMAT) on a string XML 1.0 cannot carry (invalid UTF-8, control characters).
 */
int smig_descriptor_write(const struct smig_descriptor *d, char **out, size_t *len,
			  struct smig_err *e);
/*
 * Parse `buf` (untrusted: at most SMIG_DESCRIPTOR_MAX bytes, UTF-8, no DOCTYPE, no entities,
 * no network), validate it against the schema at `xsd` (NULL = $SMIG_SCHEMAS/descriptor.xsd,
 * else smig_manifest_dir()/schema/descriptor.xsd) and rebuild the model into a new *out.
 * Malformed or invalid -> SMIG_ERR_FORMAT naming the line and the reason; a format other than
 * 1 -> SMIG_ERR_UNSUPPORTED.
 */
int smig_descriptor_read(const void *buf, size_t len, const char *xsd,
			 struct smig_descriptor **out, struct smig_err *e);
/* Free `d`, its inventory and every string in it. NULL is allowed. */
void smig_descriptor_free(struct smig_descriptor *d);

/* A fresh random (version 4) UUID in lower case, from OpenSSL's RAND_bytes. */
int smig_uuid4(char out[37], struct smig_err *e);

#endif
