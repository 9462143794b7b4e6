#!/usr/bin/env node
// Regenerates imports/k8s.ts offline: the same code `cdk8s import k8s@1.27.0` writes, from a local copy of
// the Kubernetes 1.27.0 schema instead of the URL the CLI has built in (it fails without internet).
//
//   node scripts/import-k8s.cjs [path/to/_definitions.json]
//
// Default schema path: ../shared/kubernetes-schemas/v1.27.0/_definitions.json (kept outside this project).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const K8S_VERSION = '1.27.0';
const projectRoot = path.resolve(__dirname, '..');
const schemaPath = path.resolve(process.argv[2]
  ?? path.join(projectRoot, '..', 'shared', 'kubernetes-schemas', `v${K8S_VERSION}`, '_definitions.json'));
if (!fs.existsSync(schemaPath)) {
  console.error(`schema not found: ${schemaPath} (pass the path to the v${K8S_VERSION} _definitions.json)`);
  process.exit(1);
}

// The CLI fetches the schema through util.download(url); answer that one URL from the local file.
// The package has an "exports" map, so its internals are required by file path.
const cliLib = path.join(path.dirname(require.resolve('cdk8s-cli/package.json')), 'lib');
const util = require(path.join(cliLib, 'util'));
const realDownload = util.download;
util.download = async (url) => {
  if (url.endsWith(`/kubernetes-schemas/v${K8S_VERSION}/_definitions.json`)) {
    return fs.readFileSync(schemaPath, 'utf-8');
  }
  return realDownload(url);
};

const { ImportKubernetesApi } = require(path.join(cliLib, 'import', 'k8s'));
const { Language } = require(path.join(cliLib, 'import', 'base'));

(async () => {
  const importer = new ImportKubernetesApi(await ImportKubernetesApi.match({ source: `k8s@${K8S_VERSION}` }, {}));
  await importer.import({ outdir: path.join(projectRoot, 'imports'), targetLanguage: Language.TYPESCRIPT });
  console.error(`wrote imports/k8s.ts from ${schemaPath}`);
})().catch((err) => { console.error(err); process.exit(1); });
