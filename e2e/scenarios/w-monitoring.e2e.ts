// (w) Monitoring with a real Prometheus (built from the Prometheus Go module) and a real fault.
// HazelcastMonitoring without the Operator (none runs here): its kubernetes_sd scrape job finds the members through
// the metrics Service (the ServiceMonitor's selector and port) and Prometheus evaluates its rules file. Every
// dashboard query and every alert's signal returns series from the real members; a steady cluster fires no alert
// over a minute (the control); a member lost (its node cordoned, its pod deleted, so no replacement can start) makes
// HazelcastMembersBelowReplicas go pending, then firing after its `for`; a scale-down with data moves the
// migration metrics.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Duration, Size } from 'cdk8s';
import type { Client } from 'hazelcast-client';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { HazelcastCluster, HazelcastMonitoring, rulesYaml } from '../../lib';
import { connectClient, createRestrictedNamespace, deleteNamespace, kubectl, memberPods, synthApp, waitFor, waitForCluster, withClient } from '../harness/cluster';
import { HUB_IP } from '../harness/network';
import { Prometheus } from '../harness/prometheus';

const ns = 'monitoring';
/** Prometheus scrapes and evaluates every EVAL seconds. */
const EVAL = 5;
const BELOW_FOR_SECONDS = 20;
const ENTRIES = 2_000;

/** The app: 3 members, one a node (so a lost node leaves a member unplaceable), metrics, and its monitoring; the suite's
 * own checks and client come from the hub's address (externalClientCidrs). */
function app(replicas: number): { yaml: string; monitoring: HazelcastMonitoring } {
  let monitoring: HazelcastMonitoring | undefined;
  const yaml = synthApp((chart) => {
    const cluster = new HazelcastCluster(chart, 'Hazelcast', {
      namespace: ns, replicas, metrics: {}, networkPolicy: true, externalClientCidrs: [`${HUB_IP}/32`], nodeAntiAffinity: 'required',
      cpuRequestMillis: 100, memoryLimit: Size.mebibytes(1024),
    });
    monitoring = new HazelcastMonitoring(chart, 'Monitoring', {
      cluster, prometheusOperator: false,
      serviceMonitor: { interval: Duration.seconds(EVAL), scrapeTimeout: Duration.seconds(4) },
      alerts: { membersBelowReplicasFor: Duration.seconds(BELOW_FOR_SECONDS), metricsAbsentFor: Duration.seconds(30) },
    });
  });
  return { yaml, monitoring: monitoring! };
}

describe('monitoring with a real Prometheus', () => {
  let prom: Prometheus | undefined;
  let client: Client | undefined;
  let cordoned: string | undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hz-e2e-prometheus-'));
  afterAll(async () => {
    await client?.shutdown();
    await prom?.stop();
    if (cordoned) await kubectl(['uncordon', cordoned]);
    await deleteNamespace(ns);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const { yaml, monitoring } = app(3);

  it('Prometheus finds the 3 members through the metrics Service; every dashboard query and every alert signal returns series', async () => {
    await createRestrictedNamespace(ns);
    await kubectl(['apply', '-f', '-'], yaml);
    const { pods } = await waitForCluster(ns, 'hazelcast', 3, 240_000);
    await withClient('hazelcast', pods, async (c) => {
      const m = await c.getMap<string, string>('data');
      await m.putAll(Array.from({ length: ENTRIES }, (_, i) => [`key-${i}`, `value-${i}`] as [string, string]));
    });
    client = await connectClient('hazelcast', pods); // a client connection for the dashboard's panel

    const scrape = { ...monitoring.scrapeConfig, kubernetes_sd_configs: (monitoring.scrapeConfig.kubernetes_sd_configs as object[]).map((c) => ({ ...c, kubeconfig_file: inject('kubeconfig') })) };
    prom = await Prometheus.start({ dir, port: 19090, scrapeConfigs: [scrape], rules: rulesYaml(monitoring.rulesFile), evaluationSeconds: EVAL });
    const targets = await waitFor('3 targets up', 120_000, async () => {
      const t = await prom!.targets();
      return t.length === 3 && t.every((x) => x.health === 'up') ? t : undefined;
    }, 1000);
    expect(targets.map((t) => t.pod).sort()).toEqual(pods.map((p) => p.name).sort());

    const queries = [
      ...monitoring.panels.flatMap((p) => p.queries.map((q) => ({ what: `panel "${p.title}" ${q.legend}`, expr: q.expr }))),
      ...monitoring.rules.map((r) => ({ what: `alert ${r.alert}'s signal`, expr: r.signal })),
    ];
    const counts: string[] = [];
    for (const q of queries) {
      // rates need two samples, increases a few: give each up to a minute
      const result = await waitFor(`series for ${q.what}`, 60_000, async () => {
        const r = await prom!.query(q.expr);
        return r.length > 0 ? r : undefined;
      }, 2000);
      counts.push(`${q.what}: ${result.length} series, e.g. ${result[0].value[1]}`);
    }
    console.log(`[w] ${queries.length} queries against the real members:\n  ${counts.join('\n  ')}`);
    const entries = await prom.query(monitoring.panels.find((p) => p.title.startsWith('Map entries'))!.queries[0].expr);
    expect(entries.find((e) => e.metric.tag0?.includes('name=data'))?.value[1]).toBe(String(ENTRIES));
    expect(Number((await prom.query(monitoring.rules[0].signal))[0].value[1]), 'the members-below signal counts 3').toBe(3);
  });

  it('control: a steady cluster fires no alert for a minute', async () => {
    await new Promise((r) => setTimeout(r, 60_000));
    const alerts = await prom!.queryRange('ALERTS', 60, EVAL);
    expect(alerts.map((a) => `${a.metric.alertname} ${a.metric.alertstate}`), 'alerts in the last minute').toEqual([]);
    expect(await prom!.alerts()).toEqual([]);
  });

  it('a member lost (node cordoned, pod deleted): HazelcastMembersBelowReplicas goes pending, then firing after its `for`', async () => {
    const pods = await memberPods(ns, 'hazelcast');
    const victim = pods[0];
    const node = JSON.parse(await kubectl(['get', 'pod', victim.name, '-n', ns, '-o', 'json'])).spec.nodeName as string;
    await kubectl(['cordon', node]);
    cordoned = node;
    const lostAt = Date.now();
    await kubectl(['delete', 'pod', victim.name, '-n', ns, '--wait=false']);
    let pendingAt: number | undefined;
    const firingAt = await waitFor('HazelcastMembersBelowReplicas firing', 180_000, async () => {
      const a = (await prom!.alerts()).find((x) => x.labels.alertname === 'HazelcastMembersBelowReplicas');
      if (a?.state === 'pending' && pendingAt === undefined) pendingAt = Date.now();
      return a?.state === 'firing' ? Date.now() : undefined;
    }, 1000);
    const s = (t: number) => `${((t - lostAt) / 1000).toFixed(1)} s`;
    const others = (await prom!.alerts()).filter((x) => x.labels.alertname !== 'HazelcastMembersBelowReplicas').map((x) => `${x.labels.alertname} ${x.state}`);
    console.log(`[w] member ${victim.name} on ${node} lost at 0 s: pending at ${pendingAt ? s(pendingAt) : 'never seen'}, firing at ${s(firingAt)} (for: ${BELOW_FOR_SECONDS} s, every ${EVAL} s); other alerts then: ${others.join(', ') || 'none'}`);
    expect(pendingAt, 'seen pending before firing').toBeDefined();
    expect(firingAt - pendingAt!, 'firing no sooner than its for after pending').toBeGreaterThanOrEqual((BELOW_FOR_SECONDS - EVAL) * 1000);
    // the replacement could not start: no node left for it
    const replacement = (JSON.parse(await kubectl(['get', 'pods', '-n', ns, '-l', 'name=hazelcast', '-o', 'json'])).items as any[])
      .filter((p) => p.metadata.name !== victim.name && !pods.some((q) => q.name === p.metadata.name));
    expect(replacement.map((p) => p.status.phase)).toEqual(['Pending']);

    await kubectl(['uncordon', node]);
    cordoned = undefined;
    await waitForCluster(ns, 'hazelcast', 3, 240_000);
    const resolvedAt = await waitFor('the alert resolved', 120_000, async () =>
      (await prom!.alerts()).some((x) => x.labels.alertname === 'HazelcastMembersBelowReplicas') ? undefined : Date.now(), 1000);
    console.log(`[w] node uncordoned: 3 members again, the alert resolved at ${s(resolvedAt)}`);
  });

  it('a scale-down with data moves the migration metrics', async () => {
    const completed = `max(com_hazelcast_Metrics_totalCompletedMigrations{namespace="${ns}", prefix="partitions"})`;
    const before = Number((await prom!.query(completed))[0].value[1]);
    await kubectl(['apply', '-f', '-'], app(2).yaml);
    await waitForCluster(ns, 'hazelcast', 2, 180_000);
    const after = await waitFor('completed migrations to rise', 90_000, async () => {
      const v = Number((await prom!.query(completed))[0]?.value[1]);
      return v > before ? v : undefined;
    }, 2000);
    console.log(`[w] scale-down 3 -> 2 with ${ENTRIES} entries: completed migrations (the master's) ${before} -> ${after}`);
    expect(after).toBeGreaterThan(before);
    expect(await withClient('hazelcast', await memberPods(ns, 'hazelcast'), async (c) => (await c.getMap('data')).size())).toBe(ENTRIES);
  });
});
