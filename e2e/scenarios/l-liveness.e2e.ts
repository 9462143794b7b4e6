// (l) Liveness, probed by the real kubelet. The stack's members never fail a probe (and every scenario fails on
// a restart it did not cause: deleteNamespace checks restartCount). Control: the same pod with a wrong liveness
// path is killed and restarted by the kubelet.
import { afterAll, describe, expect, it } from 'vitest';
import { createRestrictedNamespace, deleteNamespace, kubectl, synthYaml, tryKubectl, waitFor, waitForCluster } from '../harness/cluster';

const ns = 'liveness';

/**
 * Liveness failures the kubelet recorded for a pod (events with reason Unhealthy). Readiness failures while a
 * member starts and joins are expected (that is what readiness is for) and not counted.
 */
async function livenessFailures(pod: string): Promise<string[]> {
  const events = JSON.parse(await kubectl(['get', 'events', '-n', ns, '--field-selector', `involvedObject.name=${pod},reason=Unhealthy`, '-o', 'json'])).items;
  return events.map((e: any) => e.message as string).filter((m: string) => m.startsWith('Liveness probe failed'));
}

describe('liveness probes', () => {
  afterAll(async () => {
    await tryKubectl(['delete', 'pod', 'wrong-liveness', '-n', ns, '--grace-period=0']);
    await deleteNamespace(ns);
  });

  it('the members pass every liveness probe, with no restart, well past the first liveness checks', async () => {
    await createRestrictedNamespace(ns);
    await kubectl(['apply', '-f', '-'], synthYaml({ namespace: ns, replicas: 1 }));
    const { pods } = await waitForCluster(ns, 'hazelcast', 1);
    const liveness = JSON.parse(await kubectl(['get', 'deployment', 'hazelcast', '-n', ns, '-o', 'json'])).spec.template.spec.containers[0].livenessProbe;
    // past the initial delay and two periods: the kubelet has probed liveness at least twice
    await new Promise((r) => setTimeout(r, (liveness.initialDelaySeconds + 2 * liveness.periodSeconds + 2) * 1000));
    expect(await livenessFailures(pods[0].name)).toEqual([]);
    const pod = JSON.parse(await kubectl(['get', 'pod', pods[0].name, '-n', ns, '-o', 'json']));
    expect(pod.status.containerStatuses[0].restartCount).toBe(0);
  });

  it('control: the member pod with a wrong liveness path is restarted by the kubelet', async () => {
    const template = JSON.parse(await kubectl(['get', 'deployment', 'hazelcast', '-n', ns, '-o', 'json'])).spec.template;
    const container = template.spec.containers[0];
    // only the path differs, and the timings are shortened so that the kubelet gives up within seconds
    container.livenessProbe = { ...container.livenessProbe, httpGet: { ...container.livenessProbe.httpGet, path: '/hazelcast/health/no-such-check' },
      initialDelaySeconds: 5, periodSeconds: 2, failureThreshold: 2 };
    await kubectl(['apply', '-f', '-'], JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'wrong-liveness', namespace: ns, labels: { e2e: 'wrong-liveness' } },
      spec: template.spec,
    }));
    await waitFor('the kubelet to restart the container', 180_000, async () => {
      const pod = JSON.parse(await kubectl(['get', 'pod', 'wrong-liveness', '-n', ns, '-o', 'json']));
      return (pod.status.containerStatuses?.[0]?.restartCount ?? 0) >= 1;
    }, 1000);
    expect((await livenessFailures('wrong-liveness')).some((m) => /^Liveness probe failed: HTTP probe failed with statuscode: \d+/.test(m))).toBe(true);
    await kubectl(['delete', 'pod', 'wrong-liveness', '-n', ns, '--grace-period=0']);
  });
});
