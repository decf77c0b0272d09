/**
 * statemachines/notifier.asl.json run on the local runner, with recording handlers at the AWS edge: every
 * failure after the event arrives ends in a queued message (the formatted one, or one built from the event
 * alone), and every state's data stays under 256 KiB.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { limits } from '../../bench/targets.js';
import type { DeployedSettings, Route } from '../../contract/routes.js';
import { deduplicationId } from '../../formatters/handler.js';
import { eventTime, orderKey } from '../../formatters/lifecycle.js';
import { eventOnlyMessage } from '../../formatters/render/event-only.js';
import { fillJsonValues } from '../../infra/json-values.js';
import {
  type ResourceHandler,
  runStateMachine,
  StatesError,
  substitute,
  type TaskInvocation,
  VirtualClock,
} from '../../local/asl/index.js';
import { ONE_ROUTE_ONE_PAGE } from '../fixtures/notifier-paths.js';
import { type Definition, notifierStoreSubstitutions, repoRoot } from './asl-helpers.js';

const HISTORY = 'arn:aws:states:::aws-sdk:sfn:getExecutionHistory';
const DESCRIBE = 'arn:aws:states:::aws-sdk:sfn:describeStateMachineForExecution';
const LAMBDA = 'arn:aws:states:::lambda:invoke';
const SQS = 'arn:aws:states:::sqs:sendMessage';
const KIB = 1024;

const text = () => readFileSync(path.join(repoRoot, 'statemachines', 'notifier.asl.json'), 'utf8');
const ROUTE: Route = {
  name: 'default',
  // Every machine (as a local run's default route): these tests are about degrading, not routing.
  match: { stateMachineArns: [], stateMachineNamePrefixes: [], tags: {}, accounts: [], regions: [] },
  statuses: ['FAILED', 'TIMED_OUT', 'ABORTED', 'SUCCEEDED', 'RUNNING'],
  destination: { type: 'channel', channel: 'C0TEST' },
  mention: '<!here>',
  template: 'detailed',
  stop: false,
  tagOverrides: false,
};
function notifier(overrides: Partial<DeployedSettings> = {}): string {
  const settings: DeployedSettings = {
    environment: 'test',
    destinationType: 'channel',
    routes: [ROUTE],
    allowedChannels: ['C0TEST'],
    readTags: false,
    executionData: false,
    ...overrides,
  };
  return substitute(fillJsonValues(text(), { Settings: settings }), {
    FormatterFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:formatter',
    QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/notify.fifo',
    ...notifierStoreSubstitutions('store'),
  });
}

const EXECUTION_ARN = 'arn:aws:states:us-east-1:123456789012:execution:etl:run-1';
const EVENT = {
  version: '0',
  id: 'e-1',
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
const SETTINGS = { environment: 'test', mentionOnFailure: '<!here>' };

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

const MESSAGE = {
  kind: 'message',
  delivery: {
    payload: { channel: 'C0TEST', text: 'hi' },
    fallback: { channel: 'C0TEST', text: 'hi' },
    executionArn: EXECUTION_ARN,
    status: 'FAILED',
    deduplicationId: deduplicationId(EXECUTION_ARN, 'FAILED', 0),
  },
  messageGroupId: 'C0TEST',
  deduplicationId: deduplicationId(EXECUTION_ARN, 'FAILED', 0),
};
const formatted = () => ({ Payload: MESSAGE, StatusCode: 200, ExecutedVersion: '$LATEST' });
const onePage = () => ({ Events: [{ Id: 1, Type: 'ExecutionStarted' }] });
const describeOk = () => ({ Definition: '{"StartAt":"A","States":{}}' });

interface Run {
  history?: (task: TaskInvocation, call: number) => unknown;
  describe?: (task: TaskInvocation, call: number) => unknown;
  format?: (task: TaskInvocation, call: number) => unknown;
  sqs?: (task: TaskInvocation, call: number) => unknown;
  event?: unknown;
  clock?: VirtualClock;
  definition?: string;
}

async function run(options: Run = {}) {
  const history = recorder(options.history ?? onePage);
  const describeCalls = recorder(options.describe ?? describeOk);
  const format = recorder(options.format ?? formatted);
  const sqs = recorder(options.sqs ?? (() => ({ MessageId: 'm-1' })));
  const sizes: number[] = [];
  const result = await runStateMachine(options.definition ?? notifier(), options.event ?? EVENT, {
    resources: {
      [HISTORY]: history.handler,
      [DESCRIBE]: describeCalls.handler,
      [LAMBDA]: format.handler,
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
  });
  return { result, history, describe: describeCalls, format, sqs, sizes };
}

/** The call's arguments; fails the test when there was no such call. */
function argsOf<T>(call: TaskInvocation | undefined): T {
  if (!call) throw new Error('expected a call that did not happen');
  return call.arguments as T;
}
const payloadOf = (call: TaskInvocation | undefined) =>
  argsOf<{ Payload: Record<string, unknown> }>(call).Payload;
const bodyOf = (call: TaskInvocation | undefined) =>
  JSON.parse(argsOf<{ MessageBody: string }>(call).MessageBody) as {
    payload: { text: string; channel?: string; blocks?: unknown };
    fallback: { text: string };
    deduplicationId: string;
  };

/** Expects one event-only message queued for `why`, equal to what formatters/render/event-only.ts builds. */
function expectEventOnly(outcome: Awaited<ReturnType<typeof run>>, why: string, event: unknown = EVENT) {
  expect(outcome.result.status).toBe('SUCCEEDED');
  expect(outcome.sqs.calls.at(-1)?.stateName).toBe('EnqueueEventOnly');
  const body = bodyOf(outcome.sqs.calls.at(-1));
  expect(body.payload.text).toBe(eventOnlyMessage(event, SETTINGS, why).text);
  expect(body.payload.blocks).toBeUndefined();
  expect(body.fallback.text).toBe(body.payload.text);
  expect((outcome.result.output as { eventOnly: string }[])[0]?.eventOnly).toBe(why);
}

/** The states a run entered, in order (each one state transition: docs/local-runner.md "State transitions"). */
function enteredStates(outcome: Awaited<ReturnType<typeof run>>): string[] {
  return outcome.result.events.filter((e) => e.type.endsWith('StateEntered')).map((e) => e.stateName ?? '');
}

describe('notifier.asl.json on the local runner: the usual path', () => {
  it('routes, describes, fetches one page, formats and enqueues in 10 state transitions (the bench target)', async () => {
    const outcome = await run();
    // One route without tags: SingleRoute decides, no routing state (docs/infra.md "State transitions and cost").
    expect(enteredStates(outcome)).toEqual([...ONE_ROUTE_ONE_PAGE]);
    expect(outcome.result.stateTransitions).toBe(enteredStates(outcome).length);
    expect(outcome.result.stateTransitions).toBeLessThanOrEqual(limits.notifierTransitions);
    expect(outcome.result).toMatchObject({
      status: 'SUCCEEDED',
      output: [
        {
          route: 'default',
          messageId: 'm-1',
          messageGroupId: 'C0TEST',
          deduplicationId: MESSAGE.deduplicationId,
        },
      ],
    });
    expect(outcome.describe.calls[0]?.arguments).toEqual({ ExecutionArn: EXECUTION_ARN });
    const payload = payloadOf(outcome.format.calls[0]);
    expect(payload.definition).toBe('{"StartAt":"A","States":{}}');
    expect(payload.pages).toEqual([onePage()]);
    expect((payload.event as { detail: Record<string, unknown> }).detail.input).toBeUndefined();
    expect(outcome.sqs.calls[0]?.stateName).toBe('Enqueue');
    expect(bodyOf(outcome.sqs.calls[0])).toEqual(MESSAGE.delivery);
  });

  it('passes the execution input (cut to 8,192 characters) when the stack says the template uses it', async () => {
    const outcome = await run({ definition: notifier({ executionData: true }) });
    const detail = (payloadOf(outcome.format.calls[0]).event as { detail: Record<string, unknown> }).detail;
    expect(detail.input).toHaveLength(8192);
    expect(detail.output).toBeNull();
  });

  it('loops FetchHistory → Format with the fold state and token kept in variables', async () => {
    const outcome = await run({
      history: (task) =>
        (task.arguments as { NextToken?: string }).NextToken === 't2'
          ? { Events: [{ Id: 2 }] }
          : { Events: [{ Id: 1 }], NextToken: 't2' },
      format: (task) => ({
        Payload: payloadOf(task).nextToken ? { kind: 'partial', partial: { seen: 1 } } : MESSAGE,
        StatusCode: 200,
      }),
    });
    expect(outcome.result.status).toBe('SUCCEEDED');
    expect(outcome.history.calls.map((c) => (c.arguments as { NextToken?: string }).NextToken)).toEqual([
      undefined,
      't2',
    ]);
    expect(payloadOf(outcome.format.calls[0])).toMatchObject({ nextToken: 't2' });
    expect(payloadOf(outcome.format.calls[0]).partial).toBeUndefined();
    expect(payloadOf(outcome.format.calls[1])).toMatchObject({ partial: { seen: 1 } });
    expect(payloadOf(outcome.format.calls[1]).nextToken).toBeUndefined();
    // Each further page: Fold, FetchHistory, MorePages.
    expect(enteredStates(outcome).slice(3, 9)).toEqual([
      'Describe',
      'FetchHistory',
      'MorePages',
      'Fold',
      'FetchHistory',
      'MorePages',
    ]);
    expect(outcome.result.stateTransitions).toBe(13);
  });

  it('goes on without the definition when Describe fails or the definition is too large', async () => {
    for (const describe of [
      () => {
        throw new StatesError(
          'Sfn.SfnException',
          'User is not authorized to perform DescribeStateMachineForExecution'
        );
      },
      () => ({ Definition: 'd'.repeat(40_000) }),
      () => ({ Definition: 'd'.repeat(300 * KIB) }),
    ]) {
      const outcome = await run({ describe });
      expect(outcome.result.status).toBe('SUCCEEDED');
      expect(payloadOf(outcome.format.calls[0]).definition).toBeUndefined();
      expect(outcome.sqs.calls[0]?.stateName).toBe('Enqueue');
    }
  });
});

describe('notifier.asl.json on the local runner: history problems reach the formatter', () => {
  it('asks the formatter to read the history itself when a page is over 96,000 characters or 256 KiB', async () => {
    for (const size of [100_000, 300 * KIB]) {
      const outcome = await run({ history: () => ({ Events: [{ Id: 1, Cause: 'c'.repeat(size) }] }) });
      expect(outcome.result.status).toBe('SUCCEEDED');
      expect(payloadOf(outcome.format.calls[0])).toMatchObject({ readHistory: true });
      expect(payloadOf(outcome.format.calls[0]).pages).toBeUndefined();
    }
  });

  it('retries throttling (Sfn.SfnException), then passes the error on when the history stays unreadable', async () => {
    const outcome = await run({
      history: () => {
        throw new StatesError('Sfn.SfnException', 'Rate exceeded');
      },
    });
    expect(outcome.history.calls).toHaveLength(5);
    expect(payloadOf(outcome.format.calls[0]).historyUnavailable).toEqual({
      error: 'Sfn.SfnException',
      cause: 'Rate exceeded',
    });
    const deleted = await run({
      history: () => {
        throw new StatesError('Sfn.ExecutionDoesNotExistException', 'Execution Does Not Exist');
      },
    });
    expect(deleted.history.calls).toHaveLength(1);
    expect(deleted.sqs.calls[0]?.stateName).toBe('Enqueue');
  });
});

describe('notifier.asl.json on the local runner: degrade, never drop', () => {
  it('queues the event-only message when the formatter throws', async () => {
    const outcome = await run({
      format: () => {
        throw new TypeError('Cannot read properties of undefined');
      },
    });
    expect(outcome.format.calls).toHaveLength(1);
    expectEventOnly(outcome, 'the formatter failed (TypeError)');
    const body = bodyOf(outcome.sqs.calls[0]);
    // The same deduplication id as the formatted message: never both within the queue's window.
    expect(body.deduplicationId).toBe(MESSAGE.deduplicationId);
    expect(body.payload.channel).toBe('C0TEST');
    expect(body.payload.text).toContain('boom &lt;!channel&gt; &amp; co');
    expect(body.payload.text).toContain('<!here> etl failed (test)');
    expect(body.payload.text).toContain(
      `https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/v2/executions/details/${EXECUTION_ARN}`
    );
  });

  it('retries a throttled formatter, then queues the event-only message', async () => {
    const outcome = await run({
      format: () => {
        throw new StatesError('Lambda.TooManyRequestsException', 'Rate Exceeded.');
      },
    });
    expect(outcome.format.calls).toHaveLength(4);
    expectEventOnly(outcome, 'the formatter failed (Lambda.TooManyRequestsException)');
  });

  it('queues the event-only message when the formatter times out', async () => {
    const clock = new VirtualClock();
    const outcome = await run({
      clock,
      format: async () => {
        await clock.sleep(70_000);
        return formatted();
      },
    });
    expectEventOnly(outcome, 'the formatter failed (States.Timeout)');
  });

  it('tries once more from the history when the answer is over 256 KiB, then gives up on the details', async () => {
    const huge = { ...MESSAGE, delivery: { ...MESSAGE.delivery, payload: { text: 'x'.repeat(300 * KIB) } } };
    const outcome = await run({ format: () => ({ Payload: huge, StatusCode: 200 }) });
    expect(outcome.format.calls).toHaveLength(2);
    expect(payloadOf(outcome.format.calls[1])).toMatchObject({ readHistory: true });
    expectEventOnly(outcome, 'a payload passed the 256 KiB Step Functions limit');
  });

  it('queues the event-only message for an answer it cannot route', async () => {
    const outcome = await run({ format: () => ({ Payload: { kind: 'nonsense' }, StatusCode: 200 }) });
    expectEventOnly(outcome, 'the formatter answered neither a message nor a partial to continue from');
  });

  it('stops paging near its deadline and queues the event-only message', async () => {
    const clock = new VirtualClock();
    const outcome = await run({
      clock,
      history: async (task) => {
        await clock.sleep(15_000);
        const n = Number((task.arguments as { NextToken?: string }).NextToken ?? 0) + 1;
        return { Events: [{ Id: n }], NextToken: String(n) };
      },
      format: () => ({ Payload: { kind: 'partial', partial: {} }, StatusCode: 200 }),
    });
    expectEventOnly(outcome, "the history was too long to read within the notifier's time budget");
    expect(outcome.history.calls.length).toBe(40);
  });

  it('replaces a formatted message the queue refuses with the event-only message', async () => {
    const outcome = await run({
      sqs: (task) => {
        if (task.stateName === 'Enqueue') throw new StatesError('SQS.InvalidMessageContentsException', 'bad');
        return { MessageId: 'm-2' };
      },
    });
    expect(outcome.sqs.calls.map((c) => c.stateName)).toEqual(['Enqueue', 'EnqueueEventOnly']);
    expectEventOnly(outcome, 'the queue refused the formatted message (SQS.InvalidMessageContentsException)');
  });

  it('fails (and alarms) only when even the event-only message cannot be queued', async () => {
    const outcome = await run({
      sqs: () => {
        throw new StatesError('SQS.AmazonSQSException', 'Access to the resource is denied');
      },
    });
    expect(outcome.result).toMatchObject({ status: 'FAILED', error: 'SQS.AmazonSQSException' });
    expect(outcome.sqs.calls.filter((c) => c.stateName === 'EnqueueEventOnly')).toHaveLength(6);
  });

  it('builds the same text as formatters/render/event-only.ts for odd events, escaped and bounded', async () => {
    const odd = [
      { detail: { executionArn: EXECUTION_ARN, status: 'TIMED_OUT' } },
      { detail: { executionArn: 'not-an-arn', status: 42, name: ['x'], error: 7, cause: { a: 1 } } },
      { detail: {} },
      { nothing: true },
      {
        detail: {
          executionArn: 'arn:aws-cn:states:cn-north-1:123456789012:execution:<b>&:r',
          stateMachineArn: 'arn:aws-cn:states:cn-north-1:123456789012:stateMachine:<b>&',
          name: 'n'.repeat(500),
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
      expectEventOnly(outcome, 'the formatter failed (Error)', event);
      const body = bodyOf(outcome.sqs.calls.at(-1));
      expect(body.payload.text.length).toBeLessThanOrEqual(4000);
      expect(body.payload.text).not.toMatch(/<(?!!here>|https:)/);
    }
  });
});

describe('notifier.asl.json: the event-only message in the lifecycle', () => {
  it('carries the order key the formatter would (formatters/lifecycle.ts), so the delivery never takes it for stale news', async () => {
    const events = [
      { ...EVENT, time: '2026-03-01T10:00:00Z', detail: { ...EVENT.detail, redriveCount: 3 } },
      { ...EVENT, detail: { ...EVENT.detail, status: 'TIMED_OUT', stopDate: 1_767_225_600_000 } },
      {
        ...EVENT,
        detail: { ...EVENT.detail, status: 'RUNNING', startDate: 1_767_225_600_000, redriveCount: 2 },
      },
    ];
    for (const event of events) {
      const outcome = await run({
        event,
        format: () => {
          throw new Error('boom');
        },
      });
      const body = bodyOf(outcome.sqs.calls.at(-1)) as unknown as Record<string, unknown>;
      const detail = event.detail as { status: string; redriveCount: number };
      expect(body.orderKey).toBe(orderKey(detail.redriveCount, detail.status, eventTime(event)));
      expect(body.reply).toEqual({
        text: expect.stringContaining('details are missing'),
        failure: detail.status !== 'RUNNING',
      });
    }
  });
});

describe('notifier.asl.json: limits', () => {
  it('keeps every state input, output and task parameters under 256 KiB with a margin at the worst sizes', async () => {
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
      definition: notifier({ executionData: true }),
      describe: () => ({ Definition: 'd'.repeat(32_000) }),
      history: (task) =>
        (task.arguments as { NextToken?: string }).NextToken
          ? { Events: [{ Id: 2, Cause: 'p'.repeat(95_000) }] }
          : { Events: [{ Id: 1, Cause: 'p'.repeat(95_000) }], NextToken: 't' },
      format: (task) => ({
        Payload: payloadOf(task).nextToken
          ? { kind: 'partial', partial: { fold: 'f'.repeat(64 * KIB) } }
          : MESSAGE,
        StatusCode: 200,
      }),
    });
    expect(outcome.result).toMatchObject({ status: 'SUCCEEDED' });
    expect(outcome.sqs.calls[0]?.stateName).toBe('Enqueue');
    // The largest is Format's payload: page + fold state + definition + event, each at its bound.
    expect(Math.max(...outcome.sizes)).toBeGreaterThan(200 * KIB);
    expect(Math.max(...outcome.sizes)).toBeLessThan(240 * KIB);
  });

  it('fits the worst case of one more loop and the event-only path between the deadline and the timeout', () => {
    const definition = JSON.parse(text()) as Definition;
    /** Longest a task can take: every attempt to its TimeoutSeconds, every backoff at its cap. */
    const worst = (name: string): number => {
      const inner = (definition.States.Notify as unknown as { ItemProcessor: Definition }).ItemProcessor
        .States;
      const s = (definition.States[name] ?? inner[name]) as unknown as {
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
    const choices = (definition.States.MorePages as unknown as { Choices: Array<{ Condition: string }> })
      .Choices;
    const routeCondition = choices[0]?.Condition ?? '';
    const deadlineMs = Number(/< (\d+) %\}$/.exec(routeCondition)?.[1]);
    expect(deadlineMs).toBe(600_000);
    // After the last check: Fold, FetchHistory, FormatRoute twice (overflow), Enqueue refused, then the
    // event-only message. Within 30 minutes, so a notifier that is not holding a muted notification ends well
    // before its timeout (8 days, for the longest mute).
    const after =
      worst('Fold') +
      worst('FetchHistory') +
      2 * worst('FormatRoute') +
      worst('Enqueue') +
      worst('EnqueueEventOnly');
    expect(deadlineMs / 1000 + after).toBeLessThan(1800);
    expect(definition.TimeoutSeconds).toBe(8 * 24 * 3600);
  });
});
