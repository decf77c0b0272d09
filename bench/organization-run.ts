/**
 * `npm run bench:organization`: only the central-environment burst (bench/organization.ts), recorded under
 * `organization` in bench/results.json beside the rest of the last full run, and docs/performance.md rewritten
 * from it. `npm run bench` runs it too.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './bundle.js';
import { ORGANIZATION_PLAN, organizationBench, organizationDoc } from './organization.js';
import { loadFormatter } from './pipeline.js';
import { performanceDoc } from './report.js';
import type { Results } from './results.js';

const began = performance.now();
const log = (line: string) => {
  console.log(`[bench ${((performance.now() - began) / 1000).toFixed(1).padStart(5)} s] ${line}`);
};
const resultsPath = path.join(repoRoot, 'bench', 'results.json');
const previous = JSON.parse(readFileSync(resultsPath, 'utf8')) as Results;
const organization = await organizationBench(
  await loadFormatter(),
  ORGANIZATION_PLAN,
  {
    usagePerThousand: previous.cost.designs.notifier.dollarsPerThousand,
    notifierTransitions: previous.cost.measured.notifierTransitions,
  },
  log
);
const results: Results = { ...previous, organization };
writeFileSync(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(path.join(repoRoot, 'docs', 'performance.md'), performanceDoc(results));
log('wrote bench/results.json (organization) and docs/performance.md');
console.log(`\n${organizationDoc(results)}`);
