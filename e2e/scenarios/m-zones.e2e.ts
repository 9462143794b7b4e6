// (m) Zones: with `zoneAware`, members spread over the three zones (one node each), each member learns its zone
// from its node through the Kubernetes API, and backups live in another zone than their primaries
// (ZONE_AWARE partition groups). Losing a whole node (kubelet and containers killed, no clean shutdown) then
// loses none of 10,000 entries. Control: without `zoneAware` no member looks for a zone.
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import {
  createRestrictedNamespace, deleteNamespace, kubectl, memberLog, synthYaml, waitFor, waitForCluster, waitForClusterSafe, withClient,
} from '../harness/cluster';
import { countIntact, writeEntries } from '../harness/data';
import { crashNode, podNodes, restartNode } from '../harness/pods';

const ns = 'zones';
const control = 'zones-off';
const ENTRIES = 10_000;
const ZONE_LINE = /Kubernetes plugin discovered availability zone: (\S+)/;

describe('zone-aware members', () => {
  let crashed: string | undefined;
  afterAll(async () => {
    if (crashed) await restartNode(crashed); // the test failed before it booted the node again
    // the member on the crashed node comes back when its node does: that restart is the scenario's own
    await deleteNamespace(ns, { restartsCausedByTheTest: 1 });
    await deleteNamespace(control);
  });

  it('spread over 3 zones with ZONE_AWARE groups, and keep all 10,000 entries when a whole node is lost', async () => {
    await createRestrictedNamespace(ns);
    await kubectl(['apply', '-f', '-'], synthYaml({ namespace: ns, replicas: 3, zoneAware: true }));
    const { pods } = await waitForCluster(ns, 'hazelcast', 3);
    const zoneOf = Object.fromEntries(inject('nodes').map((n) => [n.name, n.zone]));
    const placement = await podNodes(ns, 'hazelcast');
    expect(new Set(Object.values(placement).map((node) => zoneOf[node])).size).toBe(3);
    for (const p of pods) {
      const zone = ZONE_LINE.exec(await memberLog(ns, p.name))?.[1];
      expect(zone, `${p.name}'s zone as it logged it`).toBe(zoneOf[placement[p.name]]);
    }
    const env = JSON.parse(await kubectl(['get', 'deployment', 'hazelcast', '-n', ns, '-o', 'json'])).spec.template.spec.containers[0].env;
    expect(env).toContainEqual({ name: 'HZ_PARTITIONGROUP_GROUPTYPE', value: 'ZONE_AWARE' });

    await withClient('hazelcast', pods, (client) => writeEntries(client, 'zones', ENTRIES));
    await waitForClusterSafe(pods);

    const victim = pods[0];
    crashed = placement[victim.name];
    await crashNode(crashed);
    const survivors = pods.filter((p) => p !== victim);
    const intact = await countIntact(survivors, 'zones', ENTRIES);
    console.log(`zone ${zoneOf[crashed]} lost (node ${crashed}): ${intact} of ${ENTRIES} entries intact`);
    expect(intact).toBe(ENTRIES);

    // the node boots again (before the next test schedules anything): its member's container is started anew
    await restartNode(crashed);
    crashed = undefined;
  });

  it('control: without zoneAware, members do not look for their zone', async () => {
    await createRestrictedNamespace(control);
    await kubectl(['apply', '-f', '-'], synthYaml({ namespace: control, replicas: 1 }));
    const { pods } = await waitForCluster(control, 'hazelcast', 1);
    await waitFor('the member log', 30_000, async () => /Members \{size:1/.test(await memberLog(control, pods[0].name)));
    expect(await memberLog(control, pods[0].name)).not.toMatch(ZONE_LINE);
  });
});
