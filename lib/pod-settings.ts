// What the member pod template carries beyond the member container's own settings, decided once from the props:
// its labels and annotations, its volumes and the member's mounts, user code, extra containers, scheduling and
// probes. Each extra is checked here against what the stack sets (pod-extras.ts), so the builder only assembles.
import * as k8s from '../imports/k8s';
import type { HazelcastClusterProps } from './cluster-props';
import { checkMountPaths } from './kubernetes-rules';
import type { Labels } from './names';
import { extraContainers, extraMounts, extraPodMetadata, extraVolumes, RESTRICTED_CONTAINER } from './pod-extras';
import { memberProbes } from './probes';
import { USER_CODE_DIR, USER_CODE_INIT_CONTAINER, userCodeParts } from './user-code';

/** Where the ConfigMap with `hazelcast.yaml` is mounted in the member container. */
export const CONFIG_DIR = '/data/hazelcast';
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
/** The member container's name. */
export const MEMBER_CONTAINER = 'hazelcast';

/** The pod template's parts that do not come from other builders. */
export interface PodSettings {
  /** The pod's labels: the stack's, then `podLabels`. */
  readonly labels: Labels;
  /** The pod's annotations: the config checksum and scrape annotations, then `podAnnotations`. */
  readonly annotations?: Labels;
  readonly volumes: k8s.Volume[];
  /** The member container's mounts. */
  readonly memberMounts: k8s.VolumeMount[];
  /** `CLASSPATH` for user code. */
  readonly userCodeEnv?: k8s.EnvVar;
  readonly initContainers?: k8s.Container[];
  readonly sidecars: k8s.Container[];
  readonly topologySpreadConstraints?: k8s.TopologySpreadConstraint[];
  readonly probes: Pick<k8s.Container, 'readinessProbe' | 'livenessProbe' | 'startupProbe'>;
}

/** What the pod's parts depend on besides the props. */
export interface PodContext {
  readonly name: string;
  readonly labels: Labels;
  readonly selector: Labels;
  readonly port: number;
  readonly metricsPort?: number;
  readonly zoneAware: boolean;
  /** The checksum of `hazelcast.yaml`, when `config` is given. */
  readonly configChecksum?: string;
}

/** Checks the pod props against what the stack sets and resolves the pod's parts. */
export function resolvePodSettings(p: HazelcastClusterProps, c: PodContext): PodSettings {
  const stackAnnotations: Record<string, string> = {
    ...(c.configChecksum !== undefined ? { 'checksum/config': c.configChecksum } : {}),
    ...(c.metricsPort !== undefined ? {
      'prometheus.io/scrape': 'true', 'prometheus.io/port': String(c.metricsPort), 'prometheus.io/path': '/metrics',
    } : {}),
  };
  const annotations = {
    ...stackAnnotations,
    ...extraPodMetadata('podAnnotations', p.podAnnotations,
      Object.fromEntries(Object.keys(stackAnnotations).map((k) => [k, k.startsWith('checksum') ? 'the config prop' : 'the metrics prop']))),
  };
  const labels = {
    ...c.labels,
    ...extraPodMetadata('podLabels', p.podLabels, Object.fromEntries(Object.keys(c.labels).map((k) => [k,
      k in (p.labels ?? {}) ? 'the labels prop' : 'the stack (selectors and tooling rely on it)']))),
  };
  const userCode = p.userCode !== undefined ? userCodeParts(p.userCode, RESTRICTED_CONTAINER) : undefined;

  const volumes: k8s.Volume[] = [{ name: 'tmp', emptyDir: {} }, SERVICE_ACCOUNT_VOLUME];
  if (c.configChecksum !== undefined) volumes.push({ name: 'config', configMap: { name: `${c.name}-config` } });
  if (userCode) volumes.push(userCode.volume);
  volumes.push(...extraVolumes(p.extraVolumes, new Set(['tmp', SERVICE_ACCOUNT_VOLUME.name, 'config', 'user-code'])));

  const memberMounts: k8s.VolumeMount[] = [
    { name: 'tmp', mountPath: '/tmp' },
    { name: SERVICE_ACCOUNT_VOLUME.name, mountPath: SERVICE_ACCOUNT_DIR, readOnly: true },
  ];
  if (c.configChecksum !== undefined) memberMounts.push({ name: 'config', mountPath: CONFIG_DIR, readOnly: true });
  if (userCode) memberMounts.push(userCode.mount);
  memberMounts.push(...extraMounts(p.extraVolumeMounts, new Set(volumes.map((v) => v.name)), ['/tmp', SERVICE_ACCOUNT_DIR, CONFIG_DIR, USER_CODE_DIR]));
  checkMountPaths('extraVolumeMounts', MEMBER_CONTAINER, memberMounts);

  const containerNames = new Set([MEMBER_CONTAINER, USER_CODE_INIT_CONTAINER]);
  const initContainers = [
    ...(userCode?.initContainer ? [userCode.initContainer] : []),
    ...extraContainers('initContainers', p.initContainers, containerNames),
  ];
  const memberPorts = { [c.port]: 'the port prop', ...(c.metricsPort !== undefined ? { [c.metricsPort]: 'the metrics prop' } : {}) };
  const sidecars = extraContainers('sidecars', p.sidecars, containerNames, memberPorts);
  const spread = [
    ...(c.zoneAware ? [{
      maxSkew: 1,
      topologyKey: 'topology.kubernetes.io/zone',
      whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: { matchLabels: c.selector },
    }] : []),
    ...(p.topologySpreadConstraints ?? []).map((t) => ({ ...t, labelSelector: t.labelSelector ?? { matchLabels: c.selector } })),
  ];

  return {
    labels,
    ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    volumes,
    memberMounts,
    ...(userCode ? { userCodeEnv: userCode.env } : {}),
    ...(initContainers.length > 0 ? { initContainers } : {}),
    sidecars,
    ...(spread.length > 0 ? { topologySpreadConstraints: spread } : {}),
    probes: memberProbes(p),
  };
}
