/*
 * sysinfo.h - the text of `systeminfo` (formats.md "Text files", A3), output of 2008 R2,
 * Windows 7 and the 2012 family in English or French (labels and columns in winlang.c).
 *
 * Values start at the language's value column (27 in English, 44 in French; labels may
 * contain colons); continuation items ("[01]: ...") at that column, NIC details six columns
 * further. Columns are characters, not bytes. The hotfix list may be truncated and is not
 * kept. NICs whose status is "Hardware not present" are ghosts and are dropped. The first
 * line's label says the language; a text whose first label is no language's "Host Name", or
 * without the "Host Name" and "OS Name" fields, is refused.
 *
 * Ownership: smig_sysinfo_free() frees the whole tree. Absent text fields are NULL.
 */
#ifndef SMIG_SYSINFO_H
#define SMIG_SYSINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "winlang.h"

struct smig_sysinfo_nic {
	char *description;     /* "Intel(R) 82579LM Gigabit Network Connection" */
	char *connection_name; /* "Local Area Connection" */
	char *status;          /* "Media disconnected", NULL when the NIC has IP settings */
	bool dhcp;
	char **ips; /* IPv4 and IPv6 as written */
	size_t nips;
};

struct smig_sysinfo {
	char *host_name, *os_name, *os_version, *os_configuration, *system_type;
	char *system_locale, *input_locale, *time_zone, *domain;
	char **processors; /* "Intel64 Family 6 Model 42 Stepping 7 GenuineIntel ~2501 Mhz" */
	size_t nprocessors;
	uint64_t total_memory_mb; /* "8,075 MB", "8 075 Mo" -> 8075 (MiB, formats.md §9.2) */
	bool has_memory;
	struct smig_sysinfo_nic *nics;
	size_t nnics;
	bool hyperv_requirements_present; /* 2012 family */
	char *hyperv_requirements;        /* its lines joined with "; " */
	const struct smig_lang *lang;     /* the language recognised */
	const char *encoding;             /* how the file was decoded; NULL from memory */
};

/* Parse UTF-8 text (LF or CRLF). */
int smig_sysinfo_parse(const char *text, size_t len, struct smig_sysinfo **out, struct smig_err *e);
/* Decode bytes as a file holds them (BOMs per §1.6, UTF-8, else the OEM code page of the
 * language the text is recognised in; 4 MiB cap), then parse; messages name `what`. */
int smig_sysinfo_parse_raw(const void *raw, size_t len, const char *what,
			 struct smig_sysinfo **out, struct smig_err *e);
/* Read and decode a file (BOMs per §1.6, UTF-8, else the OEM code page of the language its
 * first label is in; 4 MiB cap), then parse; messages name `path`. */
int smig_sysinfo_load(const char *path, struct smig_sysinfo **out, struct smig_err *e);
void smig_sysinfo_free(struct smig_sysinfo *s);

#endif
