// The alert rules, as synthesized, through the real promtool: `promtool check rules` on the rules file and
// `promtool test rules` with series that must fire each alert and, for each, control series that must not.
// The series carry the labels a scrape gives them (namespace, job, pod from the target; prefix and the member's
// instance name from the JMX exporter, which Prometheus renames exported_instance).
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Duration, Testing } from 'cdk8s';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HazelcastCluster, HazelcastMonitoring, rulesYaml } from '../../lib';

const root = path.resolve(__dirname, '../..');
const NS = 'cache';
const JOB = 'hazelcast-metrics';
const REPLICAS = 3;

let promtool = '';
let work = '';
let mon: HazelcastMonitoring;

beforeAll(() => {
  execFileSync('bash', [path.join(root, 'e2e/nodes/build.sh'), 'prometheus'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const env = execFileSync('bash', [path.join(root, 'e2e/nodes/build.sh'), '--print-env'], { encoding: 'utf-8' });
  promtool = /^PROMTOOL=(.+)$/m.exec(env)![1];
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'hz-rules-'));
  const chart = Testing.chart();
  const cluster = new HazelcastCluster(chart, 'Hazelcast', { namespace: NS, replicas: REPLICAS, metrics: {} });
  mon = new HazelcastMonitoring(chart, 'Monitoring', { cluster, prometheusOperator: false });
  fs.writeFileSync(path.join(work, 'rules.yaml'), rulesYaml(mon.rulesFile));
});
afterAll(() => { if (work) fs.rmSync(work, { recursive: true, force: true }); });

/** A series as a scrape of member `pod` labels it. */
const s = (name: string, prefix: string, pod: string, values: string, extra = '') =>
  ({ series: `com_hazelcast_Metrics_${name}{namespace="${NS}", job="${JOB}", pod="${pod}", prefix="${prefix}", exported_instance="hz-${pod}"${extra}}`, values });
const up = (pod: string, values: string) => ({ series: `up{namespace="${NS}", job="${JOB}", pod="${pod}"}`, values });
const PODS = ['hazelcast-0', 'hazelcast-1', 'hazelcast-2'];
/** Three healthy members over `n` samples (one a minute): each sees 3, is up, a map with its backups. */
const healthy = (n: number, skip: string[] = []) => PODS.flatMap((p) => [
  ...(skip.includes('size') ? [] : [s('size', 'cluster', p, `3x${n}`)]),
  ...(skip.includes('up') ? [] : [up(p, `1x${n}`)]),
  ...(skip.includes('map') ? [] : [
    s('ownedEntryCount', 'map', p, `100x${n}`, ', tag0="\\"name=data\\""'),
    s('backupEntryCount', 'map', p, `100x${n}`, ', tag0="\\"name=data\\""'),
    s('backupCount', 'map', p, `1x${n}`, ', tag0="\\"name=data\\""'),
  ]),
  ...(skip.includes('migrations') ? [] : [
    s('migrationQueueSize', 'partitions', p, `0x${n}`),
    s('totalCompletedMigrations', 'partitions', p, `10x${n}`),
  ]),
]);

interface Case { name: string; alert: string; series: Array<{ series: string; values: string }>; at: string; fires: Record<string, string>[] }

/** What the rule's annotations render to for a firing alert of `labels` and `value`. */
function annotations(alert: string, value: string) {
  const rule = mon.rulesFile.groups[0] as any;
  const r = rule.rules.find((x: any) => x.alert === alert);
  return {
    summary: r.annotations.summary,
    description: `${NS}/${JOB}: ${r.annotations.summary} (value ${value}).`,
    runbook: r.annotations.runbook,
  };
}

function runCases(cases: Case[]): { code: number; out: string } {
  const test = {
    rule_files: ['rules.yaml'],
    evaluation_interval: '1m',
    tests: cases.map((c) => ({
      name: c.name,
      interval: '1m',
      input_series: c.series,
      alert_rule_test: [{
        eval_time: c.at,
        alertname: c.alert,
        exp_alerts: c.fires.map(({ value, ...labels }) => ({ exp_labels: labels, exp_annotations: annotations(c.alert, value) })),
      }],
    })),
  };
  const file = path.join(work, `test-${Math.random().toString(36).slice(2)}.yaml`);
  fs.writeFileSync(file, JSON.stringify(test, null, 2));
  const r = spawnSync(promtool, ['test', 'rules', path.basename(file)], { cwd: work, encoding: 'utf-8' });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

const crit = (extra: Record<string, string> = {}) => ({ severity: 'critical', namespace: NS, job: JOB, ...extra });
const warn = (extra: Record<string, string> = {}) => ({ severity: 'warning', namespace: NS, job: JOB, ...extra });

describe('the alert rules under promtool', () => {
  it('promtool check rules accepts the synthesized rules file', () => {
    const r = spawnSync(promtool, ['check', 'rules', 'rules.yaml'], { cwd: work, encoding: 'utf-8' });
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/SUCCESS: 6 rules found/);
  });

  it('control for check: promtool refuses a broken expression', () => {
    const broken = JSON.parse(fs.readFileSync(path.join(work, 'rules.yaml'), 'utf-8'));
    broken.groups[0].rules[0].expr += ' <';
    fs.writeFileSync(path.join(work, 'broken.yaml'), JSON.stringify(broken));
    const r = spawnSync(promtool, ['check', 'rules', 'broken.yaml'], { cwd: work, encoding: 'utf-8' });
    expect(r.status).not.toBe(0);
  });

  // Each alert: a case that fires it (exp_alerts with the labels and the rendered annotations) and a control with
  // the same shape of series that must not.
  const cases: Case[] = [
    {
      name: 'a member gone: the others see 2 for longer than 2 min', alert: 'HazelcastMembersBelowReplicas', at: '10m', fires: [{ ...crit(), value: '2' }],
      series: [
        ...healthy(12, ['size', 'up']),
        s('size', 'cluster', 'hazelcast-0', '3 3 3 3 3 2x7'), s('size', 'cluster', 'hazelcast-1', '3 3 3 3 3 2x7'), s('size', 'cluster', 'hazelcast-2', '3 3 3 3 3 _x7'),
        up('hazelcast-0', '1x12'), up('hazelcast-1', '1x12'), up('hazelcast-2', '1 1 1 1 1 0x7'),
      ],
    },
    { name: 'control: three members throughout', alert: 'HazelcastMembersBelowReplicas', at: '10m', fires: [], series: healthy(12) },
    {
      name: 'control: a member gone for 1 min only (under the 2 min)', alert: 'HazelcastMembersBelowReplicas', at: '10m', fires: [],
      series: [
        ...healthy(12, ['size']),
        s('size', 'cluster', 'hazelcast-0', '3 3 3 3 3 2 3x6'), s('size', 'cluster', 'hazelcast-1', '3 3 3 3 3 2 3x6'), s('size', 'cluster', 'hazelcast-2', '3x12'),
      ],
    },
    {
      name: 'a member up but alone: scraped 3, the largest cluster 2 (one sees only itself)', alert: 'HazelcastMembersBelowReplicas', at: '10m', fires: [{ ...crit(), value: '2' }],
      series: [
        ...healthy(12, ['size']),
        s('size', 'cluster', 'hazelcast-0', '2x12'), s('size', 'cluster', 'hazelcast-1', '2x12'), s('size', 'cluster', 'hazelcast-2', '1x12'),
      ],
    },
    {
      name: 'migrations queued for 6 min', alert: 'HazelcastClusterNotSafe', at: '10m', fires: [{ ...warn(), value: '40' }],
      series: [...healthy(12, ['migrations']), ...PODS.map((p, i) => s('migrationQueueSize', 'partitions', p, i === 0 ? '0 0 0 40x10' : '0x12')),
        ...PODS.map((p) => s('totalCompletedMigrations', 'partitions', p, '10+5x12'))],
    },
    {
      name: 'backups missing for 6 min (a member gone with its backups)', alert: 'HazelcastClusterNotSafe', at: '10m', fires: [{ ...warn(), value: '100' }],
      series: [...healthy(12, ['map']), ...PODS.flatMap((p, i) => [
        s('ownedEntryCount', 'map', p, '100x12', ', tag0="\\"name=data\\""'),
        s('backupEntryCount', 'map', p, i === 0 ? '100 100 100 0x9' : '100x12', ', tag0="\\"name=data\\""'),
        s('backupCount', 'map', p, '1x12', ', tag0="\\"name=data\\""'),
      ])],
    },
    { name: 'control: no migration queued, every backup there', alert: 'HazelcastClusterNotSafe', at: '10m', fires: [], series: healthy(12) },
    {
      name: 'control: no map at all (a new cluster): not unsafe', alert: 'HazelcastClusterNotSafe', at: '10m', fires: [], series: healthy(12, ['map']),
    },
    {
      name: 'heap at 90 % for 6 min', alert: 'HazelcastHeapHigh', at: '10m',
      fires: [{ severity: 'warning', namespace: NS, job: JOB, pod: 'hazelcast-1', prefix: 'memory', exported_instance: 'hz-hazelcast-1', value: '0.9' }],
      series: [...healthy(12), ...PODS.flatMap((p) => [s('usedHeap', 'memory', p, p === 'hazelcast-1' ? '500 500 500 900x9' : '500x12'), s('maxHeap', 'memory', p, '1000x12')])],
    },
    {
      name: 'control: heap at 80 %', alert: 'HazelcastHeapHigh', at: '10m', fires: [],
      series: [...healthy(12), ...PODS.flatMap((p) => [s('usedHeap', 'memory', p, '800x12'), s('maxHeap', 'memory', p, '1000x12')])],
    },
    {
      name: 'migrations queued, none completed in 10 min', alert: 'HazelcastMigrationsStalled', at: '15m', fires: [{ ...warn(), value: '40' }],
      series: [...healthy(17, ['migrations']), ...PODS.map((p, i) => s('migrationQueueSize', 'partitions', p, i === 0 ? '0 40x16' : '0x17')),
        ...PODS.map((p) => s('totalCompletedMigrations', 'partitions', p, '10x17'))],
    },
    {
      name: 'control: migrations queued and completing', alert: 'HazelcastMigrationsStalled', at: '15m', fires: [],
      series: [...healthy(17, ['migrations']), ...PODS.map((p, i) => s('migrationQueueSize', 'partitions', p, i === 0 ? '0 40x16' : '0x17')),
        ...PODS.map((p) => s('totalCompletedMigrations', 'partitions', p, '10+3x17'))],
    },
    {
      name: 'a member\'s JVM restarted in its pod (a new instance name, uptime from 0)', alert: 'HazelcastMemberRestarted', at: '10m',
      fires: [{ severity: 'warning', namespace: NS, job: JOB, pod: 'hazelcast-2', value: '1' }],
      series: [...healthy(12), s('uptime', 'runtime', 'hazelcast-0', '600000+60000x12'), s('uptime', 'runtime', 'hazelcast-1', '600000+60000x12'),
        { series: `com_hazelcast_Metrics_uptime{namespace="${NS}", job="${JOB}", pod="hazelcast-2", prefix="runtime", exported_instance="hz-old"}`, values: '600000+60000x5 _x7' },
        { series: `com_hazelcast_Metrics_uptime{namespace="${NS}", job="${JOB}", pod="hazelcast-2", prefix="runtime", exported_instance="hz-new"}`, values: '_x6 20000+60000x6' }],
    },
    {
      name: 'control: a new pod (scale-up) starts from 0, no member restarts', alert: 'HazelcastMemberRestarted', at: '10m', fires: [],
      series: [...healthy(12), ...PODS.map((p) => s('uptime', 'runtime', p, '600000+60000x12')),
        s('uptime', 'runtime', 'hazelcast-3', '_x6 20000+60000x6')],
    },
    {
      name: 'no member scraped for 6 min', alert: 'HazelcastMetricsAbsent', at: '10m', fires: [{ ...crit(), value: '1' }],
      series: [...PODS.map((p) => up(p, '1 1 1 0x9'))],
    },
    { name: 'control: members scraped', alert: 'HazelcastMetricsAbsent', at: '10m', fires: [], series: healthy(12) },
  ];

  it('promtool test rules: every alert fires on its case and on none of its controls', () => {
    const r = runCases(cases);
    expect(r.out).toMatch(/SUCCESS/);
    expect(r.code, r.out).toBe(0);
    // every alert has a firing case and a control
    for (const rule of mon.rules) {
      expect(cases.some((c) => c.alert === rule.alert && c.fires.length > 0), rule.alert).toBe(true);
      expect(cases.some((c) => c.alert === rule.alert && c.fires.length === 0), rule.alert).toBe(true);
    }
  });

  it('control for the test: a firing case claimed silent fails under promtool', () => {
    const r = runCases([{ ...cases[0], fires: [] }]);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/FAILED/);
  });

  it('the thresholds are the props: the member-gone case stays silent with a 20 min window', () => {
    const chart = Testing.chart();
    const cluster = new HazelcastCluster(chart, 'Hazelcast', { namespace: NS, replicas: REPLICAS, metrics: {} });
    const slow = new HazelcastMonitoring(chart, 'Monitoring', { cluster, prometheusOperator: false, alerts: { membersBelowReplicasFor: Duration.minutes(20) } });
    const saved = fs.readFileSync(path.join(work, 'rules.yaml'), 'utf-8');
    fs.writeFileSync(path.join(work, 'rules.yaml'), rulesYaml(slow.rulesFile));
    try {
      expect(runCases([{ ...cases[0], fires: [] }]).code).toBe(0);
    } finally {
      fs.writeFileSync(path.join(work, 'rules.yaml'), saved);
    }
  });
});
