/**
 * The README's performance table, generated from the same Results as bench/results.json so the two cannot
 * drift: `npm run bench` rewrites the block between the markers, and test/bench/readme.test.ts checks it.
 */
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
  ];
  return lines.join('\n');
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
