import { describe, expect, it } from 'vitest';
import { runStateMachine, StatesError } from '../../../local/asl/index.js';
import { fixture, LAMBDA, machine } from './helpers.js';

describe('Assign: workflow variables', () => {
  it('evaluates every Assign and the Output against the values at state entry; new values show from the next state', async () => {
    const result = await runStateMachine(fixture('assign-scope.asl.json'), {}, { resources: {} });
    expect(result.output).toEqual({
      previous: { aSeenByOutput: 1, bSeenByOutput: 10 },
      a: 10,
      b: 1,
      sum: 11,
    });
  });

  it('records assignedVariables as JSON strings on the StateExited event', async () => {
    const result = await runStateMachine(fixture('assign-scope.asl.json'), {}, { resources: {} });
    const swapExit = result.events.find((e) => e.type === 'PassStateExited' && e.stateName === 'Swap');
    expect(swapExit?.details?.assignedVariables).toEqual({ a: '10', b: '1', sum: '11' });
  });

  it('shows $states.result to a Task Output and Assign, which both see the old variables', async () => {
    const def = machine({
      Init: { Type: 'Pass', Assign: { count: 1 }, Next: 'Call' },
      Call: {
        Type: 'Task',
        Resource: LAMBDA,
        Assign: { count: '{% $count + $states.result.add %}' },
        Output: { before: '{% $count %}', result: '{% $states.result %}' },
        Next: 'Read',
      },
      Read: { Type: 'Pass', Output: { merged: '{% $states.input %}', after: '{% $count %}' }, End: true },
    });
    const result = await runStateMachine(def, {}, { resources: { [LAMBDA]: async () => ({ add: 5 }) } });
    expect(result.output).toEqual({ merged: { before: 1, result: { add: 5 } }, after: 6 });
  });

  it('assigns from a Choice rule and from the Choice state itself; the rule wins on the same name', async () => {
    const def = machine({
      Route: {
        Type: 'Choice',
        Assign: { path: 'state-level', always: true },
        Choices: [
          {
            Condition: '{% $states.input.x > 1 %}',
            Assign: { path: 'rule-0' },
            Output: { chosen: 0 },
            Next: 'Read',
          },
        ],
        Default: 'Read',
      },
      Read: {
        Type: 'Pass',
        Output: { input: '{% $states.input %}', path: '{% $path %}', always: '{% $always %}' },
        End: true,
      },
    });
    const matched = await runStateMachine(def, { x: 2 }, { resources: {} });
    expect(matched.output).toEqual({ input: { chosen: 0 }, path: 'rule-0', always: true });
    const fellThrough = await runStateMachine(def, { x: 0 }, { resources: {} });
    expect(fellThrough.output).toEqual({ input: { x: 0 }, path: 'state-level', always: true });
  });

  it("evaluates a Choice rule's Assign against the entry values, not the state-level Assign's new ones", async () => {
    const def = machine({
      Init: { Type: 'Pass', Assign: { n: 1 }, Next: 'Route' },
      Route: {
        Type: 'Choice',
        Assign: { n: '{% $n + 1 %}' },
        Choices: [{ Condition: '{% $n = 1 %}', Assign: { seen: '{% $n %}' }, Next: 'Read' }],
      },
      Read: { Type: 'Pass', Output: { n: '{% $n %}', seen: '{% $seen %}' }, End: true },
    });
    const result = await runStateMachine(def, {}, { resources: {} });
    expect(result.output).toEqual({ n: 2, seen: 1 });
  });

  it('assigns from a catcher with $states.errorOutput, into the workflow scope', async () => {
    const def = machine({
      Call: {
        Type: 'Task',
        Resource: LAMBDA,
        Catch: [
          {
            ErrorEquals: ['App.Failed'],
            Assign: { failure: '{% $states.errorOutput.Error %}', input: '{% $states.input.id %}' },
            Next: 'Report',
          },
        ],
        End: true,
      },
      Report: {
        Type: 'Pass',
        Output: { failure: '{% $failure %}', id: '{% $input %}', raw: '{% $states.input %}' },
        End: true,
      },
    });
    const result = await runStateMachine(
      def,
      { id: 7 },
      {
        resources: {
          [LAMBDA]: async () => {
            throw new StatesError('App.Failed', 'why');
          },
        },
      }
    );
    expect(result.output).toEqual({
      failure: 'App.Failed',
      id: 7,
      raw: { Error: 'App.Failed', Cause: 'why' },
    });
  });

  it('does not keep a failed Assign: a variable referenced before any state assigned it is a QueryEvaluationError', async () => {
    const def = machine({
      Read: { Type: 'Pass', Output: '{% $never %}', End: true },
    });
    const result = await runStateMachine(def, {}, { resources: {} });
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.QueryEvaluationError' });
    expect(result.cause).toContain("'Output'");
  });

  it('fails with States.DataLimitExceeded when one variable is over 256 KiB', async () => {
    const def = machine({
      Big: { Type: 'Pass', Assign: { blob: "{% $pad('', 300000, 'x') %}" }, End: true },
    });
    const result = await runStateMachine(def, {}, { resources: {} });
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
    expect(result.cause).toContain("'blob'");
  });
});
