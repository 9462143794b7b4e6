// What the scenarios use to act as a user would (kubectl, the synthesized YAML) and to look at the result through
// real interfaces: the API server, the members' health endpoints, member logs and the official Node.js client.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Chart } from 'cdk8s';
import { Client } from 'hazelcast-client';
import { inject } from 'vitest';
import { HazelcastCluster, HazelcastClusterProps } from '../../lib';
import { recordFigure } from './figures';

export const root = path.resolve(__dirname, '..', '..');

/** Runs kubectl against the e2e control plane; resolves with its exit code and output, whatever they are. */
export function runKubectl(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile('kubectl', ['--kubeconfig', inject('kubeconfig'), ...args], { maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr: stderr || (err?.message ?? '') });
    });
    // kubectl may exit before it reads stdin (EPIPE): its exit code, not the pipe, tells the outcome.
    child.stdin!.on('error', () => undefined);
    if (input !== undefined) child.stdin!.end(input);
  });
}

/** kubectl that must succeed: resolves with stdout. */
export async function kubectl(args: string[], input?: string): Promise<string> {
  const result = await runKubectl(args, input);
  if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

/** Like kubectl(), but resolves with the outcome instead of throwing: for the negative controls. */
export async function tryKubectl(args: string[], input?: string): Promise<{ ok: boolean; output: string }> {
  const result = await runKubectl(args, input);
  return { ok: result.code === 0, output: result.code === 0 ? result.stdout : `${result.stderr}${result.stdout}` };
}

/** The YAML an app writes whose chart `build` fills (same App.synth as `npm run synth`). */
export function synthApp(build: (chart: Chart) => void): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'hz-e2e-synth-'));
  try {
    const app = new App({ outdir });
    build(new Chart(app, 'stack', { disableResourceNameHashes: true }));
    app.synth();
    return fs.readFileSync(path.join(outdir, 'stack.k8s.yaml'), 'utf-8');
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** The YAML that `npm run synth` would write for a main.ts with these props. */
export function synthYaml(props: HazelcastClusterProps): string {
  return synthApp((chart) => new HazelcastCluster(chart, 'Hazelcast', props));
}

/** A namespace that enforces Pod Security "restricted", as the scenarios' target namespaces all do. */
export async function createRestrictedNamespace(name: string): Promise<void> {
  await kubectl(['apply', '-f', '-'], JSON.stringify({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      labels: {
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'latest',
        'pod-security.kubernetes.io/warn': 'restricted',
      },
    },
  }));
}

/**
 * Deletes what the scenarios create in a namespace, waits until its pods (and so their members) are gone, then
 * deletes the namespace. The objects go first because the namespace controller, on finding pods still
 * terminating, checks again only after their grace period (minutes with the stack's default), however soon the pods
 * are actually gone: deleting the namespace first leaves it Terminating for minutes, on any cluster. Before that it
 * fails the scenario if any container restarted more often than the scenario itself caused (restart counts as the
 * kubelet reports them).
 */
export async function deleteNamespace(name: string, opts: { restartsCausedByTheTest?: number } = {}): Promise<void> {
  // Any container restart the scenario did not cause fails it: a member that crashed and came back is a failure.
  const restarts = JSON.parse(await kubectl(['get', 'pods', '-n', name, '-o', 'json'])).items
    .flatMap((p: any) => (p.status.containerStatuses ?? []).map((c: any) => ({ pod: p.metadata.name, n: c.restartCount as number })))
    .filter((r: { n: number }) => r.n > 0);
  const total = restarts.reduce((n: number, r: { n: number }) => n + r.n, 0);
  // the kubelet drops a pod's logs with the pod: keep the evidence of why a container restarted
  const previousLogs = await Promise.all(restarts.map(async (r: { pod: string }) =>
    `--- ${r.pod} (previous container)\n${(await runKubectl(['logs', r.pod, '-n', name, '--previous', '--tail=25'])).stdout}`));
  const states = restarts.length ? await runKubectl(['get', 'pods', '-n', name, '-o',
    'jsonpath={range .items[*]}{.metadata.name}: {.status.containerStatuses[*].lastState.terminated}{"\\n"}{end}']) : undefined;
  if (states) previousLogs.push(`--- last terminated states\n${states.stdout}`);
  await tryKubectl(['delete', 'deployments,replicasets,services,poddisruptionbudgets,configmaps,roles,rolebindings,serviceaccounts',
    '-n', name, '-l', 'app.kubernetes.io/managed-by=cdk8s', '--wait=true', '--timeout=300s']);
  await waitFor(`the pods of ${name} to be gone`, 300_000, async () =>
    JSON.parse(await kubectl(['get', 'pods', '-n', name, '-o', 'json'])).items.length === 0);
  await tryKubectl(['delete', 'namespace', name, '--wait=true', '--timeout=300s']);
  if (total > (opts.restartsCausedByTheTest ?? 0)) {
    throw new Error(`containers in ${name} restarted without the scenario causing it: ${restarts.map((r: any) => `${r.pod} x${r.n}`).join(', ')}`
      + `\nlast lines of each restarted container's previous run:\n${previousLogs.join('\n')}`);
  }
}

export async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined | false>, intervalMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export interface MemberPod { name: string; ip: string; ready: boolean; uid: string }

/** Pods of a cluster that are running and not being deleted. */
export async function memberPods(namespace: string, cluster: string): Promise<MemberPod[]> {
  const list = JSON.parse(await kubectl(['get', 'pods', '-n', namespace, '-l', `name=${cluster}`, '-o', 'json']));
  return list.items
    .filter((p: any) => !p.metadata.deletionTimestamp && p.status?.phase === 'Running' && p.status.podIP)
    .map((p: any) => ({
      name: p.metadata.name,
      ip: p.status.podIP,
      uid: p.metadata.uid,
      ready: (p.status.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True'),
    }));
}

/** The member's own view of the cluster size (the Helm chart's test), or undefined when it does not answer. */
export async function clusterSizeOf(ip: string, port = 5701): Promise<number | undefined> {
  try {
    const res = await fetch(`http://${ip}:${port}/hazelcast/health/cluster-size`, { signal: AbortSignal.timeout(3000) });
    return res.ok ? Number((await res.text()).trim()) : undefined;
  } catch {
    return undefined;
  }
}

export async function clusterSafe(ip: string, port = 5701): Promise<boolean> {
  try {
    const res = await fetch(`http://${ip}:${port}/hazelcast/health/cluster-safe`, { signal: AbortSignal.timeout(3000) });
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * Waits until exactly `size` member pods run, every one is Ready and every one reports cluster-size `size`:
 * one cluster of all of them. Returns the pods and how long it took.
 */
export async function waitForCluster(namespace: string, cluster: string, size: number, timeoutMs = 180_000): Promise<{ pods: MemberPod[]; ms: number }> {
  const start = Date.now();
  const pods = await waitFor(`${size} members of ${namespace}/${cluster} in one cluster`, timeoutMs, async () => {
    const current = await memberPods(namespace, cluster);
    if (current.length !== size || !current.every((p) => p.ready)) return undefined;
    const sizes = await Promise.all(current.map((p) => clusterSizeOf(p.ip)));
    return sizes.every((s) => s === size) ? current : undefined;
  });
  return { pods, ms: Date.now() - start };
}

/**
 * The same wait from the kubelet's view and the members' own logs, for clusters whose NetworkPolicy keeps the suite
 * (which is not a client pod) away from the members: exactly `size` pods Ready, and every member's latest member
 * list (`Members {size:N, ver:V} [`) of that size.
 */
export async function waitForClusterInLogs(namespace: string, cluster: string, size: number, timeoutMs = 180_000): Promise<{ pods: MemberPod[]; ms: number }> {
  const start = Date.now();
  const pods = await waitFor(`${size} members of ${namespace}/${cluster} in one cluster, by their logs`, timeoutMs, async () => {
    const current = await memberPods(namespace, cluster);
    if (current.length !== size || !current.every((p) => p.ready)) return undefined;
    const logs = await Promise.all(current.map((p) => memberLog(namespace, p.name)));
    return logs.every((log) => latestMemberCount(log) === size) ? current : undefined;
  }, 1000);
  return { pods, ms: Date.now() - start };
}

/** The size of the last member list a member logged, or undefined before its first. */
export function latestMemberCount(log: string): number | undefined {
  const sizes = [...log.matchAll(/Members \{size:(\d+), ver:\d+\} \[/g)].map((m) => Number(m[1]));
  return sizes.length ? sizes[sizes.length - 1] : undefined;
}

/** Waits until the cluster's partitions are all backed up (no migration in flight), as seen by every member. */
export async function waitForClusterSafe(pods: MemberPod[], timeoutMs = 120_000): Promise<void> {
  await waitFor('cluster safe on every member', timeoutMs, async () => (await Promise.all(pods.map((p) => clusterSafe(p.ip)))).every(Boolean));
}

/** A member's log as the kubelet serves it (`kubectl logs`, as the tutorial reads it); '' when there is none. */
export async function memberLog(namespace: string, pod: string): Promise<string> {
  const result = await runKubectl(['logs', pod, '-n', namespace]);
  return result.code === 0 ? result.stdout : '';
}

/**
 * Kills a member's JVM with SIGKILL (as a crash or an OOM kill would) and returns a probe that turns true once the
 * kubelet has restarted the container (its restartCount went up).
 */
export async function killMember(namespace: string, pod: string): Promise<() => Promise<boolean>> {
  const restarts = async () => {
    const p = JSON.parse(await kubectl(['get', 'pod', pod, '-n', namespace, '-o', 'json']));
    return (p.status.containerStatuses ?? []).reduce((n: number, c: any) => n + c.restartCount, 0) as number;
  };
  const before = await restarts();
  const uid = JSON.parse(await kubectl(['get', 'pod', pod, '-n', namespace, '-o', 'json'])).metadata.uid as string;
  process.kill(jvmPidOfPod(uid), 'SIGKILL');
  return async () => (await restarts()) > before;
}

/**
 * The pid (on this machine) of the Hazelcast JVM in a pod, found through the pod's cgroup: the kubelet names it
 * pod<uid> (cgroupfs driver, cgroup v1) under its node's cgroup root.
 */
export function jvmPidOfPod(uid: string): number {
  const found: number[] = [];
  const walk = (dir: string, inPod: boolean) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      const sub = path.join(dir, e.name);
      const here = inPod || e.name === `pod${uid}`;
      if (here) {
        for (const pid of fs.readFileSync(path.join(sub, 'cgroup.procs'), 'utf-8').split('\n').filter(Boolean)) {
          try {
            if (fs.readFileSync(`/proc/${pid}/cmdline`, 'utf-8').includes('HazelcastMemberStarter')) found.push(Number(pid));
          } catch { /* gone */ }
        }
      }
      walk(sub, here);
    }
  };
  walk('/sys/fs/cgroup/pids', false);
  if (found.length !== 1) throw new Error(`expected one Hazelcast JVM in pod ${uid}, found ${found.length}`);
  return found[0];
}

/** A Hazelcast client (the official npm package) connected to the given members. */
export async function connectClient(clusterName: string, pods: MemberPod[]): Promise<Client> {
  return Client.newHazelcastClient({
    clusterName,
    network: { clusterMembers: pods.map((p) => `${p.ip}:5701`), smartRouting: true },
    connectionStrategy: { connectionRetry: { clusterConnectTimeoutMillis: 60_000 } },
    properties: { 'hazelcast.logging.level': 'WARN' },
  });
}

/** Runs `fn` with a client of `clusterName` connected to `pods`, and shuts the client down afterwards. */
export async function withClient<T>(clusterName: string, pods: MemberPod[], fn: (client: Client) => Promise<T>): Promise<T> {
  const client = await connectClient(clusterName, pods);
  try {
    return await fn(client);
  } finally {
    await client.shutdown();
  }
}

export function figure(name: string, ms: number): void {
  recordFigure(inject('stateDir'), name, ms);
}
