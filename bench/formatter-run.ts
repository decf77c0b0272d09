/**
 * `npm run bench:formatter`: only the formatter's speed relative to JSON.parse (bench/vs-json-parse.ts),
 * recorded under `formatter.vsJsonParse` in bench/results.json beside the rest of the last full run, with the
 * target re-checked, and docs/performance.md and the README table rewritten from it. `npm run bench` measures it too. `--dir <path>` bundles into another directory inside the
 * repository (@default the bench's build directory under node_modules/.cache).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './bundle.js';
import { withReadmePerformance } from './readme.js';
import { performanceDoc } from './report.js';
import type { Results } from './results.js';
import { checkVsJsonParse } from './targets.js';
import { benchVsJsonParse } from './vs-json-parse.js';

const began = performance.now();
const log = (line: string) => {
  console.log(`[bench ${((performance.now() - began) / 1000).toFixed(1).padStart(5)} s] ${line}`);
};
const dirAt = process.argv.indexOf('--dir');
const dir = dirAt > 0 ? path.resolve(process.argv[dirAt + 1] ?? '') : undefined;
const resultsPath = path.join(repoRoot, 'bench', 'results.json');
const previous = JSON.parse(readFileSync(resultsPath, 'utf8')) as Results;
const vsJsonParse = await benchVsJsonParse(log, dir === undefined ? {} : { dir });
const check = checkVsJsonParse(vsJsonParse);
const results: Results = {
  ...previous,
  formatter: { ...previous.formatter, vsJsonParse },
  targets: [...previous.targets.filter((t) => t.id !== check.id), check],
};
writeFileSync(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
// The page and the README table show the targets, this one included.
writeFileSync(path.join(repoRoot, 'docs', 'performance.md'), performanceDoc(results));
const readmePath = path.join(repoRoot, 'README.md');
writeFileSync(readmePath, withReadmePerformance(readFileSync(readmePath, 'utf8'), results));
log(
  `wrote bench/results.json (formatter.vsJsonParse): ${check.target}: ${check.figure} ${check.pass ? 'pass' : 'FAIL'}`
);
