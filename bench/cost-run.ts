/**
 * `npm run bench:cost`: only the cost figures: the single notifications and the designs priced from them (this
 * design, the seed's; the burst figure reuses the last full run's burst), and the cost scenarios
 * (bench/cost-scenarios.ts) under `cost.scenarios` and `cost.expressNotifier`, recorded in bench/results.json beside
 * the rest of the last full run; the targets, docs/performance.md and the README table follow.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './bundle.js';
import { costScenarios } from './cost-scenarios.js';
import { pricedDesigns } from './designs.js';
import { loadFormatter, single } from './pipeline.js';
import { withReadmePerformance } from './readme.js';
import { performanceDoc } from './report.js';
import type { Results } from './results.js';
import { checkCostTargets, withCostTargets } from './targets.js';

const began = performance.now();
const log = (line: string) => {
  console.log(`[bench:cost ${((performance.now() - began) / 1000).toFixed(1).padStart(5)} s] ${line}`);
};
const resultsPath = path.join(repoRoot, 'bench', 'results.json');
const previous = JSON.parse(readFileSync(resultsPath, 'utf8')) as Results;
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
writeFileSync(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(path.join(repoRoot, 'docs', 'performance.md'), performanceDoc(results));
const readmePath = path.join(repoRoot, 'README.md');
writeFileSync(readmePath, withReadmePerformance(readFileSync(readmePath, 'utf8'), results));
console.log(
  JSON.stringify({ scenarios: measured.scenarios, expressNotifier: measured.expressNotifier }, null, 2)
);
