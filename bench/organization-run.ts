/**
 * `npm run bench:organization`: only the central-environment burst (bench/organization.ts), recorded under
 * `organization` in bench/results.json beside the rest of the last full run, and docs/performance.md and the
 * README table rewritten from it. `npm run bench` runs it too.
 */
import './quiet-lambdas.js';
import { benchArgs } from './args.js';
import { ORGANIZATION_PLAN, organizationBench, organizationDoc } from './organization.js';
import { loadFormatter } from './pipeline.js';
import type { Results } from './results.js';
import { benchLog, readResults, writeResults } from './results-file.js';

benchArgs({
  name: 'bench:organization',
  summary:
    'Measures only the central-environment burst, and records it in bench/results.json beside the last full run;\ndocs/performance.md and the README table follow.',
});
const log = benchLog();
const previous = readResults();
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
writeResults(results);
log('wrote bench/results.json (organization) and docs/performance.md');
console.log(`\n${organizationDoc(results)}`);
