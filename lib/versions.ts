export const HAZELCAST_VERSION = '5.7.0';
