#!/bin/bash
# bench/import.sh - how fast are the import commands, compared with unpacking the same archive
# with stock tools? A benchmark, not a test: it prints numbers and the targets (issue 15 items
# 2-4, issue 14 item 5), it asserts nothing.
#
# It builds two hosts in a temporary directory and exports each once (not timed):
#   disk: the lab-2008r2 example plus one VM with a dynamic VHD of 1200 MiB of data that
#         compresses like real disks do (per 2 MiB: 1 MiB random, 512 KiB base64 text,
#         512 KiB zeros); also encrypted with `age -r` (needs age)
#   many: the lab-2008r2 example plus 1,000 VMs with a dynamic VHD of 8 MiB of data each
# then times, in rounds whose order alternates (the machine is shared: ratios against a peer
# measured in the same round mean more than seconds), each onto a fresh copy of the
# lab-2012 example where it writes:
#   bsdtar -xf ARCHIVE                      the floor every ratio is against
#   bsdtar -xf + signify-openbsd -C         what docs/archive.md promises works without smig
#   bsdtar -xf + sync                       bsdtar with the durability apply gives (apply
#                                           fsyncs every file it places before "complete")
#   smig-import verify                      target <= 0.50 x bsdtar -xf
#   smig-import preflight, apply            apply target <= 1.00 x bsdtar -xf
#   smig-import verify of the age archive   decryption's share of verify, target <= 10 %
#   many: preflight + apply                 target <= 2 x bsdtar -xf of its archive
# and prints the medians, the ratios and each command's peak RSS (target < 64 MiB).
#
# usage: bench/import.sh [--scale F] [--runs N] [BUILD_DIR]
#   --scale F   multiply the disk's size and the number of VMs by F (default 1; 0.25 gives
#               a run of a few minutes on a small machine)
#   --runs N    rounds (default 3; the medians are printed)
#   BUILD_DIR   default $SMIG_BUILD_DIR, else a Release build in build-bench/ made on the spot
# Needs: smig-mkhost, qemu-img, bsdtar, signify-openbsd, python3, bc, /usr/bin/time (Debian
# package "time"); age for the decryption figures. Disk: about 6 GiB free under $TMPDIR.
set -eu

scale=1
runs=3
while [ $# -gt 0 ]; do
	case $1 in
	--scale) scale=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	-*) echo "usage: bench/import.sh [--scale F] [--runs N] [BUILD_DIR]" >&2; exit 2 ;;
	*) break ;;
	esac
done

S=$(cd "$(dirname "$0")/.." && pwd)
B=${1:-${SMIG_BUILD_DIR:-}}
if [ -z "$B" ]; then
	# a sanitizer build would measure ASan, not smig
	B=$S/build-bench
	cmake -S "$S" -B "$B" -DCMAKE_BUILD_TYPE=Release -DSMIG_SANITIZE=OFF >/dev/null
	cmake --build "$B" -j"$(nproc)" --target smig-export smig-import smig-mkhost >/dev/null
fi
B=$(cd "$B" && pwd)
X=$B/smig-export
I=$B/smig-import
MK=$B/smig-mkhost
for tool in qemu-img bsdtar signify-openbsd python3 bc; do
	command -v "$tool" >/dev/null || { echo "bench: $tool is not installed" >&2; exit 1; }
done
if [ ! -x /usr/bin/time ]; then
	echo "bench: /usr/bin/time is missing (peak RSS); install it: apt-get install time" >&2
	exit 1
fi
disk_mib=$(python3 -c "print(max(2, int(1200 * $scale) // 2 * 2))")
nvms=$(python3 -c "print(max(1, int(1000 * $scale)))")

T=$(mktemp -d "${TMPDIR:-/tmp}/smig-bench-XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T"

# ---- the hosts ----
# host.json of lab-2008r2 plus `count` VMs named PREFIXn, each with the dynamic VHD
# D:\Bench\PREFIXn.vhd
make_host() { # dir prefix count memory_mb
	cp "$S"/examples/lab-2008r2/{IPSettings.txt,systeminfo.txt,InitialStore.xml} .
	python3 - "$S/examples/lab-2008r2/host.json" "$1.json" "$2" "$3" "$4" <<'EOF'
import json, sys
h = json.load(open(sys.argv[1]))
prefix, count, mem = sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
h["dirs"] = h.get("dirs", []) + ["D:\\Bench"]
for i in range(1, count + 1):
    name = "%s%d" % (prefix, i)
    h["vms"].append({
        "id": "B3%06d-0000-4000-8000-%012d" % (len(prefix), i), "name": name,
        "notes": "benchmark", "data_root": "D:\\Bench\\" + name, "register": "link",
        "created": 1290000000 + i, "memory_mb": mem, "cpus": 1, "cpu_compat": False,
        "drives": [{"controller": "ide", "bus": 0, "slot": 0, "type": "VHD",
                    "path": "D:\\Bench\\%s.vhd" % name}],
        "nics": []})
json.dump(h, open(sys.argv[2], "w"), indent=1)
EOF
	"$MK" --force "$1.json" "$1" >/dev/null
}
# raw images of `mib` MiB (even): per 2 MiB, 1 MiB random, 512 KiB base64 text, 512 KiB zeros
make_raw() { # mib file...
	python3 - "$@" <<'EOF'
import base64, os, sys
for name in sys.argv[2:]:
    with open(name, "wb") as f:
        for i in range(int(sys.argv[1]) // 2):
            f.write(os.urandom(1 << 20))
            f.write(base64.b64encode(os.urandom(393216)))
            f.write(bytes(512 << 10))
EOF
}

echo "bench: scale $scale: a $disk_mib MiB disk, $nvms VMs of 8 MiB; $runs rounds"
"$X" keygen -p k.pub -s k.sec
make_host disk bench 1 1024
make_raw "$disk_mib" raw.img
qemu-img convert -f raw -O vpc -o subformat=dynamic raw.img disk/D/Bench/bench1.vhd
make_host many vm "$nvms" 16
make_raw 8 $(seq -f 'raw%g.img' 1 "$nvms")
seq 1 "$nvms" | xargs -P "$(nproc)" -I{} sh -c \
	'qemu-img convert -f raw -O vpc -o subformat=dynamic raw{}.img many/D/Bench/vm{}.vhd && rm raw{}.img'
rm -f raw.img
"$X" export --source disk -s k.sec -o disk.smig --progress never 2>/dev/null
"$X" export --source many -s k.sec -o many.smig --progress never 2>/dev/null
rm -rf disk many
age_ok=
if command -v age >/dev/null && command -v age-keygen >/dev/null; then
	age-keygen -o bench.key 2>/dev/null
	age -r "$(age-keygen -y bench.key)" -o disk.smig.age disk.smig
	age_ok=1
fi
"$MK" --force "$S/examples/lab-2012/host.json" dest0 >/dev/null
printf 'bench: disk.smig %.0f MiB, many.smig %.0f MiB\n' \
	"$(echo "$(stat -c %s disk.smig) / 1048576" | bc -l)" \
	"$(echo "$(stat -c %s many.smig) / 1048576" | bc -l)"

# ---- the measurements ----
# run NAME CMD...: time CMD in a fresh dest/ and out/ (not timed: making them, removing
# them, sync), record "NAME seconds peak-KiB user sys" in results; any failure stops the bench
run() {
	local name=$1
	shift
	rm -rf dest out
	cp -a dest0 dest
	mkdir out
	sync
	if ! /usr/bin/time -f '%e %M %U %S' -o t.out "$@" >cmd.out 2>cmd.err; then
		echo "bench: $name failed:" >&2
		cat cmd.err >&2
		exit 1
	fi
	echo "$name $(cat t.out)" >>results
}
# preflight and apply one after the other on the same destination
many_import() {
	"$I" preflight -p k.pub many.smig --dest dest --discard-saved-state >/dev/null &&
		"$I" apply -p k.pub many.smig --dest dest --discard-saved-state >/dev/null
}
export -f many_import
export I
rm -f results
for r in $(seq 1 "$runs"); do
	# odd rounds smig first, even rounds the stock tools first
	steps=(bsd bsdsync bsdsig verify preflight apply age mbsd mbsdsync mimport)
	if [ $((r % 2)) = 0 ]; then
		steps=(mimport mbsdsync mbsd age apply preflight verify bsdsig bsdsync bsd)
	fi
	for s in "${steps[@]}"; do
		case $s in
		bsd) run bsdtar bsdtar -xf disk.smig -C out ;;
		bsdsync) run bsdtar+sync sh -c 'bsdtar -xf disk.smig -C out && sync' ;;
		bsdsig) run bsdtar+signify sh -c 'bsdtar -xf disk.smig -C out && cd out &&
			signify-openbsd -C -q -p ../k.pub -x smig/SHA256.sig' ;;
		verify) run verify "$I" verify -p k.pub disk.smig ;;
		preflight) run preflight "$I" preflight -p k.pub disk.smig --dest dest \
			--discard-saved-state ;;
		apply) run apply "$I" apply -p k.pub disk.smig --dest dest --discard-saved-state ;;
		age) [ -z "$age_ok" ] || run verify-age "$I" verify -p k.pub --identity bench.key \
			disk.smig.age ;;
		mbsd) run many-bsdtar bsdtar -xf many.smig -C out ;;
		mbsdsync) run many-bsdtar+sync sh -c 'bsdtar -xf many.smig -C out && sync' ;;
		mimport) run many-preflight+apply bash -c many_import ;;
		esac
	done
	echo "bench: round $r of $runs done"
done

python3 - results "$age_ok" <<'EOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, secs, kib, user, sys_ = line.split()
    rows.setdefault(name, []).append((float(secs), int(kib), float(user) + float(sys_)))
med = {k: statistics.median(r[0] for r in v) for k, v in rows.items()}
rss = {k: max(r[1] for r in v) / 1024 for k, v in rows.items()}
cpu = {k: statistics.median(r[2] for r in v) for k, v in rows.items()}
# wall time is what the targets are about; CPU time (user + system, all threads) is steadier
# on a busy machine and shows the work done
print("\n%-24s %9s %5s %13s %10s %8s" % ("", "median s", "runs", "/ bsdtar -xf", "peak MiB",
                                         "CPU s"))
for k in ["bsdtar", "bsdtar+sync", "bsdtar+signify", "verify", "preflight", "apply",
          "verify-age", "many-bsdtar", "many-bsdtar+sync", "many-preflight+apply"]:
    if k not in med:
        continue
    base = med["many-bsdtar"] if k.startswith("many") else med["bsdtar"]
    print("%-24s %9.2f %5d %13.2f %10.1f %8.2f" % (k, med[k], len(rows[k]), med[k] / base,
                                                    rss[k], cpu[k]))
print()
def target(what, value, limit):
    print("%-46s %6.2f   (target <= %.2f) %s" % (what, value, limit,
                                                  "met" if value <= limit else "NOT met"))
target("verify / bsdtar -xf", med["verify"] / med["bsdtar"], 0.50)
target("apply / bsdtar -xf", med["apply"] / med["bsdtar"], 1.00)
target("many: preflight + apply / bsdtar -xf", med["many-preflight+apply"] / med["many-bsdtar"],
       2.00)
print("%-46s %6.2f   (apply's durability: the same data on disk when it ends)"
      % ("apply / (bsdtar -xf + sync)", med["apply"] / med["bsdtar+sync"]))
print("%-46s %6.2f" % ("many: preflight + apply / (bsdtar -xf + sync)",
                       med["many-preflight+apply"] / med["many-bsdtar+sync"]))
if "verify-age" in med:
    target("age: (verify encrypted - verify) / verify",
           (med["verify-age"] - med["verify"]) / med["verify"], 0.10)
else:
    print("age: not measured (age is not installed)")
smig = [k for k in rss if not k.startswith("bsdtar") and k != "many-bsdtar"]
worst = max(smig, key=lambda k: rss[k])
print("%-46s %6.1f   (target < 64 MiB) %s" % ("peak RSS of smig-import, MiB (%s)" % worst,
                                             rss[worst], "met" if rss[worst] < 64 else "NOT met"))
EOF
