// The library from Python and Java: the example apps (examples/python, examples/java) mirror main.ts, run on the
// packages jsii-pacmak built from this repo (`npm run package:polyglot`: build/jsii), with cdk8s and constructs from
// PyPI and Maven Central, and go through the package's safe synth (scripts/synth.cjs, the `hazelcast-cdk8s-synth`
// bin). They must write byte for byte the dist/ that the TypeScript app wrote; the same synth must refuse what it
// refuses in TypeScript, naming the prop, and keep dist/.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Chart, Testing } from 'cdk8s';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cookbook, HazelcastCluster, HazelcastUpgrade } from '../../lib';

const root = path.resolve(__dirname, '..', '..');
const tsDist = fs.readFileSync(path.join(root, 'dist', 'hazelcast.k8s.yaml'), 'utf-8');
const wheelDir = path.join(root, 'build', 'jsii', 'python');
const mavenRepo = path.join(root, 'build', 'jsii', 'java');
// jsii's kernel runs on this Node (20), which it warns about on every start.
const env = { ...process.env, JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1' };

function run(command: string, args: string[], cwd: string, extraEnv: Record<string, string> = {}) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf-8', env: { ...env, ...extraEnv } });
  return { status: result.status, out: `${result.stdout}${result.stderr}`, stdout: result.stdout };
}

/** The package's safe synth in `app` (its cdk8s.yaml names the app command), as a user runs it. */
const safeSynth = (app: string, args: string[] = [], extraEnv: Record<string, string> = {}) =>
  run(process.execPath, [path.join(root, 'scripts', 'synth.cjs'), ...args], app, extraEnv);

const distOf = (app: string) => fs.readFileSync(path.join(app, 'dist', 'hazelcast.k8s.yaml'), 'utf-8');

/** A copy of an example app in a scratch folder, with one text replaced in its main file. */
function copyApp(work: string, example: string, name: string): string {
  const app = path.join(work, name);
  fs.cpSync(path.join(root, 'examples', example), app, { recursive: true, filter: (src) => !/\/(dist|target)$/.test(src) });
  return app;
}

function edit(file: string, from: string, to: string): void {
  const text = fs.readFileSync(file, 'utf-8');
  if (!text.includes(from)) throw new Error(`${file} has no ${from}`);
  fs.writeFileSync(file, text.replace(from, to));
}

let work: string;
beforeAll(() => {
  for (const dir of [wheelDir, mavenRepo]) {
    if (!fs.existsSync(dir)) throw new Error(`${path.relative(root, dir)} is missing: run npm run package:polyglot first`);
  }
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'hz-polyglot-'));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('Python: examples/python on the wheel', () => {
  let venvBin: string;
  let pyEnv: Record<string, string>;
  beforeAll(() => {
    const venv = path.join(work, 'venv');
    expect(run('python3', ['-m', 'venv', venv], work).status).toBe(0);
    venvBin = path.join(venv, 'bin');
    const wheel = fs.readdirSync(wheelDir).find((f) => f.endsWith('.whl'))!;
    const pip = run(path.join(venvBin, 'pip'), ['install', '--quiet', '-r', path.join(root, 'examples', 'python', 'requirements.txt'),
      path.join(wheelDir, wheel)], work);
    expect(pip.status, pip.out).toBe(0);
    pyEnv = { PATH: `${venvBin}:${process.env.PATH}` };
  });

  it('synthesizes dist/ byte for byte as the TypeScript app does', () => {
    const app = copyApp(work, 'python', 'py-same');
    const result = safeSynth(app, [], pyEnv);
    expect(result.status, result.out).toBe(0);
    expect(distOf(app) === tsDist).toBe(true);
  });

  it('writes the same hazelcast.yaml as TypeScript for the same config, whatever order the keys came in', () => {
    // Python hands structs over with their keys sorted; the stack writes the schema's order either way.
    const script = path.join(work, 'config.py');
    fs.writeFileSync(script, [
      'import json',
      'from cdk8s import App, Chart',
      'from hazelcast_kubernetes_cdk8s import Cookbook, HazelcastCluster, HazelcastConfig, HazelcastUpgrade, MapConfig, QueueConfig',
      'chart = Chart(App(), "c", disable_resource_name_hashes=True)',
      'config = HazelcastUpgrade.with_journal(HazelcastConfig(',
      '    map={"orders": MapConfig(time_to_live_seconds=3600, backup_count=2, per_entry_stats_enabled=True)},',
      '    queue={"jobs": QueueConfig(max_size=10, backup_count=1)}), ["orders"])',
      'HazelcastCluster(chart, "A", name="a", config=config)',
      'HazelcastCluster(chart, "B", name="b", config=Cookbook.session_cache())',
      'print(json.dumps([d["data"]["hazelcast.yaml"] for d in chart.to_json() if d["kind"] == "ConfigMap"]))',
    ].join('\n'));
    const py = run(path.join(venvBin, 'python'), [script], work);
    expect(py.status, py.out).toBe(0);
    const chart = new Chart(new App(), 'c', { disableResourceNameHashes: true });
    const config = HazelcastUpgrade.withJournal({
      queue: { jobs: { backupCount: 1, maxSize: 10 } },
      map: { orders: { perEntryStatsEnabled: true, backupCount: 2, timeToLiveSeconds: 3600 } },
    }, ['orders']);
    new HazelcastCluster(chart, 'A', { name: 'a', config });
    new HazelcastCluster(chart, 'B', { name: 'b', config: Cookbook.sessionCache() });
    const ts = Testing.synth(chart).filter((d) => d.kind === 'ConfigMap').map((d) => d.data['hazelcast.yaml']);
    expect(JSON.parse(py.stdout.trim().split('\n').pop()!)).toEqual(ts);
  });

  it('control: a different replica count is a different dist/ (the comparison sees a change)', () => {
    const app = copyApp(work, 'python', 'py-four');
    edit(path.join(app, 'main.py'), 'replicas=3', 'replicas=4');
    const result = safeSynth(app, [], pyEnv);
    expect(result.status, result.out).toBe(0);
    expect(distOf(app)).not.toBe(tsDist);
    expect(distOf(app)).toContain('replicas: 4');
  });

  it('the safe synth refuses replicas 0 and a bad prop, naming them, and keeps dist/', () => {
    const app = copyApp(work, 'python', 'py-refused');
    expect(safeSynth(app, [], pyEnv).status).toBe(0);
    const main = path.join(app, 'main.py');
    edit(main, 'replicas=3', 'replicas=0');
    const zero = safeSynth(app, [], pyEnv);
    expect(zero.status, zero.out).toBe(3);
    expect(zero.out).toMatch(/synthesis refused: applying it would lose the in-memory data of default\/hazelcast/);
    expect(distOf(app) === tsDist).toBe(true);
    edit(main, 'replicas=0', 'replicas=-1');
    const bad = safeSynth(app, [], pyEnv);
    expect(bad.status).not.toBe(0);
    expect(bad.out).toContain("'replicas' (-1) must be an integer from 0 to 271");
    expect(bad.out).toContain('synthesis failed: dist/ was left as it was');
    expect(distOf(app) === tsDist).toBe(true);
  });
});

describe('Java: examples/java on the Maven repository jsii-pacmak wrote', () => {
  const javaApp = `mvn -B -q -Dhazelcast.cdk8s.repo=file://${mavenRepo} compile exec:java`;

  it('synthesizes dist/ byte for byte as the TypeScript app does', () => {
    const app = copyApp(work, 'java', 'java-same');
    const result = safeSynth(app, [`--app=${javaApp}`]);
    expect(result.status, result.out).toBe(0);
    expect(distOf(app) === tsDist).toBe(true);
  });

  it('a bad prop fails the synth naming it, through the Java binding, and dist/ is kept', () => {
    const app = copyApp(work, 'java', 'java-refused');
    expect(safeSynth(app, [`--app=${javaApp}`]).status).toBe(0);
    edit(path.join(app, 'src', 'main', 'java', 'io', 'hazelcastk8s', 'example', 'Main.java'), '.replicas(3)', '.replicas(-1)');
    const bad = safeSynth(app, [`--app=${javaApp}`]);
    expect(bad.status).not.toBe(0);
    expect(bad.out).toContain("'replicas' (-1) must be an integer from 0 to 271");
    expect(bad.out).toContain('synthesis failed: dist/ was left as it was');
    expect(distOf(app) === tsDist).toBe(true);
  });
});
