export * from './hazelcast-cluster';
export * from './hazelcast-config';
export * from './versions';
