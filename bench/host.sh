# bench/host.sh - sourced by the benchmarks: resolves the build (BUILD_DIR argument, else
# $SMIG_BUILD_DIR, else a Release build in build-bench/), checks the tools, and builds the
# benchmark host in a fresh temporary directory $T (the current directory afterwards), plus a
# key pair k.pub/k.sec. The host is the lab-2008r2 example plus disks made of what real VM
# disks hold (sizes at SMIG_BENCH_SCALE=1, the default; 0.25 gives a quarter):
#   - benchapp: a dynamic VHD of 768 MiB, every block allocated, mixing in pieces of 64 KiB to
#     2 MiB: 320 MiB of program files (the ELF files of /usr/lib and /usr/bin), 128 MiB of text
#     (source, scripts, documentation), 192 MiB of already-compressed data (the .deb files of
#     /var/cache/apt/archives, the .gz files of /usr/share; random bytes if they run out) and
#     128 MiB of zero-filled allocated blocks;
#   - benchchain: a snapshot chain: a dynamic base of 192 MiB (program files and text), an
#     AVHD of 64 MiB and one of 32 MiB on top, three quarters of whose blocks repeat a block of
#     their parent with a few sectors changed (what a guest rewriting its files leaves);
#   - benchfixed: a fixed 4 GiB VHD holding 64 MiB of random data, the rest holes (not with
#     SMIG_BENCH_FIXED=0: its holes cost SHA-256 over 4 GiB of zeros, which no tar pays).
# bench_many DIR COUNT MIB (defined here) builds instead a host of COUNT VMs with one dynamic
# VHD of MIB MiB each (program files and text), for the cost of many small VMs.
S=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
B=${1:-${SMIG_BUILD_DIR:-}}
if [ -z "$B" ]; then
	# a sanitizer build would measure ASan, not smig
	B=$S/build-bench
	cmake -S "$S" -B "$B" -DCMAKE_BUILD_TYPE=Release -DSMIG_SANITIZE=OFF >/dev/null
	cmake --build "$B" -j"$(nproc)" --target smig-export smig-import smig-mkhost >/dev/null
fi
B=$(cd "$B" && pwd) # the host is built in a temporary directory: a relative path would break
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
SCALE=${SMIG_BENCH_SCALE:-1}
T=$(mktemp -d "${TMPDIR:-/tmp}/smig-bench-XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T"

secs() { python3 -c 'import time; print(time.monotonic())'; }

# The data streams and the VHD filler, shared by both hosts. `mix.py raw OUT MIB` writes the
# mixed image; `mix.py fill VHD KIND [PARENT]` (`fill-all VHD...`: KIND "code") overwrites the data of every allocated block of
# a VHD made by smig-mkhost: KIND "code" (program files and text) or "repeat" (3 in 4 blocks
# the PARENT's block at the same place, a few sectors changed; the rest program files).
cat >mix.py <<'EOF'
import os, random, struct, sys

MiB = 1 << 20

def files(roots, ok):
    for root in roots:
        for d, subdirs, names in os.walk(root):
            subdirs.sort()
            for n in sorted(names):
                p = os.path.join(d, n)
                if os.path.islink(p) or not os.path.isfile(p) or not ok(n, p):
                    continue
                try:
                    with open(p, "rb") as f:
                        yield f.read(64 * MiB)
                except OSError:
                    pass

def is_elf(n, p):
    with open(p, "rb") as f:
        return f.read(4) == b"\x7fELF"

TEXT = (".py", ".pm", ".pl", ".h", ".c", ".txt", ".html", ".xml", ".css", ".js", ".sh", ".md")
class Stream:
    """Endless bytes from a file generator, restarted when it runs out."""
    def __init__(self, make, fallback):
        self.make, self.fallback, self.it, self.buf = make, fallback, make(), bytearray()
        self.empty_pass = True
    def take(self, n):
        while len(self.buf) < n:
            try:
                data = next(self.it)
                if data:
                    self.empty_pass = False
                self.buf += data
            except StopIteration:
                if self.empty_pass:
                    self.buf += self.fallback(n)
                self.it, self.empty_pass = self.make(), True
        out = bytes(self.buf[:n])
        del self.buf[:n]
        return out

rng = random.Random(2026)
code = Stream(lambda: files(["/usr/lib/x86_64-linux-gnu", "/usr/lib", "/usr/bin"], is_elf),
              lambda n: rng.randbytes(n))
text = Stream(lambda: files(["/usr/share", "/usr/include", "/usr/lib/python3"],
                            lambda n, p: n.endswith(TEXT)),
              lambda n: rng.randbytes(n))
packed = Stream(lambda: files(["/var/cache/apt/archives", "/usr/share"],
                              lambda n, p: n.endswith((".deb", ".gz", ".xz", ".zst", ".bz2"))),
                lambda n: rng.randbytes(n))

def piece():
    return rng.randrange(16, 513) * 4096  # 64 KiB .. 2 MiB

def raw(out, mib):
    # 10 : 4 : 6 : 4 of program files, text, compressed data, zero blocks
    quota = {"code": mib * 10 // 24 * MiB, "text": mib * 4 // 24 * MiB,
             "packed": mib * 6 // 24 * MiB}
    quota["zero"] = mib * MiB - sum(quota.values())
    src = {"code": code, "text": text, "packed": packed}
    with open(out, "wb") as f:
        while any(quota.values()):
            kind = rng.choice([k for k, v in quota.items() if v > 0])
            if kind == "zero":
                # whole 2 MiB blocks, aligned: allocated blocks a guest zeroed
                pos = f.tell()
                n = min(quota[kind], 2 * MiB - pos % (2 * MiB)) if pos % (2 * MiB) else \
                    min(quota[kind], 2 * MiB)
                f.write(bytes(n))
            else:
                n = min(quota[kind], piece())
                f.write(src[kind].take(n))
            quota[kind] -= n

def blocks(path):
    """(virtual offset, file offset of the data, data bytes) of every allocated block."""
    with open(path, "rb") as f:
        foot = f.read(512)
        f.seek(struct.unpack(">Q", foot[16:24])[0])
        hdr = f.read(1024)
        table, _, entries, bsize = struct.unpack(">QIII", hdr[16:36])
        f.seek(table)
        bat = struct.unpack(">%dI" % entries, f.read(4 * entries))
    bitmap = ((bsize // 512 + 7) // 8 + 511) // 512 * 512
    return [(i * bsize, s * 512 + bitmap, bsize) for i, s in enumerate(bat) if s != 0xFFFFFFFF]

def fill(path, kind, parent=None):
    pblocks = {}
    if parent:
        with open(parent, "rb") as p:
            for voff, foff, n in blocks(parent):
                p.seek(foff)
                pblocks[voff] = p.read(n)
    with open(path, "r+b") as f:
        for voff, foff, n in blocks(path):
            if kind == "repeat" and voff in pblocks and rng.random() < 0.75:
                data = bytearray(pblocks[voff])
                for _ in range(rng.randrange(1, 9)):
                    s = rng.randrange(n // 512) * 512
                    data[s:s + 4096] = code.take(4096)
                data = bytes(data[:n])
            else:
                data = b"".join(code.take(256 << 10) if rng.random() < 0.75 else
                                text.take(256 << 10) for _ in range(n // (256 << 10)))
            f.seek(foff)
            f.write(data)

if sys.argv[1] == "raw":
    raw(sys.argv[2], int(sys.argv[3]))
elif sys.argv[1] == "fill-all":
    for path in sys.argv[2:]:
        fill(path, "code")
else:
    fill(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else None)
EOF

mib() { python3 -c "import sys; print(max(4, int(float(sys.argv[1]) * $SCALE)) // 2 * 2)" "$1"; }

# ---- the mixed host ----
cp "$S"/examples/lab-2008r2/{IPSettings.txt,systeminfo.txt,InitialStore.xml} .
app_mib=$(mib 768)
base_mib=$(mib 192)
avhd1_mib=$(mib 64)
avhd2_mib=$(mib 32)
python3 - "$S/examples/lab-2008r2/host.json" host.json "$base_mib" "$avhd1_mib" \
	"$avhd2_mib" "${SMIG_BENCH_FIXED:-1}" <<'EOF'
import json, sys
h = json.load(open(sys.argv[1]))
base, a1, a2, fixed = (int(x) for x in sys.argv[3:7])
h["dirs"] = h.get("dirs", []) + ["D:\\Bench"]
def vm(i, name, drive, snaps=()):
    return {"id": "B3000000-0000-4000-8000-%012d" % i, "name": name, "notes": "benchmark",
            "data_root": "D:\\Bench\\" + name, "register": "link", "created": 1290000000 + i,
            "memory_mb": 1024, "cpus": 1, "cpu_compat": False,
            "drives": [{"controller": "ide", "bus": 0, "slot": 0, "type": "VHD", "path": drive}],
            "nics": [], "snapshots": list(snaps)}
def disk(i, path, **kw):
    d = {"path": path, "id": "3D5B7A10-BE00-4C2E-9F10-%012d" % i, "time": 410000000 + i}
    d.update(kw)
    return d
B = "D:\\Bench\\"
h["disks"] += [
    disk(1, B + "chain.vhd", type="dynamic", size="%dM" % base,
         data=[{"offset": 0, "length": "%dM" % base}]),
    # the AVHDs write every other block of their parent's area
    disk(2, B + "chain_S1.avhd", type="differencing", parent=B + "chain.vhd",
         data=[{"offset": "%dM" % (4 * k), "length": "2M"} for k in range(a1 // 2)]),
    disk(3, B + "chain_S2.avhd", type="differencing", parent=B + "chain_S1.avhd",
         data=[{"offset": "%dM" % (4 * k), "length": "2M"} for k in range(a2 // 2)]),
]
h["vms"] += [
    vm(1, "benchapp", B + "benchapp.vhd"),
    vm(2, "benchchain", B + "chain_S2.avhd", [
        {"id": "B4000000-0000-4000-8000-%012d" % k, "name": "benchchain - S%d" % k,
         "created": 1290100000 + k,
         "drives": [{"controller": "ide", "bus": 0, "slot": 0, "type": "VHD",
                     "path": B + ("chain.vhd" if k == 1 else "chain_S1.avhd")}]}
        for k in (1, 2)]),
] + ([vm(5, "benchfixed", B + "benchfixed.vhd")] if fixed else [])
json.dump(h, open(sys.argv[2], "w"), indent=1)
EOF
"$MK" --force host.json host >/dev/null

echo "bench: generating the disks (scale $SCALE) ..."
python3 mix.py raw raw.img "$app_mib"
qemu-img convert -S 0 -f raw -O vpc -o subformat=dynamic raw.img host/D/Bench/benchapp.vhd
rm raw.img
python3 mix.py fill host/D/Bench/chain.vhd code
python3 mix.py fill host/D/Bench/chain_S1.avhd repeat host/D/Bench/chain.vhd
python3 mix.py fill host/D/Bench/chain_S2.avhd repeat host/D/Bench/chain_S1.avhd
if [ "${SMIG_BENCH_FIXED:-1}" != 0 ]; then
	qemu-img create -q -f vpc -o subformat=fixed,force_size=on host/D/Bench/benchfixed.vhd 4G
	# random data at 1 GiB; the rest stays holes
	openssl enc -aes-128-ctr -pass pass:smig -nosalt -in /dev/zero 2>/dev/null |
		head -c "$(mib 64)M" |
		dd of=host/D/Bench/benchfixed.vhd bs=1M seek=1024 conv=notrunc status=none
fi
"$X" keygen -p k.pub -s k.sec

data=$(du -sb --apparent-size host | cut -f1)
used=$(( $(du -sk host | cut -f1) * 1024 ))
printf 'bench: host: %.2f GiB apparent, %.2f GiB allocated; %d CPUs\n' \
	"$(echo "$data / 1073741824" | bc -l)" "$(echo "$used / 1073741824" | bc -l)" "$N"

# bench_many DIR COUNT MIB: a host of COUNT VMs with a dynamic VHD of MIB MiB each, every
# block allocated and filled with program files and text.
bench_many() {
	python3 - "$S/examples/lab-2008r2/host.json" "$1.json" "$2" "$3" <<'EOF'
import json, sys
h = json.load(open(sys.argv[1]))
count, mib = int(sys.argv[3]), int(sys.argv[4])
h["dirs"] = h.get("dirs", []) + ["D:\\Many"]
for i in range(count):
    path = "D:\\Many\\vm%04d.vhd" % i
    h["disks"].append({"path": path, "type": "dynamic", "size": "%dM" % mib,
                       "id": "3D5B7A10-CC00-4C2E-9F10-%012d" % i, "time": 410000000 + i,
                       "data": [{"offset": 0, "length": "%dM" % mib}]})
    h["vms"].append({"id": "B5000000-0000-4000-8000-%012d" % i, "name": "vm%04d" % i,
                     "notes": "", "data_root": "D:\\Many\\vm%04d" % i, "register": "link",
                     "created": 1290000000 + i, "memory_mb": 512, "cpus": 1,
                     "cpu_compat": False, "nics": [],
                     "drives": [{"controller": "ide", "bus": 0, "slot": 0, "type": "VHD",
                                 "path": path}]})
json.dump(h, open(sys.argv[2], "w"), indent=1)
EOF
	"$MK" --force "$1.json" "$1" >/dev/null
	python3 mix.py fill-all "$1"/D/Many/*.vhd
}
