#!/usr/bin/env bash
# Build the system and boot an image in QEMU with its console on this
# terminal (Ctrl-A x quits). The README's first quick-start command.
#
#   ./run.sh [--tcg|--kvm] [--icount] [--image NAME] [-- extra qemu args]
#
# Installs missing Debian packages (tools/deps.sh), configures ./build on
# first use, runs `ninja -C build`, then boots build/images/NAME.iso
# (default: system, the shell image) with tools/qemu-run.sh. Input piped into run.sh goes to
# the guest console: printf 'echo hi\nexit\n' | ./run.sh
set -euo pipefail
cd "$(dirname "$0")"

usage() {
  echo "usage: $0 [--tcg|--kvm] [--icount] [--image NAME] [-- extra qemu args]" >&2
  exit 2
}

image=system
opts=()
extra=()
while (($#)); do
  case $1 in
    --tcg|--kvm|--icount) opts+=("$1") ;;
    --image) (($# >= 2)) || usage; image=$2; shift ;;
    --image=*) image=${1#--image=} ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) usage ;;
    *) echo "run.sh: unknown argument $1" >&2; usage ;;
  esac
  shift
done

# Keep stdin for the guest: nothing before QEMU may read it.
tools/deps.sh </dev/null
if [[ ! -f build/build.ninja ]]; then
  cmake -G Ninja -S . -B build </dev/null
fi
ninja -C build </dev/null

iso=build/images/$image.iso
if [[ ! -f $iso ]]; then
  echo "run.sh: $iso was not built; images: $(cd build/images 2>/dev/null && ls -- *.iso 2>/dev/null | sed 's/\.iso$//' | tr '\n' ' ')" >&2
  exit 1
fi
exec tools/qemu-run.sh "$iso" "${opts[@]}" -- "${extra[@]}"
