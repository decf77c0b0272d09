/**
 * `sfn-slack render`: prints the Slack message the formatter makes from a saved execution history, so a
 * template can be tried without deploying anything.
 */
import { type Command, Option } from 'commander';
import type { SlackMessage } from '../../contract/formatter.js';
import { BUILT_IN_TEMPLATES, DEFAULT_TEMPLATE } from '../../contract/templates.js';
import { formatExecution, TemplateError } from '../../formatters/formatter/format.js';
import { pageEvents } from '../../formatters/formatter/summarize/normalize.js';
import { renderTerminal } from '../../preview/terminal.js';
import { envOf, type Io, processIo, useColor } from '../aws/io.js';
import { applyConvention, type OutputFormat } from '../convention.js';
import { CliError, ExitCode } from '../errors.js';
import {
  checkOneStdinInput,
  historyPages,
  historyProblem,
  inputLabel,
  readDefinitionFile,
  readJsonFile,
  statusChangeEventOf,
} from '../read-input.js';

export interface RenderOptions {
  /** GetExecutionHistory output: `{events}`/`{Events}`, an array of such pages, or an array of events. */
  readonly history?: string;
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
  /** The execution's state machine definition (names what each Task ran, as the deployed notifier does). */
  readonly definition?: string;
}

/**
 * Renders and returns the message JSON (pretty-printed). Blocks dropped to keep the message valid are
 * reported to `warn` (@default ignored).
 */
export async function renderCommand(
  options: RenderOptions,
  warn: (warning: string) => void = () => undefined
): Promise<string> {
  return JSON.stringify((await renderMessage(options, warn)).message, null, 2);
}

/**
 * The message, and the problem of a history it could read no event from (the caller prints the message, then
 * reports the problem with exit 2).
 */
export async function renderMessage(
  options: RenderOptions,
  warn: (warning: string) => void = () => undefined,
  stdin: NodeJS.ReadableStream = process.stdin
): Promise<{ message: SlackMessage; problem?: string }> {
  if (options.history === undefined && options.event === undefined) {
    throw new CliError(
      'render needs --history <file> (and/or --event <file>): save one with `aws stepfunctions get-execution-history --execution-arn ARN > history.json`',
      ExitCode.badInput
    );
  }
  checkOneStdinInput({
    '--history': options.history,
    '--event': options.event,
    '--definition': options.definition,
  });
  const pages =
    options.history === undefined
      ? []
      : historyPages(await readJsonFile(options.history, 'history', stdin), options.history);
  const event = options.event
    ? statusChangeEventOf(await readJsonFile(options.event, 'event', stdin), options.event)
    : undefined;
  const problem = historyInputProblem(pages, options.history, event !== undefined, warn);
  const definition = options.definition ? await readDefinitionFile(options.definition, stdin) : undefined;
  try {
    const environment = options.env ?? options.environment;
    const { message, warnings } = await formatExecution({
      pages,
      ...(event ? { event } : {}),
      ...(definition === undefined ? {} : { definition }),
      settings: {
        template: options.template ?? DEFAULT_TEMPLATE,
        ...(environment ? { environment } : {}),
        ...(options.mention ? { mentionOnFailure: options.mention } : {}),
      },
    });
    for (const warning of warnings) warn(warning);
    return { message, ...(problem ? { problem } : {}) };
  } catch (error) {
    if (error instanceof TemplateError)
      throw new CliError(error.message, ExitCode.badInput, { cause: error });
    throw error;
  }
}

/**
 * What is wrong with the history given, for exit 2. A history with no events beside an event is not wrong: the
 * notifier posts the message built from the event alone for it, and that is what is shown (`warn` says so).
 */
export function historyInputProblem(
  pages: readonly unknown[],
  file: string | undefined,
  haveEvent: boolean,
  warn: (warning: string) => void
): string | undefined {
  const events = pages.reduce<number>((n, page) => n + pageEvents(page).length, 0);
  if (haveEvent && events === 0) {
    warn(
      `${file === undefined ? 'no history given' : `${inputLabel('history', file)} has no events`}: this is the message the notifier posts from the event alone`
    );
    return undefined;
  }
  return file === undefined ? undefined : historyProblem(pages, file);
}

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
    const env = envOf(io);
    const warnings: string[] = [];
    const { message, problem } = await renderMessage(options, (warning) => warnings.push(warning), io.stdin);
    for (const warning of warnings) io.stderr.write(`sfn-slack: warning: ${warning}\n`);
    io.stdout.write(
      options.output === 'text'
        ? renderTerminal(message, { ansi: useColor(io.stdout, env) })
        : `${JSON.stringify(message, null, 2)}\n`
    );
    if (problem) throw new CliError(problem, ExitCode.badInput);
  });
}
