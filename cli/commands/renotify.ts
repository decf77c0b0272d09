/**
 * `sfn-slack renotify`: its options, help and the checks that need no AWS; what it does is in renotify-run.ts,
 * loaded only when it runs (docs/cli.md, "How the commands are laid out").
 */
import type { Command } from 'commander';
import { resolveAwsContext } from '../aws/context.js';
import { envOf, type Io, processIo } from '../aws/io.js';
import { loadClients, type MakeClients } from '../aws/load-clients.js';
import { resolveTarget, targetName, targetRegion } from '../aws/options.js';
import { applyConvention, type OutputFormat } from '../convention.js';
import { CliError, ExitCode } from '../errors.js';
import { outputIo } from '../output.js';
import type { RenotifyOptions } from './renotify-run.js';

export function register(
  program: Command,
  io: Io = processIo(),
  makeClients: MakeClients = loadClients
): void {
  const command = program
    .command('renotify')
    .summary('send the notification of a past execution again (backfill or a lost notification)')
    .description(
      'Start the notifier for a past execution, as a backfill or for a notification that was lost: its ' +
        'status-change event is rebuilt from DescribeExecution, and the notifier posts the message as if the ' +
        'execution had just finished.\n\n' +
        'Running it twice for the same execution and status starts one notifier execution (its name is ' +
        'derived from them); --force sends it again. A running execution is refused: its notification goes ' +
        'out when it finishes.'
    )
    .option('--execution-arn <arn>', 'the watched execution to notify about (required)')
    .option('--force', 'notify again even if this execution was already renotified')
    .option('--dry-run', 'print the event that would be sent; start nothing');
  applyConvention(command, {
    env: 'stack',
    aws: 'always',
    regionFrom: ['arn', 'environment'],
    output: 'text',
    outputHelp: 'text (default) for a person, json one document: the event and the notifier execution',
    examples: [
      'sfn-slack renotify --env prod --dry-run \\\n' +
        '    --execution-arn arn:aws:states:eu-west-1:111122223333:execution:etl:run-42',
      'sfn-slack renotify --env prod \\\n' +
        '    --execution-arn arn:aws:states:eu-west-1:111122223333:execution:etl:run-42',
    ],
  }).action(async (options: RenotifyOptions & { output: OutputFormat }) => {
    const env = targetName(resolveTarget(options));
    if (options.executionArn === undefined) {
      throw new CliError(
        'renotify needs --execution-arn <arn>: the watched execution to notify about',
        ExitCode.badInput
      );
    }
    // The execution's region, unless --region says otherwise: the notifier of a region watches that region.
    const clients = await makeClients(
      await resolveAwsContext(options, envOf(io), options.executionArn, targetRegion(options))
    );
    const { runRenotify } = await import('./renotify-run.js');
    const output = outputIo(io, options.output);
    await runRenotify(options, output.io, clients);
    output.finish({ command: 'renotify', env });
  });
}
