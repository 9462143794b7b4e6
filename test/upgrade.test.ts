// The blue/green upgrade's pieces (lib/upgrade.ts): the client Service that moves between clusters, the props a
// new cluster beside an old one needs, and the event journal the old cluster keeps for the moved maps.
import { Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { blueGreenProps, DEFAULT_UPGRADE_JOURNAL_CAPACITY, HazelcastClientService, HazelcastCluster, HazelcastClusterProps, renderHazelcastConfig, withUpgradeJournal } from '../lib';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const restartCheck = require('../scripts/restart-check.cjs');

type Manifest = { kind: string; metadata: any; spec?: any };

const OLD = { namespace: 'shop', replicas: 3, image: 'docker.io/hazelcast/hazelcast:5.6.0' };

function app(target: 'blue' | 'green', blueProps: HazelcastClusterProps = OLD): Manifest[] {
  const chart = Testing.chart();
  const blue = new HazelcastCluster(chart, 'Blue', blueProps);
  const green = new HazelcastCluster(chart, 'Green', { ...blueGreenProps(blue), name: 'hazelcast-v57' });
  new HazelcastClientService(chart, 'Clients', { name: 'hazelcast-clients', target: target === 'blue' ? blue : green });
  return Testing.synth(chart) as Manifest[];
}

const clientService = (m: Manifest[]) => m.find((o) => o.kind === 'Service' && o.metadata.name === 'hazelcast-clients')!;
const deployment = (m: Manifest[], name: string) => m.find((o) => o.kind === 'Deployment' && o.metadata.name === name)!;
const env = (d: Manifest, name: string) => d.spec.template.spec.containers[0].env.find((e: any) => e.name === name)?.value;

describe('HazelcastClientService', () => {
  it('selects the target cluster\'s members on the member port; switching the target changes the selector only', () => {
    const blue = app('blue');
    const green = app('green');
    expect(clientService(blue).metadata.namespace).toBe('shop');
    expect(clientService(blue).spec).toEqual({ selector: { name: 'hazelcast' }, ports: [{ name: 'hazelcast', port: 5701, targetPort: 'hazelcast', appProtocol: 'tcp' }] });
    expect(clientService(green).spec.selector).toEqual({ name: 'hazelcast-v57' });
    // control: every other object of the two apps is identical
    const rest = (m: Manifest[]) => m.filter((o) => o !== clientService(m));
    expect(rest(green)).toEqual(rest(blue));
    expect({ ...clientService(green), spec: undefined }).toEqual({ ...clientService(blue), spec: undefined });
  });

  it('selects the members only: the selector matches the target\'s pod labels and not the other cluster\'s', () => {
    const m = app('green');
    const podLabels = (name: string) => deployment(m, name).spec.template.metadata.labels;
    const selector = Object.entries(clientService(m).spec.selector);
    expect(selector.every(([k, v]) => podLabels('hazelcast-v57')[k] === v)).toBe(true);
    expect(selector.every(([k, v]) => podLabels('hazelcast')[k] === v)).toBe(false);
  });

  it('refuses a name that is not a Service name, and one that a cluster\'s Service already has', () => {
    const chart = Testing.chart();
    const blue = new HazelcastCluster(chart, 'Blue', OLD);
    expect(() => new HazelcastClientService(chart, 'Bad', { name: 'Clients', target: blue })).toThrow(/'name' \("Clients"\) must be/);
    const app2 = Testing.app();
    const chart2 = new Chart(app2, 'stack');
    const b2 = new HazelcastCluster(chart2, 'Blue', OLD);
    new HazelcastClientService(chart2, 'Clients', { name: 'hazelcast', target: b2 });
    expect(() => app2.synthYaml()).toThrow(/Service "hazelcast" in namespace "shop" is written by both/);
  });
});

describe('blueGreenProps', () => {
  it('gives the new cluster the old one\'s namespace, port and cluster name, so clients reconnect under the name they know', () => {
    const m = app('blue', { ...OLD, port: 5702, clusterName: 'shop-cache' });
    const blue = deployment(m, 'hazelcast');
    const green = deployment(m, 'hazelcast-v57');
    expect(green.metadata.namespace).toBe('shop');
    expect(env(green, 'HZ_CLUSTERNAME')).toBe('shop-cache');
    expect(env(blue, 'HZ_CLUSTERNAME')).toBe('shop-cache');
    expect(green.spec.template.spec.containers[0].ports[0].containerPort).toBe(5702);
    // discovery stays apart: each cluster finds members through its own Service
    expect(env(green, 'HZ_NETWORK_JOIN_KUBERNETES_SERVICENAME')).toBe('hazelcast-v57');
    expect(env(blue, 'HZ_NETWORK_JOIN_KUBERNETES_SERVICENAME')).toBe('hazelcast');
    // control: without a NetworkPolicy on the old cluster, no extra pod label
    expect(green.spec.template.metadata.labels['hazelcast-client']).toBeUndefined();
  });

  it('with a NetworkPolicy on the old cluster, labels the new members so that its policy lets their copy job in', () => {
    const m = app('blue', { ...OLD, networkPolicy: true });
    const policy = m.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'hazelcast')!;
    const green = deployment(m, 'hazelcast-v57').spec.template.metadata.labels;
    const admits = (labels: Record<string, string>) => policy.spec.ingress[0].from.some((f: any) => f.podSelector
      && Object.entries(f.podSelector.matchLabels).every(([k, v]) => labels[k] === v));
    expect(green['hazelcast-client']).toBe('true');
    expect(admits(green)).toBe(true);
    // control: the new members without that label would not be let in
    const { 'hazelcast-client': _, ...without } = green;
    expect(admits(without)).toBe(false);
  });
});

describe('withUpgradeJournal', () => {
  // the document the ConfigMap ships (config-schema.test.ts checks that the two are the same)
  const memberYaml = (props: HazelcastClusterProps) => (renderHazelcastConfig(props.config!) as any).hazelcast;

  it('turns on an event journal for each moved map in the member YAML, keeping the rest of config and of each map', () => {
    const config = withUpgradeJournal({ map: { orders: { backupCount: 2, timeToLiveSeconds: 3600 } }, properties: { 'hazelcast.logging.type': 'log4j2' } }, ['orders', 'sessions']);
    const hz = memberYaml({ ...OLD, config });
    const journal = { 'enabled': true, 'capacity': DEFAULT_UPGRADE_JOURNAL_CAPACITY, 'time-to-live-seconds': 0 };
    expect(hz.map.orders).toMatchObject({ 'backup-count': 2, 'time-to-live-seconds': 3600, 'event-journal': journal });
    expect(hz.map.sessions['event-journal']).toEqual(journal);
    expect(hz.properties['hazelcast.logging.type']).toBe('log4j2');
    // control: a map not named gets none
    const other = memberYaml({ ...OLD, config: withUpgradeJournal({ map: { carts: {} } }, ['orders']) });
    expect(other.map.carts['event-journal']).toBeUndefined();
    expect(withUpgradeJournal(undefined, ['o'], { capacity: 271 }).map!.o).toEqual({ eventJournal: { enabled: true, capacity: 271, timeToLiveSeconds: 0 } });
  });

  it('rolls: the synth\'s restart check lets turning it on through, as it refuses the version bump', () => {
    const docs = (props: HazelcastClusterProps) => Testing.synth(new HazelcastCluster(Testing.chart(), 'C', props).node.scope as Chart);
    expect(restartCheck.fullRestarts(docs(OLD), docs({ ...OLD, config: withUpgradeJournal(undefined, ['orders']) }))).toEqual([]);
    // control: the same check refuses the bump
    expect(restartCheck.fullRestarts(docs(OLD), docs({ ...OLD, image: 'docker.io/hazelcast/hazelcast:5.7.0' }))).toHaveLength(1);
  });

  it('refuses a capacity below one event per partition, no maps, a wildcard, and a journal said twice', () => {
    expect(() => withUpgradeJournal(undefined, ['orders'], { capacity: 270 }))
      .toThrow("'withUpgradeJournal capacity' (270) must be an integer from 271 to 2147483647 (at least one event per partition, 271)");
    expect(() => withUpgradeJournal(undefined, ['orders'], { capacity: 1000.5 })).toThrow(/capacity' \(1000\.5\)/);
    expect(() => withUpgradeJournal(undefined, [])).toThrow('withUpgradeJournal maps is empty: name each map the upgrade moves');
    expect(() => withUpgradeJournal(undefined, ['orders-*'])).toThrow(/map "orders-\*" must be a map's name.*no wildcard/);
    expect(() => withUpgradeJournal({ map: { orders: { eventJournal: { enabled: true } } } }, ['orders']))
      .toThrow(/config.map\["orders"\] has an eventJournal of its own/);
    // control: the same calls with valid input pass
    expect(() => withUpgradeJournal({ map: { orders: {} } }, ['orders'], { capacity: 271 })).not.toThrow();
  });
});
