/**
 * `sfn-slack setup`: its options, help and the checks that need no AWS; what it stores, and how, is in
 * setup-run.ts, loaded only when it runs (docs/cli.md, "How the commands are laid out").
 */
import type { Command } from 'commander';
import { resolveAwsContext } from '../aws/context.js';
import { envOf, type Io, processIo } from '../aws/io.js';
import { loadClients, type MakeClients } from '../aws/load-clients.js';
import { resolveTarget, targetName, targetRegion } from '../aws/options.js';
import { applyConvention, type OutputFormat } from '../convention.js';
import { outputIo } from '../output.js';
import type { SetupOptions } from './setup-run.js';

export function register(
  program: Command,
  io: Io = processIo(),
  makeClients: MakeClients = loadClients
): void {
  const command = program
    .command('setup')
    .summary('store the Slack bot token (or webhook URL) of an environment, read from standard input')
    .description(
      'Store the Slack credential of an environment. The value is read from standard input, never from an ' +
        'argument (which would land in shell history), and is never printed. On a terminal it is asked for ' +
        'and not echoed.\n\n' +
        'Bot token (default): written to the stack’s bot-token secret, and the EventBridge connection is ' +
        'updated to send "Authorization: Bearer <token>".\n\n' +
        '--webhook: the incoming-webhook URL is stored as an SSM SecureString in the parameter named by the ' +
        'stack’s WebhookParameterName output (/<env>/SLACK_URL when the stack is not deployed yet), with ' +
        'the stack’s KMS key when it has one.\n\n' +
        '--signing-secret: the Slack app’s signing secret (Redrive, Stop and Mute buttons) is written to the ' +
        'stack’s signing secret; the interactivity request URL to give the Slack app is printed.'
    )
    .option('--webhook', 'store an incoming-webhook URL (https://hooks.slack.com/services/…) instead')
    .option(
      '--signing-secret',
      'store the Slack app’s signing secret (Basic Information → App Credentials) for the Redrive, Stop and Mute buttons'
    );
  applyConvention(command, {
    env: 'stack',
    aws: 'always',
    regionFrom: ['environment'],
    output: 'text',
    outputHelp: 'text (default) for a person, json one document: where the credential was stored',
    examples: ['sfn-slack setup --env prod < token.txt', 'pbpaste | sfn-slack setup --env dev --webhook'],
  }).action(async (options: SetupOptions & { output: OutputFormat }) => {
    const target = resolveTarget(options);
    const clients = await makeClients(
      await resolveAwsContext(options, envOf(io), undefined, targetRegion(options))
    );
    const { runSetup } = await import('./setup-run.js');
    const output = outputIo(io, options.output);
    await runSetup(options, output.io, clients);
    output.finish({ command: 'setup', env: targetName(target) });
  });
}
