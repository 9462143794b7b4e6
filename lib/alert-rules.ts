// Alert rules for a Hazelcast cluster, on the metrics its members expose through the image's JMX exporter agent
// (`com_hazelcast_Metrics_<name>{prefix="<group>"}`, names read off a real 5.7 member's /metrics). Each rule is a
// signal (a PromQL expression that returns series from a healthy cluster too) and a condition on it, so that a test
// can check the signal against real members and the alert against test series (promtool).
import { Duration } from 'cdk8s';
import { show } from './validation';

/** Thresholds and windows of the alert rules; each alert has a runbook line in docs/how-to/monitoring.md. */
export interface AlertOptions {
  /**
   * How long the cluster may count fewer members than `replicas` before HazelcastMembersBelowReplicas fires.
   * @default Duration.minutes(2)
   */
  readonly membersBelowReplicasFor?: Duration;
  /**
   * How long migrations may be queued, or backups missing, before HazelcastClusterNotSafe fires.
   * @default Duration.minutes(5)
   */
  readonly clusterNotSafeFor?: Duration;
  /**
   * The share of the maximum heap (0-1) above which a member's heap use counts as high.
   * @default 0.85
   */
  readonly heapUsedRatio?: number;
  /**
   * How long a member's heap use may stay above `heapUsedRatio` before HazelcastHeapHigh fires.
   * @default Duration.minutes(5)
   */
  readonly heapHighFor?: Duration;
  /**
   * How long migrations may stay queued with none completed before HazelcastMigrationsStalled fires.
   * @default Duration.minutes(10)
   */
  readonly migrationsStalledFor?: Duration;
  /**
   * The window in which a member's JVM restarting in the same pod fires HazelcastMemberRestarted.
   * @default Duration.minutes(15)
   */
  readonly restartWindow?: Duration;
  /**
   * How long no member may be scraped before HazelcastMetricsAbsent fires.
   * @default Duration.minutes(5)
   */
  readonly metricsAbsentFor?: Duration;
}

/** One alert: `signal` returns series from a healthy cluster; the alert's expression is `signal` + `condition`. */
export interface AlertRule {
  readonly alert: string;
  readonly signal: string;
  readonly condition: string;
  readonly forDuration: string;
  readonly severity: 'critical' | 'warning';
  readonly summary: string;
}

/**
 * The PromQL of the cluster's metrics, for the rules and the dashboard alike: `sel` selects the cluster's targets,
 * `metric(name, prefix)` one of the JMX exporter's `com_hazelcast_Metrics_<name>{prefix="<group>"}` series of them.
 */
export function clusterMetrics(target: { namespace: string; job: string }): { sel: string; metric: (name: string, prefix: string) => string } {
  const sel = `namespace="${target.namespace}", job="${target.job}"`;
  return { sel, metric: (name, prefix) => `com_hazelcast_Metrics_${name}{${sel}, prefix="${prefix}"}` };
}

/** The PromQL form of a Duration, in whole seconds. */
export function promDuration(prop: string, d: Duration): string {
  if (d === null || typeof d !== 'object' || typeof (d as { toSeconds?: unknown }).toSeconds !== 'function') {
    throw new Error(`'${prop}' (${show(d)}) must be a cdk8s Duration such as Duration.minutes(2)`);
  }
  const seconds = d.toSeconds();
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 7 * 24 * 3600) {
    throw new Error(`'${prop}' (${seconds} s) must be a whole number of seconds from 1 s to 7 days`);
  }
  return `${seconds}s`;
}

/**
 * The rules for the cluster whose metrics Prometheus labels `job="<job>", namespace="<namespace>"` (the
 * Operator's ServiceMonitor and the stack's scrape config both label each target with its Service and namespace).
 */
export function alertRules(target: { namespace: string; job: string; replicas: number }, o: AlertOptions = {}): AlertRule[] {
  const ratio = o.heapUsedRatio ?? 0.85;
  if (typeof ratio !== 'number' || !(ratio > 0 && ratio < 1)) {
    throw new Error(`'alerts.heapUsedRatio' (${show(ratio)}) must be a number between 0 and 1 (a share of the maximum heap)`);
  }
  const minutes = (n: number) => Duration.minutes(n);
  const d = (prop: keyof AlertOptions, def: Duration) => promDuration(`alerts.${prop}`, (o[prop] as Duration | undefined) ?? def);
  const { sel, metric: m } = clusterMetrics(target);
  const by = 'by (namespace, job)';
  const restartWindow = d('restartWindow', minutes(15));
  return [
    {
      alert: 'HazelcastMembersBelowReplicas',
      // the smaller of: the largest cluster any member sees, and the members scraped at all (a member that is down,
      // or up but alone); label_replace keeps the two apart so that `or` keeps both for min
      signal: `min ${by} (max ${by} (${m('size', 'cluster')}) or label_replace(count ${by} (up{${sel}} == 1), "counted", "scraped", "", ""))`,
      condition: `< ${target.replicas}`,
      forDuration: d('membersBelowReplicasFor', minutes(2)),
      severity: 'critical',
      summary: `fewer Hazelcast members than the ${target.replicas} replicas`,
    },
    {
      alert: 'HazelcastClusterNotSafe',
      // migrations queued on the master, plus the backup entries missing (owned entries x backup count - backup
      // entries, over every map); 0 for the missing part when there is no map yet
      signal: `max ${by} (${m('migrationQueueSize', 'partitions')}) + on (namespace, job) (`
        + `clamp_min(sum ${by} (${m('ownedEntryCount', 'map')} * ${m('backupCount', 'map')}) - sum ${by} (${m('backupEntryCount', 'map')}), 0)`
        + ` or 0 * max ${by} (${m('migrationQueueSize', 'partitions')}))`,
      condition: '> 0',
      forDuration: d('clusterNotSafeFor', minutes(5)),
      severity: 'warning',
      summary: 'Hazelcast partitions are migrating or missing backups',
    },
    {
      alert: 'HazelcastHeapHigh',
      signal: `${m('usedHeap', 'memory')} / ${m('maxHeap', 'memory')}`,
      condition: `> ${ratio}`,
      forDuration: d('heapHighFor', minutes(5)),
      severity: 'warning',
      summary: `a Hazelcast member uses more than ${Math.round(ratio * 100)} % of its heap`,
    },
    {
      alert: 'HazelcastMigrationsStalled',
      // migrations queued while none completes over the window
      signal: `max ${by} (${m('migrationQueueSize', 'partitions')}) * on (namespace, job)`
        + ` (sum ${by} (increase(${m('totalCompletedMigrations', 'partitions')}[${d('migrationsStalledFor', minutes(10))}])) == bool 0)`,
      condition: '> 0',
      forDuration: '0s',
      severity: 'warning',
      summary: 'Hazelcast partition migrations are queued and none completed',
    },
    {
      alert: 'HazelcastMemberRestarted',
      // the JVM's uptime going back in the same pod: a crash or a kill, not a new pod. By pod, over a subquery:
      // each JVM start has its own series (the exporter labels it with the member's generated instance name)
      signal: `resets((max by (namespace, job, pod) (${m('uptime', 'runtime')}))[${restartWindow}:15s])`,
      condition: '> 0',
      forDuration: '0s',
      severity: 'warning',
      summary: `a Hazelcast member restarted in its pod in the last ${restartWindow}`,
    },
    {
      alert: 'HazelcastMetricsAbsent',
      signal: `up{${sel}}`,
      condition: '',
      forDuration: d('metricsAbsentFor', minutes(5)),
      severity: 'critical',
      summary: 'no Hazelcast member is scraped',
    },
  ];
}

/** The alert's expression: the signal with its condition (absent() for HazelcastMetricsAbsent). */
export function alertExpression(rule: AlertRule): string {
  return rule.alert === 'HazelcastMetricsAbsent' ? `absent(${rule.signal} == 1)` : `${rule.signal} ${rule.condition}`;
}

/**
 * The rule group in Prometheus' rules-file form (the PrometheusRule's spec.groups takes the same). Every alert is
 * labelled with the cluster's `namespace` and `job`, also the one whose expression keeps no labels (absent()).
 */
export function ruleGroup(name: string, rules: AlertRule[], target: { namespace: string; job: string }): {
  name: string; rules: Array<{ alert: string; expr: string; for: string; labels: { [key: string]: string }; annotations: { [key: string]: string } }>;
} {
  return {
    name,
    rules: rules.map((r) => ({
      alert: r.alert,
      expr: alertExpression(r),
      for: r.forDuration,
      labels: { severity: r.severity, namespace: target.namespace, job: target.job },
      annotations: {
        summary: r.summary,
        description: `${target.namespace}/${target.job}: ${r.summary} (value {{ $value }}).`,
        runbook: `docs/how-to/monitoring.md#${r.alert.toLowerCase()}`,
      },
    })),
  };
}
