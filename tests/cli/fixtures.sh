#!/usr/bin/env bash
# The example hosts checked by peer tools, not by smig's own readers: qemu-img and vhdiinfo
# on every VHD (content, parent links), hivex tools on the generated hives, xmllint on the
# VM configurations; and determinism: one description always builds the same bytes.
. "$(dirname "$0")/lib.bash"

build_example lab-2008r2 "$T/a"
build_example lab-2008r2 "$T/b"
build_example lab-2012 "$T/dst"

# determinism: same files, same bytes, same mtimes, same link texts
check "two builds are byte-identical" diff -r --no-dereference "$T/a" "$T/b"
check "same mtimes" bash -c "cd '$T/a' && find . -type f -printf '%p %T@\n' | sort >'$T/ta'; cd '$T/b' && find . -type f -printf '%p %T@\n' | sort >'$T/tb'; cmp -s '$T/ta' '$T/tb'"

H=$T/a
# expected content of a disk: the description's fill text repeated over each region
make_ref() { # out size offset length text [offset length text]...
  python3 - "$@" <<'PY'
import sys
out, size = sys.argv[1], int(sys.argv[2])
regions = sys.argv[3:]
with open(out, "wb") as f:
    f.truncate(size)
    for i in range(0, len(regions), 3):
        off, ln, text = int(regions[i]), int(regions[i+1]), regions[i+2].encode()
        f.seek(off)
        f.write((text * (ln // len(text) + 1))[:ln])
PY
}
M=$((1024 * 1024))
if command -v qemu-img >/dev/null; then
  make_ref "$T/web01.raw" $((64 * M)) 0 $M "web01 base: boot and system " $((32 * M)) $((2 * M)) "web01 base: data "
  check "qemu-img: dynamic web01.vhd holds its data" qemu-img compare -q -f vpc -F raw "$H/D/VHD/web01.vhd" "$T/web01.raw"
  make_ref "$T/sql01.raw" $((128 * M)) 0 $M "sql01 system disk " $((100 * M)) $M "sql01 tempdb "
  check "qemu-img: fixed sql01-system.vhd holds its data" qemu-img compare -q -f vpc -F raw "$H/D/VHD/sql01-system.vhd" "$T/sql01.raw"
  echo x | dd of="$T/sql01.raw" bs=1 seek=$((100 * M + 7)) conv=notrunc status=none
  expect_exit 1 "qemu-img: a changed byte is seen" qemu-img compare -q -f vpc -F raw "$H/D/VHD/sql01-system.vhd" "$T/sql01.raw"
  check "qemu-img: virtual size of the fixed disk" bash -c "qemu-img info -f vpc --output=json '$H/D/VHD/sql01-system.vhd' | python3 -c 'import json,sys; assert json.load(sys.stdin)[\"virtual-size\"]==128*1024*1024'"
  check "the fixed disk is mostly holes on disk" bash -c "[ \$(du -k '$H/D/VHD/sql01-system.vhd' | cut -f1) -lt 8192 ]"
else
  echo "skip: qemu-img not installed" >&2
fi
if command -v vhdiinfo >/dev/null; then
  for f in "$H"/D/VHD/*.vhd "$H"/D/VHD/*.avhd "$H"/D/Hyper-V/test01/test01.vhd "$H/C/Users/Public/Documents/Hyper-V/Virtual Hard Disks/dc01.vhd"; do
    check "vhdiinfo reads $(basename "$f")" bash -c "vhdiinfo '$f' >/dev/null 2>&1"
  done
  vhdiinfo "$H/D/VHD/web01_4E6C8B21-0003-4D3F-8A21-6B7C8D9E0F03.avhd" >"$T/vi" 2>&1
  check "vhdiinfo: second AVHD is differential" grep -q "Differential" "$T/vi"
  check "vhdiinfo: its parent id is the first AVHD's" grep -qi "Parent identifier.*3d5b7a10-0002-4c2e-9f10-5a6b7c8d9e02" "$T/vi"
  check "vhdiinfo: its parent name" grep -q 'web01_4E6C8B21-0002-4D3F-8A21-6B7C8D9E0F02.avhd' "$T/vi"
  vhdiinfo "$H/D/VHD/web01_4E6C8B21-0002-4D3F-8A21-6B7C8D9E0F02.avhd" >"$T/vi" 2>&1
  check "vhdiinfo: first AVHD's parent is web01.vhd" grep -qi "Parent identifier.*3d5b7a10-0001-4c2e-9f10-5a6b7c8d9e01" "$T/vi"
  vhdiinfo "$H/D/VHD/sql01-system.vhd" >"$T/vi" 2>&1
  check "vhdiinfo: sql01 disk is fixed" grep -q "Fixed" "$T/vi"
else
  echo "skip: vhdiinfo not installed" >&2
fi
if command -v hivexget >/dev/null; then
  SYS=$H/C/Windows/System32/config/SYSTEM
  SW=$H/C/Windows/System32/config/SOFTWARE
  check "hivexget: computer name" bash -c "[ \"\$(hivexget '$SYS' 'ControlSet001\\Control\\ComputerName\\ComputerName' ComputerName)\" = HV-SRC01 ]"
  check "hivexget: switch name" bash -c "[ \"\$(hivexget '$SYS' 'ControlSet001\\Services\\VMSMP\\Parameters\\SwitchList\\A1E0F6C2-3B4D-4E5F-8A9B-0C1D2E3F4A01' FriendlyName)\" = 'External LAN' ]"
  check "hivexget: product name" bash -c "[ \"\$(hivexget '$SW' 'Microsoft\\Windows NT\\CurrentVersion' ProductName)\" = 'Windows Server 2008 R2 Enterprise' ]"
  if command -v hivexregedit >/dev/null; then
    hivexregedit --export "$SW" 'Microsoft\Windows NT\CurrentVersion\Virtualization' >"$T/virt.reg"
    check "hivexregedit: MAC range as 6 binary bytes" grep -qi '"MinimumMacAddress"=hex(3):00,15,5d,0a,00,00' "$T/virt.reg"
    hivexregedit --export "$SYS" 'ControlSet001\Services\VMSMP\Parameters' >"$T/vmsmp.reg"
    check "hivexregedit: VMQ as a DWORD" grep -qi '"TenGigVmqEnabled"=dword:00000001' "$T/vmsmp.reg"
    check "hivexregedit: port VLAN" grep -qi '"AccessVLAN"=dword:00000014' "$T/vmsmp.reg"
  else
    echo "skip: hivexregedit not installed" >&2
  fi
else
  echo "skip: hivex tools not installed" >&2
fi
if command -v xmllint >/dev/null; then
  n=0
  while IFS= read -r -d '' x; do
    head -c 2 "$x" | od -An -tx1 | grep -q "ff fe" || { bad "$x has no UTF-16LE BOM"; continue; }
    check "xmllint parses $(basename "$x")" xmllint --noout "$x"
    n=$((n + 1))
  done < <(find "$H" -type f -name '*.xml' -size +0 -path '*Virtual Machines*' -print0 -o -type f -name '*.xml' -path '*Snapshots*' -print0)
  check "six configurations checked" test "$n" -eq 6
fi
finish
