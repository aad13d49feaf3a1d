#!/usr/bin/env bash
# Builds the daprd sidecar that the Dapr tests start (packages/dapr/test/support/daprd.ts):
# github.com/dapr/dapr v1.18.2 from the Go module proxy, with only the local.file and local.env
# secret stores registered (daprd-secretstores.go, next to this script), into a cache outside the work
# tree, by version, shared by every checkout:
#   ${SECRET_STORE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/secret-store}/daprd/v1.18.2/daprd
# (test/support/daprd.ts looks there; `--print-path` prints that path and exits).
#
# Why not `go install github.com/dapr/dapr/cmd/daprd@v1.18.2`: dapr's go.mod has replace directives,
# which `go install pkg@version` refuses. Why not `go build -tags stablecomponents`: that links every
# stable component (~7 min cold, 177 MB). Without a tag, cmd/daprd/components/zz_notag.go panics at
# start, and the module cache is read-only (and `go build -overlay` refuses its files), so the build
# runs in a scratch copy of the module where our registration file takes zz_notag.go's place.
#
# Idempotent: exits at once when the binary is there, reports the version and was built from the
# current registration file. Needs Go >= 1.26 and access to the Go module proxy (GOPROXY) on the
# first run; later runs build from the module and build caches. FORCE=1 rebuilds.
set -euo pipefail

VERSION=v1.18.2
MODULE=github.com/dapr/dapr
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REGISTRATION="$HERE/daprd-secretstores.go"
CACHE_ROOT="${SECRET_STORE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/secret-store}"
OUT_DIR="$CACHE_ROOT/daprd/$VERSION"
OUT="$OUT_DIR/daprd"
STAMP="$OUT_DIR/daprd.stamp"
SELF="bash packages/dapr/test/support/build-daprd.sh"

if [[ "${1:-}" == --print-path ]]; then
  echo "$OUT"
  exit 0
fi

say() { echo "build-daprd: $*"; }
die() {
  echo "build-daprd: $*" >&2
  exit 1
}

[[ -f "$REGISTRATION" ]] || die "missing $REGISTRATION (restore it from git: git checkout -- packages/dapr/test/support/daprd-secretstores.go)"

registration_sum() { sha256sum "$REGISTRATION" | cut -d' ' -f1; }
wanted_stamp="$VERSION $(registration_sum)"

if [[ "${FORCE:-}" != 1 && -x "$OUT" && -f "$STAMP" && "$(cat "$STAMP")" == "$wanted_stamp" ]]; then
  # `daprd --version` prints the version the build stamped in (without the leading v).
  if [[ "$("$OUT" --version 2>/dev/null || true)" == "${VERSION#v}" ]]; then
    say "$OUT is daprd $VERSION (local.file, local.env); nothing to do"
    exit 0
  fi
fi

command -v go >/dev/null 2>&1 ||
  die "'go' is not on PATH. Install Go >= 1.26 (https://go.dev/dl/), then run: $SELF"

scratch="$(mktemp -d "${TMPDIR:-/tmp}/build-daprd.XXXXXX")"
cleanup() {
  # The copy keeps the module cache's read-only modes on directories it did not need to touch.
  chmod -R u+w "$scratch" 2>/dev/null || true
  rm -rf "$scratch"
}
trap cleanup EXIT

say "downloading $MODULE@$VERSION (go mod download)"
# Run outside any module so the download does not touch a go.mod.
if ! info="$(cd "$scratch" && go mod download -json "$MODULE@$VERSION")"; then
  die "'go mod download -json $MODULE@$VERSION' failed:
$info
Check that the Go module proxy is reachable (go env GOPROXY: $(go env GOPROXY)), then run: $SELF"
fi
field() { sed -n "s/^[[:space:]]*\"$1\": \"\\(.*\\)\",\\{0,1\\}\$/\\1/p" <<<"$info" | head -n1; }
module_dir="$(field Dir)"
commit="$(field Hash)"
[[ -n "$module_dir" && -f "$module_dir/go.mod" ]] ||
  die "'go mod download -json $MODULE@$VERSION' named no module directory (got: $info). Run 'go clean -modcache' if the cache is damaged, then: $SELF"

say "copying the module to $scratch/dapr"
copy="$scratch/dapr"
cp -R "$module_dir" "$copy" || die "'cp -R $module_dir $copy' failed (disk full? df -h ${TMPDIR:-/tmp})"
chmod -R u+w "$copy"
components="$copy/cmd/daprd/components"
[[ -f "$components/zz_notag.go" ]] ||
  die "$MODULE@$VERSION has no cmd/daprd/components/zz_notag.go: this script only knows how to build $VERSION"
cp "$REGISTRATION" "$components/zz_notag.go"

say "building daprd $VERSION with local.file and local.env (first run: ~2 min on 2 cores, ~0.6 GB of modules and ~1 GB of build cache; then seconds)"
mkdir -p "$OUT_DIR"
partial="$OUT.partial.$$"
ldflags="-s -w -X $MODULE/pkg/buildinfo.version=${VERSION#v} -X $MODULE/pkg/buildinfo.gitcommit=$commit"
ldflags+=" -X $MODULE/pkg/buildinfo.gitversion=$VERSION-secretstores-local"
# -trimpath keeps the scratch path out of the objects, so the build cache hits on the next run.
if ! (cd "$copy" && CGO_ENABLED=0 GOFLAGS=-buildvcs=false go build -trimpath -ldflags "$ldflags" -o "$partial" ./cmd/daprd); then
  rm -f "$partial"
  die "'go build ./cmd/daprd' in the copy of $MODULE@$VERSION failed (output above). Fix the cause (network to GOPROXY, disk space, Go >= 1.26), then run: $SELF"
fi

got="$("$partial" --version 2>&1 || true)"
if [[ "$got" != "${VERSION#v}" ]]; then
  rm -f "$partial"
  die "the built daprd reports version '$got', not ${VERSION#v}; run: FORCE=1 $SELF"
fi
mv -f "$partial" "$OUT"
echo "$wanted_stamp" >"$STAMP"
say "built $OUT ($(du -h "$OUT" | cut -f1), daprd $VERSION: local.file, local.env)"
