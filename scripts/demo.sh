#!/usr/bin/env bash
# The main job on the bundled example host: install what is missing, build, build the
# example hosts (examples/lab-2008r2 source, examples/lab-2012 destination) from their
# descriptions, write the source's feature list and pre-migration report (text, JSON, HTML),
# export it into a signed archive, then migrate it onto a fresh copy of the destination:
# verify, preflight (compatibility report), apply (the VMs' files and migrate.ps1, the script
# that has Hyper-V do the rest on the running 2012 host), and the verification report. All
# under out/.
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

echo "== export: signed archive of the source host" >&2
rm -f "$out/smig-demo.pub" "$out/smig-demo.sec" "$out/lab-2008r2.smig"
"$top/build/smig-export" keygen -p "$out/smig-demo.pub" -s "$out/smig-demo.sec" -c "smig demo key"
"$top/build/smig-export" export --source "$out/lab-2008r2" -s "$out/smig-demo.sec" \
  -o "$out/lab-2008r2.smig" --log "$out/export-log.jsonl" --progress never
echo "== import side: verify the archive and check what the destination can take" >&2
"$top/build/smig-import" verify -p "$out/smig-demo.pub" "$out/lab-2008r2.smig"
"$top/build/smig-import" features -p "$out/smig-demo.pub" "$out/lab-2008r2.smig" --dest "$out/lab-2012"

echo "== preflight: the compatibility report of the destination" >&2
# the example host has saved state, which 2012 cannot restore: sql01 is saved (it cold boots),
# web01 has a saved snapshot (the VM starts as before; that snapshot, applied, stays off)
maps=(--discard-saved-state --ipconfig-mode nic --map-mac 00-1E-C9-3A-5B-02=A0-36-9F-12-34-57)
"$top/build/smig-import" preflight -p "$out/smig-demo.pub" "$out/lab-2008r2.smig" \
  --dest "$out/lab-2012" "${maps[@]}" >"$out/preflight-lab-2012.txt"
grep -E '^  Summary' "$out/preflight-lab-2012.txt" >&2
echo "== apply: place the VMs' files on the destination and write migrate.ps1" >&2
"$top/build/smig-import" apply -p "$out/smig-demo.pub" "$out/lab-2008r2.smig" \
  --dest "$out/lab-2012" "${maps[@]}"
echo "== report: re-read the placed files and compare them with the archive" >&2
"$top/build/smig-import" report --dest "$out/lab-2012" -p "$out/smig-demo.pub" \
  --against "$out/lab-2008r2.smig" >"$out/verification-lab-2012.txt"
grep -E '^  Summary' "$out/verification-lab-2012.txt" >&2
reports=$(ls -d "$out/lab-2012/C/smig-reports/"*)

echo >&2
echo "Pre-migration report of the example host:" >&2
for fmt in text json html; do
  echo "  $out/inventory-lab-2008r2.$fmt" >&2
done
echo "Signed archive: $out/lab-2008r2.smig ($(du -h "$out/lab-2008r2.smig" | cut -f1))," >&2
echo "  verify with stock tools: bsdtar -xf it, then signify-openbsd -C -p $out/smig-demo.pub -x smig/SHA256.sig" >&2
echo "Migrated onto $out/lab-2012 (undo with: smig-import rollback --dest $out/lab-2012)." >&2
echo "Reports of the migration:" >&2
for f in compatibility manual-steps verification; do
  echo "  $reports/$f.txt (.json, .html)" >&2
done
echo "  $reports/migrate.ps1: run it elevated on the running 2012 host (-WhatIf first);" >&2
echo "    it has Hyper-V create the networks, register the VMs and write smig-state.json," >&2
echo "    which 'smig-import report --state smig-state.json' verifies" >&2
