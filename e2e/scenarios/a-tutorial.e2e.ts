// (a) The tutorial, replayed on a current cluster: one member, then `kubectl scale` to 2 and 4, until a member's log
// shows four members. Hazelcast 5 prints `Members {size:4, ver:N} [` where the tutorial's 3.x printed `Members [4]`.
import { afterAll, describe, expect, it } from 'vitest';
import {
  connectClient, createRestrictedNamespace, deleteNamespace, figure, kubectl, memberLog, memberPods, synthYaml, waitFor,
  waitForCluster,
} from '../harness/cluster';

const ns = 'tutorial';

describe('the tutorial: 1 -> 2 -> 4 members with kubectl scale', () => {
  afterAll(() => deleteNamespace(ns));

  it('starts one member behind the Service, scales to 2 and 4, and all four are one cluster', async () => {
    await createRestrictedNamespace(ns);
    const start = Date.now();
    await kubectl(['apply', '-f', '-'], synthYaml({ namespace: ns, replicas: 1 }));
    const one = await waitForCluster(ns, 'hazelcast', 1);
    figure('apply -> 1 member ready', Date.now() - start);

    // `kubectl get endpoints hazelcast` lists the pod, as in the tutorial.
    const endpoints = await waitFor('the pod in the Service endpoints', 60_000, async () => {
      const ep = JSON.parse(await kubectl(['get', 'endpoints', 'hazelcast', '-n', ns, '-o', 'json']));
      const ips = (ep.subsets ?? []).flatMap((s: any) => (s.addresses ?? []).map((a: any) => a.ip));
      return ips.length === 1 ? ips : undefined;
    });
    expect(endpoints).toEqual([one.pods[0].ip]);

    for (const replicas of [2, 4]) {
      const t = Date.now();
      await kubectl(['scale', 'deployment', 'hazelcast', '-n', ns, '--replicas', String(replicas)]);
      await waitForCluster(ns, 'hazelcast', replicas);
      figure(`kubectl scale -> ${replicas} members in one cluster`, Date.now() - t);
    }

    const pods = await memberPods(ns, 'hazelcast');
    expect(pods).toHaveLength(4);
    const logs = await Promise.all(pods.map((p) => memberLog(ns, p.name)));
    expect(logs.some((log) => /Members \{size:4, ver:\d+\} \[/.test(log))).toBe(true);

    const client = await connectClient('hazelcast', pods);
    try {
      await waitFor('the client to see 4 members', 30_000, async () => client.getCluster().getMembers().length === 4);
      expect(client.getCluster().getMembers().map((m) => m.address.host).sort()).toEqual(pods.map((p) => p.ip).sort());
    } finally {
      await client.shutdown();
    }
  });
});
