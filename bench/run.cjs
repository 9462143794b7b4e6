#!/usr/bin/env node
// `npm run bench`: whole-process timings of synthesis, side by side with the floor reference, in one run.
// Each command runs BENCH_RUNS times (default 15) after one warm-up; the table shows the median, the fastest
// run and the median's ratio to the floor's median. A benchmark, not a test: nothing here passes or fails.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const runs = Number(process.env.BENCH_RUNS ?? 15);
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'hz-bench-'));
const node = process.execPath;
const appCommand = /^app: (.*)$/m.exec(fs.readFileSync(path.join(root, 'cdk8s.yaml'), 'utf-8'))[1];

// The N-cluster app is bundled like main.ts (outside the timed runs), so it starts the way the app command does.
const clustersBundle = path.join(scratch, 'clusters-app.js');
require('../scripts/bundle.cjs').bundle('bench/clusters-app.ts', clustersBundle);
// Resolve cdk8s from the project, wherever the bundle sits.
const nodePath = path.join(root, 'node_modules');
spawnSync(node, [path.join(root, 'scripts', 'app.cjs')], { cwd: root, env: { ...process.env, CDK8S_OUTDIR: path.join(scratch, 'warm') } });

const cases = [
  { name: 'floor: node + cdk8s + 2 objects', command: node, args: [path.join(root, 'bench', 'floor.cjs')] },
  { name: `app command (${appCommand})`, command: 'sh', args: ['-c', appCommand] },
  { name: 'app with 1 cluster', command: node, args: [clustersBundle, '1'] },
  { name: 'app with 10 clusters', command: node, args: [clustersBundle, '10'] },
  { name: 'app with 100 clusters', command: node, args: [clustersBundle, '100'] },
  { name: 'cdk8s synth (CLI bin)', command: node, args: [path.join(root, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s'), 'synth', '--no-check-upgrade', '--output', '@OUT'] },
  { name: 'npx cdk8s synth', command: 'npx', args: ['--no-install', 'cdk8s', 'synth', '--no-check-upgrade', '--output', '@OUT'] },
];

function timeOnce(c, i) {
  const out = path.join(scratch, `out-${i}`);
  const args = c.args.map((a) => (a === '@OUT' ? out : a));
  const start = process.hrtime.bigint();
  const result = spawnSync(c.command, args, {
    cwd: root, encoding: 'utf-8', env: { ...process.env, CDK8S_OUTDIR: out, NODE_PATH: nodePath, CDK8S_CHECK_UPGRADE: 'false' },
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${c.name} failed: ${result.stderr}`);
  fs.rmSync(out, { recursive: true, force: true });
  return ms;
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

const results = [];
for (const c of cases) timeOnce(c, 'warmup');
// Interleave the cases run by run, so that a busy moment on the machine hits all of them alike.
const samples = cases.map(() => []);
for (let r = 0; r < runs; r++) cases.forEach((c, i) => samples[i].push(timeOnce(c, `${i}-${r}`)));
cases.forEach((c, i) => results.push({ name: c.name, median: median(samples[i]), min: Math.min(...samples[i]) }));

const floor = results[0].median;
console.log(`synthesis, whole processes, ${runs} runs each (node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(2)})`);
console.log(`${'case'.padEnd(44)} ${'median ms'.padStart(10)} ${'min ms'.padStart(8)} ${'x floor'.padStart(8)}`);
for (const r of results) {
  console.log(`${r.name.padEnd(44)} ${r.median.toFixed(0).padStart(10)} ${r.min.toFixed(0).padStart(8)} ${(r.median / floor).toFixed(2).padStart(8)}`);
}
fs.rmSync(scratch, { recursive: true, force: true });
