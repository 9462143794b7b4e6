// (u) Upgrading Hazelcast Community Edition from 5.6.0 to 5.7.0.
//
// 1. What the stack does when the `image` moves from 5.6.0 to 5.7.0 (synth, apply): a cluster of 5.6.0 holds
//    10,000 entries and serves a client throughout; the rolling update's new 5.7.0 pod is refused by the 5.6 master
//    (Rolling Member Upgrades are Enterprise-only), shuts down, and the kubelet restarts it again and again. The
//    old members must keep serving and never restart, whatever the new pod does. Rolling back ends it.
// 2. The supported path (lib/upgrade.ts, README "Upgrading Hazelcast"), blue/green, applied with the README's
//    pruning command: a 5.7.0 cluster `hazelcast-v57` beside the 5.6.0 one, with the same cluster name; a client
//    Service `hazelcast-clients` selecting the old members; a Jet job on the new cluster copies the old cluster's
//    maps (Sources.remoteMap); the Service switches to the new members; the old cluster is removed (the synth's
//    check reports that step, and only that one). A client pod works through `hazelcast-clients` all along and
//    reports every failure and the longest gap. At the end: 10,000 entries on 5.7.0, the old cluster gone.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const restartCheck = require('../../../scripts/restart-check.cjs');
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Chart, Size } from 'cdk8s';
import type { Client } from 'hazelcast-client';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { blueGreenProps, HazelcastClientService, HazelcastCluster } from '../../../lib';
import {
  clusterSizeOf, connectClient, createRestrictedNamespace, deleteNamespace, kubectl, memberLog, MemberPod, root, runKubectl, synthApp, synthYaml, waitFor,
  waitForCluster, waitForClusterSafe, withClient,
} from '../../harness/cluster';
import { clientCommand, clientResult, importImage, runPod } from '../harness/pods';

const OLD = '5.6.0';
const NEW = '5.7.0';
const ENTRIES = 10_000;
const ns = 'upgrade';
/** Small members: the scenario runs up to 5 at once on few cores. */
const SMALL = { cpuRequestMillis: 100, memoryLimit: Size.mebibytes(1024) };

/** What the master (an old member) logs when it refuses the new version (5.7 DefaultNodeExtension.validateJoinRequest). */
const REFUSED_BY_MASTER = /Joining node's version (\S+) is not compatible with cluster version (\S+) \(Rolling Member Upgrades are only supported in Hazelcast Enterprise\)/;
/** What the refused joiner logs before it shuts down (Node / ClusterJoinManager). */
const JOINER_SHUTS_DOWN = /Node could not join cluster\. Before join check failed node is going to shutdown now!/;

/** Writes key-<i> -> value-<i> for i < count (what hz-e2e-client's get and watch ops read). */
async function writeEntries(client: Client, map: string, count: number): Promise<void> {
  const m = await client.getMap<string, string>(map);
  for (let from = 0; from < count; from += 1000) {
    await m.putAll(Array.from({ length: Math.min(1000, count - from) }, (_, i) => [`key-${from + i}`, `value-${from + i}`] as [string, string]));
  }
}

/** How many of key-<i> -> value-<i> a cluster (reached at `pods`) holds. */
async function countIntact(pods: MemberPod[], map: string, count: number): Promise<number> {
  return withClient('hazelcast', pods, async (client) => {
    const m = await client.getMap<string, string>(map);
    let intact = 0;
    for (let from = 0; from < count; from += 1000) {
      const entries = await m.getAll(Array.from({ length: Math.min(1000, count - from) }, (_, i) => `key-${from + i}`));
      for (const [k, v] of entries) if (v === `value-${k.slice(4)}`) intact++;
    }
    return intact;
  });
}

/** The member image archive of a Hazelcast version (e2e/image/build.sh, which e2e/nodes/run.sh ran for both versions). */
function imageTar(version: string): string {
  const env = execFileSync('bash', [path.join(root, 'e2e/image/build.sh'), '--print-env', version], { encoding: 'utf-8' });
  const tar = /^MEMBER_IMAGE_TAR=(.+)$/m.exec(env)?.[1];
  if (!tar) throw new Error(`no MEMBER_IMAGE_TAR in:\n${env}`);
  return tar;
}

interface PodState { name: string; uid: string; image: string; ready: boolean; restarts: number; state: string; last?: string }

async function podStates(namespace: string, cluster: string): Promise<PodState[]> {
  const items = JSON.parse(await kubectl(['get', 'pods', '-n', namespace, '-l', `name=${cluster}`, '-o', 'json'])).items as any[];
  return items.map((p) => {
    const c = p.status.containerStatuses?.[0];
    const describe = (s: any) => s?.running ? 'running' : s?.waiting ? `waiting ${s.waiting.reason}` : s?.terminated ? `terminated ${s.terminated.reason} exit ${s.terminated.exitCode}` : 'none';
    return {
      name: p.metadata.name,
      uid: p.metadata.uid,
      image: p.spec.containers[0].image,
      ready: (p.status.conditions ?? []).some((x: any) => x.type === 'Ready' && x.status === 'True'),
      restarts: c?.restartCount ?? 0,
      state: describe(c?.state),
      last: c?.lastState && Object.keys(c.lastState).length ? describe(c.lastState) : undefined,
    };
  });
}

/**
 * A client that keeps working while the scenario changes things: every 100 ms it reads one of the entries (and checks
 * its value) and writes a key of its own; it counts what failed and the longest time between two successes.
 */
class BusyClient {
  reads = 0; writes = 0; failures = 0; wrong = 0; longestGapMs = 0; written: number[] = [];
  errors: string[] = [];
  private stopped = false;
  private loop?: Promise<void>;
  constructor(private client: Client) {}
  start(): this {
    this.loop = (async () => {
      const data = await this.client.getMap<string, string>('data');
      const own = await this.client.getMap<number, number>('busy');
      let lastOk = Date.now();
      for (let i = 0; !this.stopped; i++) {
        try {
          const k = (i * 7919) % ENTRIES;
          const v = await data.get(`key-${k}`);
          if (v !== `value-${k}`) this.wrong++;
          this.reads++;
          await own.put(i, Date.now());
          this.written.push(i);
          this.writes++;
          const now = Date.now();
          this.longestGapMs = Math.max(this.longestGapMs, now - lastOk);
          lastOk = now;
        } catch (e) {
          this.failures++;
          if (this.errors.length < 5) this.errors.push(String((e as Error).message ?? e).split('\n')[0]);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    return this;
  }
  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    await this.client.shutdown();
  }
  summary(): string {
    return `${this.reads} reads, ${this.writes} writes, ${this.failures} failed operations, ${this.wrong} wrong values, longest gap between successes ${this.longestGapMs} ms${this.errors.length ? `; errors: ${this.errors.join(' | ')}` : ''}`;
  }
}

const oldProps = { namespace: ns, replicas: 2, image: `docker.io/hazelcast/hazelcast:${OLD}`, ...SMALL };

describe('upgrading Hazelcast CE from 5.6.0 to 5.7.0', () => {
  let newPodRestarts = 0;
  afterAll(async () => {
    // the refused 5.7.0 pod's restarts are the scenario's own (it is deleted by the rollback, so usually 0 are left)
    await deleteNamespace(ns, { restartsCausedByTheTest: newPodRestarts });
  });

  let oldPods: MemberPod[] = [];

  it('bumping the image 5.6.0 -> 5.7.0: the new pod is refused and restarts, the old cluster keeps serving every entry', async () => {
    await importImage(imageTar(OLD));
    await createRestrictedNamespace(ns);
    await kubectl(['apply', '-f', '-'], synthYaml(oldProps));
    oldPods = (await waitForCluster(ns, 'hazelcast', 2, 240_000)).pods;
    for (const p of oldPods) {
      const log = await memberLog(ns, p.name);
      expect(log, `${p.name} runs ${OLD}`).toMatch(new RegExp(`\\[${OLD.replace(/\./g, '\\.')}\\]`));
      // control for the patterns below: nothing refused yet
      expect(log).not.toMatch(REFUSED_BY_MASTER);
    }
    await withClient('hazelcast', oldPods, (c) => writeEntries(c, 'data', ENTRIES));
    await waitForClusterSafe(oldPods);
    const before = await podStates(ns, 'hazelcast');

    const busy = new BusyClient(await connectClient('hazelcast', oldPods)).start();
    const bumpedAt = Date.now();
    await kubectl(['apply', '-f', '-'], synthYaml({ ...oldProps, image: `docker.io/hazelcast/hazelcast:${NEW}` }));

    // watch the rollout for 150 s
    const timeline: string[] = [];
    let newPod: PodState | undefined;
    for (let t = 0; t < 30; t++) {
      await new Promise((r) => setTimeout(r, 5000));
      const d = JSON.parse(await kubectl(['get', 'deployment', 'hazelcast', '-n', ns, '-o', 'json']));
      const states = await podStates(ns, 'hazelcast');
      newPod = states.find((s) => s.image.endsWith(`:${NEW}`));
      const st = d.status;
      timeline.push(`${Math.round((Date.now() - bumpedAt) / 1000)} s: deployment replicas=${st.replicas} updated=${st.updatedReplicas ?? 0} ready=${st.readyReplicas ?? 0} available=${st.availableReplicas ?? 0} unavailable=${st.unavailableReplicas ?? 0}; `
        + states.map((s) => `${s.name} ${s.image.split(':').pop()} ready=${s.ready} restarts=${s.restarts} ${s.state}${s.last ? ` (last: ${s.last})` : ''}`).join('; '));
    }
    const d = JSON.parse(await kubectl(['get', 'deployment', 'hazelcast', '-n', ns, '-o', 'json']));
    const rollout = await runKubectl(['rollout', 'status', 'deployment/hazelcast', '-n', ns, '--timeout=5s']);
    await busy.stop();
    console.log(`[u] after the bump:\n  ${timeline.join('\n  ')}`);
    console.log(`[u] deployment conditions: ${JSON.stringify(d.status.conditions.map((c: any) => `${c.type}=${c.status} ${c.reason}: ${c.message}`))}`);
    console.log(`[u] kubectl rollout status (5 s): exit ${rollout.code}: ${(rollout.stdout + rollout.stderr).trim()}`);
    console.log(`[u] busy client during the bump: ${busy.summary()}`);

    expect(newPod, 'a 5.7.0 pod was created by the rolling update').toBeDefined();
    const master = await memberLog(ns, oldPods.map((p) => p.name).sort()[0]);
    const masterLines = [...(await memberLog(ns, oldPods[0].name)).split('\n'), ...(await memberLog(ns, oldPods[1].name)).split('\n')]
      .filter((l) => REFUSED_BY_MASTER.test(l));
    console.log(`[u] old members logged ${masterLines.length} refusals, first: ${masterLines[0]}`);
    expect(masterLines.length, master.slice(-3000)).toBeGreaterThan(0);
    const m = REFUSED_BY_MASTER.exec(masterLines[0])!;
    expect(m[1]).toMatch(/^5\.7\./);
    expect(m[2]).toMatch(/^5\.6/);
    // the kubelet serves the log of the current or (while it waits to restart) the last run of the refused member
    const joinerLog = await waitFor('the 5.7.0 member to log its refusal', 90_000, async () => {
      for (const args of [[], ['--previous']]) {
        const r = await runKubectl(['logs', newPod!.name, '-n', ns, ...args]);
        if (r.code === 0 && JOINER_SHUTS_DOWN.test(r.stdout)) return r.stdout;
      }
      return undefined;
    }, 2000);
    const plain = joinerLog.replace(/\x1b\[[0-9;]*m/g, '').split('\n');
    console.log(`[u] the 5.7.0 member's log:\n${plain.filter((l) => /Before join check failed|Reason of failure for node join|Terminating forcefully|is SHUTDOWN|Node failed to start/.test(l)).slice(0, 6).join('\n')}`);
    expect(joinerLog).toMatch(/Reason of failure for node join: Joining node's version 5\.7\.0 is not compatible with cluster version 5\.6 \(Rolling Member Upgrades are only supported in Hazelcast Enterprise\)/);
    expect(joinerLog).toMatch(/IllegalStateException: Node failed to start!/);
    const terminated = JSON.parse(await kubectl(['get', 'pod', newPod!.name, '-n', ns, '-o', 'json'])).status.containerStatuses[0];
    const exit = terminated.lastState?.terminated ?? terminated.state?.terminated;
    console.log(`[u] the 5.7.0 container's last exit: ${JSON.stringify(exit && { reason: exit.reason, exitCode: exit.exitCode })}`);
    expect(exit?.exitCode).toBe(1);
    expect(newPod!.ready, 'the 5.7.0 pod never became ready').toBe(false);
    expect(newPod!.restarts, 'the kubelet restarted the refused 5.7.0 member').toBeGreaterThan(0);
    newPodRestarts = newPod!.restarts;

    // the old members: same pods, never restarted, ready, one cluster of 2, every entry there
    const after = await podStates(ns, 'hazelcast');
    for (const b of before) {
      const a = after.find((x) => x.uid === b.uid);
      expect(a, `old member ${b.name} still there`).toBeDefined();
      expect(a!.restarts, `old member ${b.name} restarts`).toBe(0);
      expect(a!.ready).toBe(true);
    }
    // each old member still counts exactly the two of them (the refused member never joined)
    expect(await Promise.all(oldPods.map((p) => clusterSizeOf(p.ip)))).toEqual([2, 2]);
    expect(await countIntact(oldPods, 'data', ENTRIES)).toBe(ENTRIES);
    expect(busy.failures, busy.summary()).toBe(0);
    expect(busy.wrong).toBe(0);

    // Rolling back (the same apply with 5.6.0) removes the refused pod; the old members stay untouched.
    await kubectl(['apply', '-f', '-'], synthYaml(oldProps));
    await kubectl(['rollout', 'status', 'deployment/hazelcast', '-n', ns, '--timeout=120s']);
    await waitFor('the 5.7.0 pod gone', 120_000, async () => (await podStates(ns, 'hazelcast')).every((s) => s.image.endsWith(`:${OLD}`)));
    const rolledBack = await podStates(ns, 'hazelcast');
    expect(rolledBack.map((s) => s.uid).sort()).toEqual(before.map((s) => s.uid).sort());
    expect(rolledBack.every((s) => s.restarts === 0)).toBe(true);
    newPodRestarts = 0;
    expect(await countIntact(oldPods, 'data', ENTRIES)).toBe(ENTRIES);
  });

  it('blue/green: a 5.7.0 cluster beside it, the maps copied by a Jet job, clients moved by a Service, the 5.6.0 cluster removed', async () => {
    const green = 'hazelcast-v57';
    const clients = 'hazelcast-clients';
    const scratch = new HazelcastCluster(new Chart(new App(), 'scratch'), 'Blue', oldProps);
    const greenProps = { ...blueGreenProps(scratch), name: green, replicas: 2, image: `docker.io/hazelcast/hazelcast:${NEW}`, ...SMALL };
    // The app at each step, as a user's main.ts would say it.
    const step = (blueThere: boolean, target: 'blue' | 'green') => synthApp((chart) => {
      const b = blueThere ? new HazelcastCluster(chart, 'Blue', oldProps) : undefined;
      const g = new HazelcastCluster(chart, 'Green', greenProps);
      new HazelcastClientService(chart, 'Clients', { name: clients, target: target === 'blue' ? b! : g });
    });
    const docs = (yaml: string) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hz-e2e-dist-'));
      try {
        fs.writeFileSync(path.join(dir, 'stack.k8s.yaml'), yaml);
        return restartCheck.loadDist(dir);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    };
    const steps = { side: step(true, 'blue'), switched: step(true, 'green'), removed: step(false, 'green') };
    // the synth's check: adding the new cluster and switching pass, removing the old cluster needs the opt-in
    expect(restartCheck.fullRestarts(docs(synthYaml(oldProps)), docs(steps.side))).toEqual([]);
    expect(restartCheck.fullRestarts(docs(steps.side), docs(steps.switched))).toEqual([]);
    expect(restartCheck.fullRestarts(docs(steps.switched), docs(steps.removed)).map((f: any) => f.cluster)).toEqual([`${ns}/hazelcast`]);

    const blueBefore = await podStates(ns, 'hazelcast');
    expect(blueBefore.every((p) => p.image.endsWith(`:${OLD}`) && p.ready && p.restarts === 0)).toBe(true);
    await apply(steps.side);
    const greenPods = (await waitForCluster(ns, green, 2, 240_000)).pods;
    // one cluster name, two clusters: each member counts only its own
    expect((await waitForCluster(ns, 'hazelcast', 2)).pods.map((p) => p.uid).sort()).toEqual(blueBefore.map((p) => p.uid).sort());
    for (const p of greenPods) expect(await memberLog(ns, p.name)).toMatch(/\[hazelcast\] \[5\.7\.0\]/);
    expect(await countIntact(greenPods, 'data', ENTRIES), 'the new cluster starts empty').toBe(0);

    // a client as an application would run it: through the client Service, unisocket, for the whole upgrade
    const address = `${clients}.${ns}.svc.cluster.local:5701`;
    const watchDone = runPod(ns, 'watch', clientCommand(address, 'hazelcast', 'watch',
      ['--duration-seconds', '150', '--map', 'data', '--count', String(ENTRIES), '--own', 'watch', '--smart', 'false', '--timeout-seconds', '200']),
    { timeoutMs: 300_000 });
    await new Promise((r) => setTimeout(r, 15_000));

    const copy = await runPod(ns, 'copy', clientCommand(`${green}.${ns}.svc.cluster.local:5701`, 'hazelcast', 'copy-remote',
      ['--from', `hazelcast.${ns}.svc.cluster.local:5701`, '--from-cluster', 'hazelcast', '--maps', 'data,watch', '--timeout-seconds', '150']),
    { timeoutMs: 240_000 });
    console.log(`[u] copy: ${copy.log.trim().split('\n').pop()}`);
    expect(copy.exitCode, copy.log).toBe(0);
    const copiedAt = Date.now();
    expect(await countIntact(greenPods, 'data', ENTRIES)).toBe(ENTRIES);
    const jobLines = (await Promise.all(greenPods.map((p) => memberLog(ns, p.name)))).join('\n').split('\n').filter((l) => /upgrade-copy-data/.test(l));
    console.log(`[u] the new members about the copy job: ${jobLines.slice(0, 3).map((l) => l.replace(/\x1b\[[0-9;]*m/g, '')).join(' | ')}`);

    await apply(steps.switched);
    const endpoints = await waitFor('the client Service to select the new members', 60_000, async () => {
      const ips = JSON.parse(await kubectl(['get', 'endpointslices', '-n', ns, '-l', `kubernetes.io/service-name=${clients}`, '-o', 'json'])).items
        .flatMap((s: any) => (s.endpoints ?? []).flatMap((e: any) => e.addresses)).sort();
      return JSON.stringify(ips) === JSON.stringify(greenPods.map((p) => p.ip).sort()) ? ips : undefined;
    });
    console.log(`[u] ${clients} now selects ${endpoints.join(', ')} (the 5.7.0 members)`);
    await new Promise((r) => setTimeout(r, 10_000));

    const removedAt = Date.now();
    await apply(steps.removed);
    await waitFor('the 5.6.0 members gone', 180_000, async () => (await podStates(ns, 'hazelcast')).length === 0, 1000);
    console.log(`[u] the 5.6.0 members were gone ${Math.round((Date.now() - removedAt) / 1000)} s after the pruning apply`);
    expect((await runKubectl(['get', 'deployment', 'hazelcast', '-n', ns])).code).not.toBe(0);

    const watch = await watchDone;
    const result = clientResult(watch.log);
    console.log(`[u] the client through ${clients}: ${JSON.stringify(result)}`);
    console.log(`[u] timeline: copy done at ${Math.round((copiedAt - removedAt) / 1000)} s, old cluster removed at 0 s`);
    expect(watch.exitCode, watch.log).toBe(0);
    expect(result.wrong).toBe(0);
    expect(result.failures, 'operations that failed during the upgrade').toBe(0);
    // what the Java client logs when the address it reconnects through leads to another cluster
    expect(watch.log).toMatch(/Switching from current cluster: [0-9a-f-]{36} to new cluster: [0-9a-f-]{36}/);
    const lists = result.memberLists as string[];
    const greenIPs = greenPods.map((p) => p.ip).sort().join(' ');
    expect(lists[0], 'the client started on the 5.6.0 members').not.toContain(greenPods[0].ip);
    expect(lists[lists.length - 1], 'and ended on the 5.7.0 members').toContain(greenIPs);

    // the end state: every entry on 5.7.0, through the client Service too
    expect(await countIntact(greenPods, 'data', ENTRIES)).toBe(ENTRIES);
    const get = await runPod(ns, 'get', clientCommand(address, 'hazelcast', 'get', ['--map', 'data', '--count', String(ENTRIES), '--smart', 'false']));
    expect(clientResult(get.log)).toMatchObject({ ok: true, found: ENTRIES, missing: 0, wrong: 0 });
    // the client's own writes: those made to the old cluster after the copy read them did not reach the new one
    const size = clientResult((await runPod(ns, 'watch-size', clientCommand(address, 'hazelcast', 'size', ['--map', 'watch', '--smart', 'false']))).log);
    console.log(`[u] the client's writes: ${result.writes} made, ${size.size} on the 5.7.0 cluster, ${Number(result.writes) - Number(size.size)} lost (written to 5.6.0 after the copy)`);
    expect(Number(size.size)).toBeLessThanOrEqual(Number(result.writes));
    const greenNow = await podStates(ns, green);
    expect(greenNow.every((p) => p.ready && p.restarts === 0 && p.image.endsWith(`:${NEW}`))).toBe(true);
    expect(jobLines.length, 'the new members logged the copy job').toBeGreaterThan(0);
  });
});

/** The README's apply command: `KUBECTL_APPLYSET=true kubectl apply -f <dist> --prune --applyset=<parent> -n <ns>`. */
async function apply(yaml: string): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hz-e2e-upgrade-'));
  fs.writeFileSync(path.join(dir, 'stack.k8s.yaml'), yaml);
  try {
    await new Promise<void>((resolve, reject) => execFile('kubectl',
      ['--kubeconfig', inject('kubeconfig'), 'apply', '-f', dir, '--prune', '--applyset=hazelcast-applyset', '-n', ns],
      { env: { ...process.env, KUBECTL_APPLYSET: 'true' } },
      (err, stdout, stderr) => (err ? reject(new Error(`apply: ${stderr}${stdout}`)) : resolve())));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
