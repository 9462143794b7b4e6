// The member pod's knobs: user code on the classpath, probe timings, logging level, and what a platform adds
// (labels, annotations, priority, spread, volumes, init containers, sidecars), none of which may break a guarantee.
import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { HazelcastClusterProps } from '../lib';
import { byKind, container as member, envValue, podSpec, synth } from './util';

const restricted = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } };

describe('userCode', () => {
  it('image: an init container copies the jars into an emptyDir that the member mounts and names in CLASSPATH', () => {
    const ms = synth({ userCode: { image: 'registry.example/app-jars:1.0', path: '/jars' } });
    const pod = podSpec(ms);
    expect(pod.initContainers).toEqual([{
      name: 'user-code',
      image: 'registry.example/app-jars:1.0',
      imagePullPolicy: 'IfNotPresent',
      command: ['cp', '-R', '/jars/.', '/data/user-code/'],
      resources: {
        requests: { 'cpu': '100m', 'memory': '64Mi', 'ephemeral-storage': '64Mi' },
        limits: { 'cpu': '500m', 'memory': '64Mi', 'ephemeral-storage': '64Mi' },
      },
      securityContext: restricted,
      volumeMounts: [{ name: 'user-code', mountPath: '/data/user-code' }],
    }]);
    expect(pod.volumes).toContainEqual({ name: 'user-code', emptyDir: {} });
    expect(member(ms).volumeMounts).toContainEqual({ name: 'user-code', mountPath: '/data/user-code', readOnly: true });
    expect(envValue(ms, 'CLASSPATH')).toBe('/data/user-code:/data/user-code/*');
  });

  it('volume: mounted read-only from its root, no init container', () => {
    const ms = synth({ userCode: { volume: { persistentVolumeClaim: { claimName: 'app-jars', readOnly: true } } } });
    expect(podSpec(ms).initContainers).toBeUndefined();
    expect(podSpec(ms).volumes).toContainEqual({ name: 'user-code', persistentVolumeClaim: { claimName: 'app-jars', readOnly: true } });
    expect(envValue(ms, 'CLASSPATH')).toBe('/data/user-code:/data/user-code/*');
  });

  it('is off by default, and CLASSPATH is the stack\'s once it is on', () => {
    expect(envValue(synth(), 'CLASSPATH')).toBeUndefined();
    expect(() => synth({ userCode: { image: 'a:1' }, env: { CLASSPATH: '/x' } })).toThrowError(/'env' "CLASSPATH" is set by the stack/);
  });

  it.each([
    [{}, /'userCode' must set exactly one of 'image' .* and 'volume' .*; it sets neither/],
    [{ image: 'a:1', volume: { configMap: { name: 'jars' } } }, /it sets both/],
    [{ volume: { hostPath: { path: '/opt/jars' } } }, /'userCode\.volume' \(hostPath\) is refused: Pod Security "restricted"/],
    [{ image: 'a:1', path: 'jars' }, /'userCode\.path' \("jars"\) must be an absolute path/],
    [{ image: 'a b' }, /'userCode\.image' \("a b"\) must be an image reference/],
  ])('refuses %j', (userCode, message) => {
    expect(() => synth({ userCode: userCode as HazelcastClusterProps['userCode'] })).toThrowError(message);
  });
});

describe('probes', () => {
  it('keep their defaults: readiness every 2 s, liveness as the chart, no startup probe', () => {
    const c = member(synth());
    expect(c.readinessProbe).toEqual({ httpGet: { path: '/hazelcast/health/ready', port: 'hazelcast' }, initialDelaySeconds: 3, periodSeconds: 2, timeoutSeconds: 2, failureThreshold: 5 });
    expect(c.livenessProbe).toEqual({ httpGet: { path: '/hazelcast/health/node-state', port: 'hazelcast' }, initialDelaySeconds: 30, periodSeconds: 10, timeoutSeconds: 10, failureThreshold: 10 });
    expect(c.startupProbe).toBeUndefined();
  });

  it('take timings as Durations, and an optional startup probe', () => {
    const c = member(synth({
      readinessProbe: { period: Duration.seconds(5) },
      livenessProbe: { initialDelay: Duration.seconds(0), failureThreshold: 3 },
      startupProbe: { period: Duration.seconds(10), failureThreshold: 30 },
    }));
    expect(c.readinessProbe).toMatchObject({ initialDelaySeconds: 3, periodSeconds: 5 });
    expect(c.livenessProbe).toMatchObject({ initialDelaySeconds: 0, failureThreshold: 3 });
    expect(c.startupProbe).toEqual({ httpGet: { path: '/hazelcast/health/node-state', port: 'hazelcast' }, initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 30 });
    expect(member(synth({ startupProbe: true })).startupProbe).toMatchObject({ periodSeconds: 5, failureThreshold: 60 });
  });

  it.each([
    [{ readinessProbe: { period: Duration.millis(500) } }, /'readinessProbe\.period \(seconds\)' \(0\.5\) must be an integer from 1 to 3600/],
    [{ livenessProbe: { failureThreshold: 0 } }, /'livenessProbe\.failureThreshold' \(0\) must be an integer from 1 to 1000/],
    [{ startupProbe: { timeout: Duration.seconds(0) } }, /'startupProbe\.timeout \(seconds\)' \(0\) must be an integer from 1/],
  ])('refuses %j', (props, message) => {
    expect(() => synth(props as HazelcastClusterProps)).toThrowError(message);
  });
});

describe('loggingLevel', () => {
  it('sets the image\'s LOGGING_LEVEL, which env may then not set', () => {
    expect(envValue(synth({ loggingLevel: 'DEBUG' }), 'LOGGING_LEVEL')).toBe('DEBUG');
    expect(envValue(synth(), 'LOGGING_LEVEL')).toBeUndefined();
    expect(() => synth({ loggingLevel: 'WARN', env: { LOGGING_LEVEL: 'INFO' } })).toThrowError(/'env' "LOGGING_LEVEL" is set by the stack/);
    expect(() => synth({ loggingLevel: 'VERBOSE' as any })).toThrowError(/'loggingLevel' \("VERBOSE"\) must be one of OFF, FATAL, ERROR, WARN, INFO, DEBUG, TRACE, ALL/);
  });
});

describe('pod extras', () => {
  it('pod labels and annotations land on the pods only, never in selectors', () => {
    const ms = synth({ podLabels: { 'sidecar.istio.io/inject': 'false' }, podAnnotations: { 'fluentbit.io/parser': 'json' } });
    const template = byKind(ms, 'Deployment').spec.template;
    expect(template.metadata.labels['sidecar.istio.io/inject']).toBe('false');
    expect(template.metadata.annotations).toEqual({ 'fluentbit.io/parser': 'json' });
    expect(byKind(ms, 'Deployment').spec.selector).toEqual({ matchLabels: { name: 'hazelcast' } });
    expect(byKind(ms, 'Service').metadata.labels['sidecar.istio.io/inject']).toBeUndefined();
  });

  it('refuses pod labels and annotations the stack sets', () => {
    expect(() => synth({ podLabels: { name: 'x' } })).toThrowError(/'podLabels' key "name" is set by the stack; it follows the stack \(selectors/);
    expect(() => synth({ labels: { team: 'a' }, podLabels: { team: 'b' } })).toThrowError(/'podLabels' key "team" is set by the stack; it follows the labels prop/);
    expect(() => synth({ config: { queue: { q: {} } }, podAnnotations: { 'checksum/config': 'x' } })).toThrowError(/'podAnnotations' key "checksum\/config" is set by the stack; it follows the config prop/);
  });

  it('commonAnnotations go on every object, the Deployment\'s kube-score annotation kept', () => {
    const ms = synth({ commonAnnotations: { 'owner': 'platform-team' }, zoneAware: true });
    for (const m of ms) expect(m.metadata.annotations?.owner, m.kind).toBe('platform-team');
    expect(byKind(ms, 'Deployment').metadata.annotations['kube-score/ignore']).toBe('container-image-pull-policy');
    expect(() => synth({ commonAnnotations: { 'kube-score/ignore': 'x' } })).toThrowError(/'commonAnnotations' key "kube-score\/ignore" is set by the stack/);
  });

  it('priorityClassName and topology spread constraints (labelSelector defaults to the members)', () => {
    const pod = podSpec(synth({
      priorityClassName: 'cache-critical',
      zoneAware: true,
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule' }],
    }));
    expect(pod.priorityClassName).toBe('cache-critical');
    expect(pod.topologySpreadConstraints).toHaveLength(2);
    expect(pod.topologySpreadConstraints[1]).toEqual({ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { name: 'hazelcast' } } });
    expect(() => synth({ priorityClassName: 'High' })).toThrowError(/'priorityClassName' \("High"\) must be an object name/);
  });

  it('extra volumes and mounts, checked against the stack\'s', () => {
    const ms = synth({
      extraVolumes: [{ name: 'certs', secret: { secretName: 'client-certs' } }],
      extraVolumeMounts: [{ name: 'certs', mountPath: '/data/certs', readOnly: true }],
    });
    expect(podSpec(ms).volumes).toContainEqual({ name: 'certs', secret: { secretName: 'client-certs' } });
    expect(member(ms).volumeMounts).toContainEqual({ name: 'certs', mountPath: '/data/certs', readOnly: true });
  });

  it.each([
    [{ extraVolumes: [{ name: 'tmp', emptyDir: {} }] }, /'extraVolumes' name "tmp" is taken/],
    [{ extraVolumes: [{ name: 'host', hostPath: { path: '/var' } }] }, /'extraVolumes' "host" is a hostPath volume, which Pod Security "restricted" forbids/],
    [{ extraVolumeMounts: [{ name: 'nope', mountPath: '/x' }] }, /'extraVolumeMounts' "\/x" names volume "nope", which the pod does not have/],
    [{ extraVolumes: [{ name: 'v', emptyDir: {} }], extraVolumeMounts: [{ name: 'v', mountPath: '/tmp/x' }] }, /'extraVolumeMounts' path "\/tmp\/x" overlaps "\/tmp", which the stack mounts/],
    [{ extraVolumes: [{ name: 'v', emptyDir: {} }], extraVolumeMounts: [{ name: 'v', mountPath: '/data' }] }, /'extraVolumeMounts' path "\/data" overlaps "\/data\/hazelcast"/],
  ])('refuses %j', (props, message) => {
    expect(() => synth(props as HazelcastClusterProps)).toThrowError(message);
  });

  it('init containers and sidecars get the restricted security context', () => {
    const pod = podSpec(synth({
      userCode: { image: 'jars:1' },
      initContainers: [{ name: 'wait-for-db', image: 'busybox:1.36', command: ['true'] }],
      sidecars: [{ name: 'log-shipper', image: 'fluent/fluent-bit:3.0', securityContext: { runAsUser: 10001 } }],
    }));
    expect(pod.initContainers.map((c: any) => c.name)).toEqual(['user-code', 'wait-for-db']);
    expect(pod.initContainers[1].securityContext).toEqual(restricted);
    expect(pod.containers.map((c: any) => c.name)).toEqual(['hazelcast', 'log-shipper']);
    expect(pod.containers[1].securityContext).toEqual({ ...restricted, runAsUser: 10001 });
  });

  it.each([
    [{ sidecars: [{ name: 'mesh', image: 'm', securityContext: { privileged: true } }] }, /'sidecars' container "mesh" is privileged: every container of the pod must pass Pod Security "restricted"/],
    [{ sidecars: [{ name: 'mesh', image: 'm', securityContext: { capabilities: { add: ['NET_ADMIN'] } } }] }, /'sidecars' container "mesh" adds capabilities NET_ADMIN/],
    [{ initContainers: [{ name: 'init', image: 'm', securityContext: { runAsUser: 0 } }] }, /'initContainers' container "init" runs as root/],
    [{ initContainers: [{ name: 'init', image: 'm', securityContext: { allowPrivilegeEscalation: true } }] }, /allows privilege escalation/],
    [{ sidecars: [{ name: 'proxy', image: 'm', ports: [{ containerPort: 80, hostPort: 80 }] }] }, /'sidecars' container "proxy" uses host port 80/],
    [{ sidecars: [{ name: 'hazelcast', image: 'm' }] }, /'sidecars' container name "hazelcast" is taken/],
    [{ sidecars: [{ name: 'proxy', image: 'm', ports: [{ containerPort: 5701 }] }] }, /'sidecars' container "proxy" port 5701 is the member's; it follows the port prop/],
    [{ metrics: { port: 9090 }, sidecars: [{ name: 'exporter', image: 'm', ports: [{ containerPort: 9090 }] }] }, /port 9090 is the member's; it follows the metrics prop/],
    [{ userCode: { image: 'j:1' }, initContainers: [{ name: 'user-code', image: 'm' }] }, /'initContainers' container name "user-code" is taken/],
  ])('refuses %j', (props, message) => {
    expect(() => synth(props as HazelcastClusterProps)).toThrowError(message);
  });
});
