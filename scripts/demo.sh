#!/usr/bin/env bash
# `make demo`: starts the test bed, runs a fleet of emulated bridges under a conference load with a
# live view, and stops everything it started when it ends (DEMO_SECONDS, default 300; 0 = until Ctrl-C).
# DEMO_KEEP=1 leaves the test bed running afterwards (`make cluster-down` stops it).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ "${DEMO_KEEP:-0}" != 1 ]; then trap 'e2e/testbed/cluster.sh down' EXIT; fi
e2e/testbed/cluster.sh up
node e2e/demo/demo.ts
