import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
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

const HISTORY = 'arn:aws:states:::aws-sdk:sfn:getExecutionHistory';
const LAMBDA = 'arn:aws:states:::lambda:invoke';
const SQS = 'arn:aws:states:::sqs:sendMessage';
const HTTP = 'arn:aws:states:::http:invoke';
const SSM = 'arn:aws:states:::aws-sdk:ssm:getParameter';

function load(file: string, substitutions: Record<string, string>): string {
  return substitute(readFileSync(path.join(repoRoot, 'statemachines', file), 'utf8'), substitutions);
}

const notifier = () =>
  load('notifier.asl.json', {
    FormatterFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:formatter',
    Environment: 'test',
    Template: 'default',
    DestinationType: 'channel',
    SlackChannel: 'C0TEST',
    MentionOnFailure: '',
    Actions: '',
    QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/notify.fifo',
  });
const CONNECTION = 'arn:aws:events:us-east-1:123456789012:connection/slack/abc';
const STORE: Record<string, string> = {
  ...localStoreSubstitutions('arn:aws:sqs:us-east-1:123456789012:notify.fifo'),
  MentionOnFailure: '',
};
const deliver = () => load('deliver.asl.json', { ConnectionArn: CONNECTION, ...STORE });
const deliverWebhook = () =>
  load('deliver-webhook.asl.json', {
    ConnectionArn: CONNECTION,
    WebhookParameterName: '/test/SLACK_URL',
    TableName: STORE.TableName as string,
    DelayedAfterSeconds: STORE.DelayedAfterSeconds as string,
    EndedRetentionSeconds: STORE.EndedRetentionSeconds as string,
  });
/** The message store at the edge: an empty table that takes every write (the store runs for real in test/e2e). */
const EMPTY_STORE: Record<string, ResourceHandler> = {
  'arn:aws:states:::dynamodb:getItem': async () => ({}),
  'arn:aws:states:::dynamodb:updateItem': async () => ({}),
};

const EXECUTION_ARN = 'arn:aws:states:us-east-1:123456789012:execution:etl:run-1';
const EVENT = {
  version: '0',
  id: 'e-1',
  'detail-type': 'Step Functions Execution Status Change',
  source: 'aws.states',
  detail: { executionArn: EXECUTION_ARN, status: 'FAILED', input: 'i'.repeat(10_000), output: null },
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

const message = {
  kind: 'message',
  delivery: { payload: { channel: 'C0TEST', text: 'hi' }, fallback: { channel: 'C0TEST', text: 'hi' } },
  messageGroupId: 'C0TEST',
  deduplicationId: 'dedup-1',
};

describe('statemachines/notifier.asl.json on the local runner', () => {
  it('fetches one page, formats and enqueues: 4 state transitions', async () => {
    const history = recorder(() => ({ Events: [{ Id: 1, Type: 'ExecutionStarted' }] }));
    const format = recorder(() => ({ Payload: message, StatusCode: 200, ExecutedVersion: '$LATEST' }));
    const sqs = recorder(() => ({ MessageId: 'm-1', SequenceNumber: '1', MD5OfMessageBody: 'x' }));
    const result = await runStateMachine(notifier(), EVENT, {
      resources: { [HISTORY]: history.handler, [LAMBDA]: format.handler, [SQS]: sqs.handler },
    });
    expect(result).toMatchObject({
      status: 'SUCCEEDED',
      output: { messageId: 'm-1', messageGroupId: 'C0TEST', deduplicationId: 'dedup-1' },
      stateTransitions: 4,
    });
    expect(history.calls[0]?.arguments).toEqual({
      ExecutionArn: EXECUTION_ARN,
      MaxResults: 200,
      IncludeExecutionData: false,
    });
    const formatArgs = format.calls[0]?.arguments as {
      FunctionName: string;
      Payload: Record<string, unknown>;
    };
    expect(formatArgs.FunctionName).toBe('arn:aws:lambda:us-east-1:123456789012:function:formatter');
    expect(formatArgs.Payload.pages).toEqual([{ Events: [{ Id: 1, Type: 'ExecutionStarted' }] }]);
    expect(formatArgs.Payload.settings).toEqual({
      environment: 'test',
      template: 'default',
      destination: { type: 'channel', channel: 'C0TEST' },
    });
    expect((formatArgs.Payload.event as { detail: { input: string } }).detail.input).toHaveLength(8192);
    expect(sqs.calls[0]?.arguments).toEqual({
      QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/notify.fifo',
      MessageBody: JSON.stringify(message.delivery),
      MessageGroupId: 'C0TEST',
      MessageDeduplicationId: 'dedup-1',
    });
  });

  it('loops FetchHistory → Format while the formatter asks for the next page', async () => {
    const history = recorder((task) =>
      (task.arguments as { NextToken?: string }).NextToken === 't2'
        ? { Events: [{ Id: 2 }] }
        : { Events: [{ Id: 1 }], NextToken: 't2' }
    );
    const format = recorder((task) => {
      const payload = (task.arguments as { Payload: { nextToken?: string; partial?: unknown } }).Payload;
      return {
        Payload: payload.nextToken ? { kind: 'partial', partial: { seen: 1 } } : message,
        StatusCode: 200,
      };
    });
    const sqs = recorder(() => ({ MessageId: 'm-2' }));
    const result = await runStateMachine(notifier(), EVENT, {
      resources: { [HISTORY]: history.handler, [LAMBDA]: format.handler, [SQS]: sqs.handler },
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(history.calls.map((c) => (c.arguments as { NextToken?: string }).NextToken)).toEqual([
      undefined,
      't2',
    ]);
    expect(argsOf<{ Payload: { partial: unknown } }>(format.calls, 1).Payload.partial).toEqual({
      seen: 1,
    });
    expect(result.stateTransitions).toBe(7);
  });

  it('falls back to readHistory when a history page is over 256 KiB', async () => {
    const big = { Events: Array.from({ length: 2000 }, (_, i) => ({ Id: i, Cause: 'c'.repeat(200) })) };
    const format = recorder(() => ({ Payload: message, StatusCode: 200 }));
    const result = await runStateMachine(notifier(), EVENT, {
      resources: {
        [HISTORY]: async () => big,
        [LAMBDA]: format.handler,
        [SQS]: async () => ({ MessageId: 'm' }),
      },
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(argsOf<{ Payload: { readHistory?: boolean } }>(format.calls, 0).Payload.readHistory).toBe(true);
  });

  it('formats a minimal message when the history is unavailable', async () => {
    const format = recorder(() => ({ Payload: message, StatusCode: 200 }));
    const result = await runStateMachine(notifier(), EVENT, {
      resources: {
        [HISTORY]: async () => {
          throw new StatesError('Sfn.ExecutionDoesNotExistException', 'Execution Does Not Exist');
        },
        [LAMBDA]: format.handler,
        [SQS]: async () => ({ MessageId: 'm' }),
      },
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(
      argsOf<{ Payload: { historyUnavailable: unknown } }>(format.calls, 0).Payload.historyUnavailable
    ).toEqual({
      error: 'Sfn.ExecutionDoesNotExistException',
      cause: 'Execution Does Not Exist',
    });
  });

  it('fails with Notifier.UnexpectedFormatterOutput on an answer it cannot route', async () => {
    const result = await runStateMachine(notifier(), EVENT, {
      resources: {
        [HISTORY]: async () => ({ Events: [] }),
        [LAMBDA]: async () => ({ Payload: { kind: 'nonsense' }, StatusCode: 200 }),
        [SQS]: async () => ({ MessageId: 'm' }),
      },
    });
    expect(result).toMatchObject({ status: 'FAILED', error: 'Notifier.UnexpectedFormatterOutput' });
  });
});

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
    // IntervalSeconds 2, BackoffRate 2: delays 0.75×2 and 0.75×4 (the store's Load and Claim come first, Record last)
    expect(secondsOf(result.events, 'TaskScheduled')).toEqual([0, 0, 0, 1.5, 4.5, 4.5]);
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

  it('fails with Slack.<error> when Slack rejects the message', async () => {
    const http = slack([{ ok: false, error: 'channel_not_found' }]);
    const result = await runStateMachine(deliver(), RECORDS, {
      resources: { ...EMPTY_STORE, [HTTP]: http.handler },
    });
    expect(result).toMatchObject({ status: 'FAILED', error: 'Slack.channel_not_found' });
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
