// The README's apply command fits what `npm run synth` writes: one ApplySet with a namespaced parent covers one
// namespace, so every namespaced object of dist/ must be in the namespace the command names (e2e scenario q shows
// kubectl refusing objects of another namespace).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Yaml } from 'cdk8s';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf-8');
const COMMAND = /KUBECTL_APPLYSET=true kubectl apply -f dist --prune --applyset=([a-z0-9-]+) -n ([a-z0-9-]+)/;

describe('the README apply command', () => {
  it('is on the first screen and in the resize example, before any section', () => {
    const firstScreen = readme.slice(0, readme.indexOf('\n## '));
    const resize = firstScreen.slice(firstScreen.indexOf('To resize'));
    expect(firstScreen).toMatch(COMMAND);
    expect(resize).toMatch(/apply with the same command/);
    // Control: no bare `kubectl apply -f dist` is offered as the way to apply.
    expect(firstScreen).not.toMatch(/`kubectl apply -f dist`/);
  });

  it('names the one namespace of every namespaced object in dist/', () => {
    const [, , namespace] = COMMAND.exec(readme)!;
    const objects = fs.readdirSync(path.join(root, 'dist')).filter((f) => f.endsWith('.yaml'))
      .flatMap((f) => Yaml.load(path.join(root, 'dist', f)) as Array<{ kind: string; metadata: { namespace?: string } }>);
    const clusterScoped = objects.filter((o) => ['ClusterRole', 'ClusterRoleBinding', 'Namespace'].includes(o.kind));
    const namespaces = new Set(objects.filter((o) => !clusterScoped.includes(o)).map((o) => o.metadata.namespace));
    expect([...namespaces]).toEqual([namespace]);
  });
});
