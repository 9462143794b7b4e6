// (n) Drain: two of three nodes drained at once while members run on all three. The PodDisruptionBudget lets one
// member go at a time (the second eviction is refused until the first member's replacement is Ready), every member
// hands its data over on the way out (graceful shutdown), and none of 10,000 entries is lost.
import { execFile } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import {
  createRestrictedNamespace, deleteNamespace, kubectl, synthYaml, tryKubectl, waitForCluster, waitForClusterSafe, withClient,
} from '../harness/cluster';
import { countIntact, writeEntries } from '../harness/data';
import { podNodes } from '../harness/pods';

const ns = 'drain';
const ENTRIES = 10_000;

/** `kubectl drain`, resolving with its exit code and all it printed (its retries included). */
function drain(node: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile('kubectl', ['--kubeconfig', inject('kubeconfig'), 'drain', node, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=400s'],
      { maxBuffer: 16 << 20 }, (err, stdout, stderr) => resolve({ code: err ? 1 : 0, output: `${stdout}${stderr}` }));
  });
}

describe('kubectl drain', () => {
  afterAll(async () => {
    for (const n of inject('nodes')) await tryKubectl(['uncordon', n.name]);
    await deleteNamespace(ns);
  });

  it('two nodes drained at once: the PDB lets one member go at a time, and no entry is lost', async () => {
    await createRestrictedNamespace(ns);
    // the stack's default: members prefer separate nodes (preferred anti-affinity), so that two may share the
    // last node once the other two are drained
    await kubectl(['apply', '-f', '-'], synthYaml({ namespace: ns, replicas: 3 }));
    let { pods } = await waitForCluster(ns, 'hazelcast', 3);
    const placement = await podNodes(ns, 'hazelcast');
    expect(new Set(Object.values(placement)).size, 'one member per node').toBe(3);
    await withClient('hazelcast', pods, (client) => writeEntries(client, 'drain', ENTRIES));
    await waitForClusterSafe(pods);

    const nodes = inject('nodes').map((n) => n.name);
    const [a, b] = nodes;
    await kubectl(['cordon', a]);
    await kubectl(['cordon', b]);
    const [drainA, drainB] = await Promise.all([drain(a), drain(b)]);
    expect(drainA.code, drainA.output).toBe(0);
    expect(drainB.code, drainB.output).toBe(0);
    const refusals = `${drainA.output}${drainB.output}`.match(/Cannot evict pod as it would violate the pod's disruption budget/g) ?? [];
    console.log(`drain ${a} + ${b}: ${refusals.length} evictions refused by the PodDisruptionBudget while a member was away`);
    expect(refusals.length).toBeGreaterThan(0);

    ({ pods } = await waitForCluster(ns, 'hazelcast', 3, 300_000));
    expect(new Set(Object.values(await podNodes(ns, 'hazelcast')))).toEqual(new Set([nodes[2]]));
    await waitForClusterSafe(pods);
    const intact = await countIntact(pods, 'drain', ENTRIES);
    console.log(`after draining two nodes: ${intact} of ${ENTRIES} entries intact`);
    expect(intact).toBe(ENTRIES);
  });
});
