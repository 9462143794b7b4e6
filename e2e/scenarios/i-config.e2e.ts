// (i) The typed `config` knob: the ConfigMap reaches the members (they run with its partition count and map
// settings), and a change to it in code rolls the members one at a time onto the new config, keeping the data.
import type { Client } from 'hazelcast-client';
import { afterAll, describe, expect, it } from 'vitest';
import type { HazelcastClusterProps } from '../../lib';
import {
  createRestrictedNamespace, deleteNamespace, kubectl, synthYaml, waitFor, waitForCluster, waitForClusterSafe, withClient,
} from '../harness/cluster';

const ns = 'config';
const ENTRIES = 1_000;
const props = (shortTtlSeconds: number): HazelcastClusterProps => ({
  namespace: ns,
  replicas: 2,
  config: {
    properties: { 'hazelcast.partition.count': '541' },
    map: { 'short-*': { timeToLiveSeconds: shortTtlSeconds } },
  },
});

async function withCluster<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const { pods } = await waitForCluster(ns, 'hazelcast', 2);
  return withClient('hazelcast', pods, fn);
}

describe('config as a ConfigMap', () => {
  afterAll(() => deleteNamespace(ns));

  it('members run with the configured partition count and map settings', async () => {
    await createRestrictedNamespace(ns);
    await kubectl(['apply', '-f', '-'], synthYaml(props(2)));
    await withCluster(async (client) => {
      expect(client.getPartitionService().getPartitionCount()).toBe(541);
      const expiring = await client.getMap<string, string>('short-lived');
      const lasting = await client.getMap<number, string>('long-lived');
      await expiring.put('k', 'v');
      await lasting.putAll(Array.from({ length: ENTRIES }, (_, i) => [i, `v${i}`] as [number, string]));
      await waitFor('the entry of short-* to expire after 2 s', 30_000, async () => (await expiring.get('k')) === null);
      expect(await lasting.size()).toBe(ENTRIES);
    });
  });

  it('a config change in code rolls every member onto the new config and keeps the data', async () => {
    const uids = async () => JSON.parse(await kubectl(['get', 'pods', '-n', ns, '-l', 'name=hazelcast', '-o', 'json'])).items
      .filter((p: any) => !p.metadata.deletionTimestamp).map((p: any) => p.metadata.uid as string);
    const before: string[] = await uids();
    const { pods } = await waitForCluster(ns, 'hazelcast', 2);
    await waitForClusterSafe(pods);

    await kubectl(['apply', '-f', '-'], synthYaml(props(300)));
    await kubectl(['rollout', 'status', 'deployment/hazelcast', '-n', ns, '--timeout=600s']);
    await waitFor('only new members', 120_000, async () => (await uids()).every((uid: string) => !before.includes(uid)));

    await withCluster(async (client) => {
      const lasting = await client.getMap<number, string>('long-lived');
      const entries = await lasting.getAll(Array.from({ length: ENTRIES }, (_, i) => i));
      expect(entries.length).toBe(ENTRIES);
      const expiring = await client.getMap<string, string>('short-lived');
      await expiring.put('k', 'v');
      await new Promise((r) => setTimeout(r, 5_000));
      expect(await expiring.get('k')).toBe('v'); // the new TTL (300 s), not the old 2 s
    });
  });
});
