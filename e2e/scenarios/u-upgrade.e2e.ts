// (u) Upgrading Hazelcast Community Edition from 5.6.0 to 5.7.0.
//
// 1. What the stack does when the `image` moves from 5.6.0 to 5.7.0 (synth, apply): a cluster of 5.6.0 holds
//    10,000 entries and serves a client throughout; the rolling update's new 5.7.0 pod is refused by the 5.6 master
//    (Rolling Member Upgrades are Enterprise-only), shuts down, and the kubelet restarts it again and again. The
//    old members must keep serving and never restart, whatever the new pod does. Rolling back ends it.
// 2. The supported path (lib/upgrade.ts, docs/how-to/upgrade.md), blue/green, applied with the README's
//    pruning command, under a client pod that reads and writes through the client Service `hazelcast-clients` all
//    along (configured as the README says: connection retry, redo-operation) and reports every failure:
//    the old cluster's moved maps get an event journal (`withUpgradeJournal`), which rolls member by member and
//    keeps every entry; a 5.7.0 cluster `hazelcast-v57` beside the 5.6.0 one, with the same cluster name, and the
//    stack's HazelcastUpgradeCopy Job (its program built by `npm run build:upgrade-copy`, in an image made here):
//    Jet jobs on the new cluster copy the old maps (Sources.remoteMap) and then replay and follow their journals
//    (Sources.remoteMapJournal, from the oldest event), and the Job is Ready; the Service switches to the new
//    members; the old cluster and the Job are removed (the synth's check reports that step, and only that one),
//    and the Job's pod cancels the streams once the old members are gone. At the end: 10,000 entries on 5.7.0,
//    every write the client saw succeed there, 0 failed operations, the old cluster gone. Control: a map the client
//    writes the same way but that is only copied once (the point-in-time path) misses the writes made after it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const restartCheck = require('../../scripts/restart-check.cjs');
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Chart, Size } from 'cdk8s';
import type { Client } from 'hazelcast-client';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { blueGreenProps, HazelcastClientService, HazelcastCluster, HazelcastClusterProps, HazelcastUpgradeCopy, withUpgradeJournal } from '../../lib';
import {
  clusterSizeOf, connectClient, createRestrictedNamespace, deleteNamespace, kubectl, memberLog, MemberPod, root, runKubectl, synthApp, synthYaml, waitFor,
  waitForCluster, waitForClusterSafe, withClient,
} from '../harness/cluster';
import { HUB_IP } from '../harness/network';
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

/**
 * Both clusters keep the stack's NetworkPolicy on: client pods carry each cluster's client label, the new members the
 * old one's (blueGreenProps), and the suite's own checks come from the hub's address (externalClientCidrs).
 */
const POLICY = { networkPolicy: true, externalClientCidrs: [`${HUB_IP}/32`] };
const oldProps = { namespace: ns, replicas: 2, image: `docker.io/hazelcast/hazelcast:${OLD}`, ...SMALL, ...POLICY };
/** The copy program's image, as a user would build it (upgrade-copy/Dockerfile), made here by e2e/image/jar-image.sh. */
const COPY_IMAGE = 'localhost/hz-e2e/upgrade-copy:1';

/**
 * `npm run build:upgrade-copy`, the documented command. Maven fetches its plugins from Maven Central on a fresh
 * machine; a refused download fails the build (CI, stop 26, with Maven's own words hidden), so a failed build is
 * tried once more and then fails the test with Maven's output (its errors go to stdout).
 */
function buildCopyJar(): void {
  let output = '';
  for (let attempt = 1; attempt <= 2; attempt++) {
    try {
      execFileSync('npm', ['run', '-s', 'build:upgrade-copy'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
      return;
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string };
      output = `${err.stdout ?? ''}${err.stderr ?? ''}`;
      console.log(`npm run build:upgrade-copy failed (attempt ${attempt} of 2):\n${output.split('\n').slice(-40).join('\n')}`);
    }
  }
  throw new Error(`npm run build:upgrade-copy failed twice; Maven said:\n${output.split('\n').slice(-40).join('\n')}`);
}

/** `npm run build:upgrade-copy` (the documented command), then the jar in an image; imported on every node. */
async function buildCopyImage(): Promise<void> {
  buildCopyJar();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hz-e2e-upgrade-copy-'));
  try {
    const tar = path.join(dir, 'upgrade-copy.oci.tar');
    execFileSync('bash', [path.join(root, 'e2e/image/jar-image.sh'), tar, COPY_IMAGE, path.join(root, 'upgrade-copy/target/hazelcast-upgrade-copy.jar')]);
    await importImage(tar);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The labels that let a client pod through both clusters' NetworkPolicies. */
const CLIENT_OF_BOTH = { 'hazelcast-client': 'true', 'hazelcast-v57-client': 'true' };

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

  it('blue/green under continuous writes: the journal rolls on, a 5.7.0 cluster beside it, copy then stream, clients moved, the 5.6.0 cluster removed; nothing lost, nothing failed', async () => {
    const green = 'hazelcast-v57';
    const clients = 'hazelcast-clients';
    // The maps the upgrade moves with their journal (docs/how-to/upgrade.md, step 1); `watch-control` is the
    // control: the watching client writes it exactly as `watch`, but it is copied once, as the point-in-time path did.
    const streamed = ['data', 'watch'];
    const journaledProps = { ...oldProps, config: withUpgradeJournal(undefined, streamed) };
    const scratch = new HazelcastCluster(new Chart(new App(), 'scratch'), 'Blue', journaledProps);
    // The new cluster runs the copy's Jet jobs, so Jet is on there (off by default); the old one needs none.
    const greenProps = {
      ...blueGreenProps(scratch), name: green, replicas: 2, image: `docker.io/hazelcast/hazelcast:${NEW}`, ...SMALL, ...POLICY,
      config: { jet: { enabled: true } },
    };
    // The app at each step, as a user's main.ts would say it; the copy is there while both clusters are.
    const step = (blue: HazelcastClusterProps | undefined, greenThere: boolean, target: 'blue' | 'green') => synthApp((chart) => {
      const b = blue ? new HazelcastCluster(chart, 'Blue', blue) : undefined;
      const g = greenThere ? new HazelcastCluster(chart, 'Green', greenProps) : undefined;
      if (b && g) new HazelcastUpgradeCopy(chart, 'Upgrade', { oldCluster: b, newCluster: g, maps: streamed, queues: ['jobs'], image: COPY_IMAGE });
      new HazelcastClientService(chart, 'Clients', { name: clients, target: target === 'blue' ? b! : g! });
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
    const steps = {
      service: step(oldProps, false, 'blue'),
      journal: step(journaledProps, false, 'blue'),
      side: step(journaledProps, true, 'blue'),
      switched: step(journaledProps, true, 'green'),
      removed: step(undefined, true, 'green'),
    };
    // the synth's check: the journal, adding the new cluster and switching pass; removing the old one needs the opt-in
    expect(restartCheck.fullRestarts(docs(synthYaml(oldProps)), docs(steps.service))).toEqual([]);
    expect(restartCheck.fullRestarts(docs(steps.service), docs(steps.journal))).toEqual([]);
    expect(restartCheck.fullRestarts(docs(steps.journal), docs(steps.side))).toEqual([]);
    expect(restartCheck.fullRestarts(docs(steps.side), docs(steps.switched))).toEqual([]);
    expect(restartCheck.fullRestarts(docs(steps.switched), docs(steps.removed)).map((f: any) => f.cluster)).toEqual([`${ns}/hazelcast`]);

    await buildCopyImage();
    const blueBefore = await podStates(ns, 'hazelcast');
    expect(blueBefore.every((p) => p.image.endsWith(`:${OLD}`) && p.ready && p.restarts === 0)).toBe(true);
    await apply(steps.service);

    // A client as an application would run it, configured as the README says (connection retry, redo-operation):
    // through the client Service, unisocket, for the whole upgrade, until the test puts "stop" into upgrade-control.
    const address = `${clients}.${ns}.svc.cluster.local:5701`;
    const watchDone = runPod(ns, 'watch', clientCommand(address, 'hazelcast', 'watch',
      ['--duration-seconds', '600', '--map', 'data', '--count', String(ENTRIES), '--own', 'watch', '--control', 'watch-control',
        '--stop-map', 'upgrade-control', '--smart', 'false', '--timeout-seconds', '660']),
    { timeoutMs: 720_000, labels: CLIENT_OF_BOTH });
    watchDone.catch(() => undefined); // awaited below; a step that fails first must not leave it unhandled
    await waitFor('the watching client to write', 60_000, async () => (await countKeys(oldPods, 'watch')) > 20 || undefined, 2000);

    // 1. The event journal on the old cluster: a config change, so it rolls member by member and keeps the data.
    const rollStart = Date.now();
    await apply(steps.journal);
    await kubectl(['rollout', 'status', 'deployment/hazelcast', '-n', ns, '--timeout=300s']);
    const blue = (await waitForCluster(ns, 'hazelcast', 2, 120_000)).pods;
    console.log(`[u] the journal rolled onto the 5.6.0 members in ${Math.round((Date.now() - rollStart) / 1000)} s`);
    // `rollout status` returns once the new pods are available; the last old pod may still be shutting down
    const blueNow = await waitFor('every old pod replaced and gone', 180_000, async () => {
      const states = await podStates(ns, 'hazelcast');
      return states.length === 2 && states.every((p) => !blueBefore.some((b) => b.uid === p.uid)) ? states : undefined;
    }, 1000);
    expect(blueNow.every((p) => p.ready && p.restarts === 0 && p.image.endsWith(`:${OLD}`))).toBe(true);
    const blueYaml = JSON.parse(await kubectl(['get', 'configmap', 'hazelcast-config', '-n', ns, '-o', 'json'])).data['hazelcast.yaml'];
    expect(blueYaml).toMatch(/data:\n(\s+.*\n)*?\s+event-journal:\n\s+enabled: true/);
    expect(await countIntact(blue, 'data', ENTRIES), 'every entry kept through the roll').toBe(ENTRIES);

    // Beyond maps: a queue's items, idle while moved. (Not an IAtomicLong: the CP subsystem is Enterprise-only since
    // 5.5; the npm client refuses it with "CP subsystem is an Enterprise feature".)
    const JOBS = Array.from({ length: 100 }, (_, i) => `job-${i}`);
    await withClient('hazelcast', blue, async (c) => { await (await c.getQueue<string>('jobs')).addAll(JOBS); });

    // 2. The new cluster beside it, with the upgrade's copy Job: one cluster name, two clusters; each member counts
    //    only its own. 3. The Job copies (a batch job per map, the queue's items), then streams each map's journal
    //    from its oldest event on, and is Ready once every stream runs: the condition the docs tell users to wait for.
    const sideAt = Date.now();
    await apply(steps.side);
    const greenPods = (await waitForCluster(ns, green, 2, 240_000)).pods;
    expect((await waitForCluster(ns, 'hazelcast', 2)).pods.map((p) => p.uid).sort()).toEqual(blue.map((p) => p.uid).sort());
    for (const p of greenPods) expect(await memberLog(ns, p.name)).toMatch(/\[hazelcast\] \[5\.7\.0\]/);
    const copyJob = `${green}-upgrade-copy`;
    await kubectl(['wait', `job/${copyJob}`, '-n', ns, '--for=jsonpath={.status.ready}=1', '--timeout=300s']);
    const copiedAt = Date.now();
    const copyPod = JSON.parse(await kubectl(['get', 'pods', '-n', ns, '-l', `job-name=${copyJob}`, '-o', 'json'])).items as any[];
    expect(copyPod.length, 'the Job ran one pod').toBe(1);
    const copyPodName = copyPod[0].metadata.name as string;
    const copyLog = await kubectl(['logs', copyPodName, '-n', ns, '-c', 'upgrade-copy']);
    console.log(`[u] the copy Job was Ready ${Math.round((copiedAt - sideAt) / 1000)} s after the apply; its log:\n${copyLog.split('\n').filter((l) => l.startsWith('upgrade-copy:')).join('\n')}`);
    expect(copyLog).toMatch(new RegExp(`^upgrade-copy: copied map data: ${ENTRIES} entries on ${green}\\.${ns}\\.svc\\.cluster\\.local:5701 \\(COMPLETED\\)$`, 'm'));
    expect(copyLog).toMatch(/^upgrade-copy: copied queue jobs: 100 items$/m);
    expect(copyLog).toMatch(/^upgrade-copy: streaming \[data, watch\] from hazelcast\.upgrade\.svc\.cluster\.local:5701: every stream RUNNING, ready/m);
    expect(await countIntact(greenPods, 'data', ENTRIES)).toBe(ENTRIES);
    // The control: the same writes in a map copied once, the point-in-time path, at the same moment.
    const copyOnce = await runPod(ns, 'copy-once', clientCommand(`${green}.${ns}.svc.cluster.local:5701`, 'hazelcast', 'copy-remote',
      ['--from', `hazelcast.${ns}.svc.cluster.local:5701`, '--from-cluster', 'hazelcast', '--maps', 'watch-control', '--timeout-seconds', '150']),
    { timeoutMs: 240_000, labels: CLIENT_OF_BOTH });
    expect(copyOnce.exitCode, copyOnce.log).toBe(0);
    const jobLines = (await Promise.all(greenPods.map((p) => memberLog(ns, p.name)))).join('\n').split('\n').filter((l) => /upgrade-(copy|stream)-data/.test(l));
    console.log(`[u] the new members about the copy and stream jobs: ${jobLines.slice(0, 3).map((l) => l.replace(/\x1b\[[0-9;]*m/g, '')).join(' | ')}`);

    // 4. The switch: new connections go to the new members; the client's connection stays on an old one, and its
    //    writes there reach the new cluster through the journal.
    await apply(steps.switched);
    const endpoints = await waitFor('the client Service to select the new members', 60_000, async () => {
      const ips = JSON.parse(await kubectl(['get', 'endpointslices', '-n', ns, '-l', `kubernetes.io/service-name=${clients}`, '-o', 'json'])).items
        .flatMap((s: any) => (s.endpoints ?? []).flatMap((e: any) => e.addresses)).sort();
      return JSON.stringify(ips) === JSON.stringify(greenPods.map((p) => p.ip).sort()) ? ips : undefined;
    });
    console.log(`[u] ${clients} now selects ${endpoints.join(', ')} (the 5.7.0 members)`);
    await new Promise((r) => setTimeout(r, 10_000));

    // 5. The old cluster removed, and the copy with it; the client reconnects through the Service, to the new
    //    cluster. The copy's pod, told to stop, waits until the old members are gone, then cancels the streams.
    const copyLogFollow = new Promise<string>((resolve) => execFile('kubectl',
      ['--kubeconfig', inject('kubeconfig'), 'logs', '-f', copyPodName, '-n', ns, '-c', 'upgrade-copy'],
      { maxBuffer: 16 << 20, timeout: 400_000 }, (_err, stdout) => resolve(stdout)));
    const removedAt = Date.now();
    await apply(steps.removed);
    await waitFor('the 5.6.0 members gone', 180_000, async () => (await podStates(ns, 'hazelcast')).length === 0, 1000);
    console.log(`[u] the 5.6.0 members were gone ${Math.round((Date.now() - removedAt) / 1000)} s after the pruning apply`);
    expect((await runKubectl(['get', 'deployment', 'hazelcast', '-n', ns])).code).not.toBe(0);
    await new Promise((r) => setTimeout(r, 5_000));

    // 6. The streams end by themselves: the copy's pod cancels them and exits. The client stops (it has been
    //    writing to the new cluster since the old one left).
    const stopLog = (await copyLogFollow).split('\n').filter((l) => l.startsWith('upgrade-copy:'));
    console.log(`[u] the copy's pod after the removal (${Math.round((Date.now() - removedAt) / 1000)} s):\n${stopLog.slice(-4).join('\n')}`);
    expect(stopLog).toContain('upgrade-copy: asked to stop: waiting for hazelcast.upgrade.svc.cluster.local:5701 to be gone');
    for (const map of streamed) expect(stopLog.join('\n')).toMatch(new RegExp(`^upgrade-copy: stream upgrade-stream-${map} \\(RUNNING\\) cancelled`, 'm'));
    expect(stopLog[stopLog.length - 1]).toBe('upgrade-copy: done: hazelcast.upgrade.svc.cluster.local:5701 is gone and every stream is cancelled');
    // what the new cluster says of the streams: over (stop-streams reports the status each had, and cancels none)
    const stop = await runPod(ns, 'stop-streams', clientCommand(`${green}.${ns}.svc.cluster.local:5701`, 'hazelcast', 'stop-streams',
      ['--maps', streamed.join(',')]), { labels: CLIENT_OF_BOTH });
    console.log(`[u] the streams on 5.7.0: ${stop.log.trim().split('\n').pop()}`);
    expect(stop.exitCode, stop.log).toBe(0);
    expect(clientResult(stop.log).stopped).not.toMatch(/RUNNING/);
    await waitFor('the copy Job gone', 60_000, async () => (await runKubectl(['get', 'pod', copyPodName, '-n', ns])).code !== 0 || undefined, 1000);
    await withClient('hazelcast', greenPods, async (c) => { await (await c.getMap<string, string>('upgrade-control')).put('stop', 'now'); });
    const watch = await watchDone;
    const result = clientResult(watch.log);
    console.log(`[u] the client through ${clients}: ${JSON.stringify(result)}`);
    console.log(`[u] timeline: copy done at ${Math.round((copiedAt - removedAt) / 1000)} s, old cluster removed at 0 s`);
    expect(watch.exitCode, watch.log).toBe(0);
    expect(result.stoppedBy).toBe('stop key');
    expect(result.wrong).toBe(0);
    expect(result.failures, 'operations that failed during the upgrade').toBe(0);
    // what the Java client logs when the address it reconnects through leads to another cluster
    expect(watch.log).toMatch(/Switching from current cluster: [0-9a-f-]{36} to new cluster: [0-9a-f-]{36}/);
    const lists = result.memberLists as string[];
    const greenIPs = greenPods.map((p) => p.ip).sort().join(' ');
    expect(lists[0], 'the client started on the 5.6.0 members').not.toContain(greenPods[0].ip);
    expect(lists[lists.length - 1], 'and ended on the 5.7.0 members').toContain(greenIPs);

    // The end state: every entry on 5.7.0, through the client Service too, and every write the client saw succeed.
    expect(await countIntact(greenPods, 'data', ENTRIES)).toBe(ENTRIES);
    expect(await queueItems(greenPods), 'the queue\'s items, in order, on 5.7.0').toEqual(JOBS);
    const get = await runPod(ns, 'get', clientCommand(address, 'hazelcast', 'get', ['--map', 'data', '--count', String(ENTRIES), '--smart', 'false']), { labels: CLIENT_OF_BOTH });
    expect(clientResult(get.log)).toMatchObject({ ok: true, found: ENTRIES, missing: 0, wrong: 0 });
    const writes = Number(result.writes);
    const onGreen = await withClient('hazelcast', greenPods, async (c) => {
      const own = await c.getMap<number, number>('watch');
      const control = await c.getMap<number, number>('watch-control');
      const keys = new Set((await own.keySet()).map(Number));
      return { keys, control: await control.size() };
    });
    const missing = Array.from({ length: Number(result.lastWritten) + 1 }, (_, i) => i).filter((i) => !onGreen.keys.has(i));
    const controlLost = Number(result.controlWrites) - onGreen.control;
    console.log(`[u] the client's writes: ${writes} made; streamed map: ${onGreen.keys.size} on 5.7.0, ${missing.length} lost${missing.length ? ` (${missing.slice(0, 10).join(', ')}...)` : ''}; `
      + `control (copied once): ${onGreen.control} of ${result.controlWrites} on 5.7.0, ${controlLost} lost (written to 5.6.0 after the copy)`);
    expect(missing, 'writes the client saw succeed that are not on the new cluster').toEqual([]);
    expect(onGreen.keys.size).toBe(writes);
    // control: the same writes, copied once, are not all there
    expect(controlLost, 'the point-in-time copy loses the writes made after it').toBeGreaterThan(0);
    const greenNow = await podStates(ns, green);
    expect(greenNow.every((p) => p.ready && p.restarts === 0 && p.image.endsWith(`:${NEW}`))).toBe(true);
    expect(jobLines.length, 'the new members logged the copy and stream jobs').toBeGreaterThan(0);
  });
});

/** The `jobs` queue's items of a cluster, in order, not taken. */
async function queueItems(pods: MemberPod[]): Promise<string[]> {
  return withClient('hazelcast', pods, async (c) => (await c.getQueue<string>('jobs')).toArray());
}

/** How many keys a map holds (reached at `pods`). */
async function countKeys(pods: MemberPod[], map: string): Promise<number> {
  return withClient('hazelcast', pods, async (client) => (await client.getMap(map)).size());
}

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
