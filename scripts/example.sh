#!/usr/bin/env bash
# Quick start, command 1: install, then run the example PURISTA service on the embedded DefaultSecretStore.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/pnpm.sh install --frozen-lockfile --reporter=silent
bash scripts/pnpm.sh --filter @secret-store/example-purista-service start
