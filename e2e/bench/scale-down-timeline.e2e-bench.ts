// Where a graceful scale-down's time goes (issue: "about one scale-down in four stalls"). Starts 6 members of the
// benchmarks' size, writes SCALEDOWN_DATA_MB of entries (default 1536, bench:cluster's largest case), scales 6 -> 3
// and prints, per repetition: the time to settled and cluster-safe, which pods the ReplicaSet removed and whether the
// master (the oldest member, first in every member list) was among them, and every line of the members' logs
// that marks a step: a shutdown request, a member list, a repartitioning round completed, a master change. Every
// member's whole log goes to SCALEDOWN_LOG_DIR (default /tmp/scale-down-logs), also for the pods that left (their
// logs are followed while the case runs). Not part of CI; run it with the machine to itself:
//
//   E2E_VITEST_CONFIG=e2e/nodes/vitest.bench.config.mts bash e2e/nodes/run.sh e2e/bench/scale-down-timeline.e2e-bench.ts
//
// SCALEDOWN_REPS (default 5) and SCALEDOWN_DATA_MB choose the runs; member sizes as e2e/bench/members.ts says.
// SCALEDOWN_VARIANTS (default stack; comma list of stack, defaults, tuned, turns) compares candidates in the same run,
// interleaved per repetition: `tuned` are the stack plus each set of BENCH_TUNED_JVM_OPTIONS (members.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { it } from 'vitest';
import { kubectl } from '../harness/cluster';
import {
  LogFollower, createNamespace, entriesIn, lost, median, podsOf, scale, sec, settled, teardown, timed, variantsNamed, writeData,
} from './members';

const reps = Number(process.env.SCALEDOWN_REPS ?? 5);
const dataMb = Number(process.env.SCALEDOWN_DATA_MB ?? 1536);
const logDir = process.env.SCALEDOWN_LOG_DIR ?? '/tmp/scale-down-logs';
const candidates = variantsNamed(process.env.SCALEDOWN_VARIANTS ?? 'stack').filter((v) => v.kind === 'deployment');

/** The log lines that mark a step of a scale-down, as Hazelcast 5.7 prints them at INFO. */
const MARKS = /leave-in-turn|Shutdown request|shutdown|Members \{size|All migration tasks|Remaining migration|master|Master|Fetching partition|SHUTTING_DOWN|SHUTDOWN/;

function logTime(line: string): number | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}),(\d{3})/.exec(line);
  return m ? Date.parse(`${m[1]}T${m[2]}.${m[3]}Z`) : undefined;
}

/** The master as a member sees it: the first address of the last member list in its log. */
function masterIn(log: string[]): string | undefined {
  let master: string | undefined;
  for (let i = 0; i < log.length; i++) {
    if (/Members \{size:\d+, ver:\d+\} \[/.test(log[i])) master = /Member \[([^\]]+)\]:\d+/.exec(log[i + 1] ?? '')?.[1];
  }
  return master;
}

it(`graceful scale 6 -> 3 with ${dataMb} MiB, ${reps} repetitions, step by step`, async () => {
  if (candidates.length === 0) throw new Error(`SCALEDOWN_VARIANTS=${process.env.SCALEDOWN_VARIANTS}: none of stack, defaults, tuned`);
  const totals = new Map<string, Array<{ ms: number; masterLeft: boolean }>>(candidates.map((v) => [v.key, []]));
  for (let rep = 1; rep <= reps; rep++) for (const variant of candidates) {
    const ns = `scale-down-${variant.key}-${rep}`;
    await createNamespace(ns, variant);
    let follower: LogFollower | undefined;
    try {
      await kubectl(['apply', '-f', '-'], variant.yaml(ns, 6));
      const pods = await settled(ns, variant, 6, false);
      const entries = entriesIn(dataMb);
      await writeData(variant, pods, entries);
      await settled(ns, variant, 6, true);
      follower = new LogFollower(ns, variant);
      await new Promise((r) => setTimeout(r, 3000)); // every follower attached
      const before = await podsOf(ns, variant);
      const masterIp = masterIn((await kubectl(['logs', before[0].name, '-n', ns])).split('\n'));
      const t0 = Date.now();
      const down = await timed(async () => { await scale(ns, variant, 3); return settled(ns, variant, 3, true); });
      await follower.stop();
      const left = before.filter((p) => !down.value.some((q) => q.name === p.name));
      const masterLeft = left.some((p) => p.ip === masterIp);
      const missing = await lost(variant, down.value, entries);
      totals.get(variant.key)!.push({ ms: down.ms, masterLeft });
      const out = [`[scale-down] ${variant.name}, rep ${rep}: 6 -> 3 with ${dataMb} MiB settled and safe after ${sec(down.ms)} s, ${missing} entries lost; `
        + `master ${masterIp} ${masterLeft ? 'LEFT' : 'stayed'}; left: ${left.map((p) => `${p.name} (${p.ip})`).join(', ')}`];
      fs.mkdirSync(path.join(logDir, ns), { recursive: true });
      for (const [pod, lines] of follower.lines) {
        fs.writeFileSync(path.join(logDir, ns, `${pod}.log`), lines.join('\n'));
        const ip = before.find((p) => p.name === pod)?.ip;
        out.push(`  ${pod} (${ip}${ip === masterIp ? ', master' : ''}${left.some((p) => p.name === pod) ? ', left' : ''})`);
        let t: number | undefined;
        for (const line of lines) {
          t = logTime(line) ?? t;
          if (t === undefined || t < t0 - 1000 || !MARKS.test(line)) continue;
          out.push(`    ${((t - t0) / 1000).toFixed(1).padStart(5)} s ${line.replace(/^\S+ \S+ /, '').replace(/\x1b\[[0-9;]*m/g, '').slice(0, 200)}`);
        }
      }
      console.log(out.join('\n'));
    } finally {
      await follower?.stop();
      await teardown(ns, variant);
    }
  }
  for (const v of candidates) {
    const xs = totals.get(v.key)!;
    if (xs.length === 0) { console.log(`[scale-down] ${v.name}: no repetition finished`); continue; }
    const ms = xs.map((x) => x.ms);
    console.log(`[scale-down] ${v.name}: ${xs.map((x) => `${sec(x.ms)} s${x.masterLeft ? ' (master left)' : ''}`).join(', ')}; `
      + `median ${sec(median(ms))} s, max ${sec(Math.max(...ms))} s`);
  }
});
