/**
 * member-runner: the Hazelcast-member side of the end-to-end harness.
 *
 * It plays the kubelet for pods bound to a fake (KWOK) node: for each Running pod it starts a real
 * Hazelcast member JVM from the Maven Central jar, laid out and started the way the official
 * `hazelcast/hazelcast` image starts it (`hz start`), inside a throw-away mount + UTS namespace that
 * gives the JVM what a container would see: its own root filesystem (host /usr, /etc read-only), the
 * pod's volumes (service-account token, ConfigMaps, Secrets, emptyDirs) at their mount paths, a
 * kubelet-style /etc/hosts, the pod name as hostname, the container env, a cgroup with the container's
 * resource limits, and the container's user. Everything a mount namespace holds vanishes with the JVM.
 *
 * Node 20 built-ins only. Every departure from a real kubelet/container runtime is listed in
 * e2e/hazelcast/README.md.
 */
import { spawn, ChildProcess, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';

// ---------------------------------------------------------------------------------------------
// Constants
// ---------------------------------------------------------------------------------------------

/** The one JDK the harness runs members with: the official 5.7 image ships JDK 25 (the jar itself needs 17+). */
export const JAVA_HOME = '/usr/lib/jvm/temurin-25-jdk-amd64';

/** Where the official image installs Hazelcast (its WORKDIR and HZ_HOME). */
export const HZ_HOME = '/opt/hazelcast';

/** Where a kubelet mounts the service-account volume the ServiceAccount admission plugin injects. */
export const SA_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The names a pod resolves the API server by (cluster DNS in a real cluster; /etc/hosts here). */
export const KUBERNETES_API_NAMES = [
  'kubernetes.default.svc.cluster.local',
  'kubernetes.default.svc',
  'kubernetes.default',
  'kubernetes',
];

/** `JDK_OPTS` that the distribution's bin/common.sh adds for Java >= 9. */
export const IMAGE_JDK_OPTS = [
  '--add-modules', 'java.se',
  '--add-exports', 'java.base/jdk.internal.ref=ALL-UNNAMED',
  '--add-opens', 'java.base/java.lang=ALL-UNNAMED',
  '--add-opens', 'java.base/sun.nio.ch=ALL-UNNAMED',
  '--add-opens', 'java.management/sun.management=ALL-UNNAMED',
  '--add-opens', 'jdk.management/com.sun.management.internal=ALL-UNNAMED',
];

/** The image's ENV lines (hazelcast-docker, hazelcast-oss/Dockerfile, 5.x); container env overrides them. */
export function imageEnv(javaHome: string): Record<string, string> {
  return {
    PATH: `${HZ_HOME}/bin:${javaHome}/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
    JAVA_HOME: javaHome,
    HZ_HOME,
    CLASSPATH_DEFAULT: `${HZ_HOME}/*`,
    JAVA_OPTS_DEFAULT: '-Djava.net.preferIPv4Stack=true -XX:MaxRAMPercentage=80.0',
    PROMETHEUS_PORT: '',
    PROMETHEUS_CONFIG: `${HZ_HOME}/config/jmx_agent_config.yaml`,
    CLASSPATH: '',
    JAVA_OPTS: '',
    HAZELCAST_CONFIG: 'config/hazelcast-docker.xml',
    LANG: 'C.UTF-8',
  };
}

/** Main class `hz start` ends up in (HazelcastServerCommandLine#start calls it with no args). */
export const MEMBER_MAIN_CLASS = 'com.hazelcast.core.server.HazelcastMemberStarter';

// One parent per run (e2e/run.sh names it after its pid), so that concurrent runs never touch each other's cgroups.
const CGROUP_PARENT = process.env.E2E_CGROUP_PARENT ?? 'hz-member-runner';

// ---------------------------------------------------------------------------------------------
// Minimal Kubernetes types (only what the runner reads)
// ---------------------------------------------------------------------------------------------

export interface ObjectFieldSelector { fieldPath: string; apiVersion?: string }
export interface ResourceFieldSelector { resource: string; containerName?: string; divisor?: string | number }
export interface KeySelector { name?: string; key: string; optional?: boolean }
export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    fieldRef?: ObjectFieldSelector;
    resourceFieldRef?: ResourceFieldSelector;
    configMapKeyRef?: KeySelector;
    secretKeyRef?: KeySelector;
    [other: string]: unknown;
  };
}
export interface EnvFromSource {
  prefix?: string;
  configMapRef?: { name: string; optional?: boolean };
  secretRef?: { name: string; optional?: boolean };
}
export interface ResourceList { [name: string]: string | number }
export interface SecurityContext {
  runAsUser?: number; runAsGroup?: number; runAsNonRoot?: boolean;
  readOnlyRootFilesystem?: boolean; fsGroup?: number; supplementalGroups?: number[];
  [other: string]: unknown;
}
export interface VolumeMount { name: string; mountPath: string; readOnly?: boolean; subPath?: string; subPathExpr?: string }
export interface KeyToPath { key: string; path: string; mode?: number }
export interface DownwardAPIVolumeFile { path: string; fieldRef?: ObjectFieldSelector; resourceFieldRef?: ResourceFieldSelector; mode?: number }
export interface VolumeProjection {
  serviceAccountToken?: { audience?: string; expirationSeconds?: number; path: string };
  configMap?: { name: string; items?: KeyToPath[]; optional?: boolean };
  secret?: { name: string; items?: KeyToPath[]; optional?: boolean };
  downwardAPI?: { items?: DownwardAPIVolumeFile[] };
  [other: string]: unknown;
}
export interface Volume {
  name: string;
  emptyDir?: { medium?: string; sizeLimit?: string };
  configMap?: { name: string; items?: KeyToPath[]; defaultMode?: number; optional?: boolean };
  secret?: { secretName: string; items?: KeyToPath[]; defaultMode?: number; optional?: boolean };
  projected?: { sources: VolumeProjection[]; defaultMode?: number };
  downwardAPI?: { items?: DownwardAPIVolumeFile[]; defaultMode?: number };
  [other: string]: unknown;
}
export interface Container {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  workingDir?: string;
  env?: EnvVar[];
  envFrom?: EnvFromSource[];
  resources?: { limits?: ResourceList; requests?: ResourceList };
  volumeMounts?: VolumeMount[];
  securityContext?: SecurityContext;
  ports?: Array<{ name?: string; containerPort: number; protocol?: string }>;
  lifecycle?: unknown;
}
export interface Pod {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string; namespace?: string; uid?: string;
    labels?: Record<string, string>; annotations?: Record<string, string>;
    deletionTimestamp?: string; deletionGracePeriodSeconds?: number;
  };
  spec: {
    nodeName?: string; serviceAccountName?: string; hostname?: string; subdomain?: string;
    containers: Container[];
    volumes?: Volume[];
    securityContext?: SecurityContext;
    terminationGracePeriodSeconds?: number;
    restartPolicy?: 'Always' | 'OnFailure' | 'Never';
    automountServiceAccountToken?: boolean;
    enableServiceLinks?: boolean;
    hostAliases?: Array<{ ip: string; hostnames?: string[] }>;
    [other: string]: unknown;
  };
  status?: { phase?: string; podIP?: string; podIPs?: Array<{ ip: string }>; hostIP?: string; hostIPs?: Array<{ ip: string }> };
}
export interface Service {
  metadata: { name: string; namespace?: string };
  spec?: { clusterIP?: string; ports?: Array<{ name?: string; port: number; protocol?: string }> };
}

// ---------------------------------------------------------------------------------------------
// Quantities (resource.Quantity) and resourceFieldRef
// ---------------------------------------------------------------------------------------------

const BINARY_SUFFIX: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL_SUFFIX: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** Parses a Kubernetes quantity ("500m", "1Gi", "1.5", "2e3") into a plain number of base units. */
export function parseQuantity(q: string | number): number {
  if (typeof q === 'number') return q;
  const s = q.trim();
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?)$/.exec(s);
  if (!m) throw new Error(`invalid quantity ${JSON.stringify(q)}`);
  const base = Number(m[1]);
  if (m[2]) return base * 10 ** Number(m[2].slice(1));
  const suf = m[3] ?? '';
  const mult = BINARY_SUFFIX[suf] ?? DECIMAL_SUFFIX[suf];
  return base * mult;
}

export interface EnvContext {
  /** ConfigMap data by name (pod namespace), for configMapKeyRef / envFrom. */
  configMaps?: Record<string, Record<string, string>>;
  /** Secret data by name, already base64-decoded. */
  secrets?: Record<string, Record<string, string>>;
  /** Services of the pod's namespace, for the docker-link variables (enableServiceLinks). */
  services?: Service[];
  /** KUBERNETES_SERVICE_HOST / _PORT. Default: the kubernetes Service in `services`, else apiServerIP:443. */
  kubernetesService?: { host: string; port: number };
  /** Node allocatable, for resourceFieldRef limits.* of a container without limits. */
  nodeAllocatable?: ResourceList;
}

function containerResource(pod: Pod, containerName: string | undefined, resource: string, alloc?: ResourceList): number {
  const c = containerName ? pod.spec.containers.find((x) => x.name === containerName) : undefined;
  if (!c) throw new Error(`resourceFieldRef: container ${containerName ?? '(none)'} not found in pod ${pod.metadata.name}`);
  const [kind, name] = resource.split('.', 2) as [string, string];
  if ((kind !== 'limits' && kind !== 'requests') || !name) throw new Error(`resourceFieldRef: unsupported resource ${resource}`);
  const limits = c.resources?.limits ?? {};
  const requests = c.resources?.requests ?? {};
  if (kind === 'limits') {
    if (limits[name] !== undefined) return parseQuantity(limits[name]!);
    // kubelet: a container without a limit gets node allocatable
    if (alloc?.[name] !== undefined) return parseQuantity(alloc[name]!);
    throw new Error(`resourceFieldRef ${resource}: container ${c.name} has no limit and node allocatable is unknown`);
  }
  // requests default to limits (API defaulting), else 0
  if (requests[name] !== undefined) return parseQuantity(requests[name]!);
  if (limits[name] !== undefined) return parseQuantity(limits[name]!);
  return 0;
}

/** kubelet's ExtractContainerResourceValue: ceil(value / divisor), cpu in milli precision. */
export function resourceFieldValue(pod: Pod, defaultContainer: string, ref: ResourceFieldSelector, alloc?: ResourceList): string {
  const value = containerResource(pod, ref.containerName || defaultContainer, ref.resource, alloc);
  const divisor = ref.divisor === undefined || ref.divisor === '' || ref.divisor === '0' ? 1 : parseQuantity(ref.divisor);
  if (ref.resource.endsWith('.cpu')) {
    const milli = Math.round(value * 1000);
    const dmilli = Math.round(divisor * 1000);
    return String(Math.ceil(milli / dmilli));
  }
  return String(Math.ceil(value / divisor));
}

/** Downward API fieldRef as the kubelet resolves it. */
export function fieldRefValue(pod: Pod, fieldPath: string): string {
  const lab = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(fieldPath);
  if (lab) {
    const map = (lab[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations) ?? {};
    return map[lab[2]!] ?? '';
  }
  const fmtMap = (m?: Record<string, string>) =>
    Object.keys(m ?? {}).sort().map((k) => `${k}=${JSON.stringify(m![k])}`).join('\n');
  switch (fieldPath) {
    case 'metadata.name': return pod.metadata.name;
    case 'metadata.namespace': return pod.metadata.namespace ?? 'default';
    case 'metadata.uid': return pod.metadata.uid ?? '';
    case 'metadata.labels': return fmtMap(pod.metadata.labels);
    case 'metadata.annotations': return fmtMap(pod.metadata.annotations);
    case 'spec.nodeName': return pod.spec.nodeName ?? '';
    case 'spec.serviceAccountName': return pod.spec.serviceAccountName ?? 'default';
    case 'status.podIP': return pod.status?.podIP ?? '';
    case 'status.podIPs': return (pod.status?.podIPs ?? []).map((x) => x.ip).join(',') || (pod.status?.podIP ?? '');
    case 'status.hostIP': return pod.status?.hostIP ?? '';
    case 'status.hostIPs': return (pod.status?.hostIPs ?? []).map((x) => x.ip).join(',') || (pod.status?.hostIP ?? '');
    default: throw new Error(`fieldRef ${fieldPath} is not supported by the member runner`);
  }
}

// ---------------------------------------------------------------------------------------------
// Environment, as the kubelet computes it
// ---------------------------------------------------------------------------------------------

/**
 * Kubernetes `$(VAR)` expansion (k8s.io/kubernetes third_party/forked/golang/expansion):
 * `$$` -> `$`, `$(NAME)` -> value if NAME is known else left as `$(NAME)`, anything else literal.
 */
export function expandK8s(input: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] === '$' && cursor + 1 < input.length) {
      out += input.slice(checkpoint, cursor);
      const rest = input.slice(cursor + 1);
      let advance = 1;
      if (rest[0] === '$') {
        out += '$';
      } else if (rest[0] === '(') {
        const close = rest.indexOf(')', 1);
        if (close >= 1) {
          const name = rest.slice(1, close);
          const v = lookup(name);
          out += v !== undefined ? v : `$(${name})`;
          advance = close + 1;
        } else {
          out += '$(';
        }
      } else {
        out += '$' + rest[0];
      }
      cursor += advance;
      checkpoint = cursor + 1;
    }
  }
  return out + input.slice(checkpoint);
}

/** Docker-link style variables for the Services of the namespace (kubelet getServiceEnvVarMap). */
export function serviceEnvVars(services: Service[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const svc of services) {
    const ip = svc.spec?.clusterIP;
    if (!ip || ip === 'None') continue;
    const ports = svc.spec?.ports ?? [];
    if (ports.length === 0) continue;
    const name = svc.metadata.name.toUpperCase().replace(/-/g, '_');
    env[`${name}_SERVICE_HOST`] = ip;
    env[`${name}_SERVICE_PORT`] = String(ports[0]!.port);
    for (const p of ports) {
      if (p.name) env[`${name}_SERVICE_PORT_${p.name.toUpperCase().replace(/-/g, '_')}`] = String(p.port);
    }
    const p0 = ports[0]!;
    env[`${name}_PORT`] = `${(p0.protocol ?? 'TCP').toLowerCase()}://${ip}:${p0.port}`;
    for (const p of ports) {
      const proto = (p.protocol ?? 'TCP');
      const prefix = `${name}_PORT_${p.port}_${proto.toUpperCase()}`;
      env[prefix] = `${proto.toLowerCase()}://${ip}:${p.port}`;
      env[`${prefix}_PROTO`] = proto.toLowerCase();
      env[`${prefix}_PORT`] = String(p.port);
      env[`${prefix}_ADDR`] = ip;
    }
  }
  return env;
}

/** The pod's hostname (spec.hostname, else the pod name truncated to 63 chars). */
export function podHostname(pod: Pod): string {
  return (pod.spec.hostname || pod.metadata.name).slice(0, 63).replace(/[-.]+$/, '');
}

/**
 * The container's environment as the kubelet builds it (kubelet_pods.go makeEnvironmentVariables),
 * plus what the runtime adds (HOSTNAME). Image ENV is NOT included here (see imageEnv()).
 * Throws on anything the runner cannot resolve, like a kubelet refusing to create the container.
 */
export function buildMemberEnv(pod: Pod, container: Container | string, ctx: EnvContext = {}): Record<string, string> {
  const c = typeof container === 'string' ? pod.spec.containers.find((x) => x.name === container) : container;
  if (!c) throw new Error(`container ${String(container)} not found in pod ${pod.metadata.name}`);
  const ns = pod.metadata.namespace ?? 'default';

  // Service link variables (enableServiceLinks defaults to true); the kubernetes master service always.
  const svcEnv: Record<string, string> = {};
  const services = ctx.services ?? [];
  const linkable = pod.spec.enableServiceLinks === false
    ? services.filter((s) => s.metadata.name === 'kubernetes' && (s.metadata.namespace ?? 'default') === 'default')
    : services;
  Object.assign(svcEnv, serviceEnvVars(linkable));
  if (ctx.kubernetesService) {
    const k = ctx.kubernetesService;
    Object.assign(svcEnv, serviceEnvVars([{ metadata: { name: 'kubernetes' }, spec: { clusterIP: k.host, ports: [{ name: 'https', port: k.port, protocol: 'TCP' }] } }]));
  }

  const tmp: Record<string, string> = {};
  const getCM = (name: string) => ctx.configMaps?.[name];
  const getSecret = (name: string) => ctx.secrets?.[name];

  for (const ef of c.envFrom ?? []) {
    const prefix = ef.prefix ?? '';
    let data: Record<string, string> | undefined;
    if (ef.configMapRef) {
      data = getCM(ef.configMapRef.name);
      if (!data) {
        if (ef.configMapRef.optional) continue;
        throw new Error(`envFrom: configmap "${ef.configMapRef.name}" not found (namespace ${ns})`);
      }
    } else if (ef.secretRef) {
      data = getSecret(ef.secretRef.name);
      if (!data) {
        if (ef.secretRef.optional) continue;
        throw new Error(`envFrom: secret "${ef.secretRef.name}" not found (namespace ${ns})`);
      }
    } else {
      throw new Error('envFrom entry with neither configMapRef nor secretRef');
    }
    for (const [k, v] of Object.entries(data)) tmp[prefix + k] = v;
  }

  const lookup = (name: string): string | undefined => (name in tmp ? tmp[name] : svcEnv[name]);
  for (const e of c.env ?? []) {
    if (e.valueFrom === undefined) {
      tmp[e.name] = expandK8s(e.value ?? '', lookup);
      continue;
    }
    const vf = e.valueFrom;
    if (vf.fieldRef) {
      tmp[e.name] = fieldRefValue(pod, vf.fieldRef.fieldPath);
    } else if (vf.resourceFieldRef) {
      tmp[e.name] = resourceFieldValue(pod, c.name, vf.resourceFieldRef, ctx.nodeAllocatable);
    } else if (vf.configMapKeyRef || vf.secretKeyRef) {
      const isCM = !!vf.configMapKeyRef;
      const ref = (vf.configMapKeyRef ?? vf.secretKeyRef)!;
      const data = isCM ? getCM(ref.name ?? '') : getSecret(ref.name ?? '');
      const kind = isCM ? 'configmap' : 'secret';
      if (!data) {
        if (ref.optional) continue;
        throw new Error(`env ${e.name}: ${kind} "${ref.name}" not found (namespace ${ns})`);
      }
      if (!(ref.key in data)) {
        if (ref.optional) continue;
        throw new Error(`env ${e.name}: couldn't find key ${ref.key} in ${kind} ${ns}/${ref.name}`);
      }
      tmp[e.name] = data[ref.key]!;
    } else {
      throw new Error(`env ${e.name}: unsupported valueFrom ${JSON.stringify(Object.keys(vf))}`);
    }
  }

  // service variables only where the container did not define the name
  const env: Record<string, string> = { ...svcEnv, ...tmp };
  // set by the container runtime (CRI) from the pod's hostname
  if (!('HOSTNAME' in tmp)) env.HOSTNAME = podHostname(pod);
  return env;
}

// ---------------------------------------------------------------------------------------------
// Files a kubelet/runtime writes for a container
// ---------------------------------------------------------------------------------------------

/**
 * kubelet-managed /etc/hosts, plus (harness departure) the API server names that cluster DNS would
 * resolve, mapped to `apiServerIP`.
 */
export function buildHostsFile(pod: Pod, opts: { apiServerIP?: string; clusterDomain?: string; extraHosts?: Record<string, string[]> }): string {
  const ip = pod.status?.podIP;
  if (!ip) throw new Error(`pod ${pod.metadata.name} has no status.podIP`);
  const domain = opts.clusterDomain ?? 'cluster.local';
  const host = podHostname(pod);
  const lines = [
    '# Kubernetes-managed hosts file.',
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'fe00::0\tip6-mcastprefix',
    'fe00::1\tip6-allnodes',
    'fe00::2\tip6-allrouters',
  ];
  if (pod.spec.subdomain) {
    lines.push(`${ip}\t${host}.${pod.spec.subdomain}.${pod.metadata.namespace ?? 'default'}.svc.${domain}\t${host}`);
  } else {
    lines.push(`${ip}\t${host}`);
  }
  if (pod.spec.hostAliases?.length) {
    lines.push('', '# Entries added by HostAliases.');
    for (const a of pod.spec.hostAliases) lines.push(`${a.ip}\t${(a.hostnames ?? []).join('\t')}`);
  }
  const extra: Record<string, string[]> = { ...(opts.extraHosts ?? {}) };
  if (opts.apiServerIP) {
    const names = KUBERNETES_API_NAMES.map((n) => n.replace(/cluster\.local$/, domain));
    extra[opts.apiServerIP] = [...(extra[opts.apiServerIP] ?? []), ...names];
  }
  if (Object.keys(extra).length) {
    lines.push('', '# Added by the e2e member runner: names cluster DNS would resolve.');
    for (const [addr, names] of Object.entries(extra)) lines.push(`${addr}\t${names.join(' ')}`);
  }
  return lines.join('\n') + '\n';
}

/** resolv.conf with the pod's ClusterFirst search path; the nameserver is a stand-in (no cluster DNS here). */
export function buildResolvConf(pod: Pod, opts: { clusterDomain?: string; nameserver?: string } = {}): string {
  const d = opts.clusterDomain ?? 'cluster.local';
  const ns = pod.metadata.namespace ?? 'default';
  return `search ${ns}.svc.${d} svc.${d} ${d}\nnameserver ${opts.nameserver ?? '127.0.0.1'}\noptions ndots:5\n`;
}

/**
 * log4j2 configuration equivalent to the distribution's config/log4j2.properties: console only,
 * pattern from LOGGING_PATTERN, level from LOGGING_LEVEL (the image also has a rolling file
 * appender under $HAZELCAST_HOME/logs, left out here).
 */
export function buildLog4j2Properties(): string {
  return [
    'appender.console.type=Console',
    'appender.console.name=STDOUT',
    'appender.console.layout.type=PatternLayout',
    'appender.console.layout.pattern=${env:LOGGING_PATTERN}',
    'appender.console.layout.alwaysWriteExceptions=false',
    'rootLogger.level=${env:LOGGING_LEVEL:-INFO}',
    'rootLogger.appenderRef.stdout.ref=STDOUT',
    'logger.internal.name=com.hazelcast.internal.cluster',
    'logger.internal.level=${env:LOGGING_LEVEL:-INFO}',
    'logger.jet.name=com.hazelcast.jet',
    'logger.jet.level=${env:LOGGING_LEVEL:-INFO}',
    '',
  ].join('\n');
}

/** bin/hz exports this when LOGGING_PATTERN is unset (non-s390x). */
export const IMAGE_LOGGING_PATTERN =
  '%d [%highlight{%5p}{FATAL=red, ERROR=red, WARN=yellow, INFO=green, DEBUG=magenta}] [%style{%t{1.}}{cyan}] [%style{%c{1.}}{blue}]: %m%n%xEx';

/** Splits like an unquoted `$JAVA_OPTS` in the image's bash scripts (IFS word splitting, no quote removal). */
export function splitShellWords(s: string | undefined): string[] {
  return (s ?? '').split(/[ \t\n]+/).filter((w) => w.length > 0);
}

// ---------------------------------------------------------------------------------------------
// Resources: cgroup v1 (what the JVM in a container sees) or equivalent JVM flags
// ---------------------------------------------------------------------------------------------

export type ResourceMode = 'auto' | 'cgroup' | 'jvm-flags' | 'none';

export interface EffectiveResources {
  memoryLimitBytes?: number;
  cpuLimitMilli?: number;
  cpuRequestMilli?: number;
  memoryFromDefault: boolean;
}

export function effectiveResources(c: Container, defaultMemoryLimit: string | null | undefined): EffectiveResources {
  const lim = c.resources?.limits ?? {};
  const req = c.resources?.requests ?? {};
  const r: EffectiveResources = { memoryFromDefault: false };
  if (lim.memory !== undefined) r.memoryLimitBytes = Math.floor(parseQuantity(lim.memory));
  else if (defaultMemoryLimit) { r.memoryLimitBytes = Math.floor(parseQuantity(defaultMemoryLimit)); r.memoryFromDefault = true; }
  if (lim.cpu !== undefined) r.cpuLimitMilli = Math.ceil(parseQuantity(lim.cpu) * 1000);
  const rc = req.cpu ?? lim.cpu;
  if (rc !== undefined) r.cpuRequestMilli = Math.ceil(parseQuantity(rc) * 1000);
  return r;
}

/** A cgroup v1 hierarchy: where the runner reaches it, where the host mounts it, and its controllers. */
export interface CgroupHierarchy {
  /** Path the runner reads/writes: the mount point, or /proc/<ancestor>/root/<mount point> when the runner runs in
   * a mount namespace without cgroup mounts (`ip netns exec` mounts a fresh /sys). */
  access: string;
  mountPoint: string;
  /** Controllers of the hierarchy as mount options, e.g. "memory" or "cpu,cpuacct". */
  options: string;
  inRunnerView: boolean;
}

function parseCgroupV1Mounts(mountinfo: string): Array<{ mountPoint: string; controllers: string[] }> {
  const out: Array<{ mountPoint: string; controllers: string[] }> = [];
  for (const line of mountinfo.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const [fstype, , superOpts] = line.slice(sep + 3).split(' ');
    if (fstype !== 'cgroup' || !superOpts) continue;
    const fields = line.slice(0, sep).split(' ');
    if (fields[3] !== '/') continue; // a bind of a sub-cgroup: not a hierarchy root
    const controllers = superOpts.split(',').filter((o) => !/^(rw|ro|xattr|noprefix|clone_children|name=.*|release_agent=.*)$/.test(o));
    out.push({ mountPoint: fields[4]!.replace(/\\040/g, ' '), controllers });
  }
  return out;
}

interface CgroupHierarchies { memory: CgroupHierarchy; cpu: CgroupHierarchy; /** every v1 controller hierarchy of that mount table (the JVM wants cpu, cpuacct, cpuset and memory all mounted) */ all: CgroupHierarchy[] }
let cgroupProbe: CgroupHierarchies | null | undefined;
/**
 * The cgroup v1 memory and cpu hierarchies (cgroup v2-only hosts: null, and the runner falls back to JVM flags).
 * Creates the harness parent cgroup as the writability probe.
 */
export function cgroupV1Hierarchies(): CgroupHierarchies | null {
  if (cgroupProbe !== undefined) return cgroupProbe;
  cgroupProbe = null;
  try {
    // this process, then its ancestors (e.g. the shell that ran `ip netns exec`, still in the host mount namespace)
    const candidates: Array<[string, string, boolean]> = [['/proc/self', '', true]];
    let pid = process.ppid;
    for (let i = 0; i < 16 && pid > 1; i++) {
      candidates.push([`/proc/${pid}`, `/proc/${pid}/root`, false]);
      try { pid = Number(fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[1]); } catch { break; }
    }
    candidates.push(['/proc/1', '/proc/1/root', false]);
    const find = (ctl: string, file: string): (CgroupHierarchy & { all: CgroupHierarchy[] }) | undefined => {
      for (const [proc, prefix, inView] of candidates) {
        let info = '';
        try { info = fs.readFileSync(`${proc}/mountinfo`, 'utf8'); } catch { continue; }
        const m = parseCgroupV1Mounts(info).find((x) => x.controllers.includes(ctl));
        if (!m) continue;
        const access = prefix + m.mountPoint;
        try { fs.accessSync(path.join(access, file), fs.constants.W_OK); } catch { continue; }
        const all = parseCgroupV1Mounts(info).filter((x) => x.controllers.length > 0)
          .map((x) => ({ access: prefix + x.mountPoint, mountPoint: x.mountPoint, options: x.controllers.join(','), inRunnerView: inView }));
        return { access, mountPoint: m.mountPoint, options: m.controllers.join(','), inRunnerView: inView, all };
      }
      return undefined;
    };
    const memory = find('memory', 'memory.limit_in_bytes');
    const cpu = find('cpu', 'cpu.cfs_quota_us');
    if (!memory || !cpu) return cgroupProbe;
    for (const h of [memory, cpu]) fs.mkdirSync(path.join(h.access, CGROUP_PARENT), { recursive: true });
    const strip = ({ all: _all, ...h }: CgroupHierarchy & { all: CgroupHierarchy[] }): CgroupHierarchy => h;
    cgroupProbe = { memory: strip(memory), cpu: strip(cpu), all: memory.all };
  } catch {
    cgroupProbe = null;
  }
  return cgroupProbe;
}

/** True when cgroup v1 memory+cpu hierarchies are reachable and writable (the JVM then reads limits from them). */
export function cgroupV1Available(): boolean {
  return cgroupV1Hierarchies() !== null;
}

interface CgroupHandle { dirs: string[] }

function createCgroup(id: string, r: EffectiveResources): CgroupHandle {
  let h = cgroupV1Hierarchies();
  if (h && !fs.existsSync(path.join(h.memory.access, CGROUP_PARENT))) { cgroupProbe = undefined; h = cgroupV1Hierarchies(); }
  if (!h) throw new Error('cgroup v1 hierarchies not available');
  const mem = path.join(h.memory.access, CGROUP_PARENT, id);
  const cpu = path.join(h.cpu.access, CGROUP_PARENT, id);
  for (const d of [mem, cpu]) {
    if (fs.existsSync(d)) { try { fs.rmdirSync(d); } catch { /* still has tasks: reuse */ } }
    fs.mkdirSync(d, { recursive: true });
  }
  if (r.memoryLimitBytes !== undefined) fs.writeFileSync(path.join(mem, 'memory.limit_in_bytes'), String(r.memoryLimitBytes));
  const period = 100000;
  fs.writeFileSync(path.join(cpu, 'cpu.cfs_period_us'), String(period));
  if (r.cpuLimitMilli !== undefined) {
    fs.writeFileSync(path.join(cpu, 'cpu.cfs_quota_us'), String(Math.max(1000, Math.floor(r.cpuLimitMilli * period / 1000))));
  }
  // kubelet: shares = milliCPU * 1024 / 1000, minimum 2
  const shares = r.cpuRequestMilli !== undefined ? Math.max(2, Math.floor(r.cpuRequestMilli * 1024 / 1000)) : 2;
  fs.writeFileSync(path.join(cpu, 'cpu.shares'), String(shares));
  return { dirs: [mem, cpu] };
}

function removeCgroup(h: CgroupHandle | undefined): void {
  if (!h) return;
  for (const d of h.dirs) {
    for (let i = 0; i < 20; i++) {
      try { fs.rmdirSync(d); break; } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') break;
        execFileSync('sleep', ['0.05']);
      }
    }
  }
}

/** Removes the harness' cgroup parents when empty (call at the very end). */
export function removeCgroupParents(): void {
  const h = cgroupProbe;
  cgroupProbe = undefined;
  if (!h) return;
  for (const root of [h.memory.access, h.cpu.access]) {
    const p = path.join(root, CGROUP_PARENT);
    if (!fs.existsSync(p)) continue;
    for (const child of fs.readdirSync(p, { withFileTypes: true })) {
      if (child.isDirectory()) { try { fs.rmdirSync(path.join(p, child.name)); } catch { /* busy */ } }
    }
    try { fs.rmdirSync(p); } catch { /* busy */ }
  }
}

/** The flags that make a JVM without cgroup limits size itself like one inside the container. */
export function jvmFlagsForResources(r: EffectiveResources, userOpts: string[]): string[] {
  const flags: string[] = [];
  const hostCpus = os.cpus().length;
  let cpus = hostCpus;
  if (r.memoryLimitBytes !== undefined) flags.push(`-XX:MaxRAM=${r.memoryLimitBytes}`);
  if (r.cpuLimitMilli !== undefined) {
    cpus = Math.min(hostCpus, Math.max(1, Math.ceil(r.cpuLimitMilli / 1000)));
    flags.push(`-XX:ActiveProcessorCount=${cpus}`);
  }
  // HotSpot ergonomics: not a "server class machine" (< 2 CPUs or < 1792 MiB) -> SerialGC.
  const gcChosen = userOpts.some((o) => /^-XX:\+Use\w+GC$/.test(o));
  const small = (r.memoryLimitBytes !== undefined && r.memoryLimitBytes < 1792 * 2 ** 20) || cpus < 2;
  if (small && !gcChosen) flags.push('-XX:+UseSerialGC');
  return flags;
}

// ---------------------------------------------------------------------------------------------
// Image layout: the config the image starts with
// ---------------------------------------------------------------------------------------------

/** Writes the image's config/hazelcast-docker.xml (= hazelcast-docker-assembly.xml inside the jar) to `out`. */
export function extractImageConfig(jarPath: string, out: string): void {
  const xml = execFileSync('unzip', ['-p', jarPath, 'hazelcast-docker-assembly.xml'], { maxBuffer: 16 * 2 ** 20 });
  if (xml.length === 0) throw new Error(`hazelcast-docker-assembly.xml not found in ${jarPath}`);
  fs.writeFileSync(out, xml, { mode: 0o644 });
}

// ---------------------------------------------------------------------------------------------
// Starting and stopping one member
// ---------------------------------------------------------------------------------------------

export interface HostMount { hostPath: string; mountPath: string; readOnly?: boolean }

export interface StartMemberOptions {
  pod: Pod;
  /** Container to run (default: the first one). */
  containerName?: string;
  /** Path of hazelcast-<v>.jar as fetch-jar.sh prints it; its directory (with the log4j2 jars) becomes /opt/hazelcast/lib. */
  jarPath: string;
  /** Default JAVA_HOME (Temurin 25). */
  javaHome?: string;
  /** Per-pod log file: stdout+stderr of the JVM, appended. */
  logFile: string;
  /** Directory with token, ca.crt, namespace: mounted read-only at SA_MOUNT_PATH (skip to mount none). */
  tokenDir?: string;
  /** A ready /etc/hosts; default: buildHostsFile(pod, {apiServerIP}). */
  hostsFile?: string;
  /** IP the kubernetes.default.svc names resolve to (and KUBERNETES_SERVICE_HOST). */
  apiServerIP?: string;
  /** KUBERNETES_SERVICE_PORT (default 443: what `https://kubernetes.default.svc` dials). */
  apiServerPort?: number;
  /** Scratch directory for this container (start script, etc files, rootfs mount point). Default: <logFile>.run */
  runDir?: string;
  /** Other volumes, already materialised on the host (PodRunner does this from pod.spec.volumes). */
  mounts?: HostMount[];
  /** configMaps/secrets/services/nodeAllocatable for the env. */
  envContext?: EnvContext;
  /** Network namespace (name under /run/netns or a path) to enter; default: the runner's own. */
  netns?: string;
  /** How to apply limits.memory / limits.cpu. Default 'auto' (cgroup v1 if available, else JVM flags). */
  resources?: ResourceMode;
  /** Memory limit assumed for a container without one (default '1Gi'; null = the host's memory). */
  defaultMemoryLimit?: string | null;
  /** Honour securityContext.runAsUser/runAsGroup/fsGroup (default true). */
  honorRunAsUser?: boolean;
  /** Uid:gid when the pod sets none (image USER hazelcast has no fixed uid). Default 0:0 (root). */
  defaultUser?: { uid: number; gid: number };
  /** Harness-only extra JVM options, appended last. */
  extraJavaOpts?: string[];
  clusterDomain?: string;
  nameserver?: string;
}

export interface ExitInfo { code: number | null; signal: NodeJS.Signals | null }

export interface MemberHandle {
  pod: Pod;
  key: string;
  containerName: string;
  podIP: string;
  pid: number;
  child: ChildProcess;
  logFile: string;
  runDir: string;
  startedAt: number;
  /** The JVM command line (inside the container's view). */
  javaArgv: string[];
  /** The container env the JVM got. */
  env: Record<string, string>;
  resourceMode: Exclude<ResourceMode, 'auto'>;
  warnings: string[];
  exited: Promise<ExitInfo>;
  exitInfo?: ExitInfo;
  /** Set by stopMember/killMember so an owner can tell a requested stop from a crash. */
  stopRequested?: boolean;
}

function q(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** /var/run is a symlink to /run in the container rootfs: mount under the real directory. */
function canonicalMountPath(p: string): string {
  const n = path.posix.normalize(p);
  if (!n.startsWith('/')) throw new Error(`mountPath must be absolute: ${p}`);
  if (n === '/var/run' || n.startsWith('/var/run/')) return '/run' + n.slice('/var/run'.length);
  return n;
}

function sanitize(s: string): string {
  return s.replace(/[^A-Za-z0-9_.-]/g, '_');
}

export function podKey(pod: Pod): string {
  return `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
}

/**
 * Builds the JVM argv like the image's `hz start` would (bin/hz + bin/common.sh), from the merged
 * image+container env, plus the harness additions.
 */
export function buildJavaArgv(env: Record<string, string>, javaHome: string, extra: {
  resourceFlags: string[]; podIP: string; podLabel: string; extraJavaOpts?: string[]; warnings: string[];
}): string[] {
  const cpDefault = (env.CLASSPATH_DEFAULT ?? '').replace(/^:+|:+$/g, '');
  const cpUser = (env.CLASSPATH ?? '').replace(/^:+|:+$/g, '');
  let cp = cpUser ? (cpDefault ? `${cpDefault}:${cpUser}` : cpUser) : cpDefault;
  cp = `${cp}:${HZ_HOME}/lib:${HZ_HOME}/lib/*:${HZ_HOME}/bin/user-lib:${HZ_HOME}/bin/user-lib/*`.replace(/^:+/, '');

  let hzConfig = env.HAZELCAST_CONFIG || '';
  if (!hzConfig) hzConfig = 'config/hazelcast.xml';
  if (!hzConfig.startsWith('/')) hzConfig = `${HZ_HOME}/${hzConfig}`;
  if (hzConfig !== `${HZ_HOME}/config/hazelcast-docker.xml` && hzConfig.startsWith(`${HZ_HOME}/config/`)) {
    extra.warnings.push(`HAZELCAST_CONFIG=${env.HAZELCAST_CONFIG}: only config/hazelcast-docker.xml exists in the harness image layout`);
  }
  if (env.PROMETHEUS_PORT) extra.warnings.push('PROMETHEUS_PORT is set but the JMX exporter agent is not in the harness (ignored)');
  if (env.LOGGING_CONFIG) extra.warnings.push('LOGGING_CONFIG is ignored: the harness always uses its config/log4j2.properties');
  if (env.HAZELCAST_LICENSE_KEY) extra.warnings.push('HAZELCAST_LICENSE_KEY is ignored (Community Edition jar)');

  const javaOptsDefault = splitShellWords(env.JAVA_OPTS_DEFAULT);
  const javaOpts = splitShellWords(env.JAVA_OPTS);
  return [
    `${javaHome}/bin/java`,
    '-cp', cp,
    ...IMAGE_JDK_OPTS,
    '-Dhazelcast.logging.type=log4j2',
    `-Dlog4j.configurationFile=file:${HZ_HOME}/config/log4j2.properties`,
    `-Dhazelcast.config=${hzConfig}`,
    // what the container's cgroup would tell the JVM (empty in cgroup mode)
    ...extra.resourceFlags,
    // common.sh: JAVA_OPTS="$JAVA_OPTS_DEFAULT $JAVA_OPTS"
    ...javaOptsDefault,
    ...javaOpts,
    // harness: one member per pod IP on a shared host; no phone-home from a test
    `-Dhazelcast.local.localAddress=${extra.podIP}`,
    '-Dhazelcast.socket.server.bind.any=false',
    '-Dhazelcast.socket.client.bind.any=false',
    '-Dhazelcast.phone.home.enabled=false',
    // keep the shutdown-hook log lines (log4j2's own hook stops logging before Hazelcast's hook runs)
    '-Dlog4j2.shutdownHookEnabled=false',
    `-Dhzr.pod=${extra.podLabel}`,
    ...(extra.extraJavaOpts ?? []),
    MEMBER_MAIN_CLASS,
  ];
}

function securityOf(pod: Pod, c: Container) {
  const ps = pod.spec.securityContext ?? {};
  const cs = c.securityContext ?? {};
  return {
    runAsUser: cs.runAsUser ?? ps.runAsUser,
    runAsGroup: cs.runAsGroup ?? ps.runAsGroup,
    runAsNonRoot: cs.runAsNonRoot ?? ps.runAsNonRoot,
    readOnlyRootFilesystem: cs.readOnlyRootFilesystem ?? false,
    fsGroup: ps.fsGroup,
    supplementalGroups: ps.supplementalGroups ?? [],
  };
}

/**
 * Starts the Hazelcast member for one container of a Running pod. Resolves once the JVM process
 * has been spawned (not when it joined: use waitForLog).
 */
export async function startMember(o: StartMemberOptions): Promise<MemberHandle> {
  const pod = o.pod;
  const c = o.containerName ? pod.spec.containers.find((x) => x.name === o.containerName) : pod.spec.containers[0];
  if (!c) throw new Error(`container ${o.containerName} not in pod ${podKey(pod)}`);
  const podIP = pod.status?.podIP;
  if (!podIP) throw new Error(`pod ${podKey(pod)} has no status.podIP`);
  if (c.command?.length || c.args?.length) {
    throw new Error(`pod ${podKey(pod)} container ${c.name}: command/args override the image CMD; the member runner only runs the image's "hz start"`);
  }
  const javaHome = o.javaHome ?? JAVA_HOME;
  if (!fs.existsSync(path.join(javaHome, 'bin', 'java'))) throw new Error(`no java in ${javaHome}`);
  if (!fs.existsSync(o.jarPath)) throw new Error(`jar not found: ${o.jarPath} (run e2e/hazelcast/fetch-jar.sh)`);
  const jarPath = path.resolve(o.jarPath);
  const warnings: string[] = [];
  if (c.lifecycle) warnings.push('lifecycle hooks (postStart/preStop) are not run by the member runner');

  // --- user, like the runtime does it
  const sec = securityOf(pod, c);
  const honor = o.honorRunAsUser ?? true;
  if (sec.runAsNonRoot) {
    if (sec.runAsUser === undefined) {
      // the image's USER is the non-numeric "hazelcast": the kubelet refuses to start it
      throw new Error(`pod ${podKey(pod)} container ${c.name}: container has runAsNonRoot and image has non-numeric user (hazelcast), cannot verify user is non-root (CreateContainerConfigError)`);
    }
    if (sec.runAsUser === 0) throw new Error(`pod ${podKey(pod)} container ${c.name}: container's runAsUser breaks non-root policy (CreateContainerConfigError)`);
  }
  let uid = o.defaultUser?.uid ?? 0;
  let gid = o.defaultUser?.gid ?? 0;
  if (honor && sec.runAsUser !== undefined) { uid = sec.runAsUser; gid = sec.runAsGroup ?? 0; }
  else if (honor && sec.runAsGroup !== undefined) gid = sec.runAsGroup;
  const groups = [...new Set([...(sec.fsGroup !== undefined ? [sec.fsGroup] : []), ...sec.supplementalGroups])];

  // --- directories and files
  const runDir = path.resolve(o.runDir ?? `${o.logFile}.run`);
  fs.mkdirSync(runDir, { recursive: true });
  fs.mkdirSync(path.dirname(path.resolve(o.logFile)), { recursive: true });
  const rootfs = path.join(runDir, 'rootfs');
  fs.mkdirSync(rootfs, { recursive: true });
  const etcDir = path.join(runDir, 'etc');
  fs.mkdirSync(etcDir, { recursive: true });
  const hostsFile = o.hostsFile ?? path.join(etcDir, 'hosts');
  if (!o.hostsFile) fs.writeFileSync(hostsFile, buildHostsFile(pod, { apiServerIP: o.apiServerIP, clusterDomain: o.clusterDomain }));
  fs.writeFileSync(path.join(etcDir, 'resolv.conf'), buildResolvConf(pod, { clusterDomain: o.clusterDomain, nameserver: o.nameserver }));
  fs.writeFileSync(path.join(etcDir, 'hostname'), podHostname(pod) + '\n');

  // --- env: image ENV, overridden by the container env the kubelet computes
  const ctx: EnvContext = { ...(o.envContext ?? {}) };
  if (!ctx.kubernetesService && o.apiServerIP) ctx.kubernetesService = { host: o.apiServerIP, port: o.apiServerPort ?? 443 };
  const containerEnv = buildMemberEnv(pod, c, ctx);
  const env: Record<string, string> = { ...imageEnv(javaHome), HOME: uid === 0 ? '/root' : '/', ...containerEnv };
  // exported by the image's bin/common.sh and bin/hz before the JVM starts
  env.HAZELCAST_HOME = HZ_HOME;
  if (!env.LOGGING_PATTERN) env.LOGGING_PATTERN = IMAGE_LOGGING_PATTERN;
  const configDir = path.join(runDir, 'config');
  fs.mkdirSync(configDir, { recursive: true });
  fs.writeFileSync(path.join(configDir, 'log4j2.properties'), buildLog4j2Properties(), { mode: 0o644 });
  extractImageConfig(jarPath, path.join(configDir, 'hazelcast-docker.xml'));

  // --- resources
  const mode: Exclude<ResourceMode, 'auto'> = o.resources && o.resources !== 'auto' ? o.resources : (cgroupV1Available() ? 'cgroup' : 'jvm-flags');
  if (mode === 'cgroup' && !cgroupV1Available()) throw new Error('resources=cgroup but cgroup v1 memory/cpu hierarchies are not writable here');
  const res = effectiveResources(c, o.defaultMemoryLimit === undefined ? '1Gi' : o.defaultMemoryLimit);
  if (res.memoryFromDefault) warnings.push(`container has no memory limit: assuming ${o.defaultMemoryLimit ?? '1Gi'} (harness default)`);
  const userOpts = [...splitShellWords(env.JAVA_OPTS_DEFAULT), ...splitShellWords(env.JAVA_OPTS)];
  const resourceFlags = mode === 'jvm-flags' ? jvmFlagsForResources(res, userOpts) : [];
  const key = podKey(pod);
  const cgId = sanitize(`${pod.metadata.uid ?? key}_${c.name}`);
  const cgroup = mode === 'cgroup' ? createCgroup(cgId, res) : undefined;

  const javaArgv = buildJavaArgv(env, javaHome, {
    resourceFlags, podIP, podLabel: `${key}/${c.name}`, extraJavaOpts: o.extraJavaOpts, warnings,
  });

  // --- mounts, in container paths
  const mounts: HostMount[] = [];
  // the jar's directory (hazelcast + log4j2 jars, see fetch-jar.sh) is the image's lib/
  mounts.push({ hostPath: path.dirname(jarPath), mountPath: `${HZ_HOME}/lib`, readOnly: true });
  mounts.push({ hostPath: configDir, mountPath: `${HZ_HOME}/config`, readOnly: true });
  if (o.tokenDir) mounts.push({ hostPath: path.resolve(o.tokenDir), mountPath: SA_MOUNT_PATH, readOnly: true });
  for (const m of o.mounts ?? []) mounts.push(m);
  if (!javaHome.startsWith('/usr/')) mounts.push({ hostPath: javaHome, mountPath: javaHome, readOnly: true });
  const workDir = c.workingDir || HZ_HOME;

  // --- the start script: stage "outer" joins the cgroup and the netns, stage "inner" (new mount+UTS ns) builds the rootfs
  const script = path.join(runDir, 'start.sh');
  const L: string[] = [];
  L.push('#!/bin/sh', `# generated by e2e/harness/member-runner.ts for pod ${key} container ${c.name}`, 'set -eu');
  L.push('if [ "${1:-}" = outer ]; then');
  if (cgroup) for (const d of cgroup.dirs) L.push(`  echo $$ > ${q(path.join(d, 'cgroup.procs'))}`);
  const nsenter = o.netns ? `nsenter --net=${q(o.netns.includes('/') ? o.netns : `/run/netns/${o.netns}`)} -- ` : '';
  L.push(`  exec ${nsenter}unshare --mount --uts --propagation private -- /bin/sh ${q(script)} inner`);
  L.push('fi');
  L.push(`R=${q(rootfs)}`);
  L.push('mount -t tmpfs -o mode=0755,size=64m hzr-rootfs "$R"');
  L.push('mkdir -p "$R/usr" "$R/etc" "$R/proc" "$R/dev" "$R/sys" "$R/tmp" "$R/run" "$R/var/tmp" "$R/root" "$R/home" "$R/opt/hazelcast/bin/user-lib"');
  L.push('chmod 1777 "$R/tmp" "$R/var/tmp"');
  L.push('ln -s ../run "$R/var/run"');
  for (const top of ['bin', 'sbin', 'lib', 'lib64', 'lib32', 'libx32']) {
    const hp = `/${top}`;
    let st: fs.Stats | undefined;
    try { st = fs.lstatSync(hp); } catch { st = undefined; }
    if (!st) continue;
    if (st.isSymbolicLink()) L.push(`ln -s ${q(fs.readlinkSync(hp))} "$R/${top}"`);
    else L.push(`mkdir -p "$R/${top}" && mount --rbind ${hp} "$R/${top}" && mount -o remount,bind,ro "$R/${top}"`);
  }
  L.push('mount --rbind /usr "$R/usr" && mount -o remount,bind,ro "$R/usr"');
  L.push('mount --rbind /etc "$R/etc" && mount -o remount,bind,ro "$R/etc"');
  L.push('mount --rbind /proc "$R/proc"');
  L.push('mount --rbind /dev "$R/dev"');
  L.push('mount --rbind /sys "$R/sys" && mount -o remount,bind,ro "$R/sys"');
  const hier = cgroup ? cgroupV1Hierarchies() : null;
  if (hier && (!hier.memory.inRunnerView || !hier.cpu.inRunnerView)) {
    // the runner's /sys has no cgroup mounts (ip netns exec mounts a fresh sysfs): mount the hierarchies like a runtime
    L.push('mount -t tmpfs -o mode=0755,size=1m hzr-cgroup "$R/sys/fs/cgroup"');
    for (const h of hier.all.filter((x) => x.mountPoint.startsWith('/sys/fs/cgroup/'))) {
      L.push(`mkdir -p "$R"${q(h.mountPoint)} && mount -t cgroup -o ${q(h.options)} hzr-cgroup "$R"${q(h.mountPoint)} && mount -o remount,bind,ro "$R"${q(h.mountPoint)}`);
    }
  }
  L.push(`mount --bind ${q(hostsFile)} "$R/etc/hosts"`);
  L.push(`mount --bind ${q(path.join(etcDir, 'resolv.conf'))} "$R/etc/resolv.conf"`);
  L.push(`mount --bind ${q(path.join(etcDir, 'hostname'))} "$R/etc/hostname"`);
  for (const m of mounts) {
    const mp = canonicalMountPath(m.mountPath);
    if (/^\/(usr|etc|proc|sys|dev)(\/|$)/.test(mp) && !fs.existsSync(mp)) {
      throw new Error(`mountPath ${m.mountPath}: cannot create a mount point under the host's read-only /${mp.split('/')[1]}`);
    }
    const isDir = fs.statSync(m.hostPath).isDirectory();
    const target = `"$R"${q(mp)}`;
    L.push(isDir ? `mkdir -p ${target}` : `mkdir -p "$(dirname ${target})" && { [ -e ${target} ] || : > ${target}; }`);
    L.push(`mount --bind ${q(m.hostPath)} ${target}` + (m.readOnly ? ` && mount -o remount,bind,ro ${target}` : ''));
  }
  L.push(`hostname ${q(podHostname(pod))}`);
  if (sec.readOnlyRootFilesystem) L.push('mount -o remount,ro "$R"');
  const chrootUser = uid === 0 && gid === 0 && groups.length === 0 ? '' : ` --userspec=${uid}:${gid}` + (groups.length ? ` --groups=${groups.join(',')}` : '');
  L.push('cd /');
  L.push(`exec chroot${chrootUser} "$R" /bin/sh -c 'cd "$0" && exec "$@"' ${q(workDir)} ${javaArgv.map(q).join(' ')}`);
  fs.writeFileSync(script, L.join('\n') + '\n', { mode: 0o755 });

  // --- spawn
  const logFd = fs.openSync(o.logFile, 'a');
  const header = [
    `# ${new Date().toISOString()} member-runner: starting pod ${key} container ${c.name} podIP ${podIP} uid ${uid}:${gid} resources=${mode}`,
    ...warnings.map((w) => `# WARNING ${w}`),
    `# ${javaArgv.join(' ')}`,
    '',
  ].join('\n');
  fs.writeSync(logFd, header);
  let child: ChildProcess;
  try {
    child = spawn('/bin/sh', [script, 'outer'], { env, stdio: ['ignore', logFd, logFd], cwd: '/' });
  } finally {
    fs.closeSync(logFd);
  }
  const pid = child.pid;
  if (pid === undefined) {
    removeCgroup(cgroup);
    throw new Error(`failed to spawn member for ${key}`);
  }
  fs.writeFileSync(path.join(runDir, 'pid'), `${pid}\n`);
  const handle: MemberHandle = {
    pod, key, containerName: c.name, podIP, pid, child, logFile: o.logFile, runDir,
    startedAt: Date.now(), javaArgv, env, resourceMode: mode, warnings,
    exited: undefined as unknown as Promise<ExitInfo>,
  };
  handle.exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => {
      handle.exitInfo = { code, signal };
      removeCgroup(cgroup);
      try { fs.rmSync(path.join(runDir, 'pid'), { force: true }); } catch { /* ignore */ }
      try { fs.appendFileSync(o.logFile, `# ${new Date().toISOString()} member-runner: exited code=${code} signal=${signal}\n`); } catch { /* ignore */ }
      resolve({ code, signal });
    });
  });
  return handle;
}

export interface StopResult extends ExitInfo {
  /** ms from the signal to the exit */
  durationMs: number;
  /** true when the grace period ran out and SIGKILL was sent */
  killed: boolean;
}

function alive(h: MemberHandle): boolean {
  return h.exitInfo === undefined;
}

/** SIGTERM, wait up to gracePeriodSeconds, then SIGKILL (kubelet killContainer). */
export async function stopMember(h: MemberHandle, gracePeriodSeconds: number): Promise<StopResult> {
  const t0 = Date.now();
  h.stopRequested = true;
  if (!alive(h)) return { ...h.exitInfo!, durationMs: 0, killed: false };
  try { process.kill(h.pid, 'SIGTERM'); } catch { /* already gone */ }
  let killed = false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), Math.max(0, gracePeriodSeconds) * 1000); });
  const r = await Promise.race([h.exited, timeout]);
  clearTimeout(timer);
  if (r === 'timeout' && alive(h)) {
    killed = true;
    try { process.kill(h.pid, 'SIGKILL'); } catch { /* gone */ }
  }
  const info = await h.exited;
  return { ...info, durationMs: Date.now() - t0, killed };
}

/** SIGKILL now (the "member failure" scenario). */
export async function killMember(h: MemberHandle): Promise<StopResult> {
  const t0 = Date.now();
  h.stopRequested = true;
  if (alive(h)) { try { process.kill(h.pid, 'SIGKILL'); } catch { /* gone */ } }
  const info = await h.exited;
  return { ...info, durationMs: Date.now() - t0, killed: true };
}

/** Resolves with the first matching log line (searching from `fromOffset`), rejects on timeout or exit. */
export async function waitForLog(h: MemberHandle | string, pattern: RegExp, timeoutMs: number, fromOffset = 0): Promise<string> {
  const file = typeof h === 'string' ? h : h.logFile;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let text = '';
    try { text = fs.readFileSync(file, 'utf8').slice(fromOffset); } catch { /* not yet */ }
    const line = text.split('\n').find((l) => pattern.test(l));
    if (line !== undefined) return line;
    if (typeof h !== 'string' && h.exitInfo) throw new Error(`member ${h.key} exited (${JSON.stringify(h.exitInfo)}) before log matched ${pattern}`);
    if (Date.now() > deadline) throw new Error(`timeout after ${timeoutMs} ms waiting for ${pattern} in ${file}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Removes what startMember left on the host for an exited member (run dir only; logs stay). */
export function cleanupMember(h: MemberHandle): void {
  if (alive(h)) throw new Error(`member ${h.key} is still running (pid ${h.pid})`);
  fs.rmSync(h.runDir, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------
// kubectl
// ---------------------------------------------------------------------------------------------

/** Runs kubectl with args; resolves stdout, rejects with stderr on a non-zero exit. */
export type Kubectl = (args: string[], opts?: { input?: string; timeoutMs?: number }) => Promise<string>;

export function kubectlFromKubeconfig(kubeconfig: string, bin = 'kubectl'): Kubectl {
  return (args, opts = {}) => new Promise((resolve, reject) => {
    const p = spawn(bin, [`--kubeconfig=${kubeconfig}`, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const t = setTimeout(() => { p.kill('SIGKILL'); }, opts.timeoutMs ?? 30000);
    p.stdout.on('data', (d: Buffer) => out.push(d));
    p.stderr.on('data', (d: Buffer) => err.push(d));
    p.on('error', (e) => { clearTimeout(t); reject(e); });
    p.on('close', (code) => {
      clearTimeout(t);
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new Error(`kubectl ${args.join(' ')} failed (${code}): ${Buffer.concat(err).toString('utf8').trim()}`));
    });
    // kubectl may exit before it reads stdin (EPIPE): its exit code, not the pipe, tells the outcome.
    p.stdin.on('error', () => undefined);
    p.stdin.end(opts.input ?? '');
  });
}

// ---------------------------------------------------------------------------------------------
// PodRunner: the kubelet loop for one fake node
// ---------------------------------------------------------------------------------------------

export interface RunnerEvent { time: number; type: string; pod: string; container?: string; message: string }

export interface PodRunnerOptions {
  /** kubectl function, or a kubeconfig path (admin credentials: the runner plays the node). */
  kubectl: Kubectl | { kubeconfig: string; bin?: string };
  /** The fake node whose pods the runner starts. */
  nodeName: string;
  jarPath: string;
  javaHome?: string;
  /** Per-pod run dirs, volumes and logs go below this directory. */
  workDir: string;
  apiServerIP: string;
  apiServerPort?: number;
  netns?: string;
  pollMs?: number;
  /** Which containers are Hazelcast members (default: image contains "hazelcast"). Others are ignored. */
  imageFilter?: RegExp;
  /** CA for ca.crt if a projected configMap source (kube-root-ca.crt) cannot be read. */
  caPem?: string;
  resources?: ResourceMode;
  defaultMemoryLimit?: string | null;
  honorRunAsUser?: boolean;
  defaultUser?: { uid: number; gid: number };
  extraJavaOpts?: string[];
  /** Finish deletion like a kubelet: `kubectl delete pod --grace-period=0 --force` after the member stopped (default true). */
  finalizeDeletion?: boolean;
  /** Restart exited members per restartPolicy with kubelet back-off 10 s doubling to 300 s (default true). */
  restart?: boolean;
  /** A pod that could not be started (e.g. its ConfigMap does not exist yet) is retried after this long (default 5000 ms). */
  retryFailedMs?: number;
  onEvent?: (e: RunnerEvent) => void;
}

interface ContainerState {
  name: string;
  handle?: MemberHandle;
  restarts: number;
  backoffTimer?: NodeJS.Timeout;
}

interface PodState {
  uid: string;
  key: string;
  pod: Pod;
  phase: 'starting' | 'running' | 'terminating' | 'done' | 'failed';
  containers: Map<string, ContainerState>;
  podDir: string;
  mounts: Map<string, HostMount[]>;
  envContext?: EnvContext;
  tokenTimers: NodeJS.Timeout[];
  finalized?: boolean;
  termination?: Promise<void>;
}

export class PodRunner {
  readonly events: RunnerEvent[] = [];
  private readonly kubectl: Kubectl;
  private readonly pods = new Map<string, PodState>();
  private timer?: NodeJS.Timeout;
  private ticking = false;
  private stopped = true;

  constructor(private readonly o: PodRunnerOptions) {
    this.kubectl = typeof o.kubectl === 'function' ? o.kubectl : kubectlFromKubeconfig(o.kubectl.kubeconfig, o.kubectl.bin);
    fs.mkdirSync(path.join(o.workDir, 'logs'), { recursive: true });
  }

  /** Log file of a pod's container (per pod, appended across restarts). */
  logFile(pod: Pod | { namespace: string; name: string }, container = 'hazelcast'): string {
    const ns = 'metadata' in pod ? (pod.metadata.namespace ?? 'default') : pod.namespace;
    const name = 'metadata' in pod ? pod.metadata.name : pod.name;
    return path.join(this.o.workDir, 'logs', `${sanitize(ns)}_${sanitize(name)}_${sanitize(container)}.log`);
  }

  /** Running member handles by "ns/name". */
  members(): Map<string, MemberHandle[]> {
    const m = new Map<string, MemberHandle[]>();
    for (const st of this.pods.values()) {
      const hs = [...st.containers.values()].map((c) => c.handle).filter((h): h is MemberHandle => !!h && !h.exitInfo);
      if (hs.length) m.set(st.key, hs);
    }
    return m;
  }

  /** Member handle of a pod by namespace/name (current one, possibly exited). */
  member(namespace: string, name: string, container?: string): MemberHandle | undefined {
    for (const st of this.pods.values()) {
      if (st.key !== `${namespace}/${name}`) continue;
      for (const c of st.containers.values()) if (!container || c.name === container) return c.handle;
    }
    return undefined;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const loop = async () => {
      if (this.stopped) return;
      await this.tick();
      if (!this.stopped) this.timer = setTimeout(loop, this.o.pollMs ?? 500);
    };
    void loop();
  }

  /** Stops watching; members keep running. */
  stopWatching(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /**
   * Stops watching, stops every member (SIGTERM, then SIGKILL after the pod's grace period or
   * `graceSeconds`), removes run dirs and cgroups. Does not touch the API.
   */
  async shutdown(graceSeconds?: number): Promise<void> {
    this.stopWatching();
    while (this.ticking) await new Promise((r) => setTimeout(r, 50));
    await Promise.all([...this.pods.values()].map((st) => this.terminate(st, graceSeconds, false)));
    removeCgroupParents();
  }

  private emit(type: string, pod: string, message: string, container?: string): void {
    const e: RunnerEvent = { time: Date.now(), type, pod, container, message };
    this.events.push(e);
    try { this.o.onEvent?.(e); } catch { /* ignore */ }
  }

  /** One reconcile pass (exposed for tests). */
  async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      let list: { items: Pod[] };
      try {
        list = JSON.parse(await this.kubectl(['get', 'pods', '-A', '-o', 'json', `--field-selector=spec.nodeName=${this.o.nodeName}`]));
      } catch (e) {
        this.emit('error', '-', `listing pods: ${(e as Error).message}`);
        return;
      }
      const seen = new Set<string>();
      for (const pod of list.items) {
        const uid = pod.metadata.uid ?? podKey(pod);
        seen.add(uid);
        const st = this.pods.get(uid);
        if (st) st.pod = pod;
        if (pod.metadata.deletionTimestamp) {
          if (!st) {
            // never ran here: nothing to stop, finish the deletion
            const s: PodState = this.newState(uid, pod);
            s.phase = 'terminating';
            this.pods.set(uid, s);
            s.termination = this.terminate(s, undefined, this.o.finalizeDeletion ?? true);
          } else if (st.phase === 'starting' || st.phase === 'running' || st.phase === 'failed') {
            st.termination = this.terminate(st, undefined, this.o.finalizeDeletion ?? true);
          }
          continue;
        }
        if (!st && pod.status?.phase === 'Running' && pod.status.podIP) {
          const s = this.newState(uid, pod);
          this.pods.set(uid, s);
          void this.startPod(s);
        }
      }
      for (const [uid, st] of this.pods) {
        if (seen.has(uid)) continue;
        if (st.phase === 'done') { this.pods.delete(uid); continue; }
        if (st.phase !== 'terminating') {
          this.emit('gone', st.key, 'pod disappeared from the API: stopping its members');
          st.termination = this.terminate(st, undefined, false).then(() => { this.pods.delete(uid); });
        }
      }
    } finally {
      this.ticking = false;
    }
  }

  private newState(uid: string, pod: Pod): PodState {
    return {
      uid, key: podKey(pod), pod, phase: 'starting', containers: new Map(), mounts: new Map(), tokenTimers: [],
      podDir: path.join(this.o.workDir, 'pods', sanitize(`${pod.metadata.namespace ?? 'default'}_${pod.metadata.name}_${uid.slice(0, 8)}`)),
    };
  }

  private memberContainers(pod: Pod): Container[] {
    const f = this.o.imageFilter ?? /hazelcast/;
    return pod.spec.containers.filter((c) => f.test(c.image ?? ''));
  }

  private async startPod(st: PodState): Promise<void> {
    const pod = st.pod;
    try {
      const containers = this.memberContainers(pod);
      if (containers.length === 0) {
        this.emit('skip', st.key, 'no container image matches the member image filter');
        st.phase = 'running';
        return;
      }
      for (const c of pod.spec.containers) {
        if (!containers.includes(c)) this.emit('skip', st.key, `container ${c.name} (${c.image}) is not a Hazelcast member: not run`, c.name);
      }
      st.envContext = await this.fetchEnvContext(pod, containers);
      if (st.phase !== 'starting') return;
      fs.mkdirSync(st.podDir, { recursive: true });
      await this.materializeVolumes(st, containers);
      if (st.phase !== 'starting') {
        // deleted while its volumes were being prepared: terminate() already ran
        for (const t of st.tokenTimers) clearTimeout(t);
        fs.rmSync(st.podDir, { recursive: true, force: true });
        return;
      }
      for (const c of containers) st.containers.set(c.name, { name: c.name, restarts: 0 });
      st.phase = 'running';
      for (const c of containers) await this.startContainer(st, c.name);
    } catch (e) {
      this.failed(st, `cannot start: ${(e as Error).message}`);
    }
  }

  /** Like a kubelet that keeps retrying a pod it cannot set up: forget it, the next tick after the delay starts over. */
  private failed(st: PodState, message: string, container?: string): void {
    if (st.phase !== 'starting' && st.phase !== 'running') return;
    st.phase = 'failed';
    this.emit('error', st.key, `${message} (retrying in ${(this.o.retryFailedMs ?? 5000) / 1000}s)`, container);
    for (const t of st.tokenTimers) clearTimeout(t);
    const t = setTimeout(() => {
      if (st.phase !== 'failed' || this.pods.get(st.uid) !== st) return;
      const running = [...st.containers.values()].some((c) => c.handle && !c.handle.exitInfo);
      if (running) return;
      fs.rmSync(st.podDir, { recursive: true, force: true });
      this.pods.delete(st.uid);
    }, this.o.retryFailedMs ?? 5000);
    t.unref();
  }

  private async startContainer(st: PodState, name: string): Promise<void> {
    const cs = st.containers.get(name)!;
    if (st.phase !== 'running') return;
    const logFile = this.logFile(st.pod, name);
    try {
      const h = await startMember({
        pod: st.pod, containerName: name, jarPath: this.o.jarPath, javaHome: this.o.javaHome, logFile,
        runDir: path.join(st.podDir, `run-${sanitize(name)}`), apiServerIP: this.o.apiServerIP,
        apiServerPort: this.o.apiServerPort, mounts: st.mounts.get(name) ?? [], envContext: st.envContext,
        netns: this.o.netns, resources: this.o.resources, defaultMemoryLimit: this.o.defaultMemoryLimit,
        honorRunAsUser: this.o.honorRunAsUser, defaultUser: this.o.defaultUser, extraJavaOpts: this.o.extraJavaOpts,
      });
      cs.handle = h;
      this.emit('started', st.key, `pid ${h.pid} podIP ${h.podIP} resources=${h.resourceMode}${h.warnings.length ? ' warnings: ' + h.warnings.join('; ') : ''}`, name);
      void h.exited.then((info) => this.onExit(st, cs, h, info));
    } catch (e) {
      this.failed(st, `container ${name}: ${(e as Error).message}`, name);
    }
  }

  private onExit(st: PodState, cs: ContainerState, h: MemberHandle, info: ExitInfo): void {
    this.emit('exited', st.key, `pid ${h.pid} code=${info.code} signal=${info.signal}${h.stopRequested ? ' (signalled by the runner)' : ''}`, cs.name);
    if (h.stopRequested && st.phase !== 'running') return;
    if (st.phase !== 'running' || this.stopped || !(this.o.restart ?? true)) return;
    const policy = st.pod.spec.restartPolicy ?? 'Always';
    const failed = info.code !== 0;
    if (policy === 'Never' || (policy === 'OnFailure' && !failed)) return;
    const ranMs = Date.now() - h.startedAt;
    if (ranMs > 10 * 60 * 1000) cs.restarts = 0;
    const delay = Math.min(300, 10 * 2 ** cs.restarts) * 1000;
    cs.restarts++;
    this.emit('backoff', st.key, `restarting in ${delay / 1000}s (restart #${cs.restarts}, policy ${policy})`, cs.name);
    cs.backoffTimer = setTimeout(() => { cs.backoffTimer = undefined; void this.startContainer(st, cs.name); }, delay);
  }

  private terminate(st: PodState, graceOverride: number | undefined, finalize: boolean): Promise<void> {
    if (st.termination && st.phase === 'terminating') return st.termination;
    st.phase = 'terminating';
    const p = (async () => {
      for (const t of st.tokenTimers) clearTimeout(t);
      const grace = graceOverride ?? st.pod.metadata.deletionGracePeriodSeconds ?? st.pod.spec.terminationGracePeriodSeconds ?? 30;
      await Promise.all([...st.containers.values()].map(async (cs) => {
        if (cs.backoffTimer) clearTimeout(cs.backoffTimer);
        const h = cs.handle;
        if (!h || h.exitInfo) return;
        this.emit('stopping', st.key, `SIGTERM pid ${h.pid}, grace ${grace}s`, cs.name);
        const r = await stopMember(h, grace);
        this.emit('stopped', st.key, `code=${r.code} signal=${r.signal} in ${r.durationMs} ms${r.killed ? ' (SIGKILL after grace period)' : ''}`, cs.name);
      }));
      fs.rmSync(st.podDir, { recursive: true, force: true });
      if (finalize && !st.finalized) {
        st.finalized = true;
        const ns = st.pod.metadata.namespace ?? 'default';
        try {
          await this.kubectl(['delete', 'pod', st.pod.metadata.name, '-n', ns, '--grace-period=0', '--force', '--wait=false', '--ignore-not-found']);
          this.emit('deleted', st.key, 'pod deletion finalized (grace 0, force)');
        } catch (e) {
          this.emit('error', st.key, `finalizing deletion: ${(e as Error).message}`);
        }
      }
      st.phase = 'done';
    })();
    st.termination = p;
    return p;
  }

  // --- data the kubelet reads from the API

  private async getJSON<T>(args: string[]): Promise<T | undefined> {
    try {
      return JSON.parse(await this.kubectl([...args, '-o', 'json'])) as T;
    } catch (e) {
      if (/NotFound|not found/i.test((e as Error).message)) return undefined;
      throw e;
    }
  }

  private async fetchEnvContext(pod: Pod, containers: Container[]): Promise<EnvContext> {
    const ns = pod.metadata.namespace ?? 'default';
    const cmNames = new Set<string>();
    const secretNames = new Set<string>();
    for (const c of containers) {
      for (const e of c.env ?? []) {
        if (e.valueFrom?.configMapKeyRef?.name) cmNames.add(e.valueFrom.configMapKeyRef.name);
        if (e.valueFrom?.secretKeyRef?.name) secretNames.add(e.valueFrom.secretKeyRef.name);
      }
      for (const ef of c.envFrom ?? []) {
        if (ef.configMapRef) cmNames.add(ef.configMapRef.name);
        if (ef.secretRef) secretNames.add(ef.secretRef.name);
      }
    }
    const ctx: EnvContext = { configMaps: {}, secrets: {} };
    for (const n of cmNames) {
      const cm = await this.getJSON<{ data?: Record<string, string> }>(['get', 'configmap', n, '-n', ns]);
      if (cm) ctx.configMaps![n] = cm.data ?? {};
    }
    for (const n of secretNames) {
      const s = await this.getJSON<{ data?: Record<string, string> }>(['get', 'secret', n, '-n', ns]);
      if (s) ctx.secrets![n] = Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
    }
    const svcs = await this.getJSON<{ items: Service[] }>(['get', 'services', '-n', ns]);
    ctx.services = (svcs?.items ?? []).filter((s) => s.metadata.name !== 'kubernetes' || ns !== 'default');
    ctx.kubernetesService = { host: this.o.apiServerIP, port: this.o.apiServerPort ?? 443 };
    if (pod.spec.nodeName) {
      const node = await this.getJSON<{ status?: { allocatable?: ResourceList } }>(['get', 'node', pod.spec.nodeName]);
      ctx.nodeAllocatable = node?.status?.allocatable;
    }
    return ctx;
  }

  private writeFile(file: string, content: string | Buffer, mode: number, gid?: number): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, content, { mode });
    fs.chmodSync(tmp, mode);
    if (gid !== undefined) fs.chownSync(tmp, 0, gid);
    fs.renameSync(tmp, file);
  }

  private async keyedFiles(kind: 'configmap' | 'secret', ns: string, name: string, items: KeyToPath[] | undefined, optional: boolean | undefined): Promise<Array<{ path: string; content: Buffer; mode?: number }> | undefined> {
    const obj = await this.getJSON<{ data?: Record<string, string>; binaryData?: Record<string, string> }>(['get', kind, name, '-n', ns]);
    if (!obj) {
      if (optional) return [];
      throw new Error(`${kind} "${name}" not found (namespace ${ns})`);
    }
    const data: Record<string, Buffer> = {};
    for (const [k, v] of Object.entries(obj.data ?? {})) data[k] = kind === 'secret' ? Buffer.from(v, 'base64') : Buffer.from(v, 'utf8');
    for (const [k, v] of Object.entries(obj.binaryData ?? {})) data[k] = Buffer.from(v, 'base64');
    if (!items) return Object.entries(data).map(([k, v]) => ({ path: k, content: v }));
    const out: Array<{ path: string; content: Buffer; mode?: number }> = [];
    for (const it of items) {
      if (!(it.key in data)) {
        if (optional) continue;
        throw new Error(`${kind} ${ns}/${name} has no key ${it.key}`);
      }
      out.push({ path: it.path, content: data[it.key]!, mode: it.mode });
    }
    return out;
  }

  private async createToken(pod: Pod, audience: string | undefined, seconds: number): Promise<string> {
    const ns = pod.metadata.namespace ?? 'default';
    const sa = pod.spec.serviceAccountName ?? 'default';
    const args = ['create', 'token', sa, '-n', ns, '--bound-object-kind=Pod', `--bound-object-name=${pod.metadata.name}`,
      `--bound-object-uid=${pod.metadata.uid ?? ''}`, `--duration=${seconds}s`];
    if (audience) args.push(`--audience=${audience}`);
    return (await this.kubectl(args)).trim();
  }

  /** Materialises the volumes the member containers mount (kubelet volume plugins, host side). */
  private async materializeVolumes(st: PodState, containers: Container[]): Promise<void> {
    const pod = st.pod;
    const ns = pod.metadata.namespace ?? 'default';
    const fsGroup = pod.spec.securityContext?.fsGroup;
    const used = new Set(containers.flatMap((c) => (c.volumeMounts ?? []).map((m) => m.name)));
    const volDirs = new Map<string, string>();
    for (const v of pod.spec.volumes ?? []) {
      if (!used.has(v.name)) continue;
      const dir = path.join(st.podDir, 'volumes', sanitize(v.name));
      fs.mkdirSync(dir, { recursive: true });
      volDirs.set(v.name, dir);
      if (v.emptyDir) {
        fs.chmodSync(dir, 0o777);
        if (fsGroup !== undefined) { fs.chownSync(dir, 0, fsGroup); fs.chmodSync(dir, 0o2777); }
      } else if (v.configMap || v.secret) {
        const kind = v.configMap ? 'configmap' : 'secret';
        const name = v.configMap ? v.configMap.name : v.secret!.secretName;
        const src = (v.configMap ?? v.secret)!;
        const files = (await this.keyedFiles(kind, ns, name, src.items, src.optional)) ?? [];
        for (const f of files) this.writeFile(path.join(dir, f.path), f.content, f.mode ?? src.defaultMode ?? 0o644, fsGroup);
      } else if (v.projected || v.downwardAPI) {
        const sources: VolumeProjection[] = v.projected ? v.projected.sources : [{ downwardAPI: v.downwardAPI }];
        const defMode = (v.projected ?? v.downwardAPI)!.defaultMode ?? 0o644;
        for (const s of sources) {
          if (s.serviceAccountToken) {
            const t = s.serviceAccountToken;
            const seconds = t.expirationSeconds ?? 3607;
            const file = path.join(dir, t.path);
            this.writeFile(file, await this.createToken(pod, t.audience, seconds), defMode, fsGroup);
            // kubelet refreshes at 80 % of the TTL
            const refresh = () => {
              const timer = setTimeout(async () => {
                if (st.phase === 'terminating' || st.phase === 'done') return;
                try {
                  this.writeFile(file, await this.createToken(pod, t.audience, seconds), defMode, fsGroup);
                  this.emit('token', st.key, `refreshed ${t.path}`);
                } catch (e) { this.emit('error', st.key, `token refresh: ${(e as Error).message}`); }
                refresh();
              }, seconds * 800);
              timer.unref();
              st.tokenTimers.push(timer);
            };
            refresh();
          } else if (s.configMap || s.secret) {
            const kind = s.configMap ? 'configmap' : 'secret';
            const src = (s.configMap ?? s.secret)!;
            let files = await this.keyedFiles(kind, ns, src.name, src.items, src.optional).catch((e: Error) => {
              if (kind === 'configmap' && src.name === 'kube-root-ca.crt' && this.o.caPem) return undefined;
              throw e;
            });
            if (files === undefined && this.o.caPem) files = [{ path: 'ca.crt', content: Buffer.from(this.o.caPem) }];
            for (const f of files ?? []) this.writeFile(path.join(dir, f.path), f.content, f.mode ?? defMode, fsGroup);
          } else if (s.downwardAPI) {
            for (const it of s.downwardAPI.items ?? []) {
              const value = it.fieldRef ? fieldRefValue(pod, it.fieldRef.fieldPath)
                : it.resourceFieldRef ? resourceFieldValue(pod, containers[0]!.name, it.resourceFieldRef, st.envContext?.nodeAllocatable)
                  : '';
              this.writeFile(path.join(dir, it.path), value, it.mode ?? defMode, fsGroup);
            }
          } else {
            throw new Error(`volume ${v.name}: unsupported projected source ${JSON.stringify(Object.keys(s))}`);
          }
        }
      } else {
        const kind = Object.keys(v).filter((k) => k !== 'name');
        throw new Error(`volume ${v.name}: unsupported volume type ${JSON.stringify(kind)} (supported: emptyDir, configMap, secret, projected, downwardAPI)`);
      }
    }
    for (const c of containers) {
      const mounts: HostMount[] = [];
      for (const m of c.volumeMounts ?? []) {
        const dir = volDirs.get(m.name);
        if (!dir) throw new Error(`container ${c.name}: volumeMount ${m.name} has no volume`);
        if (m.subPathExpr) throw new Error(`container ${c.name}: subPathExpr is not supported`);
        const hostPath = m.subPath ? path.join(dir, m.subPath) : dir;
        if (m.subPath && !fs.existsSync(hostPath)) fs.mkdirSync(hostPath, { recursive: true });
        mounts.push({ hostPath, mountPath: m.mountPath, readOnly: m.readOnly || !!(pod.spec.volumes ?? []).find((v) => v.name === m.name && (v.projected || v.secret || v.configMap || v.downwardAPI)) });
      }
      st.mounts.set(c.name, mounts);
    }
  }
}
