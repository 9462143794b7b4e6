#!/usr/bin/env bash
# Builds the container images of the e2e nodes as OCI layout archives, for `ctr -n k8s.io images import --local`:
#   member   docker.io/hazelcast/hazelcast:<HAZELCAST_VERSION>  Debian bookworm (mmdebstrap, minbase) + a jlink'd
#            Temurin 25 runtime + /opt/hazelcast (jar, hazelcast-sql, log4j2, JMX exporter agent, docker assembly config,
#            bin/hz, bin/hz-e2e-client)
#   pause    localhost/hz-e2e/pause:1                           static Go program (pause/), nothing else
#   coredns  localhost/hz-e2e/coredns:<COREDNS_VERSION>         the static coredns from e2e/nodes/build.sh
# Output: ${HZ_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hazelcast-k8s-e2e}/images/<name>-<version>-<key>.oci.tar
# where <key> hashes this folder's files and the other inputs: an archive that exists is reused (idempotent).
#
# Usage: build.sh [--print-env] [HAZELCAST_VERSION]
#   HAZELCAST_VERSION defaults to HAZELCAST_VERSION in lib/versions.ts (5.6.0 works too).
#   Prints KEY=value lines on stdout: MEMBER_IMAGE, MEMBER_IMAGE_TAR, PAUSE_IMAGE, PAUSE_IMAGE_TAR, COREDNS_IMAGE,
#   COREDNS_IMAGE_TAR. With --print-env it only prints them (builds nothing; the files may not exist yet).
# Env: HZ_E2E_IMAGES (which images, default "pause member coredns"), HZ_E2E_DEBIAN_MIRROR, TEMURIN_HOME.
# Needs: root (mmdebstrap in root mode chowns files), mmdebstrap (e2e/nodes/install-deps.sh), Go, Node 20, Maven,
# the Temurin 25 JDK at TEMURIN_HOME (default /usr/lib/jvm/temurin-25-jdk-amd64).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "${HERE}/../.." && pwd)"
NODES="${REPO}/e2e/nodes"
# shellcheck source=../nodes/versions.env
source "${NODES}/versions.env"

print_only=false
if [[ "${1:-}" == "--print-env" ]]; then print_only=true; shift; fi
HZ_VERSION="${1:-$(sed -nE "s/^export const HAZELCAST_VERSION *= *'([^']+)'.*/\1/p" "${REPO}/lib/versions.ts")}"
if [[ ! "${HZ_VERSION}" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  echo "build.sh: bad Hazelcast version '${HZ_VERSION}'" >&2
  exit 2
fi

CACHE="${HZ_E2E_CACHE:-${XDG_CACHE_HOME:-${HOME}/.cache}/hazelcast-k8s-e2e}"
OUT="${CACHE}/images"
TEMURIN_HOME="${TEMURIN_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
DEBIAN_SUITE=bookworm
DEBIAN_MIRROR="${HZ_E2E_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
JMX_AGENT_VERSION=1.0.1
# The runtime's modules: java.se (bin/hz passes --add-modules java.se, as the official scripts do), sun.misc.Unsafe,
# com.sun.management (metrics), the JMX exporter agent's HTTP server, DNS lookups through JNDI, jcmd for debugging.
JDK_MODULES="java.se,jdk.unsupported,jdk.management,jdk.management.agent,jdk.httpserver,jdk.naming.dns,jdk.crypto.cryptoki,jdk.zipfs,jdk.jfr,jdk.jcmd,jdk.localedata"

MEMBER_IMAGE="docker.io/hazelcast/hazelcast:${HZ_VERSION}"
PAUSE_IMAGE="localhost/hz-e2e/pause:1"
COREDNS_IMAGE="localhost/hz-e2e/coredns:${COREDNS_VERSION}"

log() { echo "[image] $*" >&2; }
hash_of() { sha256sum | cut -c1-12; }

# Keys: everything in this folder that shapes an image (sorted file list with contents), plus outside inputs.
folder_key="$(cd "${HERE}" && find . -type f ! -name '*.md' -print0 | sort -z | xargs -0 sha256sum | hash_of)"
jdk_release="$(cat "${TEMURIN_HOME}/release" 2>/dev/null || echo missing)"
rootfs_key="$(printf '%s\n' "${DEBIAN_SUITE}" "$(sed -n '/^rootfs()/,/^}/p' "${HERE}/build.sh")" | hash_of)"
jdk_key="$(printf '%s\n' "${jdk_release}" "${JDK_MODULES}" | hash_of)"
member_key="$(printf '%s\n' "${folder_key}" "${HZ_VERSION}" "${JMX_AGENT_VERSION}" "${jdk_key}" "${rootfs_key}" | hash_of)"
pause_key="${folder_key}"
coredns_key="$(printf '%s\n' "${folder_key}" "${COREDNS_VERSION}" | hash_of)"

MEMBER_TAR="${OUT}/hazelcast-${HZ_VERSION}-${member_key}.oci.tar"
PAUSE_TAR="${OUT}/pause-1-${pause_key}.oci.tar"
COREDNS_TAR="${OUT}/coredns-${COREDNS_VERSION}-${coredns_key}.oci.tar"

print_env() {
  echo "MEMBER_IMAGE=${MEMBER_IMAGE}"
  echo "MEMBER_IMAGE_TAR=${MEMBER_TAR}"
  echo "PAUSE_IMAGE=${PAUSE_IMAGE}"
  echo "PAUSE_IMAGE_TAR=${PAUSE_TAR}"
  echo "COREDNS_IMAGE=${COREDNS_IMAGE}"
  echo "COREDNS_IMAGE_TAR=${COREDNS_TAR}"
}
if ${print_only}; then print_env; exit 0; fi

if [[ $EUID -ne 0 ]]; then echo "build.sh: needs root (mmdebstrap, file ownership in layers)" >&2; exit 1; fi
mkdir -p "${OUT}/layers"
WORK="$(mktemp -d "${OUT}/work.XXXXXX")"
trap 'rm -rf "${WORK}"' EXIT

# A layer tar of a directory: sorted, numeric owners as on disk, fixed mtimes, no device files.
layer_tar() { # dir out
  tar -C "$1" --sort=name --numeric-owner --mtime=@0 --format=gnu -cf "$2.tmp" .
  mv -f "$2.tmp" "$2"
}

# image <out.tar> <ref> <config-json> <layer.tar>...: the OCI layout directory, tarred
image() {
  local out="$1" ref="$2" cfg="$3"; shift 3
  local dir="${WORK}/oci-$(basename "${out}")"
  mkdir -p "${dir}"
  printf '{"ref": "%s", "config": %s}\n' "${ref}" "${cfg}" >"${WORK}/spec.json"
  node "${HERE}/oci-archive.mjs" "${dir}" "${WORK}/spec.json" "$@" >/dev/null
  tar -C "${dir}" --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -cf "${out}.tmp" \
    oci-layout index.json blobs
  mv -f "${out}.tmp" "${out}"
  log "wrote ${out} ($(du -h "${out}" | cut -f1))"
  # older archives of the same image and version (other keys) are stale: drop them
  local f prefix="${out%-*.oci.tar}"
  for f in "${prefix}"-*.oci.tar; do
    [[ "${f}" != "${out}" && "${f#"${prefix}"-}" =~ ^[0-9a-f]{12}\.oci\.tar$ ]] && rm -f "${f}" && log "removed stale ${f}"
  done
  return 0
}

# The Debian root filesystem: minbase (essential + apt: bash, coreutils, glibc, zlib, libgcc), no docs, man pages
# or locales, the non-numeric user hazelcast as in the official image. The key includes this function's text.
rootfs() {
  local out="$1" dir="${WORK}/rootfs"
  mmdebstrap --variant=minbase --mode=root --format=directory --include=zlib1g \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*' \
    --customize-hook='chroot "$1" useradd --system --no-create-home --home-dir /opt/hazelcast --shell /bin/bash --user-group hazelcast' \
    --customize-hook='rm -rf "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/* "$1"/var/log/*' \
    "${DEBIAN_SUITE}" "${dir}" "deb ${DEBIAN_MIRROR} ${DEBIAN_SUITE} main" >&2
  rm -rf "${dir:?}"/dev/*   # runc sets up /dev; no device files in the layer
  layer_tar "${dir}" "${out}"
  rm -rf "${dir}"
}

build_member() {
  local start; start="$(date +%s)"
  local rootfs_tar="${OUT}/layers/rootfs-${DEBIAN_SUITE}-${rootfs_key}.tar"
  if [[ ! -s "${rootfs_tar}" ]]; then
    log "rootfs: mmdebstrap ${DEBIAN_SUITE} (minbase)"
    rootfs "${rootfs_tar}"
  fi
  local jdk_tar="${OUT}/layers/jdk-${jdk_key}.tar"
  if [[ ! -s "${jdk_tar}" ]]; then
    log "jdk: jlink ${TEMURIN_HOME} (${JDK_MODULES})"
    mkdir -p "${WORK}/jdk/opt/java"
    "${TEMURIN_HOME}/bin/jlink" --add-modules "${JDK_MODULES}" --strip-debug --no-man-pages --no-header-files \
      --compress=zip-6 --output "${WORK}/jdk/opt/java/openjdk"
    chown -R 0:0 "${WORK}/jdk"
    layer_tar "${WORK}/jdk" "${jdk_tar}"
  fi

  log "hazelcast ${HZ_VERSION}: jars from Maven Central"
  local jar jardir agent
  jar="$(bash "${REPO}/e2e/hazelcast/fetch-jar.sh" "${HZ_VERSION}")"
  jardir="$(dirname "${jar}")"
  agent="${CACHE}/jmx_prometheus_javaagent-${JMX_AGENT_VERSION}/jmx_prometheus_javaagent-${JMX_AGENT_VERSION}.jar"
  if [[ ! -s "${agent}" ]]; then
    (cd "${WORK}" && mvn -B -q -Dstyle.color=never dependency:copy \
      -Dartifact="io.prometheus.jmx:jmx_prometheus_javaagent:${JMX_AGENT_VERSION}" \
      -DoutputDirectory="$(dirname "${agent}")" >&2)
  fi

  # hazelcast-sql (the SQL engine; its only compile dependency is hazelcast), in lib/ as in the official image
  local sql="${CACHE}/hazelcast-sql-${HZ_VERSION}/hazelcast-sql-${HZ_VERSION}.jar"
  if [[ ! -s "${sql}" ]]; then
    (cd "${WORK}" && mvn -B -q -Dstyle.color=never dependency:copy \
      -Dartifact="com.hazelcast:hazelcast-sql:${HZ_VERSION}" \
      -DoutputDirectory="$(dirname "${sql}")" >&2)
  fi

  local hz="${WORK}/hz/opt/hazelcast"
  mkdir -p "${hz}/lib" "${hz}/config" "${hz}/bin/user-lib" "${hz}/e2e"
  cp "${jardir}"/*.jar "${agent}" "${sql}" "${hz}/lib/"
  # config/hazelcast-docker.xml is the jar's hazelcast-docker-assembly.xml (the distribution renames it)
  (cd "${WORK}" && "${TEMURIN_HOME}/bin/jar" xf "${jar}" hazelcast-docker-assembly.xml)
  mv "${WORK}/hazelcast-docker-assembly.xml" "${hz}/config/hazelcast-docker.xml"
  cp "${HERE}/files/log4j2.properties" "${HERE}/files/jmx_agent_config.yaml" "${hz}/config/"
  install -m 0755 "${HERE}/files/hz" "${HERE}/files/hz-e2e-client" "${hz}/bin/"
  # the client, against this very jar, for the image's Java 25 but Java 17 bytecode like Hazelcast's
  mkdir -p "${WORK}/classes"
  "${TEMURIN_HOME}/bin/javac" --release 17 -nowarn -cp "${jar}" -d "${WORK}/classes" "${HERE}/client/HzE2eClient.java"
  "${TEMURIN_HOME}/bin/jar" cf "${hz}/e2e/hz-e2e-client.jar" -C "${WORK}/classes" .
  chmod -R a+rX,go-w "${WORK}/hz"
  chown -R 0:0 "${WORK}/hz"
  layer_tar "${WORK}/hz" "${WORK}/hazelcast.tar"

  local cfg
  cfg="$(cat <<EOF
{"User": "hazelcast",
 "Env": ["PATH=/opt/hazelcast/bin:/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
   "LANG=C.UTF-8", "JAVA_HOME=/opt/java/openjdk", "HZ_HOME=/opt/hazelcast", "CLASSPATH_DEFAULT=/opt/hazelcast/*",
   "JAVA_OPTS_DEFAULT=-Djava.net.preferIPv4Stack=true -XX:MaxRAMPercentage=80.0", "JAVA_OPTS=",
   "HAZELCAST_CONFIG=config/hazelcast-docker.xml", "PROMETHEUS_CONFIG=/opt/hazelcast/config/jmx_agent_config.yaml",
   "LOGGING_LEVEL="],
 "Cmd": ["hz", "start"],
 "WorkingDir": "/opt/hazelcast",
 "ExposedPorts": {"5701/tcp": {}},
 "Labels": {"org.opencontainers.image.title": "hazelcast e2e member image", "org.opencontainers.image.version": "${HZ_VERSION}",
   "org.opencontainers.image.description": "built by e2e/image/build.sh; not the official image"}}
EOF
)"
  image "${MEMBER_TAR}" "${MEMBER_IMAGE}" "${cfg}" "${rootfs_tar}" "${jdk_tar}" "${WORK}/hazelcast.tar"
  log "member image in $(($(date +%s) - start)) s"
}

build_pause() {
  mkdir -p "${WORK}/pause"
  (cd "${HERE}/pause" && CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-buildvcs=false \
    go build -trimpath -ldflags '-s -w' -o "${WORK}/pause/pause" .)
  chmod 0755 "${WORK}/pause/pause"
  layer_tar "${WORK}/pause" "${WORK}/pause.tar"
  image "${PAUSE_TAR}" "${PAUSE_IMAGE}" '{"User": "65535:65535", "Entrypoint": ["/pause"], "WorkingDir": "/"}' \
    "${WORK}/pause.tar"
}

build_coredns() {
  bash "${NODES}/build.sh" coredns >&2
  local bin; bin="$(bash "${NODES}/build.sh" --print-env | sed -n 's/^COREDNS=//p')"
  mkdir -p "${WORK}/coredns"
  install -m 0755 "${bin}" "${WORK}/coredns/coredns"
  layer_tar "${WORK}/coredns" "${WORK}/coredns.tar"
  image "${COREDNS_TAR}" "${COREDNS_IMAGE}" \
    '{"Entrypoint": ["/coredns"], "WorkingDir": "/", "ExposedPorts": {"53/udp": {}, "53/tcp": {}}}' "${WORK}/coredns.tar"
}

total_start="$(date +%s)"
for img in ${HZ_E2E_IMAGES:-pause member coredns}; do
  case "${img}" in
    pause) if [[ -s "${PAUSE_TAR}" ]]; then log "cached ${PAUSE_TAR}"; else build_pause; fi ;;
    member) if [[ -s "${MEMBER_TAR}" ]]; then log "cached ${MEMBER_TAR}"; else build_member; fi ;;
    coredns) if [[ -s "${COREDNS_TAR}" ]]; then log "cached ${COREDNS_TAR}"; else build_coredns; fi ;;
    *) echo "build.sh: unknown image '${img}' in HZ_E2E_IMAGES (pause, member, coredns)" >&2; exit 2 ;;
  esac
done
log "all images in $(($(date +%s) - total_start)) s"
print_env
