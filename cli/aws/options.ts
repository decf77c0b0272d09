/** `--env`, `--stack` and `--notifier-name` as the commands with a stack read them (the options: cli/convention.ts). */
import { ENV_NAME } from '../../contract/settings.js';
import { environmentRegion } from '../environments.js';
import { CliError, ExitCode } from '../errors.js';
import type { AwsOptions } from './clients.js';

export interface EnvOptions extends AwsOptions {
  readonly env?: string;
  /** A stack of any name holding the notifier. */
  readonly stack?: string;
  /** A notifier by its environmentName: its descriptor parameter. */
  readonly notifierName?: string;
}

/** The environment name, or a CliError that says how to give one. */
export function resolveEnv(options: EnvOptions): string {
  const env = options.env ?? process.env.SFN_SLACK_ENV;
  if (env === undefined || env === '') {
    throw new CliError(
      'no environment given: pass --env <name> or set SFN_SLACK_ENV (a SlackNotifier in your own stack: --notifier-name <environmentName> or --stack <name>)',
      ExitCode.badInput
    );
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

/** Which notifier a command works on: the first of `--notifier-name`, `--stack`, `--env` given. */
export type NotifierTarget =
  | { readonly kind: 'notifier'; readonly notifier: string }
  | { readonly kind: 'stack'; readonly stack: string }
  | { readonly kind: 'env'; readonly env: string };

export function resolveTarget(options: EnvOptions): NotifierTarget {
  if (options.notifierName !== undefined) {
    if (!ENV_NAME.test(options.notifierName)) {
      throw new CliError(
        `--notifier-name ${options.notifierName}: give the SlackNotifier's environmentName (a letter, then letters, digits and "-")`,
        ExitCode.badInput
      );
    }
    return { kind: 'notifier', notifier: options.notifierName };
  }
  if (options.stack !== undefined) {
    if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(options.stack)) {
      throw new CliError(
        `--stack ${options.stack}: a CloudFormation stack name is letters, digits and "-", starting with a letter`,
        ExitCode.badInput
      );
    }
    return { kind: 'stack', stack: options.stack };
  }
  return { kind: 'env', env: resolveEnv(options) };
}

/**
 * The region the environment declares in cdk.json, for the region's order of precedence (cli/aws/context.ts):
 * only with `--env` (a stack or notifier named otherwise is not described there).
 */
export function targetRegion(options: EnvOptions & { readonly cdkJson?: string }): string | undefined {
  if (options.notifierName !== undefined || options.stack !== undefined) return undefined;
  const env = options.env ?? process.env.SFN_SLACK_ENV;
  return env ? environmentRegion(env, options.cdkJson) : undefined;
}

/** The option that names the target again, for the "run this next" hints: `--env prod`, `--stack app`, …. */
export function targetFlag(target: NotifierTarget): string {
  return target.kind === 'env'
    ? `--env ${target.env}`
    : target.kind === 'stack'
      ? `--stack ${target.stack}`
      : `--notifier-name ${target.notifier}`;
}

/** The name messages call the target by before it is read: the environment, stack or notifier name. */
export function targetName(target: NotifierTarget): string {
  return target.kind === 'env' ? target.env : target.kind === 'stack' ? target.stack : target.notifier;
}
