/*
 * manifest.h - migratable features, declared in manifests/ (one XML file per feature) and interpreted by one
 * handler table keyed by the manifest's `kind` (an unknown kind is a load error, never
 * skipped). Adding a feature is a manifest plus a handler (HACKING.md).
 *
 * smig_manifest_load() validates every manifest against manifests/schema/manifest.xsd.
 * The returned set owns all its strings; smig_manifest_free() releases it.
 */
#ifndef SMIG_MANIFEST_H
#define SMIG_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "inventory.h"

struct smig_regcap {
	char *hive;     /* "SYSTEM" | "SOFTWARE" */
	char *key;      /* relative to the hive root; may start with CurrentControlSet */
	char *value;    /* NULL = every value */
	bool recursive; /* with subkeys */
};

struct smig_filecap {
	char *path;      /* a Windows path, or NULL */
	char *path_from; /* a registry value naming the file, or NULL */
	char *dflt;      /* the path when that value is absent */
};

struct smig_handler;

struct smig_component {
	char *id, *name, *kind, *description;
	bool report_only;
	struct smig_regcap *regs;
	size_t nregs;
	struct smig_filecap *files;
	size_t nfiles;
	const struct smig_handler *handler;
};

struct smig_feature {
	char *id, *name, *description;
	int version;
	struct smig_component *comps;
	size_t ncomps;
};

struct smig_features {
	struct smig_feature *items;
	size_t count;
};

/* The manifest directory: $SMIG_MANIFESTS, else the installed one, else the source tree's
 * (smig_datadir_manifests(), datadir.h). */
const char *smig_manifest_dir(void);
/* Load every *.xml of `dir` (NULL = smig_manifest_dir()), in name order. */
int smig_manifest_load(const char *dir, struct smig_features **out, struct smig_err *e);
/* Load one manifest file (for tests and tools). */
int smig_manifest_load_file(const char *path, struct smig_feature *out, struct smig_err *e);
void smig_manifest_feature_release(struct smig_feature *f);
void smig_manifest_free(struct smig_features *f);
const struct smig_feature *smig_manifest_find(const struct smig_features *f, const char *id);

/* Whether a component is present on the host described by `inv`, with a one-line detail
 * (what was found, or why it is absent). *detail is malloc'd. */
int smig_manifest_detect(const struct smig_component *c, const struct smig_inventory *inv,
			  bool *present, char **detail, struct smig_err *e);
/* A feature is present when any of its non-report-only components is. */
bool smig_manifest_feature_present(const struct smig_feature *f, const struct smig_inventory *inv);

/* The `features --format json` outputs' schema versions (schemas/smig-features.schema.json
 * for smig-export's, smig-archive-features.schema.json for smig-import's): a change of their
 * keys is a new version there and here. */
#define SMIG_FEATURES_SCHEMA "smig-features/1"
#define SMIG_ARCHIVE_FEATURES_SCHEMA "smig-archive-features/1"

/* The `features` listing. malloc'd text. */
char *smig_manifest_text(const struct smig_features *f, const struct smig_inventory *inv,
			 struct smig_err *e);
char *smig_manifest_json(const struct smig_features *f, const struct smig_inventory *inv,
			 struct smig_err *e);

/* The handler kinds smig knows (NULL-terminated), for docs and tests. */
extern const char *const smig_handler_kinds[];

#endif
