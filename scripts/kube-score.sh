#!/usr/bin/env bash
# Scores the synthesized manifests with kube-score (https://github.com/zegl/kube-score).
#
# kube-score is built from the Go module proxy at a pinned version with plain `go install` (its go.mod has no
# replace directives), into a cache outside the clone; the build is skipped when the binary is already there:
#   ${HZ_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hazelcast-k8s-e2e}/bin/kube-score-<version>/kube-score
#
# Usage: scripts/kube-score.sh [file...]          (default: dist/*.yaml of this repository)
# Env:
#   KUBE_SCORE_FLAGS   extra flags for `kube-score score`, split on whitespace; use the --flag=value form, e.g.
#                      KUBE_SCORE_FLAGS="--ignore-test=pod-networkpolicy --enable-optional-test=container-seccomp-profile"
#                      (`kube-score list` in the binary above prints every check id and whether it is optional).
#   KUBE_SCORE_VERSION overrides the pinned version (must be a tag the module proxy knows).
#   HZ_E2E_CACHE, XDG_CACHE_HOME  as above; HZ_E2E_BUILD_JOBS: go build -p (default 2).
#
# Output: kube-score's `--output-format ci` lines, one per check result: `[OK|WARNING|CRITICAL|SKIPPED] <object>: ...`.
# Exit status (the script's own rule, independent of kube-score's exit code and of --exit-one-on-warning):
#   0  no CRITICAL line (WARNING lines are reported, never fatal)
#   1  at least one CRITICAL line
#   2  kube-score (or its build) failed without producing a scorecard, or no file to score
set -euo pipefail

KUBE_SCORE_VERSION="${KUBE_SCORE_VERSION:-v1.20.0}"   # newest tag on the proxy; builds with Go 1.26

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${HZ_E2E_CACHE:-${XDG_CACHE_HOME:-${HOME}/.cache}/hazelcast-k8s-e2e}"
BIN_DIR="${CACHE}/bin/kube-score-${KUBE_SCORE_VERSION}"
KUBE_SCORE="${BIN_DIR}/kube-score"

log() { echo "[kube-score] $*" >&2; }

if [[ ! -x "${KUBE_SCORE}" ]]; then
  log "building github.com/zegl/kube-score/cmd/kube-score@${KUBE_SCORE_VERSION} into ${BIN_DIR}"
  mkdir -p "${BIN_DIR}"
  tmp="$(mktemp -d "${BIN_DIR}/.build.XXXXXX")"
  trap 'rm -rf "${tmp}"' EXIT
  start=${SECONDS}
  # Install into a scratch dir and rename, so an interrupted or concurrent build never leaves a partial binary.
  if ! GOBIN="${tmp}" CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS="-buildvcs=false" \
      go install -p "${HZ_E2E_BUILD_JOBS:-2}" -trimpath \
        -ldflags "-s -w -X main.version=${KUBE_SCORE_VERSION}" \
        "github.com/zegl/kube-score/cmd/kube-score@${KUBE_SCORE_VERSION}"; then
    log "build failed"
    exit 2
  fi
  mv -f "${tmp}/kube-score" "${KUBE_SCORE}"
  log "built in $((SECONDS - start))s"
fi

if (($# > 0)); then
  files=("$@")
else
  shopt -s nullglob
  files=("${ROOT}"/dist/*.yaml)
  shopt -u nullglob
fi
if ((${#files[@]} == 0)); then
  log "no manifests to score (run 'npm run synth' first, or pass files)"
  exit 2
fi

# KUBE_SCORE_FLAGS is split on whitespace on purpose (no quoting inside it).
read -r -a extra_flags <<<"${KUBE_SCORE_FLAGS:-}"

set +e
output="$("${KUBE_SCORE}" score --output-format ci "${extra_flags[@]}" "${files[@]}")"
rc=$?
set -e
[[ -n "${output}" ]] && printf '%s\n' "${output}"

if grep -q '^\[CRITICAL\]' <<<"${output}"; then
  log "FAIL: $(grep -c '^\[CRITICAL\]' <<<"${output}") CRITICAL, $(grep -c '^\[WARNING\]' <<<"${output}") WARNING"
  exit 1
fi
if ((rc != 0)) && ! grep -qE '^\[(OK|WARNING|SKIPPED)\]' <<<"${output}"; then
  log "kube-score failed (exit ${rc}) without a scorecard"
  exit 2
fi
log "OK: no CRITICAL, $(grep -c '^\[WARNING\]' <<<"${output}") WARNING"
