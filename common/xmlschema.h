/*
 * xmlschema.h - validating a parsed document against an XSD file (feature manifests, the
 * archive descriptor). One place for libxml2's schema API and its error reporting: the first
 * validation error becomes one sentence naming the document and the line.
 */
#ifndef SMIG_XMLSCHEMA_H
#define SMIG_XMLSCHEMA_H

#include <libxml/tree.h>

#include "err.h"

/*
 * Validate `doc` against the schema file `xsd`. `what` names the document as it should
 * appear in messages, quoted by the caller ("'smig/descriptor.xml'", "manifest 'x.xml'").
 * An unreadable schema is SMIG_ERR_IO, an invalid schema or document SMIG_ERR_FORMAT:
 * "<what> does not match its schema: line N: <libxml2's message>".
 */
int smig_xmlschema_validate(xmlDocPtr doc, const char *xsd, const char *what, struct smig_err *e);

#endif
