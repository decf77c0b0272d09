import { describe, expect, it } from 'vitest';
import {
  type HistoryEvent,
  loadDefinition,
  runStateMachine,
  StatesError,
  VirtualClock,
} from '../../../local/asl/index.js';
import { LAMBDA, machine, secondsOf, types } from './helpers.js';

/**
 * The events and results AWS writes, as recorded on AWS (`../shared/conformance`, `../shared/fixtures/aws`)
 * or documented; each expectation names its source. These run without the recordings.
 */

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:work';

function entries(events: HistoryEvent[]): string[] {
  return events.map((e) =>
    e.type.endsWith('Entered') || e.type.endsWith('Exited') ? `${e.type} ${e.stateName}` : e.type
  );
}

const lambdaError = new StatesError(
  'Exception',
  JSON.stringify({ errorMessage: 'Some exception was raised.', errorType: 'Exception' })
);

describe('Map Items that is not an array (recorded: test_map_state_items_eval_jsonata_fail, _input_types)', () => {
  const map = (extra: object) =>
    machine({
      M: {
        Type: 'Map',
        ...extra,
        ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
        End: true,
      },
    });

  it.each([
    ['{% 1 %}', "'1'", "Expected 'array', but was 'number' for value: 1"],
    ['{% null %}', "'null'", "Expected 'array', but was 'null' for value: null"],
    [
      "{% {'foo': 'bar'} %}",
      "'{'foo': 'bar'}'",
      `Expected 'array', but was 'object' for value: {"foo":"bar"}`,
    ],
  ])('Items %s fails with AWS wording, then MapStateFailed', async (items, text, tail) => {
    const result = await runStateMachine(map({ Items: items }), {}, { resources: {} });
    const cause = `An error occurred while executing the state 'M' (entered at the event id #2). The JSONata expression ${text} specified for the field 'Items' returned an unexpected result type. ${tail}`;
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.QueryEvaluationError', cause });
    expect(types(result.events)).toEqual([
      'ExecutionStarted',
      'MapStateEntered',
      'EvaluationFailed',
      'MapStateFailed',
      'ExecutionFailed',
    ]);
    expect(result.events[2]?.details).toEqual({
      state: 'M',
      error: 'States.QueryEvaluationError',
      cause,
      location: 'Items',
    });
    expect(result.events[3]?.details).toBeUndefined();
  });

  it('an input that is not an array, without Items, has its own wording and no location', async () => {
    const result = await runStateMachine(map({}), true, { resources: {} });
    const cause =
      "An error occurred while executing the state 'M' (entered at the event id #2). Map state input must be an array but was: true";
    expect(result.cause).toBe(cause);
    expect(result.events[2]?.details).toEqual({ state: 'M', error: 'States.QueryEvaluationError', cause });
    expect(result.events[3]?.type).toBe('MapStateFailed');
  });

  it('a function as the result is "an unsupported result type"', async () => {
    const result = await runStateMachine(
      map({ Items: '{% $fn := function($x){$x} %}' }),
      {},
      { resources: {} }
    );
    expect(result.cause).toBe(
      "An error occurred while executing the state 'M' (entered at the event id #2). The JSONata expression '$fn := function($x){$x}' specified for the field 'Items' returned an unsupported result type."
    );
  });
});

describe('a Lambda function ARN as the Resource (recorded: BASE_LAMBDA_EMPTY_GLOBAL_QL_JSONATA)', () => {
  it('writes LambdaFunctionScheduled/Started/Succeeded, not Task* events', async () => {
    const def = machine({ Call: { Type: 'Task', Resource: FUNCTION_ARN, Arguments: { a: 1 }, End: true } });
    const result = await runStateMachine(
      def,
      {},
      { resources: { [FUNCTION_ARN]: async () => ({ ok: true }) } }
    );
    expect(types(result.events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(result.events[2]?.details).toEqual({ input: '{"a":1}', resource: FUNCTION_ARN });
    expect(result.events[3]?.details).toBeUndefined();
    expect(result.events[4]?.details).toEqual({ output: '{"ok":true}' });
  });

  it('a function error is LambdaFunctionFailed, retried and caught like any task error', async () => {
    const def = machine({
      Call: {
        Type: 'Task',
        Resource: FUNCTION_ARN,
        Retry: [{ ErrorEquals: ['Exception'], MaxAttempts: 1 }],
        Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'Caught' }],
        End: true,
      },
      Caught: { Type: 'Succeed' },
    });
    const result = await runStateMachine(
      def,
      {},
      {
        resources: {
          [FUNCTION_ARN]: async () => {
            throw lambdaError;
          },
        },
      }
    );
    expect(result.status).toBe('SUCCEEDED');
    expect(types(result.events).filter((t) => t === 'LambdaFunctionFailed')).toHaveLength(2);
    expect(result.events.find((e) => e.type === 'LambdaFunctionFailed')?.details).toEqual({
      error: 'Exception',
      cause: lambdaError.cause,
    });
    expect(result.output).toEqual({ Error: 'Exception', Cause: lambdaError.cause });
  });
});

describe('a failing branch or iteration (recorded: PARALLEL_CATCH_ERROR_OUTPUT, map-inline-lambda-timeout-iterations-aborted)', () => {
  const failing = {
    [LAMBDA]: async () => {
      throw lambdaError;
    },
  };
  const task = { Type: 'Task', Resource: LAMBDA, End: true };

  it('a Parallel branch ends the failed task with TaskStateAborted, then ParallelStateFailed', async () => {
    const def = machine({
      Both: {
        Type: 'Parallel',
        Branches: [{ StartAt: 'T', States: { T: task } }],
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
        End: true,
      },
      Caught: { Type: 'Succeed' },
    });
    const result = await runStateMachine(def, {}, { resources: failing });
    expect(entries(result.events)).toEqual([
      'ExecutionStarted',
      'ParallelStateEntered Both',
      'ParallelStateStarted',
      'TaskStateEntered T',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed',
      'TaskStateAborted',
      'ParallelStateFailed',
      'ParallelStateExited Both',
      'SucceedStateEntered Caught',
      'SucceedStateExited Caught',
      'ExecutionSucceeded',
    ]);
  });

  it('a Fail state ends its branch without an abort; a retried Parallel starts again and fails once', async () => {
    // Recorded: parallel-retry-then-failed (three ParallelStateStarted, one ParallelStateFailed).
    const def = machine({
      Both: {
        Type: 'Parallel',
        Branches: [
          { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'FailureType', Cause: 'Cause description' } } },
        ],
        Retry: [{ ErrorEquals: ['FailureType'], MaxAttempts: 2, IntervalSeconds: 1 }],
        End: true,
      },
    });
    const result = await runStateMachine(def, {}, { resources: {} });
    expect(types(result.events)).toEqual([
      'ExecutionStarted',
      'ParallelStateEntered',
      'ParallelStateStarted',
      'FailStateEntered',
      'ParallelStateStarted',
      'FailStateEntered',
      'ParallelStateStarted',
      'FailStateEntered',
      'ParallelStateFailed',
      'ExecutionFailed',
    ]);
    expect(result).toMatchObject({ error: 'FailureType', cause: 'Cause description' });
  });

  it('a Map iteration writes MapIterationFailed, then aborts the task, then MapStateFailed', async () => {
    const def = machine({
      M: { Type: 'Map', Items: [1], ItemProcessor: { StartAt: 'T', States: { T: task } }, End: true },
    });
    const result = await runStateMachine(def, {}, { resources: failing });
    expect(types(result.events).slice(-5)).toEqual([
      'TaskFailed',
      'MapIterationFailed',
      'TaskStateAborted',
      'MapStateFailed',
      'ExecutionFailed',
    ]);
  });
});

describe('task Credentials (recorded: test_cross_account_service_lambda_invoke_retry)', () => {
  const def = machine({
    Call: {
      Type: 'Task',
      Resource: LAMBDA,
      Arguments: { FunctionName: 'f' },
      Credentials: { RoleArn: '{% $states.input.role %}' },
      End: true,
    },
  });
  const role = 'arn:aws:iam::111111111111:role/CrossAccountRole';

  it('evaluates RoleArn, records it as taskCredentials and hands it to the handler', async () => {
    let seen: unknown;
    const result = await runStateMachine(
      def,
      { role },
      {
        resources: {
          [LAMBDA]: async (task) => {
            seen = task.credentials;
            return {};
          },
        },
      }
    );
    expect(seen).toEqual({ roleArn: role });
    expect(result.events.find((e) => e.type === 'TaskScheduled')?.details).toMatchObject({
      parameters: '{"FunctionName":"f"}',
      taskCredentials: { roleArn: role },
    });
  });

  it('a RoleArn that is not a string fails the state with States.QueryEvaluationError', async () => {
    const result = await runStateMachine(def, { role: 7 }, { resources: { [LAMBDA]: async () => ({}) } });
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.QueryEvaluationError' });
    expect(result.cause).toContain(
      "specified for the field 'Credentials/RoleArn' returned an unexpected result type"
    );
  });
});

describe('a service error from a handler (DynamoDB conditional write)', () => {
  const PUT = 'arn:aws:states:::dynamodb:putItem';
  const cause =
    'The conditional request failed (Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ConditionalCheckFailedException; Request ID: r1; Proxy: null)';
  const conflict = async () => {
    throw new StatesError('DynamoDB.ConditionalCheckFailedException', cause);
  };

  it('writes TaskFailed with the error, cause and resource, and States.TaskFailed catches it', async () => {
    const def = machine({
      Put: {
        Type: 'Task',
        Resource: PUT,
        Arguments: { TableName: 't' },
        Catch: [{ ErrorEquals: ['States.TaskFailed'], Output: '{% $states.errorOutput %}', Next: 'Seen' }],
        End: true,
      },
      Seen: { Type: 'Succeed' },
    });
    const result = await runStateMachine(def, {}, { resources: { [PUT]: conflict } });
    expect(result.events.find((e) => e.type === 'TaskFailed')?.details).toEqual({
      resourceType: 'dynamodb',
      resource: 'putItem',
      error: 'DynamoDB.ConditionalCheckFailedException',
      cause,
    });
    expect(result.output).toEqual({ Error: 'DynamoDB.ConditionalCheckFailedException', Cause: cause });
  });

  it('a retrier naming the error retries it; then the execution fails with it', async () => {
    const def = machine({
      Put: {
        Type: 'Task',
        Resource: PUT,
        Retry: [
          { ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'], MaxAttempts: 2, IntervalSeconds: 3 },
        ],
        End: true,
      },
    });
    const result = await runStateMachine(def, {}, { resources: { [PUT]: conflict } });
    expect(secondsOf(result.events, 'TaskScheduled')).toEqual([0, 3, 9]);
    expect(result).toMatchObject({
      status: 'FAILED',
      error: 'DynamoDB.ConditionalCheckFailedException',
      cause,
    });
  });

  it('passes the service result through unchanged (putItem gives {})', async () => {
    const def = machine({ Put: { Type: 'Task', Resource: PUT, End: true } });
    const result = await runStateMachine(def, {}, { resources: { [PUT]: async () => ({}) } });
    expect(result.events.find((e) => e.type === 'TaskSucceeded')?.details).toEqual({
      resourceType: 'dynamodb',
      resource: 'putItem',
      output: '{}',
    });
    expect(result.output).toEqual({});
  });
});

describe('Wait with expressions (recorded: test_wait_timestamp_jsonata)', () => {
  it('Seconds from an expression waits that long and writes only Entered/Exited', async () => {
    const def = machine({
      W: { Type: 'Wait', Seconds: '{% $states.input.pace * 2 %}', Next: 'Done' },
      Done: { Type: 'Succeed' },
    });
    const result = await runStateMachine(def, { pace: 15 }, { resources: {} });
    expect(entries(result.events)).toEqual([
      'ExecutionStarted',
      'WaitStateEntered W',
      'WaitStateExited W',
      'SucceedStateEntered Done',
      'SucceedStateExited Done',
      'ExecutionSucceeded',
    ]);
    expect(secondsOf(result.events, 'WaitStateExited')).toEqual([30]);
  });

  it('Timestamp from an expression waits until then; nanoseconds parse; a bad date fails as AWS words it', async () => {
    const def = machine({ W: { Type: 'Wait', Timestamp: '{% $states.input.at %}', End: true } });
    const ok = await runStateMachine(def, { at: '2026-01-01T00:01:00.243167252Z' }, { resources: {} });
    expect(secondsOf(ok.events, 'WaitStateExited')).toEqual([60.243]);
    const bad = await runStateMachine(def, { at: '2016-13-05T21:29:29Z' }, { resources: {} });
    expect(bad.cause).toBe(
      "An error occurred while executing the state 'W' (entered at the event id #2). The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: 2016-13-05T21:29:29Z"
    );
    expect(bad.events[2]?.details).toMatchObject({ location: 'Timestamp' });
  });
});

describe('Map over routes (recorded: MAP_CATCH_ERROR_OUTPUT)', () => {
  it('writes MapStateStarted with the length and one iteration group per route, in order', async () => {
    const POST = 'arn:aws:states:::http:invoke';
    const def = machine({
      Fan: {
        Type: 'Map',
        Items: '{% $states.input.routes %}',
        ItemSelector: {
          route: '{% $states.context.Map.Item.Value %}',
          index: '{% $states.context.Map.Item.Index %}',
        },
        ItemProcessor: {
          StartAt: 'Post',
          States: {
            Post: {
              Type: 'Task',
              Resource: POST,
              Arguments: { channel: '{% $states.input.route.channel %}' },
              Catch: [
                {
                  ErrorEquals: ['States.ALL'],
                  Output: { failed: '{% $states.input.index %}' },
                  Next: 'Skip',
                },
              ],
              Output: { sent: '{% $states.input.index %}' },
              End: true,
            },
            Skip: { Type: 'Pass', End: true },
          },
        },
        End: true,
      },
    });
    const result = await runStateMachine(
      def,
      { routes: [{ channel: 'a' }, { channel: 'b' }] },
      {
        resources: {
          [POST]: async (task) => {
            if ((task.arguments as { channel: string }).channel === 'b')
              throw new StatesError('States.Http.StatusCode.500');
            return { StatusCode: 200 };
          },
        },
      }
    );
    expect(result.output).toEqual([{ sent: 0 }, { failed: 1 }]);
    expect(entries(result.events)).toEqual([
      'ExecutionStarted',
      'MapStateEntered Fan',
      'MapStateStarted',
      'MapIterationStarted',
      'TaskStateEntered Post',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited Post',
      'MapIterationSucceeded',
      'MapIterationStarted',
      'TaskStateEntered Post',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed',
      'TaskStateExited Post',
      'PassStateEntered Skip',
      'PassStateExited Skip',
      'MapIterationSucceeded',
      'MapStateSucceeded',
      'MapStateExited Fan',
      'ExecutionSucceeded',
    ]);
    expect(result.events[2]?.details).toEqual({ length: 2 });
    expect(result.events[10]?.details).toEqual({ name: 'Fan', index: 1 });
  });
});

describe('AWS additions to JSONata', () => {
  it('$range returns a sequence: one value is that value (recorded: test_array_range)', async () => {
    const def = machine({
      R: {
        Type: 'Pass',
        Output: '{% $range($states.input.a, $states.input.b, $states.input.c) %}',
        End: true,
      },
    });
    const run = async (a: number, b: number, c: number) =>
      (await runStateMachine(def, { a, b, c }, { resources: {} })).output;
    expect(await run(1, 9, 9)).toBe(1);
    expect(await run(0, 10, 3)).toEqual([0, 3, 6, 9]);
  });
});

describe('task timeouts (recorded: map-inline-lambda-timeout-iterations-aborted)', () => {
  it('States.Timeout has no cause', async () => {
    const def = machine({ T: { Type: 'Task', Resource: LAMBDA, TimeoutSeconds: 1, End: true } });
    const clock = new VirtualClock();
    const result = await runStateMachine(
      def,
      {},
      {
        clock,
        resources: {
          [LAMBDA]: async () => {
            await clock.sleep(2000);
            return {};
          },
        },
      }
    );
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    expect(result.cause).toBeUndefined();
  });
});

describe('Credentials at load time', () => {
  const task = (credentials: unknown, language?: string) =>
    machine({
      T: {
        Type: 'Task',
        Resource: LAMBDA,
        Credentials: credentials,
        End: true,
        ...(language ? { QueryLanguage: language } : {}),
      },
    });

  it('needs a RoleArn and nothing else; a JSONPath RoleArn.$ is a JSONPath feature', () => {
    expect(() => loadDefinition(task({}))).toThrow("the field 'RoleArn' is required in Credentials");
    expect(() => loadDefinition(task({ RoleArn: 'r', Extra: 1 }))).toThrow(
      'Credentials must be an object with only a RoleArn'
    );
    expect(() => loadDefinition(task({ 'RoleArn.$': '$.role' }, 'JSONPath'))).toThrow(
      "the path key 'RoleArn.$' is a JSONPath feature"
    );
    expect(() => loadDefinition(task({ RoleArn: 'arn:aws:iam::1:role/r' }, 'JSONPath'))).not.toThrow();
  });
});

describe('Map ToleratedFailure* (recorded: test_base_map[TOLERATED_FAILURE_*])', () => {
  const map = (extra: object, fails = false) =>
    machine({
      M: {
        Type: 'Map',
        Items: [1, 2],
        ...extra,
        ItemProcessor: {
          StartAt: 'P',
          States: { P: fails ? { Type: 'Fail', Error: 'Bad' } : { Type: 'Pass', End: true } },
        },
        End: true,
      },
    });

  it('evaluates the fields and runs the Map as without them', async () => {
    const result = await runStateMachine(
      map({ ToleratedFailurePercentage: '{% $states.input.pct %}', ToleratedFailureCount: 0 }),
      { pct: 100 },
      { resources: {} }
    );
    expect(result.output).toEqual([1, 2]);
  });

  it('a value out of range fails the state; a tolerated failure is refused at run time, not ignored', async () => {
    // Recorded (JSONPath *Path variants): States.Runtime with these sentences.
    const over = await runStateMachine(
      map({ ToleratedFailurePercentage: '{% 101 %}' }),
      {},
      { resources: {} }
    );
    expect(over).toMatchObject({
      error: 'States.Runtime',
      cause:
        "An error occurred while executing the state 'M' (entered at the event id #2). ToleratedFailurePercentage must be between 0 and 100.",
    });
    const negative = await runStateMachine(map({ ToleratedFailureCount: -1 }), {}, { resources: {} });
    expect(negative.cause).toMatch(/ToleratedFailureCount cannot be negative\.$/);
    const text = await runStateMachine(map({ ToleratedFailureCount: '{% "x" %}' }), {}, { resources: {} });
    expect(text.cause).toMatch(/Expected 'integer', but was 'string' for value: "x"$/);
    const tolerated = await runStateMachine(map({ ToleratedFailureCount: 1 }, true), {}, { resources: {} });
    expect(tolerated).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(tolerated.cause).toContain('does not implement tolerated failures');
    const intolerant = await runStateMachine(map({ ToleratedFailureCount: 0 }, true), {}, { resources: {} });
    expect(intolerant).toMatchObject({ status: 'FAILED', error: 'Bad' });
  });
});

describe('a JSONPath machine whose states use no JSONPath-only field (recorded: lambda-legacy-timed-out)', () => {
  it('runs a Lambda function ARN task with TimeoutSeconds; the timeout is LambdaFunctionTimedOut without a cause', async () => {
    const clock = new VirtualClock();
    const def = {
      StartAt: 'Start',
      States: { Start: { Type: 'Task', Resource: FUNCTION_ARN, TimeoutSeconds: 5, End: true } },
    };
    const result = await runStateMachine(
      def,
      { Payload: null },
      {
        clock,
        resources: {
          [FUNCTION_ARN]: async () => {
            await clock.sleep(6000);
            return {};
          },
        },
      }
    );
    expect(types(result.events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionTimedOut',
      'ExecutionFailed',
    ]);
    expect(result.events[2]?.details).toEqual({
      input: '{"Payload":null}',
      resource: FUNCTION_ARN,
      timeoutInSeconds: 5,
    });
    expect(result.events[4]?.details).toEqual({ error: 'States.Timeout' });
  });
});

describe('optimized DynamoDB resources (recorded: test_invalid_integration)', () => {
  it('refuses an action the optimized integration does not have, pointing at aws-sdk', () => {
    const def = (action: string) =>
      machine({ Q: { Type: 'Task', Resource: `arn:aws:states:::dynamodb:${action}`, End: true } });
    expect(() => loadDefinition(def('query'))).toThrow(
      "state 'Q': the resource arn:aws:states:::dynamodb:query is not recognized (AWS refuses it at create time): the optimized DynamoDB integration has getItem, putItem, updateItem, deleteItem; use arn:aws:states:::aws-sdk:dynamodb:query"
    );
    for (const action of ['getItem', 'putItem', 'updateItem', 'deleteItem'])
      expect(() => loadDefinition(def(action))).not.toThrow();
  });
});

describe('Wait Timestamp far ahead (recorded: test_timestamp_too_far_in_future_boundary)', () => {
  const def = machine({ W: { Type: 'Wait', Timestamp: '{% $states.input.at %}', End: true } });
  const daysAhead = (days: number) => new Date(Date.UTC(2026, 0, 1) + days * 86_400_000).toISOString();

  it('24855 days ahead waits; 24856 days fails with States.Runtime "Wait state delay is too long."', async () => {
    const ok = await runStateMachine(def, { at: daysAhead(24855) }, { resources: {} });
    expect(ok.status).toBe('SUCCEEDED');
    const tooFar = await runStateMachine(def, { at: daysAhead(24856) }, { resources: {} });
    expect(tooFar).toMatchObject({
      status: 'FAILED',
      error: 'States.Runtime',
      cause:
        "An error occurred while executing the state 'W' (entered at the event id #2). Wait state delay is too long.",
    });
  });
});
