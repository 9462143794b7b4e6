// (d) No data lost: 10,000 entries survive a scale-down 4 -> 2, a member killed with SIGKILL, and a rolling restart.
import { afterAll, describe, expect, it } from 'vitest';
import {
  createRestrictedNamespace, deleteNamespace, figure, killMember, kubectl, MemberPod, synthYaml,
  waitFor, waitForCluster, waitForClusterSafe, withClient,
} from '../harness/cluster';

const ns = 'data';
const ENTRIES = 10_000;
const BATCH = 1_000;

/** Reads every key back; returns how many were present with the value written. */
async function countIntact(pods: MemberPod[]): Promise<number> {
  return withClient('hazelcast', pods, async (client) => {
    const map = await client.getMap<number, string>('e2e-data');
    let intact = 0;
    for (let from = 0; from < ENTRIES; from += BATCH) {
      const keys = Array.from({ length: BATCH }, (_, i) => from + i);
      const entries = await map.getAll(keys);
      for (const [k, v] of entries) if (v === `value-${k}`) intact++;
    }
    return intact;
  });
}

describe('no data lost', () => {
  // one restart is this scenario's own: the member it kills
  afterAll(() => deleteNamespace(ns, { restartsCausedByTheTest: 1 }));

  it('keeps all 10,000 entries through scale-down, a killed member and a rolling restart', async () => {
    await createRestrictedNamespace(ns);
    await kubectl(['apply', '-f', '-'], synthYaml({ namespace: ns, replicas: 4 }));
    let { pods } = await waitForCluster(ns, 'hazelcast', 4);

    await withClient('hazelcast', pods, async (client) => {
      const map = await client.getMap<number, string>('e2e-data');
      for (let from = 0; from < ENTRIES; from += BATCH) {
        await map.putAll(Array.from({ length: BATCH }, (_, i) => [from + i, `value-${from + i}`] as [number, string]));
      }
      expect(await map.size()).toBe(ENTRIES);
    });
    await waitForClusterSafe(pods);

    // 1. Scale down 4 -> 2: two members leave at once, each handing its partitions over first.
    let t = Date.now();
    await kubectl(['scale', 'deployment', 'hazelcast', '-n', ns, '--replicas', '2']);
    ({ pods } = await waitForCluster(ns, 'hazelcast', 2));
    await waitFor('the leaving pods to be gone', 300_000, async () => {
      const all = JSON.parse(await kubectl(['get', 'pods', '-n', ns, '-o', 'json'])).items;
      return all.length === 2;
    });
    figure('graceful scale-down 4 -> 2 (pods gone, one cluster of 2)', Date.now() - t);
    await waitForClusterSafe(pods);
    const afterScaleDown = await countIntact(pods);
    console.log(`checked ${ENTRIES} entries after scale-down 4 -> 2: ${afterScaleDown} intact`);
    expect(afterScaleDown).toBe(ENTRIES);

    // 2. A member dies without warning (SIGKILL, as a crash or an OOM kill); the kubelet restarts it.
    const victim = pods[0];
    const replaced = await killMember(ns, victim.name);
    const survivor = pods.filter((p) => p.name !== victim.name);
    const afterKill = await countIntact(survivor);
    console.log(`checked ${ENTRIES} entries right after SIGKILL of ${victim.name}: ${afterKill} intact`);
    expect(afterKill).toBe(ENTRIES);
    // The pod stays; its container restarts (a new JVM) and rejoins.
    await waitFor(`a new member JVM in ${victim.name}`, 120_000, replaced);
    ({ pods } = await waitForCluster(ns, 'hazelcast', 2));
    expect(pods.map((p) => p.name)).toContain(victim.name);
    await waitForClusterSafe(pods);

    // 3. Rolling restart (a pod template change): one new member joins before one old member leaves.
    t = Date.now();
    await kubectl(['rollout', 'restart', 'deployment/hazelcast', '-n', ns]);
    await kubectl(['rollout', 'status', 'deployment/hazelcast', '-n', ns, '--timeout=600s']);
    ({ pods } = await waitForCluster(ns, 'hazelcast', 2));
    figure('rolling restart of 2 members', Date.now() - t);
    await waitForClusterSafe(pods);
    const afterRollout = await countIntact(pods);
    console.log(`checked ${ENTRIES} entries after the rolling restart: ${afterRollout} intact`);
    expect(afterRollout).toBe(ENTRIES);
  });
});
