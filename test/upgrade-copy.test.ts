// HazelcastUpgradeCopy (lib/upgrade-copy.ts): the Job that moves a blue/green upgrade's data. What e2e scenario (u)
// proves on the real nodes is that the Job does the move; these check what it is made of and what it refuses.
import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import {
  blueGreenProps, HazelcastCluster, HazelcastClusterProps, HazelcastUpgradeCopy, HazelcastUpgradeCopyProps, UPGRADE_COPY_MAIN_CLASS, withUpgradeJournal,
} from '../lib';

const OLD: HazelcastClusterProps = {
  namespace: 'shop', replicas: 3, image: 'docker.io/hazelcast/hazelcast:5.6.0', networkPolicy: true,
  config: withUpgradeJournal(undefined, ['sessions', 'orders']),
};
const NEW_IMAGE = 'docker.io/hazelcast/hazelcast:5.7.0';
const COPY_IMAGE = 'registry.example/hazelcast-upgrade-copy:0.1.0';

function synth(opts: { old?: HazelcastClusterProps; green?: Partial<HazelcastClusterProps>; copy?: Partial<HazelcastUpgradeCopyProps> } = {}) {
  const chart = Testing.chart();
  const from = new HazelcastCluster(chart, 'Blue', opts.old ?? OLD);
  const to = new HazelcastCluster(chart, 'Green', {
    ...blueGreenProps(from), name: 'hazelcast-v57', image: NEW_IMAGE, config: { jet: { enabled: true } }, ...opts.green,
  });
  new HazelcastUpgradeCopy(chart, 'Upgrade', { oldCluster: from, newCluster: to, maps: ['sessions', 'orders'], queues: ['jobs'], image: COPY_IMAGE, ...opts.copy });
  const objects = Testing.synth(chart) as any[];
  return { job: objects.find((o) => o.kind === 'Job'), objects };
}

describe('HazelcastUpgradeCopy', () => {
  it('is one Job, never retried, that runs the copy program in the new cluster\'s image with the jar from the copy image', () => {
    const { job } = synth();
    expect(job.metadata).toMatchObject({ name: 'hazelcast-v57-upgrade-copy', namespace: 'shop' });
    expect(job.spec.backoffLimit).toBe(0);
    const pod = job.spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.initContainers).toHaveLength(1);
    expect(pod.initContainers[0]).toMatchObject({ image: COPY_IMAGE, command: ['cp', '-R', '/jars/.', '/data/upgrade-copy/'] });
    const c = pod.containers[0];
    expect(c.image).toBe(NEW_IMAGE);
    expect(c.command).toEqual(['java', '-XX:-UsePerfData', '-Xmx192m', '-cp', '/opt/hazelcast/lib/*:/data/upgrade-copy/*', UPGRADE_COPY_MAIN_CLASS]);
    expect(Object.fromEntries(c.env.map((e: any) => [e.name, e.value]))).toEqual({
      UPGRADE_CLUSTER_NAME: 'hazelcast',
      UPGRADE_FROM: 'hazelcast.shop.svc.cluster.local:5701',
      UPGRADE_TO: 'hazelcast-v57.shop.svc.cluster.local:5701',
      UPGRADE_MAPS: 'sessions,orders',
      UPGRADE_QUEUES: 'jobs',
      UPGRADE_READY_PORT: '8080',
      UPGRADE_DRAIN_SECONDS: '5',
    });
    // Ready once every stream runs: what the docs tell the user to wait for
    expect(c.readinessProbe.tcpSocket.port).toBe('ready');
    expect(c.ports).toEqual([{ name: 'ready', containerPort: 8080 }]);
    // outlives the old members' own graceful shutdown (180 s by default), to cancel the streams after them
    expect(pod.terminationGracePeriodSeconds).toBe(240);
  });

  it('passes both NetworkPolicies and Pod Security "restricted", with no ServiceAccount token', () => {
    const { job, objects } = synth();
    const pod = job.spec.template;
    expect(pod.metadata.labels).toMatchObject({ 'hazelcast-client': 'true', 'hazelcast-v57-client': 'true' });
    // not selected as a member by either cluster
    for (const policy of objects.filter((o) => o.kind === 'NetworkPolicy')) {
      const selects = Object.entries(policy.spec.podSelector.matchLabels).every(([k, v]) => pod.metadata.labels[k] === v);
      expect(selects, policy.metadata.name).toBe(false);
    }
    expect(pod.spec.automountServiceAccountToken).toBe(false);
    expect(pod.spec.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, fsGroup: 65534, seccompProfile: { type: 'RuntimeDefault' } });
    for (const c of [...pod.spec.initContainers, ...pod.spec.containers]) {
      expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      expect(c.resources.limits.memory).toBeDefined();
    }
  });

  it('takes the members\' pod identity (platformAssignsIds writes no ids)', () => {
    const { job } = synth({ green: { podIdentity: { platformAssignsIds: true } } });
    expect(job.spec.template.spec.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
  });

  it('refuses a map without its journal on the old cluster, naming the map and withUpgradeJournal', () => {
    expect(() => synth({ copy: { maps: ['sessions', 'carts'] } })).toThrow(
      /HazelcastUpgradeCopy maps: "carts" has no event journal on shop\/hazelcast, so writes after the copy would be lost; give the old cluster config: withUpgradeJournal/);
    // control: the journaled maps alone
    expect(() => synth({ copy: { maps: ['sessions'] } })).not.toThrow();
  });

  it('refuses a new cluster without Jet, of another cluster name, or outside the old NetworkPolicy', () => {
    expect(() => synth({ green: { config: {} } })).toThrow(/whose Jet is off; give it config: \{ jet: \{ enabled: true \} \}/);
    expect(() => synth({ green: { clusterName: 'other' } })).toThrow(/the clusters' clusterName differ \("hazelcast" and "other"\)/);
    expect(() => synth({ green: { namespace: 'elsewhere' } })).toThrow(/the clusters' namespace differ/);
    expect(() => synth({ green: { podLabels: {} } })).toThrow(/admits the jobs only from pods labelled hazelcast-client: "true", which the new members lack/);
    // control: without a policy on the old cluster, the label is not needed
    expect(() => synth({ old: { ...OLD, networkPolicy: false }, green: { podLabels: {} } })).not.toThrow();
  });

  it('refuses bad names, lists, images and drain times with the prop named', () => {
    expect(() => synth({ copy: { maps: [] } })).toThrow(/maps is empty/);
    expect(() => synth({ copy: { maps: 'sessions' as any } })).toThrow(/HazelcastUpgradeCopy maps \("sessions"\) must be a list of strings/);
    expect(() => synth({ copy: { maps: ['sess*'] } })).toThrow(/maps: "sess\*" must be a name/);
    expect(() => synth({ copy: { maps: ['sessions', 'sessions'] } })).toThrow(/"sessions" is named twice/);
    expect(() => synth({ copy: { queues: ['a b'] } })).toThrow(/queues: "a b" must be a name/);
    expect(() => synth({ copy: { image: 'Registry/Copy' } })).toThrow(/HazelcastUpgradeCopy image/);
    expect(() => synth({ copy: { drainSeconds: 1.5 } })).toThrow(/'HazelcastUpgradeCopy drainSeconds' \(1.5\) must be an integer from 0 to 600/);
    expect(() => synth({ copy: { drainSeconds: '5' as any } })).toThrow(/drainSeconds \("5"\) must be a number/);
    expect(() => synth({ green: { name: 'a'.repeat(51) } })).toThrow(/HazelcastUpgradeCopy Job name/);
    expect(() => synth({ copy: { oldCluster: {} as any } })).toThrow(/'oldCluster' and 'newCluster' must be HazelcastCluster constructs/);
  });
});
