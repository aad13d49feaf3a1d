#!/usr/bin/env bash
# Runs the README's CLI walkthrough end to end, as a new user would, and fails on any unexpected result:
# builds the CLI, starts the local backends (moto, OpenBao), then runs `npx secret-store` check, copy,
# diff and get against them from .local/. Used by .ci/run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
node_bin="$(bash scripts/node.sh 22+)"
export PATH="$(dirname "$node_bin"):$PATH"

bash scripts/pnpm.sh --filter "@secret-store/cli..." build >/dev/null
rm -rf .local
log="$(mktemp)"
bash scripts/local-backends.sh >"$log" 2>&1 &
backends=$!
trap 'kill -INT $backends 2>/dev/null || true; wait $backends 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 120); do
  grep -q '^ready' "$log" && break
  kill -0 $backends 2>/dev/null || { cat "$log"; echo "walkthrough: the local backends did not start" >&2; exit 1; }
  sleep 0.5
done
grep -q '^ready' "$log" || { cat "$log"; echo "walkthrough: the local backends were not ready within 60 s" >&2; exit 1; }

cd .local
# shellcheck disable=SC1091
source env.sh
expect() {
  local want=$1
  shift
  echo "\$ npx secret-store $*"
  set +e
  npx --no-install secret-store "$@"
  local got=$?
  set -e
  if [ "$got" != "$want" ]; then
    echo "walkthrough: 'secret-store $*' exited $got, expected $want" >&2
    exit 1
  fi
}
expect 0 check
expect 0 check vault --write-probe
expect 1 check vault-reader
expect 0 copy --from aws --to vault --prefix demo/ --dry-run
expect 0 copy --from aws --to vault --prefix demo/
expect 0 diff aws vault --prefix demo/
expect 0 list --store vault --prefix demo/
[ "$(npx --no-install secret-store list --store vault --prefix demo/ | wc -l)" = 3 ]
expect 0 get demo/db-password demo/stripe-api-key --store vault
[ "$(npx --no-install secret-store get demo/db-password --store vault --reveal)" = 'correct horse battery staple' ]
echo "walkthrough: every step gave the expected result"
