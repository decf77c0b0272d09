/** The options every operator command shares: `--env`, `--region`, `--profile`. */
import { type Command } from 'commander';
import type { AwsOptions } from './clients.js';
export interface EnvOptions extends AwsOptions {
    readonly env?: string;
}
/** Option descriptions a command words its own way (`preview` uses `--env` only as a display name). */
export interface AwsOptionHelp {
    /** @default 'environment: the stack SfnSlackNotifier-<name>' */
    readonly env?: string;
    /** @default 'AWS region (default: AWS_REGION, then the profile’s region)' */
    readonly region?: string;
}
/**
 * Adds `--env`, `--region` and `--profile` to a command. `--env` defaults to SFN_SLACK_ENV (commander shows it as
 * "(env: SFN_SLACK_ENV)"); descriptions are single lines, which commander wraps to the terminal's width.
 */
export declare function addAwsOptions(command: Command, help?: AwsOptionHelp): Command;
/** The environment name, or a CliError that says how to give one. */
export declare function resolveEnv(options: EnvOptions): string;
export declare function awsOptions(options: EnvOptions): AwsOptions;
