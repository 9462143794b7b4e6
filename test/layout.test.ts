// The shape of lib/: no file a reader cannot hold in their head (300 lines at most), and no import circle (type
// imports included), so each module reads on its own from the leaves (names.ts, validation.ts) up.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const lib = path.resolve(__dirname, '..', 'lib');
const modules = fs.readdirSync(lib).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3));
const source = (m: string) => fs.readFileSync(path.join(lib, `${m}.ts`), 'utf-8');

/** Each module's imports of other lib/ modules (`from './x'`), index.ts (which only re-exports) left out. */
function importGraph(): Map<string, string[]> {
  return new Map(modules.filter((m) => m !== 'index')
    .map((m) => [m, [...source(m).matchAll(/from '\.\/([a-z-]+)'/g)].map((x) => x[1])]));
}

/** One import circle of the graph, as a path that comes back to its start, or undefined. */
function findCircle(graph: Map<string, string[]>): string[] | undefined {
  const done = new Set<string>();
  const visit = (node: string, trail: string[]): string[] | undefined => {
    if (trail.includes(node)) return [...trail.slice(trail.indexOf(node)), node];
    if (done.has(node)) return undefined;
    for (const next of graph.get(node) ?? []) {
      const circle = visit(next, [...trail, node]);
      if (circle) return circle;
    }
    done.add(node);
    return undefined;
  };
  for (const node of graph.keys()) {
    const circle = visit(node, []);
    if (circle) return circle;
  }
  return undefined;
}

describe('lib/', () => {
  it('has no file over 300 lines', () => {
    const long = modules.map((m) => [m, source(m).split('\n').length] as const).filter(([, n]) => n > 300);
    expect(long).toEqual([]);
  });

  it('has no import circle', () => {
    expect(findCircle(importGraph())).toBeUndefined();
  });

  it('control: the circle finder finds one', () => {
    const graph = importGraph();
    graph.set('names', [...graph.get('names')!, 'settings']); // settings imports names
    expect(findCircle(graph)).toEqual(expect.arrayContaining(['names', 'settings']));
  });
});
