/**
 * statemachines/notifier.asl.json read as data: the settings and the fallback table arrive as JSON values and
 * never as text inside an expression, the machine only takes the path the formatter's decision names, and every
 * failure after the event arrived has a way to a queued message. Behaviour is run in notifier-run.test.ts and
 * notifier-routes.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { type Definition, jsonataStrings, placeholders, readAsl, type State } from './asl-helpers.js';

const text = readAsl('notifier.asl.json');
const definition = JSON.parse(text) as Definition;
const states = definition.States;
const errorsOf = (s: State | undefined, key: 'Retry' | 'Catch') =>
  ((s?.[key] ?? []) as Array<{ ErrorEquals: string[]; Next?: string }>).map((r) => [r.ErrorEquals, r.Next]);

describe('notifier.asl.json: settings', () => {
  it('has resource names as substitutions, the settings and the fallback table as JSON values', () => {
    expect([...placeholders(text)].sort()).toEqual([
      'Fallback',
      'FormatterFunctionArn',
      'QueueUrl',
      'Settings',
    ]);
    expect(states.Format?.Arguments).toMatchObject({ Payload: { settings: ['$', '{Settings}'].join('') } });
    expect(states.FallbackFacts?.Output).toEqual({ fallback: ['$', '{Fallback}'].join('') });
    for (const { at, expression } of jsonataStrings(definition)) expect(expression, at).not.toContain('${');
  });

  it('ports no routing to JSONata: no expression reads routes, tags or statuses of the settings', () => {
    for (const { at, expression } of jsonataStrings(definition)) {
      expect(expression, at).not.toMatch(/routes|tagOverrides|allowedChannels|sfn-slack:/);
    }
  });
});

describe('notifier.asl.json: the decision is a Choice', () => {
  it('Decide sends, holds or ends on the formatter’s answer; anything else is the fallback', () => {
    const decide = states.Decide as State & { Choices: Array<{ Next: string }>; Default: string };
    expect(decide.Type).toBe('Choice');
    expect(decide.Choices.map((c) => c.Next)).toEqual(['Enqueue', 'HoldWhileMuted', 'NoMessage']);
    expect(decide.Default).toBe('FallbackFacts');
    expect(states.HoldWhileMuted).toMatchObject({ Type: 'Wait', Next: 'Format' });
    expect(states.Enqueue?.Resource).toBe('arn:aws:states:::aws-sdk:sqs:sendMessageBatch');
  });
});

describe('notifier.asl.json: degrade, never drop', () => {
  it('catches States.DataLimitExceeded by name (States.ALL does not) where a payload can grow', () => {
    for (const name of ['FetchHistory', 'Format']) {
      const caught = errorsOf(states[name], 'Catch').map(([errors]) => errors);
      expect(caught, name).toContainEqual(['States.DataLimitExceeded']);
      expect(caught, name).toContainEqual(['States.ALL']);
    }
  });

  it('sends every failure of Format or Enqueue to the fallback; the history’s to the formatter', () => {
    for (const name of ['Format', 'Enqueue']) {
      expect(
        errorsOf(states[name], 'Catch').every(([, next]) => next === 'FallbackFacts'),
        name
      ).toBe(true);
    }
    expect(errorsOf(states.FetchHistory, 'Catch').map(([, next]) => next)).toEqual(['Format', 'Format']);
    // The last resort has no Catch: it retries, then the execution fails and the NotifierFailed alarm fires.
    expect(states.EnqueueFallback?.Catch).toBeUndefined();
    expect(errorsOf(states.EnqueueFallback, 'Retry')[0]?.[0]).toEqual(['States.ALL']);
  });
});
