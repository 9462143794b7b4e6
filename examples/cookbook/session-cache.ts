// Cookbook: a web session cache. Sessions expire after 30 minutes without a read or write; when the heap fills up
// the least recently used go first; one backup keeps every session through the loss of a member.
import { Duration } from 'cdk8s';
import type { HazelcastConfig } from '../../lib';

export const sessionCache: HazelcastConfig = {
  maps: {
    'sessions-*': {
      backupCount: 1,
      maxIdle: Duration.minutes(30),
      inMemoryFormat: 'BINARY',
      // Evict at 80 % of the heap, least recently used first, so the members never run out of memory.
      eviction: { policy: 'LRU', maxSizePolicy: 'USED_HEAP_PERCENTAGE', size: 80 },
      // Statistics per entry cost memory; a session store does not need them.
      'per-entry-stats-enabled': false,
    },
  },
};
