# tests/cli/i18n_export.sh - smig-export in French (--lang fr): its errors, help, features list
# and summary line are French, one line each as in English, valid UTF-8, and the exit codes do
# not change with the language.
source "$SMIG_SOURCE_DIR/tests/cli/lib.bash"
cd "$T"
unset LC_ALL LC_MESSAGES LANG LANGUAGE
NB=$'\xc2\xa0' # the no-break space French puts before ":", before units and inside « »

build_example lab-2008r2 src
"$EXPORT" keygen -p k.pub -s k.sec

# same_error CODE WHAT PREFIX ARGS...: the command fails with CODE in English and in French;
# the French message is one line (a usage error: its first line) starting with PREFIX, valid
# UTF-8 and not the English one
same_error() {
	local code=$1 what=$2 prefix=$3
	shift 3
	expect_exit "$code" "$what (en)" "$EXPORT" "$@"
	head -n 1 "$T/err" >"$T/err.en"
	expect_exit "$code" "$what (fr)" "$EXPORT" --lang fr "$@"
	cp "$T/err" "$T/err.fr.full"
	if [ "$code" -eq 2 ]; then
		check "$what (fr): usage error, then the French hint" \
			grep -q "^Essayez .*smig-export .*--help" "$T/err.fr.full"
		head -n 1 "$T/err.fr.full" >"$T/err.fr"
	else
		check "$what (fr): one line" test "$(wc -l <"$T/err.fr.full")" -eq 1
		cp "$T/err.fr.full" "$T/err.fr"
	fi
	check "$what (fr): starts with '$prefix'" grep -q "^$prefix" "$T/err.fr"
	check "$what (fr): valid UTF-8" iconv -f UTF-8 -t UTF-8 -o /dev/null "$T/err.fr"
	check "$what (fr): not the English message" bash -c '! cmp -s "$1" "$2"' _ "$T/err.en" "$T/err.fr"
}

# ---- errors ----
same_error 1 "missing --source folder" "smig-export: impossible d'ouvrir «${NB}nope${NB}»${NB}: " \
	inventory --source nope
same_error 1 "missing --facts folder" "smig-export: impossible d'ouvrir le dossier de faits" \
	features --source src --facts "$T/nofacts"
same_error 1 "existing key" "smig-export: «${NB}k.sec${NB}» existe déjà" keygen -p k.pub -s k.sec
same_error 2 "unknown --vm" "smig-export export: aucun ordinateur virtuel nommé «${NB}nosuch${NB}»" \
	export --source src -s k.sec -o none.smig --vm nosuch
check "unknown --vm: the VMs the host has, quoted in French" \
	grep -q "(il a${NB}: «${NB}dc01${NB}», «${NB}sql01${NB}», «${NB}test01${NB}», «${NB}web01${NB}»)" "$T/err.fr"
same_error 2 "unknown --feature" "smig-export export: fonctionnalité «${NB}nosuch${NB}» inconnue" \
	export --source src -s k.sec -o none.smig --feature nosuch

if [ -r "${SMIG_SHARED_DATA:-/nonexistent}/system-corrupted.hive" ]; then
	mkdir -p corrupt/C/Windows/System32/config
	cp "$SMIG_SHARED_DATA/system-corrupted.hive" corrupt/C/Windows/System32/config/SYSTEM
	same_error 1 "corrupted SYSTEM hive" \
		"smig-export: impossible d'ouvrir la ruche de Registre «${NB}C:.Windows.System32.config.SYSTEM${NB}»" \
		inventory --source corrupt
else
	echo "skip: ../shared/data not present, corrupt real hive not tested" >&2
fi

# a VHD whose footer is damaged: the VM cannot be exported, the cause in French
cp -r src badvhd
vhd=badvhd/D/VHD/web01.vhd
printf 'XXXXXXXX' | dd of="$vhd" bs=1 seek=$(($(stat -c %s "$vhd") - 512)) conv=notrunc 2>/dev/null
same_error 1 "VHD with a bad footer" "smig-export: l'ordinateur virtuel «${NB}web01${NB}» " \
	export --source badvhd -s k.sec -o bad.smig
check "VHD with a bad footer: the cause, in French" \
	grep -q "pas de pied de page à la fin du fichier" "$T/err.fr"
check "VHD with a bad footer: no archive" test ! -e bad.smig

# ---- help of each command ----
for cmd in features inventory keygen export; do
	"$EXPORT" --lang fr "$cmd" --help >"help-$cmd.txt"
	check "$cmd --help in French" grep -q "^usage${NB}: smig-export $cmd " "help-$cmd.txt"
	check "$cmd --help: exit codes in French" grep -q "^Codes de sortie${NB}: 0 succès" "help-$cmd.txt"
	check "$cmd --help: valid UTF-8" iconv -f UTF-8 -t UTF-8 -o /dev/null "help-$cmd.txt"
done

# ---- the features list ----
"$EXPORT" --lang fr features --source src >features.fr
"$EXPORT" features --source src >features.en
check "features: French states" grep -q "^Hyper-V (hyperv)${NB}: présente$" features.fr
check "features: French details" grep -q "trouvé 4 ordinateurs virtuels, 2 instantanés$" features.fr
check "features: no English detail left" \
	bash -c '! grep -Eq " (found|absent|present)( |$)|adapters|rules|snapshots|VMs in" features.fr'
"$EXPORT" --lang fr features --source src --format json >features-fr.json
"$EXPORT" features --source src --format json >features-en.json
check "features JSON: keys, ids and states as in English" python3 -c '
import json, sys
fr, en = (json.load(open(p)) for p in sys.argv[1:])
def shape(d):
    return [(f["id"], f.get("present"), [(c["id"], c["kind"], c["present"]) for c in f["components"]])
            for f in d["features"]]
assert shape(fr) == shape(en)
' features-fr.json features-en.json

# ---- the summary line: sizes grouped the French way ----
expect_exit 0 "export in French" "$EXPORT" --lang fr export --source src -s k.sec -o a.smig \
	--vm dc01 --type config --compress none
check "export summary in French, digits grouped by a no-break space" \
	grep -qP "^smig-export: «${NB}a\.smig${NB}» écrit${NB}: \d{1,3}(${NB}\d{3})*${NB}octets, \d+ membres$" "$T/err"
finish
