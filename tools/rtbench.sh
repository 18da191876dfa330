#!/usr/bin/env bash
# Build the benchmark image, boot it under QEMU and print the rtbench report.
#
#   tools/rtbench.sh [--icount] [--tcg|--kvm] [--no-build] [--timeout S]
#
# Default mode is wall-clock time (TCG unless KVM is usable: see
# tools/qemu-run.sh); --icount runs TCG with -icount shift=0,sleep=off so that
# the guest TSC counts instructions and the figures are exact and repeatable.
# Writes build/rtbench/serial-<mode>.log, build/rtbench/report-<mode>.json and
# a copy of the latter as build/rtbench/report.json (keys: docs/rtbench.md).
# Benchmarks are not tests: the status is nonzero only when no report could
# be produced (build failure, no rtbench output).
# Environment: NTO_BUILD (build directory, default build/).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${NTO_BUILD:-$root/build}
mode=wallclock accel=() build_it=1 timeout=900
while (($#)); do
  case $1 in
    --icount) mode=icount ;;
    --tcg|--kvm) accel=("$1") ;;
    --no-build) build_it=0 ;;
    --timeout) shift; timeout=$1 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "rtbench: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
if [[ $mode == icount && ${accel[*]:-} == --kvm ]]; then
  echo "rtbench: --icount needs TCG" >&2
  exit 2
fi

if ((build_it)); then
  [[ -f $build/build.ninja ]] || cmake -G Ninja -S "$root" -B "$build" >/dev/null
  ninja -C "$build" iso-bench >/dev/null
fi
iso=$build/images/bench.iso
[[ -r $iso ]] || { echo "rtbench: no $iso (build target iso-bench)" >&2; exit 1; }

out=$build/rtbench
mkdir -p "$out"
log=$out/serial-$mode.log json=$out/report-$mode.json
run_args=("$iso" "${accel[@]}")
[[ $mode == icount ]] && run_args+=(--icount)

qemu_cmd=$(NTO_QEMU_DRYRUN=1 "$root/tools/qemu-run.sh" "${run_args[@]}" </dev/null | tail -n 1)
qemu_version=$("${NTO_QEMU:-qemu-system-x86_64}" --version | head -n 1)
echo "rtbench: booting $iso ($mode mode; this takes a few minutes)"
start=$(date +%s)
# The guest powers off when rtbench ends; the timeout only guards a hang.
status=0
timeout --foreground -k 10 "$timeout" "$root/tools/qemu-run.sh" "${run_args[@]}" \
  </dev/null >"$log" 2>&1 || status=$?
echo "rtbench: QEMU ended with status $status after $(($(date +%s) - start)) s; log $log"

python3 "$root/rtbench/report.py" --log "$log" --json "$json" --mode "$mode" \
  --qemu-cmd "$qemu_cmd" --qemu-version "$qemu_version"
cp "$json" "$out/report.json"
echo "  (also copied to $out/report.json)"
