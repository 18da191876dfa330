#!/usr/bin/env python3
"""Stands in for qemu-system-x86_64 (NTO_QEMU=this) in the host tests of
`qemu-test.py session` (session_test.py): prints a boot banner, then acts as
a tiny shell on a terminal. It echoes what is typed (Enter is \\r, echoed as
\\r\\n), prompts with "nto:/# " (written in two pieces, 50 ms apart), and
models a 16-byte UART FIFO: 16 bytes in a row less than 3 ms apart print
"devc-ser8250: overrun". ^C prints "^C" and a new prompt, interrupting
`sleep`. Commands:
  echo WORDS  print WORDS         sleep S   wait S seconds or until ^C
  panic       PANIC line, exit 33 reset     print the boot banner again
  exit        power off (status 0) die       exit 1 without a word
  hint        "hi", 0.2 s, "nt"   esc       "bold" in an escape sequence
                                            split across two writes
  lines KIND  "row 001 ok" to "row 020 ok" as a console hit by driver
              restarts would show them: a repeat, a fragment before its
              line, a fragment cut by a kernel message; KIND good, or
              gap (row 007 missing) or cut (row 012 only as a fragment)
anything else: "sh: NAME: not found". Arguments are ignored, but lines'.
"""
import os
import select
import sys
import time

out = sys.stdout


def put(text, flush=True):
    out.write(text)
    if flush:
        out.flush()


def prompt():
    put("nto:/")
    time.sleep(0.05)
    put("# ")


class Keys:
    """Bytes from stdin, with the UART overrun model."""

    def __init__(self):
        self.last = 0.0
        self.fast = 0

    def get(self, timeout=None):
        r, _, _ = select.select([0], [], [], timeout)
        if not r:
            return None
        b = os.read(0, 1)
        if not b:
            sys.exit(0)
        now = time.monotonic()
        self.fast = self.fast + 1 if now - self.last < 0.003 else 0
        self.last = now
        if self.fast == 16:
            put("\r\ndevc-ser8250: overrun\r\n")
        return b.decode("latin-1")


def run(line, keys):
    words = line.split()
    if not words:
        return
    cmd = words[0]
    if cmd == "echo":
        put(" ".join(words[1:]) + "\r\n")
    elif cmd == "sleep":
        end = time.monotonic() + float(words[1])
        while time.monotonic() < end:
            if keys.get(end - time.monotonic()) == "\x03":
                put("^C\r\n")
                return
    elif cmd == "panic":
        put("PANIC: fake panic at 0xffffffff80001234\r\n")
        sys.exit(33)
    elif cmd == "reset":
        put("\r\nneutrino: x86_64 microkernel booting\r\n")
    elif cmd == "exit":
        put("neutrino: powering off\r\n")
        sys.exit(0)
    elif cmd == "die":
        sys.exit(1)
    elif cmd == "hint":
        put("hi")
        time.sleep(0.2)
        put("nt\r\n")
    elif cmd == "lines":
        kind = words[1] if len(words) > 1 else "good"
        for n in range(1, 21):
            row = f"row {n:03d} ok"
            if kind == "gap" and n == 7:
                continue
            if kind == "cut" and n == 12:
                put(row[:6] + "neutrino: pid 9 (devc-ser8250) killed by SIGSEGV\r\n")
                continue
            if n == 4:
                put(row + "\r\n")  # written, then sent again
            if n == 9:
                put(row[:5])  # a fragment, then the whole line
            if n == 15:
                put(row[:7] + "neutrino: pid 9 (devc-ser8250) killed by SIGKILL\r\n")
            put(row + "\r\n")
    elif cmd == "esc":
        put("\x1b[1")
        time.sleep(0.2)
        put("mbold\x1b[0m\r\n")
    else:
        put(f"sh: {cmd}: not found\r\n")


def main():
    put("\nneutrino: x86_64 microkernel booting\nprocnto: starting\n")
    keys = Keys()
    prompt()
    line = ""
    while True:
        c = keys.get()
        if c == "\r" or c == "\n":
            put("\r\n")
            run(line, keys)
            line = ""
            prompt()
        elif c == "\x03":
            put("^C\r\n")
            line = ""
            prompt()
        else:
            line += c
            put(c)


if __name__ == "__main__":
    main()
