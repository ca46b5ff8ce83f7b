#!/usr/bin/env bash
# Encrypted archives (export.md §8) with the age binary as the oracle, both ways:
# smig-export --encrypt-to / --passphrase-file / --ask-passphrase -> age -d -> bsdtar +
# signify -C and smig-import; age -r / age -p -> smig-import verify, features, preflight and
# apply (--what-if and for real, then rollback). age reads passphrases from the terminal only
# (age 1.1 has no environment variable for it), so a small pty driver (python3's pty module)
# types them. Then the refusals: no identity (exit 2), a wrong identity or passphrase, a
# truncated or modified file, a work factor above the bound (exit 3); key files others can
# read, a passphrase mixed with recipients, a bad recipient, no terminal to ask on (exit 2).
# Every refusal is one line and leaves no staging behind.
. "$(dirname "$0")/lib.bash"

for tool in age age-keygen python3 bsdtar signify-openbsd setsid; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed: skipping"; exit 77; }
done

build_example lab-2008r2 "$T/src"
build_example lab-2012 "$T/dst0"
export TMPDIR=$T/tmp
mkdir "$TMPDIR"
tmp_empty() { [ -z "$(ls -A "$TMPDIR")" ]; }
tree_hash() { (cd "$1" && find . -type f -exec sha256sum {} + | LC_ALL=C sort) | sha256sum; }

# run a program on a new pty, answering each "passphrase...:" prompt with the next line of
# $PTY_ANSWERS; what the terminal shows goes to standard output; exits with the program's
# status
cat >"$T/ttydrive.py" <<'EOF'
import os, pty, sys
answers = os.environ.get("PTY_ANSWERS", "").split("\n")
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
seen, pos = b"", 0
while True:
    try:
        data = os.read(fd, 4096)
    except OSError:
        break
    if not data:
        break
    seen += data
    sys.stdout.buffer.write(data)
    sys.stdout.flush()
    low = seen.lower()
    i = low.find(b"passphrase", pos)
    j = low.find(b":", i) if i >= 0 else -1
    if j >= 0 and answers:
        os.write(fd, answers.pop(0).encode() + b"\r")
        pos = j + 1
_, st = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(st))
EOF
pty() { python3 "$T/ttydrive.py" "$@"; }

"$EXPORT" keygen -p "$T/k.pub" -s "$T/k.sec" >/dev/null
age-keygen -o "$T/id.txt" 2>/dev/null
age-keygen -o "$T/id2.txt" 2>/dev/null
age-keygen -o "$T/other.txt" 2>/dev/null
PUB=$(age-keygen -y "$T/id.txt")
PUB2=$(age-keygen -y "$T/id2.txt")
printf '# migration team\n\n%s\n%s\n' "$PUB" "$PUB2" >"$T/recipients"
printf 'correct horse battery staple\n' >"$T/pw"
chmod 600 "$T/pw"
ex() { "$EXPORT" export --source "$T/src" -s "$T/k.sec" --progress never "$@"; }

# ---- smig encrypts, age decrypts ----
expect_exit 0 "export --encrypt-to KEY" ex -o "$T/x.smig.age" --encrypt-to "$PUB"
check "it is age" test "$(head -1 "$T/x.smig.age")" = "age-encryption.org/v1"
check "one X25519 stanza" test "$(grep -ac '^-> X25519 ' "$T/x.smig.age")" = 1
check "archive mode 0600" test "$(stat -c %a "$T/x.smig.age")" = 600
check "age -d opens it" age -d -i "$T/id.txt" -o "$T/x.smig" "$T/x.smig.age"
mkdir "$T/xx"
check "bsdtar reads what age decrypted" bsdtar -xf "$T/x.smig" -C "$T/xx"
check "signify -C accepts it" sh -c 'cd "$1" && signify-openbsd -C -p "$2" -x smig/SHA256.sig >/dev/null' \
  sh "$T/xx" "$T/k.pub"
expect_exit 0 "verify what age decrypted" "$IMPORT" verify -p "$T/k.pub" "$T/x.smig"
ID=$(sed -n 's/.*archive id \(.*\))$/\1/p' "$T/out")
expect_exit 0 "verify --identity" "$IMPORT" verify -p "$T/k.pub" --identity "$T/id.txt" "$T/x.smig.age"
check "same archive id" grep -q "OK (24 members, archive id $ID)" "$T/out"
expect_exit 0 "verify --identity from standard input" sh -c \
  '"$1" verify -p "$2" --identity "$3" - <"$4"' sh "$IMPORT" "$T/k.pub" "$T/id.txt" "$T/x.smig.age"
check "stdin: OK" grep -q "^standard input: OK (24 members, archive id $ID)" "$T/out"

# On a CPU with AVX-512, a command that decrypts starts itself again once with OpenSSL's
# AVX512F code masked out (smig-import/main.c says why); a mask the user set is kept and
# nothing restarts; a command that does not decrypt never restarts. strace is the oracle.
if command -v strace >/dev/null; then
  starts() { # CMD...: how many times the program was started
    # LeakSanitizer cannot run under ptrace: no leak check in a sanitizer build here
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
      strace -f -qq -v -s 200 -e trace=execve -o "$T/strace" "$@" >/dev/null 2>&1 || return 1
    grep -c '^[0-9]* *execve(' "$T/strace"
  }
  want=1
  grep -qw avx512f /proc/cpuinfo && want=2
  check "verify --identity: started $want time(s)" test "$(starts "$IMPORT" verify \
    -p "$T/k.pub" --identity "$T/id.txt" "$T/x.smig.age")" = "$want"
  if [ "$want" = 2 ]; then
    check "the second start masks AVX512F only" \
      grep -q 'OPENSSL_ia32cap=:~0x10000' "$T/strace"
  fi
  check "verify --ident (a prefix getopt takes): started $want time(s)" test "$(starts \
    "$IMPORT" verify -p "$T/k.pub" --ident "$T/id.txt" "$T/x.smig.age")" = "$want"
  check "OPENSSL_ia32cap set by the user: started once, the mask kept" test "$(starts \
    env OPENSSL_ia32cap=':~0x0' "$IMPORT" verify -p "$T/k.pub" --identity "$T/id.txt" \
    "$T/x.smig.age")" = 2 # env, then smig-import
  check "... and not replaced" sh -c '! grep -q "0x10000" "$1"' sh "$T/strace"
  check "verify of a plain archive: started once" test "$(starts "$IMPORT" verify \
    -p "$T/k.pub" "$T/x.smig")" = 1
else
  echo "strace is not installed: the restart without AVX-512 is not checked"
fi

expect_exit 0 "export --encrypt-to FILE" ex -o "$T/r.smig.age" --encrypt-to "$T/recipients" \
  --compress gzip
check "two X25519 stanzas" test "$(grep -ac '^-> X25519 ' "$T/r.smig.age")" = 2
for id in id id2; do
  check "age -d -i $id" sh -c 'age -d -i "$1" "$2" | bsdtar -tf - >/dev/null' sh "$T/$id.txt" "$T/r.smig.age"
  expect_exit 0 "verify --identity $id" "$IMPORT" verify -p "$T/k.pub" --identity "$T/$id.txt" \
    "$T/r.smig.age"
done
expect_exit 0 "two --identity, the second matches" "$IMPORT" verify -p "$T/k.pub" \
  --identity "$T/other.txt" --identity "$T/id2.txt" "$T/r.smig.age"

expect_exit 0 "export --passphrase-file" ex -o "$T/p.smig.age" --passphrase-file "$T/pw"
check "one scrypt stanza" grep -aq '^-> scrypt [A-Za-z0-9+/]\{22\} 18$' "$T/p.smig.age"
check "age -d with the passphrase (pty)" env PTY_ANSWERS='correct horse battery staple' \
  python3 "$T/ttydrive.py" age -d -o "$T/p.smig" "$T/p.smig.age"
expect_exit 0 "verify what age decrypted (scrypt)" "$IMPORT" verify -p "$T/k.pub" "$T/p.smig"
expect_exit 0 "verify --passphrase-file" "$IMPORT" verify -p "$T/k.pub" --passphrase-file "$T/pw" \
  "$T/p.smig.age"

# --ask-passphrase: twice on the terminal, then age opens it with the same passphrase
expect_exit 0 "export --ask-passphrase (pty)" env PTY_ANSWERS=$'tty pass\ntty pass' \
  python3 "$T/ttydrive.py" "$EXPORT" export --source "$T/src" -s "$T/k.sec" --progress never \
  -o "$T/t.smig.age" --ask-passphrase
check "the passphrase was not echoed" bash -c "! grep -q 'tty pass' '$T/out'"
check "age -d with the asked passphrase" env PTY_ANSWERS='tty pass' \
  python3 "$T/ttydrive.py" age -d -o "$T/t.smig" "$T/t.smig.age"
check "and it is the archive" sh -c 'bsdtar -tf "$1" | grep -qx smig/SHA256.sig' sh "$T/t.smig"
expect_exit 2 "--ask-passphrase: the two differ" env PTY_ANSWERS=$'one\ntwo' \
  python3 "$T/ttydrive.py" "$EXPORT" export --source "$T/src" -s "$T/k.sec" --progress never \
  -o "$T/t2.smig.age" --ask-passphrase
check "...says so" grep -q "the two passphrases differ" "$T/out"
check "...and writes nothing" test ! -e "$T/t2.smig.age"
expect_exit 2 "--ask-passphrase without a terminal" setsid -w "$EXPORT" export --source "$T/src" \
  -s "$T/k.sec" --progress never -o "$T/t3.smig.age" --ask-passphrase
check "...says to use --passphrase-file" grep -q "needs a terminal; use --passphrase-file" "$T/err"
check "...writes nothing" test ! -e "$T/t3.smig.age"

# ---- age encrypts, smig decrypts ----
ex -o "$T/plain.smig" 2>/dev/null
age -r "$PUB" -o "$T/a.smig.age" "$T/plain.smig"
expect_exit 0 "verify an age -r archive" "$IMPORT" verify -p "$T/k.pub" --identity "$T/id.txt" \
  "$T/a.smig.age"
expect_exit 0 "features of an age -r archive" "$IMPORT" features -p "$T/k.pub" \
  --identity "$T/id.txt" "$T/a.smig.age" --dest "$T/dst0"
check "features lists hyperv" grep -q "^Hyper-V (hyperv): " "$T/out"
env PTY_ANSWERS=$'correct horse battery staple\ncorrect horse battery staple' \
  python3 "$T/ttydrive.py" age -p -o "$T/ap.smig.age" "$T/plain.smig" >/dev/null
check "age -p wrote scrypt" grep -aq '^-> scrypt ' "$T/ap.smig.age"
expect_exit 0 "verify an age -p archive" "$IMPORT" verify -p "$T/k.pub" --passphrase-file "$T/pw" \
  "$T/ap.smig.age"

# preflight and apply read it like the plain archive
expect_exit 4 "preflight plain (saved-state blockers)" "$IMPORT" preflight -p "$T/k.pub" \
  "$T/plain.smig" --dest "$T/dst0"
grep -v '^  archive  ' "$T/out" >"$T/pf.plain"
expect_exit 4 "preflight encrypted: the same" "$IMPORT" preflight -p "$T/k.pub" \
  --identity "$T/id.txt" "$T/a.smig.age" --dest "$T/dst0"
grep -v '^  archive  ' "$T/out" >"$T/pf.age"
check "preflight reports are the same" cmp -s "$T/pf.plain" "$T/pf.age"
cp -a "$T/dst0" "$T/dst"
BEFORE=$(tree_hash "$T/dst")
expect_exit 0 "apply --identity" "$IMPORT" apply -p "$T/k.pub" --identity "$T/id.txt" \
  "$T/a.smig.age" --dest "$T/dst" --discard-saved-state
check "apply placed files" test "$(tree_hash "$T/dst")" != "$BEFORE"
expect_exit 0 "rollback" "$IMPORT" rollback --dest "$T/dst"
check "rollback restored the destination" test "$(tree_hash "$T/dst")" = "$BEFORE"
check "rollback takes no --identity" bash -c "! '$IMPORT' rollback --dest '$T/dst' --identity '$T/id.txt' 2>/dev/null"

# ---- refusals: one line, nothing staged ----
refused() { # CODE WHAT NEEDLE args...
  local code=$1 what=$2 needle=$3
  shift 3
  expect_exit "$code" "$what" "$IMPORT" verify -p "$T/k.pub" "$@"
  check "$what: one line" one_line_error smig-import
  check "$what: says '$needle'" grep -qF -- "$needle" "$T/err"
  check "$what: nothing staged" tmp_empty
}
refused 2 "no identity" "archive is encrypted (age): give --identity or --passphrase-file" \
  "$T/x.smig.age"
refused 3 "wrong identity" "no identity given matches" --identity "$T/other.txt" "$T/x.smig.age"
printf 'nope\n' >"$T/wrongpw"; chmod 600 "$T/wrongpw"
refused 3 "wrong passphrase" "wrong passphrase" --passphrase-file "$T/wrongpw" "$T/p.smig.age"
refused 3 "identity for a passphrase archive" "give --passphrase-file" --identity "$T/id.txt" \
  "$T/p.smig.age"
refused 3 "passphrase for an X25519 archive" "give --identity" --passphrase-file "$T/pw" \
  "$T/x.smig.age"
refused 3 "work factor above --max-scrypt-work" "2^18 is above the limit 2^17" \
  --passphrase-file "$T/pw" --max-scrypt-work 17 "$T/p.smig.age"
expect_exit 0 "work factor within --max-scrypt-work" "$IMPORT" verify -p "$T/k.pub" \
  --passphrase-file "$T/pw" --max-scrypt-work 18 "$T/p.smig.age"
expect_exit 2 "--max-scrypt-work out of range" "$IMPORT" verify -p "$T/k.pub" \
  --passphrase-file "$T/pw" --max-scrypt-work 31 "$T/p.smig.age"
SIZE=$(stat -c %s "$T/x.smig.age")
head -c $((SIZE - 1)) "$T/x.smig.age" >"$T/trunc.age"
refused 3 "truncated by a byte" "damaged or truncated" --identity "$T/id.txt" "$T/trunc.age"
head -c $((SIZE / 2)) "$T/x.smig.age" >"$T/half.age"
refused 3 "truncated by half" "damaged or truncated" --identity "$T/id.txt" "$T/half.age"
cp "$T/x.smig.age" "$T/mod.age"
printf 'X' | dd of="$T/mod.age" bs=1 seek=$((SIZE - 100)) conv=notrunc status=none
refused 3 "a modified byte" "does not authenticate" --identity "$T/id.txt" "$T/mod.age"
{ cat "$T/x.smig.age"; printf 'trailing'; } >"$T/tail.age"
refused 3 "data after the final chunk" "damaged or truncated" --identity "$T/id.txt" "$T/tail.age"
LC_ALL=C sed '2s/^-> X25519 /-> X25519x /' "$T/x.smig.age" >"$T/unknown.age"
refused 3 "only an unknown stanza" "no identity given matches" --identity "$T/id.txt" "$T/unknown.age"
cp "$T/id.txt" "$T/id-open.txt"
chmod 644 "$T/id-open.txt"
refused 2 "identity readable by others" "'$T/id-open.txt' has mode 0644" \
  --identity "$T/id-open.txt" "$T/x.smig.age"
expect_exit 2 "identity and passphrase together" "$IMPORT" verify -p "$T/k.pub" \
  --identity "$T/id.txt" --passphrase-file "$T/pw" "$T/x.smig.age"

# apply: a wrong identity leaves the destination as it was
cp -a "$T/dst0" "$T/dst2"
BEFORE=$(tree_hash "$T/dst2")
expect_exit 3 "apply with a wrong identity" "$IMPORT" apply -p "$T/k.pub" --identity "$T/other.txt" \
  "$T/a.smig.age" --dest "$T/dst2" --discard-saved-state
check "apply wrong identity: one line" one_line_error smig-import
check "apply wrong identity: destination unchanged" test "$(tree_hash "$T/dst2")" = "$BEFORE"
check "apply wrong identity: no journal left" test ! -e "$T/dst2/smig-journal/staging"

# export refusals: nothing written
expect_exit 2 "passphrase with recipients" ex -o "$T/m.smig.age" --encrypt-to "$PUB" \
  --passphrase-file "$T/pw"
check "...names the rule" grep -q "cannot mix a passphrase" "$T/err"
check "...writes nothing" test ! -e "$T/m.smig.age"
expect_exit 2 "--ask-passphrase with recipients" ex -o "$T/m.smig.age" --encrypt-to "$PUB" \
  --ask-passphrase
chmod 644 "$T/pw"
expect_exit 2 "passphrase file readable by others" ex -o "$T/m.smig.age" --passphrase-file "$T/pw"
check "...names the file and its mode" grep -qF "'$T/pw' has mode 0644" "$T/err"
chmod 600 "$T/pw"
# its last character changed (bech32's checksum catches any one): to q, or p when it is q
bad=q
[ "${PUB: -1}" != q ] || bad=p
expect_exit 2 "a bad recipient" ex -o "$T/m.smig.age" --encrypt-to "${PUB%?}$bad"
check "...says checksum" grep -q "checksum" "$T/err"
printf '%s\nssh-ed25519 AAAA\n' "$PUB" >"$T/badrcpt"
expect_exit 2 "a bad line in a recipients file" ex -o "$T/m.smig.age" --encrypt-to "$T/badrcpt"
check "...names the line" grep -q "'$T/badrcpt' line 2: " "$T/err"
expect_exit 1 "a missing recipients file" ex -o "$T/m.smig.age" --encrypt-to "$T/nope"
check "no file written by any refusal" test ! -e "$T/m.smig.age"
check "no partial file left" bash -c "! ls '$T'/*.partial-* 2>/dev/null | grep -q ."
expect_exit 0 "export --help documents --encrypt-to" "$EXPORT" export --help
check "...and --passphrase-file" grep -q -- "--passphrase-file FILE" "$T/out"
for cmd in verify features preflight apply; do
  expect_exit 0 "$cmd --help" "$IMPORT" $cmd --help
  check "$cmd --help documents --identity" grep -q -- "--identity FILE" "$T/out"
done
finish
