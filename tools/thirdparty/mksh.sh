#!/usr/bin/env bash
# Obtains /bin/sh for the boot image: the musl-linked mksh from Debian's mksh
# binary package, byte for byte. Run by the build (cmake/ThirdParty.cmake,
# target mksh) as:
#
#   tools/thirdparty/mksh.sh OUTDIR KNOWN
#
#   1. OUTDIR/dl/mksh_*.deb: `apt-get download mksh` (apt checks it against
#      the signed package index), unless a .deb is already there: later
#      builds work offline.
#   2. Extracts usr/lib/x86_64-linux-musl/bin/mksh with dpkg-deb -x, checks
#      it against the package's own DEBIAN/md5sums entry, and checks that it
#      is a static x86_64 ELF executable.
#   3. Writes OUTDIR/mksh (the file itself), OUTDIR/mksh.sha256
#      ("<sha256>  mksh <version>") and OUTDIR/mksh.deb (a symlink to the
#      package, for tools/thirdparty/check-mksh.sh).
# KNOWN (tools/thirdparty/known.sha256) lists "<sha256> <package> <version>"
# lines: a package version listed there must match its recorded sha256
# (mismatch: fail); a version not listed yet gets a warning with the line to
# add.
set -euo pipefail

if (($# != 2)); then
  echo "usage: $0 OUTDIR KNOWN" >&2
  exit 2
fi
out=$(realpath -m "$1")
known=$(realpath "$2")
member=usr/lib/x86_64-linux-musl/bin/mksh
mkdir -p "$out/dl"

fail() {
  echo "mksh.sh: $1" >&2
  if [[ -n ${2:-} && -f $2 ]]; then
    tail -n 20 "$2" | sed 's/^/  | /' >&2
  fi
  exit 1
}

deb=$(find "$out/dl" -maxdepth 1 -name 'mksh_*_amd64.deb' | sort | tail -n 1)
if [[ -z $deb ]]; then
  log=$out/fetch.log
  if ! (cd "$out/dl" && apt-get download mksh) >"$log" 2>&1; then
    fail "apt-get download mksh failed (offline, or apt's lists missing: run tools/deps.sh as root)" "$log"
  fi
  deb=$(find "$out/dl" -maxdepth 1 -name 'mksh_*_amd64.deb' | sort | tail -n 1)
  [[ -n $deb ]] || fail "apt-get download left no mksh .deb in $out/dl" "$log"
fi
version=$(dpkg-deb -f "$deb" Version)

tmp=$(mktemp -d "$out/.x.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -x "$deb" "$tmp/root"
dpkg-deb -e "$deb" "$tmp/control"
[[ -f $tmp/root/$member ]] || fail "$deb has no $member"
want_md5=$(awk -v m="$member" '$2 == m { print $1 }' "$tmp/control/md5sums")
[[ -n $want_md5 ]] || fail "$deb: md5sums does not list $member"
got_md5=$(md5sum <"$tmp/root/$member" | awk '{ print $1 }')
[[ $got_md5 == "$want_md5" ]] ||
  fail "$member: md5 $got_md5, but the package's md5sums says $want_md5"
# ELF64, little-endian, ET_EXEC (2), x86_64 (62), no PT_INTERP.
python3 - "$tmp/root/$member" <<'PY' || fail "$member is not a static x86_64 ELF executable"
import struct, sys
d = open(sys.argv[1], "rb").read()
ok = d[:4] == b"\x7fELF" and d[4] == 2 and d[5] == 1
e_type, e_machine = struct.unpack_from("<HH", d, 16)
phoff, = struct.unpack_from("<Q", d, 32)
phentsize, phnum = struct.unpack_from("<HH", d, 54)
interp = any(struct.unpack_from("<I", d, phoff + i * phentsize)[0] == 3 for i in range(phnum))
sys.exit(0 if ok and e_type == 2 and e_machine == 62 and not interp else 1)
PY
sha=$(sha256sum <"$tmp/root/$member" | awk '{ print $1 }')

recorded=$(awk -v v="$version" '$2 == "mksh" && $3 == v { print $1 }' "$known")
if [[ -n $recorded && $recorded != "$sha" ]]; then
  fail "mksh $version: sha256 $sha, but $known records $recorded"
elif [[ -z $recorded ]]; then
  echo "mksh.sh: warning: mksh $version is not in $known; its line would be:" >&2
  echo "  $sha mksh $version" >&2
fi

# Publish: the file exactly as the package holds it.
cp "$tmp/root/$member" "$tmp/mksh"
chmod 0755 "$tmp/mksh"
mv -f "$tmp/mksh" "$out/mksh"
echo "$sha  mksh $version" >"$out/mksh.sha256"
ln -sfn "dl/$(basename "$deb")" "$out/mksh.deb"
