/**
 * `sfn-slack routes`: its options and help; the reasoning is in routes-run.ts, loaded only when it runs
 * (docs/cli.md, "How the commands are laid out").
 */
import type { Command } from 'commander';
import { EXECUTION_STATUSES } from '../../contract/statuses.js';
import { resolveAwsContext } from '../aws/context.js';
import { envOf, type Io, processIo } from '../aws/io.js';
import { loadClients, type MakeClients } from '../aws/load-clients.js';
import { type EnvOptions, resolveTarget } from '../aws/options.js';
import { applyConvention } from '../convention.js';
import { CliError, ExitCode } from '../errors.js';
import type { RoutesOptions } from './routes-run.js';

export function register(
  program: Command,
  io: Io = processIo(),
  makeClients: MakeClients = loadClients
): void {
  const command = program
    .command('routes')
    .summary('explain which routes take a state machine’s notifications, and why')
    .description(
      'Which routes of an environment (cdk.json) match a state machine with a status and tags, why the others do ' +
        'not, and the messages that would go out: channel, template and mention. The same rules as the deployed ' +
        'notifier. With --env it reads cdk.json and needs no AWS account; with --stack or --notifier-name it reads ' +
        'the deployed notifier’s descriptor (ssm:GetParameter, read only).'
    )
    .option(
      '--state-machine <name|arn>',
      'the state machine (a name is taken in the environment’s account and region; required)'
    )
    .option('--tags <key=value...>', 'the state machine’s tags')
    .option('--status <status>', `execution status (${EXECUTION_STATUSES.join(', ')})`, 'FAILED')
    .option('--cdk-json <path>', 'the cdk.json to read', 'cdk.json');
  applyConvention(command, {
    env: 'stack',
    aws: 'with-target',
    output: 'text',
    outputHelp:
      'text (default) the reasoning for a person, json {stateMachineArn, status, tags, routes, deliveries}',
    examples: [
      'sfn-slack routes -e prod --state-machine data-load --tags team=data',
      'sfn-slack routes --notifier-name prod --state-machine data-load',
    ],
  }).action(
    async (
      options: Omit<RoutesOptions, 'env' | 'stateMachine'> &
        EnvOptions & { env?: string; stateMachine?: string }
    ) => {
      if (options.stateMachine === undefined) {
        throw new CliError('routes needs --state-machine <name or ARN>', ExitCode.badInput);
      }
      const target = resolveTarget(options);
      const { runRoutes } = await import('./routes-run.js');
      await runRoutes({ ...options, stateMachine: options.stateMachine }, target, io, async () =>
        makeClients(await resolveAwsContext(options, envOf(io)))
      );
    }
  );
}
