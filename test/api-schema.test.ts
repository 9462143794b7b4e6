// The Kubernetes API schema check at synth (lib/api-schema.ts, imports/k8s-validator.ts): every object the library
// writes is checked against the 1.27 schema, tightened as the API server's strict field validation is.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Chart, JsonPatch, Testing } from 'cdk8s';
import * as k8s from '../imports/k8s';
import { describe, expect, it } from 'vitest';
import { HazelcastCluster, HazelcastClusterProps } from '../lib';
import { apiSchemaErrors } from '../lib/api-schema';

const synth = (props: HazelcastClusterProps) => {
  const chart = Testing.chart();
  new HazelcastCluster(chart, 'Hazelcast', props);
  return Testing.synth(chart);
};

describe('the Kubernetes API schema at synth', () => {
  it('refuses an unknown field in a pass-through container as given, naming the prop and the field', () => {
    // the generated classes would drop it silently
    expect(() => synth({ sidecars: [{ name: 'log', image: 'busybox:1.37', bogus: true } as any] })).toThrow(
      /'sidecars\[0\]' is not a valid Kubernetes Container: unknown field "bogus" \(the API server refuses unknown fields\)/);
    // control: the same sidecar without it
    expect(() => synth({ sidecars: [{ name: 'log', image: 'busybox:1.37' }] })).not.toThrow();
  });

  it('refuses a value of the wrong type (not a TypeError from the generated classes) and a missing required field', () => {
    expect(() => synth({ sidecars: [{ name: 'log', image: 'busybox:1.37', args: 'run' } as any] })).toThrow(
      /'sidecars\[0\]' is not a valid Kubernetes Container: args \("run"\) must be array/);
    expect(() => synth({ extraVolumes: [{ name: 'data', configMap: { items: [{ path: 'a' }] } } as any], extraVolumeMounts: [{ name: 'data', mountPath: '/data' }] })).toThrow(
      /'extraVolumes\[0\]' is not a valid Kubernetes Volume: configMap\.items\[0\]: the required field "key" is missing/);
    expect(() => synth({ tolerations: [{ key: 'a', operator: 'Exists', effect: 'NoSchedule', seconds: 1 } as any] })).toThrow(
      /'tolerations\[0\]' is not a valid Kubernetes Toleration: unknown field "seconds"/);
    expect(() => synth({ extraVolumes: [{ name: 'data', emptyDir: {} }], extraVolumeMounts: [{ name: 'data', mountPath: '/data', readonly: true } as any] })).toThrow(
      /'extraVolumeMounts\[0\]' is not a valid Kubernetes VolumeMount: unknown field "readonly"/);
    // the generated classes' IntOrString and Quantity are taken for what they hold
    expect(() => synth({ sidecars: [{ name: 'log', image: 'busybox:1.37', resources: { limits: { memory: k8s.Quantity.fromString('64Mi') } },
      readinessProbe: { tcpSocket: { port: k8s.IntOrString.fromNumber(9000) } } }] })).not.toThrow();
  });

  it('checks the whole object when the app synthesizes, in any app: an escape-hatch patch fails App.synth, which writes nothing', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'hz-api-schema-'));
    try {
      const app = new App({ outdir: out });
      const cluster = new HazelcastCluster(new Chart(app, 'stack'), 'Hazelcast', {});
      // (the generated classes drop a patched unknown field; a wrong type passes through them)
      cluster.deployment!.addJsonPatch(JsonPatch.replace('/spec/replicas', 'three'));
      expect(() => app.synth()).toThrow(/Validation failed with the following errors:\n {2}\[stack\/Hazelcast\] Deployment default\/hazelcast \(stack\/Hazelcast\/Deployment\) is not valid for the Kubernetes 1\.27 API: spec\.replicas \("three"\) must be integer/);
      expect(fs.readdirSync(out)).toEqual([]);
      // control: the same app without the patch writes its manifest
      const ok = new App({ outdir: out });
      new HazelcastCluster(new Chart(ok, 'stack'), 'Hazelcast', {});
      ok.synth();
      expect(fs.readdirSync(out)).toEqual(['stack.k8s.yaml']);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  it('names a missing required field of an object, and a TypeError of the generated classes as a rendering failure', () => {
    const chart = Testing.chart();
    new k8s.KubeDeployment(chart, 'Plain', { metadata: { name: 'plain' }, spec: { selector: {}, template: { spec: { containers: [{ image: 'x' } as any] } } } });
    expect(apiSchemaErrors(chart)).toEqual(['Deployment plain (test/Plain) is not valid for the Kubernetes 1.27 API: spec.template.spec.containers[0]: the required field "name" is missing']);
    const broken = Testing.chart();
    new k8s.KubeDeployment(broken, 'Broken', { spec: { selector: {}, template: { spec: { containers: [{ name: 'a', args: 'x' } as any] } } } });
    expect(apiSchemaErrors(broken)[0]).toMatch(/^Deployment .* \(test\/Broken\) cannot be rendered: .*is not a function/);
  });

  it('every object of every kind the library writes passes', () => {
    const chart = Testing.chart();
    const c = new HazelcastCluster(chart, 'Everything', {
      replicas: 3, zoneAware: true, metrics: {}, networkPolicy: true, config: { map: { m: { backupCount: 1 } } },
      externalAccess: { type: 'NodePort' }, externalClientCidrs: ['10.0.0.0/8'], podDisruptionBudget: { maxUnavailable: 1 },
    });
    const kinds = new Set(Testing.synth(chart).map((o: any) => o.kind));
    for (const k of ['StatefulSet', 'Service', 'ConfigMap', 'ServiceAccount', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding', 'PodDisruptionBudget', 'NetworkPolicy']) {
      expect(kinds, k).toContain(k);
    }
    expect(apiSchemaErrors(c)).toEqual([]);
  });
});

describe('imports/k8s-validator.ts', () => {
  const root = path.resolve(__dirname, '..');
  const schema = path.resolve(root, '..', 'shared', 'kubernetes-schemas', 'v1.27.0', '_definitions.json');
  it.skipIf(!fs.existsSync(schema))('is exactly what npm run import-k8s-validator writes from the 1.27.0 schema', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'hz-k8s-validator-'));
    try {
      const result = spawnSync(process.execPath, [path.join(root, 'scripts', 'import-k8s-validator.cjs'), schema, out], { encoding: 'utf-8' });
      expect(result.status, result.stderr).toBe(0);
      expect(fs.readFileSync(path.join(out, 'k8s-validator.ts'), 'utf-8') === fs.readFileSync(path.join(root, 'imports', 'k8s-validator.ts'), 'utf-8')).toBe(true);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
