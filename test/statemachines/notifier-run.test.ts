/**
 * statemachines/notifier.asl.json run on the local runner, with recording handlers at the AWS edge: the path each
 * decision takes, its transitions, and every failure after the event arrives ending in a queued message (the
 * formatted ones, or the event-only fallback built without the Lambda), every state's data under 256 KiB.
 */

import { describe, expect, it } from 'vitest';
import { limits } from '../../bench/targets.js';
import type { DeployedSettings, Route } from '../../contract/routes.js';
import { withSourceCredentials } from '../../contract/source-credentials.js';
import { deduplicationId } from '../../formatters/formatter/handler.js';
import { eventTime, orderKey } from '../../formatters/formatter/lifecycle.js';
import {
  type ResourceHandler,
  runStateMachine,
  StatesError,
  type TaskInvocation,
  VirtualClock,
} from '../../local/asl/index.js';
import { notifierDefinition, notifierFile } from '../fixtures/notifier-definition.js';
import { ONE_ROUTE_ONE_PAGE } from '../fixtures/notifier-paths.js';
import type { Definition } from './asl-helpers.js';

const HISTORY = 'arn:aws:states:::aws-sdk:sfn:getExecutionHistory';
const LAMBDA = 'arn:aws:states:::lambda:invoke';
const BATCH = 'arn:aws:states:::aws-sdk:sqs:sendMessageBatch';
const SQS = 'arn:aws:states:::sqs:sendMessage';
const KIB = 1024;

const ROUTE: Route = {
  name: 'default',
  match: { stateMachineArns: [], stateMachineNamePrefixes: [], tags: {}, accounts: [], regions: [] },
  statuses: ['FAILED', 'TIMED_OUT', 'ABORTED', 'SUCCEEDED', 'RUNNING'],
  destination: { type: 'channel', channel: 'C0TEST' },
  mention: '<!here>',
  template: 'detailed',
  stop: false,
  tagOverrides: false,
};
const SETTINGS: DeployedSettings = {
  environment: 'test',
  destinationType: 'channel',
  routes: [ROUTE, { ...ROUTE, name: 'ok', statuses: ['SUCCEEDED'], destination: { type: 'webhook' } }],
  allowedChannels: ['C0TEST'],
  readTags: false,
  executionData: false,
};

const EXECUTION_ARN = 'arn:aws:states:us-east-1:123456789012:execution:etl:run-1';
const EVENT = {
  version: '0',
  id: 'e-1',
  account: '123456789012',
  region: 'us-east-1',
  time: '2026-03-01T10:00:00Z',
  'detail-type': 'Step Functions Execution Status Change',
  source: 'aws.states',
  detail: {
    executionArn: EXECUTION_ARN,
    stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:etl',
    name: 'run-1',
    status: 'FAILED',
    redriveCount: 0,
    error: 'States.TaskFailed',
    cause: 'boom <!channel> & co',
    input: 'i'.repeat(10_000),
    output: null,
  },
};
// The formatter's rule: the fallback without a Lambda must queue under the same id.
const dedup = deduplicationId;

const entry = (group: string, i = 0) => ({
  Id: `m${i}`,
  MessageBody: JSON.stringify({ payload: { text: `to ${group}` }, fallback: { text: 'x' } }),
  MessageGroupId: group,
  MessageDeduplicationId: dedup(EXECUTION_ARN, 'FAILED', 0),
});
const send = (groups = ['C0TEST']) => ({
  Payload: { action: 'send', reason: 'routes: default', entries: groups.map((g, i) => entry(g, i)) },
  StatusCode: 200,
});
const onePage = () => ({ Events: [{ Id: 1, Type: 'ExecutionStarted' }] });
const accepted = (task: TaskInvocation) => ({
  Successful: (task.arguments as { Entries: Array<{ Id: string }> }).Entries.map((e) => ({ Id: e.Id })),
  Failed: [],
});

interface Run {
  history?: (task: TaskInvocation, call: number) => unknown;
  format?: (task: TaskInvocation, call: number) => unknown;
  batch?: (task: TaskInvocation, call: number) => unknown;
  sqs?: (task: TaskInvocation, call: number) => unknown;
  event?: unknown;
  clock?: VirtualClock;
  definition?: string;
}

function recorder(answer: (task: TaskInvocation, call: number) => unknown) {
  const calls: TaskInvocation[] = [];
  const handler: ResourceHandler = async (task) => {
    calls.push(task);
    return answer(task, calls.length);
  };
  return { calls, handler };
}

async function run(options: Run = {}) {
  const history = recorder(options.history ?? onePage);
  const format = recorder(options.format ?? (() => send()));
  const batch = recorder(options.batch ?? accepted);
  const sqs = recorder(options.sqs ?? (() => ({ MessageId: 'm-1' })));
  const sizes: number[] = [];
  const result = await runStateMachine(
    options.definition ?? notifierDefinition(SETTINGS),
    options.event ?? EVENT,
    {
      resources: {
        [HISTORY]: history.handler,
        [LAMBDA]: format.handler,
        [BATCH]: batch.handler,
        [SQS]: sqs.handler,
      },
      clock: options.clock ?? new VirtualClock(),
      onEvent: (e) => {
        const details = Object.values(e).find((v) => typeof v === 'object' && v !== null) as
          | { input?: string; output?: string; parameters?: string }
          | undefined;
        for (const key of ['input', 'output', 'parameters'] as const) {
          const value = details?.[key];
          if (typeof value === 'string') sizes.push(Buffer.byteLength(value));
        }
      },
    }
  );
  return { result, history, format, batch, sqs, sizes };
}

function payloadOf(call: TaskInvocation | undefined): Record<string, unknown> {
  if (!call) throw new Error('expected a call that did not happen');
  return (call.arguments as { Payload: Record<string, unknown> }).Payload;
}
const entered = (outcome: Awaited<ReturnType<typeof run>>) =>
  outcome.result.events.filter((e) => e.type.endsWith('StateEntered')).map((e) => e.stateName ?? '');

interface Fallback {
  group: string;
  dedup: string;
  body: {
    payload: { text: string; channel?: string; blocks?: unknown; unfurl_links?: boolean };
    fallback: { text: string };
    executionArn: string;
    status: string;
    deduplicationId: string;
    orderKey: string;
    reply: { text: string; failure: boolean };
  };
}
function fallbackOf(outcome: Awaited<ReturnType<typeof run>>): Fallback {
  const call = outcome.sqs.calls.at(-1);
  const args = call?.arguments as {
    MessageBody: string;
    MessageGroupId: string;
    MessageDeduplicationId: string;
  };
  return {
    group: args.MessageGroupId,
    dedup: args.MessageDeduplicationId,
    body: JSON.parse(args.MessageBody),
  };
}

/** The run queued exactly one event-only message, saying `why`. */
function expectFallback(outcome: Awaited<ReturnType<typeof run>>, why: string): Fallback {
  expect(outcome.result.status).toBe('SUCCEEDED');
  expect(outcome.sqs.calls).toHaveLength(1);
  expect(outcome.result.output).toMatchObject({ fallback: why });
  const fallback = fallbackOf(outcome);
  expect(fallback.body.payload.text).toContain(`Details are missing: ${why}.`);
  expect(fallback.body.payload.blocks).toBeUndefined();
  expect(fallback.body.fallback.text).toBe(fallback.body.payload.text);
  return fallback;
}

describe('notifier.asl.json: a small machine', () => {
  it('has at most 12 states, a central environment’s included', () => {
    const single = JSON.parse(notifierFile()) as Definition;
    const central = JSON.parse(withSourceCredentials(notifierFile(), 'org')) as Definition;
    expect(Object.keys(single.States)).toHaveLength(10);
    expect(Object.keys(central.States)).toHaveLength(11);
    expect(Object.keys(central.States).length).toBeLessThanOrEqual(12);
  });
});

describe('notifier.asl.json on the local runner: the decision is the path taken', () => {
  it('one page, one route: FetchHistory, Format, Decide, Enqueue, 4 transitions (the bench target)', async () => {
    const outcome = await run();
    expect(entered(outcome)).toEqual([...ONE_ROUTE_ONE_PAGE]);
    expect(outcome.result.stateTransitions).toBe(4);
    expect(outcome.result.stateTransitions).toBeLessThanOrEqual(limits.notifierTransitions);
    expect(outcome.result).toMatchObject({ status: 'SUCCEEDED', output: { queued: ['m0'] } });
    expect(outcome.history.calls[0]?.arguments).toEqual({
      ExecutionArn: EXECUTION_ARN,
      MaxResults: 100,
      IncludeExecutionData: false,
    });
    const payload = payloadOf(outcome.format.calls[0]);
    expect(payload.settings).toEqual(SETTINGS);
    expect(payload.last).toEqual({ page: onePage() });
    // The event's texts cut so the payload fits; whether input reaches a template is the formatter's decision.
    expect(((payload.event as { detail: { input: string } }).detail.input as string).length).toBe(4096);
    expect(outcome.batch.calls[0]?.arguments).toEqual({
      QueueUrl: expect.stringContaining('notify.fifo'),
      Entries: [entry('C0TEST')],
    });
  });

  it('several destinations: all in one SendMessageBatch, still 4 transitions', async () => {
    const outcome = await run({ format: () => send(['C0TEST', 'C0OPS', 'webhook']) });
    expect(outcome.result.stateTransitions).toBe(4);
    expect(outcome.batch.calls).toHaveLength(1);
    expect(outcome.batch.calls[0]?.arguments).toMatchObject({ Entries: [{}, {}, {}] });
  });

  it('none: ends at NoMessage, nothing queued', async () => {
    const outcome = await run({ format: () => ({ Payload: { action: 'none', reason: 'no route' } }) });
    expect(entered(outcome)).toEqual(['FetchHistory', 'Format', 'Decide', 'NoMessage']);
    expect(outcome.batch.calls).toEqual([]);
    expect(outcome.sqs.calls).toEqual([]);
  });

  it('hold: waits until the time the formatter gives, asks again with the hold, then sends the summary', async () => {
    const clock = new VirtualClock(Date.UTC(2026, 0, 1, 12));
    const mute = { machine: 'm', tag: 't', until: 0, destinations: [{ group: 'C0TEST', channel: 'C0TEST' }] };
    const wakes: number[] = [];
    const outcome = await run({
      clock,
      format: (task, call) => {
        wakes.push(clock.now());
        if (call < 3) {
          const wakeAt = new Date(clock.now() + 15 * 60_000).toISOString();
          return { Payload: { action: 'hold', reason: 'muted', wakeAt, mute } };
        }
        expect(payloadOf(task).last).toMatchObject({ action: 'hold', mute });
        return send();
      },
    });
    expect(outcome.result.status).toBe('SUCCEEDED');
    expect(wakes.map((t) => (t - (wakes[0] as number)) / 60_000)).toEqual([0, 15, 30]);
    // FetchHistory, then (Format, Decide, HoldWhileMuted) twice, then Format, Decide, Enqueue.
    expect(outcome.result.stateTransitions).toBe(10);
    expect(outcome.history.calls).toHaveLength(1);
  });
});

describe('notifier.asl.json: history problems reach the formatter', () => {
  it('passes no page whose UTF-8 size could pass 160 KiB (multibyte text too): the formatter reads it itself', async () => {
    // 60,000 three-byte characters: 180,000 bytes, under 96,000 characters' worth of anything the old cap counted.
    for (const cause of ['€'.repeat(60_000), 'c'.repeat(300 * KIB)]) {
      const outcome = await run({ history: () => ({ Events: [{ Id: 1, Cause: cause }] }) });
      expect(outcome.result.status).toBe('SUCCEEDED');
      expect(payloadOf(outcome.format.calls[0]).last).toEqual({});
    }
    const small = await run({ history: () => ({ Events: [{ Id: 1, Cause: '€'.repeat(40_000) }] }) });
    expect(payloadOf(small.format.calls[0]).last).toHaveProperty('page');
  });

  it('retries throttling, then tells the formatter why the history is missing', async () => {
    const outcome = await run({
      history: () => {
        throw new StatesError('Sfn.SfnException', 'Rate exceeded');
      },
    });
    expect(outcome.history.calls).toHaveLength(3);
    expect(payloadOf(outcome.format.calls[0]).last).toEqual({
      historyUnavailable: { error: 'Sfn.SfnException', cause: 'Rate exceeded' },
    });
    expect(outcome.batch.calls).toHaveLength(1);
  });
});

describe('notifier.asl.json: degrade, never drop (the event-only fallback, no Lambda)', () => {
  it('the formatter throws: the event-only message, escaped, with the formatter’s deduplication id', async () => {
    const outcome = await run({
      format: () => {
        throw new TypeError('Cannot read properties of undefined');
      },
    });
    expect(outcome.format.calls).toHaveLength(1);
    const fallback = expectFallback(outcome, 'the formatter failed (TypeError)');
    expect(fallback.dedup).toBe(dedup(EXECUTION_ARN, 'FAILED', 0));
    expect(fallback.body.deduplicationId).toBe(fallback.dedup);
    expect(fallback.group).toBe('C0TEST');
    expect(fallback.body.payload.channel).toBe('C0TEST');
    expect(fallback.body.payload.unfurl_links).toBe(false);
    const text = fallback.body.payload.text;
    expect(text.split('\n')[0]).toBe('<!here> etl failed (test)');
    expect(text).toContain('Error: States.TaskFailed');
    expect(text).toContain('Cause: boom &lt;!channel&gt; &amp; co');
    expect(text).toContain(
      `https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/v2/executions/details/${EXECUTION_ARN}`
    );
    expect(fallback.body.orderKey).toBe(orderKey(0, 'FAILED', eventTime(EVENT)));
    expect(fallback.body.reply).toEqual({ text: 'etl failed (details are missing)', failure: true });
  });

  it('a throttled formatter is retried, then the fallback', async () => {
    const outcome = await run({
      format: () => {
        throw new StatesError('Lambda.TooManyRequestsException', 'Rate Exceeded.');
      },
    });
    expect(outcome.format.calls).toHaveLength(2);
    expectFallback(outcome, 'the formatter failed (Lambda.TooManyRequestsException)');
  });

  it('a formatter that times out, or answers over 256 KiB, or answers no decision: the fallback', async () => {
    const clock = new VirtualClock();
    const slow = await run({
      clock,
      format: async () => {
        await clock.sleep(70_000);
        return send();
      },
    });
    expectFallback(slow, 'the formatter failed (States.Timeout)');
    const huge = await run({
      format: () => ({ Payload: { action: 'send', entries: ['x'.repeat(300 * KIB)] } }),
    });
    expectFallback(huge, 'a payload passed the 256 KiB Step Functions limit');
    const odd = await run({ format: () => ({ Payload: { kind: 'message' } }) });
    expectFallback(odd, 'the formatter answered no decision');
  });

  it('the queue refuses the batch, or some of its entries (HTTP 200 with Failed): the fallback', async () => {
    const refused = await run({
      batch: () => {
        throw new StatesError('Sqs.SqsException', 'Access to the resource is denied');
      },
    });
    expect(refused.batch.calls).toHaveLength(3);
    expectFallback(refused, 'the queue refused the formatted messages (Sqs.SqsException)');
    const partial = await run({
      format: () => send(['C0TEST', 'C0OPS']),
      batch: () => ({
        Successful: [{ Id: 'm0' }],
        Failed: [{ Id: 'm1', SenderFault: false, Code: 'InternalError', Message: 'x' }],
      }),
    });
    expectFallback(partial, 'the queue refused the formatted messages (States.QueryEvaluationError)');
  });

  it('fails (and alarms) only when even the fallback cannot be queued', async () => {
    const outcome = await run({
      format: () => {
        throw new Error('boom');
      },
      sqs: () => {
        throw new StatesError('SQS.AmazonSQSException', 'Access to the resource is denied');
      },
    });
    expect(outcome.result).toMatchObject({ status: 'FAILED', error: 'SQS.AmazonSQSException' });
    expect(outcome.sqs.calls).toHaveLength(4);
  });

  it('goes where contract/fallback.ts says: the first route taking the status, its mention for a failure only', async () => {
    const failing = () => {
      throw new Error('boom');
    };
    const succeeded = await run({
      format: failing,
      event: { ...EVENT, detail: { ...EVENT.detail, status: 'SUCCEEDED' } },
    });
    expect(fallbackOf(succeeded).group).toBe('C0TEST');
    expect(fallbackOf(succeeded).body.payload.text.split('\n')[0]).toBe('etl succeeded (test)');
    const webhookFirst = notifierDefinition({ ...SETTINGS, routes: [...SETTINGS.routes].reverse() });
    const toWebhook = await run({
      definition: webhookFirst,
      format: failing,
      event: { ...EVENT, detail: { ...EVENT.detail, status: 'SUCCEEDED' } },
    });
    expect(fallbackOf(toWebhook).group).toBe('webhook');
    expect(fallbackOf(toWebhook).body.payload.channel).toBeUndefined();
    const unknown = await run({
      format: failing,
      event: { ...EVENT, detail: { ...EVENT.detail, status: 'NEW' } },
    });
    expect(fallbackOf(unknown).group).toBe('C0TEST');
    expect(fallbackOf(unknown).body.payload.text.split('\n')[0]).toBe('etl new (test)');
  });

  it('escapes and bounds every event text, for odd and hostile events', async () => {
    const odd = [
      { detail: { executionArn: EXECUTION_ARN, status: 'TIMED_OUT' } },
      { detail: { executionArn: 'not-an-arn', status: 42, name: ['x'], error: 7, cause: { a: 1 } } },
      { detail: {} },
      { nothing: true },
      {
        detail: {
          executionArn: 'arn:aws-cn:states:cn-north-1:123456789012:execution:<b>&:r<@U1>',
          status: 'SUCCEEDED',
          error: '<@U123>',
          cause: '&'.repeat(5000),
        },
      },
    ];
    for (const event of odd) {
      const outcome = await run({
        event,
        history: () => {
          throw new StatesError('Sfn.InvalidArnException', 'Invalid Arn');
        },
        format: () => {
          throw new Error('boom');
        },
      });
      const text = expectFallback(outcome, 'the formatter failed (Error)').body.payload.text;
      expect(text.length).toBeLessThanOrEqual(4000);
      // Only the configured mention and the link are Slack syntax.
      expect(text).not.toMatch(/<(?!!here>)/);
      expect(text).not.toMatch(/&(?!amp;|lt;|gt;)/);
    }
    const cn = await run({
      event: odd[4],
      format: () => {
        throw new Error('boom');
      },
    });
    expect(fallbackOf(cn).body.payload.text).toContain(
      'https://cn-north-1.console.amazonaws.cn/states/home?region=cn-north-1#/v2/executions/details/arn:aws-cn:states:cn-north-1:123456789012:execution:%3Cb%3E%26:r%3C%40U1%3E'
    );
  });
});

describe('notifier.asl.json: limits', () => {
  it('keeps every state input, output and task parameters under 256 KiB at the worst sizes', async () => {
    // An EventBridge event is at most 256 KiB: this one is 240,000 characters of cause, input and output.
    const worst = {
      ...EVENT,
      detail: {
        ...EVENT.detail,
        cause: 'c'.repeat(80_000),
        input: 'i'.repeat(80_000),
        output: 'o'.repeat(80_000),
      },
    };
    const outcome = await run({
      event: worst,
      history: () => ({ Events: [{ Id: 1, Cause: 'p'.repeat(54_000) }] }),
      format: () => send(Array.from({ length: 10 }, (_, i) => `C${i}`)),
    });
    expect(outcome.result).toMatchObject({ status: 'SUCCEEDED' });
    expect(Math.max(...outcome.sizes)).toBeLessThan(240 * KIB);
  });

  it('the worst path without a mute fits 5 minutes (an Express notifier) and leaves the rest of the timeout to holds', () => {
    const definition = JSON.parse(notifierFile()) as Definition;
    /** Longest a task can take: every attempt to its TimeoutSeconds, every backoff at its cap. */
    const worst = (name: string): number => {
      const s = definition.States[name] as unknown as {
        TimeoutSeconds: number;
        Retry?: Array<{
          IntervalSeconds: number;
          BackoffRate: number;
          MaxAttempts: number;
          MaxDelaySeconds: number;
        }>;
      };
      let seconds = s.TimeoutSeconds;
      for (const r of s.Retry ?? []) {
        for (let i = 0; i < r.MaxAttempts; i++) {
          seconds += s.TimeoutSeconds + Math.min(r.MaxDelaySeconds, r.IntervalSeconds * r.BackoffRate ** i);
        }
      }
      return seconds;
    };
    const path = worst('FetchHistory') + worst('Format') + worst('Enqueue') + worst('EnqueueFallback');
    expect(path).toBeLessThan(300);
    // A Standard notifier holds a muted notification up to the longest mute (7 days) and a day more.
    expect(definition.TimeoutSeconds).toBe(8 * 24 * 3600);
  });
});
