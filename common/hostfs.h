/*
 * hostfs.h - the host root, the drive map and Windows paths (formats.md §1,
 * docs/reference.md "Host roots and host options").
 *
 * A host is a C: root (a directory holding Windows/ directly) or a host folder holding one
 * sub-folder per drive letter (C/, D/, ...). Each mapped drive is a local directory, kept as
 * its realpath(). Windows paths from host data are hostile: they are parsed (§1.2), walked
 * one component at a time with case-insensitive lookup (§1.3), and the result must stay inside
 * a mapped drive directory (a symbolic link inside the tree may not lead out). Registration
 * links are read with readlink() and never followed by the OS (§1.5).
 *
 * Ownership: smig_hostfs_free() frees the map; every `char *` returned (or stored through a
 * `char **`) is malloc'd and freed by the caller; smig_winpath_release() frees a parsed path.
 */
#ifndef SMIG_HOSTFS_H
#define SMIG_HOSTFS_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

struct smig_hostfs; /* opaque */

/*
 * `root` is either a C: root (has Windows/ directly, case-insensitively) or a host folder
 * holding one sub-folder per drive letter (C/, D/, ... case-insensitive; must contain C).
 */
int smig_hostfs_open(const char *root, struct smig_hostfs **out, struct smig_err *e);
/* --drive X=DIR (overrides a host folder's own). DIR must be a directory. */
int smig_hostfs_map_drive(struct smig_hostfs *fs, char letter, const char *dir, struct smig_err *e);
/* The text of one --drive option, "D=/path" (SMIG_ERR_USAGE when malformed). */
int smig_hostfs_map_drive_arg(struct smig_hostfs *fs, const char *arg, struct smig_err *e);
void smig_hostfs_free(struct smig_hostfs *fs);
/*
 * Read the file at Windows path `winpath` ("C:\Windows\System32\config\SYSTEM") from
 * `local` instead of the drive map; `local` NULL makes the file absent. smig_hostfs_lookup()
 * and smig_hostfs_resolve() (and so everything reading the host) honour it; the drive map is
 * still used for every other path. This is how a facts folder (facts.h) stands in for a
 * running host's locked hives. At most 64 overrides.
 */
int smig_hostfs_override(struct smig_hostfs *fs, const char *winpath, const char *local,
                         struct smig_err *e);
/* The local directory of drive `letter` (any case), NULL if unmapped. */
const char *smig_hostfs_drive_dir(const struct smig_hostfs *fs, char letter);
/* The C: directory. */
const char *smig_hostfs_root(const struct smig_hostfs *fs);

/*
 * Windows path parsing (§1.2): '/' and '\' both separate, repeated separators collapse, '.'
 * is dropped and '..' resolved. \\?\ and \??\ prefixes are stripped; \\?\UNC\ and \??\UNC\
 * are UNC. Parts by kind:
 *   DRIVE     drive letter + components below the root
 *   RELATIVE  components, possibly starting with ".." (resolved against a directory later)
 *   UNC       server, share, components
 *   VOLUME    "Volume{GUID}", components
 *   DEVICE    the device name ("PHYSICALDRIVE2")
 * Drive-relative ("C:x"), rooted without a drive ("\x"), a '..' climbing above the root,
 * characters Windows forbids in names, and empty paths are errors (kind INVALID).
 */
enum smig_winpath_kind {
	SMIG_WINPATH_DRIVE,
	SMIG_WINPATH_RELATIVE,
	SMIG_WINPATH_UNC,
	SMIG_WINPATH_VOLUME,
	SMIG_WINPATH_DEVICE,
	SMIG_WINPATH_INVALID,
};

struct smig_winpath {
	enum smig_winpath_kind kind;
	char drive;   /* upper case, DRIVE only */
	char **parts; /* components, '..' resolved */
	size_t nparts;
};

int smig_winpath_parse(const char *s, struct smig_winpath *wp, struct smig_err *e);
void smig_winpath_release(struct smig_winpath *wp);
/* Canonical text: "D:\VMs\web01.vhd", "\\srv\share\x", "\\?\Volume{...}\x", "\\.\PHYSICALDRIVE2",
 * "..\d\x.vhd". */
char *smig_winpath_format(const struct smig_winpath *wp, struct smig_err *e);

/*
 * Case-insensitive lookup of one name in `dir` (§1.3): the exact name first, then a scan
 * comparing ASCII case-insensitively; two or more case variants are an "ambiguous path" error.
 * Returns 0 when found (*out = dir/entry), 1 when absent, -1 on error.
 */
int smig_ci_lookup(const char *dir, const char *name, char **out, struct smig_err *e);

/*
 * Resolve a drive-absolute (or prefixed) Windows path to an existing local path. Unmapped
 * drives, UNC, volume and device paths are SMIG_ERR_FORMAT ("'<path>': drive D: is not mapped
 * (use --drive D=DIR)"); a missing component is SMIG_ERR_IO with ENOENT naming the Windows
 * path; a result outside every mapped drive (through a symbolic link) is SMIG_ERR_FORMAT.
 */
int smig_hostfs_resolve(const struct smig_hostfs *fs, const char *winpath, char **local,
                        struct smig_err *e);
/* The drive letter (upper case) of a drive-absolute Windows path whose drive is not mapped;
 * 0 for a mapped drive, any other kind of path, or text that is no Windows path. */
char smig_hostfs_unmapped_drive(const struct smig_hostfs *fs, const char *winpath);
/* Same, but the last component need not exist (its parent must): for files to be created.
 * An existing case variant of the last component is reused. */
int smig_hostfs_resolve_new(const struct smig_hostfs *fs, const char *winpath, char **local,
                            struct smig_err *e);
/*
 * A relative Windows path (".\x.vhd", "..\d\x.vhd") against `local_dir` (a directory inside a
 * mapped drive), case-insensitively, never climbing above that drive's root. A drive-absolute
 * `relwin` is resolved as smig_hostfs_resolve() does.
 */
int smig_hostfs_resolve_relative(const struct smig_hostfs *fs, const char *local_dir,
                                 const char *relwin, char **local, struct smig_err *e);
/* A '/'-separated path relative to the C: root ("Windows/System32/config/SYSTEM"),
 * case-insensitive. 0 found, 1 absent, -1 error, like smig_ci_lookup(). */
int smig_hostfs_lookup(const struct smig_hostfs *fs, const char *rel, char **local,
                       struct smig_err *e);
/*
 * Reverse: a local path under a mapped drive -> "D:\..." (malloc'd). NULL with `e` untouched
 * when the path is outside every drive; NULL with `e` set on error.
 */
char *smig_hostfs_to_winpath(const struct smig_hostfs *fs, const char *local, struct smig_err *e);

/*
 * The file a registration entry stands for (§1.5). `local` is an entry of ...\Virtual Machines
 * (or Snapshots):
 *   - a non-empty regular file is itself the target (*how = "file");
 *   - a symbolic link is read, never followed by the OS: Windows-path text goes through the
 *     drive map, POSIX text (relative to the link's directory) is accepted only when its
 *     realpath() lies inside a mapped drive (*how = "link"); a link leading outside is an error;
 *   - a 0-byte file, a missing entry (a share that hides reparse points), or a link whose
 *     target does not exist or is unmapped, makes a search of
 *     each `search_roots` directory for "Virtual Machines/<stem>.xml" (case-insensitive); a
 *     unique non-empty match is used (*how = "search"), none or several are errors.
 * Link loops are errors (ELOOP). *target is the local path of a regular file; *how is static.
 */
int smig_hostfs_registration_target(const struct smig_hostfs *fs, const char *local,
                                    const char *const *search_roots, size_t nroots, char **target,
                                    const char **how, struct smig_err *e);
/* A registration entry that is a link to a Windows path on an unmapped drive: that drive's letter
 * (upper case) and the link's text in *winpath (malloc'd); 0 (and NULL) for anything else. */
char smig_hostfs_registration_unmapped(const struct smig_hostfs *fs, const char *local,
                                       char **winpath, struct smig_err *e);

#endif
