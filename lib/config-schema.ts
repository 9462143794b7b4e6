// Checks a rendered hazelcast.yaml against Hazelcast's own JSON schema, the one the member validates its config
// file with at start (YamlConfigBuilder; a failure there means a member that never starts). The schema is compiled
// ahead of time into imports/hazelcast-config-validator.ts (npm run import-hazelcast-schema), so synth compiles
// nothing and needs no schema file.
import { createValidator } from '../imports/hazelcast-config-validator';
import { userPath } from './config-keys';
import { show } from './validation';
import { HAZELCAST_VERSION } from './versions';

/** One error as ajv reports it. */
interface SchemaError {
  readonly instancePath: string;
  readonly schemaPath: string;
  readonly keyword: string;
  readonly params: { readonly [key: string]: unknown };
  readonly message?: string;
}
type Validator = ((data: unknown) => boolean) & { errors?: SchemaError[] | null };

let validator: Validator | undefined;


/** Throws, naming the path, the value and the schema rule, when `doc` is not a valid member config. */
export function checkAgainstSchema(doc: object): void {
  // Made on first use: most stacks have no config.
  const validate = validator ??= createValidator() as unknown as Validator;
  if (validate(doc)) return;
  const errors = validate.errors ?? [];
  const best = pickError(errors);
  const more = errors.length > 1 ? ` (${errors.length - 1} more error${errors.length > 2 ? 's' : ''} after this one)` : '';
  throw new Error(`'config' is not a valid Hazelcast ${HAZELCAST_VERSION} member config: ${describe(doc, best)}${more}`);
}

/** The most specific error: the deepest path, and there a concrete rule rather than a failed anyOf/oneOf. */
function pickError(errors: SchemaError[]): SchemaError {
  const vague = new Set(['anyOf', 'oneOf', 'allOf', 'not', 'if']);
  return [...errors].sort((a, b) => depth(b) - depth(a)
    || Number(vague.has(a.keyword)) - Number(vague.has(b.keyword)))[0];
}

const depth = (e: SchemaError) => segments(e.instancePath).length + (e.keyword === 'additionalProperties' ? 1 : 0);

function segments(pointer: string): string[] {
  return pointer === '' ? [] : pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** `config.map["sessions-*"].eviction`, from the document's path (which starts at `hazelcast`). */
const formatPath = (parts: string[]) => userPath(parts.slice(1));

function valueAt(doc: object, parts: string[]): unknown {
  let node: unknown = doc;
  for (const part of parts) node = (node as Record<string, unknown> | undefined)?.[part];
  return node;
}

function describe(doc: object, error: SchemaError): string {
  const parts = segments(error.instancePath);
  const rule = `(schema rule ${error.keyword} at ${error.schemaPath})`;
  if (error.keyword === 'additionalProperties') {
    const key = String(error.params.additionalProperty);
    return `${formatPath([...parts, key])} is not a key the schema knows at ${formatPath(parts)} ${rule}`;
  }
  const value = valueAt(doc, parts);
  const shown = typeof value === 'object' && value !== null ? JSON.stringify(value) : show(value);
  const what = error.keyword === 'enum'
    ? `must be one of ${(error.params.allowedValues as unknown[]).map((v) => show(v)).join(', ')}`
    : error.message ?? 'is refused';
  return `${formatPath(parts)} (${shown.length > 80 ? `${shown.slice(0, 77)}...` : shown}) ${what} ${rule}`;
}
