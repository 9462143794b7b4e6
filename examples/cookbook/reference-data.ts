// Cookbook: read-mostly reference data (products, currencies) that members read locally: a near cache on each member
// holds deserialized copies, invalidated when an entry changes, and reads may be served from backups.
import type { HazelcastConfig } from '../../lib';

export const referenceData: HazelcastConfig = {
  maps: {
    products: {
      backupCount: 1,
      inMemoryFormat: 'OBJECT',
      'read-backup-data': true,
      'near-cache': {
        'in-memory-format': 'OBJECT',
        'invalidate-on-change': true,
        'time-to-live-seconds': 600,
        'eviction': { 'eviction-policy': 'LFU', 'max-size-policy': 'ENTRY_COUNT', 'size': 10000 },
      },
      // Lookups by category use an index instead of scanning every entry.
      'indexes': [{ type: 'HASH', attributes: ['category'] }],
    },
  },
};
