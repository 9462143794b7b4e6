// The Helm chart's knobs, typed: each prop changes what it names, and refuses what would break the stack.
import { createHash } from 'node:crypto';
import { Yaml } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { EvictionEvictionPolicy, EvictionMaxSizePolicy } from '../lib';
import { byKind, container as member, envValue, podSpec, synth } from './util';

const find = (ms: any[], kind: string, name = 'hazelcast') => byKind(ms, kind, name);

describe('clusterName', () => {
  it('sets HZ_CLUSTERNAME apart from the object names', () => {
    const ms = synth({ clusterName: 'prod-cache' });
    expect(envValue(ms, 'HZ_CLUSTERNAME')).toBe('prod-cache');
    expect(find(ms, 'Service').metadata.name).toBe('hazelcast');
  });
  it('refuses an empty name', () => {
    expect(() => synth({ clusterName: '' })).toThrowError(/'clusterName' \(""\) must be a Hazelcast cluster name/);
  });
});

describe('config', () => {
  const config = {
    map: { 'default': { backupCount: 2 }, 'sessions-*': { timeToLiveSeconds: 1800, eviction: { evictionPolicy: EvictionEvictionPolicy.LRU, maxSizePolicy: EvictionMaxSizePolicy.PER_NODE, size: 10000 } } },
    properties: { 'hazelcast.partition.count': '541' },
  };
  const ms = synth({ config });

  it('ships hazelcast.yaml in a ConfigMap that the members load', () => {
    const yaml = find(ms, 'ConfigMap', 'hazelcast-config').data['hazelcast.yaml'];
    expect(yaml).toBe(Yaml.stringify({
      hazelcast: {
        'properties': { 'hazelcast.partition.count': '541' },
        'map': {
          'default': { 'backup-count': 2, 'async-backup-count': 0 },
          'sessions-*': {
            'backup-count': 1, 'async-backup-count': 0, 'time-to-live-seconds': 1800,
            'eviction': { 'eviction-policy': 'LRU', 'max-size-policy': 'PER_NODE', 'size': 10000 },
          },
        },
        // Jet off, and no uploaded classes, unless config.jet turns them on (the image turns both on).
        'jet': { 'enabled': false, 'resource-upload-enabled': false },
      },
    }));
    expect(envValue(ms, 'JAVA_OPTS')).toContain('-Dhazelcast.config=/data/hazelcast/hazelcast.yaml');
    expect(member(ms).volumeMounts).toContainEqual({ name: 'config', mountPath: '/data/hazelcast', readOnly: true });
    expect(podSpec(ms).volumes).toContainEqual({ name: 'config', configMap: { name: 'hazelcast-config' } });
  });

  it('rolls the members when it changes: the pod template carries its checksum', () => {
    const yaml = find(ms, 'ConfigMap', 'hazelcast-config').data['hazelcast.yaml'];
    const annotations = find(ms, 'Deployment').spec.template.metadata.annotations;
    expect(annotations['checksum/config']).toBe(createHash('sha256').update(yaml).digest('hex'));
    const other = synth({ config: { ...config, properties: { 'hazelcast.partition.count': '1009' } } });
    expect(find(other, 'Deployment').spec.template.metadata.annotations['checksum/config']).not.toBe(annotations['checksum/config']);
  });

  it('is absent unless given: no ConfigMap, no mount, no annotation', () => {
    const plain = synth();
    expect(plain.some((m) => m.kind === 'ConfigMap')).toBe(false);
    expect(find(plain, 'Deployment').spec.template.metadata.annotations).toBeUndefined();
    expect(envValue(plain, 'JAVA_OPTS')).not.toContain('hazelcast.config');
  });

  it.each([
    [{ map: { m: { backupCount: 7 } } }, /'config\.map\.m\.backupCount' \(7\) must be an integer from 0 to 6/],
    [{ map: { m: { backupCount: 4, asyncBackupCount: 3 } } }, /'config\.map\.m\.asyncBackupCount' \(3\) must be an integer from 0 to 2/],
    [{ map: { 'a b': {} } }, /'config\.map' name "a b"/],
    [{ properties: { 'hazelcast.shutdownhook.policy': 'TERMINATE' } }, /'config\.properties' key "hazelcast\.shutdownhook\.policy" is set by the stack; it follows the gracefulShutdownTimeout prop/],
    [{ properties: { 'hazelcast.jmx': 'false' } }, /'config\.properties' key "hazelcast\.jmx" is set by the stack; it follows the metrics prop/],
    [{ properties: { 'hazelcast.partition.count': 'many' } }, /'config\.properties' value for "hazelcast\.partition\.count" \("many"\) must be a whole number/],
    [{ map: { m: { timeToLiveSeconds: 2.5 } } }, /config\.map\.m\.timeToLiveSeconds \(2\.5\) must be integer \(schema rule type/],
    [{ map: { m: { eviction: { evictionPolicy: 'FIFO', maxSizePolicy: 'PER_NODE', size: 1 } } } }, /config\.map\.m\.eviction\.evictionPolicy \("FIFO"\) must be one of "LRU", "LFU", "NONE", "RANDOM"/],
    [{ properties: { 'partition.count': '7' } }, /'config\.properties' key "partition\.count" must be a Hazelcast property/],
  ])('refuses %j', (bad, message) => {
    expect(() => synth({ config: bad as any })).toThrowError(message);
  });
});

describe('jvmOptions and env', () => {
  it('appends JVM options after the stack\'s own', () => {
    expect(envValue(synth({ jvmOptions: ['-XX:+UseZGC', '-Dhazelcast.logging.type=jdk'] }), 'JAVA_OPTS'))
      .toMatch(/-Dhazelcast\.graceful\.shutdown\.max\.wait=\d+ -XX:\+UseZGC -Dhazelcast\.logging\.type=jdk$/);
  });
  it.each([
    ['-Xmx4g', /'jvmOptions' \("-Xmx4g"\) sizes the heap, which 'heapSize' decides/],
    ['-XX:MaxRAMPercentage=50', /sizes the heap/],
    ['-Dhazelcast.shutdownhook.policy=TERMINATE', /is set by the stack; it follows the gracefulShutdownTimeout prop/],
    ['-Dhazelcast.jmx=false', /is set by the stack; it follows the metrics prop/],
    ['-Dhazelcast.wait.seconds.before.join=5', /is set by the stack; it follows the stack \(tuned for Kubernetes discovery\)/],
    ['-Da=1 -Db=2', /'jvmOptions' \("-Da=1 -Db=2"\) must be one JVM option/],
    ['-Dhz.network.join.tcp-ip.enabled=true', /'jvmOptions' \("-Dhz\.network\.join\.tcp-ip\.enabled=true"\) overrides what the stack sets; it follows the stack: Kubernetes discovery/],
    ['-Dhazelcast.kubernetes.service-dns=x', /overrides what the stack sets; it follows the stack: Kubernetes discovery/],
    ['-Dhz.network.port.port-count=10', /overrides what the stack sets; it follows the port prop/],
    ['-Dhz.cluster-name=other', /overrides what the stack sets; it follows the clusterName prop/],
  ])('refuses %s', (option, message) => {
    expect(() => synth({ jvmOptions: [option] })).toThrowError(message);
  });
  it('adds env vars after the stack\'s own, and refuses to replace them', () => {
    const ms = synth({ env: { LOGGING_LEVEL: 'DEBUG' } });
    expect(member(ms).env.at(-1)).toEqual({ name: 'LOGGING_LEVEL', value: 'DEBUG' });
    expect(() => synth({ env: { DNS_DOMAIN: 'x' } })).toThrowError(/'env' "DNS_DOMAIN" is set by the stack/);
    expect(() => synth({ env: { '1X': 'x' } })).toThrowError(/'env' name "1X"/);
    // Keys the stack leaves at their defaults are its too: another join method would split or merge clusters.
    expect(() => synth({ env: { HZ_NETWORK_JOIN_TCPIP_ENABLED: 'true' } })).toThrowError(/'env' "HZ_NETWORK_JOIN_TCPIP_ENABLED" overrides what the stack sets; it follows the stack: Kubernetes discovery/);
    expect(() => synth({ env: { HAZELCAST_KUBERNETES_SERVICE_DNS: 'x' } })).toThrowError(/'env' "HAZELCAST_KUBERNETES_SERVICE_DNS" overrides what the stack sets/);
    expect(() => synth({ env: { HZ_NETWORK_RESTAPI_ENDPOINTGROUPS_CLUSTERREAD_ENABLED: 'true' } })).toThrowError(/it follows the stack: the readiness and liveness probes need its health-check endpoints/);
    expect(() => synth({ env: { HZ_ADVANCEDNETWORK_ENABLED: 'true' } })).toThrowError(/it follows the port prop/);
  });
});

describe('scheduling', () => {
  it('prefers members on different nodes by default', () => {
    expect(podSpec(synth()).affinity).toEqual({
      podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{
        weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { name: 'hazelcast' } } },
      }] },
    });
  });
  it('can require it, or leave it to the scheduler', () => {
    expect(podSpec(synth({ nodeAntiAffinity: 'required' })).affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution)
      .toEqual([{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { name: 'hazelcast' } } }]);
    expect(podSpec(synth({ nodeAntiAffinity: 'none' })).affinity).toBeUndefined();
    expect(() => synth({ nodeAntiAffinity: 'always' as any })).toThrowError(/'nodeAntiAffinity' \("always"\) must be "preferred", "required" or "none"/);
  });
  it('passes nodeSelector and tolerations through, checking label syntax', () => {
    const ms = synth({ nodeSelector: { 'node-pool': 'cache' }, tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'cache', effect: 'NoSchedule' }] });
    expect(podSpec(ms).nodeSelector).toEqual({ 'node-pool': 'cache' });
    expect(podSpec(ms).tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'cache', effect: 'NoSchedule' }]);
    expect(() => synth({ nodeSelector: { pool: 'a b' } })).toThrowError(/'nodeSelector' value "a b"/);
  });
});

describe('zoneAware', () => {
  const ms = synth({ zoneAware: true, namespace: 'caching' });

  it('spreads members across zones and turns on ZONE_AWARE partition groups', () => {
    expect(podSpec(ms).topologySpreadConstraints).toEqual([{
      maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { name: 'hazelcast' } },
    }]);
    expect(envValue(ms, 'HZ_PARTITIONGROUP_ENABLED')).toBe('true');
    expect(envValue(ms, 'HZ_PARTITIONGROUP_GROUPTYPE')).toBe('ZONE_AWARE');
    expect(member(ms).env.find((e: any) => e.name === 'POD_NAME').valueFrom).toEqual({ fieldRef: { fieldPath: 'metadata.name' } });
  });

  it('adds exactly one cluster-scoped permission: get on nodes, bound to its own ServiceAccount', () => {
    const role = byKind(ms, 'ClusterRole');
    expect(role.metadata.name).toBe('caching.hazelcast.node-reader');
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }]);
    const binding = byKind(ms, 'ClusterRoleBinding');
    expect(binding.roleRef.name).toBe('caching.hazelcast.node-reader');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'hazelcast', namespace: 'caching' }]);
  });

  it('is off by default: no cluster-scoped objects, no partition groups', () => {
    const plain = synth();
    expect(plain.some((m) => m.kind.startsWith('Cluster'))).toBe(false);
    expect(envValue(plain, 'HZ_PARTITIONGROUP_ENABLED')).toBeUndefined();
  });
});

describe('metrics', () => {
  const ms = synth({ metrics: { port: 9090 } });

  it('turns on the image\'s exporter, the port, the scrape annotations and a metrics Service', () => {
    expect(envValue(ms, 'PROMETHEUS_PORT')).toBe('9090');
    expect(envValue(ms, 'JAVA_OPTS')).toContain('-Dhazelcast.jmx=true');
    expect(member(ms).ports).toContainEqual({ name: 'metrics', containerPort: 9090, protocol: 'TCP' });
    expect(find(ms, 'Deployment').spec.template.metadata.annotations).toEqual({
      'prometheus.io/scrape': 'true', 'prometheus.io/port': '9090', 'prometheus.io/path': '/metrics',
    });
    const service = find(ms, 'Service', 'hazelcast-metrics');
    expect(service.spec).toEqual({ selector: { name: 'hazelcast' }, ports: [{ name: 'metrics', port: 9090, targetPort: 'metrics', appProtocol: 'http' }] });
  });

  it('defaults to port 8080, and refuses the member port', () => {
    expect(envValue(synth({ metrics: {} }), 'PROMETHEUS_PORT')).toBe('8080');
    expect(() => synth({ metrics: { port: 5701 } })).toThrowError(/'metrics\.port' \(5701\) must differ from 'port' \(5701\)/);
  });
});

describe('imagePullSecrets', () => {
  it('names the Secrets on the pod', () => {
    expect(podSpec(synth({ imagePullSecrets: ['registry-creds'] })).imagePullSecrets).toEqual([{ name: 'registry-creds' }]);
    expect(() => synth({ imagePullSecrets: ['Registry_Creds'] })).toThrowError(/'imagePullSecrets' \("Registry_Creds"\) must be an object name/);
  });
});

describe('networkPolicy', () => {
  it('admits only members and labelled clients on the member port', () => {
    const policy = find(synth({ networkPolicy: true }), 'NetworkPolicy');
    expect(policy.spec).toEqual({
      podSelector: { matchLabels: { name: 'hazelcast' } },
      policyTypes: ['Ingress'],
      ingress: [{
        from: [{ podSelector: { matchLabels: { name: 'hazelcast' } } }, { podSelector: { matchLabels: { 'hazelcast-client': 'true' } } }],
        ports: [{ port: 5701, protocol: 'TCP' }],
      }],
    });
  });
  it('opens the metrics port to scrapers when metrics are on', () => {
    const policy = find(synth({ networkPolicy: true, metrics: {} }), 'NetworkPolicy');
    expect(policy.spec.ingress[1]).toEqual({ ports: [{ port: 8080, protocol: 'TCP' }] });
  });
  it('is off by default', () => {
    expect(synth().some((m) => m.kind === 'NetworkPolicy')).toBe(false);
  });
});
