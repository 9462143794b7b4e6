// `npm run bench:shape` (issue 11, "shape of cost"): how the stack's cold start and graceful scale-down grow with the
// number of members and with the data, on the real-node harness (e2e/nodes/). A benchmark, not a test: it prints two
// tables; after printing, it fails only if the stack lost an entry or a case failed.
//
//   members: for n in BENCH_SHAPE_MEMBERS (default 1,2,3,4,6): a lone start of n (the same pods on the same nodes with
//            Kubernetes discovery off, until n Ready members each report cluster-size 1: what n JVMs cost to start
//            side by side, without forming), then the cold start of n (until n Ready members report cluster-size n),
//            then, for n >= 2, BENCH_SHAPE_SCALE_DOWN_MB of entries (default 512) and a graceful scale-down by one
//            member, n -> n-1, until settled and cluster-safe. "Formation cost" = cold start / lone start, per run.
//   data:    for d in BENCH_SHAPE_DATA_MB (default 102,512,1024: 0.1, 0.5, 1 GiB): cold start of 6, d MiB of entries,
//            graceful scale 6 -> 3 (the cluster benchmark's case) until settled and cluster-safe.
// A cold start against data is not a case: without persistence (Enterprise only) a new cluster starts empty, so the
// data row times the write of d MiB through a client instead.
//
// Each case runs in a fresh namespace; entries lost are read back by a fresh client after every scale-down. The
// "hand-over rate" of a scale-down is the data the leaving members held (each member holds 2 x data / n: its
// primaries and backups, backup count 1) over the case's time, SIGTERM to settled: the rate the grace period has to
// be sized with (lib/cluster-props.ts, gracefulShutdownTimeout).
//
// Parameters (env): BENCH_RUNS (default 3), BENCH_SHAPE_MEMBERS, BENCH_SHAPE_DATA_MB, BENCH_SHAPE_SCALE_DOWN_MB,
// BENCH_OUT (a file the tables are appended to); member sizes as e2e/bench/members.ts says (BENCH_HEAP_MB; the
// default heap is the cluster benchmark's, 2 GiB, the same for every row).
import * as fs from 'node:fs';
import * as os from 'node:os';
import { expect, it } from 'vitest';
import { kubectl } from '../harness/cluster';
import {
  ALL_VARIANTS, CPU_LIMIT_M, CPU_REQUEST_M, HEAP_MB, MEMORY_MB, VALUE_BYTES, createNamespace, entriesIn, lost, median, scale, sec,
  settled, teardown, timed, writeData,
} from './members';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const list = (name: string, fallback: string) => (process.env[name] ?? fallback).split(',').filter(Boolean).map(Number);
const MEMBERS = list('BENCH_SHAPE_MEMBERS', '1,2,3,4,6');
const DATA_SIZES_MB = list('BENCH_SHAPE_DATA_MB', '102,512,1024');
const SCALE_DOWN_MB = Number(process.env.BENCH_SHAPE_SCALE_DOWN_MB ?? 512);
const stack = ALL_VARIANTS.find((v) => v.key === 'stack')!;

interface Sample { ms: number; lost?: number; handOverMiB?: number }
const samples = new Map<string, Sample[]>(); // `lone/<n>`, `cold/<n>`, `down/<n>`, `write/<mb>`, `down6to3/<mb>`
const formationRatios = new Map<number, number[]>(); // n -> cold / lone, per run
const errors: string[] = [];
const add = (key: string, s: Sample) => {
  samples.set(key, [...(samples.get(key) ?? []), s]);
  const rate = s.handOverMiB === undefined ? '' : `, hand-over ${(s.handOverMiB / (s.ms / 1000)).toFixed(1)} MiB/s`;
  console.log(`BENCH shape ${key}: ${sec(s.ms)} s${s.lost === undefined ? '' : `, ${s.lost} entries lost`}${rate}`);
};

/** The stack's manifests for n members with Kubernetes discovery off: each member starts alone (multicast is off too). */
function loneYaml(ns: string, n: number): string {
  const yaml = stack.yaml(ns, n);
  const lone = yaml.replace(/(- name: HZ_NETWORK_JOIN_KUBERNETES_ENABLED\n\s+value: )"true"/, '$1"false"');
  if (lone === yaml) throw new Error('lone start: no HZ_NETWORK_JOIN_KUBERNETES_ENABLED "true" in the synthesized YAML');
  return lone;
}

/** Lone start of n: n members that do not look for each other, until each is Ready in a cluster of 1. */
async function loneCase(n: number, run: number): Promise<number | undefined> {
  const ns = `shape-${run}-lone-${n}`;
  await createNamespace(ns, stack);
  try {
    const lone = await timed(async () => {
      await kubectl(['apply', '-f', '-'], loneYaml(ns, n));
      return settled(ns, stack, n, false, 1);
    });
    add(`lone/${n}`, { ms: lone.ms });
    return lone.ms;
  } catch (e) {
    errors.push(`lone ${n}, run ${run + 1}: ${(e as Error).message}`);
    return undefined;
  } finally {
    await teardown(ns, stack);
  }
}

/** Cold start of n; with n >= 2, SCALE_DOWN_MB of entries and a graceful scale-down to n - 1. */
async function membersCase(n: number, run: number, loneMs: number | undefined): Promise<void> {
  const ns = `shape-${run}-members-${n}`;
  await createNamespace(ns, stack);
  try {
    const cold = await timed(async () => {
      await kubectl(['apply', '-f', '-'], stack.yaml(ns, n));
      return settled(ns, stack, n, false);
    });
    add(`cold/${n}`, { ms: cold.ms });
    if (loneMs !== undefined) formationRatios.set(n, [...(formationRatios.get(n) ?? []), cold.ms / loneMs]);
    if (n < 2) return;
    const entries = entriesIn(SCALE_DOWN_MB);
    await writeData(stack, cold.value, entries);
    await settled(ns, stack, n, true);
    const down = await timed(async () => { await scale(ns, stack, n - 1); return settled(ns, stack, n - 1, true); });
    add(`down/${n}`, { ms: down.ms, lost: await lost(stack, down.value, entries), handOverMiB: (2 * SCALE_DOWN_MB) / n });
  } catch (e) {
    errors.push(`members ${n}, run ${run + 1}: ${(e as Error).message}`);
  } finally {
    await teardown(ns, stack);
  }
}

/** Cold start of 6, mb MiB of entries (timed), graceful scale 6 -> 3. */
async function dataCase(mb: number, run: number): Promise<void> {
  const ns = `shape-${run}-data-${mb}`;
  await createNamespace(ns, stack);
  try {
    await kubectl(['apply', '-f', '-'], stack.yaml(ns, 6));
    const pods = await settled(ns, stack, 6, false);
    const entries = entriesIn(mb);
    const write = await timed(() => writeData(stack, pods, entries));
    add(`write/${mb}`, { ms: write.ms });
    await settled(ns, stack, 6, true);
    const down = await timed(async () => { await scale(ns, stack, 3); return settled(ns, stack, 3, true); });
    add(`down6to3/${mb}`, { ms: down.ms, lost: await lost(stack, down.value, entries), handOverMiB: 3 * ((2 * mb) / 6) });
  } catch (e) {
    errors.push(`data ${mb} MiB, run ${run + 1}: ${(e as Error).message}`);
  } finally {
    await teardown(ns, stack);
  }
}

const cell = (key: string) => {
  const xs = (samples.get(key) ?? []).map((s) => s.ms);
  return xs.length ? `${sec(median(xs))} (${sec(Math.min(...xs))}-${sec(Math.max(...xs))})` : 'n/a';
};
const rateCell = (key: string) => {
  const xs = (samples.get(key) ?? []).filter((s) => s.handOverMiB !== undefined).map((s) => s.handOverMiB! / (s.ms / 1000));
  return xs.length ? `${median(xs).toFixed(1)} (${Math.min(...xs).toFixed(1)}-${Math.max(...xs).toFixed(1)})` : 'n/a';
};
const ratioCell = (n: number) => {
  const xs = formationRatios.get(n) ?? [];
  return xs.length ? `${median(xs).toFixed(2)}x (${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)})` : 'n/a';
};
const lostCell = (key: string) => {
  const xs = (samples.get(key) ?? []).map((s) => s.lost ?? 0);
  return xs.length ? String(Math.max(...xs)) : 'n/a';
};

function tables(): string[] {
  const byMembers = [
    `| members n | lone start of n, s | cold start of n, s | formation cost (cold / lone) | graceful n -> n-1 with ${SCALE_DOWN_MB} MiB, s | data the leaving member held, MiB | hand-over rate, MiB/s | entries lost (max) |`,
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...MEMBERS.map((n) => `| ${n} | ${cell(`lone/${n}`)} | ${cell(`cold/${n}`)} | ${ratioCell(n)} | ${n < 2
      ? '- | - | - | -'
      : `${cell(`down/${n}`)} | ${((2 * SCALE_DOWN_MB) / n).toFixed(0)} | ${rateCell(`down/${n}`)} | ${lostCell(`down/${n}`)}`} |`),
  ];
  const byData = [
    '| data | write through a client, s | graceful 6 -> 3, s | data the 3 leaving members held, MiB | hand-over rate, MiB/s | entries lost (max) |',
    '| --- | --- | --- | --- | --- | --- |',
    ...DATA_SIZES_MB.map((mb) => `| ${mb} MiB | ${cell(`write/${mb}`)} | ${cell(`down6to3/${mb}`)} | ${mb} | ${rateCell(`down6to3/${mb}`)} | ${lostCell(`down6to3/${mb}`)} |`),
  ];
  return [...byMembers, '', ...byData];
}

it(`shape of cost: members ${MEMBERS.join(',')}, data ${DATA_SIZES_MB.join(',')} MiB, ${RUNS} run(s)`, async () => {
  const nodes = JSON.parse(await kubectl(['get', 'nodes', '-o', 'json'])).items.length;
  for (let run = 0; run < RUNS; run++) {
    for (const n of MEMBERS) await membersCase(n, run, await loneCase(n, run));
    for (const mb of DATA_SIZES_MB) await dataCase(mb, run);
  }
  const lostAny = [...samples.entries()].filter(([, xs]) => xs.some((s) => (s.lost ?? 0) > 0)).map(([k]) => k);
  const out = [
    '',
    `shape of cost (the stack): ${nodes} real nodes (e2e/nodes), ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, load ${os.loadavg()[0].toFixed(2)} at the end; ${RUNS} run(s), median (min-max)`,
    `members: heap ${HEAP_MB} MiB, memory ${MEMORY_MB} Mi request = limit, cpu ${CPU_REQUEST_M}m request, ${CPU_LIMIT_M}m limit; values of ${VALUE_BYTES / 1024} KiB, backup count 1`,
    '',
    ...tables(),
    '',
    ...errors.map((e) => `FAILED: ${e}`),
    ...lostAny.map((k) => `!!! THE STACK LOST ENTRIES in ${k}`),
  ];
  console.log(out.join('\n'));
  if (process.env.BENCH_OUT) fs.appendFileSync(process.env.BENCH_OUT, `${out.join('\n')}\n`);
  expect(lostAny, 'the stack lost entries').toEqual([]);
  expect(errors, 'shape cases failed').toEqual([]);
});
