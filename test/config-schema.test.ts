// The member config, typed from Hazelcast's schema and checked against it at synth: real mistakes fail with the
// path, the value and the rule (and the same config fixed passes); stack-owned and Enterprise-only sections are
// refused; the generated code is what the generator writes.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Yaml } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { HazelcastConfig, IndexConfigType, PartitionGroupGroupType, renderHazelcastConfig } from '../lib';
import { byKind, env, synth } from './util';

/** The `hazelcast:` section the ConfigMap carries (knobs.test.ts shows the ConfigMap holds exactly this, as YAML). */
function hazelcastYaml(config: HazelcastConfig): any {
  const yaml = byKind(synth({ config }), 'ConfigMap').data['hazelcast.yaml'];
  const doc = renderHazelcastConfig(config) as any;
  expect(yaml).toBe(Yaml.stringify(doc));
  return doc.hazelcast;
}

// Each: what goes wrong, the mistake, the fixed control, and what the error must name (path, value, rule).
const mistakes: Array<[string, object, object, RegExp]> = [
  ['queue bound below zero', { queue: { events: { maxSize: -1 } } }, { queue: { events: { maxSize: 10000 } } },
    /config\.queue\.events\.maxSize \(-1\) must be >= 0 \(schema rule minimum/],
  ['more than 6 backups', { queue: { events: { backupCount: 7 } } }, { queue: { events: { backupCount: 2 } } },
    /config\.queue\.events\.backupCount \(7\) must be <= 6 \(schema rule maximum/],
  ['misspelt key', { queue: { events: { maxSise: 100 } } }, { queue: { events: { maxSize: 100 } } },
    /^'config\.queue\.events\.maxSise' is not a key of config\.queue\.events; did you mean 'maxSize'\?$/],
  ['misspelt section', { quene: { events: {} } }, { queue: { events: {} } },
    /^'config\.quene' is not a key of config; did you mean 'queue'\?/],
  ['a key far from any', { queue: { events: { bounded: true } } }, { queue: { events: { maxSize: 10 } } },
    /^'config\.queue\.events\.bounded' is not a key of config\.queue\.events \(known: statisticsEnabled, maxSize, backupCount, /],
  ['a key in the schema\'s spelling', { queue: { events: { 'max-size': 100 } } }, { queue: { events: { maxSize: 100 } } },
    /^'config\.queue\.events\["max-size"\]' is written 'config\.queue\.events\.maxSize' here: config keys are the schema's in camelCase$/],
  ['MapStore initial mode that does not exist', { map: { orders: { mapStore: { className: 'com.example.OrderStore', initialMode: 'EAGERLY' } } } },
    { map: { orders: { mapStore: { className: 'com.example.OrderStore', initialMode: 'EAGER' } } } },
    /config\.map\.orders\.mapStore\.initialMode \("EAGERLY"\) must be one of "LAZY", "EAGER" \(schema rule enum/],
  ['index type from Hazelcast 3 (TREE)', { map: { orders: { indexes: [{ type: 'TREE', attributes: ['customerId'] }] } } },
    { map: { orders: { indexes: [{ type: 'SORTED', attributes: ['customerId'] }] } } },
    /config\.map\.orders\.indexes\[0\]\.type \("TREE"\) must be one of "SORTED", "BITMAP", "HASH"/],
  ['reliable topic overload policy that does not exist', { reliableTopic: { news: { topicOverloadPolicy: 'DROP' } } },
    { reliableTopic: { news: { topicOverloadPolicy: 'DISCARD_OLDEST' } } },
    /config\.reliableTopic\.news\.topicOverloadPolicy \("DROP"\) must be one of "DISCARD_OLDEST"/],
  ['empty ringbuffer', { ringbuffer: { audit: { capacity: 0 } } }, { ringbuffer: { audit: { capacity: 10000 } } },
    /config\.ringbuffer\.audit\.capacity \(0\) must be >= 1/],
  ['split-brain protection of one member (protects nothing)', { splitBrainProtection: { quorum: { enabled: true, minimumClusterSize: 1 } } },
    { splitBrainProtection: { quorum: { enabled: true, minimumClusterSize: 2 } } },
    /config\.splitBrainProtection\.quorum\.minimumClusterSize \(1\) must be >= 2/],
  ['executor without threads', { executorService: { jobs: { poolSize: 0 } } }, { executorService: { jobs: { poolSize: 8 } } },
    /config\.executorService\.jobs\.poolSize \(0\) must be >= 1/],
  ['flake ID prefetch past its limit', { flakeIdGenerator: { ids: { prefetchCount: 200000 } } },
    { flakeIdGenerator: { ids: { prefetchCount: 100000 } } },
    /config\.flakeIdGenerator\.ids\.prefetchCount \(200000\) must be <= 100000 \(schema rule maximum/],
  ['a string where a boolean goes', { topic: { news: { statisticsEnabled: 'yes' } } }, { topic: { news: { statisticsEnabled: true } } },
    /config\.topic\.news\.statisticsEnabled \("yes"\) must be boolean \(schema rule type/],
  ['near-cache format misspelt', { map: { products: { nearCache: { inMemoryFormat: 'OBJECTS' } } } },
    { map: { products: { nearCache: { inMemoryFormat: 'OBJECT' } } } },
    /config\.map\.products\.nearCache\.inMemoryFormat \("OBJECTS"\) must be one of "BINARY", "OBJECT", "NATIVE"/],
  ['negative near-cache TTL', { map: { products: { nearCache: { timeToLiveSeconds: -60 } } } },
    { map: { products: { nearCache: { timeToLiveSeconds: 60 } } } },
    /config\.map\.products\.nearCache\.timeToLiveSeconds \(-60\) must be >= 0/],
  ['more than 6 backups in all', { map: { orders: { backupCount: 4, asyncBackupCount: 3 } } }, { map: { orders: { backupCount: 4, asyncBackupCount: 2 } } },
    /^'config\.map\.orders\.asyncBackupCount' \(3\) must be an integer from 0 to 2 \(backupCount \+ asyncBackupCount is at most 6\)$/],
  ['a map name that is no name', { map: { 'orders/eu': {} } }, { map: { 'orders-eu': {} } },
    /'config\.map' name "orders\/eu" must be letters, digits/],
];

describe('the schema refuses real mistakes at synth, naming the path as written, and the fixed config passes', () => {
  it.each(mistakes)('%s', (_what, bad, fixed, message) => {
    expect(() => synth({ config: bad as HazelcastConfig })).toThrowError(message);
    expect(() => synth({ config: fixed as HazelcastConfig })).not.toThrow();
  });

  it('names the Hazelcast version whose schema refused it, and counts further errors', () => {
    expect(() => synth({ config: { queue: { a: { maxSize: -1 }, b: { maxSize: -2 } } } }))
      .toThrowError(/^'config' is not a valid Hazelcast 5\.7\.0 member config: .* \(1 more error after this one\)$/);
  });
});

describe('sections the stack owns are refused, naming the prop that decides them', () => {
  it.each([
    [{ clusterName: 'other' }, /^'config\.clusterName' is set by the stack; it follows the clusterName prop/],
    [{ network: { port: { port: 5702 } } }, /^'config\.network\.port' is set by the stack; it follows the port prop/],
    [{ network: { join: { multicast: { enabled: true } } } }, /^'config\.network\.join' is set by the stack; it follows the stack: Kubernetes discovery/],
    [{ network: { restApi: { enabled: false } } }, /^'config\.network\.restApi' is set by the stack; it follows the stack: the readiness and liveness probes/],
    [{ advancedNetwork: { enabled: true } }, /^'config\.advancedNetwork' is set by the stack; it follows the port prop/],
    [{ properties: { 'hazelcast.graceful.shutdown.max.wait': '10' } }, /'config\.properties' key "hazelcast\.graceful\.shutdown\.max\.wait" is set by the stack; it follows the gracefulShutdownTimeout prop/],
  ])('%j', (config, message) => {
    expect(() => synth({ config: config as HazelcastConfig })).toThrowError(message);
  });

  it('partition groups belong to zoneAware when it is on, and to config otherwise', () => {
    const config = { partitionGroup: { enabled: true, groupType: PartitionGroupGroupType.HOST_AWARE } };
    expect(() => synth({ config, zoneAware: true })).toThrowError(/'config\.partitionGroup' is set by the stack; it follows the zoneAware prop/);
    expect(hazelcastYaml(config)['partition-group']).toEqual({ 'enabled': true, 'group-type': 'HOST_AWARE' });
  });

  it('with the metrics prop on, metrics may not be turned off', () => {
    expect(() => synth({ metrics: {}, config: { metrics: { jmx: { enabled: false } } } }))
      .toThrowError(/'config\.metrics\.jmx\.enabled' \(false\) would leave the metrics prop's exporter without metrics/);
    expect(hazelcastYaml({ metrics: { collectionFrequencySeconds: 10 } }).metrics).toEqual({ 'collection-frequency-seconds': 10 });
  });

  it('other network settings pass', () => {
    expect(hazelcastYaml({ network: { outboundPorts: [33000] } }).network).toEqual({ 'outbound-ports': [33000] });
  });
});

describe('Enterprise-only sections are refused', () => {
  it.each([
    [{ licenseKey: 'x' }, 'licenseKey', '', 'the license key'],
    [{ persistence: { enabled: true } }, 'persistence', '', 'Persistence'],
    [{ hotRestartPersistence: { enabled: true } }, 'hotRestartPersistence', '', 'Hot Restart'],
    [{ wanReplication: { 'to-dr': {} } }, 'wanReplication', '', 'WAN replication'],
    [{ security: { enabled: true } }, 'security', '', 'Security'],
    [{ network: { ssl: { enabled: true } } }, 'network.ssl', '', 'TLS/SSL'],
    [{ cpSubsystem: { cpMemberCount: 3 } }, 'cpSubsystem', '', 'the CP Subsystem'],
    [{ userCodeNamespaces: { enabled: true } }, 'userCodeNamespaces', '', 'User Code Namespaces'],
    [{ nativeMemory: { enabled: true } }, 'nativeMemory', '', 'the High-Density Memory Store'],
    [{ rest: { enabled: true } }, 'rest', '', 'the REST API server'],
    [{ auditlog: { enabled: true } }, 'auditlog', '', 'Auditlog'],
    [{ jet: { losslessRestartEnabled: true } }, 'jet.losslessRestartEnabled', ' (true)', 'Jet lossless restart'],
    [{ map: { m: { inMemoryFormat: 'NATIVE' } } }, 'map.m.inMemoryFormat', ' ("NATIVE")', 'the High-Density Memory Store'],
    [{ map: { m: { nearCache: { inMemoryFormat: 'NATIVE' } } } }, 'map.m.nearCache.inMemoryFormat', ' ("NATIVE")', 'the High-Density Memory Store'],
    [{ map: { m: { wanReplicationRef: { 'to-dr': {} } } } }, 'map.m.wanReplicationRef', '', 'WAN replication'],
    [{ cache: { c: { dataPersistence: { enabled: true } } } }, 'cache.c.dataPersistence', '', 'Persistence'],
  ])('%j', (config, where, setting, what) => {
    const escaped = `'config.${where}'${setting}`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(() => synth({ config: config as HazelcastConfig }))
      .toThrowError(new RegExp(`^${escaped} is Enterprise Edition only \\(${what.replace(/[()/]/g, '.')}.*\\); this stack runs the Community Edition`));
  });
});

describe('one style: camelCase keys of the schema, units as the names say', () => {
  it('maps: every key of the schema\'s map entry, camelCase, with the backup defaults written out', () => {
    const map = hazelcastYaml({
      map: {
        orders: {
          backupCount: 2, timeToLiveSeconds: 3600, perEntryStatsEnabled: true,
          mapStore: { enabled: true, className: 'com.example.OrderStore', writeDelaySeconds: 5 },
          indexes: [{ type: IndexConfigType.HASH, attributes: ['customerId'] }],
        },
      },
    }).map;
    expect(map.orders).toEqual({
      'backup-count': 2, 'async-backup-count': 0, 'time-to-live-seconds': 3600, 'per-entry-stats-enabled': true,
      'map-store': { 'enabled': true, 'class-name': 'com.example.OrderStore', 'write-delay-seconds': 5 },
      'indexes': [{ type: 'HASH', attributes: ['customerId'] }],
    });
  });

  it('names are kept as given: map and queue names, wildcards, properties', () => {
    const hz = hazelcastYaml({
      map: { 'orders-*': { nearCache: { name: 'x' } } },
      queue: { 'work_items': { maxSize: 5 } },
      properties: { 'hazelcast.logging.type': 'log4j2' },
    });
    expect(Object.keys(hz.map)).toEqual(['orders-*']);
    expect(hz.queue).toEqual({ 'work_items': { 'max-size': 5 } });
    expect(hz.properties).toEqual({ 'hazelcast.logging.type': 'log4j2' });
  });

  it('turns Jet and resource upload off (the image turns both on) unless config.jet says otherwise', () => {
    expect(hazelcastYaml({ queue: { q: {} } }).jet).toEqual({ 'enabled': false, 'resource-upload-enabled': false });
    expect(hazelcastYaml({ jet: { enabled: true } }).jet).toEqual({ 'enabled': true, 'resource-upload-enabled': false });
    expect(hazelcastYaml({ jet: { enabled: true, resourceUploadEnabled: true } }).jet).toEqual({ 'enabled': true, 'resource-upload-enabled': true });
  });

  it('sets the same in the env, which overrides the image\'s own config when no config is given', () => {
    const jetEnv = (props: object) => env(synth(props)).filter((e) => e.name.startsWith('HZ_JET_'));
    expect(jetEnv({})).toEqual([{ name: 'HZ_JET_ENABLED', value: 'false' }, { name: 'HZ_JET_RESOURCEUPLOADENABLED', value: 'false' }]);
    expect(jetEnv({ config: { jet: { enabled: true } } })).toEqual([{ name: 'HZ_JET_ENABLED', value: 'true' }, { name: 'HZ_JET_RESOURCEUPLOADENABLED', value: 'false' }]);
    expect(() => synth({ env: { HZ_JET_ENABLED: 'true' } })).toThrowError(/'env' "HZ_JET_ENABLED" is set by the stack/);
    expect(() => synth({ jvmOptions: ['-Dhz.jet.enabled=true'] })).toThrowError(/overrides what the stack sets; it follows config.jet/);
    expect(() => synth({ config: { jet: { enabled: 'true' as any } } })).toThrowError(/'config.jet.enabled' \("true"\) must be true or false/);
  });

  it('refuses SQL settings with Jet off: SQL runs on Jet', () => {
    expect(() => synth({ config: { sql: { statementTimeoutMillis: 5000 } } }))
      .toThrowError(/'config\.sql' needs Jet, which is off/);
    expect(hazelcastYaml({ jet: { enabled: true }, sql: { statementTimeoutMillis: 5000 } }).sql).toEqual({ 'statement-timeout-millis': 5000 });
  });
});

describe('imports/hazelcast-config*.ts', () => {
  const root = path.resolve(__dirname, '..');
  const schema = path.resolve(root, '..', 'shared', 'hazelcast-schemas', '5.7.0', 'hazelcast-config-5.7.json');

  it('are committed generated code: no schema file is needed at synth', () => {
    for (const file of ['hazelcast-config.ts', 'hazelcast-config-keys.ts', 'hazelcast-config-validator.ts']) {
      expect(fs.readFileSync(path.join(root, 'imports', file), 'utf-8')).toMatch(/^(\/\/ @ts-nocheck\n)?\/\/ Generated by scripts\/import-hazelcast-schema\.cjs from hazelcast-config-5\.7\.json/);
    }
  });

  it.skipIf(!fs.existsSync(schema))('are exactly what npm run import-hazelcast-schema writes from the 5.7 schema', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'hz-schema-'));
    try {
      const result = spawnSync(process.execPath, [path.join(root, 'scripts', 'import-hazelcast-schema.cjs'), schema, out], { encoding: 'utf-8' });
      expect(result.status, result.stderr).toBe(0);
      for (const file of ['hazelcast-config.ts', 'hazelcast-config-keys.ts', 'hazelcast-config-validator.ts']) {
        expect(fs.readFileSync(path.join(out, file), 'utf-8') === fs.readFileSync(path.join(root, 'imports', file), 'utf-8'), file).toBe(true);
      }
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
