#!/usr/bin/env bash
# Builds the independent Go Secret Manager emulator
# (github.com/blackwell-systems/gcp-secret-manager-emulator, cmd/server) that the cross-check test
# compares the fake with, into <repo>/.cache/gcp-emulator/ (gitignored). Skips the build when the
# binary is already there. Needs Go >= 1.24 and the Go module proxy.
#
#   bash packages/gcp/test/support/build-go-emulator.sh
#
# v0.1.0 is the only version the Go module proxy serves, and its checksum is not in the public
# checksum database: GONOSUMDB exempts that one module path from the lookup (the other modules are
# still checked), and GOFLAGS=-mod=mod lets `go build` record the emulator's dependencies in the
# throwaway module below. Keep VERSION and the binary name in step with go-emulator.ts.
set -euo pipefail

MODULE=github.com/blackwell-systems/gcp-secret-manager-emulator
VERSION=v0.1.0
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)
OUT_DIR="$REPO_ROOT/.cache/gcp-emulator"
BINARY="$OUT_DIR/gcp-secret-manager-emulator-$VERSION"

if [[ -x "$BINARY" ]]; then
  echo "Go Secret Manager emulator $VERSION already built: $BINARY"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "go not found on PATH: install Go 1.24 or newer (https://go.dev/dl/), then run this script again." >&2
  exit 1
fi

# A throwaway module to build in, so nothing in the repository gets a go.mod.
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT_DIR"

export GONOSUMDB=github.com/blackwell-systems GOFLAGS=-mod=mod GOWORK=off
cd "$WORK"
go mod init gcp-emulator-build >/dev/null 2>&1
go get "$MODULE@$VERSION"
# Build to a temporary name first, so an interrupted build never leaves a binary that looks done.
go build -trimpath -o "$BINARY.partial" "$MODULE/cmd/server"
mv "$BINARY.partial" "$BINARY"
echo "Built $BINARY"
