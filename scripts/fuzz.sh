#!/usr/bin/env bash
# Fuzz every reader of untrusted bytes (tests/fuzz/README.md). Usage:
#   scripts/fuzz.sh [SECONDS_PER_TARGET]        (default 20)
# Configures and builds build-fuzz/ with clang and -DSMIG_FUZZ=ON, makes each target's seed
# corpus in build-fuzz/corpus/<target>/ with smig's own tools (the example hosts, their
# export and apply), and runs each target for SECONDS on its corpus plus
# tests/fuzz/regressions/<target>/ under ASan and UBSan. Prints "N passed, N failed"
# (targets) last. Exit 0 when no target failed; 1 when one crashed, leaked, timed out or ran
# out of memory (the target, its reproducer and the report are printed); 77 when clang or
# libFuzzer is missing.
# Environment: SMIG_FUZZ_TARGETS="vhd journal" runs only those; SMIG_FUZZ_JOBS=N runs N
# targets at once (default: online CPUs).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-20}
case $secs in '' | *[!0-9]* | 0)
  echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET]" >&2
  exit 2
  ;;
esac
dir=$top/build-fuzz
jobs=${SMIG_FUZZ_JOBS:-$(nproc)}
shared=${SMIG_SHARED_DATA:-$top/../shared/data}

# ---- toolchain: clang with libFuzzer, else skip ----
if ! command -v clang >/dev/null; then
  echo "fuzz: clang is not installed (scripts/setup.sh installs it): skipping" >&2
  exit 77
fi
probe=$(mktemp -d "${TMPDIR:-/tmp}/smig-fuzz-probe.XXXXXX")
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n);\n%s\n' \
  'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { return (int)(d && !n); }' \
  >"$probe/p.c"
if ! clang -fsanitize=fuzzer,address,undefined "$probe/p.c" -o "$probe/p" >/dev/null 2>&1; then
  rm -rf "$probe"
  echo "fuzz: clang cannot link -fsanitize=fuzzer (libFuzzer missing): skipping" >&2
  exit 77
fi
rm -rf "$probe"

# ---- build ----
echo "== fuzz: build $dir" >&2
mkdir -p "$dir"
if ! { CC=clang cmake -S "$top" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSMIG_FUZZ=ON \
  -DSMIG_WERROR=ON &&
  cmake --build "$dir" --target fuzz -j"$(nproc)"; } >"$dir/fuzz-build.log" 2>&1; then
  tail -n 40 "$dir/fuzz-build.log" >&2
  echo "fuzz: the build failed (log: $dir/fuzz-build.log)" >&2
  exit 1
fi
fz=$dir/tests/fuzz
targets=()
for t in "$fz"/fuzz_*; do
  [ -x "$t" ] && targets+=("${t##*/fuzz_}")
done
if [ -n "${SMIG_FUZZ_TARGETS:-}" ]; then
  read -r -a targets <<<"$SMIG_FUZZ_TARGETS"
fi

# ---- seed corpora ----
# Seeds are named by their content's hash, so re-running adds nothing twice; what libFuzzer
# found on earlier runs stays in the corpus (a local campaign resumes from it).
echo "== fuzz: seed corpora in $dir/corpus" >&2
w=$dir/seeds
rm -rf "$w"
mkdir -p "$w/x" "$w/made"
corpus=$dir/corpus
seed() { # seed TARGET FILE...: non-empty FILEs into TARGET's corpus
  local t=$1 f
  shift
  mkdir -p "$corpus/$t"
  for f; do
    if [ ! -f "$f" ] || [ ! -s "$f" ]; then
      continue # also an unmatched glob: ../shared/data is optional
    fi
    cp "$f" "$corpus/$t/seed-$(sha1sum <"$f" | cut -c1-16)"
  done
}
{
  bin=$dir
  "$bin/smig-mkhost" --force "$top/examples/lab-2008r2/host.json" "$w/src"
  "$bin/smig-mkhost" --force --language fr "$top/examples/lab-2008r2/host.json" "$w/src-fr"
  "$bin/smig-mkhost" --force --dest-facts "$w/dest-facts.json" \
    "$top/examples/lab-2012/host.json" "$w/dst"
  "$bin/smig-export" keygen -p "$w/k.pub" -s "$w/k.sec"
  "$bin/smig-export" export --source "$w/src" -s "$w/k.sec" --progress never -o "$w/full.smig"
  "$bin/smig-export" export --source "$w/src" -s "$w/k.sec" --progress never --compress gzip \
    --vm dc01 -o "$w/dc01.smig"
  "$bin/smig-export" export --source "$w/src" -s "$w/k.sec" --progress never --compress none \
    --vm test01 --type config -o "$w/test01.smig"
  tar -xf "$w/full.smig" -C "$w/x"
  # age: to fuzz_age's fixed test recipient, and with a passphrase (work factor 18, above the
  # target's bound of 10: the fuzzer finds the cheap ones)
  "$bin/smig-export" export --source "$w/src" -s "$w/k.sec" --progress never --compress none \
    --vm test01 --type config -o "$w/test01.smig.age" \
    --encrypt-to age1284q57cy2ecqn3erxt97ytf6dw0wv5naz0rrg53syadwqjjxlvfqa8hn9d
  (umask 077 && printf 'smig fuzz passphrase\n' >"$w/fz.pw")
  "$bin/smig-export" export --source "$w/src" -s "$w/k.sec" --progress never --compress none \
    --vm test01 --type config -o "$w/test01-pw.smig.age" --passphrase-file "$w/fz.pw"
  "$fz/smig-fuzz-seeds" vhd "$w/made" "$w/made"
} >"$w/log" 2>&1 || {
  cat "$w/log" >&2
  echo "fuzz: making the seeds failed" >&2
  exit 1
}
id=$(sed -n 's:.*<archive-id>\(.*\)</archive-id>.*:\1:p' "$w/x/smig/descriptor.xml")
mapfile -t regs < <(find "$w/x" -name '*.reg')
mapfile -t configs < <(find "$w/x/hyperv/vms" -name '*.xml')

seed regfile "${regs[@]}"
seed vmconfig "${configs[@]}" "$shared"/vm*.xml
seed azman "$top"/examples/*/InitialStore.xml
seed descriptor "$w/x/smig/descriptor.xml"
seed ipconfig "$top"/examples/*/IPSettings.txt "$shared"/ipconfig*.txt "$w/src-fr/C/IPSettings.txt"
seed sysinfo "$top"/examples/*/systeminfo.txt "$shared"/systeminfo*.txt "$w/src-fr/C/systeminfo.txt"
python3 "$top/tests/fuzz/seeds.py" fwrule "$w/fwrule" "$top"/examples/*/host.json
seed fwrule "$w"/fwrule/*
python3 "$top/tests/fuzz/seeds.py" secdesc "$w/secdesc" "${regs[@]}" --sddl "$top"/examples/*/host.json
seed secdesc "$w"/secdesc/*
seed vhd "$w"/made/*.vhd "$w"/made/*.avhd
seed vhd_chain "$w"/made/child-*
seed manifest "$top"/manifests/*.xml
seed archive "$w/full.smig" "$w/dc01.smig" "$w/test01.smig"
seed destfacts "$w/dest-facts.json"
seed age "$w/test01.smig.age" "$w/test01-pw.smig.age"
# wmic tables of a facts folder as wmic writes them (fuzz_facts.c: byte 0 picks the table)
python3 - "$w/facts" <<'PY'
import os, sys
d = sys.argv[1]; os.makedirs(d, exist_ok=True)
g = "6F0B2E9A-41C3-4B8E-9E5B-1D2C3A4B5C01"
vms = "\r\r\nNode,ElementName,EnabledState,Name\r\r\nHV,HV,2,HV\r\r\nHV,web, 01,32769,%s\r\r\n" % g
roots = "\r\nNode,ExternalDataRoot,SystemName\r\nHV,D:\\Hyper-V\\web01,%s\r\n" % g
for name, table, text in (("vms16", 0, vms), ("roots16", 1, roots)):
    open(os.path.join(d, name), "wb").write(bytes([table]) + b"\xff\xfe" + text.encode("utf-16le"))
open(os.path.join(d, "vms8"), "wb").write(b"\0" + vms.encode())
PY
seed facts "$w"/facts/*

# signed payload lists (fuzzutil.h): descriptor and a configuration, a chain, a store, .reg
vm=$(dirname "${configs[0]#"$w/x/"}")
"$fz/smig-fuzz-seeds" signed "$w/signed-1" 0 "smig/descriptor.xml=$w/x/smig/descriptor.xml" \
  "$vm/config.xml=$w/x/$vm/config.xml"
"$fz/smig-fuzz-seeds" signed "$w/signed-2" 2 "$vm/disks/base.vhd=$w/made/base.vhd" \
  "$vm/disks/child.avhd=$w/made/child.avhd"
"$fz/smig-fuzz-seeds" signed "$w/signed-3" 1 \
  "hyperv/authorization-store/InitialStore.xml=$w/x/hyperv/authorization-store/InitialStore.xml" \
  "hyperv/vmq.reg=$w/x/hyperv/vmq.reg"
seed archive_signed "$w"/signed-*

# the journal and the live state: apply the export onto the destination as the demo does
maps=(--discard-saved-state --ipconfig-mode nic --map-mac 00-1E-C9-3A-5B-02=A0-36-9F-12-34-57)
if "$bin/smig-import" apply -p "$w/k.pub" "$w/full.smig" --dest "$w/dst" "${maps[@]}" \
  >"$w/apply.log" 2>&1 || [ $? -eq 5 ]; then
  j=$w/dst/smig-journal/$id
  { cat "$j/ops"; printf '\n--smig-fuzz-split--\n'; cat "$j/state"; } >"$w/journal-1"
  seed journal "$w/journal-1"
  seed priorapply "$j/placed"
  # smig-state.json as tests/cli/import_state.sh makes it (its mkstate.py, taken from there)
  sed -n "/^cat >\"\$T\/mkstate.py\" <<'EOF'\$/,/^EOF\$/p" "$top/tests/cli/import_state.sh" |
    sed '1d;$d' >"$w/mkstate.py"
  if [ -s "$w/mkstate.py" ] &&
    "$bin/smig-export" inventory --source "$w/src" --format json >"$w/src.json" 2>/dev/null &&
    "$bin/smig-export" inventory --source "$w/dst" --format json >"$w/dst.json" 2>/dev/null &&
    python3 "$w/mkstate.py" "$w/src.json" "$w/dst.json" "$w/dst" "$id" \
      "$top/examples/lab-2008r2/InitialStore.xml" >"$w/state.json" 2>"$w/mkstate.log"; then
    printf '\xef\xbb\xbf' | cat - "$w/state.json" >"$w/smig-state.json"
    seed livecheck "$w/smig-state.json"
  else
    echo "fuzz: note: no smig-state.json seed (tests/cli/import_state.sh's mkstate.py)" >&2
  fi
else
  echo "fuzz: note: apply failed, no journal or smig-state.json seed ($w/apply.log)" >&2
fi

# ---- run ----
echo "== fuzz: ${#targets[@]} targets, ${secs}s each, $jobs at a time" >&2
# The targets' scratch files (archives staged, journals laid out, disks written) go to a
# tmpfs when there is one: fsync there is free, which makes those targets many times faster.
rm -rf "$dir/logs" "$dir/tmp"
mkdir -p "$dir/logs" "$dir/artifacts"
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
  scratch=$(mktemp -d /dev/shm/smig-fuzz.XXXXXX)
else
  scratch=$dir/tmp
  mkdir -p "$scratch"
fi
trap 'rm -rf "$scratch"' EXIT
run_one() { # run_one TARGET: exit status of libFuzzer
  local t=$1 reg=$top/tests/fuzz/regressions/$1 dirs
  dirs=("$corpus/$t")
  mkdir -p "$corpus/$t" "$dir/artifacts/$t" "$scratch/$t"
  [ -d "$reg" ] && dirs+=("$reg")
  TMPDIR=$scratch/$t UBSAN_OPTIONS=print_stacktrace=1 \
    "$fz/fuzz_$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$dir/artifacts/$t/" -print_final_stats=1 "${dirs[@]}" \
    >"$dir/logs/$t.log" 2>&1
}
declare -A pid_of=()
passed=0
failed=0
report() { # report TARGET STATUS
  local t=$1 rc=$2 repro log
  rm -rf "${scratch:?}/$t" "$dir/logs/$t.repro.log"
  if [ "$rc" -eq 0 ]; then
    passed=$((passed + 1))
    echo "fuzz: $t: ok ($(grep -o 'stat::number_of_executed_units: *[0-9]*' "$dir/logs/$t.log" |
      grep -o '[0-9]*$' || echo '?') runs)" >&2
    return
  fi
  failed=$((failed + 1))
  repro=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$dir/logs/$t.log" | tail -n 1)
  echo "fuzz: $t: FAILED (exit $rc); reproducer: ${repro:-none written}" >&2
  echo "fuzz: $t: rerun it with: $fz/fuzz_$t ${repro:-<input>}; full log: $dir/logs/$t.log" >&2
  # the report again from the reproducer, with full stacks (slow malloc unwinding: the run
  # itself uses the fast one, which loses frames inside libraries such as libxml2)
  if [ -n "$repro" ] && [ -f "$repro" ]; then
    mkdir -p "$scratch/$t"
    (cd "$scratch/$t" && TMPDIR=$scratch/$t ASAN_OPTIONS=fast_unwind_on_malloc=0 \
      UBSAN_OPTIONS=print_stacktrace=1 "$fz/fuzz_$t" "$repro" >"$dir/logs/$t.repro.log" 2>&1) || true
    rm -rf "${scratch:?}/$t"
  fi
  log=$dir/logs/$t.log
  [ -s "$dir/logs/$t.repro.log" ] && log=$dir/logs/$t.repro.log
  grep -E -A 30 '^==[0-9]+==ERROR|runtime error|ALARM|out-of-memory|deadly signal' "$log" |
    head -n 40 >&2 || true
}
for t in "${targets[@]}"; do
  if [ ! -x "$fz/fuzz_$t" ]; then
    echo "fuzz: no target '$t'" >&2
    failed=$((failed + 1))
    continue
  fi
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
    sleep 0.2
  done
  run_one "$t" &
  pid_of[$t]=$!
done
for t in "${targets[@]}"; do
  [ -n "${pid_of[$t]:-}" ] || continue
  rc=0
  wait "${pid_of[$t]}" || rc=$?
  report "$t" "$rc"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
