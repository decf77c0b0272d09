/**
 * What a notification costs, counted from runs of the real definitions on the local pipeline (local/pipeline.ts):
 * state-entered events in the notifier's and the delivery's executions, `lambda:invoke` tasks, the SQS requests
 * (the tasks' sends, the Pipe's receives and deletes), one Pipes request per delivery execution, and the DynamoDB
 * requests the local server received (`store.requestsByOperation()`). Priced with bench/cost.ts.
 *
 * Durations cannot be measured locally (no Slack, Lambda or AWS API latency), so each billed duration is the
 * execution's simulated time (its Waits on the virtual clock) plus the assumptions in `costAssumptions`, and the
 * formatter's in-process time measured here.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { StatusChangeEvent } from '../contract/formatter.js';
import { type ExecutionResult, type HistoryEvent, VirtualClock } from '../local/asl/index.js';
import { historiesOf, renamed } from '../local/examples.js';
import { type Formatter, LocalPipeline, type PipelineOptions } from '../local/pipeline.js';
import { type HistoryPage, type HistorySource, recordedHistorySource } from '../local/stand-ins/history.js';
import { repoRoot } from './bundle.js';
import {
  dollarsPerThousand,
  expressBilledGbSeconds,
  lambdaBilledGbSeconds,
  prices,
  requestChunks,
  type Usage,
} from './cost.js';
import { assumptions, formatterMemoryMb } from './designs.js';
import { generatedHistory } from './histories.js';
import { failedExample } from './pipeline.js';
import { seededRandom } from './sim-clock.js';

export const COST_SCENARIOS = ['onePage', 'runningThenUpdate', 'history25k', 'storm500'] as const;
export type CostScenarioName = (typeof COST_SCENARIOS)[number];

/**
 * Latencies the local run cannot see (documented assumptions, beside bench/designs.ts `assumptions`: a Slack
 * round trip 250 ms, a GetExecutionHistory page 100 ms, an SQS send 20 ms).
 */
export const costAssumptions = {
  ...assumptions,
  /** A warm in-region Lambda invocation of the delivery function (one DynamoDB call), ms. */
  deliveryFunctionMs: 50,
  /** Lambda's own overhead around the formatter's code (invoke, (de)serialisation), ms. */
  lambdaOverheadMs: 10,
  /** Any other AWS API call from a state (SSM, Scheduler), ms. */
  awsCallMs: 20,
} as const;

/** The delivery function's `memorySize`, read from its construct so the cost follows what is deployed. */
export function deliveryFunctionMemoryMb(): number {
  const source = readFileSync(path.join(repoRoot, 'infra', 'constructs', 'delivery-machine.ts'), 'utf8');
  const match = /memorySize:\s*(\d+)/.exec(source);
  if (!match) throw new Error('no memorySize for the delivery function');
  return Number(match[1]);
}

/** One scenario's figures; every count is per notification (one execution's news, told). */
export interface CostScenario {
  readonly description: string;
  /** Executions notified in the run (the divisor of every per-notification figure). */
  readonly notifications: number;
  /** Status-change events sent (RUNNING then FAILED is two events for one notification). */
  readonly events: number;
  /** Notifier (Standard) state transitions: state-entered events in its executions. */
  readonly notifierTransitions: number;
  readonly deliveryExecutions: number;
  /** Delivery (Express) state-entered events: not billed per transition, shown for the console's story. */
  readonly deliveryTransitions: number;
  /** `lambda:invoke` tasks scheduled (formatter and delivery function, retries included). */
  readonly lambdaInvocations: number;
  /** SQS sends (tasks), receives and deletes (the Pipe), in 64 KiB chunks. */
  readonly sqsRequests: number;
  readonly pipesRequests: number;
  /** DynamoDB requests by operation, per notification. */
  readonly dynamoDbRequests: Readonly<Record<string, number>>;
  /** HTTP calls to Slack (http:invoke tasks). */
  readonly slackCalls: number;
  /** Run totals that say the run was clean: failed delivery executions (retried by the Pipe), dead letters. */
  readonly failedDeliveryExecutions: number;
  readonly deadLettered: number;
  /** Billed durations the GB-seconds came from, per execution, ms. */
  readonly durationsMs: Readonly<Record<string, number>>;
  readonly usage: Usage;
  readonly dollarsPerThousand: number;
}

export interface CostScenarios {
  readonly prices: { readonly date: string; readonly region: string };
  readonly assumptions: typeof costAssumptions;
  readonly durationBasis: string;
  readonly scenarios: Readonly<Record<CostScenarioName, CostScenario>>;
  /** The same notifier definition billed as Express (`notifierType: "express"`). */
  readonly expressNotifier: {
    readonly onePage: {
      readonly notifierMs: number;
      readonly usage: Usage;
      readonly dollarsPerThousand: number;
    };
  };
}

const START = Date.UTC(2026, 10, 25, 3, 0);
const MINUTE = 60_000;

export const stateEntered = (events: readonly HistoryEvent[]): number =>
  events.filter((e) => e.type.endsWith('StateEntered')).length;

/** The service-integration tasks scheduled in `events` whose resource type is one of `types`. */
function tasks(events: readonly HistoryEvent[], ...types: string[]): HistoryEvent[] {
  return events.filter(
    (e) => e.type === 'TaskScheduled' && types.includes(String(e.details?.resourceType ?? ''))
  );
}
const lambdaTasks = (events: readonly HistoryEvent[]) => tasks(events, 'lambda');
const sqsSendChunks = (events: readonly HistoryEvent[]) =>
  tasks(events, 'sqs', 'aws-sdk:sqs').reduce(
    (n, e) => n + requestChunks(Buffer.byteLength(String(e.details?.parameters ?? ''), 'utf8')),
    0
  );
const simulatedMs = (events: readonly HistoryEvent[]): number => {
  const times = events.map((e) => Date.parse(e.timestamp));
  return times.length === 0 ? 0 : Math.max(...times) - Math.min(...times);
};

/** What one run measured, before pricing. */
export interface Tally {
  readonly notifiers: readonly ExecutionResult[];
  readonly deliveries: readonly ExecutionResult[];
  readonly receives: number;
  readonly deletes: number;
  readonly dynamoDb: Readonly<Record<string, number>>;
  /** Request units DynamoDB billed, as the local server sized each request (`ReturnConsumedCapacity`). */
  readonly dynamoDbUnits: { readonly read: number; readonly write: number };
  /** Store requests the units were read from (every request the server counted, when no client bypassed it). */
  readonly dynamoDbSized: number;
  /** Requests the local Slack server received. */
  readonly slackRequests: number;
  /** Messages left in the dead-letter queue (a clean run leaves none). */
  readonly deadLettered: number;
  /** The formatter's in-process time per notifier execution, ms. */
  readonly formatterMs: readonly number[];
  /** GetExecutionHistory pages served (the notifier's FetchHistory and the formatter's own reads). */
  readonly historyPages: number;
}

/**
 * Builds a pipeline, counts what `run` makes it do, closes it. The queue's receives and deletes are counted by
 * wrapping the local queue (the Pipe's calls); DynamoDB requests are the local server's count after creation.
 */
export async function measure(
  options: Omit<PipelineOptions, 'formatter' | 'clock'> & { readonly formatter: Formatter },
  run: (pipeline: LocalPipeline, notify: (event: StatusChangeEvent) => Promise<void>) => Promise<void>
): Promise<Tally> {
  const formatterMs: number[] = [];
  let pending = 0;
  const timed: Formatter = async (input) => {
    const t = performance.now();
    try {
      return await options.formatter(input);
    } finally {
      pending += performance.now() - t;
    }
  };
  let historyPages = 0;
  const history: HistorySource = (request) => {
    historyPages += 1;
    return options.history(request);
  };
  const pipeline = await LocalPipeline.create({
    clock: new VirtualClock(START),
    random: seededRandom(11),
    environment: 'bench',
    ...options,
    history,
    formatter: timed,
  });
  try {
    const before = pipeline.store.requestsByOperation();
    const dynamoDbUnits = { read: 0, write: 0 };
    let dynamoDbSized = 0;
    const slackBefore = pipeline.slack?.requests.length ?? 0;
    // Every store request asks the local server what it consumed (dynalite sizes it as DynamoDB does: the larger of
    // the item before and after, per started KB written or 4 KB read); a refused request is billed one unit.
    // Every client of the table: the notifier's and the delivery function's own (which has the deployed retries).
    for (const client of pipeline.store.clients()) {
      client.middlewareStack.add(
        (next, context) => async (args) => {
          const kind = /^(Get|BatchGet|Query|Scan|TransactGet)/.test(context.commandName ?? '')
            ? 'read'
            : 'write';
          const input = args.input as { ReturnConsumedCapacity?: string };
          input.ReturnConsumedCapacity ??= 'TOTAL';
          dynamoDbSized += 1;
          try {
            const result = await next(args);
            const consumed = (result.output as { ConsumedCapacity?: { CapacityUnits?: number } })
              .ConsumedCapacity;
            dynamoDbUnits[kind] += consumed?.CapacityUnits ?? 1;
            return result;
          } catch (error) {
            dynamoDbUnits[kind] += 1;
            throw error;
          }
        },
        { step: 'initialize', name: 'benchConsumedCapacity' }
      );
    }
    let receives = 0;
    let deletes = 0;
    const receive = pipeline.queue.receiveMessage.bind(pipeline.queue);
    pipeline.queue.receiveMessage = (...args: Parameters<typeof receive>) => {
      const got = receive(...args);
      if (got.length > 0) receives += 1;
      return got;
    };
    const remove = pipeline.queue.deleteMessage.bind(pipeline.queue);
    pipeline.queue.deleteMessage = (...args: Parameters<typeof remove>) => {
      deletes += 1;
      return remove(...args);
    };
    const notifiers: ExecutionResult[] = [];
    await run(pipeline, async (event) => {
      pending = 0;
      const result = await pipeline.notify(event);
      if (result.status !== 'SUCCEEDED') throw new Error(`notifier ${result.status}: ${result.error}`);
      notifiers.push(result);
      formatterMs.push(pending);
    });
    const after = pipeline.store.requestsByOperation();
    const dynamoDb: Record<string, number> = {};
    for (const [operation, n] of Object.entries(after)) {
      const delta = n - (before[operation] ?? 0);
      if (delta > 0) dynamoDb[operation] = delta;
    }
    return {
      notifiers,
      deliveries: pipeline.deliveries.map((d) => d.result),
      receives,
      deletes,
      dynamoDb,
      dynamoDbUnits: { ...dynamoDbUnits },
      dynamoDbSized,
      slackRequests: (pipeline.slack?.requests.length ?? 0) - slackBefore,
      deadLettered: pipeline.deadLetterQueue.counts().visible + pipeline.deadLetterQueue.counts().inFlight,
      formatterMs,
      historyPages,
    };
  } finally {
    await pipeline.close();
  }
}

/** Prices a tally per notification. */
export function priceTally(
  tally: Tally,
  notifications: number,
  description: string,
  events: number
): CostScenario {
  const per = (n: number) => n / notifications;
  const notifierEvents = tally.notifiers.flatMap((r) => r.events);
  const deliveryEvents = tally.deliveries.flatMap((r) => r.events);
  const formatterMemory = formatterMemoryMb(
    path.join(repoRoot, 'infra', 'constructs', 'formatter-function.ts')
  );
  const deliveryMemory = deliveryFunctionMemoryMb();

  // The formatter invocations (the notifier's lambda tasks) and the delivery function's (the delivery's).
  const formatterCalls = lambdaTasks(notifierEvents).length;
  const deliveryFunctionCalls = lambdaTasks(deliveryEvents).length;
  // The formatter reads the pages after the first itself: each read adds a page's latency to its duration.
  const formatterPages = tally.historyPages - tasks(notifierEvents, 'aws-sdk:sfn').length;
  const formatterMsEach =
    (tally.formatterMs.reduce((a, b) => a + b, 0) + formatterPages * costAssumptions.historyPageLatencyMs) /
      Math.max(1, formatterCalls) +
    costAssumptions.lambdaOverheadMs;

  // Express delivery: simulated time + Slack round trips + Lambda and other AWS calls, per execution.
  const expressMs = tally.deliveries.map(
    (d) =>
      simulatedMs(d.events) +
      tasks(d.events, 'http').length * costAssumptions.slackLatencyMs +
      lambdaTasks(d.events).length * costAssumptions.deliveryFunctionMs +
      tasks(d.events, 'sqs', 'aws-sdk:ssm', 'aws-sdk:scheduler').length * costAssumptions.awsCallMs
  );
  const sqsRequests =
    sqsSendChunks(notifierEvents) + sqsSendChunks(deliveryEvents) + tally.receives + tally.deletes;
  const usage: Usage = {
    standardTransitions: per(stateEntered(notifierEvents)),
    expressRequests: per(tally.deliveries.length),
    expressGbSeconds: per(expressMs.reduce((n, ms) => n + expressBilledGbSeconds(ms), 0)),
    lambdaRequests: per(formatterCalls + deliveryFunctionCalls),
    lambdaGbSeconds: per(
      formatterCalls * lambdaBilledGbSeconds(formatterMsEach, formatterMemory) +
        deliveryFunctionCalls * lambdaBilledGbSeconds(costAssumptions.deliveryFunctionMs, deliveryMemory)
    ),
    lambdaX86GbSeconds: 0,
    sqsFifoRequests: per(sqsRequests),
    sqsStandardRequests: 0,
    pipesRequests: per(tally.deliveries.length),
    dynamoDbReadUnits: per(tally.dynamoDbUnits.read),
    dynamoDbWriteUnits: per(tally.dynamoDbUnits.write),
  };
  const meanExpressMs = expressMs.reduce((a, b) => a + b, 0) / Math.max(1, expressMs.length);
  return {
    description,
    notifications,
    events,
    notifierTransitions: usage.standardTransitions,
    deliveryExecutions: usage.expressRequests,
    deliveryTransitions: per(stateEntered(deliveryEvents)),
    lambdaInvocations: usage.lambdaRequests,
    sqsRequests: usage.sqsFifoRequests,
    pipesRequests: usage.pipesRequests,
    dynamoDbRequests: Object.fromEntries(Object.entries(tally.dynamoDb).map(([k, n]) => [k, per(n)])),
    slackCalls: per(tasks(deliveryEvents, 'http').length),
    failedDeliveryExecutions: tally.deliveries.filter((d) => d.status !== 'SUCCEEDED').length,
    deadLettered: tally.deadLettered,
    durationsMs: { formatter: round(formatterMsEach), expressDelivery: round(meanExpressMs) },
    usage,
    dollarsPerThousand: dollarsPerThousand(usage),
  };
}

const round = (n: number) => Math.round(n * 10) / 10;

/** onePage: the bundled failed run (48 events, one page), one route. */
export async function onePage(formatter: Formatter): Promise<{ tally: Tally; entry: CostScenario }> {
  const example = renamed(failedExample(), 'cost-one-page');
  const tally = await measure({ formatter, history: historiesOf([example]) }, async (pipeline, notify) => {
    await notify(example.event);
    await pipeline.deliver();
  });
  return { tally, entry: priceTally(tally, 1, 'a failed run, one page, one route', 1) };
}

/** The redrive example's RUNNING and FAILED events of one execution, each with the history it had then. */
function runningThenFailed(): {
  running: StatusChangeEvent;
  failed: StatusChangeEvent;
  pages: HistoryPage[][];
} {
  const dir = path.join(repoRoot, 'examples', 'scenarios');
  const read = <T>(file: string): T => JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as T;
  return {
    running: read('redrive.running.event.json'),
    failed: read('redrive.failed.event.json'),
    pages: [[read('redrive.started.history.json')], [read('redrive.failed.history.json')]],
  };
}

async function runningThenUpdate(formatter: Formatter): Promise<CostScenario> {
  const { running, failed, pages } = runningThenFailed();
  // The history as GetExecutionHistory answers it at each moment: started, then failed.
  let current: HistorySource = recordedHistorySource(pages[0] as HistoryPage[]);
  const history: HistorySource = (request) => current(request);
  const tally = await measure(
    { formatter, history, lifecycle: { startNotices: true } },
    async (pipeline, notify) => {
      await notify(running);
      await pipeline.deliver();
      await pipeline.clock.sleep(MINUTE);
      current = recordedHistorySource(pages[1] as HistoryPage[]);
      await notify(failed);
      await pipeline.deliver();
    }
  );
  return priceTally(
    tally,
    1,
    'RUNNING then FAILED of one execution: a start notice, then an edit and a reply',
    2
  );
}

async function history25k(formatter: Formatter): Promise<CostScenario> {
  const big = generatedHistory(25_000, 'cost-25k');
  const history = recordedHistorySource(big.pages as unknown as HistoryPage[]);
  const tally = await measure({ formatter, history }, async (pipeline, notify) => {
    await notify(big.event);
    await pipeline.deliver();
  });
  return priceTally(
    tally,
    1,
    `a failed run with a ${big.eventCount.toLocaleString('en-US')}-event history`,
    1
  );
}

/** As the fault matrix's storm (bench/faults.ts): 500 failures of one state machine in 5 minutes, one channel. */
async function storm500(formatter: Formatter, notifications = 500): Promise<CostScenario> {
  const examples = Array.from({ length: notifications }, (_, i) =>
    renamed(failedExample(), `cost-storm-${String(i).padStart(4, '0')}`)
  );
  const spacingMs = Math.floor((5 * MINUTE) / notifications);
  const tally = await measure({ formatter, history: historiesOf(examples) }, async (pipeline, notify) => {
    for (const [i, example] of examples.entries()) {
      const at = START + i * spacingMs;
      if (at > pipeline.clock.now()) await pipeline.clock.sleep(at - pipeline.clock.now());
      await notify(example.event);
      await pipeline.deliver();
    }
    // Whatever the storm left scheduled (a digest's flush) fires and is delivered.
    await pipeline.advanceTo(pipeline.clock.now() + 30 * MINUTE);
  });
  return priceTally(
    tally,
    notifications,
    `${notifications} failures of one state machine within 5 minutes, one channel (storm digest)`,
    notifications
  );
}

/**
 * The notifier billed as Express: one request and its duration (64 MB, 100 ms steps): the simulated time, one
 * history page read, the formatter's measured time and Lambda overhead, one SQS send; plus everything else the
 * Standard figure holds except the transitions.
 */
export function expressNotifierOf(
  tally: Tally,
  entry: CostScenario
): CostScenarios['expressNotifier']['onePage'] {
  const ms =
    tally.notifiers.reduce(
      (n, r) =>
        n +
        simulatedMs(r.events) +
        tasks(r.events, 'aws-sdk:sfn').length * costAssumptions.historyPageLatencyMs +
        tasks(r.events, 'sqs', 'aws-sdk:sqs').length * costAssumptions.sqsSendLatencyMs +
        lambdaTasks(r.events).length * (entry.durationsMs.formatter ?? 0),
      0
    ) / tally.notifiers.length;
  const usage: Usage = {
    ...entry.usage,
    standardTransitions: 0,
    expressRequests: entry.usage.expressRequests + tally.notifiers.length / entry.notifications,
    expressGbSeconds:
      entry.usage.expressGbSeconds +
      (tally.notifiers.length / entry.notifications) * expressBilledGbSeconds(ms),
  };
  return { notifierMs: round(ms), usage, dollarsPerThousand: dollarsPerThousand(usage) };
}

export async function costScenarios(
  formatter: Formatter,
  log: (line: string) => void,
  plan: { readonly stormNotifications: number } = { stormNotifications: 500 }
): Promise<CostScenarios> {
  log('cost: onePage');
  const one = await onePage(formatter);
  log('cost: runningThenUpdate');
  const update = await runningThenUpdate(formatter);
  log('cost: history25k');
  const big = await history25k(formatter);
  log(`cost: storm${plan.stormNotifications}`);
  const storm = await storm500(formatter, plan.stormNotifications);
  return {
    prices: { date: prices.date, region: prices.region },
    assumptions: costAssumptions,
    durationBasis:
      'Express and Lambda durations: the simulated time of each execution (Waits on the virtual clock) plus the ' +
      'assumed latencies (Slack round trip, delivery function, AWS calls); the formatter: the in-process time of ' +
      'its message formatting measured in this run, a page latency for each history page it reads itself, and the ' +
      'assumed Lambda overhead. Express billed in 64 MB × 100 ms steps, Lambda per 1 ms.',
    scenarios: { onePage: one.entry, runningThenUpdate: update, history25k: big, storm500: storm },
    expressNotifier: { onePage: expressNotifierOf(one.tally, one.entry) },
  };
}
