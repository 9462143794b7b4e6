// HazelcastMonitoring (lib/monitoring.ts): the ServiceMonitor, the rules and the dashboard, as synthesized. What the
// rules do is checked by promtool (test/rules, npm run test:rules); that the queries return series from real
// members, and that a real fault fires the alert, by e2e scenario (w).
import { Duration, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { alertExpression, HazelcastCluster, HazelcastClusterProps, HazelcastMonitoring, HazelcastMonitoringProps } from '../lib';

function synth(cluster: HazelcastClusterProps = { namespace: 'cache', replicas: 3, metrics: {} }, props: Partial<HazelcastMonitoringProps> = {}) {
  const chart = Testing.chart();
  const c = new HazelcastCluster(chart, 'Hazelcast', cluster);
  const mon = new HazelcastMonitoring(chart, 'Monitoring', { cluster: c, ...props });
  return { mon, objects: Testing.synth(chart) as any[] };
}
const kind = (objects: any[], k: string) => objects.filter((o) => o.kind === k);

describe('HazelcastMonitoring', () => {
  it('writes a ServiceMonitor that selects the metrics Service\'s port, and only it', () => {
    const { objects } = synth(undefined, { serviceMonitor: { interval: Duration.seconds(15), labels: { release: 'kube-prometheus' } } });
    const [sm] = kind(objects, 'ServiceMonitor');
    expect(sm.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(sm.metadata).toMatchObject({ name: 'hazelcast', namespace: 'cache', labels: { release: 'kube-prometheus' } });
    expect(sm.spec).toEqual({
      selector: { matchLabels: { name: 'hazelcast' } },
      namespaceSelector: { matchNames: ['cache'] },
      endpoints: [{ port: 'metrics', path: '/metrics', interval: '15s', scrapeTimeout: '10s' }],
    });
    // the selector matches the metrics Service; of the Services it matches, only that one has the port
    const services = kind(objects, 'Service').filter((s) => Object.entries(sm.spec.selector.matchLabels).every(([k, v]) => s.metadata.labels[k] === v));
    expect(services.filter((s) => s.spec.ports.some((p: any) => p.name === 'metrics')).map((s) => s.metadata.name)).toEqual(['hazelcast-metrics']);
  });

  it('writes every alert into a PrometheusRule, each on the metrics Service\'s job and namespace, with a runbook', () => {
    const { objects, mon } = synth();
    const [rule] = kind(objects, 'PrometheusRule');
    const rules = rule.spec.groups[0].rules;
    expect(rules.map((r: any) => r.alert)).toEqual([
      'HazelcastMembersBelowReplicas', 'HazelcastClusterNotSafe', 'HazelcastHeapHigh', 'HazelcastMigrationsStalled',
      'HazelcastMemberRestarted', 'HazelcastMetricsAbsent']);
    for (const r of rules) {
      expect(r.expr).toContain('namespace="cache", job="hazelcast-metrics"');
      expect(r.annotations.runbook).toBe(`docs/how-to/monitoring.md#${r.alert.toLowerCase()}`);
      expect(['critical', 'warning']).toContain(r.labels.severity);
    }
    expect(rules[0].expr).toMatch(/< 3$/);
    expect(rules[0].for).toBe('120s');
    expect(mon.rulesFile.groups).toEqual(rule.spec.groups);
    expect(rules.map((r: any) => r.expr)).toEqual(mon.rules.map(alertExpression));
  });

  it('takes every threshold as a prop', () => {
    const { mon } = synth({ namespace: 'cache', replicas: 5, metrics: {} }, {
      alerts: { membersBelowReplicasFor: Duration.seconds(20), heapUsedRatio: 0.7, restartWindow: Duration.minutes(5), metricsAbsentFor: Duration.minutes(1) },
    });
    const byName = Object.fromEntries(mon.rules.map((r) => [r.alert, r]));
    expect(byName.HazelcastMembersBelowReplicas.forDuration).toBe('20s');
    expect(byName.HazelcastMembersBelowReplicas.condition).toBe('< 5');
    expect(byName.HazelcastHeapHigh.condition).toBe('> 0.7');
    expect(byName.HazelcastMemberRestarted.signal).toContain('[300s:15s]');
    expect(byName.HazelcastMetricsAbsent.forDuration).toBe('60s');
  });

  it('without the Operator: a ConfigMap with the rules file and a kubernetes_sd scrape job that keeps the same Service and port', () => {
    const { objects, mon } = synth(undefined, { prometheusOperator: false });
    expect(kind(objects, 'ServiceMonitor')).toEqual([]);
    expect(kind(objects, 'PrometheusRule')).toEqual([]);
    const cm = kind(objects, 'ConfigMap').find((c) => c.metadata.name === 'hazelcast-prometheus-rules');
    expect(JSON.parse(cm.data['hazelcast-rules.yaml'])).toEqual(mon.rulesFile);
    expect(mon.scrapeConfig.relabel_configs).toEqual([
      { source_labels: ['__meta_kubernetes_service_label_name'], regex: 'hazelcast', action: 'keep' },
      { source_labels: ['__meta_kubernetes_endpointslice_port_name'], regex: 'metrics', action: 'keep' },
      { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
      { source_labels: ['__meta_kubernetes_service_name'], target_label: 'job' },
      { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
    ]);
  });

  it('writes the dashboard as a ConfigMap Grafana\'s sidecar picks up, every panel with its queries', () => {
    const { objects, mon } = synth();
    const cm = kind(objects, 'ConfigMap').find((c) => c.metadata.name === 'hazelcast-dashboard');
    expect(cm.metadata.labels.grafana_dashboard).toBe('1');
    const dashboard = JSON.parse(cm.data['hazelcast-dashboard.json']);
    expect(dashboard).toEqual(mon.dashboard);
    const titles = dashboard.panels.map((p: any) => p.title).join(' | ');
    for (const what of ['Cluster size', 'Cluster safe', 'Heap', 'GC', 'Map entries', 'Map memory', 'Map operations', 'migrations', 'Client connections']) {
      expect(titles).toContain(what);
    }
    for (const p of dashboard.panels) {
      expect(p.targets.length).toBeGreaterThan(0);
      for (const t of p.targets) expect(t.expr).toContain('namespace="cache", job="hazelcast-metrics"');
    }
    // control: no dashboard ConfigMap when asked for none
    expect(kind(synth(undefined, { dashboardLabels: false }).objects, 'ConfigMap').map((c) => c.metadata.name)).not.toContain('hazelcast-dashboard');
  });

  it('refuses a cluster without metrics, and bad props, naming them', () => {
    expect(() => synth({ namespace: 'cache' })).toThrow(/cache\/hazelcast has no metrics; give it 'metrics: \{\}'/);
    expect(() => synth(undefined, { alerts: { heapUsedRatio: 85 } })).toThrow(/'alerts.heapUsedRatio' \(85\) must be a number between 0 and 1/);
    expect(() => synth(undefined, { alerts: { heapHighFor: 5 as any } })).toThrow(/'alerts.heapHighFor' \(5\) must be a cdk8s Duration/);
    expect(() => synth(undefined, { serviceMonitor: { scrapeTimeout: Duration.minutes(1) } })).toThrow(/'serviceMonitor.scrapeTimeout' \(60s\) must be at most 'serviceMonitor.interval' \(30s\)/);
    expect(() => synth(undefined, { serviceMonitor: { labels: { 'bad key!': 'x' } } })).toThrow(/'serviceMonitor.labels' key "bad key!"/);
    expect(() => synth(undefined, { prometheusOperator: 'false' as any })).toThrow(/'prometheusOperator' \("false"\) must be true or false/);
    expect(() => synth(undefined, { cluster: {} as any })).toThrow(/'cluster' must be a HazelcastCluster construct/);
  });
});
