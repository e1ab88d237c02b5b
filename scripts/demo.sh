#!/usr/bin/env bash
# `npm run demo`: installs what is missing, then runs the whole product on simulators (see scripts/demo.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
node_bin=$(bash scripts/ensure-node.sh)
if [ -n "$node_bin" ]; then export PATH="$node_bin:$PATH"; fi
bash scripts/ensure-deps.sh
bash scripts/install-temporal.sh
# The appliance's message bus; without root the demo still runs, paging by polling.
bash scripts/install-system-deps.sh rabbitmq-server || true
exec node --import tsx scripts/demo.ts "$@"
