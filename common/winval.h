/*
 * winval.h - value forms shared by every Windows format (formats.md §10): text encodings,
 * GUIDs, MAC addresses and time bases. No other module converts these by hand.
 *
 * Strings returned through `char **out` are malloc'd UTF-8, NUL-terminated; the caller frees.
 */
#ifndef SMIG_WINVAL_H
#define SMIG_WINVAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "err.h"

/* ---- text ---- */

/*
 * UTF-16 (LE or BE) bytes to UTF-8. Decoding stops at the first NUL code unit (registry
 * strings may carry one or more terminators); an odd trailing byte is ignored. An unpaired
 * surrogate is an error (formats.md §10: reject, never pass on).
 */
int smig_utf16le_to_utf8(const void *src, size_t nbytes, char **out, struct smig_err *e);
int smig_utf16be_to_utf8(const void *src, size_t nbytes, char **out, struct smig_err *e);
/*
 * UTF-8 to UTF-16LE/BE. *out gets malloc'd code units, *nbytes their size in bytes;
 * with `nul` a terminating 0x0000 is appended (and counted). Invalid UTF-8 is an error.
 */
int smig_utf8_to_utf16le(const char *src, size_t len, bool nul, unsigned char **out,
			 size_t *nbytes, struct smig_err *e);
int smig_utf8_to_utf16be(const char *src, size_t len, bool nul, unsigned char **out,
			 size_t *nbytes, struct smig_err *e);
/* Whether `s` (len bytes) is valid UTF-8. */
bool smig_utf8_valid(const char *s, size_t len);
/* The UTF-8 sequence at `s` (`len` bytes available): its length, with its code point in *cp,
 * or 0 when it is not valid UTF-8 (overlong forms, surrogates and code points above U+10FFFF
 * are invalid; so is a sequence cut by `len`). */
size_t smig_utf8_decode(const char *s, size_t len, uint32_t *cp);

/*
 * A text file as Windows writes it (formats.md §1.6): BOM FF FE / FE FF / EF BB BF, or none
 * (then ASCII/UTF-8). Returns UTF-8 with CRLF kept (callers split lines on LF and strip CR).
 */
int smig_text_decode(const void *src, size_t nbytes, char **out, struct smig_err *e);

/*
 * Call fn once per line of `text` (without its LF; a CR is left for the caller), numbered
 * from 1; stops at the first fn returning -1. Text over `max` bytes or holding NUL bytes is
 * refused with SMIG_ERR_FORMAT naming `what`.
 */
typedef int (*smig_line_fn)(void *ctx, size_t lineno, const char *line, size_t len,
			    struct smig_err *e);
int smig_text_lines(const char *text, size_t len, size_t max, const char *what, smig_line_fn fn,
		    void *ctx, struct smig_err *e);

/* ---- GUIDs ---- */

/* Canonical internal form: 16 bytes in text order (RFC 4122 byte order). */
struct smig_guid {
	uint8_t b[16];
};

/* Parse `{XXXXXXXX-...}` or bare, any case. Returns false when not a GUID. */
bool smig_guid_parse(const char *s, struct smig_guid *g);
bool smig_guid_parse_n(const char *s, size_t len, struct smig_guid *g);
/* Format forms (buffers of at least SMIG_GUID_STRLEN + 1 bytes, +2 with braces). */
enum smig_guid_form {
	SMIG_GUID_UPPER,        /* 0AA394FA-7C4A-4070-BA32-773D43B28A68 */
	SMIG_GUID_LOWER,        /* 0aa394fa-7c4a-...              */
	SMIG_GUID_UPPER_BRACES, /* {0AA394FA-...}                 */
	SMIG_GUID_LOWER_BRACES, /* {0aa394fa-...}                 */
};
#define SMIG_GUID_STRLEN 36
#define SMIG_GUID_BUFSZ 40
void smig_guid_format(const struct smig_guid *g, enum smig_guid_form form, char *buf);
bool smig_guid_equal(const struct smig_guid *a, const struct smig_guid *b);
bool smig_guid_is_zero(const struct smig_guid *g);
/* Microsoft mixed-endian GUID struct bytes <-> canonical (VHDX, binary registry GUIDs). */
void smig_guid_from_ms(const uint8_t ms[16], struct smig_guid *g);
void smig_guid_to_ms(const struct smig_guid *g, uint8_t ms[16]);
/* Whether two GUID strings in any form name the same GUID (false if either is not one). */
bool smig_guid_str_equal(const char *a, const char *b);

/* ---- MAC addresses ---- */

struct smig_mac {
	uint8_t b[6];
};
/* Accepts 12 hex digits with or without '-', ':' or '.' separators. */
bool smig_mac_parse(const char *s, struct smig_mac *m);
/* "00-15-5D-01-07-DC" (buf >= 18 bytes). */
void smig_mac_format(const struct smig_mac *m, char *buf);
/* "00155D0107DC" (buf >= 13 bytes). */
void smig_mac_format_plain(const struct smig_mac *m, char *buf);
int smig_mac_cmp(const struct smig_mac *a, const struct smig_mac *b);
uint64_t smig_mac_to_u64(const struct smig_mac *m);
void smig_mac_from_u64(uint64_t v, struct smig_mac *m);
bool smig_mac_is_zero(const struct smig_mac *m);

/* ---- times ---- */

/* FILETIME: 100 ns ticks since 1601-01-01 UTC. VHD time: seconds since 2000-01-01 UTC. */
int64_t smig_filetime_to_unix(uint64_t ft);
uint64_t smig_unix_to_filetime(int64_t t);
int64_t smig_vhdtime_to_unix(uint32_t t);
uint32_t smig_unix_to_vhdtime(int64_t t);
/* ISO 8601 UTC "2014-11-09T05:34:40Z" (buf >= 21 bytes). */
void smig_unix_to_iso8601(int64_t t, char *buf, size_t len);

/* ---- base64 (XML `bytes` values) ---- */

/* Decode, skipping ASCII whitespace. *out malloc'd. Invalid input is an error. */
int smig_base64_decode(const char *s, size_t len, unsigned char **out, size_t *outlen,
		       struct smig_err *e);
/* Encode without line breaks. Returns malloc'd NUL-terminated text or NULL (ENOMEM). */
char *smig_base64_encode(const void *src, size_t len);

/* ---- small string helpers ---- */

/* ASCII case-insensitive comparisons (Windows names are compared this way, §1.3). */
bool smig_streq_ci(const char *a, const char *b);
bool smig_startswith_ci(const char *s, const char *prefix);
bool smig_endswith_ci(const char *s, const char *suffix);
/*
 * Windows paths as text, without parsing them (smig_winpath_parse() in hostfs.h does that):
 * the last component ("D:\VHD\web01.vhd" -> "web01.vhd", a pointer into `winpath`), and
 * whether two paths are the same text but for ASCII case and trailing '\' below a drive root
 * ("D:\Hyper-V\" is "D:\Hyper-V"; NULL is only NULL). The verifications compare what a host
 * or a configuration reports with the plan's paths this way.
 */
const char *smig_winpath_base(const char *winpath);
bool smig_winpath_text_eq(const char *a, const char *b);
/* Whether a Windows path has a "." or ".." component (after a \\.\, \\?\ or \??\ prefix).
 * Hyper-V writes absolute paths without them; one in a path read from a host or an archive
 * would place a file elsewhere than the configuration names it, so such paths are refused. */
bool smig_winpath_dotted(const char *winpath);
/* Whether a component of a Windows path is a reserved device name (CON, PRN, AUX, NUL,
 * COM1-9, LPT1-9, with or without an extension or trailing dots and spaces, any case): NTFS
 * cannot hold such a file under its name, so such paths are refused. */
bool smig_winpath_reserved(const char *winpath);
/*
 * Whether two Windows paths name the same file on NTFS: component by component, trailing dots
 * and spaces ignored (Win32 strips them: "web01.vhd." is "web01.vhd"), letters compared after
 * Unicode simple upper-casing (NTFS's upcase table: "Ä" is "ä", "Σ" is "σ"); '/' is '\'.
 * Invalid UTF-8 compares bytewise.
 */
bool smig_winpath_ntfs_eq(const char *a, const char *b);
/* strndup that reports ENOMEM through the error object. */
char *smig_strndup(const char *s, size_t n, struct smig_err *e);
char *smig_strdup(const char *s, struct smig_err *e);
/* malloc'd printf; NULL on failure (error set). */
char *smig_asprintf(struct smig_err *e, const char *fmt, ...) SMIG_PRINTF(2, 3);

#endif
