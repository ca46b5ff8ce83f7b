# tests/cli/i18n_reports.sh - the example migration (scripts/demo.sh) in English and in French:
# the same exit codes, JSON that differs only in human text, French text and HTML reports that
# are valid UTF-8, well-formed, in French conventions (sizes, dates) and with no English
# sentence left. On failure the English lines left in a French report are printed.
source "$SMIG_SOURCE_DIR/tests/cli/lib.bash"
cd "$T"
maps=(--discard-saved-state --ipconfig-mode nic --map-mac 00-1E-C9-3A-5B-02=A0-36-9F-12-34-57)

# run LANG NAME OUT cmd...: run one step in language LANG ("en", "fr": --lang; "env": French
# from LANG=fr_FR.UTF-8 with LC_ALL, LC_MESSAGES and LANGUAGE unset), its stdout in OUT, its
# exit code in codes.LANG
run() {
  local lang=$1 name=$2 out=$3 rc=0 prog=$4
  shift 4
  if [ "$lang" = env ]; then
    env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG=fr_FR.UTF-8 "$prog" "$@" >"$out" 2>"$out.err" || rc=$?
  else
    "$prog" --lang "$lang" "$@" >"$out" 2>"$out.err" || rc=$?
  fi
  echo "$name $rc" >>"codes.$lang"
}

# migrate LANG: the whole example migration in that language, under $T/LANG
migrate() {
  local l=$1 d=$T/$1
  mkdir -p "$d"
  build_example lab-2008r2 "$d/src"
  build_example lab-2012 "$d/dst"
  : >"codes.$l"
  run "$l" features "$d/features.txt" "$EXPORT" features --source "$d/src"
  for f in text json html; do
    run "$l" "inventory-$f" "$d/inventory.$f" "$EXPORT" inventory --source "$d/src" --format "$f"
  done
  run "$l" keygen "$d/keygen.txt" "$EXPORT" keygen -p "$d/k.pub" -s "$d/k.sec" -c "smig i18n test"
  run "$l" export "$d/export.txt" "$EXPORT" export --source "$d/src" -s "$d/k.sec" -o "$d/a.smig" \
    --progress never
  run "$l" verify "$d/verify.txt" "$IMPORT" verify -p "$d/k.pub" "$d/a.smig"
  run "$l" import-features "$d/import-features.txt" "$IMPORT" features -p "$d/k.pub" "$d/a.smig" \
    --dest "$d/dst"
  for f in text json html; do
    run "$l" "preflight-$f" "$d/preflight.$f" "$IMPORT" preflight -p "$d/k.pub" "$d/a.smig" \
      --dest "$d/dst" "${maps[@]}" --format "$f"
  done
  run "$l" apply "$d/apply.txt" "$IMPORT" apply -p "$d/k.pub" "$d/a.smig" --dest "$d/dst" "${maps[@]}"
  for f in text json html; do
    run "$l" "report-$f" "$d/report.$f" "$IMPORT" report --dest "$d/dst" -p "$d/k.pub" \
      --against "$d/a.smig" --format "$f"
  done
  # the reports apply wrote, beside migrate.ps1
  for r in "$d"/dst/C/smig-reports/*/*.txt "$d"/dst/C/smig-reports/*/*.json \
    "$d"/dst/C/smig-reports/*/*.html; do
    [ -f "$r" ] && cp "$r" "$d/applied-$(basename "$r")"
  done
  cp "$d"/dst/C/smig-reports/*/migrate.ps1 "$d/migrate.ps1" 2>/dev/null || true
}

migrate en
migrate fr
# one step chosen by the environment alone, as a French admin's shell would
mkdir -p "$T/env"
: >codes.env
run env inventory-text "$T/env/inventory.text" "$EXPORT" inventory --source "$T/fr/src" --format text
check "LANG=fr_FR.UTF-8 alone gives the French inventory" cmp -s "$T/env/inventory.text" "$T/fr/inventory.text"
check "LANG=fr_FR.UTF-8: the same exit code" \
  test "$(cat codes.env)" = "$(grep '^inventory-text ' codes.fr)"

# ---- exit codes ----
check "the same exit codes in both languages ($(paste -sd' ' codes.en))" cmp -s codes.en codes.fr
check "the migration ran (apply exit 0)" grep -q '^apply 0$' codes.en

# ---- JSON: the same but for human text and the generation time ----
cat >jsoncmp.py <<'EOF'
import json, sys
# what differs from one export or run to the next whatever the language
SKIP = {"generated_utc", "archive_id", "exported", "created", "created_utc"}
# "powershell": a manual step's command, whose <placeholders> are words for the admin to replace
HUMAN = {"message", "action", "title", "plan", "support_reason", "hyperv_reason", "description",
         "differences",
         "powershell"}
def walk(a, b, path, out):
    if isinstance(a, dict) and isinstance(b, dict):
        if list(a) != list(b):
            out.append("%s: keys %s != %s" % (path, list(a), list(b)))
            return
        for k in a:
            if k in SKIP:
                continue
            if k in HUMAN:
                if type(a[k]) is not type(b[k]):
                    out.append("%s.%s: type differs" % (path, k))
                continue
            walk(a[k], b[k], path + "." + k, out)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append("%s: %d items != %d" % (path, len(a), len(b)))
            return
        for i, (x, y) in enumerate(zip(a, b)):
            walk(x, y, "%s[%d]" % (path, i), out)
    elif isinstance(a, str) and isinstance(b, str):
        # the two runs live in .../en and .../fr
        if a.replace("/en/", "/X/") != b.replace("/fr/", "/X/"):
            out.append("%s: %r != %r" % (path, a, b))
    elif a != b:
        out.append("%s: %r != %r" % (path, a, b))
out = []
walk(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), "$", out)
print("\n".join(out[:20]))
sys.exit(1 if out else 0)
EOF
for j in inventory.json preflight.json report.json applied-compatibility.json \
  applied-manual-steps.json applied-verification.json; do
  if [ -f "en/$j" ] && [ -f "fr/$j" ]; then
    if python3 jsoncmp.py "en/$j" "fr/$j" >jsondiff.txt 2>&1; then ok; else
      bad "$j: the French JSON differs beyond human text: $(head -c 600 jsondiff.txt)"; fi
  else
    bad "$j: missing in one language"
  fi
done

# ---- French text and HTML: UTF-8, well-formed, French conventions ----
cat >htmlcheck.py <<'EOF'
import sys
from html.parser import HTMLParser
VOID = {"br", "meta", "link", "img", "hr", "input", "col", "area", "base", "wbr", "source"}
class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.err = [], []
    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append((tag, self.getpos()))
    def handle_startendtag(self, tag, attrs):
        pass
    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1][0] != tag:
            self.err.append("line %d: </%s> closes %s" % (self.getpos()[0], tag,
                            self.stack[-1] if self.stack else "nothing"))
        else:
            self.stack.pop()
p = P()
p.feed(open(sys.argv[1], encoding="utf-8").read())
p.close()
if p.stack:
    p.err.append("unclosed: %s" % p.stack)
print("\n".join(p.err[:10]))
sys.exit(1 if p.err else 0)
EOF
for l in en fr; do
  for h in "$l"/*.html; do
    check "$h: valid UTF-8" iconv -f UTF-8 -t UTF-8 -o /dev/null "$h"
    check "$h: lang=\"$l\"" grep -q "<html lang=\"$l\">" "$h"
    check "$h: charset UTF-8" grep -qi '<meta charset="utf-8"' "$h"
    if command -v xmllint >/dev/null; then
      check "$h: well-formed HTML (xmllint --html)" sh -c "xmllint --html --noout '$h' 2>&1 | grep -q . && exit 1 || exit 0"
      check "$h: well-formed XML (XHTML-compatible, xmllint)" xmllint --noout "$h"
    fi
    if python3 htmlcheck.py "$h" >htmlcheck.out 2>&1; then ok; else bad "$h: tags: $(head -c 400 htmlcheck.out)"; fi
  done
done
for t in fr/*.text fr/*.txt fr/*.json; do
  check "$t: valid UTF-8" iconv -f UTF-8 -t UTF-8 -o /dev/null "$t"
done
NB=$'\xc2\xa0' # the no-break space before a unit
check "French inventory: sizes in Gio/Mio/octets" grep -qE "[0-9],?[0-9]*$NB(Gio|Mio|Kio|octets)" fr/inventory.text
check "French inventory HTML: a dd/mm/yyyy date" grep -qE '[0-3][0-9]/[01][0-9]/[0-9]{4}' fr/inventory.html
check "French inventory: no English size unit" sh -c "! grep -qE '[0-9] (GiB|MiB|KiB|bytes)\b' fr/inventory.text"
check "French inventory HTML: sizes in Gio/Mio" grep -qE "[0-9]$NB(Gio|Mio|Kio|octets)" fr/inventory.html
check "English inventory keeps 'GiB'" grep -qE '[0-9] (GiB|MiB)' en/inventory.text

# ---- no English sentence left in the French reports ----
# A line of a French report that is also, word for word, a line of the English report and that
# holds English function words is English left untranslated. Quoted names ('…', "…", « … »),
# paths and codes are the host's, not sentences: they are removed before looking for words.
cat >english.py <<'EOF'
import html, re, sys
STOP = set("the and is are was were not with from will this that has have be to of on for by "
           "an it its no into cannot could should would".split())
def lines(path):
    text = open(path, encoding="utf-8", errors="replace").read()
    if path.endswith(".ps1"):
        # the script's words: its comments and the messages it writes; its code is PowerShell
        out = []
        for l in text.split("\n"):
            l = l.strip()
            if l.startswith("#"):
                out.append(l)
            elif re.search(r"Write-(Host|Warning|Verbose|Error|Output)|throw|Log-", l):
                out += [m.strip() for m in re.findall(r'"([^"]*)"', l)]
        return [l for l in out if l]
    if path.endswith(".html"):
        text = re.sub(r"<style>.*?</style>", "", text, flags=re.S)
        text = re.sub(r"<[^>]+>", "\n", text)
        text = html.unescape(text)
    return [l.strip() for l in text.split("\n") if l.strip()]
def words(line):
    line = re.sub(r"'[^']*'|\"[^\"]*\"|«[^»]*»", " ", line)
    line = re.sub(r"\S*[\\/]\S*", " ", line)
    return set(w.lower() for w in re.findall(r"[A-Za-z]+", line))
en, fr = lines(sys.argv[1]), lines(sys.argv[2])
enset = set(en)
bad = [l for l in fr if l in enset and words(l) & STOP]
for l in sorted(set(bad)):
    print("  " + l)
sys.exit(1 if bad else 0)
EOF
for f in features.txt inventory.text inventory.html preflight.text preflight.html report.text \
  report.html applied-compatibility.txt applied-compatibility.html applied-manual-steps.txt \
  applied-manual-steps.html applied-verification.txt applied-verification.html apply.txt \
  import-features.txt verify.txt export.txt migrate.ps1; do
  [ -f "en/$f" ] && [ -f "fr/$f" ] || { bad "$f: missing in one language"; continue; }
  if python3 english.py "en/$f" "fr/$f" >english.out 2>&1; then ok; else
    bad "$f: English left in the French report:"
    cat english.out >&2
  fi
done
[ -n "${SMIG_KEEP:-}" ] && cp -r "$T/en" "$T/fr" "$SMIG_KEEP"/ 2>/dev/null
finish
