/**
 * Writes examples/scenarios/is-this-normal.scenario.json: two weeks of nightly runs of `nightly-orders` and a few
 * of `weekly-report`, each with its small history inline (local/run-history.ts), so the run context (issue 24)
 * has something to compare with. `npx tsx scripts/is-this-normal-scenario.ts` rewrites it.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runHistory } from '../local/run-history.js';

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const MIN = 60_000;
const DAY = 86_400_000;
/** The first night, 02:00 UTC. */
const T0 = Date.UTC(2026, 10, 1, 2, 0);

interface Run {
  readonly machine: string;
  readonly night: number;
  readonly minutes: number;
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly hour?: number;
}

const runs: Run[] = [
  // nightly-orders: eight ordinary nights (33 to 38 minutes), a slow one, then three failures in Load.
  ...[33, 36, 35, 38, 34, 37, 35, 36].map((minutes, i) => ({
    machine: 'nightly-orders',
    night: i,
    minutes,
    status: 'SUCCEEDED' as const,
  })),
  { machine: 'nightly-orders', night: 8, minutes: 134, status: 'SUCCEEDED' },
  { machine: 'nightly-orders', night: 9, minutes: 6, status: 'FAILED' },
  { machine: 'nightly-orders', night: 10, minutes: 5, status: 'FAILED' },
  { machine: 'nightly-orders', night: 11, minutes: 7, status: 'FAILED' },
  // weekly-report: three runs only, then a long failure: no "usually" (fewer than 5 earlier runs).
  ...[0, 3, 6].map((night) => ({
    machine: 'weekly-report',
    night,
    minutes: 20,
    status: 'SUCCEEDED' as const,
    hour: 6,
  })),
  { machine: 'weekly-report', night: 11, minutes: 95, status: 'FAILED', hour: 6 },
  // The next night ListExecutions is throttled: nightly-orders' success goes out without its context.
  { machine: 'nightly-orders', night: 12, minutes: 35, status: 'SUCCEEDED' },
];

function step(run: Run) {
  const startMs = T0 + run.night * DAY + ((run.hour ?? 2) - 2) * 3_600_000;
  const stopMs = startMs + run.minutes * MIN;
  const name = `${run.machine}-2026-11-${String(run.night + 1).padStart(2, '0')}`;
  const executionArn = `arn:aws:states:${REGION}:${ACCOUNT}:execution:${run.machine}:${name}`;
  const failed = run.status === 'FAILED';
  const error = 'States.TaskFailed';
  const cause = 'COPY orders FROM staging failed: relation "staging.orders" does not exist';
  return {
    at: (stopMs - T0) / 1000,
    event: {
      version: '0',
      id: `is-this-normal-${name}`,
      'detail-type': 'Step Functions Execution Status Change',
      source: 'aws.states',
      account: ACCOUNT,
      time: new Date(stopMs).toISOString(),
      region: REGION,
      resources: [executionArn],
      detail: {
        executionArn,
        stateMachineArn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${run.machine}`,
        name,
        status: run.status,
        startDate: startMs,
        stopDate: stopMs,
        redriveCount: 0,
        error: failed ? error : null,
        cause: failed ? cause : null,
      },
    },
    history: runHistory({ startMs, stopMs, ...(failed ? { failIn: 'Load', error, cause } : {}) }),
  };
}

const steps: unknown[] = [];
const ordered = runs.map(step).sort((a, b) => a.at - b.at);
for (const s of ordered) {
  if (s.event.detail.name === 'nightly-orders-2026-11-13') {
    steps.push({ at: s.at - 1, sfn: { fail: 'throttled', api: 'ListExecutions' } });
  }
  steps.push(s);
}
const first = ordered[0]?.at ?? 0;
const shifted = steps.map((s) => ({ ...(s as { at: number }), at: (s as { at: number }).at - first }));

const out = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '../examples/scenarios/is-this-normal.scenario.json'
);
writeFileSync(out, `${JSON.stringify({ environment: {}, steps: shifted }, null, 2)}\n`);
console.log(`wrote ${path.relative(process.cwd(), out)}: ${shifted.length} steps`);
