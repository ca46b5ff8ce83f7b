# tests/cli/i18n.sh - the language of messages (common/i18n.h): the French catalogue covers
# every text the code marks, --lang and the environment choose the language as GNU gettext
# does, and the choice never reaches what programs read (JSON keys, codes, exit codes).
source "$SMIG_SOURCE_DIR/tests/cli/lib.bash"
cd "$T"
unset LC_ALL LC_MESSAGES LANG LANGUAGE

# ---- the catalogue: every marked text translated, none fuzzy, formats that match ----
if command -v xgettext >/dev/null && command -v msgmerge >/dev/null; then
	bash "$SMIG_SOURCE_DIR/scripts/po-update.sh" --pot-only "$T/smig.pot"
	msgmerge --quiet --no-wrap -o merged.po "$SMIG_SOURCE_DIR/po/fr.po" "$T/smig.pot"
	msgfmt --check --statistics -o /dev/null merged.po 2>stats || true
	check "fr.po: msgfmt --check accepts it" msgfmt --check -o /dev/null merged.po
	check "fr.po: every text of the code translated, none fuzzy ($(cat stats))" \
		grep -qE '^[0-9]+ translated messages\.$' stats
	total=$(grep -c '^msgid ' "$T/smig.pot")
	check "the template has the texts of the code ($total)" test "$total" -gt 30
else
	echo "note: gettext tools missing: the catalogue is not checked" >&2
fi
check "the build compiled the catalogue" test -s "$SMIG_BUILD_DIR/locale/fr/LC_MESSAGES/smig.mo"

# ---- choosing the language ----
"$EXPORT" --help >en.txt
"$EXPORT" --lang fr --help >fr.txt
check "--lang fr before the command: French help" grep -q "Commandes" fr.txt
check "English by default" grep -q "^Commands:" en.txt
LANG=fr_FR.UTF-8 "$EXPORT" --help >env.txt
check "LANG=fr_FR.UTF-8 (no French locale needed): French" cmp -s fr.txt env.txt
LC_ALL=C LANG=fr_FR.UTF-8 "$EXPORT" --help >c.txt
check "LC_ALL=C wins over LANG" cmp -s en.txt c.txt
LANG=C LANGUAGE=fr "$EXPORT" --help >c2.txt
check "LANGUAGE is ignored in the C locale (gettext's rule)" cmp -s en.txt c2.txt
LANG=de_DE.UTF-8 LANGUAGE=fr:de "$EXPORT" --help >lang.txt
check "LANGUAGE's first entry" cmp -s fr.txt lang.txt
LANG=fr_FR.UTF-8 "$EXPORT" --lang en --help >en2.txt
check "--lang en wins over the environment" cmp -s en.txt en2.txt
"$EXPORT" --lang=fr features --help >feat.txt
check "--lang=fr after: the command's help" grep -q "acceptent aussi" feat.txt

expect_exit 2 "--lang de is refused" "$EXPORT" --lang de --help
check "--lang de: one line naming the languages" \
	grep -q "^smig-export: unknown language 'de' for --lang (smig has: en, fr)$" "$T/err"
expect_exit 2 "unknown command, in French" "$IMPORT" verfy --lang fr
check "unknown command, in French: suggestion kept" grep -q "vouliez-vous dire verify" "$T/err"
expect_exit 2 "unknown option, in French" "$EXPORT" export --lang fr --sourse x
check "unknown option, in French" grep -q "option « --sourse » inconnue" "$T/err"
check "French output is UTF-8" iconv -f UTF-8 -t UTF-8 -o /dev/null fr.txt

# ---- the installed catalogue: found from the program's location ----
if [ -d "$SMIG_BUILD_DIR/locale" ]; then
	SMIG_LOCALEDIR=$T/nowhere "$EXPORT" --lang fr --help >none.txt
	check "no catalogue: English, no failure" cmp -s en.txt none.txt
fi
finish
