#!/usr/bin/env bash
# A running destination described by dest-facts.json (docs/dest-facts.md): the facts are made
# from the example destination lab-2012 (smig-mkhost --dest-facts, as probe.ps1 would write
# them), the destination's hives are removed (a running host's are locked and not on its
# shares), and preflight must give the same items as on the hive destination; apply places
# the files there too. probe-script's output is checked by ps2012-check (PowerShell 3.0,
# Windows Server 2012 cmdlets); a malformed facts file is one line and exit 1.
. "$(dirname "$0")/lib.bash"

for tool in python3 bsdtar; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed: skipping"; exit 77; }
done
build_example lab-2008r2 "$T/src"
"$MKHOST" --force --dest-facts "$T/facts.json" "$SMIG_SOURCE_DIR/examples/lab-2012/host.json" \
  "$T/hive" >/dev/null
export TMPDIR=$T/tmp
mkdir "$TMPDIR"
"$EXPORT" keygen -p "$T/k.pub" -s "$T/k.sec" >/dev/null
"$EXPORT" export --source "$T/src" -s "$T/k.sec" --progress never -o "$T/a.smig" 2>/dev/null

# the destination as its admin shares show it: C/ and D/, no hives (mkhost writes them under
# C/Windows/System32/config), the facts next to the drives
hiveless() {
  rm -rf "$1"
  cp -a "$T/hive" "$1"
  rm -f "$1"/C/Windows/System32/config/SYSTEM "$1"/C/Windows/System32/config/SOFTWARE
}
hiveless "$T/live"
cp "$T/facts.json" "$T/live/dest-facts.json"
check "the hive-less copy has no SYSTEM hive" test ! -e "$T/live/C/Windows/System32/config/SYSTEM"
check "mkhost wrote the facts format" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["format"] == "smig-dest-facts" and d["version"] == 1
assert d["os"]["version"] == "6.2" and d["os"]["computer_name"] == "HV-DST01"
assert [v["letter"] for v in d["volumes"]] == ["C", "D"]
assert len(d["adapters"]) == 2 and all(a["physical"] for a in d["adapters"])' "$T/facts.json"

# ---- the same preflight on the hive destination and on its facts ----
# items compared after the destination's path is replaced by DEST in the whole report
same_preflight() {
  local what=$1 rc1=0 rc2=0
  shift
  "$IMPORT" preflight -p "$T/k.pub" "$T/a.smig" --format json --dest "$T/hive" "$@" \
    >"$T/p-hive.json" 2>"$T/err" || rc1=$?
  "$IMPORT" preflight -p "$T/k.pub" "$T/a.smig" --format json --dest "$T/live" "$@" \
    >"$T/p-live.json" 2>"$T/err" || rc2=$?
  if [ "$rc1" -ne "$rc2" ]; then bad "$what: exit $rc1 on hives, $rc2 on facts"; return; fi
  if python3 - "$T/p-hive.json" "$T/hive" "$T/p-live.json" "$T/live" <<'EOF'
import json, sys
def load(path, root):
    d = json.loads(open(path).read().replace(root, "DEST"))
    assert d["report"] == "preflight" and d["items"], path
    return d
a, b = load(sys.argv[1], sys.argv[2]), load(sys.argv[3], sys.argv[4])
if a["items"] != b["items"] or a["facts"] != b["facts"]:
    for x, y in zip(a["items"], b["items"]):
        if x != y:
            print("hives:", x, "\nfacts:", y, file=sys.stderr)
            break
    sys.exit(1)
EOF
  then ok; else bad "$what: the preflight items differ"; fi
}
same_preflight "preflight (blockers)"
same_preflight "preflight with maps" --discard-saved-state --ipconfig-mode nic \
  --map-mac 00-1E-C9-3A-5B-02=A0-36-9F-12-34-57
same_preflight "preflight with a small --memory-mb" --discard-saved-state --memory-mb 512 --force
check "the blockers are there on facts" grep -q '"SMIG1003"' "$T/p-live.json"

# --dest-facts names the file wherever it is; a host with hives then uses the facts too
hiveless "$T/live2"
expect_exit 0 "preflight --dest-facts FILE" "$IMPORT" preflight -p "$T/k.pub" "$T/a.smig" \
  --dest "$T/live2" --dest-facts "$T/facts.json" --discard-saved-state
check "it reads the facts' computer name" grep -q "HV-DST01" "$T/out"
expect_exit 2 "--ipconfig does not mix with facts" "$IMPORT" preflight -p "$T/k.pub" \
  "$T/a.smig" --dest "$T/live2" --dest-facts "$T/facts.json" --ipconfig "$T/facts.json"
check "the usage error is one line" grep -q "^smig-import: --ipconfig and --systeminfo" "$T/err"

# ---- a destination with a switch and a VM, as probe.ps1 writes them on PowerShell 3.0 ----
# mkhost's facts have no switches and no VMs: one of each is added here in probe.ps1's shape,
# with PowerShell 3.0's habits (a one-element list written as its element, null for an empty
# list, lower-case GUIDs without braces, a list wrapped as {"value": [...], "Count": n}) and
# adapters Get-NetAdapter really lists (a host vNIC; a tunnel adapter without MAC or GUID)
"$EXPORT" inventory --source "$T/src" --format json >"$T/src.json"
cat >"$T/mkfacts.py" <<'EOF2'
import json, sys
d = json.load(open(sys.argv[1]))
src = json.load(open(sys.argv[2]))
switch_type, role = sys.argv[4], sys.argv[5] == "true"
web = next(v for v in src["virtual_machines"] if v["name"] == "web01")
d["hyperv"]["role_installed"] = role
d["adapters"].append({
    "name": "vEthernet (Private Cluster)", "description": "Hyper-V Virtual Ethernet Adapter",
    "mac": "00155D1E2A01", "guid": "{c0ffee01-2012-4a5b-8c6d-7e8f9a0b1c09}", "physical": False,
    "host_vnic": True, "link_speed": "10 Gbps", "status": "Up", "vmq_enabled": None,
    "dhcp": True, "addresses": "169.254.10.20/16", "gateways": None, "dns": None})
d["adapters"].append({
    "name": "isatap.lab.local", "description": "Microsoft ISATAP Adapter", "mac": "",
    "guid": None, "physical": False, "host_vnic": False, "link_speed": "100 Kbps",
    "status": "Disconnected", "vmq_enabled": None, "dhcp": None, "addresses": None,
    "gateways": None, "dns": None})
d["switches"] = {
    "id": "0f6a0000-1111-2222-3333-444455556666", "name": "Private Cluster",
    "type": switch_type, "adapter_guid": None, "adapter_description": None,
    "allow_management_os": switch_type == "Internal",
    "host_adapter_guid": "{C0FFEE01-2012-4A5B-8C6D-7E8F9A0B1C09}" if switch_type == "Internal" else None}
d["vms"] = {
    "id": web["id"].lower(), "name": "web01", "state": "Off", "path": None,
    "memory_startup_bytes": 1073741824, "processor_count": 1,
    "network_adapters": {"name": "Network Adapter", "mac": "000000000000",
                         "mac_static": False, "legacy": False,
                         "switch_name": "Private Cluster"}}
d["volumes"] = {"value": d["volumes"], "Count": len(d["volumes"])}
json.dump(d, open(sys.argv[3], "w"), indent=2)
EOF2
python3 "$T/mkfacts.py" "$T/facts.json" "$T/src.json" "$T/facts2.json" Private true
hiveless "$T/live3"
expect_exit 4 "preflight on a destination with a VM of the archive's id" "$IMPORT" preflight \
  -p "$T/k.pub" "$T/a.smig" --dest "$T/live3" --dest-facts "$T/facts2.json" \
  --discard-saved-state --format json
check "the existing VM id is SMIG1005 (blocker), the only blocker" python3 -c '
import json, sys
items = json.load(open(sys.argv[1]))["items"]
b = [(i["id"], i["subject"]) for i in items if i["severity"] == "blocker"]
assert b == [("SMIG1005", "vm:web01")], b
m = next(i["message"] for i in items if i["id"] == "SMIG1005")
assert sys.argv[2].upper() in m and "already exists on the destination" in m, m' \
  "$T/out" "$(python3 -c 'import json, sys; print(next(v["id"] for v in json.load(open(sys.argv[1]))["virtual_machines"] if v["name"] == "web01"))' "$T/src.json")"
check "the same switch (name and type) is no conflict" grep -q \
  "no destination network has a source network's name with another type" "$T/out"
python3 "$T/mkfacts.py" "$T/facts.json" "$T/src.json" "$T/facts3.json" Internal true
expect_exit 4 "preflight on a destination with the switch of another type" "$IMPORT" preflight \
  -p "$T/k.pub" "$T/a.smig" --dest "$T/live3" --dest-facts "$T/facts3.json" \
  --discard-saved-state --format json
check "the existing switch is in the model: SMIG1012 names it" python3 -c '
import json, sys
items = json.load(open(sys.argv[1]))["items"]
b = sorted((i["id"], i["subject"]) for i in items if i["severity"] == "blocker")
assert b == [("SMIG1005", "vm:web01"), ("SMIG1012", "switch:Private Cluster")], b
m = next(i["message"] for i in items if i["id"] == "SMIG1012" and i["severity"] == "blocker")
assert "already has a virtual network named" in m and "internal" in m, m' "$T/out"
# vmms alone is not the Hyper-V role (SMIG1007 says which one is missing)
python3 "$T/mkfacts.py" "$T/facts.json" "$T/src.json" "$T/facts4.json" Private false
expect_exit 4 "preflight on a destination with vmms but no Hyper-V role" "$IMPORT" preflight \
  -p "$T/k.pub" "$T/a.smig" --dest "$T/live3" --dest-facts "$T/facts4.json" \
  --discard-saved-state --format json
check "SMIG1007 names the missing role" python3 -c '
import json, sys
items = json.load(open(sys.argv[1]))["items"]
m = [i["message"] for i in items if i["id"] == "SMIG1007" and i["severity"] == "blocker"]
assert len(m) == 1 and "role_installed is false" in m[0] and "vmms service is present" in m[0], m
assert not [i for i in items if i["id"] == "SMIG1007" and i["severity"] == "pass"], items' "$T/out"

# ---- apply places the files on the facts destination ----
expect_exit 0 "apply on the facts destination" "$IMPORT" apply -p "$T/k.pub" "$T/a.smig" \
  --dest "$T/live" --discard-saved-state
check "the VMs' files are placed" test -n "$(find "$T/live/D" -iname '*.vhd' -print -quit)"
check "apply wrote no hive" test ! -e "$T/live/C/Windows/System32/config/SYSTEM"

# ---- hostile facts: one line, exit 1 ----
hiveless "$T/bad"
printf '{"format": "smig-dest-facts", "version": 1, "os": 7}' >"$T/bad/dest-facts.json"
expect_exit 1 "a malformed dest-facts.json" "$IMPORT" preflight -p "$T/k.pub" "$T/a.smig" \
  --dest "$T/bad"
check "its error is one line" one_line_error smig-import
check "it names the file and the member" grep -q "dest-facts.json.*member 'os'" "$T/err"
python3 -c 'import sys; sys.stdout.buffer.write(b"{\"format\": \"smig-dest-facts\\xff\"}")' \
  >"$T/bad/dest-facts.json"
expect_exit 1 "facts that are not UTF-8" "$IMPORT" preflight -p "$T/k.pub" "$T/a.smig" \
  --dest "$T/bad"
check "its error is one line too" one_line_error smig-import
python3 -c 'print("[" * 100000 + "]" * 100000)' >"$T/bad/dest-facts.json"
expect_exit 1 "deeply nested facts" "$IMPORT" preflight -p "$T/k.pub" "$T/a.smig" --dest "$T/bad"
check "nesting error is one line" one_line_error smig-import
rm "$T/bad/dest-facts.json"
expect_exit 1 "no hives and no facts" "$IMPORT" preflight -p "$T/k.pub" "$T/a.smig" --dest "$T/bad"
check "it says there is no SYSTEM hive" grep -q "no SYSTEM hive" "$T/err"

# ---- probe-script ----
expect_exit 0 "probe-script --help" "$IMPORT" probe-script --help
check "help names -o" grep -q -- "-o, --output FILE" "$T/out"
expect_exit 0 "apply --help" "$IMPORT" apply --help
check "apply --help names --dest-facts" grep -q -- "--dest-facts FILE" "$T/out"
expect_exit 2 "probe-script with an argument" "$IMPORT" probe-script extra
expect_exit 0 "probe-script -o" "$IMPORT" probe-script -o "$T/probe.ps1"
"$IMPORT" probe-script >"$T/probe-stdout.ps1"
check "stdout and -o give the same script" cmp -s "$T/probe.ps1" "$T/probe-stdout.ps1"
check "probe.ps1 starts with a BOM" test "$(head -c 3 "$T/probe.ps1" | od -An -tx1 | tr -d ' ')" = efbbbf
check "probe.ps1 has CRLF line ends only" python3 -c '
import sys
b = open(sys.argv[1], "rb").read()
assert b.count(b"\n") > 50 and b.count(b"\n") == b.count(b"\r\n")' "$T/probe.ps1"
expect_exit 0 "--help lists probe-script" "$IMPORT" --help
check "the command table names it" grep -q "probe-script" "$T/out"
expect_exit 0 "preflight --help" "$IMPORT" preflight --help
PSCHECK=$SMIG_SOURCE_DIR/../shared/tools/ps2012-check
if [ -x "$PSCHECK" ] && command -v node >/dev/null && command -v npm >/dev/null; then
  if "$PSCHECK" "$T/probe.ps1" >"$T/pscheck" 2>&1; then ok; else
    bad "ps2012-check probe.ps1: $(head -c 600 "$T/pscheck")"
  fi
else
  echo "ps2012-check or node is missing: probe.ps1 not checked against Windows Server 2012"
fi
finish
