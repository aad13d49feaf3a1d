#!/usr/bin/env bash
# Builds every published package and checks what would be published: publint and are-the-types-wrong.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/pnpm.sh -r --filter './packages/*' build
for dir in packages/*/; do
  # A package marked private (an adapter still being built) is not published, so not checked.
  if [ "$(node -p "Boolean(require('./${dir}package.json').private)")" = true ]; then continue; fi
  name="$(node -p "require('./${dir}package.json').name")"
  echo "== $name"
  node_modules/.bin/publint "$dir" --strict --pack npm
  # A package without a require condition is ESM only (the testkit): checked as such.
  profile=node16
  [ "$(node -p "JSON.stringify(require('./${dir}package.json').exports['.']).includes('require')")" = true ] || profile=esm-only
  node_modules/.bin/attw --pack "$dir" --profile "$profile" --format ascii
done
