// Monitoring for a cluster with `metrics` on: what a Prometheus (with or without the Prometheus Operator) needs to
// scrape the members, the alert rules, and a Grafana dashboard (docs/how-to/monitoring.md). Every target is labelled
// with its Service (`job`), namespace and pod, the way the Operator labels a ServiceMonitor's targets, so the rules
// and the dashboard read the same with either.
import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import * as monitoring from '../imports/monitoring.coreos.com';
import { validateWithApiSchema } from './api-schema';
import { refuseObjectCollisions } from './collisions';
import { AlertOptions, alertRules, AlertRule, promDuration, ruleGroup } from './alert-rules';
import { METRICS_PORT_NAME } from './names';
import { dashboardJson, dashboardPanels, DashboardPanel } from './dashboard';
import { HazelcastCluster } from './hazelcast-cluster';
import { checkLabel, show } from './validation';

/** The file name of the rules in the rules ConfigMap, and of the dashboard in its ConfigMap. */
export const RULES_FILE = 'hazelcast-rules.yaml';
export const DASHBOARD_FILE = 'hazelcast-dashboard.json';

export interface ServiceMonitorOptions {
  /**
   * How often Prometheus scrapes each member.
   * @default Duration.seconds(30)
   */
  readonly interval?: Duration;
  /**
   * How long a scrape may take (at most `interval`).
   * @default Duration.seconds(10)
   */
  readonly scrapeTimeout?: Duration;
  /**
   * Labels on the ServiceMonitor and the PrometheusRule: most Prometheus Operator installs select them by a label
   * such as `release: <helm release>`.
   * @default - none
   */
  readonly labels?: { readonly [key: string]: string };
}

export interface HazelcastMonitoringProps {
  /** The cluster to monitor; it needs `metrics` on. */
  readonly cluster: HazelcastCluster;
  /**
   * Whether the Prometheus Operator runs (its CRDs must be installed before the apply): a ServiceMonitor and a
   * PrometheusRule. Without it, a ConfigMap holds the rules file to mount into Prometheus, and `scrapeConfig` is
   * the scrape job for its configuration.
   * @default true
   */
  readonly prometheusOperator?: boolean;
  /**
   * The ServiceMonitor's scrape settings and the labels the Operator selects by (also used by `scrapeConfig`).
   * @default - every 30 s, 10 s timeout, no extra labels
   */
  readonly serviceMonitor?: ServiceMonitorOptions;
  /**
   * The alerts' thresholds and windows.
   * @default - the defaults of each option
   */
  readonly alerts?: AlertOptions;
  /**
   * The labels of the dashboard's ConfigMap, which Grafana's dashboard sidecar watches; `false` writes no
   * dashboard ConfigMap (`dashboardJson` still has it).
   * @default { grafana_dashboard: "1" }
   */
  readonly dashboardLabels?: { readonly [key: string]: string } | false;
}

/**
 * Prometheus and Grafana objects for one cluster: a ServiceMonitor and a PrometheusRule (or, with `prometheusOperator: false`,
 * a ConfigMap of rules and `scrapeConfig`), and a dashboard ConfigMap. `rulesFile`, `dashboard` and
 * `scrapeConfig` give the same as plain data, to write as files.
 */
export class HazelcastMonitoring extends Construct {
  /** The alert rules, each with its signal (which a healthy cluster returns series for) and condition. */
  public readonly rules: AlertRule[];
  /** The dashboard's panels and queries. */
  public readonly panels: DashboardPanel[];
  /** The rules in Prometheus' rules-file form (`groups:`), as YAML-ready data. */
  public readonly rulesFile: { [key: string]: any };
  /** The Grafana dashboard JSON. */
  public readonly dashboard: { [key: string]: any };
  /**
   * A `scrape_configs` entry for a Prometheus without the Operator: the cluster's metrics Service found through
   * kubernetes_sd (role endpointslice), labelled as the Operator would (job = Service, namespace, pod).
   */
  public readonly scrapeConfig: Record<string, unknown>;
  public readonly serviceMonitor?: monitoring.ServiceMonitor;
  public readonly prometheusRule?: monitoring.PrometheusRule;
  public readonly rulesConfigMap?: k8s.KubeConfigMap;
  public readonly dashboardConfigMap?: k8s.KubeConfigMap;

  constructor(scope: Construct, id: string, props: HazelcastMonitoringProps) {
    super(scope, id);
    if (props === null || typeof props !== 'object' || !(props.cluster instanceof HazelcastCluster)) {
      throw new Error(`HazelcastMonitoring 'cluster' must be a HazelcastCluster construct; got ${show(props?.cluster)}`);
    }
    const cluster = props.cluster;
    validateWithApiSchema(this);
    refuseObjectCollisions(this);
    if (cluster.metricsService === undefined) {
      throw new Error(`HazelcastMonitoring: ${cluster.namespace}/${cluster.name} has no metrics; give it 'metrics: {}' (the members' JMX exporter and the ${cluster.name}-metrics Service)`);
    }
    const operator = props.prometheusOperator ?? true;
    if (typeof operator !== 'boolean') throw new Error(`HazelcastMonitoring 'prometheusOperator' (${show(operator)}) must be true or false`);
    const sm = props.serviceMonitor ?? {};
    const interval = promDuration('serviceMonitor.interval', sm.interval ?? Duration.seconds(30));
    const scrapeTimeout = promDuration('serviceMonitor.scrapeTimeout', sm.scrapeTimeout ?? Duration.seconds(10));
    if (parseInt(scrapeTimeout, 10) > parseInt(interval, 10)) {
      throw new Error(`'serviceMonitor.scrapeTimeout' (${scrapeTimeout}) must be at most 'serviceMonitor.interval' (${interval})`);
    }
    const extraLabels = { ...sm.labels };
    for (const [k, v] of Object.entries(extraLabels)) checkLabel('serviceMonitor.labels', k, v);
    const dashboardLabels = props.dashboardLabels ?? { grafana_dashboard: '1' };
    if (dashboardLabels !== false) {
      for (const [k, v] of Object.entries(dashboardLabels)) checkLabel('dashboardLabels', k, v);
    }

    const target = { namespace: cluster.namespace, job: cluster.metricsService.name, replicas: cluster.replicas };
    this.rules = alertRules(target, props.alerts);
    this.panels = dashboardPanels(target);
    const group = ruleGroup(`hazelcast-${cluster.namespace}-${cluster.name}`, this.rules, target);
    this.rulesFile = { groups: [group] };
    this.dashboard = dashboardJson(`Hazelcast ${cluster.namespace}/${cluster.name}`, `hazelcast-${cluster.namespace}-${cluster.name}`.slice(0, 40), this.panels);
    this.scrapeConfig = {
      job_name: `${cluster.namespace}/${cluster.name}-metrics`,
      scrape_interval: interval,
      scrape_timeout: scrapeTimeout,
      kubernetes_sd_configs: [{ role: 'endpointslice', namespaces: { names: [cluster.namespace] } }],
      relabel_configs: [
        // the ServiceMonitor's selector (the members' selector label on the Service) and its port
        ...Object.entries(cluster.selector).map(([k, v]) => ({
          source_labels: [`__meta_kubernetes_service_label_${k.replace(/[^a-zA-Z0-9_]/g, '_')}`], regex: v, action: 'keep',
        })),
        { source_labels: ['__meta_kubernetes_endpointslice_port_name'], regex: METRICS_PORT_NAME, action: 'keep' },
        { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
        { source_labels: ['__meta_kubernetes_service_name'], target_label: 'job' },
        { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
      ],
    };

    const meta = (name: string, labels: { [key: string]: string }) => ({
      name, namespace: cluster.namespace, labels: { ...cluster.labels, 'app.kubernetes.io/component': 'monitoring', ...labels },
    });
    if (operator) {
      this.serviceMonitor = new monitoring.ServiceMonitor(this, 'ServiceMonitor', {
        metadata: meta(cluster.name, extraLabels),
        spec: {
          selector: { matchLabels: { ...cluster.selector } },
          namespaceSelector: { matchNames: [cluster.namespace] },
          endpoints: [{ port: METRICS_PORT_NAME, path: '/metrics', interval, scrapeTimeout }],
        },
      });
      this.prometheusRule = new monitoring.PrometheusRule(this, 'PrometheusRule', {
        metadata: meta(cluster.name, extraLabels),
        spec: {
          groups: [{
            name: group.name,
            rules: group.rules.map((r) => ({ ...r, expr: monitoring.PrometheusRuleSpecGroupsRulesExpr.fromString(r.expr) })),
          }],
        },
      });
    } else {
      this.rulesConfigMap = new k8s.KubeConfigMap(this, 'Rules', {
        metadata: meta(`${cluster.name}-prometheus-rules`, {}),
        data: { [RULES_FILE]: rulesYaml(this.rulesFile) },
      });
    }
    if (dashboardLabels !== false) {
      this.dashboardConfigMap = new k8s.KubeConfigMap(this, 'Dashboard', {
        metadata: meta(`${cluster.name}-dashboard`, { ...dashboardLabels }),
        data: { [DASHBOARD_FILE]: JSON.stringify(this.dashboard, null, 2) },
      });
    }
  }
}

/** The rules file as YAML text (JSON is YAML: Prometheus and promtool read it as written). */
export function rulesYaml(rulesFile: { [key: string]: any }): string {
  return `${JSON.stringify(rulesFile, null, 2)}\n`;
}
