#!/usr/bin/env python3
"""Host tests of the QEMU test harness (tools/qemu-test.py, tools/qemu-run.sh)
against hand-made console logs, with fake-qemu.sh standing in for QEMU.
CMakeLists.txt here registers one ctest test per case:
    harness_test.py CASE      (exit 0 when the harness behaved as specified)
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
QEMU_RUN = ROOT / "tools" / "qemu-run.sh"
LOGS = HERE / "logs"
TMP = Path(tempfile.mkdtemp(prefix="qemu-harness-"))
ISO = TMP / "fake.iso"
ISO.write_bytes(b"not an ISO; fake-qemu.sh never reads it\n")


def run(cmd, env=None, stdin=subprocess.DEVNULL):
    full_env = dict(os.environ, NTO_QEMU=str(HERE / "fake-qemu.sh"))
    full_env.pop("NTO_ACCEL", None)
    full_env.update(env or {})
    t0 = time.monotonic()
    p = subprocess.run([str(c) for c in cmd], env=full_env, stdin=stdin,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=120)
    out = p.stdout.decode("utf-8", "replace")
    print(f"$ {' '.join(str(c) for c in cmd)}  [{env or {}}]")
    print(out, end="")
    print(f"-> status {p.returncode} in {time.monotonic() - t0:.1f}s")
    return p.returncode, out, time.monotonic() - t0


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def check(name, status, *must, must_not=()):
    rc, out, _ = run([QEMU_TEST, "check", "--log", LOGS / "test-image.log",
                      "--name", name])
    expect(rc == status, f"check {name}: status {rc}, expected {status}")
    for s in must:
        expect(s in out, f"check {name}: output lacks {s!r}")
    for s in must_not:
        expect(s not in out, f"check {name}: output has {s!r}")


def boot(log, env, timeout=60):
    out_log = TMP / "boot.log"
    env = dict(env)
    if log:
        env["FAKE_LOG"] = str(LOGS / log)
    rc, out, secs = run([QEMU_TEST, "boot", "--iso", ISO, "--log", out_log,
                         "--timeout", timeout], env)
    return rc, out, secs, out_log.read_text()


def case_check_pass():
    check("alpha", 0, "TEST alpha PASS")
    # "alpha" must not be confused with "alpha2" and vice versa.
    check("alpha2", 0, "TEST alpha2 PASS")


def case_check_fail():
    check("beta", 1, "reported FAIL", "check failed: rc == 0 (t_beta.c:42): rc=-22",
          "procnto: t_beta exited with status 1", must_not=("t_alpha",))


def case_check_crash():
    check("gamma", 1, "no verdict", "about to dereference NULL",
          "page fault at 0x0", "killed by signal 11 (SIGSEGV)",
          must_not=("t_beta", "t_quiet"))
    # A test that printed nothing: its section is procnto's report alone.
    check("quiet", 1, "no verdict", "| procnto: t_quiet killed by signal 9",
          must_not=("t_gamma",))
    # A test that never ended: from its first line to the end of the log.
    check("hang", 1, "no verdict", "waiting forever", "neutrino: powering off",
          must_not=("t_alpha2",))


def case_check_missing():
    check("epsilon", 1, "no verdict", "nothing in", "neutrino: powering off")


def case_check_duplicate():
    check("delta", 1, "2 verdicts")


def case_check_nolog():
    rc, out, _ = run([QEMU_TEST, "check", "--log", TMP / "absent.log",
                      "--name", "alpha"])
    expect(rc == 1 and "cannot read log" in out, "missing log must fail")


def case_boot_ok():
    rc, out, _, log = boot("test-image.log", {})
    expect(rc == 0 and "boot OK" in out, "clean boot must pass")
    expect(log.splitlines()[0].startswith("qemu: accelerator tcg"),
           "log must start with the accelerator line")
    expect("TEST beta FAIL" in log, "log must hold the console")


def case_boot_panic():
    rc, out, _, _ = boot("panic.log", {"FAKE_STATUS": "33"})
    expect(rc == 1, "panic must fail")
    for s in ("kernel panic: PANIC: page fault", "QEMU exit status 33",
              "qemu: guest reported failure (status 33)", "last 5 console lines"):
        expect(s in out, f"panic output lacks {s!r}")


def case_boot_panic_hang():
    rc, out, secs, _ = boot("panic.log", {"FAKE_HANG": "1"}, timeout=60)
    expect(rc == 1 and "kernel panic" in out, "hung panic must fail")
    expect("timed out" not in out and secs < 20,
           "a panic must stop QEMU without waiting for the timeout")


def case_boot_reset():
    rc, out, _, _ = boot("reset.log", {})
    expect(rc == 1 and "without 'neutrino: powering off'" in out,
           "exit without power-off line (triple fault) must fail")


def case_boot_timeout():
    rc, out, secs, _ = boot("reset.log", {"FAKE_HANG": "1"}, timeout=3)
    expect(rc == 1 and "timed out; QEMU killed" in out, "hang must time out")
    expect(secs < 20, f"timeout took {secs:.1f}s")


def case_boot_status():
    rc, out, _, _ = boot("test-image.log", {"FAKE_STATUS": "3"})
    expect(rc == 1 and "QEMU exit status 3" in out,
           "nonzero QEMU status must fail even after power off")


def case_expect_ok():
    rc, out, _ = run([QEMU_TEST, "expect", "--iso", ISO, "--timeout", 60,
                      "--expect", "hello, world", "--expect", "^neutrino: powering off$"],
                     {"FAKE_LOG": str(LOGS / "default.log")})
    expect(rc == 0 and "all 2 expectations met" in out, "expect must pass")


def case_expect_order():
    rc, out, _ = run([QEMU_TEST, "expect", "--iso", ISO, "--timeout", 60,
                      "--expect", "neutrino: powering off", "--expect", "hello, world"],
                     {"FAKE_LOG": str(LOGS / "default.log")})
    expect(rc == 1 and "never saw /hello, world/ (expectation 2 of 2)" in out,
           "out-of-order expectations must fail")


def case_expect_stdin():
    feed = TMP / "input.txt"
    feed.write_text("echo hi\nneutrino: powering off\n")
    rc, out, _ = run([QEMU_TEST, "expect", "--iso", ISO, "--timeout", 60,
                      "--stdin", feed, "--expect", "^echo hi$"], {"FAKE_ECHO": "1"})
    expect(rc == 0, "--stdin must reach the guest console")


def dryrun(*args, env=None):
    e = {"NTO_QEMU_DRYRUN": "1"}
    e.update(env or {})
    rc, out, _ = run([QEMU_RUN, ISO, *args], e)
    return rc, out.splitlines()


def case_run_args():
    rc, lines = dryrun("--tcg", "--", "-s")
    expect(rc == 0 and lines[0] == "qemu: accelerator tcg (requested with --tcg)",
           "first line must name the accelerator")
    cmd = lines[1]
    for s in ("-M q35", "-m 512M", "-smp 1", "-display none", "-no-reboot",
              f"-cdrom {ISO}", "-device isa-debug-exit,iobase=0xf4,iosize=0x04",
              "-accel tcg -cpu max", "-chardev stdio,id=con,signal=off",
              "-serial chardev:con", "-monitor none"):
        expect(s in cmd, f"command lacks {s!r}")
    expect(cmd.rstrip().endswith("-s"), "extra args must come last")
    expect("-mon " not in cmd and "-icount" not in cmd, "no monitor or icount on a pipe")


def case_run_accel():
    rc, lines = dryrun("--icount")
    expect(rc == 0 and "-icount shift=0,sleep=off" in lines[1], "--icount")
    expect(lines[0] == "qemu: accelerator tcg (--icount needs TCG)", lines[0])
    rc, lines = dryrun(env={"NTO_ACCEL": "kvm"})
    expect(rc == 0 and "-accel kvm -cpu host" in lines[1], "NTO_ACCEL=kvm")
    rc, lines = dryrun("--tcg", env={"NTO_ACCEL": "kvm"})
    expect("-accel tcg" in lines[1], "--tcg overrides NTO_ACCEL")
    rc, _ = dryrun("--kvm", "--icount")
    expect(rc == 2, "--kvm --icount must be refused")
    rc, lines = dryrun()
    with open("/proc/cpuinfo") as f:
        guest = " hypervisor" in f.read()
    if guest:
        expect(lines[0].startswith("qemu: accelerator tcg (host CPU is a virtual"),
               "a guest host must choose TCG")


def case_run_status():
    for status, msg in ((0, None), (33, "qemu: guest reported failure (status 33)"),
                        (1, "qemu: exited with status 1")):
        rc, out, _ = run([QEMU_RUN, ISO], {"FAKE_STATUS": str(status)})
        expect(rc == status, f"status {status} must pass through, got {rc}")
        if msg:
            expect(msg in out, f"missing {msg!r}")


def main():
    cases = {n[5:]: f for n, f in globals().items() if n.startswith("case_")}
    if len(sys.argv) != 2 or sys.argv[1] not in cases:
        print("usage: harness_test.py CASE\ncases: " + " ".join(sorted(cases)))
        return 2
    try:
        cases[sys.argv[1]]()
    except AssertionError as e:
        print(f"harness_test: FAIL: {e}")
        return 1
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
    print(f"harness_test: {sys.argv[1]} ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
