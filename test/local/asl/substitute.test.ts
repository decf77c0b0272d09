import { describe, expect, it } from 'vitest';
import { substitute } from '../../../local/asl/index.js';

/** `${name}`, written without a string literal that looks like a mistaken template. */
const ph = (name: string): string => `\${${name}}`;

describe('substitute (DefinitionSubstitutions)', () => {
  it('replaces every placeholder, including repeats', () => {
    const text = `{"a":"${ph('Queue')}","b":"${ph('Env')}-${ph('Env')}"}`;
    expect(substitute(text, { Queue: 'q.fifo', Env: 'dev' })).toBe('{"a":"q.fifo","b":"dev-dev"}');
  });

  it('throws naming a placeholder without a value', () => {
    expect(() => substitute(`{"a":"${ph('Missing')}"}`, {})).toThrow(ph('Missing'));
  });

  it('throws naming a substitution the definition never uses', () => {
    expect(() => substitute(`{"a":"${ph('A')}"}`, { A: '1', Extra: '2' })).toThrow('Extra');
  });

  it('inserts values verbatim (no second pass over the inserted text)', () => {
    expect(substitute(`"${ph('A')}"`, { A: ph('B') })).toBe(`"${ph('B')}"`);
  });
});
