// (b) Replicas changed in code: a user edits the replica prop, synthesizes again and runs `kubectl apply -f`.
import { afterAll, describe, expect, it } from 'vitest';
import { createRestrictedNamespace, deleteNamespace, figure, kubectl, synthYaml, waitForCluster } from '../harness/cluster';

const ns = 'code';

async function versions(): Promise<Record<string, { generation: number; resourceVersion: string }>> {
  const list = JSON.parse(await kubectl(['get', 'serviceaccount,role,rolebinding,service,deployment,poddisruptionbudget',
    '-n', ns, '-l', 'name=hazelcast', '-o', 'json']));
  return Object.fromEntries(list.items.map((o: any) => [o.kind, { generation: o.metadata.generation, resourceVersion: o.metadata.resourceVersion }]));
}

describe('replicas changed in code and applied', () => {
  afterAll(() => deleteNamespace(ns));

  it('2 -> 3 -> 2 members, each time one cluster of exactly that size', async () => {
    await createRestrictedNamespace(ns);
    await kubectl(['apply', '-f', '-'], synthYaml({ namespace: ns, replicas: 2 }));
    await waitForCluster(ns, 'hazelcast', 2);

    for (const replicas of [3, 2]) {
      const before = await versions();
      const t = Date.now();
      await kubectl(['apply', '-f', '-'], synthYaml({ namespace: ns, replicas }));
      // Only the Deployment's spec changes; every other object keeps its version (the PDB its generation, as the
      // disruption controller updates its status as members come and go).
      const after = await versions();
      expect(after['Deployment'].generation).toBe(before['Deployment'].generation + 1);
      expect(after['PodDisruptionBudget'].generation).toBe(before['PodDisruptionBudget'].generation);
      for (const kind of ['ServiceAccount', 'Role', 'RoleBinding', 'Service']) {
        expect(after[kind].resourceVersion, kind).toBe(before[kind].resourceVersion);
      }
      await waitForCluster(ns, 'hazelcast', replicas);
      figure(`kubectl apply (replicas ${replicas === 3 ? '2 -> 3' : '3 -> 2'}) -> one cluster`, Date.now() - t);
    }
  });
});
