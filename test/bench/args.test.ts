import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type BenchCommand,
  benchUsage,
  DIR_OPTION,
  dirOf,
  parseBenchArgs,
  positiveInteger,
} from '../../bench/args.js';
import { benchEntries, entrySource } from './entries.js';

const bundle: BenchCommand = {
  name: 'bench:bundle',
  summary: 'Measures the bundle.',
  options: { dir: DIR_OPTION, runs: { value: 'n', help: 'cold starts measured' } },
};
const faults: BenchCommand = {
  name: 'bench:faults',
  summary: 'Runs the matrix.',
  positionals: '[<fault> ...]',
};

describe('the bench commands’ arguments', () => {
  it('--help and -h give the usage with every option, before anything runs', () => {
    for (const flag of ['--help', '-h']) {
      const args = parseBenchArgs(bundle, ['--runs', '3', flag]);
      expect(args.kind).toBe('help');
      const text = args.kind === 'help' ? args.text : '';
      expect(text.split('\n')[0]).toBe('Usage: npm run bench:bundle -- [options]');
      expect(text).toContain('Measures the bundle.');
      expect(text).toMatch(/--dir <path> +bundle into this directory/);
      expect(text).toMatch(/--runs <n> +cold starts measured/);
    }
    expect(benchUsage(faults).split('\n')[0]).toBe('Usage: npm run bench:faults -- [<fault> ...]');
    expect(benchUsage({ name: 'bench', summary: 's' }).split('\n')[0]).toBe('Usage: npm run bench');
  });

  it('gives the options and positionals it was given', () => {
    expect(parseBenchArgs(bundle, ['--dir', 'out', '--runs', '4'])).toEqual({
      kind: 'run',
      values: { dir: 'out', runs: '4' },
      positionals: [],
    });
    expect(dirOf({ dir: 'out' })).toBe(path.resolve('out'));
    expect(dirOf({})).toBeUndefined();
    expect(parseBenchArgs(faults, ['slackDown', 'storm'])).toEqual({
      kind: 'run',
      values: {},
      positionals: ['slackDown', 'storm'],
    });
  });

  it('a mistyped option, a missing value or an argument it does not take is one line naming it and --help', () => {
    expect(parseBenchArgs(bundle, ['--rnus', '3'])).toEqual({
      kind: 'error',
      line: "bench:bundle: Unknown option '--rnus'; see npm run bench:bundle -- --help",
    });
    const missing = parseBenchArgs(bundle, ['--runs']);
    expect(missing.kind === 'error' && missing.line).toMatch(
      /^bench:bundle: Option '--runs <value>' argument missing;/
    );
    const extra = parseBenchArgs({ name: 'bench', summary: 's' }, ['now']);
    expect(extra).toEqual({
      kind: 'error',
      line: "bench: Unexpected argument 'now'; see npm run bench -- --help",
    });
  });

  it('--runs takes a positive whole number, else says what to give', () => {
    expect(positiveInteger(bundle, 'runs', undefined, 15)).toBe(15);
    expect(positiveInteger(bundle, 'runs', '4', 15)).toBe(4);
    for (const bad of ['0', '-2', '2.5', 'many']) {
      expect(positiveInteger(bundle, 'runs', bad, 15)).toEqual({
        line: `bench:bundle: --runs ${bad} is not a positive whole number; e.g. --runs 15`,
      });
    }
  });

  it('every bench script of package.json reads its arguments this way (so --help never starts a run)', () => {
    expect(benchEntries.length).toBeGreaterThan(5);
    for (const { script, file } of benchEntries) {
      expect(file, script).toBeDefined();
      const source = entrySource(file as string);
      expect(source, script).toContain(`name: '${script}'`);
      expect(source, script).toMatch(/\bbenchArgs\(/);
    }
  });
});
