#!/usr/bin/env bash
# `npm run demo`: installs what is missing, then runs the whole product on simulators (see scripts/demo.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
bash scripts/install-temporal.sh
exec node --import tsx scripts/demo.ts "$@"
