#!/usr/bin/env bash
# Installs Debian packages the test bed runs as plain processes, when their command is missing:
#   ensure-debian-packages.sh COMMAND:PACKAGE...   e.g. promtool:prometheus prosody:prosody
# Only the binaries are wanted: the packages' services are kept from starting (policy-rc.d).
set -euo pipefail
missing=()
for pair in "$@"; do
  command -v "${pair%%:*}" >/dev/null || [ -x "/usr/bin/${pair%%:*}" ] || missing+=("${pair##*:}")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ]; then sudo=""; elif sudo -n true 2>/dev/null; then sudo="sudo -n"; else
  echo "missing Debian packages and this user cannot install them: apt-get install ${missing[*]}" >&2
  exit 1
fi
guard=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
  $sudo chmod +x /usr/sbin/policy-rc.d
  guard=1
fi
echo "installing Debian's ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
if [ -n "$guard" ]; then $sudo rm -f /usr/sbin/policy-rc.d; fi
