// (g) The API server accepts every object in dist/ under strict field validation (server-side dry-run), and the
// control: an unknown field is refused, so validation really is strict.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { kubectl, root, tryKubectl } from '../harness/cluster';

describe('server-side validation of dist/', () => {
  it('accepts every object with --dry-run=server --validate=strict', async () => {
    const out = await kubectl(['apply', '--dry-run=server', '--validate=strict', '-f', path.join(root, 'dist')]);
    const kinds = fs.readFileSync(path.join(root, 'dist', 'hazelcast.k8s.yaml'), 'utf-8').match(/^kind: /gm)!.length;
    expect(out.trim().split('\n')).toHaveLength(kinds);
    expect(out).toMatch(/deployment\.apps\/hazelcast (created|configured|unchanged) \(server dry run\)/);
  });

  it('control: an unknown field in the Deployment is refused', async () => {
    const dist = fs.readFileSync(path.join(root, 'dist', 'hazelcast.k8s.yaml'), 'utf-8');
    const broken = dist.replace(/^( {2}replicas: \d+)$/m, '$1\n  replicaz: 3');
    expect(broken).not.toBe(dist);
    const result = await tryKubectl(['apply', '--dry-run=server', '--validate=strict', '-f', '-'], broken);
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/unknown field "spec\.replicaz"/);
  });
});
