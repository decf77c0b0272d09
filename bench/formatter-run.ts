/**
 * `npm run bench:formatter`: only the formatter's speed relative to JSON.parse (bench/vs-json-parse.ts),
 * recorded under `formatter.vsJsonParse` in bench/results.json beside the rest of the last full run, with the
 * target re-checked, and docs/performance.md and the README table rewritten from it. `npm run bench` measures it too. `--dir <path>` bundles into another directory inside the
 * repository (@default the bench's build directory under node_modules/.cache).
 */
import './quiet-lambdas.js';
import { benchArgs, DIR_OPTION, dirOf } from './args.js';
import type { Results } from './results.js';
import { benchLog, readResults, writeResults } from './results-file.js';
import { checkVsJsonParse } from './targets.js';
import { benchVsJsonParse } from './vs-json-parse.js';

const { values } = benchArgs({
  name: 'bench:formatter',
  summary:
    "Measures only the formatter's speed relative to JSON.parse, and records it in bench/results.json beside the\nlast full run; docs/performance.md and the README table follow.",
  options: { dir: DIR_OPTION },
});
const dir = dirOf(values);
const log = benchLog();
const previous = readResults();
const vsJsonParse = await benchVsJsonParse(log, dir === undefined ? {} : { dir });
const check = checkVsJsonParse(vsJsonParse);
const results: Results = {
  ...previous,
  formatter: { ...previous.formatter, vsJsonParse },
  // In its place, so the tables keep their order.
  targets: previous.targets.some((t) => t.id === check.id)
    ? previous.targets.map((t) => (t.id === check.id ? check : t))
    : [...previous.targets, check],
};
writeResults(results);
log(
  `wrote bench/results.json (formatter.vsJsonParse): ${check.target}: ${check.figure} ${check.pass ? 'pass' : 'FAIL'}`
);
