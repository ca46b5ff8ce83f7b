/* secdesc.c - self-relative security descriptors and SIDs (see secdesc.h, formats.md §2.6). */
#include "secdesc.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "strbuf.h"
#include "winval.h"

#define SD_HEADER_LEN 20
#define ACL_HEADER_LEN 8
#define ACE_HEADER_LEN 8 /* type, flags, size (2), mask (4); the SID follows */
#define SID_MIN_LEN 8    /* revision, count, 6-byte authority */
#define SID_AUTHORITY_MAX 0xFFFFFFFFFFFFull

static uint16_t get16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* ---- SIDs ---- */

/* Well-known SIDs: SDDL alias and the name Windows shows. */
static const struct {
	const char *alias;
	const char *sid;
	const char *name;
} wellknown[] = {
    {"WD", "S-1-1-0", "Everyone"},
    {"CO", "S-1-3-0", "CREATOR OWNER"},
    {"CG", "S-1-3-1", "CREATOR GROUP"},
    {"NU", "S-1-5-2", "NT AUTHORITY\\NETWORK"},
    {"IU", "S-1-5-4", "NT AUTHORITY\\INTERACTIVE"},
    {"SU", "S-1-5-6", "NT AUTHORITY\\SERVICE"},
    {"AN", "S-1-5-7", "NT AUTHORITY\\ANONYMOUS LOGON"},
    {"PS", "S-1-5-10", "NT AUTHORITY\\SELF"},
    {"AU", "S-1-5-11", "NT AUTHORITY\\Authenticated Users"},
    {"RC", "S-1-5-12", "NT AUTHORITY\\RESTRICTED"},
    {"SY", "S-1-5-18", "NT AUTHORITY\\SYSTEM"},
    {"LS", "S-1-5-19", "NT AUTHORITY\\LOCAL SERVICE"},
    {"NS", "S-1-5-20", "NT AUTHORITY\\NETWORK SERVICE"},
    {"BA", "S-1-5-32-544", "BUILTIN\\Administrators"},
    {"BU", "S-1-5-32-545", "BUILTIN\\Users"},
    {"BG", "S-1-5-32-546", "BUILTIN\\Guests"},
    {"PU", "S-1-5-32-547", "BUILTIN\\Power Users"},
    {"AO", "S-1-5-32-548", "BUILTIN\\Account Operators"},
    {"SO", "S-1-5-32-549", "BUILTIN\\Server Operators"},
    {"PO", "S-1-5-32-550", "BUILTIN\\Print Operators"},
    {"BO", "S-1-5-32-551", "BUILTIN\\Backup Operators"},
    {"RE", "S-1-5-32-552", "BUILTIN\\Replicator"},
    {"RD", "S-1-5-32-555", "BUILTIN\\Remote Desktop Users"},
    {"NO", "S-1-5-32-556", "BUILTIN\\Network Configuration Operators"},
    {"MU", "S-1-5-32-558", "BUILTIN\\Performance Monitor Users"},
    {"LU", "S-1-5-32-559", "BUILTIN\\Performance Log Users"},
    {"IS", "S-1-5-32-568", "BUILTIN\\IIS_IUSRS"},
    {"CY", "S-1-5-32-569", "BUILTIN\\Cryptographic Operators"},
    {"ER", "S-1-5-32-573", "BUILTIN\\Event Log Readers"},
    {"CD", "S-1-5-32-574", "BUILTIN\\Certificate Service DCOM Access"},
    {"RA", "S-1-5-32-575", "BUILTIN\\RDS Remote Access Servers"},
    {"HA", "S-1-5-32-578", "BUILTIN\\Hyper-V Administrators"},
    {"AC", "S-1-15-2-1", "APPLICATION PACKAGE AUTHORITY\\ALL APPLICATION PACKAGES"},
};

#define NWELLKNOWN (sizeof(wellknown) / sizeof(wellknown[0]))

bool smig_sid_equal(const struct smig_sid *a, const struct smig_sid *b)
{
	if (a->revision != b->revision || a->count != b->count || a->authority != b->authority)
		return false;
	for (unsigned i = 0; i < a->count && i < SMIG_SID_MAX_SUB; i++)
		if (a->sub[i] != b->sub[i])
			return false;
	return true;
}

/* Decimal (or 0x hex) number up to `max`; advances *s. */
static bool parse_num(const char **s, uint64_t max, uint64_t *out)
{
	const char *p = *s;
	char *end = NULL;
	unsigned long long v;

	if (!(*p >= '0' && *p <= '9'))
		return false;
	errno = 0;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		if (!((p[2] >= '0' && p[2] <= '9') || (p[2] >= 'a' && p[2] <= 'f') ||
		      (p[2] >= 'A' && p[2] <= 'F')))
			return false;
		v = strtoull(p + 2, &end, 16);
	} else {
		v = strtoull(p, &end, 10);
	}
	if (errno != 0 || v > max)
		return false;
	*out = v;
	*s = end;
	return true;
}

bool smig_sid_parse(const char *s, struct smig_sid *sid)
{
	struct smig_sid t;
	uint64_t v;

	memset(&t, 0, sizeof(t));
	if (s == NULL || (s[0] != 'S' && s[0] != 's') || s[1] != '-')
		return false;
	s += 2;
	if (!parse_num(&s, 255, &v) || v != 1 || *s != '-')
		return false;
	t.revision = 1;
	s++;
	if (!parse_num(&s, SID_AUTHORITY_MAX, &t.authority))
		return false;
	while (*s == '-') {
		s++;
		if (t.count == SMIG_SID_MAX_SUB || !parse_num(&s, UINT32_MAX, &v))
			return false;
		t.sub[t.count++] = (uint32_t)v;
	}
	if (*s != '\0')
		return false;
	*sid = t;
	return true;
}

void smig_sid_format(const struct smig_sid *sid, char *buf, size_t len)
{
	size_t n = 0;
	int r;

	if (len == 0)
		return;
	if (sid->authority > UINT32_MAX)
		r = snprintf(buf, len, "S-%u-0x%012" PRIX64, sid->revision, sid->authority);
	else
		r = snprintf(buf, len, "S-%u-%" PRIu64, sid->revision, sid->authority);
	for (unsigned i = 0; r >= 0 && i < sid->count && i < SMIG_SID_MAX_SUB; i++) {
		n += (size_t)r;
		if (n >= len)
			return; /* truncated; snprintf left it NUL-terminated */
		r = snprintf(buf + n, len - n, "-%" PRIu32, sid->sub[i]);
	}
}

static int wellknown_index(const struct smig_sid *sid)
{
	struct smig_sid w;

	for (size_t i = 0; i < NWELLKNOWN; i++)
		if (smig_sid_parse(wellknown[i].sid, &w) && smig_sid_equal(&w, sid))
			return (int)i;
	return -1;
}

const char *smig_sid_wellknown_name(const struct smig_sid *sid)
{
	int i = wellknown_index(sid);

	return i < 0 ? NULL : wellknown[i].name;
}

const char *smig_sid_alias(const struct smig_sid *sid)
{
	int i = wellknown_index(sid);

	return i < 0 ? NULL : wellknown[i].alias;
}

/* The SID at data[off..len); its size goes to *used. */
static int parse_sid(const unsigned char *data, size_t len, size_t off, const char *what,
                     struct smig_sid *sid, size_t *used, struct smig_err *e)
{
	const unsigned char *p;
	size_t need;

	if (off > len || len - off < SID_MIN_LEN)
		return smig_err_set(e, SMIG_ERR_FORMAT,
		                    _("security descriptor: %s SID at offset %zu runs past the end "
		                    "(%zu bytes)"),
		                    what, off, len);
	p = data + off;
	if (p[0] != 1)
		return smig_err_set(e, SMIG_ERR_FORMAT,
		                    _("security descriptor: %s SID has revision %u, not 1"), what,
		                    p[0]);
	if (p[1] > SMIG_SID_MAX_SUB)
		return smig_err_set(
		    e, SMIG_ERR_FORMAT,
		    _("security descriptor: %s SID has %u sub-authorities (at most %d)"), what, p[1],
		    SMIG_SID_MAX_SUB);
	need = SID_MIN_LEN + 4u * p[1];
	if (len - off < need)
		return smig_err_set(e, SMIG_ERR_FORMAT,
		                    _("security descriptor: %s SID at offset %zu runs past the end "
		                    "(%zu bytes)"),
		                    what, off, len);
	memset(sid, 0, sizeof(*sid));
	sid->revision = p[0];
	sid->count = p[1];
	for (int i = 0; i < 6; i++) /* the authority is big-endian */
		sid->authority = sid->authority << 8 | p[2 + i];
	for (unsigned i = 0; i < sid->count; i++)
		sid->sub[i] = get32(p + SID_MIN_LEN + 4 * i);
	*used = need;
	return 0;
}

static size_t sid_len(const struct smig_sid *sid)
{
	return SID_MIN_LEN + 4u * sid->count;
}

static void put_sid(unsigned char *p, const struct smig_sid *sid)
{
	p[0] = sid->revision;
	p[1] = sid->count;
	for (int i = 0; i < 6; i++)
		p[2 + i] = (unsigned char)(sid->authority >> (8 * (5 - i)));
	for (unsigned i = 0; i < sid->count; i++)
		put32(p + SID_MIN_LEN + 4 * i, sid->sub[i]);
}

/* ---- parsing ---- */

/* Bounds of an ACL at `off`: header fits, AclSize fits. Returns the ACE count. */
static int check_acl(const unsigned char *d, size_t len, size_t off, const char *what,
                     size_t *acl_size, size_t *count, struct smig_err *e)
{
	if (off > len || len - off < ACL_HEADER_LEN)
		return smig_err_set(e, SMIG_ERR_FORMAT,
		                    _("security descriptor: %s at offset %zu runs past the end "
		                    "(%zu bytes)"),
		                    what, off, len);
	*acl_size = get16(d + off + 2);
	*count = get16(d + off + 4);
	if (*acl_size < ACL_HEADER_LEN || *acl_size > len - off)
		return smig_err_set(e, SMIG_ERR_FORMAT,
		                    _("security descriptor: %s size %zu does not fit in %zu bytes "
		                    "from offset %zu"),
		                    what, *acl_size, len, off);
	/* Every ACE takes at least a header plus a minimal SID: a count cannot lie past that. */
	if (*count > (*acl_size - ACL_HEADER_LEN) / (ACE_HEADER_LEN + SID_MIN_LEN))
		return smig_err_set(e, SMIG_ERR_FORMAT,
		                    _("security descriptor: %s claims %zu ACEs in %zu bytes"), what,
		                    *count, *acl_size);
	return 0;
}

static int parse_dacl(const unsigned char *d, size_t len, size_t off, struct smig_secdesc *sd,
                      struct smig_err *e)
{
	size_t acl_size, count, pos, used;

	if (check_acl(d, len, off, "DACL", &acl_size, &count, e) < 0)
		return -1;
	if (count > 0) {
		sd->dacl = calloc(count, sizeof(*sd->dacl));
		if (sd->dacl == NULL)
			return smig_err_nomem(e, _("parsing a security descriptor"));
	}
	pos = off + ACL_HEADER_LEN;
	for (size_t i = 0; i < count; i++) {
		struct smig_ace *a = &sd->dacl[i];
		size_t ace_size, end = off + acl_size;

		if (end - pos < ACE_HEADER_LEN)
			return smig_err_set(e, SMIG_ERR_FORMAT,
			                    _("security descriptor: DACL ACE %zu of %zu runs past "
			                    "the ACL"),
			                    i + 1, count);
		ace_size = get16(d + pos + 2);
		if (ace_size < ACE_HEADER_LEN + SID_MIN_LEN || ace_size > end - pos)
			return smig_err_set(e, SMIG_ERR_FORMAT,
			                    _("security descriptor: DACL ACE %zu has size %zu, "
			                    "outside the ACL"),
			                    i + 1, ace_size);
		a->type = d[pos];
		a->flags = d[pos + 1];
		a->mask = get32(d + pos + 4);
		if (a->type != SMIG_ACE_ALLOWED && a->type != SMIG_ACE_DENIED &&
		    a->type != SMIG_ACE_AUDIT)
			return smig_err_set(e, SMIG_ERR_UNSUPPORTED,
			                    _("security descriptor: DACL ACE %zu has type %u, which "
			                    "smig does not decode"),
			                    i + 1, a->type);
		/* The SID must lie inside the ACE, not merely inside the descriptor. */
		if (parse_sid(d, pos + ace_size, pos + ACE_HEADER_LEN, "ACE", &a->sid, &used, e) <
		    0)
			return -1;
		sd->dacl_count = i + 1;
		pos += ace_size;
	}
	return 0;
}

int smig_secdesc_parse(const void *data, size_t len, struct smig_secdesc *sd, struct smig_err *e)
{
	const unsigned char *d = data;
	uint32_t owner, group, sacl, dacl;
	size_t used, acl_size, count;

	memset(sd, 0, sizeof(*sd));
	if (len < SD_HEADER_LEN)
		return smig_err_set(e, SMIG_ERR_FORMAT,
		                    _("security descriptor: %zu bytes is shorter than its header"),
		                    len);
	if (d[0] != 1)
		return smig_err_set(e, SMIG_ERR_FORMAT,
		                    _("security descriptor: revision is %u, not 1"), d[0]);
	sd->control = get16(d + 2);
	if (!(sd->control & SMIG_SD_SELF_RELATIVE))
		return smig_err_set(e, SMIG_ERR_FORMAT,
		                    _("security descriptor: control 0x%04X lacks SELF_RELATIVE"),
		                    sd->control);
	owner = get32(d + 4);
	group = get32(d + 8);
	sacl = get32(d + 12);
	dacl = get32(d + 16);
	if (owner != 0) {
		/* TRANSLATORS: whose SID, in "security descriptor: %s SID ..." */
		if (parse_sid(d, len, owner, _("owner"), &sd->owner, &used, e) < 0)
			goto fail;
		sd->has_owner = true;
	}
	if (group != 0) {
		if (parse_sid(d, len, group, _("group"), &sd->group, &used, e) < 0)
			goto fail;
		sd->has_group = true;
	}
	if ((sd->control & SMIG_SD_SACL_PRESENT) && sacl != 0 &&
	    check_acl(d, len, sacl, "SACL", &acl_size, &count, e) < 0)
		goto fail;
	if ((sd->control & SMIG_SD_DACL_PRESENT) && dacl != 0) {
		if (parse_dacl(d, len, dacl, sd, e) < 0)
			goto fail;
		sd->has_dacl = true;
	}
	return 0;
fail:
	smig_secdesc_release(sd);
	return -1;
}

void smig_secdesc_release(struct smig_secdesc *sd)
{
	if (sd == NULL)
		return;
	free(sd->dacl);
	memset(sd, 0, sizeof(*sd));
}

bool smig_secdesc_equal(const struct smig_secdesc *a, const struct smig_secdesc *b)
{
	if (a->control != b->control || a->has_owner != b->has_owner ||
	    a->has_group != b->has_group || a->has_dacl != b->has_dacl ||
	    a->dacl_count != b->dacl_count)
		return false;
	if (a->has_owner && !smig_sid_equal(&a->owner, &b->owner))
		return false;
	if (a->has_group && !smig_sid_equal(&a->group, &b->group))
		return false;
	for (size_t i = 0; i < a->dacl_count; i++) {
		const struct smig_ace *x = &a->dacl[i], *y = &b->dacl[i];

		if (x->type != y->type || x->flags != y->flags || x->mask != y->mask ||
		    !smig_sid_equal(&x->sid, &y->sid))
			return false;
	}
	return true;
}

/* ---- SDDL ---- */

/* Whole-mask aliases for registry keys; KX equals KR and is never printed. */
static const struct {
	const char *alias;
	uint32_t mask;
} mask_aliases[] = {
    {"KA", 0xF003F},
    {"KR", 0x20019},
    {"KW", 0x20006},
    {"KX", 0x20019},
};

/* One-bit aliases, in the order they are printed. */
static const struct {
	const char *alias;
	uint32_t bit;
} bit_aliases[] = {
    {"GA", 0x10000000}, {"GR", 0x80000000}, {"GW", 0x40000000}, {"GX", 0x20000000},
    {"CC", 0x00000001}, {"DC", 0x00000002}, {"LC", 0x00000004}, {"SW", 0x00000008},
    {"RP", 0x00000010}, {"WP", 0x00000020}, {"DT", 0x00000040}, {"LO", 0x00000080},
    {"CR", 0x00000100}, {"SD", 0x00010000}, {"RC", 0x00020000}, {"WD", 0x00040000},
    {"WO", 0x00080000},
};

static const struct {
	const char *alias;
	uint8_t flag;
} ace_flag_aliases[] = {
    {"OI", SMIG_ACE_OBJECT_INHERIT}, {"CI", SMIG_ACE_CONTAINER_INHERIT},
    {"NP", SMIG_ACE_NO_PROPAGATE},   {"IO", SMIG_ACE_INHERIT_ONLY},
    {"ID", SMIG_ACE_INHERITED},
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static void sddl_sid(struct smig_strbuf *sb, const struct smig_sid *sid)
{
	const char *alias = smig_sid_alias(sid);
	char buf[SMIG_SID_BUFSZ];

	if (alias != NULL) {
		smig_strbuf_puts(sb, alias);
		return;
	}
	smig_sid_format(sid, buf, sizeof(buf));
	smig_strbuf_puts(sb, buf);
}

static void sddl_mask(struct smig_strbuf *sb, uint32_t mask)
{
	uint32_t covered = 0;

	for (size_t i = 0; i < NELEM(mask_aliases); i++) {
		if (mask_aliases[i].mask == mask) {
			smig_strbuf_puts(sb, mask_aliases[i].alias);
			return;
		}
	}
	for (size_t i = 0; i < NELEM(bit_aliases); i++)
		if (mask & bit_aliases[i].bit)
			covered |= bit_aliases[i].bit;
	if (mask == 0 || covered != mask) {
		smig_strbuf_printf(sb, "0x%" PRIx32, mask);
		return;
	}
	for (size_t i = 0; i < NELEM(bit_aliases); i++)
		if (mask & bit_aliases[i].bit)
			smig_strbuf_puts(sb, bit_aliases[i].alias);
}

int smig_secdesc_to_sddl(const struct smig_secdesc *sd, char **out, struct smig_err *e)
{
	struct smig_strbuf sb = SMIG_STRBUF_INIT;
	static const char *const ace_types[] = {"A", "D", "AU"};

	*out = NULL;
	if (sd->has_owner) {
		smig_strbuf_puts(&sb, "O:");
		sddl_sid(&sb, &sd->owner);
	}
	if (sd->has_group) {
		smig_strbuf_puts(&sb, "G:");
		sddl_sid(&sb, &sd->group);
	}
	if (sd->control & SMIG_SD_DACL_PRESENT) {
		smig_strbuf_puts(&sb, "D:");
		if (sd->control & SMIG_SD_DACL_PROTECTED)
			smig_strbuf_puts(&sb, "P");
		if (sd->control & SMIG_SD_DACL_AUTO_INHERIT_REQ)
			smig_strbuf_puts(&sb, "AR");
		if (sd->control & SMIG_SD_DACL_AUTO_INHERITED)
			smig_strbuf_puts(&sb, "AI");
		if (!sd->has_dacl)
			smig_strbuf_puts(&sb, "NO_ACCESS_CONTROL");
	}
	for (size_t i = 0; sd->has_dacl && i < sd->dacl_count; i++) {
		const struct smig_ace *a = &sd->dacl[i];

		smig_strbuf_printf(&sb, "(%s;",
		                   a->type < NELEM(ace_types) ? ace_types[a->type] : "?");
		for (size_t f = 0; f < NELEM(ace_flag_aliases); f++)
			if (a->flags & ace_flag_aliases[f].flag)
				smig_strbuf_puts(&sb, ace_flag_aliases[f].alias);
		smig_strbuf_putc(&sb, ';');
		sddl_mask(&sb, a->mask);
		smig_strbuf_puts(&sb, ";;;");
		sddl_sid(&sb, &a->sid);
		smig_strbuf_putc(&sb, ')');
	}
	if (smig_strbuf_check(&sb, e) < 0) {
		smig_strbuf_release(&sb);
		return -1;
	}
	*out = smig_strbuf_take(&sb, NULL);
	if (*out == NULL)
		return smig_err_nomem(e, _("formatting SDDL"));
	return 0;
}

/* An SDDL SID: a two-letter alias or "S-1-..." up to `end`. */
static bool sddl_parse_sid(const char *s, size_t n, struct smig_sid *sid)
{
	char buf[SMIG_SID_BUFSZ];

	if (n == 2) {
		for (size_t i = 0; i < NWELLKNOWN; i++)
			if (strncmp(s, wellknown[i].alias, 2) == 0)
				return smig_sid_parse(wellknown[i].sid, sid);
		return false;
	}
	if (n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return smig_sid_parse(buf, sid);
}

static bool sddl_parse_mask(const char *s, size_t n, uint32_t *mask)
{
	uint32_t m = 0;

	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		char buf[16];
		const char *p = buf;
		uint64_t v;

		if (n >= sizeof(buf))
			return false;
		memcpy(buf, s, n);
		buf[n] = '\0';
		if (!parse_num(&p, UINT32_MAX, &v) || *p != '\0')
			return false;
		*mask = (uint32_t)v;
		return true;
	}
	if (n == 0 || n % 2 != 0)
		return false;
	for (size_t i = 0; i < n; i += 2) {
		bool found = false;

		for (size_t k = 0; !found && k < NELEM(mask_aliases); k++)
			if (strncmp(s + i, mask_aliases[k].alias, 2) == 0) {
				m |= mask_aliases[k].mask;
				found = true;
			}
		for (size_t k = 0; !found && k < NELEM(bit_aliases); k++)
			if (strncmp(s + i, bit_aliases[k].alias, 2) == 0) {
				m |= bit_aliases[k].bit;
				found = true;
			}
		if (!found)
			return false;
	}
	*mask = m;
	return true;
}

/* "A;CI;KR;;;BU" (without the parentheses). */
static bool sddl_parse_ace(const char *s, size_t n, struct smig_ace *a)
{
	const char *f[6];
	size_t flen[6], k = 0;
	const char *p = s, *end = s + n;

	memset(a, 0, sizeof(*a));
	f[0] = p;
	for (; p < end; p++) {
		if (*p != ';')
			continue;
		flen[k] = (size_t)(p - f[k]);
		if (++k == 6)
			return false;
		f[k] = p + 1;
	}
	flen[k] = (size_t)(end - f[k]);
	if (k != 5 || flen[3] != 0 || flen[4] != 0) /* no object GUIDs */
		return false;
	if (flen[0] == 1 && f[0][0] == 'A')
		a->type = SMIG_ACE_ALLOWED;
	else if (flen[0] == 1 && f[0][0] == 'D')
		a->type = SMIG_ACE_DENIED;
	else
		return false;
	if (flen[1] % 2 != 0)
		return false;
	for (size_t i = 0; i < flen[1]; i += 2) {
		bool found = false;

		for (size_t j = 0; !found && j < NELEM(ace_flag_aliases); j++)
			if (strncmp(f[1] + i, ace_flag_aliases[j].alias, 2) == 0) {
				a->flags |= ace_flag_aliases[j].flag;
				found = true;
			}
		if (!found)
			return false;
	}
	return sddl_parse_mask(f[2], flen[2], &a->mask) && sddl_parse_sid(f[5], flen[5], &a->sid);
}

/* Length of an O:/G: SID token: up to the next "X:" section start. */
static size_t sddl_token_len(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0' && !(s[n + 1] == ':' && strchr("OGDS", s[n]) != NULL))
		n++;
	return n;
}

static int sddl_encode(const struct smig_secdesc *sd, unsigned char **out, size_t *len,
                       struct smig_err *e)
{
	size_t acl_size = ACL_HEADER_LEN, total = SD_HEADER_LEN, pos;
	unsigned char *b = NULL;

	for (size_t i = 0; i < sd->dacl_count; i++)
		acl_size += ACE_HEADER_LEN + sid_len(&sd->dacl[i].sid);
	if (acl_size > UINT16_MAX)
		return smig_err_set(e, SMIG_ERR_USAGE, _("SDDL: the DACL is too large (%zu bytes)"),
		                    acl_size);
	if (sd->has_dacl)
		total += acl_size;
	if (sd->has_owner)
		total += sid_len(&sd->owner);
	if (sd->has_group)
		total += sid_len(&sd->group);
	b = calloc(1, total);
	if (b == NULL)
		return smig_err_nomem(e, _("encoding a security descriptor"));
	b[0] = 1;
	put16(b + 2, sd->control);
	pos = SD_HEADER_LEN;
	if (sd->has_dacl) {
		put32(b + 16, (uint32_t)pos);
		b[pos] = 2; /* ACL_REVISION: no object ACEs */
		put16(b + pos + 2, (uint16_t)acl_size);
		put16(b + pos + 4, (uint16_t)sd->dacl_count);
		pos += ACL_HEADER_LEN;
		for (size_t i = 0; i < sd->dacl_count; i++) {
			const struct smig_ace *a = &sd->dacl[i];
			size_t n = ACE_HEADER_LEN + sid_len(&a->sid);

			b[pos] = a->type;
			b[pos + 1] = a->flags;
			put16(b + pos + 2, (uint16_t)n);
			put32(b + pos + 4, a->mask);
			put_sid(b + pos + ACE_HEADER_LEN, &a->sid);
			pos += n;
		}
	}
	if (sd->has_owner) {
		put32(b + 4, (uint32_t)pos);
		put_sid(b + pos, &sd->owner);
		pos += sid_len(&sd->owner);
	}
	if (sd->has_group) {
		put32(b + 8, (uint32_t)pos);
		put_sid(b + pos, &sd->group);
	}
	*out = b;
	*len = total;
	return 0;
}

int smig_secdesc_from_sddl(const char *sddl, unsigned char **out, size_t *len, struct smig_err *e)
{
	struct smig_secdesc sd;
	const char *p = sddl;
	size_t cap = 0;
	int rc = -1;

	memset(&sd, 0, sizeof(sd));
	*out = NULL;
	*len = 0;
	sd.control = SMIG_SD_SELF_RELATIVE;
	while (*p != '\0') {
		char sect = *p;
		size_t n;

		if (p[1] != ':' || strchr("OGD", sect) == NULL) {
			smig_err_set(e, SMIG_ERR_USAGE,
			             _("cannot parse SDDL '%s': unexpected text at '%s'"), sddl, p);
			goto done;
		}
		p += 2;
		if (sect == 'O' || sect == 'G') {
			struct smig_sid *sid = sect == 'O' ? &sd.owner : &sd.group;

			n = sddl_token_len(p);
			if (!sddl_parse_sid(p, n, sid)) {
				smig_err_set(e, SMIG_ERR_USAGE,
				             _("cannot parse SDDL '%s': bad SID in %c:"), sddl, sect);
				goto done;
			}
			*(sect == 'O' ? &sd.has_owner : &sd.has_group) = true;
			p += n;
			continue;
		}
		sd.control |= SMIG_SD_DACL_PRESENT;
		sd.has_dacl = true;
		for (;;) {
			if (*p == 'P') {
				sd.control |= SMIG_SD_DACL_PROTECTED;
				p++;
			} else if (strncmp(p, "AI", 2) == 0) {
				sd.control |= SMIG_SD_DACL_AUTO_INHERITED;
				p += 2;
			} else if (strncmp(p, "AR", 2) == 0) {
				sd.control |= SMIG_SD_DACL_AUTO_INHERIT_REQ;
				p += 2;
			} else {
				break;
			}
		}
		while (*p == '(') {
			const char *close = strchr(p, ')');

			if (close == NULL) {
				smig_err_set(e, SMIG_ERR_USAGE,
				             _("cannot parse SDDL '%s': unclosed ACE"), sddl);
				goto done;
			}
			if (sd.dacl_count == cap) {
				size_t ncap = cap ? 2 * cap : 8;
				struct smig_ace *nd = reallocarray(sd.dacl, ncap, sizeof(*nd));

				if (nd == NULL) {
					smig_err_nomem(e, _("parsing SDDL"));
					goto done;
				}
				sd.dacl = nd;
				cap = ncap;
			}
			if (!sddl_parse_ace(p + 1, (size_t)(close - p - 1),
			                    &sd.dacl[sd.dacl_count])) {
				smig_err_set(e, SMIG_ERR_USAGE,
				             _("cannot parse SDDL '%s': bad ACE '%.*s'"), sddl,
				             (int)(close - p + 1), p);
				goto done;
			}
			sd.dacl_count++;
			p = close + 1;
		}
	}
	rc = sddl_encode(&sd, out, len, e);
done:
	smig_secdesc_release(&sd);
	return rc;
}

/* ---- COM rights ---- */

/* English whatever the language: the description is part of the inventory, which the signed
 * descriptor carries (and migrate.ps1 quotes). */

int smig_com_rights_describe(uint32_t mask, char *buf, size_t len)
{
	static const struct {
		uint32_t bit;
		const char *word;
	} words[] = {
	    {SMIG_COM_RIGHTS_EXECUTE, "execute"},
	    {SMIG_COM_RIGHTS_EXECUTE_LOCAL, "local launch"},
	    {SMIG_COM_RIGHTS_EXECUTE_REMOTE, "remote launch"},
	    {SMIG_COM_RIGHTS_ACTIVATE_LOCAL, "local activation"},
	    {SMIG_COM_RIGHTS_ACTIVATE_REMOTE, "remote activation"},
	};
	uint32_t rest = mask;
	size_t n = 0;
	int r;

	if (len == 0)
		return -1;
	buf[0] = '\0';
	if (mask == 0) {
		r = snprintf(buf, len, "%s", "none");
		return r < 0 || (size_t)r >= len ? -1 : 0;
	}
	for (size_t i = 0; i < NELEM(words); i++) {
		if (!(mask & words[i].bit))
			continue;
		rest &= ~words[i].bit;
		r = snprintf(buf + n, len - n, "%s%s", n ? ", " : "", words[i].word);
		if (r < 0 || (size_t)r >= len - n)
			return -1;
		n += (size_t)r;
	}
	if (rest != 0) {
		r = snprintf(buf + n, len - n, "%sother 0x%lx", n ? ", " : "", (unsigned long)rest);
		if (r < 0 || (size_t)r >= len - n)
			return -1;
	}
	return 0;
}
