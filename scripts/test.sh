#!/usr/bin/env bash
# The whole test suite, twice: a normal build and an ASan+UBSan build. Installs missing
# dependencies first (scripts/setup.sh). Real third-party samples are read from
# ../shared/data when it exists; tests that need them skip with a message otherwise.
# With CI=true or SMIG_FUZZ_SECONDS=N it then runs scripts/fuzz.sh (N, default 20, seconds per
# fuzz target).
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
# CI (CI=true) and anyone who sets SMIG_FUZZ_SECONDS also fuzz every parser for a short while
# (scripts/fuzz.sh, tests/fuzz/README.md); without clang or libFuzzer that is skipped.
if [ "${CI:-}" = true ] || [ -n "${SMIG_FUZZ_SECONDS:-}" ]; then
  echo "== fuzz" >&2
  rc=0
  "$top/scripts/fuzz.sh" "${SMIG_FUZZ_SECONDS:-20}" || rc=$?
  if [ "$rc" -eq 77 ]; then
    echo "== fuzz: skipped (no clang with libFuzzer)" >&2
  elif [ "$rc" -ne 0 ]; then
    status=1
  fi
fi
exit $status
