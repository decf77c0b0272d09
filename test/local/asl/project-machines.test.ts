import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { substitutionsUsedBy } from '../../../contract/message-store.js';
import {
  type ResourceHandler,
  runStateMachine,
  StatesError,
  substitute,
  type TaskInvocation,
} from '../../../local/asl/index.js';
import { localStoreSubstitutions } from '../../../local/pipeline.js';
import { repoRoot, secondsOf } from './helpers.js';

// The project's own state machines, run with stub handlers: the handlers are the edge here; the
// local stand-ins and the whole pipeline are exercised by test/local and test/e2e.

const HTTP = 'arn:aws:states:::http:invoke';
const SSM = 'arn:aws:states:::aws-sdk:ssm:getParameter';

function load(file: string, substitutions: Record<string, string>): string {
  const text = readFileSync(path.join(repoRoot, 'statemachines', file), 'utf8');
  return substitute(text, substitutionsUsedBy(text, substitutions));
}

const CONNECTION = 'arn:aws:events:us-east-1:123456789012:connection/slack/abc';
const EXECUTION_ARN = 'arn:aws:states:us-east-1:123456789012:execution:etl:run-1';
const STORE: Record<string, string> = {
  ...localStoreSubstitutions(
    'arn:aws:sqs:us-east-1:123456789012:notify.fifo',
    {},
    { allowedChannels: 'C0TEST' }
  ),
  MentionOnFailure: '',
};
const deliver = () => load('deliver.asl.json', { ConnectionArn: CONNECTION, ...STORE });
const deliverWebhook = () =>
  load('deliver-webhook.asl.json', {
    ConnectionArn: CONNECTION,
    WebhookParameterName: '/test/SLACK_URL',
    ...STORE,
  });
/** The message store at the edge: an empty table that takes every write (the store runs for real in test/e2e). */
const EMPTY_STORE: Record<string, ResourceHandler> = {
  'arn:aws:states:::dynamodb:getItem': async () => ({}),
  'arn:aws:states:::dynamodb:updateItem': async () => ({}),
};

/** Records every call per resource, answering with `answer`. */
function recorder(answer: (task: TaskInvocation, call: number) => unknown): {
  handler: ResourceHandler;
  calls: TaskInvocation[];
} {
  const calls: TaskInvocation[] = [];
  return {
    calls,
    handler: async (task) => {
      calls.push(task);
      return answer(task, calls.length);
    },
  };
}

/** The arguments of call `i`; fails the test when there was no such call. */
function argsOf<T>(calls: TaskInvocation[], i: number): T {
  const call = calls[i];
  if (!call) throw new Error(`expected a call #${i}, got ${calls.length} calls`);
  return call.arguments as T;
}

const RECORDS = [
  {
    messageId: 'sqs-1',
    receiptHandle: 'r-1',
    body: JSON.stringify({
      payload: { channel: 'C0TEST', blocks: [] },
      fallback: { channel: 'C0TEST', text: 'plain' },
      executionArn: EXECUTION_ARN,
      status: 'FAILED',
      deduplicationId: 'd'.repeat(64),
    }),
    attributes: { MessageGroupId: 'C0TEST', ApproximateReceiveCount: '1' },
    messageAttributes: {},
    md5OfBody: 'x',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:notify.fifo',
    awsRegion: 'us-east-1',
  },
];

function slack(answers: Array<Record<string, unknown> | StatesError>) {
  return recorder(() => {
    const next = answers.shift();
    if (next instanceof StatesError) throw next;
    return { StatusCode: 200, StatusText: 'OK', Headers: {}, ResponseBody: next ?? { ok: true, ts: '1.2' } };
  });
}

describe('statemachines/deliver.asl.json on the local runner', () => {
  it('posts the payload through the connection and succeeds on ok:true', async () => {
    const http = slack([{ ok: true, ts: '1.2' }]);
    const result = await runStateMachine(deliver(), RECORDS, {
      resources: { ...EMPTY_STORE, [HTTP]: http.handler },
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(http.calls[0]?.arguments).toEqual({
      ApiEndpoint: 'https://slack.com/api/chat.postMessage',
      Method: 'POST',
      Authentication: { ConnectionArn: CONNECTION },
      Headers: { 'Content-Type': 'application/json; charset=utf-8' },
      RequestBody: {
        channel: 'C0TEST',
        // The parent's text is the payload's, after any "Delayed: " prefix (none here).
        text: '',
        blocks: [],
        unfurl_links: false,
        // The deduplication id in the message metadata: a retry after a lost answer finds the post by it.
        metadata: {
          event_type: 'sfn_slack_notification',
          event_payload: { dedup: 'd'.repeat(64), execution_arn: EXECUTION_ARN },
        },
      },
    });
  });

  it('retries 429 with FULL jitter inside the retrier bounds, then delivers', async () => {
    const http = slack([
      new StatesError('States.Http.StatusCode.429', 'slow down'),
      new StatesError('States.Http.StatusCode.429', 'slow down'),
    ]);
    const result = await runStateMachine(deliver(), RECORDS, {
      resources: { ...EMPTY_STORE, [HTTP]: http.handler },
      random: () => 0.75,
    });
    expect(result.status).toBe('SUCCEEDED');
    // IntervalSeconds 2, BackoffRate 2: delays 0.75×2 and 0.75×4 (the store's Load, Claim and the pacing slot come
    // first, Record last)
    expect(secondsOf(result.events, 'TaskScheduled')).toEqual([0, 0, 0, 0, 1.5, 4.5, 4.5]);
  });

  it('posts the plain-text fallback after invalid_blocks', async () => {
    const http = slack([
      { ok: false, error: 'invalid_blocks' },
      { ok: true, ts: '1.3' },
    ]);
    const result = await runStateMachine(deliver(), RECORDS, {
      resources: { ...EMPTY_STORE, [HTTP]: http.handler },
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(argsOf<{ RequestBody: unknown }>(http.calls, 1).RequestBody).toMatchObject({
      channel: 'C0TEST',
      text: 'plain',
    });
    expect(
      (argsOf<{ RequestBody: object }>(http.calls, 1).RequestBody as { blocks?: unknown }).blocks
    ).toBeUndefined();
  });

  it('fails with Slack.<error> when Slack rejects the message for a reason it does not know (retried by the queue)', async () => {
    const http = slack([{ ok: false, error: 'something_new' }]);
    const result = await runStateMachine(deliver(), RECORDS, {
      resources: { ...EMPTY_STORE, [HTTP]: http.handler },
    });
    expect(result).toMatchObject({ status: 'FAILED', error: 'Slack.something_new' });
  });

  it('sends a permanent refusal to the dead-letter queue with the reason, and succeeds', async () => {
    const http = slack([{ ok: false, error: 'channel_not_found' }]);
    const sqs = recorder(() => ({ MessageId: 'dead-1' }));
    const result = await runStateMachine(deliver(), RECORDS, {
      resources: { ...EMPTY_STORE, [HTTP]: http.handler, 'arn:aws:states:::sqs:sendMessage': sqs.handler },
    });
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: { outcome: 'dead-lettered' } });
    const sent = argsOf<Record<string, unknown>>(sqs.calls, 0);
    expect(sent).toMatchObject({
      QueueUrl: STORE.DeadLetterQueueUrl,
      MessageGroupId: 'C0TEST',
      MessageDeduplicationId: 'sqs-1',
      MessageAttributes: {
        reason: { DataType: 'String', StringValue: 'Slack refused the message: channel_not_found' },
      },
    });
    expect(JSON.parse(sent.MessageBody as string)).toMatchObject({
      deadLetter: { error: 'Slack.channel_not_found' },
      body: RECORDS[0]?.body,
    });
  });
});

describe('statemachines/deliver-webhook.asl.json on the local runner', () => {
  it('reads the webhook URL into a variable and posts to it', async () => {
    const ssm = recorder(() => ({
      Parameter: { Name: '/test/SLACK_URL', Value: 'https://hooks.example.test/T/B/x' },
    }));
    const http = recorder(() => ({ StatusCode: 200, StatusText: 'OK', Headers: {}, ResponseBody: 'ok' }));
    const result = await runStateMachine(deliverWebhook(), RECORDS, {
      resources: { ...EMPTY_STORE, [SSM]: ssm.handler, [HTTP]: http.handler },
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(ssm.calls[0]?.arguments).toEqual({ Name: '/test/SLACK_URL', WithDecryption: true });
    expect(argsOf<{ ApiEndpoint: string }>(http.calls, 0).ApiEndpoint).toBe(
      'https://hooks.example.test/T/B/x'
    );
  });

  it.each([
    ['a revoked or deleted webhook (404 on the post)', ['States.Http.StatusCode.404']],
    ['an archived channel (410)', ['States.Http.StatusCode.410']],
    ['a 400 on the plain-text fallback too', ['States.Http.StatusCode.400', 'States.Http.StatusCode.400']],
  ])(
    'fails fast on %s: the id is taken back and the record is dead-lettered with its reason, at once',
    async (_, errors) => {
      const ssm = recorder(() => ({ Parameter: { Value: 'https://hooks.example.test/T/B/x' } }));
      const http = recorder((_task, call) => {
        const error = errors[call - 1];
        if (error) throw new StatesError(error, 'channel_not_found');
        return { StatusCode: 200, StatusText: 'OK', Headers: {}, ResponseBody: 'ok' };
      });
      const store = recorder(() => ({}));
      const sqs = recorder(() => ({ MessageId: 'm-1' }));
      const result = await runStateMachine(deliverWebhook(), RECORDS, {
        resources: {
          ...EMPTY_STORE,
          'arn:aws:states:::dynamodb:updateItem': store.handler,
          [SSM]: ssm.handler,
          [HTTP]: http.handler,
          'arn:aws:states:::sqs:sendMessage': sqs.handler,
        },
      });
      expect(result.status).toBe('SUCCEEDED');
      expect(result.output).toMatchObject({ outcome: 'dead-lettered', error: errors.at(-1) });
      expect(http.calls).toHaveLength(errors.length);
      // Claimed, paced, then released so that a replay from the dead-letter queue posts it.
      expect(store.calls.map((c) => (c.arguments as { UpdateExpression: string }).UpdateExpression)).toEqual([
        expect.stringContaining('ADD #sent'),
        ...errors.map(() => expect.stringContaining('SET #next')),
        'DELETE #sent :ids',
      ]);
      const sent = argsOf<{ QueueUrl: string; MessageBody: string }>(sqs.calls, 0);
      expect(sent.QueueUrl).toBe(STORE.DeadLetterQueueUrl);
      const dead = JSON.parse(sent.MessageBody) as { deadLetter: { reason: string }; body: string };
      expect(dead.deadLetter.reason).toMatch(/retrying cannot help/);
      expect(dead.body).toBe(RECORDS[0]?.body);
    }
  );

  it('a replayed dead letter is unwrapped and posted as the original message', async () => {
    const ssm = recorder(() => ({ Parameter: { Value: 'https://hooks.example.test/T/B/x' } }));
    const http = recorder(() => ({ StatusCode: 200, StatusText: 'OK', Headers: {}, ResponseBody: 'ok' }));
    const original = RECORDS[0] as (typeof RECORDS)[number];
    const wrapped = [
      { ...original, body: JSON.stringify({ deadLetter: { reason: 'r', error: 'e' }, body: original.body }) },
    ];
    const result = await runStateMachine(deliverWebhook(), wrapped, {
      resources: { ...EMPTY_STORE, [SSM]: ssm.handler, [HTTP]: http.handler },
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(argsOf<{ RequestBody: unknown }>(http.calls, 0).RequestBody).toEqual(
      (JSON.parse(original.body) as { payload: unknown }).payload
    );
  });

  it('posts the fallback after a 400', async () => {
    const ssm = recorder(() => ({ Parameter: { Value: 'https://hooks.example.test/T/B/x' } }));
    const http = recorder((_task, call) => {
      if (call === 1) throw new StatesError('States.Http.StatusCode.400', 'invalid_payload');
      return { StatusCode: 200, StatusText: 'OK', Headers: {}, ResponseBody: 'ok' };
    });
    const result = await runStateMachine(deliverWebhook(), RECORDS, {
      resources: { ...EMPTY_STORE, [SSM]: ssm.handler, [HTTP]: http.handler },
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(argsOf<{ RequestBody: unknown }>(http.calls, 1).RequestBody).toEqual({
      channel: 'C0TEST',
      text: 'plain',
    });
  });
});
