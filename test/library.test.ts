// The project as a library: another cdk8s app imports it by its package name, with its type declarations.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Testing } from 'cdk8s';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HazelcastCluster } from '../lib';

const root = path.resolve(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf-8'));

describe('examples/multi-cluster, built against the package entry point', () => {
  let appDir: string;

  beforeAll(() => {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.json')], { cwd: root });
    // What `npm install <this package>` leaves: node_modules/<name> holding the package, beside the app's own cdk8s.
    appDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hz-library-'));
    fs.mkdirSync(path.join(appDir, 'node_modules'));
    fs.symlinkSync(root, path.join(appDir, 'node_modules', pkg.name));
    for (const dep of ['cdk8s', 'cdk8s-plus-27', 'constructs', '@types']) {
      fs.symlinkSync(path.join(root, 'node_modules', dep), path.join(appDir, 'node_modules', dep));
    }
    fs.copyFileSync(path.join(root, 'examples', 'multi-cluster', 'main.ts'), path.join(appDir, 'main.ts'));
  }, 120_000); // a full tsc build, imports/ included: over vitest's 10 s hook default on a busy machine
  afterAll(() => fs.rmSync(appDir, { recursive: true, force: true }));

  it('type-checks against the declarations and synthesizes both clusters', () => {
    const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '--strict', '--module', 'commonjs',
      '--target', 'ES2022', '--types', 'node', '--outDir', appDir, path.join(appDir, 'main.ts')], { cwd: appDir, encoding: 'utf-8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    const outdir = path.join(appDir, 'dist');
    const run = spawnSync(process.execPath, [path.join(appDir, 'main.js')], { cwd: appDir, encoding: 'utf-8', env: { ...process.env, CDK8S_OUTDIR: outdir } });
    expect(run.stderr).toBe('');
    const yaml = fs.readFileSync(path.join(outdir, 'platform.k8s.yaml'), 'utf-8');
    expect(yaml).toMatch(/^ {2}name: sessions$/m);
    expect(yaml).toMatch(/^ {2}name: catalog$/m);
    // The cdk8s-plus client's pod template and the sessions NetworkPolicy both carry it: nothing else does.
    expect(yaml.match(/^ +sessions-client: "true"$/gm)).toHaveLength(2);
    expect(yaml).toMatch(/kind: NetworkPolicy[\s\S]*sessions-client: "true"/);
  });

  it('the entry point named in package.json is what `npm run build` writes', () => {
    expect(fs.existsSync(path.join(root, pkg.main))).toBe(true);
    expect(fs.existsSync(path.join(root, pkg.types))).toBe(true);
  });
});

describe('two clusters in one namespace', () => {
  const chart = Testing.chart();
  const sessions = new HazelcastCluster(chart, 'Sessions', { name: 'sessions', namespace: 'platform' });
  const catalog = new HazelcastCluster(chart, 'Catalog', { name: 'catalog', namespace: 'platform' });
  const manifests = Testing.synth(chart) as any[];

  it('have no two objects of the same kind and name', () => {
    const ids = manifests.map((m) => `${m.kind}/${m.metadata.namespace}/${m.metadata.name}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(12);
  });

  it('select disjoint pods and bind each Role to its own ServiceAccount', () => {
    expect(sessions.selector).toEqual({ name: 'sessions' });
    expect(catalog.selector).toEqual({ name: 'catalog' });
    const bindings = manifests.filter((m) => m.kind === 'RoleBinding');
    expect(bindings.map((b) => [b.roleRef.name, b.subjects[0].name])).toEqual([['sessions', 'sessions'], ['catalog', 'catalog']]);
  });

  it('discover only their own Service and carry different cluster names', () => {
    const envOf = (name: string) => manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === name)
      .spec.template.spec.containers[0].env;
    const value = (name: string, key: string) => envOf(name).find((e: any) => e.name === key).value;
    expect(value('sessions', 'HZ_NETWORK_JOIN_KUBERNETES_SERVICENAME')).toBe('sessions');
    expect(value('catalog', 'HZ_NETWORK_JOIN_KUBERNETES_SERVICENAME')).toBe('catalog');
    expect(value('sessions', 'HZ_CLUSTERNAME')).not.toBe(value('catalog', 'HZ_CLUSTERNAME'));
  });
});
