/**
 * Exit codes scripts can rely on. Documented in `sfn-slack --help` and docs/cli.md.
 */
export const ExitCode = {
  ok: 0,
  /** The operation ran and failed (delivery failed, doctor found problems, ...). */
  failed: 1,
  /** Bad input or configuration: a missing file, malformed JSON, an unknown option. */
  badInput: 2,
  /** AWS could not be reached or refused: no credentials, access denied, stack not found. */
  aws: 3,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * An error meant for the person at the terminal: `message` is one line that says what is wrong and how to fix
 * it; the command line prints it without a stack trace and exits with `exitCode`.
 */
export class CliError extends Error {
  readonly exitCode: ExitCodeValue;

  constructor(message: string, exitCode: ExitCodeValue = ExitCode.badInput, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** The exit codes as `sfn-slack --help` states them. */
export const EXIT_CODES_HELP =
  'Exit codes: 0 ok, 1 the operation failed, 2 bad input or configuration\n' +
  '(also a history with no or unrecognised events: the message is printed, then the warning),\n' +
  '3 AWS unreachable or refused (no credentials, access denied, stack not found).';
