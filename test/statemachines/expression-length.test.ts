/**
 * Expressions short enough to read in the Step Functions console: no JSONata expression (a string holding `{%`,
 * Comments excepted) longer than 300 characters in any state machine file. A longer one should
 * name its intermediate values with `Assign`, or take a smaller state of its own.
 */
import { describe, expect, it } from 'vitest';
import { withSourceCredentials } from '../../contract/source-credentials.js';
import { aslFiles, type Definition, readAsl, type State } from './asl-helpers.js';

/** The limit, in characters of the whole string (`{% … %}` included). */
const MAX_EXPRESSION = 300;
/** Every state machine file is held to the limit. */
const FILES = aslFiles();

interface LongExpression {
  readonly state: string;
  readonly field: string;
  readonly length: number;
}

/** Every expression over `limit` characters, named by its state (Map and Parallel states' inner ones too) and field. */
function longExpressions(definition: Pick<Definition, 'States'>, limit: number): LongExpression[] {
  const found: LongExpression[] = [];
  const visit = (value: unknown, state: string, field: string): void => {
    if (typeof value === 'string') {
      if (value.includes('{%') && value.length > limit) found.push({ state, field, length: value.length });
      return;
    }
    if (Array.isArray(value)) {
      for (const [index, item] of value.entries()) visit(item, state, `${field}[${index}]`);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    for (const [key, item] of Object.entries(value)) {
      if (key === 'Comment') continue;
      // A Map's or Parallel's own states are named on their own.
      if (key === 'States' && field.endsWith('ItemProcessor')) continue;
      if (key === 'Branches') continue;
      visit(item, state, field === '' ? key : `${field}.${key}`);
    }
  };
  const walk = (states: Record<string, State>): void => {
    for (const [name, state] of Object.entries(states)) {
      visit(state, name, '');
      const inner = (state.ItemProcessor as { States?: Record<string, State> } | undefined)?.States;
      if (inner) walk(inner);
      for (const branch of (state.Branches ?? []) as Array<{ States: Record<string, State> }>)
        walk(branch.States);
    }
  };
  walk(definition.States);
  return found;
}

const describeAll = (file: string, found: readonly LongExpression[]) =>
  found.map(
    (e) =>
      `${file}: state ${e.state}, field ${e.field}: ${e.length} characters (at most ${MAX_EXPRESSION}); name its intermediate values with Assign or give it a smaller state`
  );

describe('expression length', () => {
  it('checks all four machines', () => {
    expect(FILES).toEqual(['actions.asl.json', 'deliver.asl.json', 'digest.asl.json', 'notifier.asl.json']);
  });

  for (const file of FILES) {
    it(`${file}: every expression is at most ${MAX_EXPRESSION} characters`, () => {
      const definition = JSON.parse(readAsl(file)) as Definition;
      expect(describeAll(file, longExpressions(definition, MAX_EXPRESSION))).toEqual([]);
    });
  }

  it.each([
    ['actions.asl.json', 'act', 'RedriveInRegion'],
    ['notifier.asl.json', 'read', 'SourceRegion'],
  ] as const)(
    `%s as a central environment deploys it (role Credentials, region gates): at most ${MAX_EXPRESSION} characters`,
    (file, kind, added) => {
      const definition = JSON.parse(withSourceCredentials(readAsl(file), 'org', kind)) as Definition;
      const names = (states: Record<string, State>): string[] =>
        Object.entries(states).flatMap(([name, state]) => [
          name,
          ...names((state.ItemProcessor as { States?: Record<string, State> } | undefined)?.States ?? {}),
        ]);
      expect(names(definition.States)).toContain(added);
      expect(describeAll(`${file} (central)`, longExpressions(definition, MAX_EXPRESSION))).toEqual([]);
    }
  );

  it('names the state and field of a long expression, inside a Map and a Parallel too, and skips Comments', () => {
    const long = `{% ${'$x & '.repeat(80)}1 %}`;
    const definition = {
      States: {
        Top: { Type: 'Pass', Comment: long, Assign: { short: '{% 1 %}', wide: long }, Next: 'Each' },
        Each: {
          Type: 'Map',
          ItemProcessor: {
            StartAt: 'Inner',
            States: {
              Inner: { Type: 'Task', Catch: [{ ErrorEquals: ['States.ALL'], Assign: { why: long } }] },
            },
          },
          Next: 'Both',
        },
        Both: {
          Type: 'Parallel',
          Branches: [{ StartAt: 'B', States: { B: { Type: 'Pass', Output: long } } }],
        },
      },
    } as unknown as Definition;
    expect(longExpressions(definition, MAX_EXPRESSION).map((e) => `${e.state} ${e.field}`)).toEqual([
      'Top Assign.wide',
      'Inner Catch[0].Assign.why',
      'B Output',
    ]);
    expect(describeAll('x.asl.json', longExpressions(definition, MAX_EXPRESSION))[0]).toMatch(
      /^x\.asl\.json: state Top, field Assign\.wide: \d+ characters \(at most 300\)/
    );
  });
});
