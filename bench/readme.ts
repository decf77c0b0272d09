/**
 * The README's performance table, generated from the same Results as bench/results.json so the two cannot
 * drift: `npm run bench` rewrites the block between the markers, and test/bench/readme.test.ts checks it.
 */
import { FAULT_NAMES, type FaultEntry, LARGE_HISTORY_LIMITS } from './faults.js';
import type { Results } from './results.js';

export const README_START = '<!-- bench:start (written by npm run bench from bench/results.json) -->';
export const README_END = '<!-- bench:end -->';

export function readmePerformance(r: Results): string {
  const designs = r.cost.designs;
  const lines = [
    `From the run committed with this code (${r.date.slice(0, 10)}, medians, ${r.cpu.cores} cores):`,
    '',
    '| target | measured | |',
    '|---|---|---|',
    ...r.targets.map((t) => `| ${t.target} | ${t.figure} | ${t.pass ? 'pass' : '**missed**'} |`),
    '',
    `Cost at list prices (${r.cost.prices.date}): $${designs.notifier.dollarsPerThousand.toFixed(4)} per 1,000`,
    `notifications for the whole pipeline; the usual design of two Lambda functions and a queue, computed the same`,
    `way: $${designs.seed.dollarsPerThousand.toFixed(4)}. The cold start is measured inside a fresh process (import`,
    'of the bundled handler + first invocation); docs/performance.md has every figure, its spread and the method.',
    '',
    ...endpointLines(r),
    ...faultMatrixLines(r),
  ];
  return lines.join('\n');
}

/** The first alarm an entry fired and when (simulated seconds), `none`, or `—` for an entry measured before alarms. */
function firstAlarm(e: FaultEntry): string {
  if (!e.alarms) return '—';
  const first = e.alarms[0];
  return first ? `${first.name} at ${first.afterSeconds} s` : 'none';
}

/** The fault matrix (issue 10) and its targets, as `npm run bench` measured them on the local pipeline. */
export function faultMatrixLines(r: Results): string[] {
  const plan = r.faultRun.plan;
  const yes = (b: boolean) => (b ? 'yes' : '**no**');
  return [
    `Fault matrix: ${plan.notifications} notifications over ${plan.channels} channels, one fault at a time, on the local`,
    `pipeline with Slack's rate limit (storm: ${plan.stormNotifications} failures of one state machine in 5 minutes, one`,
    `channel; pageOver256KiB: ${r.faults.pageOver256KiB.notifications} over ${Math.min(plan.channels, LARGE_HISTORY_LIMITS.channels)} channels, each history read by the formatter itself).`,
    '`posts` counts every request to Slack, 429s included; drain time is simulated. Figures that need the delivery',
    'side (pacing, fail-fast, the message store, storm digests) are measured as the delivery machine stands. `first',
    "alarm`: the first of the stack's alarms the entry fires and when (simulated, local/alarms.ts); `—`: measured",
    'before alarms were counted:',
    '',
    '| fault | notifications | delivered | lost | duplicated | dead-lettered | order kept | 429 | posts | max /s per channel | drain s | first alarm |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...FAULT_NAMES.map((name) => {
      const e = r.faults[name] as FaultEntry | undefined;
      if (!e) return `| ${name} | not measured yet (\`npm run bench:faults -- ${name}\`) |`;
      return `| ${name} | ${e.notifications} | ${e.delivered} | ${e.lost} | ${e.duplicated} | ${e.deadLettered} | ${yes(e.orderKept)} | ${e.http429} | ${e.slackPosts} | ${e.maxPerChannelPerSecond} | ${e.drainSeconds} | ${firstAlarm(e)} |`;
    }),
    '',
    '| fault target | measured | |',
    '|---|---|---|',
    ...r.faultTargets.map((t) => `| ${t.target} | ${t.figure} | ${t.pass ? 'pass' : '**missed**'} |`),
  ];
}

/** The README with its performance block replaced; throws when the markers are missing. */
export function withReadmePerformance(readme: string, r: Results): string {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) {
    throw new Error(`README.md has no performance block: add the lines ${README_START} and ${README_END}`);
  }
  return `${readme.slice(0, start + README_START.length)}\n${readmePerformance(r)}\n${readme.slice(end)}`;
}

/** The Slack endpoint's answer against Slack's 3 s (bench/endpoint.ts), when the run has it. */
export function endpointLines(r: Results): string[] {
  const e = r.endpoint;
  if (!e) return [];
  return [
    `Slack endpoint (\`npm run bench:endpoint\`): a signed Redrive click is answered in ${e.redrive.timeMs.median.toFixed(1)} ms warm (p99`,
    `${e.redrive.p99Ms.toFixed(1)} ms), a cold start in ${e.coldStart.initMs.median.toFixed(0)} ms, locally; with the AWS side added as stated assumptions the`,
    `budget is ${Math.round(e.budget.warmMs).toLocaleString('en-US')} ms warm and ${Math.round(e.budget.coldMs).toLocaleString('en-US')} ms cold of Slack's ${e.budget.limitMs.toLocaleString('en-US')} ms (docs/performance.md).`,
    '',
  ];
}
