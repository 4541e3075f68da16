#!/usr/bin/env bash
# `make test`: type check, unit tests, then the e2e suite on a test bed of its own (started here and
# stopped here, by PID, also when something fails), then one closing line `N passed, N failed`.
# CLUSTER=kind runs the e2e suite on kind instead (machines with Docker).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
results="$root/.testbed/results"
mkdir -p "$results"
rm -f "$results"/*.json
export TESTBED_DIR=${TESTBED_DIR:-$root/.testbed/test}
jest() { node --experimental-vm-modules node_modules/jest/bin/jest.js "$@"; }

extra_failed=0
if ! npx tsc --noEmit -p tsconfig.json; then
  echo "test: type check failed" >&2
  extra_failed=$((extra_failed + 1))
fi

jest --selectProjects unit --json --outputFile "$results/unit.json"

trap 'e2e/testbed/cluster.sh down' EXIT
if e2e/testbed/cluster.sh up; then
  jest --selectProjects e2e --runInBand --json --outputFile "$results/e2e.json"
else
  echo "test: the test bed did not come up; e2e suite not run (counted as one failure)" >&2
  extra_failed=$((extra_failed + 1))
fi
e2e/testbed/cluster.sh down
trap - EXIT

# Exits non-zero when anything failed (pipefail carries it through tee).
node scripts/test-summary.mjs "$extra_failed" "$results"/*.json | tee "$results/summary.txt"
