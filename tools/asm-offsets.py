#!/usr/bin/env python3
"""Turn the '->NAME value' markers of the compiled asm-offsets.c into a header.
usage: asm-offsets.py INPUT.s OUTPUT.h"""
import re
import sys

src, dst = sys.argv[1], sys.argv[2]
out = ["/* Generated from neutrino/kernel/asm-offsets/asm-offsets.c. Do not edit. */\n",
       "#pragma once\n"]
found = 0
for line in open(src):
    m = re.search(r'->(\w+) \$?(-?\d+)', line)
    if m:
        out.append(f"#define {m.group(1)} {m.group(2)}\n")
        found += 1
if not found:
    sys.exit(f"{src}: no offsets found")
text = ''.join(out)
try:
    if open(dst).read() == text:
        sys.exit(0)
except OSError:
    pass
open(dst, 'w').write(text)
