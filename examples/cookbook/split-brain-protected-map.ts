// Cookbook: account balances that must not be written on the minority side of a network split. Operations fail
// with SplitBrainProtectionException while fewer than 2 members see each other; after the split heals, the entry
// updated last wins (which needs per-entry statistics).
import type { HazelcastConfig } from '../../lib';

export const splitBrainProtectedMap: HazelcastConfig = {
  'split-brain-protection': {
    'at-least-two': { 'enabled': true, 'minimum-cluster-size': 2, 'protect-on': 'READ_WRITE' },
  },
  maps: {
    accounts: {
      backupCount: 2,
      'split-brain-protection-ref': 'at-least-two',
      'per-entry-stats-enabled': true,
      'merge-policy': { 'class-name': 'com.hazelcast.spi.merge.LatestUpdateMergePolicy', 'batch-size': 100 },
    },
  },
};
