// Shared by the unit tests: synthesize one cluster in a test chart and pick objects out of the result.
import { Testing } from 'cdk8s';
import { expect } from 'vitest';
import { HazelcastCluster, HazelcastClusterProps } from '../lib';

export type Manifest = { apiVersion: string; kind: string; metadata: any; spec?: any; [key: string]: any };

export function synth(props: HazelcastClusterProps = {}): Manifest[] {
  const chart = Testing.chart();
  new HazelcastCluster(chart, 'Hazelcast', props);
  return Testing.synth(chart) as Manifest[];
}

/** The one object of a kind (and name, where a kind occurs more than once). */
export function byKind(manifests: Manifest[], kind: string, name?: string): Manifest {
  const found = manifests.filter((m) => m.kind === kind && (name === undefined || m.metadata.name === name));
  expect(found, `exactly one ${kind}${name ? ` ${name}` : ''}`).toHaveLength(1);
  return found[0];
}

export const podSpec = (manifests: Manifest[]) => byKind(manifests, 'Deployment').spec.template.spec;
export const container = (manifests: Manifest[]) => podSpec(manifests).containers[0];
export const env = (manifests: Manifest[]) => container(manifests).env as Array<{ name: string; value?: string; valueFrom?: any }>;
export const envValue = (manifests: Manifest[], name: string) => env(manifests).find((e) => e.name === name)?.value;
