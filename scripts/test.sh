#!/usr/bin/env bash
# Quick start, command 2: install everything the tests need, then run the whole test suite once.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/pnpm.sh install --frozen-lockfile --reporter=silent
bash scripts/install-test-backends.sh
node node_modules/vitest/vitest.mjs run "$@"
