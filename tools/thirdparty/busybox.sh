#!/usr/bin/env bash
# Builds busybox for the boot image from Debian's busybox source package,
# static, with musl-gcc. Run by the build (cmake/ThirdParty.cmake, target
# busybox) as:
#
#   tools/thirdparty/busybox.sh OUTDIR FRAGMENT
#
# Steps, each skipped when its result is already in OUTDIR:
#   1. OUTDIR/dl/: `apt-get source --download-only busybox` (the .dsc and its
#      tarballs; apt checks them against the signed Sources index). Needs a
#      deb-src entry for bookworm main (tools/deps.sh adds one). Kept, so
#      later builds work offline.
#   2. OUTDIR/src/: dpkg-source -x (Debian's patches applied).
#   3. OUTDIR/obj/.config: `make allnoconfig`, then every option in FRAGMENT
#      (tools/thirdparty/busybox.fragment) set, then `make oldconfig`; fails
#      if kconfig dropped any of them.
#   4. OUTDIR/obj/busybox: make with CC=musl-gcc. The Linux UAPI headers
#      (linux/, asm/, asm-generic/, mtd/ from linux-libc-dev) are symlinked
#      into OUTDIR/uapi and given with -isystem, so no glibc header is seen.
# Output: OUTDIR/busybox (the binary), OUTDIR/busybox.applets (one applet
# name per line, from `busybox --list`), OUTDIR/busybox.version (the Debian
# source version). SOURCE_DATE_EPOCH is the changelog's date, so the binary
# is the same from one build to the next. The step logs are OUTDIR/*.log; a failing step prints the
# tail of its log. A change of FRAGMENT or of this script redoes steps 3
# and 4 only (from an empty OUTDIR/obj).
set -euo pipefail

if (($# != 2)); then
  echo "usage: $0 OUTDIR FRAGMENT" >&2
  exit 2
fi
out=$(realpath -m "$1")
fragment=$(realpath "$2")
mkdir -p "$out/dl"

fail() {
  echo "busybox.sh: $1" >&2
  if [[ -n ${2:-} && -f $2 ]]; then
    echo "busybox.sh: last lines of $2:" >&2
    tail -n 30 "$2" | sed 's/^/  | /' >&2
  fi
  exit 1
}

# 1. Source package.
dsc=$(find "$out/dl" -maxdepth 1 -name 'busybox_*.dsc' | sort | tail -n 1)
if [[ -z $dsc ]]; then
  log=$out/fetch.log
  if ! (cd "$out/dl" && apt-get source --download-only busybox) >"$log" 2>&1; then
    fail "apt-get source --download-only busybox failed (offline, or no deb-src entry for bookworm main: run tools/deps.sh as root)" "$log"
  fi
  dsc=$(find "$out/dl" -maxdepth 1 -name 'busybox_*.dsc' | sort | tail -n 1)
  [[ -n $dsc ]] || fail "apt-get source left no busybox .dsc in $out/dl" "$log"
fi
version=$(sed -n 's/^Version: //p' "$dsc" | head -n 1)
[[ -n $version ]] || fail "no Version in $dsc"

# 2. Unpacked, patched source (redone if the cached .dsc changed).
if [[ ! -f $out/src/.unpacked || $(cat "$out/src/.unpacked") != "$version" ]]; then
  rm -rf "$out/src" "$out/obj"
  log=$out/unpack.log
  dpkg-source --no-copy -x "$dsc" "$out/src" >"$log" 2>&1 || fail "dpkg-source -x $dsc failed" "$log"
  echo "$version" >"$out/src/.unpacked"
fi

# Reproducible: the build date busybox prints is the Debian changelog's.
SOURCE_DATE_EPOCH=$(dpkg-parsechangelog -l "$out/src/debian/changelog" -STimestamp)
export SOURCE_DATE_EPOCH

# Private UAPI include directory: only the kernel's own header trees.
uapi=$out/uapi
mkdir -p "$uapi"
for d in /usr/include/linux /usr/include/asm-generic /usr/include/mtd \
         /usr/include/x86_64-linux-gnu/asm; do
  [[ -d $d ]] || fail "$d missing (install linux-libc-dev)"
  ln -sfn "$d" "$uapi/$(basename "$d")"
done

# 3. Configuration.
obj=$out/obj
mkdir -p "$obj"
mk=(make -C "$out/src" O="$obj" CC=musl-gcc HOSTCC=gcc)
# The stamp: FRAGMENT and this script's own hash; a change of either
# reconfigures and rebuilds.
cfg_stamp=$obj/.fragment
want_stamp=$out/.fragment.want
{ cat "$fragment"; echo "# $(sha256sum <"$0")"; } >"$want_stamp"
if [[ ! -f $obj/.config || ! -f $cfg_stamp ]] || ! cmp -s "$want_stamp" "$cfg_stamp"; then
  log=$out/config.log
  # From scratch: kbuild would not recompile everything a config change
  # touches (the build date in libbb/messages.c, for one).
  rm -rf "$obj"
  mkdir -p "$obj"
  "${mk[@]}" allnoconfig >"$log" 2>&1 || fail "make allnoconfig failed" "$log"
  # FRAGMENT lines: CONFIG_NAME=value, where value n means "is not set";
  # comments and blank lines skipped.
  python3 - "$obj/.config" "$fragment" "$uapi" <<'PY' || fail "applying $fragment failed"
import re, sys
config, fragment, uapi = sys.argv[1:]
want = {}
for n, line in enumerate(open(fragment), 1):
    line = line.strip()
    if not line or line.startswith("#"):
        continue
    m = re.fullmatch(r"(CONFIG_[A-Z0-9_]+)=(.*)", line)
    if not m:
        sys.exit(f"{fragment}:{n}: not CONFIG_NAME=value: {line}")
    want[m.group(1)] = m.group(2)
want["CONFIG_EXTRA_CFLAGS"] = f'"-isystem {uapi}"'
lines, seen = [], set()
for line in open(config):
    m = re.match(r"(?:# )?(CONFIG_[A-Z0-9_]+)[ =]", line)
    if m and m.group(1) in want:
        name = m.group(1)
        if want[name] == "n":
            line = f"# {name} is not set\n"
        else:
            line = f"{name}={want[name]}\n"
        seen.add(name)
    lines.append(line)
missing = sorted(set(want) - seen)
if missing:
    sys.exit("options unknown to this busybox: " + " ".join(missing))
open(config, "w").writelines(lines)
PY
  # New options take their defaults (yes dies of SIGPIPE: no pipefail here).
  (set +o pipefail; yes "" | "${mk[@]}" oldconfig) >>"$log" 2>&1 ||
    fail "make oldconfig failed" "$log"
  python3 - "$obj/.config" "$fragment" <<'PY' || fail "kconfig refused part of $fragment (see above)"
import re, sys
config, fragment = sys.argv[1:]
got = {}
for line in open(config):
    m = re.match(r"(CONFIG_[A-Z0-9_]+)=(.*)", line.strip())
    if m:
        got[m.group(1)] = m.group(2)
bad = []
for line in open(fragment):
    m = re.fullmatch(r"(CONFIG_[A-Z0-9_]+)=(.*)", line.strip())
    if m and got.get(m.group(1)) != (None if m.group(2) == "n" else m.group(2)):
        bad.append(f"{m.group(1)}: wanted {m.group(2)}, got {got.get(m.group(1), 'unset')}")
for b in bad:
    print("busybox.sh: " + b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
  mv -f "$want_stamp" "$cfg_stamp"
fi
rm -f "$want_stamp"

# 4. Build.
if [[ ! -x $obj/busybox ]]; then
  log=$out/build.log
  start=$(date +%s)
  "${mk[@]}" -j"$(nproc)" busybox >"$log" 2>&1 || fail "busybox build failed" "$log"
  echo "busybox.sh: busybox $version built in $(($(date +%s) - start)) s" >&2
fi
file_out=$(head -c 20 "$obj/busybox" | od -An -tx1 | tr -d ' \n')
[[ $file_out == 7f454c46020101* ]] || fail "$obj/busybox is not an x86_64 ELF"

# Publish (only when changed, so the image is not rebuilt needlessly).
tmp=$out/.publish
mkdir -p "$tmp"
cp "$obj/busybox" "$tmp/busybox"
"$tmp/busybox" --list | sort >"$tmp/busybox.applets"
echo "$version" >"$tmp/busybox.version"
for f in busybox busybox.applets busybox.version; do
  cmp -s "$tmp/$f" "$out/$f" || mv -f "$tmp/$f" "$out/$f"
done
rm -rf "$tmp"
touch "$out/busybox"
