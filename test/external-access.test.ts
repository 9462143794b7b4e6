// Clients outside Kubernetes: the member Service's type, the NetworkPolicy's client CIDRs, and for smart clients a
// StatefulSet with one Service per member, the discovery env that announces their addresses and the RBAC it needs.
import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { HazelcastCluster } from '../lib';
import { byKind, Manifest, synth } from './util';

const service = (ms: Manifest[], name = 'hazelcast') => byKind(ms, 'Service', name);
const kinds = (ms: Manifest[]) => ms.map((m) => `${m.kind}/${m.metadata.name}`);
const statefulSetEnv = (ms: Manifest[]) => byKind(ms, 'StatefulSet').spec.template.spec.containers[0].env as Array<{ name: string; value?: string }>;
const smart = { replicas: 3, externalAccess: { smartClients: true, type: 'NodePort' as const } };

describe('service', () => {
  it('is a plain ClusterIP Service by default (control for the types below)', () => {
    const spec = service(synth()).spec;
    expect(spec).toEqual({ selector: { name: 'hazelcast' }, ports: [{ name: 'hazelcast', port: 5701, targetPort: 'hazelcast', appProtocol: 'tcp' }] });
  });
  it('NodePort: type, the given node port, externalTrafficPolicy Local, annotations on this Service only', () => {
    const ms = synth({ service: { type: 'NodePort', nodePort: 30701, annotations: { 'example.com/team': 'cache' } }, commonAnnotations: { owner: 'platform' } });
    const s = service(ms);
    expect(s.spec).toEqual({
      type: 'NodePort',
      externalTrafficPolicy: 'Local',
      selector: { name: 'hazelcast' },
      ports: [{ name: 'hazelcast', port: 5701, targetPort: 'hazelcast', appProtocol: 'tcp', nodePort: 30701 }],
    });
    expect(s.metadata.annotations).toEqual({ 'owner': 'platform', 'example.com/team': 'cache' });
    expect(byKind(ms, 'Deployment').metadata.annotations['example.com/team']).toBeUndefined();
  });
  it('LoadBalancer: Kubernetes picks the node port unless given; Cluster traffic policy on request', () => {
    const s = service(synth({ service: { type: 'LoadBalancer', externalTrafficPolicy: 'Cluster', annotations: { 'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb' } } }));
    expect(s.spec.type).toBe('LoadBalancer');
    expect(s.spec.externalTrafficPolicy).toBe('Cluster');
    expect(s.spec.ports[0].nodePort).toBeUndefined();
    expect(s.metadata.annotations).toEqual({ 'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb' });
  });
  it('headless: clusterIP None, nothing else changes', () => {
    const s = service(synth({ service: { headless: true } }));
    expect(s.spec).toEqual({ clusterIP: 'None', selector: { name: 'hazelcast' }, ports: [{ name: 'hazelcast', port: 5701, targetPort: 'hazelcast', appProtocol: 'tcp' }] });
  });
  it('refuses what Kubernetes or the stack cannot do, naming prop, value and what is valid', () => {
    expect(() => synth({ service: { type: 'ExternalName' as any } }))
      .toThrowError(`'service.type' ("ExternalName") must be "ClusterIP", "NodePort" or "LoadBalancer"`);
    expect(() => synth({ service: { type: 'NodePort', headless: true } }))
      .toThrowError(/'service.headless' \(true\) needs 'service.type' "ClusterIP", not "NodePort"/);
    expect(() => synth({ service: { nodePort: 30701 } }))
      .toThrowError(/'service.nodePort' \(30701\) needs 'service.type' "NodePort" or "LoadBalancer", not "ClusterIP"/);
    expect(() => synth({ service: { type: 'NodePort', nodePort: 70000 } }))
      .toThrowError(/'service.nodePort' \(70000\) must be an integer from 1 to 65535/);
    expect(() => synth({ service: { externalTrafficPolicy: 'Local' } }))
      .toThrowError(/'service.externalTrafficPolicy' \("Local"\) needs 'service.type' "NodePort" or "LoadBalancer"/);
    expect(() => synth({ service: { type: 'NodePort', externalTrafficPolicy: 'local' as any } }))
      .toThrowError(`'service.externalTrafficPolicy' ("local") must be "Local" or "Cluster"`);
  });
});

describe('externalClientCidrs', () => {
  it('admits the CIDRs on the member port beside members and labelled clients', () => {
    const policy = byKind(synth({ networkPolicy: true, service: { type: 'NodePort' }, externalClientCidrs: ['203.0.113.0/24', '198.51.100.7/32'] }), 'NetworkPolicy');
    expect(policy.spec.ingress[0]).toEqual({
      from: [
        { podSelector: { matchLabels: { name: 'hazelcast' } } },
        { podSelector: { matchLabels: { 'hazelcast-client': 'true' } } },
        { ipBlock: { cidr: '203.0.113.0/24' } },
        { ipBlock: { cidr: '198.51.100.7/32' } },
      ],
      ports: [{ port: 5701, protocol: 'TCP' }],
    });
  });
  it('is required when the NetworkPolicy would otherwise block every client the Service exposes', () => {
    expect(() => synth({ networkPolicy: true, service: { type: 'NodePort' } }))
      .toThrowError(/'service.type' "NodePort" with 'networkPolicy' true needs 'externalClientCidrs'/);
    expect(() => synth({ networkPolicy: true, ...smart }))
      .toThrowError(/'externalAccess' \(per-member NodePort Services\) with 'networkPolicy' true needs 'externalClientCidrs'/);
    // control: a ClusterIP Service needs none
    expect(() => synth({ networkPolicy: true })).not.toThrow();
  });
  it('refuses bad CIDRs, CIDRs without the NetworkPolicy, and a traffic policy that hides the client address', () => {
    for (const bad of ['10.0.0.0', '10.0.0.1/24', '300.0.0.0/8', '10.0.0.0/33', 'fd00::/8']) {
      expect(() => synth({ networkPolicy: true, service: { type: 'NodePort' }, externalClientCidrs: [bad] }))
        .toThrowError(`'externalClientCidrs' (${JSON.stringify(bad)}) must be an IPv4 CIDR`);
    }
    expect(() => synth({ service: { type: 'NodePort' }, externalClientCidrs: ['10.0.0.0/8'] }))
      .toThrowError(/'externalClientCidrs' \(10.0.0.0\/8\) needs 'networkPolicy' true/);
    expect(() => synth({ networkPolicy: true, service: { type: 'NodePort', externalTrafficPolicy: 'Cluster' }, externalClientCidrs: ['10.0.0.0/8'] }))
      .toThrowError(/'service.externalTrafficPolicy' \("Cluster"\) with 'networkPolicy' true would hide clients/);
  });
});

describe('externalAccess (smart clients outside)', () => {
  it('runs the members as a StatefulSet with the Deployment\'s pod template, pods started in parallel', () => {
    const plain = synth({ replicas: 3 });
    const ms = synth(smart);
    expect(kinds(ms)).not.toContain('Deployment/hazelcast');
    const sts = byKind(ms, 'StatefulSet');
    expect(sts.spec).toMatchObject({
      replicas: 3, serviceName: 'hazelcast', podManagementPolicy: 'Parallel', selector: { matchLabels: { name: 'hazelcast' } },
      updateStrategy: { type: 'RollingUpdate' },
    });
    const withoutEnv = (t: any) => ({ ...t, spec: { ...t.spec, containers: t.spec.containers.map((c: any) => ({ ...c, env: undefined })) } });
    expect(withoutEnv(sts.spec.template)).toEqual(withoutEnv(byKind(plain, 'Deployment').spec.template));
    // the PodDisruptionBudget selects them as before
    expect(byKind(ms, 'PodDisruptionBudget').spec.selector).toEqual({ matchLabels: { name: 'hazelcast' } });
  });
  it('gives every member a Service of its own: named like its pod, selecting it, one port, traffic kept local', () => {
    const ms = synth(smart);
    for (const i of [0, 1, 2]) {
      const s = service(ms, `hazelcast-${i}`);
      expect(s.metadata.labels).toMatchObject({ 'name': 'hazelcast', 'hazelcast-member-service': 'hazelcast' });
      expect(s.spec).toEqual({
        type: 'NodePort',
        externalTrafficPolicy: 'Local',
        selector: { 'name': 'hazelcast', 'statefulset.kubernetes.io/pod-name': `hazelcast-${i}` },
        ports: [{ name: 'hazelcast', port: 5701, targetPort: 'hazelcast', appProtocol: 'tcp' }],
      });
    }
    expect(ms.filter((m) => m.kind === 'Service')).toHaveLength(4);
    // the cluster's Service keeps discovery's selection; it carries no per-member label
    expect(service(ms).metadata.labels['hazelcast-member-service']).toBeUndefined();
    expect(service(synth({ ...smart, replicas: 5 }), 'hazelcast-4').spec.type).toBe('NodePort');
    expect(service(synth({ replicas: 2, externalAccess: { type: 'LoadBalancer', annotations: { a: 'b' } } }), 'hazelcast-1').spec.type).toBe('LoadBalancer');
  });
  it('tells discovery to find and announce each member\'s external address, and to fail without one', () => {
    const env = statefulSetEnv(synth(smart));
    expect(env.filter((e) => e.name.startsWith('HAZELCAST_KUBERNETES_'))).toEqual([
      { name: 'HAZELCAST_KUBERNETES_EXPOSE_EXTERNALLY', value: 'true' },
      { name: 'HAZELCAST_KUBERNETES_SERVICE_PER_POD_LABEL_NAME', value: 'hazelcast-member-service' },
      { name: 'HAZELCAST_KUBERNETES_SERVICE_PER_POD_LABEL_VALUE', value: 'hazelcast' },
    ]);
    const byName = statefulSetEnv(synth({ ...smart, externalAccess: { nodeAddress: 'NodeName' } }));
    expect(byName).toContainEqual({ name: 'HAZELCAST_KUBERNETES_USE_NODE_NAME_AS_EXTERNAL_ADDRESS', value: 'true' });
  });
  it('adds get on services to the Role, and get on nodes only for ExternalIP (control: neither without it)', () => {
    const rules = (ms: Manifest[]) => byKind(ms, 'Role').rules;
    const services = { apiGroups: [''], resources: ['services'], verbs: ['get'] };
    expect(rules(synth(smart))).toContainEqual(services);
    expect(rules(synth())).not.toContainEqual(services);
    const ms = synth(smart);
    expect(byKind(ms, 'ClusterRole').rules).toEqual([{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }]);
    expect(byKind(ms, 'ClusterRoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: 'hazelcast', namespace: 'default' }]);
    const cluster = (m: Manifest[]) => m.filter((o) => o.kind.startsWith('ClusterRole'));
    expect(cluster(synth({ ...smart, externalAccess: { nodeAddress: 'NodeName' } }))).toEqual([]);
    expect(cluster(synth())).toEqual([]);
  });
  it('exposes what it made on the construct', () => {
    const chart = Testing.chart();
    const c = new HazelcastCluster(chart, 'H', smart);
    expect(c.deployment).toBeUndefined();
    expect(c.statefulSet?.name).toBe('hazelcast');
    expect(c.memberServices.map((s) => s.name)).toEqual(['hazelcast-0', 'hazelcast-1', 'hazelcast-2']);
    const plain = new HazelcastCluster(Testing.chart(), 'H', {});
    expect(plain.statefulSet).toBeUndefined();
    expect(plain.memberServices).toEqual([]);
  });
  it('refuses settings it cannot serve', () => {
    expect(() => synth({ externalAccess: { smartClients: false } }))
      .toThrowError(/'externalAccess.smartClients' \(false\) must be true, or leave externalAccess out/);
    expect(() => synth({ externalAccess: { type: 'ClusterIP' as any } }))
      .toThrowError(`'externalAccess.type' ("ClusterIP") must be "NodePort" or "LoadBalancer"`);
    expect(() => synth({ externalAccess: { nodeAddress: 'InternalIP' as any } }))
      .toThrowError(`'externalAccess.nodeAddress' ("InternalIP") must be "ExternalIP" or "NodeName"`);
  });
  it('collides with another cluster whose name is a member Service\'s', () => {
    const chart = Testing.chart();
    new HazelcastCluster(chart, 'A', smart);
    new HazelcastCluster(chart, 'B', { name: 'hazelcast-1' });
    expect(() => Testing.synth(chart)).toThrowError(/Service "hazelcast-1" in namespace "default" is written by both/);
  });
});
