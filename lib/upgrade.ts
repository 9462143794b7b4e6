// Upgrading Hazelcast Community Edition blue/green (docs/how-to/upgrade.md). CE members of different minor
// versions never form one cluster (Rolling Member Upgrades are Enterprise-only), so a new version runs as a second
// cluster beside the old one, the data is copied across with Jet jobs on the new cluster that read the old
// cluster's maps remotely (a batch copy, then each map's event journal from its oldest event until the old cluster
// is gone), clients move through a Service that selects whichever cluster serves them, and then the old cluster is
// removed.
import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import { DEFAULT_PARTITION_COUNT, MEMBER_PORT_NAME, servicePort, standardLabels } from './names';
import type { HazelcastConfig, MapConfig } from '../imports/hazelcast-config';
import { validateWithApiSchema } from './api-schema';
import { refuseObjectCollisions } from './collisions';
import { HazelcastCluster } from './hazelcast-cluster';
import { checkDns1035Label, checkInteger, show } from './validation';

export interface HazelcastClientServiceProps {
  /**
   * Name of the Service clients connect to (`<name>.<namespace>.svc.<dnsDomain>:<port>`); it must not be a
   * cluster's name (the synth refuses two objects with one name).
   */
  readonly name: string;
  /**
   * The cluster that serves the clients. Point it at the new cluster and apply to send new connections there; the
   * clusters must share the namespace, the port and the Hazelcast cluster name (clients authenticate with it).
   */
  readonly target: HazelcastCluster;
}

/**
 * A Service for clients that outlives the clusters behind it: it selects the `target` cluster's members, so moving
 * `target` from the old cluster to the new one moves the clients without changing their address.
 */
export class HazelcastClientService extends Construct {
  public readonly service: k8s.KubeService;

  constructor(scope: Construct, id: string, props: HazelcastClientServiceProps) {
    super(scope, id);
    checkDns1035Label('name', props.name);
    validateWithApiSchema(this);
    refuseObjectCollisions(this);
    const target = props.target;
    this.service = new k8s.KubeService(this, 'Service', {
      metadata: {
        name: props.name,
        namespace: target.namespace,
        labels: standardLabels(props.name, 'client-service'),
      },
      spec: {
        selector: target.selector,
        ports: [servicePort(MEMBER_PORT_NAME, target.port, 'tcp')],
      },
    });
  }
}

/**
 * The props a new cluster needs beside `old` for a blue/green upgrade: the same namespace, port and Hazelcast
 * cluster name (clients reconnect to it under the name they know), and, when `old` has a NetworkPolicy, `old`'s
 * client label on the new members, so that the copy job they run can read `old`'s maps. Give the new cluster its
 * own `name` (object names, discovery Service) and the new `image`.
 */
export function blueGreenProps(old: HazelcastCluster): BlueGreenProps {
  return {
    namespace: old.namespace,
    port: old.port,
    clusterName: old.clusterName,
    ...(old.memberNetworkPolicy ? { podLabels: { [old.clientLabel]: 'true' } } : {}),
  };
}

/**
 * The event journal every moved map gets on the old cluster unless told otherwise: 100,000 events in all (369 a
 * partition), kept until overwritten.
 */
export const DEFAULT_UPGRADE_JOURNAL_CAPACITY = 100_000;

export interface UpgradeJournalOptions {
  /**
   * Events each map's journal holds (across all partitions; each partition gets capacity / 271). It must hold every
   * write a partition takes between the start of the batch copy and the moment the streaming job has read it,
   * and it costs heap for each event (key, old and new value), so size it as the map's writes a second x the copy's
   * seconds x 2 at least, and check the heap.
   * @default DEFAULT_UPGRADE_JOURNAL_CAPACITY (100,000)
   */
  readonly capacity?: number;
}

/**
 * The old cluster's `config` with an event journal on each of `maps`, which a blue/green upgrade moves without
 * losing the writes that reach the old cluster after the copy read them: the new cluster replays the journal.
 * Give it to the old cluster and apply before the new cluster is added; it rolls member by member like any
 * `config` change (the synth's restart check lets it through), keeping the data. Other settings of `config` and of
 * each map are kept; a map that already has an `eventJournal` of its own is refused (say it in one place).
 */
export function withUpgradeJournal(config: HazelcastConfig | undefined, maps: string[], options: UpgradeJournalOptions = {}): HazelcastConfig {
  const capacity = options.capacity ?? DEFAULT_UPGRADE_JOURNAL_CAPACITY;
  checkInteger('withUpgradeJournal capacity', capacity, DEFAULT_PARTITION_COUNT, 2_147_483_647, ` (at least one event per partition, ${DEFAULT_PARTITION_COUNT})`);
  if (maps.length === 0) throw new Error('withUpgradeJournal maps is empty: name each map the upgrade moves');
  const withJournal: { [name: string]: MapConfig } = { ...(config?.map ?? {}) };
  for (const name of maps) {
    if (!/^[A-Za-z0-9_.-]+$/.test(name)) {
      throw new Error(`withUpgradeJournal map ${show(name)} must be a map's name: letters, digits, '_', '.' or '-' (no wildcard: the copy names each map)`);
    }
    const existing = withJournal[name] ?? {};
    if (existing.eventJournal !== undefined) {
      throw new Error(`config.map[${show(name)}] has an eventJournal of its own: leave it to withUpgradeJournal (capacity ${show(capacity)}) or drop the map from its list`);
    }
    withJournal[name] = { ...existing, eventJournal: { enabled: true, capacity, timeToLiveSeconds: 0 } };
  }
  return { ...(config ?? {}), map: withJournal };
}

/** The props a new cluster shares with the old one in a blue/green upgrade (`HazelcastUpgrade.blueGreenProps`). */
export interface BlueGreenProps {
  /** The old cluster's namespace. */
  readonly namespace: string;
  /** The old cluster's member port. */
  readonly port: number;
  /** The old cluster's Hazelcast cluster name. */
  readonly clusterName: string;
  /**
   * The old cluster's client label, when it has a NetworkPolicy.
   * @default - none (the old cluster has no NetworkPolicy)
   */
  readonly podLabels?: { [key: string]: string };
}

/**
 * The blue/green upgrade's helpers as static methods, so that every jsii language has them (TypeScript may also
 * call `blueGreenProps` and `withUpgradeJournal` directly).
 */
export class HazelcastUpgrade {
  /** The event journal capacity every moved map gets unless told otherwise. */
  public static readonly DEFAULT_JOURNAL_CAPACITY: number = DEFAULT_UPGRADE_JOURNAL_CAPACITY;

  /** See `blueGreenProps`: the same namespace, port, cluster name and client label as `old`. */
  public static blueGreenProps(old: HazelcastCluster): BlueGreenProps {
    return blueGreenProps(old);
  }

  /** See `withUpgradeJournal`: `config` with an event journal on each of `maps`. */
  public static withJournal(config: HazelcastConfig, maps: string[], options?: UpgradeJournalOptions): HazelcastConfig {
    return withUpgradeJournal(config, maps, options);
  }

  private constructor() {}
}
