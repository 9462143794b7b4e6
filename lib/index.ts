export * from './hazelcast-cluster';
export * from './versions';
