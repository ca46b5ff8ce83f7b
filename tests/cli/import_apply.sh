#!/usr/bin/env bash
# smig-import preflight, apply, report and rollback on the example hosts: the whole migration
# of lab-2008r2 onto a copy of lab-2012, checked by smig's own verification and by peer tools
# (the destination's hives byte for byte unchanged, xmllint on the placed configurations,
# vhdiinfo on a re-parented differencing disk, qemu-img compare on moved disks, ps2012-check
# on migrate.ps1 with the option combinations the guide suggests); then the
# never-half-applied guarantees: blockers and --what-if change nothing, a second apply changes
# nothing, rollback restores the tree byte for byte, an apply killed after every possible
# number of operations can be rolled back or completed, and an operation that fails (ENOSPC
# injected, or a real obstacle on the destination) leaves the destination as it was.
. "$(dirname "$0")/lib.bash"

for tool in python3 bsdtar; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed: skipping"; exit 77; }
done
build_example lab-2008r2 "$T/src"
build_example lab-2012 "$T/dst0"
export TMPDIR=$T/tmp
mkdir "$TMPDIR"
tree_hash() {
  (cd "$1" && find . \( -type f -o -type l -o -type d \) -printf '%y %p %l\n' | LC_ALL=C sort &&
    find . -type f -exec sha256sum {} + | LC_ALL=C sort) | sha256sum
}
ORIG=$(tree_hash "$T/dst0")
fresh() { rm -rf "$1"; cp -a "$T/dst0" "$1"; }
same_as_orig() { [ "$(tree_hash "$1")" = "$ORIG" ]; }

"$EXPORT" keygen -p "$T/k.pub" -s "$T/k.sec" >/dev/null
"$EXPORT" export --source "$T/src" -s "$T/k.sec" --progress never -o "$T/a.smig" 2>/dev/null
ID=$(bsdtar -xOf "$T/a.smig" smig/descriptor.xml | sed -n 's:.*<archive-id>\(.*\)</archive-id>.*:\1:p')
MAPS=(--ipconfig-mode nic --map-mac 00-1E-C9-3A-5B-02=A0-36-9F-12-34-57)

# ---- help and usage ----
for cmd in preflight apply report rollback; do
  expect_exit 0 "$cmd --help" "$IMPORT" $cmd --help
  check "$cmd --help names --dest" grep -q -- "--dest ROOT" "$T/out"
done
expect_exit 2 "apply without --dest" "$IMPORT" apply -p "$T/k.pub" "$T/a.smig"
expect_exit 2 "apply with a bad --map-path" "$IMPORT" apply -p "$T/k.pub" "$T/a.smig" \
  --dest "$T/dst0" --map-path 'relative=D:\x'
check "bad --map-path names the option" grep -q "^smig-import apply: --map-path 'relative'" "$T/err"
expect_exit 2 "--map-mac without --ipconfig-mode" "$IMPORT" apply -p "$T/k.pub" "$T/a.smig" \
  --dest "$T/dst0" --map-mac 00-1E-C9-3A-5B-02=A0-36-9F-12-34-57
expect_exit 2 "--bind-switch to an adapter the destination lacks" "$IMPORT" preflight \
  -p "$T/k.pub" "$T/a.smig" --dest "$T/dst0" --bind-switch 'External LAN=Ethernet 9'
check "it names the adapters there are" grep -q "Ethernet 2" "$T/err"
expect_exit 2 "report without --against" "$IMPORT" report -p "$T/k.pub" --dest "$T/dst0"
check "usage errors changed nothing" same_as_orig "$T/dst0"

# ---- preflight: blockers, and nothing written ----
expect_exit 4 "preflight finds the saved-state blockers" "$IMPORT" preflight -p "$T/k.pub" \
  "$T/a.smig" --dest "$T/dst0"
check "SMIG1003 for web01" grep -q "SMIG1003.*vm:web01" "$T/out"
check "SMIG1003 for sql01" grep -q "SMIG1003.*vm:sql01" "$T/out"
expect_exit 0 "preflight with --discard-saved-state" "$IMPORT" preflight -p "$T/k.pub" \
  "$T/a.smig" --dest "$T/dst0" --discard-saved-state "${MAPS[@]}"
expect_exit 0 "preflight --format json" "$IMPORT" preflight -p "$T/k.pub" "$T/a.smig" \
  --dest "$T/dst0" --discard-saved-state --format json
check "preflight JSON parses" python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["report"]=="preflight" and d["schema"]=="smig-preflight/2"' "$T/out"
schema_check "preflight JSON matches schemas/smig-report.schema.json" smig-report "$T/out"
expect_exit 0 "preflight with a too small destination" "$IMPORT" preflight -p "$T/k.pub" \
  "$T/a.smig" --dest "$T/dst0" --discard-saved-state --memory-mb 512 --force
check "SMIG1002 when memory is short" grep -q "SMIG1002" "$T/out"
check "preflight wrote nothing" same_as_orig "$T/dst0"
# --force never overrides a wrong destination OS: the OS comes first, and nothing is changed
rm -rf "$T/not2012"
cp -a "$T/src" "$T/not2012"
HN=$(tree_hash "$T/not2012")
expect_exit 4 "apply --force onto a 2008 R2 host" "$IMPORT" apply -p "$T/k.pub" "$T/a.smig" \
  --dest "$T/not2012" --force --discard-saved-state
check "--force onto 2008 R2: no option can override it" grep -q "no option can override" "$T/err"
check "--force onto 2008 R2: the first blocker listed is SMIG1007" sh -c \
  "grep -m1 -o 'SMIG1[0-9]*' '$T/out' | grep -qx SMIG1007"
check "--force onto 2008 R2: nothing changed" test "$(tree_hash "$T/not2012")" = "$HN"
expect_exit 4 "preflight --force onto a 2008 R2 host" "$IMPORT" preflight -p "$T/k.pub" "$T/a.smig" \
  --dest "$T/not2012" --force --discard-saved-state
rm -rf "$T/not2012"
check "preflight left no staging" test -z "$(ls -A "$TMPDIR")"

# ---- apply: blocked, what-if ----
fresh "$T/d1"
expect_exit 4 "apply stops at blockers" "$IMPORT" apply -p "$T/k.pub" "$T/a.smig" --dest "$T/d1"
check "blocked apply changed nothing" same_as_orig "$T/d1"
expect_exit 0 "what-if" "$IMPORT" apply -p "$T/k.pub" "$T/a.smig" --dest "$T/d1" \
  --discard-saved-state "${MAPS[@]}" --what-if
check "what-if lists the VM configurations" grep -q "VM web01: configuration" "$T/out"
check "what-if writes no hive" sh -c "! grep -qi 'hive' '$T/out'"
check "what-if registers nothing" sh -c "! grep -qi 'registration' '$T/out'"
check "what-if says nothing changed" grep -q "nothing was changed" "$T/out"
NOPS=$(sed -n 's/^what if: apply would make \([0-9]*\) change.*/\1/p' "$T/out")
check "what-if counted the changes ($NOPS)" test "${NOPS:-0}" -gt 10
check "what-if changed nothing" same_as_orig "$T/d1"

# ---- apply ----
HIVES=$T/d1/C/Windows/System32/config
HIVES_BEFORE=$(sha256sum "$HIVES/SYSTEM" "$HIVES/SOFTWARE" | cut -c1-64)
expect_exit 0 "destination inventory before apply" "$EXPORT" inventory --source "$T/d1" --format json
schema_check "the destination's inventory matches its schema" smig-inventory "$T/out"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(json.dumps({k: d[k] for k in ("virtual_machines","virtual_networks","host_settings") if k in d}, sort_keys=True))' "$T/out" >"$T/inv-before"
# strace (when there) records the fsyncs: "complete" promises placed files that survive a
# power loss, so every file an operation placed must have been fsync'd, data and all
TRACE=()
# (LeakSanitizer cannot run under ptrace: no leak check for this run in a sanitizer build)
command -v strace >/dev/null && TRACE=(env "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
  strace -f -qq -y -e trace=fsync -o "$T/fsync.trace")
expect_exit 0 "apply" "${TRACE[@]}" "$IMPORT" apply -p "$T/k.pub" "$T/a.smig" --dest "$T/d1" \
  --discard-saved-state "${MAPS[@]}"
cp "$T/out" "$T/apply.out"
if [ ${#TRACE[@]} -gt 0 ]; then
  placed=$(awk -F'\t' '$1 == "file" {print $2}' "$T/d1"/smig-journal/"$ID"/ops)
  check "apply placed files (journal ops)" test -n "$placed"
  while IFS= read -r rel; do
    check "placed file fsync'd before complete: $rel" grep -qF "<$T/d1/$rel>)" "$T/fsync.trace"
  done <<<"$placed"
else
  echo "strace is not installed: the placed files' fsync is not checked"
fi
# Hyper-V does not open a sparse virtual disk file (docs/formats.md A69): every placed disk is
# dense, holes of the archive's sparse members (sql01-system.vhd, a fixed disk) filled
disks=$(awk -F'\t' '$1 == "file" && $2 ~ /\.a?vhdx?$/ {print $2}' "$T/d1"/smig-journal/"$ID"/ops)
check "apply placed disks" test "$(printf '%s\n' "$disks" | wc -l)" -ge 5
check "placed disks have no hole (SEEK_HOLE)" python3 -c '
import os, sys
root = sys.argv[1]
for rel in sys.argv[2].splitlines():
    path = os.path.join(root, rel)
    fd = os.open(path, os.O_RDONLY)
    size = os.fstat(fd).st_size
    hole = os.lseek(fd, 0, os.SEEK_HOLE)
    os.close(fd)
    assert hole == size, "%s: a hole at %d of %d bytes" % (rel, hole, size)
' "$T/d1" "$disks"
check "the fixed disk uses its whole size" python3 -c '
import os, sys
st = os.stat(sys.argv[1])
assert st.st_blocks * 512 >= st.st_size, (st.st_blocks * 512, st.st_size)
' "$T/d1/D/VHD/sql01-system.vhd"
R=$T/d1/C/smig-reports/$ID
check "apply prints the report folder" grep -q "reports: $R" "$T/apply.out"
for f in compatibility manual-steps verification; do
  for x in txt json html; do check "report $f.$x" test -s "$R/$f.$x"; done
  schema_check "$f.json matches schemas/smig-report.schema.json" smig-report "$R/$f.json"
done
check "the facts are snake_case: archive_id is the journal's" python3 -c '
import json,sys; f=json.load(open(sys.argv[1]))["facts"]
assert f["archive_id"]==sys.argv[2] and "archive id" not in f, f
assert set(f) >= {"archive","exported","source","source_os","destination","destination_computer","destination_os"}, f' \
  "$R/verification.json" "$ID"
# the rejecting twin: the old key with a space
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["facts"]["archive id"]=d["facts"].pop("archive_id"); json.dump(d, open(sys.argv[2], "w"))' \
  "$R/verification.json" "$T/verif-bad.json"
check "the schema rejects a fact key with a space" \
  bash -c '! python3 "$1/tests/cli/schema-check.py" "$1/schemas/smig-report.schema.json" "$2" 2>/dev/null' \
  _ "$SMIG_SOURCE_DIR" "$T/verif-bad.json"
check "migrate.ps1 written" test -s "$R/migrate.ps1"
check "no finish.ps1 any more" test ! -e "$R/finish.ps1"
check "the source's authorization store is staged for migrate.ps1" \
  cmp -s "$R/InitialStore.xml" "$T/src/C/ProgramData/Microsoft/Windows/Hyper-V/InitialStore.xml"
check "migrate.ps1: UTF-8 BOM" sh -c "head -c3 '$R/migrate.ps1' | od -An -tx1 | grep -q 'ef bb bf'"
check "migrate.ps1: CRLF only" python3 -c 'import sys; b=open(sys.argv[1],"rb").read(); assert b.count(b"\n")==b.count(b"\r\n") and b.count(b"\n")>50' "$R/migrate.ps1"
ps2012_check "migrate.ps1 of the example host" "$R/migrate.ps1"
for name in "External LAN" "Internal Lab" "Private Cluster"; do
  check "migrate.ps1 creates '$name'" grep -q "New-VMSwitch.*'$name'" "$R/migrate.ps1"
done
for id in 6F0B2E9A-41C3-4B8E-9E5B-1D2C3A4B5C01 8A3C5E7F-0A1B-4C2D-8E3F-4A5B6C7D8E02 \
  2C4D6E8F-1A2B-4C3D-9E4F-5A6B7C8D9E03 9E8F7A6B-5C4D-4E3F-8A2B-1C0D9E8F7A04; do
  check "migrate.ps1 registers $id with Compare-VM" grep -qi "Compare-VM.*$id\.xml" "$R/migrate.ps1"
done
check "apply wrote no hive: SYSTEM and SOFTWARE byte for byte as before" test \
  "$(sha256sum "$HIVES/SYSTEM" "$HIVES/SOFTWARE" | cut -c1-64)" = "$HIVES_BEFORE"
expect_exit 0 "destination inventory after apply" "$EXPORT" inventory --source "$T/d1" --format json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(json.dumps({k: d[k] for k in ("virtual_machines","virtual_networks","host_settings") if k in d}, sort_keys=True))' "$T/out" >"$T/inv-after"
check "apply registered nothing and changed no host setting (destination model unchanged)" \
  cmp -s "$T/inv-before" "$T/inv-after"
check "no registration link or file for web01" test ! -e \
  "$T/d1/C/ProgramData/Microsoft/Windows/Hyper-V/Virtual Machines/6F0B2E9A-41C3-4B8E-9E5B-1D2C3A4B5C01.xml"
check "verification has no failure" python3 -c '
import json,sys; d=json.load(open(sys.argv[1]))
assert d["summary"]["fail"]==0 and d["summary"]["error"]==0, d["summary"]
ids={i["id"] for i in d["items"]}
for n in range(4001,4012): assert "SMIG%d"%n in ids, n' "$R/verification.json"
check "manual steps: external network, pass-through, ISO, VFD, icacls, saved state" python3 -c '
import json,sys; d=json.load(open(sys.argv[1]))
ids=[i["id"] for i in d["items"]]
for n in ("SMIG3001","SMIG3002","SMIG3003","SMIG3004","SMIG3009","SMIG3010","SMIG3011","SMIG3012"):
    assert n in ids, n' "$R/manual-steps.json"
# peers: configurations
if command -v xmllint >/dev/null && command -v iconv >/dev/null; then
  n=0
  while IFS= read -r -d '' f; do
    n=$((n + 1))
    check "xmllint parses $(basename "$f")" sh -c "iconv -f UTF-16 -t UTF-8 '$f' | sed '1s/encoding=\"UTF-16\"/encoding=\"UTF-8\"/' | xmllint --noout -"
    v=$(iconv -f UTF-16 -t UTF-8 "$f" | sed '1s/encoding="UTF-16"/encoding="UTF-8"/' | xmllint --xpath 'string(/configuration/properties/version)' - 2>/dev/null || true)
    check "$(basename "$f") keeps a 2008 R2 version ($v), never 1024" test "$v" = 768 -o "$v" = 512
    check "$(basename "$f") ends at </configuration> with no line end" python3 -c 'import sys; b=open(sys.argv[1],"rb").read(); assert b.endswith(">".encode("utf-16-le"))' "$f"
  done < <(find "$T/d1/D/Hyper-V" -name '*.xml' -type f -print0)
  check "configurations written ($n)" test "$n" -ge 6
fi
# peers: disks moved (dc01 from C:\Users\... to D:\VHD) equal the source ones
if command -v qemu-img >/dev/null; then
  check "qemu-img: moved fixed disk equals the source" qemu-img compare -q -f vpc -F vpc \
    "$T/d1/D/VHD/dc01.vhd" "$T/src/C/Users/Public/Documents/Hyper-V/Virtual Hard Disks/dc01.vhd"
  check "qemu-img: moved dynamic disk equals the source" qemu-img compare -q -f vpc -F vpc \
    "$T/d1/D/VHD/test01.vhd" "$T/src/D/Hyper-V/test01/test01.vhd"
fi

# ---- apply twice, report, tampering ----
H1=$(tree_hash "$T/d1")
expect_exit 0 "second apply" "$IMPORT" apply -p "$T/k.pub" "$T/a.smig" --dest "$T/d1" \
  --discard-saved-state "${MAPS[@]}"
check "second apply says so" grep -q "already applied" "$T/out"
expect_exit 2 "second apply with other options" "$IMPORT" apply -p "$T/k.pub" "$T/a.smig" \
  --dest "$T/d1" --discard-saved-state "${MAPS[@]}" --bind-switch 'External LAN=Ethernet 2'
check "other options: says to roll back first" grep -q "already applied.*with other options.*rollback" "$T/err"
check "second apply changed nothing" test "$(tree_hash "$T/d1")" = "$H1"
expect_exit 0 "report after apply" "$IMPORT" report --dest "$T/d1" -p "$T/k.pub" --against "$T/a.smig"
check "report leaves the networks to migrate.ps1" grep -q "SMIG4007" "$T/out"
# apply's verification takes a disk it moved into place untouched at the hash it computed as
# it staged it; report reads every placed disk again (the changed disk below fails it)
check "apply: placed disk hashed as staged" sh -c "tr -s ' \n' '  ' <'$(ls -d "$T/d1/C/smig-reports/"*)/verification.txt' | grep -q 'dc01.vhd.*as signed (the staged file, hashed as it was read from the archive, moved into place untouched)'"
check "report: placed disk read again" sh -c "! grep -q 'moved into place untouched' '$T/out' && tr -s ' \n' '  ' <'$T/out' | grep -q 'dc01.vhd.*SHA-256 [0-9a-f]* as signed'"
expect_exit 0 "report --format json" "$IMPORT" report --dest "$T/d1" -p "$T/k.pub" --against "$T/a.smig" --format json
check "report JSON has no failure" python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["summary"]["fail"]==0, d["summary"]' "$T/out"
schema_check "report JSON matches schemas/smig-report.schema.json" smig-report "$T/out"
check "report wrote nothing" test "$(tree_hash "$T/d1")" = "$H1"
fresh "$T/d2"
cp -a "$T/d1/." "$T/d2/"
printf 'X' | dd of="$T/d2/D/VHD/dc01.vhd" bs=1 seek=4096 conv=notrunc status=none
expect_exit 5 "report on a changed disk" "$IMPORT" report --dest "$T/d2" -p "$T/k.pub" --against "$T/a.smig"
check "the changed disk fails SMIG4005" grep -q "SMIG4005.*dc01" "$T/out"
rm -rf "$T/d2"

# ---- rollback ----
expect_exit 0 "rollback" "$IMPORT" rollback --dest "$T/d1"
check "rollback restores the tree byte for byte" same_as_orig "$T/d1"
expect_exit 1 "rollback without a journal" "$IMPORT" rollback --dest "$T/d1"
check "no journal: one line" one_line_error smig-import

# ---- the destination folder is moved after apply: rollback works where it is now ----
fresh "$T/m1"
expect_exit 0 "apply before a move" "$IMPORT" apply -p "$T/k.pub" "$T/a.smig" --dest "$T/m1" \
  --discard-saved-state "${MAPS[@]}"
mv "$T/m1" "$T/m2"
expect_exit 0 "rollback after the destination folder was moved" "$IMPORT" rollback --dest "$T/m2"
check "moved destination restored byte for byte" same_as_orig "$T/m2"
check "nothing recreated at the old place" test ! -e "$T/m1"
rm -rf "$T/m2"

# ---- a change that cannot be undone keeps the journal; rollback resumes once fixed ----
fresh "$T/u1"
SMIG_TEST_CRASH_AFTER=6 sh -c '"$@"; exit $?' sh "$IMPORT" apply -p "$T/k.pub" "$T/a.smig" \
  --dest "$T/u1" --discard-saved-state "${MAPS[@]}" >/dev/null 2>&1 || true
rel=$(grep -m1 "^mkdir" "$T/u1/smig-journal/$ID/ops" | cut -f2 || true)
made=${rel:+$T/u1/$rel}
check "apply made a folder before it was killed ($rel)" test -n "$made" -a -d "$made"
[ -n "$made" ] && echo "someone else's file" >"$made/not-smig.txt"
expect_exit 1 "rollback with a change it cannot undo" "$IMPORT" rollback --dest "$T/u1"
check "cannot undo: one line" one_line_error smig-import
check "cannot undo: says how many are left and how to resume" grep -q "could not be undone.*rollback" "$T/err"
check "cannot undo: the journal is kept" test -d "$T/u1/smig-journal"
[ -n "$made" ] && rm -f "$made/not-smig.txt"
expect_exit 0 "rollback resumes once the cause is gone" "$IMPORT" rollback --dest "$T/u1"
check "resumed rollback: restored byte for byte" same_as_orig "$T/u1"
rm -rf "$T/u1"

# ---- reports that cannot be written: before the first change nothing is changed; after
# the apply, the one line says it was applied and report writes them again ----
fresh "$T/r1"
mkdir -p "$T/rep1/migrate.ps1"
expect_exit 1 "apply whose migrate.ps1 cannot be written" "$IMPORT" apply -p "$T/k.pub" \
  "$T/a.smig" --dest "$T/r1" --discard-saved-state --report-dir "$T/rep1"
check "unwritable migrate.ps1: one line" one_line_error smig-import
check "unwritable migrate.ps1: destination unchanged" same_as_orig "$T/r1"
check "unwritable migrate.ps1: no half set of reports left" test -z "$(ls "$T/rep1" | grep -v '^migrate.ps1$' || true)"
mkdir -p "$T/rep2/verification.json"
expect_exit 1 "apply whose verification cannot be written" "$IMPORT" apply -p "$T/k.pub" \
  "$T/a.smig" --dest "$T/r1" --discard-saved-state --report-dir "$T/rep2"
check "unwritable verification: one line" one_line_error smig-import
check "unwritable verification: says the archive was applied" grep -q "was applied to .*verification report could not be written.*smig-import report" "$T/err"
check "unwritable verification: migrate.ps1 is there" test -s "$T/rep2/migrate.ps1"
expect_exit 0 "rollback of the applied archive" "$IMPORT" rollback --dest "$T/r1"
check "rolled back after the report failure" same_as_orig "$T/r1"
rm -rf "$T/r1" "$T/rep1" "$T/rep2"

# ---- a destination folder that is a symbolic link out of the destination: nothing written ----
fresh "$T/s1"
mkdir -p "$T/outside"
rm -rf "$T/s1/D/VHD"
ln -s "$T/outside" "$T/s1/D/VHD"
HS=$(tree_hash "$T/s1")
expect_exit 1 "apply through a symlinked folder" "$IMPORT" apply -p "$T/k.pub" "$T/a.smig" \
  --dest "$T/s1" --discard-saved-state
check "symlinked folder: one line naming it" sh -c "[ \$(wc -l <'$T/err') -eq 1 ] && grep -q 'D/VHD.*symbolic link' '$T/err'"
check "symlinked folder: nothing written outside" test -z "$(ls -A "$T/outside")"
check "symlinked folder: destination as before" test "$(tree_hash "$T/s1")" = "$HS"
rm -rf "$T/s1" "$T/outside"

# ---- re-parenting: the web01 chain moves to another folder ----
fresh "$T/d3"
expect_exit 0 "apply with --map-path" "$IMPORT" apply -p "$T/k.pub" "$T/a.smig" --dest "$T/d3" \
  --discard-saved-state --map-path 'D:\VHD=C:\Disks' --new-id --bind-switch 'External LAN=Ethernet'
check "verification passes after re-parenting, new ids and a bound switch" python3 -c '
import json,sys; d=json.load(open(sys.argv[1])); assert d["summary"]["fail"]==0, [i for i in d["items"] if i["severity"]=="fail"]' \
  "$T/d3/C/smig-reports/$ID/verification.json"
ps2012_check "migrate.ps1 with --map-path, --new-id, --bind-switch" "$T/d3/C/smig-reports/$ID/migrate.ps1"
check "migrate.ps1 binds External LAN to the adapter given" grep -q "'Ethernet'" "$T/d3/C/smig-reports/$ID/migrate.ps1"
AV=$(ls "$T/d3/C/Disks/"web01_*0F03.avhd)
if command -v vhdiinfo >/dev/null; then
  vhdiinfo "$AV" >"$T/vhdi" 2>&1 || true
  check "vhdiinfo: new parent location" grep -qi 'C:\\Disks\\web01_4E6C8B21-0002' "$T/vhdi"
fi
check "a base disk of the chain is unchanged" cmp -s "$T/d3/C/Disks/web01.vhd" "$T/src/D/VHD/web01.vhd"
expect_exit 0 "report after re-parenting" "$IMPORT" report --dest "$T/d3" -p "$T/k.pub" --against "$T/a.smig"
expect_exit 0 "rollback after re-parenting" "$IMPORT" rollback --dest "$T/d3"
check "restored after re-parenting" same_as_orig "$T/d3"

# ---- ISO and VFD files: exported with --include-media, placed with --copy-media ----
"$EXPORT" export --source "$T/src" -s "$T/k.sec" --progress never --include-media \
  -o "$T/media.smig" 2>/dev/null
check "the archive carries the media" sh -c "bsdtar -tf '$T/media.smig' | grep -q '/media/.*\.iso$'"
fresh "$T/md"
expect_exit 0 "apply --copy-media with the ISO folder mapped" "$IMPORT" apply -p "$T/k.pub" \
  "$T/media.smig" --dest "$T/md" --discard-saved-state --copy-media --map-path 'D:\ISO=C:\Media'
MR=$(ls -d "$T/md/C/smig-reports/"*)
check "ISO placed at its mapped path, equal to the source's" cmp -s \
  "$T/md/C/Media/en_windows_server_2008_r2_with_sp1_x64.iso" "$T/src/D/ISO/en_windows_server_2008_r2_with_sp1_x64.iso"
check "VFD placed at its own path" cmp -s \
  "$T/md/C/Users/Public/Documents/Hyper-V/Virtual Floppy Disks/drivers.vfd" \
  "$T/src/C/Users/Public/Documents/Hyper-V/Virtual Floppy Disks/drivers.vfd"
check "migrate.ps1 attaches the ISO from its new place" grep -qF 'C:\Media\en_windows_server_2008_r2_with_sp1_x64.iso' "$MR/migrate.ps1"
check "no manual step for media that travelled" sh -c "! grep -q 'SMIG300[34]' '$MR/manual-steps.txt'"
ps2012_check "migrate.ps1 with --copy-media" "$MR/migrate.ps1"
check "verification checked the placed ISO's signed hash" sh -c "tr -s ' \n' '  ' <'$MR/verification.txt' | grep -q 'travelled to .*SHA-256 [0-9a-f]* as signed'"
cp "$T/md/C/Media/en_windows_server_2008_r2_with_sp1_x64.iso" "$T/iso.keep"
printf 'X' | dd of="$T/md/C/Media/en_windows_server_2008_r2_with_sp1_x64.iso" bs=1 seek=100 conv=notrunc status=none
expect_exit 5 "report on a changed ISO" "$IMPORT" report --dest "$T/md" -p "$T/k.pub" --against "$T/media.smig"
check "the changed ISO fails SMIG4005" grep -q "SMIG4005.*web01" "$T/out"
cp "$T/iso.keep" "$T/md/C/Media/en_windows_server_2008_r2_with_sp1_x64.iso"
expect_exit 0 "rollback after --copy-media" "$IMPORT" rollback --dest "$T/md"
check "restored after --copy-media" same_as_orig "$T/md"
fresh "$T/md"
expect_exit 0 "apply without --copy-media: media stay manual steps" "$IMPORT" apply -p "$T/k.pub" \
  "$T/media.smig" --dest "$T/md" --discard-saved-state
check "without --copy-media: no ISO placed" test ! -e "$T/md/D/ISO"
# a copy already on the destination is used, never replaced; one that differs is reported
fresh "$T/md2"
mkdir -p "$T/md2/D/ISO"
echo "the admin's own build" >"$T/md2/D/ISO/en_windows_server_2008_r2_with_sp1_x64.iso"
expect_exit 5 "apply --copy-media with a different ISO already there" "$IMPORT" apply \
  -p "$T/k.pub" "$T/media.smig" --dest "$T/md2" --discard-saved-state --copy-media
check "the ISO already there was not replaced" grep -qx "the admin's own build" \
  "$T/md2/D/ISO/en_windows_server_2008_r2_with_sp1_x64.iso"
check "the differing ISO is reported (SMIG4005)" grep -q "SMIG4005.*web01" "$T/err" "$(ls -d "$T/md2/C/smig-reports/"*)/verification.txt"
expect_exit 0 "rollback keeps the ISO that was there" "$IMPORT" rollback --dest "$T/md2"
check "rollback kept the ISO that was there" grep -qx "the admin's own build" \
  "$T/md2/D/ISO/en_windows_server_2008_r2_with_sp1_x64.iso"
rm -rf "$T/md2"
check "without --copy-media: SMIG3003 remains" grep -q "SMIG3003" "$(ls -d "$T/md/C/smig-reports/"*)/manual-steps.txt"
rm -rf "$T/md"

# ---- the other option combinations the guide suggests, each script checked for 2012 ----
apply_combo() {
  local what=$1
  shift
  fresh "$T/d5"
  expect_exit 0 "apply with $what" "$IMPORT" apply -p "$T/k.pub" "$T/a.smig" --dest "$T/d5" \
    --discard-saved-state "$@"
  ps2012_check "migrate.ps1 with $what" "$T/d5/C/smig-reports/$ID/migrate.ps1"
  expect_exit 0 "rollback after $what" "$IMPORT" rollback --dest "$T/d5"
  check "restored after $what" same_as_orig "$T/d5"
}
apply_combo "processor compatibility and all IP settings" --set-processor-compatibility \
  --ipconfig-mode all --map-mac 00-1E-C9-3A-5B-02=A0-36-9F-12-34-57
apply_combo "--force and two VMs" --force --vm web01 --vm dc01 "${MAPS[@]}"
expect_exit 2 "--ipconfig-mode global is refused (nothing in the archive for it)" "$IMPORT" \
  preflight -p "$T/k.pub" "$T/a.smig" --dest "$T/dst0" --ipconfig-mode global
check "--ipconfig-mode global: says why" grep -q "not carried in the archive" "$T/err"
apply_combo "all IP settings and a switch bound by MAC" --ipconfig-mode all \
  --bind-switch 'External LAN=A0-36-9F-12-34-57'

# ---- failures during apply undo what was done ----
for k in 0 3 $((NOPS - 1)); do
  fresh "$T/d4"
  expect_exit 1 "operation $k fails (ENOSPC)" env SMIG_TEST_FAIL_OP=$k "$IMPORT" apply \
    -p "$T/k.pub" "$T/a.smig" --dest "$T/d4" --discard-saved-state "${MAPS[@]}"
  check "ENOSPC at $k: one line" one_line_error smig-import
  check "ENOSPC at $k: says it undid" grep -q "undone" "$T/err"
  check "ENOSPC at $k: destination restored" same_as_orig "$T/d4"
done
fresh "$T/d4"
mkdir -p "$T/d4/D/Hyper-V/Virtual Machines/2C4D6E8F-1A2B-4C3D-9E4F-5A6B7C8D9E03.xml/x"
H4=$(tree_hash "$T/d4")
expect_exit 4 "a folder where a configuration must go, even with --force" "$IMPORT" apply \
  -p "$T/k.pub" "$T/a.smig" --dest "$T/d4" --discard-saved-state --force
check "obstacle: SMIG1011 names it" sh -c "tr -s ' \n' '  ' <'$T/out' | grep -q 'SMIG1011 .* already exists'"
check "obstacle: destination unchanged" test "$(tree_hash "$T/d4")" = "$H4"
# a file already where a disk goes is never replaced, --force or not (issue 9 item 3)
fresh "$T/d4"
mkdir -p "$T/d4/D/VHD"
echo "someone's data" >"$T/d4/D/VHD/dc01.vhd"
H4=$(tree_hash "$T/d4")
expect_exit 4 "a file already where a disk goes, with --force" "$IMPORT" apply -p "$T/k.pub" \
  "$T/a.smig" --dest "$T/d4" --discard-saved-state --force
check "existing file: never replaced" grep -qx "someone's data" "$T/d4/D/VHD/dc01.vhd"
check "existing file: destination unchanged" test "$(tree_hash "$T/d4")" = "$H4"

# ---- crash after every number of operations: rollback restores, apply completes ----
# (the journal names its targets by absolute path, so each crashed copy is made in place)
crash_at() {
  local n=$1 dir=$2 got=0
  fresh "$dir"
  # through sh, so the kill is reported as a status and not printed by this shell
  SMIG_TEST_CRASH_AFTER=$n sh -c '"$@"; exit $?' sh "$IMPORT" apply -p "$T/k.pub" "$T/a.smig" \
    --dest "$dir" --discard-saved-state "${MAPS[@]}" >/dev/null 2>&1 || got=$?
  if [ "$n" -lt "$NOPS" ]; then
    check "killed after $n operations" test "$got" -eq 137
  fi
}
for ((n = 0; n <= NOPS; n++)); do
  crash_at $n "$T/c"
  crash_at $n "$T/c2"
  expect_exit 0 "rollback after a crash at $n" "$IMPORT" rollback --dest "$T/c"
  check "crash at $n, rollback: restored" same_as_orig "$T/c"
  expect_exit 0 "apply again after a crash at $n" "$IMPORT" apply -p "$T/k.pub" "$T/a.smig" \
    --dest "$T/c2" --discard-saved-state "${MAPS[@]}"
  expect_exit 0 "crash at $n, apply again: verified" "$IMPORT" report --dest "$T/c2" \
    -p "$T/k.pub" --against "$T/a.smig"
  expect_exit 0 "crash at $n, apply again, then rollback" "$IMPORT" rollback --dest "$T/c2"
  check "crash at $n, apply again, rollback: restored" same_as_orig "$T/c2"
done
check "no staging left anywhere" test -z "$(ls -A "$TMPDIR")"
finish
