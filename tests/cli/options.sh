# tests/cli/options.sh - the options every command shares (-q, -v, --version, --log), the
# one-line option errors with their suggestions, options a command does not use refused, and
# the bash completion of both programs (completion/).
source "$SMIG_SOURCE_DIR/tests/cli/lib.bash"
cd "$T"
# usage_line PROG CMD PATTERN: exit 2, the first line names the command and matches PATTERN
usage_line() {
	local what=$1 pattern=$2
	check "$what: one error line" test "$(wc -l <"$T/err")" -eq 2
	check "$what: says '$pattern'" grep -q -- "$pattern" "$T/err"
}

build_example lab-2008r2 host
"$EXPORT" keygen -p k.pub -s k.sec

# ---- near misses ----
expect_exit 2 "exprot" "$EXPORT" exprot
usage_line exprot "^smig-export: unknown command 'exprot': did you mean export?"
expect_exit 2 "verfy" "$IMPORT" verfy
usage_line verfy "did you mean verify?"
expect_exit 2 "nothing near" "$IMPORT" zzzzzzzz
check "no suggestion when nothing is near" grep -vq "did you mean" "$T/err"
expect_exit 2 "--sourse" "$EXPORT" export --sourse host
usage_line --sourse "^smig-export export: unknown option '--sourse': did you mean --source?"
expect_exit 2 "--dset" "$IMPORT" apply --dset x
usage_line --dset "^smig-import apply: unknown option '--dset': did you mean --dest?"
expect_exit 2 "missing argument" "$EXPORT" export --source
usage_line "missing argument" "option '--source' needs an argument"
expect_exit 2 "argument to a flag" "$EXPORT" export --force=yes
usage_line "argument to a flag" "option '--force' takes no argument"

# ---- options a command does not use ----
expect_exit 2 "apply --format" "$IMPORT" apply --format json -p k.pub a.smig --dest host
usage_line "apply --format" "^smig-import apply: --format is not an option of 'apply'"
expect_exit 2 "preflight --report-dir" "$IMPORT" preflight --report-dir d -p k.pub a.smig --dest host
usage_line "preflight --report-dir" "--report-dir is not an option of 'preflight'"
expect_exit 2 "rollback --vm" "$IMPORT" rollback --dest host --vm web01
usage_line "rollback --vm" "--vm is not an option of 'rollback'"
expect_exit 2 "report --what-if" "$IMPORT" report --what-if -p k.pub a.smig --dest host
usage_line "report --what-if" "--what-if is not an option of 'report'"
expect_exit 2 "features --progress" "$EXPORT" features --source host --progress never
expect_exit 2 "verify --progress bogus" "$IMPORT" verify --progress bogus -p k.pub a.smig

# ---- --version on every command ----
for c in features inventory keygen export; do
	expect_exit 0 "export $c --version" "$EXPORT" "$c" --version
	check "export $c --version" grep -qx "smig-export [0-9.]*" "$T/out"
done
for c in verify features preflight apply report rollback probe-script; do
	expect_exit 0 "import $c --version" "$IMPORT" "$c" --version
	check "import $c --version" grep -qx "smig-import [0-9.]*" "$T/out"
done

# ---- --vm with a name the host does not have lists its VMs ----
expect_exit 2 "export --vm nosuchvm" "$EXPORT" export --source host -s k.sec -o x.smig --vm nosuchvm
check "--vm nosuchvm lists the VMs" grep -q "no VM named 'nosuchvm' on the host (it has: .*'web01'" "$T/err"
check "--vm nosuchvm wrote nothing" test ! -e x.smig

# ---- -q, -v ----
expect_exit 0 "export -q" "$EXPORT" export -q --source host -s k.sec -o a.smig
check "-q: nothing on stderr" test ! -s "$T/err"
expect_exit 0 "export -v" "$EXPORT" export -v --source host -s k.sec -o b.smig --force --progress never
check "-v: the steps" grep -q "^smig-export export: planning" "$T/err"
check "-v: the summary" grep -q "^smig-export: wrote 'b.smig'" "$T/err"

# ---- report takes the archive positionally; --against still works ----
mkdir -p dest
build_example lab-2012 dest
expect_exit 0 "apply" "$IMPORT" apply -q -p k.pub a.smig --dest dest --force --log apply.log
check "apply -q prints no summary on stderr" test ! -s "$T/err"
expect_exit 0 "report ARCHIVE" "$IMPORT" report -p k.pub a.smig --dest dest --format json
cp "$T/out" positional.json
expect_exit 0 "report --against" "$IMPORT" report -p k.pub --against a.smig --dest dest --format json
check "report ARCHIVE = report --against ARCHIVE (but for the generation time)" python3 -c '
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
for d in (a, b):
    d.pop("generated_utc", None)
assert a == b
' positional.json "$T/out"
expect_exit 2 "report ARCHIVE twice" "$IMPORT" report -p k.pub --against a.smig b.smig --dest dest

# ---- the log of an import command ----
check "apply --log" python3 - apply.log <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert all(l["command"] == "apply" and "time" in l for l in lines), lines
assert lines[0]["step"] == "start" and lines[-1]["step"] == "end" and lines[-1]["success"], lines
steps = [l["step"] for l in lines]
# as it goes: the archive verified, the findings, each change, then the verification
assert steps.index("verified") < steps.index("change") < steps.index("end"), steps
assert any(l["step"] == "preflight" and l.get("code", "").startswith("SMIG") for l in lines), lines
changes = [l for l in lines if l["step"] == "change"]
assert changes and all(l["success"] and l["item"] for l in changes), changes
assert [l for l in lines if l["step"] == "verified"][0]["success"], lines
PY
check "apply --log matches the log schema" python3 "$SMIG_SOURCE_DIR/tests/cli/schema-check.py" --lines \
  "$SMIG_SOURCE_DIR/schemas/smig-export-log.schema.json" apply.log
expect_exit 1 "--log in a missing folder" "$EXPORT" features --source host --log no/such/dir.log
check "--log error names the file" one_line_error smig-export
check "--log error names the file" grep -q "no/such/dir.log" "$T/err"
# --log follows -o's rules: a link is refused, its target untouched; a FIFO is written in place
echo keep >"$T/logtarget"
ln -s "$T/logtarget" "$T/loglink"
expect_exit 2 "--log a symlink is refused" "$EXPORT" features --source host --log "$T/loglink"
check "--log symlink: one line naming it" one_line_error smig-export
check "--log symlink: named" grep -q "loglink.*symbolic link" "$T/err"
check "--log symlink: target untouched" grep -qx keep "$T/logtarget"
mkfifo "$T/logfifo"
cat "$T/logfifo" >"$T/logfifo.out" &
logreader=$!
expect_exit 0 "--log a FIFO" timeout 60 "$EXPORT" features --source host --log "$T/logfifo"
wait "$logreader" || true
check "--log FIFO: still a FIFO" test -p "$T/logfifo"
check "--log FIFO: the log arrived" grep -q '"step":"start"' "$T/logfifo.out"

# ---- no staging names in messages ----
"$EXPORT" keygen -p other.pub -s other.sec
expect_exit 3 "verify with the wrong key" "$IMPORT" verify -p other.pub a.smig
check "no staging path in messages" grep -vqE '\.smig-import-|\.partial-' "$T/err"

# ---- bash completion ----
comp() { PATH=$SMIG_BUILD_DIR:$PATH bash -c "source '$SMIG_SOURCE_DIR/completion/$1'; COMP_WORDS=($2); COMP_CWORD=$3; $4; echo \${COMPREPLY[@]}"; }
check "completion: import commands" test "$(comp smig-import 'smig-import pre' 1 _smig_import)" = preflight
check "completion: apply options" test "$(comp smig-import 'smig-import apply --what' 2 _smig_import)" = --what-if
check "completion: export commands" test "$(comp smig-export 'smig-export ex' 1 _smig_export)" = export
check "completion: --progress values" test "$(comp smig-export 'smig-export export --progress j' 3 _smig_export)" = json
check "completion: report does not offer --what-if" test -z "$(comp smig-import 'smig-import report --what' 2 _smig_import)"

# ---- progress of the import commands: the archive read, as JSON lines ----
"$EXPORT" export --source host -s k.sec -o p.smig --progress never 2>/dev/null
build_example lab-2012 dst
expect_exit 0 "verify --progress json" "$IMPORT" verify --progress json -p k.pub p.smig
size=$(stat -c %s p.smig)
check "verify: JSON progress lines, bytes never above the total" python3 -c '
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
assert len(lines) >= 2, lines
assert all(0 <= l["bytes"] <= l["total"] == int(sys.argv[2]) for l in lines), lines
assert lines[-1]["bytes"] == int(sys.argv[2]), lines[-1]
' "$T/err" "$size"
expect_exit 4 "preflight --progress json" "$IMPORT" preflight --progress json -p k.pub p.smig --dest dst
check "preflight draws progress too" grep -q '^{"bytes":' "$T/err"
expect_exit 4 "preflight -q: no progress" "$IMPORT" preflight -q -p k.pub p.smig --dest dst
check "-q: nothing drawn" bash -c '! grep -q "bytes" "$1"' _ "$T/err"
finish
