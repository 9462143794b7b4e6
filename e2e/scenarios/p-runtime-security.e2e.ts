// (p) Runtime security, as runc applied it: the member's JVM, read from /proc on the node, runs as uid 65534 with
// no effective capabilities, no new privileges and a seccomp filter (mode 2), and cannot write to its root
// filesystem. Control: the same image run as root without those settings shows uid 0, capabilities, no seccomp,
// and writes to / — so the readings are real.
import * as fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createRestrictedNamespace, deleteNamespace, jvmPidOfPod, kubectl, runKubectl, synthYaml, tryKubectl, waitForCluster,
} from '../harness/cluster';
import { runPod } from '../harness/pods';

const ns = 'runtime';
const privileged = 'runtime-control';

function statusField(status: string, field: string): string {
  return new RegExp(`^${field}:\\s*(.*)$`, 'm').exec(status)![1].trim();
}

describe('runtime security', () => {
  afterAll(async () => {
    await deleteNamespace(ns);
    await tryKubectl(['delete', 'namespace', privileged, '--wait=true', '--timeout=120s']);
  });

  it('the member process: uid 65534, no capabilities, seccomp mode 2, read-only root', async () => {
    await createRestrictedNamespace(ns);
    await kubectl(['apply', '-f', '-'], synthYaml({ namespace: ns, replicas: 1 }));
    const { pods } = await waitForCluster(ns, 'hazelcast', 1);
    const status = fs.readFileSync(`/proc/${jvmPidOfPod(pods[0].uid)}/status`, 'utf-8');
    expect(statusField(status, 'Uid').split(/\s+/)).toEqual(['65534', '65534', '65534', '65534']);
    expect(statusField(status, 'CapEff')).toBe('0000000000000000');
    expect(statusField(status, 'NoNewPrivs')).toBe('1');
    expect(statusField(status, 'Seccomp')).toBe('2');
    const write = await runKubectl(['exec', pods[0].name, '-n', ns, '--', 'sh', '-c', 'echo x > /written-by-e2e']);
    expect(write.code).not.toBe(0);
    expect(write.stderr).toMatch(/Read-only file system/);
  });

  it('control: the same image as root, unconfined, shows what the settings take away', async () => {
    await kubectl(['create', 'namespace', privileged]);
    const run = await runPod(privileged, 'as-root', ['sh', '-c', 'grep -E "^(Uid|CapEff|Seccomp):" /proc/self/status; echo x > /written-by-e2e && echo wrote'],
      { securityContext: { runAsUser: 0, runAsNonRoot: false, readOnlyRootFilesystem: false, seccompProfile: { type: 'Unconfined' } } });
    expect(run.exitCode, run.log).toBe(0);
    expect(statusField(run.log, 'Uid').split(/\s+/)[0]).toBe('0');
    expect(statusField(run.log, 'CapEff')).not.toBe('0000000000000000');
    expect(statusField(run.log, 'Seccomp')).toBe('0');
    expect(run.log).toMatch(/^wrote$/m);
  });
});
