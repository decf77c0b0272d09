/**
 * `sfn-slack render`: prints the Slack message the formatter makes from a saved execution history, so a
 * template can be tried without deploying anything.
 */
import { readFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import type { StatusChangeEvent } from '../../formatters/contract.js';
import { formatExecution, TemplateError } from '../../formatters/format.js';
import { isHistoryPage } from '../../formatters/summarize/normalize.js';
import { CliError, ExitCode } from '../errors.js';

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

async function readJson(file: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : String(code);
    throw new CliError(`cannot read the ${what} file ${file}: ${reason}`, ExitCode.badInput);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(
      `the ${what} file ${file} is not valid JSON (${(error as Error).message}); give the saved JSON output`,
      ExitCode.badInput
    );
  }
}

/** The history file's content as pages, or a CliError saying what it should look like. */
export function toPages(content: unknown, file: string): unknown[] {
  if (isHistoryPage(content) && !Array.isArray(content)) return [content];
  if (Array.isArray(content)) {
    if (content.length > 0 && content.every((item) => isHistoryPage(item) && !Array.isArray(item)))
      return content;
    if (content.every((item) => typeof item === 'object' && item !== null && !Array.isArray(item))) {
      return [{ events: content }];
    }
  }
  throw new CliError(
    `the history file ${file} is not a GetExecutionHistory result; expected {"events": [...]} (or {"Events": [...]}), an array of those, or an array of events`,
    ExitCode.badInput
  );
}

function toEvent(content: unknown, file: string): StatusChangeEvent {
  if (typeof content === 'object' && content !== null && !Array.isArray(content)) {
    const record = content as Record<string, unknown>;
    const detail = record.detail;
    if (
      typeof detail === 'object' &&
      detail !== null &&
      typeof (detail as { executionArn?: unknown }).executionArn === 'string'
    ) {
      return content as StatusChangeEvent;
    }
    if (typeof record.executionArn === 'string') return { detail: record as StatusChangeEvent['detail'] };
  }
  throw new CliError(
    `the event file ${file} is not a Step Functions status-change event; expected an EventBridge event with detail.executionArn (or the detail itself)`,
    ExitCode.badInput
  );
}

/**
 * Renders and returns the message JSON (pretty-printed). Blocks dropped to keep the message valid are
 * reported to `warn` (@default ignored).
 */
export async function renderCommand(
  options: RenderOptions,
  warn: (warning: string) => void = () => undefined
): Promise<string> {
  const pages = toPages(await readJson(options.history, 'history'), options.history);
  const event = options.event ? toEvent(await readJson(options.event, 'event'), options.event) : undefined;
  try {
    const environment = options.env ?? options.environment;
    const { message, warnings } = await formatExecution({
      pages,
      ...(event ? { event } : {}),
      settings: {
        template: options.template ?? 'detailed',
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
    .option('--template <name|path>', 'detailed, compact, or a path to a .jsonata file', 'detailed')
    .option('--env <name>', 'environment name shown in the message')
    .addOption(new Option('--environment <name>', 'old name of --env').hideHelp())
    .option('--mention <mention>', 'mention added to failure messages, e.g. "<!subteam^S0123>"')
    .action(async (options: RenderOptions) => {
      const output = await renderCommand(options, (warning) => process.stderr.write(`warning: ${warning}\n`));
      process.stdout.write(`${output}\n`);
    });
}
