// The props of HazelcastCluster: the cluster, its size, its member config and its network (this file), and its
// pods on the platform (pod-props.ts). Types, and each prop's runtime kind beside them (which TypeScript makes
// complete: a prop without a kind does not compile); settings.ts checks every prop once and resolves the defaults.
import { Duration, Size } from 'cdk8s';
import * as k8s from '../imports/k8s';
import type { HazelcastConfig } from '../imports/hazelcast-config';
import type { ClientSource } from './client-access';
import type { ExternalAccessOptions, MemberServiceOptions } from './external-access';
import type { PropKind } from './names';
import type { HazelcastPodProps } from './pod-props';
import type { UserCode } from './user-code';

/** The `metrics` prop: Prometheus metrics from the official image's JMX exporter. */
export interface MetricsOptions {
  /**
   * The exporter's port.
   * @default 8080
   */
  readonly port?: number;
}

export interface HazelcastClusterProps extends HazelcastPodProps {
  /**
   * Name of the cluster: the name of every object, the value of the `name` label the Service and the
   * Deployment select on, and the Hazelcast cluster name (members of differently named clusters never merge).
   * @default "hazelcast"
   */
  readonly name?: string;

  /**
   * Namespace of every object. Written explicitly so that `kubectl apply -f dist` lands in one place whatever
   * the current context, and so that the RoleBinding names the right ServiceAccount.
   * @default "default"
   */
  readonly namespace?: string;

  /**
   * Number of Hazelcast members. 0 parks the cluster (its data is gone); with 1 there is no backup copy and no
   * PodDisruptionBudget. At most 271, Hazelcast's default partition count.
   * @default 3
   */
  readonly replicas?: number;

  /**
   * Cluster DNS domain. As in the tutorial it goes into the env var `DNS_DOMAIN`, from which the members derive
   * the API server address `https://kubernetes.default.svc.$(DNS_DOMAIN)` for discovery.
   * @default "cluster.local"
   */
  readonly dnsDomain?: string;

  /**
   * Container image of the members.
   * @default "docker.io/hazelcast/hazelcast:<HAZELCAST_VERSION>" (the Community Edition release in lib/versions.ts)
   */
  readonly image?: string;

  /**
   * Port the members listen on and the Service exposes (named `hazelcast`).
   * @default 5701
   */
  readonly port?: number;

  /**
   * Memory request and limit of each member container.
   * @default Size.gibibytes(2)
   */
  readonly memoryLimit?: Size;

  /**
   * JVM heap of each member (`-Xms` and `-Xmx`). Must leave at least 256 MiB of `memoryLimit` to the JVM.
   * @default - 75% of `memoryLimit`, rounded down to whole MiB
   */
  readonly heapSize?: Size;

  /**
   * Ephemeral storage request and limit of each member container (its logs and the /tmp emptyDir count here).
   * @default Size.gibibytes(1)
   */
  readonly ephemeralStorage?: Size;

  /**
   * CPU request of each member container, in millicores.
   * @default 500
   */
  readonly cpuRequestMillis?: number;

  /**
   * CPU limit of each member container, in millicores.
   * @default 2000
   */
  readonly cpuLimitMillis?: number;

  /**
   * How long a stopping member may spend handing its partitions to the others before it gives up
   * (`hazelcast.graceful.shutdown.max.wait`). The pod's termination grace period is this plus 30 s. It must cover
   * handing over a full `heapSize` at the slowest rate measured (lib/graceful-shutdown.ts); a shorter one is refused.
   * @default - a full heap's hand-over time at the measured rate x 3, in whole minutes, at least 2 (3 minutes for
   * the default 1.5 GiB heap)
   */
  readonly gracefulShutdownTimeout?: Duration;

  /**
   * Extra labels for the metadata of every object and of the pods. Selectors stay `name: <name>` only.
   * @default - none beyond `name` and the `app.kubernetes.io/*` labels
   */
  readonly labels?: { readonly [key: string]: string };

  /**
   * Hazelcast cluster name: members and clients of differently named clusters never join each other.
   * @default - the `name` prop
   */
  readonly clusterName?: string;

  /**
   * Member configuration (maps, properties) as a typed object, shipped as `hazelcast.yaml` in a ConfigMap. A change
   * to it changes a checksum annotation on the pods, so the members roll one at a time.
   * @default - no ConfigMap; Hazelcast's defaults plus what the stack sets
   */
  readonly config?: HazelcastConfig;

  /**
   * More JVM options, after the stack's own. The heap is `heapSize`'s to decide, so -Xmx, -Xms and
   * -XX:MaxRAMPercentage are refused here.
   * @default - none
   */
  readonly jvmOptions?: string[];

  /**
   * More environment variables for the member container, after the stack's own (which they cannot replace).
   * @default - none
   */
  readonly env?: { readonly [name: string]: string };

  /**
   * Environment variables of the member container from a Secret key, a ConfigMap key or a field of the pod (one
   * of `secretKeyRef`, `configMapKeyRef`, `fieldRef`, `resourceFieldRef` each), after the stack's own (which they
   * cannot replace): for example `{ HZ_LICENSEKEY: { secretKeyRef: { name: 'hz', key: 'license' } } }`.
   * @default - none
   */
  readonly envValueFrom?: { readonly [name: string]: k8s.EnvVarSource };

  /**
   * Whole Secrets or ConfigMaps as environment variables of the member container (`envFrom`). Kubernetes lets an
   * explicit `env` entry win over these, so they cannot replace what the stack sets.
   * @default - none
   */
  readonly envFrom?: k8s.EnvFromSource[];

  /**
   * The IP families of the Services (`ipFamilies`), in order: `["IPv6"]` for an IPv6-only cluster, two for dual
   * stack. With IPv6 first, the members prefer IPv6 addresses (`-Djava.net.preferIPv4Stack=false`, `-Djava.net.preferIPv6Addresses=true`,
   * `-Dhazelcast.prefer.ipv4.stack=false`).
   * @default - the cluster's default family (Kubernetes decides), and the JVM prefers IPv4
   */
  readonly ipFamilies?: ('IPv4' | 'IPv6')[];

  /**
   * The Services' `ipFamilyPolicy`.
   * @default - "SingleStack" for one family, "PreferDualStack" for two (Kubernetes' own default without ipFamilies)
   */
  readonly ipFamilyPolicy?: 'SingleStack' | 'PreferDualStack' | 'RequireDualStack';

  /**
   * Prometheus metrics: the official image's JMX exporter on this port, a `metrics` container port, the
   * `prometheus.io/*` scrape annotations on the pods and a `<name>-metrics` Service.
   * @default - no metrics
   */
  readonly metrics?: MetricsOptions;

  /**
   * A NetworkPolicy that admits, on the member port, only the members themselves and pods labelled
   * `<name>-client: "true"` (and, with metrics on, anyone on the metrics port).
   * @default false
   */
  readonly networkPolicy?: boolean;

  /**
   * The member Service: `type` ClusterIP, NodePort or LoadBalancer (the last two also serve unisocket clients
   * outside Kubernetes), `headless`, `nodePort`, `annotations` (cloud load balancers read them) and
   * `externalTrafficPolicy`. See "Clients outside Kubernetes" in the README.
   * @default - a ClusterIP Service
   */
  readonly service?: MemberServiceOptions;

  /**
   * Smart clients outside Kubernetes: one NodePort (or LoadBalancer) Service per member, the members as a
   * StatefulSet (a Service needs a stable pod name to select), and discovery that looks up each member's external
   * address and announces it to clients. See "Clients outside Kubernetes" in the README.
   * @default - none: smart clients reach the members on their pod addresses only
   */
  readonly externalAccess?: ExternalAccessOptions;

  /**
   * With `networkPolicy` on: the IPv4 CIDRs that clients outside the cluster connect from, admitted on the member
   * port (through a NodePort or load balancer with `externalTrafficPolicy: Local`, which keeps their address).
   * Required when `service.type` is NodePort or LoadBalancer or `externalAccess` is on.
   * @default - none
   */
  readonly externalClientCidrs?: string[];

  /**
   * With `networkPolicy` on: clients in other namespaces, admitted on the member port (through the Service and on
   * every member's pod address). Each names a namespace (or namespace labels) and the pods there (by default those
   * with the cluster's client label). `allowClientsFrom` adds more after construction.
   * @default - only pods of the cluster's own namespace with its client label
   */
  readonly clientsFrom?: ClientSource[];

  /**
   * Jars for the members' classpath (MapStore, EntryProcessors, domain classes, Jet jobs): copied from an image by
   * an init container, or mounted from a volume, into /data/user-code, which the member's CLASSPATH names.
   * @default - the image's classpath only
   */
  readonly userCode?: UserCode;

  /**
   * Root log level of the members (the image's `LOGGING_LEVEL`).
   * @default - the image's: INFO
   */
  readonly loggingLevel?: 'OFF' | 'FATAL' | 'ERROR' | 'WARN' | 'INFO' | 'DEBUG' | 'TRACE' | 'ALL';
}

/** The runtime kind of each prop above (prop-types.ts checks it for callers that bypass TypeScript's types). */
export const CLUSTER_PROP_KINDS = {
  name: 'string', namespace: 'string', replicas: 'integer', dnsDomain: 'string', image: 'string', port: 'integer',
  memoryLimit: 'Size', heapSize: 'Size', ephemeralStorage: 'Size', cpuRequestMillis: 'integer',
  cpuLimitMillis: 'integer', gracefulShutdownTimeout: 'Duration', labels: 'stringMap', clusterName: 'string',
  config: 'object', jvmOptions: 'stringList', env: 'object', envValueFrom: 'object', envFrom: 'list',
  ipFamilies: 'stringList', ipFamilyPolicy: 'string', metrics: 'object', networkPolicy: 'boolean', service: 'object',
  externalAccess: 'object', externalClientCidrs: 'stringList', clientsFrom: 'list', userCode: 'object',
  loggingLevel: 'string',
} as const satisfies { readonly [K in Exclude<keyof HazelcastClusterProps, keyof HazelcastPodProps>]-?: PropKind };
