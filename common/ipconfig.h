/*
 * ipconfig.h - the text of `ipconfig /all` (formats.md "Text files", A3), output of Vista,
 * 2008, Windows 7 and 2008 R2 in English or French (XP's labels are accepted where they differ
 * only in wording). The labels and value words of each language are in winlang.c.
 *
 * The file is the admin's IPSettings.txt: hostile text. Lines that are neither an adapter
 * header, a field, a continuation nor empty (console wrapping, other junk) are kept in
 * `unparsed` for the report and otherwise ignored. A text without a "Windows IP Configuration"
 * line or its translation is refused (not ipconfig output, or a language smig does not read),
 * naming the first line.
 *
 * Ownership: smig_ipconfig_free() frees the whole tree; smig_ipconfig_find() returns a pointer
 * into it.
 */
#ifndef SMIG_IPCONFIG_H
#define SMIG_IPCONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "winlang.h"
#include "winval.h"

struct smig_ipc_addr {
	char *addr; /* IPv4 dotted, status suffix "(Preferred)" stripped */
	char *mask; /* the Subnet Mask that follows it, NULL if none */
};

struct smig_ipc_adapter {
	char *kind;        /* "Ethernet", "Tunnel", "Wireless LAN", ... */
	char *name;        /* connection name: "Local Area Connection 2" */
	char *description; /* NULL if absent */
	struct smig_mac mac;
	bool has_mac; /* false when empty or not 6 bytes (tunnels show 8) */
	bool dhcp, has_dhcp;
	bool media_disconnected;
	struct smig_ipc_addr *ipv4;
	size_t nipv4;
	char **gateways; /* as written: IPv6 and IPv4 */
	size_t ngateways;
	char **dns;
	size_t ndns;
	char *dns_suffix; /* Connection-specific DNS Suffix, NULL when empty */
};

struct smig_ipconfig {
	char *host_name;          /* NULL if absent */
	char *primary_dns_suffix; /* NULL when empty */
	struct smig_ipc_adapter *adapters;
	size_t nadapters;
	char **unparsed; /* "line N: <text>" for each reported-and-ignored line */
	size_t nunparsed;
	const struct smig_lang *lang; /* the language recognised */
	const char *encoding;         /* how the file was decoded ("OEM code page 850"); NULL
				       * when parsed from memory */
};

/* Parse UTF-8 text (LF or CRLF). */
int smig_ipconfig_parse(const char *text, size_t len, struct smig_ipconfig **out,
                        struct smig_err *e);
/* Decode bytes as a file holds them (BOMs per §1.6, UTF-8, else the OEM code page of the
 * language the text is recognised in; 4 MiB cap), then parse; messages name `what`. */
int smig_ipconfig_parse_raw(const void *raw, size_t len, const char *what,
			 struct smig_ipconfig **out, struct smig_err *e);
/* Read and decode a file (BOMs per §1.6, UTF-8, else the OEM code page of the language its
 * marker line is in; 4 MiB cap), then parse; messages name `path`. */
int smig_ipconfig_load(const char *path, struct smig_ipconfig **out, struct smig_err *e);
void smig_ipconfig_free(struct smig_ipconfig *c);
/* The adapter whose connection name is `connection_name` (case-insensitive), or NULL. */
const struct smig_ipc_adapter *smig_ipconfig_find(const struct smig_ipconfig *c,
                                                  const char *connection_name);

#endif
