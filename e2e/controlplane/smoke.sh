#!/usr/bin/env bash
# Self-check of the e2e control plane (run as root):
#   builds/reuses the binaries (build.sh), creates a network namespace with 10.244.0.1/16 on lo, runs smoke.ts
#   (e2e/harness/control-plane.ts + checks) inside it, then stops everything and deletes the namespace - also on
#   failure or Ctrl-C - and verifies that nothing it started is left (processes, namespace).
# Env: HZ_E2E_CACHE (see build.sh), HZ_E2E_KEEP_STATE=1 keeps the state dir (certs, logs) even on success.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "${HERE}/../.." && pwd)"
CACHE="${HZ_E2E_CACHE:-${XDG_CACHE_HOME:-${HOME}/.cache}/hazelcast-k8s-e2e}"

if [[ ${EUID} -ne 0 ]]; then
  echo "smoke.sh must run as root (ip netns, port 443)" >&2
  exit 1
fi

# 1. binaries (cached after the first build)
bash "${HERE}/build.sh"

# 2. tsx: the project's own if it has one, else a copy installed once into the cache (outside the clone).
#    Resolved here, outside the namespace: inside it there is no network.
TSX="${ROOT}/node_modules/.bin/tsx"
if [[ ! -x "${TSX}" ]]; then
  TSX="${CACHE}/tools/tsx4/node_modules/.bin/tsx"
  if [[ ! -x "${TSX}" ]]; then
    echo "[smoke] installing tsx@4 into ${CACHE}/tools/tsx4"
    mkdir -p "${CACHE}/tools/tsx4"
    npm install --prefix "${CACHE}/tools/tsx4" --no-save --no-audit --no-fund --loglevel=error tsx@4 >/dev/null
  fi
fi

NS="hz-e2e-smoke-$$"
STATE="$(mktemp -d /tmp/hz-e2e-smoke.XXXXXX)"
RUNNER_PID=""

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  if [[ -n "${RUNNER_PID}" ]] && kill -0 "${RUNNER_PID}" 2>/dev/null; then
    echo "[smoke] stopping runner pid ${RUNNER_PID}"
    kill -TERM "${RUNNER_PID}" 2>/dev/null
    for _ in $(seq 1 60); do kill -0 "${RUNNER_PID}" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "${RUNNER_PID}" 2>/dev/null
    wait "${RUNNER_PID}" 2>/dev/null
  fi
  if ip netns list | grep -qw "${NS}"; then
    # anything still living in our namespace was started by this script: kill it by pid
    local pids
    pids="$(ip netns pids "${NS}" 2>/dev/null)"
    if [[ -n "${pids}" ]]; then
      echo "[smoke] killing leftover pids in ${NS}: ${pids//$'\n'/ }"
      # shellcheck disable=SC2086
      kill -KILL ${pids} 2>/dev/null
      sleep 0.5
    fi
    ip netns del "${NS}"
  fi
  rm -rf "/etc/netns/${NS}"

  # verify: no process of ours (they all have ${STATE} or ${NS} on their command line), no namespace
  local left
  left="$(pgrep -af -- "${STATE}|${NS}" || true)"
  if [[ -n "${left}" ]]; then
    echo "[smoke] ERROR: processes left behind:" >&2
    echo "${left}" >&2
    rc=1
  fi
  if ip netns list | grep -qw "${NS}"; then
    echo "[smoke] ERROR: network namespace ${NS} still exists" >&2
    rc=1
  fi
  if [[ ${rc} -eq 0 && -z "${HZ_E2E_KEEP_STATE:-}" ]]; then
    rm -rf "${STATE}"
  else
    echo "[smoke] state (certs, kubeconfig, logs) kept in ${STATE}"
  fi
  echo "[smoke] cleanup done: no processes left, netns ${NS} removed (exit ${rc})"
  exit "${rc}"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# 3. the namespace: lo up, 10.244.0.0/16 on lo (API server 10.244.0.1, pod IPs 10.244.1.x),
#    and the in-cluster API name in its hosts file (ip netns exec bind-mounts /etc/netns/<ns>/hosts)
ip netns add "${NS}"
ip netns exec "${NS}" ip link set lo up
ip netns exec "${NS}" ip addr add 10.244.0.1/16 dev lo
mkdir -p "/etc/netns/${NS}"
cat >"/etc/netns/${NS}/hosts" <<'EOF'
127.0.0.1 localhost
10.244.0.1 kubernetes kubernetes.default kubernetes.default.svc kubernetes.default.svc.cluster.local
EOF

echo "[smoke] netns ${NS}, state ${STATE}"
start="$(date +%s%N)"
# ip netns exec execs tsx in place, so RUNNER_PID is the tsx process (it forwards SIGTERM to its node child)
( cd "${ROOT}" && exec ip netns exec "${NS}" "${TSX}" "${HERE}/smoke.ts" "${STATE}" ) &
RUNNER_PID=$!
set +e
wait "${RUNNER_PID}"
rc=$?
set -e
RUNNER_PID=""
echo "[smoke] smoke.ts exited ${rc} after $((($(date +%s%N) - start) / 1000000)) ms"
exit "${rc}"
