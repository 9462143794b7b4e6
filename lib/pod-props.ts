// The props of HazelcastCluster that shape its pods on the platform: pull policy and identity, scheduling, probes,
// labels and annotations, and what the pods carry beyond the member (volumes, init containers, sidecars). Types,
// and each prop's runtime kind; settings.ts and pod-settings.ts check and resolve them.
import * as k8s from '../imports/k8s';
import type { DisruptionBudgetOptions, PodIdentityOptions, ServiceAccountOptions } from './platform-options';
import type { PropKind } from './names';
import type { ProbeTimings } from './probes';

/** How the member pods run on the platform; part of `HazelcastClusterProps`. */
export interface HazelcastPodProps {
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

/** The runtime kind of each prop above (prop-types.ts checks it for callers that bypass TypeScript's types). */
export const POD_PROP_KINDS = {
  imagePullPolicy: 'string', serviceAccount: 'object', podDisruptionBudget: 'object', podIdentity: 'object',
  imagePullSecrets: 'stringList', nodeAntiAffinity: 'string', zoneAware: 'boolean', nodeSelector: 'stringMap',
  tolerations: 'list', readinessProbe: 'probe', livenessProbe: 'probe', startupProbe: 'probeOrBoolean',
  podLabels: 'stringMap', podAnnotations: 'stringMap', commonAnnotations: 'stringMap', priorityClassName: 'string',
  topologySpreadConstraints: 'list', extraVolumes: 'list', extraVolumeMounts: 'list', initContainers: 'list',
  sidecars: 'list',
} as const satisfies { readonly [K in keyof HazelcastPodProps]-?: PropKind };
