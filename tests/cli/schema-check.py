#!/usr/bin/env python3
"""Validate smig's JSON outputs against the schemas in schemas/ (python3-jsonschema).

usage: schema-check.py [--lines] SCHEMA FILE...

Every FILE must be valid against SCHEMA (draft 2020-12); with --lines every non-empty line
of every FILE is one document (JSON lines: the export log, --progress json). The schema
itself is checked first. Exit 0 when all are valid, 1 with the first errors otherwise.
"""
import json
import sys

from jsonschema import Draft202012Validator


def main(argv):
    lines = False
    if argv and argv[0] == "--lines":
        lines = True
        argv = argv[1:]
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    with open(argv[0], encoding="utf-8") as f:
        schema = json.load(f)
    Draft202012Validator.check_schema(schema)
    v = Draft202012Validator(schema)
    bad = 0
    for path in argv[1:]:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        if lines:
            docs = [(f"{path}:{n}", l) for n, l in enumerate(text.split("\n"), 1) if l.strip()]
            if not docs:
                print(f"{path}: no JSON lines", file=sys.stderr)
                bad += 1
        else:
            docs = [(path, text)]
        for where, doc in docs:
            try:
                inst = json.loads(doc)
            except ValueError as e:
                print(f"{where}: not JSON: {e}", file=sys.stderr)
                bad += 1
                continue
            for err in sorted(v.iter_errors(inst), key=lambda e: list(e.absolute_path))[:5]:
                loc = "/".join(str(p) for p in err.absolute_path)
                print(f"{where}: /{loc}: {err.message}", file=sys.stderr)
                bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
