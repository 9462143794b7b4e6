// The member pods: the Deployment with its pod template (security context, scheduling, probes, resources, volumes).
import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import { ClusterSettings, MEMBER_PORT_NAME, METRICS_PORT_NAME } from './cluster-props';
import { CONFIG_DIR, MemberConfigMap } from './config-map';
import { zoneSpread } from './discovery';
import { memberEnv } from './member-env';

/** Time the JVM gets to exit after Hazelcast's graceful shutdown has given up. */
const SHUTDOWN_MARGIN = Duration.seconds(30);
/** The official image's numeric uid/gid of `nobody`, as the Helm chart and the operator use. */
const RUN_AS_ID = 65534;

/** What the pod refers to that other builders made. */
export interface MemberPodRefs {
  readonly serviceAccount: k8s.KubeServiceAccount;
  readonly service: k8s.KubeService;
  readonly config?: MemberConfigMap;
}

/** The member Deployment. */
export function addMemberDeployment(scope: Construct, s: ClusterSettings, refs: MemberPodRefs): k8s.KubeDeployment {
  return new k8s.KubeDeployment(scope, 'Deployment', {
    metadata: {
      ...s.metadata,
      // kube-score wants imagePullPolicy Always; the image is a pinned release tag, so IfNotPresent is right and
      // spares a registry round trip on every start (and works where the image is preloaded).
      annotations: { 'kube-score/ignore': 'container-image-pull-policy' },
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

function memberPodTemplate(s: ClusterSettings, refs: MemberPodRefs): k8s.PodTemplateSpec {
  const podAnnotations: Record<string, string> = {
    ...(refs.config ? { 'checksum/config': refs.config.checksum } : {}),
    ...(s.metricsPort !== undefined ? {
      'prometheus.io/scrape': 'true', 'prometheus.io/port': String(s.metricsPort), 'prometheus.io/path': '/metrics',
    } : {}),
  };
  const volumes: k8s.Volume[] = [{ name: 'tmp', emptyDir: {} }];
  if (refs.config) volumes.push({ name: 'config', configMap: { name: refs.config.configMap.name } });

  return {
    metadata: {
      labels: s.labels,
      ...(Object.keys(podAnnotations).length > 0 ? { annotations: podAnnotations } : {}),
    },
    spec: {
      serviceAccountName: refs.serviceAccount.name,
      automountServiceAccountToken: true,
      terminationGracePeriodSeconds: s.shutdownSeconds + SHUTDOWN_MARGIN.toSeconds(),
      securityContext: {
        runAsNonRoot: true,
        runAsUser: RUN_AS_ID,
        runAsGroup: RUN_AS_ID,
        fsGroup: RUN_AS_ID,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      affinity: antiAffinity(s),
      topologySpreadConstraints: zoneSpread(s),
      nodeSelector: s.props.nodeSelector,
      tolerations: s.props.tolerations,
      imagePullSecrets: s.props.imagePullSecrets?.map((name) => ({ name })),
      containers: [memberContainer(s, refs)],
      volumes,
    },
  };
}

function memberContainer(s: ClusterSettings, refs: MemberPodRefs): k8s.Container {
  const ports: k8s.ContainerPort[] = [{ name: MEMBER_PORT_NAME, containerPort: s.port, protocol: 'TCP' }];
  if (s.metricsPort !== undefined) ports.push({ name: METRICS_PORT_NAME, containerPort: s.metricsPort, protocol: 'TCP' });
  const memory = k8s.Quantity.fromString(`${s.memoryMiB}Mi`);
  const ephemeralStorage = k8s.Quantity.fromString(`${s.ephemeralMiB}Mi`);
  const volumeMounts: k8s.VolumeMount[] = [{ name: 'tmp', mountPath: '/tmp' }];
  if (refs.config) volumeMounts.push({ name: 'config', mountPath: CONFIG_DIR, readOnly: true });
  const healthProbe = (path: string) => ({
    httpGet: { path, port: k8s.IntOrString.fromString(MEMBER_PORT_NAME) },
  });

  return {
    name: 'hazelcast',
    image: s.image,
    imagePullPolicy: 'IfNotPresent',
    ports,
    env: memberEnv(s, refs.service.name, refs.config !== undefined),
    resources: {
      requests: { 'cpu': millicores(s.cpuRequestMillis), memory, 'ephemeral-storage': ephemeralStorage },
      limits: { 'cpu': millicores(s.cpuLimitMillis), memory, 'ephemeral-storage': ephemeralStorage },
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
