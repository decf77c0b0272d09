/**
 * Writes examples/scenarios/is-this-normal.scenario.json: two weeks of nightly runs of `nightly-orders` and a few
 * of `weekly-report`, each with its small history inline (local/run-history.ts), so the run context (issue 24)
 * has something to compare with; and examples/scenarios/digest-day.scenario.json: the same runs plus a day of
 * hourly `hourly-sync` runs, routed to two channels, each with its daily digest at 09:00 Berlin time.
 * `npx tsx scripts/is-this-normal-scenario.ts` rewrites both.
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
  readonly minute?: number;
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
  const startMs = T0 + run.night * DAY + ((run.hour ?? 2) - 2) * 3_600_000 + (run.minute ?? 0) * MIN;
  const stopMs = startMs + run.minutes * MIN;
  const name = `${run.machine}-2026-11-${String(run.night + 1).padStart(2, '0')}${
    run.machine === 'hourly-sync' ? `T${String(run.hour).padStart(2, '0')}` : ''
  }`;
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

function scenario(all: readonly Run[], extra: readonly { at: number }[]) {
  const steps: { at: number }[] = [];
  const ordered = all.map(step).sort((a, b) => a.at - b.at);
  for (const s of ordered) {
    if (s.event.detail.name === 'nightly-orders-2026-11-13') {
      steps.push({ at: s.at - 1, sfn: { fail: 'throttled', api: 'ListExecutions' } } as { at: number });
    }
    steps.push(s);
  }
  const first = ordered[0]?.at ?? 0;
  return [...steps, ...extra].sort((a, b) => a.at - b.at).map((s) => ({ ...s, at: s.at - first }));
}

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '../examples/scenarios');
const normal = scenario(runs, []);
writeFileSync(
  path.join(dir, 'is-this-normal.scenario.json'),
  `${JSON.stringify({ environment: {}, steps: normal }, null, 2)}\n`
);

// The digest's day: 2026-11-12 09:00 Berlin (08:00 UTC) back to the day before; hourly-sync runs every hour of it.
const hourly: Run[] = Array.from({ length: 24 }, (_, i) => ({
  machine: 'hourly-sync',
  night: 10 + Math.floor((i + 9) / 24),
  hour: (i + 9) % 24,
  minute: 10,
  minutes: 4,
  status: i === 20 ? ('FAILED' as const) : ('SUCCEEDED' as const),
}));
const digestAt = (Date.UTC(2026, 10, 12, 8, 0) - T0) / 1000;
const day = scenario(
  [...runs.filter((r) => r.night <= 11), ...hourly],
  [{ at: digestAt, digest: true } as { at: number }]
);
const environment = {
  destination: { type: 'channel', channel: 'C0OPS00001' },
  digest: { at: '09:00', timeZone: 'Europe/Berlin' },
  routes: [
    {
      name: 'data',
      match: { stateMachineNamePrefixes: ['nightly-', 'hourly-'] },
      destination: { channel: 'C0DATA0001' },
    },
    {
      name: 'reports',
      match: { stateMachineNamePrefixes: ['weekly-'] },
      destination: { channel: 'C0REPORTS1' },
    },
  ],
};
writeFileSync(
  path.join(dir, 'digest-day.scenario.json'),
  `${JSON.stringify({ environment, steps: day }, null, 2)}\n`
);
console.log(`wrote is-this-normal (${normal.length} steps) and digest-day (${day.length} steps)`);
