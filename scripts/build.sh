#!/usr/bin/env bash
# Configure and build smig. Usage: scripts/build.sh [BUILD_DIR] [extra cmake args...]
# BUILD_DIR defaults to build/; scripts/build.sh build-asan -DSMIG_SANITIZE=ON gives the
# AddressSanitizer + UndefinedBehaviorSanitizer build. Warnings are errors here
# (-DSMIG_WERROR=ON; a plain cmake build leaves them warnings); later arguments override.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-build}
shift || true
case $dir in /*) ;; *) dir=$top/$dir ;; esac
cmake -S "$top" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSMIG_WERROR=ON "$@" >/dev/null
cmake --build "$dir" -j"$(nproc)"
