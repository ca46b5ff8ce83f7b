#!/usr/bin/env bash
# The migration types and the scope of an archive, end to end (export, verify, preflight,
# apply, report, and what migrate.ps1 does, checked by ps2012-check): --type storage places
# the disks and registers nothing; --type config places the configurations and expects the
# disks on the destination (SMIG1013 blocks until they are there); export --vm is an archive
# of that VM and the network it uses, nothing host-wide. Then the names import takes: --vm
# and --feature ignore case, an unknown one is refused (exit 2) with the list, by preflight,
# apply and report alike.
. "$(dirname "$0")/lib.bash"

for tool in python3 bsdtar iconv; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed: skipping"; exit 77; }
done
build_example lab-2008r2 "$T/src"
build_example lab-2012 "$T/dst0"
export TMPDIR=$T/tmp
mkdir "$TMPDIR"
fresh() { rm -rf "$1"; cp -a "$T/dst0" "$1"; }
tree_hash() {
  (cd "$1" && find . \( -type f -o -type l -o -type d \) -printf '%y %p %l\n' | LC_ALL=C sort &&
    find . -type f -exec sha256sum {} + | LC_ALL=C sort) | sha256sum
}
reports() { ls -d "$1"/C/smig-reports/*; }
# utf8 FILE: a placed configuration (UTF-16LE) as UTF-8
utf8() { iconv -f UTF-16LE -t UTF-8 "$1"; }

"$EXPORT" keygen -p "$T/k.pub" -s "$T/k.sec" >/dev/null
exp() { local out=$1; shift; "$EXPORT" export --source "$T/src" -s "$T/k.sec" --progress never \
  --compress none -o "$T/$out" "$@" 2>/dev/null; }
exp all.smig
exp storage.smig --type storage
exp config.smig --type config
exp web01.smig --vm WEB01
desc() { bsdtar -xOf "$T/$1" smig/descriptor.xml; }
for a in storage config web01; do
  expect_exit 0 "verify $a" "$IMPORT" verify -p "$T/k.pub" "$T/$a.smig"
done
check "the type is in the descriptor" grep -q 'type="storage"' <(desc storage.smig)
check "the scope of export --vm is 'vms'" grep -q 'scope="vms"' <(desc web01.smig)
check "a whole-host export says 'host'" grep -q 'scope="host"' <(desc all.smig)
check "export --vm carries no host-wide member" sh -c "! bsdtar -tf '$T/web01.smig' | grep -q '\.reg$'"

# ---- --type storage: the disks, nothing else ----
D=$T/ds
fresh "$D"
expect_exit 0 "storage: preflight" "$IMPORT" preflight -p "$T/k.pub" "$T/storage.smig" --dest "$D"
expect_exit 0 "storage: apply" "$IMPORT" apply -p "$T/k.pub" "$T/storage.smig" --dest "$D"
check "storage: apply verified the disks" grep -q "verification: [1-9][0-9]* passed, 0 flagged, 0 failed" "$T/out"
check "storage: web01's disk is placed" test -f "$D/C/Users/Public/Documents/Hyper-V/Virtual Hard Disks/web01.vhd"
check "storage: sql01's disk is placed" test -f "$D/C/Users/Public/Documents/Hyper-V/Virtual Hard Disks/sql01-system.vhd"
check "storage: the disk is the source's" cmp -s "$T/src/D/VHD/sql01-system.vhd" \
  "$D/C/Users/Public/Documents/Hyper-V/Virtual Hard Disks/sql01-system.vhd"
check "storage: no configuration is placed" sh -c "! find '$D' -path '*Virtual Machines*' -name '*.xml' -newer '$T/k.pub' | grep -q ."
R=$(reports "$D")
check "storage: migrate.ps1 registers no VM" sh -c "! grep -q 'Import-VM -CompatibilityReport' '$R/migrate.ps1'"
check "storage: migrate.ps1 creates no network" sh -c "! grep -q 'New-VMSwitch -Name' '$R/migrate.ps1'"
check "storage: migrate.ps1 sets no host setting" sh -c "! grep -q 'Set-VMHost -' '$R/migrate.ps1'"
check "storage: migrate.ps1 says why" grep -q "the archive carries disks only (--type storage)" "$R/migrate.ps1"
check "storage: migrate.ps1 checks that sql01's disk is not sparse" grep -q "Assert-SmigDense -Path 'C:\\\\Users\\\\Public\\\\Documents\\\\Hyper-V\\\\Virtual Hard Disks\\\\sql01-system.vhd'" "$R/migrate.ps1"
ps2012_check "storage: migrate.ps1" "$R/migrate.ps1"
check "storage: no store staged" test ! -e "$R/InitialStore.xml"
check "storage: SMIG3013 says where web01's disks are" grep -q "SMIG3013.*vm:web01" "$R/manual-steps.txt"
check "storage: no advice to remove Hyper-V from the source" sh -c "! grep -q SMIG3012 '$R/manual-steps.txt'"
expect_exit 0 "storage: report" "$IMPORT" report --dest "$D" -p "$T/k.pub" --against "$T/storage.smig"

# ---- --type config: configurations, the disks expected where they are ----
D=$T/dc
fresh "$D"
H0=$(tree_hash "$D")
expect_exit 4 "config: preflight blocks while the disks are missing" "$IMPORT" preflight \
  -p "$T/k.pub" "$T/config.smig" --dest "$D" --discard-saved-state
check "config: SMIG1013 names web01's disk" grep -q "SMIG1013 *vm:web01/disk:web01.vhd" "$T/out"
check "config: SMIG1013 names dc01's disk" grep -q "SMIG1013 *vm:dc01/disk:dc01.vhd" "$T/out"
expect_exit 4 "config: apply blocks too" "$IMPORT" apply -p "$T/k.pub" "$T/config.smig" \
  --dest "$D" --discard-saved-state --force
check "config: the blocked apply changed nothing" test "$(tree_hash "$D")" = "$H0"
# the disks brought over beforehand, at their source paths
(cd "$T/src" && find . -iname '*.vhd' -o -iname '*.avhd') | while read -r f; do
  mkdir -p "$D/$(dirname "$f")" && cp "$T/src/$f" "$D/$f"
done
H1=$(tree_hash "$D/D/VHD")
expect_exit 0 "config: preflight with the disks there" "$IMPORT" preflight -p "$T/k.pub" \
  "$T/config.smig" --dest "$D" --discard-saved-state
check "config: SMIG1013 passes" grep -q "SMIG1013 *host" "$T/out"
expect_exit 0 "config: apply" "$IMPORT" apply -p "$T/k.pub" "$T/config.smig" --dest "$D" \
  --discard-saved-state
check "config: apply verified" grep -q "verification: [1-9][0-9]* passed, 0 flagged, 0 failed" "$T/out"
check "config: the disks were not touched" test "$(tree_hash "$D/D/VHD")" = "$H1"
C="$D/D/Hyper-V/Virtual Machines/6F0B2E9A-41C3-4B8E-9E5B-1D2C3A4B5C01.xml"
check "config: web01's configuration is placed" test -f "$C"
check "config: it uses web01's disk where it already was" grep -qF 'D:\VHD\web01_4E6C8B21-0003-4D3F-8A21-6B7C8D9E0F03.avhd' <(utf8 "$C")
check "config: dc01's uses its disk on C:" grep -qF 'C:\Users\Public\Documents\Hyper-V\Virtual Hard Disks\dc01.vhd' \
  <(utf8 "$D/D/Hyper-V/Virtual Machines/2C4D6E8F-1A2B-4C3D-9E4F-5A6B7C8D9E03.xml")
R=$(reports "$D")
check "config: migrate.ps1 registers web01 from its placed configuration" grep -qF \
  "Compare-VM -Path 'D:\Hyper-V\Virtual Machines\6F0B2E9A-41C3-4B8E-9E5B-1D2C3A4B5C01.xml' -Register" "$R/migrate.ps1"
check "config: and imports it" grep -q "Import-VM -CompatibilityReport" "$R/migrate.ps1"
ps2012_check "config: migrate.ps1" "$R/migrate.ps1"
expect_exit 0 "config: report" "$IMPORT" report --dest "$D" -p "$T/k.pub" --against "$T/config.smig"
check "config: the report finds the disk where the configuration uses it" grep -q "present at 'D:.VHD.web01.vhd', where the configuration uses it" "$T/out"
rm "$D/D/VHD/sql01-system.vhd"
expect_exit 5 "config: report misses a disk that went away" "$IMPORT" report --dest "$D" -p "$T/k.pub" --against "$T/config.smig"

# ---- export --vm: that VM, its network, nothing host-wide ----
D=$T/dw
fresh "$D"
expect_exit 0 "vm scope: preflight" "$IMPORT" preflight -p "$T/k.pub" "$T/web01.smig" --dest "$D" --discard-saved-state
expect_exit 0 "vm scope: apply" "$IMPORT" apply -p "$T/k.pub" "$T/web01.smig" --dest "$D" --discard-saved-state
R=$(reports "$D")
check "vm scope: web01 is placed" test -f "$D/C/ProgramData/Microsoft/Windows/Hyper-V/Virtual Machines/6F0B2E9A-41C3-4B8E-9E5B-1D2C3A4B5C01.xml"
check "vm scope: no host setting" sh -c "! grep -q 'Set-VMHost -' '$R/migrate.ps1'"
check "vm scope: no store staged" test ! -e "$R/InitialStore.xml"
check "vm scope: the store is kept" grep -q "this host''s authorization store is kept" "$R/migrate.ps1"
check "vm scope: web01's network is created" grep -q "New-VMSwitch -Name 'External LAN'" "$R/migrate.ps1"
check "vm scope: no other network" sh -c "! grep -q \"New-VMSwitch -Name 'Internal Lab'\\|New-VMSwitch -Name 'Private Cluster'\" '$R/migrate.ps1'"
check "vm scope: no VMQ" sh -c "! grep -q \"Invoke-SmigChange 'vmq'\" '$R/migrate.ps1'"
check "vm scope: the firewall is kept" grep -q "this host''s firewall is kept" "$R/migrate.ps1"
check "vm scope: web01 is registered" grep -q "Import-VM -CompatibilityReport" "$R/migrate.ps1"
ps2012_check "vm scope: migrate.ps1" "$R/migrate.ps1"
check "vm scope: no advice to remove Hyper-V from the source" sh -c "! grep -q SMIG3012 '$R/manual-steps.txt'"
check "vm scope: no host-wide manual step" sh -c "! grep -q 'SMIG300[5678]' '$R/manual-steps.txt'"
expect_exit 0 "vm scope: report" "$IMPORT" report --dest "$D" -p "$T/k.pub" --against "$T/web01.smig"
# a whole-host archive still does all of it
D=$T/da
fresh "$D"
expect_exit 0 "whole host: apply" "$IMPORT" apply -p "$T/k.pub" "$T/all.smig" --dest "$D" --discard-saved-state
R=$(reports "$D")
check "whole host: the store is staged" test -f "$R/InitialStore.xml"
check "whole host: every network" grep -q "New-VMSwitch -Name 'Private Cluster'" "$R/migrate.ps1"
check "whole host: the source's Hyper-V goes" grep -q SMIG3012 "$R/manual-steps.txt"
check "whole host: VMQ" grep -q "Invoke-SmigChange 'vmq'" "$R/migrate.ps1"
# SMIG3005: migrate.ps1 recreates the user-defined rule from the archive's text: the step
# says so instead of sending the admin to recreate it by hand
check "whole host: the firewall step says migrate.ps1 recreates the rule" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
fw = [i for i in d["items"] if i["id"] == "SMIG3005"]
assert len(fw) == 1, fw
assert "migrate.ps1 does this: it recreates the rule" in fw[0]["action"], fw
assert "netsh" not in fw[0]["action"], fw' "$R/manual-steps.json"
check "whole host: migrate.ps1 recreates it" grep -q "New-NetFirewallRule -Name \$smigRuleName" "$R/migrate.ps1"

# ---- names: case-insensitive, unknown ones refused with the list ----
D=$T/dn
fresh "$D"
H0=$(tree_hash "$D")
for cmd in preflight apply; do
  expect_exit 2 "$cmd --feature bogus" "$IMPORT" $cmd -p "$T/k.pub" "$T/all.smig" --dest "$D" --feature bogus
  check "$cmd --feature bogus: one line" one_line_error smig-import
  check "$cmd --feature bogus: lists the features" grep -q "the archive has no such feature (it has: 'hyperv', 'ipconfig')" "$T/err"
  expect_exit 2 "$cmd --vm nosuch" "$IMPORT" $cmd -p "$T/k.pub" "$T/all.smig" --dest "$D" --vm nosuch
  check "$cmd --vm nosuch: lists the VMs" grep -q "(it has: 'dc01', 'sql01', 'test01', 'web01')" "$T/err"
done
expect_exit 2 "report --feature bogus" "$IMPORT" report --dest "$D" -p "$T/k.pub" --against "$T/all.smig" --feature bogus
check "report --feature bogus: lists the features" grep -q "it has: 'hyperv', 'ipconfig'" "$T/err"
check "refused names changed nothing" test "$(tree_hash "$D")" = "$H0"
expect_exit 0 "apply --vm WEB01 --feature HYPERV" "$IMPORT" apply -p "$T/k.pub" "$T/all.smig" --dest "$D" \
  --vm WEB01 --feature HYPERV --discard-saved-state
check "WEB01 is web01" test -f "$D/D/Hyper-V/Virtual Machines/6F0B2E9A-41C3-4B8E-9E5B-1D2C3A4B5C01.xml"
check "only web01" test ! -e "$D/D/Hyper-V/Virtual Machines/8A3C5E7F-0A1B-4C2D-8E3F-4A5B6C7D8E02.xml"
check "--feature hyperv with --vm keeps the host-wide part" test -f "$(reports "$D")/InitialStore.xml"
finish
