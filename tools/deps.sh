#!/usr/bin/env bash
# Host dependency check for run.sh and test.sh (Debian 12). Quiet when every
# package is installed and apt can fetch what the build downloads. Otherwise,
# as root: fix it (apt-get update, install the missing packages); as any
# other user: say what is missing and exit 1.
#
# The build fetches two Debian packages itself (tools/thirdparty/): the mksh
# binary package (`apt-get download mksh`) and the busybox source package
# (`apt-get source busybox`). So apt needs, besides the packages below, the
# package index of bookworm main and a deb-src entry for bookworm main with
# its source index. A missing deb-src entry is added as
# /etc/apt/sources.list.d/neutrino-deb-src.sources, on the same mirror (and
# suites) as the configured `deb` entries for bookworm main.
set -euo pipefail

packages=(
  build-essential cmake ninja-build python3 musl-tools
  qemu-system-x86 grub-pc-bin grub-common xorriso mtools
  dpkg-dev linux-libc-dev bzip2 xz-utils patch
)
debsrc_file=/etc/apt/sources.list.d/neutrino-deb-src.sources
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ $status == *" installed" ]] || missing+=("$pkg")
done

# targets TYPE: "URI SUITE FILE" for each apt index of TYPE (deb or deb-src)
# of a bookworm suite, component main. apt lists an entry only once its
# Release file has been downloaded, so a fresh machine lists none.
indextargets=""
scan() {
  indextargets=$(apt-get indextargets \
      --format '$(TARGET_OF) $(REPO_URI) $(RELEASE) $(COMPONENT) $(FILENAME)' \
      2>/dev/null || true)
}
targets() {
  awk -v t="$1" '$1 == t && $3 ~ /^bookworm/ && $4 == "main" { print $2, $3, $5 }' \
      <<<"$indextargets"
}
# apt_ready: both kinds of entry are there and their index files downloaded.
apt_ready() {
  [[ -n $(targets deb) && -n $(targets deb-src) ]] || return 1
  local file
  while read -r _ _ file; do
    [[ -e $file ]] || return 1
  done < <(targets deb; targets deb-src)
}

scan
((${#missing[@]} == 0)) && apt_ready && exit 0

if [[ $(id -u) -ne 0 ]]; then
  if ! apt_ready; then
    echo "deps: apt is not ready for the build's downloads (package lists, or a" \
         "deb-src entry for bookworm main); as root, tools/deps.sh sets it up:" >&2
    echo "  sudo tools/deps.sh" >&2
  fi
  if ((${#missing[@]})); then
    echo "deps: missing packages: ${missing[*]}; install them with:" >&2
    echo "  sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  fi
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
update() {
  echo "deps: apt-get update" >&2
  apt-get -qq update >/dev/null
  scan
}
[[ -n $(targets deb) ]] || update
if [[ -z $(targets deb-src) ]]; then
  # One deb-src stanza per deb entry (URI, suite) for bookworm main.
  src=$(targets deb | awk '{ print $1, $2 }' | sort -u)
  if [[ -z $src ]]; then
    echo "deps: apt has no 'deb' entry for bookworm main; cannot derive a deb-src entry" >&2
    exit 1
  fi
  echo "deps: adding deb-src entries for bookworm main ($debsrc_file)" >&2
  {
    echo "# Added by neutrino's tools/deps.sh: the build runs apt-get source busybox."
    while read -r uri suite; do
      echo
      echo "Types: deb-src"
      echo "URIs: $uri"
      echo "Suites: $suite"
      echo "Components: main"
      if [[ -r $keyring ]]; then echo "Signed-By: $keyring"; fi
    done <<<"$src"
  } >"$debsrc_file"
  update
fi
apt_ready || update
if ! apt_ready; then
  echo "deps: apt-get update did not fetch the bookworm main indexes (deb and deb-src)" >&2
  exit 1
fi
if ((${#missing[@]})); then
  echo "deps: installing missing packages: ${missing[*]}" >&2
  apt-get install -qq -y --no-install-recommends "${missing[@]}" >/dev/null
fi
