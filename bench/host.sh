# bench/host.sh - sourced by the benchmarks: resolves the build (BUILD_DIR argument, else
# $SMIG_BUILD_DIR, else a Release build in build-bench/), checks the tools, and builds the
# benchmark host in a fresh temporary directory $T (the current directory afterwards): the
# lab-2008r2 example plus four VMs with a dynamic VHD of 640 MiB each that compresses like real
# disks do (per 2 MiB: 1 MiB random, 512 KiB base64 text, 512 KiB zeros) and one VM with a
# fixed 4 GiB VHD holding 64 MiB of data and holes; plus a key pair k.pub/k.sec.
S=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
B=${1:-${SMIG_BUILD_DIR:-}}
if [ -z "$B" ]; then
	# a sanitizer build would measure ASan, not smig
	B=$S/build-bench
	cmake -S "$S" -B "$B" -DCMAKE_BUILD_TYPE=Release -DSMIG_SANITIZE=OFF >/dev/null
	cmake --build "$B" -j"$(nproc)" --target smig-export smig-import smig-mkhost >/dev/null
fi
X=$B/smig-export
I=$B/smig-import
MK=$B/smig-mkhost
for tool in qemu-img openssl bsdtar tar sha256sum python3 base64 bc; do
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
