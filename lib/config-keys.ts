// `config` is written in camelCase (json2jsii's types in imports/hazelcast-config.ts); hazelcast.yaml takes the
// schema's keys. One walk over the generated key table (imports/hazelcast-config-keys.ts) converts the one into
// the other and refuses what the schema does not know, naming the path as the user wrote it, with the nearest
// known key. What the schema does know is checked after, on the rendered document (config-schema.ts), and its
// errors are named back in the user's spelling with `userPath`.
import { CONFIG_KEY_NODES, CONFIG_KEY_ROOT, ConfigKeyNode } from '../imports/hazelcast-config-keys';
import { nearest } from './prop-types';
import { show } from './validation';

type Json = { [key: string]: unknown };
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const nodeAt = (id: number | undefined): ConfigKeyNode | undefined => (id === undefined ? undefined : CONFIG_KEY_NODES[id] || undefined);

/** `config.map["orders-*"].backupCount`: plain keys dotted, other names quoted, list items by index. */
function step(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return /^[A-Za-z][A-Za-z0-9]*$/.test(key) ? `${path}.${key}` : `${path}[${show(key)}]`;
}

/** The schema key a camelCase key stands for at `node`, looked up by its schema spelling too. */
function bySchemaKey(node: ConfigKeyNode, schemaKey: string): string | undefined {
  return Object.entries(node.p ?? {}).find(([, [key]]) => key === schemaKey)?.[0];
}

function convert(value: unknown, id: number | undefined, path: string): unknown {
  const node = nodeAt(id);
  if (node === undefined) return value;
  if (Array.isArray(value)) return node.i === undefined ? value : value.map((item, k) => convert(item, node.i, step(path, k)));
  if (!isObject(value)) return value; // a wrong type: the schema check names it
  // Keys the schema knows in the schema's order, then named entries in the order given: the same YAML whichever
  // order the keys came in (Python and Java bindings hand structs over with their keys sorted).
  const known = Object.keys(node.p ?? {});
  const keys = [...known.filter((k) => k in value), ...Object.keys(value).filter((k) => !known.includes(k))];
  const out: Json = {};
  for (const [key, child] of keys.map((k) => [k, value[k]] as const)) {
    if (child === undefined) continue;
    const entry = node.p?.[key];
    const asSchemaKey = entry ? undefined : node.p && bySchemaKey(node, key);
    if (entry) {
      out[entry[0]] = convert(child, entry[1], step(path, key));
    } else if (asSchemaKey !== undefined) {
      throw new Error(`'${step(path, key)}' is written '${step(path, asSchemaKey)}' here: config keys are the schema's in camelCase`);
    } else if (node.m !== undefined) {
      out[key] = convert(child, node.m, step(path, key));
    } else if (node.o) {
      out[key] = child;
    } else {
      const guess = nearest(key, Object.keys(node.p ?? {}));
      throw new Error(`'${step(path, key)}' is not a key of ${path}`
        + (guess ? `; did you mean '${guess}'?` : ` (known: ${Object.keys(node.p ?? {}).join(', ')})`));
    }
  }
  return out;
}

/**
 * The `hazelcast:` section for `config` (camelCase keys, as typed by `HazelcastConfig`): the schema's keys, named
 * entries (map names, queue names) and values as given. Unknown keys are errors naming `config.<path>`.
 */
export function toSchemaKeys(config: object): Json {
  return convert(config, CONFIG_KEY_ROOT, 'config') as Json;
}

/** A path in the rendered `hazelcast:` section (schema keys), as the user wrote it: `config.map.sessions.backupCount`. */
export function userPath(schemaPath: readonly string[]): string {
  let path = 'config';
  let node = nodeAt(CONFIG_KEY_ROOT);
  for (const part of schemaPath) {
    const key = node ? bySchemaKey(node, part) : undefined;
    if (node && key !== undefined) {
      path = step(path, key);
      node = nodeAt(node.p![key][1]);
    } else if (/^\d+$/.test(part) && node?.i !== undefined) {
      path = step(path, Number(part));
      node = nodeAt(node.i);
    } else {
      path = step(path, part);
      node = nodeAt(node?.m);
    }
  }
  return path;
}
