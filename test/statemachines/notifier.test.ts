/**
 * statemachines/notifier.asl.json read as data: settings arrive as one JSON value and never as text inside an
 * expression, they are assigned once, expressions stay short enough to read in the console, and every failure
 * after the event arrived has a path to a queued message. Behaviour is run in notifier-run.test.ts and
 * notifier-routes.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { type Definition, jsonataStrings, placeholders, readAsl, type State } from './asl-helpers.js';

const text = readAsl('notifier.asl.json');
const SETTINGS_PLACEHOLDER = ['$', '{Settings}'].join('');
const definition = JSON.parse(text) as Definition;

/** Every state, the Map iterations' included, by name. */
function allStates(states: Record<string, State> = definition.States): Record<string, State> {
  const out: Record<string, State> = {};
  for (const [name, s] of Object.entries(states)) {
    out[name] = s;
    const inner = (s.ItemProcessor as { States?: Record<string, State> } | undefined)?.States;
    if (inner) Object.assign(out, allStates(inner));
  }
  return out;
}
const states = allStates();
const errorsOf = (s: State | undefined, key: 'Retry' | 'Catch') =>
  ((s?.[key] ?? []) as Array<{ ErrorEquals: string[]; Next?: string }>).map((r) => [r.ErrorEquals, r.Next]);

describe('notifier.asl.json: settings', () => {
  it('has its placeholders: resource names and store keys as substitutions, the settings as one JSON value', () => {
    expect([...placeholders(text)].sort()).toEqual([
      'FormatterFunctionArn',
      'MentionPattern',
      'MutePartitionPrefix',
      'MuteRetentionSeconds',
      'QueueUrl',
      'Settings',
      'TableName',
    ]);
    const settings = definition.States.Settings as State;
    expect((settings.Assign as Record<string, unknown>).settings).toBe(SETTINGS_PLACEHOLDER);
    // Never pasted into an expression, but for the tag mention's pattern (contract/settings.ts TAG_MENTION, a
    // constant, never a setting): JSONata builds a regex only from a literal.
    for (const { at, expression } of jsonataStrings(definition)) {
      expect(expression.replace(`/${'$'}{MentionPattern}/`, ''), at).not.toContain('${');
    }
  });

  it('assigns the settings once, in the first state (no copies on each path out of Describe)', () => {
    expect(definition.StartAt).toBe('Settings');
    const assigning = Object.entries(states).filter(([, s]) =>
      JSON.stringify([s.Assign, s.Catch, s.Choices]).includes('"settings"')
    );
    expect(assigning.map(([name]) => name)).toEqual(['Settings']);
  });

  it("builds the formatter's payload from named values (expression-length.test.ts holds every expression to 300)", () => {
    // The formatter's payload, once a 653-character line, is built from named values.
    const payload = ((states.FormatRoute as State).Arguments as { Payload: string }).Payload;
    expect(payload.length).toBeLessThan(200);
    expect(payload).toContain('$event');
    expect(payload).toContain('$target');
  });
});

describe('notifier.asl.json: routes', () => {
  it('reads tags only when the settings ask for it; one route without tags skips the routing states', () => {
    expect(states.Route?.Choices).toEqual([
      { Condition: '{% $settings.readTags %}', Next: 'Tags' },
      { Condition: '{% $count($settings.routes) > 1 %}', Next: 'OpenRoutes' },
    ]);
    expect(states.Route?.Default).toBe('SingleRoute');
    expect(states.SingleRoute?.Default).toBe('NoRoute');
    const single = states.SingleRoute as State & { Choices: Array<{ Next: string }> };
    expect(single.Choices.map((c) => c.Next)).toEqual(['Describe']);
    expect(states.Tags?.Resource).toBe('arn:aws:states:::aws-sdk:sfn:listTagsForResource');
  });

  it('formats and enqueues in a Map over the destinations, one iteration each', () => {
    expect(states.Notify).toMatchObject({ Type: 'Map', Items: '{% $deliveries %}' });
    expect(((states.Notify as State).ItemProcessor as { StartAt: string }).StartAt).toBe('RouteStart');
    expect(((states.Enqueue as State).Arguments as { MessageGroupId: string }).MessageGroupId).toBe(
      '{% $group %}'
    );
  });
});

describe('notifier.asl.json: degrade, never drop', () => {
  it('catches States.DataLimitExceeded by name (States.ALL does not) wherever a task can fail', () => {
    for (const name of ['Describe', 'Tags', 'FetchHistory', 'Fold', 'FormatRoute']) {
      const caught = errorsOf(states[name], 'Catch').map(([errors]) => errors);
      expect(caught, name).toContainEqual(['States.DataLimitExceeded']);
      expect(caught, name).toContainEqual(['States.ALL']);
    }
  });

  it('turns every failure in an iteration into the event-only message for that destination', () => {
    for (const name of ['FormatRoute', 'Enqueue']) {
      const targets = errorsOf(states[name], 'Catch').map(([, next]) => next);
      expect(
        targets.every((next) => next === 'EventOnlyFacts' || next === 'AfterOversize'),
        name
      ).toBe(true);
    }
    // An answer that is not a message raises in FormatRoute's Output, so its Catch takes it (no Choice per message).
    expect((states.FormatRoute as State).Output).toMatch(
      /kind = 'message' \? \$states\.result\.Payload : \$error\(/
    );
    expect(states.FormatRoute?.Next).toBe('Enqueue');
    // The last resort has no Catch: it retries, then the execution fails and the NotifierFailed alarm fires.
    expect(states.EnqueueEventOnly?.Catch).toBeUndefined();
    expect(errorsOf(states.EnqueueEventOnly, 'Retry')[0]?.[0]).toEqual(['States.ALL']);
  });

  it('goes on without the history or the definition, never stops there', () => {
    expect(errorsOf(states.Describe, 'Catch').map(([, next]) => next)).toEqual([
      'FetchHistory',
      'FetchHistory',
    ]);
    expect(errorsOf(states.FetchHistory, 'Catch').map(([, next]) => next)).toEqual(['Notify', 'Notify']);
    expect(errorsOf(states.Fold, 'Catch').map(([, next]) => next)).toEqual(['Notify', 'Notify']);
  });

  it('a mute that cannot be counted sends the notification instead', () => {
    expect(errorsOf(states.CountHeld, 'Catch')).toEqual([[['States.ALL'], 'Describe']]);
  });
});
