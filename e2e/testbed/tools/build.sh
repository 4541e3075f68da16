#!/usr/bin/env bash
# Builds the test bed's binaries from the Go module proxy into a cache keyed by version:
#   $MEETINGFLEET_CACHE/bin/<name>-<version>   (default cache: ~/.cache/meetingfleet)
# The cache lives outside the work tree so that fresh clones on the same machine (CI) reuse it;
# a warm run only checks that each file exists. Prints the bin directory on stdout.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=/dev/null
. "$here/versions.env"
cache=${MEETINGFLEET_CACHE:-$HOME/.cache/meetingfleet}
bin="$cache/bin"
mkdir -p "$bin"
export GOFLAGS=-mod=mod CGO_ENABLED=0 GOTOOLCHAIN=local
export GOPATH="$cache/gopath" GOCACHE="$cache/gocache"

k8s_minor=$(echo "$K8S_VERSION" | cut -d. -f2)
# Unstamped Kubernetes binaries report v0.0.0-master, which confuses clients and version skew checks.
k8s_ldflags=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  k8s_ldflags+=" -X $pkg.gitVersion=v$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$k8s_minor"
  k8s_ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done

build() { # name version module-dir package [ldflags]
  local out="$bin/$1-$2"
  [ -x "$out" ] && return 0
  echo "building $1 $2 (cold cache; this takes minutes)" >&2
  (cd "$here/$3" && go build -trimpath -ldflags "-s -w ${5:-}" -o "$out.tmp" "$4") >&2
  mv "$out.tmp" "$out"
}

# CLUSTER=kind needs only kind (Docker runs the control plane; the runner brings kubectl).
if [ "${CLUSTER:-local}" = kind ]; then
  build kind "$KIND_VERSION" kind sigs.k8s.io/kind
  echo "$bin"
  exit 0
fi

build etcd "$ETCD_VERSION" etcd go.etcd.io/etcd/server/v3
build kwok "$KWOK_VERSION" kwok sigs.k8s.io/kwok/cmd/kwok
build helm "$HELM_VERSION" helm helm.sh/helm/v4/cmd/helm "-X helm.sh/helm/v4/internal/version.version=v$HELM_VERSION"
# The module needs a newer Go than the machine's: the go command fetches go1.27.3 from the module proxy.
GOTOOLCHAIN=go1.27.3 build karpenter-kwok "$KARPENTER_VERSION" karpenter sigs.k8s.io/karpenter/kwok
# Its CRDs (NodePool, NodeClaim, NodeOverlay, KWOKNodeClass) ship in the module: kept beside the binary.
crds="$bin/karpenter-crds-$KARPENTER_VERSION"
if [ ! -d "$crds" ]; then
  module=$(cd "$here/karpenter" && GOTOOLCHAIN=go1.27.3 go list -m -f '{{.Dir}}' sigs.k8s.io/karpenter)
  mkdir -p "$crds.tmp"
  cp "$module"/pkg/apis/crds/karpenter.sh_*.yaml "$module"/kwok/apis/crds/*.yaml "$crds.tmp/"
  mv "$crds.tmp" "$crds"
fi
for cmd in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
  build "$cmd" "$K8S_VERSION" kubernetes "k8s.io/kubernetes/cmd/$cmd" "$k8s_ldflags"
done
echo "$bin"
