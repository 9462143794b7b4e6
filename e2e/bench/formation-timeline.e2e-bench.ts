// Where a cold start's time goes, member by member (issue: "four members start far slower than three"). Starts
// N members at once, five times per size, and prints for each start a timeline from the members' own logs and the
// pods' status, in seconds after the apply: the pod scheduled, the container started, the JVM's first log line,
// Hazelcast STARTING, each member list the member printed (`Members {size:k, ver:v}`), STARTED, Ready. Not part of
// CI; run it with the machine to itself:
//
//   E2E_VITEST_CONFIG=e2e/nodes/vitest.bench.config.mts bash e2e/nodes/run.sh e2e/bench/formation-timeline.e2e-bench.ts
//
// FORMATION_SIZES (default "3,4") and FORMATION_REPS (default 5) choose the runs; FORMATION_LOGGING sets the members'
// `loggingLevel` (e.g. DEBUG, for the join's and the partition service's own messages); FORMATION_LOG_DIR (default
// /tmp/formation-logs) receives every member's whole log, one file per pod, kept after the namespace is gone.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'vitest';
import {
  createRestrictedNamespace, deleteNamespace, kubectl, memberLog, synthYaml, waitForCluster,
} from '../harness/cluster';

const sizes = (process.env.FORMATION_SIZES ?? '3,4').split(',').map(Number);
const reps = Number(process.env.FORMATION_REPS ?? 5);
const loggingLevel = process.env.FORMATION_LOGGING as 'DEBUG' | 'INFO' | undefined;
const logDir = process.env.FORMATION_LOG_DIR ?? '/tmp/formation-logs';

/** Hazelcast's log line time (`2026-12-04 05:00:00,123`), as epoch ms in UTC. */
function logTime(line: string): number | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}),(\d{3})/.exec(line);
  return m ? Date.parse(`${m[1]}T${m[2]}.${m[3]}Z`) : undefined;
}

/** The log lines that mark a step of forming the cluster. */
const MARKS: Array<[string, RegExp]> = [
  ['starting', /is STARTING/],
  ['members', /Members \{size:\d+, ver:\d+\}/],
  ['join', /[Jj]oin|master|Master/],
  ['started', /is STARTED/],
];

async function timeline(ns: string, t0: number): Promise<string[]> {
  const pods = JSON.parse(await kubectl(['get', 'pods', '-n', ns, '-l', 'name=hazelcast', '-o', 'json'])).items;
  const out: string[] = [];
  const s = (ms: number) => `${((ms - t0) / 1000).toFixed(1).padStart(5)} s`;
  for (const p of pods) {
    const cond = (type: string) => p.status.conditions?.find((c: any) => c.type === type)?.lastTransitionTime;
    const started = p.status.containerStatuses?.[0]?.state?.running?.startedAt;
    out.push(`  ${p.metadata.name} on ${p.spec.nodeName} (${p.status.podIP}): scheduled ${s(Date.parse(cond('PodScheduled')))}, `
      + `container ${started ? s(Date.parse(started)) : '-'}, ready ${cond('Ready') ? s(Date.parse(cond('Ready'))) : '-'}, `
      + `restarts ${p.status.containerStatuses?.[0]?.restartCount ?? '-'}`);
    const text = await memberLog(ns, p.metadata.name);
    fs.mkdirSync(path.join(logDir, ns), { recursive: true });
    fs.writeFileSync(path.join(logDir, ns, `${p.metadata.name}.log`), text);
    const log = text.split('\n');
    const first = log.map(logTime).find((t) => t !== undefined);
    if (first !== undefined) out.push(`    ${s(first)} first log line`);
    let t: number | undefined; // a member list spans several lines; its time is the line before it
    for (const line of log) {
      t = logTime(line) ?? t;
      const mark = MARKS.find(([, re]) => re.test(line));
      if (mark && t !== undefined) out.push(`    ${s(t)} ${mark[0]}: ${line.replace(/^\S+ \S+ /, '').replace(/\x1b\[[0-9;]*m/g, '').slice(0, 160)}`);
    }
  }
  return out;
}

describe('cold start, member by member', () => {
  for (const size of sizes) {
    it(`${size} members, ${reps} starts`, async () => {
      const totals: number[] = [];
      for (let rep = 1; rep <= reps; rep++) {
        const ns = `formation-${size}-${rep}`;
        await createRestrictedNamespace(ns);
        const t0 = Date.now();
        await kubectl(['apply', '-f', '-'], synthYaml({ namespace: ns, replicas: size, loggingLevel }));
        const { ms } = await waitForCluster(ns, 'hazelcast', size, 300_000);
        totals.push(ms);
        console.log([`[formation] ${size} members, start ${rep}: one cluster of ${size} after ${(ms / 1000).toFixed(1)} s`,
          ...(await timeline(ns, t0))].join('\n'));
        await deleteNamespace(ns);
      }
      const sorted = [...totals].sort((a, b) => a - b);
      console.log(`[formation] ${size} members: ${totals.map((t) => (t / 1000).toFixed(1)).join(', ')} s; `
        + `median ${(sorted[Math.floor(sorted.length / 2)] / 1000).toFixed(1)} s, max ${(sorted.at(-1)! / 1000).toFixed(1)} s`);
    });
  }
});
