// Discovery: the members find each other through Hazelcast's Kubernetes discovery (API mode, by Service name) with
// their own ServiceAccount and a least-privilege Role; zone awareness adds the one cluster-scoped read it needs.
import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import { ClusterSettings } from './settings';
import { readsNodes } from './member-services';

/** The discovery identity and permissions of one cluster. */
export interface DiscoveryRbac {
  /** Absent when `serviceAccount.name` names an existing one. */
  readonly serviceAccount?: k8s.KubeServiceAccount;
  /** Absent when `serviceAccount.rbac` is off. */
  readonly role?: k8s.KubeRole;
  /** Absent when `serviceAccount.rbac` is off. */
  readonly roleBinding?: k8s.KubeRoleBinding;
  /** Present when `zoneAware` is on, or `externalAccess` announces nodes' ExternalIPs. */
  readonly nodeReaderRole?: k8s.KubeClusterRole;
  /** Present when `zoneAware` is on, or `externalAccess` announces nodes' ExternalIPs. */
  readonly nodeReaderRoleBinding?: k8s.KubeClusterRoleBinding;
}

/**
 * ServiceAccount, Role and RoleBinding (and with `zoneAware` a node-reader ClusterRole) in `scope`: the
 * ServiceAccount unless `serviceAccount.name` names an existing one, the rest unless `serviceAccount.rbac` is off.
 */
export function addDiscoveryRbac(scope: Construct, s: ClusterSettings): DiscoveryRbac {
  // Discovery asks the API server for the Service's endpoints with the pod's own token; nothing else uses it.
  const serviceAccount = s.platform.createServiceAccount ? new k8s.KubeServiceAccount(scope, 'ServiceAccount', {
    metadata: s.metadata,
    automountServiceAccountToken: false,
  }) : undefined;
  if (!s.platform.rbac) return { serviceAccount };
  const role = new k8s.KubeRole(scope, 'Role', {
    metadata: s.metadata,
    rules: [
      { apiGroups: [''], resources: ['endpoints', 'pods'], verbs: ['get', 'list'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list'] },
      // externalAccess: discovery reads each member's own Service for its node port or load balancer address
      ...(s.external.smart ? [{ apiGroups: [''], resources: ['services'], verbs: ['get'] }] : []),
    ],
  });
  const subjects = [{ kind: 'ServiceAccount', name: s.platform.serviceAccountName, namespace: s.namespace }];
  const roleBinding = new k8s.KubeRoleBinding(scope, 'RoleBinding', {
    metadata: s.metadata,
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.name },
    subjects,
  });
  // zoneAware reads a member's Node for its zone; externalAccess with nodeAddress ExternalIP for its ExternalIP.
  if (!s.zoneAware && !readsNodes(s)) return { serviceAccount, role, roleBinding };

  // Cluster-scoped, so named after the namespace too: two clusters called "hazelcast" must not share it.
  // Neither part can contain '.', so no two namespace/name pairs give the same name.
  const clusterMetadata = { name: `${s.namespace}.${s.name}.node-reader`, labels: s.labels, annotations: s.annotations };
  const nodeReaderRole = new k8s.KubeClusterRole(scope, 'NodeReaderRole', {
    metadata: clusterMetadata,
    rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }],
  });
  const nodeReaderRoleBinding = new k8s.KubeClusterRoleBinding(scope, 'NodeReaderRoleBinding', {
    metadata: clusterMetadata,
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: nodeReaderRole.name },
    subjects,
  });
  return { serviceAccount, role, roleBinding, nodeReaderRole, nodeReaderRoleBinding };
}

/** The member env that turns on Kubernetes API discovery by Service name (multicast off). */
export function discoveryEnv(serviceName: string): k8s.EnvVar[] {
  return [
    { name: 'HZ_NETWORK_JOIN_MULTICAST_ENABLED', value: 'false' },
    { name: 'HZ_NETWORK_JOIN_KUBERNETES_ENABLED', value: 'true' },
    { name: 'HZ_NETWORK_JOIN_KUBERNETES_KUBERNETESMASTER', value: 'https://kubernetes.default.svc.$(DNS_DOMAIN)' },
    { name: 'HZ_NETWORK_JOIN_KUBERNETES_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    { name: 'HZ_NETWORK_JOIN_KUBERNETES_SERVICENAME', value: serviceName },
  ];
}

/** The member env for zone awareness: ZONE_AWARE partition groups, and the pod name Hazelcast finds its zone by. */
export function zoneAwareEnv(): k8s.EnvVar[] {
  return [
    // Hazelcast finds its pod (then its node, then the node's zone) by this name.
    { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    { name: 'HZ_PARTITIONGROUP_ENABLED', value: 'true' },
    { name: 'HZ_PARTITIONGROUP_GROUPTYPE', value: 'ZONE_AWARE' },
  ];
}
