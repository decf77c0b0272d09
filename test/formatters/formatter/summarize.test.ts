import { describe, expect, it } from 'vitest';
import { MAX_CAUSE_CHARS, summarizeCause } from '../../../formatters/formatter/summarize/cause.js';
import {
  collectEvents,
  type ExecutionSummary,
  fitSummary,
  foldPages,
  MAX_SUMMARY_BYTES,
  summarize,
} from '../../../formatters/formatter/summarize/index.js';
import { bigHistory, executionArn, HistoryBuilder } from '../../../local/history-builder.js';
import { loadFixture } from '../helpers/fixtures.js';

function fixtureSummary(name: string) {
  const { page, event } = loadFixture(name);
  return summarize({ pages: [page], event });
}

describe('summarize: outcomes', () => {
  it('a successful run lists every step in order with resources and durations', () => {
    const s = fixtureSummary('success');
    expect(s.execution.status).toBe('SUCCEEDED');
    expect(s.execution.stateMachineName).toBe('etl-nightly');
    expect(s.execution.name).toBe('run-2025-11-25');
    expect(s.execution).toMatchObject({ account: '123456789012', region: 'eu-west-1', partition: 'aws' });
    expect(s.steps.map((step) => [step.name, step.type, step.outcome])).toEqual([
      ['Extract', 'Task', 'succeeded'],
      ['HasRows', 'Choice', 'succeeded'],
      ['Load', 'Task', 'succeeded'],
      ['Done', 'Succeed', 'succeeded'],
    ]);
    expect(s.steps[0]?.resource).toMatchObject({ kind: 'lambda', label: 'extract-orders' });
    expect(s.steps[2]?.resource).toMatchObject({ kind: 'glue', label: 'load-orders' });
    // Load: scheduled 0.05 s after entry, 40 s of work, exit 0.05 s later (fixture timestamps).
    expect(s.steps[2]?.durationMs).toBeGreaterThan(40_000);
    expect(s.steps[2]?.durationMs).toBeLessThan(41_000);
    expect(s.execution.durationMs).toBeGreaterThan(40_000);
    expect(s.failures).toEqual([]);
    expect(s.failedState).toBeUndefined();
  });

  it('a Lambda task failure names the state and reads errorType/errorMessage from the JSON cause', () => {
    const s = fixtureSummary('lambda-failure');
    expect(s.execution.status).toBe('FAILED');
    expect(s.failedState).toBe('Transform');
    expect(s.execution.error).toBe('ValueError');
    const step = s.steps.find((x) => x.name === 'Transform');
    expect(step?.outcome).toBe('failed');
    expect(step?.resource?.label).toBe('transform-orders');
    expect(s.failures[0]).toMatchObject({
      state: 'Transform',
      handling: 'fatal',
      error: 'ValueError',
      cause: { errorType: 'ValueError', errorMessage: 'row 42: amount is not a number' },
    });
  });

  it('reads the SDK-integration shape (PascalCase, ISO timestamps): an ECS task failure', () => {
    const s = fixtureSummary('ecs-failure-sdk-shape');
    expect(s.eventCount).toBe(6);
    expect(s.failedState).toBe('BuildReport');
    const step = s.steps[0];
    expect(step?.resource).toMatchObject({ kind: 'ecs', label: 'report:7' });
    expect(step?.durationMs).toBeGreaterThan(120_000);
    expect(s.failures[0]?.cause?.errorMessage).toBe('Essential container in task exited');
  });

  it('a nested execution failure keeps the child ARN and the child error and cause', () => {
    const s = fixtureSummary('nested-failure');
    const step = s.steps[0];
    expect(step?.resource?.kind).toBe('states');
    expect(step?.resource?.arn).toBe(
      executionArn('child-7d1c', 'etl-child').replace('generated', 'etl-child')
    );
    expect(s.failures[0]?.cause).toMatchObject({
      errorType: 'DataQualityError',
      errorMessage: '3 rows failed validation',
      childStatus: 'FAILED',
    });
  });

  it('a timed-out execution marks the running step timed out', () => {
    const s = fixtureSummary('timeout');
    expect(s.execution.status).toBe('TIMED_OUT');
    expect(s.execution.error).toBe('States.Timeout');
    expect(s.steps.map((x) => x.outcome)).toEqual(['succeeded', 'timed_out']);
    expect(s.failedState).toBe('WaitForPartner');
  });

  it('an aborted execution marks the interrupted step aborted', () => {
    const s = fixtureSummary('abort');
    expect(s.execution.status).toBe('ABORTED');
    expect(s.steps.map((x) => [x.name, x.outcome])).toEqual([
      ['Extract', 'succeeded'],
      ['Cooldown', 'aborted'],
    ]);
  });

  it('retries that then succeed count attempts and keep the retried failures', () => {
    const s = fixtureSummary('retries-then-success');
    expect(s.execution.status).toBe('SUCCEEDED');
    expect(s.steps[0]).toMatchObject({ name: 'CallPartnerApi', outcome: 'succeeded', attempts: 3 });
    expect(s.retries).toBe(2);
    expect(s.failures.map((f) => [f.handling, f.attempt])).toEqual([
      ['retried', 1],
      ['retried', 2],
    ]);
  });

  it('caught errors on a run that succeeded are reported as handled', () => {
    const s = fixtureSummary('caught-error');
    expect(s.execution.status).toBe('SUCCEEDED');
    expect(s.handledErrors).toBe(1);
    expect(s.steps[0]).toMatchObject({ name: 'Enrich', outcome: 'caught', error: 'EnrichmentUnavailable' });
    expect(s.failures[0]).toMatchObject({ handling: 'caught', outcome: 'caught' });
  });

  it('a Map with failed iterations counts iterations and keeps the failures with their Map', () => {
    const s = fixtureSummary('map-failed-iterations');
    const map = s.steps[0];
    expect(s.steps).toHaveLength(1);
    expect(map?.map).toEqual({ iterations: { started: 5, succeeded: 3, failed: 2, aborted: 0 }, length: 5 });
    expect(s.failures.map((f) => [f.state, f.topLevelState])).toEqual([
      ['ParseFile', 'ProcessFiles'],
      ['ParseFile', 'ProcessFiles'],
    ]);
    expect(s.states.find((x) => x.name === 'ParseFile')).toMatchObject({
      entered: 5,
      succeeded: 3,
      failed: 2,
    });
  });

  it('a Fail state inside a Map iteration is named, with the error only the ExecutionFailed event carries', () => {
    const b = new HistoryBuilder();
    b.started();
    const map = b.add('MapStateEntered', 0, 'stateEnteredEventDetails', { name: 'Each' });
    const started = b.add('MapStateStarted', map, 'mapStateStartedEventDetails', { length: 2 });
    const it0 = b.add('MapIterationStarted', started, 'mapIterationStartedEventDetails', {
      name: 'Each',
      index: 0,
    });
    const fail = b.add('FailStateEntered', it0, 'stateEnteredEventDetails', { name: 'Reject' });
    b.add('MapIterationFailed', fail, 'mapIterationFailedEventDetails', { name: 'Each', index: 0 });
    const mapFailed = b.add('MapStateFailed', fail);
    b.fail(mapFailed, 'Rejected', 'item 0 is invalid');
    const s = summarize({ pages: b.pages() });
    expect(s.failedState).toBe('Reject');
    expect(s.failures).toHaveLength(1);
    expect(s.failures[0]).toMatchObject({ state: 'Reject', topLevelState: 'Each', error: 'Rejected' });
    expect(s.steps[0]).toMatchObject({ name: 'Each', outcome: 'failed', error: 'Rejected' });
    expect(s.steps[0]?.map?.iterations).toMatchObject({ started: 1, failed: 1 });
  });

  it('Parallel branches interleaved in the history stay apart', () => {
    const s = fixtureSummary('parallel');
    expect(s.steps).toHaveLength(1);
    expect(s.steps[0]).toMatchObject({
      name: 'FanOut',
      outcome: 'succeeded',
    });
    expect(s.steps[0]?.parallel).toEqual({ branches: { started: 2, succeeded: 2, failed: 0, aborted: 0 } });
    const s3 = s.states.find((x) => x.name === 'ExportS3');
    const wh = s.states.find((x) => x.name === 'ExportWarehouse');
    expect(s3).toMatchObject({ entered: 1, succeeded: 1 });
    expect(wh).toMatchObject({ entered: 1, succeeded: 1 });
    // ExportS3 ran 3 s of work, the warehouse export 2 s: the events were not mixed up.
    expect(s3?.maxDurationMs).toBeGreaterThan(wh?.maxDurationMs ?? Number.POSITIVE_INFINITY);
    expect(s.incomplete).toBe(false);
  });

  it('a redriven execution shows the redrive count and the re-run step', () => {
    const s = fixtureSummary('redriven');
    expect(s.execution.status).toBe('SUCCEEDED');
    expect(s.execution.redriveCount).toBe(1);
    expect(s.execution.redriveDateMs).toBeGreaterThan(0);
    expect(s.execution.error).toBeUndefined();
    expect(s.failedState).toBeUndefined();
    expect(s.steps.map((x) => [x.name, x.outcome])).toEqual([
      ['Extract', 'succeeded'],
      ['Transform', 'failed'],
      ['Transform', 'succeeded'],
    ]);
  });
});

describe('summarize: input shapes', () => {
  const { page } = loadFixture('lambda-failure');
  const events = (page as { events: Record<string, unknown>[] }).events;

  it('pages in any order, overlapping, give the same summary', () => {
    const forward = summarize({ pages: [page] });
    const reversed = summarize({
      pages: [{ events: events.slice(6).reverse() }, { events: events.slice(0, 8).reverse() }],
    });
    expect(reversed).toEqual(forward);
  });

  it('timestamps as epoch ms, ISO strings or garbage: garbage gives unknown durations, not a crash', () => {
    const ms = events.map((e) => ({ ...e, timestamp: Math.round((e.timestamp as number) * 1000) }));
    const iso = events.map((e) => ({
      ...e,
      timestamp: new Date((e.timestamp as number) * 1000).toISOString(),
    }));
    const garbage = events.map((e, i) => ({ ...e, timestamp: i % 2 ? 'timestamp' : { no: 1 } }));
    const base = summarize({ pages: [page] });
    expect(summarize({ pages: [{ events: ms }] }).steps[1]?.durationMs).toBe(base.steps[1]?.durationMs);
    expect(summarize({ pages: [{ events: iso }] }).steps[1]?.durationMs).toBe(base.steps[1]?.durationMs);
    const g = summarize({ pages: [{ events: garbage }] });
    expect(g.failedState).toBe('Transform');
    expect(g.steps[1]?.durationMs).toBeUndefined();
    expect(g.execution.durationMs).toBeUndefined();
  });

  it('causes stored as objects are read like JSON strings', () => {
    const objects = events.map((e) => {
      const d = e.taskFailedEventDetails as Record<string, unknown> | undefined;
      return d ? { ...e, taskFailedEventDetails: { ...d, cause: JSON.parse(d.cause as string) } } : e;
    });
    const s = summarize({ pages: [{ events: objects }] });
    expect(s.failures[0]?.cause?.errorType).toBe('ValueError');
  });

  it('unknown event types are counted, not fatal', () => {
    const extra = [
      ...events.slice(0, 3),
      { id: 99, previousEventId: 3, type: 'BrandNewEvent', timestamp: 1 },
    ];
    const s = summarize({ pages: [{ events: extra }] });
    expect(s.unknownEventTypes).toEqual({ BrandNewEvent: 1 });
  });

  it('details are read in place but never changed, and a member the API does not send is not read', () => {
    const parent = 'arn:aws:states:eu-west-1:123456789012:execution:parent-machine:parent-run';
    const child = 'arn:aws:states:eu-west-1:123456789012:execution:other-machine:other-run';
    const started = (details: Record<string, unknown>) => ({
      events: [
        {
          id: 1,
          previousEventId: 0,
          type: 'ExecutionStarted',
          timestamp: 1,
          executionStartedEventDetails: details,
        },
      ],
    });
    // `startedBy` is what the fold calls the parent it reads from the input; a raw member of that name is not it.
    const forged = started({ input: '{}', startedBy: child });
    expect(summarize({ pages: [forged] }).execution.parentExecutionArn).toBeUndefined();
    // The parent from the input goes on a copy: the caller's page is left as it was.
    const real = started({ input: JSON.stringify({ AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID: parent }) });
    const before = structuredClone(real);
    expect(summarize({ pages: [real] }).execution.parentExecutionArn).toBe(parent);
    expect(real).toEqual(before);
    const pages = structuredClone([page]);
    summarize({ pages });
    expect(pages).toEqual([page]);
  });

  it('a cause repeated in a history is read once per length, with the same result', () => {
    const cause = JSON.stringify({ errorType: 'HugeError', errorMessage: 'y'.repeat(5_000) });
    const first = summarizeCause(cause);
    expect(summarizeCause(`${cause}`)).toEqual(first);
    const shorter = summarizeCause(cause, 100);
    expect(shorter?.text.length).toBe(100);
    expect(first?.text.length).toBe(MAX_CAUSE_CHARS);
    expect(summarizeCause(cause)).toEqual(first);
  });

  it('malformed events and pages are skipped', () => {
    expect(collectEvents([null, 3, { events: [null, { id: 'x' }, { type: 'ExecutionStarted' }] }])).toEqual(
      []
    );
    expect(summarize({ pages: [null, 'x'] }).execution.status).toBe('UNKNOWN');
  });

  it('the event detail fills what the history lacks and its status wins', () => {
    const { event } = loadFixture('lambda-failure');
    const s = summarize({ pages: [], event });
    expect(s.execution).toMatchObject({
      status: 'FAILED',
      name: 'run-lambda-failure',
      stateMachineName: 'etl-nightly',
      error: 'ValueError',
    });
    expect(s.execution.cause?.errorMessage).toBe('row 42: amount is not a number');
    expect(s.execution.durationMs).toBeGreaterThan(0);
  });
});

describe('summarize: bounds', () => {
  it('a 25,000-event history with 32 KiB causes gives a summary under 64 KiB, aggregated per state', () => {
    const history = bigHistory();
    expect(history.events.length).toBeGreaterThanOrEqual(24_900);
    expect(history.events.length).toBeLessThanOrEqual(25_000);
    const s = summarize({ pages: history.pages(1_000, true) });
    const bytes = Buffer.byteLength(JSON.stringify(s));
    expect(bytes).toBeLessThan(MAX_SUMMARY_BYTES);
    expect(s.eventCount).toBe(history.events.length);
    expect(s.execution.status).toBe('FAILED');
    expect(s.failedState).toBe('Publish');
    expect(s.steps.map((x) => x.name)).toEqual(['ProcessAll', 'Publish']);
    expect(s.steps[0]?.map?.iterations).toEqual({ started: 3_549, succeeded: 3_549, failed: 0, aborted: 0 });
    expect(s.states.find((x) => x.name === 'ProcessItem')).toMatchObject({ entered: 3_549, caught: 71 });
    expect(s.handledErrors).toBe(71);
    expect(s.failures.length).toBeLessThanOrEqual(5);
    expect(s.failures[0]?.cause?.truncated).toBe(true);
    expect(s.failureCount).toBe(72);
  });

  it('the partial fold state stays bounded page after page and ends in the same summary', () => {
    const history = bigHistory(400, 10);
    const pages = history.pages(100);
    let partial: unknown;
    let largest = 0;
    for (const page of pages.slice(0, -1)) {
      partial = foldPages(partial, [page]);
      largest = Math.max(largest, Buffer.byteLength(JSON.stringify(partial)));
    }
    expect(largest).toBeLessThan(64 * 1024);
    const viaPartial = summarize({ pages: pages.slice(-1), partial });
    const whole = summarize({ pages });
    expect(viaPartial).toEqual(whole);
    expect(viaPartial.incomplete).toBe(false);
  });

  it('more than 50 top-level steps: the earliest plain ones are counted, the last ones before the end listed', () => {
    const b = new HistoryBuilder();
    b.started();
    let prev = 0;
    for (let i = 0; i < 65; i++) prev = b.task(`Step${String(i).padStart(2, '0')}`, prev);
    b.succeed(prev);
    const s = summarize({ pages: b.pages() });
    expect(s.steps.length + s.omittedSteps).toBe(65);
    expect(s.steps.at(-1)?.name).toBe('Step64');
    expect(s.steps[0]?.name).toBe('Step15');
    expect(s.omittedSteps).toBe(15);
  });

  it('the failure that ended a state is kept even after many retried ones', () => {
    const b = new HistoryBuilder();
    b.started();
    const failed = b.task('Flaky', 0, { failedAttemptsFirst: 8, fail: { error: 'Final', cause: 'gave up' } });
    b.fail(failed, 'Final', 'gave up');
    const s = summarize({ pages: b.pages() });
    expect(s.steps[0]).toMatchObject({ attempts: 9, outcome: 'failed', error: 'Final' });
    expect(s.failureCount).toBe(9);
    expect(s.failures).toHaveLength(5);
    expect(s.failures.filter((f) => f.handling === 'fatal')).toMatchObject([{ error: 'Final', attempt: 9 }]);
  });

  it('whatever the content, the size bound holds: oversized parts are shortened and counted as omitted', () => {
    const cause = { text: 'c'.repeat(2_000), truncated: false, length: 2_000 };
    const big: ExecutionSummary = {
      version: 1,
      execution: { status: 'FAILED', redriveCount: 0, cause },
      steps: Array.from({ length: 50 }, (_, i) => ({
        name: `${'n'.repeat(1_000)}${i}`,
        type: 'Task',
        outcome: 'failed' as const,
        attempts: 1,
        handledErrors: 0,
        cause,
      })),
      omittedSteps: 0,
      states: Array.from({ length: 50 }, (_, i) => ({
        name: `${'s'.repeat(1_000)}${i}`,
        type: 'Task',
        entered: 1,
        succeeded: 0,
        failed: 1,
        caught: 0,
        timedOut: 0,
        aborted: 0,
        retries: 0,
        totalDurationMs: 0,
      })),
      omittedStates: 0,
      failures: Array.from({ length: 5 }, (_, i) => ({
        state: 'x',
        outcome: 'failed' as const,
        handling: 'fatal' as const,
        attempt: 1,
        seq: i + 1,
        cause,
      })),
      failureCount: 5,
      handledErrors: 0,
      retries: 0,
      eventCount: 1,
      unknownEventTypes: {},
      incomplete: false,
    };
    expect(Buffer.byteLength(JSON.stringify(big))).toBeGreaterThan(MAX_SUMMARY_BYTES);
    const fitted = fitSummary(big);
    expect(Buffer.byteLength(JSON.stringify(fitted))).toBeLessThanOrEqual(MAX_SUMMARY_BYTES);
    expect(fitted.steps.length + fitted.omittedSteps).toBe(50);
    expect(fitted.states.length + fitted.omittedStates).toBe(50);
    // The last steps (how the run ended) are the ones kept.
    expect(fitted.steps.at(-1)?.name).toBe(big.steps.at(-1)?.name);
  });

  it('a 40 KiB cause is truncated with its length kept', () => {
    const b = new HistoryBuilder();
    b.started();
    const cause = 'E'.repeat(40 * 1024);
    const failed = b.task('Big', 0, { fail: { error: 'Boom', cause } });
    b.fail(failed, 'Boom', cause);
    const s = summarize({ pages: b.pages() });
    expect(s.failures[0]?.cause).toMatchObject({ truncated: true, length: 40 * 1024 });
    expect(s.execution.cause?.truncated).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(s))).toBeLessThan(16 * 1024);
  });
});
