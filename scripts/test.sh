#!/usr/bin/env bash
# The whole test suite, twice: a normal build and an ASan+UBSan build. Installs missing
# dependencies first (scripts/setup.sh). Real third-party samples are read from
# ../shared/data when it exists; tests that need them skip with a message otherwise.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/setup.sh"
status=0
for variant in build build-asan; do
  args=()
  [ "$variant" = build-asan ] && args=(-DSMIG_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug)
  echo "== $variant: build" >&2
  "$top/scripts/build.sh" "$variant" "${args[@]}"
  echo "== $variant: test" >&2
  (cd "$top/$variant" && ctest --output-on-failure -j2) || status=1
done
exit $status
