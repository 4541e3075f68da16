#!/usr/bin/env bash
# Builds the Pulumi CLI, its Node.js language host and the kubernetes and random providers into a cache keyed
# by version (infra/scripts/pulumi.sh installs the providers as plugins before it runs the CLI):
#   $MEETINGFLEET_CACHE/pulumi/bin/{pulumi,pulumi-language-nodejs}   (the CLI's version in the directory name)
#   $MEETINGFLEET_CACHE/pulumi/pulumi-resource-<name>-<version>
# Sources: the archives in $PULUMI_SOURCES (default ../shared/third-party/pulumi beside the checkout; see its
# README for where each comes from); their Go modules come from the module proxy. A cold build takes about
# 15 minutes on 2 cores (the three in parallel), a warm run only checks the files. Where the archives are missing, a `pulumi` on PATH
# (the ordinary install, which downloads its plugins) is used instead. Prints the directory to put on PATH.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=/dev/null
. "$here/versions.env"
cache=${MEETINGFLEET_CACHE:-$HOME/.cache/meetingfleet}
sources=${PULUMI_SOURCES:-$root/../shared/third-party/pulumi}
out="$cache/pulumi"
bin="$out/cli-$PULUMI_VERSION"
mkdir -p "$out"
export GOFLAGS=-mod=mod GOTOOLCHAIN=local GOPATH="$cache/gopath" GOCACHE="$cache/gocache"

log() { echo "pulumi build: $*" >&2; }

if [ ! -d "$sources" ]; then
  command -v pulumi >/dev/null || { log "no sources in $sources and no pulumi on PATH: install it from https://www.pulumi.com/docs/install/"; exit 1; }
  dirname "$(command -v pulumi)"
  exit 0
fi

# One build at a time (make pulumi and a test may both ask): the second waits, then finds the files.
exec 9>"$out/.lock"
flock 9
work=$(mktemp -d "$out/build.XXXXXX")
trap 'rm -rf "$work"' EXIT
unpack() { # archive-prefix -> prints the unpacked directory
  local dir
  dir=$(mktemp -d "$work/XXXXXX")
  tar -xzf "$(ls "$sources/$1"*.tar.gz | head -1)" -C "$dir" --strip-components=1
  echo "$dir"
}

build_cli() {
  [ -x "$bin/pulumi" ] && [ -x "$bin/pulumi-language-nodejs" ] && return 0
  log "CLI and Node.js language host $PULUMI_VERSION (cold cache; about 10 minutes)"
  local cli host
  cli=$(unpack pulumi-cli-build-module)
  (cd "$cli" && go build -trimpath -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" \
    -o "$cli/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi) >&2
  # The archive's host source already carries the listed ExistsResource patch.
  host=$(unpack pulumi-language-nodejs-)
  (cd "$host" && go build -trimpath -ldflags "-s -w" -o "$host/pulumi-language-nodejs" .) >&2
  mkdir -p "$bin.tmp"
  mv "$cli/pulumi" "$host/pulumi-language-nodejs" "$bin.tmp/"
  rm -rf "$cli" "$host" "$bin"
  mv "$bin.tmp" "$bin"
}

# A bridged or native provider: its schema generated first (go run ./generate.go), then the binary.
build_provider() { # name version archive-prefix module-subdir version-package
  local target="$out/pulumi-resource-$1-$2"
  [ -x "$target" ] && return 0
  log "$1 provider $2 (cold cache; minutes)"
  local dir
  dir=$(unpack "$3")
  (
    cd "$dir/$4"
    (cd "cmd/pulumi-resource-$1" && VERSION="$2" go run ./generate.go)
    CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X $5.Version=$2" -o "$target.tmp" "./cmd/pulumi-resource-$1"
  ) >&2
  rm -rf "$dir"
  mv "$target.tmp" "$target"
}

# The three builds are independent: in parallel, each failing the script if it fails.
build_cli &
cli_pid=$!
build_provider kubernetes "$PULUMI_KUBERNETES_VERSION" pulumi-kubernetes-provider- . \
  github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version &
k8s_pid=$!
build_provider random "$PULUMI_RANDOM_VERSION" pulumi-random- provider github.com/pulumi/pulumi-random/provider/v4/pkg/version &
random_pid=$!
failed=0
for pid in $cli_pid $k8s_pid $random_pid; do wait "$pid" || failed=1; done
[ "$failed" = 0 ] || { log "failed (see above)"; exit 1; }
echo "$bin"
