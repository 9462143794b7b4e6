// (v) Clients outside Kubernetes. The client runs in a network namespace of its own on the nodes' network
// (10.245.0.100, like a machine in the same site) with NO route to the pod network: it reaches node addresses only.
// The cluster: 3 members with `service.type: NodePort` (unisocket clients) and `externalAccess` (smart clients:
// a StatefulSet, one NodePort Service per member, discovery announcing `<node address>:<node port>` with
// nodeAddress NodeName: the member resolves its node's name through cluster DNS), behind the
// NetworkPolicy with `externalClientCidrs: [10.245.0.100/32]`. The client is the official npm package.
// Controls: the pod addresses are unreachable from there; a smart client told to use the members' internal
// addresses does not get its connections; a client given the pod addresses cannot connect at all; a client at
// 10.245.0.101 (not in externalClientCidrs) is blocked by the NetworkPolicy on the same NodePort.
import { execFileSync } from 'node:child_process';
import { Size } from 'cdk8s';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRestrictedNamespace, deleteNamespace, kubectl, memberLog, synthYaml, tryKubectl, waitFor } from '../harness/cluster';
import { membersLine } from '../harness/hazelcast-log';
import { createOutside, deleteOutside, Outside, routesOf, runClient } from '../harness/outside';

const ns = 'external';
const cluster = 'hazelcast';
const replicas = 3;
const nodes = inject('nodes');
const nodeIp = (name: string) => nodes.find((n) => n.name === name)!.ip;

interface Member { pod: string; podIP: string; node: string; nodePort: number }

describe('clients outside Kubernetes, through NodePorts', () => {
  let outside: Outside | undefined;
  let denied: Outside | undefined;
  let members: Member[] = [];
  let serviceNodePort = 0;

  beforeAll(async () => {
    outside = createOutside('ok', '10.245.0.100');
    denied = createOutside('no', '10.245.0.101');
    await createRestrictedNamespace(ns);
    await kubectl(['apply', '-f', '-'], synthYaml({
      namespace: ns, replicas, memoryLimit: Size.gibibytes(1),
      networkPolicy: true, externalClientCidrs: ['10.245.0.100/32'],
      service: { type: 'NodePort' },
      externalAccess: { smartClients: true, type: 'NodePort', nodeAddress: 'NodeName' },
    }));
    await kubectl(['rollout', 'status', `statefulset/${cluster}`, '-n', ns, '--timeout=420s']);
    // the suite's own address is not let through the NetworkPolicy: each member's view from its log
    const pods = JSON.parse(await kubectl(['get', 'pods', '-n', ns, '-l', `name=${cluster}`, '-o', 'json'])).items as any[];
    expect(pods.map((p) => p.metadata.name).sort()).toEqual(['hazelcast-0', 'hazelcast-1', 'hazelcast-2']);
    await waitFor(`every member logging a cluster of ${replicas}`, 120_000, async () =>
      (await Promise.all(pods.map((p) => memberLog(ns, p.metadata.name)))).every((log) => membersLine(replicas).test(log)));
    members = await Promise.all(pods.map(async (p) => {
      const svc = JSON.parse(await kubectl(['get', 'service', p.metadata.name, '-n', ns, '-o', 'json']));
      return { pod: p.metadata.name, podIP: p.status.podIP, node: p.spec.nodeName, nodePort: svc.spec.ports[0].nodePort };
    }));
    serviceNodePort = JSON.parse(await kubectl(['get', 'service', cluster, '-n', ns, '-o', 'json'])).spec.ports[0].nodePort;
    console.log(`members: ${members.map((m) => `${m.pod} ${m.podIP} on ${m.node} (${nodeIp(m.node)}) node port ${m.nodePort}`).join('; ')}; Service node port ${serviceNodePort}`);
  });

  afterAll(async () => {
    for (const o of [outside, denied]) if (o) deleteOutside(o);
    await tryKubectl(['delete', 'statefulset', cluster, '-n', ns, '--wait=true', '--timeout=300s']);
    await deleteNamespace(ns);
  });

  it('the client\'s namespace reaches the nodes but has no route to the pods (the hub, where the tests run, has one)', () => {
    const routes = routesOf(outside!);
    expect(routes).toMatch(/^10\.245\.0\.0\/24 dev eth0/m);
    expect(routes).not.toMatch(/10\.244\.|default/);
    for (const m of members) {
      expect(() => execFileSync('ip', ['-n', outside!.netns, 'route', 'get', m.podIP], { stdio: 'pipe' })).toThrow(/unreachable/i);
      expect(execFileSync('ip', ['route', 'get', m.podIP], { encoding: 'utf-8' })).toMatch(new RegExp(`^${m.podIP.replace(/\./g, '\\.')} via`));
    }
  });

  it('a unisocket client reads and writes through the one NodePort of the cluster\'s Service', async () => {
    const address = `${nodeIp(members[0].node)}:${serviceNodePort}`;
    const r = await runClient(outside, { addresses: [address], cluster, smart: false, count: 500 });
    expect(r.ok, `${r.error}\n${r.stderr}`).toBe(true);
    expect(r.found).toBe(500);
    expect(r.connections).toHaveLength(1);
    expect(r.sockets).toEqual([address]);
  });

  it('a smart client connects to every member on the address it announces (its node and its own node port) and reads and writes', async () => {
    const bootstrap = `${nodeIp(members[0].node)}:${members[0].nodePort}`;
    const r = await runClient(outside, { addresses: [bootstrap], cluster, smart: true, count: 500, expectConnections: replicas });
    expect(r.ok, `${r.error}\n${r.stderr}`).toBe(true);
    expect(r.found).toBe(500);
    // what the members announce: internal address = pod IP, public address = its node's address (the member resolves
    // the node name through cluster DNS and announces the IP) and the node port of its own Service
    const announced = Object.fromEntries(r.members!.map((m) => [m.address.replace(/^\[?([^\]]+)\]?:5701$/, '$1'), m.public]));
    expect(announced).toEqual(Object.fromEntries(members.map((m) => [m.podIP, `${nodeIp(m.node)}:${m.nodePort}`])));
    // and what the kernel of the client's namespace holds: one connection to each member's node and node port
    expect(r.connections).toHaveLength(replicas);
    expect([...r.sockets!].sort()).toEqual(members.map((m) => `${nodeIp(m.node)}:${m.nodePort}`).sort());
  });

  it('control: a smart client that uses the members\' internal addresses reaches none but the one it was given', async () => {
    const bootstrap = `${nodeIp(members[0].node)}:${members[0].nodePort}`;
    const r = await runClient(outside, { addresses: [bootstrap], cluster, smart: true, publicIp: false, count: 50, timeoutMs: 15_000, expectConnections: replicas });
    console.log(`internal-address smart client: ok=${r.ok} connections=${JSON.stringify(r.connections)} sockets=${JSON.stringify(r.sockets)} error=${r.error ?? ''}`);
    expect(r.connections?.length ?? 0).toBeLessThan(replicas);
    expect((r.sockets ?? []).filter((s) => s.startsWith('10.244.'))).toEqual([]);
  });

  it('control: a client given the pod addresses cannot connect from outside', async () => {
    const r = await runClient(outside, { addresses: members.map((m) => `${m.podIP}:5701`), cluster, smart: true, count: 10, timeoutMs: 10_000 });
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/Unable to connect|connect/i);
  });

  it('control: the NetworkPolicy blocks a client outside externalClientCidrs on the same NodePort', async () => {
    const address = `${nodeIp(members[0].node)}:${serviceNodePort}`;
    const r = await runClient(denied, { addresses: [address], cluster, smart: false, count: 10, timeoutMs: 10_000 });
    expect(r.ok).toBe(false);
    // the allowed address still gets through right after (the block is the policy, not the path)
    const ok = await runClient(outside, { addresses: [address], cluster, smart: false, count: 10 });
    expect(ok.ok, `${ok.error}\n${ok.stderr}`).toBe(true);
  });
});
