#!/usr/bin/env bash
# Host dependency check for run.sh and test.sh (Debian 12). Quiet when every
# package is installed. Otherwise, as root: apt-get update + install of the
# missing packages; as any other user: print the exact command and exit 1.
set -euo pipefail

packages=(
  build-essential cmake ninja-build python3 musl-tools
  qemu-system-x86 grub-pc-bin grub-common xorriso mtools
)

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ $status == *" installed" ]] || missing+=("$pkg")
done
((${#missing[@]} == 0)) && exit 0

echo "deps: missing packages: ${missing[*]}" >&2
if [[ $(id -u) -ne 0 ]]; then
  echo "deps: install them with:" >&2
  echo "  sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends "${missing[@]}"
