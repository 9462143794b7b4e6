#!/usr/bin/env node
// Regenerates imports/k8s-validator.ts offline: the Kubernetes 1.27.0 API schema of every kind the library writes,
// compiled to standalone validation code (ajv), which lib/api-schema.ts runs on every object at synth.
//
//   node scripts/import-k8s-validator.cjs [path/to/_definitions.json [output folder, default imports/]]
//
// Default schema path: ../shared/kubernetes-schemas/v1.27.0/_definitions.json (kept outside this project).
// The OpenAPI definitions are looser than the API server in ways this script tightens, the same way for every
// definition: an object with `properties` and no `additionalProperties` takes no other field (the server's strict
// field validation, `kubectl apply --validate=strict`); IntOrString takes a string or an integer and Quantity a
// string or a number (as the server decodes them). Formats (int32, date-time...) are not checked.
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

/** apiVersion/kind -> definition, for every kind lib/ writes; type name -> definition for the pass-through types. */
const KINDS = {
  'apps/v1/Deployment': 'io.k8s.api.apps.v1.Deployment',
  'apps/v1/StatefulSet': 'io.k8s.api.apps.v1.StatefulSet',
  'batch/v1/Job': 'io.k8s.api.batch.v1.Job',
  'v1/Service': 'io.k8s.api.core.v1.Service',
  'v1/ConfigMap': 'io.k8s.api.core.v1.ConfigMap',
  'v1/ServiceAccount': 'io.k8s.api.core.v1.ServiceAccount',
  'rbac.authorization.k8s.io/v1/Role': 'io.k8s.api.rbac.v1.Role',
  'rbac.authorization.k8s.io/v1/RoleBinding': 'io.k8s.api.rbac.v1.RoleBinding',
  'rbac.authorization.k8s.io/v1/ClusterRole': 'io.k8s.api.rbac.v1.ClusterRole',
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': 'io.k8s.api.rbac.v1.ClusterRoleBinding',
  'policy/v1/PodDisruptionBudget': 'io.k8s.api.policy.v1.PodDisruptionBudget',
  'networking.k8s.io/v1/NetworkPolicy': 'io.k8s.api.networking.v1.NetworkPolicy',
  // the Kubernetes types props pass through into the pod, checked as given
  Container: 'io.k8s.api.core.v1.Container',
  Volume: 'io.k8s.api.core.v1.Volume',
  VolumeMount: 'io.k8s.api.core.v1.VolumeMount',
  Toleration: 'io.k8s.api.core.v1.Toleration',
  TopologySpreadConstraint: 'io.k8s.api.core.v1.TopologySpreadConstraint',
  EnvVarSource: 'io.k8s.api.core.v1.EnvVarSource',
  EnvFromSource: 'io.k8s.api.core.v1.EnvFromSource',
};

const definitions = JSON.parse(fs.readFileSync(schemaPath, 'utf-8')).definitions;
const DROP = new Set(['description', 'x-kubernetes-group-version-kind', 'x-kubernetes-list-map-keys', 'x-kubernetes-list-type',
  'x-kubernetes-patch-merge-key', 'x-kubernetes-patch-strategy', 'x-kubernetes-map-type', 'x-kubernetes-unions', 'format']);

/** A definition without its docs, with the tightening above. */
function tighten(node, isPropertyMap = false) {
  if (Array.isArray(node)) return node.map((n) => tighten(n));
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (!isPropertyMap && DROP.has(key)) continue;
    out[key] = tighten(value, !isPropertyMap && key === 'properties');
  }
  if (!isPropertyMap && out.properties && out.additionalProperties === undefined && !node['x-kubernetes-preserve-unknown-fields']) {
    out.additionalProperties = false;
  }
  if (typeof out.$ref === 'string') out.$ref = out.$ref.replace('#/definitions/', 'k8s#/definitions/');
  return out;
}

/** Every definition reachable from the kinds. */
function reachable() {
  const seen = new Set();
  const walk = (name) => {
    if (seen.has(name)) return;
    seen.add(name);
    JSON.stringify(definitions[name], (k, v) => {
      if (k === '$ref' && typeof v === 'string') walk(v.replace('#/definitions/', ''));
      return v;
    });
  };
  Object.values(KINDS).forEach(walk);
  return [...seen].sort();
}

const used = {};
for (const name of reachable()) used[name] = tighten(definitions[name]);
used['io.k8s.apimachinery.pkg.util.intstr.IntOrString'] = { anyOf: [{ type: 'string' }, { type: 'integer' }] };
used['io.k8s.apimachinery.pkg.api.resource.Quantity'] = { anyOf: [{ type: 'string' }, { type: 'number' }] };

const Ajv = require('ajv').default;
const standalone = require('ajv/dist/standalone').default;
const ajv = new Ajv({ strict: false, allErrors: false, validateFormats: false, code: { source: true, esm: true } });
ajv.addSchema({ $id: 'k8s', definitions: used });
const exportsMap = Object.fromEntries(Object.entries(KINDS).map(([gvk, def], i) => [`v${i}`, `k8s#/definitions/${def}`]));
const code = standalone(ajv, exportsMap);
const banner = `// @ts-nocheck\n// Generated by scripts/import-k8s-validator.cjs from the Kubernetes ${K8S_VERSION} schema (${Object.keys(used).length} definitions): `
  + 'each kind the library writes, compiled to a validator (ajv standalone code).\n// Do not edit; run `npm run import-k8s-validator` instead.\n';
// The exports become the values of one function's result, so loading the module costs only parsing it.
const body = code.replace(/^"use strict";/, '').replace(/export const (v\d+) = (\w+);/g, '').replace(/export default \w+;?/g, '');
const names = [...code.matchAll(/export const (v\d+) = (\w+);/g)].map((m) => [m[1], m[2]]);
if (names.length !== Object.keys(KINDS).length) throw new Error(`unexpected ajv standalone output: ${names.length} exports`);
const table = Object.keys(KINDS).map((gvk, i) => `  ${JSON.stringify(gvk)}: ${names.find(([v]) => v === `v${i}`)[1]},`).join('\n');
const out = `${banner}/** The validators by apiVersion/kind (and by type name for pass-through types); ajv's error list lands on each one's \`errors\`. */\nexport function createValidators() {\n"use strict";${body}\nreturn {\n${table}\n};\n}\n`;
fs.writeFileSync(path.join(path.resolve(process.argv[3] ?? path.join(projectRoot, 'imports')), 'k8s-validator.ts'), out);
console.error(`wrote k8s-validator.ts (${Math.round(out.length / 1024)} KB, ${Object.keys(used).length} definitions) from ${schemaPath}`);
