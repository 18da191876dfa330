"""The console line checker of `qemu-test.py session` (its check-lines
command; tools/qemu-test.py imports it, tests/system/harness/session_test.py
tests it): whether a console text holds the lines FORMAT % N for N from
FIRST to LAST, each complete and in increasing order, where a line may
repeat right after itself (a write retried after a driver restart) and a
piece of a line (a prefix) may come before its complete copy or before
other text on the same console line (a kernel message); console lines with
other text are ignored.
"""

import re

LINE_FORMAT_RE = re.compile(r"((?:[^%]|%%)*)%(0?\d*)d((?:[^%]|%%)*)")


def line_format(fmt):
    """(render, complete, head) for a check-lines FORMAT: render(n) is line
    n; complete(text) is the number of a text that is a whole line of the
    format (any number), else None; head is the length of the text before
    the number. ValueError for a bad format."""
    m = LINE_FORMAT_RE.fullmatch(fmt)
    if not m:
        raise ValueError(f"format {fmt!r} needs exactly one %d conversion")
    head, tail = m.group(1).replace("%%", "%"), m.group(3).replace("%%", "%")
    whole = re.compile(re.escape(head) + r"(\d+)" + re.escape(tail))

    def complete(text):
        w = whole.fullmatch(text)
        return int(w.group(1)) if w else None

    return (lambda n: fmt % n), complete, len(head)


def common_prefix(a, b):
    n = 0
    while n < len(a) and n < len(b) and a[n] == b[n]:
        n += 1
    return n


def check_lines(text, fmt, first, last, line_base=0):
    """Checks that text holds fmt % n for n = first..last as check-lines
    describes. Returns (None, stats) or (why, stats); stats counts the
    repeats and the fragments (pieces that reach into the number) seen.
    Console lines are numbered from
    line_base + 1 (text's first line) in the messages."""
    render, complete, head = line_format(fmt)
    want, prev = first, None        # the next number due; the last complete one
    prev_at = None                  # console line of prev's first complete copy
    stats = {"repeats": 0, "fragments": 0}
    last_frag = {}                  # number -> (console line, text) of a piece of it

    def missing(why):
        msg = f"line {want} ({render(want)!r}) missing: {why}"
        if want in last_frag:
            at, piece = last_frag[want]
            msg += f"; only a piece of it at console line {at}: {piece!r}"
        return msg

    lines = text.split("\n")
    for at, line in enumerate(lines, line_base + 1):
        pos = 0
        while True:
            rest = line[pos:]
            if want <= last and rest == render(want):
                prev, prev_at, want = want, at, want + 1
                break
            if prev is not None and rest == render(prev):
                stats["repeats"] += 1  # a retried write
                break
            n = complete(rest)
            if n is not None:
                if n < first or n > last:
                    why = f"line {n} is outside {first}..{last}"
                elif want > last or n < want:
                    why = f"line {n} again after line {prev}"
                else:
                    why = "the next whole line is line " + str(n)
                where = f"console line {at}: {rest!r}"
                if n > want and want <= last:
                    return missing(f"{why} ({where})"), stats
                return f"line {n} out of order: {why} ({where})", stats
            k = common_prefix(rest, render(want)) if want <= last else 0
            if prev is not None:
                k = max(k, common_prefix(rest, render(prev)))
            if k == 0:
                break  # other text (a kernel message, the shell)
            if want <= last and rest[:k] == render(want)[:k]:
                last_frag[want] = (at, rest)
            if k > head:
                stats["fragments"] += 1
            pos += k
    if want <= last:
        after = (f"the output ends after line {prev} (console line {prev_at})"
                 if prev is not None else "none of the lines came")
        return missing(after), stats
    return None, stats
