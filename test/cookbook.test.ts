// The config cookbook (docs/how-to/member-config.md) (examples/cookbook/): each config synthesizes, passes Hazelcast's schema, and
// renders what its comment promises.
import { describe, expect, it } from 'vitest';
import {
  EVENT_QUEUE_MAX_SIZE, EVENT_QUEUE_NAME, eventQueue, jetPipeline, jetPipelineProps, referenceData, sessionCache,
  splitBrainProtectedMap,
} from '../examples/cookbook';
import { HazelcastConfig, renderHazelcastConfig } from '../lib';
import { byKind, envValue, podSpec, synth } from './util';

const hz = (config: HazelcastConfig) => (renderHazelcastConfig(config) as any).hazelcast;

describe('config cookbook', () => {
  it.each([
    ['session cache', sessionCache],
    ['event queue', eventQueue],
    ['near-cached reference data', referenceData],
    ['split-brain-protected map', splitBrainProtectedMap],
    ['Jet pipeline', jetPipeline],
  ])('%s synthesizes into a ConfigMap the schema accepts', (_name, config) => {
    // synth() renders and checks against the schema; it throws on anything the schema refuses.
    expect(byKind(synth({ config }), 'ConfigMap').data['hazelcast.yaml']).toMatch(/^hazelcast:\n/);
  });

  it('session cache: idle expiry and heap-bounded LRU eviction', () => {
    expect(hz(sessionCache).map['sessions-*']).toMatchObject({
      'max-idle-seconds': 1800, 'eviction': { 'eviction-policy': 'LRU', 'max-size-policy': 'USED_HEAP_PERCENTAGE', 'size': 80 },
    });
  });

  it('event queue: bounded', () => {
    expect(hz(eventQueue).queue[EVENT_QUEUE_NAME]['max-size']).toBe(EVENT_QUEUE_MAX_SIZE);
  });

  it('reference data: a near cache invalidated on change', () => {
    expect(hz(referenceData).map.products['near-cache']).toMatchObject({ 'invalidate-on-change': true, 'in-memory-format': 'OBJECT' });
  });

  it('split-brain protection: the map refers to a protection that exists', () => {
    const doc = hz(splitBrainProtectedMap);
    expect(doc['split-brain-protection'][doc.map.accounts['split-brain-protection-ref']]).toMatchObject({ 'minimum-cluster-size': 2 });
  });

  it('Jet pipeline: Jet on, uploads off, the job jar on the classpath', () => {
    expect(hz(jetPipeline).jet).toMatchObject({ 'enabled': true, 'resource-upload-enabled': false });
    const ms = synth(jetPipelineProps);
    expect(envValue(ms, 'CLASSPATH')).toBe('/data/user-code:/data/user-code/*');
    expect(podSpec(ms).initContainers[0].image).toBe('registry.example/trade-pipeline-jars:1.0');
  });
});
