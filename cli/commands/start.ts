/**
 * `sfn-slack start`: its options, help and the checks of their combinations; the run is in start-run.ts, loaded
 * only when it runs (docs/cli.md, "How the commands are laid out").
 */
import { type Command, Option } from 'commander';
import { BUILT_IN_TEMPLATES, DEFAULT_TEMPLATE } from '../../contract/templates.js';
import { envOf, type Io, processIo, useColor } from '../aws/io.js';
import { applyConvention } from '../convention.js';
import { CliError, ExitCode } from '../errors.js';
import { DEFAULT_PREVIEW_PATH } from './preview.js';
import type { StartOptions } from './start-run.js';

export function register(program: Command, io: Io = processIo()): void {
  const command = program
    .command('start')
    .summary('run the whole notifier locally on an example execution')
    .description(
      'Run the notifier end to end on this machine: the real state machine files on the local runner, the real ' +
        'formatter, a local FIFO queue and Pipe, and a local Slack-compatible server. Prints the message that was ' +
        'delivered and writes an HTML preview. With no options it uses the bundled nightly-ETL example; --event ' +
        'needs the --history of the same execution. "-" as a file reads standard input; --out - writes the HTML ' +
        'page to standard output.\n\n' +
        "--execution-arn uses the AWS credentials of the environment, or of --profile; the execution ARN's region " +
        'unless --region says otherwise. --slack reads SLACK_BOT_TOKEN ' +
        'and SLACK_CHANNEL, or SLACK_WEBHOOK_URL, from the environment (never printed).'
    )
    .option('--history <file>', 'GetExecutionHistory output (JSON: {"events": [...]} or an array of pages)')
    .option(
      '--event <file>',
      'EventBridge "Step Functions Execution Status Change" event (JSON); needs --history'
    )
    .option('--execution-arn <arn>', 'read a real execution from AWS instead of a file')
    .option('--slack', 'post to real Slack instead of the local server', false)
    .option(
      '--template <name|path>',
      `${BUILT_IN_TEMPLATES.join(', ')}, or a path to a .jsonata file`,
      DEFAULT_TEMPLATE
    )
    .option('--tags <key=value...>', 'the state machine’s tags for this run (routes and mute read them)')
    .option('--cdk-json <path>', 'with -e: the cdk.json whose environment routes the run', 'cdk.json')
    .addOption(new Option('--environment <name>', 'old name of --env').hideHelp())
    .option(
      '--out <file>',
      `where to write the HTML preview, - for standard output (default: ${DEFAULT_PREVIEW_PATH})`
    )
    .option('--verbose', 'print every step and log line (the formatter’s too) as it happens', false)
    .option(
      '--serve',
      'keep the local Slack server running to browse what it received (Ctrl-C to stop)',
      false
    )
    .option(
      '--scenario <file>',
      'run a lifecycle scenario (events, duplicates, Slack faults, replays, clicks, a central environment’s sources, on a virtual clock; docs/local.md)'
    )
    .option(
      '--report <file>',
      'with --scenario: write what the local Slack server holds (JSON), - for standard output'
    )
    .option(
      '--actions',
      'show the Redrive, Stop and Mute buttons; with --serve they work in the page (local user U0LOCAL, local endpoint)',
      false
    );
  applyConvention(command, {
    env: 'display',
    aws: 'with-arn',
    regionFrom: ['arn'],
    output: 'text',
    outputHelp:
      'text (default) the delivered message as it reads in Slack, json {message, deliveredTo, fallback, htmlPath}; with --scenario, json is the report (channels, deadLetters) and the summary goes to standard error',
    examples: [
      'sfn-slack start --history h.json --event e.json -e prod',
      'sfn-slack start --profile prod \\\n' +
        '    --execution-arn arn:aws:states:eu-west-1:111122223333:execution:etl:run-42',
    ],
  }).action(async (options: StartOptions) => {
    if (options.actions && options.slack) {
      throw new CliError(
        '--actions runs the buttons against the local Slack server: drop --slack',
        ExitCode.badInput
      );
    }
    if (options.report !== undefined && options.scenario === undefined) {
      throw new CliError('--report needs --scenario <file>', ExitCode.badInput);
    }
    if (
      options.scenario === undefined &&
      options.executionArn !== undefined &&
      options.history !== undefined
    ) {
      throw new CliError('give either --execution-arn or --history, not both', ExitCode.badInput);
    }
    const { startCommand, startScenario } = await import('./start-run.js');
    if (options.scenario !== undefined) {
      await startScenario(options, {
        stdout: (text) => io.stdout.write(text),
        stderr: (text) => io.stderr.write(text),
        env: envOf(io),
      });
      return;
    }
    const env = envOf(io);
    await startCommand(options, {
      stdout: (text) => io.stdout.write(text),
      stderr: (text) => io.stderr.write(text),
      stdin: io.stdin,
      env,
      ansi: useColor(io.stdout, env),
      untilStopped: () => new Promise<void>((resolve) => process.once('SIGINT', () => resolve())),
    });
  });
}
