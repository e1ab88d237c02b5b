#!/usr/bin/env bash
# Installs the npm dependencies when they are missing or older than package-lock.json, so a fresh clone needs no
# separate install step before `npm test` or `npm run demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "ensure-deps: installing npm dependencies (npm ci)" >&2
  npm ci --no-audit --no-fund >&2
fi
