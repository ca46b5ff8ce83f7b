/*
 * planfix.h - a hand-built import plan over the example hosts (lab-2008r2 -> lab-2012), for the
 * unit tests of what is generated from a plan (migrate.ps1, the manual steps). importplan.c
 * computes the real plan; these tests want one whose every choice they know.
 *
 * The example hosts are built once per test group (tu_lab_group_setup) and read afresh for each
 * test (tu_lab_setup), so a test may change its models: a string it replaces with
 * tu_set_str() is malloc'd and freed with the inventory. A plan's own strings and arrays are
 * freed by tu_plan_free(); it points into the inventories and must be freed first.
 */
#ifndef SMIG_PLANFIX_H
#define SMIG_PLANFIX_H

#include <stddef.h>

#include "descriptor.h"
#include "importplan.h"
#include "inventory.h"

/* The example archive and the ids of the source's VMs (examples/lab-2008r2/host.json). */
#define LAB_ARCHIVE_ID "d804e301-f7a8-4206-b1ac-197a836253e3"
#define LAB_SQL01 "8A3C5E7F-0A1B-4C2D-8E3F-4A5B6C7D8E02"
#define LAB_WEB01 "6F0B2E9A-41C3-4B8E-9E5B-1D2C3A4B5C01"
#define LAB_DC01 "2C4D6E8F-1A2B-4C3D-9E4F-5A6B7C8D9E03"

/* The cmocka group state: the built hosts and, during a test, their models. */
struct tu_lab {
	char *dir, *srcdir, *dstdir;
	struct smig_inventory *src, *dst;
};

/* cmocka fixtures: build the hosts once per group; read their models once per test. */
int tu_lab_group_setup(void **state);
int tu_lab_group_teardown(void **state);
int tu_lab_setup(void **state);
int tu_lab_teardown(void **state);

struct tu_plan {
	struct smig_plan p;
	struct smig_descriptor desc;
	struct smig_import_opts opts;
};

/* Every VM of `src` selected and placed under D:\Hyper-V and D:\VHD; nothing emptied. */
void tu_plan_init(struct tu_plan *t, const struct tu_lab *f, const struct smig_inventory *src);
/* The lab plan: External LAN downgraded, sql01's pass-through disk, web01's ISO and dc01's
 * floppy emptied, sql01's saved state dropped. */
void tu_plan_lab(struct tu_plan *t, const struct tu_lab *f);
void tu_plan_free(struct tu_plan *t);

/* Replace a model string by a malloc'd copy of `s`. */
void tu_set_str(char **slot, const char *s);
/* The last component of a Windows path. */
const char *tu_winbase(const char *winpath);
/* The index of the VM with this name or id; fails the test when there is none. */
size_t tu_vm_index(const struct smig_inventory *inv, const char *name_or_id);
/* The first drive of `kind` with a path; fails the test when there is none. */
size_t tu_drive_index(const struct smig_inv_vm *v, enum smig_drive_kind_inv kind);

#endif
