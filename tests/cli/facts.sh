#!/usr/bin/env bash
# A running source: collect.cmd's facts folder plus the volumes (as the SMB shares show them,
# without readable hives) give the same inventory and the same archive payload as the whole
# host folder; VMs not shut down are refused; hidden registration links are searched for.
. "$(dirname "$0")/lib.bash"
for tool in bsdtar signify-openbsd python3 cmp; do
  command -v "$tool" >/dev/null || { echo "skip: $tool is not installed"; exit 77; }
done

build_example lab-2008r2 "$T/src"
"$EXPORT" keygen -p "$T/k.pub" -s "$T/k.sec" >/dev/null 2>&1

# ---- collect-script: written as documented ----
expect_exit 0 "collect-script to stdout" "$EXPORT" collect-script
cp "$T/out" "$T/collect.cmd"
check "collect.cmd is CRLF only" python3 -c '
import sys; b = open(sys.argv[1], "rb").read()
assert b.endswith(b"\r\n") and b.count(b"\n") == b.count(b"\r\n") and b.count(b"\r") == b.count(b"\r\n")' "$T/collect.cmd"
expect_exit 0 "collect-script -o FILE" "$EXPORT" collect-script -o "$T/c2.cmd"
check "-o FILE holds the same script" cmp -s "$T/collect.cmd" "$T/c2.cmd"
check "-o FILE prints nothing" test ! -s "$T/out"
mkdir "$T/adir"
expect_exit 2 "collect-script -o DIR" "$EXPORT" collect-script -o "$T/adir"
check "-o DIR: one-line error" one_line_error smig-export
expect_exit 2 "collect-script extra argument" "$EXPORT" collect-script x
expect_exit 0 "collect-script --help" "$EXPORT" collect-script --help
check "help names --facts" grep -q -- "--facts DIR" "$T/out"

# ---- a facts folder in the layout collect.cmd writes, made from the example host ----
# File names are taken from collect.cmd itself: the target of each command it runs.
target() { # the facts file a collect.cmd line matching $1 writes ("!PART!\NAME")
  grep -a -- "$1" "$T/collect.cmd" | grep -ao '"!PART!\\[^"]*"' | head -1 | sed 's/^"!PART!\\//; s/"$//'
}
sys=$(target 'reg save HKLM\\SYSTEM ')
soft=$(target 'reg save HKLM\\SOFTWARE ')
ipc=$(target '^ipconfig /all')
si=$(target '^systeminfo ')
vms=$(target 'Msvm_ComputerSystem')
vmroots=$(target 'Msvm_VirtualSystemGlobalSettingData')
store=$(target '^copy /y "!STORE!"')
marker=$(target 'echo smig-facts 1')
check "collect.cmd names every facts file" test -n "$sys" -a -n "$soft" -a -n "$ipc" -a -n "$si" \
  -a -n "$vms" -a -n "$vmroots" -a -n "$store" -a -n "$marker"
cfg=C/Windows/System32/config
hv=C/ProgramData/Microsoft/Windows/Hyper-V
F=$T/smig-facts
mkdir "$F"
cp -p "$T/src/$cfg/SYSTEM" "$F/$sys"
cp -p "$T/src/$cfg/SOFTWARE" "$F/$soft"
cp -p "$T/src/C/IPSettings.txt" "$F/$ipc"
cp -p "$T/src/C/systeminfo.txt" "$F/$si"
cp -p "$T/src/$hv/InitialStore.xml" "$F/$store"
printf 'smig-facts 1\r\n\r\nMicrosoft Windows [Version 6.1.7601]\r\n' >"$F/$marker"
# wmic /format:csv redirected with '>': UTF-16LE with a BOM, a blank first line, CR CR LF
write_vms() { # STATE-of-web01 STATE-of-dc01 [ansi]
  python3 - "$F/$vms" "$F/$vmroots" "$1" "$2" "${3:-}" <<'PY'
import sys
path, rpath, web, dc, ansi = sys.argv[1:]
def write(p, text):
    open(p, "wb").write(text.encode("ascii") if ansi else b"\xff\xfe" + text.encode("utf-16le"))
rows = [("HV-SRC01", "HV-SRC01", "2", "HV-SRC01"),
        ("HV-SRC01", "web01", web, "6F0B2E9A-41C3-4B8E-9E5B-1D2C3A4B5C01"),
        ("HV-SRC01", "sql01", "32769", "8A3C5E7F-0A1B-4C2D-8E3F-4A5B6C7D8E02"),
        ("HV-SRC01", "dc01, the DC", dc, "2C4D6E8F-1A2B-4C3D-9E4F-5A6B7C8D9E03"),
        ("HV-SRC01", "test01", "3", "9E8F7A6B-5C4D-4E3F-8A2B-1C0D9E8F7A04")]
write(path, "\r\r\nNode,ElementName,EnabledState,Name\r\r\n" + "".join(",".join(r) + "\r\r\n" for r in rows))
# the VMs' own data roots (the host has none: only VMs)
roots = {"web01": "D:\\Hyper-V\\web01", "sql01": "D:\\Hyper-V\\sql01", "dc01, the DC": "",
         "test01": "D:\\Hyper-V"}
write(rpath, "\r\r\nNode,ExternalDataRoot,SystemName\r\r\n" +
      "".join("HV-SRC01,%s,%s\r\r\n" % (roots[r[1]], r[3]) for r in rows[1:]))
PY
}
write_vms 3 3
# the volumes as the shares show them: the live hives, outputs and store are not readable
cp -a "$T/src" "$T/vol"
rm "$T/vol/$cfg/SYSTEM" "$T/vol/$cfg/SOFTWARE" "$T/vol/C/IPSettings.txt" \
  "$T/vol/C/systeminfo.txt" "$T/vol/$hv/InitialStore.xml"

# ---- the same inventory ----
expect_exit 0 "inventory of the whole host" "$EXPORT" inventory --source "$T/src" --format json
cp "$T/out" "$T/a.json"
expect_exit 0 "inventory --facts" "$EXPORT" inventory --source "$T/vol" --facts "$F" --format json
cp "$T/out" "$T/b.json"
check "same inventory modulo the root and the VM states" python3 - "$T/a.json" "$T/b.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
assert a["facts"] is None and b["facts"].endswith("smig-facts"), b["facts"]
states = {v["name"]: (v["power_state"], v["must_shut_down"]) for v in b["virtual_machines"]}
assert states == {"web01": ("off", False), "sql01": ("saved", False), "dc01": ("off", False),
                  "test01": ("off", False)}, states
for d in (a, b):
    del d["root"], d["facts"], d["generated_utc"]
    for v in d["virtual_machines"]:
        del v["power_state"], v["must_shut_down"]
assert a == b, "inventories differ"
PY
expect_exit 0 "features --facts" "$EXPORT" features --source "$T/vol" --facts "$F"
cp "$T/out" "$T/fb.txt"
"$EXPORT" features --source "$T/src" >"$T/fa.txt"
check "same features" cmp -s "$T/fa.txt" "$T/fb.txt"
# the rejecting twin: without the facts folder the shares alone are not a host
expect_exit 1 "inventory of the shares alone" "$EXPORT" inventory --source "$T/vol"
check "no SYSTEM hive: one-line error" one_line_error smig-export
# an ANSI vms.csv (converted by a tool, or typed) reads the same
write_vms 3 3 ansi
expect_exit 0 "inventory --facts, ANSI vms.csv" "$EXPORT" inventory --source "$T/vol" --facts "$F" --format json
check "ANSI vms.csv: same states" python3 -c '
import json, sys; d = json.load(open(sys.argv[1]))
assert all(v["power_state"] in ("off", "saved") for v in d["virtual_machines"])' "$T/out"
write_vms 3 3

# ---- the same archive payload ----
payload() { # ARCHIVE DIR: the member names and SHA-256 of everything but the descriptor
  mkdir "$2" && bsdtar -xf "$1" -C "$2" && grep -v 'smig/descriptor.xml' "$2/smig/SHA256"
}
expect_exit 0 "export of the whole host" "$EXPORT" export --source "$T/src" -s "$T/k.sec" -o "$T/a.smig"
expect_exit 0 "export --facts" "$EXPORT" export --source "$T/vol" --facts "$F" -s "$T/k.sec" -o "$T/b.smig"
payload "$T/a.smig" "$T/xa" >"$T/pa"
payload "$T/b.smig" "$T/xb" >"$T/pb"
check "same payload (names and SHA-256)" cmp -s "$T/pa" "$T/pb"
check "payload has the hives' .reg and the store" grep -q 'authorization-store/InitialStore.xml' "$T/pb"
check "payload has the VM disks" grep -q 'disks/web01.vhd' "$T/pb"
check "signature verifies (signify)" bash -c 'cd "$1" && signify-openbsd -C -p "$2" -x smig/SHA256.sig >/dev/null' \
  _ "$T/xb" "$T/k.pub"

# ---- a running VM is refused; the collector's states are the source of truth ----
write_vms 2 3
expect_exit 0 "inventory, web01 running" "$EXPORT" inventory --source "$T/vol" --facts "$F"
check "report says web01 must be shut down" grep -q "running (shut it down first)" "$T/out"
check "report lists the blocker for web01" grep -q "the VM is running on the source" "$T/out"
check "only web01 is to be shut down" test "$(grep -c 'shut it down first' "$T/out")" -eq 1
expect_exit 1 "export, web01 running" "$EXPORT" export --source "$T/vol" --facts "$F" -s "$T/k.sec" -o "$T/c.smig"
check "refusal is one line" one_line_error smig-export
check "refusal names web01 and why" grep -q "VM 'web01' .* it is running on the source" "$T/err"
check "refusal leaves no archive" test ! -e "$T/c.smig"
expect_exit 0 "export of the other VMs" "$EXPORT" export --source "$T/vol" --facts "$F" -s "$T/k.sec" \
  -o "$T/c.smig" --vm sql01 --vm dc01 --vm test01
expect_exit 0 "export --type config of a running VM (no disks read)" "$EXPORT" export \
  --source "$T/vol" --facts "$F" -s "$T/k.sec" -o "$T/d.smig" --type config
write_vms 32768 3
expect_exit 1 "export, web01 paused" "$EXPORT" export --source "$T/vol" --facts "$F" -s "$T/k.sec" -o "$T/c2.smig"
check "paused named" grep -q "it is paused on the source" "$T/err"
# a VM the collector does not list: state unknown, refused too
python3 - "$F/$vms" <<'PY'
import sys
p = sys.argv[1]; t = open(p, "rb").read().decode("utf-16")
open(p, "wb").write(b"\xff\xfe" + "".join(l for l in t.splitlines(True) if "test01" not in l).encode("utf-16le"))
PY
expect_exit 1 "export, test01 not listed" "$EXPORT" export --source "$T/vol" --facts "$F" -s "$T/k.sec" -o "$T/c3.smig"
check "unlisted named" grep -q "VM 'test01' .* not in the collector's list" "$T/err"
write_vms 3 3

# ---- registration links the share hides: found by search, reported once ----
vmdir="$T/vol/$hv/Virtual Machines"
rm "$vmdir/6F0B2E9A-41C3-4B8E-9E5B-1D2C3A4B5C01.xml"           # web01: link hidden entirely
: >"$T/sqlreg" && rm "$vmdir/8A3C5E7F-0A1B-4C2D-8E3F-4A5B6C7D8E02.xml" \
  && cp "$T/sqlreg" "$vmdir/8A3C5E7F-0A1B-4C2D-8E3F-4A5B6C7D8E02.xml"  # sql01: a plain 0-byte file
expect_exit 0 "inventory, hidden links" "$EXPORT" inventory --source "$T/vol" --facts "$F" --format json
check "hidden links: all four VMs, found by search, one note" python3 - "$T/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
reg = {v["name"]: v["registration"] for v in d["virtual_machines"]}
assert reg == {"web01": "search", "sql01": "search", "dc01": "file", "test01": "search"}, reg
assert all(v["error"] is None for v in d["virtual_machines"])
notes = [p for p in d["problems"] if "registration entry" in p["message"]]
assert len(notes) == 1 and "'web01'" in notes[0]["message"], notes
PY
expect_exit 0 "export, hidden links" "$EXPORT" export --source "$T/vol" --facts "$F" -s "$T/k.sec" -o "$T/e.smig"
payload "$T/e.smig" "$T/xe" >"$T/pe"
check "hidden links: same payload" cmp -s "$T/pa" "$T/pe"

# the whole registration folder hidden: the listed VMs are still searched for; dc01, whose
# configuration lives in that folder, is flagged (never silently left out)
mv "$vmdir" "$T/vmdir.hidden"
expect_exit 0 "inventory, registration folder hidden" "$EXPORT" inventory --source "$T/vol" --facts "$F" --format json
check "hidden folder: three found by search, dc01 flagged" python3 - "$T/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
vms = {v["name"]: v for v in d["virtual_machines"]}
assert sorted(vms) == ["2C4D6E8F-1A2B-4C3D-9E4F-5A6B7C8D9E03", "sql01", "test01", "web01"], sorted(vms)
assert all(vms[n]["registration"] == "search" for n in ("sql01", "test01", "web01"))
assert vms["2C4D6E8F-1A2B-4C3D-9E4F-5A6B7C8D9E03"]["error"]
PY
expect_exit 1 "export, registration folder hidden" "$EXPORT" export --source "$T/vol" --facts "$F" -s "$T/k.sec" -o "$T/f.smig"
check "dc01 named" grep -q "2C4D6E8F-1A2B-4C3D-9E4F-5A6B7C8D9E03" "$T/err"
mv "$T/vmdir.hidden" "$vmdir"

# ---- broken facts folders: one line naming the folder and the cause ----
expect_exit 1 "--facts missing" "$EXPORT" inventory --source "$T/vol" --facts "$T/nope"
check "missing folder: one line" one_line_error smig-export
cp -a "$F" "$T/f2" && rm "$T/f2/$marker"
expect_exit 1 "--facts without its marker" "$EXPORT" inventory --source "$T/vol" --facts "$T/f2"
check "incomplete folder named" grep -q "is not a complete facts folder" "$T/err"
cp -a "$F" "$T/f3" && rm "$T/f3/$sys"
expect_exit 1 "--facts without SYSTEM" "$EXPORT" inventory --source "$T/vol" --facts "$T/f3"
check "missing SYSTEM named" grep -q "has no SYSTEM file" "$T/err"
cp -a "$F" "$T/f4" && printf 'Node,Caption\r\nX,Y\r\n' >"$T/f4/$vms"
expect_exit 1 "--facts with a foreign vms.csv" "$EXPORT" inventory --source "$T/vol" --facts "$T/f4"
check "foreign vms.csv named" grep -q "is not the output of .wmic .* Msvm_ComputerSystem" "$T/err"
expect_exit 2 "--facts with --ipconfig" "$EXPORT" inventory --source "$T/vol" --facts "$F" \
  --ipconfig "$F/$ipc"
check "conflict: one line" one_line_error smig-export

finish
