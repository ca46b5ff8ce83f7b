#!/bin/bash
# bench/export.sh - how fast is `smig-export export`, compared with what an admin would do
# otherwise? A benchmark, not a test: it prints numbers and the targets, it asserts nothing.
#
# It builds the host of bench/host.sh (a VM-disk mix: program files, text, already-compressed
# data, zero-filled allocated blocks, a snapshot chain whose AVHDs repeat their parent's blocks,
# about 1.1 GiB of data at SMIG_BENCH_SCALE=1; not its fixed VHD of holes), warms the
# page cache, and then, SMIG_BENCH_RUNS times (default 3) in turn, with `sync` before each:
#   1. smig-export export (default zstd, --threads = online CPUs)
#   2. bsdtar --zstd (level 3, same threads) over the same host folder: the container floor
#   3. smig-export export --encrypt-to (age; needs age-keygen): encryption's cost
# and prints the medians and their ratios: time and size against bsdtar (issue 15: <= 0.80 x
# the time at <= 1.00 x the size), encrypted against plain (<= 1.10), smig's peak RSS (< 64
# MiB), the archive's zstd window and the peak RSS of `smig-import verify` on it (what import
# must hold). Then the same, without encryption, over a host of SMIG_BENCH_VMS VMs (default 1000
# x SMIG_BENCH_SCALE) with one 8 MiB dynamic VHD each (target <= 1.20 x bsdtar).
#
# usage: bench/export.sh [BUILD_DIR]     (default: $SMIG_BUILD_DIR, else a Release build in
#                                          build-bench/ made on the spot)
# Needs: smig-mkhost, qemu-img, openssl, bsdtar, zstd, python3, /usr/bin/time (Debian package
# "time"). Disk: about 3 x the mix under $TMPDIR at scale 1 (the many-VM host is
# 8 GiB at 1000 VMs). A few minutes at scale 1; SMIG_BENCH_SCALE=0.25 for a quick look.
set -eu

# the mix without the mostly-holes fixed VHD: its 4 GiB of holes cost SHA-256 over zeros (the
# signed hash is of the whole content), about 0.6 s per GiB here, which bsdtar does not pay
SMIG_BENCH_FIXED=0
. "$(dirname "$0")/host.sh"
RUNS=${SMIG_BENCH_RUNS:-3}
VMS=${SMIG_BENCH_VMS:-$(python3 -c "print(max(10, round(1000 * $SCALE)))")}
have_age=
command -v age-keygen >/dev/null && have_age=1 && age-keygen -o bench.key 2>/dev/null

# timed NAME CMD...: one run; appends "seconds peak-KiB" to NAME.runs
timed() {
	local name=$1
	shift
	sync
	/usr/bin/time -f '%e %M' -o "$name.t" "$@" >/dev/null 2>"$name.err" ||
		{ cat "$name.err" >&2; exit 1; }
	cat "$name.t" >>"$name.runs"
}
# median NAME FIELD: the median of a column of NAME.runs (1 seconds, 2 KiB)
median() { sort -n -k"$2" "$1.runs" | awk -v f="$2" '{v[NR]=$f} END {print v[int((NR+1)/2)]}'; }
warm() { find "$1" -type f -exec cat {} + >/dev/null; }
size() { stat -c %s "$1"; }
ratio() { echo "scale=3; $1 / $2" | bc -l; }
mibs() { echo "scale=1; $1 / 1048576" | bc -l; }

# the two commands: SMIG SOURCE OUT [OPTION...] and BSD SOURCE OUT (no shell functions, so
# that /usr/bin/time measures the programs themselves)
smig=("$X" export -s k.sec --threads "$N" --progress never --source)
bsd=(bsdtar --zstd --options "zstd:threads=$N,zstd:compression-level=3" -C)

# ---- the mix ----
warm host
for i in $(seq "$RUNS"); do
	echo "bench: round $i of $RUNS ..."
	rm -f out.smig out.tar.zst out.smig.age
	timed smig "${smig[@]}" host -o out.smig
	timed bsd "${bsd[@]}" host -cf out.tar.zst .
	if [ -n "$have_age" ]; then
		timed enc "${smig[@]}" host -o out.smig.age --encrypt-to "$(age-keygen -y bench.key)"
	fi
done
smig_size=$(size out.smig)
bsd_size=$(size out.tar.zst)
window=$(zstd -lv out.smig 2>/dev/null | awk -F': *' '/Window Size/ {print $2; exit}')
timed verify "$I" verify -p k.pub out.smig
rm -f out.smig out.tar.zst out.smig.age

# ---- many small VMs ----
rm -rf host
echo "bench: building a host of $VMS VMs of 8 MiB ..."
bench_many many "$VMS" 8
warm many
for i in $(seq "$RUNS"); do
	echo "bench: many VMs, round $i of $RUNS ..."
	rm -f many.smig many.tar.zst
	timed msmig "${smig[@]}" many -o many.smig
	timed mbsd "${bsd[@]}" many -cf many.tar.zst .
done
msmig_size=$(size many.smig)
mbsd_size=$(size many.tar.zst)
rm -f many.smig many.tar.zst

smig_t=$(median smig 1)
bsd_t=$(median bsd 1)
msmig_t=$(median msmig 1)
mbsd_t=$(median mbsd 1)
printf '\nmedians of %d alternating runs, %d CPUs, scale %s\n' "$RUNS" "$N" "$SCALE"
printf '%-36s %8s %12s %10s\n' "" "seconds" "output MiB" "peak MiB"
printf '%-36s %8.2f %12.1f %10.1f\n' "smig-export export" "$smig_t" "$(mibs "$smig_size")" \
	"$(echo "$(median smig 2) / 1024" | bc -l)"
printf '%-36s %8.2f %12.1f %10.1f\n' "bsdtar --zstd level 3" "$bsd_t" "$(mibs "$bsd_size")" \
	"$(echo "$(median bsd 2) / 1024" | bc -l)"
printf '%-36s %8.2f %12.1f %10.1f\n' "smig-export, $VMS VMs of 8 MiB" "$msmig_t" \
	"$(mibs "$msmig_size")" "$(echo "$(median msmig 2) / 1024" | bc -l)"
printf '%-36s %8.2f %12.1f %10.1f\n' "bsdtar --zstd, $VMS VMs of 8 MiB" "$mbsd_t" \
	"$(mibs "$mbsd_size")" "$(echo "$(median mbsd 2) / 1024" | bc -l)"
printf '\nsmig / bsdtar, mix:       time %s   (target <= 0.80), size %s   (target <= 1.00)\n' \
	"$(ratio "$smig_t" "$bsd_t")" "$(ratio "$smig_size" "$bsd_size")"
printf 'smig / bsdtar, many VMs:  time %s   (target <= 1.20), size %s\n' \
	"$(ratio "$msmig_t" "$mbsd_t")" "$(ratio "$msmig_size" "$mbsd_size")"
printf 'smig peak RSS: mix %.1f MiB, many VMs %.1f MiB   (target < 64 MiB)\n' \
	"$(echo "$(median smig 2) / 1024" | bc -l)" "$(echo "$(median msmig 2) / 1024" | bc -l)"
if [ -n "$have_age" ]; then
	printf 'encrypted (age) / plain:  time %s   (target <= 1.10), peak RSS %.1f MiB\n' \
		"$(ratio "$(median enc 1)" "$smig_t")" "$(echo "$(median enc 2) / 1024" | bc -l)"
else
	echo "encrypted (age): not measured (age-keygen is not installed)"
fi
printf 'archive zstd window: %s; smig-import verify of it: %.2f s, peak RSS %.1f MiB\n' \
	"${window:-?}" "$(median verify 1)" "$(echo "$(median verify 2) / 1024" | bc -l)"
