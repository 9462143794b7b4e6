import { Duration, Size } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { DEFAULT_IMAGE, HazelcastClusterProps, HAZELCAST_VERSION, MEASURED_HAND_OVER_MIB_PER_SECOND } from '../lib';
import { byKind, container, env, envValue, Manifest, synth } from './util';

describe('the default stack', () => {
  const manifests = synth();

  it('matches the snapshot of the whole synthesized output', () => {
    expect(manifests).toMatchSnapshot();
  });

  it('has exactly the objects a safe cluster needs, and no cluster-scoped ones', () => {
    expect(manifests.map((m) => `${m.apiVersion}/${m.kind}`).sort()).toEqual([
      'apps/v1/Deployment',
      'policy/v1/PodDisruptionBudget',
      'rbac.authorization.k8s.io/v1/Role',
      'rbac.authorization.k8s.io/v1/RoleBinding',
      'v1/Service',
      'v1/ServiceAccount',
    ]);
  });

  it('names every object hazelcast in namespace default, with no cdk8s hashes anywhere', () => {
    for (const m of manifests) {
      expect(m.metadata.name, m.kind).toBe('hazelcast');
      expect(m.metadata.namespace, m.kind).toBe('default');
      expect(m.metadata.labels.name, m.kind).toBe('hazelcast');
    }
    expect(JSON.stringify(manifests)).not.toMatch(/cdk8s\.io\/metadata\.addr|-c8[0-9a-f]{6}/);
  });
});

describe('the tutorial fields', () => {
  const manifests = synth();

  it('Service hazelcast: label and selector name=hazelcast, port 5701', () => {
    const service = byKind(manifests, 'Service');
    expect(service.apiVersion).toBe('v1');
    expect(service.spec.selector).toEqual({ name: 'hazelcast' });
    expect(service.spec.ports).toEqual([{ name: 'hazelcast', port: 5701, targetPort: 'hazelcast', appProtocol: 'tcp' }]);
  });

  it('Deployment hazelcast: apps/v1, selector exactly name=hazelcast, pod label, container port 5701 named hazelcast', () => {
    const deployment = byKind(manifests, 'Deployment');
    expect(deployment.apiVersion).toBe('apps/v1');
    expect(deployment.spec.selector).toEqual({ matchLabels: { name: 'hazelcast' } });
    expect(deployment.spec.template.metadata.labels.name).toBe('hazelcast');
    expect(container(manifests).name).toBe('hazelcast');
    expect(container(manifests).ports).toEqual([{ name: 'hazelcast', containerPort: 5701, protocol: 'TCP' }]);
  });

  it('DNS_DOMAIN=cluster.local, and discovery derives the API server address from it', () => {
    const names = env(manifests).map((e) => e.name);
    expect(envValue(manifests, 'DNS_DOMAIN')).toBe('cluster.local');
    expect(envValue(manifests, 'HZ_NETWORK_JOIN_KUBERNETES_KUBERNETESMASTER')).toBe('https://kubernetes.default.svc.$(DNS_DOMAIN)');
    // Kubernetes expands $(VAR) only from variables defined earlier in the list.
    expect(names.indexOf('DNS_DOMAIN')).toBeLessThan(names.indexOf('HZ_NETWORK_JOIN_KUBERNETES_KUBERNETESMASTER'));
  });

  it('replicas come from the prop (default 3)', () => {
    expect(byKind(manifests, 'Deployment').spec.replicas).toBe(3);
    expect(byKind(synth({ replicas: 4 }), 'Deployment').spec.replicas).toBe(4);
  });
});

describe('discovery and RBAC', () => {
  const manifests = synth();

  it('uses the official Community Edition image of the pinned version', () => {
    expect(container(manifests).image).toBe(`docker.io/hazelcast/hazelcast:${HAZELCAST_VERSION}`);
    expect(container(manifests).imagePullPolicy).toBe('IfNotPresent');
  });

  it('turns on Kubernetes API discovery by the Service name and turns multicast off', () => {
    expect(envValue(manifests, 'HZ_NETWORK_JOIN_MULTICAST_ENABLED')).toBe('false');
    expect(envValue(manifests, 'HZ_NETWORK_JOIN_KUBERNETES_ENABLED')).toBe('true');
    expect(envValue(manifests, 'HZ_NETWORK_JOIN_KUBERNETES_SERVICENAME')).toBe(byKind(manifests, 'Service').metadata.name);
    expect(env(manifests).find((e) => e.name === 'HZ_NETWORK_JOIN_KUBERNETES_NAMESPACE')?.valueFrom)
      .toEqual({ fieldRef: { fieldPath: 'metadata.namespace' } });
    expect(envValue(manifests, 'HZ_CLUSTERNAME')).toBe('hazelcast');
  });

  it('grants only get/list on endpoints, pods and endpointslices, in its own namespace', () => {
    expect(byKind(manifests, 'Role').rules).toEqual([
      { apiGroups: [''], resources: ['endpoints', 'pods'], verbs: ['get', 'list'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list'] },
    ]);
    const binding = byKind(manifests, 'RoleBinding');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'hazelcast' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'hazelcast', namespace: 'default' }]);
  });

  it('mounts the service-account token for the member container only', () => {
    expect(byKind(manifests, 'ServiceAccount').automountServiceAccountToken).toBe(false);
    const pod = byKind(manifests, 'Deployment').spec.template.spec;
    expect(pod.serviceAccountName).toBe('hazelcast');
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'kube-api-access', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true });
  });

  it('puts the RoleBinding subject and every object in the namespace prop', () => {
    const custom = synth({ namespace: 'caching' });
    for (const m of custom) expect(m.metadata.namespace, m.kind).toBe('caching');
    expect(byKind(custom, 'RoleBinding').subjects[0].namespace).toBe('caching');
  });
});

describe('availability and shutdown', () => {
  const manifests = synth();
  const pod = byKind(manifests, 'Deployment').spec.template.spec;

  it('probes readiness on /hazelcast/health/ready and liveness on /hazelcast/health/node-state', () => {
    expect(container(manifests).readinessProbe.httpGet).toEqual({ path: '/hazelcast/health/ready', port: 'hazelcast' });
    expect(container(manifests).livenessProbe.httpGet).toEqual({ path: '/hazelcast/health/node-state', port: 'hazelcast' });
    // Tuned for convergence (npm run bench:cluster): seen ready within 2 s of joining, out after 10 s of misses.
    expect(container(manifests).readinessProbe).toMatchObject({ periodSeconds: 2, failureThreshold: 5 });
    expect(envValue(manifests, 'HZ_NETWORK_RESTAPI_ENABLED')).toBe('true');
    expect(envValue(manifests, 'HZ_NETWORK_RESTAPI_ENDPOINTGROUPS_HEALTHCHECK_ENABLED')).toBe('true');
  });

  it('shuts down gracefully within a max wait that the termination grace period covers', () => {
    const opts = envValue(manifests, 'JAVA_OPTS')!;
    expect(opts).toContain('-Dhazelcast.shutdownhook.policy=GRACEFUL');
    const maxWait = Number(/-Dhazelcast\.graceful\.shutdown\.max\.wait=(\d+)/.exec(opts)![1]);
    expect(maxWait).toBe(DEFAULT_HEAP_GRACE_SECONDS);
    expect(pod.terminationGracePeriodSeconds).toBe(maxWait + 30);
    const longer = synth({ gracefulShutdownTimeout: Duration.minutes(15) });
    expect(envValue(longer, 'JAVA_OPTS')).toContain('-Dhazelcast.graceful.shutdown.max.wait=900');
    expect(byKind(longer, 'Deployment').spec.template.spec.terminationGracePeriodSeconds).toBe(930);
  });

  // lib/graceful-shutdown.ts: a full heap at the measured hand-over rate, x 3, in whole minutes.
  const DEFAULT_HEAP_GRACE_SECONDS = 180; // heap 1536 MiB
  const maxWaitOf = (m: Manifest[]) => Number(/shutdown\.max\.wait=(\d+)/.exec(envValue(m, 'JAVA_OPTS')!)![1]);

  it('sizes the default grace period from the heap: a bigger heap gets longer to hand over', () => {
    const big = synth({ memoryLimit: Size.gibibytes(10), heapSize: Size.gibibytes(8) });
    const fullHeapSeconds = Math.ceil(8192 / MEASURED_HAND_OVER_MIB_PER_SECOND);
    expect(maxWaitOf(big)).toBe(Math.ceil((fullHeapSeconds * 3) / 60) * 60);
    expect(maxWaitOf(big)).toBeGreaterThan(DEFAULT_HEAP_GRACE_SECONDS);
    // Small heaps keep 2 minutes for the JVM's own shutdown.
    expect(maxWaitOf(synth({ memoryLimit: Size.mebibytes(768), heapSize: Size.mebibytes(256) }))).toBe(120);
  });

  it('refuses a grace period too short to hand over a full heap at the measured rate, and takes the least one that is not', () => {
    const least = Math.ceil(1536 / MEASURED_HAND_OVER_MIB_PER_SECOND);
    expect(() => synth({ gracefulShutdownTimeout: Duration.seconds(least - 1) })).toThrow(
      new RegExp(`'gracefulShutdownTimeout' \\(${least - 1}s\\) is shorter than handing over a full 'heapSize' \\(1536Mi\\) `
        + `takes at ${MEASURED_HAND_OVER_MIB_PER_SECOND} MiB/s.*raise it to at least ${least}s \\(the default for this heap is `
        + `${DEFAULT_HEAP_GRACE_SECONDS}s\\) or lower heapSize`));
    expect(maxWaitOf(synth({ gracefulShutdownTimeout: Duration.seconds(least) }))).toBe(least);
    // The same timeout passes with a heap it covers.
    expect(maxWaitOf(synth({ gracefulShutdownTimeout: Duration.seconds(least - 1), memoryLimit: Size.mebibytes(768), heapSize: Size.mebibytes(256) }))).toBe(least - 1);
  });

  it('lets the first member of a new cluster wait 2 s for peers (Hazelcast: 5 s)', () => {
    expect(envValue(manifests, 'JAVA_OPTS')).toContain('-Dhazelcast.wait.seconds.before.join=2');
  });

  it('rolls one member at a time: a new one is up before an old one goes', () => {
    expect(byKind(manifests, 'Deployment').spec.strategy).toEqual({
      type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
    });
  });

  it('has a PodDisruptionBudget letting at most one member go, only with two or more members', () => {
    expect(byKind(manifests, 'PodDisruptionBudget').spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { name: 'hazelcast' } } });
    expect(byKind(synth({ replicas: 2 }), 'PodDisruptionBudget').spec.maxUnavailable).toBe(1);
    expect(synth({ replicas: 1 }).some((m) => m.kind === 'PodDisruptionBudget')).toBe(false);
    expect(synth({ replicas: 0 }).some((m) => m.kind === 'PodDisruptionBudget')).toBe(false);
  });
});

describe('Pod Security "restricted"', () => {
  const pod = byKind(synth(), 'Deployment').spec.template.spec;
  const member = pod.containers[0];

  it('runs as a numeric non-root uid and gid with the RuntimeDefault seccomp profile', () => {
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, fsGroup: 65534, seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  it('drops all capabilities, forbids privilege escalation and has a read-only root with a writable /tmp', () => {
    expect(member.securityContext).toEqual({
      allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] },
    });
    expect(member.volumeMounts).toEqual([
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'kube-api-access', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true },
    ]);
    expect(pod.volumes.map((v: any) => v.name)).toEqual(['tmp', 'kube-api-access']);
  });

  it('uses no host namespaces, host paths, host ports or privileged containers', () => {
    const text = JSON.stringify(pod);
    expect(text).not.toMatch(/hostNetwork|hostPID|hostIPC|hostPath|hostPort|privileged/);
  });
});

describe('resources and heap', () => {
  it('requests and limits 2Gi with a 1536m heap by default', () => {
    const member = container(synth());
    expect(member.resources).toEqual({
      requests: { 'cpu': '500m', 'memory': '2048Mi', 'ephemeral-storage': '1024Mi' },
      limits: { 'cpu': '2', 'memory': '2048Mi', 'ephemeral-storage': '1024Mi' },
    });
    expect(envValue(synth(), 'JAVA_OPTS')).toMatch(/^-Xms1536m -Xmx1536m /);
  });

  it('sizes the heap from the memory limit, or takes it as given', () => {
    const oneGi = synth({ memoryLimit: Size.gibibytes(1) });
    expect(container(oneGi).resources.limits.memory).toBe('1024Mi');
    expect(envValue(oneGi, 'JAVA_OPTS')).toMatch(/^-Xms768m -Xmx768m /);
    expect(envValue(synth({ memoryLimit: Size.gibibytes(1), heapSize: Size.mebibytes(512) }), 'JAVA_OPTS')).toMatch(/^-Xms512m -Xmx512m /);
  });

  it('takes ephemeral storage as a Size', () => {
    expect(container(synth({ ephemeralStorage: Size.gibibytes(4) })).resources)
      .toMatchObject({ requests: { 'ephemeral-storage': '4096Mi' }, limits: { 'ephemeral-storage': '4096Mi' } });
  });

  it('takes CPU in millicores', () => {
    expect(container(synth({ cpuRequestMillis: 250, cpuLimitMillis: 1500 })).resources)
      .toMatchObject({ requests: { cpu: '250m' }, limits: { cpu: '1500m' } });
  });
});

describe('changing replicas changes replicas, and only what depends on it', () => {
  it('3 -> 5 changes spec.replicas of the Deployment and nothing else', () => {
    const three = synth({ replicas: 3 });
    const five = synth({ replicas: 5 });
    const withoutReplicas = (ms: Manifest[]) => ms.map((m) => (m.kind === 'Deployment'
      ? { ...m, spec: { ...m.spec, replicas: undefined } } : m));
    expect(byKind(five, 'Deployment').spec.replicas).toBe(5);
    expect(withoutReplicas(five)).toEqual(withoutReplicas(three));
  });
});

describe('other props', () => {
  it('a custom name renames every object, the selector label and the cluster name', () => {
    const manifests = synth({ name: 'sessions' });
    for (const m of manifests) expect(m.metadata.name, m.kind).toBe('sessions');
    expect(byKind(manifests, 'Service').spec.selector).toEqual({ name: 'sessions' });
    expect(envValue(manifests, 'HZ_NETWORK_JOIN_KUBERNETES_SERVICENAME')).toBe('sessions');
    expect(envValue(manifests, 'HZ_CLUSTERNAME')).toBe('sessions');
    expect(byKind(manifests, 'RoleBinding').subjects[0].name).toBe('sessions');
  });

  it('a custom port moves the member, the container port and the Service port together', () => {
    const manifests = synth({ port: 5801 });
    expect(envValue(manifests, 'HZ_NETWORK_PORT_PORT')).toBe('5801');
    expect(container(manifests).ports[0].containerPort).toBe(5801);
    expect(byKind(manifests, 'Service').spec.ports[0].port).toBe(5801);
  });

  it('labels the version only for the stack\'s own image', () => {
    expect(byKind(synth(), 'Deployment').metadata.labels['app.kubernetes.io/version']).toBe(HAZELCAST_VERSION);
    expect(synth().map((m) => m.metadata.labels['app.kubernetes.io/version'])).not.toContain(undefined);
    const custom = synth({ image: 'registry.example/hz:custom' });
    expect(container(custom).image).toBe('registry.example/hz:custom');
    expect(custom.some((m) => 'app.kubernetes.io/version' in m.metadata.labels)).toBe(false);
    expect(DEFAULT_IMAGE).toBe(`docker.io/hazelcast/hazelcast:${HAZELCAST_VERSION}`);
  });

  it('a configured partition count raises the replica limit with it', () => {
    expect(byKind(synth({ replicas: 300, config: { properties: { 'hazelcast.partition.count': '1009' } } }), 'Deployment').spec.replicas).toBe(300);
  });

  it('extra labels land on metadata and pods, never in selectors', () => {
    const manifests = synth({ labels: { team: 'payments' } });
    for (const m of manifests) expect(m.metadata.labels.team, m.kind).toBe('payments');
    expect(byKind(manifests, 'Deployment').spec.template.metadata.labels.team).toBe('payments');
    expect(byKind(manifests, 'Deployment').spec.selector).toEqual({ matchLabels: { name: 'hazelcast' } });
    expect(byKind(manifests, 'Service').spec.selector).toEqual({ name: 'hazelcast' });
  });

});

describe('bad input fails with the prop, the value and what is valid', () => {
  const cases: Array<[string, HazelcastClusterProps, RegExp]> = [
    ['negative replicas', { replicas: -1 }, /'replicas' \(-1\) must be an integer from 0 to 271/],
    ['fractional replicas', { replicas: 2.5 }, /'replicas' \(2\.5\) must be an integer from 0 to 271/],
    ['NaN replicas', { replicas: NaN }, /'replicas' \(NaN\) must be an integer/],
    ['absurd replicas', { replicas: 100000 }, /'replicas' \(100000\) must be an integer from 0 to 271 \(a member past/],
    ['uppercase name', { name: 'Hazelcast' }, /'name' \("Hazelcast"\) must be .*DNS-1035 label/],
    ['name starting with a digit', { name: '1hz' }, /'name' \("1hz"\)/],
    ['empty name', { name: '' }, /'name' \(""\)/],
    ['too long name (names derived from it would pass 63)', { name: 'h'.repeat(56) }, /'name' \("h{56}"\) must be at most 55 characters/],
    ['more replicas than a configured partition count', { replicas: 8, config: { properties: { 'hazelcast.partition.count': '7' } } }, /'replicas' \(8\) must be an integer from 0 to 7 \(at most 'config.properties' "hazelcast.partition.count", 7/],
    ['a partition count of 0, not blamed on replicas', { replicas: 3, config: { properties: { 'hazelcast.partition.count': '0' } } }, /'config.properties' value for "hazelcast.partition.count" \("0"\) must be a whole number from 1 to 999999/],
    ['graceful shutdown in fractions of a second', { gracefulShutdownTimeout: Duration.millis(1500) }, /'gracefulShutdownTimeout \(seconds\)' \(1\.5\) must be an integer from 1 to 86400/],
    ['namespace with underscore', { namespace: 'my_ns' }, /'namespace' \("my_ns"\) must be .*DNS-1123 label/],
    ['DNS domain with a trailing dot', { dnsDomain: 'cluster.local.' }, /'dnsDomain' \("cluster\.local\."\) must be a DNS domain/],
    ['DNS domain with a space', { dnsDomain: 'cluster local' }, /'dnsDomain' \("cluster local"\)/],
    ['empty DNS domain', { dnsDomain: '' }, /'dnsDomain' \(""\)/],
    ['port 0', { port: 0 }, /'port' \(0\) must be an integer from 1 to 65535/],
    ['port 70000', { port: 70000 }, /'port' \(70000\) must be an integer from 1 to 65535/],
    ['empty image', { image: '' }, /'image' \(""\) must be an image reference/],
    ['image with a space', { image: 'hazelcast/hazelcast 5.7.0' }, /'image' \("hazelcast\/hazelcast 5\.7\.0"\)/],
    ['memory too small for the heap', { memoryLimit: Size.mebibytes(512), heapSize: Size.mebibytes(512) },
      /'heapSize' \(512Mi\) must leave 256Mi of 'memoryLimit' \(512Mi\) to the JVM: raise memoryLimit to at least 768Mi/],
    ['memory too small for any heap', { memoryLimit: Size.mebibytes(256) }, /'heapSize' \(192Mi\) must leave 256Mi of 'memoryLimit' \(256Mi\)/],
    ['no ephemeral storage', { ephemeralStorage: Size.mebibytes(0) }, /'ephemeralStorage' \(0Mi\) must be a positive whole number of MiB/],
    ['fractional memory', { memoryLimit: Size.kibibytes(1536) }, /'memoryLimit' \(1\.5Mi\) must be a positive whole number of MiB/],
    ['CPU limit below request', { cpuRequestMillis: 1000, cpuLimitMillis: 500 }, /'cpuLimitMillis' \(500\) must be an integer from 1000 to .*not below 'cpuRequestMillis'/],
    ['zero graceful shutdown', { gracefulShutdownTimeout: Duration.seconds(0) }, /'gracefulShutdownTimeout \(seconds\)' \(0\) must be an integer from 1 to 86400/],
    ['label value with a space', { labels: { team: 'a b' } }, /'labels' value "a b" for key "team" is not a valid label value/],
    ['label that would override the selector label', { labels: { name: 'other' } }, /'labels' key "name" is set by the stack/],
    ['label key with two slashes', { labels: { 'a/b/c': 'x' } }, /'labels' key "a\/b\/c" is not a valid label key/],
  ];

  it.each(cases)('%s', (_what, props, message) => {
    expect(() => synth(props)).toThrowError(message);
  });
});
