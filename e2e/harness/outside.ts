// A machine outside the pod network, as an office or another data centre is: its own network namespace with one
// address on the nodes' network (the hub's bridge) and NO route to the pod network (10.244.0.0/16), unlike the hub
// where the tests run. It resolves no names but localhost (an empty hosts file of its own): clients there are given
// addresses.
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HUB_BRIDGE, NODE_PREFIX } from './network';

export interface Outside {
  /** Network namespace name. */
  netns: string;
  ip: string;
}

function netnsName(suffix: string): string {
  // under the run's id, so that e2e/nodes/run.sh removes it too if the scenario is killed
  return `${process.env.E2E_RUN_ID ?? 'hz-e2e'}-nx${suffix}`;
}

/** Creates the namespace, a veth pair from it to the hub's bridge, the address, and no routes beyond the /24. */
export function createOutside(suffix: string, ip: string): Outside {
  const netns = netnsName(suffix);
  deleteOutside({ netns, ip });
  const hostEnd = `vx${suffix}`.slice(0, 15);
  execFileSync('ip', ['netns', 'add', netns]);
  execFileSync('ip', ['link', 'add', hostEnd, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns]);
  execFileSync('ip', ['link', 'set', hostEnd, 'master', HUB_BRIDGE, 'up']);
  execFileSync('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
  execFileSync('ip', ['-n', netns, 'addr', 'add', `${ip}/${NODE_PREFIX}`, 'dev', 'eth0']);
  execFileSync('ip', ['-n', netns, 'link', 'set', 'eth0', 'up']);
  // `ip netns exec` bind-mounts /etc/netns/<netns>/hosts over /etc/hosts
  const etc = path.join('/etc/netns', netns);
  fs.mkdirSync(etc, { recursive: true });
  fs.writeFileSync(path.join(etc, 'hosts'), '127.0.0.1 localhost\n');
  return { netns, ip };
}

/** Removes the namespace (its veth pair goes with it) and its hosts file. */
export function deleteOutside(o: Outside): void {
  try { execFileSync('ip', ['netns', 'delete', o.netns], { stdio: 'ignore' }); } catch { /* not there */ }
  fs.rmSync(path.join('/etc/netns', o.netns), { recursive: true, force: true });
}

/** The routes of the namespace, for the test to show there is none to the pod network. */
export function routesOf(o: Outside): string {
  return execFileSync('ip', ['-n', o.netns, 'route', 'show'], { encoding: 'utf-8' });
}

export interface ClientReport {
  ok: boolean;
  error?: string;
  found?: number;
  members?: { address: string; public: string | null }[];
  connections?: string[];
  sockets?: string[];
}

/**
 * Runs e2e/harness/outside-client.cjs (the official npm client) inside `o`, or in the hub when `o` is
 * undefined (the control that has routes to the pods), and returns its report.
 */
export function runClient(o: Outside | undefined, opts: {
  addresses: string[]; cluster: string; smart: boolean; publicIp?: boolean; count?: number; timeoutMs?: number; expectConnections?: number;
}): Promise<ClientReport & { exitCode: number; stderr: string }> {
  const script = path.join(__dirname, 'outside-client.cjs');
  const args = [script, '--addresses', opts.addresses.join(','), '--cluster', opts.cluster, '--smart', String(opts.smart),
    '--count', String(opts.count ?? 200), '--timeout-ms', String(opts.timeoutMs ?? 30_000),
    ...(opts.publicIp !== undefined ? ['--public-ip', String(opts.publicIp)] : []),
    ...(opts.expectConnections !== undefined ? ['--expect-connections', String(opts.expectConnections)] : [])];
  const [cmd, argv] = o ? ['ip', ['netns', 'exec', o.netns, process.execPath, ...args]] : [process.execPath, args];
  return new Promise((resolve) => {
    execFile(cmd, argv, { cwd: path.resolve(__dirname, '..', '..'), timeout: (opts.timeoutMs ?? 30_000) + 60_000 }, (err, stdout, stderr) => {
      const exitCode = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      const line = stdout.trim().split('\n').reverse().find((l) => l.startsWith('{'));
      const report: ClientReport = line ? JSON.parse(line) : { ok: false, error: `no report; stdout: ${stdout}` };
      resolve({ ...report, exitCode, stderr });
    });
  });
}
