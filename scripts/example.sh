#!/usr/bin/env bash
# Quick start, command 1: install, then run the example PURISTA service on the embedded DefaultSecretStore,
# on Node 22 or newer (the machine's node when it is, else Node 22 from the npm registry).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/pnpm.sh install --frozen-lockfile --reporter=silent
node_bin="$(bash scripts/node.sh 22+)"
PATH="$(dirname "$node_bin"):$PATH" bash scripts/pnpm.sh --filter @secret-store/example-purista-service start
