import { describe, expect, it } from 'vitest';
import { computeRunContext, earlierRuns, median } from '../../../../formatters/formatter/context/compute.js';
import { failureFromTail } from '../../../../formatters/formatter/context/read.js';
import type { CurrentRun, RunRecord } from '../../../../formatters/formatter/context/types.js';
import { runHistory } from '../../../../local/run-history.js';

const MIN = 60_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1, 2, 0);
const arn = (n: number) => `arn:aws:states:eu-west-1:123456789012:execution:nightly:run-${n}`;

/** Night `n` at 02:00, lasting `minutes`. */
function run(n: number, status: string, minutes: number): RunRecord {
  return { executionArn: arn(n), status, startMs: T0 + n * DAY, stopMs: T0 + n * DAY + minutes * MIN };
}

function current(n: number, status: string, minutes: number, extra: Partial<CurrentRun> = {}): CurrentRun {
  return { ...run(n, status, minutes), ...extra };
}

describe('median', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('duration against the usual', () => {
  const week = [30, 40, 34, 36, 32, 38].map((m, i) => run(i, 'SUCCEEDED', m));

  it('flags a run over twice the median of the earlier successes, with that median and the sample size', () => {
    const context = computeRunContext(current(6, 'SUCCEEDED', 134), week);
    expect(context?.usual).toEqual({ kind: 'slow', durationMs: 134 * MIN, medianMs: 35 * MIN, samples: 6 });
  });

  it('flags a run under half the median as fast, and says nothing within the band', () => {
    expect(computeRunContext(current(6, 'SUCCEEDED', 15), week)?.usual?.kind).toBe('fast');
    expect(computeRunContext(current(6, 'SUCCEEDED', 69), week)?.usual).toBeUndefined();
    expect(computeRunContext(current(6, 'SUCCEEDED', 18), week)?.usual).toBeUndefined();
  });

  it('needs at least 5 earlier successes, and takes the latest 20', () => {
    expect(computeRunContext(current(6, 'SUCCEEDED', 300), week.slice(0, 4))?.usual).toBeUndefined();
    const many = [
      ...Array.from({ length: 20 }, (_, i) => run(100 + i, 'SUCCEEDED', 10)),
      ...Array.from({ length: 30 }, (_, i) => run(i, 'SUCCEEDED', 100)),
    ];
    expect(computeRunContext(current(200, 'SUCCEEDED', 25), many)?.usual).toMatchObject({
      medianMs: 10 * MIN,
      samples: 20,
    });
  });

  it('ignores failed and running runs, later runs and the run itself', () => {
    const runs = [
      ...week,
      run(5.5, 'FAILED', 1),
      { executionArn: arn(99), status: 'RUNNING', startMs: T0 + 5.7 * DAY },
      run(7, 'SUCCEEDED', 1),
      run(6, 'SUCCEEDED', 134),
    ];
    expect(earlierRuns(current(6, 'SUCCEEDED', 134), runs).map((r) => r.executionArn)).not.toContain(arn(7));
    expect(computeRunContext(current(6, 'SUCCEEDED', 134), runs)?.usual?.medianMs).toBe(35 * MIN);
  });
});

describe('streak', () => {
  it('counts the third failure in a row and names the last success', () => {
    const runs = [
      run(0, 'SUCCEEDED', 30),
      run(1, 'SUCCEEDED', 30),
      run(2, 'FAILED', 5),
      run(3, 'TIMED_OUT', 5),
    ];
    expect(computeRunContext(current(4, 'FAILED', 5), runs)?.streak).toEqual({
      kind: 'failures',
      count: 3,
      atLeast: false,
      lastSuccess: { executionArn: arn(1), stopMs: T0 + DAY + 30 * MIN },
    });
  });

  it('says the first failure after N successes, "N or more" when the list read ended first', () => {
    const runs = Array.from({ length: 41 }, (_, i) => run(i, 'SUCCEEDED', 30));
    expect(computeRunContext(current(41, 'FAILED', 5), runs, undefined, true)?.streak).toEqual({
      kind: 'first-failure',
      successes: 41,
      atLeast: false,
    });
    expect(computeRunContext(current(41, 'FAILED', 5), runs, undefined, false)?.streak).toMatchObject({
      atLeast: true,
    });
    expect(
      computeRunContext(current(41, 'FAILED', 5), [run(0, 'FAILED', 3), ...runs.slice(1)])?.streak
    ).toEqual({
      kind: 'first-failure',
      successes: 40,
      atLeast: false,
    });
  });

  it('says a success after failures, and nothing for a success after a success', () => {
    const runs = [run(0, 'SUCCEEDED', 30), run(1, 'FAILED', 5), run(2, 'ABORTED', 5)];
    expect(computeRunContext(current(3, 'SUCCEEDED', 30), runs)?.streak).toEqual({
      kind: 'recovered',
      count: 2,
      atLeast: false,
    });
    expect(computeRunContext(current(1, 'SUCCEEDED', 30), runs.slice(0, 1))).toBeUndefined();
  });

  it('says nothing of a first run', () => {
    expect(computeRunContext(current(0, 'FAILED', 5), [])).toBeUndefined();
  });
});

describe('same error as before', () => {
  const runs = [run(0, 'SUCCEEDED', 30), run(1, 'FAILED', 5)];
  const failure = {
    executionArn: arn(1),
    status: 'FAILED',
    error: 'States.TaskFailed',
    state: 'Load',
    stopMs: 1,
  };

  it('links the latest earlier failure when it ended with the same error in the same state', () => {
    const now = current(2, 'FAILED', 5, { error: 'States.TaskFailed', state: 'Load' });
    expect(computeRunContext(now, runs, failure)?.sameError).toEqual({
      error: 'States.TaskFailed',
      state: 'Load',
      executionArn: arn(1),
      stopMs: 1,
    });
  });

  it('says nothing when the state or the error differs', () => {
    expect(
      computeRunContext(
        current(2, 'FAILED', 5, { error: 'States.TaskFailed', state: 'Extract' }),
        runs,
        failure
      )?.sameError
    ).toBeUndefined();
    expect(
      computeRunContext(current(2, 'FAILED', 5, { error: 'Other', state: 'Load' }), runs, failure)?.sameError
    ).toBeUndefined();
  });
});

describe('failureFromTail', () => {
  it('reads the error and the state from the last events, newest first', () => {
    const { events } = runHistory({ startMs: T0, stopMs: T0 + MIN, failIn: 'Load', error: 'Boom' });
    expect(failureFromTail([...events].reverse() as never)).toEqual({ error: 'Boom', state: 'Load' });
  });

  it('names no state when the tail does not reach it, and nothing without an end event', () => {
    const { events } = runHistory({ startMs: T0, stopMs: T0 + MIN, failIn: 'Load', error: 'Boom' });
    expect(failureFromTail([...events].reverse().slice(0, 2) as never)).toEqual({ error: 'Boom' });
    expect(failureFromTail([])).toEqual({});
  });
});
