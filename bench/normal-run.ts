/**
 * `npm run bench:normal`: only the run context's calls and the digest's cost (bench/normal.ts), recorded under
 * `normal` in bench/results.json beside the rest of the last full run.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './bundle.js';
import { normalBench } from './normal.js';
import type { Results } from './results.js';

const resultsPath = path.join(repoRoot, 'bench', 'results.json');
const previous = JSON.parse(readFileSync(resultsPath, 'utf8')) as Results;
const normal = await normalBench(previous.cost.designs.notifier.usage);
writeFileSync(resultsPath, `${JSON.stringify({ ...previous, normal }, null, 2)}\n`);
console.log(JSON.stringify(normal, null, 2));
