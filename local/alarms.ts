/**
 * Which of the notifier stack's alarms a local run would have fired, and when: each alarm's metric computed from
 * what the local pipeline saw, with the thresholds and period the stack sets (contract/alarms.ts; the alarms
 * themselves are built in infra/constructs/alarms.ts).
 *
 * CloudWatch model: every alarm looks at one period of ALARM_PERIOD_SECONDS; a period is aligned on the clock's
 * 5-minute marks, and the alarm fires when the period holding the first breaching datapoint closes. SQS publishes
 * its queue metrics once a minute, so a queue metric is sampled on the minute marks.
 * - `DeliveryFailedAlarm`: failed or timed-out delivery executions in one period ≥ DELIVERY_FAILURES_THRESHOLD;
 * - `NotifierFailedAlarm`: one failed notifier execution;
 * - `QueueStalledAlarm`: the age of the oldest message in the delivery queue (sent, not yet deleted, moved or
 *   expired; in flight included) above the stalled-queue age;
 * - `DeadLetterQueueNotEmptyAlarm`: a message visible in the dead-letter queue.
 * `EventDeadLetterQueueNotEmptyAlarm` (EventBridge failing to start the notifier) has no local counterpart: the
 * scenario starts the notifier itself.
 */
import {
  ALARM_NAMES,
  ALARM_PERIOD_SECONDS,
  type AlarmName,
  DEFAULT_STALLED_QUEUE_AGE_SECONDS,
  DELIVERY_FAILURES_THRESHOLD,
} from '../contract/alarms.js';
import type { MessageLifetime } from './queue/index.js';

const PERIOD_MS = ALARM_PERIOD_SECONDS * 1000;
const SAMPLE_MS = 60_000;

/** An alarm the deployed stack would have fired. */
export interface FiredAlarm {
  readonly name: AlarmName;
  /** When it fires: the end of the period that first breached (ISO 8601, the run's clock). */
  readonly firesAt: string;
  /** Seconds from the run's start (a scenario's first step) to `firesAt`. */
  readonly afterSeconds: number;
  /** What breached, in the alarm's terms. */
  readonly because: string;
}

/** What the local pipeline saw, in epoch ms. */
export interface AlarmObservations {
  /** End times of the delivery executions that failed or timed out. */
  readonly deliveryFailures: readonly number[];
  /** End times of the notifier executions that failed. */
  readonly notifierFailures: readonly number[];
  /** Each message of the delivery queue(s): when it came and when it left. */
  readonly queueMessages: readonly Readonly<MessageLifetime>[];
  /** Each message of the dead-letter queue(s): when it arrived and when it left. */
  readonly deadLetters: readonly Readonly<MessageLifetime>[];
  /** @default DEFAULT_STALLED_QUEUE_AGE_SECONDS */
  readonly stalledQueueAgeSeconds?: number;
}

/** The end of the alarm period that holds `ms`. */
const periodEnd = (ms: number): number => (Math.floor(ms / PERIOD_MS) + 1) * PERIOD_MS;

/** The first time at which `threshold` events fall in one period (the datapoint of their period). */
function firstPeriodWith(times: readonly number[], threshold: number): number | undefined {
  const perPeriod = new Map<number, number[]>();
  for (const t of [...times].sort((a, b) => a - b)) {
    const end = periodEnd(t);
    const list = perPeriod.get(end) ?? [];
    list.push(t);
    perPeriod.set(end, list);
    if (list.length >= threshold) return t;
  }
  return undefined;
}

/** The first minute mark at which a message still in the queue is older than `maxAgeMs`. */
function firstStalledSample(
  messages: readonly Readonly<MessageLifetime>[],
  maxAgeMs: number
): number | undefined {
  let first: number | undefined;
  for (const m of messages) {
    // The first sample strictly past the age limit.
    const sample = (Math.floor((m.sentAt + maxAgeMs) / SAMPLE_MS) + 1) * SAMPLE_MS;
    if (m.goneAt !== undefined && m.goneAt <= sample) continue;
    if (first === undefined || sample < first) first = sample;
  }
  return first;
}

/** The alarms that fire, soonest first, each once (its first time). */
export function firedAlarms(observations: AlarmObservations, startMs: number): FiredAlarm[] {
  const maxAgeSeconds = observations.stalledQueueAgeSeconds ?? DEFAULT_STALLED_QUEUE_AGE_SECONDS;
  const fired: Array<{ name: AlarmName; at: number; because: string }> = [];
  const add = (name: AlarmName, breach: number | undefined, because: string) => {
    if (breach !== undefined) fired.push({ name, at: periodEnd(breach), because });
  };
  add(
    ALARM_NAMES.deliveryFailed,
    firstPeriodWith(observations.deliveryFailures, DELIVERY_FAILURES_THRESHOLD),
    `${DELIVERY_FAILURES_THRESHOLD} or more delivery executions failed or timed out in ${ALARM_PERIOD_SECONDS} s`
  );
  add(
    ALARM_NAMES.notifierFailed,
    firstPeriodWith(observations.notifierFailures, 1),
    'a notifier execution failed or timed out'
  );
  add(
    ALARM_NAMES.queueStalled,
    firstStalledSample(observations.queueMessages, maxAgeSeconds * 1000),
    `the oldest message in the delivery queue was older than ${maxAgeSeconds} s`
  );
  add(
    ALARM_NAMES.deadLetterQueueNotEmpty,
    observations.deadLetters.length === 0
      ? undefined
      : Math.min(...observations.deadLetters.map((m) => m.sentAt)),
    'a message waited in the dead-letter queue'
  );
  return fired
    .sort((a, b) => a.at - b.at)
    .map(({ name, at, because }) => ({
      name,
      firesAt: new Date(at).toISOString(),
      afterSeconds: Math.round((at - startMs) / 1000),
      because,
    }));
}

/** What a pipeline (or several, one stack's channels) saw, for `firedAlarms`. */
export function pipelineObservations(
  pipelines: ReadonlyArray<{
    readonly deliveries: ReadonlyArray<{
      readonly result: { readonly status: string };
      readonly endedAt: number;
    }>;
    readonly notifierRuns: ReadonlyArray<{ readonly status: string; readonly endedAt: number }>;
    readonly queue: { lifetimes(): readonly Readonly<MessageLifetime>[] };
    readonly deadLetterQueue: { lifetimes(): readonly Readonly<MessageLifetime>[] };
  }>
): AlarmObservations {
  return {
    deliveryFailures: pipelines.flatMap((p) =>
      p.deliveries.filter((d) => d.result.status !== 'SUCCEEDED').map((d) => d.endedAt)
    ),
    notifierFailures: pipelines.flatMap((p) =>
      p.notifierRuns.filter((r) => r.status !== 'SUCCEEDED').map((r) => r.endedAt)
    ),
    queueMessages: pipelines.flatMap((p) => p.queue.lifetimes()),
    deadLetters: pipelines.flatMap((p) => p.deadLetterQueue.lifetimes()),
  };
}
