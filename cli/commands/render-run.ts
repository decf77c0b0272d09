/**
 * `sfn-slack render`: prints the Slack message the formatter makes from a saved execution history, so a
 * template can be tried without deploying anything.
 */
import type { SlackMessage } from '../../contract/formatter.js';
import { DEFAULT_TEMPLATE } from '../../contract/templates.js';
import { formatExecution, TemplateError } from '../../formatters/formatter/format.js';
import { pageEvents } from '../../formatters/formatter/summarize/normalize.js';
import { renderTerminal } from '../../preview/terminal.js';
import { envOf, type Io, useColor } from '../aws/io.js';
import type { OutputFormat } from '../convention.js';
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

/** `sfn-slack render`: prints the message (JSON, or as it reads in Slack) and its warnings. */
export async function runRender(options: RenderOptions & { output: OutputFormat }, io: Io): Promise<void> {
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
