// The identity of the NetworkPolicy enforcer on every node (kube-router's firewall): a ServiceAccount that may
// read what policies are enforced from, as kube-router's own manifests grant it.
export const ENFORCER_SERVICE_ACCOUNT = 'kube-router';

export function networkPolicyEnforcerRbac(): string {
  const name = ENFORCER_SERVICE_ACCOUNT;
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'List',
    items: [
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: 'kube-system' } },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name },
        rules: [
          { apiGroups: [''], resources: ['namespaces', 'pods', 'services', 'nodes', 'endpoints'], verbs: ['get', 'list', 'watch'] },
          { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
          { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: ['get', 'list', 'watch'] },
        ],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
        subjects: [{ kind: 'ServiceAccount', name, namespace: 'kube-system' }],
      },
    ],
  });
}

/** A kubeconfig that authenticates with a bearer token (a ServiceAccount's, from the TokenRequest API). */
export function tokenKubeconfig(server: string, caPem: string, user: string, token: string): string {
  return JSON.stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': user,
    clusters: [{ name: 'hz-e2e', cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
    users: [{ name: user, user: { token } }],
    contexts: [{ name: user, context: { cluster: 'hz-e2e', user } }],
  });
}
