#!/usr/bin/env python3
"""Host tests of `tools/qemu-test.py session` against fake-guest.py, which
stands in for QEMU and plays a tiny shell on the console, and of its line
checker (tools/linecheck.py, the check-lines command) on its own. Registered by
tests/system/CMakeLists.txt as host.harness.<case>:
    session_test.py CASE      (exit 0 when the harness behaved as specified)
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
QEMU_TEST = ROOT / "tools" / "qemu-test.py"
TMP = Path(tempfile.mkdtemp(prefix="qemu-session-"))
ISO = TMP / "fake.iso"
ISO.write_bytes(b"not an ISO; fake-guest.py never reads it\n")
PROMPT = "prompt ^nto:/# $\n"


def session(scenario, *extra, timeout=60):
    """Run the scenario text; return (status, output, seconds, log)."""
    scn = TMP / "test.scn"
    scn.write_text(scenario)
    log = TMP / "session.log"
    env = dict(os.environ, NTO_QEMU=str(HERE / "fake-guest.py"))
    env.pop("NTO_ACCEL", None)
    cmd = [sys.executable, str(QEMU_TEST), "session", "--iso", str(ISO),
           "--scenario", str(scn), "--log", str(log), "--timeout", str(timeout),
           "--quiet", *extra]
    t0 = time.monotonic()
    p = subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=120)
    secs = time.monotonic() - t0
    out = p.stdout.decode("utf-8", "replace")
    print(f"$ {' '.join(cmd)}\n--- scenario:\n{scenario}---")
    print(out, end="")
    print(f"-> status {p.returncode} in {secs:.1f}s")
    text = log.read_bytes().decode("utf-8", "replace") if log.exists() else ""
    return p.returncode, out, secs, text


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def case_session_ok():
    rc, out, _, log = session(PROMPT + "expect-prompt\n"
                              "sendline echo hello world\n"
                              "expect ^hello world$\n"
                              "expect-prompt\n"
                              "sendline echo back\\slash\n"
                              "expect ^back\\\\slash$\n"
                              "sendline exit\n"
                              "expect ^neutrino: powering off$\n")
    expect(rc == 0 and "session OK (9 steps" in out, "a good session must pass")
    expect("nto:/# echo hello world\r\n" in log, "the log must hold the raw console")


def case_session_kill():
    # A scenario that ends with the guest still running: QEMU is stopped.
    rc, out, secs, _ = session(PROMPT + "expect-prompt\nsendline echo x\nexpect ^x$\n")
    expect(rc == 0 and "session OK" in out, "stopping QEMU at the end is not a failure")
    expect(secs < 15, f"stopping QEMU took {secs:.1f}s")


def case_session_timeout():
    rc, out, secs, _ = session(PROMPT + "timeout 2\nexpect-prompt\nexpect ^never$\n")
    expect(rc == 1 and "test.scn:4: never saw /^never$/: 2 s passed" in out,
           "an expectation not met must fail, naming the scenario line")
    expect("last 5 console lines" in out and "| procnto: starting" in out,
           "a failure must show the console tail")
    expect(secs < 15, f"timeout took {secs:.1f}s")


def case_session_total_timeout():
    rc, out, secs, _ = session(PROMPT + "expect ^never$\n", timeout=2)
    expect(rc == 1 and "--timeout of 2 s ran out" in out, "--timeout bounds the session")
    expect(secs < 15, f"timeout took {secs:.1f}s")


def case_session_panic():
    rc, out, secs, _ = session(PROMPT + "expect-prompt\nsendline panic\nexpect ^never$\n")
    expect(rc == 1 and "kernel panic: PANIC: fake panic" in out, "a panic must fail")
    expect(secs < 15, "a panic must not wait for the timeout")


def case_session_reset():
    rc, out, _, _ = session(PROMPT + "expect-prompt\nsendline reset\nexpect ^never$\n")
    expect(rc == 1 and "the machine reset (second boot banner" in out, "a reset must fail")


def case_session_exit():
    rc, out, _, _ = session(PROMPT + "expect-prompt\nsendline die\nexpect-prompt\n")
    expect(rc == 1 and "QEMU exited (power off, reset or crash)" in out,
           "QEMU ending before the scenario must fail")
    rc, out, _, _ = session(PROMPT + "expect-prompt\nsendline die\n"
                            "sleep 1\nsendline echo too late\n")
    expect(rc == 1 and "QEMU exited before sendline" in out,
           "typing into a dead QEMU must fail")


def case_session_status():
    # Everything expected was seen, but QEMU then failed by itself.
    rc, out, _, _ = session(PROMPT + "expect-prompt\nsendline die\nsleep 1\n")
    expect(rc == 1 and "FAIL: QEMU exit status 1" in out,
           "a failing QEMU status must fail the session")


def case_session_ctrl_c():
    rc, out, secs, _ = session(PROMPT + "expect-prompt\nsendline sleep 30\nsleep 0.5\n"
                               "send \\x03\ntimeout 5\nexpect ^\\^C$\nexpect-prompt\n")
    expect(rc == 0 and secs < 15, "^C must reach the guest and interrupt sleep")


def case_session_settle():
    # "$" at the end of an unfinished line waits for the line to settle:
    # "hi" that turns into "hint" 0.2 s later must not match ^hi$.
    rc, out, _, _ = session(PROMPT + "expect-prompt\nsendline hint\ntimeout 3\n"
                            "expect ^hi$\n")
    expect(rc == 1 and "never saw /^hi$/" in out, "^hi$ must not match 'hint'")
    rc, out, _, _ = session(PROMPT + "expect-prompt\nsendline hint\nexpect ^hint$\n")
    expect(rc == 0, "^hint$ must match")


def case_session_escapes():
    rc, out, _, log = session(PROMPT + "expect-prompt\nsendline esc\nexpect ^bold$\n")
    expect(rc == 0, "terminal escapes split across writes must be removed")
    expect("\x1b[1mbold" in log, "the log keeps the raw escapes")


def case_session_typing():
    long_line = "sendline echo " + "x" * 40 + "\n"
    rc, out, _, _ = session(PROMPT + "fail-on overrun\nexpect-prompt\n" + long_line +
                            "expect ^x{40}$\n")
    expect(rc == 0, "typing at the default pace must not overrun a 16-byte FIFO")
    rc, out, _, _ = session(PROMPT + "fail-on overrun\nchardelay 0\nexpect-prompt\n" +
                            long_line + "expect ^x{40}$\n")
    expect(rc == 1 and "fail-on /overrun/" in out,
           "typing without pauses must overrun (the fake's FIFO model works)")


def case_session_fail_on():
    rc, out, _, _ = session(PROMPT + "fail-on not found\nexpect-prompt\nsendline bogus\n"
                            "expect-prompt\nsleep 0.5\n")
    expect(rc == 1 and "fail-on /not found/: sh: bogus: not found" in out,
           "fail-on must fail the session")


def case_session_bad_scenario():
    for text, msg in (("frobnicate\n", "unknown command"),
                      ("expect (\n", "bad argument for expect"),
                      ("send \\q\n", "bad escape"),
                      ("sleep -1\n", "bad argument for sleep")):
        rc, out, _, _ = session(text)
        expect(rc == 2 and msg in out, f"{text.strip()!r} must be refused with {msg!r}")


def load_linecheck():
    """tools/linecheck.py, the checker behind check-lines."""
    sys.dont_write_bytecode = True  # no __pycache__ in tools/
    sys.path.insert(0, str(QEMU_TEST.parent))
    import linecheck
    return linecheck


FMT = "line %05d end"


def numbered(*items):
    """Console text: ints are whole lines of FMT, strings are text as is."""
    return "".join(FMT % i + "\n" if isinstance(i, int) else i for i in items)


def case_line_checker():
    check = load_linecheck().check_lines
    good = {
        "plain": numbered(1, 2, 3, 4, 5),
        "a repeat (a retried write)": numbered(1, 2, 2, 3, 4, 5),
        "two repeats": numbered(1, 2, 2, 2, 3, 4, 5),
        "a fragment before the line": numbered(1, 2) + "line 0line 00003 end\n" + numbered(4, 5),
        "fragments of a repeat": numbered(1, 2, 3) + "line 00003 eline 00003 end\n" + numbered(4, 5),
        "a fragment cut by a kernel message":
            numbered(1, 2) + "line 000neutrino: pid 7 (devc-ser8250) killed by SIGSEGV\n"
            + numbered(3, 4, 5),
        "other lines between": "nto:/# linewriter -n 5\n[1] 42\n" + numbered(1, 2)
            + "procnto: devc-ser8250 killed by signal 9 (SIGKILL)\n" + numbered(3, 4, 5)
            + "linewriter: 5 lines written\nnto:/# ",
        "carriage returns gone, no final newline": numbered(1, 2, 3, 4) + "line 00005 end",
    }
    for what, text in good.items():
        why, stats = check(text, FMT, 1, 5)
        expect(why is None, f"{what}: must pass, got {why}")
    why, stats = check(good["two repeats"], FMT, 1, 5)
    expect(stats["repeats"] == 2, f"two repeats counted: {stats}")
    why, stats = check(good["other lines between"], FMT, 1, 5)
    expect(stats["fragments"] == 0, f"'linewriter:' is no fragment: {stats}")
    why, stats = check(good["fragments of a repeat"], FMT, 1, 5)
    expect(stats["fragments"] == 1, f"one fragment counted: {stats}")
    bad = {
        "a line missing": (numbered(1, 2, 4, 5), "line 3 ('line 00003 end') missing"),
        "the last line missing": (numbered(1, 2, 3, 4), "line 5 ('line 00005 end') missing: "
                                  "the output ends after line 4"),
        "nothing": ("nto:/# \n", "line 1 ('line 00001 end') missing: none of the lines came"),
        "a garbled line": (numbered(1, 2) + "line 00003 xnd\n" + numbered(4, 5),
                           "line 3 ('line 00003 end') missing"),
        "only a fragment": (numbered(1, 2) + "line 000neutrino: oops\n" + numbered(4, 5),
                            "only a piece of it at console line 3"),
        "out of order": (numbered(1, 3, 2, 4, 5), "line 2 ('line 00002 end') missing"),
        "an old line again": (numbered(1, 2, 3, 1, 4, 5), "line 1 out of order: line 1 again "
                              "after line 3"),
        "a line beyond the last": (numbered(1, 2, 3, 4, 5, 6), "line 6 out of order: line 6 "
                                   "is outside 1..5"),
        "a line split in two": (numbered(1, 2) + "line 00\n003 end\n" + numbered(4, 5),
                                "line 3 ('line 00003 end') missing"),
    }
    for what, (text, msg) in bad.items():
        why, _ = check(text, FMT, 1, 5)
        print(f"{what}: {why}")
        expect(why is not None and msg in why, f"{what}: must fail with {msg!r}, got {why!r}")
    try:
        load_linecheck().line_format("no conversion")
        expect(False, "a format without %d must be refused")
    except ValueError:
        pass


def case_session_check_lines():
    base = PROMPT + "expect-prompt\nsendline echo before\nexpect ^before$\nexpect-prompt\nmark\n"
    rc, out, _, _ = session(base + "sendline lines good\nexpect-prompt\n"
                            "check-lines row %03d ok 1 20\n")
    expect(rc == 0 and "lines 1 to 20 of 'row %03d ok' all there" in out and
           "1 repeated, 2 cut short" in out, "good lines must pass and be counted")
    rc, out, _, _ = session(base + "sendline lines gap\nexpect-prompt\n"
                            "check-lines row %03d ok 1 20\n")
    expect(rc == 1 and "test.scn:9: check-lines: line 7 ('row 007 ok') missing: the next whole "
           "line is line 8 (console line 15: 'row 008 ok')" in out,
           "a missing line must fail, naming it and the scenario line")
    rc, out, _, _ = session(base + "sendline lines cut\nexpect-prompt\n"
                            "check-lines row %03d ok 1 20\n")
    expect(rc == 1 and "line 12 ('row 012 ok') missing" in out and "only a piece of it" in out,
           "a line that came only as a fragment must fail")
    # the mark: lines before it do not count
    rc, out, _, _ = session(PROMPT + "expect-prompt\nsendline lines good\nexpect-prompt\n"
                            "mark\nsendline echo after\nexpect ^after$\n"
                            "check-lines row %03d ok 1 20\n")
    expect(rc == 1 and "none of the lines came" in out, "check-lines looks after the mark only")
    for text, msg in (("check-lines row %03d ok 1\n", "bad argument for check-lines"),
                      ("check-lines row ok 1 20\n", "needs exactly one %d"),
                      ("check-lines row %d 5 1\n", "5 > 1")):
        rc, out, _, _ = session(text)
        expect(rc == 2 and msg in out, f"{text.strip()!r} must be refused with {msg!r}")


def main():
    cases = {n[5:]: f for n, f in globals().items() if n.startswith("case_")}
    if len(sys.argv) != 2 or sys.argv[1] not in cases:
        print("usage: session_test.py CASE\ncases: " + " ".join(sorted(cases)))
        return 2
    try:
        cases[sys.argv[1]]()
    except AssertionError as e:
        print(f"session_test: FAIL: {e}")
        return 1
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
    print(f"session_test: {sys.argv[1]} ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
