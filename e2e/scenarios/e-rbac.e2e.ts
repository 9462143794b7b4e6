// (e) RBAC: discovery works with exactly the synthesized Role, and without the RoleBinding the members are refused
// by the API server and each starts alone (the negative control that makes this test able to fail).
import { afterAll, describe, expect, it } from 'vitest';
import {
  clusterSizeOf, createRestrictedNamespace, deleteNamespace, kubectl, memberLog, memberPods, runKubectl, synthYaml, waitFor,
  waitForCluster,
} from '../harness/cluster';
import { API_FORBIDDEN, MERGE_LINE } from '../harness/hazelcast-log';

const allowed = 'rbac';
const refused = 'rbac-missing';

/** Two members whose split-brain merge checks run 10 s after start and every 5 s after (Hazelcast: 300 s, 120 s). */
const MERGE_SOON = (namespace: string) => ({
  namespace,
  replicas: 2,
  jvmOptions: ['-Dhazelcast.merge.first.run.delay.seconds=10', '-Dhazelcast.merge.next.run.delay.seconds=5'],
});

/** `kubectl auth can-i` as the ServiceAccount: exit 0 and "yes", or exit 1 and "no"; anything else is an error. */
async function can(ns: string, verb: string, resource: string): Promise<'yes' | 'no'> {
  const result = await runKubectl(['auth', 'can-i', verb, resource, '-n', ns, `--as=system:serviceaccount:${ns}:hazelcast`]);
  if (result.code === 0 && result.stdout.trim() === 'yes') return 'yes';
  if (result.code === 1 && /^no\b/.test(result.stdout.trim())) return 'no';
  throw new Error(`kubectl auth can-i ${verb} ${resource}: exit ${result.code}: ${result.stdout}${result.stderr}`);
}

describe('RBAC', () => {
  afterAll(async () => {
    await deleteNamespace(allowed);
    await deleteNamespace(refused);
  });

  it('the ServiceAccount may read exactly what discovery needs, and the members form one cluster', async () => {
    await createRestrictedNamespace(allowed);
    await kubectl(['apply', '-f', '-'], synthYaml({ namespace: allowed, replicas: 2 }));
    const checks = [
      ['get', 'endpoints', 'yes'], ['list', 'endpoints', 'yes'], ['list', 'pods', 'yes'],
      ['list', 'endpointslices.discovery.k8s.io', 'yes'],
      ['watch', 'pods', 'no'], ['create', 'pods', 'no'], ['delete', 'pods', 'no'], ['get', 'secrets', 'no'],
      ['list', 'configmaps', 'no'], ['get', 'nodes', 'no'], ['list', 'services', 'no'],
    ];
    for (const [verb, resource, expected] of checks) {
      expect(`${verb} ${resource}: ${await can(allowed, verb, resource)}`).toBe(`${verb} ${resource}: ${expected}`);
    }
    await waitForCluster(allowed, 'hazelcast', 2);
  });

  it('negative control: without the RoleBinding, discovery is forbidden and each member is alone', async () => {
    await createRestrictedNamespace(refused);
    const docs = synthYaml(MERGE_SOON(refused)).split(/^---$/m).filter((d) => !/^kind: RoleBinding$/m.test(d));
    expect(docs.join('---')).not.toMatch(/kind: RoleBinding/);
    await kubectl(['apply', '-f', '-'], docs.join('---'));
    expect(await can(refused, 'list', 'endpoints')).toBe('no');

    const pods = await waitFor('2 running members that answer', 180_000, async () => {
      const current = await memberPods(refused, 'hazelcast');
      if (current.length !== 2) return undefined;
      const sizes = await Promise.all(current.map((p) => clusterSizeOf(p.ip)));
      return sizes.every((s) => s !== undefined) ? current : undefined;
    });
    // Give discovery the time it has to find peers (join wait, API retries) and more; they must stay apart.
    await new Promise((r) => setTimeout(r, 20_000));
    expect(await Promise.all(pods.map((p) => clusterSizeOf(p.ip)))).toEqual([1, 1]);
    for (const p of pods) expect(await memberLog(refused, p.name)).toMatch(API_FORBIDDEN);

    // And the RoleBinding is what was missing: once it exists, discovery finds the other member at the next
    // split-brain merge check and the two clusters merge (Hazelcast logs its merge line: MERGE_LINE seen matching).
    await kubectl(['apply', '-f', '-'], synthYaml(MERGE_SOON(refused)));
    const merged = await waitForCluster(refused, 'hazelcast', 2, 120_000);
    const logs = await Promise.all(merged.pods.map((p) => memberLog(refused, p.name)));
    expect(logs.some((log) => MERGE_LINE.test(log)), 'one member logs that it merges into the other').toBe(true);
  });
});
