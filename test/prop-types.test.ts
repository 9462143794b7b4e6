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
    ['props that are not an object', 'x', /HazelcastCluster props \("x"\) must be an object/],
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
      config: { queue: { q: { 'empty-queue-ttl': 60, 'max-size': 10 } } },
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
