// The member pods: the Deployment with its pod template (security context, scheduling, probes, resources, volumes).
import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import { MEMBER_PORT_NAME, METRICS_PORT_NAME, withAnnotations } from './names';
import { ClusterSettings } from './settings';
import { memberEnv } from './member-env';
import { RESTRICTED_CONTAINER } from './pod-extras';
import { MEMBER_CONTAINER } from './pod-settings';

/**
 * The Deployment's or StatefulSet's metadata. kube-score wants imagePullPolicy Always; the image is a pinned
 * release tag, so IfNotPresent is right and spares a registry round trip on every start (and works where the image
 * is preloaded).
 */
const workloadMetadata = (s: ClusterSettings) => withAnnotations(s.metadata, { 'kube-score/ignore': 'container-image-pull-policy' });

/** Time the JVM gets to exit after Hazelcast's graceful shutdown has given up. */
const SHUTDOWN_MARGIN = Duration.seconds(30);

/** What the pod refers to that other builders made. */
export interface MemberPodRefs {
  readonly service: k8s.KubeService;
}

/** The member Deployment (without `externalAccess`). */
export function addMemberDeployment(scope: Construct, s: ClusterSettings, refs: MemberPodRefs): k8s.KubeDeployment {
  return new k8s.KubeDeployment(scope, 'Deployment', {
    metadata: workloadMetadata(s),
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
    metadata: workloadMetadata(s),
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
  const pod = s.pod;
  return {
    metadata: {
      labels: pod.labels,
      ...(pod.annotations ? { annotations: pod.annotations } : {}),
    },
    spec: {
      serviceAccountName: s.platform.serviceAccountName,
      // Discovery needs the token; only the member container mounts it (below), not init containers or sidecars.
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: s.shutdownSeconds + SHUTDOWN_MARGIN.toSeconds(),
      priorityClassName: s.priorityClassName,
      securityContext: memberPodSecurityContext(s),
      affinity: antiAffinity(s),
      topologySpreadConstraints: pod.topologySpreadConstraints,
      nodeSelector: s.nodeSelector,
      tolerations: s.tolerations,
      imagePullSecrets: s.imagePullSecrets?.map((name) => ({ name })),
      initContainers: pod.initContainers,
      containers: [memberContainer(s, refs), ...pod.sidecars],
      volumes: pod.volumes,
    },
  };
}

function memberContainer(s: ClusterSettings, refs: MemberPodRefs): k8s.Container {
  const ports: k8s.ContainerPort[] = [{ name: MEMBER_PORT_NAME, containerPort: s.port, protocol: 'TCP' }];
  if (s.metricsPort !== undefined) ports.push({ name: METRICS_PORT_NAME, containerPort: s.metricsPort, protocol: 'TCP' });
  const memory = k8s.Quantity.fromString(`${s.memoryMiB}Mi`);
  const ephemeralStorage = k8s.Quantity.fromString(`${s.ephemeralMiB}Mi`);
  return {
    name: MEMBER_CONTAINER,
    image: s.image,
    imagePullPolicy: s.platform.imagePullPolicy,
    ports,
    env: memberEnv(s, refs.service.name),
    envFrom: s.platform.envFrom,
    resources: {
      requests: { 'cpu': millicores(s.cpuRequestMillis), memory, 'ephemeral-storage': ephemeralStorage },
      limits: { 'cpu': millicores(s.cpuLimitMillis), memory, 'ephemeral-storage': ephemeralStorage },
    },
    ...s.pod.probes,
    securityContext: RESTRICTED_CONTAINER,
    volumeMounts: s.pod.memberMounts,
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
