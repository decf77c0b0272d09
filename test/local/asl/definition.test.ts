import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AslDefinitionError, loadDefinition, runStateMachine } from '../../../local/asl/index.js';
import { LAMBDA, machine, repoRoot } from './helpers.js';

function refused(def: unknown): string {
  try {
    loadDefinition(def as object);
  } catch (error) {
    expect(error).toBeInstanceOf(AslDefinitionError);
    return (error as Error).message;
  }
  throw new Error('expected the definition to be refused');
}

describe('loading a definition', () => {
  it("takes each state's QueryLanguage, else the top level's, else JSONPath", async () => {
    // AWS runs a JSONPath-default machine whose states each say JSONata.
    const perState = {
      StartAt: 'A',
      States: {
        A: { Type: 'Pass', QueryLanguage: 'JSONata', Output: '{% $states.input.x + 1 %}', End: true },
      },
    };
    expect(await runStateMachine(perState, { x: 1 }, { resources: {} })).toMatchObject({ output: 2 });
    // Without a QueryLanguage the state is JSONPath, where Output does not exist.
    expect(refused({ StartAt: 'A', States: { A: { Type: 'Pass', Output: 1, End: true } } })).toBe(
      `state 'A': 'Output' is a JSONata field, not valid in a JSONPath state (set "QueryLanguage": "JSONata" on the state or the state machine)`
    );
    expect(refused({ QueryLanguage: 'XPath', StartAt: 'A', States: { A: { Type: 'Succeed' } } })).toContain(
      'must be JSONata or JSONPath'
    );
    expect(refused(machine({ A: { Type: 'Pass', QueryLanguage: 'Jsonata', End: true } }))).toContain(
      "state 'A': QueryLanguage must be JSONata or JSONPath"
    );
  });

  it('runs a JSONPath state that uses no JSONPath-only field, its values as literals', async () => {
    const def = machine({
      A: { Type: 'Pass', QueryLanguage: 'JSONPath', Assign: { literal: '{% 1 + 1 %}' }, Next: 'B' },
      B: { Type: 'Pass', Output: '{% $literal %}', End: true },
    });
    expect(await runStateMachine(def, {}, { resources: {} })).toMatchObject({ output: '{% 1 + 1 %}' });
    for (const [field, value] of [
      ['OutputPath', '$.x'],
      ['Parameters', { a: 1 }],
      ['Result', 1],
    ] as const)
      expect(
        refused(machine({ A: { Type: 'Pass', QueryLanguage: 'JSONPath', [field]: value, End: true } }))
      ).toContain(`the field '${field}' in a JSONPath Pass state is a JSONPath feature`);
    expect(
      refused(
        machine({ A: { Type: 'Pass', QueryLanguage: 'JSONPath', Assign: { 'x.$': '$.a' }, End: true } })
      )
    ).toContain("the path key 'x.$' is a JSONPath feature");
    expect(
      refused({
        StartAt: 'C',
        States: {
          C: { Type: 'Choice', Choices: [{ Variable: '$.x', IsNull: true, Next: 'D' }] },
          D: { Type: 'Succeed' },
        },
      })
    ).toContain('a JSONPath Choice state (JSONPath Choice rules) is a JSONPath feature');
  });

  it.each(['InputPath', 'Parameters', 'ResultSelector', 'ResultPath', 'OutputPath'])(
    'refuses the JSONPath-only field %s',
    (field) => {
      const message = refused(machine({ A: { Type: 'Task', Resource: LAMBDA, [field]: '$.x', End: true } }));
      expect(message).toBe(`state 'A': '${field}' is a JSONPath-only field, not valid in a JSONata state`);
    }
  );

  it('takes keys ending in .$ literally in JSONata, as AWS does (keys are never evaluated)', async () => {
    const def = machine({
      A: {
        Type: 'Task',
        Resource: LAMBDA,
        Arguments: { 'x.$': '$.x' },
        Output: { 'y.$': '{% 1 %}' },
        End: true,
      },
    });
    let seen: unknown;
    const result = await runStateMachine(
      def,
      {},
      {
        resources: {
          [LAMBDA]: async (task) => {
            seen = task.arguments;
            return {};
          },
        },
      }
    );
    expect(seen).toEqual({ 'x.$': '$.x' });
    expect(result.output).toEqual({ 'y.$': 1 });
  });

  it('refuses JSONPath Choice rules', () => {
    const def = machine({
      C: { Type: 'Choice', Choices: [{ Variable: '$.x', StringEquals: 'a', Next: 'D' }] },
      D: { Type: 'Succeed' },
    });
    expect(refused(def)).toContain('JSONPath Choice syntax');
  });

  it('refuses Distributed Map and its readers and writers', () => {
    const map = (extra: object, config?: object) =>
      machine({
        M: {
          Type: 'Map',
          ItemProcessor: {
            ...(config ? { ProcessorConfig: config } : {}),
            StartAt: 'P',
            States: { P: { Type: 'Pass', End: true } },
          },
          ...extra,
          End: true,
        },
      });
    expect(refused(map({}, { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }))).toContain(
      "Mode 'DISTRIBUTED' is not supported by the local runner"
    );
    expect(refused(map({ ItemReader: { Resource: 'arn:aws:states:::s3:getObject' } }))).toContain(
      "field 'ItemReader' is not supported by the local runner"
    );
    expect(refused(map({ Items: { a: 1 } }))).toContain('JSON array');
    expect(() => loadDefinition(map({ Items: [1, 2] }, { Mode: 'INLINE' }))).not.toThrow();
  });

  it('runs a branch that assigns a name the outer scope assigns, keeping the value in the branch', async () => {
    const def = machine({
      Set: { Type: 'Pass', Assign: { total: 0 }, Next: 'Both' },
      Both: {
        Type: 'Parallel',
        Branches: [
          {
            StartAt: 'B',
            States: {
              B: { Type: 'Pass', Assign: { total: 1 }, Next: 'C' },
              C: { Type: 'Pass', Output: '{% $total %}', End: true },
            },
          },
        ],
        Output: { branch: '{% $states.result[0] %}', outer: '{% $total %}' },
        End: true,
      },
    });
    const result = await runStateMachine(def, {}, { resources: {} });
    expect(result.output).toEqual({ branch: 1, outer: 0 });
  });

  it('refuses known fields the runner does not implement', () => {
    expect(
      refused(machine({ A: { Type: 'Task', Resource: LAMBDA, HeartbeatSeconds: 5, End: true } }))
    ).toContain("field 'HeartbeatSeconds' is not supported by the local runner");
  });

  it('refuses $states.result outside a Task Output/Assign and $states.errorOutput outside a catcher', () => {
    expect(refused(machine({ A: { Type: 'Pass', Output: '{% $states.result %}', End: true } }))).toContain(
      '$states.result'
    );
    expect(
      refused(
        machine({ A: { Type: 'Task', Resource: LAMBDA, Arguments: '{% $states.result %}', End: true } })
      )
    ).toContain('$states.result');
    expect(
      refused(
        machine({ A: { Type: 'Task', Resource: LAMBDA, Output: '{% $states.errorOutput %}', End: true } })
      )
    ).toContain('$states.errorOutput');
  });

  it('refuses references to the implicit root input', () => {
    expect(refused(machine({ A: { Type: 'Pass', Output: '{% foo.bar %}', End: true } }))).toContain(
      "field name 'foo'"
    );
    expect(refused(machine({ A: { Type: 'Pass', Output: '{% $count($) %}', End: true } }))).toContain("'$'");
    // names after the first path step and in filters are relative, so fine
    expect(() =>
      loadDefinition(
        machine({ A: { Type: 'Pass', Output: "{% $states.input.items[kind = 'x'].id %}", End: true } })
      )
    ).not.toThrow();
  });

  it('refuses an expression that does not parse', () => {
    expect(refused(machine({ A: { Type: 'Pass', Output: '{% $states.input. %}', End: true } }))).toContain(
      'does not parse'
    );
  });

  it('refuses JSONata 2.1 operators, which 2.0.6 (the AWS version) does not have', () => {
    expect(
      refused(machine({ A: { Type: 'Pass', Output: "{% $states.input.a ?? 'x' %}", End: true } }))
    ).toContain('does not parse');
  });

  it('refuses States.ALL that is not alone and last', () => {
    const task = (retry: unknown) =>
      machine({ A: { Type: 'Task', Resource: LAMBDA, Retry: retry, End: true } });
    expect(refused(task([{ ErrorEquals: ['States.ALL', 'X'] }]))).toContain('States.ALL');
    expect(refused(task([{ ErrorEquals: ['States.ALL'] }, { ErrorEquals: ['X'] }]))).toContain('States.ALL');
  });

  it('refuses invalid retrier values', () => {
    const task = (retrier: object) =>
      machine({
        A: { Type: 'Task', Resource: LAMBDA, Retry: [{ ErrorEquals: ['X'], ...retrier }], End: true },
      });
    expect(refused(task({ JitterStrategy: 'HALF' }))).toContain('JitterStrategy');
    expect(refused(task({ BackoffRate: 0.5 }))).toContain('BackoffRate');
    expect(refused(task({ MaxDelaySeconds: 0 }))).toContain('MaxDelaySeconds');
    expect(refused(task({ IntervalSeconds: 0 }))).toContain('IntervalSeconds');
  });

  it('refuses fields the spec does not list inside a retrier or a catcher, Comment included', () => {
    const task = (entry: Record<string, unknown>) =>
      machine({
        A: { Type: 'Task', Resource: LAMBDA, Comment: 'allowed on the state', ...entry, End: true },
        B: { Type: 'Succeed' },
      });
    expect(refused(task({ Retry: [{ ErrorEquals: ['X'], Comment: 'why' }] }))).toBe(
      "state 'A' Retry/0: unknown retrier field 'Comment' (a retrier has ErrorEquals, IntervalSeconds, MaxAttempts, BackoffRate, MaxDelaySeconds, JitterStrategy)"
    );
    expect(refused(task({ Catch: [{ ErrorEquals: ['States.ALL'], Next: 'B', Comment: 'why' }] }))).toBe(
      "state 'A' Catch/0: unknown catcher field 'Comment' (a catcher has ErrorEquals, Next, Output, Assign)"
    );
    expect(refused(task({ Retry: [{ ErrorEquals: ['X'], Interval: 2 }] }))).toContain(
      "unknown retrier field 'Interval'"
    );
    // Every field the spec lists is still accepted.
    expect(() =>
      loadDefinition(
        task({
          Retry: [
            {
              ErrorEquals: ['X'],
              IntervalSeconds: 1,
              MaxAttempts: 2,
              BackoffRate: 2,
              MaxDelaySeconds: 5,
              JitterStrategy: 'FULL',
            },
          ],
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'B', Output: {}, Assign: { x: 1 } }],
        }) as object
      )
    ).not.toThrow();
  });

  it.each(readdirSync(path.join(repoRoot, 'statemachines')).filter((f) => f.endsWith('.asl.json')))(
    'still loads statemachines/%s',
    (file) => {
      expect(() =>
        loadDefinition(readFileSync(path.join(repoRoot, 'statemachines', file), 'utf8'))
      ).not.toThrow();
    }
  );

  it('checks a definition text once: the same text gives the same frozen machine; a bad text fails each time', () => {
    const text = JSON.stringify(machine({ A: { Type: 'Pass', Output: '{% 1 + 1 %}', End: true } }));
    const first = loadDefinition(text);
    expect(loadDefinition(text)).toBe(first);
    expect(Object.isFrozen(first.States.A)).toBe(true);
    expect(() => {
      (first.States.A as { Next?: string }).Next = 'B';
    }).toThrow(TypeError);
    const bad = JSON.stringify(machine({ A: { Type: 'Pass', Output: '{% 1 + %}', End: true } }));
    expect(() => loadDefinition(bad)).toThrow(AslDefinitionError);
    expect(() => loadDefinition(bad)).toThrow(AslDefinitionError);
  });

  it('refuses transitions to states that do not exist, and bad variable names', () => {
    expect(refused(machine({ A: { Type: 'Pass', Next: 'Nowhere' } }))).toContain("'Nowhere'");
    expect(refused(machine({ A: { Type: 'Pass', Assign: { 'a.b': 1 }, End: true } }))).toContain("'a.b'");
    expect(refused(machine({ A: { Type: 'Pass', Assign: { states: 1 }, End: true } }))).toContain('reserved');
  });

  it('rejects from runStateMachine before anything runs', async () => {
    let called = false;
    const def = machine({
      A: {
        Type: 'Task',
        Resource: LAMBDA,
        Parameters: {},
        End: true,
      },
    });
    await expect(
      runStateMachine(
        def,
        {},
        {
          resources: {
            [LAMBDA]: async () => {
              called = true;
            },
          },
        }
      )
    ).rejects.toThrow(AslDefinitionError);
    expect(called).toBe(false);
  });
});
