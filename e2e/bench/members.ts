// Shared by the cluster benchmarks (e2e/bench/*.e2e-bench.ts, issue 11): the variants compared, the member sizes
// every variant gets, and the steps cases are made of (apply, settle, write, read back, scale, tear down, count
// migrations), on the real-node harness (e2e/nodes/).
//
// Sizes and variants (env): BENCH_DATA_MB (default 1024: the issue's 1 GiB, in 8 KiB values), BENCH_HEAP_MB (default
// max(512, 2 x BENCH_DATA_MB): room for every entry and its backup on 2 members while a third is down; memory
// request = limit = heap + 512 MiB; CPU 500m request, 2 limit, the stack's defaults), BENCH_VARIANTS (comma list of
// stack, chart, defaults, tuned), BENCH_TUNED_JVM_OPTIONS (tuning candidates, each measured against the stack in the
// same run: ';'-separated sets of space-separated JVM options, each set a variant "tuned<i>", the stack plus those
// options), BENCH_CHART_MANIFESTS (the rendered chart), BENCH_JAVA (the physical reference's JDK), BENCH_SETTLE_TIMEOUT_MS.
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Size, Yaml } from 'cdk8s';
import { Client } from 'hazelcast-client';
import { inject } from 'vitest';
import { clusterSafe, clusterSizeOf, createRestrictedNamespace, kubectl, root, synthYaml, tryKubectl, waitFor } from '../harness/cluster';

export const DATA_MB = Number(process.env.BENCH_DATA_MB ?? 1024);
export const VALUE_BYTES = 8 * 1024;
/** Entries of VALUE_BYTES that make `mb` MiB. */
export const entriesIn = (mb: number) => Math.ceil((mb * 2 ** 20) / VALUE_BYTES);
export const ENTRIES = entriesIn(DATA_MB);
export const HEAP_MB = Number(process.env.BENCH_HEAP_MB ?? Math.max(512, 2 * DATA_MB));
export const MEMORY_MB = HEAP_MB + 512;
export const CPU_REQUEST_M = 500;
export const CPU_LIMIT_M = 2000;
export const CHART_FILE = process.env.BENCH_CHART_MANIFESTS
  ?? path.resolve(root, '..', 'shared', 'peers', 'helm-chart-hazelcast-5.10.2', 'template-mancenter-off-image-5.7.0.yaml');
/** Generous: the chart starts its pods one after another, each Ready no sooner than 30 s after it starts. */
export const SETTLE_TIMEOUT_MS = Number(process.env.BENCH_SETTLE_TIMEOUT_MS ?? 1_800_000);
/** Hazelcast's default, which no variant changes: a migration moves one replica of one partition, ~data / 271. */
export const PARTITIONS = 271;
/** The JDK of the member image (e2e/image), for the physical reference. */
export const JAVA = process.env.BENCH_JAVA ?? '/usr/lib/jvm/temurin-25-jdk-amd64/bin/java';


export interface Variant {
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


const stackYaml = (ns: string, replicas: number, jvmOptions?: string[]) => synthYaml({
  namespace: ns, replicas, memoryLimit: Size.mebibytes(MEMORY_MB), heapSize: Size.mebibytes(HEAP_MB),
  cpuRequestMillis: CPU_REQUEST_M, cpuLimitMillis: CPU_LIMIT_M, jvmOptions,
});
const TUNED_JVM_OPTIONS = (process.env.BENCH_TUNED_JVM_OPTIONS ?? '').split(';')
  .map((set) => set.split(/\s+/).filter(Boolean)).filter((set) => set.length > 0);

export const ALL_VARIANTS: Variant[] = [
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
  ...TUNED_JVM_OPTIONS.map((options, i): Variant => ({
    key: `tuned${i + 1}`, name: `stack + ${options.join(' ')}`, kind: 'deployment', selector: 'name=hazelcast',
    clusterName: 'hazelcast', restricted: true, yaml: (ns, replicas) => stackYaml(ns, replicas, options), clusterScoped: () => [],
  })),
];
/**
 * PROTOTYPE (bench only, issue 19): members that leave in turn, the master last. A preStop hook waits until the
 * cluster is safe (no other member handing over), then for a slot that depends on the member's place in the
 * member list (youngest first, the master last), and leaves only if the cluster is still safe and as big; it
 * gives up waiting after LEAVE_IN_TURN_MAX_WAIT_S. Needs the REST CLUSTER_READ group for the member list.
 */
const LEAVE_IN_TURN_MAX_WAIT_S = 20;
export const LEAVE_IN_TURN_SCRIPT = String.raw`
say() { echo "$(date -u '+%Y-%m-%d %H:%M:%S,%3N') leave-in-turn: $*" >/proc/1/fd/1; }
get() {
  exec 3<>/dev/tcp/127.0.0.1/5701 || return 1
  printf 'GET %s HTTP/1.0\r\nConnection: close\r\n\r\n' "$1" >&3
  timeout 2 cat <&3; exec 3<&-
}
safe() { get /hazelcast/health | grep -Eq '"clusterSafe" *: *true'; }
place() {
  local line i=0 me=-1
  while IFS= read -r line; do
    if [[ "$line" == *'Member ['* ]]; then [[ "$line" == *' this'* ]] && me=$i; i=$((i+1)); fi
  done < <(get /hazelcast/rest/cluster)
  echo "$me $i"
}
end=$((SECONDS + ${LEAVE_IN_TURN_MAX_WAIT_S}))
say "asked to stop; place $(place)"
while (( SECONDS < end )); do
  until safe || (( SECONDS >= end )); do sleep 0.2; done
  read -r me n < <(place)
  (( me < 0 || n == 0 )) && { say "not in a member list"; exit 0; }
  if (( me == 0 )); then rank=$n; else rank=$((n - me)); fi
  ms=$((rank * 500)); sleep "$((ms / 1000)).$(printf %03d $((ms % 1000)))"
  read -r me2 n2 < <(place)
  if safe && (( n2 == n )); then say "my turn: place $me of $n"; exit 0; fi
  say "not yet: place $me of $n, now $n2"
done
say "waited $SECONDS s, leaving anyway"
`;
function leaveInTurn(yaml: string): string {
  const file = path.join(fs.mkdtempSync('/tmp/leave-in-turn-'), 'stack.yaml');
  fs.writeFileSync(file, yaml);
  const docs = Yaml.load(file).filter((d) => d && d.kind);
  const deployment = docs.find((d) => d.kind === 'Deployment');
  const spec = deployment.spec.template.spec;
  const c = spec.containers.find((x: any) => x.name === 'hazelcast');
  c.env.push({ name: 'HZ_NETWORK_RESTAPI_ENDPOINTGROUPS_CLUSTERREAD_ENABLED', value: 'true' });
  c.lifecycle = { preStop: { exec: { command: ['/bin/bash', '-c', LEAVE_IN_TURN_SCRIPT] } } };
  spec.terminationGracePeriodSeconds += LEAVE_IN_TURN_MAX_WAIT_S;
  return docs.map((d) => JSON.stringify(d)).join('\n---\n');
}
ALL_VARIANTS.push({
  key: 'turns', name: 'stack + leave in turn (prototype)', kind: 'deployment', selector: 'name=hazelcast',
  clusterName: 'hazelcast', restricted: true, yaml: (ns, replicas) => leaveInTurn(stackYaml(ns, replicas)), clusterScoped: () => [],
});
/** The variants a comma list names (`tuned` stands for every tuned<i>). */
export function variantsNamed(list: string): Variant[] {
  const wanted = list.split(',').map((s) => s.trim());
  return ALL_VARIANTS.filter((v) => wanted.includes(v.key) || (wanted.includes('tuned') && v.key.startsWith('tuned')));
}
export const variants = variantsNamed(process.env.BENCH_VARIANTS ?? 'stack,chart,defaults');

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

export interface Pod { name: string; ip: string; uid: string; ready: boolean; terminating: boolean; restarts: number }

export async function podsOf(ns: string, v: Variant): Promise<Pod[]> {
  return JSON.parse(await kubectl(['get', 'pods', '-n', ns, '-l', v.selector, '-o', 'json'])).items.map((p: any) => ({
    name: p.metadata.name,
    ip: p.status?.podIP,
    uid: p.metadata.uid,
    ready: p.status?.phase === 'Running' && (p.status.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True'),
    terminating: !!p.metadata.deletionTimestamp,
    restarts: (p.status?.containerStatuses ?? []).reduce((n: number, c: any) => n + c.restartCount, 0),
  }));
}

/**
 * Exactly `size` pods (none terminating), all Ready, every member in a cluster of `clusterSize` (default: all in one
 * cluster of `size`; 1 for members that do not look for each other), and cluster-safe when `safe`.
 */
export async function settled(ns: string, v: Variant, size: number, safe: boolean, clusterSize = size): Promise<Pod[]> {
  return waitFor(`${size} settled members of ${ns}`, SETTLE_TIMEOUT_MS, async () => {
    const pods = await podsOf(ns, v);
    if (pods.length !== size || !pods.every((p) => p.ready && !p.terminating && p.ip)) return undefined;
    if (!(await Promise.all(pods.map((p) => clusterSizeOf(p.ip)))).every((s) => s === clusterSize)) return undefined;
    if (safe && !(await Promise.all(pods.map((p) => clusterSafe(p.ip)))).every(Boolean)) return undefined;
    return pods;
  }, 250);
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = Date.now();
  const value = await fn();
  return { ms: Date.now() - t, value };
}

export async function client(v: Variant, pods: Pod[]): Promise<Client> {
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

async function inBatches(entries: number, fn: (keys: number[]) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: PARALLEL }, async () => {
    while (next < entries) {
      const from = next;
      next += BATCH;
      await fn(Array.from({ length: Math.min(BATCH, entries - from) }, (_, i) => from + i));
    }
  }));
}

/** Writes entries 0..entries-1 into map 'bench' (1 MiB per putAll, 4 in flight). */
export async function writeData(v: Variant, pods: Pod[], entries = ENTRIES): Promise<void> {
  const c = await client(v, pods);
  try {
    const m = await c.getMap<number, Buffer>('bench');
    await inBatches(entries, async (keys) => m.putAll(keys.map((k) => [k, value(k)] as [number, Buffer])));
    const size = await m.size();
    if (size !== entries) throw new Error(`wrote ${entries} entries, the map holds ${size}`);
  } finally {
    await c.shutdown();
  }
}

/** Entries missing or wrong, read through a fresh client. */
export async function lost(v: Variant, pods: Pod[], entries = ENTRIES): Promise<number> {
  const c = await client(v, pods);
  try {
    const m = await c.getMap<number, Buffer>('bench');
    let intact = 0;
    await inBatches(entries, async (keys) => {
      for (const [k, got] of await m.getAll(keys)) if (Buffer.isBuffer(got) && got.equals(value(k))) intact++;
    });
    return entries - intact;
  } finally {
    await c.shutdown();
  }
}

export async function scale(ns: string, v: Variant, replicas: number): Promise<void> {
  await kubectl(['scale', `${v.kind}/hazelcast`, '-n', ns, '--replicas', String(replicas)]);
}

/** Deletes what the variant created: pods first (1 s grace: the figures are taken), then namespace and cluster-scoped objects. */
export async function teardown(ns: string, v: Variant): Promise<void> {
  await tryKubectl(['delete', v.kind, 'hazelcast', '-n', ns, '--wait=false']);
  await tryKubectl(['delete', 'pods', '--all', '-n', ns, '--grace-period=1', '--wait=true', '--timeout=300s']);
  await waitFor(`the pods of ${ns} to be gone`, 300_000, async () =>
    JSON.parse(await kubectl(['get', 'pods', '-n', ns, '-o', 'json'])).items.length === 0, 1000);
  await tryKubectl(['delete', 'namespace', ns, '--wait=true', '--timeout=300s']);
  for (const o of v.clusterScoped(ns)) await tryKubectl(['delete', o, '--ignore-not-found']);
}

export async function createNamespace(ns: string, v: Variant): Promise<void> {
  if (v.restricted) await createRestrictedNamespace(ns);
  else await kubectl(['create', 'namespace', ns]);
}

/**
 * Follows the logs of every member pod of a namespace from now on (pods that leave take their logs with them, so
 * they are read while they run): every line, per pod, in `lines`.
 */
export class LogFollower {
  readonly lines = new Map<string, string[]>();
  private readonly followed = new Map<string, ChildProcess>();
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
          const lines: string[] = [];
          this.lines.set(p.name, lines);
          let rest = '';
          child.stdout!.on('data', (d: Buffer) => {
            const parts = (rest + d.toString()).split('\n');
            rest = parts.pop()!;
            lines.push(...parts);
          });
          child.on('error', () => undefined);
          this.followed.set(p.name, child);
        }
        await new Promise((r) => setTimeout(r, 500));
      }
    })();
  }

  /** Stops following (after 2 s for the last lines); idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    await new Promise((r) => setTimeout(r, 2000));
    this.stopped = true;
    await this.poller;
    for (const c of this.followed.values()) c.kill();
  }
}

/**
 * Counts the partition replicas migrated while a case runs, from every member's log: the master logs `All migration
 * tasks have been completed. (..., completedMigrations=N, ...)` at the end of each repartitioning round. A round cut
 * short (`Rebalance process was aborted` or `failed`) is not counted, so the count is a lower bound.
 */
export class MigrationCounter {
  private readonly follower: LogFollower;
  constructor(ns: string, v: Variant) { this.follower = new LogFollower(ns, v); }

  /** Replica migrations completed since the counter started (waits 2 s for the last log lines). */
  async stop(): Promise<number> {
    await this.follower.stop();
    return [...this.follower.lines.values()].flat()
      .filter((l) => l.includes('All migration tasks have been completed'))
      .reduce((n, l) => n + Number(/completedMigrations=(\d+)/.exec(l)?.[1] ?? 0), 0);
  }
}


/** MiB/s of data migrated: replica migrations x the bytes of one partition replica (of `dataMiB`), over `ms`. */
export const migrationRate = (migrations: number, ms: number, dataMiB = DATA_MB) => (migrations * dataMiB / PARTITIONS) / (ms / 1000);


/**
 * The physical reference (e2e/bench/PhysicalReference.java): one JVM serializes the same entries (ENTRIES values
 * of VALUE_BYTES) and copies them over loopback to another JVM, which stores them. MiB/s, or undefined without a JDK.
 */
export async function physicalReference(notes: string[]): Promise<number | undefined> {
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

export const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
export const sec = (ms: number) => (ms / 1000).toFixed(1);
