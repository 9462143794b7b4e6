// The member pods: the Deployment with its pod template (security context, scheduling, probes, resources, volumes).
import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import { ClusterSettings, MEMBER_PORT_NAME, METRICS_PORT_NAME } from './cluster-props';
import { CONFIG_DIR, MemberConfigMap } from './config-map';
import { zoneSpread } from './discovery';
import { memberEnv } from './member-env';
import { extraContainers, extraMounts, extraPodMetadata, extraVolumes, RESTRICTED_CONTAINER } from './pod-extras';
import { checkMountPaths } from './kubernetes-rules';
import { memberProbes } from './probes';
import { USER_CODE_DIR, USER_CODE_INIT_CONTAINER, UserCodeParts, userCodeParts } from './user-code';

/** Where Kubernetes discovery reads the ServiceAccount token, CA and namespace (the kubelet's automount path). */
const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
/** The token volume: what the kubelet's automount projects, mounted in the member container only. */
const SERVICE_ACCOUNT_VOLUME: k8s.Volume = {
  name: 'kube-api-access',
  projected: {
    sources: [
      { serviceAccountToken: { path: 'token', expirationSeconds: 3607 } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardApi: { items: [{ path: 'namespace', fieldRef: { fieldPath: 'metadata.namespace' } }] } },
    ],
  },
};

/** Time the JVM gets to exit after Hazelcast's graceful shutdown has given up. */
const SHUTDOWN_MARGIN = Duration.seconds(30);

/** What the pod refers to that other builders made. */
export interface MemberPodRefs {
  readonly service: k8s.KubeService;
  readonly config?: MemberConfigMap;
}

/** The member Deployment (without `externalAccess`). */
export function addMemberDeployment(scope: Construct, s: ClusterSettings, refs: MemberPodRefs): k8s.KubeDeployment {
  return new k8s.KubeDeployment(scope, 'Deployment', {
    metadata: {
      ...s.metadata,
      // kube-score wants imagePullPolicy Always; the image is a pinned release tag, so IfNotPresent is right and
      // spares a registry round trip on every start (and works where the image is preloaded).
      annotations: { ...s.annotations, 'kube-score/ignore': 'container-image-pull-policy' },
    },
    spec: {
      replicas: s.replicas,
      selector: { matchLabels: s.selector },
      // One member at a time: a new member joins (and is ready) before an old one leaves.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) } },
      template: memberPodTemplate(s, refs),
    },
  });
}

/**
 * With `externalAccess`: the members as a StatefulSet, so that each has a stable name (`<name>-<ordinal>`) for its
 * own Service to select. Pods start in parallel as the Deployment's do (discovery expects them together) and roll
 * one at a time, each replaced after it stopped (a StatefulSet cannot surge).
 */
export function addMemberStatefulSet(scope: Construct, s: ClusterSettings, refs: MemberPodRefs): k8s.KubeStatefulSet {
  return new k8s.KubeStatefulSet(scope, 'StatefulSet', {
    metadata: {
      ...s.metadata,
      annotations: { ...s.annotations, 'kube-score/ignore': 'container-image-pull-policy' },
    },
    spec: {
      replicas: s.replicas,
      serviceName: refs.service.name,
      podManagementPolicy: 'Parallel',
      selector: { matchLabels: s.selector },
      updateStrategy: { type: 'RollingUpdate' },
      template: memberPodTemplate(s, refs),
    },
  });
}

function memberPodTemplate(s: ClusterSettings, refs: MemberPodRefs): k8s.PodTemplateSpec {
  const p = s.props;
  const stackAnnotations: Record<string, string> = {
    ...(refs.config ? { 'checksum/config': refs.config.checksum } : {}),
    ...(s.metricsPort !== undefined ? {
      'prometheus.io/scrape': 'true', 'prometheus.io/port': String(s.metricsPort), 'prometheus.io/path': '/metrics',
    } : {}),
  };
  const podAnnotations = {
    ...stackAnnotations,
    ...extraPodMetadata('podAnnotations', p.podAnnotations,
      Object.fromEntries(Object.keys(stackAnnotations).map((k) => [k, k.startsWith('checksum') ? 'the config prop' : 'the metrics prop']))),
  };
  const podLabels = {
    ...s.labels,
    ...extraPodMetadata('podLabels', p.podLabels, Object.fromEntries(Object.keys(s.labels).map((k) => [k,
      k in (p.labels ?? {}) ? 'the labels prop' : 'the stack (selectors and tooling rely on it)']))),
  };
  const userCode = p.userCode !== undefined ? userCodeParts(p.userCode, RESTRICTED_CONTAINER) : undefined;

  const volumes: k8s.Volume[] = [{ name: 'tmp', emptyDir: {} }, SERVICE_ACCOUNT_VOLUME];
  if (refs.config) volumes.push({ name: 'config', configMap: { name: refs.config.configMap.name } });
  if (userCode) volumes.push(userCode.volume);
  const volumeNames = new Set(['tmp', SERVICE_ACCOUNT_VOLUME.name, 'config', 'user-code']);
  volumes.push(...extraVolumes(p.extraVolumes, volumeNames));

  const containerNames = new Set(['hazelcast', USER_CODE_INIT_CONTAINER]);
  const initContainers = [
    ...(userCode?.initContainer ? [userCode.initContainer] : []),
    ...extraContainers('initContainers', p.initContainers, containerNames),
  ];
  const memberPorts = { [s.port]: 'the port prop', ...(s.metricsPort !== undefined ? { [s.metricsPort]: 'the metrics prop' } : {}) };
  const sidecars = extraContainers('sidecars', p.sidecars, containerNames, memberPorts);
  const spread = [
    ...(zoneSpread(s) ?? []),
    ...(p.topologySpreadConstraints ?? []).map((c) => ({ ...c, labelSelector: c.labelSelector ?? { matchLabels: s.selector } })),
  ];

  return {
    metadata: {
      labels: podLabels,
      ...(Object.keys(podAnnotations).length > 0 ? { annotations: podAnnotations } : {}),
    },
    spec: {
      serviceAccountName: s.platform.serviceAccountName,
      // Discovery needs the token; only the member container mounts it (below), not init containers or sidecars.
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: s.shutdownSeconds + SHUTDOWN_MARGIN.toSeconds(),
      priorityClassName: p.priorityClassName,
      securityContext: memberPodSecurityContext(s),
      affinity: antiAffinity(s),
      topologySpreadConstraints: spread.length > 0 ? spread : undefined,
      nodeSelector: p.nodeSelector,
      tolerations: p.tolerations,
      imagePullSecrets: p.imagePullSecrets?.map((name) => ({ name })),
      initContainers: initContainers.length > 0 ? initContainers : undefined,
      containers: [memberContainer(s, refs, userCode, volumes), ...sidecars],
      volumes,
    },
  };
}

function memberContainer(s: ClusterSettings, refs: MemberPodRefs, userCode: UserCodeParts | undefined, volumes: k8s.Volume[]): k8s.Container {
  const ports: k8s.ContainerPort[] = [{ name: MEMBER_PORT_NAME, containerPort: s.port, protocol: 'TCP' }];
  if (s.metricsPort !== undefined) ports.push({ name: METRICS_PORT_NAME, containerPort: s.metricsPort, protocol: 'TCP' });
  const memory = k8s.Quantity.fromString(`${s.memoryMiB}Mi`);
  const ephemeralStorage = k8s.Quantity.fromString(`${s.ephemeralMiB}Mi`);
  const volumeMounts: k8s.VolumeMount[] = [
    { name: 'tmp', mountPath: '/tmp' },
    { name: SERVICE_ACCOUNT_VOLUME.name, mountPath: SERVICE_ACCOUNT_DIR, readOnly: true },
  ];
  if (refs.config) volumeMounts.push({ name: 'config', mountPath: CONFIG_DIR, readOnly: true });
  if (userCode) volumeMounts.push(userCode.mount);
  volumeMounts.push(...extraMounts(s.props.extraVolumeMounts, new Set(volumes.map((v) => v.name)), ['/tmp', SERVICE_ACCOUNT_DIR, CONFIG_DIR, USER_CODE_DIR]));
  checkMountPaths('extraVolumeMounts', 'hazelcast', volumeMounts);

  return {
    name: 'hazelcast',
    image: s.image,
    imagePullPolicy: s.platform.imagePullPolicy,
    ports,
    env: memberEnv(s, refs.service.name, refs.config !== undefined, userCode?.env),
    envFrom: s.platform.envFrom,
    resources: {
      requests: { 'cpu': millicores(s.cpuRequestMillis), memory, 'ephemeral-storage': ephemeralStorage },
      limits: { 'cpu': millicores(s.cpuLimitMillis), memory, 'ephemeral-storage': ephemeralStorage },
    },
    ...memberProbes(s.props),
    securityContext: RESTRICTED_CONTAINER,
    volumeMounts,
  };
}

function antiAffinity(s: ClusterSettings): k8s.Affinity | undefined {
  const term = { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: s.selector } };
  switch (s.nodeAntiAffinity) {
    case 'required':
      return { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } };
    case 'preferred':
      return { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] } };
    default:
      return undefined;
  }
}

function millicores(millis: number): k8s.Quantity {
  return k8s.Quantity.fromString(millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`);
}

/** The member pods' security context (Pod Security "restricted"), which the upgrade copy's pod shares. */
export function memberPodSecurityContext(s: ClusterSettings): k8s.PodSecurityContext {
  return { runAsNonRoot: true, ...s.platform.podIds, seccompProfile: { type: 'RuntimeDefault' } };
}
