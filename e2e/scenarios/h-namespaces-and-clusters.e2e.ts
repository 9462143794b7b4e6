// (h) A namespace other than default, with two clusters side by side in it: each forms its own cluster of its own
// size and neither discovers the other.
import { afterAll, describe, expect, it } from 'vitest';
import { HazelcastCluster } from '../../lib';
import {
  createRestrictedNamespace, deleteNamespace, kubectl, MemberPod, synthApp, waitFor, waitForCluster, withClient,
} from '../harness/cluster';

const ns = 'platform';

/** What a client of `cluster` sees: the addresses of its members. */
async function seenBy(cluster: string, pods: MemberPod[]): Promise<string[]> {
  return withClient(cluster, pods, async (client) => {
    await waitFor(`the ${cluster} client to see ${pods.length} members`, 30_000, async () => client.getCluster().getMembers().length === pods.length);
    return client.getCluster().getMembers().map((m) => m.address.host).sort();
  });
}

describe('two clusters in namespace platform', () => {
  afterAll(() => deleteNamespace(ns));

  it('form two clusters of 3 and 2 that never see each other', async () => {
    await createRestrictedNamespace(ns);
    await kubectl(['apply', '-f', '-'], synthApp((chart) => {
      new HazelcastCluster(chart, 'Sessions', { name: 'sessions', namespace: ns, replicas: 3 });
      new HazelcastCluster(chart, 'Catalog', { name: 'catalog', namespace: ns, replicas: 2 });
    }));
    const sessions = await waitForCluster(ns, 'sessions', 3);
    const catalog = await waitForCluster(ns, 'catalog', 2);
    expect(await seenBy('sessions', sessions.pods)).toEqual(sessions.pods.map((p) => p.ip).sort());
    expect(await seenBy('catalog', catalog.pods)).toEqual(catalog.pods.map((p) => p.ip).sort());
    // Still apart after a while (Hazelcast's merge checks would join clusters that can see each other).
    await new Promise((r) => setTimeout(r, 10_000));
    await waitForCluster(ns, 'sessions', 3, 5_000);
    await waitForCluster(ns, 'catalog', 2, 5_000);
  });
});
