#!/usr/bin/env bash
# `make run`: installs the CRD and runs the operator in the foreground against $KUBECONFIG.
# Extra flags go through OPERATOR_ARGS, e.g. OPERATOR_ARGS="--namespace meet --log-level debug".
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
: "${KUBECONFIG:?set KUBECONFIG, or run make cluster-up first}"
# shellcheck source=/dev/null
. "$root/e2e/testbed/tools/versions.env"
kubectl=$(command -v "kubectl-$K8S_VERSION" || echo "${MEETINGFLEET_CACHE:-$HOME/.cache/meetingfleet}/bin/kubectl-$K8S_VERSION")
[ -x "$kubectl" ] || kubectl=kubectl
"$kubectl" --kubeconfig "$KUBECONFIG" apply --server-side --force-conflicts -f "$root/crds/meet.meetingfleet.dev_meetingfleets.yaml" >&2
# shellcheck disable=SC2086
exec node "$root/operator/src/main.ts" --kubeconfig "$KUBECONFIG" --listen-address "${OPERATOR_LISTEN:-127.0.0.1:8081}" ${OPERATOR_ARGS:-}
