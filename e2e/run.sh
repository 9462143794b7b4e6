#!/usr/bin/env bash
# `npm run test:e2e`: the stack on a real control plane with real Hazelcast members.
#
# 1. builds (or reuses) the control-plane binaries and fetches the Hazelcast jar into the cache outside the clone;
# 2. creates a network namespace whose loopback carries 10.244.0.0/16 (API server 10.244.0.1, pod IPs 10.244.1.x):
#    every address the tests use exists only inside it;
# 3. runs the vitest e2e suite inside that namespace (it starts the control plane and the member runner);
# 4. on exit, success or not: stops every process left in the namespace, deletes it, and removes the state
#    directory (kept, with every log, when E2E_KEEP_STATE=1 or a test failed).
#
# Needs root (network namespaces, mount namespaces for the members), Go, Java 17+ and Maven.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

if [[ $EUID -ne 0 ]]; then
  echo "e2e: needs root (ip netns, unshare --mount)" >&2
  exit 2
fi

start=$(date +%s)
bash e2e/controlplane/build.sh
jar="$(bash e2e/hazelcast/fetch-jar.sh)"
echo "e2e: binaries and jar ready in $(( $(date +%s) - start )) s"

netns="hz-e2e-$$"
state="$(mktemp -d /tmp/hz-e2e-state.XXXXXX)"
status=1
cleanup() {
  local pids
  pids="$(ip netns pids "$netns" 2>/dev/null || true)"
  if [[ -n "$pids" ]]; then
    kill -TERM $pids 2>/dev/null || true
    for _ in $(seq 1 50); do
      pids="$(ip netns pids "$netns" 2>/dev/null || true)"
      [[ -z "$pids" ]] && break
      sleep 0.2
    done
    [[ -n "$pids" ]] && kill -KILL $pids 2>/dev/null || true
  fi
  ip netns delete "$netns" 2>/dev/null || true
  # The member runner's cgroups (memory and cpu limits of the members), empty once the members are gone.
  for dir in /sys/fs/cgroup/*/hz-member-runner; do
    [[ -d "$dir" ]] && find "$dir" -depth -mindepth 1 -type d -exec rmdir {} + 2>/dev/null
    [[ -d "$dir" ]] && rmdir "$dir" 2>/dev/null
  done
  if [[ $status -ne 0 || "${E2E_KEEP_STATE:-0}" == 1 ]]; then
    echo "e2e: state and logs kept in $state" >&2
    for log in "$state"/members/*.log; do
      [[ -f "$log" ]] || continue
      echo "----- last lines of $log" >&2
      tail -n 15 "$log" >&2
    done
  else
    rm -rf "$state"
  fi
}
trap cleanup EXIT
# A signal ends the run at once (bash runs traps only between commands, so the suite runs in the background).
trap 'exit 143' TERM INT HUP

ip netns add "$netns"
ip netns exec "$netns" ip link set lo up
ip netns exec "$netns" ip addr add 10.244.0.1/16 dev lo

E2E_STATE_DIR="$state" E2E_JAR="$jar" E2E_NETNS="$netns" \
  ip netns exec "$netns" "$root/node_modules/.bin/vitest" run --config "${E2E_VITEST_CONFIG:-e2e/vitest.config.mts}" "$@" &
set +e
wait $!
status=$?
set -e
exit $status
