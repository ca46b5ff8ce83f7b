#!/usr/bin/env bash
# The progress line on a real terminal: script(1) runs export and import verify on a
# pseudo-terminal of 80 (then 50) columns with --progress always. From the typescript
# (tests/cli/ttyscreen.py): the output is valid UTF-8; the progress is one line redrawn in
# place ('\r', the text, clear to the end of the line), every redraw fits the terminal in
# display columns, the last one ends with a newline, and a replay on a terminal of that
# width leaves exactly the last redraw on its row. The VM's name, in French and Japanese
# (double-width), is wider than the room left: it loses its start, cut between characters.
# A pipe that drains slowly keeps each run busy for seconds, so the line is redrawn often.
# The same host's text report pads its VM table in display columns, in valid UTF-8.
. "$(dirname "$0")/lib.bash"
command -v script >/dev/null || { echo "skip: script (bsdutils) is not installed"; exit 77; }

vm='Serveur de comptabilité générale 会計データベースサーバー 本番環境'
cat >"$T/host.json" <<JSON
{
  "description": "one VM named in French and Japanese, a 64 MiB fixed disk with 16 MiB of data",
  "drives": ["C"],
  "registry": {
    "SYSTEM": {"Select": {"Current": 1}, "ControlSet001\\\\Control\\\\ComputerName\\\\ComputerName": {"ComputerName": "PROG"}},
    "SOFTWARE": {"Microsoft\\\\Windows NT\\\\CurrentVersion": {"ProductName": "Windows Server 2008 R2 Standard", "CurrentVersion": "6.1"}}
  },
  "disks": [{"path": "C:\\\\VHD\\\\données 会計.vhd", "type": "fixed", "size": "64M", "id": "11111111-2222-4333-8444-555555555555",
             "data": [{"offset": 0, "length": "16M", "text": "données 会計 "}]}],
  "vms": [{"id": "AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE", "name": "$vm",
           "data_root": "C:\\\\ProgramData\\\\Microsoft\\\\Windows\\\\Hyper-V", "register": "file",
           "drives": [{"controller": "ide", "bus": 0, "slot": 0, "type": "VHD", "path": "C:\\\\VHD\\\\données 会計.vhd"}]},
          {"id": "BBBBBBBB-BBBB-4CCC-8DDD-EEEEEEEEEEEE", "name": "会計 données",
           "data_root": "C:\\\\ProgramData\\\\Microsoft\\\\Windows\\\\Hyper-V", "register": "file"}]
}
JSON
"$MKHOST" "$T/host.json" "$T/h" >/dev/null
"$EXPORT" keygen -p "$T/k.pub" -s "$T/k.sec" >/dev/null 2>&1
# slow.py [FILE]: copy FILE (default stdin) to stdout 64 KiB at a time, 10 ms apart
cat >"$T/slow.py" <<'PY'
import sys, time
src = open(sys.argv[1], "rb") if len(sys.argv) > 1 else sys.stdin.buffer
while True:
    b = src.read(65536)
    if not b:
        break
    sys.stdout.buffer.write(b)
    sys.stdout.buffer.flush()
    time.sleep(0.01)
PY
# screen WHAT COLS TYPESCRIPT [NEEDLE]: tests/cli/ttyscreen.py's checks, its reasons on failure
screen() {
  local what=$1
  shift
  if python3 "$SMIG_SOURCE_DIR/tests/cli/ttyscreen.py" "$@" >"$T/screen.out" 2>&1; then
    ok
    echo "$what: $(tail -n 1 "$T/screen.out")"
  else
    bad "$what: $(head -c 1500 "$T/screen.out")"
  fi
}

for cols in 80 50; do
  # export writes the archive into a pipe that drains slowly
  rc=0
  SHELL=/bin/bash script -qec "stty cols $cols; set -o pipefail; '$EXPORT' export --source '$T/h' \
    -s '$T/k.sec' -o - --compress none --progress always -q | python3 '$T/slow.py' >'$T/a$cols.smig'" \
    "$T/export$cols.ts" </dev/null >/dev/null || rc=$?
  check "export on $cols columns succeeds (exit $rc)" test "$rc" -eq 0
  # on 80 columns the name is cut ("...", then its end); on 50 there is no room for it
  needle=()
  [ "$cols" = 80 ] && needle=("$vm")
  screen "export on $cols columns" "$cols" "$T/export$cols.ts" "${needle[@]}"
  # import verify reads the archive from a pipe that fills slowly (its result line goes to a
  # file: only standard error is on the terminal)
  rc=0
  SHELL=/bin/bash script -qec "stty cols $cols; set -o pipefail; python3 '$T/slow.py' '$T/a$cols.smig' | \
    '$IMPORT' verify -p '$T/k.pub' - --progress always -q >'$T/verify$cols.out'" \
    "$T/verify$cols.ts" </dev/null >/dev/null || rc=$?
  check "verify on $cols columns succeeds (exit $rc)" test "$rc" -eq 0
  screen "verify on $cols columns" "$cols" "$T/verify$cols.ts"
done

# The text report's VM table pads names in display columns: "会計 données" (15 bytes, 12
# columns) lines up with the header; the output is valid UTF-8.
"$EXPORT" inventory --source "$T/h" >"$T/inv.txt"
check "inventory text is UTF-8" iconv -f UTF-8 -t UTF-8 -o /dev/null "$T/inv.txt"
check "the VM table's columns line up in display columns" python3 - "$T/inv.txt" <<'PY'
import sys, unicodedata
def width(s):
    return sum(0 if unicodedata.combining(c) else
               2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in s)
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
head = next(l for l in lines if l.startswith("  Name ") and "Memory" in l)
row = next(l for l in lines if l.startswith("  会計 données"))
after = len("  会計 données")
value = after + len(row[after:]) - len(row[after:].lstrip(" "))  # the memory column's value
assert width(row[:value]) == width(head[:head.index("Memory")]), (head, row)
PY
finish
