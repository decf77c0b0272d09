/** The options every operator command shares: `--env`, `--region`, `--profile`. */
import { type Command, Option } from 'commander';
import { CliError, ExitCode } from '../errors.js';
import type { AwsOptions } from './clients.js';

export interface EnvOptions extends AwsOptions {
  readonly env?: string;
}

/** Adds `--env`, `--region` and `--profile` to a command. */
export function addAwsOptions(command: Command): Command {
  return command
    .addOption(
      new Option('-e, --env <name>', 'environment (stack SfnSlackNotifier-<name>)').env('SFN_SLACK_ENV')
    )
    .option('--region <region>', 'AWS region (default: AWS_REGION or the profile’s region)')
    .option(
      '--profile <name>',
      'AWS profile from ~/.aws/config (default: the SDK’s default credential chain)'
    );
}

/** The environment name, or a CliError that says how to give one. */
export function resolveEnv(options: EnvOptions): string {
  const env = options.env ?? process.env.SFN_SLACK_ENV;
  if (env === undefined || env === '') {
    throw new CliError('no environment given: pass --env <name> or set SFN_SLACK_ENV', ExitCode.badInput);
  }
  // CloudFormation stack names allow letters, digits and hyphens.
  if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(env)) {
    throw new CliError(
      `invalid environment name "${env}": use letters, digits and hyphens, starting with a letter`,
      ExitCode.badInput
    );
  }
  return env;
}

export function awsOptions(options: EnvOptions): AwsOptions {
  return {
    ...(options.region ? { region: options.region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
  };
}
