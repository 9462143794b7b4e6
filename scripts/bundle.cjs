// How TypeScript apps of this project are bundled to start fast: one CommonJS file for Node 20 holding the app,
// lib/ and the parts of imports/ it uses; npm packages (cdk8s, constructs) stay outside and load from node_modules.
'use strict';
const path = require('node:path');

const root = path.resolve(__dirname, '..');

/** Bundles `entry` (relative to the project root) into `outfile`. */
function bundle(entry, outfile) {
  require('esbuild').buildSync({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile,
    bundle: true,
    packages: 'external',
    nodePaths: [path.join(root, 'node_modules')],
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    tsconfig: 'tsconfig.json',
    logLevel: 'warning',
  });
}

module.exports = { bundle };
