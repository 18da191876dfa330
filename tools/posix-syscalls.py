#!/usr/bin/env python3
"""List which Linux x86_64 system calls the POSIX personality implements.

Reads the handler table of posix/syscall.c and the syscall numbers of
linux-libc-dev's asm/unistd_64.h, and prints two lists: implemented and
not implemented (those return -ENOSYS and are logged once per process).

    tools/posix-syscalls.py [--markdown]
"""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UNISTD = Path("/usr/include/x86_64-linux-gnu/asm/unistd_64.h")


def main() -> int:
    numbers = {}
    for m in re.finditer(r"#define __NR_(\w+)\s+(\d+)", UNISTD.read_text()):
        numbers[m.group(1)] = int(m.group(2))
    table = (ROOT / "posix/syscall.c").read_text()
    done = set(re.findall(r"\[NR_(\w+)\]\s*=", table))
    unknown = sorted(done - numbers.keys())
    if unknown:
        print(f"posix-syscalls: not Linux syscalls: {' '.join(unknown)}", file=sys.stderr)
        return 1
    yes = sorted(done, key=numbers.get)
    no = sorted(set(numbers) - done, key=numbers.get)
    md = "--markdown" in sys.argv[1:]
    for title, names in (("implemented", yes), ("ENOSYS", no)):
        line = " ".join(f"`{n}`" if md else n for n in names)
        print(f"{'**' if md else ''}{title} ({len(names)}){'**' if md else ''}: {line}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
