import { describe, expect, it } from 'vitest';
import {
  type ExecutionResult,
  runStateMachine,
  StatesError,
  VirtualClock,
} from '../../../local/asl/index.js';
import { compareExecution, matches, type RecordedEvent } from './conformance/compare.js';
import {
  type IntegrationEntry,
  outOfScope,
  recordedAnswer,
  taskMachine,
} from './conformance/integrations.js';
import { loadExecutions, standIns } from './conformance/recording.js';
import { LAMBDA, machine } from './helpers.js';

/** The conformance suite's own machinery, on inline data: it must see differences, not only agree. */

// The execution role is not semantics: the comparison ignores it, so any role the recording names agrees.
const recorded: RecordedEvent[] = [
  {
    id: 1,
    type: 'ExecutionStarted',
    executionStartedEventDetails: { input: {}, roleArn: 'arn:aws:iam::111111111111:role/example-execution' },
  },
  { id: 2, type: 'PassStateEntered', stateEnteredEventDetails: { input: {}, name: 'P' } },
  {
    id: 3,
    type: 'PassStateExited',
    stateExitedEventDetails: { name: 'P', output: '[1]', outputDetails: {} },
  },
  { id: 4, type: 'ExecutionSucceeded', executionSucceededEventDetails: { output: '[1]' } },
];
const def = machine({ P: { Type: 'Pass', Output: '{% [1] %}', End: true } });

describe('compareExecution', () => {
  it('agrees with a run that writes the same events and output', async () => {
    expect(compareExecution(recorded, await runStateMachine(def, {}, { resources: {} }))).toEqual([]);
  });

  it('reports a different output, state name, event type and extra events', async () => {
    const result = await runStateMachine(def, {}, { resources: {} });
    const changed: ExecutionResult = structuredClone(result);
    changed.output = [2];
    (changed.events[2]?.details as Record<string, unknown>).name = 'Q';
    changed.events.push({ ...(changed.events[3] as ExecutionResult['events'][number]), type: 'Extra' });
    const diffs = compareExecution(recorded, changed);
    expect(diffs).toContain('output: AWS "[1]", runner [2]');
    expect(diffs).toContain('event #3 PassStateExited.name: AWS "P", runner "Q"');
    expect(diffs).toContain('the runner wrote 1 more event(s): Extra');
  });

  it('compares a masked Parallel block as a set and allows the end event the recorder dropped', async () => {
    const parallel = machine({
      Both: {
        Type: 'Parallel',
        Branches: [{ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }],
        End: true,
      },
    });
    const result = await runStateMachine(parallel, {}, { resources: {} });
    const history: RecordedEvent[] = [
      { id: 1, type: 'ExecutionStarted', executionStartedEventDetails: { input: {} } },
      { id: 2, type: 'ParallelStateEntered', stateEnteredEventDetails: { input: {}, name: 'Both' } },
      { id: 3, type: 'ParallelStateStarted' },
      { id: [0], type: 'PassStateExited', stateExitedEventDetails: { name: 'A', output: {} } },
      { id: [0], type: 'PassStateEntered', stateEnteredEventDetails: { input: {}, name: 'A' } },
      { id: 7, type: 'ParallelStateExited', stateExitedEventDetails: { name: 'Both', output: '[{}]' } },
      { id: 8, type: 'ExecutionSucceeded', executionSucceededEventDetails: { output: '[{}]' } },
    ];
    expect(compareExecution(history, result)).toEqual([]);
    (history[3] as RecordedEvent).type = 'TaskStateExited';
    expect(compareExecution(history, result)[0]).toMatch(/^branch events #4-#5/);
  });
});

describe('matches', () => {
  it('treats <placeholders>, "timestamp" and "date" as wildcards and nothing else', () => {
    expect(
      matches('arn:<partition>:lambda:<region>:1:function:f', 'arn:aws:lambda:us-east-1:1:function:f')
    ).toBe(true);
    expect(matches('arn:<partition>:lambda', 'arn:aws:sqs')).toBe(false);
    expect(matches({ at: 'timestamp', d: 'date' }, { at: 12, d: 'x' })).toBe(true);
    expect(matches({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(matches([1, 2], [1])).toBe(false);
  });
});

describe('recorded stand-ins', () => {
  it('answer each call with the recorded outcome whose request matches', async () => {
    const events: RecordedEvent[] = [
      { id: 3, type: 'TaskScheduled', taskScheduledEventDetails: { parameters: { n: 1 } } },
      { id: 4, type: 'TaskSucceeded', taskSucceededEventDetails: { output: { ok: 1 } } },
      { id: 5, type: 'TaskScheduled', taskScheduledEventDetails: { parameters: { n: 2 } } },
      {
        id: 6,
        type: 'TaskFailed',
        taskFailedEventDetails: {
          error: 'Exception',
          cause: { errorMessage: 'boom', errorType: 'Exception' },
        },
      },
    ];
    const handler = standIns(machine({ T: { Type: 'Task', Resource: LAMBDA, End: true } }), events)[LAMBDA];
    const call = (n: number) =>
      handler?.({ resource: LAMBDA, arguments: { n }, stateName: 'T', context: {} });
    await expect(call(2)).rejects.toEqual(
      new StatesError('Exception', '{"errorMessage":"boom","errorType":"Exception"}')
    );
    await expect(call(1)).resolves.toEqual({ ok: 1 });
    await expect(call(1)).rejects.toThrow('the recording has no more answers');
  });

  it('loadExecutions says undefined when the recordings are absent', () => {
    expect(loadExecutions('no/such/cases.json')).toBeUndefined();
  });
});

const call = { resource: 'r', arguments: {}, stateName: 'Task', context: {} };

describe('integration entries', () => {
  const entry: IntegrationEntry = {
    file: 'x.json',
    test: 't::T::test',
    kind: 'history-task',
    state: null,
    resource: 'arn:aws:states:::dynamodb:putItem',
    parameters: '"text"',
    outcome: 'TaskSucceeded',
    result: '[1]',
    error: null,
    cause: null,
    timeoutInSeconds: 5,
    events: [],
  };

  it('build a one-task machine from the recorded request, and answer with the recorded result', async () => {
    expect(taskMachine(entry)).toEqual({
      QueryLanguage: 'JSONata',
      StartAt: 'Task',
      States: {
        Task: { Type: 'Task', Resource: entry.resource, Arguments: 'text', TimeoutSeconds: 5, End: true },
      },
    });
    const clock = new VirtualClock();
    await expect(recordedAnswer(entry, clock)(call)).resolves.toEqual([1]);
    await recordedAnswer({ ...entry, outcome: 'TaskTimedOut' }, clock)(call);
    expect(clock.now() - Date.UTC(2026, 0, 1)).toBe(6000);
    await expect(
      recordedAnswer({ ...entry, outcome: 'TaskFailed', error: 'E', cause: { a: 1 } }, clock)(call)
    ).rejects.toEqual(new StatesError('E', '{"a":1}'));
  });

  it('name what the runner does not replay', () => {
    expect(outOfScope({ ...entry, resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken' })).toMatch(
      /callback/
    );
    expect(outOfScope({ ...entry, heartbeatInSeconds: 3 })).toMatch(/HeartbeatSeconds/);
    expect(outOfScope({ ...entry, parameters: '0.0' })).toMatch(/keeps its written form/);
    expect(outOfScope(entry)).toBeUndefined();
  });
});
