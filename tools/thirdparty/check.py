#!/usr/bin/env python3
"""Host checks of the third-party userland (ctest host.thirdparty.*, from
tests/system/CMakeLists.txt). Each exits 0 when the check holds, 1 with the
reasons otherwise.

  check.py mksh --dir D --known K
      D is build/thirdparty/mksh. Extracts D/mksh.deb again with dpkg-deb -x
      into a temporary directory and requires: the sha256 of its
      usr/lib/x86_64-linux-musl/bin/mksh equals that of D/mksh (the file the
      image gets) and the one recorded in D/mksh.sha256, its md5 matches the
      package's md5sums, and K (known.sha256) agrees when it lists the
      version. Prints the sha256.
  check.py busybox --dir D --buildfile B
      D is build/thirdparty/busybox. Requires every applet the issue names
      in D/busybox.applets (what `busybox --list` printed), and B's
      bin/<name> -> /proc/boot/busybox links to be exactly that list.
  check.py image --ifs IMG --mksh-dir M --busybox FILE
      Reads the boot image IMG and requires: /proc/boot/mksh byte-identical
      to the mksh in the package M/mksh.deb (extracted again), bin/sh a link
      to /proc/boot/mksh, /proc/boot/busybox identical to FILE.
"""

import argparse
import hashlib
import re
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

MKSH_MEMBER = "usr/lib/x86_64-linux-musl/bin/mksh"
# The applets issue 4 requires ("Userland in the default image").
REQUIRED_APPLETS = """ls cat cp mv rm mkdir rmdir ln echo printf sleep kill ps top grep sed
awk sort uniq wc head tail find xargs env date uname test true false vi sha256sum dd stat
touch chmod more""".split()


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def deb_member(deb, member):
    """(bytes of member, md5 listed in the package's md5sums) from a fresh
    dpkg-deb extraction of deb."""
    with tempfile.TemporaryDirectory(prefix="check-deb-") as tmp:
        subprocess.run(["dpkg-deb", "-x", str(deb), tmp + "/root"], check=True)
        subprocess.run(["dpkg-deb", "-e", str(deb), tmp + "/control"], check=True)
        data = (Path(tmp) / "root" / member).read_bytes()
        md5 = None
        for line in (Path(tmp) / "control" / "md5sums").read_text().splitlines():
            parts = line.split(None, 1)
            if len(parts) == 2 and parts[1] == member:
                md5 = parts[0]
    return data, md5


def check_mksh(args):
    d = Path(args.dir)
    deb = d / "mksh.deb"
    version = subprocess.run(["dpkg-deb", "-f", str(deb), "Version"], check=True,
                             capture_output=True, text=True).stdout.strip()
    data, md5 = deb_member(deb, MKSH_MEMBER)
    want = sha256(data)
    bad = []
    if hashlib.md5(data).hexdigest() != md5:
        bad.append(f"package md5sums lists {md5}, file has {hashlib.md5(data).hexdigest()}")
    got = sha256((d / "mksh").read_bytes())
    if got != want:
        bad.append(f"{d / 'mksh'}: sha256 {got}, package file {want}")
    recorded = (d / "mksh.sha256").read_text().split()
    if recorded[:3] != [want, "mksh", version]:
        bad.append(f"{d / 'mksh.sha256'} says {' '.join(recorded)}, expected {want} mksh {version}")
    for line in Path(args.known).read_text().splitlines():
        f = line.split()
        if len(f) == 3 and f[1:] == ["mksh", version] and f[0] != want:
            bad.append(f"{args.known} records {f[0]} for mksh {version}, package has {want}")
    print(f"mksh {version}: {MKSH_MEMBER} sha256 {want}")
    return bad


def buildfile_links(path, target):
    """Names of the [type=link] NAME = TARGET lines of a buildfile."""
    names = []
    rx = re.compile(r'^\[type=link\]\s+("([^"]+)"|(\S+))\s*=\s*(\S+)\s*$')
    for line in Path(path).read_text().splitlines():
        m = rx.match(line.strip())
        if m and m.group(4) == target:
            names.append(m.group(2) or m.group(3))
    return names


def check_busybox(args):
    d = Path(args.dir)
    applets = (d / "busybox.applets").read_text().split()
    bad = [f"busybox lacks required applet {a}" for a in REQUIRED_APPLETS if a not in applets]
    links = buildfile_links(args.buildfile, "/proc/boot/busybox")
    linked = {n[len("bin/"):] for n in links if n.startswith("bin/")}
    bad += [f"{args.buildfile}: no link bin/{a} for applet {a}" for a in applets
            if a not in linked]
    bad += [f"{args.buildfile}: bin/{a} links to busybox, which has no applet {a}"
            for a in sorted(linked - set(applets))]
    bad += [f"{args.buildfile}: busybox link outside bin/: {n}" for n in links
            if not n.startswith("bin/")]
    print(f"busybox: {len(applets)} applets, {len(linked)} links in {args.buildfile}")
    return bad


def ifs_entries(path):
    """{name: (type, bytes or link target)} from a boot image
    (neutrino/public/sys/imagefs.h)."""
    img = Path(path).read_bytes()
    if img[:8] != b"NTOIFS01":
        raise ValueError(f"{path}: not a boot image")
    n_entries, = struct.unpack_from("<I", img, 12)
    strtab_off, = struct.unpack_from("<Q", img, 24)

    def string(off):
        start = strtab_off + off
        return img[start:img.index(b"\0", start)].decode()

    out = {}
    for i in range(n_entries):
        data_off, size, name_off, target_off, _mode, _uid, _gid, _mtime, typ, _fl = \
            struct.unpack_from("<QQIIIIIIHH", img, 64 + 48 * i)
        name = string(name_off)
        if typ == 1:
            out[name] = ("file", img[data_off:data_off + size])
        elif typ == 3:
            out[name] = ("link", string(target_off))
        else:
            out[name] = ("dir", None)
    return out


def check_image(args):
    ents = ifs_entries(args.ifs)
    data, _ = deb_member(Path(args.mksh_dir) / "mksh.deb", MKSH_MEMBER)
    bad = []
    typ, got = ents.get("mksh", (None, None))
    if typ != "file" or got != data:
        bad.append(f"{args.ifs}: mksh differs from {MKSH_MEMBER} of the package "
                   f"(sha256 {sha256(got) if got else 'absent'} vs {sha256(data)})")
    if ents.get("bin/sh") != ("link", "/proc/boot/mksh"):
        bad.append(f"{args.ifs}: bin/sh is {ents.get('bin/sh')}, not a link to /proc/boot/mksh")
    typ, got = ents.get("busybox", (None, None))
    if typ != "file" or got != Path(args.busybox).read_bytes():
        bad.append(f"{args.ifs}: busybox differs from {args.busybox}")
    print(f"{args.ifs}: {len(ents)} entries; mksh sha256 {sha256(data)}")
    return bad


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("mksh")
    s.add_argument("--dir", required=True)
    s.add_argument("--known", required=True)
    s = sub.add_parser("busybox")
    s.add_argument("--dir", required=True)
    s.add_argument("--buildfile", required=True)
    s = sub.add_parser("image")
    s.add_argument("--ifs", required=True)
    s.add_argument("--mksh-dir", required=True)
    s.add_argument("--busybox", required=True)
    args = p.parse_args(argv)
    try:
        bad = {"mksh": check_mksh, "busybox": check_busybox, "image": check_image}[args.cmd](args)
    except (OSError, ValueError, subprocess.CalledProcessError) as e:
        bad = [f"cannot check: {e} (build first: ninja -C build)"]
    for b in bad:
        print(f"check: FAIL: {b}")
    if not bad:
        print(f"check: {args.cmd} OK")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
