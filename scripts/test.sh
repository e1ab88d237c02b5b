#!/usr/bin/env bash
# `npm test`: type-check, lint, then every jest test (arguments go to jest), on the Node.js major the image ships:
# scripts/ensure-node.sh installs it when the node on PATH is another one, so what is tested is what runs.
set -euo pipefail
cd "$(dirname "$0")/.."
node_bin=$(bash scripts/ensure-node.sh)
if [ -n "$node_bin" ]; then export PATH="$node_bin:$PATH"; fi
echo "test: node $(node --version)"
npm run build
npm run lint
exec npx jest --runInBand "$@"
