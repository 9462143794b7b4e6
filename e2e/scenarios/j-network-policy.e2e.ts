// (j) NetworkPolicy, enforced by kube-network-policies on every node: dist/ as committed lets members reach each
// other and labelled clients reach the members; a pod without the client label cannot connect. With metrics on,
// the metrics port is open to anyone. Clients of other namespaces get in only through `clientsFrom`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HazelcastCluster } from '../../lib';
import {
  createRestrictedNamespace, deleteNamespace, kubectl, memberPods, root, synthApp, synthYaml, waitFor, waitForClusterInLogs,
} from '../harness/cluster';
import { clientCommand, clientResult, httpGetCommand, runPod } from '../harness/pods';

const dist = fs.readFileSync(path.join(root, 'dist', 'hazelcast.k8s.yaml'), 'utf-8');
const replicas = Number(/^ {2}replicas: (\d+)$/m.exec(dist)![1]);
const service = 'hazelcast.default.svc.cluster.local:5701';
const metricsNs = 'netpol-metrics';
/** A cluster in `cache` that admits the client-labelled pods of `web` (clientsFrom) and of no other namespace. */
const cacheNs = 'netpol-cache';
const webNs = 'netpol-web';
const otherNs = 'netpol-other';
/** The value of the Secret behind the members' `team` attribute (envValueFrom). */
const TEAM_FROM_SECRET = 'payments-from-a-secret';

describe('NetworkPolicy of dist/, enforced', () => {
  afterAll(async () => {
    await kubectl(['delete', '-f', '-', '--wait=true', '--timeout=300s'], dist);
    await waitFor('the members of default to be gone', 300_000, async () =>
      JSON.parse(await kubectl(['get', 'pods', '-n', 'default', '-l', 'name=hazelcast', '-o', 'json'])).items.length === 0);
    await deleteNamespace(metricsNs);
    for (const ns of [cacheNs, webNs, otherNs]) await deleteNamespace(ns);
  });

  it('members form one cluster and a labelled client reads and writes', async () => {
    expect(dist).toMatch(/^kind: NetworkPolicy$/m);
    await kubectl(['apply', '-f', '-'], dist);
    // each member's own view, from its log (the suite's own address is not let through to the members)
    const { pods } = await waitForClusterInLogs('default', 'hazelcast', replicas);
    expect(pods).toHaveLength(replicas);

    const put = await runPod('default', 'client-labelled', clientCommand(service, 'hazelcast', 'put', ['--count', '500']),
      { labels: { 'hazelcast-client': 'true' } });
    expect(put.exitCode, put.log).toBe(0);
    const get = await runPod('default', 'client-labelled-get', clientCommand(service, 'hazelcast', 'get', ['--count', '500']),
      { labels: { 'hazelcast-client': 'true' } });
    expect(get.exitCode, get.log).toBe(0);
    expect(clientResult(get.log)).toMatchObject({ ok: true, found: 500 });
  });

  it('control: the same client without the label cannot connect', async () => {
    const refused = await runPod('default', 'client-unlabelled', clientCommand(service, 'hazelcast', 'size', ['--timeout-seconds', '20']));
    expect(refused.exitCode, refused.log).not.toBe(0);
  });

  it('with metrics on, anyone reaches the metrics port, and still not the member port', async () => {
    await createRestrictedNamespace(metricsNs);
    await kubectl(['apply', '-f', '-'], synthYaml({ namespace: metricsNs, replicas: 1, networkPolicy: true, metrics: {} }));
    await kubectl(['rollout', 'status', 'deployment/hazelcast', '-n', metricsNs, '--timeout=300s']);
    const [member] = await memberPods(metricsNs, 'hazelcast');
    const scrape = await runPod(metricsNs, 'scrape-unlabelled', httpGetCommand(member.ip, 8080, '/metrics'));
    expect(scrape.exitCode, scrape.log).toBe(0);
    expect(scrape.log).toMatch(/^HTTP\/1\.[01] 200/m);
    const member5701 = await runPod(metricsNs, 'member-port-unlabelled', httpGetCommand(member.ip, 5701, '/hazelcast/health/ready'));
    expect(member5701.exitCode, member5701.log).not.toBe(0);
  });

  it('clientsFrom: a client in another namespace reads and writes through the Service; a third namespace, and an unlabelled pod of the admitted one, cannot connect', async () => {
    for (const ns of [cacheNs, webNs, otherNs]) await createRestrictedNamespace(ns);
    // a member attribute from a Secret (envValueFrom), which the client below reads back from every member
    await kubectl(['create', 'secret', 'generic', 'team', '-n', cacheNs, `--from-literal=name=${TEAM_FROM_SECRET}`]);
    await kubectl(['apply', '-f', '-'], synthApp((chart) => {
      const cluster = new HazelcastCluster(chart, 'Hazelcast', {
        namespace: cacheNs, replicas: 2, networkPolicy: true, clientsFrom: [{ namespace: webNs }], cpuRequestMillis: 100,
        envValueFrom: { HZ_MEMBERATTRIBUTES_TEAM_VALUE: { secretKeyRef: { name: 'team', key: 'name' } } },
      });
      cluster.addClientConfig({ namespace: webNs });
    }));
    await waitForClusterInLogs(cacheNs, 'hazelcast', 2);
    const address = `hazelcast.${cacheNs}.svc.cluster.local:5701`;
    const label = { labels: { 'hazelcast-client': 'true' } };
    const put = await runPod(webNs, 'web-client', clientCommand(address, 'hazelcast', 'put', ['--count', '500']), label);
    expect(put.exitCode, put.log).toBe(0);
    const get = await runPod(webNs, 'web-client-get', clientCommand(address, 'hazelcast', 'get', ['--count', '500']), label);
    expect(clientResult(get.log)).toMatchObject({ ok: true, found: 500 });
    // controls: the same labelled client in a namespace not named, and an unlabelled pod in the named one
    const other = await runPod(otherNs, 'other-client', clientCommand(address, 'hazelcast', 'size', ['--timeout-seconds', '20']), label);
    expect(other.exitCode, other.log).not.toBe(0);
    const unlabelled = await runPod(webNs, 'web-unlabelled', clientCommand(address, 'hazelcast', 'size', ['--timeout-seconds', '20']));
    expect(unlabelled.exitCode, unlabelled.log).not.toBe(0);
  });

  it('the app\'s client config (addClientConfig) connects a smart client to every member, which serve the Secret\'s value', async () => {
    const members = await runPod(webNs, 'web-client-config',
      ['hz-e2e-client', '--client-config', '/etc/hazelcast-client/hazelcast-client.yaml', '--op', 'members', '--attribute', 'team'],
      { labels: { 'hazelcast-client': 'true' }, configMap: { name: 'hazelcast-client-config', mountPath: '/etc/hazelcast-client' } });
    expect(members.exitCode, members.log).toBe(0);
    // one connection per member: smart routing reached each member's pod address through the NetworkPolicy
    expect(clientResult(members.log)).toMatchObject({ ok: true, members: 2, connections: 2, attributes: [TEAM_FROM_SECRET, TEAM_FROM_SECRET] });
  });
});
