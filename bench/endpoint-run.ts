/**
 * `npm run bench:endpoint`: only the Slack interactivity endpoint's answer time (bench/endpoint.ts), recorded
 * under `endpoint` in bench/results.json beside the rest of the last full run, with its targets; then
 * docs/performance.md and the README table rewritten from it. `npm run bench` runs it too. `--dir <path>` bundles
 * into another directory inside the repository (@default the bench's build directory under node_modules/.cache).
 */
import './quiet-lambdas.js';
import { benchArgs, DIR_OPTION, dirOf } from './args.js';
import { benchEndpoint, ENDPOINT_PLAN, endpointDoc, endpointTargetFigures } from './endpoint.js';
import type { Results } from './results.js';
import { benchLog, readResults, writeResults } from './results-file.js';
import { checkEndpointTargets, withEndpointTargets } from './targets.js';

const { values } = benchArgs({
  name: 'bench:endpoint',
  summary:
    "Measures only the Slack interactivity endpoint's answer time, and records it in bench/results.json beside the\nlast full run; docs/performance.md and the README table follow.",
  options: { dir: DIR_OPTION },
});
const dir = dirOf(values);
const log = benchLog();
const previous = readResults();
const endpoint = await benchEndpoint(ENDPOINT_PLAN, log, ...(dir === undefined ? [] : [dir]));
const results: Results = {
  ...previous,
  endpoint,
  targets: withEndpointTargets(previous.targets, checkEndpointTargets(endpointTargetFigures(endpoint))),
};
writeResults(results);
log(
  'wrote bench/results.json (endpoint and its targets), docs/performance.md and the README performance table'
);
console.log(`\n${endpointDoc(results)}`);
