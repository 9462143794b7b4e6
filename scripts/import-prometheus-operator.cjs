#!/usr/bin/env node
// Regenerates imports/monitoring.coreos.com.ts offline: `cdk8s import` of the Prometheus Operator's ServiceMonitor
// and PrometheusRule CRDs from a local copy (the CLI takes a file as well as a URL).
//
//   node scripts/import-prometheus-operator.cjs [path/to/crd-folder]
//
// Default folder: ../shared/kubernetes-schemas/prometheus-operator-v0.93.0 (kept outside this project).
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const OPERATOR_VERSION = 'v0.93.0';
const projectRoot = path.resolve(__dirname, '..');
const crdDir = path.resolve(process.argv[2]
  ?? path.join(projectRoot, '..', 'shared', 'kubernetes-schemas', `prometheus-operator-${OPERATOR_VERSION}`));
const crds = ['monitoring.coreos.com_servicemonitors.yaml', 'monitoring.coreos.com_prometheusrules.yaml'].map((f) => path.join(crdDir, f));
for (const f of crds) {
  if (!fs.existsSync(f)) {
    console.error(`CRD not found: ${f} (pass the folder with the Prometheus Operator ${OPERATOR_VERSION} CRDs)`);
    process.exit(1);
  }
}
// One file with both CRDs: the CLI writes one module per API group, so two imports would overwrite each other.
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'import-prometheus-operator-'));
try {
  const both = path.join(work, 'crds.yaml');
  fs.writeFileSync(both, crds.map((f) => fs.readFileSync(f, 'utf-8')).join('\n---\n'));
  execFileSync(path.join(projectRoot, 'node_modules', '.bin', 'cdk8s'),
    ['import', both, '--output', path.join(projectRoot, 'imports'), '--language', 'typescript', '--no-check-upgrade'],
    // from the scratch folder: the CLI would add the temporary file to the project's cdk8s.yaml `imports`
    { cwd: work, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' } });
  console.error(`wrote imports/monitoring.coreos.com.ts from ${crdDir}`);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
