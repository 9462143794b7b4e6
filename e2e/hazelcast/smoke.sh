#!/usr/bin/env bash
# Smoke test of the member runner WITHOUT a control plane (needs root: netns, mounts, cgroups).
#
#   e2e/hazelcast/smoke.sh
#
# A. startMember x2 in a network namespace made here (pod IPs 10.244.1.10/11 on its lo), TCP-IP join:
#    both logs show "Members {size:2", REST cluster-size says 2, each member listens on its pod IP only,
#    the service-account files and /etc/hosts exist only inside the member, SIGTERM shuts down
#    gracefully (GRACEFUL policy) within the grace period.
# B. PodRunner against an in-memory fake kubectl (no API server): two pods shaped like what the API
#    server stores (ServiceAccount-admission projected token volume, a ConfigMap with hazelcast.yaml at
#    /data/hazelcast, emptyDir /tmp, readOnlyRootFilesystem, runAsUser 65534): both join, a SIGKILLed
#    member is restarted after the kubelet back-off, a deleted pod is stopped with its grace period and
#    its deletion finalized.
# Finally everything is torn down and checked: no JVM, no netns, no mount, no cgroup left.
# Cleans up on EXIT, also on failure. Prints measured figures (start->joined, RSS).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
NETNS="hzr-test-$$"
WORK="$(mktemp -d /tmp/hzr-smoke.XXXXXX)"
TSX_PID=""

pids_from_work() {
  # pid files the runner keeps while a member runs
  find "$WORK" -name pid -type f 2>/dev/null | while read -r f; do cat "$f"; done
}

cleanup() {
  local rc=$?
  set +e
  if [[ -n "$TSX_PID" ]] && kill -0 "$TSX_PID" 2>/dev/null; then
    kill -TERM "$TSX_PID" 2>/dev/null; sleep 1; kill -KILL "$TSX_PID" 2>/dev/null
  fi
  for pid in $(pids_from_work); do
    # only our JVMs: the runner tags them with -Dhzr.pod=
    if tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- '-Dhzr.pod='; then
      echo "cleanup: killing leftover member pid $pid" >&2
      kill -KILL "$pid" 2>/dev/null
    fi
  done
  sleep 0.5
  ip netns del "$NETNS" 2>/dev/null
  for root in /sys/fs/cgroup/memory /sys/fs/cgroup/cpu; do
    if [[ -d "$root/hz-member-runner" ]]; then
      find "$root/hz-member-runner" -mindepth 1 -maxdepth 1 -type d -exec rmdir {} \; 2>/dev/null
      rmdir "$root/hz-member-runner" 2>/dev/null
    fi
  done
  if [[ $rc -ne 0 ]]; then
    echo "smoke: FAILED (rc=$rc); member logs:" >&2
    for f in "$WORK"/logs/*.log "$WORK"/runner/logs/*.log; do
      [[ -f "$f" ]] || continue
      echo "----- $f (last 40 lines)" >&2
      tail -n 40 "$f" >&2
    done
  fi
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[[ $(id -u) -eq 0 ]] || { echo "smoke.sh needs root (netns, mounts, cgroups)" >&2; exit 2; }

JAR="$("$here/fetch-jar.sh")"
echo "jar: $JAR"

ip netns add "$NETNS"
ip netns exec "$NETNS" ip link set lo up
ip netns exec "$NETNS" ip addr add 10.244.0.1/16 dev lo

if [[ -x "$repo/node_modules/.bin/tsx" ]]; then TSX=("$repo/node_modules/.bin/tsx"); else TSX=(npx --yes tsx@4); fi

cat > "$WORK/smoke.ts" <<'EOF'
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import {
  startMember, stopMember, killMember, waitForLog, cleanupMember, removeCgroupParents, PodRunner,
  Pod, MemberHandle, Kubectl, SA_MOUNT_PATH, JAVA_HOME,
} from '@RUNNER@';

const [work, jar, netns] = process.argv.slice(2) as [string, string, string];
const figures: string[] = [];
let failures = 0;
let passes = 0;
function check(ok: boolean, what: string): void {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (ok) passes++; else failures++;
}
const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' });
const inNs = (args: string[]) => sh('ip', ['netns', 'exec', netns, ...args]);
const rssKiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
const uidOf = (pid: number) => Number(/Uid:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- A: startMember
async function partA(): Promise<void> {
  console.log('== A: startMember, two members, TCP-IP join');
  const tokenDir = path.join(work, 'token');
  fs.mkdirSync(tokenDir, { recursive: true });
  fs.writeFileSync(path.join(tokenDir, 'token'), 'smoke-token-A\n');
  fs.writeFileSync(path.join(tokenDir, 'ca.crt'), '-----BEGIN CERTIFICATE-----\nsmoke\n-----END CERTIFICATE-----\n');
  fs.writeFileSync(path.join(tokenDir, 'namespace'), 'hz-smoke');
  const members = ['10.244.1.10', '10.244.1.11'];
  const mkPod = (i: number): Pod => ({
    metadata: { name: `hazelcast-${i}`, namespace: 'hz-smoke', uid: `smoke-a-${i}`, labels: { name: 'hazelcast' } },
    spec: {
      nodeName: 'kwok-node-0', serviceAccountName: 'hazelcast', terminationGracePeriodSeconds: 30,
      containers: [{
        name: 'hazelcast', image: 'hazelcast/hazelcast:5.7.0',
        resources: { limits: { memory: '512Mi', cpu: '1' }, requests: { memory: '512Mi', cpu: '250m' } },
        env: [
          { name: 'HZ_NETWORK_JOIN_MULTICAST_ENABLED', value: 'false' },
          { name: 'HZ_NETWORK_JOIN_TCPIP_ENABLED', value: 'true' },
          { name: 'HZ_NETWORK_JOIN_TCPIP_MEMBERS', value: members.join(',') },
          { name: 'HZ_NETWORK_RESTAPI_ENABLED', value: 'true' },
          { name: 'HZ_NETWORK_RESTAPI_ENDPOINTGROUPS_HEALTHCHECK_ENABLED', value: 'true' },
          { name: 'JAVA_OPTS', value: '-Dhazelcast.shutdownhook.policy=GRACEFUL' },
        ],
      }],
    },
    status: { phase: 'Running', podIP: members[i] },
  });
  const hs: MemberHandle[] = [];
  try {
    for (const i of [0, 1]) {
      hs.push(await startMember({
        pod: mkPod(i), jarPath: jar, logFile: path.join(work, 'logs', `hazelcast-${i}.log`), tokenDir,
        apiServerIP: '10.244.0.1', apiServerPort: 6443, netns, // (already inside it: exercises the nsenter path)
        // member 0: limits through a cgroup (what a container gets), member 1: the JVM-flag fallback
        resources: i === 0 ? 'auto' : 'jvm-flags',
      }));
    }
    for (const h of hs) {
      await waitForLog(h, /Members \{size:2/, 120_000);
      const ms = Date.now() - h.startedAt;
      figures.push(`A ${h.key} (resources=${h.resourceMode}): spawn -> "Members {size:2" ${ms} ms`);
      check(true, `${h.key} log shows Members {size:2 after ${ms} ms`);
    }
    await waitForLog(hs[0]!, /is STARTED/, 60_000);
    await waitForLog(hs[1]!, /is STARTED/, 60_000);
    for (const h of hs) figures.push(`A ${h.key}: RSS after join ${Math.round(rssKiB(h.pid) / 1024)} MiB (limit 512Mi, resources=${h.resourceMode})`);

    const size = inNs(['curl', '-sf', '--max-time', '5', `http://${members[0]}:5701/hazelcast/health/cluster-size`]).trim();
    check(size === '2', `curl http://${members[0]}:5701/hazelcast/health/cluster-size = ${size}`);
    const ready = inNs(['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '5', `http://${members[1]}:5701/hazelcast/health/ready`]).trim();
    check(ready === '200', `/hazelcast/health/ready on ${members[1]} = ${ready}`);

    const listen = inNs(['ss', '-Hltn']);
    check(members.every((ip) => listen.includes(`${ip}:5701`)) && !/(\*|0\.0\.0\.0|\[::\]):5701/.test(listen),
      `members listen on their pod IPs only: ${listen.split('\n').filter((l) => l.includes(':570')).map((l) => l.trim().split(/\s+/)[3]).join(' ')}`);

    const h0 = hs[0]!;
    const inside = fs.readFileSync(`/proc/${h0.pid}/root${SA_MOUNT_PATH.replace('/var/run', '/run')}/token`, 'utf8').trim();
    check(inside === 'smoke-token-A', `token visible inside the member at ${SA_MOUNT_PATH}/token`);
    const viaNsenter = sh('nsenter', ['-t', String(h0.pid), '-m', '-r', 'cat', `${SA_MOUNT_PATH}/namespace`]).trim();
    check(viaNsenter === 'hz-smoke', `nsenter into the member: ${SA_MOUNT_PATH}/namespace = ${viaNsenter}`);
    check(!fs.existsSync(`${SA_MOUNT_PATH}/token`), `${SA_MOUNT_PATH}/token does not exist on the host`);
    check(!/serviceaccount/.test(fs.readFileSync('/proc/mounts', 'utf8')), 'no serviceaccount mount in the host mount table');
    check(/serviceaccount/.test(fs.readFileSync(`/proc/${h0.pid}/mounts`, 'utf8')), 'serviceaccount mount in the member mount table');
    const resolved = sh('nsenter', ['-t', String(h0.pid), '-m', '-u', '-n', '-r', 'getent', 'hosts', 'kubernetes.default.svc']).trim();
    check(resolved.startsWith('10.244.0.1 '), `inside: kubernetes.default.svc -> ${resolved}`);
    const selfName = sh('nsenter', ['-t', String(h0.pid), '-m', '-u', '-n', '-r', 'getent', 'hosts', 'hazelcast-0']).trim();
    check(selfName.startsWith('10.244.1.10 '), `inside: own hostname hazelcast-0 -> ${selfName}`);
    const hn = sh('nsenter', ['-t', String(h0.pid), '-u', 'hostname']).trim();
    check(hn === 'hazelcast-0', `inside: hostname = ${hn}`);
    check(fs.readFileSync('/etc/hosts', 'utf8').indexOf('kubernetes.default.svc') < 0, 'host /etc/hosts untouched');
    const env0 = fs.readFileSync(`/proc/${h0.pid}/environ`, 'utf8').split('\0');
    check(env0.includes('HOSTNAME=hazelcast-0') && env0.includes('KUBERNETES_SERVICE_HOST=10.244.0.1') && env0.includes('KUBERNETES_SERVICE_PORT=6443'),
      'JVM env has HOSTNAME and KUBERNETES_SERVICE_HOST/PORT');
    for (const h of hs) {
      const jvmLog = fs.readFileSync(h.logFile, 'utf8');
      check(/cooperative threads and default parallelism to 1/.test(jvmLog), `${h.key} (resources=${h.resourceMode}): JVM sees 1 CPU (cpu limit 1)`);
    }
    check(hs[0]!.resourceMode === 'cgroup', `member 0 got a cgroup (resources=${hs[0]!.resourceMode})`);
    const memLimit = sh('nsenter', ['-t', String(hs[0]!.pid), '-m', '-r', '-w', 'sh', '-c', 'cat /sys/fs/cgroup/memory/hz-member-runner/*/memory.limit_in_bytes']).trim();
    check(memLimit === String(512 * 2 ** 20), `inside member 0: memory cgroup limit ${memLimit} (limits.memory 512Mi)`);

    // graceful stop of member 1 (GRACEFUL policy); member 0 must see it leave; then member 0
    const h0Offset = fs.readFileSync(hs[0]!.logFile, 'utf8').lastIndexOf('Members {size:2');
    for (const h of [hs[1]!, hs[0]!]) {
      const r = await stopMember(h, 30);
      const log = fs.readFileSync(h.logFile, 'utf8');
      check(r.code === 143 && !r.killed, `${h.key} SIGTERM -> exit ${r.code} in ${r.durationMs} ms, killed=${r.killed}`);
      check(/Running shutdown hook/.test(log) && /Hazelcast Shutdown is completed/.test(log) && /is SHUTDOWN/.test(log) && !/Terminating forcefully/.test(log),
        `${h.key} log shows a graceful shutdown (shutdown hook, GRACEFUL policy, SHUTDOWN)`);
      figures.push(`A ${h.key}: SIGTERM -> exit ${r.durationMs} ms`);
      if (h === hs[1]) {
        await waitForLog(hs[0]!, /Members \{size:1/, 30_000, h0Offset);
        check(true, 'hazelcast-0 saw the cluster shrink back to 1 when hazelcast-1 left');
      }
    }
    for (const h of hs) cleanupMember(h);
  } finally {
    for (const h of hs) if (!h.exitInfo) await killMember(h);
  }
}

// ---------------------------------------------------------------- B: PodRunner + fake kubectl
async function partB(): Promise<void> {
  console.log('== B: PodRunner with an in-memory fake kubectl');
  const ns = 'hz-smoke';
  const ips = ['10.244.2.10', '10.244.2.11'];
  const hzYaml = [
    'hazelcast:',
    '  cluster-name: smoke',
    '  network:',
    '    join:',
    '      multicast:',
    '        enabled: false',
    '      tcp-ip:',
    '        enabled: true',
    `        member-list: [${ips.join(', ')}]`,
    '    rest-api:',
    '      enabled: true',
    '      endpoint-groups:',
    '        HEALTH_CHECK:',
    '          enabled: true',
    '',
  ].join('\n');
  // hazelcast-configuration is added only after the runner failed on it once (the kubelet retries)
  const configMaps: Record<string, Record<string, string>> = {
    [`${ns}/kube-root-ca.crt`]: { 'ca.crt': '-----BEGIN CERTIFICATE-----\nsmoke-ca\n-----END CERTIFICATE-----\n' },
  };
  const mkPod = (i: number): Pod => ({
    metadata: { name: `hazelcast-${i}`, namespace: ns, uid: `0000000${i}-b000-4000-8000-00000000000${i}`, labels: { 'app.kubernetes.io/name': 'hazelcast' } },
    spec: {
      nodeName: 'kwok-node-0', serviceAccountName: 'hazelcast', terminationGracePeriodSeconds: 20, restartPolicy: 'Always',
      hostname: `hazelcast-${i}`, subdomain: 'hazelcast',
      securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, fsGroup: 65534 },
      containers: [{
        name: 'hazelcast', image: 'hazelcast/hazelcast:5.7.0',
        resources: { limits: { memory: '512Mi' }, requests: { memory: '512Mi', cpu: '250m' } },
        securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
        env: [
          { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'MEM_MI', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
          { name: 'JAVA_OPTS', value: '-Dhazelcast.config=/data/hazelcast/hazelcast.yaml -Dhazelcast.shutdownhook.policy=GRACEFUL -Dhz.member=$(POD_NAME)' },
        ],
        volumeMounts: [
          { name: 'hazelcast-storage', mountPath: '/data/hazelcast' },
          { name: 'tmp', mountPath: '/tmp' },
          { name: 'kube-api-access-abcde', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true },
        ],
      }],
      volumes: [
        { name: 'hazelcast-storage', configMap: { name: 'hazelcast-configuration', defaultMode: 420 } },
        { name: 'tmp', emptyDir: {} },
        {
          name: 'kube-api-access-abcde',
          projected: {
            defaultMode: 420,
            sources: [
              { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
              { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
              { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
            ],
          },
        },
      ],
    },
    status: { phase: 'Running', podIP: ips[i], hostIP: '10.244.0.1' },
  });
  const pods: Pod[] = [mkPod(0), mkPod(1)];
  const calls: string[] = [];
  let tokens = 0;
  const notFound = (what: string) => { throw new Error(`Error from server (NotFound): ${what} not found`); };
  const kubectl: Kubectl = async (args) => {
    calls.push(args.join(' '));
    const nsIdx = args.indexOf('-n');
    const nsArg = nsIdx >= 0 ? args[nsIdx + 1] : undefined;
    if (args[0] === 'get' && args[1] === 'pods') {
      const node = /spec\.nodeName=(.*)$/.exec(args.find((a) => a.startsWith('--field-selector=')) ?? '')?.[1];
      return JSON.stringify({ items: pods.filter((p) => !node || p.spec.nodeName === node) });
    }
    if (args[0] === 'create' && args[1] === 'token') return `smoke-jwt-${++tokens}-${args[2]}\n`;
    if (args[0] === 'get' && args[1] === 'configmap') return JSON.stringify({ data: configMaps[`${nsArg}/${args[2]}`] ?? notFound(`configmaps "${args[2]}"`) });
    if (args[0] === 'get' && args[1] === 'services') return JSON.stringify({ items: [{ metadata: { name: 'hazelcast' }, spec: { clusterIP: 'None', ports: [{ port: 5701 }] } }] });
    if (args[0] === 'get' && args[1] === 'node') return JSON.stringify({ status: { allocatable: { cpu: '2', memory: '24Gi' } } });
    if (args[0] === 'delete' && args[1] === 'pod') {
      const i = pods.findIndex((p) => p.metadata.name === args[2] && p.metadata.namespace === nsArg);
      if (i >= 0) pods.splice(i, 1);
      return `pod "${args[2]}" force deleted\n`;
    }
    throw new Error(`fake kubectl: unexpected ${args.join(' ')}`);
  };
  const runner = new PodRunner({
    kubectl, nodeName: 'kwok-node-0', jarPath: jar, workDir: path.join(work, 'runner'), apiServerIP: '10.244.0.1',
    retryFailedMs: 1000,
    onEvent: (e) => console.log(`     event ${e.type} ${e.pod}${e.container ? '/' + e.container : ''}: ${e.message}`),
  });
  try {
    runner.start();
    const until = async (what: string, f: () => boolean, ms: number) => {
      const end = Date.now() + ms;
      while (!f()) { if (Date.now() > end) throw new Error(`timeout: ${what}`); await sleep(200); }
    };
    await until('missing ConfigMap reported', () => runner.events.some((e) => e.type === 'error' && /configmap "hazelcast-configuration" not found/.test(e.message)), 30_000);
    check(runner.members().size === 0, 'no member started while its ConfigMap volume is missing');
    configMaps[`${ns}/hazelcast-configuration`] = { 'hazelcast.yaml': hzYaml };
    await until('both members started', () => runner.members().size === 2, 30_000);
    check(true, 'members started once the ConfigMap exists (retry)');
    const m0 = runner.member(ns, 'hazelcast-0')!;
    const m1 = runner.member(ns, 'hazelcast-1')!;
    for (const h of [m0, m1]) {
      await waitForLog(h, /Members \{size:2/, 120_000);
      figures.push(`B ${h.key} (runAsUser 65534, ro rootfs, resources=${h.resourceMode}): spawn -> "Members {size:2" ${Date.now() - h.startedAt} ms`);
    }
    check(true, 'PodRunner: both pods joined one cluster');
    check(uidOf(m0.pid) === 65534, `JVM runs as uid ${uidOf(m0.pid)} (runAsUser 65534)`);
    const root = `/proc/${m0.pid}/root`;
    check(fs.readFileSync(`${root}/run/secrets/kubernetes.io/serviceaccount/token`, 'utf8').startsWith('smoke-jwt-'), 'projected SA token mounted (TokenRequest via kubectl create token)');
    check(fs.readFileSync(`${root}/run/secrets/kubernetes.io/serviceaccount/namespace`, 'utf8') === ns, 'projected namespace file');
    check(fs.readFileSync(`${root}/run/secrets/kubernetes.io/serviceaccount/ca.crt`, 'utf8').includes('smoke-ca'), 'projected ca.crt from ConfigMap kube-root-ca.crt');
    check(/Loading configuration '\/data\/hazelcast\/hazelcast.yaml'/.test(fs.readFileSync(m0.logFile, 'utf8')), 'member loaded the ConfigMap-mounted /data/hazelcast/hazelcast.yaml');
    check(calls.some((c) => c.includes('create token hazelcast -n hz-smoke --bound-object-kind=Pod --bound-object-name=hazelcast-0 --bound-object-uid=')), 'token bound to the pod');
    const env0 = fs.readFileSync(`/proc/${m0.pid}/environ`, 'utf8').split('\0');
    check(env0.includes('MEM_MI=512') && env0.includes('POD_NAME=hazelcast-0'), 'downward API env (fieldRef, resourceFieldRef)');
    const roOk = (() => { try { execFileSync('nsenter', ['-t', String(m0.pid), '-m', '-r', 'touch', '/opt/x']); return false; } catch { return true; } })();
    check(roOk, 'readOnlyRootFilesystem: / is read-only inside');
    const sizeB = inNs(['curl', '-sf', '--max-time', '5', `http://${ips[1]}:5701/hazelcast/health/cluster-size`]).trim();
    check(sizeB === '2', `cluster-size via ${ips[1]} = ${sizeB}`);

    // member failure: SIGKILL -> kubelet-style restart after 10 s back-off, same pod IP
    const offset = fs.statSync(m1.logFile).size;
    const k = await killMember(m1);
    check(k.signal === 'SIGKILL', `hazelcast-1 SIGKILLed (${k.signal})`);
    await until('hazelcast-1 restarted', () => { const h = runner.member(ns, 'hazelcast-1'); return !!h && h.pid !== m1.pid && !h.exitInfo; }, 30_000);
    const m1b = runner.member(ns, 'hazelcast-1')!;
    await waitForLog(m1b.logFile, /Members \{size:2/, 120_000, offset);
    check(true, `hazelcast-1 restarted (pid ${m1.pid} -> ${m1b.pid}) and rejoined`);

    // deletion: deletionTimestamp + grace -> SIGTERM, wait, then delete --grace-period=0 --force
    const p0 = pods.find((p) => p.metadata.name === 'hazelcast-0')!;
    p0.metadata.deletionTimestamp = new Date().toISOString();
    p0.metadata.deletionGracePeriodSeconds = 20;
    await until('hazelcast-0 deletion finalized', () => !pods.includes(p0), 60_000);
    check(m0.exitInfo?.code === 143, `hazelcast-0 stopped by SIGTERM (exit ${m0.exitInfo?.code})`);
    check(calls.some((c) => c.startsWith('delete pod hazelcast-0 -n hz-smoke --grace-period=0 --force')), 'deletion finalized with --grace-period=0 --force');
    await waitForLog(m1b.logFile, /Members \{size:1/, 60_000, offset);
    check(true, 'hazelcast-1 saw hazelcast-0 leave');
  } finally {
    await runner.shutdown(20);
  }
  check(runner.members().size === 0, 'PodRunner.shutdown stopped every member');
}

(async () => {
  console.log(`java: ${JAVA_HOME}`);
  try {
    await partA();
    await partB();
  } finally {
    removeCgroupParents();
  }
  console.log('== measured');
  for (const f of figures) console.log(`   ${f}`);
  console.log(`smoke: ${passes} passed, ${failures} failed`);
  if (failures) process.exit(1);
})().catch((e) => { console.error('smoke error:', e); process.exit(1); });
EOF
sed -i "s#@RUNNER@#$repo/e2e/harness/member-runner.ts#" "$WORK/smoke.ts"

# Inside the netns like e2e/run.sh runs the harness (ip netns exec: fresh /sys without cgroup mounts), in the
# background so a TERM/INT to this script runs the cleanup right away. Part A still passes netns= (nsenter path).
ip netns exec "$NETNS" "${TSX[@]}" "$WORK/smoke.ts" "$WORK" "$JAR" "$NETNS" &
TSX_PID=$!
wait "$TSX_PID"
TSX_PID=""

# ---------------------------------------------------------------- teardown and leftovers
ip netns del "$NETNS"
left=0
if pgrep -f -- '-Dhzr.pod=' >/dev/null; then echo "FAIL member JVMs still running: $(pgrep -f -- '-Dhzr.pod=' | tr '\n' ' ')"; left=1; fi
if ip netns list | grep -q "^$NETNS\b"; then echo "FAIL netns $NETNS still there"; left=1; fi
if grep -q serviceaccount /proc/mounts; then echo "FAIL serviceaccount mount left"; left=1; fi
if grep -q hzr-rootfs /proc/mounts; then echo "FAIL member rootfs mount left"; left=1; fi
if [[ -d /sys/fs/cgroup/memory/hz-member-runner || -d /sys/fs/cgroup/cpu/hz-member-runner ]]; then echo "FAIL cgroup hz-member-runner left"; left=1; fi
[[ $left -eq 0 ]] && echo "ok   nothing left: no member JVM, no netns $NETNS, no mounts, no cgroups"
[[ $left -eq 0 ]]
