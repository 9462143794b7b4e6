// The config cookbook (docs/how-to/member-config.md): member configs for common jobs, shipped in the package.
// test/cookbook.test.ts synthesizes each and checks it against Hazelcast's schema; e2e (t) runs the event queue.
import {
  EvictionEvictionPolicy, EvictionMaxSizePolicy, HazelcastConfig, InMemoryFormat, IndexConfigType,
  SplitBrainProtectionConfigProtectOn,
} from '../imports/hazelcast-config';

/** Options of `Cookbook.eventQueue`. */
export interface EventQueueOptions {
  /**
   * The queue's name.
   * @default "events"
   */
  readonly name?: string;

  /**
   * How many items the queue holds before producers are held back.
   * @default 1000
   */
  readonly maxSize?: number;
}

/** Member configs for common jobs; merge them into `config` (each sets only its own sections). */
export class Cookbook {
  /**
   * A web session cache: sessions expire after 30 minutes without a read or write; when the heap fills up the
   * least recently used go first; one backup keeps every session through the loss of a member.
   * @param mapName the map, or a wildcard for one map per app (default "sessions-*")
   */
  public static sessionCache(mapName: string = 'sessions-*'): HazelcastConfig {
    return {
      map: {
        [mapName]: {
          backupCount: 1,
          maxIdleSeconds: 30 * 60,
          inMemoryFormat: InMemoryFormat.BINARY,
          // Evict at 80 % of the heap, least recently used first, so the members never run out of memory.
          eviction: { evictionPolicy: EvictionEvictionPolicy.LRU, maxSizePolicy: EvictionMaxSizePolicy.USED_HEAP_PERCENTAGE, size: 80 },
          // Statistics per entry cost memory; a session store does not need them.
          perEntryStatsEnabled: false,
        },
      },
    };
  }

  /**
   * A bounded work queue of events: producers are held back (offer returns false, put blocks) once it holds
   * `maxSize` items, instead of the queue growing until the members run out of heap.
   */
  public static eventQueue(options: EventQueueOptions = {}): HazelcastConfig {
    return {
      queue: {
        [options.name ?? 'events']: {
          maxSize: options.maxSize ?? 1000,
          backupCount: 1,
          asyncBackupCount: 0,
          // A queue nobody uses is kept (-1); a positive value would destroy it after that many idle seconds.
          emptyQueueTtl: -1,
          statisticsEnabled: true,
        },
      },
    };
  }

  /**
   * Read-mostly reference data (products, currencies) that members read locally: a near cache on each member
   * holds deserialized copies, invalidated when an entry changes, reads may be served from backups, and lookups
   * by `indexedAttribute` use an index instead of scanning every entry.
   * @param mapName the map (default "products")
   * @param indexedAttribute the attribute lookups filter on (default "category")
   */
  public static referenceData(mapName: string = 'products', indexedAttribute: string = 'category'): HazelcastConfig {
    return {
      map: {
        [mapName]: {
          backupCount: 1,
          inMemoryFormat: InMemoryFormat.OBJECT,
          readBackupData: true,
          nearCache: {
            inMemoryFormat: InMemoryFormat.OBJECT,
            invalidateOnChange: true,
            timeToLiveSeconds: 600,
            eviction: { evictionPolicy: EvictionEvictionPolicy.LFU, maxSizePolicy: EvictionMaxSizePolicy.ENTRY_COUNT, size: 10000 },
          },
          indexes: [{ type: IndexConfigType.HASH, attributes: [indexedAttribute] }],
        },
      },
    };
  }

  /**
   * Account balances that must not be written on the minority side of a network split: operations fail with
   * SplitBrainProtectionException while fewer than 2 members see each other; after the split heals, the entry
   * updated last wins (which needs per-entry statistics).
   * @param mapName the map (default "accounts")
   */
  public static splitBrainProtectedMap(mapName: string = 'accounts'): HazelcastConfig {
    return {
      splitBrainProtection: {
        'at-least-two': { enabled: true, minimumClusterSize: 2, protectOn: SplitBrainProtectionConfigProtectOn.READ_WRITE },
      },
      map: {
        [mapName]: {
          backupCount: 2,
          splitBrainProtectionRef: 'at-least-two',
          perEntryStatsEnabled: true,
          mergePolicy: { className: 'com.hazelcast.spi.merge.LatestUpdateMergePolicy', batchSize: 100 },
        },
      },
    };
  }

  /**
   * A Jet streaming pipeline that reads a map's event journal. Jet on; job resources are not uploaded by clients:
   * the job's classes come from `userCode` (an image with the jar), so only what the platform deployed runs on the
   * members. SQL (which runs on Jet) gets a statement timeout.
   * @param sourceMap the map whose journal the pipeline reads (default "trades")
   */
  public static jetPipeline(sourceMap: string = 'trades'): HazelcastConfig {
    return {
      jet: {
        enabled: true,
        resourceUploadEnabled: false,
        backupCount: 1,
        scaleUpDelayMillis: 10000,
        edgeDefaults: { queueSize: 1024, packetSizeLimit: 16384, receiveWindowMultiplier: 3 },
      },
      map: {
        [sourceMap]: { eventJournal: { enabled: true, capacity: 100000, timeToLiveSeconds: 0 } },
      },
      sql: { statementTimeoutMillis: 30000 },
    };
  }

  private constructor() {}
}
