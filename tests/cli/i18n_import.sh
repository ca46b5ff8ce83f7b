#!/usr/bin/env bash
# tests/cli/i18n_import.sh - smig-import's messages in French (--lang fr): the errors of the
# archive and crypto code (a damaged archive, a wrong key, an encrypted archive without or with
# a wrong passphrase), the blocked apply, the help and summary lines. Each French error is one
# line starting with "smig-import: ", valid UTF-8, not the English line, and the exit code is
# the same in both languages: the language never reaches what scripts read.
. "$(dirname "$0")/lib.bash"

if ! "$EXPORT" export --help >/dev/null 2>&1 || [ ! -x "$IMPORT" ]; then
  echo "smig-export export or smig-import is not built: skipping"
  exit 77
fi
command -v python3 >/dev/null || { echo "python3 is not installed: skipping"; exit 77; }

build_example lab-2008r2 "$T/src"
build_example lab-2012 "$T/dst"
export TMPDIR=$T/tmp
mkdir "$TMPDIR"
NB=$(printf '\302\240') # French puts a no-break space before ':' and ';'
"$EXPORT" keygen -p "$T/k.pub" -s "$T/k.sec" >/dev/null
"$EXPORT" keygen -p "$T/other.pub" -s "$T/other.sec" >/dev/null
ex() {
  "$EXPORT" export --source "$T/src" -s "$T/k.sec" --progress never --compress none "$@" \
    2>"$T/export.log" || { cat "$T/export.log" >&2; exit 1; }
}
ex -o "$T/a.smig"
printf 'correct horse battery staple\n' >"$T/pw"
printf 'wrong horse\n' >"$T/bad-pw"
chmod 600 "$T/pw" "$T/bad-pw"
ex -o "$T/a.smig.age" --passphrase-file "$T/pw"
# a damaged copy: one byte of the first VHD's data changed (the archive is not compressed, so
# the tar structure stays valid and the hash check must catch it)
python3 - "$T/a.smig" "$T/damaged.smig" <<'EOF'
import sys
data = bytearray(open(sys.argv[1], 'rb').read())
i = data.find(b'conectix')  # a VHD footer or header copy
assert i > 0, 'no VHD in the archive'
data[i + 600] ^= 0xFF
open(sys.argv[2], 'wb').write(data)
EOF

# fr_error CODE WHAT ARGS...: the command fails with CODE in English and in French; the French
# error is one UTF-8 line starting with "smig-import: " and differs from the English one.
fr_error() {
  local code=$1 what=$2
  shift 2
  expect_exit "$code" "$what (English)" "$IMPORT" "$@"
  cp "$T/err" "$T/en.err"
  check "$what (English): one line" one_line_error smig-import
  expect_exit "$code" "$what (French, same exit code)" "$IMPORT" "$@" --lang fr
  cp "$T/err" "$T/fr.err"
  check "$what (French): one line starting with 'smig-import: '" one_line_error smig-import
  check "$what (French): valid UTF-8" iconv -f UTF-8 -t UTF-8 -o /dev/null "$T/fr.err"
  check "$what (French): not the English message ($(cat "$T/fr.err"))" \
    bash -c '! cmp -s "$1" "$2"' _ "$T/en.err" "$T/fr.err"
}

# ---- trust failures: exit 3 ----
fr_error 3 "verify of a damaged archive" verify -p "$T/k.pub" "$T/damaged.smig"
check "damaged archive: the French message names the hash" grep -q "SHA-256" "$T/fr.err"
fr_error 3 "verify with the wrong public key" verify -p "$T/other.pub" "$T/a.smig"
check "wrong key: French sentence" grep -q "la signature a été faite avec une autre clé" \
  "$T/fr.err"
fr_error 3 "features with the wrong public key" features -p "$T/other.pub" "$T/a.smig"
fr_error 3 "an age archive with a wrong passphrase" verify -p "$T/k.pub" \
  --passphrase-file "$T/bad-pw" "$T/a.smig.age"
check "wrong passphrase: French sentence" grep -q "phrase secrète incorrecte" "$T/fr.err"
fr_error 3 "preflight of a damaged archive" preflight -p "$T/k.pub" "$T/damaged.smig" \
  --dest "$T/dst"

# ---- usage errors: exit 2 ----
fr_error 2 "an age archive without a passphrase" verify -p "$T/k.pub" "$T/a.smig.age"
check "no passphrase: names the options" grep -q -- "--identity ou --passphrase-file" "$T/fr.err"
chmod 644 "$T/bad-pw"
fr_error 2 "a passphrase file readable by others" verify -p "$T/k.pub" \
  --passphrase-file "$T/bad-pw" "$T/a.smig.age"
check "open passphrase file: the chmod advice kept" grep -q "chmod 600" "$T/fr.err"
# a usage error: "smig-import verify: ..." and the line saying what to try
expect_exit 2 "--max-scrypt-work out of range (French)" "$IMPORT" verify -p "$T/k.pub" \
  --max-scrypt-work 99 "$T/a.smig.age" --lang fr
check "--max-scrypt-work (French): the usage error" \
  grep -q "^smig-import verify: --max-scrypt-work «${NB}99${NB}» non valide" "$T/err"
check "--max-scrypt-work (French): what to try" grep -q "^Essayez « smig-import verify --help »" \
  "$T/err"
# the unknown --vm message is the import plan's: here only its exit code and form
expect_exit 2 "an unknown --vm (French)" "$IMPORT" preflight -p "$T/k.pub" "$T/a.smig" \
  --dest "$T/dst" --vm nosuch --lang fr
check "an unknown --vm (French): one line" one_line_error smig-import

# ---- operational errors: exit 1 ----
fr_error 1 "rollback with no journal" rollback --dest "$T/dst"
check "rollback: French sentence" grep -q "aucun journal d'apply à annuler" "$T/fr.err"

# ---- blocked: exit 4, nothing changed ----
expect_exit 4 "preflight blocked (French)" "$IMPORT" preflight -p "$T/k.pub" "$T/a.smig" \
  --dest "$T/dst" --lang fr
check "preflight (French): the report's title" grep -q "^Rapport de compatibilité (preflight)$" \
  "$T/out"
check "preflight (French): codes stay" grep -q "SMIG1003" "$T/out"
fr_error 4 "apply blocked" apply -p "$T/k.pub" "$T/a.smig" --dest "$T/dst"
check "apply blocked: the count and the advice" \
  grep -q "^smig-import: .*${NB}: 2 blocages${NB}: rien n'a été modifié" "$T/fr.err"
check "apply blocked: no journal left" test ! -e "$T/dst/smig-journal"

# ---- what succeeds: the summary line, the help ----
expect_exit 0 "verify (French)" "$IMPORT" verify -p "$T/k.pub" --passphrase-file "$T/pw" \
  "$T/a.smig.age" --lang fr
check "verify (French): the OK line" \
  grep -q "a.smig.age${NB}: OK ([0-9]* membres, identifiant d'archive [0-9a-f-]*)$" "$T/out"
expect_exit 0 "what-if (French)" "$IMPORT" apply -p "$T/k.pub" "$T/a.smig" --dest "$T/dst" \
  --discard-saved-state --what-if --lang fr
check "what-if (French): the count" grep -q "^what if${NB}: apply ferait [0-9]* modifications dans" \
  "$T/out"
check "what-if (French): the changes described" grep -q "^  [0-9]*\. créer le dossier " "$T/out"
check "what-if (French): nothing changed" grep -q "^what if${NB}: rien n'a été modifié$" "$T/out"
for cmd in verify features preflight apply report rollback; do
  expect_exit 0 "$cmd --help (French)" "$IMPORT" $cmd --help --lang fr
  check "$cmd --help (French): exit codes" grep -q "^Codes de sortie" "$T/out"
  check "$cmd --help (French): UTF-8" iconv -f UTF-8 -t UTF-8 -o /dev/null "$T/out"
  check "$cmd --help (French): no line wider than 100 columns" python3 -c '
import sys
sys.exit(any(len(l.rstrip("\n")) > 100 for l in open(sys.argv[1], encoding="utf-8")))' "$T/out"
done
expect_exit 0 "features (French)" "$IMPORT" features -p "$T/k.pub" "$T/a.smig" --dest "$T/dst" \
  --lang fr
check "features (French): the header line" grep -q "^Archive${NB}: .*créée le [0-3][0-9]/[01][0-9]/20" \
  "$T/out"
check "features (French): sizes grouped by thousands" \
  grep -q "^Hyper-V (hyperv)${NB}: [0-9]* membres, [0-9]*${NB}[0-9][0-9][0-9]${NB}[0-9][0-9][0-9]${NB}octets$" \
  "$T/out"
check "features (French): the destination's answer" grep -q "destination${NB}: peut la recevoir" \
  "$T/out"
expect_exit 0 "features --format json (French)" "$IMPORT" features -p "$T/k.pub" "$T/a.smig" \
  --format json --lang fr
check "features JSON (French): keys and values stay English" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["archive"].endswith("a.smig") and "features" in d and d["created"].endswith("Z")' "$T/out"
check "nothing left in TMPDIR" test -z "$(ls -A "$TMPDIR")"
finish
