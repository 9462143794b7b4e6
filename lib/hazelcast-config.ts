import { Duration } from 'cdk8s';
import type * as schema from '../imports/hazelcast-config';
import { refuseReservedSections } from './config-rules';
import { checkAgainstSchema } from './config-schema';
import { checkInteger, show } from './validation';

/** The types generated from Hazelcast's JSON schema (imports/hazelcast-config.ts), under one name. */
export type * as HazelcastSchema from '../imports/hazelcast-config';

/** Map keys of the schema that `HazelcastMapConfig` replaces with typed camelCase settings. */
type TypedMapKeys = 'backup-count' | 'async-backup-count' | 'time-to-live-seconds' | 'max-idle-seconds' | 'in-memory-format' | 'eviction';
/** Map keys that are Enterprise Edition only (see config-rules.ts). */
type EnterpriseMapKeys = 'hot-restart' | 'data-persistence' | 'wan-replication-ref' | 'merkle-tree' | 'user-code-namespace';

/**
 * Per-map settings: the ones people set most as typed camelCase props (with `Duration` for times), and every other
 * key of the schema's map entry (`near-cache`, `map-store`, `indexes`, `split-brain-protection-ref`,
 * `merge-policy`, `entry-listeners`, ...) in the schema's own spelling.
 */
export interface HazelcastMapConfig extends Omit<schema.Map[string], TypedMapKeys | EnterpriseMapKeys> {
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

/** Sections the stack sets itself (see STACK_OWNED_SECTIONS in config-rules.ts). */
type StackOwnedSections = 'cluster-name' | 'advanced-network';
/** Sections a Community Edition member cannot run (see ENTERPRISE_SECTIONS in config-rules.ts). */
type EnterpriseSections = 'license-key' | 'persistence' | 'hot-restart-persistence' | 'wan-replication' | 'security'
  | 'cp-subsystem' | 'user-code-namespaces' | 'native-memory' | 'rest' | 'auditlog';

/** The `network` keys left to `config`: join, port and REST API are the stack's; TLS and encryption are Enterprise. */
export type HazelcastNetworkConfig = Omit<schema.Network, 'join' | 'port' | 'rest-api' | 'ssl' | 'symmetric-encryption'>;

/**
 * Member configuration beyond what the stack decides, shipped as `hazelcast.yaml` in a ConfigMap and checked at
 * synth against Hazelcast's JSON schema. Every section of the schema's `hazelcast:` can be set, in the schema's own
 * keys (`queue`, `reliable-topic`, `split-brain-protection`, `serialization`, `jet`, `sql`, ...), as in Hazelcast's
 * docs, except: maps, which are `maps` with typed settings; cluster name, network join/port/REST API and the
 * shutdown properties, which are the stack's props; and Enterprise-only sections, which are refused.
 */
export interface HazelcastConfig extends Omit<schema.HazelcastMemberConfig, 'map' | 'properties' | 'network' | StackOwnedSections | EnterpriseSections> {
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

  /**
   * Network settings other than join, port and REST API (the stack's) and TLS (Enterprise): e.g. `outbound-ports`,
   * `failure-detector`, `member-address-provider`.
   * @default - what the stack sets
   */
  readonly network?: HazelcastNetworkConfig;

  /**
   * Jet, the streaming and SQL engine: off unless `enabled: true` (the official image turns it on, with resource
   * upload; the stack turns both off). Community Edition has no authentication, so with Jet on any admitted client
   * can run jobs on the members and, through SQL's File connector, read every file the member process can read,
   * the ServiceAccount token included. `resource-upload-enabled: true` also lets clients run their own classes
   * there. SQL needs Jet.
   * @default { enabled: false, 'resource-upload-enabled': false }
   */
  readonly jet?: schema.Jet;
}

/** Jet as the stack runs it unless `config.jet` says otherwise: off, and no uploaded classes when turned on. */
export const STACK_JET_DEFAULTS = { 'enabled': false, 'resource-upload-enabled': false } as const;

/** Whether `config.jet` turns Jet on, and resource upload with it (checked booleans). */
export function jetSettings(config: HazelcastConfig | undefined): { enabled: boolean; resourceUpload: boolean } {
  const jet = { ...STACK_JET_DEFAULTS, ...config?.jet };
  for (const key of ['enabled', 'resource-upload-enabled'] as const) {
    if (typeof jet[key] !== 'boolean') throw new Error(`'config.jet.${key}' (${show(jet[key])}) must be true or false`);
  }
  return { enabled: jet.enabled as boolean, resourceUpload: jet['resource-upload-enabled'] as boolean };
}

/**
 * Hazelcast properties the stack sets itself (as -D JVM options), with what decides each: neither
 * `config.properties` nor `jvmOptions` may set them.
 */
export const STACK_PROPERTIES: { readonly [property: string]: string } = {
  'hazelcast.shutdownhook.policy': 'the gracefulShutdownTimeout prop',
  'hazelcast.shutdownhook.enabled': 'the gracefulShutdownTimeout prop (members must hand over on SIGTERM)',
  'hazelcast.graceful.shutdown.max.wait': 'the gracefulShutdownTimeout prop',
  'hazelcast.config': 'the config prop',
  'hazelcast.jmx': 'the metrics prop',
  'hazelcast.wait.seconds.before.join': 'the stack (tuned for Kubernetes discovery)',
};

/** How long the first member of a new cluster waits for peers; set by the stack. */
export const JOIN_WAIT_PROPERTY = 'hazelcast.wait.seconds.before.join';

/** Property that sets the partition count; it also bounds how many members can own data. */
export const PARTITION_COUNT_PROPERTY = 'hazelcast.partition.count';

/** What rendering depends on besides the config itself. */
export interface RenderContext {
  /** `zoneAware` sets partition groups, so `config` may not. */
  readonly zoneAware?: boolean;
  /** With the `metrics` prop on, `config` may not turn Hazelcast's metrics or their JMX publisher off. */
  readonly metrics?: boolean;
}

/**
 * Checks a config and renders it as the `hazelcast.yaml` document (a plain object, to be serialized as YAML): the
 * typed settings first, then the stack-owned and Enterprise-only sections are refused, then the whole document is
 * checked against Hazelcast's schema.
 */
export function renderHazelcastConfig(config: HazelcastConfig, context: RenderContext = {}): object {
  const { maps, properties: props, jet, ...sections } = config as HazelcastConfig & { map?: unknown };
  if ('map' in sections) {
    throw new Error(`'config.map' is written 'config.maps' here: typed settings (backupCount, timeToLive as a Duration, ...) `
      + 'and every other key of a map entry in the schema\'s spelling');
  }
  const map: Record<string, object> = {};
  for (const [name, settings] of Object.entries(maps ?? {})) {
    map[name] = renderMap(name, settings);
  }
  const properties: Record<string, string> = {};
  for (const [key, value] of Object.entries(props ?? {})) {
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
  const { enabled, resourceUpload } = jetSettings(config);
  const jetSection = { ...jet, 'enabled': enabled, 'resource-upload-enabled': resourceUpload };
  if ('sql' in sections && !enabled) {
    throw new Error(`'config.sql' needs Jet, which is off: SQL runs on the Jet engine; `
      + 'turn it on with config.jet.enabled true or drop config.sql');
  }
  const hazelcast: Record<string, unknown> = {
    ...(Object.keys(properties).length > 0 ? { properties } : {}),
    ...(Object.keys(map).length > 0 ? { map } : {}),
    ...sections,
    jet: jetSection,
  };
  refuseReservedSections(hazelcast, context.zoneAware ?? false, context.metrics ?? false);
  const doc = { hazelcast };
  checkAgainstSchema(doc);
  return doc;
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
  const { backupCount: _b, asyncBackupCount: _a, timeToLive: _t, maxIdle: _i, inMemoryFormat: _f, eviction: _e, ...schemaKeys } = settings;
  for (const [key, camel] of Object.entries(TYPED_MAP_KEYS)) {
    if (key in schemaKeys) {
      throw new Error(`'${prop(key)}' is written '${prop(camel)}' here (typed); set it there once`);
    }
  }
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
  return { ...out, ...schemaKeys };
}

/** The schema keys of a map entry that HazelcastMapConfig types, with their camelCase names. */
const TYPED_MAP_KEYS: { readonly [key: string]: string } = {
  'backup-count': 'backupCount',
  'async-backup-count': 'asyncBackupCount',
  'time-to-live-seconds': 'timeToLive',
  'max-idle-seconds': 'maxIdle',
  'in-memory-format': 'inMemoryFormat',
  'eviction': 'eviction',
};
