/**
 * `sfn-slack render`: prints the Slack message the formatter makes from a saved execution history, so a
 * template can be tried without deploying anything.
 */
import { type Command, Option } from 'commander';
import { BUILT_IN_TEMPLATES, DEFAULT_TEMPLATE } from '../../contract/templates.js';
import { formatExecution, TemplateError } from '../../formatters/format.js';
import { CliError, ExitCode } from '../errors.js';
import { historyPages, readJsonFile, statusChangeEventOf } from '../read-input.js';

export interface RenderOptions {
  /** GetExecutionHistory output: `{events}`/`{Events}`, an array of such pages, or an array of events. */
  readonly history: string;
  /** An EventBridge status-change event, or its `detail`. @default - none */
  readonly event?: string;
  /** `detailed`, `compact` or a path to a .jsonata file. @default 'detailed' */
  readonly template?: string;
  /** Environment name shown in the message (`--env`, as the operator commands name it). @default - none */
  readonly env?: string;
  /** Old name of `env`, still accepted; `env` wins when both are given. @default - none */
  readonly environment?: string;
  /** Mention added to failure messages. @default - none */
  readonly mention?: string;
}

/**
 * Renders and returns the message JSON (pretty-printed). Blocks dropped to keep the message valid are
 * reported to `warn` (@default ignored).
 */
export async function renderCommand(
  options: RenderOptions,
  warn: (warning: string) => void = () => undefined
): Promise<string> {
  const pages = historyPages(await readJsonFile(options.history, 'history'), options.history);
  const event = options.event
    ? statusChangeEventOf(await readJsonFile(options.event, 'event'), options.event)
    : undefined;
  try {
    const environment = options.env ?? options.environment;
    const { message, warnings } = await formatExecution({
      pages,
      ...(event ? { event } : {}),
      settings: {
        template: options.template ?? DEFAULT_TEMPLATE,
        ...(environment ? { environment } : {}),
        ...(options.mention ? { mentionOnFailure: options.mention } : {}),
      },
    });
    for (const warning of warnings) warn(warning);
    return JSON.stringify(message, null, 2);
  } catch (error) {
    if (error instanceof TemplateError)
      throw new CliError(error.message, ExitCode.badInput, { cause: error });
    throw error;
  }
}

export function register(program: Command): void {
  program
    .command('render')
    .summary('print the Slack message for a saved execution history')
    .description(
      'Print the Slack message (JSON: text + blocks) the formatter makes from a saved GetExecutionHistory result.\n' +
        'Nothing is posted; use it to try a template. Save a history with:\n' +
        '  aws stepfunctions get-execution-history --execution-arn ARN --no-include-execution-data > history.json'
    )
    .requiredOption('--history <file>', 'GetExecutionHistory output (JSON)')
    .option('--event <file>', 'EventBridge "Step Functions Execution Status Change" event (JSON)')
    .option(
      '--template <name|path>',
      `${BUILT_IN_TEMPLATES.join(', ')}, or a path to a .jsonata file`,
      DEFAULT_TEMPLATE
    )
    .option('--env <name>', 'environment name shown in the message')
    .addOption(new Option('--environment <name>', 'old name of --env').hideHelp())
    .option('--mention <mention>', 'mention added to failure messages, e.g. "<!subteam^S0123>"')
    .action(async (options: RenderOptions) => {
      const output = await renderCommand(options, (warning) => process.stderr.write(`warning: ${warning}\n`));
      process.stdout.write(`${output}\n`);
    });
}
