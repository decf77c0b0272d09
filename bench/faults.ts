/**
 * The fault matrix: the local pipeline (real state machine files, real formatter, local FIFO queue and DLQ,
 * the local Slack-compatible server with its rate limit) under one fault at a time, as a demanding SRE would
 * try it. Every figure is measured from what the Slack server received and what the queues hold at the end;
 * nothing is assumed. Time is simulated (bench/sim-clock.ts): `drainSeconds` is virtual.
 */
import type { FormatterOutput, StatusChangeEvent } from '../contract/formatter.js';
import { type FiredAlarm, firedAlarms, pipelineObservations } from '../local/alarms.js';
import { StatesError } from '../local/asl/index.js';
import { type Example, historiesOf, renamed } from '../local/examples.js';
import { type Formatter, LocalPipeline, type PipelineOptions } from '../local/pipeline.js';
import { type SlackServer, startSlackServer } from '../local/slack-server/index.js';
import type { HistorySource } from '../local/stand-ins/history.js';
import { AWS_FAULT_NAMES, awsFaultScenarios } from './faults-aws.js';
import { resultsPosted, runningEvent, SLACK_FAULT_NAMES, slackScenarios } from './faults-slack.js';
import { deadLettered, failedExample, SLACK_BURST } from './pipeline.js';
import { channelRates } from './rate-window.js';
import { SimulationClock, seededRandom } from './sim-clock.js';

/** The faults, in the order the matrix reports them. */
export const FAULT_NAMES = [
  'baseline',
  'slack429Storm',
  'slack5xx10min',
  'slackDown',
  'invalidBlocks',
  'duplicateEvents',
  'historyDeleted',
  'pageOver256KiB',
  'formatterThrows',
  'notifierTimeout',
  'invalidAuthThenReplay',
  'channelNotFoundThenReplay',
  'poisonMessages',
  'storm',
  'webhookBaseline',
  'webhookStorm',
  ...SLACK_FAULT_NAMES,
  ...AWS_FAULT_NAMES,
] as const;
export type FaultName = (typeof FAULT_NAMES)[number];

/** One row of the matrix (bench/results.json `faults.<name>`). */
export interface FaultEntry {
  /** Distinct notifications (execution + status) the notifier was asked for. */
  readonly notifications: number;
  /** Notifications that reached Slack at least once (accepted posts that name the execution). */
  readonly delivered: number;
  /** Notifications neither delivered nor waiting in a dead-letter queue at the end. */
  readonly lost: number;
  /** Extra accepted posts naming a notification already posted. */
  readonly duplicated: number;
  /** Messages left in the dead-letter queues at the end (poison messages included). */
  readonly deadLettered: number;
  /** Every channel received its notifications in the order they were queued. */
  readonly orderKept: boolean;
  /** Requests the Slack server answered with HTTP 429. */
  readonly http429: number;
  /** Requests to Slack, whatever their answer. */
  readonly slackPosts: number;
  /** The busiest channel's accepted posts per second after its first SLACK_BURST (the burst Slack allows). */
  readonly maxPerChannelPerSecond: number;
  /** First notification to the last request Slack saw, simulated seconds. */
  readonly drainSeconds: number;
  /**
   * The stack's alarms the run would have fired, soonest first, with when each first fires (simulated seconds from
   * the first notification; local/alarms.ts). Absent in entries measured before alarms were counted.
   */
  readonly alarms?: ReadonlyArray<Pick<FiredAlarm, 'name' | 'afterSeconds'>>;
}

export interface FaultPlan {
  /** @default 500 */
  readonly notifications?: number;
  /** @default 10 */
  readonly channels?: number;
  /** Storm: failures of one state machine into one channel. @default 500 */
  readonly stormNotifications?: number;
  /** @default 1 */
  readonly seed?: number;
}

/** As the issue tried it: 500 notifications over 10 channels; a storm of 500 failures in one channel. */
export const FAULT_PLAN: Required<FaultPlan> = {
  notifications: 500,
  channels: 10,
  stormNotifications: 500,
  seed: 1,
};

const START = Date.UTC(2026, 10, 25, 3, 0);

/** pageOver256KiB runs smaller: each notification's formatter reads a 240-event history over the local SDK endpoint. */
export const LARGE_HISTORY_LIMITS = { notifications: 50, channels: 5 } as const;
const MINUTE = 60_000;

interface Notification {
  readonly id: string;
  readonly channel: number;
  readonly at: number;
  readonly event: StatusChangeEvent;
}

/** One entry's plan (bench/faults-slack.ts and bench/faults-aws.ts define theirs with it). */
export interface Scenario {
  readonly notifications: number;
  readonly channels: number;
  /** Milliseconds between events (0: all at once). */
  readonly spacingMs?: number;
  readonly history?: (base: HistorySource) => HistorySource;
  readonly formatter?: (base: Formatter, clock: SimulationClock) => Formatter;
  /** `own` makes an example an execution of a state machine of its own (the default, without `examples`). */
  readonly examples?: (names: readonly string[], own: typeof ownMachine) => Example[];
  /** Options every channel's pipeline is created with (start notices, runningLongerThan, ...). */
  readonly pipeline?: Partial<PipelineOptions>;
  /** Before the notifications (faults, poison messages). */
  readonly before?: (world: World) => void | Promise<void>;
  /** Runs alongside the drain on the simulated clock (e.g. ends an outage). */
  readonly during?: (world: World) => Promise<void>;
  /** After the drain: the operator's fix and replay. */
  readonly after?: (world: World) => Promise<void>;
  /** Sends an event again this long after the first. */
  readonly duplicateAfterMs?: number;
  /** Each channel's pipeline delivers through an incoming webhook (the webhook transport of deliver.asl.json). @default false */
  readonly webhook?: boolean;
  /**
   * Start notices on: each execution's RUNNING event comes first (its message is posted), its result `runningMs`
   * later (an edit and a thread reply). A notification is then the result, delivered when a post carries its
   * deduplication id; duplicated counts any id posted twice. @default - off
   */
  readonly startNotices?: { readonly runningMs: number };
  /**
   * The channels' pipelines share one message store, as one deployed environment posting to every channel does
   * (one workspace-wide chat.update bucket). @default false: a stack per channel, sharing only Slack's limits
   */
  readonly oneStack?: boolean;
}

/** What an entry's hooks act on: the clock, the Slack server, each channel's pipeline. */
export interface World {
  readonly clock: SimulationClock;
  readonly server: SlackServer;
  readonly pipelines: readonly LocalPipeline[];
  readonly channelIds: readonly string[];
  drain(): Promise<void>;
}

/** Every accepted post, with the notification ids it names (one, or many for a digest). */
function namedIds(server: SlackServer, pattern: RegExp): Array<{ channel: string; ids: string[] }> {
  return server
    .messages()
    .map((m) => ({ channel: m.channel, ids: [...new Set(JSON.stringify(m.body).match(pattern) ?? [])] }));
}

/** A scenario's entry, and when the first channel got its first accepted post (simulated seconds). */
interface Measured {
  readonly entry: FaultEntry;
  readonly firstChannelFirstPostSeconds: number;
  /** Messages seen in the busiest channel itself: posts outside threads, and thread replies shown in the channel. */
  readonly maxChannelMessages: number;
}

async function runScenario(name: FaultName, scenario: Scenario, seed: number): Promise<Measured> {
  const clock = new SimulationClock(START);
  const channelIds = Array.from(
    { length: scenario.channels },
    (_, i) => `C0FAULT${String(i + 1).padStart(2, '0')}`
  );
  const server = await startSlackServer({
    clock,
    channels: channelIds.map((id, i) => ({ id, name: `fault-${i + 1}` })),
    rateLimit: { burst: SLACK_BURST, perSecond: 1 },
  });
  const prefix = `f-${name}-`;
  const pattern = new RegExp(`${prefix}\\d{4}`, 'g');
  const names = Array.from(
    { length: scenario.notifications },
    (_, i) => `${prefix}${String(i).padStart(4, '0')}`
  );
  const base = failedExample();
  // Each notification from its own state machine (a burst across many workflows), except where the scenario
  // says otherwise (the storm: one state machine failing again and again).
  const examples =
    scenario.examples?.(names, ownMachine) ?? names.map((n) => ownMachine(renamed(base, n), n));
  const history = scenario.history ? scenario.history(historiesOf(examples)) : historiesOf(examples);
  const { loadFormatter } = await import('./pipeline.js');
  const real = await loadFormatter();
  const formatter = scenario.formatter ? scenario.formatter(real, clock) : real;
  const pipelines: LocalPipeline[] = [];
  const store = scenario.oneStack ? await LocalPipeline.startStore(clock) : undefined;
  try {
    for (const [i, id] of channelIds.entries()) {
      pipelines.push(
        await LocalPipeline.create({
          history,
          formatter,
          clock,
          random: seededRandom(seed * 1000 + i + 1),
          slack: { kind: 'local', server, webhook: scenario.webhook === true },
          channel: id,
          environment: 'bench',
          ...(scenario.startNotices ? { lifecycle: { startNotices: true } } : {}),
          ...(store ? { store } : {}),
          ...scenario.pipeline,
        })
      );
    }
    const world: World = {
      clock,
      server,
      pipelines,
      channelIds,
      drain: async () => {
        await clock.all(pipelines.map((p) => () => p.deliver()));
      },
    };
    await scenario.before?.(world);
    const notifications: Notification[] = examples.map((example, i) => ({
      id: names[i] as string,
      channel: i % scenario.channels,
      at: START + i * (scenario.spacingMs ?? 0),
      event: example.event,
    }));
    // What each channel's queue received, in order (the first enqueue of each notification): the order the
    // delivery must keep.
    const enqueued = new Map<string, string[]>();
    for (const [i, p] of pipelines.entries()) {
      const send = p.queue.sendMessage.bind(p.queue);
      const list: string[] = [];
      enqueued.set(channelIds[i] as string, list);
      p.queue.sendMessage = (input) => {
        for (const id of input.MessageBody.match(pattern) ?? []) if (!list.includes(id)) list.push(id);
        return send(input);
      };
    }
    // Each event starts its own notifier execution when it arrives (they run concurrently, as on AWS); every
    // Pipe polls its queue meanwhile: it drains, waits a second, and drains again until every event arrived and
    // no one-time schedule (a webhook storm digest's flush) is still to fire.
    const start = scenario.startNotices;
    const arrivals = notifications.flatMap((n) => [
      ...(start ? [{ n: { ...n, event: runningEvent(n.event) }, at: n.at }] : []),
      ...[
        n.at + (start?.runningMs ?? 0),
        ...(scenario.duplicateAfterMs === undefined ? [] : [n.at + scenario.duplicateAfterMs]),
      ].map((at) => ({ n, at })),
    ]);
    let pending = arrivals.length;
    const poller = (p: LocalPipeline) => async () => {
      for (;;) {
        p.scheduler.fireDue();
        await p.deliver();
        if (pending === 0 && p.scheduler.nextDueAt() === undefined) {
          await p.deliver();
          return;
        }
        await clock.sleep(1000);
      }
    };
    await clock.all<unknown>([
      ...arrivals.map(({ n, at }) => async () => {
        await clock.sleep(Math.max(0, at - clock.now()));
        try {
          await (pipelines[n.channel] as LocalPipeline).notify(n.event);
        } finally {
          pending -= 1;
        }
      }),
      ...pipelines.map(poller),
      ...(scenario.during ? [() => scenario.during?.(world) as Promise<void>] : []),
    ]);
    await scenario.after?.(world);

    const posts = namedIds(server, pattern);
    const seen = new Map<string, number>();
    for (const post of posts) for (const id of post.ids) seen.set(id, (seen.get(id) ?? 0) + 1);
    const deadLetterBodies = pipelines.flatMap((p) =>
      p.deadLetterQueue.receiveMessage(10_000, 0).map((m) => m.Body)
    );
    const deadIds = new Set(deadLetterBodies.flatMap((b) => b.match(pattern) ?? []));
    const results = start ? resultsPosted(server, notifications, deadLetterBodies) : undefined;
    const delivered = results ? results.delivered : names.filter((id) => seen.has(id)).length;
    const lost = results ? results.lost : names.filter((id) => !seen.has(id) && !deadIds.has(id)).length;
    const duplicated = results
      ? results.duplicated
      : [...seen.values()].reduce((n, c) => n + Math.max(0, c - 1), 0);
    // Posted in the order queued: each channel's first posts follow its queue's first enqueues.
    const orderKept = channelIds.every((channel) => {
      const posted = posts
        .filter((p) => p.channel === channel)
        .flatMap((p) => p.ids)
        .filter((id, i, all) => all.indexOf(id) === i);
      const queued = (enqueued.get(channel) ?? []).filter((id) => posted.includes(id));
      return posted.length === queued.length && posted.every((id, i) => queued[i] === id);
    });
    const rates = channelRates(server.messages(), { burst: SLACK_BURST, perSecond: 1 });
    const lastAt = Math.max(START, ...server.requests.map((r) => r.at));
    // With start notices the drain counts from the first result (the RUNNING messages were posted before).
    const firstAt = START + (start?.runningMs ?? 0);
    const firstPost = server.messages(channelIds[0]).at(0)?.receivedAt ?? lastAt;
    const entry: FaultEntry = {
      notifications: names.length,
      delivered,
      lost,
      duplicated,
      deadLettered: deadLettered(pipelines),
      orderKept,
      http429: server.requests.filter((r) => r.status === 429).length,
      slackPosts: server.requests.length,
      maxPerChannelPerSecond: Math.round(Math.max(0, ...rates.map((r) => r.sustainedPerSecond)) * 100) / 100,
      drainSeconds: Math.round((lastAt - firstAt) / 100) / 10,
      alarms: firedAlarms(pipelineObservations(pipelines), START).map(({ name, afterSeconds }) => ({
        name,
        afterSeconds,
      })),
    };
    const inChannel = channelIds.map(
      (id) => server.messages(id).filter((m) => m.threadTs === undefined || m.replyBroadcast === true).length
    );
    return {
      entry,
      firstChannelFirstPostSeconds: (firstPost - START) / 1000,
      maxChannelMessages: Math.max(0, ...inChannel),
    };
  } finally {
    for (const p of pipelines) await p.close();
    await store?.close();
    await server.close();
  }
}

/** The example as an execution of a state machine named after the notification. */
export function ownMachine(example: Example, machine: string): Example {
  const { detail } = example.event;
  const machineArn = (detail.stateMachineArn ?? '').replace(/:[^:]+$/, `:sm-${machine}`);
  const executionArn = detail.executionArn.replace(/:execution:[^:]+:/, `:execution:sm-${machine}:`);
  return {
    ...example,
    event: {
      ...example.event,
      detail: { ...detail, stateMachineArn: machineArn, executionArn },
    },
  };
}

/** Every `every`-th call (1-based) fails by `fail`; the others go through. */
function everyNth(formatter: Formatter, every: number, fail: () => Promise<FormatterOutput>): Formatter {
  let calls = 0;
  return async (input) => {
    calls += 1;
    return calls % every === 0 ? fail() : formatter(input);
  };
}

/** A history of `events` events whose causes make one page (MaxResults 200) larger than 256 KiB. */
function largeHistory(example: Example): Example {
  const events = Array.from({ length: 240 }, (_, i) => ({
    id: i + 1,
    type: i === 0 ? 'ExecutionStarted' : 'TaskFailed',
    timestamp: example.pages[0]?.events[0]?.timestamp ?? 0,
    ...(i === 0
      ? { executionStartedEventDetails: { roleArn: 'arn:aws:iam::123456789012:role/etl' } }
      : {
          taskFailedEventDetails: {
            resourceType: 'lambda',
            resource: 'invoke',
            error: 'Lambda.Unknown',
            cause: `retry ${i}: ${'c'.repeat(1500)}`,
          },
        }),
  }));
  return { ...example, pages: [{ events }] };
}

const outage = (
  server: SlackServer,
  status: number,
  error: string | undefined,
  ms: number,
  clock: SimulationClock
) => {
  server.injectFault({ status, ...(error ? { error } : {}), times: 1_000_000 });
  return clock.sleep(ms).then(() => server.clearFaults());
};

async function replayAll(world: World): Promise<void> {
  for (const p of world.pipelines) p.deadLetterQueue.startMessageMoveTask(p.queue);
  await world.drain();
}

function scenarios(plan: Required<FaultPlan>): Record<FaultName, Scenario> {
  const n = plan.notifications;
  const c = plan.channels;
  return {
    baseline: { notifications: n, channels: c },
    slack429Storm: {
      notifications: n,
      channels: c,
      before: (w) => w.server.injectFault({ status: 429, error: 'ratelimited', times: Math.ceil(n / 2) }),
    },
    slack5xx10min: {
      notifications: n,
      channels: c,
      during: (w) => outage(w.server, 500, undefined, 10 * MINUTE, w.clock),
    },
    slackDown: {
      notifications: n,
      channels: c,
      // An hour of 503s (longer than the retries last), then the operator replays the dead letters.
      during: (w) => outage(w.server, 503, undefined, 60 * MINUTE, w.clock),
      after: replayAll,
    },
    invalidBlocks: {
      notifications: n,
      channels: c,
      formatter: (real) => async (input) => {
        const out = await real(input);
        if (out.kind !== 'message') return out;
        const blocks = [...(out.delivery.payload.blocks ?? []), { type: 'no_such_block' }];
        return { ...out, delivery: { ...out.delivery, payload: { ...out.delivery.payload, blocks } } };
      },
    },
    duplicateEvents: {
      notifications: n,
      channels: c,
      spacingMs: 100,
      // Past the FIFO queue's 5-minute deduplication window.
      duplicateAfterMs: 6 * MINUTE,
    },
    historyDeleted: {
      notifications: n,
      channels: c,
      history: () => async (request) => {
        throw new StatesError(
          'Sfn.ExecutionDoesNotExistException',
          `Execution Does Not Exist: '${request.executionArn}'`
        );
      },
    },
    pageOver256KiB: {
      notifications: Math.min(n, LARGE_HISTORY_LIMITS.notifications),
      channels: Math.min(c, LARGE_HISTORY_LIMITS.channels),
      examples: (names) => names.map((name) => renamed(largeHistory(failedExample()), name)),
    },
    formatterThrows: {
      notifications: n,
      channels: c,
      formatter: (real) =>
        everyNth(real, 10, async () => {
          throw new TypeError("Cannot read properties of undefined (reading 'events')");
        }),
    },
    notifierTimeout: {
      notifications: n,
      channels: c,
      // 1 in 10 formatter calls hang past the task's timeout (the Lambda times out).
      formatter: (real, clock) =>
        everyNth(real, 10, async () => {
          await clock.sleep(70_000);
          throw Object.assign(new Error('Task timed out after 60.00 seconds'), { name: 'Sandbox.Timedout' });
        }),
    },
    invalidAuthThenReplay: {
      notifications: n,
      channels: c,
      before: (w) => w.server.injectFault({ error: 'invalid_auth', times: 1_000_000 }),
      after: async (w) => {
        w.server.clearFaults();
        await replayAll(w);
      },
    },
    channelNotFoundThenReplay: {
      notifications: n,
      channels: c,
      before: (w) => w.server.removeChannel(w.channelIds[0] as string),
      after: async (w) => {
        w.server.addChannel({ id: w.channelIds[0] as string, name: 'fault-1' });
        await replayAll(w);
      },
    },
    poisonMessages: {
      notifications: n,
      channels: c,
      before: (w) => {
        const queue = (w.pipelines[0] as LocalPipeline).queue;
        for (const [i, body] of ['not json', '{"payload": 42}', '{}'].entries()) {
          queue.sendMessage({
            MessageBody: body,
            MessageGroupId: w.channelIds[0] as string,
            MessageDeduplicationId: `poison-${i}`,
          });
        }
      },
    },
    storm: {
      notifications: plan.stormNotifications,
      channels: 1,
      examples: (names) => names.map((name) => renamed(failedExample(), name)),
      // 500 failures of one state machine in 5 minutes, into one channel.
      spacingMs: Math.floor((5 * MINUTE) / plan.stormNotifications),
    },
    // Webhook mode: no edit, no thread; pacing and the storm's periodic digest posts instead.
    webhookBaseline: { notifications: n, channels: c, webhook: true },
    webhookStorm: {
      notifications: plan.stormNotifications,
      channels: 1,
      examples: (names) => names.map((name) => renamed(failedExample(), name)),
      spacingMs: Math.floor((5 * MINUTE) / plan.stormNotifications),
      webhook: true,
    },
    ...slackScenarios(plan),
    ...awsFaultScenarios(plan),
  };
}

/** The matrix as bench/results.json holds it, with what the targets need beyond the entries' fields. */
export interface FaultResults {
  readonly plan: Required<FaultPlan>;
  readonly clock: string;
  readonly entries: Partial<Record<FaultName, FaultEntry>>;
  /** How long the poison messages held their channel's group: its first good post, simulated seconds. */
  readonly poisonHoldSeconds: number;
  /** Storm: the messages its channel shows (outside threads); the executions are listed in the digest's thread. */
  readonly stormChannelMessages: number;
  /** Webhook storm: the posts its channel received (each a message: a webhook cannot thread). */
  readonly webhookStormChannelMessages: number;
}

/** Runs the matrix (every fault, or `only` those). */
export async function faultMatrix(
  plan: FaultPlan = {},
  log: (line: string) => void = () => undefined,
  only?: readonly FaultName[]
): Promise<FaultResults> {
  const full: Required<FaultPlan> = { ...FAULT_PLAN, ...plan };
  const all = scenarios(full);
  const entries: Partial<Record<FaultName, FaultEntry>> = {};
  let poisonHoldSeconds = Number.NaN;
  let stormChannelMessages = Number.NaN;
  let webhookStormChannelMessages = Number.NaN;
  for (const name of only ?? FAULT_NAMES) {
    const t = performance.now();
    const measured = await runScenario(name, all[name], full.seed);
    entries[name] = measured.entry;
    if (name === 'poisonMessages') poisonHoldSeconds = measured.firstChannelFirstPostSeconds;
    if (name === 'storm') stormChannelMessages = measured.maxChannelMessages;
    if (name === 'webhookStorm') webhookStormChannelMessages = measured.maxChannelMessages;
    log(`faults: ${name} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  return {
    plan: full,
    clock: 'simulated (bench/sim-clock.ts); drainSeconds is virtual time',
    entries,
    poisonHoldSeconds,
    stormChannelMessages,
    webhookStormChannelMessages,
  };
}

/** One of issue 10's targets, checked against the matrix. */
export interface FaultTargetCheck {
  readonly id:
    | 'lost-duplicated'
    | 'baseline-429'
    | 'per-channel-rate'
    | 'poison-hold'
    | 'storm'
    | 'webhook-baseline-429'
    | 'webhook-storm';
  readonly target: string;
  readonly figure: string;
  readonly pass: boolean;
}

export const faultLimits = {
  baseline429Share: 0.05,
  perChannelPerSecond: 1,
  poisonHoldSeconds: 60,
  stormPosts: 10,
} as const;

/** The targets over the entries present; an absent entry fails its target. */
export function checkFaultTargets(
  f: Pick<
    FaultResults,
    'entries' | 'poisonHoldSeconds' | 'stormChannelMessages' | 'webhookStormChannelMessages'
  >
): FaultTargetCheck[] {
  const entries = Object.entries(f.entries) as Array<[FaultName, FaultEntry]>;
  const lossy = entries.filter(([, e]) => e.lost > 0 || e.duplicated > 0);
  const share = (e: FaultEntry | undefined) =>
    e && e.slackPosts > 0 ? e.http429 / e.slackPosts : Number.NaN;
  const fastest = entries.reduce((m, [, e]) => Math.max(m, e.maxPerChannelPerSecond), 0);
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const baselineTarget = (name: 'baseline' | 'webhookBaseline') => {
    const e = f.entries[name];
    return {
      target: `${name}: http429 ≤ ${pct(faultLimits.baseline429Share)} of slackPosts`,
      figure: e ? `${e.http429} of ${e.slackPosts} (${pct(share(e))})` : 'not run',
      pass: share(e) <= faultLimits.baseline429Share,
    };
  };
  const stormTarget = (name: 'storm' | 'webhookStorm', inChannel: number, listed: string) => {
    const e = f.entries[name];
    return {
      target: `${name}: ≤ ${faultLimits.stormPosts} messages in the channel, every execution listed`,
      figure: e
        ? `${inChannel} messages in the channel (${e.slackPosts} requests${listed}), ${e.delivered} of ${e.notifications} listed`
        : 'not run',
      pass: e !== undefined && inChannel <= faultLimits.stormPosts && e.delivered === e.notifications,
    };
  };
  return [
    {
      id: 'lost-duplicated',
      target: 'lost 0 and duplicated 0 in every entry',
      figure:
        lossy.length === 0
          ? `0 in all ${entries.length}`
          : lossy.map(([n, e]) => `${n}: ${e.lost} lost, ${e.duplicated} duplicated`).join('; '),
      pass: entries.length === FAULT_NAMES.length && lossy.length === 0,
    },
    { id: 'baseline-429', ...baselineTarget('baseline') },
    {
      id: 'per-channel-rate',
      target: `≤ ${faultLimits.perChannelPerSecond} post/s per channel sustained (after a burst of ${SLACK_BURST})`,
      figure: `${fastest} /s at most`,
      pass: entries.length > 0 && fastest <= faultLimits.perChannelPerSecond,
    },
    {
      id: 'poison-hold',
      target: `poison messages hold their group ≤ ${faultLimits.poisonHoldSeconds} s`,
      figure: Number.isNaN(f.poisonHoldSeconds) ? 'not run' : `${Math.round(f.poisonHoldSeconds)} s`,
      pass: f.poisonHoldSeconds <= faultLimits.poisonHoldSeconds,
    },
    { id: 'storm', ...stormTarget('storm', f.stormChannelMessages, ' with the thread replies') },
    { id: 'webhook-baseline-429', ...baselineTarget('webhookBaseline') },
    {
      id: 'webhook-storm',
      ...stormTarget('webhookStorm', f.webhookStormChannelMessages, ', 429s included; digests are posts'),
    },
  ];
}

/**
 * The last full run with some entries measured again (`npm run bench:faults`): their entries and figures replace
 * the old ones, the others stay, and the targets are checked over the merged matrix.
 */
export function mergeFaultRun<
  T extends { faults: Partial<Record<FaultName, FaultEntry>>; faultRun: Omit<FaultResults, 'entries'> },
>(previous: T, run: FaultResults): T & { faultTargets: FaultTargetCheck[] } {
  const faults = { ...previous.faults, ...run.entries };
  const old = previous.faultRun;
  const keep = (measured: number, before: number | undefined) =>
    Number.isNaN(measured) ? (before ?? Number.NaN) : measured;
  const faultRun: Omit<FaultResults, 'entries'> = {
    plan: run.plan,
    clock: run.clock,
    poisonHoldSeconds: keep(run.poisonHoldSeconds, old.poisonHoldSeconds),
    stormChannelMessages: keep(run.stormChannelMessages, old.stormChannelMessages),
    webhookStormChannelMessages: keep(run.webhookStormChannelMessages, old.webhookStormChannelMessages),
  };
  return { ...previous, faults, faultRun, faultTargets: checkFaultTargets({ entries: faults, ...faultRun }) };
}

/** The entries named on the command line (none: every entry); an unknown name is refused with the list. */
export function faultNamesOf(args: readonly string[]): FaultName[] {
  const unknown = args.filter((a) => !(FAULT_NAMES as readonly string[]).includes(a));
  if (unknown.length > 0) {
    throw new Error(`unknown fault ${unknown.join(', ')}: choose among ${FAULT_NAMES.join(', ')}`);
  }
  return args.length === 0 ? [...FAULT_NAMES] : (args as FaultName[]);
}
