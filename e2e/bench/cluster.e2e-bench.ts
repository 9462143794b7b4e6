// `npm run bench:cluster`: how fast a cluster converges and shrinks with the stack's settings, side by side with
// Hazelcast's defaults, on the e2e control plane. A benchmark, not a test: it prints medians, asserts nothing.
//
// "Hazelcast defaults" is the same synthesized stack with JAVA_OPTS cut back to the heap flags, so the members use
// Hazelcast's own join, merge and shutdown defaults (TERMINATE on SIGTERM). The scale-down also counts how many of
// 10,000 entries survive, which is what the stack's GRACEFUL shutdown is for.
import { it } from 'vitest';
import {
  connectClient, createRestrictedNamespace, deleteNamespace, kubectl, memberPods, synthYaml, waitFor, waitForCluster,
  waitForClusterSafe,
} from '../harness/cluster';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const ENTRIES = 10_000;

type Variant = { name: string; yaml: (ns: string, replicas: number) => string };
const variants: Variant[] = [
  { name: 'stack settings', yaml: (ns, replicas) => synthYaml({ namespace: ns, replicas }) },
  {
    name: 'Hazelcast defaults',
    yaml: (ns, replicas) => synthYaml({ namespace: ns, replicas })
      .replace(/^( +value: )(-Xms\d+m -Xmx\d+m)( .*)$/m, '$1$2'),
  },
];

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = Date.now();
  await fn();
  return Date.now() - t;
}

async function scaleDownKeepingData(ns: string): Promise<{ ms: number; intact: number }> {
  let { pods } = await waitForCluster(ns, 'hazelcast', 4);
  const client = await connectClient('hazelcast', pods);
  const map = await client.getMap<number, string>('bench');
  for (let from = 0; from < ENTRIES; from += 1000) {
    await map.putAll(Array.from({ length: 1000 }, (_, i) => [from + i, `v${from + i}`] as [number, string]));
  }
  await client.shutdown();
  await waitForClusterSafe(pods);
  const ms = await timed(async () => {
    await kubectl(['scale', 'deployment', 'hazelcast', '-n', ns, '--replicas', '2']);
    ({ pods } = await waitForCluster(ns, 'hazelcast', 2));
    await waitFor('the leaving pods to be gone', 300_000, async () =>
      JSON.parse(await kubectl(['get', 'pods', '-n', ns, '-o', 'json'])).items.length === 2);
  });
  const reader = await connectClient('hazelcast', pods);
  const entries = await (await reader.getMap<number, string>('bench')).getAll(Array.from({ length: ENTRIES }, (_, i) => i));
  await reader.shutdown();
  return { ms, intact: entries.length };
}

it('prints convergence and scale-down figures for both variants', async () => {
  const rows: string[] = [];
  for (const v of variants) {
    const scaleUp: number[] = [];
    const cold: number[] = [];
    const down: number[] = [];
    const intact: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const ns = `bench-${variants.indexOf(v)}-${run}`;
      await createRestrictedNamespace(ns);
      // scale 1 -> 4
      await kubectl(['apply', '-f', '-'], v.yaml(ns, 1));
      await waitForCluster(ns, 'hazelcast', 1);
      scaleUp.push(await timed(async () => {
        await kubectl(['scale', 'deployment', 'hazelcast', '-n', ns, '--replicas', '4']);
        await waitForCluster(ns, 'hazelcast', 4);
      }));
      // scale 4 -> 2, with data
      const d = await scaleDownKeepingData(ns);
      down.push(d.ms);
      intact.push(d.intact);
      await deleteNamespace(ns);
      // cold start of 4
      const coldNs = `${ns}-cold`;
      await createRestrictedNamespace(coldNs);
      cold.push(await timed(async () => {
        await kubectl(['apply', '-f', '-'], v.yaml(coldNs, 4));
        await waitForCluster(coldNs, 'hazelcast', 4);
      }));
      await deleteNamespace(coldNs);
      await waitFor('no pods left', 300_000, async () => (await memberPods(coldNs, 'hazelcast')).length === 0);
    }
    const s = (xs: number[]) => `${(median(xs) / 1000).toFixed(1)} s`;
    rows.push(`${v.name.padEnd(20)} ${s(scaleUp).padStart(14)} ${s(cold).padStart(16)} ${s(down).padStart(16)} ${`${Math.min(...intact)}/${ENTRIES}`.padStart(18)}`);
  }
  console.log(`\ncluster figures, medians of ${RUNS} runs (e2e control plane, 2 cores)`);
  console.log(`${'variant'.padEnd(20)} ${'scale 1 -> 4'.padStart(14)} ${'cold start 4'.padStart(16)} ${'scale 4 -> 2'.padStart(16)} ${'entries kept (min)'.padStart(18)}`);
  for (const r of rows) console.log(r);
});
