// (o) Metrics: with `metrics` on, a scrape of the `<name>-metrics` Service (through CoreDNS and kube-proxy, as
// Prometheus in the cluster would) returns Hazelcast's metrics in Prometheus text format, from the image's JMX
// exporter agent. Control: without `metrics`, there is no such Service and the member serves nothing on the port.
import { afterAll, describe, expect, it } from 'vitest';
import { createRestrictedNamespace, deleteNamespace, kubectl, synthYaml, tryKubectl, waitForCluster } from '../harness/cluster';
import { httpGetCommand, runPod } from '../harness/pods';

const ns = 'metrics';
const off = 'metrics-off';

describe('metrics', () => {
  afterAll(async () => {
    await deleteNamespace(ns);
    await deleteNamespace(off);
  });

  it('the metrics Service serves Hazelcast metrics in Prometheus text', async () => {
    await createRestrictedNamespace(ns);
    await kubectl(['apply', '-f', '-'], synthYaml({ namespace: ns, replicas: 1, metrics: {} }));
    await waitForCluster(ns, 'hazelcast', 1);
    const scrape = await runPod(ns, 'scrape', httpGetCommand(`hazelcast-metrics.${ns}.svc.cluster.local`, 8080, '/metrics'));
    expect(scrape.exitCode, scrape.log).toBe(0);
    expect(scrape.log).toMatch(/^HTTP\/1\.[01] 200/m);
    expect(scrape.log).toMatch(/^# TYPE \S+ (gauge|counter|untyped)$/m);
    const hazelcastSeries = scrape.log.split('\n').filter((l) => /^com_hazelcast\S*\{?.* [-0-9.eE+]+$/.test(l));
    console.log(`metrics scrape: ${hazelcastSeries.length} com_hazelcast series, e.g. ${hazelcastSeries.slice(0, 2).join(' | ')}`);
    expect(hazelcastSeries.length).toBeGreaterThan(0);
  });

  it('control: without metrics there is no metrics Service and nothing listens on the port', async () => {
    await createRestrictedNamespace(off);
    await kubectl(['apply', '-f', '-'], synthYaml({ namespace: off, replicas: 1 }));
    const { pods } = await waitForCluster(off, 'hazelcast', 1);
    expect((await tryKubectl(['get', 'service', 'hazelcast-metrics', '-n', off])).ok).toBe(false);
    const scrape = await runPod(off, 'scrape', httpGetCommand(pods[0].ip, 8080, '/metrics'));
    expect(scrape.exitCode, scrape.log).not.toBe(0);
  });
});
