// The config cookbook (docs/how-to/member-config.md), shipped as `Cookbook` in the package: each config
// synthesizes, passes Hazelcast's schema, and renders what its comment promises.
import { describe, expect, it } from 'vitest';
import { Cookbook, HazelcastConfig, renderHazelcastConfig } from '../lib';
import { byKind, envValue, podSpec, synth } from './util';

const hz = (config: HazelcastConfig) => (renderHazelcastConfig(config) as any).hazelcast;

describe('config cookbook', () => {
  it.each([
    ['session cache', Cookbook.sessionCache()],
    ['event queue', Cookbook.eventQueue()],
    ['near-cached reference data', Cookbook.referenceData()],
    ['split-brain-protected map', Cookbook.splitBrainProtectedMap()],
    ['Jet pipeline', Cookbook.jetPipeline()],
  ])('%s synthesizes into a ConfigMap the schema accepts', (_name, config) => {
    // synth() renders and checks against the schema; it throws on anything the schema refuses.
    expect(byKind(synth({ config }), 'ConfigMap').data['hazelcast.yaml']).toMatch(/^hazelcast:\n/);
  });

  it('session cache: idle expiry and heap-bounded LRU eviction', () => {
    expect(hz(Cookbook.sessionCache()).map['sessions-*']).toMatchObject({
      'max-idle-seconds': 1800, 'eviction': { 'eviction-policy': 'LRU', 'max-size-policy': 'USED_HEAP_PERCENTAGE', 'size': 80 },
    });
    expect(Object.keys(hz(Cookbook.sessionCache('web-sessions')).map)).toEqual(['web-sessions']);
  });

  it('event queue: bounded', () => {
    expect(hz(Cookbook.eventQueue()).queue.events['max-size']).toBe(1000);
    expect(hz(Cookbook.eventQueue({ name: 'jobs', maxSize: 50 })).queue.jobs['max-size']).toBe(50);
  });

  it('reference data: a near cache invalidated on change, an index on the lookup attribute', () => {
    const products = hz(Cookbook.referenceData()).map.products;
    expect(products['near-cache']).toMatchObject({ 'invalidate-on-change': true, 'in-memory-format': 'OBJECT' });
    expect(products.indexes).toEqual([{ type: 'HASH', attributes: ['category'] }]);
  });

  it('split-brain protection: the map refers to a protection that exists', () => {
    const doc = hz(Cookbook.splitBrainProtectedMap());
    expect(doc['split-brain-protection'][doc.map.accounts['split-brain-protection-ref']]).toMatchObject({ 'minimum-cluster-size': 2 });
  });

  it('Jet pipeline: Jet on, uploads off, the job jar on the classpath', () => {
    expect(hz(Cookbook.jetPipeline()).jet).toMatchObject({ 'enabled': true, 'resource-upload-enabled': false });
    const ms = synth({ config: Cookbook.jetPipeline(), userCode: { image: 'registry.example/trade-pipeline-jars:1.0', path: '/jars' } });
    expect(envValue(ms, 'CLASSPATH')).toBe('/data/user-code:/data/user-code/*');
    expect(podSpec(ms).initContainers[0].image).toBe('registry.example/trade-pipeline-jars:1.0');
  });
});
