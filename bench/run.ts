/**
 * `npm run bench`: formatter size, cold start, speed and heap; the local pipeline under a burst; the cost per
 * notification beside the seed's design; the Slack endpoint's answer time (bench/endpoint.ts); the targets. Prints
 * the table, writes bench/results.json, docs/performance.md and the README table.
 */
import './quiet-lambdas.js';
import os from 'node:os';
import { benchArgs } from './args.js';
import { prices } from './cost.js';
import { costScenarios } from './cost-scenarios.js';
import { assumptions, pricedDesigns } from './designs.js';
import { benchEndpoint, ENDPOINT_PLAN, endpointTargetFigures } from './endpoint.js';
import {
  checkFaultTargets,
  FAULT_NAMES,
  FAULT_PLAN,
  type FaultEntry,
  type FaultName,
  faultMatrix,
} from './faults.js';
import { benchFormatter } from './formatter.js';
import { benchLifecycle } from './lifecycle.js';
import { normalBench } from './normal.js';
import { ORGANIZATION_PLAN, organizationBench } from './organization.js';
import { type BurstResult, burst, loadFormatter, single } from './pipeline.js';
import { textTable } from './report.js';
import type { BurstSummary, Results } from './results.js';
import { writeResults } from './results-file.js';
import { spread } from './stats.js';
import {
  checkCostTargets,
  checkEndpointTargets,
  checkTargets,
  checkVsJsonParse,
  withCostTargets,
} from './targets.js';

benchArgs({
  name: 'bench',
  summary:
    'Measures everything (about 9 minutes): the formatter, the local pipeline under a burst, the cost per notification,\nthe fault matrix, the Slack endpoint; prints the table and rewrites bench/results.json, docs/performance.md and\nthe README table.',
});

const plan = {
  coldStartRuns: 15,
  sizes: [
    { events: 10, runs: 50 },
    { events: 100, runs: 50 },
    { events: 1_000, runs: 30 },
    { events: 25_000, runs: 15 },
  ],
  burst: { notifications: 200, channels: 5, repeats: 5 },
  lifecycle: { executions: 50, seed: 1 },
  singleRuns: 15,
  faults: FAULT_PLAN,
};

const began = performance.now();
const loadAtStart = os.loadavg()[0] ?? 0;
const log = (line: string) => {
  console.log(`[bench ${((performance.now() - began) / 1000).toFixed(1).padStart(5)} s] ${line}`);
};

const formatter = await benchFormatter(plan, log);

const handler = await loadFormatter();
log(`pipeline: ${plan.singleRuns} single notifications (cost figures)`);
const one = await single(handler, plan.singleRuns);
const bursts: BurstResult[] = [];
for (let i = 0; i < plan.burst.repeats; i += 1) {
  log(`pipeline: burst ${i + 1}/${plan.burst.repeats}`);
  bursts.push(await burst(handler, { ...plan.burst, seed: i }, log));
}
const first = bursts[0] as BurstResult;
const worst = (pick: (b: BurstResult) => number) => Math.max(...bursts.map(pick));
const burstSummary: BurstSummary = {
  repeats: bursts.length,
  notifications: first.notifications,
  channels: first.channels,
  clock:
    'simulated (a discrete-event virtual clock: time jumps to the next wake-up once every Pipe is waiting; bench/sim-clock.ts)',
  lost: worst((b) => b.lost),
  duplicated: worst((b) => b.duplicated),
  deadLettered: worst((b) => b.deadLettered),
  notifierFailed: worst((b) => b.notifierFailed),
  delivered: Math.min(...bursts.map((b) => b.delivered)),
  simulatedDrainSeconds: spread(bursts.map((b) => b.simulatedDrainSeconds)),
  wallDrainSeconds: spread(bursts.map((b) => b.wallDrainSeconds)),
  wallNotifySeconds: spread(bursts.map((b) => b.wallNotifySeconds)),
  http429: spread(bursts.map((b) => b.http429)),
  deliveryExecutions: spread(bursts.map((b) => b.deliveryExecutions)),
  maxSustainedPerSecond: worst((b) => b.maxSustainedPerSecond),
  maxPerSecondWindow: worst((b) => b.maxPerSecondWindow),
  maxPer10sWindow: worst((b) => b.maxPer10sWindow),
  overLimit: worst((b) => b.overLimit),
  first,
};

log('faults: the fault matrix on the local pipeline');
const matrix = await faultMatrix(plan.faults, log);
const { entries: faultEntries, ...faultRun } = matrix;
for (const name of FAULT_NAMES) {
  if (!faultEntries[name]) throw new Error(`the fault matrix has no entry ${name}`);
}
const faults = faultEntries as Record<FaultName, FaultEntry>;
const lifecycle = await benchLifecycle(handler, plan.lifecycle, log);
const scenarios = await costScenarios(handler, log);

log('cost: this design and the seed design');
const { measured, designs } = pricedDesigns(one, first);

const size25k = formatter.sizes.find((s) => s.requestedEvents === 25_000);
if (!size25k) throw new Error('the plan must include 25,000 events');
const cpus = os.cpus();
log('organization: a central environment under a burst from many accounts');
const organization = await organizationBench(
  handler,
  ORGANIZATION_PLAN,
  {
    usagePerThousand: designs.notifier.dollarsPerThousand,
    notifierTransitions: measured.notifierTransitions,
  },
  log
);
log("normal: the run context's calls and the daily digest's cost");
const normal = await normalBench(designs.notifier.usage);
const endpoint = await benchEndpoint(ENDPOINT_PLAN, log);
const results: Results = {
  date: new Date().toISOString(),
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
  cpu: { model: cpus[0]?.model.trim() ?? 'unknown', cores: cpus.length },
  totalSeconds: (performance.now() - began) / 1000,
  loadAverage: [loadAtStart, os.loadavg()[0] ?? 0],
  formatter,
  pipeline: { burst: burstSummary, single: one },
  lifecycle,
  cost: {
    prices: { date: prices.date, region: prices.region },
    assumptions,
    measured,
    designs,
    scenarios: scenarios.scenarios,
    expressNotifier: scenarios.expressNotifier,
    scenarioRun: {
      prices: scenarios.prices,
      assumptions: scenarios.assumptions,
      durationBasis: scenarios.durationBasis,
    },
  },
  targets: withCostTargets(
    checkTargets({
      coldStartMs: formatter.coldStart.initMs.median,
      time25kMs: size25k.timeMs.median,
      heap25kMiB: size25k.peakHeapMiB,
      bundleMinifiedBytes: formatter.bundle.minifiedBytes,
      lost: burstSummary.lost + burstSummary.deadLettered + burstSummary.notifierFailed,
      duplicated: burstSummary.duplicated,
      notifierTransitions: one.notifierTransitions,
    })
      .concat(formatter.vsJsonParse ? [checkVsJsonParse(formatter.vsJsonParse)] : [])
      .concat(checkEndpointTargets(endpointTargetFigures(endpoint))),
    checkCostTargets(scenarios)
  ),
  faults,
  faultRun,
  faultTargets: checkFaultTargets(matrix),
  organization,
  normal,
  endpoint,
};

writeResults(results);
log('wrote bench/results.json, docs/performance.md and the README performance table');
console.log(`\n${textTable(results)}`);
console.log(
  `\none message per execution: ${lifecycle.executions} executions, ${lifecycle.events} events (${lifecycle.duplicatesSent} duplicates), ${lifecycle.answersLost} lost answers → ` +
    `max ${lifecycle.maxParentsPerExecution} message per execution, ${lifecycle.wrongFinalStatus} wrong final status, ${lifecycle.duplicated} duplicated, ${lifecycle.lost} lost; ` +
    `${lifecycle.lateStillRunning} late "still running" (${lifecycle.stillRunningOnce}/${lifecycle.longRuns / 2} long runs told once); ` +
    `store $${lifecycle.store.dollarsPerThousandNotifications.toFixed(4)} per 1,000 notifications`
);
