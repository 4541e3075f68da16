#!/usr/bin/env bash
# Debian's prometheus package (prometheus and promtool) for the e2e suite's alert and dashboard tests.
# Only the binaries are wanted: the package's service is kept from starting (policy-rc.d).
set -euo pipefail
if command -v promtool >/dev/null && [ -x /usr/bin/prometheus ]; then exit 0; fi
if [ "$(id -u)" = 0 ]; then sudo=""; elif sudo -n true 2>/dev/null; then sudo="sudo -n"; else
  echo "prometheus is missing and this user cannot install it: apt-get install prometheus (Debian)" >&2
  exit 1
fi
guard=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
  $sudo chmod +x /usr/sbin/policy-rc.d
  guard=1
fi
echo "installing Debian's prometheus package (prometheus, promtool)" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends prometheus >/dev/null
if [ -n "$guard" ]; then $sudo rm -f /usr/sbin/policy-rc.d; fi
