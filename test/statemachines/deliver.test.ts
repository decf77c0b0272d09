/**
 * statemachines/deliver.asl.json on the local runner with the real delivery function (formatters/delivery) in
 * process on dynalite: the HTTP Task, SQS, SSM and Scheduler at the edge, answering as AWS and Slack do. What the
 * console shows (the path), what Slack receives, and what ends in the dead-letter queue.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryConfigInput } from '../../contract/delivery.js';
import { LOOKUP_LIMIT } from '../../contract/delivery.js';
import { STORE_KEY, substitutionsUsedBy } from '../../contract/message-store.js';
import {
  type ExecutionResult,
  runStateMachine,
  StatesError,
  substitute,
  type TaskInvocation,
  VirtualClock,
} from '../../local/asl/index.js';
import { localDeliveryFunction } from '../../local/stand-ins/delivery-function.js';
import { createLocalTable, type LocalDynamoDb, startLocalDynamoDb } from '../../local/stand-ins/dynamodb.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const TEXT = readFileSync(path.join(repoRoot, 'statemachines', 'deliver.asl.json'), 'utf8');
const HTTP = 'arn:aws:states:::http:invoke';
const SQS = 'arn:aws:states:::sqs:sendMessage';
const SSM = 'arn:aws:states:::aws-sdk:ssm:getParameter';
const SCHEDULE = 'arn:aws:states:::aws-sdk:scheduler:createSchedule';
const FUNCTION = 'arn:aws:lambda:us-east-1:123456789012:function:sfn-slack-delivery-test';
const CONNECTION = 'arn:aws:events:us-east-1:123456789012:connection/slack/abc';
const HOOK = 'https://hooks.slack.com/services/T0/B0/secret';
const QUEUE_ARN = 'arn:aws:sqs:us-east-1:123456789012:notify.fifo';

const definition = substitute(
  TEXT,
  substitutionsUsedBy(TEXT, {
    DeliveryFunctionArn: FUNCTION,
    ConnectionArn: CONNECTION,
    WebhookParameterName: '/test/SLACK_URL',
    QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/notify.fifo',
    DeadLetterQueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/notify-dlq.fifo',
  })
);

let store: LocalDynamoDb;
let table = 0;
beforeAll(async () => {
  store = await startLocalDynamoDb({ tableName: 'unused', key: STORE_KEY });
});
afterAll(async () => store.close());

type Answer = Record<string, unknown> | string | StatesError;

/** One delivery world: a fresh table, Slack answering `answers` in order (then ok), every call recorded. */
async function world(
  options: { webhook?: boolean; config?: Partial<DeliveryConfigInput>; answers?: Answer[] } = {}
) {
  table += 1;
  const tableName = `deliver-${table}`;
  await createLocalTable(store.client, tableName, STORE_KEY);
  const clock = new VirtualClock(Date.UTC(2026, 11, 7, 12));
  const fn = localDeliveryFunction({
    arn: FUNCTION,
    dynamodb: store.client,
    now: () => clock.now(),
    random: () => 0.5,
    config: {
      tableName,
      transport: options.webhook ? 'webhook' : 'channel',
      allowedChannels: ['C0TEST'],
      queueArn: QUEUE_ARN,
      scheduleGroup: 'sfn-slack-test',
      schedulerRoleArn: 'arn:aws:iam::123456789012:role/scheduler',
      ...options.config,
    },
  });
  const answers = [...(options.answers ?? [])];
  const calls = {
    http: [] as TaskInvocation[],
    sqs: [] as TaskInvocation[],
    ssm: [] as TaskInvocation[],
    schedule: [] as TaskInvocation[],
  };
  let ts = 0;
  const run = (records: unknown[], scheduler?: () => unknown) =>
    runStateMachine(definition, records, {
      clock,
      random: () => 0.5,
      resources: {
        ...fn.resources,
        [HTTP]: async (task) => {
          calls.http.push(task);
          const next = answers.shift();
          if (next instanceof StatesError) throw next;
          ts += 1;
          const body = next ?? (options.webhook ? 'ok' : { ok: true, ts: `1.${ts}`, channel: 'C0TEST' });
          return { StatusCode: 200, StatusText: 'OK', Headers: {}, ResponseBody: body };
        },
        [SQS]: async (task) => {
          calls.sqs.push(task);
          return { MessageId: 'm-1' };
        },
        [SSM]: async (task) => {
          calls.ssm.push(task);
          return { Parameter: { Value: HOOK } };
        },
        [SCHEDULE]: async (task) => {
          calls.schedule.push(task);
          return scheduler ? scheduler() : { ScheduleArn: 'arn:aws:scheduler:::schedule/x' };
        },
      },
    });
  return { run, calls, clock, tableName, answers };
}

const EXECUTION = 'arn:aws:states:us-east-1:123456789012:execution:etl:run-1';
function record(body: Record<string, unknown> | string, messageId = 'sqs-1') {
  return [
    {
      messageId,
      body: typeof body === 'string' ? body : JSON.stringify(body),
      attributes: { MessageGroupId: 'C0TEST' },
    },
  ];
}
const news = (overrides: Record<string, unknown> = {}) => ({
  payload: {
    channel: 'C0TEST',
    text: 'etl failed',
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'x' } }],
  },
  fallback: { channel: 'C0TEST', text: 'etl failed (plain)' },
  executionArn: EXECUTION,
  status: 'FAILED',
  deduplicationId: 'd'.repeat(64),
  orderKey: '000000#3#2026-12-07T11:59:00.000Z',
  reply: { text: 'failed in *Load*', failure: true },
  ...overrides,
});
/** The states entered, in order (what the console's graph shows as the path). */
const path_ = (result: ExecutionResult) =>
  result.events
    .filter((e) => e.type.endsWith('StateEntered'))
    .map((e) => (e.details as { name: string }).name);
/** The arguments of call `i`; fails the test when there was no such call. */
function argsOf(calls: TaskInvocation[], i: number): unknown {
  const call = calls[i];
  if (!call) throw new Error(`expected a call #${i}, got ${calls.length}`);
  return call.arguments;
}
const bodyOf = (task: TaskInvocation | undefined) =>
  ((task?.arguments ?? {}) as { RequestBody?: Record<string, unknown> }).RequestBody;

describe('the definition', () => {
  it('is small: at most 15 states, no variable used as a return address, every Choice reads the decision', () => {
    const parsed = JSON.parse(TEXT) as {
      States: Record<string, { Type: string; Assign?: object; Choices?: { Condition: string }[] }>;
    };
    const names = Object.keys(parsed.States);
    expect(names.length).toBeLessThanOrEqual(15);
    // No Assign stores a state's name for a later Choice to jump back by.
    const assigned = JSON.stringify(Object.values(parsed.States).map((s) => s.Assign ?? {}));
    for (const name of names) expect(assigned).not.toContain(`"${name}"`);
    for (const state of Object.values(parsed.States).filter((s) => s.Type === 'Choice')) {
      for (const choice of state.Choices ?? []) expect(choice.Condition).toMatch(/\$d\./);
    }
  });
});

describe('channel mode', () => {
  it('a normal post: Decide → Action → Post → Record → Action → Done, at most 8 transitions; metadata carries the id', async () => {
    const w = await world();
    const result = await w.run(record(news()));
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({ outcome: 'delivered', status: 'FAILED' });
    expect(path_(result)).toEqual(['Decide', 'Action', 'Post', 'Record', 'Action', 'Done']);
    expect(result.stateTransitions).toBeLessThanOrEqual(8);
    expect(w.calls.http).toHaveLength(1);
    const args = argsOf(w.calls.http, 0) as Record<string, unknown>;
    expect(args).toMatchObject({
      ApiEndpoint: 'https://slack.com/api/chat.postMessage',
      Method: 'POST',
      Authentication: { ConnectionArn: CONNECTION },
    });
    expect(bodyOf(w.calls.http[0])).toMatchObject({
      channel: 'C0TEST',
      text: 'etl failed',
      unfurl_links: false,
      metadata: {
        event_type: 'sfn_slack_notification',
        event_payload: { dedup: 'd'.repeat(64), execution_arn: EXECUTION },
      },
    });
    // Delivered again (a replay): the store drops it as a duplicate, nothing posted.
    const again = await w.run(record(news(), 'sqs-2'));
    expect(path_(again)).toEqual(['Decide', 'Action', 'Duplicate']);
    expect(w.calls.http).toHaveLength(1);
  });

  it('a text-only message is posted without a blocks field (Slack refuses blocks: [])', async () => {
    const w = await world();
    const result = await w.run(record(news({ payload: { channel: 'C0TEST', text: 'event only' } })));
    expect(result.status).toBe('SUCCEEDED');
    expect(bodyOf(w.calls.http[0])).not.toHaveProperty('blocks');
    expect(w.calls.http).toHaveLength(1);
  });

  it('a 429 is retried inside the HTTP Task with jitter, then delivered', async () => {
    const w = await world({
      answers: [
        new StatesError('States.Http.StatusCode.429', 'slow down'),
        new StatesError('States.Http.StatusCode.429', 'slow down'),
      ],
    });
    const result = await w.run(record(news()));
    expect(result.status).toBe('SUCCEEDED');
    expect(w.calls.http).toHaveLength(3);
  });

  it('ok:false with ratelimited on HTTP 200 is retried like a 429: the same request after a Wait', async () => {
    const w = await world({ answers: [{ ok: false, error: 'ratelimited' }] });
    const result = await w.run(record(news()));
    expect(result.status).toBe('SUCCEEDED');
    expect(path_(result)).toContain('Pace');
    expect(w.calls.http).toHaveLength(2);
    expect(bodyOf(w.calls.http[1])).toEqual(bodyOf(w.calls.http[0]));
  });

  it('a 429 past the HTTP Task’s own retries is sent again after a backoff, not returned to the queue (6 minutes)', async () => {
    const throttled = () => new StatesError('States.Http.StatusCode.429', 'slow down');
    const w = await world({ answers: Array.from({ length: 4 }, throttled) });
    const result = await w.run(record(news()));
    expect(result.status).toBe('SUCCEEDED');
    expect(path_(result)).toContain('Pace');
    expect(w.calls.http).toHaveLength(5);
    expect(bodyOf(w.calls.http[4])).toEqual(bodyOf(w.calls.http[0]));
    // Still throttled after RATELIMITED_RETRIES such rounds (4 tries each): the execution fails, the queue retries.
    const always = await world({ answers: Array.from({ length: 16 }, throttled) });
    const failed = await always.run(record(news()));
    expect(failed.status).toBe('FAILED');
    expect(failed.error).toBe('States.Http.StatusCode.429');
    expect(always.calls.http).toHaveLength(16);
  });

  it('invalid_blocks: the plain-text fallback, without blocks, once; refused again: the dead-letter queue', async () => {
    const w = await world({ answers: [{ ok: false, error: 'invalid_blocks' }] });
    const result = await w.run(record(news()));
    expect(result.status).toBe('SUCCEEDED');
    expect(bodyOf(w.calls.http[1])).toMatchObject({ text: 'etl failed (plain)' });
    expect(bodyOf(w.calls.http[1])).not.toHaveProperty('blocks');
    const twice = await world({
      answers: [
        { ok: false, error: 'invalid_blocks' },
        { ok: false, error: 'invalid_blocks' },
      ],
    });
    const dead = await twice.run(record(news()));
    expect(dead.status).toBe('SUCCEEDED');
    expect(path_(dead).at(-2)).toBe('DeadLetter');
  });

  it('a permanent refusal goes to the dead-letter queue at once, with the reason and the body byte for byte', async () => {
    const w = await world({ answers: [{ ok: false, error: 'channel_not_found' }] });
    const body = JSON.stringify(news());
    const result = await w.run(record(body));
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({ outcome: 'dead-lettered', error: 'Slack.channel_not_found' });
    const sent = argsOf(w.calls.sqs, 0) as Record<string, unknown>;
    expect(sent.QueueUrl).toMatch(/notify-dlq\.fifo$/);
    expect(sent.MessageGroupId).toBe('C0TEST');
    expect(sent.MessageDeduplicationId).toBe('sqs-1');
    const wrapped = JSON.parse(sent.MessageBody as string);
    expect(wrapped.deadLetter.reason).toBe('Slack refused the message: channel_not_found');
    expect(wrapped.body).toBe(body);
    // Replayed: unwrapped and posted.
    const replay = await (await world()).run(record(sent.MessageBody as string));
    expect(replay.output).toMatchObject({ outcome: 'delivered' });
  });

  it('an error Slack does not call permanent fails the execution with Slack.<error> (the queue retries it)', async () => {
    const w = await world({ answers: [{ ok: false, error: 'something_new' }] });
    const result = await w.run(record(news()));
    expect(result).toMatchObject({ status: 'FAILED', error: 'Slack.something_new' });
  });

  it('a body that is not a delivery, or a channel not allowed: the dead-letter queue with the reason', async () => {
    const w = await world();
    const garbage = await w.run(record('not json'));
    expect(garbage.output).toMatchObject({ outcome: 'dead-lettered', error: 'Delivery.InvalidBody' });
    const elsewhere = await w.run(record(news({ payload: { channel: 'C0OTHER', text: 'x' } })));
    expect(elsewhere.output).toMatchObject({ error: 'Delivery.ChannelNotAllowed' });
    expect(w.calls.http).toEqual([]);
  });

  it('a lost answer is looked up (at most LOOKUP_LIMIT messages) before posting again: found, never posted twice', async () => {
    const w = await world({
      answers: [
        new StatesError('States.Http.Socket', 'reset'),
        { ok: true, messages: [{ ts: '9.9', metadata: { event_payload: { dedup: 'd'.repeat(64) } } }] },
      ],
    });
    const result = await w.run(record(news()));
    expect(result.status).toBe('SUCCEEDED');
    expect(path_(result)).toContain('LookUp');
    const lookup = argsOf(w.calls.http, 1) as {
      ApiEndpoint: string;
      Method: string;
      QueryParameters: Record<string, string>;
    };
    expect(lookup.ApiEndpoint).toBe('https://slack.com/api/conversations.history');
    expect(lookup.Method).toBe('GET');
    expect(lookup.QueryParameters.limit).toBe(String(LOOKUP_LIMIT));
    expect(w.calls.http).toHaveLength(2);
  });

  it('news on an execution with a message: edit, then the thread reply (broadcast for a failure)', async () => {
    const w = await world();
    await w.run(
      record(
        news({
          status: 'RUNNING',
          orderKey: '000000#1#2026-12-07T11:00:00.000Z',
          reply: { text: 'started', failure: false },
        })
      )
    );
    expect(w.calls.http).toHaveLength(0); // a quiet start: recorded, no message (start notices off)
    const w2 = await world({ config: { startNotices: true } });
    await w2.run(record(news({ status: 'RUNNING', orderKey: '000000#1#2026-12-07T11:00:00.000Z' })));
    const result = await w2.run(record(news({ deduplicationId: 'e'.repeat(64) }), 'sqs-2'));
    expect(path_(result)).toEqual([
      'Decide',
      'Action',
      'Edit',
      'Record',
      'Action',
      'Post',
      'Record',
      'Action',
      'Done',
    ]);
    expect((argsOf(w2.calls.http, 1) as { ApiEndpoint: string }).ApiEndpoint).toBe(
      'https://slack.com/api/chat.update'
    );
    expect(bodyOf(w2.calls.http[2])).toMatchObject({
      thread_ts: '1.1',
      text: 'failed in *Load*',
      reply_broadcast: true,
    });
    // An older news after that: stale.
    const late = await w2.run(
      record(
        news({
          status: 'RUNNING',
          deduplicationId: 'f'.repeat(64),
          orderKey: '000000#1#2026-12-07T11:00:01.000Z',
        }),
        'sqs-3'
      )
    );
    expect(path_(late)).toEqual(['Decide', 'Action', 'Stale']);
  });

  it('a post Slack refuses as too long (its fallback too) still goes out as a shorter plain text, not to the dead-letter queue', async () => {
    const w = await world({});
    w.answers.push({ ok: false, error: 'msg_too_long' }, { ok: false, error: 'msg_too_long' });
    const long = 'z'.repeat(50_000);
    const result = await w.run(
      record(news({ payload: { channel: 'C0TEST', text: long, blocks: [] }, fallback: { text: long } }))
    );
    expect(result.status).toBe('SUCCEEDED');
    const calls = (w.calls.http ?? []).map(
      (c) => c.arguments as { ApiEndpoint: string; RequestBody: Record<string, unknown> }
    );
    expect(calls.map((c) => c.ApiEndpoint.split('/').at(-1))).toEqual([
      'chat.postMessage',
      'chat.postMessage',
      'chat.postMessage',
    ]);
    expect(calls[1]?.RequestBody).toMatchObject({ text: long });
    expect(calls[1]?.RequestBody.blocks).toBeUndefined();
    const shorter = String(calls[2]?.RequestBody.text);
    expect(shorter.length).toBeLessThanOrEqual(3000);
    expect(long.startsWith(shorter.slice(0, -1))).toBe(true);
  });

  it('an edit Slack refuses as too long (its fallback too) still gets a shorter edit and its thread reply', async () => {
    const w = await world({ config: { startNotices: true } });
    await w.run(record(news({ status: 'RUNNING', orderKey: '000000#1#2026-12-07T11:00:00.000Z' })));
    w.answers.push({ ok: false, error: 'msg_too_long' }, { ok: false, error: 'msg_too_long' });
    const long = 'y'.repeat(50_000);
    const result = await w.run(
      record(
        news({
          deduplicationId: 'e'.repeat(64),
          payload: { channel: 'C0TEST', text: long },
          fallback: { text: long },
        }),
        'sqs-2'
      )
    );
    expect(result.status).toBe('SUCCEEDED');
    const calls = (w.calls.http ?? [])
      .slice(1)
      .map((c) => c.arguments as { ApiEndpoint: string; RequestBody: Record<string, unknown> });
    expect(calls.map((c) => c.ApiEndpoint.split('/').at(-1))).toEqual([
      'chat.update',
      'chat.update',
      'chat.update',
      'chat.postMessage',
    ]);
    expect(calls[1]?.RequestBody).toMatchObject({ text: long, blocks: [] });
    expect(String(calls[2]?.RequestBody.text).length).toBeLessThanOrEqual(3000);
    expect(calls[3]?.RequestBody).toMatchObject({ thread_ts: '1.1', text: 'failed in *Load*' });
  });

  it('a Scheduler refusal of the "still running" check posts the message anyway and never dead-letters it', async () => {
    const w = await world({ config: { startNotices: true, runningLongerThanSeconds: 3600 } });
    const result = await w.run(
      record(news({ status: 'RUNNING', orderKey: '000000#1#2026-12-07T11:00:00.000Z' })),
      () => {
        throw new StatesError('Scheduler.ServiceQuotaExceededException', 'quota');
      }
    );
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({ outcome: 'delivered', checkScheduled: false });
    expect(path_(result)).toEqual([
      'Decide',
      'Action',
      'Post',
      'Record',
      'Action',
      'Schedule',
      'Record',
      'Action',
      'Done',
    ]);
    expect(w.calls.sqs).toEqual([]);
    const schedule = argsOf(w.calls.schedule, 0) as { GroupName: string; Target: { Input: string } };
    expect(schedule.GroupName).toBe('sfn-slack-test');
    expect(JSON.parse(schedule.Target.Input)).toMatchObject({
      check: 'runningLongerThan',
      channel: 'C0TEST',
    });
  });
});

describe('webhook mode (the same definition)', () => {
  it('reads the URL once into a variable (never through the function) and posts to it', async () => {
    const w = await world({ webhook: true });
    const result = await w.run(record(news({ payload: { text: 'etl failed' } })));
    expect(result.status).toBe('SUCCEEDED');
    expect(path_(result)).toEqual([
      'Decide',
      'Action',
      'WebhookUrl',
      'Action',
      'Post',
      'Record',
      'Action',
      'Done',
    ]);
    expect(argsOf(w.calls.ssm, 0) as Record<string, unknown>).toEqual({
      Name: '/test/SLACK_URL',
      WithDecryption: true,
    });
    expect((argsOf(w.calls.http, 0) as { ApiEndpoint: string }).ApiEndpoint).toBe(HOOK);
    // The URL never appears in what the function was given or returned.
    const lambdaEvents = result.events.filter(
      (e) => e.type.startsWith('Task') && JSON.stringify(e.details).includes('Payload')
    );
    for (const e of lambdaEvents) expect(JSON.stringify(e.details)).not.toContain('secret');
  });

  it('a 429 past the HTTP Task’s own retries is posted again after a backoff, not returned to the queue (6 minutes)', async () => {
    const throttled = () => new StatesError('States.Http.StatusCode.429', 'slow down');
    const w = await world({ webhook: true, answers: Array.from({ length: 4 }, throttled) });
    const result = await w.run(record(news({ payload: { text: 'etl failed' } })));
    expect(result.status).toBe('SUCCEEDED');
    expect(w.calls.http).toHaveLength(5);
    expect(bodyOf(w.calls.http[4])).toEqual(bodyOf(w.calls.http[0]));
    // Still throttled after RATELIMITED_RETRIES such rounds: the execution fails, the queue retries.
    const always = await world({ webhook: true, answers: Array.from({ length: 16 }, throttled) });
    const failed = await always.run(record(news({ payload: { text: 'etl failed' } })));
    expect(failed.status).toBe('FAILED');
    expect(failed.error).toBe('States.Http.StatusCode.429');
    expect(always.calls.http).toHaveLength(16);
  });

  it('a 400 posts the plain-text fallback; a 404 on it: the claim is taken back and the record dead-lettered', async () => {
    const w = await world({
      webhook: true,
      answers: [
        new StatesError('States.Http.StatusCode.400', 'invalid_payload'),
        new StatesError('States.Http.StatusCode.404', 'no_service'),
      ],
    });
    const result = await w.run(record(news({ payload: { text: 'etl failed' } })));
    expect(result.output).toMatchObject({ outcome: 'dead-lettered', error: 'States.Http.StatusCode.404' });
    expect(bodyOf(w.calls.http[1])).toMatchObject({ text: 'etl failed (plain)' });
    // Taken back: the replay posts.
    const replay = await w.run(
      record(
        JSON.parse(JSON.stringify((argsOf(w.calls.sqs, 0) as { MessageBody: string }).MessageBody)),
        'sqs-2'
      )
    );
    expect(replay.output).toMatchObject({ outcome: 'delivered' });
  });
});
