/** `--env` as the commands with a stack read it (the options themselves: cli/convention.ts). */
import { CliError, ExitCode } from '../errors.js';
import type { AwsOptions } from './clients.js';

export interface EnvOptions extends AwsOptions {
  readonly env?: string;
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
