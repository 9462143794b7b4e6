// Every object the library writes, checked against the Kubernetes 1.27 API schema when the app synthesizes: a field
// the API server does not know (it refuses those under strict field validation, what `kubectl apply` asks for), a
// value of the wrong type, a missing required field. The schema is compiled ahead of time into
// imports/k8s-validator.ts (npm run import-k8s-validator), so synth compiles nothing. What the OpenAPI schema does
// not say (name lengths, label and annotation keys, image references, one volume source, port ranges) is checked
// where each prop is resolved (lib/kubernetes-rules.ts, lib/validation.ts).
import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { createValidators } from '../imports/k8s-validator';
import { show } from './validation';

interface SchemaError { readonly instancePath: string; readonly keyword: string; readonly params: { readonly [key: string]: unknown }; readonly message?: string }
type Validator = ((data: unknown) => boolean) & { errors?: SchemaError[] | null };

let validators: { [gvk: string]: Validator } | undefined;
const validatorOf = (name: string) => (validators ??= createValidators() as unknown as { [gvk: string]: Validator })[name];

/** The Kubernetes types that props pass into the pod as given. */
export type PassThroughType = 'Container' | 'Volume' | 'VolumeMount' | 'Toleration' | 'TopologySpreadConstraint' | 'EnvVarSource' | 'EnvFromSource';

/**
 * Throws, naming `prop`, the field and what is valid, when `value` is not a valid Kubernetes `type` (an unknown
 * field, a wrong type, a missing required field): checked as given, before the generated classes render it (they
 * drop unknown fields silently and fail with a TypeError on some wrong types).
 */
export function checkApiType(prop: string, type: PassThroughType, value: unknown): void {
  const validate = validatorOf(type);
  const doc = plain(value);
  if (validate(doc)) return;
  const d = describe(doc, validate.errors![0]);
  throw new Error(`'${prop}' is not a valid Kubernetes ${type}: ${d}`);
}

/** `value` with the generated classes' IntOrString and Quantity replaced by what they hold (as they render). */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value === null || typeof value !== 'object') return value;
  const ctor = (value as object).constructor?.name;
  if ((ctor === 'IntOrString' || ctor === 'Quantity') && 'value' in value) return (value as { value: unknown }).value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, plain(v)]));
}

/** The errors of the objects under `scope` (its own constructs only), one line each; empty when all are valid. */
export function apiSchemaErrors(scope: IConstruct): string[] {
  const errors: string[] = [];
  for (const c of scope.node.findAll()) {
    if (!ApiObject.isApiObject(c)) continue;
    const validate = validatorOf(`${c.apiVersion}/${c.kind}`);
    if (validate === undefined) continue; // custom resources (ServiceMonitor, PrometheusRule): typed by their import
    let doc: unknown;
    try {
      doc = c.toJson();
    } catch (e) {
      errors.push(`${c.kind} ${c.name} (${c.node.path}) cannot be rendered: ${(e as Error).message} (a field of the wrong type in a prop passed through)`);
      continue;
    }
    if (validate(doc)) continue;
    const e = validate.errors![0];
    errors.push(`${c.kind} ${c.metadata.namespace ? `${c.metadata.namespace}/` : ''}${c.name} (${c.node.path}) is not valid for the Kubernetes 1.27 API: ${describe(doc, e)}`);
  }
  return errors;
}

/** Makes `construct`'s synth fail with the schema errors of its objects (cdk8s runs validations before writing). */
export function validateWithApiSchema(construct: Construct): void {
  construct.node.addValidation({ validate: () => apiSchemaErrors(construct) });
}

function describe(doc: unknown, e: SchemaError): string {
  const field = e.instancePath.replace(/^\//, '').split('/').map((s) => (/^\d+$/.test(s) ? `[${s}]` : `.${s}`)).join('').replace(/^\./, '') || '(the object)';
  if (e.keyword === 'enum') return `${field} (${show(valueAt(doc, e))}) must be one of ${(e.params.allowedValues as unknown[]).map(show).join(', ')}`;
  if (e.keyword === 'additionalProperties') {
    return `${field === '(the object)' ? '' : `${field}: `}unknown field ${show(e.params.additionalProperty)} (the API server refuses unknown fields)`;
  }
  if (e.keyword === 'required') return `${field}: the required field ${show(e.params.missingProperty)} is missing`;
  return `${field} (${show(valueAt(doc, e))}) ${e.message ?? e.keyword}`;
}

const valueAt = (doc: unknown, e: SchemaError) => e.instancePath.split('/').slice(1).reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], doc);
