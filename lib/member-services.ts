// The member Service and, for smart clients outside Kubernetes, one Service per member, as `service` and
// `externalAccess` resolved them (external-access.ts); and the env and RBAC that per-member discovery needs.
import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import { ipFamilyServiceSpec } from './ip-families';
import { MEMBER_SERVICE_LABEL, POD_NAME_LABEL, servicePort, withAnnotations } from './names';
import type { ClusterSettings } from './settings';

/** The spec of the member Service, beyond selector and ports, from `service`. */
export function memberServiceSpec(s: ClusterSettings): Partial<k8s.ServiceSpec> {
  const x = s.external;
  if (x.headless) return { clusterIp: 'None' };
  if (x.serviceType === 'ClusterIP') return {};
  return {
    type: x.serviceType, externalTrafficPolicy: x.externalTrafficPolicy,
    loadBalancerIp: x.loadBalancerIP, loadBalancerSourceRanges: x.loadBalancerSourceRanges,
  };
}

/** The member port of a Service. */
export function memberServicePort(s: ClusterSettings, portName: string, nodePort?: number): k8s.ServicePort {
  return servicePort(portName, s.port, 'tcp', nodePort);
}

/** Names of the per-member Services: the StatefulSet's pod names, `<name>-<ordinal>`. */
export function memberServiceNames(s: ClusterSettings): string[] {
  return s.external.smart ? Array.from({ length: s.replicas }, (_, i) => `${s.name}-${i}`) : [];
}

/**
 * With `externalAccess`: one Service per member, named like its pod, selecting it by the pod-name label that the
 * StatefulSet sets, with exactly one port (Hazelcast's discovery requires it) and `externalTrafficPolicy: Local`
 * (the node announced for a member is the one it runs on; the client's address stays visible to the NetworkPolicy).
 */
export function addMemberServices(scope: Construct, s: ClusterSettings, portName: string): k8s.KubeService[] {
  const smart = s.external.smart;
  if (!smart) return [];
  return memberServiceNames(s).map((name) => new k8s.KubeService(scope, `MemberService-${name}`, {
    metadata: {
      ...withAnnotations({ name, namespace: s.namespace, annotations: s.annotations }, smart.annotations),
      labels: { ...s.labels, [MEMBER_SERVICE_LABEL]: s.name },
    },
    spec: {
      ...ipFamilyServiceSpec(s.ipFamilies),
      type: smart.type,
      externalTrafficPolicy: 'Local',
      loadBalancerSourceRanges: smart.loadBalancerSourceRanges,
      selector: { ...s.selector, [POD_NAME_LABEL]: name },
      ports: [memberServicePort(s, portName)],
    },
  }));
}

/**
 * The discovery env for smart clients outside: find each member's own Service by its label, look up its external
 * address (load balancer, or node address + node port) and fail rather than start without one.
 */
export function externalAccessEnv(s: ClusterSettings): k8s.EnvVar[] {
  const smart = s.external.smart;
  if (!smart) return [];
  return [
    { name: 'HAZELCAST_KUBERNETES_EXPOSE_EXTERNALLY', value: 'true' },
    { name: 'HAZELCAST_KUBERNETES_SERVICE_PER_POD_LABEL_NAME', value: MEMBER_SERVICE_LABEL },
    { name: 'HAZELCAST_KUBERNETES_SERVICE_PER_POD_LABEL_VALUE', value: s.name },
    ...(smart.nodeAddress === 'NodeName' ? [{ name: 'HAZELCAST_KUBERNETES_USE_NODE_NAME_AS_EXTERNAL_ADDRESS', value: 'true' }] : []),
  ];
}

/** Whether discovery reads Nodes for the external address (an ExternalIP lookup, or a load balancer not yet there). */
export function readsNodes(s: ClusterSettings): boolean {
  return s.external.smart !== undefined && s.external.smart.nodeAddress === 'ExternalIP';
}
