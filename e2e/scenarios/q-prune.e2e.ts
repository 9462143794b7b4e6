// (q) Changing props leaves nothing stale: the README's apply command prunes with a kubectl ApplySet, so an object
// that the new dist/ no longer contains is deleted, and nothing else is. For each knob that adds an object: on,
// apply, off, apply without pruning (the negative control: the object stays), apply with pruning (it is gone); a
// ConfigMap made by hand in the same namespace, with the stack's own labels, is never touched.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Size } from 'cdk8s';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { HazelcastCluster, HazelcastClusterProps } from '../../lib';
import { createRestrictedNamespace, deleteNamespace, kubectl, synthApp, tryKubectl, waitForCluster } from '../harness/cluster';

const ns = 'prune';
const parent = 'hazelcast-applyset';
const small: HazelcastClusterProps = { namespace: ns, replicas: 1, memoryLimit: Size.mebibytes(640), heapSize: Size.mebibytes(384), cpuRequestMillis: 100 };

/** The README's command: `KUBECTL_APPLYSET=true kubectl apply -f dist --prune --applyset=<parent> -n <namespace>`. */
function applyDist(dist: string, opts: { prune: boolean; namespace?: string; applyset?: string }): Promise<{ code: number; output: string }> {
  const args = ['apply', '-f', dist, ...(opts.prune ? ['--prune', `--applyset=${opts.applyset ?? parent}`, '-n', opts.namespace ?? ns] : [])];
  return new Promise((resolve) => {
    execFile('kubectl', ['--kubeconfig', inject('kubeconfig'), ...args], { env: { ...process.env, KUBECTL_APPLYSET: 'true' } },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, output: `${stdout}${stderr}` }));
  });
}

/** Writes what `npm run synth` would write into a dist folder of its own (one file per chart). */
function dist(build: Parameters<typeof synthApp>[0]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hz-e2e-dist-'));
  fs.writeFileSync(path.join(dir, 'stack.k8s.yaml'), synthApp(build));
  return dir;
}
const distOf = (props: HazelcastClusterProps) => dist((chart) => new HazelcastCluster(chart, 'Hazelcast', props));

async function exists(kind: string, name: string, namespace?: string): Promise<boolean> {
  const result = await tryKubectl(['get', kind, name, ...(namespace ? ['-n', namespace] : []), '-o', 'name']);
  if (!result.ok && !/NotFound|not found/.test(result.output)) throw new Error(result.output);
  return result.ok;
}

async function versionOf(kind: string, name: string, namespace: string): Promise<string> {
  const o = JSON.parse(await kubectl(['get', kind, name, '-n', namespace, '-o', 'json']));
  return `${o.metadata.uid}/${o.metadata.resourceVersion}`;
}

const knobs: Array<{ knob: string; on: HazelcastClusterProps; objects: Array<[kind: string, name: string, namespaced: boolean]> }> = [
  { knob: 'networkPolicy', on: { networkPolicy: true }, objects: [['networkpolicy', 'hazelcast', true]] },
  // zone awareness cannot be turned on under running members (Hazelcast refuses a joiner whose partition groups
  // differ: "Incompatible partition groups!", and the rollout's new pod crash-loops; npm run synth refuses it), so
  // the cluster is parked while it is on
  { knob: 'zoneAware', on: { zoneAware: true, replicas: 0 }, objects: [['clusterrole', `${ns}.hazelcast.node-reader`, false], ['clusterrolebinding', `${ns}.hazelcast.node-reader`, false]] },
  { knob: 'replicas 2 (then 1)', on: { replicas: 2 }, objects: [['poddisruptionbudget', 'hazelcast', true]] },
  { knob: 'config', on: { config: { map: { 'sessions-*': { backupCount: 1 } } } }, objects: [['configmap', 'hazelcast-config', true]] },
  { knob: 'metrics', on: { metrics: { port: 8080 } }, objects: [['service', 'hazelcast-metrics', true]] },
];

describe('the apply command prunes what a changed prop no longer synthesizes, and only that', () => {
  const dirs: string[] = [];
  const track = (dir: string) => (dirs.push(dir), dir);
  afterAll(async () => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
    await deleteNamespace(ns);
    for (const other of ['prune-a', 'prune-b']) await deleteNamespace(other);
  });

  let control: string;
  it('a ConfigMap made by hand, with the stack\'s labels, and the stack applied with pruning', async () => {
    await createRestrictedNamespace(ns);
    await kubectl(['apply', '-f', '-'], JSON.stringify({
      apiVersion: 'v1', kind: 'ConfigMap',
      metadata: { name: 'hand-made', namespace: ns, labels: { 'name': 'hazelcast', 'app.kubernetes.io/managed-by': 'cdk8s' } },
      data: { note: 'not part of the stack' },
    }));
    control = await versionOf('configmap', 'hand-made', ns);
    const result = await applyDist(track(distOf(small)), { prune: true });
    expect(result.code, result.output).toBe(0);
    // The parent kubectl made: a Secret in the namespace, which lists the kinds it prunes.
    const secret = JSON.parse(await kubectl(['get', 'secret', parent, '-n', ns, '-o', 'json']));
    expect(secret.metadata.labels['applyset.kubernetes.io/id']).toMatch(/^applyset-.+-v1$/);
    expect(secret.metadata.annotations['applyset.kubernetes.io/contains-group-kinds']).toContain('Deployment.apps');
  });

  for (const { knob, on, objects } of knobs) {
    it(`${knob}: on and applied, the object is there; off and applied without --prune, it stays; with --prune, it is gone`, async () => {
      const onResult = await applyDist(track(distOf({ ...small, ...on })), { prune: true });
      expect(onResult.code, onResult.output).toBe(0);
      for (const [kind, name, namespaced] of objects) {
        expect(await exists(kind, name, namespaced ? ns : undefined), `${kind}/${name} after turning ${knob} on`).toBe(true);
      }

      const off = track(distOf(small));
      const plain = await applyDist(off, { prune: false });
      expect(plain.code, plain.output).toBe(0);
      for (const [kind, name, namespaced] of objects) {
        expect(await exists(kind, name, namespaced ? ns : undefined), `${kind}/${name} after a plain kubectl apply`).toBe(true);
      }

      const pruned = await applyDist(off, { prune: true });
      expect(pruned.code, pruned.output).toBe(0);
      for (const [kind, name, namespaced] of objects) {
        expect(pruned.output).toMatch(new RegExp(`^${kind}[^/\\s]*/${name.replace(/\./g, '\\.')} pruned$`, 'm'));
        expect(await exists(kind, name, namespaced ? ns : undefined), `${kind}/${name} after the pruning apply`).toBe(false);
      }
      expect(await versionOf('configmap', 'hand-made', ns)).toBe(control);
    });
  }

  it('after every prune the stack itself is whole: the hand-made ConfigMap untouched, one member serving', async () => {
    for (const kind of ['serviceaccount', 'role', 'rolebinding', 'service', 'deployment']) {
      expect(await exists(kind, 'hazelcast', ns), kind).toBe(true);
    }
    expect(await versionOf('configmap', 'hand-made', ns)).toBe(control);
    await waitForCluster(ns, 'hazelcast', 1);
  });

  it('several namespaces: one ApplySet per namespace (one chart, so one file, each); one spanning two is refused', async () => {
    const twoCharts = (networkPolicyInA: boolean) => {
      const dir = track(fs.mkdtempSync(path.join(os.tmpdir(), 'hz-e2e-dist-')));
      for (const [namespace, networkPolicy] of [['prune-a', networkPolicyInA], ['prune-b', true]] as const) {
        fs.writeFileSync(path.join(dir, `${namespace}.k8s.yaml`), synthApp((chart) =>
          new HazelcastCluster(chart, 'Hazelcast', { namespace, replicas: 0, networkPolicy })));
      }
      return dir;
    };
    for (const namespace of ['prune-a', 'prune-b']) await createRestrictedNamespace(namespace);
    const both = twoCharts(true);

    // One namespaced ApplySet over both files: kubectl refuses the other namespace's objects (exit code 1).
    const refused = await applyDist(both, { prune: true, namespace: 'prune-a' });
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain('the namespace from the provided object "prune-b" does not match the namespace "prune-a"');

    for (const namespace of ['prune-a', 'prune-b']) {
      const result = await applyDist(path.join(both, `${namespace}.k8s.yaml`), { prune: true, namespace });
      expect(result.code, result.output).toBe(0);
    }
    const lessA = twoCharts(false);
    for (const namespace of ['prune-a', 'prune-b']) {
      const result = await applyDist(path.join(lessA, `${namespace}.k8s.yaml`), { prune: true, namespace });
      expect(result.code, result.output).toBe(0);
    }
    expect(await exists('networkpolicy', 'hazelcast', 'prune-a')).toBe(false);
    expect(await exists('networkpolicy', 'hazelcast', 'prune-b')).toBe(true);
  });
});
