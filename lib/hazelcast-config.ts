import { Duration } from 'cdk8s';
import { checkInteger, show } from './validation';

/** Per-map settings: the parts of Hazelcast's `map` configuration people set most. */
export interface HazelcastMapConfig {
  /**
   * Synchronous backup copies of each entry. 0 loses data with any member.
   * @default 1
   */
  readonly backupCount?: number;

  /**
   * Asynchronous backup copies of each entry (with `backupCount`, at most 6).
   * @default 0
   */
  readonly asyncBackupCount?: number;

  /**
   * How long an entry lives after its last write.
   * @default - entries never expire
   */
  readonly timeToLive?: Duration;

  /**
   * How long an entry lives after its last read or write.
   * @default - entries never expire
   */
  readonly maxIdle?: Duration;

  /**
   * How entries are stored.
   * @default "BINARY"
   */
  readonly inMemoryFormat?: 'BINARY' | 'OBJECT';

  /**
   * When to evict entries and which.
   * @default - no eviction
   */
  readonly eviction?: {
    /** Which entries go first. */
    readonly policy: 'LRU' | 'LFU' | 'RANDOM';
    /** What `size` counts. */
    readonly maxSizePolicy: 'PER_NODE' | 'PER_PARTITION' | 'USED_HEAP_PERCENTAGE' | 'USED_HEAP_SIZE' | 'FREE_HEAP_PERCENTAGE' | 'FREE_HEAP_SIZE';
    /** The limit, in the unit `maxSizePolicy` names. */
    readonly size: number;
  };
}

/**
 * Member configuration beyond what the stack decides, shipped as `hazelcast.yaml` in a ConfigMap. Cluster name,
 * network, discovery, REST API and shutdown are the stack's own props and cannot be set here.
 */
export interface HazelcastConfig {
  /**
   * Map settings by map name; the name `default` applies to every map without its own entry. Wildcards (`orders-*`)
   * work as in Hazelcast.
   * @default - Hazelcast's defaults for every map
   */
  readonly maps?: { readonly [name: string]: HazelcastMapConfig };

  /**
   * Hazelcast properties (`hazelcast.*`), e.g. `hazelcast.partition.count`. Set the partition count before the
   * cluster first starts: members with different partition counts never join each other, so changing it later
   * starts a new, empty cluster. It also bounds `replicas`.
   * @default - none
   */
  readonly properties?: { readonly [name: string]: string };
}

/**
 * Hazelcast properties the stack sets itself (as -D JVM options), with what decides each: neither
 * `config.properties` nor `jvmOptions` may set them.
 */
export const STACK_PROPERTIES: { readonly [property: string]: string } = {
  'hazelcast.shutdownhook.policy': 'the gracefulShutdownTimeout prop',
  'hazelcast.graceful.shutdown.max.wait': 'the gracefulShutdownTimeout prop',
  'hazelcast.config': 'the config prop',
  'hazelcast.jmx': 'the metrics prop',
  'hazelcast.wait.seconds.before.join': 'the stack (tuned for Kubernetes discovery)',
};

/** How long the first member of a new cluster waits for peers; set by the stack. */
export const JOIN_WAIT_PROPERTY = 'hazelcast.wait.seconds.before.join';

/** Property that sets the partition count; it also bounds how many members can own data. */
export const PARTITION_COUNT_PROPERTY = 'hazelcast.partition.count';

/** Checks a config and renders it as the `hazelcast.yaml` document (a plain object, to be serialized as YAML). */
export function renderHazelcastConfig(config: HazelcastConfig): object {
  const map: Record<string, object> = {};
  for (const [name, settings] of Object.entries(config.maps ?? {})) {
    map[name] = renderMap(name, settings);
  }
  const properties: Record<string, string> = {};
  for (const [key, value] of Object.entries(config.properties ?? {})) {
    if (!/^hazelcast\.[a-z0-9.-]+$/.test(key)) {
      throw new Error(`'config.properties' key ${show(key)} must be a Hazelcast property such as "hazelcast.partition.count"`);
    }
    if (key in STACK_PROPERTIES) {
      throw new Error(`'config.properties' key ${show(key)} is set by the stack; it follows ${STACK_PROPERTIES[key]}`);
    }
    if (typeof value !== 'string') {
      throw new Error(`'config.properties' value for ${show(key)} (${show(value)}) must be a string`);
    }
    if (key === PARTITION_COUNT_PROPERTY && !/^[1-9]\d{0,5}$/.test(value)) {
      throw new Error(`'config.properties' value for ${show(key)} (${show(value)}) must be a whole number from 1 to 999999`);
    }
    properties[key] = value;
  }
  return {
    hazelcast: {
      ...(Object.keys(properties).length > 0 ? { properties } : {}),
      ...(Object.keys(map).length > 0 ? { map } : {}),
    },
  };
}

function renderMap(name: string, settings: HazelcastMapConfig): object {
  const prop = (key: string) => `config.maps[${show(name)}].${key}`;
  if (!/^[A-Za-z0-9_.*-]+$/.test(name)) {
    throw new Error(`'config.maps' name ${show(name)} must be letters, digits, '_', '.', '-' or a '*' wildcard`);
  }
  const backups = settings.backupCount ?? 1;
  const asyncBackups = settings.asyncBackupCount ?? 0;
  checkInteger(prop('backupCount'), backups, 0, 6);
  checkInteger(prop('asyncBackupCount'), asyncBackups, 0, 6 - backups, ` (backupCount + asyncBackupCount is at most 6)`);
  const seconds = (key: string, d?: Duration) => {
    if (d === undefined) return undefined;
    const s = d.toSeconds({ integral: false });
    checkInteger(`${prop(key)} (seconds)`, s, 1, 2_147_483_647);
    return s;
  };
  const out: Record<string, unknown> = { 'backup-count': backups, 'async-backup-count': asyncBackups };
  const ttl = seconds('timeToLive', settings.timeToLive);
  if (ttl !== undefined) out['time-to-live-seconds'] = ttl;
  const idle = seconds('maxIdle', settings.maxIdle);
  if (idle !== undefined) out['max-idle-seconds'] = idle;
  if (settings.inMemoryFormat !== undefined) {
    if (!['BINARY', 'OBJECT'].includes(settings.inMemoryFormat)) {
      throw new Error(`'${prop('inMemoryFormat')}' (${show(settings.inMemoryFormat)}) must be "BINARY" or "OBJECT"`);
    }
    out['in-memory-format'] = settings.inMemoryFormat;
  }
  if (settings.eviction !== undefined) {
    const policies = ['LRU', 'LFU', 'RANDOM'];
    const sizePolicies = ['PER_NODE', 'PER_PARTITION', 'USED_HEAP_PERCENTAGE', 'USED_HEAP_SIZE', 'FREE_HEAP_PERCENTAGE', 'FREE_HEAP_SIZE'];
    if (!policies.includes(settings.eviction.policy)) {
      throw new Error(`'${prop('eviction.policy')}' (${show(settings.eviction.policy)}) must be one of ${policies.join(', ')}`);
    }
    if (!sizePolicies.includes(settings.eviction.maxSizePolicy)) {
      throw new Error(`'${prop('eviction.maxSizePolicy')}' (${show(settings.eviction.maxSizePolicy)}) must be one of ${sizePolicies.join(', ')}`);
    }
    checkInteger(prop('eviction.size'), settings.eviction.size, 1, 2_147_483_647);
    out.eviction = {
      'eviction-policy': settings.eviction.policy,
      'max-size-policy': settings.eviction.maxSizePolicy,
      'size': settings.eviction.size,
    };
  }
  return out;
}
