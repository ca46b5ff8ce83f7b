/*
 * fuzz_journal.c - the apply journal loader (journal.h): the input is the operation list and
 * the state file split at FZ_SPLIT, laid out as <root>/smig-journal/<id>/{ops,state} in the
 * scratch directory. Only loaded: a rollback would act on the paths the journal names.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "fuzzutil.h"
#include "journal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define JDIR "root/smig-journal/0c9d2f4e-5b6a-4c1d-8e7f-a0b1c2d3e4f5"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_journal j;
	const uint8_t *ops, *state;
	size_t olen, slen;
	char *root = fz_path("root"), *top = fz_path("root/smig-journal");
	char *dir = fz_path(JDIR), *opath = fz_path(JDIR "/ops"), *spath = fz_path(JDIR "/state");

	fz_split(data, size, &ops, &olen, &state, &slen);
	if (mkdir(root, 0700) == 0 && mkdir(top, 0700) == 0 && mkdir(dir, 0700) == 0 &&
	    fz_write(opath, ops, olen) == 0 && fz_write(spath, state, slen) == 0) {
		smig_journal_load(dir, &j, &e);
		smig_journal_release(&j);
	}
	free(root);
	free(top);
	free(dir);
	free(opath);
	free(spath);
	fz_reset();
	return 0;
}
