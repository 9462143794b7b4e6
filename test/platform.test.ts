// The platform knobs (lib/platform-options.ts, lib/ip-families.ts, the Service fields, lib/client-config.ts): each
// changes what it names, next to the default it changes (the control), and refuses bad input naming the prop.
import { App, Chart } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { HazelcastCluster } from '../lib';
import { byKind, container, env, podSpec, synth } from './util';

const kinds = (ms: any[]) => ms.map((m) => `${m.kind}/${m.metadata.name}`);
const jvm = (ms: any[]) => env(ms).find((e) => e.name === 'JAVA_OPTS')!.value!.split(' ');

describe('appProtocol on every Service port', () => {
  it('is tcp on the member port of the member, per-member and client Services, http on the metrics port', () => {
    const ms = synth({ metrics: {}, externalAccess: {} });
    const services = ms.filter((m) => m.kind === 'Service');
    expect(services.length).toBe(5); // hazelcast, metrics, 3 per-member
    for (const s of services) {
      for (const p of s.spec.ports) expect(p.appProtocol, `${s.metadata.name}:${p.name}`).toBe(p.name === 'metrics' ? 'http' : 'tcp');
    }
  });
});

describe('envValueFrom and envFrom', () => {
  const secretRef = { secretKeyRef: { name: 'hz-secrets', key: 'team' } };
  it('renders valueFrom entries after the stack\'s env, and envFrom on the member container', () => {
    const ms = synth({
      env: { PLAIN: 'x' },
      envValueFrom: { HZ_MEMBERATTRIBUTES_TEAM_VALUE: secretRef },
      envFrom: [{ configMapRef: { name: 'team-env' }, prefix: 'TEAM_' }],
    });
    const e = env(ms);
    expect(e.find((x) => x.name === 'HZ_MEMBERATTRIBUTES_TEAM_VALUE')).toEqual({ name: 'HZ_MEMBERATTRIBUTES_TEAM_VALUE', valueFrom: secretRef });
    expect(e.find((x) => x.name === 'PLAIN')).toEqual({ name: 'PLAIN', value: 'x' });
    expect(container(ms).envFrom).toEqual([{ configMapRef: { name: 'team-env' }, prefix: 'TEAM_' }]);
  });
  it('control: without them there is no valueFrom beyond the stack\'s own, and no envFrom', () => {
    const ms = synth();
    expect(env(ms).filter((e) => e.valueFrom?.secretKeyRef)).toEqual([]);
    expect(container(ms).envFrom).toBeUndefined();
  });
  it('refuses a value that is not a string in env, pointing at envValueFrom', () => {
    expect(() => synth({ env: { X: { valueFrom: secretRef } as any } })).toThrowError(/'env' "X" \(.*\) must be a string; a Secret or ConfigMap key goes in 'envValueFrom'/);
  });
  it('refuses what the stack sets, or a source naming none or two kinds, or a bad key', () => {
    expect(() => synth({ envValueFrom: { HZ_CLUSTERNAME: secretRef } })).toThrowError(/'envValueFrom' "HZ_CLUSTERNAME" is set by the stack/);
    expect(() => synth({ envValueFrom: { HZ_NETWORK_JOIN_TCPIP_ENABLED: secretRef } })).toThrowError(/'envValueFrom' "HZ_NETWORK_JOIN_TCPIP_ENABLED" overrides what the stack sets/);
    expect(() => synth({ envValueFrom: { X: {} } })).toThrowError(/'envValueFrom\["X"\]' \(\{\}\) must name exactly one of secretKeyRef/);
    expect(() => synth({ envValueFrom: { X: { ...secretRef, fieldRef: { fieldPath: 'metadata.name' } } } })).toThrowError(/exactly one/);
    expect(() => synth({ envValueFrom: { X: { secretKeyRef: { name: 'hz', key: 'a b' } } } })).toThrowError(/'envValueFrom\["X"\].secretKeyRef.key' \("a b"\)/);
    expect(() => synth({ env: { X: 'a' }, envValueFrom: { X: secretRef } })).toThrowError(/"X" is given in both 'env' and 'envValueFrom'/);
    expect(() => synth({ envFrom: [{}] })).toThrowError(/'envFrom\[0\]' \(\{\}\) must name exactly one of secretRef or configMapRef/);
    expect(() => synth({ envFrom: [{ secretRef: { name: 'Bad_Name' } }] })).toThrowError(/'envFrom\[0\].secretRef.name' \("Bad_Name"\)/);
    expect(() => synth({ envFrom: 'x' as any })).toThrowError(/'envFrom' \("x"\) must be a list/);
  });
});

describe('serviceAccount', () => {
  it('an existing one: the pods name it, the stack writes no ServiceAccount, and binds the Role to it', () => {
    const ms = synth({ serviceAccount: { name: 'platform-hz' } });
    expect(podSpec(ms).serviceAccountName).toBe('platform-hz');
    expect(kinds(ms)).not.toContain('ServiceAccount/hazelcast');
    expect(byKind(ms, 'RoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: 'platform-hz', namespace: 'default' }]);
  });
  it('rbac off: no Role, RoleBinding or node-reader ClusterRole, even with zoneAware', () => {
    const ms = synth({ serviceAccount: { name: 'platform-hz', rbac: false }, zoneAware: true });
    expect(kinds(ms).filter((k) => /Role/.test(k))).toEqual([]);
  });
  it('control: by default the stack writes the ServiceAccount, Role and RoleBinding and the pods name its own', () => {
    const ms = synth({ zoneAware: true });
    expect(kinds(ms)).toEqual(expect.arrayContaining(['ServiceAccount/hazelcast', 'Role/hazelcast', 'RoleBinding/hazelcast', 'ClusterRole/default.hazelcast.node-reader']));
    expect(podSpec(ms).serviceAccountName).toBe('hazelcast');
  });
  it('refuses a bad name or a non-boolean rbac', () => {
    expect(() => synth({ serviceAccount: { name: 'Not OK' } })).toThrowError(/'serviceAccount.name' \("Not OK"\)/);
    expect(() => synth({ serviceAccount: { rbac: 'false' as any } })).toThrowError(/'serviceAccount.rbac' \("false"\) must be true or false/);
  });
});

describe('imagePullPolicy', () => {
  it('is IfNotPresent by default (control) and takes Always', () => {
    expect(container(synth()).imagePullPolicy).toBe('IfNotPresent');
    expect(container(synth({ imagePullPolicy: 'Always' })).imagePullPolicy).toBe('Always');
  });
  it('refuses anything else', () => {
    expect(() => synth({ imagePullPolicy: 'always' as any })).toThrowError(/'imagePullPolicy' \("always"\) must be "IfNotPresent", "Always" or "Never"/);
  });
});

describe('podDisruptionBudget', () => {
  const pdb = (props: any) => byKind(synth(props), 'PodDisruptionBudget').spec;
  it('maxUnavailable 1 by default (control), and what is given', () => {
    expect(pdb({})).toEqual({ maxUnavailable: 1, selector: { matchLabels: { name: 'hazelcast' } } });
    expect(pdb({ replicas: 5, podDisruptionBudget: { maxUnavailable: 2 } }).maxUnavailable).toBe(2);
    expect(pdb({ replicas: 5, podDisruptionBudget: { minAvailable: 3 } })).toEqual({ minAvailable: 3, selector: { matchLabels: { name: 'hazelcast' } } });
  });
  it('refuses a budget that blocks every drain, one that lets every member go, and both fields', () => {
    expect(() => synth({ podDisruptionBudget: { minAvailable: 3 } })).toThrowError(/'podDisruptionBudget.minAvailable' \(3\) must be an integer from 1 to 2 \(with 'replicas' 3/);
    expect(() => synth({ podDisruptionBudget: { maxUnavailable: 3 } })).toThrowError(/'podDisruptionBudget.maxUnavailable' \(3\) must be an integer from 1 to 2/);
    expect(() => synth({ podDisruptionBudget: { maxUnavailable: 0 } })).toThrowError(/maxUnavailable' \(0\)/);
    expect(() => synth({ podDisruptionBudget: { maxUnavailable: 1, minAvailable: 1 } })).toThrowError(/gives both maxUnavailable \(1\) and minAvailable \(1\)/);
  });
});

describe('podIdentity', () => {
  const sc = (props: any) => podSpec(synth(props)).securityContext;
  it('control: runAsUser, runAsGroup, fsGroup 65534 by default, non-root and RuntimeDefault', () => {
    expect(sc({})).toEqual({ runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, fsGroup: 65534, seccompProfile: { type: 'RuntimeDefault' } });
  });
  it('platformAssignsIds writes no ids and keeps what restricted asks', () => {
    expect(sc({ podIdentity: { platformAssignsIds: true } })).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container(synth({ podIdentity: { platformAssignsIds: true } })).securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
  });
  it('takes other ids', () => {
    expect(sc({ podIdentity: { runAsUser: 1000, fsGroup: 2000 } })).toMatchObject({ runAsUser: 1000, runAsGroup: 65534, fsGroup: 2000 });
  });
  it('refuses root, fixed ids beside platformAssignsIds, and a string boolean', () => {
    expect(() => synth({ podIdentity: { runAsUser: 0 } })).toThrowError(/'podIdentity.runAsUser' \(0\) must be an integer from 1 .*0 is root/);
    expect(() => synth({ podIdentity: { platformAssignsIds: true, runAsUser: 1000 } })).toThrowError(/'podIdentity.runAsUser' \(1000\) contradicts 'podIdentity.platformAssignsIds' true/);
    expect(() => synth({ podIdentity: { platformAssignsIds: 'true' as any } })).toThrowError(/'podIdentity.platformAssignsIds' \("true"\) must be true or false/);
  });
});

describe('Service load balancer fields', () => {
  it('loadBalancerIP and loadBalancerSourceRanges reach the LoadBalancer Service; per-member LoadBalancers take the ranges', () => {
    const svc = byKind(synth({ service: { type: 'LoadBalancer', loadBalancerIP: '203.0.113.10', loadBalancerSourceRanges: ['198.51.100.0/24', '2001:db8::/32'] } }), 'Service');
    expect(svc.spec).toMatchObject({ type: 'LoadBalancer', loadBalancerIP: '203.0.113.10', loadBalancerSourceRanges: ['198.51.100.0/24', '2001:db8::/32'], externalTrafficPolicy: 'Local' });
    const member = byKind(synth({ externalAccess: { type: 'LoadBalancer', loadBalancerSourceRanges: ['198.51.100.0/24'] } }), 'Service', 'hazelcast-0');
    expect(member.spec.loadBalancerSourceRanges).toEqual(['198.51.100.0/24']);
  });
  it('control: a ClusterIP Service has none of them', () => {
    const spec = byKind(synth(), 'Service').spec;
    expect(spec.loadBalancerIP).toBeUndefined();
    expect(spec.loadBalancerSourceRanges).toBeUndefined();
  });
  it('refuses them without a LoadBalancer, and a bad address or range', () => {
    expect(() => synth({ service: { type: 'NodePort', loadBalancerIP: '203.0.113.10' } })).toThrowError(/'service.loadBalancerIP' needs 'service.type' "LoadBalancer", not "NodePort"/);
    expect(() => synth({ service: { loadBalancerSourceRanges: ['10.0.0.0/8'] } })).toThrowError(/'service.loadBalancerSourceRanges' needs type "LoadBalancer", not "ClusterIP"/);
    expect(() => synth({ service: { type: 'LoadBalancer', loadBalancerIP: '300.1.1.1' } })).toThrowError(/'service.loadBalancerIP' \("300.1.1.1"\) must be an IPv4 or IPv6 address/);
    expect(() => synth({ service: { type: 'LoadBalancer', loadBalancerSourceRanges: ['10.0.0.0/33'] } })).toThrowError(/entry "10.0.0.0\/33" must be an IPv4 or IPv6 CIDR/);
    expect(() => synth({ externalAccess: { type: 'NodePort', loadBalancerSourceRanges: ['10.0.0.0/8'] } })).toThrowError(/'externalAccess.loadBalancerSourceRanges' needs type "LoadBalancer"/);
  });
});

describe('ipFamilies', () => {
  it('IPv6 first: every Service takes the families, the JVM prefers IPv6', () => {
    const ms = synth({ ipFamilies: ['IPv6', 'IPv4'], metrics: {} });
    for (const s of ms.filter((m) => m.kind === 'Service')) expect(s.spec).toMatchObject({ ipFamilies: ['IPv6', 'IPv4'], ipFamilyPolicy: 'PreferDualStack' });
    expect(jvm(ms)).toEqual(expect.arrayContaining(['-Djava.net.preferIPv4Stack=false', '-Djava.net.preferIPv6Addresses=true', '-Dhazelcast.prefer.ipv4.stack=false']));
    expect(byKind(synth({ ipFamilies: ['IPv6'] }), 'Service').spec).toMatchObject({ ipFamilies: ['IPv6'], ipFamilyPolicy: 'SingleStack' });
  });
  it('control: IPv4 first, or nothing given, leaves the JVM to IPv4; nothing given writes no family', () => {
    expect(jvm(synth({ ipFamilies: ['IPv4', 'IPv6'] })).filter((o) => /IPv6|ipv4/.test(o))).toEqual([]);
    const spec = byKind(synth(), 'Service').spec;
    expect(spec.ipFamilies).toBeUndefined();
    expect(spec.ipFamilyPolicy).toBeUndefined();
  });
  it('refuses unknown or repeated families and a policy that contradicts them', () => {
    expect(() => synth({ ipFamilies: ['IPv5' as any] })).toThrowError(/'ipFamilies' \(\["IPv5"\]\) must be \["IPv4"\], \["IPv6"\]/);
    expect(() => synth({ ipFamilies: ['IPv4', 'IPv4'] })).toThrowError(/'ipFamilies'/);
    expect(() => synth({ ipFamilies: ['IPv4', 'IPv6'], ipFamilyPolicy: 'SingleStack' })).toThrowError(/'ipFamilyPolicy' \("SingleStack"\) takes one family/);
    expect(() => synth({ ipFamilies: ['IPv6'], ipFamilyPolicy: 'RequireDualStack' })).toThrowError(/needs two families/);
    expect(() => synth({ ipFamilyPolicy: 'Dual' as any })).toThrowError(/'ipFamilyPolicy' \("Dual"\) must be/);
  });
});

describe('what a client app needs', () => {
  const build = () => {
    const chart = new Chart(new App(), 'c');
    const cluster = new HazelcastCluster(chart, 'Hz', { name: 'cache', namespace: 'grid', clusterName: 'prod' });
    return { chart, cluster };
  };
  it('clientAddress is the Service\'s name in any namespace, with the port', () => {
    expect(build().cluster.clientAddress).toBe('cache.grid.svc.cluster.local:5701');
  });
  it('addClientConfig writes hazelcast-client.yaml in the app\'s namespace: cluster name, address, retry for ever', () => {
    const { chart, cluster } = build();
    const cm = cluster.addClientConfig({ namespace: 'web' });
    const json = chart.toJson().find((m: any) => m.kind === 'ConfigMap');
    expect(json.metadata).toMatchObject({ name: 'cache-client-config', namespace: 'web' });
    expect(cm.name).toBe('cache-client-config');
    const client = parse(json.data['hazelcast-client.yaml'])['hazelcast-client'];
    expect(client['cluster-name']).toBe('prod');
    expect(client.network).toEqual({ 'cluster-members': ['cache.grid.svc.cluster.local:5701'], 'smart-routing': true, 'redo-operation': false });
    expect(client['connection-strategy']['connection-retry']['cluster-connect-timeout-millis']).toBe(-1);
  });
  it('control: the default namespace is the cluster\'s; unisocket and redo when asked', () => {
    const { chart, cluster } = build();
    cluster.addClientConfig({ smartRouting: false, redoOperation: true });
    const json = chart.toJson().find((m: any) => m.kind === 'ConfigMap');
    expect(json.metadata.namespace).toBe('grid');
    expect(json.data['hazelcast-client.yaml']).toMatch(/smart-routing: false\n\s+redo-operation: true/);
  });
  it('refuses a bad namespace or a string boolean', () => {
    expect(() => build().cluster.addClientConfig({ namespace: 'Web' })).toThrowError(/addClientConfig namespace \("Web"\)|'addClientConfig namespace' \("Web"\)/);
    expect(() => build().cluster.addClientConfig({ smartRouting: 'no' as any })).toThrowError(/addClientConfig smartRouting \("no"\) must be true or false/);
  });
});

describe('the ServiceAccount token', () => {
  const sidecar = { name: 'log-shipper', image: 'docker.io/fluent/fluent-bit:3.0' };
  it('is mounted in the member container only: the pod does not automount it, a sidecar does not get it', () => {
    const ms = synth({ sidecars: [sidecar], userCode: { image: 'docker.io/acme/jars:1' } });
    const pod = podSpec(ms);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.volumes.find((v: any) => v.name === 'kube-api-access').projected.sources.map((s: any) => Object.keys(s)[0]))
      .toEqual(['serviceAccountToken', 'configMap', 'downwardAPI']);
    const mounts = (c: any) => (c.volumeMounts ?? []).map((m: any) => m.mountPath);
    expect(mounts(pod.containers[0])).toContain('/var/run/secrets/kubernetes.io/serviceaccount');
    for (const c of [...pod.containers.slice(1), ...pod.initContainers]) expect(mounts(c), c.name).not.toContain('/var/run/secrets/kubernetes.io/serviceaccount');
  });
  it('control: a mount of the user\'s at that path is refused, as the stack\'s other paths are', () => {
    expect(() => synth({ extraVolumes: [{ name: 'x', emptyDir: {} }], extraVolumeMounts: [{ name: 'x', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }] }))
      .toThrowError(/extraVolumeMounts/);
  });
});
