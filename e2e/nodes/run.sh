#!/usr/bin/env bash
# The stack on real Kubernetes nodes: a real control plane, three kubelets with containerd + runc, the CNI
# bridge, kube-proxy, CoreDNS and kube-router's NetworkPolicy controller, members from the locally built image.
#
# 1. installs the Debian packages the nodes need, builds (or reuses) every binary and the images, cached outside
#    the clone;
# 2. creates the suite's network namespace (the "hub": control plane, tests, and the bridge the nodes hang off);
# 3. runs the vitest suite there (its global setup creates the node namespaces and starts every component);
# 4. on exit, success or not: kills what is left in the suite's and the nodes' namespaces and cgroups, unmounts the
#    nodes' state, deletes the namespaces and removes the state directory (kept when E2E_KEEP_STATE=1 or on failure).
#
# Usage: e2e/nodes/run.sh [vitest args, e.g. a scenario file]. Needs root.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
[[ $EUID -eq 0 ]] || { echo "e2e/nodes: needs root" >&2; exit 2; }

start=$(date +%s)
bash e2e/nodes/install-deps.sh
bash e2e/controlplane/build.sh
bash e2e/nodes/build.sh
bash e2e/image/build.sh >/dev/null  # the images of lib/versions.ts (rebuilt when e2e/image/ changes)
HZ_E2E_IMAGES=member bash e2e/image/build.sh 5.6.0 >/dev/null  # the old version scenario (u) upgrades from
set -a
eval "$(bash e2e/nodes/build.sh --print-env)"
eval "$(bash e2e/image/build.sh --print-env)"
set +a
echo "e2e/nodes: binaries and images ready in $(( $(date +%s) - start )) s"

run_id="hz-e2e-$$"
status=1
state=""

# Kills every process of a run (in its namespaces and in its nodes' cgroups), unmounts its state, deletes its
# namespaces and cgroups.
teardown_run() { # run-id state-dir
  local id="$1" dir="$2" pids ns
  for signal in TERM KILL; do
    pids="$(for ns in $(ip netns list | awk -v id="$id" '$1 == id || index($1, id "-n") == 1 {print $1}'); do ip netns pids "$ns"; done)"
    pids+=" $(find /sys/fs/cgroup/pids -maxdepth 1 -name "$id-*" -exec find {} -name cgroup.procs \; 2>/dev/null | xargs -r cat)"
    pids="$(echo $pids)"
    [[ -z "$pids" ]] && break
    kill -"$signal" $pids 2>/dev/null || true
    sleep 2
  done
  if [[ -n "$dir" ]]; then
    awk -v d="$dir" '$5 == d || index($5, d "/") == 1 {print $5}' /proc/self/mountinfo | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  fi
  for ns in $(ip netns list | awk -v id="$id" '$1 == id || index($1, id "-n") == 1 {print $1}'); do ip netns delete "$ns" 2>/dev/null || true; done
  for cg in /sys/fs/cgroup/*/"$id"-*; do
    [[ -d "$cg" ]] && find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null || true
  done
  return 0
}

# What a run killed outright (SIGKILL, machine reset) left behind.
for ns in $(ip netns list | awk '/^hz-e2e-[0-9]+-n[0-9]+/ {print $1}'); do
  id="${ns%-n*}"
  kill -0 "${id#hz-e2e-}" 2>/dev/null || teardown_run "$id" "/tmp/$id-state"
done

cleanup() {
  set +e
  teardown_run "$run_id" "$state"
  if [[ $status -ne 0 || "${E2E_KEEP_STATE:-0}" == 1 ]]; then
    echo "e2e/nodes: state and logs kept in $state" >&2
  else
    rm -rf "$state"
  fi
}
trap cleanup EXIT
trap 'exit 143' TERM HUP
trap 'exit 130' INT
state="/tmp/$run_id-state"
rm -rf "$state" && mkdir -p "$state"

ip netns add "$run_id"
ip netns exec "$run_id" ip link set lo up

# nsenter, not `ip netns exec`: the latter mounts a fresh /sys that hides the cgroup mounts the nodes need.
E2E_STATE_DIR="$state" E2E_RUN_ID="$run_id" \
  nsenter --net="/run/netns/$run_id" -- "$root/node_modules/.bin/vitest" run --config "${E2E_VITEST_CONFIG:-e2e/nodes/vitest.config.mts}" "$@" &
set +e
wait $!
status=$?
set -e
exit $status
