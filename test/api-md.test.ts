// docs/API.md is jsii-docgen's reference of the package's API (the root module; the `k8s` and `monitoring`
// submodules are cdk8s import's types of Kubernetes and the Prometheus Operator, documented by their own projects).
// This compiles the library with jsii, as the package build does, and checks that the committed file is exactly
// what `npm run docs:api` writes.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);

describe('docs/API.md', () => {
  it('is what jsii-docgen writes from the library as it is now, and documents every construct', () => {
    const env = { ...process.env, JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1' };
    execFileSync(bin('jsii'), ['--generate-tsconfig', 'tsconfig.jsii.json'], { cwd: root, env, stdio: 'pipe' });
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'api-md-')), 'API.md');
    try {
      execFileSync(bin('jsii-docgen'), ['-s', 'root', '-o', out], { cwd: root, env, stdio: 'pipe' });
      const generated = fs.readFileSync(out, 'utf-8');
      const committed = fs.readFileSync(path.join(root, 'docs', 'API.md'), 'utf-8');
      expect(generated === committed, 'docs/API.md is out of date: run npm run docs:api').toBe(true);
      for (const name of ['HazelcastCluster', 'HazelcastClusterProps', 'HazelcastMonitoring', 'HazelcastUpgradeCopy', 'Cookbook', 'HazelcastConfig', 'MapConfig']) {
        expect(committed, name).toContain(`### ${name} <a name="${name}"`);
      }
    } finally {
      fs.rmSync(path.dirname(out), { recursive: true, force: true });
    }
  }, 90_000);
});
