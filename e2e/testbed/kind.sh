#!/usr/bin/env bash
# CLUSTER=kind: the test bed's contract (up / down / status, kubeconfig and env in $TESTBED_DIR) on a
# kind cluster, for machines with Docker such as GitHub Actions runners. Bridges there are real
# jitsi/jvb containers ($JVB_IMAGE, preloaded into the nodes); there is no bridge emulator, so the
# e2e scenarios that need its conference driver do not run.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/e2e/testbed"
dir=${TESTBED_DIR:-$root/.testbed}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
name=${KIND_CLUSTER_NAME:-meetingfleet-$(echo "$dir" | md5sum | cut -c1-6)}
image=${JVB_IMAGE:-jitsi/jvb:stable}
# shellcheck source=/dev/null
. "$here/tools/versions.env"
kind="$(CLUSTER=kind "$here/tools/build.sh")/kind-$KIND_VERSION"

up() {
  if ! "$kind" get clusters | grep -qx "$name"; then
    "$kind" create cluster --name "$name" --config "$here/kind/cluster.yaml" --kubeconfig "$dir/kubeconfig" \
      --wait 180s ${KIND_NODE_IMAGE:+--image "$KIND_NODE_IMAGE"}
  fi
  "$kind" get kubeconfig --name "$name" >"$dir/kubeconfig"
  docker image inspect "$image" >/dev/null 2>&1 || docker pull "$image"
  "$kind" load docker-image "$image" --name "$name"
  # The operator image built by the workflow (operator/Dockerfile), for the chart's install test.
  if [ -n "${OPERATOR_IMAGE:-}" ]; then "$kind" load docker-image "$OPERATOR_IMAGE" --name "$name"; fi
  kubectl --kubeconfig "$dir/kubeconfig" wait --for=condition=Ready nodes --all --timeout=180s
  printf 'CLUSTER=kind\nTESTBED_DIR=%s\nKIND_CLUSTER_NAME=%s\nKUBECTL=%s\n' "$dir" "$name" "$(command -v kubectl)" >"$dir/env"
  echo "testbed: kind cluster $name ready: KUBECONFIG=$dir/kubeconfig" >&2
}

down() {
  if "$kind" get clusters | grep -qx "$name"; then "$kind" delete cluster --name "$name"; fi
  rm -f "$dir/env" "$dir/kubeconfig"
}

status() {
  "$kind" get clusters | grep -x "$name" || echo "kind cluster $name: not running"
  [ -f "$dir/kubeconfig" ] && kubectl --kubeconfig "$dir/kubeconfig" get nodes -L topology.kubernetes.io/zone || true
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: CLUSTER=kind $0 up|down|status" >&2; exit 2 ;;
esac
