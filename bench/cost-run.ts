/**
 * `npm run bench:cost`: only the cost figures: the single notifications and the designs priced from them (this
 * design, the seed's; the burst figure reuses the last full run's burst), and the cost scenarios
 * (bench/cost-scenarios.ts) under `cost.scenarios` and `cost.expressNotifier`, recorded in bench/results.json beside
 * the rest of the last full run; the targets, docs/performance.md and the README table follow.
 */
import './quiet-lambdas.js';
import { benchArgs } from './args.js';
import { costScenarios } from './cost-scenarios.js';
import { pricedDesigns } from './designs.js';
import { loadFormatter, single } from './pipeline.js';
import type { Results } from './results.js';
import { benchLog, readResults, writeResults } from './results-file.js';
import { checkCostTargets, withCostTargets } from './targets.js';

benchArgs({
  name: 'bench:cost',
  summary:
    'Measures only the cost figures (single notifications, the designs priced from them, the cost scenarios), and\nrecords them in bench/results.json beside the last full run; docs/performance.md and the README table follow.',
});
const log = benchLog('bench:cost');
const previous = readResults();
const handler = await loadFormatter();
log('cost: 15 single notifications (this design and the seed design)');
const one = await single(handler, 15);
const { measured: designMeasured, designs } = pricedDesigns(one, previous.pipeline.burst.first);
const measured = await costScenarios(handler, log);
const results: Results = {
  ...previous,
  pipeline: { ...previous.pipeline, single: one },
  cost: {
    ...previous.cost,
    measured: designMeasured,
    designs,
    scenarios: measured.scenarios,
    expressNotifier: measured.expressNotifier,
    scenarioRun: {
      prices: measured.prices,
      assumptions: measured.assumptions,
      durationBasis: measured.durationBasis,
    },
  },
  targets: withCostTargets(previous.targets, checkCostTargets(measured)),
};
writeResults(results);
console.log(
  JSON.stringify({ scenarios: measured.scenarios, expressNotifier: measured.expressNotifier }, null, 2)
);
