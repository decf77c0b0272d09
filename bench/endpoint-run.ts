/**
 * `npm run bench:endpoint`: only the Slack interactivity endpoint's answer time (bench/endpoint.ts), recorded
 * under `endpoint` in bench/results.json beside the rest of the last full run, with its targets; then
 * docs/performance.md and the README table rewritten from it. `npm run bench` runs it too. `--dir <path>` bundles
 * into another directory inside the repository (@default the bench's build directory under node_modules/.cache).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './bundle.js';
import { benchEndpoint, ENDPOINT_PLAN, endpointDoc, endpointTargetFigures } from './endpoint.js';
import { withReadmePerformance } from './readme.js';
import { performanceDoc } from './report.js';
import type { Results } from './results.js';
import { checkEndpointTargets, withEndpointTargets } from './targets.js';

const began = performance.now();
const log = (line: string) => {
  console.log(`[bench ${((performance.now() - began) / 1000).toFixed(1).padStart(5)} s] ${line}`);
};
const dirAt = process.argv.indexOf('--dir');
const dir = dirAt > 0 ? path.resolve(process.argv[dirAt + 1] ?? '') : undefined;
const resultsPath = path.join(repoRoot, 'bench', 'results.json');
const previous = JSON.parse(readFileSync(resultsPath, 'utf8')) as Results;
const endpoint = await benchEndpoint(ENDPOINT_PLAN, log, ...(dir === undefined ? [] : [dir]));
const results: Results = {
  ...previous,
  endpoint,
  targets: withEndpointTargets(previous.targets, checkEndpointTargets(endpointTargetFigures(endpoint))),
};
writeFileSync(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(path.join(repoRoot, 'docs', 'performance.md'), performanceDoc(results));
const readmePath = path.join(repoRoot, 'README.md');
writeFileSync(readmePath, withReadmePerformance(readFileSync(readmePath, 'utf8'), results));
log(
  'wrote bench/results.json (endpoint and its targets), docs/performance.md and the README performance table'
);
console.log(`\n${endpointDoc(results)}`);
