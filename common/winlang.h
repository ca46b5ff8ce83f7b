/*
 * winlang.h - the display languages of the Windows text tools smig reads (`ipconfig /all`,
 * `systeminfo`; formats.md "Text files" and A3): every label, fixed value word and layout
 * number that differs between languages, in one table per language (winlang.c). A third
 * language is a new table there, not code in the parsers.
 *
 * Only ipconfig.c, sysinfo.c and the fixture writer (tools/mkhost) look inside these tables.
 */
#ifndef SMIG_WINLANG_H
#define SMIG_WINLANG_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

/* The fields of `ipconfig /all`. Each has its own id, the ones smig does not keep too, so
 * that a text can be translated label by label (the fixture writer does). */
enum smig_ipc_field {
	IPC_NONE = 0,
	IPC_HOST_NAME,
	IPC_PRIMARY_DNS_SUFFIX,
	IPC_NODE_TYPE,
	IPC_IP_ROUTING,
	IPC_WINS_PROXY,
	IPC_DNS_SEARCH_LIST,
	IPC_MEDIA_STATE,
	IPC_DNS_SUFFIX,
	IPC_DESCRIPTION,
	IPC_PHYSICAL_ADDRESS,
	IPC_DHCP_ENABLED,
	IPC_AUTOCONF_ENABLED,
	IPC_IPV6_ADDRESS,
	IPC_TEMP_IPV6_ADDRESS,
	IPC_LINK_LOCAL_IPV6,
	IPC_IPV4_ADDRESS,
	IPC_AUTOCONF_IPV4,
	IPC_SUBNET_MASK,
	IPC_LEASE_OBTAINED,
	IPC_LEASE_EXPIRES,
	IPC_DEFAULT_GATEWAY,
	IPC_DHCP_SERVER,
	IPC_DHCPV6_IAID,
	IPC_DHCPV6_DUID,
	IPC_DNS_SERVERS,
	IPC_NETBIOS,
};

/* The fields of `systeminfo`, then the details of one network card. */
enum smig_si_field {
	SI_NONE = 0,
	SI_HOST_NAME,
	SI_OS_NAME,
	SI_OS_VERSION,
	SI_OS_MANUFACTURER,
	SI_OS_CONFIGURATION,
	SI_OS_BUILD_TYPE,
	SI_REGISTERED_OWNER,
	SI_REGISTERED_ORGANIZATION,
	SI_PRODUCT_ID,
	SI_INSTALL_DATE,
	SI_BOOT_TIME,
	SI_SYSTEM_MANUFACTURER,
	SI_SYSTEM_MODEL,
	SI_SYSTEM_TYPE,
	SI_PROCESSORS,
	SI_BIOS_VERSION,
	SI_WINDOWS_DIRECTORY,
	SI_SYSTEM_DIRECTORY,
	SI_BOOT_DEVICE,
	SI_SYSTEM_LOCALE,
	SI_INPUT_LOCALE,
	SI_TIME_ZONE,
	SI_TOTAL_MEMORY,
	SI_AVAILABLE_MEMORY,
	SI_VIRTUAL_MAX,
	SI_VIRTUAL_AVAILABLE,
	SI_VIRTUAL_IN_USE,
	SI_PAGE_FILES,
	SI_DOMAIN,
	SI_LOGON_SERVER,
	SI_HOTFIXES,
	SI_NICS,
	SI_HYPERV_REQUIREMENTS,
	/* a network card's detail lines */
	SI_NIC_CONNECTION_NAME,
	SI_NIC_DHCP_ENABLED,
	SI_NIC_DHCP_SERVER,
	SI_NIC_IP_ADDRESSES,
	SI_NIC_STATUS,
};

/* Value words a tool writes in the display language. */
enum smig_lang_word {
	W_YES,
	W_NO,
	W_PREFERRED,          /* ipconfig's "(Preferred)" address state, without parentheses */
	W_MEDIA_DISCONNECTED, /* ipconfig's Media State */
	W_NIC_DISCONNECTED,   /* systeminfo's NIC Status */
	W_HARDWARE_NOT_PRESENT,
	W_ENABLED,  /* NetBIOS over Tcpip */
	W_DISABLED, /* idem */
	W_HYBRID,   /* Node Type */
	W_MB,       /* the unit after systeminfo's memory sizes */
	W_PROCESSORS_INSTALLED, /* "%d Processor(s) Installed." */
	W_HOTFIXES_INSTALLED,
	W_NICS_INSTALLED,
	W_IP_ADDRESSES_HEADER, /* the NIC detail line before its address items */
	W_COUNT
};

struct smig_lang_label {
	int field;         /* enum smig_ipc_field or enum smig_si_field */
	const char *label; /* as the tool prints it, without leader dots and colon */
};

/* An adapter kind in an ipconfig section header and smig's (English) name for it. */
struct smig_lang_kind {
	const char *local;
	const char *name;
};

struct smig_lang {
	const char *code;  /* "en", "fr" */
	const char *name;  /* "English", "French" (N_(): shown as _(name)) */
	unsigned oem_cp;   /* the console's OEM code page on such a host: 437, 850 */
	/* ipconfig /all */
	const char *ipc_marker; /* the line that opens the output */
	/* a section header is ipc_header_prefix KIND ipc_header_infix NAME [" "]":" */
	const char *ipc_header_prefix, *ipc_header_infix;
	const char *ipc_header_colon; /* ":" or " :" (French typography), for the writer */
	const struct smig_lang_kind *ipc_kinds; /* NULL-terminated; the first words after the
						 * prefix when the infix is empty */
	size_t ipc_cont_slack;   /* a continuation may start this many columns before the value */
	size_t ipc_global_colon, ipc_adapter_colon; /* the writer's colon columns */
	const struct smig_lang_label *ipc; /* {0, NULL}-terminated */
	/* systeminfo */
	size_t si_value_col, si_nic_col, si_detail_width;
	const char *si_detail_colon; /* ":" or " :" after a NIC detail label (writer) */
	const struct smig_lang_label *si;
	const char *words[W_COUNT];
};

/* The languages smig reads, English first; NULL-terminated. */
extern const struct smig_lang *const smig_langs[];
/* "English, French" */
const char *smig_lang_names(void);
const struct smig_lang *smig_lang_find(const char *code);

/* The field whose label is `label` (`len` bytes, UTF-8) in `tab`, or 0. ASCII case is
 * ignored, and U+2019 counts as an apostrophe (Windows 10 prints it; an OEM code page
 * cannot). */
int smig_lang_field(const struct smig_lang_label *tab, const char *label, size_t len);
/* The first label of `field` in `tab`, or NULL. */
const char *smig_lang_label_of(const struct smig_lang_label *tab, int field);
/* Whether `v` (`len` bytes) is word `w` of `lang`, ASCII case ignored. */
bool smig_lang_is(const struct smig_lang *lang, enum smig_lang_word w, const char *v, size_t len);

/*
 * How a tool's output file was decoded: BOM'd UTF-16 or UTF-8, plain UTF-8 (ASCII is UTF-8),
 * else a language's OEM code page.
 */
struct smig_lang_text {
	char *text;               /* UTF-8 */
	const char *encoding;     /* "UTF-16LE", "UTF-8", "ASCII", "OEM code page 850"... */
	unsigned oem_cp;          /* 0 unless decoded from an OEM code page */
};

/*
 * Decode `nbytes` of a tool's output. Text that is neither UTF-16 with a BOM nor UTF-8 is
 * decoded with each language's OEM code page in turn (iconv(3)); `recognise` says whether
 * the decoded text is in that language, and the first that is wins. Without a winner the
 * text is decoded with the first language's code page and the caller's recognition fails
 * with its own message. Returns -1 only for undecodable text or ENOMEM.
 */
typedef bool (*smig_lang_recognise_fn)(const char *text, const struct smig_lang *lang);
int smig_lang_decode(const void *src, size_t nbytes, smig_lang_recognise_fn recognise,
		     struct smig_lang_text *out, struct smig_err *e);
/*
 * smig_lang_decode() of a facts file's bytes, `what` naming it in the errors: more than
 * `max` bytes is SMIG_ERR_FORMAT "'WHAT' is too large", undecodable text "cannot read
 * 'WHAT': why". 0, or -1 with `e` set.
 */
int smig_lang_read(const void *src, size_t nbytes, size_t max, const char *what,
		   smig_lang_recognise_fn recognise, struct smig_lang_text *out,
		   struct smig_err *e);
/* UTF-8 text to `cp` (437, 850...) through iconv; characters the code page lacks are an
 * error. For the fixture writer. */
int smig_lang_encode_oem(const char *text, size_t len, unsigned cp, char **out, size_t *outlen,
			 struct smig_err *e);

/* Display columns (code points) of the first `len` bytes of UTF-8 `s`. */
size_t smig_lang_columns(const char *s, size_t len);
/* The byte offset of display column `col` in `s` (`len` bytes), or `len` when shorter. */
size_t smig_lang_column_offset(const char *s, size_t len, size_t col);

#endif
