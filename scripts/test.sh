#!/usr/bin/env bash
# `make test`: type check, formatting and lint, unit tests, then the e2e suite on a test bed of its own (started here and
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

# Formatting and lint (Biome): a finding counts as one failure, and the run goes on.
if ! npx biome check .; then
  echo "test: formatting or lint findings (npm run lint; npm run format fixes formatting)" >&2
  extra_failed=$((extra_failed + 1))
fi

jest --selectProjects unit --json --outputFile "$results/unit.json"

# The e2e suite twice: on the emulator (the whole suite), then with real Jitsi (BRIDGES=jvb: real JVBs,
# Jicofo and Prosody; the suites written for real bridges). Each on a test bed of its own, stopped here.
e2e_phase() { # bridges testbed-dir report
  local bridges=$1
  export TESTBED_DIR=$2
  trap 'e2e/testbed/cluster.sh down' EXIT
  if BRIDGES=$bridges e2e/testbed/cluster.sh up; then
    BRIDGES=$bridges jest --selectProjects e2e --runInBand --json --outputFile "$3"
  else
    echo "test: the $bridges test bed did not come up; its e2e suite not run (counted as one failure)" >&2
    extra_failed=$((extra_failed + 1))
  fi
  e2e/testbed/cluster.sh down
  trap - EXIT
}
e2e_phase emulator "$TESTBED_DIR" "$results/e2e.json"
reports=("$results/unit.json" "$results/e2e.json")
# kind runs real jitsi/jvb images already (and has no Prosody or Jicofo of the test bed's).
if [ "${CLUSTER:-local}" = local ]; then
  e2e_phase jvb "$TESTBED_DIR-jvb" "$results/e2e-jvb.json"
  reports+=("$results/e2e-jvb.json")
fi

# Exits non-zero when anything failed (pipefail carries it through tee).
node scripts/test-summary.mjs "$extra_failed" "${reports[@]}" | tee "$results/summary.txt"
