// Timings the scenarios measure, printed as figures at the end of the run (never asserted: they are not tests).
import * as fs from 'node:fs';

export interface Figure { figure: string; ms: number }

export function recordFigure(stateDir: string, figure: string, ms: number): void {
  fs.appendFileSync(`${stateDir}/figures.jsonl`, `${JSON.stringify({ figure, ms })}\n`);
  console.log(`FIGURE ${figure}: ${(ms / 1000).toFixed(1)} s`);
}

export function printFigures(stateDir: string): void {
  const file = `${stateDir}/figures.jsonl`;
  if (!fs.existsSync(file)) return;
  const figures = fs.readFileSync(file, 'utf-8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Figure);
  console.log('\ne2e figures (seconds)');
  for (const f of figures) console.log(`  ${f.figure.padEnd(60)} ${(f.ms / 1000).toFixed(1).padStart(7)}`);
}
