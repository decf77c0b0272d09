import { describe, expect, it } from 'vitest';
import { ERROR_NAME_SOURCES, KNOWN_ERROR_NAMES } from '../../contract/aws-errors.js';
import { aslFiles, readAsl } from './asl-helpers.js';

/** Every name in a `Retry` or `Catch` of a definition, at any depth (Map and Parallel states included). */
function retryAndCatchNames(definition: unknown): string[] {
  const names: string[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) walk(item);
      return;
    }
    if (!value || typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value)) {
      if ((key === 'Retry' || key === 'Catch') && Array.isArray(child)) {
        for (const rule of child as { ErrorEquals?: string[] }[]) names.push(...(rule.ErrorEquals ?? []));
      }
      walk(child);
    }
  };
  walk(definition);
  return names;
}

const unknownNames = (definition: unknown) =>
  retryAndCatchNames(definition).filter((n) => !KNOWN_ERROR_NAMES.has(n));

describe('contract/aws-errors', () => {
  it('cites a documentation page or an AWS recording for every name, once each', () => {
    for (const { name, source } of ERROR_NAME_SOURCES) {
      expect(source, name).toMatch(/^(https:\/\/docs\.aws\.amazon\.com\/|rec:)/);
    }
    expect(KNOWN_ERROR_NAMES.size).toBe(ERROR_NAME_SOURCES.length);
  });

  it('holds none of the names AWS never raises', () => {
    for (const never of [
      'DynamoDB.RequestLimitExceeded',
      'DynamoDB.InternalServerError',
      'DynamoDB.ThrottlingException',
      'Sfn.ThrottlingException',
    ]) {
      expect(KNOWN_ERROR_NAMES.has(never), never).toBe(false);
    }
  });

  it('the check finds an unlisted name nested in a Map iteration', () => {
    const definition = {
      States: {
        M: {
          Type: 'Map',
          ItemProcessor: {
            States: {
              T: { Type: 'Task', Retry: [{ ErrorEquals: ['DynamoDB.ThrottlingException', 'States.ALL'] }] },
            },
          },
        },
      },
    };
    expect(unknownNames(definition)).toEqual(['DynamoDB.ThrottlingException']);
  });
});

describe.each(aslFiles())('%s', (file) => {
  it('names only errors from contract/aws-errors.ts in its Retry and Catch fields', () => {
    expect(unknownNames(JSON.parse(readAsl(file)))).toEqual([]);
  });
});
