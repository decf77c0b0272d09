/**
 * The one convention every `sfn-slack` command follows, the AWS CLI's:
 *
 * - `-e, --env <name>` (default `SFN_SLACK_ENV`) on every command that has an environment;
 * - `--region` and `--profile` on every command that calls AWS (resolved in cli/aws/context.ts);
 * - `--output json|text` on every command that prints;
 * - examples at the end of `--help`;
 * - errors as one line, `sfn-slack: <what is wrong>: <how to fix it>`, with the exit codes of cli/errors.ts.
 *
 * A command declares what it has with `applyConvention`, which adds the shared options exactly as defined here.
 * test/cli/convention.test.ts walks every registered command and fails for one that has not.
 */
import { type Command } from 'commander';
export type OutputFormat = 'json' | 'text';
export declare const OUTPUT_FORMATS: readonly OutputFormat[];
export interface CommandConvention {
    /**
     * What `--env` means: `stack` names a deployed stack (`SfnSlackNotifier-<name>`) and is required; `display` is
     * only the environment name shown in the message.
     */
    readonly env: 'stack' | 'display';
    /**
     * `always`: every run calls AWS; `with-arn`: only with `--execution-arn`; `never`: no `--region`/`--profile`.
     */
    readonly aws: 'always' | 'with-arn' | 'never';
    /** What `--output` prints when not given. */
    readonly output: OutputFormat;
    /** What each format prints, for the help. */
    readonly outputHelp: string;
    /** Full command lines, shown under "Examples:" in `--help`. At least two. */
    readonly examples: readonly string[];
}
/** The convention a command declared, or undefined for one that did not (the convention test fails then). */
export declare function conventionOf(command: Command): CommandConvention | undefined;
/** The options the convention adds, as plain data (the convention test compares every command against it). */
export declare const SHARED_OPTIONS: {
    readonly env: {
        readonly flags: "-e, --env <name>";
        readonly envVar: "SFN_SLACK_ENV";
    };
    readonly region: {
        readonly flags: "--region <region>";
    };
    readonly profile: {
        readonly flags: "--profile <name>";
    };
    readonly output: {
        readonly flags: "--output <format>";
    };
};
/**
 * Adds the shared options (after the command's own, so `--help` lists those first) and the examples, and
 * records the convention. Returns the command for chaining `.action()`.
 */
export declare function applyConvention(command: Command, convention: CommandConvention): Command;
