#!/bin/bash
# tests/cli/install.sh - the installed tree stands on its own: `cmake --install` into a
# temporary prefix, the prefix moved elsewhere (so nothing can depend on where it was built or
# installed), then the installed programs run features, inventory, keygen, export and verify on
# the example host, reading their manifests and schemas from PREFIX/share/smig. Nothing but the
# install is copied; the example host is built with the build tree's smig-mkhost.
source "$(dirname "$0")/lib.bash"
command -v cmake >/dev/null || { echo "skip: cmake is not installed"; exit 77; }
unset SMIG_MANIFESTS SMIG_SCHEMAS
cd "$T"

cmake --install "$SMIG_BUILD_DIR" --prefix "$T/inst" >install.log 2>&1 || {
	cat install.log >&2
	bad "cmake --install"
	finish
}
mv "$T/inst" "$T/moved"
P=$T/moved
check "installed programs" test -x "$P/bin/smig-export" -a -x "$P/bin/smig-import"
check "installed manifests" test -f "$P/share/smig/manifests/hyperv.xml"
check "installed schemas" test -f "$P/share/smig/manifests/schema/descriptor.xsd" \
	-a -f "$P/share/smig/manifests/schema/manifest.xsd"
for s in "$SMIG_SOURCE_DIR"/schemas/*.schema.json; do
	check "installed JSON schema $(basename "$s")" cmp -s "$s" "$P/share/smig/schemas/$(basename "$s")"
done
check "installed docs" test -f "$P/share/doc/smig/README.md"
for page in man1/smig-export.1 man1/smig-import.1 man5/smig-archive.5; do
	check "installed $page" test -f "$P/share/man/$page"
done
# bash completion, installed and working with the installed programs
for prog in smig-export smig-import; do
	f=$P/share/bash-completion/completions/$prog
	check "installed completion $prog" test -f "$f"
done
check "completion of the installed smig-import" test "$(PATH=$P/bin:$PATH bash -c "source '$P/share/bash-completion/completions/smig-import'; COMP_WORDS=(smig-import pre); COMP_CWORD=1; _smig_import; echo \${COMPREPLY[@]}")" = preflight
check "no test tool installed" test ! -e "$P/bin/smig-mkhost"
check "installed French catalogue" test -f "$P/share/locale/fr/LC_MESSAGES/smig.mo"
(unset LC_ALL LC_MESSAGES LANGUAGE; LANG=fr_FR.UTF-8 "$P/bin/smig-import" --help) >fr-help.txt
check "the installed program reads the installed catalogue" grep -q '^Commandes' fr-help.txt
# the installed copy is the one read: make it tell apart from the source tree's
sed -i 's/name="IP configuration"/name="IP configuration (installed copy)"/' \
	"$P/share/smig/manifests/ipconfig.xml"

build_example lab-2008r2 host
expect_exit 0 "installed features" "$P/bin/smig-export" features --source host
check "features read PREFIX/share/smig" grep -q '^IP configuration (installed copy) (ipconfig): present' "$T/out"
expect_exit 0 "installed inventory" "$P/bin/smig-export" inventory --source host --format json -o inv.json
check "inventory written" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' inv.json
expect_exit 0 "installed keygen" "$P/bin/smig-export" keygen -p k.pub -s k.sec
expect_exit 0 "installed export" "$P/bin/smig-export" export --source host -s k.sec -o a.smig \
	--progress never
expect_exit 0 "installed verify" "$P/bin/smig-import" verify -p k.pub a.smig
expect_exit 0 "installed import features" "$P/bin/smig-import" features -p k.pub a.smig
check "import features read PREFIX/share/smig" grep -q 'installed copy' "$T/out"

# without its data the installed program says where it looked and how to point elsewhere,
# and does not fall back to the source tree it was built from
mv "$P/share/smig" "$T/data"
expect_exit 1 "features without data" "$P/bin/smig-export" features --source host
check "the error names the missing directory" grep -q "'$P/bin/../share/smig/manifests'" "$T/err"
check "the error names SMIG_MANIFESTS" grep -q SMIG_MANIFESTS "$T/err"
check "one error line" one_line_error smig-export
expect_exit 1 "verify without data" "$P/bin/smig-import" verify -p k.pub a.smig
# SMIG_MANIFESTS names the moved data
expect_exit 0 "SMIG_MANIFESTS" env SMIG_MANIFESTS="$T/data/manifests" \
	"$P/bin/smig-export" features --source host
check "SMIG_MANIFESTS read" grep -q 'installed copy' "$T/out"
expect_exit 0 "verify with SMIG_MANIFESTS" env SMIG_MANIFESTS="$T/data/manifests" \
	"$P/bin/smig-import" verify -p k.pub a.smig
finish
