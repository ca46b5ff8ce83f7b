#!/bin/bash
# tests/cli/export.sh - `smig-export keygen` and `smig-export export` end to end, checked with
# stock tools only: bsdtar and GNU tar extract, signify-openbsd and sha256sum verify, cmp
# compares with the host's own files. Runs in a fresh temporary directory, removed on exit.
set -eu
umask 022

B=${SMIG_BUILD_DIR:?SMIG_BUILD_DIR is not set}
S=${SMIG_SOURCE_DIR:?SMIG_SOURCE_DIR is not set}
X=$B/smig-export
MK=$B/smig-mkhost
for tool in bsdtar tar signify-openbsd sha256sum python3 cmp du; do
	command -v "$tool" >/dev/null || { echo "skip: $tool is not installed"; exit 77; }
done
[ -x "$MK" ] || { echo "skip: $MK was not built"; exit 77; }

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"

fail() { echo "FAIL: $*" >&2; exit 1; }
# expect_exit CODE CMD...: run CMD, stdout to out, stderr to err; its status must be CODE.
expect_exit() {
	local want=$1 got
	shift
	set +e
	"$@" >out 2>err
	got=$?
	set -e
	[ "$got" = "$want" ] || { cat err >&2; fail "'$*' exited $got, expected $want"; }
}

WEB=6F0B2E9A-41C3-4B8E-9E5B-1D2C3A4B5C01
SQL=8A3C5E7F-0A1B-4C2D-8E3F-4A5B6C7D8E02
"$MK" --force "$S/examples/lab-2008r2/host.json" host >/dev/null

# ---- keygen ----
expect_exit 0 "$X" keygen --help
grep -q '^usage: smig-export keygen' out || fail "keygen --help"
"$X" keygen -p k.pub -s k.sec -c "cli test"
[ "$(stat -c %a k.sec)" = 600 ] || fail "secret key mode is $(stat -c %a k.sec)"
[ "$(stat -c %a k.pub)" = 644 ] || fail "public key mode is $(stat -c %a k.pub)"
head -1 k.pub | grep -qx 'untrusted comment: cli test public key' || fail "public key comment"
cp k.sec k.sec.orig
expect_exit 1 "$X" keygen -p other.pub -s k.sec
grep -q "'k.sec' already exists" err || fail "keygen overwrite message"
cmp -s k.sec k.sec.orig || fail "keygen touched an existing key"
[ ! -e other.pub ] || fail "keygen left a half pair"
expect_exit 1 "$X" keygen -p k.pub -s new.sec
[ ! -e new.sec ] || fail "keygen left a half pair"
expect_exit 2 "$X" keygen -p only.pub
expect_exit 2 "$X" keygen -p a.pub -s a.sec extra

# a key made by signify works with smig
signify-openbsd -G -n -p sg.pub -s sg.sec -c "signify key" 2>/dev/null
"$X" export --source host -s sg.sec -o sg.smig --compress none --progress never
mkdir sgx
(cd sgx && bsdtar -xf ../sg.smig && signify-openbsd -C -p ../sg.pub -x smig/SHA256.sig >/dev/null) ||
	fail "an archive signed with a signify key does not verify"
grep -qx 'untrusted comment: verify with sg.pub' sgx/smig/SHA256.sig || fail "signature comment"

# ---- export in every compression ----
expect_exit 0 "$X" export --help
grep -q '^usage: smig-export export' out || fail "export --help"
for c in zstd gzip none; do
	"$X" export --source host -s k.sec -o "a-$c.smig" --compress "$c" --threads 2 \
		--progress never 2>summary
	grep -q "^smig-export: wrote 'a-$c.smig': [0-9]* bytes, [0-9]* members$" summary ||
		fail "summary line: $(cat summary)"
done
[ "$(head -c 4 a-zstd.smig | od -An -tx1 | tr -d ' ')" = 28b52ffd ] || fail "not zstd"
[ "$(head -c 2 a-gzip.smig | od -An -tx1 | tr -d ' ')" = 1f8b ] || fail "not gzip"
[ "$(dd if=a-none.smig bs=1 skip=257 count=5 2>/dev/null)" = ustar ] || fail "not a plain tar"

# the smig key verifies with signify -V (the embedded signature of the checksum list)
mkdir bx gx nx
bsdtar -xf a-zstd.smig -C bx
signify-openbsd -V -e -p k.pub -x bx/smig/SHA256.sig -m signed.txt >/dev/null ||
	fail "signify -V refuses smig's signature"
cmp -s signed.txt bx/smig/SHA256 || fail "the signed message is not smig/SHA256"

bsdtar -tvf a-zstd.smig >list
[ "$(head -1 list | awk '{print $NF}')" = smig/descriptor.xml ] || fail "descriptor not first"
[ "$(tail -1 list | awk '{print $NF}')" = smig/SHA256.sig ] || fail "signature not last"
tar -xf a-gzip.smig -C gx
tar -xf a-none.smig -C nx

# byte-identical to the host's files, whichever tool extracted them
pairs="hyperv/vms/$WEB/config.xml|D/Hyper-V/web01/Virtual Machines/$WEB.xml
hyperv/vms/$WEB/disks/web01.vhd|D/VHD/web01.vhd
hyperv/vms/$WEB/disks/web01_4E6C8B21-0002-4D3F-8A21-6B7C8D9E0F02.avhd|D/VHD/web01_4E6C8B21-0002-4D3F-8A21-6B7C8D9E0F02.avhd
hyperv/vms/$SQL/disks/sql01-system.vhd|D/VHD/sql01-system.vhd
hyperv/authorization-store/InitialStore.xml|C/ProgramData/Microsoft/Windows/Hyper-V/InitialStore.xml
ipconfig/ipconfig-output/IPSettings.txt|C/IPSettings.txt"
while IFS='|' read -r member src; do
	for d in bx gx nx; do
		cmp "$d/$member" "host/$src" || fail "$d/$member differs from host/$src"
	done
done <<<"$pairs"

# signify -C accepts the extracted tree, and refuses it after one changed byte in any member
for d in bx gx nx; do
	(cd "$d" && signify-openbsd -C -p ../k.pub -x smig/SHA256.sig >/dev/null) ||
		fail "signify -C refuses the tree extracted into $d"
done
for member in "hyperv/vms/$SQL/disks/sql01-system.vhd" hyperv/host-settings.reg smig/descriptor.xml; do
	rm -rf cx && mkdir cx && bsdtar -xf a-zstd.smig -C cx
	printf 'X' | dd of="cx/$member" bs=1 seek=100 conv=notrunc 2>/dev/null
	if (cd cx && signify-openbsd -C -p ../k.pub -x smig/SHA256.sig >/dev/null 2>&1); then
		fail "signify -C accepted a changed $member"
	fi
	# coreutils reads the list too (docs/archive.md §7), and sees the changed member
	if (cd cx && sha256sum --quiet -c smig/SHA256 >/dev/null 2>&1); then
		fail "sha256sum -c accepted a changed $member"
	fi
done
# sha256sum -c accepts every extracted tree: the list is in sha256sum --tag form
for d in bx gx nx; do
	(cd "$d" && sha256sum --strict -c smig/SHA256 >sums.out) ||
		fail "sha256sum -c refuses the list in $d"
	[ "$(grep -c ': OK$' "$d/sums.out")" -eq "$(wc -l <"$d/smig/SHA256")" ] ||
		fail "sha256sum -c did not check every line in $d"
done
# a different key is refused too
signify-openbsd -G -n -p wrong.pub -s wrong.sec 2>/dev/null
if (cd bx && signify-openbsd -C -p ../wrong.pub -x smig/SHA256.sig >/dev/null 2>&1); then
	fail "signify -C accepted the wrong key"
fi

# the mostly-empty fixed VHD is a sparse member: it extracts with holes
fixed="hyperv/vms/$SQL/disks/sql01-system.vhd"
for d in bx gx; do
	apparent=$(stat -c %s "$d/$fixed")
	used=$(( $(stat -c %b "$d/$fixed") * $(stat -c %B "$d/$fixed") ))
	[ "$used" -lt $((apparent / 4)) ] || fail "$d/$fixed has no holes ($used of $apparent bytes used)"
done
grep -aq 'GNU.sparse' a-none.smig ||
	fail "no pax sparse header"

# ---- standard output ----
"$X" export --source host -s k.sec -o - --progress never 2>stderr | bsdtar -tf - >stdout-list
[ ! -s stderr ] || fail "-o - printed to stderr: $(cat stderr)"
cmp -s <(awk '{print $NF}' list) stdout-list || fail "-o - lists other members"

# ---- the log ----
"$X" export --source host -s k.sec -o logged.smig --log export.log --progress never 2>/dev/null
python3 - export.log <<'EOF' || fail "the log is not JSON lines"
import json, re, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
# every line: when, which command, which step; the first says start, the last the end
for l in lines:
    assert l["command"] == "export" and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", l["time"]), l
assert lines[0]["step"] == "start" and lines[-1]["step"] == "end" and lines[-1]["success"] is True, lines[-1]
assert [l["time"] for l in lines] == sorted(l["time"] for l in lines), "time goes backwards"
items = [l for l in lines if l["step"] == "item"]
assert items, "empty log"
for it in items:
    assert set(it) == {"time", "command", "step", "what", "source", "member", "success", "details", "vm"}, it
    assert isinstance(it["success"], bool)
# a VM's members name the VM
assert any(it["vm"] == "web01" and it["member"] and it["member"].endswith("/web01.vhd") for it in items)
members = {it["member"] for it in items if it["member"]}
assert "smig/descriptor.xml" in members
assert any(it["what"] == "disk" and it["member"] and it["member"].endswith("/web01.vhd") for it in items)
assert any(it["what"] == "iso" and it["member"] is None for it in items)
assert all(it["success"] for it in items)
EOF
python3 "$SMIG_SOURCE_DIR/tests/cli/schema-check.py" --lines \
  "$SMIG_SOURCE_DIR/schemas/smig-export-log.schema.json" export.log ||
	fail "the log does not match schemas/smig-export-log.schema.json"
sed '0,/"success":true/s//"success":"yes"/' export.log >export-bad.log
! python3 "$SMIG_SOURCE_DIR/tests/cli/schema-check.py" --lines \
  "$SMIG_SOURCE_DIR/schemas/smig-export-log.schema.json" export-bad.log 2>/dev/null ||
	fail "the log schema accepts a success that is not a boolean"

# ---- progress as JSON ----
"$X" export --source host -s k.sec -o prog.smig --progress json 2>prog.json
python3 - prog.json <<'EOF' || fail "--progress json"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
assert lines, "no progress lines"
for p in lines:
    assert set(p) == {"bytes", "total", "member"}, p
# the total accounts for every byte counted (descriptor, members, checksum list, signature):
# no line passes it, and a finished export ends exactly on it
for p in lines:
    assert 0 <= p["bytes"] <= p["total"], p
assert lines[-1]["bytes"] == lines[-1]["total"] > 0, lines[-1]
assert lines[-1]["member"] == "smig/SHA256.sig", lines[-1]
EOF
grep '^{' prog.json >prog.lines
python3 "$SMIG_SOURCE_DIR/tests/cli/schema-check.py" --lines \
  "$SMIG_SOURCE_DIR/schemas/smig-progress.schema.json" prog.lines ||
	fail "--progress json does not match schemas/smig-progress.schema.json"
sed '1s/"bytes":/"done":/' prog.lines >prog-bad.lines
! python3 "$SMIG_SOURCE_DIR/tests/cli/schema-check.py" --lines \
  "$SMIG_SOURCE_DIR/schemas/smig-progress.schema.json" prog-bad.lines 2>/dev/null ||
	fail "the progress schema accepts a line without bytes"

# ---- a C: root without its D: drive: the VMs on D: would be missing, so no archive; the
# drive is named once, as the inventory names it ----
expect_exit 2 "$X" export --source host/C -s k.sec -o nod.smig --progress never
grep -qxF 'smig-export export: drive D: is used by the host (D:\Hyper-V, D:\VHD) but not mapped: pass --drive D=DIR' err ||
	{ cat err >&2; fail "unmapped D: message"; }
[ "$(grep -c 'drive D:' err)" = 1 ] || fail "unmapped D: said more than once"
! grep -q unresolvable err || fail "export blames a link"
[ ! -e nod.smig ] || fail "an export missing D: wrote an archive"
"$X" export --source host/C --drive D=host/D -s k.sec -o withd.smig --progress never 2>/dev/null ||
	fail "export of C: with --drive D"

# ---- exit codes, and no partial archive after a failure ----
expect_exit 2 "$X" export -s k.sec -o x.smig
expect_exit 2 "$X" export --source host -o x.smig
expect_exit 2 "$X" export --source host -s k.sec
expect_exit 2 "$X" export --source host -s k.sec -o x.smig --compress lzma
expect_exit 2 "$X" export --source host -s k.sec -o x.smig --type disks
expect_exit 2 "$X" export --source host -s k.sec -o x.smig --vm nosuch
grep -q "no VM named 'nosuch'" err || fail "unknown VM message"
expect_exit 2 "$X" export --source host -s k.sec -o x.smig --feature nosuch
expect_exit 2 "$X" export --source host -s k.sec -o x.smig --bogus
expect_exit 2 "$X" frobnicate
[ ! -e x.smig ] || fail "a usage error wrote an archive"

# an existing output without --force: 1, untouched; with --force: replaced
echo old >exists.smig
expect_exit 1 "$X" export --source host -s k.sec -o exists.smig --progress never
grep -q "'exists.smig' already exists" err || fail "overwrite message"
[ "$(cat exists.smig)" = old ] || fail "the existing archive was changed"
expect_exit 0 "$X" export --source host -s k.sec -o exists.smig --force --progress never
bsdtar -tf exists.smig >/dev/null || fail "--force did not write an archive"

# -o names what the user means, as the reports' -o does: a character device, a FIFO, a
# process substitution, /dev/stdout are written in place and stay what they are; a link, a
# folder, a block device are refused with --force too, before any work, and left alone
if [ -c /dev/null ] && [ -w /dev/null ]; then
	for force in "" --force; do
		expect_exit 0 "$X" export --source host -s k.sec -o /dev/null $force --progress never
		[ -c /dev/null ] || fail "-o /dev/null $force: /dev/null is no longer a device"
	done
	[ -z "$(ls -a /dev | grep 'null\.partial' || true)" ] || fail "a temporary file was left in /dev"
fi
mkfifo pipe.smig
cat pipe.smig >fromfifo.smig &
reader=$!
expect_exit 0 timeout 120 "$X" export --source host -s k.sec -o pipe.smig --progress never
wait "$reader" || fail "the FIFO's reader failed"
[ -p pipe.smig ] || fail "-o FIFO: no longer a FIFO"
"$B/smig-import" verify -p k.pub fromfifo.smig >/dev/null 2>err || { cat err >&2; fail "-o FIFO: the archive read through it does not verify"; }
expect_exit 0 "$X" export --source host -s k.sec -o >(cat >procsub.smig) --progress never
for _ in $(seq 50); do "$B/smig-import" verify -p k.pub procsub.smig >/dev/null 2>&1 && break; sleep 0.2; done
"$B/smig-import" verify -p k.pub procsub.smig >/dev/null 2>err || { cat err >&2; fail "-o process substitution: no valid archive"; }
echo old >redirected.smig
expect_exit 0 sh -c '"$1" export --source host -s k.sec -o /dev/stdout --progress never >redirected.smig' sh "$X"
"$B/smig-import" verify -p k.pub redirected.smig >/dev/null 2>err || { cat err >&2; fail "-o /dev/stdout: the redirected file does not verify"; }
# a reader that goes away half-way (ssh dropped): one line, exit 1, not a death by SIGPIPE
set +e
"$X" export --source host -s k.sec -o - --compress none --progress never 2>err | head -c 1000 >/dev/null
rc=${PIPESTATUS[0]}
set -e
[ "$rc" = 1 ] || { cat err >&2; fail "-o - into a pipe closed early: exit $rc, expected 1"; }
[ "$(wc -l <err)" -eq 1 ] && grep -q "standard output.*Broken pipe" err || { cat err >&2; fail "closed pipe message"; }
echo keep >target.smig
ln -s target.smig link.smig
mkdir folder.smig
refused=(link.smig folder.smig)
if mknod disk.smig b 7 250 2>/dev/null; then refused+=(disk.smig); fi
for out in "${refused[@]}"; do
	expect_exit 2 "$X" export --source host -s k.sec -o "$out" --force --progress never
	[ "$(wc -l <err)" -eq 1 ] || { cat err >&2; fail "-o $out: not one error line"; }
	grep -q "'$out'" err || fail "-o $out: the error does not name it"
	[ -z "$(ls -a | grep "$out\.partial" || true)" ] || fail "-o $out: a temporary file was left"
done
grep -q "block device" err || [ "${#refused[@]}" -eq 2 ] || fail "block device message"
[ -L link.smig ] && [ "$(cat target.smig)" = keep ] || fail "-o link: the link or its target changed"
[ -d folder.smig ] && [ -z "$(ls -A folder.smig)" ] || fail "-o folder: the folder changed"
[ "${#refused[@]}" -eq 2 ] || [ -b disk.smig ] || fail "-o block device: no longer a block device"

# the wrong kind of key file: a public key as the secret key (sign.h: SMIG_ERR_FORMAT, exit 1)
expect_exit 1 "$X" export --source host -s k.pub -o x.smig
grep -q '^smig-export: ' err || fail "wrong key message"
# a corrupt secret key: its checksum does not match (integrity, exit 3)
python3 - k.sec bad.sec <<'EOF'
import base64, sys
lines = open(sys.argv[1]).read().splitlines()
raw = bytearray(base64.b64decode(lines[1]))
raw[-1] ^= 1
open(sys.argv[2], "w").write(lines[0] + "\n" + base64.b64encode(bytes(raw)).decode() + "\n")
EOF
expect_exit 3 "$X" export --source host -s bad.sec -o x.smig
[ ! -e x.smig ] || fail "a key failure wrote an archive"

# a VHD named in a configuration is missing: 1, the message names the VM and the file,
# and nothing is left in the output directory
"$MK" --force "$S/examples/lab-2008r2/host.json" broken >/dev/null
rm broken/D/Hyper-V/test01/test01.vhd
mkdir outdir
expect_exit 1 "$X" export --source broken -s k.sec -o outdir/b.smig --log outdir/b.log
grep -q "VM 'test01'" err || fail "missing VHD message does not name the VM: $(cat err)"
grep -q 'test01.vhd' err || fail "missing VHD message does not name the file: $(cat err)"
[ "$(ls outdir)" = b.log ] || fail "a failed export left: $(ls outdir)"
grep -q '"success":false' outdir/b.log || fail "the log does not show the failure"
# leaving the broken VM out works
"$X" export --source broken -s k.sec -o outdir/b.smig --vm web01 --vm sql01 --vm dc01 \
	--progress never 2>/dev/null
bsdtar -tf outdir/b.smig | grep -q "hyperv/vms/$WEB/config.xml" || fail "--vm export"

echo "export.sh: all checks passed"
