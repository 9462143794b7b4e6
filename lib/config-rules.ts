// What `config` may not set, whatever the schema allows: sections the stack decides through its own props, and
// sections a Community Edition member cannot run. Both are refused at synth with the section's path.
import { userPath } from './config-keys';
import { STACK_OWNED_SECTIONS } from './stack-owned';

/**
 * Sections a Community Edition member refuses to start with, or ignores, because the feature is Enterprise
 * Edition only. Sources (checked in Hazelcast's code and docs, not guessed):
 * - hazelcast/hazelcast `instance/impl/DefaultNodeExtension.java`: the OSS member throws "Security requires
 *   Hazelcast Enterprise Edition", "Symmetric Encryption requires ...", "Auditlog requires ...", "Hot Restart
 *   requires ..." (persistence), "CP persistence requires ...", "Lossless Restart requires ...", "Dynamic
 *   Configuration Persistence requires ...", "SQL Catalog Persistence requires Hazelcast Enterprise Edition";
 * - hazelcast/hazelcast TcpServer `checkSslAllowed`: "SSL/TLS requires Hazelcast Enterprise Edition";
 * - hazelcast/hazelcast NamespaceService test: "User Code Namespaces requires Hazelcast Enterprise Edition";
 * - docs.hazelcast.com/hazelcast/latest/maintain-cluster/enterprise-rest-api: the REST API server (`rest:`) "is
 *   only available in the Enterprise Edition" (the Community Edition REST API is `network.rest-api`);
 * - docs.hazelcast.com/hazelcast/latest/storage/high-density-memory: the High-Density Memory Store (`native-memory`,
 *   `in-memory-format: NATIVE`) is Enterprise Edition;
 * - the CP Subsystem left the Community Edition (vert-x3/vertx-hazelcast#194, "Hazelcast removed CP Subsystem from
 *   Community edition"; Enterprise-only since 5.5 per the project's Hazelcast notes);
 * - WAN replication (`wan-replication`, per-structure `wan-replication-ref`, `merkle-tree` for WAN sync) and the
 *   license key exist only in the Enterprise Edition (hazelcast/charts#202 quoting the editions table: "Enterprise
 *   ... WAN Replication", "Security Suite (RBAC, TLS, Mutual Auth ...)", "Hot Restart Persistence").
 */
export const ENTERPRISE_SECTIONS: { readonly [path: string]: string } = {
  'license-key': 'the license key',
  'persistence': 'Persistence (Hot Restart)',
  'hot-restart-persistence': 'Hot Restart Persistence',
  'wan-replication': 'WAN replication',
  'security': 'Security',
  'network.ssl': 'TLS/SSL',
  'network.symmetric-encryption': 'Symmetric Encryption',
  'cp-subsystem': 'the CP Subsystem',
  'user-code-namespaces': 'User Code Namespaces',
  'native-memory': 'the High-Density Memory Store (native memory)',
  'rest': 'the REST API server (the Community Edition REST API is network.rest-api, which the stack sets)',
  'auditlog': 'Auditlog',
};

/** Settings that are Enterprise Edition only when turned on. */
const ENTERPRISE_SWITCHES: { readonly [path: string]: string } = {
  'jet.lossless-restart-enabled': 'Jet lossless restart',
  'dynamic-configuration.persistence-enabled': 'Dynamic Configuration Persistence',
  'sql.catalog-persistence-enabled': 'SQL Catalog Persistence',
  'network.socket-interceptor.enabled': 'the Socket Interceptor (Hazelcast\'s full example marks it Enterprise)',
};

/** Keys of a data structure's entry that are Enterprise Edition only when their `enabled` is true. */
const ENTERPRISE_STRUCTURE_SWITCHES: { readonly [key: string]: string } = {
  'tiered-store': 'Tiered Storage',
};

/** Keys of a data structure's entry (e.g. `map.<name>.<key>`) that are Enterprise Edition only. */
const ENTERPRISE_STRUCTURE_KEYS: { readonly [key: string]: string } = {
  'hot-restart': 'Hot Restart Persistence',
  'data-persistence': 'Persistence (Hot Restart)',
  'wan-replication-ref': 'WAN replication',
  'merkle-tree': 'WAN sync (merkle trees)',
  'user-code-namespace': 'User Code Namespaces',
};

type Doc = { readonly [key: string]: unknown };

const isObject = (value: unknown): value is Doc => typeof value === 'object' && value !== null && !Array.isArray(value);

function at(doc: Doc, path: string): unknown {
  let node: unknown = doc;
  for (const part of path.split('.')) {
    if (!isObject(node)) return undefined;
    node = node[part];
  }
  return node;
}

/** `parts`: the schema path; `setting`: what the user set there, e.g. ": true". */
function enterprise(parts: readonly string[], what: string, setting = ''): Error {
  return new Error(`'${userPath(parts)}'${setting} is Enterprise Edition only (${what}); this stack runs the Community `
    + 'Edition, whose members refuse or ignore it: remove it');
}

/**
 * Refuses stack-owned and Enterprise-only sections in a `hazelcast:` section (schema keys). `zoneAware` adds
 * `partition-group`, which the stack then sets; with `metrics` on, metrics may not be turned off.
 */
export function refuseReservedSections(hazelcast: Doc, zoneAware: boolean, metrics = false): void {
  const owned = { ...STACK_OWNED_SECTIONS, ...(zoneAware ? { 'partition-group': 'the zoneAware prop (ZONE_AWARE partition groups)' } : {}) };
  for (const [path, decider] of Object.entries(owned)) {
    if (at(hazelcast, path) !== undefined) {
      throw new Error(`'${userPath(path.split('.'))}' is set by the stack; it follows ${decider}`);
    }
  }
  // The metrics prop's exporter reads Hazelcast's metrics over JMX: turning either off leaves it empty.
  for (const path of metrics ? ['metrics.enabled', 'metrics.jmx.enabled'] : []) {
    if (at(hazelcast, path) === false) {
      throw new Error(`'${userPath(path.split('.'))}' (false) would leave the metrics prop's exporter without metrics; `
        + 'drop it, or turn the metrics prop off');
    }
  }
  for (const [path, what] of Object.entries(ENTERPRISE_SECTIONS)) {
    if (at(hazelcast, path) !== undefined) throw enterprise(path.split('.'), what);
  }
  for (const [path, what] of Object.entries(ENTERPRISE_SWITCHES)) {
    if (at(hazelcast, path) === true) throw enterprise(path.split('.'), what, ' (true)');
  }
  // Per data structure: hazelcast.<section>.<name>.<key>, and in-memory-format NATIVE there or in its near cache.
  for (const [section, entries] of Object.entries(hazelcast)) {
    if (!isObject(entries)) continue;
    for (const [name, entry] of Object.entries(entries)) {
      if (!isObject(entry)) continue;
      for (const [key, what] of Object.entries(ENTERPRISE_STRUCTURE_KEYS)) {
        if (key in entry) throw enterprise([section, name, key], what);
      }
      for (const [key, what] of Object.entries(ENTERPRISE_STRUCTURE_SWITCHES)) {
        const sub = entry[key];
        if (isObject(sub) && sub.enabled === true) throw enterprise([section, name, key, 'enabled'], what, ' (true)');
      }
      for (const [prefix, holder] of [[[], entry], [['near-cache'], entry['near-cache']]] as const) {
        if (isObject(holder) && holder['in-memory-format'] === 'NATIVE') {
          throw enterprise([section, name, ...prefix, 'in-memory-format'], 'the High-Density Memory Store; use BINARY or OBJECT', ' ("NATIVE")');
        }
      }
    }
  }
}
