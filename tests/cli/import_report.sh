#!/usr/bin/env bash
# smig-import report tells the truth about a destination after apply: it compares with the
# plan apply recorded (not one rebuilt from the destination as it is later), so on the untouched
# tree it gives apply's own verdicts, check for check, and one edit is reported as exactly that
# edit. Edits are made with peer tools (hivexregedit on the destination's hives).
. "$(dirname "$0")/lib.bash"

for tool in python3 bsdtar hivexregedit; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed: skipping"; exit 77; }
done
build_example lab-2008r2 "$T/src"
build_example lab-2012 "$T/dst0"
export TMPDIR=$T/tmp
mkdir "$TMPDIR"
"$EXPORT" keygen -p "$T/k.pub" -s "$T/k.sec" >/dev/null
"$EXPORT" export --source "$T/src" -s "$T/k.sec" --progress never -o "$T/a.smig" 2>/dev/null
ID=$(bsdtar -xOf "$T/a.smig" smig/descriptor.xml | sed -n 's:.*<archive-id>\(.*\)</archive-id>.*:\1:p')
# the demo's options (scripts/demo.sh)
MAPS=(--discard-saved-state --ipconfig-mode nic --map-mac 00-1E-C9-3A-5B-02=A0-36-9F-12-34-57)
report() { "$IMPORT" report --dest "$1" -p "$T/k.pub" --against "$T/a.smig" --format json; }
# verdicts FILE: "id subject severity" per item, sorted (what two reports must agree on)
verdicts() {
  python3 -c 'import json,sys
for i in json.load(open(sys.argv[1]))["items"]: print(i["id"], i["subject"], i["severity"])' "$1" |
    LC_ALL=C sort
}
# failures FILE: "id subject" of the failed and error items
failures() {
  python3 -c 'import json,sys
for i in json.load(open(sys.argv[1]))["items"]:
  if i["severity"] in ("fail", "error"): print(i["id"], i["subject"])' "$1"
}
# set_hive_value ROOT HIVE KEY NAME VALUE: a REG_SZ value, as an admin or migrate.ps1 would set it
set_hive_value() {
  printf 'Windows Registry Editor Version 5.00\n\n[\\%s]\n"%s"="%s"\n' "$3" "$4" \
    "$(printf '%s' "$5" | sed 's/\\/\\\\/g')" >"$T/edit.reg"
  hivexregedit --merge "$1/C/Windows/System32/config/$2" --prefix "HKEY_LOCAL_MACHINE\\$2" \
    "$T/edit.reg"
}
VIRT='Microsoft\Windows NT\CurrentVersion\Virtualization'

# ---- 9: apply and report agree on the untouched tree ----
cp -a "$T/dst0" "$T/d1"
expect_exit 0 "apply" "$IMPORT" apply -p "$T/k.pub" "$T/a.smig" --dest "$T/d1" "${MAPS[@]}"
R=$T/d1/C/smig-reports/$ID
check "apply recorded the destination it planned for" test -s "$T/d1/smig-journal/$ID/dest-facts.json"
expect_exit 0 "report on the untouched tree" report "$T/d1"
cp "$T/out" "$T/r1.json"
schema_check "report JSON matches schemas/smig-report.schema.json" smig-report "$T/r1.json"
check "report: the same verdict as apply for every check" \
  diff <(verdicts "$R/verification.json") <(verdicts "$T/r1.json")
check "report says the plan is apply's" python3 -c 'import json,sys
f = json.load(open(sys.argv[1]))["facts"]
assert f["plan"].startswith("as apply recorded it"), f' "$T/r1.json"

# ---- 9: one edit, reported as exactly that edit ----
cp -a "$T/d1" "$T/d2"
set_hive_value "$T/d2" SOFTWARE "$VIRT" DefaultVirtualHardDiskPath 'E:\Disks'
expect_exit 5 "report after the VHD folder setting changed" report "$T/d2"
cp "$T/out" "$T/r2.json"
schema_check "a failing report's JSON matches its schema" smig-report "$T/r2.json"
check "the changed setting is the only failure" test "$(failures "$T/r2.json")" = "SMIG4008 host"
check "it names the setting, the new and the planned value" python3 -c 'import json,sys
m = [i["message"] for i in json.load(open(sys.argv[1]))["items"] if i["severity"] == "fail"][0]
assert "virtual hard disk path is '"'"'E:\\Disks'"'"' now" in m and "planned '"'"'D:\\VHD'"'"'" in m, m' \
  "$T/r2.json"
check "the disks still pass at their planned paths" python3 -c 'import json,sys
d = [i for i in json.load(open(sys.argv[1]))["items"] if "/disk:" in i["subject"]]
assert d and all(i["severity"] == "pass" for i in d), d' "$T/r2.json"
# migrate.ps1 setting the planned value is no difference
cp -a "$T/d1" "$T/d3"
set_hive_value "$T/d3" SOFTWARE "$VIRT" DefaultVirtualHardDiskPath 'D:\VHD'
set_hive_value "$T/d3" SOFTWARE "$VIRT" DefaultExternalDataRoot 'D:\Hyper-V'
expect_exit 0 "report after the planned host settings were set" report "$T/d3"
check "planned settings: the same verdicts as apply" \
  diff <(verdicts "$R/verification.json") <(verdicts "$T/out")

# ---- the record is the destination's, so hostile: bounded and checked when read ----
cp -a "$T/d1" "$T/d4"
printf '{"format": "smig-dest-facts", "version": 1, "host": 7}' \
  >"$T/d4/smig-journal/$ID/dest-facts.json"
expect_exit 1 "report with a damaged apply record" "$IMPORT" report --dest "$T/d4" -p "$T/k.pub" \
  --against "$T/a.smig"
check "damaged record: one line naming the file" sh -c \
  "[ \$(wc -l <'$T/err') -eq 1 ] && grep -q 'smig-journal/$ID/dest-facts.json' '$T/err'"
rm "$T/d4/smig-journal/$ID/dest-facts.json"
expect_exit 0 "report without an apply record (an older apply)" report "$T/d4"
check "without a record the report says the plan was rebuilt" grep -q "rebuilt from the destination" "$T/out"
rm -rf "$T/d2" "$T/d3" "$T/d4"

# ---- 10: the authorization store is compared structurally, naming the file compared ----
message_of() {
  python3 -c 'import json,sys
print(" ".join(i["message"] for i in json.load(open(sys.argv[1]))["items"]
               if i["id"] == sys.argv[2] and i["subject"] == sys.argv[3]))' "$@"
}
check "apply compared the staged store" sh -c \
  "grep -A3 'SMIG4009' '$R/verification.txt' | tr -s ' \n' '  ' | grep -q 'the store staged for migrate.ps1 .*InitialStore.xml. has the source.s 3 role assignments'"
cp -a "$T/d1" "$T/d5"
R5=$T/d5/C/smig-reports/$ID
sed -i 's/30300820-1107</30300820-1199</' "$R5/InitialStore.xml"
expect_exit 5 "report after a role member of the staged store changed" report "$T/d5"
cp "$T/out" "$T/r5.json"
check "the store is the only failure" test "$(failures "$T/r5.json")" = "SMIG4009 azman"
message_of "$T/r5.json" SMIG4009 azman >"$T/m5"
check "it names the member missing and the one added" sh -c \
  "grep -q \"'VM Operators': member S-1-5-21-3623811015-3361044348-30300820-1107 is missing in the staged store\" '$T/m5' &&
   grep -q 'S-1-5-21-3623811015-3361044348-30300820-1199 is only in the staged store' '$T/m5'"
check "it names the file compared" grep -q "compared the store staged for migrate.ps1 '.*/InitialStore.xml'" "$T/m5"
# migrate.ps1 puts the store in place: the destination's store is compared from then on
cp -a "$T/d1" "$T/d6"
STORE="$T/d6/C/ProgramData/Microsoft/Windows/Hyper-V/InitialStore.xml"
cp "$T/d6/C/smig-reports/$ID/InitialStore.xml" "$STORE"
expect_exit 0 "report once the store is in place" report "$T/d6"
message_of "$T/out" SMIG4009 azman >"$T/m6"
check "the destination's store is the one compared" grep -qF \
  "the destination's store 'C:\\ProgramData\\Microsoft\\Windows\\Hyper-V\\InitialStore.xml' has the source's 3 role assignments" \
  "$T/m6"
sed -i 's/Name="Lab VMs"/Name="Lab"/' "$STORE"
expect_exit 5 "report after a scope of the destination's store was renamed" report "$T/d6"
cp "$T/out" "$T/r6.json"
check "the renamed scope is the only failure" test "$(failures "$T/r6.json")" = "SMIG4009 azman"
message_of "$T/r6.json" SMIG4009 azman >"$T/m6"
check "it names both scopes" sh -c "grep -qF \"scope 'Lab VMs' is missing in the destination's store\" '$T/m6' &&
  grep -qF \"scope 'Lab' is only in the destination's store\" '$T/m6'"
rm -rf "$T/d5" "$T/d6"

# ---- 11: a re-parented disk's virtual content is compared, qemu-img as the oracle ----
cp -a "$T/dst0" "$T/d7"
expect_exit 0 "apply with the disks moved (re-parenting)" "$IMPORT" apply -p "$T/k.pub" \
  "$T/a.smig" --dest "$T/d7" "${MAPS[@]}" --map-path 'D:\VHD=C:\Disks'
AV=$(ls "$T/d7/C/Disks/"web01_*0F03.avhd)
SRCAV=$(ls "$T/src/D/VHD/"web01_*0F03.avhd)
check "the re-parented disk's virtual content was compared" sh -c \
  "tr -s ' \n' '  ' <'$T/d7/C/smig-reports/$ID/verification.txt' | grep -q 'web01_4E6C8B21-0003.* re-parented: its virtual content read through its chain has the SHA-256 [0-9a-f]\{64\} of the source'"
if command -v qemu-img >/dev/null; then
  # qemu-img reads a differencing VHD's own blocks (not its parent): the data apply kept
  check "qemu-img: the re-parented disk's data equals the source's" \
    qemu-img compare -q -f vpc -F vpc "$AV" "$SRCAV"
fi
# one byte of a sector the disk itself holds (its sector bitmap says so), not of its metadata
python3 - "$AV" <<'PY'
import struct, sys
f = open(sys.argv[1], "r+b")
f.seek(-512, 2); footer = f.read(512)
f.seek(struct.unpack(">Q", footer[16:24])[0]); hdr = f.read(1024)
table, entries, block = struct.unpack(">Q", hdr[16:24])[0], *struct.unpack(">II", hdr[28:36])
bitmap = ((block // 512 + 7) // 8 + 511) // 512 * 512
f.seek(table); bat = struct.unpack(">%dI" % entries, f.read(4 * entries))
for b in bat:
    if b == 0xFFFFFFFF: continue
    f.seek(b * 512); bits = f.read(bitmap)
    s = next((i for i in range(block // 512) if bits[i // 8] & (0x80 >> (i % 8))), None)
    if s is None: continue
    pos = b * 512 + bitmap + s * 512 + 100
    f.seek(pos); c = f.read(1); f.seek(pos); f.write(bytes([c[0] ^ 0x5a])); break
else:
    sys.exit("no data sector")
PY
if command -v qemu-img >/dev/null; then
  expect_exit 1 "qemu-img: the changed byte is in the disk's data" \
    qemu-img compare -q -f vpc -F vpc "$AV" "$SRCAV"
fi
expect_exit 5 "report after one data byte of the re-parented disk changed" report "$T/d7"
cp "$T/out" "$T/r7.json"
check "that disk is the only failure" test "$(failures "$T/r7.json")" = \
  "SMIG4005 vm:web01/disk:web01_4E6C8B21-0003-4D3F-8A21-6B7C8D9E0F03.avhd"
check "it says the virtual content differs" grep -q "its virtual content differs from the source" "$T/r7.json"
rm -rf "$T/d7"

finish
