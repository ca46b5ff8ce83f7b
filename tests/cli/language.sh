#!/usr/bin/env bash
# tests/cli/language.sh - a French 2008 R2 host: the example host built with
# `smig-mkhost --language fr` writes its ipconfig /all and systeminfo files in French and in
# OEM code page 850 (formats.md A3). features, inventory and export read them and find the
# English host's network and system facts; a German host's files are refused with the file
# and the first label named, at the severity a missing file has.
. "$(dirname "$0")/lib.bash"

for tool in python3 iconv bsdtar; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool missing"; echo "0 passed, 0 failed"; exit 0; }
done

build_example lab-2008r2 "$T/en"
"$MKHOST" --force --language fr "$SMIG_SOURCE_DIR/examples/lab-2008r2/host.json" "$T/fr" >/dev/null
ipc=$T/fr/C/IPSettings.txt
si=$T/fr/C/systeminfo.txt

# the files are what a French console writes: French labels, CP850 bytes, CRLF
check "French ipconfig marker" grep -q $'^Configuration IP de Windows\r$' "$ipc"
check "é is the CP850 byte 0x82" grep -q $'DHCP activ\x82' "$ipc"
check "ipconfig is not UTF-8" bash -c '! iconv -f UTF-8 -t UTF-8 "$1" >/dev/null 2>&1' _ "$ipc"
check "sizes grouped with CP850's no-break space" grep -q $'32\xff757 Mo' "$si"
check "systeminfo values at column 44" grep -qa $'^Nom de l\'h\x93te:                              HV-SRC01' "$si"

# features: the file is read, and the language said
expect_exit 0 "features (French)" "$EXPORT" features --source "$T/fr"
check "IP configuration present" grep -q "^IP configuration (ipconfig): present" "$T/out"
check "features says French, CP850" grep -q "read (MAC addresses of the adapters; French, OEM code page 850)" "$T/out"

# inventory: the same facts as the English host, the language said in one line
expect_exit 0 "inventory json (English)" "$EXPORT" inventory --source "$T/en" --format json
cp "$T/out" "$T/en.json"
expect_exit 0 "inventory json (French)" "$EXPORT" inventory --source "$T/fr" --format json -v
cp "$T/out" "$T/fr.json"
check "verbose line names language and code page" \
  grep -q "ipconfig /all output read as French, OEM code page 850" "$T/err"
check "verbose line for systeminfo" grep -q "systeminfo output read as French, OEM code page 850" "$T/err"
cat >"$T/cmp.py" <<'EOF'
import json, sys
en, fr = (json.load(open(p)) for p in sys.argv[1:3])
for j in (en, fr):
    del j["generated_utc"], j["root"]
notes = [p for p in fr["problems"] if " read as " in p.get("message", "")]
msgs = sorted(p["message"] for p in notes)
want = ["C:\\IPSettings.txt read as French output in OEM code page 850",
        "C:\\systeminfo.txt read as French output in OEM code page 850"]
if msgs != want:
    sys.exit("French read-as notes: %r" % msgs)
en_notes = sorted(p["message"] for p in en["problems"] if " read as " in p.get("message", ""))
if en_notes != ["C:\\IPSettings.txt read as English output in ASCII",
                "C:\\systeminfo.txt read as English output in ASCII"]:
    sys.exit("English read-as notes: %r" % en_notes)
for j in (en, fr):
    j["problems"] = [p for p in j["problems"] if " read as " not in p.get("message", "")]
if not en["ipconfig"] or not fr["ipconfig"] or not fr["systeminfo"]:
    sys.exit("facts files not read")
if fr["os"]["memory_mb"] != 32757 or fr["os"]["memory_source"] != "systeminfo":
    sys.exit("memory from the French systeminfo: %r" % fr["os"]["memory_mb"])
macs = [a.get("mac") for a in fr["adapters"]]
if "00-1E-C9-3A-5B-02" not in macs:
    sys.exit("MACs from the French ipconfig: %r" % macs)
if en != fr:
    for k in en:
        if en[k] != fr[k]:
            sys.exit("%s differs: %s / %s" % (k, json.dumps(en[k])[:300], json.dumps(fr[k])[:300]))
EOF
check "French facts = English facts" python3 "$T/cmp.py" "$T/en.json" "$T/fr.json"
expect_exit 0 "inventory text (French)" "$EXPORT" inventory --source "$T/fr"
check "report says French, CP850" grep -q "ipconfig /all output *read (French, OEM code page 850)" "$T/out"

# export: the archive is written and carries the IP settings read from the French file
"$EXPORT" keygen -p "$T/k.pub" -s "$T/k.sec" >/dev/null
expect_exit 0 "export (French)" "$EXPORT" export --source "$T/fr" -s "$T/k.sec" --progress never \
  -o "$T/fr.smig"
mkdir "$T/x"
check "bsdtar reads the archive" bsdtar -xf "$T/fr.smig" -C "$T/x"
check "the archive keeps the French file as it was" cmp "$ipc" "$(find "$T/x" -iname 'IPSettings.txt' | head -1)"

# German: not a language smig reads. Found on the host: a warning naming the file and the
# first line, the report says it was not read, export still works; named with --ipconfig:
# a one-line error (exit 1)
cp -a "$T/fr" "$T/de"
printf '\r\nWindows-IP-Konfiguration\r\n\r\n   Hostname  . . . . . . . . . . . . : hv-src01\r\n' \
  | iconv -f UTF-8 -t CP850 >"$T/de/C/IPSettings.txt"
printf '\r\nHostname:                                  HV-SRC01\r\nBetriebssystemname:                        Microsoft Windows Server 2008 R2 Enterprise\r\n' \
  | iconv -f UTF-8 -t CP850 >"$T/de/C/systeminfo.txt"
expect_exit 0 "inventory json (German)" "$EXPORT" inventory --source "$T/de" --format json
check "warning names the file and the first line" python3 -c '
import json, sys
w = [p["message"] for p in json.load(open(sys.argv[1]))["problems"] if p["severity"] == "warning"]
sys.exit(not any(m.startswith("C:\\IPSettings.txt is ignored: ") and "IPSettings.txt" in m[20:]
                 and "the first line, \x27Windows-IP-Konfiguration\x27" in m for m in w) or
         not any("the first label, \x27Hostname\x27" in m for m in w))' "$T/out"
expect_exit 0 "inventory (German)" "$EXPORT" inventory --source "$T/de"
check "report says ipconfig was not read" grep -q "ipconfig /all output *not read" "$T/out"
expect_exit 0 "features (German)" "$EXPORT" features --source "$T/de"
check "features: ipconfig absent, not read" grep -q "ipconfig-output .*not read" "$T/out"
expect_exit 1 "--ipconfig German file" "$EXPORT" inventory --source "$T/de" --ipconfig "$T/de/C/IPSettings.txt"
check "one-line error" one_line_error smig-export
check "error names the file and the first line" \
  grep -q "$T/de/C/IPSettings.txt.*'Windows-IP-Konfiguration'" "$T/err"
expect_exit 0 "export (German)" "$EXPORT" export --source "$T/de" -s "$T/k.sec" --progress never \
  -o "$T/de.smig"

finish
