#!/bin/bash
# bench/export.sh - how fast is `smig-export export`, compared with what an admin would do
# otherwise? A benchmark, not a test: it prints numbers and the targets, it asserts nothing.
#
# It builds a host in a temporary directory: the lab-2008r2 example plus four VMs, each with a
# dynamic VHD holding 640 MiB of data that compresses like real disks do (per 2 MiB: 1 MiB of
# random bytes, 512 KiB of base64 text, 512 KiB of zeros; 2.5 GiB in all), and one VM with a
# fixed 4 GiB VHD that is 64 MiB of data and holes. Then, in one run, it times:
#   1. smig-export export (zstd level 3, threads = online CPUs), then the same with
#      --encrypt-to (age; needs age-keygen): encryption's cost, target <= 1.10 x plain
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

. "$(dirname "$0")/host.sh"

sync
# drop nothing: every tool reads a warm page cache, in the same order

# ---- 1. smig ----
t0=$(secs)
/usr/bin/time -v -o smig.time "$X" export --source host -s k.sec -o out.smig --threads "$N" \
	--progress never 2>/dev/null
t1=$(secs)
smig_t=$(echo "$t1 - $t0" | bc -l)
rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' smig.time)

# ---- 1b. the same, encrypted with age (docs/export.md §8) ----
enc_t=
if command -v age-keygen >/dev/null; then
	age-keygen -o bench.key 2>/dev/null
	t0=$(secs)
	/usr/bin/time -v -o enc.time "$X" export --source host -s k.sec -o out.smig.age \
		--threads "$N" --progress never --encrypt-to "$(age-keygen -y bench.key)" 2>/dev/null
	t1=$(secs)
	enc_t=$(echo "$t1 - $t0" | bc -l)
	enc_rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' enc.time)
	rm -f out.smig.age
fi

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
if [ -n "$enc_t" ]; then
	printf 'encrypted (age): %.2f s, / plain: %.2f   (target <= 1.10), peak RSS %.1f MiB\n' \
		"$enc_t" "$(echo "$enc_t / $smig_t" | bc -l)" "$(echo "$enc_rss_kb / 1024" | bc -l)"
else
	echo "encrypted (age): not measured (age-keygen is not installed)"
fi
printf 'fixed 4 GiB VHD with 64 MiB of data: %.2f s; a dynamic VHD with 640 MiB of data: %.2f s\n' \
	"$fixed_t" "$one_t"
printf '  (target: the fixed VHD costs about its data, i.e. about %.2f s)\n' \
	"$(echo "$one_t * 64 / 640" | bc -l)"
