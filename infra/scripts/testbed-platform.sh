#!/usr/bin/env bash
# The platform program (infra/programs/platform) for real against the running test bed (`make cluster-up`):
#   up        pulumi up (CRD and operator chart from this repository, the signaling stack, the XMPP Secret, a
#             MeetingFleet), then the operator as a process against the test bed (kwok runs no containers, so the
#             chart's Deployment gets a pod that does nothing), and waits for the fleet to be Ready
#   down      pulumi destroy, then stops that operator by PID
#   pulumi …  the Pulumi CLI with this stack's environment (e.g. `pulumi preview --expect-no-changes`)
# State lives in $TESTBED_DIR/pulumi: a file backend, the stack's config file (outside the repository), the plugins
# and the operator's PID and log. The secrets passphrase is PULUMI_CONFIG_PASSPHRASE; when unset, one is made
# there for the test bed's life. Stack config comes from the environment: PLATFORM_STACK (testbed),
# PLATFORM_OPERATOR_NAMESPACE (meetingfleet-system), PLATFORM_JITSI_NAMESPACE (jitsi), FLEET_REPLICAS (2).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
TESTBED_DIR=${TESTBED_DIR:-$root/.testbed}
kubeconfig="$TESTBED_DIR/kubeconfig"
[ -f "$kubeconfig" ] || { echo "no test bed at $TESTBED_DIR: run make cluster-up first" >&2; exit 1; }
state="$TESTBED_DIR/pulumi"
stack=${PLATFORM_STACK:-testbed}
program="$root/infra/programs/platform"
config_file="$state/Pulumi.$stack.yaml"
mkdir -p "$state/backend" "$state/home"

# shellcheck source=/dev/null
. "$root/infra/tools/versions.env"
# shellcheck source=/dev/null
. "$root/e2e/testbed/tools/versions.env"
cache=${MEETINGFLEET_CACHE:-$HOME/.cache/meetingfleet}
pulumi_bin=$("$root/infra/tools/build-pulumi.sh")
export PATH="$pulumi_bin:$("$root/scripts/node-env.sh"):$PATH"
export KUBECONFIG="$kubeconfig" PULUMI_HOME="$state/home" PULUMI_BACKEND_URL="file://$state/backend"
export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
if [ -z "${PULUMI_CONFIG_PASSPHRASE:-}" ]; then
  [ -f "$state/passphrase" ] || (umask 077 && head -c 24 /dev/urandom | base64 >"$state/passphrase")
  PULUMI_CONFIG_PASSPHRASE=$(cat "$state/passphrase")
  export PULUMI_CONFIG_PASSPHRASE
fi
kubectl="$cache/bin/kubectl-$K8S_VERSION"
[ -x "$kubectl" ] || kubectl=kubectl

# The stack's config file is passed to the commands that read config (`stack ...` commands take no --config-file).
run_pulumi() {
  if [ "$1" = stack ]; then
    pulumi --cwd "$program" --non-interactive "$@" --stack "$stack"
  else
    pulumi --cwd "$program" --non-interactive --stack "$stack" --config-file "$config_file" "$@"
  fi
}

# The providers built here, installed as plugins so the engine never tries to download them.
install_plugins() {
  local name version file
  for name in kubernetes random; do
    version=$([ "$name" = kubernetes ] && echo "$PULUMI_KUBERNETES_VERSION" || echo "$PULUMI_RANDOM_VERSION")
    file="$cache/pulumi/pulumi-resource-$name-$version"
    [ -x "$file" ] || continue # the ordinary Pulumi install: it downloads its plugins itself
    [ -d "$PULUMI_HOME/plugins/resource-$name-v$version" ] || pulumi plugin install resource "$name" "$version" --file "$file" >&2
  done
}

ensure_stack() {
  install_plugins
  if [ ! -f "$config_file" ]; then
    # `stack init` writes the stack's file (its secrets salt) beside the program; it lives with the state instead.
    pulumi --cwd "$program" --non-interactive stack init "$stack" --no-select >/dev/null
    mv "$program/Pulumi.$stack.yaml" "$config_file"
  fi
  pulumi --cwd "$program" --non-interactive stack select "$stack" >/dev/null
  local ns_operator=${PLATFORM_OPERATOR_NAMESPACE:-meetingfleet-system} ns_jitsi=${PLATFORM_JITSI_NAMESPACE:-jitsi}
  local replicas=${FLEET_REPLICAS:-2}
  # The test bed's nodes are kwok's: no media pool (bridges anywhere), and the CRD installed by the chart only where
  # nothing else installed it (a CRD applied by kubectl cannot be adopted by a Helm release).
  local crds=true
  if "$kubectl" get crd meetingfleets.meet.meetingfleet.dev -o jsonpath='{.metadata.annotations.meta\.helm\.sh/release-name}' >"$state/crd-owner" 2>/dev/null &&
    [ ! -s "$state/crd-owner" ]; then
    crds=false
  fi
  run_pulumi config set --path platform.operatorNamespace "$ns_operator"
  run_pulumi config set --path platform.jitsiNamespace "$ns_jitsi"
  run_pulumi config set --path platform.jitsi.domain meet.testbed.localhost
  # kwok's pods have loopback IPs, which EndpointSlices refuse, and no ingress controller runs.
  run_pulumi config set --path platform.jitsi.waitForAddresses false
  run_pulumi config set --path platform.installCrds "$crds"
  run_pulumi config set --path platform.fleet.onMediaNodes false
  run_pulumi config set --path platform.fleet.minReplicas 1
  run_pulumi config set --path platform.fleet.maxReplicas 4
  run_pulumi config set --path platform.fleet.replicas "$replicas"
}

operator_pid_file="$state/operator.pid"
start_operator() {
  if [ -f "$operator_pid_file" ] && kill -0 "$(cat "$operator_pid_file")" 2>/dev/null; then return 0; fi
  node "$root/operator/src/main.ts" --kubeconfig "$kubeconfig" --listen-address 127.0.0.1:0 \
    --namespace "${PLATFORM_JITSI_NAMESPACE:-jitsi}" --leader-election-id "meetingfleet-platform-$stack" \
    >>"$state/operator.log" 2>&1 &
  echo $! >"$operator_pid_file"
  echo "platform: operator running (pid $!, log $state/operator.log)" >&2
}
stop_operator() {
  [ -f "$operator_pid_file" ] || return 0
  local pid
  pid=$(cat "$operator_pid_file")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$operator_pid_file"
  echo "platform: operator stopped (pid $pid)" >&2
}

case "${1:-}" in
up)
  ensure_stack
  run_pulumi up --yes --skip-preview
  start_operator
  fleet=$(run_pulumi stack output fleet)
  "$kubectl" wait --for=condition=Ready "meetingfleet/$fleet" -n "${PLATFORM_JITSI_NAMESPACE:-jitsi}" --timeout=300s
  ;;
down)
  # The operator stays up through the destroy: it removes the fleet's bridges when the fleet goes.
  install_plugins
  run_pulumi destroy --yes --skip-preview
  stop_operator
  ;;
pulumi)
  shift
  ensure_stack
  run_pulumi "$@"
  ;;
*)
  echo "usage: $0 up | down | pulumi <args>" >&2
  exit 2
  ;;
esac
