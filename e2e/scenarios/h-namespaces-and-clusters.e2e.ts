// (h) A namespace other than default, with two clusters side by side in it: each forms its own cluster of its own
// size and neither discovers the other.
import { afterAll, describe, expect, it } from 'vitest';
import { HazelcastCluster } from '../../lib';
import {
  createRestrictedNamespace, deleteNamespace, kubectl, MemberPod, memberLog, synthApp, waitFor, waitForCluster, withClient,
} from '../harness/cluster';
import { MERGE_LINE } from '../harness/hazelcast-log';

const ns = 'platform';
/** Split-brain merge checks 10 s after start and every 5 s after (Hazelcast: 300 s, 120 s). */
const MERGE_SOON = ['-Dhazelcast.merge.first.run.delay.seconds=10', '-Dhazelcast.merge.next.run.delay.seconds=5'];

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
      new HazelcastCluster(chart, 'Sessions', { name: 'sessions', namespace: ns, replicas: 3, jvmOptions: MERGE_SOON });
      new HazelcastCluster(chart, 'Catalog', { name: 'catalog', namespace: ns, replicas: 2, jvmOptions: MERGE_SOON });
    }));
    const sessions = await waitForCluster(ns, 'sessions', 3);
    const catalog = await waitForCluster(ns, 'catalog', 2);
    expect(await seenBy('sessions', sessions.pods)).toEqual(sessions.pods.map((p) => p.ip).sort());
    expect(await seenBy('catalog', catalog.pods)).toEqual(catalog.pods.map((p) => p.ip).sort());
    // Still apart after several split-brain merge checks (every 5 s here; scenario e shows such a check merging
    // two clusters that can see each other and share a name).
    await new Promise((r) => setTimeout(r, 20_000));
    for (const p of [...sessions.pods, ...catalog.pods]) expect(await memberLog(ns, p.name)).not.toMatch(MERGE_LINE);
    await waitForCluster(ns, 'sessions', 3, 5_000);
    await waitForCluster(ns, 'catalog', 2, 5_000);
  });
});
