#!/bin/bash
# tests/cli/manpages.sh - the manual pages (man/): they render without a warning (groff -ww,
# and man --warnings when man-db is installed), every command a program's --help lists has
# its own section (.SS) in the program's page, and every option a command's --help prints
# appears in that command's section (or in the page's shared option sections), and in
# docs/reference.md.
source "$(dirname "$0")/lib.bash"
command -v groff >/dev/null || { echo "skip: groff is not installed"; exit 77; }
M=$SMIG_SOURCE_DIR/man
cd "$T"

for page in "$M"/smig-export.1 "$M"/smig-import.1 "$M"/smig-archive.5; do
	name=${page##*/}
	if groff -ww -z -man "$page" >render.err 2>&1 && [ ! -s render.err ]; then
		ok
	else
		bad "$name: groff -ww: $(head -c 400 render.err)"
	fi
	if command -v man >/dev/null; then
		if MANWIDTH=80 man --warnings -l "$page" >render.out 2>render.err &&
			[ ! -s render.err ] && grep -q . render.out; then
			ok
		else
			bad "$name: man --warnings: $(head -c 400 render.err)"
		fi
	fi
done

# check.py PAGE CMD=HELPFILE...: every option HELPFILE prints is in PAGE's section for CMD;
# prints "ok CMD" or "bad CMD: what is missing" per command (one python3 start: they are slow)
cat >check.py <<'PY'
import re, sys
page, pairs = sys.argv[1], sys.argv[2:]
src = open(page, encoding="utf-8").read()
# roff source to plain words: fonts off, \- to -, escapes dropped
text = re.sub(r"\\f[BIRP]|\\f\(\w\w|\\&|\\\(\w\w", "", src).replace("\\-", "-")
sections, cur = {}, None
for line in text.splitlines():
    m = re.match(r'\.(SH|SS)\s+"?([^"]*)"?\s*$', line)
    if m:
        cur = m.group(2).strip()
        sections[cur] = []
    elif cur is not None:
        sections[cur].append(line)
shared = "\n".join("\n".join(body) for name, body in sections.items()
                   if name.startswith(("Host options", "Destination options", "Decryption options",
                                       "Options of every command")))
for pair in pairs:
    cmd, helpfile = pair.split("=", 1)
    if cmd not in sections:
        print(f"bad {cmd}: no section '.SS {cmd}'")
        continue
    scope = "\n".join(sections[cmd]) + "\n" + shared
    helptext = open(helpfile, encoding="utf-8").read()
    # options only: quoted examples ('signify -G -n', '-' = stdin) are not this command's
    helptext = re.sub(r"'[^'\n]*'", " ", helptext)
    opts = set(re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*)", helptext))
    opts |= set(re.findall(r"(?<![\w-])(-[a-zA-Z])(?=[\s,\]|])", helptext))
    opts -= {"-h", "--help"}  # every command takes them: the DESCRIPTION says so once
    missing = [o for o in sorted(opts)
               if not re.search(r"(?<![\w-])" + re.escape(o) + r"(?![\w-])", scope)]
    print(f"bad {cmd}: not in its section: {' '.join(missing)}" if missing else f"ok {cmd}")
PY
# tally: count check.py's verdicts, the number of lines expected being $1
tally() {
	local want=$1 n=0 line
	while IFS= read -r line; do
		n=$((n + 1))
		case $line in ok\ *) ok ;; *) bad "$page_name: $line" ;; esac
	done <verdicts.txt
	[ "$n" -eq "$want" ] || bad "$page_name: $n verdicts for $want commands"
}
# cover PROGRAM PAGE: compare --help of each of PROGRAM's commands with PAGE
cover() {
	local prog=$1 page=$2 cmds c args=()
	page_name=${page##*/}
	"$prog" --help >top.txt
	cmds=$(sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p' top.txt)
	[ -n "$cmds" ] || { bad "${prog##*/} --help lists no command"; return; }
	for c in $cmds; do
		"$prog" "$c" --help >"help-$c.txt"
		args+=("$c=help-$c.txt")
	done
	python3 check.py "$page" "${args[@]}" >verdicts.txt
	tally ${#args[@]}
}
cover "$EXPORT" "$M/smig-export.1"
cover "$IMPORT" "$M/smig-import.1"
# the shared sections' words: -h/--help appear once
check "--help in smig-export(1)" grep -q 'B \\-\\-help' "$M/smig-export.1"
check "--help in smig-import(1)" grep -q 'B \\-\\-help' "$M/smig-import.1"

# docs/reference.md, the reference in the docs, names every long option of every command too
for f in help-*.txt; do
	for o in $(sed "s/'[^']*'/ /g" "$f" | grep -oE '(^|[^[:alnum:]-])--[a-z][a-z0-9-]*' | grep -oE -- '--[a-z0-9-]+' | sort -u); do
		[ "$o" = --help ] && continue
		check "docs/reference.md names $o (${f#help-})" grep -q -- "\`$o" "$SMIG_SOURCE_DIR/docs/reference.md"
	done
done

# the checker finds what is missing: options the page does not have, a command it lacks
printf 'usage: x\n  --no-such-option  x\n  -Z  x\n' >fake.txt
python3 check.py "$M/smig-import.1" verify=fake.txt no-such-command=fake.txt >verdicts.txt
check "the checker names the missing options" grep -qx 'bad verify: not in its section: --no-such-option -Z' verdicts.txt
check "the checker names a missing section" grep -q "^bad no-such-command: no section" verdicts.txt
finish
