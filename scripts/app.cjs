#!/usr/bin/env node
// The app command that cdk8s.yaml runs: synthesizes main.ts into $CDK8S_OUTDIR (default dist/).
//
// It runs the JavaScript that `tsc` compiled into build/, which starts in a fraction of the time ts-node or tsx
// need. The compiled code can never be stale: build/.source-hash records a hash of every input tsc read
// (main.ts, lib/, imports/, tsconfig.json, the TypeScript version); when it differs from the sources on disk,
// this script recompiles before it runs anything.
'use strict';
const { createHash } = require('node:crypto');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const buildDir = path.join(root, 'build');
const hashFile = path.join(buildDir, '.source-hash');

function tsFilesUnder(dir) {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return tsFilesUnder(rel);
    return entry.name.endsWith('.ts') ? [rel] : [];
  });
}

function sourceHash() {
  const inputs = ['main.ts', 'tsconfig.json', ...tsFilesUnder('lib'), ...tsFilesUnder('imports')].sort();
  const hash = createHash('sha256');
  hash.update(require('typescript/package.json').version);
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
if (built !== wanted) {
  process.stderr.write(built === undefined ? 'compiling (no build yet)...\n' : 'compiling (sources changed)...\n');
  fs.rmSync(hashFile, { force: true });
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.json')], {
    cwd: root,
    stdio: 'inherit',
  });
  fs.writeFileSync(hashFile, wanted);
}

require(path.join(buildDir, 'main.js'));
