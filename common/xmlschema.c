/* xmlschema.c - XSD validation with one-sentence errors (see xmlschema.h). */
#include "xmlschema.h"

#include <errno.h>
#include <libxml/xmlschemas.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"

struct first_error {
	int line;
	char msg[512];
	bool set;
};

/* libxml2 2.12 made the error argument const */
#if LIBXML_VERSION >= 21200
static void keep_first_error(void *ctx, const xmlError *err)
#else
static void keep_first_error(void *ctx, xmlErrorPtr err)
#endif
{
	struct first_error *fe = ctx;
	size_t n;

	if (fe->set || err == NULL)
		return;
	fe->set = true;
	fe->line = err->line;
	snprintf(fe->msg, sizeof(fe->msg), "%s", err->message ? err->message : "invalid");
	n = strlen(fe->msg);
	while (n > 0 && (fe->msg[n - 1] == '\n' || fe->msg[n - 1] == ' '))
		fe->msg[--n] = '\0';
}

int smig_xmlschema_validate(xmlDocPtr doc, const char *xsd, const char *what, struct smig_err *e)
{
	struct first_error fe = {0, {0}, false};
	xmlSchemaParserCtxtPtr pc = NULL;
	xmlSchemaPtr schema = NULL;
	xmlSchemaValidCtxtPtr vc = NULL;
	int rc = -1;

	if (access(xsd, R_OK) != 0)
		return smig_err_sys(e, errno, _("cannot read the schema '%s'"), xsd);
	pc = xmlSchemaNewParserCtxt(xsd);
	if (pc == NULL)
		return smig_err_nomem(e, _("loading a schema"));
	xmlSchemaSetParserStructuredErrors(pc, keep_first_error, &fe);
	schema = xmlSchemaParse(pc);
	if (schema == NULL) {
		smig_err_set(e, SMIG_ERR_FORMAT, _("cannot load the schema '%s': line %d: %s"), xsd,
			     fe.line, fe.set ? fe.msg : _("invalid schema"));
		goto out;
	}
	vc = xmlSchemaNewValidCtxt(schema);
	if (vc == NULL) {
		smig_err_nomem(e, _("validating a document"));
		goto out;
	}
	xmlSchemaSetValidStructuredErrors(vc, keep_first_error, &fe);
	if (xmlSchemaValidateDoc(vc, doc) != 0) {
		smig_err_set(e, SMIG_ERR_FORMAT, _("%s does not match its schema: line %d: %s"), what,
			     fe.line, fe.set ? fe.msg : "invalid");
		goto out;
	}
	rc = 0;
out:
	if (vc)
		xmlSchemaFreeValidCtxt(vc);
	if (schema)
		xmlSchemaFree(schema);
	xmlSchemaFreeParserCtxt(pc);
	return rc;
}
