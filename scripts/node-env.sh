#!/usr/bin/env bash
# Prints the directory to put first on PATH so that `node` is Node >= 22 (the project runs on Node 24 LTS).
# When the machine's node is older, installs the npm package node@24 into .tools/node (gitignored) once.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
NODE_PACKAGE=node@24.21.0
local_bin="$root/.tools/node/node_modules/.bin"
major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ -x "$local_bin/node" ] && [ "$(major "$local_bin/node")" -ge 22 ]; then echo "$local_bin"; exit 0; fi
if command -v node >/dev/null && [ "$(major node)" -ge 22 ]; then dirname "$(command -v node)"; exit 0; fi
echo "installing $NODE_PACKAGE into .tools/node (machine node is $(node --version 2>/dev/null || echo missing))" >&2
npm install --no-save --no-audit --no-fund --prefix "$root/.tools/node" "$NODE_PACKAGE" >&2
echo "$local_bin"
