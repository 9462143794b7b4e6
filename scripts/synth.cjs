#!/usr/bin/env node
// `npm run synth` here, and `hazelcast-cdk8s-synth` (the package's bin) in any cdk8s app: runs the app command of
// ./cdk8s.yaml into a fresh folder and replaces its output folder (dist/) only when synthesis succeeded, so a bad
// prop leaves the last good dist/ in place. It also refuses a dist/ whose apply would lose a cluster's in-memory
// data (restart-check.cjs) unless `--allow-full-restart=<namespace>/<name>` allows it. (`cdk8s synth` runs the same
// app, but the cdk8s CLI deletes its output folder before it starts the app, so a failing synth leaves dist/ empty.)
//
//   hazelcast-cdk8s-synth [--app=<command>] [--output=<dir>] [--allow-full-restart=<namespace>/<name>[,...]|all]
//
// --app and --output default to `app` and `output` in ./cdk8s.yaml (output: dist).
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const check = require('./restart-check.cjs');

const root = process.cwd();
const options = {};
const rest = [];
for (const a of process.argv.slice(2)) {
  const m = /^--(app|output)=(.+)$/.exec(a);
  if (m) options[m[1]] = m[2];
  else rest.push(a);
}
const cdk8sYaml = path.join(root, 'cdk8s.yaml');
const project = fs.existsSync(cdk8sYaml) ? require('cdk8s').Yaml.load(cdk8sYaml)[0] ?? {} : {};
const app = options.app ?? project.app;
if (typeof app !== 'string' || app.length === 0) {
  process.stderr.write(`synth: no app command: give --app=<command> or an 'app' in ${cdk8sYaml}\n`);
  process.exit(2);
}
const dist = path.resolve(root, options.output ?? project.output ?? 'dist');
// How to run it again: apps put the bin in their package scripts as `synth` (docs/how-to/library.md).
const rerun = 'npm run synth --';

let allowed;
try {
  allowed = check.allowedFromArgv(rest);
} catch (e) {
  process.stderr.write(`${e.message}\n`);
  process.exit(2);
}

const staging = fs.mkdtempSync(path.join(path.dirname(dist), '.synth-'));
const outdir = path.join(staging, 'dist');
const result = spawnSync(app, { cwd: root, stdio: 'inherit', shell: true, env: { ...process.env, CDK8S_OUTDIR: outdir } });
if (result.status !== 0 || !fs.existsSync(outdir)) {
  fs.rmSync(staging, { recursive: true, force: true });
  process.stderr.write(`synthesis failed: ${path.relative(root, dist)}/ was left as it was\n`);
  process.exit(result.status || 1);
}

// Changes that would stop every member at once, or that the rolling update cannot carry out, against the previous
// dist/ (restart-check.cjs): refused, dist/ kept, unless --allow-full-restart names the cluster.
let verdict;
try {
  verdict = check.judge(check.fullRestarts(check.loadDist(dist), check.loadDist(outdir)), allowed);
} catch (e) {
  fs.rmSync(staging, { recursive: true, force: true });
  process.stderr.write(`${e.message}\nsynthesis refused: ${path.relative(root, dist)}/ was left as it was\n`);
  process.exit(2);
}
for (const f of verdict.allowed) process.stderr.write(`warning: ${f.cluster}: ${f.reason} (allowed by --allow-full-restart)\n`);
if (verdict.refused.length > 0) {
  fs.rmSync(staging, { recursive: true, force: true });
  for (const f of verdict.refused) process.stderr.write(`${f.cluster}: ${f.reason}\n`);
  const names = [...new Set(verdict.refused.map((f) => f.cluster))].join(',');
  process.stderr.write(`synthesis refused: applying it would lose the in-memory data of ${names} or leave its rollout stuck; ${path.relative(root, dist)}/ was left as it was. `
    + `If that is what you want, run: ${rerun} --allow-full-restart=${names}\n`);
  process.exit(3);
}

// Swap the new output in with renames in the same folder, then drop the old copy.
const previous = path.join(staging, 'previous');
if (fs.existsSync(dist)) fs.renameSync(dist, previous);
fs.renameSync(outdir, dist);
fs.rmSync(staging, { recursive: true, force: true });
for (const file of fs.readdirSync(dist).sort()) console.log(`  - ${path.relative(root, path.join(dist, file))}`);
