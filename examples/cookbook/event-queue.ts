// Cookbook: a bounded work queue of events. Producers are held back (offer returns false, put blocks) once it holds
// EVENT_QUEUE_MAX_SIZE items, instead of the queue growing until the members run out of heap.
import type { HazelcastConfig } from '../../lib';

export const EVENT_QUEUE_NAME = 'events';
export const EVENT_QUEUE_MAX_SIZE = 1000;

export const eventQueue: HazelcastConfig = {
  queue: {
    [EVENT_QUEUE_NAME]: {
      'max-size': EVENT_QUEUE_MAX_SIZE,
      'backup-count': 1,
      'async-backup-count': 0,
      // A queue nobody uses is kept (-1); a positive value would destroy it after that many idle seconds.
      'empty-queue-ttl': -1,
      'statistics-enabled': true,
    },
  },
};
