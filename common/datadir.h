/*
 * datadir.h - where smig's data files are: the feature manifests (manifests/<id>.xml) and
 * the XML schemas (manifests/schema/<name>.xsd).
 *
 * An installed smig finds them relative to its own program file, so an installation can be
 * moved as a whole: PREFIX/bin/smig-export reads PREFIX/share/smig/manifests (the relative
 * path from the binary directory to the data directory comes from GNUInstallDirs at
 * configure time: SMIG_BIN_TO_DATA). A program run from the build tree (SMIG_BUILD_TREE),
 * where no such directory exists, reads the source tree's manifests/ (SMIG_SOURCE_DIR).
 * $SMIG_MANIFESTS overrides both. The message catalogues are found the same way.
 */
#ifndef SMIG_DATADIR_H
#define SMIG_DATADIR_H

#include <stddef.h>

/* The manifest directory: $SMIG_MANIFESTS when set and not empty, else
 * smig_datadir_for(the running program). Never NULL; the directory may not exist (the
 * caller's open names it). */
const char *smig_datadir_manifests(void);

/* The manifest directory of the program file `exe` (an absolute path):
 * dirname(exe)/SMIG_BIN_TO_DATA/manifests when that is a directory; else, for a program
 * inside the build tree, SMIG_SOURCE_DIR/manifests; else that installed path all the same
 * (so that the error names where the data should be). The path is written to buf, or is a
 * constant; NULL only when it does not fit in `size`. */
const char *smig_datadir_for(const char *exe, char *buf, size_t size);

/*
 * The message catalogues' directory (LOCALEDIR/<lang>/LC_MESSAGES/smig.mo): $SMIG_LOCALEDIR
 * when set and not empty; else dirname(program)/SMIG_BIN_TO_LOCALE when that is a directory;
 * else, for a program inside the build tree, SMIG_BUILD_TREE/locale (where the build puts
 * the compiled po/ files); else that installed path. Never NULL.
 */
const char *smig_datadir_locale(void);

#endif
