// Names the stack's objects share, in one leaf module that imports nothing of lib/ but the versions: the image,
// the partition count, the port names the container, the Services and the probes agree on; and the three fields
// several builders write alike (a Service port, the standard labels, annotations merged onto metadata).
import * as k8s from '../imports/k8s';
import { HAZELCAST_VERSION } from './versions';

/** The official image of the Hazelcast Community Edition release in lib/versions.ts. */
export const DEFAULT_IMAGE = `docker.io/hazelcast/hazelcast:${HAZELCAST_VERSION}`;

/** Hazelcast's default partition count: a member past the partition count would own no data. */
export const DEFAULT_PARTITION_COUNT = 271;

/** Port names, shared by the container, the Services and the probes. */
export const MEMBER_PORT_NAME = 'hazelcast';
export const METRICS_PORT_NAME = 'metrics';

/** The runtime type of a prop, which prop-types.ts checks for callers that bypass TypeScript's types. */
export type PropKind = 'string' | 'integer' | 'boolean' | 'Size' | 'Duration' | 'object' | 'stringMap' | 'stringList' | 'list'
  | 'probe' | 'probeOrBoolean';

/** Label keys to values (or annotations). */
export type Labels = { readonly [key: string]: string };

/** The label that marks per-member Services (value: the cluster's name), which discovery selects on. */
export const MEMBER_SERVICE_LABEL = 'hazelcast-member-service';
/** The label a StatefulSet puts on each of its pods, with the pod's name. */
export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';

/**
 * A Service port that targets the container port of the same name. `appProtocol` tells a service mesh what runs
 * there: `tcp` for the member port (Hazelcast's protocol is server-first on some paths, which HTTP detection takes
 * for a stalled request), `http` for metrics.
 */
export function servicePort(name: string, port: number, appProtocol: 'tcp' | 'http', nodePort?: number): k8s.ServicePort {
  return { name, port, targetPort: k8s.IntOrString.fromString(name), appProtocol, ...(nodePort !== undefined ? { nodePort } : {}) };
}

/** The `app.kubernetes.io/*` labels of an object the stack writes (`version` only where it is known). */
export function standardLabels(instance: string, component: string, version?: string): Labels {
  return {
    'app.kubernetes.io/name': 'hazelcast',
    'app.kubernetes.io/instance': instance,
    ...(version !== undefined ? { 'app.kubernetes.io/version': version } : {}),
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/managed-by': 'cdk8s',
  };
}

/** `metadata` with `extra` annotations merged over its own, and no `annotations` field when both are empty. */
export function withAnnotations<T extends { readonly annotations?: Labels }>(metadata: T, extra?: Labels): T {
  const { annotations: own, ...rest } = metadata;
  const annotations = { ...own, ...extra };
  return (Object.keys(annotations).length > 0 ? { ...rest, annotations } : rest) as T;
}
