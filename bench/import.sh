#!/bin/bash
# bench/import.sh - how fast is `smig-import apply`, compared with checking and unpacking the
# same archive with stock tools? A benchmark, not a test: it prints numbers, asserts nothing.
#
# It builds the benchmark host of bench/host.sh (2.5 GiB of dynamic-VHD data plus a 4 GiB fixed
# VHD of 64 MiB data), exports it once (not timed), then in one run times:
#   1. smig-import apply onto a fresh copy of the lab-2012 example (stage + verify signature
#      and every hash + plan + journaled placement + the three reports, which re-read and
#      hash every placed disk)
#   2. the stock-tool floor: bsdtar -xf of the archive, then signify-openbsd -C of every
#      member (what docs/archive.md promises works without smig)
#   3. smig-import verify alone (stage, check, discard)
#   4. smig-import verify of the same archive encrypted with age -r (needs age): decryption's
#      cost, target <= 1.10 x verify
# and reports the ratios and smig's peak RSS. Targets (reported, not asserted): apply <= 1.5 x
# the stock floor (it hashes every byte twice: once staged, once placed, for the verification
# report); peak RSS < 64 MiB.
#
# usage: bench/import.sh [BUILD_DIR]     (as bench/export.sh)
# Needs what bench/export.sh needs, plus signify-openbsd. Disk: about 12 GiB under $TMPDIR.
set -eu

. "$(dirname "$0")/host.sh"
command -v signify-openbsd >/dev/null || { echo "bench: signify-openbsd is not installed" >&2; exit 1; }

"$X" export --source host -s k.sec -o out.smig --threads "$N" --progress never 2>/dev/null
# the same archive encrypted with age (docs/export.md §8), for verify's decryption cost
if command -v age >/dev/null; then
	age-keygen -o bench.key 2>/dev/null
	age -r "$(age-keygen -y bench.key)" -o out.smig.age out.smig
fi
"$MK" --force "$S/examples/lab-2012/host.json" dest >/dev/null
rm -rf host
sync

# ---- 1. smig-import apply ----
t0=$(secs)
/usr/bin/time -v -o apply.time "$I" apply -p k.pub out.smig --dest dest --discard-saved-state \
	>/dev/null
t1=$(secs)
apply_t=$(echo "$t1 - $t0" | bc -l)
rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' apply.time)

# ---- 2. stock tools ----
t0=$(secs)
mkdir peer
bsdtar -xf out.smig -C peer
(cd peer && signify-openbsd -C -q -p ../k.pub -x smig/SHA256.sig)
t1=$(secs)
peer_t=$(echo "$t1 - $t0" | bc -l)
rm -rf peer

# ---- 3. verify alone ----
t0=$(secs)
/usr/bin/time -v -o verify.time "$I" verify -p k.pub out.smig >/dev/null
t1=$(secs)
verify_t=$(echo "$t1 - $t0" | bc -l)
vrss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' verify.time)

# ---- 4. verify, decrypting ----
dec_t=
if [ -f out.smig.age ]; then
	t0=$(secs)
	/usr/bin/time -v -o dec.time "$I" verify -p k.pub --identity bench.key out.smig.age >/dev/null
	t1=$(secs)
	dec_t=$(echo "$t1 - $t0" | bc -l)
	drss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' dec.time)
fi

printf '\n%-44s %8s\n' "" "seconds"
printf '%-44s %8.2f\n' "smig-import apply (incl. verification report)" "$apply_t"
printf '%-44s %8.2f\n' "bsdtar -xf + signify-openbsd -C" "$peer_t"
printf '%-44s %8.2f\n' "smig-import verify" "$verify_t"
printf '\napply / stock:   %.2f   (target <= 1.5)\n' "$(echo "$apply_t / $peer_t" | bc -l)"
printf 'verify / stock:  %.2f\n' "$(echo "$verify_t / $peer_t" | bc -l)"
printf 'apply peak RSS:  %.1f MiB, verify peak RSS: %.1f MiB   (target < 64 MiB)\n' \
	"$(echo "$rss_kb / 1024" | bc -l)" "$(echo "$vrss_kb / 1024" | bc -l)"
if [ -n "$dec_t" ]; then
	printf 'verify encrypted (age): %.2f s, / plain verify: %.2f   (target <= 1.10), peak RSS %.1f MiB\n' \
		"$dec_t" "$(echo "$dec_t / $verify_t" | bc -l)" "$(echo "$drss_kb / 1024" | bc -l)"
else
	echo "verify encrypted (age): not measured (age is not installed)"
fi
