// Networking: the member Service (what clients and discovery use), the metrics Service and the NetworkPolicy.
import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import { MEMBER_PORT_NAME, METRICS_PORT_NAME, servicePort, withAnnotations } from './names';
import { ClusterSettings } from './settings';
import { memberServicePort, memberServiceSpec } from './member-services';
import { ipFamilyServiceSpec } from './ip-families';

/**
 * The Service named after the cluster: the member port, selecting exactly `name: <name>`; its type (ClusterIP,
 * headless, NodePort, LoadBalancer) and annotations from the `service` prop.
 */
export function addMemberService(scope: Construct, s: ClusterSettings): k8s.KubeService {
  const x = s.external;
  return new k8s.KubeService(scope, 'Service', {
    metadata: withAnnotations(s.metadata, x.serviceAnnotations),
    spec: {
      ...ipFamilyServiceSpec(s.ipFamilies),
      ...memberServiceSpec(s),
      selector: s.selector,
      ports: [memberServicePort(s, MEMBER_PORT_NAME, x.nodePort)],
    },
  });
}

/** `<name>-metrics`, when metrics are on. */
export function addMetricsService(scope: Construct, s: ClusterSettings): k8s.KubeService | undefined {
  if (s.metricsPort === undefined) return undefined;
  return new k8s.KubeService(scope, 'MetricsService', {
    metadata: { ...s.metadata, name: `${s.name}-metrics` },
    spec: {
      ...ipFamilyServiceSpec(s.ipFamilies),
      selector: s.selector,
      ports: [servicePort(METRICS_PORT_NAME, s.metricsPort, 'http')],
    },
  });
}

/**
 * With `networkPolicy` on: ingress on the member port only from members, pods of the cluster's namespace labelled
 * `<name>-client: "true"`, the `clientsFrom` peers (pods of other namespaces, client-access.ts), the
 * `externalClientCidrs` (clients outside the cluster, through a NodePort or load balancer), and (with metrics on)
 * from anyone on the metrics port. `from` is returned too: `allowClientsFrom` adds peers to it until synth.
 */
export function addNetworkPolicy(scope: Construct, s: ClusterSettings): { policy: k8s.KubeNetworkPolicy; from: k8s.NetworkPolicyPeer[] } | undefined {
  if (!s.networkPolicy) return undefined;
  const memberPort = { port: k8s.IntOrString.fromNumber(s.port), protocol: 'TCP' };
  const from: k8s.NetworkPolicyPeer[] = [
    { podSelector: { matchLabels: s.selector } },
    { podSelector: { matchLabels: { [s.clientLabel]: 'true' } } },
    ...s.clientPeers,
    ...s.external.clientCidrs.map((cidr) => ({ ipBlock: { cidr } })),
  ];
  const policy = new k8s.KubeNetworkPolicy(scope, 'NetworkPolicy', {
    metadata: s.metadata,
    spec: {
      podSelector: { matchLabels: s.selector },
      policyTypes: ['Ingress'],
      ingress: [
        { from, ports: [memberPort] },
        ...(s.metricsPort !== undefined
          ? [{ ports: [{ port: k8s.IntOrString.fromNumber(s.metricsPort), protocol: 'TCP' }] }] : []),
      ],
    },
  });
  return { policy, from };
}
