#!/usr/bin/env bash
# Build everything and run every test: host unit tests, the in-QEMU tests
# (one boot of the test image, under TCG) and the default ISO boot. The
# README's second quick-start command; CI runs exactly this (.ci/run).
# Extra arguments go to ctest (e.g. ./test.sh -R qemu). Exit status 0 only
# when the build and every test pass; the last line is a summary.
set -uo pipefail
cd "$(dirname "$0")"

summary() {
  echo "test.sh: $*"
}

if ! tools/deps.sh </dev/null; then
  summary "FAIL (missing packages)"
  exit 1
fi
if [[ ! -f build/build.ninja ]] && ! cmake -G Ninja -S . -B build </dev/null; then
  summary "FAIL (cmake configure failed)"
  exit 1
fi
if ! ninja -C build </dev/null; then
  summary "FAIL (build failed)"
  exit 1
fi

# Two jobs: the two QEMU boots take one core each; host tests are quick.
log=build/ctest.log
ctest --test-dir build --output-on-failure --no-tests=error -j2 "$@" </dev/null 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
counts=$(grep -E '^[0-9]+% tests passed' "$log" | tail -n 1)
if ((status == 0)); then
  summary "PASS (${counts:-ctest passed})"
else
  summary "FAIL (${counts:-ctest failed, status $status}; log: $log)"
fi
exit "$status"
