#!/usr/bin/env bash
# Prints the path of a Node.js binary for the project's supported lines (22 and 24).
#   bash scripts/node.sh 24    a Node of major 24 exactly
#   bash scripts/node.sh 22+   the machine's node when it is 22 or newer, else Node 22
# A version the machine lacks is installed once from the npm registry (the `node` package, which
# downloads the official binary) into .ci/node<major>/ (gitignored). Needs npm and registry access.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

want="${1:?usage: scripts/node.sh <major> | <major>+}"
major="${want%+}"
current="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"

if [[ "$want" == *+ && "$current" -ge "$major" ]] || [[ "$current" == "$major" ]]; then
  command -v node
  exit 0
fi

dir=".ci/node${major}"
bin="$dir/node_modules/node/bin/node"
[ -x "$bin" ] || bin="$dir/node_modules/.bin/node"
if [ ! -x "$bin" ] || [ "$("$bin" -p 'process.versions.node.split(".")[0]' 2>/dev/null)" != "$major" ]; then
  echo "node.sh: installing Node ${major} from the npm registry into ${dir}/ (the machine has Node ${current})" >&2
  mkdir -p "$dir"
  npm install --silent --no-save --no-audit --no-fund --prefix "$dir" "node@${major}" >/dev/null
  bin="$dir/node_modules/node/bin/node"
  [ -x "$bin" ] || bin="$dir/node_modules/.bin/node"
fi
[ -x "$bin" ] || { echo "node.sh: could not install Node ${major}: run 'npm install --prefix ${dir} node@${major}'" >&2; exit 1; }
echo "$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
