/**
 * `sfn-slack replay`: its options, help and the checks that need no AWS; what it does is in replay-run.ts, loaded
 * only when it runs (docs/cli.md, "How the commands are laid out").
 */
import type { Command } from 'commander';
import { resolveAwsContext } from '../aws/context.js';
import { envOf, type Io, processIo } from '../aws/io.js';
import { loadClients, type MakeClients } from '../aws/load-clients.js';
import { resolveTarget, targetName, targetRegion } from '../aws/options.js';
import { applyConvention, type OutputFormat } from '../convention.js';
import { outputIo } from '../output.js';
import type { ReplayOptions } from './replay-run.js';

/** Step Functions can redrive an execution only within 14 days of its close. */
export const REDRIVE_WINDOW_DAYS = 14;

export function register(
  program: Command,
  io: Io = processIo(),
  makeClients: MakeClients = loadClients
): void {
  const command = program
    .command('replay')
    .summary('move failed notifications from the dead-letter queue back to delivery, or redrive the notifier')
    .description(
      'Put failed notifications back into delivery.\n\n' +
        'By default, moves every message of the environment’s dead-letter queue back to the delivery queue ' +
        '(an SQS message move task) and shows progress until it is done. --dry-run lists what would move, ' +
        'without moving or deleting anything.\n\n' +
        `--notifier instead redrives the notifier executions that failed in the last ${REDRIVE_WINDOW_DAYS} ` +
        'days (their notifications never reached the queue); with --dry-run it only lists them.\n\n' +
        'Run it as the stack’s replay role (output ReplayRoleArn, e.g. with a --profile that assumes it): the queue ' +
        'accepts messages only from that role and the notifier. SQS replaces a dead letter’s deduplication id with ' +
        'its message id, so a replayed message is not collapsed with a new copy of the same notification.'
    )
    .option('--dry-run', 'list what would be replayed; change nothing')
    .option(
      '--notifier',
      `redrive failed notifier executions of the last ${REDRIVE_WINDOW_DAYS} days instead`
    );
  applyConvention(command, {
    env: 'stack',
    aws: 'always',
    regionFrom: ['environment'],
    output: 'text',
    outputHelp: 'text (default) progress for a person, json one document: what moved or would move',
    examples: [
      'sfn-slack replay --env prod --dry-run     # see what would move',
      'sfn-slack replay --env prod               # move it back to delivery',
    ],
  }).action(async (options: ReplayOptions & { output: OutputFormat }) => {
    const env = targetName(resolveTarget(options));
    const clients = await makeClients(
      await resolveAwsContext(options, envOf(io), undefined, targetRegion(options))
    );
    const { runReplay } = await import('./replay-run.js');
    const output = outputIo(io, options.output);
    await runReplay(options, output.io, clients);
    output.finish({ command: 'replay', env });
  });
}
