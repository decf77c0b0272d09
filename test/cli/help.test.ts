/**
 * Every command's --help reads cleanly at 80 and 120 columns: no line wider than the terminal, no
 * sentence broken before the line is full (a hard line break inside a description that commander re-wraps),
 * and examples that use only the command's own options.
 */
import type { Command, Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../cli/program.js';
import { captureIo } from './helpers.js';

/** Every registered command: a new one is checked without being listed here. */
const names = buildProgram(captureIo()).commands.map((command) => command.name());

/** The help text as commander prints it for a terminal `width` columns wide. */
function helpOf(name: string, width: number): { text: string; command: Command } {
  const program = buildProgram(captureIo());
  const command = program.commands.find((c) => c.name() === name);
  if (!command) throw new Error(`no command ${name}`);
  command.configureHelp({ helpWidth: width });
  let after = '';
  // addHelpText('after') is written on the help event, not part of helpInformation().
  command.configureOutput({ writeOut: (text) => (after += text) });
  command.outputHelp();
  return { text: after, command };
}

/** A line followed by more of the same text must be full: the next word would not have fit. */
function prematureBreaks(lines: readonly string[], width: number, indent: number): string[] {
  const broken: string[] = [];
  for (const [i, line] of lines.entries()) {
    const next = lines[i + 1];
    if (!line.trim() || next === undefined || !next.trim()) continue;
    const nextIndent = next.length - next.trimStart().length;
    if (nextIndent !== indent) continue; // a new item, not a continuation
    const nextWord = next.trimStart().split(' ')[0] ?? '';
    if (line.length + 1 + nextWord.length <= width) broken.push(`${line} ⏎ ${next.trim()}`);
  }
  return broken;
}

describe.each(names)('sfn-slack %s --help', (name) => {
  it.each([80, 120])('fits in %i columns and breaks lines only where they are full', (width) => {
    const { text, command } = helpOf(name, width);
    const lines = text.split('\n');
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(width);

    const optionsAt = lines.indexOf('Options:');
    const description = lines.slice(2, optionsAt);
    expect(description.join(' ').length).toBeGreaterThan(40);
    expect(prematureBreaks(description, width, 0)).toEqual([]);

    // Option descriptions wrap under their own column.
    const options = lines.slice(optionsAt + 1, lines.indexOf('', optionsAt));
    const column = (options[0] ?? '').search(/\S\s{2,}\S/) + 1;
    const descriptionColumn = (options[0] ?? '').slice(column).search(/\S/) + column;
    expect(descriptionColumn).toBeGreaterThan(10);
    expect(prematureBreaks(options, width, descriptionColumn)).toEqual([]);

    // The source strings carry no hard line break inside a paragraph.
    expect(command.description()).not.toMatch(/[^\n]\n[^\n]/);
    for (const option of command.options as Option[]) expect(option.description).not.toContain('\n');
  });

  it('shows one or two examples that use only its own options', () => {
    const { text, command } = helpOf(name, 80);
    const examples = text.slice(text.indexOf('\nExamples:\n') + 11).replace(/\\\n\s*/g, '');
    expect(text).toContain('\nExamples:\n');
    const runs = examples
      .split('\n')
      .map((line) => line.replace(/#.*$/, '').trim())
      .filter((line) => /(^|\| )sfn-slack /.test(line));
    expect(runs.length).toBeGreaterThanOrEqual(1);
    expect(runs.length).toBeLessThanOrEqual(2);
    const known = new Set((command.options as Option[]).map((option) => option.long));
    for (const run of runs) {
      expect(run).toMatch(new RegExp(`sfn-slack ${name}( |$)`));
      // Flags after `sfn-slack` (an example may pipe another command into it).
      const own = run.slice(run.indexOf('sfn-slack '));
      for (const flag of own.match(/--[a-z-]+/g) ?? []) expect(known, `${flag} in "${run}"`).toContain(flag);
    }
  });
});
