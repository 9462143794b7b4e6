#!/usr/bin/env node
// `npm run synth`: synthesizes into a fresh folder and replaces dist/ only when synthesis succeeded, so a bad
// prop leaves the last good dist/ in place. (`npx cdk8s synth` runs the same app, but the cdk8s CLI deletes its
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

// Swap the new output in with renames in the same folder, then drop the old copy.
const previous = path.join(staging, 'previous');
if (fs.existsSync(dist)) fs.renameSync(dist, previous);
fs.renameSync(outdir, dist);
fs.rmSync(staging, { recursive: true, force: true });
for (const file of fs.readdirSync(dist).sort()) console.log(`  - dist/${file}`);
