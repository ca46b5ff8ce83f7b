#!/usr/bin/env bash
# smig-import report --state: the verification from the live 2012 host. The example source is
# exported and applied onto a copy of the example destination as the demo does; then the
# smig-state.json that migrate.ps1 would write on a host where everything went as planned is
# made here in python3 from the source's inventory (smig-export inventory --format json), the
# disk files apply placed and the recorded options (nothing from the code under test's plan).
# It passes (exit 0, the external network recreated as internal flagged); changed ones fail
# with the right SMIG id (exit 5); malformed and hostile ones are one-line errors (exit 1).
. "$(dirname "$0")/lib.bash"

for tool in python3 bsdtar; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed: skipping"; exit 77; }
done
build_example lab-2008r2 "$T/src"
build_example lab-2012 "$T/dst"
export TMPDIR=$T/tmp
mkdir "$TMPDIR"
"$EXPORT" keygen -p "$T/k.pub" -s "$T/k.sec" >/dev/null
"$EXPORT" export --source "$T/src" -s "$T/k.sec" --progress never -o "$T/a.smig" 2>/dev/null
ID=$(bsdtar -xOf "$T/a.smig" smig/descriptor.xml | sed -n 's:.*<archive-id>\(.*\)</archive-id>.*:\1:p')
MAPS=(--discard-saved-state --ipconfig-mode nic --map-mac 00-1E-C9-3A-5B-02=A0-36-9F-12-34-57)

# apply as the demo does; only its exit code matters here (0, or 5 from its own file check)
rc=0
"$IMPORT" apply -p "$T/k.pub" "$T/a.smig" --dest "$T/dst" "${MAPS[@]}" >"$T/apply.out" 2>&1 || rc=$?
check "apply ran (exit $rc)" test "$rc" -eq 0 -o "$rc" -eq 5
"$EXPORT" inventory --source "$T/src" --format json >"$T/src.json"
"$EXPORT" inventory --source "$T/dst" --format json >"$T/dst.json"

# The state of a host that followed the plan: VMs with the source's ids, memory, processors,
# snapshots and adapters; disks where apply placed them; networks by name (External LAN
# recreated internal: no --bind-switch); the source's host paths and MAC range; the mapped
# adapter's VMQ and IP settings and the host vNICs' IP settings; the source's store.
cat >"$T/mkstate.py" <<'EOF'
import base64, json, os, sys

src = json.load(open(sys.argv[1]))
dst = json.load(open(sys.argv[2]))
dest_root, archive_id, store = sys.argv[3], sys.argv[4], sys.argv[5]
SRC_MAC, DST_MAC = "00-1E-C9-3A-5B-02", "A0-36-9F-12-34-57"

def placed(winpath):
    """The Windows path of the file apply placed for a source disk (found by its name)."""
    name = winpath.rsplit("\\", 1)[-1].lower()
    for top, _, files in os.walk(dest_root):
        for f in files:
            if f.lower() == name:
                rel = os.path.relpath(os.path.join(top, f), dest_root).split(os.sep)
                if len(rel[0]) == 1:
                    return rel[0] + ":\\" + "\\".join(rel[1:])
    raise SystemExit("not placed: " + winpath)

def prefix(mask):
    return sum(bin(int(o)).count("1") for o in mask.split("."))

def ip_of(iface, mac, a):
    return {"interface": iface, "mac": mac, "dhcp": a["dhcp"],
            "addresses": [] if a["dhcp"] else
                         ["%s/%d" % (i, prefix(m)) for i, m in zip(a["ip"], a["mask"])],
            "gateways": [] if a["dhcp"] else a["gateway"], "dns": a["dns"]}

adapters = {a["guid"]: a for a in src["adapters"]}
ports = {p["guid"]: p["vlan"] for n in src["virtual_networks"] for p in n["ports"]}
vms = []
for v in src["virtual_machines"]:
    hd = []
    for d in v["drives"]:
        if d["kind"] != "vhd":
            continue
        ctype, loc = d["slot"].split(" ")
        num, pos = loc.split(":")
        hd.append({"controller_type": ctype, "controller_number": int(num),
                   "controller_location": int(pos), "disk_number": None,
                   "path": placed(v["disks"][d["disk"]]["path"])})
    snaps = v["snapshots"]
    m = v["memory"]
    vms.append({
        "id": v["id"], "name": v["name"], "state": "Off", "path": "D:\\Hyper-V", "version": None,
        "memory_startup_bytes": m["startup_mb"] << 20,
        "memory_minimum_bytes": (m["minimum_mb"] if m["dynamic"] else 512) << 20,
        "memory_maximum_bytes": (m["maximum_mb"] if m["dynamic"] else 1048576) << 20,
        "dynamic_memory": m["dynamic"], "processor_count": v["processors"]["count"],
        "processor_compatibility": v["processors"]["compatibility"],
        "hard_drives": hd, "dvd_drives": [], "floppy_drives": None,
        "snapshots": [{"id": s["id"], "name": s["name"],
                       "parent_id": None if s["parent"] is None else snaps[s["parent"]]["id"]}
                      for s in snaps],
        "network_adapters": [{
            "name": n["name"], "mac": n["mac"].replace("-", ""), "mac_static": n["static"],
            "legacy": n["legacy"], "switch_name": n["switch_name"],
            "vlan_mode": "Access" if ports.get(n["port"], n["vlan"]) else "Untagged",
            "vlan_id": ports.get(n["port"], n["vlan"])} for n in v["nics"]],
    })
switches, ips = [], []
for n in src["virtual_networks"]:
    kind = {"external": "Internal", "internal": "Internal", "private": "Private"}[n["type"]]
    switches.append({"id": n["guid"], "name": n["name"], "type": kind,
                     "allow_management_os": kind == "Internal",
                     "adapter_description": None, "adapter_mac": None})
    if n["host_vnic"]:
        ips.append(ip_of("vEthernet (%s)" % n["name"], None, adapters[n["host_vnic"]]))
s_nic = next(a for a in src["adapters"] if a["mac"] == SRC_MAC)
d_nic = next(a for a in dst["adapters"] if a["mac"] == DST_MAC)
ips.append(ip_of(d_nic["connection_name"], DST_MAC, s_nic))
h = src["host_settings"]
state = {
    "format": "smig-state", "version": 1, "archive_id": archive_id,
    "written_utc": "2026-12-02T18:00:00Z",
    "host": {"computer_name": "HV-DST01", "os_version": "6.2.9200",
             "virtual_machine_path": h["data_root"], "virtual_hard_disk_path": h["vhd_path"],
             "mac_address_minimum": h["mac_minimum"], "mac_address_maximum": h["mac_maximum"],
             "logical_processors": 16, "memory_bytes": 68719476736,
             "store_location": h["store_location"]},
    "vmq": {"TenGigVmqEnabled": h["vmq"]["tengig"],
            "BelowTenGigVmqEnabled": h["vmq"]["below_tengig"]},
    "switches": switches,
    "adapters": [{"name": d_nic["connection_name"], "description": d_nic["description"],
                  "mac": DST_MAC, "virtual": False, "status": "Up", "link_speed": "10 Gbps",
                  "vmq_enabled": None if s_nic["vmq"] is None else bool(s_nic["vmq"])}],
    "ip": ips, "vms": vms,
    "authorization": {"path": src["authorization_store"]["path"],
                      "xml_base64": base64.b64encode(open(store, "rb").read()).decode()},
    "firewall": [],
}
json.dump(state, sys.stdout, indent=2)
EOF
python3 "$T/mkstate.py" "$T/src.json" "$T/dst.json" "$T/dst" "$ID" \
  "$SMIG_SOURCE_DIR/examples/lab-2008r2/InitialStore.xml" >"$T/state.json"
# what PowerShell writes: UTF-8 with a BOM
printf '\xef\xbb\xbf' | cat - "$T/state.json" >"$T/smig-state.json"
REPORT=("$IMPORT" report --dest "$T/dst" -p "$T/k.pub" --against "$T/a.smig")

# ---- the state of a host that followed the plan ----
expect_exit 0 "help" "$IMPORT" report --help
check "report --help names --state" grep -q -- "--state FILE" "$T/out"
expect_exit 2 "--state is report's" "$IMPORT" preflight -p "$T/k.pub" "$T/a.smig" --dest "$T/dst" \
  --state "$T/smig-state.json"
expect_exit 0 "report --state over the planned state" "${REPORT[@]}" --state "$T/smig-state.json"
[ -s "$T/out" ] && cp "$T/out" "$T/pass.txt"
grep -E 'FAIL|ERROR' "$T/out" >&2 || true
for id in 4001 4002 4003 4004 4005 4006 4007 4008 4009 4010 4011; do
  check "SMIG$id in the report" grep -q "SMIG$id" "$T/pass.txt"
done
check "the external network recreated as internal is flagged" \
  grep -q "SMIG4007.*switch:External LAN" "$T/pass.txt"
expect_exit 0 "report --state --format json" "${REPORT[@]}" --state "$T/smig-state.json" \
  --format json
check "the JSON report parses: passes, one warning, no failure" python3 -c '
import json, sys
items = json.load(open(sys.argv[1]))["items"]
sev = [i["severity"] for i in items]
assert sev.count("pass") > 30 and sev.count("warning") == 1, sev
assert not [i for i in items if i["severity"] in ("fail", "error")], items' "$T/out"
expect_exit 0 "report --state --format html" "${REPORT[@]}" --state "$T/smig-state.json" \
  --format html

# ---- one difference at a time: exit 5 with the right id ----
differ() { # differ ID WHAT PYTHON-STATEMENT-ON-s
  local id=$1 what=$2
  python3 -c "import json, sys
s = json.load(open(sys.argv[1], encoding='utf-8-sig'))
$3
json.dump(s, open(sys.argv[2], 'w'))" "$T/smig-state.json" "$T/changed.json"
  expect_exit 5 "$what" "${REPORT[@]}" --state "$T/changed.json" --format json
  check "$what: $id fails, nothing else" python3 -c '
import json, sys
failed = {i["id"] for i in json.load(open(sys.argv[1]))["items"] if i["severity"] in ("fail", "error")}
assert failed == {sys.argv[2]}, failed' "$T/out" "$id"
  check "$what: one line on stderr" grep -q "verification found 1 difference" "$T/err"
}
differ SMIG4001 "a missing VM" 's["vms"] = [v for v in s["vms"] if v["name"] != "dc01"]'
differ SMIG4002 "changed memory" \
  'next(v for v in s["vms"] if v["name"] == "web01")["memory_startup_bytes"] += 1 << 20'
differ SMIG4006 "a wrong VLAN" \
  'next(v for v in s["vms"] if v["name"] == "web01")["network_adapters"][0]["vlan_id"] = 21'
differ SMIG4007 "a switch of another type" \
  'next(n for n in s["switches"] if n["name"] == "Private Cluster")["type"] = "Internal"'
differ SMIG4009 "a store without a role" \
  'import base64, re; a = s["authorization"]; x = base64.b64decode(a["xml_base64"]).decode("utf-8-sig"); a["xml_base64"] = base64.b64encode(re.sub(r"<Member>[^<]*</Member>", "", x, count=1).encode()).decode()'

# ---- the state of another archive: a failure, and nothing compared against the wrong plan ----
differ SMIG4001 "the state of another archive" \
  's["archive_id"] = "0b7c52e1-0d1a-4f43-9d65-3a1f0e5b7c11"'
check "another archive: it names both" grep -q \
  "written by the migrate.ps1 of archive 0b7c52e1-0d1a-4f43-9d65-3a1f0e5b7c11, not of this archive $ID" \
  "$T/out"
check "another archive: nothing else compared" python3 -c '
import json, sys
items = json.load(open(sys.argv[1]))["items"]
assert [i["subject"] for i in items if i["id"].startswith("SMIG40")] == ["host"], items' "$T/out"

# ---- PowerShell 3.0's {"value": [...], "Count": n} lists are lists ----
python3 -c 'import json, sys
s = json.load(open(sys.argv[1], encoding="utf-8-sig"))
w = lambda l: {"value": l, "Count": len(l)}
s["vms"] = w(s["vms"])
s["switches"] = w(s["switches"])
for v in s["vms"]["value"]:
    v["snapshots"] = w(v["snapshots"])
json.dump(s, open(sys.argv[2], "w"))' "$T/smig-state.json" "$T/wrapped.json"
expect_exit 0 "report --state over wrapped lists" "${REPORT[@]}" --state "$T/wrapped.json"

# ---- ISO and VFD files placed with --copy-media are in the VMs' drives ----
# exported with --include-media, applied with --copy-media (the ISO folder mapped) onto another
# copy of the destination; report takes the recorded options
"$EXPORT" export --source "$T/src" -s "$T/k.sec" --progress never --include-media \
  -o "$T/media.smig" 2>/dev/null
MID=$(bsdtar -xOf "$T/media.smig" smig/descriptor.xml | sed -n 's:.*<archive-id>\(.*\)</archive-id>.*:\1:p')
build_example lab-2012 "$T/mdst"
rc=0
"$IMPORT" apply -p "$T/k.pub" "$T/media.smig" --dest "$T/mdst" "${MAPS[@]}" --copy-media \
  --map-path 'D:\ISO=C:\Media' >"$T/apply.out" 2>&1 || rc=$?
check "apply --copy-media ran (exit $rc)" test "$rc" -eq 0 -o "$rc" -eq 5
check "the ISO was placed" test -f "$T/mdst/C/Media/en_windows_server_2008_r2_with_sp1_x64.iso"
python3 "$T/mkstate.py" "$T/src.json" "$T/dst.json" "$T/mdst" "$MID" \
  "$SMIG_SOURCE_DIR/examples/lab-2008r2/InitialStore.xml" >"$T/mstate.json"
MREPORT=("$IMPORT" report --dest "$T/mdst" -p "$T/k.pub" --against "$T/media.smig")
expect_exit 5 "--copy-media: the host's drives are empty" "${MREPORT[@]}" --state \
  "$T/mstate.json" --format json
check "--copy-media: SMIG4005 fails for the ISO and the VFD, nothing else" python3 -c '
import json, sys
items = json.load(open(sys.argv[1]))["items"]
bad = sorted((i["id"], i["subject"]) for i in items if i["severity"] in ("fail", "error"))
assert [b[0] for b in bad] == ["SMIG4005", "SMIG4005"], bad
assert any("no DVD drive on the host holds" in i["message"] and "C:\\Media\\en_windows" in i["message"]
           for i in items if i["severity"] == "fail"), items
assert any("no floppy drive on the host holds" in i["message"]
           for i in items if i["severity"] == "fail"), items' "$T/out"
python3 -c 'import json, sys
src = json.load(open(sys.argv[1]))
s = json.load(open(sys.argv[2]))
for v in src["virtual_machines"]:
    for d in v["drives"]:
        if d["kind"] not in ("iso", "vfd") or not d.get("path"):
            continue
        path = d["path"].replace("D:\\ISO", "C:\\Media").upper()  # any case: Windows paths
        m = next(x for x in s["vms"] if x["name"] == v["name"])
        # unrolled, as PowerShell 3.0 writes a one-element list
        m["dvd_drives" if d["kind"] == "iso" else "floppy_drives"] = {
            "controller_number": 1, "controller_location": 0, "path": path}
json.dump(s, open(sys.argv[3], "w"))' "$T/src.json" "$T/mstate.json" "$T/mstate2.json"
expect_exit 0 "--copy-media: the drives hold the placed files" "${MREPORT[@]}" \
  --state "$T/mstate2.json" --format json
check "--copy-media: the ISO and the VFD pass" python3 -c '
import json, sys
items = json.load(open(sys.argv[1]))["items"]
ok = [i for i in items if i["id"] == "SMIG4005" and i["severity"] == "pass"
      and "where the plan put it (--copy-media)" in i["message"]]
assert len(ok) == 2, [i for i in items if i["id"] == "SMIG4005"]' "$T/out"
check "without --copy-media: the media are information only" grep -q \
  "is not compared; the host's drive is empty" "$T/pass.txt"

# ---- an external network the plan bound (--bind-switch) that the host has as internal ----
# (options given to report replace the recorded ones)
expect_exit 5 "an unbound external network" "${REPORT[@]}" --state "$T/smig-state.json" \
  --bind-switch 'External LAN=Ethernet' "${MAPS[@]}"
check "unbound external: SMIG4007 fails" grep -q "SMIG4007.*External LAN" "$T/out"
check "unbound external: it names the planned adapter" grep -q "binds it as an external network" \
  "$T/out"

# ---- malformed and hostile files: one line, exit 1 ----
refuse() { # refuse WHAT NEEDLE FILE
  expect_exit 1 "$1" "${REPORT[@]}" --state "$3"
  check "$1: one line" one_line_error "smig-import"
  check "$1: names the problem" grep -q -- "$2" "$T/err"
}
printf '{"format":"smig-state","version":1,' >"$T/bad1.json"
refuse "truncated JSON" "not JSON" "$T/bad1.json"
printf '{"format":"smig-state","version":2}' >"$T/bad2.json"
refuse "another version" "member 'version'" "$T/bad2.json"
printf '{"format":"smig-state","version":1,"vms":[{"id":"x"}]}' >"$T/bad3.json"
refuse "a VM id that is not a GUID" "member 'vms\[0\].id'" "$T/bad3.json"
python3 -c 'import sys; open(sys.argv[1], "w").write("[" * 100000 + "]" * 100000)' "$T/bad4.json"
refuse "deep nesting" "nests deeper" "$T/bad4.json"
printf '{"format":"smig-state","version":1,"archive_id":"\xc3\x28"}' >"$T/bad5.json"
refuse "invalid UTF-8" "not JSON" "$T/bad5.json"
python3 -c 'import json, sys
s = json.load(open(sys.argv[1], encoding="utf-8-sig"))
s["vms"].append(dict(s["vms"][0], name="twin"))
json.dump(s, open(sys.argv[2], "w"))' "$T/smig-state.json" "$T/bad8.json"
refuse "a VM id listed twice" "member 'vms\[[0-9]*\].id' repeats the id" "$T/bad8.json"
truncate -s 70M "$T/bad6.json"
refuse "a 70 MB file" "too large" "$T/bad6.json"
refuse "a missing file" "bad7.json" "$T/bad7.json"
finish
