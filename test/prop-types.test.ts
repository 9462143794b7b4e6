// Props as a caller that bypasses TypeScript passes them (plain JavaScript, props read from YAML): every wrong type
// is an error naming the prop and the type it takes, and a valid value of the same prop is the control.
import { Duration, Size } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { synth } from './util';

const bad = (props: object) => () => synth(props as any);

describe('wrong types are refused by name, never a TypeError', () => {
  const cases: Array<[string, object, RegExp]> = [
    ['a Size as a string', { memoryLimit: '2Gi' }, /'memoryLimit' \("2Gi"\) must be a cdk8s Size such as Size.gibibytes\(2\)/],
    ['a Duration as a number', { gracefulShutdownTimeout: 300 }, /'gracefulShutdownTimeout' \(300\) must be a cdk8s Duration/],
    ['a probe period as a number', { readinessProbe: { period: 5 } }, /'readinessProbe.period' \(5\) must be a cdk8s Duration/],
    ['a misspelt probe setting', { livenessProbe: { periods: Duration.seconds(5) } }, /'livenessProbe.periods' is not a probe setting: did you mean 'period'\?/],
    ['metrics null', { metrics: null }, /'metrics' \(null\) must be an object/],
    ['metrics false (would turn it on)', { metrics: false }, /'metrics' \(false\) must be an object/],
    ['externalAccess false (would turn it on)', { externalAccess: false }, /'externalAccess' \(false\) must be an object/],
    ['tolerations as an object', { tolerations: { key: 'a' } }, /'tolerations' \(\{"key":"a"\}\) must be a list/],
    ['"false" for zoneAware', { zoneAware: 'false' }, /'zoneAware' \("false"\) must be true or false \(a boolean, not a string\)/],
    ['"false" for networkPolicy', { networkPolicy: 'false' }, /'networkPolicy' \("false"\) must be true or false/],
    ['"false" for startupProbe', { startupProbe: 'false' }, /'startupProbe' \("false"\) must be true, false or probe timings/],
    ['jvmOptions as one string', { jvmOptions: '-XX:+UseZGC' }, /'jvmOptions' \("-XX:\+UseZGC"\) must be a list of strings/],
    ['commonAnnotations as a string', { commonAnnotations: 'owner=me' }, /'commonAnnotations' \("owner=me"\) must be an object of string values/],
    ['replicas as a string', { replicas: '3' }, /'replicas' \("3"\) must be a number/],
    ['Infinity in config', { config: { queue: { q: { 'empty-queue-ttl': Infinity } } } }, /'config.queue.q.empty-queue-ttl' \(Infinity\) must be a finite number/],
    ['NaN in config', { config: { queue: { q: { 'max-size': NaN } } } }, /'config.queue.q.max-size' \(NaN\) must be a finite number/],
    ['an unknown prop', { replica: 3 }, /'replica' is not a HazelcastCluster prop: did you mean 'replicas'\?/],
    ['props that are not an object', 'x' as unknown as object, /HazelcastCluster props \("x"\) must be an object/],
  ];
  for (const [what, props, error] of cases) {
    it(what, () => {
      let thrown: unknown;
      try {
        synth(props as any);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(Error);
      expect(thrown).not.toBeInstanceOf(TypeError);
      expect((thrown as Error).message).toMatch(error);
    });
  }

  it('control: the same props with the right types synthesize', () => {
    expect(() => synth({
      memoryLimit: Size.gibibytes(2), gracefulShutdownTimeout: Duration.minutes(5), readinessProbe: { period: Duration.seconds(5) },
      metrics: {}, tolerations: [{ key: 'a', operator: 'Exists' }], zoneAware: false, networkPolicy: false, startupProbe: false,
      jvmOptions: ['-XX:+UseZGC'], commonAnnotations: { owner: 'me' }, replicas: 3,
      config: { queue: { q: { emptyQueueTtl: 60, maxSize: 10 } } },
    })).not.toThrow();
  });
});

describe('what the stack owns stays owned', () => {
  it('jvmOptions: each one option starting with -, no heap flags, no shutdown hook, no partition count', () => {
    expect(bad({ jvmOptions: ['UseZGC'] })).toThrowError(/'jvmOptions' entry "UseZGC" must be one option starting with '-'/);
    expect(bad({ jvmOptions: ['-XX:MaxHeapSize=4g'] })).toThrowError(/sizes the heap, which 'heapSize' decides/);
    expect(bad({ jvmOptions: ['-Dhazelcast.shutdownhook.enabled=false'] })).toThrowError(/is set by the stack; it follows the gracefulShutdownTimeout prop/);
    expect(bad({ jvmOptions: ['-Dhazelcast.partition.count=2'] })).toThrowError(/sets the partition count: set it in config.properties/);
    expect(() => synth({ jvmOptions: ['-XX:+UseZGC', '-Dapp.mode=x'] })).not.toThrow();
  });
  it('config.properties: the shutdown hook is the stack\'s', () => {
    expect(bad({ config: { properties: { 'hazelcast.shutdownhook.enabled': 'false' } } })).toThrowError(/'config.properties' key "hazelcast.shutdownhook.enabled" is set by the stack/);
    expect(() => synth({ config: { properties: { 'hazelcast.operation.call.timeout.millis': '30000' } } })).not.toThrow();
  });
});

describe('names sized for the workload', () => {
  it('with externalAccess a name of 53 characters is refused, 52 is taken', () => {
    expect(bad({ name: `a${'b'.repeat(52)}`, externalAccess: {} })).toThrowError(/'name' \(".*", 53 characters\) is too long with 'externalAccess'.*at most 52/);
    expect(() => synth({ name: `a${'b'.repeat(51)}`, externalAccess: {} })).not.toThrow();
    expect(() => synth({ name: `a${'b'.repeat(54)}` })).not.toThrow(); // a Deployment takes 55
  });
});

describe('Enterprise-only settings wherever they sit', () => {
  it('refuses tiered-store on a map and the socket interceptor turned on', () => {
    expect(bad({ config: { map: { m: { tieredStore: { enabled: true } } } } })).toThrowError(/'config\.map\.m\.tieredStore\.enabled' \(true\) is Enterprise Edition only \(Tiered Storage\)/);
    expect(bad({ config: { network: { socketInterceptor: { enabled: true } } } })).toThrowError(/'config\.network\.socketInterceptor\.enabled' \(true\) is Enterprise Edition only/);
  });
  it('control: both turned off are taken', () => {
    expect(() => synth({ config: { map: { m: { tieredStore: { enabled: false } } }, network: { socketInterceptor: { enabled: false } } } })).not.toThrow();
  });
});

describe('Kubernetes rules the schema leaves to the API server (lib/kubernetes-rules.ts)', () => {
  it('image references: uppercase repository, empty or doubled tags, a 129-character tag, non-ASCII are refused', () => {
    for (const image of ['Hazelcast/hazelcast:5.7.0', 'docker.io/Hazelcast/hazelcast', 'repo:', 'hazelcast:5.7.0:extra', `hazelcast:${'x'.repeat(129)}`, 'hazelcäst']) {
      expect(bad({ image }), image).toThrowError(/'image' \(.*\) must be an image reference/);
    }
    expect(bad({ userCode: { image: 'Jars:1' } })).toThrowError(/'userCode.image' \("Jars:1"\) must be an image reference/);
    expect(bad({ sidecars: [{ name: 'x' }] })).toThrowError(/'sidecars "x" image' \(undefined\) must be an image reference/);
  });
  it('control: registries with ports, localhost, digests and library images are taken', () => {
    for (const image of ['docker.io/hazelcast/hazelcast:5.7.0', 'localhost:5000/hz/hazelcast:5.7.0', 'localhost/hz-e2e/user-code:1',
      `registry.example.com/hz/hazelcast@sha256:${'a'.repeat(64)}`, 'hazelcast/hazelcast']) {
      expect(() => synth({ image }), image).not.toThrow();
    }
  });
  it('annotation keys on pods, every object and Services', () => {
    expect(bad({ podAnnotations: { 'bad key!': 'x' } })).toThrowError(/'podAnnotations' key "bad key!" must be an annotation key/);
    expect(bad({ commonAnnotations: { [`${'a'.repeat(64)}`]: 'x' } })).toThrowError(/'commonAnnotations' key "a{64}" must be an annotation key/);
    expect(bad({ service: { annotations: { 'a/b/c': 'x' } } })).toThrowError(/'service.annotations' key "a\/b\/c" must be an annotation key/);
    expect(() => synth({ podAnnotations: { 'fluentbit.io/parser': 'json' }, commonAnnotations: { owner: 'me' } })).not.toThrow();
  });
  it('tolerations and spread constraints the API server would refuse', () => {
    expect(bad({ tolerations: [{ key: 'a', operator: 'Sometimes' }] })).toThrowError(/'tolerations\[0\].operator' \("Sometimes"\) must be "Equal" or "Exists"/);
    expect(bad({ tolerations: [{ operator: 'Equal', value: 'x' }] })).toThrowError(/'tolerations\[0\]' has an empty key, which needs operator "Exists"/);
    expect(bad({ tolerations: [{ key: 'a', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 1.5 }] })).toThrowError(/'tolerations\[0\]' is not a valid Kubernetes Toleration: tolerationSeconds \(1.5\) must be integer/);
    expect(bad({ topologySpreadConstraints: [{ maxSkew: 0, topologyKey: 'zone', whenUnsatisfiable: 'ScheduleAnyway' }] })).toThrowError(/'topologySpreadConstraints\[0\].maxSkew' \(0\) must be a whole number of at least 1/);
    expect(() => synth({
      tolerations: [{ operator: 'Exists' }, { key: 'a', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }],
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' }],
    })).not.toThrow();
  });
  it('volumes with two sources or none, a path mounted twice, a port out of range', () => {
    expect(bad({ extraVolumes: [{ name: 'v', emptyDir: {}, configMap: { name: 'c' } }] })).toThrowError(/volume "v" must have exactly one source .* not emptyDir and configMap/);
    expect(bad({ extraVolumes: [{ name: 'v' }] })).toThrowError(/volume "v" must have exactly one source .* not none/);
    expect(bad({ extraVolumes: [{ name: 'v', emptyDir: {} }], extraVolumeMounts: [{ name: 'v', mountPath: '/data/a' }, { name: 'v', mountPath: '/data/a/' }] }))
      .toThrowError(/'extraVolumeMounts' mounts "\/data\/a\/" twice in container "hazelcast"/);
    expect(bad({ sidecars: [{ name: 'x', image: 'busybox:1', ports: [{ containerPort: 70000 }] }] })).toThrowError(/port 70000 must be a whole number from 1 to 65535/);
    expect(() => synth({ extraVolumes: [{ name: 'v', emptyDir: {} }], extraVolumeMounts: [{ name: 'v', mountPath: '/data/a' }], sidecars: [{ name: 'x', image: 'busybox:1', ports: [{ containerPort: 9000 }] }] })).not.toThrow();
  });
});
