// Clients of other namespaces through the member NetworkPolicy (lib/client-access.ts): `clientsFrom` and
// `allowClientsFrom`, each checked against what the NetworkPolicy semantics admit, with controls.
import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import * as kplus from 'cdk8s-plus-27';
import { ClientSource, HazelcastCluster, HazelcastClusterProps } from '../lib';
import { byKind, Manifest, synth } from './util';

const POLICY = { namespace: 'cache', networkPolicy: true };

/**
 * Whether the policy's member-port rule admits a pod with `podLabels` in namespace `ns` (labelled `nsLabels` plus
 * `kubernetes.io/metadata.name`), by the NetworkPolicy semantics: a peer with only a podSelector matches pods of the
 * policy's own namespace; with a namespaceSelector, pods of the namespaces it selects.
 */
function admits(policy: Manifest, ns: string, podLabels: Record<string, string>, nsLabels: Record<string, string> = {}): boolean {
  const matches = (sel: any, labels: Record<string, string>) => Object.entries(sel?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const allNsLabels = { ...nsLabels, 'kubernetes.io/metadata.name': ns };
  return policy.spec.ingress[0].from.some((peer: any) => {
    if (peer.ipBlock) return false;
    const nsOk = peer.namespaceSelector ? matches(peer.namespaceSelector, allNsLabels) : ns === policy.metadata.namespace;
    return nsOk && matches(peer.podSelector, podLabels);
  });
}

const CLIENT = { 'hazelcast-client': 'true' };

describe('clientsFrom', () => {
  it('admits the client-labelled pods of a named namespace, and no other pod there or elsewhere', () => {
    const policy = byKind(synth({ ...POLICY, clientsFrom: [{ namespace: 'web' }] }), 'NetworkPolicy');
    expect(policy.spec.ingress[0].from).toContainEqual({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'web' } },
      podSelector: { matchLabels: CLIENT },
    });
    expect(admits(policy, 'web', CLIENT)).toBe(true);
    expect(admits(policy, 'cache', CLIENT)).toBe(true);
    // controls: the label missing in web, a third namespace
    expect(admits(policy, 'web', {})).toBe(false);
    expect(admits(policy, 'billing', CLIENT)).toBe(false);
    // control: without clientsFrom, web is not admitted (the bare podSelector is the policy's own namespace)
    expect(admits(byKind(synth(POLICY), 'NetworkPolicy'), 'web', CLIENT)).toBe(false);
  });

  it('selects namespaces by labels and pods by labels of the user\'s choosing; {} admits every pod there', () => {
    const policy = byKind(synth({ ...POLICY, clientsFrom: [{ namespaceLabels: { team: 'shop' }, podLabels: { app: 'orders' } }, { namespace: 'ops', podLabels: {} }] }), 'NetworkPolicy');
    expect(admits(policy, 'orders', { app: 'orders' }, { team: 'shop' })).toBe(true);
    expect(admits(policy, 'orders', CLIENT, { team: 'shop' })).toBe(false);
    expect(admits(policy, 'orders', { app: 'orders' }, { team: 'other' })).toBe(false);
    expect(admits(policy, 'ops', { anything: 'x' })).toBe(true);
  });

  it('is the same as allowClientsFrom after construction', () => {
    const chart = Testing.chart();
    new HazelcastCluster(chart, 'Hazelcast', POLICY).allowClientsFrom({ namespace: 'web' });
    const later = byKind(Testing.synth(chart) as Manifest[], 'NetworkPolicy');
    expect(later).toEqual(byKind(synth({ ...POLICY, clientsFrom: [{ namespace: 'web' }] }), 'NetworkPolicy'));
  });

  it('refuses bad sources naming the prop, and clients from other namespaces without a NetworkPolicy', () => {
    const bad = (source: unknown) => () => synth({ ...POLICY, clientsFrom: [source as ClientSource] });
    expect(bad({})).toThrow("'clientsFrom[0]' must give exactly one of 'namespace' (a name) and 'namespaceLabels' (labels), not neither");
    expect(bad({ namespace: 'web', namespaceLabels: { a: 'b' } })).toThrow(/not both/);
    expect(bad({ namespace: 'Web_1' })).toThrow(/'clientsFrom\[0\]\.namespace' \("Web_1"\) must be at most 63 characters/);
    expect(bad({ namespaceLabels: {} })).toThrow("'clientsFrom[0].namespaceLabels' is empty, which admits every namespace: name the labels to match");
    expect(bad({ namespace: 'web', podLabels: { 'bad key!': 'x' } })).toThrow(/'clientsFrom\[0\]\.podLabels' key "bad key!" is not a valid label key/);
    expect(bad({ namespace: 'web', pods: {} })).toThrow("'clientsFrom[0].pods' is not a setting: use namespace, namespaceLabels, podLabels");
    const off: HazelcastClusterProps = { namespace: 'cache', clientsFrom: [{ namespace: 'web' }] };
    expect(() => synth(off)).toThrow("'clientsFrom' needs 'networkPolicy: true'");
    expect(() => new HazelcastCluster(Testing.chart(), 'H', { namespace: 'cache' }).allowClientsFrom({ namespace: 'web' }))
      .toThrow('allowClientsFrom on cache/hazelcast: it has no NetworkPolicy');
    expect(() => new HazelcastCluster(Testing.chart(), 'H', POLICY).allowClientsFrom({ namespace: 'WEB' })).toThrow(/'allowClientsFrom\(#0\)\.namespace'/);
    // control: the valid source passes
    expect(() => synth({ ...POLICY, clientsFrom: [{ namespace: 'web' }] })).not.toThrow();
  });
});

describe('cdk8s-plus workloads and namespaces (allowClientsFromWorkload, allowClientsFromNamespace)', () => {
  it('admits the pods of a cdk8s-plus Deployment of another namespace by its selector, and no other pod', () => {
    const chart = Testing.chart();
    const cluster = new HazelcastCluster(chart, 'Hazelcast', POLICY);
    const app = new kplus.Deployment(chart, 'Web', { metadata: { namespace: 'web' }, containers: [{ image: 'registry.example/web:1', securityContext: { ensureNonRoot: false } }] });
    cluster.allowClientsFromWorkload(app);
    const policy = byKind(Testing.synth(chart) as Manifest[], 'NetworkPolicy');
    const webPods = (Testing.synth(chart) as Manifest[]).find((o) => o.kind === 'Deployment' && o.metadata.name !== 'hazelcast')!.spec.template.metadata.labels;
    expect(admits(policy, 'web', webPods), 'the workload\'s pods').toBe(true);
    // controls: its pods' labels in another namespace, and another pod of its namespace
    expect(admits(policy, 'billing', webPods)).toBe(false);
    expect(admits(policy, 'web', { app: 'other' })).toBe(false);
  });

  it('admits the client-labelled pods of a cdk8s-plus Namespace', () => {
    const chart = Testing.chart();
    const cluster = new HazelcastCluster(chart, 'Hazelcast', POLICY);
    cluster.allowClientsFromNamespace(new kplus.Namespace(chart, 'Orders', { metadata: { name: 'orders' } }));
    const policy = byKind(Testing.synth(chart) as Manifest[], 'NetworkPolicy');
    expect(admits(policy, 'orders', CLIENT)).toBe(true);
    expect(admits(policy, 'orders', {}), 'control: an unlabelled pod there').toBe(false);
  });

  it('refuses what is not a workload with a selector, naming the method', () => {
    const cluster = new HazelcastCluster(Testing.chart(), 'Hazelcast', POLICY);
    expect(() => cluster.allowClientsFromWorkload({ metadata: {} as any, matchLabels: {} })).toThrow(/'allowClientsFromWorkload\(#0\)' .* must be a workload that selects its pods by labels/);
    expect(() => cluster.allowClientsFromWorkload('web' as any)).toThrow(/'allowClientsFromWorkload\(#0\)' \("String"\) must be a workload/);
    expect(() => cluster.allowClientsFromNamespace({ name: 'Bad_Name' })).toThrow(/'allowClientsFrom\(#0\)\.namespace' \("Bad_Name"\)/);
  });
});
