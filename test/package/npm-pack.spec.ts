// The project as an npm package: `npm pack` from a fresh checkout (no build/) runs `prepack`, which compiles the
// library; the tarball installs offline into a scratch cdk8s project, which type-checks against its declarations
// and synthesizes two clusters with it.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf-8'));
const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf-8'));
const npm = (args: string[], cwd: string) => execFileSync('npm', [...args, '--no-audit', '--no-fund', '--no-update-notifier'],
  { cwd, encoding: 'utf-8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_loglevel: 'error' } });

const registry = 'https://registry.npmjs.org/';
const lockVersion = (name: string): string => lock.packages[`node_modules/${name}`].version;

/**
 * A lockfile for the scratch project: the package from its tarball, and every package it and the project need
 * (dependencies and peers, recursively) as this repo's lockfile has them, marked as non-dev.
 */
function consumerLock(manifest: { name: string; version: string; dependencies: Record<string, string> }, tarball: string, integrity: string) {
  const packages: Record<string, any> = {
    '': { name: manifest.name, version: manifest.version, dependencies: manifest.dependencies },
    [`node_modules/${pkg.name}`]: {
      version: pkg.version, resolved: `file:${tarball}`, integrity,
      dependencies: pkg.dependencies, peerDependencies: pkg.peerDependencies, bin: pkg.bin,
    },
  };
  // Node's lookup: a package's dependency is nested under it (bundled ones, other versions) or else at the top.
  const pending = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})].map((name) => ['', name]);
  while (pending.length > 0) {
    const [from, name] = pending.pop()!;
    const key = [`${from}/node_modules/${name}`, `node_modules/${name}`].find((k) => !k.startsWith('/') && lock.packages[k]);
    // Absent only for optional peers that this repo does not install either.
    if (key === undefined || packages[key]) continue;
    const { dev: _dev, devOptional: _devOptional, ...entry } = lock.packages[key];
    // The tarball's address, which this repo's lockfile may omit (omit-lockfile-registry-resolved): with it and
    // the integrity, npm takes the tarball from its cache and asks the registry for nothing.
    const basename = name.split('/').pop();
    packages[key] = entry.inBundle || entry.resolved ? entry : { ...entry, resolved: `${registry}${name}/-/${basename}-${entry.version}.tgz` };
    pending.push(...[...Object.keys(entry.dependencies ?? {}), ...Object.keys(entry.peerDependencies ?? {})].map((dep) => [key, dep]));
  }
  return { name: manifest.name, version: manifest.version, lockfileVersion: 3, requires: true, packages };
}

const consumerMain = `import { App, Chart } from 'cdk8s';
import { HazelcastCluster, HazelcastClusterProps } from '${pkg.name}';

const app = new App();
const chart = new Chart(app, 'platform', { disableResourceNameHashes: true });
const props: HazelcastClusterProps = { namespace: 'platform', replicas: 2 };
new HazelcastCluster(chart, 'Sessions', { ...props, name: 'sessions', networkPolicy: true });
new HazelcastCluster(chart, 'Catalog', { ...props, name: 'catalog', zoneAware: true });
app.synth();
`;

describe(`npm pack, then npm install --offline of the tarball in another cdk8s project`, () => {
  let work: string;
  let files: string[];
  let consumer: string;

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'hz-package-'));
    // A fresh checkout: the files git tracks or would track, no build/, with the installed node_modules beside them.
    const clone = path.join(work, 'clone');
    const listed = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: root, encoding: 'utf-8' })
      .split('\0').filter((f) => f && fs.existsSync(path.join(root, f)) && fs.lstatSync(path.join(root, f)).isFile());
    for (const file of listed) {
      fs.mkdirSync(path.dirname(path.join(clone, file)), { recursive: true });
      fs.copyFileSync(path.join(root, file), path.join(clone, file));
    }
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(clone, 'node_modules'));
    expect(fs.existsSync(path.join(clone, 'build'))).toBe(false);

    const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', work], clone));
    files = packed.files.map((f: { path: string }) => f.path).sort();

    // A cdk8s project of its own, with cdk8s and constructs at the versions this repo pins and the stack from the
    // tarball. npm ci fetched tarballs but no registry metadata into the cache, so the install goes by a lockfile
    // (this repo's entries for what the package needs, plus the tarball): `npm ci --offline`, no network.
    consumer = path.join(work, 'consumer');
    fs.mkdirSync(consumer);
    const tarball = path.join(work, packed.filename);
    const dependencies = { [pkg.name]: `file:${tarball}`, cdk8s: lockVersion('cdk8s'), constructs: lockVersion('constructs') };
    const manifest = { name: 'platform', version: '1.0.0', private: true, dependencies };
    fs.writeFileSync(path.join(consumer, 'package.json'), JSON.stringify(manifest, null, 2));
    fs.writeFileSync(path.join(consumer, 'package-lock.json'), JSON.stringify(consumerLock(manifest, tarball, packed.integrity), null, 2));
    fs.writeFileSync(path.join(consumer, 'main.ts'), consumerMain);
    npm(['ci', '--offline', '--ignore-scripts'], consumer);
  }, 120_000);
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  it('ships the compiled library, its declarations and the generated imports, and no sources, tests, e2e or dist', () => {
    for (const file of ['package.json', 'README.md', 'CHANGELOG.md', 'build/lib/index.js', 'build/lib/index.d.ts',
      'build/lib/hazelcast-cluster.d.ts', 'build/lib/collisions.js', 'build/imports/k8s.js', 'build/imports/k8s.d.ts']) {
      expect(files, file).toContain(file);
    }
    // Negative control: nothing outside build/lib and build/imports but the top-level files, the jsii assembly, the
    // synth bin and the upgrade copy's sources (a user builds its image from them), without its build output; and
    // ajv with its dependencies, bundled as jsii requires for a dependency that is not a jsii module (the
    // generated validators run on it).
    const bundled = new Set(files.filter((f) => f.startsWith('node_modules/')).map((f) => f.split('/')[1]));
    expect([...bundled].sort()).toEqual(['ajv', 'ajv-formats', 'fast-deep-equal', 'fast-uri', 'json-schema-traverse', 'require-from-string']);
    expect(files.filter((f) => !/^build\/(lib|imports)\/[^/]+\.(js|d\.ts)$/.test(f) && !f.startsWith('node_modules/'))).toEqual(
      ['.jsii', 'CHANGELOG.md', 'LICENSE', 'README.md', 'package.json', 'scripts/restart-check.cjs', 'scripts/synth.cjs',
        'upgrade-copy/Dockerfile', 'upgrade-copy/pom.xml', 'upgrade-copy/src/main/java/hazelcastk8s/upgrade/UpgradeCopy.java']);
    for (const prefix of ['test/', 'e2e/', 'upgrade-copy/target/', 'dist/', 'lib/', 'imports/', 'examples/', 'scripts/app', 'scripts/bundle', 'bench/', 'main.ts', 'build/app.js']) {
      expect(files.filter((f) => f.startsWith(prefix)), prefix).toEqual([]);
    }
  });

  it('is installed with one cdk8s and one constructs, the project\'s own (peer dependencies)', () => {
    const installed = path.join(consumer, 'node_modules', pkg.name);
    expect(JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf-8')).version).toBe(pkg.version);
    for (const dep of ['cdk8s', 'constructs']) {
      expect(require.resolve(dep, { paths: [installed] })).toBe(require.resolve(dep, { paths: [consumer] }));
      expect(fs.existsSync(path.join(installed, 'node_modules', dep)), `${pkg.name}/node_modules/${dep}`).toBe(false);
    }
  });

  it('type-checks a cdk8s app against the declarations and synthesizes two clusters with it', () => {
    const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '--strict', '--module', 'commonjs',
      '--target', 'ES2022', '--outDir', consumer, path.join(consumer, 'main.ts')], { cwd: consumer, encoding: 'utf-8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    const outdir = path.join(consumer, 'dist');
    const run = spawnSync(process.execPath, [path.join(consumer, 'main.js')], { cwd: consumer, encoding: 'utf-8', env: { ...process.env, CDK8S_OUTDIR: outdir } });
    expect(run.stderr).toBe('');
    const yaml = fs.readFileSync(path.join(outdir, 'platform.k8s.yaml'), 'utf-8');
    const deployments = [...yaml.matchAll(/^kind: Deployment\nmetadata:\n(?: {2}.*\n)*? {2}name: (\S+)$/gm)].map((m) => m[1]);
    expect(deployments).toEqual(['sessions', 'catalog']);
    expect(yaml).toMatch(/^kind: NetworkPolicy$/m);
    expect(yaml).toMatch(/^ {2}name: platform\.catalog\.node-reader$/m);
  });

  it('hazelcast-cdk8s-synth (the package\'s bin) refuses replicas 0 and a minor bump against the app\'s dist/, keeps it, and writes a good change', () => {
    const app = path.join(work, 'safe-app');
    fs.mkdirSync(app);
    fs.symlinkSync(path.join(consumer, 'node_modules'), path.join(app, 'node_modules'));
    fs.writeFileSync(path.join(app, 'cdk8s.yaml'), 'language: typescript\napp: node main.js\noutput: dist\n');
    const main = (props: string) => fs.writeFileSync(path.join(app, 'main.js'), `const { App, Chart } = require('cdk8s');
const { HazelcastCluster } = require('${pkg.name}');
const app = new App();
new HazelcastCluster(new Chart(app, 'platform', { disableResourceNameHashes: true }), 'Cache', { namespace: 'platform', ${props} });
app.synth();
`);
    const bin = path.join(app, 'node_modules', '.bin', 'hazelcast-cdk8s-synth');
    const synth = (...args: string[]) => {
      const run = spawnSync(bin, args, { cwd: app, encoding: 'utf-8' });
      if (run.error) throw run.error;
      return run;
    };
    const distFile = path.join(app, 'dist', 'platform.k8s.yaml');

    main('replicas: 3');
    expect(synth().status).toBe(0);
    const good = fs.readFileSync(distFile, 'utf-8');
    expect(good).toMatch(/^ {2}replicas: 3$/m);
    for (const [change, reason] of [['replicas: 0', /platform\/hazelcast: replicas 3 -> 0 stops every member/], ["replicas: 3, image: 'docker.io/hazelcast/hazelcast:5.6.0'", /platform\/hazelcast: image 5.7.0 -> 5.6.0: Community Edition members of another minor version/]] as const) {
      main(change);
      const refused = synth();
      expect(refused.status, refused.stderr).toBe(3);
      expect(refused.stderr).toMatch(reason);
      expect(refused.stderr).toContain('npm run synth -- --allow-full-restart=platform/hazelcast');
      expect(fs.readFileSync(distFile, 'utf-8')).toBe(good);
    }
    // a bad prop: the synth fails, dist/ stays
    main('replicas: -1');
    const failed = synth();
    expect(failed.status).not.toBe(0);
    expect(failed.stderr).toContain("'replicas' (-1) must be an integer");
    expect(fs.readFileSync(distFile, 'utf-8')).toBe(good);
    // a pass-through Kubernetes field the API would refuse: the library's API schema check, from the tarball
    main("replicas: 3, sidecars: [{ name: 'log', image: 'busybox:1.37', args: 'run' }]");
    const invalid = synth();
    expect(invalid.status).not.toBe(0);
    expect(invalid.stderr).toContain(`'sidecars[0]' is not a valid Kubernetes Container: args ("run") must be array`);
    expect(fs.readFileSync(distFile, 'utf-8')).toBe(good);
    // control: a rolling change goes through
    main('replicas: 4');
    expect(synth().status).toBe(0);
    expect(fs.readFileSync(distFile, 'utf-8')).toMatch(/^ {2}replicas: 4$/m);
  });

  it('refuses, from the installed package too, two clusters of one name in one namespace', () => {
    fs.writeFileSync(path.join(consumer, 'clash.js'), `const { App, Chart } = require('cdk8s');
const { HazelcastCluster } = require('${pkg.name}');
const app = new App({ outdir: ${JSON.stringify(path.join(consumer, 'clash'))} });
const chart = new Chart(app, 'platform');
new HazelcastCluster(chart, 'A', { namespace: 'platform' });
new HazelcastCluster(chart, 'B', { namespace: 'platform' });
app.synth();
`);
    const run = spawnSync(process.execPath, [path.join(consumer, 'clash.js')], { cwd: consumer, encoding: 'utf-8' });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('Deployment "hazelcast" in namespace "platform" is written by both platform/A/Deployment and platform/B/Deployment');
  });
});
