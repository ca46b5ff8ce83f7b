#!/usr/bin/env bash
# The scripts smig writes, in French (--lang fr): migrate.ps1 of the example migration and
# probe.ps1 keep the UTF-8 BOM and CRLF that Windows PowerShell 3.0 needs to read accented
# letters, pass ps2012-check, have French comments and messages, and their code is the English
# script's: with comments and string literals left out, the two are the same line for line, so
# a translation cannot change what a script does. The manual steps report of the same apply is
# French too, its codes and subjects those of the English one, its HTML well-formed.
. "$(dirname "$0")/lib.bash"

for tool in python3 bsdtar; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed: skipping"; exit 77; }
done

# code_of FILE: the script without its comments (# ... and <# ... #>) and with every string
# literal ('...', "...", here-strings) as '' — what runs, whatever the language
cat >"$T/code_of.py" <<'EOF'
import sys

def code_lines(text):
    out, i, n = [], 0, len(text)
    line, comment_only, in_block = [], True, False
    while i < n:
        c = text[i]
        if in_block:
            if text.startswith('#>', i):
                in_block = False
                i += 2
            else:
                if c == '\n':
                    pass
                i += 1
            continue
        if c == '\n':
            s = ''.join(line).rstrip()
            if s or not comment_only:
                out.append(s)
            line, comment_only = [], False
            i += 1
            continue
        if text.startswith('<#', i):
            in_block = True
            comment_only = True
            i += 2
            continue
        if c == '#':
            comment_only = not ''.join(line).strip()
            while i < n and text[i] != '\n':
                i += 1
            continue
        if c == "'" or c in '\u2018\u2019\u201a\u201b':
            i += 1
            while i < n:
                if text[i] in "'\u2018\u2019\u201a\u201b":
                    if i + 1 < n and text[i + 1] in "'\u2018\u2019\u201a\u201b":
                        i += 2
                        continue
                    break
                i += 1
            i += 1
            line.append("''")
            continue
        if c == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == '`' else 1
            i += 1
            line.append("''")
            continue
        line.append(c)
        i += 1
    return out

raw = open(sys.argv[1], 'rb').read()
assert raw.startswith(b'\xef\xbb\xbf'), 'no BOM'
text = raw[3:].decode('utf-8')
assert '\r' not in text.replace('\r\n', ''), 'a CR outside CRLF'
sys.stdout.write('\n'.join(code_lines(text.replace('\r\n', '\n'))) + '\n')
EOF
same_code() { # same_code WHAT EN FR
  python3 "$T/code_of.py" "$2" >"$T/code.en" && python3 "$T/code_of.py" "$3" >"$T/code.fr" &&
    test "$(wc -l <"$T/code.en")" -gt 100 && cmp -s "$T/code.en" "$T/code.fr" ||
    { diff "$T/code.en" "$T/code.fr" | head -20 >&2; return 1; }
}
has() { # has FILE TEXT: TEXT in FILE, any run of spaces, line ends and no-break spaces as one
  python3 -c 'import re,sys; n=lambda s: re.sub(r"[\s\u00a0]+", " ", s); sys.exit(n(sys.argv[2]) not in n(open(sys.argv[1], encoding="utf-8-sig").read()))' "$1" "$2"
}
bom_crlf() { # bom_crlf FILE
  python3 -c 'import sys; b=open(sys.argv[1],"rb").read(); assert b[:3]==b"\xef\xbb\xbf"; assert b.count(b"\n")==b.count(b"\r\n")>50; b[3:].decode("utf-8")' "$1"
}

# ---- probe.ps1 ----
"$IMPORT" probe-script -o "$T/probe-en.ps1"
"$IMPORT" probe-script --lang fr -o "$T/probe-fr.ps1"
check "probe.ps1 in French: BOM, CRLF, UTF-8" bom_crlf "$T/probe-fr.ps1"
check "probe.ps1 in French: its help" grep -q "^Écrit dest-facts.json" "$T/probe-fr.ps1"
check "probe.ps1 in French: its message, the apostrophes doubled" \
  grep -qF "(Exécuter en tant qu''administrateur)" "$T/probe-fr.ps1"
check "probe.ps1 in French: the English words are gone" \
  bash -c '! grep -q "Run it elevated\|changes nothing" "$1"' _ "$T/probe-fr.ps1"
check "probe.ps1: the French code is the English code" same_code probe "$T/probe-en.ps1" \
  "$T/probe-fr.ps1"
ps2012_check "probe.ps1 in French" "$T/probe-fr.ps1"
env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG=fr_FR.UTF-8 "$IMPORT" probe-script -o "$T/probe-env.ps1"
check "probe.ps1: LANG=fr_FR.UTF-8 is --lang fr" cmp -s "$T/probe-fr.ps1" "$T/probe-env.ps1"

# ---- migrate.ps1 and the manual steps of the example migration ----
build_example lab-2008r2 "$T/src"
build_example lab-2012 "$T/dst0"
export TMPDIR=$T/tmp
mkdir "$TMPDIR"
"$EXPORT" keygen -p "$T/k.pub" -s "$T/k.sec" >/dev/null
"$EXPORT" export --source "$T/src" -s "$T/k.sec" --progress never -o "$T/a.smig" 2>/dev/null
ID=$(bsdtar -xOf "$T/a.smig" smig/descriptor.xml | sed -n 's:.*<archive-id>\(.*\)</archive-id>.*:\1:p')
MAPS=(--ipconfig-mode nic --map-mac 00-1E-C9-3A-5B-02=A0-36-9F-12-34-57)
for lang in en fr; do
  cp -a "$T/dst0" "$T/d-$lang"
  expect_exit 0 "apply --lang $lang" "$IMPORT" apply --lang $lang -p "$T/k.pub" "$T/a.smig" \
    --dest "$T/d-$lang" --discard-saved-state "${MAPS[@]}"
done
EN=$T/d-en/C/smig-reports/$ID
FR=$T/d-fr/C/smig-reports/$ID
check "migrate.ps1 in French: BOM, CRLF, UTF-8" bom_crlf "$FR/migrate.ps1"
check "migrate.ps1 in French: the comment that says why the BOM" \
  grep -q "^# Le fichier est en UTF-8 avec une marque d'ordre d'octet" "$FR/migrate.ps1"
check "migrate.ps1 in French: the phase titles" grep -q "^# ==== 1. prérequis ====" "$FR/migrate.ps1"
check "migrate.ps1 in French: a message" \
  grep -qF "'prerequisites' 'elevated' '' 'done' 'exécuté avec élévation de privilèges'" "$FR/migrate.ps1"
check "migrate.ps1 in French: a message with values, as a -f format" \
  has "$FR/migrate.ps1" "'la phase s''est arrêtée : {0}' -f \$_.Exception.Message"
check "migrate.ps1 in French: a parameter's comment" \
  has "$FR/migrate.ps1" "# -SourceIsOff : l'hôte source est éteint ou déconnecté du réseau"
check "migrate.ps1 in French: no English message left" \
  bash -c '! grep -q "already\x27\|is not running\|by hand" "$1"' _ "$FR/migrate.ps1"
check "migrate.ps1 in French: the states and keys the log and smig-state.json hold stay" \
  grep -q "result = \$Result" "$FR/migrate.ps1"
check "migrate.ps1: the French code is the English code" same_code migrate "$EN/migrate.ps1" \
  "$FR/migrate.ps1"
ps2012_check "migrate.ps1 in French" "$FR/migrate.ps1"
check "migrate.ps1: each -f format of the French script takes the English one's arguments" python3 -c '
import re, sys
fmt = re.compile(r"\x27((?:[^\x27]|\x27\x27)*)\x27 -f ")
def formats(p):
    return fmt.findall(open(p, encoding="utf-8-sig").read())
en, fr = formats(sys.argv[1]), formats(sys.argv[2])
assert len(en) == len(fr) > 50, (len(en), len(fr))
for e, f in zip(en, fr):
    assert not re.sub(r"\{\d+(:N0)?\}", "", f).count("{") and not re.sub(r"\{\d+(:N0)?\}", "", f).count("}"), f
    assert sorted(set(re.findall(r"\{(\d+)", e))) == sorted(set(re.findall(r"\{(\d+)", f))), (e, f)' \
  "$EN/migrate.ps1" "$FR/migrate.ps1"

check "manual steps in French" has "$FR/manual-steps.txt" \
  "l'hôte source « HV-SRC01 » a toujours les ordinateurs virtuels, avec les mêmes ID"
check "manual steps in French: the PowerShell of a step, its placeholder translated" \
  has "$FR/manual-steps.txt" ".\\migrate.ps1 -Adapter_External_LAN '<carte réseau de destination>'"
check "manual steps in French: the English sentences are gone" \
  bash -c '! grep -q "still has the VMs\|was not migrated" "$1"' _ "$FR/manual-steps.txt"
check "manual steps: the same codes and subjects in both languages" python3 -c '
import json,sys
def items(p):
    d=json.load(open(p))
    return sorted((i["id"], i["subject"], i["severity"]) for i in d["items"])
en, fr = items(sys.argv[1]), items(sys.argv[2])
assert en == fr and len(en) > 3, (en, fr)' "$EN/manual-steps.json" "$FR/manual-steps.json"
if command -v xmllint >/dev/null; then
  check "manual steps HTML in French is well-formed" xmllint --noout "$FR/manual-steps.html"
  check "manual steps HTML in English is well-formed" xmllint --noout "$EN/manual-steps.html"
fi
finish
