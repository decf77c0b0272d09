import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { README_END, README_START, readmePerformance, withReadmePerformance } from '../../bench/readme.js';
import type { Results } from '../../bench/results.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const results = JSON.parse(readFileSync(path.join(root, 'bench/results.json'), 'utf8')) as Results;
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

describe('the README performance table', () => {
  it('holds exactly the figures of the committed bench/results.json', () => {
    const block = readme.slice(
      readme.indexOf(README_START) + README_START.length,
      readme.indexOf(README_END)
    );
    expect(block.trim()).toBe(readmePerformance(results));
  });

  it('names every target with its figure and verdict', () => {
    const block = readmePerformance(results);
    for (const target of results.targets) {
      expect(block).toContain(
        `| ${target.target} | ${target.figure} | ${target.pass ? 'pass' : '**missed**'} |`
      );
    }
  });

  it('is replaced between the markers, leaving the rest of the README alone', () => {
    const before = `# x\n${README_START}\nold figures\n${README_END}\nafter\n`;
    const after = withReadmePerformance(before, results);
    expect(after.startsWith(`# x\n${README_START}\n`)).toBe(true);
    expect(after.endsWith(`${README_END}\nafter\n`)).toBe(true);
    expect(after).not.toContain('old figures');
  });

  it('refuses a README without the markers', () => {
    expect(() => withReadmePerformance('# no block\n', results)).toThrow(/has no performance block/);
  });
});
