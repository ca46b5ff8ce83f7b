#!/bin/bash
# bench/export.sh - how fast is `smig-export export`, compared with what an admin would do
# otherwise? A benchmark, not a test: it prints numbers and the targets, it asserts nothing.
#
# It builds a host in a temporary directory: the lab-2008r2 example plus four VMs, each with a
# dynamic VHD holding 640 MiB of data that compresses like real disks do (per 2 MiB: 1 MiB of
# random bytes, 512 KiB of base64 text, 512 KiB of zeros; 2.5 GiB in all), and one VM with a
# fixed 4 GiB VHD that is 64 MiB of data and holes. Then, in one run, it times:
#   1. smig-export export (zstd level 3, threads = online CPUs)
#   2. bsdtar --zstd (level 3, same threads) over the same host folder: the container floor
#   3. tar czf + sha256sum: the pipeline an admin would script
# and reports the ratios, the peak RSS of smig, and the cost of the mostly-holes fixed VHD.
# Targets (reported, not asserted): smig <= 1.10 x bsdtar; the fixed VHD costs about its data,
# not its size; smig's peak RSS < 64 MiB.
#
# usage: bench/export.sh [BUILD_DIR]     (default: $SMIG_BUILD_DIR, else a Release build in
#                                          build-bench/ made on the spot)
# Needs: smig-mkhost, qemu-img, openssl, bsdtar, GNU tar, sha256sum, python3, /usr/bin/time
# (Debian package "time": apt-get install time). Disk: about 8 GiB free under $TMPDIR.
set -eu

S=$(cd "$(dirname "$0")/.." && pwd)
B=${1:-${SMIG_BUILD_DIR:-}}
if [ -z "$B" ]; then
	# a sanitizer build would measure ASan, not smig
	B=$S/build-bench
	cmake -S "$S" -B "$B" -DCMAKE_BUILD_TYPE=Release -DSMIG_SANITIZE=OFF >/dev/null
	cmake --build "$B" -j"$(nproc)" --target smig-export smig-mkhost >/dev/null
fi
X=$B/smig-export
MK=$B/smig-mkhost
for tool in qemu-img openssl bsdtar tar sha256sum python3 base64; do
	command -v "$tool" >/dev/null || { echo "bench: $tool is not installed" >&2; exit 1; }
done
if [ ! -x /usr/bin/time ]; then
	echo "bench: /usr/bin/time is missing (peak RSS); install it: apt-get install time" >&2
	exit 1
fi

N=$(nproc)
T=$(mktemp -d "${TMPDIR:-/tmp}/smig-bench-XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T"

# ---- the host ----
cp "$S"/examples/lab-2008r2/{IPSettings.txt,systeminfo.txt,InitialStore.xml} .
python3 - "$S/examples/lab-2008r2/host.json" host.json <<'EOF'
import json, sys
h = json.load(open(sys.argv[1]))
h["dirs"] = h.get("dirs", []) + ["D:\\Bench"]
for i in range(1, 6):
    fixed = i == 5
    name = "benchfixed" if fixed else "bench%d" % i
    h["vms"].append({
        "id": "B3000000-0000-4000-8000-%012d" % i, "name": name, "notes": "benchmark",
        "data_root": "D:\\Bench\\" + name, "register": "link", "created": 1290000000 + i,
        "memory_mb": 1024, "cpus": 1, "cpu_compat": False,
        "drives": [{"controller": "ide", "bus": 0, "slot": 0, "type": "VHD",
                    "path": "D:\\Bench\\%s.vhd" % name}],
        "nics": []})
json.dump(h, open(sys.argv[2], "w"), indent=1)
EOF
"$MK" --force host.json host >/dev/null

echo "bench: generating 2.5 GiB of disk data ..."
# one 640 MiB raw image: per 2 MiB, 1 MiB random, 512 KiB base64 text, 512 KiB zeros
python3 - raw.img <<'EOF'
import base64, os, sys
with open(sys.argv[1], "wb") as f:
    for i in range(320):
        rnd = os.urandom(1 << 20)
        f.write(rnd)
        f.write(base64.b64encode(os.urandom(393216)))  # 512 KiB of text
        f.write(bytes(512 << 10))
EOF
for i in 1 2 3 4; do
	qemu-img convert -f raw -O vpc -o subformat=dynamic raw.img "host/D/Bench/bench$i.vhd"
done
rm raw.img
qemu-img create -q -f vpc -o subformat=fixed,force_size=on host/D/Bench/benchfixed.vhd 4G
# 64 MiB of data at 1 GiB; the rest stays holes
openssl enc -aes-128-ctr -pass pass:smig -nosalt -in /dev/zero 2>/dev/null | head -c 64M |
	dd of=host/D/Bench/benchfixed.vhd bs=1M seek=1024 conv=notrunc status=none
"$X" keygen -p k.pub -s k.sec

data=$(du -sb --apparent-size host | cut -f1)
used=$(( $(du -sk host | cut -f1) * 1024 ))
printf 'bench: host: %.2f GiB apparent, %.2f GiB allocated; %d CPUs\n' \
	"$(echo "$data / 1073741824" | bc -l)" "$(echo "$used / 1073741824" | bc -l)" "$N"

secs() { python3 -c 'import time; print(time.monotonic())'; }
sync
# drop nothing: every tool reads a warm page cache, in the same order

# ---- 1. smig ----
t0=$(secs)
/usr/bin/time -v -o smig.time "$X" export --source host -s k.sec -o out.smig --threads "$N" \
	--progress never 2>/dev/null
t1=$(secs)
smig_t=$(echo "$t1 - $t0" | bc -l)
rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' smig.time)

# ---- 2. bsdtar, zstd level 3, same threads ----
t0=$(secs)
bsdtar --zstd --options "zstd:threads=$N,zstd:compression-level=3" -cf out.tar.zst -C host .
t1=$(secs)
bsd_t=$(echo "$t1 - $t0" | bc -l)

# ---- 3. the admin's pipeline ----
t0=$(secs)
tar czf out.tgz -C host .
sha256sum out.tgz >out.tgz.sha256
t1=$(secs)
pipe_t=$(echo "$t1 - $t0" | bc -l)

# ---- the mostly-holes fixed VHD alone: does it cost its data or its size? ----
t0=$(secs)
"$X" export --source host -s k.sec -o fixed.smig --vm benchfixed --type storage --threads "$N" \
	--progress never 2>/dev/null
t1=$(secs)
fixed_t=$(echo "$t1 - $t0" | bc -l)
t0=$(secs)
"$X" export --source host -s k.sec -o one.smig --vm bench1 --type storage --threads "$N" \
	--progress never 2>/dev/null
t1=$(secs)
one_t=$(echo "$t1 - $t0" | bc -l)

size() { stat -c %s "$1"; }
printf '\n%-34s %8s %12s\n' "" "seconds" "output MiB"
printf '%-34s %8.2f %12.1f\n' "smig-export export (zstd)" "$smig_t" "$(echo "$(size out.smig) / 1048576" | bc -l)"
printf '%-34s %8.2f %12.1f\n' "bsdtar --zstd level 3" "$bsd_t" "$(echo "$(size out.tar.zst) / 1048576" | bc -l)"
printf '%-34s %8.2f %12.1f\n' "tar czf + sha256sum" "$pipe_t" "$(echo "$(size out.tgz) / 1048576" | bc -l)"
printf '\nsmig / bsdtar:   %.2f   (target <= 1.10)\n' "$(echo "$smig_t / $bsd_t" | bc -l)"
printf 'smig / pipeline: %.2f\n' "$(echo "$smig_t / $pipe_t" | bc -l)"
printf 'smig peak RSS:   %.1f MiB   (target < 64 MiB)\n' "$(echo "$rss_kb / 1024" | bc -l)"
printf 'fixed 4 GiB VHD with 64 MiB of data: %.2f s; a dynamic VHD with 640 MiB of data: %.2f s\n' \
	"$fixed_t" "$one_t"
printf '  (target: the fixed VHD costs about its data, i.e. about %.2f s)\n' \
	"$(echo "$one_t * 64 / 640" | bc -l)"
