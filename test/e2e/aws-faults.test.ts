/**
 * End to end on scenarios (local/scenario.ts) with the AWS pieces failing as AWS fails them (issue 21): EventBridge
 * Scheduler refusing CreateSchedule, the message store throttled, failing or slow, the formatter Lambda throwing or
 * answering late, and a storm replayed two days later. Each: nothing lost, nothing twice, the final status in the
 * channel, news at most 10 minutes late for a 5-minute fault, and the alarm where news waits over 5 minutes.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALARM_NAMES } from '../../contract/alarms.js';
import type { LocalPipeline } from '../../local/pipeline.js';
import {
  parseScenario,
  readScenario,
  runScenario,
  ScenarioError,
  type ScenarioReport,
  summarizeReport,
} from '../../local/scenario.js';
import type { ConversationMessage } from '../../local/slack-server/index.js';
import { examples, quietFormatter, renamed, repoRoot } from './helpers.js';

const dir = path.join(repoRoot, 'examples', 'scenarios');
const CHANNEL = 'C0LOCAL001';
const MINUTE = 60;
const allStatuses = { statuses: ['RUNNING', 'FAILED', 'TIMED_OUT', 'ABORTED', 'SUCCEEDED'] };
const redrive = {
  running: { event: 'redrive.running.event.json', history: 'redrive.started.history.json' },
  failed: { event: 'redrive.failed.event.json', history: 'redrive.failed.history.json' },
  succeeded: { event: 'redrive.succeeded.event.json', history: 'redrive.succeeded.history.json' },
};
const long = {
  running: { event: 'long.running.event.json', history: 'long.started.history.json' },
  succeeded: { event: 'long.succeeded.event.json', history: 'long.succeeded.history.json' },
};

interface Run {
  readonly report: ScenarioReport;
  readonly pipeline: LocalPipeline;
  /** The scenario's start (epoch ms): its first event's time minus its `at`. */
  readonly startMs: number;
}

/** Runs the scenario; `inspect` reads the pipeline (its store) before it closes. */
async function run(raw: unknown, inspect?: (pipeline: LocalPipeline) => Promise<void>): Promise<Run> {
  const scenario = await parseScenario(raw, dir);
  const { report, pipeline } = await runScenario(scenario, { formatter: quietFormatter, keepOpen: true });
  try {
    await inspect?.(pipeline);
  } finally {
    await pipeline.close();
  }
  const first = scenario.steps.find((s) => 'event' in s) as { at: number; event: { time?: string } };
  return { report, pipeline, startMs: Date.parse(first.event.time ?? '') - first.at * 1000 };
}

const messagesOf = (report: ScenarioReport): ConversationMessage[] => report.channels[CHANNEL] ?? [];
const current = (m: ConversationMessage | undefined) => m?.edits.at(-1)?.text ?? m?.text ?? '';
/** Seconds from the start to each message Slack accepted (posts, replies, edits). */
const acceptedAt = (r: Run): number[] =>
  (r.pipeline.slack?.messages() ?? []).map((m) => (m.receivedAt - r.startMs) / 1000);
/** The reasons the delivery function gave, in order (its decisions, as the executions' histories hold them). */
const reasons = (pipeline: LocalPipeline): string[] =>
  pipeline.deliveries.flatMap(({ result }) =>
    result.events.flatMap((event) => {
      if (event.type !== 'TaskSucceeded') return [];
      const output = (event.details as { output?: string } | undefined)?.output;
      try {
        const reason = (JSON.parse(output ?? '') as { Payload?: { reason?: unknown } }).Payload?.reason;
        return typeof reason === 'string' ? [reason] : [];
      } catch {
        return [];
      }
    })
  );
const alarmNames = (report: ScenarioReport) => report.alarms.map((a) => a.name);

describe('EventBridge Scheduler refuses the "still running" check', () => {
  it.each(['quota', 'throttled', 'access_denied'] as const)(
    '%s: the start is posted at once without its check (said once), the result edits it, nothing dead-lettered',
    async (fail) => {
      const r = await run({
        environment: { ...allStatuses, runningLongerThan: 'PT2H' },
        steps: [
          { at: 0, scheduler: { fail, count: 10 } },
          { at: 0, ...long.running },
          { at: 9973, ...long.succeeded },
        ],
      });
      const [message, ...others] = messagesOf(r.report);
      expect(others).toEqual([]);
      expect(message?.text).toMatch(/is running/);
      expect(current(message)).toMatch(/succeeded/);
      // Posted within the minute, not after 5 failed deliveries holding the channel 30 minutes.
      expect(acceptedAt(r)[0]).toBeLessThan(MINUTE);
      expect(r.report.deadLetters).toEqual([]);
      expect(r.report.alarms).toEqual([]);
      const refused = reasons(r.pipeline).filter((x) => /check could not be scheduled/.test(x));
      expect(refused).toHaveLength(1);
      expect(refused[0]).toMatch(
        {
          quota: /Scheduler\.ServiceQuotaExceededException/,
          throttled: /Scheduler\.ThrottlingException/,
          access_denied: /Scheduler\.AccessDeniedException/,
        }[fail]
      );
      // Throttling is retried by the Schedule state (3 attempts); a quota or a denial is not.
      expect(r.pipeline.scheduler.refused).toHaveLength(fail === 'throttled' ? 3 : 1);
    }
  );
});

describe('the message store', () => {
  it('one slow call (30 s, over the client’s 2 s request timeout) is retried: the news goes out in seconds, no failed delivery', async () => {
    const r = await run({
      environment: allStatuses,
      steps: [
        { at: 0, store: { fail: 'slow', count: 1, seconds: 30 } },
        { at: 0, ...redrive.running },
        { at: 60, ...redrive.failed },
      ],
    });
    expect(r.pipeline.store.faultsServed().slow).toBe(1);
    const [message, ...others] = messagesOf(r.report);
    expect(others).toEqual([]);
    expect(current(message)).toMatch(/failed/);
    expect(acceptedAt(r)[0]).toBeLessThan(10);
    expect(r.pipeline.deliveries.every((d) => d.result.status === 'SUCCEEDED')).toBe(true);
    expect(r.report.alarms).toEqual([]);
  });

  it('every attempt slow (3 in a row): the delivery function reports the store unavailable and Decide runs again', async () => {
    const r = await run({
      environment: allStatuses,
      steps: [
        { at: 0, store: { fail: 'slow', count: 3, seconds: 30 } },
        { at: 0, ...redrive.running },
      ],
    });
    expect(r.pipeline.store.faultsServed().slow).toBe(3);
    expect(messagesOf(r.report)).toHaveLength(1);
    expect(acceptedAt(r)[0]).toBeLessThan(20);
    expect(r.pipeline.deliveries.every((d) => d.result.status === 'SUCCEEDED')).toBe(true);
  });

  it.each(['internal_error', 'throttled'] as const)(
    'a 10-minute outage (%s): the delivery alarm fires within 5 minutes, every news arrives after, once, final status shown',
    async (fail) => {
      const r = await run({
        environment: allStatuses,
        steps: [
          { at: 0, store: { fail, seconds: 10 * MINUTE } },
          { at: 0, ...redrive.running },
          { at: 60, ...redrive.failed },
        ],
      });
      const [message, ...others] = messagesOf(r.report);
      expect(others).toEqual([]);
      expect(message?.text).toMatch(/is running/);
      expect(current(message)).toMatch(/failed/);
      expect(message?.replies).toHaveLength(1);
      expect(r.report.deadLetters).toEqual([]);
      // Nothing reached Slack during the outage.
      expect(Math.min(...acceptedAt(r))).toBeGreaterThanOrEqual(10 * MINUTE);
      const delivery = r.report.alarms.find((a) => a.name === ALARM_NAMES.deliveryFailed);
      expect(delivery?.afterSeconds).toBeLessThanOrEqual(5 * MINUTE);
      // News waited over 5 minutes: the stalled-queue alarm fires too.
      expect(alarmNames(r.report)).toContain(ALARM_NAMES.queueStalled);
    }
  );

  it('a 5-minute outage: every news at most 10 minutes late', async () => {
    const r = await run({
      environment: allStatuses,
      steps: [
        { at: 0, store: { fail: 'internal_error', seconds: 5 * MINUTE } },
        { at: 0, ...redrive.running },
        { at: 60, ...redrive.failed },
      ],
    });
    expect(messagesOf(r.report)).toHaveLength(1);
    expect(current(messagesOf(r.report)[0])).toMatch(/failed/);
    expect(Math.max(...acceptedAt(r))).toBeLessThanOrEqual(10 * MINUTE);
    expect(alarmNames(r.report)).toContain(ALARM_NAMES.deliveryFailed);
  });
});

describe('the formatter Lambda', () => {
  it.each([
    ['throws', { fail: 'throws', count: 1 }],
    ['answers after the Format task’s 65 s', { fail: 'slow', count: 1, seconds: 120 }],
  ])(
    '%s: the message built from the event goes out at once, edited by the next news',
    async (_, formatter) => {
      const r = await run({
        environment: allStatuses,
        steps: [
          { at: 0, formatter },
          { at: 0, ...redrive.running },
          { at: 3 * MINUTE, ...redrive.failed },
        ],
      });
      const [message, ...others] = messagesOf(r.report);
      expect(others).toEqual([]);
      expect(r.pipeline.formatterFaults.served[formatter.fail as 'throws' | 'slow']).toBe(1);
      // The first news came from the event alone (its details are missing), the next one from the formatter.
      expect(message?.text).toMatch(/Details are missing/);
      expect(current(message)).toMatch(/failed/);
      expect(current(message)).not.toMatch(/Details are missing/);
      expect(acceptedAt(r)[0]).toBeLessThan(3 * MINUTE);
      expect(r.report.alarms).toEqual([]);
    }
  );
});

describe('a storm replayed two days later', () => {
  const failures = Array.from({ length: 20 }, (_, i) =>
    renamed(examples.failed(), `storm-${String(i).padStart(3, '0')}`)
  );
  const storm = failures.map((f, i) => ({ at: i * 10, event: f.event, history: f.pages }));
  /**
   * The channel goes missing after the eighth failure: the storm digest's next 12 edits and thread replies (24
   * calls) are refused with channel_not_found and dead-lettered; the channel is back before the replay.
   */
  const archived = { at: 75, slack: { fail: 'channel_not_found', count: 24 } };
  const names = failures.map((f) => f.event.detail.name as string);

  it('every failure appears: the storm digest items outlive the dead letters', async () => {
    let storeKeys: string[] = [];
    const r = await run(
      {
        steps: [
          ...storm.slice(0, 8),
          archived,
          ...storm.slice(8),
          { at: 800, advance: 2 * 86_400 },
          { at: 800, replayDeadLetters: true },
        ],
      },
      async (pipeline) => {
        storeKeys = (await pipeline.store.items()).map((item) => (item.sk as { S: string }).S);
      }
    );
    const text = JSON.stringify(r.report.channels);
    expect(names.filter((name) => !text.includes(name))).toEqual([]);
    // Dead-lettered during the storm, then replayed and delivered: the queue is empty.
    expect(r.report.slackCalls.filter((c) => c.error === 'channel_not_found')).toHaveLength(24);
    expect(r.report.deadLetters).toEqual([]);
    expect(alarmNames(r.report)).toContain(ALARM_NAMES.deadLetterQueueNotEmpty);
    // Five messages of their own, then the storm's digest, each failure listed once in its thread.
    const messages = messagesOf(r.report);
    expect(messages).toHaveLength(6);
    const replies = (messages.at(-1)?.replies ?? []).map((reply) => JSON.stringify(reply));
    for (const name of names.slice(5)) {
      expect(replies.filter((reply) => reply.includes(name)).length, name).toBeLessThanOrEqual(1);
    }
    // TTL ran on the jump: the storm's count item (kept a day) is gone, its digest (kept 15 days) is not.
    expect(storeKeys.filter((sk) => sk.startsWith('storm#'))).toEqual([expect.stringMatching(/^storm#.+#/)]);
  });

  it('past the dead-letter queue’s 14 days the dead letters are gone (retention), and nothing is replayed', async () => {
    // Two failures after the channel went missing are enough dead letters to outlive.
    const r = await run({
      steps: [
        ...storm.slice(0, 8),
        { ...archived, slack: { ...archived.slack, count: 4 } },
        ...storm.slice(8, 10),
        { at: 800, advance: 15 * 86_400 },
        { at: 800, replayDeadLetters: true },
      ],
    });
    expect(r.report.slackCalls.filter((c) => c.error === 'channel_not_found')).toHaveLength(4);
    expect(r.report.deadLetters).toEqual([]);
    // The calls before the channel went missing, and none after.
    expect(r.report.slackCalls.filter((c) => c.ok && c.channel === CHANNEL)).toHaveLength(11);
  });
});

describe('the bundled store-outage scenario', () => {
  it('a 10-minute store outage: both alarms fire, the run ends as one message with its result, nothing lost', async () => {
    const scenario = await readScenario(path.join(dir, 'store-outage.scenario.json'));
    const { report } = await runScenario(scenario, { formatter: quietFormatter });
    expect(summarizeReport(report)).toEqual([
      'C0LOCAL001: 1 message(s), 3 edit(s), 3 thread replies',
      'dead-letter queue: 0 message(s)',
      'alarm DeliveryFailedAlarm fires at 2026-11-24T02:05:00.000Z (+300 s)',
      'alarm QueueStalledAlarm fires at 2026-11-24T02:10:00.000Z (+600 s)',
    ]);
    expect(current(messagesOf(report)[0])).toMatch(/succeeded/);
  });
});

describe('the report', () => {
  it('summarizes the alarms, one line each with when they fire', async () => {
    const r = await run({
      environment: allStatuses,
      steps: [
        { at: 0, store: { fail: 'internal_error', seconds: 10 * MINUTE } },
        { at: 0, ...redrive.running },
      ],
    });
    expect(summarizeReport(r.report).filter((line) => line.startsWith('alarm'))).toEqual([
      expect.stringMatching(/^alarm DeliveryFailedAlarm fires at \S+ \(\+\d+ s\)$/),
      expect.stringMatching(/^alarm QueueStalledAlarm fires at \S+ \(\+\d+ s\)$/),
    ]);
  });
});

describe('fault steps are checked', () => {
  const event = { at: 0, ...redrive.running };
  it.each([
    [{ store: { fail: 'gone' } }, /step 0\.store\.fail must be one of throttled, internal_error, slow/],
    [{ store: { fail: 'slow', count: 2 } }, /step 0\.store\.seconds is required with "slow"/],
    [{ store: { fail: 'throttled', count: 2, seconds: 60 } }, /has both count and seconds/],
    [{ store: { fail: 'throttled', count: 0 } }, /step 0\.store\.count must be a whole number of requests/],
    [
      { scheduler: { fail: 'busy' } },
      /step 0\.scheduler\.fail must be one of quota, throttled, access_denied/,
    ],
    [{ scheduler: { fail: 'quota', count: 1.5 } }, /scheduler\.count must be a whole number/],
    [{ formatter: { fail: 'slow' } }, /step 0\.formatter\.seconds is required with "slow"/],
    [{ formatter: { fail: 'throws', seconds: -1 } }, /formatter\.seconds must be a number of seconds/],
    [{ advance: 0 }, /step 0\.advance must be a number of seconds the clock jumps/],
  ])('%j', async (step, message) => {
    await expect(parseScenario([{ at: 0, ...step }, event], dir)).rejects.toThrow(ScenarioError);
    await expect(parseScenario([{ at: 0, ...step }, event], dir)).rejects.toThrow(message);
  });
});
