import { describe, expect, it } from 'vitest';
import { retryDelayMs, runStateMachine, StatesError } from '../../../local/asl/index.js';
import { fixture, LAMBDA, machine, secondsOf } from './helpers.js';

/** A handler that fails with `error` for the first `failures` calls, then succeeds; it records what it saw. */
function flaky(failures: number, error = 'Flaky') {
  const seen: unknown[] = [];
  const handler = async (task: { arguments: unknown }) => {
    seen.push(task.arguments);
    if (seen.length <= failures) throw new StatesError(error, `attempt ${seen.length}`);
    return { attempts: seen.length };
  };
  return { handler, seen };
}

describe('Retry on the virtual clock', () => {
  it('waits IntervalSeconds × BackoffRate^n between attempts with JitterStrategy NONE', async () => {
    const { handler, seen } = flaky(3);
    const result = await runStateMachine(
      fixture('retry-backoff.asl.json'),
      {},
      { resources: { [LAMBDA]: handler } }
    );
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: { attempts: 4 } });
    // attempts at 0, 3, 3+6, 3+6+12 seconds
    expect(secondsOf(result.events, 'TaskScheduled')).toEqual([0, 3, 9, 21]);
    expect(seen).toEqual([{ attempt: 0 }, { attempt: 1 }, { attempt: 2 }, { attempt: 3 }]);
  });

  it('tells onRetry which state failed, with what, which retry and how long until it', async () => {
    const { handler } = flaky(2);
    const notices: unknown[] = [];
    await runStateMachine(
      fixture('retry-backoff.asl.json'),
      {},
      { resources: { [LAMBDA]: handler }, onRetry: (r) => notices.push(r) }
    );
    // The fixture's retrier: IntervalSeconds 3, BackoffRate 2, MaxAttempts 3 (delays 3 s, 6 s, as above).
    expect(notices).toEqual([
      { stateName: 'CallFlaky', error: 'Flaky', attempt: 1, maxAttempts: 3, delayMs: 3000 },
      { stateName: 'CallFlaky', error: 'Flaky', attempt: 2, maxAttempts: 3, delayMs: 6000 },
    ]);
  });

  it('counts each retry as a state transition (AWS bills retries)', async () => {
    const { handler } = flaky(2);
    const result = await runStateMachine(
      fixture('retry-backoff.asl.json'),
      {},
      { resources: { [LAMBDA]: handler } }
    );
    expect(result.stateTransitions).toBe(1 + 2);
  });

  it('goes to the catcher once MaxAttempts retries are spent', async () => {
    const { handler, seen } = flaky(10);
    const result = await runStateMachine(
      fixture('retry-backoff.asl.json'),
      {},
      { resources: { [LAMBDA]: handler } }
    );
    expect(seen).toHaveLength(4);
    expect(result.output).toEqual({ Error: 'Flaky', Cause: 'attempt 4' });
    expect(result.stateTransitions).toBe(1 + 3 + 1);
  });

  it('caps each delay at MaxDelaySeconds', async () => {
    const def = machine({
      Call: {
        Type: 'Task',
        Resource: LAMBDA,
        Retry: [
          {
            ErrorEquals: ['States.ALL'],
            IntervalSeconds: 2,
            BackoffRate: 3,
            MaxAttempts: 4,
            MaxDelaySeconds: 10,
          },
        ],
        End: true,
      },
    });
    const { handler } = flaky(4);
    const result = await runStateMachine(def, {}, { resources: { [LAMBDA]: handler } });
    // delays 2, 6, min(18,10), min(54,10)
    expect(secondsOf(result.events, 'TaskScheduled')).toEqual([0, 2, 8, 18, 28]);
  });

  it('draws FULL jitter delays from [0, capped backoff) with the given random source', async () => {
    const def = machine({
      Call: {
        Type: 'Task',
        Resource: LAMBDA,
        Retry: [
          {
            ErrorEquals: ['Flaky'],
            IntervalSeconds: 4,
            BackoffRate: 2,
            MaxAttempts: 3,
            JitterStrategy: 'FULL',
          },
        ],
        End: true,
      },
    });
    const draws = [0.5, 0.25, 0.999];
    const { handler } = flaky(3);
    const result = await runStateMachine(
      def,
      {},
      { resources: { [LAMBDA]: handler }, random: () => draws.shift() ?? 0 }
    );
    const at = secondsOf(result.events, 'TaskScheduled');
    const delays = at.slice(1).map((t, i) => t - (at[i] ?? 0));
    expect(delays[0]).toBeCloseTo(4 * 0.5, 6);
    expect(delays[1]).toBeCloseTo(8 * 0.25, 6);
    expect(delays[2]).toBeCloseTo(16 * 0.999, 6);
  });

  it('keeps FULL jitter within bounds for many seeded draws', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const retrier = {
      ErrorEquals: ['X'],
      IntervalSeconds: 1,
      BackoffRate: 2,
      MaxAttempts: 10,
      MaxDelaySeconds: 20,
      JitterStrategy: 'FULL' as const,
    };
    for (let attempt = 0; attempt < 10; attempt++) {
      const cap = Math.min(2 ** attempt, 20) * 1000;
      for (let i = 0; i < 50; i++) {
        const d = retryDelayMs(retrier, attempt, random);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThan(cap);
      }
    }
  });

  it('never retries with MaxAttempts 0', async () => {
    const def = machine({
      Call: {
        Type: 'Task',
        Resource: LAMBDA,
        Retry: [{ ErrorEquals: ['Flaky'], MaxAttempts: 0 }],
        End: true,
      },
    });
    const { handler, seen } = flaky(1);
    const result = await runStateMachine(def, {}, { resources: { [LAMBDA]: handler } });
    expect(result).toMatchObject({ status: 'FAILED', error: 'Flaky' });
    expect(seen).toHaveLength(1);
  });

  it('uses AWS defaults: IntervalSeconds 1, BackoffRate 2, MaxAttempts 3', async () => {
    const def = machine({
      Call: { Type: 'Task', Resource: LAMBDA, Retry: [{ ErrorEquals: ['Flaky'] }], End: true },
    });
    const { handler } = flaky(5);
    const result = await runStateMachine(def, {}, { resources: { [LAMBDA]: handler } });
    expect(secondsOf(result.events, 'TaskScheduled')).toEqual([0, 1, 3, 7]);
    expect(result.status).toBe('FAILED');
  });

  it('uses the first retrier that matches, with its own attempt count; a spent retrier ends retrying (spec)', async () => {
    const def = machine({
      Call: {
        Type: 'Task',
        Resource: LAMBDA,
        Retry: [
          { ErrorEquals: ['A'], IntervalSeconds: 1, MaxAttempts: 1, BackoffRate: 1 },
          { ErrorEquals: ['A', 'B'], IntervalSeconds: 10, MaxAttempts: 1, BackoffRate: 1 },
        ],
        End: true,
      },
    });
    const errors = ['A', 'B', 'A'];
    const result = await runStateMachine(
      def,
      {},
      {
        resources: {
          [LAMBDA]: async () => {
            const next = errors.shift();
            if (next) throw new StatesError(next);
            return 'done';
          },
        },
      }
    );
    // A → retrier 0 (1 s); B → retrier 1 (10 s); A → retrier 0 is spent: no fall-through to retrier 1
    expect(secondsOf(result.events, 'TaskScheduled')).toEqual([0, 1, 11]);
    expect(result).toMatchObject({ status: 'FAILED', error: 'A' });
  });

  it('retries a task error matched by States.TaskFailed but not States.Timeout', async () => {
    const def = machine({
      Call: {
        Type: 'Task',
        Resource: LAMBDA,
        TimeoutSeconds: 5,
        Retry: [{ ErrorEquals: ['States.TaskFailed'], IntervalSeconds: 1, MaxAttempts: 2 }],
        End: true,
      },
    });
    const { handler, seen } = flaky(1, 'Some.Error');
    const ok = await runStateMachine(def, {}, { resources: { [LAMBDA]: handler } });
    expect(ok.status).toBe('SUCCEEDED');
    expect(seen).toHaveLength(2);
  });

  it('exposes the retry number as $states.context.State.RetryCount', async () => {
    const def = machine({
      Call: {
        Type: 'Task',
        Resource: LAMBDA,
        Arguments: { n: '{% $states.context.State.RetryCount %}' },
        Retry: [{ ErrorEquals: ['Flaky'], MaxAttempts: 2 }],
        Output: '{% $states.context.State.RetryCount %}',
        End: true,
      },
    });
    const { handler, seen } = flaky(2);
    const result = await runStateMachine(def, {}, { resources: { [LAMBDA]: handler } });
    expect(seen).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }]);
    expect(result.output).toBe(2);
  });
});
