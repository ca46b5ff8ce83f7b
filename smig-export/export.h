/*
 * export.h - what the smig-export command files share: the command table entries and
 * the message helpers (only the programs print; common/ fills error objects).
 */
#ifndef SMIG_EXPORT_H
#define SMIG_EXPORT_H

#include "err.h"

#define PROG "smig-export"

/* Print "smig-export: <msg>" for an error and return its exit code (docs/reference.md). */
int fail(const struct smig_err *e);
/* Print a usage error for `cmd` and return 2. */
int usage_error(const char *cmd, const char *fmt, ...) SMIG_PRINTF(2, 3);

struct smig_age_keys;
/* Ask for the archive's passphrase twice on the terminal (no echo) and set it in `k`. */
int export_ask_passphrase(struct smig_age_keys *k, struct smig_err *e);

int cmd_features(int argc, char **argv);
int cmd_inventory(int argc, char **argv);
int cmd_keygen(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_collect(int argc, char **argv);

#endif
