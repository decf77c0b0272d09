/**
 * `npm run bench:faults [-- <fault> ...]`: only the fault matrix (every entry, or the ones named, e.g.
 * `npm run bench:faults -- webhookBaseline webhookStorm`), merged into the last run in bench/results.json; the
 * targets are checked over the merged matrix, and docs/performance.md and the README table are rewritten from it.
 * `npm run bench` runs the whole matrix with everything else.
 */
import './quiet-lambdas.js';
import { benchArgs } from './args.js';
import { FAULT_NAMES, FAULT_PLAN, faultMatrix, faultNamesOf, mergeFaultRun } from './faults.js';
import type { Results } from './results.js';
import { benchLog, readResults, writeResults } from './results-file.js';

const { positionals } = benchArgs({
  name: 'bench:faults',
  summary: `Runs the fault matrix (or the named entries) and merges it into bench/results.json; the targets are checked\nover the merged matrix. Entries: ${FAULT_NAMES.join(', ')}.`,
  positionals: '[<fault> ...]',
});
let names: ReturnType<typeof faultNamesOf>;
try {
  names = faultNamesOf(positionals);
} catch (error) {
  console.error(`bench:faults: ${(error as Error).message}`);
  process.exit(2);
}
const log = benchLog();
const previous = readResults();
const run = await faultMatrix(FAULT_PLAN, log, names);
const results: Results = mergeFaultRun(previous, run);
writeResults(results);
for (const name of names) console.log(`${name}: ${JSON.stringify(results.faults[name])}`);
for (const t of results.faultTargets) console.log(`${t.pass ? 'pass' : 'MISS'}  ${t.target}: ${t.figure}`);
