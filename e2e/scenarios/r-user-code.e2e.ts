// (r) User code on the members' classpath: a MapStore class from a jar built here (javac against the member's own
// hazelcast jar, e2e/fixtures/user-code/) reaches the members through the stack's `userCode: { image }`:
// an OCI image with the jar and a static busybox `cp`, imported on every node, copied by the `user-code` init
// container into /data/user-code. The MapStore writes through (each store() is a line in the member's log and in
// a file under its /tmp) and loads what no client wrote. Control: the same config without `userCode`.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HazelcastConfig } from '../../lib';
import {
  createRestrictedNamespace, deleteNamespace, kubectl, memberLog, root, synthYaml, waitForCluster, withClient,
} from '../harness/cluster';
import { importImage } from '../harness/pods';

const ns = 'user-code';
const nsControl = 'user-code-none';
const USER_CODE_IMAGE = 'localhost/hz-e2e/user-code:1';
const STORE_CLASS = 'com.example.e2e.E2eMapStore';
const config: HazelcastConfig = {
  map: { persisted: { mapStore: { enabled: true, className: STORE_CLASS, writeDelaySeconds: 0 } } },
};
// What the member logs when a map's store class is not on its classpath (Hazelcast 5.7, seen on these nodes).
const CLASS_NOT_FOUND = `com.hazelcast.core.HazelcastException: java.lang.ClassNotFoundException: ${STORE_CLASS}`;
const STORED = /E2eMapStore stored persisted (key-\d+)=value-\d+/g;

function storedKeys(log: string): string[] {
  return [...log.matchAll(STORED)].map((m) => m[1]);
}

describe('user code from an image: a MapStore from a jar built in the test', () => {
  let workDir: string;
  beforeAll(async () => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hz-e2e-user-code-'));
    const { stdout } = await promisify(execFile)('bash',
      [path.join(root, 'e2e/fixtures/user-code/build.sh'), workDir, USER_CODE_IMAGE], { maxBuffer: 16 << 20 });
    await importImage(stdout.trim());
  });
  afterAll(async () => {
    fs.rmSync(workDir, { recursive: true, force: true });
    await deleteNamespace(ns);
    await deleteNamespace(nsControl);
  });

  it('members load the class from /data/user-code; it writes through and loads', async () => {
    await createRestrictedNamespace(ns);
    await kubectl(['apply', '-f', '-'], synthYaml({ namespace: ns, replicas: 2, config, userCode: { image: USER_CODE_IMAGE } }));
    const { pods } = await waitForCluster(ns, 'hazelcast', 2);

    for (const p of pods) {
      const pod = JSON.parse(await kubectl(['get', 'pod', p.name, '-n', ns, '-o', 'json']));
      const init = pod.status.initContainerStatuses.find((c: any) => c.name === 'user-code');
      expect(init.state.terminated, JSON.stringify(init)).toMatchObject({ exitCode: 0, reason: 'Completed' });
      expect((await kubectl(['exec', p.name, '-n', ns, '-c', 'hazelcast', '--', 'ls', '/data/user-code'])).trim()).toBe('e2e-user-code.jar');
    }

    const { loaded, unknown } = await withClient('hazelcast', pods, async (client) => {
      const map = await client.getMap<string, string>('persisted');
      for (let i = 0; i < 100; i++) await map.set(`key-${i}`, `value-${i}`);
      return { loaded: await map.get('ext-42'), unknown: await map.get('nobody-wrote-this') };
    });
    // load(): a value no client wrote, from the class
    expect(loaded).toBe('loaded-ext-42');
    expect(unknown).toBeNull();

    // store(): each of the 100 writes once, on the member owning the key (write-through: before set() returned)
    const logs = await Promise.all(pods.map((p) => memberLog(ns, p.name)));
    const keys = logs.flatMap(storedKeys);
    expect(keys).toHaveLength(100);
    expect(new Set(keys).size).toBe(100);
    for (const log of logs) expect(log).toContain('E2eMapStore initialized for map persisted');
    const files = await Promise.all(pods.map((p) =>
      kubectl(['exec', p.name, '-n', ns, '-c', 'hazelcast', '--', 'sh', '-c', 'cat /tmp/e2e-map-store/persisted.log 2>/dev/null || true'])));
    const lines = files.flatMap((f) => f.split('\n').filter(Boolean)).sort();
    expect(lines).toEqual(Array.from({ length: 100 }, (_, i) => `key-${i}=value-${i}`).sort());
    expect(logs.join('\n')).not.toContain('ClassNotFoundException');
  });

  it('control: the same config without userCode: members start, the map fails with ClassNotFoundException', async () => {
    await createRestrictedNamespace(nsControl);
    const yaml = synthYaml({ namespace: nsControl, replicas: 1, config });
    expect(yaml).not.toContain('/data/user-code');
    expect(yaml).not.toContain('initContainers');
    await kubectl(['apply', '-f', '-'], yaml);
    const { pods } = await waitForCluster(nsControl, 'hazelcast', 1);

    const error = await withClient('hazelcast', pods, async (client) => {
      const map = await client.getMap<string, string>('persisted');
      return map.set('key-0', 'value-0').then(() => undefined, (e: Error) => e);
    });
    expect(error?.message ?? 'no error').toContain(`ClassNotFoundException: ${STORE_CLASS}`);
    const log = await memberLog(nsControl, pods[0].name);
    expect(log).toContain(CLASS_NOT_FOUND);
    expect(storedKeys(log)).toHaveLength(0);
  });
});
