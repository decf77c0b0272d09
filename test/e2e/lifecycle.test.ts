/**
 * End to end on scenarios (local/scenario.ts): one message per execution and channel, edited in place, the story
 * in its thread; the final status after any order of events; no duplicate under duplicated events (seconds and
 * hours apart), replays and lost answers; no late "still running".
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FormatterInput, FormatterOutput } from '../../contract/formatter.js';
import { parseScenario, runScenario, type ScenarioReport } from '../../local/scenario.js';
import type { ConversationMessage } from '../../local/slack-server/index.js';
import { examples, harness, historiesOf, quietFormatter, repoRoot } from './helpers.js';

const example = examples.failed();
const running = {
  ...example.event,
  detail: { ...example.event.detail, status: 'RUNNING', stopDate: null, error: null, cause: null },
};

const dir = path.join(repoRoot, 'examples', 'scenarios');
const CHANNEL = 'C0LOCAL001';

async function runWithRequests(raw: unknown): Promise<{ report: ScenarioReport; requests: string[] }> {
  const scenario = await parseScenario(raw, dir);
  const { report, pipeline } = await runScenario(scenario, { formatter: quietFormatter });
  return { report, requests: (pipeline.slack?.requests ?? []).map((r) => `${r.path} ${r.outcome}`) };
}

async function run(raw: unknown): Promise<ScenarioReport> {
  return (await runWithRequests(raw)).report;
}

const messagesOf = (report: ScenarioReport): ConversationMessage[] => report.channels[CHANNEL] ?? [];
const current = (m: ConversationMessage) => m.edits.at(-1)?.text ?? m.text ?? '';
/** Every post in the channel: parents and thread replies. */
const posts = (report: ScenarioReport) =>
  messagesOf(report).flatMap((m) => [m.text ?? '', ...m.replies.map((r) => r.text ?? '')]);

const redrive = {
  running: { event: 'redrive.running.event.json', history: 'redrive.started.history.json' },
  failed: { event: 'redrive.failed.event.json', history: 'redrive.failed.history.json' },
  redriven: { event: 'redrive.redriven.event.json', history: 'redrive.redriven.history.json' },
  succeeded: { event: 'redrive.succeeded.event.json', history: 'redrive.succeeded.history.json' },
};
const allStatuses = { statuses: ['RUNNING', 'FAILED', 'TIMED_OUT', 'ABORTED', 'SUCCEEDED'] };
const HOUR = 3600;

describe('one message per execution', () => {
  it('the bundled scenario: a run that fails, is redriven and succeeds is one message, its story in the thread', async () => {
    const report = await run(
      JSON.parse(
        await import('node:fs/promises').then((fs) =>
          fs.readFile(path.join(dir, 'fail-redrive-succeed.scenario.json'), 'utf8')
        )
      )
    );
    const [message, ...others] = messagesOf(report);
    expect(others).toEqual([]);
    expect(message?.text).toMatch(/is running/);
    expect(current(message as ConversationMessage)).toMatch(/succeeded/);
    expect(message?.replies.map((r) => [r.text, r.reply_broadcast])).toEqual([
      [expect.stringMatching(/^:x: Failed in \*RefreshAggregates\* with `States.TaskFailed`/), true],
      [':repeat: Redriven (redrive 1)', false],
      [':white_check_mark: Succeeded after redrive 1', false],
    ]);
    expect(message?.metadata).toMatchObject({ event_type: 'sfn_slack_notification' });
    expect(report.deadLetters).toEqual([]);
  });

  const orders: Array<[string, Array<keyof typeof redrive>]> = [
    ['in order', ['running', 'failed', 'redriven', 'succeeded']],
    ['reversed', ['succeeded', 'redriven', 'failed', 'running']],
    ['the result first, then its RUNNING', ['failed', 'succeeded', 'running', 'redriven']],
    ["the earlier attempt's FAILED last", ['running', 'redriven', 'succeeded', 'failed']],
  ];
  it.each(orders)('final status shown whatever the order of events: %s', async (_, order) => {
    const report = await run({
      environment: allStatuses,
      steps: order.map((name, i) => ({ at: i * 60, ...redrive[name] })),
    });
    const [message, ...others] = messagesOf(report);
    expect(others).toEqual([]);
    expect(current(message as ConversationMessage)).toMatch(/succeeded/);
    // Nothing older is ever shown after the result: the last thread reply is not a stale one either.
    expect(message?.replies.at(-1)?.text ?? message?.text).toMatch(/Succeeded|succeeded/);
  });

  it('a result the formatter could not build (event-only message) still edits the running message, never dropped as stale', async () => {
    const scenario = await parseScenario(
      {
        environment: allStatuses,
        steps: [
          { at: 0, ...redrive.running },
          { at: 60, ...redrive.failed },
        ],
      },
      dir
    );
    const failingOnResults = async (input: FormatterInput): Promise<FormatterOutput> => {
      if (input.event.detail.status !== 'RUNNING') throw new Error('formatter broken');
      return quietFormatter(input);
    };
    const { report } = await runScenario(scenario, { formatter: failingOnResults });
    const [message, ...others] = messagesOf(report);
    expect(others).toEqual([]);
    expect(message?.text).toMatch(/is running/);
    expect(current(message as ConversationMessage)).toMatch(/failed/);
    expect(current(message as ConversationMessage)).toMatch(/Details are missing/);
    expect(message?.replies.map((r) => r.reply_broadcast)).toEqual([true]);
    expect(report.deadLetters).toEqual([]);
  });

  it('reply_broadcast off: a failure reply stays in the thread', async () => {
    const report = await run({
      environment: { ...allStatuses, replyBroadcast: false },
      steps: [
        { at: 0, ...redrive.running },
        { at: 60, ...redrive.failed },
      ],
    });
    expect(messagesOf(report)[0]?.replies.map((r) => r.reply_broadcast)).toEqual([false]);
  });

  it('without start notices the RUNNING posts nothing; the result is the first and only message', async () => {
    const report = await run({
      steps: [
        { at: 0, ...redrive.running },
        { at: 60, ...redrive.failed },
      ],
    });
    const [message, ...others] = messagesOf(report);
    expect(others).toEqual([]);
    expect(message?.text).toMatch(/failed/);
    expect(message?.edits).toEqual([]);
    expect(message?.replies).toEqual([]);
  });
});

describe('the environment of a scenario', () => {
  it("applies the rule's filter: unwatched state machines and unlisted statuses are skipped", async () => {
    const scenario = await parseScenario(
      {
        environment: { stateMachineNamePrefixes: ['other-'] },
        steps: [{ at: 0, ...redrive.failed }],
      },
      dir
    );
    const other = await runScenario(scenario, { formatter: quietFormatter });
    expect(other.skipped).toBe(1);
    expect(other.report.channels).toEqual({});
    const watched = await runScenario(
      await parseScenario(
        {
          environment: { stateMachineNamePrefixes: ['nightly-'] },
          steps: [
            { at: 0, ...redrive.running },
            { at: 60, ...redrive.failed },
          ],
        },
        dir
      ),
      { formatter: quietFormatter }
    );
    // RUNNING is not among the default statuses and no runningLongerThan needs it.
    expect(watched.skipped).toBe(1);
    expect(messagesOf(watched.report)).toHaveLength(1);
  });
});

describe('nothing said twice', () => {
  it.each([
    ['seconds apart (the queue deduplicates)', 30],
    ['6 minutes apart (past the queue window: the store drops it)', 6 * 60],
    ['hours apart', 6 * HOUR],
  ])('a duplicated event %s', async (_, gap) => {
    const report = await run({
      environment: allStatuses,
      steps: [
        { at: 0, ...redrive.running },
        { at: 1000, ...redrive.failed },
        { at: 1000 + gap, duplicate: 1 },
        { at: 1000 + gap + 1, duplicate: 0 },
      ],
    });
    expect(posts(report)).toHaveLength(2); // the parent and one failure reply
    expect(messagesOf(report)[0]?.edits).toHaveLength(1);
  });

  it('lost answers: Slack takes the post, the answer is lost; the retry finds it by its metadata and never posts again', async () => {
    const { report, requests } = await runWithRequests({
      environment: allStatuses,
      steps: [
        { at: 0, slack: { fail: 'lost_response', count: 1 } },
        { at: 1, ...redrive.running },
        // The edits' answers are lost too: an edit is simply done again.
        { at: 99, slack: { fail: 'lost_response', count: 2 } },
        { at: 100, ...redrive.failed },
      ],
    });
    const [message, ...others] = messagesOf(report);
    expect(others).toEqual([]);
    expect(message?.replies.map((r) => r.text)).toEqual([expect.stringMatching(/^:x: Failed/)]);
    expect(requests.filter((r) => r.endsWith('answer lost after handling'))).toHaveLength(3);
    expect(requests.filter((r) => r.startsWith('/api/conversations.history ok'))).toHaveLength(1);
  });

  it('a thread reply whose answer is lost is found in the thread, not posted again', async () => {
    const h = await harness({
      history: historiesOf([example]),
      channel: 'C0ALERTS',
      lifecycle: { startNotices: true },
    });
    try {
      await h.pipeline.run(running);
      h.slack.injectFault({ drop: 'after', method: 'chat.postMessage' });
      await h.pipeline.run(example.event);
      await h.pipeline.run(example.event);
      const [message, ...others] = h.slack.conversations().C0ALERTS ?? [];
      expect(others).toEqual([]);
      expect(message?.replies).toHaveLength(1);
      expect(h.slack.requests.map((r) => `${r.path} ${r.outcome}`)).toEqual(
        expect.arrayContaining([
          '/api/chat.postMessage fault: answer lost after handling',
          '/api/conversations.replies ok',
        ])
      );
    } finally {
      await h.close();
    }
  });

  it('an earlier post Slack took while its answer and every look-up were lost is found by the next news: still one message', async () => {
    const { report, requests } = await runWithRequests({
      steps: [
        // The FAILED post is taken but its answer is lost; every look-up on its 5 receives fails (4 tries each),
        // so the FAILED ends in the dead-letter queue with its claim left in the store.
        { at: 0, slack: { fail: 'lost_response', count: 1 } },
        { at: 1, slack: { fail: 'down', count: 20 } },
        { at: 2, ...redrive.failed },
        // Later the redriven run succeeds: its delivery finds the FAILED post and makes it the parent.
        { at: 2400, ...redrive.succeeded },
        { at: 2 * HOUR, replayDeadLetters: true },
      ],
    });
    const [message, ...others] = messagesOf(report);
    expect(others).toEqual([]);
    expect(message?.text).toMatch(/failed/);
    expect(current(message as ConversationMessage)).toMatch(/succeeded/);
    expect(message?.replies.map((r) => r.text)).toEqual([':white_check_mark: Succeeded after redrive 1']);
    expect(report.deadLetters).toEqual([]);
    expect(requests.filter((r) => r.includes('dropped before'))).toHaveLength(20);
  });

  it('Slack down for a while: retried on later receives, delivered once', async () => {
    const report = await run({
      environment: allStatuses,
      steps: [
        { at: 0, slack: { fail: 'down', count: 6 } },
        { at: 1, ...redrive.failed },
      ],
    });
    expect(posts(report)).toHaveLength(1);
  });

  it('a replay from the dead-letter queue delivers once, says it is delayed, and a second replay adds nothing', async () => {
    const { report, requests } = await runWithRequests({
      environment: allStatuses,
      steps: [
        { at: 0, ...redrive.running },
        // invalid_auth is permanent: the first receive sends the news to the dead-letter queue at once.
        { at: 10, slack: { fail: 'invalid_auth', count: 1 } },
        { at: 20, ...redrive.failed },
        { at: 3 * HOUR + 1, replayDeadLetters: true },
        { at: 4 * HOUR, replayDeadLetters: true },
        { at: 5 * HOUR, duplicate: 2 },
      ],
    });
    const [message, ...others] = messagesOf(report);
    expect(others).toEqual([]);
    expect(report.deadLetters).toEqual([]);
    expect(current(message as ConversationMessage)).toMatch(/^Delayed: .*failed/);
    expect(message?.replies.map((r) => r.text)).toEqual([expect.stringMatching(/^\(delayed\) :x: Failed/)]);
    expect(requests.filter((r) => r.endsWith('invalid_auth'))).toHaveLength(1);
  });
});

describe('running too long', () => {
  it('the bundled long-running scenario: "still running" once, then the result edits the same message', async () => {
    const report = await run(
      JSON.parse(
        await import('node:fs/promises').then((fs) =>
          fs.readFile(path.join(dir, 'long-running.scenario.json'), 'utf8')
        )
      )
    );
    const [message, ...others] = messagesOf(report);
    expect(others).toEqual([]);
    expect(message?.text).toMatch(/^Still running after 2 h/);
    expect(JSON.stringify(message?.blocks)).toContain('<!subteam^S0123ABCD>');
    expect(current(message as ConversationMessage)).toMatch(/succeeded/);
    expect(message?.replies.map((r) => r.text)).toEqual([':white_check_mark: Succeeded']);
  });

  it('a run that ended before the limit never gets a late "still running"', async () => {
    const report = await run({
      environment: { runningLongerThan: 'PT2H' },
      steps: [
        { at: 0, ...redrive.running },
        { at: 1000, ...redrive.failed },
        { at: 10 * HOUR, duplicate: 0 },
      ],
    });
    const [message, ...others] = messagesOf(report);
    expect(others).toEqual([]);
    expect(JSON.stringify(report)).not.toMatch(/[Ss]till running/);
    expect(message?.replies).toEqual([]);
  });

  it('with start notices, the running message says "still running" and its thread says so once, broadcast', async () => {
    const report = await run({
      environment: { ...allStatuses, runningLongerThan: 'PT10M' },
      steps: [
        { at: 0, ...redrive.running },
        { at: 1000, ...redrive.failed },
      ],
    });
    const [message] = messagesOf(report);
    expect(message?.replies.map((r) => [r.text, r.reply_broadcast])).toEqual([
      [':hourglass_flowing_sand: *Still running after 10 min*', true],
      [expect.stringMatching(/^:x: Failed/), true],
    ]);
    expect(current(message as ConversationMessage)).toMatch(/failed/);
  });
});

describe('webhook mode', () => {
  it('posts each news once, even a duplicate hours later', async () => {
    const report = await run({
      environment: { ...allStatuses, destination: { type: 'webhook' } },
      steps: [
        { at: 0, ...redrive.running },
        { at: 1000, ...redrive.failed },
        { at: 5 * HOUR, duplicate: 1 },
        { at: 5 * HOUR + 60, ...redrive.redriven },
      ],
    });
    const texts = messagesOf(report).map((m) => m.text ?? '');
    expect(texts).toHaveLength(3);
    expect(texts[1]).toMatch(/failed/);
    expect(messagesOf(report).every((m) => m.edits.length === 0 && m.replies.length === 0)).toBe(true);
  });
});
