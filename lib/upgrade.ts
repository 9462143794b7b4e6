// Upgrading Hazelcast Community Edition blue/green (README "Upgrading Hazelcast"). CE members of different minor
// versions never form one cluster (Rolling Member Upgrades are Enterprise-only), so a new version runs as a second
// cluster beside the old one, the data is copied across with a Jet job on the new cluster that reads the old
// cluster's maps remotely, clients move through a Service that selects whichever cluster serves them, and then the
// old cluster is removed.
import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import { HazelcastClusterProps, MEMBER_PORT_NAME } from './cluster-props';
import { HazelcastCluster } from './hazelcast-cluster';
import { checkDns1035Label } from './validation';

export interface HazelcastClientServiceProps {
  /**
   * Name of the Service clients connect to (`<name>.<namespace>.svc.<dnsDomain>:<port>`); it must not be a
   * cluster's name (the synth refuses two objects with one name).
   */
  readonly name: string;
  /**
   * The cluster that serves the clients. Point it at the new cluster and apply to send new connections there; the
   * clusters must share the namespace, the port and the Hazelcast cluster name (clients authenticate with it).
   */
  readonly target: HazelcastCluster;
}

/**
 * A Service for clients that outlives the clusters behind it: it selects the `target` cluster's members, so moving
 * `target` from the old cluster to the new one moves the clients without changing their address.
 */
export class HazelcastClientService extends Construct {
  public readonly service: k8s.KubeService;

  constructor(scope: Construct, id: string, props: HazelcastClientServiceProps) {
    super(scope, id);
    checkDns1035Label('name', props.name);
    const target = props.target;
    this.service = new k8s.KubeService(this, 'Service', {
      metadata: {
        name: props.name,
        namespace: target.namespace,
        labels: {
          'app.kubernetes.io/name': 'hazelcast',
          'app.kubernetes.io/instance': props.name,
          'app.kubernetes.io/component': 'client-service',
          'app.kubernetes.io/managed-by': 'cdk8s',
        },
      },
      spec: {
        selector: target.selector,
        ports: [{ name: MEMBER_PORT_NAME, port: target.port, targetPort: k8s.IntOrString.fromString(MEMBER_PORT_NAME) }],
      },
    });
  }
}

/**
 * The props a new cluster needs beside `old` for a blue/green upgrade: the same namespace, port and Hazelcast
 * cluster name (clients reconnect to it under the name they know), and, when `old` has a NetworkPolicy, `old`'s
 * client label on the new members, so that the copy job they run can read `old`'s maps. Give the new cluster its
 * own `name` (object names, discovery Service) and the new `image`.
 */
export function blueGreenProps(old: HazelcastCluster): Pick<HazelcastClusterProps, 'namespace' | 'port' | 'clusterName' | 'podLabels'> {
  return {
    namespace: old.namespace,
    port: old.port,
    clusterName: old.clusterName,
    ...(old.memberNetworkPolicy ? { podLabels: { [old.clientLabel]: 'true' } } : {}),
  };
}
