import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import { SFN_INTEGRATION_ERRORS } from '../../contract/sfn-errors.js';
import {
  aslFiles,
  type Definition,
  jsonataStrings,
  readAsl,
  successors,
  validateAsl,
} from './asl-helpers.js';

/** The `Sfn.*` error names in a definition's text that the Step Functions aws-sdk integration never raises. */
function unraisedSfnErrors(text: string): string[] {
  return [...text.matchAll(/\bSfn\.[A-Za-z]+/g)]
    .map(([name]) => name)
    .filter((name) => !SFN_INTEGRATION_ERRORS.includes(name));
}

describe('statemachines/', () => {
  it('holds the four definitions the constructs load', () => {
    expect(aslFiles()).toEqual([
      'actions.asl.json',
      'deliver.asl.json',
      'digest.asl.json',
      'notifier.asl.json',
    ]);
  });

  it('the Sfn.* name check refuses names the aws-sdk integration never raises', () => {
    expect(unraisedSfnErrors('"ErrorEquals": ["Sfn.ThrottlingException", "Sfn.SfnException"]')).toEqual([
      'Sfn.ThrottlingException',
    ]);
    expect(unraisedSfnErrors('"Sfn.ExecutionNotRedrivable", "Sfn.InvalidTokenException"')).toEqual([
      'Sfn.ExecutionNotRedrivable',
    ]);
  });

  it('asl-validator rejects a broken definition (so the checks below can fail)', () => {
    const broken = JSON.parse(readAsl('notifier.asl.json')) as Definition;
    delete (broken.States as Record<string, unknown>).Decide;
    expect(validateAsl(broken).isValid).toBe(false);
  });
});

describe.each(aslFiles())('%s', (file) => {
  const text = readAsl(file);
  const definition = JSON.parse(text) as Definition;

  it('names only Sfn.* errors the aws-sdk integration raises (modelled Sfn.<Name>Exception, else Sfn.SfnException)', () => {
    expect(unraisedSfnErrors(text)).toEqual([]);
  });

  it('passes asl-validator', () => {
    const result = validateAsl(structuredClone(definition));
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('sets "QueryLanguage": "JSONata" at the top level only, and uses no JSONPath-only field', () => {
    expect(definition.QueryLanguage).toBe('JSONata');
    const jsonPathOnly = [
      'InputPath',
      'Parameters',
      'ResultSelector',
      'ResultPath',
      'OutputPath',
      'ItemsPath',
    ];
    for (const [name, state] of Object.entries(definition.States)) {
      expect(state.QueryLanguage, name).toBeUndefined();
      for (const field of jsonPathOnly) expect(state[field], `${name}.${field}`).toBeUndefined();
      expect(
        Object.keys(state).some((key) => key.endsWith('.$')),
        name
      ).toBe(false);
    }
  });

  it('has only {% %} strings that parse with jsonata 2.0.6 and use no $eval, ?? or ?:', () => {
    const expressions = jsonataStrings(definition);
    expect(expressions.length).toBeGreaterThan(3);
    for (const { at, expression } of expressions) {
      expect(() => jsonata(expression), at).not.toThrow();
      expect(expression, at).not.toMatch(/\$eval\(|\?\?|\?:/);
    }
  });

  it('has no string that looks like JSONata but is not one (whitespace outside the delimiters)', () => {
    const loose = text.match(/"\s+\{%|%\}\s+"/g) ?? [];
    expect(loose).toEqual([]);
  });

  it('sends every Next/Default/Catch to an existing state and reaches every state', () => {
    const names = Object.keys(definition.States);
    expect(names).toContain(definition.StartAt);
    const seen = new Set<string>();
    const queue = [definition.StartAt];
    while (queue.length > 0) {
      const name = queue.shift() as string;
      if (seen.has(name)) continue;
      seen.add(name);
      const state = definition.States[name];
      expect(state, `target ${name}`).toBeDefined();
      if (state) queue.push(...successors(state));
    }
    expect([...seen].sort()).toEqual([...names].sort());
  });

  it('uses only the fields the ASL spec lists for catchers and retriers (no Comment inside a Catch)', () => {
    const catcherFields = ['ErrorEquals', 'Next', 'Output', 'Assign'];
    const retrierFields = [
      'ErrorEquals',
      'IntervalSeconds',
      'MaxAttempts',
      'BackoffRate',
      'MaxDelaySeconds',
      'JitterStrategy',
    ];
    for (const [name, state] of Object.entries(definition.States)) {
      for (const catcher of (state.Catch as Array<Record<string, unknown>> | undefined) ?? []) {
        for (const key of Object.keys(catcher)) expect(catcherFields, `${name}.Catch ${key}`).toContain(key);
      }
      for (const retrier of (state.Retry as Array<Record<string, unknown>> | undefined) ?? []) {
        for (const key of Object.keys(retrier)) expect(retrierFields, `${name}.Retry ${key}`).toContain(key);
      }
    }
  });

  it('retries with backoff and full jitter on every retrier', () => {
    for (const [name, state] of Object.entries(definition.States)) {
      for (const retrier of (state.Retry as Array<Record<string, unknown>> | undefined) ?? []) {
        expect(retrier.JitterStrategy, name).toBe('FULL');
        expect(retrier.BackoffRate as number, name).toBeGreaterThan(1);
        expect(retrier.MaxDelaySeconds, name).toBeDefined();
      }
    }
  });
});
