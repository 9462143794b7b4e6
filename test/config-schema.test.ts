// The member config, typed from Hazelcast's schema and checked against it at synth: real mistakes fail with the
// path, the value and the rule (and the same config fixed passes); stack-owned and Enterprise-only sections are
// refused; the generated code is what the generator writes.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Duration, Yaml } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { HazelcastConfig, renderHazelcastConfig } from '../lib';
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
  ['queue bound below zero', { queue: { events: { 'max-size': -1 } } }, { queue: { events: { 'max-size': 10000 } } },
    /hazelcast\.queue\.events\.max-size \(-1\) must be >= 0 \(schema rule minimum/],
  ['more than 6 backups', { queue: { events: { 'backup-count': 7 } } }, { queue: { events: { 'backup-count': 2 } } },
    /hazelcast\.queue\.events\.backup-count \(7\) must be <= 6 \(schema rule maximum/],
  ['misspelt key', { queue: { events: { 'max-sise': 100 } } }, { queue: { events: { 'max-size': 100 } } },
    /hazelcast\.queue\.events\.max-sise is not a key the schema knows at hazelcast\.queue\.events \(schema rule additionalProperties/],
  ['MapStore initial mode that does not exist', { maps: { orders: { 'map-store': { 'class-name': 'com.example.OrderStore', 'initial-mode': 'EAGERLY' } } } },
    { maps: { orders: { 'map-store': { 'class-name': 'com.example.OrderStore', 'initial-mode': 'EAGER' } } } },
    /hazelcast\.map\.orders\.map-store\.initial-mode \("EAGERLY"\) must be one of "LAZY", "EAGER" \(schema rule enum/],
  ['index type from Hazelcast 3 (TREE)', { maps: { orders: { indexes: [{ type: 'TREE', attributes: ['customerId'] }] } } },
    { maps: { orders: { indexes: [{ type: 'SORTED', attributes: ['customerId'] }] } } },
    /hazelcast\.map\.orders\.indexes\[0\]\.type \("TREE"\) must be one of "SORTED", "BITMAP", "HASH"/],
  ['reliable topic overload policy that does not exist', { 'reliable-topic': { news: { 'topic-overload-policy': 'DROP' } } },
    { 'reliable-topic': { news: { 'topic-overload-policy': 'DISCARD_OLDEST' } } },
    /hazelcast\.reliable-topic\.news\.topic-overload-policy \("DROP"\) must be one of "DISCARD_OLDEST"/],
  ['empty ringbuffer', { ringbuffer: { audit: { capacity: 0 } } }, { ringbuffer: { audit: { capacity: 10000 } } },
    /hazelcast\.ringbuffer\.audit\.capacity \(0\) must be >= 1/],
  ['split-brain protection of one member (protects nothing)', { 'split-brain-protection': { quorum: { 'enabled': true, 'minimum-cluster-size': 1 } } },
    { 'split-brain-protection': { quorum: { 'enabled': true, 'minimum-cluster-size': 2 } } },
    /hazelcast\.split-brain-protection\.quorum\.minimum-cluster-size \(1\) must be >= 2/],
  ['executor without threads', { 'executor-service': { jobs: { 'pool-size': 0 } } }, { 'executor-service': { jobs: { 'pool-size': 8 } } },
    /hazelcast\.executor-service\.jobs\.pool-size \(0\) must be >= 1/],
  ['flake ID prefetch past its limit', { 'flake-id-generator': { ids: { 'prefetch-count': 200000 } } },
    { 'flake-id-generator': { ids: { 'prefetch-count': 100000 } } },
    /hazelcast\.flake-id-generator\.ids\.prefetch-count \(200000\) must be <= 100000 \(schema rule maximum/],
  ['a string where a boolean goes', { topic: { news: { 'statistics-enabled': 'yes' } } }, { topic: { news: { 'statistics-enabled': true } } },
    /hazelcast\.topic\.news\.statistics-enabled \("yes"\) must be boolean \(schema rule type/],
  ['near-cache format misspelt', { maps: { products: { 'near-cache': { 'in-memory-format': 'OBJECTS' } } } },
    { maps: { products: { 'near-cache': { 'in-memory-format': 'OBJECT' } } } },
    /hazelcast\.map\.products\.near-cache\.in-memory-format \("OBJECTS"\) must be one of "BINARY", "OBJECT", "NATIVE"/],
  ['negative near-cache TTL', { maps: { products: { 'near-cache': { 'time-to-live-seconds': -60 } } } },
    { maps: { products: { 'near-cache': { 'time-to-live-seconds': 60 } } } },
    /hazelcast\.map\.products\.near-cache\.time-to-live-seconds \(-60\) must be >= 0/],
];

describe('the schema refuses real mistakes at synth, and the fixed config passes', () => {
  it.each(mistakes)('%s', (_what, bad, fixed, message) => {
    expect(() => synth({ config: bad as HazelcastConfig })).toThrowError(message);
    expect(() => synth({ config: fixed as HazelcastConfig })).not.toThrow();
  });

  it('names the Hazelcast version whose schema refused it, and counts further errors', () => {
    expect(() => synth({ config: { queue: { a: { 'max-size': -1 }, b: { 'max-size': -2 } } } }))
      .toThrowError(/^'config' is not a valid Hazelcast 5\.7\.0 member config: .* \(1 more error after this one\)$/);
  });
});

describe('sections the stack owns are refused, naming the prop that decides them', () => {
  it.each([
    [{ 'cluster-name': 'other' }, /hazelcast\.cluster-name is set by the stack; it follows the clusterName prop/],
    [{ network: { port: { port: 5702 } } }, /hazelcast\.network\.port is set by the stack; it follows the port prop/],
    [{ network: { join: { multicast: { enabled: true } } } }, /hazelcast\.network\.join is set by the stack; it follows the stack: Kubernetes discovery/],
    [{ network: { 'rest-api': { enabled: false } } }, /hazelcast\.network\.rest-api is set by the stack; it follows the stack: the readiness and liveness probes/],
    [{ 'advanced-network': { enabled: true } }, /hazelcast\.advanced-network is set by the stack; it follows the port prop/],
    [{ properties: { 'hazelcast.graceful.shutdown.max.wait': '10' } }, /'config\.properties' key "hazelcast\.graceful\.shutdown\.max\.wait" is set by the stack; it follows the gracefulShutdownTimeout prop/],
  ])('%j', (config, message) => {
    expect(() => synth({ config: config as HazelcastConfig })).toThrowError(message);
  });

  it('partition groups belong to zoneAware when it is on, and to config otherwise', () => {
    const config = { 'partition-group': { 'enabled': true, 'group-type': 'HOST_AWARE' } } as HazelcastConfig;
    expect(() => synth({ config, zoneAware: true })).toThrowError(/hazelcast\.partition-group is set by the stack; it follows the zoneAware prop/);
    expect(hazelcastYaml(config)['partition-group']).toEqual({ 'enabled': true, 'group-type': 'HOST_AWARE' });
  });

  it('with the metrics prop on, metrics may not be turned off', () => {
    expect(() => synth({ metrics: {}, config: { metrics: { jmx: { enabled: false } } } }))
      .toThrowError(/'config' hazelcast\.metrics\.jmx\.enabled \(false\) would leave the metrics prop's exporter without metrics/);
    expect(hazelcastYaml({ metrics: { 'collection-frequency-seconds': 10 } }).metrics).toEqual({ 'collection-frequency-seconds': 10 });
  });

  it('other network settings pass', () => {
    expect(hazelcastYaml({ network: { 'outbound-ports': [33000] } }).network).toEqual({ 'outbound-ports': [33000] });
  });
});

describe('Enterprise-only sections are refused', () => {
  it.each([
    [{ 'license-key': 'x' }, 'license-key', 'the license key'],
    [{ persistence: { enabled: true } }, 'persistence', 'Persistence'],
    [{ 'hot-restart-persistence': { enabled: true } }, 'hot-restart-persistence', 'Hot Restart'],
    [{ 'wan-replication': { 'to-dr': {} } }, 'wan-replication', 'WAN replication'],
    [{ security: { enabled: true } }, 'security', 'Security'],
    [{ network: { ssl: { enabled: true } } }, 'network.ssl', 'TLS/SSL'],
    [{ 'cp-subsystem': { 'cp-member-count': 3 } }, 'cp-subsystem', 'the CP Subsystem'],
    [{ 'user-code-namespaces': { enabled: true } }, 'user-code-namespaces', 'User Code Namespaces'],
    [{ 'native-memory': { enabled: true } }, 'native-memory', 'the High-Density Memory Store'],
    [{ rest: { enabled: true } }, 'rest', 'the REST API server'],
    [{ auditlog: { enabled: true } }, 'auditlog', 'Auditlog'],
    [{ jet: { 'lossless-restart-enabled': true } }, 'jet.lossless-restart-enabled: true', 'Jet lossless restart'],
    [{ maps: { m: { inMemoryFormat: 'NATIVE' } } }, null, null],
    [{ maps: { m: { 'near-cache': { 'in-memory-format': 'NATIVE' } } } }, 'map["m"].near-cache.in-memory-format: NATIVE', 'the High-Density Memory Store'],
    [{ maps: { m: { 'wan-replication-ref': { 'to-dr': {} } } } }, 'map["m"].wan-replication-ref', 'WAN replication'],
    [{ cache: { c: { 'data-persistence': { enabled: true } } } }, 'cache["c"].data-persistence', 'Persistence'],
  ])('%j', (config, where, what) => {
    if (where === null) {
      // The typed map settings stay as they were: BINARY or OBJECT.
      expect(() => synth({ config: config as HazelcastConfig })).toThrowError(/'config\.maps\["m"\]\.inMemoryFormat' \("NATIVE"\) must be "BINARY" or "OBJECT"/);
      return;
    }
    const escaped = `hazelcast.${where}`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(() => synth({ config: config as HazelcastConfig }))
      .toThrowError(new RegExp(`^'config' ${escaped} is Enterprise Edition only \\(${what!.replace(/[()/]/g, '.')}.*\\); this stack runs the Community Edition`));
  });
});

describe('typed settings and schema keys together', () => {
  it('maps: typed camelCase settings and the rest of the schema\'s map entry, in its own keys', () => {
    const map = hazelcastYaml({
      maps: {
        orders: {
          backupCount: 2, timeToLive: Duration.hours(1),
          'map-store': { 'enabled': true, 'class-name': 'com.example.OrderStore', 'write-delay-seconds': 5 },
          'indexes': [{ type: 'HASH', attributes: ['customerId'] }],
        },
      },
    }).map;
    expect(map.orders).toEqual({
      'backup-count': 2, 'async-backup-count': 0, 'time-to-live-seconds': 3600,
      'map-store': { 'enabled': true, 'class-name': 'com.example.OrderStore', 'write-delay-seconds': 5 },
      'indexes': [{ type: 'HASH', attributes: ['customerId'] }],
    });
  });

  it('refuses a typed setting given again in the schema\'s spelling, and the schema\'s `map`', () => {
    expect(() => synth({ config: { maps: { m: { 'backup-count': 2 } as any } } }))
      .toThrowError(/'config\.maps\["m"\]\.backup-count' is written 'config\.maps\["m"\]\.backupCount' here/);
    expect(() => synth({ config: { map: { m: {} } } as any })).toThrowError(/'config\.map' is written 'config\.maps' here/);
  });

  it('turns Jet and resource upload off (the image turns both on) unless config.jet says otherwise', () => {
    expect(hazelcastYaml({ queue: { q: {} } }).jet).toEqual({ 'enabled': false, 'resource-upload-enabled': false });
    expect(hazelcastYaml({ jet: { enabled: true } }).jet).toEqual({ 'enabled': true, 'resource-upload-enabled': false });
    expect(hazelcastYaml({ jet: { 'enabled': true, 'resource-upload-enabled': true } }).jet).toEqual({ 'enabled': true, 'resource-upload-enabled': true });
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
    expect(() => synth({ config: { sql: { 'statement-timeout-millis': 5000 } } }))
      .toThrowError(/'config\.sql' needs Jet, which is off/);
    expect(hazelcastYaml({ jet: { enabled: true }, sql: { 'statement-timeout-millis': 5000 } }).sql).toEqual({ 'statement-timeout-millis': 5000 });
  });
});

describe('imports/hazelcast-config*.ts', () => {
  const root = path.resolve(__dirname, '..');
  const schema = path.resolve(root, '..', 'shared', 'hazelcast-schemas', '5.7.0', 'hazelcast-config-5.7.json');

  it('are committed generated code: no schema file is needed at synth', () => {
    for (const file of ['hazelcast-config.ts', 'hazelcast-config-validator.ts']) {
      expect(fs.readFileSync(path.join(root, 'imports', file), 'utf-8')).toMatch(/^(\/\/ @ts-nocheck\n)?\/\/ Generated by scripts\/import-hazelcast-schema\.cjs from hazelcast-config-5\.7\.json/);
    }
  });

  it.skipIf(!fs.existsSync(schema))('are exactly what npm run import-hazelcast-schema writes from the 5.7 schema', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'hz-schema-'));
    try {
      const result = spawnSync(process.execPath, [path.join(root, 'scripts', 'import-hazelcast-schema.cjs'), schema, out], { encoding: 'utf-8' });
      expect(result.status, result.stderr).toBe(0);
      for (const file of ['hazelcast-config.ts', 'hazelcast-config-validator.ts']) {
        expect(fs.readFileSync(path.join(out, file), 'utf-8') === fs.readFileSync(path.join(root, 'imports', file), 'utf-8'), file).toBe(true);
      }
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
