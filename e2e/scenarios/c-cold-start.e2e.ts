// (c) Cold start: all replicas created at once must form ONE cluster, not several that merge minutes later.
// A member that forms a cluster of its own logs `Members {size:1, ver:1}`; in a healthy cold start only the
// first (master) member does. Two such members mean a split brain.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createRestrictedNamespace, deleteNamespace, figure, kubectl, memberLog, memberPods, root, synthYaml, waitFor, waitForCluster,
  waitForClusterInLogs,
} from '../harness/cluster';
import { MERGE_LINE } from '../harness/hazelcast-log';

async function coldStart(ns: string, yaml: string, size: number): Promise<number> {
  await createRestrictedNamespace(ns);
  const t = Date.now();
  await kubectl(['apply', '-f', '-'], yaml);
  // dist/ turns its NetworkPolicy on, which keeps the suite away from the members: their logs tell
  await (/^kind: NetworkPolicy$/m.test(yaml) ? waitForClusterInLogs : waitForCluster)(ns, 'hazelcast', size);
  const ms = Date.now() - t;
  const pods = await memberPods(ns, 'hazelcast');
  // A fresh cluster's first member list has version 1; a member that joined an older cluster would show more.
  const logs = await Promise.all(pods.map((p) => memberLog(ns, p.name)));
  const founders = pods.filter((_, i) => /Members \{size:1, ver:1\} \[/.test(logs[i]));
  expect(founders.map((p) => p.name), 'members that started a cluster of their own').toHaveLength(1);
  // Hazelcast 5.7's split-brain merge line: `<address> is merging [tcp/ip] to <address>` (scenario h sees it match)
  for (const log of logs) expect(log).not.toMatch(MERGE_LINE);
  return ms;
}

describe('cold start', () => {
  it('dist/ as committed (3 replicas, namespace default) forms one cluster, three times over', async () => {
    const dist = fs.readFileSync(path.join(root, 'dist', 'hazelcast.k8s.yaml'), 'utf-8');
    const size = Number(/^ {2}replicas: (\d+)$/m.exec(dist)![1]);
    for (let attempt = 1; attempt <= 3; attempt++) {
      figure(`cold start of dist/ (${size} members), attempt ${attempt}`, await coldStart('default', dist, size));
      await kubectl(['delete', '-f', '-', '--wait=true', '--timeout=300s'], dist);
      // Gone, not just terminating: members still shutting down would let the next attempt join their cluster.
      await waitFor('the members of default to be gone', 300_000, async () =>
        JSON.parse(await kubectl(['get', 'pods', '-n', 'default', '-l', 'name=hazelcast', '-o', 'json'])).items.length === 0);
    }
  });

  it('4 replicas at once form one cluster, three times over', async () => {
    for (let attempt = 1; attempt <= 3; attempt++) {
      const ns = `cold-${attempt}`;
      figure(`cold start of 4 members, attempt ${attempt}`, await coldStart(ns, synthYaml({ namespace: ns, replicas: 4 }), 4));
      await deleteNamespace(ns);
    }
  });
});
