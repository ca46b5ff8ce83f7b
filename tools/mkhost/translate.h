/* translate.h - smig-mkhost's translation of English tool output (see translate.c). */
#ifndef SMIG_MKHOST_TRANSLATE_H
#define SMIG_MKHOST_TRANSLATE_H

#include "err.h"
#include "winlang.h"

/* `text`, the English output of `tool` ("ipconfig" or "systeminfo"), in language `to`
 * (UTF-8, LF or CRLF kept as LF); malloc'd. */
char *mk_translate(const char *text, const char *tool, const struct smig_lang *to,
		   struct smig_err *e);

#endif
