/* test_winlang.c - the language tables of ipconfig and systeminfo output (winlang.h). */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "winlang.h"

/* Every language names every field and every value word: a new language's table that
 * forgets one fails here, not on a host. */
static void tables_complete(void **state)
{
	size_t i;
	int f, w;

	(void)state;
	assert_non_null(smig_langs[0]);
	assert_string_equal(smig_langs[0]->code, "en"); /* the fixture writer translates from it */
	for (i = 0; smig_langs[i] != NULL; i++) {
		const struct smig_lang *l = smig_langs[i];

		for (f = IPC_HOST_NAME; f <= IPC_NETBIOS; f++)
			if (smig_lang_label_of(l->ipc, f) == NULL)
				fail_msg("%s: no ipconfig label for field %d", l->code, f);
		for (f = SI_HOST_NAME; f <= SI_NIC_STATUS; f++)
			if (smig_lang_label_of(l->si, f) == NULL)
				fail_msg("%s: no systeminfo label for field %d", l->code, f);
		for (w = 0; w < W_COUNT; w++)
			if (l->words[w] == NULL)
				fail_msg("%s: no value word %d", l->code, w);
		assert_true(l->oem_cp == 437 || l->oem_cp == 850);
		assert_true(l->si_nic_col == l->si_value_col + 6);
		assert_ptr_equal(smig_lang_find(l->code), l);
	}
	assert_null(smig_lang_find("de"));
	assert_non_null(strstr(smig_lang_names(), "French"));
}

static void labels_match(void **state)
{
	const struct smig_lang *fr = smig_lang_find("fr");
	static const char curly[] = "Nom de l\xe2\x80\x99h\xc3\xb4te"; /* Windows 10's U+2019 */

	(void)state;
	assert_int_equal(smig_lang_field(fr->si, curly, strlen(curly)), SI_HOST_NAME);
	assert_int_equal(smig_lang_field(fr->ipc, "ADRESSE PHYSIQUE", 16), IPC_PHYSICAL_ADDRESS);
	assert_int_equal(smig_lang_field(fr->ipc, "Adresse physiqu", 15), 0); /* whole labels */
	assert_int_equal(smig_lang_field(fr->ipc, "Physical Address", 16), 0);
	assert_true(smig_lang_is(fr, W_YES, "oui", 3));
	assert_false(smig_lang_is(fr, W_YES, "Yes", 3));
}

static bool never(const char *text, const struct smig_lang *lang)
{
	(void)text;
	(void)lang;
	return false;
}

static bool french_marker(const char *text, const struct smig_lang *lang)
{
	return strstr(text, "activ\xc3\xa9") != NULL && strcmp(lang->code, "fr") == 0;
}

static void decoding(void **state)
{
	struct smig_err e = SMIG_ERR_INIT;
	struct smig_lang_text t;
	char *oem = NULL;
	size_t n;

	(void)state;
	assert_int_equal(smig_lang_decode("abc", 3, NULL, &t, &e), 0);
	assert_string_equal(t.encoding, "ASCII");
	free(t.text);
	assert_int_equal(smig_lang_decode("\xc3\xa9", 2, NULL, &t, &e), 0);
	assert_string_equal(t.encoding, "UTF-8");
	free(t.text);
	assert_int_equal(smig_lang_decode("\xff\xfe" "a\0", 4, NULL, &t, &e), 0);
	assert_string_equal(t.encoding, "UTF-16LE");
	assert_string_equal(t.text, "a");
	free(t.text);
	/* CP850: 0x82 is é, 0xFF the no-break space; the recogniser picks the code page */
	assert_int_equal(smig_lang_decode("DHCP activ\x82\xff", 12, french_marker, &t, &e), 0);
	assert_string_equal(t.encoding, "OEM code page 850");
	assert_string_equal(t.text, "DHCP activ\xc3\xa9\xc2\xa0");
	free(t.text);
	/* nobody recognises it: the last language's code page, the parser then says why */
	assert_int_equal(smig_lang_decode("\x82", 1, never, &t, &e), 0);
	assert_int_equal(t.oem_cp, 850);
	free(t.text);
	/* the rejecting twins: NUL without a BOM, and text a code page cannot hold */
	assert_int_equal(smig_lang_decode("a\0b", 3, NULL, &t, &e), -1);
	assert_non_null(strstr(e.msg, "NUL"));
	smig_err_clear(&e);
	assert_int_equal(smig_lang_encode_oem("\xe2\x82\xac", 3, 850, &oem, &n, &e), -1); /* € */
	smig_err_clear(&e);
	assert_int_equal(smig_lang_encode_oem("\xc3\xa9", 2, 850, &oem, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_int_equal((unsigned char)oem[0], 0x82);
	free(oem);
	/* columns are characters */
	assert_int_equal(smig_lang_columns("h\xc3\xb4te", 5), 4);
	assert_int_equal(smig_lang_column_offset("h\xc3\xb4te:", 6, 3), 4);
	assert_int_equal(smig_lang_column_offset("ab", 2, 9), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(tables_complete),
	    cmocka_unit_test(labels_match),
	    cmocka_unit_test(decoding),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
