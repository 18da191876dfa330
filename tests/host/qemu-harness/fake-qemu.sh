#!/usr/bin/env bash
# Stands in for qemu-system-x86_64 in the harness tests (NTO_QEMU=this):
# prints the console log $FAKE_LOG, copies stdin to stdout when FAKE_ECHO=1,
# hangs when FAKE_HANG=1, then exits with $FAKE_STATUS (default 0).
# $FAKE_ARGS, if set, receives the command line, one argument per line.
set -eu
[[ -n ${FAKE_ARGS:-} ]] && printf '%s\n' "$@" > "$FAKE_ARGS"
[[ -n ${FAKE_LOG:-} ]] && cat "$FAKE_LOG"
[[ ${FAKE_ECHO:-} == 1 ]] && cat
if [[ ${FAKE_HANG:-} == 1 ]]; then
  sleep 600 &
  wait
fi
exit "${FAKE_STATUS:-0}"
