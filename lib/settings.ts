// What the stack decides from HazelcastCluster's props: every prop is checked here, once, and the result is a
// ClusterSettings object that the builders (discovery, networking, config, member pod, budget) read.
import { createHash } from 'node:crypto';
import { Duration, Size, SizeRoundingBehavior, Yaml } from 'cdk8s';
import type { HazelcastConfig } from '../imports/hazelcast-config';
import * as k8s from '../imports/k8s';
import { clientPeer } from './client-access';
import type { HazelcastClusterProps } from './cluster-props';
import { ExternalSettings, resolveExternalSettings } from './external-access';
import {
  MAX_GRACEFUL_SHUTDOWN_SECONDS, MEASURED_HAND_OVER_MIB_PER_SECOND, defaultGracefulShutdown, fullHeapHandOverSeconds,
} from './graceful-shutdown';
import { PARTITION_COUNT_PROPERTY, RenderContext, jetSettings, renderHazelcastConfig } from './hazelcast-config';
import { IpFamilySettings, resolveIpFamilies } from './ip-families';
import { checkAnnotations, checkImageReference, checkSpreadConstraints, checkTolerations } from './kubernetes-rules';
import { DEFAULT_IMAGE, DEFAULT_PARTITION_COUNT, Labels, standardLabels } from './names';
import { PlatformSettings, resolvePlatformSettings } from './platform-options';
import { PodSettings, resolvePodSettings } from './pod-settings';
import { checkPropTypes } from './prop-types';
import { HAZELCAST_VERSION } from './versions';
import {
  checkDns1035Label, checkDns1123Label, checkDns1123Subdomain, checkDnsDomain, checkInteger, checkLabel, checkToken, show,
} from './validation';

/** Longest `name`: the names derived from it (`<name>-metrics`, `<name>-client`) must stay within 63 characters. */
const MAX_NAME_LENGTH = 55;
/** Longest `name` as a StatefulSet (`externalAccess`): its pods' `controller-revision-hash` is `<name>-<hash>`. */
const MAX_STATEFUL_SET_NAME_LENGTH = 52;
/** Memory the JVM needs beside its heap (metaspace, thread stacks, direct buffers, code cache). */
const MIN_NON_HEAP = Size.mebibytes(256);

/** Labels, as Kubernetes object metadata takes them. */
/** What the stack decided from the props: checked values, derived names and labels. */
export interface ClusterSettings {
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
  /** `config` rendered as hazelcast.yaml and checked, with its checksum (a pod annotation: a change rolls). */
  readonly memberConfig?: { readonly yaml: string; readonly checksum: string };
  /** Jet and resource upload on or off, as `config.jet` says. */
  readonly jet: { readonly enabled: boolean; readonly resourceUpload: boolean };
  /** The pod template's labels, annotations, volumes, mounts, extra containers, spread and probes, checked. */
  readonly pod: PodSettings;
  /** `jvmOptions` as given (member-env.ts checks each against the stack's own options). */
  readonly userJvmOptions: readonly string[];
  /** `env` as given (member-env.ts checks each against the stack's own env). */
  readonly userEnv: { readonly [name: string]: string };
  readonly loggingLevel?: string;
  readonly networkPolicy: boolean;
  readonly priorityClassName?: string;
  readonly nodeSelector?: Labels;
  readonly tolerations?: k8s.Toleration[];
  readonly imagePullSecrets?: string[];
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
  // The version is known for the stack's own image only.
  const stackLabels = { ...selector, ...standardLabels(name, 'member', image === DEFAULT_IMAGE ? HAZELCAST_VERSION : undefined) };
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

  const memberConfig = props.config === undefined ? undefined
    : renderedConfig(props.config, { zoneAware, metrics: metricsPort !== undefined });
  const pod = resolvePodSettings(props, { name, labels, selector, port, metricsPort, zoneAware, configChecksum: memberConfig?.checksum });

  return {
    name, namespace, replicas, dnsDomain, image, port, memoryLimit, memoryMiB, heapSize, heapMiB,
    ephemeralStorage, ephemeralMiB, cpuRequestMillis, cpuLimitMillis, gracefulShutdownTimeout, shutdownSeconds,
    clusterName, nodeAntiAffinity, zoneAware, metricsPort, clientLabel, clientPeers, external, platform, ipFamilies,
    selector, labels, annotations, memberConfig, jet: jetSettings(props.config), pod,
    userJvmOptions: props.jvmOptions ?? [], userEnv: props.env ?? {}, loggingLevel: props.loggingLevel,
    networkPolicy: props.networkPolicy ?? false, priorityClassName: props.priorityClassName,
    nodeSelector: props.nodeSelector, tolerations: props.tolerations, imagePullSecrets: props.imagePullSecrets,
    metadata: { name, namespace, labels, ...(annotations ? { annotations } : {}) },
  };
}

function renderedConfig(config: HazelcastConfig, context: RenderContext): { yaml: string; checksum: string } {
  const yaml = Yaml.stringify(renderHazelcastConfig(config, context));
  return { yaml, checksum: createHash('sha256').update(yaml).digest('hex') };
}

function wholeMebibytes(prop: string, size: Size): number {
  const mebibytes = size.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
  if (!Number.isInteger(mebibytes) || mebibytes <= 0) {
    throw new Error(`'${prop}' (${show(mebibytes)}Mi) must be a positive whole number of MiB`);
  }
  return mebibytes;
}
