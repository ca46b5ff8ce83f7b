#!/usr/bin/env bash
# Install what smig needs to build and test on Debian 12: the libraries (libarchive,
# libxml2, zlib, OpenSSL 3, cmocka, hivex, jansson) and the peer tools the tests use as
# oracles (qemu-img, vhdiinfo, signify-openbsd, bsdtar, hivex tools, xmllint, age, python3-jsonschema
# for the JSON outputs against schemas/), gettext (msgfmt, xgettext: the translations in po/), groff for the
# manual pages' test, strace (tests/cli/age.sh: how often smig-import starts), and clang for scripts/fuzz.sh with libclang-rt-dev (libFuzzer and the
# sanitizer runtimes: only a recommendation of clang, which --no-install-recommends would
# leave out), and debhelper and lintian for scripts/deb-test.sh (the Debian package;
# dpkg-buildpackage comes with build-essential's dpkg-dev).
# Installs only what is missing; needs root (or sudo) only then.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libarchive-dev libzstd-dev libxml2-dev zlib1g-dev libssl-dev libcmocka-dev libhivex-dev
  libjansson-dev
  libhivex-bin libwin-hivex-perl libxml2-utils libarchive-tools qemu-utils libvhdi-utils
  signify-openbsd zstd tar python3 python3-jsonschema time groff-base age gettext strace
  clang libclang-rt-dev
  debhelper lintian
)
# ps2012-check (the PowerShell 2012 checker the tests run on every script smig writes) needs
# node and npm. A machine whose node already ships npm (e.g. a nodesource build, which
# conflicts with Debian's npm package) keeps it.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  packages+=(nodejs npm)
fi

if [ "${1:-}" = --list ]; then
  printf '%s\n' "${packages[@]}"
  exit 0
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "setup: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
