/**
 * The message tells the truth in every case (issue 13): redrives, aborts, late RUNNING notices, handled Map
 * errors, out-of-range times, plain-text causes in the compact template. Histories are built from the
 * documented GetExecutionHistory event types (ExecutionRedriven, ExecutionAborted, TaskStateAborted,
 * MapStateFailed, ...).
 */
import { describe, expect, it } from 'vitest';
import type { StatusChangeEvent } from '../../../contract/formatter.js';
import { formatExecution, plainTextMessage, renderSummary } from '../../../formatters/formatter/format.js';
import { slackLimitProblems } from '../../../formatters/formatter/render/limits.js';
import { summarize } from '../../../formatters/formatter/summarize/index.js';
import type { ExecutionSummary } from '../../../formatters/formatter/summarize/types.js';
import { executionArn, HistoryBuilder } from '../../../local/history-builder.js';
import { slackRejections } from '../helpers/slack-oracle.js';

function texts(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(texts);
  if (value && typeof value === 'object') return Object.values(value).flatMap(texts);
  return [];
}

function event(status: string, extra: Record<string, unknown> = {}): StatusChangeEvent {
  return { detail: { executionArn: executionArn('run-1', 'etl'), status, ...extra } };
}

/** Load fails in run 1, is redriven `redrives` times failing each time with `Boom-<n>`, then the last run's error. */
function redrivenHistory(redrives: number): HistoryBuilder {
  const b = new HistoryBuilder();
  b.started();
  const extract = b.task('Extract', 0);
  let prev = b.task('Load', extract, { fail: { error: 'Boom-0', cause: 'run 1 cause' } });
  prev = b.fail(prev, 'Boom-0', 'run 1 cause');
  for (let run = 1; run <= redrives; run++) {
    const redriven = b.add('ExecutionRedriven', prev, 'executionRedrivenEventDetails', { redriveCount: run });
    const failed = b.task('Load', redriven, {
      fail: { error: `Boom-${run}`, cause: `run ${run + 1} cause` },
    });
    prev = b.fail(failed, `Boom-${run}`, `run ${run + 1} cause`);
  }
  return b;
}

describe('redrives: only the current run failure ended the execution', () => {
  it('a run redriven twice that fails again shows its own failure first, earlier ones as history', async () => {
    const b = redrivenHistory(2);
    const s = summarize({ pages: b.pages(), event: event('FAILED', { redriveCount: 2 }) });
    expect(s.failures.filter((f) => f.handling === 'fatal')).toMatchObject([{ error: 'Boom-2', run: 2 }]);
    expect(s.failures.filter((f) => f.handling === 'redriven').map((f) => [f.error, f.run ?? 0])).toEqual([
      ['Boom-0', 0],
      ['Boom-1', 1],
    ]);
    expect(s.execution.error).toBe('Boom-2');
    expect(s.steps.filter((step) => step.redriven).map((step) => step.name)).toEqual(['Load', 'Load']);

    const { message } = await formatExecution({
      pages: b.pages(),
      event: event('FAILED', { redriveCount: 2 }),
    });
    const all = texts(message);
    const red = all.filter((t) => t.startsWith(':x:') && t.includes('Boom'));
    expect(red.length).toBeGreaterThan(0);
    for (const text of red) expect(text.match(/Boom-\d/g)).toEqual(['Boom-2']);
    // The failure section comes before any history of earlier runs.
    const firstFailure = all.findIndex((t) => t.includes('*Load*') && t.includes('Boom'));
    expect(all[firstFailure]).toContain('Boom-2');
    expect(all.join('\n')).not.toMatch(/:x:[^\n]*Boom-[01]/);
    expect(all.join('\n')).toContain('run 1 ended at *Load*: `Boom-0`, then redriven');
    expect(message.text).toContain('Boom-2');

    const compact = await formatExecution({
      pages: b.pages(),
      event: event('FAILED', { redriveCount: 2 }),
      settings: { template: 'compact' },
    });
    const line = texts(compact.message.blocks?.[0]).join('\n');
    expect(line).toContain('`Boom-2`');
    expect(line).toContain('run 3 cause');
    expect(line).not.toContain('Boom-0');
  });

  it('after many redrives the current cause is still kept and shown', async () => {
    const b = redrivenHistory(8);
    const s = summarize({ pages: b.pages() });
    expect(s.failures.length).toBeLessThanOrEqual(5);
    expect(s.failures.find((f) => f.handling === 'fatal')).toMatchObject({ error: 'Boom-8' });
    const { message } = await formatExecution({ pages: b.pages() });
    expect(texts(message).join('\n')).toContain('run 9 cause');
  });

  it('a redriven run that succeeds shows no red failure', async () => {
    const b = new HistoryBuilder();
    b.started();
    const failed = b.task('Load', 0, { fail: { error: 'Flaky', cause: 'first run' } });
    const ended = b.fail(failed, 'Flaky', 'first run');
    const redriven = b.add('ExecutionRedriven', ended, 'executionRedrivenEventDetails', { redriveCount: 1 });
    b.succeed(b.task('Load', redriven));
    const { message, summary } = await formatExecution({ pages: b.pages() });
    expect(summary.execution.status).toBe('SUCCEEDED');
    expect(texts(message).join('\n')).not.toContain(':x:');
    expect(texts(message).join('\n')).toContain(':leftwards_arrow_with_hook: *Load*');
  });
});

describe('aborts: the abort own error and cause, "Stopped in/while"', () => {
  /** Extract fails its first attempt; StopExecution comes while the retry waits. */
  function abortedWhileRetrying(withStateAborted: boolean): HistoryBuilder {
    const b = new HistoryBuilder();
    b.started();
    const entered = b.add('TaskStateEntered', 0, 'stateEnteredEventDetails', { name: 'Extract' });
    const scheduled = b.add('TaskScheduled', entered, 'taskScheduledEventDetails', {
      resourceType: 'lambda',
      resource: 'invoke',
    });
    const started = b.add('TaskStarted', scheduled, 'taskStartedEventDetails', {});
    let prev = b.add('TaskFailed', started, 'taskFailedEventDetails', {
      error: 'Lambda.ServiceException',
      cause: 'throttled',
    });
    if (withStateAborted)
      prev = b.add('TaskStateAborted', prev, 'stateExitedEventDetails', { name: 'Extract' });
    b.add('ExecutionAborted', prev, 'executionAbortedEventDetails', {
      error: 'OperatorStop',
      cause: 'stopped by alice: bad input file',
    });
    return b;
  }

  for (const withStateAborted of [false, true]) {
    it(`stopped while a task waited to retry${withStateAborted ? ' (TaskStateAborted)' : ''} blames no task`, async () => {
      const b = abortedWhileRetrying(withStateAborted);
      const s = summarize({ pages: b.pages(), event: event('ABORTED') });
      expect(s.failures.filter((f) => f.handling === 'fatal')).toEqual([]);
      expect(s.failures).toMatchObject([{ handling: 'retried', error: 'Lambda.ServiceException' }]);
      expect(s).toMatchObject({ stoppedState: 'Extract', stoppedWhileRetrying: true });
      expect(s.failedState).toBeUndefined();
      expect(s.steps[0]).toMatchObject({ outcome: 'aborted', waitingToRetry: true });

      const { message } = await formatExecution({ pages: b.pages(), event: event('ABORTED') });
      const all = texts(message).join('\n');
      expect(all).toContain('*Stopped while*\n*Extract* waited to retry');
      expect(all).not.toContain('Failed in');
      expect(all).toContain('*Stopped* `OperatorStop`');
      expect(all).toContain('stopped by alice: bad input file');
      expect(all).not.toMatch(/:x:/);
      expect(all).toContain(
        '*Extract* failed, and the run was stopped before its retry: `Lambda.ServiceException`'
      );
      expect(message.text).toContain('aborted');
      expect(message.text).toContain('while Extract waited to retry');
      const plain = plainTextMessage(s, {}).text;
      expect(plain).toContain('stopped by alice: bad input file');
      expect(plain).not.toContain('throttled');
    });
  }

  it('a run stopped in a Wait says "Stopped in" with the abort error', async () => {
    const b = new HistoryBuilder();
    b.started();
    const waited = b.add('WaitStateEntered', 0, 'stateEnteredEventDetails', { name: 'Cooldown' });
    const aborted = b.add('WaitStateAborted', waited, 'stateExitedEventDetails', { name: 'Cooldown' });
    b.add('ExecutionAborted', aborted, 'executionAbortedEventDetails', { error: 'Manual', cause: 'by ops' });
    const { message } = await formatExecution({ pages: b.pages(), settings: { template: 'compact' } });
    const line = texts(message.blocks?.[0]).join('\n');
    expect(line).toContain('Stopped in *Cooldown*: `Manual` — by ops');
  });

  it('the event alone saying ABORTED (history not there yet) does not blame the retrying task', () => {
    const b = abortedWhileRetrying(false);
    const pages = [{ events: b.events.slice(0, -1) }];
    const s = summarize({ pages, event: event('ABORTED') });
    expect(s.failures.filter((f) => f.handling === 'fatal')).toEqual([]);
    expect(s.stoppedState).toBe('Extract');
  });
});

describe('a late RUNNING notice', () => {
  it('shows no end time, no duration and no failure, even when the history already ended', async () => {
    const b = new HistoryBuilder();
    b.started();
    const failed = b.task('Load', 0, { fail: { error: 'Boom', cause: 'later' } });
    b.fail(failed, 'Boom', 'later');
    for (const template of ['detailed', 'compact']) {
      const { message, summary } = await formatExecution({
        pages: b.pages(),
        event: event('RUNNING', { startDate: 1_764_040_800_000, stopDate: null }),
        settings: { template },
      });
      expect(summary.execution).not.toHaveProperty('stopMs');
      expect(summary.execution).not.toHaveProperty('error');
      expect(summary.failures.filter((f) => f.handling === 'fatal')).toEqual([]);
      const all = texts(message).join('\n');
      expect(all).toContain('is running');
      expect(all).not.toMatch(/Ended|ended |Duration|Failed in|Boom|:x:/);
      const plain = plainTextMessage(summary, {}).text;
      expect(plain).toContain('· running');
      expect(plain).not.toMatch(/ended|Boom|later/);
    }
  });
});

describe('Map errors the workflow handled', () => {
  function mapRun(handled: 'catch' | 'tolerated'): HistoryBuilder {
    const b = new HistoryBuilder();
    b.started();
    const map = b.add('MapStateEntered', 0, 'stateEnteredEventDetails', { name: 'EachFile' });
    let prev = b.add('MapStateStarted', map, 'mapStateStartedEventDetails', { length: 2 });
    const it0 = b.add('MapIterationStarted', prev, 'mapIterationStartedEventDetails', {
      name: 'EachFile',
      index: 0,
    });
    const ok = b.task('Parse', it0);
    prev = b.add('MapIterationSucceeded', ok, 'mapIterationSucceededEventDetails', {
      name: 'EachFile',
      index: 0,
    });
    const it1 = b.add('MapIterationStarted', prev, 'mapIterationStartedEventDetails', {
      name: 'EachFile',
      index: 1,
    });
    const bad = b.task('Parse', it1, { fail: { error: 'BadRow', cause: 'row 7' } });
    prev = b.add('MapIterationFailed', bad, 'mapIterationFailedEventDetails', { name: 'EachFile', index: 1 });
    if (handled === 'catch') {
      prev = b.add('MapStateFailed', prev, 'mapStateFailedEventDetails', {
        error: 'States.ExceedToleratedFailureThreshold',
        cause: 'too many',
      });
      prev = b.add('MapStateExited', prev, 'stateExitedEventDetails', { name: 'EachFile' });
      const pass = b.add('PassStateEntered', prev, 'stateEnteredEventDetails', { name: 'Quarantine' });
      prev = b.add('PassStateExited', pass, 'stateExitedEventDetails', { name: 'Quarantine' });
    } else {
      prev = b.add('MapStateSucceeded', prev);
      prev = b.add('MapStateExited', prev, 'stateExitedEventDetails', { name: 'EachFile' });
    }
    b.succeed(prev);
    return b;
  }

  for (const handled of ['catch', 'tolerated'] as const) {
    it(`a failed iteration ${handled === 'catch' ? 'whose Map failure was caught' : 'within the tolerated failures'} is not a red failure`, async () => {
      const b = mapRun(handled);
      const { message, summary } = await formatExecution({ pages: b.pages() });
      expect(summary.execution.status).toBe('SUCCEEDED');
      expect(summary.failures.filter((f) => f.handling === 'fatal')).toEqual([]);
      expect(summary.failures.find((f) => f.state === 'Parse')).toMatchObject({ handling: 'caught' });
      const all = texts(message).join('\n');
      expect(all).not.toContain(':x:');
      expect(all).toContain('*EachFile › Parse* failed, handled by *EachFile*: `BadRow`');
    });
  }
});

describe('times no Date can hold', () => {
  it('render and the plain-text fallback show "?" rather than crash', async () => {
    const b = new HistoryBuilder();
    b.started();
    b.succeed(b.task('Only', 0));
    const pages = b.pages();
    const first = pages[0]?.events[0];
    if (first) first.timestamp = 1e20;
    const { message } = await formatExecution({ pages, event: event('SUCCEEDED', { stopDate: 9e18 }) });
    expect(slackLimitProblems(message)).toEqual([]);

    // A summary carrying such times (from any source) renders too.
    const summary: ExecutionSummary = {
      ...summarize({ pages: b.pages() }),
      execution: { status: 'FAILED', redriveCount: 1, startMs: 9e15, stopMs: -9e15, redriveDateMs: 1e300 },
    };
    await expect(renderSummary(summary, {})).resolves.toBeDefined();
    const plain = plainTextMessage(summary, {});
    expect(plain.text).toContain('Started ? · ended ?');
  });
});

describe('the compact template', () => {
  it('shows a plain-text cause', async () => {
    const b = new HistoryBuilder();
    b.started();
    const failed = b.task('Load', 0, {
      fail: { error: 'States.TaskFailed', cause: 'disk full on /data\nmore' },
    });
    b.fail(failed, 'States.TaskFailed', 'disk full on /data\nmore');
    const { message } = await formatExecution({ pages: b.pages(), settings: { template: 'compact' } });
    expect(texts(message.blocks?.[0]).join('\n')).toContain('— disk full on /data…');
    expect(slackRejections(message)).toEqual([]);
  });
});
