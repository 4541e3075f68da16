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
# Jicofo and Prosody; the suites written for real bridges). Each phase on test beds of its own, stopped here.
# The emulator phase runs E2E_BEDS files at once, each jest worker on a bed of its own: an e2e file spends most
# of its time waiting on real clocks (meetings, drain deadlines, back-offs). The default is two beds on 2 or 3
# cores (on 2 cores with one of them kept busy: the whole run in 17 minutes instead of 28, every bound held) and
# one per two cores past that; the suites that measure (memory, latency, failover) need CPU of their own.
default_beds() { if (($1 >= 4)); then echo $(($1 / 2)); elif (($1 >= 2)); then echo 2; else echo 1; fi; }
phase_dirs=()
phase_down() { local d; for d in "${phase_dirs[@]}"; do TESTBED_DIR=$d e2e/testbed/cluster.sh down; done; }
e2e_phase() { # bridges testbed-dir beds report
  local bridges=$1 beds=$3 report=$4 i up=1
  phase_dirs=("$2")
  for ((i = 2; i <= beds; i++)); do phase_dirs+=("$2-$i"); done
  trap phase_down EXIT
  for i in "${phase_dirs[@]}"; do BRIDGES=$bridges TESTBED_DIR=$i e2e/testbed/cluster.sh up || { up=0; break; }; done
  if [ "$up" = 1 ]; then
    TESTBED_DIR=${phase_dirs[0]} TESTBED_DIRS=$(IFS=:; echo "${phase_dirs[*]}") BRIDGES=$bridges \
      jest --selectProjects e2e --maxWorkers "$beds" --json --outputFile "$report"
  else
    echo "test: the $bridges test bed did not come up; its e2e suite not run (counted as one failure)" >&2
    extra_failed=$((extra_failed + 1))
  fi
  phase_down
  trap - EXIT
}
reports=("$results/unit.json" "$results/e2e.json")
# kind is one cluster, and runs real jitsi/jvb images already (it has no Prosody or Jicofo of the test bed's).
if [ "${CLUSTER:-local}" = local ]; then
  cores=$(nproc 2>/dev/null || echo 2)
  e2e_phase emulator "$TESTBED_DIR" "${E2E_BEDS:-$(default_beds "$cores")}" "$results/e2e.json"
  e2e_phase jvb "$TESTBED_DIR-jvb" 1 "$results/e2e-jvb.json"
  reports+=("$results/e2e-jvb.json")
else
  e2e_phase emulator "$TESTBED_DIR" 1 "$results/e2e.json"
fi

# Exits non-zero when anything failed (pipefail carries it through tee).
node scripts/test-summary.mjs "$extra_failed" "${reports[@]}" | tee "$results/summary.txt"
