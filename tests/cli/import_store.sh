#!/usr/bin/env bash
# A customised destination authorization store is kept (issue 9 item 12), and never silently:
# the manual step SMIG3014 lists how the source's differs from it, the source's store is put
# beside the reports for the administrator, and --force uses the source's instead.
source "$(dirname "$0")/lib.bash"

build_example lab-2008r2 "$T/src"
build_example lab-2012 "$T/dest"
"$EXPORT" keygen -p "$T/k.pub" -s "$T/k.sec" >/dev/null 2>&1
"$EXPORT" export --source "$T/src" -s "$T/k.sec" -o "$T/a.smig" --progress never 2>/dev/null
store=$T/dest/C/ProgramData/Microsoft/Windows/Hyper-V/InitialStore.xml
check "the destination has a store" test -f "$store"
# the destination's admins added a member to the Administrator role: customised
sed -i 's#<Member>S-1-5-32-544</Member>#<Member>S-1-5-32-544</Member><Member>S-1-5-21-1-2-3-500</Member>#' "$store"
cp -a "$T/dest" "$T/dest-force"
before=$(sha256sum <"$store")

expect_exit 0 "apply keeps the customised store" "$IMPORT" apply -p "$T/k.pub" "$T/a.smig" --dest "$T/dest" --discard-saved-state
R=$(ls -d "$T"/dest/C/smig-reports/*)
check "the destination's store is untouched" test "$(sha256sum <"$store")" = "$before"
check "no store is staged for migrate.ps1" test ! -e "$R/InitialStore.xml"
check "the source's store is beside the reports" cmp -s "$R/InitialStore.source.xml" "$T/src/C/ProgramData/Microsoft/Windows/Hyper-V/InitialStore.xml"
tr -s ' \n' ' ' <"$R/manual-steps.txt" >"$T/steps"
check "SMIG3014 says the store was kept and how many differences" \
  grep -q "SMIG3014 azman the destination's authorization store 'C:.ProgramData.Microsoft.Windows.Hyper-V.InitialStore.xml' is customised and was kept; the source's differs from it in [0-9]* ways" "$T/steps"
check "... naming the source's role the destination lacks" grep -q "VM Operators" "$T/steps"
check "... and the scope" grep -q "Lab VMs" "$T/steps"
check "... and the member only the destination has" grep -q "S-1-5-21-1-2-3-500" "$T/steps"
check "... and what to do (--force)" grep -q "apply again with --force" "$T/steps"
check "the JSON manual steps carry it too" python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); s=json.dumps(d); assert "SMIG3014" in s' "$R/manual-steps.json"
expect_exit 0 "rollback" "$IMPORT" rollback --dest "$T/dest"
check "rollback takes the source's copy away too" test ! -e "$R"

expect_exit 0 "apply --force replaces it" "$IMPORT" apply -p "$T/k.pub" "$T/a.smig" --dest "$T/dest-force" --discard-saved-state --force
R=$(ls -d "$T"/dest-force/C/smig-reports/*)
check "with --force the source's store is staged for migrate.ps1" test -f "$R/InitialStore.xml"
check "with --force there is no SMIG3014" bash -c '! grep -q SMIG3014 "$1"' _ "$R/manual-steps.txt"
finish
