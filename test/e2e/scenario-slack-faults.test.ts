/**
 * Issue 21's Slack faults as scenarios (local/slack-faults.ts): with start notices on, three runs start, Slack
 * misbehaves for 5 minutes (one kind at a time), and the runs fail meanwhile. Whatever the kind: nothing lost,
 * nothing said twice, every channel ends showing each run's final status, and no news comes later than 10 minutes.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScenario, runScenario, type ScenarioReport } from '../../local/scenario.js';
import type { ReceivedMessage } from '../../local/slack-server/index.js';
import { allText, quietFormatter, repoRoot } from './helpers.js';

const dir = path.join(repoRoot, 'examples', 'scenarios');
const NAME = 'nightly-2026-11-24T02-00-00Z';
const RUNS = ['run-a', 'run-b', 'run-c'];
/** When the fault starts and how long it lasts (seconds); the runs fail one second into it. */
const FAULT_AT = 100;
const FAULT_SECONDS = 300;
const FAILED_AT = FAULT_AT + 1;

/** The bundled redrive example's file, as the execution `run`. */
const as = (file: string, run: string): unknown =>
  JSON.parse(readFileSync(path.join(dir, file), 'utf8').replaceAll(NAME, run));
const arnOf = (run: string) => `arn:aws:states:eu-west-1:123456789012:execution:nightly-etl:${run}`;

interface Outcome {
  readonly report: ScenarioReport;
  readonly messages: ReceivedMessage[];
  /** When the scenario started (epoch s): message ts are on the same clock. */
  readonly start: number;
}

async function run(slack: Record<string, unknown>, after: unknown[] = []): Promise<Outcome> {
  const scenario = await parseScenario(
    {
      environment: { statuses: ['RUNNING', 'FAILED', 'SUCCEEDED'] },
      steps: [
        ...RUNS.map((r) => ({
          at: 0,
          event: as('redrive.running.event.json', r),
          history: as('redrive.started.history.json', r),
        })),
        { at: FAULT_AT, slack: { ...slack, seconds: FAULT_SECONDS } },
        ...RUNS.map((r) => ({
          at: FAILED_AT,
          event: as('redrive.failed.event.json', r),
          history: as('redrive.failed.history.json', r),
        })),
        ...after,
      ],
    },
    dir
  );
  const { report, pipeline } = await runScenario(scenario, { formatter: quietFormatter });
  // The first event's time, in whole seconds like a message ts.
  const start = Math.floor(Date.parse('2026-11-24T02:00:00.412Z') / 1000);
  return { report, messages: pipeline.slack?.messages() ?? [], start };
}

const metadataOf = (m: ReceivedMessage) =>
  (m.metadata as { event_payload?: { dedup?: string; execution_arn?: string } } | undefined)?.event_payload;
const current = (m: ReceivedMessage) => {
  const last = m.edits?.at(-1);
  return last ? { text: last.text, blocks: last.blocks } : { text: m.text, blocks: m.blocks };
};

/**
 * Each run's story in the channel: its one parent, the news seen in the channel (the parent's current version and
 * broadcast replies, latest last), and when the failure first reached Slack (seconds after the run failed).
 */
function storyOf(outcome: Outcome, run: string) {
  const mine = outcome.messages.filter((m) => metadataOf(m)?.execution_arn === arnOf(run));
  const parents = mine.filter((m) => m.threadTs === undefined);
  const parent = parents[0] as ReceivedMessage;
  const broadcasts = mine.filter((m) => m.threadTs !== undefined && m.replyBroadcast);
  const shown = [allText(current(parent)), ...broadcasts.map((m) => allText(m))];
  // The failure reached Slack with the first post or edit that says so.
  const failedAt = [
    ...mine.filter((m) => /failed/i.test(allText(m))).map((m) => Number(m.ts)),
    ...(parent.edits ?? []).filter((e) => /failed/i.test(allText(e))).map((e) => Number(e.ts)),
  ];
  const dedups = mine.map((m) => metadataOf(m)?.dedup);
  return {
    parents: parents.length,
    twice: dedups.filter((d, i) => dedups.indexOf(d) !== i),
    latestShown: shown.at(-1) ?? '',
    parentShows: allText(current(parent)),
    waitSeconds: Math.min(...failedAt) - (outcome.start + FAILED_AT),
  };
}

/** The bar for a fault that lasts 5 minutes. */
function expectNothingLostOrTwice(outcome: Outcome): number[] {
  expect(outcome.report.deadLetters).toEqual([]);
  expect(outcome.report.channels.C0LOCAL001).toHaveLength(RUNS.length);
  return RUNS.map((r) => {
    const story = storyOf(outcome, r);
    expect(story.parents, r).toBe(1);
    expect(story.twice, r).toEqual([]);
    // The channel's latest word on the run is its failure.
    expect(story.latestShown, r).toMatch(/failed/i);
    expect(story.waitSeconds, r).toBeGreaterThanOrEqual(0);
    expect(story.waitSeconds, r).toBeLessThanOrEqual(600);
    return story.waitSeconds;
  });
}

/** Where news waits over 5 minutes, the alarm fires within 5 minutes of the fault's start. */
function expectAlarmWithinFiveMinutes(outcome: Outcome, name: string): void {
  const alarm = outcome.report.alarms.find((a) => a.name === name);
  expect(alarm, `${name} in ${JSON.stringify(outcome.report.alarms)}`).toBeDefined();
  expect(alarm?.afterSeconds).toBeLessThanOrEqual(FAULT_AT + 300);
}

const refusals = (report: ScenarioReport, error: string) =>
  report.slackCalls.filter((c) => c.error === error).map((c) => c.method);

describe('Slack faults for 5 minutes, start notices on', () => {
  it('msg_too_long on chat.update: the plain-text and the shorter edit are tried, and the thread reply still goes out, broadcast, at once', async () => {
    const outcome = await run({ fail: 'msg_too_long', method: 'chat.update' });
    const waits = expectNothingLostOrTwice(outcome);
    // Three edits per run (blocks, plain text, shorter), each refused; never a post refused.
    expect(refusals(outcome.report, 'msg_too_long')).toEqual(Array(9).fill('chat.update'));
    for (const r of RUNS) expect(storyOf(outcome, r).parentShows).toMatch(/is running/);
    expect(Math.max(...waits)).toBeLessThan(60);
    // News on time: nobody is paged.
    expect(outcome.report.alarms).toEqual([]);
  });

  it('cant_update_message: the news is a thread reply shown in the channel, at once', async () => {
    const outcome = await run({ fail: 'cant_update_message' });
    const waits = expectNothingLostOrTwice(outcome);
    expect(refusals(outcome.report, 'cant_update_message')).toEqual(Array(3).fill('chat.update'));
    expect(Math.max(...waits)).toBeLessThan(60);
  });

  it('message_not_found (the running message was deleted): a new message shows the failure, once', async () => {
    const outcome = await run({ fail: 'message_not_found' });
    const waits = expectNothingLostOrTwice(outcome);
    expect(refusals(outcome.report, 'message_not_found')).toHaveLength(3);
    for (const r of RUNS) expect(storyOf(outcome, r).parentShows).toMatch(/failed/);
    expect(Math.max(...waits)).toBeLessThan(60);
  });

  it('is_archived: each failure goes to the dead-letter queue with its reason; unarchived and replayed, each is delivered once', async () => {
    const during = await run({ fail: 'is_archived' });
    expect(during.report.deadLetters).toHaveLength(RUNS.length);
    expectAlarmWithinFiveMinutes(during, 'DeadLetterQueueNotEmptyAlarm');
    expect(during.report.deadLetters).toEqual(
      Array(RUNS.length).fill(
        expect.objectContaining({
          deadLetter: expect.objectContaining({ reason: 'Slack refused the message: is_archived' }),
        })
      )
    );
    // The operator replays as soon as the channel is back (the fault's end).
    const replayed = await run({ fail: 'is_archived' }, [
      { at: FAULT_AT + FAULT_SECONDS, replayDeadLetters: true },
    ]);
    const waits = expectNothingLostOrTwice(replayed);
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(FAULT_SECONDS - 1);
  });

  it('ratelimited with HTTP 200 for 5 minutes: retried, then back to the queue; delivered once after the fault, within 10 minutes', async () => {
    const outcome = await run({ fail: 'ratelimited_ok_false' });
    const waits = expectNothingLostOrTwice(outcome);
    expect(refusals(outcome.report, 'ratelimited').length).toBeGreaterThan(0);
    expect(outcome.report.slackCalls.filter((c) => c.error?.startsWith('429'))).toEqual([]);
    // The news waited past 5 minutes (the queue's 6-minute visibility timeout): the failed-delivery alarm tells
    // someone within 5 minutes of the fault.
    expect(Math.max(...waits)).toBeGreaterThan(300);
    expectAlarmWithinFiveMinutes(outcome, 'DeliveryFailedAlarm');
  });

  it('hang (no answer within the HTTP Task timeout) for 5 minutes: looked up, never posted twice, delivered within 10 minutes', async () => {
    const outcome = await run({ fail: 'hang' });
    const waits = expectNothingLostOrTwice(outcome);
    expect(refusals(outcome.report, 'fault: no answer (hang)').length).toBeGreaterThan(0);
    expect(Math.max(...waits)).toBeGreaterThan(300);
    expectAlarmWithinFiveMinutes(outcome, 'DeliveryFailedAlarm');
  });

  it('a fault of some seconds after an advance of the clock lasts its seconds from then', async () => {
    const scenario = await parseScenario(
      {
        environment: {},
        steps: [
          { at: 0, advance: 3600 },
          { at: 10, slack: { fail: 'is_archived', seconds: 60 } },
          {
            at: 11,
            event: as('redrive.failed.event.json', 'run-a'),
            history: as('redrive.failed.history.json', 'run-a'),
          },
        ],
      },
      dir
    );
    const { report } = await runScenario(scenario, { formatter: quietFormatter });
    expect(refusals(report, 'is_archived').length).toBeGreaterThan(0);
    expect(report.deadLetters).toHaveLength(1);
  });

  it('count and seconds together: the fault ends at the first reached', async () => {
    const outcome = await run({ fail: 'cant_update_message', count: 1 });
    expectNothingLostOrTwice(outcome);
    expect(refusals(outcome.report, 'cant_update_message')).toEqual(['chat.update']);
    // The other two runs were edited in place.
    const edited = RUNS.filter((r) => /failed/.test(storyOf(outcome, r).parentShows));
    expect(edited).toHaveLength(2);
  });
});

describe('the slack step is checked with errors that say what to change', () => {
  const step = (slack: unknown, environment: Record<string, unknown> = {}) =>
    parseScenario({ environment, steps: [{ at: 0, slack }] }, dir);

  it.each([
    [
      { fail: 'hangs', count: 1 },
      /^step 0\.slack\.fail must be one of lost_response, .*, ratelimited_ok_false, hang$/,
    ],
    [{ fail: 'hang', method: 'chat.delete' }, /slack\.method must be one of chat\.postMessage, chat\.update/],
    [
      { fail: 'cant_update_message', method: 'chat.postMessage' },
      /cant_update_message is an answer of chat\.update only: set "method": "chat\.update" or leave it out/,
    ],
    [{ fail: 'hang', count: 0 }, /slack\.count must be a whole number of calls, 1 or more/],
    [{ fail: 'hang', seconds: -5 }, /slack\.seconds must be a number of seconds, more than 0/],
    [
      { fail: 'hang', for: 5 },
      /slack has "for", which a Slack fault does not take: use fail, method, count, seconds/,
    ],
  ])('%j', async (slack, message) => {
    await expect(step(slack)).rejects.toThrow(message);
  });

  it('refuses Web API answers and methods in webhook mode', async () => {
    const webhook = { destination: { type: 'webhook' } };
    await expect(step({ fail: 'msg_too_long', count: 1 }, webhook)).rejects.toThrow(
      /msg_too_long is a Web API answer; the scenario posts through a webhook/
    );
    await expect(step({ fail: 'hang', method: 'chat.update', count: 1 }, webhook)).rejects.toThrow(
      /a webhook has no methods/
    );
    await expect(step({ fail: 'is_archived', seconds: 60 }, webhook)).resolves.toBeDefined();
  });
});
