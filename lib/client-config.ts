// What a client app needs to reach a cluster from any namespace: its address and cluster name, and a
// `hazelcast-client.yaml` in a ConfigMap of the app's namespace that the Java client loads as it is.
import { Yaml } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import { checkDns1123Label, checkDns1123Subdomain, show } from './validation';

/** Options of `HazelcastCluster.addClientConfig`. */
export interface ClientConfigOptions {
  /**
   * The namespace of the client app, where the ConfigMap goes.
   * @default - the cluster's namespace
   */
  readonly namespace?: string;
  /**
   * The ConfigMap's name.
   * @default "<cluster name>-client-config"
   */
  readonly name?: string;
  /**
   * Smart routing: the client connects to every member (on its pod address, which the NetworkPolicy admits for
   * admitted clients) and sends each operation to the member that owns the key. Off, it uses one connection
   * through the Service.
   * @default true
   */
  readonly smartRouting?: boolean;
  /**
   * Redo an operation whose connection closed (a member stopping, a blue/green switch). Redone means at least
   * once: a `set` twice is harmless, an `offer` or an increment may count twice. Reads are redone anyway.
   * @default false
   */
  readonly redoOperation?: boolean;
}

/** The content of `hazelcast-client.yaml` for a cluster at `address` named `clusterName`. */
export function clientConfigYaml(clusterName: string, address: string, o: ClientConfigOptions): string {
  return Yaml.stringify({
    'hazelcast-client': {
      'cluster-name': clusterName,
      'network': {
        'cluster-members': [address],
        'smart-routing': o.smartRouting ?? true,
        'redo-operation': o.redoOperation ?? false,
      },
      'connection-strategy': {
        'async-start': false,
        'reconnect-mode': 'ON',
        // Retry for ever (Hazelcast's -1), backing off to 30 s: the client outlasts a member restart, a rollout
        // and a whole-cluster restart, and reconnects through the Service to whichever members serve it then.
        'connection-retry': {
          'cluster-connect-timeout-millis': -1,
          'initial-backoff-millis': 1000,
          'max-backoff-millis': 30000,
          'multiplier': 2,
          'jitter': 0.2,
        },
      },
    },
  });
}

/** The ConfigMap with `hazelcast-client.yaml`, checked. */
export function addClientConfigMap(scope: Construct, id: string, cluster: {
  readonly name: string; readonly namespace: string; readonly clusterName: string; readonly clientAddress: string;
  readonly labels: { readonly [key: string]: string };
}, o: ClientConfigOptions = {}): k8s.KubeConfigMap {
  if (o === null || typeof o !== 'object') throw new Error(`addClientConfig options (${show(o)}) must be an object`);
  const namespace = o.namespace ?? cluster.namespace;
  checkDns1123Label('addClientConfig namespace', namespace);
  const name = o.name ?? `${cluster.name}-client-config`;
  checkDns1123Subdomain('addClientConfig name', name);
  for (const key of ['smartRouting', 'redoOperation'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'boolean') throw new Error(`addClientConfig ${key} (${show(o[key])}) must be true or false`);
  }
  return new k8s.KubeConfigMap(scope, id, {
    metadata: {
      name, namespace,
      labels: { ...cluster.labels, 'app.kubernetes.io/component': 'client-config' },
    },
    data: { 'hazelcast-client.yaml': clientConfigYaml(cluster.clusterName, cluster.clientAddress, o) },
  });
}
