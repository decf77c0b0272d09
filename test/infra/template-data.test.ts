import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceUsesExecutionData, templateUsesExecutionData } from '../../infra/template-data.js';
import { tempDir } from '../temp-dirs.js';

describe('templateUsesExecutionData', () => {
  it('finds a read of an input or output field', () => {
    expect(sourceUsesExecutionData('{ "text": execution.input }')).toBe(true);
    expect(sourceUsesExecutionData('{ "text": $.output }')).toBe(true);
  });

  it('ignores the words in labels, comments, other identifiers and variables', () => {
    expect(sourceUsesExecutionData('{ "text": "input and output" } /* input */')).toBe(false);
    expect(sourceUsesExecutionData("{ 'text': 'output', 'x': inputs, 'y': $input }")).toBe(false);
  });

  it('the built-in templates do not read them, so the formatter gets neither', () => {
    expect(templateUsesExecutionData('detailed')).toBe(false);
    expect(templateUsesExecutionData('compact')).toBe(false);
    expect(templateUsesExecutionData('no-such-template')).toBe(false);
  });

  it('reads a template file given by path', () => {
    const file = path.join(tempDir('template-data-'), 'mine.jsonata');
    writeFileSync(file, '{ "text": summary.execution.output }');
    expect(templateUsesExecutionData(file)).toBe(true);
  });
});
