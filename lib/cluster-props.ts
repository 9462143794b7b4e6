// The props of HazelcastCluster, and what the stack decides from them: every prop is checked here, once, and the
// result is a ClusterSettings object that the builders (discovery, networking, config, member pod, budget) read.
import { Duration, Size, SizeRoundingBehavior } from 'cdk8s';
import * as k8s from '../imports/k8s';
import { ClientSource, clientPeer } from './client-access';
import { ExternalAccessOptions, ExternalSettings, MemberServiceOptions, resolveExternalSettings } from './external-access';
import {
  MAX_GRACEFUL_SHUTDOWN_SECONDS, MEASURED_HAND_OVER_MIB_PER_SECOND, defaultGracefulShutdown, fullHeapHandOverSeconds,
} from './graceful-shutdown';
import type { HazelcastConfig } from '../imports/hazelcast-config';
import { PARTITION_COUNT_PROPERTY } from './hazelcast-config';
import { IpFamilySettings, resolveIpFamilies } from './ip-families';
import {
  DisruptionBudgetOptions, PlatformSettings, PodIdentityOptions, ServiceAccountOptions, resolvePlatformSettings,
} from './platform-options';
import type { ProbeTimings } from './probes';
import { checkPropTypes } from './prop-types';
import { checkAnnotations, checkImageReference, checkSpreadConstraints, checkTolerations } from './kubernetes-rules';
import type { UserCode } from './user-code';
import {
  checkDns1035Label, checkDns1123Label, checkDns1123Subdomain, checkDnsDomain, checkInteger, checkLabel, checkToken, show,
} from './validation';
import { HAZELCAST_VERSION } from './versions';

/** The official image of the Hazelcast Community Edition release in lib/versions.ts. */
export const DEFAULT_IMAGE = `docker.io/hazelcast/hazelcast:${HAZELCAST_VERSION}`;

/** Hazelcast's default partition count: a member past the partition count would own no data. */
export const DEFAULT_PARTITION_COUNT = 271;
/** Longest `name`: the names derived from it (`<name>-metrics`, `<name>-client`) must stay within 63 characters. */
const MAX_NAME_LENGTH = 55;
/** Longest `name` as a StatefulSet (`externalAccess`): its pods' `controller-revision-hash` is `<name>-<hash>`. */
const MAX_STATEFUL_SET_NAME_LENGTH = 52;
/** Memory the JVM needs beside its heap (metaspace, thread stacks, direct buffers, code cache). */
const MIN_NON_HEAP = Size.mebibytes(256);

/** Port names, shared by the container, the Services and the probes. */
export const MEMBER_PORT_NAME = 'hazelcast';
export const METRICS_PORT_NAME = 'metrics';

/** The `metrics` prop: Prometheus metrics from the official image's JMX exporter. */
export interface MetricsOptions {
  /**
   * The exporter's port.
   * @default 8080
   */
  readonly port?: number;
}

export interface HazelcastClusterProps {
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
   * The member image's pull policy.
   * @default "IfNotPresent" (the image is a pinned release tag; `Always` costs a registry round trip each start)
   */
  readonly imagePullPolicy?: 'IfNotPresent' | 'Always' | 'Never';

  /**
   * The ServiceAccount the members run as: an existing one, and whether the stack writes the discovery RBAC.
   * @default - a ServiceAccount, Role and RoleBinding of the stack's own
   */
  readonly serviceAccount?: ServiceAccountOptions;

  /**
   * How many members a drain may take at once.
   * @default - maxUnavailable 1
   */
  readonly podDisruptionBudget?: DisruptionBudgetOptions;

  /**
   * The member pods' user and group ids, or none for platforms that assign them (OpenShift).
   * @default - runAsUser, runAsGroup and fsGroup 65534
   */
  readonly podIdentity?: PodIdentityOptions;

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
   * Names of Secrets to pull the image with.
   * @default - none
   */
  readonly imagePullSecrets?: string[];

  /**
   * How strongly members are kept off each other's nodes: `preferred` asks the scheduler to spread them, `required`
   * never puts two on one node (pods stay Pending when nodes run out), `none` leaves it to the scheduler.
   * @default "preferred"
   */
  readonly nodeAntiAffinity?: 'preferred' | 'required' | 'none';

  /**
   * Zone awareness: spreads members evenly across `topology.kubernetes.io/zone` and makes Hazelcast keep each
   * backup in another zone than its primary (ZONE_AWARE partition groups). Hazelcast reads a member's zone from
   * its Node, so this adds the one cluster-scoped permission it needs: a ClusterRole with `get` on `nodes`.
   * @default false
   */
  readonly zoneAware?: boolean;

  /**
   * Node labels the members must run on.
   * @default - any node
   */
  readonly nodeSelector?: { readonly [key: string]: string };

  /**
   * Tolerations of the member pods.
   * @default - none
   */
  readonly tolerations?: k8s.Toleration[];

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
   * Timings of the readiness probe (`/hazelcast/health/ready`: ready once the member has joined).
   * @default - initial delay 3 s, period 2 s, timeout 2 s, failure threshold 5
   */
  readonly readinessProbe?: ProbeTimings;

  /**
   * Timings of the liveness probe (`/hazelcast/health/node-state`: alive until shut down).
   * @default - initial delay 30 s, period 10 s, timeout 10 s, failure threshold 10 (the Helm chart's)
   */
  readonly livenessProbe?: ProbeTimings;

  /**
   * A startup probe on `/hazelcast/health/node-state`, which holds liveness off until the member answers: `true`
   * for its default timings, or timings.
   * @default - none (initial delay 0 s, period 5 s, timeout 5 s, failure threshold 60 when turned on)
   */
  readonly startupProbe?: ProbeTimings | boolean;

  /**
   * Root log level of the members (the image's `LOGGING_LEVEL`).
   * @default - the image's: INFO
   */
  readonly loggingLevel?: 'OFF' | 'FATAL' | 'ERROR' | 'WARN' | 'INFO' | 'DEBUG' | 'TRACE' | 'ALL';

  /**
   * Extra labels on the member pods only (not on other objects, never in selectors).
   * @default - none
   */
  readonly podLabels?: { readonly [key: string]: string };

  /**
   * Extra annotations on the member pods (for example a mesh's or a log shipper's).
   * @default - none
   */
  readonly podAnnotations?: { readonly [key: string]: string };

  /**
   * Annotations on the metadata of every object (the Helm chart's commonAnnotations; its commonLabels are `labels`).
   * @default - none
   */
  readonly commonAnnotations?: { readonly [key: string]: string };

  /**
   * PriorityClass of the member pods.
   * @default - the cluster's default priority
   */
  readonly priorityClassName?: string;

  /**
   * More topology spread constraints, after the zone spread of `zoneAware`. A constraint without `labelSelector`
   * gets the members' selector.
   * @default - none
   */
  readonly topologySpreadConstraints?: k8s.TopologySpreadConstraint[];

  /**
   * More volumes for the member pods (not hostPath; not named tmp, config or user-code).
   * @default - none
   */
  readonly extraVolumes?: k8s.Volume[];

  /**
   * More mounts in the member container, of `extraVolumes` (not over /tmp, /data/hazelcast or /data/user-code).
   * @default - none
   */
  readonly extraVolumeMounts?: k8s.VolumeMount[];

  /**
   * Init containers that run before the member (after the user-code copy). They get the member's restricted
   * security context; one that asks for less (privileged, root, added capabilities, host ports) is refused.
   * @default - none
   */
  readonly initContainers?: k8s.Container[];

  /**
   * Containers that run beside the member, for example a log shipper or a mesh proxy; restricted like
   * `initContainers`.
   * @default - none
   */
  readonly sidecars?: k8s.Container[];
}

/** Labels, as Kubernetes object metadata takes them. */
export type Labels = { readonly [key: string]: string };

/** What the stack decided from the props: checked values, derived names and labels. */
export interface ClusterSettings {
  readonly props: HazelcastClusterProps;
  readonly name: string;
  readonly namespace: string;
  readonly replicas: number;
  readonly dnsDomain: string;
  readonly image: string;
  readonly port: number;
  readonly memoryLimit: Size;
  readonly memoryMiB: number;
  readonly heapSize: Size;
  readonly heapMiB: number;
  readonly ephemeralStorage: Size;
  readonly ephemeralMiB: number;
  readonly cpuRequestMillis: number;
  readonly cpuLimitMillis: number;
  readonly gracefulShutdownTimeout: Duration;
  readonly shutdownSeconds: number;
  readonly clusterName: string;
  readonly nodeAntiAffinity: 'preferred' | 'required' | 'none';
  readonly zoneAware: boolean;
  readonly metricsPort?: number;
  readonly clientLabel: string;
  /** `clientsFrom` as NetworkPolicy peers, checked. */
  readonly clientPeers: k8s.NetworkPolicyPeer[];
  /** `service`, `externalAccess` and `externalClientCidrs`, checked. */
  readonly external: ExternalSettings;
  /** ServiceAccount, RBAC, pull policy, PodDisruptionBudget, pod ids, env from Secrets and ConfigMaps, checked. */
  readonly platform: PlatformSettings;
  /** `ipFamilies` and `ipFamilyPolicy`, checked. */
  readonly ipFamilies: IpFamilySettings;
  /** The only label the Service, the Deployment and the PodDisruptionBudget select on. */
  readonly selector: Labels;
  /** Labels on every object's metadata and on the pods. */
  readonly labels: Labels;
  /** Annotations on every object's metadata (`commonAnnotations`). */
  readonly annotations?: Labels;
  /** Name, namespace, labels (and `commonAnnotations`): the metadata most objects carry. */
  readonly metadata: { readonly name: string; readonly namespace: string; readonly labels: Labels; readonly annotations?: Labels };
}

/** Checks every prop and resolves the defaults; throws on the first bad value, naming the prop. */
export function resolveSettings(props: HazelcastClusterProps): ClusterSettings {
  checkPropTypes(props);
  const name = props.name ?? 'hazelcast';
  checkDns1035Label('name', name, MAX_NAME_LENGTH);
  const namespace = props.namespace ?? 'default';
  checkDns1123Label('namespace', namespace);
  const replicas = props.replicas ?? 3;
  const partitionCount = props.config?.properties?.[PARTITION_COUNT_PROPERTY];
  // the count's own form first, so that a bad count is not blamed on replicas
  if (partitionCount !== undefined && !(typeof partitionCount === 'string' && /^[1-9]\d{0,5}$/.test(partitionCount))) {
    throw new Error(`'config.properties' value for ${show(PARTITION_COUNT_PROPERTY)} (${show(partitionCount)}) must be a whole number from 1 to 999999, as a string`);
  }
  const partitions = Number(partitionCount ?? DEFAULT_PARTITION_COUNT);
  checkInteger('replicas', replicas, 0, partitions, partitionCount === undefined
    ? ` (a member past Hazelcast's ${partitions} partitions would own no data)`
    : ` (at most 'config.properties' ${show(PARTITION_COUNT_PROPERTY)}, ${partitions}: a member past the partition count would own no data)`);
  const dnsDomain = props.dnsDomain ?? 'cluster.local';
  checkDnsDomain('dnsDomain', dnsDomain);
  const image = props.image ?? DEFAULT_IMAGE;
  checkImageReference('image', image);
  const port = props.port ?? 5701;
  checkInteger('port', port, 1, 65535);
  const cpuRequestMillis = props.cpuRequestMillis ?? 500;
  checkInteger('cpuRequestMillis', cpuRequestMillis, 1, 1_000_000);
  const cpuLimitMillis = props.cpuLimitMillis ?? 2000;
  checkInteger('cpuLimitMillis', cpuLimitMillis, cpuRequestMillis, 1_000_000,
    ` (not below 'cpuRequestMillis' ${cpuRequestMillis})`);

  const memoryLimit = props.memoryLimit ?? Size.gibibytes(2);
  const memoryMiB = wholeMebibytes('memoryLimit', memoryLimit);
  const heapSize = props.heapSize ?? Size.mebibytes(Math.floor(memoryMiB * 0.75));
  const heapMiB = wholeMebibytes('heapSize', heapSize);
  const minNonHeapMiB = MIN_NON_HEAP.toMebibytes();
  if (heapMiB + minNonHeapMiB > memoryMiB) {
    throw new Error(`'heapSize' (${heapMiB}Mi) must leave ${minNonHeapMiB}Mi of 'memoryLimit' (${memoryMiB}Mi) `
      + `to the JVM: raise memoryLimit to at least ${heapMiB + minNonHeapMiB}Mi or lower heapSize`);
  }

  const ephemeralStorage = props.ephemeralStorage ?? Size.gibibytes(1);
  const ephemeralMiB = wholeMebibytes('ephemeralStorage', ephemeralStorage);

  const gracefulShutdownTimeout = props.gracefulShutdownTimeout ?? defaultGracefulShutdown(heapMiB);
  const shutdownSeconds = gracefulShutdownTimeout.toSeconds({ integral: false });
  checkInteger('gracefulShutdownTimeout (seconds)', shutdownSeconds, 1, MAX_GRACEFUL_SHUTDOWN_SECONDS);
  const handOverSeconds = fullHeapHandOverSeconds(heapMiB);
  if (shutdownSeconds < handOverSeconds) {
    throw new Error(`'gracefulShutdownTimeout' (${shutdownSeconds}s) is shorter than handing over a full 'heapSize' `
      + `(${heapMiB}Mi) takes at ${MEASURED_HAND_OVER_MIB_PER_SECOND} MiB/s, the slowest rate measured `
      + `(lib/graceful-shutdown.ts): raise it to at least ${handOverSeconds}s (the default for this heap is `
      + `${defaultGracefulShutdown(heapMiB).toSeconds()}s) or lower heapSize`);
  }

  const clusterName = props.clusterName ?? name;
  checkToken('clusterName', clusterName, 'a Hazelcast cluster name');
  const nodeAntiAffinity = props.nodeAntiAffinity ?? 'preferred';
  if (!['preferred', 'required', 'none'].includes(nodeAntiAffinity)) {
    throw new Error(`'nodeAntiAffinity' (${show(nodeAntiAffinity)}) must be "preferred", "required" or "none"`);
  }
  const zoneAware = props.zoneAware ?? false;
  let metricsPort: number | undefined;
  if (props.metrics !== undefined) {
    metricsPort = props.metrics.port ?? 8080;
    checkInteger('metrics.port', metricsPort, 1, 65535);
    if (metricsPort === port) {
      throw new Error(`'metrics.port' (${metricsPort}) must differ from 'port' (${port})`);
    }
  }

  const external = resolveExternalSettings(props);
  if (external.smart && name.length > MAX_STATEFUL_SET_NAME_LENGTH) {
    throw new Error(`'name' (${show(name)}, ${name.length} characters) is too long with 'externalAccess': the members' StatefulSet labels each pod `
      + `'controller-revision-hash: <name>-<10-character hash>', which must fit in 63, so at most ${MAX_STATEFUL_SET_NAME_LENGTH} characters`);
  }
  const platform = resolvePlatformSettings(props, name, replicas);
  const ipFamilies = resolveIpFamilies(props);
  const clientLabel = `${name}-client`;
  if (props.clientsFrom !== undefined && !(props.networkPolicy ?? false)) {
    throw new Error(`'clientsFrom' needs 'networkPolicy: true': without a NetworkPolicy every pod of every namespace can already connect`);
  }
  if (props.clientsFrom !== undefined && !Array.isArray(props.clientsFrom)) {
    throw new Error(`'clientsFrom' (${show(props.clientsFrom)}) must be a list of client sources`);
  }
  const clientPeers = (props.clientsFrom ?? []).map((source, i) => clientPeer(`clientsFrom[${i}]`, source, clientLabel));

  const selector = { name };
  const stackLabels = {
    ...selector,
    'app.kubernetes.io/name': 'hazelcast',
    'app.kubernetes.io/instance': name,
    // The version is known for the stack's own image only.
    ...(image === DEFAULT_IMAGE ? { 'app.kubernetes.io/version': HAZELCAST_VERSION } : {}),
    'app.kubernetes.io/component': 'member',
    'app.kubernetes.io/managed-by': 'cdk8s',
  };
  for (const [key, value] of Object.entries(props.labels ?? {})) {
    checkLabel('labels', key, value);
    if (key in stackLabels) {
      throw new Error(`'labels' key ${show(key)} is set by the stack (selectors and tooling rely on it); `
        + `use another key than ${Object.keys(stackLabels).join(', ')}`);
    }
  }
  for (const [key, value] of Object.entries(props.nodeSelector ?? {})) checkLabel('nodeSelector', key, value);
  for (const secret of props.imagePullSecrets ?? []) checkDns1123Subdomain('imagePullSecrets', secret);
  const labels = { ...stackLabels, ...props.labels };
  checkAnnotations('commonAnnotations', props.commonAnnotations);
  checkTolerations('tolerations', props.tolerations);
  checkSpreadConstraints('topologySpreadConstraints', props.topologySpreadConstraints);
  for (const key of Object.keys(props.commonAnnotations ?? {})) {
    if (key === 'kube-score/ignore') {
      throw new Error(`'commonAnnotations' key "kube-score/ignore" is set by the stack on the Deployment; leave it out`);
    }
  }
  const annotations = props.commonAnnotations !== undefined && Object.keys(props.commonAnnotations).length > 0
    ? props.commonAnnotations : undefined;
  if (props.priorityClassName !== undefined) checkDns1123Subdomain('priorityClassName', props.priorityClassName);
  const loggingLevels = ['OFF', 'FATAL', 'ERROR', 'WARN', 'INFO', 'DEBUG', 'TRACE', 'ALL'];
  if (props.loggingLevel !== undefined && !loggingLevels.includes(props.loggingLevel)) {
    throw new Error(`'loggingLevel' (${show(props.loggingLevel)}) must be one of ${loggingLevels.join(', ')}`);
  }

  return {
    props, name, namespace, replicas, dnsDomain, image, port, memoryLimit, memoryMiB, heapSize, heapMiB,
    ephemeralStorage, ephemeralMiB, cpuRequestMillis, cpuLimitMillis, gracefulShutdownTimeout, shutdownSeconds,
    clusterName, nodeAntiAffinity, zoneAware, metricsPort, clientLabel, clientPeers, external, platform, ipFamilies,
    selector, labels, annotations,
    metadata: { name, namespace, labels, ...(annotations ? { annotations } : {}) },
  };
}

function wholeMebibytes(prop: string, size: Size): number {
  const mebibytes = size.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
  if (!Number.isInteger(mebibytes) || mebibytes <= 0) {
    throw new Error(`'${prop}' (${show(mebibytes)}Mi) must be a positive whole number of MiB`);
  }
  return mebibytes;
}
