// The docs hold together: README.md stays a front page, and every relative link in README, CHANGELOG, docs/ and
// e2e/README.md names a file that exists and, for a Markdown file, a heading it has (GitHub's anchor rules).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');
const markdownUnder = (dir: string): string[] => fs.readdirSync(path.join(root, dir), { withFileTypes: true })
  .flatMap((e) => e.isDirectory() ? markdownUnder(path.join(dir, e.name)) : e.name.endsWith('.md') ? [path.join(dir, e.name)] : []);
const anchor = (heading: string) => heading.trim().toLowerCase().replace(/[^\p{L}\p{N}_\- ]/gu, '').replace(/ /g, '-');
const anchorsOf = (file: string) => new Set([...fs.readFileSync(path.join(root, file), 'utf-8').matchAll(/^#{1,6} (.*)$/gm)].map((m) => anchor(m[1])));

/** Relative links of a Markdown file that point nowhere, as "<link>: <why>". */
function brokenLinks(file: string): string[] {
  const text = fs.readFileSync(path.join(root, file), 'utf-8').replace(/```[\s\S]*?```/g, '');
  const broken: string[] = [];
  for (const [, url] of text.matchAll(/\[[^\]]*\]\(([^)\s]+)\)/g)) {
    if (/^(https?|mailto):/.test(url)) continue;
    const [target, hash] = url.split('#');
    const resolved = target === '' ? file : path.normalize(path.join(path.dirname(file), target));
    if (!fs.existsSync(path.join(root, resolved))) broken.push(`${url}: no file ${resolved}`);
    else if (hash && resolved.endsWith('.md') && !anchorsOf(resolved).has(hash)) broken.push(`${url}: no heading #${hash} in ${resolved}`);
  }
  return broken;
}

describe('the docs', () => {
  const files = ['README.md', 'CHANGELOG.md', 'e2e/README.md', ...markdownUnder('docs')];

  it('README.md is a front page of at most 15 KB', () => {
    expect(fs.statSync(path.join(root, 'README.md')).size).toBeLessThanOrEqual(15 * 1024);
  });

  it('every relative link resolves to a file and a heading', () => {
    expect(files.length).toBeGreaterThan(10);
    expect(Object.fromEntries(files.map((f) => [f, brokenLinks(f)]).filter(([, b]) => b.length > 0))).toEqual({});
  });

  it('control: a link to a missing heading and one to a missing file are caught', () => {
    const probe = path.join('docs', '.probe.md');
    fs.writeFileSync(path.join(root, probe), '# Probe\n\n[a](#nowhere) [b](missing.md) [c](#probe)\n');
    try {
      expect(brokenLinks(probe)).toEqual(['#nowhere: no heading #nowhere in docs/.probe.md', 'missing.md: no file docs/missing.md']);
    } finally {
      fs.rmSync(path.join(root, probe));
    }
  });
});
