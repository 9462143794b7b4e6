#!/usr/bin/env node
// The app command that cdk8s.yaml runs: synthesizes main.ts into $CDK8S_OUTDIR (default dist/).
//
// It runs build/app.js, one bundle of main.ts, lib/ and the parts of imports/ they use (npm packages stay
// outside), which starts in a fraction of the time ts-node or tsx need. The bundle can never be stale:
// build/app.hash records a hash of every input (main.ts, lib/, imports/, tsconfig.json, scripts/bundle.cjs and the
// esbuild version);
// when the sources on disk hash differently, this script rebuilds the bundle (about 0.1 s) before running it.
// Types are checked by `npm test` (tsc), not here, as with tsx.
'use strict';
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const bundleFile = path.join(root, 'build', 'app.js');
const hashFile = path.join(root, 'build', 'app.hash');

function tsFilesUnder(dir) {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return tsFilesUnder(rel);
    return entry.name.endsWith('.ts') ? [rel] : [];
  });
}

function sourceHash() {
  const inputs = ['main.ts', 'tsconfig.json', 'scripts/bundle.cjs', ...tsFilesUnder('lib'), ...tsFilesUnder('imports')].sort();
  const hash = createHash('sha256');
  hash.update(require('esbuild/package.json').version);
  for (const rel of inputs) {
    hash.update(`\0${rel}\0`);
    hash.update(fs.readFileSync(path.join(root, rel)));
  }
  return hash.digest('hex');
}

const wanted = sourceHash();
let built;
try {
  built = fs.readFileSync(hashFile, 'utf-8');
} catch {
  built = undefined;
}
if (built !== wanted || !fs.existsSync(bundleFile)) {
  process.stderr.write(built === undefined ? 'bundling main.ts (no build yet)\n' : 'bundling main.ts (sources changed)\n');
  fs.rmSync(hashFile, { force: true });
  require('./bundle.cjs').bundle('main.ts', bundleFile);
  fs.writeFileSync(hashFile, wanted);
}

require(bundleFile);
