#!/usr/bin/env bash
# Several sources onto one destination (issue 9 item 8): after the example source is applied,
# a second source's archive sees what the first placed though migrate.ps1 has not run yet:
# VM ID, file, network-type, VM name and MAC clashes are reported naming the first
# migration; a network of the same name and type is shared; a clean second source applies
# next to the first, and each rolls back on its own.
source "$(dirname "$0")/lib.bash"

for tool in python3; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool missing"; exit 0; }
done

# variant SRC-JSON OUT-JSON NAME CLASH: a copy of the example source as another host.
# CLASH=1 keeps sql01's ID and disk and turns 'Internal Lab' into a private network;
# CLASH=0 gives every VM a new ID and every disk a new name, and leaves the networks alone.
variant() {
  python3 - "$@" <<'EOF'
import json, sys
src, out, name, clash = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1"
text = open(src).read()
# new IDs for web01, dc01, test01 (sql01 too unless it is to clash)
for old in ["6F0B2E9A-41C3", "2C4D6E8F-1A2B", "9E8F7A6B-5C4D", "4E6C8B21-0"] + ([] if clash else ["8A3C5E7F-0A1B"]):
    text = text.replace(old, old[:-1] + ("9" if old[-1] != "9" else "8"))
# new disk names, placed flat in the destination's VHD folder (the chain's too)
for old in ["web01", "dc01.vhd", "test01.vhd"] + ([] if clash else ["sql01-system"]):
    for pre in ["\\\\VHD\\\\", "Virtual Hard Disks\\\\", "test01\\\\"]:
        text = text.replace(pre + old, pre + "b-" + old)
h = json.loads(text)
h["registry"]["SYSTEM"]["ControlSet001\\Control\\ComputerName\\ComputerName"]["ComputerName"] = name
if clash:
    nl = h["registry"]["SYSTEM"]
    for k in list(nl):
        if k.endswith("NicList\\/Device/{5D0C3E21-8A4B-4F6C-B1D2-3E4F5A6B7C04}"):
            del nl[k]
json.dump(h, open(out, "w"), indent=1)
EOF
}

ex=$SMIG_SOURCE_DIR/examples/lab-2008r2
mkdir -p "$T/v2" "$T/v3"
cp "$ex"/*.txt "$ex"/*.xml "$T/v2/"
cp "$ex"/*.txt "$ex"/*.xml "$T/v3/"
variant "$ex/host.json" "$T/v2/host.json" HV-SRC02 1
variant "$ex/host.json" "$T/v3/host.json" HV-SRC03 0
build_example lab-2008r2 "$T/src1"
build_example lab-2012 "$T/dest"
"$MKHOST" --force "$T/v2/host.json" "$T/src2" >/dev/null
"$MKHOST" --force "$T/v3/host.json" "$T/src3" >/dev/null
"$EXPORT" keygen -p "$T/k.pub" -s "$T/k.sec" >/dev/null 2>&1
for n in 1 2 3; do
  "$EXPORT" export --source "$T/src$n" -s "$T/k.sec" -o "$T/a$n.smig" --progress never 2>/dev/null
done
maps=(--discard-saved-state)

expect_exit 0 "first source applies" "$IMPORT" apply -p "$T/k.pub" "$T/a1.smig" --dest "$T/dest" "${maps[@]}"
rec=$(ls -d "$T"/dest/smig-journal/*/placed)
check "apply leaves a record of what it placed" test -f "$rec"
check "the record names the source and its VMs" \
  grep -q "^source	HV-SRC01$" "$rec"
check "the record lists web01 and its disks" \
  bash -c 'grep -q "^vm	6F0B2E9A-41C3-4B8E-9E5B-1D2C3A4B5C01	web01	" "$1" && grep -q "^file	D:\\\\VHD\\\\web01.vhd$" "$1"' _ "$rec"

# the clashing source: every clash is named, with the first migration as its cause
expect_exit 4 "clashing second source: blocked" "$IMPORT" preflight -p "$T/k.pub" "$T/a2.smig" --dest "$T/dest" "${maps[@]}"
cp "$T/out" "$T/pf2"
check "SMIG1005: sql01's ID is already placed by the first apply" \
  grep -A2 "SMIG1005   vm:sql01" "$T/pf2" -q
check "SMIG1005 names the first source" \
  bash -c 'tr -s " \n" " " <"$1" | grep -q "SMIG1005 vm:sql01 a VM with ID 8A3C5E7F-0A1B-4C2D-8E3F-4A5B6C7D8E02 (.sql01.) is already placed on the destination by the apply of archive [0-9a-f-]* from HV-SRC01"' _ "$T/pf2"
check "SMIG1011: the disk the first apply placed" \
  bash -c 'tr -s " \n" " " <"$1" | grep -q "D:.VHD.sql01-system.vhd. already exists on the destination: the apply of archive [0-9a-f-]* from HV-SRC01 placed it"' _ "$T/pf2"
check "SMIG1012: 'Internal Lab' recreated internal by the first, private here" \
  bash -c 'tr -s " \n" " " <"$1" | grep -q "SMIG1012 switch:Internal Lab the apply of archive [0-9a-f-]* from HV-SRC01 already recreates a virtual network named .Internal Lab. as internal, where this source.s is private"' _ "$T/pf2"
check "SMIG2010: web01's name is used by the first migration's VM" \
  bash -c 'tr -s " \n" " " <"$1" | grep -q "SMIG2010 vm:web01 the destination already has a VM named .web01. (ID 6F0B2E9A-41C3-4B8E-9E5B-1D2C3A4B5C01, placed by the apply of archive [0-9a-f-]* from HV-SRC01)"' _ "$T/pf2"
check "SMIG2004: web01's static address is the first web01's" \
  bash -c 'tr -s " \n" " " <"$1" | grep -q "SMIG2004 vm:web01/nic:Network Adapter static MAC 00-15-5D-0A-00-10 is also used by web01/Network Adapter placed on the destination by an earlier apply"' _ "$T/pf2"
check "SMIG2004: dc01's dynamic address too" \
  bash -c 'tr -s " \n" " " <"$1" | grep -q "SMIG2004 vm:dc01/nic:Network Adapter dynamic MAC 00-15-5D-0A-00-31 is also used by dc01/Network Adapter placed on the destination by an earlier apply"' _ "$T/pf2"
check "the report says which migration the destination holds" \
  bash -c 'tr -s " \n" " " <"$1" | grep -q "the destination already holds the migration of HV-SRC01"' _ "$T/pf2"
expect_exit 4 "clashing second source: apply refuses" "$IMPORT" apply -p "$T/k.pub" "$T/a2.smig" --dest "$T/dest" "${maps[@]}"
check "nothing of the second archive was placed" test "$(ls "$T/dest/smig-journal" | grep -vc '^lock$')" -eq 1

# a clean second source joins the first
expect_exit 0 "clean third source: preflight" "$IMPORT" preflight -p "$T/k.pub" "$T/a3.smig" --dest "$T/dest" "${maps[@]}"
cp "$T/out" "$T/pf3"
check "no blocking clash is reported for the third source" \
  bash -c '! grep -q "SMIG1005   vm\|SMIG1011   vm\|SMIG1012   switch" "$1"' _ "$T/pf3"
check "its VM names, the same as the first source's, are warned about" \
  test "$(grep -c "SMIG2010   vm:" "$T/pf3")" -eq 4
check "its host settings stay the first source's" \
  bash -c 'tr -s " \n" " " <"$1" | grep -q "holds the migration of HV-SRC01"' _ "$T/pf3"
expect_exit 0 "clean third source: apply" "$IMPORT" apply -p "$T/k.pub" "$T/a3.smig" --dest "$T/dest" "${maps[@]}"
r3=$(ls -d "$T"/dest/C/smig-reports/* | while read -r d; do [ -f "$d/migrate.ps1" ] && grep -q HV-SRC03 "$d"/compatibility.txt 2>/dev/null && echo "$d" || true; done)
check "the third archive's reports exist" test -n "$r3"
check "its migrate.ps1 shares 'External LAN' (created only when missing)" \
  grep -q "Find-SmigSwitch" "$r3/migrate.ps1"
ps2012_check "migrate.ps1 of the consolidated destination" "$r3/migrate.ps1"
check "both sources' web01 configurations are on the destination" \
  bash -c 'ls "$1"/D/Hyper-V/Virtual\ Machines/6F0B2E9A-41C3-4B8E-9E5B-1D2C3A4B5C01.xml "$1"/D/Hyper-V/Virtual\ Machines/6F0B2E9A-41C9-4B8E-9E5B-1D2C3A4B5C01.xml' _ "$T/dest"
# report plans as each apply did: the third with the first beside it, the first alone
expect_exit 0 "report of the third agrees with its apply" "$IMPORT" report --dest "$T/dest" -p "$T/k.pub" --against "$T/a3.smig"
expect_exit 0 "report of the first is not changed by the third" "$IMPORT" report --dest "$T/dest" -p "$T/k.pub" --against "$T/a1.smig"
check "the third's record lists the first as its prior" \
  bash -c 'grep -q "^prior	$(basename "$(dirname "$2")")$" "$1"/dest/smig-journal/*/placed' _ "$T" "$rec"
# the first archive again, onto a destination that now holds the third: it is its own
expect_exit 0 "the first archive again: already applied, nothing to do" "$IMPORT" apply -p "$T/k.pub" "$T/a1.smig" --dest "$T/dest" "${maps[@]}"

# an interrupted apply of another archive blocks, naming it
j3=$(ls "$T/dest/smig-journal" | grep -v "^lock$" | while read -r j; do grep -q HV-SRC03 "$T/dest/smig-journal/$j/placed" && echo "$j" || true; done)
sed -i '/^complete$/d' "$T/dest/smig-journal/$j3/state"
expect_exit 4 "another archive's interrupted apply blocks preflight" "$IMPORT" preflight -p "$T/k.pub" "$T/a2.smig" --dest "$T/dest" "${maps[@]}"
check "... in one line naming its journal" bash -c 'one_line_error() { [ "$(wc -l <"$1")" -eq 1 ] && grep -q "interrupted apply of archive $2 .*rollback --journal $2" "$1"; }; one_line_error "$1" "$2"' _ "$T/err" "$j3"
echo complete >>"$T/dest/smig-journal/$j3/state"

# a hostile record is refused with its file and line
cp "$rec" "$T/rec.bak"
printf 'nic\t6F0B2E9A-41C3-4B8E-9E5B-1D2C3A4B5C01\tnot-a-mac\tstatic\t\n' >>"$rec"
expect_exit 1 "a bad record: error" "$IMPORT" preflight -p "$T/k.pub" "$T/a2.smig" --dest "$T/dest" "${maps[@]}"
check "... naming the record and the line" bash -c 'grep -q "placed. is not a valid record of an earlier apply: line [0-9]*: a MAC address that is not one" "$1" && [ "$(wc -l <"$1")" -eq 1 ]' _ "$T/err"
cp "$T/rec.bak" "$rec"

# each rolls back on its own; the first's record then no longer counts
expect_exit 0 "rollback of the third" "$IMPORT" rollback --dest "$T/dest" --journal "$j3"
check "the third's files are gone" test ! -e "$T/dest/D/Hyper-V/Virtual Machines/6F0B2E9A-41C9-4B8E-9E5B-1D2C3A4B5C01.xml"
check "the first's are still there" test -f "$T/dest/D/Hyper-V/Virtual Machines/6F0B2E9A-41C3-4B8E-9E5B-1D2C3A4B5C01.xml"
j1=$(basename "$(dirname "$rec")")
expect_exit 0 "rollback of the first" "$IMPORT" rollback --dest "$T/dest" --journal "$j1"
"$IMPORT" preflight -p "$T/k.pub" "$T/a2.smig" --dest "$T/dest" "${maps[@]}" >"$T/pf2b" 2>&1 || true
check "after both rollbacks nothing is reported as placed by an earlier apply" \
  bash -c '! grep -q "HV-SRC01\|earlier apply" "$1"' _ "$T/pf2b"
finish
