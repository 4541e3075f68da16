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
for cmd in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
  build "$cmd" "$K8S_VERSION" kubernetes "k8s.io/kubernetes/cmd/$cmd" "$k8s_ldflags"
done
echo "$bin"
