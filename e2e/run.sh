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
# Needs root (network namespaces, mount namespaces for the members), Go, Java (Temurin 25, as in the 5.7 image) and Maven.
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
cgroup_parent="hz-member-runner-$$"
status=1
state=""

# Stops every process in a namespace (TERM, then KILL after 10 s), waits until it is empty, deletes it, and removes
# the member cgroups of its run (empty once their processes are gone).
teardown_run() { # netns cgroup-parent
  local ns="$1" cg="$2" pids
  for signal in TERM KILL; do
    pids="$(ip netns pids "$ns" 2>/dev/null || true)"
    [[ -z "$pids" ]] && break
    kill -"$signal" $pids 2>/dev/null || true
    for _ in $(seq 1 50); do
      [[ -z "$(ip netns pids "$ns" 2>/dev/null || true)" ]] && break
      sleep 0.2
    done
  done
  ip netns delete "$ns" 2>/dev/null || true
  for dir in /sys/fs/cgroup/*/"$cg"; do
    [[ -d "$dir" ]] || continue
    find "$dir" -depth -mindepth 1 -type d -exec rmdir {} + 2>/dev/null || true
    rmdir "$dir" 2>/dev/null || true
  done
  return 0
}

# What a run that was killed outright (SIGKILL, machine reset) left behind: namespaces and cgroups of dead pids.
for ns in $(ip netns list 2>/dev/null | awk '/^hz-e2e-[0-9]+/ {print $1}'); do
  kill -0 "${ns#hz-e2e-}" 2>/dev/null || teardown_run "$ns" "hz-member-runner-${ns#hz-e2e-}"
done

cleanup() {
  set +e
  teardown_run "$netns" "$cgroup_parent"
  if [[ $status -ne 0 || "${E2E_KEEP_STATE:-0}" == 1 ]]; then
    echo "e2e: state and logs kept in $state" >&2
    for log in "$state"/members/logs/*.log; do
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
trap 'exit 143' TERM HUP
trap 'exit 130' INT
state="$(mktemp -d /tmp/hz-e2e-state.XXXXXX)"

ip netns add "$netns"
ip netns exec "$netns" ip link set lo up
ip netns exec "$netns" ip addr add 10.244.0.1/16 dev lo

E2E_STATE_DIR="$state" E2E_JAR="$jar" E2E_NETNS="$netns" E2E_CGROUP_PARENT="$cgroup_parent" \
  ip netns exec "$netns" "$root/node_modules/.bin/vitest" run --config "${E2E_VITEST_CONFIG:-e2e/vitest.config.mts}" "$@" &
set +e
wait $!
status=$?
set -e
exit $status
