/**
 * `npm run bench:faults [-- <fault> ...]`: only the fault matrix (every entry, or the ones named, e.g.
 * `npm run bench:faults -- webhookBaseline webhookStorm`), merged into the last run in bench/results.json; the
 * targets are checked over the merged matrix, and docs/performance.md and the README table are rewritten from it.
 * `npm run bench` runs the whole matrix with everything else.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './bundle.js';
import { FAULT_PLAN, faultMatrix, faultNamesOf, mergeFaultRun } from './faults.js';
import { withReadmePerformance } from './readme.js';
import { performanceDoc } from './report.js';
import type { Results } from './results.js';

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(
    'Usage: npm run bench:faults [-- <fault> ...]\nRuns the fault matrix (or the named entries) and merges it into bench/results.json.'
  );
  process.exit(0);
}
let names: ReturnType<typeof faultNamesOf>;
try {
  names = faultNamesOf(args);
} catch (error) {
  console.error(`bench:faults: ${(error as Error).message}`);
  process.exit(2);
}
const began = performance.now();
const log = (line: string) => {
  console.log(`[bench ${((performance.now() - began) / 1000).toFixed(1).padStart(5)} s] ${line}`);
};
const resultsPath = path.join(repoRoot, 'bench', 'results.json');
const previous = JSON.parse(readFileSync(resultsPath, 'utf8')) as Results;
const run = await faultMatrix(FAULT_PLAN, log, names);
const results: Results = mergeFaultRun(previous, run);
writeFileSync(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(path.join(repoRoot, 'docs', 'performance.md'), performanceDoc(results));
const readmePath = path.join(repoRoot, 'README.md');
writeFileSync(readmePath, withReadmePerformance(readFileSync(readmePath, 'utf8'), results));
for (const name of names) console.log(`${name}: ${JSON.stringify(results.faults[name])}`);
for (const t of results.faultTargets) console.log(`${t.pass ? 'pass' : 'MISS'}  ${t.target}: ${t.figure}`);
