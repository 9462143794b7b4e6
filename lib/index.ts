// The package's API. Kubernetes' types (pass-through props such as containers and volumes, and the L1 objects a
// construct exposes) are the submodule `k8s`; the Prometheus Operator's are `monitoring`.
export * as k8s from '../imports/k8s';
export * as monitoring from '../imports/monitoring.coreos.com';
export { DEFAULT_IMAGE } from './names';
export type { Labels } from './names';
export type { HazelcastPodProps } from './pod-props';
export type { HazelcastClusterProps, MetricsOptions } from './cluster-props';
export type { ClientSource, IClientNamespace, IClientWorkload } from './client-access';
export * from './hazelcast-cluster';
export * from '../imports/hazelcast-config';
export { STACK_JET_DEFAULTS, JOIN_WAIT_PROPERTY, PARTITION_COUNT_PROPERTY, renderHazelcastConfig } from './hazelcast-config';
export { STACK_OWNED_SECTIONS, STACK_PROPERTIES } from './stack-owned';
export * from './versions';
export { ENTERPRISE_SECTIONS } from './config-rules';
export type { ExternalAccessOptions, MemberServiceOptions } from './external-access';
export * from './upgrade';
export {
  HAND_OVER_MARGIN, MEASURED_HAND_OVER_MIB_PER_SECOND, defaultGracefulShutdown, fullHeapHandOverSeconds,
} from './graceful-shutdown';
export type { ClientConfigOptions } from './client-config';
export { clientConfigYaml } from './client-config';
export { DEFAULT_RUN_AS_ID } from './platform-options';
export type { DisruptionBudgetOptions, PodIdentityOptions, ServiceAccountOptions } from './platform-options';
export * from './upgrade-copy';
export * from './monitoring';
export type { AlertOptions, AlertRule } from './alert-rules';
export { alertExpression } from './alert-rules';
export type { DashboardPanel, DashboardQuery } from './dashboard';
export { Cookbook } from './cookbook';
export type { EventQueueOptions } from './cookbook';
export type { UserCode, UserCodeVolume } from './user-code';
export type { ProbeTimings } from './probes';
