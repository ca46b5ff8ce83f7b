#!/usr/bin/env bash
# smig-import verify and features: help and usage errors, intact archives (plain, zstd, from
# standard input, signed by smig or by stock signify), the destination check, and hostile
# archives. Every hostile archive must be refused by both commands with exit 3 and a one-line
# error, leave no staging directory, and leave the destination tree byte-identical.
# A compression bomb proper (a huge zstd stream) is tested at the C level in
# tests/test_archive.c with small limits; here a member declaring more than the default 4 TiB
# limit stands for it: it must be refused at its header, before anything is decompressed.
. "$(dirname "$0")/lib.bash"

if ! "$EXPORT" export --help >/dev/null 2>&1 || [ ! -x "$IMPORT" ]; then
  echo "smig-export export or smig-import is not built: skipping"
  exit 77
fi
for tool in python3 bsdtar zstd signify-openbsd; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed: skipping"; exit 77; }
done

build_example lab-2008r2 "$T/src"
build_example lab-2012 "$T/dst"
# staging goes here: it must be empty after every run, whatever the outcome
export TMPDIR=$T/tmp
mkdir "$TMPDIR"
tree_hash() { (cd "$1" && find . -type f -exec sha256sum {} + | LC_ALL=C sort) | sha256sum; }
DST_HASH=$(tree_hash "$T/dst")
dst_untouched() { [ "$(tree_hash "$T/dst")" = "$DST_HASH" ]; }
tmp_empty() { [ -z "$(ls -A "$TMPDIR")" ]; }

"$EXPORT" keygen -p "$T/k.pub" -s "$T/k.sec" >/dev/null
"$EXPORT" keygen -p "$T/other.pub" -s "$T/other.sec" >/dev/null
signify-openbsd -G -n -p "$T/s.pub" -s "$T/s.sec" >/dev/null
export_to() {
  "$EXPORT" export --source "$T/src" -s "$T/k.sec" --progress never "$@" 2>"$T/export.log" ||
    { cat "$T/export.log" >&2; exit 1; }
}
export_to -o "$T/plain.smig" --compress none
export_to -o "$T/z.smig"
# a small archive (one VM, with the host-wide members: --feature) for the rebuilt hostile
# cases, and its members extracted
export_to -o "$T/small.smig" --vm dc01 --feature hyperv --feature ipconfig --compress none
mkdir "$T/x"
bsdtar -xf "$T/small.smig" -C "$T/x"
ARCHIVE_ID=$(bsdtar -xOf "$T/plain.smig" smig/descriptor.xml |
  sed -n 's:.*<archive-id>\(.*\)</archive-id>.*:\1:p')

# ---- help and usage ----
expect_exit 0 "--help" "$IMPORT" --help
check "--help lists verify" grep -q "^  verify " "$T/out"
check "--help lists features" grep -q "^  features " "$T/out"
check "--help on stdout only" test ! -s "$T/err"
expect_exit 0 "verify --help" "$IMPORT" verify --help
check "verify --help names -p PUB" grep -q -- "-p PUB" "$T/out"
expect_exit 0 "features --help" "$IMPORT" features --help
check "features --help names --dest" grep -q -- "--dest ROOT" "$T/out"
expect_exit 0 "--version" "$IMPORT" --version
expect_exit 2 "no command" "$IMPORT"
expect_exit 2 "unknown command" "$IMPORT" frobnicate
for cmd in verify features; do
  expect_exit 2 "$cmd without -p" "$IMPORT" $cmd "$T/plain.smig"
  check "$cmd usage error says what to try" grep -q "Try 'smig-import $cmd --help'" "$T/err"
  expect_exit 2 "$cmd without ARCHIVE" "$IMPORT" $cmd -p "$T/k.pub"
  expect_exit 2 "$cmd with two archives" "$IMPORT" $cmd -p "$T/k.pub" "$T/plain.smig" "$T/z.smig"
  expect_exit 2 "$cmd with an unknown option" "$IMPORT" $cmd -p "$T/k.pub" --frob "$T/plain.smig"
done
expect_exit 2 "features bad format" "$IMPORT" features -p "$T/k.pub" --format pdf "$T/plain.smig"
check "usage error names the format" grep -q "pdf" "$T/err"
expect_exit 2 "features --drive without --dest" "$IMPORT" features -p "$T/k.pub" --drive D="$T" \
  "$T/plain.smig"
expect_exit 2 "features bad --drive" "$IMPORT" features -p "$T/k.pub" --dest "$T/dst" \
  --drive D/tmp "$T/plain.smig"

# ---- intact archives ----
expect_exit 0 "verify plain" "$IMPORT" verify -p "$T/k.pub" "$T/plain.smig"
check "verify plain: OK line with member count and archive id" \
  grep -qx "$T/plain.smig: OK (24 members, archive id $ARCHIVE_ID)" "$T/out"
check "verify: nothing on stderr" test ! -s "$T/err"
expect_exit 0 "verify zstd" "$IMPORT" verify -p "$T/k.pub" "$T/z.smig"
check "verify zstd: OK" grep -q "^$T/z.smig: OK (24 members, archive id " "$T/out"
expect_exit 0 "verify from standard input" sh -c '"$1" verify -p "$2" - <"$3"' sh "$IMPORT" \
  "$T/k.pub" "$T/z.smig"
check "verify stdin: OK" grep -q "^standard input: OK (24 members" "$T/out"
expect_exit 0 "features from standard input" sh -c '"$1" features -p "$2" - <"$3"' sh \
  "$IMPORT" "$T/k.pub" "$T/z.smig"
check "features stdin: names it" grep -q "^Archive: standard input (archive id " "$T/out"
mkdir "$T/stage"
expect_exit 0 "verify --tmp" "$IMPORT" verify -p "$T/k.pub" --tmp "$T/stage" "$T/plain.smig"
check "verify --tmp leaves nothing" test -z "$(ls -A "$T/stage")"
expect_exit 1 "verify --tmp missing" "$IMPORT" verify -p "$T/k.pub" --tmp "$T/nope" "$T/plain.smig"
check "verify --tmp missing: one line" one_line_error smig-import
check "staging removed after success" tmp_empty

# ---- features ----
expect_exit 0 "features" "$IMPORT" features -p "$T/k.pub" "$T/plain.smig"
check "features lists hyperv" grep -q "^Hyper-V (hyperv): " "$T/out"
check "features lists ipconfig" grep -q "^IP configuration (ipconfig): " "$T/out"
check "features lists the VMs component" grep -q "^  virtual-machines .* 4 VMs" "$T/out"
check "features names the source" grep -q "^Source: HV-SRC01" "$T/out"
check "features without --dest: no verdict" bash -c "! grep -q destination: '$T/out'"
expect_exit 0 "features --dest 2012" "$IMPORT" features -p "$T/k.pub" "$T/z.smig" --dest "$T/dst"
check "2012 takes Hyper-V" grep -q "^  destination: can take it: Windows Server 2012" "$T/out"
check "2012 takes IP configuration" \
  grep -q "^  destination: can take it: [1-9][0-9]* physical network adapter" "$T/out"
check "features --dest: nothing written" dst_untouched
expect_exit 0 "features --dest source" "$IMPORT" features -p "$T/k.pub" "$T/plain.smig" \
  --dest "$T/src"
check "2008 R2 does not take Hyper-V" \
  grep -q "destination: cannot take it: the destination is not Windows Server 2012" "$T/out"
expect_exit 0 "features json" "$IMPORT" features -p "$T/k.pub" "$T/plain.smig" --dest "$T/dst" \
  --format json
check "features json" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
f = {x["id"]: x for x in d["features"]}
assert set(f) == {"hyperv", "ipconfig"}, f.keys()
assert f["hyperv"]["destination"]["can_take"] is True
assert f["ipconfig"]["destination"]["can_take"] is True
assert d["destination"]["is_2012"] is True and d["source"]["is_2012"] is False
assert d["archive_id"] == sys.argv[2]
vm = [c for c in f["hyperv"]["components"] if c["id"] == "virtual-machines"][0]
assert vm["members"] > 0 and vm["present"]
' "$T/out" "$ARCHIVE_ID"
cp "$T/out" "$T/features.json"
schema_check "features json matches schemas/smig-archive-features.schema.json" \
  smig-archive-features "$T/features.json"
expect_exit 0 "features json without --dest" "$IMPORT" features -p "$T/k.pub" - --format json \
  <"$T/plain.smig"
check "features json without --dest: no destination" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert "destination" not in d and d["archive"] == "standard input"
assert all("destination" not in f for f in d["features"])
' "$T/out"
schema_check "features json without --dest matches its schema" smig-archive-features "$T/out"
# the rejecting twins: another schema version, no generation time, a key not in snake_case,
# a destination verdict without its reason
for bad in 'd["schema"]="smig-archive-features/2"' 'del d["generated_utc"]' \
  'd["archive id"]=d.pop("archive_id")' 'del d["features"][0]["destination"]["reason"]'; do
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); $bad; json.dump(d, open(sys.argv[2], 'w'))" \
    "$T/features.json" "$T/features-bad.json"
  check "the schema rejects the archive features with $bad" \
    bash -c '! python3 "$1/tests/cli/schema-check.py" "$1/schemas/smig-archive-features.schema.json" "$2" 2>/dev/null' \
    _ "$SMIG_SOURCE_DIR" "$T/features-bad.json"
done
expect_exit 1 "features --dest missing" "$IMPORT" features -p "$T/k.pub" "$T/plain.smig" \
  --dest "$T/nope"
check "features --dest missing: one line" one_line_error smig-import

# ---- operational errors: exit 1 ----
expect_exit 1 "missing archive" "$IMPORT" verify -p "$T/k.pub" "$T/nope.smig"
check "missing archive: one line" one_line_error smig-import
expect_exit 1 "missing key" "$IMPORT" verify -p "$T/nope.pub" "$T/plain.smig"
check "missing key: one line" one_line_error smig-import
check "staging removed after operational errors" tmp_empty

# ---- hostile archives ----
# mk.py CASE OUT builds one hostile archive. Byte surgery works on the uncompressed archive;
# rebuilt archives come from the small archive's members with a signed list made by stock
# signify, so that only the structural rule under test is broken.
cat >"$T/mk.py" <<'EOF'
import hashlib, io, os, re, subprocess, sys, tarfile
T = os.environ["T"]
case, out = sys.argv[1], sys.argv[2]

def offset(arc, name):
    with tarfile.open(arc) as t:
        for m in t.getmembers():
            if m.name == name:
                return m.offset_data
    raise SystemExit("no member " + name)

def first(arc, prefix, suffix):
    with tarfile.open(arc) as t:
        for m in t.getmembers():
            if m.name.startswith(prefix) and m.name.endswith(suffix):
                return m.name
    raise SystemExit("no member like " + prefix)

def poke(arc, pos):
    data = bytearray(open(arc, "rb").read())
    data[pos] = ord("0") if data[pos] != ord("0") else ord("1")
    open(out, "wb").write(data)

def truncate(arc, size):
    open(out, "wb").write(open(arc, "rb").read()[:size])

# rebuilt archives
X = T + "/x"
with tarfile.open(T + "/small.smig") as t:
    ORDER = [m.name for m in t.getmembers()]
PAYLOAD = [n for n in ORDER if n not in ("smig/SHA256", "smig/SHA256.sig")]

def content(name):
    return open(os.path.join(X, name), "rb").read()

def sums(entries):
    lines = sorted("SHA256 (%s) = %s\n" % (n, hashlib.sha256(d).hexdigest()) for n, d in entries)
    return "".join(lines).encode()

def sign(data):
    open(T + "/list", "wb").write(data)
    subprocess.run(["signify-openbsd", "-S", "-e", "-s", T + "/s.sec", "-m", T + "/list",
                    "-x", T + "/list.sig"], check=True)
    return open(T + "/list.sig", "rb").read()

def add(t, name, data=None, kind=tarfile.REGTYPE, link=""):
    ti = tarfile.TarInfo(name)
    ti.type, ti.linkname, ti.mode, ti.mtime = kind, link, 0o644, 1420070400
    ti.size = len(data) if data is not None else 0
    t.addfile(ti, io.BytesIO(data) if data is not None else None)

def rebuild(members, listed=None, signed=True, tail=None, extra=()):
    """members: [(name, bytes)] in archive order; listed: what smig/SHA256 covers (default
    members); tail: order of the list and signature (default list then signature)."""
    listed = members if listed is None else listed
    lst = sums(listed)
    sig = sign(lst) if signed else None
    with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as t:
        for n, d in members:
            add(t, n, d)
        for n, kind, link in extra:
            add(t, n, None, kind, link)
        for n in tail or ["smig/SHA256", "smig/SHA256.sig"]:
            if n == "smig/SHA256":
                add(t, n, lst)
            elif sig is not None:
                add(t, n, sig)

M = [(n, content(n)) for n in PAYLOAD]
some = [n for n, _ in M].index("hyperv/vmq.reg")

def desc(edit):
    """M with the descriptor (the first member) rewritten by edit(text) -> text."""
    text = edit(M[0][1].decode())
    assert text.encode() != M[0][1], "the edit changed nothing"
    return [(M[0][0], text.encode())] + M[1:]

def vmq_line(text):
    return re.search(r'\n *<member name="hyperv/vmq.reg"[^\n]*', text).group(0)

plain = T + "/plain.smig"
disk = first(plain, "hyperv/vms/", ".vhd")
if case == "control":        rebuild(M)
elif case == "disk-byte":    poke(plain, offset(plain, disk) + 10)
elif case == "descriptor-byte": poke(plain, offset(plain, "smig/descriptor.xml") + 300)
elif case == "sums-byte":    poke(plain, offset(plain, "smig/SHA256") + 100)
elif case == "sig-byte":     poke(plain, offset(plain, "smig/SHA256.sig") + 60)
elif case == "header-byte":  poke(plain, offset(plain, "hyperv/vmq.reg") - 512 + 150)
elif case == "removed":      rebuild(M[:some] + M[some + 1:], listed=M)
elif case == "removed-listed": rebuild(M[:some] + M[some + 1:])
elif case == "added":        rebuild(M + [("hyperv/extra.reg", b"extra")], listed=M)
elif case == "added-listed": rebuild(M + [("hyperv/extra.reg", b"extra")])
elif case == "descriptor-moved": rebuild(M[1:some] + [M[0]] + M[some:])
elif case == "sig-first":    rebuild(M, tail=["smig/SHA256.sig", "smig/SHA256"])
elif case == "member-last":  rebuild(M[:some] + M[some + 1:], listed=M,
                                     tail=["smig/SHA256", "smig/SHA256.sig", M[some][0]])
elif case == "duplicated":   rebuild(M + [M[some]], listed=M)
elif case == "case-dup":     rebuild(M + [("hyperv/VMQ.reg", M[some][1])])
elif case == "unsigned":     rebuild(M, signed=False)
elif case == "dotdot":       rebuild(M + [("../evil.reg", b"evil")])
elif case == "dotdot-inner": rebuild(M + [("hyperv/../../evil.reg", b"evil")])
elif case == "absolute":     rebuild(M + [(T + "/evil.reg", b"evil")])
elif case == "symlink":      rebuild(M, extra=[("hyperv/link.reg", tarfile.SYMTYPE, T + "/evil.reg")])
elif case == "hardlink":     rebuild(M, extra=[("hyperv/hard.reg", tarfile.LNKTYPE, "hyperv/vmq.reg")])
elif case == "desc-size":    rebuild(desc(lambda t: t.replace(vmq_line(t),
                                     re.sub(r'size="(\d+)"', 'size="1"', vmq_line(t)))))
elif case == "desc-twice":   rebuild(desc(lambda t: t.replace(vmq_line(t), vmq_line(t) * 2)))
elif case == "desc-invalid": rebuild(desc(lambda t: t.replace("<archive-id>", "<archive-idx>", 1)))
elif case == "unknown-feature": rebuild(desc(lambda t: t.replace("<item>ipconfig</item>",
                                     "<item>ipconfig</item><item>dhcp</item>", 1)))
elif case == "bomb":
    # a pax header declaring 5 TiB, then a few KiB of zeros: refused at the header (default
    # limit 4 TiB per member) before any of it is inflated or staged
    buf = io.BytesIO()
    ti = tarfile.TarInfo("smig/descriptor.xml")
    ti.size = 5 << 40
    buf.write(ti.tobuf(tarfile.PAX_FORMAT))
    buf.write(bytes(1 << 16))
    subprocess.run(["zstd", "-q", "-f", "-o", out], input=buf.getvalue(), check=True)
elif case.startswith("trunc-"):
    where = case[6:]
    arc = T + ("/z.smig" if where.startswith("z") else "/plain.smig")
    size = os.path.getsize(arc)
    pos = {"1": 1, "511": 511, "4096": 4096, "half": size // 2, "zhalf": size // 2,
           "zend": size - 8, "sig": offset(plain, "smig/SHA256.sig") + 40,
           "sums": offset(plain, "smig/SHA256")}[where]
    truncate(arc, pos)
else:
    raise SystemExit("unknown case " + case)
EOF
export T
mk() { python3 "$T/mk.py" "$1" "$T/case.smig"; }

# the rebuilt control is accepted with the signify key: the rebuilding itself is sound
mk control
expect_exit 0 "rebuilt control archive" "$IMPORT" verify -p "$T/s.pub" "$T/case.smig"
check "rebuilt control: OK" grep -q ": OK (" "$T/out"
# a signed archive with a feature this smig has no manifest for: listed, never importable
mk unknown-feature
expect_exit 0 "unknown feature" "$IMPORT" features -p "$T/s.pub" "$T/case.smig" --dest "$T/dst"
check "unknown feature listed" grep -q "^dhcp (dhcp): 0 members" "$T/out"
check "unknown feature explained" grep -q "no manifest for it" "$T/out"
check "unknown feature cannot be taken" \
  grep -q "destination: cannot take it: this version of smig cannot import" "$T/out"

# What each refusal must say (a fragment of the one-line error).
declare -A WANT=(
  [disk-byte]="dc01.vhd': SHA-256 does not match the signed list"
  [descriptor-byte]="'smig/descriptor.xml': SHA-256 does not match the signed list"
  [sums-byte]="the signed list differs from smig/SHA256"
  [sig-byte]="signature verification failed"
  [header-byte]="damaged archive"
  [trunc-1]="damaged archive"
  [trunc-511]="damaged archive"
  [trunc-4096]="Truncated tar archive"
  [trunc-half]="Truncated tar archive"
  [trunc-sums]="while reading 'smig/SHA256': Truncated"
  [trunc-sig]="while reading 'smig/SHA256.sig': Truncated"
  [trunc-zhalf]="Truncated zstd input"
  [trunc-zend]="Truncated zstd input"
  [bomb]="'smig/descriptor.xml': member of 5497558138880 bytes exceeds the limit"
  [removed]="'hyperv/vmq.reg' is in the signed list but not in the archive"
  [removed-listed]="the descriptor lists 'hyperv/vmq.reg', which is not a payload member"
  [added]="'hyperv/extra.reg' is not in the signed list"
  [added-listed]="member 'hyperv/extra.reg' is not in the descriptor"
  [descriptor-moved]="not 'smig/descriptor.xml'"
  [sig-first]="must be the last two members"
  [member-last]="must be the last two members"
  [duplicated]="'hyperv/vmq.reg': duplicate member"
  [case-dup]="'hyperv/VMQ.reg': duplicate member"
  [unsigned]="is not signed"
  [dotdot]="'../evil.reg': member name not allowed"
  [dotdot-inner]="'hyperv/../../evil.reg': member name not allowed"
  [absolute]="/evil.reg': member name not allowed"
  [symlink]="'hyperv/link.reg': symbolic link members are not allowed"
  [hardlink]="'hyperv/hard.reg': hard link members are not allowed"
  [wrong-key]="signature was made with a different key"
  [desc-size]="'hyperv/vmq.reg' holds 532 bytes but the descriptor says 1"
  [desc-twice]="Duplicate key-sequence ['hyperv/vmq.reg']"
  [desc-invalid]="smig/descriptor.xml"
)

# refuse CASE [KEY]: both commands exit 3 with the expected one-line error; no staging
# directory is left and the destination is untouched
refuse() {
  local case=$1 key=${2:-$T/k.pub}
  expect_exit 3 "$case: verify" "$IMPORT" verify -p "$key" "$T/case.smig"
  check "$case: verify: one-line error" one_line_error smig-import
  check "$case: verify: says '${WANT[$case]}'" grep -qF -- "${WANT[$case]}" "$T/err"
  expect_exit 3 "$case: features --dest" "$IMPORT" features -p "$key" "$T/case.smig" \
    --dest "$T/dst"
  check "$case: features: one-line error" one_line_error smig-import
  check "$case: features: says '${WANT[$case]}'" grep -qF -- "${WANT[$case]}" "$T/err"
  check "$case: features: nothing on stdout" test ! -s "$T/out"
  check "$case: staging removed" tmp_empty
  check "$case: destination untouched" dst_untouched
}

for case in disk-byte descriptor-byte sums-byte sig-byte header-byte \
  trunc-1 trunc-511 trunc-4096 trunc-half trunc-sums trunc-sig trunc-zhalf trunc-zend bomb; do
  mk "$case"
  refuse "$case"
done
for case in removed removed-listed added added-listed descriptor-moved sig-first member-last \
  duplicated case-dup unsigned dotdot dotdot-inner absolute symlink hardlink \
  desc-size desc-twice desc-invalid; do
  mk "$case"
  refuse "$case" "$T/s.pub"
done
check "nothing written outside the staging directory" test ! -e "$T/evil.reg"
cp "$T/plain.smig" "$T/case.smig"
refuse wrong-key "$T/other.pub"

# The zstd decoder's window is bounded (2^25, docs/archive.md §2): a stream compressed with a
# larger window (from a pipe, so zstd keeps it whole) is refused before its buffer exists;
# the same archive with the largest window allowed is accepted.
if command -v zstd >/dev/null; then
  zstd -q -d -c "$T/z.smig" | zstd -q --long=26 -c >"$T/case.smig"
  WANT[window-26]="zstd: Frame requires too much memory for decoding"
  refuse window-26
  zstd -q -d -c "$T/z.smig" | zstd -q --long=25 -c >"$T/case.smig"
  expect_exit 0 "window 2^25: accepted" "$IMPORT" verify -p "$T/k.pub" "$T/case.smig"
fi

finish
