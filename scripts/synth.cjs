#!/usr/bin/env node
// `npm run synth`: synthesizes into a fresh folder and replaces dist/ only when synthesis succeeded, so a bad
// prop leaves the last good dist/ in place. It also refuses a dist/ whose apply would lose a cluster's in-memory
// data (restart-check.cjs) unless `npm run synth -- --allow-full-restart=<namespace>/<name>` allows it. (`npx cdk8s synth` runs the same app, but the cdk8s CLI deletes its
// output folder before it starts the app, so a failing synth there leaves dist/ empty.)
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');
const staging = fs.mkdtempSync(path.join(root, '.synth-'));
const outdir = path.join(staging, 'dist');

const result = spawnSync(process.execPath, [path.join(__dirname, 'app.cjs')], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, CDK8S_OUTDIR: outdir },
});
if (result.status !== 0 || !fs.existsSync(outdir)) {
  fs.rmSync(staging, { recursive: true, force: true });
  process.stderr.write('synthesis failed: dist/ was left as it was\n');
  process.exit(result.status || 1);
}

// Changes that would stop every member at once, or that the rolling update cannot carry out, against the previous
// dist/ (scripts/restart-check.cjs): refused, dist/ kept, unless --allow-full-restart names the cluster.
const check = require('./restart-check.cjs');
let verdict;
try {
  verdict = check.judge(check.fullRestarts(check.loadDist(dist), check.loadDist(outdir)), check.allowedFromArgv(process.argv.slice(2)));
} catch (e) {
  fs.rmSync(staging, { recursive: true, force: true });
  process.stderr.write(`${e.message}\nsynthesis refused: dist/ was left as it was\n`);
  process.exit(2);
}
for (const f of verdict.allowed) process.stderr.write(`warning: ${f.cluster}: ${f.reason} (allowed by --allow-full-restart)\n`);
if (verdict.refused.length > 0) {
  fs.rmSync(staging, { recursive: true, force: true });
  for (const f of verdict.refused) process.stderr.write(`${f.cluster}: ${f.reason}\n`);
  const names = [...new Set(verdict.refused.map((f) => f.cluster))].join(',');
  process.stderr.write(`synthesis refused: applying it would lose the in-memory data of ${names} or leave its rollout stuck; dist/ was left as it was. `
    + `If that is what you want, run: npm run synth -- --allow-full-restart=${names}\n`);
  process.exit(3);
}

// Swap the new output in with renames in the same folder, then drop the old copy.
const previous = path.join(staging, 'previous');
if (fs.existsSync(dist)) fs.renameSync(dist, previous);
fs.renameSync(outdir, dist);
fs.rmSync(staging, { recursive: true, force: true });
for (const file of fs.readdirSync(dist).sort()) console.log(`  - dist/${file}`);
