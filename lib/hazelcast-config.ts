// The member config (`config`): the types are generated from Hazelcast's schema (imports/hazelcast-config.ts,
// json2jsii), keys camelCase, units as the names say (`timeToLiveSeconds`). Rendering converts the keys back
// (config-keys.ts), adds the stack's defaults, refuses what the stack owns or Community Edition cannot run
// (config-rules.ts) and checks the document against the schema (config-schema.ts).
import type { HazelcastConfig } from '../imports/hazelcast-config';
import { toSchemaKeys, userPath } from './config-keys';
import { refuseReservedSections } from './config-rules';
import { STACK_PROPERTIES } from './stack-owned';
import { checkAgainstSchema } from './config-schema';
import { checkInteger, show } from './validation';

/** Jet as the stack runs it unless `config.jet` says otherwise: off, and no uploaded classes when turned on. */
export const STACK_JET_DEFAULTS = { enabled: false, resourceUploadEnabled: false } as const;

/** Whether `config.jet` turns Jet on, and resource upload with it (checked booleans). */
export function jetSettings(config: HazelcastConfig | undefined): { enabled: boolean; resourceUpload: boolean } {
  const jet = { ...STACK_JET_DEFAULTS, ...config?.jet };
  for (const key of ['enabled', 'resourceUploadEnabled'] as const) {
    if (typeof jet[key] !== 'boolean') throw new Error(`'config.jet.${key}' (${show(jet[key])}) must be true or false`);
  }
  return { enabled: jet.enabled as boolean, resourceUpload: jet.resourceUploadEnabled as boolean };
}

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
 * Checks a config and renders it as the `hazelcast.yaml` document (a plain object, to be serialized as YAML): keys
 * converted to the schema's, the stack's defaults added, the stack-owned and Enterprise-only sections refused,
 * then the whole document checked against Hazelcast's schema. Every error names the path as the user wrote it.
 */
export function renderHazelcastConfig(config: HazelcastConfig, context: RenderContext = {}): object {
  const { properties: props, map: maps, jet: _jet, ...sections } = toSchemaKeys(config);
  const properties: Record<string, string> = {};
  for (const [key, value] of Object.entries((props ?? {}) as Record<string, unknown>)) {
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
  const map: Record<string, object> = {};
  for (const [name, settings] of Object.entries((maps ?? {}) as Record<string, Record<string, unknown>>)) {
    map[name] = withMapDefaults(name, settings);
  }
  const { enabled, resourceUpload } = jetSettings(config);
  if ('sql' in sections && !enabled) {
    throw new Error(`'config.sql' needs Jet, which is off: SQL runs on the Jet engine; `
      + 'turn it on with config.jet.enabled true or drop config.sql');
  }
  const hazelcast: Record<string, unknown> = {
    ...(Object.keys(properties).length > 0 ? { properties } : {}),
    ...(Object.keys(map).length > 0 ? { map } : {}),
    ...sections,
    jet: { ...(_jet as object | undefined), 'enabled': enabled, 'resource-upload-enabled': resourceUpload },
  };
  refuseReservedSections(hazelcast, context.zoneAware ?? false, context.metrics ?? false);
  const doc = { hazelcast };
  checkAgainstSchema(doc);
  return doc;
}

/** A map entry with the stack's backup defaults written out, and the backup counts checked together. */
function withMapDefaults(name: string, settings: Record<string, unknown>): object {
  const at = (key: string) => userPath(['map', name, key]);
  if (!/^[A-Za-z0-9_.*-]+$/.test(name)) {
    throw new Error(`'config.map' name ${show(name)} must be letters, digits, '_', '.', '-' or a '*' wildcard`);
  }
  if (typeof settings !== 'object' || settings === null) return settings;
  const backups = settings['backup-count'] ?? 1;
  const asyncBackups = settings['async-backup-count'] ?? 0;
  checkInteger(at('backup-count'), backups as number, 0, 6);
  checkInteger(at('async-backup-count'), asyncBackups as number, 0, 6 - (backups as number),
    ' (backupCount + asyncBackupCount is at most 6)');
  return { 'backup-count': backups, 'async-backup-count': asyncBackups, ...settings };
}
