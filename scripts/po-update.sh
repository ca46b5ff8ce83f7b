#!/usr/bin/env bash
# Extract the translatable texts of the C sources into po/smig.pot (not committed: made from
# the code) and merge them into every po/<lang>.po, so that a translator sees what is new
# (untranslated) or changed (fuzzy). tests/cli/i18n.sh runs the same extraction and fails while
# any text is untranslated or fuzzy.
#
# usage: scripts/po-update.sh [--pot-only FILE]   (--pot-only: write the template to FILE and
#                                                  touch no .po: what the test uses)
set -euo pipefail
cd "$(dirname "$0")/.."

pot=po/smig.pot
pot_only=0
if [ "${1:-}" = --pot-only ]; then
	pot=$2
	pot_only=1
fi

# The keywords of common/i18n.h, and every printf-like function of smig (SMIG_PRINTF in the
# headers): the texts they take are C formats, which msgfmt --check then compares with their
# translations.
flags=(
	--keyword=_ --keyword=N_ --keyword=P_:1,2
	--flag=_:1:pass-c-format --flag=N_:1:pass-c-format --flag=P_:1:pass-c-format
	--flag=P_:2:pass-c-format
	--flag=smig_err_set:3:c-format --flag=smig_err_vset:3:c-format
	--flag=smig_err_sys:3:c-format --flag=smig_problems_add:8:c-format
	--flag=smig_problems_vadd:8:c-format --flag=smig_scan_note:5:c-format
	--flag=smig_strbuf_printf:2:c-format --flag=smig_verdict_ok:2:c-format
	--flag=smig_verdict_bad:2:c-format --flag=smig_verdict_info:5:c-format
	--flag=smig_asprintf:2:c-format --flag=smig_cli_usage_error:3:c-format
	--flag=smig_cli_verbose:1:c-format --flag=usage_error:2:c-format --flag=usage:1:c-format
)
find common cli smig-export smig-import -name '*.c' | LC_ALL=C sort >po/.sources
xgettext --language=C --from-code=UTF-8 --add-comments=TRANSLATORS: --sort-by-file \
	--package-name=smig --msgid-bugs-address=none --no-wrap \
	"${flags[@]}" --files-from=po/.sources -o "$pot"
rm -f po/.sources
[ "$pot_only" = 1 ] && exit 0
for po in po/*.po; do
	msgmerge --quiet --update --backup=none --no-wrap "$po" "$pot"
	printf '%s: ' "$po"
	msgfmt --check --statistics -o /dev/null "$po"
done
