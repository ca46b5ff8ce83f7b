/* test_xmlschema.c - XSD validation: a valid document, an invalid one (line and message), a
 * missing schema (I/O error) and a schema that is not one. */
#include "testutil.h"

#include <libxml/parser.h>
#include <stdlib.h>
#include <string.h>

#include "xmlschema.h"

static const char xsd_text[] =
	"<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">"
	"<xs:element name=\"n\" type=\"xs:unsignedInt\"/></xs:schema>";

static void validates(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	char *dir = tu_mkdtemp(), *xsd = tu_fmt("%s/t.xsd", dir), *bad = tu_fmt("%s/bad.xsd", dir);
	xmlDocPtr ok = xmlReadMemory("<n>5</n>", 8, "ok", NULL, XML_PARSE_NONET);
	xmlDocPtr no = xmlReadMemory("<n>\n-5</n>", 10, "no", NULL,
				     XML_PARSE_NONET | XML_PARSE_NOERROR);

	(void)state;
	tu_write(xsd, xsd_text, strlen(xsd_text));
	tu_write(bad, "<notaschema/>", 13);
	assert_int_equal(smig_xmlschema_validate(ok, xsd, "'ok'", &e), 0);
	assert_int_equal(smig_xmlschema_validate(no, xsd, "'no'", &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_FORMAT);
	assert_non_null(strstr(e.msg, "'no' does not match its schema: line 1: "));
	smig_err_clear(&e);
	assert_int_equal(smig_xmlschema_validate(ok, "/nonexistent/x.xsd", "'ok'", &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_IO);
	smig_err_clear(&e);
	assert_int_equal(smig_xmlschema_validate(ok, bad, "'ok'", &e), -1);
	assert_int_equal(e.kind, SMIG_ERR_FORMAT);
	assert_non_null(strstr(e.msg, "cannot load the schema"));
	xmlFreeDoc(ok);
	xmlFreeDoc(no);
	tu_rmtree(dir);
	free(xsd);
	free(bad);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(validates)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
