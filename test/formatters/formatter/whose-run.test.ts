/**
 * Issue 22: whose run the message tells (the event's, even beside another execution's history), whether the
 * history is whole, the parent execution, and the one fact compact keeps. Histories are written from the
 * GetExecutionHistory format (API shape, epoch-second timestamps), events from the EventBridge
 * "Step Functions Execution Status Change" format.
 */
import { describe, expect, it } from 'vitest';
import type { StatusChangeEvent } from '../../../contract/formatter.js';
import { formatExecution } from '../../../formatters/formatter/format.js';
import { slackLimitProblems } from '../../../formatters/formatter/render/limits.js';
import { summarize } from '../../../formatters/formatter/summarize/index.js';
import { ACCOUNT, executionArn, HistoryBuilder, REGION } from '../../../local/history-builder.js';
import { slackRejections } from '../helpers/slack-oracle.js';

const START_S = 1_764_040_800;

function texts(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(texts);
  if (value && typeof value === 'object') return Object.values(value).flatMap(texts);
  return [];
}

function statusEvent(
  name: string,
  machine: string,
  status: string,
  extra: Record<string, unknown> = {},
  partition = 'aws',
  region = REGION
): StatusChangeEvent {
  const arn = `arn:${partition}:states:${region}:${ACCOUNT}:execution:${machine}:${name}`;
  return {
    id: `event-${name}`,
    account: ACCOUNT,
    region,
    time: '2025-11-25T03:25:00Z',
    detail: {
      executionArn: arn,
      stateMachineArn: `arn:${partition}:states:${region}:${ACCOUNT}:stateMachine:${machine}`,
      name,
      status,
      startDate: START_S * 1000,
      stopDate: START_S * 1000 + 60_000,
      ...extra,
    },
  } as StatusChangeEvent;
}

/** A run whose one Lambda task fails with `error`, ending the execution. */
function failingRun(error: string, cause: string, started: Record<string, unknown> = {}): HistoryBuilder {
  const b = new HistoryBuilder(START_S);
  b.add('ExecutionStarted', 0, 'executionStartedEventDetails', { input: '{}', ...started }, 0);
  const failed = b.task('Charge', 1, { fail: { error, cause } });
  b.fail(failed, error, cause);
  return b;
}

async function both(pages: unknown[], event?: StatusChangeEvent) {
  const detailed = await formatExecution({ pages, ...(event ? { event } : {}) });
  const compact = await formatExecution({
    pages,
    ...(event ? { event } : {}),
    settings: { template: 'compact' },
  });
  for (const m of [detailed.message, compact.message]) {
    expect(slackLimitProblems(m)).toEqual([]);
    expect(slackRejections(m)).toEqual([]);
  }
  return {
    detailed: texts(detailed.message).join('\n'),
    compact: texts(compact.message).join('\n'),
    summary: detailed.summary,
    text: detailed.message.text ?? '',
  };
}

describe('a history that is not the event’s execution', () => {
  it('another start time: the event’s status, error and cause are shown, and the history is said not to match', async () => {
    const history = failingRun('HistoryError', 'from another run').pages();
    const event = statusEvent('orders-2', 'orders', 'FAILED', {
      startDate: (START_S + 3600) * 1000,
      stopDate: (START_S + 3660) * 1000,
      error: 'PaymentDeclined',
      cause: 'card 4242 declined',
    });
    const { detailed, compact, summary, text } = await both(history, event);
    expect(summary.historyMismatch?.reason).toMatch(
      /started at 2025-11-25T03:20:00Z, the event's at 2025-11-25T04:20:00Z/
    );
    expect(summary.execution).toMatchObject({ error: 'PaymentDeclined', status: 'FAILED' });
    expect(summary.steps).toEqual([]);
    for (const all of [detailed, compact]) {
      expect(all).toContain('PaymentDeclined');
      expect(all).toContain('card 4242 declined');
      expect(all).not.toContain('HistoryError');
      expect(all).not.toContain('Charge');
      expect(all).toContain("The history given is not this execution's");
    }
    expect(text).toContain('`PaymentDeclined`');
  });

  it('a version of another state machine: not the event’s either', async () => {
    const history = failingRun('HistoryError', 'x', {
      stateMachineVersionArn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:billing:3`,
    }).pages();
    const event = statusEvent('orders-3', 'orders', 'FAILED', { error: 'Boom', cause: 'event cause' });
    const { summary, detailed } = await both(history, event);
    expect(summary.historyMismatch?.reason).toContain('stateMachine:billing:3');
    expect(detailed).toContain('Boom');
    expect(detailed).not.toContain('HistoryError');
  });

  it('another alias than the event’s, and a saved page naming another execution', () => {
    const aliased = failingRun('E', 'c', {
      stateMachineAliasArn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:orders:beta`,
    }).pages();
    const event = statusEvent('orders-4', 'orders', 'FAILED', {
      stateMachineAliasArn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:orders:prod`,
    });
    expect(summarize({ pages: aliased, event }).historyMismatch?.reason).toContain('orders:prod');
    const saved = [
      { executionArn: executionArn('someone-else', 'orders'), ...failingRun('E', 'c').pages()[0] },
    ];
    expect(summarize({ pages: saved, event }).historyMismatch?.reason).toContain('someone-else');
  });

  it('the execution’s own history (same start, its version) is used as before', async () => {
    const history = failingRun('HistoryError', 'the real reason', {
      stateMachineVersionArn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:orders:7`,
    }).pages();
    const event = statusEvent('orders-5', 'orders', 'FAILED', {
      stateMachineVersionArn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:orders:7`,
    });
    const { summary, detailed } = await both(history, event);
    expect(summary.historyMismatch).toBeUndefined();
    expect(summary.failedState).toBe('Charge');
    expect(detailed).toContain('the real reason');
    expect(detailed).not.toContain("not this execution's");
  });
});

describe('a cut history', () => {
  /** Prepare succeeds; Load's task succeeds but its exit is on the next page; Publish never shows. */
  function cutRun(): { events: unknown[]; nextToken: string }[] {
    const b = new HistoryBuilder(START_S);
    b.started();
    const prepared = b.task('Prepare', 1);
    const loaded = b.task('Load', prepared, { exit: false });
    b.add('TaskStateExited', loaded, 'stateExitedEventDetails', { name: 'Load' });
    b.task('Publish', loaded + 1, { fail: { error: 'PublishError', cause: 'topic gone' } });
    // The saved pages stop after Load's TaskSucceeded: the page had a nextToken, the next page is missing.
    const shown = b.events.filter((e) => e.id <= loaded);
    return [
      { events: shown.slice(0, 4), nextToken: 'a' },
      { events: shown.slice(4), nextToken: 'b' },
    ];
  }

  it('says the part is missing, and a step whose success is visible is not aborted', async () => {
    const event = statusEvent('cut-1', 'orders', 'FAILED', { error: 'PublishError', cause: 'topic gone' });
    const { summary, detailed, compact } = await both(cutRun(), event);
    expect(summary.historyCut).toMatchObject({ missing: 'end' });
    expect(summary.steps.map((s) => [s.name, s.outcome])).toEqual([
      ['Prepare', 'succeeded'],
      ['Load', 'succeeded'],
    ]);
    for (const all of [detailed, compact]) expect(all).toContain('Only part of the history was read');
    expect(detailed).not.toContain('aborted');
    expect(detailed).toContain('PublishError');
  });

  it('a step still open where the pages stop is not known, neither aborted nor failed', () => {
    const b = new HistoryBuilder(START_S);
    b.started();
    const entered = b.add('TaskStateEntered', 1, 'stateEnteredEventDetails', { name: 'Wait4Ever' });
    b.add('TaskScheduled', entered, 'taskScheduledEventDetails', {
      resourceType: 'lambda',
      resource: 'invoke',
    });
    const pages = [{ events: b.events, nextToken: 'more' }];
    const s = summarize({ pages, event: statusEvent('cut-2', 'orders', 'FAILED') });
    expect(s.steps[0]).toMatchObject({ name: 'Wait4Ever', outcome: 'unknown' });
    // Whole: the same step is aborted by the run's failure (nothing says it ended otherwise).
    const whole = summarize({
      pages: [{ events: b.events }],
      event: statusEvent('cut-2', 'orders', 'FAILED'),
    });
    expect(whole.historyCut).toBeUndefined();
    expect(whole.steps[0]?.outcome).toBe('aborted');
  });

  it('pages read newest first that stop before the start say the start is missing', () => {
    const b = failingRun('E', 'c');
    const newest = [...b.events].reverse().slice(0, 3);
    const s = summarize({ pages: [{ events: newest, nextToken: 'older' }] });
    expect(s.historyCut).toMatchObject({ missing: 'start', firstEventId: b.events.length - 2 });
  });
});

describe('the parent execution', () => {
  const parentArn = `arn:aws-cn:states:cn-north-1:${ACCOUNT}:execution:nightly:run-9`;

  it('a child aborted without error or cause names and links its parent, in its partition’s console', async () => {
    const b = new HistoryBuilder(START_S);
    b.started();
    const entered = b.add('WaitStateEntered', 1, 'stateEnteredEventDetails', { name: 'Hold' });
    b.add('WaitStateAborted', entered, 'stateAbortedEventDetails', { name: 'Hold' });
    b.add('ExecutionAborted', entered + 1, 'executionAbortedEventDetails', {});
    const event = statusEvent(
      'child-1',
      'child',
      'ABORTED',
      { input: JSON.stringify({ order: 1, AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID: parentArn }) },
      'aws-cn',
      'cn-north-1'
    );
    const { summary, detailed, compact, text } = await both(b.pages(), event);
    expect(summary.execution.parentExecutionArn).toBe(parentArn);
    const url = `https://cn-north-1.console.amazonaws.cn/states/home?region=cn-north-1#/v2/executions/details/${parentArn}`;
    for (const all of [detailed, compact]) expect(all).toContain(`<${url}|nightly › run-9>`);
    expect(text).toContain('(started by nightly › run-9)');
  });

  it('is read from the history’s ExecutionStarted input when the execution data is read', () => {
    const b = failingRun('E', 'c', {
      input: JSON.stringify({ AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID: parentArn }),
    });
    expect(summarize({ pages: b.pages() }).execution.parentExecutionArn).toBe(parentArn);
    // As the notifier reads histories (no execution data), the input is not there.
    expect(
      summarize({ pages: b.pages(), executionData: false }).execution.parentExecutionArn
    ).toBeUndefined();
  });
});

describe('compact keeps the fact that explains the failure', () => {
  it('after a Catch routed to a Fail state: the caught error', async () => {
    const b = new HistoryBuilder(START_S);
    b.started();
    const failed = b.task('Reserve', 1, {
      fail: {
        error: 'OutOfStock',
        cause: JSON.stringify({ errorType: 'OutOfStock', errorMessage: 'sku 42' }),
      },
    });
    const exited = b.add('TaskStateExited', failed, 'stateExitedEventDetails', { name: 'Reserve' });
    const fail = b.add('FailStateEntered', exited, 'stateEnteredEventDetails', { name: 'OrderFailed' });
    b.fail(fail, 'OrderFailed', 'the order could not be completed');
    const { compact, summary } = await both(b.pages());
    expect(summary.failures.find((f) => f.handling === 'fatal')).toMatchObject({
      state: 'OrderFailed',
      stateType: 'Fail',
    });
    expect(compact).toContain('`OrderFailed`');
    expect(compact).toContain('after *Reserve* failed with `OutOfStock` — OutOfStock: sku 42');
  });

  it('a failed child execution: which child, and its error once', async () => {
    const childArn = `arn:aws:states:${REGION}:${ACCOUNT}:execution:reserve-stock:order-77`;
    const cause = JSON.stringify({
      ExecutionArn: childArn,
      Status: 'FAILED',
      Error: 'OutOfStock',
      Cause: JSON.stringify({ errorType: 'OutOfStock', errorMessage: 'sku 42 is sold out' }),
    });
    const b = new HistoryBuilder(START_S);
    b.started();
    const f = b.task('ReserveAll', 1, {
      service: { resourceType: 'states', resource: 'startExecution.sync:2' },
      fail: { error: 'OutOfStock', cause },
    });
    b.fail(f, 'OutOfStock', cause);
    const { compact, detailed } = await both(b.pages());
    const url = `https://${REGION}.console.aws.amazon.com/states/home?region=${REGION}#/v2/executions/details/${childArn}`;
    expect(compact).toContain(`child execution <${url}|reserve-stock › order-77>`);
    for (const all of [compact, detailed]) {
      expect(all).toContain('OutOfStock: sku 42 is sold out');
      expect(all).not.toContain('OutOfStock: OutOfStock');
    }
  });
});

describe('smaller truths', () => {
  it('the raw JSON cause is not printed again after what was read from it; what was not read is', async () => {
    const b = failingRun(
      'ValidationError',
      JSON.stringify({ errorType: 'ValidationError', errorMessage: 'row 7', details: { column: 'amount' } })
    );
    const { summary, detailed } = await both(b.pages());
    expect(summary.failures[0]?.cause?.rest).toContain('"column": "amount"');
    expect(detailed).toContain('ValidationError: row 7');
    expect(detailed).toContain('"column": "amount"');
    expect(detailed).not.toContain('"errorMessage"');
  });

  it('a cause cut at 32,768 characters: said, type and message, then the head with the repeated frames folded', async () => {
    const frame = '  File "/var/task/app.py", line 9, in walk\n    return walk(node.next)';
    const full = JSON.stringify({
      errorType: 'RecursionError',
      errorMessage: 'maximum recursion depth exceeded',
      stackTrace: Array.from({ length: 2_000 }, () => frame),
    });
    const cause = full.slice(0, 32_768);
    const { summary, detailed } = await both(failingRun('RecursionError', cause).pages());
    const failure = summary.failures[0];
    expect(failure?.cause).toMatchObject({ kind: 'lambda', cutAtSource: true, errorType: 'RecursionError' });
    expect(detailed).toContain('RecursionError: maximum recursion depth exceeded');
    expect(detailed).toContain('cause cut by Step Functions at 32,768 characters');
    expect(detailed).toContain('the 2 lines above ×100 or more');
    expect(detailed.split('return walk(node.next)').length).toBeLessThan(5);
  });

  it('a plain-text cause of repeated frames shows each run once with its count', async () => {
    const cause =
      `java.lang.StackOverflowError\n${'\tat com.acme.Tree.walk(Tree.java:12)\n'.repeat(3_000)}`.slice(
        0,
        32_768
      );
    const { detailed } = await both(failingRun('java.lang.StackOverflowError', cause).pages());
    expect(detailed).toContain('cause cut by Step Functions at 32,768 characters');
    expect(detailed).toMatch(/at com\.acme\.Tree\.walk\(Tree\.java:12\)\n {2}… the line above ×\d+/);
  });

  it('a failure inside a Map names its iteration', async () => {
    const b = new HistoryBuilder(START_S);
    b.started();
    const map = b.add('MapStateEntered', 1, 'stateEnteredEventDetails', { name: 'EachOrder' });
    let prev = b.add('MapStateStarted', map, 'mapStateStartedEventDetails', { length: 5 });
    for (let i = 0; i < 4; i++) {
      const it = b.add('MapIterationStarted', prev, 'mapIterationStartedEventDetails', {
        name: 'EachOrder',
        index: i,
      });
      if (i === 3) {
        const failed = b.task('Ship', it, { fail: { error: 'NoAddress', cause: 'order 3 has no address' } });
        const itFailed = b.add('MapIterationFailed', failed, 'mapIterationFailedEventDetails', {
          name: 'EachOrder',
          index: i,
        });
        const mapFailed = b.add('MapStateFailed', itFailed);
        b.fail(mapFailed, 'NoAddress', 'order 3 has no address');
        break;
      }
      const done = b.task('Ship', it);
      prev = b.add('MapIterationSucceeded', done, 'mapIterationSucceededEventDetails', {
        name: 'EachOrder',
        index: i,
      });
    }
    const { summary, detailed, compact } = await both(b.pages());
    expect(summary.failures.find((f) => f.handling === 'fatal')).toMatchObject({
      state: 'Ship',
      iteration: 3,
    });
    for (const all of [detailed, compact])
      expect(all).toContain('*EachOrder › Ship* `NoAddress` (iteration 3)');
  });

  it('a 300-step loop is folded in run order, round by round', () => {
    const b = new HistoryBuilder(START_S);
    b.started();
    let prev = b.task('Init', 1);
    const round = (names: string[]) => {
      for (const name of names) prev = b.task(name, prev);
    };
    for (let i = 0; i < 50; i++) round(['Poll', 'Wait']);
    for (let i = 0; i < 50; i++) round(['Poll', 'Check', 'Wait']);
    b.succeed(prev);
    const s = summarize({ pages: b.pages() });
    expect(s.steps.map((step) => `${step.name}×${step.repeat?.count ?? 1}`)).toEqual([
      'Init×1',
      'Poll×50',
      'Wait×50',
      'Poll×50',
      'Check×50',
      'Wait×50',
    ]);
    const clean = new HistoryBuilder(START_S);
    clean.started();
    prev = 1;
    for (let i = 0; i < 100; i++)
      for (const name of ['Poll', 'Wait', 'IsDone']) prev = clean.task(name, prev);
    const loop = summarize({ pages: clean.pages() });
    expect(loop.steps.map((step) => `${step.name}×${step.repeat?.count ?? 1}`)).toEqual([
      'Poll×100',
      'Wait×100',
      'IsDone×100',
    ]);
  });

  it('the notification text of a .sync failure carries the service’s reason', async () => {
    const cause = JSON.stringify({
      TaskArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task/etl/0123456789abcdef`,
      StoppedReason: 'Essential container in task exited',
      StopCode: 'EssentialContainerExited',
      Containers: [{ Name: 'loader', ExitCode: 137, Reason: 'OutOfMemoryError: Container killed' }],
    });
    const b = new HistoryBuilder(START_S);
    b.started();
    const f = b.task('RunLoader', 1, {
      service: { resourceType: 'ecs', resource: 'runTask.sync' },
      fail: { error: 'States.TaskFailed', cause },
    });
    b.fail(f, 'States.TaskFailed', cause);
    const { text } = await both(b.pages());
    expect(text).toContain('`States.TaskFailed` — Essential container in task exited');
  });
});
