// The member container's environment: what the stack sets (DNS domain, cluster name, port, discovery, REST API,
// JAVA_OPTS with heap and shutdown), then the user's `env`, which cannot replace any of it.
import * as k8s from '../imports/k8s';
import { ClusterSettings } from './settings';
import { CONFIG_DIR } from './pod-settings';
import { discoveryEnv, zoneAwareEnv } from './discovery';
import { externalAccessEnv } from './member-services';
import { JOIN_WAIT_PROPERTY, PARTITION_COUNT_PROPERTY } from './hazelcast-config';
import { STACK_PROPERTIES, envOwner, propertyOwner } from './stack-owned';
import { ipFamilyJvmOptions } from './ip-families';
import { checkEnvName, checkToken, show } from './validation';

/** JVM options: the stack's (heap, join wait, shutdown, config file, JMX), then the checked `jvmOptions`. */
export function memberJvmOptions(s: ClusterSettings): string[] {
  const jvmOptions = [
    `-Xms${s.heapMiB}m`,
    `-Xmx${s.heapMiB}m`,
    // The first member of a new cluster waits this long for peers before it founds the cluster alone (Hazelcast:
    // 5 s). Discovery lists every pod of the Deployment at once, so 2 s is enough (npm run bench:cluster; the
    // e2e cold-start scenario checks that exactly one member founds the cluster).
    `-D${JOIN_WAIT_PROPERTY}=2`,
    // Stopping members hand their partitions over before they leave instead of dropping them.
    '-Dhazelcast.shutdownhook.policy=GRACEFUL',
    `-Dhazelcast.graceful.shutdown.max.wait=${s.shutdownSeconds}`,
    ...(s.memberConfig !== undefined ? [`-Dhazelcast.config=${CONFIG_DIR}/hazelcast.yaml`] : []),
    ...(s.metricsPort !== undefined ? ['-Dhazelcast.jmx=true'] : []),
    ...ipFamilyJvmOptions(s.ipFamilies),
  ];
  for (const option of s.userJvmOptions) {
    checkToken('jvmOptions', option, 'one JVM option');
    if (!option.startsWith('-')) {
      throw new Error(`'jvmOptions' entry ${show(option)} must be one option starting with '-': anything else becomes the JVM's main class`);
    }
    if (/^-Xm[sxn]|^-XX:(Max|Min|Initial)RAMPercentage|^-XX:(Max|Initial|Min)HeapSize|^-XX:MaxNewSize/.test(option)) {
      throw new Error(`'jvmOptions' (${show(option)}) sizes the heap, which 'heapSize' decides; set heapSize instead`);
    }
    const property = /^-D([^=]+)(=|$)/.exec(option)?.[1];
    if (property === PARTITION_COUNT_PROPERTY) {
      throw new Error(`'jvmOptions' (${show(option)}) sets the partition count: set it in config.properties, where the stack checks it against 'replicas'`);
    }
    if (property !== undefined && property in STACK_PROPERTIES) {
      throw new Error(`'jvmOptions' (${show(option)}) is set by the stack; it follows ${STACK_PROPERTIES[property]}`);
    }
    const owner = property !== undefined ? propertyOwner(property) : undefined;
    if (owner !== undefined) {
      throw new Error(`'jvmOptions' (${show(option)}) overrides what the stack sets; it follows ${owner}`);
    }
    jvmOptions.push(option);
  }
  return jvmOptions;
}

/**
 * Jet on or off, and resource upload, as `config.jet` decides (off by default). As env they override the image's
 * own config (which turns both on) when no `config` is given, and agree with the ConfigMap when one is.
 */
function jetEnv(s: ClusterSettings): k8s.EnvVar[] {
  const jet = s.jet;
  return [
    { name: 'HZ_JET_ENABLED', value: String(jet.enabled) },
    { name: 'HZ_JET_RESOURCEUPLOADENABLED', value: String(jet.resourceUpload) },
  ];
}

/** The member container's env list. */
export function memberEnv(s: ClusterSettings, serviceName: string): k8s.EnvVar[] {
  const env: k8s.EnvVar[] = [
    { name: 'DNS_DOMAIN', value: s.dnsDomain },
    { name: 'HZ_CLUSTERNAME', value: s.clusterName },
    { name: 'HZ_NETWORK_PORT_PORT', value: String(s.port) },
    { name: 'HZ_NETWORK_PORT_AUTOINCREMENT', value: 'false' },
    ...discoveryEnv(serviceName),
    ...externalAccessEnv(s),
    { name: 'HZ_NETWORK_RESTAPI_ENABLED', value: 'true' },
    { name: 'HZ_NETWORK_RESTAPI_ENDPOINTGROUPS_HEALTHCHECK_ENABLED', value: 'true' },
    ...(s.zoneAware ? zoneAwareEnv() : []),
    ...jetEnv(s),
    ...(s.metricsPort !== undefined ? [{ name: 'PROMETHEUS_PORT', value: String(s.metricsPort) }] : []),
    ...(s.loggingLevel !== undefined ? [{ name: 'LOGGING_LEVEL', value: s.loggingLevel }] : []),
    ...(s.pod.userCodeEnv ? [s.pod.userCodeEnv] : []),
    { name: 'JAVA_OPTS', value: memberJvmOptions(s).join(' ') },
  ];
  const stackNames = new Set(env.map((e) => e.name));
  const userEnv: Array<[string, k8s.EnvVar]> = [
    ...Object.entries(s.userEnv).map(([name, value]): [string, k8s.EnvVar] => {
      checkEnvName('env', name);
      if (typeof value !== 'string') throw new Error(`'env' ${show(name)} (${show(value)}) must be a string; a Secret or ConfigMap key goes in 'envValueFrom'`);
      return ['env', { name, value }];
    }),
    ...s.platform.envFromSources.map((e): [string, k8s.EnvVar] => ['envValueFrom', e]),
  ];
  for (const [prop, e] of userEnv) {
    if (stackNames.has(e.name)) {
      throw new Error(`'${prop}' ${show(e.name)} is set by the stack; use the prop that decides it`);
    }
    const owner = envOwner(e.name);
    if (owner !== undefined) {
      throw new Error(`'${prop}' ${show(e.name)} overrides what the stack sets; it follows ${owner}`);
    }
    if (env.some((x) => x.name === e.name)) throw new Error(`'${prop}' ${show(e.name)} is given in both 'env' and 'envValueFrom'`);
    env.push(e);
  }
  return env;
}
