// Names the stack's objects share, in one leaf module that imports nothing of lib/ but the versions: the image,
// the partition count, the port names the container, the Services and the probes agree on.
import { HAZELCAST_VERSION } from './versions';

/** The official image of the Hazelcast Community Edition release in lib/versions.ts. */
export const DEFAULT_IMAGE = `docker.io/hazelcast/hazelcast:${HAZELCAST_VERSION}`;

/** Hazelcast's default partition count: a member past the partition count would own no data. */
export const DEFAULT_PARTITION_COUNT = 271;

/** Port names, shared by the container, the Services and the probes. */
export const MEMBER_PORT_NAME = 'hazelcast';
export const METRICS_PORT_NAME = 'metrics';

/** Label keys to values (or annotations). */
export type Labels = { readonly [key: string]: string };

/** The label that marks per-member Services (value: the cluster's name), which discovery selects on. */
export const MEMBER_SERVICE_LABEL = 'hazelcast-member-service';
/** The label a StatefulSet puts on each of its pods, with the pod's name. */
export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
