#!/usr/bin/env bash
# An OCI image archive that carries jars the way the stack's init containers expect them (userCode,
# HazelcastUpgradeCopy): the jars under /jars (mode 0644: readable by the pods' uid 65534) and Debian's static
# busybox as /bin/busybox with /bin/cp a symlink to it; Env PATH=/bin, no entrypoint (the init container runs
# `cp -R /jars/. <dir>/`). What a user builds with `FROM busybox` + `COPY *.jar /jars/`, without Docker.
#
# Usage: jar-image.sh <out.oci.tar> <image-ref> <jar>...   Needs Node and /bin/busybox (apt busybox-static).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:?usage: jar-image.sh <out.oci.tar> <image-ref> <jar>...}"
ref="${2:?usage: jar-image.sh <out.oci.tar> <image-ref> <jar>...}"
shift 2
[[ $# -gt 0 ]] || { echo "jar-image.sh: no jar given" >&2; exit 2; }
busybox="${BUSYBOX:-/bin/busybox}"
# grep without -q reads the whole list: with pipefail, -q exiting early would fail the pipeline on busybox's SIGPIPE
[[ -x "${busybox}" ]] && "${busybox}" --list | grep -x cp >/dev/null || { echo "jar-image.sh: no static busybox with cp at ${busybox} (apt busybox-static)" >&2; exit 1; }

work="$(mktemp -d "$(dirname "${out}")/jar-image.XXXXXX")"
trap 'rm -rf "${work}"' EXIT
mkdir -p "${work}/layer/jars" "${work}/layer/bin" "${work}/oci"
for jar in "$@"; do install -m 0644 "${jar}" "${work}/layer/jars/"; done
install -m 0755 "${busybox}" "${work}/layer/bin/busybox"
ln -s busybox "${work}/layer/bin/cp"
chmod 0755 "${work}/layer/jars" "${work}/layer/bin"
tar -C "${work}/layer" --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 --format=gnu -cf "${work}/layer.tar" .
printf '{"ref": "%s", "config": {"Env": ["PATH=/bin"], "WorkingDir": "/", "User": "65534:65534"}}\n' "${ref}" >"${work}/spec.json"
node "${here}/oci-archive.mjs" "${work}/oci" "${work}/spec.json" "${work}/layer.tar" >/dev/null
tar -C "${work}/oci" --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -cf "${out}" oci-layout index.json blobs
echo "${out}"
