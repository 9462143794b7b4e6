// The synth's refusal of changes that would lose a cluster's in-memory data (scripts/restart-check.cjs), each with
// a control that changes something else and passes; and `npm run synth` refusing one, keeping dist/, and taking the
// opt-in.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Testing } from 'cdk8s';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HazelcastCluster, HazelcastClusterProps } from '../lib';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const check = require('../scripts/restart-check.cjs');
const root = path.resolve(__dirname, '..');

function docs(...clusters: HazelcastClusterProps[]): unknown[] {
  const chart = Testing.chart();
  clusters.forEach((props, i) => new HazelcastCluster(chart, `C${i}`, props));
  return Testing.synth(chart);
}

const reasons = (before: HazelcastClusterProps[], after: HazelcastClusterProps[]): Array<{ cluster: string; reason: string }> =>
  check.fullRestarts(docs(...before), docs(...after));

const V56 = 'docker.io/hazelcast/hazelcast:5.6.0';
const V57 = 'docker.io/hazelcast/hazelcast:5.7.0';

describe('changes that would lose the in-memory data', () => {
  it('a CE image of another minor version (5.6.0 -> 5.7.0, and back) is reported; the same version with other changes is not', () => {
    const up = reasons([{ image: V56 }], [{ image: V57 }]);
    expect(up).toHaveLength(1);
    expect(up[0].cluster).toBe('default/hazelcast');
    expect(up[0].reason).toContain('image 5.6.0 -> 5.7.0');
    expect(up[0].reason).toContain('Rolling Member Upgrades are only supported in Hazelcast Enterprise');
    expect(reasons([{ image: V57 }], [{ image: V56 }])).toHaveLength(1);
    // controls: a rolling change of the same version, the default image (= 5.7.0), a patch level, an Enterprise image
    expect(reasons([{ image: V57, replicas: 3 }], [{ replicas: 5, memoryLimit: undefined, loggingLevel: 'WARN' }])).toEqual([]);
    expect(reasons([{ image: 'docker.io/hazelcast/hazelcast:5.3.6' }], [{ image: 'docker.io/hazelcast/hazelcast:5.3.8' }])).toEqual([]);
    expect(reasons([{ image: 'docker.io/hazelcast/hazelcast-enterprise:5.6.0' }], [{ image: 'docker.io/hazelcast/hazelcast-enterprise:5.7.0' }])).toEqual([]);
  });

  it('a changed cluster name is reported; the same cluster name is not', () => {
    const found = reasons([{}], [{ clusterName: 'other' }]);
    expect(found).toHaveLength(1);
    expect(found[0].reason).toMatch(/^cluster name "hazelcast" -> "other": new members never join the old ones/);
    expect(reasons([{}], [{ clusterName: 'hazelcast' }])).toEqual([]);
  });

  it('a changed partition count is reported; another config change is not', () => {
    const before = { config: { properties: { 'hazelcast.partition.count': '271' } } };
    const found = reasons([before], [{ config: { properties: { 'hazelcast.partition.count': '1009' } } }]);
    expect(found).toHaveLength(1);
    expect(found[0].reason).toMatch(/^partition count 271 -> 1009/);
    // no config at all is Hazelcast's 271 too
    expect(reasons([{}], [before])).toEqual([]);
    expect(reasons([before], [{ config: { properties: { 'hazelcast.partition.count': '271', 'hazelcast.heartbeat.interval.seconds': '2' } } }])).toEqual([]);
  });

  it('zoneAware turned on or off is reported (partition groups differ); zoneAware kept on is not', () => {
    const on = reasons([{}], [{ zoneAware: true }]);
    expect(on).toHaveLength(1);
    expect(on[0].reason).toMatch(/^partition groups none -> ZONE_AWARE \(zoneAware turned on\)/);
    expect(reasons([{ zoneAware: true }], [{}])[0].reason).toMatch(/^partition groups ZONE_AWARE -> none \(zoneAware turned off\)/);
    expect(reasons([{ zoneAware: true }], [{ zoneAware: true, replicas: 4 }])).toEqual([]);
  });

  it('a renamed, moved or removed cluster is reported; adding a second cluster is not', () => {
    expect(reasons([{}], [{ name: 'hazelcast-v2' }])[0].reason).toMatch(/member Deployment is no longer in dist\/.*deletes all 3 members at once/);
    expect(reasons([{}], [{ namespace: 'other' }])[0].cluster).toBe('default/hazelcast');
    expect(reasons([{}, { name: 'b' }], [{}])).toEqual([{ cluster: 'default/b', reason: expect.stringContaining('no longer in dist/') }]);
    expect(reasons([{}], [{}, { name: 'hazelcast-v2', image: V56 }])).toEqual([]);
  });

  it('members moving between a Deployment and a StatefulSet (externalAccess) are reported; a StatefulSet cluster is checked like a Deployment one', () => {
    const external = { service: { type: 'NodePort' as const }, externalAccess: {} };
    const on = reasons([{}], [external]);
    expect(on).toHaveLength(1);
    expect(on[0].reason).toMatch(/^the members move from a Deployment to a StatefulSet \(externalAccess turned on\)/);
    expect(reasons([external], [{}])[0].reason).toMatch(/from a StatefulSet to a Deployment/);
    expect(reasons([{ ...external, image: V56 }], [{ ...external, image: V57 }])[0].reason).toContain('image 5.6.0 -> 5.7.0');
    // control: a StatefulSet cluster with a rolling change
    expect(reasons([external], [{ ...external, replicas: 4 }])).toEqual([]);
  });

  it('replicas to 0 is reported; a cluster that had no members is never reported', () => {
    expect(reasons([{ replicas: 2 }], [{ replicas: 0 }])[0].reason).toBe('replicas 2 -> 0 stops every member, and the data is gone');
    expect(reasons([{ replicas: 0, image: V56 }], [{ name: 'x', clusterName: 'y' }])).toEqual([]);
    expect(reasons([{ replicas: 3 }], [{ replicas: 1 }])).toEqual([]);
  });

  it('nothing to compare with on the first synth', () => {
    expect(check.fullRestarts([], docs({}))).toEqual([]);
    expect(check.loadDist(path.join(os.tmpdir(), 'no-such-dist-folder'))).toEqual([]);
  });

  it('--allow-full-restart names the clusters it allows (or all); anything else on the command line is refused', () => {
    const found = [{ cluster: 'default/a', reason: 'x' }, { cluster: 'default/b', reason: 'y' }];
    expect(check.judge(found, check.allowedFromArgv(['--allow-full-restart=default/a']))).toEqual({ refused: [found[1]], allowed: [found[0]] });
    expect(check.judge(found, check.allowedFromArgv(['--allow-full-restart=all'])).refused).toEqual([]);
    expect(check.judge(found, check.allowedFromArgv([])).refused).toEqual(found);
    expect(() => check.allowedFromArgv(['--allow-data-loss'])).toThrow(/unknown argument '--allow-data-loss'/);
  });
});

describe('npm run synth refuses a version bump against the previous dist/', () => {
  let copy: string;
  const run = (args: string[] = []) => spawnSync(process.execPath, [path.join(copy, 'scripts', 'synth.cjs'), ...args], { cwd: copy, encoding: 'utf-8' });
  const dist = () => fs.readFileSync(path.join(copy, 'dist', 'hazelcast.k8s.yaml'), 'utf-8');

  beforeAll(() => {
    copy = fs.mkdtempSync(path.join(os.tmpdir(), 'hz-restart-check-'));
    for (const entry of ['main.ts', 'lib', 'imports', 'scripts', 'dist', 'tsconfig.json', 'cdk8s.yaml', 'package.json']) {
      fs.cpSync(path.join(root, entry), path.join(copy, entry), { recursive: true });
    }
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(copy, 'node_modules'));
  });
  afterAll(() => fs.rmSync(copy, { recursive: true, force: true }));

  it('keeps dist/ and names the opt-in; with it, writes the new dist/ and warns', () => {
    const before = dist();
    expect(before).toContain(`image: ${V57}`);
    const main = path.join(copy, 'main.ts');
    fs.writeFileSync(main, fs.readFileSync(main, 'utf-8').replace('{ replicas: 3,', `{ replicas: 3, image: '${V56}',`));
    const refused = run();
    expect(refused.status).toBe(3);
    expect(refused.stderr).toContain('default/hazelcast: image 5.7.0 -> 5.6.0: Community Edition members of another minor version are refused');
    expect(refused.stderr).toContain('npm run synth -- --allow-full-restart=default/hazelcast');
    expect(dist()).toBe(before);

    const allowed = run(['--allow-full-restart=default/hazelcast']);
    expect(allowed.status, allowed.stderr).toBe(0);
    expect(allowed.stderr).toContain('warning: default/hazelcast: image 5.7.0 -> 5.6.0');
    expect(dist()).toContain(`image: ${V56}`);
    // control: the next synth compares with the dist/ it just wrote, and a rolling change passes without opt-in
    fs.writeFileSync(main, fs.readFileSync(main, 'utf-8').replace('{ replicas: 3,', '{ replicas: 4,'));
    const rolling = run();
    expect(rolling.status, rolling.stderr).toBe(0);
    expect(dist()).toMatch(/^ {2}replicas: 4$/m);
  });
});
