import { describe, expect, it, vi } from 'vitest';
import { RealClock, runStateMachine, VirtualClock } from '../../../local/asl/index.js';
import { LAMBDA, machine, types } from './helpers.js';

describe('Task TimeoutSeconds', () => {
  it('fails with States.Timeout when the handler takes longer in virtual time', async () => {
    const clock = new VirtualClock();
    const def = machine({ Call: { Type: 'Task', Resource: LAMBDA, TimeoutSeconds: 30, End: true } });
    const result = await runStateMachine(
      def,
      {},
      {
        clock,
        resources: {
          [LAMBDA]: async () => {
            await clock.sleep(31_000);
            return 'late';
          },
        },
      }
    );
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    expect(types(result.events)).toContain('TaskTimedOut');
  });

  it('succeeds when the handler finishes in time, and evaluates TimeoutSeconds from an expression', async () => {
    const clock = new VirtualClock();
    const def = machine({
      Call: { Type: 'Task', Resource: LAMBDA, TimeoutSeconds: '{% $states.input.t %}', End: true },
    });
    const result = await runStateMachine(
      def,
      { t: 30 },
      {
        clock,
        resources: {
          [LAMBDA]: async () => {
            await clock.sleep(30_000);
            return 'in time';
          },
        },
      }
    );
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: 'in time' });
    const scheduled = result.events.find((e) => e.type === 'TaskScheduled');
    expect(scheduled?.details?.timeoutInSeconds).toBe(30);
  });

  it('is retried by States.ALL but not by States.TaskFailed', async () => {
    const clock = new VirtualClock();
    let calls = 0;
    const slow = async () => {
      calls += 1;
      await clock.sleep(10_000);
      return 'late';
    };
    const def = (errors: string[]) =>
      machine({
        Call: {
          Type: 'Task',
          Resource: LAMBDA,
          TimeoutSeconds: 1,
          Retry: [{ ErrorEquals: errors, MaxAttempts: 2 }],
          End: true,
        },
      });
    await runStateMachine(def(['States.TaskFailed']), {}, { clock, resources: { [LAMBDA]: slow } });
    expect(calls).toBe(1);
    calls = 0;
    await runStateMachine(def(['States.ALL']), {}, { clock, resources: { [LAMBDA]: slow } });
    expect(calls).toBe(3);
  });

  it('times out a handler on the real clock without waiting for it to settle', async () => {
    // The handler never settles: the run can only end through the TimeoutSeconds timer racing it.
    const def = machine({ Call: { Type: 'Task', Resource: LAMBDA, TimeoutSeconds: 1, End: true } });
    // The real clock's timers, faked so the suite does not idle through the second.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    let done = false;
    const running = runStateMachine(
      def,
      {},
      { clock: new RealClock(), resources: { [LAMBDA]: () => new Promise<never>(() => {}) } }
    ).finally(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    while (!done) await vi.advanceTimersByTimeAsync(100);
    const result = await running;
    expect(result.error).toBe('States.Timeout');
    expect(result.events.map((e) => e.type)).toContain('TaskTimedOut');
  });
});
