#!/usr/bin/env bash
# ctest host.oracle.<name>: plays tests/system/<name>.scn against the Linux
# oracle (linux-guest.py: the system image's mksh and busybox run on the
# host in a chroot on a pseudo-terminal), which checks the scenario itself.
#   oracle.sh SCENARIO IFS LOG
# Exit 77 (ctest: skipped) when this host cannot run the oracle (not root,
# or no mount/pid namespaces).
set -euo pipefail
if (($# != 3)); then
  echo "usage: $0 SCENARIO IFS LOG" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
if [[ $(id -u) -ne 0 ]] || ! unshare --mount --pid --fork true 2>/dev/null; then
  echo "oracle: needs root and mount/pid namespaces (unshare); skipped"
  exit 77
fi
if [[ ! -r $2 ]]; then
  echo "oracle: no image $2 (build first: ninja -C build)"
  exit 1
fi
# qemu-run.sh refuses an ISO it cannot read; the image stands in for it.
# No UART to overrun: type fast.
ORACLE_IFS=$2 NTO_QEMU=$here/linux-guest.py exec python3 "$here/../../../tools/qemu-test.py" \
  session --iso "$2" --scenario "$1" --log "$3" --timeout 240 --quiet --char-delay 2
