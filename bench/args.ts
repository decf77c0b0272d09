/**
 * The bench commands' arguments (`npm run bench[:<part>] -- …`): `--help` prints the command's usage and exits 0
 * before anything is measured or written; an unknown option, a missing value or a bad number is one line and
 * exit 2. A bench run takes minutes and rewrites bench/results.json, so a mistyped option must never start one.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';

export interface BenchCommand {
  /** The npm script, e.g. `bench:bundle`. */
  readonly name: string;
  /** What it measures and writes, a line or two. */
  readonly summary: string;
  /** Its options (each takes a value, shown as `<value>`) with their help lines. */
  readonly options?: Readonly<Record<string, { readonly value: string; readonly help: string }>>;
  /** Positional arguments, if it takes any: their usage (e.g. `[<fault> ...]`). */
  readonly positionals?: string;
}

/** `--dir <path>` of the commands that bundle a Lambda to measure it. */
export const DIR_OPTION = {
  value: 'path',
  help: 'bundle into this directory inside the repository (default: under node_modules/.cache)',
} as const;

/** The `--dir` given (DIR_OPTION), as an absolute path; undefined when none was. */
export function dirOf(values: Readonly<Record<string, string | undefined>>): string | undefined {
  return values.dir === undefined ? undefined : path.resolve(values.dir);
}

export type BenchArgs =
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'error'; readonly line: string }
  | {
      readonly kind: 'run';
      readonly values: Readonly<Record<string, string | undefined>>;
      readonly positionals: readonly string[];
    };

export function benchUsage(command: BenchCommand): string {
  const options = Object.entries(command.options ?? {}).map(
    ([name, o]) => `  --${name} <${o.value}>`.padEnd(22) + o.help
  );
  return [
    `Usage: npm run ${command.name}${command.options || command.positionals ? ' --' : ''}${
      command.options ? ' [options]' : ''
    }${command.positionals ? ` ${command.positionals}` : ''}`,
    '',
    command.summary,
    '',
    'Options:',
    ...options,
    `${'  -h, --help'.padEnd(22)}this text`,
    '',
  ].join('\n');
}

/** Reads `argv` (without node and the script) for `command`. */
export function parseBenchArgs(command: BenchCommand, argv: readonly string[]): BenchArgs {
  const spec = Object.fromEntries(
    Object.keys(command.options ?? {}).map((name) => [name, { type: 'string' as const }])
  );
  try {
    const parsed = parseArgs({
      args: [...argv],
      options: { ...spec, help: { type: 'boolean', short: 'h' } },
      allowPositionals: command.positionals !== undefined,
      strict: true,
    });
    if (parsed.values.help) return { kind: 'help', text: benchUsage(command) };
    // Every option but --help takes a string.
    const { help: _help, ...values } = parsed.values as Record<string, string | undefined>;
    return { kind: 'run', values, positionals: parsed.positionals };
  } catch (error) {
    // node:util's messages name the option ("Unknown option '--rnus'…"); keep their first sentence.
    const message = (error as Error).message.split('. ')[0] ?? String(error);
    return { kind: 'error', line: `${command.name}: ${message}; see npm run ${command.name} -- --help` };
  }
}

/** A positive whole number given to `--<name>`, or the default. */
export function positiveInteger(
  command: BenchCommand,
  name: string,
  value: string | undefined,
  fallback: number
): number | { readonly line: string } {
  if (value === undefined) return fallback;
  const n = Number(value);
  return Number.isInteger(n) && n > 0
    ? n
    : {
        line: `${command.name}: --${name} ${value} is not a positive whole number; e.g. --${name} ${fallback}`,
      };
}

/**
 * The entry point's use: parses `process.argv`, prints the usage and exits 0 for `--help`, prints the error line
 * and exits 2 for a mistake, else returns what was given.
 */
export function benchArgs(command: BenchCommand): Extract<BenchArgs, { kind: 'run' }> {
  const args = parseBenchArgs(command, process.argv.slice(2));
  if (args.kind === 'help') {
    process.stdout.write(args.text);
    process.exit(0);
  }
  if (args.kind === 'error') {
    process.stderr.write(`${args.line}\n`);
    process.exit(2);
  }
  return args;
}

/** Ends the process with `line` (exit 2) when `value` is a mistake; else returns it. */
export function orExit<T>(value: T | { readonly line: string }): T {
  if (typeof value === 'object' && value !== null && 'line' in value) {
    process.stderr.write(`${(value as { line: string }).line}\n`);
    process.exit(2);
  }
  return value as T;
}
