/**
 * The docs list what the code defines, derived here so they cannot drift again: README.md's command table is
 * every command `sfn-slack` registers (cli/program.ts), its configuration table every key an environment may
 * have (contract/settings.ts KNOWN_KEYS), and every option docs/cli.md names exists on some command.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../cli/program.js';
import { KNOWN_KEYS } from '../../contract/settings.js';
import { captureIo } from '../cli/helpers.js';

const root = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const program = buildProgram(captureIo());

/** The first cells of the markdown table whose header row starts with `| <header> |`. */
function firstColumn(markdown: string, header: string): string[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`| ${header} |`));
  expect(start, `a table with the header "${header}"`).toBeGreaterThanOrEqual(0);
  const cells: string[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    cells.push(line.split('|')[1]?.trim() ?? '');
  }
  return cells;
}

const codeNames = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1] as string);

describe('README.md', () => {
  const readme = read('README.md');

  it('lists every command, and only those', () => {
    const listed = firstColumn(readme, 'command').flatMap(codeNames);
    expect([...listed].sort()).toEqual(program.commands.map((command) => command.name()).sort());
  });

  it('lists every configuration key of an environment, and only those', () => {
    const listed = firstColumn(readme, 'key').flatMap(codeNames);
    expect([...listed].sort()).toEqual([...KNOWN_KEYS].sort());
  });

  it('states no test count (it would go stale with the next test)', () => {
    expect(readme).not.toMatch(/\b\d[\d,]* tests\b/);
  });
});

describe('docs/cli.md', () => {
  it('names only options some command has', () => {
    const existing = new Set(['--help', '--version']);
    for (const command of program.commands) {
      for (const option of command.options as Option[]) if (option.long) existing.add(option.long);
    }
    // The typo the docs show being corrected, and the AWS CLI's option in the replay role's tagging example.
    const examples = new Set(['--histroy', '--role-name']);
    const named = new Set(read('docs/cli.md').match(/(?<![\w-])--[a-z][a-z-]*/g) ?? []);
    expect([...named].filter((option) => !existing.has(option) && !examples.has(option))).toEqual([]);
  });

  it('names only short options some command has (besides cdk’s -c and jq’s -r in its examples)', () => {
    const existing = new Set(['-h', '-V', '-c', '-r']);
    for (const command of program.commands) {
      for (const option of command.options as Option[]) if (option.short) existing.add(option.short);
    }
    const named = new Set(read('docs/cli.md').match(/(?<![\w-])-[a-zA-Z](?=[ ,`])/g) ?? []);
    expect([...named].filter((option) => !existing.has(option))).toEqual([]);
  });
});
