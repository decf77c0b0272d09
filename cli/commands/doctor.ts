/**
 * `sfn-slack doctor`: its options, help and the checks that need no AWS; the checks themselves are in
 * doctor-run.ts, loaded only when it runs (docs/cli.md, "How the commands are laid out").
 */
import { type Command, Option } from 'commander';
import { resolveAwsContext } from '../aws/context.js';
import { envOf, type Io, processIo } from '../aws/io.js';
import { loadClients, type MakeClients } from '../aws/load-clients.js';
import { resolveTarget, targetRegion } from '../aws/options.js';
import { applyConvention, type OutputFormat } from '../convention.js';
import type { DoctorOptions } from './doctor-run.js';

export function register(
  program: Command,
  io: Io = processIo(),
  makeClients: MakeClients = loadClients
): void {
  const command = program
    .command('doctor')
    .summary('check an environment end to end (stack, connection, state machines, watch list, DLQ)')
    .description(
      'Check an environment end to end and print a checklist: the stack is deployed, the Slack connection is ' +
        'authorized, the notifier can read execution history, the watched state machines exist and are ' +
        'Standard, and the dead-letter queue is empty. Exits 1 if any check fails.\n\n' +
        '--send-test also posts a test message through the delivery state machine, to the stack’s ' +
        'SlackChannel output or to --channel.'
    )
    .option('--send-test', 'post a test message through the delivery state machine')
    .option(
      '--channel <id>',
      'channel for --send-test in channel mode, e.g. C0123456789 or #alerts (default: the stack’s SlackChannel output)'
    )
    .addOption(new Option('--json', 'old spelling of --output json').hideHelp());
  applyConvention(command, {
    env: 'stack',
    aws: 'always',
    regionFrom: ['environment'],
    output: 'text',
    outputHelp: 'text (default) the checklist, json one document {env, stackName, ok, checks}',
    examples: ['sfn-slack doctor --env prod', 'sfn-slack doctor --env dev --send-test --channel C0123456789'],
  }).action(async (options: DoctorOptions & { output: OutputFormat }) => {
    resolveTarget(options);
    const clients = await makeClients(
      await resolveAwsContext(options, envOf(io), undefined, targetRegion(options))
    );
    const { runDoctor } = await import('./doctor-run.js');
    await runDoctor({ ...options, json: options.json === true || options.output === 'json' }, io, clients);
  });
}
