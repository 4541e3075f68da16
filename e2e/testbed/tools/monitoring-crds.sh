#!/usr/bin/env bash
# Prints the directory holding prometheus-operator's own CRDs, fetched as its Go module from the module
# proxy into the test bed's cache (the chart's ServiceMonitor, PodMonitor and PrometheusRule are
# validated against them).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=/dev/null
. "$here/versions.env"
cache=${MEETINGFLEET_CACHE:-$HOME/.cache/meetingfleet}
export GOPATH="$cache/gopath" GOCACHE="$cache/gocache" GOFLAGS=-mod=mod GOTOOLCHAIN=local
dir=$(cd "$here" && go mod download -json "github.com/prometheus-operator/prometheus-operator@v$PROMETHEUS_OPERATOR_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -d "$dir/example/prometheus-operator-crd" ] || { echo "prometheus-operator CRDs not found in $dir" >&2; exit 1; }
echo "$dir/example/prometheus-operator-crd"
