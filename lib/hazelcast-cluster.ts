import { Duration, Size } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import { validateWithApiSchema } from './api-schema';
import { ClientSource, IClientNamespace, IClientWorkload, clientPeer, workloadSource } from './client-access';
import { ClientConfigOptions, addClientConfigMap } from './client-config';
import { refuseObjectCollisions } from './collisions';
import type { HazelcastClusterProps } from './cluster-props';
import { Labels, MEMBER_PORT_NAME } from './names';
import { resolveSettings } from './settings';
import { addConfigMap } from './config-map';
import type { HazelcastConfig } from '../imports/hazelcast-config';
import { addDiscoveryRbac } from './discovery';
import { addDisruptionBudget } from './disruption-budget';
import { addMemberServices } from './member-services';
import { addMemberDeployment, addMemberStatefulSet, memberPodSecurityContext } from './member-pod';
import { addMemberService, addMetricsService, addNetworkPolicy } from './networking';

/**
 * A Hazelcast cluster: the tutorial's Service and Deployment, made safe for a current cluster. Members find each
 * other through Hazelcast's Kubernetes discovery (API mode, by Service name) with a least-privilege Role, shut
 * down gracefully, roll one at a time, are guarded by a PodDisruptionBudget and pass Pod Security "restricted".
 *
 * The props are checked in `cluster-props.ts`; each kind of object comes from its own builder: `discovery.ts`
 * (ServiceAccount, Role, bindings), `networking.ts` (Services, NetworkPolicy), `config-map.ts`, `member-pod.ts`
 * (Deployment; its env in `member-env.ts`) and `disruption-budget.ts`.
 */
export class HazelcastCluster extends Construct {
  public readonly name: string;
  public readonly namespace: string;
  public readonly replicas: number;
  public readonly dnsDomain: string;
  public readonly image: string;
  public readonly port: number;
  public readonly memoryLimit: Size;
  public readonly heapSize: Size;
  public readonly ephemeralStorage: Size;
  public readonly cpuRequestMillis: number;
  public readonly cpuLimitMillis: number;
  public readonly gracefulShutdownTimeout: Duration;
  public readonly clusterName: string;
  public readonly nodeAntiAffinity: 'preferred' | 'required' | 'none';
  public readonly zoneAware: boolean;
  /** The port of the metrics endpoint, when metrics are on. */
  public readonly metricsPort?: number;
  /** The label (with value "true") that lets a pod through the NetworkPolicy to the members. */
  public readonly clientLabel: string;
  /** Where clients in any namespace connect: `<name>.<namespace>.svc.<dnsDomain>:<port>` (the member Service). */
  public readonly clientAddress: string;

  /** Labels on every object's metadata and on the pods. */
  public readonly labels: Labels;
  /** The only label the Service, the Deployment and the PodDisruptionBudget select on. */
  public readonly selector: Labels;
  /** The `config` prop as given (the stack adds its own settings when it renders `hazelcast.yaml`). */
  public readonly config?: HazelcastConfig;
  /** The labels the member pods carry beside `labels` (the `podLabels` prop). */
  public readonly podLabels: Labels;
  /** The member pods' security context (their ids, non-root, RuntimeDefault seccomp). */
  public readonly podSecurityContext: k8s.PodSecurityContext;

  /** The ServiceAccount the members run as (an existing one when `serviceAccount.name` is given). */
  public readonly serviceAccountName: string;
  /** Absent when `serviceAccount.name` names an existing ServiceAccount. */
  public readonly serviceAccount?: k8s.KubeServiceAccount;
  /** Absent when `serviceAccount.rbac` is off. */
  public readonly role?: k8s.KubeRole;
  /** Absent when `serviceAccount.rbac` is off. */
  public readonly roleBinding?: k8s.KubeRoleBinding;
  public readonly service: k8s.KubeService;
  /** The members, unless `externalAccess` makes them a StatefulSet. */
  public readonly deployment?: k8s.KubeDeployment;
  /** The members, when `externalAccess` is on (each needs a stable name for its own Service). */
  public readonly statefulSet?: k8s.KubeStatefulSet;
  /** With `externalAccess`: one Service per member, `<name>-<ordinal>`. */
  public readonly memberServices: k8s.KubeService[];
  /** Present when there are two or more members. */
  public readonly podDisruptionBudget?: k8s.KubePodDisruptionBudget;
  /** Present when `config` is given. */
  public readonly configMap?: k8s.KubeConfigMap;
  /** Present when `zoneAware` is on, or `externalAccess` announces nodes' ExternalIPs. */
  public readonly nodeReaderRole?: k8s.KubeClusterRole;
  /** Present when `zoneAware` is on, or `externalAccess` announces nodes' ExternalIPs. */
  public readonly nodeReaderRoleBinding?: k8s.KubeClusterRoleBinding;
  /** Present when `metrics` is given. */
  public readonly metricsService?: k8s.KubeService;
  /** Present when `networkPolicy` is on. */
  public readonly memberNetworkPolicy?: k8s.KubeNetworkPolicy;

  /** The NetworkPolicy's peers on the member port, which `allowClientsFrom` adds to. */
  private readonly clientPeers?: k8s.NetworkPolicyPeer[];
  private allowedSources = 0;

  constructor(scope: Construct, id: string, props: HazelcastClusterProps = {}) {
    super(scope, id);
    refuseObjectCollisions(this);
    validateWithApiSchema(this);
    const s = resolveSettings(props);
    this.name = s.name;
    this.namespace = s.namespace;
    this.replicas = s.replicas;
    this.dnsDomain = s.dnsDomain;
    this.image = s.image;
    this.port = s.port;
    this.memoryLimit = s.memoryLimit;
    this.heapSize = s.heapSize;
    this.ephemeralStorage = s.ephemeralStorage;
    this.cpuRequestMillis = s.cpuRequestMillis;
    this.cpuLimitMillis = s.cpuLimitMillis;
    this.gracefulShutdownTimeout = s.gracefulShutdownTimeout;
    this.clusterName = s.clusterName;
    this.nodeAntiAffinity = s.nodeAntiAffinity;
    this.zoneAware = s.zoneAware;
    this.metricsPort = s.metricsPort;
    this.clientLabel = s.clientLabel;
    this.clientAddress = `${s.name}.${s.namespace}.svc.${s.dnsDomain}:${s.port}`;
    this.labels = s.labels;
    this.selector = s.selector;
    this.config = props.config;
    this.podLabels = { ...props.podLabels };
    this.podSecurityContext = memberPodSecurityContext(s);

    // The order of these calls is the order of the objects in the synthesized YAML.
    const rbac = addDiscoveryRbac(this, s);
    this.serviceAccountName = s.platform.serviceAccountName;
    this.serviceAccount = rbac.serviceAccount;
    this.role = rbac.role;
    this.roleBinding = rbac.roleBinding;
    this.nodeReaderRole = rbac.nodeReaderRole;
    this.nodeReaderRoleBinding = rbac.nodeReaderRoleBinding;

    this.service = addMemberService(this, s);
    this.metricsService = addMetricsService(this, s);
    this.memberServices = addMemberServices(this, s, MEMBER_PORT_NAME);

    this.configMap = addConfigMap(this, s);

    const refs = { service: this.service };
    if (s.external.smart) this.statefulSet = addMemberStatefulSet(this, s, refs);
    else this.deployment = addMemberDeployment(this, s, refs);
    this.podDisruptionBudget = addDisruptionBudget(this, s);
    const policy = addNetworkPolicy(this, s);
    this.memberNetworkPolicy = policy?.policy;
    this.clientPeers = policy?.from;
    this.allowedSources = props.clientsFrom?.length ?? 0;
  }

  /**
   * A ConfigMap with `hazelcast-client.yaml` for a client app (in `options.namespace`, by default the cluster's):
   * the cluster name, `clientAddress`, smart routing and a connection retry that outlasts a member restart. Mount
   * it and point the Java client at it (`-Dhazelcast.client.config=<mount>/hazelcast-client.yaml`); with the
   * NetworkPolicy on, the app's pods must also be admitted (`clientsFrom`, `allowClientsFrom`).
   */
  public addClientConfig(options: ClientConfigOptions = {}): k8s.KubeConfigMap {
    const namespace = options.namespace ?? this.namespace;
    return addClientConfigMap(this, `ClientConfig-${namespace}-${options.name ?? 'default'}`, this, options);
  }

  /**
   * Lets clients of another namespace through the NetworkPolicy (as `clientsFrom` does): the pods of
   * `source.namespace` (or of the namespaces `source.namespaceLabels` selects) with the cluster's client label, or
   * with `source.podLabels`. Needs `networkPolicy` on.
   */
  public allowClientsFrom(source: ClientSource): void {
    if (!this.clientPeers) {
      throw new Error(`allowClientsFrom on ${this.namespace}/${this.name}: it has no NetworkPolicy ('networkPolicy' is off), so every pod can already connect`);
    }
    this.clientPeers.push(clientPeer(`allowClientsFrom(#${this.allowedSources})`, source, this.clientLabel));
    this.allowedSources++;
  }

  /**
   * Lets the pods of a cdk8s-plus workload (a `Deployment`, `StatefulSet`, `DaemonSet` or `Job`, in any namespace)
   * through the NetworkPolicy, by its namespace and the labels it selects its pods by: no client label needed.
   */
  public allowClientsFromWorkload(workload: IClientWorkload): void {
    this.allowClientsFrom(workloadSource(`allowClientsFromWorkload(#${this.allowedSources})`, workload));
  }

  /**
   * Lets the pods of a cdk8s-plus `Namespace` that carry the cluster's client label (`<name>-client: "true"`)
   * through the NetworkPolicy (`allowClientsFrom({ namespace, podLabels: {} })` admits every pod there).
   */
  public allowClientsFromNamespace(namespace: IClientNamespace): void {
    this.allowClientsFrom({ namespace: namespace?.name });
  }
}
