import { existsSync, readFileSync } from 'node:fs';
import { Command } from 'commander';
import { type Io, processIo } from './aws/io.js';
import { register as registerDigest } from './commands/digest.js';
import { register as registerDoctor } from './commands/doctor.js';
import { register as registerMute } from './commands/mute.js';
import { register as registerPreview } from './commands/preview.js';
import { register as registerRender } from './commands/render.js';
import { register as registerRenotify } from './commands/renotify.js';
import { register as registerReplay } from './commands/replay.js';
import { register as registerRoutes } from './commands/routes.js';
import { register as registerSetup } from './commands/setup.js';
import { register as registerStart } from './commands/start.js';
import { EXIT_CODES_HELP } from './errors.js';

/**
 * The `sfn-slack` program. Each command is registered by `cli/commands/<name>.ts`, whose `register(program, io)`
 * declares its options with `applyConvention` (cli/convention.ts); its action loads `<name>-run.ts`, the
 * implementation, only when the command runs, so building the program stays cheap (docs/cli.md).
 */
export function buildProgram(io: Io = processIo()): Command {
  const program = new Command('sfn-slack')
    .description('AWS Step Functions execution results in Slack: render, preview, run locally, operate.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(`${commanderErrorLine(text)}\n`),
    })
    .addHelpText('after', `\n${EXIT_CODES_HELP}`);
  registerRender(program, io);
  registerPreview(program, io);
  registerReplay(program, io);
  registerRenotify(program, io);
  registerSetup(program, io);
  registerDoctor(program, io);
  registerStart(program, io);
  registerRoutes(program, io);
  registerMute(program, io);
  registerDigest(program, io);
  for (const command of program.commands) {
    command.configureOutput({
      outputError: (text, write) => write(`${commanderErrorLine(text, command.name())}\n`),
    });
  }
  return program;
}

/**
 * Commander's error (`error: unknown option '--histroy'` and a `(Did you mean --history?)` line) as the one
 * line every sfn-slack error is: what is wrong, then how to fix it.
 */
export function commanderErrorLine(text: string, command?: string): string {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const problem = (lines[0] ?? 'invalid arguments').replace(/^error:\s*/, '');
  const help = `sfn-slack${command ? ` ${command}` : ''} --help`;
  const suggestion = /^\(Did you mean (.+)\?\)$/.exec(
    lines.find((line) => line.startsWith('(Did')) ?? ''
  )?.[1];
  if (suggestion) return `sfn-slack: ${problem}: did you mean ${suggestion}?`;
  const choice = /^option '(.+?)' argument '(.*)' is invalid\. Allowed choices are (.+)\.$/.exec(problem);
  if (choice) return `sfn-slack: ${choice[1]} cannot be "${choice[2]}": use one of ${choice[3]}`;
  const missing = /^option '(.+?)' argument missing$/.exec(problem);
  if (missing) return `sfn-slack: ${missing[1]} needs a value: see \`${help}\``;
  const extra = /^too many arguments(?: for '(.+?)')?\./.exec(problem);
  if (extra) {
    return `sfn-slack: ${command ?? 'sfn-slack'} takes no arguments, only options (e.g. --history <file>): see \`${help}\``;
  }
  return `sfn-slack: ${problem}: see \`${help}\``;
}

/** The version in package.json: one level up in a checkout, two from dist/ when installed. */
function packageVersion(): string {
  for (const relative of ['../package.json', '../../package.json']) {
    const file = new URL(relative, import.meta.url);
    if (existsSync(file)) {
      const { name, version } = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version: string };
      if (name === 'sfn-slack-notifier') return version;
    }
  }
  return '0.0.0';
}
