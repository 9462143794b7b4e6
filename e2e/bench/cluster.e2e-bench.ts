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
// Cases, per variant and repetition (one namespace for the first five, one for the last two):
//   cold start 3 -> write the data -> scale 3 -> 6 -> graceful scale 6 -> 3 -> rolling restart of 3 -> SIGKILL of
//   one of 3 until the cluster is safe again; then, in a second namespace, cold start 6 -> write the most data the
//   members hold safely (MAX_DATA_MB) -> graceful scale 6 -> 3.
// "Settled" means: exactly N pods exist (none terminating), all Ready, every member reports cluster-size N, and
// (with data) every member reports cluster-safe. Entries lost are counted after each case with a fresh client.
// Migration throughput (scale-down and rollout): replica migrations the masters log as completed during the case
// (MigrationCounter) x data / 271, over the case's time; compared with a physical reference, the median of one
// measurement before each repetition (at least 3) (PhysicalReference.java: one JVM serializing the same entries and copying them to another over
// loopback).
//
// Parameters (env): BENCH_RUNS (default 3), BENCH_OUT (a file the final table is appended to); sizes and variants
// as e2e/bench/members.ts says (BENCH_DATA_MB, BENCH_HEAP_MB, BENCH_VARIANTS, BENCH_TUNED_JVM_OPTIONS, ...).
import * as fs from 'node:fs';
import * as os from 'node:os';
import { expect, it } from 'vitest';
import { kubectl, killMember, waitFor } from '../harness/cluster';
import {
  CHART_FILE, CPU_LIMIT_M, CPU_REQUEST_M, DATA_MB, ENTRIES, HEAP_MB, MEMORY_MB, MigrationCounter, PARTITIONS, Pod,
  SETTLE_TIMEOUT_MS, VALUE_BYTES, Variant, createNamespace, entriesIn, lost, median, migrationRate, physicalReference, scale, sec,
  podsOf, settled, teardown, timed, variants, writeData,
} from './members';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
/**
 * The most data the scale-down case holds here safely, with the same member sizes: after 6 -> 3 each remaining member
 * holds 2 x MAX_DATA_MB / 3 of entries and backups, at the default 1.5 x BENCH_DATA_MB half of its heap (2 x
 * BENCH_DATA_MB). Bigger members do not fit: 6 x (heap + 512 MiB) is 15 GiB of this machine's 24 at the defaults.
 */
const MAX_DATA_MB = Number(process.env.BENCH_MAX_DATA_MB ?? Math.floor(HEAP_MB * 0.75));
const MAX_ENTRIES = entriesIn(MAX_DATA_MB);
const dataMiBOf = (c: CaseKey) => (c === 'downMax' ? MAX_DATA_MB : DATA_MB);
const entriesOf = (c: CaseKey) => (c === 'downMax' ? MAX_ENTRIES : ENTRIES);

const CASES = [
  { key: 'cold3', name: 'cold start, 3 members', data: false },
  { key: 'cold6', name: 'cold start, 6 members', data: false },
  { key: 'up', name: 'scale 3 -> 6 (with data)', data: true },
  { key: 'down', name: 'graceful scale 6 -> 3 (with data)', data: true },
  { key: 'downMax', name: `graceful scale 6 -> 3 with ${MAX_DATA_MB} MiB`, data: true },
  { key: 'roll', name: 'rolling restart of 3 (with data)', data: true },
  { key: 'kill', name: 'SIGKILL of 1 of 3, until safe again', data: true },
] as const;
type CaseKey = typeof CASES[number]['key'];

interface Sample { ms: number; lost?: number; migrations?: number }
const results = new Map<string, Sample[]>(); // `${variant}/${case}`
const errors: string[] = [];
let reference: number | undefined;
const references: number[] = [];
const notes: string[] = [];
const record = (v: Variant, c: CaseKey, s: Sample) => {
  const k = `${v.key}/${c}`;
  results.set(k, [...(results.get(k) ?? []), s]);
  console.log(`BENCH ${v.key} ${c}: ${(s.ms / 1000).toFixed(1)} s${s.lost === undefined ? '' : `, ${s.lost} of ${entriesOf(c)} entries lost`}${s.migrations === undefined ? '' : `, ${s.migrations} replica migrations, ${migrationRate(s.migrations, s.ms, dataMiBOf(c)).toFixed(1)} MiB/s`}`);
};

/** Notes container restarts in `ns` beyond the `caused` ones the benchmark made itself. */
async function noteRestarts(ns: string, v: Variant, caused: number, where: string): Promise<void> {
  const restarts = (await podsOf(ns, v).catch(() => [])).reduce((n, p) => n + p.restarts, 0);
  if (restarts > caused) notes.push(`${where}: ${restarts - caused} container restart(s) the benchmark did not cause`);
}

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
    await noteRestarts(ns, v, killed, `${v.name}, run ${run + 1}`);
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
    const w = await timed(() => writeData(v, cold6.value, MAX_ENTRIES));
    console.log(`BENCH ${v.key} wrote ${MAX_ENTRIES} entries (${MAX_DATA_MB} MiB) in ${(w.ms / 1000).toFixed(1)} s`);
    await settled(ns6, v, 6, true);
    counter = new MigrationCounter(ns6, v);
    const down = await timed(async () => { await scale(ns6, v, 3); return settled(ns6, v, 3, true); });
    const migrations = await counter.stop();
    counter = undefined;
    const n = await lost(v, down.value, MAX_ENTRIES);
    record(v, 'downMax', { ms: down.ms, lost: n, migrations });
  } catch (e) {
    errors.push(`${v.name}, run ${run + 1}, cold start 6 and scale-down with ${MAX_DATA_MB} MiB: ${(e as Error).message}`);
  } finally {
    await counter?.stop();
    await noteRestarts(ns6, v, 0, `${v.name}, run ${run + 1}, cold start 6`);
    await teardown(ns6, v);
  }
}


function table(): string {
  const head = ['case', ...variants.flatMap((v) => (v.key === 'stack' ? [`${v.name}, s`] : [`${v.name}, s`, 'x stack'])), `entries lost (max; ${variants.map((v) => v.key).join(' / ')})`];
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
  for (const c of CASES.filter((x) => x.key === 'down' || x.key === 'downMax' || x.key === 'roll')) {
    const rate = (key: string) => (results.get(`${key}/${c.key}`) ?? []).filter((s) => s.migrations !== undefined).map((s) => migrationRate(s.migrations!, s.ms, dataMiBOf(c.key)));
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
  const measureReference = async () => {
    const r = await physicalReference(notes).catch((e) => { notes.push(`physical reference failed: ${(e as Error).message}`); return undefined; });
    if (r !== undefined) references.push(r);
  };
  for (let run = 0; run < RUNS; run++) {
    await measureReference();
    const order = variants.map((_, i) => variants[(i + run) % variants.length]);
    for (const v of order) await runVariant(v, run);
  }
  while (references.length > 0 && references.length < 3) await measureReference();
  reference = references.length ? median(references) : undefined;

  const stackLost = CASES.filter((c) => (results.get(`stack/${c.key}`) ?? []).some((s) => (s.lost ?? 0) > 0));
  const stackFailed = errors.filter((e) => e.startsWith('stack,'));
  const out = [
    '',
    `cluster benchmark: ${nodes} real nodes (e2e/nodes), ${machine()}; ${RUNS} run(s) per variant, interleaved`,
    `data: ${ENTRIES.toLocaleString('en')} entries x ${VALUE_BYTES / 1024} KiB = ${DATA_MB} MiB in map 'bench' (backup count 1, Hazelcast's default); ${MAX_ENTRIES.toLocaleString('en')} entries = ${MAX_DATA_MB} MiB in the last case`,
    `members (every variant): heap ${HEAP_MB} MiB, memory ${MEMORY_MB} Mi request = limit, cpu ${CPU_REQUEST_M}m request, ${CPU_LIMIT_M}m limit`,
    `times: median (min-max) of the runs, in seconds, until settled (exactly N pods, all Ready, cluster-size N on every member; with data also cluster-safe)`,
    `entries lost: per case, read by a fresh client after it; lost entries are written again before the next case`,
    `migrated: replica migrations the masters logged as completed during the case x (data / ${PARTITIONS} partitions), over the case's time (a lower bound)`,
    `physical reference: ${reference === undefined ? 'n/a' : `${reference.toFixed(1)} MiB/s, the median of ${references.map((r) => r.toFixed(1)).join(', ')}`} (one JVM serializing the same entries and copying them to another over loopback, e2e/bench/PhysicalReference.java); "of ref" = rate / reference`,
    '',
    table(),
    '',
    ...errors.map((e) => `FAILED: ${e}`),
    ...notes.map((n) => `NOTE: ${n}`),
  ];
  if (stackLost.length || stackFailed.length) {
    out.push('', '!'.repeat(100),
      ...stackLost.map((c) => `!!! THE STACK LOST ENTRIES in "${c.name}": ${(results.get(`stack/${c.key}`) ?? []).map((s) => s.lost).join(', ')} of ${entriesOf(c.key)}`),
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
