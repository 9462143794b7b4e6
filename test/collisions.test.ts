// Two clusters (or a cluster and any other object) that would overwrite each other on apply are refused at synth.
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import * as k8s from '../imports/k8s';
import { HazelcastClientService, HazelcastCluster } from '../lib';

function synthError(build: (app: App) => void): string | undefined {
  const app = Testing.app();
  build(app);
  try {
    app.synthYaml();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

describe('object collisions', () => {
  it('refuses two clusters of the same name in the same namespace, naming both and each object', () => {
    const error = synthError((app) => {
      const chart = new Chart(app, 'stack');
      new HazelcastCluster(chart, 'Sessions', { namespace: 'platform', replicas: 2 });
      new HazelcastCluster(chart, 'Catalog', { namespace: 'platform', replicas: 2 });
    });
    expect(error).toMatch(/^Validation failed/);
    expect(error).toContain('[stack/Catalog] Deployment "hazelcast" in namespace "platform" is written by both '
      + 'stack/Sessions/Deployment and stack/Catalog/Deployment');
    for (const kind of ['ServiceAccount', 'Role', 'RoleBinding', 'Service', 'Deployment', 'PodDisruptionBudget']) {
      expect(error).toContain(`${kind} "hazelcast" in namespace "platform" is written by both`);
    }
    // Reported once, by the later cluster.
    expect(error).not.toContain('[stack/Sessions]');
    expect(error!.match(/ is written by both /g)).toHaveLength(6);
  });

  it('refuses them across charts too, cluster-scoped ClusterRole and binding included', () => {
    const error = synthError((app) => {
      new HazelcastCluster(new Chart(app, 'one'), 'Cache', { name: 'cache', zoneAware: true });
      new HazelcastCluster(new Chart(app, 'two'), 'Cache', { name: 'cache', zoneAware: true });
    });
    expect(error).toContain('ClusterRole "default.cache.node-reader" (cluster-scoped) is written by both '
      + 'one/Cache/NodeReaderRole and two/Cache/NodeReaderRole');
    expect(error).toContain('ClusterRoleBinding "default.cache.node-reader" (cluster-scoped) is written by both');
  });

  it('refuses a clash with an object that is not a cluster: a hand-written ClusterRole and a ConfigMap', () => {
    const error = synthError((app) => {
      const chart = new Chart(app, 'stack');
      new k8s.KubeClusterRole(chart, 'Mine', { metadata: { name: 'default.hazelcast.node-reader' } });
      new ApiObject(chart, 'Settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'hazelcast-config', namespace: 'default' } });
      new HazelcastCluster(chart, 'Hazelcast', { zoneAware: true, config: { properties: { 'hazelcast.map.invalidation.batch.enabled': 'false' } } });
    });
    expect(error).toContain('[stack/Hazelcast] ClusterRole "default.hazelcast.node-reader" (cluster-scoped) is written by both '
      + 'stack/Mine and stack/Hazelcast/NodeReaderRole');
    expect(error).toContain('ConfigMap "hazelcast-config" in namespace "default" is written by both stack/Settings and stack/Hazelcast/ConfigMap');
  });

  it('negative controls: other names, other namespaces, same name in another kind or group are accepted', () => {
    expect(synthError((app) => {
      const chart = new Chart(app, 'stack');
      new HazelcastCluster(chart, 'A', { name: 'sessions', namespace: 'platform', zoneAware: true });
      new HazelcastCluster(chart, 'B', { name: 'catalog', namespace: 'platform', zoneAware: true });
      new HazelcastCluster(chart, 'C', { name: 'sessions', namespace: 'team-b', zoneAware: true });
      new HazelcastCluster(new Chart(app, 'other'), 'D', { name: 'sessions', namespace: 'team-c', zoneAware: true });
      // Same name, other kind; a namespaced kind of another namespace.
      new k8s.KubeConfigMap(chart, 'Notes', { metadata: { name: 'sessions', namespace: 'platform' } });
      new k8s.KubeService(chart, 'Elsewhere', { metadata: { name: 'sessions', namespace: 'apps' } });
    })).toBeUndefined();
  });

  it('the committed stack and the example layout (two clusters, one namespace) synthesize', () => {
    const chart = Testing.chart();
    new HazelcastCluster(chart, 'Sessions', { name: 'sessions', namespace: 'platform', networkPolicy: true, zoneAware: true });
    new HazelcastCluster(chart, 'Catalog', { name: 'catalog', namespace: 'platform', zoneAware: true });
    expect(() => Testing.synth(chart)).not.toThrow();
  });

  it('refuses two Services of one app that ask for the same node port, in any namespaces', () => {
    const error = synthError((app) => {
      const chart = new Chart(app, 'stack');
      new HazelcastCluster(chart, 'Sessions', { namespace: 'a', service: { type: 'NodePort', nodePort: 30701 } });
      new HazelcastCluster(chart, 'Catalog', { namespace: 'b', service: { type: 'NodePort', nodePort: 30701 } });
    });
    expect(error).toContain('[stack/Catalog] node port 30701 is asked for by both stack/Sessions/Service and stack/Catalog/Service: node ports are unique in the whole Kubernetes cluster');
    // control: two ports
    expect(synthError((app) => {
      const chart = new Chart(app, 'stack');
      new HazelcastCluster(chart, 'Sessions', { namespace: 'a', service: { type: 'NodePort', nodePort: 30701 } });
      new HazelcastCluster(chart, 'Catalog', { namespace: 'b', service: { type: 'NodePort', nodePort: 30702 } });
    })).toBeUndefined();
  });

  it('refuses two HazelcastClientServices of one name', () => {
    const error = synthError((app) => {
      const chart = new Chart(app, 'stack');
      const c = new HazelcastCluster(chart, 'Cache', {});
      new HazelcastClientService(chart, 'One', { name: 'clients', target: c });
      new HazelcastClientService(chart, 'Two', { name: 'clients', target: c });
    });
    expect(error).toContain('Service "clients" in namespace "default" is written by both stack/One/Service and stack/Two/Service');
  });
});
