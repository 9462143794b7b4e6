// The synth pipeline as users run it: the app command in cdk8s.yaml and `npm run synth`, as real processes.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');

function readTree(dir: string): Record<string, string> {
  return Object.fromEntries(fs.readdirSync(dir).sort().map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf-8')]));
}

function run(script: string, cwd: string, env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [path.join(cwd, 'scripts', script)], {
    cwd, env: { ...process.env, ...env }, encoding: 'utf-8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('dist/', () => {
  it('is exactly what the app command in cdk8s.yaml synthesizes now', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'hz-synth-'));
    try {
      const appCommand = /^app: (.*)$/m.exec(fs.readFileSync(path.join(root, 'cdk8s.yaml'), 'utf-8'))![1];
      expect(appCommand).toBe('node scripts/app.cjs');
      const result = run('app.cjs', root, { CDK8S_OUTDIR: out });
      expect(result.stderr.replace(/^bundling main.ts.*\n/m, '')).toBe('');
      expect(result.code).toBe(0);
      expect(readTree(out)).toEqual(readTree(path.join(root, 'dist')));
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});

// A copy of the project (sharing node_modules) whose main.ts the tests edit.
describe('npm run synth in a copy of the project', () => {
  let copy: string;
  const mainTs = () => path.join(copy, 'main.ts');
  const distYaml = () => fs.readFileSync(path.join(copy, 'dist', 'hazelcast.k8s.yaml'), 'utf-8');

  beforeAll(() => {
    copy = fs.mkdtempSync(path.join(os.tmpdir(), 'hz-project-'));
    for (const entry of ['main.ts', 'lib', 'imports', 'scripts', 'dist', 'tsconfig.json', 'cdk8s.yaml', 'package.json']) {
      fs.cpSync(path.join(root, entry), path.join(copy, entry), { recursive: true });
    }
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(copy, 'node_modules'));
  });
  afterAll(() => fs.rmSync(copy, { recursive: true, force: true }));

  it('recompiles when a source changed and writes the new replica count', () => {
    expect(run('synth.cjs', copy).code).toBe(0);
    fs.writeFileSync(mainTs(), fs.readFileSync(mainTs(), 'utf-8').replace('replicas: 3', 'replicas: 5'));
    const result = run('synth.cjs', copy);
    expect(result.stderr).toContain('bundling main.ts (sources changed)');
    expect(result.code).toBe(0);
    expect(distYaml()).toMatch(/^ {2}replicas: 5$/m);
  });

  it('fails on a bad prop with the message, and leaves dist/ as it was', () => {
    const before = readTree(path.join(copy, 'dist'));
    fs.writeFileSync(mainTs(), fs.readFileSync(mainTs(), 'utf-8').replace(/replicas: \d+/, 'replicas: -1'));
    const result = run('synth.cjs', copy);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("'replicas' (-1) must be an integer from 0 to 271");
    expect(result.stderr).toContain('dist/ was left as it was');
    expect(readTree(path.join(copy, 'dist'))).toEqual(before);
    expect(fs.readdirSync(copy).filter((f) => f.startsWith('.synth-'))).toEqual([]);
  });

  it('fails on a member config the Hazelcast schema refuses, naming path, value and rule, and leaves dist/ as it was', () => {
    fs.writeFileSync(mainTs(), fs.readFileSync(mainTs(), 'utf-8').replace(/replicas: -?\d+/, 'replicas: 3')
      .replace('networkPolicy: true', "networkPolicy: true, config: { queue: { events: { maxSize: -1 } } }"));
    const before = readTree(path.join(copy, 'dist'));
    const result = run('synth.cjs', copy);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("'config' is not a valid Hazelcast 5.7.0 member config: config.queue.events.maxSize (-1) must be >= 0 (schema rule minimum");
    expect(result.stderr).toContain('dist/ was left as it was');
    expect(readTree(path.join(copy, 'dist'))).toEqual(before);
  });
});
