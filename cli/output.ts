/**
 * `--output json|text` for the operator commands. Text is what they print for a person. JSON keeps standard
 * output one document for scripts: the person's lines go to standard error, and at the end standard output gets
 * `{"command", "env", ...what the command reported}`. Errors stay one line on standard error with their exit
 * code, and nothing is printed on standard output then.
 */
import type { Io } from './aws/io.js';
import type { OutputFormat } from './convention.js';

/** What a command reports for `--output json`. */
export type Report = Readonly<Record<string, unknown>>;

export interface ReportingIo extends Io {
  /** Adds fields to the JSON document (`--output json`); ignored for text. */
  readonly report: (fields: Report) => void;
}

/** An Io for the chosen format; `finish` prints the JSON document (nothing for text). */
export function outputIo(io: Io, format: OutputFormat): { io: ReportingIo; finish: (base: Report) => void } {
  if (format === 'text') return { io: { ...io, report: () => undefined }, finish: () => undefined };
  const fields: Record<string, unknown> = {};
  return {
    io: { ...io, stdout: io.stderr, report: (more) => Object.assign(fields, more) },
    finish: (base) => io.stdout.write(`${JSON.stringify({ ...base, ...fields }, null, 2)}\n`),
  };
}

/** `io.report` when the command was given a ReportingIo (tests may pass a plain Io). */
export function report(io: Io, fields: Report): void {
  (io as Partial<ReportingIo>).report?.(fields);
}
