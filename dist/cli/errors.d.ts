/**
 * Exit codes scripts can rely on. Documented in `sfn-slack --help` and docs/cli.md.
 */
export declare const ExitCode: {
    readonly ok: 0;
    /** The operation ran and failed (delivery failed, doctor found problems, ...). */
    readonly failed: 1;
    /** Bad input or configuration: a missing file, malformed JSON, an unknown option. */
    readonly badInput: 2;
    /** AWS could not be reached or refused: no credentials, access denied, stack not found. */
    readonly aws: 3;
};
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
/**
 * An error meant for the person at the terminal: `message` is one line that says what is wrong and how to fix
 * it; the command line prints it without a stack trace and exits with `exitCode`.
 */
export declare class CliError extends Error {
    readonly exitCode: ExitCodeValue;
    constructor(message: string, exitCode?: ExitCodeValue, options?: ErrorOptions);
}
/** The exit codes as `sfn-slack --help` states them. */
export declare const EXIT_CODES_HELP: string;
