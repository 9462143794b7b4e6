// (f) Pod Security "restricted": the namespaces the scenarios use enforce it, and the API server admits the member
// pods. The control: the same pod without its seccomp profile is refused, so admission really is enforcing.
import { afterAll, describe, expect, it } from 'vitest';
import { createRestrictedNamespace, deleteNamespace, kubectl, synthYaml, tryKubectl, waitForCluster } from '../harness/cluster';

const ns = 'psa';

describe('Pod Security restricted', () => {
  afterAll(() => deleteNamespace(ns));

  it('admits every member pod in a namespace that enforces restricted', async () => {
    await createRestrictedNamespace(ns);
    const labels = JSON.parse(await kubectl(['get', 'namespace', ns, '-o', 'json'])).metadata.labels;
    expect(labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    await kubectl(['apply', '-f', '-'], synthYaml({ namespace: ns, replicas: 2 }));
    await waitForCluster(ns, 'hazelcast', 2);
    const events = await kubectl(['get', 'events', '-n', ns, '--field-selector', 'reason=FailedCreate', '-o', 'name']);
    expect(events.trim()).toBe('');
  });

  it('control: the member pod without seccompProfile, or running as root, is refused', async () => {
    const deployment = JSON.parse(await kubectl(['get', 'deployment', 'hazelcast', '-n', ns, '-o', 'json']));
    const pod = (spec: any) => JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'psa-probe', namespace: ns }, spec });
    const template = deployment.spec.template.spec;

    const asIs = await tryKubectl(['create', '--dry-run=server', '-f', '-'], pod(template));
    expect(asIs.ok, asIs.output).toBe(true);

    const { seccompProfile: _dropped, ...withoutSeccomp } = template.securityContext;
    const noSeccomp = await tryKubectl(['create', '--dry-run=server', '-f', '-'], pod({ ...template, securityContext: withoutSeccomp }));
    expect(noSeccomp.ok).toBe(false);
    expect(noSeccomp.output).toMatch(/violates PodSecurity "restricted:latest".*seccompProfile/s);

    const asRoot = await tryKubectl(['create', '--dry-run=server', '-f', '-'], pod({ ...template, securityContext: { ...template.securityContext, runAsUser: 0, runAsNonRoot: false } }));
    expect(asRoot.ok).toBe(false);
    expect(asRoot.output).toMatch(/violates PodSecurity/);
  });
});
