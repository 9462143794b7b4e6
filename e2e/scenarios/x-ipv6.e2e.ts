// (x) IPv6: the nodes are dual stack (every node and pod has an IPv4 and an IPv6 address, the API server serves an
// IPv6 Service range beside the IPv4 one, kube-proxy and CoreDNS serve both). A cluster with `ipFamilies: ['IPv6']`
// gets IPv6 Services; its members, with the JVM flags the stack adds, announce their IPv6 pod addresses, find each
// other through the IPv6 endpoints and form one cluster; a Java client in a pod connects through the Service's name
// (an AAAA record, kube-proxy's IPv6 rules), reaches both members on their IPv6 addresses (smart routing), writes
// and reads. Control: the same cluster without `ipFamilies` announces IPv4 addresses on the same nodes; it has no
// `metrics` either, and is also the control of (w): no metrics Service, nothing listening on the metrics port.
// Without NetworkPolicy: the enforcer (kube-router) runs IPv4 only here.
import { Size } from 'cdk8s';
import { afterAll, describe, expect, it } from 'vitest';
import { createRestrictedNamespace, deleteNamespace, kubectl, memberLog, memberPods, synthYaml, tryKubectl, waitForCluster } from '../harness/cluster';
import { clientCommand, clientResult, httpGetCommand, runPod } from '../harness/pods';

const ns = 'ipv6';
const control = 'ipv4';
const SMALL = { cpuRequestMillis: 100, memoryLimit: Size.mebibytes(1024) };
const IPV6_MEMBER = /Member \[(fd00:10:244:[0-9a-f:]+)\]:5701/g;

/** An IPv6 address in its compressed form (Hazelcast prints `fd00:10:244:1:0:0:0:2`, Kubernetes `fd00:10:244:1::2`). */
const compressed = (ip: string) => (ip.includes(':') ? new URL(`http://[${ip}]/`).hostname.replace(/^\[|\]$/g, '') : ip);

/** The member addresses of the latest `Members {size:N, ...} [` block of a member's log, IPv6 compressed. */
function latestMembers(log: string): string[] {
  const blocks = log.replace(/\x1b\[[0-9;]*m/g, '').split(/Members \{size:\d+, ver:\d+\} \[/);
  const last = blocks[blocks.length - 1].split(']\n')[0];
  return [...last.matchAll(/Member \[?([0-9a-f.:]+?)\]?:5701/g)].map((m) => compressed(m[1]));
}

describe('IPv6', () => {
  afterAll(async () => {
    await deleteNamespace(ns);
    await deleteNamespace(control);
  });

  it('ipFamilies [IPv6]: IPv6 Services, members that form one cluster on their IPv6 addresses, a client through the Service', async () => {
    await createRestrictedNamespace(ns);
    await kubectl(['apply', '-f', '-'], synthYaml({ namespace: ns, replicas: 2, ipFamilies: ['IPv6'], ...SMALL }));
    const { pods } = await waitForCluster(ns, 'hazelcast', 2, 240_000).catch(async (e) => {
      // what the members said, before afterAll deletes them
      for (const p of await memberPods(ns, 'hazelcast')) {
        console.log(`[x] ${p.name}'s log, last lines:\n${(await memberLog(ns, p.name)).replace(/\x1b\[[0-9;]*m/g, '').split('\n').slice(-40).join('\n')}`);
      }
      throw e;
    });

    const svc = JSON.parse(await kubectl(['get', 'service', 'hazelcast', '-n', ns, '-o', 'json']));
    expect(svc.spec.ipFamilies).toEqual(['IPv6']);
    expect(svc.spec.clusterIP).toMatch(/^fd00:10:96:/);
    const slices = JSON.parse(await kubectl(['get', 'endpointslices', '-n', ns, '-l', 'kubernetes.io/service-name=hazelcast', '-o', 'json'])).items;
    expect(slices.map((s: any) => s.addressType)).toEqual(['IPv6']);

    const podIPv6 = new Map<string, string>();
    for (const p of pods) {
      const pod = JSON.parse(await kubectl(['get', 'pod', p.name, '-n', ns, '-o', 'json']));
      const v6 = (pod.status.podIPs as Array<{ ip: string }>).map((x) => x.ip).find((x) => x.includes(':'));
      expect(v6, `${p.name} has an IPv6 address`).toMatch(/^fd00:10:244:/);
      podIPv6.set(p.name, v6!);
    }
    for (const p of pods) {
      const log = await memberLog(ns, p.name);
      const members = latestMembers(log);
      console.log(`[x] ${p.name}'s member list: ${members.join(', ')}`);
      expect(members.sort(), `${p.name} sees both members on IPv6`).toEqual([...podIPv6.values()].sort());
      expect([...log.matchAll(IPV6_MEMBER)].length).toBeGreaterThan(0);
    }

    const address = `hazelcast.${ns}.svc.cluster.local:5701`;
    const members = await runPod(ns, 'members', clientCommand(address, 'hazelcast', 'members'));
    expect(members.exitCode, members.log).toBe(0);
    const r = clientResult(members.log);
    console.log(`[x] the client through ${address}: ${JSON.stringify(r)}`);
    expect(r.members).toBe(2);
    expect(r.connections, 'smart routing: one connection to each member').toBe(2);
    expect((r.addresses as string[]).map((a) => compressed(a.replace(/^\[|\]:5701$/g, ''))).sort()).toEqual([...podIPv6.values()].sort());
    const put = await runPod(ns, 'put', clientCommand(address, 'hazelcast', 'put', ['--count', '500']));
    expect(put.exitCode, put.log).toBe(0);
    const get = await runPod(ns, 'get', clientCommand(address, 'hazelcast', 'get', ['--count', '500', '--smart', 'false']));
    expect(clientResult(get.log)).toMatchObject({ ok: true, found: 500, missing: 0, wrong: 0 });
  });

  it('control: without ipFamilies, the same members on the same nodes announce IPv4; without metrics, no metrics Service and nothing on 8080', async () => {
    await createRestrictedNamespace(control);
    await kubectl(['apply', '-f', '-'], synthYaml({ namespace: control, replicas: 1, ...SMALL }));
    const { pods } = await waitForCluster(control, 'hazelcast', 1, 240_000);
    const svc = JSON.parse(await kubectl(['get', 'service', 'hazelcast', '-n', control, '-o', 'json']));
    expect(svc.spec.ipFamilies).toEqual(['IPv4']);
    const log = await memberLog(control, pods[0].name);
    expect(latestMembers(log)).toEqual([pods[0].ip]);
    expect(log).not.toMatch(IPV6_MEMBER);
    // (w)'s control: the metrics port is the JMX exporter's, only with `metrics`
    expect((await tryKubectl(['get', 'service', 'hazelcast-metrics', '-n', control])).ok).toBe(false);
    const scrape = await runPod(control, 'scrape', httpGetCommand(pods[0].ip, 8080, '/metrics'));
    expect(scrape.exitCode, scrape.log).not.toBe(0);
  });
});
