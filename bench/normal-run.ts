/**
 * `npm run bench:normal`: only the run context's calls and the digest's cost (bench/normal.ts), recorded under
 * `normal` in bench/results.json beside the rest of the last full run; docs/performance.md and the README table
 * follow (bench/results-file.ts).
 */
import './quiet-lambdas.js';
import { benchArgs } from './args.js';
import { normalBench } from './normal.js';
import { readResults, writeResults } from './results-file.js';

benchArgs({
  name: 'bench:normal',
  summary:
    "Measures only the run context's calls and the digest's cost, and records them in bench/results.json beside the\nlast full run; docs/performance.md and the README table follow.",
});
const previous = readResults();
const normal = await normalBench(previous.cost.designs.notifier.usage);
writeResults({ ...previous, normal });
console.log(JSON.stringify(normal, null, 2));
