import { describe, expect, it } from 'vitest';
import { runStateMachine, StatesError } from '../../../local/asl/index.js';
import { fixture, LAMBDA, machine, types } from './helpers.js';

const prices: Record<string, number> = { a: 1.5, b: 4 };
const priceHandler = async (task: { arguments: unknown }) => ({
  price: prices[(task.arguments as { id: string }).id],
});

describe('Parallel and inline Map', () => {
  it('runs the branches and the iterations, each reading outer variables, results in order', async () => {
    const result = await runStateMachine(
      fixture('parallel-map.asl.json'),
      {},
      { resources: { [LAMBDA]: priceHandler } }
    );
    expect(result).toMatchObject({
      status: 'SUCCEEDED',
      output: {
        total: 50,
        lines: [
          { id: 'a', index: 0, amount: 30 },
          { id: 'b', index: 1, amount: 120 },
        ],
      },
    });
    // Setup, Fan, Total, PerOrder, 2 × (Price, Line), Done
    expect(result.stateTransitions).toBe(9);
  });

  it('writes Parallel and Map events like the history does', async () => {
    const result = await runStateMachine(
      fixture('parallel-map.asl.json'),
      {},
      { resources: { [LAMBDA]: priceHandler } }
    );
    const t = types(result.events);
    expect(t).toContain('ParallelStateStarted');
    expect(t).toContain('ParallelStateSucceeded');
    expect(t.filter((x) => x === 'MapIterationSucceeded')).toHaveLength(2);
    expect(result.events.find((e) => e.type === 'MapStateStarted')?.details).toEqual({ length: 2 });
    expect(t.indexOf('ParallelStateExited')).toBeGreaterThan(t.lastIndexOf('MapStateExited'));
  });

  it('keeps variables of an iteration inside it', async () => {
    const def = machine({
      Each: {
        Type: 'Map',
        Items: [1],
        ItemProcessor: { StartAt: 'Set', States: { Set: { Type: 'Pass', Assign: { inner: 1 }, End: true } } },
        Next: 'Read',
      },
      Read: { Type: 'Pass', Output: '{% $inner %}', End: true },
    });
    const result = await runStateMachine(def, {}, { resources: {} });
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.QueryEvaluationError' });
  });

  it('fails the Map with the error of a failed iteration, which its Catch can handle', async () => {
    const def = machine({
      Each: {
        Type: 'Map',
        Items: '{% $states.input %}',
        ItemProcessor: {
          StartAt: 'Call',
          States: { Call: { Type: 'Task', Resource: LAMBDA, End: true } },
        },
        Catch: [{ ErrorEquals: ['Item.Bad'], Next: 'Caught' }],
        End: true,
      },
      Caught: { Type: 'Pass', End: true },
    });
    const handler = async (task: { arguments: unknown }) => {
      if (task.arguments === 2) throw new StatesError('Item.Bad', 'two');
      return task.arguments;
    };
    const result = await runStateMachine(def, [1, 2, 3], { resources: { [LAMBDA]: handler } });
    expect(result.output).toEqual({ Error: 'Item.Bad', Cause: 'two' });
    expect(types(result.events)).toContain('MapIterationFailed');
    expect(types(result.events)).toContain('MapStateFailed');
    expect(types(result.events)).not.toContain('MapStateSucceeded');
    // iteration 3 never started
    expect(types(result.events).filter((t) => t === 'MapIterationStarted')).toHaveLength(2);
  });

  it('retries a Parallel state as a whole', async () => {
    let calls = 0;
    const def = machine({
      Both: {
        Type: 'Parallel',
        Branches: [{ StartAt: 'Call', States: { Call: { Type: 'Task', Resource: LAMBDA, End: true } } }],
        Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 5, MaxAttempts: 1 }],
        End: true,
      },
    });
    const result = await runStateMachine(
      def,
      {},
      {
        resources: {
          [LAMBDA]: async () => {
            calls += 1;
            if (calls === 1) throw new StatesError('Flaky');
            return 'ok';
          },
        },
      }
    );
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: ['ok'] });
    expect(calls).toBe(2);
  });

  it('fails a Map whose Items is not an array', async () => {
    const def = machine({
      Each: {
        Type: 'Map',
        Items: '{% $states.input.x %}',
        ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
        End: true,
      },
    });
    const result = await runStateMachine(def, { x: 'nope' }, { resources: {} });
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.QueryEvaluationError' });
  });
});
