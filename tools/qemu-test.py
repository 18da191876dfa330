#!/usr/bin/env python3
"""Host side of the in-QEMU tests; ctest calls it (tests/qemu/CMakeLists.txt).

  qemu-test.py boot   --iso ISO --log LOG [--timeout S] [--stdin FILE]
      Boot ISO under TCG through tools/qemu-run.sh, tee the console to LOG.
      Fails on timeout, a PANIC line, QEMU exiting before the kernel's last
      line "neutrino: powering off" (triple fault or reset), or a nonzero
      QEMU status; failures print the last 40 lines of the log.
  qemu-test.py check  --log LOG --name NAME
      Passes iff LOG has the line "TEST NAME PASS" (and no other verdict for
      NAME); otherwise prints that test's lines from the log.
  qemu-test.py expect --iso ISO --expect RE [--expect RE ...] [--timeout S]
                      [--log LOG] [--stdin FILE]
      Boot ISO and require each regular expression to match a console line,
      in order. Stops QEMU once all have matched.

Guest protocol: test program t_<name> prints "ntest: <name>: ..."
diagnostics and one "TEST <name> PASS|FAIL"; procnto prints "procnto: <prog> exited with status
N" or "procnto: <prog> killed by signal N (SIGx)"; the kernel prints
"neutrino: powering off" last, or a line starting "PANIC" on a panic.

Exit status: 0 pass, 1 fail, 2 usage error.
"""

import argparse
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

QEMU_RUN = Path(__file__).resolve().parent / "qemu-run.sh"
POWER_OFF = "neutrino: powering off"
PANIC_RE = re.compile(r"^\s*PANIC")
ANSI_RE = re.compile(r"\x1b(\[[0-9;?]*[A-Za-z]|[()][0-9A-Za-z]|[=>78])")
TAIL_LINES = 40
PANIC_GRACE = 3.0    # seconds QEMU gets to exit by itself after a panic
EXPECT_GRACE = 5.0   # ... and after the last expected line has appeared


def clean(line):
    """A console line as matched: no terminal escapes, no carriage returns."""
    return ANSI_RE.sub("", line).replace("\r", "")


class Boot:
    """One QEMU run: console lines as they arrive, and how it ended."""

    def __init__(self, iso, log, stdin, echo, icount=False):
        self.lines = []
        self.status = None
        self.timed_out = False
        self.killed = False
        self._cond = threading.Condition()
        self._log = open(log, "w", encoding="utf-8") if log else None
        self._echo = echo
        stdin_f = open(stdin, "rb") if stdin else subprocess.DEVNULL
        # A new session, so a timeout can stop qemu-run.sh and QEMU together.
        self._proc = subprocess.Popen(
            [str(QEMU_RUN), iso, "--tcg"] + (["--icount"] if icount else []), stdin=stdin_f,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            start_new_session=True)
        if stdin:
            stdin_f.close()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for raw in self._proc.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            if self._log:
                self._log.write(line + "\n")
                self._log.flush()
            line = clean(line)
            if self._echo:
                print(line, flush=True)
            with self._cond:
                self.lines.append(line)
                self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()

    def wait_line(self, start, deadline):
        """Block until there is a line at index >= start, QEMU's output ends
        or the deadline passes; return the number of lines."""
        with self._cond:
            while (len(self.lines) <= start and self._reader.is_alive()
                   and time.monotonic() < deadline):
                self._cond.wait(min(0.5, max(0.0, deadline - time.monotonic())))
            return len(self.lines)

    def running(self):
        return self._reader.is_alive() or self._proc.poll() is None

    def stop(self):
        """Kill qemu-run.sh and QEMU (their process group)."""
        if self._proc.poll() is None:
            self.killed = True
            for sig, pause in ((signal.SIGTERM, 2.0), (signal.SIGKILL, 5.0)):
                try:
                    os.killpg(self._proc.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    self._proc.wait(pause)
                    break
                except subprocess.TimeoutExpired:
                    pass
        self.finish()

    def finish(self):
        self.status = self._proc.wait()
        self._reader.join(5.0)
        if self._log:
            self._log.close()
            self._log = None


def run_boot(args, expects):
    """Boot, match the expect list in order; return (boot, matched count,
    panic line index or None)."""
    boot = Boot(args.iso, args.log, args.stdin, echo=not args.quiet,
                icount=getattr(args, "icount", False))
    deadline = time.monotonic() + args.timeout
    seen = matched = 0
    panic = None
    stop_at = None
    while True:
        now = time.monotonic()
        if stop_at is not None and now >= stop_at:
            boot.stop()
            break
        if now >= deadline:
            boot.timed_out = True
            boot.stop()
            break
        n = boot.wait_line(seen, min(deadline, stop_at or deadline))
        for i in range(seen, n):
            line = boot.lines[i]
            if panic is None and PANIC_RE.match(line):
                panic = i
                stop_at = time.monotonic() + PANIC_GRACE
            if matched < len(expects) and expects[matched].search(line):
                matched += 1
                if matched == len(expects) and stop_at is None:
                    stop_at = time.monotonic() + EXPECT_GRACE
        seen = n
        if not boot.running() and len(boot.lines) == seen:
            boot.finish()
            break
    return boot, matched, panic


def print_tail(lines, why):
    if why:
        print(f"qemu-test: FAIL: {why}")
    tail = lines[-TAIL_LINES:]
    print(f"qemu-test: last {len(tail)} console lines:")
    for line in tail:
        print(f"  | {line}")


def boot_problems(boot, panic, need_power_off):
    """Reasons the boot itself failed, most specific first."""
    why = []
    if boot.timed_out:
        why.append("timed out; QEMU killed")
    if panic is not None:
        why.append(f"kernel panic: {boot.lines[panic].strip()}")
    if boot.status not in (0, None) and not boot.killed:
        why.append(f"QEMU exit status {boot.status}")
    if (need_power_off and not why
            and not any(line.strip() == POWER_OFF for line in boot.lines)):
        why.append(f"QEMU exited without '{POWER_OFF}' "
                   "(triple fault, reset or QEMU error)")
    return why


def cmd_boot(args):
    boot, _, panic = run_boot(args, [])
    why = boot_problems(boot, panic, need_power_off=True)
    if why:
        print_tail(boot.lines, "; ".join(why))
        return 1
    print(f"qemu-test: boot OK ({len(boot.lines)} lines, log {args.log})")
    return 0


def cmd_expect(args):
    try:
        expects = [re.compile(e) for e in args.expect]
    except re.error as e:
        print(f"qemu-test: bad --expect regex: {e}", file=sys.stderr)
        return 2
    boot, matched, panic = run_boot(args, expects)
    why = boot_problems(boot, panic, need_power_off=False)
    if matched < len(expects):
        why.insert(0, f"never saw /{args.expect[matched]}/ "
                      f"(expectation {matched + 1} of {len(expects)})")
    if why:
        print_tail(boot.lines, "; ".join(why))
        return 1
    print(f"qemu-test: all {len(expects)} expectations met")
    return 0


SECTION_MAX = 80  # lines of one test's section shown on failure


def test_lines(lines, name):
    """The lines that belong to test NAME. When procnto reported t_NAME's
    end, they are everything after the previous program's end up to that
    report; otherwise from the first line of NAME (ntest line or verdict)
    to the end of the log. Empty when nothing mentions NAME."""
    ended = re.compile(r"^procnto: \S+ (exited with status|killed by signal) ")
    mine = re.compile(r"^procnto: (\S*/)?t_" + re.escape(name) +
                      r" (exited with status|killed by signal) ")
    own = re.compile(r"^(ntest: " + re.escape(name) + r":|TEST " +
                     re.escape(name) + r" )")
    for end, line in enumerate(lines):
        if mine.match(line):
            start = end
            while start > 0 and not ended.match(lines[start - 1]):
                start -= 1
            return lines[max(start, end + 1 - SECTION_MAX):end + 1]
    for start, line in enumerate(lines):
        if own.match(line):
            return lines[start:start + SECTION_MAX]
    return []


def cmd_check(args):
    try:
        with open(args.log, encoding="utf-8", errors="replace") as f:
            lines = [line.rstrip("\r\n") for line in f]
    except OSError as e:
        print(f"qemu-test: FAIL: cannot read log: {e}")
        return 1
    lines = [clean(line).strip() for line in lines]
    verdicts = [l for l in lines if re.fullmatch(
        r"TEST " + re.escape(args.name) + r" (PASS|FAIL)", l)]
    mine = test_lines(lines, args.name)
    if verdicts == [f"TEST {args.name} PASS"]:
        exits = [l for l in mine if l.startswith("procnto:")
                 and re.search(r"killed by signal|exited with status [^0]", l)]
        for l in exits:
            print(f"qemu-test: warning: {l}")
        print(f"qemu-test: TEST {args.name} PASS")
        return 0
    if not verdicts:
        why = "no verdict: the test never ran, or crashed before reporting"
    elif len(verdicts) > 1:
        why = f"{len(verdicts)} verdicts: " + ", ".join(v.split()[-1] for v in verdicts)
    else:
        why = "the test reported FAIL"
    print(f"qemu-test: FAIL: {args.name}: {why}")
    if mine:
        print(f"qemu-test: lines of t_{args.name} from {args.log}:")
        for line in mine:
            print(f"  | {line}")
    else:
        print(f"qemu-test: nothing in {args.log} mentions t_{args.name}")
        print_tail(lines, None)
    return 1


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("boot", "expect"):
        s = sub.add_parser(name)
        s.add_argument("--iso", required=True)
        s.add_argument("--log", required=(name == "boot"))
        s.add_argument("--timeout", type=float, default=300.0)
        s.add_argument("--stdin", help="file fed to the guest console")
        s.add_argument("--icount", action="store_true",
                       help="run with -icount: guest time counts instructions, so "
                            "timing checks are exact and immune to host load")
        s.add_argument("--quiet", action="store_true",
                       help="do not echo the console to stdout")
        if name == "expect":
            s.add_argument("--expect", action="append", required=True)
    s = sub.add_parser("check")
    s.add_argument("--log", required=True)
    s.add_argument("--name", required=True)
    args = p.parse_args(argv)
    return {"boot": cmd_boot, "expect": cmd_expect, "check": cmd_check}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
