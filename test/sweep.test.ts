// A generated sweep of bad and edge-case props, as a JavaScript or jsii caller could pass them: fixed seed, a few
// hundred cases of one to three props each. Every case must either synthesize (and then every object has passed the
// Kubernetes schema check, which runs at synth) or fail with an Error that names one of the props it was given,
// never a TypeError or a message from deep inside a builder.
import { Duration, Size, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { HazelcastCluster } from '../lib';
import { PROP_KINDS } from '../lib/prop-types';

/** mulberry32: a small PRNG, so the sweep is the same on every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0; a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Values of every shape: wrong types, boundaries, malformed strings, and a few valid ones. */
const VALUES: unknown[] = [
  null, true, false, 'false', 'true', '', 'x', 'UPPER', 'a'.repeat(64), 'bad key!', 'ünïcode', 0, -1, 1, 2, 3, 1.5, 65536, 70000,
  Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, [], ['a'], [1], [null], [{}], {}, { a: 1 }, { a: 'b' }, { name: 'x' },
  Size.mebibytes(0), Size.mebibytes(512), Size.gibibytes(2), Size.gibibytes(1024), Duration.seconds(0), Duration.seconds(5),
  Duration.minutes(3), Duration.days(400), '2Gi', '30s', () => 1,
];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)];
}

describe('a seeded sweep of bad props', () => {
  it('400 cases: every one synthesizes valid objects or names one of its props, never a TypeError', () => {
    const r = prng(20261204);
    const names = Object.keys(PROP_KINDS);
    const problems: string[] = [];
    let accepted = 0;
    for (let i = 0; i < 400; i++) {
      const props: Record<string, unknown> = {};
      const count = 1 + Math.floor(r() * 3);
      for (let j = 0; j < count; j++) props[pick(r, names)] = pick(r, VALUES);
      const given = Object.keys(props);
      try {
        const chart = Testing.chart();
        new HazelcastCluster(chart, 'Hazelcast', props);
        Testing.synth(chart);
        accepted++;
      } catch (e) {
        const err = e as Error;
        const message = String(err.message ?? err);
        const namesAProp = given.some((p) => message.includes(`'${p}`) || message.includes(`${p}.`) || message.includes(`${p}[`) || message.includes(` ${p} `));
        if (!(err instanceof Error) || err instanceof TypeError || /is not a function|Cannot read propert|undefined \(reading/.test(message) || !namesAProp) {
          problems.push(`${JSON.stringify(props, (_k, v) => (typeof v === 'function' ? '<function>' : v))}: ${err?.constructor?.name}: ${message.split('\n')[0].slice(0, 200)}`);
        }
      }
    }
    console.log(`sweep: 400 cases, ${accepted} accepted (valid against the schema), ${400 - accepted} refused`);
    expect(problems, problems.slice(0, 15).join('\n')).toEqual([]);
    // control: the sweep does accept some cases (a sweep that refuses everything proves nothing about accepted ones)
    expect(accepted).toBeGreaterThan(10);
  });
});
