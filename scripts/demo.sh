#!/usr/bin/env bash
# `make demo`: the test bed, the operator, a MeetingFleet of emulated bridges under a conference load,
# and a live view. Stops everything it started (operator by PID, then the test bed) when it ends:
# after DEMO_SECONDS (default 240; 0 = until Ctrl-C). DEMO_KEEP=1 leaves the test bed running.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
operator_pid=""
cleanup() {
  if [ -n "$operator_pid" ]; then kill "$operator_pid" 2>/dev/null || true; wait "$operator_pid" 2>/dev/null || true; fi
  if [ "${DEMO_KEEP:-0}" != 1 ]; then e2e/testbed/cluster.sh down; fi
}
trap cleanup EXIT
e2e/testbed/cluster.sh up
dir=${TESTBED_DIR:-$root/.testbed}
KUBECONFIG="$dir/kubeconfig" OPERATOR_ARGS="--scrape-interval 1s --stale-after 4s --drain-settle 3s --resync 5s" \
  scripts/run-operator.sh >"$dir/logs/demo-operator.log" 2>&1 &
operator_pid=$!
node e2e/demo/demo.ts
