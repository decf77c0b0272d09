/**
 * `sfn-slack render`: its options and help; the rendering is in render-run.ts, loaded only when it runs
 * (docs/cli.md, "How the commands are laid out").
 */
import { type Command, Option } from 'commander';
import { BUILT_IN_TEMPLATES, DEFAULT_TEMPLATE } from '../../contract/templates.js';
import { type Io, processIo } from '../aws/io.js';
import { applyConvention, type OutputFormat } from '../convention.js';
import type { RenderOptions } from './render-run.js';

export function register(program: Command, io: Io = processIo()): void {
  const command = program
    .command('render')
    .summary('print the Slack message for a saved execution history')
    .description(
      'Print the Slack message (JSON: text + blocks) the formatter makes from a saved GetExecutionHistory ' +
        'result. Nothing is posted; use it to try a template. --output text prints it as it reads in Slack ' +
        'instead. "-" as a file reads standard input.\n\n' +
        'Save a history with `aws stepfunctions get-execution-history --execution-arn ARN ' +
        '--no-include-execution-data > history.json`.'
    )
    .option(
      '--history <file>',
      'GetExecutionHistory output (JSON; - for standard input); without it (or with no events) --event alone gives the message the notifier posts from the event'
    )
    .option(
      '--event <file>',
      'EventBridge "Step Functions Execution Status Change" event (JSON; - for standard input)'
    )
    .option(
      '--template <name|path>',
      `${BUILT_IN_TEMPLATES.join(', ')}, or a path to a .jsonata file`,
      DEFAULT_TEMPLATE
    )
    .addOption(new Option('--environment <name>', 'old name of --env').hideHelp())
    .option('--mention <mention>', 'mention added to failure messages, e.g. "<!subteam^S0123>"')
    .option(
      '--definition <file>',
      'the state machine definition (describe-state-machine-for-execution JSON): names what each Task ran'
    );
  applyConvention(command, {
    env: 'display',
    aws: 'never',
    output: 'json',
    outputHelp: 'json (default) the message JSON, text the message as it reads in Slack',
    examples: [
      'sfn-slack render --history history.json --event event.json --env prod',
      'aws stepfunctions get-execution-history --execution-arn "$ARN" \\\n' +
        '    | sfn-slack render --history - --output text',
    ],
  }).action(async (options: RenderOptions & { output: OutputFormat }) => {
    const { runRender } = await import('./render-run.js');
    await runRender(options, io);
  });
}
