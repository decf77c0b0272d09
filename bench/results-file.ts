/**
 * bench/results.json and what is derived from it, for the full run and each partial `npm run bench:*`: a partial run
 * reads the last results, replaces its own part, and rewrites the file, docs/performance.md and the README table.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './bundle.js';
import { withReadmePerformance } from './readme.js';
import { performanceDoc } from './report.js';
import type { Results } from './results.js';

const RESULTS_PATH = path.join(repoRoot, 'bench', 'results.json');
const README_PATH = path.join(repoRoot, 'README.md');

/** The last recorded results. */
export function readResults(): Results {
  return JSON.parse(readFileSync(RESULTS_PATH, 'utf8')) as Results;
}

/** Writes bench/results.json, then docs/performance.md and the README's table from it, so the three agree. */
export function writeResults(results: Results): void {
  writeFileSync(RESULTS_PATH, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(path.join(repoRoot, 'docs', 'performance.md'), performanceDoc(results));
  writeFileSync(README_PATH, withReadmePerformance(readFileSync(README_PATH, 'utf8'), results));
}

/** A progress logger: `[<label>  12.3 s] line`, seconds since it was made. */
export function benchLog(label = 'bench'): (line: string) => void {
  const began = performance.now();
  return (line) => {
    console.log(`[${label} ${((performance.now() - began) / 1000).toFixed(1).padStart(5)} s] ${line}`);
  };
}
