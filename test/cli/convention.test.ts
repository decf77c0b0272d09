/**
 * Walks every command `sfn-slack` registers and checks the one convention (cli/convention.ts), so a new command
 * cannot drift: the shared options exactly as defined, examples in its help, no mandatory option (a typo must be
 * reported as a typo), and every usage error as one line with exit 2.
 */
import type { Command, Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { conventionOf, OUTPUT_FORMATS, SHARED_OPTIONS } from '../../cli/convention.js';
import { ExitCode } from '../../cli/errors.js';
import { main } from '../../cli/main.js';
import { buildProgram } from '../../cli/program.js';
import { captureIo } from './helpers.js';

const commands = buildProgram(captureIo()).commands;

async function run(...args: string[]) {
  const io = captureIo();
  const code = await main(['node', 'sfn-slack', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

const optionOf = (command: Command, long: string) =>
  (command.options as Option[]).find((option) => option.long === long);

/** `--history` → `--histroy`: two letters swapped, as fingers do. */
function typo(long: string): string {
  const at = Math.min(5, long.length - 2);
  return `${long.slice(0, at)}${long[at + 1]}${long[at]}${long.slice(at + 2)}`;
}

it('registers the commands the docs describe', () => {
  expect(commands.map((command) => command.name()).sort()).toEqual(
    [
      'digest',
      'doctor',
      'mute',
      'mutes',
      'preview',
      'render',
      'renotify',
      'replay',
      'routes',
      'setup',
      'start',
      'unmute',
    ].sort()
  );
});

describe.each(commands.map((command) => [command.name(), command] as const))(
  'sfn-slack %s',
  (name, command) => {
    const convention = conventionOf(command);

    it('declares its convention with applyConvention', () => {
      expect(convention, `${name} must be set up with applyConvention (cli/convention.ts)`).toBeDefined();
    });

    it('has -e/--env with SFN_SLACK_ENV', () => {
      const env = optionOf(command, '--env');
      expect(env?.flags).toBe(SHARED_OPTIONS.env.flags);
      expect(env?.envVar).toBe(SHARED_OPTIONS.env.envVar);
    });

    it('has --region and --profile exactly when it can call AWS', () => {
      const region = optionOf(command, '--region');
      const profile = optionOf(command, '--profile');
      if (convention?.aws === 'never') {
        expect(region).toBeUndefined();
        expect(profile).toBeUndefined();
      } else {
        expect(region?.flags).toBe(SHARED_OPTIONS.region.flags);
        expect(profile?.flags).toBe(SHARED_OPTIONS.profile.flags);
      }
    });

    it('has --output json|text with its documented default', () => {
      const output = optionOf(command, '--output');
      expect(output?.flags).toBe(SHARED_OPTIONS.output.flags);
      expect(output?.argChoices).toEqual([...OUTPUT_FORMATS]);
      expect(output?.defaultValue).toBe(convention?.output);
    });

    it('has no mandatory option, so a mistyped one is reported as mistyped', () => {
      expect((command.options as Option[]).filter((option) => option.mandatory)).toEqual([]);
    });

    it('shows examples in its help', async () => {
      const { code, out } = await run(name, '--help');
      expect(code).toBe(ExitCode.ok);
      expect(out).toMatch(new RegExp(`\\nExamples:\\n  sfn-slack ${name}[ \\\\]`));
    });

    it('suggests the closest option for a typo, in one line, exit 2', async () => {
      const long = (command.options as Option[])
        .filter((option) => !option.hidden && (option.long?.length ?? 0) >= 8)
        .map((option) => option.long as string)[0] as string;
      const { code, out, err } = await run(name, typo(long));
      expect(code).toBe(ExitCode.badInput);
      expect(out).toBe('');
      expect(err).toBe(`sfn-slack: unknown option '${typo(long)}': did you mean ${long}?\n`);
    });

    it('answers an unknown option, a bad --output and a stray argument with one line, exit 2', async () => {
      const unknown = await run(name, '--zzz');
      expect(unknown.code).toBe(ExitCode.badInput);
      expect(unknown.err).toBe(`sfn-slack: unknown option '--zzz': see \`sfn-slack ${name} --help\`\n`);
      const output = await run(name, '--output', 'yaml');
      expect(output.code).toBe(ExitCode.badInput);
      expect(output.err).toBe('sfn-slack: --output <format> cannot be "yaml": use one of json, text\n');
      // mute and unmute take the state machine as their argument: a stray one is a second argument.
      const takesOne = command.registeredArguments.length > 0;
      const stray = await run(name, ...(takesOne ? ['nightly-etl', 'history.json'] : ['history.json']));
      expect(stray.code).toBe(ExitCode.badInput);
      expect(stray.err.trim().split('\n')).toHaveLength(1);
      if (!takesOne)
        expect(stray.err).toMatch(new RegExp(`^sfn-slack: ${name} takes no arguments, only options`));
    });
  }
);

describe('sfn-slack', () => {
  it('suggests the closest command', async () => {
    const { code, err } = await run('strat');
    expect(code).toBe(ExitCode.badInput);
    expect(err).toBe("sfn-slack: unknown command 'strat': did you mean start?\n");
  });

  it('documents the exit codes in its help', async () => {
    const { out } = await run('--help');
    expect(out).toContain('Exit codes: 0 ok, 1 the operation failed, 2 bad input or configuration');
  });
});
