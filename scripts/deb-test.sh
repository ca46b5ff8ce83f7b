#!/usr/bin/env bash
# Build the Debian package and test what it installs. Usage: scripts/deb-test.sh
# Copies the source (tracked and untracked, not ignored, files; never build trees) into a
# temporary directory, runs `dpkg-buildpackage -us -uc -b` there (so ../*.deb and the build
# land outside the repository), runs lintian on the .deb (any error fails), unpacks it into a
# scratch root with `dpkg -x` (no root needed, nothing installed on this machine), and runs the
# unpacked programs on the example host: features, inventory, keygen, export, verify and
# preflight, with the manual pages rendered by man. Prints "N passed, N failed".
# Exit 0 when everything passed, 1 otherwise, 77 when dpkg-buildpackage, debhelper or
# lintian is missing (scripts/setup.sh installs them).
# The package's own build-time check (the unit tests) is skipped with DEB_BUILD_OPTIONS=nocheck
# unless SMIG_DEB_CHECK=1: CI has run the whole suite just before.
# Environment: SMIG_DEB_KEEP=DIR copies the .deb (and .buildinfo, .changes) into DIR.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
for tool in dpkg-buildpackage dh lintian dpkg-deb; do
  if ! command -v "$tool" >/dev/null; then
    echo "deb-test: $tool is not installed (scripts/setup.sh installs it): skipping" >&2
    exit 77
  fi
done
version=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
w=$(mktemp -d "${TMPDIR:-/tmp}/smig-deb.XXXXXX")
trap 'rm -rf "$w"' EXIT
src=$w/smig-$version
mkdir -p "$src"

# ---- the source, without build output ----
if git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  (cd "$top" && git ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
    tar --null -T - -cf -) | tar -xf - -C "$src"
else
  tar -C "$top" --exclude='./build*' --exclude=./out --exclude=./.git -cf - . | tar -xf - -C "$src"
fi

# ---- build ----
opts="parallel=$(nproc)"
[ "${SMIG_DEB_CHECK:-}" = 1 ] || opts="nocheck $opts"
echo "== deb: dpkg-buildpackage -us -uc -b in $src ($opts)" >&2
if ! (cd "$src" && DEB_BUILD_OPTIONS=$opts dpkg-buildpackage -us -uc -b) >"$w/build.log" 2>&1; then
  tail -n 40 "$w/build.log" >&2
  echo "deb-test: dpkg-buildpackage failed" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
deb=$(ls "$w"/smig_"$version"_*.deb)
if [ -n "${SMIG_DEB_KEEP:-}" ]; then
  mkdir -p "$SMIG_DEB_KEEP"
  cp "$w"/smig_"$version"_* "$SMIG_DEB_KEEP"/
fi

passed=0
failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
check() { local what=$1; shift; if "$@"; then ok; else bad "$what"; fi; }

# ---- lintian: no error (warnings and notes are printed) ----
echo "== deb: lintian $(basename "$deb")" >&2
if lintian --fail-on error --tag-display-limit 0 "$deb" >"$w/lintian.log" 2>&1; then
  ok
else
  bad "lintian reports errors"
fi
cat "$w/lintian.log" >&2

# ---- what the package holds ----
dpkg-deb -c "$deb" | awk '{print $NF}' | sed 's:^\./:/:' >"$w/contents"
for f in /usr/bin/smig-export /usr/bin/smig-import /usr/share/smig/manifests/hyperv.xml \
  /usr/share/smig/manifests/ipconfig.xml /usr/share/smig/manifests/schema/descriptor.xsd \
  /usr/share/smig/manifests/schema/manifest.xsd /usr/share/smig/schemas/smig-inventory.schema.json \
  /usr/share/smig/schemas/smig-report.schema.json /usr/share/smig/schemas/smig-export-log.schema.json \
  /usr/share/smig/schemas/smig-progress.schema.json /usr/share/smig/schemas/smig-features.schema.json \
  /usr/share/smig/schemas/smig-archive-features.schema.json /usr/share/man/man1/smig-export.1.gz \
  /usr/share/man/man1/smig-import.1.gz /usr/share/man/man5/smig-archive.5.gz \
  /usr/share/doc/smig/copyright /usr/share/bash-completion/completions/smig-export \
  /usr/share/bash-completion/completions/smig-import /usr/share/locale/fr/LC_MESSAGES/smig.mo; do
  check "the package holds $f" grep -qx "$f" "$w/contents"
done
check "the package holds the README" grep -qE '^/usr/share/doc/smig/README\.md(\.gz)?$' "$w/contents"
check "no test tool in the package" bash -c "! grep -q smig-mkhost '$w/contents'"

# ---- unpacked into a scratch root, run on the example host ----
root=$w/root
dpkg -x "$deb" "$root"
X=$root/usr/bin/smig-export
I=$root/usr/bin/smig-import
mk=$(find "$src/debian/build" -maxdepth 1 -name smig-mkhost -type f)
t=$w/run
mkdir -p "$t"
run() { # run WHAT CMD...: CMD must exit 0
  local what=$1
  shift
  if (cd "$t" && env -u SMIG_MANIFESTS -u SMIG_SCHEMAS "$@") >"$t/out" 2>"$t/err"; then
    ok
  else
    bad "$what: $(head -c 300 "$t/err")"
  fi
}
run "build the example hosts" "$mk" --force "$top/examples/lab-2008r2/host.json" "$t/src"
run "build the example destination" "$mk" --force "$top/examples/lab-2012/host.json" "$t/dst"
run "smig-export --version" "$X" --version
check "the packaged version" grep -qx "smig-export $version" "$t/out"
run "features" "$X" features --source "$t/src"
check "features lists Hyper-V" grep -q '^Hyper-V (hyperv): present' "$t/out"
run "inventory" "$X" inventory --source "$t/src" --format json -o "$t/inv.json"
run "keygen" "$X" keygen -p "$t/k.pub" -s "$t/k.sec"
run "export" "$X" export --source "$t/src" -s "$t/k.sec" -o "$t/a.smig" --progress never
run "verify" "$I" verify -p "$t/k.pub" "$t/a.smig"
check "verify says OK" grep -q ': OK (' "$t/out"
run "import features" "$I" features -p "$t/k.pub" "$t/a.smig" --dest "$t/dst"
# the example source has VMs with saved state: without --discard-saved-state that blocks
rc=0
(cd "$t" && "$I" preflight -p "$t/k.pub" "$t/a.smig" --dest "$t/dst" >"$t/out" 2>"$t/err") || rc=$?
check "preflight blocks on saved state (exit 4, got $rc)" [ "$rc" -eq 4 ]
check "preflight names SMIG1003" grep -q SMIG1003 "$t/out"
# a tampered archive is refused by the packaged program
cp "$t/a.smig" "$t/bad.smig"
printf 'x' | dd of="$t/bad.smig" bs=1 seek=2000 conv=notrunc 2>/dev/null
rc=0
"$I" verify -p "$t/k.pub" "$t/bad.smig" >/dev/null 2>&1 || rc=$?
check "a damaged archive fails verify (exit 3, got $rc)" [ "$rc" -eq 3 ]
if command -v man >/dev/null; then
  for p in man1/smig-export.1.gz man1/smig-import.1.gz man5/smig-archive.5.gz; do
    if MANWIDTH=80 man --warnings -l "$root/usr/share/man/$p" >"$t/man.out" 2>"$t/man.err" &&
      [ ! -s "$t/man.err" ] && [ -s "$t/man.out" ]; then ok; else bad "man -l $p: $(head -c 300 "$t/man.err")"; fi
  done
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
