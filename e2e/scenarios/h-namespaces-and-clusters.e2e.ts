// (h) A namespace other than default, with two clusters side by side in it: each forms its own cluster of its own
// size and neither discovers the other.
import { afterAll, describe, expect, it } from 'vitest';
import { App, Chart } from 'cdk8s';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HazelcastCluster } from '../../lib';
import { connectClient, createRestrictedNamespace, deleteNamespace, kubectl, waitFor, waitForCluster } from '../harness/cluster';

const ns = 'platform';

function twoClusters(): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'hz-e2e-two-'));
  try {
    const app = new App({ outdir });
    const chart = new Chart(app, 'platform', { disableResourceNameHashes: true });
    new HazelcastCluster(chart, 'Sessions', { name: 'sessions', namespace: ns, replicas: 3 });
    new HazelcastCluster(chart, 'Catalog', { name: 'catalog', namespace: ns, replicas: 2 });
    app.synth();
    return fs.readFileSync(path.join(outdir, 'platform.k8s.yaml'), 'utf-8');
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

describe('two clusters in namespace platform', () => {
  afterAll(() => deleteNamespace(ns));

  it('form two clusters of 3 and 2 that never see each other', async () => {
    await createRestrictedNamespace(ns);
    await kubectl(['apply', '-f', '-'], twoClusters());
    const sessions = await waitForCluster(ns, 'sessions', 3);
    const catalog = await waitForCluster(ns, 'catalog', 2);
    const sessionIPs = sessions.pods.map((p) => p.ip);
    expect(catalog.pods.some((p) => sessionIPs.includes(p.ip))).toBe(false);

    const client = await connectClient('sessions', sessions.pods);
    try {
      await waitFor('the sessions client to see its 3 members', 30_000, async () => client.getCluster().getMembers().length === 3);
      expect(client.getCluster().getMembers().map((m) => m.address.host).sort()).toEqual([...sessionIPs].sort());
    } finally {
      await client.shutdown();
    }
    // Still apart after a while (Hazelcast's merge checks would join clusters that can see each other).
    await new Promise((r) => setTimeout(r, 10_000));
    await waitForCluster(ns, 'sessions', 3, 5_000);
    await waitForCluster(ns, 'catalog', 2, 5_000);
  });
});
