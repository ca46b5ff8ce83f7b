#!/usr/bin/env python3
"""Seeds scripts/fuzz.sh takes out of the project's own files and outputs.

  seeds.py fwrule OUTDIR HOST.json...   one "<value name>\\n<rule>" file per firewall rule
                                        of the host descriptions
  seeds.py secdesc OUTDIR FILE.reg...   the bytes of every REG_BINARY (hex:) value of the
                                        .reg files (security descriptors among them), and
                                        the SDDL strings of the host descriptions given
                                        after --sddl HOST.json...
"""
import json
import os
import re
import sys


def fwrule(out, hosts):
    n = 0
    for host in hosts:
        for hive in json.load(open(host, encoding="utf-8"))["registry"].values():
            for key, values in hive.items():
                if not key.endswith("\\FirewallRules"):
                    continue
                for name, rule in values.items():
                    if isinstance(rule, str):
                        n += 1
                        with open(os.path.join(out, "rule-%d" % n), "w", encoding="utf-8") as f:
                            f.write(name + "\n" + rule)


def sddl_strings(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "sddl" and isinstance(v, str):
                yield v
            else:
                yield from sddl_strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from sddl_strings(v)


def secdesc(out, args):
    regs, hosts = args, []
    if "--sddl" in args:
        i = args.index("--sddl")
        regs, hosts = args[:i], args[i + 1:]
    n = 0
    for reg in regs:
        raw = open(reg, "rb").read()
        text = raw.decode("utf-16") if raw[:2] == b"\xff\xfe" else raw.decode("utf-8-sig")
        text = re.sub(r",\\\r?\n\s*", ",", text)
        for m in re.finditer(r'^"[^"\r\n]*"=hex:([0-9a-fA-F,]+)', text, re.M):
            n += 1
            data = bytes(int(b, 16) for b in m.group(1).split(",") if b)
            open(os.path.join(out, "sd-%d" % n), "wb").write(data)
    for host in hosts:
        for s in sddl_strings(json.load(open(host, encoding="utf-8"))):
            n += 1
            open(os.path.join(out, "sddl-%d" % n), "w", encoding="utf-8").write(s)


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in ("fwrule", "secdesc"):
        sys.exit(__doc__)
    os.makedirs(sys.argv[2], exist_ok=True)
    {"fwrule": fwrule, "secdesc": secdesc}[sys.argv[1]](sys.argv[2], sys.argv[3:])
