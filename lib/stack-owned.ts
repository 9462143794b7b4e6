// What the stack owns in the member, in one place. A member-config path the stack decides is refused wherever a
// user could set it: in `config` at that path (config-rules.ts), and as the overrides Hazelcast derives from the
// same path, the system property `hz.<path>` in `jvmOptions` and the env `HZ_<PATH>` (dots to '_', dashes dropped,
// upper case) in `env` (member-env.ts). The Hazelcast properties the stack passes as -D options are the second
// table: refused in `config.properties` and in `jvmOptions`.

/** Member-config paths (dot-separated, under `hazelcast`) that the stack sets, with the prop that decides each. */
export const STACK_OWNED_SECTIONS: { readonly [path: string]: string } = {
  'cluster-name': 'the clusterName prop',
  'network.port': 'the port prop (the Service, the container port and the probes follow it)',
  'network.join': 'the stack: Kubernetes discovery by the Service named after the name prop (HZ_NETWORK_JOIN_* env)',
  'network.rest-api': 'the stack: the readiness and liveness probes need its health-check endpoints',
  'advanced-network': 'the port prop (advanced-network replaces the network section the stack configures, probes included)',
};

/** Paths that `config` decides and the stack passes on as env: `config` may set them, overrides may not. */
const CONFIG_DECIDED: { readonly [path: string]: string } = {
  'jet.enabled': 'config.jet (enabled, resource-upload-enabled)',
  'jet.resource-upload-enabled': 'config.jet (enabled, resource-upload-enabled)',
};

/** The Kubernetes discovery plugin's own overrides, which are not config paths. */
const DISCOVERY_OVERRIDES = { property: 'hazelcast.kubernetes.', env: 'HAZELCAST_KUBERNETES_', decider: STACK_OWNED_SECTIONS['network.join'] };

/**
 * Hazelcast properties the stack sets itself (as -D JVM options), with what decides each: neither
 * `config.properties` nor `jvmOptions` may set them.
 */
export const STACK_PROPERTIES: { readonly [property: string]: string } = {
  'hazelcast.shutdownhook.policy': 'the gracefulShutdownTimeout prop',
  'hazelcast.shutdownhook.enabled': 'the gracefulShutdownTimeout prop (members must hand over on SIGTERM)',
  'hazelcast.graceful.shutdown.max.wait': 'the gracefulShutdownTimeout prop',
  'hazelcast.config': 'the config prop',
  'hazelcast.jmx': 'the metrics prop',
  'hazelcast.wait.seconds.before.join': 'the stack (tuned for Kubernetes discovery)',
};

const envOf = (path: string) => `HZ_${path.replace(/-/g, '').replace(/\./g, '_').toUpperCase()}`;
const owned = () => Object.entries({ ...STACK_OWNED_SECTIONS, ...CONFIG_DECIDED });

/** What decides the member setting a system property `-D<property>` overrides, if the stack owns it. */
export function propertyOwner(property: string): string | undefined {
  if (property.startsWith(DISCOVERY_OVERRIDES.property)) return DISCOVERY_OVERRIDES.decider;
  return owned().find(([path]) => property === `hz.${path}` || property.startsWith(`hz.${path}.`))?.[1];
}

/** What decides the member setting an env var overrides, if the stack owns it. */
export function envOwner(name: string): string | undefined {
  if (name.startsWith(DISCOVERY_OVERRIDES.env)) return DISCOVERY_OVERRIDES.decider;
  return owned().find(([path]) => name === envOf(path) || name.startsWith(`${envOf(path)}_`))?.[1];
}
