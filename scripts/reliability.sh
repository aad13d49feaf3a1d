#!/usr/bin/env bash
# Regenerates docs/reliability.md: runs the contract suite's "deadlines, retries and hostile answers"
# section against every adapter's test backend and writes the figures it measured into a table.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mkdir -p .cache
report=".cache/reliability.jsonl"
rm -f "$report"
SECRET_STORE_RELIABILITY_REPORT="$PWD/$report" node node_modules/vitest/vitest.mjs run -t 'deadlines, retries and hostile answers' >/dev/null
node scripts/reliability-table.mjs "$report" > docs/reliability.md
echo "docs/reliability.md written from $(wc -l < "$report") figures"
