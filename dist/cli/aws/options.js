/** The options every operator command shares: `--env`, `--region`, `--profile`. */
import { Option } from 'commander';
import { CliError, ExitCode } from '../errors.js';
/**
 * Adds `--env`, `--region` and `--profile` to a command. `--env` defaults to SFN_SLACK_ENV (commander shows it as
 * "(env: SFN_SLACK_ENV)"); descriptions are single lines, which commander wraps to the terminal's width.
 */
export function addAwsOptions(command, help = {}) {
    return command
        .addOption(new Option('-e, --env <name>', help.env ?? 'environment: the stack SfnSlackNotifier-<name>').env('SFN_SLACK_ENV'))
        .option('--region <region>', help.region ?? 'AWS region (default: AWS_REGION, then the profile’s region)')
        .option('--profile <name>', 'AWS profile of ~/.aws/config (default: the SDK’s default credential chain)');
}
/** The environment name, or a CliError that says how to give one. */
export function resolveEnv(options) {
    const env = options.env ?? process.env.SFN_SLACK_ENV;
    if (env === undefined || env === '') {
        throw new CliError('no environment given: pass --env <name> or set SFN_SLACK_ENV', ExitCode.badInput);
    }
    // CloudFormation stack names allow letters, digits and hyphens.
    if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(env)) {
        throw new CliError(`invalid environment name "${env}": use letters, digits and hyphens, starting with a letter`, ExitCode.badInput);
    }
    return env;
}
export function awsOptions(options) {
    return {
        ...(options.region ? { region: options.region } : {}),
        ...(options.profile ? { profile: options.profile } : {}),
    };
}
