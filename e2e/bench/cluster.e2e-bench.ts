// `npm run bench:cluster` (issue 11): how long a cluster takes to start, grow, shrink, roll and heal with data in
// it, and whether it loses any, on the real-node harness (e2e/nodes/: a real control plane, kubelets with
// containerd + runc, CNI, kube-proxy, CoreDNS). A benchmark, not a test: it prints a table and asserts nothing about
// times. The one thing it fails on, after printing everything, is the stack losing entries (or a stack case
// failing): that must never pass quietly. Peers losing entries is reported, not failed.
//
// Three variants, interleaved in one run (the order rotates each repetition), every one with the same member sizes
// (CPU request/limit, memory request/limit, heap):
//   - stack:    the stack as synthesized (HazelcastCluster, main.ts's replicas aside; no NetworkPolicy, because the
//               benchmark's client connects from the suite's namespace, outside the pod network, as the chart's
//               has none either);
//   - chart:    the official chart's `helm template` output (hazelcast 5.10.2, Management Center off, image 5.7.0),
//               read from ../shared/peers at run time (never copied into the project) and changed only as
//               chartManifests() says;
//   - defaults: the stack's manifests with JAVA_OPTS cut back to the heap flags: Hazelcast's own join wait, merge
//               delays and shutdown (TERMINATE on SIGTERM).
//
// Cases, per variant and repetition (one namespace for the first five, one for the last):
//   cold start 3 -> write the data -> scale 3 -> 6 -> graceful scale 6 -> 3 -> rolling restart of 3 -> SIGKILL of
//   one of 3 until the cluster is safe again; then, in a second namespace, cold start 6.
// "Settled" means: exactly N pods exist (none terminating), all Ready, every member reports cluster-size N, and
// (with data) every member reports cluster-safe. Entries lost are counted after each case with a fresh client.
// Migration throughput (scale-down and rollout): replica migrations the masters log as completed during the case
// (MigrationCounter) x data / 271, over the case's time; compared with a physical reference measured once at the
// start of the run (PhysicalReference.java: one JVM serializing the same entries and copying them to another over
// loopback).
//
// Parameters (env): BENCH_RUNS (default 3), BENCH_DATA_MB (default 1024: the issue's 1 GiB), BENCH_HEAP_MB (default
// max(512, 2 x BENCH_DATA_MB): room for every entry and its backup on 2 members while a third is down),
// BENCH_VARIANTS (comma list of stack,chart,defaults; default all), BENCH_CHART_MANIFESTS (the rendered chart),
// BENCH_OUT (a file the final table is appended to).
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Size, Yaml } from 'cdk8s';
import { Client } from 'hazelcast-client';
import { expect, inject, it } from 'vitest';
import { clusterSafe, clusterSizeOf, createRestrictedNamespace, kubectl, killMember, root, synthYaml, tryKubectl, waitFor } from '../harness/cluster';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const DATA_MB = Number(process.env.BENCH_DATA_MB ?? 1024);
const VALUE_BYTES = 8 * 1024;
const ENTRIES = Math.ceil((DATA_MB * 1024 * 1024) / VALUE_BYTES);
const HEAP_MB = Number(process.env.BENCH_HEAP_MB ?? Math.max(512, 2 * DATA_MB));
const MEMORY_MB = HEAP_MB + 512;
const CPU_REQUEST_M = 500;
const CPU_LIMIT_M = 2000;
const CHART_FILE = process.env.BENCH_CHART_MANIFESTS
  ?? path.resolve(root, '..', 'shared', 'peers', 'helm-chart-hazelcast-5.10.2', 'template-mancenter-off-image-5.7.0.yaml');
/** Generous: the chart starts its pods one after another, each Ready no sooner than 30 s after it starts. */
const SETTLE_TIMEOUT_MS = Number(process.env.BENCH_SETTLE_TIMEOUT_MS ?? 1_800_000);
/** Hazelcast's default, which no variant changes: a migration moves one replica of one partition, ~data / 271. */
const PARTITIONS = 271;
/** The JDK of the member image (e2e/image), for the physical reference. */
const JAVA = process.env.BENCH_JAVA ?? '/usr/lib/jvm/temurin-25-jdk-amd64/bin/java';

interface Variant {
  key: string;
  name: string;
  kind: 'deployment' | 'statefulset';
  selector: string;
  clusterName: string;
  /** The stack's namespaces enforce Pod Security "restricted" as in the e2e suite; the chart's pods do not meet it. */
  restricted: boolean;
  yaml: (ns: string, replicas: number) => string;
  /** Cluster-scoped objects the variant creates, deleted with its namespace. */
  clusterScoped: (ns: string) => string[];
}

const stackYaml = (ns: string, replicas: number) => synthYaml({
  namespace: ns, replicas, memoryLimit: Size.mebibytes(MEMORY_MB), heapSize: Size.mebibytes(HEAP_MB),
  cpuRequestMillis: CPU_REQUEST_M, cpuLimitMillis: CPU_LIMIT_M,
});

const ALL_VARIANTS: Variant[] = [
  {
    key: 'stack', name: 'stack', kind: 'deployment', selector: 'name=hazelcast', clusterName: 'hazelcast', restricted: true,
    yaml: stackYaml, clusterScoped: () => [],
  },
  {
    key: 'chart', name: 'chart 5.10.2', kind: 'statefulset', selector: 'app.kubernetes.io/name=hazelcast,role=hazelcast',
    clusterName: 'dev', restricted: false,
    yaml: (ns, replicas) => chartManifests(ns, replicas),
    clusterScoped: (ns) => [`clusterrolebinding/hazelcast-${ns}`, `clusterrole/hazelcast-${ns}`],
  },
  {
    key: 'defaults', name: 'Hazelcast defaults', kind: 'deployment', selector: 'name=hazelcast', clusterName: 'hazelcast', restricted: true,
    yaml: (ns, replicas) => {
      const yaml = stackYaml(ns, replicas);
      const cut = yaml.replace(/^( +value: )(-Xms\d+m -Xmx\d+m)( .*)$/m, '$1$2');
      if (cut === yaml) throw new Error('Hazelcast defaults: no JAVA_OPTS line to cut in the synthesized YAML');
      return cut;
    },
    clusterScoped: () => [],
  },
];
const wanted = (process.env.BENCH_VARIANTS ?? 'stack,chart,defaults').split(',').map((s) => s.trim());
const variants = ALL_VARIANTS.filter((v) => wanted.includes(v.key));

/**
 * The official chart's rendered manifests, as a user would deploy them with `helm install -n <ns>`, changed only where
 * it must be to run here and to compare like with like. Every change, and why:
 *  1. the helm test pod (annotation helm.sh/hook: test) is dropped: `helm install` does not create it;
 *  2. metadata.namespace = <ns> on every namespaced object: `helm install -n <ns>` puts them there;
 *  3. JAVA_OPTS -Dnamespace=default -> -Dnamespace=<ns>, ClusterRole and ClusterRoleBinding hazelcast-default ->
 *     hazelcast-<ns> (and the binding's subject namespace): the chart renders {{ .Release.Namespace }} into these,
 *     so `helm template -n <ns>` writes exactly this (the file was rendered for namespace default);
 *  4. spec.replicas of the StatefulSet: the case's member count (the chart's clusterSize value);
 *  5. the same member sizes as every variant: container resources (the chart renders `resources: null`) set to
 *     the stack's requests/limits for CPU and memory, and -Xms/-Xmx appended to JAVA_OPTS (the chart leaves the heap
 *     to the image's -XX:MaxRAMPercentage=80, which would give it a different heap than the others).
 * Nothing else: image (hazelcast/hazelcast:5.7.0, IfNotPresent: the nodes hold the locally built image under that
 * name), probes (readiness after 30 s, every 10 s), OrderedReady pod management, 600 s grace period and
 * hazelcast.graceful.shutdown.max.wait=600, config and Service stay as rendered.
 */
export function chartManifests(ns: string, replicas: number): string {
  const docs = Yaml.load(CHART_FILE).filter((d) => d && d.kind);
  const out: any[] = [];
  let statefulSets = 0;
  for (const doc of docs) {
    if (doc.metadata?.annotations?.['helm.sh/hook']) continue; // 1
    if (doc.kind === 'ClusterRole' || doc.kind === 'ClusterRoleBinding') { // 3
      if (doc.metadata.name !== 'hazelcast-default') throw new Error(`chart: unexpected ${doc.kind} ${doc.metadata.name}`);
      doc.metadata.name = `hazelcast-${ns}`;
      if (doc.kind === 'ClusterRoleBinding') {
        doc.roleRef.name = `hazelcast-${ns}`;
        for (const s of doc.subjects) s.namespace = ns;
      }
    } else {
      doc.metadata.namespace = ns; // 2
    }
    if (doc.kind === 'StatefulSet') {
      statefulSets++;
      doc.spec.replicas = replicas; // 4
      const c = doc.spec.template.spec.containers.find((x: any) => x.name === 'hazelcast');
      c.resources = resources(); // 5
      const opts = c.env.find((e: any) => e.name === 'JAVA_OPTS');
      if (!/-Dnamespace=default(\s|$)/.test(opts.value) || /-Xm[sx]/.test(opts.value)) throw new Error(`chart: unexpected JAVA_OPTS ${opts.value}`);
      opts.value = `${opts.value.replace(/-Dnamespace=default(\s|$)/, `-Dnamespace=${ns}$1`).trim()} -Xms${HEAP_MB}m -Xmx${HEAP_MB}m`; // 3, 5
    }
    out.push(doc);
  }
  if (statefulSets !== 1) throw new Error(`chart: expected one StatefulSet in ${CHART_FILE}, found ${statefulSets}`);
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items: out });
}

/** What the stack synthesizes for these sizes (ephemeral storage aside). */
function resources() {
  return {
    requests: { cpu: `${CPU_REQUEST_M}m`, memory: `${MEMORY_MB}Mi` },
    limits: { cpu: `${CPU_LIMIT_M}m`, memory: `${MEMORY_MB}Mi` },
  };
}

interface Pod { name: string; ip: string; uid: string; ready: boolean; terminating: boolean; restarts: number }

async function podsOf(ns: string, v: Variant): Promise<Pod[]> {
  return JSON.parse(await kubectl(['get', 'pods', '-n', ns, '-l', v.selector, '-o', 'json'])).items.map((p: any) => ({
    name: p.metadata.name,
    ip: p.status?.podIP,
    uid: p.metadata.uid,
    ready: p.status?.phase === 'Running' && (p.status.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True'),
    terminating: !!p.metadata.deletionTimestamp,
    restarts: (p.status?.containerStatuses ?? []).reduce((n: number, c: any) => n + c.restartCount, 0),
  }));
}

/** Exactly `size` pods (none terminating), all Ready, all in one cluster of `size`, and cluster-safe when `safe`. */
async function settled(ns: string, v: Variant, size: number, safe: boolean): Promise<Pod[]> {
  return waitFor(`${size} settled members of ${ns}`, SETTLE_TIMEOUT_MS, async () => {
    const pods = await podsOf(ns, v);
    if (pods.length !== size || !pods.every((p) => p.ready && !p.terminating && p.ip)) return undefined;
    if (!(await Promise.all(pods.map((p) => clusterSizeOf(p.ip)))).every((s) => s === size)) return undefined;
    if (safe && !(await Promise.all(pods.map((p) => clusterSafe(p.ip)))).every(Boolean)) return undefined;
    return pods;
  }, 250);
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = Date.now();
  const value = await fn();
  return { ms: Date.now() - t, value };
}

async function client(v: Variant, pods: Pod[]): Promise<Client> {
  return Client.newHazelcastClient({
    clusterName: v.clusterName,
    network: { clusterMembers: pods.map((p) => `${p.ip}:5701`), smartRouting: true },
    connectionStrategy: { connectionRetry: { clusterConnectTimeoutMillis: 60_000 } },
    properties: { 'hazelcast.logging.level': 'WARN', 'hazelcast.client.invocation.timeout.millis': 600_000 },
  });
}

/** Entry k: VALUE_BYTES bytes, k in the first 4, the rest a pattern of k, so a wrong or torn value shows. */
function value(k: number): Buffer {
  const b = Buffer.alloc(VALUE_BYTES, k & 0xff);
  b.writeUInt32BE(k, 0);
  return b;
}

const BATCH = Math.max(1, Math.floor((1 << 20) / VALUE_BYTES)); // 1 MiB per call
const PARALLEL = 4;

async function inBatches(fn: (keys: number[]) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: PARALLEL }, async () => {
    while (next < ENTRIES) {
      const from = next;
      next += BATCH;
      await fn(Array.from({ length: Math.min(BATCH, ENTRIES - from) }, (_, i) => from + i));
    }
  }));
}

async function writeData(v: Variant, pods: Pod[]): Promise<void> {
  const c = await client(v, pods);
  try {
    const m = await c.getMap<number, Buffer>('bench');
    await inBatches(async (keys) => m.putAll(keys.map((k) => [k, value(k)] as [number, Buffer])));
    const size = await m.size();
    if (size !== ENTRIES) throw new Error(`wrote ${ENTRIES} entries, the map holds ${size}`);
  } finally {
    await c.shutdown();
  }
}

/** Entries missing or wrong, read through a fresh client. */
async function lost(v: Variant, pods: Pod[]): Promise<number> {
  const c = await client(v, pods);
  try {
    const m = await c.getMap<number, Buffer>('bench');
    let intact = 0;
    await inBatches(async (keys) => {
      for (const [k, got] of await m.getAll(keys)) if (Buffer.isBuffer(got) && got.equals(value(k))) intact++;
    });
    return ENTRIES - intact;
  } finally {
    await c.shutdown();
  }
}

async function scale(ns: string, v: Variant, replicas: number): Promise<void> {
  await kubectl(['scale', `${v.kind}/hazelcast`, '-n', ns, '--replicas', String(replicas)]);
}

/** Deletes what the variant created: pods first (1 s grace: the figures are taken), then namespace and cluster-scoped objects. */
async function teardown(ns: string, v: Variant): Promise<void> {
  await tryKubectl(['delete', v.kind, 'hazelcast', '-n', ns, '--wait=false']);
  await tryKubectl(['delete', 'pods', '--all', '-n', ns, '--grace-period=1', '--wait=true', '--timeout=300s']);
  await waitFor(`the pods of ${ns} to be gone`, 300_000, async () =>
    JSON.parse(await kubectl(['get', 'pods', '-n', ns, '-o', 'json'])).items.length === 0, 1000);
  await tryKubectl(['delete', 'namespace', ns, '--wait=true', '--timeout=300s']);
  for (const o of v.clusterScoped(ns)) await tryKubectl(['delete', o, '--ignore-not-found']);
}

async function createNamespace(ns: string, v: Variant): Promise<void> {
  if (v.restricted) await createRestrictedNamespace(ns);
  else await kubectl(['create', 'namespace', ns]);
}

/**
 * Follows the logs of every member pod of a namespace while a case runs (pods that leave take their logs with them),
 * and counts the partition replicas migrated: the master logs `All migration tasks have been completed. (...,
 * completedMigrations=N, ...)` at the end of each repartitioning round. A round cut short by the next membership
 * change logs nothing, so the count is a lower bound.
 */
class MigrationCounter {
  private readonly followed = new Map<string, ChildProcess>();
  private readonly lines: string[] = [];
  private readonly since = new Date().toISOString();
  private stopped = false;
  private readonly poller: Promise<void>;

  constructor(ns: string, v: Variant) {
    this.poller = (async () => {
      while (!this.stopped) {
        for (const p of await podsOf(ns, v).catch(() => [] as Pod[])) {
          if (this.followed.has(p.name) || !p.ip) continue;
          const child = spawn('kubectl', ['--kubeconfig', inject('kubeconfig'), 'logs', '-f', p.name, '-n', ns, `--since-time=${this.since}`],
            { stdio: ['ignore', 'pipe', 'ignore'] });
          let rest = '';
          child.stdout!.on('data', (d: Buffer) => {
            const parts = (rest + d.toString()).split('\n');
            rest = parts.pop()!;
            for (const l of parts) if (l.includes('completedMigrations=')) this.lines.push(l);
          });
          child.on('error', () => undefined);
          this.followed.set(p.name, child);
        }
        await new Promise((r) => setTimeout(r, 500));
      }
    })();
  }

  /** Replica migrations completed since the counter started (waits 2 s for the last log lines). */
  async stop(): Promise<number> {
    await new Promise((r) => setTimeout(r, 2000));
    this.stopped = true;
    await this.poller;
    for (const c of this.followed.values()) c.kill();
    return this.lines
      .filter((l) => l.includes('All migration tasks have been completed'))
      .reduce((n, l) => n + Number(/completedMigrations=(\d+)/.exec(l)?.[1] ?? 0), 0);
  }
}

/** MiB/s of data migrated: replica migrations x the bytes of one partition replica, over the case's time. */
const migrationRate = (migrations: number, ms: number) => (migrations * (ENTRIES * VALUE_BYTES) / PARTITIONS) / 2 ** 20 / (ms / 1000);

/**
 * The physical reference (e2e/bench/PhysicalReference.java): one JVM serializes the same entries (ENTRIES values
 * of VALUE_BYTES) and copies them over loopback to another JVM, which stores them. MiB/s, or undefined without a JDK.
 */
async function physicalReference(): Promise<number | undefined> {
  if (!fs.existsSync(JAVA)) { notes.push(`no JDK at ${JAVA} (BENCH_JAVA): no physical reference`); return undefined; }
  const source = path.join(__dirname, 'PhysicalReference.java');
  const port = 47000 + Math.floor(Math.random() * 1000);
  const heap = `-Xmx${HEAP_MB}m`;
  const receiver = spawn(JAVA, [heap, source, 'receive', String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise<void>((resolve, reject) => {
      receiver.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('listening')) resolve(); });
      receiver.on('exit', (code) => reject(new Error(`the reference's receiver exited (${code})`)));
    });
    const out = await new Promise<string>((resolve, reject) => {
      const sender = spawn(JAVA, [heap, source, 'send', String(port), String(ENTRIES), String(VALUE_BYTES)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let text = '';
      sender.stdout!.on('data', (d: Buffer) => { text += d.toString(); });
      sender.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`the reference's sender exited (${code})`))));
    });
    const r = JSON.parse(out.trim().split('\n').pop()!);
    console.log(`BENCH physical reference: ${r.bytes} bytes in ${r.ms} ms, ${r.mibPerS} MiB/s`);
    return r.mibPerS as number;
  } finally {
    receiver.kill('SIGKILL');
  }
}

const CASES = [
  { key: 'cold3', name: 'cold start, 3 members', data: false },
  { key: 'cold6', name: 'cold start, 6 members', data: false },
  { key: 'up', name: 'scale 3 -> 6 (with data)', data: true },
  { key: 'down', name: 'graceful scale 6 -> 3 (with data)', data: true },
  { key: 'roll', name: 'rolling restart of 3 (with data)', data: true },
  { key: 'kill', name: 'SIGKILL of 1 of 3, until safe again', data: true },
] as const;
type CaseKey = typeof CASES[number]['key'];

interface Sample { ms: number; lost?: number; migrations?: number }
const results = new Map<string, Sample[]>(); // `${variant}/${case}`
const errors: string[] = [];
let reference: number | undefined;
const notes: string[] = [];
const record = (v: Variant, c: CaseKey, s: Sample) => {
  const k = `${v.key}/${c}`;
  results.set(k, [...(results.get(k) ?? []), s]);
  console.log(`BENCH ${v.key} ${c}: ${(s.ms / 1000).toFixed(1)} s${s.lost === undefined ? '' : `, ${s.lost} of ${ENTRIES} entries lost`}${s.migrations === undefined ? '' : `, ${s.migrations} replica migrations, ${migrationRate(s.migrations, s.ms).toFixed(1)} MiB/s`}`);
};

async function runVariant(v: Variant, run: number): Promise<void> {
  const ns = `bench-${v.key}-${run}`;
  await createNamespace(ns, v);
  let killed = 0;
  let counter: MigrationCounter | undefined;
  try {
    const cold3 = await timed(async () => {
      await kubectl(['apply', '-f', '-'], v.yaml(ns, 3));
      return settled(ns, v, 3, false);
    });
    record(v, 'cold3', { ms: cold3.ms });
    const w = await timed(() => writeData(v, cold3.value));
    console.log(`BENCH ${v.key} wrote ${ENTRIES} entries (${DATA_MB} MiB) in ${(w.ms / 1000).toFixed(1)} s`);
    let pods = await settled(ns, v, 3, true);

    // Entries lost in a case are written again (untimed) before the next one, so that every case starts with all
    // of the data and its count is its own.
    const check = async (c: CaseKey, ms: number, size: number, now: Pod[], migrations?: number) => {
      const n = await lost(v, now);
      record(v, c, { ms, lost: n, migrations });
      if (n > 0) { await writeData(v, now); await settled(ns, v, size, true); }
    };

    const up = await timed(async () => { await scale(ns, v, 6); return settled(ns, v, 6, false); });
    pods = await settled(ns, v, 6, true);
    await check('up', up.ms, 6, pods);

    counter = new MigrationCounter(ns, v);
    const down = await timed(async () => { await scale(ns, v, 3); return settled(ns, v, 3, true); });
    await check('down', down.ms, 3, down.value, await counter.stop());
    counter = undefined;

    counter = new MigrationCounter(ns, v);
    const roll = await timed(async () => {
      await kubectl(['rollout', 'restart', `${v.kind}/hazelcast`, '-n', ns]);
      await kubectl(['rollout', 'status', `${v.kind}/hazelcast`, '-n', ns, `--timeout=${SETTLE_TIMEOUT_MS / 1000}s`]);
      return settled(ns, v, 3, true);
    });
    const migrations = await counter.stop();
    counter = undefined;
    await check('roll', roll.ms, 3, roll.value, migrations);

    pods = await settled(ns, v, 3, true);
    const victim = pods[0];
    const kill = await timed(async () => {
      const restarted = await killMember(ns, victim.name);
      killed++;
      await waitFor(`a new JVM in ${victim.name}`, SETTLE_TIMEOUT_MS, restarted, 250);
      return settled(ns, v, 3, true);
    });
    await check('kill', kill.ms, 3, kill.value);
  } catch (e) {
    errors.push(`${v.name}, run ${run + 1}: ${(e as Error).message}`);
    console.log(`BENCH ${v.key} run ${run + 1} FAILED: ${(e as Error).stack}`);
  } finally {
    await counter?.stop(); // a failed case leaves its log followers running otherwise
    const restarts = (await podsOf(ns, v).catch(() => [])).reduce((n, p) => n + p.restarts, 0);
    if (restarts > killed) notes.push(`${v.name}, run ${run + 1}: ${restarts - killed} container restart(s) the benchmark did not cause`);
    await teardown(ns, v);
  }

  const ns6 = `bench-${v.key}-${run}-cold6`;
  await createNamespace(ns6, v);
  try {
    const cold6 = await timed(async () => {
      await kubectl(['apply', '-f', '-'], v.yaml(ns6, 6));
      return settled(ns6, v, 6, false);
    });
    record(v, 'cold6', { ms: cold6.ms });
  } catch (e) {
    errors.push(`${v.name}, run ${run + 1}, cold start 6: ${(e as Error).message}`);
  } finally {
    await teardown(ns6, v);
  }
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const sec = (ms: number) => (ms / 1000).toFixed(1);

function table(): string {
  const head = ['case', ...variants.flatMap((v) => (v.key === 'stack' ? [`${v.name}, s`] : [`${v.name}, s`, 'x stack'])), `entries lost of ${ENTRIES.toLocaleString('en')} (max; ${variants.map((v) => v.key).join(' / ')})`];
  const lines = [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`];
  for (const c of CASES) {
    const stack = results.get(`stack/${c.key}`);
    const cells = variants.flatMap((v) => {
      const xs = (results.get(`${v.key}/${c.key}`) ?? []).map((s) => s.ms);
      const cell = xs.length ? `${sec(median(xs))} (${sec(Math.min(...xs))}-${sec(Math.max(...xs))})` : 'n/a';
      if (v.key === 'stack') return [cell];
      const ratio = xs.length && stack?.length ? `${(median(xs) / median(stack.map((s) => s.ms))).toFixed(2)}` : 'n/a';
      return [cell, ratio];
    });
    const lostCell = c.data
      ? variants.map((v) => { const ls = (results.get(`${v.key}/${c.key}`) ?? []).map((s) => s.lost ?? 0); return ls.length ? String(Math.max(...ls)) : 'n/a'; }).join(' / ')
      : '-';
    lines.push(`| ${[c.name, ...cells, lostCell].join(' | ')} |`);
  }
  for (const c of CASES.filter((x) => x.key === 'down' || x.key === 'roll')) {
    const rate = (key: string) => (results.get(`${key}/${c.key}`) ?? []).filter((s) => s.migrations !== undefined).map((s) => migrationRate(s.migrations!, s.ms));
    const stackRate = rate('stack');
    const cells = variants.flatMap((v) => {
      const xs = rate(v.key);
      const cell = xs.length ? `${median(xs).toFixed(1)} MiB/s (${Math.min(...xs).toFixed(1)}-${Math.max(...xs).toFixed(1)})${reference ? `, ${(median(xs) / reference).toFixed(3)} of ref` : ''}` : 'n/a';
      if (v.key === 'stack') return [cell];
      return [cell, xs.length && stackRate.length && median(stackRate) > 0 ? (median(xs) / median(stackRate)).toFixed(2) : 'n/a'];
    });
    lines.push(`| ${[`migrated during ${c.name.replace(' (with data)', '')}`, ...cells, '-'].join(' | ')} |`);
  }
  return lines.join('\n');
}

it(`stack vs chart vs Hazelcast defaults, ${DATA_MB} MiB of entries, ${RUNS} run(s)`, async () => {
  if (variants.length === 0) throw new Error(`BENCH_VARIANTS=${process.env.BENCH_VARIANTS}: none of stack, chart, defaults`);
  if (variants.some((v) => v.key === 'chart') && !fs.existsSync(CHART_FILE)) throw new Error(`the chart's rendered manifests are not at ${CHART_FILE}`);
  const nodes = JSON.parse(await kubectl(['get', 'nodes', '-o', 'json'])).items.length;
  reference = await physicalReference().catch((e) => { notes.push(`physical reference failed: ${(e as Error).message}`); return undefined; });
  for (let run = 0; run < RUNS; run++) {
    const order = variants.map((_, i) => variants[(i + run) % variants.length]);
    for (const v of order) await runVariant(v, run);
  }

  const stackLost = CASES.filter((c) => (results.get(`stack/${c.key}`) ?? []).some((s) => (s.lost ?? 0) > 0));
  const stackFailed = errors.filter((e) => e.startsWith('stack,'));
  const out = [
    '',
    `cluster benchmark: ${nodes} real nodes (e2e/nodes), ${machine()}; ${RUNS} run(s) per variant, interleaved`,
    `data: ${ENTRIES.toLocaleString('en')} entries x ${VALUE_BYTES / 1024} KiB = ${DATA_MB} MiB in map 'bench' (backup count 1, Hazelcast's default)`,
    `members (every variant): heap ${HEAP_MB} MiB, memory ${MEMORY_MB} Mi request = limit, cpu ${CPU_REQUEST_M}m request, ${CPU_LIMIT_M}m limit`,
    `times: median (min-max) of the runs, in seconds, until settled (exactly N pods, all Ready, cluster-size N on every member; with data also cluster-safe)`,
    `entries lost: per case, read by a fresh client after it; lost entries are written again before the next case`,
    `migrated: replica migrations the masters logged as completed during the case x (data / ${PARTITIONS} partitions), over the case's time (a lower bound)`,
    `physical reference: ${reference === undefined ? 'n/a' : `${reference.toFixed(1)} MiB/s`} (one JVM serializing the same entries and copying them to another over loopback, e2e/bench/PhysicalReference.java); "of ref" = rate / reference`,
    '',
    table(),
    '',
    ...errors.map((e) => `FAILED: ${e}`),
    ...notes.map((n) => `NOTE: ${n}`),
  ];
  if (stackLost.length || stackFailed.length) {
    out.push('', '!'.repeat(100),
      ...stackLost.map((c) => `!!! THE STACK LOST ENTRIES in "${c.name}": ${(results.get(`stack/${c.key}`) ?? []).map((s) => s.lost).join(', ')} of ${ENTRIES}`),
      ...stackFailed.map((e) => `!!! A STACK CASE FAILED: ${e}`),
      '!'.repeat(100));
  }
  console.log(out.join('\n'));
  if (process.env.BENCH_OUT) fs.appendFileSync(process.env.BENCH_OUT, `${out.join('\n')}\n`);
  // The only assertion: the stack keeps every entry, in every case, and every stack case ran.
  expect(stackLost.map((c) => c.name), 'the stack lost entries').toEqual([]);
  expect(stackFailed, 'stack cases failed').toEqual([]);
});

function machine(): string {
  return `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, load ${os.loadavg()[0].toFixed(2)} at the end`;
}
