#!/usr/bin/env bash
# Fetch com.hazelcast:hazelcast:<version> (plus the log4j-api/log4j-core that version's pom declares,
# which the official image ships in its lib/) from Maven Central into the e2e cache.
#
#   e2e/hazelcast/fetch-jar.sh [VERSION]
#
# VERSION defaults to HAZELCAST_VERSION in lib/versions.ts (the one constant shared with the
# stack's image tag). Prints the absolute path of hazelcast-<version>.jar on stdout; everything
# else goes to stderr. The jar's directory is what the member runner mounts as /opt/hazelcast/lib.
# Cache: ${HZ_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hazelcast-k8s-e2e}/hazelcast-<version>/
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

version="${1:-}"
if [[ -z "$version" ]]; then
  version="$(sed -nE "s/^export const HAZELCAST_VERSION *= *'([^']+)'.*/\1/p" "$repo/lib/versions.ts")"
fi
if [[ ! "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+([-.][A-Za-z0-9.]+)?$ ]]; then
  echo "fetch-jar.sh: bad or missing Hazelcast version '${version}' (argument or lib/versions.ts)" >&2
  exit 2
fi

cache="${HZ_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hazelcast-k8s-e2e}"
outdir="$cache/hazelcast-$version"
jar="$outdir/hazelcast-$version.jar"
stamp="$outdir/.complete"

if [[ ! -s "$jar" || ! -e "$stamp" ]]; then
  mkdir -p "$outdir"
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  mvn=(mvn -B -q -Dstyle.color=never)
  # 1. the Hazelcast pom, for the log4j version it declares
  # (run outside this folder so the pom.xml here does not configure the call)
  (cd "$tmp" && "${mvn[@]}" dependency:copy -Dartifact="com.hazelcast:hazelcast:$version:pom" \
    -DoutputDirectory="$tmp" >&2)
  log4j="$(grep -A2 '<artifactId>log4j-core</artifactId>' "$tmp/hazelcast-$version.pom" \
    | sed -nE 's/.*<version>([^<]+)<\/version>.*/\1/p' | head -n1)"
  if [[ -z "$log4j" ]]; then
    echo "fetch-jar.sh: no log4j-core version in hazelcast-$version.pom" >&2
    exit 1
  fi
  # 2. hazelcast + log4j2 jars, through the pom beside this script
  "${mvn[@]}" -f "$here/pom.xml" \
    -Dhazelcast.version="$version" -Dlog4j.version="$log4j" \
    -Dhz.e2e.outdir="$outdir" -Dproject.build.directory="$tmp/target" \
    dependency:copy >&2
  echo "hazelcast=$version log4j=$log4j" > "$stamp"
fi
if [[ ! -s "$jar" ]]; then
  echo "fetch-jar.sh: $jar missing after mvn dependency:copy" >&2
  exit 1
fi
echo "$jar"
