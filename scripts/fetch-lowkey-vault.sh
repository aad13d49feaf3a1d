#!/usr/bin/env bash
# Puts the Lowkey Vault (Azure Key Vault test double) runnable jar at
#   <repo>/.cache/lowkey-vault/lowkey-vault-app.jar   (override: LOWKEY_VAULT_JAR)
# for packages/azure/test/support/lowkey.ts. Idempotent: does nothing when the jar
# of the wanted version is already there.
#
# Where the jar comes from (LOWKEY_VAULT_FROM=auto|central|source, default auto):
#   central  mvn dependency:copy of com.github.nagyesta.lowkey-vault:lowkey-vault-app:$VERSION
#   source   mvn package of the vendored sources in $LOWKEY_VAULT_SRC
#            (default <repo>/vendor/lowkey-vault-app, a pom.xml + src/main tree)
#   auto     central first, then source
# The registry this project's machines reach does not serve lowkey-vault-app, so
# here only the source route works.
#
# Lowkey Vault 7.x needs Java 25: Maven runs with LOWKEY_VAULT_JAVA_HOME
# (default /usr/lib/jvm/temurin-25-jdk-amd64) when that directory exists.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="${LOWKEY_VAULT_VERSION:-7.3.74}"
dest="${LOWKEY_VAULT_JAR:-$repo_root/.cache/lowkey-vault/lowkey-vault-app.jar}"
from="${LOWKEY_VAULT_FROM:-auto}"
src="${LOWKEY_VAULT_SRC:-$repo_root/vendor/lowkey-vault-app}"
java_home="${LOWKEY_VAULT_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
dest_dir="$(dirname "$dest")"
stamp="$dest.version"

log() { echo "fetch-lowkey-vault: $*"; }

if [[ -s "$dest" && -f "$stamp" && "$(cat "$stamp")" == "$version" ]]; then
  log "already present: $dest (version $version), nothing to do"
  exit 0
fi

command -v mvn >/dev/null || { log "mvn not found on PATH"; exit 1; }
mkdir -p "$dest_dir"
work="$(mktemp -d "$dest_dir/.fetch.XXXXXX")"
trap 'rm -rf "$work"' EXIT

mvn_java_env=()
if [[ -d "$java_home" ]]; then
  mvn_java_env=(env "JAVA_HOME=$java_home")
fi

install_jar() { # $1 = jar to install, $2 = how it was obtained
  cp "$1" "$work/lowkey-vault-app.jar"
  mv -f "$work/lowkey-vault-app.jar" "$dest"
  echo "$version" >"$stamp"
  log "installed $dest (version $version, $2, $(du -h "$dest" | cut -f1))"
}

from_central() {
  local artifact="com.github.nagyesta.lowkey-vault:lowkey-vault-app:$version"
  log "trying Maven Central: mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy -Dartifact=$artifact -DoutputDirectory=<tmp>"
  if mvn -B -q -Dstyle.color=never org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
    "-Dartifact=$artifact" "-DoutputDirectory=$work/central" >"$work/central.log" 2>&1; then
    install_jar "$work/central/lowkey-vault-app-$version.jar" "from Maven Central"
    return 0
  fi
  log "Maven Central did not provide $artifact:"
  grep -m1 -E 'ERROR' "$work/central.log" | cut -c1-300 || true
  return 1
}

from_source() {
  if [[ ! -f "$src/pom.xml" ]]; then
    log "no vendored sources at $src (pom.xml missing)"
    return 1
  fi
  local pom_version
  pom_version="$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' "$src/pom.xml" | head -1)"
  if [[ "$pom_version" != "$version" ]]; then
    log "vendored sources are version '$pom_version', wanted '$version'"
    return 1
  fi
  local build_dir="$dest_dir/build"
  log "building from $src: ${mvn_java_env[*]:-} mvn -B -q -f $src/pom.xml -DskipTests -Dlowkey.build.dir=$build_dir package"
  if ! "${mvn_java_env[@]}" mvn -B -q -Dstyle.color=never -f "$src/pom.xml" -DskipTests "-Dlowkey.build.dir=$build_dir" package \
    >"$work/build.log" 2>&1; then
    log "build failed; last lines of the Maven output:"
    grep -v '^WARNING: .*sun.misc.Unsafe\|^WARNING: Please consider' "$work/build.log" | tail -30
    return 1
  fi
  install_jar "$build_dir/lowkey-vault-app-$version.jar" "built from $src"
  rm -rf "$build_dir"
}

case "$from" in
  central) from_central ;;
  source) from_source ;;
  auto) from_central || from_source ;;
  *)
    log "LOWKEY_VAULT_FROM must be auto, central or source (got '$from')"
    exit 2
    ;;
esac || {
  log "could not obtain Lowkey Vault $version"
  exit 1
}
