/**
 * `npm run bench:bundle`: only the formatter's bundle size and cold start (bench/formatter.ts benchColdStart),
 * recorded under `formatter` in bench/results.json beside the rest of the last full run, with their targets
 * re-checked; then docs/performance.md and the README table rewritten from it. `npm run bench` measures them too.
 * `--dir <path>` bundles into another directory inside the repository; `--runs <n>` (@default 15, as the full run).
 */
import './quiet-lambdas.js';
import { benchArgs, DIR_OPTION, dirOf, orExit, positiveInteger } from './args.js';
import { benchColdStart } from './formatter.js';
import type { Results } from './results.js';
import { benchLog, readResults, writeResults } from './results-file.js';
import { checkBundle, checkColdStart } from './targets.js';

const command = {
  name: 'bench:bundle',
  summary:
    "Measures only the formatter's bundle size and cold start, and records them in bench/results.json beside the\nlast full run; docs/performance.md and the README table follow.",
  options: {
    dir: DIR_OPTION,
    runs: { value: 'n', help: 'cold starts measured (default 15, as the full run)' },
  },
};
const { values } = benchArgs(command);
const dir = dirOf(values);
const runs = orExit(positiveInteger(command, 'runs', values.runs, 15));
const log = benchLog();
const previous = readResults();
const cold = await benchColdStart(runs, log, ...(dir === undefined ? [] : [dir]));
const checks = [checkBundle(cold.bundle.minifiedBytes), checkColdStart(cold.coldStart.initMs.median)];
const ids: readonly string[] = checks.map((c) => c.id);
const results: Results = {
  ...previous,
  formatter: {
    ...previous.formatter,
    ...cold,
    ...(cold.coldStartRun ? { coldStartRun: { ...cold.coldStartRun, alone: true } } : {}),
  },
  targets: [...previous.targets.filter((t) => !ids.includes(t.id)), ...checks],
};
writeResults(results);
for (const c of checks) log(`${c.target}: ${c.figure} ${c.pass ? 'pass' : 'FAIL'}`);
log('wrote bench/results.json (formatter bundle and cold start), docs/performance.md and the README table');
