#!/usr/bin/env bash
# Quick start, command 2: install everything the tests need, then run the whole test suite once, on
# Node 22 or newer (the machine's node when it is, else Node 22 from the npm registry; see scripts/node.sh).
# SECRET_STORE_TEST_NODE picks the line instead: 22 or 24.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/pnpm.sh install --frozen-lockfile --reporter=silent
bash scripts/install-test-backends.sh
node_bin="$(bash scripts/node.sh "${SECRET_STORE_TEST_NODE:-22+}")"
echo "test.sh: running the suite on Node $("$node_bin" --version)"
"$node_bin" node_modules/vitest/vitest.mjs run "$@"
