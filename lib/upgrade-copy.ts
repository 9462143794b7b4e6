// The data move of a blue/green upgrade as a Kubernetes Job (docs/how-to/upgrade.md). Its pod runs the program of
// upgrade-copy/ (built by `npm run build:upgrade-copy`, shipped in an image of the user's, as userCode jars are) in
// the new cluster's own Hazelcast image: it copies each map and queue from the old cluster, starts a stream per map
// that follows the old map's event journal, and is Ready once every stream runs. It stays until its pod is deleted
// (the user removes the upgrade from the app, with the old cluster), then waits for the old cluster to be gone,
// cancels the streams and exits. The Job never starts a second pod: a copy must not run twice by accident.
import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import { validateWithApiSchema } from './api-schema';
import { refuseObjectCollisions } from './collisions';
import { HazelcastCluster } from './hazelcast-cluster';
import { jetSettings } from './hazelcast-config';
import { checkImageReference } from './kubernetes-rules';
import { RESTRICTED_CONTAINER } from './pod-extras';
import { standardLabels } from './names';
import { jarCopyContainer } from './user-code';
import { checkDns1035Label, checkInteger, show } from './validation';

/** The copy program's main class (upgrade-copy/src/main/java). */
export const UPGRADE_COPY_MAIN_CLASS = 'hazelcastk8s.upgrade.UpgradeCopy';
/** Where the Job's container sees the copy jar, copied there from `image`. */
export const UPGRADE_COPY_DIR = '/data/upgrade-copy';
/** The port the copy program listens on once every stream is RUNNING (the pod's readiness). */
export const UPGRADE_COPY_READY_PORT = 8080;
/** Where the Hazelcast images (the official one and the e2e one) keep their jars. */
export const HAZELCAST_IMAGE_LIB = '/opt/hazelcast/lib';
/** Time the copy pod has, beyond the old members' own shutdown, to see them gone and cancel the streams. */
const STOP_MARGIN_SECONDS = 60;

export interface HazelcastUpgradeCopyProps {
  /** The cluster being replaced. Each of `maps` needs its event journal there (`withUpgradeJournal`). */
  readonly oldCluster: HazelcastCluster;
  /**
   * The new cluster, beside `oldCluster` (`blueGreenProps(oldCluster)`), with Jet on (`config: { jet: { enabled: true } }`):
   * the copy and the streams run as Jet jobs on its members.
   */
  readonly newCluster: HazelcastCluster;
  /** The maps to move: each is copied once, then its journal on `oldCluster` is followed until it is gone. */
  readonly maps: string[];
  /**
   * Queues to copy once, their items in order, not taken (no journal: right only while nothing offers to or polls them).
   * @default - none
   */
  readonly queues?: string[];
  /**
   * The image with the copy jar (`npm run build:upgrade-copy`, then upgrade-copy/Dockerfile) under `/jars`, and a
   * `cp`. Its files must be readable by the pod's user.
   */
  readonly image: string;
  /**
   * Seconds the copy waits, once the old cluster is unreachable, for the streams to write what they read last.
   * @default 5
   */
  readonly drainSeconds?: number;
}

/**
 * The Job that moves the data of `oldCluster` to `newCluster` in a blue/green upgrade. Apply it with the new cluster (or after);
 * wait until its pod is Ready (`kubectl wait --for=condition=Ready pod -l job-name=<to>-upgrade-copy`); switch
 * the clients; then remove it together with `oldCluster`.
 */
export class HazelcastUpgradeCopy extends Construct {
  public readonly job: k8s.KubeJob;

  constructor(scope: Construct, id: string, props: HazelcastUpgradeCopyProps) {
    super(scope, id);
    if (props === null || typeof props !== 'object') throw new Error(`HazelcastUpgradeCopy props (${show(props)}) must be an object with oldCluster, newCluster, maps and image`);
    const { oldCluster: from, newCluster: to } = props;
    if (!(from instanceof HazelcastCluster) || !(to instanceof HazelcastCluster)) {
      throw new Error(`HazelcastUpgradeCopy 'oldCluster' and 'newCluster' must be HazelcastCluster constructs; got ${show(typeof from)} and ${show(typeof to)}`);
    }
    checkUpgradePair(from, to);
    validateWithApiSchema(this);
    refuseObjectCollisions(this);
    checkImageReference('HazelcastUpgradeCopy image', props.image);
    const maps = checkNames('maps', props.maps);
    const queues = checkNames('queues', props.queues ?? []);
    if (maps.length === 0) throw new Error('HazelcastUpgradeCopy maps is empty: name each map the upgrade moves');
    for (const map of maps) {
      const journal = from.config?.map?.[map]?.eventJournal;
      if (journal?.enabled !== true) {
        throw new Error(`HazelcastUpgradeCopy maps: ${show(map)} has no event journal on ${from.namespace}/${from.name}, so writes after the copy would be lost; `
          + `give the old cluster config: withUpgradeJournal(config, ${show(maps)}) and apply it before the copy`);
      }
    }
    const drainSeconds = props.drainSeconds ?? 5;
    if (typeof drainSeconds !== 'number') throw new Error(`HazelcastUpgradeCopy drainSeconds (${show(drainSeconds)}) must be a number of seconds`);
    checkInteger('HazelcastUpgradeCopy drainSeconds', drainSeconds, 0, 600);

    const name = `${to.name}-upgrade-copy`;
    // the Job's pods carry it as their job-name label (63 characters at most)
    checkDns1035Label(`HazelcastUpgradeCopy Job name (the new cluster's name ${show(to.name)} + "-upgrade-copy")`, name);
    const labels = standardLabels(name, 'upgrade-copy');
    const jvm = { 'cpu': k8s.Quantity.fromString('200m'), 'memory': k8s.Quantity.fromString('384Mi'), 'ephemeral-storage': k8s.Quantity.fromString('64Mi') };
    this.job = new k8s.KubeJob(this, 'Job', {
      metadata: { name, namespace: to.namespace, labels },
      spec: {
        // One pod, never replaced: a second copy would write the old values over what the streams brought.
        backoffLimit: 0,
        template: {
          // Both clusters' client labels: their NetworkPolicies admit the pod.
          metadata: { labels: { ...labels, [from.clientLabel]: 'true', [to.clientLabel]: 'true' } },
          spec: {
            restartPolicy: 'Never',
            automountServiceAccountToken: false,
            terminationGracePeriodSeconds: from.gracefulShutdownTimeout.toSeconds() + STOP_MARGIN_SECONDS,
            securityContext: to.podSecurityContext,
            initContainers: [jarCopyContainer('copy-jar', props.image, '/jars', { name: 'upgrade-copy', mountPath: UPGRADE_COPY_DIR }, RESTRICTED_CONTAINER)],
            containers: [{
              name: 'upgrade-copy',
              image: to.image,
              imagePullPolicy: 'IfNotPresent',
              command: ['java', '-XX:-UsePerfData', '-Xmx192m', '-cp', `${HAZELCAST_IMAGE_LIB}/*:${UPGRADE_COPY_DIR}/*`, UPGRADE_COPY_MAIN_CLASS],
              env: [
                { name: 'UPGRADE_CLUSTER_NAME', value: to.clusterName },
                { name: 'UPGRADE_FROM', value: from.clientAddress },
                { name: 'UPGRADE_TO', value: to.clientAddress },
                { name: 'UPGRADE_MAPS', value: maps.join(',') },
                { name: 'UPGRADE_QUEUES', value: queues.join(',') },
                { name: 'UPGRADE_READY_PORT', value: String(UPGRADE_COPY_READY_PORT) },
                { name: 'UPGRADE_DRAIN_SECONDS', value: String(drainSeconds) },
              ],
              ports: [{ name: 'ready', containerPort: UPGRADE_COPY_READY_PORT }],
              readinessProbe: { tcpSocket: { port: k8s.IntOrString.fromString('ready') }, periodSeconds: 2, failureThreshold: 1 },
              resources: { requests: jvm, limits: { ...jvm, cpu: k8s.Quantity.fromString('1') } },
              securityContext: RESTRICTED_CONTAINER,
              volumeMounts: [
                { name: 'upgrade-copy', mountPath: UPGRADE_COPY_DIR, readOnly: true },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            }],
            volumes: [{ name: 'upgrade-copy', emptyDir: {} }, { name: 'tmp', emptyDir: {} }],
          },
        },
      },
    });
  }
}

/** Refuses a pair of clusters the copy cannot move data between, naming what differs. */
function checkUpgradePair(from: HazelcastCluster, to: HazelcastCluster): void {
  const where = `HazelcastUpgradeCopy from ${from.namespace}/${from.name} to ${to.namespace}/${to.name}`;
  if (from === to) throw new Error(`${where}: 'from' and 'to' are one cluster`);
  for (const [what, a, b] of [['namespace', from.namespace, to.namespace], ['clusterName', from.clusterName, to.clusterName], ['port', from.port, to.port]] as const) {
    if (a !== b) throw new Error(`${where}: the clusters' ${what} differ (${show(a)} and ${show(b)}); clients keep their address and cluster name across the switch, so give the new cluster blueGreenProps(from)`);
  }
  if (!jetSettings(to.config).enabled) {
    throw new Error(`${where}: the copy runs as Jet jobs on the new cluster, whose Jet is off; give it config: { jet: { enabled: true } }`);
  }
  if (from.memberNetworkPolicy && to.podLabels[from.clientLabel] !== 'true') {
    throw new Error(`${where}: the old cluster's NetworkPolicy admits the jobs only from pods labelled ${from.clientLabel}: "true", which the new members lack; give the new cluster blueGreenProps(from)`);
  }
}

/** The names of maps or queues, checked: letters, digits, '_', '.' or '-', each once. */
function checkNames(prop: 'maps' | 'queues', names: unknown): string[] {
  if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) {
    throw new Error(`HazelcastUpgradeCopy ${prop} (${show(names)}) must be a list of strings`);
  }
  const seen = new Set<string>();
  for (const name of names) {
    if (!/^[A-Za-z0-9_.-]+$/.test(name)) {
      throw new Error(`HazelcastUpgradeCopy ${prop}: ${show(name)} must be a name of letters, digits, '_', '.' or '-' (no wildcard: the copy names each one)`);
    }
    if (seen.has(name)) throw new Error(`HazelcastUpgradeCopy ${prop}: ${show(name)} is named twice`);
    seen.add(name);
  }
  return names;
}
