#!/usr/bin/env bash
# Standalone proof of the node binaries and images (root): in a network namespace of its own it starts containerd
# (own root/state/socket under a temp dir, config from containerd-config.toml.tmpl, CNI bridge config), imports the
# three images, and runs
#   A. the member image with `ctr run` under the stack's security context (uid 65534, read-only rootfs with an
#      emptyDir-like /tmp, all capabilities dropped, no-new-privileges, RuntimeDefault-like seccomp), waits for
#      `is STARTED`, checks /proc of the JVM (Uid 65534, CapEff 0, Seccomp 2, PID 1 of its PID namespace), that
#      / is read-only, and writes/reads/counts entries with hz-e2e-client inside the container;
#      the client fails fast (non-zero, bounded) against a port nobody listens on;
#   B. the pause image (exits on SIGTERM) and the coredns image (prints its version);
#   C. a one-node kubelet (standalone, no API server) running the member as a static pod with the stack's
#      securityContext, on the CNI bridge: `is STARTED`, Uid 65534, CapEff 0, Seccomp 2, pod IP from the bridge.
# Builds what is missing first (cached: e2e/nodes/build.sh, e2e/image/build.sh). Everything it starts is stopped
# by pid and the namespace deleted on EXIT, also on failure. Ends with `smoke: N passed, N failed`.
#   D. a real control plane (e2e/harness/control-plane.ts, no KWOK) in the same namespace: the kubelet restarts
#      registered as smoke-node (mirror pod with the pod IP), kube-proxy (nftables) serves a ClusterIP Service of
#      the member, CoreDNS (kubernetes plugin, the kubelet's clusterDNS) resolves it for the node and for the pod,
#      and kube-router's firewall enforces a deny-all ingress NetworkPolicy and then an ipBlock allow
#      (kube-network-policies cannot run on this kernel: see README.md).
# Usage: smoke.sh [--no-kubelet | --no-network]   (--no-kubelet skips C and D, --no-network skips D)
# Env: HZ_E2E_CACHE; SMOKE_KEEP=1 keeps the temp dir for inspection; SMOKE_HAZELCAST_VERSION=5.6.0 tests that
# member image instead of lib/versions.ts's.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "${HERE}/../.." && pwd)"
with_kubelet=true
with_network=true
case "${1:-}" in
  --no-kubelet) with_kubelet=false ;;
  --no-network) with_network=false ;;
esac
[[ $EUID -eq 0 ]] || { echo "smoke.sh: needs root" >&2; exit 1; }

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "PASS $*"; }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }
check() { # description command...
  local d="$1"; shift
  if "$@"; then ok "${d}"; else bad "${d}"; fi
}
log() { echo "[smoke $(date +%T)] $*" >&2; }

components=(containerd runc cni-plugins coredns)
${with_kubelet} && components+=(kubelet)
${with_kubelet} && ${with_network} && components+=(kube-proxy kube-router)
bash "${HERE}/build.sh" "${components[@]}" >/dev/null
eval "$(bash "${HERE}/build.sh" --print-env | sed 's/^/export /')"
bash "${REPO}/e2e/image/build.sh" ${SMOKE_HAZELCAST_VERSION:-} >/dev/null
eval "$(bash "${REPO}/e2e/image/build.sh" --print-env ${SMOKE_HAZELCAST_VERSION:-} | sed 's/^/export /')"

NS="hz-nodes-smoke-$$"
T="$(mktemp -d /tmp/hz-nodes-smoke.XXXXXX)"
SOCK="${T}/containerd.sock"
CG="hz-nodes-smoke-$$"          # cgroup parent of everything we run (v1 hierarchies)
pids=()                          # daemons we started

cleanup() {
  local rc=$?
  set +e
  log "cleanup"
  local p t _
  # 1. the kubelet first, or it restarts the containers killed below
  [[ -n "${kubelet_pid:-}" ]] && kill -TERM "${kubelet_pid}" 2>/dev/null
  for _ in $(seq 50); do kill -0 "${kubelet_pid:-0}" 2>/dev/null || break; sleep 0.1; done
  [[ -n "${kubelet_pid:-}" ]] && kill -KILL "${kubelet_pid}" 2>/dev/null
  # 2. every container, through containerd
  if [[ -S "${SOCK}" ]]; then
    for t in $("${CTR}" -a "${SOCK}" -n k8s.io tasks ls -q 2>/dev/null); do
      "${CTR}" -a "${SOCK}" -n k8s.io tasks kill -s SIGKILL "${t}" >/dev/null 2>&1
    done
    sleep 1
    for t in $("${CTR}" -a "${SOCK}" -n k8s.io containers ls -q 2>/dev/null); do
      "${CTR}" -a "${SOCK}" -n k8s.io tasks delete -f "${t}" >/dev/null 2>&1
      "${CTR}" -a "${SOCK}" -n k8s.io containers delete "${t}" >/dev/null 2>&1
    done
  fi
  # 3. the daemons we started
  for p in "${pids[@]}"; do kill -TERM "${p}" 2>/dev/null; done
  for p in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "${p}" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "${p}" 2>/dev/null
  done
  # 4. anything still in our cgroups (containers whose shim is gone, a stuck `runc init`) and any process with our
  #    temp dir on its command line (shims, control-plane children): by pid. The pattern has the dots as [.], so
  #    that grep does not find itself
  for _ in 1 2 3; do
    for p in $(cat /sys/fs/cgroup/memory/"${CG}"/cgroup.procs $(find /sys/fs/cgroup/memory/"${CG}" -mindepth 1 \
      -name cgroup.procs 2>/dev/null) 2>/dev/null) $(grep -l -a -e "${T//./[.]}" /proc/[0-9]*/cmdline 2>/dev/null | cut -d/ -f3); do
      [[ "${p}" == "$$" || "${p}" == "${BASHPID}" ]] && continue
      kill -KILL "${p}" 2>/dev/null
    done
    sleep 0.5
  done
  # mounts under our temp dir (overlay rootfs, sandbox shm, kubelet volumes), deepest first
  awk -v t="${T}" 'index($2, t) == 1 {print $2}' /proc/self/mounts | sort -r | while read -r m; do
    umount -l "${m}" 2>/dev/null
  done
  # our cgroups, deepest first
  local h
  for h in /sys/fs/cgroup/*/; do
    [[ -d "${h}${CG}" ]] && find "${h}${CG}" -depth -type d -exec rmdir {} \; 2>/dev/null
  done
  ip netns del "${NS}-client" 2>/dev/null
  ip netns del "${NS}" 2>/dev/null
  # verify: no cgroup, process or namespace of ours is left
  local left
  left="$(ls -d /sys/fs/cgroup/*/"${CG}" 2>/dev/null; grep -l -a -e "${T//./[.]}" /proc/[0-9]*/cmdline 2>/dev/null \
; ip netns list | grep -F "${NS}")" || true
  if [[ -n "${left}" ]]; then bad "cleanup left: ${left//$'\n'/ }"; else ok "cleanup left no process, cgroup or netns"; fi
  if [[ "${SMOKE_KEEP:-}" == 1 ]]; then log "kept ${T}"; else rm -rf "${T}"; fi
  echo "smoke: ${passed} passed, ${failed} failed"
  [[ ${rc} -ne 0 ]] && exit "${rc}"
  [[ ${failed} -eq 0 ]]
}
trap cleanup EXIT

wait_for() { # seconds description command...
  local secs="$1" d="$2"; shift 2
  local end=$((SECONDS + secs))
  while ((SECONDS < end)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  log "timed out after ${secs} s waiting for ${d}"
  return 1
}

# --- network namespace: node address 10.245.0.1, pod bridge 10.245.1.0/24 --------------------------------------
log "netns ${NS}"
ip netns add "${NS}"
nsx() { nsenter --net="/run/netns/${NS}" "$@"; }
nsx ip link set lo up
nsx ip link add hz-node0 type veth peer name hz-node0p   # no dummy driver on this kernel; both ends stay here
nsx ip link set hz-node0p up
nsx ip addr add 10.245.0.1/24 dev hz-node0
nsx ip link set hz-node0 up
# no default route: the kubelet gets --node-ip, and nothing (e.g. the member's cloud auto-detection) can try to leave

# --- containerd ------------------------------------------------------------------------------------------------
mkdir -p "${T}/cni" "${T}/containerd/root" "${T}/containerd/state" "${T}/logs"
cat >"${T}/cni/10-bridge.conflist" <<EOF
{"cniVersion": "1.0.0", "name": "hz-e2e", "plugins": [
  {"type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": false, "hairpinMode": true,
   "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.245.1.0/24"}]], "routes": [{"dst": "0.0.0.0/0"}],
            "dataDir": "${T}/cni/ipam"}},
  {"type": "portmap", "capabilities": {"portMappings": true}}]}
EOF
sed -e "s#@@ROOT@@#${T}/containerd/root#" -e "s#@@STATE@@#${T}/containerd/state#" -e "s#@@ADDRESS@@#${SOCK}#" \
  -e "s#@@RUNC@@#${RUNC}#" -e "s#@@CNI_BIN_DIR@@#${CNI_BIN_DIR}#" -e "s#@@CNI_CONF_DIR@@#${T}/cni#" \
  -e "s#@@PAUSE_IMAGE@@#${PAUSE_IMAGE}#" "${HERE}/containerd-config.toml.tmpl" >"${T}/containerd.toml"
log "containerd"
PATH="$(dirname "${CONTAINERD_SHIM}"):$(dirname "${RUNC}"):${PATH}" \
  nsenter --net="/run/netns/${NS}" "${CONTAINERD}" --config "${T}/containerd.toml" >"${T}/logs/containerd.log" 2>&1 &
pids+=($!)
check "containerd serves its socket" wait_for 30 "containerd socket" "${CTR}" -a "${SOCK}" version
ctr() { "${CTR}" -a "${SOCK}" -n k8s.io "$@"; }

for tar in "${PAUSE_IMAGE_TAR}" "${COREDNS_IMAGE_TAR}" "${MEMBER_IMAGE_TAR}"; do
  start=${SECONDS}
  check "import $(basename "${tar}")" ctr images import --local "${tar}"
  log "imported in $((SECONDS - start)) s"
done
images="$(ctr images ls -q)"
for ref in "${MEMBER_IMAGE}" "${PAUSE_IMAGE}" "${COREDNS_IMAGE}"; do
  check "image ${ref} listed" grep -qxF "${ref}" <<<"${images}"
done

# --- A. member with ctr run ------------------------------------------------------------------------------------
# ctr has no "--cap-drop ALL": drop each capability of its default set (oci.populateDefaultUnixSpec)
drop_all=()
for c in CHOWN DAC_OVERRIDE FSETID FOWNER MKNOD NET_RAW SETGID SETUID SETFCAP SETPCAP NET_BIND_SERVICE SYS_CHROOT \
  KILL AUDIT_WRITE; do drop_all+=(--cap-drop "CAP_${c}"); done
mkdir -p "${T}/member-tmp" && chmod 1777 "${T}/member-tmp"
log "member (ctr run)"
ctr run -d --cgroup "/${CG}/member" --with-ns "network:/run/netns/${NS}" --log-uri "file://${T}/logs/member.log" \
  --user 65534:65534 --read-only "${drop_all[@]}" --seccomp \
  --mount "type=bind,src=${T}/member-tmp,dst=/tmp,options=rbind:rw" \
  --env HZ_CLUSTERNAME=smoke --env "JAVA_OPTS=-Xmx256m -Dhazelcast.phone.home.enabled=false -Dhazelcast.jmx=true" \
  --env PROMETHEUS_PORT=8080 --env CLASSPATH=/tmp/user-lib/extra.jar \
  "${MEMBER_IMAGE}" member >/dev/null
start=${SECONDS}
if wait_for 120 "member is STARTED" grep -q 'is STARTED' "${T}/logs/member.log"; then
  ok "member log says is STARTED ($((SECONDS - start)) s)"
else
  bad "member log says is STARTED"; tail -30 "${T}/logs/member.log" >&2 || true
fi
check "member log lines carry the level (LOGGING_PATTERN)" grep -qE '\[.{0,8} INFO.{0,4}\].*is STARTED' "${T}/logs/member.log"
pid="$(ctr tasks ls | awk '$1=="member"{print $2}')"
status="$(cat "/proc/${pid}/status" 2>/dev/null || true)"
check "member process is java" grep -q '^Name:[[:space:]]*java$' <<<"${status}"
check "member Uid 65534" grep -qE '^Uid:[[:space:]]+65534[[:space:]]+65534' <<<"${status}"
check "member CapEff 0" grep -qE '^CapEff:[[:space:]]+0+$' <<<"${status}"
check "member Seccomp 2" grep -qE '^Seccomp:[[:space:]]+2$' <<<"${status}"
check "member JVM is PID 1 of its container" grep -qE '^NSpid:.*[[:space:]]1$' <<<"${status}"
cmdline="$(tr '\0' ' ' <"/proc/${pid}/cmdline" 2>/dev/null || true)"
check "member classpath ends with \$CLASSPATH" grep -qF 'bin/user-lib/*:/tmp/user-lib/extra.jar ' <<<"${cmdline}"
check "member JVM flags: JAVA_OPTS last, agent on" grep -qE -- '-javaagent:/opt/hazelcast/lib/jmx_prometheus_javaagent-1\.0\.1\.jar=8080:.* -Djava\.net\.preferIPv4Stack=true -XX:MaxRAMPercentage=80\.0 -Xmx256m .* com\.hazelcast\.core\.server\.HazelcastMemberStarter' <<<"${cmdline}"
out="$(nsx curl -s -m 10 http://127.0.0.1:8080/metrics 2>&1 | grep -c '^com_hazelcast' || true)"
check "PROMETHEUS_PORT: JMX exporter serves ${out} com_hazelcast* samples" test "${out:-0}" -gt 0
out="$(ctr tasks exec --exec-id ro member touch /opt/hazelcast/x 2>&1 | grep -v DEPRECATION)" || true
check "member rootfs read-only: ${out}" grep -q 'Read-only file system' <<<"${out}"
cx() { ctr tasks exec --exec-id "c$RANDOM" member hz-e2e-client "$@"; }
out="$(cx --address 127.0.0.1:5701 --cluster smoke --op put --count 1000 --timeout-seconds 60 2>"${T}/logs/client.err")" || true
check "client put 1000: ${out}" grep -q '"ok":true,"op":"put","map":"e2e","written":1000' <<<"${out}"
out="$(cx --address 127.0.0.1:5701 --cluster smoke --op get --count 1000 --smart false 2>>"${T}/logs/client.err")" || true
check "client get 1000 (unisocket): ${out}" grep -q '"found":1000,"missing":0,"wrong":0' <<<"${out}"
out="$(cx --address 127.0.0.1:5701 --cluster smoke --op size 2>>"${T}/logs/client.err")" || true
check "client size: ${out}" grep -q '"size":1000' <<<"${out}"
out="$(cx --address 127.0.0.1:5701 --cluster smoke --op members 2>>"${T}/logs/client.err")" || true
check "client members: ${out}" grep -q '"members":1' <<<"${out}"
start=${SECONDS}
rc=0
out="$(cx --address 127.0.0.1:5799 --cluster smoke --op size --timeout-seconds 5 2>>"${T}/logs/client.err")" || rc=$?
check "client fails fast without a member (exit ${rc} in $((SECONDS - start)) s): ${out}" \
  test "${rc}" -ne 0 -a $((SECONDS - start)) -le 15
out="$(cx --address 127.0.0.1:5701 --cluster wrong-name --op size --timeout-seconds 5 2>>"${T}/logs/client.err")" || rc=$?
check "client fails on a wrong cluster name: ${out}" grep -q '"ok":false' <<<"${out}"
log "member: SIGTERM"
start=${SECONDS}
ctr tasks kill -s SIGTERM member
check "member stops on SIGTERM" wait_for 30 "member exit" bash -c "! '${CTR}' -a '${SOCK}' -n k8s.io tasks ls | grep -q '^member .*RUNNING'"
check "member logged its shutdown" grep -qE 'is SHUTTING_DOWN|is SHUTDOWN' "${T}/logs/member.log"
log "member stopped in $((SECONDS - start)) s"
ctr tasks delete member >/dev/null 2>&1 || true
ctr containers delete member >/dev/null 2>&1 || true

# --- B. pause and coredns --------------------------------------------------------------------------------------
ctr run -d --cgroup "/${CG}/pause" --with-ns "network:/run/netns/${NS}" --log-uri "file://${T}/logs/pause.log" \
  --read-only "${drop_all[@]}" --seccomp "${PAUSE_IMAGE}" pause >/dev/null
sleep 1
check "pause is running" bash -c "'${CTR}' -a '${SOCK}' -n k8s.io tasks ls | grep -q '^pause .*RUNNING'"
ctr tasks kill -s SIGTERM pause
check "pause exits on SIGTERM" wait_for 10 "pause exit" bash -c "! '${CTR}' -a '${SOCK}' -n k8s.io tasks ls | grep -q '^pause .*RUNNING'"
ctr tasks delete pause >/dev/null 2>&1 || true
ctr containers delete pause >/dev/null 2>&1 || true
out="$(ctr run --rm --cgroup "/${CG}/coredns" --with-ns "network:/run/netns/${NS}" --read-only "${COREDNS_IMAGE}" \
  coredns /coredns -version 2>&1 | grep -v DEPRECATION)" || true
check "coredns image runs: $(head -1 <<<"${out}")" grep -qF "CoreDNS-${COREDNS_IMAGE##*:v}" <<<"${out}"

# --- C. one-node kubelet with a static pod ---------------------------------------------------------------------
if ${with_kubelet}; then
  log "kubelet (standalone) with a static member pod"
  # the kubelet's cgroupRoot must exist in every v1 hierarchy; cpuset needs cpus/mems at each level
  for h in /sys/fs/cgroup/*/; do
    [[ "${h}" == */unified/ ]] && continue
    mkdir -p "${h}${CG}/kubelet"
    if [[ -f "${h}cpuset.cpus" ]]; then
      for d in "${h}${CG}" "${h}${CG}/kubelet"; do
        cat "${h}cpuset.cpus" >"${d}/cpuset.cpus"; cat "${h}cpuset.mems" >"${d}/cpuset.mems"
      done
    fi
  done
  mkdir -p "${T}/kubelet" "${T}/manifests" "${T}/pod-logs"
  printf 'nameserver 10.245.0.53\nsearch default.svc.cluster.local svc.cluster.local cluster.local\n' >"${T}/resolv.conf"
  cat >"${T}/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
failCgroupV1: false
cgroupDriver: cgroupfs
cgroupRoot: /${CG}/kubelet
containerRuntimeEndpoint: unix://${SOCK}
staticPodPath: ${T}/manifests
podLogsDir: ${T}/pod-logs
enableServer: false
readOnlyPort: 0
healthzPort: 0
authentication: {anonymous: {enabled: false}, webhook: {enabled: false}}
authorization: {mode: AlwaysAllow}
failSwapOn: false
resolvConf: ${T}/resolv.conf
clusterDomain: cluster.local
clusterDNS: [10.245.0.1]
evictionHard: {memory.available: "1Mi", nodefs.available: "1%", imagefs.available: "1%"}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
localStorageCapacityIsolation: false
fileCheckFrequency: 1s
syncFrequency: 5s
EOF
  cat >"${T}/manifests/member.yaml" <<'EOF'
apiVersion: v1
kind: Pod
metadata: {name: member, namespace: default, labels: {app: hz-smoke}}
spec:
  terminationGracePeriodSeconds: 10
  securityContext:
    runAsNonRoot: true
    runAsUser: 65534
    runAsGroup: 65534
    fsGroup: 65534
    seccompProfile: {type: RuntimeDefault}
  containers:
  - name: hazelcast
    image: docker.io/hazelcast/hazelcast:@@HZ@@
    imagePullPolicy: Never
    ports: [{name: hazelcast, containerPort: 5701}]
    env:
    - {name: HZ_CLUSTERNAME, value: smoke}
    - {name: HZ_NETWORK_RESTAPI_ENABLED, value: "true"}
    - {name: HZ_NETWORK_RESTAPI_ENDPOINTGROUPS_HEALTHCHECK_ENABLED, value: "true"}
    - {name: JAVA_OPTS, value: "-Xms256m -Xmx256m -Dhazelcast.phone.home.enabled=false"}
    resources:
      limits: {cpu: "1", memory: 512Mi}
    securityContext:
      allowPrivilegeEscalation: false
      readOnlyRootFilesystem: true
      capabilities: {drop: [ALL]}
    volumeMounts: [{name: tmp, mountPath: /tmp}]
  volumes: [{name: tmp, emptyDir: {}}]
EOF
  sed -i "s#@@HZ@@#${MEMBER_IMAGE##*:}#" "${T}/manifests/member.yaml"
  nsenter --net="/run/netns/${NS}" "${KUBELET}" --config "${T}/kubelet.yaml" --root-dir "${T}/kubelet" \
    --hostname-override smoke-node --node-ip 10.245.0.1 --v=1 >"${T}/logs/kubelet.log" 2>&1 &
  kubelet_pid=$!
  pids+=($!)
  start=${SECONDS}
  podlog() { cat "${T}"/pod-logs/default_member*/hazelcast/*.log 2>/dev/null; }
  if wait_for 180 "static pod member is STARTED" bash -c "cat '${T}'/pod-logs/default_member*/hazelcast/*.log 2>/dev/null | grep -q 'is STARTED'"; then
    ok "static pod member is STARTED ($((SECONDS - start)) s after kubelet start)"
  else
    bad "static pod member is STARTED"
    grep -E '^E|rror' "${T}/logs/kubelet.log" | tail -20 >&2 || true
    podlog | tail -20 >&2 || true
  fi
  # the JVM: the task of the container whose image is the member image
  cid="$(ctr containers ls | awk -v img="${MEMBER_IMAGE}" '$2==img{print $1}' | head -1)"
  pid="$(ctr tasks ls | awk -v c="${cid}" '$1==c{print $2}')"
  status="$(cat "/proc/${pid}/status" 2>/dev/null || true)"
  check "static pod: process is java" grep -q '^Name:[[:space:]]*java$' <<<"${status}"
  check "static pod: Uid 65534" grep -qE '^Uid:[[:space:]]+65534[[:space:]]+65534' <<<"${status}"
  check "static pod: CapEff 0" grep -qE '^CapEff:[[:space:]]+0+$' <<<"${status}"
  check "static pod: Seccomp 2" grep -qE '^Seccomp:[[:space:]]+2$' <<<"${status}"
  check "static pod: NoNewPrivs 1" grep -qE '^NoNewPrivs:[[:space:]]+1$' <<<"${status}"
  podip="$(nsenter --net="/proc/${pid}/ns/net" ip -4 -o addr show eth0 2>/dev/null | awk '{print $4}' | cut -d/ -f1)"
  check "static pod: IP ${podip} from the CNI bridge" grep -qE '^10\.245\.1\.[0-9]+$' <<<"${podip}"
  out="$(ctr tasks exec --exec-id ro "${cid}" touch /x 2>&1 | grep -v DEPRECATION)" || true
  check "static pod: rootfs read-only: ${out}" grep -q 'Read-only file system' <<<"${out}"
  out="$(nsx curl -s -m 5 "http://${podip}:5701/hazelcast/health/ready" -o /dev/null -w '%{http_code}' 2>&1)" || true
  check "static pod: /hazelcast/health/ready from the node namespace: ${out}" test "${out}" = 200
  out="$(ctr tasks exec --exec-id "c$RANDOM" "${cid}" hz-e2e-client --address "${podip}:5701" --cluster smoke \
    --op members --timeout-seconds 60 2>>"${T}/logs/client.err")" || true
  check "static pod: client on the pod IP: ${out}" grep -q '"ok":true,"op":"members","members":1' <<<"${out}"
fi

# --- D. the same node registered with a real API server; kube-proxy, CoreDNS, kube-network-policies ------------
if ${with_kubelet} && ${with_network}; then
  log "control plane (no KWOK) in the namespace"
  TSX="${REPO}/node_modules/.bin/tsx"
  [[ -x "${TSX}" ]] || TSX="${HZ_E2E_CACHE:-${XDG_CACHE_HOME:-${HOME}/.cache}/hazelcast-k8s-e2e}/tools/tsx4/node_modules/.bin/tsx"
  bash "${REPO}/e2e/controlplane/build.sh" >/dev/null
  mkdir -p "${T}/cp"
  (cd "${REPO}" && exec nsenter --net="/run/netns/${NS}" "${TSX}" e2e/nodes/smoke-controlplane.ts "${T}/cp" 10.245.0.1 \
    smoke-node) >"${T}/logs/controlplane.log" 2>&1 &
  cp_pid=$!
  pids+=($!)
  start=${SECONDS}
  cp_ready() { test -s "${T}/cp/ready.env" || ! kill -0 "${cp_pid}" 2>/dev/null; }
  wait_for 240 "control plane" cp_ready || true
  check "control plane ready" test -s "${T}/cp/ready.env"
  log "control plane in $((SECONDS - start)) s"
  # shellcheck disable=SC1091
  source "${T}/cp/ready.env"
  k() { nsx kubectl --kubeconfig "${ADMIN_KUBECONFIG}" "$@"; }

  log "kubelet again, registered as smoke-node"
  kill -TERM "${kubelet_pid}"
  wait_for 30 "kubelet exit" bash -c "! kill -0 ${kubelet_pid}" || true
  nsenter --net="/run/netns/${NS}" "${KUBELET}" --config "${T}/kubelet.yaml" --root-dir "${T}/kubelet" \
    --kubeconfig "${NODE_KUBECONFIG}" --hostname-override smoke-node --node-ip 10.245.0.1 --v=1 \
    >>"${T}/logs/kubelet.log" 2>&1 &
  kubelet_pid=$!
  pids+=($!)
  check "node smoke-node registers and is Ready" wait_for 120 "node Ready" bash -c \
    "[[ \$(nsenter --net=/run/netns/${NS} kubectl --kubeconfig ${ADMIN_KUBECONFIG} get node smoke-node -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}') == True ]]"
  check "mirror pod default/member-smoke-node has IP ${podip}" wait_for 60 "mirror pod IP" bash -c \
    "[[ \$(nsenter --net=/run/netns/${NS} kubectl --kubeconfig ${ADMIN_KUBECONFIG} -n default get pod member-smoke-node -o jsonpath='{.status.podIP}') == ${podip} ]]"

  log "kube-proxy (nftables)"
  # the node's own traffic to a ClusterIP needs a route (routing comes before kube-proxy's DNAT): no default route here
  nsx ip route add 10.96.0.0/16 dev hz-node0
  nsenter --net="/run/netns/${NS}" "${KUBE_PROXY}" --kubeconfig "${PROXY_KUBECONFIG}" --hostname-override smoke-node \
    --proxy-mode nftables --cluster-cidr 10.245.1.0/24 --conntrack-max-per-core 0 \
    --conntrack-tcp-timeout-established 0s --conntrack-tcp-timeout-close-wait 0s \
    --metrics-bind-address 127.0.0.1:10249 --healthz-bind-address 127.0.0.1:10256 --v=1 \
    >"${T}/logs/kube-proxy.log" 2>&1 &
  pids+=($!)
  k -n default create service clusterip hz-smoke --tcp=5701:5701 >/dev/null
  svcip="$(k -n default get service hz-smoke -o jsonpath='{.spec.clusterIP}')"
  check "kube-proxy: ClusterIP ${svcip}:5701 reaches the member (/hazelcast/health/ready 200)" wait_for 60 "ClusterIP" \
    bash -c "[[ \$(nsenter --net=/run/netns/${NS} curl -s -m 2 -o /dev/null -w '%{http_code}' http://${svcip}:5701/hazelcast/health/ready) == 200 ]]"

  log "CoreDNS on 10.245.0.1:53 (the kubelet's clusterDNS)"
  cat >"${T}/Corefile" <<EOF
.:53 {
  bind 10.245.0.1
  errors
  kubernetes cluster.local in-addr.arpa ip6.arpa {
    kubeconfig ${ADMIN_KUBECONFIG}
    pods insecure
    fallthrough in-addr.arpa ip6.arpa
  }
}
EOF
  nsenter --net="/run/netns/${NS}" "${COREDNS}" -conf "${T}/Corefile" >"${T}/logs/coredns.log" 2>&1 &
  pids+=($!)
  cat >"${T}/resolve.js" <<'EOF'
const r = new (require('dns').promises.Resolver)({ timeout: 2000, tries: 1 });
r.setServers(['10.245.0.1']);
r.resolve4(process.argv[2]).then((a) => console.log(a.join(',')), (e) => { console.log(e.code); process.exit(1); });
EOF
  dns_ok() { [[ "$(nsx node "${T}/resolve.js" hz-smoke.default.svc.cluster.local)" == "${svcip}" ]]; }
  check "coredns: hz-smoke.default.svc.cluster.local is ${svcip}" wait_for 30 "DNS" dns_ok
  out="$(ctr tasks exec --exec-id "c$RANDOM" "${cid}" hz-e2e-client --address hz-smoke.default.svc.cluster.local:5701 \
    --cluster smoke --op size --smart false --timeout-seconds 30 2>>"${T}/logs/client.err")" || true
  check "pod resolves the Service through CoreDNS and reaches it through kube-proxy: ${out}" \
    grep -q '"ok":true,"op":"size"' <<<"${out}"

  # kube-network-policies v0.8.0 cannot run here (the kernel lacks the nftables `queue` expression: "Could not
  # process rule: No such file or directory"), so the enforcer is kube-router's firewall, as in the harness
  log "kube-router (NetworkPolicy controller only)"
  nsenter --net="/run/netns/${NS}" "${KUBE_ROUTER}" --kubeconfig="${ADMIN_KUBECONFIG}" --hostname-override=smoke-node \
    --run-firewall=true --run-router=false --run-service-proxy=false --enable-cni=false --enable-pod-egress=false \
    --health-port=0 --metrics-port=0 --iptables-sync-period=1m --v=1 >"${T}/logs/kube-router.log" 2>&1 &
  pids+=($!)
  check "kube-router creates its KUBE-ROUTER-INPUT chain" wait_for 30 "kube-router chains" \
    nsx iptables -t filter -n -L KUBE-ROUTER-INPUT
  # kube-router always lets a node reach its own pods (probes), so the client is "another machine": a namespace
  # ${NS}-client behind a veth, 10.245.2.2, routed through the node
  ip netns add "${NS}-client"
  ip link add hz-cl0 netns "${NS}" type veth peer name hz-cl1 netns "${NS}-client"
  nsx ip addr add 10.245.2.1/24 dev hz-cl0
  nsx ip link set hz-cl0 up
  nsx sysctl -qw net.ipv4.ip_forward=1
  nsenter --net="/run/netns/${NS}-client" sh -c 'ip link set lo up && ip addr add 10.245.2.2/24 dev hz-cl1 &&
    ip link set hz-cl1 up && ip route add 10.245.1.0/24 via 10.245.2.1'
  code() {
    nsenter --net="/run/netns/${NS}-client" curl -s -m 2 -o /dev/null -w '%{http_code}' \
      "http://${podip}:5701/hazelcast/health/ready" 2>/dev/null || true
  }
  blocked() { [[ "$(code)" != 200 ]]; }
  allowed() { [[ "$(code)" == 200 ]]; }
  check "before any policy: client namespace → pod 200" wait_for 10 "client → pod" allowed
  k -n default apply -f - >/dev/null <<'EOF'
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-ingress}
spec:
  podSelector: {matchLabels: {app: hz-smoke}}
  policyTypes: [Ingress]
EOF
  check "deny-all ingress policy: client → pod blocked" wait_for 30 "policy enforced" blocked
  k -n default apply -f - >/dev/null <<'EOF'
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-node}
spec:
  podSelector: {matchLabels: {app: hz-smoke}}
  policyTypes: [Ingress]
  ingress: [{from: [{ipBlock: {cidr: 10.245.2.0/24}}], ports: [{port: 5701, protocol: TCP}]}]
EOF
  check "plus an ipBlock allow for the client's subnet: client → pod 200 again" wait_for 30 "policy allows" allowed
fi
