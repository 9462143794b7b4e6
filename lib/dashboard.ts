// A Grafana dashboard for one Hazelcast cluster, as the JSON Grafana's dashboard provisioning (and its sidecar)
// loads. Written as data here rather than with a builder package: a dozen time-series panels need no more, and the
// queries live beside the alert rules' (lib/alert-rules.ts) on the same metric names.
import { clusterMetrics } from './alert-rules';

/** One panel: a title, its unit and the PromQL queries it plots (`legend` is Grafana's legend format). */
export interface DashboardPanel {
  /** The panel's title. */
  readonly title: string;
  /** Grafana's unit of the values. */
  readonly unit: string;
  /** What the panel plots. */
  readonly queries: DashboardQuery[];
}

/** One query of a panel. */
export interface DashboardQuery {
  /** The PromQL expression. */
  readonly expr: string;
  /** Grafana's legend format. */
  readonly legend: string;
}

/** The panels of the cluster's dashboard, for the metrics Prometheus labels `job`, `namespace`. */
export function dashboardPanels(target: { namespace: string; job: string }): DashboardPanel[] {
  const { sel, metric: m } = clusterMetrics(target);
  const rate = (name: string, prefix: string) => `sum by (pod) (rate(${m(name, prefix)}[5m]))`;
  return [
    { title: 'Cluster size (as each member sees it)', unit: 'short', queries: [{ expr: `max by (pod) (${m('size', 'cluster')})`, legend: '{{pod}}' }] },
    { title: 'Members scraped', unit: 'short', queries: [{ expr: `count(up{${sel}} == 1)`, legend: 'up' }] },
    {
      title: 'Cluster safe: migrations queued and backup entries missing', unit: 'short', queries: [
        { expr: `max(${m('migrationQueueSize', 'partitions')})`, legend: 'migrations queued' },
        { expr: `clamp_min(sum(${m('ownedEntryCount', 'map')} * ${m('backupCount', 'map')}) - sum(${m('backupEntryCount', 'map')}), 0)`, legend: 'backup entries missing' },
      ],
    },
    { title: 'Heap used', unit: 'percentunit', queries: [{ expr: `max by (pod) (${m('usedHeap', 'memory')} / ${m('maxHeap', 'memory')})`, legend: '{{pod}}' }] },
    {
      title: 'GC time (share of wall time)', unit: 'percentunit', queries: [
        { expr: `sum by (pod) (rate(${m('minorTime', 'gc')}[5m])) / 1000`, legend: '{{pod}} minor' },
        { expr: `sum by (pod) (rate(${m('majorTime', 'gc')}[5m])) / 1000`, legend: '{{pod}} major' },
      ],
    },
    { title: 'Map entries (owned)', unit: 'short', queries: [{ expr: `sum by (tag0) (${m('ownedEntryCount', 'map')})`, legend: '{{tag0}}' }] },
    { title: 'Map memory (owned + backup)', unit: 'bytes', queries: [{ expr: `sum by (tag0) (${m('ownedEntryMemoryCost', 'map')} + ${m('backupEntryMemoryCost', 'map')})`, legend: '{{tag0}}' }] },
    {
      title: 'Map operations per second', unit: 'ops', queries: [
        { expr: rate('getCount', 'map'), legend: '{{pod}} get' },
        { expr: rate('putCount', 'map'), legend: '{{pod}} put' },
        { expr: rate('setCount', 'map'), legend: '{{pod}} set' },
        { expr: rate('removeCount', 'map'), legend: '{{pod}} remove' },
      ],
    },
    {
      title: 'Partition migrations', unit: 'short', queries: [
        { expr: `sum(increase(${m('totalCompletedMigrations', 'partitions')}[5m]))`, legend: 'completed (5 min)' },
        { expr: `max(${m('migrationQueueSize', 'partitions')})`, legend: 'queued' },
      ],
    },
    { title: 'Client connections', unit: 'short', queries: [{ expr: `sum by (pod) (${m('count', 'client.endpoint')})`, legend: '{{pod}}' }] },
  ];
}

/** The dashboard JSON (Grafana schema 39), with a data source variable so it works with any Prometheus. */
export function dashboardJson(title: string, uid: string, panels: DashboardPanel[]): Record<string, unknown> {
  return {
    uid,
    title,
    tags: ['hazelcast'],
    schemaVersion: 39,
    editable: true,
    time: { from: 'now-1h', to: 'now' },
    refresh: '30s',
    templating: {
      list: [{ name: 'datasource', type: 'datasource', query: 'prometheus', label: 'Prometheus' }],
    },
    panels: panels.map((p, i) => ({
      id: i + 1,
      type: 'timeseries',
      title: p.title,
      datasource: { type: 'prometheus', uid: '${datasource}' },
      gridPos: { x: (i % 2) * 12, y: Math.floor(i / 2) * 8, w: 12, h: 8 },
      fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
      targets: p.queries.map((q, j) => ({
        refId: String.fromCharCode(65 + j),
        datasource: { type: 'prometheus', uid: '${datasource}' },
        expr: q.expr,
        legendFormat: q.legend,
      })),
    })),
  };
}
