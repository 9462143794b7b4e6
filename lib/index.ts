export { DEFAULT_IMAGE } from './cluster-props';
export type { HazelcastClusterProps, Labels } from './cluster-props';
export type { ClientNamespace, ClientSource, ClientWorkload } from './client-access';
export * from './hazelcast-cluster';
export * from '../imports/hazelcast-config';
export { STACK_JET_DEFAULTS, STACK_PROPERTIES, JOIN_WAIT_PROPERTY, PARTITION_COUNT_PROPERTY, renderHazelcastConfig } from './hazelcast-config';
export * from './versions';
export { ENTERPRISE_SECTIONS, STACK_OWNED_SECTIONS } from './config-rules';
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
export type { DashboardPanel } from './dashboard';
export { Cookbook } from './cookbook';
export type { EventQueueOptions } from './cookbook';
