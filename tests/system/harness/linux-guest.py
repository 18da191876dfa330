#!/usr/bin/env python3
"""The scenario oracle: stands in for QEMU (NTO_QEMU=this) and "boots" the
system image on the Linux host instead, so that the scenarios in tests/system
can be checked against the real mksh and busybox before (and while) the
system runs them. Needs root (mount and pid namespaces, chroot).

    ORACLE_IFS=build/images/system.ifs NTO_QEMU=tests/system/harness/linux-guest.py \\
        tools/qemu-test.py session --iso build/images/system.iso --scenario S.scn

It extracts the image into a temporary root as procnto serves it: the whole
image at /proc/boot, and its symbolic links also at /<name> (bin/sh is also
/bin/sh); /tmp and /dev/shm are tmpfs, /dev holds null, zero, full,
random, urandom and tty. It prints the
kernel's boot banner, then runs `/proc/boot/mksh -l` as a session leader on
a pseudo-terminal that stands for the serial console (stdin typed into it,
its output to stdout), and powers off when the shell exits.

Differences from the real system, so some checks cannot pass here: /proc
holds only boot/ (no procfs: ps lists nothing, no /proc/meminfo or
/proc/<pid>/fd), and the servers of the startup script do not run.
"""
import os
import pty
import select
import shutil
import signal
import stat
import struct
import subprocess
import sys
import tempfile

BANNER = "neutrino: x86_64 microkernel booting"
DEVICES = (("null", 1, 3), ("zero", 1, 5), ("full", 1, 7), ("random", 1, 8),
           ("urandom", 1, 9), ("tty", 5, 0))


def ifs_entries(path):
    img = open(path, "rb").read()
    if img[:8] != b"NTOIFS01":
        sys.exit(f"linux-guest: {path}: not a boot image")
    n, = struct.unpack_from("<I", img, 12)
    strtab, = struct.unpack_from("<Q", img, 24)

    def string(off):
        return img[strtab + off:img.index(b"\0", strtab + off)].decode()

    for i in range(n):
        off, size, name, target, mode, _u, _g, _t, typ, _f = \
            struct.unpack_from("<QQIIIIIIHH", img, 64 + 48 * i)
        yield string(name), typ, mode, img[off:off + size], string(target) if typ == 3 else None


def build_root(ifs, root):
    boot = os.path.join(root, "proc", "boot")
    os.makedirs(boot)
    script = b""
    for name, typ, mode, data, target in ifs_entries(ifs):
        for base in [boot] + ([root] if typ == 3 else []):
            p = os.path.join(base, name)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            if typ == 1:
                with open(p, "wb") as f:
                    f.write(data)
                os.chmod(p, stat.S_IMODE(mode))
            elif typ == 3:
                os.symlink(target, p)
            else:
                os.makedirs(p, exist_ok=True)
        if name == "startup":
            script = data
    for d in ("tmp", "dev", "dev/shm"):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    # Device nodes of its own (never a bind of the host's /dev, which the
    # clean-up would then empty).
    for name, major, minor in DEVICES:
        os.mknod(os.path.join(root, "dev", name), 0o666 | stat.S_IFCHR,
                 os.makedev(major, minor))
    return script.decode()


def mount(*args):
    subprocess.run(["mount", *args], check=True)


def bridge(master, child):
    """Copy stdin to the terminal and the terminal to stdout until the shell
    exits; return its wait status."""
    fds = [0, master]
    while True:
        r, _, _ = select.select(fds, [], [], 0.5)
        if 0 in r:
            data = os.read(0, 1024)
            if not data:
                fds.remove(0)
            else:
                os.write(master, data)
        if master in r:
            try:
                data = os.read(master, 4096)
            except OSError:
                data = b""
            if data:
                os.write(1, data)
        pid, status = os.waitpid(child, os.WNOHANG)
        if pid:
            try:
                while True:
                    data = os.read(master, 4096)
                    if not data:
                        break
                    os.write(1, data)
            except OSError:
                pass
            return status


def main():
    ifs = os.environ.get("ORACLE_IFS")
    if not ifs:
        sys.exit("linux-guest: set ORACLE_IFS to the system image (.ifs)")
    if os.environ.get("LINUX_GUEST_NS") != "1":
        # Private mount and pid namespaces; the child is killed with us.
        os.environ["LINUX_GUEST_NS"] = "1"
        os.execvp("unshare", ["unshare", "--mount", "--pid", "--fork", "--kill-child",
                              sys.executable, os.path.abspath(__file__)] + sys.argv[1:])
    mount("--make-rprivate", "/")
    root = tempfile.mkdtemp(prefix="linux-guest-")
    try:
        script = build_root(ifs, root)
        mount("-t", "tmpfs", "tmpfs", os.path.join(root, "tmp"))
        mount("-t", "tmpfs", "tmpfs", os.path.join(root, "dev/shm"))
        out = sys.stdout
        out.write(f"\n{BANNER}\nprocnto: starting (Linux oracle)\n")
        for line in script.splitlines():
            if line.startswith("display_msg "):
                out.write(line[len("display_msg "):] + "\n")
            if "mksh" in line:
                break
        out.flush()
        pid, master = pty.fork()
        if pid == 0:
            # Dispositions as a freshly booted system gives them: a shell's
            # background job (qemu-run.sh starts QEMU with &) ignores SIGINT
            # and SIGQUIT, and Python ignores SIGPIPE.
            for sig in (signal.SIGINT, signal.SIGQUIT, signal.SIGPIPE):
                signal.signal(sig, signal.SIG_DFL)
            os.chroot(root)
            os.chdir("/")
            os.execve("/proc/boot/mksh", ["-sh", "-l"], {})
        status = bridge(master, pid)
        out.write(f"\nNeutrino: the shell exited\nneutrino: powering off\n")
        out.flush()
        return 0 if os.WIFEXITED(status) else 1
    finally:
        for m in ("dev/shm", "tmp"):
            subprocess.run(["umount", os.path.join(root, m)], check=False)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
