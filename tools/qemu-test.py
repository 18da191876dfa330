#!/usr/bin/env python3
r"""Host side of the in-QEMU tests; ctest calls it (tests/qemu/CMakeLists.txt).

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

  qemu-test.py session --iso ISO --scenario FILE [--log LOG] [--timeout S]
                       [--icount] [--char-delay MS]
      Boot ISO and drive its serial console like a person at a terminal,
      following the scenario FILE (format below). Fails with the last 40
      lines of the console on an expectation not met in time, a PANIC line,
      a second boot banner (the machine reset) or QEMU exiting before the
      scenario ends; stops QEMU when the scenario is done.

Scenario files (tests/system/*.scn): one command per line; blank lines and
lines starting with "#" are ignored; the argument is the rest of the line
after the command word and one blank, verbatim.
  expect REGEX     wait until REGEX (Python, MULTILINE) matches the console
                   output after the previous match; the next expect starts
                   after this match. The text has no \r and no terminal
                   escapes. Typed text is echoed by the terminal, so anchor
                   a command's output (^hi$) to keep it from matching the
                   command line itself.
  prompt REGEX     the shell prompt (default "[#$] $")
  expect-prompt    expect the prompt
  send TEXT        type TEXT; escapes \n \r \t \e (ESC) \\ and \xHH
                   (ASCII, 00 to 7f: \x03 is ^C)
  sendline TEXT    type TEXT as it is (no escapes), then Enter (\r, as a
                   terminal sends it)
  sleep S          pause S seconds (host time)
  timeout S        each later expect fails after S seconds (default 60)
  chardelay MS     pause MS milliseconds after each typed character
                   (default --char-delay, 10), so the UART never overruns
  fail-on REGEX    fail as soon as a later console line matches REGEX
  mark             start the text later check-lines look at here (default:
                   the start of the console output)
  check-lines FORMAT FIRST LAST
                   the console output since the mark must hold the lines
                   FORMAT % N (a printf format with one integer conversion,
                   e.g. "line %05d end") for every N from FIRST to LAST,
                   each complete, in increasing order: a line may repeat
                   immediately (a write retried after a driver restart)
                   and a fragment (a prefix of the line) may come before
                   its complete copy, on the same console line or followed
                   by other text there (a kernel message); console lines
                   with other text are ignored. Fails naming the first line
                   that is missing, garbled or out of order.
The scenario passes when its last command is done.

Guest protocol: test program t_<name> prints "ntest: <name>: ..."
diagnostics and one "TEST <name> PASS|FAIL"; procnto prints "procnto: <prog> exited with status
N" or "procnto: <prog> killed by signal N (SIGx)"; the kernel prints
"neutrino: powering off" last, or a line starting "PANIC" on a panic.

Exit status: 0 pass, 1 fail, 2 usage error.
"""

import argparse
import codecs
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in tools/ for linecheck
from linecheck import check_lines, line_format  # noqa: E402 (tools/linecheck.py)

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



def kill_group(proc):
    """Ends proc's process group (qemu-run.sh and QEMU): SIGTERM, then SIGKILL."""
    for sig, pause in ((signal.SIGTERM, 2.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(pause)
            return
        except subprocess.TimeoutExpired:
            pass

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
            kill_group(self._proc)
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


SETTLE = 0.5  # seconds an unfinished last line must stay unchanged to match
BOOT_BANNER_RE = re.compile(r"^neutrino: .*booting$", re.M)
ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "e": "\x1b", "\\": "\\"}


class ScenarioError(Exception):
    pass


def unescape(text, where):
    r"""TEXT with \n \r \t \e \\ \xHH (ASCII: 00 to 7f) replaced."""
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c != "\\":
            out.append(c)
            i += 1
        elif text[i + 1:i + 2] in ESCAPES:
            out.append(ESCAPES[text[i + 1]])
            i += 2
        elif re.fullmatch(r"x[0-7][0-9A-Fa-f]", text[i + 1:i + 4]):
            out.append(chr(int(text[i + 2:i + 4], 16)))
            i += 4
        else:
            raise ScenarioError(f"{where}: bad escape in {text!r}")
    return "".join(out)


def parse_scenario(path):
    """[(where, command, argument)] from a scenario file; argument is a
    compiled regex, a float or the text to type."""
    steps = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\r\n")
            where = f"{path}:{n}"
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            cmd, _, arg = line.partition(" ")
            try:
                if cmd in ("expect", "prompt", "fail-on"):
                    val = re.compile(arg, re.M)
                elif cmd in ("sleep", "timeout", "chardelay"):
                    val = float(arg)
                    if val < 0:
                        raise ValueError(arg)
                elif cmd == "send":
                    val = unescape(arg, where)
                elif cmd == "sendline":
                    val = arg + "\r"
                elif cmd in ("expect-prompt", "mark") and not arg.strip():
                    val = None
                elif cmd == "check-lines":
                    fmt, first, last = arg.rsplit(None, 2)
                    line_format(fmt)
                    val = (fmt, int(first), int(last))
                    if val[1] > val[2]:
                        raise ValueError(f"{first} > {last}")
                else:
                    raise ScenarioError(f"{where}: unknown command {line!r}")
            except (re.error, ValueError) as e:
                raise ScenarioError(f"{where}: bad argument for {cmd}: {e}")
            steps.append((where, cmd, val))
    return steps


class Console:
    """QEMU with its serial console on pipes: what the guest printed (raw in
    the log; cleaned in self.text) and a keyboard."""

    def __init__(self, iso, log, icount, echo):
        self.text = ""
        self.status = None
        self.killed = False       # stop() had to end QEMU
        self._pending = ""        # raw text held back: an unfinished escape
        self._cond = threading.Condition()
        self._log = open(log, "w", encoding="utf-8") if log else None
        self._echo = echo
        self._proc = subprocess.Popen(
            [str(QEMU_RUN), iso, "--tcg"] + (["--icount"] if icount else []),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            start_new_session=True)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        dec = codecs.getincrementaldecoder("utf-8")("replace")
        fd = self._proc.stdout.fileno()
        while True:
            chunk = os.read(fd, 4096)
            raw = dec.decode(chunk, final=not chunk)
            if self._log:
                self._log.write(raw)
                self._log.flush()
            if self._echo:
                sys.stdout.write(raw)
                sys.stdout.flush()
            with self._cond:
                raw = self._pending + raw
                cut = raw.rfind("\x1b")
                if chunk and cut >= 0 and len(raw) - cut < 16 and not ANSI_RE.match(raw, cut):
                    self._pending, raw = raw[cut:], raw[:cut]
                else:
                    self._pending = ""
                self.text += ANSI_RE.sub("", raw).replace("\r", "")
                self._cond.notify_all()
            if not chunk:
                return

    def wait(self, deadline, have):
        """Block until have(self.text) is true, output ends or the deadline
        passes; return have()'s last value."""
        with self._cond:
            while True:
                got = have(self.text)
                if got or not self._reader.is_alive() or time.monotonic() >= deadline:
                    return got
                self._cond.wait(min(0.1, max(0.0, deadline - time.monotonic())))

    def alive(self):
        return self._reader.is_alive()

    def type(self, text, delay):
        for ch in text.encode("utf-8"):
            try:
                self._proc.stdin.write(bytes([ch]))
                self._proc.stdin.flush()
            except (BrokenPipeError, ValueError):
                return False
            time.sleep(delay)
        return True

    def stop(self):
        if not self._reader.is_alive():
            # The console closed: QEMU is exiting by itself.
            try:
                self._proc.wait(5.0)
            except subprocess.TimeoutExpired:
                pass
        if self._proc.poll() is None:
            self.killed = True
            kill_group(self._proc)
        self.status = self._proc.wait()
        self._reader.join(5.0)
        if self._log:
            self._log.close()
            self._log = None


class Watch:
    """Checks every complete console line once: panics, resets and the
    scenario's fail-on patterns."""

    def __init__(self):
        self.seen = 0          # offset in Console.text of the next unchecked line
        self.banners = 0
        self.fail_on = []
        self.problem = None

    def scan(self, text):
        while self.problem is None:
            nl = text.find("\n", self.seen)
            if nl < 0:
                return None
            line = text[self.seen:nl]
            self.seen = nl + 1
            if PANIC_RE.match(line):
                self.problem = f"kernel panic: {line.strip()}"
            elif BOOT_BANNER_RE.match(line):
                self.banners += 1
                if self.banners > 1:
                    self.problem = f"the machine reset (second boot banner: {line.strip()})"
            else:
                for rx in self.fail_on:
                    if rx.search(line):
                        self.problem = f"line matches fail-on /{rx.pattern}/: {line.strip()}"
        return self.problem


def run_session(args, steps):
    """Play the scenario; return (console, None) or (console, why)."""
    con = Console(args.iso, args.log, args.icount, echo=not args.quiet)
    watch = Watch()
    end = time.monotonic() + args.timeout
    pos = 0
    prompt = re.compile(r"[#$] $", re.M)
    timeout, delay = 60.0, args.char_delay / 1000.0
    mark = 0

    def problem(text):
        return watch.scan(text)

    for where, cmd, val in steps:
        if cmd == "timeout":
            timeout = val
        elif cmd == "chardelay":
            delay = val / 1000.0
        elif cmd == "prompt":
            prompt = val
        elif cmd == "fail-on":
            watch.fail_on.append(val)
        elif cmd == "mark":
            with con._cond:
                mark = len(con.text)
        elif cmd == "check-lines":
            fmt, first, last = val
            with con._cond:
                text = con.text[mark:]
                base = con.text.count("\n", 0, mark)
            why, stats = check_lines(text, fmt, first, last, base)
            if why:
                return con, f"{where}: check-lines: {why}"
            print(f"qemu-test: check-lines: lines {first} to {last} of {fmt!r} all there, "
                  f"in order ({stats['repeats']} repeated, {stats['fragments']} "
                  f"cut short before a whole copy or other text)", flush=True)
        elif cmd == "sleep":
            con.wait(min(end, time.monotonic() + val), problem)
        elif cmd in ("send", "sendline"):
            if not con.alive() or not con.type(val, delay):
                return con, f"{where}: QEMU exited before {cmd} {val!r}"
        else:
            rx = prompt if cmd == "expect-prompt" else val
            found, settle = [], [-1, 0.0]

            def have(text):
                if problem(text):
                    return True
                m = rx.search(text, pos)
                if not m:
                    return False
                if m.end() == len(text) and not text.endswith("\n"):
                    # The match runs to the end of an unfinished line ("$"
                    # at the end of the text): take it once that line has
                    # stayed as it is for a moment (a prompt does; "hi"
                    # that becomes "hint" does not).
                    if settle[0] != len(text):
                        settle[:] = [len(text), time.monotonic()]
                        return False
                    if time.monotonic() - settle[1] < SETTLE:
                        return False
                found.append(m)
                return True

            deadline = min(end, time.monotonic() + timeout)
            con.wait(deadline, have)
            if watch.problem:
                return con, f"{where}: {watch.problem}"
            if not found:
                if not con.alive():
                    why = "QEMU exited (power off, reset or crash)"
                elif time.monotonic() >= end:
                    why = f"the session's --timeout of {args.timeout:g} s ran out"
                else:
                    why = f"{timeout:g} s passed"
                return con, f"{where}: never saw /{rx.pattern}/: {why}"
            pos = found[0].end()
        if watch.scan(con.text):
            return con, f"{where}: {watch.problem}"
    return con, None


def cmd_session(args):
    try:
        steps = parse_scenario(args.scenario)
    except (OSError, ScenarioError) as e:
        print(f"qemu-test: bad scenario: {e}", file=sys.stderr)
        return 2
    con, why = run_session(args, steps)
    con.stop()
    lines = con.text.splitlines()
    if why is None and not con.killed and con.status != 0:
        why = f"QEMU exit status {con.status}"
    if why:
        print_tail(lines, why)
        return 1
    print(f"qemu-test: session OK ({len(steps)} steps, {len(lines)} lines"
          + (f", log {args.log})" if args.log else ")"))
    return 0


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
    s = sub.add_parser("session")
    s.add_argument("--iso", required=True)
    s.add_argument("--scenario", required=True)
    s.add_argument("--log")
    s.add_argument("--timeout", type=float, default=600.0,
                   help="limit for the whole session, seconds")
    s.add_argument("--icount", action="store_true")
    s.add_argument("--char-delay", type=float, default=10.0,
                   help="milliseconds between typed characters (default 10)")
    s.add_argument("--quiet", action="store_true",
                   help="do not echo the console to stdout")
    s = sub.add_parser("check")
    s.add_argument("--log", required=True)
    s.add_argument("--name", required=True)
    args = p.parse_args(argv)
    return {"boot": cmd_boot, "expect": cmd_expect, "check": cmd_check,
            "session": cmd_session}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
