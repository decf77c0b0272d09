/**
 * Readable in the console: no JSONata expression in the actions and delivery machines is longer than 300
 * characters (Comments aside). A longer one is split into named Assign variables or per-field templates.
 */
import { describe, expect, it } from 'vitest';
import { readAsl } from './asl-helpers.js';

const LIMIT = 300;

/** Every string holding `{%` in a definition, with its path, Comments excluded. */
function expressions(value: unknown, at: string): Array<{ at: string; length: number }> {
  if (typeof value === 'string') return value.includes('{%') ? [{ at, length: value.length }] : [];
  if (Array.isArray(value)) return value.flatMap((item, index) => expressions(item, `${at}/${index}`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) =>
      key === 'Comment' ? [] : expressions(item, `${at}/${key}`)
    );
  }
  return [];
}

describe.each(['actions.asl.json', 'deliver.asl.json'])('%s', (file) => {
  const found = expressions(JSON.parse(readAsl(file)), '');

  it(`has no expression over ${LIMIT} characters`, () => {
    expect(found.length).toBeGreaterThan(20);
    expect(found.filter((e) => e.length > LIMIT)).toEqual([]);
  });
});

describe('the walk', () => {
  it('finds a long expression nested in Arguments and skips Comments', () => {
    const long = `{% '${'x'.repeat(LIMIT)}' %}`;
    const found = expressions(
      { States: { A: { Comment: long, Arguments: { Body: { text: long }, List: ['plain', long] } } } },
      ''
    );
    expect(found.map((e) => e.at)).toEqual(['/States/A/Arguments/Body/text', '/States/A/Arguments/List/1']);
  });
});
