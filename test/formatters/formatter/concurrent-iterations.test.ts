/**
 * Map iterations and Parallel branches that run at the same time: their events interleave in the history
 * and each one is linked to its own iteration by previousEventId, so the end of one iteration must not close
 * the states of the others.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StatusChangeEvent } from '../../../contract/formatter.js';
import { formatExecution } from '../../../formatters/formatter/format.js';
import { foldPages, summarize } from '../../../formatters/formatter/summarize/index.js';
import { HistoryBuilder } from '../../../local/history-builder.js';
import { repoRoot } from '../helpers/fixtures.js';

function example(name: string): { pages: unknown[]; event: StatusChangeEvent } {
  const read = (file: string): unknown =>
    JSON.parse(readFileSync(path.join(repoRoot, 'examples', file), 'utf8'));
  return {
    pages: read(`${name}.history.json`) as unknown[],
    event: read(`${name}.event.json`) as StatusChangeEvent,
  };
}

/** Every string in a message (text, block texts, button values and URLs). */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(strings);
  return [];
}

describe('concurrent Map iterations: the bundled example', () => {
  // examples/nightly-etl-failed.history.json: three LoadPartition iterations entered at .582, .585 and .588
  // (epoch 1795486399.x), exited at 1795486408.793 (index 2), 1795486417.995 (index 0), 1795486426.583
  // (index 1): 9.205 s, 18.413 s and 26.998 s, 54.616 s in all.
  it('folds the interleaved iterations without marking the history incomplete', async () => {
    const { pages, event } = example('nightly-etl-failed');
    const { summary, message } = await formatExecution({ pages, event, settings: { environment: 'dev' } });
    expect(summary.incomplete).toBe(false);
    const load = summary.states.find((s) => s.name === 'LoadPartition');
    expect(load).toMatchObject({ entered: 3, succeeded: 3, failed: 0, aborted: 0 });
    expect(load?.totalDurationMs).toBe(54_616);
    expect(load?.maxDurationMs).toBe(26_998);
    expect(summary.steps.find((s) => s.name === 'LoadPartitions')?.map?.iterations).toEqual({
      started: 3,
      succeeded: 3,
      failed: 0,
      aborted: 0,
    });
    const all = strings(message).join('\n');
    expect(all).not.toContain('history incomplete');
    expect(all).toMatch(/\*LoadPartition\* _Task_ · 3 runs · 3 ok · avg 18\.2 s, max 27\.0 s/);
    // The failure is still the ECS task's.
    expect(summary.failedState).toBe('RefreshAggregates');
  });

  it('folded page by page through partials (split inside the Map) it gives the same summary', () => {
    const { pages, event } = example('nightly-etl-failed');
    const events = pages.flatMap((p) => (p as { events: { id: number }[] }).events);
    const whole = summarize({ pages: [{ events }], event });
    for (const cut of [21, 30, 35]) {
      const partial = JSON.parse(JSON.stringify(foldPages(undefined, [{ events: events.slice(0, cut) }])));
      const split = summarize({ pages: [{ events: events.slice(cut) }], event, partial });
      expect(split).toEqual(whole);
    }
  });

  it('the succeeded example renders without "history incomplete" too', async () => {
    const { pages, event } = example('nightly-etl-succeeded');
    const { summary, message } = await formatExecution({ pages, event });
    expect(summary.incomplete).toBe(false);
    expect(strings(message).join('\n')).not.toContain('history incomplete');
  });
});

/** An inline Map whose two iterations run at once; `b` fails while `a` is still running... */
function concurrentMap(options: { secondFails: boolean }): HistoryBuilder {
  const b = new HistoryBuilder();
  b.started();
  const map = b.add('MapStateEntered', 0, 'stateEnteredEventDetails', { name: 'Each' });
  const started = b.add('MapStateStarted', map, 'mapStateStartedEventDetails', { length: 2 });
  const it0 = b.add('MapIterationStarted', started, 'mapIterationStartedEventDetails', {
    name: 'Each',
    index: 0,
  });
  const it1 = b.add('MapIterationStarted', started, 'mapIterationStartedEventDetails', {
    name: 'Each',
    index: 1,
  });
  const lambda = { resourceType: 'lambda', resource: 'invoke' };
  const e0 = b.add('TaskStateEntered', it0, 'stateEnteredEventDetails', { name: 'Work' }, 0);
  const e1 = b.add('TaskStateEntered', it1, 'stateEnteredEventDetails', { name: 'Work' }, 0);
  const s0 = b.add('TaskScheduled', e0, 'taskScheduledEventDetails', lambda, 0);
  const s1 = b.add('TaskScheduled', e1, 'taskScheduledEventDetails', lambda, 0);
  // Iteration 0 is done after 2 s.
  const ok0 = b.add('TaskSucceeded', s0, 'taskSucceededEventDetails', lambda, 2);
  const x0 = b.add('TaskStateExited', ok0, 'stateExitedEventDetails', { name: 'Work' }, 0);
  b.add('MapIterationSucceeded', x0, 'mapIterationSucceededEventDetails', { name: 'Each', index: 0 }, 0);
  // Iteration 1 runs 8 s more.
  if (options.secondFails) {
    const f1 = b.add(
      'TaskFailed',
      s1,
      'taskFailedEventDetails',
      { ...lambda, error: 'Boom', cause: 'bad row' },
      8
    );
    b.add('MapIterationFailed', f1, 'mapIterationFailedEventDetails', { name: 'Each', index: 1 }, 0);
    const mapFailed = b.add('MapStateFailed', f1, undefined, undefined, 0);
    b.fail(mapFailed, 'Boom', 'bad row');
  } else {
    const ok1 = b.add('TaskSucceeded', s1, 'taskSucceededEventDetails', lambda, 8);
    const x1 = b.add('TaskStateExited', ok1, 'stateExitedEventDetails', { name: 'Work' }, 0);
    const it1End = b.add('MapIterationSucceeded', x1, 'mapIterationSucceededEventDetails', {
      name: 'Each',
      index: 1,
    });
    const mapOk = b.add('MapStateSucceeded', it1End, undefined, undefined, 0);
    const exited = b.add('MapStateExited', mapOk, 'stateExitedEventDetails', { name: 'Each' }, 0);
    b.succeed(exited);
  }
  return b;
}

describe('concurrent Map iterations: one ending does not end the others', () => {
  it('each iteration keeps its own duration', () => {
    const s = summarize({ pages: concurrentMap({ secondFails: false }).pages() });
    expect(s.incomplete).toBe(false);
    const work = s.states.find((x) => x.name === 'Work');
    expect(work).toMatchObject({ entered: 2, succeeded: 2 });
    // 2 s and 8 s after the (simultaneous) entries: 2.0 + 10.0 (the builder's steps are exact to the ms).
    expect(work?.maxDurationMs).toBe(10_000);
    expect(work?.totalDurationMs).toBe(12_000);
  });

  it('an iteration that fails after another one succeeded is a failure, not a success', () => {
    const s = summarize({ pages: concurrentMap({ secondFails: true }).pages() });
    expect(s.incomplete).toBe(false);
    expect(s.states.find((x) => x.name === 'Work')).toMatchObject({ entered: 2, succeeded: 1, failed: 1 });
    expect(s.failures).toHaveLength(1);
    expect(s.failures[0]).toMatchObject({
      state: 'Work',
      topLevelState: 'Each',
      error: 'Boom',
      handling: 'fatal',
    });
    expect(s.failedState).toBe('Work');
    expect(s.steps[0]).toMatchObject({ name: 'Each', outcome: 'failed' });
    expect(s.steps[0]?.map?.iterations).toEqual({ started: 2, succeeded: 1, failed: 1, aborted: 0 });
  });
});

describe('Parallel branches inside concurrent Map iterations', () => {
  it('the end of one iteration leaves the other iteration’s branches running', () => {
    const b = new HistoryBuilder();
    b.started();
    const map = b.add('MapStateEntered', 0, 'stateEnteredEventDetails', { name: 'Each' });
    const started = b.add('MapStateStarted', map, 'mapStateStartedEventDetails', { length: 2 });
    const its = [0, 1].map((index) =>
      b.add('MapIterationStarted', started, 'mapIterationStartedEventDetails', { name: 'Each', index }, 0)
    );
    const pars = its.map((it) =>
      b.add('ParallelStateEntered', it, 'stateEnteredEventDetails', { name: 'Fan' }, 0)
    );
    const pStarted = pars.map((p) => b.add('ParallelStateStarted', p, undefined, undefined, 0));
    // Two branches per iteration, all four entered at the same time.
    const entered = pStarted.flatMap((ps) =>
      ['Left', 'Right'].map((name) => ({
        name,
        id: b.add('PassStateEntered', ps, 'stateEnteredEventDetails', { name }, 0),
      }))
    );
    const [l0, r0, l1, r1] = entered;
    if (!l0 || !r0 || !l1 || !r1) throw new Error('builder');
    // Iteration 0's branches end after 1 s, its Parallel and the iteration with them.
    b.add('PassStateExited', l0.id, 'stateExitedEventDetails', { name: 'Left' }, 1);
    const xr0 = b.add('PassStateExited', r0.id, 'stateExitedEventDetails', { name: 'Right' }, 0);
    const ok0 = b.add('ParallelStateSucceeded', xr0, undefined, undefined, 0);
    const fan0 = b.add('ParallelStateExited', ok0, 'stateExitedEventDetails', { name: 'Fan' }, 0);
    b.add('MapIterationSucceeded', fan0, 'mapIterationSucceededEventDetails', { name: 'Each', index: 0 }, 0);
    // Iteration 1's branches end 4 s later.
    b.add('PassStateExited', l1.id, 'stateExitedEventDetails', { name: 'Left' }, 4);
    const xr1 = b.add('PassStateExited', r1.id, 'stateExitedEventDetails', { name: 'Right' }, 0);
    const ok1 = b.add('ParallelStateSucceeded', xr1, undefined, undefined, 0);
    const fan1 = b.add('ParallelStateExited', ok1, 'stateExitedEventDetails', { name: 'Fan' }, 0);
    const end1 = b.add(
      'MapIterationSucceeded',
      fan1,
      'mapIterationSucceededEventDetails',
      { name: 'Each', index: 1 },
      0
    );
    const mapOk = b.add('MapStateSucceeded', end1, undefined, undefined, 0);
    b.succeed(b.add('MapStateExited', mapOk, 'stateExitedEventDetails', { name: 'Each' }, 0));

    const s = summarize({ pages: b.pages() });
    expect(s.incomplete).toBe(false);
    expect(s.states.find((x) => x.name === 'Fan')).toMatchObject({
      entered: 2,
      succeeded: 2,
      totalDurationMs: 6_000,
      maxDurationMs: 5_000,
    });
    expect(s.states.find((x) => x.name === 'Left')).toMatchObject({
      entered: 2,
      succeeded: 2,
      maxDurationMs: 5_000,
    });
    expect(s.states.find((x) => x.name === 'Right')).toMatchObject({
      entered: 2,
      succeeded: 2,
      maxDurationMs: 5_000,
    });
    expect(s.steps[0]?.map?.iterations).toEqual({ started: 2, succeeded: 2, failed: 0, aborted: 0 });
  });

  it('a branch that fails while its sibling runs fails the Parallel; the sibling is aborted', () => {
    const b = new HistoryBuilder();
    b.started();
    const par = b.add('ParallelStateEntered', 0, 'stateEnteredEventDetails', { name: 'Fan' });
    const ps = b.add('ParallelStateStarted', par);
    const lambda = { resourceType: 'lambda', resource: 'invoke' };
    const left = b.add('TaskStateEntered', ps, 'stateEnteredEventDetails', { name: 'Left' }, 0);
    const right = b.add('TaskStateEntered', ps, 'stateEnteredEventDetails', { name: 'Right' }, 0);
    const sl = b.add('TaskScheduled', left, 'taskScheduledEventDetails', lambda, 0);
    b.add('TaskScheduled', right, 'taskScheduledEventDetails', lambda, 0);
    const fl = b.add('TaskFailed', sl, 'taskFailedEventDetails', { ...lambda, error: 'Boom', cause: 'x' }, 3);
    const pf = b.add('ParallelStateFailed', fl, undefined, undefined, 0);
    b.fail(pf, 'Boom', 'x');
    const s = summarize({ pages: b.pages() });
    expect(s.incomplete).toBe(false);
    expect(s.steps[0]).toMatchObject({ name: 'Fan', outcome: 'failed' });
    expect(s.steps[0]?.parallel?.branches).toEqual({ started: 2, succeeded: 0, failed: 1, aborted: 1 });
    expect(s.states.find((x) => x.name === 'Left')).toMatchObject({ failed: 1 });
    expect(s.states.find((x) => x.name === 'Right')).toMatchObject({ aborted: 1 });
    expect(s.failedState).toBe('Left');
  });
});
