import { VirtualClock } from '../local/asl/index.js';
import { bundledExample, type Example, historiesOf, renamed } from '../local/examples.js';
import { type Formatter, LocalPipeline } from '../local/pipeline.js';
import { startSlackServer } from '../local/slack-server/index.js';
import { expressBilledGbSeconds } from './cost.js';
import { assumptions } from './designs.js';
import { type ChannelRate, channelRates, deliveryCounts } from './rate-window.js';
import { SimulationClock, seededRandom } from './sim-clock.js';
import { type Spread, spread } from './stats.js';

/** The local server's default limit (local/slack-server): a burst of 3, then 1 message a second per channel. */
export const SLACK_BURST = 3;
const start = Date.UTC(2026, 10, 25, 3, 0);

/** The bundled example (examples/nightly-etl-failed): 48 events, one page at the notifier's MaxResults 200. */
export const failedExample = (): Example => bundledExample('failed');

/** Messages the pipelines' dead-letter queues still hold (visible or in flight). */
export function deadLettered(pipelines: readonly LocalPipeline[]): number {
  return pipelines.reduce((n, p) => {
    const c = p.deadLetterQueue.counts();
    return n + c.visible + c.inFlight;
  }, 0);
}

/** The formatter Lambda's handler (its logs silenced by bench/quiet-lambdas.ts, which the bench entries import first). */
export async function loadFormatter(): Promise<Formatter> {
  const { formatMessage } = await import('../formatters/formatter/handler.js');
  return formatMessage;
}

export interface BurstResult {
  readonly notifications: number;
  readonly channels: number;
  readonly notifierFailed: number;
  readonly delivered: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly deadLettered: number;
  readonly deliveryExecutions: number;
  readonly failedDeliveryExecutions: number;
  readonly http429: number;
  /** Each delivery execution's simulated duration (its 429 retry waits included), ms. */
  readonly deliverySimulatedMs: Spread;
  /** Express GB-seconds billed for all the delivery executions, each + one assumed Slack round trip. */
  readonly expressBilledGbSeconds: number;
  /** First enqueue to last message received, on the simulated clock. */
  readonly simulatedDrainSeconds: number;
  /** Real time the drain took (HTTP to the local server, JSONata, the runner). */
  readonly wallDrainSeconds: number;
  readonly wallNotifySeconds: number;
  /** The busiest channel's rate after its first SLACK_BURST messages, per second. */
  readonly maxSustainedPerSecond: number;
  /** The most messages one channel received in any 1 s window (bursts included). */
  readonly maxPerSecondWindow: number;
  /** The most messages one channel received in any 10 s window, per second. */
  readonly maxPer10sWindow: number;
  /** Messages over Slack's limit as the server models it (burst 3, then 1/s): must be 0. */
  readonly overLimit: number;
  readonly rates: readonly ChannelRate[];
}

/**
 * `notifications` executions finish at once, spread round-robin over `channels` channels (one deployment,
 * queue and Pipe per channel, as the construct deploys one channel per stack), all queued at t=0; then every
 * Pipe drains its queue concurrently on a simulated clock.
 */
export async function burst(
  formatter: Formatter,
  options: { readonly notifications: number; readonly channels: number; readonly seed?: number },
  log: (line: string) => void
): Promise<BurstResult> {
  const clock = new SimulationClock(start);
  const channels = Array.from({ length: options.channels }, (_, i) => ({
    id: `C0BENCH${i + 1}`,
    name: `bench-${i + 1}`,
  }));
  const base = failedExample();
  const runs = Array.from({ length: options.notifications }, (_, i) => ({
    name: `bench-burst-${String(i).padStart(3, '0')}`,
    channel: i % options.channels,
  }));
  const examples = runs.map((r) => renamed(base, r.name));
  const history = historiesOf(examples);
  const server = await startSlackServer({ clock, channels, rateLimit: { burst: SLACK_BURST, perSecond: 1 } });
  const pipelines: LocalPipeline[] = [];
  try {
    for (const [i, channel] of channels.entries()) {
      pipelines.push(
        await LocalPipeline.create({
          history,
          formatter,
          clock,
          random: seededRandom((options.seed ?? 0) * 100 + i + 1),
          slack: { kind: 'local', server },
          channel: `#${channel.name}`,
          environment: 'bench',
          // One message per notification (cost and pacing figures); storm digests are in the fault matrix.
          lifecycle: { stormThreshold: 0 },
        })
      );
    }
    let wall = performance.now();
    let notifierFailed = 0;
    for (const [i, run] of runs.entries()) {
      const result = await (pipelines[run.channel] as LocalPipeline).notify((examples[i] as Example).event);
      if (result.status !== 'SUCCEEDED') notifierFailed += 1;
    }
    const wallNotifySeconds = (performance.now() - wall) / 1000;
    log(`pipeline: ${runs.length} notifications queued across ${channels.length} channels; draining`);
    wall = performance.now();
    await clock.all(pipelines.map((p) => () => p.deliver()));
    const wallDrainSeconds = (performance.now() - wall) / 1000;

    const messages = server.messages();
    const deliveredIds = messages.flatMap((m) => [
      ...new Set(JSON.stringify(m.body).match(/bench-burst-\d{3}/g) ?? []),
    ]);
    const counts = deliveryCounts(
      runs.map((r) => r.name),
      deliveredIds
    );
    const lastAt = Math.max(start, ...messages.map((m) => m.receivedAt));
    const rates = channelRates(messages, { burst: SLACK_BURST, perSecond: 1 });
    const deliveries = pipelines.flatMap((p) => p.deliveries);
    const durations = deliveries.map(({ result }) => {
      const times = result.events.map((e) => Date.parse(e.timestamp));
      return Math.max(...times) - Math.min(...times);
    });
    return {
      notifications: runs.length,
      channels: channels.length,
      notifierFailed,
      delivered: counts.delivered,
      lost: counts.lost,
      duplicated: counts.duplicated + counts.unexpected,
      deadLettered: deadLettered(pipelines),
      deliveryExecutions: deliveries.length,
      failedDeliveryExecutions: deliveries.filter((d) => d.result.status !== 'SUCCEEDED').length,
      http429: server.requests.filter((r) => r.status === 429).length,
      deliverySimulatedMs: spread(durations.length > 0 ? durations : [0]),
      expressBilledGbSeconds: durations.reduce(
        (sum, d) => sum + expressBilledGbSeconds(d + assumptions.slackLatencyMs),
        0
      ),
      simulatedDrainSeconds: (lastAt - start) / 1000,
      wallDrainSeconds,
      wallNotifySeconds,
      maxSustainedPerSecond: Math.max(0, ...rates.map((r) => r.sustainedPerSecond)),
      maxPerSecondWindow: Math.max(0, ...rates.map((r) => r.maxPerSecond)),
      maxPer10sWindow: Math.max(0, ...rates.map((r) => r.maxPer10s)),
      overLimit: rates.reduce((n, r) => n + r.excess, 0),
      rates,
    };
  } finally {
    for (const p of pipelines) await p.close();
    await server.close();
  }
}

export interface SingleResult {
  readonly runs: number;
  readonly historyEvents: number;
  /** Notifier (Standard) state transitions per notification. */
  readonly notifierTransitions: number;
  readonly deliveryExecutions: number;
  readonly deliveryTransitions: number;
  readonly formatterInvocations: number;
  /** The formatter handler's duration in process (warm after the first). */
  readonly formatterMs: Spread;
  /** One delivery (receive, Express execution, HTTP to the local server, delete), wall clock. */
  readonly deliveryMs: Spread;
  /** The queued message body. */
  readonly messageBytes: number;
}

/** One notification at a time, no rate limit reached: what a notification normally costs. */
export async function single(formatter: Formatter, runs: number): Promise<SingleResult> {
  const formatterMs: number[] = [];
  const timed: Formatter = async (input) => {
    const t = performance.now();
    const out = await formatter(input);
    formatterMs.push(performance.now() - t);
    return out;
  };
  const base = failedExample();
  const examples = Array.from({ length: runs }, (_, i) => renamed(base, `bench-single-${i}`));
  const clock = new VirtualClock(start);
  const pipeline = await LocalPipeline.create({
    history: historiesOf(examples),
    formatter: timed,
    clock,
    random: seededRandom(7),
    environment: 'bench',
    lifecycle: { stormThreshold: 0 },
  });
  const transitions: number[] = [];
  const deliveryMs: number[] = [];
  try {
    for (const example of examples) {
      const notifier = await pipeline.notify(example.event);
      if (notifier.status !== 'SUCCEEDED') throw new Error(`notifier ${notifier.status}: ${notifier.error}`);
      transitions.push(notifier.stateTransitions);
      // Clear the rate limit between notifications: this run measures the normal path.
      await clock.sleep(10_000);
      const t = performance.now();
      const stats = await pipeline.deliver();
      deliveryMs.push(performance.now() - t);
      if (stats.delivered !== 1) throw new Error(`expected one delivery, got ${JSON.stringify(stats)}`);
    }
  } finally {
    await pipeline.close();
  }
  const deliveries = pipeline.deliveries;
  const body = deliveries[0]?.records[0]?.body ?? '';
  return {
    runs,
    historyEvents: base.pages.reduce((n, p) => n + p.events.length, 0),
    notifierTransitions: spread(transitions).median,
    deliveryExecutions: deliveries.length / runs,
    deliveryTransitions: spread(deliveries.map((d) => d.result.stateTransitions)).median,
    formatterInvocations: formatterMs.length / runs,
    formatterMs: spread(formatterMs),
    deliveryMs: spread(deliveryMs),
    messageBytes: Buffer.byteLength(body, 'utf8'),
  };
}
