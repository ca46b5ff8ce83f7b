#!/usr/bin/env bash
# An interrupted export never leaves something that looks like an archive, nor its
# temporary file: SIGINT and SIGTERM in the middle of a disk (a 16 GiB fixed VHD that is all
# holes, so hashing its zeros keeps the export busy for seconds). An interrupted import
# (apply reading an archive from a pipe that stalls half-way) leaves the destination as it
# was: no staging area, no journal, no lock.
. "$(dirname "$0")/lib.bash"

cat >"$T/host.json" <<'JSON'
{
  "description": "one VM with a 16 GiB fixed disk that is all holes: an export slow enough to interrupt",
  "drives": ["C"],
  "registry": {
    "SYSTEM": {"Select": {"Current": 1}, "ControlSet001\\Control\\ComputerName\\ComputerName": {"ComputerName": "SIG"}},
    "SOFTWARE": {"Microsoft\\Windows NT\\CurrentVersion": {"ProductName": "Windows Server 2008 R2 Standard", "CurrentVersion": "6.1"}}
  },
  "disks": [{"path": "C:\\VHD\\big.vhd", "type": "fixed", "size": "16G", "id": "11111111-2222-4333-8444-555555555555",
             "data": [{"offset": 0, "length": "64K", "text": "big "}]}],
  "vms": [{"id": "AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE", "name": "big", "data_root": "C:\\ProgramData\\Microsoft\\Windows\\Hyper-V",
           "register": "file", "drives": [{"controller": "ide", "bus": 0, "slot": 0, "type": "VHD", "path": "C:\\VHD\\big.vhd"}]}]
}
JSON
"$MKHOST" "$T/host.json" "$T/h" >/dev/null
"$EXPORT" keygen -p "$T/k.pub" -s "$T/k.sec" >/dev/null 2>&1

for sig in INT TERM; do
  mkdir -p "$T/out-$sig"
  "$EXPORT" export --source "$T/h" -s "$T/k.sec" -o "$T/out-$sig/a.smig" --progress never 2>/dev/null &
  pid=$!
  # wait until the temporary archive exists, then interrupt
  for _ in $(seq 1 100); do
    ls "$T/out-$sig"/a.smig.partial-* >/dev/null 2>&1 && break
    sleep 0.05
  done
  check "SIG$sig: export was still running" kill -0 "$pid"
  kill -"$sig" "$pid"
  rc=0
  wait "$pid" || rc=$?
  check "SIG$sig: killed by the signal (status $rc)" test "$rc" -gt 128
  check "SIG$sig: nothing left in the output directory" test -z "$(ls -A "$T/out-$sig")"
done

# ---- import ----
"$EXPORT" export --source "$T/h" -s "$T/k.sec" -o "$T/a.smig" --compress none --progress never 2>/dev/null
tree() { (cd "$1" && find . -printf '%y %p\n' | LC_ALL=C sort) | sha256sum; }
for sig in INT TERM; do
  mkdir -p "$T/dest-$sig/C"
  before=$(tree "$T/dest-$sig")
  mkfifo "$T/fifo-$sig"
  # half the archive, then a stall: apply is staging when the signal comes
  (head -c 200000 "$T/a.smig"; sleep 30) >"$T/fifo-$sig" &
  writer=$!
  "$IMPORT" apply -p "$T/k.pub" - --dest "$T/dest-$sig" <"$T/fifo-$sig" >/dev/null 2>"$T/err-$sig" &
  pid=$!
  for _ in $(seq 1 100); do
    ls -d "$T/dest-$sig"/smig-journal/.smig-import-* >/dev/null 2>&1 && break
    sleep 0.05
  done
  check "import SIG$sig: apply was staging" kill -0 "$pid"
  sleep 0.2
  kill -"$sig" "$pid"
  rc=0
  wait "$pid" || rc=$?
  kill "$writer" 2>/dev/null || true
  wait "$writer" 2>/dev/null || true
  check "import SIG$sig: killed by the signal (status $rc)" test "$rc" -gt 128
  check "import SIG$sig: says it was interrupted" grep -q "interrupted by signal" "$T/err-$sig"
  check "import SIG$sig: destination as it was" test "$(tree "$T/dest-$sig")" = "$before"
done

# the same from an age archive that stalls half-way: its decrypting thread is the one blocked
# in the read, and must be stopped too
if command -v age-keygen >/dev/null; then
  age-keygen -o "$T/id.txt" 2>/dev/null
  chmod 600 "$T/id.txt"
  "$EXPORT" export --source "$T/h" -s "$T/k.sec" -o "$T/a.smig.age" --progress never \
    --encrypt-to "$(age-keygen -y "$T/id.txt")" 2>/dev/null
  mkdir -p "$T/dest-age/C"
  before=$(tree "$T/dest-age")
  mkfifo "$T/fifo-age"
  (head -c $(($(stat -c %s "$T/a.smig.age") / 2)) "$T/a.smig.age"; sleep 30) >"$T/fifo-age" &
  writer=$!
  "$IMPORT" apply -p "$T/k.pub" --identity "$T/id.txt" - --dest "$T/dest-age" \
    <"$T/fifo-age" >/dev/null 2>"$T/err-age" &
  pid=$!
  for _ in $(seq 1 100); do
    ls -d "$T/dest-age"/smig-journal/.smig-import-* >/dev/null 2>&1 && break
    sleep 0.05
  done
  sleep 0.3
  check "import age: apply was reading when the signal came" kill -0 "$pid"
  sent=$(date +%s%N)
  kill -INT "$pid"
  rc=0
  wait "$pid" || rc=$?
  took=$(( ($(date +%s%N) - sent) / 1000000 ))
  kill "$writer" 2>/dev/null || true
  wait "$writer" 2>/dev/null || true
  check "import age: killed by SIGINT (status $rc)" test "$rc" -eq 130
  check "import age: stopped within 5 s of SIGINT (${took} ms)" test "$took" -lt 5000
  check "import age: says it was interrupted" grep -q "interrupted by signal" "$T/err-age"
  check "import age: destination as it was" test "$(tree "$T/dest-age")" = "$before"
else
  echo "age-keygen is not installed: the interrupted age import is not checked"
fi

# ---- Ctrl-C in the middle of an apply onto a real 2012 destination, with --log ----
# Staging checks every hash: the 16 GiB disk's holes take seconds, and the stop request is
# checked between slices of them, so apply stops at once. The log is complete JSON lines whose
# last is the interruption, with how it ended; the destination is as it was.
build_example lab-2012 "$T/dest-log"
tree_sizes() { (cd "$1" && find . -printf '%y %p %s
' | LC_ALL=C sort) | sha256sum; }
before=$(tree_sizes "$T/dest-log")
"$IMPORT" apply -p "$T/k.pub" "$T/a.smig" --dest "$T/dest-log" --log "$T/apply.log" \
  --progress never >/dev/null 2>"$T/err-log" &
pid=$!
for _ in $(seq 1 200); do
  ls -d "$T/dest-log"/smig-journal/.smig-import-* >/dev/null 2>&1 && break
  sleep 0.05
done
sleep 0.5
check "apply --log: still staging when Ctrl-C comes" kill -0 "$pid"
sent=$(date +%s%N)
kill -INT "$pid"
rc=0
wait "$pid" || rc=$?
took=$(( ($(date +%s%N) - sent) / 1000000 ))
echo "apply stopped ${took} ms after SIGINT"
check "apply --log: killed by SIGINT, status 130 (status $rc)" test "$rc" -eq 130
check "apply --log: stopped within 5 s of SIGINT (${took} ms)" test "$took" -lt 5000
cp "$T/err-log" "$T/err"
check "apply --log: one line on stderr" one_line_error smig-import
check "apply --log: stderr says interrupted, nothing changed" \
  grep -q "interrupted by signal 2 .*the destination was not changed" "$T/err-log"
check "apply --log: every line is JSON, the last one the interruption" python3 -c '
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
assert lines[-1] == "", "the log does not end with a newline"
docs = [json.loads(l) for l in lines[:-1]]
assert docs[0]["step"] == "start", docs[0]
last = docs[-1]
assert last["step"] == "interrupted" and last["success"] is False, last
assert "interrupted by signal 2" in last["message"], last
assert "the destination was not changed" in last["message"], last
assert all(d["step"] != "end" for d in docs), "an end line beside the interruption"
' "$T/apply.log"
schema_check_lines "apply --log interrupted matches the log schema" smig-export-log "$T/apply.log"
check "apply --log: destination as it was (no staging, journal or lock)" \
  test "$(tree_sizes "$T/dest-log")" = "$before"
finish
