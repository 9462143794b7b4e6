// What a platform team decides about the member pods beyond Hazelcast itself: the ServiceAccount and RBAC, the
// image pull policy, the PodDisruptionBudget's size, the pod's user and group ids, and env from Secrets and
// ConfigMaps. Each is checked here once; the builders read the resolved `PlatformSettings`.
import * as k8s from '../imports/k8s';
import { checkApiType } from './api-schema';
import { checkDns1123Subdomain, checkEnvName, checkInteger, show } from './validation';

/** The ServiceAccount the members run as. */
export interface ServiceAccountOptions {
  /**
   * An existing ServiceAccount in the cluster's namespace: the stack writes none of its own.
   * @default - the stack writes one named after the cluster
   */
  readonly name?: string;
  /**
   * Whether the stack writes the Role and RoleBinding discovery needs (and, with `zoneAware`, the node-reader
   * ClusterRole and its binding). Turn it off only when the platform grants them: without them the members never
   * find each other and each forms a cluster of its own.
   * @default true
   */
  readonly rbac?: boolean;
}

/** How many members a voluntary disruption (a drain, an eviction) may take at once. Give at most one. */
export interface DisruptionBudgetOptions {
  /**
   * Members that may be down at once: 1 up to `replicas` - 1. More than the maps' `backup-count` at once is safe
   * only because each member hands its partitions over before it stops (graceful shutdown), and is slower.
   * @default 1
   */
  readonly maxUnavailable?: number;
  /**
   * Members that must stay up: 1 up to `replicas` - 1 (`replicas` would refuse every drain).
   * @default - maxUnavailable 1 instead
   */
  readonly minAvailable?: number;
}

/**
 * The user and group ids of the member pods. Pod Security "restricted" holds whatever is chosen: the pod always
 * runs as non-root, with the RuntimeDefault seccomp profile, and every container drops all capabilities.
 */
export interface PodIdentityOptions {
  /**
   * Leave the ids to the platform (OpenShift's restricted-v2 assigns them from the namespace's range and refuses
   * a fixed `runAsUser`): no `runAsUser`, `runAsGroup` or `fsGroup` is written.
   * @default false
   */
  readonly platformAssignsIds?: boolean;
  /**
   * `runAsUser` (not 0).
   * @default 65534 (the official image's `nobody`)
   */
  readonly runAsUser?: number;
  /**
   * `runAsGroup` (not 0).
   * @default 65534
   */
  readonly runAsGroup?: number;
  /**
   * `fsGroup`, the group that owns the pod's volumes (not 0).
   * @default 65534
   */
  readonly fsGroup?: number;
}

/** What the stack decided from the platform props. */
export interface PlatformSettings {
  /** The ServiceAccount the pods name; the stack writes it unless `serviceAccount.name` is given. */
  readonly serviceAccountName: string;
  readonly createServiceAccount: boolean;
  readonly rbac: boolean;
  readonly imagePullPolicy: 'IfNotPresent' | 'Always' | 'Never';
  /** The PodDisruptionBudget's spec beyond its selector. */
  readonly disruptionBudget: { readonly maxUnavailable?: number; readonly minAvailable?: number };
  /** The pod's `runAsUser`, `runAsGroup` and `fsGroup`, or none when the platform assigns them. */
  readonly podIds: { readonly runAsUser?: number; readonly runAsGroup?: number; readonly fsGroup?: number };
  /** `envValueFrom` as EnvVars, and `envFrom`, checked. */
  readonly envFromSources: k8s.EnvVar[];
  readonly envFrom?: k8s.EnvFromSource[];
}

/** The pod's ids when nothing is said: the official image's `nobody`, as the Helm chart and the operator use. */
export const DEFAULT_RUN_AS_ID = 65534;
const PULL_POLICIES = ['IfNotPresent', 'Always', 'Never'] as const;
const MAX_ID = 2_147_483_647;

function checkObject(prop: string, value: unknown): void {
  if (value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value))) {
    throw new Error(`'${prop}' (${show(value)}) must be an object`);
  }
}

function checkBoolean(prop: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') throw new Error(`'${prop}' (${show(value)}) must be true or false`);
}

function resolveServiceAccount(clusterName: string, o: ServiceAccountOptions | undefined) {
  checkObject('serviceAccount', o);
  if (o?.name !== undefined) checkDns1123Subdomain('serviceAccount.name', o.name);
  checkBoolean('serviceAccount.rbac', o?.rbac);
  return { serviceAccountName: o?.name ?? clusterName, createServiceAccount: o?.name === undefined, rbac: o?.rbac ?? true };
}

function resolveDisruptionBudget(replicas: number, o: DisruptionBudgetOptions | undefined): PlatformSettings['disruptionBudget'] {
  checkObject('podDisruptionBudget', o);
  if (o?.maxUnavailable !== undefined && o.minAvailable !== undefined) {
    throw new Error(`'podDisruptionBudget' gives both maxUnavailable (${show(o.maxUnavailable)}) and minAvailable (${show(o.minAvailable)}); Kubernetes takes one`);
  }
  const why = ` (with 'replicas' ${replicas}: at least one member must be able to go, and one must stay)`;
  if (o?.minAvailable !== undefined) {
    checkInteger('podDisruptionBudget.minAvailable', o.minAvailable, 1, Math.max(1, replicas - 1), why);
    return { minAvailable: o.minAvailable };
  }
  const maxUnavailable = o?.maxUnavailable ?? 1;
  if (o?.maxUnavailable !== undefined) checkInteger('podDisruptionBudget.maxUnavailable', maxUnavailable, 1, Math.max(1, replicas - 1), why);
  return { maxUnavailable };
}

function resolvePodIds(o: PodIdentityOptions | undefined): PlatformSettings['podIds'] {
  checkObject('podIdentity', o);
  checkBoolean('podIdentity.platformAssignsIds', o?.platformAssignsIds);
  const ids = { runAsUser: o?.runAsUser, runAsGroup: o?.runAsGroup, fsGroup: o?.fsGroup };
  if (o?.platformAssignsIds === true) {
    const fixed = Object.entries(ids).find(([, v]) => v !== undefined);
    if (fixed) {
      throw new Error(`'podIdentity.${fixed[0]}' (${show(fixed[1])}) contradicts 'podIdentity.platformAssignsIds' true: the platform assigns the ids; give one or the other`);
    }
    return {};
  }
  for (const [key, value] of Object.entries(ids)) {
    if (value !== undefined) checkInteger(`podIdentity.${key}`, value, 1, MAX_ID, ' (0 is root, which Pod Security "restricted" refuses)');
  }
  return { runAsUser: ids.runAsUser ?? DEFAULT_RUN_AS_ID, runAsGroup: ids.runAsGroup ?? DEFAULT_RUN_AS_ID, fsGroup: ids.fsGroup ?? DEFAULT_RUN_AS_ID };
}

/** `envValueFrom`: each a Secret key, a ConfigMap key or a field of the pod, never more than one. */
function resolveEnvValueFrom(given: { readonly [name: string]: k8s.EnvVarSource } | undefined): k8s.EnvVar[] {
  checkObject('envValueFrom', given);
  return Object.entries(given ?? {}).map(([name, source]) => {
    checkEnvName('envValueFrom', name);
    const prop = `envValueFrom[${show(name)}]`;
    checkObject(prop, source);
    checkApiType(prop, 'EnvVarSource', source);
    const kinds = (['secretKeyRef', 'configMapKeyRef', 'fieldRef', 'resourceFieldRef'] as const).filter((k) => source?.[k] !== undefined);
    if (kinds.length !== 1) {
      throw new Error(`'${prop}' (${show(source)}) must name exactly one of secretKeyRef, configMapKeyRef, fieldRef or resourceFieldRef`);
    }
    const ref = source.secretKeyRef ?? source.configMapKeyRef;
    if (ref !== undefined) {
      checkDns1123Subdomain(`${prop}.${kinds[0]}.name`, ref.name as string);
      if (typeof ref.key !== 'string' || !/^[-._a-zA-Z0-9]+$/.test(ref.key)) {
        throw new Error(`'${prop}.${kinds[0]}.key' (${show(ref.key)}) must be a Secret or ConfigMap key: letters, digits, '-', '_' or '.'`);
      }
    }
    return { name, valueFrom: source };
  });
}

/** `envFrom`: whole Secrets or ConfigMaps as env, each naming one. */
function resolveEnvFrom(given: k8s.EnvFromSource[] | undefined): k8s.EnvFromSource[] | undefined {
  if (given === undefined) return undefined;
  if (!Array.isArray(given)) throw new Error(`'envFrom' (${show(given)}) must be a list of Secret or ConfigMap sources`);
  given.forEach((source, i) => {
    const prop = `envFrom[${i}]`;
    checkObject(prop, source);
    checkApiType(prop, 'EnvFromSource', source);
    const refs = [source.secretRef, source.configMapRef].filter((r) => r !== undefined);
    if (refs.length !== 1) throw new Error(`'${prop}' (${show(source)}) must name exactly one of secretRef or configMapRef`);
    checkDns1123Subdomain(`${prop}.${source.secretRef ? 'secretRef' : 'configMapRef'}.name`, refs[0]!.name as string);
    if (source.prefix !== undefined && !/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(source.prefix)) {
      throw new Error(`'${prop}.prefix' (${show(source.prefix)}) must start an env name: letters, digits, '-', '_' or '.', not a digit first`);
    }
  });
  return given.length > 0 ? given : undefined;
}

/** Checks the platform props and resolves their defaults. */
export function resolvePlatformSettings(p: {
  readonly serviceAccount?: ServiceAccountOptions;
  readonly imagePullPolicy?: 'IfNotPresent' | 'Always' | 'Never';
  readonly podDisruptionBudget?: DisruptionBudgetOptions;
  readonly podIdentity?: PodIdentityOptions;
  readonly envValueFrom?: { readonly [name: string]: k8s.EnvVarSource };
  readonly envFrom?: k8s.EnvFromSource[];
}, clusterName: string, replicas: number): PlatformSettings {
  const imagePullPolicy = p.imagePullPolicy ?? 'IfNotPresent';
  if (!PULL_POLICIES.includes(imagePullPolicy)) {
    throw new Error(`'imagePullPolicy' (${show(imagePullPolicy)}) must be "IfNotPresent", "Always" or "Never"`);
  }
  return {
    ...resolveServiceAccount(clusterName, p.serviceAccount),
    imagePullPolicy,
    disruptionBudget: resolveDisruptionBudget(replicas, p.podDisruptionBudget),
    podIds: resolvePodIds(p.podIdentity),
    envFromSources: resolveEnvValueFrom(p.envValueFrom),
    envFrom: resolveEnvFrom(p.envFrom),
  };
}
