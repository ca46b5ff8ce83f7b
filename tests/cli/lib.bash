# Sourced by the CLI tests: a fresh temporary directory removed on exit, the built programs,
# and small assertion helpers. Each test prints "N passed, N failed" at the end.
set -euo pipefail
: "${SMIG_BUILD_DIR:?run through ctest}"
: "${SMIG_SOURCE_DIR:?run through ctest}"
EXPORT=$SMIG_BUILD_DIR/smig-export
IMPORT=$SMIG_BUILD_DIR/smig-import
MKHOST=$SMIG_BUILD_DIR/smig-mkhost
T=$(mktemp -d "${TMPDIR:-/tmp}/smig-cli.XXXXXX")
trap 'rm -rf "$T"' EXIT
passed=0
failed=0

ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
check() { local what=$1; shift; if "$@"; then ok; else bad "$what"; fi; }
# expect_exit CODE WHAT cmd...: run cmd, compare its exit code
expect_exit() {
  local want=$1 what=$2 got=0
  shift 2
  "$@" >"$T/out" 2>"$T/err" || got=$?
  if [ "$got" -eq "$want" ]; then ok; else bad "$what: exit $got, expected $want ($(head -c 300 "$T/err"))"; fi
}
# the error line: one line, starts with the program name
one_line_error() {
  local prog=$1
  [ "$(wc -l <"$T/err")" -eq 1 ] && grep -q "^$prog: " "$T/err"
}
finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
# ps2012_check FILE...: the PowerShell scripts parse and use only cmdlets and parameters that
# Windows Server 2012 has (../shared/tools/ps2012-check). Without ../shared or node it says
# so once and counts nothing.
PS2012_CHECK=$(dirname "${SMIG_SHARED_DATA:-$SMIG_SOURCE_DIR/../shared/data}")/tools/ps2012-check
ps2012_check() {
  local what=$1
  shift
  if [ ! -x "$PS2012_CHECK" ] && [ ! -f "$PS2012_CHECK" ] || ! command -v node >/dev/null; then
    echo "note: $PS2012_CHECK or node missing: $what not checked against Windows Server 2012" >&2
    return 0
  fi
  if bash "$PS2012_CHECK" "$@" >"$T/ps2012.out" 2>&1; then ok; else bad "$what: $(head -c 600 "$T/ps2012.out")"; fi
}
build_example() { "$MKHOST" --force "$SMIG_SOURCE_DIR/examples/$1/host.json" "$2" >/dev/null; }
# schema_check WHAT NAME FILE... / schema_check_lines WHAT NAME FILE...: FILE is valid against
# schemas/NAME.schema.json (python3-jsonschema, draft 2020-12); _lines: each line of FILE is.
schema_check() {
  local what=$1 name=$2
  shift 2
  if python3 "$SMIG_SOURCE_DIR/tests/cli/schema-check.py" "$SMIG_SOURCE_DIR/schemas/$name.schema.json" "$@" >"$T/schema.out" 2>&1; then ok; else bad "$what: $(head -c 600 "$T/schema.out")"; fi
}
schema_check_lines() {
  local what=$1 name=$2
  shift 2
  if python3 "$SMIG_SOURCE_DIR/tests/cli/schema-check.py" --lines "$SMIG_SOURCE_DIR/schemas/$name.schema.json" "$@" >"$T/schema.out" 2>&1; then ok; else bad "$what: $(head -c 600 "$T/schema.out")"; fi
}
