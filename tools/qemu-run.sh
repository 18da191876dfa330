#!/usr/bin/env bash
# The QEMU launcher for every boot of a neutrino ISO: run.sh (interactive),
# tools/qemu-test.py (tests) and benchmarks. Chooses the accelerator, wires
# the guest's COM1 to this terminal (or to stdin/stdout when they are not a
# terminal) and turns QEMU's exit status into a verdict.
#
#   tools/qemu-run.sh ISO [--tcg|--kvm] [--icount] [-- extra qemu args]
#
# First line of output: "qemu: accelerator tcg|kvm (reason)".
# Accelerator: --tcg/--kvm, else NTO_ACCEL=tcg|kvm, else KVM only when
# /dev/kvm works and the host CPU is not itself a guest (no "hypervisor" flag
# in /proc/cpuinfo: nested KVM runs kernel code hundreds of times slower
# than TCG), else TCG. --icount (TCG only) makes the guest TSC count
# instructions: -icount shift=0,sleep=off.
# Exit status: 0 when the guest powers off; isa-debug-exit statuses pass
# through (a kernel panic writes 0x10: QEMU exits 33).
# Environment: NTO_QEMU (QEMU binary, default qemu-system-x86_64),
# NTO_QEMU_DRYRUN=1 (print the command instead of running it).
set -euo pipefail

usage() {
  echo "usage: $0 ISO [--tcg|--kvm] [--icount] [-- extra qemu args]" >&2
  exit 2
}

iso="" accel="" icount=0 extra=()
while (($#)); do
  case $1 in
    --tcg) accel=tcg ;;
    --kvm) accel=kvm ;;
    --icount) icount=1 ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) usage ;;
    -*) echo "qemu-run: unknown option $1" >&2; usage ;;
    *) [[ -z $iso ]] || usage; iso=$1 ;;
  esac
  shift
done
[[ -n $iso ]] || usage

# kvm_works: /dev/kvm opens read-write and answers KVM_GET_API_VERSION (12).
kvm_works() {
  python3 - <<'PY' 2>/dev/null
import fcntl, os, sys
fd = os.open("/dev/kvm", os.O_RDWR | os.O_CLOEXEC)
sys.exit(0 if fcntl.ioctl(fd, 0xAE00) == 12 else 1)
PY
}

reason=""
if [[ -n $accel ]]; then
  reason="requested with --$accel"
elif [[ -n ${NTO_ACCEL:-} ]]; then
  case $NTO_ACCEL in
    tcg|kvm) accel=$NTO_ACCEL; reason="requested with NTO_ACCEL=$NTO_ACCEL" ;;
    *) echo "qemu-run: NTO_ACCEL must be tcg or kvm, not '$NTO_ACCEL'" >&2; exit 2 ;;
  esac
elif ((icount)); then
  accel=tcg reason="--icount needs TCG"
elif grep -qw hypervisor /proc/cpuinfo 2>/dev/null; then
  accel=tcg reason="host CPU is a virtual machine; nested KVM is slow, --kvm forces it"
elif ! kvm_works; then
  accel=tcg reason="/dev/kvm not usable"
else
  accel=kvm reason="/dev/kvm usable on a bare-metal host"
fi
if ((icount)) && [[ $accel == kvm ]]; then
  echo "qemu-run: --icount needs TCG, but KVM was requested" >&2
  exit 2
fi

cmd=("${NTO_QEMU:-qemu-system-x86_64}"
  -M q35 -m 512M -smp 1 -display none -no-reboot
  -cdrom "$iso" -boot d
  -device isa-debug-exit,iobase=0xf4,iosize=0x04)
if [[ $accel == kvm ]]; then
  cmd+=(-accel kvm -cpu host)
else
  cmd+=(-accel tcg -cpu max)
  # The RTC follows the virtual clock too, so device timing matches the TSC.
  ((icount)) && cmd+=(-icount shift=0,sleep=off -rtc clock=vm)
fi
# COM1 on the terminal, with the monitor muxed in (Ctrl-A c; Ctrl-A x quits)
# and ^C going to the guest. Without a terminal the console is a plain byte
# stream: stdin feeds the guest, no monitor, no Ctrl-A escapes.
tty=0
if [[ -t 0 ]]; then
  tty=1
  cmd+=(-chardev stdio,id=con,mux=on,signal=off -serial chardev:con
        -mon chardev=con,mode=readline)
else
  cmd+=(-chardev stdio,id=con,signal=off -serial chardev:con -monitor none)
fi
cmd+=("${extra[@]}")

echo "qemu: accelerator $accel ($reason)"
if [[ ${NTO_QEMU_DRYRUN:-} == 1 ]]; then
  for a in "${cmd[@]}"; do
    if [[ $a =~ ^[A-Za-z0-9_./,=:+@%-]+$ ]]; then printf '%s ' "$a"; else printf '%q ' "$a"; fi
  done
  echo
  exit 0
fi
if [[ ! -r $iso ]]; then
  echo "qemu-run: cannot read ISO $iso" >&2
  exit 2
fi

# QEMU puts the terminal in raw mode; put it back however QEMU ends. QEMU
# runs as a child so this shell can forward signals and restore the tty
# even when QEMU is killed.
qpid=""
if ((tty)); then
  saved_tty=$(stty -g)
  trap 'stty "$saved_tty" 2>/dev/null || true' EXIT
fi
forward() {
  [[ -n $qpid ]] && kill "-$1" "$qpid" 2>/dev/null || true
}
trap 'forward TERM' TERM
trap 'forward HUP' HUP
trap 'forward INT' INT
"${cmd[@]}" <&0 &
qpid=$!
status=""
while [[ -z $status ]]; do
  # wait returns early (status > 128) when a trapped signal arrives; only
  # a second wait on an exited child settles the real status.
  if wait "$qpid"; then status=0; else status=$?; fi
  if ((status > 128)) && kill -0 "$qpid" 2>/dev/null; then status=""; fi
done

if ((status == 0)); then
  exit 0
elif ((status > 128)); then
  echo "qemu: killed by signal $((status - 128))" >&2
elif ((status % 2 == 1 && status > 1)); then
  echo "qemu: guest reported failure (status $status)" >&2
else
  echo "qemu: exited with status $status" >&2
fi
exit "$status"
