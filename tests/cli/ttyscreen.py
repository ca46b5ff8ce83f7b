#!/usr/bin/env python3
"""Check the progress line in a typescript written by script(1) on a COLS-column terminal.

usage: ttyscreen.py COLS TYPESCRIPT [NEEDLE]

The program's output (between script's "Script started" and "Script done" lines) must be
valid UTF-8 and draw its progress as one line redrawn in place: every redraw is '\\r', the
text, and ESC [K (clear to the end of the line); each fits in COLS display columns (East
Asian wide characters take two, combining marks none), so the terminal never wraps it; all
the redraws are on one line, there are at least two, and the last one ends with a newline.
A small terminal emulator replays the output: the row the progress was drawn on must end up
holding exactly the last redraw, nothing left of a longer earlier one. With NEEDLE, some
redraw must end with "..." and the end of NEEDLE (a long name cut at its start).
Prints the widest redraw; exit 0 when all holds, 1 with the reasons otherwise.
"""
import sys
import unicodedata


def width(s):
    w = 0
    for ch in s:
        if unicodedata.combining(ch):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return w


def main(argv):
    if len(argv) not in (2, 3):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    cols = int(argv[0])
    needle = argv[2] if len(argv) == 3 else None
    data = open(argv[1], "rb").read()
    errors = []
    # script's own header and footer lines are not the program's
    start = data.index(b"\n") + 1 if data.startswith(b"Script started") else 0
    end = data.rfind(b"\nScript done on")
    body = data[start:end if end >= 0 else len(data)]
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as e:
        print(f"not UTF-8: {e}", file=sys.stderr)
        return 1
    text = text.replace("\r\n", "\n")  # the terminal's onlcr
    redraws, rows_with_redraws = [], 0
    for line in text.split("\n"):
        if "\r" not in line:
            continue
        rows_with_redraws += 1
        head, *segs = line.split("\r")
        if head:
            errors.append(f"text before the first redraw: {head!r}")
        for seg in segs:
            if not seg.endswith("\x1b[K"):
                errors.append(f"a redraw does not clear to the end of the line: {seg!r}")
            seg = seg[:-3] if seg.endswith("\x1b[K") else seg
            if "\x1b" in seg:
                errors.append(f"an escape sequence inside a redraw: {seg!r}")
            redraws.append(seg)
    if rows_with_redraws != 1:
        errors.append(f"the redraws are on {rows_with_redraws} lines, not one")
    if len(redraws) < 2:
        errors.append(f"{len(redraws)} redraw(s): the run was too short to test anything")
    for seg in redraws:
        if width(seg) > cols:
            errors.append(f"{width(seg)} columns > {cols}: {seg!r}")
    if needle is not None:
        tail = needle[-8:]
        if not any("..." in seg and seg.rstrip().endswith(tail) for seg in redraws):
            errors.append(f"no redraw shows the end of {needle!r} after '...'")
    # replay on a COLS-wide screen: \r, \n, ESC [K; a character that does not fit wraps
    screen, row, col, progress_row = [[]], 0, 0, None
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\n":
            row += 1
            col = 0
            if row == len(screen):
                screen.append([])
        elif ch == "\r":
            col = 0
            progress_row = row
        elif text.startswith("\x1b[K", i):
            del screen[row][col:]
            i += 3
            continue
        else:
            w = 0 if unicodedata.combining(ch) else width(ch)
            if col + w > cols:
                errors.append(f"the terminal wraps at {text[max(0, i - 20):i + 1]!r}")
                row += 1
                col = 0
                if row == len(screen):
                    screen.append([])
            cells = screen[row]
            while len(cells) < col:
                cells.append(" ")
            if w == 0 and cells:
                cells[-1] += ch
            else:
                cells[col:col + 1] = [ch]
                if w == 2:
                    cells[col + 1:col + 2] = [""]
            col += w
        i += 1
    if progress_row is not None and redraws:
        shown = "".join(screen[progress_row]).rstrip()
        if shown != redraws[-1].rstrip():
            errors.append(f"stale text on the progress line: {shown!r}, last drawn {redraws[-1]!r}")
    if redraws and not text.split("\r")[-1].split("\x1b[K", 1)[-1].startswith("\n"):
        errors.append("the last redraw does not end with a newline")
    for e in errors[:10]:
        print(e, file=sys.stderr)
    print(f"{len(redraws)} redraws, widest {max((width(s) for s in redraws), default=0)} columns")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
