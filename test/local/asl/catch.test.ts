import { describe, expect, it } from 'vitest';
import { errorMatches, runStateMachine, StatesError } from '../../../local/asl/index.js';
import { fixture, LAMBDA, machine, types } from './helpers.js';

const SDK = 'arn:aws:states:::aws-sdk:sfn:getExecutionHistory';

function failing(error: string, cause?: string) {
  return async () => {
    throw new StatesError(error, cause);
  };
}

function withCatch(catchers: unknown[]): object {
  return machine({
    Call: { Type: 'Task', Resource: LAMBDA, Catch: catchers, End: true },
    ByName: { Type: 'Pass', Output: { via: 'name', error: '{% $states.input %}' }, End: true },
    ByAll: { Type: 'Pass', Output: { via: 'all', error: '{% $states.input %}' }, End: true },
  });
}

describe('Catch', () => {
  it('catches by exact error name and outputs {Error, Cause} by default', async () => {
    const def = withCatch([
      { ErrorEquals: ['App.Other'], Next: 'ByAll' },
      { ErrorEquals: ['App.Failed'], Next: 'ByName' },
    ]);
    const result = await runStateMachine(
      def,
      {},
      { resources: { [LAMBDA]: failing('App.Failed', 'details') } }
    );
    expect(result.output).toEqual({ via: 'name', error: { Error: 'App.Failed', Cause: 'details' } });
    const exit = result.events.find((e) => e.type === 'TaskStateExited');
    expect(exit?.details?.output).toBe('{"Error":"App.Failed","Cause":"details"}');
  });

  it("shapes the catcher's output with Output and $states.errorOutput", async () => {
    const def = withCatch([
      {
        ErrorEquals: ['States.ALL'],
        Output: { kind: '{% $states.errorOutput.Error %}', from: '{% $states.input.id %}' },
        Next: 'ByAll',
      },
    ]);
    const result = await runStateMachine(def, { id: 'x' }, { resources: { [LAMBDA]: failing('Whatever') } });
    expect(result.output).toEqual({ via: 'all', error: { kind: 'Whatever', from: 'x' } });
  });

  it('catches States.TaskFailed for a task error but not States.Timeout', async () => {
    const def = machine({
      Call: {
        Type: 'Task',
        Resource: LAMBDA,
        TimeoutSeconds: 1,
        Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'Caught' }],
        End: true,
      },
      Caught: { Type: 'Pass', End: true },
    });
    const error = await runStateMachine(def, {}, { resources: { [LAMBDA]: failing('Boom') } });
    expect(error.status).toBe('SUCCEEDED');
    const timeout = await runStateMachine(def, {}, { resources: { [LAMBDA]: failing('States.Timeout') } });
    expect(timeout).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
  });

  it('does not let States.ALL catch States.DataLimitExceeded, but a catcher naming it does', async () => {
    const def = fixture('catch-data-limit.asl.json');
    const events = Array.from({ length: 3000 }, (_, i) => ({
      Id: i + 1,
      Type: 'TaskStateEntered',
      Pad: 'x'.repeat(100),
    }));
    const result = await runStateMachine(def, {}, { resources: { [SDK]: async () => ({ Events: events }) } });
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: { fallback: true } });
    const failed = result.events.find((e) => e.type === 'TaskFailed');
    expect(failed?.details).toMatchObject({
      error: 'States.DataLimitExceeded',
      cause: `The state/task '${SDK}' returned a result with a size exceeding the maximum number of bytes service limit.`,
    });
    expect(types(result.events)).toContain('PassStateEntered');
    expect(result.events.some((e) => e.stateName === 'Other')).toBe(false);
  });

  it('fails the execution on States.DataLimitExceeded when only States.ALL would catch', async () => {
    const def = withCatch([{ ErrorEquals: ['States.ALL'], Next: 'ByAll' }]);
    const result = await runStateMachine(
      def,
      {},
      {
        resources: { [LAMBDA]: async () => 'x'.repeat(300_000) },
      }
    );
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
  });

  it('catches States.QueryEvaluationError with States.ALL on a Task', async () => {
    const def = machine({
      Call: {
        Type: 'Task',
        Resource: LAMBDA,
        Arguments: { x: '{% $states.input.missing %}' },
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
        End: true,
      },
      Caught: { Type: 'Pass', End: true },
    });
    const result = await runStateMachine(def, {}, { resources: { [LAMBDA]: async () => ({}) } });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({ Error: 'States.QueryEvaluationError' });
    expect(types(result.events)).toContain('EvaluationFailed');
    expect(types(result.events)).not.toContain('TaskScheduled');
  });

  it('matches error names as AWS documents', () => {
    expect(errorMatches(['States.ALL'], 'Anything')).toBe(true);
    expect(errorMatches(['States.ALL'], 'States.Timeout')).toBe(true);
    expect(errorMatches(['States.ALL'], 'States.DataLimitExceeded')).toBe(false);
    expect(errorMatches(['States.ALL'], 'States.Runtime')).toBe(false);
    expect(errorMatches(['States.TaskFailed'], 'Lambda.ServiceException')).toBe(true);
    expect(errorMatches(['States.TaskFailed'], 'States.Timeout')).toBe(false);
    expect(errorMatches(['States.TaskFailed'], 'States.DataLimitExceeded')).toBe(false);
    expect(errorMatches(['States.DataLimitExceeded'], 'States.DataLimitExceeded')).toBe(true);
    expect(errorMatches(['States.Runtime'], 'States.Runtime')).toBe(false);
    expect(errorMatches(['A', 'B'], 'B')).toBe(true);
    expect(errorMatches(['A'], 'a')).toBe(false);
  });
});
