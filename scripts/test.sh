#!/usr/bin/env bash
# The whole test suite, twice: a normal build and an ASan+UBSan build. Installs missing
# dependencies first (scripts/setup.sh). Real third-party samples are read from
# ../shared/data when it exists; tests that need them skip with a message otherwise.
# With CI=true (or SMIG_EXTRA_BUILDS=1) it also builds, warnings as errors, everything with
# gcc in Release (-O3, where gcc warns about more) and runs the unit tests there, and the
# programs with clang and runs the export, inventory, install and man page CLI tests there.
# The whole suite twice more would add half of CI's time; the compilers' warnings are the
# point of these builds. common/ is also built by clang in scripts/fuzz.sh.
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
if [ "${CI:-}" = true ] || [ "${SMIG_EXTRA_BUILDS:-}" = 1 ]; then
  echo "== build-release: build (gcc, Release)" >&2
  if "$top/scripts/build.sh" build-release -DCMAKE_BUILD_TYPE=Release; then
    echo "== build-release: unit tests" >&2
    (cd "$top/build-release" && ctest --output-on-failure -j2 -R '^unit/') || status=1
  else
    status=1
  fi
  if command -v clang >/dev/null; then
    echo "== build-clang: build the programs (clang)" >&2
    if CC=clang cmake -S "$top" -B "$top/build-clang" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DSMIG_WERROR=ON >/dev/null &&
      cmake --build "$top/build-clang" -j"$(nproc)" --target smig-export smig-import smig-mkhost smig-translations; then
      echo "== build-clang: CLI tests export, inventory, install, manpages" >&2
      (cd "$top/build-clang" && ctest --output-on-failure -j2 \
        -R '^cli/(export|inventory|install|manpages)$') || status=1
    else
      status=1
    fi
  else
    echo "== build-clang: skipped (clang is not installed)" >&2
  fi
fi
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
