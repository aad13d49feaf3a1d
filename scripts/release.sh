#!/usr/bin/env bash
# Releases every public package with one version (changesets, one fixed group), in two commands a
# maintainer runs on an up-to-date main:
#   bash scripts/release.sh version   apply the pending changesets: bump the versions, write the CHANGELOGs
#                                      and refresh the lockfile; review and commit the result
#   bash scripts/release.sh publish   build, check (publint, are-the-types-wrong) and publish to npm with
#                                      pnpm (workspace ranges become real ones), then tag the release
#                                      (needs `npm login`; push the tags afterwards: git push --follow-tags)
#   bash scripts/release.sh dry-run   both, in a scratch clone, publishing and committing nothing (CI)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
pnpm() { bash scripts/pnpm.sh "$@"; }
say() { printf 'release: %s\n' "$*"; }

public_versions() {
  for dir in packages/*/; do
    [ "$(node -p "Boolean(require('./${dir}package.json').private)")" = true ] && continue
    node -p "const p = require('./${dir}package.json'); p.name + ' ' + p.version"
  done
}

case "${1:-}" in
version)
  pnpm exec changeset version
  pnpm install --lockfile-only --reporter=silent
  say "versions now:"
  public_versions
  ;;
publish)
  bash scripts/check-packages.sh
  pnpm -r --filter './packages/*' publish --access public --no-git-checks "${@:2}"
  [[ " ${*:2} " == *" --dry-run "* ]] || pnpm exec changeset tag
  ;;
dry-run)
  scratch="$(mktemp -d "${TMPDIR:-/tmp}/release-dry-run.XXXXXX")"
  trap 'rm -rf "$scratch"' EXIT
  git clone --quiet . "$scratch/repo"
  cd "$scratch/repo"
  pnpm install --frozen-lockfile --reporter=silent
  pending="$(find .changeset -name '*.md' ! -name 'README.md' | wc -l)"
  before="$(public_versions)"
  if [ "$pending" -gt 0 ]; then
    bash scripts/release.sh version
  else
    say "no pending changesets (just released): trying the publish step of the current versions"
  fi
  after="$(public_versions)"
  [ "$pending" -eq 0 ] || [ "$before" != "$after" ] || { say "changeset version changed no version"; exit 1; }
  # One fixed group: every public package carries the same new version and a changelog.
  [ "$(echo "$after" | awk '{ print $2 }' | sort -u | wc -l)" -eq 1 ] || { say "versions differ: $after"; exit 1; }
  for dir in packages/*/; do
    [ "$(node -p "Boolean(require('./${dir}package.json').private)")" = true ] && continue
    [ -s "${dir}CHANGELOG.md" ] || { say "no CHANGELOG.md in $dir"; exit 1; }
  done
  bash scripts/release.sh publish --dry-run
  say "dry run passed: $(echo "$after" | head -1 | awk '{ print $2 }') would be published from $pending changesets"
  ;;
*)
  echo "usage: bash scripts/release.sh version | publish | dry-run" >&2
  exit 2
  ;;
esac
