// (i) The typed `config` knob: the ConfigMap reaches the members (they run with its partition count and map
// settings), and changing it in code rolls the members, one at a time, onto the new config.
import { Duration } from 'cdk8s';
import { afterAll, describe, expect, it } from 'vitest';
import {
  connectClient, createRestrictedNamespace, deleteNamespace, kubectl, synthYaml, waitFor, waitForCluster,
} from '../harness/cluster';
import type { HazelcastClusterProps } from '../../lib';

const ns = 'config';
const props = (partitions: string): HazelcastClusterProps => ({
  namespace: ns,
  replicas: 2,
  config: {
    properties: { 'hazelcast.partition.count': partitions },
    maps: { 'short-*': { timeToLive: Duration.seconds(2) } },
  },
});

async function partitionCount(): Promise<number> {
  const { pods } = await waitForCluster(ns, 'hazelcast', 2);
  const client = await connectClient('hazelcast', pods);
  try {
    return client.getPartitionService().getPartitionCount();
  } finally {
    await client.shutdown();
  }
}

describe('config as a ConfigMap', () => {
  afterAll(() => deleteNamespace(ns));

  it('members run with the configured partition count and map settings', async () => {
    await createRestrictedNamespace(ns);
    await kubectl(['apply', '-f', '-'], synthYaml(props('541')));
    expect(await partitionCount()).toBe(541);

    const { pods } = await waitForCluster(ns, 'hazelcast', 2);
    const client = await connectClient('hazelcast', pods);
    try {
      const expiring = await client.getMap<string, string>('short-lived');
      const lasting = await client.getMap<string, string>('long-lived');
      await expiring.put('k', 'v');
      await lasting.put('k', 'v');
      await waitFor('the entry of short-* to expire', 30_000, async () => (await expiring.get('k')) === null);
      expect(await lasting.get('k')).toBe('v');
    } finally {
      await client.shutdown();
    }
  });

  it('a config change in code rolls the members onto the new config', async () => {
    const before = JSON.parse(await kubectl(['get', 'pods', '-n', ns, '-l', 'name=hazelcast', '-o', 'json'])).items.map((p: any) => p.metadata.uid);
    await kubectl(['apply', '-f', '-'], synthYaml(props('1009')));
    await kubectl(['rollout', 'status', 'deployment/hazelcast', '-n', ns, '--timeout=600s']);
    const after = JSON.parse(await kubectl(['get', 'pods', '-n', ns, '-l', 'name=hazelcast', '-o', 'json'])).items
      .filter((p: any) => !p.metadata.deletionTimestamp).map((p: any) => p.metadata.uid);
    expect(after.some((uid: string) => before.includes(uid))).toBe(false);
    expect(await partitionCount()).toBe(1009);
  });
});
