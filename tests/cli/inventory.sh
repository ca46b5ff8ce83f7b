#!/usr/bin/env bash
# smig-export help, usage errors, features and the pre-migration report in three formats,
# and bad input: each with its documented exit code and a one-line error.
. "$(dirname "$0")/lib.bash"

build_example lab-2008r2 "$T/src"
build_example lab-2012 "$T/dst"

# --help on stdout with exit 0; usage errors on stderr with exit 2
expect_exit 0 "--help" "$EXPORT" --help
check "--help lists commands" grep -q "inventory" "$T/out"
expect_exit 0 "inventory --help" "$EXPORT" inventory --help
check "inventory --help names --source" grep -q -- "--source ROOT" "$T/out"
check "help on stdout only" test ! -s "$T/err"
expect_exit 0 "--version" "$EXPORT" --version
expect_exit 2 "no command" "$EXPORT"
expect_exit 2 "unknown command" "$EXPORT" frobnicate
expect_exit 2 "missing --source" "$EXPORT" inventory
expect_exit 2 "bad format" "$EXPORT" inventory --source "$T/src" --format pdf
check "usage error names the format" grep -q "pdf" "$T/err"
expect_exit 2 "bad --drive" "$EXPORT" inventory --source "$T/src" --drive D/tmp
expect_exit 2 "unknown option" "$EXPORT" inventory --source "$T/src" --frob

# a C: root without its D: drive: the report is written (exit 0), and the cause is said once,
# on stderr and in the report, instead of blaming the registration links
msg='drive D: is used by the host (D:\Hyper-V, D:\VHD) but not mapped: pass --drive D=DIR'
expect_exit 0 "inventory of C: alone" "$EXPORT" inventory --source "$T/src/C"
check "unmapped D: warned once on stderr" test "$(grep -cxF "smig-export: warning: $msg" "$T/err")" = 1
check "stderr says nothing else" test "$(wc -l <"$T/err")" = 1
check "the report names the drive once" test "$(tr -d '\n' <"$T/out" | grep -oF 'drive D: is used by the host' | wc -l)" = 1
check "no link is blamed as unresolvable" bash -c '! grep -q unresolvable "$1"' _ "$T/out"
expect_exit 0 "inventory of C: with --drive D" "$EXPORT" inventory --source "$T/src/C" --drive "D=$T/src/D"
check "nothing unmapped with --drive" test ! -s "$T/err"

# features
expect_exit 0 "features" "$EXPORT" features --source "$T/src"
check "Hyper-V present" grep -q "^Hyper-V (hyperv): present" "$T/out"
check "networks counted" grep -q "3 (1 external, 1 internal, 1 private)" "$T/out"
check "IP configuration present" grep -q "^IP configuration (ipconfig): present" "$T/out"
expect_exit 0 "features json" "$EXPORT" features --source "$T/src" --format json
check "features json parses" python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["features"][0]["present"]' "$T/out"
cp "$T/out" "$T/features.json"
schema_check "features json matches schemas/smig-features.schema.json" smig-features "$T/features.json"
# the rejecting twins: another schema version, no generation time, a key not in snake_case,
# a component kind no handler has
for bad in 'd["schema"]="smig-features/2"' 'del d["generated_utc"]' \
  'c=d["features"][0]["components"][0]; c["report only"]=c.pop("report_only")' \
  'd["features"][0]["components"][0]["kind"]="registry"'; do
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); $bad; json.dump(d, open(sys.argv[2], 'w'))" \
    "$T/features.json" "$T/features-bad.json"
  check "the schema rejects the features with $bad" \
    bash -c '! python3 "$1/tests/cli/schema-check.py" "$1/schemas/smig-features.schema.json" "$2" 2>/dev/null' \
    _ "$SMIG_SOURCE_DIR" "$T/features-bad.json"
done

# the pre-migration report, every item of the foundation issue, in three formats
expect_exit 0 "inventory text" "$EXPORT" inventory --source "$T/src"
cp "$T/out" "$T/inv.txt"
for needle in "web01" "sql01" "dc01" "test01" "Before SP1" "After SP1" "External LAN (external)" \
  "Internal Lab (internal)" "Private Cluster (private)" "VLAN 20" "00-15-5D-0A-00-00" \
  "PHYSICALDRIVE2" ".iso" "drivers.vfd" "Lab VMs" "VM Operators" "VMConnect from the admin subnet" \
  "S-1-5-21-3623811015-3361044348-30300820-1105" "192.168.10.20" "customised"; do
  check "text report shows '$needle'" grep -qF -- "$needle" "$T/inv.txt"
done
expect_exit 0 "inventory json to file" "$EXPORT" inventory --source "$T/src" --format json -o "$T/inv.json"
check "json report parses and has 4 VMs" python3 -c '
import json,sys
d=json.load(open(sys.argv[1]))
vms={v["name"]:v for v in d["virtual_machines"]}
assert len(vms)==4
assert vms["web01"]["snapshots"][1]["parent"]==0
assert vms["sql01"]["saved_state"] is True
assert vms["sql01"]["memory"]["dynamic"] is True
assert any(s["type"]=="external" for s in d["virtual_networks"])
assert d["host_settings"]["vmq"]["tengig"]==1
assert d["dcom"]["customised"] is True
assert d["authorization_store"]["customised"] is True
' "$T/inv.json"
schema_check "inventory json matches schemas/smig-inventory.schema.json" smig-inventory "$T/inv.json"
# the rejecting twins: the old schema version, a key not in snake_case, a missing member
for bad in 'd["schema"]="smig-inventory/1"' 'd["os"]["computer name"]=d["os"].pop("computer_name")' \
  'del d["generated_utc"]' 'd["virtual_machines"][0]["disks"][0]["type"]="vhdx"'; do
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); $bad; json.dump(d, open(sys.argv[2], 'w'))" \
    "$T/inv.json" "$T/inv-bad.json"
  check "the schema rejects the inventory with $bad" \
    bash -c '! python3 "$1/tests/cli/schema-check.py" "$1/schemas/smig-inventory.schema.json" "$2" 2>/dev/null' \
    _ "$SMIG_SOURCE_DIR" "$T/inv-bad.json"
done
expect_exit 0 "inventory html" "$EXPORT" inventory --source "$T/src" --format html -o "$T/inv.html"
check "html is one self-contained page" bash -c "! grep -qiE '<script|<link |src=\"http' '$T/inv.html'"
if command -v xmllint >/dev/null; then
  check "html parses" xmllint --html --noout "$T/inv.html"
fi
for needle in "web01" "Before SP1" "External LAN" "Lab VMs" "PHYSICALDRIVE2"; do
  check "html shows '$needle'" grep -qF -- "$needle" "$T/inv.html"
done

# the destination example reads too (no VMs, default settings)
expect_exit 0 "inventory of the destination" "$EXPORT" inventory --source "$T/dst"
check "destination is 2012" grep -q "Windows Server 2012 Datacenter" "$T/out"

# bad input: one-line errors, exit 1, nothing written
expect_exit 1 "missing host" "$EXPORT" inventory --source "$T/nope"
check "missing host: one line" one_line_error smig-export
mkdir -p "$T/empty/C"
expect_exit 1 "no SYSTEM hive" "$EXPORT" inventory --source "$T/empty"
check "no SYSTEM hive: one line" one_line_error smig-export
if [ -r "${SMIG_SHARED_DATA:-/nonexistent}/system-corrupted.hive" ]; then
  mkdir -p "$T/corrupt/C/Windows/System32/config"
  cp "$SMIG_SHARED_DATA/system-corrupted.hive" "$T/corrupt/C/Windows/System32/config/SYSTEM"
  expect_exit 1 "corrupt hive" "$EXPORT" inventory --source "$T/corrupt" -o "$T/corrupt.txt"
  check "corrupt hive: one line naming SYSTEM" bash -c "grep -q SYSTEM '$T/err' && [ \$(wc -l <'$T/err') -eq 1 ]"
  check "corrupt hive: no report written" test ! -e "$T/corrupt.txt"
else
  echo "skip: ../shared/data not present, corrupt real hive not tested" >&2
fi
# a broken VM is flagged, the report still covers the rest (exit 0)
cfg="$T/src/D/Hyper-V/sql01/Virtual Machines/8A3C5E7F-0A1B-4C2D-8E3F-4A5B6C7D8E02.xml"
head -c 3000 "$cfg" >"$T/trunc" && cat "$T/trunc" >"$cfg"
expect_exit 0 "broken VM still reported" "$EXPORT" inventory --source "$T/src" --format json -o "$T/broken.json"
check "broken VM flagged, others intact" python3 -c '
import json,sys
d=json.load(open(sys.argv[1]))
bad=[v for v in d["virtual_machines"] if v["error"]]
assert len(bad)==1 and len(d["virtual_machines"])==4
' "$T/broken.json"
schema_check "the inventory with a broken VM matches its schema" smig-inventory "$T/broken.json"
# a symlink loop in the registration folder is a clean error for that VM
ln -s loop "$T/src/C/ProgramData/Microsoft/Windows/Hyper-V/Virtual Machines/11111111-2222-3333-4444-555555555555.xml" 2>/dev/null || true
ln -sf "11111111-2222-3333-4444-555555555555.xml" "$T/src/C/ProgramData/Microsoft/Windows/Hyper-V/Virtual Machines/loop"
expect_exit 0 "symlink loop tolerated" "$EXPORT" inventory --source "$T/src"
# -o names what the user means: stdout, a device, a FIFO, a process substitution are written
# in place; a symlink or a directory is refused, never replaced
fresh_src=$T/src2
build_example lab-2008r2 "$fresh_src"
"$EXPORT" inventory --source "$fresh_src" >"$T/inv.txt"
expect_exit 0 "-o - writes to standard output" "$EXPORT" inventory --source "$fresh_src" -o -
check "-o -: the report on stdout" cmp -s "$T/out" "$T/inv.txt"
check "-o -: no file named '-'" test ! -e ./-
if [ -c /dev/null ] && [ -w /dev/null ]; then
  expect_exit 0 "-o /dev/null" "$EXPORT" inventory --source "$fresh_src" -o /dev/null
  check "/dev/null is still a character device" test -c /dev/null
fi
mkfifo "$T/fifo"
cat "$T/fifo" >"$T/fifo.out" &
reader=$!
expect_exit 0 "-o FIFO" timeout 60 "$EXPORT" inventory --source "$fresh_src" -o "$T/fifo"
wait "$reader" || true
check "FIFO: still a FIFO" test -p "$T/fifo"
check "FIFO: the reader got the report" cmp -s "$T/fifo.out" "$T/inv.txt"
expect_exit 0 "-o a process substitution" "$EXPORT" inventory --source "$fresh_src" -o >(cat >"$T/procsub.out")
sleep 1
check "process substitution: the report arrived" cmp -s "$T/procsub.out" "$T/inv.txt"
expect_exit 0 "-o /dev/stdout redirected to a file" sh -c '"$1" inventory --source "$2" -o /dev/stdout >"$3"' sh "$EXPORT" "$fresh_src" "$T/redirected.txt"
check "/dev/stdout: the report in the redirected file" cmp -s "$T/redirected.txt" "$T/inv.txt"
echo keep >"$T/target.txt"
ln -s "$T/target.txt" "$T/link.txt"
expect_exit 2 "-o a symlink is refused" "$EXPORT" inventory --source "$fresh_src" -o "$T/link.txt"
check "symlink: one line naming it" sh -c "one_line() { [ \$(wc -l <'$T/err') -eq 1 ]; }; one_line && grep -q 'link.txt.*symbolic link' '$T/err'"
check "symlink: still a link, target untouched" sh -c "test -L '$T/link.txt' && grep -qx keep '$T/target.txt'"
mkdir "$T/outdir"
expect_exit 2 "-o a directory is refused" "$EXPORT" inventory --source "$fresh_src" -o "$T/outdir"
check "directory: still an empty directory" test -d "$T/outdir" -a -z "$(ls -A "$T/outdir")"
echo old >"$T/regular.txt"
expect_exit 0 "-o a regular file replaces it" "$EXPORT" inventory --source "$fresh_src" -o "$T/regular.txt"
check "regular file: the new report" cmp -s "$T/regular.txt" "$T/inv.txt"
check "regular file: no temporary left" test -z "$(ls "$T" | grep smig-tmp || true)"
# a FIFO where a host file belongs is refused, never waited on (a hang would hit the timeout)
for f in C/IPSettings.txt C/ProgramData/Microsoft/Windows/Hyper-V/InitialStore.xml D/VHD/web01.vhd \
  C/Windows/System32/config/SYSTEM; do
  rm -rf "$T/fifo-host"
  cp -a "$fresh_src" "$T/fifo-host"
  rm -f "$T/fifo-host/$f"
  mkfifo "$T/fifo-host/$f"
  want=0
  [ "$(basename "$f")" = SYSTEM ] && want=1
  expect_exit $want "a FIFO as $f" timeout 60 "$EXPORT" inventory --source "$T/fifo-host"
  # (the text report wraps long lines: join them first)
  check "a FIFO as $f: said to be no regular file" sh -c "cat '$T/out' '$T/err' | tr -s ' \n' '  ' | grep -q 'not a regular file'"
done
rm -rf "$T/fifo-host"
# unreadable file (only meaningful when not root)
if [ "$(id -u)" -ne 0 ]; then
  chmod 000 "$T/src/C/Windows/System32/config/SYSTEM"
  expect_exit 1 "unreadable hive" "$EXPORT" inventory --source "$T/src"
fi
finish
