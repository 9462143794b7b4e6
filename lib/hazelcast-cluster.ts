import { createHash } from 'node:crypto';
import { Duration, Size, SizeRoundingBehavior, Yaml } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import { refuseObjectCollisions } from './collisions';
import {
  HazelcastConfig, JOIN_WAIT_PROPERTY, PARTITION_COUNT_PROPERTY, renderHazelcastConfig, STACK_PROPERTIES,
} from './hazelcast-config';
import {
  checkDns1035Label, checkDns1123Label, checkDns1123Subdomain, checkDnsDomain, checkEnvName, checkInteger, checkLabel,
  checkToken, show,
} from './validation';
import { HAZELCAST_VERSION } from './versions';

/** The official image of the Hazelcast Community Edition release in lib/versions.ts. */
export const DEFAULT_IMAGE = `docker.io/hazelcast/hazelcast:${HAZELCAST_VERSION}`;

/** Hazelcast's default partition count: a member past the partition count would own no data. */
const DEFAULT_PARTITION_COUNT = 271;
/** Longest `name`: the names derived from it (`<name>-metrics`, `<name>-client`) must stay within 63 characters. */
const MAX_NAME_LENGTH = 55;
/** Port names, shared by the container, the Services and the probes. */
const MEMBER_PORT_NAME = 'hazelcast';
const METRICS_PORT_NAME = 'metrics';
/** Memory the JVM needs beside its heap (metaspace, thread stacks, direct buffers, code cache). */
const MIN_NON_HEAP = Size.mebibytes(256);
/** Time the JVM gets to exit after Hazelcast's graceful shutdown has given up. */
const SHUTDOWN_MARGIN = Duration.seconds(30);
/** The official image's numeric uid/gid of `nobody`, as the Helm chart and the operator use. */
const RUN_AS_ID = 65534;
/** Where the ConfigMap with `hazelcast.yaml` is mounted when `config` is given. */
const CONFIG_DIR = '/data/hazelcast';

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
   * (`hazelcast.graceful.shutdown.max.wait`). The pod's termination grace period is this plus 30 s.
   * @default Duration.minutes(10)
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
  readonly metrics?: { readonly port?: number };

  /**
   * A NetworkPolicy that admits, on the member port, only the members themselves and pods labelled
   * `<name>-client: "true"` (and, with metrics on, anyone on the metrics port).
   * @default false
   */
  readonly networkPolicy?: boolean;
}

/**
 * A Hazelcast cluster: the tutorial's Service and Deployment, made safe for a current cluster. Members find each
 * other through Hazelcast's Kubernetes discovery (API mode, by Service name) with a least-privilege Role, shut
 * down gracefully, roll one at a time, are guarded by a PodDisruptionBudget and pass Pod Security "restricted".
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

  /** Labels on every object's metadata and on the pods. */
  public readonly labels: { readonly [key: string]: string };
  /** The only label the Service, the Deployment and the PodDisruptionBudget select on. */
  public readonly selector: { readonly [key: string]: string };

  public readonly serviceAccount: k8s.KubeServiceAccount;
  public readonly role: k8s.KubeRole;
  public readonly roleBinding: k8s.KubeRoleBinding;
  public readonly service: k8s.KubeService;
  public readonly deployment: k8s.KubeDeployment;
  /** Present when there are two or more members. */
  public readonly podDisruptionBudget?: k8s.KubePodDisruptionBudget;
  /** Present when `config` is given. */
  public readonly configMap?: k8s.KubeConfigMap;
  /** Present when `zoneAware` is on. */
  public readonly nodeReaderRole?: k8s.KubeClusterRole;
  /** Present when `zoneAware` is on. */
  public readonly nodeReaderRoleBinding?: k8s.KubeClusterRoleBinding;
  /** Present when `metrics` is given. */
  public readonly metricsService?: k8s.KubeService;
  /** Present when `networkPolicy` is on. */
  public readonly memberNetworkPolicy?: k8s.KubeNetworkPolicy;

  constructor(scope: Construct, id: string, props: HazelcastClusterProps = {}) {
    super(scope, id);
    refuseObjectCollisions(this);

    this.name = props.name ?? 'hazelcast';
    checkDns1035Label('name', this.name, MAX_NAME_LENGTH);
    this.namespace = props.namespace ?? 'default';
    checkDns1123Label('namespace', this.namespace);
    this.replicas = props.replicas ?? 3;
    const partitions = Number(props.config?.properties?.[PARTITION_COUNT_PROPERTY] ?? DEFAULT_PARTITION_COUNT);
    checkInteger('replicas', this.replicas, 0, partitions,
      ` (a member past Hazelcast's ${partitions} partitions would own no data)`);
    this.dnsDomain = props.dnsDomain ?? 'cluster.local';
    checkDnsDomain('dnsDomain', this.dnsDomain);
    this.image = props.image ?? DEFAULT_IMAGE;
    checkToken('image', this.image, 'an image reference');
    this.port = props.port ?? 5701;
    checkInteger('port', this.port, 1, 65535);
    this.cpuRequestMillis = props.cpuRequestMillis ?? 500;
    checkInteger('cpuRequestMillis', this.cpuRequestMillis, 1, 1_000_000);
    this.cpuLimitMillis = props.cpuLimitMillis ?? 2000;
    checkInteger('cpuLimitMillis', this.cpuLimitMillis, this.cpuRequestMillis, 1_000_000,
      ` (not below 'cpuRequestMillis' ${this.cpuRequestMillis})`);

    this.memoryLimit = props.memoryLimit ?? Size.gibibytes(2);
    const memoryMiB = wholeMebibytes('memoryLimit', this.memoryLimit);
    this.heapSize = props.heapSize ?? Size.mebibytes(Math.floor(memoryMiB * 0.75));
    const heapMiB = wholeMebibytes('heapSize', this.heapSize);
    const minNonHeapMiB = MIN_NON_HEAP.toMebibytes();
    if (heapMiB + minNonHeapMiB > memoryMiB) {
      throw new Error(`'heapSize' (${heapMiB}Mi) must leave ${minNonHeapMiB}Mi of 'memoryLimit' (${memoryMiB}Mi) `
        + `to the JVM: raise memoryLimit to at least ${heapMiB + minNonHeapMiB}Mi or lower heapSize`);
    }

    this.ephemeralStorage = props.ephemeralStorage ?? Size.gibibytes(1);
    const ephemeralMiB = wholeMebibytes('ephemeralStorage', this.ephemeralStorage);

    this.gracefulShutdownTimeout = props.gracefulShutdownTimeout ?? Duration.minutes(10);
    const shutdownSeconds = this.gracefulShutdownTimeout.toSeconds({ integral: false });
    checkInteger('gracefulShutdownTimeout (seconds)', shutdownSeconds, 1, 3600);

    this.clusterName = props.clusterName ?? this.name;
    checkToken('clusterName', this.clusterName, 'a Hazelcast cluster name');
    this.nodeAntiAffinity = props.nodeAntiAffinity ?? 'preferred';
    if (!['preferred', 'required', 'none'].includes(this.nodeAntiAffinity)) {
      throw new Error(`'nodeAntiAffinity' (${show(this.nodeAntiAffinity)}) must be "preferred", "required" or "none"`);
    }
    this.zoneAware = props.zoneAware ?? false;
    if (props.metrics !== undefined) {
      this.metricsPort = props.metrics.port ?? 8080;
      checkInteger('metrics.port', this.metricsPort, 1, 65535);
      if (this.metricsPort === this.port) {
        throw new Error(`'metrics.port' (${this.metricsPort}) must differ from 'port' (${this.port})`);
      }
    }
    this.clientLabel = `${this.name}-client`;

    this.selector = { name: this.name };
    const stackLabels = {
      ...this.selector,
      'app.kubernetes.io/name': 'hazelcast',
      'app.kubernetes.io/instance': this.name,
      // The version is known for the stack's own image only.
      ...(this.image === DEFAULT_IMAGE ? { 'app.kubernetes.io/version': HAZELCAST_VERSION } : {}),
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
    this.labels = { ...stackLabels, ...props.labels };
    const metadata = { name: this.name, namespace: this.namespace, labels: this.labels };

    // Discovery asks the API server for the Service's endpoints with the pod's own token; nothing else uses it.
    this.serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata,
      automountServiceAccountToken: false,
    });
    this.role = new k8s.KubeRole(this, 'Role', {
      metadata,
      rules: [
        { apiGroups: [''], resources: ['endpoints', 'pods'], verbs: ['get', 'list'] },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list'] },
      ],
    });
    this.roleBinding = new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: this.role.name },
      subjects: [{ kind: 'ServiceAccount', name: this.serviceAccount.name, namespace: this.namespace }],
    });
    if (this.zoneAware) {
      // Cluster-scoped, so named after the namespace too: two clusters called "hazelcast" must not share it.
      // Neither part can contain '.', so no two namespace/name pairs give the same name.
      const clusterMetadata = { name: `${this.namespace}.${this.name}.node-reader`, labels: this.labels };
      this.nodeReaderRole = new k8s.KubeClusterRole(this, 'NodeReaderRole', {
        metadata: clusterMetadata,
        rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }],
      });
      this.nodeReaderRoleBinding = new k8s.KubeClusterRoleBinding(this, 'NodeReaderRoleBinding', {
        metadata: clusterMetadata,
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: this.nodeReaderRole.name },
        subjects: [{ kind: 'ServiceAccount', name: this.serviceAccount.name, namespace: this.namespace }],
      });
    }

    this.service = new k8s.KubeService(this, 'Service', {
      metadata,
      spec: {
        selector: this.selector,
        ports: [{ name: MEMBER_PORT_NAME, port: this.port, targetPort: k8s.IntOrString.fromString(MEMBER_PORT_NAME) }],
      },
    });
    if (this.metricsPort !== undefined) {
      this.metricsService = new k8s.KubeService(this, 'MetricsService', {
        metadata: { ...metadata, name: `${this.name}-metrics` },
        spec: {
          selector: this.selector,
          ports: [{ name: METRICS_PORT_NAME, port: this.metricsPort, targetPort: k8s.IntOrString.fromString(METRICS_PORT_NAME) }],
        },
      });
    }

    let configChecksum: string | undefined;
    if (props.config !== undefined) {
      const configYaml = Yaml.stringify(renderHazelcastConfig(props.config));
      configChecksum = createHash('sha256').update(configYaml).digest('hex');
      this.configMap = new k8s.KubeConfigMap(this, 'ConfigMap', {
        metadata: { ...metadata, name: `${this.name}-config` },
        data: { 'hazelcast.yaml': configYaml },
      });
    }

    const jvmOptions = [
      `-Xms${heapMiB}m`,
      `-Xmx${heapMiB}m`,
      // The first member of a new cluster waits this long for peers before it founds the cluster alone (Hazelcast:
      // 5 s). Discovery lists every pod of the Deployment at once, so 2 s is enough (npm run bench:cluster; the
      // e2e cold-start scenario checks that exactly one member founds the cluster).
      `-D${JOIN_WAIT_PROPERTY}=2`,
      // Stopping members hand their partitions over before they leave instead of dropping them.
      '-Dhazelcast.shutdownhook.policy=GRACEFUL',
      `-Dhazelcast.graceful.shutdown.max.wait=${shutdownSeconds}`,
      ...(this.configMap ? [`-Dhazelcast.config=${CONFIG_DIR}/hazelcast.yaml`] : []),
      ...(this.metricsPort !== undefined ? ['-Dhazelcast.jmx=true'] : []),
    ];
    for (const option of props.jvmOptions ?? []) {
      checkToken('jvmOptions', option, 'one JVM option');
      if (/^-Xm[sx]|^-XX:(Max|Min|Initial)RAMPercentage/.test(option)) {
        throw new Error(`'jvmOptions' (${show(option)}) sizes the heap, which 'heapSize' decides; set heapSize instead`);
      }
      const property = /^-D([^=]+)=/.exec(option)?.[1];
      if (property !== undefined && property in STACK_PROPERTIES) {
        throw new Error(`'jvmOptions' (${show(option)}) is set by the stack; it follows ${STACK_PROPERTIES[property]}`);
      }
      jvmOptions.push(option);
    }

    const env: k8s.EnvVar[] = [
      { name: 'DNS_DOMAIN', value: this.dnsDomain },
      { name: 'HZ_CLUSTERNAME', value: this.clusterName },
      { name: 'HZ_NETWORK_PORT_PORT', value: String(this.port) },
      { name: 'HZ_NETWORK_PORT_AUTOINCREMENT', value: 'false' },
      { name: 'HZ_NETWORK_JOIN_MULTICAST_ENABLED', value: 'false' },
      { name: 'HZ_NETWORK_JOIN_KUBERNETES_ENABLED', value: 'true' },
      { name: 'HZ_NETWORK_JOIN_KUBERNETES_KUBERNETESMASTER', value: 'https://kubernetes.default.svc.$(DNS_DOMAIN)' },
      { name: 'HZ_NETWORK_JOIN_KUBERNETES_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'HZ_NETWORK_JOIN_KUBERNETES_SERVICENAME', value: this.service.name },
      { name: 'HZ_NETWORK_RESTAPI_ENABLED', value: 'true' },
      { name: 'HZ_NETWORK_RESTAPI_ENDPOINTGROUPS_HEALTHCHECK_ENABLED', value: 'true' },
      ...(this.zoneAware ? [
        // Hazelcast finds its pod (then its node, then the node's zone) by this name.
        { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'HZ_PARTITIONGROUP_ENABLED', value: 'true' },
        { name: 'HZ_PARTITIONGROUP_GROUPTYPE', value: 'ZONE_AWARE' },
      ] : []),
      ...(this.metricsPort !== undefined ? [{ name: 'PROMETHEUS_PORT', value: String(this.metricsPort) }] : []),
      { name: 'JAVA_OPTS', value: jvmOptions.join(' ') },
    ];
    for (const [name, value] of Object.entries(props.env ?? {})) {
      checkEnvName('env', name);
      if (env.some((e) => e.name === name)) {
        throw new Error(`'env' ${show(name)} is set by the stack; use the prop that decides it`);
      }
      env.push({ name, value });
    }

    const ports: k8s.ContainerPort[] = [{ name: MEMBER_PORT_NAME, containerPort: this.port, protocol: 'TCP' }];
    if (this.metricsPort !== undefined) ports.push({ name: METRICS_PORT_NAME, containerPort: this.metricsPort, protocol: 'TCP' });

    const podAnnotations: Record<string, string> = {
      ...(configChecksum ? { 'checksum/config': configChecksum } : {}),
      ...(this.metricsPort !== undefined ? {
        'prometheus.io/scrape': 'true', 'prometheus.io/port': String(this.metricsPort), 'prometheus.io/path': '/metrics',
      } : {}),
    };

    const healthProbe = (path: string) => ({
      httpGet: { path, port: k8s.IntOrString.fromString(MEMBER_PORT_NAME) },
    });
    const memory = k8s.Quantity.fromString(`${memoryMiB}Mi`);
    const ephemeralStorage = k8s.Quantity.fromString(`${ephemeralMiB}Mi`);
    const volumes: k8s.Volume[] = [{ name: 'tmp', emptyDir: {} }];
    const volumeMounts: k8s.VolumeMount[] = [{ name: 'tmp', mountPath: '/tmp' }];
    if (this.configMap) {
      volumes.push({ name: 'config', configMap: { name: this.configMap.name } });
      volumeMounts.push({ name: 'config', mountPath: CONFIG_DIR, readOnly: true });
    }

    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: {
        ...metadata,
        // kube-score wants imagePullPolicy Always; the image is a pinned release tag, so IfNotPresent is right and
        // spares a registry round trip on every start (and works where the image is preloaded).
        annotations: { 'kube-score/ignore': 'container-image-pull-policy' },
      },
      spec: {
        replicas: this.replicas,
        selector: { matchLabels: this.selector },
        // One member at a time: a new member joins (and is ready) before an old one leaves.
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) } },
        template: {
          metadata: {
            labels: this.labels,
            ...(Object.keys(podAnnotations).length > 0 ? { annotations: podAnnotations } : {}),
          },
          spec: {
            serviceAccountName: this.serviceAccount.name,
            automountServiceAccountToken: true,
            terminationGracePeriodSeconds: shutdownSeconds + SHUTDOWN_MARGIN.toSeconds(),
            securityContext: {
              runAsNonRoot: true,
              runAsUser: RUN_AS_ID,
              runAsGroup: RUN_AS_ID,
              fsGroup: RUN_AS_ID,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            affinity: this.affinity(),
            topologySpreadConstraints: this.zoneAware ? [{
              maxSkew: 1,
              topologyKey: 'topology.kubernetes.io/zone',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: this.selector },
            }] : undefined,
            nodeSelector: props.nodeSelector,
            tolerations: props.tolerations,
            imagePullSecrets: props.imagePullSecrets?.map((name) => ({ name })),
            containers: [{
              name: 'hazelcast',
              image: this.image,
              imagePullPolicy: 'IfNotPresent',
              ports,
              env,
              resources: {
                requests: { 'cpu': millicores(this.cpuRequestMillis), memory, 'ephemeral-storage': ephemeralStorage },
                limits: { 'cpu': millicores(this.cpuLimitMillis), memory, 'ephemeral-storage': ephemeralStorage },
              },
              // Ready once the member has joined the cluster; alive while its node state is not shut down.
              // Readiness is checked every 2 s: a member counts as up (and a rollout moves on) within 2 s of joining,
              // and 5 misses (10 s, longer than a GC pause) take it out of the Service.
              readinessProbe: { ...healthProbe('/hazelcast/health/ready'), initialDelaySeconds: 3, periodSeconds: 2, timeoutSeconds: 2, failureThreshold: 5 },
              livenessProbe: { ...healthProbe('/hazelcast/health/node-state'), initialDelaySeconds: 30, periodSeconds: 10, timeoutSeconds: 10, failureThreshold: 10 },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts,
            }],
            volumes,
          },
        },
      },
    });

    // With one member there is nothing to keep available, and a budget of "none may go" would block every drain.
    if (this.replicas >= 2) {
      this.podDisruptionBudget = new k8s.KubePodDisruptionBudget(this, 'PodDisruptionBudget', {
        metadata,
        spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: this.selector } },
      });
    }

    if (props.networkPolicy ?? false) {
      const memberPort = { port: k8s.IntOrString.fromNumber(this.port), protocol: 'TCP' };
      this.memberNetworkPolicy = new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
        metadata,
        spec: {
          podSelector: { matchLabels: this.selector },
          policyTypes: ['Ingress'],
          ingress: [
            {
              from: [
                { podSelector: { matchLabels: this.selector } },
                { podSelector: { matchLabels: { [this.clientLabel]: 'true' } } },
              ],
              ports: [memberPort],
            },
            ...(this.metricsPort !== undefined
              ? [{ ports: [{ port: k8s.IntOrString.fromNumber(this.metricsPort), protocol: 'TCP' }] }] : []),
          ],
        },
      });
    }
  }

  private affinity(): k8s.Affinity | undefined {
    const term = { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: this.selector } };
    switch (this.nodeAntiAffinity) {
      case 'required':
        return { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } };
      case 'preferred':
        return { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] } };
      default:
        return undefined;
    }
  }
}

function wholeMebibytes(prop: string, size: Size): number {
  const mebibytes = size.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
  if (!Number.isInteger(mebibytes) || mebibytes <= 0) {
    throw new Error(`'${prop}' (${show(mebibytes)}Mi) must be a positive whole number of MiB`);
  }
  return mebibytes;
}

function millicores(millis: number): k8s.Quantity {
  return k8s.Quantity.fromString(millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`);
}
