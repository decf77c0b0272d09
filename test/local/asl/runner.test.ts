import { describe, expect, it } from 'vitest';
import { runStateMachine, StatesError, VirtualClock } from '../../../local/asl/index.js';
import { fixture, LAMBDA, machine, START_MS, secondsOf, types } from './helpers.js';

describe('runStateMachine: states and data flow', () => {
  it('passes the input through a Pass state without Output and uses the result as a Task output', async () => {
    const def = machine({
      Keep: { Type: 'Pass', Next: 'Call' },
      Call: { Type: 'Task', Resource: LAMBDA, Arguments: { n: '{% $states.input.n * 2 %}' }, End: true },
    });
    const result = await runStateMachine(
      def,
      { n: 21 },
      {
        resources: { [LAMBDA]: async (task) => ({ got: task.arguments, state: task.stateName }) },
      }
    );
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: { got: { n: 42 }, state: 'Call' } });
  });

  it('gives a Task without Arguments its state input', async () => {
    const def = machine({ Call: { Type: 'Task', Resource: LAMBDA, End: true } });
    const result = await runStateMachine(
      def,
      { a: [1] },
      { resources: { [LAMBDA]: async (t) => t.arguments } }
    );
    expect(result.output).toEqual({ a: [1] });
  });

  it('exposes $states.context as AWS documents it', async () => {
    const def = machine({
      Ctx: {
        Type: 'Task',
        Resource: LAMBDA,
        Arguments: '{% $states.context %}',
        End: true,
      },
    });
    const arn = 'arn:aws:states:eu-west-1:111122223333:stateMachine:demo';
    const result = await runStateMachine(
      def,
      { x: 1 },
      {
        stateMachineArn: arn,
        name: 'run-1',
        clock: new VirtualClock(START_MS),
        resources: { [LAMBDA]: async (t) => t.arguments },
      }
    );
    expect(result.output).toEqual({
      Execution: {
        Id: 'arn:aws:states:eu-west-1:111122223333:execution:demo:run-1',
        Input: { x: 1 },
        Name: 'run-1',
        StartTime: '2026-01-01T00:00:00.000Z',
        RedriveCount: 0,
      },
      StateMachine: { Id: arn, Name: 'demo' },
      State: { Name: 'Ctx', EnteredTime: '2026-01-01T00:00:00.000Z', RetryCount: 0 },
    });
  });

  it('takes the first matching Choice rule, else the Default', async () => {
    const def = fixture('choice-wait.asl.json');
    const viaDefault = await runStateMachine(def, { mode: 'none' }, { resources: {} });
    expect(viaDefault.output).toEqual({ route: 'default', at: '2026-01-01T00:00:00.000Z' });
    expect(types(viaDefault.events).filter((t) => t.endsWith('Entered'))).toEqual([
      'ChoiceStateEntered',
      'PassStateEntered',
      'SucceedStateEntered',
    ]);
  });

  it('waits on the virtual clock: Seconds from an expression, Timestamp from a variable', async () => {
    // A day-long Wait: on a real timer this test could never finish within vitest's timeout.
    const def = fixture('choice-wait.asl.json');
    const clock = new VirtualClock();
    const seconds = await runStateMachine(
      def,
      { mode: 'seconds', seconds: 86_400 },
      { resources: {}, clock }
    );
    expect(seconds.output).toMatchObject({ at: '2026-01-02T00:00:00.000Z' });
    expect(clock.now()).toBe(Date.UTC(2026, 0, 2));
    const until = await runStateMachine(
      def,
      { mode: 'until', until: '2026-01-01T05:00:00+02:00' },
      { resources: {} }
    );
    expect(until.output).toMatchObject({ at: '2026-01-01T03:00:00.000Z' });
    const past = await runStateMachine(
      def,
      { mode: 'until', until: '2025-06-01T00:00:00Z' },
      { resources: {} }
    );
    expect(past.output).toMatchObject({ at: '2026-01-01T00:00:00.000Z' });
  });

  it('fails a Wait whose Timestamp is not an ISO-8601 offset date-time with States.QueryEvaluationError', async () => {
    const def = fixture('choice-wait.asl.json');
    const result = await runStateMachine(
      def,
      { mode: 'until', until: '2016-13-05T21:29:29Z' },
      { resources: {} }
    );
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.QueryEvaluationError');
    expect(result.cause).toContain(
      'The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: 2016-13-05T21:29:29Z'
    );
  });

  it('fails with States.NoChoiceMatched when no rule matches and there is no Default', async () => {
    const def = machine({
      Route: { Type: 'Choice', Choices: [{ Condition: '{% $states.input.go %}', Next: 'End' }] },
      End: { Type: 'Succeed' },
    });
    const result = await runStateMachine(def, { go: false }, { resources: {} });
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.NoChoiceMatched' });
  });

  it('fails a Choice whose Condition is not a boolean', async () => {
    const def = machine({
      Route: {
        Type: 'Choice',
        Choices: [{ Condition: '{% $states.input.go %}', Next: 'End' }],
        Default: 'End',
      },
      End: { Type: 'Succeed' },
    });
    const result = await runStateMachine(def, { go: 'yes' }, { resources: {} });
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.QueryEvaluationError' });
    expect(result.cause).toContain("'Route'");
  });

  it('ends a Fail state with its evaluated Error and Cause', async () => {
    const def = machine({
      Stop: { Type: 'Fail', Error: "{% 'App.' & $states.input.code %}", Cause: 'literal cause' },
    });
    const result = await runStateMachine(def, { code: 'Broken' }, { resources: {} });
    expect(result).toMatchObject({ status: 'FAILED', error: 'App.Broken', cause: 'literal cause' });
    expect(types(result.events)).toEqual(['ExecutionStarted', 'FailStateEntered', 'ExecutionFailed']);
    expect(result.events.at(-1)?.details).toEqual({ error: 'App.Broken', cause: 'literal cause' });
  });

  it('fails loudly with States.Runtime naming a Resource that has no handler, even past a States.ALL catcher', async () => {
    const def = machine({
      Call: {
        Type: 'Task',
        Resource: 'arn:aws:states:::sns:publish',
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
        End: true,
      },
      Caught: { Type: 'Pass', End: true },
    });
    const result = await runStateMachine(def, {}, { resources: { [LAMBDA]: async () => ({}) } });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.Runtime');
    expect(result.cause).toContain("'arn:aws:states:::sns:publish'");
  });

  it('turns a plain Error from a handler into a Lambda-style error name and JSON cause', async () => {
    const def = machine({ Call: { Type: 'Task', Resource: LAMBDA, End: true } });
    const result = await runStateMachine(
      def,
      {},
      {
        resources: {
          [LAMBDA]: async () => {
            throw new TypeError('bad input');
          },
        },
      }
    );
    expect(result).toMatchObject({ status: 'FAILED', error: 'TypeError' });
    expect(JSON.parse(result.cause ?? '')).toEqual({ errorType: 'TypeError', errorMessage: 'bad input' });
  });

  it('records a history-like trace through onEvent and in the result', async () => {
    const seen: string[] = [];
    const def = machine({
      Call: { Type: 'Task', Resource: LAMBDA, Arguments: { q: 1 }, Next: 'Done' },
      Done: { Type: 'Succeed' },
    });
    const result = await runStateMachine(
      def,
      { in: true },
      {
        resources: { [LAMBDA]: async () => ({ ok: true }) },
        onEvent: (e) => seen.push(e.type),
      }
    );
    expect(types(result.events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ]);
    expect(seen).toEqual(types(result.events));
    expect(result.events.map((e) => e.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const scheduled = result.events[2];
    expect(scheduled?.stateName).toBe('Call');
    expect(scheduled?.details).toMatchObject({
      resourceType: 'lambda',
      resource: 'invoke',
      parameters: '{"q":1}',
    });
    expect(result.events[1]?.details).toEqual({ name: 'Call', input: '{"in":true}' });
    expect(result.events.at(-1)?.details).toEqual({ output: '{"ok":true}' });
  });

  it('counts one state transition per state entered', async () => {
    const def = machine({
      A: { Type: 'Pass', Next: 'B' },
      B: { Type: 'Choice', Choices: [{ Condition: '{% true %}', Next: 'C' }] },
      C: { Type: 'Wait', Seconds: 1, Next: 'D' },
      D: { Type: 'Succeed' },
    });
    const result = await runStateMachine(def, {}, { resources: {} });
    expect(result.stateTransitions).toBe(4);
    expect(secondsOf(result.events, 'ExecutionSucceeded')).toEqual([1]);
  });

  it('stops a loop that never ends at the 25,000-event history limit', async () => {
    const def = machine({ Loop: { Type: 'Pass', Next: 'Loop' } });
    const result = await runStateMachine(def, {}, { resources: {} });
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(result.cause).toContain('25000 events');
  });

  it('fails the execution with States.Timeout when it runs past its top-level TimeoutSeconds', async () => {
    const def = {
      ...machine({ Nap: { Type: 'Wait', Seconds: 120, Next: 'Done' }, Done: { Type: 'Succeed' } }),
      TimeoutSeconds: 60,
    };
    const result = await runStateMachine(def, {}, { resources: {} });
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    expect(result.events.at(-1)?.type).toBe('ExecutionTimedOut');
  });

  it('hands the handler a copy, so a handler cannot change the state input behind the runner', async () => {
    const def = machine({
      Call: {
        Type: 'Task',
        Resource: LAMBDA,
        Arguments: '{% $states.input %}',
        Output: '{% $states.input %}',
        End: true,
      },
    });
    const result = await runStateMachine(
      def,
      { list: [1] },
      {
        resources: {
          [LAMBDA]: async (t) => {
            (t.arguments as { list: number[] }).list.push(2);
            return null;
          },
        },
      }
    );
    expect(result.output).toEqual({ list: [1] });
  });

  it('lets a handler throw StatesError for an exact error name and cause', async () => {
    const def = machine({ Call: { Type: 'Task', Resource: LAMBDA, End: true } });
    const result = await runStateMachine(
      def,
      {},
      {
        resources: {
          [LAMBDA]: async () => {
            throw new StatesError('Sfn.ExecutionDoesNotExistException', 'no such execution');
          },
        },
      }
    );
    expect(result).toMatchObject({ error: 'Sfn.ExecutionDoesNotExistException', cause: 'no such execution' });
    expect(result.events.find((e) => e.type === 'TaskFailed')?.details).toMatchObject({
      error: 'Sfn.ExecutionDoesNotExistException',
    });
  });
});
