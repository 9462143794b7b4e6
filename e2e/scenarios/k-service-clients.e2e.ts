// (k) Clients through the Service, as application pods connect: `hazelcast.<ns>.svc.cluster.local:5701`,
// resolved by CoreDNS to the Service's ClusterIP and routed by kube-proxy to a member. The client is unisocket
// (smart routing off), so every operation goes through that one routed connection.
import { afterAll, describe, expect, it } from 'vitest';
import { createRestrictedNamespace, deleteNamespace, kubectl, memberPods, synthYaml, waitForCluster } from '../harness/cluster';
import { clientCommand, clientResult, runPod } from '../harness/pods';

const ns = 'clients';
const address = `hazelcast.${ns}.svc.cluster.local:5701`;

describe('clients through the Service name', () => {
  afterAll(() => deleteNamespace(ns));

  it('resolve the Service name to its ClusterIP and do their work through it', async () => {
    await createRestrictedNamespace(ns);
    await kubectl(['apply', '-f', '-'], synthYaml({ namespace: ns, replicas: 2 }));
    await waitForCluster(ns, 'hazelcast', 2);
    const clusterIP = JSON.parse(await kubectl(['get', 'service', 'hazelcast', '-n', ns, '-o', 'json'])).spec.clusterIP as string;
    const podIPs = (await memberPods(ns, 'hazelcast')).map((p) => p.ip);
    expect(podIPs).not.toContain(clusterIP);

    const resolved = await runPod(ns, 'resolve', ['getent', 'hosts', `hazelcast.${ns}.svc.cluster.local`]);
    expect(resolved.exitCode, resolved.log).toBe(0);
    expect(resolved.log.trim().split(/\s+/)[0]).toBe(clusterIP);

    const put = await runPod(ns, 'put', clientCommand(address, 'hazelcast', 'put', ['--count', '1000', '--smart', 'false']));
    expect(put.exitCode, put.log).toBe(0);
    const get = await runPod(ns, 'get', clientCommand(address, 'hazelcast', 'get', ['--count', '1000', '--smart', 'false']));
    expect(get.exitCode, get.log).toBe(0);
    expect(clientResult(get.log)).toMatchObject({ ok: true, found: 1000 });
  });

  it('control: a name CoreDNS does not know fails', async () => {
    const unknown = await runPod(ns, 'unknown', clientCommand(`hazelcast.nowhere.svc.cluster.local:5701`, 'hazelcast', 'size', ['--timeout-seconds', '15']));
    expect(unknown.exitCode, unknown.log).not.toBe(0);
    const resolved = await runPod(ns, 'resolve-unknown', ['getent', 'hosts', 'hazelcast.nowhere.svc.cluster.local']);
    expect(resolved.exitCode).not.toBe(0);
  });
});
