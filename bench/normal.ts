/**
 * "Is this normal?" (issue 24) in numbers: the run context's cost per notification in API calls (none of them
 * priced: Step Functions' read APIs are free, only throttled), in a quiet night and in a storm; and the daily
 * digest's cost per month per destination, priced like the rest (bench/cost.ts) from what it measures here: its
 * state transitions, one formatter invocation (its duration measured), one queued message and its delivery
 * (the delivery's usage as the last full run measured it for a notification).
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import { type DigestRequest, digestRequest } from '../contract/digest.js';
import { clearRunContextCache, readRunContext } from '../formatters/formatter/context/read.js';
import { digestOperation } from '../formatters/formatter/digest/operation.js';
import { runHistory } from '../local/run-history.js';
import { ExecutionRegistry } from '../local/stand-ins/executions.js';
import type { HistorySource } from '../local/stand-ins/history.js';
import { recordedHistorySource } from '../local/stand-ins/history.js';
import { serveHistoryToSdk, setServedExecutions } from '../local/stand-ins/sfn-endpoint.js';
import { dollarsPerThousand, lambdaBilledGbSeconds, prices, type Usage } from './cost.js';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 10, 1, 2, 0);
const PREFIX = 'arn:aws:states:eu-west-1:123456789012';

export interface ContextCase {
  readonly notifications: number;
  readonly calls: Readonly<Record<string, number>>;
  readonly callsPerNotification: number;
  /** The most calls one notification made. */
  readonly maxCallsPerNotification: number;
}

export interface NormalResults {
  readonly context: {
    /** One failure a night for two weeks, each read by a cold Lambda: nothing cached. */
    readonly nightly: ContextCase;
    /** 50 failures of one machine within a minute: the machine's list is read once. */
    readonly storm: ContextCase;
    readonly priced: false;
  };
  readonly digest: {
    readonly machines: number;
    readonly runsPerDay: number;
    readonly calls: Readonly<Record<string, number>>;
    readonly formatterMs: number;
    readonly standardTransitions: number;
    readonly usagePerDigest: Usage;
    readonly dollarsPerDestinationMonth: number;
    readonly prices: { readonly date: string; readonly region: string };
  };
}

const arn = (machine: string, name: string) => `${PREFIX}:execution:${machine}:${name}`;

async function withEndpoint<T>(
  registry: ExecutionRegistry,
  histories: Map<string, { events: Record<string, unknown>[] }>,
  tailReads: { count: number },
  work: () => Promise<T>
): Promise<T> {
  const history: HistorySource = async (request) => {
    tailReads.count += 1;
    const found = histories.get(request.executionArn);
    return recordedHistorySource(found ? [found] : [{ events: [] }], request.executionArn)(request);
  };
  const release = await serveHistoryToSdk(history);
  setServedExecutions(registry);
  try {
    return await work();
  } finally {
    setServedExecutions(undefined);
    await release();
  }
}

function record(
  registry: ExecutionRegistry,
  histories: Map<string, { events: Record<string, unknown>[] }>,
  machine: string,
  name: string,
  status: string,
  startMs: number,
  minutes: number
) {
  const stopMs = startMs + minutes * MIN;
  const failed = status === 'FAILED';
  registry.record({
    detail: {
      executionArn: arn(machine, name),
      stateMachineArn: `${PREFIX}:stateMachine:${machine}`,
      name,
      status,
      startDate: startMs,
      stopDate: stopMs,
      ...(failed ? { error: 'States.TaskFailed' } : {}),
    },
  });
  histories.set(arn(machine, name), runHistory({ startMs, stopMs, ...(failed ? { failIn: 'Load' } : {}) }));
  return { executionArn: arn(machine, name), status, startDate: startMs, stopDate: stopMs };
}

async function contextCase(storm: boolean): Promise<ContextCase> {
  clearRunContextCache();
  const registry = new ExecutionRegistry();
  const histories = new Map<string, { events: Record<string, unknown>[] }>();
  const tail = { count: 0 };
  const client = new SFNClient({ maxAttempts: 1 });
  for (let n = 0; n < 20; n += 1)
    record(registry, histories, 'nightly', `ok-${n}`, 'SUCCEEDED', T0 + n * DAY, 35);
  const count = storm ? 50 : 14;
  let perNotificationMax = 0;
  await withEndpoint(registry, histories, tail, async () => {
    for (let i = 0; i < count; i += 1) {
      const startMs = storm ? T0 + 20 * DAY + i * 1_000 : T0 + (20 + i) * DAY;
      // A night apart, the Lambda is cold: nothing cached (a storm's notifications share one warm instance).
      if (!storm) clearRunContextCache();
      const before = registry.calls.length + tail.count;
      const run = record(registry, histories, 'nightly', `bad-${i}`, 'FAILED', startMs, storm ? 0.5 : 5);
      // Virtual time: a storm's notifications come within the cache's life; the nights do not.
      const now = storm ? run.stopDate : run.stopDate + i * DAY;
      await readRunContext(
        client,
        {
          stateMachineArn: `${PREFIX}:stateMachine:nightly`,
          ...run,
          error: 'States.TaskFailed',
          failedState: 'Load',
        },
        { now: () => now }
      );
      perNotificationMax = Math.max(perNotificationMax, registry.calls.length + tail.count - before);
    }
  });
  const calls: Record<string, number> = { GetExecutionHistory: tail.count };
  for (const call of registry.calls) calls[call.api] = (calls[call.api] ?? 0) + 1;
  const total = Object.values(calls).reduce((a, b) => a + b, 0);
  return {
    notifications: count,
    calls,
    callsPerNotification: Math.round((total / count) * 100) / 100,
    maxCallsPerNotification: perNotificationMax,
  };
}

/** The digest of 10 machines with a day of hourly runs each (2 failures a machine), its reads and duration. */
async function digestCase(previousDelivery: Usage): Promise<NormalResults['digest']> {
  const registry = new ExecutionRegistry();
  const histories = new Map<string, { events: Record<string, unknown>[] }>();
  const until = T0 + 30 * DAY;
  const machines = 10;
  const runsPerDay = 24;
  for (let m = 0; m < machines; m += 1) {
    for (let h = 0; h < 24 * 3; h += 1) {
      const status = h % 24 === 5 || h % 24 === 17 ? 'FAILED' : 'SUCCEEDED';
      record(registry, histories, `etl-${m}`, `r-${h}`, status, until - (h + 1) * HOUR, 10);
    }
  }
  const plan = {
    destination: { type: 'channel' as const, channel: 'C0DATA0001' },
    digest: { at: '09:00', timeZone: 'Europe/Berlin', quiet: 'line' as const },
    routes: ['data'],
    stateMachineArns: [],
    stateMachineNamePrefixes: ['etl-'],
  };
  const request: DigestRequest = {
    ...digestRequest('bench', plan, { mute: true }),
    until: new Date(until).toISOString(),
  };
  const stats = { calls: {} as Record<string, number> };
  const client = new SFNClient({ maxAttempts: 1 });
  const started = performance.now();
  await withEndpoint(registry, histories, { count: 0 }, () => digestOperation(request, client, { stats }));
  const formatterMs = performance.now() - started;
  // Write, the Choice, Enqueue: 3 transitions (digest.asl.json), one formatter call, one message sent and delivered.
  const standardTransitions = 3;
  const usagePerDigest: Usage = {
    standardTransitions,
    expressRequests: previousDelivery.expressRequests,
    expressGbSeconds: previousDelivery.expressGbSeconds,
    lambdaRequests: 1,
    lambdaGbSeconds: lambdaBilledGbSeconds(formatterMs, 512),
    lambdaX86GbSeconds: 0,
    sqsFifoRequests: previousDelivery.sqsFifoRequests,
    sqsStandardRequests: 0,
    pipesRequests: previousDelivery.pipesRequests,
  };
  return {
    machines,
    runsPerDay,
    calls: stats.calls,
    formatterMs: Math.round(formatterMs * 10) / 10,
    standardTransitions,
    usagePerDigest,
    // 30 digests a month; Scheduler's first 14 million invocations a month are free.
    dollarsPerDestinationMonth: (dollarsPerThousand(usagePerDigest) / 1000) * 30,
    prices: { date: prices.date, region: prices.region },
  };
}

export async function normalBench(previousDelivery: Usage): Promise<NormalResults> {
  return {
    context: { nightly: await contextCase(false), storm: await contextCase(true), priced: false },
    digest: await digestCase(previousDelivery),
  };
}
