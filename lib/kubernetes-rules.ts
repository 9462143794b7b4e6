// What the API server checks that the OpenAPI schema (and so the typed imports) does not: image references,
// annotation keys, tolerations, topology spread constraints, volume sources, mount paths and container ports. Each
// rule is written once here, after k8s.io/kubernetes pkg/apis/core/validation and the distribution reference
// grammar, so a value the API server would refuse at apply time is refused at synth, naming the prop.
import * as k8s from '../imports/k8s';
import { checkApiType } from './api-schema';
import { show } from './validation';

// github.com/distribution/reference: [domain[:port]/]path[:tag][@digest], path components lowercase.
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const IMAGE_REFERENCE = new RegExp(`^(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::[\\w][\\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$`);

/** An image reference the container runtime can pull: `docker.io/hazelcast/hazelcast:5.7.0`, with a tag or digest. */
export function checkImageReference(prop: string, image: unknown): void {
  // The first component is a registry host only with a '.' or ':' in it, or as localhost; else it is part of the
  // repository path, which must be lowercase (docker.io/library is implied).
  const first = typeof image === 'string' ? image.split('/')[0] : '';
  const hasDomain = typeof image === 'string' && image.includes('/') && (/[.:]/.test(first) || first === 'localhost');
  const path = typeof image === 'string' ? (hasDomain ? image.slice(first.length + 1) : image).split(/[:@]/)[0] : '';
  if (typeof image !== 'string' || image.length > 4096 || !IMAGE_REFERENCE.test(image) || /[A-Z]/.test(path)) {
    throw new Error(`'${prop}' (${show(image)}) must be an image reference such as "docker.io/hazelcast/hazelcast:5.7.0": `
      + 'a lowercase repository path, optionally a registry host before it, a tag of at most 128 letters, digits, '
      + "'_', '.' or '-' after ':', and/or a digest after '@'");
  }
}

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Annotations: keys are qualified names (`prefix/name`), values strings, 256 KiB in all. */
export function checkAnnotations(prop: string, annotations: unknown): void {
  if (annotations === undefined) return;
  if (annotations === null || typeof annotations !== 'object' || Array.isArray(annotations)) {
    throw new Error(`'${prop}' (${show(annotations)}) must be an object of annotation keys to string values`);
  }
  let size = 0;
  for (const [key, value] of Object.entries(annotations)) {
    const parts = key.split('/');
    const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
    const ok = parts.length <= 2 && name.length <= 63 && QUALIFIED_NAME.test(name)
      && (prefix === undefined || (prefix.length <= 253 && DNS1123_SUBDOMAIN.test(prefix)));
    if (!ok) {
      throw new Error(`'${prop}' key ${show(key)} must be an annotation key: an optional DNS subdomain prefix and '/', then a name of `
        + "at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit");
    }
    if (typeof value !== 'string') throw new Error(`'${prop}' value for ${show(key)} (${show(value)}) must be a string`);
    size += key.length + value.length;
  }
  if (size > 256 * 1024) throw new Error(`'${prop}' holds ${size} bytes; Kubernetes takes at most 262144 for all annotations of an object`);
}

const TOLERATION_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** Tolerations as the API server validates them (pkg/apis/core/validation ValidateTolerations). */
export function checkTolerations(prop: string, tolerations: k8s.Toleration[] | undefined): void {
  (tolerations ?? []).forEach((t, i) => {
    const at = `${prop}[${i}]`;
    if (t === null || typeof t !== 'object') throw new Error(`'${at}' (${show(t)}) must be a toleration object`);
    checkApiType(at, 'Toleration', t);
    const operator = t.operator ?? 'Equal';
    if (operator !== 'Equal' && operator !== 'Exists') throw new Error(`'${at}.operator' (${show(t.operator)}) must be "Equal" or "Exists"`);
    if ((t.key ?? '') === '' && operator !== 'Exists') throw new Error(`'${at}' has an empty key, which needs operator "Exists" (it then tolerates every taint)`);
    if (operator === 'Exists' && (t.value ?? '') !== '') throw new Error(`'${at}.value' (${show(t.value)}) must be empty with operator "Exists"`);
    if (t.effect !== undefined && !TOLERATION_EFFECTS.includes(t.effect)) {
      throw new Error(`'${at}.effect' (${show(t.effect)}) must be "NoSchedule", "PreferNoSchedule" or "NoExecute"`);
    }
    if (t.tolerationSeconds !== undefined) {
      if (!Number.isInteger(t.tolerationSeconds)) throw new Error(`'${at}.tolerationSeconds' (${show(t.tolerationSeconds)}) must be a whole number`);
      if (t.effect !== 'NoExecute') throw new Error(`'${at}.tolerationSeconds' needs effect "NoExecute", not ${show(t.effect)}`);
    }
  });
}

/** Topology spread constraints (ValidateTopologySpreadConstraints). */
export function checkSpreadConstraints(prop: string, constraints: k8s.TopologySpreadConstraint[] | undefined): void {
  (constraints ?? []).forEach((c, i) => {
    const at = `${prop}[${i}]`;
    if (c === null || typeof c !== 'object') throw new Error(`'${at}' (${show(c)}) must be a topology spread constraint object`);
    checkApiType(at, 'TopologySpreadConstraint', c);
    if (!Number.isInteger(c.maxSkew) || c.maxSkew < 1) throw new Error(`'${at}.maxSkew' (${show(c.maxSkew)}) must be a whole number of at least 1`);
    if (typeof c.topologyKey !== 'string' || c.topologyKey === '') throw new Error(`'${at}.topologyKey' (${show(c.topologyKey)}) must be a node label key`);
    if (!['DoNotSchedule', 'ScheduleAnyway'].includes(c.whenUnsatisfiable)) {
      throw new Error(`'${at}.whenUnsatisfiable' (${show(c.whenUnsatisfiable)}) must be "DoNotSchedule" or "ScheduleAnyway"`);
    }
    if (c.minDomains !== undefined && (!Number.isInteger(c.minDomains) || c.minDomains < 1 || c.whenUnsatisfiable !== 'DoNotSchedule')) {
      throw new Error(`'${at}.minDomains' (${show(c.minDomains)}) must be a whole number of at least 1, with whenUnsatisfiable "DoNotSchedule"`);
    }
  });
}

/** Volume sources: every key of a Volume but its name is one source, and a volume has exactly one. */
export function checkVolumeSource(prop: string, volume: k8s.Volume): void {
  const sources = Object.keys(volume).filter((k) => k !== 'name' && (volume as unknown as Record<string, unknown>)[k] !== undefined);
  if (sources.length !== 1) {
    throw new Error(`'${prop}' volume ${show(volume.name)} must have exactly one source (emptyDir, configMap, secret, ...), not `
      + `${sources.length === 0 ? 'none' : sources.join(' and ')}`);
  }
}

/** Mount paths of one container: absolute, each once. */
export function checkMountPaths(prop: string, container: string, mounts: readonly k8s.VolumeMount[]): void {
  const seen = new Set<string>();
  for (const m of mounts) {
    if (typeof m.mountPath !== 'string' || !m.mountPath.startsWith('/')) {
      throw new Error(`'${prop}' mount ${show(m.mountPath)} in container ${show(container)} must be an absolute path`);
    }
    const normalised = m.mountPath.replace(/\/+$/, '') || '/';
    if (seen.has(normalised)) throw new Error(`'${prop}' mounts ${show(m.mountPath)} twice in container ${show(container)}`);
    seen.add(normalised);
  }
}

/** A container the user adds (init container, sidecar): an image, ports in range, mounts each once. */
export function checkContainer(prop: string, c: k8s.Container): void {
  if (c === null || typeof c !== 'object') throw new Error(`'${prop}' (${show(c)}) must be a container object`);
  checkImageReference(`${prop} ${show(c.name)} image`, c.image);
  for (const p of c.ports ?? []) {
    if (!Number.isInteger(p.containerPort) || p.containerPort < 1 || p.containerPort > 65535) {
      throw new Error(`'${prop}' container ${show(c.name)} port ${show(p.containerPort)} must be a whole number from 1 to 65535`);
    }
  }
  checkMountPaths(prop, c.name, c.volumeMounts ?? []);
}
