#!/usr/bin/env bash
# The main job on the bundled example host: install what is missing, build, build the
# example source host examples/lab-2008r2 from its description, and write its feature list
# and pre-migration report (text, JSON and HTML) under out/.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/setup.sh"
"$top/scripts/build.sh" build
out=$top/out
mkdir -p "$out"
"$top/build/smig-mkhost" --force "$top/examples/lab-2008r2/host.json" "$out/lab-2008r2"
"$top/build/smig-mkhost" --force "$top/examples/lab-2012/host.json" "$out/lab-2012"

echo "== features of the source host" >&2
"$top/build/smig-export" features --source "$out/lab-2008r2"
for fmt in text json html; do
  "$top/build/smig-export" inventory --source "$out/lab-2008r2" --format "$fmt" \
    -o "$out/inventory-lab-2008r2.$fmt"
done
echo >&2
echo "Pre-migration report of the example host:" >&2
for fmt in text json html; do
  echo "  $out/inventory-lab-2008r2.$fmt" >&2
done
