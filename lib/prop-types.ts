// The shape of every HazelcastCluster prop, checked in one pass before anything is built, for callers that bypass
// TypeScript's types (plain JavaScript, props read from YAML or JSON): a wrong type is an error naming the prop and
// the type it takes, never a TypeError from deep inside a builder, and "false" is not read as on.
import { CLUSTER_PROP_KINDS } from './cluster-props';
import type { PropKind } from './names';
import { POD_PROP_KINDS } from './pod-props';
import { show } from './validation';

type Kind = PropKind;

/** Each prop's kind (declared beside each props interface). Ranges, names and cross-prop rules are checked where each prop is resolved. */
export const PROP_KINDS: { readonly [prop: string]: Kind } = { ...CLUSTER_PROP_KINDS, ...POD_PROP_KINDS };

const WHAT: { readonly [kind in Kind]: string } = {
  string: 'a string',
  integer: 'a number',
  boolean: 'true or false (a boolean, not a string)',
  Size: 'a cdk8s Size such as Size.gibibytes(2)',
  Duration: 'a cdk8s Duration such as Duration.minutes(3)',
  object: 'an object',
  stringMap: 'an object of string values, such as { team: "cache" }',
  stringList: 'a list of strings',
  list: 'a list',
  probe: 'probe timings: an object of Durations and a failureThreshold',
  probeOrBoolean: 'true, false or probe timings',
};

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
// By method rather than instanceof: an app may load another copy of cdk8s than the library's.
const isSize = (v: unknown) => v !== null && typeof v === 'object' && typeof (v as { toMebibytes?: unknown }).toMebibytes === 'function';
const isDuration = (v: unknown) => v !== null && typeof v === 'object' && typeof (v as { toSeconds?: unknown }).toSeconds === 'function';

function fits(kind: Kind, v: unknown): boolean {
  switch (kind) {
    case 'string': return typeof v === 'string';
    // whole numbers and ranges: checkInteger where each is resolved, which names the range
    case 'integer': return typeof v === 'number';
    case 'boolean': return typeof v === 'boolean';
    case 'Size': return isSize(v);
    case 'Duration': return isDuration(v);
    case 'object': return isPlainObject(v);
    case 'stringMap': return isPlainObject(v) && Object.values(v).every((x) => typeof x === 'string');
    case 'stringList': return Array.isArray(v) && v.every((x) => typeof x === 'string');
    case 'list': return Array.isArray(v);
    case 'probe': return isPlainObject(v);
    case 'probeOrBoolean': return typeof v === 'boolean' || isPlainObject(v);
  }
}

/** The known name nearest to `name` (edit distance at most 3), for "did you mean". */
export function nearest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 4;
  for (const candidate of known) {
    const d = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length];
}

/** Numbers anywhere in `config` must be finite: YAML would carry `.inf` and `.nan` to the members. */
function checkFinite(path: string, value: unknown): void {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new Error(`'${path}' (${show(value)}) must be a finite number`);
  }
  if (Array.isArray(value)) value.forEach((v, i) => checkFinite(`${path}[${i}]`, v));
  else if (isPlainObject(value) && !isDuration(value) && !isSize(value)) {
    for (const [k, v] of Object.entries(value)) checkFinite(`${path}.${k}`, v);
  }
}

/** Refuses unknown props (naming the nearest known one) and props of the wrong type, before anything is built. */
export function checkPropTypes(props: unknown): void {
  if (props === undefined) return;
  if (!isPlainObject(props)) throw new Error(`HazelcastCluster props (${show(props)}) must be an object`);
  const known = Object.keys(PROP_KINDS);
  for (const [prop, value] of Object.entries(props)) {
    const kind = PROP_KINDS[prop];
    if (kind === undefined) {
      const guess = nearest(prop, known);
      throw new Error(`'${prop}' is not a HazelcastCluster prop${guess ? `: did you mean '${guess}'?` : ''}`);
    }
    if (value === undefined) continue;
    if (!fits(kind, value)) throw new Error(`'${prop}' (${show(value)}) must be ${WHAT[kind]}`);
    if (kind === 'probe' || (kind === 'probeOrBoolean' && isPlainObject(value))) {
      for (const [field, timing] of Object.entries(value as Record<string, unknown>)) {
        if (['initialDelay', 'period', 'timeout'].includes(field)) {
          if (timing !== undefined && !isDuration(timing)) throw new Error(`'${prop}.${field}' (${show(timing)}) must be ${WHAT.Duration}`);
        } else if (field === 'failureThreshold') {
          if (timing !== undefined && !fits('integer', timing)) throw new Error(`'${prop}.${field}' (${show(timing)}) must be ${WHAT.integer}`);
        } else {
          const guess = nearest(field, ['initialDelay', 'period', 'timeout', 'failureThreshold']);
          throw new Error(`'${prop}.${field}' is not a probe setting${guess ? `: did you mean '${guess}'?` : ''}`);
        }
      }
    }
  }
  const p = props as { config?: unknown; metrics?: unknown };
  if (p.config !== undefined) checkFinite('config', p.config);
}
